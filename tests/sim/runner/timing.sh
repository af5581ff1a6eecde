# shellcheck shell=sh
# take SPEC: sleeps as long as the real runner takes for a step: SPEC is
# seconds ("2.5") or a range ("2-3", a uniform draw); empty: no wait.
take() {
	[ -n "$1" ] || return 0
	_s=$(awk -v r="$1" -v seed="$$$(date +%N)" 'BEGIN {
		srand(seed); n = split(r, p, "-")
		if (n == 1) print p[1] + 0; else printf "%.2f\n", p[1] + rand() * (p[2] - p[1]) }')
	sleep "$_s"
}
# trace START-NS STEP NAME: with SIM_RUNNER_TRACE set (make bench), appends
# "start-ms end-ms step name cpu-ms" to that file; cpu-ms is this script's
# CPU so far with its children's (user + system, from the shell's times).
trace() {
	[ -n "${SIM_RUNNER_TRACE:-}" ] || return 0
	# times in this shell (in a pipe or $(...) it would report a subshell).
	_f=$(mktemp) || return 0
	times > "$_f"
	_cpu=$(tr 'ms\n' '   ' < "$_f" | awk '{ printf "%d", ($2 + $4 + $6 + $8 + 60 * ($1 + $3 + $5 + $7)) * 1000 }')
	rm -f "$_f"
	echo "$(($1 / 1000000)) $(($(date +%s%N) / 1000000)) $2 $3 $_cpu" >> "$SIM_RUNNER_TRACE"
}

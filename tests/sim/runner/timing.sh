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
# "start-ms end-ms step name" to that file.
trace() {
	[ -n "${SIM_RUNNER_TRACE:-}" ] || return 0
	echo "$(($1 / 1000000)) $(($(date +%s%N) / 1000000)) $2 $3" >> "$SIM_RUNNER_TRACE"
}

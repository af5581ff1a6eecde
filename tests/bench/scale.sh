#!/bin/sh
# tests/bench/scale.sh OUT: how each mode's cost grows with the pool (issue
# 25). For each pool size in BENCH_SCALE (default "10 100 1000"): a fresh
# stack, up to 100 instances with real agents (idle in the pool), the rest
# ghosts (tests/bench/seed.js: in EC2 and the table, serving runs of their
# own, no agent); then refresh (quiet; a tenth expired), pool-status (and
# with 10,000 records), warm provisions of 10 and 50 with their releases
# (the agents competing for CPU, then under nice 19), 20 provisions of 5 at
# once. Per figure: wall ms, CPU ms of the mode and everything it ran (GNU
# time), peak RSS of its largest process, the processes it started and the
# programs it ran (a separate run under strace --seccomp-bpf), and its
# requests by service and operation (the stack's call log, the operator's
# key and GitHub only). Writes the Markdown section to OUT, the figures to
# docs/bench/scale.tsv and the curves to docs/bench/*.svg (gnuplot).
# Reports; never fails on a slow machine.
set -u
cd "$(dirname "$0")/../.." || exit 2
TOP=$(pwd)
out=${1:?usage: scale.sh OUT.md}
PATH="$TOP/build/bin:$PATH"
export PATH AWS_DEFAULT_REGION=us-east-1
SIZES=${BENCH_SCALE:-10 100 1000}
K=${BENCH_SCALE_RUNS:-3}
# Instances with real agents per pool, at most (the rest are ghosts).
AGENTS=${BENCH_SCALE_AGENTS:-100}
# BENCH_SCALE_ONLY=contention: only the 20 provisions at once (its table to
# OUT; docs/bench left alone).
ONLY=${BENCH_SCALE_ONLY:-}
tmp=$(mktemp -d)
chmod 711 "$tmp"
SIM_DIR=
trap 'sh tests/sim/stack stop "$SIM_DIR" 2>/dev/null; rm -rf "$tmp" "$SIM_DIR"' EXIT
trap 'exit 1' INT TERM
export GITHUB_REPOSITORY=octo/bench INPUT_AMI=ami-0123456789abcdef0 INPUT_IDLE_TIME_SEC=3600
export EC2RP_COLD_TIMEOUT_SEC=180 EC2RP_WARM_TIMEOUT_SEC=90
# The runner's own timings (docs/benchmarks.md, "Timing profiles"); EC2's
# boot left out: no figure here depends on it.
REALISTIC="SIM_RUNNER_REGISTER_SEC=2-3 SIM_RUNNER_REMOVE_SEC=3-6 SIM_RUNNER_START_SEC=1-2"
command -v gnuplot >/dev/null 2>&1 || echo "bench: gnuplot missing (scripts/bootstrap.sh installs gnuplot-nox): no curves drawn" >&2

ms() { date +%s%N | cut -c1-13; }
median() { sort -n "$1" | awk '{ v[NR] = $1 } END { if (!NR) print "-"; else print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
ncalls() { curl -fsS "$SIM_CONTROL/calls/count" | jq .count; }
# requests FROM: the calls since FROM made by the controlplane (the
# operator's key, and GitHub), as "service Operation" lines.
requests() {
	curl -fsS "$SIM_CONTROL/calls?from=$1" | jq -r --arg k "$AWS_ACCESS_KEY_ID" \
		'.[] | select(.key == $k or (.service == "github" and (.action | test("^[A-Z]+ /")))) | .service + " " + (.action | sub("/runners/[0-9]+$"; "/runners/{id}"))'
}
# by_op FILE: "n service Operation, ..." in one cell.
by_op() { sort "$1" | uniq -c | sort -rn | sed 's/^ *//' | awk '{ printf "%s%s", (NR > 1 ? ", " : ""), $0 } END { if (!NR) printf "none" }'; }

stack_up() {
	[ -z "$SIM_DIR" ] || { sh tests/sim/stack stop "$SIM_DIR"; rm -rf "$SIM_DIR"; }
	: > "$tmp/runner-trace"
	chmod 666 "$tmp/runner-trace"
	# shellcheck disable=SC2086 # the settings are words on purpose
	# No re-announcing (600 s by default) during the bench: a second copy
	# of an idle instance's message would make the queue count more than
	# the instances back.
	SIM_DIR=$(env $REALISTIC EC2RP_REANNOUNCE_SEC=86400 SIM_RUNNER_TRACE="$tmp/runner-trace" sh tests/sim/stack start) || exit 1
	# shellcheck disable=SC1091
	. "$SIM_DIR/env"
	ec2rp-refresh >/dev/null 2>&1 || echo "bench: refresh on a new stack failed" >&2
}

# timed NAME CMD...: one run of CMD (a mode): appends "wall cpu rss" (ms,
# ms, KiB) to NAME.t and the requests it made to NAME.req.
timed() {
	name=$1
	shift
	c0=$(ncalls)
	t0=$(ms)
	/usr/bin/time -f '%U %S %M' -o "$tmp/time" "$@" > "$tmp/last.out" 2> "$tmp/last.err"
	rc=$?
	t1=$(ms)
	[ "$rc" -eq 0 ] || echo "bench: $name: $* exit $rc: $(tail -n 1 "$tmp/last.err")" >&2
	tail -n 1 "$tmp/time" | awk -v w=$((t1 - t0)) '{ printf "%d %d %d\n", w, ($1 + $2) * 1000, $3 }' >> "$tmp/$name.t"
	requests "$c0" > "$tmp/$name.req"
	return "$rc"
}
# counted NAME CMD...: one run of CMD under strace: appends "processes
# programs" to NAME.p (processes it forked; programs it executed).
counted() {
	name=$1
	shift
	strace -f --seccomp-bpf -qq -e trace=execve,clone,clone3,fork,vfork -o "$tmp/strace" "$@" > "$tmp/last.out" 2> "$tmp/last.err"
	rc=$?
	f=$(grep -Ec '^[0-9]+ +(clone|clone3|fork|vfork)\(.*= [0-9]+$|<\.\.\. (clone|clone3|fork|vfork) resumed>.*= [0-9]+$' "$tmp/strace")
	# The first exec is the mode itself.
	x=$(grep -Ec '^[0-9]+ +execve\(.*= 0$|<\.\.\. execve resumed>.*= 0$' "$tmp/strace")
	echo "$f $((x - 1))" >> "$tmp/$name.p"
	return "$rc"
}
col() { awk -v c="$2" '{ print $c }' "$tmp/$1" > "$tmp/col"; median "$tmp/col"; }
# row SIZE NAME: the figures of NAME at SIZE: wall cpu rss processes programs requests
row() {
	[ -s "$tmp/$2.t" ] || { echo "$1 $2 - - - - - -"; return; }
	n=$(grep -c . "$tmp/$2.req" 2>/dev/null || echo 0)
	echo "$1 $2 $(col "$2.t" 1) $(col "$2.t" 2) $(col "$2.t" 3) $( [ -s "$tmp/$2.p" ] && col "$2.p" 1 || echo -) $( [ -s "$tmp/$2.p" ] && col "$2.p" 2 || echo -) $n"
	printf '%s\t%s\t%s\n' "$1" "$2" "$(by_op "$tmp/$2.req")" >> "$tmp/ops"
}

run=3000
# back N: waits until the large queue holds N messages (the agents' own
# pushes after a release), 90 s at most; prints the ms it took.
back() {
	t0=$(ms) i=0
	until [ "$(pool-status large 2>/dev/null | awk -F '\t' '$1 == "class" && $2 == "large" { n = $8 + 0 } END { print n + 0 }')" -ge "$1" ] || [ $i -ge 900 ]; do
		sleep 0.1
		i=$((i + 1))
	done
	[ $i -lt 900 ] || echo "bench: the pool did not get back to $1 idle" >&2
	echo $(($(ms) - t0))
}
# fill N: N new instances with real agents, 25 a provision, all held until
# the last (else a provision would claim what the one before released),
# then released into the pool; a provision that fails (it rolls back) is
# made again, 8 tries in all. Prints how many are idle in the pool after.
fill() {
	left=$1 tries=0 runs=
	while [ "$left" -gt 0 ] && [ "$tries" -lt 8 ]; do
		n=$left
		[ "$n" -le 25 ] || n=25
		run=$((run + 1))
		tries=$((tries + 1))
		if GITHUB_RUN_ID=$run INPUT_INSTANCE_COUNT=$n ec2rp-provision > /dev/null 2> "$tmp/fill.err"; then
			left=$((left - n))
			runs="$runs $run"
		else
			echo "bench: filling the pool: provision of $n failed, made again: $(tail -n 1 "$tmp/fill.err")" >&2
		fi
	done
	# Released a provision at a time, each waited back into the pool: 100
	# agents deregistering at once on a loaded 2-core machine re-pooled only
	# about a third within 90 s (the rest past their re-pool window).
	got=0
	for r in $runs; do
		got=$((got + $(state-scan --kind instance --run-id "$r" --state running | grep -c .)))
		GITHUB_RUN_ID=$r ec2rp-release >/dev/null 2>&1
		back "$got" >/dev/null
	done
	pool-status large | awk -F '\t' '$1 == "class" && $2 == "large" { print $8 }'
}
# beyond: for the last provision (its ids in last.out), two figures: its
# wall ms less its slowest registration (the stand-in config.sh, traced
# inside it), and less the slowest runner's own steps (that config.sh and
# its listener's start until it listens, run.sh traced the same way): what
# no pool can avoid. Reads the wall ms as $1.
beyond() {
	awk -v w="$1" 'FILENAME == ARGV[1] { want[$1]; next }
		($4 in want) && $3 == "register" { r[$4] = $2 - $1; if (r[$4] > m) m = r[$4] }
		($4 in want) && $3 == "start" { s[$4] = $2 - $1 }
		END { for (i in r) if (r[i] + s[i] > n) n = r[i] + s[i]; print w - m, w - n }' \
		"$tmp/last.out" "$tmp/runner-trace"
}
# cycle SIZE N TAG: a warm provision of N (timed), its release (timed),
# back in the pool; then the same once under strace (counted).
cycle() {
	run=$((run + 1))
	: > "$tmp/runner-trace"
	timed "warm$2$3" env GITHUB_RUN_ID=$run INPUT_INSTANCE_COUNT="$2" ec2rp-provision
	w=$(tail -n 1 "$tmp/warm$2$3.t" | cut -d' ' -f1)
	beyond "$w" > "$tmp/b"
	read -r b1 b2 < "$tmp/b"
	echo "$b1" >> "$tmp/beyond$2$3"
	echo "$b2" >> "$tmp/beyondr$2$3"
	# With the agents at nice 19, the release runs with them paused: it
	# waits for none of them (they deregister and return by themselves
	# after), and on EC2 their reaction neither shares its CPU nor slows
	# the services it calls, as here it does.
	[ "$3" != nice ] || agents_signal STOP
	timed "release$2$3" env GITHUB_RUN_ID=$run ec2rp-release
	[ "$3" != nice ] || agents_signal CONT
	back "$idle" >/dev/null
}
cycle_counted() {
	run=$((run + 1))
	counted "warm$2$3" env GITHUB_RUN_ID=$run INPUT_INSTANCE_COUNT="$2" ec2rp-provision
	counted "release$2$3" env GITHUB_RUN_ID=$run ec2rp-release
	back "$idle" >/dev/null
}
# cont_table: the 20-provisions-at-once figures as a Markdown table.
cont_table() {
	echo "| pool | wall ms (to the last registration) | provisions with 5 | instances given | claims won a second (first round: claims) | claims lost | instances given twice | records owned twice | instances created |"
	echo "|---|---|---|---|---|---|---|---|---|"
	while read -r p cms ok cl dbl own rate won lost fl; do
		echo "| $p | $cms | $ok of 20 | $cl | $rate ($won) | $lost | $dbl | $own | $fl |"
	done < "$tmp/cont"
}
# agents_signal SIG: SIG to every instance's process group.
agents_signal() {
	for p in $(curl -fsS "$SIM_CONTROL/instances" | jq -r '.[] | select(.alive) | .pid'); do
		kill -s "$1" -- "-$p" 2>/dev/null
	done
}
# agents_nice N: every instance's process group at nice N (renice, as root).
agents_nice() {
	for p in $(curl -fsS "$SIM_CONTROL/instances" | jq -r '.[] | select(.alive) | .pid'); do
		renice -n "$1" -g "$p" >/dev/null 2>&1
	done
}

: > "$tmp/rows"
: > "$tmp/ops"
: > "$tmp/cont"
: > "$tmp/beyond"
for P in $SIZES; do
	echo "bench: scale: a pool of $P" >&2
	rm -f "$tmp"/*.t "$tmp"/*.p "$tmp"/*.req "$tmp"/beyond[0-9r]*
	stack_up
	want=$P
	[ "$want" -le "$AGENTS" ] || want=$AGENTS
	# Not in $(...): fill counts run ids, which the rest go on from.
	fill "$want" > "$tmp/idle"
	idle=$(cat "$tmp/idle")
	[ "$idle" = "$want" ] || echo "bench: $idle of $want instances idle in the pool" >&2
	[ "$P" -le "$idle" ] || node tests/bench/seed.js "$SIM_DIR" ghosts $((P - idle)) large > "$tmp/ghosts" ||
		echo "bench: seeding $((P - idle)) ghosts failed" >&2
	[ "$ONLY" = contention ] || for _ in $(seq "$K"); do timed refresh ec2rp-refresh; done
	[ "$ONLY" = contention ] || counted refresh ec2rp-refresh
	[ "$ONLY" = contention ] || for _ in $(seq "$K"); do timed status pool-status; done
	[ "$ONLY" = contention ] || counted status pool-status
	for n in 10 50; do
		[ "$ONLY" != contention ] || continue
		[ "$idle" -ge "$n" ] || continue
		for _ in $(seq "$K"); do cycle "$P" "$n" ""; done
		cycle_counted "$P" "$n" ""
	done
	if [ "$idle" -ge 50 ] && [ "$ONLY" != contention ]; then
		agents_nice 19
		for _ in $(seq "$K"); do cycle "$P" 50 nice; done
		agents_nice 0
	fi
	if [ "$idle" -ge 100 ]; then
		# 20 provisions of 5 at once on 100 idle instances.
		c_cont=$(ncalls)
		# The claims timed by a stand-in state-cas that logs each claim
		# call (idle -> claimed): start, end, and its ids' results.
		mkdir -p "$tmp/claimwrap"
		: > "$tmp/claimlog"
		cat > "$tmp/claimwrap/state-cas" <<X
#!/bin/sh
case " \$* " in *" idle claimed "*) ;; *) exec "$(command -v state-cas)" "\$@" ;; esac
t0=\$(date +%s%3N)
"$(command -v state-cas)" "\$@" > "$tmp/cw.\$\$"
st=\$?
w=\$(grep -c "	0\$" "$tmp/cw.\$\$") l=\$(grep -c "	1\$" "$tmp/cw.\$\$")
# One id: no lines, its exit code says.
[ -s "$tmp/cw.\$\$" ] || { w=\$((st == 0)); l=\$((st == 1)); }
echo "\$GITHUB_RUN_ID \$t0 \$(date +%s%3N) \$w \$l" >> "$tmp/claimlog"
cat "$tmp/cw.\$\$"; rm -f "$tmp/cw.\$\$"
exit \$st
X
		chmod +x "$tmp/claimwrap/state-cas"
		t0=$(ms)
		for i in $(seq 1 20); do
			(PATH="$tmp/claimwrap:$PATH" GITHUB_RUN_ID=$((run + i)) INPUT_INSTANCE_COUNT=5 ec2rp-provision > "$tmp/cont.$i.out" 2> "$tmp/cont.$i.err") &
		done
		wait
		cms=$(($(ms) - t0))
		ok=0
		for i in $(seq 1 20); do [ "$(grep -c . "$tmp/cont.$i.out")" = 5 ] && ok=$((ok + 1)); done
		claimed=$(cat "$tmp"/cont.*.out | grep -c .)
		doubles=$(cat "$tmp"/cont.*.out | sort | uniq -d | grep -c .)
		# Claims won a second: each provision's first claim call (the 20
		# at once; a later round follows a registration that timed out),
		# over the span from the first one's start to the last one's end;
		# lost claims (another run won) over all rounds.
		crate=$(awk '{ lost += $5 } !($1 in seen) { seen[$1]; if (!n++ || $2 < a) a = $2; if ($3 > b) b = $3; won += $4 }
			END { if (b > a) printf "%.0f %d %d", won * 1000 / (b - a), won, lost; else print "- 0 0" }' "$tmp/claimlog")
		fleets=$(curl -fsS "$SIM_CONTROL/calls?from=$c_cont" | jq '[.[] | select(.action == "CreateFleet")] | length')
		owners=$(state-scan --kind instance --state running | cut -f1 | sort | uniq -d | grep -c .)
		echo "$P $cms $ok $claimed $doubles $owners $crate $fleets" >> "$tmp/cont"
		for i in $(seq 1 20); do
			[ "$(grep -c . "$tmp/cont.$i.out")" = 5 ] || echo "bench: contention: provision $i got $(grep -c . "$tmp/cont.$i.out"): $(tail -n 1 "$tmp/cont.$i.err")" >&2
			GITHUB_RUN_ID=$((run + i)) ec2rp-release >/dev/null 2> "$tmp/crel.$i.err" &
		done
		wait
		# Each release again, one at a time: what a failed one left.
		for i in $(seq 1 20); do
			grep -q 'released 5 instance' "$tmp/crel.$i.err" && continue
			echo "bench: contention: release $i: $(grep -v '^release: ==' "$tmp/crel.$i.err" | tail -n 2 | tr '\n' ' ')" >&2
			GITHUB_RUN_ID=$((run + i)) ec2rp-release >/dev/null 2>&1
		done
		run=$((run + 20))
		back "$idle" >/dev/null
	fi
	# A tenth of the pool expired (ghosts' records past their threshold,
	# or the real instances' when there are no ghosts): terminated by the
	# refresh measured; again for the counted run.
	[ "$ONLY" != contention ] || continue
	for what in timed counted; do
		if [ -s "$tmp/ghosts" ]; then
			head -n $((P / 10)) "$tmp/ghosts" > "$tmp/exp"
			sed -i "1,$((P / 10))d" "$tmp/ghosts"
		else
			state-scan --kind instance --state idle | cut -f1 | head -n $((P / 10 > 0 ? P / 10 : 1)) > "$tmp/exp"
		fi
		# shellcheck disable=SC2046 # one id a word
		node tests/bench/seed.js "$SIM_DIR" expire $(cat "$tmp/exp") || echo "bench: expiring failed" >&2
		"$what" expired ec2rp-refresh
	done
	for f in refresh expired status warm10 release10 warm50 release50 warm50nice release50nice; do row "$P" "$f" >> "$tmp/rows"; done
	for f in 50 50nice r50 r50nice; do [ -s "$tmp/beyond$f" ] && echo "$P beyond$f $(median "$tmp/beyond$f")" >> "$tmp/beyond"; done
	if [ "$P" -ge 1000 ]; then
		# pool-status over 10,000 records: the rest terminated records (a
		# busy pool's last 7 days; no instance behind them).
		node tests/bench/seed.js "$SIM_DIR" gone $((10000 - P)) large > /dev/null || echo "bench: seeding gone records failed" >&2
		rm -f "$tmp/status.t" "$tmp/status.p"
		for _ in $(seq "$K"); do timed status pool-status; done
		counted status pool-status
		row 10000 status >> "$tmp/rows"
	fi
done

# Contention alone: its table to OUT, nothing in docs/bench.
if [ "$ONLY" = contention ]; then
	cont_table > "$out"
	exit 0
fi
# The figures, and the curves.
mkdir -p docs/bench
{
	printf 'pool\tcase\twall_ms\tcpu_ms\trss_kib\tprocesses\tprograms\trequests\n'
	tr ' ' '\t' < "$tmp/rows"
} > docs/bench/scale.tsv
if command -v gnuplot >/dev/null 2>&1; then
	for c in refresh expired status warm10 warm50 warm50nice release50 release50nice; do
		awk -F '\t' -v c="$c" '$2 == c && $3 != "-" { print $1, $3, $4, $8, $6 }' docs/bench/scale.tsv > "$tmp/$c.dat"
	done
	gnuplot 2>/dev/null <<X
set terminal svg size 900,360 dynamic font 'sans,11'
set logscale x
set xlabel 'instances in the pool (records for pool-status at 10,000)'
set key outside right
set grid
set xrange [8:12000]
set output 'docs/bench/scale-time.svg'
set multiplot layout 1,2 title 'Wall time and controlplane CPU as the pool grows (this machine, 2 cores)'
set ylabel 'wall ms'
plot '$tmp/refresh.dat' u 1:2 w lp t 'refresh, quiet', '$tmp/expired.dat' u 1:2 w lp t 'refresh, a tenth expired', \
  '$tmp/status.dat' u 1:2 w lp t 'pool-status', '$tmp/warm10.dat' u 1:2 w lp t 'warm provision 10', \
  '$tmp/warm50.dat' u 1:2 w lp t 'warm provision 50', '$tmp/warm50nice.dat' u 1:2 w lp t 'warm 50, agents nice 19', \
  '$tmp/release50.dat' u 1:2 w lp t 'release 50', '$tmp/release50nice.dat' u 1:2 w lp t 'release 50, agents paused'
set ylabel 'CPU ms (user + sys, with children)'
unset key
plot '$tmp/refresh.dat' u 1:3 w lp, '$tmp/expired.dat' u 1:3 w lp, '$tmp/status.dat' u 1:3 w lp, \
  '$tmp/warm10.dat' u 1:3 w lp, '$tmp/warm50.dat' u 1:3 w lp, '$tmp/warm50nice.dat' u 1:3 w lp, '$tmp/release50.dat' u 1:3 w lp
unset multiplot
set key outside right
set output 'docs/bench/scale-requests.svg'
set multiplot layout 1,2 title 'Requests and processes of the controlplane as the pool grows'
set ylabel 'requests (AWS and GitHub)'
plot '$tmp/refresh.dat' u 1:4 w lp t 'refresh, quiet', '$tmp/expired.dat' u 1:4 w lp t 'refresh, a tenth expired', \
  '$tmp/status.dat' u 1:4 w lp t 'pool-status', '$tmp/warm10.dat' u 1:4 w lp t 'warm provision 10', \
  '$tmp/warm50.dat' u 1:4 w lp t 'warm provision 50', '$tmp/release50.dat' u 1:4 w lp t 'release 50'
set ylabel 'processes started'
unset key
plot '$tmp/refresh.dat' u 1:5 w lp, '$tmp/expired.dat' u 1:5 w lp, '$tmp/status.dat' u 1:5 w lp, \
  '$tmp/warm10.dat' u 1:5 w lp, '$tmp/warm50.dat' u 1:5 w lp, '$tmp/release50.dat' u 1:5 w lp
unset multiplot
X
fi

label() {
	case $1 in
	refresh) echo "refresh, quiet" ;; expired) echo "refresh, a tenth expired" ;; status) echo "pool-status" ;;
	warm10) echo "warm provision of 10" ;; release10) echo "release of 10" ;; warm50) echo "warm provision of 50" ;;
	release50) echo "release of 50" ;; warm50nice) echo "warm provision of 50, agents at nice 19" ;;
	release50nice) echo "release of 50, agents paused during it" ;; *) echo "$1" ;;
	esac
}
{
	echo "Pool sizes $SIZES; per figure the median of $K timed runs (a tenth expired: 1 run), and one more"
	echo "run under \`strace -f --seccomp-bpf\` for the processes (forks) and programs (execs) it"
	echo "started. CPU: user + system of the mode and everything it waited for (GNU time);"
	echo "RSS: its largest process. Requests: the stack's log of the operator's and GitHub's"
	echo "calls in that run (the agents' and the stand-in runner's own calls left out). Up to $AGENTS instances have real"
	echo "agents, idle in the pool; the rest are ghosts (\`tests/bench/seed.js\`): in EC2 and the"
	echo "table, each running for a run of its own with a heartbeat, no agent. Runner timings"
	echo "realistic ($REALISTIC), no boot delay. Written to \`docs/bench/scale.tsv\`."
	echo
	echo "| pool | case | wall ms | CPU ms | peak RSS KiB | processes | programs | requests |"
	echo "|---|---|---|---|---|---|---|---|"
	while read -r p c w cpu rss pr pg rq; do
		[ "$w" != - ] || continue
		echo "| $p | $(label "$c") | $w | $cpu | $rss | $pr | $pg | $rq |"
	done < "$tmp/rows"
	echo
	echo "![wall time and CPU as the pool grows](bench/scale-time.svg)"
	echo
	echo "![requests and processes as the pool grows](bench/scale-requests.svg)"
	echo
	echo "Warm provision of 50: its time beyond the slowest registration (the runner's"
	echo "config.sh), and beyond the slowest runner's own steps (config.sh and its"
	echo "listener's start until it listens: what no pool avoids), ms, medians:"
	echo
	echo "| pool | agents competing: beyond registration | beyond the runner's own steps | agents at nice 19: beyond registration | beyond the runner's own steps |"
	echo "|---|---|---|---|---|"
	for p in $SIZES; do
		v=
		for k in beyond50 beyondr50 beyond50nice beyondr50nice; do
			v="$v | $(awk -v p="$p" -v k="$k" '$1 == p && $2 == k { print $3 }' "$tmp/beyond")"
		done
		case $v in *[0-9]*) echo "| $p$v |" | sed 's/|  |/| - |/g' ;; esac
	done
	echo
	echo "Requests by service and operation (the last timed run of each):"
	echo
	echo "| pool | case | requests |"
	echo "|---|---|---|"
	while IFS="$(printf '\t')" read -r p c ops; do echo "| $p | $(label "$c") | $ops |"; done < "$tmp/ops"
	echo
	echo "20 provisions of 5 at once from 100 idle instances:"
	echo
	cont_table
} > "$out"
cp "$tmp/beyond" docs/bench/scale-beyond.txt 2>/dev/null
# The issue's targets (issue 25), each with its figure from this run.
fig() { awk -v p="$1" -v c="$2" -v n="$3" '$1 == p && $2 == c { print $n }' "$tmp/rows"; }
under() { awk -v v="$1" -v lim="$2" 'BEGIN { if (v == "" || v == "-") print "not measured"; else if (v + 0 < lim) print "**met**"; else print "**missed**" }'; }
big=$(echo "$SIZES" | tr ' ' '\n' | sort -n | tail -n 1)
r100=$(fig 100 refresh 8) rbig=$(fig "$big" refresh 8)
pages=$(awk -v a="$r100" -v b="$rbig" -v n="$big" 'BEGIN { if (a == "" || b == "" || n <= 100) print "not measured"; else if ((b - a) * 10 < n - 100) print "**met**"; else print "**missed**" }')
nb=$(awk -v p="$big" '$1 == p && $2 == "beyondr50nice" { print $3 }' "$tmp/beyond")
nb1=$(awk -v p="$big" '$1 == p && $2 == "beyond50nice" { print $3 }' "$tmp/beyond")
cb=$(awk -v p="$big" '$1 == p && $2 == "beyondr50" { print $3 }' "$tmp/beyond")
{
	echo
	echo "Targets (issue 25), at the largest pool measured ($big):"
	echo
	echo "| target | figure | |"
	echo "|---|---|---|"
	echo "| refresh of a quiet pool of 1,000 under 10 s | $(fig "$big" refresh 3) ms | $(under "$(fig "$big" refresh 3)" 10000) |"
	echo "| its requests grow by pages and batches, not per instance | ${r100:--} requests at 100, ${rbig:--} at $big | $pages |"
	echo "| pool-status of 10,000 records under 3 s | $(fig 10000 status 3) ms | $(under "$(fig 10000 status 3)" 3000) |"
	echo "| release of 50 under 1 s, agents paused during it | $(fig "$big" release50nice 3) ms (agents competing: $(fig "$big" release50 3) ms) | $(under "$(fig "$big" release50nice 3)" 1000) |"
	echo "| warm provision of 50: at most 20 processes (programs started; forks of the mode's shell in brackets) | $(fig "$big" warm50 7) ($(fig "$big" warm50 6)) | $(under "$(fig "$big" warm50 7)" 21) |"
	echo "| warm provision of 50: under 0.5 CPU-s | $(fig "$big" warm50 4) ms | $(under "$(fig "$big" warm50 4)" 500) |"
	echo "| warm provision of 50: under 2 s beyond the slowest registration, agents at nice 19 (beyond the runner's own steps; beyond config.sh alone in brackets) | ${nb:--} ms (${nb1:--} ms; agents competing: ${cb:--} ms) | $(under "$nb" 2000) |"
	echo
	echo "Reading the figures: the stack (DynamoDB, SQS, EC2, GitHub) and every"
	echo "simulated instance share this machine's 2 cores with the mode measured."
	echo "With real agents, a release wakes them during it and they deregister,"
	echo "clean up and return at once, on the same cores and through the same"
	echo "stack; hence the release figure with the agents paused (SIGSTOP) for"
	echo "the release's own cost: it waits for none of them. A provision cannot"
	echo "be measured that way (it waits for their registrations): nice 19 keeps"
	echo "their CPU behind the controlplane's, not behind each other's or the"
	echo "stack's, so their own work (about 50 registrations at once on 2"
	echo "cores) stays in its time. A refresh that expires instances with real"
	echo "runners deletes each ended instance's runner from GitHub one second"
	echo "apart (GitHub's best practices for mutating requests, docs/scale.md):"
	echo "its wall time is that pacing, its CPU small; ghosts have no runners."
	echo
	echo "How cost grows beyond what is measured here (10,000 instances, 100"
	echo "workflows at once), with each service's limits and their sources:"
	echo "[scale.md](scale.md)."
} >> "$out"
cp "$tmp/cont" docs/bench/scale-contention.txt 2>/dev/null
echo "bench: scale: wrote $out" >&2

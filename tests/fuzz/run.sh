#!/bin/sh
# fuzz/run.sh TARGET...: runs each libFuzzer target for FUZZ_SECONDS (default
# 300) from its seed corpus and prints TAP: one check per target, then the
# plan. A target passes when libFuzzer reports its runs and no finding. The
# grown corpus, the full output and a finding's input stay in FUZZ_DIR
# (default build/fuzz). `make fuzz` runs them all; tests/run.sh each briefly.
set -u
dir=${FUZZ_DIR:-build/fuzz}
secs=${FUZZ_SECONDS:-300}
n=0
status=0
for f in "$@"; do
	n=$((n + 1))
	name=$(basename "$f")
	corpus=$dir/corpus-$name
	log=$dir/$name.log
	mkdir -p "$corpus"
	seeds=tests/fuzz/corpus/${name#fuzz_}
	[ -d "$seeds" ] && cp "$seeds"/* "$corpus"/ 2>/dev/null
	"$f" -max_total_time="$secs" -rss_limit_mb=1024 -artifact_prefix="$dir/$name-" "$corpus" > "$log" 2>&1
	st=$?
	runs=$(sed -n 's/^Done \([0-9]*\) runs.*/\1/p' "$log")
	# A zero exit without libFuzzer's "Done" line means nothing was fuzzed.
	if [ "$st" -eq 0 ] && [ -n "$runs" ]; then
		echo "ok $n - $name: $runs runs in ${secs}s, no finding"
	else
		echo "not ok $n - $name: exit $st${runs:+ after $runs runs}, no \"Done\" line or a finding (log: $log)"
		grep -E 'ERROR|SUMMARY|Test unit written|^artifact_prefix' "$log" | head -n 12 | sed 's/^/# /'
		status=1
	fi
done
echo "1..$n"
exit $status

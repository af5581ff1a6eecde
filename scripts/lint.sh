#!/bin/sh
# Rejects banned C functions (as curl does) and runs shellcheck on the scripts.
set -u
cd "$(dirname "$0")/.." || exit 2
status=0
banned='\b(sprintf|vsprintf|strcpy|strcat|strtok|atoi|atol|gmtime|localtime|gets)[[:space:]]*\('
if grep -nE "$banned" lib/*.c cmd/*/*.c 2>/dev/null; then
	echo "lint: banned function above (use snprintf, buf_*, strtol, gmtime_r)" >&2
	status=1
fi
scripts=$(ls scripts/*.sh tests/*.sh sh/ec2rp-* 2>/dev/null)
if command -v shellcheck >/dev/null 2>&1; then
	# shellcheck disable=SC2086 # a list of files
	shellcheck -s sh -x -P sh $scripts || status=1
fi
# No predictable temporary names: a path built from the shell's pid can be
# taken in advance by another user (a link to a file of ours); nor mktemp's
# dry run, which only names a path. mktemp makes it.
pid='[$][$]|[$][{][$][}]'
if grep -rnE --exclude-dir=node_modules "[A-Za-z0-9_./-]($pid)|($pid)[A-Za-z0-9_./-]|mktemp +(-[a-z]*u|--dry-run)" \
	sh scripts tests; then
	echo "lint: a temporary path made from the pid, or a name without the file, above: use mktemp" >&2
	status=1
fi
# Every tool's main includes the generated declarations (build/gen/tools.h),
# so that its definition is checked against the dispatch table's.
for f in cmd/*/main.c; do
	[ "$f" = cmd/ec2rp/main.c ] || grep -q '^#include "tools.h"$' "$f" \
		|| { echo "lint: $f does not include \"tools.h\"" >&2; status=1; }
done
# A warning is an error in every build: the static ones (CFLAGS) and the
# clang sanitizer and fuzz ones (SANFLAGS), which see other warnings.
for v in CFLAGS SANFLAGS; do
	grep -Eq "^$v +:=.*[[:space:]]-Werror([[:space:]]|\$)" Makefile \
		|| { echo "lint: the Makefile's $v lacks -Werror" >&2; status=1; }
done
# Every tool call in the scripts has its exit status checked.
sh scripts/lint-calls.sh || status=1
# No function reads its arguments after `set --` replaced them; the check
# itself must catch a function that does.
sh scripts/lint-setargs.sh || status=1
fixture=$(mktemp) || exit 5
# shellcheck disable=SC2016 # the fixture's $1 is literal
printf 'f() {\n\tid=$1\n\tset -- --class x\n\techo "$1"\n}\n' > "$fixture"
if sh scripts/lint-setargs.sh "$fixture" >/dev/null; then
	echo "lint: lint-setargs.sh missed a function that reads \$1 after set --" >&2
	status=1
fi
rm -f "$fixture"
# Every action input the modes read is passed by action.yml, and the other way.
read_inputs=$(cat sh/ec2rp-* | grep -v '^[[:space:]]*#' | grep -o '\bINPUT_[A-Z0-9_]*[A-Z0-9]' | sort -u)
passed_inputs=$(sed -n 's/^ *\(INPUT_[A-Z0-9_]*\): .*/\1/p' action.yml | sort -u)
if [ "$read_inputs" != "$passed_inputs" ]; then
	echo "lint: action.yml and the modes disagree on inputs (< read by sh/, > passed by action.yml):" >&2
	tmp=$(mktemp) || exit 5
	printf '%s\n' "$read_inputs" > "$tmp"
	printf '%s\n' "$passed_inputs" | diff "$tmp" - >&2
	rm -f "$tmp"
	status=1
fi
# The workflows call only make targets that exist, and the action's image is
# the one the release workflow pushes for this VERSION.
# shellcheck disable=SC2013 # target names are words
for t in $(sed -n 's/.*\bmake \([a-z0-9-][a-z0-9-]*\).*/\1/p' .github/workflows/*.yml | sort -u); do
	grep -q "^$t:" Makefile || { echo "lint: .github/workflows call 'make $t', which the Makefile does not have" >&2; status=1; }
done
grep -Eq "^  image: docker://ghcr\.io/[a-z0-9_.-]+/[a-z0-9_.-]+:v$(cat VERSION)\$" action.yml \
	|| { echo "lint: action.yml's image must be docker://ghcr.io/OWNER/REPO:v$(cat VERSION) (VERSION)" >&2; status=1; }
# Every message the modes, the bootstrap and the agent print is explained.
sh scripts/check-troubleshooting.sh >/dev/null || { sh scripts/check-troubleshooting.sh >&2; status=1; }
# Every input of action.yml has its place in the migration page.
sh scripts/check-migrating.sh >/dev/null || { sh scripts/check-migrating.sh >&2; status=1; }
# The tool pages must match the tools' --help.
if [ -x build/bin/ec2rp ]; then
	tmp=$(mktemp -d)
	sh scripts/tool-docs.sh "$tmp"
	if ! diff -r "$tmp" docs/tools >/dev/null; then
		echo "lint: docs/tools is out of date: run make docs" >&2
		status=1
	fi
	rm -rf "$tmp"
fi
sh scripts/check-layers.sh || status=1 # lib/: pure modules include no I/O module; only log.c prints
# A merge's conflict markers left in any tracked file.
if git ls-files -z 2>/dev/null | xargs -0 grep -nE '^(<<<<<<< |>>>>>>> |=======$)' 2>/dev/null; then
	echo "lint: merge conflict markers above" >&2
	status=1
fi
exit $status

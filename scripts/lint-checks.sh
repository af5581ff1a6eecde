#!/bin/sh
# Finds a test check whose condition goes on past the command check runs:
# in `check NAME [ A ] && [ B ]` check reports A alone and B decides
# nothing (it only ends the statement). Lines of a check are joined over
# backslashes; what is inside quotes, and a check of `sh -c`, is not
# looked at.
# Usage: lint-checks.sh [FILE...] (default: tests/integration/*.sh).
set -u
cd "$(dirname "$0")/.." || exit 2
[ $# -gt 0 ] || set -- tests/integration/*.sh
awk '
function judge(text, n) {
	if (text ~ /sh -c/) return # one command: its && are its own
	gsub(/\047[^\047]*\047/, "", text)
	gsub(/"([^"\\]|\\.)*"/, "", text)
	if (text ~ /(&&|\|\|)/) { printf "%s:%d: the check ends before its && or ||: %s\n", FILENAME, n, line; bad = 1 }
}
FNR == 1 { c = 0 }
c { line = line " " $0; if ($0 !~ /\\$/) { c = 0; judge(line, start) } ; next }
/^[ \t]*check(_with)? / { line = $0; start = FNR; if ($0 ~ /\\$/) c = 1; else judge(line, start) }
END { exit bad }
' "$@"

#!/bin/sh
# The layers of lib/, as lib/README.md's table draws them:
# - every module (every lib/NAME.c or .h) has a row of the table;
# - a pure module (a row whose area says "pure") includes only pure
#   modules, never curl, and calls nothing that reads the clock, files,
#   sockets or the kernel's randomness (the caller does, and passes it in);
# - no lib file but log.c prints: no printf, puts, putchar, perror, no
#   stdout or stderr, no write or dprintf to descriptor 1 or 2;
# - no module outside program support keeps state in a file-scope variable
#   that is not const: what lives across calls is the caller's (struct aws,
#   struct imds, struct whoami).
# Comments and string literals are left out before looking. Prints one line
# per finding and exits 1 if there is any; silent and 0 when clean.
set -u
cd "$(dirname "$0")/.." || exit 2
table=lib/README.md
[ -f "$table" ] || { echo "check-layers: $table is missing" >&2; exit 2; }

# The table's modules, one "NAME pure|io|support" a line.
classes=$(awk -F'|' '
/^\| *area *\|/ || /^\|---/ { next }
/^\|/ && NF >= 4 {
	kind = ($2 ~ /pure/) ? "pure" : ($2 ~ /program support/) ? "support" : "io"
	n = split($3, w, "`")
	for (i = 2; i <= n; i += 2) print w[i], kind
}' "$table")
[ -n "$classes" ] || { echo "check-layers: no modules found in $table's table" >&2; exit 2; }
kind_of() { printf '%s\n' "$classes" | awk -v m="$1" '$1 == m { print $2; exit }'; }

# A C file without its comments and the insides of its string and character
# literals, line numbers kept.
strip() {
	awk '
	{
		out = ""; n = length($0)
		for (i = 1; i <= n; i++) {
			c = substr($0, i, 1); d = substr($0, i, 2)
			if (incom) { if (d == "*/") { incom = 0; i++ } continue }
			if (q != "") {
				if (c == "\\") { i++; continue }
				if (c == q) { q = ""; out = out c }
				continue
			}
			if (d == "/*") { incom = 1; i++; continue }
			if (d == "//") break
			if (c == "\"" || c == "\047") q = c
			out = out c
		}
		q = ""
		print out
	}' "$1"
}

status=0
say() { echo "check-layers: $*" >&2; status=1; }
# report FILE HITS WHAT: one line per "LINE:text" of HITS.
report() {
	[ -n "$2" ] || return 0
	printf '%s\n' "$2" | sed "s|^\([0-9]*\):[[:space:]]*|check-layers: $1:\1: $3: |" >&2
	status=1
}

for f in lib/*.c lib/*.h; do
	m=$(basename "$f")
	m=${m%.*}
	kind=$(kind_of "$m")
	if [ -z "$kind" ]; then
		say "$f: module $m has no row in $table (which area is it?)"
		continue
	fi
	stripped=$(strip "$f")
	if [ "$kind" = pure ]; then
		# The includes (read from the file: strip blanks the quoted name).
		# shellcheck disable=SC2013 # module names are words
		for inc in $(sed -n 's/^[[:space:]]*#[[:space:]]*include[[:space:]]*"\([^"]*\)\.h".*/\1/p' "$f"); do
			[ "$inc" = "$m" ] && continue
			ik=$(kind_of "$inc")
			if [ "$ik" != pure ]; then
				say "$f: pure module $m includes $inc.h, which is ${ik:-not in the table}"
			fi
		done
		if grep -nE '^[[:space:]]*#[[:space:]]*include[[:space:]]*<curl/' "$f" >/dev/null; then
			say "$f: pure module $m includes curl"
		fi
		io=$(printf '%s\n' "$stripped" | grep -nE '(^|[^A-Za-z0-9_.>])(time|clock_gettime|gettimeofday|fopen|open|socket|connect|getrandom|popen|system|sleep|usleep|nanosleep)[[:space:]]*\(')
		report "$f" "$io" "pure module $m reads the clock or does I/O"
	fi
	if [ "$kind" != support ]; then
		# File-scope variables: declarations at column 0 that are not
		# types, prototypes or const.
		globals=$(printf '%s\n' "$stripped" | grep -nE '^[A-Za-z_]' |
			grep -vE '^[0-9]+:(typedef|extern|enum|union|struct [A-Za-z0-9_]+[[:space:]]*[{;])|\(|(^|[^A-Za-z0-9_])const([^A-Za-z0-9_]|$)' |
			grep -E ';[[:space:]]*$|[^=!<>]=[^=]')
		report "$f" "$globals" "state in a process-global (make it the caller's)"
	fi
	[ "$m" = log ] && continue
	prints=$(printf '%s\n' "$stripped" | grep -nE '(^|[^A-Za-z0-9_.>])(printf|vprintf|puts|putchar|perror)[[:space:]]*\(|(^|[^A-Za-z0-9_])(stdout|stderr|STDOUT_FILENO|STDERR_FILENO)([^A-Za-z0-9_]|$)|(^|[^A-Za-z0-9_.>])(write|dprintf)[[:space:]]*\([[:space:]]*[12][[:space:]]*,')
	report "$f" "$prints" "only log.c prints"
done
exit $status

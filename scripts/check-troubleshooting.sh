#!/bin/sh
# Fails when docs/troubleshooting.md lacks a message the scripts can print.
# For every die, warn, fail, bad, halt and say call in sh/ec2rp-*, the
# literal text of its first quoted argument up to the first '$' must appear
# in the document; a message that starts with a variable ("$id: ...") is
# checked by the literal text after that variable instead.
# Prints each missing text; exit 0 all found, 1 some missing, 2 no document.
set -u
cd "$(dirname "$0")/.." || exit 2
doc=docs/troubleshooting.md
[ -r "$doc" ] || { echo "check-troubleshooting: cannot read $doc" >&2; exit 2; }

texts=$(awk '{
	s = $0
	while (match(s, /(^|[^A-Za-z0-9_-])(die|warn|fail|bad|halt|say)( [a-z][a-z-]*)? "/)) {
		s = substr(s, RSTART + RLENGTH)
		t = s
		sub(/^\$(\{[^}]*\}|[A-Za-z_][A-Za-z0-9_]*|[0-9*@#?!-])/, "", t)
		match(t, /^[^"$\\]*/)
		t = substr(t, 1, RLENGTH)
		if (t ~ /[A-Za-z][A-Za-z]/) print t
	}
}' sh/ec2rp-* | sort -u)

missing=0
while IFS= read -r t; do
	[ -n "$t" ] || continue
	if ! grep -Fq -- "$t" "$doc"; then
		printf 'check-troubleshooting: not in %s: "%s"\n' "$doc" "$t"
		missing=1
	fi
done <<EOF
$texts
EOF
[ "$missing" = 0 ] && echo "check-troubleshooting: $(printf '%s\n' "$texts" | grep -c .) messages, all in $doc"
exit "$missing"

#!/bin/sh
# Finds tool calls in the shell scripts whose exit status nobody looks at: a
# failed read must never pass for an empty answer. A call counts as checked
# when its statement tests it (if/while/until/!, && or ||) or the next
# statement reads $?; a call whose output is piped on (`tool | cut`) is not
# checked, since the pipeline's status is the last command's. A deliberate
# exception carries a comment `# unchecked: why` on its line.
# Usage: lint-calls.sh [FILE...] (default: the modes, the agent and the
# bootstrap). Prints FILE:LINE: the call, and exits 1 if there is any.
set -u
cd "$(dirname "$0")/.." || exit 2
tools=$(find cmd -mindepth 1 -maxdepth 1 -type d ! -name ec2rp -exec basename {} \; | sort | tr '\n' '|' | sed 's/|$//')
[ -n "$tools" ] || { echo "lint-calls: no tools found under cmd/" >&2; exit 2; }
[ $# -gt 0 ] || set -- sh/ec2rp-*
awk -v tools="$tools" '
function report(f, n, text) { gsub(/^[ \t]+/, "", text); printf "%s:%d: exit status unchecked: %s\n", f, n, text; bad = 1 }
# strip: the line without its comment and without the insides of quotes.
function strip(s,    out, i, c, q) {
	out = ""; q = ""
	for (i = 1; i <= length(s); i++) {
		c = substr(s, i, 1)
		if (q != "") { if (c == q) { q = ""; out = out c } else if (c == "\\" && q == "\"") i++; continue }
		if (c == "\\") { i++; continue }
		if (c == "\"" || c == "\047") { q = c; out = out c; continue }
		if (c == "#" && (i == 1 || substr(s, i - 1, 1) ~ /[ \t;]/)) break
		out = out c
	}
	return out
}
FNR == 1 { cont = 0 }
{
	raw = $0
	if (cont) { st[nst] = st[nst] " " raw; } else { nst++; st[nst] = raw; line[nst] = FNR }
	cont = (raw ~ /\\$/)
	if (cont) sub(/\\$/, "", st[nst])
	file[nst] = FILENAME
}
END {
	re = "(^|[;&|(`!]|\\$\\(|[ \t])(" tools ")([ \t;)|&>]|$)"
	for (i = 1; i <= nst; i++) {
		if (st[i] ~ /# unchecked: /) continue
		s = strip(st[i])
		if (s !~ re) continue
		if (s ~ /^[ \t]*(if|elif|while|until|!)[ \t]/) continue
		# Where the call is, and what follows it.
		match(s, re)
		rest = substr(s, RSTART + RLENGTH)
		if (rest ~ /(^|[^|])\|([^|]|$)/) { report(file[i], line[i], st[i]); continue }
		if (rest ~ /\|\||&&/) continue
		# The next statement of the same file reads $?.
		for (j = i + 1; j <= nst && file[j] == file[i]; j++) {
			n = strip(st[j])
			if (n ~ /^[ \t]*$/) continue
			break
		}
		if (j <= nst && file[j] == file[i] && n ~ /\$\?/) continue
		report(file[i], line[i], st[i])
	}
	exit bad
}
' "$@"

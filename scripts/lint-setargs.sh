#!/bin/sh
# Finds a function that reads its own arguments ($1..$9) after it has
# replaced them with `set --`: the later read gets the new list's word
# (provision's repool_from_record pushed '--resource-class' as an
# instance id this way). A function that reads positional parameters only
# before, or only after, its first `set --` is fine.
# Usage: lint-setargs.sh [FILE...] (default: the modes, the agent and the
# bootstrap). Prints FILE:LINE: and exits 1 if there is any.
set -u
cd "$(dirname "$0")/.." || exit 2
[ $# -gt 0 ] || set -- sh/ec2rp-*
awk '
function args(s) { sub(/(^|[ \t;])#.*/, "", s); return s ~ /\$[1-9]|\$\{[1-9]/ }
/^[A-Za-z_][A-Za-z0-9_]*\(\) *\{/ { fn = $1; before = 0; replaced = 0; next }
/^\}/ { fn = ""; next }
fn == "" { next }
/(^|[ \t;|&])set -- / { if (!replaced && args($0)) before = 1; replaced = 1; next }
args($0) { if (!replaced) before = 1; else if (before) { printf "%s:%d: %s reads its arguments after set -- replaced them\n", FILENAME, FNR, fn; bad = 1 } }
END { exit bad }
' "$@"

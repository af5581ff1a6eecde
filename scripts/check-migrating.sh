#!/bin/sh
# Fails when docs/migrating.md does not name an input of action.yml: the
# page is where a user of the original action looks up every input, so a
# new input must be placed there (its row, or the list of inputs the
# original did not have). Prints each missing name; exit 0 all named,
# 1 some missing, 2 a file unreadable.
set -u
cd "$(dirname "$0")/.." || exit 2
doc=docs/migrating.md
if [ ! -r "$doc" ] || [ ! -r action.yml ]; then
	echo "check-migrating: cannot read $doc or action.yml" >&2
	exit 2
fi
names=$(sed -n '/^inputs:/,/^[a-z]/p' action.yml | sed -n 's/^  \([a-z0-9-]*\):$/\1/p')
missing=0
for n in $names; do
	grep -Fq -- "\`$n\`" "$doc" || { echo "check-migrating: $doc does not name the input \`$n\`"; missing=1; }
done
[ "$missing" = 0 ] && echo "check-migrating: $(printf '%s\n' "$names" | grep -c .) inputs, all in $doc"
exit "$missing"

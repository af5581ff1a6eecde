#!/bin/sh
# Writes docs/tools/TOOL.md for every tool from its --help, with examples of
# piping it. `make docs` runs it; `make lint` checks the pages are current.
# shellcheck disable=SC2016 # backticks are Markdown here
set -eu
cd "$(dirname "$0")/.."
out=${1:-docs/tools}
mkdir -p "$out"

examples() {
	case $1 in
	state-init) echo 'state-init --pool ci            # created | updated | unchanged' ;;
	aws-creds) cat <<'X'
# a script's own shared lookup, as the modes do it
d=$(mktemp -d) && trap 'rm -rf "$d"' EXIT
aws-creds "$d/creds" && export EC2RP_CREDENTIALS_FILE="$d/creds"
state-scan --state idle | cut -f1 | xargs -r state-get    # no STS or IMDS call of their own
X
		;;
	state-cas) cat <<'X'
# claim an idle instance for run 42; exit 1 means another run won it
if state-cas --run-id 42 --threshold-in 900 i-0123456789abcdef0 idle claimed; then echo mine; fi
# hand it back
state-cas --run-id 42 --threshold-in 1800 i-0123456789abcdef0 claimed idle
X
		;;
	state-get) cat <<'X'
state-get --consistent i-0123456789abcdef0 | cut -f2          # its state
state-get --kind config idle-time-sec | cut -f2                 # a parameter
X
		;;
	state-put) cat <<'X'
state-put signal i-0123456789abcdef0 registered --run-id 42
gh-runner registration-token | cut -f1 | state-put config registration-token
X
		;;
	state-scan) cat <<'X'
state-scan --run-id 42 --state running | cut -f1               # the run's instances
state-scan --expired | while IFS="$(printf '\t')" read -r id state run _; do echo "$id expired while $state"; done
X
		;;
	state-run) cat <<'X'
state-run add --ttl-in 90000 42 i-0123456789abcdef0      # before the claim that could make it run 42's
state-run get 42 42-2 | cut -f2 | xargs state-get --consistent --kind instance   # the runs' records, by key
X
		;;
	state-watch) echo 'run=$(state-watch "$(imds-get meta-data/instance-id)" --for run-id)   # the agent waits for work' ;;
	runner-wait) echo 'runner-wait --run-id 42 --signal registered --timeout 120 $(state-scan --run-id 42 | cut -f1) || echo "some did not register"' ;;
	pool-init) echo 'ec2-launch --list-classes | xargs pool-init             # one queue per class' ;;
	pool-wake) echo 'pool-wake list | cut -f1 | sort > queued   # instances with a wake queue (refresh deletes those of gone ones)' ;;
	pool-push) echo 'pool-push --resource-class large --instance-type m6i.xlarge --usage-class on-demand i-0123456789abcdef0' ;;
	pool-pop) cat <<'X'
# candidates, then claims: the conditional write decides
pool-pop --resource-class large --max 3 --instance-types 'm6i.*,m7i.*' |
while IFS="$(printf '\t')" read -r id type usage; do
	state-cas --run-id 42 --threshold-in 900 "$id" idle claimed && echo "$id"
done
X
		;;
	pool-status) cat <<'X'
pool-status large small                                        # the pool at a glance
pool-status | awk -F '\t' '$1 == "class" && $6 == 0 { print $2 ": no idle instance" }'
pool-status --markdown >> "$GITHUB_STEP_SUMMARY"
X
		;;
	ec2-launch) echo 'ec2-launch --count 2 --resource-class large --run-id 42 --subnet-ids subnet-0123456789abcdef0 | cut -f1' ;;
	ec2-terminate) cat <<'X'
ec2-list --run-id 42 --state pending,running | cut -f1 | xargs -r ec2-terminate
ec2-launch --count 1 --resource-class large --run-id 42 | cut -f1 | xargs ec2-terminate --fresh   # launched just now
X
		;;
	ec2-template) echo 'ec2-template --ami ami-0123456789abcdef0 --instance-profile runner --user-data-file user-data.sh' ;;
	ec2-subnets) echo 'why=$(ec2-subnets --check subnet-0123456789abcdef0 subnet-0123456789abcdef1) || echo "not one fleet: $why"' ;;
	iam-get-role) echo 'iam-get-role AWSServiceRoleForEC2Spot >/dev/null || aws iam create-service-linked-role --aws-service-name spot.amazonaws.com' ;;
	ec2-list) echo 'ec2-list --state running --launched-before $(($(date +%s) - 3600)) | cut -f1   # running over an hour' ;;
	imds-get) echo 'read -r id type <<EOF
$(imds-get meta-data/instance-id meta-data/instance-type | paste -s)
EOF' ;;
	gh-runner) cat <<'X'
gh-runner --scope octo/app list --label 42
gh-runner --scope octo delete-offline --label ec2-runner-pool
X
		;;
	esac
}

for link in build/bin/*; do
	[ -L "$link" ] || continue
	t=$(basename "$link")
	{
		printf '# %s\n\n' "$t"
		printf 'Generated from `%s --help` by `scripts/tool-docs.sh`; exit codes in [exit-codes.md](../exit-codes.md).\n\n' "$t"
		printf '## Interface\n\n```\n'
		"$link" --help
		printf '```\n\n## Examples\n\n```sh\n'
		examples "$t"
		printf '```\n\n## Notes\n\n'
		printf 'Every tool: `--help`, `--version`; logs on stderr only (GitHub Actions annotations when\n'
		printf '`GITHUB_ACTIONS=true`, `EC2RP_DEBUG=1` for more); bad input is one line and exit 2 before any request;\n'
		printf 'the standard AWS environment (`AWS_REGION`, `AWS_ENDPOINT_URL[_SERVICE]`, `AWS_CA_BUNDLE`,\n'
		printf '`AWS_MAX_ATTEMPTS`, the credential chain) and `EC2RP_POOL`.\n'
	} > "$out/$t.md"
done

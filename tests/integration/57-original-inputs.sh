#!/bin/sh
# Inputs as the original action's users write them: space-separated lists
# (subnet-ids, security-group-ids, allowed-instance-types) and a class config
# with quoted numbers and "mmem". Each arrives in the request as AWS needs it.
. tests/integration/lib.sh
stack_start
# GitHub sets these for every job.
export GITHUB_REPOSITORY=octo/orig GITHUB_ACTIONS=true EC2RP_POOL=octo-orig GITHUB_OUTPUT=$T_TMP/gh-output GITHUB_STEP_SUMMARY=$T_TMP/gh-summary
# The original action's quickstart, as its docs show it, through the
# action's entrypoint with the environment GitHub gives the container: every
# input of action.yml, its default where the workflow sets none. Only the
# ids differ (the docs' sg-123 and ami-123 are placeholders AWS refuses).
n_inputs=$(sed -n '/^inputs:/,/^[a-z]/p' action.yml | grep -c '^  [a-z0-9-]*:$')
check "action.yml gives every input but mode a default ($(action_env | wc -l) of $n_inputs)" [ "$(action_env | wc -l)" -eq $((n_inputs - 1)) ]
S1=subnet-0123456789abcdef1 S2=subnet-0123456789abcdef2 S3=subnet-0123456789abcdef3
expect 3 "provision before the pool's first refresh" as_action GITHUB_RUN_ID=9000 mode=provision instance-count=2
check "says to run refresh first, in one error line" sh -c "grep -q '^::error::.*mode: refresh first' $T_ERR && [ \$(grep -vc '^::add-mask::' $T_ERR) -eq 1 ]"
expect 0 "refresh.yml of the quickstart" as_action mode=refresh github-token="$GITHUB_TOKEN" ami=ami-0123456789abcdef0 \
	iam-instance-profile=your-instance-profile security-group-ids=sg-0123456789abcdef0 \
	subnet-ids="$S1 $S2 $S3" aws-region=us-east-1 \
	pre-runner-script='if [[ -n "$BASH_VERSION" ]]; then touch "$EC2RP_ROOT/ran-under-bash"; fi'
check "stored: the three subnets" [ "$(state-get --kind config subnet-ids | cut -f2)" = "$S1,$S2,$S3" ]
check "stored: 30 minutes, c* m* r*, on-demand, idle 420 s" [ "$(state-get --kind config max-runtime-min allowed-instance-types usage-class idle-time-sec | cut -f2 | tr '\n' ' ')" = "30 c*,m*,r* on-demand 420 " ]
expect 0 "ci.yml's provision: mode and instance-count 2, nothing else" as_action GITHUB_RUN_ID=9001 mode=provision instance-count=2
ids=$(cat "$T_OUT")
check "2 instances" [ "$(echo $ids | wc -w)" -eq 2 ]
check "the step summary shows the pool: large, 2 running" grep -q '^| large | 0 | 0 | 2 | ' "$GITHUB_STEP_SUMMARY"
check "and both instances under run 9001" [ "$(grep -c '^| 9001 | i-' "$GITHUB_STEP_SUMMARY")" -eq 2 ]
inst() { sim GET /instances | jq -r --arg id "$1" ".[] | select(.id == \$id) | $2"; }
for id in $ids; do
	check "$id: in a stored subnet ($(inst "$id" .subnet))" sh -c "echo '$S1 $S2 $S3' | grep -qw '$(inst "$id" .subnet)'"
	check "$id: large is 2 vCPU, as in the original ($(inst "$id" .type))" sh -c "echo '$(inst "$id" .type)' | grep -Eqx '[cmr][0-9a-z]*\.large'"
	check "$id: the pre-runner script ran under bash" [ -f "$SIM_DIR/instances/$id/root/ran-under-bash" ]
done
now=$(date +%s)
th=$(state-get --consistent $ids | cut -f4 | sort -n | head -n 1)
check "running for 30 minutes at most (threshold in $((th - now)) s)" [ "$((th - now))" -gt 1700 ] && [ "$((th - now))" -le 1800 ]
# runs-on: ${{ github.run_id }}: a job with that label runs on them.
job=$(sim POST /jobs '{"label":"9001","script":"echo hello matrix"}' | jq -r .id)
i=0
while [ $i -lt 40 ] && ! sim GET "/jobs/$job" | grep -q '"conclusion": *"success"'; do sleep 0.25; i=$((i + 1)); done
check "a job with runs-on 9001 ran" sh -c "sim() { curl -fsS \"$SIM_CONTROL\$2\"; }; sim GET /jobs/$job | grep -q '\"conclusion\": *\"success\"'"
expect 0 "ci.yml's release: mode only" as_action GITHUB_RUN_ID=9001 mode=release
check "both back in the pool, idle" [ "$(state-get --consistent $ids | cut -f2 | sort -u)" = idle ]
# "Re-run all jobs": the attempt's runners carry 9001-2 and 9001 both, so
# runs-on: ${{ github.run_id }} finds them.
expect 0 "ci.yml's provision on a re-run (attempt 2)" as_action GITHUB_RUN_ID=9001 GITHUB_RUN_ATTEMPT=2 mode=provision instance-count=1
check "its label output is the run's secret label" \
	sh -c "sed -n 's/^label=//p' '$GITHUB_OUTPUT' | tail -n 1 | grep -Eqx 'ec2rp-[0-9a-f]{32}'"
job 9001-2 'echo attempt' > "$T_TMP/attempt"
check "a job with runs-on 9001-2 runs on the re-run's runner" grep -qx success "$T_TMP/attempt"
job=$(sim POST /jobs '{"label":"9001","script":"echo re-run"}' | jq -r .id)
i=0
while [ $i -lt 40 ] && ! sim GET "/jobs/$job" | grep -q '"conclusion": *"success"'; do sleep 0.25; i=$((i + 1)); done
check "a job with runs-on 9001 runs on the re-run's runner" sh -c "curl -fsS '$SIM_CONTROL/jobs/$job' | grep -q '\"conclusion\": *\"success\"'"
expect 0 "its release" as_action GITHUB_RUN_ID=9001 GITHUB_RUN_ATTEMPT=2 mode=release
expect 0 "a provision that overrides max-runtime-min (45)" as_action GITHUB_RUN_ID=9002 mode=provision max-runtime-min=45
th=$(state-get --consistent $(cat "$T_OUT") | cut -f4)
check "its runners live 45 minutes at most" [ "$((th - $(date +%s)))" -gt 2600 ]
expect 0 "its release" as_action GITHUB_RUN_ID=9002 mode=release
# github-reg-token-refresh-min: the token fetched above is fresh; 0 renews it.
qs() { as_action mode=refresh github-token="$GITHUB_TOKEN" ami=ami-0123456789abcdef0 iam-instance-profile=your-instance-profile \
	security-group-ids=sg-0123456789abcdef0 subnet-ids="$S1 $S2 $S3" "$@"; }
expect 0 "refresh again" qs
check "tokens younger than 30 minutes are kept" sh -c "! grep -q 'token renewed' $T_ERR"
expect 0 "refresh with github-reg-token-refresh-min: 0" qs github-reg-token-refresh-min=0
check "the registration token renewed (the only one: no remove token)" [ "$(grep -c 'registration token renewed' "$T_ERR")" -eq 1 ] && ! grep -q 'remove token' "$T_ERR"

# Inputs in the original's other forms, straight to the mode scripts.
unset GITHUB_ACTIONS
export INPUT_AMI=ami-0123456789abcdef0 EC2RP_COLD_TIMEOUT_SEC=30 EC2RP_ORPHAN_GRACE_SEC=0
sgs() { sim GET /templates | jq -r '.[0].data.SecurityGroupIds // [] | join(" ")'; }
expect 0 "refresh with space-separated security groups" env INPUT_SECURITY_GROUP_IDS="sg-01234567  sg-0123456789abcdef0" ec2rp-refresh
check "both groups in the launch template ($(sgs))" [ "$(sgs)" = "sg-01234567 sg-0123456789abcdef0" ]
expect 0 "provision with space-separated types and subnets, class config quoted and with mmem" env GITHUB_RUN_ID=o1 \
	INPUT_INSTANCE_COUNT=2 INPUT_ALLOWED_INSTANCE_TYPES="c6i.* m6i.*" \
	INPUT_SUBNET_IDS="subnet-0123456789abcdef0 subnet-0123456789abcdef1" \
	INPUT_RESOURCE_CLASS=orig INPUT_RESOURCE_CLASS_CONFIG='{"orig": {"cpu": "2", "mmem": "4096"}}' ec2rp-provision
ids=$(cat "$T_OUT")
types=$(for id in $ids; do sim GET /instances | jq -r --arg id "$id" '.[] | select(.id == $id) | .type'; done | sort -u)
subnets=$(for id in $ids; do sim GET /instances | jq -r --arg id "$id" '.[] | select(.id == $id) | .subnet'; done | sort -u)
check "2 vCPU, at least 4096 MiB, from the globs ($types)" sh -c "echo '$types' | grep -Eqx 'c6i.large|m6i.large'"
check "in the given subnets ($subnets)" sh -c "echo '$subnets' | grep -Eqx 'subnet-0123456789abcdef[01]'"
expect 0 "release" env GITHUB_RUN_ID=o1 ec2rp-release
expect 2 "a list with a bad id is refused" env GITHUB_RUN_ID=o2 INPUT_SUBNET_IDS="subnet-0123456789abcdef0
subnet-x" ec2rp-provision
check "naming the input" err_has "invalid input subnet-ids"

# usage-class spot-or-on-demand: spot has capacity for 1 of 2; each
# instance is recorded as what EC2 launched it as, and goes back to the
# pool as that.
sim POST /faults '{"spotCapacity":1}' >/dev/null
expect 0 "provision 2 xlarge, spot-or-on-demand, with spot for 1" env GITHUB_RUN_ID=so INPUT_INSTANCE_COUNT=2 \
	INPUT_RESOURCE_CLASS=xlarge INPUT_USAGE_CLASS=spot-or-on-demand ec2rp-provision
so=$(cat "$T_OUT")
check "recorded as one spot, one on-demand" [ "$(state-get --consistent $so | cut -f7 | sort | tr '\n' ' ')" = "on-demand spot " ]
check "the step summary says which is which" sh -c "grep -q '| created (spot) | running |' '$GITHUB_STEP_SUMMARY' && grep -q '| created (on-demand) | running |' '$GITHUB_STEP_SUMMARY'"
spot_id=$(state-get --consistent $so | awk -F '\t' '$7 == "spot" { print $1 }')
sim POST /reset-faults >/dev/null
expect 0 "release" env GITHUB_RUN_ID=so ec2rp-release
check "both back in the xlarge pool (their agents put them back)" wait_for 20 pooled xlarge 2
expect 0 "a spot provision of 1 from the pool" env GITHUB_RUN_ID=so2 INPUT_RESOURCE_CLASS=xlarge INPUT_USAGE_CLASS=spot ec2rp-provision
check "takes the spot one ($spot_id)" [ "$(cat "$T_OUT")" = "$spot_id" ]
expect 0 "release" env GITHUB_RUN_ID=so2 ec2rp-release
model_check
done_testing

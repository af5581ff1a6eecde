#!/bin/sh
# Issue 24: a workflow of the original action (fleet-actions/
# ec2-runner-pool-manager) with only its uses: line changed works the same
# or fails loudly. Through the entrypoint, inputs as action.yml gives them.
# 1. Two repositories switching over side by side, each with default
#    inputs: a pool each, as the original's table per repository; a pool
#    bound to another repository is refused, nothing changed; a shared
#    organisation pool by saying so.
# 2. Inputs: lists one per line; refusals as ::error:: annotations; a
#    re-run of the release job alone releases the earlier attempts'.
# 3. The original's instance policy (its prerequisites page): the agent is
#    refused sqs:SendMessage and ec2:TerminateInstances, and says so.
. tests/integration/lib.sh
stack_start
export GITHUB_ACTIONS=true GITHUB_OUTPUT=$T_TMP/gh-output GITHUB_STEP_SUMMARY=$T_TMP/gh-summary
export EC2RP_COLD_TIMEOUT_SEC=30 EC2RP_RELEASE_TIMEOUT_SEC=4 EC2RP_ORPHAN_GRACE_SEC=0
AMI=ami-0123456789abcdef0 SG=sg-0123456789abcdef0
S1=subnet-0123456789abcdef1 S2=subnet-0123456789abcdef2
# as_repo REPO NAME=VALUE...: the action in REPO's workflow.
as_repo() { r=$1; shift; env GITHUB_REPOSITORY="$r" sh -c '. tests/integration/lib.sh; T_TMP=$0; as_action "$@"' "$T_TMP" "$@"; }
refresh_in() {
	r=$1
	shift
	as_repo "$r" mode=refresh github-token="$GITHUB_TOKEN" ami=$AMI iam-instance-profile=your-instance-profile \
		security-group-ids=$SG subnet-ids="$S1 $S2" "$@"
}
# in_pool POOL CMD...: a tool on POOL.
in_pool() { p=$1; shift; env EC2RP_POOL="$p" "$@"; }
one_error() { [ "$(grep -c '^::error::' "$T_ERR")" -eq 1 ]; }

# --- 1. a pool per repository, by default --------------------------------
expect 0 "octo/a: refresh with the quickstart's inputs" refresh_in octo/a
expect 0 "octo/b: the same refresh, in its own repository" refresh_in octo/b
check "two pools, octo-a and octo-b" [ "$(in_pool octo-a state-get --kind config github-scope | cut -f2) $(in_pool octo-b state-get --kind config github-scope | cut -f2)" = "octo/a octo/b" ]
check "each bound to its repository" [ "$(in_pool octo-a state-get --kind config pool-repository | cut -f2) $(in_pool octo-b state-get --kind config pool-repository | cut -f2)" = "octo/a octo/b" ]
check "and no pool under the old shared default" sh -c '! EC2RP_POOL=ec2-runner-pool state-get --kind config github-scope >/dev/null 2>&1'
# Side by side: both provisions at once, default inputs.
as_repo octo/a GITHUB_RUN_ID=8501 mode=provision instance-count=1 > "$T_TMP/pa" 2> "$T_TMP/pa.err" &
pa=$!
as_repo octo/b GITHUB_RUN_ID=8502 mode=provision instance-count=1 > "$T_TMP/pb" 2> "$T_TMP/pb.err" &
pb=$!
check "octo/a's provision" wait "$pa"
check "octo/b's provision, at the same time" wait "$pb"
A=$(cat "$T_TMP/pa") B=$(cat "$T_TMP/pb")
scope_of() { sim GET /runners | jq -r --arg n "$1" '.[] | select(.name == $n) | .scope'; }
check "octo/a's runner registered with octo/a ($(scope_of "$A"))" [ "$(scope_of "$A")" = octo/a ]
check "octo/b's runner registered with octo/b ($(scope_of "$B"))" [ "$(scope_of "$B")" = octo/b ]
expect 0 "octo/a's release" as_repo octo/a GITHUB_RUN_ID=8501 mode=release
expect 0 "octo/b's release" as_repo octo/b GITHUB_RUN_ID=8502 mode=release
check "each back in its own pool" sh -c "[ \"\$(EC2RP_POOL=octo-a state-get --consistent $A | cut -f2)\" = idle ] && [ \"\$(EC2RP_POOL=octo-b state-get --consistent $B | cut -f2)\" = idle ]"

# A pool named on purpose, bound to another repository: refused, one line.
tpl() { sim GET /templates | jq -c '[.[] | {n: .name, v: .latestVersion}]'; }
before=$(tpl)
cfg_before=$(in_pool octo-a state-get --kind config github-scope pool-repository pool-shared registration-token-at)
expect 3 "octo/b's refresh of pool octo-a" refresh_in octo/b pool=octo-a
owner_named() { one_error && grep -q '^::error::.*pool octo-a belongs to octo/a' "$T_ERR"; }
check_with "$T_ERR" "one ::error:: line naming the owner" owner_named
check "no launch template changed" [ "$(tpl)" = "$before" ]
check "no parameter changed" [ "$(in_pool octo-a state-get --kind config github-scope pool-repository pool-shared registration-token-at)" = "$cfg_before" ]
n_before=$(sim GET /instances | jq length)
expect 3 "octo/b's provision from pool octo-a" as_repo octo/b GITHUB_RUN_ID=8503 mode=provision pool=octo-a
check "refused in one line, nothing claimed or launched" sh -c "grep -q '^::error::.*belongs to octo/a' $T_ERR && [ \$(EC2RP_POOL=octo-a state-get --consistent $A | cut -f2) = idle ] && [ \$(curl -fsS $SIM_CONTROL/instances | jq length) -eq $n_before ]"
expect 3 "octo/b's release on pool octo-a" as_repo octo/b GITHUB_RUN_ID=8501 mode=release pool=octo-a
# Shared by saying so: an organisation scope, shared-pool: true.
expect 0 "octo/a: refresh of a shared pool, organisation scope" refresh_in octo/a pool=octo-ci shared-pool=true github-scope=octo
expect 3 "octo/b: the same pool without shared-pool is refused" refresh_in octo/b pool=octo-ci github-scope=octo
expect 3 "octo/b: with shared-pool but its own repository as scope: refused (one scope a pool)" refresh_in octo/b pool=octo-ci shared-pool=true
check "saying which scope to give" grep -q "^::error::.*registers its runners with octo," "$T_ERR"
expect 0 "octo/b: with shared-pool and the organisation scope" refresh_in octo/b pool=octo-ci shared-pool=true github-scope=octo
expect 0 "octo/b provisions from the shared pool" as_repo octo/b GITHUB_RUN_ID=8504 mode=provision pool=octo-ci
C=$(cat "$T_OUT")
check "its runner registered with the organisation" [ "$(scope_of "$C")" = octo ]
expect 0 "octo/a provisions from it under the same run id" as_repo octo/a GITHUB_RUN_ID=8504 mode=provision pool=octo-ci
D=$(cat "$T_OUT")
# A repository's own pool whose scope is another repository: its jobs
# could never run there.
expect 0 "octo/a: its own pool, registering with octo/other" refresh_in octo/a pool=octo-a2 github-scope=octo/other
expect 3 "octo/a's provision from it is refused" as_repo octo/a GITHUB_RUN_ID=8505 mode=provision pool=octo-a2
check "naming where its runners register" grep -q '^::error::.*registers its runners with octo/other' "$T_ERR"
# The default name of a repository too long for a pool name.
check "a long repository name gives a pool name of 40 (A-Z a-z 0-9 _ -)" sh -c '. sh/ec2rp-common.sh; n=$(default_pool Octo-Org/a.very-long-repository-name-that-goes-on-and-on); printf "%s" "$n" | grep -Eqx "[a-z0-9_-]{40}"'

# --- 2. inputs ---------------------------------------------------------
expect 0 "refresh with lists one per line (YAML block scalars)" refresh_in octo/lists subnet-ids="$S1
$S2
" security-group-ids="$SG
sg-01234567
" allowed-instance-types="c6i.*
m6i.*"
check "the subnets stored as a list" [ "$(in_pool octo-lists state-get --kind config subnet-ids | cut -f2)" = "$S1,$S2" ]
check "the types too" [ "$(in_pool octo-lists state-get --kind config allowed-instance-types | cut -f2)" = "c6i.*,m6i.*" ]
expect 2 "a provision with instance-count 0" as_repo octo/lists GITHUB_RUN_ID=8510 mode=provision instance-count=0
check "an ::error:: annotation naming the input" grep -q '^::error::provision: invalid input instance-count' "$T_ERR"
expect 2 "a refresh with a bad idle-time-sec" refresh_in octo/lists idle-time-sec=5
check "an ::error:: annotation naming the input" grep -q '^::error::refresh: invalid input idle-time-sec' "$T_ERR"
# A release that failed in attempt 1, its job alone re-run (attempt 2):
# what attempt 1 holds is released. In the shared pool, octo/a's run 8504
# stays octo/a's.
expect 0 "octo/b: the release job alone re-run (attempt 2)" as_repo octo/b GITHUB_RUN_ID=8504 GITHUB_RUN_ATTEMPT=2 mode=release pool=octo-ci
check "releases attempt 1's instance" [ "$(in_pool octo-ci state-get --consistent "$C" | cut -f2)" = idle ]
check "and not octo/a's instance of the same run id" [ "$(in_pool octo-ci state-get --consistent "$D" | cut -f2)" = running ]
expect 0 "octo/a: its release, attempt 3 (attempts 1 and 2 looked at)" as_repo octo/a GITHUB_RUN_ID=8504 GITHUB_RUN_ATTEMPT=3 mode=release pool=octo-ci
check "releases its instance" [ "$(in_pool octo-ci state-get --consistent "$D" | cut -f2)" = idle ]

# --- 3. the original's instance policy --------------------------------
# Its prerequisites page: dynamodb:*Item, and ec2:TerminateInstances on
# instances tagged AllowSelfTermination=true; no SQS (tests/sim/original-iam).
sim POST /iam "{\"pool\":\"octo-c\",\"instancePolicy\":\"$TOP/tests/sim/original-iam/instance.json\"}" >/dev/null
expect 0 "octo/c: refresh" refresh_in octo/c idle-time-sec=600
expect 0 "octo/c: provision" as_repo octo/c GITHUB_RUN_ID=8520 mode=provision
E=$(cat "$T_OUT")
expect 0 "octo/c: release" as_repo octo/c GITHUB_RUN_ID=8520 mode=release
sig() { in_pool octo-c state-get --consistent --kind signal "$E" | cut -f2; }
check "its agent signals terminate-denied ($(sig))" wait_for 30 sh -c "[ \"\$(EC2RP_POOL=octo-c state-get --consistent --kind signal $E | cut -f2)\" = terminate-denied ]"
check "naming both refusals" sh -c "EC2RP_POOL=octo-c state-get --consistent --kind signal $E | grep -q 'ec2:TerminateInstances refused.*after sqs:SendMessage refused'"
expect 0 "pool-status" in_pool octo-c pool-status
check "shows it with both missing permissions" grep -q "^stopped	$E	large	idle	terminate-denied	.*	sqs:SendMessage,ec2:TerminateInstances$" "$T_OUT"
: > "$GITHUB_STEP_SUMMARY"
expect 0 "octo/c: the next provision" as_repo octo/c GITHUB_RUN_ID=8521 mode=provision
check "its step summary names both missing permissions" grep -q "| $E | large | idle | terminate-denied: the instance role lacks sqs:SendMessage,ec2:TerminateInstances" "$GITHUB_STEP_SUMMARY"
expect 0 "octo/c: refresh" refresh_in octo/c idle-time-sec=600
check "warns, naming both permissions" grep -q "^::warning::$E: its agent was refused sqs:SendMessage and ec2:TerminateInstances (terminate-denied)" "$T_ERR"
sim POST /iam '{}' >/dev/null
expect 0 "octo/c: release" as_repo octo/c GITHUB_RUN_ID=8521 mode=release

# --- 4. the original's workflow policy ---------------------------------
# Its prerequisites page's "Policy for GitHub Actions Workflow"
# (tests/sim/original-iam/controlplane.json): refresh stops at the first
# call it lacks, dynamodb:DescribeTimeToLive, in one error line.
sim POST /iam "{\"pool\":\"octo-d\",\"controlPolicy\":\"$TOP/tests/sim/original-iam/controlplane.json\"}" >/dev/null
expect 3 "octo/d: refresh under the original's workflow policy" refresh_in octo/d
check_with "$T_ERR" "one ::error:: line naming dynamodb:DescribeTimeToLive" sh -c "[ \$(grep -c '^::error::' '$T_ERR') -eq 1 ] && grep '^::error::' '$T_ERR' | grep -q 'dynamodb:DescribeTimeToLive'"
sim POST /iam '{}' >/dev/null
T_MODEL_REFUSALS=0
done_testing

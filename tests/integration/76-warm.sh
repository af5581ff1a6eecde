#!/bin/sh
# warm-pool: refresh keeps idle instances per class ahead of demand. They
# are launched into the idle state with no run and no repository, their
# agents put them into the pool once up, a provision of any repository
# takes one without a fleet request, and the next refresh makes up what
# is missing. Each still ends at its idle time.
. tests/integration/lib.sh
stack_start
export GITHUB_REPOSITORY=octo/warm INPUT_AMI=ami-0123456789abcdef0 INPUT_IDLE_TIME_SEC=600
# octo/other provisions from it too: a shared pool, registering with octo.
export INPUT_SHARED_POOL=true INPUT_GITHUB_SCOPE=octo
export EC2RP_COLD_TIMEOUT_SEC=60 EC2RP_ORPHAN_GRACE_SEC=0

fleets() { sim GET /calls | grep -c '"action": "CreateFleet"'; }
inst_state() { sim GET /instances | jq -r --arg id "$1" '.[] | select(.id == $id) | .state'; }

expect 2 "warm-pool that is not a flat object" env INPUT_WARM_POOL='{"large": {"n": 2}}' ec2rp-refresh
check "names the input" err_has "invalid input warm-pool"
expect 2 "warm-pool naming no class of the pool" env INPUT_WARM_POOL='{"huge": 1}' ec2rp-refresh
check "says which" err_has "names huge, which is not a class of the pool"
expect 2 "a count of 100" env INPUT_WARM_POOL='{"large": 100}' ec2rp-refresh
check "no instance launched by the refused ones" [ "$(fleets)" -eq 0 ]

expect 0 "refresh with warm-pool {\"large\": 2}" env INPUT_WARM_POOL='{"large": 2}' ec2rp-refresh
check "two warm instances launched" [ "$(grep -c 'warm large instance launched' "$T_ERR")" -eq 2 ]
state-scan --state idle > "$T_TMP/idle"
check "both recorded idle, class large, no run, no repository" \
	[ "$(awk -F '\t' '$5 == "large" && $3 == "-" && $8 == "-"' "$T_TMP/idle" | grep -c .)" -eq 2 ]
check "their agents put them into the pool" wait_for 30 pooled large 2

f0=$(fleets)
expect 0 "octo/warm: provision 1" env GITHUB_RUN_ID=761 ec2rp-provision
W=$(cat "$T_OUT")
check "a warm one, taken without a fleet request" sh -c "grep -q '^$W	' '$T_TMP/idle' && [ $(fleets) -eq $f0 ]"
expect 0 "another repository: provision 1 (same-repository reuse)" env GITHUB_REPOSITORY=octo/other GITHUB_RUN_ID=762 ec2rp-provision
O=$(cat "$T_OUT")
check "it may take the other warm one: no run has used it" sh -c "grep -q '^$O	' '$T_TMP/idle' && [ $(fleets) -eq $f0 ]"

mkdir -p "$T_TMP/gh"
expect 0 "refresh again makes up the minimum" env INPUT_WARM_POOL='{"large": 2}' GITHUB_STEP_SUMMARY="$T_TMP/gh/summary" ec2rp-refresh
check "two launched (both warm ones are running now)" [ "$(grep -c 'warm large instance launched' "$T_ERR")" -eq 2 ]
check "the summary shows the minimum and its cost" grep -q "Warm minimum: 2 instance(s) kept idle (large=2), about 48 instance-hours a day" "$T_TMP/gh/summary"
expect 0 "refresh once more: nothing missing" env INPUT_WARM_POOL='{"large": 2}' ec2rp-refresh
check "nothing launched" sh -c "! grep -q 'warm large instance launched' '$T_ERR'"

expect 0 "release 761" env GITHUB_RUN_ID=761 ec2rp-release
expect 0 "release 762" env GITHUB_REPOSITORY=octo/other GITHUB_RUN_ID=762 ec2rp-release
check "a used instance records its repository" \
	[ "$(state-get --consistent --json "$W" | jq -r .repository)" = octo/warm ]
# EC2's eventual consistency: a warm instance refresh could not record is
# ended at once, and "not found" from EC2 moments after its launch is no
# proof of that: it is terminated once EC2 knows it, not left running.
refuse_state_cas "none idle"
check "the released ones back in the pool" wait_for 30 pooled large 4
sim GET /instances | jq -r '.[].id' | sort > "$T_TMP/before"
have=$(state-scan --state idle | awk -F '\t' '$5 == "large"' | grep -c .)
sim POST /faults '{"unseenSec":3}' >/dev/null
expect 0 "refresh whose new warm instance cannot be recorded, EC2 slow to know it" \
	env PATH="$T_TMP/broken:$PATH" INPUT_WARM_POOL="{\"large\": $((have + 1))}" ec2rp-refresh
sim POST /reset-faults >/dev/null
check "says it terminates it" err_has "could not record the warm instance; terminating it"
check "and no failure to terminate" sh -c "! grep -q 'terminate failed' '$T_ERR'"
sim GET /instances | jq -r '.[].id' | sort | comm -13 "$T_TMP/before" - > "$T_TMP/new"
check "one instance launched" [ "$(lines "$T_TMP/new")" -eq 1 ]
check "terminated, not left running ($(inst_state "$(cat "$T_TMP/new")"))" \
	sh -c "echo '$(inst_state "$(cat "$T_TMP/new")")' | grep -Eqx 'shutting-down|terminated'"

model_check
done_testing

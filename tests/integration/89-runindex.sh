#!/bin/sh
# The run index (issue 25): provision names every instance it may come to
# hold under its run id (run#RUN, a string set) before the write that makes
# it the run's, so release reads the run's records by key instead of a Scan
# of the table. A run without an item (an older provision's) still falls
# back to the Scan; a failed index write leaves nothing held; an instance's
# role can neither read nor write run# items. All under docs/iam.
. tests/integration/lib.sh
stack_start
export GITHUB_REPOSITORY=octo/runidx INPUT_AMI=ami-0123456789abcdef0 INPUT_IDLE_TIME_SEC=600
export EC2RP_COLD_TIMEOUT_SEC=120
sim POST /iam '{"pool":"ec2-runner-pool"}' >/dev/null
expect 0 "refresh sets the pool up" ec2rp-refresh

# mine ACTION: the calls of ACTION signed with the operator's key (not the agents').
mine() { sim GET /calls | jq --arg a "$1" --arg k "$AWS_ACCESS_KEY_ID" '[.[] | select(.action == $a and .key == $k)] | length'; }
running_for() { state-scan --run-id "$1" --state running 2>/dev/null | cut -f1 | sort | tr '\n' ' '; }

# 1. Provision names its instances; release reads them by key.
expect 0 "provision 2 for run 881 (cold)" env GITHUB_RUN_ID=881 INPUT_INSTANCE_COUNT=2 ec2rp-provision
A=$(sed -n 1p "$T_OUT") B=$(sed -n 2p "$T_OUT")
expect 0 "the run index names them" state-run get 881
check "both, under run 881" [ "$(sort "$T_OUT" | tr '\n' ' ')" = "$(printf '881\t%s\n881\t%s\n' "$A" "$B" | sort | tr '\n' ' ')" ]
expect 0 "provision 1 for run 882" env GITHUB_RUN_ID=882 ec2rp-provision
C=$(cat "$T_OUT")
s0=$(mine Scan)
expect 0 "release run 881" env GITHUB_RUN_ID=881 ec2rp-release
check "released its 2" err_has "released 2 instance(s) of run 881"
check "with no Scan" [ "$(mine Scan)" -eq "$s0" ]
check "none of 881 left running" [ -z "$(running_for 881)" ]
check "run 882's instance untouched" [ "$(running_for 882)" = "$C " ]
check "881's back in the pool" wait_for 60 pooled large 2
# One of 881's instances now serves 883: 881's index still names it.
expect 0 "provision 1 for run 883 (warm: one of 881's)" env GITHUB_RUN_ID=883 ec2rp-provision
D=$(cat "$T_OUT")
check_with "$T_ERR" "it is one of 881's ($D)" sh -c "[ '$D' = '$A' ] || [ '$D' = '$B' ]"
s0=$(mine Scan)
expect 0 "release run 881 again" env GITHUB_RUN_ID=881 ec2rp-release
check "nothing: its named instance runs for 883 now" err_has "run 881 has no running instances"
check_with "$T_ERR" "no Scan" [ "$(mine Scan)" -eq "$s0" ]
check "and 883 still has it" [ "$(running_for 883)" = "$D " ]

# 2. A re-run's release (attempt 2) covers attempt 1 (run id 883). Its own
# attempt (883-2) provisioned nothing and has no item: attempt 1's item
# says this run is indexed, so no Scan.
s0=$(mine Scan)
expect 0 "the release re-run (attempt 2)" env GITHUB_RUN_ID=883 GITHUB_RUN_ATTEMPT=2 ec2rp-release
check "released 883's instance" err_has "released 1 instance(s) of run 883-2"
check "with no Scan (attempt 2 has no item, attempt 1 has)" [ "$(mine Scan)" -eq "$s0" ]
check "none of 883 left running" [ -z "$(running_for 883)" ]

# 3. A run with an item and no instances: no Scan.
expect 0 "a run's item without ids (a provision that has taken nothing yet)" state-run add 884
s0=$(mine Scan)
expect 0 "release run 884" env GITHUB_RUN_ID=884 ec2rp-release
check "nothing to release" err_has "run 884 has no running instances"
check "and no Scan" [ "$(mine Scan)" -eq "$s0" ]

# 4. A run an older provision made: records, no item. The Scan finds them.
F=i-00000000000000f85
state-cas --run-id 885 --threshold-in 600 --resource-class large --repository octo/runidx $F none created >/dev/null
state-cas --run-id 885 --threshold-in 600 $F created running >/dev/null
expect 1 "run 885 has no item" state-run get 885
s0=$(mine Scan)
expect 0 "release run 885" env GITHUB_RUN_ID=885 ec2rp-release
check "released its record" err_has "released 1 instance(s) of run 885"
check "through one Scan" [ "$(($(mine Scan) - s0))" -eq 1 ]
check "its record is idle" [ "$(state-get --consistent $F | cut -f2)" = idle ]

# 5. The index write fails: nothing is held by the run.
check "the pool holds 2 again" wait_for 60 pooled large 2
fault() { sim POST /faults "{\"next\":[{\"service\":\"dynamodb\",\"action\":\"UpdateItem\",\"after\":$1,\"count\":$2,\"code\":\"AccessDeniedException\",\"status\":400,\"key\":\"$AWS_ACCESS_KEY_ID\"}]}" >/dev/null; }
u0=$(mine UpdateItem)
fault 0 1
expect 3 "the run's item refused at the start: provision stops" env GITHUB_RUN_ID=886 ec2rp-provision
check "saying so" err_has "could not write the run index"
check "one UpdateItem, no claim" [ "$(($(mine UpdateItem) - u0))" -eq 1 ]
check "the pool still holds 2" pooled large 2
before=$(ec2-list --state pending,running | grep -c .)
fault 1 40
expect 1 "the index refuses the candidates and the new instances: provision fails" \
	env GITHUB_RUN_ID=887 INPUT_INSTANCE_COUNT=2 ec2rp-provision
sim POST /reset-faults >/dev/null
check "it said so for the candidates" err_has "could not name the candidates in the run index"
check "and for the new ones" err_has "could not name the new instances in the run index"
check "no record names run 887" sh -c "! state-scan --run-id 887 >/dev/null 2>&1"
check "the new instances were terminated" [ "$(ec2-list --state pending,running | grep -c .)" -eq "$before" ]
check "the candidates are back in the pool" wait_for 30 pooled large 2
expect 0 "and the next provision takes them" env GITHUB_RUN_ID=888 INPUT_INSTANCE_COUNT=2 ec2rp-provision
check "the index names them" [ "$(state-run get 888 | grep -c .)" -eq 2 ]

# 6. An instance's role and run# items.
X=$(head -n 1 "$T_OUT")
port=$(sim GET /instances | jq -r --arg id "$X" '.[] | select(.id == $id) | .imdsPort')
as_x() {
	env -u AWS_ACCESS_KEY_ID -u AWS_SECRET_ACCESS_KEY -u AWS_SESSION_TOKEN AWS_EC2_METADATA_DISABLED=false \
		AWS_EC2_METADATA_SERVICE_ENDPOINT="http://127.0.0.1:$port/" "$@"
}
expect 3 "an instance may not read its run's item" as_x state-run get 888
check "refused as DynamoDB refuses" err_has "AccessDenied"
expect 3 "nor name an instance in it" as_x state-run add 888 i-0123456789abcdef0
expect 3 "nor write another run's item" as_x state-run add 889
check "888's item unchanged" [ "$(state-run get 888 | grep -c .)" -eq 2 ]
expect 1 "and 889 has none" state-run get 889

# 7. Bad input: one line, nothing sent.
u0=$(mine UpdateItem)
expect 2 "a malformed run id" state-run add 'a b' i-0123456789abcdef0
expect 2 "a malformed instance id" state-run add 881 i-nope
expect 2 "get without a run" state-run get
expect 2 "--ttl-in with get" state-run get --ttl-in 600 881
check "nothing sent" [ "$(mine UpdateItem)" -eq "$u0" ]

expect 0 "release run 888" env GITHUB_RUN_ID=888 ec2rp-release
check "back in the pool" wait_for 60 pooled large 2
T_MODEL_REFUSALS=0
done_testing

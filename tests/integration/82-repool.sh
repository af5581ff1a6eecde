#!/bin/sh
# Back in the pool within a second or two of release (issue 27): the agent
# stops the listener, cleans up and returns its instance at once, without
# removing the runner from GitHub (its next registration replaces it, with
# --replace under the same name). The stand-in's removal takes 5 s here,
# as the real one's takes seconds: a removal in the way shows.
. tests/integration/lib.sh
export SIM_RUNNER_REMOVE_SEC=5
# An idle agent announces itself again every 4 s here (600 s by default).
export EC2RP_REANNOUNCE_SEC=4
stack_start
export GITHUB_REPOSITORY=octo/repool INPUT_AMI=ami-0123456789abcdef0 INPUT_IDLE_TIME_SEC=600
export EC2RP_COLD_TIMEOUT_SEC=60 EC2RP_WARM_TIMEOUT_SEC=30
fleets() { sim GET /calls | jq '[.[] | select(.action == "CreateFleet")] | length'; }
runners_named() { sim GET /runners | jq --arg n "$1" '[.[] | select(.name == $n)] | length'; }

expect 0 "refresh" ec2rp-refresh
expect 0 "provision 3 for run 821" env GITHUB_RUN_ID=821 INPUT_INSTANCE_COUNT=3 ec2rp-provision
sort "$T_OUT" > "$T_TMP/first"
expect 0 "release 821" env GITHUB_RUN_ID=821 ec2rp-release
t0=$(date +%s%N)
check "all 3 back in the pool" wait_for 20 pooled large 3
back=$((($(date +%s%N) - t0) / 1000000))
echo "# back in the pool: $back ms after release returned"
check "within 3 s of the release, not after the runner's 5 s removal ($back ms)" [ "$back" -lt 3000 ]
check "their runners were not removed from GitHub (offline, replaced at the next claim)" \
	[ "$(sim GET /runners | jq '[.[] | select(.labels | map(.name) | index("821"))] | length')" -eq 3 ]
check "no remove token was written" [ -z "$(state-get --consistent --kind token $(cat "$T_TMP/first") 2>/dev/null)" ]

# The next run right after: every instance reused, none created.
f0=$(fleets)
# The agents' own STS calls (keys other than the operator's) over a whole
# run: each agent looked its identity up once, at its start, into a file
# its tools share (aws-creds); before, each signal and token delete asked.
agent_sts() { sim GET /calls | jq --arg k "$AWS_ACCESS_KEY_ID" '[.[] | select(.action == "GetCallerIdentity" and .key != $k)] | length'; }
s0=$(agent_sts)
expect 0 "provision 3 for run 822 right after" env GITHUB_RUN_ID=822 INPUT_INSTANCE_COUNT=3 ec2rp-provision
sort "$T_OUT" > "$T_TMP/second"
check "the same 3 instances" cmp -s "$T_TMP/first" "$T_TMP/second"
check "no fleet request" [ "$(fleets)" -eq "$f0" ]
check "each runner re-registered under its own name, one registration each" \
	sh -c "for i in \$(cat '$T_TMP/second'); do [ \"\$(curl -fsS $SIM_CONTROL/runners | jq --arg n \$i '[.[] | select(.name == \$n)] | length')\" -eq 1 ] || exit 1; done"
check "now labelled 822" [ "$(sim GET /runners | jq '[.[] | select(.labels | map(.name) | index("822"))] | length')" -eq 3 ]
check "not 821" [ "$(sim GET /runners | jq '[.[] | select(.labels | map(.name) | index("821"))] | length')" -eq 0 ]
check "a job of run 822 runs" [ "$(job 822 'echo hi' | head -n 1)" = success ]
check "a job does not see the agent's credentials file named" [ "$(job 822 'echo "file=${EC2RP_CREDENTIALS_FILE:-none}"' | tail -n 1)" = file=none ]
expect 0 "release 822" env GITHUB_RUN_ID=822 ec2rp-release
check "all 3 back in the pool after 822" wait_for 20 pooled large 3
check "the agents asked STS nothing during run 822 ($(($(agent_sts) - s0)) calls)" [ "$(($(agent_sts) - s0))" -eq 0 ]
creds_private() {
	for i in $(cat "$T_TMP/second"); do
		d=$SIM_DIR/instances/$i/root/run/ec2rp
		[ "$(stat -c %a "$d")" = 700 ] && [ "$(stat -c %a "$d/aws-credentials")" = 600 ] || return 1
	done
}
check "their credentials file is root's alone (0700 folder, 0600 file)" creds_private

# A message lost from the queue (a provision killed after taking it and
# before claiming): the idle instance announces itself again, and the next
# run reuses it instead of creating one.
in_pool() { [ "$(pool-status large 2>/dev/null | awk -F '\t' '$1 == "class" && $2 == "large" { print $8 }')" -ge "$1" ]; }
pool-pop --resource-class large --max 10 --wait 2 > "$T_TMP/taken" 2>/dev/null # unchecked: counted below
check "their messages taken, no claim made ($(lines "$T_TMP/taken") taken)" [ "$(cut -f1 "$T_TMP/taken" | sort -u | wc -l)" -eq 3 ]
check "announced again within two intervals" wait_for 10 in_pool 3
f0=$(fleets)
expect 0 "provision 3 for run 823" env GITHUB_RUN_ID=823 INPUT_INSTANCE_COUNT=3 ec2rp-provision
sort "$T_OUT" > "$T_TMP/third"
check "the same 3 instances again" cmp -s "$T_TMP/first" "$T_TMP/third"
check "no fleet request" [ "$(fleets)" -eq "$f0" ]
expect 0 "release 823" env GITHUB_RUN_ID=823 ec2rp-release
check "all 3 back in the pool after 823" wait_for 20 pooled large 3

# Its push refused for a moment (SQS answers 500 to all three of the
# tool's attempts): the agent tries again 5 s later instead of ending its
# instance. The fault is keyed to that agent's credentials (the file it
# shares with its tools), so nothing else takes it.
expect 0 "provision 1 for run 824" env GITHUB_RUN_ID=824 INPUT_INSTANCE_COUNT=1 ec2rp-provision
E=$(cat "$T_OUT")
key=$(jq -r .AccessKeyId "$SIM_DIR/instances/$E/root/run/ec2rp/aws-credentials")
sim POST /faults "{\"next\":[{\"service\":\"sqs\",\"action\":\"SendMessageBatch\",\"count\":3,\"code\":\"InternalFailure\",\"key\":\"$key\"}]}" >/dev/null
n0=$(grep -c 'back in the pool' "$SIM_DIR/instances/$E/console.log")
expect 0 "release 824" env GITHUB_RUN_ID=824 ec2rp-release
check "its three pushes were refused" wait_for 20 sh -c "[ \"\$(curl -fsS $SIM_CONTROL/faults | jq '[.pending[]? | select(.key == \"$key\")] | length')\" -eq 0 ]"
check "back in the pool after its second try" wait_for 20 sh -c "[ \$(grep -c 'back in the pool' '$SIM_DIR/instances/$E/console.log') -gt $n0 ]"
check "not terminated" [ "$(sim GET /instances | jq -r --arg i "$E" '.[] | select(.id == $i) | .state')" = running ]
check_with "$SIM_DIR/instances/$E/console.log" "no 'not returned to the pool'" sh -c "! grep -q 'not returned to the pool' '$SIM_DIR/instances/$E/console.log'"

done_testing

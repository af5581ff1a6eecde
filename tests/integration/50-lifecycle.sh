#!/bin/sh
# The whole lifecycle: the mode scripts, the real bootstrap and agent on
# simulated instances, the fake runner registering with the GitHub simulator.
. tests/integration/lib.sh
stack_start
# The whole lifecycle under the documented least-privilege policies
# (docs/iam/): the stack refuses anything they do not allow.
sim POST /iam '{"pool":"ec2-runner-pool"}' >/dev/null
export GITHUB_REPOSITORY=octo/app INPUT_AMI=ami-0123456789abcdef0 INPUT_IDLE_TIME_SEC=600
export EC2RP_COLD_TIMEOUT_SEC=15 EC2RP_WARM_TIMEOUT_SEC=10 EC2RP_RELEASE_TIMEOUT_SEC=4 EC2RP_ORPHAN_GRACE_SEC=0

fleets() { sim GET /calls | grep -c '"action": "CreateFleet"'; }
# ec2_state ID: the instance's EC2 state.
ec2_state() { sim GET /instances | tr -d '\n ' | grep -o "\"id\":\"$1\",\"state\":\"[a-z-]*\"" | sed 's/.*state":"//; s/"//'; }
# record ID: state and run id of the instance's record.
record() { state-get --consistent "$1" | cut -f2,3; }
# queued: the instances in the large pool (popped and pushed back as they were).
queued() {
	pool-pop --resource-class large --max 100 > "$T_TMP/q" 2>/dev/null
	cut -f1 "$T_TMP/q" | sort | tr '\n' ' '
	while IFS="$(printf '\t')" read -r id type usage repo; do
		set -- --resource-class large --instance-type "$type" --usage-class "$usage"
		[ "$repo" = - ] || set -- "$@" --repository "$repo"
		pool-push "$@" "$id" >/dev/null
	done < "$T_TMP/q"
}
# pooled_soon IDS...: waits (up to 10 s) until the large pool holds exactly
# IDS: release returns before the agents deregister and return themselves.
pooled_soon() {
	_want=$(printf '%s\n' "$@" | sort | tr '\n' ' ')
	for _ in $(seq 50); do
		[ "$(queued)" = "$_want" ] && return 0
		sleep 0.2
	done
	return 1
}
label_runners() { gh-runner list --label "$1" --status online 2>/dev/null | wc -l | tr -d ' '; }

# The pre-runner script runs on each new instance before its first registration.
export INPUT_PRE_RUNNER_SCRIPT='echo prepared > "$EC2RP_ROOT/pre-runner-ran"'
expect 0 "refresh sets everything up" ec2rp-refresh
expect 0 "refresh twice: the second changes nothing" ec2rp-refresh
check "and says so" err_has "nothing changed"

# 1. Cold: provision 2, a job on the label, release.
f0=$(fleets)
expect 0 "cold provision of 2" env GITHUB_RUN_ID=101 INPUT_INSTANCE_COUNT=2 ec2rp-provision
A=$(sed -n 1p "$T_OUT"); B=$(sed -n 2p "$T_OUT")
check "two instance ids printed" sh -c "[ -n '$A' ] && [ -n '$B' ] && [ '$A' != '$B' ]"
check "one fleet request" [ $(($(fleets) - f0)) -eq 1 ]
check "the pre-runner script ran on the new instance" [ -f "$SIM_DIR/instances/$A/root/pre-runner-ran" ]
check "both records running for run 101" sh -c "[ \"\$(state-get --consistent $A $B | cut -f2,3 | sort -u)\" = \"running	101\" ]"
check "both runners online with label 101" [ "$(label_runners 101)" -eq 2 ]
job=$(sim POST /jobs '{"label":"101","script":"test -n \"$EC2RP_ROOT\" && echo on-instance"}' | sed -n 's/.*"id": *\([0-9]*\).*/\1/p')
sleep 2
check "a job with runs-on 101 ran on one of them" sh -c "curl -fsS $SIM_CONTROL/jobs/$job | grep -q '\"conclusion\": \"success\"'"
t0=$(date +%s%N)
expect 0 "release run 101" env GITHUB_RUN_ID=101 ec2rp-release
check "release did not wait for the agents (under 1.5 s)" [ $((($(date +%s%N) - t0) / 1000000)) -lt 1500 ]
check "both idle without a run id" sh -c "[ \"\$(state-get --consistent $A $B | cut -f2,3 | sort -u)\" = \"idle	-\" ]"
check "the repository is on the records" sh -c "[ \"\$(state-get --consistent $A $B | cut -f8 | sort -u)\" = octo/app ]"
check "both in the pool, put there by their agents" pooled_soon "$A" "$B"
expect 1 "no runner token is left on either (each deleted its own once used)" state-get --consistent --kind token "$A" "$B"
check "none at all" [ ! -s "$T_OUT" ]
check "each tagged with the repository" sh -c "pool-pop --resource-class large --max 10 --requeue-delay 0 --repository octo/app > $T_TMP/tagged; [ \$(wc -l < $T_TMP/tagged) -eq 2 ]"
while IFS="$(printf '\t')" read -r id type usage repo; do pool-push --resource-class large --instance-type "$type" --usage-class "$usage" --repository "$repo" "$id" >/dev/null; done < "$T_TMP/tagged"
check "no runner left with label 101" [ "$(label_runners 101)" -eq 0 ]

# 2. Warm: both reused, no fleet request.
f0=$(fleets)
expect 0 "warm provision of 2" env GITHUB_RUN_ID=102 INPUT_INSTANCE_COUNT=2 ec2rp-provision
check "the same two instances" [ "$(sort "$T_OUT" | tr '\n' ' ')" = "$(printf '%s\n%s\n' "$A" "$B" | sort | tr '\n' ' ')" ]
check "no fleet request" [ "$(fleets)" -eq "$f0" ]
check "registered under 102" [ "$(label_runners 102)" -eq 2 ]
expect 0 "release 102" env GITHUB_RUN_ID=102 ec2rp-release
check "both back in the pool (their agents return them)" pooled_soon "$A" "$B"

# 3. Mixed: 3 with 2 idle.
f0=$(fleets)
expect 0 "provision 3 with 2 idle" env GITHUB_RUN_ID=103 INPUT_INSTANCE_COUNT=3 ec2rp-provision
check "3 instances, A and B among them" sh -c "[ \$(wc -l < $T_OUT) -eq 3 ] && grep -q $A $T_OUT && grep -q $B $T_OUT"
C=$(grep -v -e "$A" -e "$B" "$T_OUT")
check "one fleet request for the third" [ $(($(fleets) - f0)) -eq 1 ]
expect 0 "release 103" env GITHUB_RUN_ID=103 ec2rp-release
check "all 3 back in the pool" pooled_soon "$A" "$B" "$C"

# 4. One of 2 new instances never registers: all or nothing.
sim POST /faults '{"instances":["never-register"]}' >/dev/null
expect 1 "provision 5 (3 idle + 2 new, one never registers) fails" env GITHUB_RUN_ID=104 INPUT_INSTANCE_COUNT=5 ec2rp-provision
check "clear message: the instance said registration-failed" err_has "registration-failed"
check "no record owned by run 104" [ -z "$(state-scan --run-id 104 2>/dev/null)" ]
check "the 3 claimed instances are back in the pool" pooled_soon "$A" "$B" "$C"
sleep 0.5
check "the 2 created ones are terminated in EC2" [ "$(ec2-list --run-id 104 --state pending,running | wc -l)" -eq 0 ]

# 7. Capacity error: clean failure, nothing left running.
sim POST /faults '{"capacity":1}' >/dev/null
expect 4 "provision 5 with capacity for 1 new fails" env GITHUB_RUN_ID=107 INPUT_INSTANCE_COUNT=5 ec2rp-provision
sim POST /reset-faults >/dev/null
check "nothing owned by run 107" [ -z "$(state-scan --run-id 107 2>/dev/null)" ]
sleep 0.5
check "nothing of run 107 running in EC2" [ "$(ec2-list --run-id 107 --state pending,running | wc -l)" -eq 0 ]
check "the claimed 3 are back in the pool" pooled_soon "$A" "$B" "$C"

# 5. Release with a dead agent: never re-pooled; past the release timeout
# refresh expires it (no deregistration since the release) and terminates it.
expect 0 "provision 1 for run 105" env GITHUB_RUN_ID=105 INPUT_INSTANCE_COUNT=1 ec2rp-provision
D=$(cat "$T_OUT")
pid=$(sim GET /instances | tr -d '\n ' | grep -o "\"id\":\"$D\"[^}]*}[^}]*\"pid\":[0-9]*" | sed 's/.*"pid"://')
kill -9 "-$pid" 2>/dev/null
expect 0 "release with a dead agent returns at once" env GITHUB_RUN_ID=105 ec2rp-release
sleep 5
check "it is not in the pool" [ "$(queued | grep -c "$D")" -eq 0 ]
check "its record is idle" [ "$(record "$D" | cut -f1)" = idle ]
expect 0 "refresh" ec2rp-refresh
check "says it never deregistered" err_has "$D: released but never deregistered"
check "its record is terminated" [ "$(record "$D" | cut -f1)" = terminated ]
sleep 0.5
check "refresh terminated it in EC2" [ "$(ec2_state "$D")" = terminated ]

# 8. An orphan: running under the pool's tag, unknown to the table.
ec2-launch --count 1 --resource-class large --run-id orphan > "$T_TMP/orphan"
O=$(cut -f1 "$T_TMP/orphan")
sleep 1.1 # launch times have whole seconds; the grace is 0
expect 0 "refresh with an orphan" ec2rp-refresh
check "reports the orphan" err_has "$O: orphan"
sleep 0.5
check "the orphan is terminated" [ "$(ec2_state "$O")" = terminated ]

# 6. Expiry: an idle instance past its threshold ends itself; refresh ends one whose agent is gone.
printf 10 | state-put config idle-time-sec >/dev/null
expect 0 "provision 2 for run 106" env GITHUB_RUN_ID=106 INPUT_INSTANCE_COUNT=2 ec2rp-provision
E=$(sed -n 1p "$T_OUT"); F=$(sed -n 2p "$T_OUT")
expect 0 "release 106 with a 10 s idle time" env GITHUB_RUN_ID=106 ec2rp-release
pid=$(sim GET /instances | tr -d '\n ' | grep -o "\"id\":\"$F\"[^}]*}[^}]*\"pid\":[0-9]*" | sed 's/.*"pid"://')
kill -9 "-$pid" 2>/dev/null
sleep 13
check "with no refresh, the idle instance terminated itself" [ "$(ec2_state "$E")" = terminated ]
check "its record is left to the controlplane (still idle, expired)" [ "$(record "$E" | cut -f1)" = idle ]
check "the one with a dead agent is still running" [ "$(ec2_state "$F")" = running ]
expect 0 "refresh" ec2rp-refresh
check "says it expired" err_has "$F: expired while idle"
check "and retires the record of the one that ended itself" err_has "$E: expired record names no instance"
check "which is now terminated" [ "$(record "$E" | cut -f1)" = terminated ]
sleep 0.5
check "refresh terminated the expired one" [ "$(ec2_state "$F")" = terminated ]

# The invariant: every instance EC2 runs under the pool's tag is tracked and live.
printf 600 | state-put config idle-time-sec >/dev/null
expect 0 "final refresh" ec2rp-refresh
for id in $(ec2-list --state pending,running | cut -f1); do
	st=$(record "$id" | cut -f1)
	check "$id running in EC2 is live in the table ($st)" sh -c "[ '$st' = idle ] || [ '$st' = running ]"
done
# Runners carry no pool label: the pool's are those named after its instances.
ec2-list --state pending,running | cut -f1 > "$T_TMP/live"
gh-runner list --status offline 2>/dev/null | cut -f2 | grep '^i-' > "$T_TMP/offline-named"
check_with "$T_TMP/offline-named" "offline runners of gone instances were removed" \
	[ -z "$(grep -vxF -f "$T_TMP/live" "$T_TMP/offline-named")" ]
check "some were there to remove (the check can fail)" grep -q "removed [1-9][0-9]* offline runner" "$T_ERR"

# An instance's own credentials (its role, from its metadata service): what
# a job on it could use. Only its signals, heartbeats and itself.
expect 0 "provision 2 for run 107" env GITHUB_RUN_ID=107 INPUT_INSTANCE_COUNT=2 ec2rp-provision
X=$(sed -n 1p "$T_OUT"); Y=$(sed -n 2p "$T_OUT")
port=$(sim GET /instances | jq -r --arg id "$X" '.[] | select(.id == $id) | .imdsPort')
as_x() { env -u AWS_ACCESS_KEY_ID -u AWS_SECRET_ACCESS_KEY -u AWS_SESSION_TOKEN AWS_EC2_METADATA_DISABLED=false \
	AWS_EC2_METADATA_SERVICE_ENDPOINT="http://127.0.0.1:$port/" "$@"; }
check "two live instances to test with ($X, $Y)" [ -n "$X" ] && [ -n "$Y" ]
expect 0 "an instance reads its own record" as_x state-get --consistent "$X"
expect 0 "and writes its own signal" as_x state-put signal "$X" deregistered
expect 3 "nor another instance's signal (a false deregistered)" as_x state-put signal "$Y" deregistered
check "its own signal is keyed by its ARN, which IAM binds to its role" sh -c "state-get --kind signal $X | cut -f2 | grep -qx deregistered"
expect 3 "nor another instance's heartbeat" as_x state-put heartbeat "$Y"
expect 3 "it may not change another instance's record" as_x state-cas --run-id 107 "$Y" running terminated
check "refused as DynamoDB refuses" err_has "AccessDeniedException"
expect 3 "nor its own (the controlplane's)" as_x state-cas --run-id 107 "$X" running terminated
expect 3 "nor terminate another instance" as_x ec2-terminate "$Y"
check "refused as EC2 refuses" err_has "UnauthorizedOperation"
check "which still runs" [ "$(ec2_state "$Y")" = running ]
expect 3 "nor list the table" as_x state-scan
expect 3 "nor read the pool's parameters" as_x state-get --kind config instance-reuse
# The runner tokens: each instance gets its own copy for its run, which it
# deletes once used; the pool's tokens are the controlplane's alone.
expect 3 "nor the pool's registration token" as_x state-get --kind config registration-token
expect 3 "nor the pool's remove token" as_x state-get --kind config remove-token
expect 1 "its own token item may be read, and is gone once it registered" as_x state-get --consistent --kind token "$X"
expect 3 "another instance's token item may not be read" as_x state-get --kind token "$Y"
echo FORGED > "$T_TMP/forged"
expect 3 "nor written (only the controlplane gives tokens)" as_x state-put token registration --run-id 107 "$X" < "$T_TMP/forged"
expect 1 "no token item is left for either runner's job" state-get --consistent --kind token "$X" "$Y"
expect 3 "nor take from the pool" as_x pool-pop --resource-class large
expect 3 "nor delete a wake queue (refresh deletes those of gone instances)" as_x pool-wake delete "$Y"
expect 3 "nor list the queues" as_x pool-wake list
expect 0 "it may terminate itself" as_x ec2-terminate "$X"
refused=$(sim GET /iam | jq '[.refusals[] | select(.principal | test("assumed-role/[^/]+/i-") | not)] | length')
check "the controlplane was never refused ($refused)" [ "$refused" -eq 0 ]
done_testing

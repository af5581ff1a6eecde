#!/bin/sh
# Cancellation as the actions runner cancels a step, at each phase of
# provision: SIGINT, 7.5 s for the step to end, SIGTERM, 2.5 s more, then
# SIGKILL (actions/runner ProcessInvoker). Each short phase is caught by
# holding its one request in the stack (a next entry with holdMs, keyed to
# the operator's access key so no agent takes it) and cancelling while it
# is held: the configuration read, the pool pop, the claim's conditional
# write, the launch (CreateFleet), the token write, the mark running.
#
# Run on the entrypoint directly, not through docker run: outside PID 1 it
# execs the mode, so the signal reaches the provision shell as the
# container's PID 1 passes it on, and each step starts in milliseconds
# instead of a container's ~0.2 s plus an engine; 61-docker cancels through
# docker run (the client forwarding the signals to the container) at the
# two long waits. The hold is 3 s: the cancel must wait for the held answer
# (the request's effect is then known) and still end within the 7.5 s.
. tests/integration/lib.sh
stack_start
export GITHUB_REPOSITORY=octo/cancel INPUT_AMI=ami-0123456789abcdef0 INPUT_IDLE_TIME_SEC=600
# One pool for the modes run directly and those through the entrypoint
# (which would otherwise take the repository's own, octo-cancel).
export EC2RP_POOL=ec2-runner-pool
export EC2RP_COLD_TIMEOUT_SEC=30 EC2RP_WARM_TIMEOUT_SEC=20 EC2RP_RELEASE_TIMEOUT_SEC=4 EC2RP_ORPHAN_GRACE_SEC=0

gone_within() { # TENTHS PID
	_i=0
	while kill -0 "$2" 2>/dev/null; do
		[ $_i -lt "$1" ] || return 1
		sleep 0.1
		_i=$((_i + 1))
	done
}
# runner_cancel PID: the runner's sequence; prints the signal after which
# the step ended (INT, TERM or KILL).
runner_cancel() {
	kill -INT "$1" 2>/dev/null; gone_within 75 "$1" && { echo INT; return; }
	kill -TERM "$1" 2>/dev/null; gone_within 25 "$1" && { echo TERM; return; }
	kill -KILL "$1" 2>/dev/null
	echo KILL
}
held() { [ "$(sim GET /faults | jq -r .holding)" -ge 1 ]; }
hold() { # SERVICE ACTION [AFTER]
	sim POST /faults "{\"next\":[{\"service\":\"$1\",\"action\":\"$2\",\"after\":${3:-0},\"holdMs\":3000,\"key\":\"$AWS_ACCESS_KEY_ID\"}]}" >/dev/null
}
# cancel_at RUN CLASS PHASE SERVICE ACTION [AFTER]: a provision of 1 for
# RUN, cancelled while the phase's request is held.
cancel_at() {
	_run=$1 _class=$2 _phase=$3
	shift 3
	hold "$@"
	C=$T_TMP/err.$_run
	# A shell starts a background command with SIGINT ignored (and then
	# no trap can take it); the runner's child has it as default. A
	# subshell of its own reaps it, so that its end shows (no zombie).
	rm -f "$T_TMP/pid.$_run" "$T_TMP/rc.$_run"
	(
		env --default-signal=INT GITHUB_RUN_ID=$_run INPUT_MODE=provision INPUT_RESOURCE_CLASS=$_class INPUT_INSTANCE_COUNT=1 \
			GITHUB_STEP_SUMMARY=$T_TMP/sum.$_run GITHUB_OUTPUT=$T_TMP/out.$_run GITHUB_ACTIONS=true \
			ec2rp-entrypoint > "$T_TMP/stdout.$_run" 2> "$C" &
		echo $! > "$T_TMP/pid.$_run"
		wait $!
		echo $? > "$T_TMP/rc.$_run"
	) &
	_bg=$!
	wait_for 5 test -s "$T_TMP/pid.$_run"
	_pid=$(cat "$T_TMP/pid.$_run")
	check_with "$C" "$_phase (run $_run): its request is held" wait_for 90 held
	t0=$(date +%s%N)
	_by=$(runner_cancel "$_pid")
	echo "# $_phase: ended after SIG$_by, $((($(date +%s%N) - t0) / 1000000)) ms after SIGINT"
	check_with "$C" "$_phase (run $_run): cancelled, the step ends after SIGINT, within 7.5 s" [ "$_by" = INT ]
	wait "$_bg"
	check_with "$C" "$_phase (run $_run): it failed, with no output (nothing handed out)" \
		sh -c "[ \"\$(cat $T_TMP/rc.$_run)\" -ne 0 ] && [ ! -s $T_TMP/out.$_run ] && [ ! -s $T_TMP/stdout.$_run ]"
	sim POST /reset-faults >/dev/null
}
# left RUN: records of RUN that are not terminated.
left() { state-scan --run-id "$1" 2>/dev/null | grep -v '	terminated	'; }
# none_running RUN: EC2 runs nothing launched for RUN.
none_running() { ! ec2-list --run-id "$1" --state pending,running >/dev/null 2>&1; }
# in_pool ID: the large pool's queue holds ID (popped and pushed back).
in_pool() {
	_want=$1
	pool-pop --resource-class large --max 100 > "$T_TMP/q" 2>/dev/null
	while IFS="$(printf '\t')" read -r i type usage repo; do
		set -- --resource-class large --instance-type "$type" --usage-class "$usage"
		[ "$repo" = - ] || set -- "$@" --repository "$repo"
		pool-push "$@" "$i" >/dev/null
	done < "$T_TMP/q"
	grep -q "^$_want	" "$T_TMP/q"
}
idle_unowned() { [ "$(state-get --consistent "$1" | cut -f2,3)" = "idle	-" ]; }

expect 0 "refresh sets the pool up" ec2rp-refresh
expect 0 "provision 1 (the instance the pool will hold)" env GITHUB_RUN_ID=500 ec2rp-provision
P=$(head -n 1 "$T_OUT")
expect 0 "release it" env GITHUB_RUN_ID=500 ec2rp-release
check_with "$T_TMP/q" "it is back in the large pool" wait_for 20 in_pool "$P"

# The phases that can only take from the pool (large: the pool holds P).
cancel_at 501 large "the configuration read" dynamodb BatchGetItem
check "nothing of run 501 recorded" [ -z "$(left 501)" ]
check "P still in the pool" in_pool "$P"

cancel_at 502 large "the pool pop" sqs ReceiveMessage
check_with "$T_TMP/err.502" "the popped instance went back into the pool" in_pool "$P"
check "its record is idle, unowned" idle_unowned "$P"

# UpdateItems: the run's index item, the candidates' names in it, the claim.
cancel_at 503 large "the claim's conditional write" dynamodb UpdateItem 2
check_with "$T_TMP/err.503" "the claim was won before the cancel took effect" grep -q "$P | claimed | returned to the pool" "$T_TMP/sum.503"
check "the claimed instance is idle and unowned again, not terminated" idle_unowned "$P"
check_with "$T_TMP/err.503" "and back in the pool" wait_for 20 in_pool "$P"
expect 0 "the next provision gets it from the pool" env GITHUB_RUN_ID=504 ec2rp-provision
check "the same instance" [ "$(head -n 1 "$T_OUT")" = "$P" ]
expect 0 "release run 504" env GITHUB_RUN_ID=504 ec2rp-release
check "back in the pool" wait_for 20 in_pool "$P"
cancel_at 508 large "the run index write of the candidates" dynamodb UpdateItem 1
check_with "$T_TMP/err.508" "the popped instance went back into the pool, unclaimed" in_pool "$P"
check "its record is idle, unowned" idle_unowned "$P"

# The phases of a creation (xlarge: its pool is empty).
cancel_at 505 xlarge "the launch (CreateFleet)" ec2 CreateFleet
check "what the fleet launched is terminated" wait_for 10 none_running 505
cancel_at 506 xlarge "the token write (BatchWriteItem)" dynamodb BatchWriteItem
check "the created instance is terminated" wait_for 10 none_running 506
check "its record is terminated" [ -z "$(left 506)" ]
# UpdateItems: the run's index item, the new instances' names, the mark.
cancel_at 507 xlarge "the mark running" dynamodb UpdateItem 2
check "the registered instance is terminated" wait_for 10 none_running 507
check "its record is terminated" [ -z "$(left 507)" ]
cancel_at 509 xlarge "the run index write of the new instances" dynamodb UpdateItem 1
check "the launched instance is terminated" wait_for 10 none_running 509
check "no record of it but a terminated one" [ -z "$(left 509)" ]

# What the workflow does next: its if: always() release, then the next
# refresh. Nothing stays running, billed or recorded for the cancelled runs.
for r in 501 502 503 505 506 507 508 509; do
	expect 0 "run $r: the if: always() release" env GITHUB_RUN_ID=$r ec2rp-release
done
expect 0 "the next refresh" ec2rp-refresh
for r in 501 502 503 505 506 507 508 509; do
	check "run $r: nothing running in EC2, no record but terminated ones" sh -c "$(command -v ec2-list) --run-id $r --state pending,running >/dev/null 2>&1; [ \$? -ne 0 ] && [ -z \"\$(state-scan --run-id $r 2>/dev/null | grep -v '	terminated	')\" ]"
done
check "P was never terminated" idle_unowned "$P"
. tests/integration/invariants.sh
inv_settled large xlarge
done_testing

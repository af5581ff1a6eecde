#!/bin/sh
# Spot interruptions: EC2's notice in instance metadata (spot/instance-action,
# or a rebalance recommendation). An idle instance leaves the pool at once
# and a provision that raced for it fails over fast; a running one keeps its
# job, is reported by its release, and does not go back into the pool;
# refresh reports what was interrupted.
. tests/integration/lib.sh
stack_start
export GITHUB_REPOSITORY=octo/spot INPUT_AMI=ami-0123456789abcdef0 INPUT_IDLE_TIME_SEC=600 INPUT_USAGE_CLASS=spot
export EC2RP_COLD_TIMEOUT_SEC=60 EC2RP_ORPHAN_GRACE_SEC=0 EC2RP_SPOT_POLL_SEC=1

# gone ID: EC2 is ending or has ended it. signal_is ID "SIGNAL<TAB>RUN".
gone() { sim GET /instances | jq -e --arg id "$1" '.[] | select(.id == $id) | .state | test("shutting-down|terminated")' >/dev/null; }
signal_is() { [ "$(state-get --kind signal "$1" 2>/dev/null | cut -f2,3)" = "$2" ]; }
interrupt() { sim POST /spot-interrupt "{\"id\":\"$1\",\"seconds\":${2:-120}${3:+,\"rebalanceOnly\":true}}" >/dev/null; }

mkdir -p "$T_TMP/gh"
export GITHUB_STEP_SUMMARY=$T_TMP/gh/summary
expect 0 "refresh" ec2rp-refresh
expect 0 "provision 2 spot instances" env GITHUB_RUN_ID=771 INPUT_INSTANCE_COUNT=2 ec2rp-provision
A=$(sed -n 1p "$T_OUT"); B=$(sed -n 2p "$T_OUT")
expect 0 "release them" env GITHUB_RUN_ID=771 ec2rp-release
check "both back in the pool" wait_for 20 pooled large 2

# 1. Idle: it leaves the pool at once, its signal kept.
interrupt "$A"
check "the idle one signals spot-interrupted, serving no run" wait_for 15 signal_is "$A" "spot-interrupted	-"
check "and ends itself, before EC2's two minutes" wait_for 15 gone "$A"
start=$(date +%s)
expect 0 "a provision of 1 afterwards" env GITHUB_RUN_ID=772 ec2rp-provision
took=$(($(date +%s) - start))
check "gets the other one ($B)" [ "$(cat "$T_OUT")" = "$B" ]
check "fast: a claim of the interrupted one fails at once, not after the warm timeout ($took s)" [ "$took" -lt 30 ]

# 2. Running: the job goes on; release reports it; it does not go back.
interrupt "$B" 60
check "the running one signals spot-interrupted for run 772" wait_for 15 signal_is "$B" "spot-interrupted	772"
check "its runner is still online for 772" [ "$(gh-runner list --label 772 --status online 2>/dev/null | grep -c .)" -eq 1 ]
expect 0 "release 772" env GITHUB_RUN_ID=772 ec2rp-release
check "release reports the interruption" err_has "$B: EC2 interrupted this spot instance while it served run 772"
check "in the step summary too" grep -q "| $B | interrupted by EC2 (spot) while serving this run: spot interruption:" "$GITHUB_STEP_SUMMARY"
check "it ends instead of going back into the pool" wait_for 20 gone "$B"
check "its agent said so" grep -q "spot interruption: not returned to the pool" "$SIM_DIR/instances/$B/console.log"

# 3. A rebalance recommendation alone: an idle instance leaves too.
expect 0 "provision 1 more" env GITHUB_RUN_ID=773 ec2rp-provision
C=$(cat "$T_OUT")
expect 0 "release it" env GITHUB_RUN_ID=773 ec2rp-release
check "back in the pool" wait_for 20 pooled large 1
interrupt "$C" 120 rebalance
check "a rebalance recommendation: spot-interrupted too" wait_for 15 sh -c "state-get --kind signal $C | cut -f2,5 | grep -q '^spot-interrupted	spot rebalance recommendation'"
check "and it leaves the pool" wait_for 15 gone "$C"

# 4. refresh reports what was interrupted.
: > "$GITHUB_STEP_SUMMARY"
expect 0 "refresh" ec2rp-refresh
check "reports the idle one that left the pool" grep -q "$C: interrupted by EC2 (spot) while serving no run (it left the pool)" "$GITHUB_STEP_SUMMARY"
model_check
done_testing

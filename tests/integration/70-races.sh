#!/bin/sh
# Many concurrent provisions against a pool smaller than their demand, with
# releases running at the same time, over several rounds with random timing.
. tests/integration/lib.sh
. tests/integration/invariants.sh
stack_start
export GITHUB_REPOSITORY=octo/race INPUT_AMI=ami-0123456789abcdef0 INPUT_IDLE_TIME_SEC=600
export EC2RP_COLD_TIMEOUT_SEC=60 EC2RP_WARM_TIMEOUT_SEC=20 EC2RP_RELEASE_TIMEOUT_SEC=20 EC2RP_ORPHAN_GRACE_SEC=0
ROUNDS=${RACE_ROUNDS:-3}
ec2rp-refresh >/dev/null 2>&1
# Seed the pool with 6 idle instances.
GITHUB_RUN_ID=seed INPUT_INSTANCE_COUNT=6 ec2rp-provision >/dev/null 2>&1
GITHUB_RUN_ID=seed ec2rp-release >/dev/null 2>&1
claims=0 created=0 runs=0 failed=""
prev=""
for round in $(seq "$ROUNDS"); do
	live=$T_TMP/live.$round
	mkdir -p "$live"
	# 10 provisions of 1-3 each (demand 10-30, pool 6+), staggered at random,
	# while the previous round's runs are being released.
	for r in $(seq 1 10); do
		run="r$round-$r"
		n=$(( ($(od -An -N1 -tu1 /dev/urandom) % 3) + 1 ))
		( sleep "0.$(od -An -N1 -tu1 /dev/urandom | tr -d ' ' | cut -c1)"
		  GITHUB_RUN_ID=$run INPUT_INSTANCE_COUNT=$n ec2rp-provision > "$live/$run" 2> "$T_TMP/err.$run" \
			|| { echo "$run" >> "$T_TMP/failed"; rm -f "$live/$run"; } ) &
	done
	for run in $prev; do ( GITHUB_RUN_ID=$run ec2rp-release >/dev/null 2> "$T_TMP/err.release-$run" ) & done
	wait
	inv_no_double "$live"
	inv_running_signalled
	claims=$((claims + $(cat "$T_TMP"/err.r"$round"-* | sed -n 's/.*claimed \([0-9]*\) of.*/\1/p' | awk '{ s += $1 } END { print s + 0 }')))
	created=$((created + $(cat "$T_TMP"/err.r"$round"-* | sed -n 's/.*== create \([0-9]*\)$/\1/p' | awk '{ s += $1 } END { print s + 0 }')))
	runs=$((runs + 10))
	prev=$(ls "$live")
done
for run in $prev; do ( GITHUB_RUN_ID=$run ec2rp-release >/dev/null 2> "$T_TMP/err.release-$run" ) & done
wait
[ -f "$T_TMP/failed" ] && failed=$(cat "$T_TMP/failed")
# shellcheck disable=SC2086
inv_failed_clean $failed
expect 0 "refresh after the rounds" ec2rp-refresh
inv_settled large
echo "# races: $ROUNDS rounds, $runs provisions ($(echo $failed | wc -w) failed), $claims claims from the pool, $created created, double claims: ${INV_DOUBLES:-0}, leaks: ${INV_LEAKS:-0}, unsignalled: ${INV_UNSIGNALLED:-0}"
done_testing

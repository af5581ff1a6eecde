#!/bin/sh
# Wake queues do not pile up: refresh deletes the wake queue (POOL-wake-ID)
# of an instance that both EC2 and the table prove gone, pages ListQueues,
# and deletes nothing when a read it decides on fails.
. tests/integration/lib.sh
stack_start
# Under the documented policies: refresh's listing and deletions are allowed.
sim POST /iam '{"pool":"ec2-runner-pool"}' >/dev/null
export GITHUB_REPOSITORY=octo/wake INPUT_AMI=ami-0123456789abcdef0 INPUT_IDLE_TIME_SEC=600
export EC2RP_COLD_TIMEOUT_SEC=15 EC2RP_WARM_TIMEOUT_SEC=10 EC2RP_ORPHAN_GRACE_SEC=0 AWS_MAX_ATTEMPTS=2

queues() { pool-wake list 2>/dev/null | cut -f1 | sort | tr '\n' ' '; }
lists() { sim GET /calls | grep -c '"action": "ListQueues"'; }

expect 0 "refresh sets the pool up" ec2rp-refresh
expect 0 "provision 2 for run 300" env GITHUB_RUN_ID=300 INPUT_INSTANCE_COUNT=2 ec2rp-provision
A=$(sed -n 1p "$T_OUT") B=$(sed -n 2p "$T_OUT")
live=$(printf '%s\n' "$A" "$B" | sort | tr '\n' ' ')
check "each agent made its wake queue" [ "$(queues)" = "$live" ]

# Queues of instances that are gone (never in EC2, no record), one with a
# live record (idle, not in EC2: not proven gone), and a name that only
# starts like a wake queue.
G1=i-0aaaaaaaaaaaaaaa1 G2=i-0aaaaaaaaaaaaaaa2 G3=i-0aaaaaaaaaaaaaaa3 R=i-0bbbbbbbbbbbbbbb1
expect 0 "three queues of gone instances and one of a recorded one" pool-init wake-$G1 wake-$G2 wake-$G3 wake-$R
expect 0 "a queue whose name only starts like one" pool-init "wake-$G1-large"
expect 0 "a live record for $R" state-cas --threshold-in 600 --resource-class large "$R" none idle
all=$(printf '%s\n' "$A" "$B" $G1 $G2 $G3 $R | sort | tr '\n' ' ')
l0=$(lists)
expect 0 "pool-wake list, 2 a page" pool-wake list --page 2
check "lists all six wake queues, every page" [ "$(cut -f1 "$T_OUT" | sort | tr '\n' ' ')" = "$all" ]
check "and not the look-alike" sh -c "! grep -q -- '-large' '$T_OUT'"
check "in three pages or more ($(($(lists) - l0)))" [ $(($(lists) - l0)) -ge 3 ]
expect 2 "pool-wake refuses a page over 1000" pool-wake list --page 1001
expect 2 "pool-wake refuses a bad id, before any request" pool-wake delete i-zz

# A refresh whose EC2 read fails deletes nothing (it stops before).
sim POST /faults '{"next":[{"service":"ec2","action":"DescribeInstances","count":1000,"code":"InternalError","status":500}]}' >/dev/null
expect 4 "refresh with DescribeInstances failing stops" ec2rp-refresh
sim POST /reset-faults >/dev/null
check "no queue deleted" [ "$(queues)" = "$all" ]
check "no DeleteQueue sent" sh -c "! sim GET /calls 2>/dev/null | grep -q '\"action\": \"DeleteQueue\"'"
# One whose listing fails deletes none and goes on.
sim POST /faults '{"next":[{"service":"sqs","action":"ListQueues","count":1000,"code":"InternalError","status":500}]}' >/dev/null
expect 0 "refresh with ListQueues failing goes on" ec2rp-refresh
sim POST /reset-faults >/dev/null
check "says so" err_has "could not list the wake queues"
check "no queue deleted" [ "$(queues)" = "$all" ]

expect 0 "refresh with healthy reads" ec2rp-refresh
check "deletes the three of gone instances" err_has "deleted 3 wake queue(s)"
keep=$(printf '%s\n' "$A" "$B" $R | sort | tr '\n' ' ')
check "keeps the live instances' and the recorded one's" [ "$(queues)" = "$keep" ]
check "and the look-alike" sh -c "pool-init wake-$G1-large | grep -q unchanged"
expect 0 "refresh again" ec2rp-refresh
check "deletes none" sh -c "! grep -q 'deleted .* wake queue' '$T_ERR'"

# An instance that ends: its record retired, EC2 no longer runs it.
expect 0 "release run 300" env GITHUB_RUN_ID=300 ec2rp-release
expect 0 "$A is terminated (as refresh ends an expired one)" state-cas "$A" idle terminated
expect 0 "and ends in EC2" ec2-terminate --pool ec2-runner-pool "$A"
expect 0 "$R's record is retired too" state-cas "$R" idle terminated
expect 0 "refresh" ec2rp-refresh
check "deletes the two" err_has "deleted 2 wake queue(s)"
check "only $B's is left" [ "$(queues)" = "$B " ]
expect 0 "pool-wake delete of a queue that is gone" pool-wake delete "$A"
check "says absent" out_has "$A	absent"
# Several at once: one GetQueueUrl, the other URLs from its answer (only
# the name differs); a URL SQS refuses is asked for after all.
ncalls() { sim GET /calls | jq --arg a "$1" '[.[] | select(.action == $a)] | length'; }
W1=i-0ccccccccccccccc1 W2=i-0ccccccccccccccc2 W3=i-0ccccccccccccccc3 W4=i-0ccccccccccccccc4
expect 0 "four more wake queues" pool-init wake-$W1 wake-$W2 wake-$W3 wake-$W4
g0=$(ncalls GetQueueUrl) d0=$(ncalls DeleteQueue)
expect 0 "pool-wake delete of three" pool-wake delete $W1 $W2 $W3
check "all three deleted" [ "$(grep -c '	deleted$' "$T_OUT")" -eq 3 ]
check "one GetQueueUrl for the three ($(($(ncalls GetQueueUrl) - g0)))" [ "$(($(ncalls GetQueueUrl) - g0))" -eq 1 ]
check "three DeleteQueue" [ "$(($(ncalls DeleteQueue) - d0))" -eq 3 ]
W5=i-0ccccccccccccccc5
expect 0 "one more" pool-init wake-$W5
sim POST /faults '{"next":[{"service":"sqs","action":"DeleteQueue","after":1,"count":1,"code":"AccessDenied","status":403}]}' >/dev/null
g0=$(ncalls GetQueueUrl)
expect 0 "pool-wake delete of two, the second's derived URL refused" pool-wake delete $W4 $W5
sim POST /reset-faults >/dev/null
check "the refused one asked for with GetQueueUrl (2 in all)" [ "$(($(ncalls GetQueueUrl) - g0))" -eq 2 ]
check "both deleted" [ "$(grep -c '	deleted$' "$T_OUT")" -eq 2 ]
check "none of the five left" sh -c "! pool-wake list 2>/dev/null | grep -q 0ccccccccccccccc"
refused=$(sim GET /iam | jq '[.refusals[] | select(.principal | test("assumed-role/[^/]+/i-") | not)] | length')
check "the controlplane was never refused ($refused)" [ "$refused" -eq 0 ]
done_testing

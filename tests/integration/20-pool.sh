#!/bin/sh
# The pool tools against SQS (fauxqs behind the signing front).
. tests/integration/lib.sh
stack_start

expect 0 "pool-init creates queues" pool-init large small
check "both created" sh -c "[ \$(grep -c '	created$' $T_OUT) -eq 2 ]"
expect 0 "pool-init again" pool-init large
check "unchanged the second time" out_has "unchanged"
expect 1 "pop from an empty queue: exit 1" pool-pop --resource-class large
check "nothing printed" [ ! -s "$T_OUT" ]

expect 0 "push two on-demand m5" pool-push --resource-class large --instance-type m5.xlarge --usage-class on-demand \
	i-00000000000000001 i-00000000000000002
expect 0 "push one spot c5" pool-push --resource-class large --instance-type c5.xlarge --usage-class spot i-00000000000000003
expect 0 "pop filtered by type glob" pool-pop --resource-class large --max 10 --instance-types 'm5.*' --requeue-delay 2
check "two m5 candidates" [ "$(lines "$T_OUT")" -eq 2 ]
check "candidate line shape" out_has "i-00000000000000001	m5.xlarge	on-demand"
expect 1 "the spot one was put back with a delay" pool-pop --resource-class large --max 10
sleep 2.5
expect 0 "after the delay it is there" pool-pop --resource-class large --usage-class spot
check "the spot candidate" out_has "i-00000000000000003	c5.xlarge	spot"

# Duplicates (at-least-once) give one candidate; malformed messages are dropped.
pool-push --resource-class large --instance-type m5.xlarge i-00000000000000004 >/dev/null
pool-push --resource-class large --instance-type m5.xlarge i-00000000000000004 >/dev/null
expect 0 "a duplicated message yields one candidate" pool-pop --resource-class large --max 5
check "one line for the duplicated instance" [ "$(lines "$T_OUT")" -eq 1 ]
expect 1 "and the duplicate was consumed" pool-pop --resource-class large --max 5

# Concurrent pops never hand one message to two poppers.
ids=""
for i in $(seq 10 29); do ids="$ids i-000000000000000$i"; done
# shellcheck disable=SC2086
pool-push --resource-class small --instance-type t3.medium $ids >/dev/null
for p in 1 2 3 4; do pool-pop --resource-class small --max 10 > "$T_TMP/pop.$p" 2>/dev/null & done
wait
total=$(cat "$T_TMP"/pop.* | wc -l)
uniq=$(cat "$T_TMP"/pop.* | cut -f1 | sort -u | wc -l)
check "4 concurrent poppers got 20 distinct candidates (got $total, $uniq distinct)" [ "$total" -eq 20 ] && [ "$uniq" -eq 20 ]

expect 2 "bad glob" pool-pop --resource-class large --instance-types 'm5.*;rm'
check "names the option" err_has "--instance-types"
expect 2 "missing class" pool-pop --max 2
expect 2 "max out of range" pool-pop --resource-class large --max 0
expect 2 "bad instance id" pool-push --resource-class large i-nothex
expect 2 "bad usage class" pool-push --resource-class large --usage-class cheap i-00000000000000001
expect 2 "bad class name" pool-init 'Large!'
expect 3 "a class with no queue is refused" pool-pop --resource-class nosuch
sim POST /faults '{"next":[{"service":"sqs","action":"ReceiveMessage","count":2,"code":"ThrottlingException","status":400}]}' >/dev/null
expect 1 "throttled receives are retried (then: empty)" pool-pop --resource-class large
done_testing

#!/bin/sh
# The pool tools (pool-init, pool-push, pool-pop) against SQS (fauxqs behind
# the signing front).
. tests/integration/lib.sh
stack_start

# sqs_raw OP JSON: one signed SQS call made outside our tools (node and
# @smithy/signature-v4, as the stack's own tests do): to put the queues into
# states our tools never make.
sqs_raw() {
	node -e '
const { Stack, loadEnv } = require(process.cwd() + "/tests/sim/testlib.js");
const s = Object.create(Stack.prototype);
s.env = loadEnv(process.env.SIM_DIR);
s.ca = require("fs").readFileSync(s.env.AWS_CA_BUNDLE);
s.sqs(process.argv[1], JSON.parse(process.argv[2])).then((r) => {
	process.stdout.write(r.body + "\n");
	process.exit(r.status === 200 ? 0 : 1);
});' "$1" "$2"
}
# calls ACTION: how many calls of ACTION the stack has seen so far.
calls() { sim GET /calls | grep -c "\"action\": \"$1\""; }

# --- pool-init
expect 0 "pool-init creates queues" pool-init large small
check "both created, one line each" [ "$(grep -c '	created$' "$T_OUT")" -eq 2 ]
check "line shape: class, queue url, result" grep -q '^large	http[^	]*/ec2-runner-pool-large	created$' "$T_OUT"
URL=$(grep '^large' "$T_OUT" | cut -f2)
expect 0 "the queue has the pool's settings" sqs_raw GetQueueAttributes \
	"{\"QueueUrl\":\"$URL\",\"AttributeNames\":[\"MessageRetentionPeriod\",\"ReceiveMessageWaitTimeSeconds\"]}"
check "14 days retention, no default wait" sh -c "grep -q '\"MessageRetentionPeriod\":\"1209600\"' $T_OUT &&
	grep -q '\"ReceiveMessageWaitTimeSeconds\":\"0\"' $T_OUT"
expect 0 "pool-init again" pool-init large
check "unchanged the second time" out_has "large	$URL	unchanged"
sqs_raw SetQueueAttributes "{\"QueueUrl\":\"$URL\",\"Attributes\":{\"ReceiveMessageWaitTimeSeconds\":\"20\"}}" >/dev/null
expect 0 "a queue changed behind our back" pool-init --json large
check "is corrected (JSON Lines)" out_has "{\"resourceClass\":\"large\",\"queueUrl\":\"$URL\",\"result\":\"updated\"}"
sqs_raw GetQueueAttributes "{\"QueueUrl\":\"$URL\",\"AttributeNames\":[\"ReceiveMessageWaitTimeSeconds\"]}" > "$T_TMP/attrs"
check "the wait is 0 again" grep -q '"ReceiveMessageWaitTimeSeconds":"0"' "$T_TMP/attrs"
sqs_raw CreateQueue '{"QueueName":"ec2-runner-pool-odd","Attributes":{"MessageRetentionPeriod":"60"}}' >/dev/null
expect 0 "an existing queue with other settings" pool-init odd
check "is updated, not refused" out_has "	updated"

# --- pool-push
expect 1 "pop from an empty queue: exit 1" pool-pop --resource-class large
check "nothing printed" [ ! -s "$T_OUT" ]
expect 0 "push two on-demand m5" pool-push --resource-class large --instance-type m5.xlarge --usage-class on-demand \
	i-00000000000000001 i-00000000000000002
check "one line per instance sent: id and message id" sh -c "[ \$(grep -c '^i-0000000000000000[12]	[0-9a-f-]\{8,\}\$' $T_OUT) -eq 2 ]"
expect 0 "push one spot c5 (JSON Lines)" pool-push --json --resource-class large --instance-type c5.xlarge \
	--usage-class spot i-00000000000000003
check "its JSON line" grep -q '^{"instanceId":"i-00000000000000003","messageId":"[^"]*"}$' "$T_OUT"

# --- pool-pop: filters, requeue, JSON
expect 0 "pop filtered by type glob" pool-pop --resource-class large --max 10 --instance-types 'm5.*' --requeue-delay 2
check "two m5 candidates" [ "$(lines "$T_OUT")" -eq 2 ]
check "candidate line shape" out_has "i-00000000000000001	m5.xlarge	on-demand"
expect 1 "the spot one was put back with a delay" pool-pop --resource-class large --max 10 --wait 0
sleep 2.5
expect 0 "after the delay it is there" pool-pop --json --resource-class large --usage-class spot
check "the whole message as JSON" grep -q \
	'^{"instanceId":"i-00000000000000003","instanceType":"c5.xlarge","usageClass":"spot","resourceClass":"large","pushedAt":[0-9]*}$' "$T_OUT"

# A mismatch put back without delay comes straight back: the pop stops
# (seen twice) and the message survives every round.
pool-push --resource-class large --instance-type c5.large i-0000000000000000c >/dev/null
expect 1 "requeue-delay 0: no match, stops on the returning message" timeout 10 \
	pool-pop --resource-class large --max 3 --instance-types 'r6i.*' --requeue-delay 0
expect 0 "and the message was not lost" pool-pop --resource-class large
check "it is the c5" out_has "i-0000000000000000c	c5.large	-"

# Duplicates (at-least-once) give one candidate.
pool-push --resource-class large --instance-type m5.xlarge i-00000000000000004 >/dev/null
pool-push --resource-class large --instance-type m5.xlarge i-00000000000000004 >/dev/null
expect 0 "a duplicated message yields one candidate" pool-pop --resource-class large --max 5
check "one line for the duplicated instance" [ "$(lines "$T_OUT")" -eq 1 ]
expect 1 "and the duplicate was consumed" pool-pop --resource-class large --max 5

# Malformed messages and messages of another class are deleted with a log line.
sqs_raw SendMessage "{\"QueueUrl\":\"$URL\",\"MessageBody\":\"not json at all\"}" >/dev/null
sqs_raw SendMessage "{\"QueueUrl\":\"$URL\",\"MessageBody\":\"{\\\"instanceId\\\":\\\"i-0000000000000000d\\\",\\\"resourceClass\\\":\\\"small\\\"}\"}" >/dev/null
pool-push --resource-class large i-0000000000000000e >/dev/null
expect 0 "malformed and misplaced messages around a good one" pool-pop --resource-class large --max 5
check "only the good one is a candidate" sh -c "[ \$(wc -l < $T_OUT) -eq 1 ] && grep -q '^i-0000000000000000e	-	-	-\$' $T_OUT"
check "the malformed one is logged" err_has "malformed pool message"
check "the misplaced one is logged" err_has "i-0000000000000000d"
expect 1 "both were deleted" pool-pop --resource-class large --max 5
sqs_raw SendMessage "{\"QueueUrl\":\"$URL\",\"MessageBody\":\"{}\"}" >/dev/null
pool-push --resource-class large i-0000000000000001e >/dev/null
expect 0 "a malformed message first does not end the search (--max 1)" pool-pop --resource-class large
check "the good one behind it" out_has "i-0000000000000001e"

# --- batches and request counts
ids=""
for i in $(seq 10 34); do ids="$ids i-000000000000000$i"; done
# --- repositories: same-repository reuse filters on the message's repository
pool-init repo >/dev/null
expect 0 "push two instances last used by two repositories" sh -c \
	'pool-push --resource-class repo --repository octo/a i-0000000000000000a && pool-push --resource-class repo --repository octo/b i-0000000000000000b'
expect 0 "pop for octo/b" pool-pop --resource-class repo --max 2 --repository octo/b --requeue-delay 0
check "gets only octo/b's instance, with its repository" [ "$(cat "$T_OUT")" = "i-0000000000000000b	-	-	octo/b" ]
expect 1 "octo/c gets nothing" pool-pop --resource-class repo --max 2 --repository octo/c --requeue-delay 0
expect 0 "octo/a's message survived both" pool-pop --resource-class repo --max 2
check "it is octo/a's" [ "$(cat "$T_OUT")" = "i-0000000000000000a	-	-	octo/a" ]
expect 2 "push: a repository without an owner" pool-push --resource-class repo --repository app i-0000000000000000a
expect 2 "pop: a repository with a space" pool-pop --resource-class repo --repository 'octo/a b'

before=$(calls SendMessageBatch)
# shellcheck disable=SC2086
expect 0 "push 25 instances" pool-push --resource-class small --instance-type t3.medium $ids
check "25 lines" [ "$(lines "$T_OUT")" -eq 25 ]
check "in 3 SendMessageBatch calls" [ "$(($(calls SendMessageBatch) - before))" -eq 3 ]
before=$(calls ReceiveMessage)
expect 0 "pop 5 without filters" pool-pop --resource-class small --max 5
check "5 candidates" [ "$(lines "$T_OUT")" -eq 5 ]
check "in one ReceiveMessage (no more than needed)" [ "$(($(calls ReceiveMessage) - before))" -eq 1 ]

# Concurrent pops never hand one message to two poppers.
for p in 1 2 3 4; do pool-pop --resource-class small --max 10 > "$T_TMP/pop.$p" 2>/dev/null & done
wait
total=$(cat "$T_TMP"/pop.* | wc -l)
uniq=$(cat "$T_TMP"/pop.* | cut -f1 | sort -u | wc -l)
check "4 concurrent poppers got the other 20, distinct (got $total, $uniq distinct)" test "$total" -eq 20 -a "$uniq" -eq 20

# --- faults
pool-push --resource-class large i-0000000000000000f >/dev/null
sim POST /faults '{"next":[{"service":"sqs","action":"ReceiveMessage","count":2,"code":"ThrottlingException","status":400}]}' >/dev/null
expect 0 "throttled receives are retried, then succeed" pool-pop --resource-class large
check "with the candidate" out_has "i-0000000000000000f"
sim POST /faults '{"next":[{"service":"sqs","action":"SendMessageBatch","count":2,"code":"InternalFailure"}]}' >/dev/null
expect 0 "push: 5xx retried, then sent" pool-push --resource-class large i-00000000000000010
expect 0 "the message is there" pool-pop --resource-class large
sim POST /faults '{"next":[{"service":"sqs","action":"ReceiveMessage","count":5,"code":"ThrottlingException","status":400}]}' >/dev/null
expect 4 "throttled beyond AWS_MAX_ATTEMPTS: exit 4" env AWS_MAX_ATTEMPTS=2 pool-pop --resource-class large
sim POST /reset-faults >/dev/null
expect 3 "pop: a class with no queue is refused" pool-pop --resource-class nosuch
check "the error names the queue" err_has "queue"
expect 3 "push: a class with no queue is refused" pool-push --resource-class nosuch i-00000000000000001
sim POST /faults '{"next":[{"service":"sqs","action":"SendMessageBatch","code":"AccessDenied","status":403}]}' >/dev/null
expect 3 "push refused: exit 3" pool-push --resource-class large i-00000000000000011
check "and said so" err_has "AccessDenied"

# A failure after candidates were taken: they are still printed (their
# messages are gone), exit 0, and what was not taken stays in the queue.
pool-init early >/dev/null
first10=$(echo "$ids" | cut -d' ' -f2-11)
# shellcheck disable=SC2086
pool-push --resource-class early --instance-type m5.large $first10 >/dev/null
pool-push --resource-class early --instance-type c5.large i-00000000000000099 >/dev/null
sim POST /faults '{"next":[{"service":"sqs","action":"SendMessageBatch","code":"AccessDenied","status":403}]}' >/dev/null
expect 0 "a failing second round after 10 taken" pool-pop --resource-class early --max 20 --instance-types 'm5.*'
check "the 10 taken are printed" [ "$(lines "$T_OUT")" -eq 10 ]
check "the failure is logged" err_has "stopped early"
sim POST /reset-faults >/dev/null

# --- bad input: exit 2, no request made
before=$(sim GET /calls | grep -c '"action"')
expect 2 "bad glob" pool-pop --resource-class large --instance-types 'm5.*;rm'
check "names the option" err_has "--instance-types"
expect 2 "missing class" pool-pop --max 2
check "says the class is required" err_has "--resource-class is required"
expect 2 "max out of range" pool-pop --resource-class large --max 0
check "names --max" err_has "--max"
expect 2 "wait out of range" pool-pop --resource-class large --wait 21
expect 2 "stray argument" pool-pop --resource-class large extra
expect 2 "bad instance id" pool-push --resource-class large i-nothex
check "names the id" err_has "i-nothex"
expect 2 "bad usage class" pool-push --resource-class large --usage-class cheap i-00000000000000001
expect 2 "bad instance type" pool-push --resource-class large --instance-type 'M5.X' i-00000000000000001
expect 2 "delay out of range" pool-push --resource-class large --delay 901 i-00000000000000001
expect 2 "no ids" pool-push --resource-class large
expect 2 "bad class name" pool-init 'Large!'
expect 2 "bad pool name" env EC2RP_POOL='a b' pool-init large
check "no request was made by any of them" [ "$(sim GET /calls | grep -c '"action"')" -eq "$before" ]
done_testing

#!/bin/sh
# runner-wait against the local stack: every reason an instance is not ready,
# waiting for a signal that comes late, one strongly consistent BatchGetItem a
# round (two past 50 instances), retries inside the wait, refusals, bad input.
. tests/integration/lib.sh
stack_start

A="i-0000000000000a001"
B="i-0000000000000a002"
C="i-0000000000000a003"

# calls ACTION: how many calls of ACTION the stack has seen.
calls() { sim GET /calls | grep -c "\"action\": \"$1\""; }
# ready ID RUN [SIGNAL]: the instance signals for RUN and heartbeats now.
ready() { state-put signal "$1" "${3:-registered}" --run-id "$2" >/dev/null && state-put heartbeat "$1" >/dev/null; }
now_ms() { date +%s%3N; }
# between V LO HI: LO <= V < HI.
between() { [ "$1" -ge "$2" ] && [ "$1" -lt "$3" ]; }

state-init >/dev/null

ready $A 7
ready $B 7
ready $C 7
before=$(calls BatchGetItem)
expect 0 "three ready instances" runner-wait --run-id 7 --signal registered --timeout 5 $A $B $C
check "one line each, in the order given" [ "$(cat "$T_OUT")" = "$(printf '%s\tok\n%s\tok\n%s\tok' $A $B $C)" ]
check "ready at once: one BatchGetItem" [ "$(($(calls BatchGetItem) - before))" -eq 1 ]
check "nothing on stderr" [ ! -s "$T_ERR" ]
expect 0 "--json" runner-wait --run-id 7 --signal registered --timeout 1 --json $A
check "JSON line" [ "$(cat "$T_OUT")" = "{\"id\":\"$A\",\"result\":\"ok\"}" ]
expect 0 "a repeated id is read once and printed twice" runner-wait --run-id 7 --signal registered --timeout 1 $A $A
check "two lines for the repeated id" [ "$(grep -c "^$A	ok\$" "$T_OUT")" -eq 2 ]

# A signal that arrives during the wait ends it within a round or two.
D="i-0000000000000a004"
state-put heartbeat $D >/dev/null
( sleep 1; state-put signal $D registered --run-id 8 >/dev/null ) &
t0=$(now_ms)
expect 0 "waits for a late signal" runner-wait --run-id 8 --signal registered --timeout 10 --interval 100 $D
t1=$(now_ms)
wait
check "returned soon after the signal ($((t1 - t0)) ms)" between $((t1 - t0)) 900 3000

# Every reason, at the timeout: exit 1, a line per instance.
E="i-0000000000000a005"
F="i-0000000000000a006"
G="i-0000000000000a007"
ready $E 9 deregistered                             # the wrong signal
ready $F 10                                         # the wrong run
state-put signal $G registered --run-id 9 >/dev/null  # no heartbeat at all
ready $A 9
before=$(calls BatchGetItem)
t0=$(now_ms)
expect 1 "times out when one is not ready" runner-wait --run-id 9 --signal registered --timeout 2 --interval 200 \
	$A $E $F $G i-0000000000000a0ff
t1=$(now_ms)
check "took the timeout, not much more ($((t1 - t0)) ms)" between $((t1 - t0)) 2000 3500
check "ok for the ready one" out_has "$A	ok"
check "no-signal for the wrong signal" out_has "$E	no-signal"
check "wrong-run for another run's signal" out_has "$F	wrong-run"
check "no-heartbeat when none was written" out_has "$G	no-heartbeat"
check "no-signal for an unknown instance" out_has "i-0000000000000a0ff	no-signal"
check "five lines" [ "$(lines "$T_OUT")" -eq 5 ]
rounds=$(($(calls BatchGetItem) - before))
check "one BatchGetItem a round, every 200 ms ($rounds in 2 s)" between "$rounds" 6 13

ready $A 11
sleep 2
expect 1 "a heartbeat older than --heartbeat-age" runner-wait --run-id 11 --signal registered --heartbeat-age 1 --timeout 0 $A
check "stale-heartbeat" out_has "$A	stale-heartbeat"
expect 0 "the same heartbeat is young enough for the default age" runner-wait --run-id 11 --signal registered --timeout 0 $A

# A heartbeat is the instance's own word. One from the future (a forged
# one, written with the SDK as any holder of the instance's credentials
# could, or a clock far off) proves nothing.
NODE_PATH=$TOP/tests/sim/node_modules NODE_EXTRA_CA_CERTS=$AWS_CA_BUNDLE node -e '
const { DynamoDBClient, ScanCommand, PutItemCommand } = require("@aws-sdk/client-dynamodb");
const db = new DynamoDBClient({ endpoint: process.env.AWS_ENDPOINT_URL_DYNAMODB || process.env.AWS_ENDPOINT_URL });
(async () => {
  const r = await db.send(new ScanCommand({ TableName: process.env.EC2RP_POOL || "ec2-runner-pool" }));
  const hb = r.Items.find((i) => i.pk.S.startsWith("hb#") && i.pk.S.endsWith("/" + process.argv[1]));
  hb.at = { N: String(Math.floor(Date.now() / 1000) + 3600) };
  await db.send(new PutItemCommand({ TableName: process.env.EC2RP_POOL || "ec2-runner-pool", Item: hb }));
})().catch((e) => { console.error(e.message); process.exit(1); });
' "$A" && ok "a heartbeat an hour ahead written with the SDK" || not_ok "a heartbeat an hour ahead written with the SDK"
expect 1 "a heartbeat from the future is not a live instance" runner-wait --run-id 11 --signal registered --timeout 0 $A
check "future-heartbeat" out_has "$A	future-heartbeat"

# Past 50 instances the keys (two each) take two BatchGetItem calls a round.
ids=
i=100
while [ $i -lt 160 ]; do
	ids="$ids i-0000000000000b$i"
	i=$((i + 1))
done
for id in $ids; do state-put signal "$id" registered --run-id 12 >/dev/null; done
for id in $ids; do state-put heartbeat "$id" >/dev/null; done
before=$(calls BatchGetItem)
# shellcheck disable=SC2086
expect 0 "60 instances, all ready" runner-wait --run-id 12 --signal registered --timeout 5 $ids
check "60 ok lines" [ "$(grep -c '	ok$' "$T_OUT")" -eq 60 ]
check "120 keys: two BatchGetItem calls" [ "$(($(calls BatchGetItem) - before))" -eq 2 ]

# Failures inside the wait are retried in the next round; refusals are not.
sim POST /faults '{"next":[{"service":"dynamodb","action":"BatchGetItem","count":3,"code":"ThrottlingException","status":400}]}' >/dev/null
expect 0 "a round that exhausts its retries is retried in the next round" \
	runner-wait --run-id 7 --signal registered --timeout 10 --interval 100 $B
check "the failed round is logged" err_has "retrying"
check "and the answer is still ok" out_has "$B	ok"
sim POST /reset-faults >/dev/null
t0=$(now_ms)
expect 3 "refused (bad signature): exit 3 at once" env AWS_SECRET_ACCESS_KEY=wrong \
	runner-wait --run-id 7 --signal registered --timeout 30 $B
t1=$(now_ms)
check "did not wait for the timeout ($((t1 - t0)) ms)" [ $((t1 - t0)) -lt 5000 ]
check "says why" err_has SignatureDoesNotMatch
check "prints no result lines" [ ! -s "$T_OUT" ]
expect 3 "unknown table: exit 3" runner-wait --pool no-such-pool --run-id 7 --signal registered --timeout 1 $B
check "names the missing table" err_has ResourceNotFoundException
expect 4 "unreachable to the end: exit 4" env AWS_ENDPOINT_URL=https://localhost:1 AWS_MAX_ATTEMPTS=1 \
	runner-wait --run-id 7 --signal registered --timeout 1 --interval 100 $B
check "exit 4 says what failed" err_has "read the signals"

# Bad input: exit 2, one line naming the input, no request.
before=$(sim GET /calls | grep -c '"service"')
expect 2 "no --run-id" runner-wait --signal registered $A
expect 2 "no --signal" runner-wait --run-id 1 $A
expect 2 "no instance ids" runner-wait --run-id 1 --signal registered
expect 2 "bad instance id" runner-wait --run-id 1 --signal registered $A i-XYZ
check "names it" err_has "invalid instance id 'i-XYZ'"
expect 2 "bad signal" runner-wait --run-id 1 --signal 'Registered!' $A
check "names --signal" err_has "--signal"
expect 2 "bad run id" runner-wait --run-id 'a b' --signal registered $A
expect 2 "interval below 10 ms" runner-wait --run-id 1 --signal registered --interval 5 $A
check "names --interval" err_has "--interval"
expect 2 "negative timeout" runner-wait --run-id 1 --signal registered --timeout -1 $A
expect 2 "heartbeat age 0" runner-wait --run-id 1 --signal registered --heartbeat-age 0 $A
expect 2 "bad pool" runner-wait --pool 'a b' --run-id 1 --signal registered $A
expect 2 "unknown option" runner-wait --bogus --run-id 1 --signal registered $A
check "one line on stderr" [ "$(lines "$T_ERR")" -eq 1 ]
after=$(sim GET /calls | grep -c '"service"')
check "bad input sent no request ($before -> $after)" [ "$before" -eq "$after" ]
done_testing

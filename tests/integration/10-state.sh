#!/bin/sh
# The DynamoDB tools against the local stack: transitions, lost races, reads,
# lists, the agent's wait, runner-wait, bad input, retries and refusals.
. tests/integration/lib.sh
stack_start

I1=i-0123456789abcdef0
I2=i-0123456789abcdef1

expect 0 "state-init creates the table" state-init
check "state-init says created" out_has created
expect 0 "state-init again" state-init
check "second state-init changes nothing" out_has unchanged

expect 0 "create a record" state-cas --run-id 100 --threshold-in 600 --resource-class large \
	--instance-type m5.xlarge --usage-class on-demand $I1 none created
expect 1 "creating it again loses (exit 1)" state-cas --run-id 100 --threshold-in 600 $I1 none created
expect 1 "created -> running with the wrong run id loses" state-cas --run-id 999 --threshold-in 60 $I1 created running
expect 0 "created -> running" state-cas --run-id 100 --threshold-in 3600 $I1 created running
expect 0 "state-get reads it" state-get --consistent $I1
check "record line has state, run id, class, type, usage, repository ('-' before any release)" \
	sh -c "grep -q \"^$I1	running	100	[0-9]*	large	m5.xlarge	on-demand	-	[0-9]*\$\" $T_OUT"
expect 1 "running -> terminated with the wrong run id loses" state-cas --run-id 101 $I1 running terminated
expect 0 "running -> idle clears the run id" state-cas --run-id 100 --threshold-in 600 $I1 running idle
expect 0 "state-get after release" state-get --consistent $I1
check "idle record has no run id" sh -c "grep -q \"^$I1	idle	-	\" $T_OUT"
expect 2 "idle -> running is not a transition" state-cas --run-id 1 $I1 idle running
check "the error names the transition" err_has "no such transition: idle -> running"

# The claim race: two processes, one idle instance, many rounds.
wins_total=0
double=0
for round in $(seq 1 50); do
	state-cas --run-id "r$round" --threshold-in 600 $I2 none created >/dev/null 2>&1 || true
	state-cas --run-id "r$round" --threshold-in 600 $I2 created running >/dev/null 2>&1
	state-cas --run-id "r$round" --threshold-in 600 $I2 running idle >/dev/null 2>&1
	state-cas --run-id "a$round" --threshold-in 60 $I2 idle claimed > /dev/null 2>&1 &
	pa=$!
	state-cas --run-id "b$round" --threshold-in 60 $I2 idle claimed > /dev/null 2>&1 &
	pb=$!
	wait $pa; ra=$?
	wait $pb; rb=$?
	wins=0
	[ $ra -eq 0 ] && wins=$((wins + 1))
	[ $rb -eq 0 ] && wins=$((wins + 1))
	[ $wins -ne 1 ] && double=$((double + 1))
	owner=$(state-get --consistent $I2 | cut -f3)
	winner=$([ $ra -eq 0 ] && echo "a$round" || echo "b$round")
	[ "$owner" = "$winner" ] || double=$((double + 1))
	wins_total=$((wins_total + wins))
	# back to idle for the next round
	state-cas --run-id "$owner" --threshold-in 600 $I2 claimed idle >/dev/null 2>&1
done
check "every round had a winner ($wins_total wins in 50 rounds)" [ "$wins_total" -eq 50 ]
check "50 racing claims: exactly one winner each, and it owns the record (failures: $double)" [ "$double" -eq 0 ]
echo "# claim race: 50 rounds, $wins_total wins, $double double or lost claims"

I3=i-0123456789abcdef2
expect 0 "creation with an absolute --threshold" state-cas --run-id x --threshold 4102444800 $I3 none created
check "stored as given" [ "$(state-get --consistent $I3 | cut -f4)" = 4102444800 ]
state-cas --run-id x --threshold-in 600 $I3 created running >/dev/null
state-cas --run-id x --threshold-in 0 $I3 running idle >/dev/null
sleep 1
expect 1 "an expired idle instance cannot be claimed" state-cas --run-id q --threshold-in 60 $I3 idle claimed

# Signals, heartbeats, config, lists.
expect 0 "signal" state-put signal $I1 registered --run-id 100
expect 0 "heartbeat" state-put heartbeat $I1
expect 0 "config from stdin" sh -c 'printf s3cr3t-token-value | state-put config registration-token'
expect 0 "config read back" state-get --kind config registration-token
check "config value" out_has "registration-token	s3cr3t-token-value"
expect 0 "signal read back" state-get --kind signal $I1
check "signal line" sh -c "grep -q \"^$I1	registered	100	\" $T_OUT"
expect 1 "a missing key is exit 1" state-get --consistent i-0000000000000000f
expect 0 "scan by state" state-scan --state idle
check "scan lists the idle record" out_has "$I2	idle"
expect 1 "scan by an unknown run id finds nothing" state-scan --run-id nobody
expect 0 "scan --json" state-scan --kind signal --json
check "JSON line" out_has "\"signal\":\"registered\""
# An instance's own token item: written for several instances at once,
# read back by id, deleted only while it is that run's.
expect 0 "a registration token for two instances" sh -c "printf 'AAAABBBBCCCC\n' | state-put token registration --run-id 100 $I1 $I2"
expect 0 "read back by instance id" state-get --consistent --kind token $I1 $I2
check "id, purpose, run, time, token" sh -c "[ \$(grep -c \"	registration	100	[0-9]*	AAAABBBBCCCC\$\" $T_OUT) -eq 2 ] && grep -q \"^$I1	\" $T_OUT"
check "keyed by the instance's ARN (IAM binds it to the instance)" sh -c "state-scan --kind token --json | grep -q '\"id\":\"$I1\"'"
expect 0 "delete-token for another run: nothing deleted" state-put delete-token $I1 --run-id 101
expect 0 "so the token is still there" state-get --consistent --kind token $I1
expect 0 "delete-token for its run" state-put delete-token $I1 --run-id 100
expect 1 "gone" state-get --consistent --kind token $I1
expect 2 "token without --run-id" sh -c "echo x | state-put token registration $I1"
check "says what is missing" err_has "--run-id"
expect 2 "token with another purpose" sh -c "echo x | state-put token admin --run-id 1 $I1"
expect 2 "token without an instance" sh -c "echo x | state-put token registration --run-id 1"
expect 2 "token with a bad instance id" sh -c "echo x | state-put token registration --run-id 1 i-nothex"
expect 2 "token with an empty value" sh -c "printf '' | state-put token registration --run-id 1 $I1"
expect 2 "no remove purpose: no remove token reaches an instance" sh -c "echo x | state-put token remove --run-id 1 $I1"
expect 0 "the other instance's token is untouched by all that" state-get --consistent --kind token $I2
check "still the registration token for 100" sh -c "cut -f2,3,5 $T_OUT | grep -qx 'registration	100	AAAABBBBCCCC'"
expect 0 "delete removes signal, heartbeat and token" state-put delete $I2
expect 1 "the token too" state-get --consistent --kind token $I2
expect 0 "delete signal and heartbeat" state-put delete $I1
expect 1 "signal gone" state-get --kind signal $I1
expect 1 "heartbeat gone" state-get --kind heartbeat $I1
expect 0 "a value from echo: the final newline is dropped" sh -c 'echo 3600 | state-put config idle-time-sec'
expect 0 "read back" state-get --consistent --kind config idle-time-sec
check "one line, value without newline" [ "$(cat "$T_OUT")" = "idle-time-sec	3600" ]
expect 2 "a value with a tab is refused" sh -c 'printf "a\tb" | state-put config idle-time-sec'
expect 2 "a two-line value is refused" sh -c 'printf "a\nb\n" | state-put config idle-time-sec'
check "names the problem" err_has "control character"
expect 0 "the old value is untouched" state-get --consistent --kind config idle-time-sec
check "still 3600" out_has "idle-time-sec	3600"
expect 1 "state-get: one found, one missing: exit 1" state-get --consistent $I2 i-0000000000000000f
check "the found one is printed" [ "$(cut -f1 "$T_OUT")" = "$I2" ]
expect 0 "state-get: a repeated key is read once, printed twice" state-get --consistent $I2 $I2
check "two lines" [ "$(lines "$T_OUT")" -eq 2 ]

# state-watch: returns when the run id appears; heartbeats on the way.
state-cas --run-id w1 --threshold-in 600 i-00000000000000aa0 none created >/dev/null
state-cas --run-id w1 --threshold-in 600 i-00000000000000aa0 created running >/dev/null
expect 0 "state-watch --for run-id returns the run id" state-watch i-00000000000000aa0 --for run-id --deadline $(($(date +%s) + 5))
check "printed the run id" out_has w1
( sleep 1; state-cas --run-id w1 --threshold-in 600 i-00000000000000aa0 running idle >/dev/null ) &
expect 0 "state-watch --for no-run-id waits for the release" state-watch i-00000000000000aa0 --for no-run-id --poll-max 300 --deadline $(($(date +%s) + 10))
expect 0 "state-watch wrote a heartbeat" state-get --kind heartbeat i-00000000000000aa0
expect 1 "state-watch stops at its deadline" state-watch i-00000000000000aa0 --for run-id --deadline $(($(date +%s) + 1))
# Three throttles exhaust one GetItem's retries: the watch logs it and goes on.
sim POST /faults '{"next":[{"service":"dynamodb","action":"GetItem","count":3,"code":"ThrottlingException","status":400}]}' >/dev/null
( sleep 1; state-cas --run-id w2 --threshold-in 600 i-00000000000000aa0 idle claimed >/dev/null ) &
expect 0 "state-watch rides out a failed read" state-watch i-00000000000000aa0 --for run-id --poll-max 300 --deadline $(($(date +%s) + 15))
wait
check "it printed the new run id" out_has w2
check "and logged the failed read" err_has "retrying"
sim POST /faults '{"next":[{"service":"dynamodb","action":"PutItem","count":3,"code":"ThrottlingException","status":400}]}' >/dev/null
( sleep 1; state-cas --run-id w2 --threshold-in 600 i-00000000000000aa0 claimed idle >/dev/null ) &
expect 0 "state-watch rides out a failed heartbeat" state-watch i-00000000000000aa0 --for no-run-id --heartbeat 1 --poll-max 300 --deadline $(($(date +%s) + 15))
wait
check "and logged the failed heartbeat" err_has "heartbeat"
sim POST /reset-faults >/dev/null
expect 3 "state-watch: a refusal is fatal" env AWS_SECRET_ACCESS_KEY=wrong state-watch i-00000000000000aa0 --for run-id --deadline $(($(date +%s) + 10))

# A write carried out whose answer was lost: the retry fails its condition on
# the first attempt's success; the record shows it was ours.
L=i-00000000000000ab0
sim POST /faults '{"next":[{"service":"dynamodb","action":"PutItem","count":1,"dropAnswer":true}]}' >/dev/null
expect 0 "lost answer to a creation: still created (exit 0)" state-cas --run-id lost --threshold-in 600 $L none created
sim POST /faults '{"next":[{"service":"dynamodb","action":"UpdateItem","count":1,"dropAnswer":true}]}' >/dev/null
expect 0 "lost answer to created -> running: still moved" state-cas --run-id lost --threshold-in 600 $L created running
check "the record is running for run lost" sh -c "state-get --consistent $L | cut -f2,3 | grep -qx 'running	lost'"
sim POST /faults '{"next":[{"service":"dynamodb","action":"UpdateItem","count":1,"dropAnswer":true}]}' >/dev/null
expect 0 "lost answer to running -> idle: still moved" state-cas --run-id lost --threshold-in 600 $L running idle
sim POST /faults '{"next":[{"service":"dynamodb","action":"UpdateItem","count":1,"dropAnswer":true}]}' >/dev/null
expect 0 "lost answer to a claim: ours" state-cas --run-id c1 --threshold-in 600 $L idle claimed
expect 1 "another run's claim still loses" state-cas --run-id c2 --threshold-in 600 $L idle claimed
sim POST /faults '{"next":[{"service":"dynamodb","action":"UpdateItem","count":1,"code":"InternalServerError","status":500}]}' >/dev/null
expect 1 "a retry that meets another's write is a lost race" state-cas --run-id c2 --threshold-in 600 $L claimed idle
sim POST /faults '{"next":[{"service":"dynamodb","action":"UpdateItem","count":1,"dropAnswer":true}]}' >/dev/null
expect 0 "lost answer to a termination: done" state-cas --run-id c1 $L claimed terminated
sim POST /reset-faults >/dev/null

# Bad input: exit 2, one line naming the input, nothing sent.
before=$(sim GET /calls | grep -c '"service"')
expect 2 "bad instance id" state-cas --run-id 1 i-XYZ none created
check "names the instance id" err_has "invalid instance id"
expect 2 "run id with a shell metacharacter" state-cas --run-id 'a;rm -rf /' $I1 idle claimed
expect 2 "run id with a newline" state-cas --run-id "$(printf 'a\nb')" $I1 idle claimed
expect 2 "unknown state" state-cas --run-id 1 $I1 idle flying
expect 2 "negative threshold" state-cas --run-id 1 --threshold-in -5 $I1 claimed idle
expect 2 "no threshold for a claim" state-cas --run-id 1 $I1 idle claimed
check "says a threshold is required" err_has "--threshold-in or --threshold is required"
expect 2 "both threshold forms" state-cas --run-id 1 --threshold-in 5 --threshold 9999999999 $I1 claimed idle
expect 2 "a threshold on termination" state-cas --threshold-in 5 $I1 idle terminated
expect 2 "claim without a run id" state-cas --threshold-in 5 $I1 idle claimed
expect 2 "bad pool name" state-scan --pool 'no/slash'
expect 2 "bad config name" state-get --kind config 'UPPER'
expect 2 "empty config value" state-put config empty-value < /dev/null
expect 2 "runner-wait without --signal" runner-wait --run-id 1 $I1
# Every tool: one shared tail of option parsing, one wording, exit 2.
for t in ec2-launch ec2-list ec2-template ec2-terminate gh-runner imds-get pool-init pool-pop pool-push \
    runner-wait state-cas state-get state-init state-put state-scan state-watch; do
	expect 2 "$t refuses an unknown option" $t --no-such-option
	check "$t: in the one wording" err_has "$t: fatal: unknown option --no-such-option"
done
for t in ec2-list state-get state-scan state-init; do
	expect 2 "$t: --pool without its value" $t --pool
	check "$t: says so" err_has "option --pool needs a value"
done
expect 2 "a bad EC2RP_POOL" env EC2RP_POOL='a b' state-scan
check "names EC2RP_POOL" err_has "invalid pool name (EC2RP_POOL)"
expect 2 "unknown option" state-scan --bogus
after=$(sim GET /calls | grep -c '"service"')
check "bad input sent no request ($before -> $after calls)" [ "$before" -eq "$after" ]
check "one line on stderr" [ "$(lines "$T_ERR")" -eq 1 ]

# Failures: refusals, retries, clock skew.
expect 3 "wrong secret: refused, exit 3" env AWS_SECRET_ACCESS_KEY=wrong state-get $I2
check "says the signature does not match" err_has SignatureDoesNotMatch
expect 3 "unknown key: exit 3" env AWS_ACCESS_KEY_ID=AKIDUNKNOWN000000000 state-get $I2
sim POST /faults '{"next":[{"service":"dynamodb","action":"BatchGetItem","count":2,"code":"ThrottlingException","status":400}]}' >/dev/null
expect 0 "two throttles are retried and the third attempt succeeds" state-get --consistent $I2
sim POST /faults '{"next":[{"service":"dynamodb","action":"BatchGetItem","count":3,"code":"InternalServerError","status":500}]}' >/dev/null
expect 4 "three 500s exhaust 3 attempts: exit 4" state-get --consistent $I2
check "says retries exhausted" err_has "retries exhausted"
sim POST /faults '{"next":[{"service":"dynamodb","action":"BatchGetItem","count":1,"drop":true}]}' >/dev/null
expect 0 "a dropped connection is retried" state-get --consistent $I2
expect 3 "AWS_MAX_ATTEMPTS=1 does not retry a 500" sh -c "curl -fsS -X POST --data '{\"next\":[{\"service\":\"dynamodb\",\"count\":1,\"code\":\"InternalServerError\",\"status\":500}]}' $SIM_CONTROL/faults >/dev/null; AWS_MAX_ATTEMPTS=1 state-get $I2; [ \$? -eq 4 ] && exit 3"
expect 2 "AWS_MAX_ATTEMPTS=0 is bad input" env AWS_MAX_ATTEMPTS=0 state-get $I2
sim POST /clock '{"skewSeconds":900}' >/dev/null
expect 0 "a 15-minute clock skew is corrected from the Date header" state-get --consistent $I2
sim POST /clock '{"skewSeconds":0}' >/dev/null
expect 4 "unreachable endpoint: exit 4" env AWS_ENDPOINT_URL=https://localhost:1 AWS_MAX_ATTEMPTS=2 state-get $I2
expect 3 "wrong CA: certificate refused, not retried, exit 3" env AWS_CA_BUNDLE=/etc/ssl/certs/ca-certificates.crt state-get $I2
expect 0 "plain HTTP endpoint works too" env AWS_ENDPOINT_URL="$AWS_ENDPOINT_URL_HTTP" state-get $I2
done_testing

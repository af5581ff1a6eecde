#!/bin/sh
# pool-status against the local stack: a pool put into known states through
# the tools, shown as tab-separated lines, JSON Lines and Markdown; it only
# reads; bad usage and failed reads print nothing on stdout.
. tests/integration/lib.sh
stack_start

I1=i-0000000000000a001 # large, idle first (the oldest idle), queued
I2=i-0000000000000a002 # large, idle, queued
I3=i-0000000000000a003 # small, running for run 42, with a heartbeat
I5=i-0000000000000a005 # large, claimed by run 43
I6=i-0000000000000a006 # large, created for run 44, expired
I7=i-0000000000000a007 # small, terminated: not shown
TAB=$(printf '\t')

# calls: the actions the stack has seen so far, one a line.
calls() { sim GET /calls | sed -n 's/.*"action": "\([A-Za-z]*\)".*/\1/p'; }

if ! { state-init && pool-init large small; } >/dev/null; then echo "not ok - setup"; exit 1; fi
# running ID CLASS RUN: a record created and running for RUN.
running() {
	state-cas --run-id "$3" --threshold-in 600 --resource-class "$2" --instance-type m5.large \
		--usage-class on-demand "$1" none created >/dev/null &&
		state-cas --run-id "$3" --threshold-in 3600 "$1" created running >/dev/null
}
running $I1 large 41 && state-cas --run-id 41 --threshold-in 1800 $I1 running idle >/dev/null &&
	pool-push --resource-class large --instance-type m5.large $I1 >/dev/null
check "I1 released and queued" [ $? -eq 0 ]
sleep 1.1 # I1 is idle a second longer than I2
running $I2 large 41 && state-cas --run-id 41 --threshold-in 1800 $I2 running idle >/dev/null &&
	pool-push --resource-class large --instance-type m5.large $I2 >/dev/null
check "I2 released and queued" [ $? -eq 0 ]
running $I3 small 42 && state-put heartbeat $I3 >/dev/null
check "I3 running for run 42, heartbeat written" [ $? -eq 0 ]
running $I5 large 41 && state-cas --run-id 41 --threshold-in 1800 $I5 running idle >/dev/null &&
	state-cas --run-id 43 --threshold-in 900 $I5 idle claimed >/dev/null
check "I5 claimed by run 43" [ $? -eq 0 ]
state-cas --run-id 44 --threshold-in 1 --resource-class large $I6 none created >/dev/null
check "I6 created for run 44 with a 1 s threshold" [ $? -eq 0 ]
running $I7 small 45 && state-cas --run-id 45 $I7 running terminated >/dev/null
check "I7 terminated" [ $? -eq 0 ]
sleep 2.1 # I6's threshold passes

# --- tab-separated
before=$(calls | wc -l)
expect 0 "pool-status: tab-separated" pool-status large small xlarge
cp "$T_OUT" "$T_TMP/tsv"
check_with "$T_TMP/tsv" "header comment lines name the fields" grep -q "^# class${TAB}CLASS${TAB}CREATED${TAB}CLAIMED" "$T_TMP/tsv"
check_with "$T_TMP/tsv" "pool line: name, now, 5 live instances" grep -Eq "^pool${TAB}ec2-runner-pool${TAB}[0-9]{10}${TAB}5\$" "$T_TMP/tsv"
check_with "$T_TMP/tsv" "large: 1 claimed, 2 idle, 1 expired, 2 queued, I1 the oldest idle" \
	grep -Eq "^class${TAB}large${TAB}0${TAB}1${TAB}0${TAB}2${TAB}1${TAB}2${TAB}$I1${TAB}[1-9][0-9]*\$" "$T_TMP/tsv"
check_with "$T_TMP/tsv" "small: 1 running, nothing queued, no idle (the terminated one not counted)" \
	grep -q "^class${TAB}small${TAB}0${TAB}0${TAB}1${TAB}0${TAB}0${TAB}0${TAB}-${TAB}-\$" "$T_TMP/tsv"
check_with "$T_TMP/tsv" "xlarge, named, without a queue: queued -" \
	grep -q "^class${TAB}xlarge${TAB}0${TAB}0${TAB}0${TAB}0${TAB}0${TAB}-${TAB}-${TAB}-\$" "$T_TMP/tsv"
check_with "$T_TMP/tsv" "run 42: I3 running, its heartbeat seconds old, its threshold ahead" \
	grep -Eq "^instance${TAB}42${TAB}$I3${TAB}small${TAB}running${TAB}[0-9]+${TAB}[0-9]${TAB}3[0-9]{3}${TAB}m5.large${TAB}on-demand\$" "$T_TMP/tsv"
check_with "$T_TMP/tsv" "run 43: I5 claimed, no heartbeat" \
	grep -Eq "^instance${TAB}43${TAB}$I5${TAB}large${TAB}claimed${TAB}[0-9]+${TAB}-${TAB}[0-9]+${TAB}" "$T_TMP/tsv"
check_with "$T_TMP/tsv" "run 44: I6, past its threshold" \
	grep -Eq "^instance${TAB}44${TAB}$I6${TAB}large${TAB}created${TAB}[0-9]+${TAB}-${TAB}-[0-9]+${TAB}" "$T_TMP/tsv"
check_with "$T_TMP/tsv" "runs in order, idle ones not listed as instances" \
	[ "$(grep '^instance' "$T_TMP/tsv" | cut -f2 | tr '\n' ' ')" = "42 43 44 " ]
check_with "$T_TMP/tsv" "what refresh would clean up: I6 only" \
	[ "$(grep '^expired' "$T_TMP/tsv" | cut -f2,3,4,5,7)" = "$I6${TAB}large${TAB}created${TAB}44${TAB}terminate" ]
check_with "$T_TMP/tsv" "the terminated record is not shown" sh -c "! grep -q $I7 $T_TMP/tsv"
calls | tail -n +$((before + 1)) | sort -u > "$T_TMP/actions"
check_with "$T_TMP/actions" "it only read: Scan, GetQueueUrl, GetQueueAttributes" \
	[ "$(tr '\n' ' ' < "$T_TMP/actions")" = "GetQueueAttributes GetQueueUrl Scan " ]
expect 0 "refresh's own list agrees on what expired" state-scan --expired
check "state-scan --expired lists I6 alone" [ "$(cut -f1 "$T_OUT")" = "$I6" ]
expect 0 "the queue still has both messages (nothing received)" pool-pop --resource-class large --max 5 --requeue-delay 0
check "both popped" [ "$(lines "$T_OUT")" -eq 2 ]
pool-push --resource-class large --instance-type m5.large $I1 $I2 >/dev/null

# --- JSON Lines
expect 0 "pool-status --json" pool-status --json
cp "$T_OUT" "$T_TMP/json"
check_with "$T_TMP/json" "every line a JSON object with a kind; the classes of the records" node -e '
const lines = require("fs").readFileSync(process.argv[1], "utf8").trim().split("\n").map((l) => JSON.parse(l));
const kinds = lines.map((o) => o.kind).join(",");
if (kinds !== "pool,class,class,instance,instance,instance,expired") throw new Error(kinds);
const large = lines.find((o) => o.kind === "class" && o.resourceClass === "large");
if (large.idle !== 2 || large.claimed !== 1 || large.expired !== 1 || large.queued !== 2 ||
    large.oldestIdleId !== process.argv[2] || !(large.oldestIdleAgeSec >= 1)) throw new Error(JSON.stringify(large));
const i3 = lines.find((o) => o.instanceId === process.argv[3]);
if (i3.runId !== "42" || i3.state !== "running" || !(i3.heartbeatAgeSec >= 0) || !(i3.thresholdInSec > 3000))
	throw new Error(JSON.stringify(i3));
const ex = lines.find((o) => o.kind === "expired");
if (ex.instanceId !== process.argv[4] || ex.runId !== "44" || !(ex.expiredForSec >= 1) || ex.action !== "terminate")
	throw new Error(JSON.stringify(ex));
' "$T_TMP/json" $I1 $I3 $I6

# --- Markdown
expect 0 "pool-status --markdown" pool-status --markdown large small
cp "$T_OUT" "$T_TMP/md"
check_with "$T_TMP/md" "a heading with the pool and the time" grep -Eq '^#### Pool ec2-runner-pool at [0-9-]+ [0-9:]+ UTC: 5 instances$' "$T_TMP/md"
check_with "$T_TMP/md" "the class table" grep -q '^| class | created | claimed | running | idle | expired | queued | oldest idle |$' "$T_TMP/md"
check_with "$T_TMP/md" "large's row" grep -Eq "^\| large \| 0 \| 1 \| 0 \| 2 \| 1 \| 2 \| $I1, [0-9]+s \|\$" "$T_TMP/md"
check_with "$T_TMP/md" "run 42's instance" grep -Eq "^\| 42 \| $I3 \| small \| running \| [0-9]+s \| [0-9]+s \| (5[89]m [0-9]{2}s|1h 00m) \|\$" "$T_TMP/md"
check_with "$T_TMP/md" "what the next refresh terminates" grep -q "^The next refresh terminates 1 expired instance " "$T_TMP/md"
check_with "$T_TMP/md" "I6's row" grep -Eq "^\| $I6 \| large \| created \| 44 \| [0-9]+s \|\$" "$T_TMP/md"

# --- an empty pool (another pool's table, no records)
state-init --pool empty-pool >/dev/null
expect 0 "an empty pool: exit 0" pool-status --pool empty-pool
check "the pool line says 0 instances" grep -q "^pool${TAB}empty-pool${TAB}[0-9]*${TAB}0\$" "$T_OUT"
check "and no other record" [ "$(grep -vc '^#' "$T_OUT")" -eq 1 ]

# --- failed reads: the error's class, one line, nothing on stdout
expect 3 "no such table (pool never initialised): exit 3" pool-status --pool nosuch-pool
check "nothing printed" [ ! -s "$T_OUT" ]
check "one line naming what failed" sh -c "[ \$(wc -l < $T_ERR) -eq 1 ] && grep -q 'unable to read the pool' $T_ERR"
sim POST /faults '{"next":[{"service":"dynamodb","action":"Scan","count":5,"code":"ThrottlingException","status":400}]}' >/dev/null
expect 4 "a Scan throttled beyond AWS_MAX_ATTEMPTS: exit 4" env AWS_MAX_ATTEMPTS=2 pool-status
check "nothing printed" [ ! -s "$T_OUT" ]
sim POST /reset-faults >/dev/null
sim POST /faults '{"next":[{"service":"sqs","action":"GetQueueAttributes","code":"AccessDenied","status":403}]}' >/dev/null
expect 3 "a queue count refused: exit 3" pool-status --markdown
check "no half table" [ ! -s "$T_OUT" ]
check "the error names the refusal" err_has "AccessDenied"
sim POST /reset-faults >/dev/null
sim POST /faults '{"next":[{"service":"dynamodb","action":"Scan","count":2,"code":"InternalServerError","status":500}]}' >/dev/null
expect 0 "5xx on the Scan is retried, then shown" pool-status
check "with the pool line" out_has "pool${TAB}ec2-runner-pool"
sim POST /reset-faults >/dev/null

# --- bad usage: exit 2, one line, no request
before=$(calls | wc -l)
expect 2 "unknown option" pool-status --verbose
check "one line naming it" sh -c "[ \$(wc -l < $T_ERR) -eq 1 ] && grep -q -- '--verbose' $T_ERR"
check "nothing on stdout" [ ! -s "$T_OUT" ]
expect 2 "--json and --markdown together" pool-status --json --markdown
check "says they exclude each other" err_has "one or the other"
expect 2 "a bad class name" pool-status 'Large!'
check "names the class" err_has "Large!"
expect 2 "--pool without a value" pool-status --pool
expect 2 "a bad pool name" env EC2RP_POOL='a b' pool-status
check "names the pool" err_has "pool name"
check "no request was made by any of them" [ "$(calls | wc -l)" -eq "$before" ]
expect 0 "--help" pool-status --help
check "documents the fields" out_has "instance  RUN-ID ID CLASS STATE"
done_testing

#!/bin/sh
# The EC2 tools against the EC2 simulator: the launch template, all-or-nothing
# fleets, listing, terminating, instance metadata; lost capacity, throttling,
# refusals, and bad input that sends nothing.
# shellcheck disable=SC2046,SC2119 # id lists split on purpose; the stack takes no arguments
. tests/integration/lib.sh
stack_start
printf '#!/bin/sh\nsleep 120\n' > "$T_TMP/ud"
# inst FIELD ID: one field of an instance as the simulator sees it.
inst() { sim GET /instances | jq -r --arg id "$2" ".[] | select(.id == \$id) | $1"; }

# --- ec2-template
expect 0 "template created" ec2-template --ami ami-0123456789abcdef0 --user-data-file "$T_TMP/ud"
check "created, version 1" sh -c "grep -q '^created	lt-[0-9a-f]*	1\$' $T_OUT"
expect 0 "same content again" ec2-template --ami ami-0123456789abcdef0 --user-data-file "$T_TMP/ud"
check "unchanged" out_has unchanged
expect 0 "new AMI" ec2-template --ami ami-0123456789abcdef1 --user-data-file "$T_TMP/ud" \
	--security-group-ids sg-0123456789abcdef0,sg-01234567
check "updated to version 2" sh -c "grep -q '^updated	lt-[0-9a-f]*	2\$' $T_OUT"
expect 0 "groups in another order" ec2-template --ami ami-0123456789abcdef1 --user-data-file "$T_TMP/ud" \
	--security-group-ids sg-01234567,sg-0123456789abcdef0 --json
check "unchanged at version 2, as JSON" sh -c \
	"jq -e '.result == \"unchanged\" and .version == 2 and (.launchTemplateId | startswith(\"lt-\"))' $T_OUT >/dev/null"
expect 0 "one group fewer" ec2-template --ami ami-0123456789abcdef1 --user-data-file "$T_TMP/ud" \
	--security-group-ids sg-01234567
check "updated to version 3" sh -c "grep -q '^updated	lt-[0-9a-f]*	3\$' $T_OUT"
printf '#!/bin/sh\nsleep 121\n' > "$T_TMP/ud2"
expect 0 "other user data" ec2-template --ami ami-0123456789abcdef1 --user-data-file "$T_TMP/ud2" \
	--security-group-ids sg-01234567 --instance-profile runner --key-name 'my key'
check "updated to version 4" sh -c "grep -q '^updated	lt-[0-9a-f]*	4\$' $T_OUT"
expect 0 "profile and key kept" ec2-template --ami ami-0123456789abcdef1 --user-data-file "$T_TMP/ud2" \
	--security-group-ids sg-01234567 --instance-profile runner --key-name 'my key'
check "unchanged at version 4" sh -c "grep -q '^unchanged	lt-[0-9a-f]*	4\$' $T_OUT"
expect 0 "back to the first content" ec2-template --ami ami-0123456789abcdef0 --user-data-file "$T_TMP/ud"
check "a new version 5, not the old 1" sh -c "grep -q '^updated	lt-[0-9a-f]*	5\$' $T_OUT"
head -c 16384 /dev/zero | tr '\0' x > "$T_TMP/max"
expect 0 "user data of exactly 16384 bytes" ec2-template --pool big-ud --ami ami-0123456789abcdef0 --user-data-file "$T_TMP/max"
sim POST /faults '{"next":[{"service":"ec2","action":"DescribeLaunchTemplateVersions","count":2,"code":"RequestLimitExceeded","status":503}]}' >/dev/null
expect 0 "throttled look is retried" ec2-template --ami ami-0123456789abcdef0 --user-data-file "$T_TMP/ud"
check "and finds it unchanged" out_has unchanged
sim POST /faults '{"next":[{"service":"ec2","action":"CreateLaunchTemplateVersion","count":1,"code":"UnauthorizedOperation","status":403}]}' >/dev/null
expect 3 "a refused new version: exit 3" ec2-template --ami ami-0123456789abcdef2 --user-data-file "$T_TMP/ud"
check "names the code" err_has UnauthorizedOperation
expect 0 "the default did not move" ec2-template --ami ami-0123456789abcdef0 --user-data-file "$T_TMP/ud"
check "still unchanged at 5" sh -c "grep -q '^unchanged	lt-[0-9a-f]*	5\$' $T_OUT"
# The IMDS hop limit: 2 unless given, compared like the other fields.
expect 0 "hop limit 1" ec2-template --ami ami-0123456789abcdef0 --user-data-file "$T_TMP/ud" --hop-limit 1
check "updated to version 6" sh -c "grep -q '^updated	lt-[0-9a-f]*	6\$' $T_OUT"
expect 0 "hop limit 1 again" ec2-template --ami ami-0123456789abcdef0 --user-data-file "$T_TMP/ud" --hop-limit 1
check "unchanged at 6" sh -c "grep -q '^unchanged	lt-[0-9a-f]*	6\$' $T_OUT"
expect 0 "back to the default hop limit" ec2-template --ami ami-0123456789abcdef0 --user-data-file "$T_TMP/ud"
check "updated to version 7" sh -c "grep -q '^updated	lt-[0-9a-f]*	7\$' $T_OUT"
for bad in 0 65 02 x ''; do
	expect 2 "hop limit '$bad' refused" ec2-template --ami ami-0123456789abcdef0 --user-data-file "$T_TMP/ud" --hop-limit "$bad"
done
check "refused with the range" err_has "1 to 64"

# --- ec2-launch
# arm64 classes launch from their own AMI, and EC2 picks types of the AMI's
# architecture (Graviton for arm64).
sim POST /images '{"id":"ami-0a7e0000000000a64","arch":"aarch64"}' >/dev/null
ARMCFG='{"arm":{"cpu":2,"mem":8192,"arch":"arm64"}}'
expect 2 "an arm64 class needs its AMI" ec2-launch --count 1 --resource-class arm --run-id a1 --class-config "$ARMCFG"
check "saying so" err_has "--image-arm64 is required"
expect 0 "launch an arm64 class" ec2-launch --count 1 --resource-class arm --run-id a1 --class-config "$ARMCFG" --image-arm64 ami-0a7e0000000000a64
check "a Graviton type ($(cut -f2 "$T_OUT"))" sh -c "cut -f2 $T_OUT | grep -Eqx '[a-z][0-9]+g\.[a-z0-9]+'"
check "from the arm64 AMI" [ "$(inst .image "$(cut -f1 "$T_OUT")")" = ami-0a7e0000000000a64 ]
expect 0 "an x86-64 class ignores the arm64 AMI" ec2-launch --count 1 --resource-class large --run-id a2 --image-arm64 ami-0a7e0000000000a64
check "an Intel or AMD type ($(cut -f2 "$T_OUT"))" sh -c "! cut -f2 $T_OUT | grep -Eq 'g\.'"
check "from the template's AMI" [ "$(inst .image "$(cut -f1 "$T_OUT")")" != ami-0a7e0000000000a64 ]
expect 0 "the AMI decides: an arm64 class given an x86-64 AMI" ec2-launch --count 1 --resource-class arm --run-id a3 --class-config "$ARMCFG" --image-arm64 ami-0123456789abcdef0
check "gets an x86-64 type ($(cut -f2 "$T_OUT")), as EC2 picks by the AMI" sh -c "! cut -f2 $T_OUT | grep -Eq 'g\.'"
expect 2 "an unknown arch in the class config" ec2-launch --list-classes --class-config '{"x":{"cpu":2,"mem":4096,"arch":"riscv"}}'
check "names the field" err_has 'arch must be'
ec2-terminate $(sim GET /instances | jq -r '.[] | select(.tags["ec2-runner-pool:run-id"] | IN("a1", "a2", "a3")) | .id') >/dev/null 2>&1
expect 0 "classes listed" ec2-launch --list-classes --class-config '{"gpu":{"cpu":8,"mem":61440}}'
check "only the configured classes: a config replaces the built-ins" sh -c "grep -qx gpu $T_OUT && [ \$(wc -l < $T_OUT) -eq 1 ]"
expect 0 "built-in classes listed" ec2-launch --list-classes
check "the original action's seven, large to 16xlarge" sh -c "[ \"\$(tr '\n' ' ' < $T_OUT)\" = 'large xlarge 2xlarge 4xlarge 8xlarge 12xlarge 16xlarge ' ]"
expect 0 "launch 3 large in two subnets, m6i only" ec2-launch --count 3 --resource-class large --run-id 7 \
	--subnet-ids subnet-0123456789abcdef0,subnet-0123456789abcdef1 --allowed-types 'm6i.*'
check "3 instances" [ "$(lines "$T_OUT")" -eq 3 ]
check "type from the class (2 vCPU, at least 4 GiB) and the glob" sh -c "[ \$(grep -c '	m6i.large	subnet-' $T_OUT) -eq 3 ]"
cp "$T_OUT" "$T_TMP/launched"
id1=$(head -n1 "$T_TMP/launched" | cut -f1)
check "tagged with pool, run id and class" [ "$(inst '.tags | [.["ec2-runner-pool:pool"], .["ec2-runner-pool:run-id"], .["ec2-runner-pool:resource-class"]] | join(" ")' "$id1")" = "ec2-runner-pool 7 large" ]
check "on-demand by default" [ "$(inst .usage "$id1")" = on-demand ]
expect 0 "ec2-list by run id" ec2-list --run-id 7 --state pending,running
check "lists the 3 with their run id" sh -c "[ \$(grep -c '	7	' $T_OUT) -eq 3 ]"
expect 0 "ec2-list as JSON" ec2-list --run-id 7 --json
check "3 JSON lines with id, state, type, run id, launch time" sh -c \
	"[ \$(jq -c 'select(.runId == \"7\" and .instanceType == \"m6i.large\" and (.instanceId | startswith(\"i-\")) and .launchTime > 1700000000)' $T_OUT | wc -l) -eq 3 ]"
expect 1 "none launched before 2001" ec2-list --run-id 7 --launched-before 1000000000
expect 0 "all launched before tomorrow" ec2-list --run-id 7 --launched-before $(($(date +%s) + 86400))
check "the 3" [ "$(lines "$T_OUT")" -eq 3 ]
expect 1 "another pool sees none" ec2-list --pool other-pool
expect 0 "terminate them and an unknown id" ec2-terminate $(cut -f1 "$T_TMP/launched") i-0000000000000000e
check "unknown id reported gone, not an error" out_has "i-0000000000000000e	gone	gone"
check "the 3 went from running or pending" sh -c "[ \$(grep -cE '	(pending|running)	(shutting-down|terminated)\$' $T_OUT) -eq 3 ]"
sleep 0.5
expect 1 "none left running" ec2-list --run-id 7 --state pending,running
expect 0 "terminating again is fine" ec2-terminate "$id1"

printf '{"gpu":{"cpu":8,"mem":32768}}' > "$T_TMP/classes.json"
expect 0 "a class from a config file, spot, JSON out" ec2-launch --count 2 --resource-class gpu \
	--class-config @"$T_TMP/classes.json" --run-id 11 --usage-class spot --allowed-types 'm5.*,c5.*' --json
check "2 JSON lines of m5.2xlarge (8 vCPU, at least 32 GiB)" sh -c \
	"[ \$(jq -c 'select(.instanceType == \"m5.2xlarge\" and (.instanceId | startswith(\"i-\")))' $T_OUT | wc -l) -eq 2 ]"
check "spot" [ "$(inst .usage "$(jq -r .instanceId "$T_OUT" | head -n1)")" = spot ]
ec2-terminate $(jq -r .instanceId "$T_OUT") >/dev/null

sim POST /faults '{"capacity":1}' >/dev/null
expect 4 "partial fleet: exit 4" ec2-launch --count 3 --resource-class large --run-id 8
check "reports capacity" err_has InsufficientInstanceCapacity
check "says what came was terminated" err_has "got 1 of 3 instances"
check "prints no instance" [ ! -s "$T_OUT" ]
sleep 0.5
expect 1 "the partial fleet was terminated" ec2-list --run-id 8 --state pending,running
sim POST /faults '{"capacity":0}' >/dev/null
expect 4 "no capacity at all: exit 4" ec2-launch --count 1 --resource-class large --run-id 8
check "names the type and zone that failed" sh -c "grep -Eq 'failed: [a-z0-9]+\.[a-z0-9]+ in us-east-1[abc]' $T_ERR"
sim POST /reset-faults >/dev/null

# EC2's eventual consistency: a new instance is unknown to EC2's other
# actions for a while (the stack's unseenSec). "Not found" then is no proof
# of anything: the short fleet's instances are terminated once EC2 knows
# them, not taken for gone while they run on.
sim POST /faults '{"capacity":1,"unseenSec":3}' >/dev/null
expect 4 "partial fleet, EC2 slow to know the one that came: exit 4" ec2-launch --count 2 --resource-class large --run-id ec1
check "says it was terminated" err_has "terminated the 1 that came"
sim POST /reset-faults >/dev/null
ec1=$(sim GET /instances | jq -r '.[] | select(.tags["ec2-runner-pool:run-id"] == "ec1") | .id')
check "the one that came ($ec1) is terminated, not left running" \
	sh -c "[ -n '$ec1' ] && echo '$(inst .state "$ec1")' | grep -Eqx 'shutting-down|terminated'"
ec2-launch --count 1 --resource-class large --run-id ec2 > "$T_TMP/ec2" 2>/dev/null
expect 0 "ec2-terminate --fresh --pool: waits until EC2 shows it" ec2-terminate --fresh --pool ec2-runner-pool "$(cut -f1 "$T_TMP/ec2")"
check "terminated, not gone" sh -c "grep -Eq '	(pending|running)	(shutting-down|terminated)\$' $T_OUT"
ec2-launch --count 1 --resource-class large --run-id ec3 > "$T_TMP/ec3" 2>/dev/null
expect 0 "ec2-terminate --fresh without the guard" ec2-terminate --fresh "$(cut -f1 "$T_TMP/ec3")"
check "terminated, not gone" sh -c "grep -Eq '	(pending|running)	(shutting-down|terminated)\$' $T_OUT"
sim POST /faults '{"unseenSec":8}' >/dev/null
ec2-launch --count 1 --resource-class large --run-id ec4 > "$T_TMP/ec4" 2>/dev/null
expect 0 "without --fresh, the old belief: gone" ec2-terminate "$(cut -f1 "$T_TMP/ec4")"
check "gone ($(cat "$T_OUT"))" out_has "gone	gone"
check "while it runs on" sh -c "echo '$(inst .state "$(cut -f1 "$T_TMP/ec4")")' | grep -Eqx 'pending|running'"
ec2-terminate --fresh "$(cut -f1 "$T_TMP/ec4")" >/dev/null
sim POST /reset-faults >/dev/null
expect 4 "--fresh and an id EC2 never knows: exit 4 once the wait is over" \
	env EC2RP_FRESH_WAIT_SEC=3 ec2-terminate --fresh i-0000000000000000e
check "not proven: error, InvalidInstanceID.NotFound" out_has "i-0000000000000000e	error	InvalidInstanceID.NotFound"
check "says so" err_has "not proven terminated"
expect 4 "the same with the guard" env EC2RP_FRESH_WAIT_SEC=3 ec2-terminate --fresh --pool ec2-runner-pool i-0000000000000000e
check "not gone either" out_has "i-0000000000000000e	error	InvalidInstanceID.NotFound"
sim POST /faults '{"capacity":1,"unseenSec":6}' >/dev/null
expect 4 "a short fleet whose instance EC2 does not know within EC2RP_FRESH_WAIT_SEC" \
	env EC2RP_FRESH_WAIT_SEC=2 ec2-launch --count 2 --resource-class large --run-id ec6
sim POST /reset-faults >/dev/null
ec6=$(sim GET /instances | jq -r '.[] | select(.tags["ec2-runner-pool:run-id"] == "ec6") | .id')
check "names it, left running, not proven terminated" sh -c "grep -q 'left running: $ec6 (.*not proven terminated' '$T_ERR'"
check "and says it could not terminate it" err_has "could not terminate (the pool's refresh will)"
sleep 6
ec2-terminate "$ec6" >/dev/null
for bad in 0 3601 x; do
	expect 2 "EC2RP_FRESH_WAIT_SEC='$bad' refused" env EC2RP_FRESH_WAIT_SEC="$bad" ec2-terminate --fresh i-0000000000000000e
done
check "naming it" err_has EC2RP_FRESH_WAIT_SEC
expect 2 "and by ec2-launch" env EC2RP_FRESH_WAIT_SEC=x ec2-launch --count 1 --resource-class large --run-id ec5

# spot-or-on-demand: what spot lacks the capacity for comes on-demand.
sim POST /faults '{"spotCapacity":1}' >/dev/null
expect 0 "spot-or-on-demand with spot capacity for 1 of 3" ec2-launch --count 3 --resource-class large --run-id so1 --usage-class spot-or-on-demand
check "3 instances, 1 spot and 2 on-demand by the 4th column" [ "$(cut -f4 "$T_OUT" | sort | uniq -c | tr -s ' ' | tr '\n' ';')" = " 2 on-demand; 1 spot;" ]
sim GET /instances > "$T_TMP/all"
seen=$(while IFS="$(printf '\t')" read -r id _ _ u; do jq -r --arg id "$id" '.[] | select(.id == $id) | .usage' "$T_TMP/all"; echo "$u"; done < "$T_OUT" | paste - - | awk '$1 == $2' | wc -l)
check "as EC2 launched them ($seen of 3 agree)" [ "$seen" -eq 3 ]
check "two CreateFleet requests" [ "$(sim GET /calls | jq '[.[] | select(.action == "CreateFleet")] | length')" -ge 2 ]
check "said so on stderr" err_has "asking for 2 on-demand"
ec2-terminate $(cut -f1 "$T_OUT") >/dev/null
sim POST /faults '{"spotCapacity":0}' >/dev/null
expect 0 "no spot at all: all on-demand" ec2-launch --count 2 --resource-class large --run-id so2 --usage-class spot-or-on-demand --json
check "2 JSON lines, usageClass on-demand" [ "$(jq -r .usageClass "$T_OUT" | sort -u)" = on-demand ]
ec2-terminate $(jq -r .instanceId "$T_OUT") >/dev/null
expect 4 "plain spot with no spot capacity: exit 4" ec2-launch --count 1 --resource-class large --run-id so3 --usage-class spot
check "names the type and zone" sh -c "grep -Eq 'InsufficientInstanceCapacity.*failed: [a-z0-9]+\.[a-z0-9]+ in us-east-1[abc]' $T_ERR"
sim POST /faults '{"spotCapacity":1,"capacity":1}' >/dev/null
expect 4 "spot for 1, on-demand dry too: exit 4" ec2-launch --count 3 --resource-class large --run-id so4 --usage-class spot-or-on-demand
check "got 1 of 3, the spot one terminated" err_has "got 1 of 3 instances"
sleep 0.5
expect 1 "nothing of it left running" ec2-list --run-id so4 --state pending,running
sim POST /reset-faults >/dev/null
expect 2 "an unknown usage class" ec2-launch --count 1 --resource-class large --run-id so5 --usage-class spot-first
expect 3 "no type matches: exit 3" ec2-launch --count 1 --resource-class large --run-id 9 --allowed-types 'z9.*'
check "names EC2's code" err_has InvalidFleetConfiguration
expect 3 "a template that does not exist: exit 3" ec2-launch --count 1 --resource-class large --run-id 9 --template nosuch
check "names it" err_has InvalidLaunchTemplateName
sim POST /faults '{"next":[{"service":"ec2","action":"CreateFleet","count":2,"code":"RequestLimitExceeded","status":503}]}' >/dev/null
expect 0 "throttled CreateFleet is retried" ec2-launch --count 1 --resource-class large --run-id 10
check "one instance" [ "$(lines "$T_OUT")" -eq 1 ]
ec2-terminate $(cut -f1 "$T_OUT") >/dev/null
sim POST /faults '{"next":[{"service":"ec2","action":"CreateFleet","count":10,"code":"RequestLimitExceeded","status":503}]}' >/dev/null
expect 4 "throttled past the retries: exit 4" env AWS_MAX_ATTEMPTS=2 ec2-launch --count 1 --resource-class large --run-id 12
sim POST /reset-faults >/dev/null
expect 1 "nothing of run 12" ec2-list --run-id 12

# --- ec2-terminate: refusals one by one
ec2-launch --count 2 --resource-class large --run-id 13 > "$T_TMP/two"
sim POST /faults '{"next":[{"service":"ec2","action":"TerminateInstances","count":2,"code":"UnauthorizedOperation","status":403}]}' >/dev/null
expect 3 "one refused of two: exit 3" ec2-terminate $(cut -f1 "$T_TMP/two")
check "the refused one says so" out_has "$(head -n1 "$T_TMP/two" | cut -f1)	error	UnauthorizedOperation"
check "the other one is terminated" sh -c "grep -q '^$(tail -n1 "$T_TMP/two" | cut -f1)	[a-z-]*	\(shutting-down\|terminated\)\$' $T_OUT"
sim POST /faults '{"next":[{"service":"ec2","action":"TerminateInstances","count":10,"code":"InternalError","status":500}]}' >/dev/null
expect 4 "server errors past the retries: exit 4" env AWS_MAX_ATTEMPTS=2 ec2-terminate $(head -n1 "$T_TMP/two" | cut -f1)
sim POST /reset-faults >/dev/null
expect 0 "then it goes" ec2-terminate $(head -n1 "$T_TMP/two" | cut -f1)

# --- ec2-list: refusals and retries
sim POST /faults '{"next":[{"service":"ec2","action":"DescribeInstances","count":2,"code":"RequestLimitExceeded","status":503}]}' >/dev/null
expect 1 "throttled listing is retried (and finds none running)" ec2-list --state running --run-id 13
sim POST /faults '{"next":[{"service":"ec2","action":"DescribeInstances","count":1,"code":"UnauthorizedOperation","status":403}]}' >/dev/null
expect 3 "a refused listing: exit 3" ec2-list
sim POST /reset-faults >/dev/null

# --- imds-get, from an instance's user data
cat > "$T_TMP/imds-ud" <<EOF
#!/bin/sh
get=$TOP/build/bin/imds-get
out=$T_TMP/imds
\$get meta-data/instance-id meta-data/instance-type meta-data/tags/instance/ec2-runner-pool:run-id > \$out.1 2>&1; echo "ok \$?" >> \$out.1
\$get meta-data/no-such-thing > \$out.2 2>&1; echo "notfound \$?" >> \$out.2
AWS_EC2_METADATA_DISABLED=true \$get meta-data/instance-id > \$out.3 2>&1; echo "disabled \$?" >> \$out.3
mv \$out.1 \$out.ok; mv \$out.2 \$out.notfound; mv \$out.3 \$out.disabled
sleep 120
EOF
expect 0 "template for the metadata pool" ec2-template --pool imds-pool --ami ami-0123456789abcdef0 --user-data-file "$T_TMP/imds-ud"
expect 0 "one instance there" ec2-launch --pool imds-pool --count 1 --resource-class large --run-id 14
read -r iid itype _ < "$T_OUT"
i=0
while [ ! -f "$T_TMP/imds.disabled" ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
check "imds-get: id, type and tag, one line each, exit 0" [ "$(cat "$T_TMP/imds.ok" 2>/dev/null)" = "$iid
$itype
14
ok 0" ]
check "imds-get: a path it lacks is exit 3" sh -c "tail -n1 $T_TMP/imds.notfound | grep -qx 'notfound 3'"
check "imds-get: disabled is exit 5" sh -c "tail -n1 $T_TMP/imds.disabled | grep -qx 'disabled 5'"
ec2-terminate "$iid" >/dev/null
expect 5 "imds-get off an instance: exit 5" env AWS_EC2_METADATA_SERVICE_ENDPOINT=http://127.0.0.1:1/ imds-get meta-data/instance-id

# --- bad input: exit 2, one line naming the input, nothing sent
# A CreateFleet whose answer is lost after EC2 did the work is retried with
# the same ClientToken: one fleet, not two.
n0=$(sim GET /instances | grep -c '"id"')
f0=$(sim GET /calls | grep -c '"action": "CreateFleet"')
sim POST /faults '{"next":[{"service":"ec2","action":"CreateFleet","dropAnswer":true}]}' >/dev/null
expect 0 "a launch whose first answer is lost succeeds on the retry" ec2-launch --count 2 --resource-class large --run-id lost1
check "two instances printed" [ "$(lines "$T_OUT")" -eq 2 ]
check "the request was sent twice" [ $(($(sim GET /calls | grep -c '"action": "CreateFleet"') - f0)) -eq 2 ]
check "one fleet launched: 2 instances, not 4" [ $(($(sim GET /instances | grep -c '"id"') - n0)) -eq 2 ]
expect 0 "an explicit --client-token" ec2-launch --count 1 --resource-class large --run-id tok1 --client-token ec2rp-tok1-a
t1=$(cut -f1 "$T_OUT")
expect 0 "the same token again: the same instance" ec2-launch --count 1 --resource-class large --run-id tok1 --client-token ec2rp-tok1-a
check "no new instance" [ "$(cut -f1 "$T_OUT")" = "$t1" ]
expect 3 "the same token for another request: IdempotentParameterMismatch" ec2-launch --count 2 --resource-class large --run-id tok1 --client-token ec2rp-tok1-a
check "named" err_has "IdempotentParameterMismatch"
expect 2 "a token with a space" ec2-launch --count 1 --resource-class large --run-id tok1 --client-token 'a b'
ec2-terminate $(sim GET /instances | tr -d ' \n' | grep -o '"id":"i-[0-9a-f]*","state":"running"' | sed 's/"id":"\(i-[0-9a-f]*\)".*/\1/') >/dev/null 2>&1

before=$(sim GET /calls | grep -c '"service"')
expect 2 "count 0" ec2-launch --count 0 --resource-class large --run-id 1
expect 2 "count 101" ec2-launch --count 101 --resource-class large --run-id 1
check "names --count" err_has "--count"
expect 2 "count -1" ec2-launch --count -1 --resource-class large --run-id 1
expect 2 "huge count" ec2-launch --count 99999999999999999999 --resource-class large --run-id 1
expect 2 "no count" ec2-launch --resource-class large --run-id 1
expect 2 "no run id" ec2-launch --count 1 --resource-class large
expect 2 "unknown class" ec2-launch --count 1 --resource-class huge --run-id 1
expect 2 "malformed class JSON" ec2-launch --count 1 --resource-class large --run-id 1 --class-config '{"x":'
check "names the config" err_has "class-config"
check "one line" [ "$(lines "$T_ERR")" -eq 1 ]
expect 2 "class JSON with a bad cpu" ec2-launch --count 1 --resource-class x --run-id 1 --class-config '{"x":{"cpu":-1,"mem":1024}}'
expect 2 "class JSON with trailing text" ec2-launch --count 1 --resource-class x --run-id 1 --class-config '{"x":{"cpu":1,"mem":1024}} x'
expect 5 "class config file missing: unreadable, a local failure" ec2-launch --count 1 --resource-class large --run-id 1 --class-config @"$T_TMP/nope.json"
check "names the file" err_has "nope.json"
expect 5 "class config that is a directory" ec2-launch --count 1 --resource-class large --run-id 1 --class-config @"$T_TMP"
expect 2 "bad glob" ec2-launch --count 1 --resource-class large --run-id 1 --allowed-types 'M5.*'
expect 2 "glob over 30 characters" ec2-launch --count 1 --resource-class large --run-id 1 --allowed-types 'abcdefghijklmnopqrstuvwxyz01234'
expect 2 "bad subnet" ec2-launch --count 1 --resource-class large --run-id 1 --subnet-ids 'subnet-1;x'
subnets=$(i=0; while [ $i -lt 21 ]; do printf 'subnet-%08x,' $i; i=$((i + 1)); done)
expect 2 "21 subnets" ec2-launch --count 1 --resource-class large --run-id 1 --subnet-ids "${subnets%,}"
expect 2 "usage class" ec2-launch --count 1 --resource-class large --run-id 1 --usage-class reserved
expect 2 "run id with spaces" ec2-launch --count 1 --resource-class large --run-id 'a b'
expect 2 "bad pool" ec2-launch --count 1 --resource-class large --run-id 1 --pool 'a/b'
expect 2 "stray argument" ec2-launch --count 1 --resource-class large --run-id 1 extra
expect 2 "bad state filter" ec2-list --state flying
expect 2 "empty state filter" ec2-list --state ''
expect 2 "trailing comma in states" ec2-list --state 'running,'
expect 2 "bad launched-before" ec2-list --launched-before yesterday
expect 2 "bad run id filter" ec2-list --run-id 'a;b'
expect 2 "bad instance id" ec2-terminate i-1
expect 2 "one bad id among good ones" ec2-terminate i-0123456789abcdef0 I-0123456789ABCDEF0
expect 2 "no ids" ec2-terminate
head -c 16385 /dev/zero > "$T_TMP/big"
expect 2 "user data of 16385 bytes" ec2-template --ami ami-0123456789abcdef0 --user-data-file "$T_TMP/big"
check "names the limit" err_has 16384
expect 5 "user data file that is a directory" ec2-template --ami ami-0123456789abcdef0 --user-data-file "$T_TMP"
expect 5 "user data file missing: unreadable, a local failure" ec2-template --ami ami-0123456789abcdef0 --user-data-file "$T_TMP/nope"
expect 2 "bad AMI" ec2-template --ami ami-XYZ
expect 2 "two AMIs" ec2-template --ami ami-01234567,ami-01234568
expect 2 "no AMI" ec2-template
expect 2 "bad group" ec2-template --ami ami-01234567 --security-group-ids sg-1
expect 2 "key name with a line break" ec2-template --ami ami-01234567 --key-name "$(printf 'a\nb')"
expect 2 "bad instance profile" ec2-template --ami ami-01234567 --instance-profile 'a b'
expect 2 "pool too short for a template" ec2-template --ami ami-01234567 --pool ab
expect 2 "imds-get: no path" imds-get
expect 2 "imds-get: empty path" imds-get ''
expect 2 "imds-get: an unknown option is not taken for a path" imds-get --no-such-flag
check "named as an option" err_has "unknown option --no-such-flag"
expect 2 "imds-get: path escaping /latest" imds-get meta-data/../../x
after=$(sim GET /calls | grep -c '"service"')
check "bad input sent no request" [ "$before" -eq "$after" ]
done_testing

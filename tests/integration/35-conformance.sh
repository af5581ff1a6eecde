#!/bin/sh
# Conformance with the official AWS SDK (JavaScript v3): every AWS operation
# in lib/ and cmd/ is produced by a real tool call below, recorded by the
# stack, then rebuilt and serialized by the SDK (tests/sim/conformance.js);
# the two requests must be the same.
#
# operation                         | produced by
# dynamodb CreateTable, DescribeTable, UpdateTimeToLive, DescribeTimeToLive | state-init
# dynamodb PutItem                  | state-cas ... none created; state-put signal/heartbeat/config
# dynamodb UpdateItem               | state-cas ... created running
# dynamodb BatchGetItem             | state-get, runner-wait
# dynamodb GetItem                  | state-watch
# dynamodb DeleteItem               | state-put delete
# dynamodb Scan                     | state-scan
# sqs CreateQueue, GetQueueAttributes, SetQueueAttributes | pool-init (new, existing, changed queues)
# sqs GetQueueUrl, SendMessageBatch | pool-push
# sqs ReceiveMessage, DeleteMessageBatch | pool-pop
# ec2 DescribeLaunchTemplateVersions, CreateLaunchTemplate, CreateLaunchTemplateVersion, ModifyLaunchTemplate | ec2-template
# ec2 CreateFleet                   | ec2-launch (with subnets, globs, spot)
# ec2 DescribeInstances             | ec2-list, ec2-terminate --pool
# ec2 TerminateInstances            | ec2-terminate
# sts AssumeRoleWithWebIdentity     | any tool with AWS_WEB_IDENTITY_TOKEN_FILE
. tests/integration/lib.sh
stack_start
sim POST /record '{"on":true,"clear":true}' >/dev/null
I=i-0123456789abcdef0

state-init >/dev/null 2>&1
state-cas --run-id c1 --threshold-in 600 --resource-class large --instance-type m5.large --usage-class spot "$I" none created >/dev/null
state-cas --run-id c1 --threshold-in 600 "$I" created running >/dev/null
state-get --consistent "$I" >/dev/null
state-get --kind config idle-time-sec >/dev/null
printf 600 | state-put config idle-time-sec >/dev/null
state-put signal "$I" registered --run-id c1 >/dev/null
state-put heartbeat "$I" >/dev/null
runner-wait --run-id c1 --signal registered --timeout 2 "$I" >/dev/null
state-watch "$I" --for run-id --deadline "$(($(date +%s) + 2))" >/dev/null
state-scan --expired >/dev/null
state-scan --run-id c1 --state running >/dev/null
state-put delete "$I" >/dev/null
pool-init large >/dev/null
pool-init large >/dev/null
# A queue made with other settings: pool-init sets them right.
node -e '
const { Stack, loadEnv } = require(process.cwd() + "/tests/sim/testlib.js");
const s = Object.create(Stack.prototype);
s.env = loadEnv(process.env.SIM_DIR);
s.ca = require("fs").readFileSync(s.env.AWS_CA_BUNDLE);
s.sqs("CreateQueue", { QueueName: "ec2-runner-pool-odd", Attributes: { MessageRetentionPeriod: "60" } }).then((r) => process.exit(r.status === 200 ? 0 : 1));
' || echo "# could not make the odd queue"
pool-init odd >/dev/null
pool-push --resource-class large --instance-type m5.large --usage-class spot --repository octo/c "$I" >/dev/null
pool-pop --resource-class large --instance-types 'm5.*' --usage-class spot --repository octo/c >/dev/null
printf '#!/bin/sh\ntrue\n' > "$T_TMP/ud"
ec2-template --ami ami-0123456789abcdef0 --user-data-file "$T_TMP/ud" --security-group-ids sg-01234567,sg-0123456789abcdef0 --instance-profile ci >/dev/null
ec2-template --ami ami-0123456789abcdef1 --user-data-file "$T_TMP/ud" --security-group-ids sg-01234567 --instance-profile ci >/dev/null
ec2-launch --count 1 --resource-class large --run-id c1 --subnet-ids subnet-01234567,subnet-0123456789abcdef0 --allowed-types 'm5.*,c6i.*' --usage-class spot > "$T_TMP/launched"
ec2-launch --count 1 --resource-class large --run-id c2 >> "$T_TMP/launched"
ec2-list --state pending,running --run-id c1 >/dev/null
# shellcheck disable=SC2046 # ids
ec2-terminate --pool ec2-runner-pool $(cut -f1 "$T_TMP/launched") >/dev/null
printf 'a.jwt.token\n' > "$T_TMP/jwt"
env -u AWS_ACCESS_KEY_ID -u AWS_SECRET_ACCESS_KEY AWS_WEB_IDENTITY_TOKEN_FILE="$T_TMP/jwt" \
	AWS_ROLE_ARN=arn:aws:iam::123456789012:role/ci state-scan --kind config >/dev/null

sim POST /record '{"on":false}' >/dev/null
sim GET /requests > "$T_TMP/requests.json"
node tests/sim/conformance.js "$T_TMP/requests.json" \
	"dynamodb CreateTable" "dynamodb DescribeTable" "dynamodb UpdateTimeToLive" "dynamodb DescribeTimeToLive" \
	"dynamodb PutItem" "dynamodb UpdateItem" "dynamodb BatchGetItem" "dynamodb GetItem" "dynamodb DeleteItem" "dynamodb Scan" \
	"sqs CreateQueue" "sqs GetQueueAttributes" "sqs SetQueueAttributes" "sqs GetQueueUrl" "sqs SendMessageBatch" "sqs ReceiveMessage" "sqs DeleteMessageBatch" \
	"ec2 DescribeLaunchTemplateVersions" "ec2 CreateLaunchTemplate" "ec2 CreateLaunchTemplateVersion" "ec2 ModifyLaunchTemplate" \
	"ec2 CreateFleet" "ec2 DescribeInstances" "ec2 TerminateInstances" "sts AssumeRoleWithWebIdentity" > "$T_TMP/tap" 2> "$T_TMP/node.err"
st=$?
# The SDK's own notices (Node version, body conversions) are not ours to show.
grep -q '^# conformance:' "$T_TMP/tap" || sed 's/^/# /' "$T_TMP/node.err"
# Renumber the script's checks into this test's sequence.
while IFS= read -r line; do
	case $line in
	'ok '*) ok "${line#ok * - }" ;;
	'not ok '*) not_ok "${line#not ok * - }" ;;
	*) echo "$line" ;;
	esac
done < "$T_TMP/tap"
check "the conformance script ran to the end (exit $st)" grep -q '^# conformance:' "$T_TMP/tap"
done_testing

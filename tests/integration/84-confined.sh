#!/bin/sh
# Issue 23 item 7, from the attacker's side: what the controlplane's role
# (a workflow that may assume it) and an instance's role (a job on it) may
# reach beyond their pool. The controlplane changes and launches only from
# its pool's template (tagged with the pool at creation) and launches only
# instances tagged with its pool; an instance changes no queue's attributes
# and hears only its own wake queue; queues are the pool's by their tag, not
# by a name prefix another pool's name may share.
. tests/integration/lib.sh
stack_start
export GITHUB_REPOSITORY=octo/app INPUT_AMI=ami-0123456789abcdef0
export EC2RP_COLD_TIMEOUT_SEC=30 EC2RP_ORPHAN_GRACE_SEC=0

# Another team's launch template in the account (made before the pool's
# policies judge anything, with the operator's own key).
expect 0 "another team's launch template" ec2-template --pool other-team --ami ami-0123456789abcdef0
expect 0 "a pool named ec2-runner-pool-x: its queues' names start with ec2-runner-pool-" pool-init --pool ec2-runner-pool-x large
sim POST /iam '{"pool":"ec2-runner-pool"}' >/dev/null
expect 0 "refresh" ec2rp-refresh

# 1. The controlplane's role and other templates.
expect 3 "the controlplane may not change another team's template" ec2-template --pool other-team --ami ami-0fedcba9876543210
check "refused as EC2 refuses" err_has "UnauthorizedOperation"
expect 3 "nor launch from it" ec2-launch --count 1 --resource-class large --run-id 841 --template other-team
expect 3 "nor launch from its own template instances tagged as another pool's" \
	ec2-launch --count 1 --resource-class large --run-id 841 --pool other-team --template ec2-runner-pool
expect 3 "nor read the queues of a pool whose name starts with its own" pool-pop --pool ec2-runner-pool-x --resource-class large
check "refused as SQS refuses" err_has "AccessDenied"
check "nothing was launched for run 841" sh -c "[ -z \"\$(ec2-list --pool other-team --state pending,running 2>/dev/null)\" ]"
expect 0 "provision 2 from its own template" env GITHUB_RUN_ID=842 INPUT_INSTANCE_COUNT=2 ec2rp-provision
X=$(sed -n 1p "$T_OUT"); Y=$(sed -n 2p "$T_OUT")

# 2. An instance's role and the queues' attributes (the queue policy too).
port=$(sim GET /instances | jq -r --arg id "$X" '.[] | select(.id == $id) | .imdsPort')
check "two instances ($X, $Y)" test -n "$X" -a -n "$Y" -a -n "$port"
# sqs_as_x ACTION QUEUE: ACTION on the queue with X's role credentials
# (@aws-sdk/client-sqs: the tools never change attributes); exit 3 when refused.
sqs_as_x() {
	env -u AWS_ACCESS_KEY_ID -u AWS_SECRET_ACCESS_KEY -u AWS_SESSION_TOKEN AWS_EC2_METADATA_DISABLED=false \
		AWS_EC2_METADATA_SERVICE_ENDPOINT="http://127.0.0.1:$port/" NODE_EXTRA_CA_CERTS="$AWS_CA_BUNDLE" \
		NODE_PATH=tests/sim/node_modules node -e '
	const sqs = require("@aws-sdk/client-sqs");
	const c = new sqs.SQSClient({ region: "us-east-1", endpoint: process.env.AWS_ENDPOINT_URL });
	const [action, name] = process.argv.slice(1);
	const policy = JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: "*", Action: "sqs:*", Resource: "*" }] });
	(async () => {
		const { QueueUrl } = await c.send(new sqs.GetQueueUrlCommand({ QueueName: name }));
		const more = action === "SetQueueAttributes" ? { Attributes: { Policy: policy, VisibilityTimeout: "0" } } : {};
		await c.send(new sqs[action + "Command"](Object.assign({ QueueUrl }, more)));
	})().then(() => process.exit(0), (e) => { console.error(e.name + ": " + e.message); process.exit(/AccessDenied/.test(e.name) ? 3 : 5); });
	' "$@"
}
expect 3 "an instance may not set another instance's wake queue's attributes (its policy)" sqs_as_x SetQueueAttributes "ec2-runner-pool-wake-$Y"
expect 3 "nor its own's" sqs_as_x SetQueueAttributes "ec2-runner-pool-wake-$X"
expect 3 "nor a class queue's" sqs_as_x SetQueueAttributes ec2-runner-pool-large
expect 3 "it may not receive another instance's wake messages (its wake queue is tagged with its instance)" sqs_as_x ReceiveMessage "ec2-runner-pool-wake-$Y"
expect 0 "its own, yes" sqs_as_x ReceiveMessage "ec2-runner-pool-wake-$X"
expect 3 "nor return itself into another pool's queue (a name with its pool's prefix)" \
	env -u AWS_ACCESS_KEY_ID -u AWS_SECRET_ACCESS_KEY -u AWS_SESSION_TOKEN AWS_EC2_METADATA_DISABLED=false \
	AWS_EC2_METADATA_SERVICE_ENDPOINT="http://127.0.0.1:$port/" pool-push --pool ec2-runner-pool-x --resource-class large "$X"
expect 0 "release run 842" env GITHUB_RUN_ID=842 ec2rp-release
check "both go back to the pool (their wake queues need no attribute change)" wait_for 20 pooled large 2
refused=$(sim GET /iam | jq --arg y "$Y" '[.refusals[] | select(.principal | test("assumed-role/[^/]+/i-")) | select(.action != "sqs:SetQueueAttributes" and .resource != "arn:aws:sqs:us-east-1:123456789012:ec2-runner-pool-wake-\($y)" and (.resource | test("pool-x-") | not))] | length')
check "the agents were refused nothing else ($refused)" [ "$refused" -eq 0 ]
done_testing

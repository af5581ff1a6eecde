#!/bin/sh
# Issue 23 item 4, from the attacker's side: a job copies its instance's
# role credentials out of metadata and uses them from another host (here
# the controlplane's, through the stack's outside listener, which stands
# for a host outside the pool's VPC). AWS binds such credentials to their
# instance only for requests through a VPC endpoint (aws:SourceVpc,
# aws:VpcSourceIp against aws:Ec2InstanceSourceVpc and
# aws:Ec2InstanceSourcePrivateIPv4; docs/iam/README.md): instance.json's
# OnlyFromItsVpc and OnlyFromItsAddress refuse another VPC's endpoint, and
# instance-vpc-endpoints.json refuses the public endpoints, for pools whose
# subnets reach DynamoDB, SQS and EC2 through VPC endpoints.
. tests/integration/lib.sh
stack_start
# The pool's instances reach the services through their VPC's endpoints,
# and their role has instance-vpc-endpoints.json too.
sim POST /iam '{"pool":"ec2-runner-pool","vpcEndpoints":true}' >/dev/null
export GITHUB_REPOSITORY=octo/app INPUT_AMI=ami-0123456789abcdef0
export EC2RP_COLD_TIMEOUT_SEC=30 EC2RP_RELEASE_TIMEOUT_SEC=4 EC2RP_ORPHAN_GRACE_SEC=0

expect 0 "refresh" ec2rp-refresh
expect 0 "provision 1: its agent works through the VPC's endpoints, bound" env GITHUB_RUN_ID=831 ec2rp-provision
X=$(sed -n 1p "$T_OUT")
port=$(sim GET /instances | jq -r --arg id "$X" '.[] | select(.id == $id) | .imdsPort')
check "an instance to copy from ($X)" test -n "$X" -a -n "$port"

# What a job on it copies: the role's credentials, from IMDSv2.
m="http://127.0.0.1:$port/"
t=$(curl -fsS -X PUT -H 'X-aws-ec2-metadata-token-ttl-seconds: 60' "${m}latest/api/token")
role=$(curl -fsS -H "X-aws-ec2-metadata-token: $t" "${m}latest/meta-data/iam/security-credentials/")
curl -fsS -H "X-aws-ec2-metadata-token: $t" "${m}latest/meta-data/iam/security-credentials/$role" > "$T_TMP/creds"
check "the job got them" grep -q AccessKeyId "$T_TMP/creds"
# copied RUN...: RUN with the copied credentials, from the controlplane's host.
copied() {
	AWS_ACCESS_KEY_ID=$(jq -r .AccessKeyId "$T_TMP/creds") AWS_SECRET_ACCESS_KEY=$(jq -r .SecretAccessKey "$T_TMP/creds") \
		AWS_SESSION_TOKEN=$(jq -r .Token "$T_TMP/creds") AWS_ENDPOINT_URL="$SIM_AWS_OUTSIDE" "$@"
}
# on_x RUN...: RUN with the same credentials on the instance (its VPC, its address).
on_x() {
	AWS_ACCESS_KEY_ID=$(jq -r .AccessKeyId "$T_TMP/creds") AWS_SECRET_ACCESS_KEY=$(jq -r .SecretAccessKey "$T_TMP/creds") \
		AWS_SESSION_TOKEN=$(jq -r .Token "$T_TMP/creds") "$@"
}
expect 0 "on the instance they read its record" on_x state-get --consistent "$X"

# 1. From outside, through the public endpoints: refused.
expect 3 "copied, through the public endpoint: DynamoDB refuses (its record)" copied state-get --consistent "$X"
check "as DynamoDB refuses" err_has "AccessDeniedException"
expect 3 "nor its token item (where release or the next claim puts a token)" copied state-get --consistent --kind token "$X"
expect 3 "nor its signal" copied state-put signal "$X" deregistered
expect 3 "SQS refuses (its wake queue)" copied pool-init "wake-$X"
expect 3 "EC2 refuses (terminate it)" copied ec2-terminate "$X"
running() { sim GET /instances | jq -e --arg id "$1" '.[] | select(.id == $id and .state == "running")' >/dev/null; }
check "which still runs" running "$X"

# 2. From another VPC's endpoint: instance.json alone refuses it.
sim POST /iam '{"pool":"ec2-runner-pool","outside":"vpc"}' >/dev/null
expect 3 "copied, through another VPC's endpoint: refused by instance.json alone" copied state-get --consistent "$X"
expect 0 "on the instance, through the public endpoint, they still work" on_x state-get --consistent "$X"
# What AWS cannot bind: without VPC endpoints (and instance-vpc-endpoints.json)
# a request through a public endpoint carries no aws:SourceVpc, and the
# documented conditions do not apply (docs/security.md, "What does not hold yet").
sim POST /iam '{"pool":"ec2-runner-pool","outside":"public"}' >/dev/null
expect 0 "the limit: without VPC endpoints, the public endpoint takes them from anywhere" copied state-get --consistent "$X"

# 3. The lifecycle goes on under the binding.
sim POST /iam '{"pool":"ec2-runner-pool","vpcEndpoints":true}' >/dev/null
expect 0 "release run 831" env GITHUB_RUN_ID=831 ec2rp-release
check "the instance returns to the pool, bound" wait_for 20 pooled large 1
expect 0 "a warm provision claims it" env GITHUB_RUN_ID=832 ec2rp-provision
check "the same instance" out_has "$X"
refused=$(sim GET /iam | jq '[.refusals[] | select(.principal | test("assumed-role/[^/]+/i-"))] | length')
check "the agent was never refused ($refused)" [ "$refused" -eq 0 ]
refused=$(sim GET /iam | jq '[.refusals[] | select(.principal | test("assumed-role/[^/]+/i-") | not)] | length')
check "nor the controlplane ($refused)" [ "$refused" -eq 0 ]
done_testing

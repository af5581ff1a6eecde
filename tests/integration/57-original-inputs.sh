#!/bin/sh
# Inputs as the original action's users write them: space-separated lists
# (subnet-ids, security-group-ids, allowed-instance-types) and a class config
# with quoted numbers and "mmem". Each arrives in the request as AWS needs it.
. tests/integration/lib.sh
stack_start
export GITHUB_REPOSITORY=octo/orig INPUT_AMI=ami-0123456789abcdef0 EC2RP_COLD_TIMEOUT_SEC=30 EC2RP_ORPHAN_GRACE_SEC=0
sgs() { sim GET /templates | jq -r '.[0].data.SecurityGroupIds // [] | join(" ")'; }
expect 0 "refresh with space-separated security groups" env INPUT_SECURITY_GROUP_IDS="sg-01234567  sg-0123456789abcdef0" ec2rp-refresh
check "both groups in the launch template ($(sgs))" [ "$(sgs)" = "sg-01234567 sg-0123456789abcdef0" ]
expect 0 "provision with space-separated types and subnets, class config quoted and with mmem" env GITHUB_RUN_ID=o1 \
	INPUT_INSTANCE_COUNT=2 INPUT_ALLOWED_INSTANCE_TYPES="c6i.* m6i.*" \
	INPUT_SUBNET_IDS="subnet-0123456789abcdef0 subnet-0123456789abcdef1" \
	INPUT_RESOURCE_CLASS=orig INPUT_RESOURCE_CLASS_CONFIG='{"orig": {"cpu": "2", "mmem": "4096"}}' ec2rp-provision
ids=$(cat "$T_OUT")
types=$(for id in $ids; do sim GET /instances | jq -r --arg id "$id" '.[] | select(.id == $id) | .type'; done | sort -u)
subnets=$(for id in $ids; do sim GET /instances | jq -r --arg id "$id" '.[] | select(.id == $id) | .subnet'; done | sort -u)
check "2 vCPU, at least 4096 MiB, from the globs ($types)" sh -c "echo '$types' | grep -Eqx 'c6i.large|m6i.large'"
check "in the given subnets ($subnets)" sh -c "echo '$subnets' | grep -Eqx 'subnet-0123456789abcdef[01]'"
expect 0 "release" env GITHUB_RUN_ID=o1 ec2rp-release
expect 2 "a list with a newline is still refused" env GITHUB_RUN_ID=o2 INPUT_SUBNET_IDS="subnet-0123456789abcdef0
subnet-0123456789abcdef1" ec2rp-provision
check "naming the input" err_has "invalid input subnet-ids"
model_check
done_testing

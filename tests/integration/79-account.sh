#!/bin/sh
# What the account must offer before refresh sets a pool up: subnets that
# can serve one fleet (EC2 knows each, one VPC, at most one per
# Availability Zone, none twice), checked in EC2 before any change and
# refused like a bad input (one line naming the pair, exit 2); and for a
# spot pool the service-linked role for Spot Instances, without which EC2
# refuses every spot launch (refused, saying how to create it, exit 3).
# shellcheck disable=SC2119 # the stack takes no arguments
. tests/integration/lib.sh
stack_start
export GITHUB_REPOSITORY=octo/account INPUT_AMI=ami-0123456789abcdef0
A=subnet-0123456789abcdef0 B=subnet-0123456789abcdef1 B2=subnet-01234567 OTHER=subnet-0fedcba9876543210
# one_line TEXT: stderr is one line, holding TEXT.
one_line() { [ "$(grep -c . "$T_ERR")" -eq 1 ] && err_has "$1"; }
# calls: the requests the stack has seen, one action a line.
calls() { sim GET /calls | jq -r '.[].action'; }

# --- ec2-subnets
expect 0 "ec2-subnets lists two" ec2-subnets "$A" "$B2"
check "id, VPC and zone" [ "$(cat "$T_OUT")" = "$A	vpc-0123456789abcdef0	us-east-1a
$B2	vpc-0123456789abcdef0	us-east-1b" ]
expect 0 "--check: two zones of one VPC can serve a fleet" ec2-subnets --check "$A" "$B"
check "saying nothing" [ ! -s "$T_OUT" ]
expect 1 "--check: two subnets of one zone" ec2-subnets --check "$A" "$B" "$B2"
check "names the pair and the zone" out_has "$B and $B2 are both in us-east-1b: an EC2 Fleet cannot span two subnets of one Availability Zone"
expect 1 "--check: two VPCs" ec2-subnets --check "$A" "$OTHER"
check "names the pair and the VPCs" out_has "$A (vpc-0123456789abcdef0) and $OTHER (vpc-0fedcba9876543210) are in different VPCs"
n0=$(calls | grep -c .)
expect 1 "--check: one given twice" ec2-subnets --check "$A" "$B" "$A"
check "names it" out_has "$A is given twice"
check "without asking EC2" [ "$(calls | grep -c .)" -eq "$n0" ]
expect 1 "--check: one EC2 does not know" ec2-subnets --check "$A" subnet-0aaaaaaaaaaaaaaaa
check "in EC2's words, with its code" sh -c "grep -F InvalidSubnetID.NotFound '$T_OUT' | grep -qF \"The subnet ID 'subnet-0aaaaaaaaaaaaaaaa' does not exist\""
expect 3 "without --check, an unknown subnet is EC2's refusal" ec2-subnets subnet-0aaaaaaaaaaaaaaaa
check "named" err_has InvalidSubnetID.NotFound
sim POST /faults '{"next":[{"service":"ec2","action":"DescribeSubnets","count":1,"code":"UnauthorizedOperation","status":403}]}' >/dev/null
expect 3 "a refused look-up: exit 3" ec2-subnets --check "$A"
sim POST /faults '{"next":[{"service":"ec2","action":"DescribeSubnets","count":9,"code":"RequestLimitExceeded","status":503}]}' >/dev/null
expect 4 "throttled past the retries: exit 4" env AWS_MAX_ATTEMPTS=2 ec2-subnets --check "$A"
sim POST /reset-faults >/dev/null
n0=$(calls | grep -c .)
expect 2 "no ids" ec2-subnets --check
expect 2 "a malformed id" ec2-subnets "$A" subnet-1
expect 2 "21 ids" ec2-subnets $(i=0; while [ $i -lt 21 ]; do printf 'subnet-%08x ' $i; i=$((i + 1)); done)
expect 2 "an unknown option" ec2-subnets --vpc x "$A"
check "nothing sent for bad usage" [ "$(calls | grep -c .)" -eq "$n0" ]

# --- refresh: the subnets, before any change
refused() { # NAME SUBNETS WANT: refresh refuses SUBNETS in one line with WANT, nothing changed
	n0=$(calls | grep -c .)
	expect 2 "refresh refuses $1" env INPUT_SUBNET_IDS="$2" ec2rp-refresh
	check "in one line naming the input: $(head -c 200 "$T_ERR")" one_line "invalid input subnet-ids: $3"
	check "nothing but the look-up sent" [ "$(calls | tail -n +$((n0 + 1)) | sort -u | tr '\n' ' ')" = "${4-DescribeSubnets }" ]
}
refused "two subnets of one zone" "$A $B $B2" "$B and $B2 are both in us-east-1b"
refused "two VPCs" "$A,$OTHER" "$A (vpc-0123456789abcdef0) and $OTHER (vpc-0fedcba9876543210) are in different VPCs"
refused "an unknown subnet" "$A subnet-0aaaaaaaaaaaaaaaa" "InvalidSubnetID.NotFound: The subnet ID 'subnet-0aaaaaaaaaaaaaaaa' does not exist"
refused "a subnet given twice" "$A $B $A" "$A is given twice" ""
refused "21 subnets" "$(i=0; while [ $i -lt 21 ]; do printf 'subnet-%08x ' $i; i=$((i + 1)); done)" "expected 1 to 20 subnet ids" ""
sim POST /faults '{"next":[{"service":"ec2","action":"DescribeSubnets","count":1,"code":"UnauthorizedOperation","status":403}]}' >/dev/null
expect 3 "refresh that cannot check the subnets stops: exit 3" env INPUT_SUBNET_IDS="$A $B" ec2rp-refresh
check "saying why and that nothing was changed" sh -c "grep -q 'could not check subnet-ids in EC2 (ec2-subnets exit 3: unable to describe the subnets: UnauthorizedOperation.*); nothing was changed' '$T_ERR'"
check "no table was made" [ "$(calls | grep -c CreateTable)" -eq 0 ]
expect 0 "refresh with one subnet per zone of one VPC" env INPUT_SUBNET_IDS="$A $B" ec2rp-refresh
check "stored" [ "$(state-get --kind config subnet-ids | cut -f2)" = "$A,$B" ]

# --- the spot service-linked role
expect 0 "iam-get-role: the account has the spot role" iam-get-role AWSServiceRoleForEC2Spot
check "its ARN, at AWS's path" out_has "arn:aws:iam::123456789012:role/aws-service-role/spot.amazonaws.com/AWSServiceRoleForEC2Spot"
check "signed for IAM" [ "$(sim GET /calls | jq '[.[] | select(.service == "iam" and .action == "GetRole" and .status == 200)] | length')" -eq 1 ]
expect 1 "iam-get-role: no such role" iam-get-role NoSuchRole
expect 2 "iam-get-role: a bad name" iam-get-role 'a/b'
expect 2 "iam-get-role: no name" iam-get-role
expect 2 "iam-get-role: two names" iam-get-role a b
sim POST /faults '{"next":[{"service":"iam","action":"GetRole","count":1,"code":"AccessDenied","status":403}]}' >/dev/null
expect 3 "iam-get-role refused: exit 3" iam-get-role AWSServiceRoleForEC2Spot
sim POST /faults '{"next":[{"service":"iam","action":"GetRole","count":9,"code":"InternalFailure","status":500}]}' >/dev/null
expect 4 "iam-get-role past the retries: exit 4" env AWS_MAX_ATTEMPTS=2 iam-get-role AWSServiceRoleForEC2Spot
sim POST /reset-faults >/dev/null
sim POST /account '{"spotRole":false}' >/dev/null
expect 1 "an account without the spot role" iam-get-role AWSServiceRoleForEC2Spot
expect 3 "a spot launch is refused" ec2-launch --count 1 --resource-class large --run-id slr1 --usage-class spot
check "with EC2's code" err_has AuthFailure.ServiceLinkedRoleCreationNotPermitted
expect 3 "spot-or-on-demand does not fall back from it" ec2-launch --count 1 --resource-class large --run-id slr2 --usage-class spot-or-on-demand
check "nothing launched" [ "$(sim GET /instances | jq '[.[] | select(.tags["ec2-runner-pool:run-id"] | IN("slr1", "slr2"))] | length')" -eq 0 ]
expect 0 "on-demand is not affected" ec2-launch --count 1 --resource-class large --run-id slr3
ec2-terminate "$(cut -f1 "$T_OUT")" >/dev/null
for u in spot spot-or-on-demand; do
	n0=$(calls | grep -c .)
	expect 3 "refresh of a $u pool without the role stops" env INPUT_USAGE_CLASS=$u ec2rp-refresh
	check "saying what to do, in one line" one_line "usage-class $u needs the service-linked role AWSServiceRoleForEC2Spot, which this account lacks: create it once with 'aws iam create-service-linked-role --aws-service-name spot.amazonaws.com'; nothing was changed"
	check "nothing but the look-up sent" [ "$(calls | tail -n +$((n0 + 1)) | sort -u | tr '\n' ' ')" = "GetRole " ]
done
sim POST /faults '{"next":[{"service":"iam","action":"GetRole","count":1,"code":"AccessDenied","status":403}]}' >/dev/null
expect 0 "refresh that may not look the role up warns and goes on" env INPUT_USAGE_CLASS=spot ec2rp-refresh
check "saying so" err_has "could not check for the service-linked role AWSServiceRoleForEC2Spot (iam-get-role exit 3)"
sim POST /account '{"spotRole":true}' >/dev/null
expect 0 "with the role, refresh of a spot pool" env INPUT_USAGE_CLASS=spot ec2rp-refresh
check "without a word about it" sh -c "! grep -q AWSServiceRoleForEC2Spot '$T_ERR'"
n0=$(calls | grep -c .)
expect 0 "an on-demand pool does not look" env INPUT_USAGE_CLASS=on-demand ec2rp-refresh
check "no GetRole" [ "$(calls | tail -n +$((n0 + 1)) | grep -c GetRole)" -eq 0 ]

# --- a provision's rollback of what it created, while EC2 does not know it yet
refuse_state_cas "none created"
sim POST /faults '{"unseenSec":3}' >/dev/null
expect 1 "a provision that cannot record its new instance fails" \
	env PATH="$T_TMP/broken:$PATH" GITHUB_RUN_ID=791 INPUT_INSTANCE_COUNT=1 ec2rp-provision
sim POST /reset-faults >/dev/null
check "saying why" err_has "could not record the new instance"
new=$(sim GET /instances | jq -r '.[] | select(.tags["ec2-runner-pool:run-id"] == "791") | .id')
check "and the instance it launched ($new) is terminated, not taken for gone" \
	sh -c "[ -n '$new' ] && echo '$(sim GET /instances | jq -r --arg id "$new" '.[] | select(.id == $id) | .state')' | grep -Eqx 'shutting-down|terminated'"
check "without a failed terminate" sh -c "! grep -q 'terminate failed' '$T_ERR'"

model_check
done_testing

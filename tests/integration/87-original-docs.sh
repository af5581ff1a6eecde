#!/bin/sh
# Issue 24: the original action's documented workflows (fleet-actions/
# ec2-runner-pool-manager, its README and docs/) through this action's
# entrypoint, each step's with: inputs as the docs write them; only uses:
# changed. Each example in a repository (a pool) of its own, three times:
# (a) under the original's two IAM policies: refresh stops at
#     dynamodb:DescribeTimeToLive in one line, and nothing is created;
# (b) this project's workflow policy, the original's instance policy: the
#     example works once, then its instances say terminate-denied, naming
#     what the role lacks (pool-status);
# (c) this project's policies: as under the original (runners for the run,
#     jobs run, release, reuse).
# Examples: README "Quickstart Example" (ci.yml); getting-started/
# quickstart.md (refresh.yml, ci.yml); getting-started/prerequisites.md
# (refresh.yml); examples/basic-workflow.md (refresh.yml,
# ci-ruby-matrix.yml); examples/advanced-scenarios.md 1 (main-ci.yml spot,
# release.yml on-demand) and 2 (refresh.yml with classes, ci-standard.yml,
# ci-high-cpu.yml); getting-started/advanced-configuration.md (its
# provision snippets: ami and pre-runner-script under mode: provision,
# resource-class xlarge, custom classes).
. tests/integration/lib.sh
stack_start
export GITHUB_ACTIONS=true GITHUB_OUTPUT=$T_TMP/gh-output GITHUB_STEP_SUMMARY=$T_TMP/gh-summary
export EC2RP_COLD_TIMEOUT_SEC=30 EC2RP_RELEASE_TIMEOUT_SEC=6 EC2RP_ORPHAN_GRACE_SEC=0
# The docs' placeholders for "your" values (quickstart.md step 1: "inputs
# from Prerequisites", whose sections are your AMI, security group and
# subnets; the examples' comments: "Your chosen AMI ID", "Your security
# group", "Your subnets", "A general-purpose AMI suitable for all tasks")
# become ids the stack knows. Nothing else is changed.
AMI=ami-0123456789abcdef0 SG=sg-0123456789abcdef0
S1=subnet-0123456789abcdef1 S2=subnet-0123456789abcdef2 S3=subnet-0123456789abcdef3
as_repo() { r=$1; shift; env GITHUB_REPOSITORY="$r" sh -c '. tests/integration/lib.sh; T_TMP=$0; as_action "$@"' "$T_TMP" "$@"; }
in_pool() { p=$1; shift; env EC2RP_POOL="$p" "$@"; }

# The refresh steps, as each page writes them (github-token is
# ${{ secrets.GH_PAT }}).
# quickstart.md, refresh.yml
refresh_quickstart() {
	as_repo "$1" mode=refresh github-token="$GITHUB_TOKEN" ami=$AMI iam-instance-profile=your-instance-profile \
		security-group-ids=$SG subnet-ids="$S1 $S2 $S3" aws-region=us-east-1
}
# prerequisites.md, refresh.yml: the same and its pre-runner script (a
# block scalar: the text ends in a newline).
refresh_prerequisites() {
	as_repo "$1" mode=refresh github-token="$GITHUB_TOKEN" ami=$AMI iam-instance-profile=your-instance-profile \
		security-group-ids=$SG subnet-ids="$S1 $S2 $S3" aws-region=us-east-1 pre-runner-script='echo "hello world"
'
}
# basic-workflow.md and advanced-scenarios.md 1, refresh.yml
refresh_basic() {
	as_repo "$1" mode=refresh github-token="$GITHUB_TOKEN" ami=$AMI iam-instance-profile=YourInstanceProfileName \
		security-group-ids=$SG subnet-ids="$S1 $S2"
}
# advanced-scenarios.md 2, refresh.yml with its classes
refresh_classes() {
	as_repo "$1" mode=refresh github-token="$GITHUB_TOKEN" ami=$AMI iam-instance-profile=YourInstanceProfileName \
		security-group-ids=$SG subnet-ids=$S1 resource-class-config='{
  "standard-compute": { "cpu": 2, "mmem": 4096 },
  "high-cpu-compute": { "cpu": 8, "mmem": 16384 }
}
' allowed-instance-types="c* m* r*"
}
# advanced-configuration.md 4, "Custom Resource Classes": its refresh
# snippet gives only the classes; the rest from prerequisites.md.
refresh_custom() {
	as_repo "$1" mode=refresh github-token="$GITHUB_TOKEN" ami=$AMI iam-instance-profile=your-instance-profile \
		security-group-ids=$SG subnet-ids="$S1 $S2 $S3" aws-region=us-east-1 \
		resource-class-config='{ "custom-large": { "cpu": 4, "mmem": 8000 }, "custom-extra-large": { "cpu": 8, "mmem": 16000 } }'
}

tpl_of() { sim GET /templates | jq -r --arg n "$1" '[.[] | select(.name == $n)] | length'; }
n_instances() { sim GET /instances | jq length; }
no_table() { ! in_pool "$1" state-get --kind config github-scope > /dev/null 2>&1 && in_pool "$1" state-get --kind config github-scope 2>&1 | grep -q ResourceNotFoundException; }
one_error_naming() { [ "$(grep -c '^::error::' "$T_ERR")" -eq 1 ] && grep '^::error::' "$T_ERR" | grep -q "$1"; }
# ids_on RUN: the instances that ran a job labelled RUN, from the stack.
ran_on() { sim GET /jobs | jq -r --arg l "$1" '.[] | select(.label == $l) | .runner.name // .runner' | sort -u | tr '\n' ' '; }
# jobs_ok RUN N SCRIPT: N jobs on the run's runners (a matrix), each a success.
jobs_ok() {
	_k=0
	while [ $_k -lt "$2" ]; do
		job "$1" "$3" > "$T_TMP/jobout" 2>&1
		head -n 1 "$T_TMP/jobout" | grep -qx success || { cat "$T_TMP/jobout"; return 1; }
		_k=$((_k + 1))
	done
}
is_running_for() { [ "$(in_pool "$1" state-get --consistent $2 | cut -f2,3 | sort -u | tr '\t\n' ': ')" = "running:$3 " ]; }
idle_all() { [ "$(in_pool "$1" state-get --consistent $2 | cut -f2 | sort -u)" = idle ]; }
pooled_in() { p=$1; shift; env EC2RP_POOL="$p" sh -c '. tests/integration/lib.sh; pooled "$@"' "$T_TMP" "$@"; }

# (a) ORIGINAL_POLICIES REFRESH REPO POOL: the example's refresh under both
# of the original's policies.
original_policies() {
	sim POST /iam "{\"pool\":\"$3\",\"controlPolicy\":\"$TOP/tests/sim/original-iam/controlplane.json\",\"instancePolicy\":\"$TOP/tests/sim/original-iam/instance.json\"}" > /dev/null
	n0=$(n_instances)
	expect 3 "$2: refresh under the original's two policies" "$1" "$2"
	check_with "$T_ERR" "$2: one ::error:: line naming dynamodb:DescribeTimeToLive" one_error_naming 'dynamodb:DescribeTimeToLive'
	check "$2: no launch template, no instance" [ "$(tpl_of "$3") $(n_instances)" = "0 $n0" ]
	check "$2: no table for pool $3" no_table "$3"
	sim POST /iam '{}' > /dev/null
}
# (b) ORIGINAL_INSTANCE REPO POOL: the original's instance policy under
# this project's workflow policy; the example's refresh already ran.
original_instance() { sim POST /iam "{\"pool\":\"$2\",\"instancePolicy\":\"$TOP/tests/sim/original-iam/instance.json\"}" > /dev/null; }
# denied REPO POOL IDS: each instance says terminate-denied after its run,
# pool-status names both permissions.
denied() {
	for _d in $3; do
		check "$1: $_d signals terminate-denied after its run" wait_for 30 sh -c "[ \"\$(EC2RP_POOL=$2 state-get --consistent --kind signal $_d | cut -f2)\" = terminate-denied ]"
	done
	expect 0 "$1: pool-status" in_pool "$2" pool-status
	check "$1: names sqs:SendMessage,ec2:TerminateInstances for each" [ "$(grep -c "^stopped	.*	terminate-denied	.*	sqs:SendMessage,ec2:TerminateInstances$" "$T_OUT")" -eq "$(echo $3 | wc -w)" ]
	# This project's policies from here on.
	sim POST /iam "{\"pool\":\"$2\"}" > /dev/null
}
# done_with POOL: the example's instances end (the machine is small).
done_with() {
	sim GET /instances | jq -r --arg p "$1" '.[] | select(.state == "running" and ((.tags // {})["ec2-runner-pool:pool"] == $p)) | .id' > "$T_TMP/ids"
	[ ! -s "$T_TMP/ids" ] || in_pool "$1" ec2-terminate $(cat "$T_TMP/ids") > /dev/null 2>&1
}
type_of() { sim GET /instances | jq -r --arg id "$1" '.[] | select(.id == $id) | .type'; }
ids_out() { tr -s '\n' ' ' < "$T_OUT" | sed 's/ $//'; }
sorted() { printf '%s\n' "$@" | sort | tr '\n' ' '; }
types_of() { for _i in $1; do type_of "$_i"; done | sort -u | tr '\n' ' '; }
# The jobs: each page's run: lines, less what only the AMI brings (aws,
# docker: the AMI's, not the action's; 86-keep tests the docker group)
# and actions the stack's stand-in runner cannot run (checkout, setup-ruby).
HELLO='echo "hello matrix"; pwd'

# --- 1. quickstart.md: refresh.yml and ci.yml ----------------------------
# As written, with the page's placeholders: refused before any request.
expect 2 "quickstart.md's refresh.yml as written (ami-123, sg-123, subnet-123)" as_repo octo/quickstart mode=refresh \
	github-token="$GITHUB_TOKEN" ami=ami-123 iam-instance-profile=your-instance-profile security-group-ids=sg-123 \
	subnet-ids="subnet-123 subnet-456 subnet-789" aws-region=us-east-1
check_with "$T_ERR" "::error:: lines name ami, security-group-ids and subnet-ids" sh -c "grep -q '^::error::refresh: invalid input ami' '$T_ERR' && grep -q '^::error::refresh: invalid input security-group-ids' '$T_ERR' && grep -q '^::error::refresh: invalid input subnet-ids' '$T_ERR'"
check "nothing created" no_table octo-quickstart
original_policies refresh_quickstart octo/quickstart octo-quickstart
original_instance octo/quickstart octo-quickstart
expect 0 "quickstart: refresh.yml (original instance policy)" refresh_quickstart octo/quickstart
expect 0 "quickstart: ci.yml's provision, instance-count 2" as_repo octo/quickstart GITHUB_RUN_ID=8701 mode=provision instance-count=2
Q0=$(ids_out)
check "quickstart: lint and test ran on the run's runners" jobs_ok 8701 2 "$HELLO"
expect 0 "quickstart: ci.yml's release" as_repo octo/quickstart GITHUB_RUN_ID=8701 mode=release
denied octo/quickstart octo-quickstart "$Q0"
expect 0 "quickstart: ci.yml's provision (this project's policies)" as_repo octo/quickstart GITHUB_RUN_ID=8702 mode=provision instance-count=2
Q1=$(ids_out)
check "2 runners, none of the stopped ones ($Q1)" sh -c "[ $(echo $Q1 | wc -w) -eq 2 ] && ! echo '$Q1' | grep -qwF -e '$(echo $Q0 | cut -d' ' -f1)' -e '$(echo $Q0 | cut -d' ' -f2)'"
check "lint and test ran" jobs_ok 8702 2 "$HELLO"
expect 0 "ci.yml's release" as_repo octo/quickstart GITHUB_RUN_ID=8702 mode=release
check "both back in the pool" wait_for 20 pooled_in octo-quickstart large 2
expect 0 "ci.yml again: provision" as_repo octo/quickstart GITHUB_RUN_ID=8703 mode=provision instance-count=2
check "reuses both" [ "$(sorted $(cat "$T_OUT"))" = "$(sorted $Q1)" ]
check "lint and test ran" jobs_ok 8703 2 "$HELLO"
expect 0 "ci.yml's release" as_repo octo/quickstart GITHUB_RUN_ID=8703 mode=release
check "both back in the pool" wait_for 20 pooled_in octo-quickstart large 2
# advanced-configuration.md 3: ami and pre-runner-script under mode:
# provision ("AL2023 image"). They are refresh's inputs; the original's
# provision read neither, silently. Here: taken from the pool, and said.
expect 0 "advanced-configuration.md 3: provision with ami and pre-runner-script" as_repo octo/quickstart GITHUB_RUN_ID=8704 \
	mode=provision ami=ami-123 pre-runner-script='#!/bin/bash
sudo yum update -y && \
sudo yum install docker -y && \
sudo yum install git -y && \
sudo yum install libicu -y && \
sudo systemctl enable docker
'
check_with "$T_ERR" "a ::warning:: naming both as refresh's, ignored" grep -q '^::warning::inputs ami pre-runner-script are refresh.s' "$T_ERR"
check "an instance from the pool" sh -c "echo '$Q1' | grep -qw '$(cat "$T_OUT")'"
expect 0 "its release" as_repo octo/quickstart GITHUB_RUN_ID=8704 mode=release
# advanced-configuration.md 4: resource-class xlarge, "c6* m5*".
expect 0 "advanced-configuration.md 4: resource-class xlarge, allowed-instance-types c6* m5*" as_repo octo/quickstart GITHUB_RUN_ID=8705 \
	mode=provision resource-class=xlarge allowed-instance-types="c6* m5*"
X=$(ids_out)
check "a 4 vCPU c6 or m5 ($(type_of "$X"))" sh -c "echo '$(type_of "$X")' | grep -Eqx '(c6[a-z]*|m5[a-z]*)\.xlarge'"
expect 0 "its release" as_repo octo/quickstart GITHUB_RUN_ID=8705 mode=release
done_with octo-quickstart

# --- 2. prerequisites.md's refresh.yml, README's ci.yml ---------------------
original_policies refresh_prerequisites octo/prereq octo-prereq
original_instance octo/prereq octo-prereq
expect 0 "prerequisites: refresh.yml (original instance policy)" refresh_prerequisites octo/prereq
expect 0 "README: ci.yml's provision, instance-count 2" as_repo octo/prereq GITHUB_RUN_ID=8711 mode=provision instance-count=2
P0=$(ids_out)
check "README: test_job ran" jobs_ok 8711 1 'echo "This job is running on a dynamically provisioned EC2 instance!"'
expect 0 "README: release" as_repo octo/prereq GITHUB_RUN_ID=8711 mode=release
denied octo/prereq octo-prereq "$P0"
expect 0 "README: ci.yml's provision (this project's policies)" as_repo octo/prereq GITHUB_RUN_ID=8712 mode=provision instance-count=2
P1=$(ids_out)
for id in $P1; do
	check "$id: the pre-runner script said hello world" grep -qx 'hello world' "$SIM_DIR/instances/$id/console.log"
done
check "README: test_job ran" jobs_ok 8712 1 'echo "This job is running on a dynamically provisioned EC2 instance!"'
expect 0 "README: release" as_repo octo/prereq GITHUB_RUN_ID=8712 mode=release
check "both back in the pool" wait_for 20 pooled_in octo-prereq large 2
expect 0 "README: ci.yml again" as_repo octo/prereq GITHUB_RUN_ID=8713 mode=provision instance-count=2
check "reuses both" [ "$(sorted $(cat "$T_OUT"))" = "$(sorted $P1)" ]
expect 0 "README: release" as_repo octo/prereq GITHUB_RUN_ID=8713 mode=release
done_with octo-prereq

# --- 3. basic-workflow.md: refresh.yml, ci-ruby-matrix.yml -----------------
MATRIX='echo "ruby $RUBY"; echo "bundle exec rspec"'
original_policies refresh_basic octo/ruby octo-ruby
original_instance octo/ruby octo-ruby
expect 0 "ruby matrix: refresh.yml (original instance policy)" refresh_basic octo/ruby
expect 0 "ruby matrix: provision_runners, instance-count 3" as_repo octo/ruby GITHUB_RUN_ID=8721 mode=provision instance-count=3
R0=$(ids_out)
check "the matrix's 3 jobs ran" jobs_ok 8721 3 "$MATRIX"
expect 0 "ruby matrix: release_runners" as_repo octo/ruby GITHUB_RUN_ID=8721 mode=release
denied octo/ruby octo-ruby "$R0"
expect 0 "ruby matrix: provision_runners (this project's policies)" as_repo octo/ruby GITHUB_RUN_ID=8722 mode=provision instance-count=3
R1=$(ids_out)
subs=$(for i in $R1; do sim GET /instances | jq -r --arg id "$i" '.[] | select(.id == $id) | .subnet'; done | sort -u | tr '\n' ' ')
others=$(printf '%s\n' $subs | grep -vx -e "$S1" -e "$S2")
check "3 runners, in the subnets given ($subs)" [ "$(echo $R1 | wc -w) ${others:-none}" = "3 none" ]
check "the matrix's 3 jobs ran" jobs_ok 8722 3 "$MATRIX"
expect 0 "ruby matrix: release_runners" as_repo octo/ruby GITHUB_RUN_ID=8722 mode=release
check "the 3 back in the pool" wait_for 20 pooled_in octo-ruby large 3
expect 0 "ruby matrix again" as_repo octo/ruby GITHUB_RUN_ID=8723 mode=provision instance-count=3
check "reuses the 3" [ "$(sorted $(cat "$T_OUT"))" = "$(sorted $R1)" ]
expect 0 "ruby matrix: release_runners" as_repo octo/ruby GITHUB_RUN_ID=8723 mode=release
done_with octo-ruby

# --- 4. advanced-scenarios.md 1: spot for CI, on-demand for releases -------
original_policies refresh_basic octo/spot octo-spot
original_instance octo/spot octo-spot
expect 0 "spot: refresh.yml (original instance policy)" refresh_basic octo/spot
expect 0 "spot: main-ci.yml's provision, 3 spot" as_repo octo/spot GITHUB_RUN_ID=8731 mode=provision instance-count=3 usage-class=spot
S0=$(ids_out)
check "build_and_test's 2 jobs ran" jobs_ok 8731 2 'echo "Running CI on spot instances..."'
expect 0 "spot: release_spot_runners" as_repo octo/spot GITHUB_RUN_ID=8731 mode=release
denied octo/spot octo-spot "$S0"
expect 0 "spot: main-ci.yml's provision (this project's policies)" as_repo octo/spot GITHUB_RUN_ID=8732 mode=provision instance-count=3 usage-class=spot
SP=$(ids_out)
check "3 spot instances" [ "$(in_pool octo-spot state-get --consistent $SP | cut -f7 | sort | uniq -c | tr -s ' ')" = " 3 spot" ]
check "build_and_test's 2 jobs ran" jobs_ok 8732 2 'echo "Running CI on spot instances..."'
expect 0 "spot: release_spot_runners" as_repo octo/spot GITHUB_RUN_ID=8732 mode=release
check "the 3 back in the pool" wait_for 20 pooled_in octo-spot large 3
expect 0 "release.yml's provision: 1 on-demand m5.large, max-runtime-min 120" as_repo octo/spot GITHUB_RUN_ID=8733 mode=provision \
	instance-count=1 usage-class=on-demand allowed-instance-types="m5.large" max-runtime-min=120
OD=$(ids_out)
check "a new m5.large, on-demand (not a pooled spot one)" sh -c "[ '$(type_of "$OD")' = m5.large ] && ! echo '$SP' | grep -qw '$OD' && [ \"\$(EC2RP_POOL=octo-spot state-get --consistent $OD | cut -f7)\" = on-demand ]"
th=$(in_pool octo-spot state-get --consistent "$OD" | cut -f4)
left=$((th - $(date +%s)))
check "its runner lives 120 minutes at most ($left s)" sh -c "[ $left -gt 7000 ] && [ $left -le 7200 ]"
check "deploy_production ran" jobs_ok 8733 1 'echo "Deploying to production using an on-demand runner..."'
expect 0 "release.yml's release" as_repo octo/spot GITHUB_RUN_ID=8733 mode=release
expect 0 "main-ci.yml again" as_repo octo/spot GITHUB_RUN_ID=8734 mode=provision instance-count=3 usage-class=spot
check "reuses the 3 spot instances, not the on-demand one" [ "$(sorted $(cat "$T_OUT"))" = "$(sorted $SP)" ]
expect 0 "spot: release_spot_runners" as_repo octo/spot GITHUB_RUN_ID=8734 mode=release
done_with octo-spot

# --- 5. advanced-scenarios.md 2: custom CPU classes -------------------------
original_policies refresh_classes octo/classes octo-classes
original_instance octo/classes octo-classes
expect 0 "classes: refresh.yml with its classes (original instance policy)" refresh_classes octo/classes
expect 0 "classes: ci-standard.yml's provision" as_repo octo/classes GITHUB_RUN_ID=8741 mode=provision instance-count=2 \
	resource-class="standard-compute" allowed-instance-types="m6* m5*"
C0=$(ids_out)
check "run_standard_tasks ran" jobs_ok 8741 1 "echo \"Running standard CI tasks on 'standard-compute' runners...\""
expect 0 "classes: release_standard_runners" as_repo octo/classes GITHUB_RUN_ID=8741 mode=release
denied octo/classes octo-classes "$C0"
expect 0 "classes: ci-standard.yml's provision (this project's policies)" as_repo octo/classes GITHUB_RUN_ID=8742 mode=provision instance-count=2 \
	resource-class="standard-compute" allowed-instance-types="m6* m5*"
CS=$(ids_out)
check "2 vCPU m6 or m5 ($(types_of "$CS"))" sh -c "for t in $(types_of "$CS"); do echo \$t | grep -Eqx '(m6[a-z]*|m5[a-z]*)\.large' || exit 1; done"
check "run_standard_tasks ran" jobs_ok 8742 1 "echo \"Running standard CI tasks on 'standard-compute' runners...\""
expect 0 "classes: release_standard_runners" as_repo octo/classes GITHUB_RUN_ID=8742 mode=release
check "back in the standard-compute pool" wait_for 20 pooled_in octo-classes standard-compute 2
expect 0 "ci-high-cpu.yml's provision: c6a.2xlarge c7g.2xlarge c5.2xlarge" as_repo octo/classes GITHUB_RUN_ID=8743 mode=provision \
	instance-count=1 resource-class="high-cpu-compute" allowed-instance-types="c6a.2xlarge c7g.2xlarge c5.2xlarge"
HC=$(ids_out)
check "one of them, for the pool's x86 AMI ($(type_of "$HC"))" sh -c "echo '$(type_of "$HC")' | grep -Eqx 'c6a.2xlarge|c5.2xlarge'"
check "run_intensive_computation ran" jobs_ok 8743 1 "echo \"Starting CPU-intensive computation on 'high-cpu-compute' runner...\""
expect 0 "ci-high-cpu.yml's release" as_repo octo/classes GITHUB_RUN_ID=8743 mode=release
expect 0 "ci-standard.yml again" as_repo octo/classes GITHUB_RUN_ID=8744 mode=provision instance-count=2 \
	resource-class="standard-compute" allowed-instance-types="m6* m5*"
check "reuses the 2 standard-compute instances" [ "$(sorted $(cat "$T_OUT"))" = "$(sorted $CS)" ]
expect 0 "classes: release" as_repo octo/classes GITHUB_RUN_ID=8744 mode=release
done_with octo-classes

# --- 6. advanced-configuration.md 4: custom resource classes --------------
original_policies refresh_custom octo/custom octo-custom
original_instance octo/custom octo-custom
expect 0 "custom: refresh with its two classes (original instance policy)" refresh_custom octo/custom
expect 0 "custom: provision custom-large" as_repo octo/custom GITHUB_RUN_ID=8751 mode=provision resource-class="custom-large"
U0=$(ids_out)
check "a job ran" jobs_ok 8751 1 'echo custom'
expect 0 "custom: release" as_repo octo/custom GITHUB_RUN_ID=8751 mode=release
denied octo/custom octo-custom "$U0"
expect 0 "custom: provision custom-large (this project's policies)" as_repo octo/custom GITHUB_RUN_ID=8752 mode=provision resource-class="custom-large"
U1=$(ids_out)
check "4 vCPU ($(type_of "$U1"))" sh -c "echo '$(type_of "$U1")' | grep -Eqx '[a-z0-9]+\.xlarge'"
expect 0 "custom: release" as_repo octo/custom GITHUB_RUN_ID=8752 mode=release
check "back in the pool" wait_for 20 pooled_in octo-custom custom-large 1
expect 0 "custom: provision custom-large again" as_repo octo/custom GITHUB_RUN_ID=8753 mode=provision resource-class="custom-large"
check "reuses it" [ "$(cat "$T_OUT")" = "$U1" ]
expect 0 "custom: release" as_repo octo/custom GITHUB_RUN_ID=8753 mode=release
# "this overrides the pre-defined resource classes": the default large is
# no longer one of them.
expect 2 "custom: a provision of the default class (large)" as_repo octo/custom GITHUB_RUN_ID=8754 mode=provision
check "one ::error:: naming resource-class and the classes" one_error_naming 'invalid input resource-class: must be one of custom-large custom-extra-large'
done_with octo-custom
sim POST /iam '{}' > /dev/null
done_testing

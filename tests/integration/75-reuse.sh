#!/bin/sh
# instance-reuse: what a released instance may serve next. same-repository
# (the default) hands an instance only to runs of the repository it last
# served; always to any run of the pool; never terminates it after its run.
. tests/integration/lib.sh
stack_start
export INPUT_AMI=ami-0123456789abcdef0 INPUT_IDLE_TIME_SEC=600 GITHUB_REPOSITORY=octo/a
# One pool for the organisation's repositories: shared, registering with octo.
export INPUT_SHARED_POOL=true INPUT_GITHUB_SCOPE=octo
export EC2RP_COLD_TIMEOUT_SEC=15 EC2RP_WARM_TIMEOUT_SEC=8 EC2RP_RELEASE_TIMEOUT_SEC=8 EC2RP_ORPHAN_GRACE_SEC=0

fleets() { sim GET /calls | grep -c '"action": "CreateFleet"'; }
ec2_state() { sim GET /instances | tr -d '\n ' | grep -o "\"id\":\"$1\",\"state\":\"[a-z-]*\"" | sed 's/.*state":"//; s/"//'; }
# run_as REPO RUN MODE [NAME=VALUE...]: a mode run for a workflow of REPO.
run_as() { r=$1 n=$2 m=$3; shift 3; env GITHUB_REPOSITORY="$r" GITHUB_RUN_ID="$n" "$@" "ec2rp-$m"; }

expect 2 "refresh refuses an unknown instance-reuse" env INPUT_INSTANCE_REUSE=sometimes ec2rp-refresh
check "naming the input" err_has "invalid input instance-reuse"
expect 0 "refresh (default: same-repository)" ec2rp-refresh
check "stores the setting" [ "$(state-get --kind config instance-reuse | cut -f2)" = same-repository ]

# same-repository
expect 0 "octo/a: provision 1" run_as octo/a 301 provision INPUT_INSTANCE_COUNT=1
A=$(cat "$T_OUT")
expect 0 "octo/a: release" run_as octo/a 301 release
f0=$(fleets)
expect 0 "octo/b: provision 1" run_as octo/b 302 provision INPUT_INSTANCE_COUNT=1
B=$(cat "$T_OUT")
check "octo/b does not get octo/a's instance" [ -n "$B" ] && [ "$B" != "$A" ]
check "it got a fresh one (one fleet request)" [ $(($(fleets) - f0)) -eq 1 ]
f0=$(fleets)
expect 0 "octo/a: provision 1 again" run_as octo/a 303 provision INPUT_INSTANCE_COUNT=1
check "octo/a gets its own instance back" [ "$(cat "$T_OUT")" = "$A" ]
check "without a fleet request" [ "$(fleets)" -eq "$f0" ]
expect 2 "same-repository needs GITHUB_REPOSITORY" env -u GITHUB_REPOSITORY GITHUB_RUN_ID=303 ec2rp-release
check "and says so" err_has "GITHUB_REPOSITORY is required"
check "and changed nothing" [ "$(state-get --consistent "$A" | cut -f2,3)" = "running	303" ]
expect 0 "octo/a: release" run_as octo/a 303 release
expect 0 "octo/b: release" run_as octo/b 302 release

# always
expect 0 "refresh with instance-reuse always" env INPUT_INSTANCE_REUSE=always ec2rp-refresh
f0=$(fleets)
expect 0 "octo/c: provision 2" run_as octo/c 304 provision INPUT_INSTANCE_COUNT=2
check "octo/c gets the two pooled instances" [ "$(sort "$T_OUT" | tr '\n' ' ')" = "$(printf '%s\n%s\n' "$A" "$B" | sort | tr '\n' ' ')" ]
check "without a fleet request" [ "$(fleets)" -eq "$f0" ]

# never
expect 0 "refresh with instance-reuse never" env INPUT_INSTANCE_REUSE=never ec2rp-refresh
expect 0 "octo/c: release under never" run_as octo/c 304 release
check "says it terminated them" err_has "terminated 2 instance(s) of run 304 (instance-reuse: never)"
sleep 0.5
check "both terminated in EC2" [ "$(ec2_state "$A") $(ec2_state "$B")" = "terminated terminated" ]
check "their records are terminated" [ "$(state-get --consistent "$A" "$B" | cut -f2 | sort -u)" = terminated ]
check "nothing went into the pool" [ -z "$(pool-pop --resource-class large --max 10 --wait 0 2>/dev/null)" ]
f0=$(fleets)
expect 0 "octo/c: provision under never" run_as octo/c 305 provision INPUT_INSTANCE_COUNT=1
check "a fresh instance" [ "$(cat "$T_OUT")" != "$A" ] && [ "$(cat "$T_OUT")" != "$B" ]
check "from a fleet request" [ $(($(fleets) - f0)) -eq 1 ]
expect 0 "release it" run_as octo/c 305 release
expect 0 "refresh afterwards" env INPUT_INSTANCE_REUSE=never ec2rp-refresh

# A pool message is not trusted: whoever can send to a queue (an instance,
# once it returns itself to the pool) can name any instance with any class
# and repository. The claim checks both against the record.
expect 0 "refresh back to same-repository" ec2rp-refresh
expect 0 "octo/d: provision 1" run_as octo/d 310 provision INPUT_INSTANCE_COUNT=1
X=$(cat "$T_OUT")
expect 0 "octo/d: release" run_as octo/d 310 release
check "the record keeps the repository it served" [ "$(state-get --consistent --json "$X" | jq -r .repository)" = octo/d ]
pool-push --resource-class large --repository octo/e "$X" >/dev/null
f0=$(fleets)
expect 0 "octo/e: provision 1, with a forged message naming octo/d's instance as octo/e's" run_as octo/e 311 provision INPUT_INSTANCE_COUNT=1
check "octo/e does not get it" [ "$(cat "$T_OUT")" != "$X" ]
check "a fresh one instead" [ $(($(fleets) - f0)) -eq 1 ]
check "octo/d's instance is still idle, still octo/d's" [ "$(state-get --consistent --json "$X" | jq -r '.state + " " + .repository')" = "idle octo/d" ]
expect 0 "octo/e: release" run_as octo/e 311 release
pool-push --resource-class xlarge --repository octo/d "$X" >/dev/null
expect 0 "octo/d: provision 1 xlarge, with a forged message naming its large instance in the xlarge queue" \
	run_as octo/d 312 provision INPUT_INSTANCE_COUNT=1 INPUT_RESOURCE_CLASS=xlarge
check "it does not get the large one" [ "$(cat "$T_OUT")" != "$X" ]
check "which is still idle" [ "$(state-get --consistent "$X" | cut -f2)" = idle ]
expect 0 "octo/d: release" run_as octo/d 312 release
expect 0 "octo/d: provision 1 large" run_as octo/d 313 provision INPUT_INSTANCE_COUNT=1
check "gets its own instance (the record allowed it all along)" [ "$(cat "$T_OUT")" = "$X" ]
expect 0 "octo/d: release" run_as octo/d 313 release
done_testing

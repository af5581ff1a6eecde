#!/bin/sh
# The runner's account and what one run leaves for the next. The runner runs
# as a dedicated account by default (the real config.sh refuses root without
# RUNNER_ALLOW_RUNASROOT), or as root when refresh says so; between runs the
# agent removes the workspace, the account's home and its processes.
# Registration failures end the provision at once.
. tests/integration/lib.sh
stack_start
# What a run leaves goes (runner-cleanup everything; 86-keep has the others).
export GITHUB_REPOSITORY=octo/acct INPUT_AMI=ami-0123456789abcdef0 INPUT_IDLE_TIME_SEC=600 INPUT_RUNNER_CLEANUP=everything
export EC2RP_COLD_TIMEOUT_SEC=60 EC2RP_WARM_TIMEOUT_SEC=10 EC2RP_RELEASE_TIMEOUT_SEC=8 EC2RP_ORPHAN_GRACE_SEC=0

# 1. The stand-in runner refuses root as the real one does.
expect 1 "config.sh as root without RUNNER_ALLOW_RUNASROOT" env -u RUNNER_ALLOW_RUNASROOT sh tests/sim/runner/config.sh --url https://github.com/octo/acct --token t
check "says: Must not run with sudo" out_has "Must not run with sudo"
expect 1 "config.sh remove as root likewise" env -u RUNNER_ALLOW_RUNASROOT sh tests/sim/runner/config.sh remove

# 2. Default: a dedicated account.
expect 2 "refresh refuses a bad runner-user" env INPUT_RUNNER_USER='Bad User' ec2rp-refresh
expect 2 "refresh refuses a bad runner-sudo" env INPUT_RUNNER_SUDO=maybe ec2rp-refresh
# The pre-runner script (root, after the account exists: after-download)
# puts a profile in the runner's home: part of
# what the home is restored to between runs.
expect 0 "refresh (runner-user runner)" env INPUT_PRE_RUNNER_STAGE=after-download INPUT_PRE_RUNNER_SCRIPT='echo "export FROM_AMI=1" > "$EC2RP_RUNNER_HOME/.profile"; chown runner "$EC2RP_RUNNER_HOME/.profile"' ec2rp-refresh
expect 0 "provision 1" env GITHUB_RUN_ID=501 INPUT_INSTANCE_COUNT=1 ec2rp-provision
A=$(cat "$T_OUT")
job 501 'id -un; echo "home=$HOME"' > "$T_TMP/o1"
check "the job ran" grep -qx success "$T_TMP/o1"
check "as the runner account" grep -qx runner "$T_TMP/o1"
check "with its own home" grep -q "^home=$SIM_DIR/instances/$A/root/home/runner$" "$T_TMP/o1"
job 501 "cat '$SIM_DIR/env' >/dev/null 2>&1 && echo read-env; ls '$SIM_DIR' >/dev/null 2>&1 && echo listed-stack; echo done" > "$T_TMP/o2"
check "the job cannot read the stack's keys" sh -c "! grep -q read-env '$T_TMP/o2' && grep -q done '$T_TMP/o2'"

# 3. What a run leaves behind is gone for the next one.
job 501 'rm -f "$HOME/.profile"; echo x > left-in-workspace; mkdir -p "$HOME/.docker"; echo secret > "$HOME/.docker/config.json"; (env -u RUNNER_TRACKING_ID sleep 3001 > /dev/null 2>&1 &); echo planted' > "$T_TMP/o3"
check "a job leaves a file, a credential and a process" grep -q planted "$T_TMP/o3"
check "the process is there" sh -c "ps -eo args | grep -q '^sleep 3001'"
expect 0 "release 501" env GITHUB_RUN_ID=501 ec2rp-release
# The agent cleans and returns its instance after release has returned.
check "the process is gone after the release (the agent's clean-up)" wait_for 20 sh -c "! ps -eo args | grep -q '^sleep 3001'"
check "the agent deregistered from run 501" wait_for 20 sh -c "state-get --kind signal $A | cut -f2,3 | grep -qx 'deregistered	501'"
expect 0 "provision 1 again" env GITHUB_RUN_ID=502 INPUT_INSTANCE_COUNT=1 ec2rp-provision
check "the same instance" [ "$(cat "$T_OUT")" = "$A" ]
job 502 'ls -A; ls -A "$HOME"; echo end' > "$T_TMP/o4"
check "the workspace is empty" sh -c "! grep -q left-in-workspace '$T_TMP/o4'"
check "the home holds no credential of the last run" sh -c "! grep -q '.docker' '$T_TMP/o4'"
check "and its profile is back" grep -qx .profile "$T_TMP/o4"
expect 0 "release 502" env GITHUB_RUN_ID=502 ec2rp-release

# 4. runner-user root: RUNNER_ALLOW_RUNASROOT, as the real runner needs.
expect 0 "refresh with runner-user root" env INPUT_RUNNER_USER=root INPUT_INSTANCE_REUSE=never ec2rp-refresh
expect 0 "release nothing, then provision 1 as root" env GITHUB_RUN_ID=503 INPUT_INSTANCE_COUNT=1 ec2rp-provision
job 503 'id -u' > "$T_TMP/o5"
check "the job ran as root" sh -c "grep -qx success '$T_TMP/o5' && grep -qx 0 '$T_TMP/o5'"
expect 0 "release 503 (never: terminated)" env GITHUB_RUN_ID=503 ec2rp-release

# 5. A registration that fails ends the provision at once, with the signal.
expect 0 "refresh back to the runner account" env INPUT_INSTANCE_REUSE=never ec2rp-refresh
sim POST /faults '{"instances":["never-register"]}' >/dev/null
expect 1 "a provision whose instance cannot register fails" env GITHUB_RUN_ID=504 INPUT_INSTANCE_COUNT=1 ec2rp-provision
check "at once, naming registration-failed (not the ${EC2RP_COLD_TIMEOUT_SEC}s timeout)" err_has "registration-failed"
check "with what config.sh said" err_has "config.sh:"
check "and rolled back" [ -z "$(state-scan --run-id 504 2>/dev/null | grep -v '	terminated	')" ]

# 6. The old bug: config.sh run as root without RUNNER_ALLOW_RUNASROOT. The
# pre-runner script (root, before the agent) makes this instance's runner
# ignore the variable, as an agent that never set it would meet it.
expect 0 "refresh: root, and a runner that refuses root" env INPUT_RUNNER_USER=root INPUT_INSTANCE_REUSE=never \
	INPUT_PRE_RUNNER_SCRIPT='sed -i "s/RUNNER_ALLOW_RUNASROOT:-/RUNNER_ALLOW_RUNASROOT_IGNORED:-/" "$EC2RP_ROOT/opt/actions-runner/config.sh"' ec2rp-refresh
expect 1 "provision fails" env GITHUB_RUN_ID=505 INPUT_INSTANCE_COUNT=1 ec2rp-provision
check "at once, with the runner's own words" err_has "Must not run with sudo"
check "and rolled back" [ -z "$(state-scan --run-id 505 2>/dev/null | grep -v '	terminated	')" ]
done_testing

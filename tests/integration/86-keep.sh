#!/bin/sh
# Issue 24, what jobs keep between runs and the pre-runner script as the
# original action ran it. Through the entrypoint, inputs as action.yml
# gives them, a pool per repository.
# 1. runner-cleanup workspace (the default): the tool cache (_work/_tool,
#    the pre-runner script's and a job's) and the home stay, the rest of
#    the workspace goes; the account is in the docker group (runner-docker
#    follows runner-sudo); the pre-runner script ran in the runner's folder,
#    its .env is the runner's at every registration, and its failing last
#    command did not fail it (only an explicit exit does, as the original).
# 2. runner-cleanup everything: the tool cache and the home's changes go.
# 3. pre-runner-stage after-download, pre-runner-fails-on status.
# 4. Refused or forced combinations: hardened, shared pool with
#    instance-reuse always.
. tests/integration/lib.sh
stack_start
export GITHUB_ACTIONS=true GITHUB_OUTPUT=$T_TMP/gh-output GITHUB_STEP_SUMMARY=$T_TMP/gh-summary
export EC2RP_COLD_TIMEOUT_SEC=30 EC2RP_RELEASE_TIMEOUT_SEC=8 EC2RP_ORPHAN_GRACE_SEC=0
AMI=ami-0123456789abcdef0
as_repo() { r=$1; shift; env GITHUB_REPOSITORY="$r" sh -c '. tests/integration/lib.sh; T_TMP=$0; as_action "$@"' "$T_TMP" "$@"; }
refresh_in() { r=$1; shift; as_repo "$r" mode=refresh github-token="$GITHUB_TOKEN" ami=$AMI idle-time-sec=600 "$@"; }
ud() { sim GET /templates | jq -r --arg n "$1" '.[] | select(.name == $n) | .data.UserData' | base64 -d; }
# The original's own kind of script: no #!, bash, a last command that fails.
PRE='echo "$PWD" > "$EC2RP_ROOT/pre-cwd"
[ -x config.sh ] && touch "$EC2RP_ROOT/runner-was-there"
mkdir -p _work/_tool/node/20 && echo cached > _work/_tool/node/20/node
echo FROM_PRE=yes > .env
[ ! -d "${EC2RP_RUNNER_HOME:-/nonexistent}" ] || echo prepared > "$EC2RP_RUNNER_HOME/from-pre"
grep -q nothing /dev/null'
released() { wait_for 20 env EC2RP_POOL="$3" sh -c "state-get --consistent --kind signal $1 | cut -f2,3 | grep -qx 'deregistered	$2'"; }

# --- 1. the default: workspace ---------------------------------------
expect 0 "octo/keep: refresh with a pre-runner script whose last command fails" refresh_in octo/keep pre-runner-script="$PRE"
check "the user data says workspace and docker" sh -c "ud() { curl -fsS $SIM_CONTROL/templates | jq -r '.[] | select(.name == \"octo-keep\") | .data.UserData' | base64 -d; }; ud | grep -qx \"EC2RP_RUNNER_CLEANUP='workspace'\" && ud | grep -qx \"EC2RP_RUNNER_DOCKER='1'\""
expect 0 "octo/keep: provision" as_repo octo/keep GITHUB_RUN_ID=8601 mode=provision
A=$(cat "$T_OUT")
R=$SIM_DIR/instances/$A/root
check "the pre-runner script ran in the runner's folder ($(cat "$R/pre-cwd" 2>/dev/null))" [ "$(cat "$R/pre-cwd" 2>/dev/null)" = "$R/opt/actions-runner" ]
check "the runner account is in the docker group" grep -qx 'docker runner' "$R/etc/ec2rp-sim-groups"
job 8601 'echo "from_pre=$FROM_PRE"; cat _tool/node/20/node; mkdir -p _tool/python/3 && echo py > _tool/python/3/python; echo x > left-in-workspace; echo mine > "$HOME/from-job"; echo ok' > "$T_TMP/o1"
check "the job ran with the pre-runner script's .env" grep -qx from_pre=yes "$T_TMP/o1"
check "and its tool cache" grep -qx cached "$T_TMP/o1"
expect 0 "octo/keep: release" as_repo octo/keep GITHUB_RUN_ID=8601 mode=release
check "the agent deregistered" released "$A" 8601 octo-keep
expect 0 "octo/keep: provision again" as_repo octo/keep GITHUB_RUN_ID=8602 mode=provision
check "the same instance" [ "$(cat "$T_OUT")" = "$A" ]
job 8602 'echo "from_pre=$FROM_PRE"; ls -A; ls _tool; cat "$HOME/from-job" "$HOME/from-pre"; echo end' > "$T_TMP/o2"
check "the tool cache stays: the pre-runner script's and the job's" sh -c "grep -qx node '$T_TMP/o2' && grep -qx python '$T_TMP/o2'"
check "the rest of the workspace goes" sh -c "! grep -q left-in-workspace '$T_TMP/o2'"
check "the home stays" grep -qx mine "$T_TMP/o2"
check "the .env again, at the second registration" grep -qx from_pre=yes "$T_TMP/o2"
expect 0 "octo/keep: release" as_repo octo/keep GITHUB_RUN_ID=8602 mode=release

# --- 2. everything ------------------------------------------------------
expect 0 "octo/wipe: refresh with runner-cleanup everything" refresh_in octo/wipe runner-cleanup=everything pre-runner-script="$PRE"
expect 0 "octo/wipe: provision" as_repo octo/wipe GITHUB_RUN_ID=8611 mode=provision
B=$(cat "$T_OUT")
job 8611 'echo mine > "$HOME/from-job"; mkdir -p _tool/python/3; echo ok' > "$T_TMP/o3"
expect 0 "octo/wipe: release" as_repo octo/wipe GITHUB_RUN_ID=8611 mode=release
check "the agent deregistered" released "$B" 8611 octo-wipe
expect 0 "octo/wipe: provision again" as_repo octo/wipe GITHUB_RUN_ID=8612 mode=provision
check "the same instance" [ "$(cat "$T_OUT")" = "$B" ]
job 8612 'echo "from_pre=$FROM_PRE"; ls -A; ls -A "$HOME"; echo end' > "$T_TMP/o4"
check "the tool cache is gone" sh -c "! grep -qx _tool '$T_TMP/o4'"
check "the home's changes are gone" sh -c "! grep -qx from-job '$T_TMP/o4'"
check "the .env stays the runner's" grep -qx from_pre=yes "$T_TMP/o4"
expect 0 "octo/wipe: release" as_repo octo/wipe GITHUB_RUN_ID=8612 mode=release

# --- 3. the pre-runner script's stage and failure ----------------------
expect 0 "octo/late: refresh, after-download" refresh_in octo/late pre-runner-stage=after-download pre-runner-script="$PRE"
expect 0 "octo/late: provision" as_repo octo/late GITHUB_RUN_ID=8621 mode=provision
C=$(cat "$T_OUT")
check "the runner's files were there" [ -f "$SIM_DIR/instances/$C/root/runner-was-there" ]
job 8621 'echo mine > "$HOME/from-job"; echo ok' > "$T_TMP/o5"
expect 0 "octo/late: release" as_repo octo/late GITHUB_RUN_ID=8621 mode=release
check "the agent deregistered" released "$C" 8621 octo-late
expect 0 "octo/late: provision again" as_repo octo/late GITHUB_RUN_ID=8622 mode=provision
job 8622 'cat "$HOME/from-pre" "$HOME/from-job"; echo end' > "$T_TMP/o6"
check "the home keeps what the pre-runner script and the job put there" sh -c "grep -qx prepared '$T_TMP/o6' && grep -qx mine '$T_TMP/o6'"
expect 0 "octo/late: release" as_repo octo/late GITHUB_RUN_ID=8622 mode=release
expect 0 "octo/strict: refresh, pre-runner-fails-on status" refresh_in octo/strict pre-runner-fails-on=status pre-runner-script="$PRE"
expect 1 "octo/strict: its provision fails on the script's last command" as_repo octo/strict GITHUB_RUN_ID=8631 mode=provision
check "naming pre-runner-failed" grep -q 'pre-runner-failed' "$T_ERR"
expect 0 "octo/exit: refresh with a script that says exit 3" refresh_in octo/exit pre-runner-script='echo before; exit 3
echo after'
expect 1 "octo/exit: its provision fails (an explicit exit, as under the original)" as_repo octo/exit GITHUB_RUN_ID=8641 mode=provision
check "naming pre-runner-failed" grep -q 'pre-runner-failed' "$T_ERR"

# --- 4. refused and forced ------------------------------------------------
before=$(sim GET /templates | jq -c '[.[] | {n: .name, v: .latestVersion}]')
expect 2 "hardened with runner-docker true" refresh_in octo/keep hardened-runner=true runner-docker=true
check "one ::error:: line naming the input" sh -c "[ \$(grep -c '^::error::' '$T_ERR') -eq 1 ] && grep -q '^::error::refresh: invalid input runner-docker' '$T_ERR'"
expect 2 "hardened with runner-cleanup workspace" refresh_in octo/keep hardened-runner=true runner-cleanup=workspace
check "one ::error:: line naming the input" grep -q '^::error::refresh: invalid input runner-cleanup' "$T_ERR"
expect 2 "a shared pool with instance-reuse always and runner-cleanup none" refresh_in octo/keep pool=octo-all shared-pool=true github-scope=octo instance-reuse=always runner-cleanup=none
check "saying another repository would inherit it" grep -q "^::error::refresh: invalid input runner-cleanup.*another repository" "$T_ERR"
check "no launch template changed" [ "$(sim GET /templates | jq -c '[.[] | {n: .name, v: .latestVersion}]')" = "$before" ]
expect 0 "hardened, the defaults" refresh_in octo/hard hardened-runner=true
check "forced: everything, no docker group" sh -c "ud() { curl -fsS $SIM_CONTROL/templates | jq -r '.[] | select(.name == \"octo-hard\") | .data.UserData' | base64 -d; }; ud | grep -qx \"EC2RP_RUNNER_CLEANUP='everything'\" && ud | grep -qx \"EC2RP_RUNNER_DOCKER='0'\""
expect 0 "a shared pool with instance-reuse always, the default" refresh_in octo/keep pool=octo-all shared-pool=true github-scope=octo instance-reuse=always
check "forced: everything" sh -c "curl -fsS $SIM_CONTROL/templates | jq -r '.[] | select(.name == \"octo-all\") | .data.UserData' | base64 -d | grep -qx \"EC2RP_RUNNER_CLEANUP='everything'\""
expect 0 "runner-sudo false" refresh_in octo/nosudo runner-sudo=false
check "no docker group by default either" sh -c "curl -fsS $SIM_CONTROL/templates | jq -r '.[] | select(.name == \"octo-nosudo\") | .data.UserData' | base64 -d | grep -qx \"EC2RP_RUNNER_DOCKER='0'\""
done_testing

#!/bin/sh
# Taking over from a job on the instance (issue 23, items 3, 6 and 8): a job
# rewrites the runner's own code and files, leaves a process that re-forks
# and files in the shared temporary folders; the token item cannot be
# deleted; a pre-runner script gives the account sudo or a root-equivalent
# group in hardened mode. Each is refused or undone before the next
# registration.
# The instance gets an account of its own (SIM_RUNNER_OWN_ACCOUNT=1), so the
# agent's clean-up is a real instance's: every process and file of it goes.
. tests/integration/lib.sh
acct=ec2rp83
export SIM_RUNNER_OWN_ACCOUNT=1
stack_start
# acct_gone: the test's account and whatever it left, off this machine.
acct_gone() {
	if id -u "$acct" >/dev/null 2>&1; then
		setpriv --reuid="$acct" --regid="$acct" --clear-groups sh -c 'kill -s KILL -- -1' 2>/dev/null
		sleep 0.2
		find /tmp /var/tmp /dev/shm -xdev -mindepth 1 -user "$acct" -prune -exec rm -rf {} + 2>/dev/null
		userdel "$acct" >/dev/null 2>&1
	fi
}
acct_gone
# The AMI's account (the simulated instances' PATH has no useradd).
useradd --system --no-create-home --shell /bin/sh "$acct" || { not_ok "cannot create the account $acct"; exit 1; }
trap 'acct_gone; stack_stop' EXIT INT TERM
export GITHUB_REPOSITORY=octo/inst INPUT_AMI=ami-0123456789abcdef0 INPUT_IDLE_TIME_SEC=600
# The clean-up that a hostile job must not outrun: runner-cleanup everything.
export INPUT_RUNNER_USER=$acct INPUT_RUNNER_SUDO=false INPUT_RUNNER_CLEANUP=everything
export EC2RP_COLD_TIMEOUT_SEC=40 EC2RP_WARM_TIMEOUT_SEC=15 EC2RP_RELEASE_TIMEOUT_SEC=8

# 1. Hardened: the checks run after the pre-runner script, which is root.
pre='mkdir -p "$EC2RP_ROOT/etc/sudoers.d" && echo "'$acct' ALL=(ALL) NOPASSWD:ALL" > "$EC2RP_ROOT/etc/sudoers.d/50-mine"'
expect 0 "refresh hardened, a pre-runner script that gives the account sudo" \
	env INPUT_HARDENED_RUNNER=true INPUT_INSTANCE_REUSE=never INPUT_PRE_RUNNER_SCRIPT="$pre" ec2rp-refresh
expect 1 "the provision fails: its instance does not serve" env GITHUB_RUN_ID=830 INPUT_INSTANCE_COUNT=1 ec2rp-provision
check "saying why (a sudoers entry names the account)" err_has "a sudoers entry names $acct"
expect 0 "refresh hardened, a pre-runner script that puts the account in disk" env INPUT_HARDENED_RUNNER=true \
	INPUT_INSTANCE_REUSE=never INPUT_PRE_RUNNER_SCRIPT="PATH=\$PATH:/usr/sbin:/sbin usermod -aG disk $acct" ec2rp-refresh
expect 1 "the provision fails" env GITHUB_RUN_ID=830 INPUT_INSTANCE_COUNT=1 ec2rp-provision
check_with "$T_ERR" "saying why (disk: the raw disks are root's files)" err_has "$acct is in disk"
gpasswd -d "$acct" disk >/dev/null 2>&1

# 2. The runner's own code: a job tries to change what runs next.
expect 0 "refresh (account $acct, no sudo)" ec2rp-refresh
expect 0 "provision 1 for run 831" env GITHUB_RUN_ID=831 INPUT_INSTANCE_COUNT=1 GITHUB_OUTPUT="$T_TMP/gho" ec2rp-provision
V=$(cat "$T_OUT")
R=$SIM_DIR/instances/$V/root/opt/actions-runner

# Labels: the run's own, which no other run can guess; no pool label.
L=$(sed -n 's/^label=//p' "$T_TMP/gho")
check "provision's label output is the run's secret label (ec2rp-<128 bits>)" \
	sh -c "printf '%s' '$L' | grep -Eqx 'ec2rp-[0-9a-f]{32}'"
labels_of() { gh-runner list | awk -F '\t' -v n="$1" '$2 == n { print $5 }'; }
check "the runner carries it (and the run id, outside hardened mode)" \
	[ "$(labels_of "$V")" = "$L,831" ] || [ "$(labels_of "$V")" = "831,$L" ]
# queued_after LABEL: a job for LABEL is still queued after 3 s (no runner took it).
queued_after() {
	_j=$(sim POST /jobs "{\"label\":\"$1\",\"script\":\"echo landed\"}" | sed -n 's/.*"id": *\([0-9]*\).*/\1/p')
	sleep 3
	sim GET "/jobs/$_j" | grep -q '"status": "queued"'
}
check "another run's job with runs-on: ec2rp-pool-ec2-runner-pool does not land on it" \
	queued_after ec2rp-pool-ec2-runner-pool
job "$L" 'echo mine' > "$T_TMP/o0"
check_with "$T_TMP/o0" "the run's own label takes its jobs" grep -qx success "$T_TMP/o0"
job 831 'cd .. || exit 1
echo "echo pwned" >> run.sh && echo wrote-run.sh
cp config.sh c.x && echo "echo pwned" >> c.x && mv -f c.x config.sh && echo replaced-config.sh
echo "echo pwned" >> timing.sh && echo wrote-timing.sh
echo "echo pwned" >> run-helper.sh && echo wrote-run-helper.sh
echo LD_PRELOAD=/tmp/evil.so >> .env && echo wrote-.env
echo "{}" > .runner && echo wrote-.runner
touch .certificates && echo planted-.certificates
echo end' > "$T_TMP/o1"
check_with "$T_TMP/o1" "the job ran" grep -qx end "$T_TMP/o1"
for w in wrote-run.sh replaced-config.sh wrote-timing.sh wrote-run-helper.sh wrote-.env wrote-.runner; do
	check_with "$T_TMP/o1" "the job could not: $w" sh -c "! grep -qx '$w' '$T_TMP/o1'"
done
check "run.sh is the runner's own" cmp -s "$R/run.sh" tests/sim/runner/run.sh
check "config.sh too" cmp -s "$R/config.sh" tests/sim/runner/config.sh
check "timing.sh too" cmp -s "$R/timing.sh" tests/sim/runner/timing.sh
check "run-helper.sh is its template" cmp -s "$R/run-helper.sh" tests/sim/runner/run-helper.sh.template

# 3. Clean-up: a process that keeps forking (a child every 20 ms, each of
# which lives on), and files in /tmp, /var/tmp and /dev/shm. (A process
# that hops to a new pid and exits leaves zombies this machine's init does
# not reap, until fork fails.)
job 831 'printf "while :; do sleep 1000 & sleep 0.02; done\n" > /tmp/ec2rp83-hop
(env -u RUNNER_TRACKING_ID sh /tmp/ec2rp83-hop &)
echo x > /var/tmp/ec2rp83-left; echo x > /dev/shm/ec2rp83-left; echo planted' > "$T_TMP/o2"
check_with "$T_TMP/o2" "a job leaves a re-forking process and files" grep -qx planted "$T_TMP/o2"
check "the process runs" wait_for 5 sh -c "ps -u $acct -o args= | grep -q ec2rp83-hop"
expect 0 "release 831" env GITHUB_RUN_ID=831 ec2rp-release
wait_for 20 sh -c "[ \"\$(state-get --kind signal $V | cut -f2,3)\" = 'deregistered	831' ]"
st=$?
tail -n 20 "$SIM_DIR/instances/$V/console.log" > "$T_TMP/console"
check_with "$T_TMP/console" "the agent deregistered from run 831" [ "$st" -eq 0 ]
sleep 2
ps -u "$acct" -o stat=,pid=,args= | grep -v '^Z' > "$T_TMP/ps"
check_with "$T_TMP/ps" "no process of $acct is left (none forked past the clean-up)" [ ! -s "$T_TMP/ps" ]
check "nor its files in /tmp, /var/tmp, /dev/shm" \
	sh -c "[ ! -e /tmp/ec2rp83-hop ] && [ ! -e /var/tmp/ec2rp83-left ] && [ ! -e /dev/shm/ec2rp83-left ]"

# 4. The next registration: what the account planted in the folder is gone.
expect 0 "provision 1 for run 832" env GITHUB_RUN_ID=832 INPUT_INSTANCE_COUNT=1 ec2rp-provision
check "the same instance" [ "$(cat "$T_OUT")" = "$V" ]
check "the planted .certificates is gone" [ ! -e "$R/.certificates" ]
check "the registration's files are root's" [ "$(stat -c %u "$R/.runner" "$R/.credentials" "$R/.env" | sort -u)" = 0 ]
job 832 'echo ok' > "$T_TMP/o3"
check_with "$T_TMP/o3" "and the runner takes jobs" grep -qx success "$T_TMP/o3"
expect 0 "release 832" env GITHUB_RUN_ID=832 ec2rp-release
check "back in the pool" wait_for 20 sh -c "[ \"\$(state-get --kind signal $V | cut -f2,3)\" = 'deregistered	832' ]"

# 5. The token item cannot be deleted (three tries): the runner does not start.
sim POST /faults '{"next":[{"service":"dynamodb","action":"DeleteItem","count":3,"code":"AccessDeniedException","status":400}]}' >/dev/null
expect 0 "provision 1 for run 833 (the claimed instance fails over to a new one)" \
	env GITHUB_RUN_ID=833 INPUT_INSTANCE_COUNT=1 ec2rp-provision
check_with "$T_ERR" "the claimed instance said why" err_has "could not delete its token item"
check "a new instance serves the run" [ "$(cat "$T_OUT")" != "$V" ]
check "$V's listener never started for run 833" [ "$(cat "$SIM_DIR/instances/$V/root/var/log/ec2rp/run")" != 833 ]
expect 0 "release 833" env GITHUB_RUN_ID=833 ec2rp-release

# 6. Hardened: no run id label either (a run id is guessable).
expect 0 "refresh hardened" env INPUT_HARDENED_RUNNER=true INPUT_INSTANCE_REUSE=never ec2rp-refresh
expect 0 "provision 1 for run 834" env GITHUB_RUN_ID=834 INPUT_INSTANCE_COUNT=1 GITHUB_OUTPUT="$T_TMP/gho4" ec2rp-provision
H=$(cat "$T_OUT")
L4=$(sed -n 's/^label=//p' "$T_TMP/gho4")
check "its runner carries the run's secret label only" [ "$(labels_of "$H")" = "$L4" ]
check "a job for runs-on: 834 does not land on it" queued_after 834
job "$L4" 'echo mine' > "$T_TMP/o5"
check_with "$T_TMP/o5" "the run's own label takes its jobs" grep -qx success "$T_TMP/o5"
expect 0 "release 834" env GITHUB_RUN_ID=834 ec2rp-release

# 7. With no pool label, refresh knows its runners by their instances: an
# offline runner named like an instance id that this pool never had
# (another pool's, in another account) stays; the pool's own go.
mkdir "$T_TMP/other" && cp tests/sim/runner/*.sh "$T_TMP/other/"
tok=$(gh-runner registration-token | cut -f1)
(cd "$T_TMP/other" && ACTIONS_RUNNER_INPUT_TOKEN=$tok RUNNER_ALLOW_RUNASROOT=1 ./config.sh --unattended \
	--url "https://github.com/$GITHUB_REPOSITORY" --name i-0123456789abcdef0 --labels other --no-default-labels) >/dev/null 2>&1
check "another pool's runner is registered, offline" sh -c "gh-runner list --status offline | cut -f2 | grep -qx i-0123456789abcdef0"
check "the hardened instance has ended" wait_for 10 sh -c "ec2-list --state terminated | cut -f1 | grep -qx $H"
check "and its runner shows offline" wait_for 60 sh -c "gh-runner list --status offline | cut -f2 | grep -qx $H"
expect 0 "refresh" ec2rp-refresh
gh-runner list | cut -f2 > "$T_TMP/runners"
check_with "$T_TMP/runners" "the other pool's runner stays" grep -qx i-0123456789abcdef0 "$T_TMP/runners"
check_with "$T_TMP/runners" "the runner of the pool's ended instance is gone" sh -c "! grep -qx $H '$T_TMP/runners'"
done_testing

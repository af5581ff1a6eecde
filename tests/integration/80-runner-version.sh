#!/bin/sh
# The runner GitHub will still talk to (docs/runner.md): refresh follows
# actions/runner's releases (version, checksums from the release text),
# refuses a pinned version past GitHub's 30-day window and warns before;
# keeps the stored version when the list cannot be read. The stack's
# GitHub refuses work to a listener past the window, as the service does;
# the agent notices a listener that ends, and such an instance is never
# reported registered nor returned to the pool.
. tests/integration/lib.sh
stack_start
export GITHUB_REPOSITORY=octo/version INPUT_AMI=ami-0123456789abcdef0 INPUT_IDLE_TIME_SEC=600
export EC2RP_COLD_TIMEOUT_SEC=60 EC2RP_WARM_TIMEOUT_SEC=30 EC2RP_ORPHAN_GRACE_SEC=0
mkdir -p "$T_TMP/gh"
export GITHUB_STEP_SUMMARY=$T_TMP/gh/summary

cfgv() { state-get --kind config "$1" 2>/dev/null | cut -f2; }
ud() { sim GET /templates | jq -r '.[0].data.UserData' | base64 -d | sed -n "s/^EC2RP_$1=//p"; }
# aws_calls: requests to AWS signed with the operator's key so far.
aws_calls() { sim GET /calls | jq --arg k "$AWS_ACCESS_KEY_ID" '[.[] | select(.key == $k)] | length'; }
releases() { sim POST /runner-releases "$1" >/dev/null; }
signal_is() { [ "$(state-get --kind signal "$1" 2>/dev/null | cut -f2,3)" = "$2" ]; }
state_is() { [ "$(state-get --consistent --kind instance "$1" 2>/dev/null | cut -f2)" = "$2" ]; }
gone() { sim GET /instances | jq -e --arg id "$1" '.[] | select(.id == $id) | .state | test("shutting-down|terminated")' >/dev/null; }

# 1. Pinned past the window: refused before anything in AWS.
before=$(aws_calls)
expect 2 "refresh pinned to 2.333.1 (2.334.0 came out 66 days ago): refused" env INPUT_ACTIONS_RUNNER_VERSION=2.333.1 ec2rp-refresh
check "one line naming the version, the newer release and the date" \
	sh -c "grep -c 'fatal' '$T_ERR' | grep -qx 1 && grep -q 'actions-runner-version: 2.333.1 is past GitHub.s window: 2.334.0 came out on' '$T_ERR'"
check "no request reached AWS ($before before, $(aws_calls) after)" [ "$(aws_calls)" -eq "$before" ]
expect 2 "below GitHub's floor (2.321.0 < 2.329.0): refused" env INPUT_ACTIONS_RUNNER_VERSION=2.321.0 ec2rp-refresh
check "the floor is named" err_has "older than 2.329.0"
expect 2 "latest with a mirror URL: refused (a mirror holds one version)" \
	env INPUT_ACTIONS_RUNNER_URL='https://mirror.example/r-{arch}.tar.gz' INPUT_ACTIONS_RUNNER_SHA256="x64=$(printf '%064d' 0)" ec2rp-refresh

# 2. Pinned within the window: a warning with the days left.
expect 0 "refresh pinned to 2.335.0 (2.336.0 came out 8 days ago)" env INPUT_ACTIONS_RUNNER_VERSION=2.335.0 ec2rp-refresh
check "warns: 22 days left, names 2.336.0" err_has "actions-runner-version 2.335.0: GitHub stops giving it work on"
check "the days left are 21 or 22" sh -c "grep -Eq 'in 2[12] day\(s\) \(2.336.0 is out\)' '$T_ERR'"
check "the user data carries 2.335.0" [ "$(ud RUNNER_VERSION)" = "'2.335.0'" ]
sums=$(sim GET /runner-releases >/dev/null; gh-runner releases | awk -F '\t' '$1 == "2.335.0" { print $4 }')
check "its checksums come from the release text ($sums)" [ "$(ud RUNNER_SHA256)" = "'$sums'" ]
check "stored with the pool: version and window" test "$(cfgv runner-version)" = 2.335.0 -a "$(cfgv runner-deadline)" -gt "$(date +%s)"

# 3. latest (the default): the newest release; its download is the release host's.
expect 0 "refresh with the default (latest)" ec2rp-refresh
check "latest is 2.336.0" test "$(ud RUNNER_VERSION)" = "'2.336.0'" -a "$(cfgv runner-version)" = 2.336.0
check "the download URL is the GitHub that listed it" [ "$(ud RUNNER_URL)" = "'$GITHUB_API_URL/actions/runner/releases/download/v2.336.0/actions-runner-linux-{arch}-2.336.0.tar.gz'" ]
check "no window for the newest" [ "$(state-get --kind config runner-deadline | cut -f2)" = - ]
expect 0 "provision 2 (the pool AMI's runner is 2.336.0)" env GITHUB_RUN_ID=801 INPUT_INSTANCE_COUNT=2 ec2rp-provision
A=$(sed -n 1p "$T_OUT"); B=$(sed -n 2p "$T_OUT")
check "their runners registered with version 2.336.0" [ "$(sim GET /runners | jq '[.[] | select(.version == "2.336.0" and (.labels | map(.name) | index("801")))] | length')" -eq 2 ]
expect 0 "release 801" env GITHUB_RUN_ID=801 ec2rp-release
check "both back in the pool" wait_for 20 pooled large 2

# 4. A newer release, out 31 days ago: 2.336.0 is past the window, and the
# idle instances that carry it are retired, not handed out.
releases '{"releases":[{"version":"2.337.0","daysAgo":31},{"version":"2.336.0","daysAgo":60},{"version":"2.335.0","daysAgo":90}]}'
expect 0 "refresh after 2.337.0" ec2rp-refresh
check "the pool moves to 2.337.0" [ "$(cfgv runner-version)" = 2.337.0 ]
check "the idle instances of 2.336.0 are retired" sh -c "grep -q '$A: idle with a runner older than 2.337.0' '$T_ERR' && grep -q '$B: idle with a runner older than 2.337.0' '$T_ERR'"
check "the first one's record is terminated" state_is "$A" terminated
check "the second one's record is terminated" state_is "$B" terminated
expect 0 "a provision of 1 now creates an instance" env GITHUB_RUN_ID=802 ec2rp-provision
C=$(cat "$T_OUT")
check "a new one ($C), not a retired one" test "$C" != "$A" -a "$C" != "$B"
check "which downloaded 2.337.0 over the AMI's 2.336.0 (checked) and registered with it" \
	[ "$(sim GET /runners | jq -r '.[] | select(.labels | map(.name) | index("802")) | .version')" = 2.337.0 ]
expect 0 "release 802" env GITHUB_RUN_ID=802 ec2rp-release
check "back in the pool" wait_for 20 pooled large 1

# 5. The release list unreadable: the stored version is kept, with a warning.
sim POST /runner-releases '{"down":true}' >/dev/null
expect 0 "refresh while the release list answers 503" ec2rp-refresh
check "says it keeps 2.337.0" err_has "keeping the pool's runner version 2.337.0 while the release list cannot be read"
check "and still uses it" [ "$(ud RUNNER_VERSION)" = "'2.337.0'" ]
sim POST /runner-releases '{"down":false}' >/dev/null

# 6. The version leaves the window while an instance is idle, before any
# refresh: a claim registers, the listener is refused at its first poll,
# the agent signals runner-exited, and the provision does not hand it out
# (nor the instance it creates instead, with the same version: it fails,
# fast, saying why, until refresh moves the pool on).
releases '{"releases":[{"version":"2.338.0","daysAgo":31},{"version":"2.337.0","daysAgo":61}]}'
start=$(date +%s)
expect 1 "a provision of 1 while 2.337.0 is past the window: fails" env GITHUB_RUN_ID=803 ec2rp-provision
took=$(($(date +%s) - start))
check "the claimed one ($C) was not handed out: runner-exited" err_has "$C: claimed but did not register (runner-exited"
check "the signal names GitHub's refusal" err_has "version refused by GitHub"
check "fast: not after the cold timeout ($took s)" [ "$took" -lt 50 ]
check "the claimed one ends itself" wait_for 20 gone "$C"
expect 0 "release 803 (what is left of it)" env GITHUB_RUN_ID=803 ec2rp-release
expect 0 "refresh moves the pool to 2.338.0" ec2rp-refresh
check "2.338.0" [ "$(cfgv runner-version)" = 2.338.0 ]
expect 0 "then a provision of 1 for run 805 works" env GITHUB_RUN_ID=805 ec2rp-provision
expect 0 "release 805" env GITHUB_RUN_ID=805 ec2rp-release

# 7. A listener that dies mid-run: release reports it, the instance does
# not go back into the pool, refresh retires what is left.
check "805's instance back in the pool" wait_for 20 pooled large 1
expect 0 "a provision of 1 for run 804" env GITHUB_RUN_ID=804 ec2rp-provision
E=$(cat "$T_OUT")
rid=$(sim GET /runners | jq -r --arg n "$E" '.[] | select(.name == $n) | .id')
gh-runner delete "$rid" >/dev/null 2>&1
check "its listener ends; the agent signals runner-exited for 804" wait_for 30 signal_is "$E" "runner-exited	804"
check "pool-status shows it as one that cannot serve" sh -c "pool-status | grep -q '^stopped	$E	large	running	runner-exited	804$'"
expect 0 "release 804" env GITHUB_RUN_ID=804 ec2rp-release
check "release reports it" err_has "$E: its runner's listener ended while it served run 804"
check "and the step summary" grep -q "$E | its runner stopped while serving this run" "$GITHUB_STEP_SUMMARY"
check "the instance ends instead of going back into the pool" wait_for 30 gone "$E"
check "its signal is kept for the reports" signal_is "$E" "runner-exited	804"

done_testing

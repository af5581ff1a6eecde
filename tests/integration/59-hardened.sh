#!/bin/sh
# hardened-runner: a job that runs untrusted code, as root would want to
# escalate: it tries the instance's role credentials from metadata, the
# agent's environment and files, sudo, and the table. In the default mode
# the credentials are within its reach (the risk this mode exists for); in
# hardened mode each attempt fails. The firewall rule is the bootstrap's
# own iptables call; the simulated OS enforces it at the metadata endpoint
# by the connecting account (tests/sim/bin/iptables, docs/local-stack.md).
. tests/integration/lib.sh
stack_start
# The instance role and the controlplane hold what docs/iam/ gives them.
sim POST /iam '{"pool":"ec2-runner-pool"}' >/dev/null
export GITHUB_REPOSITORY=octo/hard INPUT_AMI=ami-0123456789abcdef0 INPUT_INSTANCE_REUSE=never
export EC2RP_COLD_TIMEOUT_SEC=60 EC2RP_ORPHAN_GRACE_SEC=0

# What a hostile job tries; one line per success.
ATTACK='
m=${AWS_EC2_METADATA_SERVICE_ENDPOINT:-http://169.254.169.254/}
t=$(curl -fsS -m 3 -X PUT -H "X-aws-ec2-metadata-token-ttl-seconds: 60" "${m}latest/api/token" 2>/dev/null)
[ -n "$t" ] && role=$(curl -fsS -m 3 -H "X-aws-ec2-metadata-token: $t" "${m}latest/meta-data/iam/security-credentials/" 2>/dev/null)
[ -n "${role:-}" ] && curl -fsS -m 3 -H "X-aws-ec2-metadata-token: $t" "${m}latest/meta-data/iam/security-credentials/$role" 2>/dev/null | grep -q AccessKeyId && echo got-role-credentials
for p in $(pgrep -f ec2rp-agent); do cat /proc/$p/environ >/dev/null 2>&1 && echo read-agent-environment; done
ls "$EC2RP_ROOT/var/log/ec2rp" >/dev/null 2>&1 && echo listed-agent-logs
cat "$EC2RP_ROOT/var/log/ec2rp/config.log" >/dev/null 2>&1 && echo read-agent-logs
sudo -n true >/dev/null 2>&1 && echo got-sudo
state-scan --kind config >/dev/null 2>&1 && echo read-the-table
state-get --kind config registration-token >/dev/null 2>&1 && echo read-the-pool-registration-token
state-get --kind config remove-token >/dev/null 2>&1 && echo read-the-pool-remove-token
state-get --consistent --kind token "$EC2RP_INSTANCE_ID" >/dev/null 2>&1 && echo read-a-token-of-its-instance
echo attack-done'

# 1. The default mode: the role's credentials are one request away.
expect 0 "refresh (default mode)" ec2rp-refresh
expect 0 "provision 1" env GITHUB_RUN_ID=591 ec2rp-provision
job 591 "$ATTACK" > "$T_TMP/default"
check "the job ran" grep -qx attack-done "$T_TMP/default"
check "default mode: the job gets the instance's role credentials" grep -qx got-role-credentials "$T_TMP/default"
# (sudo is not simulated: the sudoers file goes to the instance's root, not
# the host's; hardened mode's bootstrap refuses an account with one.)
check "but not the agent's environment or logs" sh -c "! grep -q 'agent' '$T_TMP/default'"
check "nor the table (the instance role may not scan it)" sh -c "! grep -q 'read-the-table' '$T_TMP/default'"
check_with "$T_TMP/default" "nor any runner token: the pool's are the controlplane's, its instance's own was deleted once used" \
	sh -c "! grep -q 'token' '$T_TMP/default'"
expect 0 "release" env GITHUB_RUN_ID=591 ec2rp-release

# 2. Hardened.
expect 2 "hardened with runner-user root is refused" env INPUT_HARDENED_RUNNER=true INPUT_RUNNER_USER=root ec2rp-refresh
check "naming the input" err_has "invalid input runner-user: cannot be root with hardened-runner: true"
expect 2 "hardened-runner must be true or false" env INPUT_HARDENED_RUNNER=yes ec2rp-refresh
expect 0 "refresh with hardened-runner: true" env INPUT_HARDENED_RUNNER=true ec2rp-refresh
hops=$(sim GET /templates | jq -r '.[0].data["MetadataOptions.HttpPutResponseHopLimit"] // empty')
check "the launch template's hop limit is 1 ($hops)" [ "$hops" = 1 ]
expect 0 "provision 1" env GITHUB_RUN_ID=592 GITHUB_OUTPUT="$T_TMP/gho" ec2rp-provision
H=$(cat "$T_OUT")
check "the bootstrap set the rule" grep -q "hardened: runner (uid $(id -u runner)) cannot reach instance metadata" "$SIM_DIR/instances/$H/console.log"
# Hardened runners carry only the run's secret label (no run id).
job "$(sed -n 's/^label=//p' "$T_TMP/gho")" "$ATTACK" > "$T_TMP/hardened"
check "the job ran" grep -qx attack-done "$T_TMP/hardened"
check_with "$T_TMP/hardened" "hardened: every attempt failed" sh -c "[ \$(grep -c . '$T_TMP/hardened') -eq 2 ]"
check "the agent itself still reads metadata (it heartbeats)" sh -c "state-get --kind heartbeat '$H' >/dev/null"
expect 0 "release" env GITHUB_RUN_ID=592 ec2rp-release

# 3. Fail closed: on an AMI with neither iptables nor nft, a hardened
# instance halts instead of serving with metadata in the job's reach.
sim POST /faults '{"instances":["no-firewall"]}' >/dev/null
expect 1 "provision on an AMI without a firewall command fails" env GITHUB_RUN_ID=593 ec2rp-provision
check "saying why (the instance's bootstrap-failed)" err_has "neither iptables nor nft"
check "nothing serves run 593" [ -z "$(state-scan --run-id 593 --state running 2>/dev/null)" ]
check "no runner was ever registered for it" [ "$(sim GET /calls | jq '[.[] | select(.action == "RunnerRegister" and (.detail | test(" 593")))] | length')" -eq 0 ]

model_check
done_testing

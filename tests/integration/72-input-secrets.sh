#!/bin/sh
# Bad input, table-driven: each gets its exit code and a line naming the
# input, and changes nothing (no request reaches the stack). Then secrets:
# through a whole lifecycle, the GitHub token, the registration token and the
# AWS secret appear in no log, output, summary or command line.
. tests/integration/lib.sh
stack_start
export GITHUB_REPOSITORY=octo/bad INPUT_AMI=ami-0123456789abcdef0 GITHUB_RUN_ID=77
ec2rp-refresh >/dev/null 2>&1
# An idle record in the pool, which a provision that went too far would
# claim (a record only: no agent whose own requests would be counted).
{ state-cas --run-id 70 --threshold-in 3600 --resource-class large i-0000000000000abcd none created &&
	state-cas --run-id 70 --threshold-in 3600 i-0000000000000abcd created running &&
	state-cas --run-id 70 --threshold-in 3600 i-0000000000000abcd running idle &&
	pool-push --resource-class large --repository octo/bad i-0000000000000abcd; } >/dev/null 2>&1
check "one idle record in the pool" [ "$(state-scan --state idle | grep -c .)" -eq 1 ]
NL=$(printf 'a\nb')
BIG=$(head -c 9000 /dev/zero | tr '\0' x)

# table: expected exit | what the message names | command (eval'd). After
# each, the parameters and the instance records are as they were.
# "2r": exit 2 after one request, the read of the pool's configuration
# (a class exists or not by what refresh stored; nothing is claimed).
cat > "$T_TMP/table" <<'X'
2|instance-count|env INPUT_INSTANCE_COUNT=-1 ec2rp-provision
2|instance-count|env INPUT_INSTANCE_COUNT=0 ec2rp-provision
2|instance-count|env INPUT_INSTANCE_COUNT=101 ec2rp-provision
2|instance-count|env INPUT_INSTANCE_COUNT=99999999999999999999 ec2rp-provision
2|instance-count|env INPUT_INSTANCE_COUNT='2; rm -rf /' ec2rp-provision
2|resource-class|env INPUT_RESOURCE_CLASS='Large!' ec2rp-provision
2|usage-class|env INPUT_USAGE_CLASS=cheap ec2rp-provision
2|instance-count|env INPUT_INSTANCE_COUNT=08 ec2rp-provision
2r|resource-class|env INPUT_RESOURCE_CLASS=nosuch ec2rp-provision
2r|resource-class|env INPUT_RESOURCE_CLASS=small ec2rp-provision
2|resource-class-config|env INPUT_RESOURCE_CLASS_CONFIG='[]' ec2rp-provision
2|resource-class-config|env INPUT_RESOURCE_CLASS_CONFIG='{}' ec2rp-provision
2|resource-class-config|env INPUT_RESOURCE_CLASS_CONFIG='{"x":{"cpu":"2x","mmem":"4096"}}' ec2rp-provision
2|resource-class-config|env INPUT_RESOURCE_CLASS_CONFIG='{"x":{"cpu":"2","mem":4096,"mmem":4096}}' ec2rp-refresh
2|usage-class|env INPUT_USAGE_CLASS=cheap ec2rp-refresh
2|allowed-instance-types|env INPUT_ALLOWED_INSTANCE_TYPES='c* ;m*' ec2rp-refresh
2|subnet-ids|env INPUT_SUBNET_IDS='subnet-0123456789abcdef0 vpc-1' ec2rp-refresh
2|max-runtime-min|env INPUT_MAX_RUNTIME_MIN=08 ec2rp-refresh
2|max-runtime-min|env INPUT_MAX_RUNTIME_MIN=43201 ec2rp-provision
2|github-reg-token-refresh-min|env INPUT_GITHUB_REG_TOKEN_REFRESH_MIN=60 ec2rp-refresh
2|github-reg-token-refresh-min|env INPUT_GITHUB_REG_TOKEN_REFRESH_MIN=-5 ec2rp-refresh
2|pool|env INPUT_MODE=provision INPUT_POOL=ab ec2rp-entrypoint
2|pool|env INPUT_MODE=provision INPUT_POOL='a pool' ec2rp-entrypoint
2|aws-region|env INPUT_MODE=provision INPUT_AWS_REGION='us-east-1;x' ec2rp-entrypoint
2|resource-class-config|env INPUT_RESOURCE_CLASS=arm INPUT_RESOURCE_CLASS_CONFIG='{"arm":{"cpu":2,"mem":4096,"arch":"sparc"}}' ec2rp-provision
2|aws-region|env INPUT_MODE=release INPUT_AWS_REGION='us east-1' ec2rp-entrypoint
2|allowed-instance-types|env INPUT_ALLOWED_INSTANCE_TYPES='m5.*;reboot' ec2rp-provision
2|allowed-instance-types|env INPUT_ALLOWED_INSTANCE_TYPES="C6i.*" ec2rp-provision
2|subnet-ids|env INPUT_SUBNET_IDS='subnet-1 subnet-2' ec2rp-provision
2|max-runtime-min|env INPUT_MAX_RUNTIME_MIN=0 ec2rp-provision
2|run-id|env GITHUB_RUN_ID= ec2rp-provision
2|run-id|env GITHUB_RUN_ID='1$(id)' ec2rp-provision
2|run-id|env GITHUB_RUN_ID="$NL" ec2rp-release
2|ami|env INPUT_AMI= ec2rp-refresh
2|ami|env INPUT_AMI='ami-`id`' ec2rp-refresh
2|security-group-ids|env INPUT_SECURITY_GROUP_IDS='sg-1,' ec2rp-refresh
2|idle-time-sec|env INPUT_IDLE_TIME_SEC=abc ec2rp-refresh
2|pre-runner-script|env INPUT_PRE_RUNNER_SCRIPT="$BIG" ec2rp-refresh
2|resource-class-config|env INPUT_RESOURCE_CLASS_CONFIG='{"x":' ec2rp-refresh
2|resource-class-config|env INPUT_RESOURCE_CLASS_CONFIG='{"x":{"cpu":"many","mem":1}}' ec2rp-refresh
2|github-token|env -u GITHUB_TOKEN ec2rp-refresh
2|iam-instance-profile|env INPUT_IAM_INSTANCE_PROFILE='a b' ec2rp-refresh
2|mode|env INPUT_MODE=destroy ec2rp-entrypoint
2|mode|env -u INPUT_MODE ec2rp-entrypoint
2|pool|env INPUT_MODE=release INPUT_POOL='../etc' ec2rp-entrypoint
2|instance id|state-cas --run-id 1 "i-0123$NL" idle claimed
2|instance id|pool-push --resource-class large 'i-$(reboot)'
2|--run-id|state-cas --run-id "$(printf 'r\377')" i-0123456789abcdef0 idle claimed
2|--count|ec2-launch --count 1e3 --resource-class large --run-id 1
2|--class-config|ec2-launch --count 1 --resource-class large --run-id 1 --class-config '[]'
2|--instance-types|pool-pop --resource-class large --instance-types '**,'
2|--scope|gh-runner --scope '../../x' list
2|--heartbeat|state-watch i-0123456789abcdef0 --for run-id --heartbeat 0
2|--timeout|runner-wait --run-id 1 --signal registered --timeout -1 i-0123456789abcdef0
2|PATH|imds-get ../../etc/passwd
2|AWS_REGION|env AWS_REGION='us east 1' state-scan
2|AWS_ENDPOINT_URL|env AWS_ENDPOINT_URL='file:///etc/passwd' state-scan
2|AWS_MAX_ATTEMPTS|env AWS_MAX_ATTEMPTS=x state-scan
4|localhost port 1|env AWS_ENDPOINT_URL=https://localhost:1 AWS_MAX_ATTEMPTS=1 state-scan
3|SignatureDoesNotMatch|env AWS_SECRET_ACCESS_KEY=wrong state-scan
X
n=0
while IFS='|' read -r code names cmd; do
	n=$((n + 1))
	reads=0
	[ "$code" != 2r ] || { code=2; reads=1; }
	tables=$( (state-scan --kind config; state-scan) 2>/dev/null | md5sum)
	before=$(sim GET /calls | jq length)
	eval "$cmd" > "$T_OUT" 2> "$T_ERR" < /dev/null
	got=$?
	sent=$(sim GET /calls | jq -c --argjson b "$before" '.[$b:] | map(.action)')
	if [ "$code" -eq 2 ] && [ "$sent" != "[]" ] && { [ "$reads" = 0 ] || [ "$sent" != '["BatchGetItem"]' ]; }; then
		got="$got (and it sent $sent)"
	fi
	if [ "$got" = "$code" ] && grep -qF -- "$names" "$T_ERR" && [ "$( (state-scan --kind config; state-scan) 2>/dev/null | md5sum)" = "$tables" ]; then
		ok "bad input $n ($names): exit $code, named, nothing changed"
	else
		not_ok "bad input $n: $cmd" "exit $got (want $code); stderr: $(head -c 300 "$T_ERR")"
	fi
done < "$T_TMP/table"
check "at least 30 bad inputs ($n)" [ "$n" -ge 30 ]

# Every tool refuses an unknown option with exit 2, before any request.
for tool in $(cd build/bin && ls | grep -v '^ec2rp'); do
	before=$(sim GET /calls | jq length)
	expect 2 "$tool refuses an unknown option" "$tool" --no-such-flag i-0123456789abcdef0
	after=$(sim GET /calls | jq length)
	check "$tool: named, and no request sent" sh -c "grep -q -- '--no-such-flag' '$T_ERR' && [ $before -eq $after ]"
done

# A provision before any refresh: one line saying what to do, nothing made.
before=$(sim GET /instances | jq length)
expect 3 "provision in a pool refresh never set up fails" env EC2RP_POOL=never-refreshed ec2rp-provision
check "saying to run refresh first" err_has "run this action with mode: refresh first"
check "in one line" [ "$(grep -c . "$T_ERR")" -eq 1 ]
check "nothing launched" [ "$(sim GET /instances | jq length)" -eq "$before" ]
state-init --pool half-set-up >/dev/null
expect 3 "provision in a pool with a table but no configuration fails" env EC2RP_POOL=half-set-up ec2rp-provision
check "saying to run refresh first" err_has "has no configuration yet: run this action with mode: refresh first"

# Secrets through a whole lifecycle in GitHub Actions mode.
mkdir -p "$T_TMP/gh"
export GITHUB_ACTIONS=true GITHUB_OUTPUT=$T_TMP/gh/out GITHUB_STEP_SUMMARY=$T_TMP/gh/summary
( while :; do ps -eo args >> "$T_TMP/ps"; sleep 0.1; done ) &
watcher=$!
{
	ec2rp-refresh
	GITHUB_RUN_ID=901 INPUT_INSTANCE_COUNT=2 ec2rp-provision
	GITHUB_RUN_ID=901 ec2rp-release
	gh-runner registration-token > /dev/null
} > "$T_TMP/gh/stdout" 2> "$T_TMP/gh/stderr"
kill "$watcher"

REG=$(state-get --kind config registration-token | cut -f2)
check "a registration token was stored" [ -n "$REG" ]
check "no remove token is stored (none is used)" [ -z "$(state-get --kind config remove-token 2>/dev/null | cut -f2 | tr -d -)" ]
for s in "$GITHUB_TOKEN" "$REG" "$AWS_SECRET_ACCESS_KEY"; do
	hits=$(grep -rlF -- "$s" "$T_TMP/gh" "$T_TMP/ps" "$SIM_DIR"/instances/*/console.log "$SIM_DIR"/instances/*/root/var/log/ec2rp/runner.log "$SIM_DIR"/instances/*/root/var/log/ec2rp/config.log 2>/dev/null |
		while read -r f; do grep -aF -- "$s" "$f" | grep -qav '^::add-mask::' && echo "$f"; done)
	check "secret ${s%"${s#????}"}... in no log, output, summary or command line" [ -z "$hits" ]
	[ -z "$hits" ] || echo "# found in: $hits"
done
check "command lines were sampled during the run ($(grep -c . "$T_TMP/ps") lines)" [ -s "$T_TMP/ps" ]

# An instance's failure reaches the provision's log with its last lines,
# credentials in them masked: a pre-runner script that prints some and fails.
FAKE_GH=ghp_$(head -c 18 /dev/urandom | od -An -tx1 | tr -d ' \n')
FAKE_AK=AKIA$(head -c 8 /dev/urandom | od -An -tx1 | tr -d ' \n' | tr a-f A-F)
expect 0 "refresh with a pre-runner script that leaks and fails" env INPUT_PRE_RUNNER_SCRIPT="echo using $FAKE_GH and $FAKE_AK; exit 3" ec2rp-refresh
expect 1 "provision fails at once" env GITHUB_RUN_ID=902 INPUT_INSTANCE_COUNT=1 INPUT_RESOURCE_CLASS=xlarge EC2RP_COLD_TIMEOUT_SEC=60 ec2rp-provision
check "naming the signal and the script's own line" sh -c "grep -q 'pre-runner-failed.*using' '$T_ERR'"
check "the token and the key id masked" sh -c "grep -q 'using \*\*\* and \*\*\*' '$T_ERR' && ! grep -qF -- '$FAKE_GH' '$T_ERR' && ! grep -qF -- '$FAKE_AK' '$T_ERR'"
done_testing

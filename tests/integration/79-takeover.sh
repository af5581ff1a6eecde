#!/bin/sh
# Taking over from outside the run (issue 23): another repository's
# workflow that shares the role (an organisation pool) names a live run's
# id to release; a job on a pool runner writes its instance's signal text
# into the run's step summary; a GitHub base over plain http, and a token
# with a control character. Each is refused, and nothing is changed or sent.
. tests/integration/lib.sh
stack_start
export INPUT_AMI=ami-0123456789abcdef0 INPUT_IDLE_TIME_SEC=600 GITHUB_REPOSITORY=octo/victim
# An organisation pool, shared by its repositories (refreshes say github-scope octo).
export INPUT_SHARED_POOL=true
export EC2RP_COLD_TIMEOUT_SEC=20 EC2RP_WARM_TIMEOUT_SEC=8 EC2RP_RELEASE_TIMEOUT_SEC=8
# run_as REPO RUN MODE [NAME=VALUE...]: a mode run by a workflow of REPO.
run_as() { r=$1 n=$2 m=$3; shift 3; env GITHUB_REPOSITORY="$r" GITHUB_RUN_ID="$n" "$@" "ec2rp-$m"; }
ec2_state() { sim GET /instances | jq -r --arg id "$1" '.[] | select(.id == $id) | .state'; }
record() { state-get --consistent "$1" | cut -f2,3,8; }

# An organisation pool: every repository of octo may use it with one role.
expect 0 "refresh an organisation pool (github-scope octo)" env INPUT_GITHUB_SCOPE=octo ec2rp-refresh
expect 0 "octo/victim: provision 1 for run 791" run_as octo/victim 791 provision INPUT_INSTANCE_COUNT=1
V=$(cat "$T_OUT")
check "its record names octo/victim as the run's repository" [ "$(record "$V")" = "running	791	octo/victim" ]

# 1. octo/attacker's release names the victim's run id.
expect 0 "octo/attacker: release with run-id 791" run_as octo/attacker 990 release INPUT_RUN_ID=791
check "it says the run is another repository's" err_has "$V: its record names octo/victim, not octo/attacker"
check "the victim's record is untouched (running for 791)" [ "$(record "$V")" = "running	791	octo/victim" ]
check "no remove token was given to the victim's instance" [ -z "$(state-get --consistent --kind token "$V" 2>/dev/null)" ]
sleep 1
check "its runner is still registered for run 791" \
	[ "$(state-get --kind signal "$V" | cut -f2,3)" = "registered	791" ]
check "and still takes the run's jobs" [ "$(job 791 'echo still mine' | head -n 1)" = success ]

# 2. The same under instance-reuse never, where a release terminates.
expect 0 "refresh with instance-reuse never" env INPUT_GITHUB_SCOPE=octo INPUT_INSTANCE_REUSE=never ec2rp-refresh
expect 0 "octo/attacker: release with run-id 791 again" run_as octo/attacker 991 release INPUT_RUN_ID=791
check "the victim's instance is not terminated" [ "$(ec2_state "$V")" = running ]
check "nor its record" [ "$(record "$V")" = "running	791	octo/victim" ]
# The conditional write itself, should the scan be passed by: lost (exit 1).
expect 1 "state-cas running -> idle as octo/attacker loses" \
	state-cas --run-id 791 --threshold-in 60 --repository octo/attacker "$V" running idle
expect 1 "state-cas running -> terminated as octo/attacker loses" \
	state-cas --run-id 791 --repository octo/attacker "$V" running terminated
check "the record still names octo/victim" [ "$(record "$V")" = "running	791	octo/victim" ]
expect 0 "refresh back to instance-reuse same-repository" env INPUT_GITHUB_SCOPE=octo ec2rp-refresh

expect 0 "octo/victim: release run 791" run_as octo/victim 791 release

# 3. A job on a runner of the victim's next run writes its instance's
# signal with the instance's credentials (default mode: any process reaches
# metadata): a spot notice of 100 KB of Markdown, HTML, pipes and newlines,
# which the run's own release shows in its step summary.
expect 0 "octo/victim: provision 1 for run 792" run_as octo/victim 792 provision INPUT_INSTANCE_COUNT=1
V=$(cat "$T_OUT")
port=$(sim GET /instances | jq -r --arg id "$V" '.[] | select(.id == $id) | .imdsPort')
env -u AWS_ACCESS_KEY_ID -u AWS_SECRET_ACCESS_KEY -u AWS_SESSION_TOKEN AWS_EC2_METADATA_DISABLED=false \
	AWS_EC2_METADATA_SERVICE_ENDPOINT="http://127.0.0.1:$port/" \
	NODE_PATH="$TOP/tests/sim/node_modules" NODE_EXTRA_CA_CERTS="$AWS_CA_BUNDLE" node --no-warnings -e '
const { DynamoDBClient, PutItemCommand } = require("@aws-sdk/client-dynamodb");
const { STSClient, GetCallerIdentityCommand } = require("@aws-sdk/client-sts");
(async () => {
  const me = await new STSClient({ endpoint: process.env.AWS_ENDPOINT_URL_STS || process.env.AWS_ENDPOINT_URL })
    .send(new GetCallerIdentityCommand({}));
  const arn = `arn:aws:ec2:${process.env.AWS_REGION}:${me.Account}:instance/${process.argv[1]}`;
  const msg = "x |</td><img src=x onerror=alert(1)> [click](https://evil.example) **now**\n| forged | row |\n".repeat(1200);
  await new DynamoDBClient({ endpoint: process.env.AWS_ENDPOINT_URL_DYNAMODB || process.env.AWS_ENDPOINT_URL })
    .send(new PutItemCommand({ TableName: process.env.EC2RP_POOL || "ec2-runner-pool", Item: {
      pk: { S: "sig#" + arn }, signal: { S: "spot-interrupted" }, runId: { S: "792" }, message: { S: msg },
      at: { N: String(Math.floor(Date.now() / 1000)) }, ttl: { N: String(Math.floor(Date.now() / 1000) + 86400) } } }));
})().catch((e) => { console.error(e.message); process.exit(1); });
' "$V" && ok "the job writes its instance's signal: 100 KB of Markdown and HTML" \
	|| not_ok "the job writes its instance's signal: 100 KB of Markdown and HTML"
: > "$T_TMP/summary"
expect 0 "octo/victim: release run 792" run_as octo/victim 792 release GITHUB_STEP_SUMMARY="$T_TMP/summary"
grep -F "$V | interrupted" "$T_TMP/summary" > "$T_TMP/row"
check_with "$T_TMP/summary" "the summary shows the notice on one row" [ "$(lines "$T_TMP/row")" -eq 1 ]
check_with "$T_TMP/row" "bounded (the row is under 1,500 bytes)" [ "$(wc -c < "$T_TMP/row")" -lt 1500 ]
check_with "$T_TMP/row" "no HTML tag gets through" [ -z "$(grep -F '<' "$T_TMP/row")" ]
# A row of the table has its own 3 pipes; the text's are escaped (\|).
check_with "$T_TMP/row" "no pipe of the text splits the row" \
	[ "$(sed 's/\\|//g' "$T_TMP/row" | tr -cd '|' | wc -c)" -eq 3 ]
check_with "$T_TMP/row" "no link or emphasis of the text is live" [ -z "$(grep -E '[^\\]\[|[^\\]\*\*' "$T_TMP/row")" ]
check_with "$T_TMP/summary" "no forged row" [ -z "$(grep -F '| forged | row |' "$T_TMP/summary")" ]
check "the log line is bounded too" [ "$(grep -F 'EC2 interrupted' "$T_ERR" | wc -c)" -lt 1000 ]

# 4. A GitHub base over plain http carries the token in clear: refused
# before any request. A proxy on this machine hears what would be sent.
node -e '
const fs = require("fs");
require("net").createServer((s) => s.on("data", (d) => {
  fs.appendFileSync(process.argv[1], d);
  s.end("HTTP/1.1 401 Unauthorized\r\ncontent-length: 0\r\n\r\n");
})).listen(0, "127.0.0.1", function () { fs.writeFileSync(process.argv[2], String(this.address().port)); });
' "$T_TMP/heard" "$T_TMP/lport" &
listener=$!
wait_for 10 test -s "$T_TMP/lport"
lport=$(cat "$T_TMP/lport")
: > "$T_TMP/heard"
expect 2 "gh-runner refuses GITHUB_API_URL http://ghe.example.com" \
	env GITHUB_API_URL=http://ghe.example.com/api/v3 http_proxy="http://127.0.0.1:$lport" no_proxy= NO_PROXY= \
	gh-runner --scope octo registration-token
check "in one line naming it" [ "$(lines "$T_ERR")" -eq 1 ] && err_has "GITHUB_API_URL must be https"
check_with "$T_TMP/heard" "and nothing was sent (the token did not travel)" [ ! -s "$T_TMP/heard" ]
expect 2 "and refresh stops on it, before AWS" env GITHUB_API_URL=http://127.0.0.1@ghe.example.com/ ec2rp-refresh
check "with gh-runner's line" err_has "GITHUB_API_URL must be https"

# Calls signed with the operator's key (the agents' own go on meanwhile).
mine() { sim GET /calls | jq --arg k "$AWS_ACCESS_KEY_ID" '[.[] | select(.key == $k)] | length'; }
calls=$(mine)
check "the operator's calls are counted ($calls so far)" [ "$calls" -gt 0 ]
expect 2 "refresh refuses GITHUB_SERVER_URL http://ghe.example.com (instances would send their token there)" \
	env GITHUB_SERVER_URL=http://ghe.example.com ec2rp-refresh
check "naming it" err_has "invalid input GITHUB_SERVER_URL"
check "before any request to AWS" [ "$(mine)" -eq "$calls" ]

# 5. A token with a control character is refused before it is sent.
: > "$T_TMP/heard"
expect 2 "gh-runner refuses a token with a control character" \
	env GITHUB_API_URL="http://127.0.0.1:$lport" GITHUB_TOKEN="$(printf 'ghp_abc\001def')" \
	gh-runner --scope octo registration-token
check "in one line naming it" [ "$(lines "$T_ERR")" -eq 1 ] && err_has "GITHUB_TOKEN holds a control character"
check_with "$T_TMP/heard" "and nothing was sent" [ ! -s "$T_TMP/heard" ]
printf 'ghp_abc\tdef\n' > "$T_TMP/tok"
expect 2 "likewise from --token-file" env GITHUB_API_URL="http://127.0.0.1:$lport" \
	gh-runner --scope octo --token-file "$T_TMP/tok" registration-token
check_with "$T_TMP/heard" "and nothing was sent" [ ! -s "$T_TMP/heard" ]
# The listener hears a request when there is one: the checks above can fail.
: > "$T_TMP/heard"
expect 3 "a clean token to the same listener is sent (401)" env GITHUB_API_URL="http://127.0.0.1:$lport" \
	GITHUB_TOKEN=ghp_clean gh-runner --scope octo registration-token
check_with "$T_TMP/heard" "the listener heard it" grep -q "Bearer ghp_clean" "$T_TMP/heard"
kill "$listener" 2>/dev/null
done_testing

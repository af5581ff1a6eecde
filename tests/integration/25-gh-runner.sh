#!/bin/sh
# gh-runner against the GitHub simulator, with the fake runner.
. tests/integration/lib.sh
stack_start
# The tests run as root: the runner allows it only with this (actions/runner's config.sh, run-helper.sh).
export RUNNER_ALLOW_RUNASROOT=1
export GITHUB_REPOSITORY=octo/app
RUNNER=$T_TMP/runner
cp -r tests/sim/runner "$RUNNER"
# register NAME LABELS: a runner registered through the simulator, offline.
register() {
	curl -fsS --cacert "$AWS_CA_BUNDLE" -d "token=$TOKEN&name=$1&labels=$2" "$GITHUB_API_URL/_sim/register" >/dev/null
}

# --- tokens
expect 0 "registration token" gh-runner registration-token
check "token and expiry" grep -Eq '^[A-Z0-9]{20,}	[0-9]{10}$' "$T_OUT"
TOKEN=$(cut -f1 "$T_OUT")
expect 0 "remove token (JSON Lines)" gh-runner --json remove-token
check "token and expiresAt" grep -Eq '^\{"token":"[A-Z0-9]{20,}","expiresAt":[0-9]{10}\}$' "$T_OUT"
expect 0 "organisation scope" gh-runner --scope octo registration-token
printf '%s\n' "$GITHUB_TOKEN" > "$T_TMP/tok"
expect 0 "token from a file" env -u GITHUB_TOKEN gh-runner --token-file "$T_TMP/tok" registration-token
GITHUB_ACTIONS=true EC2RP_DEBUG=1 gh-runner registration-token > "$T_TMP/t" 2> "$T_TMP/e"
tok=$(cut -f1 "$T_TMP/t")
check "in Actions the new token is masked first" grep -q "^::add-mask::$tok\$" "$T_TMP/e"
check "and appears in no other log line" sh -c "[ \$(grep -c '$tok' $T_TMP/e) -eq 1 ]"
check "nor does the GitHub token" sh -c "[ \$(grep -c '$GITHUB_TOKEN' $T_TMP/e) -eq 1 ]"

# --- list, online and offline, labels
expect 1 "no runners yet: exit 1" gh-runner list
(cd "$RUNNER" && ACTIONS_RUNNER_INPUT_TOKEN=$TOKEN ./config.sh --unattended --url https://github.com/octo/app \
	--name r1 --labels 42,ec2-runner-pool --no-default-labels) >/dev/null
expect 0 "list" gh-runner list
check "runner listed offline with its labels" grep -q '^[0-9]*	r1	offline	idle	42,ec2-runner-pool$' "$T_OUT"
R1=$(cut -f1 "$T_OUT")
expect 0 "list --json" gh-runner --json list
check "as JSON" out_has "{\"id\":$R1,\"name\":\"r1\",\"status\":\"offline\",\"busy\":false,\"labels\":[\"42\",\"ec2-runner-pool\"]}"
expect 1 "a label nobody has: exit 1" gh-runner list --label 43
(cd "$RUNNER" && exec ./run.sh) >/dev/null 2>&1 &
rpid=$!
sleep 1.5
expect 0 "list --status online" gh-runner list --status online --label 42
check "online while run.sh runs" out_has "r1	online"
expect 1 "so none offline" gh-runner list --status offline
expect 0 "delete-offline leaves an online runner alone" gh-runner delete-offline --label ec2-runner-pool
check "nothing deleted" [ ! -s "$T_OUT" ]
job=$(sim POST /jobs '{"label":"42","script":"sleep 3; echo done"}' | sed -n 's/.*"id": *\([0-9]*\).*/\1/p')
sleep 1.5
expect 0 "busy while the job runs" gh-runner list --label 42
check "shown busy" out_has "r1	online	busy"
expect 3 "a busy runner cannot be deleted: exit 3" gh-runner delete "$R1"
check "GitHub's reason" err_has "still running a job"
sleep 2.5
check "the job ran on the runner" sh -c "curl -fsS $SIM_CONTROL/jobs/$job | grep -q '\"conclusion\": \"success\"'"
kill "$rpid"; wait "$rpid" 2>/dev/null
sleep 0.5
expect 0 "delete-offline removes the offline runner" gh-runner delete-offline --label ec2-runner-pool
check "printed its id" [ "$(cat "$T_OUT")" = "$R1" ]
expect 1 "gone" gh-runner list

# --- delete
register d1 x
register d2 x
gh-runner list --label x | cut -f1 > "$T_TMP/ids"
D1=$(sed -n 1p "$T_TMP/ids")
D2=$(sed -n 2p "$T_TMP/ids")
expect 1 "delete: one unknown id among two known ones: exit 1" gh-runner delete "$D1" 999999 "$D2"
check "the known ones are deleted and printed" [ "$(paste -s -d' ' "$T_OUT")" = "$D1 $D2" ]
check "the unknown one is named" err_has "runner 999999: not found"
expect 1 "none left" gh-runner list --label x

# --- pages: 120 runners; delete-offline must not skip any while deleting
for i in $(seq 1 120); do register "p$i" bulk; done
expect 0 "list all pages" gh-runner list --label bulk
check "120 runners over two pages" [ "$(lines "$T_OUT")" -eq 120 ]
expect 0 "delete-offline over two pages" gh-runner delete-offline --label bulk
check "deleted all 120" [ "$(lines "$T_OUT")" -eq 120 ]
expect 1 "none left behind" gh-runner list --label bulk

# --- faults
for i in 1 2 3; do register "q$i" rl; done
sim POST /faults '{"github":["secondary"]}' >/dev/null
expect 0 "a secondary rate limit is waited out (retry-after)" gh-runner list --label rl
check "then listed" [ "$(lines "$T_OUT")" -eq 3 ]
sim POST /faults '{"github":["5xx"]}' >/dev/null
expect 0 "one 5xx is retried" gh-runner list --label rl
sim POST /faults '{"github":["5xx","5xx","5xx"]}' >/dev/null
expect 4 "5xx three times: exit 4" gh-runner list
sim POST /reset-faults >/dev/null
expect 3 "bad token: exit 3" env GITHUB_TOKEN=wrong-token-value gh-runner list
check "says bad credentials" err_has "Bad credentials"
check "the token is not in the error" sh -c "! grep -q wrong-token-value $T_ERR"

# --- local failures: exit 5
expect 5 "no token at all" env -u GITHUB_TOKEN gh-runner list
check "says where a token comes from" err_has "GITHUB_TOKEN"
expect 5 "unreadable token file" gh-runner --token-file "$T_TMP/nonexistent" list
: > "$T_TMP/empty"
expect 5 "empty token file" gh-runner --token-file "$T_TMP/empty" list

# --- bad input: exit 2 before any request (the API URL is a closed port:
# a request would end in exit 4)
expect 2 "bad scope" env GITHUB_API_URL=http://127.0.0.1:9 gh-runner --scope 'a/b/c' list
check "names --scope" err_has "--scope"
expect 2 "no scope" env -u GITHUB_REPOSITORY GITHUB_API_URL=http://127.0.0.1:9 gh-runner list
expect 2 "unknown command" env GITHUB_API_URL=http://127.0.0.1:9 gh-runner frobnicate
expect 2 "no command" env GITHUB_API_URL=http://127.0.0.1:9 gh-runner
expect 2 "delete needs numeric ids" env GITHUB_API_URL=http://127.0.0.1:9 gh-runner delete 12 abc
check "names the id" err_has "'abc'"
expect 2 "delete needs ids" env GITHUB_API_URL=http://127.0.0.1:9 gh-runner delete
expect 2 "delete-offline needs --label" env GITHUB_API_URL=http://127.0.0.1:9 gh-runner delete-offline
expect 2 "bad --status" env GITHUB_API_URL=http://127.0.0.1:9 gh-runner list --status away
expect 2 "a label with a comma" env GITHUB_API_URL=http://127.0.0.1:9 gh-runner list --label 'a,b'
expect 2 "a label with a tab" env GITHUB_API_URL=http://127.0.0.1:9 gh-runner list --label "$(printf 'a\tb')"
expect 2 "--label with a token command" env GITHUB_API_URL=http://127.0.0.1:9 gh-runner registration-token --label x
expect 2 "stray argument" env GITHUB_API_URL=http://127.0.0.1:9 gh-runner list extra
expect 2 "a token with a space" env GITHUB_API_URL=http://127.0.0.1:9 GITHUB_TOKEN='a b' gh-runner list
check "the token is not echoed" sh -c "! grep -q 'a b' $T_ERR"
done_testing

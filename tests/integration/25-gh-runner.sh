#!/bin/sh
# gh-runner against the GitHub simulator, with the fake runner.
. tests/integration/lib.sh
stack_start
export GITHUB_REPOSITORY=octo/app
RUNNER=$T_TMP/runner
cp -r tests/sim/runner "$RUNNER"

expect 0 "registration token" gh-runner registration-token
check "token and expiry" sh -c "grep -Eq '^[A-Z0-9]{20,}	[0-9]{10}\$' $T_OUT"
TOKEN=$(cut -f1 "$T_OUT")
expect 1 "no runners yet: exit 1" gh-runner list
(cd "$RUNNER" && ACTIONS_RUNNER_INPUT_TOKEN=$TOKEN ./config.sh --unattended --url https://github.com/octo/app \
	--name r1 --labels 42,ec2-runner-pool --no-default-labels) >/dev/null
expect 0 "list" gh-runner list
check "runner listed offline with its labels" out_has "	r1	offline	idle	42,ec2-runner-pool"
(cd "$RUNNER" && exec ./run.sh) >/dev/null 2>&1 &
rpid=$!
sleep 1.5
expect 0 "list --status online" gh-runner list --status online --label 42
check "online while run.sh runs" out_has "r1	online"
job=$(sim POST /jobs '{"label":"42","script":"echo built > /dev/null; echo done"}' | sed -n 's/.*"id": *\([0-9]*\).*/\1/p')
sleep 2
check "a job for the label ran on the runner" sh -c "curl -fsS $SIM_CONTROL/jobs/$job | grep -q '\"conclusion\": \"success\"'"
kill "$rpid"; wait "$rpid" 2>/dev/null
sleep 0.5
expect 0 "delete-offline removes the offline runner" gh-runner delete-offline --label ec2-runner-pool
check "printed its id" [ "$(lines "$T_OUT")" -eq 1 ]
expect 1 "gone" gh-runner list

# Pagination: 120 runners, listed over two pages.
TOKEN=$(gh-runner registration-token | cut -f1)
for i in $(seq 1 120); do
	curl -fsS --cacert "$AWS_CA_BUNDLE" -d "token=$TOKEN&name=p$i&labels=bulk" "$GITHUB_API_URL/_sim/register" >/dev/null
done
expect 0 "list all pages" gh-runner list --label bulk
check "120 runners over two pages" [ "$(lines "$T_OUT")" -eq 120 ]

sim POST /faults '{"github":["secondary"]}' >/dev/null
expect 0 "a secondary rate limit is waited out (retry-after)" gh-runner list --label bulk
sim POST /faults '{"github":["5xx","5xx","5xx"]}' >/dev/null
expect 4 "5xx three times: exit 4" gh-runner list
expect 3 "bad token: exit 3" env GITHUB_TOKEN=wrong gh-runner list
check "says bad credentials" err_has "Bad credentials"
check "the token is not in the error" sh -c "! grep -q wrong $T_ERR"
printf '%s\n' "$GITHUB_TOKEN" > "$T_TMP/tok"
expect 0 "token from a file" env -u GITHUB_TOKEN gh-runner --token-file "$T_TMP/tok" registration-token
expect 2 "no token at all" env -u GITHUB_TOKEN gh-runner list
expect 2 "bad scope" gh-runner --scope 'a/b/c' list
expect 2 "unknown command" gh-runner frobnicate
expect 2 "delete needs numeric ids" gh-runner delete abc
done_testing

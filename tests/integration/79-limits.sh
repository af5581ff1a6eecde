#!/bin/sh
# AWS's and GitHub's limits, checked before any request or waited out:
# the pre-runner script against what the user data leaves (EC2's 16 KB on
# the decoded user data), at most 400 instance-type globs (EC2's
# AllowedInstanceTypes), a class config that says one thing twice;
# BatchGetItem's unprocessed keys and GitHub's secondary rate limits.
. tests/integration/lib.sh
stack_start
export GITHUB_REPOSITORY=octo/limits INPUT_AMI=ami-0123456789abcdef0

# calls: the requests this test's tools sent (AWS with the operator's key,
# and GitHub's API), not the instances' agents'.
calls() { sim GET /calls | jq --arg k "$AWS_ACCESS_KEY_ID" '[.[] | select(.key == $k or (.service == "github" and (.action | startswith("GET /") or startswith("POST /"))))] | length'; }
# script BYTES: a pre-runner script of that many bytes.
script() { printf 'echo ok\n'; head -c $(($1 - 8)) /dev/zero | tr '\0' '#'; }

# --- the pre-runner script: what the user data leaves
before=$(calls)
expect 2 "a 6.5 KB pre-runner script is refused" env INPUT_PRE_RUNNER_SCRIPT="$(script 6656)" ec2rp-refresh
check "before any request ($before -> $(calls) calls)" [ "$(calls)" -eq "$before" ]
check "one line" [ "$(lines "$T_ERR")" -eq 1 ]
check "naming pre-runner-script and what fits" sh -c "grep -Eq 'pre-runner-script: is 6656 bytes; the user data leaves room for [0-9]{4} ' '$T_ERR'"
room=$(sed -n 's/.*leaves room for \([0-9]*\) .*/\1/p' "$T_ERR")
expect 0 "a script of exactly what fits is taken" env INPUT_PRE_RUNNER_SCRIPT="$(script "$room")" ec2rp-refresh
ud=$(sim GET /templates | jq -r '.[0].data.UserData' | base64 -d | wc -c)
check "the user data is within 16384 bytes ($ud)" test "$ud" -le 16384 -a "$ud" -gt 16000
before=$(calls)
expect 2 "one byte more is refused" env INPUT_PRE_RUNNER_SCRIPT="$(script $((room + 1)))" ec2rp-refresh
check "before any request" [ "$(calls)" -eq "$before" ]

# --- a class config that says one thing twice
before=$(calls)
expect 2 "refresh refuses a repeated class" env INPUT_RESOURCE_CLASS_CONFIG='{"big": {"cpu": 2, "mem": 4096}, "big": {"cpu": 8, "mem": 16384}}' ec2rp-refresh
check "naming it" err_has "class big is given twice"
expect 2 "provision refuses a repeated member" env GITHUB_RUN_ID=d1 INPUT_RESOURCE_CLASS=big INPUT_RESOURCE_CLASS_CONFIG='{"big": {"cpu": 2, "mem": 4096, "cpu": 8}}' ec2rp-provision
check "naming it" err_has "big gives cpu twice"
check "before any request" [ "$(calls)" -eq "$before" ]

# --- instance-type globs: at most 400
globs() { i=0; while [ "$i" -lt "$1" ]; do printf 'c%d.* ' "$i"; i=$((i + 1)); done; }
expect 0 "refresh" ec2rp-refresh
before=$(calls)
expect 2 "refresh refuses 401 globs" env INPUT_ALLOWED_INSTANCE_TYPES="$(globs 401)" ec2rp-refresh
check "naming the input and the limit" err_has "allowed-instance-types: has 401 instance-type globs; EC2 takes at most 400"
expect 2 "provision refuses 401 globs" env GITHUB_RUN_ID=g1 INPUT_ALLOWED_INSTANCE_TYPES="$(globs 401)" ec2rp-provision
check "naming the input" err_has "allowed-instance-types: has 401"
expect 2 "a glob over 30 characters is refused" env GITHUB_RUN_ID=g1 INPUT_ALLOWED_INSTANCE_TYPES="c$(head -c 30 /dev/zero | tr '\0' x)" ec2rp-provision
expect 2 "ec2-launch refuses 401 globs itself" ec2-launch --count 1 --run-id g1 --resource-class large --allowed-types "$(globs 401 | tr ' ' ',' | sed 's/,$//')"
check "saying the limit" err_has "at most 400"
check "none of them sent a request" [ "$(calls)" -eq "$before" ]
expect 0 "400 globs launch" env GITHUB_RUN_ID=g2 INPUT_ALLOWED_INSTANCE_TYPES="$(globs 399) m*" ec2rp-provision
expect 0 "release" env GITHUB_RUN_ID=g2 ec2rp-release

# --- BatchGetItem under load: half the keys come back unprocessed
A=i-0a000000000000001 B=i-0a000000000000002
for i in $A $B; do state-cas --run-id u1 --threshold-in 600 "$i" none created >/dev/null; done
sim POST /faults "{\"next\":[{\"service\":\"dynamodb\",\"action\":\"BatchGetItem\",\"unprocessed\":true,\"key\":\"$AWS_ACCESS_KEY_ID\"}]}" >/dev/null
batch() { sim GET /calls | jq --arg k "$AWS_ACCESS_KEY_ID" '[.[] | select(.key == $k and .action == "BatchGetItem")] | length'; }
before=$(batch)
expect 0 "state-get reads both records through an unprocessed key" state-get --kind instance $A $B
check "both records" [ "$(lines "$T_OUT")" -eq 2 ]
n=$(($(batch) - before))
check "the held-back key was asked for again ($n calls)" [ "$n" -eq 2 ]
sim POST /reset-faults >/dev/null

# --- GitHub's secondary rate limit without retry-after: waited out, not a refusal
gh_calls() { sim GET /calls | jq '[.[] | select(.action == "GET /repos/octo/limits/actions/runners")] | length'; }
sim POST /faults '{"github":["secondaryNoHint"]}' >/dev/null
before=$(gh_calls)
gh-runner list > "$T_OUT" 2> "$T_ERR" &
gh=$!
sleep 3
check "a secondary limit without retry-after is waited on, not a refusal" kill -0 "$gh"
check "no second call within the minute" [ "$(($(gh_calls) - before))" -eq 1 ]
kill "$gh" 2>/dev/null
wait "$gh" 2>/dev/null
sim POST /reset-faults >/dev/null
done_testing

#!/bin/sh
# Batches (issue 25): one state-cas moves many records (a conditional write
# each, over a few connections), one pool-push --wake wakes many agents, the
# token copies go 25 a BatchWriteItem, and a mode looks its credentials and
# identity up once (aws-creds) for all its tools. A warm provision and a
# release start one of each tool, whatever the count.
. tests/integration/lib.sh
stack_start
export GITHUB_REPOSITORY=octo/batch INPUT_AMI=ami-0123456789abcdef0 INPUT_IDLE_TIME_SEC=600
export EC2RP_COLD_TIMEOUT_SEC=120
expect 0 "refresh sets the pool up" ec2rp-refresh

calls() { sim GET /calls | jq --arg a "$1" '[.[] | select(.action == $a)] | length'; }
# mine ACTION: the calls signed with the operator's key (not the agents').
mine() { sim GET /calls | jq --arg a "$1" --arg k "$AWS_ACCESS_KEY_ID" '[.[] | select(.action == $a and .key == $k)] | length'; }
I1=i-00000000000000b01 I2=i-00000000000000b02 I3=i-00000000000000b03

# state-cas with many ids.
expect 0 "three warm records in one state-cas" state-cas --threshold-in 600 --resource-class large $I1 $I2 $I3 none idle
check "a line each, in order: all moved" [ "$(cat "$T_OUT")" = "$(printf '%s\t0\n%s\t0\n%s\t0' $I1 $I2 $I3)" ]
state-cas --run-id other --threshold-in 600 --resource-class large $I2 idle claimed >/dev/null
expect 1 "claims of the three, one taken already: exit 1" \
	state-cas --run-id b1 --threshold-in 600 --resource-class large $I1 $I2 $I3 idle claimed
check "the taken one lost, the others claimed" [ "$(cat "$T_OUT")" = "$(printf '%s\t0\n%s\t1\n%s\t0' $I1 $I2 $I3)" ]
check "the records say so" [ "$(state-get --consistent $I1 $I2 $I3 | cut -f3 | tr '\n' ' ')" = "b1 other b1 " ]
u0=$(calls UpdateItem)
expect 2 "a malformed id among them: exit 2" state-cas --run-id b1 --threshold-in 60 $I1 i-nope $I3 claimed running
check "and nothing sent" [ "$(calls UpdateItem)" -eq "$u0" ]

# pool-push --wake: each instance's own queue.
pool-init "wake-$I1" >/dev/null
pool-init "wake-$I3" >/dev/null
q0=$(mine GetQueueUrl)
expect 0 "wake two agents in one pool-push" pool-push --wake $I1 $I3
check "a message id for each" [ "$(cut -f1 "$T_OUT" | sort | tr '\n' ' ')" = "$I1 $I3 " ]
check "one GetQueueUrl for both (the other's URL from its answer)" [ "$(($(mine GetQueueUrl) - q0))" -eq 1 ]
check "each in its own queue" sh -c "pool-pop --resource-class wake-$I1 --wait 0 | grep -q '^$I1' && pool-pop --resource-class wake-$I3 --wait 0 | grep -q '^$I3'"
expect 3 "one with no wake queue: refused (exit 3)" pool-push --wake $I1 $I2
check "the other still woken" [ "$(cut -f1 "$T_OUT")" = "$I1" ]
check "the missing one named" err_has "$I2: unable to wake it"
expect 2 "--wake with a class: exit 2" pool-push --wake --resource-class large $I1
# A URL SQS refuses (as if its parts had changed): that queue's own
# GetQueueUrl after all, then the send.
sim POST /faults "{\"next\":[{\"service\":\"sqs\",\"action\":\"SendMessageBatch\",\"code\":\"AWS.SimpleQueueService.NonExistentQueue\",\"status\":400,\"key\":\"$AWS_ACCESS_KEY_ID\"}]}" >/dev/null
q0=$(mine GetQueueUrl)
expect 0 "a wake whose URL SQS refuses: asked for, then sent" pool-push --wake $I1 $I3
check "both woken" [ "$(cut -f1 "$T_OUT" | sort | tr '\n' ' ')" = "$I1 $I3 " ]
check "one GetQueueUrl more, for the refused one" [ "$(($(mine GetQueueUrl) - q0))" -eq 2 ]
sim POST /reset-faults >/dev/null
pool-pop --resource-class "wake-$I1" --wait 0 >/dev/null 2>&1 # unchecked: drained for the checks below
pool-pop --resource-class "wake-$I3" --wait 0 >/dev/null 2>&1 # unchecked: as above

# The token copies: 25 a BatchWriteItem, no PutItem each.
ids=$(i=0; while [ $i -lt 30 ]; do printf 'i-%017x ' $((0xc00 + i)); i=$((i + 1)); done)
p0=$(calls PutItem) b0=$(calls BatchWriteItem)
# shellcheck disable=SC2086
expect 0 "a token for 30 instances" sh -c "printf 'TOKEN' | state-put token registration --run-id b1 $ids"
check "two BatchWriteItem calls" [ "$(($(calls BatchWriteItem) - b0))" -eq 2 ]
check "and no PutItem" [ "$(calls PutItem)" -eq "$p0" ]

# aws-creds: once, into a private file.
mkdir -m 700 "$T_TMP/c"
expect 0 "aws-creds writes the shared file" aws-creds "$T_TMP/c/creds"
check "mode 0600" [ "$(stat -c %a "$T_TMP/c/creds")" = 600 ]
check "it names the account" sh -c "jq -r .AccountId '$T_TMP/c/creds' | grep -Eqx '[0-9]{12}'"
check "and no secret on stdout or stderr" sh -c "[ ! -s '$T_OUT' ] && ! grep -q '$AWS_SECRET_ACCESS_KEY' '$T_ERR'"
mkdir -m 755 "$T_TMP/open"
expect 2 "a folder others may enter: refused" aws-creds "$T_TMP/open/creds"
check "nothing written" [ ! -e "$T_TMP/open/creds" ]
# Web identity: one AssumeRoleWithWebIdentity and one GetCallerIdentity for
# all the tools that share the file.
printf 'a.jwt.token\n' > "$T_TMP/jwt"
webid() { env -u AWS_ACCESS_KEY_ID -u AWS_SECRET_ACCESS_KEY AWS_WEB_IDENTITY_TOKEN_FILE="$T_TMP/jwt" \
	AWS_ROLE_ARN=arn:aws:iam::123456789012:role/ci "$@"; }
a0=$(calls AssumeRoleWithWebIdentity) g0=$(calls GetCallerIdentity)
expect 0 "aws-creds with web identity" webid aws-creds "$T_TMP/c/web"
for n in 1 2 3; do
	webid env EC2RP_CREDENTIALS_FILE="$T_TMP/c/web" state-get --kind signal $I1 $I3 > /dev/null
done
check "three tools: one AssumeRoleWithWebIdentity in all" [ "$(($(calls AssumeRoleWithWebIdentity) - a0))" -eq 1 ]
check "and one GetCallerIdentity" [ "$(($(calls GetCallerIdentity) - g0))" -eq 1 ]
expect 0 "aws-creds again: still fresh, kept" webid aws-creds "$T_TMP/c/web"
check "no STS call" [ "$(($(calls AssumeRoleWithWebIdentity) - a0))" -eq 1 ]
# Within 10 minutes of its expiry the file is no use (botocore's mandatory
# refresh): the tool walks the chain itself; aws-creds renews it.
soon=$(date -u -d @$(($(date +%s) + 540)) +%Y-%m-%dT%H:%M:%SZ)
jq -c --arg e "$soon" '.Expiration = $e' "$T_TMP/c/web" > "$T_TMP/c/soon" && chmod 600 "$T_TMP/c/soon"
a1=$(calls AssumeRoleWithWebIdentity)
webid env EC2RP_CREDENTIALS_FILE="$T_TMP/c/soon" state-get --kind signal $I1 > /dev/null
check "a file 9 minutes from expiry: the tool asks STS itself" [ "$(($(calls AssumeRoleWithWebIdentity) - a1))" -eq 1 ]
expect 0 "aws-creds renews it" webid aws-creds "$T_TMP/c/soon"
check "with a later expiry" sh -c "e=\$(jq -r .Expiration '$T_TMP/c/soon') && [ -n \"\$e\" ] && [ \"\$e\" != '$soon' ]"
cp "$T_TMP/c/web" "$T_TMP/c/shared" && chmod 644 "$T_TMP/c/shared"
a1=$(calls AssumeRoleWithWebIdentity)
webid env EC2RP_CREDENTIALS_FILE="$T_TMP/c/shared" state-get --kind signal $I1 > /dev/null
check "a file others may read is not taken" [ "$(($(calls AssumeRoleWithWebIdentity) - a1))" -eq 1 ]

# The modes: a warm provision of 4 and its release, each tool started once.
expect 0 "provision 4 (cold)" env GITHUB_RUN_ID=851 INPUT_INSTANCE_COUNT=4 ec2rp-provision
expect 0 "release them" env GITHUB_RUN_ID=851 ec2rp-release
check "back in the pool" wait_for 60 pooled large 4
mkdir -p "$T_TMP/wrap"
for t in state-cas state-put pool-push aws-creds; do
	printf '#!/bin/sh\necho %s >> "%s/started"\nexec "%s" "$@"\n' "$t" "$T_TMP" "$(command -v $t)" > "$T_TMP/wrap/$t"
	chmod +x "$T_TMP/wrap/$t"
done
started() { grep -c "^$1$" "$T_TMP/started"; }
: > "$T_TMP/started"
g0=$(mine GetCallerIdentity)
expect 0 "provision 4 (warm)" env PATH="$T_TMP/wrap:$PATH" GITHUB_RUN_ID=852 INPUT_INSTANCE_COUNT=4 ec2rp-provision
check "took the 4 from the pool" [ "$(grep -c . "$T_OUT")" -eq 4 ]
check_with "$T_TMP/started" "one state-cas to claim and one to mark running" [ "$(started state-cas)" -eq 2 ]
check_with "$T_TMP/started" "one state-put for the tokens" [ "$(started state-put)" -eq 1 ]
check_with "$T_TMP/started" "one pool-push for the wakes" [ "$(started pool-push)" -eq 1 ]
check "the credentials looked up once: one aws-creds" [ "$(started aws-creds)" -eq 1 ]
check "and one GetCallerIdentity" [ "$(($(mine GetCallerIdentity) - g0))" -eq 1 ]
: > "$T_TMP/started"
expect 0 "release 4" env PATH="$T_TMP/wrap:$PATH" GITHUB_RUN_ID=852 ec2rp-release
check "released all 4" err_has "released 4 instance(s) of run 852"
check_with "$T_TMP/started" "one state-cas" [ "$(started state-cas)" -eq 1 ]
check_with "$T_TMP/started" "one pool-push" [ "$(started pool-push)" -eq 1 ]
check "back in the pool again" wait_for 60 pooled large 4
# A re-run's release (attempt 3) releases what attempts 1 and 2 hold, each
# record under its own run id: one state-cas per run id, one pool-push.
expect 0 "provision 2 for run 853" env GITHUB_RUN_ID=853 INPUT_INSTANCE_COUNT=2 ec2rp-provision
expect 0 "provision 1 for its attempt 2 (853-2)" env GITHUB_RUN_ID=853 GITHUB_RUN_ATTEMPT=2 ec2rp-provision
: > "$T_TMP/started"
expect 0 "the release re-run (attempt 3)" env PATH="$T_TMP/wrap:$PATH" GITHUB_RUN_ID=853 GITHUB_RUN_ATTEMPT=3 ec2rp-release
check "released all 3, of both attempts" err_has "released 3 instance(s) of run 853-3"
check_with "$T_TMP/started" "one state-cas per run id holding records" [ "$(started state-cas)" -eq 2 ]
check_with "$T_TMP/started" "one pool-push" [ "$(started pool-push)" -eq 1 ]
check "none left running for 853 or 853-2" sh -c "! state-scan --run-id 853 --state running >/dev/null 2>&1 && ! state-scan --run-id 853-2 --state running >/dev/null 2>&1"
check "back in the pool" wait_for 60 pooled large 4
check "the modes left no credentials file behind" sh -c "! find '${TMPDIR:-/tmp}' -maxdepth 2 -name aws-credentials -newer '$T_TMP/jwt' 2>/dev/null | grep -q ."

done_testing

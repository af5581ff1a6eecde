#!/bin/sh
# Never act on what is not proven: a refresh whose reads fail terminates
# nothing; records that name instances outside the pool are never acted on;
# a provision whose verification fails rolls back instead of handing out
# unverified instances; user data values arrive intact and inert.
. tests/integration/lib.sh
stack_start
export GITHUB_REPOSITORY=octo/proven INPUT_AMI=ami-0123456789abcdef0 INPUT_IDLE_TIME_SEC=600
export EC2RP_COLD_TIMEOUT_SEC=15 EC2RP_WARM_TIMEOUT_SEC=5 EC2RP_RELEASE_TIMEOUT_SEC=8 EC2RP_ORPHAN_GRACE_SEC=0
export AWS_MAX_ATTEMPTS=2

terminations() { sim GET /calls | grep -c '"action": "TerminateInstances"'; }
running_in_ec2() { ec2-list --state pending,running 2>/dev/null | grep -c .; }
record_state() { state-get --consistent "$1" 2>/dev/null | cut -f2; }

# 0. make lint finds a tool call whose status nobody checks.
printf 'v=$(state-get --kind config x | cut -f2)\nstate-put delete i-0123456789abcdef0 >/dev/null\nif state-cas a b c; then :; fi\nr=$(state-init) || exit 1\nstate-scan > f\nst=$?\n' > "$T_TMP/calls.sh"
expect 1 "lint-calls flags unchecked calls" sh scripts/lint-calls.sh "$T_TMP/calls.sh"
check "the piped read (line 1)" out_has "calls.sh:1:"
check "the ignored write (line 2)" out_has "calls.sh:2:"
check "and nothing else" [ "$(lines "$T_OUT")" -eq 2 ]
expect 0 "the mode scripts pass lint-calls" sh scripts/lint-calls.sh sh/ec2rp-provision sh/ec2rp-release sh/ec2rp-refresh sh/ec2rp-entrypoint sh/ec2rp-common.sh sh/ec2rp-userdata

expect 0 "refresh sets the pool up" ec2rp-refresh
# A live pool: two idle in the queue, two running for run 201.
expect 0 "provision 2 for run 200" env GITHUB_RUN_ID=200 INPUT_INSTANCE_COUNT=2 ec2rp-provision
expect 0 "release run 200 to the pool" env GITHUB_RUN_ID=200 ec2rp-release
# Release returns at once; the agents put their instances back themselves.
check "both back in the pool" wait_for 20 pooled large 2
expect 0 "provision 2 more for run 201" env GITHUB_RUN_ID=201 INPUT_INSTANCE_COUNT=4 ec2rp-provision
expect 0 "release run 201" env GITHUB_RUN_ID=201 ec2rp-release
check "all four back in the pool" wait_for 20 pooled large 4
expect 0 "provision 2 for run 202 (from the pool)" env GITHUB_RUN_ID=202 INPUT_INSTANCE_COUNT=2 ec2rp-provision
live=$(running_in_ec2)
check "four instances live ($live)" [ "$live" -eq 4 ]

# 1. A refresh whose reads fail stops before terminating anything. Each read
# it decides on fails in turn: the table scan, EC2's list, the records.
for read in dynamodb:Scan ec2:DescribeInstances dynamodb:BatchGetItem; do
	svc=${read%%:*} action=${read#*:}
	t0=$(terminations)
	sim POST /faults "{\"next\":[{\"service\":\"$svc\",\"action\":\"$action\",\"count\":1000,\"code\":\"InternalServerError\",\"status\":500}]}" >/dev/null
	# Only the reads of the GC fail: the setup part may pass or stop.
	expect 4 "refresh with $action failing stops (exit 4)" ec2rp-refresh
	sim POST /reset-faults >/dev/null
	# (the pool's binding is read first: failing there, nothing was changed at all)
	check "it says nothing was terminated" grep -Eq "nothing was (terminated|changed)" "$T_ERR"
	check "no TerminateInstances call with $action failing" [ "$(terminations)" -eq "$t0" ]
	check "all $live instances still run with $action failing" [ "$(running_in_ec2)" -eq "$live" ]
done
expect 0 "refresh with healthy reads" ec2rp-refresh
check "terminates nothing live" [ "$(running_in_ec2)" -eq "$live" ]

# 2. Records naming instances outside the pool are never acted on.
expect 0 "a launch template for another pool" ec2-template --pool other --ami ami-0123456789abcdef0
expect 0 "an instance of another pool" ec2-launch --pool other --count 1 --resource-class large --run-id x1
X=$(cut -f1 "$T_OUT")
expect 0 "a forged, expired record for it in this pool's table" state-cas --threshold 1 "$X" none created
t0=$(terminations)
expect 0 "refresh with the forged record" ec2rp-refresh
check "warns about the record" err_has "$X: expired record names no instance of pool"
check "no TerminateInstances for it" [ "$(terminations)" -eq "$t0" ]
sleep 0.5
check "the other pool's instance still runs" [ "$(ec2-list --pool other --state running | cut -f1)" = "$X" ]
check "the forged record is retired" [ "$(record_state "$X")" = terminated ]
expect 3 "ec2-terminate --pool refuses an instance of another pool" ec2-terminate --pool ec2-runner-pool "$X"
check "and names it refused, not in the pool" out_has "$X	refused	not-in-pool"
check "and leaves it running" [ "$(ec2-list --pool other --state running | cut -f1)" = "$X" ]
expect 0 "ec2-terminate --pool other terminates it" ec2-terminate --pool other "$X"
check "prints its states" out_has "$X	running	shutting-down"
expect 0 "an id EC2 does not know is gone" ec2-terminate --pool other i-0fedcba9876543210
check "gone, gone" out_has "i-0fedcba9876543210	gone	gone"

# 3. A provision whose verification fails (runner-wait errors out, prints
# nothing) rolls back: nothing is marked running without its signal.
expect 0 "release run 202" env GITHUB_RUN_ID=202 ec2rp-release
mkdir -p "$T_TMP/broken"
real=$(command -v runner-wait)
# The real runner-wait, but its registration check goes to a closed port.
cat > "$T_TMP/broken/runner-wait" <<EOF
#!/bin/sh
case " \$* " in *" --signal registered "*) export AWS_ENDPOINT_URL_DYNAMODB=https://127.0.0.1:9 ;; esac
exec "$real" "\$@"
EOF
chmod +x "$T_TMP/broken/runner-wait"
expect 4 "provision whose verification fails exits 4" env PATH="$T_TMP/broken:$PATH" GITHUB_RUN_ID=203 INPUT_INSTANCE_COUNT=1 ec2rp-provision
check "says it could not verify" err_has "could not verify the claimed instances"
check "prints no instance" [ ! -s "$T_OUT" ]
check "nothing is running for run 203" [ -z "$(state-scan --run-id 203 --state running 2>/dev/null)" ]
check "nothing is owned by run 203" [ -z "$(state-scan --run-id 203 2>/dev/null | grep -v '	terminated	')" ]
idle=$(state-scan --state idle 2>/dev/null | grep -c .)
check "the claimed instance went back to idle (all 4 idle: $idle)" [ "$idle" -eq 4 ]

# 4. User data: values with '&', '$(...)' and quotes arrive intact and inert.
url="https://example.com/r/x.tar.gz?a=1&b=\$(touch\$IFS$T_TMP/pwned)&c='q'"
weird="$url\"d\"\`touch\$IFS$T_TMP/pwned\`"
sha=0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef
EC2RP_UD_GITHUB_URL="$weird" EC2RP_UD_RUNNER_URL="$weird" EC2RP_UD_TOOLS_URL="$weird" \
	EC2RP_UD_RUNNER_SHA256=$sha EC2RP_UD_TOOLS_SHA256=$sha EC2RP_UD_RUNNER_VERSION=2.321.0 \
	sh sh/ec2rp-userdata > "$T_TMP/ud"
sed '/^# --- bootstrap ---$/,$d; /^set -u$/,$d' "$T_TMP/ud" > "$T_TMP/ud-head"
for v in GITHUB_URL RUNNER_URL TOOLS_URL; do
	got=$(sh -c ". '$T_TMP/ud-head'; printf '%s' \"\$EC2RP_$v\"")
	check "user data: $v arrives intact" [ "$got" = "$weird" ]
done
check "user data: nothing in the values ran" [ ! -e "$T_TMP/pwned" ]
expect 0 "refresh accepts an https URL with & \$ ' ( )" env INPUT_TOOLS_URL="$url" INPUT_TOOLS_SHA256=$sha ec2rp-refresh
check "and rewrites the launch template" err_has "launch template: updated"
expect 2 "refresh refuses a URL with a space" env INPUT_TOOLS_URL="https://x/a b" ec2rp-refresh
check "naming the input" err_has "invalid input tools-url"
expect 2 "refresh refuses a URL with a newline" env INPUT_ACTIONS_RUNNER_URL="https://x/a
b" ec2rp-refresh
expect 2 "refresh refuses an http URL" env INPUT_TOOLS_URL="http://x/a" ec2rp-refresh
expect 2 "refresh refuses a short checksum" env INPUT_TOOLS_SHA256=abc ec2rp-refresh
check "naming the input" err_has "invalid input tools-sha256"

# 5. resource-class-config never reaches the tools' @FILE form.
echo '{"secret": "do-not-print"}' > "$T_TMP/cfg.json"
# The idle agents keep heartbeating, watching their wake queues and returning
# themselves to the pool: count only what is signed with the operator's key.
mode_calls() { sim GET /calls | jq --arg k "$AWS_ACCESS_KEY_ID" '[.[] | select(.key == $k)] | length'; }
t0=$(mode_calls)
check "the modes' calls are counted ($t0 so far)" [ "$t0" -gt 0 ]
expect 2 "refresh refuses resource-class-config @FILE" env INPUT_RESOURCE_CLASS_CONFIG="@$T_TMP/cfg.json" ec2rp-refresh
check "naming the input" err_has "invalid input resource-class-config"
check "without echoing the file" sh -c "! grep -q do-not-print '$T_ERR'"
expect 2 "provision refuses resource-class-config @FILE" env GITHUB_RUN_ID=204 INPUT_RESOURCE_CLASS_CONFIG="@$T_TMP/cfg.json" ec2rp-provision
check "no request was made (SQS, EC2, table) by the modes" [ "$(mode_calls)" -eq "$t0" ]

# 6. An agent whose watch fails (its reads refused, as when a role loses a
# permission) does not take that for a release: the job's runner goes on.
expect 0 "provision 1 for run 205" env GITHUB_RUN_ID=205 INPUT_INSTANCE_COUNT=1 ec2rp-provision
r205=$(head -n 1 "$T_OUT")
sim POST /faults '{"next":[{"service":"dynamodb","action":"GetItem","count":40,"code":"AccessDeniedException","status":400,"message":"not authorized to perform: dynamodb:GetItem"}]}' >/dev/null
for i in $(seq 80); do
	sim GET /faults | jq -e '.pending | length == 0' >/dev/null && break
	sleep 0.5
done
check "the refusals reached run 205's agent" grep -q 'state-watch failed (exit 3) while serving run 205' "$SIM_DIR/instances/$r205/console.log"
check "run 205's instance still signals registered" [ "$(state-get --kind signal "$r205" 2>/dev/null | cut -f2)" = registered ]
check "its runner is still online" [ "$(sim GET /runners | jq -r --arg n "$r205" '.[] | select(.name == $n) | .status')" = online ]
expect 0 "and the run is released as usual" env GITHUB_RUN_ID=205 ec2rp-release

done_testing

#!/bin/sh
# The image as users run it: built from the Dockerfile by Docker (offline,
# over the tree `make rootfs` lays out), then each step run the way
# actions/runner runs a container action (its ContainerActionHandler and
# DockerCommandManager.DockerRun): `docker run --rm --workdir
# /github/workspace`, every variable passed by name with -e, GITHUB_ACTIONS
# and CI, the /github/* mounts and the docker socket, outputs and the step
# summary as file commands. --network host, as the job container's network
# would be, reaches the stack.
#
# The engine is Debian's docker.io on a socket, data root and exec root of
# its own, started here and stopped at the end: the simulated instances run
# on this host and their agents prune any Docker on the default socket.
. tests/integration/lib.sh
ROOT=$TOP/build/rootfs
[ -x "$ROOT/usr/local/bin/ec2rp-entrypoint" ] || { not_ok "build/rootfs missing (make rootfs)"; echo "1..$T_N"; exit 1; }
# Debian's client, the engine's own version (another may come first on PATH).
DOCKER_BIN=/usr/bin/docker
[ -x "$DOCKER_BIN" ] || DOCKER_BIN=docker
export DOCKER_BIN
unset DOCKER_HOST
DK=$T_TMP/dk
dk() { "$DOCKER_BIN" -H "unix://$DK/docker.sock" "$@"; }
dk_stop() { sh tests/dockerd.sh stop "$DK"; }
trap 'dk_stop; rm -rf "$T_TMP"' EXIT INT TERM
check_with "$DK/log" "dockerd answers on its own socket" sh tests/dockerd.sh start "$DK"
check_with "$DK/log" "storage driver overlay2 or vfs" sh -c "\"$DOCKER_BIN\" -H unix://$DK/docker.sock info -f '{{.Driver}}' | grep -qx 'overlay2\|vfs'"

# BuildKit skips the Debian stage, which could not be pulled here.
IMG=ec2-runner-pool:test
expect 0 "the image builds from the Dockerfile, offline" env DOCKER_BUILDKIT=1 "$DOCKER_BIN" -H "unix://$DK/docker.sock" \
	build --build-arg EC2RP_ROOTFS=tree -t "$IMG" .
size=$(dk image inspect -f '{{.Size}}' "$IMG" 2>/dev/null)
check "the image is at most 6 MB (${size:-?} bytes)" [ "${size:-99999999}" -le 6291456 ]
check "its entrypoint is the action's" sh -c "\"$DOCKER_BIN\" -H unix://$DK/docker.sock image inspect -f '{{json .Config.Entrypoint}}' $IMG | grep -qF '[\"/usr/local/bin/ec2rp-entrypoint\"]'"

stack_start
# The pool the action takes for GITHUB_REPOSITORY=octo/img (its own; the
# host-side checks below read the same one).
export EC2RP_POOL=octo-img
trap 'dk_stop; stack_stop' EXIT INT TERM

# The runner's folders on the runner host: _temp with its home, workflow
# and file-command folders, and the workspace (a checkout, here holding the
# stack's CA, which the job points AWS_CA_BUNDLE at).
R=$T_TMP/runner
mkdir -p "$R/_temp/_github_home" "$R/_temp/_github_workflow" "$R/_temp/_runner_file_commands" "$R/work"
cp "$AWS_CA_BUNDLE" "$R/work/stack-ca.pem"
STEP=0
# step NAME=VALUE...: one step of the action. A lower-case name is an input
# (with: in the workflow); the rest are the job's environment. Every input
# of action.yml arrives twice, as the runner sets it (INPUT_INSTANCE-COUNT)
# and through action.yml's env map (INPUT_INSTANCE_COUNT). The step's
# outputs and summary are then in $OUT and $SUM; CNAME is the container's.
step() {
	STEP=$((STEP + 1))
	OUT=$R/_temp/_runner_file_commands/set_output_$STEP
	SUM=$R/_temp/_runner_file_commands/step_summary_$STEP
	: > "$OUT"
	: > "$SUM"
	CNAME=ec2rp_step_$STEP
	(
		# Defaults from action.yml, then the step's inputs over them; the
		# job's environment apart.
		awk '/^inputs:/ { on = 1; next } /^[a-z]/ { on = 0 }
			on && /^  [a-z0-9-]+:$/ { n = $1; sub(":", "", n) }
			on && /^    default:/ { v = $0; sub(/^    default: */, "", v); gsub(/^"|"$/, "", v); print n "=" v }' action.yml > "$R/inputs"
		: > "$R/jobenv"
		for kv in "$@"; do
			case ${kv%%=*} in *[a-z]*) printf '%s\n' "$kv" >> "$R/inputs" ;; *) printf '%s\n' "$kv" >> "$R/jobenv" ;; esac
		done
		set --
		while IFS= read -r kv; do
			n=$(printf '%s' "${kv%%=*}" | tr 'a-z' 'A-Z')
			# The runner's name keeps the '-', which no shell can export:
			# env(1) hands it to the docker client as the runner does.
			set -- "$@" "INPUT_$n=${kv#*=}" "INPUT_$(printf '%s' "$n" | tr '-' '_')=${kv#*=}"
		done < "$R/inputs"
		while IFS= read -r kv; do set -- "$@" "$kv"; done < "$R/jobenv"
		# -e NAME for each, the value from the client's environment (no
		# secret on the command line); a later value of a name wins.
		opts=$(for kv in "$@"; do printf -- '-e %s\n' "${kv%%=*}"; done | sort -u)
		# This subshell becomes the docker client: its pid, for a cancel.
		sh -c 'echo "$PPID"' > "$R/client.pid"
		# shellcheck disable=SC2086 # one option a word
		exec env -i PATH="$PATH" HOME="$R/_temp/_github_home" \
			AWS_REGION="$AWS_REGION" AWS_ACCESS_KEY_ID="$AWS_ACCESS_KEY_ID" AWS_SECRET_ACCESS_KEY="$AWS_SECRET_ACCESS_KEY" \
			AWS_ENDPOINT_URL="$AWS_ENDPOINT_URL" AWS_CA_BUNDLE=/github/workspace/stack-ca.pem AWS_EC2_METADATA_DISABLED=true \
			GITHUB_API_URL="$GITHUB_API_URL" GITHUB_REPOSITORY=octo/img GITHUB_WORKSPACE=/github/workspace \
			GITHUB_OUTPUT=/github/file_commands/set_output_$STEP GITHUB_STEP_SUMMARY=/github/file_commands/step_summary_$STEP \
			RUNNER_TEMP=/github/runner_temp EC2RP_COLD_TIMEOUT_SEC=20 EC2RP_WARM_TIMEOUT_SEC=10 EC2RP_RELEASE_TIMEOUT_SEC=10 \
			"$@" \
			"$DOCKER_BIN" -H "unix://$DK/docker.sock" run --name "$CNAME" --label ec2rp-test-runner \
			--workdir /github/workspace --rm \
			$opts -e AWS_REGION -e AWS_ACCESS_KEY_ID -e AWS_SECRET_ACCESS_KEY -e AWS_ENDPOINT_URL -e AWS_CA_BUNDLE \
			-e AWS_EC2_METADATA_DISABLED -e GITHUB_API_URL -e GITHUB_REPOSITORY -e GITHUB_WORKSPACE -e GITHUB_OUTPUT \
			-e GITHUB_STEP_SUMMARY -e RUNNER_TEMP -e HOME=/github/home -e EC2RP_COLD_TIMEOUT_SEC -e EC2RP_WARM_TIMEOUT_SEC \
			-e EC2RP_RELEASE_TIMEOUT_SEC -e GITHUB_ACTIONS=true -e CI=true --network host \
			-v "$DK/docker.sock:/var/run/docker.sock" -v "$R/_temp:/github/runner_temp" \
			-v "$R/_temp/_github_home:/github/home" -v "$R/_temp/_github_workflow:/github/workflow" \
			-v "$R/_temp/_runner_file_commands:/github/file_commands" -v "$R/work:/github/workspace" \
			"$IMG"
	)
}
# output NAME: the step's output NAME, read from its file command.
output() { sed -n "s/^$1=//p" "$OUT" | tail -n 1; }

expect 0 "refresh, as a container action" step mode=refresh ami=ami-0123456789abcdef0 github-token="$GITHUB_TOKEN"
check "the token was masked before anything else" sh -c "head -n 1 $T_ERR | grep -q '^::add-mask::'"
check "the token appears nowhere but in mask commands" sh -c "! grep -F '$GITHUB_TOKEN' $T_ERR | grep -qv '^::add-mask::'"
check "output changes, from the file command" sh -c "[ -n \"\$(sed -n 's/^changes=//p' $OUT)\" ]"

expect 0 "provision 2, as a container action" step mode=provision instance-count=2 GITHUB_RUN_ID=401
L1=$(output label)
check_with "$OUT" "output label: the run's secret label" sh -c "printf '%s' '$L1' | grep -Eqx 'ec2rp-[0-9a-f]{32}'"
IDS=$(output instance-ids)
check_with "$OUT" "output instance-ids: two ids" sh -c "printf '%s\n' '$IDS' | grep -Eqx 'i-[0-9a-f]+ i-[0-9a-f]+'"
check_with "$SUM" "step summary: a row per created instance" [ "$(grep -c '| created (on-demand) | running |' "$SUM")" -eq 2 ]
# The instances booted and their agents ran their clean-up on this host: the
# engine under test is out of their reach (they prune the default socket).
check "the image survived the instances' clean-up" sh -c "\"$DOCKER_BIN\" -H unix://$DK/docker.sock image inspect $IMG >/dev/null"
check "no container left behind (--rm)" [ -z "$(dk ps -aq --filter label=ec2rp-test-runner)" ]

job 401 'echo on-runner' > "$T_TMP/job-out"
check_with "$T_TMP/job-out" "a job with runs-on: 401 ran on one of them" [ "$(head -n 1 "$T_TMP/job-out")" = success ]

expect 0 "release, as a container action" step mode=release GITHUB_RUN_ID=401
check_with "$SUM" "step summary: both returned to the pool" [ "$(grep -c 'returns it to the large pool' "$SUM")" -eq 2 ]
check "both back in the pool (their agents put them back)" wait_for 20 pooled large 2

# A re-run of the workflow: the run id with -2, both runners from the pool.
expect 0 "re-run: provision 2 for attempt 2" step mode=provision instance-count=2 GITHUB_RUN_ID=401 GITHUB_RUN_ATTEMPT=2
check_with "$OUT" "output label: attempt 2's own secret label" sh -c "L2=\$(sed -n 's/^label=//p' '$OUT'); printf '%s' \"\$L2\" | grep -Eqx 'ec2rp-[0-9a-f]{32}' && [ \"\$L2\" != '$L1' ]"
check_with "$SUM" "step summary: both from the pool" [ "$(grep -c '| pool | running |' "$SUM")" -eq 2 ]
job 401-2 'echo on-runner' > "$T_TMP/job-out"
check_with "$T_TMP/job-out" "a job with runs-on: 401-2 ran" [ "$(head -n 1 "$T_TMP/job-out")" = success ]
expect 0 "release of the re-run" step mode=release GITHUB_RUN_ID=401 GITHUB_RUN_ATTEMPT=2
check "both back in the pool again" wait_for 20 pooled large 2

# Bad input: exit 2, one ::error:: line with the value as given, no output.
expect 2 "an unknown mode" step mode=nonsense
check_with "$T_ERR" "the error names the mode and shows the value as given" err_has "::error::invalid input mode: must be provision, release or refresh, got 'nonsense'"
check "no output written" [ ! -s "$OUT" ]
expect 2 "instance-count 0" step mode=provision instance-count=0 GITHUB_RUN_ID=402
check_with "$T_ERR" "names instance-count and its value" err_has "instance-count: must be a whole number from 1 to 100, got '0'"
check "no container left behind (--rm)" [ -z "$(dk ps -aq --filter label=ec2rp-test-runner)" ]
check "the image is still there" sh -c "\"$DOCKER_BIN\" -H unix://$DK/docker.sock image inspect $IMG >/dev/null"

# Cancellation, as the runner cancels a step (actions/runner's
# ProcessInvoker, killProcessOnCancel false for docker run): SIGINT to the
# docker client, 7.5 s for it to end, then SIGTERM, 2.5 s more, then
# SIGKILL. The client passes the first two on to the container.
gone_within() { # TENTHS PID
	_i=0
	while kill -0 "$2" 2>/dev/null; do
		[ $_i -lt "$1" ] || return 1
		sleep 0.1
		_i=$((_i + 1))
	done
}
runner_cancel() {
	kill -INT "$1" 2>/dev/null; gone_within 75 "$1" && return 0
	kill -TERM "$1" 2>/dev/null; gone_within 25 "$1" && return 0
	kill -KILL "$1" 2>/dev/null
	return 1
}
# cancel_at RUN PHASE-CHECK... : starts a provision of 1 for RUN in the
# background (more step arguments in $CANCEL_ARGS), waits until the check
# holds, then cancels it as the runner would; checks that it ended in time
# and wrote no output, and removes what is left of the container as the end
# of a hosted runner's machine would.
cancel_at() {
	_run=$1
	shift
	C=$T_TMP/cancel.$_run
	# shellcheck disable=SC2086 # the arguments are words on purpose
	step mode=provision instance-count=1 GITHUB_RUN_ID="$_run" $CANCEL_ARGS > "$C.out" 2> "$C.err" &
	_bg=$!
	STEP=$((STEP + 1))
	check_with "$C.err" "run $_run: provision reached the phase" wait_for 30 "$@"
	# The cancel comes while it waits for the runners, not between commands.
	check_with "$C.err" "run $_run: and waits for the runners (runner-wait runs in the container)" \
		wait_for 10 sh -c "\"$DOCKER_BIN\" -H unix://$DK/docker.sock top ec2rp_step_$STEP 2>/dev/null | grep -q runner-wait"
	check_with "$C.err" "run $_run: cancelled, the step ends within the runner's grace period (SIGINT, 7.5 s, SIGTERM, 2.5 s)" \
		runner_cancel "$(cat "$R/client.pid")"
	wait "$_bg"
	check_with "$C.err" "run $_run: no output, the step did not finish" [ ! -s "$R/_temp/_runner_file_commands/set_output_$STEP" ]
	dk kill "ec2rp_step_$STEP" >/dev/null 2>&1
	check "run $_run: no container left running" wait_for 10 sh -c "[ -z \"\$(\"$DOCKER_BIN\" -H unix://$DK/docker.sock ps -q --filter label=ec2rp-test-runner)\" ]"
}

# Phase "create" (xlarge: its pool is empty): the fleet is launched and
# provision waits for the new runner to register. The instance never boots,
# so only the cancel can end the step within the grace period.
sim POST /faults '{"instances":["never-boot"]}' >/dev/null
CANCEL_ARGS="resource-class=xlarge"
cancel_at 410 grep -qs '^::group::create' "$T_TMP/cancel.410.err"
check "run 410: the cancelled phase had launched an instance" sh -c "ec2-list --run-id 410 >/dev/null 2>&1"

# Phase "claim": an instance of the pool is claimed and provision waits for
# its runner to register. The pool's instances are frozen (SIGSTOP to their
# processes: hung machines), so again only the cancel ends the step. Claims
# expire after the warm and cold timeouts (15 + 20 s here, no margin).
frozen=""
for id in $(state-scan --state idle | cut -f1); do
	for p in /proc/[0-9]*; do
		case $(readlink "$p/cwd" 2>/dev/null) in
		"$SIM_DIR/instances/$id" | "$SIM_DIR/instances/$id/"*) frozen="$frozen $(ps -o pgid= -p "${p#/proc/}" | tr -d ' ')" ;;
		esac
	done
done
frozen=$(printf '%s\n' $frozen | sort -u)
check "the pool's instances are frozen" [ -n "$frozen" ]
for g in $frozen; do kill -STOP -- "-$g" 2>/dev/null; done
CANCEL_ARGS="EC2RP_WARM_TIMEOUT_SEC=15 EC2RP_CLAIM_MARGIN_SEC=0"
cancel_at 411 sh -c "state-scan --run-id 411 --state claimed >/dev/null 2>&1"
for g in $frozen; do kill -CONT -- "-$g" 2>/dev/null; done

# The cancelled provisions handed back what they took at once (the claimed
# instance to idle and into the pool, the created one terminated: 63-cancel
# checks each phase), so nothing waits for the claim's expiry; anything a
# write missed is the if: always() release's and the next refresh's.
expect 0 "run 410: the workflow's if: always() release" step mode=release GITHUB_RUN_ID=410
expect 0 "run 411: the workflow's if: always() release" step mode=release GITHUB_RUN_ID=411
expect 0 "the next refresh" step mode=refresh ami=ami-0123456789abcdef0 github-token="$GITHUB_TOKEN"
check "nothing of the cancelled runs is left running" wait_for 20 sh -c "! ec2-list --run-id 410 --state pending,running >/dev/null 2>&1 && ! ec2-list --run-id 411 --state pending,running >/dev/null 2>&1"
check "no record of theirs but terminated ones" sh -c "! state-scan --run-id 410 | grep -v '	terminated	' | grep -q . && ! state-scan --run-id 411 | grep -v '	terminated	' | grep -q ."
done_testing

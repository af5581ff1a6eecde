# Sourced by tests/integration/NN-name.sh: a shared stack, TAP output, and
# helpers that record a check's expected exit code and output.
# Tests run from the repository root with the built tools first on PATH.

T_N=0
T_FAILED=0
TOP=$(pwd)
# T_USERLAND: a folder put first on PATH, the image's busybox applets and
# the mode scripts run by its sh (62-userland).
PATH="${T_USERLAND:+$T_USERLAND:}$TOP/build/bin:$PATH"
export PATH
T_TMP=$(mktemp -d)

# ok NAME: records a passing check; not_ok NAME [DETAIL]: a failing one.
ok() { T_N=$((T_N + 1)); echo "ok $T_N - $1"; }
not_ok() {
	T_N=$((T_N + 1))
	T_FAILED=$((T_FAILED + 1))
	echo "not ok $T_N - $1"
	[ -n "${2:-}" ] && printf '%s\n' "$2" | sed 's/^/#   /'
	return 0
}

# expect CODE NAME CMD...: runs CMD, stdout to $T_OUT and stderr to $T_ERR;
# passes when it exits with CODE.
T_OUT="$T_TMP/out"
T_ERR="$T_TMP/err"
expect() {
	want=$1
	name=$2
	shift 2
	"$@" > "$T_OUT" 2> "$T_ERR"
	got=$?
	if [ "$got" -eq "$want" ]; then
		ok "$name"
	else
		not_ok "$name" "exit $got, want $want; stderr: $(head -c 600 "$T_ERR")"
	fi
}

# check NAME CMD...: passes when the test command CMD succeeds.
check() {
	name=$1
	shift
	if "$@"; then ok "$name"; else not_ok "$name"; fi
}

# check_with FILE NAME CMD...: like check; a failure prints FILE's lines
# (the evidence) right after its "not ok" line, where the run summary shows it.
check_with() {
	_f=$1
	shift
	_name=$1
	shift
	if "$@"; then ok "$_name"; else not_ok "$_name" "$(head -n 30 "$_f" 2>/dev/null)"; fi
}

# out_has / err_has TEXT: the last expect's stdout / stderr contains TEXT.
out_has() { grep -qF -- "$1" "$T_OUT"; }
err_has() { grep -qF -- "$1" "$T_ERR"; }
# lines FILE: how many lines the file has.
lines() { wc -l < "$1" | tr -d ' '; }

# stack_start [ARGS]: starts the local stack and loads its environment;
# it is stopped when the test exits.
stack_start() {
	SIM_DIR=$(sh tests/sim/stack start "$@") || { not_ok "local stack did not start"; echo "1..$T_N"; exit 1; }
	# shellcheck disable=SC1091
	. "$SIM_DIR/env"
	trap 'stack_stop' EXIT INT TERM
}
stack_stop() {
	[ -n "${SIM_DIR:-}" ] && sh tests/sim/stack stop "$SIM_DIR" >/dev/null 2>&1 && rm -rf "$SIM_DIR"
	SIM_DIR=
	rm -rf "$T_TMP"
}

# refuse_state_cas TRANSITION: puts in $T_TMP/broken a state-cas that
# fails (exit 3, refused) on the transition "FROM TO" and runs the real one
# otherwise; PATH="$T_TMP/broken:$PATH" makes a mode use it.
refuse_state_cas() {
	mkdir -p "$T_TMP/broken"
	_real=$(command -v state-cas)
	printf '#!/bin/sh\ncase " $* " in *" %s "*) exit 3 ;; esac\nexec "%s" "$@"\n' "$1" "$_real" > "$T_TMP/broken/state-cas"
	chmod +x "$T_TMP/broken/state-cas"
}

# sim GET|POST PATH [JSON]: the stack's control API.
sim() {
	if [ "$1" = GET ]; then
		curl -fsS "$SIM_CONTROL$2"
	else
		curl -fsS -X "$1" -H 'content-type: application/json' --data "${3:-{\}}" "$SIM_CONTROL$2"
	fi
}

# model_check: every request the test sent and every answer the simulator
# wrote were checked against AWS's service models (tests/sim/model.js). A
# test that sends bad requests on purpose says how many (T_MODEL_REFUSALS).
model_check() {
	m=$(sim GET /models | tr -d ' \n')
	checked=$(printf '%s' "$m" | sed -n 's/.*"checked":\([0-9]*\).*/\1/p')
	answers=$(printf '%s' "$m" | sed -n 's/.*"answers":\([0-9]*\).*/\1/p')
	mfailed=$(printf '%s' "$m" | sed -n 's/.*"failed":\([0-9]*\).*/\1/p')
	rejected=$(printf '%s' "$m" | sed -n 's/.*"rejected":\([0-9]*\).*/\1/p')
	echo "# models: $checked requests checked, ${rejected:-?} refused; $answers answers checked, ${mfailed:-?} failed"
	if [ "${rejected:-1}" -eq "${T_MODEL_REFUSALS:-0}" ]; then ok "every request fits AWS's models ($checked checked)"
	else not_ok "every request fits AWS's models" "$m"; fi
	if [ "${mfailed:-1}" -eq 0 ]; then ok "the simulator's answers fit AWS's models ($answers checked)"
	else not_ok "the simulator's answers fit AWS's models" "$m"; fi
	iam_check
}

# iam_check: every request was judged by iam-simulate on AWS's authorization
# data (tests/sim/iam.js) with docs/iam's policies; refusals are enforced only
# in tests that turn IAM on. Every key the stack put in a request context
# must be one AWS's data knows for that action (an unknown one is ignored).
iam_check() {
	i=$(sim GET /iam) || { not_ok "the stack reports its IAM decisions"; return 0; }
	printf '%s' "$i" | jq -r '"\(.authorised) \(.refused) \(.refusedEnforced) \(.ignoredKeys | length)"' > "$T_TMP/iam"
	read -r ia ir ie ik < "$T_TMP/iam"
	echo "# iam: $ia requests authorised, $ir refused ($ie of them enforced) by AWS's data"
	if [ "${ik:-1}" -eq 0 ]; then ok "every request context holds only keys AWS documents for its action"
	else not_ok "every request context holds only keys AWS documents for its action" "$(printf '%s' "$i" | jq -c .ignoredKeys)"; fi
}

# done_testing: prints the plan; the exit status says whether all passed.
done_testing() {
	[ -z "${SIM_DIR:-}" ] || model_check
	echo "1..$T_N"
	[ "$T_FAILED" -eq 0 ]
}

# job LABEL SCRIPT: runs SCRIPT as a job on a runner with LABEL (the
# simulated GitHub hands it out); prints its conclusion, then its output.
job() {
	_j=$(sim POST /jobs "$(printf '{"label":"%s","script":%s}' "$1" "$(printf '%s' "$2" | node -e 'process.stdout.write(JSON.stringify(require("fs").readFileSync(0,"utf8")))')")" \
		| sed -n 's/.*"id": *\([0-9]*\).*/\1/p')
	_i=0
	while [ $_i -lt 100 ]; do
		sim GET "/jobs/$_j" > "$T_TMP/job" 2>/dev/null
		grep -q '"status": "completed"' "$T_TMP/job" && break
		sleep 0.2
		_i=$((_i + 1))
	done
	node -e 'const j=JSON.parse(require("fs").readFileSync(process.argv[1],"utf8")); process.stdout.write(j.conclusion + "\n" + (j.output || ""))' "$T_TMP/job"
}

# wait_for SEC CMD...: runs CMD every 0.2 s until it succeeds or SEC pass;
# its status is CMD's last. For what the agents do after a release returns
# (deregistering, cleaning, putting their instance back into the pool).
wait_for() {
	_end=$(($(date +%s) + $1))
	shift
	until "$@"; do
		[ "$(date +%s)" -lt "$_end" ] || return 1
		sleep 0.2
	done
}

# pooled CLASS N: the class's queue holds N messages (pool-status; nothing
# is taken out of the queue to count them).
pooled() { [ "$(pool-status "$1" 2>/dev/null | awk -F '\t' -v c="$1" '$1 == "class" && $2 == c { print $8 }')" = "$2" ]; }

# action_env: INPUT_<NAME>=<default> for every input of action.yml.
action_env() {
	awk '/^inputs:/ { on = 1; next } /^[a-z]/ { on = 0 }
		on && /^  [a-z0-9-]+:$/ { n = $1; sub(":", "", n) }
		on && /^    default:/ { v = $0; sub(/^    default: */, "", v); gsub(/^"|"$/, "", v)
			gsub("-", "_", n); print "INPUT_" toupper(n) "=" v }' action.yml
}
# as_action NAME=VALUE...: runs the action with these inputs (a NAME in
# capitals is an environment variable, GITHUB_RUN_ID).
as_action() {
	(
		action_env > "$T_TMP/action.env"
		while IFS= read -r kv; do export "${kv?}"; done < "$T_TMP/action.env"
		for kv in "$@"; do
			n=${kv%%=*}
			case $n in
			*[a-z]*) export "INPUT_$(printf '%s' "$n" | tr 'a-z-' 'A-Z_')=${kv#*=}" ;;
			*) export "${kv?}" ;;
			esac
		done
		exec ec2rp-entrypoint
	)
}

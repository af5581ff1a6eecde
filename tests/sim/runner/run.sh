#!/bin/sh
# A stand-in for actions/runner's run.sh, talking to the local GitHub
# simulator through its private /_sim/ endpoints.
# Environment: GITHUB_API_URL (the simulator, http or https), SIM_CA or
# AWS_CA_BUNDLE (the CA for https).
#   run.sh [--jitconfig ENCODED]
# Online while it runs: it polls every half second (the poll is the
# heartbeat, also while a job runs). It takes a job queued for one of its
# labels, runs its script in the work folder, reports the conclusion and
# output. An ephemeral (or just-in-time) runner exits after one job.
# SIGTERM/SIGINT: cancels a running job, goes offline, exits 0.
# Exits 1 when not configured or when its registration was deleted.
set -u
here=$(cd "$(dirname "$0")" && pwd)
fail() { echo "run.sh: error: $*" >&2; exit 1; }
[ -n "${GITHUB_API_URL:-}" ] || fail "GITHUB_API_URL is not set"
api=$GITHUB_API_URL
ca=${SIM_CA:-${AWS_CA_BUNDLE:-}}

jit=
while [ $# -gt 0 ]; do
	case $1 in
	--jitconfig) [ $# -ge 2 ] || fail "--jitconfig needs a value"; jit=$2; shift 2 ;;
	*) fail "unrecognized command-line input argument: $1" ;;
	esac
done
if [ -n "$jit" ]; then
	conf=$(printf '%s' "$jit" | base64 -d 2>/dev/null) || fail "--jitconfig is not base64"
	ephemeral=1
else
	[ -f "$here/.runner" ] || fail "the runner is not configured; run ./config.sh first"
	conf=$(cat "$here/.runner")
	ephemeral=0
	case $conf in *'"ephemeral": true'*) ephemeral=1 ;; esac
fi
id=$(printf '%s' "$conf" | sed -n 's/.*"agentId": *\([0-9][0-9]*\).*/\1/p')
[ -n "$id" ] || fail "no agentId in the runner's configuration"
work=$(printf '%s' "$conf" | sed -n 's/.*"workFolder": *"\([^"]*\)".*/\1/p')
work=$here/${work:-_work}
mkdir -p "$work" || exit 1
state=$here/.job.$$ # the running job's script, output and exit status

# call ENDPOINT [FIELD=VALUE|FIELD@FILE...]: prints the answer. Status 0 on a
# 200, 2 when the simulator no longer knows this runner, 1 otherwise.
call() {
	ep=$1
	shift
	n=$#
	for kv in "$@"; do set -- "$@" --data-urlencode "$kv"; done
	shift "$n"
	out=$(curl -sS ${ca:+--cacert "$ca"} -w '\n%{http_code}' -X POST --data-urlencode "id=$id" "$@" "$api/_sim/$ep" 2>&1) || return 1
	code=$(printf '%s\n' "$out" | tail -n 1)
	printf '%s\n' "$out" | sed '$d'
	case $code in 200) return 0 ;; 404) return 2 ;; *) return 1 ;; esac
}

job='' job_pid='' nap=''
# The job runs in its own process group (setsid) so that cancelling it ends
# whatever it started too.
start_job() {
	printf '%s\n' "$1" | tail -n +2 > "$state.sh"
	rm -f "$state.status"
	# shellcheck disable=SC2016 # expanded by the inner sh
	setsid sh -c 'cd "$1" && sh "$2.sh" > "$2.out" 2>&1; echo $? > "$2.tmp"; mv "$2.tmp" "$2.status"' \
		sh "$work" "$state" < /dev/null &
	job_pid=$!
	echo "Running job: $job"
}
finish_job() {
	call "done" "job=$job" "conclusion=$1" "output@$state.out" > /dev/null
	echo "Job $job completed with result: $1"
	rm -f "$state.sh" "$state.out" "$state.status" "$state.tmp"
	job='' job_pid=''
}
stop() {
	trap '' TERM INT
	[ -n "$nap" ] && kill "$nap" 2>/dev/null
	if [ -n "$job_pid" ]; then
		kill -TERM "-$job_pid" 2>/dev/null
		finish_job cancelled
	fi
	call offline > /dev/null 2>&1
	exit 0
}
trap stop TERM INT

echo "Listening for Jobs"
while :; do
	if [ -n "$job_pid" ] && [ -f "$state.status" ]; then
		wait "$job_pid" 2>/dev/null
		if [ "$(cat "$state.status")" = 0 ]; then finish_job success; else finish_job failure; fi
		if [ "$ephemeral" = 1 ]; then
			# The simulator has removed the runner; so does its configuration.
			[ -n "$jit" ] || rm -f "$here/.runner" "$here/.credentials"
			exit 0
		fi
	fi
	reply=$(call poll)
	case $? in
	0)
		case $reply in
		job\ *)
			job=$(printf '%s\n' "$reply" | sed -n '1s/^job \([0-9]*\).*/\1/p')
			start_job "$reply"
			;;
		esac
		;;
	2)
		echo "Runner registration has been deleted from the server, please re-configure." >&2
		[ -n "$job_pid" ] && kill -TERM "-$job_pid" 2>/dev/null
		exit 1
		;;
	esac
	sleep 0.5 &
	nap=$!
	wait "$nap"
	nap=
done

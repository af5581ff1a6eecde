#!/bin/sh
# A stand-in for actions/runner's run.sh, talking to the local GitHub
# simulator through its private /_sim/ endpoints. It follows the real
# runner's source (github.com/actions/runner; files named below).
# Environment: GITHUB_API_URL (the simulator, http or https), SIM_CA or
# AWS_CA_BUNDLE (the CA for https).
#   run.sh [--jitconfig ENCODED]
# Online while it runs: while idle it long-polls (the simulator holds the
# poll until a job comes, up to 20 s, as the real listener's GetMessage is
# held); while a job runs it polls every half second (the poll is the
# heartbeat). It takes a job queued for one of its
# labels, runs its script in the work folder, reports the conclusion and
# output. An ephemeral (or just-in-time) runner exits after one job.
# SIGTERM/SIGINT: cancels a running job, goes offline, exits 0.
# Like the real run.sh (its run() loop), it exits 0 when the listener ends
# for good, whatever the reason (refused as root, not configured,
# registration deleted), after printing why.
# SIM_RUNNER_START_SEC ("S" or "MIN-MAX"): how long the listener takes to
# start and open its session before it is online (unset: at once).
set -u
# When it started: the listener's start (to "Listening for Jobs") is the
# runner's own time, traced for make bench.
[ -z "${SIM_RUNNER_TRACE:-}" ] || started=$(date +%s%N)
here=$(cd "$(dirname "$0")" && pwd)
. "$here/timing.sh"
# The listener's environment takes .env's NAME=VALUE lines (actions/runner
# Program.cs LoadAndSetEnv: split at the first '='), as its jobs then do.
if [ -r "$here/.env" ]; then
	while IFS= read -r kv; do
		case ${kv%%=*} in '' | *[!A-Za-z0-9_]* | [0-9]*) continue ;; esac
		case $kv in *=*) export "${kv%%=*}=${kv#*=}" ;; esac
	done < "$here/.env"
fi
# end MESSAGE: the listener stopped for good; run.sh says so and exits 0
# (run-helper.sh.template: "terminated error, ... no retry needed").
end() {
	[ $# -gt 0 ] && printf '%s\n' "$*" >&2
	[ -z "${state:-}" ] || rm -f "$state.poll"
	echo "Exiting runner..."
	exit 0
}

# src/Misc/layoutroot/run-helper.sh.template: the effective uid, and the
# variable only counts when it is not empty.
if [ "$(id -u)" -eq 0 ] && [ -z "${RUNNER_ALLOW_RUNASROOT:-}" ]; then
	echo "Must not run interactively with sudo"
	end
fi
[ -n "${GITHUB_API_URL:-}" ] || end "run.sh: error: GITHUB_API_URL is not set"
# run.sh's run(): the helper is copied from its template at each start, its
# status unchecked (a copy root keeps in place stays).
cp -f "$here/run-helper.sh.template" "$here/run-helper.sh" 2>/dev/null
api=$GITHUB_API_URL
ca=${SIM_CA:-${AWS_CA_BUNDLE:-}}

jit=
while [ $# -gt 0 ]; do
	case $1 in
	--jitconfig) [ $# -ge 2 ] || end "run.sh: error: --jitconfig needs a value"; jit=$2; shift 2 ;;
	*) echo "Unrecognized command-line input arguments for command run: '${1#--}'. For usage refer to: ./config.sh --help" >&2; shift ;;
	esac
done
if [ -n "$jit" ]; then
	conf=$(printf '%s' "$jit" | base64 -d 2>/dev/null) || end "run.sh: error: --jitconfig is not base64"
	ephemeral=1
	key=$(printf '%s' "$conf" | sed -n 's/.*"key": *"\([^"]*\)".*/\1/p')
else
	# Runner.cs: LoadSettings refuses an unconfigured runner.
	if [ ! -f "$here/.runner" ] || [ ! -f "$here/.credentials" ]; then
		end "Not configured. Run config.(sh/cmd) to configure the runner."
	fi
	conf=$(cat "$here/.runner")
	ephemeral=0
	case $conf in *'"ephemeral": true'*) ephemeral=1 ;; esac
	key=$(sed -n 's/.*"key": *"\([^"]*\)".*/\1/p' "$here/.credentials")
fi
id=$(printf '%s' "$conf" | sed -n 's/.*"agentId": *\([0-9][0-9]*\).*/\1/p')
[ -n "$id" ] || end "run.sh: error: no agentId in the runner's configuration"
work=$(printf '%s' "$conf" | sed -n 's/.*"workFolder": *"\([^"]*\)".*/\1/p')
work=$here/${work:-_work}
# Runner.cs RunAsync: the work folder is created and must be usable.
if ! mkdir -p "$work" 2>/dev/null || [ ! -w "$work" ] || [ ! -x "$work" ]; then
	end "Fail to create and validate runner's work directory '$work'."
fi
version=${SIM_RUNNER_VERSION:-2.336.0}
[ -f "$here/.runner_version" ] && version=$(cat "$here/.runner_version")
state=$(mktemp "$here/.job.XXXXXX") || exit 1 # the running job's script, output and exit status

# call ENDPOINT [FIELD=VALUE|FIELD@FILE...]: prints the answer. Status 0 on a
# 200, 2 when the simulator no longer knows this registration (deleted, or
# replaced by another one with the same name), 1 otherwise.
call() {
	ep=$1
	shift
	n=$#
	for kv in "$@"; do set -- "$@" --data-urlencode "$kv"; done
	shift "$n"
	out=$(curl -sS ${ca:+--cacert "$ca"} -w '\n%{http_code}' -X POST --data-urlencode "id=$id" \
		--data-urlencode "key=$key" --data-urlencode "version=$version" "$@" "$api/_sim/$ep" 2>&1) || return 1
	code=$(printf '%s\n' "$out" | tail -n 1)
	printf '%s\n' "$out" | sed '$d'
	case $code in 200) return 0 ;; 401 | 404) return 2 ;; 403) return 3 ;; *) return 1 ;; esac
}

job='' job_pid='' nap='' tid=''
# The job runs in its own process group (setsid) so that cancelling it ends
# whatever it started too. As the real worker does (JobExtension.cs), the
# job gets RUNNER_TRACKING_ID, and when it ends every process still
# carrying that value is killed ("Cleaning up orphan processes"); a process
# started with another value escapes, as on the real runner.
start_job() {
	printf '%s\n' "$1" | tail -n +2 > "$state.sh"
	rm -f "$state.status"
	tid=github_$(od -An -N16 -tx1 /dev/urandom | tr -d ' \n')
	# shellcheck disable=SC2016 # expanded by the inner sh
	RUNNER_TRACKING_ID=$tid setsid sh -c 'cd "$1" && sh "$2.sh" > "$2.out" 2>&1; echo $? > "$2.tmp"; mv "$2.tmp" "$2.status"' \
		sh "$work" "$state" < /dev/null &
	job_pid=$!
	echo "Running job: $job"
}
orphans() {
	[ -n "$tid" ] || return 0
	grep -lsxzF "RUNNER_TRACKING_ID=$tid" /proc/[0-9]*/environ | while IFS= read -r f; do
		p=${f#/proc/}
		p=${p%/environ}
		[ "$p" = $$ ] || kill -9 "$p" 2>/dev/null
	done
	tid=''
}
finish_job() {
	orphans
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
	end
}
trap stop TERM INT

take "${SIM_RUNNER_START_SEC:-}"
[ -z "${SIM_RUNNER_TRACE:-}" ] || trace "$started" start "$(printf '%s' "$conf" | sed -n 's/.*"agentName": *"\([^"]*\)".*/\1/p')"
echo "Listening for Jobs"
while :; do
	if [ -n "$job_pid" ] && [ -f "$state.status" ]; then
		wait "$job_pid" 2>/dev/null
		if [ "$(cat "$state.status")" = 0 ]; then finish_job success; else finish_job failure; fi
		if [ "$ephemeral" = 1 ]; then
			# The simulator has removed the runner; so does its configuration.
			[ -n "$jit" ] || rm -f "$here/.runner" "$here/.credentials"
			end
		fi
	fi
	# Idle: a long poll (held by the simulator until a job comes, up to
	# 20 s), as the real listener's; while a job runs, a plain one. In the
	# background, so that a SIGTERM is handled at once.
	held=
	[ -n "$job_pid" ] || held=wait=20
	call poll $held > "$state.poll" &
	nap=$!
	wait "$nap"
	st=$?
	nap=
	reply=$(cat "$state.poll")
	case $st in
	0)
		case $reply in
		job\ *)
			job=$(printf '%s\n' "$reply" | sed -n '1s/^job \([0-9]*\).*/\1/p')
			start_job "$reply"
			;;
		update\ *)
			# Without --disableupdate the server hands out updates: the
			# real runner downloads the new version into its own folder
			# and restarts the listener (Runner.cs, "RunnerUpdating").
			version=${reply#update }
			echo "Runner update in progress, do not shutdown runner."
			printf '%s\n' "$version" > "$here/.runner_version"
			echo "Runner listener exit because of updating, re-launch runner after successful update"
			;;
		esac
		;;
	2)
		[ -n "$job_pid" ] && kill -TERM "-$job_pid" 2>/dev/null
		end "Runner registration has been deleted from the server, please re-configure. Runner will exit."
		;;
	3)
		# RunnerVersionTooOld: the listener ends (Program.cs: "An error
		# occurred: ..."), with exit code 7 when
		# ACTIONS_RUNNER_RETURN_VERSION_DEPRECATED_EXIT_CODE=1, else 1,
		# which run-helper.sh turns into 0: no retry either way.
		case $reply in
		RunnerVersionTooOld\ *)
			[ -n "$job_pid" ] && kill -TERM "-$job_pid" 2>/dev/null
			echo "An error occurred: ${reply#RunnerVersionTooOld }" >&2
			if [ "${ACTIONS_RUNNER_RETURN_VERSION_DEPRECATED_EXIT_CODE:-}" = 1 ]; then
				echo "Runner listener exit with deprecated version exit code: 7."
				[ -z "${state:-}" ] || rm -f "$state.poll"
				echo "Exiting runner..."
				exit 7
			fi
			end "Runner listener exit with terminated error, stop the service, no retry needed."
			;;
		esac
		;;
	esac
	# The next long poll at once after an empty one; else every half second.
	[ -n "$held" ] && [ "$st" = 0 ] && [ "$reply" = idle ] && continue
	sleep 0.5 &
	nap=$!
	wait "$nap"
	nap=
done

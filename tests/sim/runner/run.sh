#!/bin/sh
# A stand-in for actions/runner's run.sh: online while it runs (polls the
# simulator every half second), runs the jobs queued for its labels, goes
# offline on SIGTERM/SIGINT. An ephemeral runner exits after one job.
set -u
here=$(cd "$(dirname "$0")" && pwd)
api=${GITHUB_API_URL:?GITHUB_API_URL is not set}
ca=${SIM_CA:-${AWS_CA_BUNDLE:-}}
[ -f "$here/.runner" ] || { echo "run.sh: not configured" >&2; exit 1; }
id=$(sed -n 's/.*"agentId": *\([0-9]*\).*/\1/p' "$here/.runner")
ephemeral=$(grep -q '"ephemeral": true' "$here/.runner" && echo 1 || echo 0)
call() { curl -sS -f ${ca:+--cacert "$ca"} -X POST --data-urlencode "id=$id" "$@"; }
stop() { call "$api/_sim/offline" >/dev/null 2>&1; exit 0; }
trap stop TERM INT
echo "Listening for Jobs"
while :; do
	reply=$(call "$api/_sim/poll") || { sleep 1; continue; }
	case $reply in
	job\ *)
		job=$(printf '%s\n' "$reply" | head -n 1 | cut -d' ' -f2)
		printf '%s\n' "$reply" | tail -n +2 > "$here/job.sh"
		if out=$(sh "$here/job.sh" 2>&1); then conclusion=success; else conclusion=failure; fi
		echo "job $job: $conclusion"
		call --data-urlencode "job=$job" --data-urlencode "conclusion=$conclusion" \
			--data-urlencode "output=$out" "$api/_sim/done" >/dev/null
		[ "$ephemeral" = 1 ] && exit 0
		;;
	esac
	sleep 0.5 &
	wait $!
done

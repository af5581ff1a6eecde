#!/bin/sh
# A stand-in for actions/runner's config.sh, talking to the local GitHub
# simulator through its private /_sim/ endpoints (the real runner speaks a
# private protocol too).
# Environment: GITHUB_API_URL (the simulator, http or https), SIM_CA or
# AWS_CA_BUNDLE (the CA for https). The token and URL may also come as
# ACTIONS_RUNNER_INPUT_TOKEN and ACTIONS_RUNNER_INPUT_URL, as the real runner
# allows.
#   config.sh --url https://github.com/OWNER[/REPO] --token T [--labels a,b]
#             [--name N] [--unattended] [--replace] [--no-default-labels]
#             [--ephemeral] [--work DIR] [--runnergroup G] [--disableupdate]
#   config.sh remove [--token T] [--unattended]
# Writes .runner and .credentials next to itself; remove deletes them.
set -u
# As actions/runner's own config.sh (src/Misc/layoutroot/config.sh) does,
# for configure and remove alike: root only with RUNNER_ALLOW_RUNASROOT.
if [ "$(id -u)" -eq 0 ] && [ -z "${RUNNER_ALLOW_RUNASROOT:-}" ]; then
	echo "Must not run with sudo"
	exit 1
fi
here=$(cd "$(dirname "$0")" && pwd)
fail() { echo "config.sh: error: $*" >&2; exit 1; }
[ -n "${GITHUB_API_URL:-}" ] || fail "GITHUB_API_URL is not set"
api=$GITHUB_API_URL
ca=${SIM_CA:-${AWS_CA_BUNDLE:-}}

# post ENDPOINT TOKEN [FIELD=VALUE...]: prints the answer; fails with the
# simulator's message unless it is a 200. The token goes on stdin, never on
# a command line where ps would show it.
post() {
	ep=$1 tok=$2
	shift 2
	out=$(mktemp) || exit 1
	n=$#
	for kv in "$@"; do set -- "$@" --data-urlencode "$kv"; done
	shift "$n"
	code=$(printf '%s' "$tok" | curl -sS ${ca:+--cacert "$ca"} -o "$out" -w '%{http_code}' \
		-X POST --data-urlencode "token@-" "$@" "$api/_sim/$ep") || { rm -f "$out"; fail "cannot reach $api"; }
	msg=$(cat "$out")
	rm -f "$out"
	[ "$code" = 200 ] || fail "$msg (HTTP $code)"
	printf '%s\n' "$msg"
}
# need FLAG VALUE...: a flag that takes a value must have one.
need() {
	[ $# -ge 2 ] || fail "$1 needs a value"
	case $2 in --*) fail "$1 needs a value" ;; esac
}

if [ "${1:-}" = remove ]; then
	shift
	token=${ACTIONS_RUNNER_INPUT_TOKEN:-}
	while [ $# -gt 0 ]; do
		case $1 in
		--token) need "$@"; token=$2; shift 2 ;;
		--unattended) shift ;;
		*) fail "unrecognized command-line input argument: $1" ;;
		esac
	done
	[ -f "$here/.runner" ] || fail "the runner is not configured"
	[ -n "$token" ] || fail "missing --token (a remove token)"
	id=$(sed -n 's/.*"agentId": *\([0-9]*\).*/\1/p' "$here/.runner")
	post remove "$token" "id=$id" >/dev/null
	rm -f "$here/.runner" "$here/.credentials"
	echo "Runner removed successfully"
	exit 0
fi

url=${ACTIONS_RUNNER_INPUT_URL:-} token=${ACTIONS_RUNNER_INPUT_TOKEN:-} labels='' name=$(hostname)
replace=0 ephemeral=0 defaults=1 work=_work
while [ $# -gt 0 ]; do
	case $1 in
	--url) need "$@"; url=$2; shift 2 ;;
	--token) need "$@"; token=$2; shift 2 ;;
	--labels) need "$@"; labels=$2; shift 2 ;;
	--name) need "$@"; name=$2; shift 2 ;;
	--work) need "$@"; work=$2; shift 2 ;;
	--runnergroup) need "$@"; shift 2 ;;
	--unattended | --disableupdate) shift ;;
	--replace) replace=1; shift ;;
	--ephemeral) ephemeral=1; shift ;;
	--no-default-labels) defaults=0; shift ;;
	*) fail "unrecognized command-line input argument: $1" ;;
	esac
done
[ -f "$here/.runner" ] && fail "Cannot configure the runner because it is already configured. To reconfigure the runner, run './config.sh remove' first."
[ -n "$url" ] || fail "missing --url"
[ -n "$token" ] || fail "missing --token (a registration token)"
case $url in https://*/?*) ;; *) fail "--url must be https://HOST/OWNER[/REPO], not $url" ;; esac
case $name in '' | *'"'* | *\\*) fail "bad --name: $name" ;; esac
[ "$defaults" = 1 ] && labels="self-hosted,Linux,X64${labels:+,$labels}"
[ -n "$labels" ] || fail "--no-default-labels needs --labels"
id=$(post register "$token" "url=$url" "name=$name" "labels=$labels" "replace=$replace" "ephemeral=$ephemeral") || exit 1
mkdir -p "$here/$work"
printf '{ "agentId": %s, "agentName": "%s", "poolId": 1, "gitHubUrl": "%s", "workFolder": "%s", "ephemeral": %s }\n' \
	"$id" "$name" "$url" "$work" "$([ "$ephemeral" = 1 ] && echo true || echo false)" > "$here/.runner"
echo '{ "scheme": "OAuth" }' > "$here/.credentials"
echo "Runner successfully added"

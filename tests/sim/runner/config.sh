#!/bin/sh
# A stand-in for actions/runner's config.sh, talking to the local GitHub
# simulator (GITHUB_API_URL; CA from AWS_CA_BUNDLE or SIM_CA). Takes the real
# flags; the token and URL may also come as ACTIONS_RUNNER_INPUT_TOKEN and
# ACTIONS_RUNNER_INPUT_URL, as the real runner allows.
set -u
here=$(cd "$(dirname "$0")" && pwd)
api=${GITHUB_API_URL:?GITHUB_API_URL is not set}
ca=${SIM_CA:-${AWS_CA_BUNDLE:-}}
# post ENDPOINT TOKEN [FIELD=VALUE...]: the token goes on stdin, never on a
# command line where ps would show it.
post() {
	ep=$1 tok=$2
	shift 2
	set -- ${1:+--data-urlencode "$1"} ${2:+--data-urlencode "$2"} ${3:+--data-urlencode "$3"} ${4:+--data-urlencode "$4"}
	printf '%s' "$tok" | curl -sS -f ${ca:+--cacert "$ca"} -X POST --data-urlencode "token@-" "$@" "$api/_sim/$ep"
}
fail() { echo "config.sh: error: $*" >&2; exit 1; }

if [ "${1:-}" = remove ]; then
	shift
	token=${ACTIONS_RUNNER_INPUT_TOKEN:-}
	while [ $# -gt 0 ]; do
		case $1 in
		--token) token=$2; shift 2 ;;
		--unattended) shift ;;
		*) fail "unknown option $1" ;;
		esac
	done
	[ -f "$here/.runner" ] || fail "not configured"
	[ -n "$token" ] || fail "missing --token"
	id=$(sed -n 's/.*"agentId": *\([0-9]*\).*/\1/p' "$here/.runner")
	post remove "$token" "id=$id" >/dev/null || fail "removal refused"
	rm -f "$here/.runner" "$here/.credentials"
	echo "Runner removed successfully"
	exit 0
fi

url=${ACTIONS_RUNNER_INPUT_URL:-} token=${ACTIONS_RUNNER_INPUT_TOKEN:-} labels='' name=$(hostname) replace=0 ephemeral=0 defaults=1 work=_work
while [ $# -gt 0 ]; do
	case $1 in
	--url) url=$2; shift 2 ;;
	--token) token=$2; shift 2 ;;
	--labels) labels=$2; shift 2 ;;
	--name) name=$2; shift 2 ;;
	--work) work=$2; shift 2 ;;
	--runnergroup) shift 2 ;;
	--unattended) shift ;;
	--replace) replace=1; shift ;;
	--ephemeral) ephemeral=1; shift ;;
	--no-default-labels) defaults=0; shift ;;
	*) fail "unknown option $1" ;;
	esac
done
[ -n "$url" ] || fail "missing --url"
[ -n "$token" ] || fail "missing --token"
case $url in https://*/*) ;; *) fail "--url must be https://HOST/OWNER[/REPO]" ;; esac
[ "$defaults" = 1 ] && labels="self-hosted,Linux,X64${labels:+,$labels}"
id=$(post register "$token" "name=$name" "labels=$labels" "replace=$replace" "ephemeral=$ephemeral") \
	|| fail "registration refused (bad token, or a runner exists with the same name)"
mkdir -p "$here/$work"
printf '{ "agentId": %s, "agentName": "%s", "poolId": 1, "gitHubUrl": "%s", "ephemeral": %s }\n' \
	"$id" "$name" "$url" "$([ "$ephemeral" = 1 ] && echo true || echo false)" > "$here/.runner"
echo '{ "scheme": "OAuth" }' > "$here/.credentials"
echo "Runner successfully added"

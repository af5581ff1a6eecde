#!/bin/sh
# A stand-in for actions/runner's config.sh, talking to the local GitHub
# simulator through its private /_sim/ endpoints (the real runner speaks a
# private protocol too). It enforces what the real one enforces, following
# its source (github.com/actions/runner; the files named below); where the
# source is silent the comment says what was chosen.
#   config.sh [--url URL] [--token T] [--labels a,b] [--name N] [--work DIR]
#             [--runnergroup G] [--unattended] [--replace] [--no-default-labels]
#             [--ephemeral] [--disableupdate]
#   config.sh remove [--token T] [--local]
# Any argument may also come as ACTIONS_RUNNER_INPUT_<NAME> (flags as
# "true"), as the real runner allows (CommandSettings.cs).
# Environment: GITHUB_API_URL (the simulator, http or https), SIM_CA or
# AWS_CA_BUNDLE (the CA for https).
# Writes .runner and .credentials next to itself; remove deletes them.
# Exit status as the real Runner.Listener's: 0 done, 1 refused
# (Constants.ReturnCode.TerminatedError).
# Timings (docs/benchmarks.md says where the figures come from): the real
# configure and remove take seconds; SIM_RUNNER_REGISTER_SEC and
# SIM_RUNNER_REMOVE_SEC ("S" or "MIN-MAX", seconds) make this one take as
# long. Unset (the tests), it answers at once.
set -u

# src/Misc/layoutroot/config.sh: the effective uid, and the variable only
# counts when it is not empty. The message goes to stdout, as there.
if [ "$(id -u)" -eq 0 ] && [ -z "${RUNNER_ALLOW_RUNASROOT:-}" ]; then
	echo "Must not run with sudo"
	exit 1
fi

here=$(cd "$(dirname "$0")" && pwd)
. "$here/timing.sh"
# env.sh, which the real config.sh sources first, for every command: .env
# (kept when there, else created) and .path in the runner's folder.
[ -f "$here/.env" ] || : > "$here/.env" || exit 1
printf '%s\n' "$PATH" > "$here/.path" || exit 1
# The runner version this stand-in reports: its release tarball's (the
# stack writes .runner_version into each), else the pool AMI's.
VERSION=${SIM_RUNNER_VERSION:-2.336.0}
[ -f "$here/.runner_version" ] && VERSION=$(cat "$here/.runner_version")
# Runner.cs ExecuteCommand: --version prints the version before anything else.
for arg in "$@"; do
	case $(printf '%s' "$arg" | tr '[:upper:]' '[:lower:]') in --version) echo "$VERSION"; exit 0 ;; esac
done
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

# The command line, parsed as src/Runner.Common/CommandLineParser.cs does:
# words before the first --arg are commands; "--x value" is an argument
# (the first one wins), a --x followed by another --y or by nothing is a
# flag; a value starting with '-' is ignored. Names are case-insensitive.
# Unknown names get a warning, not a refusal (Program.cs warns and goes on).
cmd=configure
unknown=''
a_url='' a_token='' a_labels='' a_name='' a_work='' a_runnergroup='' a_pat=''
f_unattended='' f_replace='' f_ephemeral='' f_disableupdate='' f_nodefaultlabels='' f_local=''
set_arg() {
	case $1 in
	url | token | labels | name | work | runnergroup | pat)
		eval "[ -n \"\$a_$1\" ] || a_$1=\$2" ;;
	*) unknown="$unknown${unknown:+, }$1" ;;
	esac
}
set_flag() {
	case $1 in
	no-default-labels) f_nodefaultlabels=1 ;;
	unattended | replace | ephemeral | disableupdate | local) eval "f_$1=1" ;;
	*) unknown="$unknown${unknown:+, }$1" ;;
	esac
}
hasargs='' scope=''
for arg in "$@"; do
	case $arg in --?*) hasargs=1 ;; esac
	if [ -z "$hasargs" ]; then
		case $(printf '%s' "$arg" | tr '[:upper:]' '[:lower:]') in
		remove) cmd=remove ;;
		*) unknown="$unknown${unknown:+, }$arg" ;;
		esac
		continue
	fi
	case $arg in
	--?*)
		[ -n "$scope" ] && set_flag "$scope"
		scope=$(printf '%s' "${arg#--}" | tr '[:upper:]' '[:lower:]')
		;;
	-*) ;;
	*)
		if [ -n "$scope" ]; then set_arg "$scope" "$arg"; scope=''; fi
		;;
	esac
done
[ -n "$scope" ] && set_flag "$scope"
# ACTIONS_RUNNER_INPUT_<NAME>: trimmed; an argument given on the command
# line wins; a flag is set by "true" (bool.TryParse).
trim() { printf '%s' "$1" | sed 's/^[[:space:]]*//; s/[[:space:]]*$//'; }
for n in url token labels name work runnergroup pat; do
	v=$(eval "printf '%s' \"\${ACTIONS_RUNNER_INPUT_$(printf '%s' "$n" | tr '[:lower:]' '[:upper:]'):-}\"")
	v=$(trim "$v")
	[ -n "$v" ] && eval "[ -n \"\$a_$n\" ] || a_$n=\$v"
done
for n in unattended replace ephemeral disableupdate local; do
	v=$(eval "printf '%s' \"\${ACTIONS_RUNNER_INPUT_$(printf '%s' "$n" | tr '[:lower:]' '[:upper:]'):-}\"")
	case $(trim "$v" | tr '[:upper:]' '[:lower:]') in true) eval "f_$n=1" ;; esac
done
case $(trim "${ACTIONS_RUNNER_INPUT_NO_DEFAULT_LABELS:-}" | tr '[:upper:]' '[:lower:]') in true) f_nodefaultlabels=1 ;; esac
# Valid names per command (CommandSettings.cs validOptions): the rest is
# unknown for this command.
if [ "$cmd" = remove ]; then
	for n in url labels name work runnergroup; do
		eval "[ -z \"\$a_$n\" ]" || unknown="$unknown${unknown:+, }$n"
	done
	[ -z "$f_unattended" ] || unknown="$unknown${unknown:+, }unattended"
fi
[ -z "$unknown" ] || echo "Unrecognized command-line input arguments for command $cmd: '$unknown'. For usage refer to: ./config.sh --help" >&2

# value NAME VALUE: a required value; the real runner would prompt for a
# missing one, and refuses when unattended (PromptManager.cs). Prompting is
# not simulated: it refuses either way.
value() {
	[ -n "$2" ] || fail "Invalid configuration provided for $1. Terminating unattended configuration."
	printf '%s' "$2"
}

if [ "$cmd" = remove ]; then
	# ConfigurationManager.UnconfigureAsync: without local files it says so
	# and succeeds; --local only deletes them.
	if [ -n "$f_local" ] || [ ! -f "$here/.runner" ] || [ ! -f "$here/.credentials" ]; then
		[ -n "$f_local" ] || echo "Cannot connect to server, because config files are missing. Skipping removing runner from the server."
		rm -f "$here/.runner" "$here/.credentials"
		echo "Removed .credentials"
		echo "Removed .runner"
		exit 0
	fi
	token=$(value token "$a_token") || exit 1
	t0=$(date +%s%N)
	take "${SIM_RUNNER_REMOVE_SEC:-}"
	id=$(sed -n 's/.*"agentId": *\([0-9]*\).*/\1/p' "$here/.runner")
	name=$(sed -n 's/.*"agentName": *"\([^"]*\)".*/\1/p' "$here/.runner")
	out=$(post remove "$token" "id=$id" "name=$name") || { echo "Failed: Removing runner from the server" >&2; exit 1; }
	case $out in *'does not exist'*) echo "Does not exist. Skipping Removing runner from the server" ;; esac
	rm -f "$here/.runner" "$here/.credentials"
	trace "$t0" remove "$name"
	echo "Runner removed successfully"
	exit 0
fi

# ConfigurationManager.ConfigureAsync: refuses before anything else when
# the runner is already configured.
[ -f "$here/.runner" ] && fail "Cannot configure the runner because it is already configured. To reconfigure the runner, run 'config.cmd remove' or './config.sh remove' first."
url=$(value url "$a_url") || exit 1
# Validators.ServerUrlValidator takes any absolute http(s) URL; the GitHub
# side needs an owner (and a repository) in the path.
case $url in http://*/?* | https://*/?*) ;; *) fail "Invalid configuration provided for url. Terminating unattended configuration." ;; esac
[ -z "$a_pat" ] || fail "--pat is not simulated: use --token"
token=$(value token "$a_token") || exit 1
# The name defaults to the machine's name (CommandSettings.GetRunnerName);
# its length is checked by the GitHub side (64 characters).
name=${a_name:-$(uname -n)}
# The stand-in writes .runner without a JSON encoder: it refuses what it
# could not write (the real runner has no such limit).
case $name in *'"'* | *\\*) fail "the stand-in cannot store a name with '\"' or '\\': $name" ;; esac
work=${a_work:-_work}
# Labels (CommandSettings.GetLabels, Validators.LabelsValidator): split on
# ',', empty ones dropped, no trimming, duplicates dropped ignoring case
# (the first spelling stays). A label over 256 characters makes the whole
# value invalid; unattended, an invalid optional value is replaced by its
# default, nothing: the runner then registers without the user labels.
labels=''
if printf '%s' "$a_labels" | tr ',' '\n' | awk 'length($0) > 256 { bad = 1 } END { exit !bad }'; then
	echo "config.sh: warning: a label is longer than 256 characters: --labels ignored" >&2
else
	labels=$(printf '%s\n' "$a_labels" | tr ',' '\n' |
		awk 'length($0) && !seen[tolower($0)]++ { printf "%s%s", sep, $0; sep = "," }')
fi
if [ -n "$f_nodefaultlabels" ]; then
	[ -n "$labels" ] || fail "Disabling default labels via --no-default-labels without specifying --labels is not supported"
else
	labels="self-hosted,Linux,X64${labels:+,$labels}"
fi
# The registration's key stands for the RSA key pair the real runner makes:
# a replaced registration's old key no longer works.
key=$(od -An -N16 -tx1 /dev/urandom | tr -d ' \n')
t0=$(date +%s%N)
take "${SIM_RUNNER_REGISTER_SEC:-}"
ans=$(post register "$token" "url=$url" "name=$name" "labels=$labels" "replace=${f_replace:-0}" \
	"ephemeral=${f_ephemeral:-0}" "disableUpdate=${f_disableupdate:-0}" "version=$VERSION" "key=$key" "group=${a_runnergroup:-Default}") || exit 1
id=${ans%% *}
printf '{ "agentId": %s, "agentName": "%s", "poolId": 1, "gitHubUrl": "%s", "workFolder": "%s", "ephemeral": %s, "disableUpdate": %s }\n' \
	"$id" "$name" "$url" "$work" "$([ -n "$f_ephemeral" ] && echo true || echo false)" \
	"$([ -n "$f_disableupdate" ] && echo true || echo false)" > "$here/.runner"
(umask 077 && printf '{ "scheme": "OAuth", "key": "%s" }\n' "$key" > "$here/.credentials")
trace "$t0" register "$name"
case $ans in *replaced*) echo "Successfully replaced the runner" ;; *) echo "Runner successfully added" ;; esac
echo "Settings Saved."

# shellcheck shell=sh disable=SC2034 # sourced: its variables are used by the scripts
# Shared by the mode scripts and the agent (POSIX sh, busybox-compatible).
# Holds logging, GitHub Actions output, and input validation; the flow lives
# in the mode scripts and the work in the C tools.

EC2RP_POOL=${EC2RP_POOL:-ec2-runner-pool}
export EC2RP_POOL
TAB=$(printf '\t')
NL='
'

log() { printf '%s: %s\n' "${PROG:-ec2-runner-pool}" "$*" >&2; }
warn() {
	if [ "${GITHUB_ACTIONS:-}" = true ]; then
		printf '::warning::%s\n' "$*" >&2
	else
		printf '%s: warning: %s\n' "${PROG:-ec2-runner-pool}" "$*" >&2
	fi
}
die() {
	if [ "${GITHUB_ACTIONS:-}" = true ]; then
		printf '::error::%s\n' "$1" >&2
	else
		printf '%s: fatal: %s\n' "${PROG:-ec2-runner-pool}" "$1" >&2
	fi
	exit "${2:-1}"
}
group() { if [ "${GITHUB_ACTIONS:-}" = true ]; then echo "::group::$*" >&2; else log "== $*"; fi; }
endgroup() { if [ "${GITHUB_ACTIONS:-}" = true ]; then echo "::endgroup::" >&2; fi; }

# output NAME VALUE: a step output (one line values only).
output() {
	if [ -n "${GITHUB_OUTPUT:-}" ]; then
		printf '%s=%s\n' "$1" "$2" >> "$GITHUB_OUTPUT"
	fi
}

# summary LINE: a line of the step summary (Markdown).
summary() {
	if [ -n "${GITHUB_STEP_SUMMARY:-}" ]; then
		printf '%s\n' "$*" >> "$GITHUB_STEP_SUMMARY"
	fi
}

# Validation: each check prints one line naming the input and returns 1;
# in GitHub Actions an error annotation (docs/exit-codes.md promises one for
# every refusal).
BAD=0
bad() {
	if [ "${GITHUB_ACTIONS:-}" = true ]; then
		printf '::error::%s: invalid input %s: %s\n' "${PROG:-ec2-runner-pool}" "$1" "$2" >&2
	else
		log "invalid input $1: $2"
	fi
	BAD=1
}

# is_uint VALUE MIN MAX
is_uint() {
	# No leading zero: the shell's arithmetic would read 08 as octal.
	case $1 in '' | *[!0-9]* | 0?*) return 1 ;; esac
	[ "${#1}" -le 9 ] || return 1
	[ "$1" -ge "$2" ] && [ "$1" -le "$3" ]
}
need_uint() { is_uint "$2" "$3" "$4" || bad "$1" "must be a whole number from $3 to $4, got '$(printable "$2")'"; }
# need_match NAME VALUE PATTERN-DESCRIPTION REGEX
need_match() {
	case $2 in
	*"$NL"*) bad "$1" "must be $3, got '$(printable "$2")'" ;;
	*) printf '%s' "$2" | grep -Eqx -- "$4" || bad "$1" "must be $3, got '$(printable "$2")'" ;;
	esac
}
# need_globs NAME VALUE: comma-separated instance-type globs, as many as
# EC2 takes (AllowedInstanceTypes: at most 400, each 1-30 characters).
need_globs() {
	need_match "$1" "$2" "instance-type globs (each 1-30 of a-z 0-9 . - *), space- or comma-separated" "$RE_GLOBS"
	# Counted in the shell: no process for it.
	_n=0 _gr=$2,
	while [ -n "$_gr" ]; do
		[ -z "${_gr%%,*}" ] || _n=$((_n + 1))
		_gr=${_gr#*,}
	done
	[ "$_n" -le 400 ] || bad "$1" "has $_n instance-type globs; EC2 takes at most 400 (AllowedInstanceTypes)"
}
# printable VALUE: the value cut to 60 bytes, each byte outside printable
# ASCII shown as '?'. Not `tr -c '[:print:]'`: busybox's tr (the image's)
# garbles that ('nonsense' came out as 'n?n??n??'); a byte range in sed, in
# the C locale, reads the same in busybox and GNU.
printable() { printf '%s' "$1" | head -c 60 | tr '\n' '?' | LC_ALL=C sed 's/[^ -~]/?/g'; }
# md_text TEXT: text an instance wrote (its signal's message: anyone with
# the instance's credentials writes any), made safe for a cell of the step
# summary: 200 bytes at most, control bytes as spaces, HTML's & < > as
# entities, and Markdown's specials and the cell's | escaped.
md_text() {
	printf '%s' "$1" | LC_ALL=C tr '\000-\037\177' ' ' | head -c 200 |
		sed 's/&/\&amp;/g; s/</\&lt;/g; s/>/\&gt;/g; s/[][\\`*_{}()#+!|~@]/\\&/g'
}

RE_POOL='[A-Za-z0-9_-]{3,40}'
RE_CLASS='[a-z0-9-]{1,32}'
RE_RUN='[A-Za-z0-9_.-]{1,64}'
RE_ID='i-([0-9a-f]{8}|[0-9a-f]{17})'
RE_AMI='ami-([0-9a-f]{8}|[0-9a-f]{17})'
RE_SUBNETS='subnet-[0-9a-f]{8,17}(,subnet-[0-9a-f]{8,17})*'
RE_SGS='sg-[0-9a-f]{8,17}(,sg-[0-9a-f]{8,17})*'
RE_GLOBS='[a-z0-9.*-]{1,30}(,[a-z0-9.*-]{1,30})*'
RE_USAGE='spot|on-demand|spot-or-on-demand'
# URLs that go into user data: https and RFC 3986 characters only (quoting
# keeps the sub-delimiters & $ ' ( ) inert there).
RE_URL="https://[][A-Za-z0-9._~:/?#@!\$&'()*+,;=%{}-]+"
# The GitHub server instances register with: their registration token goes
# there, so https, and http only to this machine (the local stack).
RE_URL_SERVER='(https://[A-Za-z0-9.-]+|http://(localhost|127\.[0-9.]+|\[::1\]))(:[0-9]{1,5})?(/[A-Za-z0-9._~/-]*)?'
RE_SHA256='[0-9a-f]{64}'
# One checksum for any architecture, or one per architecture:
# x86_64=HEX,aarch64=HEX (the tools) or x64=HEX,arm64=HEX (the runner).
RE_SHA256S='[0-9a-f]{64}|(x86_64|aarch64|x64|arm64)=[0-9a-f]{64}(,(x86_64|aarch64|x64|arm64)=[0-9a-f]{64})*'
RE_REUSE='always|same-repository|never'
RE_REPO='[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+'

# list_of VALUE: a list input as the tools take it, comma-separated. The
# original action's inputs were split on any white space ("c* m* r*", or
# one a line in a YAML block scalar): spaces, tabs, newlines and commas all
# separate.
list_of() {
	[ -n "$1" ] || return 0
	printf '%s' "$1" | tr ' \t\r\n' ',,,,' | sed 's/,,*/,/g; s/^,//; s/,$//'
}

# class_names CONFIG: sets $classes to the resource classes, built in and
# CONFIG's, one a line (ec2-launch --list-classes, no request); a config it
# refuses is a bad input, and the status is 1.
class_names() {
	if ! classes=$(ec2-launch --list-classes ${1:+--class-config "$1"} 2>&1 < /dev/null); then
		bad resource-class-config "$(printf '%s\n' "$classes" | sed 's/^[^:]*: fatal: //' | head -n 1)"
		return 1
	fi
}

# need_class_config VALUE: a resource class configuration is a JSON object
# given inline; the tools' @FILE form must never be reachable from an input.
need_class_config() {
	case $1 in
	'' | '{'* | ' '*'{'*) ;;
	*) bad resource-class-config "must be a JSON object like {\"large\": {\"cpu\": 4, \"mem\": 16384}}" ;;
	esac
}

# VERCMP: an awk function, vercmp(A, B): -1, 0 or 1 as runner versions
# MAJOR.MINOR.PATCH compare; vercmp A B: the same from the shell.
VERCMP='function vercmp(a, b,  x, y, i) { split(a, x, "."); split(b, y, "."); for (i = 1; i <= 3; i++) if (x[i] + 0 != y[i] + 0) return x[i] + 0 < y[i] + 0 ? -1 : 1; return 0 }'
vercmp() { awk -v a="$1" -v b="$2" "$VERCMP"' BEGIN { print vercmp(a, b) }'; }
# day EPOCH: the UTC date of EPOCH (YYYY-MM-DD).
day() { date -u -d "@$1" +%Y-%m-%d 2>/dev/null || echo "@$1"; }

# release_get KEY: a value of the release this image or tarball belongs to
# (written at release time: tools-url, tools-sha256, version); nothing for a
# development build.
release_get() {
	_rf=${EC2RP_RELEASE_FILE:-${EC2RP_SH:-$(dirname "$0")}/ec2rp-release.txt}
	[ -f "$_rf" ] && sed -n "s/^$1=//p" "$_rf" | head -n 1
	return 0
}

# masked: stdin with what looks like a credential replaced by ***: GitHub
# tokens, AWS access key ids and secret keys (40 characters of base64
# standing alone), and runner registration tokens (29 capitals and digits
# standing alone); a sha256 (64 hex digits) stays readable. For the lines instances send back (a
# failed script's last lines), which the workflow log shows.
masked() {
	sed -E 's/(gh[pousr]_|github_pat_)[A-Za-z0-9_]{20,}/***/g; s/(AKIA|ASIA)[A-Z0-9]{16}/***/g; s/(^|[^A-Za-z0-9\/+])[A-Za-z0-9\/+]{40}([^A-Za-z0-9\/+]|$)/\1***\2/g; s/(^|[^A-Za-z0-9])[A-Z0-9]{29}([^A-Za-z0-9]|$)/\1***\2/g'
}

# pool_config FILE NAME...: reads the pool's parameters NAME... (stored by
# refresh) with one request into FILE, a "name<TAB>value" line each. Dies
# with one line when the pool has no table or no parameters yet (refresh
# has not run), or when the read fails: nothing has been claimed then.
pool_config() {
	_pf=$1
	shift
	state-get --kind config --consistent "$@" > "$_pf" 2> "$_pf.err" < /dev/null
	_st=$?
	if [ "$_st" -ge 2 ]; then
		grep -q ResourceNotFoundException "$_pf.err" \
			&& die "pool $EC2RP_POOL has no table in ${AWS_REGION:-this region}: run this action with mode: refresh first (it creates the pool and stores its configuration)" 3
		cat "$_pf.err" >&2
		die "could not read the pool's configuration (state-get exit $_st); nothing was claimed" "$_st"
	fi
	[ -n "$(cfg_raw "$_pf" idle-time-sec)" ] \
		|| die "pool $EC2RP_POOL has no configuration yet: run this action with mode: refresh first (it stores subnets, classes and limits for every provision)" 3
}

# cfg_raw FILE NAME: a parameter from a file of state-get --kind config
# lines, as stored ("-" included); cfg FILE NAME: the same, but nothing when
# it is not set or set to "-" (none).
cfg_raw() {
	# Read in the shell (a mode reads a dozen): no process each.
	while IFS= read -r _cl; do
		case $_cl in "$2$TAB"*) printf '%s\n' "${_cl#*"$TAB"}"; return 0 ;; esac
	done < "$1"
}
cfg() {
	_cv=$(cfg_raw "$1" "$2")
	[ "$_cv" = - ] || printf '%s' "$_cv"
}

# pool_summary [CLASS...]: the pool at a glance (pool-status) in the step
# summary; a failed read is a warning, never the mode's failure.
pool_summary() {
	[ -n "${GITHUB_STEP_SUMMARY:-}" ] || return 0
	summary ""
	pool-status --markdown "$@" >> "$GITHUB_STEP_SUMMARY" < /dev/null \
		|| warn "could not show the pool in the step summary (pool-status exit $?)"
}

# field FILE ID N: column N of ID's line in a tab-separated file.
field() { awk -F '\t' -v id="$2" -v n="$3" '$1 == id { print $n; exit }' "$1"; }

# run_id: the label a run's runners carry (the run id, with the attempt after
# the first so a re-run gets fresh runners).
run_id() {
	r=${INPUT_RUN_ID:-${GITHUB_RUN_ID:-}}
	if [ -n "${GITHUB_RUN_ATTEMPT:-}" ] && [ "${GITHUB_RUN_ATTEMPT}" != 1 ] && [ -z "${INPUT_RUN_ID:-}" ]; then
		r="$r-$GITHUB_RUN_ATTEMPT"
	fi
	printf '%s' "$r"
}

# reuse_policy_from FILE: the pool's instance-reuse setting (refresh stores
# it; same-repository until it has), from a file of config lines
# (state-get --kind config). Sets $reuse and $repo (the repository a
# released instance is tagged with and a claim must match); dies when the
# repository it needs is missing.
reuse_policy_from() {
	reuse=$(cfg "$1" instance-reuse)
	reuse_check
}
reuse_check() {
	case $reuse in always | same-repository | never) ;; *) reuse=same-repository ;; esac
	repo=${GITHUB_REPOSITORY:-}
	# Every record names the repository whose run holds it: only that
	# repository's release may release it, whatever the run id says.
	[ -n "$repo" ] || die "GITHUB_REPOSITORY is required: the instance records name the repository whose run holds them" 2
	printf '%s' "$repo" | grep -Eqx "$RE_REPO" \
		|| die "invalid GITHUB_REPOSITORY: must be OWNER/NAME, got '$(printable "$repo")'" 2
}

# default_pool OWNER/REPO: the pool of a repository that names none, as the
# original action kept one table per repository (OWNER-REPO-ci-table):
# owner-repo in lower case (GitHub's names are case-insensitive), '.' as
# '_' (SQS queue names take neither '.' nor '/'); a name longer than the 40
# characters a pool name may have is cut to 29 and followed by a checksum
# of the whole repository name. Two repositories that still come out the
# same meet the pool's binding below: refused, never shared silently.
# shellcheck disable=SC2018,SC2019 # GitHub's names are ASCII; busybox tr and GNU tr read A-Z alike
default_pool() {
	_dp=$(printf '%s' "$1" | tr 'A-Z/.' 'a-z-_')
	if [ "${#_dp}" -gt 40 ]; then
		_dp="$(printf '%s' "$_dp" | cut -c 1-29)-$(printf '%s' "$1" | tr 'A-Z' 'a-z' | cksum | cut -d ' ' -f 1)"
	fi
	printf '%s' "$_dp"
}

# pool_binding FILE [release]: refuses (one line, nothing changed, exit 3)
# a provision or release of a pool that belongs to another repository and
# is not shared, and a provision of a pool whose runners register with
# another repository (a job of this one could never get them). FILE:
# state-get --kind config lines with pool-repository, pool-shared and
# github-scope; $repo is the caller's.
pool_binding() {
	_owner=$(cfg "$1" pool-repository)
	_scope=$(cfg "$1" github-scope)
	if [ -n "$_owner" ] && [ "$_owner" != "$repo" ] && [ "$(cfg "$1" pool-shared)" != true ]; then
		die "pool $EC2RP_POOL belongs to $_owner (its first refresh), not $repo, and is not shared: nothing was done (give this repository its own pool: leave pool unset, or run refresh here; or share it: shared-pool: true in its refresh)" 3
	fi
	[ "${2:-}" != release ] || return 0
	case $_scope in
	*/*) [ "$_scope" = "$repo" ] || die "pool $EC2RP_POOL registers its runners with $_scope, so jobs of $repo could never run on them: nothing was done (a pool shared by repositories needs an organisation github-scope)" 3 ;;
	esac
	return 0
}

# share_credentials DIR: looks the AWS credentials and who they are up once
# (aws-creds) into DIR/aws-credentials, which every tool of this run then
# reads (EC2RP_CREDENTIALS_FILE) instead of asking STS, IMDS or the
# container endpoint again. DIR is the mode's own folder (mktemp -d: this
# user's alone), removed at exit; a signal ends the mode through its exit
# trap too, so the file goes with it. When the lookup fails, each tool
# looks the credentials up itself, as before, and says what is wrong.
share_credentials() {
	trap 'exit 129' HUP
	trap 'exit 130' INT
	trap 'exit 143' TERM
	aws-creds "$1/aws-credentials" < /dev/null 2>/dev/null || return 0
	EC2RP_CREDENTIALS_FILE=$1/aws-credentials
	export EC2RP_CREDENTIALS_FILE
}

# cas_ids OUT IDS FROM TO [OPTION...]: one state-cas for every id of IDS
# (words), FROM -> TO with OPTIONS, each its own conditional write. OUT gets
# "id<TAB>code" for each: the exit code state-cas gives an id alone (0
# moved, 1 lost the race, 2+ failed). Nothing to do without ids.
cas_ids() {
	_co=$1 _ci=$2 _cf=$3 _ct=$4
	shift 4
	: > "$_co"
	_cn=0
	for _cx in $_ci; do _cn=$((_cn + 1)); done
	[ "$_cn" -gt 0 ] || return 0
	# shellcheck disable=SC2086 # the ids are words on purpose
	set -- state-cas "$@" $_ci "$_cf" "$_ct" # unchecked: only the words; run below
	if [ "$_cn" -gt 1 ]; then
		"$@" > "$_co" < /dev/null
	else
		"$@" > /dev/null < /dev/null
		printf '%s\t%s\n' "$_cx" "$?" > "$_co"
	fi
}

# AWK_CASLINE: an awk condition, true when $1, $2 and $3 make a line that
# state-cas --each takes for -> terminated: an instance id, a live state,
# a run id or '-' (no interval expressions: mawk).
# shellcheck disable=SC2016 # awk's fields, not the shell's
AWK_CASLINE='$1 ~ /^i-[0-9a-f]+$/ && (length($1) == 10 || length($1) == 19) && $2 ~ /^(created|running|idle|claimed)$/ && ($3 == "-" || ($3 ~ /^[A-Za-z0-9_.-]+$/ && length($3) <= 64))'

# cas_each LIST OUT: one state-cas --each LIST terminated (LIST's lines:
# id, from-state, run id or '-'), each its own conditional write. OUT gets
# "id<TAB>code" for every line of LIST: state-cas's, or, for a line it
# printed nothing for (it failed as a whole), its exit code. Nothing to do
# for an empty LIST.
cas_each() {
	: > "$2"
	[ -s "$1" ] || return 0
	state-cas --each "$1" terminated > "$2.raw" < /dev/null
	_es=$?
	awk -F '\t' -v st="$_es" 'FILENAME == ARGV[1] { rc[$1] = $2; next }
		{ print $1 "\t" (($1 in rc) ? rc[$1] : (st > 1 ? st : 5)) }' "$2.raw" "$1" > "$2"
}

# forget_ids ID...: deletes each one's signal, heartbeat and token with one
# state-put (a BatchWriteItem for every 8 ids; one id: its DeleteItems);
# warns for each it could not.
forget_ids() {
	[ $# -gt 0 ] || return 0
	_fo=$(state-put delete "$@" < /dev/null)
	_fs=$?
	[ $# -gt 1 ] || _fo="$1$TAB$_fs"
	printf '%s\n' "$_fo" | awk -F '\t' -v ids="$*" 'NF == 2 { rc[$1] = $2 }
		END { n = split(ids, a, " "); for (i = 1; i <= n; i++) if (rc[a[i]] != "0") print a[i] }' |
		while IFS= read -r _fi; do warn "$_fi: could not delete its signal and heartbeat"; done
}

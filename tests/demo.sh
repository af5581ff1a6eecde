#!/bin/sh
# make demo: the whole lifecycle against the local stack, with a timeline.
# refresh; provision 2 (cold); a job on the run's label; release; provision 2
# again (warm: both reused, no fleet request); release; expiry; refresh
# terminates the expired instances.
set -u
cd "$(dirname "$0")/.." || exit 2
PATH="$(pwd)/build/bin:$PATH"
export PATH
t0=$(date +%s)
step() { printf '\n[%3ss] %s\n' "$(($(date +%s) - t0))" "$*"; }
show() { state-scan --kind instance | awk -F '\t' '{ printf "        %-20s %-10s run=%-6s\n", $1, $2, ($3 == "" ? "-" : $3) }'; }

step "starting the local AWS + GitHub stack"
SIM_DIR=$(sh tests/sim/stack start) || { echo "demo: the stack did not start" >&2; exit 1; }
trap 'sh tests/sim/stack stop "$SIM_DIR" >/dev/null 2>&1; rm -rf "$SIM_DIR"' EXIT INT TERM
# shellcheck disable=SC1091
. "$SIM_DIR/env"
export GITHUB_REPOSITORY=octo/demo INPUT_AMI=ami-0123456789abcdef0 INPUT_IDLE_TIME_SEC=20
export EC2RP_COLD_TIMEOUT_SEC=60 EC2RP_WARM_TIMEOUT_SEC=20 EC2RP_ORPHAN_GRACE_SEC=0

step "refresh: table, queues, launch template, tokens"
ec2rp-refresh 2>&1 | sed 's/^/        /'

step "provision 2 runners for run 1001 (pool empty: both created)"
GITHUB_RUN_ID=1001 INPUT_INSTANCE_COUNT=2 ec2rp-provision 2>&1 | sed 's/^/        /'
show

step "a job runs on label 1001"
# shellcheck disable=SC2016 # the job script expands on the runner
job=$(curl -fsS -X POST -H 'content-type: application/json' \
	--data '{"label":"1001","script":"echo hello from $(hostname) on run 1001"}' "$SIM_CONTROL/jobs")
id=$(printf '%s' "$job" | sed -n 's/.*"id": *\([0-9]*\).*/\1/p')
sleep 3
echo "        job $id: $(curl -fsS "$SIM_CONTROL/jobs/$id" | tr -d '\n' | sed 's/.*"status": *"\([a-z_]*\)".*"conclusion": *"\{0,1\}\([a-z]*\).*"runner": *"\([^"]*\)".*/\1 (\2) on \3/')"
echo "        GitHub runners:"
gh-runner list | awk -F '\t' '{ printf "        %-22s %-8s labels %s\n", $2, $3, $5 }'

step "release run 1001: both back to the pool"
GITHUB_RUN_ID=1001 ec2rp-release 2>&1 | sed 's/^/        /'
show

step "provision 2 for run 1002: both reused from the pool"
fleets_before=$(curl -fsS "$SIM_CONTROL/calls" | grep -o 'CreateFleet' | wc -l)
GITHUB_RUN_ID=1002 INPUT_INSTANCE_COUNT=2 ec2rp-provision 2>&1 | sed 's/^/        /'
fleets_after=$(curl -fsS "$SIM_CONTROL/calls" | grep -o 'CreateFleet' | wc -l)
echo "        fleet requests during this provision: $((fleets_after - fleets_before))"
show

step "release run 1002"
GITHUB_RUN_ID=1002 ec2rp-release 2>&1 | sed 's/^/        /'

step "waiting for the idle threshold (${INPUT_IDLE_TIME_SEC}s) to pass"
sleep $((INPUT_IDLE_TIME_SEC + 2))
step "refresh: expired instances terminated"
ec2rp-refresh 2>&1 | sed 's/^/        /'
show
echo "        EC2:"
ec2-list | awk -F '\t' '{ printf "        %-20s %s\n", $1, $2 }'
step "done; stopping the stack"

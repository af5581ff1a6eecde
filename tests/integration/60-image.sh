#!/bin/sh
# The image tree (make rootfs) runs the lifecycle under chroot, with nothing
# from the host: busybox sh, the static tools, the scripts, its CA bundle.
. tests/integration/lib.sh
ROOT=$TOP/build/rootfs
[ -x "$ROOT/usr/local/bin/ec2rp-entrypoint" ] || { echo "not ok 1 - build/rootfs missing (make rootfs)"; exit 1; }
size=$(du -sk "$ROOT" | cut -f1)
check "image tree is at most 6 MB (${size} KiB)" [ "$size" -le 6144 ]
check "every binary in it is static" sh -c "! file -L $ROOT/usr/local/bin/ec2rp $ROOT/bin/busybox | grep -qv 'statically linked'"
stack_start
# The pool the action takes for GITHUB_REPOSITORY=octo/img (its own; the
# host-side checks read the same one).
export EC2RP_POOL=octo-img
cp "$AWS_CA_BUNDLE" "$ROOT/tmp/stack-ca.pem"
mkdir -p "$ROOT/tmp/gh"
# What a container runtime provides: /dev/null.
rm -f "$ROOT/dev/null"
mknod -m 666 "$ROOT/dev/null" c 1 3
trap 'rm -rf "$ROOT/tmp/stack-ca.pem" "$ROOT/tmp/gh" "$ROOT/dev/null"; stack_stop' EXIT

CHROOT=$(PATH=$PATH:/usr/sbin:/sbin command -v chroot)
# image MODE [VAR=VALUE...]: the entrypoint under chroot, with a clean environment.
image() {
	mode=$1
	shift
	env -i PATH=/usr/local/bin:/bin HOME=/tmp TMPDIR=/tmp AWS_REGION="$AWS_REGION" \
		AWS_ACCESS_KEY_ID="$AWS_ACCESS_KEY_ID" AWS_SECRET_ACCESS_KEY="$AWS_SECRET_ACCESS_KEY" \
		AWS_ENDPOINT_URL="$AWS_ENDPOINT_URL" AWS_CA_BUNDLE=/tmp/stack-ca.pem AWS_EC2_METADATA_DISABLED=true \
		GITHUB_API_URL="$GITHUB_API_URL" GITHUB_REPOSITORY=octo/img GITHUB_ACTIONS=true \
		GITHUB_OUTPUT=/tmp/gh/output GITHUB_STEP_SUMMARY=/tmp/gh/summary \
		EC2RP_COLD_TIMEOUT_SEC=20 EC2RP_WARM_TIMEOUT_SEC=10 EC2RP_RELEASE_TIMEOUT_SEC=10 \
		INPUT_MODE="$mode" INPUT_AMI=ami-0123456789abcdef0 INPUT_GITHUB_TOKEN="$GITHUB_TOKEN" "$@" \
		"$CHROOT" "$ROOT" /usr/local/bin/ec2rp-entrypoint
}

expect 0 "refresh from the image" image refresh
check "the token was masked before anything else" sh -c "head -n 1 $T_ERR | grep -q '^::add-mask::'"
check "the token appears nowhere but in mask commands" sh -c "! grep -F '$GITHUB_TOKEN' $T_ERR | grep -qv '^::add-mask::'"
check "groups for the phases" err_has "::group::"
: > "$ROOT/tmp/gh/output"
expect 0 "provision 2 from the image" image provision GITHUB_RUN_ID=301 INPUT_INSTANCE_COUNT=2
check "outputs: label (the run's secret one)" grep -Eqx 'label=ec2rp-[0-9a-f]{32}' "$ROOT/tmp/gh/output"
check "outputs: two instance ids" sh -c "grep -Eq '^instance-ids=i-[0-9a-f]+ i-[0-9a-f]+\$' $ROOT/tmp/gh/output"
check "step summary has a row per instance" sh -c "[ \$(grep -c '| created (on-demand) | running |' $ROOT/tmp/gh/summary) -eq 2 ]"
expect 0 "release from the image" image release GITHUB_RUN_ID=301
check "both released to the pool" sh -c "[ \$(grep -c 'returns it to the large pool' $ROOT/tmp/gh/summary) -eq 2 ]"
check "both back in the pool (their agents put them back)" wait_for 20 pooled large 2
expect 0 "warm provision from the image" image provision GITHUB_RUN_ID=302 INPUT_INSTANCE_COUNT=2
check "both came from the pool" sh -c "[ \$(grep -c '| pool | running |' $ROOT/tmp/gh/summary) -eq 2 ]"
expect 0 "release" image release GITHUB_RUN_ID=302

expect 2 "unknown mode" image frobnicate
check "an ::error:: line naming the mode" err_has "::error::invalid input mode"
# The image's busybox, not the host's coreutils, prints the value back.
check_with "$T_ERR" "the value reads as given (not garbled by busybox tr)" err_has "got 'frobnicate'"
expect 2 "a control byte in a value" image provision GITHUB_RUN_ID=303 INPUT_RESOURCE_CLASS="$(printf 'lar\tge')"
check_with "$T_ERR" "shown as '?', the rest as given" err_has "got 'lar?ge'"
expect 2 "count 0" image provision GITHUB_RUN_ID=303 INPUT_INSTANCE_COUNT=0
check "names instance-count" err_has "instance-count"
expect 2 "bad pool" image provision INPUT_POOL='a b' GITHUB_RUN_ID=303
expect 2 "missing AMI for refresh" image refresh INPUT_AMI=
expect 2 "oversized pre-runner script" image refresh INPUT_PRE_RUNNER_SCRIPT="$(head -c 9000 /dev/zero | tr '\0' x)"
expect 2 "malformed resource class config" image refresh INPUT_RESOURCE_CLASS_CONFIG='{"x":'
expect 2 "no run id" image provision
done_testing

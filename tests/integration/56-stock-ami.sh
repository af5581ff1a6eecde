#!/bin/sh
# A stock AMI, nothing baked in: the instance downloads the tools from the
# action's own release (served over HTTPS as GitHub's release host serves
# assets: a 302 to the object store) and the runner from a mirror, checks
# both checksums and registers. A wrong checksum halts the instance with a
# signal that provision reports; tools that cannot be checked end in the
# OS's shutdown, which EC2 turns into a termination.
. tests/integration/lib.sh
stack_start
export GITHUB_REPOSITORY=octo/stock EC2RP_ORPHAN_GRACE_SEC=0 EC2RP_WARM_TIMEOUT_SEC=20 EC2RP_COLD_TIMEOUT_SEC=60
V=$(cat VERSION)
# tarball BIN OUT: the release tarball's layout (make dist) around the
# tools just built in BIN.
tarball() {
	rm -rf "$T_TMP/dist" && mkdir -p "$T_TMP/dist/ec2-runner-pool-$V/bin" && cp -P "$1"/* "$T_TMP/dist/ec2-runner-pool-$V/bin/" &&
		tar -C "$T_TMP/dist" -czf "$2" "ec2-runner-pool-$V"
}
tools=$T_TMP/tools.tar.gz
tarball build/bin "$tools"
tsha=$(sha256sum "$tools" | cut -d' ' -f1)
gh=$GITHUB_API_URL
asset() { sim POST /release-assets "{\"repo\":\"$1\",\"tag\":\"$2\",\"name\":\"$3\",\"file\":\"$4\"}" >/dev/null; }
asset ec2rp/ec2-runner-pool "v$V" "ec2-runner-pool-$V-linux-x86_64.tar.gz" "$tools"
# The stand-in runner as actions/runner's release tarball would hold it.
tar -C tests/sim/runner -czf "$T_TMP/runner.tar.gz" .
rsha=$(sha256sum "$T_TMP/runner.tar.gz" | cut -d' ' -f1)
asset mirror/actions-runner v2.336.0 actions-runner-linux-x64-2.336.0.tar.gz "$T_TMP/runner.tar.gz"

# What the release workflow writes into the image (scripts/rootfs.sh).
printf 'version=%s\ntools-url=%s\ntools-sha256=%s\n' "$V" \
	"$gh/ec2rp/ec2-runner-pool/releases/download/v$V/ec2-runner-pool-$V-linux-{arch}.tar.gz" "x86_64=$tsha" > "$T_TMP/release.txt"
export EC2RP_RELEASE_FILE="$T_TMP/release.txt"
STOCK=ami-0570c000000000a01
ARM=ami-0570c000000000a02
sim POST /images "{\"id\":\"$STOCK\",\"tools\":false,\"runner\":false}" >/dev/null
sim POST /images "{\"id\":\"$ARM\",\"tools\":false,\"runner\":false,\"arch\":\"aarch64\"}" >/dev/null
export INPUT_AMI=$STOCK
export INPUT_ACTIONS_RUNNER_URL="$gh/mirror/actions-runner/releases/download/v2.336.0/actions-runner-linux-{arch}-2.336.0.tar.gz"
export INPUT_ACTIONS_RUNNER_SHA256="x64=$rsha"
# A mirror holds the versions put there: pinned (the stack's newest release).
export INPUT_ACTIONS_RUNNER_VERSION=2.336.0

matches() { printf '%s' "$1" | grep -Eqx "$2"; }
run_instance() { sim GET /instances | jq -r --arg r "$1" '.[] | select(.tags["ec2-runner-pool:run-id"] == $r) | .id' | head -n 1; }
state_of() { sim GET /instances | jq -r --arg id "$1" '.[] | select(.id == $id) | .state'; }
ud() { sim GET /templates | jq -r '.[0].data.UserData' | base64 -d | sed -n "s/^EC2RP_$1=//p"; }

# The release's checksums reach the user data; a redirect is followed.
expect 0 "refresh with a stock AMI" ec2rp-refresh
check "user data: the tools of this release" [ "$(ud TOOLS_URL)" = "'$gh/ec2rp/ec2-runner-pool/releases/download/v$V/ec2-runner-pool-$V-linux-{arch}.tar.gz'" ]
check "user data: the tools' checksum" [ "$(ud TOOLS_SHA256)" = "'x86_64=$tsha'" ]
check "user data: the mirror's runner checksum" [ "$(ud RUNNER_SHA256)" = "'x64=$rsha'" ]

expect 0 "provision on a stock AMI: downloads, checks, registers" env GITHUB_RUN_ID=s1 INPUT_INSTANCE_COUNT=1 ec2rp-provision
id=$(head -n 1 "$T_OUT")
root=$SIM_DIR/instances/$id/root
check "the tools were unpacked on the instance" [ -x "$root/opt/ec2-runner-pool/bin/ec2rp" ]
check "the runner was unpacked on the instance" [ -x "$root/opt/actions-runner/config.sh" ]
check "the agent runs the downloaded tools" sh -c "ps -eo args | grep -F '$root/opt/ec2-runner-pool/bin/' | grep -qv grep"
redirects=$(sim GET /calls | jq '[.[] | select(.action == "GET release-download" and .status == 302)] | length')
check "the downloads went through the release host's redirect ($redirects)" [ "$redirects" -ge 2 ]
expect 0 "release" env GITHUB_RUN_ID=s1 ec2rp-release

# A wrong runner checksum: the bootstrap halts, signals why, ends itself;
# provision fails at once with the instance's words (a class with no idle
# instance, so that a new one is made).
bad=0000000000000000000000000000000000000000000000000000000000000000
expect 0 "refresh with a wrong runner checksum" env INPUT_ACTIONS_RUNNER_SHA256="x64=$bad" ec2rp-refresh
start=$(date +%s)
expect 1 "provision fails" env GITHUB_RUN_ID=s2 INPUT_INSTANCE_COUNT=1 INPUT_RESOURCE_CLASS=xlarge ec2rp-provision
took=$(($(date +%s) - start))
check "at once, not after the 60 s timeout ($took s)" [ "$took" -lt 45 ]
check "naming the failure signal" err_has "bootstrap-failed"
check "and the mismatch, with both checksums" sh -c "grep -q 'checksum mismatch for .*actions-runner-linux-x64-2.336.0.tar.gz: want $bad, got $rsha' '$T_ERR'"
sleep 1
a2=$(run_instance s2)
check "the instance ended itself ($(state_of "$a2"))" matches "$(state_of "$a2")" 'terminated|shutting-down'

# No checksum for the instance's architecture: nothing unchecked runs. The
# tools are not there to signal with: the OS shuts down, EC2 terminates.
expect 0 "refresh with a stock arm64 AMI and only x86_64 checksums" env INPUT_AMI_ARM64=$ARM ec2rp-refresh
expect 1 "provision on aarch64 fails" env GITHUB_RUN_ID=s3 INPUT_INSTANCE_COUNT=1 INPUT_RESOURCE_CLASS=arm \
	INPUT_RESOURCE_CLASS_CONFIG='{"arm":{"cpu":2,"mem":4096,"arch":"arm64"}}' EC2RP_COLD_TIMEOUT_SEC=15 ec2rp-provision
a3=$(run_instance s3)
check "the bootstrap chose the aarch64 tarball and refused it unchecked" \
	grep -q "no sha256 for .*ec2-runner-pool-$V-linux-aarch64.tar.gz (aarch64)" "$SIM_DIR/instances/$a3/console.log"
check "nothing was downloaded unchecked" [ ! -e "$SIM_DIR/instances/$a3/root/opt/ec2-runner-pool/tools.tar.gz" ]
check "the OS's shutdown terminated it ($(state_of "$a3"))" matches "$(state_of "$a3")" 'terminated|shutting-down' 

# The same stock aarch64 AMI, with the release's aarch64 tarball and the
# runner's arm64 checksum: it boots to registered, running aarch64 tools
# (under qemu through binfmt_misc here, as scripts/bootstrap.sh arm64 sets up).
check "aarch64 programs run on this host (binfmt_misc, scripts/bootstrap.sh arm64)" [ -e /proc/sys/fs/binfmt_misc/qemu-aarch64 ]
tarball build/arm64/bin "$T_TMP/tools-a64.tar.gz"
asha=$(sha256sum "$T_TMP/tools-a64.tar.gz" | cut -d' ' -f1)
asset ec2rp/ec2-runner-pool "v$V" "ec2-runner-pool-$V-linux-aarch64.tar.gz" "$T_TMP/tools-a64.tar.gz"
asset mirror/actions-runner v2.336.0 actions-runner-linux-arm64-2.336.0.tar.gz "$T_TMP/runner.tar.gz"
printf 'version=%s\ntools-url=%s\ntools-sha256=%s\n' "$V" \
	"$gh/ec2rp/ec2-runner-pool/releases/download/v$V/ec2-runner-pool-$V-linux-{arch}.tar.gz" "x86_64=$tsha,aarch64=$asha" > "$T_TMP/release.txt"
expect 0 "refresh with both architectures' checksums" env INPUT_AMI_ARM64=$ARM INPUT_ACTIONS_RUNNER_SHA256="x64=$rsha,arm64=$rsha" ec2rp-refresh
# Emulated, its tools start slowly: a longer cold timeout.
start=$(date +%s)
expect 0 "provision on a stock aarch64 AMI: downloads, checks, registers" env GITHUB_RUN_ID=s7 INPUT_INSTANCE_COUNT=1 EC2RP_COLD_TIMEOUT_SEC=120 \
	INPUT_RESOURCE_CLASS=arm INPUT_RESOURCE_CLASS_CONFIG='{"arm":{"cpu":2,"mem":4096,"arch":"arm64"}}' ec2rp-provision
echo "# the aarch64 instance registered in $(($(date +%s) - start)) s"
a7=$(run_instance s7)
[ -s "$T_OUT" ] || tail -n 15 "$SIM_DIR/instances/$a7/console.log" | sed 's/^/# console: /'
check "its tools are the aarch64 build" sh -c "file -L '$SIM_DIR/instances/$a7/root/opt/ec2-runner-pool/bin/ec2rp' | grep -q 'ARM aarch64'"
check "on a Graviton type" matches "$(sim GET /instances | jq -r --arg id "$a7" '.[] | select(.id == $id) | .type')" '[a-z][0-9]+g\.[a-z0-9]+' 
expect 0 "release it" env GITHUB_RUN_ID=s7 ec2rp-release

# A tampered tools tarball: same halt, same shutdown.
printf 'version=%s\ntools-url=%s\ntools-sha256=%s\n' "$V" \
	"$gh/ec2rp/ec2-runner-pool/releases/download/v$V/ec2-runner-pool-$V-linux-{arch}.tar.gz" "x86_64=$bad" > "$T_TMP/release.txt"
expect 0 "refresh with the wrong tools checksum" ec2rp-refresh
expect 1 "provision fails" env GITHUB_RUN_ID=s4 INPUT_INSTANCE_COUNT=1 INPUT_RESOURCE_CLASS=xlarge EC2RP_COLD_TIMEOUT_SEC=15 ec2rp-provision
a4=$(run_instance s4)
check "the console names the mismatch" grep -q "checksum mismatch for .*linux-x86_64.tar.gz: want $bad, got $tsha" "$SIM_DIR/instances/$a4/console.log"
check "and it is terminated ($(state_of "$a4"))" matches "$(state_of "$a4")" 'terminated|shutting-down' 

# A failing pre-runner script: provision fails at once with its last lines.
expect 0 "refresh with a failing pre-runner script" env INPUT_AMI=ami-0123456789abcdef0 \
	INPUT_PRE_RUNNER_SCRIPT='echo "disk /data is too small" >&2; exit 3' ec2rp-refresh
expect 1 "provision fails" env GITHUB_RUN_ID=s5 INPUT_INSTANCE_COUNT=1 INPUT_RESOURCE_CLASS=xlarge ec2rp-provision
check "naming pre-runner-failed" err_has "pre-runner-failed"
check "with what the script said" err_has "disk /data is too small"

# No release file (a development build) and no URL: refresh says so.
expect 0 "refresh of a development build" env EC2RP_RELEASE_FILE=/nonexistent ec2rp-refresh
check "warns that the tools must be baked in" err_has "no tools-url and no release"
# The release text gives the default (latest) version's checksums.
expect 0 "refresh with the default runner (latest)" env -u INPUT_ACTIONS_RUNNER_URL -u INPUT_ACTIONS_RUNNER_SHA256 -u INPUT_ACTIONS_RUNNER_VERSION ec2rp-refresh
check "user data: both architectures' checksums of the newest release" matches "$(ud RUNNER_SHA256)" "'x64=[0-9a-f]{64},arm64=[0-9a-f]{64}'"
expect 0 "a version the release list does not have, without a checksum" env -u INPUT_ACTIONS_RUNNER_URL -u INPUT_ACTIONS_RUNNER_SHA256 \
	INPUT_ACTIONS_RUNNER_VERSION=2.399.0 ec2rp-refresh
check "warns that the runner must be baked in" err_has "no checksum for actions-runner 2.399.0"
expect 2 "a URL without its checksum is refused" env -u INPUT_ACTIONS_RUNNER_SHA256 ec2rp-refresh
check "naming the input" err_has "actions-runner-sha256"
expect 2 "a checksum for an unknown architecture is refused" env INPUT_TOOLS_URL=https://mirror.example/t.tgz INPUT_TOOLS_SHA256="riscv=$bad" ec2rp-refresh
# An arm64 class end to end: refresh stores the arm64 AMI, provision
# launches Graviton types from it (an AMI with the tools and runner baked
# in: the simulator cannot run aarch64 binaries).
BAKED_ARM=ami-0a7e0000000000b64
sim POST /images "{\"id\":\"$BAKED_ARM\",\"arch\":\"aarch64\"}" >/dev/null
expect 0 "refresh with an arm64 AMI" env INPUT_AMI=ami-0123456789abcdef0 INPUT_AMI_ARM64=$BAKED_ARM ec2rp-refresh
expect 0 "provision an arm64 class" env GITHUB_RUN_ID=s6 INPUT_INSTANCE_COUNT=1 INPUT_RESOURCE_CLASS=arm \
	INPUT_RESOURCE_CLASS_CONFIG='{"arm":{"cpu":4,"mem":8192,"arch":"arm64"}}' ec2rp-provision
g=$(head -n 1 "$T_OUT")
check "on a Graviton type from the arm64 AMI" [ "$(sim GET /instances | jq -r --arg id "$g" '.[] | select(.id == $id) | "\(.type) \(.image)"' | grep -Ec "g\.[a-z0-9]+ $BAKED_ARM")" -eq 1 ]
expect 2 "refresh refuses a malformed arm64 AMI" env INPUT_AMI_ARM64=ami-xyz ec2rp-refresh
model_check
done_testing

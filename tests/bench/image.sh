#!/bin/sh
# The action's image, for make bench (tests/bench/bench.sh adds what this
# prints to docs/benchmarks.md; run alone, it prints the same): its size, and
# the container's start overhead per step, the time from `docker run` to the
# entrypoint's first line, beside the same entrypoint started under chroot
# (the tree without a container). A Docker engine of its own
# (tests/dockerd.sh), as in the tests. Reports; never fails on a slow machine.
set -u
cd "$(dirname "$0")/../.." || exit 2
RUNS=${BENCH_IMAGE_RUNS:-10}
DOCKER_BIN=/usr/bin/docker
[ -x "$DOCKER_BIN" ] || DOCKER_BIN=docker
export DOCKER_BIN
unset DOCKER_HOST
tmp=$(mktemp -d)
trap 'sh tests/dockerd.sh stop "$tmp/dk"; rm -rf "$tmp"' EXIT
trap 'exit 1' INT TERM
dk() { "$DOCKER_BIN" -H "unix://$tmp/dk/docker.sock" "$@"; }
ms() { date +%s%N | cut -c1-13; }
median() { sort -n "$1" | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
stats() { sort -n "$1" | awk '{ v[NR] = $1 } END { m = (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2; printf "%g (%g-%g)", m, v[1], v[NR] }'; }

[ -x build/rootfs/usr/local/bin/ec2rp-entrypoint ] || sh scripts/rootfs.sh 2>/dev/null
sh tests/dockerd.sh start "$tmp/dk" || { echo "## 8. The image"; echo; echo "No Docker engine ran: $(tail -n 3 "$tmp/dk/log")"; exit 0; }
IMG=ec2-runner-pool:bench
t0=$(ms)
DOCKER_BUILDKIT=1 dk build -q --build-arg EC2RP_ROOTFS=tree -t "$IMG" . >/dev/null 2>"$tmp/build.err" \
	|| { echo "## 8. The image"; echo; echo "The image did not build: $(tail -n 3 "$tmp/build.err")"; exit 0; }
build_ms=$(($(ms) - t0))
size=$(dk image inspect -f '{{.Size}}' "$IMG")

# first_line FILE CMD...: ms from the start of CMD to its first line on
# stderr (the step's first log line: the token's mask), and to its end.
# A step with bad input (an unknown mode) does nothing after that line.
first_line() {
	_f=$1
	shift
	_t0=$(ms)
	"$@" 2>&1 >/dev/null | { IFS= read -r _l; echo $(($(ms) - _t0)) >> "$_f.first"; cat >/dev/null; }
	echo $(($(ms) - _t0)) >> "$_f.end"
}
CHROOT=$(PATH=$PATH:/usr/sbin:/sbin command -v chroot)
i=0
while [ $i -lt "$RUNS" ]; do
	first_line "$tmp/docker" env INPUT_GITHUB_TOKEN=ghp_bench GITHUB_ACTIONS=true INPUT_MODE=bench \
		"$DOCKER_BIN" -H "unix://$tmp/dk/docker.sock" run --rm --workdir / -e INPUT_GITHUB_TOKEN -e GITHUB_ACTIONS -e INPUT_MODE \
		--network host "$IMG"
	first_line "$tmp/chroot" env -i PATH=/usr/local/bin:/bin INPUT_GITHUB_TOKEN=ghp_bench GITHUB_ACTIONS=true INPUT_MODE=bench \
		"$CHROOT" build/rootfs /usr/local/bin/ec2rp-entrypoint
	i=$((i + 1))
done
over=$(awk -v d="$(median "$tmp/docker.first")" -v c="$(median "$tmp/chroot.first")" 'BEGIN { print d - c }')

cat <<X
## 8. The image

The action's image, built from the \`Dockerfile\` over \`build/rootfs\`
(\`EC2RP_ROOTFS=tree\`, offline) by Debian's \`docker.io\` $(dk version -f '{{.Server.Version}}'),
storage driver $(dk info -f '{{.Driver}}'): $((size / 1024)) KiB as Docker counts it, built in $build_ms ms.

A step's start, $RUNS runs each, median (min-max) in ms: from the start of
the command to the entrypoint's first line (the token's mask), and to the
end of a step that stops there (an unknown mode). \`docker run\` as the
runner runs it (\`--rm\`, variables by name, host network), against the
same entrypoint under \`chroot\` with no container.

| started by | to the first line | to the end |
|---|---|---|
| \`docker run\` | $(stats "$tmp/docker.first") | $(stats "$tmp/docker.end") |
| \`chroot\` | $(stats "$tmp/chroot.first") | $(stats "$tmp/chroot.end") |

The container costs about $over ms a step before the action's first line;
a workflow pays it once per step that uses the action (provision and
release), beside the runner's own pull of the published image.
X

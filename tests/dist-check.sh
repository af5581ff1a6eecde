#!/bin/sh
# The release tarballs are reproducible: `make dist` twice, a second apart,
# gives the same bytes, and every entry is owned by 0:0 and dated at the
# source date (SOURCE_DATE_EPOCH, else the last commit's). Reuses the built
# binaries (x86-64 and aarch64); prints TAP.
set -u
cd "$(dirname "$0")/.." || exit 2
n=0
bad=0
check() { # check STATUS NAME
	n=$((n + 1))
	if [ "$1" -eq 0 ]; then echo "ok $n - $2"; else echo "not ok $n - $2"; bad=$((bad + 1)); fi
}
if [ ! -x build/bin/ec2rp ] || [ ! -x build/arm64/bin/ec2rp ]; then
	check 1 "build/bin and build/arm64/bin are built (make all arm64)"
	echo "1..$n"
	exit 1
fi
d=$(mktemp -d) || exit 5
trap 'rm -rf "$d"' EXIT
v=$(cat VERSION)
epoch=${SOURCE_DATE_EPOCH:-$(git log -1 --format=%ct 2>/dev/null || echo 0)}
when=$(date -u -d "@$epoch" '+%Y-%m-%d %H:%M:%S')
make -s dist > "$d/make1" 2>&1
check $? "make dist (first)"
mkdir "$d/first"
cp build/ec2-runner-pool-"$v"-linux-*.tar.gz "$d/first/"
# A second later, so that a file's own time would show in the bytes.
sleep 1
make -s dist > "$d/make2" 2>&1
check $? "make dist (second)"
for arch in x86_64 aarch64; do
	f=ec2-runner-pool-$v-linux-$arch.tar.gz
	cmp -s "$d/first/$f" "build/$f"
	check $? "$f: the same bytes twice"
	TZ=UTC tar --numeric-owner --full-time -tvzf "build/$f" > "$d/list" 2>&1
	check $? "$f: tar lists it"
	awk '{ print $2 }' "$d/list" | sort -u > "$d/owners"
	[ "$(cat "$d/owners")" = 0/0 ]
	check $? "$f: every entry is owned by 0/0 ($(tr '\n' ' ' < "$d/owners"))"
	awk '{ print $4, $5 }' "$d/list" | sort -u > "$d/times"
	[ "$(cat "$d/times")" = "$when" ]
	check $? "$f: every entry is dated $when UTC ($(head -n 3 "$d/times" | tr '\n' ' '))"
	[ "$(od -An -tx1 -j4 -N4 "build/$f" | tr -d ' ')" = 00000000 ]
	check $? "$f: gzip header carries no time"
done
echo "1..$n"
[ "$bad" -eq 0 ]

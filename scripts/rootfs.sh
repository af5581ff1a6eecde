#!/bin/sh
# Lays out the image tree in build/rootfs: static busybox as /bin/sh and its
# applets, the tools and scripts in /usr/local/bin, a CA bundle, /tmp. The
# Dockerfile copies exactly this tree onto scratch; the tests run it under
# chroot with nothing from the host.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
out=$top/build/rootfs
bb=/bin/busybox
[ -x "$bb" ] && file "$bb" | grep -q 'statically linked' || bb=$(command -v busybox)
file -L "$bb" | grep -q 'statically linked' || { echo "rootfs: fatal: no static busybox (apt-get install busybox-static)" >&2; exit 1; }

rm -rf "$out"
mkdir -p "$out/bin" "$out/usr/local/bin" "$out/etc/ssl/certs" "$out/tmp" "$out/dev" "$out/proc"
chmod 1777 "$out/tmp"
cp "$bb" "$out/bin/busybox"
for a in $("$bb" --list); do
	[ "$a" = busybox ] || ln -s busybox "$out/bin/$a"
done
cp "$top/build/bin/ec2rp" "$out/usr/local/bin/"
for f in "$top"/build/bin/*; do
	n=$(basename "$f")
	if [ -L "$f" ]; then
		ln -s ec2rp "$out/usr/local/bin/$n"
	elif [ "$n" != ec2rp ]; then
		cp "$f" "$out/usr/local/bin/$n"
	fi
done
# A release image knows where its instances' tools are and their checksums
# (the release workflow passes them; docs/building.md). A development image
# has no such file, and refresh then needs tools-url or tools baked in.
if [ -n "${EC2RP_RELEASE_TOOLS_URL:-}" ]; then
	printf 'version=%s\ntools-url=%s\ntools-sha256=%s\n' "$(cat "$top/VERSION")" \
		"$EC2RP_RELEASE_TOOLS_URL" "${EC2RP_RELEASE_TOOLS_SHA256:?with EC2RP_RELEASE_TOOLS_URL}" \
		> "$out/usr/local/bin/ec2rp-release.txt"
fi
cp /etc/ssl/certs/ca-certificates.crt "$out/etc/ssl/certs/"
printf 'root:x:0:0:root:/:/bin/sh\n' > "$out/etc/passwd"
cp "$top/build/deps/SBOM.txt" "$out/usr/local/bin/../SBOM.txt" 2>/dev/null || true
du -sk "$out" | awk '{ printf "rootfs: %s KiB in build/rootfs\n", $1 }' >&2

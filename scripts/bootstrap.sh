#!/bin/sh
# Builds the third-party dependencies (BearSSL, cJSON, libcurl) from Debian's
# source packages with musl-gcc into build/deps/prefix, and records what was
# used in build/deps/SBOM.txt. Idempotent: a finished build is kept.
# Needs root (apt-get) on a fresh Debian machine; nothing third-party is
# committed to the repository.
#
# `bootstrap.sh arm64` does the same for aarch64 into build/arm64/deps: the
# same Debian source packages, cross-compiled with Debian's
# gcc-aarch64-linux-gnu against a musl built from Debian's musl source
# package (build/arm64/deps/musl, with its own musl-gcc wrapper); it also
# installs qemu-user-static, which runs the aarch64 unit tests here.
set -eu

arch=${1:-native}
top=$(cd "$(dirname "$0")/.." && pwd)

tag=""
[ "$arch" = native ] || tag=" ($arch)"
log() { printf 'bootstrap%s: %s\n' "$tag" "$*" >&2; }
die() { printf 'bootstrap%s: fatal: %s\n' "$tag" "$*" >&2; exit 1; }

case $arch in
native) deps="$top/build/deps" ;;
arm64) deps="$top/build/arm64/deps" ;;
*) die "unknown architecture '$arch' (native or arm64)" ;;
esac
prefix="$deps/prefix"
src="$deps/src"
stamp="$deps/.done"

# Debian packages: the musl toolchain, source unpacking, and the glibc -dev
# packages of the same libraries for the sanitizer and fuzz builds.
# docker.io: the tests build the image from the Dockerfile and run it as the
# actions runner does, on a dockerd of their own (tests/integration/61-docker.sh).
# gnuplot-nox and strace: make bench draws its scale curves and counts the
# processes each mode starts (tests/bench/scale.sh).
need_pkgs="musl-tools dpkg-dev make gcc clang libclang-rt-14-dev libbearssl-dev libcjson-dev libcurl4-openssl-dev busybox-static curl shellcheck ca-certificates openssl file docker.io gnuplot-nox strace"
# EC2RP_BUILD_ONLY=1 (the Dockerfile): only what the static build needs.
[ "${EC2RP_BUILD_ONLY:-0}" = 1 ] && need_pkgs="musl-tools dpkg-dev make gcc busybox-static ca-certificates file"
# aarch64: Debian's cross compiler and binutils (musl comes from source below),
# and qemu's user-mode emulator for the unit tests.
if [ "$arch" = arm64 ]; then
	need_pkgs="gcc-aarch64-linux-gnu binutils-aarch64-linux-gnu dpkg-dev make file"
	[ "${EC2RP_BUILD_ONLY:-0}" = 1 ] || need_pkgs="$need_pkgs qemu-user-static"
fi
# `make -j2 dist` or `make test` can run the native and the arm64 bootstrap at
# once: one apt-get at a time from this tree (and wait for any other apt).
mkdir -p "$top/build"
exec 9>"$top/build/.apt-lock"
flock 9 || die "cannot lock $top/build/.apt-lock"
apt_wait="-o DPkg::Lock::Timeout=300"
missing=""
for p in $need_pkgs; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'ok installed' || missing="$missing $p"
done

# Node runs the local test stack; a machine may already have it from elsewhere.
if [ "${EC2RP_BUILD_ONLY:-0}" != 1 ] && [ "$arch" = native ]; then
	command -v node >/dev/null 2>&1 && command -v npm >/dev/null 2>&1 || missing="$missing nodejs npm"
fi

# apt-get source needs deb-src entries; add them next to the deb ones.
srclist=/etc/apt/sources.list.d/ec2rp-src.sources
added_src=0
if ! grep -rqs '^Types:.*deb-src\|^deb-src ' /etc/apt/sources.list /etc/apt/sources.list.d/; then
	[ -f /etc/apt/sources.list.d/debian.sources ] || die "no /etc/apt/sources.list.d/debian.sources to derive deb-src entries from"
	sed 's/^Types: deb$/Types: deb-src/' /etc/apt/sources.list.d/debian.sources > "$srclist"
	added_src=1
fi
if [ -n "$missing" ] || [ "$added_src" = 1 ]; then
	log "apt-get update"
	# shellcheck disable=SC2086 # an option and its value
	apt-get $apt_wait update -q >/dev/null
fi
if [ -n "$missing" ]; then
	log "installing:$missing"
	# docker.io's install starts dockerd on the default socket, where the
	# simulated instances' agents would prune it: no service starts during
	# this install (policy-rc.d, Debian's switch for that), unless the
	# machine already has its own policy.
	policy=""
	if [ ! -e /usr/sbin/policy-rc.d ]; then
		policy=/usr/sbin/policy-rc.d
		printf '#!/bin/sh\nexit 101\n' > "$policy" && chmod 755 "$policy"
	fi
	rc=0
	# shellcheck disable=SC2086 # one word per package
	DEBIAN_FRONTEND=noninteractive apt-get $apt_wait install -y -q $missing >/dev/null || rc=$?
	[ -z "$policy" ] || rm -f "$policy"
	[ "$rc" = 0 ] || die "apt-get install$missing failed"
fi

flock -u 9
exec 9>&-

# aarch64 programs run here as they would under the package's own setup on a
# host with systemd: qemu registered with the kernel's binfmt_misc (what
# systemd-binfmt does from the package's /usr/lib/binfmt.d file). The stack's
# aarch64 instances run the downloaded tools through it.
if [ "$arch" = arm64 ] && [ "${EC2RP_BUILD_ONLY:-0}" != 1 ] && [ ! -e /proc/sys/fs/binfmt_misc/qemu-aarch64 ]; then
	[ -e /proc/sys/fs/binfmt_misc/register ] || mount -t binfmt_misc binfmt_misc /proc/sys/fs/binfmt_misc 2>/dev/null \
		|| log "warning: cannot mount binfmt_misc: aarch64 instances of the stack cannot run"
	if [ -e /proc/sys/fs/binfmt_misc/register ] && [ -f /usr/lib/binfmt.d/qemu-aarch64.conf ]; then
		cat /usr/lib/binfmt.d/qemu-aarch64.conf > /proc/sys/fs/binfmt_misc/register 2>/dev/null \
			|| log "warning: cannot register qemu-aarch64 with binfmt_misc"
	fi
fi
[ -f "$stamp" ] && exit 0
rm -rf "$src" "$prefix" "$deps/musl"
mkdir -p "$src" "$prefix/lib" "$prefix/include"
cd "$src"
sources="bearssl cjson curl"
[ "$arch" = arm64 ] && sources="$sources musl"
log "apt-get source $sources"
# shellcheck disable=SC2086 # one word per package
apt-get source -q $sources >/dev/null 2>&1 || die "apt-get source failed (deb-src entries? network?)"

first() { for f in "$@"; do echo "$f"; return; done; }
bearssl_dir=$(first bearssl-*/)
cjson_dir=$(first cjson-*/)
curl_dir=$(first curl-*/)

# The compiler, the archiver and curl's --host for each architecture.
if [ "$arch" = arm64 ]; then
	musl_dir=$(first musl-*/)
	log "building musl for aarch64 ($musl_dir) with aarch64-linux-gnu-gcc"
	( cd "$musl_dir" && ./configure --target=aarch64-linux-gnu --prefix="$deps/musl" \
		--disable-shared --enable-wrapper=gcc CROSS_COMPILE=aarch64-linux-gnu- \
		CC=aarch64-linux-gnu-gcc >configure.log 2>&1 \
		&& make -s -j"$(nproc)" >make.log 2>&1 && make -s install >/dev/null 2>&1 ) \
		|| die "musl build for aarch64 failed; see $src/${musl_dir}configure.log and make.log"
	CC="$deps/musl/bin/musl-gcc"
	AR=aarch64-linux-gnu-ar
	host=aarch64-linux-musl
	export RANLIB=aarch64-linux-gnu-ranlib NM=aarch64-linux-gnu-nm STRIP=aarch64-linux-gnu-strip
else
	CC=musl-gcc
	AR="ar"
	host=x86_64-linux-musl
fi
export CC AR
cflags="-Os -ffunction-sections -fdata-sections -fPIE -D_FORTIFY_SOURCE=0"

log "building BearSSL ($bearssl_dir)"
( cd "$bearssl_dir" && make -s lib CONF=Unix CC="$CC" LD="$CC" LDDLL="$CC" AR="$AR" \
	CFLAGS="$cflags -W -Wall" >/dev/null )
cp "$bearssl_dir"build/libbearssl.a "$prefix/lib/"
cp "$bearssl_dir"inc/*.h "$prefix/include/"

log "building cJSON ($cjson_dir)"
# shellcheck disable=SC2086 # flags are words
( cd "$cjson_dir" && "$CC" $cflags -std=c89 -c cJSON.c -o cJSON.o && "$AR" rcs libcjson.a cJSON.o )
mkdir -p "$prefix/include/cjson"
cp "$cjson_dir"libcjson.a "$prefix/lib/"
cp "$cjson_dir"cJSON.h "$prefix/include/cjson/"

log "building libcurl ($curl_dir): HTTP and HTTPS only, TLS through BearSSL"
( cd "$curl_dir" && ./configure -q --host="$host" CC="$CC" CFLAGS="$cflags" \
	CPPFLAGS="-I$prefix/include" LDFLAGS="-L$prefix/lib" \
	--prefix="$prefix" --disable-shared --enable-static \
	--with-bearssl="$prefix" \
	--without-zlib --without-brotli --without-zstd --without-libpsl --without-libidn2 \
	--without-nghttp2 --without-libssh2 --without-librtmp --without-ca-bundle --without-ca-path \
	--disable-ftp --disable-file --disable-ldap --disable-ldaps --disable-rtsp --disable-dict \
	--disable-telnet --disable-tftp --disable-pop3 --disable-imap --disable-smb --disable-smtp \
	--disable-gopher --disable-mqtt --disable-manual --disable-ntlm --disable-ntlm-wb \
	--disable-unix-sockets --disable-alt-svc --disable-hsts --disable-cookies \
	--disable-doh --disable-netrc --disable-progress-meter --disable-dateparse \
	--disable-websockets --enable-threaded-resolver >configure.log 2>&1 ) \
	|| die "curl configure failed; see $src/${curl_dir}configure.log"
# Never silently build without TLS: curl must report the BearSSL backend.
grep -q '^#define USE_BEARSSL 1' "$curl_dir"lib/curl_config.h \
	|| die "this curl source cannot use BearSSL (USE_BEARSSL not set): refusing to build without TLS"
( cd "$curl_dir/lib" && make -s -j"$(nproc)" >/dev/null 2>&1 && make -s install >/dev/null ) \
	|| die "curl build failed"
( cd "$curl_dir/include" && make -s install >/dev/null )

# SBOM: the exact source package versions and where they came from.
{
	printf 'component\tdebian-source-version\torigin\n'
	for d in bearssl cjson curl; do
		dsc=$(first "${d}"_*.dsc)
		v=$(sed -n 's/^Version: //p' "$dsc")
		printf '%s\t%s\tDebian source package %s (apt-get source)\n' "$d" "$v" "$d"
	done
	if [ "$arch" = arm64 ]; then
		v=$(sed -n 's/^Version: //p' "$(first musl_*.dsc)")
		printf 'musl\t%s\tDebian source package musl (apt-get source), built for aarch64\n' "$v"
		printf 'gcc-aarch64-linux-gnu\t%s\tDebian package gcc-aarch64-linux-gnu (compiler and libgcc)\n' \
			"$(dpkg-query -W -f='${Version}' gcc-aarch64-linux-gnu)"
	else
		printf 'musl\t%s\tDebian package musl-tools\n' "$(dpkg-query -W -f='${Version}' musl-tools)"
		printf 'busybox-static\t%s\tDebian package busybox-static\n' "$(dpkg-query -W -f='${Version}' busybox-static)"
	fi
} > "$deps/SBOM.txt"
touch "$stamp"
log "done: $(tr '\n' ' ' < "$deps/SBOM.txt" | cut -c1-200)"

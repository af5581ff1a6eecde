#!/bin/sh
# Builds the third-party dependencies (BearSSL, cJSON, libcurl) from Debian's
# source packages with musl-gcc into build/deps/prefix, and records what was
# used in build/deps/SBOM.txt. Idempotent: a finished build is kept.
# Needs root (apt-get) on a fresh Debian machine; nothing third-party is
# committed to the repository.
set -eu

top=$(cd "$(dirname "$0")/.." && pwd)
deps="$top/build/deps"
prefix="$deps/prefix"
src="$deps/src"
stamp="$deps/.done"

log() { printf 'bootstrap: %s\n' "$*" >&2; }
die() { printf 'bootstrap: fatal: %s\n' "$*" >&2; exit 1; }

# Debian packages: the musl toolchain, source unpacking, and the glibc -dev
# packages of the same libraries for the sanitizer and fuzz builds.
need_pkgs="musl-tools dpkg-dev make gcc clang libclang-rt-14-dev libbearssl-dev libcjson-dev libcurl4-openssl-dev busybox-static curl shellcheck ca-certificates openssl file"
# EC2RP_BUILD_ONLY=1 (the Dockerfile): only what the static build needs.
[ "${EC2RP_BUILD_ONLY:-0}" = 1 ] && need_pkgs="musl-tools dpkg-dev make gcc busybox-static ca-certificates file"
missing=""
for p in $need_pkgs; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'ok installed' || missing="$missing $p"
done

# Node runs the local test stack; a machine may already have it from elsewhere.
if [ "${EC2RP_BUILD_ONLY:-0}" != 1 ]; then
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
	apt-get update -q >/dev/null
fi
if [ -n "$missing" ]; then
	log "installing:$missing"
	# shellcheck disable=SC2086 # one word per package
	DEBIAN_FRONTEND=noninteractive apt-get install -y -q $missing >/dev/null
fi

[ -f "$stamp" ] && exit 0
rm -rf "$src" "$prefix"
mkdir -p "$src" "$prefix/lib" "$prefix/include"
cd "$src"
log "apt-get source bearssl cjson curl"
apt-get source -q bearssl cjson curl >/dev/null 2>&1 || die "apt-get source failed (deb-src entries? network?)"

first() { for f in "$@"; do echo "$f"; return; done; }
bearssl_dir=$(first bearssl-*/)
cjson_dir=$(first cjson-*/)
curl_dir=$(first curl-*/)

export CC=musl-gcc
cflags="-Os -ffunction-sections -fdata-sections -fPIE -D_FORTIFY_SOURCE=0"

log "building BearSSL ($bearssl_dir)"
( cd "$bearssl_dir" && make -s lib CONF=Unix CC=musl-gcc LD=musl-gcc LDDLL=musl-gcc \
	CFLAGS="$cflags -W -Wall" >/dev/null )
cp "$bearssl_dir"build/libbearssl.a "$prefix/lib/"
cp "$bearssl_dir"inc/*.h "$prefix/include/"

log "building cJSON ($cjson_dir)"
# shellcheck disable=SC2086 # flags are words
( cd "$cjson_dir" && musl-gcc $cflags -std=c89 -c cJSON.c -o cJSON.o && ar rcs libcjson.a cJSON.o )
mkdir -p "$prefix/include/cjson"
cp "$cjson_dir"libcjson.a "$prefix/lib/"
cp "$cjson_dir"cJSON.h "$prefix/include/cjson/"

log "building libcurl ($curl_dir): HTTP and HTTPS only, TLS through BearSSL"
( cd "$curl_dir" && ./configure -q --host=x86_64-linux-musl CC=musl-gcc CFLAGS="$cflags" \
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
	printf 'musl\t%s\tDebian package musl-tools\n' "$(dpkg-query -W -f='${Version}' musl-tools)"
	printf 'busybox-static\t%s\tDebian package busybox-static\n' "$(dpkg-query -W -f='${Version}' busybox-static)"
} > "$deps/SBOM.txt"
touch "$stamp"
log "done: $(tr '\n' ' ' < "$deps/SBOM.txt" | cut -c1-200)"

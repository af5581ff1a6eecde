# The action's image: the tree that `make rootfs` lays out (and the tests run
# under chroot), copied onto scratch. Build stage on Debian 12, whose source
# packages give BearSSL, libcurl (with its BearSSL backend) and cJSON.
FROM debian:12 AS build
RUN apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends \
        make gcc musl-tools dpkg-dev ca-certificates file busybox-static \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY . .
# A release build names its instances' tools tarballs and their checksums
# (.github/workflows/release.yml); empty for a development image.
ARG EC2RP_RELEASE_TOOLS_URL=
ARG EC2RP_RELEASE_TOOLS_SHA256=
# Only the static build is needed here: no sanitizer or test packages.
RUN EC2RP_BUILD_ONLY=1 EC2RP_RELEASE_TOOLS_URL="$EC2RP_RELEASE_TOOLS_URL" \
    EC2RP_RELEASE_TOOLS_SHA256="$EC2RP_RELEASE_TOOLS_SHA256" make rootfs

FROM scratch
COPY --from=build /src/build/rootfs/ /
ENV PATH=/usr/local/bin:/bin EC2RP_CA_BUNDLE=/etc/ssl/certs/ca-certificates.crt
ENTRYPOINT ["/usr/local/bin/ec2rp-entrypoint"]

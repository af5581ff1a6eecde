# The action's image: the tree that `make rootfs` lays out (and the tests run
# under chroot), copied onto scratch, so the image and the tested tree are
# the same thing. Where that tree comes from is a build argument:
#   EC2RP_ROOTFS=build (default, the release workflow): built here in a
#     Debian 12 stage, whose source packages give BearSSL, libcurl (with its
#     BearSSL backend) and cJSON.
#   EC2RP_ROOTFS=tree: the build/rootfs that `make rootfs` left in the
#     context; nothing is pulled, so it builds offline (the tests, and
#     docs/building.md). Needs BuildKit, which skips the unused Debian stage.
ARG EC2RP_ROOTFS=build

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
    EC2RP_RELEASE_TOOLS_SHA256="$EC2RP_RELEASE_TOOLS_SHA256" make rootfs \
    && mv build/rootfs /rootfs

FROM scratch AS tree
COPY build/rootfs/ /rootfs/

FROM ${EC2RP_ROOTFS} AS rootfs

FROM scratch
COPY --from=rootfs /rootfs/ /
ENV PATH=/usr/local/bin:/bin EC2RP_CA_BUNDLE=/etc/ssl/certs/ca-certificates.crt
ENTRYPOINT ["/usr/local/bin/ec2rp-entrypoint"]

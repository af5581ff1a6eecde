# ec2-runner-pool. `make` builds static musl binaries into build/bin/;
# `make test` runs every test; `make demo` walks the lifecycle locally.
# Dependencies are built from Debian source packages on first use
# (scripts/bootstrap.sh); nothing third-party is in the repository.

VERSION  := $(shell cat VERSION 2>/dev/null || echo 0.0.0)
DEPS     := build/deps/prefix
STAMP    := build/deps/.done
CC_MUSL  := musl-gcc
WARN     := -Wall -Wextra -Wshadow -Wno-unused-parameter
CSTD     := -std=c99 -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE
# A warning fails the static builds (x86-64 and aarch64): none is ever shipped.
CFLAGS   := $(CSTD) -DVERSION='"$(VERSION)"' -Os $(WARN) -Werror -ffunction-sections -fdata-sections \
            -I$(DEPS)/include -Ilib -Ibuild/gen
LDFLAGS  := -static -s -Wl,--gc-sections -L$(DEPS)/lib
LIBS     := -lcurl -lbearssl -lcjson -lpthread

LIB_SRC  := $(sort $(wildcard lib/*.c))
LIB_OBJ  := $(LIB_SRC:lib/%.c=build/obj/lib/%.o)
TOOLS    := $(sort $(filter-out ec2rp,$(notdir $(patsubst %/main.c,%,$(wildcard cmd/*/main.c)))))
TOOL_OBJ := $(TOOLS:%=build/obj/cmd/%.o)
UNIT_SRC := $(sort $(wildcard tests/unit/test_*.c))
UNITS    := $(UNIT_SRC:tests/unit/%.c=build/test/%)
FUZZ_SRC := $(sort $(wildcard tests/fuzz/fuzz_*.c))
FUZZERS  := $(FUZZ_SRC:tests/fuzz/%.c=build/fuzz/%)

# Sanitizer and fuzz builds: clang against glibc and Debian's -dev packages.
CC_SAN   := clang
SANFLAGS := $(CSTD) -DVERSION='"$(VERSION)"' -g -O1 $(WARN) -Werror -fno-omit-frame-pointer -Ilib \
            -fsanitize=address,undefined -fno-sanitize-recover=undefined
SAN_LIBS := -lcurl -lbearssl -lcjson -lpthread
ASAN_LIB := $(LIB_SRC:lib/%.c=build/asan/obj/%.o)
ASANS    := $(UNIT_SRC:tests/unit/%.c=build/asan/%)
FUZZ_LIB := $(LIB_SRC:lib/%.c=build/fuzz/obj/%.o)

SCRIPTS  := $(sort $(notdir $(wildcard sh/ec2rp-*)))

# Keep the sanitizer and fuzz objects between runs (and keep make quiet
# after the test summary, which must be the last line).
.SECONDARY:

.PHONY: all deps test unit fuzz soak bench demo rootfs dist docs lint clean distclean arm64 arm64-deps arm64-unit
all: build/bin/ec2rp $(SCRIPTS:%=build/bin/%)

# The mode scripts, the agent and the bootstrap sit beside the tools.
build/bin/ec2rp-%: sh/ec2rp-%
	@mkdir -p $(@D)
	cp $< $@

deps: $(STAMP)
$(STAMP):
	sh scripts/bootstrap.sh

build/obj/lib/%.o: lib/%.c lib/*.h $(STAMP)
	@mkdir -p $(@D)
	$(CC_MUSL) $(CFLAGS) -c $< -o $@

build/obj/cmd/%.o: cmd/%/main.c lib/*.h build/gen/tools.h $(STAMP)
	@mkdir -p $(@D)
	$(CC_MUSL) $(CFLAGS) -c $< -o $@

build/libec2rp.a: $(LIB_OBJ)
	@rm -f $@
	ar rcs $@ $^

# One multi-call binary stores libcurl and BearSSL once; each tool is a link.
# tools.h declares every tool's entry point and each cmd/<tool>/main.c
# includes it, so a definition that does not match fails to compile; tools.c
# is the dispatch table. Both change only when a tool folder comes or goes.
build/gen/tools.%: scripts/gen-tools.sh cmd
	@mkdir -p $(@D)
	sh scripts/gen-tools.sh $* $(TOOLS) > $@

build/obj/cmd/ec2rp.o: cmd/ec2rp/main.c build/gen/tools.c build/gen/tools.h lib/*.h $(STAMP)
	@mkdir -p $(@D)
	$(CC_MUSL) $(CFLAGS) -c $< -o $@

build/bin/ec2rp: build/obj/cmd/ec2rp.o $(TOOL_OBJ) build/libec2rp.a
	@mkdir -p $(@D)
	$(CC_MUSL) $(LDFLAGS) -o $@ $^ $(LIBS)
	@for t in $(TOOLS); do ln -sf ec2rp build/bin/$$t; done

# aarch64: the same sources and the same Debian source packages, built with
# Debian's gcc-aarch64-linux-gnu against musl from Debian's musl source
# (scripts/bootstrap.sh arm64), all under build/arm64 so the x86-64 build is
# never touched. `make arm64` gives build/arm64/bin as `all` gives build/bin;
# `make arm64-unit` the unit tests, which tests/run.sh runs under qemu.
A64       := build/arm64
A64_DEPS  := $(A64)/deps/prefix
A64_STAMP := $(A64)/deps/.done
A64_CC    := $(A64)/deps/musl/bin/musl-gcc
A64_AR    := aarch64-linux-gnu-ar
A64_CFLAGS  := $(subst -I$(DEPS)/include,-I$(A64_DEPS)/include,$(CFLAGS))
A64_LDFLAGS := $(subst -L$(DEPS)/lib,-L$(A64_DEPS)/lib,$(LDFLAGS))
A64_LIB_OBJ := $(LIB_SRC:lib/%.c=$(A64)/obj/lib/%.o)
A64_TOOL_OBJ := $(TOOLS:%=$(A64)/obj/cmd/%.o)
A64_UNITS := $(UNIT_SRC:tests/unit/%.c=$(A64)/test/%)

arm64: $(A64)/bin/ec2rp $(SCRIPTS:%=$(A64)/bin/%)
arm64-deps: $(A64_STAMP)
arm64-unit: $(A64_UNITS)

$(A64_STAMP):
	sh scripts/bootstrap.sh arm64

$(A64)/bin/ec2rp-%: sh/ec2rp-%
	@mkdir -p $(@D)
	cp $< $@

$(A64)/obj/lib/%.o: lib/%.c lib/*.h $(A64_STAMP)
	@mkdir -p $(@D)
	$(A64_CC) $(A64_CFLAGS) -c $< -o $@

$(A64)/obj/cmd/%.o: cmd/%/main.c lib/*.h build/gen/tools.h $(A64_STAMP)
	@mkdir -p $(@D)
	$(A64_CC) $(A64_CFLAGS) -c $< -o $@

$(A64)/libec2rp.a: $(A64_LIB_OBJ)
	@rm -f $@
	$(A64_AR) rcs $@ $^

$(A64)/obj/cmd/ec2rp.o: cmd/ec2rp/main.c build/gen/tools.c build/gen/tools.h lib/*.h $(A64_STAMP)
	@mkdir -p $(@D)
	$(A64_CC) $(A64_CFLAGS) -c $< -o $@

$(A64)/bin/ec2rp: $(A64)/obj/cmd/ec2rp.o $(A64_TOOL_OBJ) $(A64)/libec2rp.a
	@mkdir -p $(@D)
	$(A64_CC) $(A64_LDFLAGS) -o $@ $^ $(LIBS)
	@for t in $(TOOLS); do ln -sf ec2rp $(A64)/bin/$$t; done

$(A64)/test/t.o: tests/unit/t.c tests/unit/t.h $(A64_STAMP)
	@mkdir -p $(@D)
	$(A64_CC) $(A64_CFLAGS) -c $< -o $@
$(A64)/test/%: tests/unit/%.c $(A64)/test/t.o $(A64)/libec2rp.a
	@mkdir -p $(@D)
	$(A64_CC) $(A64_CFLAGS) -Itests/unit $(A64_LDFLAGS) -o $@ $< $(A64)/test/t.o $(A64)/libec2rp.a $(LIBS)

# Unit tests, static musl.
build/test/t.o: tests/unit/t.c tests/unit/t.h
	@mkdir -p $(@D)
	$(CC_MUSL) $(CFLAGS) -c $< -o $@
build/test/%: tests/unit/%.c build/test/t.o build/libec2rp.a
	@mkdir -p $(@D)
	$(CC_MUSL) $(CFLAGS) -Itests/unit $(LDFLAGS) -o $@ $< build/test/t.o build/libec2rp.a $(LIBS)

# Unit tests under ASan + UBSan.
build/asan/obj/%.o: lib/%.c lib/*.h $(STAMP)
	@mkdir -p $(@D)
	$(CC_SAN) $(SANFLAGS) -c $< -o $@
build/asan/%: tests/unit/%.c tests/unit/t.c $(ASAN_LIB)
	@mkdir -p $(@D)
	$(CC_SAN) $(SANFLAGS) -Itests/unit -o $@ $< tests/unit/t.c $(ASAN_LIB) $(SAN_LIBS)

# libFuzzer targets.
build/fuzz/obj/%.o: lib/%.c lib/*.h $(STAMP)
	@mkdir -p $(@D)
	$(CC_SAN) $(SANFLAGS) -fsanitize=fuzzer-no-link -c $< -o $@
build/fuzz/%: tests/fuzz/%.c $(FUZZ_LIB)
	@mkdir -p $(@D)
	$(CC_SAN) $(SANFLAGS) -fsanitize=fuzzer -o $@ $< $(FUZZ_LIB) $(SAN_LIBS)

unit: $(UNITS) $(ASANS)
test: all unit $(FUZZERS)
	@mkdir -p $(A64)
	@$(MAKE) arm64 arm64-unit dist > $(A64)/build.log 2>&1 \
		|| echo "make arm64 arm64-unit dist failed (build/arm64/build.log); tests/run.sh counts it" >&2
	sh scripts/rootfs.sh
	sh tests/run.sh

FUZZ_SECONDS ?= 300
fuzz: $(FUZZERS)
	FUZZ_SECONDS=$(FUZZ_SECONDS) sh tests/fuzz/run.sh $(FUZZERS)

# The races of the test run, for longer (SOAK_ROUNDS rounds).
SOAK_ROUNDS ?= 20
soak: all
	sh tests/sim/install.sh
	RACE_ROUNDS=$(SOAK_ROUNDS) sh tests/integration/70-races.sh

bench: all
	sh tests/sim/install.sh
	sh tests/bench/bench.sh

demo: all
	sh tests/sim/install.sh
	sh tests/demo.sh

rootfs: all
	sh scripts/rootfs.sh

# The release tarballs, one per architecture (build/ec2-runner-pool-VERSION-
# linux-x86_64.tar.gz and -linux-aarch64.tar.gz, each with a .sha256): the
# same tools and scripts as the image, plus that architecture's SBOM.
# Reproducible: the same tree gives the same bytes (names sorted, one mtime,
# the last commit's unless SOURCE_DATE_EPOCH is set, owner 0:0, fixed
# modes, gzip without name or time); tests/run.sh builds them twice.
DIST := ec2-runner-pool-$(VERSION)
SOURCE_DATE_EPOCH ?= $(shell git log -1 --format=%ct 2>/dev/null || echo 0)
TAR_REPRO := --format=gnu --sort=name --mtime=@$(SOURCE_DATE_EPOCH) \
             --owner=0 --group=0 --numeric-owner --mode=u+rwX,go+rX,go-w
define dist_tarball # ARCH BIN-DIR SBOM
	rm -rf build/dist/$(1)
	@mkdir -p build/dist/$(1)/$(DIST)/bin
	cp -P $(2)/* build/dist/$(1)/$(DIST)/bin/
	cp $(3) README.md build/dist/$(1)/$(DIST)/
	tar -C build/dist/$(1) $(TAR_REPRO) -cf build/dist/$(1).tar $(DIST)
	gzip -n -9 -f build/dist/$(1).tar
	mv build/dist/$(1).tar.gz build/$(DIST)-linux-$(1).tar.gz
	cd build && sha256sum $(DIST)-linux-$(1).tar.gz > $(DIST)-linux-$(1).tar.gz.sha256
	cp $(3) build/$(DIST)-linux-$(1).sbom.txt
endef
dist: all arm64
	$(call dist_tarball,x86_64,build/bin,build/deps/SBOM.txt)
	$(call dist_tarball,aarch64,$(A64)/bin,$(A64)/deps/SBOM.txt)

docs: all
	sh scripts/tool-docs.sh

lint: all
	sh scripts/lint.sh
	sh scripts/lint-docs-security.sh
	sh tests/sim/install.sh
	node tests/sim/iamlint.js

clean:
	rm -rf build/obj build/bin build/gen build/test build/asan build/fuzz build/libec2rp.a build/rootfs build/dist \
		$(A64)/obj $(A64)/bin $(A64)/test $(A64)/libec2rp.a
distclean:
	rm -rf build

# inhook: a per-connection responder for signed CI webhooks.
# Everything is overridable: make CC=clang CFLAGS=... PREFIX=/usr DESTDIR=...

VERSION  = 0.1.0
PREFIX  ?= /usr/local
BINDIR  ?= $(PREFIX)/bin
MANDIR  ?= $(PREFIX)/share/man
UNITDIR ?= /etc/systemd/system

CC      ?= cc
# Size first (a router's flash); the loops that walk every body byte keep -O2.
OPT     ?= -Os
HOT      = json payload env
HOTOPT  ?= -O2
WARN     = -Wall -Wextra -Wshadow -Wstrict-prototypes -Wmissing-prototypes \
           -Wcast-qual -Wpointer-arith -Wvla -Wformat=2
HARDEN   = -D_FORTIFY_SOURCE=3 -fstack-protector-strong -fPIE
# Size: no unwind tables (nothing here unwinds), and unused code dropped.
SIZE     = -fno-asynchronous-unwind-tables -ffunction-sections -fdata-sections -fno-plt
CFLAGS  ?= $(OPT)
# Link-time optimisation for inhook itself (4 KB less); the objects keep
# their ordinary code too (fat), so the unit tests link without it.
# LTO= turns it off.
LTO     ?= -flto=auto -ffat-lto-objects
# 64-bit time_t and file offsets on 32-bit CPUs too (past 2038, big spools).
# override: a packager's CPPFLAGS (-I...) on the command line adds to these.
override CPPFLAGS += -D_GNU_SOURCE -D_FILE_OFFSET_BITS=64 -D_TIME_BITS=64 \
            -DVERSION='"$(VERSION)"'
ALLCFLAGS = -std=c11 $(WARN) $(HARDEN) $(SIZE) $(CFLAGS)
LDRELRO  = -Wl,-z,relro,-z,now -Wl,--gc-sections -Wl,-z,noseparate-code
LDHARDEN = -pie $(LDRELRO) $(LDRELR)

# BearSSL, static. Debian's libbearssl.a carries unwind tables (.eh_frame,
# 13 KB here) that nothing in inhook uses: the link takes a copy of it
# without them, made by objcopy in $(BUILD). Where the compiler does not
# find the archive, plain -lbearssl; cross and musl builds set BEARSSL.
BEARSSL_A := $(shell $(CC) -print-file-name=libbearssl.a 2>/dev/null)
BEARSSL_NOEH = $(BUILD)/libbearssl-noeh.a
ifneq ($(filter /%,$(BEARSSL_A)),)
BEARSSL ?= $(BEARSSL_NOEH)
else
BEARSSL ?= -Wl,-Bstatic -lbearssl -Wl,-Bdynamic
endif
BEARSSL_DEP = $(filter $(BEARSSL_NOEH),$(BEARSSL))
OBJCOPY ?= objcopy

# TLS=no: no --tls-cert (tls.c and pem.c compile to stubs and nothing), for
# the smallest flash. $(BUILD)/tls records the choice, so that switching
# rebuilds.
TLS ?= yes
ifeq ($(TLS),no)
override CPPFLAGS += -DINHOOK_NO_TLS
endif
LDLIBS  ?=

SRC  = src/main.c src/serve.c src/opts.c src/http.c src/chunked.c src/sig.c \
       src/json.c src/payload.c src/env.c src/hook.c src/io.c src/log.c \
       src/response.c src/secret.c src/status.c src/scheme.c src/form.c \
       src/lock.c src/filter.c src/dedupe.c src/spool.c src/spoolcmd.c \
       src/deliver.c src/signcmd.c src/text.c src/listen.c src/user.c src/proxy.c \
       src/cidr.c src/conn.c src/tls.c src/pem.c src/curves.c
LIB  = $(filter-out src/main.c,$(SRC))
HDR  = $(wildcard src/*.h)

# BUILD holds the unit tests (and, for check-sanitize, its own inhook).
BUILD ?= tests/build

# Relative relocations packed (DT_RELR: 5 KB less of .rela.dyn), where the
# linker knows the option (binutils 2.38, glibc 2.36: Debian 12); not for
# musl's static PIE (make static sets LDHARDEN), whose start code reads
# DT_RELR only from musl 1.2.4 on.
# A test program with a relocated pointer must link and run: musl before
# 1.2.4 links it (the linker knows the option) and then crashes.
LDRELR  := $(shell mkdir -p $(BUILD) && echo 'static int x = 7; int *p = &x; \
    int main(void) { return *p - 7; }' | $(CC) -fPIE -pie \
    -Wl,-z,pack-relative-relocs -x c -o $(BUILD)/relr-test - 2>/dev/null && \
    $(BUILD)/relr-test 2>/dev/null && echo -Wl,-z,pack-relative-relocs; \
    rm -f $(BUILD)/relr-test)
BIN   ?= inhook

all: inhook

OBJ  = $(patsubst src/%.c,$(BUILD)/obj/%.o,$(SRC))

# (written when make reads this file, and only when the choice changed)
TLS_SEEN := $(shell mkdir -p $(BUILD) && { echo '$(TLS)' | \
    cmp -s - $(BUILD)/tls || echo '$(TLS)' > $(BUILD)/tls; })

$(BEARSSL_NOEH): $(BEARSSL_A)
	@mkdir -p $(dir $@)
	$(OBJCOPY) -R .eh_frame -R .rela.eh_frame $< $@

$(BIN): $(OBJ) $(BUILD)/tls $(BEARSSL_DEP)
	@mkdir -p $(dir $@)
	$(CC) $(ALLCFLAGS) $(LTO) $(LDHARDEN) $(LDFLAGS) -o $@ $(OBJ) $(BEARSSL) $(LDLIBS)

# Fully static, for FROM scratch containers (container/): musl (Debian's
# musl-tools) and BearSSL built for it from Debian's source, a static PIE
# (ASLR kept) with the same warning, size, RELRO and stack protector flags;
# not _FORTIFY_SOURCE, which musl does not implement. container/musl-static.sh
# does it, and installs what it needs as root; STATIC_LD=-static for no PIE.
STATIC_LD ?= -static-pie
static: inhook-static
inhook-static: $(SRC) $(HDR) Makefile container/musl-static.sh
	+@HARDEN='$(filter-out -D_FORTIFY_SOURCE%,$(HARDEN))' STATIC_LD='$(STATIC_LD)' \
	    MAKE='$(MAKE)' sh container/musl-static.sh $@

install: inhook
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(MANDIR)/man8
	install -m 0755 inhook $(DESTDIR)$(BINDIR)/inhook
	install -m 0644 inhook.8 $(DESTDIR)$(MANDIR)/man8/inhook.8

install-systemd:
	install -d $(DESTDIR)$(UNITDIR)
	install -m 0644 systemd/inhook.socket $(DESTDIR)$(UNITDIR)/inhook.socket
	install -m 0644 systemd/inhook@.service $(DESTDIR)$(UNITDIR)/inhook@.service
	install -m 0644 systemd/inhook-listen.socket $(DESTDIR)$(UNITDIR)/inhook-listen.socket
	install -m 0644 systemd/inhook-listen.service $(DESTDIR)$(UNITDIR)/inhook-listen.service
	install -m 0644 systemd/inhook-retry.service $(DESTDIR)$(UNITDIR)/inhook-retry.service
	install -m 0644 systemd/inhook-retry.timer $(DESTDIR)$(UNITDIR)/inhook-retry.timer

uninstall:
	rm -f $(DESTDIR)$(BINDIR)/inhook $(DESTDIR)$(MANDIR)/man8/inhook.8

# Installs what the tests need on Debian when run as root; quiet otherwise.
deps:
	@sh tests/deps.sh

# Unit tests: one binary per tests/unit/test_*.c, linked with every module
# but main.c, built with the same flags as inhook.
UNIT_SRC = $(wildcard tests/unit/test_*.c)
UNIT_BIN = $(patsubst tests/unit/%.c,$(BUILD)/%,$(UNIT_SRC))

LIB_OBJ  = $(patsubst src/%.c,$(BUILD)/obj/%.o,$(LIB))

# Modules are compiled without -iquote: src/limits.h must not stand in for
# the C library's <limits.h>. Tests find the headers with -iquote src.
$(BUILD)/obj/%.o: src/%.c $(HDR) Makefile $(BUILD)/tls
	@mkdir -p $(BUILD)/obj
	$(CC) $(CPPFLAGS) $(ALLCFLAGS) $(LTO) $(if $(filter $*,$(HOT)),$(HOTOPT)) -c -o $@ $<

$(BUILD)/test_%: tests/unit/test_%.c $(LIB_OBJ) tests/unit/check.h $(BEARSSL_DEP)
	$(CC) $(CPPFLAGS) $(ALLCFLAGS) -iquote src $(LDHARDEN) $(LDFLAGS) -o $@ $< $(LIB_OBJ) $(BEARSSL) $(LDLIBS)

unit: $(UNIT_BIN)

.SECONDARY: $(OBJ)

check: deps inhook unit
	@sh tests/run.sh

# The whole suite, unit to integration, with ASan and UBSan, built apart
# from the normal binary in tests/build/asan.
SAN = -O1 -g -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all
check-sanitize: deps
	@$(MAKE) --no-print-directory BUILD=tests/build/asan BIN=tests/build/asan/inhook \
	    CFLAGS='$(SAN)' HARDEN= LTO= LDFLAGS='-fsanitize=address,undefined' \
	    tests/build/asan/inhook unit
	@INHOOK=$(CURDIR)/tests/build/asan/inhook UNIT_DIR=tests/build/asan \
	    INHOOK_SANITIZE=1 ASAN_OPTIONS=detect_leaks=0 sh tests/run.sh

# 32-bit cross builds (arm-linux-gnueabihf, mipsel-linux-gnu) with Debian's
# cross compilers and BearSSL built from Debian's source package, run under
# qemu-user-static: the golden suite and the hook's hygiene. Slow, so apart
# from check; installs its packages itself (as root). .ci/run runs it.
check-cross:
	@sh tests/cross/cross.sh

# The shipped units under a real systemd (252) booted in systemd-nspawn:
# root only; builds tests/build/systemd-root with mmdebstrap the first time
# (about 2 minutes), about 70 s after that. .ci/run runs it.
check-systemd: deps inhook
	@sh tests/systemd/check.sh

# testssl.sh against a --listen TLS port on 127.0.0.1, EC and RSA: no
# finding rated HIGH or CRITICAL, TLS 1.2 only, the two ECDHE AEAD suites
# (the two runs side by side: 2.5 to 4 minutes on 2 busy cores, each
# bounded by TESTSSL_TIMEOUT, 330 s; not in check). .ci/run runs it. The
# output is shown as it comes and kept in $(BUILD)/check-tls.out; a suite
# that ends badly without a "not ok" line (testssl missing, a crash)
# counts as one failure.
check-tls: deps inhook
	@sh tests/deps.sh tls
	@t0=$$(date +%s); o=$(BUILD)/check-tls.out; \
	    { sh tests/tls/testssl.sh; echo $$? > $$o.status; } 2>&1 | tee $$o; \
	    st=$$(cat $$o.status); \
	    p=$$(grep -c '^ok ' $$o); f=$$(grep -c '^not ok ' $$o); \
	    if [ "$$st" -ne 0 ] && [ "$$f" -eq 0 ]; then \
	        echo "not ok - tests/tls/testssl.sh exited with $$st"; f=1; fi; \
	    echo "# check-tls: $$(($$(date +%s) - t0)) s"; \
	    echo; echo "$$p passed, $$f failed, 0 skipped"; [ "$$f" -eq 0 ]

demo: deps inhook
	@sh tests/demo.sh

# libFuzzer over each parser and over the whole request path: FUZZ_SECONDS
# per target (default 60), or FUZZ_RUNS executions; FUZZ_TARGETS to pick
# (http chunked sig scheme json request request_tls proxy); FUZZ_REQUEST_CONFIG=small|default
# holds the request target to one --max-body.
FUZZ_SECONDS ?= 60
fuzz:
	@sh tests/deps.sh fuzz
	@FUZZ_SECONDS=$(FUZZ_SECONDS) sh tests/fuzz/fuzz.sh $(FUZZ_TARGETS)

# The benchmark (not part of check): floor, inhook, webhook; see bench/run.sh.
bench: inhook
	@MAKE='$(MAKE)' sh bench/run.sh

clean:
	rm -f inhook inhook-static
	rm -rf tests/build bench/build bench/results

.PHONY: fuzz bench unit all static install install-systemd uninstall deps check check-sanitize check-cross check-systemd check-tls demo clean

# inhook: a per-connection responder for signed CI webhooks.
# Everything is overridable: make CC=clang CFLAGS=... PREFIX=/usr DESTDIR=...

VERSION  = 0.1.0
PREFIX  ?= /usr/local
BINDIR  ?= $(PREFIX)/bin
MANDIR  ?= $(PREFIX)/share/man
UNITDIR ?= /etc/systemd/system

CC      ?= cc
OPT     ?= -O2
WARN     = -Wall -Wextra -Wshadow -Wstrict-prototypes -Wmissing-prototypes \
           -Wcast-qual -Wpointer-arith -Wvla -Wformat=2
HARDEN   = -D_FORTIFY_SOURCE=3 -fstack-protector-strong -fPIE
CFLAGS  ?= $(OPT)
CPPFLAGS += -D_GNU_SOURCE -DVERSION='"$(VERSION)"'
ALLCFLAGS = -std=c11 $(WARN) $(HARDEN) $(CFLAGS)
LDHARDEN = -pie -Wl,-z,relro,-z,now
BEARSSL ?= -Wl,-Bstatic -lbearssl -Wl,-Bdynamic
LDLIBS  ?=

SRC  = src/main.c src/serve.c src/opts.c src/http.c src/chunked.c src/sig.c \
       src/json.c src/payload.c src/env.c src/hook.c src/io.c src/log.c \
       src/response.c src/secret.c src/status.c
LIB  = $(filter-out src/main.c,$(SRC))
HDR  = $(wildcard src/*.h)

all: inhook

inhook: $(SRC) $(HDR)
	$(CC) $(CPPFLAGS) $(ALLCFLAGS) $(LDHARDEN) $(LDFLAGS) -o $@ $(SRC) $(BEARSSL) $(LDLIBS)

# Fully static, for FROM scratch containers.
static: inhook-static
inhook-static: $(SRC) $(HDR)
	$(CC) $(CPPFLAGS) -std=c11 $(WARN) -Os -fstack-protector-strong $(CFLAGS) \
	    -static -o $@ $(SRC) -lbearssl

install: inhook
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(MANDIR)/man8
	install -m 0755 inhook $(DESTDIR)$(BINDIR)/inhook
	install -m 0644 inhook.8 $(DESTDIR)$(MANDIR)/man8/inhook.8

install-systemd:
	install -d $(DESTDIR)$(UNITDIR)
	install -m 0644 systemd/inhook.socket $(DESTDIR)$(UNITDIR)/inhook.socket
	install -m 0644 systemd/inhook@.service $(DESTDIR)$(UNITDIR)/inhook@.service

uninstall:
	rm -f $(DESTDIR)$(BINDIR)/inhook $(DESTDIR)$(MANDIR)/man8/inhook.8

# Installs what the tests need on Debian when run as root; quiet otherwise.
deps:
	@sh tests/deps.sh

check: deps inhook
	@sh tests/run.sh

check-sanitize: deps
	@$(MAKE) --no-print-directory clean
	@$(MAKE) --no-print-directory inhook \
	    CFLAGS='-O1 -g -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all' \
	    HARDEN='-fPIE' LDFLAGS='-fsanitize=address,undefined'
	@INHOOK_SANITIZE=1 sh tests/run.sh; st=$$?; $(MAKE) --no-print-directory clean; exit $$st

demo: deps inhook
	@sh tests/demo.sh

clean:
	rm -f inhook inhook-static
	rm -rf tests/build

.PHONY: all static install install-systemd uninstall deps check check-sanitize demo clean

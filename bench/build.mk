# bench/build.mk: the benchmark's programs, read together with the top
# Makefile so that they are built with exactly its variables:
#   make -f Makefile -f bench/build.mk bench-build
# The floor gets inhook's compile and link line (hardening, BearSSL static,
# libc dynamic); floor-static gets the line of the Makefile's inhook-static
# recipe (musl, after make static). throughput links the modules of inhook that it times (and what
# they use) with the flags of the unit tests.

BB = bench/build

BENCH_BIN = $(BB)/floor $(BB)/floor-static $(BB)/loadgen $(BB)/rusage $(BB)/spawn \
            $(BB)/mkbody $(BB)/throughput

bench-build: $(BENCH_BIN)

$(BB)/floor: bench/floor.c Makefile bench/build.mk
	@mkdir -p $(BB)
	$(CC) $(CPPFLAGS) $(ALLCFLAGS) $(LDHARDEN) $(LDFLAGS) -o $@ bench/floor.c $(BEARSSL) $(LDLIBS)

# as inhook-static in the Makefile (container/musl-static.sh): musl's gcc
# specs with -static-pie, BearSSL built for musl, both left in $(MUSL) by
# make static, and inhook's flags without _FORTIFY_SOURCE. Before make static
# has run (no $(MUSL)), glibc -static, as the Makefile did before.
MUSL = tests/build/musl
MUSL_BEARSSL_INC = $(firstword $(wildcard tests/build/cross/src/bearssl-*/inc))
$(BB)/floor-static: bench/floor.c Makefile bench/build.mk $(wildcard $(MUSL)/bearssl/libbearssl.a)
	@mkdir -p $(BB)
	@if [ -f $(MUSL)/musl-gcc.specs ] && [ -f $(MUSL)/bearssl/libbearssl.a ] && [ -n "$(MUSL_BEARSSL_INC)" ]; then \
	    gcc -specs $(MUSL)/musl-gcc.specs $(CPPFLAGS) -I$(MUSL_BEARSSL_INC) -std=c11 $(WARN) \
	    $(filter-out -D_FORTIFY_SOURCE%,$(HARDEN)) $(SIZE) $(CFLAGS) -static-pie $(LDRELRO) $(LDFLAGS) \
	    -o $@ bench/floor.c $(MUSL)/bearssl/libbearssl.a; \
	else \
	    $(CC) $(CPPFLAGS) -std=c11 $(WARN) -Os -fstack-protector-strong $(CFLAGS) \
	    -static -o $@ bench/floor.c -lbearssl; \
	fi

TPUT_SRC = src/sig.c src/json.c src/payload.c src/env.c src/status.c

$(BB)/throughput: bench/throughput.c $(TPUT_SRC) $(HDR) Makefile bench/build.mk
	@mkdir -p $(BB)
	$(CC) $(CPPFLAGS) $(ALLCFLAGS) $(HOTOPT) -Isrc $(LDHARDEN) $(LDFLAGS) -o $@ bench/throughput.c $(TPUT_SRC) $(BEARSSL) $(LDLIBS)

$(BB)/loadgen: bench/loadgen.c Makefile bench/build.mk
	@mkdir -p $(BB)
	$(CC) $(CPPFLAGS) $(ALLCFLAGS) $(LDHARDEN) $(LDFLAGS) -pthread -o $@ bench/loadgen.c $(LDLIBS)

$(BB)/rusage $(BB)/mkbody $(BB)/spawn: $(BB)/%: bench/%.c Makefile bench/build.mk
	@mkdir -p $(BB)
	$(CC) $(CPPFLAGS) $(ALLCFLAGS) $(LDHARDEN) $(LDFLAGS) -o $@ $< $(LDLIBS)

.PHONY: bench-build

# inhook's modules alone, for the size of each (bench/run.sh lists them)
BENCH_OBJ = $(patsubst src/%.c,$(BB)/obj/%.o,$(SRC))
bench-objs: $(BENCH_OBJ)
$(BB)/obj/%.o: src/%.c $(HDR) Makefile bench/build.mk
	@mkdir -p $(BB)/obj
	$(CC) $(CPPFLAGS) $(ALLCFLAGS) -c -o $@ $<

.PHONY: bench-objs

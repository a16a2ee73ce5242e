#!/bin/sh
# tests/fuzz/run.sh: replays every kept fuzz input in make check. Builds each
# target of tests/fuzz/ with $CC (no libFuzzer needed) and replay.c into
# ${UNIT_DIR:-tests/build}/fuzz, with ASan and UBSan when INHOOK_SANITIZE is
# set (make check-sanitize), and runs every file of tests/fuzz/corpus/TARGET
# through it once: deterministic, a second or two. A target aborts on a
# broken invariant, so each corpus file is a regression test. Also shows
# that the replay can fail: a target that aborts on one input must make it
# exit non-zero.
top=$(cd "$(dirname "$0")/../.." && pwd)
cd "$top" || exit 1
CC=${CC:-cc}
out=${UNIT_DIR:-tests/build}/fuzz
targets="http chunked sig scheme json request request_tls proxy"
lib="src/http.c src/chunked.c src/sig.c src/json.c src/payload.c src/env.c \
 src/status.c src/scheme.c src/proxy.c"
# fuzz_request: every module but main.c, with the calls on fds 0 and 1
# (and the clock and mappings) routed to the target's own functions
reqlib=$(ls src/*.c | grep -v '^src/main\.c$')
wrap="-Wl,--wrap=read,--wrap=write,--wrap=poll,--wrap=getpeername"
wrap="$wrap,--wrap=clock_gettime,--wrap=memfd_create,--wrap=mmap,--wrap=munmap"
flags="-std=c11 -D_GNU_SOURCE -O1 -g -Wall -Wextra -Wshadow \
 -Wstrict-prototypes -Wmissing-prototypes -Wcast-qual -Wpointer-arith -Wvla \
 -Wformat=2"
if [ -n "$INHOOK_SANITIZE" ]; then
	flags="$flags -fsanitize=address,undefined -fno-sanitize-recover=all \
 -fno-omit-frame-pointer"
fi
mkdir -p "$out/obj" || exit 1
warn=$out/warnings
: > "$warn"
fail=0

# the modules once, then one binary per target
objs= reqobjs=
for s in $reqlib; do
	o=$out/obj/$(basename "$s" .c).o
	# shellcheck disable=SC2086
	$CC $flags -c -o "$o" "$s" 2>>"$warn" || fail=1
	reqobjs="$reqobjs $o"
	case " $(echo $lib) " in *" $s "*) objs="$objs $o" ;; esac
done
# shellcheck disable=SC2086
$CC $flags -c -o "$out/obj/replay.o" tests/fuzz/replay.c 2>>"$warn" || fail=1
# src/ holds a limits.h: -iquote keeps it from standing in for <limits.h>
# fuzz_request_tls: fuzz_request.c with -DFUZZ_TLS, the same corpus
for t in $targets; do
	o=$objs w= d= src=tests/fuzz/fuzz_$t.c
	[ "$t" = request ] && o=$reqobjs w=$wrap
	[ "$t" = request_tls ] && o=$reqobjs w=$wrap,--wrap=shutdown,--wrap=close \
	    d=-DFUZZ_TLS src=tests/fuzz/fuzz_request.c
	# shellcheck disable=SC2086
	$CC $flags $d -iquote src -o "$out/fuzz_$t" "$src" \
	    "$out/obj/replay.o" $o $w -Wl,-Bstatic -lbearssl -Wl,-Bdynamic \
	    2>>"$warn" || fail=1
done
if [ "$fail" -ne 0 ]; then
	echo "not ok - fuzz: targets build"
	sed 's/^/#   /' "$warn"
	exit 1
fi
if [ -s "$warn" ]; then
	echo "not ok - fuzz: targets build without warnings"
	sed 's/^/#   /' "$warn"
else
	echo "ok - fuzz: targets build without warnings"
fi

# the replay can fail: a target that aborts on "boom"
cat > "$out/boom.c" <<'EOF'
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size == 4 && memcmp(data, "boom", 4) == 0)
		abort();
	return 0;
}
EOF
mkdir -p "$out/boom.d"
printf 'fine' > "$out/boom.d/a"
printf 'boom' > "$out/boom.d/b"
# shellcheck disable=SC2086
if $CC $flags -o "$out/boom" "$out/boom.c" "$out/obj/replay.o" 2>/dev/null; then
	"$out/boom" "$out/boom.d/a" >/dev/null 2>&1; a=$?
	"$out/boom" "$out/boom.d" >/dev/null 2>&1; b=$?
	if [ "$a" -eq 0 ] && [ "$b" -ne 0 ]; then
		echo "ok - fuzz: replay fails on an input that breaks its target"
	else
		echo "not ok - fuzz: replay fails on an input that breaks its target (exits $a, $b)"
	fi
else
	echo "not ok - fuzz: replay fails on an input that breaks its target (no build)"
fi

for t in $targets; do
	c=tests/fuzz/corpus/${t%_tls}
	n=$(find "$c" -type f | wc -l | tr -d ' ')
	log=$out/replay_$t.log
	if "$out/fuzz_$t" "$c" >"$log" 2>&1 &&
	    grep -q "^$n inputs\$" "$log" && [ "$n" -gt 0 ]; then
		echo "ok - fuzz_$t replays its $n corpus inputs"
	else
		echo "not ok - fuzz_$t replays its $n corpus inputs"
		tail -n 20 "$log" | sed 's/^/#   /'
	fi
done

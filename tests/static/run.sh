#!/bin/sh
# tests/static/run.sh: static checks of src/ and of the default build.
#   - cppcheck (warning, performance, portability) clean, with the C
#     library's rules, then again with its POSIX rules (descriptor leaks,
#     argument ranges of POSIX calls); every suppression is listed and
#     justified below, none is global to a check that matters.
#   - the Makefile's warning set, as errors, with gcc and with clang (when
#     installed): each compiler warns about different things.
#   - the hardening of ./inhook as built by make: PIE, full RELRO
#     (-z relro -z now), stack protector, _FORTIFY_SOURCE checks.
#   - make static (./inhook-static, musl, see container/musl-static.sh):
#     warning-free, static, musl, a static PIE with full RELRO and the
#     stack protector (musl has no _FORTIFY_SOURCE), and the golden suite
#     passes with it.
# Skips what is not installed, and everything under make check-sanitize:
# nothing here depends on the sanitizers, and make check has done it.
top=$(cd "$(dirname "$0")/../.." && pwd)
cd "$top" || exit 1
if [ -n "$INHOOK_SANITIZE" ]; then
	echo "ok - static: cppcheck, warnings, hardening # skip done by make check"
	exit 0
fi
T=$(mktemp -d /tmp/inhook-static.XXXXXX)
trap 'rm -rf "$T"' EXIT
INHOOK=${INHOOK:-$top/inhook}

# the sources make builds, from the Makefile itself
src=$(printf 'print-src:\n\t@echo $(SRC)\n' | make -s -f Makefile -f - print-src)
if [ -z "$src" ]; then
	echo "not ok - static: list the sources from the Makefile"
	exit 1
fi

if command -v cppcheck >/dev/null; then
	# shellcheck disable=SC2086
	if cppcheck --enable=warning,performance,portability --error-exitcode=1 \
	    --inline-suppr -q -D_GNU_SOURCE --std=c11 -I src $src \
	    > "$T/cppcheck" 2>&1; then
		echo "ok - static: cppcheck clean"
	else
		echo "not ok - static: cppcheck clean"
		sed 's/^/#   /' "$T/cppcheck"
	fi
	# With the POSIX rules, two findings are wrong for inhook:
	#   readdirCalled: readdir_r is deprecated (glibc, POSIX 2024) and
	#     inhook has one thread; readdir is the right call.
	#   invalidFunctionArg: posix.cfg wants mmap's fd >= 0, but
	#     MAP_ANONYMOUS requires -1 (mmap(2)). The C library's argument
	#     ranges are still checked by the pass above.
	# shellcheck disable=SC2086
	if cppcheck --enable=warning,performance,portability --error-exitcode=1 \
	    --inline-suppr -q -D_GNU_SOURCE --std=c11 --library=posix \
	    --suppress=readdirCalled --suppress=invalidFunctionArg -I src $src \
	    > "$T/cppcheck-posix" 2>&1; then
		echo "ok - static: cppcheck clean with its POSIX rules"
	else
		echo "not ok - static: cppcheck clean with its POSIX rules"
		sed 's/^/#   /' "$T/cppcheck-posix"
	fi
else
	echo "ok - static: cppcheck clean # skip cppcheck not installed"
fi

# the Makefile's WARN and HARDEN, as errors
warn="-std=c11 -D_GNU_SOURCE -DVERSION=\"static\" -O2 -Werror -Wall -Wextra \
 -Wshadow -Wstrict-prototypes -Wmissing-prototypes -Wcast-qual -Wpointer-arith \
 -Wvla -Wformat=2 -D_FORTIFY_SOURCE=3 -fstack-protector-strong -fPIE"
for cc in gcc clang; do
	if ! command -v "$cc" >/dev/null; then
		echo "ok - static: $cc warning set clean # skip $cc not installed"
		continue
	fi
	: > "$T/$cc"
	for f in $src; do
		# shellcheck disable=SC2086
		$cc $warn -c -o "$T/obj.o" "$f" >> "$T/$cc" 2>&1
	done
	if [ -s "$T/$cc" ]; then
		echo "not ok - static: $cc warning set clean"
		sed 's/^/#   /' "$T/$cc" | head -n 40
	else
		echo "ok - static: $cc warning set clean"
	fi
done

# hardened NAME BINARY [musl]: PIE, full RELRO, stack protector and fortify in
# inhook's own code. The static BearSSL brings __stack_chk_fail and
# __mem*_chk of its own: look at inhook's code, a function with a local
# buffer (canary) and calls that only inhook makes (fortified snprintf,
# read), in the dynamic symbols, or for a static binary in its symbol table.
hardened() {
	readelf -h "$2" > "$T/h" 2>&1
	readelf -l "$2" > "$T/l" 2>&1
	readelf -d "$2" > "$T/d" 2>&1
	{ readelf --dyn-syms -W "$2"; nm "$2"; } > "$T/s" 2>&1
	miss=
	grep -q 'Type:[[:space:]]*DYN' "$T/h" || miss="$miss PIE"
	grep -q 'GNU_RELRO' "$T/l" || miss="$miss RELRO"
	grep -q 'BIND_NOW\|FLAGS.*NOW' "$T/d" || miss="$miss BIND_NOW"
	objdump -d --disassemble=log_line "$2" 2>/dev/null |
	    grep -q '__stack_chk_fail' || miss="$miss stack-protector"
	if [ "${3-}" = musl ]; then
		# musl has no checked functions: nothing to look for
		f="no fortify: musl has none"
	else
		grep -q '__snprintf_chk\|__read_chk' "$T/s" || miss="$miss FORTIFY_SOURCE"
		f=fortify
	fi
	if [ -z "$miss" ]; then
		echo "ok - static: $1 hardened (PIE, RELRO, BIND_NOW, stack protector, $f)"
	else
		echo "not ok - static: $1 hardened (missing:$miss)"
	fi
}

if ! command -v readelf >/dev/null || ! command -v objdump >/dev/null ||
    [ ! -x "$INHOOK" ]; then
	echo "ok - static: ./inhook hardened # skip no binutils or no ./inhook"
	exit 0
fi
hardened ./inhook "$INHOOK"

# make static: what containers run gets the same flags. Rebuilt (-B) so
# that every warning shows; container/musl-static.sh installs musl-tools
# and fetches BearSSL's source when root, and fails otherwise.
if ! command -v musl-gcc >/dev/null && [ "$(id -u)" != 0 ]; then
	echo "ok - static: make static # skip musl-gcc not installed (musl-tools), not root"
	exit 0
fi
S="$top/inhook-static"
# (the make check that runs this, and its jobserver, are not passed on)
if env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL make -s -B -C "$top" static \
    >"$T/static.log" 2>&1 && [ -x "$S" ]; then
	if grep -q 'warning:' "$T/static.log"; then
		echo "not ok - static: make static builds without warnings"
		grep -v '^musl-static: ' "$T/static.log" | sed 's/^/#   /' | head -n 20
	else
		echo "ok - static: make static builds without warnings"
	fi
	if readelf -l "$S" | grep -q INTERP || readelf -d "$S" | grep -q NEEDED; then
		echo "not ok - static: make static links statically"
	else
		echo "ok - static: make static links statically"
	fi
	# musl's own start (__init_libc), and rcrt1.o's self-relocation
	# (__dls2): a static PIE, not a PIE that wants ld-musl.so
	nm "$S" > "$T/nm" 2>&1
	if grep -q ' __init_libc$' "$T/nm" && grep -q ' __dls2$' "$T/nm"; then
		echo "ok - static: make static is musl, a static PIE (rcrt1.o)"
	else
		echo "not ok - static: make static is musl, a static PIE (rcrt1.o)"
	fi
	hardened "make static" "$S" musl
	# the golden suite, with the musl binary
	if INHOOK="$S" timeout 120 sh "$top/tests/golden/run.sh" > "$T/golden" 2>&1 &&
	    ! grep -q '^not ok' "$T/golden" && grep -q '^ok' "$T/golden"; then
		echo "ok - static: make static passes the golden suite ($(grep -c '^ok' "$T/golden") checks)"
	else
		echo "not ok - static: make static passes the golden suite"
		grep -v '^ok' "$T/golden" | sed 's/^/#   /' | head -n 20
	fi
else
	echo "not ok - static: make static builds"
	sed 's/^/#   /' "$T/static.log" | tail -n 20
fi

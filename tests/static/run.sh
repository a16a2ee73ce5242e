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

# hardened NAME BINARY: PIE, full RELRO, stack protector and fortify in
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
	grep -q '__snprintf_chk\|__read_chk' "$T/s" || miss="$miss FORTIFY_SOURCE"
	if [ -z "$miss" ]; then
		echo "ok - static: $1 hardened (PIE, RELRO, BIND_NOW, stack protector, fortify)"
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

# make static: what containers and routers run gets the same flags. Built
# into the temp dir with the Makefile's own rule (glibc here; the musl
# build of the container is another rule's).
if make -s -C "$top" inhook-static BUILD="$T/b" >"$T/static.log" 2>&1 &&
    mv "$top/inhook-static" "$T/inhook-static"; then
	if grep -q 'warning:' "$T/static.log"; then
		echo "not ok - static: make static builds without warnings"
		sed 's/^/#   /' "$T/static.log" | head -n 20
	else
		echo "ok - static: make static builds without warnings"
	fi
	if readelf -l "$T/inhook-static" | grep -q INTERP; then
		echo "not ok - static: make static links statically"
	else
		echo "ok - static: make static links statically"
	fi
	hardened "make static" "$T/inhook-static"
else
	echo "not ok - static: make static builds"
	sed 's/^/#   /' "$T/static.log" | head -n 20
fi

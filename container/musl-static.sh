#!/bin/sh
# container/musl-static.sh [OUT]: what `make static` runs. Builds OUT
# (default ./inhook-static): inhook linked statically against musl, as a
# static PIE, for FROM scratch containers (container/Containerfile).
#
#   - musl: Debian's musl-tools. Its musl-gcc is `gcc -specs
#     musl-gcc.specs`, and that specs file (Debian 12, musl 1.2.3) knows
#     -static but not -static-pie: given -static-pie it links a dynamic PIE
#     that needs /lib/ld-musl-*.so.1. musl itself does static PIE (rcrt1.o,
#     which relocates the binary at start), so this script writes a copy of
#     Debian's specs file with -static-pie added (rcrt1.o, -static
#     --no-dynamic-linker -z text, as gcc does for glibc) into
#     tests/build/musl and compiles with `gcc -specs` that copy. The result
#     is checked: no interpreter, no dynamic library, position independent.
#   - BearSSL: from Debian's source package (apt-get source bearssl, the
#     cache tests/cross/cross.sh uses: tests/build/cross/src), built with
#     that compiler into tests/build/musl/bearssl, kept while its stamp
#     (source, compiler, flags) is unchanged. Debian's own libbearssl.a
#     cannot be used: it is built with _FORTIFY_SOURCE and calls glibc's
#     __memcpy_chk, which musl does not have.
#   - jsmn: jsmn.h alone (libjsmn-dev) copied into tests/build/musl/include;
#     the build host's /usr/include is not searched.
#   - inhook: the project's Makefile (its warning, size, RELRO/BIND_NOW and
#     stack protector flags) with BUILD=tests/build/musl, recompiled every
#     time so that every warning shows. HARDEN and STATIC_LD come from the
#     Makefile rule: HARDEN without _FORTIFY_SOURCE, which musl ignores
#     (it has no checked functions), so the flag would only pretend.
#
# As root on Debian, installs what it needs (musl-tools, dpkg-dev, ...)
# and, when apt has no deb-src entry, adds one derived from the machine's
# Debian entries (/etc/apt/sources.list.d/inhook-cross-src.sources, the
# name tests/cross/cross.sh uses). Exits non-zero on any failure.
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top" || exit 1
out=${1:-inhook-static}
case "$out" in /*) ;; *) out="$top/$out" ;; esac
M="$top/tests/build/musl"
X="$top/tests/build/cross"
JOBS=$(nproc 2>/dev/null || echo 2)
STATIC_LD=${STATIC_LD:--static-pie}
HARDEN=${HARDEN--fstack-protector-strong -fPIE}
# BearSSL's own flags (conf/Unix.mk: -W -Wall -Os -fPIC), sections for
# inhook's --gc-sections, and the stack protector inhook's code has too.
BEARSSL_CFLAGS="-W -Wall -Os -fPIC -ffunction-sections -fdata-sections -fstack-protector-strong"

say() { echo "musl-static: $*"; }
die() { echo "musl-static: $*" >&2; exit 1; }
# tail_of FILE: its last lines, indented, on stderr
tail_of() { tail -n 20 "$1" | sed 's/^/    /' >&2; }

mkdir -p "$M" || exit 1
# one build at a time (make check and a hand-typed make static)
exec 9> "$M/lock"
flock -w 900 9 || die "another build holds $M/lock"

# --- packages
need=""
for p in make gcc musl-tools dpkg-dev xz-utils libjsmn-dev binutils; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" ||
	    need="$need $p"
done
if [ -n "$need" ]; then
	[ "$(id -u)" = 0 ] && command -v apt-get >/dev/null ||
	    die "missing Debian packages:$need (as root: apt-get install$need)"
	say "installing$need"
	# shellcheck disable=SC2086 # a word list
	{ DEBIAN_FRONTEND=noninteractive timeout 300 apt-get update -qq &&
	  DEBIAN_FRONTEND=noninteractive timeout 600 apt-get install -y -qq \
	    -o DPkg::Lock::Timeout=300 --no-install-recommends $need; } \
	    > "$M/apt.log" 2>&1 || { tail_of "$M/apt.log"; die "apt-get install$need failed"; }
fi

# --- the compiler: Debian's musl-gcc specs, with -static-pie
v=$(musl-gcc -v -E -x c /dev/null -o /dev/null 2>&1)
dspecs=$(echo "$v" | sed -n 's/^Reading specs from \(.*musl-gcc\.specs\)$/\1/p' | head -n 1)
realcc=$(echo "$v" | sed -n 's/^COLLECT_GCC=//p' | head -n 1)
[ -f "$dspecs" ] && [ -n "$realcc" ] || die "cannot find musl-gcc's specs file and compiler"
specs="$M/musl-gcc.specs"
sed -e 's|^%{!shared: \([^ ]*\)/Scrt1\.o}|%{static-pie:\1/rcrt1.o;!shared:\1/Scrt1.o}|' \
    -e 's|^-dynamic-linker \([^ ]*\) \(.*\)|%{!static-pie:-dynamic-linker \1} \2 %{static-pie:-static --no-dynamic-linker -z text}|' \
    "$dspecs" > "$specs.new" || exit 1
grep -q 'static-pie:.*rcrt1\.o' "$specs.new" && grep -q 'no-dynamic-linker' "$specs.new" ||
    die "$dspecs is not as expected (Debian 12's musl-tools): cannot add -static-pie"
mv "$specs.new" "$specs"
MCC="$realcc -specs $specs"
ccv="$($realcc -dumpfullversion) musl $(dpkg-query -W -f='${Version}' musl-dev 2>/dev/null)"

# --- BearSSL's Debian source, shared with tests/cross/cross.sh
has_src() { apt-cache showsrc bearssl 2>/dev/null | grep -q '^Package: bearssl$'; }
add_deb_src() {
	d=/etc/apt/sources.list.d
	[ "$(id -u)" = 0 ] || return 1
	# every enabled deb stanza of Debian 12's debian.sources, as deb-src
	[ -f "$d/debian.sources" ] && awk '
	function flush() {
		if (deb && on && n) { print "Types: deb-src"; for (i = 1; i <= n; i++) print l[i]; print "" }
		n = 0; deb = 0; on = 1
	}
	BEGIN { on = 1; print "# Added by inhook (make static, make check-cross): debian.sources as deb-src."; print "" }
	/^[ \t]*$/ { flush(); next }
	/^#/ { next }
	/^Types:/ { for (i = 2; i <= NF; i++) if ($i == "deb") deb = 1; next }
	/^Enabled:[ \t]*[Nn][Oo]/ { on = 0 }
	{ l[++n] = $0 }
	END { flush() }' "$d/debian.sources" > "$M/src.sources" &&
	    grep -q '^Types: deb-src' "$M/src.sources" &&
	    cp "$M/src.sources" "$d/inhook-cross-src.sources"
	# a classic sources.list
	[ -f /etc/apt/sources.list ] &&
	    sed -n 's/^[[:space:]]*deb[[:space:]]/deb-src /p' /etc/apt/sources.list > "$M/src.list" &&
	    [ -s "$M/src.list" ] && cp "$M/src.list" "$d/inhook-cross-src.list"
	DEBIAN_FRONTEND=noninteractive timeout 300 apt-get update -qq > "$M/update.log" 2>&1
	has_src
}
bsrc() {
	for _d in "$X"/src/bearssl-*/; do
		[ -f "$_d/inc/bearssl.h" ] && [ -f "$_d/mk/Rules.mk" ] && { echo "${_d%/}"; return; }
	done
}
BSRC=$(bsrc)
if [ -z "$BSRC" ]; then
	has_src || add_deb_src || die "no deb-src entry for bearssl (apt-get source bearssl)"
	rm -rf "$X/src.new" && mkdir -p "$X/src.new" || exit 1
	if (cd "$X/src.new" && timeout 300 apt-get source -qq bearssl) > "$M/source.log" 2>&1; then
		rm -rf "$X/src" && mv "$X/src.new" "$X/src"
	else
		tail_of "$M/source.log"; die "apt-get source bearssl failed"
	fi
	BSRC=$(bsrc)
	[ -n "$BSRC" ] || die "apt-get source bearssl: no source tree in $X/src"
	say "BearSSL source: $(basename "$BSRC") (apt-get source bearssl)"
fi

# --- libbearssl.a for musl, cached under its stamp
lib="$M/bearssl/libbearssl.a"
stamp="$(basename "$BSRC") $ccv $BEARSSL_CFLAGS"
if [ ! -f "$lib" ] || [ "$(cat "$lib.stamp" 2>/dev/null)" != "$stamp" ]; then
	rm -rf "$M/bearssl"
	say "building libbearssl.a ($(basename "$BSRC")) for musl"
	env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL timeout 600 make -C "$BSRC" -j"$JOBS" \
	    CONF=Unix BUILD="$M/bearssl" CC="$MCC" AR=ar CFLAGS="$BEARSSL_CFLAGS" \
	    DLL=no TOOLS=no TESTS=no lib > "$M/bearssl.log" 2>&1 && [ -f "$lib" ] ||
	    { tail_of "$M/bearssl.log"; die "BearSSL build failed (log: $M/bearssl.log)"; }
	echo "$stamp" > "$lib.stamp"
	grep -q 'warning:' "$M/bearssl.log" &&
	    say "note: BearSSL's own build printed compiler warnings, see $M/bearssl.log"
fi

# --- jsmn.h alone
mkdir -p "$M/include" && cp /usr/include/jsmn.h "$M/include/jsmn.h" ||
    die "no /usr/include/jsmn.h (libjsmn-dev)"

# --- inhook, with the Makefile's rules, always recompiled. Variables
# given to the make that runs this (CFLAGS, OPT, ...) pass on; these win.
rm -rf "$M/obj" "$out"
mflags=
case " ${MAKEFLAGS-} " in *" -j"*|*jobserver*) ;; *) mflags="-j$JOBS" ;; esac
# shellcheck disable=SC2086
env CPPFLAGS="-I$M/include -I$BSRC/inc" ${MAKE:-make} -C "$top" --no-print-directory \
    $mflags CC="$MCC" BEARSSL="$lib" BUILD="$M" BIN="$out" HARDEN="$HARDEN" \
    LDHARDEN="$STATIC_LD \$(LDRELRO)" "$out" || die "inhook build failed"

# --- what was built
h=$(readelf -hld "$out" 2>&1)
echo "$h" | grep -q 'Requesting program interpreter\|(NEEDED)' &&
    die "$out is not static: $(echo "$h" | grep 'interpreter\|NEEDED' | tr -s ' \n' ' ')"
if [ "$STATIC_LD" = -static-pie ]; then
	echo "$h" | grep -q 'Type:[[:space:]]*DYN' || die "$out is not a static PIE"
fi
"$out" --version > /dev/null 2>&1 || die "$out does not run"
say "$out: musl, $STATIC_LD, $(wc -c < "$out" | tr -d ' ') bytes"

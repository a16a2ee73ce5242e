#!/bin/sh
# tests/cross/cross.sh: make check-cross. Builds inhook for 32-bit targets
# with Debian's cross compilers and runs it under qemu-user-static.
# Not named run.sh on purpose: tests/run.sh (make check) runs every
# tests/*/run.sh, and this suite is slow (minutes on a fresh machine).
#
# For each ARCH in CROSS_ARCHES (default: arm-linux-gnueabihf
# mipsel-linux-gnu mips-linux-gnu; big-endian mips is most MIPS routers):
#   1. libbearssl.a from Debian's own source package (apt-get source
#      bearssl, into tests/build/cross/src), built with BearSSL's own
#      makefiles (CONF=Unix, CC/AR/BUILD overridden) into
#      tests/build/cross/ARCH/bearssl; kept while its stamp (source
#      version, compiler version, flags) is unchanged.
#   2. inhook with the project's Makefile: CC=ARCH-gcc, BEARSSL=that .a,
#      BUILD=tests/build/cross/ARCH, BIN=tests/build/cross/ARCH/inhook, the
#      include directories of BearSSL and jsmn (jsmn.h copied from
#      libjsmn-dev into tests/build/cross/include, not all of /usr/include)
#      in CPPFLAGS given in the environment: the Makefile appends its own
#      CPPFLAGS to that, where a command-line CPPFLAGS would replace them.
#      Always recompiled, and the build must print no warning at all.
#      Linked dynamically, exactly as the default build (PIE, RELRO, BIND_NOW,
#      BearSSL static, the C library shared); qemu finds the target's
#      loader and libc with -L /usr/ARCH (Debian's libc6-*-cross).
#   3. under qemu (called explicitly through a wrapper script made in the
#      temp dir; binfmt_misc is not needed): the golden suite
#      (tests/golden/run.sh with INHOOK=the wrapper), and the hook's
#      hygiene with inhook started in a hostile state by launch.c (signals
#      ignored and blocked, extra descriptors, a stray variable): the hook
#      must get default dispositions, an empty mask, only 0-2, and only the
#      environment inhook builds. The hooks are host programs: qemu-user
#      hands execve of a file it does not run itself to the kernel, so they
#      run natively (checked). Control runs of launch.c (host and ARCH
#      builds) show what qemu itself passes through execve: what the guest
#      sets, and the inherited mask, descriptors, environment and ignored
#      job-control signals, but not inherited ignored fatal signals (HUP,
#      USR1: qemu installs its own handlers), so for those the hygiene
#      checks show only that inhook adds nothing. On MIPS (other signal
#      numbers) one check is skipped, see arch_info. Everything runs from
#      launch.c's clean start, as GNU make leaves signals 32 and 33 ignored.
#   4. the listener under qemu: inhook --listen 127.0.0.1:PORT (a free
#      port), the signed JobServ sample delivered with curl (200, the
#      hook's environment, stdin and descriptors), a bad signature on a
#      second connection (403, the hook not run), then SIGTERM: exit 0
#      and the log's listening, delivery and stopped lines.
# Installs what it needs with apt-get when run as root on Debian 12 and,
# when the machine has no deb-src entry, adds one derived from its own
# Debian entries (/etc/apt/sources.list.d/inhook-cross-src.sources or
# .list) and runs apt-get update.
# Prints "ok - NAME" / "not ok - NAME" ("ok - NAME # skip WHY"), per ARCH
# a "# ARCH: N passed, N failed, N skipped" line, and last "N passed, N
# failed"; exits 1 on any failure. About 2 minutes on a machine with the
# packages, plus their installation; about 20 s once BearSSL is cached.
# shellcheck source=tests/lib.sh
. "$(dirname "$0")/../lib.sh"
cd "$TOP" || exit 1
X="$TOP/tests/build/cross"
G="$TOP/tests/golden"
ARCHES=${CROSS_ARCHES:-"arm-linux-gnueabihf mipsel-linux-gnu mips-linux-gnu"}
HOST_CC=${HOST_CC:-cc}
JOBS=$(nproc 2>/dev/null || echo 2)
# The cross build is defined here, not by the caller's environment or by
# the make that started this script (whose jobserver is not passed on).
unset MAKEFLAGS MFLAGS MAKELEVEL CFLAGS CPPFLAGS LDFLAGS LDLIBS OPT HOTOPT
# BearSSL's own flags (conf/Unix.mk: -W -Wall -Os -fPIC) plus sections,
# so that inhook's --gc-sections can drop what it does not call.
BEARSSL_CFLAGS="-W -Wall -Os -fPIC -ffunction-sections -fdata-sections"

now() { date +%s; }
# indent FILE [N]: the first N (40) lines of FILE as comments
indent() { head -n "${2:-40}" "$1" | sed 's/^/#   /'; }

# arch_info ARCH: sets QEMU, SYSROOT, MACHINE (readelf's), DEBARCH, and
# SAMESIGS=1 when ARCH numbers its signals as the host (x86, arm) does.
# MIPS does not (TSTP 24, TTOU 27, WINCH 20): qemu-user hands a guest the
# host's own /proc/self/status, so inhook reads the host's SigIgn bits as
# MIPS signal numbers and resets the wrong ones. Under qemu-mipsel the
# reset of inherited ignored signals cannot be judged (skipped); SIGPIPE,
# 13 everywhere, and the mask still can.
arch_info() {
	case "$1" in
	arm-linux-gnueabihf)
		QEMU=qemu-arm-static; MACHINE=ARM; DEBARCH=armhf; SAMESIGS=1 ;;
	mipsel-linux-gnu)
		QEMU=qemu-mipsel-static; MACHINE="MIPS R3000"; DEBARCH=mipsel; SAMESIGS=0 ;;
	mips-linux-gnu)
		# big-endian, as most MIPS routers (OpenWrt's ath79)
		QEMU=qemu-mips-static; MACHINE="MIPS R3000"; DEBARCH=mips; SAMESIGS=0 ;;
	*) return 1 ;;
	esac
	SYSROOT=/usr/$1
}

deps() {
	pkgs="make gcc libc6-dev python3 dpkg-dev xz-utils patch libjsmn-dev qemu-user-static curl"
	for a in $ARCHES; do
		arch_info "$a" || continue
		pkgs="$pkgs gcc-$a libc6-dev-$DEBARCH-cross"
	done
	missing=
	for p in $pkgs; do
		dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" ||
		    missing="$missing $p"
	done
	if [ -z "$missing" ]; then
		ok "cross: packages installed"
		return 0
	fi
	if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null; then
		nok "cross: packages installed (missing:$missing; run as root on Debian)"
		return 1
	fi
	echo "# installing:$missing"
	# shellcheck disable=SC2086 # a word list
	if DEBIAN_FRONTEND=noninteractive timeout 300 apt-get update -qq > "$T/apt.log" 2>&1 &&
	    DEBIAN_FRONTEND=noninteractive timeout 600 apt-get install -y -qq \
	    --no-install-recommends $missing >> "$T/apt.log" 2>&1; then
		ok "cross: packages installed (apt-get install$missing)"
	else
		nok "cross: packages installed (apt-get install$missing failed)"
		indent "$T/apt.log"
		return 1
	fi
}

has_bearssl_src() { apt-cache showsrc bearssl 2>/dev/null | grep -q '^Package: bearssl$'; }

# A deb-src entry for every enabled deb entry of Debian's own files (the
# deb822 debian.sources of Debian 12, or a classic sources.list): same
# URIs, suites, components and key, so no host name is written here.
add_deb_src() {
	d=/etc/apt/sources.list.d
	[ "$(id -u)" = 0 ] || { echo "# not root: cannot add a deb-src entry"; return 1; }
	if [ -f "$d/debian.sources" ]; then
		awk '
		function flush() {
			if (isdeb && enabled && n) {
				print "Types: deb-src"
				for (i = 1; i <= n; i++) print l[i]
				print ""
			}
			n = 0; isdeb = 0; enabled = 1
		}
		BEGIN { enabled = 1
			print "# Added by inhook tests/cross/cross.sh (make check-cross):"
			print "# the deb entries of debian.sources, as deb-src."
			print "" }
		/^[ \t]*$/ { flush(); next }
		/^#/ { next }
		/^Types:/ { for (i = 2; i <= NF; i++) if ($i == "deb") isdeb = 1; next }
		/^Enabled:[ \t]*[Nn][Oo]/ { enabled = 0 }
		{ l[++n] = $0 }
		END { flush() }' "$d/debian.sources" > "$T/src.sources"
		if grep -q '^Types: deb-src' "$T/src.sources"; then
			cp "$T/src.sources" "$d/inhook-cross-src.sources"
			echo "# added $d/inhook-cross-src.sources"
		fi
	fi
	if [ -f /etc/apt/sources.list ] &&
	    sed -n 's/^[[:space:]]*deb[[:space:]]/deb-src /p' /etc/apt/sources.list \
	    > "$T/src.list" && [ -s "$T/src.list" ]; then
		{ echo "# Added by inhook tests/cross/cross.sh (make check-cross)"
		  cat "$T/src.list"; } > "$d/inhook-cross-src.list"
		echo "# added $d/inhook-cross-src.list"
	fi
	[ -f "$d/inhook-cross-src.sources" ] || [ -f "$d/inhook-cross-src.list" ] || {
		echo "# no Debian deb entry to derive a deb-src entry from"; return 1; }
	DEBIAN_FRONTEND=noninteractive timeout 300 apt-get update -qq > "$T/update.log" 2>&1
	has_bearssl_src || { indent "$T/update.log"; return 1; }
}

# find_bsrc: sets BSRC to the unpacked source under $X/src, or empty
find_bsrc() {
	BSRC=
	for _d in "$X"/src/bearssl-*/; do
		[ -d "$_d" ] && BSRC=${_d%/} && return 0
	done
}

# Sets BSRC to the unpacked Debian source of BearSSL, fetching it once.
bearssl_source() {
	find_bsrc
	if [ -n "$BSRC" ] && [ -f "$BSRC/inc/bearssl.h" ] && [ -f "$BSRC/mk/Rules.mk" ]; then
		ok "cross: BearSSL source, Debian's ($(basename "$BSRC"), cached)"
		return 0
	fi
	if ! has_bearssl_src && ! add_deb_src; then
		nok "cross: BearSSL source, Debian's (no deb-src entry for bearssl)"
		return 1
	fi
	rm -rf "$X/src" "$X/src.new"
	mkdir -p "$X/src.new"
	if (cd "$X/src.new" && timeout 300 apt-get source -qq bearssl) > "$T/source.log" 2>&1 &&
	    mv "$X/src.new" "$X/src"; then
		find_bsrc
	fi
	if [ -n "$BSRC" ] && [ -f "$BSRC/inc/bearssl.h" ]; then
		ok "cross: BearSSL source, Debian's (apt-get source bearssl: $(basename "$BSRC"))"
	else
		nok "cross: BearSSL source, Debian's (apt-get source bearssl failed)"
		indent "$T/source.log"
		return 1
	fi
}

# The golden suite must reach inhook only through "$INHOOK", so that a
# wrapper can stand in for the binary: no literal path to it, no sign.
golden_uses_inhook_var() {
	# shellcheck disable=SC2016 # a literal $ in the pattern
	! grep -v '^[[:space:]]*#' "$G/run.sh" |
	    grep -nE '(^|[^$A-Za-z_])inhook([^A-Za-z_.-]|$)|(^|[;&|(`[:space:]])sign[[:space:]]' |
	    sed 's/^/#   /' | grep .
}

# sig DIR: the SigBlk and SigIgn lines hook.c recorded, on one line
sig() { tr '\t\n' '  ' < "$1/sig" 2>/dev/null; }
fds() { tr '\n' ' ' < "$1/fds" 2>/dev/null; }

# The hostile start: signals ignored and blocked, two extra descriptors,
# a stray variable. qemu-user installs handlers of its own, at start, for
# every signal whose default action kills, even one it inherits ignored
# (the guest is still told SIG_IGN): so HUP and USR1 stay ignored only as
# far as qemu, and the job-control and ignored-by-default signals (TSTP,
# TTOU, WINCH) are the ones that really reach inhook ignored. Both kinds
# are used; the controls below show which ones arrive.
IGN=HUP,USR1,TSTP,TTOU,WINCH
BLK=USR2,TERM
# their bits in the host's numbering (signal s is bit s-1), as /proc shows
IGN_ALL=0x8280201            # 1, 10, 20, 22, 28
IGN_KEPT=0x8280000           # 20, 22, 28: those qemu keeps ignored
BLK_ALL=0x4800               # 12, 15
PIPE=0x1000                  # 13

# hex VALUE: 16 hex digits, as /proc shows a mask
hex() { printf '%016x' "$(($1))"; }
# has_fds DIR FD...: the descriptors hook.c recorded include every FD
has_fds() {
	_d=$1; shift
	for _f; do grep -qx "$_f" "$_d/fds" 2>/dev/null || return 1; done
}
# mask DIR SigIgn|SigBlk: the mask hook.c recorded, as 0x...
mask() { sed -n "s/^$2:[[:space:]]*/0x/p" "$1/sig" 2>/dev/null; }

per_arch() {
	a=$1
	if ! arch_info "$a"; then
		nok "$a: a known target (arm-linux-gnueabihf, mipsel-linux-gnu, mips-linux-gnu)"
		return
	fi
	B="$X/$a"
	xcc="$a-gcc"
	mkdir -p "$B" "$T/$a"

	# 1. libbearssl.a, cached
	lib="$B/bearssl/libbearssl.a"
	stamp="$(basename "$BSRC") $($xcc -dumpfullversion 2>/dev/null) $BEARSSL_CFLAGS"
	t0=$(now)
	if [ -f "$lib" ] && [ "$(cat "$lib.stamp" 2>/dev/null)" = "$stamp" ]; then
		ok "$a: libbearssl.a (cached)"
	else
		rm -rf "$B/bearssl"
		if timeout 600 make -C "$BSRC" -j"$JOBS" CONF=Unix BUILD="$B/bearssl" \
		    CC="$xcc" AR="$a-ar" CFLAGS="$BEARSSL_CFLAGS" \
		    DLL=no TOOLS=no TESTS=no lib > "$T/$a/bearssl.log" 2>&1 &&
		    [ -f "$lib" ]; then
			echo "$stamp" > "$lib.stamp"
			ok "$a: libbearssl.a built from Debian's source ($(($(now) - t0)) s)"
			# BearSSL's warnings are noted, not failed on: not our code
			grep 'warning:' "$T/$a/bearssl.log" > "$T/$a/bw" && {
				echo "# BearSSL printed warnings:"; indent "$T/$a/bw" 10; }
		else
			nok "$a: libbearssl.a built from Debian's source"
			tail -n 20 "$T/$a/bearssl.log" | sed 's/^/#   /'
			return
		fi
	fi

	# 2. inhook with the project's Makefile, always recompiled so that
	# every warning shows
	t0=$(now)
	rm -rf "$B/obj" "$B/inhook"
	if env CPPFLAGS="-I$X/include -I$BSRC/inc" timeout 600 make -C "$TOP" \
	    --no-print-directory -j"$JOBS" CC="$xcc" BEARSSL="$lib" \
	    BUILD="$B" BIN="$B/inhook" "$B/inhook" > "$B/build.log" 2>&1 &&
	    [ -x "$B/inhook" ]; then
		ok "$a: inhook built with make CC=$xcc BEARSSL=... ($(($(now) - t0)) s)"
	else
		nok "$a: inhook built with make CC=$xcc BEARSSL=..."
		grep -v "^$xcc " "$B/build.log" | indent /dev/stdin 40
		return
	fi
	# compiler and linker diagnostics: everything but the command lines
	grep -v "^$xcc " "$B/build.log" | grep -v '^make' > "$T/$a/diag"
	if grep -q 'warning:' "$T/$a/diag"; then
		nok "$a: cross build warning-free"
		indent "$T/$a/diag" 60
	else
		ok "$a: cross build warning-free"
	fi
	h=$(readelf -h "$B/inhook" 2>/dev/null)
	if echo "$h" | grep -q 'Class:[[:space:]]*ELF32' &&
	    echo "$h" | grep -q "Machine:[[:space:]]*$MACHINE\$" &&
	    echo "$h" | grep -q 'Type:[[:space:]]*DYN'; then
		ok "$a: inhook is a 32-bit $MACHINE PIE"
	else
		nok "$a: inhook is a 32-bit $MACHINE PIE"
		echo "$h" | grep -E 'Class|Machine|Type' | sed 's/^/#   /'
	fi

	# 3. under qemu, through a wrapper
	q=$(command -v "$QEMU") || { nok "$a: $QEMU installed"; return; }
	wrap="$T/$a/inhook"
	printf '#!/bin/sh\nexec %s -L %s %s "$@"\n' "$q" "$SYSROOT" "$B/inhook" > "$wrap"
	chmod 755 "$wrap"
	v=$(timeout 30 "$wrap" --version 2>&1)
	case "$v" in
	"inhook "*) ok "$a: runs under $QEMU ($v)" ;;
	*) nok "$a: runs under $QEMU"; echo "#   $v"; return ;;
	esac

	t0=$(now)
	# through launch.c: default signals and an empty mask, whatever this
	# script was started with (see launch.c)
	INHOOK="$wrap" CC="$HOST_CC" timeout 300 "$T/launch" /bin/sh "$G/run.sh" \
	    > "$T/$a/golden" 2>&1
	rc=$?
	sed -e "s/^ok - /ok - $a: /" -e "s/^not ok - /not ok - $a: /" "$T/$a/golden"
	if ! grep -q '^ok - ' "$T/$a/golden" ||
	    { [ "$rc" -ne 0 ] && ! grep -q '^not ok - ' "$T/$a/golden"; }; then
		nok "$a: golden suite ran (exit $rc)"
	fi
	echo "# $a: golden suite under qemu in $(($(now) - t0)) s"

	# controls: launch.c built for ARCH, under qemu, starts the host's
	# hook. (a) the hostile state set by the guest itself; (b) the
	# hostile state qemu inherited from the host's launch.c, with nothing
	# set by the guest: what would reach the hook if inhook reset nothing.
	if $xcc -std=c11 -O2 -Wall -Wextra -o "$T/$a/launch" "$TOP/tests/cross/launch.c" \
	    > "$T/$a/launch.log" 2>&1; then
		c="$T/$a/control-a"
		mkdir "$c"
		echo hi | timeout 30 "$T/launch" "$q" -L "$SYSROOT" "$T/$a/launch" -i "$IGN" \
		    -b "$BLK" -f 5 -f 9 -e INHOOK_CROSS_STRAY=1 "$T/hook" "$c" \
		    > /dev/null 2>&1
		same "$a: qemu passes signals the guest ignores and blocks through execve (control)" \
		    "$(sig "$c")" "SigBlk: $(hex $BLK_ALL) SigIgn: $(hex $IGN_ALL) "
		check "$a: qemu passes the guest's descriptors through execve (control)" \
		    has_fds "$c" 5 9
		c="$T/$a/control-b"
		mkdir "$c"
		echo hi | timeout 30 "$T/launch" -i "$IGN" -b "$BLK" -f 5 -f 9 \
		    -e INHOOK_CROSS_STRAY=1 "$q" -L "$SYSROOT" "$T/$a/launch" -k \
		    "$T/hook" "$c" > /dev/null 2>&1
		i=$(mask "$c" SigIgn) b=$(mask "$c" SigBlk)
		if [ -n "$i" ] && [ "$((i & IGN_KEPT))" -eq "$((IGN_KEPT))" ] &&
		    [ -n "$b" ] && [ "$((b))" -eq "$((BLK_ALL))" ] &&
		    has_fds "$c" 5 9 && grep -qx INHOOK_CROSS_STRAY=1 "$c/env"; then
			ok "$a: qemu passes an inherited mask, TSTP, TTOU, WINCH ignored, descriptors, environment on to the guest's execve (control)"
		else
			nok "$a: qemu passes an inherited mask, TSTP, TTOU, WINCH ignored, descriptors, environment on to the guest's execve (control)"
			echo "#   got: $(sig "$c") fds $(fds "$c")"
		fi
		# what qemu drops by itself (qemu 7.2: HUP, USR1): the hygiene
		# checks below cannot see inhook reset those, only add none
		[ "$((i & IGN_ALL))" -eq "$((IGN_ALL))" ] ||
		    echo "# note: qemu-user does not keep inherited HUP, USR1 ignored (SigIgn $(hex "$i"))"
	else
		nok "$a: launch.c built with $xcc"
		indent "$T/$a/launch.log"
	fi

	# hygiene: inhook started by the host's launch.c in the hostile state
	n=jobserv-sample
	o="$T/$a/hygiene"
	mkdir "$o"
	timeout 60 "$T/launch" -i "$IGN" -b "$BLK" -f 5 -f 9 \
	    -e INHOOK_CROSS_STRAY=1 "$wrap" --log-stderr --secret-file "$SECRET" \
	    "$T/hook" "$o" < "$G/$n.req" > "$o/response" 2> "$o/log"
	same "$a: hygiene: status" "$(status < "$o/response")" "$(cat "$G/$n.status")"
	same "$a: hygiene: hook ran once" "$(runs "$o")" 1
	i=$(mask "$o" SigIgn) b=$(mask "$o" SigBlk)
	if [ -z "$i" ] || [ -z "$b" ]; then
		nok "$a: hygiene: hook's signals recorded"
	else
		same "$a: hygiene: hook's signal mask empty" "$(hex "$b")" 0000000000000000
		if [ "$((i & PIPE))" -eq 0 ]; then
			ok "$a: hygiene: hook's SIGPIPE default, though inhook ignores it"
		else
			nok "$a: hygiene: hook's SIGPIPE default, though inhook ignores it"
			echo "#   hook's SigIgn: $(hex "$i")"
		fi
		if [ "$SAMESIGS" = 1 ]; then
			same "$a: hygiene: hook's inherited ignored signals reset, none ignored" \
			    "$(hex "$i")" 0000000000000000
		else
			echo "ok - $a: hygiene: hook's inherited ignored signals reset # skip qemu-user gives inhook the host's /proc/self/status, in host signal numbers (hook's SigIgn $(hex "$i"))"
		fi
	fi
	same "$a: hygiene: hook's descriptors only 0-2" "$(fds "$o")" "0 1 2 "
	if [ -f "$o/env" ] && LC_ALL=C sort "$o/env" | cmp -s - "$G/$n.env"; then
		ok "$a: hygiene: hook's environment built from nothing"
	else
		nok "$a: hygiene: hook's environment built from nothing"
		[ -f "$o/env" ] && LC_ALL=C sort "$o/env" | diff "$G/$n.env" - |
		    head -n 20 | sed 's/^/#   /'
	fi

	# the same start, with a shell hook that looks at its own machine
	# and executable and at inhook's (its parent's) ignored signals
	p="$T/$a/probe"
	mkdir "$p"
	# shellcheck disable=SC2016 # expanded by the hook's shell
	timeout 60 "$T/launch" -i "$IGN" -b "$BLK" "$wrap" --secret-file "$SECRET" \
	    /bin/sh -c 'uname -m > "$0/machine"; readlink /proc/$$/exe > "$0/exe"
	        sed -n "s/^SigIgn:[[:space:]]*//p" /proc/$PPID/status > "$0/parent"
	        cat > /dev/null' "$p" < "$G/$n.req" > "$p/response" 2> "$p/log"
	m=$(cat "$p/machine" 2>/dev/null) e=$(cat "$p/exe" 2>/dev/null)
	if [ "$m" = "$(uname -m)" ] && [ -n "$e" ] && [ "${e#*qemu}" = "$e" ]; then
		ok "$a: hook runs natively (machine $m, executable $e)"
	else
		nok "$a: hook runs natively"
		echo "#   machine: $m, executable: $e, host: $(uname -m)"
	fi
	pi=$(cat "$p/parent" 2>/dev/null)
	if [ -n "$pi" ] && [ "$((0x$pi & PIPE))" -ne 0 ] &&
	    [ "$((0x$pi & IGN_KEPT))" -eq "$((IGN_KEPT))" ]; then
		ok "$a: inhook itself ignores SIGPIPE and was started with TSTP, TTOU, WINCH ignored (SigIgn $pi)"
	else
		nok "$a: inhook itself ignores SIGPIPE and was started with TSTP, TTOU, WINCH ignored"
		echo "#   inhook's SigIgn: $pi"
	fi

	listener "$a" "$wrap"
}

# free_port: a TCP port free on 127.0.0.1 just now
free_port() {
	python3 -c 'import socket
s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# gone PID: true once PID has exited (a zombie until this shell waits)
gone() { [ ! -e "/proc/$1/stat" ] || [ "$(sed 's/.*) //' "/proc/$1/stat" | cut -c1)" = Z ]; }

# listener ARCH WRAPPER: inhook --listen under qemu, delivered to with curl
# over TCP, then stopped with SIGTERM. The hook is the host's hook.c
# (native, as above); REMOTE_ADDR and REMOTE_PORT are what TCP adds to the
# golden environment of the sample.
listener() {
	a=$1 w=$2
	l="$T/$a/listen"
	mkdir -p "$l"
	port=$(free_port)
	if [ -z "$port" ]; then
		nok "$a: --listen: a free port"
		return
	fi
	# from launch.c's clean start, as the rest (it execs: $! is qemu's)
	"$T/launch" "$w" --listen "127.0.0.1:$port" --secret-file "$SECRET" -- \
	    "$T/hook" "$l" < /dev/null > "$l/out" 2> "$l/log" &
	lpid=$!
	if wait_for listening "$port"; then
		ok "$a: --listen 127.0.0.1:$port under qemu: listening"
	else
		nok "$a: --listen 127.0.0.1:$port under qemu: listening"
		indent "$l/log" 10
		kill -KILL "$lpid" 2>/dev/null
		wait "$lpid" 2>/dev/null
		return
	fi
	code=$(curl -s --max-time 60 -o "$l/body" -w '%{http_code}' \
	    -H 'Content-Type: application/json' -H "X-JobServ-Sig: $(sign "$SAMPLE")" \
	    --data-binary @"$SAMPLE" "http://127.0.0.1:$port/webhook")
	same "$a: --listen: curl's signed JobServ delivery gets 200" "$code" 200
	same "$a: --listen: hook ran once" "$(runs "$l")" 1
	if [ -f "$l/env" ] && grep -qx 'REMOTE_ADDR=127.0.0.1' "$l/env" &&
	    grep -Eqx 'REMOTE_PORT=[0-9]+' "$l/env" &&
	    grep -v '^REMOTE_' "$l/env" | LC_ALL=C sort | cmp -s - "$G/jobserv-sample.env"; then
		ok "$a: --listen: hook's environment: the golden one, REMOTE_ADDR=127.0.0.1, REMOTE_PORT"
	else
		nok "$a: --listen: hook's environment: the golden one, REMOTE_ADDR=127.0.0.1, REMOTE_PORT"
		[ -f "$l/env" ] && LC_ALL=C sort "$l/env" | diff "$G/jobserv-sample.env" - |
		    head -n 20 | sed 's/^/#   /'
	fi
	check "$a: --listen: hook's stdin is the body" cmp -s "$l/stdin" "$SAMPLE"
	same "$a: --listen: hook's descriptors only 0-2" "$(fds "$l")" "0 1 2 "
	code=$(curl -s --max-time 60 -o /dev/null -w '%{http_code}' \
	    -H 'Content-Type: application/json' -H "X-JobServ-Sig: sha256:$(printf '%064d' 0)" \
	    --data-binary @"$SAMPLE" "http://127.0.0.1:$port/webhook")
	same "$a: --listen: a bad signature on the next connection gets 403" "$code" 403
	same "$a: --listen: hook not run for it" "$(runs "$l")" 1
	kill -TERM "$lpid"
	if wait_for gone "$lpid"; then
		wait "$lpid"
		same "$a: --listen: SIGTERM: exit 0" "$?" 0
	else
		nok "$a: --listen: SIGTERM: exit 0 (still running after 10 s)"
		kill -KILL "$lpid" 2>/dev/null
		wait "$lpid" 2>/dev/null
	fi
	if grep -q "listening on 127.0.0.1:$port\$" "$l/log" &&
	    grep -q 'status=200 .*hook=exit:0' "$l/log" &&
	    grep -q 'status=403' "$l/log" && grep -q 'stopped$' "$l/log"; then
		ok "$a: --listen: log: listening, both deliveries, stopped"
	else
		nok "$a: --listen: log: listening, both deliveries, stopped"
		indent "$l/log" 10
	fi
}

suite() {
	t_all=$(now)
	deps || return
	bearssl_source || return
	mkdir -p "$X/include"
	if [ -f /usr/include/jsmn.h ] && cp /usr/include/jsmn.h "$X/include/jsmn.h"; then
		ok "cross: jsmn.h from libjsmn-dev in tests/build/cross/include"
	else
		nok "cross: jsmn.h from libjsmn-dev"
		return
	fi
	check "cross: golden/run.sh reaches inhook only through \$INHOOK" golden_uses_inhook_var

	# the host's test hook and launcher
	if ! "$HOST_CC" -O2 -o "$T/hook" "$G/hook.c" ||
	    ! "$HOST_CC" -std=c11 -O2 -Wall -Wextra -o "$T/launch" "$TOP/tests/cross/launch.c"; then
		nok "cross: build the host's hook and launcher"
		return
	fi
	# control: the host launcher really sets up the state it is asked for
	c="$T/control"
	mkdir "$c"
	echo hi | timeout 30 "$T/launch" -i "$IGN" -b "$BLK" -f 5 -f 9 \
	    -e INHOOK_CROSS_STRAY=1 "$T/hook" "$c" > /dev/null 2>&1
	same "cross: launch.c ignores and blocks signals (control)" \
	    "$(sig "$c")" "SigBlk: $(hex $BLK_ALL) SigIgn: $(hex $IGN_ALL) "
	if has_fds "$c" 5 9 && grep -qx INHOOK_CROSS_STRAY=1 "$c/env"; then
		ok "cross: launch.c leaves descriptors 5, 9 and a variable (control)"
	else
		nok "cross: launch.c leaves descriptors 5, 9 and a variable (control)"
	fi
	echo "# setup in $(($(now) - t_all)) s"

	for a in $ARCHES; do
		ta=$(now)
		echo "# == $a"
		per_arch "$a"
		echo "# $a: done in $(($(now) - ta)) s"
	done
	echo "# total $(($(now) - t_all)) s"
}

suite 2>&1 | tee "$T/out"
echo
for a in $ARCHES; do
	p=$(grep "^ok - $a: " "$T/out" | grep -vc '# skip')
	s=$(grep "^ok - $a: " "$T/out" | grep -c '# skip')
	f=$(grep -c "^not ok - $a: " "$T/out")
	echo "# $a: $p passed, $f failed, $s skipped"
done
pass=$(grep '^ok - ' "$T/out" | grep -vc '# skip')
skip=$(grep '^ok - ' "$T/out" | grep -c '# skip')
fail=$(grep -c '^not ok - ' "$T/out")
[ "$pass" -eq 0 ] && [ "$fail" -eq 0 ] && fail=1
[ "$skip" -eq 0 ] || echo "# $skip skipped"
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]

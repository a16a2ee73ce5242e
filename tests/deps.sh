#!/bin/sh
# Installs, on Debian and as root, what building and testing inhook needs.
# Quiet when everything is there; says what is missing otherwise.
# musl-tools, dpkg-dev: make static (container/musl-static.sh). podman, runc:
# tests/container. haproxy: tests/proxy. openssl: tests/tls (certificates,
# s_client). Not busybox-static, which conflicts with busybox: that suite
# takes its static /bin/busybox from the .deb (apt-get download).
# With an argument, what that make target needs besides:
#   fuzz  clang, and libclang-rt-14-dev for its libFuzzer and sanitizer
#         runtimes (without it clang links nothing with -fsanitize=fuzzer)
#   tls   testssl.sh (make check-tls; it brings openssl, dnsutils,
#         bsdextrautils, procps)
pkgs="gcc make libbearssl-dev libjsmn-dev openssl curl python3 python3-requests xinetd systemd valgrind cppcheck ucspi-tcp ipsvd socat busybox strace musl-tools dpkg-dev podman runc haproxy"
case "$1" in
fuzz) pkgs="$pkgs clang libclang-rt-14-dev" ;;
tls) pkgs="$pkgs testssl.sh" ;;
"") ;;
*) echo "tests/deps.sh: unknown target $1 (fuzz, tls)" >&2; exit 1 ;;
esac
[ -n "$INHOOK_DEPS_EXTRA" ] && pkgs="$pkgs $INHOOK_DEPS_EXTRA"
missing=""
for p in $pkgs; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" || missing="$missing $p"
done
[ -z "$missing" ] && exit 0
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
	echo "installing:$missing"
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -qq >/dev/null && apt-get install -y -qq $missing >/dev/null || {
		echo "apt-get install failed for:$missing" >&2; exit 1; }
else
	echo "missing Debian packages:$missing (run as root, or: sudo apt-get install$missing)" >&2
	exit 1
fi

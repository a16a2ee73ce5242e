#!/bin/sh
# bench/systemd.sh OUT: make bench's systemd mode (bench/run.sh runs it).
# What a delivery costs under the shipped units: boots systemd 252 in
# systemd-nspawn with make check-systemd's recipe (tests/systemd/lib.sh: the
# cached mmdebstrap root under an overlay, make install install-systemd,
# inhook.socket enabled), the hook /bin/true (a drop-in with the shipped
# ExecStart= otherwise), and sends the JobServ-signed sample
# (tests/data/jobserv-build.json, inhook sign) with bench/build/loadgen,
# one connection after another, from the container's network namespace:
#   1. warm-up: 5 deliveries, not counted;
#   2. inhook@.service as shipped: BENCH_SYSTEMD_N deliveries (default 100);
#   3. the same with DynamicUser= and the namespace options off (the
#      drop-in of tests/systemd/lib.sh's sd_nons).
# Each run is bounded by its count and BENCH_SYSTEMD_SECONDS (default 60);
# every wait is bounded; the container is powered off and the overlay
# unmounted on exit, an error or a signal.
#
# Writes "name<TAB>value" lines to OUT: systemd_status (ok, or why it could
# not run), systemd_version, systemd_boot_s, systemd_n, and for the shipped
# unit (systemd_unit_) and without the namespace options
# (systemd_unit_nons_): requests ok p50_ms p90_ms p99_ms max_ms. Progress
# and the container's messages on stderr. Exits 0 when it measured, 1 when
# it could not (systemd_status says why), 2 when a delivery failed.
# Needs root; builds tests/build/systemd-root the first time (minutes).
# shellcheck source=tests/lib.sh
. "$(dirname "$0")/../tests/lib.sh"
cd "$TOP" || exit 1
OUT=$1
: > "$OUT"
NREQ=${BENCH_SYSTEMD_N:-100}
SECS=${BENCH_SYSTEMD_SECONDS:-60}
LOADGEN="$TOP/bench/build/loadgen"
PORT=9000
put() { printf '%s\t%s\n' "$1" "$2" >> "$OUT"; }
# shellcheck source=tests/systemd/lib.sh
. "$TOP/tests/systemd/lib.sh"
finish() {
	trap - EXIT INT TERM HUP
	stop_container >&2
	rm -rf "$T"
}
trap finish EXIT
trap 'put systemd_status "interrupted"; exit 130' INT TERM HUP
# skip WHY: could not run
skip() { put systemd_status "$*"; echo "bench: systemd mode: $*" >&2; exit 1; }

[ "$(id -u)" = 0 ] || skip "not run: needs root"
[ -x "$INHOOK" ] || skip "not run: inhook is not built"
[ -x "$LOADGEN" ] || skip "not run: bench/build/loadgen is not built"
sd_deps >&2 || skip "not run: apt-get install$need failed"
command -v systemd-nspawn > /dev/null || skip "not run: no systemd-nspawn"
sd_root >&2 || skip "not run: $SD_ERR"
sd_overlay >&2 || skip "not run: $SD_ERR"
install -d -m 0700 "$M/etc/inhook"
install -m 0600 "$SECRET" "$M/etc/inhook/secret"
mkdir -p "$M/etc/systemd/system/inhook@.service.d"
sd_truehook > "$M/etc/systemd/system/inhook@.service.d/hook.conf"
sd_enable inhook.socket:sockets.target
rawpost "$SAMPLE" > "$T/good.req"

t0=$(date +%s.%N)
sd_boot inhook-bench >&2 || skip "not run: systemd-nspawn could not boot the container"
sd_running
case "$state" in
running | degraded) ;;
*) skip "not run: the container's systemd did not come up (state: ${state:-none})" ;;
esac
put systemd_boot_s "$(awk -v a="$t0" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f", b - a }')"
put systemd_version "$(X systemctl --version | head -n 1 | cut -d' ' -f1-2)"
[ "$(X systemctl is-active inhook.socket)" = active ] || skip "not run: inhook.socket is not active in the container"
put systemd_n "$NREQ"

# lat NAME N: N deliveries, one after another; the figures as NAME_*
rc=0
lat() {
	line=$(N timeout $((SECS + 60)) "$LOADGEN" -p "$PORT" -f "$T/good.req" -c 1 -n "$2" -t "$SECS" -T 30 -s 200)
	r=$?
	echo "bench: systemd mode: $1: $line" >&2
	[ $r = 0 ] || rc=2
	for key in requests ok p50_ms p90_ms p99_ms max_ms; do
		put "$1_$key" "$(printf '%s\n' "$line" | tr ' ' '\n' | sed -n "s/^$key=//p" | head -n 1)"
	done
}
lat systemd_warmup 5
lat systemd_unit "$NREQ"
sd_nons > "$M/etc/systemd/system/inhook@.service.d/nons.conf"
X systemctl daemon-reload
lat systemd_unit_nons "$NREQ"
[ $rc = 0 ] && put systemd_status ok || put systemd_status "a delivery failed (see bench's stderr)"
exit $rc

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
#      drop-in of tests/systemd/lib.sh's sd_nons);
#   4. inhook-listen.socket + inhook-listen.service as shipped (Accept=no:
#      one inhook process, a fork per delivery; moved to 127.0.0.1:9001 by
#      a drop-in, the hook /bin/true likewise): 5 not counted, which start
#      the service, then BENCH_SYSTEMD_N deliveries;
#   5. the first delivery after the service stopped (the socket starts it:
#      what a delivery costs after --idle-exit), 10 times, each after a
#      "systemctl stop inhook-listen.service";
#   6. the reference: the same inhook as one listener on the host, outside
#      systemd and its sandbox (inhook --listen 127.0.0.1:PORT, a free port
#      from 19100, the same secret, request and hook), BENCH_SYSTEMD_N
#      deliveries right after rows 4 and 5, so that they see the same load.
# BENCH_CHRT=1 (as make bench's): the load generator under chrt -f 1, and
# inhook@.service and inhook-listen.service at SCHED_FIFO 1 by a drop-in
# (CPUSchedulingPolicy=fifo, inherited by inhook's children and the hook),
# so that other work on a shared machine does not delay the deliveries;
# systemd itself (PID 1 starting each inhook@ instance) keeps normal
# scheduling. systemd_sched says which.
# Each run is bounded by its count and BENCH_SYSTEMD_SECONDS (default 60);
# every wait is bounded; the container is powered off and the overlay
# unmounted on exit, an error or a signal.
#
# Writes "name<TAB>value" lines to OUT: systemd_status (ok, or why it could
# not run), systemd_version, systemd_boot_s, systemd_n, and for the shipped
# unit (systemd_unit_) and without the namespace options
# (systemd_unit_nons_), inhook-listen (systemd_listen_) and the host
# listener (systemd_hostlisten_): requests ok
# p50_ms p90_ms p99_ms max_ms; the first delivery after a stop
# (systemd_listen_cold_): n ok p50_ms max_ms. Progress
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
LPORT=9001
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
mkdir -p "$M/etc/systemd/system/inhook-listen.service.d" "$M/etc/systemd/system/inhook-listen.socket.d"
sd_truehook inhook-listen.service > "$M/etc/systemd/system/inhook-listen.service.d/hook.conf"
sd_listenport "127.0.0.1:$LPORT" > "$M/etc/systemd/system/inhook-listen.socket.d/port.conf"
sd_enable inhook.socket:sockets.target inhook-listen.socket:sockets.target
RT=""
if [ "${BENCH_CHRT:-0}" = 1 ] && command -v chrt > /dev/null; then
	RT="chrt -f 1"
	for u in inhook@.service inhook-listen.service; do
		printf '[Service]\nCPUSchedulingPolicy=fifo\nCPUSchedulingPriority=1\n' \
		    > "$M/etc/systemd/system/$u.d/fifo.conf"
	done
	put systemd_sched "SCHED_FIFO 1 (BENCH_CHRT=1): the load generator, inhook and the hook"
else
	put systemd_sched normal
fi
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
[ "$(X systemctl is-active inhook-listen.socket)" = active ] || skip "not run: inhook-listen.socket is not active in the container"
put systemd_n "$NREQ"

# lat NAME N [PORT]: N deliveries, one after another; the figures as NAME_*
rc=0
lat() {
	line=$(N timeout $((SECS + 60)) $RT "$LOADGEN" -p "${3:-$PORT}" -f "$T/good.req" -c 1 -n "$2" -t "$SECS" -T 30 -s 200)
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
lat systemd_listen_warmup 5 "$LPORT"
lat systemd_listen "$NREQ" "$LPORT"
# the first delivery after a stop: the socket starts the service
: > "$T/cold"
cok=0
i=0
while [ $i -lt 10 ]; do
	X timeout 30 systemctl stop inhook-listen.service 2> /dev/null
	line=$(N timeout 60 $RT "$LOADGEN" -p "$LPORT" -f "$T/good.req" -c 1 -n 1 -t 30 -T 30 -s 200) &&
	    cok=$((cok + 1)) || rc=2
	printf '%s\n' "$line" | tr ' ' '\n' | sed -n 's/^p50_ms=//p' | head -n 1 >> "$T/cold"
	i=$((i + 1))
done
echo "bench: systemd mode: systemd_listen_cold: $(tr '\n' ' ' < "$T/cold")" >&2
# the host listener, the reference for row 4
hp=19100
while [ $hp -lt 19200 ] && listening $hp; do hp=$((hp + 1)); done
$RT "$INHOOK" --listen "127.0.0.1:$hp" --secret-file "$SECRET" -- /bin/true 2> "$T/hostlisten.log" &
hpid=$!
wait_for listening $hp
line=$(timeout $((SECS + 60)) $RT "$LOADGEN" -p "$hp" -f "$T/good.req" -c 1 -n 5 -t "$SECS" -T 30 -s 200)
lat_line=$(timeout $((SECS + 60)) $RT "$LOADGEN" -p "$hp" -f "$T/good.req" -c 1 -n "$NREQ" -t "$SECS" -T 30 -s 200) || rc=2
echo "bench: systemd mode: systemd_hostlisten: $lat_line" >&2
for key in requests ok p50_ms p90_ms p99_ms max_ms; do
	put "systemd_hostlisten_$key" "$(printf '%s\n' "$lat_line" | tr ' ' '\n' | sed -n "s/^$key=//p" | head -n 1)"
done
kill "$hpid" 2>/dev/null
i=0
while kill -0 "$hpid" 2>/dev/null && [ $i -lt 50 ]; do sleep 0.2; i=$((i + 1)); done
kill -KILL "$hpid" 2>/dev/null
wait "$hpid" 2>/dev/null
put systemd_listen_cold_n 10
put systemd_listen_cold_ok "$cok"
put systemd_listen_cold_p50_ms "$(sort -n "$T/cold" | awk '{ v[NR] = $1 } END { if (NR) print v[int((NR + 1) / 2)] }')"
put systemd_listen_cold_max_ms "$(sort -n "$T/cold" | tail -n 1)"
[ $rc = 0 ] && put systemd_status ok || put systemd_status "a delivery failed (see bench's stderr)"
exit $rc

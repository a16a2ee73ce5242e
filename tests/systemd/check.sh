#!/bin/sh
# tests/systemd/check.sh: make check-systemd. The shipped units under a real
# systemd as PID 1, booted in a systemd-nspawn container (issue 11). Not
# named run.sh: tests/run.sh (make check) runs every tests/*/run.sh, and
# this one needs root and, the first time, minutes to build its root.
#
#   1. As root, installs systemd-container and mmdebstrap when missing.
#   2. The root directory: tests/build/systemd-root, made once with
#        mmdebstrap --variant=minbase --include=systemd,systemd-sysv,dbus,
#            libnss-systemd,curl,python3-requests bookworm ROOT SOURCES
#      where SOURCES are the "deb" entries of this machine's own apt
#      sources (/etc/apt/sources.list.d/*.sources, *.list, sources.list),
#      read now: no host name is written into the tree. Reused while its
#      stamp (the mmdebstrap line) is unchanged. Never changed afterwards:
#      each run boots an overlay (lower: the cached root, upper: in $T), so
#      every run starts from the same clean system.
#   3. make install install-systemd DESTDIR=overlay, the test's hook,
#      secret (/etc/inhook/secret, 0600 root) and drop-ins, the deploy
#      example (inhook-deploy.path/.service/.sh), a service for it to
#      restart; inhook.socket, inhook-listen.socket (Accept=no, moved to
#      127.0.0.1:$LPORT by a drop-in) and inhook-deploy.path enabled.
#   4. systemd-nspawn -D OVERLAY -b --register=no --keep-unit
#      --private-network --capability=all --system-call-filter=bpf
#      --console=passive; commands run inside with nsenter -t PID1 -a,
#      clients (the host's curl and python3) with nsenter -t PID1 -n.
#   5. The tests, then "systemctl poweroff" inside; nspawn killed if it is
#      still there after 30 s; the empty cgroup directories nspawn leaves
#      under /sys/fs/cgroup/{systemd,unified}/{payload,supervisor} removed;
#      the overlay unmounted. All of it also on an error or a signal (trap).
# Every wait is bounded. Prints "ok - NAME" / "not ok - NAME", "# ..."
# figures (latency, exposure), and last "N passed, N failed"; exit 1 on any
# failure. SYSTEMD_KEEP=1 leaves the container running and prints how to
# enter it (for debugging; stop it by hand).
# Steps 1, 2 and 4, the overlay and the stop are in tests/systemd/lib.sh,
# shared with make bench's systemd mode (bench/systemd.sh).
# shellcheck source=tests/lib.sh
. "$(dirname "$0")/../lib.sh"
cd "$TOP" || exit 1
CLIENT="/usr/bin/python3 $TOP/tests/integration/client.py"
LOAD="/usr/bin/python3 $TOP/tests/systemd/load.py"
PORT=9000
LPORT=9001   # inhook-listen.socket's, next to inhook.socket's
# ROOT PKGS STAMP OV M NSPID CPID; X N cgroup_clean stop_container sd_*
# shellcheck source=tests/systemd/lib.sh
. "$TOP/tests/systemd/lib.sh"
pass=0 fail=0
t_start=$(date +%s)

ok() { echo "ok - $*"; pass=$((pass + 1)); }
nok() { echo "not ok - $*"; fail=$((fail + 1)); }
note() { echo "# $*"; }
die() { nok "$*"; finish; }

finish() {
	trap - EXIT INT TERM HUP
	if [ "${SYSTEMD_KEEP:-0}" = 1 ] && [ -n "$NSPID" ]; then
		echo "# kept: nsenter -t $CPID -a bash; stop: nsenter -t $CPID -a systemctl poweroff"
		echo "# then: umount $M; rm -rf $T"
	else
		stop_container
		rm -rf "$T"
	fi
	echo "# $(($(date +%s) - t_start)) s"
	echo "$pass passed, $fail failed"
	[ "$fail" -eq 0 ] && exit 0
	exit 1
}
trap finish EXIT
trap 'echo "# interrupted"; fail=$((fail + 1)); finish' INT TERM HUP

[ "$(id -u)" = 0 ] || die "make check-systemd runs as root (nspawn, mounts, apt-get)"
[ -x "$INHOOK" ] || die "inhook is built ($INHOOK)"

sd_deps || die "apt-get install$need"

sd_root || die "$SD_ERR"

# --- the overlay and what is installed in it ---------------------------------

sd_overlay || die "$SD_ERR"
install -m 0644 systemd/inhook-deploy.path systemd/inhook-deploy.service "$M/etc/systemd/system/"
install -m 0755 -D systemd/inhook-deploy.sh "$M/usr/local/lib/inhook/deploy"
install -d -m 0700 "$M/etc/inhook"
install -m 0600 "$SECRET" "$M/etc/inhook/secret"
echo inhook-test-app.service > "$M/etc/inhook/deploy.allow"
SIG=$(sign "$SAMPLE")
SIZE=$(wc -c < "$SAMPLE" | tr -d ' ')

# The hook: what /etc/inhook-test/mode says (the host writes it between
# deliveries); it records into /var/lib/inhook/out (its state directory).
install -d -m 0755 "$M/etc/inhook-test"
cat > "$M/usr/local/lib/inhook/hook" <<'HOOK'
#!/bin/sh
o=/var/lib/inhook/out
mkdir -p $o
mode=$(cat /etc/inhook-test/mode 2>/dev/null)
echo "${mode:-record}" >> $o/runs
# r NAME COMMAND...: "NAME ok" or "NAME fail: first line of stderr"
r() {
	n=$1; shift
	if e=$("$@" 2>&1 >/dev/null); then echo "$n ok"
	else echo "$n fail: $(echo "$e" | head -n 1)"; fi >> $o/probe
}
case $mode in
fail) exit 3 ;;
sleep) sleep "$(cat /etc/inhook-test/sleep)"; exit 0 ;;
escape)
	# a child that leaves the hook's process group and session; systemd
	# would stop it with SIGTERM, the keeper kills it with SIGKILL
	setsid sh -c 'trap "echo term >> /var/lib/inhook/out/term; exit 0" TERM
		echo $$ > /var/lib/inhook/out/escaped; sleep 60 & wait' \
	    </dev/null >/dev/null 2>&1 &
	sleep 60 ;;
bg)
	# a background child, left running as the hook exits 0
	sh -c 'trap "echo term >> /var/lib/inhook/out/bgterm; exit 0" TERM
		echo $$ > /var/lib/inhook/out/bg; sleep 60 & wait' \
	    </dev/null >/dev/null 2>&1 &
	sleep 0.5
	exit 0 ;;
deploy)
	mkdir -p /var/lib/inhook/deploy.tmp /var/lib/inhook/deploy
	f=$(date +%s).$$
	cat /etc/inhook-test/request > /var/lib/inhook/deploy.tmp/$f &&
	    mv /var/lib/inhook/deploy.tmp/$f /var/lib/inhook/deploy/$f ;;
net)
	curl -s -o /dev/null -w '%{http_code}' --max-time 5 http://127.0.0.1:9000/ > $o/net 2>/dev/null
	echo " exit:$?" >> $o/net ;;
rw) r srv-www touch /srv/www/written ;;
probe)
	: > $o/probe
	# left by the previous probe delivery (a new instance): none
	for d in /tmp /var/tmp /dev/shm; do r "fresh$d" test ! -e "$d/inhook-probe"; done
	for d in /tmp /var/tmp /dev/shm /var/lib/inhook /etc /usr/local /srv /root /home /run; do
		r "write$d" touch "$d/inhook-probe"
	done
	r setrlimit sh -c 'ulimit -n 64'
	r nice sh -c 'test "$(nice -n 5 nice 2>&1)" = 5 || { nice -n 5 true; exit 1; }'
	touch $o/own
	r chown chown "$(id -u):$(id -g)" $o/own
	r af_inet python3 -c 'import socket; socket.socket(socket.AF_INET)'
	r wx-mmap python3 -c 'import mmap; mmap.mmap(-1, 4096, prot=7)'
	r systemctl systemctl is-active inhook.socket
	r see-pid1 test -e /proc/1
	r proc-meminfo cat /proc/meminfo
	r dev-null sh -c 'echo > /dev/null'
	r dev-vda test -e /dev/vda -o -e /dev/sda -o -e /dev/kmsg
	r su su -c true root
	r read-secret sh -c 'cat /run/credentials/*/webhook-secret'
	r read-etc-secret cat /etc/inhook/secret ;;
*)
	# what the hook was given (env(1) would add the shell's PWD)
	tr '\0' '\n' < /proc/$$/environ | LC_ALL=C sort > $o/env
	# its open files: "FD TARGET" (a listening socket must not be one)
	for f in /proc/$$/fd/*; do echo "${f##*/} $(readlink "$f")"; done > $o/fds
	cat > $o/stdin
	id -u > $o/uid
	id -un > $o/user
	echo "the hook writes to stderr" >&2
	exit 0 ;;
esac
HOOK
chmod 755 "$M/usr/local/lib/inhook/hook"
mode() { echo "$1" > "$M/etc/inhook-test/mode"; }

# A service for the deploy example to restart.
cat > "$M/etc/systemd/system/inhook-test-app.service" <<'EOF'
[Unit]
Description=a service the deploy example restarts
[Service]
ExecStart=/bin/sleep infinity
[Install]
WantedBy=multi-user.target
EOF
sd_enable inhook.socket:sockets.target inhook-deploy.path:paths.target \
    inhook-test-app.service:multi-user.target inhook-listen.socket:sockets.target
mkdir -p "$M/etc/systemd/system/inhook-listen.socket.d"
sd_listenport "127.0.0.1:$LPORT" > "$M/etc/systemd/system/inhook-listen.socket.d/port.conf"

# --- boot --------------------------------------------------------------------

sd_boot inhook-test || die "systemd-nspawn started systemd"
t0=$(date +%s.%N)
# until the manager answers on its bus, then until start-up is over
sd_running
same "boot: systemd is PID 1 and the system is running" "$state" running
[ "$state" = running ] || X systemctl --failed --no-pager | sed 's/^/#   /'
note "booted in $(awk -v a="$t0" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f", b - a }') s; $(X systemctl --version | head -n 1)"
same "boot: inhook.socket listening" "$(X systemctl is-active inhook.socket)" active
same "boot: inhook-deploy.path active" "$(X systemctl is-active inhook-deploy.path)" active
same "boot: inhook-listen.socket listening" "$(X systemctl is-active inhook-listen.socket)" active
same "boot: inhook-listen.service not started before a connection" \
    "$(X systemctl is-active inhook-listen.service)" inactive

# --- helpers -------------------------------------------------------------------

# the journal since jmark
jmark() { JSINCE=$(date +%s.%N | cut -c 1-17); }
jnew() { X journalctl -q --no-pager -o short --since "@$JSINCE" "$@"; }
# jwait REGEX [journalctl args]: true once a new line matches, 10 s at most
jwait() {
	_r=$1; shift
	_i=0
	while [ $_i -lt 50 ]; do
		jnew "$@" | grep -Eq -- "$_r" && return 0
		sleep 0.2
		_i=$((_i + 1))
	done
	return 1
}
# the message of the new inhook lines, without journald's "inhook[PID]: "
jmsgs() { jnew -t inhook | sed -n 's/^.* inhook\[[0-9]*\]: //p'; }

# post [curl args]: the sample, JobServ-signed, with curl; prints the status
# (000: no answer); the body goes to $T/body
# lpost: the same to inhook-listen.socket
postto() {
	_port=$1; shift
	N curl -s -m 20 -o "$T/body" -w '%{http_code}' -H 'Content-Type: application/json' \
	    -H "X-JobServ-Sig: $SIG" --data-binary @"$SAMPLE" "$@" "http://127.0.0.1:$_port/webhook"
}
post() { postto "$PORT" "$@"; }
lpost() { postto "$LPORT" "$@"; }
out() { X cat "/var/lib/inhook/out/$1" 2>/dev/null; }
runs() { out runs | wc -l | tr -d ' '; }
fresh() { X rm -rf /var/lib/inhook/out; }
val() { out env | sed -n "s/^$1=//p"; }

# instances: the inhook@ instances loaded; drained: none, 20 s at most
instances() { X systemctl list-units --all --plain --no-legend 'inhook@*.service' | grep -c . ; }
drained() {
	_i=0
	while [ "$(instances)" != 0 ]; do
		[ $_i -ge 100 ] && return 1
		sleep 0.2
		_i=$((_i + 1))
	done
}

DROP="$M/etc/systemd/system/inhook@.service.d"
# dropin NAME [FILE]: installs FILE (stdin) as inhook@.service.d/NAME.conf
dropin() {
	mkdir -p "$DROP"
	if [ $# -ge 2 ]; then cp "$2" "$DROP/$1.conf"; else cat > "$DROP/$1.conf"; fi
	X systemctl daemon-reload
}
undrop() { rm -f "$DROP/$1.conf"; X systemctl daemon-reload; }
# execstart OPTIONS...: a drop-in whose ExecStart is the shipped one with
# OPTIONS before "--"
execstart() {
	_l=$(sed -n 's/^ExecStart=//p' systemd/inhook@.service)
	printf '[Service]\nExecStart=\nExecStart=%s\n' "$(echo "$_l" | sed "s| -- | $* -- |")" |
	    dropin opts
}

# --- delivery: curl and python-requests ------------------------------------------

DOC="CONTENT_LENGTH CONTENT_TYPE INHOOK_SCHEME PATH QUERY_STRING REMOTE_ADDR REMOTE_PORT REQUEST_METHOD REQUEST_URI"
mode record
fresh
jmark
same "curl: 200" "$(post --local-port 40001)" 200
same "curl: body" "$(cat "$T/body")" OK
same "curl: the hook ran once" "$(runs)" 1
X cat /var/lib/inhook/out/stdin > "$T/stdin" 2>/dev/null
check "curl: the hook's stdin is the sample, byte for byte" cmp -s "$T/stdin" "$SAMPLE"
same "curl: REQUEST_METHOD REQUEST_URI CONTENT_LENGTH" \
    "$(val REQUEST_METHOD) $(val REQUEST_URI) $(val CONTENT_LENGTH)" "POST /webhook $SIZE"
same "curl: REMOTE_ADDR:REMOTE_PORT" "$(val REMOTE_ADDR):$(val REMOTE_PORT)" 127.0.0.1:40001
same "curl: INHOOK_SCHEME" "$(val INHOOK_SCHEME)" jobserv
same "curl: WEBHOOK_BUILD_ID WEBHOOK_STATUS" "$(val WEBHOOK_BUILD_ID) $(val WEBHOOK_STATUS)" "67 PASSED"
out env | grep '^WEBHOOK_' > "$T/got.vars"
$CLIENT flatten WEBHOOK_ "$SAMPLE" | LC_ALL=C sort > "$T/want.vars"
check "curl: every WEBHOOK_ variable, exactly" cmp -s "$T/got.vars" "$T/want.vars"
same "curl: no other variable (no CREDENTIALS_DIRECTORY, nothing of systemd's)" \
    "$(out env | grep -v '^WEBHOOK_' | cut -d= -f1 | LC_ALL=C sort | tr '\n' ' ' | sed 's/ $//')" "$DOC"
case "$(out uid)" in
'' | 0 | *[!0-9]*) nok "curl: the hook ran as a dynamic user (uid $(out uid))" ;;
*) ok "curl: the hook ran as a dynamic user: $(out user) uid $(out uid)" ;;
esac
jwait 'status=200' -t inhook
line=$(jmsgs | grep 'status=200' | sed 's/ ms=[0-9]*$/ ms=N/')
same "curl: the journal line, exactly" "$line" \
    "peer=127.0.0.1:40001 method=POST target=\"/webhook\" status=200 bytes=$SIZE scheme=jobserv secret=1 hook=exit:0 ms=N"
same "curl: one journald prefix, not two (item 3)" "$(jnew -t inhook | grep -c 'inhook\[[0-9]*\]: inhook\[')" 0
same "curl: the hook's stderr is in the journal" \
    "$(jmsgs | grep -c 'the hook writes to stderr')" 1
same "curl: logged at priority info" "$(jnew -t inhook -p info..info | grep -c 'status=200')" 1

fresh
jmark
same "python-requests (JobServ): 200" \
    "$(N $CLIENT jobserv "http://127.0.0.1:$PORT/webhook" "$SECRET" "$SAMPLE" "$T/sent" 2>&1)" 200
same "python-requests: the hook ran once" "$(runs)" 1
X cat /var/lib/inhook/out/stdin > "$T/stdin" 2>/dev/null
check "python-requests: the hook's stdin is the exact body sent" cmp -s "$T/stdin" "$T/sent"
$CLIENT flatten WEBHOOK_ "$T/sent" | LC_ALL=C sort > "$T/want.vars"
out env | grep '^WEBHOOK_' > "$T/got.vars"
check "python-requests: every WEBHOOK_ variable, exactly" cmp -s "$T/got.vars" "$T/want.vars"
check "python-requests: the journal line" jwait \
    "inhook\[[0-9]+\]: peer=127\.0\.0\.1:[0-9]+ method=POST target=\"/webhook\" status=200 bytes=$(wc -c < "$T/sent" | tr -d ' ') scheme=jobserv secret=1 hook=exit:0 ms=[0-9]+$" -t inhook
same "no instance failed" "$(X systemctl list-units --failed --plain --no-legend | grep -c .)" 0

# Item 3: what inhook sees, from a delivery held open by a sleeping hook.
mode sleep
echo 3 > "$M/etc/inhook-test/sleep"
post > /dev/null &
cp=$!
ipid=""
i=0
while [ $i -lt 50 ] && [ -z "$ipid" ]; do
	ipid=$(X sh -c 'for u in $(systemctl list-units --plain --no-legend "inhook@*.service" | cut -d" " -f1); do systemctl show -p MainPID --value "$u"; done' | grep -v '^0$' | head -n 1)
	sleep 0.2
	i=$((i + 1))
done
if [ -n "$ipid" ]; then
	js=$(X sh -c "tr '\\0' '\\n' < /proc/$ipid/environ | sed -n 's/^JOURNAL_STREAM=//p'")
	fd2=$(X stat -L -c '%d:%i' "/proc/$ipid/fd/2")
	note "item 3: inhook pid $ipid: JOURNAL_STREAM=$js, fd 2 is $fd2 ($(X readlink "/proc/$ipid/fd/2"))"
	same "item 3: JOURNAL_STREAM names fd 2" "$js" "$fd2"
	u=$(X systemctl list-units --plain --no-legend 'inhook@*.service' | cut -d' ' -f1 | head -n 1)
	X systemd-analyze security --no-pager "$u" > "$T/security" 2>&1
	e=$(sed -n 's/^.*Overall exposure level for .*: \([0-9][0-9.]*\) .*$/\1/p' "$T/security")
	note "systemd-analyze security on the live instance: ${e:-?}"
	if [ -n "$e" ] && awk -v a="$e" 'BEGIN { exit !(a + 0 <= 1.0) }'; then
		ok "security: live instance exposure $e <= 1.0"
	else
		nok "security: live instance exposure ${e:-unparsed} <= 1.0"
		tail -n 5 "$T/security" | sed 's/^/#   /'
	fi
else
	nok "item 3 / security: found the running instance"
fi
wait $cp
drained

# --- item 1: a missing secret ---------------------------------------------------------

mv "$M/etc/inhook/secret" "$M/etc/inhook/secret.away"
fresh
jmark
same "missing secret: 500 (SetCredential= fallback), not a reset" "$(post)" 500
same "missing secret: the hook did not run" "$(runs)" 0
check "missing secret: the journal says why" jwait 'status=500 .*reason="secret file is empty"' -t inhook
jnew -t inhook | sed 's/^/#   /'
same "missing secret: no instance failed" "$(jnew | grep -c 'inhook@.*Failed with result')" 0
# without the fallback (an empty SetCredential= clears it): what item 1 saw
printf '[Service]\nSetCredential=\n' | dropin nofallback
jmark
same "missing secret, no fallback: the peer gets no answer (reset)" "$(post)" 000
check "missing secret, no fallback: systemd fails the instance, 243/CREDENTIALS" \
    jwait 'status=243/CREDENTIALS'
undrop nofallback
drained
X systemctl reset-failed 'inhook@*' 2>/dev/null
chmod 000 "$M/etc/inhook/secret.away"
mv "$M/etc/inhook/secret.away" "$M/etc/inhook/secret"
chmod 600 "$M/etc/inhook/secret"
same "secret back: 200" "$(post)" 200

# --- the sandbox, claim by claim (item 5) -----------------------------------------------

mode probe
fresh
same "probe: 200" "$(post)" 200
out probe > "$T/probe"
sed 's/^/#   /' "$T/probe"
# claim NAME WANT: the probe's line for NAME is ok / fail
claim() {
	got=$(sed -n "s#^$1 \(ok\|fail\).*#\1#p" "$T/probe")
	same "sandbox: $1 $2" "$got" "$2"
}
for d in /tmp /var/tmp /dev/shm /var/lib/inhook; do claim "write$d" ok; done
for d in /etc /usr/local /srv /root /home /run; do claim "write$d" fail; done
fresh
same "probe again (a new instance): 200" "$(post)" 200
out probe > "$T/probe"
for d in /tmp /var/tmp /dev/shm; do claim "fresh$d" ok; done
claim setrlimit ok
claim nice fail
claim chown fail
claim af_inet fail
claim wx-mmap fail
claim systemctl fail
claim see-pid1 fail
claim proc-meminfo fail
claim dev-null ok
claim dev-vda fail
claim su fail
claim read-secret ok
claim read-etc-secret fail

# --- --hook-timeout under the sandbox: the keeper, prctl, /proc scan --------------------

execstart --hook-timeout 2
mode escape
fresh
jmark
t0=$(date +%s)
same "hook-timeout: 504" "$(post)" 504
el=$(($(date +%s) - t0))
check "hook-timeout: answered within 8 s (took $el s)" test "$el" -le 8
drained
sleep 1
same "hook-timeout: the escaped child was there" "$(out escaped | grep -c '^[0-9]')" 1
same "hook-timeout: the keeper killed it (no SIGTERM from systemd reached it)" "$(out term)" ""
check "hook-timeout: the journal line" jwait 'status=504 .*hook=timeout' -t inhook
same "hook-timeout: systemd had nothing left to kill" \
    "$(jnew | grep -c 'inhook@.*Killing process')" 0
jnew -t inhook | sed 's/^/#   /'
undrop opts

# A background child of a hook that succeeded: stopped with the delivery.
mode bg
fresh
jmark
same "background child: 200" "$(post)" 200
check "background child: every instance gone" drained
bgp=$(out bg)
same "background child: it was there" "$(echo "$bgp" | grep -c '^[0-9]')" 1
check "background child: stopped with the delivery" sh -c "! nsenter -t $CPID -a kill -0 '$bgp' 2>/dev/null"
note "background child: SIGTERM from systemd reached it: $(out bgterm | grep -c term) (0: the keeper's SIGKILL came first)"

# The same and a delivery with a denied system call killing the process
# (SIGSYS) instead of failing with EPERM: any call the filter denies shows.
printf '[Service]\nSystemCallErrorNumber=\n' | dropin sigsys
mode record
fresh
jmark
same "filter killing on denial: delivery 200" "$(post)" 200
execstart --hook-timeout 2 --spool /var/lib/inhook/spool
mode escape
same "filter killing on denial: hook-timeout with --spool, 202" "$(post)" 202
same "filter killing on denial: the entry failed at the timeout" \
    "$(X inhook spool list --spool /var/lib/inhook/spool | awk -F'\t' '{ split($4, r, " "); print $2, r[2] }')" \
    "failed timeout"
mkdir -p "$M/etc/systemd/system/inhook-retry.service.d"
cp "$DROP/sigsys.conf" "$M/etc/systemd/system/inhook-retry.service.d/"
X systemctl daemon-reload
mode record
X timeout 60 systemctl start inhook-retry.service
same "filter killing on denial: inhook-retry.service delivered it" \
    "$(X inhook spool list --spool /var/lib/inhook/spool | grep -c .)" 0
rm "$M/etc/systemd/system/inhook-retry.service.d/sigsys.conf"
drained
same "filter killing on denial: no SIGSYS" "$(jnew | grep -Ec 'status=31|code=killed|SIGSYS')" 0
undrop opts
undrop sigsys
X rm -rf /var/lib/inhook/spool

# --- a flood --------------------------------------------------------------------------------

mode record
fresh
rawpost "$SAMPLE" "sha256:$(printf '%064d' 0)" > "$T/badsig.req"
jmark
t0=$(date +%s)
fl=$(N timeout 60 $LOAD flood "$PORT" 300 "$T/badsig.req")
note "flood of 300: $fl"
case "$fl" in
*" timeout=0 error=0 "*) ok "flood: 300 connections each answered or closed, none hung" ;;
*) nok "flood: 300 connections each answered or closed, none hung" ;;
esac
check "flood: over in 40 s ($(($(date +%s) - t0)) s)" test $(($(date +%s) - t0)) -le 40
check "flood: every instance gone within 20 s" drained
same "flood: the hook never ran" "$(runs)" 0
same "flood: inhook.socket still listening" "$(X systemctl is-active inhook.socket)" active
same "flood: no instance failed" "$(jnew | grep -c 'inhook@.*Failed with result')" 0
same "flood: nothing failed" "$(X systemctl list-units --failed --plain --no-legend | grep -c .)" 0
same "after the flood: a delivery gets 200" "$(post)" 200

# --- spool and the retry timer ----------------------------------------------------------

execstart --spool /var/lib/inhook/spool
mode fail
fresh
same "spool: a failing hook gets 202" "$(post)" 202
sp=$(X inhook spool list --spool /var/lib/inhook/spool | cut -f2)
same "spool: one entry in failed/" "$sp" failed
mode record
mkdir -p "$M/etc/systemd/system/inhook-retry.timer.d"
printf '[Timer]\nOnBootSec=\nOnUnitInactiveSec=\nOnActiveSec=1s\nAccuracySec=1s\nRandomizedDelaySec=0\n' \
    > "$M/etc/systemd/system/inhook-retry.timer.d/now.conf"
X systemctl daemon-reload
jmark
X systemctl start inhook-retry.timer
check "retry timer: inhook-retry.service ran" jwait 'inhook-retry.service: Deactivated successfully|Finished inhook-retry.service'
jwait 'Finished inhook-retry.service' >/dev/null
same "retry timer: the entry was delivered" "$(X inhook spool list --spool /var/lib/inhook/spool | grep -c .)" 0
same "retry timer: the hook ran again, with the stored body" "$(runs):$(out stdin | cmp -s - "$SAMPLE" && echo same)" "2:same"
same "retry timer: the unit's result" "$(X systemctl show -p Result --value inhook-retry.service)" success
same "retry: the hook ran as the same user as under inhook@" "$(out user)" inhook
jnew -u inhook-retry.service | sed 's/^/#   /'
X systemctl stop inhook-retry.timer
# and started by hand, as the README says
mode fail
same "spool again: 202" "$(post)" 202
mode record
X timeout 60 systemctl start inhook-retry.service
same "systemctl start inhook-retry.service: delivered" "$(X inhook spool list --spool /var/lib/inhook/spool | grep -c .)" 0
undrop opts

# --- item 4: the drop-ins ------------------------------------------------------------------

# the deploy pattern: the hook writes a request; inhook-deploy.path starts
# the privileged inhook-deploy.service, which restarts the app
app() { X systemctl show -p InvocationID --value inhook-test-app.service; }
inv=$(app)
same "deploy: the app runs" "$(X systemctl is-active inhook-test-app.service)" active
echo inhook-test-app.service > "$M/etc/inhook-test/request"
mode deploy
jmark
same "deploy: the hook's delivery 200" "$(post)" 200
check "deploy: inhook-deploy.service restarted the app" \
    jwait 'restarting inhook-test-app.service'
i=0
while [ "$(app)" = "$inv" ] && [ $i -lt 50 ]; do sleep 0.2; i=$((i + 1)); done
check "deploy: the app was restarted (new invocation)" test "$(app)" != "$inv"
same "deploy: the app is active" "$(X systemctl is-active inhook-test-app.service)" active
same "deploy: the request was taken" "$(X ls -A /var/lib/inhook/deploy)" ""
jwait 'Finished inhook-deploy.service' >/dev/null
same "deploy: inhook-deploy.service succeeded" "$(X systemctl show -p Result --value inhook-deploy.service)" success
jnew -u inhook-deploy.service | sed 's/^/#   /'
inv=$(app)
echo ssh.service > "$M/etc/inhook-test/request"
jmark
same "deploy: a request for a unit not allowed, delivery 200" "$(post)" 200
check "deploy: refused" jwait 'refused: not a unit listed'
sleep 1
same "deploy: the app was not restarted" "$(app)" "$inv"
same "deploy: the refused request was removed" "$(X ls -A /var/lib/inhook/deploy)" ""
same "deploy: inhook-deploy.path still active" "$(X systemctl is-active inhook-deploy.path)" active
X systemctl reset-failed inhook-deploy.service 2>/dev/null

# the network drop-in
mode net
fresh
same "network: without the drop-in, 200" "$(post)" 200
same "network: without the drop-in, no connection" "$(out net)" "000 exit:7"
dropin network "$TOP/systemd/inhook-network.conf"
fresh
same "network drop-in: 200" "$(post)" 200
# the hook's GET to inhook.socket got inhook's answer
case "$(out net)" in
[1-5][0-9][0-9]" exit:0") ok "network drop-in: the hook reached a TCP server ($(out net))" ;;
*) nok "network drop-in: the hook reached a TCP server"; echo "#   got: $(out net)" ;;
esac
undrop network

# ReadWritePaths=
X install -d -o root -g www-data -m 2775 /srv/www
mode rw
fresh
post > /dev/null
same "rw: without the drop-in, /srv/www is read-only" "$(out probe | cut -d: -f1)" "srv-www fail"
dropin rw "$TOP/systemd/inhook-rw.conf"
fresh
same "rw drop-in: 200" "$(post)" 200
same "rw drop-in: the hook wrote /srv/www/written" "$(out probe)" "srv-www ok"
same "rw drop-in: the file is the hook's, group www-data" "$(X stat -c %G /srv/www/written)" www-data
undrop rw

# --- inhook-listen.socket + inhook-listen.service: one process (Accept=no) ----------

LDROP="$M/etc/systemd/system/inhook-listen.service.d"
# ldropin NAME: stdin as inhook-listen.service.d/NAME.conf; lundrop NAME
ldropin() { mkdir -p "$LDROP"; cat > "$LDROP/$1.conf"; X systemctl daemon-reload; }
lundrop() { rm -f "$LDROP/$1.conf"; X systemctl daemon-reload; }
# lexec OPTIONS...: a drop-in whose ExecStart is the shipped one with
# OPTIONS before "--" (an --idle-exit among them replaces the shipped one);
# it applies from the next start (lstop)
lexec() {
	_l=$(sed -n 's/^ExecStart=//p' systemd/inhook-listen.service)
	case " $* " in *" --idle-exit "*) _l=$(echo "$_l" | sed 's/ --idle-exit [0-9]*//') ;; esac
	printf '[Service]\nExecStart=\nExecStart=%s\n' "$(echo "$_l" | sed "s| -- | $* -- |")" |
	    ldropin opts
}
lshow() { X systemctl show -p "$1" --value inhook-listen.service; }
# lstop: stops the service, not the socket (30 s at most; systemctl's
# warning that the socket can start it again is not shown); the next
# connection starts it again
lstop() {
	X timeout 30 systemctl stop inhook-listen.service 2> "$T/lstop.err" ||
	    sed 's/^/#   /' "$T/lstop.err"
}
# lwait STATE: until the service's ActiveState is STATE, 15 s at most
lwait() {
	_i=0
	while [ "$(lshow ActiveState)" != "$1" ]; do
		[ $_i -ge 75 ] && return 1
		sleep 0.2
		_i=$((_i + 1))
	done
}
# lprocs: the pids in the service's cgroup, one a line
lprocs() {
	_cg=$(lshow ControlGroup)
	[ -n "$_cg" ] || return 0
	X sh -c "for d in /sys/fs/cgroup/unified /sys/fs/cgroup /sys/fs/cgroup/systemd; do
		[ -f \"\$d$_cg/cgroup.procs\" ] && { cat \"\$d$_cg/cgroup.procs\"; exit 0; }; done"
}
# lzombies PID: how many children of PID are zombies
lzombies() {
	X sh -c 'for s in /proc/[0-9]*/stat; do sed "s/^.*) //" "$s" 2>/dev/null; done' |
	    awk -v p="$1" '$1 == "Z" && $2 == p' | grep -c .
}
# lsettled: the unit's cgroup holds inhook alone (its MainPID) and none of
# inhook's children is a zombie; 10 s at most
lsettled() {
	_mp=$(lshow MainPID)
	_i=0
	while [ "$(lprocs | tr '\n' ' ')" != "$_mp " ] || [ "$(lzombies "$_mp")" != 0 ]; do
		if [ $_i -ge 50 ]; then
			echo "#   cgroup: $(lprocs | tr '\n' ' ')(MainPID $_mp); zombies: $(lzombies "$_mp")"
			return 1
		fi
		sleep 0.2
		_i=$((_i + 1))
	done
}
# hookruns N: until the hook has started N times, 10 s at most
hookruns() {
	_i=0
	while [ "$(runs)" -lt "$1" ]; do
		[ $_i -ge 50 ] && return 1
		sleep 0.2
		_i=$((_i + 1))
	done
}
# lflood N: N connections at once to inhook-listen.socket (load.py flood),
# each sending the signed sample
lflood() { N timeout 60 $LOAD flood "$LPORT" "$1" "$T/lgood.req"; }
# fl NAME: a field of the last lflood line ($fl); flst CODE: how many
# answers had the status CODE
fld() { echo "$fl" | tr ' ' '\n' | sed -n "s/^$1=//p"; }
flst() { _c=$(fld statuses | tr ',' '\n' | sed -n "s/^$1://p"); echo "${_c:-0}"; }
# ge A B: A >= B as decimal numbers
ge() { [ -n "$1" ] && awk -v a="$1" -v b="$2" 'BEGIN { exit !(a + 0 >= b + 0) }'; }
secs_since() { awk -v a="$1" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f", b - a }'; }
rawpost "$SAMPLE" > "$T/lgood.req"

mode record
fresh
jmark
same "listen: curl to inhook-listen.socket: 200" "$(lpost --local-port 40002)" 200
same "listen: body" "$(cat "$T/body")" OK
same "listen: the connection started inhook-listen.service" "$(lshow ActiveState)" active
same "listen: the hook ran once" "$(runs)" 1
X cat /var/lib/inhook/out/stdin > "$T/stdin" 2>/dev/null
check "listen: the hook's stdin is the sample, byte for byte" cmp -s "$T/stdin" "$SAMPLE"
same "listen: REQUEST_METHOD REQUEST_URI CONTENT_LENGTH" \
    "$(val REQUEST_METHOD) $(val REQUEST_URI) $(val CONTENT_LENGTH)" "POST /webhook $SIZE"
same "listen: REMOTE_ADDR:REMOTE_PORT" "$(val REMOTE_ADDR):$(val REMOTE_PORT)" 127.0.0.1:40002
out env | grep '^WEBHOOK_' > "$T/got.vars"
$CLIENT flatten WEBHOOK_ "$SAMPLE" | LC_ALL=C sort > "$T/want.vars"
check "listen: every WEBHOOK_ variable, exactly" cmp -s "$T/got.vars" "$T/want.vars"
same "listen: no other variable (no LISTEN_FDS, LISTEN_PID, CREDENTIALS_DIRECTORY)" \
    "$(out env | grep -v '^WEBHOOK_' | cut -d= -f1 | LC_ALL=C sort | tr '\n' ' ' | sed 's/ $//')" "$DOC"
case "$(out uid)" in
'' | 0 | *[!0-9]*) nok "listen: the hook ran as the dynamic user inhook (uid $(out uid))" ;;
*) same "listen: the hook ran as the dynamic user inhook (uid $(out uid)), as under inhook@" "$(out user)" inhook ;;
esac
jwait 'status=200' -t inhook
line=$(jmsgs | grep 'status=200' | sed 's/ ms=[0-9]*$/ ms=N/')
same "listen: the journal line, exactly" "$line" \
    "peer=127.0.0.1:40002 method=POST target=\"/webhook\" status=200 bytes=$SIZE scheme=jobserv secret=1 hook=exit:0 ms=N"
check "listen: the journal says it listens" jwait 'inhook\[[0-9]+\]: listening on ' -t inhook
jmsgs | sed 's/^/#   /'
mp=$(lshow MainPID)
# the listening socket (127.0.0.1:LPORT, state 0A in the container's
# /proc/net/tcp): inhook holds it, the hook must not
lino=$(X cat /proc/net/tcp | awk -v a="$(printf '0100007F:%04X' "$LPORT")" '$2 == a && $4 == "0A" { print $10 }')
check "listen: inhook (MainPID $mp) holds the listening socket from systemd (inode ${lino:-?})" \
    sh -c "[ -n '$lino' ] && nsenter -t $CPID -a ls -l /proc/$mp/fd | grep -q 'socket:\[$lino\]'"
same "listen: the hook does not hold it" "$(out fds | grep -c "socket:\[$lino\]")" 0
same "listen: a second delivery: 200" "$(lpost)" 200
same "listen: one process served both (the same MainPID)" "$(lshow MainPID)" "$mp"
same "listen: the hook ran twice" "$(runs)" 2
check "listen: between deliveries, inhook alone in the unit's cgroup, no zombie" lsettled

X systemd-analyze security --no-pager inhook-listen.service > "$T/security" 2>&1
e=$(sed -n 's/^.*Overall exposure level for .*: \([0-9][0-9.]*\) .*$/\1/p' "$T/security")
note "systemd-analyze security on the live inhook-listen.service: ${e:-?}"
if [ -n "$e" ] && awk -v a="$e" 'BEGIN { exit !(a + 0 <= 1.0) }'; then
	ok "listen: security: live exposure $e <= 1.0"
else
	nok "listen: security: live exposure ${e:-unparsed} <= 1.0"
	tail -n 5 "$T/security" | sed 's/^/#   /'
fi

# a missing secret: the fallback credential, as in inhook@.service
mv "$M/etc/inhook/secret" "$M/etc/inhook/secret.away"
lstop
fresh
jmark
same "listen, missing secret: 500 (SetCredential= fallback), not a reset" "$(lpost)" 500
same "listen, missing secret: the hook did not run" "$(runs)" 0
check "listen, missing secret: the journal says why" jwait 'status=500 .*reason="secret file is empty"' -t inhook
mv "$M/etc/inhook/secret.away" "$M/etc/inhook/secret"
lstop
same "listen, secret back (the service restarted): 200" "$(lpost)" 200

# --idle-exit: exits 0, stays down (Restart=no), the socket starts it again
lexec --idle-exit 2
lstop
fresh
jmark
same "idle-exit: a connection starts the service: 200" "$(lpost)" 200
mp=$(lshow MainPID)
t0=$(date +%s.%N)
check "idle-exit: the service went inactive by itself (--idle-exit 2)" lwait inactive
el=$(secs_since "$t0")
check "idle-exit: not before 2 s idle (took $el s)" ge "$el" 1.5
check "idle-exit: the journal says so" jwait 'inhook\[[0-9]+\]: idle for 2 s: exiting' -t inhook
same "idle-exit: a clean exit (Result, ExecMainCode 1 = exited, ExecMainStatus)" \
    "$(lshow Result) $(lshow ExecMainCode) $(lshow ExecMainStatus)" "success 1 0"
sleep 1.5
same "idle-exit: not restarted (state, NRestarts, is-failed)" \
    "$(lshow ActiveState) $(lshow NRestarts) $(X systemctl is-failed inhook-listen.service)" "inactive 0 inactive"
same "idle-exit: inhook-listen.socket still listening" "$(X systemctl is-active inhook-listen.socket)" active
same "idle-exit: the next connection starts it again: 200" "$(lpost)" 200
check "idle-exit: in a new process ($mp, then $(lshow MainPID))" \
    test "$(lshow MainPID)" != "$mp" -a "$(lshow MainPID)" != 0
same "idle-exit: the hook ran for both" "$(runs)" 2

# floods: one process, every connection answered, nothing left behind
lundrop opts
lstop
fresh
same "listen flood: a first delivery: 200" "$(lpost)" 200
mp=$(lshow MainPID)
lsettled
fl=$(lflood 16)
note "listen flood of 16 at once, the shipped limits (--max-per-source 16): $fl"
same "listen flood: 16 at once, the shipped limits: every one 200" "$(fld answered) $(fld statuses)" "16 200:16"
same "listen flood: the hook ran for each" "$(runs)" 17
same "listen flood: one process served them all" "$(lshow MainPID)" "$mp"
check "listen flood: afterwards, inhook alone in the cgroup, no zombie" lsettled
lexec --max-per-source 64
lstop
fresh
fl=$(lflood 60)
note "listen flood of 60 at once (--max-per-source 64, default --max-conns 64): $fl"
same "listen flood: 60 at once: every one 200" "$(fld answered) $(fld statuses)" "60 200:60"
same "listen flood: the hook ran 60 times" "$(runs)" 60
check "listen flood of 60: afterwards, inhook alone in the cgroup, no zombie" lsettled

# --max-per-source: the one over the limit gets 503 + Retry-After, at once
lexec --max-per-source 2
lstop
mode sleep
echo 2 > "$M/etc/inhook-test/sleep"
fresh
fl=$(lflood 8)
note "8 at once, --max-per-source 2, a hook that sleeps 2 s: $fl"
same "per-source: every connection answered, none lost (answered closed reset timeout error)" \
    "$(fld answered) $(fld closed) $(fld reset) $(fld timeout) $(fld error)" "8 0 0 0 0"
same "per-source: only 200 and 503" "$(($(flst 200) + $(flst 503)))" 8
same "per-source: two delivered (the limit), the rest 503" "$(flst 200) $(flst 503)" "2 6"
same "per-source: every 503 with Retry-After" "$(fld retry_after)" "$(flst 503)"
same "per-source: the hook ran only for the 200s" "$(runs)" "$(flst 200)"
check "per-source: afterwards, inhook alone in the cgroup, no zombie" lsettled

# --max-conns: the rest wait in the queue, none refused
lexec --max-conns 2
lstop
echo 1 > "$M/etc/inhook-test/sleep"
fresh
fl=$(lflood 6)
note "6 at once, --max-conns 2, a hook that sleeps 1 s: $fl"
same "max-conns: 6 at once: every one 200" "$(fld answered) $(fld statuses)" "6 200:6"
check "max-conns: two at a time (3 rounds of 1 s: $(fld seconds) s)" ge "$(fld seconds)" 2.5
same "max-conns: the hook ran 6 times" "$(runs)" 6

# systemctl stop during a delivery: it finishes, then inhook exits 0
lundrop opts
lstop
echo 3 > "$M/etc/inhook-test/sleep"
fresh
jmark
lpost > "$T/lstop.status" &
cp=$!
check "stop: a delivery in progress (the hook started)" hookruns 1
t0=$(date +%s.%N)
lstop
el=$(secs_since "$t0")
wait $cp
same "stop: the delivery in progress still got 200" "$(cat "$T/lstop.status")" 200
check "stop: systemctl stop waited for it, within TimeoutStopSec= (took $el s)" \
    sh -c "awk -v a=$el 'BEGIN { exit !(a >= 1 && a < 10) }'"
same "stop: the unit ended inactive, not failed (state, Result)" \
    "$(lshow ActiveState) $(lshow Result)" "inactive success"
same "stop: inhook exited 0 (ExecMainCode 1 = exited, ExecMainStatus)" \
    "$(lshow ExecMainCode) $(lshow ExecMainStatus)" "1 0"
check "stop: the journal: stopping on SIGTERM: 1 in progress" \
    jwait 'inhook\[[0-9]+\]: stopping on SIGTERM: 1 in progress' -t inhook
check "stop: the journal: stopped" jwait 'inhook\[[0-9]+\]: stopped$' -t inhook
same "stop: systemd had nothing left to kill" "$(jnew | grep -c 'inhook-listen.service: Killing process')" 0
same "stop: inhook-listen.socket still listening" "$(X systemctl is-active inhook-listen.socket)" active
mode record
same "stop: the next connection starts it again: 200" "$(lpost)" 200

# --stop-timeout: a hook still running then is killed, the delivery gets 503
lexec --stop-timeout 2
lstop
mode sleep
echo 30 > "$M/etc/inhook-test/sleep"
fresh
jmark
lpost > "$T/lstop.status" &
cp=$!
check "stop-timeout: a delivery in progress (the hook started)" hookruns 1
t0=$(date +%s.%N)
lstop
el=$(secs_since "$t0")
wait $cp
same "stop-timeout: the delivery still running after 2 s got 503" "$(cat "$T/lstop.status")" 503
check "stop-timeout: stopped in 2 to 6 s (took $el s)" \
    sh -c "awk -v a=$el 'BEGIN { exit !(a >= 1.5 && a <= 6) }'"
same "stop-timeout: the unit ended inactive, not failed (state, Result)" \
    "$(lshow ActiveState) $(lshow Result)" "inactive success"
same "stop-timeout: systemd had nothing left to kill" "$(jnew | grep -c 'inhook-listen.service: Killing process')" 0
jnew -t inhook | sed 's/^/#   /'
lundrop opts
mode record

# starts in quick succession (a short --idle-exit, restarts) stay under the
# unit's start limit: systemd's default, 5 in 10 s, would fail the socket
i=0
while [ $i -lt 8 ]; do
	lstop
	[ "$(lpost)" = 200 ] || break
	i=$((i + 1))
done
same "start limit: 8 stops and starts in a row, each delivery 200" "$i" 8
same "start limit: inhook-listen.socket still listening" "$(X systemctl is-active inhook-listen.socket)" active
# a service that cannot start (an unknown option: exit 2) is started again
# and again by the queued connection until the start limit fails it and
# its socket, in seconds, not for ever
lexec --no-such-option
lstop
jmark
t0=$(date +%s.%N)
same "cannot start: the connection is reset, not answered" "$(lpost)" 000
el=$(secs_since "$t0")
i=0
while [ "$(X systemctl is-active inhook-listen.socket)" != failed ] && [ $i -lt 75 ]; do
	sleep 0.2
	i=$((i + 1))
done
# which limit trips first is a race: the service's start limit, or the
# socket's own trigger limit (the queued connection re-triggering it)
r="$(X systemctl is-active inhook-listen.socket) $(X systemctl show -p Result --value inhook-listen.socket)"
case "$r" in
"failed service-start-limit-hit"|"failed trigger-limit-hit") r=failed ;;
esac
same "cannot start: the socket failed on a start or trigger limit (state, Result; $el s)" "$r" failed
note "cannot start: $(jnew -u inhook-listen.service | grep -c 'Failed with result') failed starts in $el s"
lundrop opts
X systemctl reset-failed inhook-listen.service inhook-listen.socket
X timeout 30 systemctl start inhook-listen.socket
same "cannot start, fixed: after reset-failed and start, 200" "$(lpost)" 200
same "listen: nothing failed" "$(X systemctl list-units --failed --plain --no-legend | grep -c .)" 0

# --- latency (item 7): figures, not tests ---------------------------------------------------

sd_truehook | dropin opts
rawpost "$SAMPLE" > "$T/good.req"
N $LOAD latency "$PORT" 5 "$T/good.req" > /dev/null
lat=$(N $LOAD latency "$PORT" "${SYSTEMD_LAT_N:-50}" "$T/good.req")
note "latency, inhook@.service as shipped, /bin/true as hook, ${SYSTEMD_LAT_N:-50} deliveries: $lat"
case "$lat" in *"statuses=200:"*) ok "latency run: every delivery 200" ;; *) nok "latency run: every delivery 200" ;; esac
sd_nons > "$DROP/nons.conf"
X systemctl daemon-reload
lat=$(N $LOAD latency "$PORT" "${SYSTEMD_LAT_N:-50}" "$T/good.req")
note "latency, namespace options and DynamicUser off: $lat"
rm -f "$DROP/nons.conf"
undrop opts
# the same through inhook-listen.socket: one process, no unit per delivery
sd_truehook inhook-listen.service | ldropin opts
lstop
N $LOAD latency "$LPORT" 5 "$T/good.req" > /dev/null
lat=$(N $LOAD latency "$LPORT" "${SYSTEMD_LAT_N:-50}" "$T/good.req")
note "latency, inhook-listen.service (Accept=no, one process), /bin/true as hook: $lat"
case "$lat" in
*"statuses=200:${SYSTEMD_LAT_N:-50}") ok "latency run, inhook-listen: every delivery 200" ;;
*) nok "latency run, inhook-listen: every delivery 200" ;;
esac
lundrop opts
lstop

# User= instead of DynamicUser=
X useradd --system --user-group --home-dir /nonexistent --shell /usr/sbin/nologin inhook
dropin user "$TOP/systemd/inhook-user.conf"
mode record
fresh
same "user drop-in: 200" "$(post)" 200
same "user drop-in: the hook ran as the fixed user" "$(out uid)" "$(X id -u inhook)"
same "user drop-in: /var/lib/inhook is a directory owned by it" \
    "$(X stat -c '%F %U' /var/lib/inhook)" "directory inhook"
same "user drop-in: what the dynamic user left is now the user's" "$(X stat -c %U /var/lib/inhook/deploy)" inhook

# exposure UNIT: "systemd-analyze security" of UNIT in the container, the
# number only
exposure() {
	X systemd-analyze security --no-pager "$@" 2>&1 |
	    sed -n 's/^.*Overall exposure level for .*: \([0-9][0-9.]*\) .*$/\1/p'
}
le1() { [ -n "$1" ] && awk -v a="$1" 'BEGIN { exit !(a + 0 <= 1.0) }'; }
for d in user rw network; do
	for f in "$DROP"/*.conf; do [ -e "$f" ] && rm -f "$f"; done
	cp "$TOP/systemd/inhook-$d.conf" "$DROP/$d.conf"
	e=$(exposure --offline=true /etc/systemd/system/inhook@.service)
	note "exposure with inhook-$d.conf (offline, in the container): ${e:-?}"
	[ "$d" = network ] || check "security: exposure with inhook-$d.conf ${e:-?} <= 1.0" le1 "$e"
done
rm -f "$DROP"/*.conf
X systemctl daemon-reload
e=$(exposure --offline=true /etc/systemd/system/inhook-listen.service)
note "exposure of inhook-listen.service (offline, in the container): ${e:-?}"
check "security: inhook-listen.service exposure ${e:-?} <= 1.0" le1 "$e"

same "at the end: nothing failed" "$(X systemctl list-units --failed --plain --no-legend | grep -v inhook-deploy | grep -c .)" 0
same "at the end: inhook.socket listening" "$(X systemctl is-active inhook.socket)" active
same "at the end: inhook-listen.socket listening" "$(X systemctl is-active inhook-listen.socket)" active

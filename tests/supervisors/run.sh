#!/bin/sh
# tests/supervisors/run.sh: inhook under the other supervisors it is run
# with, each on its own free port of 127.0.0.1, with real clients
# (python-requests sending as JobServ does, curl, and a raw socket client
# that keeps every byte received). The supervisors:
#   tcpserver     ucspi-tcp's tcpserver: fds 0 and 1 are the TCP socket,
#                 TCPREMOTEIP/TCPREMOTEPORT are set
#   tcpsvd        ipsvd's tcpsvd: the same
#   socat         socat TCP-LISTEN:...,fork EXEC:"inhook ...": fds 0 and 1
#                 are a socketpair to socat, NOT the TCP socket; the peer is
#                 only in SOCAT_PEERADDR/SOCAT_PEERPORT
#   socat-nofork  the same with EXEC:...,nofork: fds 0 and 1 are the socket
#   inetd         openbsd-inetd, in the foreground (-d) from a config file of
#                 the test's own: fds 0, 1 and 2 are all the connection. It
#                 conflicts with xinetd in apt, so it is not installed:
#                 apt-get download (cached in tests/build/debs) and dpkg -x
#   bbnc          busybox nc -ll -p PORT 127.0.0.1 -e inhook ...: from its
#                 second connection on it starts inhook with SIGCHLD ignored
# fd 2 is the supervisor's own stderr under all but inetd (socat's ",stderr"
# option makes it the connection too).
# For each, up to four instances (each with --hook-timeout 2):
#   main  started with some signals ignored. A JobServ-signed delivery of
#         tests/data/jobserv-build.json by python-requests: 200, the hook
#         ran once with every WEBHOOK_ variable, REMOTE_ADDR exactly
#         127.0.0.1, REMOTE_PORT the client's own port, default signal
#         dispositions and an empty mask; curl with a wrong signature: 403,
#         no run; the raw client, good and bad: exactly one HTTP response
#         and nothing after it. inhook logs with --log-stderr to a file
#         (the log must name the peer as the client), except under inetd
#         where fd 2 is the connection (syslog there).
#   log   --log-stderr where fd 2 is the connection (natively under inetd
#         and socat's EXEC:...,stderr; through sh's 2>&1 under the others):
#         inhook must not log there (syslog instead): exactly one HTTP
#         response reaches the raw client.
#   chld  the supervisor started with SIGCHLD ignored: two deliveries, each
#         200 promptly (not 504 at --hook-timeout), the hook ran once, with
#         default dispositions. Whether inhook itself inherited the ignored
#         SIGCHLD depends on the supervisor (a "#" line says).
#   v6    an IPv6 listener with IPV6_V6ONLY off, bound to ::ffff:127.0.0.1
#         (so still loopback only), reached by an IPv4 client: REMOTE_ADDR
#         must be 127.0.0.1, not ::ffff:127.0.0.1. Skipped where the tool
#         has no IPv6 (Debian's tcpserver and tcpsvd); none for inetd (its
#         tcp6 sockets are IPv6-only: the mapped address never listens).
# and wrap: under tcpserver, inhook run through env --ignore-signal=CHLD (a
# wrapper that leaves SIGCHLD ignored): 200 and one run, twice.
# Installs ucspi-tcp, ipsvd, socat, busybox through tests/deps.sh when
# missing (as root); a tool that cannot be had is skipped.
. "$(dirname "$0")/../lib.sh"

PY=/usr/bin/python3
CLIENT="$PY $TOP/tests/supervisors/client.py"
ZERO=0000000000000000
# signals the supervisors are started with ignored (not TERM: it stops them)
IGNORED="HUP QUIT USR1 USR2 XFSZ TTOU WINCH"
SPATH=/usr/sbin:/usr/bin:/sbin:/bin
HT=2
cleanup() {
	stop_pids
	rm -rf "$T"
}
trap cleanup EXIT
trap 'exit 1' INT TERM HUP PIPE

skip_all() { ok "supervisors # skip $*"; exit 0; }

[ -x "$INHOOK" ] || { nok "inhook is built ($INHOOK)"; exit 1; }
for t in curl "${CC:-cc}"; do
	command -v "$t" >/dev/null || skip_all "$t is not installed"
done
$PY -c 'import requests' 2>/dev/null || skip_all "python3-requests is not installed"
root=0
[ "$(id -u)" = 0 ] && root=1

# The supervisors: installed through tests/deps.sh when missing.
need=""
command -v tcpserver >/dev/null || need="$need ucspi-tcp"
command -v tcpsvd >/dev/null || need="$need ipsvd"
command -v socat >/dev/null || need="$need socat"
command -v busybox >/dev/null || need="$need busybox"
[ -n "$need" ] && INHOOK_DEPS_EXTRA="${need# }" sh "$TOP/tests/deps.sh" 2>&1 | sed 's/^/# /'

# One copy of the binary for the whole run (signing included).
cp "$INHOOK" "$T/inhook" && chmod 755 "$T/inhook" ||
    { nok "copy $INHOOK"; exit 1; }
INHOOK="$T/inhook"
"${CC:-cc}" -O2 -Wall -Wextra -o "$T/hook" "$TOP/tests/supervisors/hook.c" ||
    { nok "the test hook builds"; exit 1; }

# A wrapper that starts a program with SIGCHLD ignored (coreutils >= 9.0).
IGNCHLD=""
env --ignore-signal=CHLD true 2>/dev/null && IGNCHLD="env --ignore-signal=CHLD"

rawpost "$SAMPLE" > "$T/good.req"
BADSIG="sha256:$(printf '%064d' 0)"
rawpost "$SAMPLE" "$BADSIG" > "$T/badsig.req"

# --- helpers ---------------------------------------------------------

alive() {
	[ -r "/proc/$1/status" ] && ! grep -q '^State:.*Z' "/proc/$1/status" 2>/dev/null
}

# listening6 PORT: something listens on PORT over IPv6
listening6() {
	awk -v p="$(printf ':%04X' "$1")" \
	    '$4 == "0A" && substr($2, length($2) - 4) == p { f = 1 } END { exit !f }' \
	    /proc/net/tcp6 2>/dev/null
}

# up V6 PORT PID: listening, or the supervisor is gone
up() {
	if [ "$1" = 1 ]; then listening6 "$2"; else listening "$2"; fi || ! alive "$3"
}

val() { sed -n "s/^$2=//p" "$1/env"; }
fresh() { rm -f "$1"/*; }
sigs() { tr -s ' \t' ' ' < "$1/sig"; }
# chld_state FILE: for each SigIgn line in FILE, "ignored" or "default"
# (SIGCHLD's disposition), on one line
chld_state() {
	sed -n 's/^SigIgn:[[:space:]]*//p' "$1" | while read -r _m; do
		if [ $((0x$_m & 0x10000)) -ne 0 ]; then echo ignored; else echo default; fi
	done | tr '\n' ' ' | sed 's/ $//'
}

# start TAG CHLD CMD...: runs supervisor CMD in the background in a clean
# environment, with $IGNORED (and SIGCHLD when CHLD is 1) ignored, its
# stdout in $T/TAG.out, its stderr in $T/TAG.err; SPID is its pid
start() {
	_t=$1 _c=$2
	shift 2
	_w=""
	[ "$_c" = 1 ] && _w=$IGNCHLD
	# shellcheck disable=SC2086 # lists
	(trap '' $IGNORED; exec env -i PATH="$SPATH" HOME=/root LANG=C.UTF-8 \
	    FOO=bar $SANENV $_w "$@" >"$T/$_t.out" 2>"$T/$_t.err") &
	SPID=$!
	PIDS="$PIDS $SPID"
}

# stop PID: ends a supervisor started here (and forgets it, so that the
# exit trap never signals a pid that may have been reused since)
stop() {
	kill "$1" 2>/dev/null
	wait "$1" 2>/dev/null
	_n=""
	for _q in $PIDS; do
		[ "$_q" = "$1" ] || _n="$_n $_q"
	done
	PIDS=$_n
	return 0
}

# launch KIND TAG PORT ADDR CHLD LOGFD2 DIR INHOOK-ARGS...: starts
# supervisor KIND on ADDR:PORT (ADDR 127.0.0.1 or ::ffff:127.0.0.1) serving
# inhook with INHOOK-ARGS and the hook recording into DIR. LOGFD2 1: fd 2
# of inhook is the connection (the supervisor's own way, or sh's 2>&1).
# With PROBE set, serves "hook --probe $PROBE" instead of inhook; with
# WRAP set, the program is started through the command WRAP.
PROBE="" WRAP=""
launch() {
	_k=$1 _tag=$2 _p=$3 _a=$4 _c=$5 _l=$6 _d=$7
	shift 7
	if [ -n "$PROBE" ]; then
		set -- "$T/hook" --probe "$PROBE"
	else
		set -- "$INHOOK" --hook-timeout "$HT" --secret-file "$SECRET" "$@" -- "$T/hook" "$_d"
	fi
	# shellcheck disable=SC2086 # a list
	[ -n "$WRAP" ] && set -- $WRAP "$@"
	# fd 2 onto the connection where the supervisor has no way of its own
	if [ "$_l" = 1 ]; then
		case $_k in
		tcpserver|tcpsvd|bbnc) set -- /bin/sh -c 'exec "$@" 2>&1' sh "$@" ;;
		esac
	fi
	case $_k in
	tcpserver)
		start "$_tag" "$_c" "$(command -v tcpserver)" -R -H -l 0 "$_a" "$_p" "$@" ;;
	tcpsvd)
		start "$_tag" "$_c" "$(command -v tcpsvd)" "$_a" "$_p" "$@" ;;
	socat|socat-nofork)
		_o=""
		[ "$_k" = socat-nofork ] && _o="$_o,nofork"
		[ "$_l" = 1 ] && _o="$_o,stderr"
		if [ "$_a" = 127.0.0.1 ]; then
			_s="TCP4-LISTEN:$_p,bind=127.0.0.1,reuseaddr,fork"
		else
			_s="TCP6-LISTEN:$_p,bind=[$_a],ipv6only=0,reuseaddr,fork"
		fi
		start "$_tag" "$_c" "$(command -v socat)" "$_s" "EXEC:\"$*\"$_o" ;;
	bbnc)
		start "$_tag" "$_c" "$(command -v busybox)" nc -ll -p "$_p" "$_a" -e "$@" ;;
	inetd)
		inetd_line "$_a" "$_p" "$@" > "$T/$_tag.conf"
		start "$_tag" "$_c" "$INETD" -d "$T/$_tag.conf" ;;
	esac
}

# inetd_line ADDR PORT PROGRAM ARGS...: a line of inetd.conf,
# "[addr:]service type protocol wait user program argv0 args..."
inetd_line() {
	_a=$1 _p=$2 _prog=$3
	shift 3
	echo "$_a:$_p stream tcp nowait root $_prog inhook $*"
}

# listens TAG V6 PORT: the supervisor just started listens (nok if not);
# with V6 1, a supervisor that exits at once is skipped instead (no IPv6)
listens() {
	if wait_for up "$2" "$3" "$SPID" && alive "$SPID"; then
		ok "$1: listens"
		return 0
	fi
	if [ "$2" = 1 ] && ! alive "$SPID"; then
		ok "$1: dual-stack listener # skip no IPv6 here: $(head -n 1 "$T/$1.err")"
	else
		nok "$1: listens"
		sed 's/^/#   /' "$T/$1.err"
	fi
	stop "$SPID"
	return 1
}

# jobserv TAG PORT DIR: a python-requests delivery as JobServ's; sets CPORT
# (the client's port) and checks the status and the run
jobserv() {
	_out=$($CLIENT jobserv "http://127.0.0.1:$2/webhook" "$SECRET" "$SAMPLE" "$T/sent" 2>&1)
	CPORT=$(printf '%s\n' "$_out" | sed -n 2p)
	same "$1: python-requests (JobServ) delivery: 200" "$(printf '%s\n' "$_out" | head -n 1)" 200
	same "$1: python-requests: the hook ran once" "$(runs "$3")" 1
}

# peer TAG DIR: REMOTE_ADDR is the client's 127.0.0.1, REMOTE_PORT its port
peer() {
	same "$1: REMOTE_ADDR is 127.0.0.1" "$(val "$2" REMOTE_ADDR)" 127.0.0.1
	case "$CPORT" in
	''|*[!0-9]*) nok "$1: REMOTE_PORT is the client's port"
	    echo "#   client did not say its port: $CPORT" ;;
	*) same "$1: REMOTE_PORT is the client's port" "$(val "$2" REMOTE_PORT)" "$CPORT" ;;
	esac
}

# raw TAG PORT REQFILE WANT: the bytes received are one HTTP response and
# nothing after it, and its status is WANT
raw() {
	$CLIENT raw "$2" "$3" "$T/raw.out"
	# (backslashes doubled: lib.sh's same shows values with dash's echo)
	same "$1" "$($CLIENT check "$T/raw.out" 2>&1 | sed 's/\\/\\\\/g')" "$4"
	if grep -q 'hook output\|inhook\[\|status=' "$T/raw.out"; then
		nok "$1: no log or hook output on the connection"
		grep -a 'hook output\|inhook\[\|status=' "$T/raw.out" | sed 's/^/#   /'
	fi
}

# logged N PATTERN FILE: FILE has N lines (or more) with PATTERN
logged() { [ "$(grep -c "$2" "$3" 2>/dev/null)" -ge "$1" ]; }

# curl_post URL SIG: prints the status of a curl POST of $SAMPLE
curl_post() {
	curl -sS --max-time 10 -o "$T/curl.out" -w '%{http_code}' \
	    -H 'Content-Type: application/json' -H "X-JobServ-Sig: $2" \
	    --data-binary @"$SAMPLE" "$1" 2>"$T/curl.err"
}

# --- the cases ---------------------------------------------------------

# main KIND LOG: the main instance; LOG 1: inhook --log-stderr, its log in
# $T/KIND.err (the supervisor's stderr)
main() {
	k=$1 tag="$1" d="$T/$1.d"
	mkdir -p "$d"
	port=$($CLIENT freeport)
	if [ "$2" = 1 ]; then
		launch "$k" "$tag" "$port" 127.0.0.1 0 0 "$d" --log-stderr
	else
		launch "$k" "$tag" "$port" 127.0.0.1 0 0 "$d"
	fi
	listens "$tag" 0 "$port" || return
	main_checks "$tag" "$port" "$d" "$2"
	stop "$SPID"
}

main_checks() {
	tag=$1 port=$2 d=$3
	fresh "$d"
	jobserv "$tag" "$port" "$d"
	check "$tag: the hook's stdin is the exact body" cmp -s "$T/sent" "$d/stdin"
	same "$tag: WEBHOOK_BUILD_ID" "$(val "$d" WEBHOOK_BUILD_ID)" 67
	same "$tag: WEBHOOK_STATUS" "$(val "$d" WEBHOOK_STATUS)" PASSED
	same "$tag: WEBHOOK_TRIGGER_NAME" "$(val "$d" WEBHOOK_TRIGGER_NAME)" containers-devel
	same "$tag: WEBHOOK_RUNS_COUNT" "$(val "$d" WEBHOOK_RUNS_COUNT)" 3
	same "$tag: WEBHOOK_RUNS_0_NAME" "$(val "$d" WEBHOOK_RUNS_0_NAME)" build-amd64-partner
	[ -s "$T/want.vars" ] ||
	    $CLIENT flatten WEBHOOK_ "$T/sent" | LC_ALL=C sort > "$T/want.vars"
	grep '^WEBHOOK_' "$d/env" 2>/dev/null | LC_ALL=C sort > "$T/got.vars"
	check "$tag: every WEBHOOK_ variable, exactly" cmp -s "$T/got.vars" "$T/want.vars"
	peer "$tag" "$d"
	same "$tag: the hook's signal mask and ignored set are empty" "$(sigs "$d")" \
	    "SigBlk: $ZERO
SigIgn: $ZERO"
	cport=$CPORT

	fresh "$d"
	same "$tag: curl, wrong signature: 403" \
	    "$(curl_post "http://127.0.0.1:$port/webhook" "$BADSIG")" 403
	same "$tag: wrong signature: the hook did not run" "$(runs "$d")" 0

	fresh "$d"
	raw "$tag: raw client, good POST: exactly one HTTP response, 200" \
	    "$port" "$T/good.req" 200
	same "$tag: raw client, good POST: the hook ran once" "$(runs "$d")" 1
	raw "$tag: raw client, bad signature: exactly one HTTP response, 403" \
	    "$port" "$T/badsig.req" 403
	same "$tag: raw client, bad signature: the hook did not run" "$(runs "$d")" 1

	if [ "$4" = 1 ]; then
		log="$T/$tag.err"
		wait_for logged 2 ' status=403 ' "$log"
		check "$tag: --log-stderr: the log names the client as the peer" \
		    grep -q "peer=127\.0\.0\.1:$cport method=POST target=\"/webhook\" status=200 " "$log"
		same "$tag: --log-stderr: the log has both 403s" "$(grep -c ' status=403 ' "$log")" 2
		check "$tag: --log-stderr: the hook's output is in the log" \
		    grep -q '^hook output on stdout$' "$log"
		grep -q "peer=127\.0\.0\.1:$cport " "$log" ||
		    grep 'status=200' "$log" | head -n 1 | sed 's/^/#   log: /'
	fi
}

# logfd2 KIND: --log-stderr with fd 2 the connection
logfd2() {
	k=$1 tag="$1-log" d="$T/$1-log.d"
	mkdir -p "$d"
	port=$($CLIENT freeport)
	launch "$k" "$tag" "$port" 127.0.0.1 0 1 "$d" --log-stderr
	listens "$tag" 0 "$port" || return
	logfd2_checks "$tag" "$port" "$d"
	stop "$SPID"
}

logfd2_checks() {
	tag=$1 port=$2 d=$3
	fresh "$d"
	raw "$tag: --log-stderr, fd 2 the connection, good POST: exactly one HTTP response, 200" \
	    "$port" "$T/good.req" 200
	same "$tag: good POST: the hook ran once" "$(runs "$d")" 1
	raw "$tag: --log-stderr, fd 2 the connection, bad signature: exactly one HTTP response, 403" \
	    "$port" "$T/badsig.req" 403
	same "$tag: bad signature: the hook did not run" "$(runs "$d")" 1
}

# probe KIND CHLD: what inhook is started with under supervisor KIND
# (started with SIGCHLD ignored when CHLD is 1; through $WRAP when set), on
# its first and second connection: PROBED is SIGCHLD's "default" or
# "ignored" for each
probe() {
	PROBE="$T/$1-probe.sig"
	: > "$PROBE"
	_pp=$($CLIENT freeport)
	launch "$1" "$1-probe" "$_pp" 127.0.0.1 "$2" 0 "$T"
	if wait_for listening "$_pp"; then
		for _i in 1 2; do
			curl -s --max-time 5 -o /dev/null "http://127.0.0.1:$_pp/"
		done
		wait_for logged 2 SigIgn "$PROBE"
	fi
	stop "$SPID"
	PROBED=$(chld_state "$PROBE")
	PROBE=""
}

# chld KIND: the supervisor started with SIGCHLD ignored
chld() {
	k=$1 tag="$1-chld" d="$T/$1-chld.d"
	if [ -z "$IGNCHLD" ]; then
		ok "$tag: SIGCHLD ignored # skip env has no --ignore-signal"
		return
	fi
	mkdir -p "$d"
	probe "$k" 1
	port=$($CLIENT freeport)
	# the log to the supervisor's stderr, but where that is the connection
	if [ "$k" = inetd ]; then
		launch "$k" "$tag" "$port" 127.0.0.1 1 0 "$d"
	else
		launch "$k" "$tag" "$port" 127.0.0.1 1 0 "$d" --log-stderr
	fi
	listens "$tag" 0 "$port" || return
	chld_checks "$tag" "$port" "$d" "supervisor started with SIGCHLD ignored" "$PROBED"
	stop "$SPID"
}

# chld_checks TAG PORT DIR WHAT PROBED [ASSERT]: two deliveries. PROBED:
# SIGCHLD as inhook gets it on each connection (from probe); ASSERT 1: it
# must be "ignored" on both, or the case is not what it says
chld_checks() {
	if [ "$6" = 1 ]; then
		same "$1: inhook is started with SIGCHLD ignored (the case is real)" \
		    "$5" "ignored ignored"
	else
		echo "# $1: SIGCHLD when this supervisor starts inhook, connections 1 and 2: ${5:-unknown}"
	fi
	for i in 1 2; do
		fresh "$3"
		same "$1: $4, delivery $i: 200, not 504 at --hook-timeout" \
		    "$(curl_post "http://127.0.0.1:$2/webhook" "$(sign "$SAMPLE")")" 200
		same "$1: delivery $i: the hook ran once" "$(runs "$3")" 1
		same "$1: delivery $i: the hook's signal mask and ignored set are empty" \
		    "$(sigs "$3" 2>/dev/null)" "SigBlk: $ZERO
SigIgn: $ZERO"
	done
}

# v6 KIND: a dual-stack listener on ::ffff:127.0.0.1, an IPv4 client
v6() {
	k=$1 tag="$1-v6" d="$T/$1-v6.d"
	mkdir -p "$d"
	port=$($CLIENT freeport)
	launch "$k" "$tag" "$port" ::ffff:127.0.0.1 0 0 "$d" --log-stderr
	listens "$tag" 1 "$port" || return
	fresh "$d"
	jobserv "$tag" "$port" "$d"
	same "$tag: WEBHOOK_BUILD_ID" "$(val "$d" WEBHOOK_BUILD_ID)" 67
	peer "$tag: IPv4 client of an IPv6 listener" "$d"
	stop "$SPID"
}

# have TOOL KIND: the tool is there, or KIND is skipped
have() {
	command -v "$1" >/dev/null && return 0
	ok "$2 # skip $1 is not installed (and could not be installed)"
	return 1
}

# --- tcpserver, tcpsvd, socat, socat nofork ----------------------------

if have tcpserver tcpserver; then
	main tcpserver 1
	logfd2 tcpserver
	chld tcpserver
	v6 tcpserver
	# a wrapper that leaves SIGCHLD ignored for inhook itself
	if [ -n "$IGNCHLD" ]; then
		d="$T/wrap.d"
		mkdir -p "$d"
		WRAP=$IGNCHLD
		probe tcpserver 0
		port=$($CLIENT freeport)
		launch tcpserver wrap "$port" 127.0.0.1 0 0 "$d" --log-stderr
		WRAP=""
		if listens wrap 0 "$port"; then
			chld_checks wrap "$port" "$d" "inhook started by env --ignore-signal=CHLD" \
			    "$PROBED" 1
			stop "$SPID"
		fi
	fi
fi

if have tcpsvd tcpsvd; then
	main tcpsvd 1
	logfd2 tcpsvd
	chld tcpsvd
	v6 tcpsvd
fi

if have socat socat; then
	for k in socat socat-nofork; do
		main "$k" 1
		logfd2 "$k"
		chld "$k"
		v6 "$k"
	done
fi

# --- openbsd-inetd ---------------------------------------------------------

inetd_get() {
	debs="$TOP/tests/build/debs"
	deb=$(ls "$debs"/openbsd-inetd_*.deb 2>/dev/null | tail -n 1)
	if [ -z "$deb" ]; then
		[ "$root" = 1 ] || { echo "not root, and no cached openbsd-inetd .deb"; return 1; }
		command -v apt-get >/dev/null || { echo "no apt-get"; return 1; }
		mkdir -p "$T/dl" "$debs"
		(cd "$T/dl" && apt-get download -q openbsd-inetd) >"$T/apt.log" 2>&1 ||
		    { apt-get update -qq >>"$T/apt.log" 2>&1 &&
		      (cd "$T/dl" && apt-get download -q openbsd-inetd) >>"$T/apt.log" 2>&1; } ||
		    { echo "apt-get download openbsd-inetd failed: $(grep -m 1 '^E:' "$T/apt.log")"; return 1; }
		mv "$T"/dl/openbsd-inetd_*.deb "$debs/" &&
		    deb=$(ls "$debs"/openbsd-inetd_*.deb | tail -n 1) ||
		    { echo "cannot cache the .deb in $debs"; return 1; }
	fi
	dpkg -x "$deb" "$T/obi" 2>/dev/null && [ -x "$T/obi/usr/sbin/inetd" ] ||
	    { echo "dpkg -x $deb failed"; return 1; }
}

if [ "$root" != 1 ]; then
	ok "inetd # skip not root (inetd's user field)"
elif why=$(inetd_get); then
	INETD="$T/obi/usr/sbin/inetd"
	# one inetd for main (syslog) and log (--log-stderr): two lines
	d="$T/inetd.d" dl="$T/inetd-log.d"
	mkdir -p "$d" "$dl"
	port=$($CLIENT freeport)
	lport=$($CLIENT freeport)
	while [ "$lport" = "$port" ]; do lport=$($CLIENT freeport); done
	{
		inetd_line 127.0.0.1 "$port" "$INHOOK" --hook-timeout "$HT" \
		    --secret-file "$SECRET" -- "$T/hook" "$d"
		inetd_line 127.0.0.1 "$lport" "$INHOOK" --hook-timeout "$HT" \
		    --secret-file "$SECRET" --log-stderr -- "$T/hook" "$dl"
	} > "$T/inetd.conf"
	start inetd 0 "$INETD" -d "$T/inetd.conf"
	if listens inetd 0 "$port"; then
		main_checks inetd "$port" "$d" 0
		if wait_for listening "$lport"; then
			logfd2_checks inetd-log "$lport" "$dl"
		else
			nok "inetd-log: listens"
		fi
	fi
	stop "$SPID"
	chld inetd
else
	ok "inetd # skip $why"
fi

# --- busybox nc -ll -e -----------------------------------------------------

if have busybox bbnc; then
	if busybox nc --help 2>&1 | grep -q -- '-ll'; then
		main bbnc 1
		logfd2 bbnc
		chld bbnc
		v6 bbnc
	else
		ok "bbnc # skip this busybox's nc has no -ll -e"
	fi
fi

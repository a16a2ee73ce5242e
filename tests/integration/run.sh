#!/bin/sh
# tests/integration/run.sh: inhook under its real supervisors with real
# clients. Two supervisors, each on a free port of 127.0.0.1:
#   sa  systemd-socket-activate --inetd --accept (inhook --log-stderr,
#       --hook-timeout 2; logs to the activator's stderr), started with a
#       polluted environment that it hands on to inhook and some signals
#       ignored;
#   xi  xinetd in the foreground, configured from the shipped xinetd/inhook
#       with only port, bind, user, paths and hook substituted (inhook logs
#       to syslog; stderr is the connection), started with a polluted
#       environment and some signals ignored; xinetd's own messages go to a
#       file (-filelog).
# Clients: python3-requests sending as JobServ does, curl (plain, Expect:
# 100-continue, chunked, 4 MiB), and a raw socket client that keeps every
# byte received. The hook (tests/integration/hook.c) records its
# environment, descriptors, signal mask and ignored set, uid and stdin.
# Needs root (xinetd's user=); skips otherwise.
. "$(dirname "$0")/../lib.sh"

PY=/usr/bin/python3
CLIENT="$PY $TOP/tests/integration/client.py"
DOC="CONTENT_LENGTH CONTENT_TYPE PATH QUERY_STRING REMOTE_ADDR REMOTE_PORT REQUEST_METHOD REQUEST_URI"
DEFPATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
ZERO=0000000000000000
# signals the supervisors are started with ignored (not TERM: it stops them)
IGNORED="HUP QUIT USR1 USR2 XFSZ TTOU WINCH"
cleanup() {
	stop_pids
	# sleepers a failed test may have left behind
	for f in "$T"/*/child.pid "$T"/*/hook.pid; do
		[ -f "$f" ] && kill -9 "$(cat "$f")" 2>/dev/null
	done
	rm -rf "$T"
}
trap cleanup EXIT
trap 'exit 1' INT TERM HUP PIPE

skip_all() { ok "integration # skip $*"; exit 0; }

[ "$(id -u)" = 0 ] || skip_all "not root (xinetd user= and the activator need root)"
[ -x "$INHOOK" ] || { nok "inhook is built ($INHOOK)"; exit 1; }
for t in curl "${CC:-cc}"; do
	command -v "$t" >/dev/null || skip_all "$t is not installed"
done
$PY -c 'import requests' 2>/dev/null || skip_all "python3-requests is not installed"
# One copy of the binary for the whole run (signing included), that
# xinetd's user= can run wherever the tree is.
cp "$INHOOK" "$T/inhook" && chmod 755 "$T/inhook" ||
    { nok "copy $INHOOK"; exit 1; }
INHOOK="$T/inhook"
"${CC:-cc}" -O2 -Wall -Wextra -o "$T/hook" "$TOP/tests/integration/hook.c" ||
    { nok "the test hook builds"; exit 1; }

# --- helpers ---------------------------------------------------------

# alive PID: the process exists and is not a zombie
alive() {
	[ -r "/proc/$1/status" ] && ! grep -q '^State:.*Z' "/proc/$1/status" 2>/dev/null
}
dead() { ! alive "$1"; }

# val DIR NAME: the value of NAME in the environment the hook recorded
val() { sed -n "s/^$2=//p" "$1/env"; }

# fresh DIR: forget what the hook recorded
fresh() { rm -f "$1"/*; }

# post_sig URL FILE SIG [CURL ARGS...]: a POST of FILE with curl, as JSON,
# signed SIG; prints the status; curl's -v output goes to $T/curl.err
post_sig() {
	_u=$1 _f=$2 _s=$3
	shift 3
	curl -v -sS --max-time 20 -o "$T/curl.out" -w '%{http_code}' \
	    -H 'Content-Type: application/json' -H "X-JobServ-Sig: $_s" \
	    "$@" --data-binary @"$_f" "$_u" 2>"$T/curl.err"
}

# post URL FILE [CURL ARGS...]: the same, signed with $SECRET
post() {
	_u=$1 _f=$2
	shift 2
	post_sig "$_u" "$_f" "$(sign "$_f")" "$@"
}

# raw NAME PORT REQFILE WANT [--expect]: the raw bytes of the answer are
# nothing but HTTP and the statuses are WANT ("200", "100 200")
raw() {
	# shellcheck disable=SC2086 # $5 is an optional flag
	$CLIENT raw "$2" "$3" "$T/raw.out" $5
	same "$1" "$($CLIENT check "$T/raw.out" 2>&1)" "$4"
}

# names DIR: the names of the non-payload variables the hook got, but the
# scheme, event and delivery ids inhook adds when a sender has them
names() {
	grep -Ev '^(WEBHOOK_|INHOOK_(SCHEME|EVENT|DELIVERY)=)' "$1/env" | cut -d= -f1 |
	    LC_ALL=C sort | tr '\n' ' ' | sed 's/ $//'
}
fds() { LC_ALL=C sort -n "$1/fds" | tr '\n' ' ' | sed 's/ $//'; }

body4m="$T/body4m"
head -c 4194304 /dev/zero | tr '\0' 'a' > "$body4m"
printf 'hello\r\n\r\n' > "$T/garbage.req"
printf 'GET / HTTP/1.1\r\nHost: localhost\r\n\r\n' > "$T/get.req"
rawpost "$SAMPLE" > "$T/good.req"
rawpost "$SAMPLE" "sha256:$(printf '%064d' 0)" > "$T/badsig.req"
{
	printf 'POST /webhook HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n'
	printf 'Expect: 100-continue\r\nX-JobServ-Sig: %s\r\nContent-Length: %d\r\n\r\n' \
	    "$(sign "$SAMPLE")" "$(wc -c < "$SAMPLE")"
	cat "$SAMPLE"
} > "$T/expect.req"
printf 'NotTheSecret\n' > "$T/wrongsecret"
size=$(wc -c < "$SAMPLE" | tr -d ' ')

# --- what every supervisor must get right ------------------------------

# deliveries TAG PORT DIR: the common cases; the hook records into DIR
deliveries() {
	tag=$1 port=$2 d=$3 url="http://127.0.0.1:$2/webhook"

	fresh "$d"
	same "$tag: python-requests (JobServ) status" \
	    "$($CLIENT jobserv "$url" "$SECRET" "$SAMPLE" "$T/sent" 2>&1)" 200
	same "$tag: python-requests hook ran once" "$(runs "$d")" 1
	check "$tag: python-requests hook stdin is the exact body" cmp -s "$T/sent" "$d/stdin"
	same "$tag: WEBHOOK_BUILD_ID" "$(val "$d" WEBHOOK_BUILD_ID)" 67
	same "$tag: WEBHOOK_STATUS" "$(val "$d" WEBHOOK_STATUS)" PASSED
	same "$tag: WEBHOOK_RUNS_COUNT" "$(val "$d" WEBHOOK_RUNS_COUNT)" 3
	same "$tag: WEBHOOK_RUNS_0_NAME" "$(val "$d" WEBHOOK_RUNS_0_NAME)" build-amd64-partner
	same "$tag: WEBHOOK_RUNS_2_HOST_TAG" "$(val "$d" WEBHOOK_RUNS_2_HOST_TAG)" amd64-partner
	grep '^WEBHOOK_' "$d/env" | LC_ALL=C sort > "$T/got.vars"
	$CLIENT flatten WEBHOOK_ "$T/sent" | LC_ALL=C sort > "$T/want.vars"
	check "$tag: every WEBHOOK_ variable, exactly" cmp -s "$T/got.vars" "$T/want.vars"
	same "$tag: REQUEST_METHOD" "$(val "$d" REQUEST_METHOD)" POST
	same "$tag: REQUEST_URI" "$(val "$d" REQUEST_URI)" /webhook
	same "$tag: QUERY_STRING" "$(grep -c '^QUERY_STRING=$' "$d/env")" 1
	same "$tag: CONTENT_TYPE" "$(val "$d" CONTENT_TYPE)" application/json
	same "$tag: CONTENT_LENGTH" "$(val "$d" CONTENT_LENGTH)" "$(wc -c < "$T/sent" | tr -d ' ')"
	same "$tag: REMOTE_ADDR" "$(val "$d" REMOTE_ADDR)" 127.0.0.1
	rp=$(val "$d" REMOTE_PORT)
	case "$rp" in
	''|*[!0-9]*) nok "$tag: REMOTE_PORT is a port"; echo "#   got: $rp" ;;
	*) ok "$tag: REMOTE_PORT is a port" ;;
	esac
	same "$tag: PATH" "$(val "$d" PATH)" "$DEFPATH"
	# inhook also names the signature scheme (and a sender's event and
	# delivery ids, which JobServ does not send)
	same "$tag: only the documented variables" "$(names "$d")" "$DOC"
	case "$(grep '^INHOOK_' "$d/env" | tr '\n' ' ')" in
	''|'INHOOK_SCHEME=jobserv ') ok "$tag: INHOOK_SCHEME, if set, is jobserv" ;;
	*) nok "$tag: INHOOK_SCHEME, if set, is jobserv"; grep '^INHOOK_' "$d/env" | sed 's/^/#   /' ;;
	esac
	same "$tag: hook ran as the expected user" "$(cat "$d/uid")" "$uid"
	same "$tag: hook's descriptors are 0-2 only" "$(fds "$d")" "0 1 2"
	same "$tag: hook's signal mask and ignored set are empty" \
	    "$(tr -s ' \t' ' ' < "$d/sig")" "SigBlk: $ZERO
SigIgn: $ZERO"

	fresh "$d"
	same "$tag: python-requests, wrong secret: 403" \
	    "$($CLIENT jobserv "$url" "$T/wrongsecret" "$SAMPLE" "$T/sent" 2>&1)" 403
	same "$tag: wrong secret: hook did not run" "$(runs "$d")" 0

	fresh "$d"
	same "$tag: curl plain POST status" "$(post "$url" "$SAMPLE")" 200
	same "$tag: curl plain POST hook ran once" "$(runs "$d")" 1
	check "$tag: curl plain POST stdin is the exact body" cmp -s "$SAMPLE" "$d/stdin"
	same "$tag: curl plain POST CONTENT_LENGTH" "$(val "$d" CONTENT_LENGTH)" "$size"

	fresh "$d"
	same "$tag: curl Expect: 100-continue status" \
	    "$(post "$url" "$SAMPLE" -H 'Expect: 100-continue')" 200
	same "$tag: curl got one 100 Continue" \
	    "$(grep -c '^< HTTP/1.1 100 Continue' "$T/curl.err")" 1
	same "$tag: curl Expect hook ran once" "$(runs "$d")" 1
	check "$tag: curl Expect stdin is the exact body" cmp -s "$SAMPLE" "$d/stdin"

	fresh "$d"
	same "$tag: curl chunked status" \
	    "$(post "$url" "$SAMPLE" -H 'Transfer-Encoding: chunked')" 200
	same "$tag: curl really sent it chunked" \
	    "$(grep -ci '^> Transfer-Encoding: chunked' "$T/curl.err")" 1
	same "$tag: curl chunked hook ran once" "$(runs "$d")" 1
	check "$tag: curl chunked stdin is the exact body" cmp -s "$SAMPLE" "$d/stdin"
	same "$tag: curl chunked CONTENT_LENGTH is the decoded length" \
	    "$(val "$d" CONTENT_LENGTH)" "$size"

	fresh "$d"
	same "$tag: curl wrong signature: 403" \
	    "$(post_sig "$url" "$SAMPLE" "$(sign "$T/get.req")")" 403
	same "$tag: curl wrong signature: hook did not run" "$(runs "$d")" 0

	fresh "$d"
	same "$tag: curl 4 MiB body, sent at once: client reads 413" \
	    "$(post "$url" "$body4m" -H 'Expect:')" 413
	same "$tag: curl 4 MiB body, with Expect: client reads 413" \
	    "$(post "$url" "$body4m" -H 'Expect: 100-continue')" 413
	same "$tag: 4 MiB with Expect: no 100 Continue" \
	    "$(grep -c '^< HTTP/1.1 100' "$T/curl.err")" 0
	same "$tag: 4 MiB: hook did not run" "$(runs "$d")" 0

	fresh "$d"
	raw "$tag: raw client, good POST: nothing but HTTP, 200" "$port" "$T/good.req" 200
	same "$tag: raw client, good POST: hook ran once" "$(runs "$d")" 1
	same "$tag: raw client: no hook output on the connection" \
	    "$(grep -c 'hook output' "$T/raw.out")" 0
	raw "$tag: raw client, Expect: nothing but HTTP, 100 then 200" \
	    "$port" "$T/expect.req" "100 200" --expect
	raw "$tag: raw client, bad signature: nothing but HTTP, 403" "$port" "$T/badsig.req" 403
	raw "$tag: raw client, garbage: nothing but HTTP, 400" "$port" "$T/garbage.req" 400
	raw "$tag: raw client, GET /: nothing but HTTP, 200" "$port" "$T/get.req" 200
	same "$tag: raw client: no log line on the connection" \
	    "$(grep -c 'inhook\[' "$T/raw.out")" 0
	same "$tag: raw cases ran the hook twice in all" "$(runs "$d")" 2

	# A hook that leaves a child with its stdout and stderr: the answer
	# and the close come anyway (curl gives up after 10 s, the child
	# lives 30 s).
	fresh "$d"
	same "$tag: background child: answered" \
	    "$(post "$url?mode=bg" "$SAMPLE" --max-time 10)" 200
	if wait_for test -s "$d/child.pid"; then
		check "$tag: background child: still running after the answer" \
		    alive "$(cat "$d/child.pid")"
		kill -9 "$(cat "$d/child.pid")" 2>/dev/null
	else
		nok "$tag: background child: started"
	fi
}

# --- systemd-socket-activate -----------------------------------------

if command -v systemd-socket-activate >/dev/null; then
	d="$T/sa"
	mkdir -p "$d"
	port=$($CLIENT freeport)
	# The activator hands TERM, PATH, USER and HOME on to inhook.
	# (it passes on nothing else but what -E names: the sanitizer options)
	sae=""
	for v in $SANENV; do
		sae="$sae -E $v"
	done
	# Some signals start ignored, as a careless parent may leave them;
	# ignored dispositions survive execve, so inhook inherits them and
	# must not hand them on to the hook.
	# shellcheck disable=SC2086 # $sae is a list
	(trap '' $IGNORED; exec env -i PATH="$PATH" HOME=/root USER=root \
	    TERM=xterm FOO=bar \
	    systemd-socket-activate --inetd --accept $sae -l "127.0.0.1:$port" \
	    "$INHOOK" --log-stderr --hook-timeout 2 --secret-file "$SECRET" \
	    -- "$T/hook" "$d" 2>"$T/sa.log") &
	PIDS="$PIDS $!"
	if wait_for listening "$port"; then
		ok "sa: systemd-socket-activate listens"
		uid=0
		deliveries sa "$port" "$d"

		# --hook-timeout kills the hook and its child (the whole
		# process group); meanwhile, inhook itself had the polluted
		# environment that the hook did not get.
		fresh "$d"
		post "http://127.0.0.1:$port/webhook?mode=hang" "$SAMPLE" \
		    > "$T/hang.status" &
		cpid=$!
		if wait_for test -s "$d/hook.pid"; then
			hp=$(cat "$d/hook.pid")
			ip=$(awk '{ print $4 }' "/proc/$hp/stat" 2>/dev/null)
			same "sa: inhook itself got the activator's environment" \
			    "$(tr '\0' '\n' < "/proc/$ip/environ" 2>/dev/null | grep -c '^HOME=/root$')" 1
			ign=$(sed -n 's/^SigIgn:[[:space:]]*//p' "/proc/$ip/status" 2>/dev/null)
			case "$ign" in
			''|"$ZERO") nok "sa: inhook itself started with signals ignored"
			    echo "#   SigIgn: $ign" ;;
			*) ok "sa: inhook itself started with signals ignored" ;;
			esac
		else
			nok "sa: hung hook started"
		fi
		wait "$cpid"
		same "sa: --hook-timeout: 504" "$(cat "$T/hang.status")" 504
		same "sa: --hook-timeout: hook ran once" "$(runs "$d")" 1
		if [ -s "$d/hook.pid" ] && [ -s "$d/child.pid" ]; then
			check "sa: --hook-timeout: the hook is gone" \
			    wait_for dead "$(cat "$d/hook.pid")"
			check "sa: --hook-timeout: its background child is gone too" \
			    wait_for dead "$(cat "$d/child.pid")"
		else
			nok "sa: --hook-timeout: hook and child wrote their pids"
		fi

		# with --log-stderr the hook's output goes to the same fd 2
		check "sa: the log has the hook's output" \
		    grep -q '^hook output on stdout$' "$T/sa.log"
		check "sa: the log has the 403" \
		    grep -q 'method=POST target="/webhook" status=403' "$T/sa.log"
		check "sa: the log has the 504" \
		    grep -q 'status=504 .*hook=timeout' "$T/sa.log"
	else
		nok "sa: systemd-socket-activate listens"
		sed 's/^/#   /' "$T/sa.log"
	fi
else
	ok "sa: systemd-socket-activate # skip not installed"
fi

# --- xinetd, from the shipped stanza ------------------------------------

if command -v xinetd >/dev/null; then
	d="$T/xi"
	mkdir -p "$d"
	chown nobody "$d"
	cp "$SECRET" "$T/xsecret"
	chown nobody "$T/xsecret"
	chmod 600 "$T/xsecret"
	port=$($CLIENT freeport)
	conf="$T/xinetd.conf"
	sed -e "s|^\([[:space:]]*port[[:space:]]*=\).*|\1 $port|" \
	    -e "s|^\([[:space:]]*bind[[:space:]]*=\).*|\1 127.0.0.1|" \
	    -e "s|^\([[:space:]]*user[[:space:]]*=\).*|\1 nobody|" \
	    -e "s|/usr/local/bin/inhook|$T/inhook|" \
	    -e "s|/etc/inhook/secret|$T/xsecret|" \
	    -e "s|/usr/local/lib/inhook/hook|$T/hook $d|" \
	    "$TOP/xinetd/inhook" > "$conf"
	if [ -n "$SANENV" ]; then
		sed "s|^\([[:space:]]*\)passenv\([[:space:]]*\)=.*|&\n\1env\2= $SANENV|" \
		    "$conf" > "$conf.san" && mv "$conf.san" "$conf"
	fi
	# the substitutions must all have happened, or we test something else
	n=0
	for want in "port *= $port\$" "bind *= 127.0.0.1\$" "user *= nobody\$" \
	    "server *= $T/inhook\$" \
	    "server_args *= --secret-file $T/xsecret -- $T/hook $d\$" \
	    "passenv *=\$"; do
		grep -q "^[[:space:]]*$want" "$conf" && n=$((n + 1))
	done
	same "xi: the shipped stanza has port, bind, user, server, server_args, passenv" "$n" 6
	# shellcheck disable=SC2086 # $IGNORED is a list
	(trap '' $IGNORED; exec env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin \
	    HOME=/root LANG=C.UTF-8 FOO=bar SHELL=/bin/bash IFS=x \
	    CREDENTIALS_DIRECTORY="$T" \
	    xinetd -dontfork -filelog "$T/xinetd.log" -f "$conf" \
	    -pidfile "$T/xinetd.pid" 2>"$T/xinetd.err") &
	PIDS="$PIDS $!"
	if wait_for listening "$port"; then
		ok "xi: xinetd listens"
		# xinetd's own messages: the stanza parsed without complaint
		same "xi: xinetd read the stanza without an error or warning" \
		    "$(grep -E 'ERROR|WARNING' "$T/xinetd.log" "$T/xinetd.err")" ""
		same "xi: xinetd started one service" \
		    "$(grep -c 'Started working: 1 available service' "$T/xinetd.log")" 1
		uid=$(id -u nobody)
		deliveries xi "$port" "$d"
	else
		nok "xi: xinetd listens"
		sed 's/^/#   /' "$T/xinetd.log" "$T/xinetd.err"
	fi
else
	ok "xi: xinetd # skip not installed"
fi

# --- a supervisor that does not accept for inhook ---------------------
# systemd-socket-activate without --accept hands over the listening socket.
# As fd 0 (--inetd, xinetd's wait = yes): inhook must say so in its log and
# exit 100, not serve or hang. As fd 3 with LISTEN_FDS (systemd Accept=no):
# inhook is the listener and serves it (tests/listen has the rest).
if command -v systemd-socket-activate >/dev/null; then
	for mode in --inetd ""; do
		port=$($CLIENT freeport)
		# shellcheck disable=SC2086 # $mode may be empty
		systemd-socket-activate $mode -l "127.0.0.1:$port" \
		    "$T/inhook" --log-stderr --secret-file "$SECRET" -- /bin/true \
		    2>"$T/noaccept.err" &
		apid=$!
		PIDS="$PIDS $apid"
		wait_for listening "$port" || nok "no-accept ${mode:-fds}: listens"
		code=$(curl -s -m 5 -o /dev/null -w '%{http_code}' "http://127.0.0.1:$port/")
		if [ -n "$mode" ]; then
			wait_for grep -q "listening socket" "$T/noaccept.err"
			same "no-accept $mode: inhook logs the misconfiguration" \
			    "$(grep -c "fd 0 is a listening socket" "$T/noaccept.err")" 1
		else
			same "Accept=no (LISTEN_FDS): served as a listener" "$code" 200
			check "Accept=no: logs the socket it serves" \
			    grep -q "listening on 127.0.0.1:$port" "$T/noaccept.err"
		fi
		kill "$apid" 2>/dev/null; wait "$apid" 2>/dev/null || :
	done
fi

# --- Accept=yes without StandardInput=socket ----------------------------
# systemd-socket-activate --accept without --inetd: the connection is fd 3
# with LISTEN_FDS=1 and LISTEN_PID inhook's own. inhook serves it.
if command -v systemd-socket-activate >/dev/null; then
	port=$($CLIENT freeport)
	mkdir -p "$T/fd3"
	systemd-socket-activate --accept -l "127.0.0.1:$port" \
	    "$T/inhook" --log-stderr --secret-file "$SECRET" -- "$T/hook" "$T/fd3" \
	    2>"$T/fd3.err" &
	apid=$!
	PIDS="$PIDS $apid"
	wait_for listening "$port" || nok "accept fd 3: listens"
	got=$(curl -s -m 10 -o /dev/null -w '%{http_code}' \
	    -H 'Content-Type: application/json' \
	    -H "X-JobServ-Sig: $(sign "$SAMPLE")" --data-binary @"$SAMPLE" \
	    "http://127.0.0.1:$port/webhook")
	same "accept fd 3: a delivery gets 200" "$got" 200
	same "accept fd 3: the hook ran once" "$(runs "$T/fd3")" 1
	same "accept fd 3: REMOTE_ADDR" \
	    "$(grep '^REMOTE_ADDR=' "$T/fd3/env" 2>/dev/null)" "REMOTE_ADDR=127.0.0.1"
	same "accept fd 3: no LISTEN_ variable reaches the hook" \
	    "$(grep -c '^LISTEN_' "$T/fd3/env" 2>/dev/null)" 0
	kill "$apid" 2>/dev/null; wait "$apid" 2>/dev/null || :
fi

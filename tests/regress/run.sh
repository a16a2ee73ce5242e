#!/bin/sh
# tests/regress/run.sh: one regression test (or more) for each defect an
# outside audit found, through the real binary; each failed before its fix.
#   chunked   a framing error after the body buffer filled wrote past it
#             (stale decoder output used before its status was checked)
#   signals   SIGCHLD ignored or SIGALRM blocked at start
#   fifo      a secret file that is a FIFO hung every POST
#   kill      the hook outlived a killed inhook, and its locks went early
#   prefix    a --prefix under which LD_PRELOAD or BASH_ENV could be set
#   peer      REMOTE_ADDR from the supervisor's variables; [v6]:port in logs
#   head      userinfo in Host, two Content-Type fields
#   log       no /dev/log: the log goes to fd 2 rather than nowhere
# Pipe mode unless said: the request on stdin, the answer on stdout.
. "$(dirname "$0")/../lib.sh"

[ -x "$INHOOK" ] || { nok "regress: $INHOOK is built"; exit 1; }
mkhook "$T/h"
ZEROS=0000000000000000000000000000000000000000000000000000000000000000
CHILDREN=""
cleanup() {
	for p in $CHILDREN; do kill -9 "$p" 2>/dev/null; done
	for f in "$T"/*/sleeppid; do [ -f "$f" ] && kill -9 "$(cat "$f")" 2>/dev/null; done
	rm -rf "$T"
}
trap cleanup EXIT

# ccbytes N: N bytes of 0xcc
ccbytes() { head -c "$1" /dev/zero | tr '\000' '\314'; }

# chunk_head: a chunked POST's head with a well-formed signature of zeros
chunk_head() {
	printf 'POST /webhook HTTP/1.1\r\nHost: h\r\nContent-Type: application/json\r\n'
	printf 'Transfer-Encoding: chunked\r\nX-JobServ-Sig: sha256:%s\r\n\r\n' "$ZEROS"
}

# run_inhook NAME ARGS...: stdin to inhook, answer in $T/NAME.resp, log in
# $T/NAME.log, exit status in $T/NAME.rc; the hook records into $T/h
run_inhook() {
	_n=$1; shift
	rm -f "$T/h/runs"
	"$INHOOK" --log-stderr --secret-file "$SECRET" "$@" -- "$T/h/hook" \
	    > "$T/$_n.resp" 2> "$T/$_n.log"
	echo $? > "$T/$_n.rc"
}

# --- chunked: framing error once the body buffer is full -------------------
# The chunk is exactly --max-body; its data comes in two writes, so that one
# read ends exactly at the limit; then 0xcc where the CRLF should be.
for max in 64 4096 1048576; do
	half=$((max / 2))
	{
		chunk_head
		printf '%x\r\n' "$max"
		ccbytes "$half"
		sleep 0.3
		ccbytes $((max - half))
		sleep 0.3
		ccbytes 16384
	} | run_inhook "split$max" --max-body "$max"
	same "chunked: --max-body $max, split at the limit, then garbage: exit 0" \
	    "$(cat "$T/split$max.rc")" 0
	same "chunked: --max-body $max, split at the limit, then garbage: 400" \
	    "$(status < "$T/split$max.resp")" 400
	check "chunked: --max-body $max: logged as bad framing" \
	    grep -q 'reason="bad chunked framing"' "$T/split$max.log"
	same "chunked: --max-body $max: the hook did not run" "$(runs "$T/h")" 0
	# the same bytes in one write: the decoder's first call fails
	{ chunk_head; printf '%x\r\n' "$max"; ccbytes "$max"; ccbytes 16384; } |
	    run_inhook "one$max" --max-body "$max"
	same "chunked: --max-body $max, one write: 400, exit 0" \
	    "$(status < "$T/one$max.resp") $(cat "$T/one$max.rc")" "400 0"
	# a chunk one byte over the limit, after a first one that filled half
	{ chunk_head; printf '%x\r\n' "$half"; ccbytes "$half"; printf '\r\n'
	  printf '%x\r\n' $((max - half + 1)); ccbytes 100; } |
	    run_inhook "over$max" --max-body "$max"
	same "chunked: --max-body $max, over the limit: 413, exit 0" \
	    "$(status < "$T/over$max.resp") $(cat "$T/over$max.rc")" "413 0"
	check "chunked: --max-body $max, over the limit: logged as too large" \
	    grep -q 'reason="chunked body over --max-body"' "$T/over$max.log"
done
# a chunked body that fills --max-body exactly and is signed: still 200
head -c 4096 /dev/zero | tr '\000' ' ' > "$T/sp4096"
printf '{"a":1}' | dd of="$T/sp4096" conv=notrunc 2>/dev/null
{
	printf 'POST /webhook HTTP/1.1\r\nHost: h\r\nContent-Type: application/json\r\n'
	printf 'Transfer-Encoding: chunked\r\nX-JobServ-Sig: %s\r\n\r\n' "$(sign "$T/sp4096")"
	printf '800\r\n'; head -c 2048 "$T/sp4096"; sleep 0.2
	printf '\r\n800\r\n'; tail -c 2048 "$T/sp4096"; sleep 0.2
	printf '\r\n0\r\n\r\n'
} | run_inhook full --max-body 4096
same "chunked: exactly --max-body, split, signed: 200, hook ran once" \
    "$(status < "$T/full.resp") $(runs "$T/h")" "200 1"

# --- signals inhook relies on, whatever it inherits ------------------------
# coreutils' env sets them before exec (9.0 and later)
if env --ignore-signal=CHLD true 2>/dev/null; then
	rawpost "$SAMPLE" > "$T/sample.req"
	rm -f "$T/h/runs"
	t0=$(date +%s)
	env --ignore-signal=CHLD "$INHOOK" --log-stderr --secret-file "$SECRET" \
	    --hook-timeout 5 -- "$T/h/hook" < "$T/sample.req" > "$T/chld.resp" 2>"$T/chld.log"
	t1=$(date +%s)
	same "signals: SIGCHLD ignored at start: 200" "$(status < "$T/chld.resp")" 200
	check "signals: SIGCHLD ignored at start: answered before --hook-timeout" \
	    test $((t1 - t0)) -lt 4
	same "signals: SIGCHLD ignored at start: the hook ran once" "$(runs "$T/h")" 1
	# SIGALRM blocked: a --lock wait still ends at --lock-wait
	rm -f "$T/h/runs"
	(exec 9>"$T/alrm.lock"; flock 9; touch "$T/alrm.held"; sleep 4) &
	CHILDREN="$CHILDREN $!"
	wait_for test -f "$T/alrm.held"
	t0=$(date +%s)
	env --block-signal=ALRM "$INHOOK" --log-stderr --secret-file "$SECRET" \
	    --lock "$T/alrm.lock" --lock-wait 1 -- "$T/h/hook" < "$T/sample.req" \
	    > "$T/alrm.resp" 2>"$T/alrm.log"
	t1=$(date +%s)
	same "signals: SIGALRM blocked, --lock busy: 503" "$(status < "$T/alrm.resp")" 503
	check "signals: SIGALRM blocked: the wait ended at --lock-wait" \
	    test $((t1 - t0)) -lt 3
else
	ok "signals: SIGCHLD ignored, SIGALRM blocked # skip env has no --ignore-signal"
fi

# --- a secret file that is a FIFO -----------------------------------------
rawpost "$SAMPLE" > "$T/sample.req"
mkfifo -m 600 "$T/fifo"
ln -s "$T/fifo" "$T/fifo-link"
ln -s "$SECRET" "$T/secret-link"
for s in fifo fifo-link; do
	t0=$(date +%s)
	timeout 5 "$INHOOK" --log-stderr --secret-file "$T/$s" -- "$T/h/hook" \
	    < "$T/sample.req" > "$T/$s.resp" 2> "$T/$s.log"
	t1=$(date +%s)
	same "fifo: --secret-file a $s: 500 at once" \
	    "$(status < "$T/$s.resp") $((t1 - t0 < 2))" "500 1"
	check "fifo: --secret-file a $s: the log says why" \
	    grep -q 'reason="secret file is not a regular file"' "$T/$s.log"
done
"$INHOOK" --log-stderr --secret-file "$T/secret-link" -- "$T/h/hook" \
    < "$T/sample.req" > "$T/link.resp" 2> "$T/link.log"
same "fifo: a symlink to a regular secret file still works" \
    "$(status < "$T/link.resp")" 200

# --- the hook dies with a killed inhook, and holds its locks till then ------
# The hook runs a child (sleep) in its group and records when it ends. inhook
# is killed with SIGKILL while the hook runs: the hook and its child must be
# gone before a second delivery can take the --lock, and never finish.
cat > "$T/slow" <<EOF
#!/bin/sh
d=\$1
echo "start \$\$" >> "\$d/log"
sleep 4 &
echo \$! > "\$d/sleeppid"
wait
echo "end \$\$" >> "\$d/log"
EOF
chmod 755 "$T/slow"
# alive PID: the process runs (a zombie, killed but not yet reaped, does not)
alive() {
	[ -r "/proc/$1/stat" ] &&
	    [ "$(sed 's/^.*) \(.\).*/\1/' "/proc/$1/stat" 2>/dev/null)" != Z ]
}
# kill_case NAME INHOOK-ARGS...: first delivery killed mid-hook, then a second
kill_case() {
	_n=$1; shift
	_d="$T/$_n"
	mkdir -p "$_d"
	"$INHOOK" --log-stderr --secret-file "$SECRET" "$@" -- "$T/slow" "$_d" \
	    < "$T/sample.req" > "$_d/resp1" 2> "$_d/log1" &
	_p=$!
	CHILDREN="$CHILDREN $_p"
	wait_for test -s "$_d/sleeppid" || nok "kill $_n: the hook started"
	sleep 0.5
	kill -9 "$_p"
	wait "$_p" 2>/dev/null
	_sp=$(cat "$_d/sleeppid")
	"$INHOOK" --log-stderr --secret-file "$SECRET" "$@" -- "$T/h/hook" \
	    < "$T/sample.req" > "$_d/resp2" 2> "$_d/log2"
	# anything of the first hook still alive now overlaps the second
	if alive "$_sp"; then
		nok "kill $_n: the killed inhook's hook tree is gone before the next delivery"
	else
		ok "kill $_n: the killed inhook's hook tree is gone before the next delivery"
	fi
	sleep 4
	same "kill $_n: the first hook never finished" "$(grep -c '^end' "$_d/log")" 0
}
rm -f "$T/h/runs"
kill_case lock --lock "$T/klock" --lock-wait 10
same "kill lock: the second delivery ran its hook: 200" "$(status < "$T/lock/resp2")" 200
rm -f "$T/h/runs"
kill_case dedupe --dedupe "$T/kdd"
# the first run was killed undecided: the sender's retry runs it, once
same "kill dedupe: the retry runs the killed delivery: 200, once" \
    "$(status < "$T/dedupe/resp2") $(runs "$T/h")" "200 1"
rm -f "$T/h/runs"
kill_case spool --spool "$T/ksp"
same "kill spool: the retry runs the killed delivery: 200" \
    "$(status < "$T/spool/resp2")" 200

# --- a --prefix that would let the payload set the loader's variables ------
for p in LD_ BASH L GIT_ PYTHON TMPDIR; do
	"$INHOOK" --secret-file "$SECRET" --prefix "$p" -- /bin/true \
	    < /dev/null > /dev/null 2> "$T/prefix.err"
	rc=$?
	same "prefix: --prefix $p refused at start (exit 100)" "$rc" 100
	check "prefix: --prefix $p: the message names the variable" \
	    grep -q 'a payload field could then set' "$T/prefix.err"
done

# --- the peer's address from the supervisor's variables ---------------------
# pipe mode: fd 0 is not a socket, so the variables are read
peer_case() {
	_n=$1 _want=$2; shift 2
	env "$@" "$INHOOK" --log-stderr --secret-file "$SECRET" -- "$T/h/hook" \
	    < "$T/sample.req" > "$T/peer.resp" 2> "$T/peer.log"
	same "peer: $_n: REMOTE_ADDR REMOTE_PORT" \
	    "$(sed -n 's/^REMOTE_ADDR=//p' "$T/h/env") $(sed -n 's/^REMOTE_PORT=//p' "$T/h/env")" \
	    "$_want"
}
peer_case "UCSPI TCPREMOTEIP" "10.1.2.3 4567" TCPREMOTEIP=10.1.2.3 TCPREMOTEPORT=4567
peer_case "socat SOCAT_PEERADDR" "192.0.2.9 80" SOCAT_PEERADDR=192.0.2.9 SOCAT_PEERPORT=80
peer_case "an IPv4-mapped address as IPv4" "10.0.0.1 9" \
    TCPREMOTEIP=::ffff:10.0.0.1 TCPREMOTEPORT=9
peer_case "socat's bracketed, full IPv6 form of a mapped address" "127.0.0.1 7" \
    "SOCAT_PEERADDR=[0000:0000:0000:0000:0000:ffff:7f00:0001]" SOCAT_PEERPORT=7
peer_case "IPv6, in its short form" "2001:db8::1 9" \
    TCPREMOTEIP=2001:0db8:0:0:0:0:0:1 TCPREMOTEPORT=9
check "peer: an IPv6 peer is logged as [addr]:port" \
    grep -q 'peer=\[2001:db8::1\]:9 ' "$T/peer.log"
peer_case "a malformed address is not used" " " \
    "TCPREMOTEIP=1.2.3.4; evil" TCPREMOTEPORT=1
peer_case "a malformed port is not used" " " TCPREMOTEIP=1.2.3.4 TCPREMOTEPORT=99999
check "peer: unknown peer logged as -" grep -q 'peer=- ' "$T/peer.log"

# --- the head: Host and Content-Type ----------------------------------------
head_case() {
	_n=$1 _want=$2 _fields=$3
	printf 'POST /webhook HTTP/1.1\r\n%bContent-Length: %d\r\nX-JobServ-Sig: %s\r\n\r\n' \
	    "$_fields" "$(wc -c < "$SAMPLE")" "$(sign "$SAMPLE")" > "$T/hc.req"
	cat "$SAMPLE" >> "$T/hc.req"
	"$INHOOK" --log-stderr --secret-file "$SECRET" -- /bin/true \
	    < "$T/hc.req" > "$T/hc.resp" 2> /dev/null
	same "head: $_n: $_want" "$(status < "$T/hc.resp")" "$_want"
}
CT='Content-Type: application/json\r\n'
head_case "Host with userinfo" 400 "Host: user@example.com\r\n$CT"
head_case "Host with user:password" 400 "Host: u:p@example.com:80\r\n$CT"
head_case "Host empty (a valid empty reg-name)" 200 "Host:\r\n$CT"
head_case "Host name:port" 200 "Host: example.com:9000\r\n$CT"
head_case "two Content-Type fields" 400 \
    "Host: h\r\n${CT}Content-Type: application/x-www-form-urlencoded\r\n"

# --- no syslog: the log goes to fd 2, not nowhere -----------------------------
if [ -S /dev/log ]; then
	ok "log: no /dev/log, the line goes to fd 2 # skip this machine has /dev/log"
else
	"$INHOOK" --secret-file "$SECRET" -- /bin/true < "$T/sample.req" \
	    > "$T/nolog.resp" 2> "$T/nolog.log"
	check "log: no /dev/log and no --log-stderr: the line goes to fd 2" \
	    grep -q 'status=200' "$T/nolog.log"
fi

# --- fd 2 is the journal's stream: no second "inhook[PID]:" prefix ----------
# systemd sets JOURNAL_STREAM=DEV:INODE of the stream it gave as fd 2;
# journald adds the identifier itself and reads a "<N>" priority.
: > "$T/journal.log"
js=$(stat -c '%d:%i' "$T/journal.log")
JOURNAL_STREAM=$js "$INHOOK" --log-stderr --secret-file "$SECRET" -- /bin/true \
    < "$T/sample.req" > /dev/null 2>> "$T/journal.log"
check "journal: the line has journald's priority and no prefix of ours" \
    grep -q '^<6>peer=- method=POST .* status=200 ' "$T/journal.log"
JOURNAL_STREAM=1:2 "$INHOOK" --log-stderr --secret-file "$SECRET" -- /bin/true \
    < "$T/sample.req" > /dev/null 2> "$T/notjournal.log"
check "journal: another stream's JOURNAL_STREAM changes nothing" \
    grep -q '^inhook\[[0-9]*\]: peer=- ' "$T/notjournal.log"
# inhook-retry.service: fds 1 and 2 are the same journal stream. It is a
# log, not a connection: the lines still go there.
mkdir -p "$T/jr"
printf '#!/bin/sh\necho hook-says-hello >&2\nexit 1\n' > "$T/jr/hook"
chmod 755 "$T/jr/hook"
"$INHOOK" --log-stderr --secret-file "$SECRET" --spool "$T/jr/sp" -- "$T/jr/hook" \
    < "$T/sample.req" > /dev/null 2>&1
mkfifo "$T/jr.fifo"
cat "$T/jr.fifo" > "$T/jr.log" &
js=$(stat -c '%d:%i' "$T/jr.fifo")
JOURNAL_STREAM=$js "$INHOOK" spool retry --spool "$T/jr/sp" > "$T/jr.fifo" 2>&1
wait
check "journal: spool retry with fds 1 and 2 the journal: the hook's stderr is there" \
    grep -q 'hook-says-hello' "$T/jr.log"
same "journal: ... and never takes it for the connection" \
    "$(grep -c 'fd 2 is the connection' "$T/jr.log")" 0

# --- spool commands warn when the spool is not the running user's ---------
if [ "$(id -u)" = 0 ] && id nobody > /dev/null 2>&1; then
	mkdir -p "$T/own/sp/tmp" "$T/own/sp/new" "$T/own/sp/failed"
	"$INHOOK" spool list --spool "$T/own/sp" > /dev/null 2> "$T/own.err"
	same "owner: the running user's spool: no warning" "$(grep -c warning "$T/own.err")" 0
	chown -R nobody "$T/own/sp"
	"$INHOOK" spool list --spool "$T/own/sp" > /dev/null 2> "$T/own.err"
	check "owner: root on nobody's spool: a warning that names the service" \
	    grep -q 'warning: .* belongs to uid .*inhook-retry.service' "$T/own.err"
else
	ok "owner: spool owner warning # skip not root"
fi

# --- the staged close: a client that keeps sending and reads late ----------
# 413 is answered from Content-Length at once; the client pushes 3 MiB
# (past the 1 MiB drain) before it reads. inhook must not close (and reset)
# before the client could read the answer.
if command -v systemd-socket-activate > /dev/null && command -v python3 > /dev/null; then
	port=$(python3 "$TOP/tests/integration/client.py" freeport)
	systemd-socket-activate --inetd -a -l "127.0.0.1:$port" \
	    "$INHOOK" --log-stderr --secret-file "$SECRET" -- /bin/true \
	    2> "$T/slow.log" &
	CHILDREN="$CHILDREN $!"
	wait_for listening "$port"
	same "drain: a client that reads after 3 MiB still reads its 413" \
	    "$(python3 "$TOP/tests/regress/slowreader.py" "$port")" 413
else
	ok "drain: late reader # skip no systemd-socket-activate"
fi

#!/bin/sh
# tests/listen/run.sh: the listener (--listen, Accept=no) with real
# clients (curl, systemd-socket-activate): addresses, the per-connection
# path, secret rotation, --max-conns, --max-per-source, zombies,
# --idle-exit, SIGTERM with deliveries in progress and --stop-timeout,
# --user, logs, and hostile starts. Every wait is bounded.
# shellcheck source=tests/lib.sh
. "$(dirname "$0")/../lib.sh"
B="$SAMPLE"
SIG=$(sign "$B")
CURL="curl -s --max-time 30"

# post URL [SIG]: prints the status of a signed POST of the sample
post() {
	$CURL -o /dev/null -w '%{http_code}' -H "X-JobServ-Sig: ${2:-$SIG}" \
	    -H 'Content-Type: application/json' --data-binary @"$B" "$1"
}

# gone PID: true once PID has exited (a zombie until this shell waits)
gone() { [ ! -e "/proc/$1/stat" ] || [ "$(sed 's/.*) //' "/proc/$1/stat" | cut -c1)" = Z ]; }

# stopped PID: waits at most 10 s for PID to end; its exit status in RC
stopped() {
	RC=timeout
	wait_for gone "$1" || return 0
	wait "$1"; RC=$?
}

notlistening() { ! listening "$1"; }

# freeport: a port free on 127.0.0.1 and ::1 just now
freeport() {
	python3 -c 'import socket
s = socket.socket(socket.AF_INET6); s.bind(("::", 0)); print(s.getsockname()[1])'
}

H="$T/h"; mkhook "$H"
URL4() { echo "http://127.0.0.1:$PORT/webhook"; }

# --- addresses -------------------------------------------------------------
start_listener dual --listen :0 --secret-file "$SECRET" -- "$H/hook"
same "':PORT' IPv4 client" "$(post "$(URL4)")" 200
same "':PORT' IPv6 client" "$(post "http://[::1]:$PORT/webhook")" 200
same "':PORT' the hook got the payload" "$(grep '^WEBHOOK_BUILD_ID=' "$H/env")" "WEBHOOK_BUILD_ID=67"
check "':PORT' REMOTE_ADDR of an IPv6 client" grep -qx 'REMOTE_ADDR=::1' "$H/env"
kill "$LPID"; stopped "$LPID"; same "':PORT' SIGTERM when idle: exit 0" "$RC" 0
check "log: listening, stopping, stopped" sh -c "grep -q 'listening on \[::\]:' '$T/dual.log' &&
    grep -q 'stopping on SIGTERM: 0 in progress' '$T/dual.log' && grep -q 'stopped$' '$T/dual.log'"
check "log: one line per delivery, on stderr" test "$(grep -c 'status=200' "$T/dual.log")" -eq 2

for a in 0.0.0.0 127.0.0.1; do
	start_listener v4 --listen "$a:0" --secret-file "$SECRET" -- "$H/hook"
	same "'$a:PORT' delivery" "$(post "$(URL4)")" 200
	kill "$LPID"; wait "$LPID"
done
start_listener v6 --listen '[::1]:0' --secret-file "$SECRET" -- "$H/hook"
same "'[::1]:PORT' delivery" "$(post "http://[::1]:$PORT/webhook")" 200
same "'[::1]:PORT' no IPv4" "$(post "$(URL4)")" 000
kill "$LPID"; wait "$LPID"
# [::]:PORT is IPv6 only, so that 0.0.0.0:PORT can sit beside it
start_listener two --listen '[::]:0' --secret-file "$SECRET" -- "$H/hook"
p6=$PORT
kill "$LPID"; wait "$LPID"
start_listener two --listen "[::]:$p6" --listen "0.0.0.0:$p6" --secret-file "$SECRET" -- "$H/hook"
same "'[::]:P' and '0.0.0.0:P' together: IPv6" "$(post "http://[::1]:$p6/webhook")" 200
same "'[::]:P' and '0.0.0.0:P' together: IPv4" "$(post "http://127.0.0.1:$p6/webhook")" 200
kill "$LPID"; wait "$LPID"

for bad in 9000 localhost:9000 '[::1]9000' :70000 127.0.0.1: '[::1:9000' 1.2.3:80 ''; do
	"$INHOOK" --listen "$bad" --secret-file "$SECRET" -- "$H/hook" 2>"$T/bad" </dev/null
	same "--listen '$bad' refused (100)" "$?" 100
done
check "--listen error names the forms" grep -q 'want :PORT, IPV4:PORT or \[IPV6\]:PORT' "$T/bad"
start_listener busy --listen 127.0.0.1:0 --secret-file "$SECRET" -- "$H/hook"
"$INHOOK" --listen "127.0.0.1:$PORT" --secret-file "$SECRET" -- "$H/hook" 2>"$T/inuse" </dev/null
same "a port in use: exit 111" "$?" 111
check "a port in use: says why" grep -q "cannot listen on 127.0.0.1:$PORT: Address already in use" "$T/inuse"
kill "$LPID"; wait "$LPID"

# --- the per-connection path: the parent reads nothing, holds no secret -----
start_listener strace --listen 127.0.0.1:0 --secret-file "$SECRET" -- "$H/hook"
if command -v strace >/dev/null && [ -z "$INHOOK_SANITIZE" ]; then
	strace -q -y -p "$LPID" -e trace=read,readv,recvfrom,recvmsg,pread64,openat,accept4 -o "$T/strace" &
	spid=$!
	sleep 0.5
	same "strace: delivery" "$(post "$(URL4)")" 200
	same "strace: a second delivery" "$(post "$(URL4)")" 200
	kill "$spid"; wait "$spid" 2>/dev/null
	# its only reads are of its own pipe, where children say they closed
	check "the parent makes no open call, and reads nothing but its pipe" sh -c \
	    "! grep -E '^(read|readv|recv|pread|openat)' '$T/strace' | grep -qv '^read([0-9]*<pipe:'"
	check "the parent was traced: its two accept4 calls seen" test "$(grep -c '^accept4(.*) = [0-9]' "$T/strace")" -eq 2
else
	ok "the parent makes no read call # skip strace missing or sanitizer build"
fi
if [ -r "/proc/$LPID/mem" ] && [ -z "$INHOOK_SANITIZE" ]; then
	python3 - "$LPID" "$(cat "$SECRET")" > "$T/mem" 2>&1 <<'PY'
import sys, re
pid, secret = sys.argv[1], sys.argv[2].encode()
found = 0
with open(f"/proc/{pid}/maps") as m, open(f"/proc/{pid}/mem", "rb", 0) as mem:
    for line in m:
        r, perm = line.split()[:2]
        if "r" not in perm or "[vvar]" in line or "[vsyscall]" in line:
            continue
        a, b = (int(x, 16) for x in r.split("-"))
        try:
            mem.seek(a); data = mem.read(b - a)
        except OSError:
            continue
        found += data.count(secret)
print(found)
PY
	same "the parent's memory holds no copy of the secret" "$(cat "$T/mem")" 0
else
	ok "the parent's memory holds no copy of the secret # skip /proc/PID/mem not readable, or ASan's shadow"
fi
kill "$LPID"; wait "$LPID"

# --- secret rotation: each connection reads the file ---------------------------
cp "$SECRET" "$T/rot"
start_listener rot --listen 127.0.0.1:0 --secret-file "$T/rot" -- "$H/hook"
same "rotation: old secret before" "$(post "$(URL4)")" 200
echo NewSecretAfterRotation > "$T/rot.new"; chmod 600 "$T/rot.new"; mv "$T/rot.new" "$T/rot"
NEWSIG=$("$INHOOK" sign --secret-file "$T/rot" "$B")
same "rotation: the new secret verifies at once" "$(post "$(URL4)" "$NEWSIG")" 200
same "rotation: the old one no longer does" "$(post "$(URL4)")" 403
check "rotation: same listener, no restart" kill -0 "$LPID"
rm "$T/rot"
same "secret file gone: 500" "$(post "$(URL4)")" 500
kill "$LPID"; wait "$LPID"
start_listener nosec --listen 127.0.0.1:0 --secret-file "$T/missing" -- "$H/hook"
check "a missing secret is told at start" wait_for grep -q 'secret-file .*missing.*deliveries get 500' "$T/nosec.log"
kill "$LPID"; wait "$LPID"

# --- limits --------------------------------------------------------------------
# a hook that notes its start and end, to see how many ran at once
S="$T/slow"; mkdir -p "$S"
cat > "$S/hook" <<EOF
#!/bin/sh
cat > /dev/null
echo "\$(date +%s%N) 1" >> "$S/ev"
sleep "\${SLEEP:-1}"
echo "\$(date +%s%N) -1" >> "$S/ev"
EOF
chmod 755 "$S/hook"
maxrun() { sort -n "$S/ev" | awk '{ n += $2; if (n > m) m = n } END { print m + 0 }'; }

start_listener conns --listen 127.0.0.1:0 --max-conns 2 --secret-file "$SECRET" -- "$S/hook"
for i in 1 2 3 4 5 6; do post "$(URL4)" > "$T/c$i" & done
wait_for sh -c "test \$(cat $T/c? 2>/dev/null | grep -c 200) -eq 6"
same "--max-conns 2: all 6 answered 200" "$(cat "$T"/c? | tr -d '\n')" 200200200200200200
same "--max-conns 2: at most 2 hooks at once" "$(maxrun)" 2
check "--max-conns: the limit is logged" grep -q 'limit: --max-conns 2 reached' "$T/conns.log"
kill "$LPID"; wait "$LPID"

rm -f "$S/ev"
start_listener src --listen :0 --max-per-source 2 --secret-file "$SECRET" -- /usr/bin/env SLEEP=2 "$S/hook"
for i in 1 2 3 4; do $CURL -D "$T/p$i.h" -o /dev/null -H "X-JobServ-Sig: $SIG" -H 'Content-Type: application/json' --data-binary @"$B" "$(URL4)" & done
sleep 0.5
same "--max-per-source: another address is served meanwhile" \
    "$(post "http://[::1]:$PORT/webhook")" 200
wait_for sh -c "test \$(cat $T/p?.h 2>/dev/null | grep -c '^HTTP/1.1') -eq 4"
same "--max-per-source 2: two 200, two 503" \
    "$(cat "$T"/p?.h | grep '^HTTP/1.1' | cut -d' ' -f2 | sort | tr -d '\n')" 200200503503
check "--max-per-source: 503 has Retry-After" sh -c "grep -l '^HTTP/1.1 503' $T/p?.h | xargs grep -qi '^Retry-After: 5'"
check "--max-per-source: logged as a limit and per refusal" sh -c \
    "grep -q 'limit: --max-per-source 2 reached by 127.0.0.1' '$T/src.log' &&
     grep -q 'status=503 .*reason=\"over --max-per-source\"' '$T/src.log'"
kill "$LPID"; wait "$LPID"

# a client that never holds more than 8 connections, reconnecting as fast
# as it can, is not refused with --max-per-source 12: children that have
# ended are reaped before the count, not only at the next SIGCHLD (before
# that fix, a quarter of these got 503)
rawpost "$B" > "$T/req"
start_listener burst --listen 127.0.0.1:0 --max-per-source 12 --secret-file "$SECRET" -- /bin/true
python3 - "$PORT" "$T/req" > "$T/burst" <<'PY'
import socket, sys, threading
port, req = int(sys.argv[1]), open(sys.argv[2], "rb").read()
codes = {}
lock = threading.Lock()
def worker():
    for _ in range(75):
        s = socket.create_connection(("127.0.0.1", port), timeout=10)
        s.sendall(req)
        got = b""
        while True:
            b = s.recv(65536)
            if not b:
                break
            got += b
        s.close()
        code = got[9:12].decode() or "none"
        with lock:
            codes[code] = codes.get(code, 0) + 1
ts = [threading.Thread(target=worker) for _ in range(8)]
for t in ts: t.start()
for t in ts: t.join(60)
print(" ".join("%s:%d" % kv for kv in sorted(codes.items())))
PY
same "600 deliveries, 8 at a time, --max-per-source 12: all 200" "$(cat "$T/burst")" "200:600"
kill "$LPID"; wait "$LPID"

start_listener zomb --listen 127.0.0.1:0 --max-per-source 40 --secret-file "$SECRET" -- /bin/true
i=0 cp=""; while [ $i -lt 40 ]; do post "$(URL4)" > /dev/null & cp="$cp $!"; i=$((i + 1)); done
for p in $cp; do wait "$p"; done
sleep 0.3
kids() { ps -o pid=,stat= --ppid "$LPID" | wc -l | tr -d ' '; }
same "40 deliveries: no child or zombie left" "$(kids)" 0
check "40 deliveries: 40 answered 200" test "$(grep -c 'status=200' "$T/zomb.log")" -eq 40
kill "$LPID"; wait "$LPID"

# --- --idle-exit ---------------------------------------------------------------
start_listener idle --listen 127.0.0.1:0 --idle-exit 1 --secret-file "$SECRET" -- "$H/hook"
t0=$(date +%s%N)
stopped "$LPID"; same "--idle-exit 1: exit 0" "$RC" 0
t1=$(date +%s%N)
check "--idle-exit 1: after 1 to 3 s" test $(((t1 - t0) / 1000000)) -ge 900 -a $(((t1 - t0) / 1000000)) -lt 3000
check "--idle-exit: logged" grep -q 'idle for 1 s: exiting' "$T/idle.log"
start_listener idle2 --listen 127.0.0.1:0 --idle-exit 1 --secret-file "$SECRET" -- /usr/bin/env SLEEP=2 "$S/hook"
same "--idle-exit 1, hook of 2 s: delivered" "$(post "$(URL4)")" 200
check "--idle-exit: not while a delivery was in progress" kill -0 "$LPID"
stopped "$LPID"; same "--idle-exit: exits after" "$RC" 0

# --- stopping ------------------------------------------------------------------
start_listener term --listen 127.0.0.1:0 --secret-file "$SECRET" -- /usr/bin/env SLEEP=2 "$S/hook"
post "$(URL4)" > "$T/t1" &
cpid=$!
sleep 0.5
kill -TERM "$LPID"
sleep 0.2
check "SIGTERM: the port is closed at once" notlistening "$PORT"
wait "$cpid"
same "SIGTERM: the delivery in progress finished (200)" "$(cat "$T/t1")" 200
stopped "$LPID"; same "SIGTERM: exit 0 once it is done" "$RC" 0
check "SIGTERM: logged with 1 in progress" grep -q 'stopping on SIGTERM: 1 in progress' "$T/term.log"

start_listener int --listen 127.0.0.1:0 --secret-file "$SECRET" -- /usr/bin/env SLEEP=1 "$S/hook"
post "$(URL4)" > "$T/i1" & cpid=$!
sleep 0.3; kill -INT "$LPID"; wait "$cpid"
same "SIGINT: the delivery finished" "$(cat "$T/i1")" 200
stopped "$LPID"; same "SIGINT: exit 0" "$RC" 0

K="$T/k"; mkdir -p "$K"
cat > "$K/hook" <<EOF
#!/bin/sh
echo \$\$ > "$K/pid"
sleep 30
EOF
chmod 755 "$K/hook"
start_listener cut --listen 127.0.0.1:0 --stop-timeout 1 --secret-file "$SECRET" -- "$K/hook"
$CURL -D "$T/cut.h" -o /dev/null -H "X-JobServ-Sig: $SIG" -H 'Content-Type: application/json' --data-binary @"$B" "$(URL4)" & cpid=$!
wait_for test -s "$K/pid"
t0=$(date +%s%N)
kill -TERM "$LPID"
stopped "$LPID"; same "--stop-timeout 1: exit 0" "$RC" 0
t1=$(date +%s%N)
wait "$cpid"
check "--stop-timeout 1: stopped within 1 to 4 s" test $(((t1 - t0) / 1000000)) -ge 900 -a $(((t1 - t0) / 1000000)) -lt 4000
same "--stop-timeout: the cut delivery is answered 503" "$(head -n 1 "$T/cut.h" | cut -d' ' -f2)" 503
check "--stop-timeout: with Retry-After" grep -qi '^Retry-After: 5' "$T/cut.h"
check "--stop-timeout: the hook is gone" sh -c "! kill -0 $(cat "$K/pid") 2>/dev/null"
check "--stop-timeout: logged" sh -c "grep -q -- '--stop-timeout: ending 1' '$T/cut.log' &&
    grep -q 'status=503 .*hook=stopped .*reason=\"hook killed at --stop-timeout\"' '$T/cut.log'"

rm -f "$K/pid"
start_listener cutspool --listen 127.0.0.1:0 --stop-timeout 1 --spool "$T/spool" --secret-file "$SECRET" -- "$K/hook"
$CURL -D "$T/cs.h" -o /dev/null -H "X-JobServ-Sig: $SIG" -H 'Content-Type: application/json' --data-binary @"$B" "$(URL4)" & cpid=$!
wait_for test -s "$K/pid"
kill -TERM "$LPID"
stopped "$LPID"; same "--stop-timeout, --spool: exit 0" "$RC" 0
wait "$cpid"
same "--stop-timeout, --spool: answered 202" "$(head -n 1 "$T/cs.h" | cut -d' ' -f2)" 202
check "--stop-timeout, --spool: the entry stays spooled" sh -c \
    "'$INHOOK' spool list --spool '$T/spool' | grep -q stopped"

start_listener twice --listen 127.0.0.1:0 --stop-timeout 30 --secret-file "$SECRET" -- "$K/hook"
$CURL -o /dev/null -H "X-JobServ-Sig: $SIG" -H 'Content-Type: application/json' --data-binary @"$B" "$(URL4)" & cpid=$!
rm -f "$K/pid"; wait_for test -s "$K/pid"
kill -TERM "$LPID"; sleep 0.3; kill -TERM "$LPID"
stopped "$LPID"; same "a second SIGTERM cuts at once: exit 0" "$RC" 0
wait "$cpid"

# --- --user ------------------------------------------------------------------
if [ "$(id -u)" = 0 ]; then
	U="$T/u"; mkdir -p "$U"; chmod 777 "$U"
	cat > "$U/hook" <<EOF
#!/bin/sh
id -u > "$U/uid"; id -G > "$U/groups"
EOF
	chmod 755 "$U/hook"
	cp "$SECRET" "$T/usec"; chown 65534:65534 "$T/usec"
	start_listener user --listen 127.0.0.1:0 --user 65534:65534 --secret-file "$T/usec" -- "$U/hook"
	same "--user 65534:65534: delivery" "$(post "$(URL4)")" 200
	same "--user: the hook's uid" "$(cat "$U/uid")" 65534
	same "--user: the hook's groups (supplementary cleared)" "$(cat "$U/groups")" 65534
	same "--user: the listener's uids" "$(awk '/^Uid:/ { print $2 $3 $4 $5 }' /proc/$LPID/status)" 65534655346553465534
	kill "$LPID"; wait "$LPID"
	start_listener uname --listen 127.0.0.1:0 --user nobody --secret-file "$T/usec" -- "$U/hook"
	same "--user nobody (a name): delivery" "$(post "$(URL4)")" 200
	same "--user nobody: the hook's uid" "$(cat "$U/uid")" 65534
	kill "$LPID"; wait "$LPID"
	rawpost "$B" | env $SANENV "$INHOOK" --user 65534:65534 --log-stderr \
	    --secret-file "$T/usec" -- "$U/hook" > "$T/pc.out" 2> "$T/pc.err"
	same "--user, per-connection mode: 200" "$(status < "$T/pc.out")" 200
	same "--user, per-connection mode: the hook's uid" "$(cat "$U/uid")" 65534
	"$INHOOK" --user no-such-user-here --listen 127.0.0.1:0 --secret-file "$SECRET" -- /bin/true 2>"$T/ub" </dev/null
	same "--user unknown: exit 100" "$?" 100
else
	ok "--user # skip not root"
fi

# --- Accept=no: listening sockets passed by systemd-socket-activate ----------------
if command -v systemd-socket-activate >/dev/null; then
	: > "$T/sa.log"
	PORT=$(freeport) p6=$(freeport)
	systemd-socket-activate -l "127.0.0.1:$PORT" -l "[::1]:$p6" env $SANENV "$INHOOK" \
	    --secret-file "$SECRET" -- "$H/hook" 2> "$T/sa.log" &
	LPID=$!; PIDS="$PIDS $LPID"
	wait_for listening "$PORT"
	same "Accept=no: first delivery" "$(post "$(URL4)")" 200
	same "Accept=no: second delivery, second socket" "$(post "http://[::1]:$p6/webhook")" 200
	check "Accept=no: one listener served both" test "$(grep -c 'listening on' "$T/sa.log")" -eq 2
	n=$(grep 'status=200' "$T/sa.log" | wc -l)
	same "Accept=no: two deliveries logged" "$n" 2
	kill "$LPID"; stopped "$LPID"; same "Accept=no: SIGTERM, exit 0" "$RC" 0
	PORT=$(freeport)
	systemd-socket-activate -l "127.0.0.1:$PORT" env $SANENV "$INHOOK" --idle-exit 1 \
	    --secret-file "$SECRET" -- "$H/hook" 2> "$T/sa2.log" &
	LPID=$!; PIDS="$PIDS $LPID"
	wait_for listening "$PORT"
	same "Accept=no --idle-exit: first connection starts it" "$(post "$(URL4)")" 200
	check "Accept=no --idle-exit: exits when idle" wait_for grep -q 'idle for 1 s: exiting' "$T/sa2.log"
	kill "$LPID" 2>/dev/null; wait "$LPID" 2>/dev/null
else
	ok "Accept=no # skip systemd-socket-activate missing"
fi

# --- hostile starts ------------------------------------------------------------
env --ignore-signal=CHLD --ignore-signal=TERM --block-signal=TERM --block-signal=CHLD \
    $SANENV "$INHOOK" --listen 127.0.0.1:0 --secret-file "$SECRET" -- "$H/hook" 2> "$T/hs.log" <&- >&- &
LPID=$!; PIDS="$PIDS $LPID"
wait_for grep -q 'listening on' "$T/hs.log"
PORT=$(sed -n 's/.*listening on .*:\([0-9]*\)$/\1/p' "$T/hs.log")
i=0; while [ $i -lt 5 ]; do post "$(URL4)" > "$T/hs$i"; i=$((i + 1)); done
same "SIGCHLD and SIGTERM ignored and blocked at start: delivered" "$(cat "$T"/hs? | tr -d '\n')" 200200200200200
sleep 0.2
same "... and no zombie" "$(ps -o stat= --ppid "$LPID" | grep -c Z)" 0
kill -TERM "$LPID"
stopped "$LPID"; same "... and SIGTERM still stops it (exit 0)" "$RC" 0
# no descriptor left for accept (RLIMIT_NOFILE 6: 0-2, the socket, a pipe):
# the parent pauses between tries instead of spinning, logs it, and still
# stops on SIGTERM; the client waits in the backlog, it is not reset
if command -v prlimit >/dev/null; then
	prlimit --nofile=6 env $SANENV "$INHOOK" --listen 127.0.0.1:0 \
	    --secret-file "$SECRET" -- "$H/hook" 2> "$T/nofile.log" &
	LPID=$!; PIDS="$PIDS $LPID"
	wait_for grep -q 'listening on' "$T/nofile.log"
	PORT=$(sed -n 's/.*listening on .*:\([0-9]*\)$/\1/p' "$T/nofile.log")
	curl -s --max-time 2 -o /dev/null "$(URL4)"; echo $? > "$T/nofile.code"
	cpu=$(awk '{ print $14 + $15 }' "/proc/$LPID/stat")
	same "RLIMIT_NOFILE 6: the client waits (curl: timeout, not reset)" "$(cat "$T/nofile.code")" 28
	check "RLIMIT_NOFILE 6: the parent does not spin (under 0.5 s CPU in 2 s)" test "$cpu" -lt 50
	check "RLIMIT_NOFILE 6: logged" grep -q 'limit: accept failed for want of descriptors' "$T/nofile.log"
	kill -TERM "$LPID"; stopped "$LPID"
	same "RLIMIT_NOFILE 6: SIGTERM, exit 0" "$RC" 0
fi
stop_pids

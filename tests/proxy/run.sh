#!/bin/sh
# tests/proxy/run.sh: --proxy-from and the PROXY protocol header (v1, v2).
#   Raw headers in pipe mode (the real peer from TCPREMOTEIP/TCPREMOTEPORT,
#   as tcpserver sets them) and over TCP to --listen (python3 sockets):
#   REMOTE_ADDR/REMOTE_PORT from the header, the log's peer= and via=;
#   malformed, spoofed and truncated headers refused (400, or 408 at the
#   deadline) with no hook run; a peer outside --proxy-from served plain
#   (its PROXY header is then bad HTTP: 400); v2 LOCAL uses the real peer.
#   Then HAProxy (Debian's haproxy, in the foreground with -db) in front of
#   two inhook --listen backends sharing one --dedupe directory, with
#   send-proxy-v2 and send-proxy: a client on 127.0.0.2 is REMOTE_ADDR
#   127.0.0.2; the same delivery sent twice goes through both backends
#   (roundrobin) and runs the hook once. Every wait is bounded.
# shellcheck source=tests/lib.sh
. "$(dirname "$0")/../lib.sh"
trap 'stop_pids; rm -rf "$T"' EXIT
B="$SAMPLE"
H="$T/h"; mkhook "$H"

# post: a signed POST of the sample, raw
post() { rawpost "$B"; }
# v2 CMDFAM HEXBLOCK: a v2 header (signature, version|command, family,
# length, then the block given in hex)
v2() {
	python3 -c 'import sys
blk = bytes.fromhex(sys.argv[2])
sys.stdout.buffer.write(b"\r\n\r\n\0\r\nQUIT\n" + bytes.fromhex(sys.argv[1]) +
    len(blk).to_bytes(2, "big") + blk)' "$1" "$2"
}
IN4=c0000207c6336401dc0401bb                     # 192.0.2.7:56324 -> 198.51.100.1:443
IN6=20010db80000000000000000000000072001\
0db8000000000000000000000001\
00010050                                          # [2001:db8::7]:1 -> [2001:db8::1]:80

# pipe NAME ARGS...: runs inhook on $T/in with the real peer 127.0.0.1:5555
# and --proxy-from 127.0.0.0/8; the answer in $T/NAME.out, log in $T/NAME.log
pipe() {
	_n=$1; shift
	rm -f "$H/env" "$H/runs"
	env $SANENV TCPREMOTEIP=${PEER:-127.0.0.1} TCPREMOTEPORT=5555 "$INHOOK" \
	    --log-stderr --timeout "${TMO:-5}" --proxy-from 127.0.0.0/8 "$@" \
	    --secret-file "$SECRET" -- "$H/hook" < "$T/in" > "$T/$_n.out" 2> "$T/$_n.log"
}
envis() { grep -qx "$1" "$H/env" 2>/dev/null; }
got() { status < "$T/$1.out"; }

# --- pipe mode: valid headers ------------------------------------------------
{ printf 'PROXY TCP4 192.0.2.5 198.51.100.1 4444 443\r\n'; post; } > "$T/in"
pipe v1
same "v1 TCP4: 200" "$(got v1)" 200
check "v1 TCP4: REMOTE_ADDR from the header" envis REMOTE_ADDR=192.0.2.5
check "v1 TCP4: REMOTE_PORT from the header" envis REMOTE_PORT=4444
check "v1 TCP4: log shows peer= the client, via= the proxy" \
    grep -q 'peer=192.0.2.5:4444 via=127.0.0.1:5555 method=POST .*status=200' "$T/v1.log"

{ printf 'PROXY TCP6 2001:db8::7 2001:db8::1 1 80\r\n'; post; } > "$T/in"
pipe v1six
same "v1 TCP6: 200" "$(got v1six)" 200
check "v1 TCP6: REMOTE_ADDR" envis REMOTE_ADDR=2001:db8::7
check "v1 TCP6: log peer=[2001:db8::7]:1 via=127.0.0.1:5555" \
    grep -q 'peer=\[2001:db8::7\]:1 via=127.0.0.1:5555 ' "$T/v1six.log"

{ printf 'PROXY TCP6 ::ffff:192.0.2.9 ::ffff:192.0.2.1 7 80\r\n'; post; } > "$T/in"
pipe mapped
check "v1 TCP6 with a v4-mapped client: REMOTE_ADDR as plain IPv4" envis REMOTE_ADDR=192.0.2.9

{ v2 2111 "$IN4"; post; } > "$T/in"
pipe v2
same "v2 TCP4: 200" "$(got v2)" 200
check "v2 TCP4: REMOTE_ADDR, REMOTE_PORT" sh -c "grep -qx REMOTE_ADDR=192.0.2.7 '$H/env' && grep -qx REMOTE_PORT=56324 '$H/env'"

{ v2 2121 "${IN6}040000050003616263"; post; } > "$T/in"
pipe v2six
same "v2 TCP6 with TLVs: 200" "$(got v2six)" 200
check "v2 TCP6: REMOTE_ADDR, REMOTE_PORT" sh -c "grep -qx REMOTE_ADDR=2001:db8::7 '$H/env' && grep -qx REMOTE_PORT=1 '$H/env'"

{ v2 2000 ""; post; } > "$T/in"
pipe local
same "v2 LOCAL: 200" "$(got local)" 200
check "v2 LOCAL: REMOTE_ADDR is the real peer" envis REMOTE_ADDR=127.0.0.1
check "v2 LOCAL: REMOTE_PORT is the real peer's" envis REMOTE_PORT=5555
check "v2 LOCAL: log says via=local" grep -q 'peer=127.0.0.1:5555 via=local method=POST' "$T/local.log"

{ v2 2011 "$IN4"; post; } > "$T/in"
pipe localaddr
check "v2 LOCAL with an address block: the real peer" envis REMOTE_ADDR=127.0.0.1

{ printf 'PROXY UNKNOWN\r\n'; post; } > "$T/in"
pipe unknown
same "v1 UNKNOWN: 200" "$(got unknown)" 200
check "v1 UNKNOWN: the real peer" envis REMOTE_ADDR=127.0.0.1

v2 2000 "" > "$T/in"
pipe hconly
check "a LOCAL header then EOF (a health check): no answer, logged, exit 0" \
    sh -c "[ ! -s '$T/hconly.out' ] && grep -q 'peer=127.0.0.1:5555 via=local closed before sending a request' '$T/hconly.log'"
: > "$T/in"
pipe nobyte
check "EOF before a byte from a --proxy-from peer: no answer, 'closed before sending a request'" \
    sh -c "[ ! -s '$T/nobyte.out' ] && grep -q 'peer=127.0.0.1:5555 closed before sending a request' '$T/nobyte.log'"

# --- pipe mode: refused --------------------------------------------------------
# bad NAME HEADER-PRINTF: the header, then a good request: 400, no run
bad() {
	# shellcheck disable=SC2059
	{ printf "$2"; post; } > "$T/in"
	pipe bad
	if [ "$(got bad)" = 400 ] && [ "$(runs "$H")" = 0 ] &&
	    grep -q 'status=400 .*reason="no valid PROXY header from a --proxy-from peer"' "$T/bad.log"; then
		ok "refused: $1"
	else
		nok "refused: $1"; sed 's/^/#   /' "$T/bad.log"
	fi
}
bad "v1 lowercase" 'proxy TCP4 192.0.2.5 1.2.3.4 1 2\r\n'
bad "v1 lowercase tcp4" 'PROXY tcp4 192.0.2.5 1.2.3.4 1 2\r\n'
bad "v1 extra space" 'PROXY TCP4  192.0.2.5 1.2.3.4 1 2\r\n'
bad "v1 trailing space" 'PROXY TCP4 192.0.2.5 1.2.3.4 1 2 \r\n'
bad "v1 port 65536" 'PROXY TCP4 192.0.2.5 1.2.3.4 65536 2\r\n'
bad "v1 port 99999" 'PROXY TCP4 192.0.2.5 1.2.3.4 1 99999\r\n'
bad "v1 address 256" 'PROXY TCP4 192.0.2.256 1.2.3.4 1 2\r\n'
bad "v1 a name, not an address" 'PROXY TCP4 localhost 1.2.3.4 1 2\r\n'
bad "v1 TCP4 with an IPv6 address" 'PROXY TCP4 ::1 1.2.3.4 1 2\r\n'
bad "v1 TCP6 with a zone" 'PROXY TCP6 fe80::1%%eth0 ::1 1 2\r\n'
bad "v1 bare LF" 'PROXY TCP4 192.0.2.5 1.2.3.4 1 2\n'
bad "v1 over 107 bytes" "PROXY UNKNOWN $(printf '%0100d' 0)\r\n"
bad "v2 bad signature" '\r\n\r\n\0\r\nQUIX\n\041\021\000\014'
bad "v2 version 1" '\r\n\r\n\0\r\nQUIT\n\021\021\000\014'
bad "v2 PROXY with family UNSPEC" '\r\n\r\n\0\r\nQUIT\n\041\000\000\000'
bad "v2 PROXY over UDP" '\r\n\r\n\0\r\nQUIT\n\041\022\000\014'
bad "v2 length over the limit" '\r\n\r\n\0\r\nQUIT\n\041\021\377\377'
bad "no header at all (plain HTTP from a --proxy-from peer)" ''
{ v2 2111 "${IN4}0400"; post; } > "$T/in"
pipe tlv
same "v2 TLV cut short: 400" "$(got tlv)" 400

printf 'PROXY TCP4 192.0.2.5 1.2' > "$T/in"
pipe trunc
same "truncated, then EOF: 400" "$(got trunc)" 400
check "truncated, then EOF: the reason logged" grep -q 'reason="connection closed inside the PROXY header"' "$T/trunc.log"
# truncated, the connection held open: 408 at the one --timeout deadline
{ printf 'PROXY TCP4 192.0.2.5 1.2'; sleep 4; } | env $SANENV TCPREMOTEIP=127.0.0.1 \
    TCPREMOTEPORT=5555 "$INHOOK" --log-stderr --timeout 1 --proxy-from 127.0.0.1 \
    --secret-file "$SECRET" -- "$H/hook" > "$T/slow.out" 2> "$T/slow.log"
same "truncated and held open: 408" "$(status < "$T/slow.out")" 408
check "408: the reason names the PROXY header" grep -q 'reason="deadline passed while reading the PROXY header"' "$T/slow.log"
# a header trickled in, then a head that does not end: the one deadline
# covers both (the header does not restart it)
python3 - "$INHOOK" "$SECRET" "$H/hook" > "$T/trickle" 2>&1 <<'PY'
import os, subprocess, sys, time
env = dict(os.environ, TCPREMOTEIP="127.0.0.1", TCPREMOTEPORT="5555")
p = subprocess.Popen([sys.argv[1], "--log-stderr", "--timeout", "2", "--proxy-from",
    "127.0.0.1", "--secret-file", sys.argv[2], "--", sys.argv[3]], stdin=subprocess.PIPE,
    stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, env=env)
t0 = time.time()
try:
    for b in b"PROXY TCP4 192.0.2.5 1.2.3.4 1 2\r\nPOST /webhook HTTP/1.1\r\n":
        p.stdin.write(bytes([b])); p.stdin.flush(); time.sleep(0.05)
except BrokenPipeError:
    pass
out = p.stdout.read(12)
p.wait(timeout=10)
t = time.time() - t0
# the trickle takes 3 s: a deadline restarted after the header would
# answer near 3.8 s, the one deadline answers at 2 s
print(out.decode(), "in-time" if 1.8 <= t < 3.3 else "at %.1f s" % t)
PY
same "a trickled header and head: 408 at the one deadline (2 s)" "$(cat "$T/trickle")" "HTTP/1.1 408 in-time"

# --- peers outside --proxy-from, and none known ---------------------------------
post > "$T/in"
PEER=192.0.2.99 pipe out
same "outside --proxy-from: a plain request is served" "$(got out)" 200
check "outside: REMOTE_ADDR is the real peer" envis REMOTE_ADDR=192.0.2.99
check "outside: no via= in the log" sh -c "grep -q 'peer=192.0.2.99:5555 method=POST' '$T/out.log'"
{ printf 'PROXY TCP4 10.9.9.9 1.2.3.4 1 2\r\n'; post; } > "$T/in"
PEER=192.0.2.99 pipe spoof
same "outside: a spoofed PROXY header is bad HTTP (400)" "$(got spoof)" 400
same "outside: the spoofing request ran no hook" "$(runs "$H")" 0
check "outside: the log says why" grep -q 'reason="a PROXY header from a peer outside --proxy-from"' "$T/spoof.log"
{ v2 2111 "$IN4"; post; } > "$T/in"
PEER=::1 pipe spoof6
same "outside (IPv6 peer, IPv4 range): a v2 header is 400" "$(got spoof6)" 400
post | env $SANENV "$INHOOK" --log-stderr --proxy-from 0.0.0.0/0 --proxy-from ::/0 \
    --secret-file "$SECRET" -- "$H/hook" > "$T/nopeer.out" 2> "$T/nopeer.log"
same "no peer known (a bare pipe): served plain" "$(status < "$T/nopeer.out")" 200

for v in 10.0.0.1/24 10.0.0.0/33 ::/129 10.0.0.0/ /8 host.example '[::1]' 10.0.0.0/08; do
	"$INHOOK" --proxy-from "$v" --secret-file "$SECRET" -- "$H/hook" 2>"$T/badopt" </dev/null
	same "--proxy-from '$v' refused (100)" "$?" 100
done
check "--proxy-from error names the forms" grep -q 'want A.B.C.D\[/N\] or IPV6\[/N\]' "$T/badopt"
set --
for i in $(seq 17); do set -- "$@" --proxy-from "10.0.$i.0/24"; done
"$INHOOK" "$@" --secret-file "$SECRET" -- "$H/hook" 2>/dev/null </dev/null
same "17 --proxy-from refused (PROXY_FROM_MAX 16)" "$?" 100

# --- --listen, over TCP -----------------------------------------------------------
# send HOST PORT SRC FILE: sends FILE from SRC (an address on lo), half-
# closes, prints the status (or "none") within 15 s
send() {
	python3 - "$@" <<'PY'
import socket, sys
host, port, src, f = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4]
fam = socket.AF_INET6 if ":" in host else socket.AF_INET
s = socket.socket(fam)
s.settimeout(15)
s.bind((src, 0))
s.connect((host, port))
s.sendall(open(f, "rb").read())
s.shutdown(socket.SHUT_WR)
data = b""
try:
    while True:
        d = s.recv(4096)
        if not d: break
        data += d
except socket.timeout:
    pass
print(data.split(b" ")[1].decode() if data.startswith(b"HTTP/") else "none")
PY
}
rm -f "$H/env" "$H/runs"
start_listener lis --listen 127.0.0.1:0 --timeout 2 --proxy-from 127.0.0.1 --secret-file "$SECRET" -- "$H/hook"
{ printf 'PROXY TCP4 203.0.113.4 127.0.0.1 1234 80\r\n'; post; } > "$T/l1"
same "--listen, v1 over TCP: 200" "$(send 127.0.0.1 "$PORT" 127.0.0.1 "$T/l1")" 200
check "--listen, v1: REMOTE_ADDR and PORT from the header" sh -c "grep -qx REMOTE_ADDR=203.0.113.4 '$H/env' && grep -qx REMOTE_PORT=1234 '$H/env'"
check "--listen, v1: log peer= client via= 127.0.0.1" grep -q 'peer=203.0.113.4:1234 via=127.0.0.1:[0-9]* method=POST' "$T/lis.log"
{ v2 2121 "$IN6"; post; } > "$T/l2"
same "--listen, v2 over TCP: 200" "$(send 127.0.0.1 "$PORT" 127.0.0.1 "$T/l2")" 200
check "--listen, v2: REMOTE_ADDR" envis REMOTE_ADDR=2001:db8::7
{ v2 2000 ""; post; } > "$T/l3"
same "--listen, v2 LOCAL: 200" "$(send 127.0.0.1 "$PORT" 127.0.0.1 "$T/l3")" 200
check "--listen, v2 LOCAL: REMOTE_ADDR is the real peer" envis REMOTE_ADDR=127.0.0.1
post > "$T/l4"
same "--listen, from 127.0.0.2 (outside): served plain" "$(send 127.0.0.1 "$PORT" 127.0.0.2 "$T/l4")" 200
check "--listen, outside: REMOTE_ADDR=127.0.0.2" envis REMOTE_ADDR=127.0.0.2
same "--listen, plain HTTP from inside: 400" "$(send 127.0.0.1 "$PORT" 127.0.0.1 "$T/l4")" 400
printf 'PROXY TCP4 203.0.113.4 127.0.0.1 1234' > "$T/l5"
python3 - "$PORT" "$T/l5" > "$T/l5.out" <<'PY'
import socket, sys, time
s = socket.create_connection(("127.0.0.1", int(sys.argv[1])), timeout=10)
s.sendall(open(sys.argv[2], "rb").read())
t0 = time.time()
d = s.recv(100)
print(d.split(b" ")[1].decode() if d else "none", round(time.time() - t0))
PY
same "--listen, truncated header held open: 408 at --timeout 2" "$(cat "$T/l5.out")" "408 2"
kill "$LPID"; wait "$LPID"

# a dual-stack socket: IPv4 peers arrive as ::ffff:127.0.0.1 and still match
start_listener dual --listen :0 --proxy-from 127.0.0.1 --secret-file "$SECRET" -- "$H/hook"
same "dual stack: the v4-mapped peer is in 127.0.0.1: 200" "$(send 127.0.0.1 "$PORT" 127.0.0.1 "$T/l1")" 200
check "dual stack: REMOTE_ADDR from the header" envis REMOTE_ADDR=203.0.113.4
same "dual stack: ::1 is not in 127.0.0.1: header refused as HTTP" "$(send ::1 "$PORT" ::1 "$T/l1")" 400
kill "$LPID"; wait "$LPID"

# --- HAProxy in front of two backends sharing one --dedupe directory --------------
if ! command -v haproxy >/dev/null; then
	ok "haproxy # skip haproxy not installed (apt-get install haproxy)"
	exit 0
fi
freeports() {
	python3 -c 'import socket
ss = [socket.socket() for _ in range(4)]
for s in ss: s.bind(("127.0.0.1", 0))
print(" ".join(str(s.getsockname()[1]) for s in ss))'
}
# shellcheck disable=SC2046
set -- $(freeports)
P1=$1 P2=$2 F2=$3 F1=$4
D="$T/dedupe"; mkdir -p "$D"
G="$T/g"; mkhook "$G"
for b in 1 2; do
	[ "$b" = 1 ] && p=$P1 || p=$P2
	start_listener "be$b" --listen "127.0.0.1:$p" --proxy-from 127.0.0.1 --dedupe "$D" \
	    --secret-file "$SECRET" -- "$G/hook"
done
cat > "$T/haproxy.cfg" <<CFG
global
    maxconn 100
defaults
    mode tcp
    timeout connect 5s
    timeout client 20s
    timeout server 20s
frontend v2
    bind 127.0.0.1:$F2
    default_backend inhook_v2
frontend v1
    bind 127.0.0.1:$F1
    default_backend inhook_v1
backend inhook_v2
    balance roundrobin
    server a 127.0.0.1:$P1 send-proxy-v2
    server b 127.0.0.1:$P2 send-proxy-v2
backend inhook_v1
    balance roundrobin
    server a 127.0.0.1:$P1 send-proxy
    server b 127.0.0.1:$P2 send-proxy
CFG
haproxy -c -q -f "$T/haproxy.cfg" > "$T/haproxy.check" 2>&1
check "haproxy: the config is valid" test $? -eq 0
haproxy -db -f "$T/haproxy.cfg" > "$T/haproxy.log" 2>&1 &
PIDS="$PIDS $!"
wait_for listening "$F2" && wait_for listening "$F1"
check "haproxy: listening on both frontends" listening "$F1"

CURL="curl -s --max-time 20 --interface 127.0.0.2"
# hpost PORT [BODYFILE]: status and body of a signed POST through HAProxy
hpost() {
	_b=${2:-$B}
	$CURL -w ' %{http_code}' -H "X-JobServ-Sig: $(sign "$_b")" \
	    -H 'Content-Type: application/json' --data-binary @"$_b" \
	    "http://127.0.0.1:$1/webhook"
}
r1=$(hpost "$F2")
same "haproxy v2: first delivery 200" "${r1##* }" 200
check "haproxy v2: client on 127.0.0.2 is REMOTE_ADDR=127.0.0.2" grep -qx REMOTE_ADDR=127.0.0.2 "$G/env"
r2=$(hpost "$F2")
same "haproxy v2: the same delivery again: 200 Already delivered" "$r2" "Already delivered
 200"
same "haproxy v2: the hook ran once" "$(runs "$G")" 1
l1=$(grep -c 'method=POST' "$T/be1.log") l2=$(grep -c 'method=POST' "$T/be2.log")
same "haproxy v2: one delivery through each backend (roundrobin)" "$l1 $l2" "1 1"
check "haproxy v2: both logs show peer=127.0.0.2 via=127.0.0.1" sh -c "
    grep -q 'peer=127.0.0.2:[0-9]* via=127.0.0.1:[0-9]* method=POST' '$T/be1.log' &&
    grep -q 'peer=127.0.0.2:[0-9]* via=127.0.0.1:[0-9]* method=POST' '$T/be2.log'"

# v1: another delivery (another body), twice
sed 's/"build_id": *67/"build_id": 68/' "$B" > "$T/b68"
cmp -s "$B" "$T/b68" && echo "# b68 is not a new body"
r3=$(hpost "$F1" "$T/b68")
same "haproxy v1: a new delivery 200" "${r3##* }" 200
same "haproxy v1: the hook ran for it" "$(runs "$G")" 2
check "haproxy v1: REMOTE_ADDR=127.0.0.2" grep -qx REMOTE_ADDR=127.0.0.2 "$G/env"
r4=$(hpost "$F1" "$T/b68")
same "haproxy v1: retried through the other backend: Already delivered" "$r4" "Already delivered
 200"
same "haproxy v1: still two runs in all" "$(runs "$G")" 2
l1=$(grep -c 'method=POST' "$T/be1.log") l2=$(grep -c 'method=POST' "$T/be2.log")
same "haproxy v1: again one through each backend" "$l1 $l2" "2 2"
same "haproxy: a health check (GET /) through it" \
    "$($CURL -o /dev/null -w '%{http_code}' "http://127.0.0.1:$F2/")" 200
# a client that bypasses the balancer and spoofs a header to a backend
printf 'PROXY TCP4 10.6.6.6 127.0.0.1 1 2\r\n' > "$T/sp"; rawpost "$B" >> "$T/sp"
same "bypassing the balancer from 127.0.0.2 with a spoofed header: 400" \
    "$(send 127.0.0.1 "$P1" 127.0.0.2 "$T/sp")" 400
check "no log line names the spoofed address" sh -c "! grep -q '10.6.6.6' '$T/be1.log' '$T/be2.log'"

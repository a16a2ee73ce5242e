#!/bin/sh
# tests/tls/run.sh: HTTPS with --tls-cert and --tls-key. Certificates are
# made here with openssl: EC P-256 and RSA-2048 leaves, each under an
# intermediate CA under a root. Real clients (curl --cacert, python-requests
# verify=, JobServ-signed), in every mode: --listen, systemd-socket-activate
# --inetd (pipe on fds 0/1) and --accept (Accept=yes, LISTEN_FDS). What must
# be refused, with openssl s_client: TLS 1.0, 1.1 and 1.3 alone, non-ECDHE
# and CBC suites, renegotiation, ALPN h2 alone. Rotation of the files
# between two connections; plain HTTP to the TLS port; a stalled handshake;
# keys that do not match, cannot be read, are shared or a FIFO. 127.0.0.1
# only; every wait is bounded.
# shellcheck source=tests/lib.sh
. "$(dirname "$0")/../lib.sh"
B="$SAMPLE"
SIG=$(sign "$B")
CURL="curl -s --max-time 20"
if "$INHOOK" --tls-cert x --tls-key y --secret-file "$SECRET" /bin/true \
    </dev/null 2>&1 | grep -q 'without TLS'; then
	ok "tls # skip inhook built with TLS=no"; exit 0
fi

# mkpki DIR ec|rsa: root, intermediate and leaf (localhost, 127.0.0.1) in
# DIR; DIR/chain.pem is leaf then intermediate, DIR/leaf.key mode 600: EC
# in traditional form ("EC PRIVATE KEY"), RSA in PKCS#8 ("PRIVATE KEY").
mkpki() {
	_d=$1
	mkdir -p "$_d"
	if [ "$2" = ec ]; then _k="-newkey ec -pkeyopt ec_paramgen_curve:P-256"
	else _k="-newkey rsa:2048"; fi
	printf 'basicConstraints=critical,CA:TRUE\nkeyUsage=critical,keyCertSign,cRLSign\n' > "$_d/ca.ext"
	printf 'subjectAltName=DNS:localhost,IP:127.0.0.1\nextendedKeyUsage=serverAuth\n' > "$_d/leaf.ext"
	# shellcheck disable=SC2086
	openssl req -x509 $_k -nodes -keyout "$_d/ca.key" -out "$_d/ca.pem" \
	    -days 2 -subj "/CN=inhook test root $2" -addext \
	    basicConstraints=critical,CA:TRUE 2>/dev/null &&
	openssl req $_k -nodes -keyout "$_d/int.key" -out "$_d/int.csr" \
	    -subj "/CN=inhook test intermediate $2" 2>/dev/null &&
	openssl x509 -req -in "$_d/int.csr" -CA "$_d/ca.pem" -CAkey "$_d/ca.key" \
	    -CAcreateserial -out "$_d/int.pem" -days 2 -extfile "$_d/ca.ext" 2>/dev/null &&
	openssl req $_k -nodes -keyout "$_d/leaf.p8" -out "$_d/leaf.csr" \
	    -subj /CN=localhost 2>/dev/null &&
	openssl x509 -req -in "$_d/leaf.csr" -CA "$_d/int.pem" -CAkey "$_d/int.key" \
	    -CAcreateserial -out "$_d/leaf.pem" -days 2 -extfile "$_d/leaf.ext" 2>/dev/null &&
	cat "$_d/leaf.pem" "$_d/int.pem" > "$_d/chain.pem" || return 1
	if [ "$2" = ec ]; then openssl ec -in "$_d/leaf.p8" -out "$_d/leaf.key" 2>/dev/null
	else cp "$_d/leaf.p8" "$_d/leaf.key"; fi
	chmod 600 "$_d/leaf.key"
}

# post PORT CA: the status of a signed POST of the sample over HTTPS
post() {
	$CURL -o /dev/null -w '%{http_code}' --cacert "$2" -H "X-JobServ-Sig: $SIG" \
	    -H 'Content-Type: application/json' --data-binary @"$B" \
	    "https://127.0.0.1:$1/webhook"
}

# sc PORT CA ARGS...: openssl s_client's output for one connection
sc() {
	_p=$1 _c=$2; shift 2
	echo | timeout 10 openssl s_client -connect "127.0.0.1:$_p" -CAfile "$_c" "$@" 2>&1
}
# refused NAME PORT CA ARGS...: ok when s_client ends with no cipher
refused() {
	_n=$1; shift
	_o=$(sc "$@")
	if echo "$_o" | grep -q 'Cipher is (NONE)' &&
	    ! echo "$_o" | grep -q 'Cipher is ECDHE'; then ok "$_n"
	else nok "$_n"; echo "$_o" | grep -E 'Cipher|alert|error' | sed 's/^/#   /'; fi
}

# has NAME TEXT PATTERN...: ok when TEXT matches every (basic) PATTERN
has() {
	_n=$1 _o=$2; shift 2
	for _pat; do
		printf '%s\n' "$_o" | grep -q -- "$_pat" && continue
		nok "$_n"; echo "#   no match for: $_pat"
		printf '%s\n' "$_o" | grep -E 'Cipher|alert|error|ALPN' | sed 's/^/#   /'
		return
	done
	ok "$_n"
}

EC="$T/ec"; RSA="$T/rsa"
check "pki: EC P-256 chain made with openssl" mkpki "$EC" ec
check "pki: RSA-2048 chain made with openssl" mkpki "$RSA" rsa
H="$T/h"; mkhook "$H"

# --- --listen, EC: curl -----------------------------------------------------
start_listener ec --listen 127.0.0.1:0 --log-stderr --secret-file "$SECRET" --tls-cert "$EC/chain.pem" \
    --tls-key "$EC/leaf.key" -- "$H/hook"
ECP=$PORT ECLPID=$LPID
same "listen EC: curl --cacert, JobServ-signed: 200" "$(post "$ECP" "$EC/ca.pem")" 200
same "listen EC: the hook ran once" "$(runs "$H")" 1
check "listen EC: HTTPS=on" grep -qx 'HTTPS=on' "$H/env"
check "listen EC: SSL_PROTOCOL=TLSv1.2" grep -qx 'SSL_PROTOCOL=TLSv1.2' "$H/env"
check "listen EC: SSL_CIPHER an ECDHE-ECDSA AEAD suite" \
    grep -qx 'SSL_CIPHER=ECDHE-ECDSA-CHACHA20-POLY1305' "$H/env"
same "listen EC: the payload reached the hook" "$(grep '^WEBHOOK_BUILD_ID=' "$H/env")" WEBHOOK_BUILD_ID=67
same "listen EC: the body on the hook's stdin" "$(cmp -s "$H/stdin" "$B" && echo same)" same

# --- --listen, RSA: python-requests, JobServ's path ------------------------
rm -f "$H/runs"
start_listener rsa --listen 127.0.0.1:0 --log-stderr --secret-file "$SECRET" --tls-cert "$RSA/chain.pem" \
    --tls-key "$RSA/leaf.key" -- "$H/hook"
RSAP=$PORT
got=$(python3 - "https://localhost:$RSAP/webhook" "$RSA/ca.pem" "$B" "$SIG" <<'EOF'
import sys, requests
url, ca, body, sig = sys.argv[1:]
r = requests.post(url, data=open(body, 'rb').read(), verify=ca, timeout=20,
                  headers={'Content-Type': 'application/json', 'X-JobServ-Sig': sig})
print(r.status_code)
EOF
)
same "listen RSA: python-requests verify=CA, JobServ-signed: 200" "$got" 200
same "listen RSA: the hook ran once" "$(runs "$H")" 1
check "listen RSA: HTTPS=on, an ECDHE-RSA AEAD suite" sh -c "grep -qx HTTPS=on '$H/env' &&
    grep -qx 'SSL_CIPHER=ECDHE-RSA-CHACHA20-POLY1305' '$H/env'"
same "listen RSA: curl --cacert: 200" "$(post "$RSAP" "$RSA/ca.pem")" 200
same "listen RSA: curl with the wrong CA fails verification" \
    "$(post "$RSAP" "$EC/ca.pem")" 000

# --- socket activation: inetd (pipe on 0/1), Accept=yes (LISTEN_FDS, one
# connection) and Accept=no (LISTEN_FDS, the listening socket) -------------
for name in inetd accept accept-no; do
	case $name in
	inetd) mode="--inetd -a" ;; accept) mode=-a ;; accept-no) mode= ;;
	esac
	rm -f "$H/runs" "$H/env"
	P=$(python3 -c 'import socket
s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
	: > "$T/sa-$name.log"
	# shellcheck disable=SC2086
	systemd-socket-activate $mode -l "127.0.0.1:$P" env $SANENV "$INHOOK" \
	    --log-stderr --secret-file "$SECRET" --tls-cert "$EC/chain.pem" \
	    --tls-key "$EC/leaf.key" -- "$H/hook" 2> "$T/sa-$name.log" &
	SAP=$!; PIDS="$PIDS $SAP"
	wait_for listening "$P"
	same "$name: curl --cacert: 200" "$(post "$P" "$EC/ca.pem")" 200
	same "$name: the hook ran once, HTTPS=on" "$(runs "$H") $(grep -c '^HTTPS=on$' "$H/env" 2>/dev/null)" "1 1"
	kill "$SAP" 2>/dev/null; wait "$SAP" 2>/dev/null
done

# --- close_notify at the end of the answer: python's ssl, told to report a
# TCP close without it (suppress_ragged_eofs=False), reads to a clean end
got=$(python3 - "$ECP" "$EC/ca.pem" <<'PY'
import socket, ssl, sys
ctx = ssl.create_default_context(cafile=sys.argv[2])
s = socket.create_connection(('127.0.0.1', int(sys.argv[1])), timeout=10)
t = ctx.wrap_socket(s, server_hostname='localhost', suppress_ragged_eofs=False)
t.sendall(b'GET / HTTP/1.1\r\nHost: localhost\r\n\r\n')
data = b''
try:
    while True:
        d = t.recv(4096)
        if not d:
            break
        data += d
    print(data.split(b'\r\n')[0].decode(), 'close_notify')
except ssl.SSLEOFError:
    print(data.split(b'\r\n')[0].decode(), 'closed without close_notify')
PY
)
same "GET / over TLS: 200, then close_notify" "$got" "HTTP/1.1 200 OK close_notify"

# --- TCP_NODELAY: the handshake's last two writes, and the answer's, go out
# at once (with Nagle on, the second waits for the peer's delayed ACK)
if command -v strace >/dev/null && [ -z "$INHOOK_SANITIZE" ]; then
	strace -q -f -p "$ECLPID" -e trace=setsockopt -o "$T/nodelay.strace" &
	SPID=$!
	sleep 1
	same "under strace: delivery" "$(post "$ECP" "$EC/ca.pem")" 200
	kill "$SPID"; wait "$SPID" 2>/dev/null
	check "TCP_NODELAY set on the connection" grep -q 'TCP_NODELAY, \[1\]' "$T/nodelay.strace"
else
	ok "TCP_NODELAY # skip no strace"
fi

# --- what is refused (openssl s_client) -----------------------------------
o=$(sc "$ECP" "$EC/ca.pem" -tls1_2)
has "s_client TLS 1.2: ECDHE-ECDSA-CHACHA20-POLY1305 (the server's first), verified" "$o" 'Cipher is ECDHE-ECDSA-CHACHA20-POLY1305' 'Verify return code: 0 (ok)'
has "s_client: the chain sent, leaf and intermediate" "$o" ' 1 s:CN = inhook test intermediate ec'
refused "TLS 1.0 refused" "$ECP" "$EC/ca.pem" -tls1 -cipher 'DEFAULT:@SECLEVEL=0'
refused "TLS 1.1 refused" "$ECP" "$EC/ca.pem" -tls1_1 -cipher 'DEFAULT:@SECLEVEL=0'
refused "TLS 1.3 alone refused" "$ECP" "$EC/ca.pem" -tls1_3
refused "CBC suite refused: ECDHE-ECDSA-AES128-SHA256" "$ECP" "$EC/ca.pem" -tls1_2 -cipher ECDHE-ECDSA-AES128-SHA256
refused "CBC suite refused: ECDHE-ECDSA-AES256-SHA" "$ECP" "$EC/ca.pem" -tls1_2 -cipher ECDHE-ECDSA-AES256-SHA
refused "CBC suite refused (RSA): ECDHE-RSA-AES128-SHA" "$RSAP" "$RSA/ca.pem" -tls1_2 -cipher ECDHE-RSA-AES128-SHA
refused "non-ECDHE refused: AES128-GCM-SHA256 (RSA key exchange)" "$RSAP" "$RSA/ca.pem" -tls1_2 -cipher AES128-GCM-SHA256
refused "non-ECDHE refused: DHE-RSA-AES128-GCM-SHA256" "$RSAP" "$RSA/ca.pem" -tls1_2 -cipher DHE-RSA-AES128-GCM-SHA256
o=$(sc "$ECP" "$EC/ca.pem" -tls1_2 -cipher ECDHE-ECDSA-CHACHA20-POLY1305)
has "ChaCha20-Poly1305 offered alone: served" "$o" 'Cipher is ECDHE-ECDSA-CHACHA20-POLY1305'
o=$(sc "$ECP" "$EC/ca.pem" -tls1_2 -cipher ECDHE-ECDSA-AES128-GCM-SHA256)
has "AES-128-GCM offered alone: served" "$o" 'Cipher is ECDHE-ECDSA-AES128-GCM-SHA256'
refused "AES-256-GCM alone refused (left out)" "$ECP" "$EC/ca.pem" -tls1_2 -cipher ECDHE-ECDSA-AES256-GCM-SHA384
refused "X25519 alone refused (left out)" "$ECP" "$EC/ca.pem" -tls1_2 -curves X25519
o=$(sc "$RSAP" "$RSA/ca.pem" -tls1_2 -curves P-384)
has "ECDHE on P-384 alone (RSA certificate): served" "$o" 'Cipher is ECDHE-RSA' 'Server Temp Key: ECDH, secp384r1'
o=$(sc "$ECP" "$EC/ca.pem" -tls1_2 -cipher 'ECDHE-ECDSA-CHACHA20-POLY1305:ECDHE-ECDSA-AES128-GCM-SHA256')
o2=$(sc "$ECP" "$EC/ca.pem" -tls1_2 -cipher 'ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-ECDSA-CHACHA20-POLY1305')
c1=$(echo "$o" | sed -n 's/.*Cipher is //p' | head -n 1)
c2=$(echo "$o2" | sed -n 's/.*Cipher is //p' | head -n 1)
if [ "$c1" = ECDHE-ECDSA-CHACHA20-POLY1305 ] && [ "$c1" = "$c2" ]; then ok "server preference: ChaCha20-Poly1305 whatever the client's order"
else nok "server preference: the same suite whatever the client's order ($c1 / $c2)"; fi
has "no compression" "$o" 'Compression: NONE'
o=$( (sleep 1; echo R; sleep 2) | timeout 10 openssl s_client -connect "127.0.0.1:$ECP" -CAfile "$EC/ca.pem" -tls1_2 2>&1)
has "renegotiation refused" "$o" 'RENEGOTIATING' 'no renegotiation'
refused "ALPN h2 alone refused" "$ECP" "$EC/ca.pem" -tls1_2 -alpn h2
o=$(sc "$ECP" "$EC/ca.pem" -tls1_2 -alpn h2,http/1.1)
has "ALPN h2,http/1.1: http/1.1 answered" "$o" 'ALPN protocol: http/1.1'
check "log: the refusals say why" sh -c "grep -q 'TLS handshake failed: not TLS 1.2' '$T/ec.log' &&
    grep -q 'ALPN without http/1.1' '$T/ec.log' && grep -q 'no ECDHE AEAD cipher suite' '$T/ec.log'"

# --- plain HTTP to the TLS port; a stalled handshake ----------------------
# plain PORT: what a plain HTTP request gets, and in how many seconds
plain() {
	python3 - "$1" <<'EOF'
import socket, sys, time
s = socket.create_connection(("127.0.0.1", int(sys.argv[1])), timeout=15)
t = time.time()
s.sendall(b"POST /webhook HTTP/1.1\r\nHost: x\r\nContent-Length: 4\r\n\r\nabcd")
got = b""
try:
    while True:
        b = s.recv(4096)
        if not b:
            break
        got += b
except (ConnectionResetError, socket.timeout) as e:
    got += b"<%s>" % type(e).__name__.encode()
print("%s %d" % ("http" if got.startswith(b"HTTP/") else "nohttp", time.time() - t))
EOF
}
same "plain HTTP to the TLS port: no HTTP answer, closed within 2 s" "$(plain "$ECP")" "nohttp 0"
start_listener stall --listen 127.0.0.1:0 --log-stderr --timeout 2 --secret-file "$SECRET" --tls-cert "$EC/chain.pem" \
    --tls-key "$EC/leaf.key" -- "$H/hook"
got=$(python3 - "$PORT" <<'EOF'
import socket, sys, time
s = socket.create_connection(("127.0.0.1", int(sys.argv[1])), timeout=15)
t = time.time()
s.sendall(b"\x16\x03\x01\x00\xc8\x01")     # a ClientHello's first bytes, then nothing
try:
    while s.recv(4096):
        pass
except Exception:
    pass
print(round(time.time() - t))
EOF
)
same "a stalled handshake is cut at --timeout 2" "$got" 2
wait_for grep -q 'deadline passed in the TLS handshake' "$T/stall.log"
check "log: deadline passed in the TLS handshake" grep -q 'deadline passed in the TLS handshake' "$T/stall.log"

# --- an RSA key in traditional form ("RSA PRIVATE KEY") -------------------
openssl rsa -in "$RSA/leaf.key" -traditional -out "$T/rsa-trad.key" 2>/dev/null
chmod 600 "$T/rsa-trad.key"
check "RSA key converted to traditional form" grep -q 'BEGIN RSA PRIVATE KEY' "$T/rsa-trad.key"
start_listener rsatrad --listen 127.0.0.1:0 --log-stderr --secret-file "$SECRET" \
    --tls-cert "$RSA/chain.pem" --tls-key "$T/rsa-trad.key" -- "$H/hook"
same "RSA traditional key: served, signed POST 200" "$(post "$PORT" "$RSA/ca.pem")" 200
kill "$LPID"

# --- a P-384 key, PKCS#8, self-signed ------------------------------------------
P3="$T/p384"; mkdir -p "$P3"
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-384 -nodes -keyout "$P3/key.pem" \
    -out "$P3/cert.pem" -days 2 -subj /CN=localhost \
    -addext subjectAltName=DNS:localhost,IP:127.0.0.1 2>/dev/null; chmod 600 "$P3/key.pem"
H="$T/h384"; mkhook "$H"
start_listener p384 --listen 127.0.0.1:0 --log-stderr --secret-file "$SECRET" \
    --tls-cert "$P3/cert.pem" --tls-key "$P3/key.pem" -- "$H/hook"
same "P-384 key: curl --cacert, signed POST: 200" "$(post "$PORT" "$P3/cert.pem")" 200
check "P-384 key: an ECDSA suite" grep -qx 'SSL_CIPHER=ECDHE-ECDSA-CHACHA20-POLY1305' "$H/env"
kill "$LPID"

# --- rotation: the files are read by each connection -----------------------
R="$T/rot"; mkdir -p "$R"
cp "$EC/chain.pem" "$R/chain.pem"; cp "$EC/leaf.key" "$R/leaf.key"; chmod 600 "$R/leaf.key"
start_listener rot --listen 127.0.0.1:0 --log-stderr --secret-file "$SECRET" --tls-cert "$R/chain.pem" --tls-key "$R/leaf.key" -- "$H/hook"
serial() { sc "$PORT" "$1" -tls1_2 | openssl x509 -noout -serial 2>/dev/null; }
s1=$(serial "$EC/ca.pem")
same "rotation: first connection sees the EC certificate" "$s1" "$(openssl x509 -noout -serial -in "$EC/leaf.pem")"
cp "$RSA/chain.pem" "$R/chain.pem.new"; mv "$R/chain.pem.new" "$R/chain.pem"
cp "$RSA/leaf.key" "$R/leaf.key"
s2=$(serial "$RSA/ca.pem")
same "rotation: the next connection sees the new certificate, no restart" "$s2" "$(openssl x509 -noout -serial -in "$RSA/leaf.pem")"
same "rotation: and delivers" "$(post "$PORT" "$RSA/ca.pem")" 200

# --- files that cannot be used: logged, the connection closed --------------
# bad NAME CERT KEY LOGTEXT: a listener with these files; s_client gets an
# alert (internal error), the log says why
bad() {
	_n=$1
	start_listener "$_n" --listen 127.0.0.1:0 --log-stderr --secret-file "$SECRET" --tls-cert "$2" --tls-key "$3" -- "$H/hook"
	_o=$(sc "$PORT" "$EC/ca.pem" -tls1_2)
	if echo "$_o" | grep -q 'alert internal error' && wait_for grep -q "$4" "$T/$_n.log"
	then ok "$_n: alert internal error, logged ($4)"
	else nok "$_n"; echo "$_o" | grep -E 'alert|Cipher' | sed 's/^/#   /'; sed 's/^/#   /' "$T/$_n.log"; fi
	check "$_n: the listener warned at start" grep -q "$4.*connections are refused" "$T/$_n.log"
	kill "$LPID"
}
bad "mismatched key (RSA key, EC cert)" "$EC/chain.pem" "$RSA/leaf.key" 'does not match the first certificate'
cp "$EC/int.key" "$T/other.key"; chmod 600 "$T/other.key"
bad "mismatched key (another P-256 key)" "$EC/chain.pem" "$T/other.key" 'does not match the first certificate'
bad "missing key file" "$EC/chain.pem" "$T/nonexistent.key" 'cannot read --tls-key: No such file'
cp "$EC/leaf.key" "$T/shared.key"; chmod 644 "$T/shared.key"
bad "key readable by others" "$EC/chain.pem" "$T/shared.key" 'tls-key is readable or writable by other users'
mkfifo "$T/fifo.key"
bad "key is a FIFO (no hang)" "$EC/chain.pem" "$T/fifo.key" 'tls-key is not a regular file'
ln -s "$EC/leaf.key" "$T/link.key"
start_listener link --listen 127.0.0.1:0 --log-stderr --secret-file "$SECRET" --tls-cert "$EC/chain.pem" --tls-key "$T/link.key" -- "$H/hook"
same "key through a symlink: served" "$(post "$PORT" "$EC/ca.pem")" 200
if grep -q 'connections are refused' "$T/link.log"; then nok "usable files: no warning at start"
else ok "usable files: no warning at start"; fi
# over TLS_CERT_FILE_MAX: refused, and (make check-sanitize) nothing read
# past the buffer the file goes into
awk 'BEGIN { for (i = 0; i < 700; i++) print "0123456789012345678901234567890123456789012345678" }' > "$T/big.pem"
bad "certificate file over 32 KiB" "$T/big.pem" "$EC/leaf.key" 'tls-cert is over 32768 bytes'
echo garbage > "$T/garbage.pem"
bad "certificate file not PEM" "$T/garbage.pem" "$EC/leaf.key" 'tls-cert holds no CERTIFICATE'
openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:1024 -out "$T/small.key" 2>/dev/null; chmod 600 "$T/small.key"
bad "RSA key under 2048 bits" "$RSA/chain.pem" "$T/small.key" 'RSA key under'

# --- PROXY protocol before the handshake -------------------------------------
# The PROXY line and the ClientHello in one segment: what follows the header
# in the same read must reach the TLS engine. Then HAProxy in TCP mode
# (send-proxy-v2, the TLS passed through) in front of the same listener.
H="$T/hp"; mkhook "$H"
start_listener pt --listen 127.0.0.1:0 --log-stderr --proxy-from 127.0.0.1 \
    --secret-file "$SECRET" --tls-cert "$EC/chain.pem" --tls-key "$EC/leaf.key" -- "$H/hook"
got=$(python3 - "$PORT" "$EC/ca.pem" "$B" "$SIG" <<'PY'
import socket, ssl, sys
port, ca, body, sig = int(sys.argv[1]), sys.argv[2], open(sys.argv[3], 'rb').read(), sys.argv[4]
ctx = ssl.create_default_context(cafile=ca)
inc, out = ssl.MemoryBIO(), ssl.MemoryBIO()
t = ctx.wrap_bio(inc, out, server_hostname='localhost')
s = socket.create_connection(('127.0.0.1', port), timeout=10)
def pump():
    d = out.read()
    if d: s.sendall(d)
try:
    t.do_handshake()
except ssl.SSLWantReadError:
    pass
s.sendall(b'PROXY TCP4 192.0.2.7 127.0.0.1 40001 443\r\n' + out.read())
while True:
    try:
        t.do_handshake(); pump(); break
    except ssl.SSLWantReadError:
        pump()
        d = s.recv(65536)
        if not d: print('closed in handshake'); sys.exit()
        inc.write(d)
req = (b'POST /webhook HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n'
       b'X-JobServ-Sig: ' + sig.encode() + b'\r\nContent-Length: %d\r\n\r\n' % len(body) + body)
t.write(req); pump()
resp = b''
while b'\r\n' not in resp:
    try:
        resp += t.read(4096)
    except ssl.SSLWantReadError:
        d = s.recv(65536)
        if not d: break
        inc.write(d)
print(resp.split(b'\r\n')[0].decode())
PY
)
same "PROXY v1 and ClientHello in one segment: 200 over TLS" "$got" "HTTP/1.1 200 OK"
same "PROXY v1 + TLS: REMOTE_ADDR from the header" "$(grep '^REMOTE_ADDR=' "$H/env")" REMOTE_ADDR=192.0.2.7
check "PROXY v1 + TLS: HTTPS=on" grep -qx HTTPS=on "$H/env"
check "PROXY v1 + TLS: the log names the client and the proxy" \
    grep -q 'peer=192.0.2.7:40001 via=127.0.0.1:' "$T/pt.log"
o=$(sc "$PORT" "$EC/ca.pem" -tls1_2)
if echo "$o" | grep -q 'Cipher is ECDHE'; then nok "no PROXY header before the ClientHello: refused"
else ok "no PROXY header before the ClientHello: refused"; fi
check "no PROXY header: logged as such" grep -q 'no valid PROXY header' "$T/pt.log"
if command -v haproxy >/dev/null; then
	FP=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
	cat > "$T/haproxy.cfg" <<CFG
global
	maxconn 64
defaults
	mode tcp
	timeout connect 5s
	timeout client 20s
	timeout server 20s
frontend tls
	bind 127.0.0.1:$FP
	default_backend inhook
backend inhook
	server a 127.0.0.1:$PORT send-proxy-v2
CFG
	haproxy -db -f "$T/haproxy.cfg" > "$T/haproxy.log" 2>&1 &
	PIDS="$PIDS $!"
	wait_for sh -c "ss -ltn | grep -q 127.0.0.1:$FP"
	: > "$H/env"
	got=$($CURL -o /dev/null -w '%{http_code}' --interface 127.0.0.2 --cacert "$EC/ca.pem" \
	    --resolve "localhost:$FP:127.0.0.1" -H "X-JobServ-Sig: $SIG" \
	    -H 'Content-Type: application/json' --data-binary @"$B" "https://localhost:$FP/webhook")
	same "HAProxy send-proxy-v2, TLS passed through: 200" "$got" 200
	same "HAProxy v2 + TLS: REMOTE_ADDR is the client, 127.0.0.2" \
	    "$(grep '^REMOTE_ADDR=' "$H/env")" REMOTE_ADDR=127.0.0.2
else
	ok "haproxy + TLS # skip haproxy not installed"
fi
kill "$LPID"

# --- options -----------------------------------------------------------------
"$INHOOK" --tls-cert "$EC/chain.pem" --secret-file "$SECRET" /bin/true </dev/null 2>/dev/null
same "--tls-cert without --tls-key: usage error" "$?" 100
"$INHOOK" --tls-cert "$EC/chain.pem" --tls-key "$EC/leaf.key" --env HTTPS=off \
    --secret-file "$SECRET" /bin/true </dev/null 2>/dev/null
same "--env HTTPS=...: refused, a name inhook sets" "$?" 100

stop_pids

#!/bin/sh
# tests/firstuse/run.sh: no silent failures for a new user, through the
# real binary (pipe mode unless said: the request on stdin, the answer on
# stdout, the log on stderr with --log-stderr).
#   secret    every 500 says its cause's class in the body, never a path or
#             the secret; inhook sign refuses the secret files serving
#             refuses (mode 644, empty, not a file), --allow-shared-secret
#             for both
#   request   inhook sign --request | inhook: 200 and the hook ran, for every
#             scheme, with --path; the request's bytes (CRLF, Content-Length,
#             Host, Content-Type) and each signature checked with python's
#             hmac, not with inhook's own code
#   when      --when with the prefix, or a name no payload key makes, is
#             refused at start (exit 100) with the right spelling
#   form      curl's default form type: the 400's body says what to send
#   reasons   each status of the head and chunked parsers logs its own reason
#   options   --help names --scheme's default and --secret-file as required;
#             --env CREDENTIALS_DIRECTORY refused; deps.sh names make fuzz's
#             libclang-rt-14-dev
. "$(dirname "$0")/../lib.sh"

PY=/usr/bin/python3
[ -x "$INHOOK" ] || { nok "firstuse: $INHOOK is built"; exit 1; }
mkhook "$T/h"
BODY="$T/body.json"
printf '{"status":"PASSED","build_id":7}' > "$BODY"

# serve NAME ARGS...: stdin to inhook --log-stderr ARGS HOOK; answer in
# $T/NAME.resp, log in $T/NAME.log, exit status in $T/NAME.rc
serve() {
	_n=$1; shift
	rm -f "$T/h/runs"
	env $SANENV "$INHOOK" --log-stderr "$@" -- "$T/h/hook" "$T/h" \
	    > "$T/$_n.resp" 2> "$T/$_n.log"
	echo $? > "$T/$_n.rc"
}

# body_of FILE: what follows the head of the response in FILE
body_of() { sed '1,/^\r$/d' "$1"; }

# --- secret: the 500's body, and sign refusing what serving refuses --------
SHARED="$T/shared"
echo UseSomethingGoodHere > "$SHARED"
chmod 644 "$SHARED"
TEXT_SECRET="server misconfigured: secret file unusable, see the log"

"$INHOOK" sign --secret-file "$SECRET" --request "$BODY" > "$T/good.req"
serve shared --secret-file "$SHARED" < "$T/good.req"
same "secret: mode 644: 500" "$(status < "$T/shared.resp")" 500
same "secret: mode 644: the body names the cause" \
    "$(body_of "$T/shared.resp")" "$TEXT_SECRET"
check "secret: mode 644: the log says why" \
    grep -q 'reason="secret file is readable or writable by other users' "$T/shared.log"
check "secret: the body holds neither the path nor the secret" \
    sh -c '! grep -q -e "$1" -e UseSomething "$2"' - "$T" "$T/shared.resp"
serve missing --secret-file "$T/no-such-secret" < "$T/good.req"
same "secret: missing file: 500 that names the cause" \
    "$(status < "$T/missing.resp") $(body_of "$T/missing.resp")" "500 $TEXT_SECRET"
serve allowed --allow-shared-secret --secret-file "$SHARED" < "$T/good.req"
same "secret: mode 644 with --allow-shared-secret: 200" "$(status < "$T/allowed.resp")" 200

"$INHOOK" sign --secret-file "$SHARED" "$BODY" > "$T/sign644.out" 2> "$T/sign644.err"
same "sign: mode 644 refused, exit 100" "$?" 100
check "sign: mode 644: says chmod 600" grep -q 'chmod 600' "$T/sign644.err"
same "sign: mode 644: prints nothing" "$(cat "$T/sign644.out")" ""
"$INHOOK" sign --request --secret-file "$SHARED" "$BODY" > /dev/null 2>&1
same "sign --request: mode 644 refused, exit 100" "$?" 100
"$INHOOK" sign --allow-shared-secret --request --secret-file "$SHARED" "$BODY" \
    > "$T/shared.req"
same "sign: mode 644 with --allow-shared-secret, exit 0" "$?" 0
serve shared2 --allow-shared-secret --secret-file "$SHARED" < "$T/shared.req"
same "sign: that request, served with --allow-shared-secret: 200" \
    "$(status < "$T/shared2.resp")" 200
: > "$T/empty"; chmod 600 "$T/empty"
"$INHOOK" sign --secret-file "$T/empty" "$BODY" > /dev/null 2>&1
same "sign: empty secret refused, exit 100" "$?" 100
mkdir -m 700 "$T/dir"
"$INHOOK" sign --secret-file "$T/dir" "$BODY" > /dev/null 2>&1
same "sign: a directory as secret refused, exit 100" "$?" 100

# the other 500s: each its own class
env_args=""
i=0
big=$(head -c 120000 /dev/zero | tr '\000' x)
while [ $i -lt 10 ]; do env_args="$env_args --env BIG$i=$big"; i=$((i + 1)); done
# shellcheck disable=SC2086 # a word list made here
serve envbig $env_args --secret-file "$SECRET" < "$T/good.req"
same "500: --env too large names it" \
    "$(status < "$T/envbig.resp") $(body_of "$T/envbig.resp")" \
    "500 server misconfigured: --env values too large, see the log"
rm -f "$T/h/runs"
env $SANENV "$INHOOK" --log-stderr --async --secret-file "$SECRET" -- \
    "$T/no-such-hook" < "$T/good.req" > "$T/nohook.resp" 2> "$T/nohook.log"
same "500: --async hook missing says it could not start" \
    "$(status < "$T/nohook.resp") $(body_of "$T/nohook.resp")" \
    "500 hook could not be started, see the log"
case $(body_of "$T/nohook.resp") in
*/*) nok "500: that body holds no path" ;;
*) ok "500: that body holds no path" ;;
esac
echo 3 > "$T/h/exit"
serve exit3 --secret-file "$SECRET" < "$T/good.req"
rm -f "$T/h/exit"
same "500: hook exit 3 says the hook failed" \
    "$(status < "$T/exit3.resp") $(body_of "$T/exit3.resp")" "500 hook failed, see the log"
# a usage error on a live connection (a socket on fds 0 and 1)
if [ -x "$PY" ]; then
	$PY - "$INHOOK" > "$T/usage.resp" <<'EOF'
import socket, subprocess, sys
a, b = socket.socketpair()
p = subprocess.Popen([sys.argv[1], "--no-such-option", "/bin/true"],
                     stdin=b, stdout=b, stderr=subprocess.DEVNULL)
b.close()
data = b""
while True:
    d = a.recv(4096)
    if not d:
        break
    data += d
p.wait()
sys.stdout.write(data.decode())
EOF
	same "500: a usage error on a live connection names it" \
	    "$(status < "$T/usage.resp") $(body_of "$T/usage.resp")" \
	    "500 server misconfigured: bad command line, see the log"
else
	ok "500: usage error # skip $PY is missing"
fi

# --- request: inhook sign --request | inhook, every scheme ------------------
WHSEC="$T/whsec"
(umask 077; echo whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw > "$WHSEC")
for sc in jobserv github gitea gitlab standard; do
	key=$SECRET
	[ "$sc" = standard ] && key=$WHSEC
	"$INHOOK" sign --request --scheme "$sc" --secret-file "$key" "$BODY" > "$T/$sc.req"
	same "request $sc: sign exits 0" "$?" 0
	rm -f "$T/h/runs"
	"$INHOOK" sign --request --scheme "$sc" --secret-file "$key" "$BODY" |
	    env $SANENV "$INHOOK" --log-stderr --scheme "$sc" --secret-file "$key" \
	    -- "$T/h/hook" "$T/h" > "$T/$sc.resp" 2> "$T/$sc.log"
	same "request $sc: sign --request | inhook: 200" "$(status < "$T/$sc.resp")" 200
	same "request $sc: the hook ran once" "$(runs "$T/h")" 1
	check "request $sc: INHOOK_SCHEME=$sc" grep -qx "INHOOK_SCHEME=$sc" "$T/h/env"
	check "request $sc: the payload exported" grep -qx "WEBHOOK_STATUS=PASSED" "$T/h/env"
	check "request $sc: the hook's stdin is the body" cmp -s "$T/h/stdin" "$BODY"
	[ -x "$PY" ] || { ok "request $sc: bytes # skip $PY is missing"; continue; }
	$PY - "$sc" "$key" "$BODY" "$T/$sc.req" > "$T/$sc.check" <<'EOF'
import base64, hashlib, hmac, sys
sc, keyf, bodyf, reqf = sys.argv[1:]
key = open(keyf, 'rb').read().strip(b' \t\r\n')
body = open(bodyf, 'rb').read()
req = open(reqf, 'rb').read()
head, _, rest = req.partition(b'\r\n\r\n')
lines = head.split(b'\r\n')
bad = []
if b'\n' in head.replace(b'\r\n', b''):
    bad.append('a bare LF in the head')
if lines[0] != b'POST /webhook HTTP/1.1':
    bad.append('request line %r' % lines[0])
h = {}
for l in lines[1:]:
    n, _, v = l.partition(b': ')
    h[n.lower().decode()] = v.decode()
if rest != body:
    bad.append('the body is not the file')
if h.get('content-length') != str(len(body)):
    bad.append('Content-Length %s' % h.get('content-length'))
if h.get('content-type') != 'application/json':
    bad.append('Content-Type')
if h.get('host') != 'localhost':
    bad.append('Host')
mac = hmac.new(key, body, hashlib.sha256).hexdigest()
if sc == 'jobserv':
    ok = h.get('x-jobserv-sig') == 'sha256:' + mac
elif sc == 'github':
    ok = h.get('x-hub-signature-256') == 'sha256=' + mac
elif sc == 'gitea':
    ok = h.get('x-gitea-signature') == mac
elif sc == 'gitlab':
    ok = h.get('x-gitlab-token') == key.decode()
else:
    k = base64.b64decode(key[6:] if key.startswith(b'whsec_') else key)
    m = (h['webhook-id'] + '.' + h['webhook-timestamp'] + '.').encode() + body
    ok = h.get('webhook-signature') == 'v1,' + base64.b64encode(
        hmac.new(k, m, hashlib.sha256).digest()).decode()
if not ok:
    bad.append('signature header')
print('; '.join(bad) or 'ok')
EOF
	same "request $sc: bytes and signature as python computes them" \
	    "$(cat "$T/$sc.check")" ok
done
# --path, the body on stdin, and a scheme serving does not allow
"$INHOOK" sign --request --path /ci --scheme github --secret-file "$SECRET" - \
    < "$BODY" > "$T/path.req"
serve path --path /ci --scheme github --secret-file "$SECRET" < "$T/path.req"
same "request: --path /ci, body on stdin: 200" "$(status < "$T/path.resp")" 200
same "request: the request line names --path" "$(head -n 1 "$T/path.req")" \
    "$(printf 'POST /ci HTTP/1.1\r')"
serve other --secret-file "$SECRET" < "$T/path.req"
same "request: --path /ci served at /webhook: 404" "$(status < "$T/other.resp")" 404
serve wrongkey --scheme github --path /ci --secret-file "$WHSEC" < "$T/path.req"
same "request: another secret: 403" "$(status < "$T/wrongkey.resp")" 403
(umask 077; echo 'not base64!' > "$T/notb64")
"$INHOOK" sign --request --scheme standard --secret-file "$T/notb64" "$BODY" \
    > /dev/null 2> "$T/std.err"
same "sign: standard with a secret that is not base64: exit 100" "$?" 100
check "sign: standard: says why" grep -q 'not base64' "$T/std.err"
"$INHOOK" sign --scheme gitlab --secret-file "$SECRET" "$BODY" > /dev/null 2>&1
same "sign: gitlab without --request: exit 100" "$?" 100
# the body limit, BODY_LIMIT (64 MiB): exactly that signs, a byte more not
head -c 67108864 /dev/zero > "$T/limit.body"
"$INHOOK" sign --secret-file "$SECRET" "$T/limit.body" > /dev/null 2>&1
same "sign: a body of exactly 64 MiB: signed, exit 0" "$?" 0
printf x >> "$T/limit.body"
"$INHOOK" sign --secret-file "$SECRET" "$T/limit.body" > /dev/null 2> "$T/limit.err"
same "sign: a body of 64 MiB + 1: exit 100" "$?" 100
check "sign: 64 MiB + 1: says so" grep -q 'body over 67108864 bytes' "$T/limit.err"
rm -f "$T/limit.body"
same "sign: without --request, github's header value" \
    "$("$INHOOK" sign --scheme github --secret-file "$SECRET" "$BODY")" \
    "$(sed -n 's/^X-Hub-Signature-256: \(.*\)\r$/\1/p' "$T/github.req")"
same "sign: without --request, jobserv's header value" \
    "$("$INHOOK" sign --secret-file "$SECRET" "$BODY")" \
    "$(sed -n 's/^X-JobServ-Sig: \(.*\)\r$/\1/p' "$T/jobserv.req")"
"$INHOOK" sign --request --path 'x y' --secret-file "$SECRET" "$BODY" > /dev/null 2>&1
same "sign: a --path serving refuses: exit 100" "$?" 100

# --- when: refused at start, with the right spelling -----------------------
# when_refused NAME EXPR WANT [ARGS...]: exit 100, and WANT in the message
when_refused() {
	_wn=$1 _we=$2 _ww=$3; shift 3
	"$INHOOK" --log-stderr "$@" --secret-file "$SECRET" --when "$_we" -- \
	    "$T/h/hook" "$T/h" < "$T/good.req" > "$T/when.out" 2> "$T/when.err"
	same "when $_wn: exit 100" "$?" 100
	check "when $_wn: message shows --when $_ww" grep -qF -- "--when $_ww" "$T/when.err"
	same "when $_wn: nothing answered" "$(cat "$T/when.out")" ""
}
when_refused "with the prefix" WEBHOOK_STATUS=PASSED STATUS=PASSED
when_refused "with --prefix CI_'s prefix" 'CI_STATUS~^PASS' 'STATUS~^PASS' --prefix CI_
when_refused "lower case" status=PASSED STATUS=PASSED
when_refused "a dot" 'runs.0.host_tag=amd64' 'RUNS_0_HOST_TAG=amd64'
serve whenok --when STATUS=PASSED --when BUILD_ID=7 --secret-file "$SECRET" < "$T/good.req"
same "when: STATUS=PASSED, BUILD_ID=7 hold: 200, hook ran" \
    "$(status < "$T/whenok.resp") $(runs "$T/h")" "200 1"
serve whenother --prefix CI_ --when WEBHOOK_X=1 --secret-file "$SECRET" < "$T/good.req"
same "when: WEBHOOK_X under --prefix CI_ is a name, not the prefix: 200 Filtered" \
    "$(status < "$T/whenother.resp") $(body_of "$T/whenother.resp")" "200 Filtered"

# --- form: what curl -d sends ---------------------------------------------
sig=$("$INHOOK" sign --secret-file "$SECRET" "$BODY")
{ printf 'POST /webhook HTTP/1.1\r\nHost: localhost\r\nX-JobServ-Sig: %s\r\n' "$sig"
  printf 'Content-Type: application/x-www-form-urlencoded\r\nContent-Length: %d\r\n\r\n' \
      "$(wc -c < "$BODY")"
  cat "$BODY"; } > "$T/form.req"
serve form --secret-file "$SECRET" < "$T/form.req"
same "form: JSON sent as a form: 400" "$(status < "$T/form.resp")" 400
check "form: the body says to send Content-Type: application/json" \
    grep -q 'send JSON with Content-Type: application/json$' "$T/form.resp"
same "form: the hook did not run" "$(runs "$T/h")" 0

# --- reasons: one for each status of the head and chunked parsers ----------
# reason NAME WANT-STATUS WANT-REASON ARGS...: the request on stdin
reason() {
	_rn=$1 _rs=$2 _rr=$3; shift 3
	serve "r-$_rn" --secret-file "$SECRET" "$@"
	same "reason $_rn: $_rs" "$(status < "$T/r-$_rn.resp")" "$_rs"
	check "reason $_rn: logged as \"$_rr\"" grep -qF "reason=\"$_rr\"" "$T/r-$_rn.log"
}
H='POST /webhook HTTP/1.1\r\nHost: h\r\n'
long=$(head -c 5000 /dev/zero | tr '\000' a)
printf "POST /$long HTTP/1.1\r\n\r\n" | reason 414 414 "request line over REQLINE_MAX"
printf "$H"'Expect: 200-ok\r\nContent-Length: 2\r\n\r\n{}' |
    reason 417 417 "Expect other than 100-continue"
{ printf "$H"; i=0; while [ $i -lt 70 ]; do printf 'X-%d: 1\r\n' $i; i=$((i + 1)); done
  printf '\r\n'; } | reason 431-fields 431 "more than HEADERS_MAX header fields"
{ printf "$H"; i=0; while [ $i -lt 5 ]; do printf 'X-%d: %s\r\n' $i "$long"; i=$((i + 1)); done
  printf '\r\n'; } | reason 431-bytes 431 "head over HEAD_MAX bytes"
printf "$H"'Transfer-Encoding: gzip, chunked\r\n\r\n' |
    reason 501-coding 501 "Transfer-Encoding other than chunked"
printf 'ABCDEFGHIJKLMNOPQRSTUVWXYZ /webhook HTTP/1.1\r\nHost: h\r\n\r\n' |
    reason 501-method 501 "method longer than METHOD_MAX"
printf 'POST /webhook HTTP/2.0\r\nHost: h\r\n\r\n' |
    reason 505 505 "HTTP version other than 1.x"
printf 'POST /webhook HTTP/1.1\nHost: h\n\n' |
    reason 400-lf 400 "bare LF in the head: lines end in CRLF"
{ printf "$H"'X-JobServ-Sig: %s\r\nTransfer-Encoding: chunked\r\n\r\n' "$sig"
  printf '40\r\n'; head -c 64 /dev/zero; } |
    reason 413-chunked 413 "chunked body over --max-body" --max-body 16
{ printf "$H"'X-JobServ-Sig: %s\r\nTransfer-Encoding: chunked\r\n\r\n' "$sig"
  printf '2\r\n{}\r\n0\r\n'; i=0
  while [ $i -lt 5 ]; do printf 'T-%d: %s\r\n' $i "$long"; i=$((i + 1)); done
  printf '\r\n'; } | reason 431-trailer 431 "chunked trailer section over TRAILER_MAX"
{ printf "$H"'X-JobServ-Sig: %s\r\nTransfer-Encoding: chunked\r\n\r\n' "$sig"
  printf 'zz\r\n'; } | reason 400-chunked 400 "bad chunked framing"
# no two statuses share a reason
dups=$(for f in "$T"/r-*.log; do
	sed -n 's/.* status=\([0-9]*\) .*reason="\(.*\)"$/\1 \2/p' "$f"
done | sort -u | awk '{ s = $1; $1 = ""; if (seen[$0]++ ) print s $0 }')
same "reasons: no reason shared by two statuses" "$dups" ""

# --- options: --help, --env, deps.sh ---------------------------------------
"$INHOOK" --help > "$T/help"
check "--help: --secret-file is required" grep -q -- '--secret-file FILE *required' "$T/help"
check "--help: usage lines name --secret-file" grep -q '^usage: inhook --secret-file FILE' "$T/help"
check "--help: --scheme's default jobserv" \
    sh -c 'grep -A1 -- "--scheme NAME" "$1" | grep -q "(jobserv; 403)"' - "$T/help"
check "--help: inhook sign --request" grep -q 'inhook sign \[--request\]' "$T/help"
for e in CREDENTIALS_DIRECTORY CREDENTIALS_DIRECTORY=/run/x; do
	CREDENTIALS_DIRECTORY=$T "$INHOOK" --log-stderr --env "$e" \
	    --secret-file "$SECRET" -- "$T/h/hook" "$T/h" < "$T/good.req" \
	    > "$T/cred.out" 2> "$T/cred.err"
	same "--env $e: refused, exit 100" "$?" 100
	check "--env $e: says why" grep -q 'CREDENTIALS_DIRECTORY: the hook never gets it' "$T/cred.err"
done
serve credok --env CREDENTIALS_DIRECTORYX=1 --secret-file "$SECRET" < "$T/good.req"
same "--env CREDENTIALS_DIRECTORYX: another name, 200" "$(status < "$T/credok.resp")" 200
# deps.sh as a user without root, with nothing installed: names what make
# fuzz needs, clang's libFuzzer runtime included
mkdir "$T/bin"
printf '#!/bin/sh\nexit 1\n' > "$T/bin/dpkg-query"
printf '#!/bin/sh\necho 1000\n' > "$T/bin/id"
chmod 755 "$T/bin/dpkg-query" "$T/bin/id"
PATH="$T/bin:$PATH" sh "$TOP/tests/deps.sh" fuzz > /dev/null 2> "$T/deps.err"
same "deps.sh fuzz: exit 1 when packages are missing" "$?" 1
check "deps.sh fuzz: names clang and libclang-rt-14-dev" \
    grep -q ' clang libclang-rt-14-dev' "$T/deps.err"
PATH="$T/bin:$PATH" sh "$TOP/tests/deps.sh" > /dev/null 2> "$T/deps0.err"
check "deps.sh: without fuzz, no clang" sh -c '! grep -q clang "$1"' - "$T/deps0.err"

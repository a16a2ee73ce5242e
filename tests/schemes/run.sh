#!/bin/sh
# tests/schemes/run.sh: the senders' signature schemes, several secrets,
# the shared-secret rule and form-encoded bodies, through the real binary.
#   pipe  raw requests on stdin (--log-stderr, log in a file): the
#         known-answer vectors of GitHub and Standard Webhooks (clock fixed
#         with INHOOK_NOW, replays outside --tolerance in both directions),
#         rotation, secret files that fail to load or are shared, scheme
#         order, bad options, form-encoded bodies, --dedupe keyed on the
#         delivery id, and a run as an unprivileged user that shows inhook
#         is not dumpable while the hook runs;
#   sa    systemd-socket-activate --inetd --accept on a free port of
#         127.0.0.1 with every scheme allowed and two secrets, and curl
#         setting each sender's headers: correct -> 200 with INHOOK_SCHEME,
#         INHOOK_EVENT and INHOOK_DELIVERY right, wrong -> 403, header twice
#         -> 400, no header -> 403, a form-encoded GitHub delivery.
# Every signature is computed here with /usr/bin/python3's hmac. Every
# delivery is also checked for the secret: never in the hook's environment
# or arguments, inhook's command line, or the log.
. "$(dirname "$0")/../lib.sh"

PY=/usr/bin/python3
D="$T/out"                   # what the hook records
PIDS=""
mkdir -p "$D"
cleanup() {
	for p in $PIDS; do kill "$p" 2>/dev/null; done
	for p in $PIDS; do wait "$p" 2>/dev/null; done
	rm -rf "$T"
}
trap cleanup EXIT
trap 'exit 1' INT TERM HUP

[ -x "$INHOOK" ] || { nok "inhook is built ($INHOOK)"; exit 1; }
[ -x "$PY" ] || { ok "schemes # skip $PY is missing"; exit 0; }

# --- fixtures ----------------------------------------------------------

# The hook: environment, stdin, arguments, inhook's command line, the owners
# of its own and its parent's /proc/PID/environ (root's when the process is
# not dumpable), run count.
cat > "$T/hook" <<'EOF'
#!/bin/sh
d=$1
env | LC_ALL=C sort > "$d/env"
cat > "$d/stdin"
printf '%s\n' "$@" > "$d/args"
tr '\0' '\n' < "/proc/$PPID/cmdline" > "$d/pargs" 2>/dev/null
stat -c %u "/proc/$PPID/environ" > "$d/powner" 2>/dev/null
stat -c %u "/proc/$$/environ" > "$d/owner" 2>/dev/null
echo run >> "$d/runs"
exit 0
EOF
chmod 755 "$T/hook"

cat > "$T/sig.py" <<'EOF'
import base64, hashlib, hmac, socket, sys, urllib.parse
def key(p):
    return open(p, 'rb').read().strip(b' \t\r\n')
def body(p):
    return open(p, 'rb').read()
c = sys.argv[1]
if c == 'hex':          # KEYFILE BODYFILE
    print(hmac.new(key(sys.argv[2]), body(sys.argv[3]), hashlib.sha256).hexdigest())
elif c == 'std':        # KEYFILE ID TIMESTAMP BODYFILE
    k = key(sys.argv[2])
    if k.startswith(b'whsec_'):
        k = k[6:]
    m = sys.argv[3].encode() + b'.' + sys.argv[4].encode() + b'.' + body(sys.argv[5])
    print('v1,' + base64.b64encode(hmac.new(base64.b64decode(k), m, hashlib.sha256).digest()).decode())
elif c == 'form':       # JSONFILE: payload=<the JSON, form-encoded>
    sys.stdout.write(urllib.parse.urlencode({'payload': body(sys.argv[2]).decode()}))
elif c == 'port':
    s = socket.socket()
    s.bind(('127.0.0.1', 0))
    print(s.getsockname()[1])
EOF
hx() { $PY "$T/sig.py" hex "$@"; }
std() { $PY "$T/sig.py" std "$@"; }

# secrets: three for rotation, GitHub's and the Standard Webhooks spec's
S1="$T/s1" S2="$T/s2" S3="$T/s3" GHK="$T/ghkey" SWK="$T/swkey"
printf 'old-secret-1\n' > "$S1"
printf 'new-secret-2\n' > "$S2"
printf 'third-secret-3\n' > "$S3"
printf "It's a Secret to Everybody\n" > "$GHK"
printf 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw\n' > "$SWK"
chmod 600 "$S1" "$S2" "$S3" "$GHK" "$SWK"
SECRETS="old-secret-1 new-secret-2 third-secret-3 MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"

printf 'Hello, World!' > "$T/hello"
printf '{"test": 2432232314}' > "$T/sw.json"
SW_ID=msg_p5jXN8AQM9LWM0D4loKWxJek SW_TS=1614265330
SW_SIG='v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE='
printf '{"ref":"refs/heads/main","after":"0d1a26e6","repository":{"full_name":"o/r"}}' > "$T/push.json"
J0='Content-Type: application/json'

# --- pipe mode helpers -------------------------------------------------

# mkreq OUT BODYFILE [HEADER...]: a raw POST of BODYFILE with the headers
mkreq() {
	_o=$1 _b=$2
	shift 2
	{
		printf 'POST /webhook HTTP/1.1\r\nHost: localhost\r\n'
		for _h; do printf '%s\r\n' "$_h"; done
		printf 'Content-Length: %d\r\n\r\n' "$(wc -c < "$_b")"
		cat "$_b"
	} > "$_o"
}

# pipe REQFILE OPTION...: runs inhook on REQFILE (INHOOK_NOW=$NOW when NOW
# is set) with the hook recording into $D; prints the status; the log is in
# $T/log (and appended to $T/all.log).
pipe() {
	_r=$1
	shift
	rm -f "$D"/*
	env ${NOW:+INHOOK_NOW=$NOW} "$INHOOK" --log-stderr "$@" -- "$T/hook" "$D" \
	    < "$_r" > "$T/resp" 2> "$T/log"
	cat "$T/log" >> "$T/all.log"
	status < "$T/resp"
}

val() { sed -n "s/^$1=//p" "$D/env"; }
has() { grep -q "^$1=" "$D/env"; }
hasnt() { ! has "$1"; }
logs() { grep -c -- "$1" "$T/log" | tr -d ' '; }
# secret_free TAG: no secret in what the hook saw, nor in this log line
secret_free() {
	_bad=""
	for _s in $SECRETS; do
		for _f in "$D/env" "$D/args" "$D/pargs" "$T/log"; do
			[ -f "$_f" ] && grep -qF -- "$_s" "$_f" && _bad="$_bad ${_f##*/}"
		done
	done
	same "$1: no secret in hook env, hook args, inhook's argv or log" "$_bad" ""
}

# --- known answers through the binary -----------------------------------

mkreq "$T/gh-kat.req" "$T/hello" 'Content-Type: text/plain' \
    'X-Hub-Signature-256: sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17'
same "github vector: signature passes, body is not JSON: 400" \
    "$(pipe "$T/gh-kat.req" --scheme github --secret-file "$GHK")" 400
same "github vector: log says scheme=github secret=1" "$(logs 'scheme=github secret=1')" 1
same "github vector: hook not run" "$(runs "$D")" 0
mkreq "$T/gh-kat-bad.req" "$T/hello" 'Content-Type: text/plain' \
    'X-Hub-Signature-256: sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e18'
same "github vector, last digit changed: 403" \
    "$(pipe "$T/gh-kat-bad.req" --scheme github --secret-file "$GHK")" 403
same "github vector, last digit changed: no scheme= in the log" "$(logs 'scheme=')" 0

mkreq "$T/sw.req" "$T/sw.json" 'Content-Type: application/json' \
    "webhook-id: $SW_ID" "webhook-timestamp: $SW_TS" "webhook-signature: $SW_SIG"
same "python agrees with the spec's Standard Webhooks vector" \
    "$(std "$SWK" "$SW_ID" "$SW_TS" "$T/sw.json")" "$SW_SIG"
NOW=$SW_TS
same "standard vector at its own time: 200" \
    "$(pipe "$T/sw.req" --scheme standard --secret-file "$SWK")" 200
same "standard vector: hook ran once" "$(runs "$D")" 1
same "standard vector: WEBHOOK_TEST" "$(val WEBHOOK_TEST)" 2432232314
same "standard vector: INHOOK_SCHEME" "$(val INHOOK_SCHEME)" standard
same "standard vector: INHOOK_DELIVERY is webhook-id" "$(val INHOOK_DELIVERY)" "$SW_ID"
check "standard vector: no INHOOK_EVENT" hasnt INHOOK_EVENT
check "standard vector: INHOOK_NOW does not reach the hook" hasnt INHOOK_NOW
check "standard vector: stdin is the exact body" cmp -s "$T/sw.json" "$D/stdin"
same "standard vector: log says scheme=standard secret=1" "$(logs 'scheme=standard secret=1')" 1
secret_free "standard vector"
NOW=$((SW_TS + 300))
same "standard: 300 s later (the edge of --tolerance): 200" \
    "$(pipe "$T/sw.req" --scheme standard --secret-file "$SWK")" 200
NOW=$((SW_TS - 300))
same "standard: 300 s earlier (the edge): 200" \
    "$(pipe "$T/sw.req" --scheme standard --secret-file "$SWK")" 200
NOW=$((SW_TS + 301))
same "standard: replayed 301 s later: 403" \
    "$(pipe "$T/sw.req" --scheme standard --secret-file "$SWK")" 403
same "standard: replayed 301 s later: hook not run" "$(runs "$D")" 0
same "standard: replayed: log gives the reason" "$(logs 'outside --tolerance')" 1
NOW=$((SW_TS - 301))
same "standard: 301 s in the future: 403" \
    "$(pipe "$T/sw.req" --scheme standard --secret-file "$SWK")" 403
same "standard: 301 s in the future: hook not run" "$(runs "$D")" 0
NOW=$((SW_TS + 86400 * 365))
same "standard: replayed a year later: 403" \
    "$(pipe "$T/sw.req" --scheme standard --secret-file "$SWK")" 403
NOW=
same "standard: replayed now (real clock, 2021 timestamp): 403" \
    "$(pipe "$T/sw.req" --scheme standard --secret-file "$SWK")" 403
same "standard: replayed now: hook not run" "$(runs "$D")" 0
NOW=$((SW_TS + 3600))
same "standard: an hour later with --tolerance 3600: 200" \
    "$(pipe "$T/sw.req" --scheme standard --tolerance 3600 --secret-file "$SWK")" 200
same "standard: an hour and a second later with --tolerance 3600: 403" \
    "$(NOW=$((SW_TS + 3601)); pipe "$T/sw.req" --scheme standard --tolerance 3600 --secret-file "$SWK")" 403
NOW=
ts=$(date +%s)
mkreq "$T/sw-now.req" "$T/push.json" 'Content-Type: application/json' \
    "webhook-id: msg_now" "webhook-timestamp: $ts" \
    "webhook-signature: v1,AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA= $(std "$SWK" msg_now "$ts" "$T/push.json")"
same "standard: signed now, real clock, second entry of the list matches: 200" \
    "$(pipe "$T/sw-now.req" --scheme standard --secret-file "$SWK")" 200
same "standard: signed now: WEBHOOK_REF" "$(val WEBHOOK_REF)" refs/heads/main
mkreq "$T/sw-wrongid.req" "$T/push.json" 'Content-Type: application/json' \
    "webhook-id: msg_other" "webhook-timestamp: $ts" \
    "webhook-signature: $(std "$SWK" msg_now "$ts" "$T/push.json")"
same "standard: signature of another webhook-id: 403" \
    "$(pipe "$T/sw-wrongid.req" --scheme standard --secret-file "$SWK")" 403

# --- rotation ----------------------------------------------------------

for n in 1 2 3; do
	mkreq "$T/rot$n.req" "$T/push.json" 'Content-Type: application/json' \
	    "X-JobServ-Sig: $("$INHOOK" sign --secret-file "$T/s$n" "$T/push.json")"
done
ROT="--secret-file $S1 --secret-file $S2"
same "rotation: signed with the old secret: 200" "$(pipe "$T/rot1.req" $ROT)" 200
same "rotation: old secret: log says secret=1" "$(logs 'scheme=jobserv secret=1')" 1
same "rotation: old secret: hook ran" "$(runs "$D")" 1
secret_free "rotation (old)"
same "rotation: signed with the new secret: 200" "$(pipe "$T/rot2.req" $ROT)" 200
same "rotation: new secret: log says secret=2" "$(logs 'scheme=jobserv secret=2')" 1
same "rotation: new secret: hook ran" "$(runs "$D")" 1
secret_free "rotation (new)"
same "rotation: signed with a third secret: 403" "$(pipe "$T/rot3.req" $ROT)" 403
same "rotation: third secret: hook not run" "$(runs "$D")" 0
same "rotation: third secret: no secret= in the log" "$(logs 'secret=')" 0
same "rotation: reversed order, old secret is secret=2" \
    "$(pipe "$T/rot1.req" --secret-file "$S2" --secret-file "$S1"; logs 'secret=2')" "200
1"
same "rotation: a missing second file: 500 though the first verifies" \
    "$(pipe "$T/rot1.req" --secret-file "$S1" --secret-file "$T/nonexistent")" 500
same "rotation: a missing file: hook not run" "$(runs "$D")" 0
same "rotation: a missing file: log says why" "$(logs 'reason="cannot open secret file"')" 1
: > "$T/empty"
chmod 600 "$T/empty"
same "rotation: an empty second file: 500" \
    "$(pipe "$T/rot1.req" --secret-file "$S1" --secret-file "$T/empty")" 500
mkdir -p "$T/cred"
cp "$S1" "$T/cred/webhook-secret"
cp "$S2" "$T/cred/webhook-secret-new"
chmod 600 "$T/cred"/*
rm -f "$D"/*
CREDENTIALS_DIRECTORY="$T/cred" "$INHOOK" --log-stderr --secret-file webhook-secret \
    --secret-file webhook-secret-new -- "$T/hook" "$D" < "$T/rot2.req" > "$T/resp" 2> "$T/log"
same "rotation with two credentials (LoadCredential=): new one verifies" \
    "$(status < "$T/resp") $(logs 'scheme=jobserv secret=2')" "200 1"
check "rotation with credentials: no CREDENTIALS_DIRECTORY for the hook" \
    hasnt CREDENTIALS_DIRECTORY
set -- "$INHOOK" --log-stderr
for n in 1 2 3 4 5 6 7 8; do set -- "$@" --secret-file "$S1"; done
"$@" -- /bin/true < "$T/rot1.req" > "$T/resp" 2>&1
same "rotation: 8 --secret-file accepted" "$(status < "$T/resp")" 200
"$@" --secret-file "$S1" -- /bin/true < "$T/rot1.req" > /dev/null 2>&1
same "rotation: a 9th --secret-file is a usage error (exit 100)" "$?" 100

# --- shared secrets ----------------------------------------------------

for mode in 644 640 604 660 620 602 610 601; do
	chmod "$mode" "$S1"
	same "shared secret: mode $mode: 500" "$(pipe "$T/rot1.req" --secret-file "$S1")" 500
	[ "$mode" = 644 ] || continue
	same "shared secret: mode 644: hook not run" "$(runs "$D")" 0
	same "shared secret: mode 644: log says why" \
	    "$(logs 'readable or writable by other users')" 1
	same "shared secret: mode 644: with --allow-shared-secret: 200" \
	    "$(pipe "$T/rot1.req" --allow-shared-secret --secret-file "$S1")" 200
	same "shared secret: mode 644: with --allow-shared-secret: hook ran" "$(runs "$D")" 1
	same "shared secret: second of two files mode 644: 500" \
	    "$(pipe "$T/rot1.req" --secret-file "$S2" --secret-file "$S1")" 500
done
for mode in 600 400 700; do
	chmod "$mode" "$S1"
	same "private secret: mode $mode: 200" "$(pipe "$T/rot1.req" --secret-file "$S1")" 200
done
chmod 600 "$S1"

# --- scheme selection in pipe mode ---------------------------------------

gh_sig="sha256=$(hx "$S1" "$T/push.json")"
mkreq "$T/gh.req" "$T/push.json" 'Content-Type: application/json' \
    "X-Hub-Signature-256: $gh_sig" 'X-GitHub-Event: push' 'X-GitHub-Delivery: d-1'
same "default scheme is jobserv: a GitHub delivery gets 403" \
    "$(pipe "$T/gh.req" --secret-file "$S1")" 403
same "default scheme: log reason" "$(logs 'no signature header of an allowed scheme')" 1
same "--scheme github: the GitHub delivery gets 200" \
    "$(pipe "$T/gh.req" --scheme github --secret-file "$S1")" 200
same "--scheme github: a JobServ delivery gets 403" \
    "$(pipe "$T/rot1.req" --scheme github --secret-file "$S1")" 403
same "--scheme github: JobServ delivery: hook not run" "$(runs "$D")" 0
mkreq "$T/both.req" "$T/push.json" 'Content-Type: application/json' \
    "X-Hub-Signature-256: $gh_sig" "X-Gitlab-Token: old-secret-1" \
    'X-Gitlab-Event: Push Hook'
pipe "$T/both.req" --scheme github --scheme gitlab --secret-file "$S1" > /dev/null
same "two headers, --scheme github first: INHOOK_SCHEME=github" "$(val INHOOK_SCHEME)" github
pipe "$T/both.req" --scheme gitlab --scheme github --secret-file "$S1" > /dev/null
same "two headers, --scheme gitlab first: INHOOK_SCHEME=gitlab" "$(val INHOOK_SCHEME)" gitlab
same "two headers, gitlab first: INHOOK_EVENT" "$(val INHOOK_EVENT)" "Push Hook"
secret_free "gitlab token in pipe mode"
"$INHOOK" --scheme bitbucket --secret-file "$S1" -- /bin/true < /dev/null > /dev/null 2>&1
same "--scheme bitbucket is a usage error (exit 100)" "$?" 100
"$INHOOK" --tolerance 0 --secret-file "$S1" -- /bin/true < /dev/null > /dev/null 2>&1
same "--tolerance 0 is a usage error (exit 100)" "$?" 100

# --- form-encoded GitHub delivery (pipe) --------------------------------

$PY "$T/sig.py" form "$SAMPLE" > "$T/form"
mkreq "$T/form.req" "$T/form" 'Content-Type: application/x-www-form-urlencoded' \
    "X-Hub-Signature-256: sha256=$(hx "$S1" "$T/form")" 'X-GitHub-Event: push'
same "form (pipe): 200" "$(pipe "$T/form.req" --scheme github --secret-file "$S1")" 200
check "form (pipe): stdin is the raw form body" cmp -s "$T/form" "$D/stdin"
grep '^WEBHOOK_' "$D/env" > "$T/form.vars"
mkreq "$T/json.req" "$SAMPLE" 'Content-Type: application/json' \
    "X-Hub-Signature-256: sha256=$(hx "$S1" "$SAMPLE")" 'X-GitHub-Event: push'
same "same sample as JSON (pipe): 200" "$(pipe "$T/json.req" --scheme github --secret-file "$S1")" 200
grep '^WEBHOOK_' "$D/env" > "$T/json.vars"
check "form (pipe): every WEBHOOK_ variable is what the JSON body gives" \
    cmp -s "$T/form.vars" "$T/json.vars"
same "form (pipe): WEBHOOK_BUILD_ID" "$(sed -n 's/^WEBHOOK_BUILD_ID=//p' "$T/form.vars")" 67
mkreq "$T/form-sigjson.req" "$T/form" 'Content-Type: application/x-www-form-urlencoded' \
    "X-Hub-Signature-256: sha256=$(hx "$S1" "$SAMPLE")"
same "form: a signature over the JSON rather than the raw body: 403" \
    "$(pipe "$T/form-sigjson.req" --scheme github --secret-file "$S1")" 403
printf 'other=1' > "$T/nopayload"
mkreq "$T/nopayload.req" "$T/nopayload" 'Content-Type: application/x-www-form-urlencoded' \
    "X-Hub-Signature-256: sha256=$(hx "$S1" "$T/nopayload")"
same "form: signed but no payload field: 400" \
    "$(pipe "$T/nopayload.req" --scheme github --secret-file "$S1")" 400
same "form: no payload field: hook not run" "$(runs "$D")" 0
printf 'payload=%%7B%%22a%%22%%3A1%%7D&payload=%%7B%%7D' > "$T/twice"
mkreq "$T/twice.req" "$T/twice" 'Content-Type: application/x-www-form-urlencoded' \
    "X-Hub-Signature-256: sha256=$(hx "$S1" "$T/twice")"
same "form: payload twice: 400" "$(pipe "$T/twice.req" --scheme github --secret-file "$S1")" 400
printf 'payload=%%7B%%22a%%22%%3A%%22x+y%%2Bz%%22%%7D&zen=1' > "$T/plus"
mkreq "$T/plus.req" "$T/plus" 'Content-Type: Application/X-WWW-Form-Urlencoded; charset=utf-8' \
    "X-Hub-Signature-256: sha256=$(hx "$S1" "$T/plus")"
same "form: media type in any case, with parameters: 200" \
    "$(pipe "$T/plus.req" --scheme github --secret-file "$S1")" 200
same "form: + is a space, %2B a plus" "$(val WEBHOOK_A)" "x y+z"
printf 'payload=%%7B%%22a%%22%%3A1%%7D%%' > "$T/badpct"
mkreq "$T/badpct.req" "$T/badpct" 'Content-Type: application/x-www-form-urlencoded' \
    "X-Hub-Signature-256: sha256=$(hx "$S1" "$T/badpct")"
same "form: a truncated %-escape: 400" "$(pipe "$T/badpct.req" --scheme github --secret-file "$S1")" 400
printf 'payload=%%5B1%%5D' > "$T/arr"
mkreq "$T/arr.req" "$T/arr" 'Content-Type: application/x-www-form-urlencoded' \
    "X-Hub-Signature-256: sha256=$(hx "$S1" "$T/arr")"
same "form: a payload that is not a JSON object: 422" \
    "$(pipe "$T/arr.req" --scheme github --secret-file "$S1")" 422

# --- --dedupe keys on the signed content, and on the delivery id ---------

# dd REQFILE...: each request through inhook --dedupe DIR (all schemes,
# both secrets), DIR new for each call; prints the hook's total run count
dd() {
	rm -rf "$T/dd" "$T/ddruns"
	mkdir -p "$T/dd"
	for _r; do
		pipe "$_r" --dedupe "$T/dd" --scheme jobserv --scheme github \
		    --scheme gitlab --secret-file "$S1" --secret-file "$S2" > /dev/null
		cat "$D/runs" >> "$T/ddruns" 2>/dev/null
	done
	if [ -f "$T/ddruns" ]; then wc -l < "$T/ddruns" | tr -d ' '; else echo 0; fi
}
if "$INHOOK" --dedupe "$T" --secret-file "$S1" -- /bin/true < /dev/null > /dev/null 2>&1; then
	printf '{"ref":"refs/heads/other"}' > "$T/push2.json"
	mkreq "$T/gh-d1.req" "$T/push.json" "$J0" "X-Hub-Signature-256: $gh_sig" \
	    'X-GitHub-Delivery: dd-1'
	mkreq "$T/gh-d1b.req" "$T/push2.json" "$J0" \
	    "X-Hub-Signature-256: sha256=$(hx "$S1" "$T/push2.json")" 'X-GitHub-Delivery: dd-1'
	mkreq "$T/gh-d2.req" "$T/push.json" "$J0" "X-Hub-Signature-256: $gh_sig" \
	    'X-GitHub-Delivery: dd-2'
	mkreq "$T/gh-d1r.req" "$T/push.json" "$J0" \
	    "X-Hub-Signature-256: sha256=$(hx "$S2" "$T/push.json")" 'X-GitHub-Delivery: dd-1'
	mkreq "$T/gh-d0.req" "$T/push.json" "$J0" "X-Hub-Signature-256: $gh_sig"
	mkreq "$T/gl-d1.req" "$T/push.json" "$J0" 'X-Gitlab-Token: old-secret-1' \
	    'Idempotency-Key: dd-1'
	mkreq "$T/gl-d2.req" "$T/push.json" "$J0" 'X-Gitlab-Token: old-secret-1' \
	    'Idempotency-Key: dd-2'
	same "dedupe: one GitHub delivery id twice, other body: hook ran once" \
	    "$(dd "$T/gh-d1.req" "$T/gh-d1b.req")" 1
	# a captured delivery replayed under a new, unsigned delivery id
	same "dedupe: the same signed body under a new GitHub delivery id: ran once" \
	    "$(dd "$T/gh-d1.req" "$T/gh-d2.req")" 1
	same "dedupe: the same GitHub delivery id signed with another secret: ran once" \
	    "$(dd "$T/gh-d1.req" "$T/gh-d1r.req")" 1
	same "dedupe: GitLab, the same body under a new Idempotency-Key: ran once" \
	    "$(dd "$T/gl-d1.req" "$T/gl-d2.req")" 1
	same "dedupe: the same id under another scheme (GitLab) is another delivery" \
	    "$(dd "$T/gh-d1.req" "$T/gl-d1.req")" 2
	same "dedupe: no delivery id, the same signed body twice: ran once" \
	    "$(dd "$T/gh-d0.req" "$T/gh-d0.req")" 1
	same "dedupe: two bodies without delivery ids: ran twice" \
	    "$(dd "$T/gh-d0.req" "$T/gh-d1b.req")" 2
	mkreq "$T/js-d.req" "$T/push2.json" "$J0" \
	    "X-JobServ-Sig: $("$INHOOK" sign --secret-file "$S1" "$T/push2.json")"
	same "dedupe: JobServ, the same signed body twice: ran once" \
	    "$(dd "$T/js-d.req" "$T/js-d.req")" 1
else
	ok "dedupe # skip this inhook has no --dedupe"
fi

# --- not dumpable while the hook runs ----------------------------------

if [ "$(id -u)" = 0 ] && command -v setpriv > /dev/null; then
	nb=$(id -u nobody 2>/dev/null)
	if [ -n "$nb" ]; then
		mkdir -p "$T/nb"
		cp "$S1" "$T/nb/secret"
		chown -R nobody "$T/nb"
		chmod 600 "$T/nb/secret"
		setpriv --reuid="$nb" --regid="$(id -g nobody)" --clear-groups \
		    "$INHOOK" --log-stderr --secret-file "$T/nb/secret" -- "$T/hook" "$T/nb" \
		    < "$T/rot1.req" > "$T/resp" 2> "$T/log"
		same "as nobody: 200" "$(status < "$T/resp")" 200
		same "as nobody: the hook runs as nobody and is dumpable" \
		    "$(cat "$T/nb/owner" 2>/dev/null)" "$nb"
		same "as nobody: inhook is not dumpable (its /proc/PID/environ is root's)" \
		    "$(cat "$T/nb/powner" 2>/dev/null)" 0
	else
		ok "not dumpable # skip no user nobody"
	fi
else
	ok "not dumpable # skip needs root and setpriv"
fi

# --- real clients: curl through systemd-socket-activate -----------------

nlog() { grep -c ' status=' "$T/sa.log" | tr -d ' '; }
# post BODYFILE HEADER...: curl POST to $URL with the headers; prints the
# status; afterwards $T/line is inhook's log line for it (5 s at most)
post() {
	_b=$1
	shift
	_n=$#
	for _h; do set -- "$@" -H "$_h"; done
	shift "$_n"
	rm -f "$D"/*
	_before=$(nlog)
	curl -sS --max-time 10 -o "$T/curl.out" -w '%{http_code}' "$@" \
	    --data-binary @"$_b" "$URL" 2> "$T/curl.err"
	_i=0
	while [ "$(nlog)" -le "$_before" ] && [ "$_i" -lt 100 ]; do
		sleep 0.05
		_i=$((_i + 1))
	done
	grep ' status=' "$T/sa.log" | tail -n 1 > "$T/line"
	cp "$T/line" "$T/log"
}
inline() { grep -c -- "$1" "$T/line" | tr -d ' '; }

command -v curl > /dev/null || { ok "curl # skip not installed"; exit 0; }
command -v systemd-socket-activate > /dev/null ||
    { ok "systemd-socket-activate # skip not installed"; exit 0; }

port=$($PY "$T/sig.py" port)
URL="http://127.0.0.1:$port/webhook"
env -i PATH="$PATH" systemd-socket-activate --inetd --accept -l "127.0.0.1:$port" \
    -E INHOOK_NOW=$SW_TS \
    "$INHOOK" --log-stderr --scheme jobserv --scheme github --scheme gitea \
    --scheme gitlab --scheme standard --secret-file "$S1" --secret-file "$SWK" \
    -- "$T/hook" "$D" 2> "$T/sa.log" &
PIDS="$PIDS $!"
if ! wait_for listening "$port"; then
	nok "sa: systemd-socket-activate listens"
	sed 's/^/#   /' "$T/sa.log"
	exit 1
fi
ok "sa: systemd-socket-activate listens"

J='Content-Type: application/json'
W=$(hx "$S3" "$T/push.json")             # a signature with the wrong secret
H=$(hx "$S1" "$T/push.json")             # the right one
GUID=72d3162e-cc78-11e3-81ab-4c9367dc0958

# common TAG SCHEME EVENT DELIVERY SECRET#: what every accepted delivery shows
common() {
	same "$1: hook ran once" "$(runs "$D")" 1
	same "$1: INHOOK_SCHEME" "$(val INHOOK_SCHEME)" "$2"
	if [ -n "$3" ]; then
		same "$1: INHOOK_EVENT" "$(val INHOOK_EVENT)" "$3"
	else
		check "$1: no INHOOK_EVENT" hasnt INHOOK_EVENT
	fi
	if [ -n "$4" ]; then
		same "$1: INHOOK_DELIVERY" "$(val INHOOK_DELIVERY)" "$4"
	else
		check "$1: no INHOOK_DELIVERY" hasnt INHOOK_DELIVERY
	fi
	same "$1: log says scheme=$2 secret=$5" "$(inline "scheme=$2 secret=$5 ")" 1
	same "$1: REMOTE_ADDR" "$(val REMOTE_ADDR)" 127.0.0.1
	secret_free "$1"
}
# refused TAG STATUS WANT: a refusal, and the hook did not run
refused() {
	same "$1: $3" "$2" "$3"
	same "$1: hook not run" "$(runs "$D")" 0
}

# jobserv
same "sa jobserv: 200" "$(post "$T/push.json" "$J" "X-JobServ-Sig: sha256:$H")" 200
common "sa jobserv" jobserv "" "" 1
same "sa jobserv: WEBHOOK_REPOSITORY_FULL_NAME" "$(val WEBHOOK_REPOSITORY_FULL_NAME)" o/r
check "sa jobserv: stdin is the exact body" cmp -s "$T/push.json" "$D/stdin"
refused "sa jobserv wrong secret" "$(post "$T/push.json" "$J" "X-JobServ-Sig: sha256:$W")" 403
refused "sa jobserv header twice" "$(post "$T/push.json" "$J" \
    "X-JobServ-Sig: sha256:$H" "X-JobServ-Sig: sha256:$H")" 400

# github
same "sa github: 200" "$(post "$SAMPLE" "$J" "X-Hub-Signature-256: sha256=$(hx "$S1" "$SAMPLE")" \
    'X-GitHub-Event: push' "X-GitHub-Delivery: $GUID" 'User-Agent: GitHub-Hookshot/044aadd')" 200
common "sa github" github push "$GUID" 1
same "sa github: WEBHOOK_BUILD_ID" "$(val WEBHOOK_BUILD_ID)" 67
same "sa github: WEBHOOK_RUNS_2_HOST_TAG" "$(val WEBHOOK_RUNS_2_HOST_TAG)" amd64-partner
same "sa github, no event or delivery header: 200" \
    "$(post "$T/push.json" "$J" "X-Hub-Signature-256: sha256=$H")" 200
common "sa github bare" github "" "" 1
refused "sa github wrong secret" "$(post "$T/push.json" "$J" "X-Hub-Signature-256: sha256=$W")" 403
refused "sa github header twice" "$(post "$T/push.json" "$J" \
    "X-Hub-Signature-256: sha256=$H" "X-Hub-Signature-256: sha256=$H")" 400
refused "sa github JobServ's prefix" "$(post "$T/push.json" "$J" \
    "X-Hub-Signature-256: sha256:$H")" 403
refused "sa github event twice" "$(post "$T/push.json" "$J" \
    "X-Hub-Signature-256: sha256=$H" 'X-GitHub-Event: push' 'X-GitHub-Event: ping')" 400

# github, form-encoded
same "sa github form: 200" "$(post "$T/form" 'Content-Type: application/x-www-form-urlencoded' \
    "X-Hub-Signature-256: sha256=$(hx "$S1" "$T/form")" 'X-GitHub-Event: push' \
    "X-GitHub-Delivery: $GUID")" 200
common "sa github form" github push "$GUID" 1
check "sa github form: stdin is the raw form body" cmp -s "$T/form" "$D/stdin"
same "sa github form: CONTENT_TYPE" "$(val CONTENT_TYPE)" application/x-www-form-urlencoded
same "sa github form: CONTENT_LENGTH is the raw body's" "$(val CONTENT_LENGTH)" \
    "$(wc -c < "$T/form" | tr -d ' ')"
grep '^WEBHOOK_' "$D/env" > "$T/saform.vars"
check "sa github form: every WEBHOOK_ variable is what the JSON body gives" \
    cmp -s "$T/saform.vars" "$T/json.vars"
same "sa github form: WEBHOOK_RUNS_0_NAME" "$(val WEBHOOK_RUNS_0_NAME)" build-amd64-partner

# gitea and forgejo
same "sa gitea: 200" "$(post "$T/push.json" "$J" "X-Gitea-Signature: $H" \
    'X-Gitea-Event: push' 'X-Gitea-Delivery: 5bb4ad73-4a9d-4a1b-9d8a-000000000001')" 200
common "sa gitea" gitea push 5bb4ad73-4a9d-4a1b-9d8a-000000000001 1
same "sa forgejo (all its header families): 200" "$(post "$T/push.json" "$J" \
    "X-Forgejo-Signature: $H" 'X-Forgejo-Event: push' 'X-Forgejo-Delivery: fj-1' \
    "X-Gitea-Signature: $H" 'X-Gitea-Event: push' 'X-Gitea-Delivery: fj-1' \
    "X-Gogs-Signature: $H" 'X-Gogs-Event: push')" 200
common "sa forgejo" gitea push fj-1 1
same "sa forgejo: X-Forgejo-Event preferred" "$(post "$T/push.json" "$J" \
    "X-Forgejo-Signature: $H" 'X-Forgejo-Event: push' 'X-Gitea-Event: other')" 200
same "sa forgejo: INHOOK_EVENT from X-Forgejo-Event" "$(val INHOOK_EVENT)" push
refused "sa gitea wrong secret" "$(post "$T/push.json" "$J" "X-Gitea-Signature: $W")" 403
refused "sa forgejo wrong secret" "$(post "$T/push.json" "$J" "X-Forgejo-Signature: $W")" 403
refused "sa gitea sha256= prefix" "$(post "$T/push.json" "$J" "X-Gitea-Signature: sha256=$H")" 403
refused "sa gitea header twice" "$(post "$T/push.json" "$J" \
    "X-Gitea-Signature: $H" "X-Gitea-Signature: $H")" 400
refused "sa forgejo header twice" "$(post "$T/push.json" "$J" \
    "X-Forgejo-Signature: $H" "X-Forgejo-Signature: $H")" 400

# gitlab
same "sa gitlab: 200" "$(post "$T/push.json" "$J" 'X-Gitlab-Token: old-secret-1' \
    'X-Gitlab-Event: Push Hook' 'X-Gitlab-Event-UUID: 0e6b1a1e-0000-4000-8000-000000000002' \
    'X-Gitlab-Instance: https://gitlab.example.com')" 200
common "sa gitlab" gitlab "Push Hook" 0e6b1a1e-0000-4000-8000-000000000002 1
same "sa gitlab with Idempotency-Key: 200" "$(post "$T/push.json" "$J" \
    'X-Gitlab-Token: old-secret-1' 'X-Gitlab-Event: Pipeline Hook' \
    'Idempotency-Key: ik-3' 'X-Gitlab-Event-UUID: uu-3')" 200
common "sa gitlab idempotency" gitlab "Pipeline Hook" ik-3 1
refused "sa gitlab wrong token" "$(post "$T/push.json" "$J" 'X-Gitlab-Token: old-secret-')" 403
refused "sa gitlab token of another file" "$(post "$T/push.json" "$J" 'X-Gitlab-Token: third-secret-3')" 403
refused "sa gitlab header twice" "$(post "$T/push.json" "$J" \
    'X-Gitlab-Token: old-secret-1' 'X-Gitlab-Token: old-secret-1')" 400

# standard webhooks (the activator fixes the clock at the spec's time)
same "sa standard (spec vector): 200" "$(post "$T/sw.json" "$J" "webhook-id: $SW_ID" \
    "webhook-timestamp: $SW_TS" "webhook-signature: $SW_SIG")" 200
common "sa standard" standard "" "$SW_ID" 2
same "sa standard: WEBHOOK_TEST" "$(val WEBHOOK_TEST)" 2432232314
refused "sa standard replayed 301 s later" "$(post "$T/sw.json" "$J" "webhook-id: $SW_ID" \
    "webhook-timestamp: $((SW_TS - 301))" "webhook-signature: $SW_SIG")" 403
refused "sa standard wrong signature" "$(post "$T/sw.json" "$J" "webhook-id: $SW_ID" \
    "webhook-timestamp: $SW_TS" "webhook-signature: v1,$(printf '%044d' 0 | tr 0 A)")" 403
refused "sa standard header twice" "$(post "$T/sw.json" "$J" "webhook-id: $SW_ID" \
    "webhook-timestamp: $SW_TS" "webhook-signature: $SW_SIG" "webhook-signature: $SW_SIG")" 400
refused "sa standard without webhook-id" "$(post "$T/sw.json" "$J" \
    "webhook-timestamp: $SW_TS" "webhook-signature: $SW_SIG")" 403

# none of them
refused "sa no signature header at all" "$(post "$T/push.json" "$J")" 403
same "sa no signature header: log reason" "$(inline 'no signature header of an allowed scheme')" 1
refused "sa only GitHub's SHA-1 header" "$(post "$T/push.json" "$J" \
    'X-Hub-Signature: sha1=0000000000000000000000000000000000000000')" 403
refused "sa a JSON body without Content-Type (curl's default is a form)" \
    "$(post "$T/push.json" "X-Hub-Signature-256: sha256=$H")" 400

# nothing but the first allowed scheme's header is looked at
same "sa jobserv and github headers: jobserv (first allowed) wins" "$(post "$T/push.json" "$J" \
    "X-JobServ-Sig: sha256:$H" "X-Hub-Signature-256: sha256=$W")" 200
same "sa jobserv and github headers: INHOOK_SCHEME" "$(val INHOOK_SCHEME)" jobserv

grep -qF -e old-secret-1 -e MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw "$T/sa.log"
same "sa: no secret anywhere in the activator's log" "$?" 1
grep -qF -e old-secret-1 -e new-secret-2 -e MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw "$T/all.log"
same "pipe: no secret anywhere in the pipe-mode logs" "$?" 1

#!/usr/bin/python3
"""tests/conformance/cases.py: the conformance and hostile-input table.

Run by tests/conformance/run.sh, which sets INHOOK, SECRET (the secret file
of tests/lib.sh), HOOK (tests/golden/hook.c, built) and T (a temp dir that
the shell removes). Python only makes the bytes and reads the answers: what
is tested is the real binary, in pipe mode (raw request on stdin, response
on stdout, log on stderr with --log-stderr) and, for slow and broken peers,
on a real socket under systemd-socket-activate.

Every case asserts the exact status, that stdout holds exactly one
well-formed response (Content-Length honoured, nothing after it, no log
text, a 100 Continue only where the case expects one), that stderr holds
exactly one log line naming that status, and how many times the hook ran:
0 for every refusal, 1 for the few accepted controls, which also check the
variables the hook received. Prints "ok - NAME" / "not ok - NAME".
"""
import hashlib
import hmac
import os
import random
import select
import socket
import subprocess
import sys
import threading
import time

INHOOK = os.environ["INHOOK"]
SECRET = os.environ["SECRET"]
HOOK = os.environ["HOOK"]
T = os.environ["T"]
KEY = open(SECRET, "rb").read().strip()
DEFAULT_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"

# ENV_VARS_MAX, ENV_STRING_MAX, HEAD_MAX, REQLINE_MAX, HEADERS_MAX,
# JSON_DEPTH_MAX of src/limits.h, read from there so a change of a limit
# moves the boundary cases with it.
LIMITS = {}
with open(os.path.join(os.path.dirname(os.path.abspath(__file__)),
                       "..", "..", "src", "limits.h")) as f:
    for line in f:
        w = line.split("/*")[0].split(None, 2)
        if len(w) == 3 and w[0] == "#define":
            v = w[2].replace("UL", "").replace("(", "").replace(")", "")
            f_ = v.split("*")
            if all(x.strip().isdigit() for x in f_):
                LIMITS[w[1]] = 1
                for x in f_:
                    LIMITS[w[1]] *= int(x)

results = []
lock = threading.Lock()


def report(name, good, detail=""):
    with lock:
        results.append((name, good, detail))


def sig(body, key=KEY):
    return b"sha256:" + hmac.new(key, body, hashlib.sha256).hexdigest().encode()


B = b'{"build_id":1,"status":"PASSED"}'


def head(method=b"POST", target=b"/webhook", version=b"HTTP/1.1",
         host=b"Host: localhost\r\n", fields=b""):
    return method + b" " + target + b" " + version + b"\r\n" + host + fields


def post(body=B, target=b"/webhook", version=b"HTTP/1.1", sigv=None,
         cl=None, extra=b"", host=b"Host: localhost\r\n", tail=b""):
    """A signed POST framed by Content-Length (cl=False: no CL field)."""
    s = sig(body) if sigv is None else sigv
    f = b"Content-Type: application/json\r\n"
    if s is not False:
        f += b"X-JobServ-Sig: " + s + b"\r\n"
    f += extra
    if cl is not False:
        f += b"Content-Length: " + (str(len(body)).encode() if cl is None else cl) + b"\r\n"
    return head(target=target, version=version, host=host, fields=f) + b"\r\n" + body + tail


def chunk(data, sizes=None):
    """data in the chunked coding: chunks of the given sizes, then the rest."""
    out, i = b"", 0
    for n in sizes or []:
        out += b"%x\r\n" % n + data[i:i + n] + b"\r\n"
        i += n
    if i < len(data):
        out += b"%x\r\n" % (len(data) - i) + data[i:] + b"\r\n"
    return out


def cpost(encoded, body=B, extra=b"", te=b"chunked", version=b"HTTP/1.1",
          sigv=None):
    """A POST of encoded bytes with Transfer-Encoding, signed for body."""
    f = (b"Content-Type: application/json\r\nX-JobServ-Sig: " +
         (sig(body) if sigv is None else sigv) + b"\r\n" + extra)
    if te is not None:
        f += b"Transfer-Encoding: " + te + b"\r\n"
    return head(version=version, fields=f) + b"\r\n" + encoded


class Case:
    def __init__(self, name, raw, status, runs=0, opts=(), secret=None,
                 env=None, env_exact=None, cont=False, why=None, not_why=None,
                 allow=None, nothing=False, check=None):
        self.name, self.raw, self.status, self.runs = name, raw, status, runs
        self.opts, self.secret = list(opts), secret
        self.env, self.env_exact = env, env_exact
        self.cont, self.why, self.not_why = cont, why, not_why
        self.allow, self.nothing, self.check = allow, nothing, check


CASES = []


def C(*a, **k):
    CASES.append(Case(*a, **k))


def A(name, raw, env=None, **k):
    """An accepted control: 200 and the hook ran once."""
    C(name, raw, 200, runs=1, env=env, **k)


def parse_response(out, cont, is_head=False):
    """Returns (status, headers, problem) for stdout bytes."""
    pre = b"HTTP/1.1 100 Continue\r\n\r\n"
    if out.startswith(pre):
        if not cont:
            return None, None, "unexpected 100 Continue"
        out = out[len(pre):]
    elif cont:
        return None, None, "no 100 Continue"
    i = out.find(b"\r\n\r\n")
    if i < 0:
        return None, None, "no complete response head: %r" % out[:200]
    lines = out[:i].split(b"\r\n")
    rest = out[i + 4:]
    st = lines[0].split(b" ", 2)
    if len(st) != 3 or st[0] != b"HTTP/1.1" or not st[1].isdigit():
        return None, None, "bad status line %r" % lines[0]
    hdr = {}
    for ln in lines[1:]:
        n, sep, v = ln.partition(b": ")
        if not sep or n.lower() in hdr:
            return None, None, "bad response field %r" % ln
        hdr[n.lower()] = v
    for need in (b"date", b"content-length", b"connection", b"content-type"):
        if need not in hdr:
            return None, None, "no %s field" % need.decode()
    if hdr[b"connection"] != b"close":
        return None, None, "Connection is not close"
    want = 0 if is_head else int(hdr[b"content-length"])
    if len(rest) != want:
        return None, None, "body of %d bytes, Content-Length %s: %r" % (
            len(rest), hdr[b"content-length"].decode(), rest[:200])
    return int(st[1]), hdr, None


def esc(s):
    """A value as hook.c writes it: bytes < 0x20, 0x7f and \\ as \\xHH."""
    return b"".join(b"\\x%02x" % c if c < 0x20 or c == 0x7f or c == 0x5c
                    else bytes([c]) for c in s)


def read_env(d):
    env = {}
    with open(os.path.join(d, "env"), "rb") as f:
        for line in f.read().split(b"\n")[:-1]:
            n, _, v = line.partition(b"=")
            env[n.decode()] = v
    return env


def runs(d):
    try:
        with open(os.path.join(d, "runs")) as f:
            return len(f.read().splitlines())
    except FileNotFoundError:
        return 0


def run_pipe(k, c):
    d = os.path.join(T, "c%04d" % k)
    os.mkdir(d)
    secret = c.secret or SECRET
    cmd = [INHOOK, "--log-stderr", "--secret-file", secret] + c.opts + [HOOK, d]
    try:
        p = subprocess.run(cmd, input=c.raw, capture_output=True, timeout=30)
    except subprocess.TimeoutExpired:
        return report(c.name, False, "inhook did not finish in 30 s")
    problems = []
    if p.returncode != 0:
        problems.append("exit status %d" % p.returncode)
    logs = p.stderr.decode("ascii", "replace").splitlines()
    if c.nothing:
        if p.stdout:
            problems.append("answered %r" % p.stdout[:100])
        if len(logs) != 1 or "closed before sending a request" not in logs[0]:
            problems.append("log: %r" % logs)
    else:
        is_head = c.raw.startswith(b"HEAD ")
        st, hdr, why = parse_response(p.stdout, c.cont, is_head)
        if why:
            problems.append(why)
        elif st != c.status:
            problems.append("status %d, want %d" % (st, c.status))
        elif c.allow is not None and hdr.get(b"allow") != c.allow:
            problems.append("Allow %r, want %r" % (hdr.get(b"allow"), c.allow))
        if len(logs) != 1 or (" status=%d " % c.status) not in logs[0]:
            problems.append("log: %r" % logs)
        elif c.why and ('reason="%s"' % c.why) not in logs[0]:
            problems.append("log reason, want %r: %r" % (c.why, logs[0]))
        elif c.not_why and c.not_why in logs[0]:
            problems.append("log has %r: %r" % (c.not_why, logs[0]))
    n = runs(d)
    if n != c.runs:
        problems.append("hook ran %d times, want %d" % (n, c.runs))
    elif n:
        env = read_env(d)
        for name, val in (c.env or {}).items():
            if val is None:
                if name in env:
                    problems.append("%s is set" % name)
            elif env.get(name) != esc(val):
                problems.append("%s=%r, want %r" % (name, env.get(name), esc(val)))
        if c.env_exact is not None:
            want = sorted(c.env_exact)
            if sorted(env) != want:
                problems.append("variables %s, want %s" % (sorted(env), want))
        if c.check:
            problems += c.check(d, env)
    report(c.name, not problems, "; ".join(problems))


# ---------------------------------------------------------------- the table
# Request line (RFC 9112 3). A valid signed body everywhere, so that a line
# wrongly accepted would run the hook.
C("reqline: HTTP/0.9 form", b"GET /\r\n\r\n", 400)
C("reqline: HTTP/0.9 form, POST with body", b"POST /webhook\r\n" + B, 400)
C("reqline: version HTTP/1", post(version=b"HTTP/1"), 400)
C("reqline: version HTTP/01.1", post(version=b"HTTP/01.1"), 400)
C("reqline: version http/1.1", post(version=b"http/1.1"), 400)
C("reqline: version HTTP/1.1 with trailing space", post(version=b"HTTP/1.1 "), 400)
C("reqline: version HTTP/1.x", post(version=b"HTTP/1.x"), 400)
C("reqline: version HTTP/11", post(version=b"HTTP/11"), 400)
C("reqline: HTTP/2 preface", b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n", 505)
C("reqline: version HTTP/2.0", post(version=b"HTTP/2.0"), 505)
C("reqline: version HTTP/3.0", post(version=b"HTTP/3.0"), 505)
C("reqline: version HTTP/0.9", post(version=b"HTTP/0.9"), 505)
A("reqline: version HTTP/1.9 is 1.x", post(version=b"HTTP/1.9"))
C("reqline: two spaces after method", b"POST  /webhook HTTP/1.1\r\nHost: localhost\r\n\r\n", 400)
C("reqline: two spaces before version", b"POST /webhook  HTTP/1.1\r\nHost: localhost\r\n\r\n", 400)
C("reqline: tab after method", post().replace(b"POST ", b"POST\t", 1), 400)
C("reqline: tab before version", post().replace(b" HTTP/1.1", b"\tHTTP/1.1", 1), 400)
C("reqline: leading space", b" " + post(), 400)
C("reqline: leading empty line", b"\r\n" + post(), 400)
C("reqline: empty line only", b"\r\n\r\n", 400)
C("reqline: lower-case method", post().replace(b"POST", b"post", 1), 501)
C("reqline: mixed-case method", post().replace(b"POST", b"Post", 1), 501)
C("reqline: unknown method", post().replace(b"POST", b"BREW", 1), 501)
C("reqline: method of 17 characters", post().replace(b"POST", b"POSTPOSTPOSTPOSTP", 1), 501)
C("reqline: method of 1000 characters", post().replace(b"POST", b"P" * 1000, 1), 501)
C("reqline: method with a non-token byte", post().replace(b"POST", b"PO(ST", 1), 400)
C("reqline: method with NUL", post().replace(b"POST", b"POST\x00", 1), 400)
C("reqline: target of 5000 bytes", post(target=b"/webhook?" + b"a" * 5000), 414)
C("reqline: line of REQLINE_MAX+1", post(target=b"/webhook?" + b"a" * (
    LIMITS["REQLINE_MAX"] - len(b"POST /webhook? HTTP/1.1\r\n") + 1)), 414)
A("reqline: line of exactly REQLINE_MAX", post(target=b"/webhook?" + b"a" * (
    LIMITS["REQLINE_MAX"] - len(b"POST /webhook? HTTP/1.1\r\n"))))
C("reqline: NUL in target", post(target=b"/web\x00hook"), 400)
C("reqline: SOH in target", post(target=b"/webhook\x01"), 400)
C("reqline: DEL in target", post(target=b"/webhook\x7f"), 400)
C("reqline: byte 0xff in target", post(target=b"/webhook\xff"), 400)
C("reqline: space in target", post(target=b"/web hook"), 400)
C("reqline: tab in target", post(target=b"/web\thook"), 400)
C("reqline: fragment", post(target=b"/webhook#frag"), 400)
C("reqline: fragment after query", post(target=b"/webhook?a=b#frag"), 400)
C("reqline: double quote in target", post(target=b'/webhook?a="b"'), 400)
C("reqline: backslash in target", post(target=b"/webhook\\x"), 400)
C("reqline: bad percent escape", post(target=b"/webhook?a=%zz"), 400)
C("reqline: truncated percent escape", post(target=b"/webhook?a=%4"), 400)
C("reqline: target not / nor absolute", post(target=b"webhook"), 400)
C("reqline: absolute-form, other scheme", post(target=b"ftp://localhost/webhook"), 400)
C("reqline: absolute-form, empty authority", post(target=b"http:///webhook"), 400)
C("reqline: absolute-form, one slash", post(target=b"http:/webhook"), 400)
A("reqline: absolute-form, scheme in capitals", post(target=b"HTTP://localhost:8080/webhook"),
  env={"REQUEST_URI": b"HTTP://localhost:8080/webhook", "QUERY_STRING": b""})
C("reqline: absolute-form without a path is /", post(target=b"http://localhost"), 405,
  allow=b"GET, HEAD")
C("reqline: percent-encoded path is not decoded", post(target=b"/web%68ook"), 404)
C("reqline: trailing slash", post(target=b"/webhook/"), 404)
C("reqline: dot segments are not resolved", post(target=b"/x/../webhook"), 404)
C("reqline: double slash", post(target=b"//webhook"), 404)
C("reqline: path in capitals", post(target=b"/WEBHOOK"), 404)
A("reqline: query with ? and %XX kept as sent", post(target=b"/webhook?a?b=%2F&c"),
  env={"QUERY_STRING": b"a?b=%2F&c", "REQUEST_URI": b"/webhook?a?b=%2F&c"})
A("reqline: empty query", post(target=b"/webhook?"),
  env={"QUERY_STRING": b"", "REQUEST_URI": b"/webhook?"})
C("reqline: GET on the webhook", head(method=b"GET") + b"\r\n", 405, allow=b"POST")
C("reqline: PUT on the webhook", post().replace(b"POST", b"PUT", 1), 405, allow=b"POST")
C("reqline: HEAD on the webhook", head(method=b"HEAD") + b"\r\n", 405, allow=b"POST")
C("reqline: DELETE on /", head(method=b"DELETE", target=b"/") + b"\r\n", 405, allow=b"GET, HEAD")
C("reqline: POST on /", post(target=b"/"), 405, allow=b"GET, HEAD")
C("reqline: GET on another path", head(method=b"GET", target=b"/x") + b"\r\n", 404)
C("reqline: GET / is the health check", head(method=b"GET", target=b"/") + b"\r\n", 200)
C("reqline: line cut by EOF", b"POST /webh", 400)
C("reqline: line without CRLF then EOF", b"POST /webhook HTTP/1.1", 400)
C("reqline: no bytes at all: no answer", b"", 0, nothing=True)
C("reqline: binary garbage", bytes(random.Random(7).randrange(256) for _ in range(3000)), 400)
C("reqline: TLS ClientHello", bytes.fromhex("160301006b0100006703031234") + b"\x00" * 100, 400)

# Header section (RFC 9112 5, RFC 9110 5.5).
C("head: space before colon", post(extra=b"X-Foo : bar\r\n"), 400)
C("head: tab before colon", post(extra=b"X-Foo\t: bar\r\n"), 400)
C("head: space before colon of Content-Length",
  post(cl=False, extra=b"Content-Length : %d\r\n" % len(B)), 400)
C("head: space before colon of the signature",
  post(sigv=False, extra=b"X-JobServ-Sig : " + sig(B) + b"\r\n"), 400)
C("head: obs-fold", post(extra=b"X-Foo: bar\r\n baz\r\n"), 400)
C("head: obs-fold with tab", post(extra=b"X-Foo: bar\r\n\tbaz\r\n"), 400)
C("head: obs-fold of the signature",
  post(sigv=False, extra=b"X-JobServ-Sig:\r\n " + sig(B) + b"\r\n"), 400)
C("head: whitespace before the first field",
  b"POST /webhook HTTP/1.1\r\n Host: localhost\r\n" + post()[len(b"POST /webhook HTTP/1.1\r\nHost: localhost\r\n"):], 400)
C("head: tab before the first field",
  b"POST /webhook HTTP/1.1\r\n\tX: y\r\n" + post()[len(b"POST /webhook HTTP/1.1\r\n"):], 400)
C("head: bare LF ends a field", post(extra=b"X-Foo: bar\n"), 400)
C("head: bare LF ends the request line", post().replace(b"HTTP/1.1\r\n", b"HTTP/1.1\n", 1), 400)
C("head: LF-only request", post().replace(b"\r\n", b"\n"), 400)
C("head: bare LF ends the head", post().replace(b"\r\n\r\n", b"\r\n\n", 1), 400)
C("head: bare CR in a value", post(extra=b"X-Foo: a\rb\r\n"), 400)
C("head: bare CR ends a field", post(extra=b"X-Foo: bar\rX-Bar: baz\r\n"), 400)
C("head: CR CR LF", post(extra=b"X-Foo: bar\r\r\n"), 400)
for b_, n_ in ((0x00, "NUL"), (0x01, "SOH"), (0x0b, "VT"), (0x0c, "FF"),
               (0x1b, "ESC"), (0x7f, "DEL"), (0x08, "BS")):
    C("head: %s in a value" % n_, post(extra=b"X-Foo: a" + bytes([b_]) + b"b\r\n"), 400)
    C("head: %s in a name" % n_, post(extra=b"X-F" + bytes([b_]) + b"oo: ab\r\n"), 400)
C("head: NUL in the signature value",
  post(sigv=sig(B)[:20] + b"\x00" + sig(B)[20:]), 400)
A("head: obs-text in a value is allowed", post(extra=b"X-Foo: caf\xe9 \xff\r\n"))
A("head: tab inside a value is allowed", post(extra=b"X-Foo: a\tb\r\n"))
C("head: empty name", post(extra=b": value\r\n"), 400)
C("head: no colon", post(extra=b"JustText\r\n"), 400)
C("head: space in name", post(extra=b"X Foo: bar\r\n"), 400)
C("head: parenthesis in name", post(extra=b"X(Foo): bar\r\n"), 400)
C("head: non-ASCII name", post(extra=b"X-F\xc3\xa9: bar\r\n"), 400)
C("head: colon only", post(extra=b":\r\n"), 400)
C("head: missing Host on HTTP/1.1", post(host=b""), 400)
C("head: two Host fields", post(host=b"Host: a\r\nHost: a\r\n"), 400)
C("head: Host with a space", post(host=b"Host: exa mple\r\n"), 400)
C("head: Host with a slash", post(host=b"Host: a/b\r\n"), 400)
A("head: Host with a comma (a sub-delim)", post(host=b"Host: a,b\r\n"))
A("head: empty Host is valid", post(host=b"Host:\r\n"))
A("head: Host with port and IPv6 literal", post(host=b"Host: [::1]:8080\r\n"))
A("head: Host in capitals", post(host=b"HOST: localhost\r\n"))
A("head: no Host on HTTP/1.0", post(version=b"HTTP/1.0", host=b""))
C("head: 10 000 fields", post(extra=b"X-A: b\r\n" * 10000), 431)
C("head: a value of 100 KB", post(extra=b"X-A: " + b"b" * 100000 + b"\r\n"), 431)
C("head: HEADERS_MAX+1 fields", post(extra=b"X-A: b\r\n" * (LIMITS["HEADERS_MAX"] - 3)), 431)
A("head: exactly HEADERS_MAX fields", post(extra=b"X-A: b\r\n" * (LIMITS["HEADERS_MAX"] - 4)))
_h = len(post(extra=b"X-Pad: \r\n")) - len(B)
A("head: head of exactly HEAD_MAX bytes",
  post(extra=b"X-Pad: " + b"p" * (LIMITS["HEAD_MAX"] - _h) + b"\r\n"))
C("head: head of HEAD_MAX+1 bytes",
  post(extra=b"X-Pad: " + b"p" * (LIMITS["HEAD_MAX"] - _h + 1) + b"\r\n"), 431)
C("head: head never ends", b"POST /webhook HTTP/1.1\r\nHost: localhost\r\n", 400)
C("head: two signature fields", post(extra=b"X-JobServ-Sig: " + sig(B) + b"\r\n"), 400)
C("head: two signature fields, other case",
  post(extra=b"x-jobserv-sig: " + sig(B) + b"\r\n"), 400)
C("head: two signature fields, one empty", post(extra=b"X-JobServ-Sig:\r\n"), 400)
A("head: field names are case-insensitive",
  post(sigv=False, cl=False, extra=b"x-jobserv-sig: " + sig(B) +
       b"\r\nCONTENT-LENGTH: %d\r\n" % len(B)))
A("head: no whitespace after the colon",
  post(sigv=False, extra=b"X-JobServ-Sig:" + sig(B) + b"\r\n"))
A("head: whitespace around values is not part of them",
  post(sigv=False, cl=False, extra=b"X-JobServ-Sig: \t " + sig(B) + b" \t\r\n"
       b"Content-Length:\t%d \r\n" % len(B)))

# Framing and smuggling (RFC 9112 6.1, 6.3, 7.1).
C("framing: CL and TE chunked", post(extra=b"Transfer-Encoding: chunked\r\n"), 400)
C("framing: TE chunked then CL",
  cpost(chunk(B), extra=b"Content-Length: %d\r\n" % len(B)), 400)
C("framing: CL and TE chunked, chunked body",
  cpost(chunk(B) + b"0\r\n\r\n", extra=b"Content-Length: 3\r\n"), 400)
C("framing: TE chunked, identity", cpost(chunk(B) + b"0\r\n\r\n", te=b"chunked, identity"), 400)
C("framing: TE identity, chunked", cpost(chunk(B) + b"0\r\n\r\n", te=b"identity, chunked"), 501)
C("framing: TE gzip, chunked", cpost(chunk(B) + b"0\r\n\r\n", te=b"gzip, chunked"), 501)
C("framing: TE xchunked", cpost(chunk(B) + b"0\r\n\r\n", te=b"xchunked"),501)
C("framing: TE chunkedx", cpost(chunk(B) + b"0\r\n\r\n", te=b"chunkedx"),501)
C("framing: TE gzip alone", cpost(B, te=b"gzip"),501)
C("framing: TE identity alone", cpost(B, te=b"identity"),501)
C("framing: TE chunked with a parameter", cpost(chunk(B) + b"0\r\n\r\n", te=b"chunked;q=1"),501)
C("framing: TE chunked, chunked", cpost(chunk(B) + b"0\r\n\r\n", te=b"chunked, chunked"), 400)
C("framing: TE chunked in two fields",
  cpost(chunk(B) + b"0\r\n\r\n", extra=b"Transfer-Encoding: chunked\r\n"), 400)
C("framing: TE chunked, then TE gzip field",
  head(fields=b"X-JobServ-Sig: " + sig(B) + b"\r\nTransfer-Encoding: chunked\r\n"
       b"Transfer-Encoding: gzip\r\n") + b"\r\n" + chunk(B) + b"0\r\n\r\n", 400)
C("framing: TE gzip field, then TE chunked field",
  head(fields=b"X-JobServ-Sig: " + sig(B) + b"\r\nTransfer-Encoding: gzip\r\n"
       b"Transfer-Encoding: chunked\r\n") + b"\r\n" + chunk(B) + b"0\r\n\r\n", 501)
C("framing: TE quoted", cpost(chunk(B) + b"0\r\n\r\n", te=b'"chunked"'), 400)
C("framing: TE empty", cpost(chunk(B) + b"0\r\n\r\n", te=b""), 400)
C("framing: TE empty with CL", post(extra=b"Transfer-Encoding:\r\n"), 400)
C("framing: TE with an empty list element", cpost(chunk(B) + b"0\r\n\r\n", te=b"chunked,"), 400)
C("framing: TE in capitals with CL", post(extra=b"TRANSFER-ENCODING: CHUNKED\r\n"), 400)
A("framing: TE Chunked (codings are case-insensitive)",
  cpost(chunk(B) + b"0\r\n\r\n", te=b"Chunked"),
  env={"CONTENT_LENGTH": str(len(B)).encode()})
C("framing: TE Chunked with CL", post(extra=b"Transfer-Encoding: Chunked\r\n"), 400)
A("framing: Transfer_Encoding is another field: CL frames",
  post(extra=b"Transfer_Encoding: chunked\r\n"))
C("framing: TE in HTTP/1.0", cpost(chunk(B) + b"0\r\n\r\n", version=b"HTTP/1.0"), 400)
C("framing: TE and CL in HTTP/1.0",
  post(version=b"HTTP/1.0", extra=b"Transfer-Encoding: chunked\r\n"), 400)
for v_ in (b"+%d", b"-%d", b"0x%x", b"%d.0", b"%d,", b" %d 0", b"%de0"):
    C("framing: Content-Length %s" % (v_ % len(B)).decode(), post(cl=v_ % len(B)), 400)
C("framing: Content-Length -1", post(cl=b"-1"), 400)
C("framing: Content-Length 1_0", post(cl=b"1_0"), 400)
C("framing: Content-Length 5, 10", post(cl=b"5, 10"), 400)
C("framing: Content-Length n, n", post(cl=b"%d, %d" % (len(B), len(B))), 400)
C("framing: two Content-Length fields, same value",
  post(extra=b"Content-Length: %d\r\n" % len(B)), 400)
C("framing: two Content-Length fields, other value", post(extra=b"Content-Length: 5\r\n"), 400)
C("framing: Content-Length of 20 digits", post(cl=b"9" * 20), 400)
C("framing: Content-Length past 10^18", post(cl=b"1000000000000000001"), 400)
C("framing: Content-Length of 11 digits is too large", post(cl=b"99999999999"), 413)
C("framing: Content-Length empty", post(cl=b""), 400)
C("framing: Content-Length in Arabic-Indic digits", post(cl="\u0663\u0662".encode()), 400)
A("framing: Content-Length 0200 is two hundred",
  post(body=b'{"p":"' + b"x" * 192 + b'"}', cl=b"0200"))
A("framing: Content-Length of 20 digits with leading zeros",
  post(cl=b"%020d" % len(B)))
C("framing: Content-Length one short of the body", post(cl=b"%d" % (len(B) - 1)), 403)
C("framing: short body then EOF", post(cl=b"%d" % (len(B) + 10)), 400)
C("framing: head then EOF", post()[:-len(B)], 400)
C("framing: POST without CL or TE", post(cl=False), 411)
C("framing: POST HTTP/1.0 without CL", post(cl=False, version=b"HTTP/1.0"), 411)
C("framing: declared length over --max-body", post(), 413, opts=["--max-body", str(len(B) - 1)])
A("framing: declared length equal to --max-body", post(), opts=["--max-body", str(len(B))])
A("framing: pipelined request after the body runs the hook once",
  post(tail=b"GET / HTTP/1.1\r\nHost: localhost\r\n\r\n" + post()))
A("framing: pipelined bytes after a chunked body",
  cpost(chunk(B) + b"0\r\n\r\n" + post()))
A("framing: chunked sample, many chunks",
  cpost(chunk(B, [1, 2, 3, 5, 8]) + b"0\r\n\r\n"),
  env={"CONTENT_LENGTH": str(len(B)).encode()},
  check=lambda d, env: [] if open(os.path.join(d, "stdin"), "rb").read() == B
  else ["stdin is not the decoded body"])
A("framing: chunk size in capitals, leading zeros", cpost(b"%08X\r\n" % len(B) + B + b"\r\n0000\r\n\r\n"))
A("framing: chunk extensions, quoted and BWS",
  cpost(b"%x ;a=b; c = \"d \\\" e\" ;f\r\n" % len(B) + B + b"\r\n0;last\r\n\r\n"))
A("framing: trailer fields are ignored, Content-Length among them",
  cpost(chunk(B) + b"0\r\nContent-Length: 5\r\nTransfer-Encoding: gzip\r\n"
        b"X-JobServ-Sig: sha256:00\r\n\r\n"),
  env={"CONTENT_LENGTH": str(len(B)).encode()})
for n_, enc in (
        ("0x size", b"0x%x\r\n" % len(B) + B + b"\r\n0\r\n\r\n"),
        ("+ size", b"+%x\r\n" % len(B) + B + b"\r\n0\r\n\r\n"),
        ("- size", b"-1\r\n" + B + b"\r\n0\r\n\r\n"),
        ("size then space without ;", b"%x \r\n" % len(B) + B + b"\r\n0\r\n\r\n"),
        ("size then tab without ;", b"%x\t\r\n" % len(B) + B + b"\r\n0\r\n\r\n"),
        ("space before size", b" %x\r\n" % len(B) + B + b"\r\n0\r\n\r\n"),
        ("empty size", b"\r\n" + B + b"\r\n0\r\n\r\n"),
        ("17 hex digits", b"%017x\r\n" % len(B) + B + b"\r\n0\r\n\r\n"),
        ("non-hex digit", b"%xg\r\n" % len(B) + B + b"\r\n0\r\n\r\n"),
        ("data longer than declared", b"%x\r\n" % (len(B) - 3) + B + b"\r\n0\r\n\r\n"),
        ("data shorter than declared", b"%x\r\n" % (len(B) + 3) + B + b"\r\n0\r\n\r\n"),
        ("missing CRLF after data", b"%x\r\n" % len(B) + B + b"0\r\n\r\n"),
        ("LF after data", b"%x\r\n" % len(B) + B + b"\n0\r\n\r\n"),
        ("LF-only size line", b"%x\n" % len(B) + B + b"\r\n0\r\n\r\n"),
        ("LF-only last chunk", chunk(B) + b"0\n\n"),
        ("CR without LF after size", b"%x\rX" % len(B) + B + b"\r\n0\r\n\r\n"),
        ("64 KiB of extensions", b"%x;" % len(B) + b"a" * 65536 + b"\r\n" + B + b"\r\n0\r\n\r\n"),
        ("extension 5;bad[=x", b"%x;bad[=x\r\n" % len(B) + B + b"\r\n0\r\n\r\n"),
        ("extension without name", b"%x;=x\r\n" % len(B) + B + b"\r\n0\r\n\r\n"),
        ("extension with empty value", b"%x;a=\r\n" % len(B) + B + b"\r\n0\r\n\r\n"),
        ("extension with open quote", b"%x;a=\"b\r\n" % len(B) + B + b"\r\n0\r\n\r\n"),
        ("extension with CTL", b"%x;a\x01\r\n" % len(B) + B + b"\r\n0\r\n\r\n"),
        ("trailer without colon", chunk(B) + b"0\r\nbad trailer\r\n\r\n"),
        ("trailer with space before colon", chunk(B) + b"0\r\nX-A : b\r\n\r\n"),
        ("trailer obs-fold", chunk(B) + b"0\r\nX-A: b\r\n c\r\n\r\n"),
        ("trailer with NUL", chunk(B) + b"0\r\nX-A: b\x00\r\n\r\n"),
        ("trailer bare LF", chunk(B) + b"0\r\nX-A: b\n\r\n"),
        ("body not chunked at all", B)):
    C("chunked: " + n_, cpost(enc), 400, why="bad chunked framing")
for n_, enc in (
        ("no last chunk, EOF", chunk(B)),
        ("last chunk without final CRLF, EOF", chunk(B) + b"0\r\n"),
        ("trailer without its CRLF, EOF", chunk(B) + b"0\r\nX-A: b"),
        ("EOF inside data", b"%x\r\n" % len(B) + B[:5]),
        ("EOF inside size line", b"%x" % len(B))):
    C("chunked: " + n_, cpost(enc), 400, why="connection closed inside the body")
C("chunked: oversized hex size", cpost(b"ffffffffffffffff\r\n" + B), 413)
C("chunked: size over --max-body", cpost(chunk(B) + b"0\r\n\r\n"), 413,
  opts=["--max-body", str(len(B) - 1)])
C("chunked: second chunk passes --max-body", cpost(chunk(B, [10]) + b"0\r\n\r\n"), 413,
  opts=["--max-body", str(len(B) - 1)])
C("chunked: trailer section over its limit",
  cpost(chunk(B) + b"0\r\n" + b"X-A: " + b"b" * (LIMITS["HEAD_MAX"] + 10) + b"\r\n\r\n"), 431)
A("chunked: decoded length equal to --max-body", cpost(chunk(B, [7]) + b"0\r\n\r\n"),
  opts=["--max-body", str(len(B))])

# Transfer-Encoding obfuscation, as request smuggling scanners send it: each
# byte before, inside and after the field name and value, with and without
# a Content-Length, the signature valid for the Content-Length body. Where
# the byte is OWS around the value (HTAB, SP) the field IS a valid
# Transfer-Encoding: with CL that is 400, without CL it frames as chunked
# and the body, not being chunked, gets 400 from the chunked decoder. Every
# other spelling is a malformed field: 400 before any framing.
OBF = (0x01, 0x04, 0x08, 0x09, 0x0a, 0x0b, 0x0c, 0x0d, 0x1f, 0x20, 0x7f, 0xa0, 0xff)
for x in OBF:
    bx = bytes([x])
    for where, field in (
            ("before the name", bx + b"Transfer-Encoding: chunked"),
            ("inside the name", b"Transfer" + bx + b"-Encoding: chunked"),
            ("after the name", b"Transfer-Encoding" + bx + b": chunked"),
            ("before the value", b"Transfer-Encoding: " + bx + b"chunked"),
            ("inside the value", b"Transfer-Encoding: chun" + bx + b"ked"),
            ("after the value", b"Transfer-Encoding: chunked" + bx)):
        valid = x in (0x09, 0x20) and "value" in where and "inside" not in where
        for with_cl in (True, False):
            raw = post(extra=field + b"\r\n", cl=None if with_cl else False)
            C("te-obfuscation: 0x%02x %s, %s" % (x, where, "with CL" if with_cl else "no CL"),
              raw, 400,
              why="bad chunked framing" if valid and not with_cl else None,
              not_why=None if valid and not with_cl else "chunked framing")

# Expect (RFC 9110 10.1.1).
E100 = b"Expect: 100-continue\r\n"
C("expect: 100-continue over --max-body: 413, no 100", post(extra=E100), 413,
  opts=["--max-body", "10"])
C("expect: 100-continue, declared length over default limit",
  post(extra=E100, cl=b"4194304"), 413)
C("expect: 100-continue without signature: 403, no 100", post(extra=E100, sigv=False), 403)
C("expect: 100-continue with malformed signature: 403, no 100",
  post(extra=E100, sigv=b"sha256:00"), 403)
C("expect: 100-continue with CL and TE: 400, no 100",
  post(extra=E100 + b"Transfer-Encoding: chunked\r\n"), 400)
C("expect: 100-continue on another path: 404, no 100", post(extra=E100, target=b"/x"), 404)
C("expect: 100-continue without CL: 411, no 100", post(extra=E100, cl=False), 411)
A("expect: 100-continue: 100, then 200", post(extra=E100), cont=True)
A("expect: 100-Continue is case-insensitive", post(extra=b"Expect: 100-Continue\r\n"), cont=True)
A("expect: 100-continue with a chunked body", cpost(chunk(B) + b"0\r\n\r\n", extra=E100), cont=True)
C("expect: 100-continue with wrong signature: 100, then 403",
  post(extra=E100, sigv=sig(B + b"x")), 403, cont=True)
C("expect: unknown expectation", post(extra=b"Expect: the-unexpected\r\n"), 417)
C("expect: 100-continue and another", post(extra=b"Expect: 100-continue, foo\r\n"), 417)
C("expect: empty", post(extra=b"Expect:\r\n"), 417)
C("expect: 200-ok", post(extra=b"Expect: 200-ok\r\n"), 417)
A("expect: 100-continue on HTTP/1.0 is ignored: no 1xx",
  post(version=b"HTTP/1.0", host=b"", extra=E100))
A("expect: unknown expectation on HTTP/1.0 is ignored",
  post(version=b"HTTP/1.0", host=b"", extra=b"Expect: the-unexpected\r\n"))

# Signature (X-JobServ-Sig: sha256:<64 hex> over the exact body).
MAC = sig(B)[7:]
C("signature: missing", post(sigv=False), 403)
C("signature: sha256= prefix", post(sigv=b"sha256=" + MAC), 403)
C("signature: SHA256: prefix", post(sigv=b"SHA256:" + MAC), 403)
C("signature: no prefix", post(sigv=MAC), 403)
C("signature: sha1: prefix", post(sigv=b"sha1:" + MAC[:40]), 403)
C("signature: 63 hex digits", post(sigv=b"sha256:" + MAC[:63]), 403)
C("signature: 65 hex digits", post(sigv=b"sha256:" + MAC + b"0"), 403)
C("signature: non-hex digit", post(sigv=b"sha256:" + MAC[:63] + b"g"), 403)
C("signature: space inside", post(sigv=b"sha256: " + MAC), 403)
C("signature: empty", post(sigv=b""), 403)
C("signature: prefix only", post(sigv=b"sha256:"), 403)
C("signature: two values in one field", post(sigv=sig(B) + b", " + sig(B)), 403)
A("signature: upper-case hex accepted", post(sigv=b"sha256:" + MAC.upper()))
A("signature: mixed-case hex accepted", post(sigv=b"sha256:" + MAC[:32].upper() + MAC[32:]))
C("signature: body off by one byte", post(body=B[:-2] + b"X}", sigv=sig(B)), 403)
C("signature: body one byte longer", post(body=B + b" ", sigv=sig(B)), 403)
C("signature: trailing newline added to body", post(body=B + b"\n", sigv=sig(B)), 403)
C("signature: signed with another secret", post(sigv=sig(B, b"another")), 403)
C("signature: signed with the secret and its newline", post(sigv=sig(B, KEY + b"\n")), 403)
C("signature: checked before JSON", post(body=b"{nope", sigv=sig(B)), 403)
C("signature: empty body signed for another", post(body=b"", sigv=sig(B)), 403)
C("signature: empty secret file", post(), 500, secret="empty")
C("signature: secret file of whitespace", post(), 500, secret="blank")
C("signature: missing secret file", post(), 500, secret="missing")
C("signature: empty secret file, no signature", post(sigv=False), 500, secret="empty")
A("signature: secret file with trailing newline (lib.sh's)", post())
A("signature: secret file without newline", post(), secret="bare")
A("signature: secret file with CRLF and spaces around", post(), secret="spaced")

# JSON after a valid signature (RFC 8259, and what inhook exports).
for n_, body in (
        ("trailing comma", b'{"a":1,}'), ("two texts", b'{}{}'), ("trailing bytes", b'{"a":1}x'),
        ("trailing NUL", b'{"a":1}\x00'), ("NUL inside a string", b'{"a":"x\x00y"}'),
        ("raw tab in a string", b'{"a":"x\ty"}'), ("raw newline in a string", b'{"a":"x\ny"}'),
        ("raw 0x1f in a string", b'{"a":"x\x1fy"}'), ("raw control in a key", b'{"a\x01":1}'),
        ("byte 0xff", b'{"a":"\xff"}'), ("lone continuation byte", b'{"a":"\x80"}'),
        ("truncated sequence", b'{"a":"\xc3"}'), ("truncated 3-byte sequence", b'{"a":"\xe2\x82"}'),
        ("overlong /", b'{"a":"\xc0\xaf"}'), ("overlong NUL", b'{"a":"\xc0\x80"}'),
        ("overlong 3-byte", b'{"a":"\xe0\x80\xaf"}'), ("overlong 4-byte", b'{"a":"\xf0\x80\x80\xaf"}'),
        ("UTF-8 encoded surrogate", b'{"a":"\xed\xa0\x80"}'), ("above U+10FFFF", b'{"a":"\xf4\x90\x80\x80"}'),
        ("byte 0xf5", b'{"a":"\xf5\x80\x80\x80"}'), ("bad UTF-8 in a key", b'{"\xfe":1}'),
        ("byte-order mark", b'\xef\xbb\xbf{"a":1}'), ("leading zero", b'{"a":01}'),
        ("negative leading zero", b'{"a":-01}'), ("tru", b'{"a":tru}'), ("True", b'{"a":True}'),
        ("nul", b'{"a":nul}'), ("falsey", b'{"a":falsey}'), ("NaN", b'{"a":NaN}'),
        ("Infinity", b'{"a":Infinity}'), ("plus sign", b'{"a":+1}'), ("hex number", b'{"a":0x10}'),
        ("bare minus", b'{"a":-}'), ("1.", b'{"a":1.}'), (".5", b'{"a":.5}'), ("1e", b'{"a":1e}'),
        ("1e+", b'{"a":1e+}'), ("empty body", b""), ("whitespace only", b" \r\n\t"),
        ("single quotes", b"{'a':1}"), ("unquoted key", b'{a:1}'), ("missing colon", b'{"a" 1}'),
        ("missing comma", b'{"a":1 "b":2}'), ("missing value", b'{"a":}'), ("key only", b'{"a"}'),
        ("leading comma", b'{,"a":1}'), ("mismatched bracket", b'{"a":1]'), ("unclosed object", b'{"a":1'),
        ("unclosed string", b'{"a":"x'), ("unclosed array", b'{"a":[1,2}'), ("array trailing comma", b'{"a":[1,]}'),
        ("comment", b'{"a":1 /* c */}'), ("bad escape \\x", b'{"a":"\\x41"}'), ("short \\u", b'{"a":"\\u12"}'),
        ("\\U escape", b'{"a":"\\U0041"}'), ("non-hex \\u", b'{"a":"\\u12g4"}'),
        ("form feed as whitespace", b'{"a":\x0c1}'), ("vertical tab as whitespace", b'{\x0b"a":1}'),
        ("NBSP as whitespace", b'{"a":\xc2\xa01}'), ("root array trailing comma", b'[1,]'),
        ("invalid text and \\u0000", b'{"a":"\\u0000",}')):
    C("json: %s" % n_, post(body=body), 400)
for n_, body in (
        ("root array", b'[]'), ("root string", b'"s"'), ("root number", b'1'), ("root null", b'null'),
        ("root true", b'true'), ("\\u0000 in a value", b'{"a":"x\\u0000"}'),
        ("\\u0000 in a key", b'{"a\\u0000":1}'), ("lone high surrogate", b'{"a":"\\ud800"}'),
        ("lone low surrogate", b'{"a":"\\udc00"}'), ("high surrogate then letter", b'{"a":"\\ud800\\u0041"}'),
        ("high surrogate at the end", b'{"a":"x\\udbff"}'), ("reversed pair", b'{"a":"\\ude00\\ud83d"}'),
        ("lone surrogate in a key", b'{"\\ud800":1}'), ("duplicate keys", b'{"a":1,"a":2}'),
        ("duplicate keys, object values", b'{"a":{},"a":{}}'),
        ("duplicate keys, nested", b'{"o":{"k":1,"k":1}}'),
        ("keys differing in case", b'{"a":1,"A":2}'), ("build-id and build_id", b'{"build-id":1,"build_id":2}'),
        ("runs_count beside runs", b'{"runs":[1],"runs_count":2}'),
        ("a.b beside a object", b'{"a":{"b":1},"a.b":2}'), ("empty key", b'{"":1}'),
        ("empty nested key", b'{"a":{"":1}}'),
        ("deep nesting, 100 000 [", b'{"a":' + b"[" * 100000 + b"]" * 100000 + b"}"),
        ("deep nesting, 100 000 [ unclosed", b'{"a":' + b"[" * 100000),
        ("deep nesting, 100 000 {", b'{"a":' * 100000 + b"1" + b"}" * 100000),
        ("JSON_DEPTH_MAX+1 levels", b'{"a":' + b"[" * LIMITS["JSON_DEPTH_MAX"] + b"]" * LIMITS["JSON_DEPTH_MAX"] + b"}"),
        ("200 000-element array", b'{"a":[' + b"0," * 199999 + b"0]}"),
        ("a value over ENV_STRING_MAX",
         b'{"a":"' + b"v" * (LIMITS["ENV_STRING_MAX"] - len(b"WEBHOOK_A=")) + b'"}')):
    C("json: %s" % n_, post(body=body), 422, opts=["--max-body", "4194304"])
A("json: JSON_DEPTH_MAX levels", post(body=b'{"a":' + b"[" * (LIMITS["JSON_DEPTH_MAX"] - 1) +
                                       b"]" * (LIMITS["JSON_DEPTH_MAX"] - 1) + b"}"),
  env={"WEBHOOK_A_COUNT": b"1"})
A("json: a value of exactly ENV_STRING_MAX with its name",
  post(body=b'{"a":"' + b"v" * (LIMITS["ENV_STRING_MAX"] - len(b"WEBHOOK_A=") - 1) + b'"}'),
  env={"WEBHOOK_A": b"v" * (LIMITS["ENV_STRING_MAX"] - len(b"WEBHOOK_A=") - 1)})
A("json: huge numbers are exported as text",
  post(body=b'{"n":1e400,"m":-0.0000000000000000000000000000000001e-999,'
            b'"big":123456789012345678901234567890123456789012345678901234567890,"e":1E+2,"z":-0}'),
  env={"WEBHOOK_N": b"1e400", "WEBHOOK_M": b"-0.0000000000000000000000000000000001e-999",
       "WEBHOOK_BIG": b"123456789012345678901234567890123456789012345678901234567890",
       "WEBHOOK_E": b"1E+2", "WEBHOOK_Z": b"-0"})
A("json: payload keys PATH, LD_PRELOAD, IFS, BASH_ENV stay behind the prefix",
  post(body=b'{"PATH":"/tmp/evil","LD_PRELOAD":"/tmp/x.so","IFS":"x","BASH_ENV":"/tmp/e",'
            b'"HOME":"/root"}'),
  env_exact=["PATH", "INHOOK_SCHEME", "REQUEST_METHOD", "REQUEST_URI", "QUERY_STRING",
             "CONTENT_TYPE", "CONTENT_LENGTH", "WEBHOOK_PATH", "WEBHOOK_LD_PRELOAD",
             "WEBHOOK_IFS", "WEBHOOK_BASH_ENV", "WEBHOOK_HOME"],
  env={"PATH": DEFAULT_PATH.encode(), "WEBHOOK_PATH": b"/tmp/evil",
       "WEBHOOK_LD_PRELOAD": b"/tmp/x.so", "WEBHOOK_IFS": b"x", "WEBHOOK_BASH_ENV": b"/tmp/e",
       "WEBHOOK_HOME": b"/root", "LD_PRELOAD": None, "IFS": None,
       "BASH_ENV": None, "HOME": None})
A("json: every other key byte becomes _",
  post(body=b'{"a=b":"1","x y":"2","\xc3\xa9":"3","n\\nl":"4","_":"5","k\\u0041":"6"}'),
  env={"WEBHOOK_A_B": b"1", "WEBHOOK_X_Y": b"2", "WEBHOOK___": b"3", "WEBHOOK_N_L": b"4",
       "WEBHOOK__": b"5", "WEBHOOK_KA": b"6"})
A("json: values decoded exactly",
  post(body=b'{"s":"\\"\\\\\\/\\b\\f\\n\\r\\t\\u0041\\u00e9\\u20ac\\ud83d\\ude00","u":"\xe2\x82\xac",'
            b'"e":"a=b","t":true,"f":false,"z":null,"x":"","l":[null,[]]}'),
  env={"WEBHOOK_S": b'"\\/\b\f\n\r\tA\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80',
       "WEBHOOK_U": b"\xe2\x82\xac", "WEBHOOK_E": b"a=b", "WEBHOOK_T": b"true",
       "WEBHOOK_F": b"false", "WEBHOOK_Z": b"", "WEBHOOK_X": b"", "WEBHOOK_L_COUNT": b"2",
       "WEBHOOK_L_0": b"", "WEBHOOK_L_1_COUNT": b"0"})
A("json: JSON whitespace around the text", post(body=b' \t\r\n{ "a" : [ 1 , 2 ] }\r\n \t'),
  env={"WEBHOOK_A_0": b"1", "WEBHOOK_A_1": b"2", "WEBHOOK_A_COUNT": b"2"})


# ENV_VARS_MAX: the whole environment, fixed names included, may hold
# exactly that many entries. How many fixed names a pipe-mode request gets
# is counted from an accepted run, so the boundary stays exact.
def env_max_cases():
    d = os.path.join(T, "fixed")
    os.mkdir(d)
    subprocess.run([INHOOK, "--log-stderr", "--secret-file", SECRET, HOOK, d],
                   input=post(body=b'{"a":1}'), capture_output=True, timeout=30)
    if runs(d) != 1:
        report("json: count the fixed variables", False, "the control did not run")
        return
    fixed = len(read_env(d)) - 1
    room = LIMITS["ENV_VARS_MAX"] - fixed

    def keys(n):
        return b"{" + b",".join(b'"k%d":0' % i for i in range(n)) + b"}"

    def count(d_, env):
        return [] if len(env) == LIMITS["ENV_VARS_MAX"] else ["%d variables" % len(env)]
    A("json: exactly ENV_VARS_MAX variables", post(body=keys(room)), check=count)
    C("json: ENV_VARS_MAX+1 variables", post(body=keys(room + 1)), 422)
    big = b"v" * (LIMITS["ENV_STRING_MAX"] - 64)
    n = LIMITS["ENV_BYTES_MAX"] // len(big) + 1
    C("json: more bytes than ENV_BYTES_MAX",
      post(body=b"{" + b",".join(b'"k%d":"%s"' % (i, big) for i in range(n)) + b"}"), 422,
      opts=["--max-body", "4194304"])


# ------------------------------------------------ slow and broken peers
# A real socket: systemd-socket-activate --inetd starts one inhook per
# connection with --timeout 3. Every client is bounded in time and bytes.
SOCK_TIMEOUT = 3


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def listening(port):
    want = ":%04X" % port
    for path in ("/proc/net/tcp", "/proc/net/tcp6"):
        try:
            with open(path) as f:
                for line in f.readlines()[1:]:
                    w = line.split()
                    if w[1].endswith(want) and w[3] == "0A":
                        return True
        except OSError:
            pass
    return False


class Activator:
    def __init__(self, hookdir):
        self.log = os.path.join(T, "activator.log")
        self.proc = None
        for _ in range(5):
            self.port = free_port()
            self.proc = subprocess.Popen(
                ["systemd-socket-activate", "--inetd", "-a", "-l",
                 "127.0.0.1:%d" % self.port, INHOOK, "--log-stderr",
                 "--timeout", str(SOCK_TIMEOUT), "--secret-file", SECRET, HOOK, hookdir],
                stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                stderr=open(self.log, "ab"))
            with open(os.path.join(T, "activator.pid"), "w") as f:
                f.write("%d\n" % self.proc.pid)
            for _ in range(100):
                if listening(self.port) or self.proc.poll() is not None:
                    break
                time.sleep(0.02)
            if listening(self.port):
                return
            self.stop()
        raise RuntimeError("systemd-socket-activate did not listen")

    def stop(self):
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(5)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(5)

    def log_for(self, port):
        """inhook's log lines for the connection from local port port."""
        with open(self.log, "rb") as f:
            return [ln.decode("ascii", "replace") for ln in f.read().splitlines()
                    if b"peer=127.0.0.1:%d " % port in ln]


def converse(port, script, limit=12.0):
    """Connects, runs script(sock, send) where send queues bytes, and reads
    everything the server sends until EOF, a reset, or limit seconds.
    Returns (bytes read, how it ended, local port)."""
    s = socket.create_connection(("127.0.0.1", port), timeout=5)
    s.setblocking(False)
    local = s.getsockname()[1]
    got = bytearray()
    end = "limit"
    deadline = time.monotonic() + limit
    gen = script(s)
    pending, wait_until, closed_write, started = b"", 0.0, False, False
    try:
        while time.monotonic() < deadline:
            now = time.monotonic()
            if not pending and gen is not None and now >= wait_until:
                try:
                    step = gen.send(bytes(got) if started else None)
                    started = True
                except StopIteration:
                    gen = None
                    step = None
                if isinstance(step, bytes):
                    pending = step
                elif isinstance(step, (int, float)):
                    wait_until = now + step
                elif step == "shut":
                    s.shutdown(socket.SHUT_WR)
                    closed_write = True
                elif step == "reset":
                    s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, b"\x01\x00\x00\x00\x00\x00\x00\x00")
                    s.close()
                    return bytes(got), "reset", local
                elif step == "close":
                    s.close()
                    return bytes(got), "closed", local
            wl = [s] if pending and not closed_write else []
            r, w, _ = select.select([s], wl, [], 0.05)
            if r:
                try:
                    data = s.recv(65536)
                except ConnectionResetError:
                    end = "reset by server"
                    break
                if not data:
                    end = "eof"
                    break
                got += data
            if w and pending:
                try:
                    n = s.send(pending[:65536])
                    pending = pending[n:]
                except (BrokenPipeError, ConnectionResetError):
                    pending = b""
                    gen = None
    finally:
        try:
            s.close()
        except OSError:
            pass
    return bytes(got), end, local


def status_of(data):
    """The final status of a response stream, and whether a 100 came first."""
    cont = data.startswith(b"HTTP/1.1 100 Continue\r\n\r\n")
    if cont:
        data = data[len(b"HTTP/1.1 100 Continue\r\n\r\n"):]
    if not data.startswith(b"HTTP/1.1 "):
        return None, cont
    return int(data[9:12]), cont


def socket_cases():
    hookdir = os.path.join(T, "sock")
    os.mkdir(hookdir)
    try:
        act = Activator(hookdir)
    except (OSError, RuntimeError) as e:
        report("socket: start systemd-socket-activate", False, str(e))
        return
    port = act.port
    big = 4 * 1024 * 1024
    checks = []

    def trickle(s):
        # the head, one byte a second: each byte well within the timeout,
        # the whole far past it; stops when the answer comes
        for ch in post()[:12]:
            got = yield bytes([ch])
            if got:
                return
            yield 1.0

    def idle(s):
        yield 10.0

    def slow_body(s):
        raw = post()
        yield raw[:-len(B)]
        for ch in B[:10]:
            yield 1.0
            got = yield bytes([ch])
            if got:
                return

    def reset_mid_body(s):
        raw = post()
        yield raw[:-10]
        yield 0.3
        yield "reset"

    def huge(s):
        yield post(cl=b"%d" % big)[:-len(B)]
        block = b"x" * 65536
        for _ in range(big // len(block)):
            got = yield block
            if b"\r\n\r\n" in got:
                break

    def garbage(s):
        rnd = random.Random(5)
        yield bytes([0x16, 0x03, 0x01, 0x02, 0x00]) + bytes(rnd.randrange(256) for _ in range(600))
        yield "shut"

    def nothing(s):
        yield "close"

    def control(s):
        yield post()
        yield "shut"

    def expect_flow(s):
        raw = post(extra=E100)
        got = yield raw[:-len(B)]
        for _ in range(50):
            got = yield 0.05
            if got:
                break
        if got == b"HTTP/1.1 100 Continue\r\n\r\n":
            yield raw[-len(B):]

    def expect_too_large(s):
        yield post(extra=E100, cl=b"%d" % big)[:-len(B)]
        yield 10.0

    plan = [
        ("socket: a byte a second: 408 at the deadline, then closed", trickle, 408, "eof"),
        ("socket: idle connection: 408, then closed", idle, 408, "eof"),
        ("socket: body a byte a second: 408 at the one deadline", slow_body, 408, "eof"),
        ("socket: reset mid-request: hook not run", reset_mid_body, None, "reset"),
        ("socket: 4 MiB body refused early, client reads 413", huge, 413, None),
        ("socket: binary garbage: 400", garbage, 400, "eof"),
        ("socket: closed before any byte: no answer", nothing, None, "closed"),
        ("socket: 100-continue: 100, then the body, then 200", expect_flow, 200, "eof"),
        ("socket: 100-continue over the limit: 413, no 100", expect_too_large, 413, "eof"),
        ("socket: control: a signed POST runs the hook", control, 200, "eof"),
    ]
    out = {}

    def one(item):
        name, script, _, _ = item
        try:
            out[name] = converse(port, script)
        except OSError as e:
            out[name] = (b"", "error %s" % e, 0)
    try:
        threads = [threading.Thread(target=one, args=(it,)) for it in plan]
        for th in threads:
            th.start()
        for th in threads:
            th.join(30)
        # every inhook logs once its client is gone; give the last ones
        # (staged close, reset) a bounded moment: 15 s, for a loaded
        # machine and a sanitizer build
        for _ in range(300):
            if all(out.get(it[0]) and act.log_for(out[it[0]][2]) for it in plan):
                break
            time.sleep(0.05)
    finally:
        act.stop()
    for name, _, want, want_end in plan:
        if name not in out:
            report(name, False, "client did not finish")
            continue
        data, end, local = out[name]
        logs = act.log_for(local)
        problems = []
        st, cont = status_of(data)
        want_cont = "100-continue: 100" in name
        if want is None:
            if data:
                problems.append("answered %r" % data[:100])
        elif st != want:
            problems.append("status %r, want %d: %r" % (st, want, data[:100]))
        if cont != want_cont:
            problems.append("100 Continue %s" % ("missing" if want_cont else "sent"))
        if want_end and end != want_end:
            problems.append("ended by %s, want %s" % (end, want_end))
        if want is not None and data:
            body = data[data.index(b"\r\n\r\n", 30 if cont else 0) + 4:]
            if b"inhook" in data or b"peer=" in data:
                problems.append("log text on the connection")
            if not body.endswith(b"\n") or body.count(b"\n") != 1:
                problems.append("body %r" % body[:100])
        if len(logs) != 1:
            problems.append("log lines %r" % logs)
        elif want is not None and " status=%d " % want not in logs[0]:
            problems.append("log %r" % logs[0])
        elif "reset" in name and " status=400 " not in logs[0]:
            problems.append("log %r" % logs[0])
        elif want is None and "reset" not in name and "closed before sending" not in logs[0]:
            problems.append("log %r" % logs[0])
        report(name, not problems, "; ".join(problems))
    n = runs(hookdir)
    report("socket: the hook ran for the two accepted requests only", n == 2, "ran %d times" % n)


def main():
    env_max_cases()
    sock = threading.Thread(target=socket_cases)
    sock.start()
    for k, c in enumerate(CASES):
        if c.secret:
            c.secret = SECRETS[c.secret]
        run_pipe(k, c)
    sock.join(60)
    if sock.is_alive():
        report("socket: cases finished", False, "still running after 60 s")
    names = set()
    for name, good, detail in results:
        if name in names:
            print("not ok - duplicate case name %s" % name)
        names.add(name)
        if good:
            print("ok - " + name)
        else:
            print("not ok - " + name)
            print("#   " + detail[:2000])
    return 0


def secrets():
    files = {"empty": b"", "blank": b" \n\r\n\t\n", "bare": KEY,
             "spaced": b"  \t" + KEY + b" \r\n\r\n"}
    out = {"missing": os.path.join(T, "no-such-secret")}
    for name, data in files.items():
        out[name] = os.path.join(T, "secret-" + name)
        with open(out[name], "wb") as f:
            f.write(data)
        os.chmod(out[name], 0o600)
    return out


SECRETS = secrets()
if __name__ == "__main__":
    sys.exit(main())

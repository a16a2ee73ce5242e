#!/usr/bin/python3
"""tests/fuzz/seeds.py: writes the seed corpus of the fuzz targets into
tests/fuzz/corpus/TARGET/NAME, one realistic input per file: the JobServ
sample, the other senders' known-answer requests, and the hostile families
of the conformance suite (request line, header section, framing and
smuggling, TE obfuscations, chunk-size abuse, signatures, JSON edge cases).
Signatures use the secret of tests/lib.sh. Only rewrites the files it names:
regression inputs kept from fuzzing (crash-*) are left alone. The corpus is
committed; run this only to change or add a seed, then check the result
with FUZZ_VERBOSE=1 and tests/fuzz/run.sh."""
import base64
import hashlib
import hmac
import os

HERE = os.path.dirname(os.path.abspath(__file__))
TOP = os.path.join(HERE, "corpus")
SECRET = b"UseSomethingGoodHere"
SAMPLE = open(os.path.join(HERE, "..", "data", "jobserv-build.json"), "rb").read()


def sig(b):
    return b"sha256:" + hmac.new(SECRET, b, hashlib.sha256).hexdigest().encode()


def hx(key, body):
    return hmac.new(key, body, hashlib.sha256).hexdigest().encode()


def put(target, name, data):
    d = os.path.join(TOP, target)
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, name), "wb") as f:
        f.write(data)


# ---- http: whole requests as a peer sends them
H = b"Host: localhost\r\n"


def post(extra=b"", body=b'{"a":1}', ver=b"HTTP/1.1", target=b"/webhook",
         host=H, cl=True):
    h = (b"POST " + target + b" " + ver + b"\r\n" + host +
         b"Content-Type: application/json\r\nX-JobServ-Sig: " + sig(body) + b"\r\n")
    if cl:
        h += b"Content-Length: %d\r\n" % len(body)
    return h + extra + b"\r\n" + body


http = {
    "jobserv-sample": post(body=SAMPLE),
    "health-get": b"GET / HTTP/1.1\r\nHost: localhost\r\n\r\n",
    "health-head-1.0": b"HEAD / HTTP/1.0\r\n\r\n",
    "chunked-post": post(b"Transfer-Encoding: chunked\r\n",
                         body=b'7\r\n{"a":1}\r\n0\r\n\r\n', cl=False),
    "post-1.0": post(ver=b"HTTP/1.0", host=b""),
    "absolute-form": post(target=b"http://localhost:8080/webhook?x=1&y=%41"),
    "expect-continue": post(b"Expect: 100-continue\r\n"),
    "expect-unknown": post(b"Expect: tea\r\n"),
    "expect-1.0": post(b"Expect: 100-continue\r\n", ver=b"HTTP/1.0"),
    "cl-and-te": post(b"Transfer-Encoding: chunked\r\n"),
    "te-chunked-identity": post(b"Transfer-Encoding: chunked, identity\r\n", cl=False),
    "te-identity-chunked": post(b"Transfer-Encoding: identity, chunked\r\n", cl=False),
    "te-xchunked": post(b"Transfer-Encoding: xchunked\r\n", cl=False),
    "te-Chunked-twice": post(b"Transfer-Encoding: Chunked\r\nTransfer-Encoding: chunked\r\n", cl=False),
    "te-param": post(b"Transfer-Encoding: gzip;q=1, chunked\r\n", cl=False),
    "te-underscore": post(b"Transfer_Encoding: chunked\r\n", cl=False),
    "te-http10": post(b"Transfer-Encoding: chunked\r\n", ver=b"HTTP/1.0", cl=False),
    "te-vt": post(b"Transfer-Encoding:\x0bchunked\r\n", cl=False),
    "te-ff-after": post(b"Transfer-Encoding: chunked\x0c\r\n", cl=False),
    "te-nbsp": post(b"Transfer-Encoding: \xa0chunked\r\n", cl=False),
    "te-space-colon": post(b"Transfer-Encoding : chunked\r\n", cl=False),
    "te-obs-fold": post(b"X-A: b\r\n Transfer-Encoding: chunked\r\n", cl=False),
    "te-tab-value": post(b"Transfer-Encoding:\tchunked\t\r\n", cl=False),
    "te-soh-before-name": post(b"\x01Transfer-Encoding: chunked\r\n", cl=False),
    "te-ff-inside-value": post(b"Transfer-Encoding: chun\xffked\r\n", cl=False),
    "te-cr-inside-name": post(b"Transfer-\rEncoding: chunked\r\n", cl=False),
    "te-us-after-value": post(b"Transfer-Encoding: chunked\x1f\r\n", cl=False),
    "te-del-inside-name": post(b"Transfer-Enc\x7foding: chunked\r\n", cl=False),
    "cl-plus": b"POST /webhook HTTP/1.1\r\nHost: a\r\nContent-Length: +5\r\n\r\nhello",
    "cl-hex": b"POST /webhook HTTP/1.1\r\nHost: a\r\nContent-Length: 0x5\r\n\r\nhello",
    "cl-list": b"POST /webhook HTTP/1.1\r\nHost: a\r\nContent-Length: 5, 5\r\n\r\nhello",
    "cl-twice": b"POST /webhook HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\nContent-Length: 10\r\n\r\nhello",
    "cl-20-digits": b"POST /webhook HTTP/1.1\r\nHost: a\r\nContent-Length: 18446744073709551621\r\n\r\n",
    "cl-empty": b"POST /webhook HTTP/1.1\r\nHost: a\r\nContent-Length:\r\n\r\n",
    "cl-octal-looking": b"POST /webhook HTTP/1.1\r\nHost: a\r\nContent-Length: 0200\r\n\r\n",
    "http09": b"GET /\r\n\r\n",
    "version-http1": b"GET / HTTP/1\r\nHost: a\r\n\r\n",
    "version-01.1": b"GET / HTTP/01.1\r\nHost: a\r\n\r\n",
    "version-lower": b"GET / http/1.1\r\nHost: a\r\n\r\n",
    "h2-preface": b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n",
    "double-space": b"GET  / HTTP/1.1\r\nHost: a\r\n\r\n",
    "tab-separator": b"GET\t/ HTTP/1.1\r\nHost: a\r\n\r\n",
    "method-lower": b"post /webhook HTTP/1.1\r\nHost: a\r\n\r\n",
    "method-long": b"ABCDEFGHIJKLMNOPQRSTU /webhook HTTP/1.1\r\nHost: a\r\n\r\n",
    "target-fragment": b"GET /webhook#frag HTTP/1.1\r\nHost: a\r\n\r\n",
    "target-nul": b"GET /web\x00hook HTTP/1.1\r\nHost: a\r\n\r\n",
    "bare-lf": b"GET / HTTP/1.1\nHost: a\n\n",
    "bare-cr": b"GET / HTTP/1.1\r\nHost: a\rX: y\r\n\r\n",
    "nul-in-value": b"GET / HTTP/1.1\r\nHost: a\r\nX: a\x00b\r\n\r\n",
    "del-in-value": b"GET / HTTP/1.1\r\nHost: a\r\nX: a\x7fb\r\n\r\n",
    "empty-name": b"GET / HTTP/1.1\r\nHost: a\r\n: x\r\n\r\n",
    "space-first-header": b"GET / HTTP/1.1\r\n Host: a\r\n\r\n",
    "no-host": b"GET / HTTP/1.1\r\n\r\n",
    "two-hosts": b"GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n",
    "bad-host": b"GET / HTTP/1.1\r\nHost: a b\r\n\r\n",
    "dup-sig": post(b"X-JobServ-Sig: sha256:00\r\n"),
    "headers-65": b"GET / HTTP/1.1\r\nHost: a\r\n" +
                  b"".join(b"X-%d: %d\r\n" % (i, i) for i in range(64)) + b"\r\n",
    "reqline-long": b"GET /" + b"a" * 4100 + b" HTTP/1.1\r\nHost: a\r\n\r\n",
    "pipelined": b"GET / HTTP/1.1\r\nHost: a\r\n\r\nGET / HTTP/1.1\r\nHost: a\r\n\r\n",
}
for k, v in http.items():
    put("http", k, v)


# ---- chunked: bodies as sent after the head. The target picks its size
# limit from a hash of the input; these all get the default limit or more,
# except where a small one is the point (size-huge, size-oversized).
def chunks(b, sizes):
    out = b""
    i = 0
    for s in sizes:
        out += b"%x\r\n" % s + b[i:i + s] + b"\r\n"
        i += s
    return out + b"0\r\n\r\n"


chunked = {
    "simple": b"5\r\nhello\r\n0\r\n\r\n",
    "jobserv-sample-3": chunks(SAMPLE, [700, 700, len(SAMPLE) - 1400]),
    "upper-hex-leading-zeros": b"000A\r\n0123456789\r\n0\r\n\r\n",
    "ext-token": b"5;name=value\r\nhello\r\n0;last\r\n\r\n",
    "ext-quoted": b'5 ; a = "q\\"x" ;b\r\nhello\r\n0\r\n\r\n',
    "trailers": b"5\r\nhello\r\n0\r\nX-Trailer: v0\r\nContent-Length: 5\r\n\r\n",
    "pipelined-after": b"0\r\n\r\nGET / HTTP/1.1\r\nHost: a\r\n\r\n",
    "size-0x": b"0x5\r\nhello\r\n0\r\n\r\n",
    "size-plus": b"+5\r\nhello\r\n0\r\n\r\n",
    "size-minus": b"-1\r\nhello\r\n0\r\n\r\n",
    "size-space-no-ext": b"5 \r\nhello\r\n0\r\n\r\n",
    "size-oversized": b"fffffffffffffffff\r\nhello\r\n0\r\n\r\n",
    "size-huge": b"ffffffffffffffff\r\nhello\r\n0\r\n\r\n",
    "data-longer": b"3\r\nhello\r\n0\r\n\r\n",
    "missing-crlf": b"5\r\nhello0\r\n\r\n",
    "lf-only": b"5\nhello\n0\n\n",
    "ext-bad": b"5;bad[=x\r\nhello\r\n0\r\n\r\n",
    "ext-empty": b"5;\r\nhello\r\n0\r\n\r\n",
    "ext-long": b"1;" + b"a" * 1100 + b"\r\nx\r\n0\r\n\r\n",
    "trailer-space": b"0\r\n X: y\r\n\r\n",
    "trailer-bare-lf": b"0\r\nX: y\n\r\n",
    "short-eof": b"10\r\nabc",
    "no-last-chunk": b"5\r\nhello\r\n",
    "trailer-too-large": b"0\r\nX-Big: " + b"a" * 16400 + b"\r\n\r\n",
}
for k, v in chunked.items():
    put("chunked", k, v)

# ---- sig: a header value, then NUL and the body when there is one
sigs = {
    "jobserv-sample": sig(SAMPLE) + b"\0" + SAMPLE,
    "upper-hex": b"sha256:" + sig(SAMPLE)[7:].upper() + b"\0" + SAMPLE,
    "empty-object": sig(b"{}") + b"\0{}",
    "empty-body": sig(b"") + b"\0",
    "equals-prefix": b"sha256=" + sig(b"{}")[7:] + b"\0{}",
    "hex-63": sig(b"{}")[:-1] + b"\0{}",
    "hex-65": sig(b"{}") + b"0\0{}",
    "non-hex": sig(b"{}")[:-1] + b"g\0{}",
    "tag-only": b"sha256:\0{}",
    "empty": b"",
    "off-by-one-body": sig(b'{"a":1}') + b'\0{"a":2}',
    "trailing-newline": sig(b"{}") + b"\0{}\n",
    "b64-standard-mac": b"g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=",
    "b64-whsec-key": b"MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
    "b64-pad2": b"QQ==",
    "b64-pad-bits": b"QR==",
    "b64-pad3": b"Q===",
}
for k, v in sigs.items():
    put("sig", k, v)


# ---- scheme: whole requests, head and body, for each sender
def req(headers, body):
    return (b"POST /webhook HTTP/1.1\r\nHost: localhost\r\n" +
            b"".join(h + b"\r\n" for h in headers) +
            b"Content-Length: %d\r\n\r\n" % len(body) + body)


GH_BODY = b"Hello, World!"
STD_BODY = b'{"test": 2432232314}'
STD_SIG = b"v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="
STD_H = [b"webhook-id: msg_p5jXN8AQM9LWM0D4loKWxJek", b"webhook-timestamp: 1614265330"]
schemes = {
    "jobserv-sample": req([b"X-JobServ-Sig: " + sig(SAMPLE)], SAMPLE),
    "github-kat": req([b"X-Hub-Signature-256: sha256=" + hx(b"It's a Secret to Everybody", GH_BODY),
                       b"X-GitHub-Event: push",
                       b"X-GitHub-Delivery: 72d3162e-cc78-11e3-81ab-4c9367dc0958"], GH_BODY),
    "gitea": req([b"X-Gitea-Signature: " + hx(SECRET, b"{}"), b"X-Gitea-Event: push",
                  b"X-Gitea-Delivery: 1"], b"{}"),
    "forgejo": req([b"X-Forgejo-Signature: " + hx(SECRET, b"{}").upper(),
                    b"X-Forgejo-Event: push"], b"{}"),
    "gitlab": req([b"X-Gitlab-Token: UseSomethingGoodHere", b"X-Gitlab-Event: Push Hook",
                   b"Idempotency-Key: abc"], b"{}"),
    "gitlab-wrong": req([b"X-Gitlab-Token: UseSomethingGoodHer", b"X-Gitlab-Event-UUID: u-1"], b"{}"),
    "standard-kat": req(STD_H + [b"webhook-signature: " + STD_SIG], STD_BODY),
    "standard-list": req(STD_H + [b"webhook-signature: v1,AAAA  v2,xyz " + STD_SIG], STD_BODY),
    "standard-replayed": req([STD_H[0], b"webhook-timestamp: 1614264000",
                              b"webhook-signature: " + STD_SIG], STD_BODY),
    "two-sigs": req([b"X-JobServ-Sig: " + sig(b"{}"), b"X-Jobserv-Sig: " + sig(b"{}")], b"{}"),
    "no-sig": req([], b"{}"),
    "github-bad-event": req([b"X-Hub-Signature-256: sha256=" + hx(SECRET, b"{}"),
                             b"X-GitHub-Event: " + b"x" * 200], b"{}"),
}
for k, v in schemes.items():
    put("scheme", k, v)

# ---- json: bodies after a valid signature
json = {
    "jobserv-sample": SAMPLE,
    "empty-object": b"{}",
    "scalars": b'{"s":"x","n":-0.5e+10,"t":true,"f":false,"z":null,'
               b'"big":123456789012345678901234567890}',
    "nested": b'{"a":{"b":[[1,2],[3,{"c":"d"}]]},"e":[]}',
    "escapes": b'{"k":"\\"\\\\\\/\\b\\f\\n\\r\\t\\u00e9\\ud83d\\ude00\\u20ac"}',
    "utf8-raw": '{"caf\u00e9":"\u65e5\u672c\U0001f600"}'.encode(),
    "key-chars": b'{"build-id":1,"a.b c":2,"x":{"y z":3}}',
    "hostile-names": b'{"PATH":"/tmp","LD_PRELOAD":"x.so","IFS":" ","BASH_ENV":"/x"}',
    "trailing-comma": b'{"a":1,}',
    "two-texts": b"{}{}",
    "trailing-bytes": b'{"a":1} x',
    "raw-control": b'{"a":"\x01"}',
    "bad-utf8": b'{"a":"\xff"}',
    "overlong-utf8": b'{"a":"\xc0\xaf"}',
    "surrogate-utf8": b'{"a":"\xed\xa0\x80"}',
    "bom": b'\xef\xbb\xbf{"a":1}',
    "leading-zero": b'{"a":01}',
    "bad-literal": b'{"a":tru}',
    "nul-byte": b'{"a":1}\x00',
    "empty": b"",
    "root-array": b"[1,2]",
    "root-string": b'"x"',
    "escaped-nul": b'{"a":"\\u0000"}',
    "lone-surrogate": b'{"a":"\\ud800"}',
    "lone-low-surrogate": b'{"\\udc00":1}',
    "deep-33": b'{"a":' + b"[" * 32 + b"]" * 32 + b"}",
    "duplicate-keys": b'{"a":1,"a":2}',
    "collision": b'{"build-id":1,"build_id":2}',
    "count-collision": b'{"runs":[1],"runs_count":1}',
    "empty-key": b'{"":1}',
    "array-200": b'{"a":[' + b",".join(b"%d" % i for i in range(200)) + b"]}",
}
for k, v in json.items():
    put("json", k, v)

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


# ---- request: whole requests through serve_read (fuzz_request.c). An input
# is CFG AUX N, then the request (raw) or the builder's program
# (structured), then a read script of N bytes. CFG: bits 0-1 --max-body
# (64, 4096, default), bit 2 structured, bit 3 jobserv only, bits 4-5 fd 1's
# writes, bits 6-7 == 3 a fault; AUX: bits 0-3 the peer, bit 6 which fault.
MB64, MB4096, MBDEF, STRUCT, ONLYJS = 0, 1, 2, 4, 8
REST = b"\xfc"


def rq(cfg, payload, ops=b"", aux=0):
    return bytes([cfg, aux, len(ops)]) + payload + ops


def seg(n):
    """A read-script step: a segment of exactly n bytes (1 to 65536)."""
    return bytes([0xfb, (n - 1) >> 8, (n - 1) & 0xff])


def chunked_post(body, sizes, sigv=None, extra=b""):
    return (b"POST /webhook HTTP/1.1\r\nHost: localhost\r\n"
            b"Content-Type: application/json\r\nX-JobServ-Sig: " +
            (sigv or sig(body)) + b"\r\n" + extra +
            b"Transfer-Encoding: chunked\r\n\r\n" + chunks(body, sizes))


def audit(maxb):
    """The audit's repro: one chunk of --max-body bytes whose data comes in
    two reads, the second ending exactly at the limit, then 16 KiB of 0xcc
    where the CRLF should be."""
    head = (b"POST /webhook HTTP/1.1\r\nHost: localhost\r\n"
            b"Transfer-Encoding: chunked\r\nX-JobServ-Sig: sha256:" +
            b"0" * 64 + b"\r\n\r\n")
    line = b"%x\r\n" % maxb
    req_ = head + line + b"a" * maxb + b"\xcc" * 16384
    # first read: head, size line and half the data; then up to the limit
    return req_, seg(len(head) + len(line) + maxb // 2) + b"\xf8" + REST


GH_FORM_JSON = b'{"zen":"Keep it logically awesome.","hook_id":1,"a":[1,"b c&d=%"]}'
GH_FORM = b"payload=" + b"".join(
    bytes([c]) if (chr(c).isalnum() or c in b"-_.*") else
    (b"+" if c == 32 else b"%%%02X" % c) for c in GH_FORM_JSON)

request = {
    "raw-jobserv-sample": rq(MBDEF, post(body=SAMPLE)),
    "raw-jobserv-sample-1byte-reads": rq(MBDEF, post(body=SAMPLE), b"\x00" * 255),
    "raw-jobserv-sample-at-head-end": rq(MBDEF, post(body=SAMPLE), b"\xf6\x06\xf0\x10\xf1" + REST),
    "raw-chunked-sample": rq(MBDEF, chunked_post(SAMPLE, [700, 700, len(SAMPLE) - 1400]),
                             b"\x06" * 30 + b"\xe0" + REST),
    "raw-chunked-small": rq(MB64, chunked_post(b'{"a":1}', [3, 4]), b"\x00" * 200),
    "raw-chunked-ext-trailer": rq(MB4096, chunked_post(b'{"a":[1,2,3]}', [3, 10])
                                  .replace(b"3\r\n{", b"3;x=\"y\"\r\n{")
                                  .replace(b"0\r\n\r\n", b"0\r\nX-T: 1\r\n\r\n")),
    "raw-expect-continue": rq(MB4096 | 0x10, post(b"Expect: 100-continue\r\n")),
    "raw-expect-write-fails": rq(MB4096 | 0x30, post(b"Expect: 100-continue\r\n")),
    "raw-health-get": rq(MB64, http["health-get"], b"\x00" * 40, aux=1),
    "raw-head-1.0": rq(MB64, http["health-head-1.0"], aux=3),
    "raw-get-webhook": rq(MB64, b"GET /webhook HTTP/1.1\r\nHost: a\r\n\r\n", aux=9),
    "raw-put-root": rq(MB64, b"PUT / HTTP/1.1\r\nHost: a\r\nContent-Length: 0\r\n\r\n", aux=10),
    "raw-not-found": rq(MB64, b"POST /nope HTTP/1.1\r\nHost: a\r\nContent-Length: 0\r\n\r\n", aux=11),
    "raw-no-length": rq(MB64, b"POST /webhook HTTP/1.1\r\nHost: a\r\n\r\n", aux=12),
    "raw-absolute-form": rq(MB4096, http["absolute-form"], aux=4),
    "raw-cl-and-te": rq(MB4096, http["cl-and-te"]),
    "raw-te-obs-fold": rq(MB4096, http["te-obs-fold"]),
    "raw-pipelined": rq(MB64, http["pipelined"]),
    "raw-reqline-long": rq(MB64, http["reqline-long"], b"\xe3" + REST),
    "raw-cl-over": rq(MB64, post(body=b'{"a":"' + b"x" * 100 + b'"}')),
    "raw-cl-exact-64": rq(MB64, post(body=b'{"k":"' + b"v" * 56 + b'"}'), b"\xf7" + REST),
    "raw-form-github": rq(MBDEF, req([b"Content-Type: application/x-www-form-urlencoded",
                                      b"X-Hub-Signature-256: sha256=" + hx(SECRET, GH_FORM),
                                      b"X-GitHub-Event: push"], GH_FORM)),
    "raw-standard-kat": rq(MBDEF, schemes["standard-kat"], aux=5),
    "raw-gitea": rq(MBDEF, schemes["gitea"], aux=6),
    "raw-forgejo": rq(MBDEF, schemes["forgejo"], aux=7),
    "raw-gitlab": rq(MBDEF, schemes["gitlab"], aux=8),
    "raw-jobserv-only-github": rq(MBDEF | ONLYJS, schemes["github-kat"]),
    "raw-timeout-head": rq(MB64, http["health-get"], b"\x05\xf3"),
    "raw-timeout-body": rq(MB64, post(), b"\xf6\xf5\xf5\xf3"),
    "raw-eio-body": rq(MB64, post(), b"\xf6\xf2"),
    "raw-eof-body": rq(MB64, post(), b"\xf6\x02\xf4"),
    "raw-eof-first": rq(MB64, post(), b"\xf4"),
    "raw-memfd-fails": rq(MB64 | 0xc0, post(), aux=0x40),
    "raw-mmap-fails": rq(MB64 | 0xc0, http["chunked-post"]),
}
for mb, m in ((MB4096, 4096), (MB64, 64)):
    r_, ops = audit(m)
    request["audit-chunk-at-limit-then-cc-%d" % m] = rq(mb, r_, ops)


def prog(f1, f2, f3, bsz=0, more=b"", body=b'{"build_id":67,"status":"PASSED"}'):
    return bytes([f1, f2, f3, bsz]) + more + body


# f1: scheme | sigmode << 3 | key << 5 | expect << 6 | form << 7
# f2: framing | http10 << 2 | nohost << 3 | ctype << 4 | meta << 5 | extra << 6
# f3: target | style << 2 | trailer << 4 | after << 6
for sc, name in enumerate(["jobserv", "github", "gitea", "forgejo", "gitlab", "standard"]):
    for key in (0, 1):
        request["st-%s-key%d-cl" % (name, key)] = rq(
            MBDEF | STRUCT, prog(sc | key << 5, 0x30, 0))
        request["st-%s-key%d-chunked" % (name, key)] = rq(
            MB4096 | STRUCT, prog(sc | key << 5, 0x31, key, more=b"\x03\x05\x41\x01\x02"))
request.update({
    "st-jobserv-sample-cl": rq(MBDEF | STRUCT, prog(0, 0x10, 0, body=SAMPLE)),
    "st-jobserv-sample-chunked": rq(MBDEF | STRUCT, prog(0, 0x11, 0x04, more=b"\x02\x81\x45\x03", body=SAMPLE),
                                    b"\xf9\xfa\x00\x00\xf7" + REST),
    "st-form-github": rq(MBDEF | STRUCT, prog(0x81, 0x20, 0, body=GH_FORM_JSON)),
    "st-form-chunked": rq(MB4096 | STRUCT, prog(0x80, 0x01, 0x08, more=b"\x01\x07", body=GH_FORM_JSON)),
    "st-expect": rq(MB4096 | STRUCT | 0x10, prog(0x40, 0x10, 0)),
    "st-expect-eagain": rq(MB4096 | STRUCT | 0x20, prog(0x40, 0x11, 0, more=b"\x00")),
    "st-expect-write-fails": rq(MB4096 | STRUCT | 0x30, prog(0x40, 0x10, 0)),
    "st-wrong-sig": rq(MB4096 | STRUCT, prog(0x10, 0x10, 0)),
    "st-no-sig": rq(MB4096 | STRUCT, prog(0x18, 0x10, 0)),
    "st-http10": rq(MB4096 | STRUCT, prog(0, 0x0c, 0)),
    "st-http10-chunked": rq(MB4096 | STRUCT, prog(0, 0x05, 0, more=b"\x00")),
    "st-no-host": rq(MB4096 | STRUCT, prog(0, 0x08, 0)),
    "st-cl-short": rq(MB4096 | STRUCT, prog(0, 0x03, 0, more=b"\xfe")),
    "st-cl-long": rq(MB4096 | STRUCT, prog(0, 0x03, 0, more=b"\x05")),
    "st-extra-headers": rq(MB4096 | STRUCT, prog(0, 0xd0, 3, more=b"\x05hello\x03a b\x86Bad: \x01\x02")),
    "st-targets": rq(MB4096 | STRUCT, prog(0, 0x10, 2)),
    "st-trailers": rq(MB4096 | STRUCT, prog(0, 0x01, 0x30, more=b"\x01\x44\x03")),
    "st-pipelined-get": rq(MB4096 | STRUCT, prog(0, 0x01, 0x40, more=b"\x00")),
    "st-trailing-cc": rq(MB4096 | STRUCT, prog(0, 0x01, 0x88, more=b"\x00")),
    "st-ext-bad": rq(MB4096 | STRUCT, prog(0, 0x01, 0, more=b"\x01\x45\x05")),
    "st-size-lies": rq(MB4096 | STRUCT, prog(0, 0x01, 0, more=b"\x01\x42\x10")),
    "st-bare-lf": rq(MB4096 | STRUCT, prog(0, 0x01, 0, more=b"\x01\x42\x18")),
    "st-crlf-garbage-1": rq(MB4096 | STRUCT, prog(0, 0x01, 0, more=b"\x01\x45\x08\x0a")),
    "st-memfd-fails": rq(MB4096 | STRUCT | 0xc0, prog(0, 0x01, 0, more=b"\x00"), aux=0x40),
    "st-mmap-fails": rq(MB4096 | STRUCT | 0xc0, prog(0, 0x10, 0)),
    "st-peer-env": rq(MB4096 | STRUCT, prog(0, 0x10, 0), aux=9),
})
# bodies at, just under and just over each --max-body, both framings, with
# reads ending at the limit
for mb, m in ((MB64, 64), (MB4096, 4096), (MBDEF, 1 << 20)):
    for d, dn in ((0, "at"), (0xff, "under"), (1, "over")):
        request["st-cl-%s-limit-%d" % (dn, m)] = rq(
            mb | STRUCT, prog(0, 0x10, 0, 0xfe, bytes([d]), b"{}"), b"\xf7" + REST)
        request["st-chunked-%s-limit-%d" % (dn, m)] = rq(
            mb | STRUCT, prog(0, 0x11, 0, 0xfe, bytes([d]) + b"\x02\x85\x9f", b"x"),
            b"\xf9\xf7\xe0" + REST)
    # the audit's repro, built: one chunk of --max-body bytes, data in two
    # reads ending at the limit, then 16 KiB of 0xcc for its CRLF
    request["st-audit-chunk-at-limit-then-cc-%d" % m] = rq(
        mb | STRUCT, prog(0, 0x01, 0, 0xfe, b"\x00" + b"\x01\xff\x68\xcc", b"a"),
        b"\xfa\xf7" + REST)
for k, v in request.items():
    put("request", k, v)

# ---- proxy: PROXY protocol headers (v1, v2) followed by a request
SIG2 = b"\r\n\r\n\0\r\nQUIT\n"
GET = b"GET / HTTP/1.1\r\nHost: a\r\n\r\n"
IN4 = bytes([192, 0, 2, 7, 198, 51, 100, 1, 0xdc, 0x04, 0x01, 0xbb])
IN6 = (bytes([0x20, 1, 0xd, 0xb8]) + bytes(11) + b"\x07" +
       bytes([0x20, 1, 0xd, 0xb8]) + bytes(11) + b"\x01" + b"\x00\x01\x00\x50")


def v2(cmd, fam, block):
    return SIG2 + bytes([0x20 | cmd, fam]) + len(block).to_bytes(2, "big") + block


proxy = {
    "v1-tcp4": b"PROXY TCP4 192.0.2.7 198.51.100.1 56324 443\r\n" + GET,
    "v1-tcp6": b"PROXY TCP6 2001:db8::7 2001:db8::1 1 80\r\n" + GET,
    "v1-tcp6-mapped": b"PROXY TCP6 ::ffff:192.0.2.1 ::1 2 3\r\n" + GET,
    "v1-tcp6-full": b"PROXY TCP6 ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff ::1 65535 0\r\n",
    "v1-unknown": b"PROXY UNKNOWN\r\n" + GET,
    "v1-unknown-rest": b"PROXY UNKNOWN 1.2.3.4 5.6.7.8 1 2\r\n",
    "v1-port-too-big": b"PROXY TCP4 1.2.3.4 5.6.7.8 65536 2\r\n",
    "v1-lowercase": b"PROXY tcp4 1.2.3.4 5.6.7.8 1 2\r\n",
    "v1-truncated": b"PROXY TCP4 192.0.2.7 198.5",
    "v2-tcp4": v2(1, 0x11, IN4) + GET,
    "v2-tcp6": v2(1, 0x21, IN6) + GET,
    "v2-tlvs": v2(1, 0x11, IN4 + b"\x04\x00\x00\x05\x00\x03abc\x01\x00\x02h2") + GET,
    "v2-local": v2(0, 0x00, b"") + GET,
    "v2-local-block": v2(0, 0x11, IN4) + GET,
    "v2-unspec-proxy": v2(1, 0x00, b""),
    "v2-udp": v2(1, 0x12, IN4),
    "v2-tlv-overrun": v2(1, 0x11, IN4 + b"\x04\x00\x09ab"),
    "v2-longest": v2(1, 0x11, IN4 + b"\x04" + (1024 - 15).to_bytes(2, "big") + bytes(1024 - 15)),
    "http": GET,
}
for k, v in proxy.items():
    put("proxy", k, v)

# ---- request through --proxy-from (aux bit 7): structured, each header
# (aux bits 4-5) from a peer inside (1: 192.0.2.1, 9: ::ffff:10.0.0.1 from
# TCPREMOTEIP) and outside (4: ::); raw, the fuzzer's own header
PROXYCFG = 0x80
for h, hn in enumerate(["v1-tcp4", "v1-tcp6", "v2-tcp4-tlv", "v2-local"]):
    for peer, pn in ((1, "inside"), (9, "inside-env"), (4, "outside")):
        put("request", "st-proxy-%s-%s" % (hn, pn),
            rq(MB4096 | STRUCT, prog(0, 0x10, 0), aux=PROXYCFG | h << 4 | peer))
    put("request", "st-proxy-%s-chunked-bytewise" % hn,
        rq(MB4096 | STRUCT, prog(0, 0x11, 0, more=b"\x02\x41\x01\x42\x00"),
           b"\x00" * 60 + REST, aux=PROXYCFG | h << 4 | 2))
for name, hdr in (("v1", b"PROXY TCP4 192.0.2.5 10.0.0.1 4444 80\r\n"),
                  ("v2", v2(1, 0x21, IN6)), ("v2-local", v2(0, 0, b"")),
                  ("bad", b"PROXY TCP4 192.0.2.5 10.0.0.1 4444 99999\r\n"),
                  ("alone", b"PROXY UNKNOWN\r\n")):
    body = b'{"a":1}'
    r = b"" if name == "alone" else post(body=body)
    put("request", "raw-proxy-%s" % name, rq(MB4096, hdr + r, b"\x05\x00\x03" + REST,
                                            aux=PROXYCFG | 8))
put("request", "raw-proxy-stall", rq(MB4096, b"PROXY TCP4 192.0.2.5 10.0", b"\x03\xf3",
                                     aux=PROXYCFG | 1))

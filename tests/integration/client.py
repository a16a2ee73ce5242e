"""client.py: the integration suite's Python side, run with /usr/bin/python3.

  client.py freeport
      prints a TCP port that was free on 127.0.0.1 a moment ago.
  client.py jobserv URL SECRET PAYLOAD SENT
      delivers the JSON in file PAYLOAD the way JobServ's notify code does
      (json.dumps, hmac sha256, its headers, requests.post); writes the
      exact body sent to file SENT; prints the status code.
  client.py raw PORT REQUEST OUT [--expect]
      connects to 127.0.0.1:PORT, sends the bytes of file REQUEST and saves
      every byte received until the server closes to file OUT. With
      --expect, sends the head first, waits for an interim response, then
      the body (as a client honouring Expect: 100-continue does).
  client.py check OUT
      checks that file OUT is nothing but HTTP: zero or more interim 1xx
      responses, then one HTTP/1.1 response whose Content-Length covers
      exactly the bytes left. Prints the final status, each interim status
      before it ("100 200"); exits 1 with a reason otherwise.
  client.py flatten PREFIX JSON
      prints the variables inhook should export for file JSON, sorted.
Every network wait is bounded (10 s).
"""
import hmac
import json
import re
import socket
import sys

TIMEOUT = 10


def freeport():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    print(s.getsockname()[1])
    s.close()


def jobserv(url, secret, payload_file, sent_file):
    import requests
    with open(payload_file) as f:
        payload = json.load(f)
    with open(secret) as f:
        secret = f.read().strip().encode()
    # As JobServ's notify.py signs and sends a build report.
    data = json.dumps(payload)
    sig = hmac.new(secret, msg=data.encode(), digestmod='sha256').hexdigest()
    headers = {'Content-type': 'application/json',
               'X-JobServ-Sig': 'sha256:' + sig}
    with open(sent_file, "w") as f:
        f.write(data)
    r = requests.post(url, data=data, headers=headers, timeout=TIMEOUT)
    print(r.status_code)


def recv_all(s, out):
    while True:
        try:
            b = s.recv(65536)
        except ConnectionResetError:
            out.append(b"<reset>")
            return
        if not b:
            return
        out.append(b)


def raw(port, req_file, out_file, expect=False):
    with open(req_file, "rb") as f:
        req = f.read()
    got = []
    s = socket.create_connection(("127.0.0.1", int(port)), timeout=TIMEOUT)
    try:
        if expect:
            i = req.index(b"\r\n\r\n") + 4
            s.sendall(req[:i])
            buf = b""
            while b"\r\n\r\n" not in buf:
                b = s.recv(1)
                if not b:
                    break
                buf += b
            got.append(buf)
            if buf.startswith(b"HTTP/1.1 100 "):
                s.sendall(req[i:])
        else:
            s.sendall(req)
        recv_all(s, got)
    except socket.timeout:
        got.append(b"<timeout>")
    finally:
        s.close()
    with open(out_file, "wb") as f:
        f.write(b"".join(got))


def check(out_file):
    with open(out_file, "rb") as f:
        data = f.read()
    interim = []
    while True:
        if not data.startswith(b"HTTP/1.1 "):
            sys.exit("does not start with 'HTTP/1.1 ': %r" % data[:40])
        end = data.find(b"\r\n\r\n")
        if end < 0:
            sys.exit("no end of head: %r" % data[:200])
        head, data = data[:end].decode("latin-1"), data[end + 4:]
        lines = head.split("\r\n")
        m = re.match(r"HTTP/1\.1 (\d{3}) [ -~]*$", lines[0])
        if not m:
            sys.exit("bad status line: %r" % lines[0])
        for line in lines[1:]:
            if not re.match(r"[!#$%&'*+.^_`|~0-9A-Za-z-]+: [ -~]*$", line):
                sys.exit("bad header line: %r" % line)
        code = int(m.group(1))
        if code >= 200:
            break
        if len(lines) != 1:
            sys.exit("interim response with fields: %r" % head)
        interim.append(str(code))
    cl = [l for l in lines[1:] if l.lower().startswith("content-length:")]
    if len(cl) != 1:
        sys.exit("want one Content-Length, got %r" % cl)
    n = int(cl[0].split(":", 1)[1])
    if len(data) != n:
        sys.exit("Content-Length %d but %d bytes follow the head: %r"
                 % (n, len(data), data[:200]))
    print(" ".join(interim + [str(code)]))


def flatten(prefix, json_file):
    with open(json_file) as f:
        doc = json.load(f, parse_int=str, parse_float=str)
    out = []

    def name(k):
        return "".join(c.upper() if c.isascii() and c.isalnum() else "_"
                       for c in k)

    def walk(path, v):
        if isinstance(v, dict):
            for k, x in v.items():
                walk(path + "_" + name(k) if path else name(k), x)
        elif isinstance(v, list):
            out.append((path + "_COUNT", str(len(v))))
            for i, x in enumerate(v):
                walk("%s_%d" % (path, i), x)
        elif v is True or v is False:
            out.append((path, "true" if v else "false"))
        elif v is None:
            out.append((path, ""))
        else:
            out.append((path, v))
    walk("", doc)
    for k, v in sorted(out):
        print("%s%s=%s" % (prefix, k, v))


def main(argv):
    cmd = argv[1] if len(argv) > 1 else ""
    if cmd == "freeport" and len(argv) == 2:
        freeport()
    elif cmd == "jobserv" and len(argv) == 6:
        jobserv(*argv[2:])
    elif cmd == "raw" and len(argv) in (5, 6):
        raw(argv[2], argv[3], argv[4], argv[5:] == ["--expect"])
    elif cmd == "check" and len(argv) == 3:
        check(argv[2])
    elif cmd == "flatten" and len(argv) == 4:
        flatten(argv[2], argv[3])
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main(sys.argv)

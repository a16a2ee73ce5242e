#!/usr/bin/env python3
"""bench/tlsload.py: the HTTPS client of make bench's TLS rows (bench/tls.sh).

Sends one prebuilt raw HTTP request over a new TLS connection to
127.0.0.1:PORT per delivery, one after another (concurrency 1), as JobServ
does: connect, handshake (TLS 1.2 or newer, the server's certificate checked
against CAFILE for 127.0.0.1, no session resumption: a new context's
connections share no session), send, read the response head and its
Content-Length bytes (or until the server closes), close. Stops after N
deliveries or SECONDS, whichever comes first; every socket operation has a
timeout of 30 s.

usage: tlsload.py -p PORT -f REQUESTFILE -a CAFILE [-n N] [-t SECONDS]
                  [-s STATUS] [-o SAMPLES]
Prints one line (milliseconds; hs: connect to handshake complete; total:
connect to the whole answer):
  requests=N ok=N failed=N seconds=S hs_p50_ms=X hs_p99_ms=X p50_ms=X
  p99_ms=X version=V cipher=C [error="first failure"]
With -o, appends one line "HS_MS TOTAL_MS" per good delivery to SAMPLES,
so that several runs can be pooled. Exits 0 when all deliveries were good,
1 when one failed, 100 on a usage error.
"""
import getopt
import socket
import ssl
import sys
import time


def pct(values, p):
    """The p-th percentile, nearest rank, of a sorted list; n/a if empty."""
    if not values:
        return "n/a"
    k = max(1, -(-len(values) * p // 100))
    return "%.3f" % values[int(k) - 1]


def answer(conn):
    """Reads one response; returns its head's first line."""
    buf = b""
    want = None
    while want is None or len(buf) < want:
        try:
            chunk = conn.recv(65536)
        except (ssl.SSLEOFError, ssl.SSLZeroReturnError, ConnectionResetError):
            chunk = b""
        if not chunk:
            break
        buf += chunk
        if want is None and b"\r\n\r\n" in buf:
            head = buf.split(b"\r\n\r\n", 1)[0]
            for line in head.split(b"\r\n")[1:]:
                name, _, value = line.partition(b":")
                if name.strip().lower() == b"content-length":
                    want = len(head) + 4 + int(value.strip())
    return buf.split(b"\r\n", 1)[0].decode("latin-1")


def main():
    try:
        opts, rest = getopt.getopt(sys.argv[1:], "p:f:a:n:t:s:o:")
        o = dict(opts)
        port, reqfile, cafile = int(o["-p"]), o["-f"], o["-a"]
        count = int(o.get("-n", "300"))
        seconds = float(o.get("-t", "60"))
        status = o.get("-s", "200")
        if rest or not 0 < count <= 100000 or not 0 < seconds <= 3600:
            raise ValueError
    except (getopt.GetoptError, KeyError, ValueError):
        sys.stderr.write(__doc__.split("\n\n")[2] + "\n")
        return 100
    with open(reqfile, "rb") as f:
        req = f.read()
    ctx = ssl.create_default_context(cafile=cafile)
    ctx.minimum_version = ssl.TLSVersion.TLSv1_2
    ctx.set_alpn_protocols(["http/1.1"])
    hs, total = [], []
    failed, error, version, cipher = 0, "", "n/a", "n/a"
    start = time.monotonic()
    done = 0
    while done < count and time.monotonic() - start < seconds:
        done += 1
        t0 = time.monotonic()
        try:
            raw = socket.create_connection(("127.0.0.1", port), timeout=30)
            with ctx.wrap_socket(raw, server_hostname="127.0.0.1") as conn:
                t1 = time.monotonic()
                version, cipher = conn.version(), conn.cipher()[0]
                conn.sendall(req)
                line = answer(conn)
                t2 = time.monotonic()
        except (OSError, ValueError) as e:
            failed += 1
            error = error or "%s: %s" % (type(e).__name__, e)
            continue
        if not line.startswith("HTTP/1.1 %s " % status):
            failed += 1
            error = error or "answer: %s" % line[:80]
            continue
        hs.append((t1 - t0) * 1000)
        total.append((t2 - t0) * 1000)
    secs = time.monotonic() - start
    if "-o" in o:
        with open(o["-o"], "a") as f:
            for a, b in zip(hs, total):
                f.write("%.3f %.3f\n" % (a, b))
    hs.sort()
    total.sort()
    print("requests=%d ok=%d failed=%d seconds=%.3f hs_p50_ms=%s hs_p99_ms=%s "
          "p50_ms=%s p99_ms=%s version=%s cipher=%s%s" % (
              done, len(hs), failed, secs, pct(hs, 50), pct(hs, 99),
              pct(total, 50), pct(total, 99), version, cipher,
              ' error="%s"' % error.replace('"', "'") if error else ""))
    return 1 if failed or not hs else 0


if __name__ == "__main__":
    sys.exit(main())

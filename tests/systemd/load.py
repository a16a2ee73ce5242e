"""load.py: tests/systemd/check.sh's network side, run with the host's
/usr/bin/python3 inside the container's network namespace (nsenter -n).

  load.py flood PORT N REQUEST
      opens N connections to 127.0.0.1:PORT at once (one thread each),
      sends the bytes of file REQUEST on each and reads until the server
      closes. Prints one line: "answered=A closed=C reset=R timeout=T
      error=E statuses=S seconds=X retry_after=Y", where A counts HTTP
      answers (S lists their status codes and counts, "403:12"), C
      connections closed with no byte, R resets, T connections still open
      after 10 s, Y the answers with a Retry-After header.
  load.py latency PORT N REQUEST
      sends REQUEST N times in turn, each on a new connection, and prints
      "p50=MS p90=MS max=MS statuses=S" (milliseconds, connect to close).
Every network wait is bounded (10 s).
"""
import socket
import sys
import threading
import time

TIMEOUT = 10


def one(port, req):
    """(kind, status, retry_after): kind is answered, closed, reset, timeout
    or error; retry_after is true when the answer has a Retry-After header."""
    got = b""
    try:
        s = socket.create_connection(("127.0.0.1", port), timeout=TIMEOUT)
    except OSError as e:
        return ("error", str(e), False)
    try:
        s.sendall(req)
        while True:
            b = s.recv(65536)
            if not b:
                break
            got += b
    except ConnectionResetError:
        if not got:
            return ("reset", None, False)
    except socket.timeout:
        return ("timeout", None, False)
    except OSError as e:
        if not got:
            return ("error", str(e), False)
    finally:
        s.close()
    if not got:
        return ("closed", None, False)
    if got.startswith(b"HTTP/1.1 "):
        head = got.split(b"\r\n\r\n", 1)[0].lower()
        return ("answered", got[9:12].decode("latin-1"),
                b"\r\nretry-after:" in head)
    return ("error", repr(got[:40]), False)


def flood(port, n, req):
    results = [None] * n

    def run(i):
        results[i] = one(port, req)
    t0 = time.monotonic()
    threads = [threading.Thread(target=run, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(TIMEOUT + 5)
    secs = time.monotonic() - t0
    kinds = dict.fromkeys(("answered", "closed", "reset", "timeout", "error"), 0)
    statuses = {}
    retry_after = 0
    for r in results:
        k, st, ra = r if r else ("timeout", None, False)
        kinds[k] += 1
        if k == "answered":
            statuses[st] = statuses.get(st, 0) + 1
            retry_after += ra
    print(" ".join("%s=%d" % kv for kv in kinds.items()) +
          " statuses=%s seconds=%.1f retry_after=%d" % (
              ",".join("%s:%d" % kv for kv in sorted(statuses.items())) or "-",
              secs, retry_after))


def latency(port, n, req):
    times, statuses = [], {}
    for _ in range(n):
        t0 = time.monotonic()
        k, st, _ = one(port, req)
        times.append((time.monotonic() - t0) * 1000)
        key = st if k == "answered" else k
        statuses[key] = statuses.get(key, 0) + 1
    times.sort()

    def pct(p):
        return times[min(len(times) - 1, int(p * len(times)))]
    print("p50=%.1f p90=%.1f max=%.1f statuses=%s" % (
        pct(0.5), pct(0.9), times[-1],
        ",".join("%s:%d" % kv for kv in sorted(statuses.items()))))


def main(argv):
    if len(argv) == 5 and argv[1] in ("flood", "latency"):
        with open(argv[4], "rb") as f:
            req = f.read()
        (flood if argv[1] == "flood" else latency)(int(argv[2]), int(argv[3]), req)
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main(sys.argv)

#!/usr/bin/env python3
"""slowreader.py PORT: sends a POST declaring 4 MiB and pushes 3 MiB of it
without looking for an answer (well past inhook's 1 MiB drain), as a busy
curl may; a send that fails ends it, as it ends curl's transfer. When the
server stops reading, it reads the answer. Prints the status code it
read, or "reset"."""
import socket, sys, time

s = socket.create_connection(("127.0.0.1", int(sys.argv[1])), timeout=10)
s.sendall(b"POST /webhook HTTP/1.1\r\nHost: h\r\nContent-Type: application/json\r\n"
          b"X-JobServ-Sig: sha256:" + b"0" * 64 + b"\r\n"
          b"Content-Length: 4194304\r\n\r\n")
chunk = b"x" * 65536
sent = 0
s.settimeout(0.5)
try:
    while sent < 3 * 1024 * 1024:
        sent += s.send(chunk)
except socket.timeout:
    pass            # the server stopped reading: look for its answer
except OSError:
    print("reset")  # as curl does: a send that fails ends the transfer
    sys.exit(0)
time.sleep(0.2)
s.settimeout(5)
data = b""
try:
    while True:
        b = s.recv(65536)
        if not b:
            break
        data += b
except OSError:
    pass
print(data.split(b" ")[1].decode() if data.startswith(b"HTTP/1.1 ") else "reset")

"""client.py: the supervisors suite's Python side, run with /usr/bin/python3.
Everything but jobserv is tests/integration/client.py's (freeport, raw,
check, flatten: see there).

  client.py jobserv URL SECRET PAYLOAD SENT
      delivers the JSON in file PAYLOAD the way JobServ's notify code does
      (json.dumps, hmac sha256, its headers, requests.post), as
      tests/integration/client.py does; writes the exact body sent to file
      SENT; prints the status code, then on a second line the local port
      of each TCP connection python-requests made (one, normally), so that
      the test can compare it with the REMOTE_PORT the hook got.
"""
import importlib.util
import os
import sys

here = os.path.dirname(os.path.abspath(__file__))
spec = importlib.util.spec_from_file_location(
    "integration_client", os.path.join(here, "..", "integration", "client.py"))
base = importlib.util.module_from_spec(spec)
spec.loader.exec_module(base)


def jobserv(url, secret, payload_file, sent_file):
    import urllib3.connection
    ports = []
    new_conn = urllib3.connection.HTTPConnection._new_conn

    def recording(self):
        s = new_conn(self)
        ports.append(str(s.getsockname()[1]))
        return s
    urllib3.connection.HTTPConnection._new_conn = recording
    try:
        base.jobserv(url, secret, payload_file, sent_file)
    finally:
        print(" ".join(ports))


def main(argv):
    if len(argv) == 6 and argv[1] == "jobserv":
        jobserv(*argv[2:])
    else:
        base.main(argv)


if __name__ == "__main__":
    main(sys.argv)

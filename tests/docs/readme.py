#!/usr/bin/python3
"""tests/docs/readme.py: runs the shell examples of README.md, from the
README text itself. Every code block (indented or fenced) must carry one
marker, its last non-blank line before the block:

  <!-- runnable[: OPTION...] -->   run here, one "ok"/"not ok" line
  *Not run by `make check`: WHY.*  visible to the reader; one "# skip" line
  <!-- not shell: WHAT -->         configuration, output, a synopsis

OPTIONs of runnable (space-separated):
  expect=REGEX   the block's standard output must match REGEX (no spaces;
                 \\s for one)
  server         the block starts a server (each command line in turn with
                 "each"): started in the background, sent the signed JobServ
                 sample, which must be answered with status=CODE (200)
  server=prev    the first "inhook ..." command line of the block before is
                 the server; the block is the client
  status=CODE    the status the server block's delivery must get
  cwd=top        run in the source tree instead of a fresh directory
  only=WORD      run only the block's commands that begin with WORD

Each block runs with /bin/sh -e in its own session and temp directory,
killed after TIMEOUT seconds, with substitutions: ports 9000-9002 by free
ports of 127.0.0.1 (":9000" alone by "127.0.0.1:PORT"), /usr/local/bin/inhook
and inhook by the binary under test, /etc/inhook/ and /var/lib/inhook/ by
directories of the temp directory, the hook paths by a hook that records
its runs. The fixtures: secret (and the other secret files the examples
name), body.json, build.json, push.json (the JobServ sample), request.txt
(the sample as a signed raw request), hook.

Usage: readme.py TOP INHOOK [README]"""
import hashlib
import hmac
import http.client
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time

TOP, INHOOK = sys.argv[1], os.path.abspath(sys.argv[2])
README = sys.argv[3] if len(sys.argv) > 3 else os.path.join(TOP, "README.md")
TIMEOUT = 20
SECRET = b"UseSomethingGoodHere\n"
SAMPLE = open(os.path.join(TOP, "tests/data/jobserv-build.json"), "rb").read()
SECRET_FILES = ("secret", "etc/inhook/secret", "webhook-secret",
                "jobserv.secret", "github.secret", "gitlab.token")
HOOK_PATHS = ("/usr/local/lib/inhook/hook", "/usr/local/lib/inhook/deploy",
              "/path/to/hook")
failed = 0


def say(good, name, why=""):
    global failed
    print(("ok - " if good else "not ok - ") + name)
    if not good:
        failed += 1
        lines = why.rstrip().splitlines()
        if len(lines) > 24:
            lines = lines[:8] + ["..."] + lines[-15:]
        for line in lines:
            print("#   " + line)


# --- the blocks and their markers -------------------------------------------
def blocks(lines):
    """(line number, body lines, marker, title) of every code block."""
    out, title, i, prev = [], "", 0, ""
    while i < len(lines):
        line = lines[i]
        if line.startswith("#"):
            title = line.lstrip("#").strip()
        if line.startswith("```"):
            j = i + 1
            while j < len(lines) and not lines[j].startswith("```"):
                j += 1
            out.append((i + 1, lines[i + 1:j], marker(lines, i), title))
            i, prev = j + 1, "```"
            continue
        starts = (line.startswith("    ") and line.strip() and
                  (not prev.strip() or prev.startswith("#")))
        if starts:
            j, body = i, []
            while j < len(lines) and (lines[j].startswith("    ") or (
                    not lines[j].strip() and j + 1 < len(lines) and
                    lines[j + 1].startswith("    "))):
                body.append(lines[j][4:])
                j += 1
            out.append((i + 1, body, marker(lines, i), title))
            i, prev = j, lines[j - 1]
            continue
        prev = line
        i += 1
    return out


def marker(lines, i):
    j = i - 1
    while j >= 0 and not lines[j].strip():
        j -= 1
    m = j >= 0 and lines[j].strip()
    if not m:
        return None
    r = re.fullmatch(r"<!-- runnable(?:: (.*?))? -->", m)
    if r:
        return ("run", r.group(1) or "")
    r = re.fullmatch(r"\*Not run by `make check`: (.+)\.\*", m)
    if r:
        return ("skip", r.group(1))
    r = re.fullmatch(r"<!-- not shell: (.+) -->", m)
    if r:
        return ("text", r.group(1))
    return None


def commands(body):
    """The block's command lines, continuation lines joined."""
    out, cur = [], ""
    for line in body:
        if not cur and (not line.strip() or line.lstrip().startswith("#")):
            continue
        cur += line + "\n"
        if not line.rstrip().endswith("\\"):
            out.append(cur)
            cur = ""
    if cur:
        out.append(cur)
    return out


# --- fixtures and substitutions ---------------------------------------------
def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def listening(port):
    s = socket.socket()
    try:
        s.settimeout(0.2)
        return s.connect_ex(("127.0.0.1", port)) == 0
    finally:
        s.close()


def wait_port(port, seconds=5):
    end = time.time() + seconds
    while time.time() < end:
        if listening(port):
            return True
        time.sleep(0.05)
    return False


def sign(body):
    key = SECRET.strip()
    return "sha256:" + hmac.new(key, body, hashlib.sha256).hexdigest()


def fixtures(d, block):
    os.chmod(d, 0o755)
    os.makedirs(os.path.join(d, "etc/inhook"))
    os.makedirs(os.path.join(d, "var/lib/inhook"))
    os.chmod(os.path.join(d, "var/lib/inhook"), 0o777)
    user = re.search(r"--user (\d+):(\d+)", block)
    for f in SECRET_FILES:
        p = os.path.join(d, f)
        with open(p, "wb") as fp:
            fp.write(SECRET)
        os.chmod(p, 0o600)
        if user and os.geteuid() == 0:
            os.chown(p, int(user.group(1)), int(user.group(2)))
    for f in ("body.json", "build.json", "push.json"):
        with open(os.path.join(d, f), "wb") as fp:
            fp.write(SAMPLE)
    with open(os.path.join(d, "request.txt"), "wb") as fp:
        fp.write(b"POST /webhook HTTP/1.1\r\nHost: localhost\r\n"
                 b"Content-Type: application/json\r\nX-JobServ-Sig: " +
                 sign(SAMPLE).encode() + b"\r\nContent-Length: " +
                 str(len(SAMPLE)).encode() + b"\r\n\r\n" + SAMPLE)
    hook = os.path.join(d, "hook")
    with open(hook, "w") as fp:
        fp.write('#!/bin/sh\necho "$WEBHOOK_BUILD_ID" >> %s/hook.ran\n' % d)
    os.chmod(hook, 0o755)
    open(os.path.join(d, "hook.ran"), "w").close()
    os.chmod(os.path.join(d, "hook.ran"), 0o666)
    os.makedirs(os.path.join(d, "bin"))
    os.symlink(INHOOK, os.path.join(d, "bin/inhook"))
    os.symlink(INHOOK, os.path.join(d, "inhook"))


def substitute(text, d, ports):
    text = text.replace("/usr/local/bin/inhook", INHOOK)
    text = re.sub(r"(?<![\w/.])\./inhook\b", INHOOK, text)
    text = re.sub(r"(?<![\w/.-])inhook(?= )", INHOOK, text)
    for p in HOOK_PATHS:
        text = text.replace(p, d + "/hook")
    text = text.replace("/etc/inhook/", d + "/etc/inhook/")
    text = text.replace("/var/lib/inhook/", d + "/var/lib/inhook/")
    text = re.sub(r"(--listen) :(900[0-2])\b", r"\1 127.0.0.1:\2", text)
    return re.sub(r"(?<![\d.])(900[0-2])(?!\d)",
                  lambda m: str(ports[int(m.group(1)) - 9000]), text)


PRELUDE = """\
# the harness's: curl waits for the server the block started
curl() {
	_i=0
	while [ $_i -lt 100 ] && ! awk -v a="$(printf '0100007F:%%04X' %d)" \
	    '$2 == a && $4 == "0A" { f = 1 } END { exit !f }' /proc/net/tcp; do
		_i=$((_i + 1)); sleep 0.05
	done
	command curl --max-time 10 "$@"
}
"""


def start(cmd, d, env):
    return subprocess.Popen(["/bin/sh", "-c", "exec " + cmd.strip()], cwd=d,
                            env=env, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, start_new_session=True)


def stop(p):
    for sig, wait in ((signal.SIGTERM, 3), (signal.SIGKILL, 3)):
        try:
            os.killpg(p.pid, sig)
        except ProcessLookupError:
            break
        try:
            p.wait(wait)
            break
        except subprocess.TimeoutExpired:
            pass
    try:
        return p.communicate(timeout=2)[0].decode(errors="replace")
    except subprocess.TimeoutExpired:
        return ""


def as_server(cmd, port):
    """A command that serves the port: inhook alone (one connection per
    process) goes under systemd-socket-activate."""
    words = cmd.split()
    if words[0] == INHOOK and "--listen" not in words:
        return ("systemd-socket-activate --inetd -a -l 127.0.0.1:%d %s"
                % (port, cmd))
    return cmd


def post(port, d):
    c = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    c.request("POST", "/webhook", SAMPLE, {
        "Content-Type": "application/json", "X-JobServ-Sig": sign(SAMPLE)})
    r = c.getresponse()
    r.read()
    c.close()
    return r.status


def ran(d, seconds=3):
    end = time.time() + seconds
    while time.time() < end:
        with open(os.path.join(d, "hook.ran")) as f:
            if f.read().strip():
                return True
        time.sleep(0.05)
    return False


def run_block(line, body, opts, title, prev_body, root):
    o = dict(re.findall(r"(\w+)=(\S+)", opts))
    flags = set(re.findall(r"(?:^| )(\w+)(?= |$)", opts))
    d = tempfile.mkdtemp(prefix="b%d." % line, dir=root)
    text = "\n".join(body) + "\n"
    fixtures(d, text)
    ports = [free_port() for _ in range(3)]
    env = dict(os.environ, PATH=d + "/bin:" + os.environ["PATH"],
               LC_ALL="C")
    name = "README.md:%d %s" % (line, title)
    if re.search(r"--user \d", text) and os.geteuid() != 0:
        print("ok - %s # skip --user needs root" % name)
        return
    if "only" in o:
        cmds = [c for c in commands(body) if c.startswith(o["only"].replace("_", " "))]
        text = "".join(cmds)
        name += " (%s only)" % o["only"].replace("_", " ")
    text = substitute(text, d, ports)
    if "server" in flags or o.get("server") == "prev":
        if o.get("server") == "prev":
            cmds = [c for c in commands(prev_body) if c.startswith("inhook ")][:1]
            servers = [as_server(substitute(c, d, ports), ports[0]) for c in cmds]
        else:
            cmds = commands(text.splitlines())
            servers = [as_server(c, ports[0]) for c in
                       (cmds if "each" in flags else [" ".join(cmds)])]
        if not servers:
            say(False, name, "no server command found")
            return
        if o.get("server") == "prev":
            return client(name, text, d, env, ports, o, servers[0])
        for n, srv in enumerate(servers):
            words = srv.split()
            label = name + (" (%s)" % os.path.basename(words[0]) if len(servers) > 1 else "")
            open(os.path.join(d, "hook.ran"), "w").close()
            p = start(srv, d, env)
            status = None
            try:
                if wait_port(ports[0]):
                    status = post(ports[0], d)
            except OSError as e:
                status = str(e)
            hook_ran = ran(d)
            out = stop(p)
            want = int(o.get("status", 200))
            say(status == want and hook_ran, label,
                "%s\nstatus %s (want %d), hook ran: %s\n%s" %
                (srv, status, want, hook_ran, out))
        return
    client(name, text, d, env, ports, o, None,
           cwd=TOP if o.get("cwd") == "top" else d)


def client(name, text, d, env, ports, o, server, cwd=None):
    srv = start(server, d, env) if server else None
    script = "set -e\n" + PRELUDE % ports[0] + text
    with open(os.path.join(d, ".out"), "w+b") as fo, \
            open(os.path.join(d, ".err"), "w+b") as fe:
        p = subprocess.Popen(["/bin/sh", "-c", script], cwd=cwd or d,
                             env=env, stdin=subprocess.DEVNULL, stdout=fo,
                             stderr=fe, start_new_session=True)
        try:
            rc = p.wait(TIMEOUT)
        except subprocess.TimeoutExpired:
            rc = "timeout (%d s)" % TIMEOUT
        for sig in (signal.SIGTERM, signal.SIGKILL):  # what it left running
            try:
                os.killpg(p.pid, sig)
                time.sleep(0.2)
            except ProcessLookupError:
                break
        p.wait()
        fo.seek(0)
        fe.seek(0)
        out, err = fo.read(), fe.read()
    log = stop(srv) if srv else ""
    out, err = out.decode(errors="replace"), err.decode(errors="replace")
    good = rc == 0
    why = "exit status %s" % rc
    if good and "expect" in o and not re.search(o["expect"], out):
        good, why = False, "output does not match %s" % o["expect"]
    say(good, name, "%s\n--- stdout\n%s\n--- stderr\n%s\n%s" % (why, out, err, log))


def main():
    lines = open(README, encoding="utf-8").read().split("\n")
    root = tempfile.mkdtemp(prefix="inhook-docs.")
    os.chmod(root, 0o755)
    counts = {"run": 0, "skip": 0, "text": 0}
    prev = []
    try:
        for line, body, mark, title in blocks(lines):
            if mark is None:
                say(False, "README.md:%d %s: a code block without a marker" % (line, title),
                    "mark it <!-- runnable -->, *Not run by `make check`: WHY.* "
                    "or <!-- not shell: WHAT --> (tests/docs/readme.py)")
            else:
                counts[mark[0]] += 1
                if mark[0] == "skip":
                    print("ok - README.md:%d %s # skip %s" % (line, title, mark[1]))
                elif mark[0] == "run":
                    run_block(line, body, mark[1], title, prev, root)
            prev = body
    finally:
        shutil.rmtree(root, ignore_errors=True)
    print("# README.md: %d blocks run, %d not run here, %d not shell" %
          (counts["run"], counts["skip"], counts["text"]))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())

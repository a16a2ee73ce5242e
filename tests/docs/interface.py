#!/usr/bin/python3
"""tests/docs/interface.py: the options, their defaults, the HTTP statuses
and the exit statuses of inhook, compared between tests/docs/interface.txt,
the source, `inhook --help`, inhook.8 (as groff renders it) and README.md;
and the xinetd stanza of inhook.8 against xinetd/inhook, the retry timer's
schedule against systemd/inhook-retry.timer. One TAP-like line per check.

Usage: interface.py TOP INHOOK"""
import os
import re
import subprocess
import sys

TOP, INHOOK = sys.argv[1], sys.argv[2]
failed = 0


def result(good, name, why=""):
    global failed
    if good:
        print("ok - %s" % name)
    else:
        failed += 1
        print("not ok - %s" % name)
        for line in why.splitlines():
            print("#   " + line)


def read(path):
    with open(os.path.join(TOP, path), encoding="utf-8") as f:
        return f.read()


# An option as a word: not inside a longer word, an anchor (#a---listen) or
# a path.
OPT = re.compile(r"(?<![\w/.#-])(--[a-z][a-z0-9]*(?:-[a-z0-9]+)*)")


def token(text, value):
    """value as a whole token of text."""
    return re.search(r"(?<![\w/.-])%s(?![\w/-])" % re.escape(value), text)


# --- the list ---------------------------------------------------------------
options, exits, foreign = {}, [], set()
for n, line in enumerate(read("tests/docs/interface.txt").splitlines(), 1):
    line = line.split("#", 1)[0] if line.startswith("#") else line
    f = line.split()
    if not f:
        continue
    if f[0] == "option":
        opt, default = f[1], f[2]
        rest = f[3:]
        exc = set()
        if rest and rest[-1].startswith("except="):
            exc = set(rest.pop()[7:].split(","))
        options[opt] = {"default": default, "source": " ".join(rest),
                        "except": exc, "line": n}
    elif f[0] == "exit":
        exits.append(f[1])
    elif f[0] == "foreign":
        foreign.update(f[2:])

# --- the source -------------------------------------------------------------
src = {}
for name in sorted(os.listdir(os.path.join(TOP, "src"))):
    if name.endswith((".c", ".h")):
        src[name] = read("src/" + name)

# An option is a string literal that is exactly "--name" (or "--name="),
# as the parsers compare argv with them.
in_source = set()
for text in src.values():
    in_source.update(re.findall(r'"(--[a-z][a-z0-9-]*)=?"', text))
for opt in sorted(set(options) | in_source):
    result(opt in options and opt in in_source,
           "source: %s is parsed in src/ and listed in interface.txt" % opt,
           "parsed in src/ but not listed" if opt not in options
           else "listed but no parser in src/ compares with it")

macros = dict(re.findall(r"^#define\s+(\w+)\s+(.+?)\s*(?:/\*.*)?$",
                         src["limits.h"], re.M))


def macro_value(name, depth=0):
    expr = macros[name]
    expr = re.sub(r"\b(\d+)U?L*\b", r"\1", expr)
    if depth < 4:
        expr = re.sub(r"\b[A-Z][A-Z0-9_]+\b",
                      lambda m: str(macro_value(m.group(0), depth + 1))
                      if m.group(0) in macros else m.group(0), expr)
    return eval(expr, {"__builtins__": {}})


for opt, o in options.items():
    s = o["source"]
    if s == "-" or o["default"] == "-":
        continue
    if ":" in s:
        fname, text = s.split(":", 1)
        result(text in src.get(fname, ""),
               "source: %s default %s: %s says it" % (opt, o["default"], fname),
               "src/%s has no %r" % (fname, text))
    else:
        try:
            v = str(macro_value(s))
        except (KeyError, SyntaxError, NameError) as e:
            v = "?(%s)" % e
        result(v == o["default"],
               "source: %s default %s is %s in src/limits.h" % (opt, o["default"], s),
               "%s is %s" % (s, v))

# --- the three documents ----------------------------------------------------
env = dict(os.environ, LC_ALL="C")
help_text = subprocess.run([INHOOK, "--help"], capture_output=True, text=True,
                           env=env).stdout
man = subprocess.run(["groff", "-mdoc", "-Tascii", "-rLL=400n", "-rHY=0",
                      "-P-cbou", os.path.join(TOP, "inhook.8")],
                     capture_output=True, text=True, env=env).stdout
man = man.replace("\u2010", "-")
readme = read("README.md")
docs = {"help": help_text, "man": man, "readme": readme}
names = {"help": "--help", "man": "inhook.8", "readme": "README.md"}

for doc, text in docs.items():
    found = set(OPT.findall(text))
    for opt, o in options.items():
        if doc in o["except"]:
            continue
        result(opt in found, "%s: names %s" % (names[doc], opt))
    if doc == "readme":
        unused = sorted(foreign - found)
        result(not unused, "interface.txt: every foreign option is in README.md",
               "unused: " + " ".join(unused))
    stray = sorted(found - set(options) - (foreign if doc == "readme" else set()))
    result(not stray, "%s: names no option outside interface.txt" % names[doc],
           "unknown: " + " ".join(stray))


def help_entry(opt):
    """The option's lines of --help: its own line and the indented
    continuation lines under it."""
    out, on = [], False
    for line in help_text.splitlines():
        m = re.match(r"\s+(--[a-z-]+)", line)
        if m:
            on = m.group(1) == opt
        elif not line.startswith("      "):
            on = False
        if on:
            out.append(line)
    return "\n".join(out)


def segments(text, opt):
    """From each mention of opt to the end of its paragraph."""
    out = []
    for m in OPT.finditer(text):
        if m.group(1) != opt:
            continue
        end = text.find("\n\n", m.start())
        out.append(text[m.start():end if end >= 0 else len(text)])
    return out


def said_default(segs, value):
    pat = re.compile(r"default(?:s to| is)?:? `?%s(?![\w/-])" % re.escape(value))
    return any(pat.search(re.sub(r"\s+", " ", s)) for s in segs)


# README's option table: | option(s) | meaning | default(s) |
table = {}
for line in readme.splitlines():
    if not line.startswith("| `--"):
        continue
    cells = [c.strip() for c in line.strip().strip("|").split(" | ")]
    if len(cells) != 3:
        continue
    opts = OPT.findall(cells[0])
    vals = [v.strip() for v in cells[2].split(", ")] if cells[2] else []
    for i, opt in enumerate(opts):
        if len(vals) == len(opts):
            table[opt] = vals[i]
        elif len(vals) == 1 and len(opts) == 1:
            table[opt] = vals[0]

for opt, o in options.items():
    d = o["default"]
    if d == "-":
        continue
    if "help-default" not in o["except"]:
        result(bool(token(help_entry(opt), d)),
               "--help: %s shows its default %s" % (opt, d),
               "its entry: %r" % help_entry(opt))
    result(said_default(segments(man, opt), d),
           "inhook.8: %s says default %s" % (opt, d))
    cell = table.get(opt)
    if cell:
        result(bool(token(cell.replace("`", ""), d)),
               "README.md: %s default %s in the option table" % (opt, d),
               "the table says %r" % cell)
    else:
        result(said_default(segments(readme, opt), d),
               "README.md: %s says default %s" % (opt, d))

# --- HTTP statuses ----------------------------------------------------------
codes = sorted(set(re.findall(r"S_\w+\s*=\s*(\d{3})", src["status.h"])))
reasons = set(re.findall(r"case (S_\w+):", src["status.c"]))
result(len(reasons) == len(codes),
       "source: every status of status.h has a reason phrase in status.c")
m = re.search(r"^\| status \| when \|\n(.*?)\n\n", readme, re.S | re.M)
readme_codes = set(re.findall(r"^\| (\d{3}) \|", m.group(1), re.M)) if m else set()
m = re.search(r"HTTP statuses:(.*?)\n\n", man, re.S)
man_codes = set(re.findall(r"\b([1-5]\d\d)\b", m.group(1))) if m else set()
for c in codes:
    result(c in readme_codes, "README.md: status %s in the status table" % c)
    result(c in man_codes, "inhook.8: status %s among the HTTP statuses" % c)
for where, got in (("README.md status table", readme_codes),
                   ("inhook.8 HTTP statuses", man_codes)):
    extra = sorted(got - set(codes))
    result(not extra, "%s: only statuses inhook answers" % where,
           "not in src/status.h: " + " ".join(extra))
# --help may name statuses (403, 413...): only real ones; a number that is
# a default on its line is a default.
defaults = {o["default"] for o in options.values()}
bad = []
for line in help_text.splitlines():
    for n in re.findall(r"(?<![\w-])([1-5]\d\d)\b", line):
        if n not in codes and n not in defaults:
            bad.append(n)
result(not bad, "--help: names only statuses inhook answers",
       "not in src/status.h: " + " ".join(bad))

# --- exit statuses ----------------------------------------------------------
returned = set()
for name in ("main.c", "serve.c", "listen.c", "spoolcmd.c"):
    t = src[name]
    for mac, val in re.findall(r"#define (EXIT_\w+)\s+(\d+)", t):
        t = t.replace(mac, val)
    returned.update(re.findall(r"\b(?:return|_?exit\()\s*\(?(\d+)\)?\s*;", t))
    returned.update(re.findall(r"\? (\d+) : (?:0|rc)\b", t))
    returned.update(re.findall(r"\? (?:0|rc) : (\d+)\b", t))
returned = {r for r in returned if r not in ("1",)}
print("# exit statuses returned in src/: " + " ".join(sorted(returned, key=int)))
extra = sorted(returned - set(exits), key=int)
result(not extra, "source: every exit status in src/ is listed",
       "returned but not listed: " + " ".join(extra))
m = re.search(r"\| exit status \| meaning \|\n(.*?)\n\n", readme, re.S)
readme_exits = set(re.findall(r"^\| (\d+) \|", m.group(1), re.M)) if m else set()
m = re.search(r"\nEXIT STATUS\n(.*?)\n[A-Z][A-Z ]+\n", man, re.S)
man_exit = m.group(1) if m else ""
man_exits = set(re.findall(r"^ {5}(\d+)\b", man_exit, re.M))
for e in exits:
    result(e in readme_exits, "README.md: exit status %s in the table" % e)
    result(e in man_exits, "inhook.8: exit status %s under EXIT STATUS" % e)
sig_readme = re.search(r"\| exit status \| meaning \|\n(.*?)\n\n", readme, re.S)
result(bool(sig_readme and re.search(r"signal", sig_readme.group(1))),
       "README.md: the exit status table says what a signal does")
result(bool(re.search(r"signal", man_exit)),
       "inhook.8: EXIT STATUS says what a signal does")

# --- xinetd stanza, retry timer ---------------------------------------------
stanza = [l for l in read("xinetd/inhook").splitlines()
          if l.strip() and not l.lstrip().startswith("#")]
src8 = read("inhook.8")
m = re.search(r"^xinetd, from\n\.Pa xinetd/inhook :\n\.Bd -literal -offset indent\n"
              r"(.*?)\n\.Ed$", src8, re.S | re.M)
shown = m.group(1).splitlines() if m else []
diff = [("-" + a, "+" + b) for a, b in zip(stanza, shown) if a != b]
result(shown == stanza,
       "inhook.8: the xinetd stanza is xinetd/inhook without its comments",
       "\n".join("%s\n%s" % d for d in diff[:5]) or
       "%d lines against %d" % (len(shown), len(stanza)))

timer = read("systemd/inhook-retry.timer")
boot = re.search(r"^OnBootSec=(\d+)min", timer, re.M)
every = re.search(r"^OnUnitInactiveSec=(\d+)min", timer, re.M)
if boot and every:
    words = {"1": "1 minute", "2": "2 minutes", "5": "5 minutes"}
    want = (words.get(boot.group(1), boot.group(1) + " minutes") + " after boot",
            words.get(every.group(1), every.group(1) + " minutes") + " after each run")
    for doc in ("man", "readme"):
        flat = re.sub(r"\s+", " ", docs[doc])
        result(want[0] in flat and want[1] in flat,
               "%s: the retry timer runs %s, then %s" % (names[doc], *want))
else:
    result(False, "systemd/inhook-retry.timer: OnBootSec= and OnUnitInactiveSec= in minutes")

sys.exit(1 if failed else 0)

#!/bin/sh
# tests/docs: the documentation tested like code. interface.py compares the
# options, defaults and statuses of tests/docs/interface.txt with the
# source, `inhook --help`, inhook.8 and README.md; readme.py runs README.md's
# shell examples from the README text (see its head for the markers).
TOP=$(cd "$(dirname "$0")/../.." && pwd)
INHOOK="${INHOOK:-$TOP/inhook}"
PY=/usr/bin/python3
[ -x "$PY" ] || PY=python3
rc=0
"$PY" "$TOP/tests/docs/interface.py" "$TOP" "$INHOOK" || rc=1
"$PY" "$TOP/tests/docs/readme.py" "$TOP" "$INHOOK" || rc=1
exit $rc

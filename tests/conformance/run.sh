#!/bin/sh
# tests/conformance/run.sh: the conformance and hostile-input suite (issue
# 5). The table and its runner are cases.py: raw bytes through the real
# binary, exact status, the hook not run (or run once, for the accepted
# controls). The hook is tests/golden/hook.c, built here, which records
# what it receives; slow and broken peers run on 127.0.0.1 under
# systemd-socket-activate, which is stopped on exit whatever happens.
. "$(dirname "$0")/../lib.sh"
HOOK="$T/hook"
trap 'if [ -s "$T/activator.pid" ]; then kill "$(cat "$T/activator.pid")" 2>/dev/null; fi; rm -rf "$T"' EXIT
trap 'exit 1' HUP INT TERM

if [ ! -x "$INHOOK" ]; then
	nok "$(basename "$(dirname "$0")"): $INHOOK is not built"
	exit 1
fi
if ! ${CC:-cc} -O2 -o "$HOOK" "$TOP/tests/golden/hook.c"; then
	nok "conformance: build the test hook"
	exit 1
fi
if ! command -v systemd-socket-activate >/dev/null 2>&1; then
	echo "# systemd-socket-activate missing: the socket cases will fail"
fi
INHOOK="$INHOOK" SECRET="$SECRET" HOOK="$HOOK" T="$T" \
    /usr/bin/python3 "$TOP/tests/conformance/cases.py"

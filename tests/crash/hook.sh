#!/bin/sh
# tests/crash/hook.sh DIR BODY: the hook of the crash suite. Appends (O_APPEND,
# one line at a time) to DIR/log: "start PID" when it starts, "done PID" at
# its very end, ~50 ms later; "OVERLAP PID" when another run holds DIR's
# hook lock at its start (two runs at once); "BADBODY PID" when its standard
# input is not BODY. A run killed in between leaves a "start" without "done".
d=$1
exec 9>>"$d/hook.lock"
flock -n 9 || echo "OVERLAP $$" >> "$d/log"
echo "start $$" >> "$d/log"
cmp -s - "$2" 9>&- || echo "BADBODY $$" >> "$d/log"
# only this shell holds the lock: a child that outlives it cannot fake an overlap
sleep 0.05 9>&-
echo "done $$" >> "$d/log"

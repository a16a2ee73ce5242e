#!/bin/sh
# tests/delivery/run.sh: what happens to a verified delivery: --async,
# --respond-output, --spool and "inhook spool", --dedupe, --lock, --when,
# --hook-timeout. Pipe mode (raw request in, raw response out) wherever a
# socket is not the point; systemd-socket-activate on 127.0.0.1 for the
# timing of an --async answer. Concurrency is several inhook processes at
# once, each with its own request. The spool-full and read-only cases mount
# a tiny tmpfs and need root; they skip otherwise.
. "$(dirname "$0")/../lib.sh"

PIDS=""
MNT=""
BIND=""
cleanup() {
	for p in $PIDS; do
		kill -9 "$p" 2>/dev/null
	done
	for f in "$T"/*/hook.pid "$T"/*/child.pid; do
		[ -f "$f" ] && kill -9 "-$(cat "$f")" 2>/dev/null
		[ -f "$f" ] && kill -9 "$(cat "$f")" 2>/dev/null
	done
	[ -n "$BIND" ] && umount "$BIND" 2>/dev/null
	[ -n "$MNT" ] && umount "$MNT" 2>/dev/null
	rm -rf "$T"
}
trap cleanup EXIT
trap 'exit 1' INT TERM HUP

[ -x "$INHOOK" ] || { nok "inhook is built ($INHOOK)"; exit 1; }
LOG="$T/log"
REQ="$T/req"
rawpost "$SAMPLE" > "$REQ"

# run OUT [OPTION...] HOOK [ARG...]: one delivery of $REQ in pipe mode
run() {
	_out=$1
	shift
	"$INHOOK" --log-stderr --secret-file "$SECRET" "$@" < "$REQ" > "$_out" 2>>"$LOG"
}

# body FILE: the body of the response in FILE
body() { sed '1,/^\r$/d' "$1"; }

# header FILE NAME: the value of header NAME in the response in FILE
header() { sed -n "1,/^\r\$/s/^$2: \(.*\)\r\$/\1/p" "$1"; }

# count DIR: entries in DIR
count() { ls -A "$1" 2>/dev/null | wc -l | tr -d ' '; }

# until_true SECONDS COMMAND...: runs COMMAND every 0.02 s until it
# succeeds or SECONDS pass
until_true() {
	_u=$(($1 * 50))
	shift
	while ! "$@"; do
		_u=$((_u - 1))
		[ "$_u" -le 0 ] && return 1
		sleep 0.02
	done
}

gone() { [ ! -d "/proc/$1" ] || [ "$(cut -d' ' -f3 "/proc/$1/stat" 2>/dev/null)" = Z ]; }
has202() { [ -f "$1" ] && [ "$(status < "$1")" = 202 ]; }

# A hook that marks its start, sleeps (when DIR/sleep holds seconds), exits
# with DIR/exit when present, and records its run, env and stdin. Unlike
# mkhook, it also writes its pid (its process group) to DIR/hook.pid.
mkslow() {
	mkdir -p "$1"
	cat > "$1/hook" <<HOOK
#!/bin/sh
d="$1"
echo \$\$ > "\$d/hook.pid"
env | LC_ALL=C sort > "\$d/env.\$\$"
cat > "\$d/stdin.\$\$"
echo start >> "\$d/runs"
[ -f "\$d/sleep" ] && sleep "\$(cat "\$d/sleep")"
echo end >> "\$d/ends"
[ -f "\$d/exit" ] && exit "\$(cat "\$d/exit")"
exit 0
HOOK
	chmod 755 "$1/hook"
}
ends() { if [ -f "$1/ends" ]; then wc -l < "$1/ends" | tr -d ' '; else echo 0; fi; }
runs_ge() { [ "$(runs "$1")" -ge "$2" ]; }

# --- --async ----------------------------------------------------------

# The answer comes while the hook still runs: measured by a real client
# through a socket, with the hook's end marker as the witness.
if command -v systemd-socket-activate >/dev/null && command -v curl >/dev/null; then
	d="$T/async"
	mkdir -p "$d"
	cat > "$d/hook" <<HOOK
#!/bin/sh
touch "$d/start"
sleep 2
touch "$d/end"
HOOK
	chmod 755 "$d/hook"
	port=$(/usr/bin/python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
	# the activator hands on only what -E names: the sanitizer options
	sae=""
	[ -n "$INHOOK_SANITIZE" ] && sae="-E ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=0}"
	systemd-socket-activate --inetd --accept $sae -l "127.0.0.1:$port" \
	    "$INHOOK" --log-stderr --async --secret-file "$SECRET" -- "$d/hook" \
	    2>"$T/sa.log" &
	PIDS="$PIDS $!"
	hexport=$(printf '0100007F:%04X' "$port")
	listening() { awk -v a="$hexport" '$2 == a && $4 == "0A" { f = 1 } END { exit !f }' /proc/net/tcp; }
	if until_true 10 listening; then
		r=$(curl -s -o "$d/body" -w '%{http_code} %{time_total}' \
		    -H 'Content-Type: application/json' \
		    -H "X-JobServ-Sig: $(sign "$SAMPLE")" --data-binary "@$SAMPLE" \
		    "http://127.0.0.1:$port/webhook")
		[ -e "$d/end" ] && ended=yes || ended=no
		same "async: 202 from a real client" "${r% *}" 202
		same "async: the 2 s hook had not ended when the 202 arrived" "$ended" no
		# the bound is the order above (the 202 before the 2 s hook
		# ended); the time is shown, not judged (README, Tests)
		echo "# async: 202 after ${r#* } s"
		same "async: answer body" "$(cat "$d/body")" Accepted
		check "async: the hook started" until_true 3 test -e "$d/start"
		check "async: the hook ran to its end after the answer" until_true 5 test -e "$d/end"
		check "async: exit status logged after the answer" until_true 3 \
		    grep -q 'status=202 .*hook=exit:0' "$T/sa.log"
	else
		nok "async: systemd-socket-activate listens"
	fi
else
	ok "async: 202 timing # skip systemd-socket-activate or curl missing"
fi

# "Started" means execve succeeded: a hook that cannot start gets 500.
d="$T/async-fail"
mkdir -p "$d"
run "$d/out" --async "$d/missing"
same "async: missing hook gives 500" "$(status < "$d/out")" 500
printf 'not a program\n' > "$d/noexec"
chmod 644 "$d/noexec"
run "$d/out" --async "$d/noexec"
same "async: non-executable hook gives 500" "$(status < "$d/out")" 500
# E2BIG: an environment over execve's limit (1/4 of a 256 KiB stack, at
# least 128 KiB): two 100 000-byte values, within inhook's own limits.
mkhook "$d/h"
/usr/bin/python3 -c 'import json; print(json.dumps({"a": "x" * 100000, "b": "y" * 100000}))' > "$d/big.json"
rawpost "$d/big.json" > "$d/big.req"
(ulimit -s 256 && "$INHOOK" --log-stderr --async --secret-file "$SECRET" "$d/h/hook" \
    < "$d/big.req" > "$d/out" 2>>"$LOG")
same "async: E2BIG at execve gives 500" "$(status < "$d/out")" 500
same "async: ... and the hook never ran" "$(runs "$d/h")" 0
check "async: ... and the log says why" grep -q 'hook=not-started.*Argument list too long' "$LOG"
# A timed-out hook under --async is still killed (after the answer).
mkslow "$d/t"
echo 30 > "$d/t/sleep"
run "$d/out" --async --hook-timeout 1 "$d/t/hook"
same "async: 202 for a hook that then times out" "$(status < "$d/out")" 202
same "async: ... it was killed at --hook-timeout" "$(ends "$d/t")" 0
check "async: ... and the log says timeout" grep -q 'status=202 .*hook=timeout' "$LOG"

# --- --respond-output -------------------------------------------------

d="$T/output"
mkdir -p "$d"
cat > "$d/hook" <<'HOOK'
#!/bin/sh
printf 'deployed %s\n' "$WEBHOOK_BUILD_ID"
echo "to the log only" >&2
exit "${1:-0}"
HOOK
chmod 755 "$d/hook"
run "$d/out" --respond-output "$d/hook"
same "respond-output: 200" "$(status < "$d/out")" 200
same "respond-output: body is the hook's stdout" "$(body "$d/out")" "deployed 67"
same "respond-output: Content-Length" "$(header "$d/out" Content-Length)" 12
check "respond-output: stderr went to the log" grep -q '^to the log only$' "$LOG"
run "$d/out" --respond-output "$d/hook" 3
same "respond-output: failed hook 500" "$(status < "$d/out")" 500
same "respond-output: ... with its output" "$(body "$d/out")" "deployed 67"
run "$d/out" --respond-output --max-output 5 "$d/hook"
same "respond-output: --max-output 5 keeps 5 bytes" "$(body "$d/out")" "deplo"
same "respond-output: ... Content-Length 5" "$(header "$d/out" Content-Length)" 5
"$INHOOK" --respond-output --async --secret-file "$SECRET" "$d/hook" </dev/null >/dev/null 2>&1
same "respond-output: with --async is a usage error" "$?" 100

# --- --spool ----------------------------------------------------------

d="$T/spool"
mkslow "$d/h"
S="$d/sp"
run "$d/out" --spool "$S" "$d/h/hook"
same "spool: hook succeeded: 200" "$(status < "$d/out")" 200
same "spool: ... nothing left in new/ failed/ tmp/" \
    "$(count "$S/new") $(count "$S/failed") $(count "$S/tmp")" "0 0 0"

echo 3 > "$d/h/exit"
run "$d/out" --spool "$S" --env FIRST=yes "$d/h/hook" arg1
same "spool: failed hook answers 202" "$(status < "$d/out")" 202
same "spool: ... one entry in failed/, none in new/" \
    "$(count "$S/failed") $(count "$S/new")" "1 0"
id=$(ls "$S/failed")
check "spool: ... its body is the payload" cmp -s "$S/failed/$id/body" "$SAMPLE"
same "spool: ... its reason" "$(cut -d' ' -f2- "$S/failed/$id/reason")" "exit:3"
same "spool: ... its argv" "$(tr '\0' ' ' < "$S/failed/$id/argv")" "$d/h/hook arg1 "
check "spool: ... the secret is in none of its files" sh -c \
    "! grep -rq UseSomethingGoodHere '$S'"
same "spool list: the failed entry" "$("$INHOOK" spool list --spool "$S" | cut -f1,2,4)" \
    "$id	failed	$(cat "$S/failed/$id/reason")"
"$INHOOK" spool retry --spool "$S" > "$d/retry.out" 2>>"$LOG"
same "spool retry: a hook that fails again exits 111" "$?" 111
same "spool retry: ... the entry stays in failed/" "$(count "$S/failed")" 1
rm "$d/h/exit"
rm -f "$d/h"/env.* "$d/h"/stdin.*
"$INHOOK" spool retry --spool "$S" > "$d/retry.out" 2>>"$LOG"
same "spool retry: delivered, exit 0" "$?" 0
same "spool retry: ... says so" "$(cat "$d/retry.out")" "$id: delivered"
same "spool retry: ... spool empty" "$(count "$S/failed") $(count "$S/new") $(count "$S/tmp")" "0 0 0"
same "spool retry: the hook ran 4 times in all" "$(runs "$d/h")" 4
e=$(ls "$d/h"/env.* 2>/dev/null | head -n 1)
check "spool retry: same environment as the first run" grep -qx 'FIRST=yes' "$e"
check "spool retry: ... the payload variables" grep -qx 'WEBHOOK_BUILD_ID=67' "$e"
check "spool retry: ... and the same stdin" cmp -s "$(ls "$d/h"/stdin.* | head -n 1)" "$SAMPLE"

# SIGKILL right after the 2xx: the entry stays in new/, and retry
# delivers it.
d="$T/kill"
mkslow "$d/h"
S="$d/sp"
echo 60 > "$d/h/sleep"
"$INHOOK" --log-stderr --secret-file "$SECRET" --async --spool "$S" "$d/h/hook" \
    < "$REQ" > "$d/out" 2>>"$LOG" &
ipid=$!
PIDS="$PIDS $ipid"
if until_true 10 has202 "$d/out" && until_true 10 test -s "$d/h/hook.pid"; then
	kill -9 "$ipid"
	kill -9 "-$(cat "$d/h/hook.pid")" 2>/dev/null  # the keeper may have done it
	wait "$ipid" 2>/dev/null
	ok "spool: 202 read, inhook and its hook killed with SIGKILL"
else
	nok "spool: 202 read, inhook and its hook killed with SIGKILL"
fi
same "spool: ... the entry is in new/" "$(count "$S/new") $(count "$S/failed")" "1 0"
same "spool list: ... shown as new (not running)" \
    "$("$INHOOK" spool list --spool "$S" | cut -f2)" new
rm "$d/h/sleep"
"$INHOOK" spool retry --spool "$S" > "$d/retry.out" 2>>"$LOG"
same "spool retry: the crashed delivery is delivered" "$?" 0
same "spool retry: ... the hook ran to its end" "$(ends "$d/h")" 1
same "spool retry: ... new/ is empty" "$(count "$S/new")" 0

# The spool command's contract.
"$INHOOK" spool drop --spool "$S" > /dev/null 2>&1
same "spool drop without IDs: 100" "$?" 100
"$INHOOK" spool retry --spool "$S" 1.2.3 > /dev/null 2>&1
same "spool retry of an unknown ID: 100" "$?" 100
"$INHOOK" spool frob --spool "$S" > /dev/null 2>&1
same "spool with an unknown verb: 100" "$?" 100
"$INHOOK" spool list --spool "$T/nonexistent" > /dev/null 2>&1
same "spool list of a missing spool: 111" "$?" 111
echo 1 > "$d/h/exit"
run "$d/out" --spool "$S" "$d/h/hook"
id=$(ls "$S/failed")
"$INHOOK" spool drop --spool "$S" "$id" > "$d/drop.out" 2>&1
same "spool drop: exit 0" "$?" 0
same "spool drop: ... gone" "$(count "$S/failed") $(count "$S/new") $(count "$S/tmp")" "0 0 0"

# More than SPOOL_ENTRIES_MAX (4096) entries: retry takes the 4096 oldest
# of new/ and failed/ together (IDs compared as numbers, so 999.x is older
# than 1000.x), a crash leftover in new/ included, and says it stopped
# there (exit 111); list says so too.
d="$T/many"
mkhook "$d/h"
S="$d/sp"
echo 3 > "$d/h/exit"
run "$d/out" --spool "$S" "$d/h/hook"
rm "$d/h/exit"
id=$(ls "$S/failed")
mv "$S/failed/$id" "$S/new/999.000000.1"
seq 1000 5099 | sed "s|^|$S/failed/|; s|\$|.000000.1|" | xargs mkdir
"$INHOOK" spool list --spool "$S" > "$d/list.out" 2> "$d/list.err"
same "spool list over 4096: exit 0" "$?" 0
same "spool list over 4096: ... says it stopped" "$(cat "$d/list.err")" \
    "inhook spool: more than 4096 entries in failed/; listed the 4096 oldest"
same "spool list over 4096: ... new/ first, then the 4096 oldest of failed/, numerically" \
    "$(wc -l < "$d/list.out" | tr -d ' ') $(cut -f1 "$d/list.out" | sed -n '1p;2p;$p' | tr '\n' ' ')" \
    "4097 999.000000.1 1000.000000.1 5095.000000.1 "
"$INHOOK" spool retry --spool "$S" > "$d/retry.out" 2> "$d/retry.err"
same "spool retry over 4096: exit 111" "$?" 111
same "spool retry over 4096: ... says it stopped" "$(tail -n 1 "$d/retry.err")" \
    "inhook spool: more than 4096 entries; handled the 4096 oldest, the rest wait for the next run"
same "spool retry over 4096: ... the crash leftover in new/ (the oldest) first, delivered" \
    "$(head -n 1 "$d/retry.out") $(runs "$d/h") $(count "$S/new")" "999.000000.1: delivered 2 0"
same "spool retry over 4096: ... then the 4095 oldest of failed/, oldest first, no newer one" \
    "$(grep -c ': unreadable entry' "$d/retry.out") $(sed -n '2p;$p' "$d/retry.out" | cut -d: -f1 | tr '\n' ' ')" \
    "4095 1000.000000.1 5094.000000.1 "
rm -rf "$S"

# An entry that is gone (finished, or never an entry) by the time list
# looks at it is not listed (no "gone" state); a failed entry without a
# reason reads "unknown".
d="$T/gone"
mkhook "$d/h"
S="$d/sp"
echo 3 > "$d/h/exit"
run "$d/out" --spool "$S" "$d/h/hook"
id=$(ls "$S/failed")
rm "$S/failed/$id/reason"
: > "$S/new/1.000000.1"
: > "$S/failed/2.000000.1"
same "spool list: what is gone is skipped, a missing reason is unknown" \
    "$("$INHOOK" spool list --spool "$S" | cut -f1,2,4)" "$id	failed	unknown"

# A full or read-only spool: 503, never a 2xx, and the hook does not run.
if [ "$(id -u)" != 0 ]; then
	ok "spool: full and read-only give 503 # skip not root (needs a tmpfs mount)"
elif ! { mkdir -p "$T/mnt" && mount -t tmpfs -o size=64k,mode=0700 inhook-test "$T/mnt"; } 2>/dev/null; then
	ok "spool: full and read-only give 503 # skip cannot mount a tmpfs here"
else
	MNT="$T/mnt"
	d="$T/full"
	mkhook "$d"
	dd if=/dev/zero of="$MNT/fill" bs=4096 count=1000 2>/dev/null
	run "$d/out" --spool "$MNT/sp" --dedupe "$d/dd" "$d/hook"
	same "spool: full spool gives 503" "$(status < "$d/out")" 503
	same "spool: ... with Retry-After" "$(header "$d/out" Retry-After)" 5
	same "spool: ... the hook did not run" "$(runs "$d")" 0
	same "spool: ... no half entry left" "$(count "$MNT/sp/tmp") $(count "$MNT/sp/new")" "0 0"
	rm -f "$MNT/fill"
	run "$d/out" --spool "$MNT/sp" --dedupe "$d/dd" "$d/hook"
	same "spool: ... the retry, with space again, runs it (claim released)" \
	    "$(status < "$d/out") $(runs "$d")" "200 1"
	mount -o remount,ro "$MNT"
	run "$d/out" --spool "$MNT/sp" "$d/hook"
	same "spool: read-only spool gives 503" "$(status < "$d/out")" 503
	same "spool: ... the hook did not run" "$(runs "$d")" 1
	run "$d/out" --spool "$MNT/other" "$d/hook"
	same "spool: a spool that cannot be created gives 503" "$(status < "$d/out")" 503
	umount "$MNT" && MNT=""

	# The disk fills while a failure is recorded: the entry is in failed/
	# without a reason (listed as unknown), no reason.tmp is left, and the
	# log says just that.
	mount -t tmpfs -o size=64k,mode=0700 inhook-test "$T/mnt" && MNT="$T/mnt"
	d="$T/fullfail"
	mkdir -p "$d"
	printf '#!/bin/sh\ncat > /dev/null\ndd if=/dev/zero of="%s/fill" bs=4096 2>/dev/null\nexit 3\n' \
	    "$MNT" > "$d/hook"
	chmod 755 "$d/hook"
	run "$d/out" --spool "$MNT/sp" "$d/hook"
	id=$(ls "$MNT/sp/failed")
	same "spool: disk full as the failure is recorded: 202, in failed/" \
	    "$(status < "$d/out") $(count "$MNT/sp/failed") $(count "$MNT/sp/new")" "202 1 0"
	same "spool: ... no reason, no reason.tmp" \
	    "$(ls "$MNT/sp/failed/$id" | grep -c '^reason')" 0
	same "spool: ... listed with reason unknown" \
	    "$("$INHOOK" spool list --spool "$MNT/sp" | cut -f2,4)" "failed	unknown"
	check "spool: ... the log says it moved but has no reason" grep -q \
	    "spool $id: moved to failed/, but its reason could not be written: No space left on device" "$LOG"
	check "spool: ... and kept as failed/" grep -q "kept as failed/$id" "$LOG"
	check "spool: ... never that it could not move it" sh -c \
	    "! grep \"spool $id: cannot move\" '$LOG'"
	rm -f "$MNT/fill"

	# failed/ cannot be written (read-only): the entry stays in new/, the
	# log says so (not "kept as failed/"), and retry delivers it later.
	d="$T/nofail"
	mkhook "$d"
	mkdir -p "$MNT/sp2/failed"
	if mount --bind "$MNT/sp2/failed" "$MNT/sp2/failed" 2>/dev/null &&
	    BIND="$MNT/sp2/failed" && mount -o remount,bind,ro "$BIND" 2>/dev/null; then
		echo 3 > "$d/exit"
		run "$d/out" --spool "$MNT/sp2" "$d/hook"
		id=$(ls "$MNT/sp2/new")
		same "spool: failed/ not writable: 202, still in new/" \
		    "$(status < "$d/out") $(count "$MNT/sp2/new") $(count "$MNT/sp2/failed")" "202 1 0"
		check "spool: ... the log says it could not move it" grep -q \
		    "spool $id: cannot move to failed/, still in new/" "$LOG"
		check "spool: ... and kept as new/, not failed/" sh -c \
		    "grep -q 'kept as new/$id' '$LOG' && ! grep -q 'kept as failed/$id' '$LOG'"
		umount "$BIND" && BIND=""
		rm "$d/exit"
		"$INHOOK" spool retry --spool "$MNT/sp2" > "$d/retry.out" 2>>"$LOG"
		same "spool: ... retry delivers it" "$? $(cat "$d/retry.out")" "0 $id: delivered"
	else
		ok "spool: failed/ not writable # skip cannot make a read-only bind mount"
	fi
	umount "$MNT" && MNT=""
fi

# --- --dedupe ---------------------------------------------------------

d="$T/dedupe"
mkslow "$d/h"
D="$d/dd"
run "$d/out1" --dedupe "$D" "$d/h/hook"
run "$d/out2" --dedupe "$D" "$d/h/hook"
same "dedupe: first 200" "$(status < "$d/out1")" 200
same "dedupe: second 200" "$(status < "$d/out2")" 200
same "dedupe: second says Already delivered" "$(body "$d/out2")" "Already delivered"
same "dedupe: the same delivery sent twice runs once" "$(runs "$d/h")" 1

# A failed first attempt releases its claim: the sender's retry runs.
d="$T/dedupe-fail"
mkslow "$d/h"
D="$d/dd"
echo 1 > "$d/h/exit"
run "$d/out1" --dedupe "$D" "$d/h/hook"
rm "$d/h/exit"
run "$d/out2" --dedupe "$D" "$d/h/hook"
run "$d/out3" --dedupe "$D" "$d/h/hook"
same "dedupe: failed attempt 500, retry 200, third 200" \
    "$(status < "$d/out1") $(status < "$d/out2") $(status < "$d/out3")" "500 200 200"
same "dedupe: ... the retry ran the hook, the third did not" "$(runs "$d/h")" 2
same "dedupe: ... the third says Already delivered" "$(body "$d/out3")" "Already delivered"

# Two at once, the second arriving while the first's hook runs: one run;
# the second waits for the outcome.
d="$T/dedupe-two"
mkslow "$d/h"
echo 1 > "$d/h/sleep"
run "$d/out1" --dedupe "$d/dd" "$d/h/hook" &
p1=$!
until_true 10 test -s "$d/h/runs"
run "$d/out2" --dedupe "$d/dd" "$d/h/hook" &
p2=$!
wait "$p1" "$p2"
same "dedupe: two at once, hook ran once" "$(runs "$d/h")" 1
same "dedupe: ... both 200, the second after the first's outcome" \
    "$(status < "$d/out1") $(status < "$d/out2") $(body "$d/out2")" "200 200 Already delivered"

# Two at once whose hook fails: neither may answer 2xx.
d="$T/dedupe-two-fail"
mkslow "$d/h"
echo 1 > "$d/h/sleep"
echo 1 > "$d/h/exit"
run "$d/out1" --dedupe "$d/dd" "$d/h/hook" &
p1=$!
until_true 10 test -s "$d/h/runs"
run "$d/out2" --dedupe "$d/dd" "$d/h/hook" &
p2=$!
wait "$p1" "$p2"
s1=$(status < "$d/out1")
s2=$(status < "$d/out2")
same "dedupe: two at once, failing hook: first 500" "$s1" 500
check "dedupe: ... the second is not 2xx ($s2)" test "${s2#2}" = "$s2"
same "dedupe: ... it ran the hook again itself" "$(runs "$d/h")" 2

# Really at the same moment: 4 at once, one run, no answer but 200.
d="$T/dedupe-four"
mkslow "$d/h"
echo 1 > "$d/h/sleep"
for i in 1 2 3 4; do
	run "$d/out$i" --dedupe "$d/dd" "$d/h/hook" &
	eval "p$i=\$!"
done
wait "$p1" "$p2" "$p3" "$p4"
same "dedupe: four at once, hook ran once" "$(runs "$d/h")" 1
same "dedupe: ... statuses" "$(cat "$d"/out? | grep -c '^HTTP/1.1 200 ')" 4
same "dedupe: ... three say Already delivered" "$(cat "$d"/out? | grep -c '^Already delivered')" 3

# Still undecided after the wait (5 s): 409 with Retry-After, not 2xx.
d="$T/dedupe-409"
mkslow "$d/h"
echo 7 > "$d/h/sleep"
run "$d/out1" --dedupe "$d/dd" "$d/h/hook" &
p1=$!
until_true 10 test -s "$d/h/runs"
run "$d/out2" --dedupe "$d/dd" "$d/h/hook"
same "dedupe: still undecided after the wait: 409" "$(status < "$d/out2")" 409
same "dedupe: ... with Retry-After" "$(header "$d/out2" Retry-After)" 5
wait "$p1"
same "dedupe: ... the first one's 200" "$(status < "$d/out1") $(runs "$d/h")" "200 1"

# --async and --spool keep the claim once they answer 2xx.
d="$T/dedupe-async"
mkslow "$d/h"
echo 1 > "$d/h/exit"
run "$d/out1" --dedupe "$d/dd" --async "$d/h/hook"
run "$d/out2" --dedupe "$d/dd" --async "$d/h/hook"
same "dedupe: --async 202, then Already delivered (failed hook included)" \
    "$(status < "$d/out1") $(body "$d/out2") $(runs "$d/h")" "202 Already delivered 1"
run "$d/out1" --dedupe "$d/dd2" --spool "$d/sp" "$d/h/hook"
run "$d/out2" --dedupe "$d/dd2" --spool "$d/sp" "$d/h/hook"
same "dedupe: --spool 202, then Already delivered (the spool owns it)" \
    "$(status < "$d/out1") $(body "$d/out2") $(runs "$d/h")" "202 Already delivered 2"

# Old claims are pruned.
d="$T/dedupe-prune"
mkhook "$d"
mkdir -p "$d/dd"
: > "$d/dd/old-claim"
: > "$d/dd/young-claim"
touch -d '10 days ago' "$d/dd/old-claim"
touch -d '5 days ago' "$d/dd/young-claim"
run "$d/out" --dedupe "$d/dd" "$d/hook"
check "dedupe: a claim older than --dedupe-days is pruned" test ! -e "$d/dd/old-claim"
check "dedupe: ... a younger one is kept" test -e "$d/dd/young-claim"
run "$d/out" --dedupe "$d/dd" --dedupe-days 3 "$d/hook"
check "dedupe: --dedupe-days 3 prunes the 5-day-old one" test ! -e "$d/dd/young-claim"

# --- --lock -----------------------------------------------------------

# overlaps FILE: "start end" lines; prints how many runs began before the
# previous one ended.
overlaps() {
	sort -n "$1" | awk 'NR > 1 && $1 < end { n++ } { end = $2 } END { print n + 0 }'
}
mklockhook() {
	mkdir -p "$1"
	cat > "$1/hook" <<HOOK
#!/bin/sh
s=\$(date +%s.%N)
sleep 0.2
e=\$(date +%s.%N)
echo "\$s \$e" >> "$1/times"
HOOK
	chmod 755 "$1/hook"
}
d="$T/lock"
mklockhook "$d"
pids=""
for i in 1 2 3 4 5 6 7 8; do
	run "$d/out$i" --lock "$d/lockfile" "$d/hook" &
	pids="$pids $!"
done
wait $pids
same "lock: 8 concurrent deliveries all 200" "$(cat "$d"/out? | grep -c '^HTTP/1.1 200 ')" 8
same "lock: ... 8 runs recorded" "$(wc -l < "$d/times" | tr -d ' ')" 8
same "lock: ... none overlaps another" "$(overlaps "$d/times")" 0
# The same without --lock does overlap: the check above can fail.
d="$T/nolock"
mklockhook "$d"
pids=""
for i in 1 2 3 4 5 6 7 8; do
	run "$d/out$i" "$d/hook" &
	pids="$pids $!"
done
wait $pids
check "lock: (control) without --lock the runs overlap" test "$(overlaps "$d/times")" -gt 0

# --lock-wait passed: 503 with Retry-After; under --async, 202 and the
# hook runs once the lock is free.
d="$T/lockwait"
mkslow "$d/a"
echo 3 > "$d/a/sleep"
mkslow "$d/b"
run "$d/outa" --lock "$d/lockfile" "$d/a/hook" &
pa=$!
until_true 10 test -s "$d/a/runs"
run "$d/outb" --lock "$d/lockfile" --lock-wait 1 "$d/b/hook"
same "lock: --lock-wait passed gives 503" "$(status < "$d/outb")" 503
same "lock: ... with Retry-After" "$(header "$d/outb" Retry-After)" 5
same "lock: ... and the hook did not run" "$(runs "$d/b")" 0
run "$d/outc" --lock "$d/lockfile" --lock-wait 10 --async "$d/b/hook" &
pc=$!
until_true 10 has202 "$d/outc"
same "lock: --async with the lock busy answers 202 before waiting" \
    "$(status < "$d/outc") $(ends "$d/a") $(runs "$d/b")" "202 0 0"
wait "$pa" "$pc"
same "lock: ... the first finished" "$(status < "$d/outa")" 200
check "lock: ... then the waiting hook ran" until_true 5 test -s "$d/b/ends"
# With --spool, a lock not had in time leaves the delivery in failed/.
rm -f "$d/b/runs" "$d/b/ends"
run "$d/outa" --lock "$d/lockfile" "$d/a/hook" &
pa=$!
until_true 10 runs_ge "$d/a" 2
run "$d/outb" --lock "$d/lockfile" --lock-wait 1 --spool "$d/sp" "$d/b/hook"
same "lock: --spool and --lock-wait passed: 202" "$(status < "$d/outb")" 202
same "lock: ... kept in failed/ as lock-wait" \
    "$(cat "$d"/sp/failed/*/reason 2>/dev/null | cut -d' ' -f2 | cut -d: -f1)" lock-wait
wait "$pa"
"$INHOOK" spool retry --spool "$d/sp" > /dev/null 2>>"$LOG"
same "lock: ... retry runs it once the lock is free" "$? $(runs "$d/b")" "0 1"

# --- --when -----------------------------------------------------------

d="$T/when"
mkhook "$d"
run "$d/out" --when STATUS=PASSED "$d/hook"
same "when: STATUS=PASSED holds: hook runs" "$(status < "$d/out") $(runs "$d")" "200 1"
run "$d/out" --when STATUS=FAILED "$d/hook"
same "when: STATUS=FAILED does not: 200 Filtered" "$(status < "$d/out") $(body "$d/out")" "200 Filtered"
same "when: ... and the hook did not run" "$(runs "$d")" 1
run "$d/out" --when 'RUNS_0_HOST_TAG~^amd64(-|$)' "$d/hook"
same "when: regex matches: hook runs" "$(body "$d/out") $(runs "$d")" "OK 2"
run "$d/out" --when 'RUNS_0_HOST_TAG~^arm' "$d/hook"
same "when: regex does not match: Filtered" "$(body "$d/out") $(runs "$d")" "Filtered 2"
run "$d/out" --when 'RUNS_0_HOST_TAG~partner' --when STATUS=FAILED "$d/hook"
same "when: all must hold" "$(body "$d/out") $(runs "$d")" "Filtered 2"
run "$d/out" --when 'RUNS_0_HOST_TAG~partner' --when STATUS=PASSED "$d/hook"
same "when: ... and when they do, it runs" "$(body "$d/out") $(runs "$d")" "OK 3"
run "$d/out" --when 'NO_SUCH_FIELD~.*' "$d/hook"
same "when: a variable not in the payload never holds" "$(body "$d/out") $(runs "$d")" "Filtered 3"
run "$d/out" --when 'STATUS=passed' "$d/hook"
same "when: = is exact (case included)" "$(body "$d/out")" "Filtered"
run "$d/out" --when 'BUILD_ID~^6[0-9]$' "$d/hook"
same "when: regex over a number's text" "$(body "$d/out")" "OK"
"$INHOOK" --when 'STATUS~(' --secret-file "$SECRET" "$d/hook" </dev/null >/dev/null 2>&1
same "when: a bad regex is a usage error" "$?" 100
"$INHOOK" --when 'status=x' --secret-file "$SECRET" "$d/hook" </dev/null >/dev/null 2>&1
same "when: a lower-case NAME is a usage error" "$?" 100
"$INHOOK" --when 'STATUS' --secret-file "$SECRET" "$d/hook" </dev/null >/dev/null 2>&1
same "when: no = or ~ is a usage error" "$?" 100

# --- --hook-timeout kills the whole process group ---------------------

d="$T/timeout"
mkdir -p "$d"
cat > "$d/hook" <<HOOK
#!/bin/sh
echo \$\$ > "$d/hook.pid"
sleep 60 &
echo \$! > "$d/child.pid"
sleep 60
HOOK
chmod 755 "$d/hook"
run "$d/out" --hook-timeout 1 "$d/hook"
same "hook-timeout: 504" "$(status < "$d/out")" 504
check "hook-timeout: the hook is gone" until_true 3 gone "$(cat "$d/hook.pid")"
check "hook-timeout: its background child too (process group)" until_true 3 gone "$(cat "$d/child.pid")"

# --- systemd/inhook-retry.service and .timer ---------------------------

SYS="$TOP/systemd"
if ! command -v systemd-analyze >/dev/null; then
	ok "retry units # skip systemd-analyze is not installed"
else
	u="$T/units"
	mkdir -p "$u" "$T/man/man8"
	sed "s|^ExecStart=/usr/local/bin/inhook |ExecStart=$INHOOK |" \
	    "$SYS/inhook-retry.service" > "$u/inhook-retry.service"
	cp "$SYS/inhook-retry.timer" "$u/"
	man=--man=no
	[ -f "$TOP/inhook.8" ] && cp "$TOP/inhook.8" "$T/man/man8/" && man=--man=yes
	MANPATH="$T/man" systemd-analyze verify "$man" "$u/inhook-retry.service" \
	    "$u/inhook-retry.timer" > "$T/verify.out" 2>&1
	same "retry units: systemd-analyze verify clean" "$? $(cat "$T/verify.out")" "0 "
	e=$(systemd-analyze security --offline=true "$SYS/inhook-retry.service" 2>/dev/null |
	    sed -n 's/^.*Overall exposure level for [^:]*: \([0-9][0-9.]*\) .*$/\1/p')
	echo "# exposure of inhook-retry.service: ${e:-?}"
	check "retry units: exposure ${e:-?} <= 1.0" awk -v a="${e:-9}" 'BEGIN { exit !(a + 0 <= 1.0) }'
	check "retry units: the timer repeats" grep -q '^OnUnitInactiveSec=' "$SYS/inhook-retry.timer"
	# ExecStart's command line, with the spool moved to $T, works.
	cmd=$(sed -n 's|^ExecStart=/usr/local/bin/inhook ||p' "$SYS/inhook-retry.service")
	same "retry units: ExecStart is spool retry" "$cmd" "spool retry --spool /var/lib/inhook/spool"
	d="$T/units-run"
	mkslow "$d/h"
	echo 1 > "$d/h/exit"
	run "$d/out" --spool "$d/sp" "$d/h/hook"
	rm "$d/h/exit"
	"$INHOOK" $(echo "$cmd" | sed "s|/var/lib/inhook/spool|$d/sp|") > /dev/null 2>>"$LOG"
	same "retry units: ... and delivers" "$? $(runs "$d/h") $(count "$d/sp/failed")" "0 2 0"
fi

exit 0

#!/bin/sh
# tests/hostile/run.sh: inhook started in a hostile process state, over a
# real TCP connection on 127.0.0.1. launch.c (compiled into $T at test
# time, as golden/run.sh does with its hook) accepts a connection from
# itself, starts inhook with that connection on its descriptors and the
# start the case asks for (signals ignored or blocked, fd 2 closed or the
# connection itself, stray descriptors, a tiny RLIMIT_NOFILE, an empty or
# polluted environment, umask 0, a --lock held by someone else), sends the
# signed JobServ sample build, reads the whole answer, closes, and waits
# for inhook, killing it at a deadline. Every wait is bounded.
#
# The hook is tests/golden/hook.c (it records its environment, argv,
# stdin, open descriptors, SigBlk and SigIgn), run through launch's hook
# wrapper, which first records where the hook's fds 1 and 2 lead and
# writes a line on each (they belong in inhook's log, never on the
# connection).
#
# What every start must give, from the README:
#   - the right status (200 for the good delivery; 202 with --async; 503
#     with Retry-After: 5 past --lock-wait; 403 for a bad signature), and
#     exactly one HTTP response on the wire, nothing before or after it
#     (no log line, no hook output: "nothing but HTTP is ever written to
#     the connection");
#   - inhook exiting 0 (an answer was written), promptly: within PROMPT_MS
#     of the start, well under --hook-timeout (HOOK_TIMEOUT s); a hook
#     that exits 0 is never a 504;
#   - the hook run exactly once (not at all for 403 and 503), with: stdin
#     the exact body; only fds 0, 1, 2 open; SigBlk and SigIgn all zero
#     ("default dispositions for every signal and an empty signal mask");
#     fds 1 and 2 not the connection ("stdout and stderr: inhook's log,
#     never the connection"); and exactly the environment the README
#     documents, built from nothing: PATH, the CGI names, INHOOK_SCHEME
#     and the WEBHOOK_ variables, all with inhook's values, nothing of the
#     launcher's (which sets look-alikes such as REQUEST_METHOD=GET,
#     WEBHOOK_BUILD_ID=666, INHOOK_EVENT, HOME, a PATH of its own);
#   - where the log is a file (--log-stderr, fd 2 a file): one request
#     line, with the status, and hook=exit:0 when the hook ran.
# Where the README is silent, the expectation is stated at the case.
. "$(dirname "$0")/../lib.sh"

G="$TOP/tests/golden"
H="$TOP/tests/hostile"
HOOK_TIMEOUT=3
PROMPT_MS=1500
LIMIT=8                       # launch kills inhook after this many seconds
IGN=CHLD,PIPE,TERM,ALRM,HUP,INT,QUIT,USR1,USR2
IGN_MASK=0000000000017a07     # SigIgn for $IGN
ALL_MASK=fffffffffffbfeff     # every signal but KILL and STOP (32, 33 too)
ZERO=0000000000000000
# The smallest RLIMIT_NOFILE at which a delivery must still succeed, fds
# 0-2 the connection and logging to syslog: 0-2, the body's memory file,
# the hook's exec-status pipe (2) and its output pipe (2) are open at once
# when the hook is forked: 8 descriptors. (With --log-stderr there is no
# output pipe and 6 were enough when this was written; with --spool,
# --dedupe and --lock, 13.) Below 8, a 500 is the honest answer.
NOFILE=8

# Under make check-sanitize the binary needs its sanitizer options, which
# the clean environments here would drop: hand them on (inhook does not
# pass them to the hook, so the environment checks still hold).
SANV=""
if [ -n "$INHOOK_SANITIZE" ]; then
	SANV="-V ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=0} -V UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1}"
fi

[ -x "$INHOOK" ] || { nok "hostile: $INHOOK is not built"; exit 1; }
${CC:-cc} -O2 -o "$T/hook" "$G/hook.c" || { nok "hostile: build the test hook"; exit 1; }
${CC:-cc} -O2 -Wall -o "$T/launch" "$H/launch.c" || { nok "hostile: build the launcher"; exit 1; }
rawpost "$SAMPLE" > "$T/good.req"
rawpost "$SAMPLE" "sha256:$(printf '%064d' 0)" > "$T/badsig.req"

# --- helpers -----------------------------------------------------------

# run NAME LAUNCH-OPTION... -- INHOOK-OPTION...: one delivery in $T/NAME.
# The hook is the wrapper, then hook.c, both recording into $T/NAME; its
# exit code is $CODE (default 0), the request $REQ (default the good one).
run() {
	D="$T/$1"
	shift
	mkdir -p "$D"
	_l=""
	while [ $# -gt 0 ] && [ "$1" != -- ]; do
		_l="$_l $1"
		shift
	done
	shift
	# shellcheck disable=SC2086 # word lists made here, without spaces
	"$T/launch" -o "$D" -r "${REQ:-$T/good.req}" -e "$D/log" -t "$LIMIT" \
	    $SANV $_l -- "$INHOOK" --hook-timeout "$HOOK_TIMEOUT" \
	    --secret-file "$SECRET" "$@" -- \
	    "$T/launch" --hook "$D" "$T/hook" "$D" ${CODE:-} 2>"$D/launch.err"
}

# val NAME KEY: a value from what launch recorded
val() { sed -n "s/^$2=//p" "$T/$1/result" 2>/dev/null; }
# ms NAME KEY: a time launch recorded, -1 when there is none
ms() { _v=$(val "$1" "$2"); case $_v in ''|*[!0-9]*) echo -1 ;; *) echo "$_v" ;; esac; }
runs_of() { runs "$T/$1"; }

# started_as NAME SIGIGN SIGBLK: the start was the hostile one asked for
started_as() {
	if [ -n "$(val "$1" error)" ] || [ ! -s "$T/$1/result" ]; then
		nok "$1: launched"
		echo "#   $(val "$1" error) $(cat "$T/$1/launch.err" 2>/dev/null)"
		return
	fi
	same "$1: launched with SigIgn/SigBlk" "$(val "$1" sigign) $(val "$1" sigblk)" "$2 $3"
}

# answered NAME STATUS [MAXMS]: the status, one response and nothing
# else on the wire, inhook exited 0 within MAXMS (default PROMPT_MS)
answered() {
	_r="$T/$1/response"
	same "$1: status" "$(status < "$_r" | tr -d '\r')" "$2"
	if [ "$(val "$1" one)" = 1 ] && [ "$(val "$1" eof)" = 1 ]; then
		ok "$1: exactly one HTTP response on the wire, then the close"
	else
		nok "$1: exactly one HTTP response on the wire, then the close"
		echo "#   eof=$(val "$1" eof) bytes=$(wc -c < "$_r" | tr -d ' ')"
		od -c "$_r" | head -30 | sed 's/^/#   /'
	fi
	same "$1: no log line or hook output on the wire" \
	    "$(grep -c -e 'inhook\[' -e 'hostile-hook' -e ' status=' "$_r")" 0
	_x=$(ms "$1" exit_ms)
	if [ "$(val "$1" exit)" = 0 ] && [ "$_x" -ge 0 ] && [ "$_x" -le "${3:-$PROMPT_MS}" ]; then
		ok "$1: inhook exited 0 within ${3:-$PROMPT_MS} ms"
	else
		nok "$1: inhook exited 0 within ${3:-$PROMPT_MS} ms"
		echo "#   exit=$(val "$1" exit) after ${_x} ms (answer after $(val "$1" answer_ms) ms)"
	fi
}

# hook_clean NAME [CODE]: the hook ran once, as the README says it runs
hook_clean() {
	_d="$T/$1"
	same "$1: hook ran once" "$(runs_of "$1")" 1
	# what the wrapper saw, even when hook.c did not get to run
	_c=$(val "$1" conn)
	_o=$(sed -n 1p "$_d/hookout" 2>/dev/null) _e=$(sed -n 2p "$_d/hookout" 2>/dev/null)
	if [ -n "$_o" ] && [ "$_o" != "$_c" ] && [ "$_o" != - ] &&
	    [ -n "$_e" ] && [ "$_e" != "$_c" ] && [ "$_e" != - ]; then
		ok "$1: hook stdout and stderr are open and not the connection"
	else
		nok "$1: hook stdout and stderr are open and not the connection"
		echo "#   connection $_c; hook fd 1 ${_o:-?}, fd 2 ${_e:-?}"
	fi
	[ -f "$_d/env" ] || { nok "$1: the hook recorded what it got"; return; }
	{ cat "$G/jobserv-sample.env"; echo REMOTE_ADDR=127.0.0.1
	  echo "REMOTE_PORT=$(val "$1" port)"; } | LC_ALL=C sort > "$_d/want.env"
	if LC_ALL=C sort "$_d/env" | cmp -s - "$_d/want.env"; then
		ok "$1: hook environment is exactly the documented one"
	else
		nok "$1: hook environment is exactly the documented one"
		LC_ALL=C sort "$_d/env" | diff "$_d/want.env" - | grep '^[<>]' | sed 's/^/#   /'
	fi
	check "$1: hook stdin is the body" cmp -s "$_d/stdin" "$SAMPLE"
	# shellcheck disable=SC2086 # $2 is an optional word
	same "$1: hook argv" "$(cat "$_d/args")" "$(printf '%s\n' "$_d" $2)"
	same "$1: hook descriptors" "$(sort -n "$_d/fds" | tr '\n' ' ')" "0 1 2 "
	same "$1: hook signal mask and ignored set" \
	    "$(tr -s '\t\n' '  ' < "$_d/sig")" "SigBlk: $ZERO SigIgn: $ZERO "
}

no_hook() { same "$1: hook did not run" "$(runs_of "$1")" 0; }

# logged NAME STATUS HOOK: the log file has one request line, with
# status=STATUS and hook=HOOK
logged() {
	_g="$T/$1/log"
	if [ "$(grep -c ' status=' "$_g")" = 1 ] &&
	    grep -q " status=$2 .*hook=$3 " "$_g"; then
		ok "$1: one log line, status=$2 hook=$3"
	else
		nok "$1: one log line, status=$2 hook=$3"
		grep -v '^hostile-hook' "$_g" | sed 's/^/#   /'
	fi
}

# good NAME SIGIGN SIGBLK STATUS LAUNCH... -- INHOOK...: a good delivery
good() {
	_n=$1 _i=$2 _b=$3 _s=$4
	shift 4
	run "$_n" "$@"
	started_as "$_n" "$_i" "$_b"
	answered "$_n" "$_s"
	hook_clean "$_n"
}

# --- signals -------------------------------------------------------------

good clean $ZERO $ZERO 200 -- --log-stderr
logged clean 200 exit:0

# Ignored dispositions survive execve. SIGCHLD ignored makes the kernel
# reap the hook by itself (waitpid fails with ECHILD); SIGPIPE, SIGTERM,
# SIGALRM... ignored must not reach the hook.
good ignored $IGN_MASK $ZERO 200 -i $IGN -- --log-stderr
logged ignored 200 exit:0

# Every signal ignored, the C library's own 32 and 33 included (a raw
# rt_sigaction in the parent; glibc's sigaction refuses them).
good ignored-all $ALL_MASK $ZERO 200 -i all -- --log-stderr
logged ignored-all 200 exit:0

# The mask survives execve too: every signal blocked.
good blocked $ZERO $ALL_MASK 200 -b -- --log-stderr
logged blocked 200 exit:0

good ignored+blocked $IGN_MASK $ALL_MASK 200 -i $IGN -b -- --log-stderr
logged ignored+blocked 200 exit:0

good ignored+blocked-lock $IGN_MASK $ALL_MASK 200 -i $IGN -b -- \
    --log-stderr --lock "$T/free.lock" --lock-wait 1
logged ignored+blocked-lock 200 exit:0

# --- --lock busy: 503 after --lock-wait, not a hang --------------------
# launch holds the lock for 3 s; --lock-wait 1 must answer 503 with
# Retry-After: 5 after about 1 s (at least 900 ms, well before the 3 s),
# the hook not run. The wait must not depend on SIGALRM's disposition or
# its being deliverable (ignored: lock-busy-ignored; blocked:
# lock-busy-blocked).
lockbusy() {
	_n=$1 _i=$2 _b=$3
	shift 3
	run "$_n" -L "$T/$_n.lock" -H 3 "$@" -- --log-stderr \
	    --lock "$T/$_n.lock" --lock-wait 1
	started_as "$_n" "$_i" "$_b"
	answered "$_n" 503 2500
	same "$_n: Retry-After: 5" \
	    "$(sed -n 's/^Retry-After: \([0-9]*\)\r$/\1/p' "$T/$_n/response")" 5
	_a=$(ms "$_n" answer_ms)
	if [ "$_a" -ge 900 ] && [ "$_a" -le 2500 ]; then
		ok "$_n: 503 after about --lock-wait (900-2500 ms)"
	else
		nok "$_n: 503 after about --lock-wait (900-2500 ms)"
		echo "#   answered after $_a ms"
	fi
	no_hook "$_n"
	logged "$_n" 503 -
}
lockbusy lock-busy $ZERO $ZERO
lockbusy lock-busy-ignored $IGN_MASK $ZERO -i $IGN
lockbusy lock-busy-blocked $ZERO $ALL_MASK -b

# --- --async -------------------------------------------------------------
# 202 once the hook started; inhook supervises it to its end and logs
# status=202 hook=exit:0, still promptly.
good async-ignored+blocked $IGN_MASK $ALL_MASK 202 -i $IGN -b -- --log-stderr --async
logged async-ignored+blocked 202 exit:0

# --async with the lock busy: the 202 comes before the wait (README), the
# wait gives up after --lock-wait (1 s; launch holds the lock 3 s) and the
# delivery is only logged: the hook never runs, inhook ends by ~1 s.
n=async-lock-busy-blocked
run $n -L "$T/$n.lock" -H 3 -i $IGN -b -- --log-stderr --async \
    --lock "$T/$n.lock" --lock-wait 1
started_as $n $IGN_MASK $ALL_MASK
answered $n 202 2500
a=$(ms $n answer_ms)
if [ "$a" -ge 0 ] && [ "$a" -lt 900 ]; then
	ok "$n: 202 before the lock wait"
else
	nok "$n: 202 before the lock wait"; echo "#   answered after $a ms"
fi
no_hook $n
logged $n 202 -

# --- descriptors -----------------------------------------------------------
# inetd/xinetd: 0, 1 and 2 all the connection. Without --log-stderr inhook
# logs to syslog. With --log-stderr while fd 2 is the connection, the
# README's "nothing but HTTP is ever written to the connection" wins:
# still no log line on the wire (expectation: the log is dropped or goes
# to syslog; the README does not say which), and the hook's stdout and
# stderr are not the connection either.
good inetd $ZERO $ZERO 200 -f 012 --
good inetd-log-stderr $ZERO $ZERO 200 -f 012 -- --log-stderr
good inetd-async $ZERO $ZERO 202 -f 012 -- --async
good inetd-log-stderr-async $ZERO $ZERO 202 -f 012 -- --log-stderr --async

# Only the connection open: on 0 and 1, fd 2 closed. A file inhook opens
# must not land on fd 2 and receive log lines: with --log-stderr and
# --lock, the lock file stays empty.
good fd2-closed $ZERO $ZERO 200 -f 01 --
good fd2-closed-log-stderr-lock $ZERO $ZERO 200 -f 01 -- --log-stderr \
    --lock "$T/fd2.lock"
same "fd2-closed-log-stderr-lock: nothing written into the lock file" \
    "$(wc -c < "$T/fd2.lock" | tr -d ' ')" 0

# Stray descriptors inherited without close-on-exec (the listening socket
# on 3, /dev/null on 9 and 63), fd 2 closed: the hook gets 0-2 only.
good stray-fds $ZERO $ZERO 200 -f 01 -x -- --log-stderr

# --- limits, environment, umask ------------------------------------------
good nofile-$NOFILE $ZERO $ZERO 200 -f 012 -n $NOFILE --
good nofile-$NOFILE-async $ZERO $ZERO 202 -f 012 -n $NOFILE -- --async

# envp = { NULL } (only the sanitizer's options under check-sanitize)
good empty-env $ZERO $ZERO 200 -E -- --log-stderr
logged empty-env 200 exit:0

# umask 0. What inhook creates is never group- or other-writable: the
# README gives 0700 for the spool and its tmp/, new/, failed/, 0600 for a
# --lock file it creates; for --dedupe DIR and its claim files it says
# nothing, so the expectation is the same: no write bit for group or
# other. (The hook inherits the umask as the supervisor set it, like
# systemd's UMask=; the README does not say otherwise, so it is not
# checked here.)
# modes PATH...: the octal mode of each PATH, or "missing"
modes() { for _p in "$@"; do stat -c %a "$_p" 2>/dev/null || echo missing; done | tr '\n' ' '; }
# not_shared NAME PATH...: nothing at or under PATH has a write bit for
# group or other
not_shared() {
	_n=$1
	shift
	same "$_n: nothing created is group- or other-writable" \
	    "$(find "$@" -perm /022 2>/dev/null)" ""
}
good umask0 $ZERO $ZERO 200 -u 0 -- --log-stderr --spool "$T/u.spool" \
    --dedupe "$T/u.dedupe" --lock "$T/u.lock"
logged umask0 200 exit:0
same "umask0: spool, tmp/, new/, failed/ are 0700; the lock file 0600" \
    "$(modes "$T/u.spool" "$T/u.spool/tmp" "$T/u.spool/new" "$T/u.spool/failed" "$T/u.lock")" \
    "700 700 700 700 600 "
same "umask0: one dedupe claim kept" \
    "$(find "$T/u.dedupe" -type f ! -name '.*' | wc -l | tr -d ' ')" 1
not_shared umask0 "$T/u.spool" "$T/u.dedupe" "$T/u.lock"

# The same with a hook that exits 3: the spooled entry stays in failed/
# and 202 is the answer; its files (body, argv, env, opts, reason) are
# not group- or other-writable either.
n=umask0-spool-failed
CODE=3
run $n -u 0 -- --log-stderr --spool "$T/f.spool"
CODE=
started_as $n $ZERO $ZERO
answered $n 202
hook_clean $n 3
logged $n 202 exit:3
same "$n: one entry in failed/" \
    "$(find "$T/f.spool/failed" -mindepth 1 -maxdepth 1 | wc -l | tr -d ' ')" 1
same "$n: the entry has body, argv, env, opts, reason" \
    "$(find "$T/f.spool/failed" -mindepth 2 -maxdepth 2 -printf '%f\n' | LC_ALL=C sort | tr '\n' ' ')" \
    "argv body env opts reason "
not_shared "$n" "$T/f.spool"

# --- everything at once --------------------------------------------------
# Every signal ignored and blocked, 0-2 the connection, envp empty, umask
# 0, RLIMIT_NOFILE $NOFILE, syslog.
ALL="-i all -b -f 012 -E -u 0 -n $NOFILE"
# shellcheck disable=SC2086
good everything $ALL_MASK $ALL_MASK 200 $ALL --
n=everything-bad-signature
REQ="$T/badsig.req"
# shellcheck disable=SC2086
run $n $ALL --
REQ=
started_as $n $ALL_MASK $ALL_MASK
answered $n 403
no_hook $n


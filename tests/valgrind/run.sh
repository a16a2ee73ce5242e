#!/bin/sh
# tests/valgrind/run.sh: inhook under valgrind's memcheck, in pipe mode,
# over every golden request (tests/golden/NAME.req, with NAME.hook's command
# line when there is one) and a few more that the golden set does not
# answer: 403, 400, 422, a failing hook, and the --spool, --dedupe, --lock
# and --async paths. Each run must:
#   - answer the expected status and exit 0;
#   - have no memcheck error (--error-exitcode) and no definite, indirect
#     or possible leak;
#   - leave no descriptor of its own open at exit (--track-fds=yes).
#     Legitimate at exit: what inhook inherited (fd 2, the log, stays open
#     on purpose; fds 0 and 1 are closed by the staged close; descriptors
#     the caller leaked into it are not inhook's). Any descriptor valgrind
#     shows with a stack, that is, opened by inhook, fails the case.
# The hook itself runs natively (valgrind does not follow execve), and the
# forked child is silent until its execve. Then every golden request again
# through a pipe in 1-, 7- and 100-byte pieces (split.sh). Skipped without
# valgrind and under make check-sanitize (an ASan binary cannot run under
# valgrind).
. "$(dirname "$0")/../lib.sh"
G="$TOP/tests/golden"

if ! command -v valgrind >/dev/null; then
	ok "valgrind: inhook clean under memcheck # skip valgrind not installed"
	exit 0
fi
if [ -n "$INHOOK_SANITIZE" ]; then
	ok "valgrind: inhook clean under memcheck # skip the binary is built with ASan"
	exit 0
fi
HOOK="$T/hook"
if ! ${CC:-cc} -O2 -o "$HOOK" "$G/hook.c"; then
	nok "valgrind: build the test hook"
	exit 1
fi
cp "$HOOK" "$T/noexec-hook"
chmod 644 "$T/noexec-hook"
VG="valgrind --tool=memcheck --error-exitcode=99 --track-fds=yes \
 --leak-check=full --errors-for-leak-kinds=definite,indirect,possible \
 --child-silent-after-fork=yes"

# vgcase NAME WANT REQFILE INHOOK-ARGS...: one run, four checks
vgcase() {
	_n=$1 _want=$2 _req=$3
	shift 3
	_d="$T/vg-$_n"
	mkdir -p "$_d"
	$VG --log-file="$_d/vg.log" "$INHOOK" --log-stderr --secret-file "$SECRET" \
	    "$@" < "$_req" > "$_d/response" 2> "$_d/log"
	_rc=$?
	_got=$(status < "$_d/response")
	if [ "$_rc" -eq 0 ] && [ "$_got" = "$_want" ]; then
		ok "valgrind $_n: answers $_want"
	else
		nok "valgrind $_n: answers $_want (got ${_got:-nothing}, exit $_rc)"
		grep -v '^==[0-9]*== *$' "$_d/vg.log" | head -n 30 | sed 's/^/#   /'
		return
	fi
	if grep -q 'ERROR SUMMARY: 0 errors' "$_d/vg.log"; then
		ok "valgrind $_n: no memory errors"
	else
		nok "valgrind $_n: no memory errors"
		grep -v '^==[0-9]*== *$' "$_d/vg.log" | head -n 40 | sed 's/^/#   /'
	fi
	if grep -q 'definitely lost: [1-9]\|indirectly lost: [1-9]\|possibly lost: [1-9]' "$_d/vg.log"; then
		nok "valgrind $_n: no leaks"
		grep 'lost:' "$_d/vg.log" | sed 's/^/#   /'
	else
		ok "valgrind $_n: no leaks"
	fi
	# an "Open file descriptor N" block whose next line is a stack frame
	_own=$(awk '/Open file descriptor/ { fd = $0; getline;
	    if ($0 !~ /inherited from parent/) print fd }' "$_d/vg.log")
	if grep -q 'FILE DESCRIPTORS:' "$_d/vg.log" && [ -z "$_own" ]; then
		ok "valgrind $_n: no descriptor of its own open at exit"
	else
		nok "valgrind $_n: no descriptor of its own open at exit"
		echo "$_own" | sed 's/^==[0-9]*== /#   /'
	fi
}

# every golden request, with its hook command line
for req in "$G"/*.req; do
	[ -f "$req" ] || continue
	n=$(basename "$req" .req)
	out="$T/out-$n"
	mkdir -p "$out"
	if [ -f "$G/$n.hook" ]; then
		cmd=$(sed -e "s|@HOOK@|$HOOK|g" -e "s|@OUT@|$out|g" -e "s|@T@|$T|g" "$G/$n.hook")
	else
		cmd="$HOOK $out"
	fi
	# shellcheck disable=SC2086 # cmd is a word list made here
	vgcase "golden-$n" "$(cat "$G/$n.status")" "$req" $cmd
done

# what the golden set does not answer
printf '{"build_id":67,"status":"PASSED","runs":[{"name":"a"}]}' > "$T/ok.json"
printf '{"a":1,"a":2}' > "$T/dup.json"
rawpost "$T/ok.json" > "$T/ok.req"
rawpost "$T/ok.json" "sha256:$(printf '%064d' 0)" > "$T/wrongsig.req"
rawpost "$T/dup.json" > "$T/dup.req"
printf 'POST /webhook HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\nContent-Length: 5\r\n\r\nhello' > "$T/smuggle.req"
mkdir -p "$T/o1" "$T/o2" "$T/o3" "$T/o4" "$T/o5" "$T/o6" "$T/spool" "$T/dedupe"
vgcase wrong-signature 403 "$T/wrongsig.req" "$HOOK" "$T/o1"
vgcase cl-and-te 400 "$T/smuggle.req" "$HOOK" "$T/o2"
vgcase duplicate-keys 422 "$T/dup.req" "$HOOK" "$T/o3"
vgcase hook-fails 500 "$T/ok.req" "$HOOK" "$T/o4" 1
vgcase spool 200 "$T/ok.req" --spool "$T/spool" "$HOOK" "$T/o5"
vgcase dedupe-first 200 "$T/ok.req" --dedupe "$T/dedupe" "$HOOK" "$T/o6"
vgcase dedupe-repeat 200 "$T/ok.req" --dedupe "$T/dedupe" "$HOOK" "$T/o6"
same "valgrind dedupe: the hook ran once for two deliveries" "$(runs "$T/o6")" 1
vgcase lock 200 "$T/ok.req" --lock "$T/lockfile" "$HOOK" "$T/o5"
vgcase async 202 "$T/ok.req" --async "$HOOK" "$T/o1"

# every golden request again, in split reads (tests/valgrind/split.sh)
. "$TOP/tests/valgrind/split.sh"

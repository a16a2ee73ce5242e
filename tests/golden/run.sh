#!/bin/sh
# tests/golden/run.sh: raw request files through the real binary in pipe
# mode (request on stdin, response on stdout, log on stderr with
# --log-stderr), comparing the whole response and what the hook received.
#
# A case NAME is a set of files here:
#   NAME.req     the raw request, byte for byte (CRLFs included; .gitattributes
#                keeps git from touching them)
#   NAME.status  the status code expected
#   NAME.resp    the whole response expected, byte for byte, with the value
#                of the Date field written "*" (the run checks its format)
#   NAME.env     present when the hook must run (exactly once): its whole
#                environment as hook.c records it, sorted with LC_ALL=C.
#                Absent: the hook must not run.
#   NAME.stdin   the hook's stdin when it is not the bytes after the head
#                (a chunked body)
#   NAME.hook    the hook command line when not "@HOOK@ @OUT@"; @HOOK@ is
#                hook.c built into $T, @OUT@ the case's output directory,
#                @T@ the temp dir
# Signatures are stored literally in the .req files: X-JobServ-Sig is the
# HMAC-SHA256, with the secret of tests/lib.sh (UseSomethingGoodHere), of
# the body as decoded. To add a case, write its .req and get the value with
# `./inhook sign --secret-file FILE BODYFILE`; write the expected files by
# hand from the spec, never from the binary's output.
#
# hook.c is compiled at test time so the hook adds nothing of its own to
# the environment it reports (a shell would add PWD, SHLVL, _). Besides the
# environment it records argv, stdin, the open descriptors and the signal
# mask, all checked here for every case where the hook runs.
. "$(dirname "$0")/../lib.sh"
G="$TOP/tests/golden"
CR=$(printf '\r')
HOOK="$T/hook"

if [ ! -x "$INHOOK" ]; then
	nok "$(basename "$(dirname "$0")"): $INHOOK is not built"
	exit 1
fi
if ! ${CC:-cc} -O2 -o "$HOOK" "$G/hook.c"; then
	nok "golden: build the test hook"
	exit 1
fi
cp "$HOOK" "$T/noexec-hook"
chmod 644 "$T/noexec-hook"

# the response on stdin with a well-formed Date value replaced by "*"
datemask() {
	sed "s/^Date: [A-Z][a-z][a-z], [0-3][0-9] [A-Z][a-z][a-z] [0-9][0-9][0-9][0-9] [0-2][0-9]:[0-5][0-9]:[0-6][0-9] GMT$CR\$/Date: *$CR/"
}

# the bytes of file $1 after its first empty line
body_of() {
	/usr/bin/python3 -c 'import sys
d = open(sys.argv[1], "rb").read()
sys.stdout.buffer.write(d[d.index(b"\r\n\r\n") + 4:])' "$1"
}

for req in "$G"/*.req; do
	n=$(basename "$req" .req)
	out="$T/$n"
	mkdir "$out"
	want=$(cat "$G/$n.status")
	if [ -f "$G/$n.hook" ]; then
		cmd=$(sed -e "s|@HOOK@|$HOOK|g" -e "s|@OUT@|$out|g" -e "s|@T@|$T|g" "$G/$n.hook")
	else
		cmd="$HOOK $out"
	fi
	# shellcheck disable=SC2086 # cmd is a word list made here
	"$INHOOK" --log-stderr --secret-file "$SECRET" $cmd \
	    < "$req" > "$out/response" 2> "$out/log"
	rc=$?
	same "golden $n: exit status" "$rc" 0
	same "golden $n: status" "$(status < "$out/response")" "$want"
	datemask < "$out/response" > "$out/response.masked"
	if cmp -s "$out/response.masked" "$G/$n.resp"; then
		ok "golden $n: response"
	else
		nok "golden $n: response"
		od -c "$out/response" | sed 's/^/#   /' | head -20
	fi
	# exactly one log line, on stderr, that names the status
	lines=$(grep -c '' < "$out/log")
	if [ "$lines" = 1 ] && grep -q " status=$want " "$out/log"; then
		ok "golden $n: one log line"
	else
		nok "golden $n: one log line"
		sed 's/^/#   /' "$out/log"
	fi
	if [ ! -f "$G/$n.env" ]; then
		same "golden $n: hook not run" "$(runs "$out")" 0
		continue
	fi
	same "golden $n: hook ran once" "$(runs "$out")" 1
	if [ -f "$out/env" ] && LC_ALL=C sort "$out/env" | cmp -s - "$G/$n.env"; then
		ok "golden $n: environment"
	else
		nok "golden $n: environment"
		[ -f "$out/env" ] && LC_ALL=C sort "$out/env" | diff "$G/$n.env" - | sed 's/^/#   /'
	fi
	if [ -f "$G/$n.stdin" ]; then
		cp "$G/$n.stdin" "$out/want.stdin"
	else
		body_of "$req" > "$out/want.stdin"
	fi
	check "golden $n: stdin is the body" cmp -s "$out/stdin" "$out/want.stdin"
	same "golden $n: argv" "$(cat "$out/argv0" "$out/args" 2>/dev/null)" \
	    "$(printf '%s\n' $cmd)"
	same "golden $n: descriptors" "$(cat "$out/fds" 2>/dev/null | tr '\n' ' ')" "0 1 2 "
	same "golden $n: signals" "$(cat "$out/sig" 2>/dev/null | tr '\t\n' '  ')" \
	    "SigBlk: 0000000000000000 SigIgn: 0000000000000000 "
done

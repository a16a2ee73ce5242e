# tests/lib.sh: shared by the shell suites. Source it; it sets
#   TOP      the tree's top         INHOOK  the binary under test
#   T        a private temp dir (removed on exit)
#   SECRET   a secret file ($T/secret, "UseSomethingGoodHere" plus newline)
#   SAMPLE   the JobServ sample build report (tests/data/jobserv-build.json)
# and the helpers below. Every suite prints "ok - NAME" / "not ok - NAME".
TOP=$(cd "$(dirname "$0")/.." && pwd)
case "$TOP" in */tests) TOP=${TOP%/tests} ;; esac
INHOOK="${INHOOK:-$TOP/inhook}"
SAMPLE="$TOP/tests/data/jobserv-build.json"
T=$(mktemp -d /tmp/inhook-test.XXXXXX)
chmod 755 "$T"
trap 'rm -rf "$T"' EXIT
SECRET="$T/secret"
echo UseSomethingGoodHere > "$SECRET"
chmod 600 "$SECRET"

ok() { echo "ok - $*"; }
nok() { echo "not ok - $*"; }

# check NAME COMMAND...: ok when COMMAND succeeds
check() { _n=$1; shift; if "$@"; then ok "$_n"; else nok "$_n"; fi; }

# same NAME GOT WANT: ok when equal, else shows both
same() {
	if [ "$2" = "$3" ]; then ok "$1"; else nok "$1"; echo "#   got:  $2"; echo "#   want: $3"; fi
}

# sign FILE: prints the X-JobServ-Sig value for FILE with $SECRET
sign() { "$INHOOK" sign --secret-file "$SECRET" "$1"; }

# rawpost FILE [SIG] [PATH]: prints a complete raw POST of FILE
rawpost() {
	_sig=${2-$(sign "$1")}
	printf 'POST %s HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nX-JobServ-Sig: %s\r\nContent-Length: %d\r\n\r\n' \
	    "${3:-/webhook}" "$_sig" "$(wc -c < "$1")"
	cat "$1"
}

# status: the status code from the first line of a response on stdin
status() { head -n 1 | cut -d' ' -f2; }

# A hook that records its environment, stdin, arguments and run count in $1.
# Exits with the code in $1/exit if present.
mkhook() {
	mkdir -p "$1"
	cat > "$1/hook" <<HOOK
#!/bin/sh
d="$1"
env | LC_ALL=C sort > "\$d/env"
cat > "\$d/stdin"
printf '%s\n' "\$@" > "\$d/args"
echo run >> "\$d/runs"
[ -f "\$d/sleep" ] && sleep "\$(cat "\$d/sleep")"
[ -f "\$d/exit" ] && exit "\$(cat "\$d/exit")"
exit 0
HOOK
	chmod 755 "$1/hook"
}

# runs DIR: how many times the hook in DIR ran
runs() { if [ -f "$1/runs" ]; then wc -l < "$1/runs" | tr -d ' '; else echo 0; fi; }

# listening PORT: true when something listens on 127.0.0.1:PORT
listening() {
	_hex=$(printf '0100007F:%04X' "$1")
	awk -v a="$_hex" '$2 == a && $4 == "0A" { f = 1 } END { exit !f }' /proc/net/tcp
}

# wait_for COMMAND...: runs COMMAND every 0.05 s until it succeeds, 10 s at most
wait_for() {
	_i=0
	while ! "$@"; do
		_i=$((_i + 1))
		[ "$_i" -ge 200 ] && return 1
		sleep 0.05
	done
}

# Servers a suite starts go in PIDS; stop_pids ends them (TERM, then waits).
PIDS=""
stop_pids() {
	for _p in $PIDS; do kill "$_p" 2>/dev/null; done
	for _p in $PIDS; do wait "$_p" 2>/dev/null; done
	return 0        # a killed child's 143 is not the suite's status
}

# Under make check-sanitize the binary needs its sanitizer options, which a
# clean environment would drop: SANENV hands them on (inhook does not pass
# them to the hook, so environment checks still hold).
SANENV=""
[ -n "$INHOOK_SANITIZE" ] &&
    SANENV="ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=0} UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1}"

# start_listener NAME ARGS...: starts inhook ARGS (a listener) in the background with
# its stderr in $T/NAME.log; sets LPID, and PORT to the first port it
# listens on (from its "listening on" line: --listen ADDR:0 works)
start_listener() {
	_n=$1; shift
	: > "$T/$_n.log"
	env $SANENV "$INHOOK" "$@" 2> "$T/$_n.log" &
	LPID=$!
	PIDS="$PIDS $LPID"
	wait_for grep -q 'listening on' "$T/$_n.log" || { cat "$T/$_n.log"; return 1; }
	PORT=$(sed -n 's/.*listening on .*:\([0-9]*\)$/\1/p' "$T/$_n.log" | head -n 1)
}

# golden_with NAME BIN: the golden suite (tests/golden) run with BIN as the
# binary under test, as one check: ok with its count, or the first
# failures.
golden_with() {
	_g="$T/golden-$(echo "$1" | tr -c 'A-Za-z0-9\n' _)"
	INHOOK="$2" timeout 300 sh "$TOP/tests/golden/run.sh" > "$_g" 2>&1
	_gok=$(grep -c '^ok ' "$_g") _gnok=$(grep -c '^not ok ' "$_g")
	if [ "$_gnok" -eq 0 ] && [ "$_gok" -gt 100 ]; then
		ok "$1: the golden suite passes ($_gok checks)"
	else
		nok "$1: the golden suite passes ($_gnok of $((_gok + _gnok)) fail)"
		grep -v '^ok ' "$_g" | head -n 10 | sed 's/^/#   /'
	fi
}

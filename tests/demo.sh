#!/bin/sh
# tests/demo.sh: what "make demo" runs. Starts inhook under
# systemd-socket-activate on a free port of 127.0.0.1 with the example secret
# of JobServ's webhook docs and the example hook tests/demo-hook.sh,
# delivers the sample build report signed with that secret (curl), shows the
# status, what the hook received and inhook's log line, stops. Exits 0 when
# the answer was 200.
. "$(dirname "$0")/lib.sh"

PID=""
cleanup() {
	[ -n "$PID" ] && kill "$PID" 2>/dev/null && wait "$PID" 2>/dev/null
	rm -rf "$T"
}
trap cleanup EXIT
trap 'exit 1' INT TERM HUP PIPE

die() { echo "demo: $*" >&2; exit 1; }

for t in systemd-socket-activate curl python3; do
	command -v "$t" >/dev/null || die "$t is missing (make deps installs it, as root)"
done
[ -x "$INHOOK" ] || die "$INHOOK is not built (make)"

port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
hex=$(printf '0100007F:%04X' "$port")
cp "$TOP/tests/demo-hook.sh" "$T/hook"
chmod 755 "$T/hook"

systemd-socket-activate --inetd --accept -l "127.0.0.1:$port" \
    "$INHOOK" --log-stderr --secret-file "$SECRET" -- "$T/hook" "$T/received" \
    2>"$T/log" &
PID=$!
i=0
until awk -v a="$hex" '$2 == a && $4 == "0A" { f = 1 } END { exit !f }' /proc/net/tcp; do
	i=$((i + 1))
	[ "$i" -le 100 ] || die "systemd-socket-activate did not start: $(cat "$T/log")"
	sleep 0.05
done

url="http://127.0.0.1:$port/webhook"
sig=$(sign "$SAMPLE")
cat <<EOF
inhook demo
  inhook runs under: systemd-socket-activate --inetd --accept -l 127.0.0.1:$port
  secret:            $(cat "$SECRET") (the example of JobServ's webhook docs)
  hook:              tests/demo-hook.sh
  delivering:        tests/data/jobserv-build.json ($(wc -c < "$SAMPLE" | tr -d ' ') bytes) to $url
  X-JobServ-Sig:     $sig

  curl -H 'Content-Type: application/json' -H 'X-JobServ-Sig: ...' --data-binary @tests/data/jobserv-build.json $url
EOF
code=$(curl -sS --max-time 30 -o "$T/body" -w '%{http_code}' \
    -H 'Content-Type: application/json' -H "X-JobServ-Sig: $sig" \
    --data-binary @"$SAMPLE" "$url") || code=000
echo
echo "HTTP status: $code $(cat "$T/body" 2>/dev/null)"
echo
if [ -s "$T/received" ]; then
	echo "The hook received:"
	sed 's/^/  /' "$T/received"
else
	echo "The hook did not run."
fi
kill "$PID" 2>/dev/null
wait "$PID" 2>/dev/null
PID=""
echo
echo "inhook's log (stderr here; the journal under systemd, syslog under xinetd):"
grep -v -E '^(Listening on|Communication attempt|Connection from|Spawned|Execing|Child [0-9]+ died)' \
    "$T/log" | sed 's/^/  /'
echo
if [ "$code" = 200 ]; then
	echo "Done: delivered, verified, hook ran, 200."
	exit 0
fi
echo "Failed: expected 200, got $code."
exit 1

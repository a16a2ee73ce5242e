#!/bin/sh
# tests/units/run.sh: the shipped supervisor files.
#   systemd: "systemd-analyze verify" clean (no output at all) for the socket
#   and the service, alone and with the network drop-in, on copies whose
#   ExecStart names the built binary (the installed path need not exist);
#   "systemd-analyze security --offline=true" exposure at most 1.0 for the
#   default service and at most 2.0 with the drop-in; the settings the
#   design relies on are present; ExecStart's command line works with the
#   credential that LoadCredential= provides.
#   xinetd: the stanza has what a webhook needs and nothing that would put
#   a log line on the connection.
# Nothing is installed; everything happens in $T.
. "$(dirname "$0")/../lib.sh"

MAX_EXPOSURE=1.0      # issue 5's bound for the default unit
MAX_EXPOSURE_NET=2.0  # with inhook-network.conf
SYS="$TOP/systemd"
XI="$TOP/xinetd/inhook"

# has FILE REGEX...: every REGEX matches a line of FILE
has() {
	_f=$1
	shift
	for _r in "$@"; do
		grep -Eq "$_r" "$_f" || { echo "#   $(basename "$_f"): no line matches $_r"; return 1; }
	done
}
hasnt() { ! grep -Eq "$2" "$1"; }

# exposure UNITFILE: the overall exposure as a number, or nothing
exposure() {
	systemd-analyze security --offline=true "$1" 2>"$T/security.err" |
	    sed -n 's/^.*Overall exposure level for [^:]*: \([0-9][0-9.]*\) .*$/\1/p'
}

# le A B: A <= B as decimal numbers
le() { awk -v a="$1" -v b="$2" 'BEGIN { exit !(a + 0 <= b + 0) }'; }

# --- static checks: what the design relies on ------------------------------

check "socket: Accept=yes, MaxConnections, MaxConnectionsPerSource" \
    has "$SYS/inhook.socket" '^ListenStream=' '^Accept=yes$' \
    '^MaxConnections=[1-9]' '^MaxConnectionsPerSource=[1-9]'
check "socket: trigger limit disabled (a tripped one fails the socket in systemd 252)" \
    has "$SYS/inhook.socket" '^(TriggerLimitIntervalSec=0|TriggerLimitBurst=0)$'
check "service: connection on stdin/stdout, log to the journal with --log-stderr" \
    has "$SYS/inhook@.service" '^StandardInput=socket$' '^StandardOutput=socket$' \
    '^StandardError=journal$' '^ExecStart=/usr/local/bin/inhook .*--log-stderr'
check "service: secret by LoadCredential=, named in --secret-file" \
    has "$SYS/inhook@.service" '^LoadCredential=webhook-secret:/' \
    '^ExecStart=.* --secret-file webhook-secret '
check "service: DynamicUser=yes" has "$SYS/inhook@.service" '^DynamicUser=yes$'
check "network drop-in: a [Service] section that opens the network" \
    has "$SYS/inhook-network.conf" '^\[Service\]$' '^PrivateNetwork=no$'
check "xinetd: UNLISTED, explicit port, stream/tcp, wait = no" \
    has "$XI" '^[[:space:]]*type[[:space:]]*=[[:space:]]*UNLISTED$' \
    '^[[:space:]]*port[[:space:]]*=[[:space:]]*[0-9]+$' \
    '^[[:space:]]*socket_type[[:space:]]*=[[:space:]]*stream$' \
    '^[[:space:]]*protocol[[:space:]]*=[[:space:]]*tcp$' \
    '^[[:space:]]*wait[[:space:]]*=[[:space:]]*no$'
check "xinetd: user, server, server_args, passenv empty" \
    has "$XI" '^[[:space:]]*user[[:space:]]*=[[:space:]]*[a-z]' \
    '^[[:space:]]*server[[:space:]]*=[[:space:]]*/usr/local/bin/inhook$' \
    '^[[:space:]]*server_args[[:space:]]*=.*--secret-file ' \
    '^[[:space:]]*passenv[[:space:]]*=$'
check "xinetd: instances, per_source, cps" \
    has "$XI" '^[[:space:]]*instances[[:space:]]*=[[:space:]]*[1-9]' \
    '^[[:space:]]*per_source[[:space:]]*=[[:space:]]*[1-9]' \
    '^[[:space:]]*cps[[:space:]]*=[[:space:]]*[1-9][0-9]* [1-9]'
check "xinetd: no --log-stderr (stderr is the connection there)" \
    hasnt "$XI" '^[^#]*--log-stderr'

# --- ExecStart works with the credential LoadCredential= gives ---------------

if [ -x "$INHOOK" ]; then
	# ExecStart's arguments, the hook path replaced by a missing one in $T
	args=$(sed -n 's/^ExecStart=[^ ]* //p' "$SYS/inhook@.service" |
	    sed "s| /usr/local/lib/inhook/hook| $T/no-such-hook|")
	mkdir -p "$T/creds"
	cp "$SECRET" "$T/creds/webhook-secret"
	# shellcheck disable=SC2086
	rawpost "$SAMPLE" | CREDENTIALS_DIRECTORY="$T/creds" "$INHOOK" $args \
	    > "$T/out" 2> "$T/log"
	# 500 because the hook is missing; the log shows the signature held
	same "service: ExecStart answers with the credential" "$(status < "$T/out")" 500
	check "service: ExecStart verified with the credential, logged to stderr" \
	    grep -q 'status=500 .*hook=not-started' "$T/log"
else
	nok "inhook is built ($INHOOK)"
fi

# --- systemd-analyze ---------------------------------------------------------

if ! command -v systemd-analyze >/dev/null; then
	ok "systemd-analyze verify # skip systemd-analyze is not installed"
	ok "systemd-analyze security # skip systemd-analyze is not installed"
	exit 0
fi

# Copies whose ExecStart is the built binary: verify checks that it exists.
u="$T/units"
mkdir -p "$u"
for f in inhook.socket inhook@.service; do
	sed "s|^ExecStart=/usr/local/bin/inhook |ExecStart=$INHOOK |" "$SYS/$f" > "$u/$f"
done
same "verify: the copy's ExecStart is the built binary" \
    "$(grep -c "^ExecStart=$INHOOK " "$u/inhook@.service")" 1
# Documentation=man:inhook(8): verify runs man(1) on it. Point MANPATH at
# the tree's page when there is one, else skip that part of the check.
man=--man=no
if [ -f "$TOP/inhook.8" ]; then
	mkdir -p "$T/man/man8"
	cp "$TOP/inhook.8" "$T/man/man8/"
	man=--man=yes
fi
MANPATH="$T/man" systemd-analyze verify "$man" "$u/inhook.socket" \
    "$u/inhook@.service" > "$T/verify.out" 2>&1
rc=$?
same "verify: socket and service clean (exit status)" "$rc" 0
same "verify: socket and service clean (no output)" "$(cat "$T/verify.out")" ""
[ "$man" = --man=no ] && ok "verify: man page # skip no inhook.8 in the tree yet"

# the Accept=no pair (one inhook process, its own listener)
for f in inhook-listen.socket inhook-listen.service; do
	sed "s|^ExecStart=/usr/local/bin/inhook |ExecStart=$INHOOK |" "$SYS/$f" > "$u/$f"
done
MANPATH="$T/man" systemd-analyze verify "$man" "$u/inhook-listen.socket" \
    "$u/inhook-listen.service" > "$T/verify.out" 2>&1
same "verify: inhook-listen socket and service clean" "$?:$(cat "$T/verify.out")" "0:"
e=$(exposure "$SYS/inhook-listen.service")
echo "# exposure of inhook-listen.service: ${e:-?} (at most $MAX_EXPOSURE)"
check "security: inhook-listen.service exposure ${e:-?} <= $MAX_EXPOSURE" le "${e:-9}" "$MAX_EXPOSURE"
check "listen socket: Accept=no" has "$SYS/inhook-listen.socket" '^ListenStream=' '^Accept=no$'
check "listen service: KillMode=mixed, Restart=no, --idle-exit, LoadCredential=" \
    has "$SYS/inhook-listen.service" '^KillMode=mixed$' '^Restart=no$' \
    '^ExecStart=/usr/local/bin/inhook --idle-exit [0-9]+ .*--secret-file webhook-secret ' \
    '^LoadCredential=webhook-secret:/' '^DynamicUser=yes$'

e=$(exposure "$SYS/inhook@.service")
echo "# exposure of inhook@.service: ${e:-?} (at most $MAX_EXPOSURE)"
if [ -n "$e" ] && le "$e" "$MAX_EXPOSURE"; then
	ok "security: exposure $e <= $MAX_EXPOSURE"
else
	nok "security: exposure ${e:-unparsed} <= $MAX_EXPOSURE"
	sed 's/^/#   /' "$T/security.err"
fi
same "security: no warnings about the unit" "$(cat "$T/security.err")" ""

# The same with the network drop-in in place.
mkdir -p "$u/inhook@.service.d"
cp "$SYS/inhook-network.conf" "$u/inhook@.service.d/network.conf"
MANPATH="$T/man" systemd-analyze verify "$man" "$u/inhook.socket" \
    "$u/inhook@.service" > "$T/verify.out" 2>&1
rc=$?
same "verify: with the network drop-in, clean (exit status)" "$rc" 0
same "verify: with the network drop-in, clean (no output)" "$(cat "$T/verify.out")" ""
en=$(exposure "$u/inhook@.service")
echo "# exposure with inhook-network.conf: ${en:-?} (at most $MAX_EXPOSURE_NET)"
if [ -n "$en" ] && le "$en" "$MAX_EXPOSURE_NET"; then
	ok "security: exposure with the network drop-in $en <= $MAX_EXPOSURE_NET"
else
	nok "security: exposure with the network drop-in ${en:-unparsed} <= $MAX_EXPOSURE_NET"
fi
# the drop-in was read: it opens the network, so the exposure went up
if [ -n "$e" ] && [ -n "$en" ] && ! le "$en" "$e"; then
	ok "security: the drop-in was applied"
else
	nok "security: the drop-in was applied (exposure $e, then $en)"
fi

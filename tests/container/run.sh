#!/bin/sh
# tests/container/run.sh: the FROM scratch image (container/Containerfile)
# under podman, as container/README.md runs it.
#   - make static (./inhook-static, musl), the image built from it, and a
#     derived image whose hook (/hook/run) is a busybox sh script that
#     records what it gets into a volume (/out). The static busybox is
#     the host's /bin/busybox when that is static, else the one in
#     Debian's busybox-static .deb (apt-get download, kept in
#     tests/build/container): busybox-static conflicts with the busybox
#     package other suites use.
#   - every run: --read-only, --cap-drop=ALL, --security-opt
#     no-new-privileges, the image's numeric user (65532), the secret
#     mounted at /run/secrets/webhook-secret.
#   - one-shot: podman run -i with a raw request on stdin (inetd style), the
#     secret a bind-mounted file.
#   - --listen (the image's default command, here on 127.0.0.1:PORT, a free
#     port, with --network host), the secret a podman secret (on a tmpfs
#     at /run/secrets: podman 4.3 cannot add the secret's file to a
#     read-only root, podman issue 15541): the signed
#     JobServ sample through curl gets 200 and the hook its variables; an
#     unsigned one 403 and no hook; the process's uid, capabilities and
#     no_new_privs seen from the host; podman stop -t 10 during a delivery
#     whose hook sleeps 2 s: that delivery still gets its 200, the
#     container exits 0, before podman's 10 s.
# This machine's quirks are in CONTAINERS_CONF (a file in the temp dir),
# not in the image: the runtime is runc (crun refuses the hybrid cgroup
# layout here), default_ulimits = [] (raising the container's
# RLIMIT_NOFILE is not permitted here), cgroupfs and a file event log (no
# systemd as PID 1). podman keeps everything, images included, in a
# private store in the temp dir: nothing of the machine's own podman is
# touched, and the trap removes it all.
# Skipped without podman, when not root (rootful podman), and under
# make check-sanitize (make check has run it).
# shellcheck source=tests/lib.sh
. "$(dirname "$0")/../lib.sh"
cd "$TOP" || exit 1
if [ -n "$INHOOK_SANITIZE" ]; then
	ok "container: FROM scratch image under podman # skip done by make check"
	exit 0
fi
if ! command -v podman >/dev/null; then
	ok "container: FROM scratch image under podman # skip podman not installed"
	exit 0
fi
if [ "$(id -u)" != 0 ]; then
	ok "container: FROM scratch image under podman # skip needs root (rootful podman)"
	exit 0
fi
C="$TOP/tests/build/container"
P="$T/p"
mkdir -p "$C" "$P" || exit 1
NAME="inhook-test-$$"
IMG="localhost/inhook-test:$$"
HOOKIMG="localhost/inhook-test-hook:$$"
STATIC="$TOP/inhook-static"

cat > "$T/containers.conf" <<'EOF'
[containers]
default_ulimits = []

[engine]
runtime = "runc"
cgroup_manager = "cgroupfs"
events_logger = "file"
EOF
export CONTAINERS_CONF="$T/containers.conf"
# pm SECONDS ARG...: podman on the private store, bounded
pm() {
	_s=$1; shift
	timeout -k 5 "$_s" podman --root "$P/root" --runroot "$P/run" --tmpdir "$P/tmp" \
	    --storage-driver vfs "$@"
}
# the options every run gets
SAFE="--runtime runc --read-only --cap-drop=ALL --security-opt no-new-privileges"

cleanup() {
	pm 30 rm -f -t 0 "$NAME" > /dev/null 2>&1
	pm 30 rm -af -t 0 > /dev/null 2>&1
	pm 30 rmi -f "$HOOKIMG" "$IMG" > /dev/null 2>&1
	pm 30 secret rm webhook-secret > /dev/null 2>&1
	[ -n "${CURL_PID-}" ] && kill "$CURL_PID" 2>/dev/null
	# nothing of the store may stay mounted under $T
	awk -v t="$T/" 'index($2, t) == 1 { print $2 }' /proc/mounts | sort -r |
	    while read -r m; do umount -l "$m"; done
	rm -rf "$T"
}
trap cleanup EXIT
trap 'exit 1' INT TERM HUP
now() { date +%s; }
indent() { sed 's/^/#   /' "$@" | head -n 30; }

# --- the binary, the busybox, the images
t0=$(now)
# (not the make check that runs this: its MAKEFLAGS would be half passed on)
if env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL make -s -C "$TOP" static > "$T/make.log" 2>&1 &&
    [ -x "$STATIC" ]; then
	ok "container: make static ($(($(now) - t0)) s)"
else
	nok "container: make static"
	indent "$T/make.log"
	exit 1
fi

is_static() { readelf -h "$1" > /dev/null 2>&1 && ! readelf -l "$1" | grep -q INTERP; }
BB=""
if is_static /bin/busybox; then
	BB=/bin/busybox
elif is_static "$C/busybox"; then
	BB="$C/busybox"
else
	rm -rf "$C/deb" && mkdir -p "$C/deb"
	if (cd "$C/deb" && timeout 300 apt-get download -qq busybox-static) > "$T/bb.log" 2>&1 &&
	    dpkg-deb -x "$C"/deb/busybox-static_*.deb "$C/deb/x" 2>> "$T/bb.log" &&
	    is_static "$C/deb/x/bin/busybox"; then
		cp "$C/deb/x/bin/busybox" "$C/busybox.new" && mv "$C/busybox.new" "$C/busybox" &&
		    BB="$C/busybox"
	fi
	rm -rf "$C/deb"
fi
if [ -n "$BB" ]; then
	ok "container: a static busybox for the hook ($BB)"
else
	nok "container: a static busybox for the hook (host's not static, apt-get download busybox-static failed)"
	indent "$T/bb.log"
	exit 1
fi

# the image, as container/README.md builds it, from a context holding only
# the binary (not the whole tree)
mkdir -p "$T/ctx"
cp "$STATIC" "$T/ctx/inhook-static"
t0=$(now)
if pm 120 build -q -f "$TOP/container/Containerfile" -t "$IMG" "$T/ctx" > "$T/build.log" 2>&1; then
	ok "container: image built FROM scratch ($(($(now) - t0)) s)"
else
	nok "container: image built FROM scratch"
	indent "$T/build.log"
	exit 1
fi
# exactly what the Containerfile says: one layer, the user, the command
same "container: image: user" "$(pm 30 image inspect -f '{{.Config.User}}' "$IMG")" 65532:65532
same "container: image: one layer" \
    "$(pm 30 image inspect -f '{{len .RootFS.Layers}}' "$IMG")" 1
same "container: image: entrypoint and command" \
    "$(pm 30 image inspect -f '{{.Config.Entrypoint}} {{.Config.Cmd}}' "$IMG")" \
    "[/inhook --secret-file /run/secrets/webhook-secret] [--listen :9000 /hook/run]"
echo "# image size: $(pm 30 image inspect -f '{{.Size}}' "$IMG") bytes"

# the derived image: a busybox sh hook recording into the volume /out
mkdir -p "$T/hctx"
cp "$BB" "$T/hctx/busybox"
cat > "$T/hctx/run" <<'EOF'
#!/bin/busybox sh
# The test's hook: records what it gets in /out, sleeps if /out/sleep says,
# leaves a process behind if /out/orphan is there.
b=/bin/busybox
$b env | $b sort > /out/env
$b id -u > /out/uid
$b id -g > /out/gid
$b cat > /out/stdin
# EROFS, not EACCES: the root is read-only, not just root's
$b touch /probe > /out/root 2>&1 && echo writable > /out/root
echo run >> /out/runs
[ -f /out/orphan ] && { $b sleep 1 < /dev/null > /dev/null 2>&1 & }
[ -f /out/sleep ] && $b sleep "$($b cat /out/sleep)"
echo done >> /out/done
exit 0
EOF
chmod 755 "$T/hctx/run" "$T/hctx/busybox"
printf 'FROM %s\nCOPY busybox /bin/busybox\nCOPY run /hook/run\n' "$IMG" > "$T/hctx/Containerfile"
if pm 120 build -q -t "$HOOKIMG" "$T/hctx" > "$T/hbuild.log" 2>&1; then
	ok "container: derived image with a busybox sh hook"
else
	nok "container: derived image with a busybox sh hook"
	indent "$T/hbuild.log"
	exit 1
fi

# the secret, readable by the image's user only (inhook refuses others)
cp "$SECRET" "$T/secret-c"
chown 65532:65532 "$T/secret-c"
chmod 600 "$T/secret-c"
# what the hook gets from the sample, as the golden suite has it
grep '^WEBHOOK_' "$TOP/tests/golden/jobserv-sample.env" > "$T/want.env"

# newout DIR: an empty volume the image's user can write
newout() { rm -rf "$1" && mkdir -p "$1" && chown 65532:65532 "$1"; }
# hook_env DIR: the WEBHOOK_ variables the hook recorded in DIR
hook_env() { grep '^WEBHOOK_' "$1/env" 2>/dev/null; }

# --- one-shot: the request on stdin, the response on stdout
O1="$T/out1"
newout "$O1"
rawpost "$SAMPLE" > "$T/req"
# shellcheck disable=SC2086 # SAFE is a word list
pm 60 run --rm -i $SAFE --network none \
    -v "$T/secret-c:/run/secrets/webhook-secret:ro" -v "$O1:/out" \
    "$HOOKIMG" /hook/run < "$T/req" > "$T/resp1" 2> "$T/log1"
rc=$?
if [ "$rc" -eq 0 ] && [ "$(status < "$T/resp1")" = 200 ] &&
    hook_env "$O1" | cmp -s - "$T/want.env"; then
	ok "container: one-shot (podman run -i): 200, the hook's WEBHOOK_ variables"
else
	nok "container: one-shot (podman run -i): 200, the hook's WEBHOOK_ variables"
	echo "#   exit $rc, status $(status < "$T/resp1")"
	indent "$T/log1"
	hook_env "$O1" | diff "$T/want.env" - | indent
fi
check "container: one-shot: the hook sees a read-only root (EROFS)" \
    grep -q 'Read-only file system' "$O1/root"

# --- --listen, as the image runs by default, on a free port
port_used() {
	_h=$(printf ':%04X ' "$1")
	cat /proc/net/tcp /proc/net/tcp6 2>/dev/null | awk -v h="$_h" 'index($2 " ", h) { f = 1 } END { exit !f }'
}
PORT=""
i=0
while [ "$i" -lt 50 ]; do
	p=$((20000 + $(od -An -N2 -tu2 /dev/urandom | tr -d ' ') % 30000))
	port_used "$p" || { PORT=$p; break; }
	i=$((i + 1))
done
[ -n "$PORT" ] || { nok "container: a free port"; exit 1; }

if ! pm 30 secret create webhook-secret "$SECRET" > "$T/secret.log" 2>&1; then
	nok "container: podman secret create"
	indent "$T/secret.log"
	exit 1
fi
O="$T/out"
newout "$O"
# shellcheck disable=SC2086
if ! pm 60 run -d --name "$NAME" $SAFE --network host \
    --tmpfs /run/secrets:size=64k,mode=0755 \
    --secret webhook-secret,uid=65532,gid=65532,mode=0400 -v "$O:/out" \
    "$HOOKIMG" --listen "127.0.0.1:$PORT" /hook/run > "$T/run.log" 2>&1; then
	nok "container: --listen: podman run -d"
	indent "$T/run.log"
	exit 1
fi
running() { [ "$(pm 10 inspect -f '{{.State.Running}}' "$NAME" 2>/dev/null)" = true ]; }
up() { listening "$PORT" || ! running; }
if wait_for up && listening "$PORT"; then
	ok "container: --listen 127.0.0.1:$PORT: listening"
else
	nok "container: --listen 127.0.0.1:$PORT: listening"
	pm 10 logs "$NAME" 2>&1 | indent
	exit 1
fi

# post FILE [SIG]: POSTs FILE signed (or with SIG) through curl; prints the
# status code (000 when there was none)
post() {
	timeout 30 curl -sS -m 25 -o "$T/body" -w '%{http_code}' \
	    -H 'Content-Type: application/json' -H "X-JobServ-Sig: ${2-$(sign "$1")}" \
	    --data-binary @"$1" "http://127.0.0.1:$PORT/webhook" 2> "$T/curl.err"
}

same "container: --listen: signed JobServ sample: 200" "$(post "$SAMPLE")" 200
if hook_env "$O" | cmp -s - "$T/want.env"; then
	ok "container: --listen: the hook's WEBHOOK_ variables (WEBHOOK_BUILD_ID=$(sed -n 's/^WEBHOOK_BUILD_ID=//p' "$O/env"), WEBHOOK_RUNS_0_NAME=$(sed -n 's/^WEBHOOK_RUNS_0_NAME=//p' "$O/env"))"
else
	nok "container: --listen: the hook's WEBHOOK_ variables"
	hook_env "$O" | diff "$T/want.env" - | indent
fi
cmp -s "$O/stdin" "$SAMPLE" && ok "container: --listen: the hook's stdin is the body" ||
    nok "container: --listen: the hook's stdin is the body"
same "container: --listen: the hook runs as 65532:65532" \
    "$(cat "$O/uid" "$O/gid" 2>/dev/null | tr '\n' ' ')" "65532 65532 "
check "container: --listen: the hook sees a read-only root (EROFS)" \
    grep -q 'Read-only file system' "$O/root"
same "container: --listen: bad signature: 403" "$(post "$SAMPLE" "sha256:$(printf '0%.0s' $(seq 64))")" 403
same "container: --listen: bad signature: no hook run" "$(runs "$O")" 1

# inhook is PID 1 here, with no init: what a hook leaves behind (a
# background sleep 1) ends up its child, and must be reaped
touch "$O/orphan"
same "container: --listen: a hook that leaves a process behind: 200" "$(post "$SAMPLE")" 200
rm -f "$O/orphan"
pid=$(pm 10 inspect -f '{{.State.Pid}}' "$NAME" 2>/dev/null)
no_child() { [ -z "$(ps --ppid "$pid" -o pid= 2>/dev/null)" ]; }
if [ -n "$pid" ] && wait_for no_child; then
	ok "container: --listen: inhook as PID 1 reaps what the hook left behind"
else
	nok "container: --listen: inhook as PID 1 reaps what the hook left behind"
	ps --ppid "$pid" -o pid=,stat=,args= 2>&1 | indent
fi

# inhook itself, PID 1 in the container, seen from the host
st=$(cat "/proc/$pid/status" 2>/dev/null)
# (runc gives the user's gid as its one supplementary group)
same "container: inhook runs as uid 65532, gid 65532, no other group" \
    "$(echo "$st" | awk '/^(Uid|Gid):/ { $1 = ""; printf "%s;", $0 }
        /^Groups:/ { for (i = 2; i <= NF; i++) if ($i != 65532) printf " %s", $i }')" \
    " 65532 65532 65532 65532; 65532 65532 65532 65532;"
same "container: inhook has no capability, no_new_privs set" \
    "$(echo "$st" | awk '/^(CapPrm|CapEff|CapBnd|NoNewPrivs):/ { printf "%s ", $2 }')" \
    "0000000000000000 0000000000000000 0000000000000000 1 "
same "container: read-only root (podman inspect)" \
    "$(pm 10 inspect -f '{{.HostConfig.ReadonlyRootfs}}' "$NAME")" true
if pm 10 logs "$NAME" 2>&1 | grep -q "listening on 127.0.0.1:$PORT" &&
    pm 10 logs "$NAME" 2>&1 | grep -q 'status=200 '; then
	ok "container: log on stderr (podman logs): listening, the delivery"
else
	nok "container: log on stderr (podman logs): listening, the delivery"
	pm 10 logs "$NAME" 2>&1 | indent
fi

# --- podman stop while a delivery is in progress
echo 2 > "$O/sleep"
chown 65532:65532 "$O/sleep"
post "$SAMPLE" > "$T/code" &
CURL_PID=$!
three() { [ "$(runs "$O")" -ge 3 ] || ! kill -0 "$CURL_PID" 2>/dev/null; }
if ! wait_for three || [ "$(runs "$O")" -ne 3 ]; then
	nok "container: stop: a delivery in progress"
	wait "$CURL_PID"
	CURL_PID=
	exit 1
fi
t0=$(date +%s.%N)
pm 30 stop -t 10 "$NAME" > "$T/stop.log" 2>&1
st=$?
el=$(awk -v a="$t0" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f", b - a }')
wait "$CURL_PID"
CURL_PID=
same "container: stop: the delivery in progress still answered 200" "$(cat "$T/code")" 200
same "container: stop: the hook ran to its end" "$(wc -l < "$O/done" 2>/dev/null | tr -d ' ')" 3
same "container: stop: podman stop -t 10 returned 0" "$st" 0
same "container: stop: the container exited with status 0" \
    "$(pm 10 inspect -f '{{.State.Status}} {{.State.ExitCode}}' "$NAME" 2>/dev/null)" "exited 0"
# inhook exited by itself once the delivery ended, not killed at 10 s
if awk -v e="$el" 'BEGIN { exit !(e < 8) }'; then
	ok "container: stop: exited on SIGTERM in ${el} s, before podman's 10 s"
else
	nok "container: stop: exited on SIGTERM before podman's 10 s (took ${el} s)"
fi
if pm 10 logs "$NAME" 2>&1 | grep -q 'stopping on SIGTERM: 1 in progress' &&
    pm 10 logs "$NAME" 2>&1 | grep -q 'stopped$'; then
	ok "container: stop: logged (stopping on SIGTERM: 1 in progress, stopped)"
else
	nok "container: stop: logged (stopping on SIGTERM: 1 in progress, stopped)"
	pm 10 logs "$NAME" 2>&1 | indent
fi
check "container: stop: no longer listening" wait_for eval "! listening $PORT"

# shellcheck shell=sh disable=SC2034  # SD_ERR, state, need: set for the caller
# tests/systemd/lib.sh: the container recipe, shared by tests/systemd/check.sh
# (make check-systemd) and bench/systemd.sh (make bench, systemd mode).
# Source it with TOP (the tree's top) and T (a private temp dir) set; it sets
#   ROOT   the cached root directory (tests/build/systemd-root)
#   PKGS   what mmdebstrap puts in it; STAMP: the mmdebstrap line
#   OV, M  the overlay's directory and its mount point (the container's /)
#   NSPID  systemd-nspawn's pid, CPID the container's PID 1 (once booted)
# and the functions below. The steps return 1 on failure, having printed
# what they know as "#   ..." lines; the caller says what failed. Messages
# go to standard output.
ROOT="$TOP/tests/build/systemd-root"
PKGS=systemd,systemd-sysv,dbus,libnss-systemd,curl,python3-requests
STAMP="mmdebstrap --variant=minbase --include=$PKGS bookworm"
OV="$T/ov"
M="$OV/root"          # the container's root, as the host sees it
NSPID="" CPID=""

X() { nsenter -t "$CPID" -a "$@"; }      # a command inside
N() { nsenter -t "$CPID" -n "$@"; }      # a host command in its network

cgroup_clean() {
	for d in /sys/fs/cgroup/systemd/payload /sys/fs/cgroup/systemd/supervisor \
	    /sys/fs/cgroup/unified/payload /sys/fs/cgroup/unified/supervisor; do
		[ -d "$d" ] && find "$d" -depth -type d -exec rmdir {} \; 2>/dev/null
	done
	return 0
}

stop_container() {
	if [ -n "$NSPID" ] && kill -0 "$NSPID" 2>/dev/null; then
		[ -n "$CPID" ] && timeout 10 nsenter -t "$CPID" -a systemctl poweroff >/dev/null 2>&1
		i=0
		while kill -0 "$NSPID" 2>/dev/null && [ $i -lt 150 ]; do
			sleep 0.2
			i=$((i + 1))
		done
		if kill -0 "$NSPID" 2>/dev/null; then
			echo "# the container did not power off in 30 s: killed"
			[ -n "$CPID" ] && kill -KILL "$CPID" 2>/dev/null
			sleep 1
			kill -KILL "$NSPID" 2>/dev/null
		fi
		wait "$NSPID" 2>/dev/null
	fi
	NSPID=""
	cgroup_clean
	if mountpoint -q "$M" 2>/dev/null; then
		umount "$M" 2>/dev/null || umount -l "$M"
	fi
}

# sd_deps: installs systemd-container and mmdebstrap when missing (root);
# sets need (what was missing)
sd_deps() {
	need=""
	for p in systemd-container mmdebstrap; do
		dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" || need="$need $p"
	done
	[ -n "$need" ] || return 0
	echo "# installing:$need"
	# shellcheck disable=SC2086
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $need >"$T/apt.log" 2>&1 ||
	    { apt-get update -qq >/dev/null 2>&1 &&
	      DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $need >"$T/apt.log" 2>&1; } ||
	    { sed 's/^/#   /' "$T/apt.log" | tail -n 20; return 1; }
}

# host_sources: the "deb" entries of this machine's apt sources, deb822
# paragraphs and one-line entries, in files for mmdebstrap
host_sources() {
	: > "$T/host.sources"
	: > "$T/host.list"
	for f in /etc/apt/sources.list.d/*.sources; do
		[ -f "$f" ] || continue
		awk 'BEGIN { RS = ""; FS = "\n" }
		{
			out = ""; keep = 0; off = 0
			for (i = 1; i <= NF; i++) {
				l = $i
				if (l ~ /^#/) continue
				if (l ~ /^Enabled:[ \t]*no/) off = 1
				if (l ~ /^Types:/) {
					n = split(substr(l, 7), t, /[ \t]+/)
					for (j = 1; j <= n; j++) if (t[j] == "deb") keep = 1
					l = "Types: deb"
				}
				out = out l "\n"
			}
			if (keep && !off) printf "%s\n", out
		}' "$f" >> "$T/host.sources"
	done
	for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do
		[ -f "$f" ] && grep -E '^[[:space:]]*deb[[:space:]]' "$f" >> "$T/host.list"
	done
	[ -s "$T/host.sources" ] || [ -s "$T/host.list" ]
}

# sd_root: builds $ROOT unless its stamp is $STAMP; on failure sets SD_ERR
sd_root() {
	[ -f "$ROOT/.inhook-stamp" ] && [ "$(cat "$ROOT/.inhook-stamp")" = "$STAMP" ] && return 0
	host_sources || { SD_ERR="no Debian entries in this machine's apt sources"; return 1; }
	src=""
	[ -s "$T/host.sources" ] && src="$T/host.sources"
	[ -s "$T/host.list" ] && src="$src $T/host.list"
	echo "# building $ROOT (a few minutes): $STAMP"
	rm -rf "$ROOT" "$ROOT.tmp"
	mkdir -p "$TOP/tests/build"
	t0=$(date +%s)
	# shellcheck disable=SC2086
	if ! timeout 1200 mmdebstrap --variant=minbase --include="$PKGS" bookworm \
	    "$ROOT.tmp" $src > "$T/mmdebstrap.log" 2>&1; then
		tail -n 20 "$T/mmdebstrap.log" | sed 's/^/#   /'
		rm -rf "$ROOT.tmp"
		SD_ERR="mmdebstrap built the root directory"
		return 1
	fi
	echo "$STAMP" > "$ROOT.tmp/.inhook-stamp"
	mv "$ROOT.tmp" "$ROOT"
	echo "# root directory built in $(($(date +%s) - t0)) s"
}

# sd_overlay: mounts the overlay on $M (lower: $ROOT) and installs inhook
# and the units in it (make install install-systemd); sets SD_ERR
sd_overlay() {
	mkdir -p "$OV/up" "$OV/work" "$M"
	mount -t overlay overlay -o "lowerdir=$ROOT,upperdir=$OV/up,workdir=$OV/work" "$M" ||
	    { SD_ERR="overlay mount of the cached root"; return 1; }
	make -s -C "$TOP" install install-systemd DESTDIR="$M" >"$T/make.log" 2>&1 ||
	    { sed 's/^/#   /' "$T/make.log"; SD_ERR="make install install-systemd DESTDIR=..."; return 1; }
}

# sd_enable UNIT:TARGET...: enables units in $M (the wants symlinks)
sd_enable() {
	for u in "$@"; do
		mkdir -p "$M/etc/systemd/system/${u#*:}.wants"
		ln -sf "/etc/systemd/system/${u%:*}" "$M/etc/systemd/system/${u#*:}.wants/${u%:*}"
	done
}

# sd_boot NAME: boots $M with systemd-nspawn (machine NAME) in the
# background; sets NSPID and, once systemd runs as its PID 1, CPID (30 s
# at most); the console goes to $T/boot.log
sd_boot() {
	systemd-nspawn -D "$M" -M "$1" -b --register=no --keep-unit --private-network \
	    --capability=all --system-call-filter=bpf --console=passive \
	    </dev/null >"$T/boot.log" 2>&1 &
	NSPID=$!
	i=0
	while [ $i -lt 150 ]; do
		CPID=$(pgrep -P "$NSPID" | head -n 1)
		[ -n "$CPID" ] && [ "$(cat "/proc/$CPID/comm" 2>/dev/null)" = systemd ] && break
		CPID=""
		kill -0 "$NSPID" 2>/dev/null || break
		sleep 0.2
		i=$((i + 1))
	done
	[ -n "$CPID" ] || { sed 's/^/#   /' "$T/boot.log"; return 1; }
}

# sd_running: waits (60 s at most) until the manager answers on its bus and
# start-up is over; sets state (systemctl is-system-running)
sd_running() {
	i=0
	while [ $i -lt 300 ]; do
		state=$(X systemctl is-system-running 2>&1)
		case "$state" in running | degraded | maintenance | stopping) break ;; esac
		sleep 0.2
		i=$((i + 1))
	done
}

# sd_nons: a drop-in for inhook@.service (on stdout) that turns off
# DynamicUser= and the namespace options (Private*, Protect*, ProcSubset=,
# the state directory and the IP filter): the sandbox's cost, measured
sd_nons() {
	cat <<'EOF'
[Service]
PrivateDevices=no
PrivateNetwork=no
PrivateUsers=no
PrivateTmp=no
PrivateMounts=no
ProtectSystem=no
ProtectHome=no
ProtectClock=no
ProtectControlGroups=no
ProtectHostname=no
ProtectKernelLogs=no
ProtectKernelModules=no
ProtectKernelTunables=no
ProtectProc=default
ProcSubset=all
DynamicUser=no
User=
StateDirectory=
IPAddressDeny=
EOF
}

# sd_truehook [UNIT]: a drop-in for UNIT (default inhook@.service; a file
# under systemd/) on stdout whose hook is /bin/true, the shipped ExecStart=
# otherwise
sd_truehook() {
	printf '[Service]\nExecStart=\nExecStart=%s\n' \
	    "$(sed -n 's/^ExecStart=//p' "$TOP/systemd/${1:-inhook@.service}" | sed 's| -- .*$| -- /bin/true|')"
}

# sd_listenport ADDR:PORT: a drop-in for inhook-listen.socket (on stdout)
# that listens on ADDR:PORT instead of the shipped port (the shipped one is
# inhook.socket's)
sd_listenport() {
	printf '[Socket]\nListenStream=\nListenStream=%s\n' "$1"
}

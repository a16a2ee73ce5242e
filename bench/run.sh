#!/bin/sh
# bench/run.sh: `make bench`. Measures inhook against the floor (bench/floor.c,
# the least a per-connection responder must do) and a persistent peer (Debian's
# webhook), side by side in one run, and prints a markdown table; the figures
# also go to bench/results/latest.tsv (name, value) and the table to
# bench/results/latest.md, with callgrind profiles next to them.
#
# Loopback only; every load run is bounded by a request count and seconds,
# every wait by a count. Installs webhook and valgrind (tests/deps.sh) when
# they are missing and we are root. Not part of `make check`.
#
# Listener mode: when inhook has --listen, it is also run as one persistent
# listener (inhook --listen 127.0.0.1:PORT /bin/true, the parent forking a
# child per connection; inhook-static too when make static built it) in the
# same load rows, and then against webhook alone in BENCH_ROUNDS alternating
# runs (default 3) at concurrency 1 and 8: req/s, CPU per delivery (the
# process tree by getrusage, and as root the server's cgroup v2 group),
# the listener's memory after start and after load. That comparison is the
# last section of the table, so it is what make bench prints last.
#
# Exits 0 when everything ran, even when a target is missed (the table says
# MISS); 1 when something could not be run or a request failed. make static
# failing is not a failure: the static rows say n/a and why.
#
# Tunables (environment): BENCH_SECONDS (per load run, default 4),
# BENCH_REQUESTS (per load run with the sample body, default 4000),
# BENCH_REQUESTS_BIG (with the 1 MiB body, default 400), BENCH_ROUNDS
# (alternating listener/webhook runs per concurrency, 1..9, default 3),
# BENCH_CHRT=1 (as root: run the servers, the load generator and the
# pipe-mode loop under SCHED_FIFO priority 1, so that other work on a shared
# machine does not delay the chain of processes each request starts; every
# such run is bounded, and the kernel keeps 5% of each CPU for others; the
# table says so).
#
# Systemd mode (bench/systemd.sh): as root, after the rest, boots systemd in
# systemd-nspawn with make check-systemd's recipe and measures a delivery's
# latency through inhook.socket and the shipped inhook@.service (hook
# /bin/true), then the same with DynamicUser= and the namespace options
# off: p50/p90 over BENCH_SYSTEMD_N sequential deliveries (default 100, at
# most BENCH_SYSTEMD_SECONDS, default 60, each). When it cannot run (not
# root, no nspawn, no root directory and none can be built) the table says
# so in a row and the benchmark does not fail; a failed delivery does.
# BENCH_SYSTEMD=0 skips it. BENCH_ONLY=systemd runs only it and the
# pipe-mode CPU loop (the figures it is set against; a minute or so once
# tests/build/systemd-root exists) and writes bench/results/systemd.md and
# systemd.tsv instead of latest.*.
#
# BENCH_ONLY=listen: the quick re-run of the headline (a minute or two):
# binary sizes, the pipe-mode CPU loop, the sample body's load rows for the
# floor, inhook, inhook --listen (and inhook-static --listen) and webhook,
# the alternating listener/webhook runs; into bench/results/listen.md and
# listen.tsv instead of latest.*.
#
# HTTPS (bench/tls.sh, in the full run after the load rows): inhook's own
# TLS (--tls-cert, per connection and --listen) against stunnel4 in inetd
# mode wrapping inhook, under the same supervisor, with an EC P-256 and an
# RSA-2048 certificate: CPU per delivery (the cgroup's as root), handshake
# and delivery latency at concurrency 1 (bench/tlsload.py), stripped sizes
# with TLS and with make TLS=no. BENCH_TLS_N deliveries per row and key
# (default 300) over BENCH_TLS_ROUNDS alternating rounds (default 3), at most
# BENCH_TLS_SECONDS (default 60) per run. BENCH_ONLY=tls runs only that
# (a few minutes), into bench/results/tls.md and tls.tsv.
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top" || exit 1
B=bench/build
R=bench/results
MAKE=${MAKE:-make}
SECS=${BENCH_SECONDS:-4}
NSMALL=${BENCH_REQUESTS:-4000}
NBIG=${BENCH_REQUESTS_BIG:-400}
ROUNDS=${BENCH_ROUNDS:-3}
case "$ROUNDS" in [1-9]) ;; *) echo "bench: BENCH_ROUNDS=$ROUNDS: 1 to 9" >&2; exit 1 ;; esac
ONLY=${BENCH_ONLY:-}
case "$ONLY" in "" | systemd | listen | tls) ;; *) echo "bench: BENCH_ONLY=$ONLY: only BENCH_ONLY=systemd, listen or tls is known" >&2; exit 1 ;; esac
RT=""
sched="normal scheduling"
if [ "${BENCH_CHRT:-0}" = 1 ]; then
	if [ "$(id -u)" = 0 ] && chrt -f 1 true 2>/dev/null; then
		RT="chrt -f 1"
		sched="servers, load generator and pipe-mode loop at SCHED_FIFO 1 (BENCH_CHRT=1)"
	else
		echo "bench: BENCH_CHRT=1 needs root and chrt; running with normal scheduling" >&2
	fi
fi
BIG=1048576
T=$(mktemp -d /tmp/inhook-bench.XXXXXX)
chmod 755 "$T"
wrappers=""
CGROOT=""
cleanup() {
	for p in $wrappers; do kill "$p" 2>/dev/null; done
	if [ -n "$CGROOT" ]; then
		for d in "$CGROOT"/run.*; do [ -d "$d" ] && rmdir "$d" 2>/dev/null; done
		rmdir "$CGROOT" 2>/dev/null
	fi
	rm -rf "$T"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

failed=0
fail() { echo "bench: FAILED: $*" >&2; failed=1; }
say() { echo "bench: $*" >&2; }
# figures: put NAME VALUE; get NAME (n/a when absent)
: > "$T/figs"
put() { printf '%s\t%s\n' "$1" "$2" >> "$T/figs"; }
get() { awk -F'\t' -v k="$1" '$1 == k { v = $2 } END { print (v == "" ? "n/a" : v) }' "$T/figs"; }
# calc EXPR: awk arithmetic, "n/a" if an operand is n/a or a divisor is 0
calc() {
	case "$1" in *n/a*) echo n/a; return ;; esac
	awk "BEGIN { d = 1; $2 if (d == 0) print \"n/a\"; else printf \"%.${3:-2}f\", $1 }"
}
ratio() { calc "$1 / $2" "d = $2;" "${3:-2}"; }
# kv LINE KEY: the value of KEY=value in a line of key=value pairs
kv() { printf '%s\n' "$1" | tr ' ' '\n' | sed -n "s/^$2=//p" | head -n 1; }
median() { grep -E '^-?[0-9.]+$' | sort -n | awk '{ v[NR] = $1 } END { if (NR) print v[int((NR + 1) / 2)]; else print "n/a" }'; }

load=$(cut -d' ' -f1-3 /proc/loadavg)

# ---- dependencies and build -------------------------------------------------
extra="webhook valgrind binutils procps stunnel4 openssl"
[ "$ONLY" = systemd ] && extra="procps"
[ "$ONLY" = tls ] && extra="binutils procps stunnel4 openssl"
INHOOK_DEPS_EXTRA="$extra" sh tests/deps.sh ||
	fail "dependencies missing (see above)"
say "building"
$MAKE -s --no-print-directory inhook || { fail "make inhook"; exit 1; }
# make static (musl) first: floor-static is built with what it leaves
static_ok=1
static_why=""
if [ "$ONLY" = systemd ] || [ "$ONLY" = tls ]; then
	static_ok=0
elif ! $MAKE -s --no-print-directory static > "$T/static.log" 2>&1 || [ ! -x inhook-static ]; then
	static_ok=0
	static_why="make static failed: $(tail -n 2 "$T/static.log" | tr '\n' ' ' | cut -c1-200)"
	say "WARNING: $static_why (the static rows say n/a)"
fi
$MAKE -s --no-print-directory -f Makefile -f bench/build.mk bench-build ||
	{ fail "building bench/"; exit 1; }
# listener mode (inhook --listen): in the binary just built?
listen=0
if ./inhook --help 2>&1 | grep -q -- '--listen' || grep -q '"--listen"' src/opts.c 2>/dev/null; then
	listen=1
fi
mkdir -p "$R"
# written back, so that smaps counts the binaries' pages as clean
sync

# ---- inputs -------------------------------------------------------------------
printf 'bench-%s\n' "$(od -An -N12 -tx1 /dev/urandom | tr -d ' \n')" > "$T/secret"
chmod 600 "$T/secret"
SMALL=tests/data/jobserv-build.json
"$B/mkbody" "$BIG" 300 > "$T/big.json" || { fail "mkbody"; exit 1; }
# request PATH HEADER VALUE BODY: a raw request as JobServ would send it
request() {
	printf 'POST %s HTTP/1.1\r\nHost: 127.0.0.1\r\nUser-Agent: bench\r\nContent-Type: application/json\r\n%s: %s\r\nContent-Length: %d\r\n\r\n' \
	    "$1" "$2" "$3" "$(wc -c < "$4")"
	cat "$4"
}
for b in small big; do
	[ $b = small ] && body=$SMALL || body=$T/big.json
	sig=$(./inhook sign --secret-file "$T/secret" "$body") || { fail "inhook sign"; exit 1; }
	request /webhook X-JobServ-Sig "$sig" "$body" > "$T/$b.req"
	# webhook checks GitHub's form of the same HMAC: sha256=<hex>
	request /hooks/bench X-Hub-Signature-256 "sha256=${sig#sha256:}" "$body" > "$T/$b.peer.req"
done
put body_small_bytes "$(wc -c < "$SMALL" | tr -d ' ')"
put body_big_bytes "$BIG"
cat > "$T/hooks.json" <<EOF
[{
  "id": "bench",
  "execute-command": "/bin/true",
  "include-command-output-in-response": true,
  "trigger-rule": { "match": {
    "type": "payload-hmac-sha256",
    "secret": "$(cat "$T/secret")",
    "parameter": { "source": "header", "name": "X-Hub-Signature-256" } } }
}]
EOF
# a hook that records the responder's memory while the responder waits for
# it: its parent's, or when that is a fork of the same program (inhook's
# keeper, which starts and watches the hook), that one's (to ksmaps) and
# its parent's
cat > "$T/memhook" <<EOF
#!/bin/sh
p=\$PPID
pp=\$(sed 's/.*) //' /proc/\$p/stat | cut -d' ' -f2)
if [ "\$(cat /proc/\$pp/comm)" = "\$(cat /proc/\$p/comm)" ]; then
	/bin/cat /proc/\$p/smaps_rollup > $T/ksmaps
	p=\$pp
fi
exec /bin/cat /proc/\$p/smaps_rollup > $T/smaps
EOF
chmod 755 "$T/memhook"

INHOOK="$top/inhook --log-stderr --secret-file $T/secret"
# listener mode logs to stderr by itself
LISTEN="$top/inhook --secret-file $T/secret"
LSTATIC="$top/inhook-static --secret-file $T/secret"
FLOOR="$top/$B/floor $T/secret"
ISTATIC="$top/inhook-static --log-stderr --secret-file $T/secret"
FSTATIC="$top/$B/floor-static $T/secret"
progs="inhook floor"
[ $static_ok = 1 ] && progs="$progs istatic fstatic"
cmd_of() {
	case $1 in
	inhook) echo "$INHOOK" ;; floor) echo "$FLOOR" ;;
	istatic) echo "$ISTATIC" ;; fstatic) echo "$FSTATIC" ;;
	esac
}

# ---- pipe mode: answers, sizes, instructions, memory --------------------------
if [ "$ONLY" != systemd ]; then
	say "pipe mode: answers, sizes$( [ -z "$ONLY" ] && echo ", instructions (callgrind), memory")"
	for p in $progs; do
		for b in small big; do
			# shellcheck disable=SC2046
			timeout 30 $(cmd_of $p) /bin/true < "$T/$b.req" > "$T/resp" 2> "$T/err"
			head -n 1 "$T/resp" | grep -q '^HTTP/1.1 200 ' ||
			    fail "$p, $b body, pipe mode: $(head -n 1 "$T/resp") $(head -c 300 "$T/err")"
		done
	done
	for p in $progs; do
		case $p in inhook) f=inhook ;; floor) f=$B/floor ;; istatic) f=inhook-static ;; fstatic) f=$B/floor-static ;; esac
		put "${p}_textdata" "$(size "$f" | awk 'NR == 2 { print $1 + $2 }')"
		cp "$f" "$T/stripped" && strip "$T/stripped" &&
		    put "${p}_stripped" "$(wc -c < "$T/stripped" | tr -d ' ')"
		put "${p}_file" "$(wc -c < "$f" | tr -d ' ')"
	done
	w=$(command -v webhook) && put peer_file "$(wc -c < "$w" | tr -d ' ')"
fi
if [ -z "$ONLY" ]; then
	# where inhook's bytes are: text+data of each module, the rest is BearSSL,
	# the C start-up files and the dynamic linking tables
	if $MAKE -s --no-print-directory -f Makefile -f bench/build.mk bench-objs > "$T/objs.log" 2>&1; then
		size $B/obj/*.o | awk 'NR > 1 { n = $6; sub(/.*\//, "", n); sub(/\.o$/, "", n); print $1 + $2, n }' |
		    sort -rn > "$R/size-modules.txt"
		put modules_textdata "$(awk '{ s += $1 } END { print s }' "$R/size-modules.txt")"
		put modules_top "$(head -n 6 "$R/size-modules.txt" | awk '{ printf("%s%s %d", (NR > 1 ? ", " : ""), $2, $1) }')"
	else
		fail "compiling inhook's modules alone: $(tail -n 3 "$T/objs.log")"
	fi
	# cg NAME PROG BODY: instructions of PROG's own process for one request (the
	# hook runs natively: callgrind does not follow children)
	cg() {
		rm -f "$T"/cg.out.*
		# shellcheck disable=SC2046
		if ! timeout 300 valgrind --tool=callgrind --callgrind-out-file="$T/cg.out.%p" \
		    $(cmd_of "$2") /bin/true < "$T/$3.req" > "$T/resp" 2> "$T/cg.log" ||
		    ! head -n 1 "$T/resp" | grep -q '^HTTP/1.1 200 '; then
			fail "callgrind $1: $(tail -n 3 "$T/cg.log")"
			return
		fi
		vpid=$(sed -n 's/^==\([0-9]*\)==.*/\1/p' "$T/cg.log" | head -n 1)
		[ -f "$T/cg.out.$vpid" ] || { fail "callgrind $1: no profile"; return; }
		put "$1" "$(awk '/^summary:/ { print $2 }' "$T/cg.out.$vpid")"
		cp "$T/cg.out.$vpid" "$R/callgrind.$1"
		callgrind_annotate "$R/callgrind.$1" 2>/dev/null |
		    awk '/file:function/ { on = 1; next } on && NF && !/^--/' | head -n 25 > "$R/profile.$1.txt"
		callgrind_annotate --inclusive=yes "$R/callgrind.$1" 2>/dev/null |
		    awk '/file:function/ { on = 1; next } on && NF && !/^--/' | head -n 40 > "$R/profile.$1.inclusive.txt"
	}
	for p in $progs; do
		for b in small big; do cg "${p}_ir_$b" $p $b; done
	done
	# memory at hook time (smaps_rollup: exact page-table walk), median of 5:
	# Rss, and Private_Dirty (what belongs to this delivery alone). Address
	# randomisation off (setarch -R): it moves the kernel's fault-around windows
	# and makes single runs differ by up to 300 KiB; without it they repeat.
	NORAND=""
	setarch "$(uname -m)" -R true 2>/dev/null && NORAND="setarch $(uname -m) -R"
	for p in $progs; do
		for b in small big; do
			: > "$T/rss"; : > "$T/priv"; : > "$T/krss"; : > "$T/kpriv"
			for i in 1 2 3 4 5; do
				rm -f "$T/smaps" "$T/ksmaps"
				# shellcheck disable=SC2046
				timeout 30 $NORAND $(cmd_of $p) "$T/memhook" < "$T/$b.req" > /dev/null 2>&1
				[ -s "$T/smaps" ] || continue
				awk '/^Rss:/ { print $2 }' "$T/smaps" >> "$T/rss"
				awk '/^Private_Dirty:/ { print $2 }' "$T/smaps" >> "$T/priv"
				[ -s "$T/ksmaps" ] || continue
				awk '/^Rss:/ { print $2 }' "$T/ksmaps" >> "$T/krss"
				awk '/^Private_Dirty:/ { print $2 }' "$T/ksmaps" >> "$T/kpriv"
			done
			[ -s "$T/rss" ] || fail "memory of $p, $b body: the hook saw nothing"
			put "${p}_rss_$b" "$(median < "$T/rss")"
			put "${p}_priv_$b" "$(median < "$T/priv")"
			if [ -s "$T/krss" ]; then
				put "${p}_krss_$b" "$(median < "$T/krss")"
				put "${p}_kpriv_$b" "$(median < "$T/kpriv")"
			fi
		done
	done

	# ---- throughput ------------------------------------------------------------------
	say "throughput"
	line=$(timeout 60 "$B/throughput" "$T/secret" "$T/big.json") || fail "throughput: $line"
	put tput_mbps "$(kv "$line" total_mbps)"
	put tput_sig_mbps "$(kv "$line" sig_mbps)"
	put tput_export_mbps "$(kv "$line" export_mbps)"
fi

# CPU per request in pipe mode: rusage runs a responder K times in a row, as
# a supervisor would (the request from a file, hook /bin/true), floor and
# inhook alternating over 9 rounds so that drift hits both; the figures are
# medians over the rounds, the ratio the median of the rounds' ratios
# (not for BENCH_ONLY=tls)
if [ "$ONLY" != tls ]; then
	say "pipe mode: CPU per request, floor and inhook alternating"
	for b in small big; do
		[ $b = small ] && k=40 || k=8
		: > "$T/ratios"; : > "$T/cpu.inhook"; : > "$T/cpu.floor"; : > "$T/wall.inhook"
		for round in 1 2 3 4 5 6 7 8 9; do
			for p in floor inhook; do
				# shellcheck disable=SC2046
				$RT "$B/rusage" -n $k "$T/ru" $(cmd_of $p) /bin/true < "$T/$b.req" > /dev/null 2>&1
				[ "$(kv "$(cat "$T/ru")" status)" = 0 ] || fail "pipe-mode CPU loop, $p, $b body"
				kv "$(cat "$T/ru")" cpu_us >> "$T/cpu.$p"
				[ $p = inhook ] && kv "$(cat "$T/ru")" wall_us >> "$T/wall.inhook"
			done
			printf '%s\n' "$(ratio "$(tail -n 1 "$T/cpu.inhook")" "$(tail -n 1 "$T/cpu.floor")" 3)" >> "$T/ratios"
		done
		for p in floor inhook; do
			v=$(median < "$T/cpu.$p")
			put "pipecpu_${p}_$b" "$(calc "$v / $k / 1000" "" 3)"
		done
		put "pipecpu_ratio_$b" "$(median < "$T/ratios")"
		put "pipewall_inhook_$b" "$(calc "$(median < "$T/wall.inhook") / $k / 1000" "" 3)"
	done
	# end to end: the 1 MiB body per CPU second of inhook and its hook
	v=$(get pipecpu_inhook_big)
	put pipe_mbps "$(calc "$BIG / ($v * 1000)" "d = $v;" 1)"
fi

# ---- load under the supervisors ----------------------------------------------------
if [ "$ONLY" != systemd ]; then
	export SYSTEMD_LOG_LEVEL=warning
	# As root, each server runs in a cgroup v2 group of its own: its cpu.stat
	# counts every process of the server's tree, reaped or not, beside
	# getrusage's count of the reaped tree.
	if [ "$(id -u)" = 0 ]; then
		m=$(awk '$3 == "cgroup2" { print $2; exit }' /proc/mounts)
		[ -n "$m" ] && mkdir "$m/inhook-bench.$$" 2>/dev/null && CGROOT=$m/inhook-bench.$$
	fi
	[ -n "$CGROOT" ] && put cgroup_dir "$CGROOT" || say "no cgroup v2 group (not root, or none writable): CPU by getrusage only"
	cgn=0
	# start KIND: runs the server under rusage on a free port; sets port, wpid
	# (rusage), spid (the server) and cg (its cgroup, or "")
	start() {
		port=$("$B/loadgen" -P) || { fail "no free port"; return 1; }
		porthex=$(printf '%04X' "$port")
		case $1 in
		floor)  set -- systemd-socket-activate -a --inetd -l "127.0.0.1:$port" $FLOOR /bin/true ;;
		inhook) set -- systemd-socket-activate -a --inetd -l "127.0.0.1:$port" $INHOOK /bin/true ;;
		async)  set -- systemd-socket-activate -a --inetd -l "127.0.0.1:$port" $INHOOK --async /bin/true ;;
		listen) set -- $LISTEN --listen "127.0.0.1:$port" /bin/true ;;
		lstatic) set -- $LSTATIC --listen "127.0.0.1:$port" /bin/true ;;
		# HTTPS (bench/tls.sh): TLSOPT and STCONF for the key in hand
		tls)    set -- systemd-socket-activate -a --inetd -l "127.0.0.1:$port" $INHOOK $TLSOPT /bin/true ;;
		tlisten) set -- $LISTEN $TLSOPT --listen "127.0.0.1:$port" /bin/true ;;
		stunnel | stunnel13) set -- systemd-socket-activate -a --inetd -l "127.0.0.1:$port" stunnel "$STCONF.$1" ;;
		peer)   set -- webhook -hooks "$T/hooks.json" -ip 127.0.0.1 -port "$port" ;;
		esac
		cg=""
		if [ -n "$CGROOT" ]; then
			cgn=$((cgn + 1))
			cg=$CGROOT/run.$cgn
			mkdir "$cg" || { fail "mkdir $cg"; return 1; }
			set -- -g "$cg" "$T/ru" "$@"
		else
			set -- "$T/ru" "$@"
		fi
		$RT "$top/$B/rusage" "$@" > /dev/null 2> "$T/srv.err" &
		wpid=$!
		wrappers="$wrappers $wpid"
		spid=""
		i=0
		while [ $i -lt 100 ]; do
			[ -z "$spid" ] && spid=$(pgrep -P "$wpid" | head -n 1)
			[ -n "$spid" ] && grep -q "^ *[0-9]*: 0100007F:$porthex 00000000:0000 0A " /proc/net/tcp && return 0
			i=$((i + 1)); sleep 0.05
		done
		fail "server $1 did not listen on 127.0.0.1:$port: $(head -c 300 "$T/srv.err")"
		kill "$wpid" 2>/dev/null
		return 1
	}
	# smaps NAME PID: PID's Pss and private (clean + dirty) KiB, exact (smaps_rollup)
	smaps() {
		[ -r "/proc/$2/smaps_rollup" ] || return 0
		awk -v n="$1" '/^Pss:/ { p = $2 } /^Private_(Clean|Dirty):/ { v += $2 }
		    END { printf "%s_srv_pss\t%d\n%s_srv_priv\t%d\n", n, p, n, v }' "/proc/$2/smaps_rollup" >> "$T/figs"
	}
	# stop NAME: waits (bounded) until the server has no children left, records
	# its memory and children, stops it, and records its CPU time
	stop() {
		i=0
		while [ $i -lt 100 ] && pgrep -P "$spid" > /dev/null; do i=$((i + 1)); sleep 0.05; done
		put "$1_children_after" "$(pgrep -P "$spid" | wc -l | tr -d ' ')"
		put "$1_srv_rss" "$(awk '/^VmRSS:/ { print $2 }' "/proc/$spid/status" 2>/dev/null)"
		put "$1_srv_hwm" "$(awk '/^VmHWM:/ { print $2 }' "/proc/$spid/status" 2>/dev/null)"
		smaps "$1" "$spid"
		kill "$wpid" 2>/dev/null
		i=0
		while [ $i -lt 100 ] && kill -0 "$wpid" 2>/dev/null; do i=$((i + 1)); sleep 0.05; done
		kill -0 "$wpid" 2>/dev/null && { kill -KILL "$spid" 2>/dev/null; sleep 0.2; }
		wait "$wpid" 2>/dev/null
		wrappers=$(echo "$wrappers" | sed "s/ $wpid\$//")
		put "$1_cpu_us" "$(kv "$(cat "$T/ru" 2>/dev/null)" cpu_us)"
		[ "$(kv "$(cat "$T/ru" 2>/dev/null)" status)" = 111 ] && fail "$1: could not join $cg"
		if [ -n "$cg" ]; then
			put "$1_cg_us" "$(awk '$1 == "usage_usec" { print $2 }' "$cg/cpu.stat")"
			rmdir "$cg" 2>/dev/null
		fi
	}
	# perreq K S: CPU ms per good request of row K (server S), less S's idle
	# start and stop, by getrusage and by the cgroup
	perreq() {
		cpu=$(get "${1}_cpu_us"); idle=$(get "idle_${2}_cpu_us"); ok=$(get "${1}_ok")
		put "${1}_cpu_req_ms" "$(calc "($cpu - $idle) / $ok / 1000" "d = $ok;" 3)"
		cpu=$(get "${1}_cg_us"); idle=$(get "idle_${2}_cg_us")
		put "${1}_cg_req_ms" "$(calc "($cpu - $idle) / $ok / 1000" "d = $ok;" 3)"
	}
	# what starting a process costs here: the yardstick for every row below
	say "process start costs (bench/spawn)"
	line=$(timeout 120 $RT "$B/spawn" -n 200 /bin/true) || fail "bench/spawn: $line"
	for key in fork_cpu_ms forkx_cpu_ms vforkx_cpu_ms; do put "spawn_$key" "$(kv "$line" $key)"; done
fi
if [ "$ONLY" != systemd ] && [ "$ONLY" != tls ]; then
	if ./inhook --help 2>&1 | grep -q -- --async; then async=1; else async=0; fi
	servers="floor inhook"
	[ $async = 1 ] && [ -z "$ONLY" ] && servers="$servers async"
	[ $listen = 1 ] && servers="$servers listen"
	[ $listen = 1 ] && [ $static_ok = 1 ] && servers="$servers lstatic"
	peer=0
	command -v webhook > /dev/null && { servers="$servers peer"; peer=1; } || fail "webhook is not installed"
	say "load: idle baselines"
	for s in $servers; do
		start $s && { sleep 0.2; stop "idle_$s"; }
	done
	bodies="small big"
	[ "$ONLY" = listen ] && bodies=small
	for b in $bodies; do
		for c in 1 8; do
			for s in $servers; do
				say "load: $s, $b body, concurrency $c"
				start $s || continue
				[ $s = peer ] && f=$T/$b.peer.req || f=$T/$b.req
				[ $b = small ] && n=$NSMALL || n=$NBIG
				[ $s = async ] && want=202 || want=200
				line=$(timeout $((SECS + 120)) $RT "$B/loadgen" -p "$port" -f "$f" -c $c -n "$n" -t "$SECS" -T 30 -s $want)
				rc=$?
				stop "${s}_${b}_$c"
				[ $rc = 0 ] || fail "load $s $b c=$c: $line"
				k=${s}_${b}_$c
				for key in requests ok failed rps p50_ms p90_ms p99_ms; do
					put "${k}_$key" "$(kv "$line" $key)"
				done
				perreq "$k" "$s"
			done
		done
	done

	# ---- the listener against webhook: alternating runs, medians ---------------------
	# ROUNDS runs each at concurrency 1 and 8 with the sample body, listener and
	# webhook in turn (which goes first alternates), so that drift and other
	# work on the machine hit both; figures are medians over the rounds
	if [ $listen = 1 ] && [ $peer = 1 ]; then
		for c in 1 8; do
			for s in listen peer; do
				for x in rps cpu cg p50 rss pss priv; do : > "$T/h.$s.$x"; done
			done
			round=1
			while [ $round -le "$ROUNDS" ]; do
				[ $((round % 2)) = 1 ] && order="listen peer" || order="peer listen"
				for s in $order; do
					say "listener against webhook: $s, concurrency $c, round $round of $ROUNDS"
					start $s || continue
					[ $s = peer ] && f=$T/small.peer.req || f=$T/small.req
					line=$(timeout $((SECS + 120)) $RT "$B/loadgen" -p "$port" -f "$f" -c $c -n "$NSMALL" -t "$SECS" -T 30 -s 200)
					rc=$?
					k=h_${s}_${c}_$round
					stop "$k"
					[ $rc = 0 ] || fail "load $s (alternating) c=$c: $line"
					for key in ok rps p50_ms; do put "${k}_$key" "$(kv "$line" $key)"; done
					perreq "$k" "$s"
					get "${k}_rps" >> "$T/h.$s.rps"
					get "${k}_p50_ms" >> "$T/h.$s.p50"
					get "${k}_cpu_req_ms" >> "$T/h.$s.cpu"
					get "${k}_cg_req_ms" >> "$T/h.$s.cg"
					get "${k}_srv_rss" >> "$T/h.$s.rss"
					get "${k}_srv_pss" >> "$T/h.$s.pss"
					get "${k}_srv_priv" >> "$T/h.$s.priv"
				done
				round=$((round + 1))
			done
			for s in listen peer; do
				put "h_${s}_${c}_rps" "$(median < "$T/h.$s.rps")"
				put "h_${s}_${c}_p50_ms" "$(median < "$T/h.$s.p50")"
				put "h_${s}_${c}_cpu_req_ms" "$(median < "$T/h.$s.cpu")"
				put "h_${s}_${c}_cg_req_ms" "$(median < "$T/h.$s.cg")"
				put "h_${s}_${c}_srv_rss" "$(median < "$T/h.$s.rss")"
				put "h_${s}_${c}_srv_pss" "$(median < "$T/h.$s.pss")"
				put "h_${s}_${c}_srv_priv" "$(median < "$T/h.$s.priv")"
			done
		done
	fi
fi

# ---- HTTPS: inhook's own TLS against stunnel4 wrapping inhook (bench/tls.sh) ------
# shellcheck source=bench/tls.sh
. bench/tls.sh
if [ -z "$ONLY" ] || [ "$ONLY" = tls ]; then
	tls_mode
fi

# ---- systemd mode: a delivery under the shipped units ---------------------------
# bench/systemd.sh; its figures join ours. Not root, BENCH_SYSTEMD=0, or no
# container: a row in the table says why, not a failure.
systemd_mode() {
	if [ "${BENCH_SYSTEMD:-1}" = 0 ]; then
		put systemd_status "not run: BENCH_SYSTEMD=0"
	elif [ "$(id -u)" != 0 ]; then
		put systemd_status "not run: needs root"
	else
		say "systemd mode: booting systemd in systemd-nspawn, ${BENCH_SYSTEMD_N:-100} deliveries per row"
		timeout 900 sh bench/systemd.sh "$T/systemd.tsv" 2> "$T/systemd.log" > /dev/null
		rc=$?
		cat "$T/systemd.tsv" >> "$T/figs" 2>/dev/null
		if [ $rc = 2 ]; then
			fail "systemd mode: $(grep '^bench: systemd mode' "$T/systemd.log" | tail -n 3 | tr '\n' ' ')"
		elif [ $rc != 0 ]; then
			[ "$(get systemd_status)" = n/a ] && put systemd_status "not run: bench/systemd.sh exited $rc"
			say "systemd mode: $(get systemd_status)"
			tail -n 5 "$T/systemd.log" >&2
		fi
	fi
}
[ "$ONLY" = listen ] || [ "$ONLY" = tls ] || systemd_mode

# ---- the table ------------------------------------------------------------------
out=${ONLY:-latest}
cp "$T/figs" "$R/$out.tsv"
# the systemd mode's rows
systemd_section() {
	echo
	echo "### Under systemd: one delivery through inhook.socket and inhook@.service (bench/systemd.sh)"
	echo
	st=$(get systemd_status)
	if [ "$st" != ok ]; then
		echo "| systemd mode | $st |"
		echo "|---|---|"
		return
	fi
	echo "| sample body ($sb B), JobServ-signed, hook /bin/true | p50 ms | p90 ms | p99 ms | max ms | delivered |"
	echo "|---|---:|---:|---:|---:|---:|"
	for u in unit unit_nons; do
		[ $u = unit ] && name="inhook@.service as shipped (sandbox, DynamicUser=)" ||
		    name="the same, DynamicUser= and namespace options off"
		k=systemd_$u
		echo "| $name | $(get ${k}_p50_ms) | $(get ${k}_p90_ms) | $(get ${k}_p99_ms) | $(get ${k}_max_ms) | $(get ${k}_ok)/$(get systemd_n) |"
	done
	echo "| as shipped / options off | $(ratio "$(get systemd_unit_p50_ms)" "$(get systemd_unit_nons_p50_ms)") x | $(ratio "$(get systemd_unit_p90_ms)" "$(get systemd_unit_nons_p90_ms)") x | | | |"
	# the one-process pair, when bench/systemd.sh measured it
	if [ "$(get systemd_listen_ok)" != n/a ]; then
		for u in listen hostlisten; do
			[ $u = listen ] && name="inhook-listen.service as shipped (Accept=no: one process, the same sandbox)" ||
			    name="inhook --listen on the host (no systemd, no sandbox)"
			k=systemd_$u
			echo "| $name | $(get ${k}_p50_ms) | $(get ${k}_p90_ms) | $(get ${k}_p99_ms) | $(get ${k}_max_ms) | $(get ${k}_ok)/$(get systemd_n) |"
		done
		k=systemd_listen_cold
		echo "| inhook-listen, first delivery after a stop (the socket starts it; median of $(get ${k}_n)) | $(get ${k}_p50_ms) | | | $(get ${k}_max_ms) | $(get ${k}_ok)/$(get ${k}_n) |"
		echo "| inhook@.service / inhook-listen.service | $(ratio "$(get systemd_unit_p50_ms)" "$(get systemd_listen_p50_ms)") x | $(ratio "$(get systemd_unit_p90_ms)" "$(get systemd_listen_p90_ms)") x | | | |"
	fi
	echo "| inhook alone, pipe mode (wall ms per request, median of 9 rounds of 40; CPU $(get pipecpu_inhook_small) ms) | $(get pipewall_inhook_small) | | | | |"
	echo
	echo "$(get systemd_version) as PID 1 in systemd-nspawn (make check-systemd's container, booted in $(get systemd_boot_s) s), inhook installed"
	echo "by \`make install install-systemd\`, the hook set to /bin/true by a drop-in; bench/loadgen sends the deliveries one after another,"
	echo "each on a new connection, from the container's network namespace (latency: connect to the whole answer), after 5 not counted."
	echo "Options off: DynamicUser=, Private*=, Protect*=, ProcSubset=, StateDirectory=, IPAddressDeny= (tests/systemd/lib.sh, sd_nons)."
}
# the headline: inhook --listen against webhook, then the per-connection mode's
# ratios; the last section, so the last thing make bench prints
headline_section() {
	echo
	echo "### Headline: inhook --listen against webhook $peerv (synchronous), sample body, hook /bin/true, this run"
	echo
	if [ $listen != 1 ] || [ $peer != 1 ]; then
		echo "| inhook --listen | $( [ $listen = 1 ] && echo "webhook is not installed" || echo "not measured: this inhook has no --listen") |"
		echo "|---|---|"
	else
		echo "| | inhook --listen | webhook $peerv | inhook/webhook | target |"
		echo "|---|---:|---:|---:|---|"
		for c in 1 8; do
			a=$(get h_listen_${c}_rps); w=$(get h_peer_${c}_rps); r=$(ratio "$a" "$w")
			echo "| req/s, conc. $c (median of $ROUNDS alternating runs) | $a | $w | $r | >= 1: $(passge "$r" 1) |"
		done
		for c in 1 8; do
			a=$(get h_listen_${c}_p50_ms); w=$(get h_peer_${c}_p50_ms)
			echo "| p50 latency ms, conc. $c | $a | $w | $(ratio "$a" "$w") | |"
		done
		for c in 1 8; do
			a=$(get h_listen_${c}_cpu_req_ms); w=$(get h_peer_${c}_cpu_req_ms); r=$(ratio "$a" "$w")
			echo "| CPU ms/delivery, conc. $c: process tree (getrusage) | $a | $w | $r | <= 1: $(pass "$r" 1) |"
		done
		a1=$(get h_listen_1_cg_req_ms); w1=$(get h_peer_1_cg_req_ms)
		a8=$(get h_listen_8_cg_req_ms); w8=$(get h_peer_8_cg_req_ms)
		echo "| CPU ms/delivery, conc. 1 / 8: the server's cgroup (cpu.stat) | $a1 / $a8 | $w1 / $w8 | $(ratio "$a1" "$w1") / $(ratio "$a8" "$w8") | |"
		a=$(get idle_listen_srv_rss); w=$(get idle_peer_srv_rss)
		echo "| RSS KiB of the idle server after start (Pss, private) | $a ($(get idle_listen_srv_pss), $(get idle_listen_srv_priv)) | $w ($(get idle_peer_srv_pss), $(get idle_peer_srv_priv)) | $(ratio "$a" "$w") | <= 1024: $(pass "$a" 1024) |"
		a=$(get h_listen_8_srv_rss); w=$(get h_peer_8_srv_rss)
		echo "| RSS KiB of the idle server after load (conc. 8; Pss, private) | $a ($(get h_listen_8_srv_pss), $(get h_listen_8_srv_priv)) | $w ($(get h_peer_8_srv_pss), $(get h_peer_8_srv_priv)) | $(ratio "$a" "$w") | <= 1024: $(pass "$a" 1024) |"
		if [ $static_ok = 1 ]; then
			a=$(get idle_lstatic_srv_rss); b=$(get lstatic_small_8_srv_rss)
			echo "| inhook-static --listen: RSS KiB after start / after load (conc. 8) | $a / $b | | | <= 1024: $(pass "$a" 1024) / $(pass "$b" 1024) |"
		fi
		a=$(get inhook_stripped)
		echo "| binary, stripped bytes (glibc dynamic, BearSSL static) | $a ($(kib "$a" 1) KiB) | $(get peer_file) (as packaged) | $(ratio "$a" "$(get peer_file)" 4) | <= 65536: $(pass "$a" 65536) |"
		if [ $static_ok = 1 ]; then
			echo "| inhook-static (make static), stripped bytes | $(get istatic_stripped) ($(kib "$(get istatic_stripped)" 1) KiB) | | | |"
		else
			echo "| inhook-static (make static) | n/a: $static_why | | | |"
		fi
	fi
	echo
	echo "Starting a process on this machine (bench/spawn, CPU ms each, 200 in a row): fork and exit $(get spawn_fork_cpu_ms),"
	echo "fork and exec /bin/true $(get spawn_forkx_cpu_ms), vfork and exec /bin/true $(get spawn_vforkx_cpu_ms)."
	echo "Per connection (inetd mode, same run, under systemd-socket-activate): req/s inhook/webhook $(ratio "$(get inhook_small_1_rps)" "$(get peer_small_1_rps)") at conc. 1,"
	echo "$(ratio "$(get inhook_small_8_rps)" "$(get peer_small_8_rps)") at conc. 8; CPU/delivery inhook/webhook $(ratio "$(get inhook_small_1_cpu_req_ms)" "$(get peer_small_1_cpu_req_ms)") / $(ratio "$(get inhook_small_8_cpu_req_ms)" "$(get peer_small_8_cpu_req_ms)");"
	r1=$(ratio "$(get inhook_small_1_cpu_req_ms)" "$(get floor_small_1_cpu_req_ms)")
	r8=$(ratio "$(get inhook_small_8_cpu_req_ms)" "$(get floor_small_8_cpu_req_ms)")
	rp=$(get pipecpu_ratio_small)
	echo "CPU/request inhook/floor $r1 / $r8 under the supervisor, $rp in pipe mode (target 1.15: $(pass "$r1" 1.15) / $(pass "$r8" 1.15) / $(pass "$rp" 1.15))."
	if [ $listen = 1 ] && [ $peer = 1 ]; then
		echo "CPU per delivery: user+system time of the whole tree (listener, its children, their hooks; webhook and its hooks), reaped"
		echo "and summed by getrusage through bench/rusage, less an idle start and stop, over the good deliveries; the cgroup row counts"
		echo "every process in the server's own cgroup v2 group, reaped or not (n/a when not root). Memory: the server process"
		echo "alone (VmRSS; Pss and private from smaps_rollup), after a 0.2 s idle start, and once the load run's children are gone."
	fi
}
peerv=$(webhook -version 2>/dev/null | awk '{ print $NF }')
sb=$(get body_small_bytes)
kib() { calc "$1 / 1024" "" "${2:-0}"; }
pass() {  # pass VALUE LIMIT: PASS when VALUE <= LIMIT
	case "$1$2" in *n/a*) echo "n/a" ;; *) awk -v v="$1" -v l="$2" 'BEGIN { print (v + 0 <= l + 0) ? "PASS" : "MISS" }' ;; esac
}
passge() {
	case "$1$2" in *n/a*) echo "n/a" ;; *) awk -v v="$1" -v l="$2" 'BEGIN { print (v + 0 >= l + 0) ? "PASS" : "MISS" }' ;; esac
}
{
echo "## make bench"
echo
echo "$(date -u '+%Y-%m-%d %H:%M UTC'); load average at start $load, $sched; $(nproc) CPUs ($(sed -n 's/^model name[^:]*: //p' /proc/cpuinfo | head -n 1)), $(free -h | awk '/^Mem:/ { print $2 }') RAM, Linux $(uname -r);"
if [ "$ONLY" = systemd ]; then
	echo "inhook $(./inhook --version | awk '{ print $NF }'), $(${CC:-cc} --version | head -n 1)."
	echo "Command: \`BENCH_ONLY=systemd make bench\` (sh bench/run.sh). Hook: /bin/true. Sample body: tests/data/jobserv-build.json ($sb bytes)."
elif [ "$ONLY" = tls ]; then
	echo "inhook $(./inhook --version | awk '{ print $NF }'), $(tls_versions), $(${CC:-cc} --version | head -n 1)."
	echo "Command: \`BENCH_ONLY=tls make bench\` (sh bench/run.sh). Hook: /bin/true. Sample body: tests/data/jobserv-build.json ($sb bytes)."
else
	echo "inhook $(./inhook --version | awk '{ print $NF }'), webhook $peerv, $(valgrind --version), $(systemd-socket-activate --version | head -n 1 | cut -d' ' -f1-2), $(${CC:-cc} --version | head -n 1)."
	echo "Command: \`$( [ -n "$ONLY" ] && echo "BENCH_ONLY=$ONLY ")make bench\` (sh bench/run.sh). Hook: /bin/true. Sample body: tests/data/jobserv-build.json ($sb bytes);"
	printf '%s\n' '1 MiB body: bench/mkbody 1048576 300 (a build with 300 runs and ~3.4 KB logs with \n and \" escapes and UTF-8).'
fi
echo
if [ "$ONLY" != systemd ] && [ "$ONLY" != tls ]; then
	echo "### Load: a new TCP connection per request on 127.0.0.1 (bench/loadgen), at most ${SECS} s per row"
	echo
	echo "| server | body | conc. | requests | req/s | p50 ms | p90 ms | p99 ms | CPU ms/req |"
	echo "|---|---|---:|---:|---:|---:|---:|---:|---:|"
	for b in $bodies; do
		[ $b = small ] && bl="$sb B" || bl="1 MiB"
		for c in 1 8; do
			for s in floor inhook async listen lstatic peer; do
				case $s in
				floor) name="floor (bench/floor.c)" ;;
				inhook) name="inhook" ;;
				async) name="inhook --async" ;;
				listen) name="inhook --listen" ;;
				lstatic) name="inhook-static --listen" ;;
				peer) name="webhook $peerv, persistent (sha256= form)" ;;
				esac
				case $s in
				async) [ -z "$ONLY" ] || continue ;;
				listen) [ $listen = 1 ] || continue ;;
				lstatic) [ $listen$static_ok = 11 ] || continue ;;
				esac
				k=${s}_${b}_$c
				if [ "$(get "${k}_requests")" = n/a ]; then
					echo "| $name | $bl | $c | n/a | n/a | | | | |"
					continue
				fi
				echo "| $name | $bl | $c | $(get "${k}_ok") | $(get "${k}_rps") | $(get "${k}_p50_ms") | $(get "${k}_p90_ms") | $(get "${k}_p99_ms") | $(get "${k}_cpu_req_ms") |"
			done
		done
	done
	echo
	echo "floor and inhook run under \`systemd-socket-activate --accept --inetd\` (one process per connection; inhook with --log-stderr to /dev/null),"
	[ $listen = 1 ] && echo "inhook --listen as one persistent listener that forks a child per connection (log on stderr, to /dev/null)$( [ $static_ok = 1 ] || echo "; inhook-static --listen: n/a, $static_why"),"
	echo "webhook as one persistent process (include-command-output-in-response, so it waits for the hook). webhook cannot verify"
	echo "JobServ's \`sha256:\` signature, so it gets GitHub's \`X-Hub-Signature-256: sha256=\` form of the same HMAC over the same body."
	echo "CPU ms/req: user+system time of the server's whole process tree (supervisor or listener, responders, hooks; getrusage of the reaped"
	echo "tree) minus an idle start and stop, divided by the requests. inhook --async: $( [ $async = 1 ] && echo 'answers 202 once the hook has started (latency ends there; the CPU column still counts the hook)' || echo 'n/a (not implemented yet)')."
fi
if [ -z "$ONLY" ]; then
	echo
	echo "### Cost per request, one process (pipe mode: raw request on stdin)"
	echo
	echo "| | inhook | floor | inhook/floor | inhook-static | floor-static |"
	echo "|---|---:|---:|---:|---:|---:|"
	for b in small big; do
		[ $b = small ] && bl="$sb B body" || bl="1 MiB body"
		echo "| instructions, $bl (callgrind) | $(get inhook_ir_$b) | $(get floor_ir_$b) | $(ratio "$(get inhook_ir_$b)" "$(get floor_ir_$b)") | $(get istatic_ir_$b) | $(get fstatic_ir_$b) |"
	done
	for b in small big; do
		[ $b = small ] && bl="$sb B body" || bl="1 MiB body"
		echo "| RSS KiB at hook time, $bl | $(get inhook_rss_$b) | $(get floor_rss_$b) | $(ratio "$(get inhook_rss_$b)" "$(get floor_rss_$b)") | $(get istatic_rss_$b) | $(get fstatic_rss_$b) |"
		echo "| private dirty KiB, $bl | $(get inhook_priv_$b) | $(get floor_priv_$b) | | $(get istatic_priv_$b) | $(get fstatic_priv_$b) |"
		[ "$(get inhook_krss_$b)" = n/a ] ||
		    echo "| inhook's keeper (a fork that starts the hook): RSS / private dirty KiB, $bl | $(get inhook_krss_$b) / $(get inhook_kpriv_$b) | | | $(get istatic_krss_$b) / $(get istatic_kpriv_$b) | |"
	done
	for b in small big; do
		[ $b = small ] && bl="$sb B body" || bl="1 MiB body"
		echo "| CPU ms/request with its hook, $bl (median of 9 alternating rounds) | $(get pipecpu_inhook_$b) | $(get pipecpu_floor_$b) | $(get pipecpu_ratio_$b) | | |"
	done
	echo "| binary, text+data bytes (size) | $(get inhook_textdata) | $(get floor_textdata) | $(ratio "$(get inhook_textdata)" "$(get floor_textdata)") | $(get istatic_textdata) | $(get fstatic_textdata) |"
	echo "| binary, stripped file bytes | $(get inhook_stripped) | $(get floor_stripped) | $(ratio "$(get inhook_stripped)" "$(get floor_stripped)") | $(get istatic_stripped) | $(get fstatic_stripped) |"
	echo
	echo "inhook's text+data by module (bytes; bench/results/size-modules.txt): $(get modules_top); all modules $(get modules_textdata), the rest ($(calc "$(get inhook_textdata) - $(get modules_textdata)" "" 0)) is BearSSL, C start-up and dynamic linking tables."
	echo "Memory: the responder's /proc/PID/smaps_rollup read by the hook while the responder waits for it (exact; median of 5; address randomisation off);"
	echo "where the hook's parent is inhook's keeper (forked by the responder to start and watch the hook), the keeper's too, in its own row."
	echo "Dynamic builds link libc dynamically and BearSSL statically with the Makefile's flags; -static ones as \`make static\` (musl, container/musl-static.sh; floor-static with its compiler and BearSSL)."
	echo
	echo "### Throughput, 1 MiB body, MB per CPU second (in process: bench/throughput over src/, best of 5)"
	echo
	echo "| signature + validate + export | signature alone | validate + export alone | end to end, pipe mode, inhook and its hook |"
	echo "|---:|---:|---:|---:|"
	echo "| $(get tput_mbps) MB/s | $(get tput_sig_mbps) MB/s | $(get tput_export_mbps) MB/s | $(get pipe_mbps) MB/s |"
	echo
	echo "### Targets"
	echo
	echo "| target | measured | result |"
	echo "|---|---|---|"
	r=$(ratio "$(get inhook_ir_small)" "$(get floor_ir_small)")
	echo "| instructions/request <= 1.5 x floor (sample body) | $r x | $(pass "$r" 1.5) |"
	r1=$(ratio "$(get inhook_small_1_cpu_req_ms)" "$(get floor_small_1_cpu_req_ms)")
	r8=$(ratio "$(get inhook_small_8_cpu_req_ms)" "$(get floor_small_8_cpu_req_ms)")
	rp=$(get pipecpu_ratio_small)
	echo "| CPU/request <= 1.15 x floor (sample body; supervisor tree at conc. 1 / 8; pipe mode, alternating) | $r1 x / $r8 x / $rp x | $(pass "$r1" 1.15) / $(pass "$r8" 1.15) / $(pass "$rp" 1.15) |"
	r=$(ratio "$(get inhook_rss_small)" "$(get floor_rss_small)")
	echo "| RSS <= 1.25 x floor, same linking (sample body) | $r x ($(get inhook_rss_small) / $(get floor_rss_small) KiB) | $(pass "$r" 1.25) |"
	v=$(get istatic_rss_small)
	echo "| RSS <= 1 MiB, make static (sample body) | $v KiB | $(pass "$v" 1024) |"
	ch=0
	for b in small big; do for c in 1 8; do
		x=$(get "inhook_${b}_${c}_children_after"); [ "$x" = 0 ] || ch=1
	done; done
	echo "| zero resident memory between deliveries | $( [ $ch = 0 ] && echo "no inhook process left after each run (supervisor: $(get inhook_small_1_srv_rss) KiB)" || echo "inhook processes left after a run") | $( [ $ch = 0 ] && echo PASS || echo MISS) |"
	v=$(get inhook_stripped)
	echo "| binary <= 64 KiB (stripped, dynamic libc, BearSSL static) | $v bytes ($(kib "$v" 1) KiB; unstripped $(get inhook_file)) | $(pass "$v" 65536) |"
	v=$(get tput_mbps)
	echo "| 1 MiB body verified, validated, exported >= 100 MB/s | $v MB/s | $(passge "$v" 100) |"
	if [ $listen = 1 ]; then
		r1=$(ratio "$(get h_listen_1_rps)" "$(get h_peer_1_rps)")
		r8=$(ratio "$(get h_listen_8_rps)" "$(get h_peer_8_rps)")
		echo "| inhook --listen req/s >= webhook's (sample body, conc. 1 / 8, median of $ROUNDS alternating runs) | $r1 x / $r8 x | $(passge "$r1" 1) / $(passge "$r8" 1) |"
		r1=$(ratio "$(get h_listen_1_cpu_req_ms)" "$(get h_peer_1_cpu_req_ms)")
		r8=$(ratio "$(get h_listen_8_cpu_req_ms)" "$(get h_peer_8_cpu_req_ms)")
		echo "| inhook --listen CPU/delivery <= webhook's (process tree, conc. 1 / 8) | $r1 x / $r8 x | $(pass "$r1" 1) / $(pass "$r8" 1) |"
		v1=$(get idle_listen_srv_rss); v2=$(get h_listen_8_srv_rss)
		echo "| idle listener RSS <= 1 MiB (inhook --listen, after start / after load) | $v1 / $v2 KiB | $(pass "$v1" 1024) / $(pass "$v2" 1024) |"
		if [ $static_ok = 1 ]; then
			v1=$(get idle_lstatic_srv_rss); v2=$(get lstatic_small_8_srv_rss)
			echo "| idle listener RSS <= 1 MiB (inhook-static --listen, after start / after load) | $v1 / $v2 KiB | $(pass "$v1" 1024) / $(pass "$v2" 1024) |"
		fi
	fi
	echo
	echo "### inhook against the peer"
	echo
	echo "| | conc. 1, sample | conc. 8, sample | conc. 1, 1 MiB | conc. 8, 1 MiB |"
	echo "|---|---:|---:|---:|---:|"
	echo "| req/s inhook/webhook | $(ratio "$(get inhook_small_1_rps)" "$(get peer_small_1_rps)") | $(ratio "$(get inhook_small_8_rps)" "$(get peer_small_8_rps)") | $(ratio "$(get inhook_big_1_rps)" "$(get peer_big_1_rps)") | $(ratio "$(get inhook_big_8_rps)" "$(get peer_big_8_rps)") |"
	echo "| CPU/request inhook/webhook | $(ratio "$(get inhook_small_1_cpu_req_ms)" "$(get peer_small_1_cpu_req_ms)") | $(ratio "$(get inhook_small_8_cpu_req_ms)" "$(get peer_small_8_cpu_req_ms)") | $(ratio "$(get inhook_big_1_cpu_req_ms)" "$(get peer_big_1_cpu_req_ms)") | $(ratio "$(get inhook_big_8_cpu_req_ms)" "$(get peer_big_8_cpu_req_ms)") |"
	if [ $listen = 1 ]; then
		echo "| req/s inhook --listen/webhook | $(ratio "$(get listen_small_1_rps)" "$(get peer_small_1_rps)") | $(ratio "$(get listen_small_8_rps)" "$(get peer_small_8_rps)") | $(ratio "$(get listen_big_1_rps)" "$(get peer_big_1_rps)") | $(ratio "$(get listen_big_8_rps)" "$(get peer_big_8_rps)") |"
		echo "| CPU/request inhook --listen/webhook | $(ratio "$(get listen_small_1_cpu_req_ms)" "$(get peer_small_1_cpu_req_ms)") | $(ratio "$(get listen_small_8_cpu_req_ms)" "$(get peer_small_8_cpu_req_ms)") | $(ratio "$(get listen_big_1_cpu_req_ms)" "$(get peer_big_1_cpu_req_ms)") | $(ratio "$(get listen_big_8_cpu_req_ms)" "$(get peer_big_8_cpu_req_ms)") |"
		echo "| inhook --listen parent RSS KiB after the run (peak) | $(get listen_small_1_srv_rss) ($(get listen_small_1_srv_hwm)) | $(get listen_small_8_srv_rss) ($(get listen_small_8_srv_hwm)) | $(get listen_big_1_srv_rss) ($(get listen_big_1_srv_hwm)) | $(get listen_big_8_srv_rss) ($(get listen_big_8_srv_hwm)) |"
	fi
	echo "| webhook peak RSS KiB (VmHWM) | $(get peer_small_1_srv_hwm) | $(get peer_small_8_srv_hwm) | $(get peer_big_1_srv_hwm) | $(get peer_big_8_srv_hwm) |"
	echo "| webhook RSS KiB between deliveries | $(get peer_small_1_srv_rss) | $(get peer_small_8_srv_rss) | $(get peer_big_1_srv_rss) | $(get peer_big_8_srv_rss) |"
	echo "| memory inhook/webhook: one inhook's RSS / webhook's peak | $(ratio "$(get inhook_rss_small)" "$(get peer_small_1_srv_hwm)") | $(ratio "$(get inhook_rss_small)" "$(get peer_small_8_srv_hwm)") | $(ratio "$(get inhook_rss_big)" "$(get peer_big_1_srv_hwm)") | $(ratio "$(get inhook_rss_big)" "$(get peer_big_8_srv_hwm)") |"
	echo
	echo "Between deliveries inhook in inetd mode holds no memory at all (no process); webhook keeps its RSS, inhook --listen its parent's."
	echo "At concurrency 8, up to 8 inhook processes (each with the RSS above, mostly shared libc pages) run at once."
	echo "Profiles: bench/results/profile.*.txt (callgrind_annotate)."
fi
[ "$ONLY" = tls ] || systemd_section
[ -z "$ONLY" ] || [ "$ONLY" = tls ] && tls_section
case "$ONLY" in "" | listen) headline_section ;; esac
} > "$R/$out.md"
cat "$R/$out.md"
[ $failed = 0 ] || { echo "bench: something failed to run (see above)" >&2; exit 1; }
exit 0

# shellcheck shell=sh disable=SC2154,SC2034
# (sourced by bench/run.sh, which sets top, T, B, port, listen, sb, ... and
# whose start() reads TLSOPT and STCONF)
# bench/tls.sh: make bench's HTTPS rows; sourced by bench/run.sh, whose
# helpers it uses (put, get, calc, ratio, kv, median, say, fail, start,
# stop, perreq) after run.sh has built inhook and bench/, made the secret
# and the signed sample request ($T/small.req). Defines tls_mode (measures)
# and tls_section (its part of the table) and tls_versions.
#
# inhook's own TLS against what a user would pick today: stunnel4 in inetd
# mode wrapping inhook (stunnel reads the connection on fds 0/1 and runs
# inhook in plain mode on a socket pair: exec/execArgs, no accept). Both
# under the supervisor of make bench's inetd rows (systemd-socket-activate
# --accept --inetd, one process per connection) in bench/rusage, so that the
# supervisor's cost is the same; inhook --tls-cert as a listener too; and
# plain inhook under the same supervisor, for what TLS adds.
#
# For each key, an EC P-256 and an RSA-2048 certificate (self-signed for
# 127.0.0.1, made here with openssl), rows:
#   tls        inhook --tls-cert (TLS 1.2, BearSSL)
#   stunnel    stunnel4 held to TLS 1.2 (sslVersionMax), otherwise default
#   stunnel13  stunnel4 with its defaults (TLS 1.3 with this client)
#   tlisten    inhook --listen --tls-cert (when inhook has --listen)
# and once per round the plain inhook row (bench/loadgen, no TLS).
# bench/tlsload.py is the client for every TLS row: concurrency 1, a new
# connection and a full handshake per delivery, the certificate checked.
#
# BENCH_TLS_ROUNDS rounds (default 3, 1..9), each with every row once, for
# each key; the rows' order turns by one each round so that drift and other
# work on the machine hit all of them. BENCH_TLS_N deliveries per row and key
# in all (default 300), split evenly over the rounds; each run is bounded
# by BENCH_TLS_SECONDS (default 60).
# CPU per delivery is the server's cgroup v2 group's (as root: every
# process in it), less an idle start and stop, over the good deliveries.
# getrusage of the supervisor's reaped tree is beside it, but misses
# stunnel's inhook: stunnel ignores SIGCHLD, so the kernel reaps its child
# itself and drops the child's times. Not root (no cgroup): the getrusage
# figures, and the table says that stunnel's are short.
# Figures (tsv): tls_KIND_KEY_ROUND_* for each run, and over the rounds:
# tls_KIND_KEY_cpu_ms and _cg_ms (median of the rounds' CPU ms per
# delivery by getrusage and by the cgroup), _ms (the cgroup's, or
# getrusage's without one; tls_cpu_by says which), _hs_p50_ms, _hs_p99_ms, _p50_ms, _p99_ms
# (pooled over the rounds: connect to handshake complete, connect to the
# whole answer), _ok, _version, _cipher; tls_plain_* likewise;
# notls_stripped (make TLS=no, stripped, built in bench/build/notls).

TLSN=${BENCH_TLS_N:-300}
TROUNDS=${BENCH_TLS_ROUNDS:-3}
TSECS=${BENCH_TLS_SECONDS:-60}
case "$TROUNDS" in [1-9]) ;; *) echo "bench: BENCH_TLS_ROUNDS=$TROUNDS: 1 to 9" >&2; exit 1 ;; esac
case "$TLSN" in '' | *[!0-9]*) echo "bench: BENCH_TLS_N=$TLSN: a number" >&2; exit 1 ;; esac
TD=$T/tls
TLSOPT=""
STCONF=""

tls_versions() {
	printf '%s (%s), python3 %s ssl client (%s)' \
	    "$(stunnel -version 2>&1 | awk '/^stunnel/ { print $1, $2; exit }')" \
	    "$(stunnel -version 2>&1 | sed -n 's/^Running *with //p' | cut -d' ' -f1-2)" \
	    "$(python3 -c 'import platform; print(platform.python_version())')" \
	    "$(python3 -c 'import ssl; print(ssl.OPENSSL_VERSION)' | cut -d' ' -f1-2)"
}

# tls_keys: DIR/ec.pem, ec.key, rsa.pem, rsa.key (mode 600), self-signed
# for 127.0.0.1 and localhost, and the stunnel configurations for each
tls_keys() {
	for kt in ec rsa; do
		[ $kt = ec ] && nk="ec -pkeyopt ec_paramgen_curve:P-256" || nk="rsa:2048"
		# shellcheck disable=SC2086
		openssl req -x509 -newkey $nk -nodes -keyout "$TD/$kt.key" -out "$TD/$kt.pem" \
		    -days 2 -subj "/CN=inhook bench $kt" \
		    -addext "subjectAltName=IP:127.0.0.1,DNS:localhost" > "$TD/openssl.log" 2>&1 ||
		    { fail "openssl req ($kt): $(tail -n 2 "$TD/openssl.log")"; return 1; }
		chmod 600 "$TD/$kt.key"
		for v in stunnel stunnel13; do
			{
				echo "syslog = no"
				echo "debug = err"
				echo "pid ="
				echo "cert = $TD/$kt.pem"
				echo "key = $TD/$kt.key"
				[ $v = stunnel ] && echo "sslVersionMax = TLSv1.2"
				echo "exec = $top/inhook"
				echo "execArgs = inhook ${INHOOK#"$top"/inhook } /bin/true"
			} > "$TD/$kt.conf.$v"
		done
	done
}

# tls_run KIND KEY ROUND COUNT: one run of COUNT deliveries
tls_run() {
	TLSOPT="--tls-cert $TD/$2.pem --tls-key $TD/$2.key"
	STCONF=$TD/$2.conf
	say "HTTPS: $1, $2 key, round $3 of $TROUNDS"
	start "$1" || return
	k=tls_${1}_${2}_$3
	if [ "$1" = inhook ]; then
		line=$(timeout $((TSECS + 60)) "$B/loadgen" -p "$port" -f "$T/small.req" -c 1 -n "$4" -t "$TSECS" -T 30 -s 200)
	else
		line=$(timeout $((TSECS + 60)) python3 bench/tlsload.py -p "$port" -f "$T/small.req" -a "$TD/$2.pem" \
		    -n "$4" -t "$TSECS" -o "$TD/samples.$1.$2")
	fi
	rc=$?
	stop "$k"
	[ $rc = 0 ] || fail "HTTPS $1, $2 key: $line"
	for key in requests ok failed p50_ms p99_ms hs_p50_ms hs_p99_ms version cipher; do
		put "${k}_$key" "$(kv "$line" $key)"
	done
	perreq "$k" "tls_${1}_$2"
	get "${k}_cpu_req_ms" >> "$TD/cpu.$1.$2"
	get "${k}_cg_req_ms" >> "$TD/cg.$1.$2"
	get "${k}_ok" >> "$TD/ok.$1.$2"
}

tls_mode() {
	mkdir -p "$TD" || { fail "mkdir $TD"; return; }
	put tls_load_start "$(cut -d' ' -f1-3 /proc/loadavg)"
	# the size without TLS: make TLS=no in a build directory of its own,
	# so that ./inhook and tests/build stay as they are
	say "HTTPS: make TLS=no in $B/notls (for its size)"
	if $MAKE -s --no-print-directory BUILD="$B/notls" BIN="$B/notls/inhook" TLS=no "$B/notls/inhook" > "$TD/notls.log" 2>&1 &&
	    cp "$B/notls/inhook" "$TD/stripped" && strip "$TD/stripped"; then
		put notls_stripped "$(wc -c < "$TD/stripped" | tr -d ' ')"
	else
		fail "make TLS=no: $(tail -n 3 "$TD/notls.log")"
	fi
	command -v stunnel > /dev/null || { fail "stunnel (stunnel4) is not installed"; return; }
	tls_keys || return
	kinds="tls stunnel stunnel13"
	[ $listen = 1 ] && kinds="$kinds tlisten"
	per=$(( (TLSN + TROUNDS - 1) / TROUNDS ))
	say "HTTPS: idle baselines"
	for kt in ec rsa; do
		TLSOPT="--tls-cert $TD/$kt.pem --tls-key $TD/$kt.key"
		STCONF=$TD/$kt.conf
		for kind in $kinds; do
			start $kind && { sleep 0.2; stop "idle_tls_${kind}_$kt"; }
		done
	done
	start inhook && { sleep 0.2; stop idle_tls_inhook_plain; }
	round=1
	order=$kinds
	while [ $round -le "$TROUNDS" ]; do
		tls_run inhook plain $round "$per"
		for kt in ec rsa; do
			for kind in $order; do tls_run $kind $kt $round "$per"; done
		done
		# turn the order by one
		# shellcheck disable=SC2086
		set -- $order
		first=$1; shift
		order="$* $first"
		round=$((round + 1))
	done
	for kind in $kinds inhook; do
		for kt in ec rsa plain; do
			[ -f "$TD/cpu.$kind.$kt" ] || continue
			k=tls_${kind}_$kt
			put "${k}_cpu_ms" "$(median < "$TD/cpu.$kind.$kt")"
			put "${k}_cg_ms" "$(median < "$TD/cg.$kind.$kt")"
			[ "$(get "${k}_cg_ms")" = n/a ] && by=cpu || by=cg
			put "${k}_ms" "$(get "${k}_${by}_ms")"
			put "${k}_ok" "$(awk '{ s += $1 } END { print s + 0 }' "$TD/ok.$kind.$kt")"
			put "${k}_version" "$(get "${k}_${TROUNDS}_version")"
			put "${k}_cipher" "$(get "${k}_${TROUNDS}_cipher")"
			if [ -f "$TD/samples.$kind.$kt" ]; then
				put "${k}_hs_p50_ms" "$(cut -d' ' -f1 "$TD/samples.$kind.$kt" | tls_pct 50)"
				put "${k}_hs_p99_ms" "$(cut -d' ' -f1 "$TD/samples.$kind.$kt" | tls_pct 99)"
				put "${k}_p50_ms" "$(cut -d' ' -f2 "$TD/samples.$kind.$kt" | tls_pct 50)"
				put "${k}_p99_ms" "$(cut -d' ' -f2 "$TD/samples.$kind.$kt" | tls_pct 99)"
			else    # the plain row: median of the rounds' loadgen figures
				for x in p50_ms p99_ms; do
					r=1; : > "$TD/x"
					while [ $r -le "$TROUNDS" ]; do get "${k}_${r}_$x" >> "$TD/x"; r=$((r + 1)); done
					put "${k}_$x" "$(median < "$TD/x")"
				done
			fi
		done
	done
	[ "$(get tls_tls_ec_cg_ms)" = n/a ] && put tls_cpu_by getrusage || put tls_cpu_by cgroup
	put tls_load_end "$(cut -d' ' -f1-3 /proc/loadavg)"
}

# tls_pct P: the P-th percentile (nearest rank) of the numbers on stdin
tls_pct() {
	sort -n | awk -v p="$1" '{ v[NR] = $1 } END {
	    if (!NR) { print "n/a"; exit } k = int((NR * p + 99) / 100); if (k < 1) k = 1; print v[k] }'
}

tls_section() {
	echo
	echo "### HTTPS: inhook's own TLS against stunnel4 (inetd mode) wrapping inhook; sample body ($sb B), hook /bin/true, concurrency 1"
	echo
	if [ "$(get tls_tls_ec_cpu_ms)" = n/a ]; then
		echo "| HTTPS | not measured (see the messages above) |"
		echo "|---|---|"
		return
	fi
	echo "| server | key | delivered | CPU ms/delivery (cgroup) | reaped tree (getrusage) | handshake p50 ms | handshake p99 ms | delivery p50 ms | delivery p99 ms | negotiated |"
	echo "|---|---|---:|---:|---:|---:|---:|---:|---:|---|"
	for kt in ec rsa; do
		[ $kt = ec ] && kn="EC P-256" || kn="RSA-2048"
		for kind in tls stunnel stunnel13 tlisten; do
			k=tls_${kind}_$kt
			[ "$(get "${k}_ok")" = n/a ] && continue
			case $kind in
			tls) name="inhook --tls-cert, per connection" ;;
			stunnel) name="stunnel4 + inhook, per connection (sslVersionMax = TLSv1.2)" ;;
			stunnel13) name="stunnel4 + inhook, per connection (stunnel's defaults)" ;;
			tlisten) name="inhook --listen --tls-cert" ;;
			esac
			echo "| $name | $kn | $(get "${k}_ok")/$((per * TROUNDS)) | $(get "${k}_cg_ms") | $(get "${k}_cpu_ms") | $(get "${k}_hs_p50_ms") | $(get "${k}_hs_p99_ms") | $(get "${k}_p50_ms") | $(get "${k}_p99_ms") | $(get "${k}_version") $(get "${k}_cipher") |"
		done
	done
	k=tls_inhook_plain
	echo "| inhook, plain HTTP, per connection (bench/loadgen) | | $(get "${k}_ok")/$((per * TROUNDS)) | $(get "${k}_cg_ms") | $(get "${k}_cpu_ms") | | | $(get "${k}_p50_ms") | $(get "${k}_p99_ms") | |"
	echo
	echo "| target | measured | result |"
	echo "|---|---|---|"
	for kt in ec rsa; do
		[ $kt = ec ] && kn="EC P-256" || kn="RSA-2048"
		r=$(ratio "$(get tls_tls_${kt}_ms)" "$(get tls_stunnel_${kt}_ms)")
		r13=$(ratio "$(get tls_tls_${kt}_ms)" "$(get tls_stunnel13_${kt}_ms)")
		echo "| CPU/delivery, inhook's TLS <= 0.5 x stunnel + inhook, $kn ($(get tls_cpu_by); stunnel held to TLS 1.2 / its defaults) | $r x / $r13 x | $(pass "$r" 0.5) / $(pass "$r13" 0.5) |"
	done
	v=$(get inhook_stripped); w=$(get notls_stripped)
	echo "| binary, stripped, default build (with TLS) <= 160 KiB | $v bytes ($(kib "$v" 1) KiB) | $(pass "$v" 163840) |"
	echo "| binary, stripped, make TLS=no <= 64 KiB | $w bytes ($(kib "$w" 1) KiB) | $(pass "$w" 65536) |"
	echo
	p=$(get tls_inhook_plain_ms)
	printf 'What TLS adds to plain inhook (CPU ms per delivery, %s): inhook'"'"'s own / stunnel'"'"'s (TLS 1.2)' "$(get tls_cpu_by)"
	for kt in ec rsa; do
		a=$(calc "$(get tls_tls_${kt}_ms) - $p" "" 3)
		s=$(calc "$(get tls_stunnel_${kt}_ms) - $p" "" 3)
		[ $kt = ec ] && printf ': EC' || printf ', RSA'
		printf ' %s / %s (%s x)' "$a" "$s" "$(ratio "$a" "$s")"
	done
	echo "."
	echo
	echo "Each row per connection under \`systemd-socket-activate --accept --inetd\` in bench/rusage, as make bench's inetd rows (inhook --listen: one"
	echo "listener that forks a child per connection); stunnel4 in inetd mode (no accept) runs inhook with the same arguments on a socket pair"
	echo "(exec, execArgs). CPU: user+system time of every process in the server's cgroup v2 group (supervisor, stunnel, inhook, its keeper,"
	echo "the hook; as root), less an idle start and stop, per good delivery, median of $TROUNDS rounds; beside it the supervisor's reaped tree by"
	echo "getrusage, which misses stunnel's inhook (stunnel ignores SIGCHLD: the kernel reaps the child and drops its times)$( [ "$(get tls_cpu_by)" = cgroup ] || echo "; NOT ROOT: no cgroup, the targets use getrusage and stunnel's rows are short")."
	echo "The client (bench/tlsload.py, outside both) makes a new connection and full handshake per delivery and checks the"
	echo "self-signed certificate; latency percentiles pooled over the rounds (handshake: connect to handshake complete; delivery: connect to"
	echo "the whole answer). Rows alternate in turning order, $per deliveries each per round, at most ${TSECS} s each."
	echo "Load average at the start of these rows $(get tls_load_start), at the end $(get tls_load_end)."
}

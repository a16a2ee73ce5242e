#!/bin/sh
# tests/runonce/run.sh: "run once" at its edges, through the real binary.
#   tree     at --hook-timeout every process descended from the hook is
#            gone, what left its process group (setsid, setpgid, a double
#            fork) too: plain, --spool, --async and spool retry
#   full     --dedupe on a full file system: 503 before the hook, never a
#            2xx without a record; --spool --dedupe on one small file
#            system at every fill level from 0 to 17 free pages, then the
#            sender's retry and the timer's retry: one run each time
#   window   inhook killed (strace fault injection) at each of its pwrite
#            calls with --spool --dedupe (the claim's room, its note, its
#            202): then the sender's retry and spool retry run it once
# Needs root (tmpfs mounts) for "full"; strace for "window".
. "$(dirname "$0")/../lib.sh"

[ -x "$INHOOK" ] || { nok "runonce: $INHOOK is built"; exit 1; }
MNT=""
cleanup() {
	for f in "$T"/*/p?; do [ -f "$f" ] && kill -9 "$(cat "$f")" 2>/dev/null; done
	for m in $MNT; do umount "$m" 2>/dev/null; done
	rm -rf "$T"
}
trap cleanup EXIT
rawpost "$SAMPLE" > "$T/sample.req"

# alive PID: the process runs (a zombie, killed but not yet reaped, does not)
alive() {
	[ -r "/proc/$1/stat" ] &&
	    [ "$(sed 's/^.*) \(.\).*/\1/' "/proc/$1/stat" 2>/dev/null)" != Z ]
}

# --- tree: the hook's whole tree at --hook-timeout ---------------------------
# The hook leaves four processes that escape its group in different ways,
# records their pids in DIR/p1..p4, and sleeps past the timeout.
cat > "$T/escape" <<'EOF'
#!/bin/sh
d=$1
setsid sleep 60 &
echo $! > "$d/p1"
setsid sh -c 'sleep 60 & echo $! > "$1/p2"' sh "$d" &
python3 -c 'import os,sys; os.setpgid(0,0); open(sys.argv[1]+"/p3","w").write(str(os.getpid())); os.execvp("sleep",["sleep","60"])' "$d" &
sh -c 'sleep 60 & echo $! > "$1/p4"' sh "$d" &
wait_for() { i=0; while [ ! -s "$d/$1" ] && [ $i -lt 100 ]; do sleep 0.02; i=$((i+1)); done; }
wait_for p1; wait_for p2; wait_for p3; wait_for p4
echo ready > "$d/ready"
sleep 60
EOF
chmod 755 "$T/escape"
# tree_check NAME DIR: every recorded process is gone
tree_check() {
	_left=""
	for _f in "$2"/p1 "$2"/p2 "$2"/p3 "$2"/p4; do
		[ -s "$_f" ] || { _left="$_left missing:$(basename "$_f")"; continue; }
		alive "$(cat "$_f")" && _left="$_left $(basename "$_f")"
	done
	same "tree $1: no process of the hook's tree is left" "${_left:-none}" none
}
for mode in plain spool async; do
	d="$T/tree-$mode"
	mkdir -p "$d"
	case $mode in
	plain) opts= ;;
	spool) opts="--spool $T/tree-spool/sp" ;;
	async) opts=--async ;;
	esac
	# shellcheck disable=SC2086
	"$INHOOK" --log-stderr --secret-file "$SECRET" --hook-timeout 2 $opts \
	    -- "$T/escape" "$d" < "$T/sample.req" > "$d/resp" 2> "$d/log"
	case $mode in
	plain) want=504 ;;
	*) want=202 ;;
	esac
	same "tree $mode: answered $want" "$(status < "$d/resp")" "$want"
	check "tree $mode: the hook was ready" test -f "$d/ready"
	check "tree $mode: logged as a timeout" grep -q 'hook=timeout' "$d/log"
	tree_check "$mode" "$d"
done
# spool retry of the entry that timed out: the same again
d="$T/tree-spool"
rm -f "$d"/p? "$d/ready"
"$INHOOK" spool retry --spool "$d/sp" > "$d/retry.out" 2>&1
check "tree spool retry: the hook ran and timed out again" \
    grep -q 'failed again: timeout' "$d/retry.out"
tree_check "spool retry" "$d"

# --- full: --dedupe and --spool on a full file system ------------------------
if [ "$(id -u)" != 0 ]; then
	ok "full: dedupe and spool on a full file system # skip not root (tmpfs)"
else
	mkhook "$T/h"
	FS="$T/fs"
	mkdir -p "$FS"
	if ! mount -t tmpfs -o size=256k,mode=0700 tmpfs "$FS"; then
		nok "full: mount a 256 KiB tmpfs"
	else
		MNT="$FS"
		free_pages() { df -B4096 --output=avail "$FS" | tail -n 1 | tr -d ' '; }
		# fill_to N: leaves N free pages
		fill_to() {
			rm -f "$FS/fill"
			_n=$(( $(free_pages) - $1 ))
			[ "$_n" -gt 0 ] && dd if=/dev/zero of="$FS/fill" bs=4096 count="$_n" 2>/dev/null
			:
		}
		# deliver ARGS...: one delivery, prints the status
		deliver() {
			"$INHOOK" --log-stderr --secret-file "$SECRET" "$@" -- "$T/h/hook" \
			    < "$T/sample.req" > "$T/full.resp" 2>> "$T/full.log"
			status < "$T/full.resp"
		}
		# --dedupe alone, no room at all
		rm -rf "$FS"/* "$T/h/runs"
		mkdir -p "$FS/dd"
		fill_to 0
		same "full: --dedupe with no room: 503, before the hook" \
		    "$(deliver --dedupe "$FS/dd") $(runs "$T/h")" "503 0"
		rm -f "$FS/fill"
		same "full: room again: the retry runs it: 200" \
		    "$(deliver --dedupe "$FS/dd") $(runs "$T/h")" "200 1"
		same "full: then a copy: 200 Already delivered, no second run" \
		    "$(deliver --dedupe "$FS/dd") $(runs "$T/h") $(tail -c 18 "$T/full.resp")" \
		    "200 1 Already delivered"
		# --spool --dedupe on one file system, at every fill level
		bad=""
		levels=0
		for free in 0 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17; do
			rm -rf "$FS"/* "$T/h/runs"
			mkdir -p "$FS/dd" "$FS/sp"
			fill_to "$free"
			first=$(deliver --spool "$FS/sp" --dedupe "$FS/dd")
			rm -f "$FS/fill"
			# the sender retries what was not 2xx, up to 3 times
			got=$first
			for _try in 1 2 3; do
				case $got in 2??) break ;; esac
				got=$(deliver --spool "$FS/sp" --dedupe "$FS/dd")
			done
			"$INHOOK" spool retry --spool "$FS/sp" > /dev/null 2>&1
			"$INHOOK" spool retry --spool "$FS/sp" > /dev/null 2>&1
			# and one more copy, as a late redelivery
			deliver --spool "$FS/sp" --dedupe "$FS/dd" > /dev/null
			r=$(runs "$T/h")
			levels=$((levels + 1))
			[ "$r" = 1 ] || bad="$bad $free:$first:$r"
		done
		same "full: --spool --dedupe, $levels fill levels: the hook ran once at each" \
		    "${bad:-none}" none
		umount "$FS" && MNT=""
	fi
fi

# --- window: killed at each pwrite of a --spool --dedupe delivery ------------
if ! command -v strace >/dev/null; then
	ok "window: kill at each pwrite # skip strace not installed"
else
	mkhook "$T/w"
	bad=""
	n=0
	for k in 1 2 3 4 5 6; do
		rm -rf "$T/wsp" "$T/wdd" "$T/w/runs"
		strace -qq -o /dev/null -e trace=pwrite64 \
		    -e inject=pwrite64:signal=KILL:when="$k" \
		    "$INHOOK" --log-stderr --secret-file "$SECRET" --spool "$T/wsp" \
		    --dedupe "$T/wdd" -- "$T/w/hook" < "$T/sample.req" \
		    > "$T/w1.resp" 2> /dev/null
		first=$(status < "$T/w1.resp")
		got=$first
		for _try in 1 2 3; do
			case $got in 2??) break ;; esac
			"$INHOOK" --log-stderr --secret-file "$SECRET" --spool "$T/wsp" \
			    --dedupe "$T/wdd" -- "$T/w/hook" < "$T/sample.req" \
			    > "$T/w2.resp" 2> /dev/null
			got=$(status < "$T/w2.resp")
		done
		"$INHOOK" spool retry --spool "$T/wsp" > /dev/null 2>&1
		"$INHOOK" spool retry --spool "$T/wsp" > /dev/null 2>&1
		n=$((n + 1))
		r=$(runs "$T/w")
		[ "$r" = 1 ] || bad="$bad pwrite#$k:${first:-killed}:$r"
	done
	same "window: killed at each of $n pwrites, then the retries: one run each" \
	    "${bad:-none}" none
fi

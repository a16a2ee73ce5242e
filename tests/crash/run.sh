#!/bin/sh
# tests/crash/run.sh: kills inhook at each of its own system calls during a
# delivery and counts how often the hook ran to its end ("run once").
#
# For each mode (a set of delivery options):
#  1. one undisturbed delivery is traced (strace -o, without -f: inhook's
#     own process only) and its calls are numbered: INDEX NAME OCCURRENCE
#     (points.awk), and the landmarks of the delivery found (marks.awk);
#  2. for each kill point, a fresh delivery (fresh run directory: spool,
#     dedupe dir, lock, hook log) of the same signed request, in pipe mode,
#     runs under strace -e inject=NAME:signal=KILL:when=OCCURRENCE, again
#     without -f: strace counts injections per tracee, and inhook's
#     children (the keeper, the hook) are not traced at all, so only inhook
#     can be hit (checked once: a kill armed past inhook's last close(2)
#     hits nobody, though the keeper and the hook call close too). The hit
#     is verified: the trace must end with call INDEX (NAME, OCCURRENCE)
#     unfinished ("= ?"), then "+++ killed by SIGKILL +++", strace exiting
#     137. SIGKILL at syscall entry: the call does not take effect. Before
#     it, inhook pauses CRASH_DELAY_US (10 ms) after its last call of
#     another name (delay_exit), so that a hook it started has time to log
#     its start: a hook killed with inhook is seen;
#  3. once the killed delivery's processes are gone (the keeper kills the
#     hook when inhook dies; 5 s at most), the sender resends as JobServ
#     does, when its answer was not a 2xx (none, 409, 5xx): up to 3 times,
#     at once; then the timer runs "inhook spool retry" twice (spool
#     modes). With CRASH_RACE=1 the resends and the first retry do not wait
#     for the killed delivery's keeper to be gone: they race its locks;
#  4. the hook (hook.sh) logs "start PID" and, 50 ms later, "done PID", and
#     "OVERLAP" when two runs overlap. Asserted per kill point: no overlap,
#     the right body, nothing left in the spool's new/ or failed/, and the
#     number of completed runs ("done"). Started runs that never completed
#     (killed with inhook) are counted apart, as failed attempts.
#
# Expected completed runs, by where inhook dies (marks.awk's landmarks; "a
# kill at X" means before X takes effect):
#   plain      1; 2 from the keeper's reaping (the hook has ended) to the
#              answer's write included: the sender never had a 2xx and
#              resends, nothing tells the second inhook about the first
#   spool      1; 2 after the rename into new/ up to the answer's write
#              included: the entry is retried and the sender, without a
#              2xx, resends (at least once, as README says)
#   dedupe, spool-dedupe, async-spool-dedupe (the latter with --lock):
#              1 everywhere, "run once". (A hook that succeeded is
#              recorded as such even when inhook dies right after: in the
#              claim, and by removing the spool entry.)
# Whatever the mode: never two runs at once, the spool empty at the end.
#
# Runtime: each kill point is a few deliveries (~0.3 s), CRASH_JOBS (2) at
# once. By default every point is tried for spool-dedupe, and for the
# other modes every 3rd point plus those next to a landmark; CRASH_FULL=1
# tries them all, CRASH_MODES="plain spool ..." picks modes, CRASH_POINTS=
# "INDEX..." picks points, CRASH_KEEP=1 keeps their run directories (the
# kill's strace log, answers, hook log, spool) in the temp dir it names.
# On 2 cores with a load of 3 to 5: ~45 s by default, ~100 s for
# CRASH_FULL=1 (about 600 points).
. "$(dirname "$0")/../lib.sh"
HERE=$TOP/tests/crash

cleanup() {
	# the keepers kill their hooks when inhook dies; nothing else to stop
	if [ "${CRASH_KEEP:-0}" = 1 ]; then
		echo "# kept: $T"
	else
		rm -rf "$T"
	fi
}
trap cleanup EXIT
trap 'exit 1' INT TERM HUP

if ! command -v strace >/dev/null 2>&1 && [ "$(id -u)" = 0 ]; then
	INHOOK_DEPS_EXTRA=strace sh "$TOP/tests/deps.sh" 2>&1 | sed 's/^/# /'
fi
if ! command -v strace >/dev/null 2>&1; then
	ok "crash: kill at every system call # skip strace missing"
	exit 0
fi
if ! strace -qq -o /dev/null true 2>/dev/null; then
	ok "crash: kill at every system call # skip ptrace not allowed here"
	exit 0
fi
[ -x "$INHOOK" ] || { nok "inhook is built ($INHOOK)"; exit 1; }
# private copies: the binary may be rebuilt while the suite runs
cp "$INHOOK" "$T/inhook" || exit 1
INHOOK=$T/inhook
cp "$HERE/hook.sh" "$T/hook.sh" || exit 1
HOOK=$T/hook.sh
REQ=$T/req
rawpost "$SAMPLE" > "$REQ"

MODES=${CRASH_MODES:-plain dedupe spool spool-dedupe async-spool-dedupe}
# a sanitizer build makes twice the calls (its start), for little more here
[ -n "$INHOOK_SANITIZE" ] && MODES=${CRASH_MODES:-spool-dedupe}
JOBS=${CRASH_JOBS:-2}           # kill points tried at once
DELAY_US=${CRASH_DELAY_US:-10000}   # inhook's pause before it is killed

# mode_opts MODE DIR: the delivery options of MODE, its state in DIR
mode_opts() {
	case $1 in
	plain) echo "" ;;
	dedupe) echo "--dedupe $2/dedupe" ;;
	spool) echo "--spool $2/spool" ;;
	spool-dedupe) echo "--spool $2/spool --dedupe $2/dedupe" ;;
	async-spool-dedupe)
		echo "--async --spool $2/spool --dedupe $2/dedupe --lock $2/lock" ;;
	*) return 1 ;;
	esac
}

# deliver DIR OUT [COMMAND...]: one delivery of $REQ in pipe mode, answer
# in OUT, with COMMAND (strace ...) in front of inhook when given
deliver() {
	_d=$1 _o=$2
	shift 2
	# shellcheck disable=SC2046 # the options are words, paths without spaces
	"$@" "$INHOOK" --log-stderr --secret-file "$SECRET" --hook-timeout 5 \
	    $(mode_opts "$MODE" "$_d") -- "$HOOK" "$_d" "$SAMPLE" \
	    < "$REQ" > "$_o" 2>> "$_d/inhook.log"
}

# alive DIR: true while a process names DIR in its command line (inhook,
# its keeper, which is a fork of it, and the hook all do)
alive() {
	# the pattern from a file whose name does not contain it: grep's own
	# command line must not match
	_p="${1%/*}/pat.${1##*/}"
	printf '%s\n' "$1" > "$_p"
	grep -lqFf "$_p" /proc/[0-9]*/cmdline 2>/dev/null
}

# gone DIR: waits (5 s at most) until no process names DIR
gone() {
	_g=0
	while alive "$1"; do
		_g=$((_g + 1))
		[ "$_g" -ge 250 ] && return 1
		sleep 0.02
	done
}

# count DIR: sets N to the number of entries in DIR
count() {
	N=0
	for _e in "$1"/* "$1"/.[!.]*; do
		[ -e "$_e" ] && N=$((N + 1))
	done
}

# hooklog DIR: sets STARTS, DONES, OVERLAPS, BADBODIES from DIR/log
hooklog() {
	# shellcheck disable=SC2046 # four numbers
	set -- $(awk '{ c[$1]++ } END { print c["start"] + 0, c["done"] + 0,
	    c["OVERLAP"] + 0, c["BADBODY"] + 0 }' "$1/log" 2>/dev/null)
	STARTS=${1:-0} DONES=${2:-0} OVERLAPS=${3:-0} BADBODIES=${4:-0}
}

# code FILE: sets CODE to the status code of the answer in FILE, or none
code() {
	CODE=""
	[ -s "$1" ] && IFS=' ' read -r _x CODE _y < "$1"
	CODE=${CODE:-none}
}

# state DIR: sets STATE to what is on disk (spool, claim) and what the hook
# did so far
state() {
	STATE=""
	if [ -d "$1/spool" ]; then
		count "$1/spool/new"; STATE="new=$N"
		count "$1/spool/tmp"; STATE="$STATE tmp=$N"
		count "$1/spool/failed"; STATE="$STATE failed=$N "
	fi
	if [ -d "$1/dedupe" ]; then
		_c=none _j=0
		for _f in "$1"/dedupe/* "$1"/dedupe/.claim.*; do
			case $_f in
			*/.claim.\*) ;;
			*/.claim.*) _j=$((_j + 1)) ;;
			*) if [ -s "$_f" ]; then
				read -r _w _x < "$_f"; _c="kept:$_w"
			   elif [ -f "$_f" ]; then _c=empty; fi ;;
			esac
		done
		STATE="${STATE}claim=$_c "
		[ "$_j" -gt 0 ] && STATE="${STATE}stray-claim-files=$_j "
	fi
	hooklog "$1"
	STATE="${STATE}hook=${STARTS}started/${DONES}done"
}

# mark NAME: the index of landmark NAME in this mode's trace, 0 when none
mark() { sed -n "s/^$1=//p" "$MD/marks" | grep . || echo 0; }

# want IDX: sets WANT, the expected number of completed runs for a kill
# at call IDX
want() {
	WANT=1
	case $MODE in
	plain)  # the hook ended, the sender had no answer: it resends
		[ "$R" -gt 0 ] && [ "$1" -ge "$R" ] && [ "$1" -le "$A" ] && WANT=2 ;;
	spool)  # spooled, the sender had no answer: a second entry
		[ "$S1" -gt 0 ] && [ "$1" -gt "$S1" ] && [ "$1" -le "$A" ] && WANT=2 ;;
	esac
}

# where IDX: between which landmarks call IDX is
where() {
	awk -F= -v i="$1" '$1 != "last" {
		if ($2 < i && $2 > bv) { b = $1; bv = $2 }
		if ($2 >= i && (av == 0 || $2 < av)) { a = $1; av = $2 }
	} END { printf "after %s, at or before %s", b ? b : "start", a ? a : "end" }' "$MD/marks"
}

# sampled IDX: true when call IDX is tried: CRASH_POINTS when given, all
# with CRASH_FULL=1 or in mode spool-dedupe, else every 3rd and those next
# to a landmark
sampled() {
	if [ -n "$CRASH_POINTS" ]; then
		case " $CRASH_POINTS " in *" $1 "*) return 0 ;; esac
		return 1
	fi
	[ "${CRASH_FULL:-0}" = 1 ] && return 0
	[ "$MODE" = spool-dedupe ] && return 0
	[ $(($1 % 3)) -eq 0 ] && return 0
	for _m in $MARKS; do
		[ $(($1 - _m)) -le 1 ] && [ $((_m - $1)) -le 1 ] && return 0
	done
	return 1
}

is2xx() { case $1 in 2??) return 0 ;; esac; return 1; }

# point IDX NAME OCC [PNAME POCC]: one kill point, at call IDX (the OCCth
# NAME), DELAY_US after call PNAME#POCC returned; prints its ok/not ok
# line and its tally in $MD/tally.IDX: WANT GOT KILLED PASS
point() {
	p_i=$1 p_n=$2 p_k=$3
	p_r=$MD/p$p_i.d
	mkdir -p "$p_r"
	# a pause after the last call of another name (strace takes one
	# injection per system call), then the kill
	p_pause=""
	[ -n "$4" ] && [ "$DELAY_US" -gt 0 ] &&
	    p_pause="-e inject=$4:delay_exit=$DELAY_US:when=$5"
	# shellcheck disable=SC2086 # none or two words
	deliver "$p_r" "$p_r/out.0" strace -qq -o "$p_r/strace" -e trace=all \
	    $p_pause -e "inject=$p_n:signal=KILL:when=$p_k" 2>/dev/null
	p_rc=$?
	# the hit: strace saw inhook die of SIGKILL in call p_i, the p_kth p_n
	p_last=$(awk -v last=1 -f "$HERE/points.awk" "$p_r/strace")
	# The injection names a call by name and occurrence; its index may
	# differ by a call or two from the recorded run (a read that returned
	# less, a sanitizer's own calls): judge by where it really was.
	p_hit=no
	p_at=${p_last%% *}
	[ "$p_rc" = 137 ] && [ "${p_last#* }" = "$p_n $p_k 1" ] && p_hit=yes &&
	    p_i=$p_at
	p_gone=yes
	if [ "${CRASH_RACE:-0}" = 1 ]; then
		p_after="(not looked at: CRASH_RACE)"
	else
		gone "$p_r" || p_gone=no
		state "$p_r"
		p_after=$STATE
	fi
	# the sender: resends unless it had a 2xx
	code "$p_r/out.0"
	p_sent=$CODE
	p_j=0
	while ! is2xx "$CODE" && [ "$p_j" -lt 3 ]; do
		p_j=$((p_j + 1))
		deliver "$p_r" "$p_r/out.$p_j"
		code "$p_r/out.$p_j"
		p_sent="$p_sent,$CODE"
	done
	# the timer
	p_ret=""
	if [ -d "$p_r/spool" ]; then
		for p_j in 1 2; do
			# the second one once the killed delivery is gone
			[ "$p_j" = 2 ] && [ "${CRASH_RACE:-0}" = 1 ] &&
			    { gone "$p_r" || p_gone=no; }
			"$INHOOK" spool retry --spool "$p_r/spool" < /dev/null \
			    > "$p_r/retry.$p_j" 2>&1
			p_ret="$p_ret$?,"
		done
		p_ret=" retry exit=${p_ret%,}"
	fi
	[ "${CRASH_RACE:-0}" = 1 ] && { gone "$p_r" || p_gone=no; }
	hooklog "$p_r"
	p_done=$DONES
	p_kil=$((STARTS - DONES))
	p_left=0
	if [ -d "$p_r/spool" ]; then
		count "$p_r/spool/new"; p_left=$N
		count "$p_r/spool/failed"; p_left=$((p_left + N))
	fi
	want "$p_i"
	p_want=$WANT
	p_name="crash $MODE: kill at #$p_i $p_n#$p_k: $p_done completed run(s)"
	[ "$p_kil" -gt 0 ] && p_name="$p_name, $p_kil killed with inhook"
	p_why=""
	[ "$p_hit" = yes ] || p_why="$p_why; the kill did not hit that call (strace exit $p_rc, last call: $p_last)"
	[ "$p_gone" = yes ] || p_why="$p_why; the killed delivery's processes outlived it by 5 s"
	[ "$p_done" = "$p_want" ] || p_why="$p_why; want $p_want"
	[ "$OVERLAPS" = 0 ] || p_why="$p_why; $OVERLAPS OVERLAP"
	[ "$BADBODIES" = 0 ] || p_why="$p_why; $BADBODIES wrong body"
	[ "$p_left" = 0 ] || p_why="$p_why; $p_left entries left in the spool"
	if [ -z "$p_why" ]; then
		ok "$p_name"
		p_p=1
	else
		nok "$p_name${p_why}"
		echo "#   $(where "$p_i")"
		echo "#   on disk after the kill: $p_after"
		state "$p_r"
		echo "#   sender saw: $p_sent$p_ret; at the end: $STATE"
		p_p=0
	fi
	echo "$p_want $p_done $p_kil $p_p" > "$MD/tally.$p_i"
	[ "${CRASH_KEEP:-0}" = 1 ] || rm -rf "$p_r"
}

ARMED=""
total_points=0 total_runs=0 total_killed=0 total_fail=0
t0=$(date +%s)
for MODE in $MODES; do
	mode_opts "$MODE" x > /dev/null || { nok "crash: unknown mode $MODE"; continue; }
	tm=$(date +%s)
	MD=$T/$MODE
	mkdir -p "$MD/rec.d"
	# 1. the undisturbed delivery, traced
	deliver "$MD/rec.d" "$MD/rec.d/out" strace -qq -o "$MD/trace" -e trace=all
	code "$MD/rec.d/out"
	[ -d "$MD/rec.d/spool" ] && "$INHOOK" spool retry --spool "$MD/rec.d/spool" > /dev/null 2>&1
	hooklog "$MD/rec.d"
	same "crash $MODE: an undisturbed delivery, traced, answers $CODE and runs once" \
	    "$DONES $STARTS $OVERLAPS" "1 1 0"
	awk -f "$HERE/points.awk" "$MD/trace" > "$MD/points"
	awk -f "$HERE/marks.awk" "$MD/trace" > "$MD/marks"
	S1=$(mark spooled) R=$(mark reaped) A=$(mark answer)
	MARKS=$(sed -n 's/^[a-z]*=//p' "$MD/marks")
	if [ -z "$ARMED" ]; then
		# without -f, the children are not traced: a kill armed past
		# inhook's last close hits nobody (the keeper and hook close
		# descriptors too; with -f, strace would count theirs apart)
		ARMED=$(($(grep -c ' close ' "$MD/points") + 1))
		mkdir -p "$MD/armed.d"
		deliver "$MD/armed.d" "$MD/armed.d/out" strace -qq -o /dev/null \
		    -e trace=close -e "inject=close:signal=KILL:when=$ARMED"
		rc=$?
		code "$MD/armed.d/out"
		hooklog "$MD/armed.d"
		same "crash: a kill armed at close#$ARMED (inhook makes $((ARMED - 1))) hits neither inhook nor its children" \
		    "$rc $DONES $STARTS" "0 1 1"
	fi
	ncalls=$(wc -l < "$MD/points" | tr -d ' ')
	echo "# mode $MODE: $ncalls calls; landmarks: $(sort -t= -k2 -n "$MD/marks" | tr '\n' ' ')"
	# 2. each kill point
	# with the last call of another name before each: the pause's place
	awk '{ nm[$1] = $2; oc[$1] = $3
	    for (j = $1 - 1; j > 0 && nm[j] == $2; j--) ;
	    print $0, (j > 0 ? nm[j] " " oc[j] : "") }' "$MD/points" > "$MD/plan"
	jobs=0
	while read -r i n k pn pk; do
		sampled "$i" || continue
		point "$i" "$n" "$k" "$pn" "$pk" > "$MD/res.$i" 2>&1 &
		jobs=$((jobs + 1))
		[ "$jobs" -ge "$JOBS" ] && { wait; jobs=0; }
	done < "$MD/plan"
	wait
	while read -r i n k; do
		[ -f "$MD/res.$i" ] && cat "$MD/res.$i"
	done < "$MD/points"
	cat "$MD"/tally.* > "$MD/tally" 2>/dev/null
	# 3. the mode's summary
	summary=$(awk '{ n++; got[$2]++; k += $3; r += $2; if (!$4) f++ }
	    END { s = ""; for (g = 0; g <= 9; g++) if (got[g]) s = s (s ? ", " : "") g " x " got[g];
	          printf "%d %d %d %d %s", n, r, k, f, s }' "$MD/tally")
	# shellcheck disable=SC2086 # numbers and the runs' counts
	set -- $summary
	np=$1 nr=$2 nk=$3 nf=$4
	shift 4
	echo "# mode $MODE: $np kill points (of $ncalls calls), completed runs: $*; runs counted: $nr completed, $nk killed with inhook; $nf failed; $(($(date +%s) - tm)) s"
	total_points=$((total_points + np)) total_runs=$((total_runs + nr))
	total_killed=$((total_killed + nk)) total_fail=$((total_fail + nf))
done
echo "# total: $total_points kill points tried, $total_runs completed runs and $total_killed killed runs counted, $total_fail kill points failed; $(($(date +%s) - t0)) s${CRASH_FULL:+ (CRASH_FULL)}"

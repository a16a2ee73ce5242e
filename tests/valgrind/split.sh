# tests/valgrind/split.sh: sourced by tests/valgrind/run.sh (it needs $T,
# $G, $HOOK, $VG and lib.sh's helpers). Every golden request again, fed to
# inhook under memcheck through a pipe by dribble.c, twice: in 1-byte
# writes (a read ends at every byte), and in 7-, 100- and 1-byte writes in
# turn. dribble waits for inhook to take each piece before it writes the
# next, so inhook's reads really are split (the head across reads, the body
# and each chunk's size line and data across reads), and memcheck sees any
# use of bytes no read filled, which ASan does not. Each run must answer
# the golden status, exit 0, and have no memcheck error and no leak; and,
# when there are two pieces or more, some piece must have been read apart
# from the next (else the split did not happen).
DRIBBLE="$T/dribble"
if ! ${CC:-cc} -O2 -o "$DRIBBLE" "$TOP/tests/valgrind/dribble.c"; then
	nok "valgrind split: build dribble"
	return 0 2>/dev/null || exit 1
fi

# vgsplit NAME WANT REQFILE SIZE INHOOK-ARGS...
vgsplit() {
	_n=$1 _want=$2 _req=$3 _size=$4
	shift 4
	_d="$T/vgs-$_n-${_size%%,*}"
	mkdir -p "$_d"
	"$DRIBBLE" "$_size" 0 < "$_req" 2> "$_d/dribble" |
	    $VG --log-file="$_d/vg.log" "$INHOOK" --log-stderr \
	    --secret-file "$SECRET" "$@" > "$_d/response" 2> "$_d/log"
	_rc=$?
	_got=$(status < "$_d/response")
	_pcs=$(sed -n 's/^pieces \([0-9]*\) separate [0-9]*$/\1/p' "$_d/dribble")
	_sep=$(sed -n 's/^pieces [0-9]* separate \([0-9]*\)$/\1/p' "$_d/dribble")
	if [ "$_rc" -eq 0 ] && [ "$_got" = "$_want" ] &&
	    grep -q 'ERROR SUMMARY: 0 errors' "$_d/vg.log" &&
	    ! grep -q 'definitely lost: [1-9]\|indirectly lost: [1-9]\|possibly lost: [1-9]' "$_d/vg.log" &&
	    [ -n "$_pcs" ] && { [ "$_pcs" -le 1 ] || [ "$_sep" -gt 0 ]; }; then
		ok "valgrind split $_n, $_size-byte writes: answers $_want, clean ($(cat "$_d/dribble"))"
	else
		nok "valgrind split $_n, $_size-byte writes: answers $_want, clean (got ${_got:-nothing}, exit $_rc, $(cat "$_d/dribble"))"
		grep -v '^==[0-9]*== *$' "$_d/vg.log" | grep -v 'FILE DESCRIPTORS\|Open file\|inherited\|^==[0-9]*==    ' |
		    head -n 30 | sed 's/^/#   /'
	fi
}

# the two runs of a request side by side (valgrind's start dominates)
for req in "$G"/*.req; do
	[ -f "$req" ] || continue
	n=$(basename "$req" .req)
	for size in 1 7,100,1; do
		out="$T/outs-$n-${size%%,*}"
		mkdir -p "$out" "$T/vgs-$n-${size%%,*}"
		if [ -f "$G/$n.hook" ]; then
			cmd=$(sed -e "s|@HOOK@|$HOOK|g" -e "s|@OUT@|$out|g" -e "s|@T@|$T|g" "$G/$n.hook")
		else
			cmd="$HOOK $out"
		fi
		# shellcheck disable=SC2086 # cmd is a word list made here
		vgsplit "$n" "$(cat "$G/$n.status")" "$req" "$size" $cmd \
		    > "$T/vgs-$n-${size%%,*}/result" &
	done
	wait
	cat "$T/vgs-$n-1/result" "$T/vgs-$n-7/result"
done

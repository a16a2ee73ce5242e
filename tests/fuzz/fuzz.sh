#!/bin/sh
# tests/fuzz/fuzz.sh: `make fuzz`. Builds each libFuzzer target with clang
# (-fsanitize=fuzzer,address,undefined) into tests/build/fuzz-clang and runs
# it for FUZZ_SECONDS (default 60) seconds, or for FUZZ_RUNS executions when
# that is set, one target after another, each as a single process.
#   sh tests/fuzz/fuzz.sh [http|chunked|sig|scheme|json|request|request_tls|proxy ...]
#   (default: all). request is the whole read/parse/verify path of serve.c
#   (see tests/fuzz/fuzz_request.c); FUZZ_REQUEST_CONFIG=64, 4096, small or
#   default pins its --max-body.
# The committed seeds in tests/fuzz/corpus/TARGET are read, never written;
# what the fuzzer learns is kept in tests/build/fuzz-clang/corpus/TARGET and
# reused by the next run. A crash or broken invariant leaves its input in
# tests/build/fuzz-clang/artifacts/ and makes the script exit 1; once fixed,
# keep that input as a regression case in tests/fuzz/corpus/TARGET/ (make
# check replays it). Prints one summary line per target. The seeds are
# written by tests/fuzz/seeds.py; the targets' contracts are at the top of
# each tests/fuzz/fuzz_TARGET.c.
# Other knobs: CLANG (default clang), FUZZ_FLAGS (more libFuzzer flags).
top=$(cd "$(dirname "$0")/../.." && pwd)
cd "$top" || exit 1
CLANG=${CLANG:-clang}
secs=${FUZZ_SECONDS:-60}
out=tests/build/fuzz-clang
targets=${*:-http chunked sig scheme json request request_tls proxy}
lib="src/http.c src/chunked.c src/sig.c src/json.c src/payload.c src/env.c \
 src/status.c src/scheme.c src/proxy.c"
reqlib=$(ls src/*.c | grep -v '^src/main\.c$')
wrap="-Wl,--wrap=read,--wrap=write,--wrap=poll,--wrap=getpeername"
wrap="$wrap,--wrap=clock_gettime,--wrap=memfd_create,--wrap=mmap,--wrap=munmap"
flags="-std=c11 -D_GNU_SOURCE -DVERSION=\"fuzz\" -O1 -g -iquote src -Wall -Wextra \
 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all \
 -fno-omit-frame-pointer"

if ! command -v "$CLANG" >/dev/null; then
	echo "fuzz: $CLANG not found (apt-get install clang libclang-rt-14-dev)" >&2
	exit 1
fi
mkdir -p "$out/artifacts" || exit 1
failed=0
for t in $targets; do
	case $t in
	http) maxlen=17000 dict=http.dict ;;
	chunked) maxlen=20000 dict=chunked.dict ;;   # past TRAILER_MAX
	sig) maxlen=2048 dict= ;;
	scheme) maxlen=4096 dict=http.dict ;;
	json) maxlen=16384 dict=json.dict ;;
	request|request_tls) maxlen=20000 dict=http.dict ;;
	proxy) maxlen=1200 dict=proxy.dict ;;      # past 16 + PROXY_V2_LEN_MAX
	*) echo "fuzz: no target $t" >&2; exit 1 ;;
	esac
	bin=$out/fuzz_$t
	l=$lib w= extra= d= src=tests/fuzz/fuzz_$t.c
	# slow inputs (a body near a 1 MiB --max-body) run less often
	[ "$t" = request ] && l=$reqlib w=$wrap \
	    extra=-entropic_scale_per_exec_time=1
	# the same target over TLS: fuzz_request.c with -DFUZZ_TLS
	[ "$t" = request_tls ] && l=$reqlib w=$wrap,--wrap=shutdown,--wrap=close \
	    extra=-entropic_scale_per_exec_time=1 d=-DFUZZ_TLS \
	    src=tests/fuzz/fuzz_request.c
	# shellcheck disable=SC2086
	$CLANG $flags $d -o "$bin" "$src" $l $w \
	    -Wl,-Bstatic -lbearssl -Wl,-Bdynamic || exit 1
	mkdir -p "$out/corpus/$t"
	if [ -n "$FUZZ_RUNS" ]; then budget="-runs=$FUZZ_RUNS"
	else budget="-max_total_time=$secs"; fi
	log=$out/fuzz_$t.log
	# shellcheck disable=SC2086
	"$bin" $budget -max_len=$maxlen -timeout=10 -rss_limit_mb=2048 \
	    -use_value_profile=1 -print_final_stats=1 $extra \
	    ${dict:+-dict=tests/fuzz/$dict} \
	    -artifact_prefix="$out/artifacts/$t-" $FUZZ_FLAGS \
	    "$out/corpus/$t" "tests/fuzz/corpus/${t%_tls}" >"$log" 2>&1
	rc=$?
	execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log")
	rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log")
	last=$(grep -E '^#[0-9]+' "$log" | tail -n 1)
	cov=$(echo "$last" | sed -n 's/.*cov: \([0-9]*\).*/\1/p')
	ft=$(echo "$last" | sed -n 's/.*ft: \([0-9]*\).*/\1/p')
	corp=$(echo "$last" | sed -n 's/.*corp: \([0-9]*\).*/\1/p')
	if [ "$rc" -eq 0 ]; then
		found="no findings"
	else
		failed=1
		found="FINDING (exit $rc): $(grep -m1 -E 'ERROR:|invariant broken|runtime error' "$log")"
		found="$found; input: $(sed -n 's/.*Test unit written to //p' "$log" | tail -n 1)"
	fi
	echo "fuzz_$t: ${execs:-?} execs, ${rate:-?} exec/s, cov ${cov:-?}, ft ${ft:-?}, corpus ${corp:-?}, $found (log: $log)"
done
exit $failed

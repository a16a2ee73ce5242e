#!/bin/sh
# tests/ct/run.sh: the signature check is constant-time in the secret.
# Builds tests/ct/ct.c with the modules it needs (the default build's
# optimisation and hardening flags, never sanitizers: valgrind runs it;
# DWARF 4, which valgrind 3.19 reads from either compiler) and
# runs it under valgrind's memcheck with the secret marked undefined: clean
# apart from the declassified final yes/no (declassify.supp). Then runs
# "ct --leaky", an early-exit compare, and requires memcheck to catch it,
# so that this test is known to be able to fail. Skips without valgrind.
top=$(cd "$(dirname "$0")/../.." && pwd)
cd "$top" || exit 1
CC=${CC:-cc}
out=${UNIT_DIR:-tests/build}/ct
flags="-std=c11 -D_GNU_SOURCE -O2 -g -gdwarf-4 -Wall -Wextra -Wshadow \
 -Wstrict-prototypes -Wmissing-prototypes -Wcast-qual -Wpointer-arith -Wvla \
 -Wformat=2 -D_FORTIFY_SOURCE=3 -fstack-protector-strong -fPIE"

if ! command -v valgrind >/dev/null || [ ! -f /usr/include/valgrind/memcheck.h ]; then
	echo "ok - ct: signature check constant-time under memcheck # skip valgrind not installed"
	exit 0
fi
mkdir -p "$out" || exit 1
# shellcheck disable=SC2086
if ! $CC $flags -iquote src -pie -o "$out/ct" tests/ct/ct.c src/sig.c \
    src/scheme.c src/http.c -Wl,-Bstatic -lbearssl -Wl,-Bdynamic \
    >"$out/build.log" 2>&1 || [ -s "$out/build.log" ]; then
	echo "not ok - ct: builds without warnings"
	sed 's/^/#   /' "$out/build.log"
	exit 1
fi
echo "ok - ct: builds without warnings"

# natively: the answers are right
"$out/ct" > "$out/native.log" 2>&1
same=$?
if [ "$same" -eq 0 ] && ! grep -q '^not ok' "$out/native.log"; then
	echo "ok - ct: right MACs accepted, wrong ones refused"
else
	echo "not ok - ct: right MACs accepted, wrong ones refused"
	sed 's/^/#   /' "$out/native.log"
fi

vg="valgrind --tool=memcheck --error-exitcode=99 --track-origins=yes \
 --suppressions=tests/ct/declassify.supp"
# shellcheck disable=SC2086
$vg "$out/ct" > "$out/memcheck.log" 2>&1
rc=$?
if [ "$rc" -eq 0 ] && ! grep -q 'depends on uninitialised' "$out/memcheck.log"; then
	echo "ok - ct: no branch or address depends on the secret (sig_equal, sig_check_jobserv, scheme_verify for jobserv, github, gitea, gitlab)"
else
	echo "not ok - ct: no branch or address depends on the secret (valgrind exit $rc)"
	grep -v '^ok ' "$out/memcheck.log" | head -n 40 | sed 's/^/#   /'
fi

# shellcheck disable=SC2086
$vg "$out/ct" --leaky > "$out/leaky.log" 2>&1
rc=$?
if [ "$rc" -eq 99 ] &&
    grep -q 'Conditional jump or move depends on uninitialised' "$out/leaky.log" &&
    grep -q 'leaky_equal' "$out/leaky.log"; then
	echo "ok - ct: memcheck catches an early-exit compare (the check can fail)"
else
	echo "not ok - ct: memcheck catches an early-exit compare (valgrind exit $rc)"
	head -n 40 "$out/leaky.log" | sed 's/^/#   /'
fi

#!/bin/sh
# Runs every test suite of inhook and prints one summary line.
# A suite is an executable that prints TAP-like lines: "ok - NAME",
# "not ok - NAME" or "ok - NAME # skip REASON"; anything else is shown as is.
# Suites: tests/build/test_* (unit), tests/*/run.sh (golden, integration...).
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top" || exit 1
pass=0 fail=0 skip=0
out=$(mktemp)
trap 'rm -f "$out"' EXIT
for suite in ${UNIT_DIR:-tests/build}/test_* tests/*/run.sh; do
	[ -x "$suite" ] || [ "${suite%.sh}" != "$suite" ] || continue
	[ -e "$suite" ] || continue
	echo "# $suite"
	case "$suite" in
	*.sh) sh "$suite" >"$out" 2>&1; rc=$? ;;
	*) "$suite" >"$out" 2>&1; rc=$? ;;
	esac
	grep -v '^ok ' "$out" | sed 's/^/  /'
	p=$(grep -c '^ok ' "$out" | tr -d ' ')
	s=$(grep -c '^ok .*# skip' "$out" | tr -d ' ')
	f=$(grep -c '^not ok ' "$out" | tr -d ' ')
	if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then
		echo "not ok - $suite exited $rc"; f=1
	fi
	pass=$((pass + p - s)); skip=$((skip + s)); fail=$((fail + f))
	echo "  $((p - s)) passed, $f failed, $s skipped"
done
echo
echo "$pass passed, $fail failed, $skip skipped"
[ "$fail" -eq 0 ]

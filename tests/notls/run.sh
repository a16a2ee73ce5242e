#!/bin/sh
# tests/notls/run.sh: make TLS=no, the build for the smallest flash. Built
# apart (its own BUILD and BIN in a temp dir, the tree's inhook untouched):
# no BearSSL TLS code in it, --tls-cert refused as a usage error (exit 100,
# saying why), smaller than the default build, and the golden suite passes
# with it.
# shellcheck source=tests/lib.sh
. "$(dirname "$0")/../lib.sh"
if [ -n "$INHOOK_SANITIZE" ]; then
	ok "notls # skip under make check-sanitize (a plain build)"; exit 0
fi
NB="$T/notls"
if env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL make -s -C "$TOP" BUILD="$NB" \
    BIN="$NB/inhook" TLS=no "$NB/inhook" > "$T/build.log" 2>&1; then
	ok "make TLS=no builds"
else
	nok "make TLS=no builds"; sed 's/^/#   /' "$T/build.log"; exit 1
fi
check "TLS=no: no warning" sh -c "! grep -q warning '$T/build.log'"
check "TLS=no: no TLS engine in it" sh -c "! nm '$NB/inhook' | grep -q br_ssl_server"
check "default build: the TLS engine in it" sh -c "nm '$INHOOK' | grep -q br_ssl_server"
strip -o "$T/a" "$NB/inhook"; strip -o "$T/b" "$INHOOK"
a=$(wc -c < "$T/a"); b=$(wc -c < "$T/b")
echo "# stripped: TLS=no $a bytes, default $b bytes"
check "TLS=no: smaller than the default build" test "$a" -lt "$b"
# (stderr apart from stdout: on one pipe, fd 2 could be the connection)
"$NB/inhook" --log-stderr --tls-cert x --tls-key y --secret-file "$SECRET" \
    /bin/true </dev/null >/dev/null 2>"$T/err"
same "TLS=no: --tls-cert is a usage error" "$?" 100
out=$(cat "$T/err")
case $out in *"without TLS"*) ok "TLS=no: the message says why" ;;
*) nok "TLS=no: the message says why"; echo "#   $out" ;; esac
golden_with "TLS=no" "$NB/inhook"

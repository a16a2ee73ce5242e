#!/bin/sh
# tests/tls/testssl.sh (make check-tls): testssl.sh (Debian's testssl.sh
# package, 3.0) against inhook --listen with TLS on 127.0.0.1, with an EC
# P-256 certificate and with an RSA-2048 one, the two runs side by side.
# Runs the protocols (-p), server preference (-P), server defaults (-S:
# the certificate, session and extensions) and vulnerabilities (-U). -P
# lists, for each protocol offered, every cipher the server accepts in the
# server's order: in testssl 3.0 first those the local openssl has, then,
# through its own sockets, every other cipher it knows (about 370), so it
# enumerates all of them; -E would do the same again (a quarter more time).
# Then:
#   - no finding rated HIGH or CRITICAL, and no scan problem (WARN, FATAL);
#   - every one of those checks reported (a run cut short passes nothing);
#   - the protocols offered are exactly TLS 1.2;
#   - the ciphers offered are exactly the two ECDHE AEAD suites of the
#     key's type, all TLS 1.2, and the order is the server's (without one,
#     testssl 3.0 lists only the cipher each protocol negotiates, and the
#     cipher check fails with the order check);
#   - the listener refused no connection for a limit.
# No finding is excluded. The test PKI is made so that the certificate's
# own checks pass on their merits: the root is handed to testssl with
# --add-ca (cert_chain_of_trust, CRITICAL otherwise), the leaf is valid a
# year (cert_expirationStatus: HIGH under 30 days, MEDIUM under 60) and
# names a CRL distribution point (cert_revocation: HIGH with neither CRL
# nor OCSP URI; testssl does not fetch it without --phone-out).
# --nodns min: no PTR or CAA lookups (loopback only). Bounded: each
# testssl run at most TESTSSL_TIMEOUT seconds (default 330), then killed
# with its children; inhook ends each connection after --timeout 10.
# shellcheck source=tests/lib.sh
. "$(dirname "$0")/../lib.sh"
LIMIT=${TESTSSL_TIMEOUT:-330}
start=$(date +%s)
command -v testssl >/dev/null ||
    { nok "testssl installed (apt-get install testssl.sh)"; exit 1; }
if "$INHOOK" --tls-cert x --tls-key y --secret-file "$SECRET" /bin/true \
    </dev/null 2>&1 | grep -q 'without TLS'; then
	nok "inhook built with TLS (this one is TLS=no)"; exit 1
fi

# pki DIR ec|rsa: ca.pem (root), chain.pem (leaf, intermediate), leaf.key
pki() {
	_d=$1; mkdir -p "$_d"
	if [ "$2" = ec ]; then _k="-newkey ec -pkeyopt ec_paramgen_curve:P-256"
	else _k="-newkey rsa:2048"; fi
	printf 'basicConstraints=critical,CA:TRUE\nkeyUsage=critical,keyCertSign,cRLSign\n' > "$_d/ca.ext"
	printf 'subjectAltName=DNS:localhost,IP:127.0.0.1\nextendedKeyUsage=serverAuth\nkeyUsage=critical,digitalSignature\ncrlDistributionPoints=URI:http://127.0.0.1/inhook-test.crl\n' > "$_d/leaf.ext"
	# shellcheck disable=SC2086
	openssl req -x509 $_k -nodes -keyout "$_d/ca.key" -out "$_d/ca.pem" -days 400 \
	    -subj "/CN=inhook testssl root $2" -addext basicConstraints=critical,CA:TRUE 2>/dev/null &&
	openssl req $_k -nodes -keyout "$_d/int.key" -out "$_d/int.csr" -subj "/CN=inhook testssl int $2" 2>/dev/null &&
	openssl x509 -req -in "$_d/int.csr" -CA "$_d/ca.pem" -CAkey "$_d/ca.key" -CAcreateserial \
	    -out "$_d/int.pem" -days 390 -extfile "$_d/ca.ext" 2>/dev/null &&
	openssl req $_k -nodes -keyout "$_d/leaf.key" -out "$_d/leaf.csr" -subj /CN=localhost 2>/dev/null &&
	openssl x509 -req -in "$_d/leaf.csr" -CA "$_d/int.pem" -CAkey "$_d/int.key" -CAcreateserial \
	    -out "$_d/leaf.pem" -days 365 -extfile "$_d/leaf.ext" 2>/dev/null &&
	cat "$_d/leaf.pem" "$_d/int.pem" > "$_d/chain.pem" && chmod 600 "$_d/leaf.key"
}

# Both listeners, then both testssl runs in the background.
H="$T/h"; mkhook "$H"
for kind in ec rsa; do
	D="$T/$kind"
	check "$kind: certificates made" pki "$D" "$kind"
	if ! start_listener "$kind" --listen 127.0.0.1:0 --log-stderr --timeout 10 \
	    --secret-file "$SECRET" --tls-cert "$D/chain.pem" --tls-key "$D/leaf.key" \
	    -- "$H/hook"; then
		nok "$kind: listener started"; continue
	fi
	timeout -k 10 "$LIMIT" testssl --quiet --color 0 --warnings off --ip one \
	    --nodns min --add-ca "$D/ca.pem" --protocols --server-preference \
	    --server-defaults --vulnerable \
	    --jsonfile "$T/$kind.json" "127.0.0.1:$PORT" > "$T/$kind.out" 2>&1 &
	eval "tpid_$kind=\$!"
done

for kind in ec rsa; do
	eval "tpid=\${tpid_$kind:-}"
	[ -n "$tpid" ] || continue
	wait "$tpid"; st=$?
	# testssl's status adds up what its checks return; only a timeout
	# (124, or 137 when killed) says for sure that it did not finish.
	echo "# $kind: testssl exited with $st"
	if [ "$st" -eq 124 ] || [ "$st" -eq 137 ]; then
		nok "$kind: testssl ran to its end (at most $LIMIT s)"
		tail -n 20 "$T/$kind.out" | sed 's/^/#   /'
	else
		ok "$kind: testssl ran to its end (at most $LIMIT s)"
	fi
	python3 - "$T/$kind.json" > "$T/$kind.verdict" 2>&1 <<'PY'
import json, sys
try:
    rows = json.load(open(sys.argv[1]))
except (OSError, ValueError) as e:
    print("error: no JSON report: %s" % e)
    print("missing: the whole report")
    sys.exit(0)
ids = {r["id"] for r in rows}
for r in rows:
    if r["severity"] in ("HIGH", "CRITICAL"):
        print("bad: %s %s %s" % (r["severity"], r["id"], r["finding"]))
    if r["id"] == "scanProblem" or r["severity"] in ("WARN", "FATAL"):
        print("problem: %s %s %s" % (r["severity"], r["id"], r["finding"]))
need = ("SSLv2 SSLv3 TLS1 TLS1_1 TLS1_2 TLS1_3 ALPN cipher_order "
        "cert_chain_of_trust cert_expirationStatus heartbleed CCS ticketbleed "
        "ROBOT secure_renego secure_client_renego CRIME_TLS BREACH POODLE_SSL "
        "fallback_SCSV SWEET32 FREAK DROWN LOGJAM BEAST LUCKY13 RC4 scanTime")
print("missing: " + " ".join(i for i in need.split() if i not in ids))
print("protocols: " + " ".join(sorted(
    r["id"] for r in rows if r["id"] in ("SSLv2", "SSLv3", "TLS1", "TLS1_1",
                                         "TLS1_2", "TLS1_3")
    and r["finding"].startswith("offered"))))
# -P: id cipherorder_TLSv1_2, finding the names in the server's order
order = []
for r in rows:
    if r["id"].startswith("cipherorder_"):
        proto = r["id"][len("cipherorder_"):]
        order += ["%s:%s" % (proto, c) for c in r["finding"].split()]
        print("order %s: %s" % (proto, r["finding"]))
print("ciphers: " + " ".join(sorted(order)))
for r in rows:
    if r["id"] in ("cipher_order", "cert_chain_of_trust", "scanTime"):
        print("%s: %s" % (r["id"], r["finding"]))
PY
	sed 's/^/# /' "$T/$kind.verdict"
	v() { sed -n "s/^$1: //p" "$T/$kind.verdict"; }
	same "$kind: JSON report read" "$(grep -c '^error:' "$T/$kind.verdict")" 0
	same "$kind: no HIGH or CRITICAL finding" "$(grep -c '^bad:' "$T/$kind.verdict")" 0
	same "$kind: no scan problem" "$(grep -c '^problem:' "$T/$kind.verdict")" 0
	same "$kind: every check reported" "$(v missing)" ""
	same "$kind: certificate trusted through --add-ca" "$(v cert_chain_of_trust)" "passed."
	same "$kind: protocols offered: TLS 1.2 only" "$(v protocols)" TLS1_2
	K=$(echo "$kind" | sed 's/ec/ECDSA/;s/rsa/RSA/')
	same "$kind: ciphers: the two ECDHE AEAD suites, TLS 1.2" "$(v ciphers)" \
	    "TLSv1_2:ECDHE-$K-AES128-GCM-SHA256 TLSv1_2:ECDHE-$K-CHACHA20-POLY1305"
	same "$kind: cipher order is the server's" "$(v cipher_order)" server
	# A connection the listener refused for a limit would read as a
	# protocol or cipher not offered.
	same "$kind: no connection refused by a listener limit" \
	    "$(grep -c 'limit:' "$T/$kind.log")" 0
done
stop_pids
echo "# testssl.sh: $(($(date +%s) - start)) s"

#!/bin/sh
# tests/tls/testssl.sh (make check-tls): testssl.sh (Debian's testssl.sh
# package) against inhook --listen with TLS on 127.0.0.1, once with an EC
# P-256 certificate and once with RSA-2048, each from a CA made here that
# testssl is told to trust (--add-ca), valid a year, with a CRL URI, so
# that the certificate's own checks pass too. Runs the protocol, server
# preference (the ciphers per protocol, in order), server defaults and vulnerability
# checks; then: no finding rated HIGH or CRITICAL, the protocols offered
# are exactly TLS 1.2, and the ciphers exactly the three ECDHE AEAD suites
# of the key's type. Bounded: each testssl run at most 170 s.
# shellcheck source=tests/lib.sh
. "$(dirname "$0")/../lib.sh"
command -v testssl >/dev/null || { echo "testssl missing: apt-get install testssl.sh" >&2; exit 1; }

# pki DIR ec|rsa: ca.pem, chain.pem (leaf, intermediate), leaf.key
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

H="$T/h"; mkhook "$H"
for kind in ec rsa; do
	D="$T/$kind"
	check "$kind: certificates made" pki "$D" "$kind"
	: > "$T/$kind.log"
	"$INHOOK" --listen 127.0.0.1:0 --log-stderr --secret-file "$SECRET" \
	    --tls-cert "$D/chain.pem" --tls-key "$D/leaf.key" -- "$H/hook" 2> "$T/$kind.log" &
	LPID=$!; PIDS="$PIDS $LPID"
	wait_for grep -q 'listening on' "$T/$kind.log"
	PORT=$(sed -n 's/.*listening on .*:\([0-9]*\)$/\1/p' "$T/$kind.log" | head -n 1)
	J="$T/$kind.json"
	timeout 170 testssl --quiet --color 0 --warnings off --ip one --add-ca "$D/ca.pem" \
	    --protocols --server-preference --server-defaults --vulnerable \
	    --jsonfile "$J" "127.0.0.1:$PORT" > "$T/$kind.out" 2>&1
	check "$kind: testssl ran to its end (at most 170 s)" test -s "$J"
	python3 - "$J" "$kind" > "$T/$kind.verdict" <<'PY'
import json, sys
path, kind = sys.argv[1:]
rows = json.load(open(path))
if isinstance(rows, dict):
    rows = [f for v in rows.get("scanResult", [{}])[0].values() if isinstance(v, list) for f in v]
bad = [r for r in rows if r.get("severity") in ("HIGH", "CRITICAL")]
for r in bad:
    print("bad: %s %s %s" % (r["severity"], r["id"], r["finding"]))
prot = sorted(r["id"] for r in rows if r["id"] in
              ("SSLv2", "SSLv3", "TLS1", "TLS1_1", "TLS1_2", "TLS1_3")
              and r["finding"].startswith("offered"))
print("protocols: " + " ".join(prot))
ciphers = [c for r in rows if r["id"].startswith("cipherorder_")
           for c in r["finding"].split()]
print("ciphers: " + " ".join(sorted(set(ciphers))))
PY
	sed 's/^/# /' "$T/$kind.verdict"
	same "$kind: no HIGH or CRITICAL finding" "$(grep -c '^bad:' "$T/$kind.verdict")" 0
	same "$kind: protocols offered: TLS 1.2 only" "$(sed -n 's/^protocols: //p' "$T/$kind.verdict")" TLS1_2
	K=$(echo "$kind" | sed 's/ec/ECDSA/;s/rsa/RSA/')
	same "$kind: ciphers: the three ECDHE AEAD suites" "$(sed -n 's/^ciphers: //p' "$T/$kind.verdict")" \
	    "ECDHE-$K-AES128-GCM-SHA256 ECDHE-$K-AES256-GCM-SHA384 ECDHE-$K-CHACHA20-POLY1305"
	kill "$LPID"; wait "$LPID" 2>/dev/null
done
stop_pids

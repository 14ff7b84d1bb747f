#!/bin/sh
# readme-tour.sh — issue 5's "done when": the README's three commands
# (start a device, configure the seed's certificate server with `ip http
# server` from docs/examples/seed-ca.cfg, enroll micromdm scepclient) run
# as written, except for the port, which is a free high one here instead of
# 18080.  The README must still show those commands, and the certificate
# scepclient gets must verify against the CA and be in its database.
. "${SRCDIR:-.}/tests/integration/lib/common.sh"
. "${SRCDIR:-.}/tests/integration/lib/scep.sh"

command -v scepclient >/dev/null 2>&1 || { echo "scepclient not installed"; exit 77; }
SRCDIR=${SRCDIR:-$(pwd)}
BUILD=${BUILD:-$SRCDIR/build}
PORT=$(free_port)
CFG=$SRCDIR/docs/examples/seed-ca.cfg

# the tour as the README shows it
for line in '$ pkish -d ./ca --daemon --http-bind 127.0.0.1' \
	    '$ pkish -d ./ca -f docs/examples/seed-ca.cfg' \
	    '$ scepclient -server-url http://127.0.0.1:18080/cgi-bin/pkiclient.exe -private-key client.key -cn client1'; do
	grep -qxF -- "$line" "$SRCDIR/README.md" || fail "README.md no longer shows: $line"
done
grep -q '^ip http port 18080$' "$CFG" || fail "$CFG: no 'ip http port 18080'"
sed "s/^ip http port 18080\$/ip http port $PORT/" "$CFG" >"$T/seed-ca.cfg"

cd "$T" || exit 1
start_daemon "$T/ca" --http-bind 127.0.0.1 || fail "pkish --daemon"
"$PKISH" -d ./ca -f "$T/seed-ca.cfg" >"$T/cfg.out" 2>&1 || { cat "$T/cfg.out"; fail "pkish -f seed-ca.cfg"; }
timeout 60 scepclient -server-url "http://127.0.0.1:$PORT/cgi-bin/pkiclient.exe" \
	-private-key client.key -cn client1 >"$T/sc.out" 2>&1 || { cat "$T/sc.out"; fail "scepclient"; }
[ -s client.pem ] || { cat "$T/sc.out"; fail "scepclient wrote no client.pem"; }

"$BUILD/tools/scepget" "http://127.0.0.1:$PORT/cgi-bin/pkiclient.exe?operation=GetCACert" ca.der \
	>/dev/null && openssl x509 -inform DER -in ca.der -out ca.pem || fail "GetCACert"
openssl verify -CAfile ca.pem client.pem >/dev/null || fail "client.pem does not verify against the CA"
openssl x509 -in ca.pem -noout -subject | grep -q 'CN = RootCA' || fail "not the seed's CA"
openssl x509 -in client.pem -noout -subject | grep -q 'CN = client1' || fail "subject lost"
"$PKISH" -d ./ca -c 'show crypto pki server ROOTCA certificates' >"$T/certs.out"
grep -q 'cn=client1' "$T/certs.out" || { cat "$T/certs.out"; fail "the CA does not list client1"; }
echo ok

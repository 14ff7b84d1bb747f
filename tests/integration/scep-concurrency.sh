#!/bin/sh
# scep-concurrency.sh — issue 5's concurrency and debug contract.
#
# 16 clients enroll at once (build/tools/scepload, 96 PKCSReqs, grant auto,
# database level complete): every request gets its certificate, no serial
# number repeats, and nothing is lost — the request database holds one
# granted entry per request, the certificate list and the database files
# one record per issued serial, and the serial counter moved by exactly
# the number issued.
#
# `debug crypto pki server` with `logging buffered`: the CRYPTO_CS lines of
# every request (docs/scep.md "Debug lines") are in `show logging` — for a
# grant, a pending request, a rejection and a malformed message — and none
# once `undebug all` turned them off.
. "${SRCDIR:-.}/tests/integration/lib/common.sh"
. "${SRCDIR:-.}/tests/integration/lib/scep.sh"

N=96
C=16
scep_start_ca
cs 'conf t' 'logging buffered 2000000 debugging' 'end' 'debug crypto pki server' >"$T/dbg.out" ||
	{ cat "$T/dbg.out"; fail "debug"; }
contains "$T/dbg.out" "Crypto PKI Certificate Server debugging is on" || { cat "$T/dbg.out"; fail "debug on"; }
cs 'show crypto pki server CA' >"$T/show0.out"
last0=$(sed -n 's/.*Last certificate issued serial number (hex): //p' "$T/show0.out")

"$BUILD/tools/scepload" -k "$FIX/scep/client.key" -k "$FIX/scep/client2.key" \
	-k "$FIX/scep/scepclient.key" -k "$FIX/client_key.pem" -n $N -c $C -N conc \
	-s "$T/serials" "$URL" >"$T/load.out" 2>&1 || { cat "$T/load.out"; fail "concurrent enrollments"; }
contains "$T/load.out" "success=$N" || { cat "$T/load.out"; fail "not every request succeeded"; }
contains "$T/load.out" "duplicates=0" || { cat "$T/load.out"; fail "duplicate serial numbers"; }
[ "$(sort -u "$T/serials" | wc -l)" -eq $N ] || fail "clients hold fewer than $N distinct serials"

# the request database: one granted entry per request, none lost or doubled
cs 'show crypto pki server CA requests' >"$T/req.out"
i=0
while [ $i -lt $N ]; do
	n=$(grep -c "granted .*cn=conc-$i\$" "$T/req.out")
	[ "$n" = 1 ] || { cat "$T/req.out"; fail "request conc-$i has $n entries"; }
	i=$((i + 1))
done
[ "$(awk '$2 == "granted" { print $1 }' "$T/req.out" | sort -u | wc -l)" -eq $N ] ||
	{ cat "$T/req.out"; fail "request ids repeat"; }

# issued certificates: each client's serial once in the list and on disk
cs 'show crypto pki server CA certificates' >"$T/certs.out"
while read -r s; do
	s=$(echo "$s" | sed 's/^0*//')
	n=$(awk -v s="$s" '$1 == s' "$T/certs.out" | grep -c 'cn=conc-')
	[ "$n" = 1 ] || { cat "$T/certs.out"; fail "serial $s listed $n times"; }
	[ -f "$T/db/$s.crt" ] && [ -f "$T/db/$s.cnm" ] || { ls "$T/db"; fail "no database record for serial $s"; }
done <"$T/serials"
[ "$(grep -c 'cn=conc-' "$T/certs.out")" -eq $N ] || { cat "$T/certs.out"; fail "certificate list"; }
cs 'show crypto pki server CA' >"$T/show1.out"
last1=$(sed -n 's/.*Last certificate issued serial number (hex): //p' "$T/show1.out")
[ $((0x$last1 - 0x$last0)) -eq $N ] || fail "serial counter moved from $last0 to $last1 for $N certificates"
# the clients' certificates verify against the CA and carry their own key
"$BUILD/tools/scepget" "$URL?operation=GetCACert" "$T/ca.der" >/dev/null || fail "GetCACert"
openssl x509 -inform DER -in "$T/ca.der" -out "$T/ca.pem" || fail "CA certificate"
s=$(head -n 1 "$T/serials" | sed 's/^0*//')
openssl x509 -inform DER -in "$T/db/$s.crt" -out "$T/one.pem" &&
	openssl verify -CAfile "$T/ca.pem" "$T/one.pem" >/dev/null || fail "an issued certificate does not verify"

# ---- debug lines --------------------------------------------------------------------
cs 'show logging' >"$T/log.out"
count() { grep -c -- "$1" "$T/log.out"; }
atleast() { # PATTERN N
	n=$(count "$1")
	[ "$n" -ge "$2" ] || { tail -n 40 "$T/log.out"; fail "'$1': $n debug lines, expected $2"; }
}
atleast 'CRYPTO_CS: received a SCEP GetCACert request' 1
atleast 'CRYPTO_CS: Sending CA certificate' 1
atleast 'CRYPTO_CS: received a SCEP PKIOperation request$' $N
atleast 'CRYPTO_CS_OPENSSL: open envelope: Decrypted PKCS7$' $N
atleast 'CRYPTO_CS: scep msg type - 19$' $N
atleast 'CRYPTO_CS: trans id - [0-9A-F]\{32\}$' $N
atleast 'CRYPTO_CS: received an enrollment request$' $N
atleast 'CRYPTO_CS: certificate issued for request [0-9]*, serial number 0x[0-9A-F]*$' $N
atleast 'CRYPTO_CS: Sending CertRep SUCCESS, transaction id ' $N
n=$(sed -n 's/.*CRYPTO_CS: enrollment request \([0-9]*\) GRANTED$/\1/p' "$T/log.out" | sort -u | wc -l)
[ "$n" -eq $N ] || fail "$n distinct 'enrollment request N GRANTED' lines, expected $N"
# each line carries the IOS timestamp
grep 'CRYPTO_CS: scep msg type' "$T/log.out" | grep -qv '^[A-Z][a-z][a-z] [ 0-9][0-9] [0-9:.]*: CRYPTO_CS' &&
	fail "a debug line without the IOS timestamp"

# a rejection, a pending request, a malformed message
cs 'conf t' 'crypto pki trustpoint CA' 'password 0 s3cret' 'end' >/dev/null || fail "password"
r=$(req -k "$FIX/scep/client.key" -n wrong -p wrong -T REJECTED-TID "$URL")
expect_rep "$r" "status=FAILURE"
cs 'conf t' 'crypto pki server CA' 'shutdown' 'no grant' 'no shutdown' 'end' >/dev/null || fail "manual"
r=$(req -k "$FIX/scep/client.key" -n waiting -T PENDING-TID "$URL")
expect_rep "$r" "status=PENDING"
r=$(req -k "$FIX/scep/client.key" -m bad-signature -T BROKEN-TID "$URL")
expect_rep "$r" "status=FAILURE failInfo=1"
cs 'show logging' >"$T/log.out"
atleast 'CRYPTO_CS: trans id - REJECTED-TID$' 1
atleast 'CRYPTO_CS: enrollment request REJECTED: challenge password mismatch$' 1
atleast 'CRYPTO_CS: Sending CertRep FAILURE, transaction id REJECTED-TID$' 1
atleast 'CRYPTO_CS: trans id - PENDING-TID$' 1
atleast 'CRYPTO_CS: enrollment request [0-9]* PENDING$' 1
atleast 'CRYPTO_CS: Sending CertRep PENDING, transaction id PENDING-TID$' 1
atleast 'CRYPTO_CS: SCEP message rejected, failInfo badMessageCheck (1): signature does not verify' 1
atleast 'CRYPTO_CS: Sending CertRep FAILURE, transaction id BROKEN-TID$' 1

# off: no CRYPTO_CS line for the next request
cs 'undebug all' >/dev/null
before=$(count 'CRYPTO_CS')
r=$(req -k "$FIX/scep/client.key" -n quiet -T QUIET-TID "$URL")
expect_rep "$r" "status=PENDING"
cs 'show logging' >"$T/log.out"
[ "$(count 'CRYPTO_CS')" -eq "$before" ] || fail "CRYPTO_CS lines with debugging off"
echo ok

#!/bin/sh
# micromdm scepclient (Debian package `scep`) enrolls against a pkish CA on
# 127.0.0.1: a challenge password under grant auto, a wrong challenge
# rejected, a RenewalReq granted, a pending request granted from a second
# session, and the GetNextCACert answer after a rollover checked with
# openssl.  Issue 5's interop contract.
. "${SRCDIR:-.}/tests/integration/lib/common.sh"

command -v scepclient >/dev/null 2>&1 || { echo "scepclient not installed"; exit 77; }
BUILD=${BUILD:-$(pwd)/build}
CA=$T/ca
PORT=$(free_port)
URL="http://127.0.0.1:$PORT/cgi-bin/pkiclient.exe"
P() { "$PKISH" -d "$CA" "$@"; }

start_daemon "$CA" --http-bind 127.0.0.1 || fail "CA did not start"
P -c 'conf t' -c 'hostname CA' -c 'clock calendar-valid' \
  -c "ip http port $PORT" -c 'ip http server' \
  -c 'crypto key generate rsa label CA modulus 2048' \
  -c 'crypto pki server CA' -c "database url unix:$T/db/" -c 'database level complete' \
  -c 'no database archive' -c 'grant auto' -c 'no shutdown' -c end >"$T/setup.out" 2>&1 ||
	{ cat "$T/setup.out"; fail "CA set-up failed"; }
P -c 'show crypto pki server' >"$T/show.out"
contains "$T/show.out" "Status: enabled" || { cat "$T/show.out"; fail "server not enabled"; }
# the server-wide challenge password: the server trustpoint's `password`
P -c 'conf t' -c 'crypto pki trustpoint CA' -c 'password 0 s3cret' -c end >/dev/null ||
	fail "cannot set the challenge password"
P -c 'conf t' -c 'crypto pki export CA pem terminal' -c end >"$T/export.out" || fail "export"
sed -n '/BEGIN CERTIFICATE/,/END CERTIFICATE/p' "$T/export.out" | sed -n '1,/END CERTIFICATE/p' >"$T/ca.pem"
openssl x509 -in "$T/ca.pem" -noout >/dev/null 2>&1 || fail "no CA certificate exported"

enroll() { # dir cn [challenge]
	mkdir -p "$1"
	if [ -n "${3:-}" ]; then
		timeout 60 scepclient -server-url "$URL" -private-key "$1/key.pem" \
			-certificate "$1/cert.pem" -cn "$2" -challenge "$3" >"$1/log" 2>&1
	else
		timeout 90 scepclient -server-url "$URL" -private-key "$1/key.pem" \
			-certificate "$1/cert.pem" -cn "$2" >"$1/log" 2>&1
	fi
}

# 1. challenge password under grant auto
enroll "$T/c1" client1 s3cret || { cat "$T/c1/log"; fail "enrollment with the challenge failed"; }
openssl verify -CAfile "$T/ca.pem" "$T/c1/cert.pem" >/dev/null ||
	fail "issued certificate does not verify against the CA"
openssl x509 -in "$T/c1/cert.pem" -noout -subject | grep -q client1 || fail "subject lost"
serial1=$(openssl x509 -in "$T/c1/cert.pem" -noout -serial)

# 2. a wrong challenge is a FAILURE (badRequest), nothing issued
P -c 'show crypto pki server CA certificates' >"$T/before.out"
if enroll "$T/c2" client2 wrong; then
	fail "a wrong challenge was accepted"
fi
[ ! -s "$T/c2/cert.pem" ] || fail "a certificate was written for a wrong challenge"
P -c 'show crypto pki server CA certificates' >"$T/after.out"
cmp -s "$T/before.out" "$T/after.out" || fail "the database changed after a rejected request"

# 3. renewal: scepclient sends RenewalReq signed by its certificate
enroll "$T/c1" client1 || { cat "$T/c1/log"; fail "RenewalReq failed"; }
serial2=$(openssl x509 -in "$T/c1/cert.pem" -noout -serial)
[ "$serial1" != "$serial2" ] || fail "renewal did not issue a new certificate"
openssl verify -CAfile "$T/ca.pem" "$T/c1/cert.pem" >/dev/null || fail "renewed cert does not verify"

# 4. manual grant: the request waits; `grant all` from a second session
P -c 'conf t' -c 'crypto pki server CA' -c 'shutdown' -c 'no grant' -c 'no shutdown' -c end \
	>"$T/manual.out" 2>&1 || { cat "$T/manual.out"; fail "cannot switch to manual grant"; }
mkdir -p "$T/c3"
timeout 120 scepclient -server-url "$URL" -private-key "$T/c3/key.pem" \
	-certificate "$T/c3/cert.pem" -cn client3 >"$T/c3/log" 2>&1 &
SC=$!
i=0
until P -c 'show crypto pki server CA requests' | grep -q pending; do
	i=$((i + 1))
	[ $i -gt 100 ] && { kill $SC 2>/dev/null; cat "$T/c3/log"; fail "no pending request"; }
	sleep 0.2
done
"$PKISH" -d "$CA" -c 'crypto pki server CA grant all' || fail "grant all failed"
wait $SC || { cat "$T/c3/log"; fail "the pending client did not get its certificate"; }
openssl verify -CAfile "$T/ca.pem" "$T/c3/cert.pem" >/dev/null || fail "granted cert does not verify"
P -c 'show crypto pki server CA requests' | grep -q granted || fail "request not shown as granted"

# 4b. the CA is killed (kill -9) and restarted while a request waits: the
# grant after the restart reaches the waiting client, whose next poll gets
# the certificate (no second request, no second grant)
P -c 'write memory' >/dev/null 2>&1 || fail "write memory"
mkdir -p "$T/c4"
timeout 200 scepclient -server-url "$URL" -private-key "$T/c4/key.pem" \
	-certificate "$T/c4/cert.pem" -cn client4 >"$T/c4/log" 2>&1 &
SC=$!
i=0
until P -c 'show crypto pki server CA requests' | grep -q 'pending.*cn=client4'; do
	i=$((i + 1))
	[ $i -gt 100 ] && { kill $SC 2>/dev/null; cat "$T/c4/log"; fail "client4: no pending request"; }
	sleep 0.2
done
pid=$(daemon_pid "$CA")
kill -9 "$pid"
wait_dead "$pid" || fail "the CA did not die"
start_daemon "$CA" --http-bind 127.0.0.1 || fail "the CA did not restart"
P -c 'show crypto pki server CA requests' >"$T/req4.out"
[ "$(grep -c 'pending.*cn=client4' "$T/req4.out")" -eq 1 ] ||
	{ cat "$T/req4.out"; fail "the pending request did not survive the restart"; }
"$PKISH" -d "$CA" -c 'crypto pki server CA grant all' || fail "grant all after the restart failed"
wait $SC || { cat "$T/c4/log"; fail "client4 did not get its certificate after the CA restart"; }
openssl verify -CAfile "$T/ca.pem" "$T/c4/cert.pem" >/dev/null || fail "client4's cert does not verify"
P -c 'show crypto pki server CA requests' >"$T/req4.out"
[ "$(grep -c 'cn=client4' "$T/req4.out")" -eq 1 ] || { cat "$T/req4.out"; fail "client4 needed a second request"; }

# 5. GetNextCACert: 404 before a rollover, a signed chain after
st=$("$BUILD/tools/scepget" "$URL?operation=GetNextCACert&message=CA" "$T/next.der")
[ "${st%% *}" = 404 ] || fail "GetNextCACert without a rollover CA: $st"
P -c 'crypto pki server CA rollover' >/dev/null || fail "rollover failed"
st=$("$BUILD/tools/scepget" "$URL?operation=GetNextCACert&message=CA" "$T/next.der")
[ "$st" = "200 application/x-x509-next-ca-cert" ] || fail "GetNextCACert: $st"
openssl cms -verify -inform DER -in "$T/next.der" -CAfile "$T/ca.pem" -out "$T/inner.der" \
	-binary 2>"$T/cms.err" || { cat "$T/cms.err"; fail "GetNextCACert not signed by the CA"; }
openssl pkcs7 -inform DER -in "$T/inner.der" -print_certs -noout >"$T/next.txt" ||
	fail "inner content is not a certs-only PKCS#7"
grep -q "subject=CN = CA" "$T/next.txt" || { cat "$T/next.txt"; fail "no rollover CA inside"; }
echo "ok"

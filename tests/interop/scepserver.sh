#!/bin/sh
# scepserver.sh — a pkish trustpoint against micromdm scepserver (Debian
# package `scep`, scep-conformance §12, §14): authenticate, automatic
# enrollment, the RENEW at 80 % (a PKCSReq signed by the current
# certificate, on a regenerated key, with the challenge password, which
# scepserver checks on renewals too), a manual re-enrollment, and a wrong
# challenge rejected without retrying.  What the client must tolerate:
# the /scep path, DES-CBC replies, senderNonce == recipientNonce,
# sha1WithRSA SignerInfos, a CA certificate with keyCertSign+cRLSign only.
#
# scepserver has no bind option and listens on every interface, so it runs
# in a private network namespace that has only lo, with the spoke daemon in
# the same namespace (its Unix socket is in the filesystem, so `pkish -c`
# works from outside).  Needs root for `ip netns`; skipped otherwise.
# scepserver issues with the real clock, so the spoke starts at the real
# time and only moves forward from it.
. "${SRCDIR:-.}/tests/integration/lib/common.sh"

[ "$(id -u)" -eq 0 ] || { echo "not root: ip netns needs root"; exit 77; }
command -v scepserver >/dev/null 2>&1 || { echo "scepserver not installed (Debian package scep)"; exit 77; }
command -v ip >/dev/null 2>&1 || { echo "ip (iproute2) not installed"; exit 77; }
BUILD=${BUILD:-$(pwd)/build}
NS=pkish-scep-$$
SP=$T/spoke
SRV_PID=
URL=http://127.0.0.1:18080/scep

# on exit: scepserver, the spoke (a sanitizer report in its daemon.log
# fails the test), the namespace
ns_cleanup() {
	rc=$?
	[ -n "$SRV_PID" ] && kill "$SRV_PID" 2>/dev/null && wait "$SRV_PID" 2>/dev/null
	stop_daemon "$SP"
	if [ -f "$SP/daemon.log" ] &&
	   grep -qE 'ERROR: (Address|Leak)Sanitizer|runtime error:' "$SP/daemon.log"; then
		echo "FAIL: sanitizer report in the spoke's daemon.log:"
		head -n 60 "$SP/daemon.log"
		rc=1
	fi
	cleanup
	ip netns delete "$NS" 2>/dev/null
	exit "$rc"
}
trap ns_cleanup EXIT

ip netns add "$NS" || fail "ip netns add $NS"
ip -n "$NS" link set lo up || fail "lo up in $NS"
[ "$(ip -n "$NS" -o link show | grep -vc ': lo:')" -eq 0 ] || fail "$NS has more than lo"

scepserver ca -init -depot "$T/depot" -keySize 2048 >"$T/ca-init.log" 2>&1 ||
	{ cat "$T/ca-init.log"; fail "scepserver ca -init"; }
ip netns exec "$NS" scepserver -depot "$T/depot" -port 18080 -allowrenew 0 -challenge s3cret \
	-debug >"$T/srv.log" 2>&1 &
SRV_PID=$!
i=0
until st=$(ip netns exec "$NS" "$BUILD/tools/scepget" "$URL?operation=GetCACaps" "$T/caps" 2>/dev/null) &&
      [ "${st%% *}" = 200 ]; do
	i=$((i + 1))
	[ $i -gt 100 ] && { cat "$T/srv.log"; fail "scepserver did not start"; }
	sleep 0.1
done

P() { "$PKISH" -d "$SP" "$@"; }
DAEMONS="$DAEMONS $SP"
ip netns exec "$NS" "$PKISH" -d "$SP" --daemon --frozen-clock || fail "spoke daemon"
P -c "clock set $(date -u '+%H:%M:%S %b %d %Y')" -c 'conf t' -c 'hostname spoke' \
  -c 'ip domain name example.net' -c 'logging buffered 1000000 debugging' \
  -c 'crypto pki trustpoint MDM' -c "enrollment url $URL" -c 'serial-number none' \
  -c 'ip-address none' -c 'password 0 s3cret' -c 'subject-name CN=spoke.example.net,O=pkish' \
  -c 'rsakeypair SPOKE' -c 'auto-enroll 80 regenerate' -c 'end' \
  -c 'debug crypto pki transactions' >"$T/setup.out" 2>&1 || { cat "$T/setup.out"; fail "spoke set-up"; }

# ---- authenticate: the fingerprint of the depot's CA, then enrollment at once ----
echo yes | P -c 'conf t' -c 'crypto pki authenticate MDM' -c 'end' >"$T/auth.out" 2>&1 ||
	{ cat "$T/auth.out"; fail "authenticate"; }
want=$(openssl x509 -in "$T/depot/ca.pem" -noout -fingerprint -md5 | sed 's/.*=//; s/://g')
got=$(sed -n 's/^ *Fingerprint MD5: //p' "$T/auth.out" | tr -d ' ')
[ "$want" = "$got" ] || { cat "$T/auth.out"; fail "fingerprint $got, want $want"; }
contains "$T/auth.out" 'Trustpoint CA certificate accepted.' || { cat "$T/auth.out"; fail "not accepted"; }

# cert FILE: the spoke's identity certificate
cert() {
	P -c 'conf t' -c 'crypto pki export MDM pem terminal' -c 'end' >"$T/export.out" 2>&1
	sed -n '/^% General Purpose Certificate:/,$p' "$T/export.out" |
		sed -n '/BEGIN CERTIFICATE/,/END CERTIFICATE/p' >"$1"
}
keyhex() {
	P -c "show crypto key mypubkey rsa $1" |
		awk '/^ Key Data:/ { on = 1; next } on && /^  [0-9A-F]/ { gsub(/ /, ""); printf "%s", $0 } END { print "" }'
}
certkeyhex() {
	openssl x509 -in "$1" -noout -pubkey | openssl pkey -pubin -outform DER | od -An -v -tx1 |
		tr -d ' \n' | tr a-f A-F
	echo
}
cert "$T/c1.pem"
openssl verify -CAfile "$T/depot/ca.pem" "$T/c1.pem" >/dev/null 2>&1 ||
	{ cat "$T/export.out"; P -c 'show logging'; fail "no identity certificate from scepserver"; }
openssl x509 -in "$T/c1.pem" -noout -subject | grep -q 'CN = spoke.example.net' || fail "subject lost"
[ "$(certkeyhex "$T/c1.pem")" = "$(keyhex SPOKE)" ] || fail "the certificate is not on key SPOKE"
P -c 'show logging' >"$T/log"
contains "$T/log" 'CRYPTO_PKI: Capabilites already obtained CA_CAP_POST_ACCEPTED CA_CAP_RENEWAL' ||
	{ cat "$T/log"; fail "GetCACaps of scepserver not read"; }
contains "$T/log" '%PKI-6-CERT_INSTALL: An ID certificate has been installed under' || fail "no CERT_INSTALL"
P -c 'show crypto pki certificates MDM' >"$T/certs"
renew=$(sed -n 's/^ *renew date: //p' "$T/certs")
[ -n "$renew" ] || { cat "$T/certs"; fail "no renew date"; }
P -c 'show crypto pki timers' >"$T/timers"
grep -q 'RENEW MDM$' "$T/timers" || { cat "$T/timers"; fail "no RENEW timer"; }
s1=$(openssl x509 -in "$T/c1.pem" -noout -serial)

# ---- the RENEW at 80 % (a second later in real time, so the new certificate
# starts later than the old one and its own RENEW is in the future) ---------------
sleep 1
rt=$(date -u -d "$(echo "$renew" | sed 's/ UTC / /')" '+%H:%M:%S %b %d %Y') || fail "renew date $renew"
P -c "clock set $rt" >/dev/null 2>&1 || fail "clock set $rt"
cert "$T/c2.pem"
s2=$(openssl x509 -in "$T/c2.pem" -noout -serial)
[ "$s1" != "$s2" ] || { P -c 'show logging'; cat "$T/srv.log"; fail "RENEW did not renew"; }
openssl verify -CAfile "$T/depot/ca.pem" "$T/c2.pem" >/dev/null 2>&1 || fail "renewed certificate does not verify"
[ "$(certkeyhex "$T/c2.pem")" = "$(keyhex SPOKE)" ] || fail "the renewed certificate is not on key SPOKE"
[ "$(certkeyhex "$T/c2.pem")" != "$(certkeyhex "$T/c1.pem")" ] || fail "regenerate kept the key"
[ -z "$(keyhex 'SPOKE#')" ] || fail "key SPOKE# left after the renewal"
P -c 'show logging' >"$T/log"
contains "$T/log" 'CRYPTO_PKI: RENEW timer fired for trustpoint MDM' || { cat "$T/log"; fail "no RENEW"; }
# RENEW again at 80 % of the new certificate (scepserver's clock is the real
# one, 292 days behind the spoke's: that is a second or two from now)
nb=$(date -u -d "$(openssl x509 -in "$T/c2.pem" -noout -startdate | sed 's/.*=//')" +%s)
na=$(date -u -d "$(openssl x509 -in "$T/c2.pem" -noout -enddate | sed 's/.*=//')" +%s)
want=$(date -u -d "@$((nb + (na - nb) * 8 / 10))" '+%H:%M:%S UTC %b %-d %Y')
P -c 'show crypto pki certificates MDM' >"$T/certs"
grep -qx "    renew date: $want" "$T/certs" || { cat "$T/certs"; fail "renew date is not $want"; }
P -c 'show crypto pki timers' >"$T/timers"
grep -q '  RENEW MDM$' "$T/timers" || { cat "$T/timers"; fail "RENEW not re-armed"; }
[ "$(grep -c 'scep_message_type="PKCSReq (19)"' "$T/srv.log")" -eq 2 ] ||
	{ cat "$T/srv.log"; fail "scepserver did not see two PKCSReqs"; }
grep -q 'has_challenge=true' "$T/srv.log" || fail "no challenge in the requests"

# ---- a manual re-enrollment (re-enroll dialog), granted too ---------------------
printf 'yes\nyes\n' | P -c 'conf t' -c 'crypto pki enroll MDM' -c 'end' >"$T/enroll.out" 2>&1 ||
	{ cat "$T/enroll.out"; fail "crypto pki enroll"; }
contains "$T/enroll.out" 'Do you want to continue with re-enrollment? [yes/no]: ' ||
	{ cat "$T/enroll.out"; fail "no re-enroll question"; }
cert "$T/c3.pem"
s3=$(openssl x509 -in "$T/c3.pem" -noout -serial)
[ "$s3" != "$s2" ] || { P -c 'show logging'; fail "manual re-enrollment did not renew"; }
openssl verify -CAfile "$T/depot/ca.pem" "$T/c3.pem" >/dev/null 2>&1 || fail "re-enrolled cert does not verify"

# ---- a wrong challenge: FAILURE, logged, not retried ---------------------------
P -c 'conf t' -c 'crypto pki trustpoint BAD' -c "enrollment url $URL" -c 'serial-number none' \
  -c 'ip-address none' -c 'password 0 wrong' -c 'rsakeypair BAD' -c 'auto-enroll 80' -c 'end' \
  >/dev/null 2>&1 || fail "trustpoint BAD"
echo yes | P -c 'conf t' -c 'crypto pki authenticate BAD' -c 'end' >"$T/auth2.out" 2>&1 ||
	{ cat "$T/auth2.out"; fail "authenticate BAD"; }
P -c 'show logging' >"$T/log"
contains "$T/log" '%PKI-6-CERTREJECT: Certificate enrollment request was rejected by Certificate Authority for Trustpoint BAD' ||
	{ cat "$T/log"; fail "wrong challenge not rejected"; }
P -c 'show crypto pki timers' >"$T/timers"
! grep -q ' BAD$' "$T/timers" || { cat "$T/timers"; fail "BAD still has a timer"; }
n=$(grep -c 'scep_message_type="PKCSReq (19)"' "$T/srv.log")
[ "$n" -eq 4 ] || { cat "$T/srv.log"; fail "$n PKCSReqs, want 4 (the rejected one not retried)"; }
echo ok

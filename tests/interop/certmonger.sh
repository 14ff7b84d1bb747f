#!/bin/sh
# certmonger.sh — certmonger (Debian package `certmonger`: the daemon,
# getcert and its scep-submit helper) enrolls against a pkish certificate
# server on 127.0.0.1 (issue 9):
#   a. grant auto with the challenge password: certificate issued and
#      saved, verified with openssl against the CA;
#   b. renewal by `getcert resubmit` (same key) and by `getcert rekey`
#      (new key): new certificates with new serials;
#   c. a wrong challenge password: CA_REJECTED, nothing issued, the
#      request database unchanged;
#   d. manual grant, no challenge password: certmonger reads the PENDING
#      CertRep (CA_WORKING, not CA_UNREACHABLE), `crypto pki server CA
#      grant all` from a second session, `getcert refresh` polls at once
#      and gets the certificate.
# Every CertRep kind (SUCCESS, FAILURE, PENDING) is verified by
# scep-submit with OpenSSL's PKCS7_verify: a FAILURE or PENDING without
# eContent would leave the request CA_UNREACHABLE ("no content").
#
# certmonger runs as a private daemon: no D-Bus (-L: only a listening
# socket of its own, which getcert finds through CERTMONGER_PVT_ADDRESS),
# its requests, CAs, local CA, configuration and temporary files under $T,
# stopped by the exit trap.  It is given the CA certificate with
# `add-scep-ca -N`: certmonger 0.79 builds the signer's chain of a CertRep
# only to a CA certificate configured that way (or with -I); the one
# certificate GetCACert returns is used as the RA (envelope) certificate.
# Skipped (77) only when certmonger is not installed outside CI; in CI
# scripts/deps.sh installs it, so a missing certmonger fails there.
. "${SRCDIR:-.}/tests/integration/lib/common.sh"
. "${SRCDIR:-.}/tests/integration/lib/scep.sh"

SUBMIT=
for d in /usr/libexec/certmonger /usr/lib/certmonger; do
	[ -x "$d/scep-submit" ] && SUBMIT=$d/scep-submit
done
if ! command -v certmonger >/dev/null 2>&1 || ! command -v getcert >/dev/null 2>&1 ||
   [ -z "$SUBMIT" ]; then
	[ "${CI:-}" = true ] && fail "certmonger is not installed (scripts/deps.sh check installs it)"
	echo "certmonger not installed (Debian package certmonger)"
	exit 77
fi

CM=$T/certmonger
CM_PID=
cm_stop() {
	if [ -n "$CM_PID" ]; then
		kill "$CM_PID" 2>/dev/null
		wait "$CM_PID" 2>/dev/null
		CM_PID=
	fi
}
cm_cleanup() {
	rc=$?
	[ "$rc" -ne 0 ] && [ -f "$CM/log" ] && { echo "# certmonger log (tail):"; tail -n 40 "$CM/log"; }
	cm_stop
	(exit "$rc")
	scep_cleanup
}
trap cm_cleanup EXIT

# ---- the CA: grant auto, challenge password s3cret -------------------------
scep_start_ca
cs 'conf t' 'crypto pki trustpoint CA' 'password 0 s3cret' 'end' >/dev/null ||
	fail "cannot set the challenge password"
cs 'conf t' 'crypto pki export CA pem terminal' 'end' >"$T/export.out" || fail "export"
sed -n '/BEGIN CERTIFICATE/,/END CERTIFICATE/p' "$T/export.out" | sed -n '1,/END CERTIFICATE/p' \
	>"$T/ca.pem"
openssl x509 -in "$T/ca.pem" -noout >/dev/null 2>&1 || fail "no CA certificate exported"

# ---- a private certmonger ----------------------------------------------------
mkdir -p "$CM/requests" "$CM/cas" "$CM/local" "$CM/config" "$CM/tmp" "$CM/home" ||
	fail "cannot make certmonger's directories"
export HOME="$CM/home" CERTMONGER_REQUESTS_DIR="$CM/requests" CERTMONGER_CAS_DIR="$CM/cas" \
       CERTMONGER_LOCAL_CA_DIR="$CM/local" CERTMONGER_CONFIG_DIR="$CM/config" \
       CERTMONGER_TMPDIR="$CM/tmp" CERTMONGER_PVT_ADDRESS="unix:path=$CM/sock"
certmonger -n -L -P "$CM/sock" -d 2 >"$CM/log" 2>&1 &
CM_PID=$!
i=0
until [ -S "$CM/sock" ]; do
	i=$((i + 1))
	dead "$CM_PID" && { cat "$CM/log"; fail "certmonger did not start"; }
	[ $i -gt 300 ] && fail "certmonger made no socket"
	sleep 0.1
done

G() { getcert "$@" >>"$CM/getcert.out" 2>&1; }
status() { getcert list -i "$1" 2>/dev/null | sed -n 's/^[[:space:]]*status: //p'; }
# wait_status ID STATE: until the request is in STATE; another state that
# certmonger does not leave by itself fails at once (the bound is against a
# hang, not a timing check)
wait_status() {
	_i=0
	while :; do
		_s=$(status "$1")
		[ "$_s" = "$2" ] && return 0
		case $_s in
		MONITORING|CA_WORKING|CA_REJECTED|CA_UNREACHABLE|CA_UNCONFIGURED|NEED_GUIDANCE)
			_i=$((_i + 500)) ;;
		esac
		_i=$((_i + 1))
		[ $_i -gt 600 ] && { getcert list -i "$1"; fail "$1: status '$_s', wanted $2"; }
		sleep 0.2
	done
}
serial_of() { openssl x509 -in "$1" -noout -serial 2>/dev/null; }
verify() { # cert what
	openssl verify -CAfile "$T/ca.pem" "$1" >"$T/verify.out" 2>&1 ||
		{ cat "$T/verify.out"; fail "$2 does not verify against the CA"; }
}

G add-scep-ca -c pkish -u "$URL" -N "$T/ca.pem" || { cat "$CM/getcert.out"; fail "add-scep-ca"; }
getcert list-cas -c pkish >"$T/cas.out" 2>&1
contains "$T/cas.out" "$URL" || { cat "$T/cas.out"; fail "the CA is not listed"; }

# ---- a. grant auto with the challenge password -------------------------------
A=$T/auto
mkdir -p "$A"
G request -c pkish -I auto -f "$A/cert.pem" -k "$A/key.pem" -N CN=cm-auto -L s3cret -w \
	--wait-timeout=120
wait_status auto MONITORING
[ -s "$A/cert.pem" ] || fail "no certificate saved"
verify "$A/cert.pem" "the issued certificate"
openssl x509 -in "$A/cert.pem" -noout -subject | grep -q 'CN *= *cm-auto' || fail "subject lost"
[ "$(openssl x509 -in "$A/cert.pem" -noout -pubkey)" = "$(openssl pkey -in "$A/key.pem" -pubout)" ] ||
	fail "the certificate is not for certmonger's key"
s1=$(serial_of "$A/cert.pem")
cs 'show crypto pki server CA certificates' >"$T/certs.out"
grep -qi 'cn=cm-auto' "$T/certs.out" || { cat "$T/certs.out"; fail "the CA does not list it"; }

# ---- b. renewal: resubmit (same key), rekey (new key) ------------------------
key1=$(openssl pkey -in "$A/key.pem" -pubout)
G resubmit -i auto -w --wait-timeout=120
wait_status auto MONITORING
s2=$(serial_of "$A/cert.pem")
[ -n "$s2" ] && [ "$s2" != "$s1" ] || fail "resubmit: serial $s1 -> '$s2'"
verify "$A/cert.pem" "the resubmitted certificate"
[ "$(openssl pkey -in "$A/key.pem" -pubout)" = "$key1" ] || fail "resubmit changed the key"
G rekey -i auto -w --wait-timeout=120
wait_status auto MONITORING
s3=$(serial_of "$A/cert.pem")
[ -n "$s3" ] && [ "$s3" != "$s2" ] && [ "$s3" != "$s1" ] || fail "rekey: serial $s2 -> '$s3'"
verify "$A/cert.pem" "the rekeyed certificate"
key3=$(openssl pkey -in "$A/key.pem" -pubout)
[ "$key3" != "$key1" ] || fail "rekey kept the old key"
[ "$(openssl x509 -in "$A/cert.pem" -noout -pubkey)" = "$key3" ] ||
	fail "the rekeyed certificate is not for the new key"

# ---- c. a wrong challenge password is rejected -------------------------------
db_snapshot "$T/before"
B=$T/bad
mkdir -p "$B"
G request -c pkish -I bad -f "$B/cert.pem" -k "$B/key.pem" -N CN=cm-bad -L wrong -w \
	--wait-timeout=120
wait_status bad CA_REJECTED
[ ! -s "$B/cert.pem" ] || fail "a certificate was saved for a wrong challenge"
getcert list -i bad >"$T/bad.out" 2>&1
contains "$T/bad.out" "ca-error:" || { cat "$T/bad.out"; fail "no ca-error for the rejection"; }
db_snapshot "$T/after"
db_same "$T/before" "$T/after" "a rejected request"
G stop-tracking -i bad

# ---- d. manual grant: PENDING, grant all, poll ---------------------------------
cs 'conf t' 'crypto pki server CA' 'shutdown' 'no grant' 'no shutdown' 'end' >"$T/manual.out" 2>&1 ||
	{ cat "$T/manual.out"; fail "cannot switch to manual grant"; }
P=$T/pend
mkdir -p "$P"
# no challenge password: with the right one the CA grants at once, as IOS
G request -c pkish -I pend -f "$P/cert.pem" -k "$P/key.pem" -N CN=cm-pend
# the PENDING CertRep verified and understood: waiting for the CA
wait_status pend CA_WORKING
cs 'show crypto pki server CA requests' >"$T/req.out"
grep -i 'cn=cm-pend' "$T/req.out" | grep -q pending || { cat "$T/req.out"; fail "not pending at the CA"; }
[ ! -s "$P/cert.pem" ] || fail "a certificate was saved before the grant"
"$PKISH" -d "$CA" -c 'crypto pki server CA grant all' >"$T/grant.out" 2>&1 ||
	{ cat "$T/grant.out"; fail "grant all failed"; }
G refresh -i pend
wait_status pend MONITORING
verify "$P/cert.pem" "the granted certificate"
openssl x509 -in "$P/cert.pem" -noout -subject | grep -q 'CN *= *cm-pend' || fail "subject lost"
cs 'show crypto pki server CA requests' >"$T/req.out"
grep -i 'cn=cm-pend' "$T/req.out" | grep -q granted || { cat "$T/req.out"; fail "not granted at the CA"; }

# every request still tracked is healthy (no CA_UNREACHABLE left behind)
getcert list >"$T/list.out" 2>&1
! grep -q 'CA_UNREACHABLE' "$T/list.out" || { cat "$T/list.out"; fail "a request is CA_UNREACHABLE"; }
echo ok

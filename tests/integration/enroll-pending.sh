#!/bin/sh
# enroll-pending.sh — manual grant and rejection (spec §3.3 POLL, RENEW
# step 3; §5.5 pending block; §5.10 re-enroll dialog):
#   * a CA without `grant auto`: the spoke's initial auto-enrollment stays
#     pending; `show crypto pki certificates` shows the pending request,
#     `show crypto pki timers` POLL 1, 2, 4, 8 minutes as the spoke's clock
#     moves; `crypto pki server ROOTCA grant all`; the next poll installs;
#   * `grant none`: the RENEW at 80 % is rejected (%PKI-6-CERTREJECT) and
#     nothing is re-armed, not even after the clock moves on; a manual
#     `crypto pki enroll` (re-enroll dialog) renews and RENEW is back;
#   * `enrollment retry count 2`: polling stops after two polls.
. "$(dirname "$0")/lib/common.sh"
. "$(dirname "$0")/lib/pki.sh"

pki_start_ca 90 'no grant'
pki_start_spoke 80
pki_authenticate

# ---- pending -----------------------------------------------------------------
sp 'show crypto pki certificates' >"$T/certs"
contains "$T/certs" '   Status: Pending' || { cat "$T/certs"; fail "no pending block"; }
contains "$T/certs" '   Associated Trustpoint: Root-CA' || { cat "$T/certs"; fail "pending block incomplete"; }
grep -Eq '^   Certificate Request Fingerprint MD5: [0-9A-F]{8}( [0-9A-F]{8}){3}$' "$T/certs" ||
	{ cat "$T/certs"; fail "no request fingerprint"; }
md5=$(field "$T/certs" 'Certificate Request Fingerprint MD5:' | tr -d ' ')
ca 'show crypto pki server ROOTCA requests' >"$T/reqs"
grep -q "^1 *pending *$md5 " "$T/reqs" || { cat "$T/reqs"; fail "the CA has no pending request $md5"; }
sp 'show crypto pki trustpoints Root-CA status' >"$T/st"
contains "$T/st" 'Last enrollment status: Pending' || { cat "$T/st"; fail "status not Pending"; }
contains "$T/st" 'Certificate request(s) ..... Yes' || { cat "$T/st"; fail "no request in status"; }

t=$DAY0
for m in 1 2 4 8; do
	sp 'show crypto pki timers' >"$T/timers"
	timer_line "$T/timers" 'POLL Root-CA' | grep -q "^| *$m:00.000  POLL Root-CA\$" ||
		{ cat "$T/timers"; fail "POLL is not $m minutes"; }
	! timer_line "$T/timers" 'RENEW Root-CA' >/dev/null || { cat "$T/timers"; fail "RENEW while pending"; }
	t=$((t + m * 60))
	at "$t"
done
sp 'show crypto pki timers' >"$T/timers"
timer_line "$T/timers" 'POLL Root-CA' | grep -q '^| *16:00.000  POLL Root-CA$' ||
	{ cat "$T/timers"; fail "POLL is not 16 minutes"; }
sp 'show logging' >"$T/log"
[ "$(grep -c 'Sending GetCertInitial' "$T/log")" -eq 4 ] || { cat "$T/log"; fail "not 4 polls"; }

ca 'crypto pki server ROOTCA grant all' >"$T/grant" 2>&1 || { cat "$T/grant"; fail "grant all"; }
granted=$t               # the certificate starts when the CA grants it
ca 'show crypto pki server ROOTCA requests' >"$T/reqs"
grep -q "^1 *granted *$md5 " "$T/reqs" || { cat "$T/reqs"; fail "request 1 not granted"; }
t=$((t + 8 * 60))
at "$t"
sp 'show crypto pki certificates' >"$T/certs"
contains "$T/certs" 'Status: Pending' || { cat "$T/certs"; fail "installed before the next poll"; }
t=$((t + 8 * 60))
at "$t"                  # the fifth poll
sp 'show crypto pki certificates' >"$T/certs"
! contains "$T/certs" 'Status: Pending' || { cat "$T/certs"; fail "still pending after the grant"; }
[ "$(field "$T/certs" 'Certificate Serial Number (hex):')" = 02 ] || { cat "$T/certs"; fail "no certificate 02"; }
[ "$(field "$T/certs" 'start date:')" = "$(datetext "$granted")" ] || { cat "$T/certs"; fail "not the granted one"; }
chain_ok "$t"
sp 'show crypto pki timers' >"$T/timers"
! timer_line "$T/timers" 'POLL Root-CA' >/dev/null || { cat "$T/timers"; fail "POLL after the install"; }
timer_line "$T/timers" 'RENEW Root-CA' >/dev/null || { cat "$T/timers"; fail "no RENEW after the install"; }
sp 'show logging' >"$T/log"
contains "$T/log" '%PKI-6-CERTRET: Certificate received from Certificate Authority' || fail "no CERTRET"
contains "$T/log" '%PKI-6-CERT_INSTALL: An ID certificate has been installed under' || fail "no CERT_INSTALL"
sp 'show crypto pki trustpoints Root-CA status' >"$T/st"
contains "$T/st" 'Last enrollment status: Granted' || { cat "$T/st"; fail "status not Granted"; }

# ---- a rejected renewal --------------------------------------------------------
ca 'conf t' 'crypto pki server ROOTCA' 'shutdown' 'grant none' 'no shutdown' 'end' >"$T/none" 2>&1 ||
	{ cat "$T/none"; fail "grant none"; }
renew=$((granted + 292 * 86400))
at "$renew"
sp 'show logging' >"$T/log"
contains "$T/log" '%PKI-6-CERTREJECT: Certificate enrollment request was rejected by Certificate Authority for Trustpoint Root-CA' ||
	{ cat "$T/log"; fail "no CERTREJECT"; }
sp 'show crypto pki trustpoints Root-CA status' >"$T/st"
contains "$T/st" 'Last enrollment status: Rejected' || { cat "$T/st"; fail "status not Rejected"; }
for t in "$renew" $((renew + 86400)) $((renew + 60 * 86400)); do
	at "$t"
	sp 'show crypto pki timers' >"$T/timers"
	! grep -q 'Root-CA' "$T/timers" || { cat "$T/timers"; fail "a timer after the rejection"; }
	sp 'show crypto pki certificates Root-CA' >"$T/certs"
	[ "$(field "$T/certs" 'Certificate Serial Number (hex):')" = 02 ] || { cat "$T/certs"; fail "renewed anyway"; }
	! contains "$T/certs" 'renew date:' || { cat "$T/certs"; fail "a renew date after the rejection"; }
done
[ "$(grep -c 'RENEW timer fired' "$T/log")" -eq 1 ] || fail "RENEW fired more than once"

# ---- manual re-enrollment: the dialog, then RENEW again ---------------------------
ca 'conf t' 'crypto pki server ROOTCA' 'shutdown' 'grant auto' 'no shutdown' 'end' >"$T/auto" 2>&1 ||
	{ cat "$T/auto"; fail "grant auto"; }
printf 'yes\nyes\n' | sp 'conf t' 'crypto pki enroll Root-CA' 'end' >"$T/enroll" 2>&1 ||
	{ cat "$T/enroll"; fail "crypto pki enroll"; }
for l in 'Trustpoint Root-CA has already enrolled and has a router cert issued to it.' \
	 'Do you want to continue with re-enrollment? [yes/no]: ' \
	 '% The subject name in the certificate will include: CN=spoke-1.cisco.com,OU=CVO' \
	 '% The subject name in the certificate will include: spoke-1.cisco.com' \
	 '% The serial number in the certificate will be: ' \
	 'Request certificate from CA? [yes/no]: ' \
	 '% Certificate request sent to Certificate Authority'; do
	contains "$T/enroll" "$l" || { cat "$T/enroll"; fail "enroll dialog: no \"$l\""; }
done
! contains "$T/enroll" 'Password:' || { cat "$T/enroll"; fail "asked for a password that is configured"; }
sp 'show crypto pki certificates Root-CA' >"$T/certs"
[ "$(field "$T/certs" 'Certificate Serial Number (hex):')" = 03 ] || { cat "$T/certs"; fail "manual enroll did not renew"; }
[ "$(field "$T/certs" 'start date:')" = "$(datetext "$t")" ] || { cat "$T/certs"; fail "not renewed now"; }
[ "$(field "$T/certs" 'renew date:')" = "$(datetext $((t + 292 * 86400)))" ] ||
	{ cat "$T/certs"; fail "renew date not at 80 % of the new certificate"; }
chain_ok "$t"
sp 'show crypto pki timers' >"$T/timers"
timer_line "$T/timers" 'RENEW Root-CA' >/dev/null || { cat "$T/timers"; fail "RENEW not back"; }
sp 'show logging' >"$T/log"
contains "$T/log" '%PKI-6-CERT_ENROLL_MANUAL: Manual enrollment for trustpoint Root-CA' || fail "no CERT_ENROLL_MANUAL"

# ---- enrollment retry count: polling gives up, and nothing loops -------------------
ca 'conf t' 'crypto pki server ROOTCA' 'shutdown' 'no grant' 'no shutdown' 'end' >"$T/manual" 2>&1 ||
	{ cat "$T/manual"; fail "no grant"; }
echo yes | sp 'conf t' 'no crypto pki trustpoint Root-CA' 'end' >"$T/del" 2>&1 || { cat "$T/del"; fail "delete"; }
sp 'show crypto pki trustpoints' >"$T/tps"
! contains "$T/tps" 'Root-CA' || { cat "$T/tps"; fail "trustpoint not deleted"; }
sp 'conf t' 'crypto pki trustpoint Root-CA' "enrollment url http://127.0.0.1:$PORT" 'serial-number none' \
   'ip-address none' 'password 0 x' 'enrollment retry count 2' 'auto-enroll 80' 'end' >"$T/tp2" 2>&1 ||
	{ cat "$T/tp2"; fail "trustpoint again"; }
pki_authenticate
for m in 1 2 4 8; do
	t=$((t + m * 60))
	at "$t"
done
sp 'show crypto pki timers' >"$T/timers"
! grep -q 'Root-CA' "$T/timers" || { cat "$T/timers"; fail "a timer after the retry count"; }
sp 'show crypto pki trustpoints Root-CA status' >"$T/st"
contains "$T/st" 'Last enrollment status: Failed' || { cat "$T/st"; fail "status not Failed after the polls"; }
ca 'show crypto pki server ROOTCA requests' >"$T/reqs"
[ "$(grep -c ' pending ' "$T/reqs")" -eq 1 ] || { cat "$T/reqs"; fail "the spoke asked more than once"; }

# ---- a rejected initial auto-enrollment stops too (it used to ask again at once,
# for ever, inside the authenticate command)
ca 'conf t' 'crypto pki server ROOTCA' 'shutdown' 'grant none' 'no shutdown' 'end' >/dev/null 2>&1
echo yes | sp 'conf t' 'no crypto pki trustpoint Root-CA' 'end' >/dev/null 2>&1
sp 'conf t' 'crypto pki trustpoint Root-CA' "enrollment url http://127.0.0.1:$PORT" 'serial-number none' \
   'ip-address none' 'password 0 x' 'auto-enroll 80' 'end' >/dev/null 2>&1
pki_authenticate
at $((t + 3600))
sp 'show crypto pki trustpoints Root-CA status' >"$T/st"
contains "$T/st" 'Last enrollment status: Rejected' || { cat "$T/st"; fail "status not Rejected"; }
sp 'show crypto pki timers' >"$T/timers"
! grep -q 'Root-CA' "$T/timers" || { cat "$T/timers"; fail "a timer after a rejected auto-enrollment"; }
sp 'show logging' >"$T/log"
[ "$(grep -c 'PKI-6-CERTREJECT' "$T/log")" -eq 2 ] || { cat "$T/log"; fail "not exactly two rejections"; }
echo ok

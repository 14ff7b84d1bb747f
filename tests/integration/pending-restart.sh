#!/bin/sh
# pending-restart.sh — pending work survives restarts (issue 9):
#   * a spoke's request waits on a CA with manual grant; both devices save;
#   * the spoke is killed with SIGKILL and restarted: its request (same
#     transaction, key, fingerprint) is pending again and POLL goes on;
#   * the spoke reloads: the same;
#   * the CA is killed with SIGKILL and restarted: its request database
#     still has the pending entry (same number, fingerprint); granted after
#     the restart, the spoke's next poll installs the certificate — no
#     failInfo 4, no second grant;
#   * a granted-but-not-fetched certificate survives a CA --stop/start too;
#   * an enrollment made while the spoke's clock is not authoritative is
#     polled as soon as `clock set` makes it authoritative.
. "$(dirname "$0")/lib/common.sh"
. "$(dirname "$0")/lib/pki.sh"

pki_start_ca 90 'no grant'
pki_start_spoke 80
pki_authenticate

pending_md5() {
	sp 'show crypto pki certificates' >"$T/certs"
	contains "$T/certs" '   Status: Pending' || { cat "$T/certs"; fail "$1: no pending request"; }
	field "$T/certs" 'Certificate Request Fingerprint MD5:' | tr -d ' '
}

md5=$(pending_md5 "before the restarts")
ca 'show crypto pki server ROOTCA requests' >"$T/reqs"
grep -q "^1 *pending *$md5 " "$T/reqs" || { cat "$T/reqs"; fail "the CA has no pending request $md5"; }
ca 'write memory' >/dev/null 2>&1 || fail "CA write memory"
sp 'write memory' >/dev/null 2>&1 || fail "spoke write memory"
sp 'show logging' >"$T/log"
tid=$(sed -n 's/.*Sending PKCSReq, transaction id \([0-9A-F]*\).*/\1/p' "$T/log" | tail -n 1)
[ -n "$tid" ] || { cat "$T/log"; fail "no transaction id"; }

t=$DAY0
t=$((t + 60))
at "$t"                  # poll 1
# ---- the spoke: SIGKILL, restart ---------------------------------------------------------
pid=$(daemon_pid "$SP_DIR")
kill -9 "$pid"
wait_dead "$pid" || fail "the spoke did not die"
start_daemon "$SP_DIR" --frozen-clock --http-bind 127.0.0.1 || fail "the spoke did not restart"
[ "$(pending_md5 "after the spoke's kill -9")" = "$md5" ] || fail "another request after the restart"
at_spoke "$t"
sp 'debug crypto pki transactions' >/dev/null 2>&1
sp 'show crypto pki timers' >"$T/timers"
timer_line "$T/timers" 'POLL Root-CA' | grep -q '^| *2:00.000  POLL Root-CA$' ||
	{ cat "$T/timers"; fail "POLL did not resume at 2 minutes"; }
t=$((t + 120))
at "$t"                  # poll 2, same transaction
sp 'show logging' >"$T/log"
grep -q "Sending GetCertInitial (poll 2), transaction id $tid" "$T/log" ||
	{ cat "$T/log"; fail "the resumed poll is not poll 2 of transaction $tid"; }

# ---- the spoke: reload -----------------------------------------------------------------
printf '\n' | sp 'reload' >"$T/reload.out" 2>&1 || { cat "$T/reload.out"; fail "reload"; }
[ "$(pending_md5 "after the spoke's reload")" = "$md5" ] || fail "another request after the reload"

# ---- the CA: SIGKILL, restart; grant after it --------------------------------------------
pid=$(daemon_pid "$CA_DIR")
kill -9 "$pid"
wait_dead "$pid" || fail "the CA did not die"
start_daemon "$CA_DIR" --frozen-clock --http-bind 127.0.0.1 || fail "the CA did not restart"
at_ca "$t"
ca 'show crypto pki server ROOTCA requests' >"$T/reqs"
grep -q "^1 *pending *$md5 " "$T/reqs" || { cat "$T/reqs"; fail "the CA lost pending request 1"; }
ca 'show crypto pki server ROOTCA' >"$T/show"
contains "$T/show" 'Status: enabled' || { cat "$T/show"; fail "CA not enabled after the restart"; }
t=$((t + 240))
at "$t"                  # poll 3 reaches the restarted CA: still pending
sp 'show crypto pki certificates' >"$T/certs"
contains "$T/certs" '   Status: Pending' || { cat "$T/certs"; fail "the poll after the CA restart ended the request"; }
sp 'show logging' >"$T/log"
! grep -q 'Fail Info=4' "$T/log" || { cat "$T/log"; fail "badCertId after the CA restart"; }

ca 'crypto pki server ROOTCA grant 1' >"$T/grant" 2>&1 || { cat "$T/grant"; fail "grant 1"; }
granted=$t
# ---- granted, not fetched: survives a clean stop of the CA too ---------------------------
stop_daemon "$CA_DIR"
start_daemon "$CA_DIR" --frozen-clock --http-bind 127.0.0.1 || fail "the CA did not start again"
at_ca "$t"
ca 'show crypto pki server ROOTCA requests' >"$T/reqs"
grep -q "^1 *granted *$md5 " "$T/reqs" || { cat "$T/reqs"; fail "the granted entry did not survive"; }
t=$((t + 480))
at "$t"                  # poll 4 collects it
sp 'show crypto pki certificates' >"$T/certs"
! contains "$T/certs" 'Status: Pending' || { cat "$T/certs"; fail "still pending after the grant"; }
[ "$(field "$T/certs" 'Certificate Serial Number (hex):')" != "" ] || { cat "$T/certs"; fail "no certificate"; }
[ "$(field "$T/certs" 'start date:')" = "$(datetext "$granted")" ] || { cat "$T/certs"; fail "not the granted one"; }
chain_ok "$t"
ca 'show crypto pki server ROOTCA requests' >"$T/reqs"
[ "$(grep -c '^[0-9]' "$T/reqs")" -eq 1 ] || { cat "$T/reqs"; fail "a second request (a second grant needed?)"; }

# ---- an enrollment on a clock that is not authoritative ----------------------------------
SP2=$T/spoke2
start_daemon "$SP2" --frozen-clock --http-bind 127.0.0.1 || fail "spoke2 did not start"
pk "$SP2" 'conf t' 'hostname spoke-2' 'logging buffered 1000000 debugging' \
	'crypto pki trustpoint Root-CA' "enrollment url http://127.0.0.1:$PORT" \
	'serial-number none' 'ip-address none' 'password 0 x' 'rsakeypair spoke-2 512' 'end' \
	'debug crypto pki transactions' >"$T/sp2.out" 2>&1 || { cat "$T/sp2.out"; fail "spoke2 set-up"; }
echo yes | pk "$SP2" 'conf t' 'crypto pki authenticate Root-CA' 'end' >"$T/auth2" 2>&1 ||
	{ cat "$T/auth2"; fail "spoke2 authenticate"; }
pk "$SP2" 'show clock' | grep -q '^\*' || fail "spoke2's clock is authoritative already"
printf 'yes\n' | pk "$SP2" 'conf t' 'crypto pki enroll Root-CA' 'end' >"$T/enroll2" 2>&1 ||
	{ cat "$T/enroll2"; fail "spoke2 enroll"; }
pk "$SP2" 'show crypto pki certificates' >"$T/certs2"
contains "$T/certs2" '   Status: Pending' || { cat "$T/certs2"; fail "spoke2 not pending"; }
pk "$SP2" "clock set $(clocktext "$t")" >/dev/null 2>&1 || fail "spoke2 clock set"
pk "$SP2" 'show crypto pki timers' >"$T/timers2"
timer_line "$T/timers2" 'POLL Root-CA' >/dev/null || { cat "$T/timers2"; fail "no POLL once the clock is set"; }
ca 'crypto pki server ROOTCA grant all' >"$T/grant2" 2>&1 || { cat "$T/grant2"; fail "grant all"; }
pk "$SP2" "clock set $(clocktext $((t + 120)))" >/dev/null 2>&1 || fail "spoke2 clock set"
pk "$SP2" 'show crypto pki certificates' >"$T/certs2"
! contains "$T/certs2" 'Status: Pending' || { cat "$T/certs2"; fail "spoke2 never polled"; }
grep -q '^Certificate$' "$T/certs2" || { cat "$T/certs2"; fail "spoke2 has no certificate"; }
echo ok

#!/bin/sh
# connect-retry.sh — CONNECT RETRY (spec §3.3, §6 Q6): the CA is down when
# the spoke's RENEW fires.  The failure arms `CONNECT RETRY Root-CA` (shown
# in `show crypto pki timers`, RENEW gone), which retries every `enrollment
# retry period` (here 2 minutes); after 10 retries RENEW is re-armed one
# period later, so renewal is not lost.  The CA comes back and the next
# RENEW renews.  Then a server that answers HTTP 404, and another CA whose
# CertRep does not verify against the trustpoint's CA: nothing installed,
# RENEW backs off (2, 4, 8 … minutes) instead of asking again at once.
. "$(dirname "$0")/lib/common.sh"
. "$(dirname "$0")/lib/pki.sh"

pki_start_ca 90
pki_start_spoke 80
sp 'conf t' 'crypto pki trustpoint Root-CA' 'enrollment retry period 2' 'end' >/dev/null 2>&1 ||
	fail "enrollment retry period"
pki_authenticate
chain_ok "$DAY0"
ca 'write memory' >/dev/null 2>&1 || fail "write memory on the CA"
stop_daemon "$CA_DIR" || fail "the CA did not stop"

t=$(day 292)
at_spoke "$t"
sp 'show crypto pki timers' >"$T/timers"
timer_line "$T/timers" 'CONNECT RETRY Root-CA' | grep -q '^| *2:00.000  CONNECT RETRY Root-CA$' ||
	{ cat "$T/timers"; fail "no CONNECT RETRY in 2 minutes after the failed RENEW"; }
! timer_line "$T/timers" 'RENEW Root-CA' >/dev/null || { cat "$T/timers"; fail "RENEW and CONNECT RETRY"; }
sp 'show logging' >"$T/log"
contains "$T/log" '%PKI-3-SOCKETSEND: Failed to send out message to CA server.' ||
	{ cat "$T/log"; fail "no SOCKETSEND"; }

i=1
while [ $i -le 10 ]; do
	t=$((t + 120))
	at_spoke "$t"
	sp 'show crypto pki timers' >"$T/timers"
	if [ $i -lt 10 ]; then
		timer_line "$T/timers" 'CONNECT RETRY Root-CA' | grep -q '^| *2:00.000  CONNECT' ||
			{ cat "$T/timers"; fail "retry $i: no CONNECT RETRY in 2 minutes"; }
	else
		! timer_line "$T/timers" 'CONNECT RETRY Root-CA' >/dev/null ||
			{ cat "$T/timers"; fail "CONNECT RETRY after 10 retries"; }
		timer_line "$T/timers" 'RENEW Root-CA' | grep -q '^| *2:00.000  RENEW Root-CA$' ||
			{ cat "$T/timers"; fail "RENEW not re-armed one period after the last retry"; }
	fi
	i=$((i + 1))
done
sp 'show logging' >"$T/log"
[ "$(grep -c 'PKI-3-SOCKETSEND' "$T/log")" -eq 11 ] || { cat "$T/log"; fail "not 1 + 10 attempts"; }
sp 'show crypto pki certificates Root-CA' >"$T/certs"
[ "$(field "$T/certs" 'Certificate Serial Number (hex):')" = 02 ] || { cat "$T/certs"; fail "renewed without a CA?"; }

# the CA is back: the re-armed RENEW renews
start_daemon "$CA_DIR" --frozen-clock --http-bind 127.0.0.1 || fail "the CA did not start again"
t=$((t + 120))
at "$t"
sp 'show crypto pki certificates Root-CA' >"$T/certs"
[ "$(field "$T/certs" 'Certificate Serial Number (hex):')" = 03 ] || { cat "$T/certs"; fail "no renewal after the CA came back"; }
[ "$(field "$T/certs" 'start date:')" = "$(datetext "$t")" ] || { cat "$T/certs"; fail "renewed at another time"; }
chain_ok "$t"
sp 'show crypto pki timers' >"$T/timers"
timer_line "$T/timers" 'RENEW Root-CA' | grep -q '^|292d 0:00:00.000  RENEW Root-CA$' ||
	{ cat "$T/timers"; fail "RENEW not at 80 % of the new certificate"; }
! grep -q 'CONNECT RETRY' "$T/timers" || { cat "$T/timers"; fail "CONNECT RETRY left over"; }

# ---- a server that answers, but not SCEP (HTTP 404 on that path): the RENEW
# is retried with the back-off 2, 4, 8 minutes (the retry period doubling),
# never at once (it used to loop for ever inside the clock set)
sp 'conf t' 'crypto pki trustpoint Root-CA' "enrollment url http://127.0.0.1:$PORT/other/program.exe" 'end' \
	>/dev/null 2>&1 || fail "enrollment url"
t=$((t + 292 * 86400))
at "$t"
for m in 2 4 8; do
	sp 'show crypto pki timers' >"$T/timers"
	timer_line "$T/timers" 'RENEW Root-CA' | grep -q "^| *$m:00.000  RENEW Root-CA\$" ||
		{ cat "$T/timers"; fail "RENEW after an HTTP error is not $m minutes away"; }
	t=$((t + m * 60))
	at "$t"
done
sp 'show logging' >"$T/log"
[ "$(grep -c 'the CA answered HTTP 404' "$T/log")" -eq 4 ] || { cat "$T/log"; fail "not 4 attempts"; }
sp 'show crypto pki certificates Root-CA' >"$T/certs"
[ "$(field "$T/certs" 'Certificate Serial Number (hex):')" = 03 ] || { cat "$T/certs"; fail "renewed by a 404?"; }

# ---- another CA answers: its CertRep is not signed by the CA the trustpoint
# authenticated, so nothing is installed.  (This test used to share one
# database folder between both CAs, which made the second one's listing show
# the first one's certificates; two servers never share a folder now.)
CA1_DIR=$CA_DIR PORT1=$PORT
# (its own database folder: two servers never share one)
CA_DIR=$T/ca2 PORT=$(free_port) CA_DB=$T/db2
pki_start_ca 90
at_ca "$t"
CA_DIR=$CA1_DIR
sp 'conf t' 'crypto pki trustpoint Root-CA' "enrollment url http://127.0.0.1:$PORT" 'end' \
	>/dev/null 2>&1 || fail "enrollment url"
t=$((t + 16 * 60))
at_spoke "$t"
sp 'show logging' >"$T/log"
contains "$T/log" 'CRYPTO_PKI: bad CertRep: ' || { cat "$T/log"; fail "no bad CertRep in the log"; }
sp 'show crypto pki certificates Root-CA' >"$T/certs"
[ "$(field "$T/certs" 'Certificate Serial Number (hex):')" = 03 ] || { cat "$T/certs"; fail "installed a certificate from another CA"; }
chain_ok "$t"
sp 'show crypto pki timers' >"$T/timers"
timer_line "$T/timers" 'RENEW Root-CA' | grep -q '^| *32:00.000  RENEW Root-CA$' ||
	{ cat "$T/timers"; fail "RENEW did not back off after a bad reply"; }
echo ok

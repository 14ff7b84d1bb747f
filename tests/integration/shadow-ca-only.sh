#!/bin/sh
# shadow-ca-only.sh — SHADOW flavour (a) (spec §3.3, §3.4): a trustpoint
# without auto-enroll, enrolled by hand, arms SHADOW at 90 % of the CA's
# lifetime (day 657; the CA made its rollover certificate at day 640),
# fetches the rollover CA certificate with GetNextCACert and nothing else,
# and activates it at the CA's end; its identity certificate, from the old
# CA, is then past its end and does not chain to the new CA (spec §3.6: such
# a client must re-enroll), which a manual `crypto pki enroll` does.
. "$(dirname "$0")/lib/common.sh"
. "$(dirname "$0")/lib/pki.sh"

pki_start_ca 90
pki_start_spoke -
pki_authenticate
sp 'show crypto pki certificates Root-CA' >"$T/certs"
! contains "$T/certs" 'Certificate Usage: General Purpose' || { cat "$T/certs"; fail "enrolled without auto-enroll"; }
sp 'show crypto pki timers' >"$T/timers"
timer_line "$T/timers" 'SHADOW Root-CA' | grep -q '^|657d 0:00:00.000  SHADOW Root-CA$' ||
	{ cat "$T/timers"; fail "no SHADOW at 90 % of the CA before enrollment"; }

printf 'yes\n' | sp 'conf t' 'crypto pki enroll Root-CA' 'end' >"$T/enroll" 2>&1 ||
	{ cat "$T/enroll"; fail "crypto pki enroll"; }
chain_ok "$DAY0"
sp 'show crypto pki certificates Root-CA' >"$T/certs"
! contains "$T/certs" 'renew date:' || { cat "$T/certs"; fail "a renew date without auto-enroll"; }
sp 'show crypto pki timers' >"$T/timers"
timer_line "$T/timers" 'SHADOW Root-CA' | grep -q '^|657d 0:00:00.000  SHADOW Root-CA$' ||
	{ cat "$T/timers"; fail "no SHADOW at 90 % of the CA"; }
! timer_line "$T/timers" 'RENEW Root-CA' >/dev/null || { cat "$T/timers"; fail "RENEW without auto-enroll"; }

for t in $(day 365) $(($(day 657) - 1)); do
	at "$t"
	sp 'show crypto pki certificates Root-CA' >"$T/certs"
	! contains "$T/certs" '(Rollover)' || { cat "$T/certs"; fail "$(datetext "$t"): rollover too early"; }
done
at "$(day 657)"
sp 'show crypto pki certificates Root-CA' >"$T/certs"
contains "$T/certs" 'CA Certificate (Rollover)' || { cat "$T/certs"; fail "no rollover CA at day 657"; }
! grep -q '^Certificate (Rollover)' "$T/certs" || { cat "$T/certs"; fail "a rollover identity certificate without auto-enroll"; }
sp 'show crypto pki timers' >"$T/timers"
timer_line "$T/timers" 'SHADOW Root-CA' | grep -q '^| 73d 0:00:00.000  SHADOW Root-CA$' ||
	{ cat "$T/timers"; fail "activation not armed at CA.na"; }

at "$(day 730)"
sp 'show crypto pki certificates Root-CA' >"$T/certs"
! contains "$T/certs" '(Rollover)' || { cat "$T/certs"; fail "rollover blocks after CA.na"; }
sed -n '/^CA Certificate/,/^$/p' "$T/certs" | grep -q "start date: $(datetext "$(day 730)")" ||
	{ cat "$T/certs"; fail "the rollover CA is not active at CA.na"; }
export_spoke
! openssl verify -attime "$(day 730 0 0 1)" -CAfile "$T/ca.pem" "$T/id.pem" >/dev/null 2>&1 ||
	fail "the old identity certificate chains to the new CA"
sp 'show crypto pki timers' >"$T/timers"
timer_line "$T/timers" 'SHADOW Root-CA' | grep -q '^|657d 0:00:00.000  SHADOW Root-CA$' ||
	{ cat "$T/timers"; fail "no SHADOW at 90 % of the new CA"; }

# re-enroll by hand: a certificate from the new CA
printf 'yes\nyes\n' | sp 'conf t' 'crypto pki enroll Root-CA' 'end' >"$T/enroll" 2>&1 ||
	{ cat "$T/enroll"; fail "crypto pki enroll after the switch"; }
chain_ok "$(day 730)"
echo ok

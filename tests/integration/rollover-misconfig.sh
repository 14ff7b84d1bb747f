#!/bin/sh
# rollover-misconfig.sh — spec §3.8's counter-example: auto-rollover 30 on
# the CA (its shadow CA at day 700), auto-enroll 50 on the spoke (no
# regenerate).  #1 0→365 RENEW 182.5; #2 182.5→547.5 RENEW 365; #3 365→730
# capped, SHADOW at 547.5: the spoke asks GetNextCACert 152.5 days too
# early.  The failure is logged (debug crypto pki transactions) and retried
# with the POLL back-off (1, 2, 4 … minutes, at most an hour, spec §3.3
# REC), visible in `show crypto pki timers`; once the CA has made its
# rollover certificate the next try succeeds, the rollover identity
# certificate follows and both switch at day 730.  Without `regenerate`
# every renewal keeps the key and no X# key ever appears.
. "$(dirname "$0")/lib/common.sh"
. "$(dirname "$0")/lib/pki.sh"

pki_start_ca 30
pki_start_spoke 50
pki_authenticate
K=spoke-1-RSA
key0=$(key_hex "$K")
[ -n "$key0" ] || fail "no key $K after the enrollment"

for t in $(day 182 12) $(day 365); do
	at "$t"
	chain_ok "$t"
	sp 'show crypto pki certificates Root-CA' >"$T/certs"
	[ "$(field "$T/certs" 'start date:')" = "$(datetext "$t")" ] ||
		{ cat "$T/certs"; fail "$(datetext "$t"): no renewal"; }
	[ "$(key_hex "$K")" = "$key0" ] || fail "$(datetext "$t"): the key changed without regenerate"
	[ -z "$(key_hex "$K#")" ] || fail "$(datetext "$t"): key $K# without regenerate"
done
sp 'show crypto pki timers' >"$T/timers"
timer_line "$T/timers" 'SHADOW Root-CA' | grep -q '^|182d12:00:00.000  SHADOW' ||
	{ cat "$T/timers"; fail "the capped certificate did not arm SHADOW at 547.5"; }
SHADOW=$(day 547 12)
at "$SHADOW"
chain_ok "$SHADOW"
sp 'show logging' >"$T/log"
contains "$T/log" 'CRYPTO_PKI: SHADOW timer fired for trustpoint Root-CA' ||
	{ cat "$T/log"; fail "SHADOW did not fire at 547.5"; }
contains "$T/log" 'CRYPTO_PKI: GetNextCACert failed, no rollover CA certificate' ||
	{ cat "$T/log"; fail "the early GetNextCACert failure is not logged"; }
contains "$T/log" 'http response 404' || { cat "$T/log"; fail "no 404 from the CA"; }

# back-off: 1, 2, 4, 8 minutes, each shown in the timers
t=$SHADOW
for m in 1 2 4 8; do
	sp 'show crypto pki timers' >"$T/timers"
	timer_line "$T/timers" 'SHADOW Root-CA' | grep -q "^| *$m:00.000  SHADOW Root-CA\$" ||
		{ cat "$T/timers"; fail "SHADOW back-off is not $m minutes"; }
	t=$((t + m * 60))
	at "$t"
	chain_ok "$t"
done
sp 'show logging' >"$T/log"
[ "$(grep -c 'GetNextCACert failed' "$T/log")" -ge 5 ] || { cat "$T/log"; fail "not 5 failed tries"; }
sp 'show crypto pki certificates Root-CA' >"$T/certs"
! contains "$T/certs" '(Rollover)' || { cat "$T/certs"; fail "rollover certificates before the CA has them"; }

# the cap: an hour between tries
t=$((t + 24 * 3600))
at "$t"
sp 'show crypto pki timers' >"$T/timers"
timer_line "$T/timers" 'SHADOW Root-CA' | grep -Eq '^\| *([0-5][0-9]|[0-9]):[0-9]{2}\.[0-9]{3}  SHADOW' ||
	{ cat "$T/timers"; fail "SHADOW back-off beyond an hour"; }

# hourly tries until day 699 all fail; the CA makes its rollover certificate
# at day 700, and the spoke's next try gets it.
at "$(day 699)"
chain_ok "$(day 699)"
sp 'show crypto pki certificates Root-CA' >"$T/certs"
! contains "$T/certs" '(Rollover)' || { cat "$T/certs"; fail "rollover certificates before day 700"; }
sp 'show crypto pki timers' >"$T/timers"
timer_line "$T/timers" 'SHADOW Root-CA' | grep -Eq '^\| *([0-5][0-9]|[0-9]):[0-9]{2}\.[0-9]{3}  SHADOW' ||
	{ cat "$T/timers"; fail "no SHADOW retry within the hour on day 699"; }
at "$(day 700)"
ca 'show crypto pki server ROOTCA' >"$T/srv"
contains "$T/srv" 'Rollover status: available for rollover' || { cat "$T/srv"; fail "no rollover CA on day 700"; }
sp 'show crypto pki certificates Root-CA' >"$T/certs"
contains "$T/certs" 'CA Certificate (Rollover)' || { cat "$T/certs"; fail "no rollover CA on the spoke"; }
contains "$T/certs" 'Certificate (Rollover)' || { cat "$T/certs"; fail "no rollover identity certificate"; }
[ -z "$(key_hex "$K#")" ] || fail "key $K# without regenerate"
sp 'show logging' >"$T/log"
contains "$T/log" 'rollover CA certificate installed for trustpoint Root-CA' ||
	{ cat "$T/log"; fail "GetNextCACert success not logged"; }
sp 'show crypto pki timers' >"$T/timers"
timer_line "$T/timers" 'SHADOW Root-CA' | grep -q '^| *30d 0:00:00.000  SHADOW' ||
	{ cat "$T/timers"; fail "activation not armed at CA.na"; }

# the switch at day 730, on the same key
for t in $(($(day 730) - 1)) $(day 730) $(($(day 730) + 1)); do
	at "$t"
	chain_ok "$t"
done
sp 'show crypto pki certificates Root-CA' >"$T/certs"
! contains "$T/certs" '(Rollover)' || { cat "$T/certs"; fail "rollover blocks after the switch"; }
[ "$(field "$T/certs" 'start date:')" = "$(datetext "$(day 730)")" ] || { cat "$T/certs"; fail "no switch"; }
export_spoke
[ "$(cert_key_hex "$T/id.pem")" = "$key0" ] || fail "the rollover certificate is not on key $K"
echo ok

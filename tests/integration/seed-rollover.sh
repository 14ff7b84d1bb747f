#!/bin/sh
# seed-rollover.sh — issue 6's scenario end to end: a CA (lifetime
# certificate 365, ca-certificate 730, auto-rollover 90, grant auto) and a
# spoke (auto-enroll 80 regenerate), two daemons, clocks moved together
# through two full CA lifetimes.  At every step the spoke holds an identity
# certificate that verifies against a valid CA; RENEW renewals land at 80 %;
# the certificate capped at the CA's end triggers SHADOW; the spoke fetches
# the rollover CA after the CA made it, enrolls a rollover identity
# certificate on key X#, and both switch at the CA's notAfter (X# becomes
# X); a reload in the rollover window changes nothing.
#
# Timeline (days after day 0, spec §3.8's worked example):
#   #1 0→365 RENEW 292; #2 292→657 RENEW 584; #3 584→730 (capped) SHADOW at
#   584 + 0.8·146 = 700.8; CA shadow at 640; switch at 730; then the same
#   shifted by 730 (RENEW 1022, 1314; CA shadow 1370; SHADOW 1430.8; 1460).
. "$(dirname "$0")/lib/common.sh"
. "$(dirname "$0")/lib/pki.sh"

pki_start_ca 90
pki_start_spoke '80 regenerate'
pki_authenticate
sp 'show crypto pki certificates' >"$T/c0"
[ "$(field "$T/c0" 'start date:')" = "$(datetext "$DAY0")" ] || { cat "$T/c0"; fail "not enrolled on day 0"; }

K=spoke-1-RSA
key_hex "$K" >"$T/keys"

# check_renewed T SERIAL: at instant T the spoke holds certificate SERIAL
# issued at T (a RENEW, not a late one), and the CA lists it
check_renewed() {
	sp 'show crypto pki certificates Root-CA' >"$T/certs"
	s=$(field "$T/certs" 'Certificate Serial Number (hex):')
	[ "$s" = "$2" ] || { cat "$T/certs"; fail "$(datetext "$1"): serial $s, want $2"; }
	[ "$(field "$T/certs" 'start date:')" = "$(datetext "$1")" ] ||
		{ cat "$T/certs"; fail "$(datetext "$1"): renewal did not land at 80 %"; }
	ca 'show crypto pki server ROOTCA certificates' >"$T/issued"
	grep -q "^${2#0} *$(datetext "$1") " "$T/issued" ||
		{ cat "$T/issued"; fail "CA does not list serial $2 issued $(datetext "$1")"; }
	# regenerate: a new key X, and X is the certificate's key
	kx=$(key_hex "$K")
	[ "$(cert_key_hex "$T/id.pem")" = "$kx" ] || fail "$(datetext "$1"): key $K is not the certificate's"
	grep -qx "$kx" "$T/keys" && fail "$(datetext "$1"): the renewal reused a key"
	echo "$kx" >>"$T/keys"
}

# expect_timer T LABEL: `show crypto pki timers` on the spoke shows LABEL
expect_timer() {
	sp 'show crypto pki timers' >"$T/timers"
	timer_line "$T/timers" "$2" >/dev/null || { cat "$T/timers"; fail "$(datetext "$1"): no $2 timer"; }
}

# The steps: every 20 days, plus every event instant and its neighbours.
lifetime_events() { # base day
	b=$1
	for e in "$b 292" "$b 584" "$b 640" "$b 700 19 12" "$b 730"; do
		set -- $e
		t=$(day $(($1 + $2)) ${3:-0} ${4:-0})
		echo $((t - 1)) "$t" $((t + 1))
	done
}
{
	d=20
	while [ $d -le 1480 ]; do day $d; d=$((d + 20)); done
	lifetime_events 0
	lifetime_events 730
} | tr ' ' '\n' | sort -n -u >"$T/steps"

RENEW1=$(day 292) RENEW2=$(day 584) SHADOW1=$(day 700 19 12) CAEND1=$(day 730)
RENEW3=$(day 1022) RENEW4=$(day 1314) SHADOW2=$(day 1430 19 12) CAEND2=$(day 1460)
CASHADOW1=$(day 640) CASHADOW2=$(day 1370)
n=0
while read -r t; do
	at "$t"
	chain_ok "$t"
	n=$((n + 1))
	case $t in
	"$RENEW1")	check_renewed "$t" 03 ;;
	"$RENEW2")	check_renewed "$t" 04
			sp 'show crypto pki certificates Root-CA' >"$T/certs"
			[ "$(field "$T/certs" 'end   date:')" = "$(datetext "$CAEND1")" ] ||
				{ cat "$T/certs"; fail "the third certificate is not capped at the CA's end"; }
			expect_timer "$t" 'SHADOW Root-CA'
			sp 'show crypto pki timers' >"$T/timers"
			! timer_line "$T/timers" 'RENEW Root-CA' >/dev/null ||
				{ cat "$T/timers"; fail "a capped certificate armed RENEW"; }
			[ "$(field "$T/certs" 'renew date:')" = "$(datetext "$SHADOW1")" ] ||
				{ cat "$T/certs"; fail "SHADOW is not at 80 % of the capped certificate"; } ;;
	$((CASHADOW1 - 1)))
			ca 'show crypto pki server ROOTCA' >"$T/srv"
			! contains "$T/srv" 'Rollover status: available for rollover' ||
				{ cat "$T/srv"; fail "rollover CA made before CA.na - 90 days"; } ;;
	"$CASHADOW1"|"$CASHADOW2")
			ca 'show crypto pki server ROOTCA' >"$T/srv"
			contains "$T/srv" 'Rollover status: available for rollover' ||
				{ cat "$T/srv"; fail "no rollover CA at CA.na - 90 days"; } ;;
	$((SHADOW1 - 1)))
			sp 'show crypto pki certificates Root-CA' >"$T/certs"
			! contains "$T/certs" '(Rollover)' || { cat "$T/certs"; fail "rollover certificates too early"; }
			expect_timer "$t" 'SHADOW Root-CA'
			[ -z "$(key_hex "$K#")" ] || fail "key $K# before the SHADOW timer" ;;
	"$SHADOW1"|"$SHADOW2")
			sp 'show crypto pki certificates Root-CA' >"$T/certs"
			contains "$T/certs" 'Certificate (Rollover)' || { cat "$T/certs"; fail "no rollover identity certificate"; }
			contains "$T/certs" 'CA Certificate (Rollover)' || { cat "$T/certs"; fail "no rollover CA certificate"; }
			# the rollover CA the spoke holds is the one the CA made
			ca 'show crypto pki server ROOTCA' >"$T/srv"
			sp 'show crypto pki trustpoints Root-CA status' >"$T/st"
			fp=$(sed -n '/Rollover Issuing CA certificate configured:/,/Fingerprint MD5/p' "$T/st" |
				field /dev/stdin 'Fingerprint MD5:' | sed 's/ *$//')
			[ -n "$fp" ] && [ "$fp" = "$(field "$T/srv" 'Rollover CA certificate fingerprint:')" ] ||
				{ cat "$T/st" "$T/srv"; fail "the spoke's rollover CA is not the CA's"; }
			# the rollover identity certificate starts and ends with the rollover CA's first year
			sed -n '/^Certificate (Rollover)/,/^$/p' "$T/certs" >"$T/rid"
			[ "$(field "$T/rid" 'start date:')" = "$(datetext $((t - SHADOW1 + CAEND1)))" ] ||
				{ cat "$T/rid"; fail "rollover identity certificate does not start at CA.na"; }
			# key X# exists and is the rollover certificate's key; X is still the current one
			[ -n "$(key_hex "$K#")" ] || fail "no key $K# while the rollover certificate waits"
			sp 'show crypto pki certificates verbose Root-CA' >"$T/verbose"
			sed -n '/^Certificate (Rollover)/,/^$/p' "$T/verbose" | grep -q "Key Label: $K#" ||
				{ cat "$T/verbose"; fail "the rollover certificate's key label is not $K#"; }
			export_spoke
			[ "$(cert_key_hex "$T/id.pem")" = "$(key_hex "$K")" ] || fail "key $K is not the current certificate's"
			expect_timer "$t" 'SHADOW Root-CA' ;;
	"$((CAEND1 - 1))")
			# reload in the rollover window: certificates and keys come back
			sp 'write memory' >/dev/null 2>&1 || fail "write memory"
			sp 'show crypto pki certificates Root-CA' >"$T/before-reload"
			sp 'show running-config | section crypto pki' >"$T/run-before"
			for b in 'certificate rollover' 'certificate 04' 'certificate ca rollover' 'certificate ca 01'; do
				contains "$T/run-before" " $b" || { cat "$T/run-before"; fail "running-config: no $b"; }
			done
			stop_daemon "$SP_DIR" || fail "spoke did not stop"
			start_daemon "$SP_DIR" --frozen-clock --http-bind 127.0.0.1 || fail "spoke did not restart"
			sp 'debug crypto pki transactions' >/dev/null
			at_spoke "$t"
			sp 'show crypto pki certificates Root-CA' >"$T/after-reload"
			cmp -s "$T/before-reload" "$T/after-reload" ||
				{ diff "$T/before-reload" "$T/after-reload"; fail "certificates changed across a reload"; }
			sp 'show running-config | section crypto pki' >"$T/run-after"
			cmp -s "$T/run-before" "$T/run-after" ||
				{ diff "$T/run-before" "$T/run-after"; fail "running-config changed across a reload"; }
			expect_timer "$t" 'SHADOW Root-CA'
			[ -n "$(key_hex "$K#")" ] || fail "key $K# lost in the reload"
			rollid=$(sed -n '/^Certificate (Rollover)/,/^$/p' "$T/after-reload" | field /dev/stdin 'Serial Number (hex):') ;;
	"$CAEND1"|"$CAEND2")
			sp 'show crypto pki certificates Root-CA' >"$T/certs"
			! contains "$T/certs" '(Rollover)' || { cat "$T/certs"; fail "still rollover blocks at CA.na"; }
			[ "$(field "$T/certs" 'start date:')" = "$(datetext "$t")" ] ||
				{ cat "$T/certs"; fail "the identity certificate did not switch at CA.na"; }
			[ "$t" != "$CAEND1" ] || [ "$(field "$T/certs" 'Certificate Serial Number (hex):')" = "$rollid" ] ||
				{ cat "$T/certs"; fail "the active certificate is not the rollover one ($rollid)"; }
			[ -z "$(key_hex "$K#")" ] || fail "key $K# still there after the switch"
			export_spoke
			[ "$(cert_key_hex "$T/id.pem")" = "$(key_hex "$K")" ] || fail "key $K# did not become $K"
			ca 'show crypto pki server ROOTCA' >"$T/srv"
			[ "$(field "$T/srv" 'CA certificate expiration timer:')" = "$(datetext $((t + 730 * 86400)))" ] ||
				{ cat "$T/srv"; fail "the CA did not switch at CA.na"; }
			expect_timer "$t" 'RENEW Root-CA' ;;
	"$RENEW3")	check_renewed "$t" "$(printf %02X $((0x$rollid + 1)))" ;;
	"$RENEW4")	check_renewed "$t" "$(printf %02X $((0x$rollid + 2)))" ;;
	esac
done <"$T/steps"
[ $n -gt 80 ] || fail "only $n steps"
# day 0, two RENEWs and a SHADOW per lifetime: 7 identity certificates, each
# on a new key
ca 'show crypto pki server ROOTCA certificates' >"$T/issued"
[ "$(grep -c 'hostname=spoke-1' "$T/issued")" -eq 7 ] || { cat "$T/issued"; fail "not 7 identity certificates"; }
[ "$(sort -u "$T/keys" | wc -l)" -eq 5 ] || { cat "$T/keys"; fail "not 5 different keys in use"; }
# the spoke's log tells the SHADOW story
sp 'show logging' >"$T/log"
contains "$T/log" 'CRYPTO_PKI: SHADOW timer fired for trustpoint Root-CA' || fail "no SHADOW in the log"
contains "$T/log" 'rollover CA certificate installed' || fail "no GetNextCACert in the log"
echo "ok: $n steps"

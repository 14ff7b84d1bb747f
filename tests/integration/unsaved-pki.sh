#!/bin/sh
# unsaved-pki.sh — work the PKI does by itself is never lost, and never
# leaves a key and a certificate that do not match (issue 9):
#   * `reload` asks "System configuration has been modified. Save?" after a
#     CA rollover, after the activation of the rollover CA at the old CA's
#     end, and after an enrollment installed a certificate — not when
#     nothing changed;
#   * answering "no" (and a kill -9 instead of a reload) still brings the
#     CA back enabled, with the key that matches its certificate, even at
#     `database level minimum` without an archive;
#   * a spoke whose `auto-enroll … regenerate` renewal was not saved comes
#     back with the old certificate and its old key, and renews again on
#     its own; a manual enroll works too.
. "$(dirname "$0")/lib/common.sh"
. "$(dirname "$0")/lib/pki.sh"

asks() {         # asks FILE: the reload asked to save
	contains "$1" 'System configuration has been modified. Save? [yes/no]:'
}

ca_ok() {        # ca_ok WHAT: the CA is enabled and its key is its certificate's
	ca 'show crypto pki server ROOTCA' >"$T/show" 2>&1
	contains "$T/show" 'Status: enabled' || { cat "$T/show"; ca 'show logging'; fail "$1: CA not enabled"; }
	! contains "$T/show" 'check failed' || { cat "$T/show"; fail "$1: check failed"; }
	ca 'show logging' >"$T/calog" 2>&1
	! contains "$T/calog" 'Server key not found' || { cat "$T/calog"; fail "$1: Server key not found"; }
}

# ---- the CA: database level minimum, no archive -------------------------------------
start_daemon "$CA_DIR" --frozen-clock --http-bind 127.0.0.1 || fail "the CA did not start"
ca "clock set $(clocktext "$DAY0")" 'conf t' 'hostname CA' 'clock calendar-valid' \
   "ip http port $PORT" 'ip http server' 'crypto key generate rsa label ROOTCA modulus 1024' \
   'crypto pki server ROOTCA' 'database level minimum' 'no database archive' \
   'issuer-name CN=RootCA,OU=TAC,O=Cisco' 'grant auto' 'lifetime certificate 365' \
   'lifetime ca-certificate 730' 'auto-rollover 90' 'no shutdown' 'end' 'write memory' \
   >"$T/ca-setup.out" 2>&1 || { cat "$T/ca-setup.out"; fail "CA set-up"; }
ca_ok "set-up"
fp1=$(field "$T/show" 'CA cert fingerprint:')

printf '\n' | ca 'reload' >"$T/r0" 2>&1 || { cat "$T/r0"; fail "reload"; }
! asks "$T/r0" || { cat "$T/r0"; fail "reload asked to save an unchanged configuration"; }
at_ca "$DAY0"

# a manual rollover is a change of the running-config (certificate ca rollover)
ca 'crypto pki server ROOTCA rollover' >"$T/roll" 2>&1 || { cat "$T/roll"; fail "rollover"; }
ca 'show running-config' | grep -q 'certificate ca rollover' || fail "no rollover certificate"
printf 'no\n\n' | ca 'reload' >"$T/r1" 2>&1 || { cat "$T/r1"; fail "reload after the rollover"; }
asks "$T/r1" || { cat "$T/r1"; fail "reload did not ask after a CA rollover"; }
ca_ok "rollover not saved"
[ "$(field "$T/show" 'CA cert fingerprint:')" = "$fp1" ] || { cat "$T/show"; fail "another CA after the reload"; }

# the rollover again, saved; then the old CA's end activates it
ca 'crypto pki server ROOTCA rollover' 'write memory' >"$T/roll" 2>&1 || { cat "$T/roll"; fail "rollover"; }
ca 'show crypto pki server ROOTCA' >"$T/show"
fp2=$(field "$T/show" 'Rollover CA certificate fingerprint:')
[ -n "$fp2" ] || { cat "$T/show"; fail "no rollover fingerprint"; }
at_ca "$(day 730 0 0 1)"
ca 'show crypto pki server ROOTCA' >"$T/show"
[ "$(field "$T/show" 'CA cert fingerprint:')" = "$fp2" ] || { cat "$T/show"; fail "not activated"; }
printf 'no\n\n' | ca 'reload' >"$T/r2" 2>&1 || { cat "$T/r2"; fail "reload after the activation"; }
asks "$T/r2" || { cat "$T/r2"; fail "reload did not ask after the activation"; }
ca_ok "activation not saved, reloaded"
[ "$(field "$T/show" 'CA cert fingerprint:')" = "$fp2" ] || { cat "$T/show"; fail "the activated CA is not active after the reload"; }
# a kill -9 instead of the reload
pid=$(daemon_pid "$CA_DIR")
kill -9 "$pid"
wait_dead "$pid" || fail "the CA did not die"
start_daemon "$CA_DIR" --frozen-clock --http-bind 127.0.0.1 || fail "the CA did not restart"
ca_ok "activation not saved, kill -9"
[ "$(field "$T/show" 'CA cert fingerprint:')" = "$fp2" ] || { cat "$T/show"; fail "the activated CA is not active after kill -9"; }
# it issues, and what it issues verifies against the active CA
ca 'write memory' >/dev/null 2>&1 || fail "write memory"
printf '\n' | ca 'reload' >"$T/r3" 2>&1 || { cat "$T/r3"; fail "reload"; }
! asks "$T/r3" || { cat "$T/r3"; fail "asked after write memory"; }
ca_ok "saved"
stop_daemon "$CA_DIR"
rm -rf "$CA_DIR"

# ---- a spoke's regenerate renewal, not saved ------------------------------------------
pki_start_ca 90
pki_start_spoke '80 regenerate'
pki_authenticate
t=$DAY0
sp 'show crypto pki certificates Root-CA' >"$T/certs"
s1=$(field "$T/certs" 'Certificate Serial Number (hex):')
[ -n "$s1" ] || { cat "$T/certs"; fail "no initial certificate"; }
ca 'write memory' >/dev/null 2>&1 || fail "CA write memory"
sp 'write memory' >/dev/null 2>&1 || fail "spoke write memory"
export_spoke
k1=$(cert_key_hex "$T/id.pem")

# the RENEW at 80 % makes key spoke-1-RSA# and installs a certificate for it
t=$(day 292 0 1)
at "$t"
sp 'show crypto pki certificates Root-CA' >"$T/certs"
s2=$(field "$T/certs" 'Certificate Serial Number (hex):')
[ "$s2" != "$s1" ] || { cat "$T/certs"; fail "no renewal at 80 %"; }
[ "$(key_hex spoke-1-RSA)" != "$k1" ] || fail "the renewal did not regenerate the key"
printf 'no\n\n' | sp 'reload' >"$T/r4" 2>&1 || { cat "$T/r4"; fail "spoke reload"; }
asks "$T/r4" || { cat "$T/r4"; fail "reload did not ask after an enrollment installed a certificate"; }
# after the reload: the saved certificate with its own key again
at_spoke "$t"
export_spoke
[ "$(key_hex spoke-1-RSA)" = "$(cert_key_hex "$T/id.pem")" ] ||
	{ sp 'show crypto key mypubkey rsa'; sp 'show crypto pki certificates'; fail "key and certificate differ after the reload"; }
sp 'show logging' >"$T/log"
contains "$T/log" '%CRYPTO-4-KEY_RESTORED: Key spoke-1-RSA of Root-CA restored' || { cat "$T/log"; fail "no KEY_RESTORED"; }
# it renews again by itself (its renewal point is past), and the chain is good
t=$((t + 120))
at "$t"
sp 'show crypto pki certificates Root-CA' >"$T/certs"
s3=$(field "$T/certs" 'Certificate Serial Number (hex):')
[ "$s3" != "$s1" ] && [ "$s3" != "$s2" ] || { cat "$T/certs"; sp 'show logging'; fail "no renewal after the reload"; }
export_spoke
[ "$(key_hex spoke-1-RSA)" = "$(cert_key_hex "$T/id.pem")" ] || fail "key and certificate differ after the renewal"
chain_ok "$t"
sp 'show logging' >"$T/log"
! contains "$T/log" 'does not match' || { cat "$T/log"; fail "a key mismatch was logged"; }

# kill -9 in the same state (renewed, not saved): the same
pid=$(daemon_pid "$SP_DIR")
kill -9 "$pid"
wait_dead "$pid" || fail "the spoke did not die"
start_daemon "$SP_DIR" --frozen-clock --http-bind 127.0.0.1 || fail "the spoke did not restart"
at_spoke "$t"
export_spoke
[ "$(key_hex spoke-1-RSA)" = "$(cert_key_hex "$T/id.pem")" ] || fail "key and certificate differ after kill -9"
# a manual enroll works
printf 'yes\nyes\n' | sp 'conf t' 'crypto pki enroll Root-CA' 'end' >"$T/enroll" 2>&1 ||
	{ cat "$T/enroll"; fail "crypto pki enroll"; }
sp 'show logging' >"$T/log"
! contains "$T/log" 'private key does not match certificate' || { cat "$T/log"; fail "manual enroll failed"; }
export_spoke
[ "$(key_hex spoke-1-RSA)" = "$(cert_key_hex "$T/id.pem")" ] || fail "key and certificate differ after the manual enroll"
chain_ok "$t"
echo ok

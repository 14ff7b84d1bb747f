#!/bin/sh
# cs-replay.sh — issue 4's running-config contract: replaying a CA's
# running-config into an EMPTY device (a fresh device directory that only
# got the private-config, the key store) restores the same certificates —
# same fingerprints, same certificate chain, same timers — and the serial
# numbers continue in the shared database.  Without the keys the server
# waits for its key ("Server key not found, waiting for (offline) key") and
# comes up once the key is imported.  Also the paste form of
# `crypto pki server NAME request pkcs10 terminal`, which transcripts cannot
# feed.
. "$(dirname "$0")/lib/common.sh"

SRCDIR=${SRCDIR:-$(pwd)}
A=$T/a
B=$T/b
C=$T/c
DB=$T/db
PORT=$(free_port)
F=$SRCDIR/tests/fixtures/cs

# pk DIR CMD...: one batch run of pkish with a frozen clock, one -c per CMD
pk() {
	_d=$1
	shift
	_n=$#
	while [ "$_n" -gt 0 ]; do
		set -- "$@" -c "$1"
		shift
		_n=$((_n - 1))
	done
	"$PKISH" -d "$_d" --frozen-clock --http-bind 127.0.0.1 "$@"
}

# state DIR OUT: what must survive, without install times
state() {
	pk "$1" 'show crypto pki server' 'show crypto pki timers' \
	   'show crypto pki certificates verbose' 'show running-config | section chain' \
	   'show crypto pki server ROOTCA certificates' 'show crypto key mypubkey rsa' |
		grep -v -e 'Cert install time' -e 'Storage' -e 'Key pair was generated' >"$2"
}

mkdir -p "$A/flash" "$B/nvram" "$B/flash" "$C/nvram" "$C/flash"
cp "$F/rootca-enc.pem" "$A/flash/ROOTCA"
cp "$F/test-keys.pem" "$A/"
pk "$A" 'conf t' 'hostname Root-CA' 'clock timezone CET 1' 'clock calendar-valid' 'end' \
   'clock set 13:14:16 Oct 9 2015' 'conf t' \
   'crypto key import rsa ROOTCA pem url flash:ROOTCA cisco123' \
   "ip http port $PORT" 'ip http server' 'crypto pki server ROOTCA' \
   'database level complete' 'database archive pkcs12 password 7 01100F175804575D72' \
   'issuer-name CN=RootCA,OU=TAC,O=Cisco' 'grant auto' 'lifetime certificate 365' \
   'lifetime ca-certificate 730' "database url unix:$DB/" 'auto-rollover 90' \
   'no shutdown' 'end' 'clock set 13:14:16 Jul 10 2017' 'write memory' >"$T/a-setup.out" 2>&1 ||
	{ cat "$T/a-setup.out"; fail "set-up of the CA failed"; }
# a request pasted at the terminal, granted at once (serial 3: the shadow
# CA took 2)
(cat "$F/r15.csr"; echo) | pk "$A" 'crypto pki server ROOTCA request pkcs10 terminal' \
	'write memory' >"$T/a-paste.out" 2>&1 || { cat "$T/a-paste.out"; fail "request pkcs10 terminal"; }
contains "$T/a-paste.out" '% Granted certificate:' || { cat "$T/a-paste.out"; fail "not granted"; }
sed -n '/BEGIN CERTIFICATE/,/END CERTIFICATE/p' "$T/a-paste.out" >"$T/r15.pem"
[ "$(openssl x509 -in "$T/r15.pem" -noout -serial)" = "serial=03" ] ||
	fail "pasted request: $(openssl x509 -in "$T/r15.pem" -noout -serial)"
openssl x509 -in "$T/r15.pem" -outform DER | cmp -s - "$DB/3.crt" ||
	fail "the certificate shown is not the one recorded as 3.crt"
state "$A" "$T/a.state"
contains "$T/a.state" 'Rollover status: available for rollover' || { cat "$T/a.state"; fail "no rollover CA"; }

# B: an empty device with the key store only; the saved configuration is
# replayed with copy
cp "$A/nvram/private-config" "$B/nvram/"
cp "$A/nvram/startup-config" "$B/flash/a.cfg"
printf '\n' | pk "$B" 'clock set 12:14:16 Jul 10 2017' 'copy flash:a.cfg running-config' \
	'write memory' >"$T/b-copy.out" 2>&1 || { cat "$T/b-copy.out"; fail "copy flash:a.cfg running-config"; }
state "$B" "$T/b.state"
diff -u "$T/a.state" "$T/b.state" >"$T/diff" || { cat "$T/diff"; fail "the replayed device differs"; }
(cat "$F/r18.csr"; echo) | pk "$B" 'crypto pki server ROOTCA request pkcs10 terminal' \
	>"$T/b-paste.out" 2>&1 || { cat "$T/b-paste.out"; fail "request on the replayed device"; }
sed -n '/BEGIN CERTIFICATE/,/END CERTIFICATE/p' "$T/b-paste.out" >"$T/r18.pem"
[ "$(openssl x509 -in "$T/r18.pem" -noout -serial)" = "serial=04" ] ||
	fail "the replayed device did not continue the serials: $(openssl x509 -in "$T/r18.pem" -noout -serial)"

# C: the configuration without the keys: the server waits for its key
cp "$A/nvram/startup-config" "$C/flash/a.cfg"
cp "$F/rootca-enc.pem" "$C/flash/ROOTCA"
printf '\n' | pk "$C" 'clock set 12:14:16 Jul 10 2017' 'copy flash:a.cfg running-config' \
	'show crypto pki server' 'write memory' >"$T/c-copy.out" 2>&1
contains "$T/c-copy.out" 'ROOTCA:Server key not found, waiting for (offline) key. Keypair label ROOTCA.' ||
	{ cat "$T/c-copy.out"; fail "no 'Server key not found' message"; }
contains "$T/c-copy.out" 'State: check failed' || { cat "$T/c-copy.out"; fail "not check failed"; }
pk "$C" 'conf t' 'crypto key import rsa ROOTCA pem url flash:ROOTCA cisco123' 'end' \
	'show crypto pki server' >"$T/c-import.out" 2>&1
contains "$T/c-import.out" '%PKI-6-CS_ENABLED: Certificate server now enabled.' ||
	{ cat "$T/c-import.out"; fail "the server did not start with its key"; }
grep -F 'CA cert fingerprint' "$T/a.state" >"$T/fp.a"
grep -F 'CA cert fingerprint' "$T/c-import.out" | cmp -s - "$T/fp.a" ||
	fail "another CA after the key came: $(grep -F 'CA cert fingerprint' "$T/c-import.out")"
exit 0

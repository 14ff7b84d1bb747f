#!/bin/sh
# seeds/devices.sh — the device files of a real run, as seeds of the boot
# targets: a certificate server CA and a spoke on 127.0.0.1 (two
# --daemon --frozen-clock devices, tests/integration/lib), the spoke's
# enrollment pending (its nvram:pki-requests), then granted; both saved.
# Writes
#   tests/fuzz/corpus/config/{ca,spoke,spoke-pending}   nvram:startup-config
#   tests/fuzz/corpus/pkireq/pending                    nvram:pki-requests
#   tests/fuzz/data/pkireq/{startup-config,private-config}
#       the spoke as it was while pending: fuzz_pkireq boots from them
#   tests/fuzz/corpus/privcfg/{keys,retired}            nvram:private-config
#       of a third device: 512-bit test keys (plain, exportable, a retired
#       one kept until write memory)
# Test keys only.  Run from the repository root after a build:
#   PKISH=build/pkish sh tests/fuzz/seeds/devices.sh
set -e
SRCDIR=$(pwd)
PKISH=$(cd "$(dirname "${PKISH:-build/pkish}")" && pwd)/$(basename "${PKISH:-build/pkish}")
export PKISH
. tests/integration/lib/common.sh
set +e
C=$SRCDIR/tests/fuzz/corpus
D=$SRCDIR/tests/fuzz/data
mkdir -p "$C/config" "$C/pkireq" "$C/privcfg" "$D/pkireq"
CA=$T/ca
SP=$T/spoke
PORT=$(free_port)
pk() { _d=$1; shift; _n=$#; while [ "$_n" -gt 0 ]; do set -- "$@" -c "$1"; shift; _n=$((_n - 1)); done
       timeout -k 5 60 "$PKISH" -d "$_d" "$@"; }

start_daemon "$CA" --frozen-clock --http-bind 127.0.0.1 || fail "the CA did not start"
pk "$CA" 'clock set 12:00:00 Jan 1 2020' 'conf t' 'hostname CA' "ip http port $PORT" 'ip http server' \
	'crypto key generate rsa label ROOTCA modulus 1024' 'crypto pki server ROOTCA' \
	'database url flash:/db/' 'database level complete' 'no database archive' \
	'issuer-name CN=RootCA,OU=Lab,O=Fuzz' 'no grant' 'lifetime certificate 365' \
	'lifetime crl 24' 'no shutdown' 'end' >"$T/ca.out" 2>&1 || { cat "$T/ca.out"; fail "CA set-up"; }

start_daemon "$SP" --frozen-clock --http-bind 127.0.0.1 || fail "the spoke did not start"
pk "$SP" 'clock set 12:00:00 Jan 1 2020' 'conf t' 'hostname spoke-1' 'ip domain name lab.example' \
	'crypto pki trustpoint Root-CA' "enrollment url http://127.0.0.1:$PORT" 'serial-number none' \
	'ip-address none' 'password 0 Rev0cation' 'subject-name CN=spoke-1.lab.example,OU=Spokes' \
	'revocation-check none' 'rsakeypair spoke-1-RSA 1024' 'auto-enroll 80' 'end' >"$T/sp.out" 2>&1 ||
	{ cat "$T/sp.out"; fail "spoke set-up"; }
echo yes | pk "$SP" 'conf t' 'crypto pki authenticate Root-CA' 'end' >"$T/auth.out" 2>&1 ||
	{ cat "$T/auth.out"; fail "authenticate"; }
[ -s "$SP/nvram/pki-requests" ] || { cat "$T/auth.out"; fail "no pending request"; }
pk "$SP" 'write memory' >/dev/null 2>&1 || fail "write memory (spoke)"
cp "$SP/nvram/pki-requests" "$C/pkireq/pending"
cp "$SP/nvram/startup-config" "$D/pkireq/startup-config"
cp "$SP/nvram/startup-config" "$C/config/spoke-pending"
cp "$SP/nvram/private-config" "$D/pkireq/private-config"

pk "$CA" 'crypto pki server ROOTCA grant all' >/dev/null 2>&1 || fail "grant all"
pk "$SP" 'clock set 12:02:00 Jan 1 2020' >/dev/null 2>&1
pk "$CA" 'clock set 12:02:00 Jan 1 2020' >/dev/null 2>&1
pk "$SP" 'show crypto pki certificates' >"$T/certs" 2>&1
grep -q 'Status: Available' "$T/certs" || { cat "$T/certs"; fail "not granted"; }
pk "$CA" 'crypto pki server ROOTCA revoke 0x2' 'write memory' >/dev/null 2>&1 || fail "write memory (CA)"
pk "$SP" 'write memory' >/dev/null 2>&1 || fail "write memory (spoke)"
cp "$CA/nvram/startup-config" "$C/config/ca"
cp "$SP/nvram/startup-config" "$C/config/spoke"

K=$T/keys
start_daemon "$K" --frozen-clock || fail "the key device did not start"
pk "$K" 'conf t' 'crypto key generate rsa label K512 modulus 512' \
	'crypto key generate rsa label EXP512 modulus 512 exportable' 'end' 'write memory' >/dev/null 2>&1 ||
	fail "keys"
cp "$K/nvram/private-config" "$C/privcfg/keys"
echo yes | pk "$K" 'conf t' 'crypto key generate rsa label K512 modulus 512' 'end' >"$T/k.out" 2>&1
grep -q 'retired 1' "$K/nvram/private-config" || { cat "$T/k.out"; fail "no retired key"; }
cp "$K/nvram/private-config" "$C/privcfg/retired"
echo "seeds written"

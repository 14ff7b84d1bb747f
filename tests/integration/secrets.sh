#!/bin/sh
# secrets.sh — private keys never leave except encrypted (issue 9):
#   * nvram:private-config cannot be opened as a file, by any name: nvram:,
#     a unix: path, a symbolic link in flash:;
#   * nothing a command prints (show running-config, show logging with every
#     debug on, more of every file in nvram: and flash:) holds a private key;
#   * no file of the device that holds a key is readable by others.
. "$(dirname "$0")/lib/common.sh"

D=$T/dev
PORT=$(free_port)
start_daemon "$D" --frozen-clock --http-bind 127.0.0.1 || fail "no device"
pk() {
	_n=$#
	while [ "$_n" -gt 0 ]; do
		set -- "$@" -c "$1"
		shift
		_n=$((_n - 1))
	done
	timeout -k 5 60 "$PKISH" -d "$D" "$@"
}
pk 'debug all' 'clock set 10:00:00 Jan 1 2020' 'conf t' 'logging buffered 1000000 debugging' \
   'crypto key generate rsa label SECRET modulus 1024' \
   'crypto key generate rsa label OUT modulus 1024 exportable' \
   "ip http port $PORT" 'ip http server' 'crypto pki server CA' \
   'database archive pkcs12 password 0 cisco123' 'database level complete' 'grant auto' \
   'no shutdown' 'end' 'write memory' >"$T/setup" 2>&1 || { cat "$T/setup"; fail "set-up"; }
contains "$T/setup" 'Certificate Server enabled' || { cat "$T/setup"; fail "no CA"; }

for url in nvram:private-config "unix:$D/nvram/private-config" "unix:$D/flash/../nvram/private-config"; do
	pk "more $url" >"$T/more" 2>&1
	contains "$T/more" "(Permission denied)" || { cat "$T/more"; fail "more $url"; }
done
ln -s ../nvram/private-config "$D/flash/pc"
pk 'more flash:pc' >"$T/more" 2>&1
contains "$T/more" "(Permission denied)" || { cat "$T/more"; fail "more through a symbolic link"; }
rm -f "$D/flash/pc"

# everything the device shows
{
	pk 'show running-config' 'show startup-config' 'show logging' 'show crypto key mypubkey rsa' \
	   'show crypto pki server' 'show crypto pki certificates' 'dir nvram:' 'dir flash:'
	for f in $(ls "$D/nvram") ; do pk "more nvram:$f"; done
	for f in $(ls "$D/flash") ; do pk "more flash:$f"; done
} >"$T/all" 2>&1
! grep -q 'PRIVATE KEY' "$T/all" || { grep -n 'PRIVATE KEY' "$T/all" | head; fail "a private key was shown"; }
# the key's modulus in private form would show as the PEM body: compare with the
# private-config's base64 lines
awk '/BEGIN PRIVATE KEY/ { on = 1; next } /END PRIVATE KEY/ { on = 0 } on' "$D/nvram/private-config" |
	head -n 3 >"$T/lines"
[ -s "$T/lines" ] || fail "no keys in private-config?"
while read -r l; do
	! grep -qF -- "$l" "$T/all" || fail "private key material shown: $l"
done <"$T/lines"
# the exportable key leaves encrypted only
pk 'conf t' 'crypto key export rsa OUT pem terminal 3des cisco123' 'end' >"$T/export" 2>&1
contains "$T/export" 'BEGIN ENCRYPTED PRIVATE KEY' || { cat "$T/export"; fail "no encrypted export"; }
! contains "$T/export" 'BEGIN PRIVATE KEY' || fail "a plain private key exported"
pk 'conf t' 'crypto key export rsa SECRET pem terminal 3des cisco123' 'end' >"$T/export" 2>&1
contains "$T/export" 'not exportable' || { cat "$T/export"; fail "a non-exportable key exported"; }

# files that hold keys: 0600
for f in $(grep -rlE 'PRIVATE KEY' "$D" 2>/dev/null) $(find "$D" -name '*.p12'); do
	mode=$(stat -c %a "$f")
	[ "$mode" = 600 ] || fail "$f holds a key and is mode $mode"
done
mode=$(stat -c %a "$D")
[ "$mode" = 700 ] || fail "the device directory is mode $mode"
echo ok

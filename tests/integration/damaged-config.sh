#!/bin/sh
# damaged-config.sh — a damaged startup-config never makes a CA mint a new
# certificate (issue 9):
#   * one bad hex character in the `certificate ca` block, a changed hex
#     digit (the signature no longer verifies), a file truncated inside the
#     block: the boot reports the line, the server stays disabled with
#     "Status: disabled, CA certificate not found", "State: check failed",
#     "Last certificate issued serial number (hex): 2" — and issues nothing;
#   * a NUL byte in an earlier line: that line is reported, the rest of the
#     file (the chain included) still applies, the CA runs;
#   * restoring the configuration brings the same CA back by itself.
. "$(dirname "$0")/lib/common.sh"

D=$T/ca
PORT=$(free_port)
pk() {
	_n=$#
	while [ "$_n" -gt 0 ]; do
		set -- "$@" -c "$1"
		shift
		_n=$((_n - 1))
	done
	timeout -k 5 60 "$PKISH" -d "$D" "$@"
}
start_daemon "$D" --frozen-clock --http-bind 127.0.0.1 || fail "no device"
openssl req -new -newkey rsa:1024 -nodes -keyout "$T/c.key" -subj '/CN=client' -out "$T/c.csr" 2>/dev/null ||
	fail "openssl req"
cp "$T/c.csr" "$D/flash/c.csr"
pk 'clock set 10:00:00 Jan 1 2020' 'conf t' 'hostname CA' 'clock calendar-valid' \
   "ip http port $PORT" 'ip http server' 'crypto pki server CA' 'no database archive' \
   'grant auto' 'no shutdown' 'end' 'crypto pki server CA request pkcs10 flash:c.csr' \
   'write memory' >"$T/setup" 2>&1 || { cat "$T/setup"; fail "set-up"; }
pk 'show crypto pki server' >"$T/show"
contains "$T/show" 'Status: enabled' || { cat "$T/setup" "$T/show"; fail "no CA"; }
contains "$T/show" 'Last certificate issued serial number (hex): 2' || { cat "$T/show"; fail "not serial 2"; }
fp=$(sed -n 's/ *CA cert fingerprint: //p' "$T/show")
stop_daemon "$D"
cp "$D/nvram/startup-config" "$T/good"
cp "$T/good" "$D/flash/good.cfg"
first=$(grep -n '^ certificate ca 01$' "$T/good" | cut -d: -f1)
[ -n "$first" ] || { cat "$T/good"; fail "no certificate ca 01 block"; }

disabled() {     # disabled WHAT: the CA stayed disabled, nothing minted
	pk 'show crypto pki server' >"$T/show"
	contains "$T/show" 'Status: disabled, CA certificate not found' || { cat "$T/show"; fail "$1: not disabled"; }
	contains "$T/show" 'State: check failed' || { cat "$T/show"; fail "$1: no check failed"; }
	contains "$T/show" 'CA cert fingerprint: -Not found-' || { cat "$T/show"; fail "$1: a CA certificate"; }
	contains "$T/show" 'Last certificate issued serial number (hex): 2' || { cat "$T/show"; fail "$1: last serial"; }
	! [ -e "$D/nvram/3.cnm" ] || fail "$1: serial 3 used"
	pk 'show running-config' | grep -q 'certificate ca' && fail "$1: a certificate ca in the running-config"
	pk 'show logging' >"$T/log"
	contains "$T/log" '%PARSER-4-BADCFG' || { cat "$T/log"; fail "$1: the damage was not reported"; }
}

# ---- a bad hex character ---------------------------------------------------------------
awk -v n=$((first + 2)) 'NR == n { sub(/[0-9A-F]/, "G") } { print }' "$T/good" >"$D/nvram/startup-config"
start_daemon "$D" --frozen-clock --http-bind 127.0.0.1 2>"$T/start.err" || fail "no device (bad hex)"
contains "$T/start.err" "line $((first + 2))" || { cat "$T/start.err"; fail "bad hex: line not reported"; }
disabled "bad hex"
# restoring the configuration: the same CA, by itself
printf '\n' | pk 'copy flash:good.cfg running-config' >"$T/copy" 2>&1
pk 'show crypto pki server' >"$T/show"
contains "$T/show" 'Status: enabled' || { cat "$T/copy" "$T/show"; fail "restored chain: not enabled"; }
contains "$T/show" "CA cert fingerprint: $fp" || { cat "$T/show"; fail "restored chain: another CA"; }
stop_daemon "$D"

# ---- a changed hex digit: the signature does not verify ---------------------------------
last=$(awk -v f="$first" 'NR > f && /quit/ { print NR; exit }' "$T/good")
awk -v n=$((last - 1)) 'NR == n { c = substr($0, 3, 1); r = (c == "0") ? "1" : "0"; $0 = substr($0, 1, 2) r substr($0, 4) } { print }' \
	"$T/good" >"$D/nvram/startup-config"
cmp -s "$T/good" "$D/nvram/startup-config" && fail "the digit did not change"
start_daemon "$D" --frozen-clock --http-bind 127.0.0.1 2>"$T/start.err" || fail "no device (digit)"
disabled "changed digit"
stop_daemon "$D"

# ---- truncated inside the block ---------------------------------------------------------
head -n $((first + 3)) "$T/good" >"$D/nvram/startup-config"
start_daemon "$D" --frozen-clock --http-bind 127.0.0.1 2>"$T/start.err" || fail "no device (truncated)"
disabled "truncated"
stop_daemon "$D"

# ---- a NUL byte before the chain: the rest still applies -----------------------------------
{ head -n 1 "$T/good"; sed -n 2p "$T/good" | tr -d '\n'; printf '\000\n'; tail -n +3 "$T/good"; } \
	>"$D/nvram/startup-config"
tr -d '\000' <"$D/nvram/startup-config" | cmp -s - "$T/good" || fail "the NUL file is not the good one plus a NUL"
cmp -s "$D/nvram/startup-config" "$T/good" && fail "no NUL written"
start_daemon "$D" --frozen-clock --http-bind 127.0.0.1 2>"$T/start.err" || fail "no device (NUL)"
pk 'show crypto pki server' >"$T/show"
contains "$T/show" 'Status: enabled' || { cat "$T/start.err" "$T/show"; fail "NUL: the CA did not come back"; }
contains "$T/show" "CA cert fingerprint: $fp" || { cat "$T/show"; fail "NUL: another CA"; }
pk 'show logging' >"$T/log"
contains "$T/log" 'line 2' || { cat "$T/log"; fail "NUL: line 2 not reported"; }
echo ok

# pki.sh — a certificate server and a spoke for the trustpoint tests
# (POSIX sh, sourced after common.sh).
#
# Two --daemon processes with --frozen-clock: "CA" runs the seed's
# certificate server ROOTCA, "spoke-1" the seed's trustpoint Root-CA; SCEP
# goes over HTTP on 127.0.0.1 only.  Time is counted in seconds from day 0
# = 12:14:16 UTC Oct 9 2015, the seed's CA start.
#
# Gives:
#   CA_DIR SP_DIR PORT          the devices and the CA's HTTP port
#   ca CMD... / sp CMD...       pkish -c CMD for each CMD, on that device
#   pki_start_ca [ROLL] [GRANT] start the CA (auto-rollover ROLL days, 90;
#                               GRANT a server line, "grant auto")
#   pki_start_spoke [AUTO]      start the spoke (AUTO: auto-enroll args, or
#                               "-" for none; default "80 regenerate")
#   pki_authenticate            crypto pki authenticate Root-CA, answer yes
#   day D [H [M [S]]]           prints the instant D days H:M:S after day 0
#   at T                        both clocks to instant T, the CA first
#   at_spoke T / at_ca T        one clock only
#   datetext T                  "HH:MM:SS Mon D YYYY" as show prints it
#   export_spoke                $T/ca.pem and $T/id.pem from crypto pki export
#   chain_ok T                  the spoke's identity certificate verifies
#                               against its CA at instant T (openssl -attime)
#   field FILE TEXT             what follows TEXT on the first line with it
#   timer_line FILE LABEL       the `show crypto pki timers` line of LABEL
#   key_hex LABEL               the Key Data of `show crypto key mypubkey rsa`
#   cert_key_hex FILE           the same for a certificate's public key

CA_DIR=$T/ca
SP_DIR=$T/spoke
PORT=${PORT:-$(free_port)}
DAY0=$(date -u -d '2015-10-09 12:14:16' +%s) || exit 1

# pk DIR CMD... : one -c per CMD
pk() {
	_d=$1
	shift
	_n=$#
	while [ "$_n" -gt 0 ]; do
		set -- "$@" -c "$1"
		shift
		_n=$((_n - 1))
	done
	timeout -k 5 60 "$PKISH" -d "$_d" "$@"
}
ca() { pk "$CA_DIR" "$@"; }
sp() { pk "$SP_DIR" "$@"; }

day() {
	echo $((DAY0 + $1 * 86400 + ${2:-0} * 3600 + ${3:-0} * 60 + ${4:-0}))
}

clocktext() {
	date -u -d "@$1" '+%H:%M:%S %b %d %Y'
}

datetext() {
	date -u -d "@$1" '+%H:%M:%S UTC %b %-d %Y'
}

at_ca() {
	ca "clock set $(clocktext "$1")" >"$T/clock.out" 2>&1 ||
		{ cat "$T/clock.out"; fail "CA clock set $(clocktext "$1")"; }
}

at_spoke() {
	sp "clock set $(clocktext "$1")" >"$T/clock.out" 2>&1 ||
		{ cat "$T/clock.out"; fail "spoke clock set $(clocktext "$1")"; }
}

at() {
	at_ca "$1"
	at_spoke "$1"
}

pki_start_ca() {
	start_daemon "$CA_DIR" --frozen-clock --http-bind 127.0.0.1 || fail "the CA did not start"
	ca "clock set $(clocktext "$DAY0")" 'conf t' 'hostname CA' "ip http port $PORT" \
	   'ip http server' 'crypto key generate rsa label ROOTCA modulus 1024' \
	   'crypto pki server ROOTCA' "database url unix:${CA_DB:-$T/db}/" 'database level complete' \
	   'no database archive' 'issuer-name CN=RootCA,OU=TAC,O=Cisco' "${2:-grant auto}" \
	   'lifetime certificate 365' 'lifetime ca-certificate 730' "auto-rollover ${1:-90}" \
	   'no shutdown' 'end' >"$T/ca-setup.out" 2>&1 || { cat "$T/ca-setup.out"; fail "CA set-up"; }
	ca 'show crypto pki server ROOTCA' >"$T/ca-show.out" 2>&1
	contains "$T/ca-show.out" "Status: enabled" || { cat "$T/ca-show.out"; fail "CA not enabled"; }
}

pki_start_spoke() {
	auto=${1:-80 regenerate}
	if [ "$auto" = - ]; then auto='no auto-enroll'; else auto="auto-enroll $auto"; fi
	start_daemon "$SP_DIR" --frozen-clock --http-bind 127.0.0.1 || fail "the spoke did not start"
	sp "clock set $(clocktext "$DAY0")" 'conf t' 'hostname spoke-1' 'ip domain name cisco.com' \
	   'logging buffered 1000000 debugging' \
	   'crypto pki trustpoint Root-CA' "enrollment url http://127.0.0.1:$PORT" \
	   'serial-number' 'ip-address none' 'password 0 Rev0cati0n$Passw0rd' \
	   'subject-name CN=spoke-1.cisco.com,OU=CVO' 'revocation-check crl' \
	   'rsakeypair spoke-1-RSA' "$auto" 'end' 'debug crypto pki transactions' \
	   >"$T/sp-setup.out" 2>&1 || { cat "$T/sp-setup.out"; fail "spoke set-up"; }
}

pki_authenticate() {
	echo yes | sp 'conf t' 'crypto pki authenticate Root-CA' 'end' >"$T/auth.out" 2>&1 ||
		{ cat "$T/auth.out"; fail "crypto pki authenticate"; }
	contains "$T/auth.out" "Trustpoint CA certificate accepted." ||
		{ cat "$T/auth.out"; fail "CA certificate not accepted"; }
}

export_spoke() {
	rm -f "$T/ca.pem" "$T/id.pem"
	sp 'conf t' 'crypto pki export Root-CA pem terminal' 'end' >"$T/export.out" 2>&1 ||
		{ cat "$T/export.out"; fail "crypto pki export"; }
	awk -v ca="$T/ca.pem" -v id="$T/id.pem" '
		/^% CA certificate:/ { f = ca; next }
		/^% General Purpose Certificate:/ { f = id; next }
		/BEGIN CERTIFICATE/ { on = 1 }
		on && f != "" { print > f }
		/END CERTIFICATE/ { on = 0; f = "" }' "$T/export.out"
}

chain_ok() {
	export_spoke
	[ -s "$T/ca.pem" ] || { cat "$T/export.out"; fail "$(clocktext "$1"): no CA certificate"; }
	[ -s "$T/id.pem" ] || { cat "$T/export.out"; fail "$(clocktext "$1"): no identity certificate"; }
	openssl verify -attime "$1" -CAfile "$T/ca.pem" "$T/id.pem" >"$T/verify.out" 2>&1 ||
		{ cat "$T/verify.out"; sp 'show crypto pki certificates'; sp 'show crypto pki timers'
		  fail "$(clocktext "$1"): the spoke holds no valid chain"; }
}

field() {
	grep -m 1 -F -- "$2" "$1" | sed "s/.*$2 *//"
}

timer_line() {
	grep -E "^\\|[ 0-9d:.]+  $2\$" "$1"
}

key_hex() {
	sp "show crypto key mypubkey rsa $1" |
		awk '/^ Key Data:/ { on = 1; next } on && /^  [0-9A-F]/ { gsub(/ /, ""); printf "%s", $0 } END { print "" }'
}

cert_key_hex() {
	openssl x509 -in "$1" -noout -pubkey | openssl pkey -pubin -outform DER | od -An -v -tx1 |
		tr -d ' \n' | tr a-f A-F
	echo
}

# On exit: stop the daemons, then fail if one of them reported a sanitizer
# error or a leak in its daemon.log (the make check-asan build), before
# common.sh's cleanup removes everything.
pki_cleanup() {
	rc=$?
	for d in $DAEMONS; do
		stop_daemon "$d"
	done
	for d in $DAEMONS; do
		if [ -f "$d/daemon.log" ] &&
		   grep -qE 'ERROR: (Address|Leak)Sanitizer|runtime error:' "$d/daemon.log"; then
			echo "FAIL: sanitizer report in $d/daemon.log:"
			head -n 60 "$d/daemon.log"
			rc=1
		fi
	done
	cleanup
	exit "$rc"
}
trap pki_cleanup EXIT

#!/bin/sh
# untrusted-text.sh — issue 10, "What reaches disk and terminals": strings
# a SCEP client (or a file, or a line typed at the CLI) supplies are stored
# so that they read back exactly and never add a record, and are shown
# with their control characters escaped (docs/commands.md "Unprintable
# characters").
#
#   * A subject with line breaks ("e\nserial 99\nissued 2001…") forged a
#     record in <serial>.cnm: after a restart `show crypto pki server CA
#     certificates` listed a serial 99 valid 2001–2099 and hid the real one.
#     Now the .cnm holds one serial line and the subject's DER, and the
#     listing shows the real serial with the subject on one line.
#   * Records written by earlier versions still read; a forged one (its
#     fields twice) is listed under its own serial, from its certificate,
#     never with what it claims.
#   * ESC/BEL/CR and a C1 control in a subject do not reach the terminal
#     through `show crypto pki server CA requests` / `certificates`, the
#     log or the debug lines; the challenge password is never printed.
#   * The echo of a failing -f line (a NUL line too), of a dialog's answer
#     and `more` of a file escape them too; the caret of an error stays
#     under its word.
#   * Trustpoint names, key labels and server names must be valid UTF-8
#     without control characters.
. "${SRCDIR:-.}/tests/integration/lib/common.sh"
. "${SRCDIR:-.}/tests/integration/lib/scep.sh"

K=$FIX/scep/client.key

# raw FILE: FILE holds a control character other than \n and \t, or a C1
# control (U+0080..U+009F in UTF-8) — what must not reach a terminal
raw() {
	LC_ALL=C tr -d '\000-\010\013-\037\177' <"$1" | cmp -s - "$1" || return 0
	LC_ALL=C grep -q "$(printf '\302[\200-\237]')" "$1"
}

no_raw() { # FILE WHAT
	if raw "$1"; then
		od -c "$1" | head -n 40
		fail "$2: control characters reach the terminal"
	fi
}

# ---- a certificate server: the subjects of two clients --------------------
scep_start_ca 'no grant auto'
cs 'conf t' 'logging buffered 65536 debugging' 'end' 'debug crypto pki server' >/dev/null
FORGE=$(printf 'e\nserial 99\nissued 2001-1-1T0:0:0Z\nexpires 2099-1-1T0:0:0Z')
TERMCN=$(printf 'x\033[2J\033]0;owned\007\rEVIL\233')   # \233: U+009B, a C1 CSI
# (shown: the line breaks of FORGE as ^J, ESC ^[, BEL ^G, CR ^M, U+009B \xC2\x9B)
FORGE_SHOWN='cn=e^Jserial 99^Jissued 2001-1-1T0:0:0Z^Jexpires 2099-1-1T0:0:0Z'
TERM_SHOWN='cn=x^[[2J^[]0;owned^G^MEVIL\xC2\x9B'
# (with a challenge password: the server has none, so the request waits)
r=$(req -k "$K" -n "$FORGE" -p 'Chall3ngeMark' "$URL")
expect_rep "$r" "status=PENDING"
r=$(req -k "$K" -n "$TERMCN" "$URL")
expect_rep "$r" "status=PENDING"

cs 'show crypto pki server CA requests' >"$T/requests" 2>&1
no_raw "$T/requests" "show crypto pki server CA requests"
contains "$T/requests" "$TERM_SHOWN" || { cat "$T/requests"; fail "requests: subject not shown escaped"; }
contains "$T/requests" "$FORGE_SHOWN" || { cat "$T/requests"; fail "requests: line breaks not escaped"; }

cs 'crypto pki server CA grant all' >"$T/grant" 2>&1 || { cat "$T/grant"; fail "grant all"; }
cs 'show crypto pki server CA certificates' >"$T/certs" 2>&1
no_raw "$T/certs" "show crypto pki server CA certificates"
S_FORGE=$(grep -F "$FORGE_SHOWN" "$T/certs" | awk '{print $1}' | head -n 1)
S_TERM=$(grep -F "$TERM_SHOWN" "$T/certs" | awk '{print $1}' | head -n 1)
[ -n "$S_FORGE" ] && [ -n "$S_TERM" ] || { cat "$T/certs"; fail "issued certificates not listed"; }

# the log and the debug lines: escaped, and never the challenge
cs 'show logging' >"$T/log" 2>&1
no_raw "$T/log" "show logging"
contains "$T/log" 'Chall3ngeMark' && fail "the challenge password is in the log"
grep -q 'CRYPTO_CS' "$T/log" || { cat "$T/log"; fail "no debug lines to look at"; }

# ---- on disk: one field per line, the subject exactly ----------------------
F=$T/db/$S_FORGE.cnm
[ "$(grep -c '^serial ' "$F")" = 1 ] || { cat "$F"; fail "$F: more than one serial line"; }
grep -q '^serial 99$' "$F" && { cat "$F"; fail "$F: the forged serial is a field"; }
grep -q '^subject ' "$F" && { cat "$F"; fail "$F: a raw subject line for a subject with controls"; }
# subject-der is the certificate's subject, byte for byte
sed -n 's/^subject-der //p' "$F" | base64 -d >"$T/subj.der" || fail "$F: subject-der is not base64"
openssl x509 -inform DER -in "$T/db/$S_FORGE.crt" -outform DER -out "$T/cert.der"
openssl asn1parse -inform DER -in "$T/cert.der" >"$T/cert.asn1"
# the subject is the sixth field of tbsCertificate (version, serial, sig, issuer, validity, subject)
off=$(awk '/SEQUENCE/ && $0 ~ /d=2/ {n++; if (n == 4) { sub(":.*", "", $1); print $1; exit }}' "$T/cert.asn1")
openssl asn1parse -inform DER -in "$T/cert.der" -strparse "$off" -noout -out "$T/cert-subj.der" \
	>/dev/null 2>&1
cmp -s "$T/subj.der" "$T/cert-subj.der" || {
	openssl asn1parse -inform DER -in "$T/subj.der"; fail "subject-der is not the certificate's subject"; }

# ---- after a restart, with records of an earlier version --------------------
cs 'write memory' >/dev/null
stop_daemon "$CA"
# what earlier versions wrote: a plain record; the issue's forgery (the
# subject line carried its own serial/issued/expires lines) over the record
# of a certificate that is in the database, and one without a certificate
LAST=$(ls "$T/db" | sed -n 's/^\([0-9A-F]*\)\.crt$/\1/p' | sort | tail -n 1)
S1=$(printf '%X' $((0x$LAST + 1)))
S2=$(printf '%X' $((0x$LAST + 2)))
printf 'serial %s\nissued 2020-01-01T00:00:00Z\nexpires 2021-01-01T00:00:00Z\nsubject cn=old ou=lab\n' \
	"$S1" >"$T/db/$S1.cnm"
for s in "$S_TERM" "$S2"; do
	printf 'serial %s\nissued 2020-01-01T00:00:00Z\nexpires 2021-01-01T00:00:00Z\nsubject cn=e\nserial 98\nissued 2001-1-1T0:0:0Z\nexpires 2099-1-1T0:0:0Z\n' \
		"$s" >"$T/db/$s.cnm"
done
start_daemon "$CA" --http-bind 127.0.0.1 || fail "restart"
cs 'show crypto pki server CA certificates' >"$T/certs2" 2>&1
no_raw "$T/certs2" "after the restart"
grep -qE '^(99|98) ' "$T/certs2" && { cat "$T/certs2"; fail "a forged record is listed"; }
grep -qF "$FORGE_SHOWN" "$T/certs2" || { cat "$T/certs2"; fail "the real record is hidden"; }
[ "$(grep -F "$FORGE_SHOWN" "$T/certs2" | awk '{print $1}')" = "$S_FORGE" ] ||
	{ cat "$T/certs2"; fail "the forged subject is not under its own serial"; }
# the old forged record over a certificate: listed from the certificate
[ "$(grep -F "$TERM_SHOWN" "$T/certs2" | awk '{print $1}')" = "$S_TERM" ] ||
	{ cat "$T/certs2"; fail "record $S_TERM not listed from its certificate"; }
grep -qE "^$S1 .*cn=old ou=lab\$" "$T/certs2" || { cat "$T/certs2"; fail "an old plain record is lost"; }
grep -qE "^$S2 .*-Damaged record-\$" "$T/certs2" || { cat "$T/certs2"; fail "old forged record $S2"; }
grep -q 'Jan 1 2001\|Jan 1 2099' "$T/certs2" && { cat "$T/certs2"; fail "forged dates listed"; }

# --attach with stdin not a terminal echoes its lines the same way
printf 'show clock\033[2J x\n' | "$PKISH" -d "$CA" --attach >"$T/attach.out" 2>&1
no_raw "$T/attach.out" "--attach echo"
contains "$T/attach.out" '>show clock^[[2J x' || { cat "$T/attach.out"; fail "--attach echo"; }

# ---- the CLI: -f echo, `more`, names -----------------------------------------
D=$T/dev
mkdir -p "$D/flash"
printf 'crypto pki trustpoint T\033[31mX\ncrypto pki trustpoint T\377\ncrypto pki trustpoint T\302\233\ncrypto key generate rsa label K\302\233 modulus 512\ncrypto key generate rsa label K\377 modulus 512\ncrypto pki server S\302\233\ncrypto pki trustpoint Tok\303\251\n bogus\033]0;x\007 line\n' \
	>"$T/names.cfg"
"$PKISH" -d "$D" -f "$T/names.cfg" >"$T/names.out" 2>&1
no_raw "$T/names.out" "-f"
contains "$T/names.out" 'names.cfg line 8:  bogus^[]0;x^G line' ||
	{ cat "$T/names.out"; fail "the failing line is not echoed escaped"; }
contains "$T/names.out" 'names.cfg line 2: crypto pki trustpoint T\xFF' ||
	{ cat "$T/names.out"; fail "invalid UTF-8 trustpoint name not refused"; }
[ "$(grep -c '% Trustpoint name contains one or more illegal characters.' "$T/names.out")" = 3 ] ||
	{ cat "$T/names.out"; fail "trustpoint names"; }
[ "$(grep -c '% Key label contains one or more illegal characters.' "$T/names.out")" = 2 ] ||
	{ cat "$T/names.out"; fail "key labels"; }
! contains "$T/names.out" 'The name for the keys will be: K' ||
	{ cat "$T/names.out"; fail "a refused key label was announced before the refusal"; }
contains "$T/names.out" '% Certificate server name contains one or more illegal characters.' ||
	{ cat "$T/names.out"; fail "server name"; }
"$PKISH" -d "$D" -c 'show running-config' -c 'show crypto key mypubkey rsa' >"$T/run.out" 2>&1
no_raw "$T/run.out" "show running-config"
[ "$(grep -c '^crypto pki trustpoint' "$T/run.out")" = 1 ] || { cat "$T/run.out"; fail "names kept"; }
contains "$T/run.out" "$(printf 'crypto pki trustpoint Tok\303\251')" ||
	{ cat "$T/run.out"; fail "a valid UTF-8 name is refused"; }
grep -q '^Key name: K' "$T/run.out" && { cat "$T/run.out"; fail "a key with a bad label exists"; }
grep -q '^crypto pki server' "$T/run.out" && { cat "$T/run.out"; fail "a server with a bad name exists"; }

# a line with a NUL byte (refused before the replay) and an answer to a
# question are echoed the same way
printf 'hostname A\000\033[2J\007\n' >"$T/nul.cfg"
"$PKISH" -d "$T/dev3" -f "$T/nul.cfg" >"$T/nul.out" 2>&1
no_raw "$T/nul.out" "NUL line"
contains "$T/nul.out" 'nul.cfg line 1: hostname A^@^[[2J^G' || { cat "$T/nul.out"; fail "NUL line echo"; }
printf 'enable\nconf t\ncrypto key generate rsa label KK\n512\033[2J\nend\n' |
	"$PKISH" -d "$T/dev3" --echo >"$T/answer.out" 2>&1
no_raw "$T/answer.out" "answer echo"
contains "$T/answer.out" 'How many bits in the modulus [1024]: 512^[[2J' ||
	{ cat "$T/answer.out"; fail "answer echo"; }

# the caret of an error stays under the word after a control character
# (shown as two columns) or a UTF-8 character (one column, two bytes)
printf 'crypto pki trustpoint T\033x bogus\ncrypto pki trustpoint Tok\303\251 bogus\n' >"$T/caret.cfg"
"$PKISH" -d "$T/dev2" -f "$T/caret.cfg" >"$T/caret.out" 2>&1
no_raw "$T/caret.out" "caret"
for n in 1 2; do
	echo=$(grep -F "caret.cfg line $n: " "$T/caret.out")
	caret=$(grep -A1 -F "caret.cfg line $n: " "$T/caret.out" | sed -n 2p)
	want=$(printf '%s' "${echo%%bogus*}" | LC_ALL=C.UTF-8 wc -m)
	got=$(printf '%s' "${caret%%^*}" | LC_ALL=C.UTF-8 wc -m)
	[ "$want" = "$got" ] || { cat "$T/caret.out"; fail "line $n: caret at column $got, the word at $want"; }
done

# more: a text file with a lone CR, DEL and a C1 control (no C0 other than
# CR: it is not shown as a hex dump)
printf 'hello\rEVIL\177\302\233x\r\nline 2\n' >"$D/flash/evil.txt"
"$PKISH" -d "$D" -c 'more flash:evil.txt' >"$T/more.out" 2>&1
no_raw "$T/more.out" "more"
contains "$T/more.out" 'hello^MEVIL^?\xC2\x9Bx' || { od -c "$T/more.out"; fail "more: not escaped"; }
grep -qx 'line 2' "$T/more.out" || { od -c "$T/more.out"; fail "more: CR LF is a line end"; }
# (make check-asan: the runs above were not daemons; their reports are here)
if grep -lE 'ERROR: (Address|Leak)Sanitizer|runtime error:' "$T"/*.out "$T"/requests "$T"/certs* \
	"$T"/log 2>/dev/null; then
	fail "sanitizer report"
fi
exit 0

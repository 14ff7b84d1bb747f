#!/bin/sh
# seeds/cli.sh — writes the seeds of fuzz_cli (tests/fuzz/corpus/cli/):
# the input lines of every transcript (tests/transcripts/*.t, extracted as
# tests/tools/trun does: the text after a prompt, a dialog's answer,
# `## input:` lines), after the header byte of fuzz_cli.c (user EXEC,
# echo), and one short session per starting mode.  Run from the
# repository root: sh tests/fuzz/seeds/cli.sh
set -e
out=tests/fuzz/corpus/cli
mkdir -p "$out"
b() { for v; do printf "\\$(printf %03o "$v")"; done; }

for t in tests/transcripts/*.t; do
	name=${t##*/}
	{ b 4
	  awk '
	/^##/ { if (sub(/^## input: ?/, "")) print; next }
	/ \(re\)$/ { next }
	match($0, /^[A-Za-z0-9._-]+(\([A-Za-z0-9-]+\))?[>#]/) { print substr($0, RLENGTH + 1); next }
	/^\[/ { next }
	match($0, /^.* \[[A-Za-z0-9\/_.-]*\](: |\? ?|$)/) { print substr($0, RLENGTH + 1); next }
	' "$t"; } >"$out/transcript-${name%.t}"
done

# mode (header bits 3-5) and a few lines each; privileged
mode() { b $(( 1 | $1 << 3 )); shift; printf '%s\n' "$@"; }
mode 0 "show crypto pki server" "sh run | inc crypto" "clock set 10:00:00 1 Jan 2021" "show clock ?" \
	"debug crypto pki server" "show crypto pki timers" "copy running-config flash:x" "" "dir flash:" >"$out/mode-exec"
mode 1 "hostname R1" "ip domain name lab.example" "crypto key generate rsa label K modulus 1024" \
	"do show crypto key mypubkey rsa" "no crypto key generate rsa label K" "crypto pki t	" \
	"logging buffered 8192 debugging" "end" >"$out/mode-config"
mode 2 "enrollment url http://127.0.0.1:1/" "subject-name CN=R1,O=Lab" "revocation-check none" \
	"rsakeypair K 1024" "password 7 0822455D0A16" "serial-number none" "ip-address none" \
	"auto-enroll 70 regenerate" "fingerprint 0123456789ABCDEF" "?" "exit" >"$out/mode-trustpoint"
mode 3 "do clock set 10:00:00 1 Jan 2020" "database level complete" "database url unix:/tmp/pkish-fuzz-db/" "grant auto" \
	"lifetime certificate 30" "lifetime crl 24" "cdp-url http://127.0.0.1/crl" "issuer-name CN=CS,O=Lab" \
	"hash sha256" "no shutdown" "cisco123" "cisco123" "do show crypto pki server" "grant none" "shutdown" >"$out/mode-cs-server"
mode 4 "certificate ca 01" "30820100 0201" "quit" "no certificate ca 01" "yes" "certificate 02" "quit" >"$out/mode-cert-chain"
mode 5 "3082019D 30820106 A0030201 02020101 300D0609 2A864886 F70D0101 04050030" "quit" >"$out/mode-hex"
mode 6 "length 0" "exec-timeout 0 0" "?" "exit" >"$out/mode-line"
mode 7 "crypto pki server CS grant all" "crypto pki server CS revoke 0x2" "crypto pki server CS password generate 5" \
	"reload" "no" "" >"$out/mode-exec-cs"

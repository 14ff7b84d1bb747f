#!/bin/sh
# seeds/cs.sh — writes the seeds of fuzz_cs (tests/fuzz/corpus/cs/) from
# the input format described at the top of tests/fuzz/fuzz_cs.c.  Run from
# the repository root: sh tests/fuzz/seeds/cs.sh
set -e
out=tests/fuzz/corpus/cs
mkdir -p "$out"

b() { for v; do printf "\\$(printf %03o "$v")"; done; }   # bytes
s() { b ${#1}; printf %s "$1"; }                          # length-prefixed string
hdr() { b $(( $1 | $2 << 2 | $3 << 3 | $4 << 5 | $5 << 6 )); }   # grant pw level rollover hash
# enroll HOW CH TID NONCE SIGNER... -- CSR...: op 0, then the fields
enroll() { b 0 "$1" "$2"; s "$3"; s "$4"; }
signer_self() { b $(( 1 | $1 << 3 )); s "$2"; }           # key name
signer_issued() { b $(( 3 | $1 << 3 )); }                 # index
signer_sub() { b $(( 5 | $1 << 3 )); s "$2"; }            # key name
signer_forged() { b $(( 6 | $1 << 3 )); s "$2"; }
signer_none() { b 0; }
csr_dn() { b $(( 1 | $1 << 2 | $2 << 4 | $3 << 6 )); s "$4"; }   # key san sig dn
csr_same() { b $(( 2 | $1 << 2 | $2 << 4 | $3 << 6 )); s ""; }  # the signer's subject
csr_raw() { n=$(wc -c <"$1"); b 0 $((n >> 8)) $((n & 255)); cat "$1"; }
poll() { b 3; s "$1"; }
getcert_issued() { b 4 $(( 1 | $1 << 1 )); }
getcert_text() { b 4 2; s "$1"; }
getcrl() { b 5; }
grant_all() { b 6 255; }
reject() { b 7 "$1"; }
revoke_issued() { b 9 $(( 1 | $1 << 1 )); }
unrevoke_issued() { b 10 $(( 1 | $1 << 1 )); }
otp() { b 11 "$1"; }
submit_dn() { b 12; csr_dn "$@"; }
clock() { b 13 "$1" $(($2 >> 8)) $(($2 & 255)); }         # unit(0 s,1 min,2 h,3 d) count
restart() { b 14; }
signfail() { b 15; }

tmp=$(mktemp)
openssl req -in tests/fixtures/cs/r15.csr -outform DER -out "$tmp"

# grant manual: pending, the operator grants, the client polls and asks for it
{ hdr 0 0 0 0 0
  enroll 0 0 tid-manual nonce-0000000001; signer_self 0 "CN=R1"; csr_dn 0 0 0 "CN=R1"
  grant_all; poll tid-manual; getcert_text 2; getcrl; } >"$out/manual-pending-grant"
# grant auto; renewal by the issued certificate; a renewal that adds a
# subjectAltName and one by a revoked certificate go through the grant mode
{ hdr 1 0 1 0 2
  enroll 0 0 tid-auto nonce-0000000002; signer_self 0 "CN=R2,O=Lab"; csr_dn 0 0 0 "CN=R2,O=Lab"
  enroll 1 0 tid-renew nonce-0000000003; signer_issued 0; csr_same 1 1 0
  enroll 1 0 tid-widen nonce-0000000004; signer_issued 0; csr_same 2 3 0; s "victim.example.com"
  revoke_issued 0; getcrl
  enroll 0 0 tid-revoked nonce-0000000005; signer_issued 0; csr_same 3 0 0
  getcert_issued 1; } >"$out/auto-renewal"
# grant manual, renewals: granted by themselves, except the widening one
{ hdr 0 1 2 0 2
  enroll 0 2 tid-pw nonce-0000000006; signer_self 1 "CN=R3"; csr_dn 1 0 0 "CN=R3"
  enroll 1 0 tid-renew2 nonce-0000000007; signer_issued 0; csr_same 2 0 0
  enroll 1 0 tid-wide2 nonce-0000000008; signer_issued 0; csr_same 2 2 0; s "*.victim.example.com"
  enroll 0 0 tid-case nonce-0000000009; signer_issued 0; csr_dn 2 0 0 "CN=r3"
  enroll 0 0 tid-forged nonce-0000000010; signer_forged 2 "CN=R3"; csr_dn 2 0 0 "CN=R3"; } >"$out/manual-renewal"
# the challenge password: a wrong one fails, the right one grants once; the
# same message again (after a restart too) is refused
{ hdr 0 1 2 0 0
  enroll 0 4 tid-wrong nonce-0000000011; signer_self 0 "CN=R4"; csr_dn 0 0 0 "CN=R4"; s "wrong"
  enroll 0 2 tid-right nonce-0000000012; signer_self 0 "CN=R4"; csr_dn 0 0 0 "CN=R4"
  enroll 0 2 tid-right nonce-0000000012; signer_self 0 "CN=R4"; csr_dn 0 0 0 "CN=R4"
  restart
  enroll 0 2 tid-right nonce-0000000012; signer_self 0 "CN=R4"; csr_dn 0 0 0 "CN=R4"
  otp 5; enroll 0 3 tid-otp nonce-0000000013; signer_self 1 "CN=R5"; csr_dn 1 0 0 "CN=R5"
  enroll 0 3 tid-otp2 nonce-0000000014; signer_self 1 "CN=R5"; csr_dn 1 0 0 "CN=R5"; } >"$out/challenge-replay"
# grant auto trustpoint SUB: a signer SUB's CA issued is granted
{ hdr 2 0 0 0 2
  enroll 0 0 tid-sub nonce-0000000015; signer_sub 1 "CN=R6"; csr_dn 1 0 0 "CN=R6"
  enroll 0 0 tid-notsub nonce-0000000016; signer_self 2 "CN=R7"; csr_dn 2 0 0 "CN=R7"
  reject 2; poll tid-notsub; } >"$out/auto-trustpoint"
# grant none: nothing, not even a manual submission
{ hdr 3 1 0 0 0
  enroll 0 2 tid-none nonce-0000000017; signer_self 0 "CN=R8"; csr_dn 0 0 0 "CN=R8"
  submit_dn 0 0 0 "CN=R8"; grant_all; } >"$out/grant-none"
# bad requests: a corrupted signature, a request signed by another key, the
# raw DER of a real request (r15.csr), a DER-only hand-over
{ hdr 1 0 0 0 1
  enroll 0 0 tid-corrupt nonce-0000000018; signer_self 0 "CN=R9"; csr_dn 0 0 1 "CN=R9"; b 3
  enroll 0 0 tid-otherkey nonce-0000000019; signer_self 0 "CN=R9"; csr_dn 0 0 2 "CN=R9"
  enroll 4 0 tid-raw nonce-0000000020; signer_none; csr_raw "$tmp"
  enroll 0 0 tid-sha1 nonce-0000000021; signer_self 3 "CN=R10"; csr_dn 3 2 3 "CN=R10"; s "r10.lab"; } >"$out/bad-requests"
# time: a pending request expires (ER EXPIRE), a certificate expires and its
# renewal is no longer automatic; a signature that fails is not recorded
{ hdr 0 1 1 0 2
  enroll 0 0 tid-expire nonce-0000000022; signer_self 0 "CN=R11"; csr_dn 0 0 0 "CN=R11"
  clock 3 8; poll tid-expire
  enroll 0 2 tid-granted nonce-0000000023; signer_self 1 "CN=R12"; csr_dn 1 0 0 "CN=R12"
  clock 3 400; enroll 1 0 tid-late nonce-0000000024; signer_issued 0; csr_same 1 0 0
  signfail; enroll 0 2 tid-nosig nonce-0000000025; signer_self 2 "CN=R13"; csr_dn 2 0 0 "CN=R13"
  poll tid-nosig; } >"$out/time-and-failures"
# a rollover CA: a request for it, a restart at level complete, GetCert
{ hdr 1 0 2 1 2
  enroll 2 0 tid-roll nonce-0000000026; signer_self 0 "CN=R14"; csr_dn 0 0 0 "CN=R14"
  enroll 0 0 tid-active nonce-0000000027; signer_self 1 "CN=R15"; csr_dn 1 0 0 "CN=R15"
  restart; getcert_issued 0; getcert_issued 1; getcert_text 0x1; unrevoke_issued 0; } >"$out/rollover-restart"
rm -f "$tmp"

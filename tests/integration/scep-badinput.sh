#!/bin/sh
# scep-badinput.sh — issue 5's "bad input": broken pkiMessages sent to the
# SCEP server each get a well-formed CertRep FAILURE with the right failInfo
# (read back with scep/msg.h's client parser: CA signature, messageType 3,
# transactionID and recipientNonce echoed) or, where no pkiMessage can be
# built, an HTTP 4xx; none of them changes the request database, the issued
# certificates, the serial counter or the database files.
#
# Replays (docs/scep.md "Replays"): an identical, already answered
# pkiMessage is refused (FAILURE badRequest); a *new* message that re-uses
# the transactionID of a finished transaction starts a new one
# (scep-conformance §0.6); an identical message re-sent while its request
# is pending only asks again (PENDING, then the certificate once granted).
. "${SRCDIR:-.}/tests/integration/lib/common.sh"
. "${SRCDIR:-.}/tests/integration/lib/scep.sh"

K=$FIX/scep/client.key
scep_start_ca
cs 'show crypto pki server CA' >/dev/null

# a valid request first: the tool and the server work
r=$(req -k "$K" -n good "$URL")
expect_rep "$r" "status=SUCCESS"
db_snapshot "$T/before"

check() { # what WANT scepreq-args...
	what=$1 want=$2
	shift 2
	r=$(req -k "$K" -n "bad-$what" -r "$T/rep.der" "$@" "$URL") || fail "$what: no answer ($r)"
	expect_rep "$r" "$want"
	case $r in *no-content-length*) fail "$what: answer without Content-Length" ;; esac
}

check truncated "http=400 " -m truncate
check garbage "http=400 " -m garbage
check truncated-get "http=400 " -m truncate -g
check long-transactionID "http=400 " -m long-tid
check oversized-post "http=413 " -m oversized
check oversized-get "http=414 " -m oversized -g
check oversized-get-plain "http=414 " -m oversized -g -b plus
check bad-signature "status=FAILURE failInfo=1 " -m bad-signature
check bad-content "status=FAILURE failInfo=1 " -m bad-content
check wrong-recipient "status=FAILURE failInfo=4 " -R "$FIX/scep/ca.pem"
check certrep-type "status=FAILURE failInfo=2 " -m wrong-type -M 3
check updatereq-type "status=FAILURE failInfo=2 " -m wrong-type -M 18
check unknown-type "status=FAILURE failInfo=2 " -m wrong-type -M 99
check text-type "status=FAILURE failInfo=2 " -m wrong-type -M abc
check getcert-unknown "status=FAILURE failInfo=4 " -t getcert -S 7FFF
check certpoll-unknown "status=FAILURE failInfo=4 " -t certpoll -T NO-SUCH-TRANSACTION
# the last FAILURE, independently of scep/msg.h: a CMS SignedData whose
# signed attributes say CertRep (3), FAILURE (2), badCertId (4), and an empty
# eContent that OpenSSL's PKCS7_verify (openssl smime, as certmonger) accepts
openssl cms -cmsout -print -inform DER -in "$T/rep.der" >"$T/rep.txt" 2>&1 ||
	{ cat "$T/rep.txt"; fail "the FAILURE is not CMS"; }
for a in '2.16.840.1.113733.1.9.2' '2.16.840.1.113733.1.9.3' '2.16.840.1.113733.1.9.4'; do
	grep -A2 -F "($a)" "$T/rep.txt" | grep -q PRINTABLESTRING ||
		{ cat "$T/rep.txt"; fail "attribute $a is not a PrintableString"; }
done
grep -A2 -F '(2.16.840.1.113733.1.9.3)' "$T/rep.txt" | grep -q 'PRINTABLESTRING:2$' ||
	fail "pkiStatus is not FAILURE"
grep -A2 -F '(2.16.840.1.113733.1.9.4)' "$T/rep.txt" | grep -q 'PRINTABLESTRING:4$' ||
	fail "failInfo is not badCertId"
grep -A3 'eContentType: pkcs7-data' "$T/rep.txt" | grep -q 'eContent: *$' ||
	{ cat "$T/rep.txt"; fail "a FAILURE's eContent is not present and empty"; }
openssl smime -verify -inform DER -in "$T/rep.der" -noverify -out /dev/null 2>"$T/smime.err" ||
	{ cat "$T/smime.err"; fail "PKCS7_verify (openssl smime) refuses the FAILURE"; }
db_snapshot "$T/after"
db_same "$T/before" "$T/after" "bad input"

# replay: the identical message again, by another process, by POST and GET
r=$(req -k "$K" -n replayed -w "$T/req.der" "$URL")
expect_rep "$r" "status=SUCCESS"
db_snapshot "$T/before"
r=$(req -k "$K" -i "$T/req.der" "$URL")
expect_rep "$r" "status=FAILURE failInfo=2 text=\"replayed message"
r=$(req -k "$K" -i "$T/req.der" -g "$URL")
expect_rep "$r" "status=FAILURE failInfo=2 text=\"replayed message"
db_snapshot "$T/after"
db_same "$T/before" "$T/after" "a replayed message"

# a wrong challenge password is a FAILURE, and so is its replay
cs 'conf t' 'crypto pki trustpoint CA' 'password 0 s3cret' 'end' >/dev/null || fail "password"
db_snapshot "$T/before"
r=$(req -k "$K" -n wrongpw -p wrong -w "$T/req.der" "$URL")
expect_rep "$r" "status=FAILURE failInfo=2 text=\"challenge password mismatch"
r=$(req -k "$K" -i "$T/req.der" "$URL")
expect_rep "$r" "status=FAILURE failInfo=2 "
db_snapshot "$T/after"
db_same "$T/before" "$T/after" "a wrong challenge password"
r=$(req -k "$K" -n rightpw -p s3cret "$URL")
expect_rep "$r" "status=SUCCESS"
cs 'conf t' 'crypto pki trustpoint CA' 'no password' 'end' >/dev/null || fail "no password"

# a new message re-using a finished transaction's ID is a new transaction
r1=$(req -k "$K" -n reuse -T REUSED-TID "$URL")
expect_rep "$r1" "status=SUCCESS"
r2=$(req -k "$K" -n reuse -T REUSED-TID "$URL")
expect_rep "$r2" "status=SUCCESS"
[ "${r1#*serial=}" != "${r2#*serial=}" ] || fail "a re-used transactionID got the old certificate"

# pending: the identical message asks again (PENDING), then gets the
# certificate once granted; after that it is a replay
cs 'conf t' 'crypto pki server CA' 'shutdown' 'no grant' 'no shutdown' 'end' >"$T/m.out" 2>&1 ||
	{ cat "$T/m.out"; fail "manual grant"; }
r=$(req -k "$K" -n waiting -T PENDING-TID -w "$T/pend.der" "$URL")
expect_rep "$r" "status=PENDING"
r=$(req -k "$K" -i "$T/pend.der" "$URL")
expect_rep "$r" "status=PENDING"
cs 'show crypto pki server CA requests' | grep -q 'pending .*cn=waiting' ||
	{ cs 'show crypto pki server CA requests'; fail "no pending entry"; }
n=$(cs 'show crypto pki server CA requests' | grep -c 'cn=waiting')
[ "$n" = 1 ] || fail "the re-sent pending request made $n entries"
cs 'crypto pki server CA grant all' >/dev/null || fail "grant all"
r=$(req -k "$K" -i "$T/pend.der" "$URL")
expect_rep "$r" "status=SUCCESS"
r=$(req -k "$K" -i "$T/pend.der" "$URL")
expect_rep "$r" "status=FAILURE failInfo=2 text=\"replayed message"
echo ok

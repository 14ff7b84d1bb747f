#!/bin/sh
# replay-restart.sh — a request granted because of its challenge password is
# not granted again when it is sent once more, byte for byte, after the CA
# restarted (kill -9) (issue 10; core/cs_replay.c).  A new request with the
# same password still is.
. "$(dirname "$0")/lib/common.sh"
. "$(dirname "$0")/lib/scep.sh"

scep_start_ca 'no grant'
cs 'conf t' 'crypto pki trustpoint CA' 'password 0 s3cret' 'end' 'write memory' >/dev/null 2>&1 ||
	fail "challenge password"
line=$(req -k "$FIX/client_key.pem" -p s3cret -w "$T/msg.der" "$URL")
expect_rep "$line" "status=SUCCESS"
line=$(req -k "$FIX/client_key.pem" -i "$T/msg.der" "$URL")
expect_rep "$line" "status=FAILURE"

pid=$(daemon_pid "$CA")
kill -9 "$pid"
wait_dead "$pid" || fail "the CA did not die"
start_daemon "$CA" --http-bind 127.0.0.1 || fail "the CA did not restart"
db_snapshot "$T/before"
line=$(req -k "$FIX/client_key.pem" -i "$T/msg.der" "$URL")
expect_rep "$line" "status=FAILURE failInfo=2 "
expect_rep "$line" "replayed"
db_snapshot "$T/after"
db_same "$T/before" "$T/after" "the replayed request"
line=$(req -k "$FIX/client_key.pem" -p s3cret "$URL")
expect_rep "$line" "status=SUCCESS"
echo ok

#!/bin/sh
# cs-kill9.sh — issue 4: a serial number is never reused and nothing is
# issued that is not recorded, whatever happens to the CA process.
#
# A CA daemon (`grant auto`, `database level complete`, database on a unix:
# folder, configuration saved so a restart brings it back) gets several
# micromdm scepclient enrollments at once over HTTP on 127.0.0.1; it is
# killed with SIGKILL at a random moment while they are in flight, then
# restarted; a number of rounds.  Then a full disk (PKISH_FAIL_WRITES=N: the
# N-th and every later atomic write fails) while clients enroll.
#
# Checked at the end: every certificate a client received is in the
# database as <serial>.crt, byte for byte (a reused serial would have
# overwritten the record of the earlier certificate), no two received
# certificates share a serial, each verifies against the CA, and after every
# restart the server numbers above everything it ever handed out.
. "$(dirname "$0")/lib/common.sh"

command -v scepclient >/dev/null 2>&1 || { echo "scepclient not installed"; exit 77; }
command -v openssl >/dev/null 2>&1 || { echo "openssl not installed"; exit 77; }
SRCDIR=${SRCDIR:-$(pwd)}
CA=$T/ca
DB=$T/db
ROUNDS=${CS_KILL9_ROUNDS:-5}
CLIENTS=${CS_KILL9_CLIENTS:-4}
PORT=$(free_port)
URL="http://127.0.0.1:$PORT/cgi-bin/pkiclient.exe"
P() { "$PKISH" -d "$CA" "$@"; }

# a pseudo-random number 0..$1-1
rnd() {
	od -An -N2 -tu2 /dev/urandom | awk -v m="$1" '{ print $1 % m }'
}

# one key for every client (scepclient reads a traditional RSA key; making
# one per client would only cost time)
openssl rsa -in "$SRCDIR/tests/fixtures/client_key.pem" -traditional -out "$T/client.key" \
	2>/dev/null || fail "cannot convert the client key"
mkdir -p "$CA/flash"
cp "$SRCDIR/tests/fixtures/ca_key.pem" "$CA/flash/CA"

start_daemon "$CA" --http-bind 127.0.0.1 || fail "the CA did not start"
P -c 'conf t' -c 'hostname CA' -c 'clock calendar-valid' \
  -c 'crypto key import rsa CA pem url flash:CA unused' \
  -c "ip http port $PORT" -c 'ip http server' \
  -c 'crypto pki server CA' -c "database url unix:$DB/" -c 'database level complete' \
  -c 'no database archive' -c 'grant auto' -c 'no shutdown' -c end -c 'write memory' \
  >"$T/setup.out" 2>&1 || { cat "$T/setup.out"; fail "CA set-up failed"; }
P -c 'show crypto pki server' >"$T/show.out"
contains "$T/show.out" "Status: enabled" || { cat "$T/show.out"; fail "server not enabled"; }
openssl x509 -inform DER -in "$DB/1.crt" -out "$T/ca.pem" || fail "no CA certificate record 1.crt"

# last serial the server reports, as a number
last_serial() {
	P -c 'show crypto pki server CA' | sed -n 's/.*serial number (hex): //p' |
		{ read -r h; printf '%d\n' "0x${h:-0}"; }
}

# wait until the server answers GetCACaps (it listens again after a restart)
wait_http() {
	i=0
	until "$BUILD/tools/scepget" "$URL?operation=GetCACaps&message=CA" "$T/caps" \
		>/dev/null 2>&1; do
		i=$((i + 1))
		[ $i -gt 100 ] && fail "the CA does not answer on port $PORT"
		sleep 0.1
	done
}

# enroll DIR CN: one scepclient run in the background
enroll() {
	mkdir -p "$1"
	cp "$T/client.key" "$1/key.pem"
	timeout 60 scepclient -server-url "$URL" -private-key "$1/key.pem" \
		-certificate "$1/cert.pem" -cn "$2" >"$1/log" 2>&1 &
}

# worker R C: enrollments one after another until $T/stop exists, so that
# requests are always in flight when the kill comes
worker() {
	i=1
	while [ ! -e "$T/stop" ]; do
		mkdir -p "$T/c-k9-$1-$2-$i"
		cp "$T/client.key" "$T/c-k9-$1-$2-$i/key.pem"
		timeout 60 scepclient -server-url "$URL" -private-key "$T/c-k9-$1-$2-$i/key.pem" \
			-certificate "$T/c-k9-$1-$2-$i/cert.pem" -cn "k9-$1-$2-$i" \
			>"$T/c-k9-$1-$2-$i/log" 2>&1 || break
		i=$((i + 1))
	done
}

max_seen=1
r=1
while [ $r -le "$ROUNDS" ]; do
	wait_http
	pid=$(daemon_pid "$CA")
	rm -f "$T/stop"
	pids=
	c=1
	while [ $c -le "$CLIENTS" ]; do
		worker $r $c &
		pids="$pids $!"
		c=$((c + 1))
	done
	sleep "0.$(rnd 3)$(rnd 10)"
	sleep 0.1
	kill -9 "$pid" 2>/dev/null
	wait_dead "$pid" || fail "round $r: kill -9 did not kill"
	touch "$T/stop"
	for p in $pids; do wait "$p"; done
	for d in "$T"/c-k9-$r-*; do
		[ -s "$d/cert.pem" ] || continue
		s=$(openssl x509 -in "$d/cert.pem" -noout -serial | sed 's/^serial=0*//')
		[ "$(printf '%d' "0x$s")" -gt "$max_seen" ] && max_seen=$(printf '%d' "0x$s")
	done
	start_daemon "$CA" --http-bind 127.0.0.1 || fail "round $r: the CA did not restart"
	P -c 'show crypto pki server' >"$T/show.out"
	contains "$T/show.out" "Status: enabled" ||
		{ cat "$T/show.out"; fail "round $r: not enabled after the restart"; }
	last=$(last_serial)
	[ "$last" -ge "$max_seen" ] ||
		fail "round $r: restarted at serial $last below $max_seen already handed out"
	r=$((r + 1))
done
wait_http
killed=0
for d in "$T"/c-k9-*; do
	[ -s "$d/cert.pem" ] || killed=$((killed + 1))
done
[ "$killed" -gt 0 ] || fail "no enrollment was in flight at any of the $ROUNDS kills"

# one more round without a kill: the restarted server issues above all
c=1
pids=
while [ $c -le "$CLIENTS" ]; do
	enroll "$T/c-final-$c" "final-$c"
	pids="$pids $!"
	c=$((c + 1))
done
for p in $pids; do wait "$p" || { cat "$T"/c-final-*/log; fail "an enrollment failed without a kill"; }; done

# ---- a full disk: nothing leaves that is not recorded ---------------------------
stop_daemon "$CA"
# the daemon's first writes are the calendar and the serial reservation;
# a few certificates go through, then the disk is full
PKISH_FAIL_WRITES=12 start_daemon "$CA" --http-bind 127.0.0.1 || fail "no daemon on a full disk"
wait_http
c=1
pids=
while [ $c -le 8 ]; do
	enroll "$T/c-full-$c" "full-$c"
	pids="$pids $!"
	c=$((c + 1))
done
for p in $pids; do wait "$p"; done
stop_daemon "$CA"
start_daemon "$CA" --http-bind 127.0.0.1 || fail "the CA did not restart after the full disk"
wait_http
enroll "$T/c-after-full" "after-full"
wait $! || { cat "$T/c-after-full/log"; fail "no enrollment after the disk has room again"; }

# ---- every received certificate is recorded, serials are unique ------------------
got=0
: >"$T/serials"
for d in "$T"/c-*; do
	[ -s "$d/cert.pem" ] || continue
	got=$((got + 1))
	s=$(openssl x509 -in "$d/cert.pem" -noout -serial | sed 's/^serial=0*//')
	echo "$s" >>"$T/serials"
	[ -f "$DB/$s.crt" ] || fail "$d: certificate $s was received but $s.crt is not in the database"
	openssl x509 -in "$d/cert.pem" -outform DER | cmp -s - "$DB/$s.crt" ||
		fail "$d: $s.crt in the database is another certificate: serial $s was reused"
	[ -f "$DB/$s.cnm" ] || fail "$d: no $s.cnm for certificate $s"
	openssl verify -CAfile "$T/ca.pem" "$d/cert.pem" >/dev/null 2>&1 ||
		fail "$d: certificate $s does not verify against the CA"
done
dup=$(sort "$T/serials" | uniq -d)
[ -z "$dup" ] || fail "serials handed out twice: $dup"
full_ok=$(ls "$T"/c-full-*/cert.pem 2>/dev/null | wc -l)
[ "$full_ok" -lt 8 ] || fail "the full disk refused nothing: PKISH_FAIL_WRITES had no effect"
total=$(ls -d "$T"/c-* | wc -l)
[ "$got" -ge $((ROUNDS + CLIENTS + 1)) ] || fail "only $got of $total enrollments succeeded"
note "$got of $total enrollments got a certificate; $killed cut by $ROUNDS kills; $full_ok of 8 before the disk filled; serials up to $(sort -u "$T/serials" | while read -r s; do printf '%d\n' "0x$s"; done | sort -n | tail -n 1)"
exit 0

#!/bin/sh
# scep-http.sh — issue 5's HTTP behaviour of the SCEP server: HTTP/1.0 and
# 1.1, keep-alive and Connection: close, Content-Length in every answer,
# exact Content-Types, the paths SCEP answers on, unknown operations, the
# body (413) and query (414) bounds, GET PKIOperation with liberal base64
# and POST, stalled clients that cannot block others and are cut off (the
# limits themselves: scep-slow.sh); `ip http port N`, the seed's `ip http server N` and
# `no ip http server` moving and stopping the listener; a shut certificate
# server answering SCEP with an HTTP error, and the server's status lines
# without the HTTP server (spec §5.1).
. "${SRCDIR:-.}/tests/integration/lib/common.sh"
. "${SRCDIR:-.}/tests/integration/lib/scep.sh"

K=$FIX/scep/client.key
RAW=$BUILD/tools/httpraw
scep_start_ca
"$BUILD/tools/scepget" "$URL?operation=GetCACert" "$T/ca.der" >/dev/null &&
	openssl x509 -inform DER -in "$T/ca.der" -out "$T/ca.pem" || fail "GetCACert"

# raw METHOD+TARGET+HEADERS: one exchange on 127.0.0.1:PORT, printf format
raw() {
	# shellcheck disable=SC2059
	printf "$1" | "$RAW" -t "${2:-3000}" 127.0.0.1 "${3:-$PORT}" >"$T/raw.out" 2>&1
}
status_of() {
	sed -n '1s/^HTTP\/1\.[01] \([0-9]*\).*/\1/p' "$T/raw.out" | tr -d '\r'
}
header_of() {
	sed -n '/^\r\{0,1\}$/q; p' "$T/raw.out" | grep -i "^$1:" | head -n 1 | sed 's/^[^:]*: *//' |
		tr -d '\r'
}
# expect STATUS [CONTENT-TYPE]: the last raw answer, with Content-Length
expect() {
	st=$(status_of)
	[ "$st" = "$1" ] || { cat "$T/raw.out"; fail "expected HTTP $1, got '$st'"; }
	[ -n "$(header_of Content-Length)" ] || { cat "$T/raw.out"; fail "HTTP $1 without Content-Length"; }
	if [ -n "${2:-}" ]; then
		ct=$(header_of Content-Type)
		[ "$ct" = "$2" ] || { cat "$T/raw.out"; fail "Content-Type '$ct', expected '$2'"; }
	fi
}
answers() { # how many status lines the last raw exchange got
	grep -ao 'HTTP/1\.[01] [0-9][0-9][0-9] ' "$T/raw.out" | wc -l | tr -d ' '
}

# ---- versions and connections -------------------------------------------------
raw 'GET /cgi-bin/pkiclient.exe?operation=GetCACaps HTTP/1.0\r\nUser-Agent: Mozilla/4.0 (compatible; MSIE 5.0; Cisco PKI)\r\n\r\n'
expect 200 text/plain
contains "$T/raw.out" "POSTPKIOperation" || fail "GetCACaps body"
contains "$T/raw.out" "== closed after" || fail "HTTP/1.0 without keep-alive: connection left open"

raw 'GET /scep?operation=GetCACaps HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n' 1000
expect 200 text/plain
contains "$T/raw.out" "== still open after" || fail "HTTP/1.1: keep-alive connection closed"

raw 'GET /scep?operation=GetCACaps HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\nGET /scep?operation=GetCACert HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n'
[ "$(answers)" = 2 ] || { cat "$T/raw.out"; fail "two requests on one HTTP/1.1 connection"; }
contains "$T/raw.out" "== closed after" || fail "Connection: close did not close"
grep -aq 'application/x-x509-ca-cert' "$T/raw.out" || fail "second answer"

raw 'GET /scep?operation=GetCACaps HTTP/1.0\r\nConnection: keep-alive\r\n\r\nGET /scep?operation=GetCACaps HTTP/1.0\r\n\r\n'
[ "$(answers)" = 2 ] || { cat "$T/raw.out"; fail "HTTP/1.0 keep-alive"; }
contains "$T/raw.out" "== closed after" || fail "HTTP/1.0 keep-alive: not closed after the last"

raw 'HEAD /scep?operation=GetCACaps HTTP/1.0\r\n\r\n'
expect 200 text/plain
contains "$T/raw.out" "POSTPKIOperation" && fail "HEAD answered with a body"

# ---- Content-Types, paths, operations -------------------------------------------
raw 'GET /cgi-bin/pkiclient.exe?operation=GetCACert&message=CA HTTP/1.0\r\n\r\n'
expect 200 application/x-x509-ca-cert
raw 'GET /scep?operation=GetNextCACert HTTP/1.0\r\n\r\n'
expect 404
[ "$(header_of Content-Length)" = 0 ] || { cat "$T/raw.out"; fail "GetNextCACert 404 has a body"; }
for p in /cgi-bin/pkiclient.exe /pkiclient.exe /a/b/c/pkiclient.exe /scep /scep/; do
	raw "GET $p?operation=GetCACaps HTTP/1.0\r\n\r\n"
	expect 200 text/plain
done
for p in / /index.html /scep/x /cgi-bin/pkiclient.exe.bak /cgi-bin/ /SCEP; do
	raw "GET $p?operation=GetCACaps HTTP/1.0\r\n\r\n"
	expect 404
done
raw 'GET /scep?operation=GetCRLs HTTP/1.0\r\n\r\n'
expect 400
raw 'GET /scep HTTP/1.0\r\n\r\n'
expect 400
raw 'GET /scep?operation=PKIOperation HTTP/1.0\r\n\r\n'
expect 400
raw 'GET /scep?operation=PKIOperation&message=not*base64 HTTP/1.0\r\n\r\n'
expect 400
raw 'DELETE /scep?operation=GetCACaps HTTP/1.0\r\n\r\n'
expect 405
# the parameters in any order (scepclient sends message= first)
raw 'GET /scep?message=CA&operation=GetCACert HTTP/1.0\r\n\r\n'
expect 200 application/x-x509-ca-cert

# ---- bounds -----------------------------------------------------------------------
# a body announced too large: 413 at once, nothing read, connection closed
raw 'POST /scep?operation=PKIOperation HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 100000000\r\n\r\n'
expect 413
contains "$T/raw.out" "== closed after" || fail "413: connection left open"
# a chunked body past the bound
{
	printf 'POST /scep?operation=PKIOperation HTTP/1.1\r\nHost: 127.0.0.1\r\nTransfer-Encoding: chunked\r\n\r\n'
	i=0
	while [ $i -lt 17 ]; do
		printf '1000\r\n'
		head -c 4096 /dev/zero
		printf '\r\n'
		i=$((i + 1))
	done
	printf '0\r\n\r\n'
} >"$T/chunked.req"
"$RAW" 127.0.0.1 "$PORT" <"$T/chunked.req" >"$T/raw.out" 2>&1
expect 413
# a query past the bound: ours (over 96 KiB), then libmicrohttpd's (the
# request line over the connection's 128 KiB); a 60 KB message is read
# and decoded
{ printf 'GET /scep?operation=PKIOperation&message='; head -c 60000 /dev/zero | tr '\0' A
  printf ' HTTP/1.0\r\n\r\n'; } >"$T/long.req"
"$RAW" 127.0.0.1 "$PORT" <"$T/long.req" >"$T/raw.out" 2>&1
expect 400
contains "$T/raw.out" "malformed pkiMessage" || { cat "$T/raw.out"; fail "a 60 KB query"; }
{ printf 'GET /scep?operation=PKIOperation&message='; head -c 100000 /dev/zero | tr '\0' A
  printf ' HTTP/1.0\r\n\r\n'; } >"$T/long.req"
"$RAW" 127.0.0.1 "$PORT" <"$T/long.req" >"$T/raw.out" 2>&1
expect 414
contains "$T/raw.out" "query too long" || { cat "$T/raw.out"; fail "our query bound"; }
{ printf 'GET /scep?operation=PKIOperation&message='; head -c 200000 /dev/zero | tr '\0' A
  printf ' HTTP/1.0\r\n\r\n'; } >"$T/long.req"
"$RAW" 127.0.0.1 "$PORT" <"$T/long.req" >"$T/raw.out" 2>&1
expect 414

# ---- PKIOperation by POST and by GET with every base64 flavour ---------------------
r=$(req -k "$K" -n post "$URL")
expect_rep "$r" "status=SUCCESS"
for b in ios url plus space; do
	r=$(req -k "$K" -n "get-$b" -g -b "$b" "$URL")
	expect_rep "$r" "status=SUCCESS"
done
r=$(req -k "$K" -n scep-path "$BASE/scep")
expect_rep "$r" "status=SUCCESS"

# ---- stalled clients do not block the others --------------------------------------
# (from 127.0.0.2: the per-address limit is scep-slow.sh's)
"$RAW" -s 30 -S 127.0.0.2 -t 30000 127.0.0.1 "$PORT" >"$T/stall.out" 2>&1 &
STALL=$!
i=0
until contains "$T/stall.out" "stalled"; do
	i=$((i + 1))
	[ $i -gt 100 ] && { cat "$T/stall.out"; fail "could not open the stalled connections"; }
	sleep 0.05
done
"$BUILD/tools/scepload" -k "$K" -k "$FIX/scep/client2.key" -n 16 -c 4 -N stalled "$URL" \
	>"$T/load.out" 2>&1 || { cat "$T/load.out"; fail "enrollments failed next to stalled clients"; }
raw 'GET /scep?operation=GetCACaps HTTP/1.0\r\n\r\n'
expect 200 text/plain
wait $STALL
contains "$T/stall.out" "30 of 30 closed by the server" ||
	{ cat "$T/stall.out"; fail "stalled connections were not cut off"; }

# ---- ip http port / ip http server N / no ip http server ---------------------------
P2=$(free_port)
while [ "$P2" = "$PORT" ]; do P2=$(free_port); done
P3=$(free_port)
while [ "$P3" = "$P2" ] || [ "$P3" = "$PORT" ]; do P3=$(free_port); done
cs 'conf t' "ip http port $P2" 'end' >"$T/cs.out" 2>&1 || { cat "$T/cs.out"; fail "ip http port"; }
raw 'GET /scep?operation=GetCACaps HTTP/1.0\r\n\r\n' 3000 "$P2"
expect 200 text/plain
raw 'GET /scep?operation=GetCACaps HTTP/1.0\r\n\r\n' 3000 "$PORT"
contains "$T/raw.out" "connection refused" || { cat "$T/raw.out"; fail "the old port still answers"; }
cs 'conf t' "ip http server $P3" 'end' >"$T/cs.out" 2>&1 || { cat "$T/cs.out"; fail "ip http server N"; }
raw 'GET /scep?operation=GetCACaps HTTP/1.0\r\n\r\n' 3000 "$P3"
expect 200 text/plain
raw 'GET /scep?operation=GetCACaps HTTP/1.0\r\n\r\n' 3000 "$P2"
contains "$T/raw.out" "connection refused" || fail "the port before 'ip http server N' still answers"
cs 'show running-config' | grep '^ip http' >"$T/run.out"
printf 'ip http server\nip http port %s\n' "$P3" | cmp -s - "$T/run.out" ||
	{ cat "$T/run.out"; fail "running-config after 'ip http server $P3'"; }
r=$(req -k "$K" -n moved "http://127.0.0.1:$P3/cgi-bin/pkiclient.exe")
expect_rep "$r" "status=SUCCESS"

cs 'conf t' 'no ip http server' 'end' >/dev/null || fail "no ip http server"
raw 'GET /scep?operation=GetCACaps HTTP/1.0\r\n\r\n' 3000 "$P3"
contains "$T/raw.out" "connection refused" || { cat "$T/raw.out"; fail "listener still up"; }
cs 'show crypto pki server CA' >"$T/show.out"
contains "$T/show.out" "    Status: disabled, HTTP Server is disabled" || { cat "$T/show.out"; fail "Status line"; }
contains "$T/show.out" "    State: check failed" || { cat "$T/show.out"; fail "State line"; }
cs 'conf t' 'ip http server' 'end' >/dev/null || fail "ip http server"
cs 'show crypto pki server CA' >"$T/show.out"
contains "$T/show.out" "    Status: enabled" || { cat "$T/show.out"; fail "server not back with ip http server"; }
r=$(req -k "$K" -n back "http://127.0.0.1:$P3/cgi-bin/pkiclient.exe")
expect_rep "$r" "status=SUCCESS"

# ---- a shut certificate server: SCEP gets an HTTP error ----------------------------
cs 'conf t' 'crypto pki server CA' 'shutdown' 'end' >/dev/null || fail "shutdown"
for op in GetCACert GetCACaps; do
	raw "GET /scep?operation=$op HTTP/1.0\r\n\r\n" 3000 "$P3"
	expect 503
done
r=$(req -k "$K" -c "$T/ca.pem" -n shut "http://127.0.0.1:$P3/scep" 2>&1) || true
case $r in http=503*) ;; *) fail "PKIOperation to a shut server: $r" ;; esac
cs 'show crypto pki server CA' >"$T/show.out"
contains "$T/show.out" "    Status: disabled" || fail "shut server status"
contains "$T/show.out" "    State: disabled" || { cat "$T/show.out"; fail "shut server state"; }
echo ok

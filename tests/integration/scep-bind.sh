#!/bin/sh
# scep-bind.sh — issue 10's "who can reach it": the HTTP listener binds
# 127.0.0.1 unless --http-bind opens it (docs/howto-lab-network.md).
#
#  1. A daemon without --http-bind: `ip http server` listens on 127.0.0.1
#     only (the kernel's socket table; 127.0.0.2, which a socket bound to
#     every address would answer, is refused); `show ip http server
#     status` says so, and says Disabled after `no ip http server`.
#  2. --http-bind 127.0.0.5 listens there and nowhere else; an address
#     that is not IPv4 is refused before anything starts.
#  3. The device that -c and -f start from startup-config when no daemon
#     runs listens on 127.0.0.1 too (its own status, read from its socket,
#     while the command runs), or where --http-bind says.
#  4. --http-bind 0.0.0.0 listens on every address — inside a network
#     namespace of the test's own that has nothing but lo (root only;
#     skipped otherwise), so that the test never opens a port to a real
#     network.
. "${SRCDIR:-.}/tests/integration/lib/common.sh"

RAW=${BUILD:-$(pwd)/build}/tools/httpraw
D=$T/dev
PORT=$(free_port)

# listening PORT: the IPv4 addresses with a listening TCP socket on PORT
# (from /proc/net/tcp: local address in little-endian hex, state 0A)
listening() {
	awk -v port="$(printf '%04X' "$1")" '
		function hx(s,   i, v) { v = 0; for (i = 1; i <= length(s); i++)
			v = v * 16 + index("0123456789ABCDEF", substr(s, i, 1)) - 1; return v }
		$4 == "0A" { split($2, a, ":"); if (a[2] == port) { h = a[1]
			printf "%d.%d.%d.%d\n", hx(substr(h, 7, 2)), hx(substr(h, 5, 2)),
			       hx(substr(h, 3, 2)), hx(substr(h, 1, 2)) } }' /proc/net/tcp
}
# answers ADDR PORT: a GetCACaps request to ADDR:PORT gets an HTTP answer
answers() {
	printf 'GET /scep?operation=GetCACaps HTTP/1.0\r\n\r\n' |
		"$RAW" -t 3000 "$1" "$2" >"$T/raw.out" 2>&1
	head -n 1 "$T/raw.out" | grep -q '^HTTP/1\.[01] '
}
status_line() { # status_line FILE LABEL
	sed -n "s/^$2: //p" "$1"
}
# a sanitizer report in a daemon's daemon.log (its stderr) fails the test
# (make check-asan)
san_check() {
	for d in "$D" "$T/ns"; do
		if [ -f "$d/daemon.log" ] &&
		   grep -qE 'ERROR: (Address|Leak)Sanitizer|runtime error:' "$d/daemon.log"; then
			head -n 60 "$d/daemon.log"
			fail "sanitizer report in $d/daemon.log"
		fi
	done
}
# ---- 1. the default ------------------------------------------------------------------
start_daemon "$D" || fail "daemon"
"$PKISH" -d "$D" -c 'conf t' -c "ip http port $PORT" -c 'ip http server' -c 'end' \
	-c 'write memory' >"$T/setup.out" 2>&1 || { cat "$T/setup.out"; fail "ip http server"; }
l=$(listening "$PORT")
[ "$l" = 127.0.0.1 ] || fail "listening on '$l', not 127.0.0.1 alone"
answers 127.0.0.1 "$PORT" || { cat "$T/raw.out"; fail "no answer on 127.0.0.1"; }
answers 127.0.0.2 "$PORT" && fail "127.0.0.2 answered: the listener is not bound to 127.0.0.1"
"$PKISH" -d "$D" -c 'show ip http server status' >"$T/st.out" || fail "show ip http server status"
[ "$(status_line "$T/st.out" 'HTTP server status')" = Enabled ] || { cat "$T/st.out"; fail "status"; }
[ "$(status_line "$T/st.out" 'HTTP server port')" = "$PORT" ] || { cat "$T/st.out"; fail "port"; }
[ "$(status_line "$T/st.out" 'HTTP server listening address')" = 127.0.0.1 ] ||
	{ cat "$T/st.out"; fail "listening address"; }
"$PKISH" -d "$D" -c 'conf t' -c 'no ip http server' -c 'end' -c 'show ip http server status' \
	>"$T/st.out" 2>&1 || fail "no ip http server"
[ "$(status_line "$T/st.out" 'HTTP server status')" = Disabled ] || { cat "$T/st.out"; fail "Disabled"; }
[ -z "$(listening "$PORT")" ] || fail "still listening after no ip http server"
stop_daemon "$D"

# ---- 2. --http-bind ADDR ---------------------------------------------------------------
start_daemon "$D" --http-bind 127.0.0.5 || fail "daemon --http-bind 127.0.0.5"
l=$(listening "$PORT")
[ "$l" = 127.0.0.5 ] || fail "--http-bind 127.0.0.5: listening on '$l'"
answers 127.0.0.5 "$PORT" || { cat "$T/raw.out"; fail "no answer on 127.0.0.5"; }
answers 127.0.0.1 "$PORT" && fail "--http-bind 127.0.0.5: 127.0.0.1 answered"
"$PKISH" -d "$D" -c 'show ip http server status' >"$T/st.out" || fail "show"
[ "$(status_line "$T/st.out" 'HTTP server listening address')" = 127.0.0.5 ] ||
	{ cat "$T/st.out"; fail "listening address 127.0.0.5"; }
stop_daemon "$D"
for bad in localhost ::1 127.0.0.256 ''; do
	"$PKISH" -d "$T/bad" --http-bind "$bad" --daemon >"$T/bad.out" 2>&1 && fail "--http-bind '$bad' accepted"
	contains "$T/bad.out" "pkish: --http-bind: invalid HTTP bind address" ||
		{ cat "$T/bad.out"; fail "--http-bind '$bad': the message"; }
	[ ! -e "$T/bad/pkish.lock" ] || fail "--http-bind '$bad': a device was started"
done

# ---- 3. the device -c and -f start -------------------------------------------------
"$PKISH" -d "$D" -c 'show ip http server status' >"$T/st.out" 2>&1 || { cat "$T/st.out"; fail "-c"; }
[ "$(status_line "$T/st.out" 'HTTP server status')" = Enabled ] || { cat "$T/st.out"; fail "-c: status"; }
[ "$(status_line "$T/st.out" 'HTTP server listening address')" = 127.0.0.1 ] ||
	{ cat "$T/st.out"; fail "the -c device listens on the wrong address"; }
printf 'show ip http server status\n' >"$T/script"
"$PKISH" -d "$D" -x -f "$T/script" >"$T/st.out" 2>&1 || { cat "$T/st.out"; fail "-f"; }
[ "$(status_line "$T/st.out" 'HTTP server listening address')" = 127.0.0.1 ] ||
	{ cat "$T/st.out"; fail "the -f device listens on the wrong address"; }
"$PKISH" -d "$D" --http-bind 127.0.0.6 -c 'show ip http server status' >"$T/st.out" 2>&1 ||
	{ cat "$T/st.out"; fail "-c --http-bind"; }
[ "$(status_line "$T/st.out" 'HTTP server listening address')" = 127.0.0.6 ] ||
	{ cat "$T/st.out"; fail "the -c device with --http-bind 127.0.0.6"; }

# ---- 4. every address, in a namespace of its own ---------------------------------------
if [ "$(id -u)" -ne 0 ] || ! command -v unshare >/dev/null 2>&1 || ! command -v ip >/dev/null 2>&1 ||
   ! unshare -n true 2>/dev/null; then
	note "0.0.0.0 skipped: needs root for a private network namespace"
	san_check
	echo ok
	exit 0
fi
N=$T/ns
DAEMONS="$DAEMONS $N"
# shellcheck disable=SC2016
unshare -n sh -c '
	ip link set lo up || exit 3
	"$0" -d "$1" --daemon --http-bind 0.0.0.0 || exit 4
	"$0" -d "$1" -c "conf t" -c "ip http port $2" -c "ip http server" -c end >/dev/null || exit 5
	"$0" -d "$1" -c "show ip http server status" >"$1.status" || exit 6
	awk "\$4 == \"0A\" { print \$2 }" /proc/net/tcp >"$1.listen"
	for a in 127.0.0.1 127.0.0.2 127.0.0.9; do
		printf "GET /scep?operation=GetCACaps HTTP/1.0\r\n\r\n" |
			"$3" -t 3000 "$a" "$2" | head -n 1 >>"$1.answers"
	done
	"$0" -d "$1" --stop
' "$PKISH" "$N" "$PORT" "$RAW" || fail "the namespace run ($?)"
[ "$(status_line "$N.status" 'HTTP server listening address')" = 0.0.0.0 ] ||
	{ cat "$N.status"; fail "--http-bind 0.0.0.0: listening address"; }
grep -q "^00000000:$(printf '%04X' "$PORT")\$" "$N.listen" || { cat "$N.listen"; fail "not bound to 0.0.0.0"; }
[ "$(grep -c '^HTTP/1\.[01] [0-9]' "$N.answers")" = 3 ] ||
	{ cat "$N.answers"; fail "--http-bind 0.0.0.0: not every address answered"; }
san_check
echo ok

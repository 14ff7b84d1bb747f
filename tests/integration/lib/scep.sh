# scep.sh — a certificate server for the SCEP server tests (POSIX sh,
# sourced after common.sh).
#
# One --daemon device "CA" (hostname CA, key CA, server CA, database
# level complete in $T/db, no archive, grant auto) listening on
# 127.0.0.1 only.
#
# Gives:
#   CA PORT URL BASE       the device, its HTTP port, the SCEP URL
#                          (/cgi-bin/pkiclient.exe) and http://127.0.0.1:PORT
#   FIX                    tests/fixtures (client keys: no key generation)
#   cs CMD...              pkish -d CA -c CMD for each CMD
#   scep_start_ca [LINE..] start and configure it; LINEs are extra
#                          `crypto pki server CA` sub-mode lines
#   req ARGS...            build/tools/scepreq ARGS... (prints its line)
#   expect_rep LINE WANT   LINE (scepreq's output) contains WANT, else fail
#   db_snapshot FILE       the request database, the issued certificates,
#                          the last serial and the database files, in FILE
#   db_same A B WHAT       fail with the diff when the two snapshots differ
# and an exit trap that fails the test when a daemon's daemon.log holds a
# sanitizer report (make check-asan).

CA=$T/ca
PORT=${PORT:-$(free_port)}
BASE="http://127.0.0.1:$PORT"
URL="$BASE/cgi-bin/pkiclient.exe"
FIX=${SRCDIR:-.}/tests/fixtures
BUILD=${BUILD:-$(pwd)/build}

cs() {
	_n=$#
	while [ "$_n" -gt 0 ]; do
		set -- "$@" -c "$1"
		shift
		_n=$((_n - 1))
	done
	"$PKISH" -d "$CA" "$@"
}

scep_start_ca() {
	start_daemon "$CA" --http-bind 127.0.0.1 || fail "the CA did not start"
	cs 'conf t' 'hostname CA' 'clock calendar-valid' "ip http port $PORT" 'ip http server' \
	   'crypto key generate rsa label CA modulus 2048' 'crypto pki server CA' \
	   "database url unix:$T/db/" 'database level complete' 'no database archive' \
	   'grant auto' "$@" 'no shutdown' 'end' >"$T/ca-setup.out" 2>&1 ||
		{ cat "$T/ca-setup.out"; fail "CA set-up"; }
	cs 'show crypto pki server CA' >"$T/ca-show.out" 2>&1
	contains "$T/ca-show.out" "Status: enabled" ||
		{ cat "$T/ca-setup.out" "$T/ca-show.out"; fail "CA not enabled"; }
}

req() {
	"$BUILD/tools/scepreq" "$@"
}

expect_rep() {
	case $1 in
	*"$2"*) ;;
	*) fail "expected '$2', got: $1" ;;
	esac
}

db_snapshot() {
	{
		cs 'show crypto pki server CA requests' 'show crypto pki server CA certificates'
		cs 'show crypto pki server CA' | grep 'Last certificate issued'
		ls "$T/db"
	} >"$1" 2>&1
}

db_same() {
	cmp -s "$1" "$2" || { diff -u "$1" "$2"; fail "$3 changed the database"; }
}

# On exit: stop the daemons, then fail if one of them reported a sanitizer
# error or a leak in its daemon.log (its stderr: how `make check-asan` sees
# the HTTP threads), before common.sh's cleanup removes everything.
scep_cleanup() {
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
trap scep_cleanup EXIT

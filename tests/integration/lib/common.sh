# common.sh — sourced by tests/integration/*.sh (POSIX sh).
#
# Gives: $T (a private temp directory, removed on exit), fail MSG, note MSG,
# start_daemon DIR [ARGS] / stop_daemon DIR (every daemon started here is
# stopped by the exit trap, with SIGKILL if --stop does not do it),
# daemon_pid DIR, dead PID (gone or a zombie), wait_dead PID, contains
# FILE TEXT.  Needs PKISH (run.sh sets it; default build/pkish).

PKISH=${PKISH:-$(pwd)/build/pkish}
T=$(mktemp -d "${TMPDIR:-/tmp}/pkish-it.XXXXXX") || exit 1
DAEMONS=

fail() {
	echo "FAIL: $*"
	exit 1
}

note() {
	echo "# $*"
}

daemon_pid() {
	[ -f "$1/pkish.lock" ] && head -n 1 "$1/pkish.lock"
}

# dead PID: the process is gone, or a zombie nobody reaped yet
dead() {
	st=$(ps -o stat= -p "$1" 2>/dev/null) || return 0
	case $st in
	Z*|"") return 0 ;;
	esac
	return 1
}

wait_dead() {
	i=0
	while ! dead "$1"; do
		i=$((i + 1))
		[ $i -gt 100 ] && return 1
		sleep 0.05
	done
	return 0
}

start_daemon() {
	d=$1
	shift
	# remembered first: a daemon whose start reports a failure may still run
	DAEMONS="$DAEMONS $d"
	"$PKISH" -d "$d" --daemon "$@"
}

stop_daemon() {
	pid=$(daemon_pid "$1")
	"$PKISH" -d "$1" --stop >/dev/null 2>&1
	[ -n "$pid" ] && wait_dead "$pid"
}

cleanup() {
	for d in $DAEMONS; do
		pid=$(daemon_pid "$d")
		"$PKISH" -d "$d" --stop >/dev/null 2>&1
		if [ -n "$pid" ] && ! wait_dead "$pid"; then
			kill -9 "$pid" 2>/dev/null
		fi
	done
	rm -rf "$T"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# free_port: a TCP port in 20000-59999 that nothing listens on right now.
# Random, not derived from $$: tests run one after another in a PID
# namespace (scripts/fresh-root.sh) get the same small pids, and a port
# derived from the pid can still be held by the previous test's daemon.
free_port() {
	_p=$(od -An -N2 -tu2 /dev/urandom | tr -d ' ')
	_p=$((20000 + _p % 40000))
	_i=0
	while ss -Htln "sport = :$_p" 2>/dev/null | grep -q . ||
	      ss -Htan "sport = :$_p" 2>/dev/null | grep -q .; do
		_p=$((20000 + (_p - 20000 + 7919) % 40000))
		_i=$((_i + 1))
		[ $_i -gt 1000 ] && break
	done
	echo "$_p"
}

# contains FILE TEXT: FILE has a line containing TEXT (fixed string)
contains() {
	grep -qF -- "$2" "$1"
}

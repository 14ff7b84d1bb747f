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

# contains FILE TEXT: FILE has a line containing TEXT (fixed string)
contains() {
	grep -qF -- "$2" "$1"
}

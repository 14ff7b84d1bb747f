#!/bin/sh
# other-user.sh — issue 10, "Who can reach it": a user who cannot open
# another user's device is told so ("% Cannot open device DIR: Permission
# denied"), whether the device runs or not and whichever way he asks
# (--attach, --stop, -c, an interactive start), never "% Device DIR is
# already running" nor "% No device is running in DIR".
#
# Needs root (the device is root's; the other user is nobody, 65534) and
# setpriv (util-linux, on Debian by default); skipped otherwise.
. "$(dirname "$0")/lib/common.sh"

[ "$(id -u)" = 0 ] || { note "not root: skipped"; exit 77; }
command -v setpriv >/dev/null 2>&1 || { note "no setpriv: skipped"; exit 77; }
as_nobody() {
	setpriv --reuid=65534 --regid=65534 --clear-groups "$@"
}
as_nobody true 2>/dev/null || { note "setpriv cannot switch to uid 65534 here: skipped"; exit 77; }

# nobody may pass through $T (the test's own directory) and no further
chmod 711 "$T"
D=$T/dev
mkdir "$D"
chmod 700 "$D"
"$PKISH" -d "$D" -c 'show clock' >/dev/null 2>&1 || fail "root's device does not start"

# ask OUT ARGS...: run pkish as nobody on root's device; exit status 1 and
# the permission error, not the "already running" / "not running" ones
ask() {
	out=$1
	shift
	as_nobody "$PKISH" -d "$D" "$@" </dev/null >"$T/$out" 2>&1
	st=$?
	[ $st = 1 ] || { cat "$T/$out"; fail "$out: exit status $st"; }
	contains "$T/$out" "% Cannot open device $D: Permission denied" ||
		{ cat "$T/$out"; fail "$out: no permission error"; }
	contains "$T/$out" 'already running' && { cat "$T/$out"; fail "$out: 'already running'"; }
	contains "$T/$out" 'No device is running' && { cat "$T/$out"; fail "$out: 'not running'"; }
	return 0
}

# the device stopped: its directory is root's (0700)
ask stopped-c -c 'show clock'
ask stopped-start
ask stopped-attach --attach
# the directory readable, its lock file and socket root's (0600)
chmod 755 "$D"
ask stopped-c-755 -c 'show clock'
ask stopped-start-755

# running
start_daemon "$D" || fail "root's daemon does not start"
for mode in 700 755; do
	chmod $mode "$D"
	ask running-c-$mode -c 'show clock'
	ask running-attach-$mode --attach
	ask running-stop-$mode --stop
	ask running-start-$mode
done
# still running, still root's: nobody stopped it
"$PKISH" -d "$D" -c 'show clock' >"$T/root.out" 2>&1 || { cat "$T/root.out"; fail "the device is gone"; }
exit 0

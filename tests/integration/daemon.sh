#!/bin/sh
# daemon.sh — issue 3 "done when": a background device (--daemon) driven by
# -c and by attached sessions; its socket is owner-only; one device per
# directory; a kill -9 leaves a stale lock and socket that a new daemon
# recovers from; --stop and SIGTERM stop it cleanly.
. "$(dirname "$0")/lib/common.sh"

D=$T/r1

# ---- start; the socket ---------------------------------------------------------
start_daemon "$D" --frozen-clock || fail "--daemon did not start"
[ -S "$D/console.sock" ] || fail "no socket $D/console.sock"
mode=$(stat -c %a "$D/console.sock")
[ "$mode" = 600 ] || fail "socket mode is $mode, want 600"
pid=$(daemon_pid "$D")
[ -n "$pid" ] && ! dead "$pid" || fail "pkish.lock does not name the running daemon ($pid)"
ps -o args= -p "$pid" | grep -q -- --daemon || fail "pid $pid is not the daemon"

# ---- -c: clock set, show clock (the issue's "done when") -------------------------
"$PKISH" -d "$D" -c 'clock set 13:14:16 Oct 9 2015' -c 'show clock' >"$T/c1" 2>&1 ||
	fail "-c clock set failed: $(cat "$T/c1")"
grep -qx '13:14:16.000 UTC Fri Oct 9 2015' "$T/c1" || fail "show clock: $(cat "$T/c1")"
# state lives in the daemon: a second call sees it
"$PKISH" -d "$D" -c 'conf t' -c 'hostname R7' -c 'end' >"$T/c2" 2>&1 || fail "-c hostname: $(cat "$T/c2")"
"$PKISH" -d "$D" -c 'show clock' -c 'show running-config | include ^hostname' >"$T/c3" 2>&1
grep -qx '13:14:16.000 UTC Fri Oct 9 2015' "$T/c3" || fail "clock not kept: $(cat "$T/c3")"
grep -qx 'hostname R7' "$T/c3" || fail "hostname not kept: $(cat "$T/c3")"
# -c fails on a bad command, with the status
"$PKISH" -d "$D" -c 'show clock' -c 'show bogus' >"$T/c4" 2>&1 && fail "-c with a bad command exited 0"
contains "$T/c4" "% Invalid input detected at '^' marker." || fail "no error text: $(cat "$T/c4")"

# ---- --attach without a terminal: lines run with echo, user EXEC first -----------
printf 'show clock\nenable\nshow running-config | include ^hostname\n' |
	"$PKISH" -d "$D" --attach >"$T/a1" 2>&1 || fail "--attach failed: $(cat "$T/a1")"
contains "$T/a1" 'R7>show clock' || fail "attach: no user EXEC prompt: $(cat "$T/a1")"
contains "$T/a1" '13:14:16.000 UTC Fri Oct 9 2015' || fail "attach: other clock: $(cat "$T/a1")"
contains "$T/a1" 'R7#show running-config | include ^hostname' || fail "attach: $(cat "$T/a1")"
grep -qx 'hostname R7' "$T/a1" || fail "attach does not see the device: $(cat "$T/a1")"

# ---- two sessions at once, each with its own mode ----------------------------------
mkfifo "$T/fifo"
"$PKISH" -d "$D" --attach <"$T/fifo" >"$T/a2" 2>&1 &
apid=$!
exec 3>"$T/fifo"
printf 'enable\nconfigure terminal\n' >&3
i=0
until contains "$T/a2" 'Enter configuration commands'; do
	i=$((i + 1))
	[ $i -gt 100 ] && fail "first session never reached config mode: $(cat "$T/a2")"
	sleep 0.05
done
# the second session is in user EXEC while the first is in (config)
printf 'show clock\n' | "$PKISH" -d "$D" --attach >"$T/a3" 2>&1
contains "$T/a3" 'R7>show clock' || fail "second session: $(cat "$T/a3")"
"$PKISH" -d "$D" -c 'show clock' >/dev/null || fail "-c while a session is attached"
printf 'hostname R8\nend\nshow running-config | include ^hostname\n' >&3
exec 3>&-
wait $apid || fail "first session exited with $?"
contains "$T/a2" 'R7(config)#hostname R8' || fail "first session lost its mode: $(cat "$T/a2")"
contains "$T/a2" 'R8(config)#end' || fail "first session: $(cat "$T/a2")"
grep -qx 'hostname R8' "$T/a2" || fail "first session: $(cat "$T/a2")"
printf 'show running-config\n' | "$PKISH" -d "$D" --attach >"$T/a4" 2>&1
contains "$T/a4" 'R8>show running-config' || fail "hostname from the other session not seen: $(cat "$T/a4")"

# ---- only one device per directory ---------------------------------------------------
"$PKISH" -d "$D" --daemon >"$T/d2" 2>&1 && fail "a second --daemon on $D started"
contains "$T/d2" 'already running' || fail "second daemon: $(cat "$T/d2")"
[ "$(daemon_pid "$D")" = "$pid" ] || fail "the second daemon overwrote pkish.lock"
"$PKISH" -d "$D" -c 'show clock' >/dev/null || fail "the first daemon died"

# ---- kill -9: stale lock and socket, recovered ------------------------------------------
kill -9 "$pid"
wait_dead "$pid" || fail "kill -9 did not kill $pid"
[ -S "$D/console.sock" ] || fail "expected a stale socket after kill -9"
[ -f "$D/pkish.lock" ] || fail "expected a stale lock file after kill -9"
"$PKISH" -d "$D" --attach </dev/null >"$T/a5" 2>&1 && fail "--attach to a dead daemon succeeded"
start_daemon "$D" --frozen-clock || fail "no restart after kill -9"
pid2=$(daemon_pid "$D")
[ "$pid2" != "$pid" ] && ! dead "$pid2" || fail "restarted daemon pid $pid2"
# the calendar survived (frozen: stopped at the last clock set), without
# authority; the unsaved hostname did not
"$PKISH" -d "$D" -c 'show clock' -c 'show running-config | include ^hostname' >"$T/c5" 2>&1
grep -qx '\*13:14:16.000 UTC Fri Oct 9 2015' "$T/c5" || fail "calendar after restart: $(cat "$T/c5")"
grep -qx 'hostname Router' "$T/c5" || fail "unsaved config survived: $(cat "$T/c5")"

# ---- --stop ---------------------------------------------------------------------------------
"$PKISH" -d "$D" --stop || fail "--stop exited non-zero"
wait_dead "$pid2" || fail "--stop did not stop $pid2"
[ -e "$D/console.sock" ] && fail "--stop left the socket"
"$PKISH" -d "$D" --stop >/dev/null 2>&1 && fail "--stop without a device exited 0"
# without a daemon, -c runs on a device started for the call
"$PKISH" -d "$D" -c 'show clock' >"$T/c6" 2>&1 || fail "-c without a daemon: $(cat "$T/c6")"
[ -e "$D/console.sock" ] && fail "-c left a socket"

# ---- SIGTERM stops cleanly ---------------------------------------------------------------------
start_daemon "$D" --frozen-clock || fail "no start after --stop"
pid3=$(daemon_pid "$D")
"$PKISH" -d "$D" -c 'clock set 10:00:00 1 Jan 2020' >/dev/null || fail "clock set"
kill -TERM "$pid3"
wait_dead "$pid3" || fail "SIGTERM did not stop the daemon"
[ -e "$D/console.sock" ] && fail "SIGTERM left the socket"
start_daemon "$D" || fail "no start after SIGTERM"
"$PKISH" -d "$D" -c 'show clock' >"$T/c7" 2>&1
grep -q '^\*10:00:0[0-9]' "$T/c7" || fail "calendar not saved at SIGTERM: $(cat "$T/c7")"
stop_daemon "$D" || fail "stop"
exit 0

#!/bin/sh
# vty-lines.sh — a vty session takes the lowest free line of `line vty`
# (0-4 by default) and log lines name it "vtyN (127.0.0.1)": sessions that
# end free their number, so more sessions than lines, one after another,
# keep to vty0..vty4; sessions held open take distinct numbers; with every
# line busy a new session is refused (exit 1, "% Connection refused by
# remote host") while --stop still stops the device; `line vty 0 5` adds
# line 5.  The held sessions are `--attach` clients reading from FIFOs.
. "$(dirname "$0")/lib/common.sh"

D=$T/dev
start_daemon "$D" --frozen-clock || fail "no daemon"
"$PKISH" -d "$D" -c 'configure terminal' -c 'logging buffered 65536' -c end >/dev/null ||
	fail "logging buffered"

# the session names in the CONFIG_I lines of the log, in order
names() {
	"$PKISH" -d "$D" -c 'show logging' >"$T/log" 2>&1 || fail "show logging: $(cat "$T/log")"
	grep 'SYS-5-CONFIG_I' "$T/log" | sed 's/.*Configured from console by //'
}

# wait_for FILE TEXT: FILE gets a line containing TEXT (10 s)
wait_for() {
	i=0
	until contains "$1" "$2"; do
		i=$((i + 1))
		[ $i -gt 200 ] && fail "no \"$2\" in $1: $(cat "$1")"
		sleep 0.05
	done
}

# ---- twelve sessions, one after the other: the numbers are reused ---------------------
i=0
while [ $i -lt 12 ]; do
	"$PKISH" -d "$D" -c 'configure terminal' -c end >/dev/null || fail "session $i"
	i=$((i + 1))
done
names >"$T/names"
[ "$(wc -l <"$T/names")" -eq 13 ] || fail "expected 13 CONFIG_I lines: $(cat "$T/log")"
grep -vxE 'vty[0-4] \(127\.0\.0\.1\)' "$T/names" &&
	fail "a session name outside line vty 0 4: $(cat "$T/names")"

# ---- sessions held open take distinct lines ----------------------------------------------
# hold N FD: an attached session that reads FIFO $T/fifoN (kept open on FD)
hold() {
	mkfifo "$T/fifo$1"
	# without the other FIFOs' write ends: each sees the end of its input
	"$PKISH" -d "$D" --attach <"$T/fifo$1" >"$T/out$1" 2>&1 3>&- 4>&- 5>&- 6>&- 7>&- 8>&- &
	echo $! >"$T/pid$1"
}
# one at a time, so that each has its line before the next connects
for n in 1 2 3 4; do
	hold $n
	eval "exec $((n + 2))>\"\$T/fifo$n\""
	eval "printf 'enable\nconfigure terminal\nend\nshow clock\n' >&$((n + 2))"
	wait_for "$T/out$n" 'Router#show clock'
done
names | tail -n 4 | sort >"$T/held"
printf 'vty0 (127.0.0.1)\nvty1 (127.0.0.1)\nvty2 (127.0.0.1)\nvty3 (127.0.0.1)\n' >"$T/want"
cmp -s "$T/held" "$T/want" || fail "held sessions: $(cat "$T/held")"

# a fifth takes the last line; then every line is busy
hold 5
exec 7>"$T/fifo5"
printf 'show clock\n' >&7
wait_for "$T/out5" 'Router>show clock'
if "$PKISH" -d "$D" -c 'show clock' >"$T/refused" 2>&1; then
	fail "a sixth session was let in: $(cat "$T/refused")"
fi
contains "$T/refused" '% Connection refused by remote host' ||
	fail "refused without the message: $(cat "$T/refused")"
contains "$T/refused" 'UTC' && fail "the refused session ran a command: $(cat "$T/refused")"

# ---- a line that frees is the next one taken -----------------------------------------------
exec 4>&-
wait_dead "$(cat "$T/pid2")" || fail "the attached client did not end at end of input"
"$PKISH" -d "$D" -c 'configure terminal' -c end >/dev/null || fail "no free line after one ended"
[ "$(names | tail -n 1)" = "vty1 (127.0.0.1)" ] || fail "the freed line was not reused: $(names | tail -n 1)"

# ---- line vty 0 5: a sixth line ------------------------------------------------------------
hold 6
exec 4>"$T/fifo6"
printf 'show clock\n' >&4
wait_for "$T/out6" 'Router>show clock'
printf 'configure terminal\nline vty 0 5\nend\nshow clock\n' >&3
wait_for "$T/out1" 'Router(config-line)#end'
i=0
until [ "$(grep -c 'UTC' "$T/out1")" -ge 2 ]; do
	i=$((i + 1))
	[ $i -gt 200 ] && fail "line vty 0 5 did not finish: $(cat "$T/out1")"
	sleep 0.05
done
"$PKISH" -d "$D" -c 'configure terminal' -c end >"$T/sixth" 2>&1 || fail "line 5: $(cat "$T/sixth")"
[ "$(names | tail -n 1)" = "vty5 (127.0.0.1)" ] || fail "not on line 5: $(names | tail -n 1)"
"$PKISH" -d "$D" -c 'show running-config | include line vty' >"$T/run"
contains "$T/run" 'line vty 5' || fail "running-config: $(cat "$T/run")"

# ---- every line busy again: --stop still stops the device ----------------------------------
hold 7
exec 8>"$T/fifo7"
printf 'show clock\n' >&8
wait_for "$T/out7" 'Router>show clock'
"$PKISH" -d "$D" -c 'show clock' >"$T/refused" 2>&1 && fail "a seventh session was let in"
pid=$(daemon_pid "$D")
"$PKISH" -d "$D" --stop || fail "--stop with every line busy"
wait_dead "$pid" || fail "the device did not stop"
# (a client reading a script notices the closed session at its next line)
exec 3>&- 5>&- 6>&- 7>&- 4>&- 8>&-
for n in 1 3 4 5 6 7; do
	wait_dead "$(cat "$T/pid$n")" || fail "attached client $n still runs after the stop"
done
exit 0

#!/bin/sh
# killwrite.sh — storage survives kill -9 and a full disk (issue 3): while
# a client loops `conf t / hostname Hn / end / write memory` against the
# daemon, the daemon is killed with SIGKILL at random moments and restarted.
# After every kill nvram:startup-config is a complete configuration, old or
# new (ends with "end", replays without error, names a hostname that was
# written), the restarted device boots from it, and no temporary file is
# taken for configuration.  With PKISH_FAIL_WRITES (a full disk) write
# memory fails and the old startup-config stays.
. "$(dirname "$0")/lib/common.sh"

D=$T/dev
ROUNDS=${KILLWRITE_ROUNDS:-20}
CFG=$D/nvram/startup-config

# a pseudo-random number 0..$1-1 (POSIX sh has no $RANDOM)
rnd() {
	od -An -N2 -tu2 /dev/urandom | awk -v m="$1" '{ print $1 % m }'
}

# --attach, unlike -c, never starts a device of its own: once the daemon is
# dead nothing else writes until the check.
writer() {
	n=$1
	while [ ! -e "$T/stop" ]; do
		n=$((n + 1))
		echo "H$n" >>"$T/written"
		printf 'enable\nconfigure terminal\nhostname H%s\nend\nwrite memory\n' $n |
			"$PKISH" -d "$D" --attach >/dev/null 2>&1 || break
	done
}

check_config() {
	[ -f "$CFG" ] || return 0          # nothing saved yet
	[ -s "$CFG" ] || fail "round $1: empty startup-config"
	[ "$(tail -c 4 "$CFG")" = "end" ] && [ "$(tail -c 1 "$CFG" | od -An -c | tr -d ' ')" = '\n' ] ||
		fail "round $1: startup-config does not end with \"end\\n\": $(tail -c 40 "$CFG")"
	host=$(sed -n 's/^hostname //p' "$CFG")
	[ -n "$host" ] || fail "round $1: no hostname in startup-config"
	grep -qx "$host" "$T/written" || fail "round $1: hostname $host was never written"
	rm -rf "$T/fresh"
	"$PKISH" -d "$T/fresh" -f "$CFG" >"$T/replay" 2>&1 ||
		fail "round $1: startup-config does not replay: $(cat "$T/replay")"
}

mkdir -p "$D"
: >"$T/written"
n=0
kills=0
r=1
while [ $r -le "$ROUNDS" ]; do
	start_daemon "$D" || fail "round $r: the daemon did not start"
	pid=$(daemon_pid "$D")
	# the device booted from what is on disk
	if [ -f "$CFG" ]; then
		want=$(sed -n 's/^hostname //p' "$CFG")
		"$PKISH" -d "$D" -c 'show running-config | include ^hostname' >"$T/run" 2>&1
		grep -qx "hostname $want" "$T/run" ||
			fail "round $r: booted with $(cat "$T/run"), startup-config says $want"
		"$PKISH" -d "$D" -c 'dir nvram:' >"$T/dir" 2>&1
		contains "$T/dir" tmp && fail "round $r: dir nvram: shows a temporary file: $(cat "$T/dir")"
	fi
	rm -f "$T/stop"
	writer $n &
	wpid=$!
	sleep "0.$(rnd 4)$(rnd 10)"
	kill -9 "$pid" 2>/dev/null && kills=$((kills + 1))
	wait_dead "$pid" || fail "round $r: kill -9 did not kill"
	touch "$T/stop"
	wait $wpid
	n=$(wc -l <"$T/written")
	check_config $r
	r=$((r + 1))
done
[ "$n" -gt "$ROUNDS" ] || fail "only $n writes in $ROUNDS rounds: the writer did not run"
note "$kills kills, $n write attempts, last hostname $(sed -n 's/^hostname //p' "$CFG")"
# leftovers of killed writes are temporary files, never the configuration
ls "$D/nvram" | grep -v '^startup-config$' | grep -v '^startup-config\.tmp\.' &&
	fail "unexpected files in nvram: $(ls "$D/nvram")"

# ---- a full disk: write memory fails, the old startup-config stays --------------
start_daemon "$D" || fail "no daemon"
"$PKISH" -d "$D" -c 'configure terminal' -c 'hostname BEFORE' -c 'end' -c 'write memory' \
	>"$T/w1" 2>&1 || fail "write memory: $(cat "$T/w1")"
cp "$CFG" "$T/before"
stop_daemon "$D"
rm -f "$D/nvram/"*.tmp.*
PKISH_FAIL_WRITES=1 start_daemon "$D" || fail "no daemon with PKISH_FAIL_WRITES"
"$PKISH" -d "$D" -c 'configure terminal' -c 'hostname AFTER' -c 'end' -c 'write memory' \
	>"$T/w2" 2>&1 && fail "write memory on a full disk exited 0: $(cat "$T/w2")"
contains "$T/w2" '[FAILED]' || fail "no [FAILED]: $(cat "$T/w2")"
contains "$T/w2" 'No space left on device' || fail "no reason: $(cat "$T/w2")"
printf '\n' | "$PKISH" -d "$D" -c 'copy running-config startup-config' >"$T/w3" 2>&1 &&
	fail "copy running-config startup-config on a full disk exited 0"
cmp -s "$CFG" "$T/before" || fail "the old startup-config changed: $(cat "$CFG")"
ls "$D/nvram" | grep -q tmp && fail "a failed write left a temporary file"
"$PKISH" -d "$D" -c 'show startup-config | include ^hostname' >"$T/w4" 2>&1
grep -qx 'hostname BEFORE' "$T/w4" || fail "show startup-config: $(cat "$T/w4")"
stop_daemon "$D"
exit 0

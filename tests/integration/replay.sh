#!/bin/sh
# replay.sh — -f and -c (issue 2 "Consoles and replay"): a configuration
# file replays into the same state (show running-config → -f → the same
# show running-config), on a device started for the call, at boot, and on a
# running daemon; a line that fails names its line number and the replay
# goes on; the exit status says whether anything failed.
. "$(dirname "$0")/lib/common.sh"

# ---- a configuration with everything the general commands can set ---------------
"$PKISH" -d "$T/a" --frozen-clock \
	-c 'configure terminal' -c 'hostname RT-A' -c 'ip domain name a.example.com' \
	-c 'clock timezone NST -3 30' -c 'clock calendar-valid' \
	-c 'logging buffered 20000 notifications' -c 'no logging console' -c 'logging monitor 3' \
	-c 'ip http server' -c 'ip http port 8443' \
	-c 'line con 0' -c 'length 0' -c 'history size 40' -c 'logging synchronous' \
	-c 'line vty 0 4' -c 'length 50' -c 'end' \
	-c 'show running-config' >"$T/run1" 2>"$T/run1.err" ||
	fail "configuring: $(cat "$T/run1" "$T/run1.err")"
sed -i '/^Enter configuration commands/d' "$T/run1"
head -n 1 "$T/run1" | grep -qx 'Building configuration...' || fail "run1: $(cat "$T/run1")"
contains "$T/run1" 'hostname RT-A' || fail "run1: $(cat "$T/run1")"

# ---- -f into a fresh device, then its show running-config --------------------------
# (a device started for -f saves what it replayed, and says so on stderr)
"$PKISH" -d "$T/b" -f "$T/run1" >"$T/out" 2>"$T/err" || fail "-f of a clean config: $(cat "$T/out" "$T/err")"
[ -s "$T/out" ] && fail "-f of a clean config printed: $(cat "$T/out")"
contains "$T/err" 'saved to nvram:startup-config' || fail "-f did not say it saved: $(cat "$T/err")"
"$PKISH" -d "$T/b" -c 'show running-config' >"$T/run2" 2>&1
diff -u "$T/run1" "$T/run2" || fail "-f then show running-config differs"
# the show running-config text itself boots
mkdir -p "$T/b2/nvram" && cp "$T/run1" "$T/b2/nvram/startup-config"
"$PKISH" -d "$T/b2" -c 'show running-config' >"$T/run2" 2>&1
diff -u "$T/run1" "$T/run2" || fail "boot from the show running-config text differs"

# ---- the same on a running daemon (the file goes over the socket) --------------------
start_daemon "$T/c" --frozen-clock || fail "daemon"
"$PKISH" -d "$T/c" -f "$T/run1" >"$T/out" 2>&1 || fail "-f on the daemon: $(cat "$T/out")"
"$PKISH" -d "$T/c" -c 'show running-config' >"$T/run3" 2>&1
diff -u "$T/run1" "$T/run3" || fail "-f on a daemon: show running-config differs"
# replaying twice changes nothing
"$PKISH" -d "$T/c" -f "$T/run1" >"$T/out" 2>&1 || fail "second -f: $(cat "$T/out")"
"$PKISH" -d "$T/c" -c 'show running-config' >"$T/run4" 2>&1
diff -u "$T/run1" "$T/run4" || fail "a second replay changed the configuration"

# ---- a bad line: its number, the replay goes on, non-zero status -----------------------
cat >"$T/bad.cfg" <<'CFG'
!
hostname BAD-1
!
interface Ethernet0
ip domain name bad.example.com
 length 5
line vty 0 4
 length 7
 bogus
hostname bad!name
!
end
hostname NOT-REPLAYED
CFG
for where in local daemon; do
	if [ $where = local ]; then
		dev=$T/d
		"$PKISH" -d "$dev" -f "$T/bad.cfg" -c x >/dev/null 2>&1 && fail "-f with -c accepted"
		(cd "$T" && "$PKISH" -d "$dev" -f bad.cfg) >"$T/out" 2>&1 &&
			fail "$where: -f of a bad config exited 0"
		cp "$T/bad.cfg" "$dev/nvram/startup-config"
	else
		dev=$T/c
		(cd "$T" && "$PKISH" -d "$dev" -f bad.cfg) >"$T/out" 2>&1 &&
			fail "$where: -f of a bad config exited 0"
	fi
	contains "$T/out" "bad.cfg line 4: interface Ethernet0" || fail "$where: line 4: $(cat "$T/out")"
	contains "$T/out" "bad.cfg line 6:  length 5" || fail "$where: line 6: $(cat "$T/out")"
	contains "$T/out" "bad.cfg line 9:  bogus" || fail "$where: line 9: $(cat "$T/out")"
	contains "$T/out" "bad.cfg line 10: hostname bad!name" || fail "$where: line 10: $(cat "$T/out")"
	contains "$T/out" "% Hostname contains one or more illegal characters." || fail "$where: $(cat "$T/out")"
	[ "$(grep -c 'line [0-9]*:' "$T/out")" = 4 ] || fail "$where: not 4 failures: $(cat "$T/out")"
	# the caret sits under the bad word, after the "NAME line N: " prefix
	grep -A1 'bad.cfg line 4: interface' "$T/out" | tail -n 1 | grep -qx '                ^' ||
		fail "$where: caret: $(cat "$T/out")"
	"$PKISH" -d "$dev" -c 'show running-config' >"$T/run5" 2>&1
	for want in 'hostname BAD-1' 'ip domain name bad.example.com' ' length 7'; do
		grep -qx -- "$want" "$T/run5" || fail "$where: the replay did not go on ($want): $(cat "$T/run5")"
	done
	contains "$T/run5" NOT-REPLAYED && fail "$where: replayed past end"
done
stop_daemon "$T/c"

# ---- -f with a script of EXEC commands (not a configuration) ----------------------------
cat >"$T/script" <<'CFG'
show clock
configure terminal
hostname S1
foo
end
show runnning-config
show running-config | include ^hostname
CFG
(cd "$T" && "$PKISH" -d e --frozen-clock -f script) >"$T/out" 2>&1 && fail "a failing script exited 0"
contains "$T/out" 'script line 4: foo' || fail "script line 4: $(cat "$T/out")"
contains "$T/out" 'script line 6: show runnning-config' || fail "script line 6: $(cat "$T/out")"
grep -qx 'hostname S1' "$T/out" || fail "the script did not go on: $(cat "$T/out")"
"$PKISH" -d "$T/e" -f "$T/missing" >"$T/out" 2>&1 && fail "-f of a missing file exited 0"

# ---- -c: the status of the call ------------------------------------------------------------
"$PKISH" -d "$T/e" -c 'show clock' >/dev/null 2>&1 || fail "-c show clock failed"
"$PKISH" -d "$T/e" -c 'show clock' -c 'bogus' >"$T/out" 2>&1
[ $? = 1 ] || fail "-c with an unknown command: status not 1"
contains "$T/out" '% Unknown command or computer name' || fail "-c: $(cat "$T/out")"
"$PKISH" -d "$T/e" -c 'sh' >/dev/null 2>&1 && fail "-c with an incomplete command exited 0"
"$PKISH" -d "$T/e" -c 'configure terminal' -c 'hostname a!b' >/dev/null 2>&1 &&
	fail "-c with a failing handler exited 0"
# the same through a running daemon
start_daemon "$T/e" || fail "daemon"
"$PKISH" -d "$T/e" -c 'show clock' >/dev/null 2>&1 || fail "daemon: -c show clock failed"
"$PKISH" -d "$T/e" -c 'bogus' >/dev/null 2>&1
[ $? = 1 ] || fail "daemon: -c bogus: status not 1"
stop_daemon "$T/e"
exit 0

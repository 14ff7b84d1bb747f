#!/bin/sh
# replay-files.sh — issue 9, "Replay and boot": files that are read and
# errors that are seen.
#   * -f FILE is a configuration unless its first command is a complete
#     privileged EXEC command that configuration does not know (or
#     --script says so): a snippet without '!' replays as configuration,
#     locally and on a daemon; --script / --config decide instead.
#   * CRLF and bare CR line ends are read as line ends; a directory, an
#     empty file, a file of comments and a missing file are errors (rc 2),
#     never a silent rc 0.
#   * a NUL byte: its line is reported with its number and not applied, the
#     lines after it are (nvram:startup-config at boot, and -f).
#   * a startup-config that lost its tail (no `end`) and certificate hex
#     without `quit` are reported with line numbers.
#   * boot errors of a daemon are visible: on the stderr of `pkish --daemon`,
#     in DIR/daemon.log and in `show logging` (buffered logging off).
#   * -c / -f on a device started for the call save what they configured;
#     not over a startup-config that had errors at boot (-f refuses, -c
#     says so), and not after the call erased startup-config.
#   * a device directory that cannot hold a device (a file, a read-only
#     file system) is named with the cause, not "already running"; the
#     path is printed once.
. "$(dirname "$0")/lib/common.sh"

# On exit: fail on a sanitizer report of a daemon (make check-asan).
rf_cleanup() {
	rc=$?
	for d in $DAEMONS; do
		stop_daemon "$d"
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
trap rf_cleanup EXIT

P() { "$PKISH" --frozen-clock "$@"; }
hostname_of() { P -d "$1" -c 'show running-config | include ^hostname' 2>/dev/null; }

# ---- a snippet without '!' is configuration ------------------------------------
printf 'hostname SNIP\nip domain name snip.example.com\n' >"$T/snip.cfg"
P -d "$T/a" -f "$T/snip.cfg" >"$T/out" 2>"$T/err" || fail "snippet: $(cat "$T/out" "$T/err")"
[ -s "$T/out" ] && fail "snippet printed: $(cat "$T/out")"
# a device started for -f saves the replay, and says so (once, on stderr)
[ "$(grep -c 'saved to nvram:startup-config' "$T/err")" = 1 ] || fail "snippet: $(cat "$T/err")"
P -d "$T/a" -c 'show running-config' >"$T/run" 2>&1
grep -qx 'hostname SNIP' "$T/run" && grep -qx 'ip domain name snip.example.com' "$T/run" ||
	fail "-f then show running-config: $(cat "$T/run")"
# ... and on a running device (the file goes over the socket)
start_daemon "$T/b" --frozen-clock || fail "daemon b"
P -d "$T/b" -f "$T/snip.cfg" >"$T/out" 2>&1 || fail "snippet on a daemon: $(cat "$T/out")"
[ "$(hostname_of "$T/b")" = 'hostname SNIP' ] || fail "snippet on a daemon: $(hostname_of "$T/b")"

# ---- configuration or script ---------------------------------------------------
# a first command that only EXEC has makes a script (abbreviated too)
printf 'sh clock\nconfigure terminal\nhostname SCRIPTED\nend\n' >"$T/script1"
P -d "$T/c" -f "$T/script1" >"$T/out" 2>&1 || fail "script: $(cat "$T/out")"
grep -qx '\*00:00:00.000 UTC Mon Mar 1 1993' "$T/out" || fail "script: show clock: $(cat "$T/out")"
[ "$(hostname_of "$T/c")" = 'hostname SCRIPTED' ] || fail "script: $(hostname_of "$T/c")"
printf '! a lab snippet\nclock set 10:00:00 1 Jan 2020\nshow clock\n' >"$T/script2"
P -d "$T/c" -f "$T/script2" >"$T/out" 2>&1 || fail "clock set script: $(cat "$T/out")"
grep -qx '10:00:00.000 UTC Wed Jan 1 2020' "$T/out" || fail "clock set script: $(cat "$T/out")"
# --script and --config decide instead of the first line
printf 'ip domain name opt.example.com\n' >"$T/optcfg"
P -d "$T/c" --script -f "$T/optcfg" >"$T/out" 2>&1 && fail "--script ran a configuration line in EXEC"
contains "$T/out" 'optcfg line 1: ip domain name opt.example.com' || fail "--script: $(cat "$T/out")"
printf 'show clock\n' >"$T/optscript"
P -d "$T/c" --config -f "$T/optscript" >"$T/out" 2>&1 && fail "--config ran show in EXEC"
contains "$T/out" 'optscript line 1: show clock' || fail "--config: $(cat "$T/out")"
P -d "$T/c" --script -c 'show clock' >/dev/null 2>&1 && fail "--script without -f accepted"

# ---- line ends ---------------------------------------------------------------------
printf 'hostname CRLF\r\nip domain name crlf.example.com\r\nend\r\n' >"$T/crlf.cfg"
printf '!\rhostname BARECR\rip domain name cr.example.com\rend\r' >"$T/cr.cfg"
for f in crlf cr; do
	P -d "$T/$f" -f "$T/$f.cfg" >"$T/out" 2>&1 || fail "$f: $(cat "$T/out")"
	P -d "$T/$f" -c 'show running-config' >"$T/run" 2>&1
	grep -qx "ip domain name $f.example.com" "$T/run" || fail "$f line ends: $(cat "$T/run")"
done
[ "$(hostname_of "$T/cr")" = 'hostname BARECR' ] || fail "bare CR: $(hostname_of "$T/cr")"
# a script with CRLF line ends (and a dialog answer on the next line)
printf 'configure terminal\r\nhostname SCRLF\r\nend\r\nshow running-config | include ^hostname\r\n' >"$T/s.crlf"
P -d "$T/c" -f "$T/s.crlf" >"$T/out" 2>&1 || fail "CRLF script: $(cat "$T/out")"
grep -qx 'hostname SCRLF' "$T/out" || fail "CRLF script: $(cat "$T/out")"

# ---- files that cannot be replayed: an error and rc 2, never a silent 0 -------------
mkdir "$T/adir"
: >"$T/empty"
printf '!\n\n! nothing\n' >"$T/comments"
for f in adir empty comments missing; do
	P -d "$T/e" -f "$T/$f" >"$T/out" 2>&1
	rc=$?
	[ $rc = 2 ] || fail "-f $f: rc $rc: $(cat "$T/out")"
	case $f in
	adir) want='Is a directory' ;;
	empty) want='empty file' ;;
	comments) want='no commands in the file' ;;
	missing) want='No such file or directory' ;;
	esac
	contains "$T/out" "pkish: $T/$f: $want" || fail "-f $f: $(cat "$T/out")"
done
# the same on a daemon: nothing reaches the device
start_daemon "$T/e" --frozen-clock || fail "daemon e"
P -d "$T/e" -f "$T/adir" >"$T/out" 2>&1
[ $? = 2 ] && contains "$T/out" 'Is a directory' || fail "daemon: -f adir: $(cat "$T/out")"
stop_daemon "$T/e"

# ---- a NUL byte: the line is reported and skipped, the lines after it apply ----------
printf '!\nhostname NUL-1\nip domain na\000me nul.example.com\nline vty 0 4\n length 9\n!\nend\n' >"$T/nul.cfg"
mkdir -p "$T/n/nvram" && cp "$T/nul.cfg" "$T/n/nvram/startup-config"
P -d "$T/n" -c 'show running-config' >"$T/out" 2>&1
contains "$T/out" 'startup-config line 3: ip domain na^@me nul.example.com' || fail "boot NUL: $(cat "$T/out")"
contains "$T/out" '% NUL character in the line: line not applied' || fail "boot NUL: $(cat "$T/out")"
grep -qx ' length 9' "$T/out" || fail "boot NUL: the lines after the NUL were dropped: $(cat "$T/out")"
contains "$T/out" 'nul.example.com' && ! grep -q '^ip domain' "$T/out" ||
	fail "boot NUL: the NUL line was applied: $(cat "$T/out")"
# -f, locally and on a daemon: reported, rc 1, the rest replayed
for where in local daemon; do
	dev=$T/nf-$where
	[ $where = daemon ] && { start_daemon "$dev" --frozen-clock || fail "daemon $dev"; }
	(cd "$T" && P -d "$dev" -f nul.cfg) >"$T/out" 2>&1 && fail "$where: -f with a NUL exited 0"
	contains "$T/out" 'nul.cfg line 3: ip domain na^@me nul.example.com' || fail "$where -f NUL: $(cat "$T/out")"
	P -d "$dev" -c 'show running-config' >"$T/run" 2>&1
	grep -qx ' length 9' "$T/run" || fail "$where -f NUL: the rest was dropped: $(cat "$T/run")"
done

# ---- a startup-config without its tail ------------------------------------------------
mkdir -p "$T/t/nvram"
printf '!\nhostname TRUNC\nline vty 0 4\n length 7\n' >"$T/t/nvram/startup-config"
P -d "$T/t" -c 'show running-config' >"$T/out" 2>&1
contains "$T/out" '% Unexpected end of configuration file: startup-config stops at line 4 without "end"' ||
	fail "truncated: $(cat "$T/out")"
grep -qx ' length 7' "$T/out" || fail "truncated: what is there was not applied: $(cat "$T/out")"
# certificate hex that never reaches quit
mkdir -p "$T/h/nvram"
printf '!\ncrypto pki trustpoint TP\n!\ncrypto pki certificate chain TP\n certificate ca 01\n  30820122 0D06092A\n  864886F7 0D010101\n' \
	>"$T/h/nvram/startup-config"
P -d "$T/h" -c 'show running-config' >"$T/out" 2>&1
contains "$T/out" 'startup-config line 5:  certificate ca 01' &&
	contains "$T/out" '% Certificate data without "quit": the file ends at line 7' ||
	fail "hex without quit: $(cat "$T/out")"
contains "$T/out" 'startup-config stops at line 7 without "end"' || fail "hex truncated: $(cat "$T/out")"
# a file with "end" is not truncated, and a file that is not startup-config
# needs no "end" (the snippets above)
contains "$T/a/nvram/startup-config" 'end' || fail "saved startup-config has no end"
P -d "$T/a" -c 'show clock' >"$T/out" 2>&1 || fail "boot of a saved config: $(cat "$T/out")"
contains "$T/out" 'Unexpected end' && fail "a complete startup-config reported truncated"

# ---- a daemon's boot errors: --daemon's stderr, daemon.log, show logging --------------
cp "$T/nul.cfg" "$T/dd.cfg"
printf 'bogus line\nline vty 0 4\n length 5\n' >>"$T/dd.cfg"     # after "end": never read
mkdir -p "$T/dd/nvram"
{ printf '!\nhostname DAEMON\nbogus command\n'; printf 'ip domain na\000me d.example.com\n'; printf 'line vty 0 4\n length 6\n'; } \
	>"$T/dd/nvram/startup-config"       # no end: truncated at line 6
start_daemon "$T/dd" --frozen-clock >"$T/dout" 2>&1 || fail "daemon dd: $(cat "$T/dout")"
for f in "$T/dout" "$T/dd/daemon.log"; do
	contains "$f" 'startup-config line 3: bogus command' &&
	contains "$f" '%PARSER-4-BADCFG: startup-config line 3: bogus command' &&
	contains "$f" '%PARSER-4-BADCFG: startup-config line 4: ip domain na^@me d.example.com' &&
	contains "$f" '%PARSER-4-BADCFG: Unexpected end of configuration file: startup-config stops at line 6' &&
	contains "$f" "% The device in $T/dd booted with 3 errors in nvram:startup-config" ||
		fail "daemon boot errors not in $f: $(cat "$f")"
done
P -d "$T/dd" -c 'show logging' >"$T/log" 2>&1
contains "$T/log" 'Buffer logging:  disabled' || fail "show logging: $(cat "$T/log")"
contains "$T/log" 'Startup-config errors at the last boot (3 messages' || fail "show logging: $(cat "$T/log")"
[ "$(grep -c '%PARSER-4-BADCFG: ' "$T/log")" = 3 ] || fail "show logging: $(cat "$T/log")"
[ "$(hostname_of "$T/dd")" = 'hostname DAEMON' ] || fail "daemon dd did not boot what it could"
# a clean boot says nothing
start_daemon "$T/a" --frozen-clock >"$T/dout" 2>&1 || fail "daemon a"
[ -s "$T/dout" ] && fail "a clean daemon start printed: $(cat "$T/dout")"
P -d "$T/a" -c 'show logging' >"$T/log" 2>&1
contains "$T/log" 'Startup-config errors' && fail "clean boot: $(cat "$T/log")"
stop_daemon "$T/a"

# ---- no save over a damaged startup-config ------------------------------------------
cp "$T/t/nvram/startup-config" "$T/t.before"
P -d "$T/t" -f "$T/snip.cfg" >"$T/out" 2>&1 && fail "-f over a damaged startup-config exited 0"
contains "$T/out" "pkish: $T/snip.cfg not replayed: nvram:startup-config has errors" || fail "refusal: $(cat "$T/out")"
cmp -s "$T/t.before" "$T/t/nvram/startup-config" || fail "-f changed a damaged startup-config"
P -d "$T/t" -c 'configure terminal' -c 'hostname NOSAVE' -c end >"$T/out" 2>&1 &&
	fail "-c with an unsaved change exited 0"
contains "$T/out" 'the configuration was NOT saved: nvram:startup-config had errors at boot' ||
	fail "-c on a damaged device: $(cat "$T/out")"
cmp -s "$T/t.before" "$T/t/nvram/startup-config" || fail "-c changed a damaged startup-config"
# write memory is the way to replace it
P -d "$T/t" -c 'write memory' >/dev/null 2>&1
P -d "$T/t" -c 'show clock' >"$T/out" 2>&1 || fail "after write memory: $(cat "$T/out")"

# a startup-config that cannot be read is reported and never overwritten
mkdir -p "$T/u/nvram/startup-config"
P -d "$T/u" -c 'configure terminal' -c 'hostname OVER' -c end >"$T/out" 2>&1 &&
	fail "-c over an unreadable startup-config exited 0"
contains "$T/out" '% Cannot read nvram:startup-config: not a file' &&
	contains "$T/out" '%PARSER-4-BADCFG: Cannot read nvram:startup-config' &&
	contains "$T/out" 'the configuration was NOT saved' || fail "unreadable startup-config: $(cat "$T/out")"
[ -d "$T/u/nvram/startup-config" ] || fail "the unreadable startup-config was replaced"

# ---- -c on a device started for the call saves too; an erase stays -------------------
P -d "$T/k" -c 'configure terminal' -c 'hostname KEPT' -c end >"$T/out" 2>&1 || fail "-c: $(cat "$T/out")"
contains "$T/out" 'saved to nvram:startup-config' || fail "-c did not say it saved: $(cat "$T/out")"
[ "$(hostname_of "$T/k")" = 'hostname KEPT' ] || fail "-c: not kept: $(hostname_of "$T/k")"
P -d "$T/k" -c 'show running-config' >"$T/out" 2>&1
contains "$T/out" 'saved to' && fail "a call that changed nothing saved: $(cat "$T/out")"
printf '\n' | P -d "$T/k" -c 'configure terminal' -c 'hostname ERASED' -c end -c 'erase startup-config' \
	>"$T/out" 2>&1
[ -e "$T/k/nvram/startup-config" ] && fail "an erased startup-config came back: $(cat "$T/out")"
contains "$T/out" 'this call erased nvram:startup-config' || fail "erase: $(cat "$T/out")"

# ---- a device directory that cannot hold a device -----------------------------------
: >"$T/afile"
P -d "$T/afile" -c 'show clock' >"$T/out" 2>&1 && fail "a file as device directory exited 0"
contains "$T/out" "pkish: $T/afile: Not a directory" || fail "file as directory: $(cat "$T/out")"
contains "$T/out" 'already running' && fail "file as directory: $(cat "$T/out")"
# a read-only file system (root ignores chmod: a tmpfs remounted read-only,
# in a mount namespace of our own)
if [ "$(id -u)" = 0 ]; then UNSHARE='unshare -m'; else UNSHARE='unshare -rm'; fi
mkdir "$T/ro"
if $UNSHARE true 2>/dev/null; then
	$UNSHARE sh -c '
		mount -t tmpfs pkish-ro "$1" || exit 77
		P="$2"; mkdir "$1/dev" && "$P" -d "$1/dev" -c "show clock" >/dev/null 2>&1 || exit 3
		mount -o remount,ro "$1" || exit 77
		"$P" -d "$1/dev" -c "show clock" >"$3/ro.1" 2>&1; echo $? >>"$3/ro.rc"
		"$P" -d "$1/dev" --daemon >"$3/ro.2" 2>&1; echo $? >>"$3/ro.rc"
		"$P" -d "$1/new" -c "show clock" >"$3/ro.3" 2>&1; echo $? >>"$3/ro.rc"
		umount "$1"' sh "$T/ro" "$PKISH" "$T"
	st=$?
	if [ $st = 77 ]; then
		note "no read-only tmpfs here: that part is skipped"
	else
		[ $st = 0 ] || fail "read-only set-up failed ($st)"
		[ "$(cat "$T/ro.rc" | tr '\n' ' ')" = '1 1 1 ' ] || fail "read-only: rc $(cat "$T/ro.rc")"
		for i in 1 2; do
			contains "$T/ro.$i" "pkish: $T/ro/dev: cannot lock the device: Read-only file system" ||
				fail "read-only $i: $(cat "$T/ro.$i")"
			contains "$T/ro.$i" 'already running' && fail "read-only $i: $(cat "$T/ro.$i")"
		done
		contains "$T/ro.3" "pkish: $T/ro/new: Read-only file system" || fail "read-only new: $(cat "$T/ro.3")"
		# the path once per message
		[ "$(grep -o "$T/ro/new" "$T/ro.3" | wc -l)" = 1 ] || fail "path twice: $(cat "$T/ro.3")"
	fi
else
	note "unshare -m is not allowed here: the read-only part is skipped"
fi
exit 0

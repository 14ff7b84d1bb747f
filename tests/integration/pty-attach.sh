#!/bin/sh
# pty-attach.sh — an interactive session attached to a daemon (--attach on a
# terminal, through tmux): help, TAB, ^Z and --More-- travel over the
# socket; with `terminal monitor` a log line caused by another session
# appears above the half-typed line, which survives; without it, nothing.
# ^C at --More-- stops the output, ^C at a [yes/no] or [confirm] question
# cancels it (reload, erase startup-config, crypto key zeroize rsa: nothing
# applied, even with an answer typed), and the session goes on each time;
# ^Z after a typed line runs it, then leaves configuration mode.
. "$(dirname "$0")/lib/common.sh"
. "$(dirname "$0")/lib/tmux.sh"

D=$T/dev
start_daemon "$D" --frozen-clock || fail "no daemon"
tm_start "$PKISH" -d "$D" --attach
tm_wait_last 'Router>'
tm_type 'enable'
tm_keys Enter
tm_wait_last 'Router#'

# ---- help and TAB go to the device ----------------------------------------------------
tm_type 'show c'
tm_type '?'
tm_wait 'clock  crypto'
tm_wait_last 'Router#show c'
tm_keys C-u
tm_type 'conf'
tm_keys Tab
tm_wait_last 'Router#configure'
tm_type 't'
tm_keys Enter
tm_wait_last 'Router(config)#'
tm_keys C-z
tm_wait_last 'Router#'

# ---- without terminal monitor a vty sees no logs ----------------------------------------
tm_clear
tm_type 'show cl'
"$PKISH" -d "$D" -c 'clock set 09:00:00 1 Jan 2020' >/dev/null || fail "clock set"
sleep 0.3
tm_screen >"$TM_OUT"
contains "$TM_OUT" CLOCKUPDATE && fail "a log reached a vty without terminal monitor"
tm_keys C-u

# ---- with it, the log appears and the typed line survives --------------------------------
tm_type 'terminal monitor'
tm_keys Enter
tm_wait_last 'Router#'
tm_clear
tm_type 'show cl'
tm_wait_last 'Router#show cl'
"$PKISH" -d "$D" -c 'clock set 10:00:00 1 Jan 2020' >/dev/null || fail "clock set"
tm_wait '%SYS-6-CLOCKUPDATE: System clock has been updated'
tm_wait_last 'Router#show cl'
tm_type 'ock'
tm_keys Enter
tm_wait '10:00:00.000 UTC Wed Jan 1 2020'
tm_wait_last 'Router#'

# ---- --More-- over the socket --------------------------------------------------------------
tm_type 'terminal length 4'
tm_keys Enter
tm_clear
tm_type 'show running-config'
tm_keys Enter
tm_wait ' --More--'
tm_keys q
tm_wait_last 'Router#'
tm_screen >"$TM_OUT"
contains "$TM_OUT" 'line vty' && fail "q did not stop the output: $(cat "$TM_OUT")"

# ---- ^C at --More-- stops the output; the session goes on -----------------------------------
tm_clear
tm_type 'show running-config'
tm_keys Enter
tm_wait ' --More--'
tm_keys C-c
tm_wait_last 'Router#'
tm_screen >"$TM_OUT"
contains "$TM_OUT" 'line vty' && fail "^C did not stop the output: $(cat "$TM_OUT")"
contains "$TM_OUT" '^C' || fail "^C was not shown: $(cat "$TM_OUT")"
tm_type 'terminal length 0'
tm_keys Enter
tm_wait_last 'Router#'

# ---- ^Z after a typed line: it runs, then configuration ends -----------------------------------
tm_type 'configure terminal'
tm_keys Enter
tm_wait_last 'Router(config)#'
tm_type 'crypto key generate rsa label K modulus 512'
tm_keys C-z
tm_wait_last 'Router#'
tm_wait 'Router(config)#crypto key generate rsa label K modulus 512^Z'
"$PKISH" -d "$D" -c 'show crypto key mypubkey rsa' >"$T/keys" 2>&1
contains "$T/keys" "Key name: K" || fail "^Z threw the typed line away: $(cat "$T/keys")"
tm_type 'write memory'
tm_keys Enter
tm_wait '[OK]'
tm_wait_last 'Router#'
[ -f "$D/nvram/startup-config" ] || fail "write memory wrote no startup-config"

# ---- ^C at questions: cancelled, nothing applied, the session goes on --------------------------
# [confirm]
tm_clear
tm_type 'erase startup-config'
tm_keys Enter
tm_wait 'Continue? [confirm]'
tm_keys C-c
tm_wait_last 'Router#'
[ -f "$D/nvram/startup-config" ] || fail "^C at [confirm] erased the startup-config"
# [yes/no], an answer typed before the ^C
tm_clear
tm_type 'configure terminal'
tm_keys Enter
tm_wait_last 'Router(config)#'
tm_type 'crypto key zeroize rsa K'
tm_keys Enter
tm_wait 'Do you really want to remove these keys? [yes/no]:'
tm_type 'yes'
tm_keys C-c
tm_wait_last 'Router(config)#'
tm_keys C-z
tm_wait_last 'Router#'
"$PKISH" -d "$D" -c 'show crypto key mypubkey rsa' >"$T/keys" 2>&1
contains "$T/keys" "Key name: K" || fail "^C at [yes/no] removed the key: $(cat "$T/keys")"
# reload with a modified configuration: neither saved nor reloaded
tm_type 'configure terminal'
tm_keys Enter
tm_type 'hostname UNSAVED'
tm_keys C-z
tm_wait_last 'UNSAVED#'
tm_clear
tm_type 'reload'
tm_keys Enter
tm_wait 'Save? [yes/no]:'
tm_type 'y'
tm_keys C-c
tm_wait_last 'UNSAVED#'
contains "$D/nvram/startup-config" UNSAVED && fail "^C at [yes/no] saved the configuration"
tm_type 'reload'
tm_keys Enter
tm_wait 'Save? [yes/no]:'
tm_type 'no'
tm_keys Enter
tm_wait 'Proceed with reload? [confirm]'
tm_keys C-c
tm_wait_last 'UNSAVED#'
"$PKISH" -d "$D" -c 'show running-config | include hostname' >"$T/host" 2>&1
contains "$T/host" "hostname UNSAVED" || fail "^C at [confirm] reloaded the device: $(cat "$T/host")"
# the same session still runs commands
tm_clear
tm_type 'show clock'
tm_keys Enter
tm_wait 'UTC'
tm_wait_last 'UNSAVED#'

# ---- exit ends the attached session, not the device ----------------------------------------
tm_type 'exit'
tm_keys Enter
sleep 0.3
"$PKISH" -d "$D" -c 'show clock' >/dev/null || fail "the device stopped with the session"
stop_daemon "$D"
exit 0

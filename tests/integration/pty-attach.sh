#!/bin/sh
# pty-attach.sh — an interactive session attached to a daemon (--attach on a
# terminal, through tmux): help, TAB, ^Z and --More-- travel over the
# socket; with `terminal monitor` a log line caused by another session
# appears above the half-typed line, which survives; without it, nothing.
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

# ---- exit ends the attached session, not the device ----------------------------------------
tm_type 'exit'
tm_keys Enter
sleep 0.3
"$PKISH" -d "$D" -c 'show clock' >/dev/null || fail "the device stopped with the session"
stop_daemon "$D"
exit 0

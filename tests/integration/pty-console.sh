#!/bin/sh
# pty-console.sh — the interactive console on a terminal (libedit), driven
# through tmux: '?' lists help and leaves the line alone (never inserted,
# nothing runs), TAB completes a unique keyword, ^Z leaves config mode (and
# runs a typed line first, showing ^Z), ^C discards the line, --More-- pages
# long output (space: next page, q or ^C: stop) unless `terminal length 0`,
# ^C at a [confirm] or [yes/no] question cancels it (nothing applied, the
# console goes on), and log lines from another session appear above a
# half-typed line without destroying it.
. "$(dirname "$0")/lib/common.sh"
. "$(dirname "$0")/lib/tmux.sh"

D=$T/dev
tm_start "$PKISH" -d "$D" --frozen-clock
tm_wait 'Type ? for help.'
tm_wait_last 'Router>'

# ---- '?' ---------------------------------------------------------------------------
tm_type 'enable'
tm_keys Enter
tm_wait_last 'Router#'
tm_type 'sh'
tm_type '?'
tm_wait 'show'
# the line is redrawn as typed: no '?' in it, nothing ran
tm_wait_last 'Router#sh'
tm_type 'ow clock ?'
tm_wait 'detail  Display detailed information'
tm_wait_last 'Router#show clock'    # (tmux trims the blank)
tm_screen >"$TM_OUT"
contains "$TM_OUT" '1993' && fail "? ran the command: $(cat "$TM_OUT")"
tm_keys Enter
tm_wait '*00:00:00.000 UTC Mon Mar 1 1993'
tm_wait_last 'Router#'
# exactly one run: the clock line appears once
[ "$(tm_screen | grep -c '^\*00:00:00.000 UTC')" = 1 ] || fail "show clock ran more than once"

# ---- TAB -------------------------------------------------------------------------------
tm_clear
tm_type 'conf'
tm_keys Tab
tm_wait_last 'Router#configure'
tm_type 't'
tm_keys Enter
tm_wait_last 'Router(config)#'
# no unique completion: nothing inserted
tm_type 'l'
tm_keys Tab
sleep 0.2
tm_wait_last 'Router(config)#l'
tm_keys C-u
tm_type 'line con 0'
tm_keys Enter
tm_wait_last 'Router(config-line)#'
# TAB walks up to global commands too
tm_type 'hostn'
tm_keys Tab
tm_wait_last 'Router(config-line)#hostname'
tm_keys C-u

# ---- ^C discards the line, ^Z ends configuration ---------------------------------------
tm_type 'hostname LOST'
tm_keys C-c
tm_wait_last 'Router(config-line)#'
tm_keys C-z
tm_wait 'SYS-5-CONFIG_I'
tm_wait_last 'Router#'
tm_screen >"$TM_OUT"
contains "$TM_OUT" 'LOST#' && fail "^C ran the line: $(cat "$TM_OUT")"
contains "$TM_OUT" 'Invalid input' && fail "^Z was taken for a command: $(cat "$TM_OUT")"

# ---- --More-- ---------------------------------------------------------------------------
tm_type 'terminal length 5'
tm_keys Enter
tm_wait_last 'Router#'
tm_clear
tm_type 'show running-config'
tm_keys Enter
tm_wait ' --More--'
tm_screen >"$TM_OUT"
contains "$TM_OUT" 'hostname Router' && fail "no pause after 4 lines: $(cat "$TM_OUT")"
tm_keys Space
tm_wait 'hostname Router'
tm_keys Space
tm_wait_last 'Router#'
contains "$TM_OUT" 'end' || tm_wait 'end'
tm_clear
tm_type 'show running-config'
tm_keys Enter
tm_wait ' --More--'
tm_keys q
tm_wait_last 'Router#'
tm_screen >"$TM_OUT"
contains "$TM_OUT" 'hostname Router' && fail "q did not stop the output: $(cat "$TM_OUT")"
contains "$TM_OUT" '--More--' && fail "--More-- was not erased: $(cat "$TM_OUT")"
# ^C at --More-- stops the output as well, and the console goes on
tm_clear
tm_type 'show running-config'
tm_keys Enter
tm_wait ' --More--'
tm_keys C-c
tm_wait_last 'Router#'
tm_screen >"$TM_OUT"
contains "$TM_OUT" 'hostname Router' && fail "^C did not stop the output: $(cat "$TM_OUT")"
contains "$TM_OUT" '--More--' && fail "--More-- was not erased: $(cat "$TM_OUT")"
contains "$TM_OUT" '^C' || fail "^C was not shown: $(cat "$TM_OUT")"
tm_type 'show clock'
tm_keys Enter
tm_wait '*00:00:00.000 UTC Mon Mar 1 1993'
tm_wait_last 'Router#'
# terminal length 0: no pager
tm_type 'terminal length 0'
tm_keys Enter
tm_clear
tm_type 'show running-config'
tm_keys Enter
tm_wait 'end'
tm_wait_last 'Router#'
tm_screen >"$TM_OUT"
contains "$TM_OUT" '--More--' && fail "paged with terminal length 0: $(cat "$TM_OUT")"

# ---- ^Z after a typed line: the line runs, then configuration ends ------------------------
tm_clear
tm_type 'configure terminal'
tm_keys Enter
tm_wait_last 'Router(config)#'
tm_type 'hostname ZED'
tm_keys C-z
tm_wait_last 'ZED#'
tm_wait 'Router(config)#hostname ZED^Z'
tm_type 'configure terminal'
tm_keys Enter
tm_wait_last 'ZED(config)#'
tm_type 'line con 0'
tm_keys Enter
tm_wait_last 'ZED(config-line)#'
tm_type 'hostname Router'
tm_keys C-z
tm_wait_last 'Router#'
[ "$(tm_screen | grep -c 'SYS-5-CONFIG_I')" = 2 ] || fail "^Z did not end configuration: $(tm_screen)"

# ---- ^C at a question cancels it: nothing applied, the console goes on -----------------------
tm_type 'write memory'
tm_keys Enter
tm_wait '[OK]'
tm_wait_last 'Router#'
[ -f "$D/nvram/startup-config" ] || fail "write memory wrote no startup-config"
tm_clear
tm_type 'erase startup-config'
tm_keys Enter
tm_wait 'Continue? [confirm]'
tm_keys C-c
tm_wait_last 'Router#'
tm_wait 'Continue? [confirm]^C'
[ -f "$D/nvram/startup-config" ] || fail "^C at [confirm] erased the startup-config"
# [yes/no]: an answer typed, then ^C: neither saved nor reloaded
tm_type 'configure terminal'
tm_keys Enter
tm_type 'hostname UNSAVED'
tm_keys C-z
tm_wait_last 'UNSAVED#'
tm_clear
tm_type 'reload'
tm_keys Enter
tm_wait 'Save? [yes/no]:'
tm_type 'yes'
tm_keys C-c
tm_wait_last 'UNSAVED#'
contains "$D/nvram/startup-config" UNSAVED && fail "^C at [yes/no] saved the configuration"
tm_screen >"$TM_OUT"
contains "$TM_OUT" 'Proceed with reload' && fail "^C at [yes/no] went on: $(cat "$TM_OUT")"
tm_type 'configure terminal'
tm_keys Enter
tm_type 'hostname Router'
tm_keys C-z
tm_wait_last 'Router#'

# ---- ^C while pasting a key: nothing of the paste is used --------------------------------
tm_clear
tm_type 'configure terminal'
tm_keys Enter
tm_type 'crypto key import rsa PASTED pem terminal cisco123'
tm_keys Enter
tm_wait 'End with a blank line or "quit" on a line by itself.'
tm_type 'MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEA'
tm_keys Enter
tm_keys C-c
tm_wait_last 'Router(config)#'
tm_keys C-z
tm_wait_last 'Router#'
tm_screen >"$TM_OUT"
contains "$TM_OUT" 'Key pair import' && fail "^C while pasting went on: $(cat "$TM_OUT")"
contains "$TM_OUT" 'Enter PEM-formatted encrypted private' && fail "^C while pasting asked for more: $(cat "$TM_OUT")"

# ---- a log line from another session while a line is half typed --------------------------
tm_clear
tm_type 'show cl'
tm_wait_last 'Router#show cl'
"$PKISH" -d "$D" -c 'clock set 10:00:00 1 Jan 2020' >"$T/c" 2>&1 || fail "-c to the console's device: $(cat "$T/c")"
tm_wait '%SYS-6-CLOCKUPDATE'
tm_wait_last 'Router#show cl'
tm_type 'ock'
tm_keys Enter
tm_wait '10:00:00.000 UTC Wed Jan 1 2020'
tm_wait_last 'Router#'

# ---- exit ends the console; unsaved changes are asked about (^C: stay) -----------------------
tm_clear
tm_type 'configure terminal'
tm_keys Enter
tm_type 'hostname LEAVING'
tm_keys Enter
tm_keys C-z
tm_wait_last 'LEAVING#'
tm_type 'exit'
tm_keys Enter
tm_wait 'System configuration has been modified. Save? [yes/no]:'
tm_keys C-c
tm_wait_last 'LEAVING#'
[ -e "$D/console.sock" ] || fail "^C at the exit question ended pkish"
tm_type 'exit'
tm_keys Enter
tm_wait_last 'System configuration has been modified. Save? [yes/no]:'
tm_type 'no'
tm_keys Enter
i=0
while [ -e "$D/console.sock" ]; do
	i=$((i + 1))
	[ $i -gt 100 ] && fail "exit did not end pkish"
	sleep 0.05
done
contains "$D/nvram/startup-config" LEAVING && fail "'no' saved the configuration"
exit 0

# tmux.sh — drive an interactive pkish in a detached tmux session, on a
# private tmux server (socket in $T), for the pty-*.sh tests.  Sourced
# after common.sh.  Exits 77 (skip) when tmux is missing.
#
#   tm_start CMD...      new 100x30 session running CMD
#   tm_keys KEY...       tmux send-keys (Enter, Tab, C-z, C-c, Space ...)
#   tm_type TEXT         type TEXT literally
#   tm_screen            the visible screen
#   tm_wait TEXT         wait (5 s) until the screen contains TEXT
#   tm_last              the last non-empty line of the screen (the prompt)
#   tm_wait_last TEXT    wait until the last non-empty line is exactly TEXT

command -v tmux >/dev/null 2>&1 || { echo "tmux is not installed"; exit 77; }

TM="tmux -S $T/tmux.sock"
TM_OUT=$T/screen

tm_cleanup() {
	$TM kill-server >/dev/null 2>&1
	cleanup
}
trap tm_cleanup EXIT

tm_start() {
	# a known terminal type inside, whatever runs the tests
	$TM -f /dev/null new-session -d -x 100 -y 30 -s pk "env TERM=screen $*" ||
		fail "tmux new-session failed"
	$TM set-option -t pk remain-on-exit on >/dev/null 2>&1
}

tm_keys() {
	$TM send-keys -t pk "$@"
}

tm_type() {
	$TM send-keys -t pk -l "$1"
}

tm_screen() {
	$TM capture-pane -t pk -p
}

tm_last() {
	tm_screen | sed '/^[[:space:]]*$/d' | tail -n 1
}

tm_wait() {
	i=0
	while :; do
		tm_screen >"$TM_OUT"
		contains "$TM_OUT" "$1" && return 0
		i=$((i + 1))
		[ $i -gt 100 ] && fail "timed out waiting for \"$1\"; screen:
$(cat "$TM_OUT")"
		sleep 0.05
	done
}

tm_wait_last() {
	i=0
	while :; do
		l=$(tm_last)
		[ "$l" = "$1" ] && return 0
		i=$((i + 1))
		[ $i -gt 100 ] && fail "timed out waiting for the line \"$1\" (have \"$l\"); screen:
$(tm_screen)"
		sleep 0.05
	done
}

# clear the screen (libedit ^L) so later checks see new output only
tm_clear() {
	tm_keys C-l
	sleep 0.1
	$TM clear-history -t pk
}

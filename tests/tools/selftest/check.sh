#!/bin/sh
# Self-test of the transcript runner (not part of `make check`):
#   sh tests/tools/selftest/check.sh build/tools/trun
# Runs trun on the fixtures here against fakepkish and checks which pass,
# which fail (with a diff), and that --update round-trips.
trun=$(cd "$(dirname "$1")" && pwd)/${1##*/}
cd "$(dirname "$0")/../../.." || exit 2
S=tests/tools/selftest
bad=0
expect() {	# expect ok|fail FILE [PATTERN in the output]
	out=$("$trun" "$S/fakepkish" "$2" 2>&1); rc=$?
	case $1 in ok) want=0 ;; *) want=1 ;; esac
	if [ "$rc" -ne "$want" ] || { [ -n "${3-}" ] && ! printf '%s\n' "$out" | grep -q -- "$3"; }; then
		printf 'SELFTEST FAILED: %s (rc %s)\n%s\n' "$2" "$rc" "$out"; bad=1
	else
		echo "selftest ok: $1 $2"
	fi
}
expect ok $S/pass.t
expect ok $S/crlf.t
expect ok $S/exit.t
expect fail $S/fail.t '^+args:'
expect fail $S/exit_wrong.t 'exit status 4, expected 0'
expect fail $S/exit_high.t 'exit status 130'
expect fail $S/crash.t 'signal 11'
expect fail $S/timeout.t '^# timeout'
expect fail $S/setup_fail.t 'setup says no'
# --update: a stale copy of pass.t must come back identical
tmp=$(mktemp -d) || exit 2
sed -e 's/^args: --alpha --beta$/args: stale/' -e '/^PKISH_TEST=1$/d' \
    -e 's/^hello from DEV$/hello from DEV\nextra line/' $S/pass.t >"$tmp/p.t"
expect fail "$tmp/p.t"
"$trun" --update "$S/fakepkish" "$tmp/p.t" | grep -q '^updated - ' &&
	cmp -s "$S/pass.t" "$tmp/p.t" && echo "selftest ok: --update round trip" ||
	{ echo "SELFTEST FAILED: --update"; diff -u "$S/pass.t" "$tmp/p.t"; bad=1; }
rm -rf "$tmp"
[ "$bad" -eq 0 ] && echo "selftest: all ok"
exit "$bad"

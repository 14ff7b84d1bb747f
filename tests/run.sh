#!/bin/sh
# tests/run.sh BUILD_DIR — the driver behind `make check` (POSIX sh).
#
# Runs, from the repository root, in this order:
#   1. every unit binary BUILD/tests/test_*: each "ok N - x" line is a pass,
#      each "not ok N - x" a failure; a non-zero exit without any "not ok"
#      line (a crash) is one more failure;
#   2. every tests/transcripts/*.t through BUILD/tools/trun BUILD/pkish FILE:
#      one pass or one failure per file (trun prints the diff);
#   3. every executable tests/integration/*.sh and tests/interop/*.sh, with
#      BUILD, PKISH and SRCDIR (absolute) in the environment and a 300 s
#      timeout: exit 0 passes, 77 is skipped (not counted), anything else
#      fails and shows the script's output.
# Missing or empty directories are skipped.  T_FILTER=ERE runs only the tests
# whose file name (test_x, x.t, x.sh) matches.  The last line of stdout is
# "N passed, N failed"; the exit status is 1 if anything failed.

usage() {
	echo "usage: T_FILTER=regex sh tests/run.sh BUILD_DIR" >&2
	exit 2
}

[ $# -eq 1 ] || usage
BUILD=$(cd "$1" 2>/dev/null && pwd) || { echo "run.sh: no build directory $1" >&2; exit 2; }
SRCDIR=$(cd "$(dirname "$0")/.." && pwd) || exit 2
cd "$SRCDIR" || exit 2
PKISH=$BUILD/pkish
T_FILTER=${T_FILTER-}
T_TIMEOUT=${T_TIMEOUT:-300}

if [ -n "$T_FILTER" ]; then
	printf '' | grep -Eq -- "$T_FILTER"
	[ $? -le 1 ] || { echo "run.sh: bad T_FILTER regex: $T_FILTER" >&2; exit 2; }
fi

passed=0
failed=0
out=$(mktemp "${TMPDIR:-/tmp}/pkish-run.XXXXXX") || exit 2
trap 'rm -f "$out"' EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# selected NAME: true if NAME passes T_FILTER
selected() {
	[ -z "$T_FILTER" ] || printf '%s\n' "$1" | grep -Eq -- "$T_FILTER"
}

# count PATTERN FILE: number of lines of FILE that match PATTERN
count() {
	grep -c -- "$1" "$2" 2>/dev/null || true
}

# ---- 1. unit tests ------------------------------------------------------------
for bin in "$BUILD"/tests/test_*; do
	[ -f "$bin" ] && [ -x "$bin" ] || continue
	name=${bin##*/}
	selected "$name" || continue
	echo "== unit: $name"
	timeout -k 10 "$T_TIMEOUT" "$bin" >"$out" 2>&1 </dev/null
	rc=$?
	sed 's/^/  /' "$out"
	ok=$(count '^ok ' "$out")
	nok=$(count '^not ok ' "$out")
	passed=$((passed + ok))
	failed=$((failed + nok))
	if [ "$rc" -ne 0 ] && [ "$nok" -eq 0 ]; then
		if [ "$rc" -eq 124 ]; then
			echo "  not ok - $name (timed out after $T_TIMEOUT s)"
		else
			echo "  not ok - $name (exit status $rc without a failed test: crashed?)"
		fi
		failed=$((failed + 1))
	fi
done

# ---- 2. transcripts -----------------------------------------------------------
heading=
for t in tests/transcripts/*.t; do
	[ -f "$t" ] || continue
	selected "${t##*/}" || continue
	[ -n "$heading" ] || { echo "== transcripts"; heading=1; }
	if [ ! -x "$BUILD/tools/trun" ]; then
		echo "not ok - $t ($BUILD/tools/trun is not built)"
		failed=$((failed + 1))
	elif "$BUILD/tools/trun" "$PKISH" "$t"; then
		passed=$((passed + 1))
	else
		failed=$((failed + 1))
	fi
done

# ---- 3. integration and interop scripts ---------------------------------------
for dir in tests/integration tests/interop; do
	[ -d "$dir" ] || continue
	heading=
	for s in "$dir"/*.sh; do
		[ -f "$s" ] || continue
		selected "${s##*/}" || continue
		[ -n "$heading" ] || { echo "== ${dir#tests/}"; heading=1; }
		if [ ! -x "$s" ]; then
			echo "# $s is not executable: ignored"
			continue
		fi
		BUILD=$BUILD PKISH=$PKISH SRCDIR=$SRCDIR \
			timeout -k 10 "$T_TIMEOUT" "$s" >"$out" 2>&1 </dev/null
		rc=$?
		case $rc in
		0)	echo "ok - $s"
			passed=$((passed + 1)) ;;
		77)	echo "skip - $s"
			# a skip reason, if the script printed one, is its last line
			tail -n 1 "$out" | sed 's/^/#   /' ;;
		*)	if [ "$rc" -eq 124 ]; then
				echo "# $s timed out after $T_TIMEOUT s"
			else
				echo "# $s exited with status $rc"
			fi
			sed 's/^/#   /' "$out"
			echo "not ok - $s"
			failed=$((failed + 1)) ;;
		esac
	done
done

printf '%d passed, %d failed\n' "$passed" "$failed"
[ "$failed" -eq 0 ]

#!/bin/sh
# tests/bench/run.sh BUILD_DIR — `make bench` (POSIX sh; never part of check).
#
# 1. Replay: generates realistic configurations (tests/bench/genconfig.awk:
#    line blocks, walkups, globals, a few failing lines) of 50,000 and 5,000
#    lines and replays each with `pkish -f` into a fresh device, best of 9;
#    reports lines per second, the start-up cost (an empty config) and peak
#    memory (GNU time's %M, else VmHWM is not available and "-" is printed).
#    Aim (issue 2): 50,000 lines in under half a second.
# 2. Scaling: instructions (valgrind --tool=callgrind, exact and noise-free)
#    for 5,000 vs 50,000 lines: the ratio should be about 10, i.e. the cost of
#    a line does not grow as the configuration grows.
# 3. The matcher vs the commands installed: BUILD/bench/bench_match runs the
#    same lines with the real global table, with 1,000 or 100,000 commands
#    installed below another keyword (flat), and with 50 or 200 extra
#    siblings at the top level (linear: those are the words compared).
# Ratios are printed side by side from one run: the machine may be shared.
# Results and how to read them: docs/performance.md.
BUILD=${1:-build}
PKISH=$BUILD/pkish
[ -x "$PKISH" ] || { echo "bench: $PKISH is not built" >&2; exit 2; }
cd "$(dirname "$0")/../.." || exit 2
T=$(mktemp -d "${TMPDIR:-/tmp}/pkish-bench.XXXXXX") || exit 2
trap 'rm -rf "$T"' EXIT
trap 'exit 130' INT
RUNS=${BENCH_RUNS:-9}

now_ns() {
	date +%s%N
}

gen() {
	awk -v n="$1" -v seed=1 -f tests/bench/genconfig.awk >"$2"
}

# wall time in microseconds of one replay of $1 into a fresh device
once_us() {
	rm -rf "$T/dev"
	t0=$(now_ns)
	"$PKISH" -d "$T/dev" -f "$1" >/dev/null 2>&1
	t1=$(now_ns)
	echo $(( (t1 - t0) / 1000 ))
}

min() {
	if [ -z "$1" ] || [ "$2" -lt "$1" ]; then echo "$2"; else echo "$1"; fi
}

peak_kb() {
	if [ -x /usr/bin/time ] && /usr/bin/time -f %M -o "$T/rss" true 2>/dev/null; then
		rm -rf "$T/dev"
		/usr/bin/time -f %M -o "$T/rss" "$PKISH" -d "$T/dev" -f "$1" >/dev/null 2>&1
		tail -n 1 "$T/rss"
	else
		echo -
	fi
}

instructions() {
	rm -rf "$T/dev"
	valgrind --tool=callgrind --callgrind-out-file="$T/cg.out" \
		"$PKISH" -d "$T/dev" -f "$1" >/dev/null 2>"$T/cg.err"
	sed -n 's/.*Collected : *//p' "$T/cg.err" | tail -n 1
}

gen 50000 "$T/50k.cfg"
gen 5000 "$T/5k.cfg"
printf '!\nend\n' >"$T/empty.cfg"
fails=$(rm -rf "$T/dev"; "$PKISH" -d "$T/dev" -f "$T/50k.cfg" 2>&1 | grep -c 'cfg line [0-9]*:')

echo "pkish $("$PKISH" --version | sed 's/^pkish //') replay benchmark, $(date -u +%Y-%m-%d)"
echo "host: $(uname -sr), $(nproc 2>/dev/null || echo '?') CPU(s): $(sed -n 's/^model name[^:]*: //p' /proc/cpuinfo 2>/dev/null | head -n 1)"
echo "config: tests/bench/genconfig.awk seed 1; the 50,000-line one has $fails failing lines"
echo
# interleaved rounds, the fastest of each: noise on a shared machine only
# ever adds time
us0= us5= us50=
i=0
while [ $i -lt "$RUNS" ]; do
	us0=$(min "$us0" "$(once_us "$T/empty.cfg")")
	us5=$(min "$us5" "$(once_us "$T/5k.cfg")")
	us50=$(min "$us50" "$(once_us "$T/50k.cfg")")
	i=$((i + 1))
done
kb0=$(peak_kb "$T/empty.cfg")
kb50=$(peak_kb "$T/50k.cfg")
awk -v us0="$us0" -v us5="$us5" -v us50="$us50" -v kb0="$kb0" -v kb50="$kb50" -v runs="$RUNS" '
function net(us, n) {            # per line, net of start-up; "-" when lost in noise
	return us - us0 > 1000 ? sprintf("%.2f us", (us - us0) / n) : "-"
}
BEGIN {
	printf "replay with -f (best of %d)      lines   wall ms     lines/s   per line net of start-up\n", runs
	printf "  empty config (start-up)   %9d %9.1f\n", 0, us0 / 1000
	printf "  5,000-line config         %9d %9.1f %11.0f   %s\n", 5000, us5 / 1000, 5000 / (us5 / 1e6), net(us5, 5000)
	printf "  50,000-line config        %9d %9.1f %11.0f   %s\n", 50000, us50 / 1000, 50000 / (us50 / 1e6), net(us50, 50000)
	printf "  aim: 50,000 lines < 500 ms: %s (%.0f ms including start-up)\n", us50 < 500000 ? "met" : "MISSED", us50 / 1000
	printf "  peak memory (max RSS): %s kB empty, %s kB with 50,000 lines\n", kb0, kb50
	printf "  wall-time ratio 50k/5k: %.2f (start-up and noise included; see the instructions)\n", us50 / us5
}'
echo
if command -v valgrind >/dev/null 2>&1; then
	i0=$(instructions "$T/empty.cfg")
	i5=$(instructions "$T/5k.cfg")
	i50=$(instructions "$T/50k.cfg")
	awk -v i0="$i0" -v i5="$i5" -v i50="$i50" 'BEGIN {
		gsub(",", "", i0); gsub(",", "", i5); gsub(",", "", i50)
		print "instructions (callgrind)          total       per line (net)"
		printf "  empty config            %14.0f\n", i0
		printf "  5,000 lines             %14.0f %10.0f\n", i5, (i5 - i0) / 5000
		printf "  50,000 lines            %14.0f %10.0f\n", i50, (i50 - i0) / 50000
		printf "  ratio 50k/5k (net of start-up): %.2f   (10 = cost per line independent of size)\n", (i50 - i0) / (i5 - i0)
	}'
else
	echo "instructions: valgrind is not installed (scripts/deps.sh bench installs it)"
fi
echo
if [ -x "$BUILD/bench/bench_match" ]; then
	echo "matcher, the same lines against bigger command tables (in-process, best of 5):"
	"$BUILD/bench/bench_match" | sed 's/^/  /'
else
	echo "matcher: $BUILD/bench/bench_match is not built (make bench builds it)"
fi

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
# 4. The certificate server (issue 4): BUILD/bench/bench_cs issues
#    certificates through the core (no HTTP) with an RSA-2048 CA key, level
#    minimum and level complete; its CPU per certificate is put next to
#    `openssl speed -seconds 2 rsa2048`'s sign time measured in the same run
#    (interleaved rounds, best of each; aim: ratio <= 1.3).
# 5. Start-up with a big database: a device whose CA database holds
#    BENCH_CS_RECORDS (100,000) issued certificates at level complete
#    (written by bench_cs records) boots and answers `show crypto pki
#    server`; wall time (best of 5) and peak memory next to the same device
#    with an empty database (aim: under 1 s), and the on-demand listing
#    `show crypto pki server CA certificates`.
# 6. The seed's rollover (issue 6): tests/bench/rollover.sh runs a CA and 1,
#    then 50 spokes through two CA lifetimes; wall and CPU time, SCEP
#    exchanges (aim: 50 spokes in under a minute).  BENCH_ONLY=rollover
#    runs it alone (so does `sh tests/bench/rollover.sh build`).
# 7. The SCEP server (issue 5): tests/bench/scep.sh enrolls
#    SCEP_BENCH_N (1,000) pre-built requests at concurrency 1 and 2 against
#    pkish and micromdm scepserver (in a private network namespace); CPU per
#    enrollment next to three RSA-2048 private-key operations, peak memory,
#    duplicate serials; SCEP_BENCH_MEM=10000 adds the memory run.
#    BENCH_ONLY=scep runs it alone (so does `sh tests/bench/scep.sh build`).
# 8. The SCEP server under attack (issue 10): tests/bench/scep-attack.sh
#    enrolls at concurrency 2 unloaded, then while 1,000 slow connections
#    and 1,000 stalled 64 KiB bodies are held from 80 loopback addresses;
#    throughput, latency, server memory.  BENCH_ONLY=attack runs it alone.
# BENCH_ONLY=cs runs parts 4 and 5 only, BENCH_ONLY=cli parts 1 to 3.
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

ONLY=${BENCH_ONLY:-all}
echo "pkish $("$PKISH" --version | sed 's/^pkish //') benchmarks, $(date -u +%Y-%m-%d)"
echo "host: $(uname -sr), $(nproc 2>/dev/null || echo '?') CPU(s): $(sed -n 's/^model name[^:]*: //p' /proc/cpuinfo 2>/dev/null | head -n 1)"
echo
if [ "$ONLY" = all ] || [ "$ONLY" = cli ]; then
gen 50000 "$T/50k.cfg"
gen 5000 "$T/5k.cfg"
printf '!\nend\n' >"$T/empty.cfg"
fails=$(rm -rf "$T/dev"; "$PKISH" -d "$T/dev" -f "$T/50k.cfg" 2>&1 | grep -c 'cfg line [0-9]*:')

echo "replay: tests/bench/genconfig.awk seed 1; the 50,000-line config has $fails failing lines"
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
fi
[ "$ONLY" = cli ] && exit 0
if [ "$ONLY" = rollover ]; then
	echo
	sh tests/bench/rollover.sh "$BUILD"
	exit $?
fi
if [ "$ONLY" = scep ]; then
	sh tests/bench/scep.sh "$BUILD"
	exit $?
fi
if [ "$ONLY" = attack ]; then
	sh tests/bench/scep-attack.sh "$BUILD"
	exit $?
fi

# ---- 4. the certificate server: issuance through the core ---------------------------
echo
CS=$BUILD/bench/bench_cs
[ -x "$CS" ] || { echo "certificate server: $CS is not built (make bench builds it)"; exit 0; }
NCERT=${BENCH_CS_CERTS:-2000}
KEY=tests/fixtures/scep/ca.key          # RSA-2048
speed_us() {                             # openssl speed's RSA-2048 sign time, in us
	openssl speed -seconds 2 rsa2048 2>/dev/null |
		awk '/^rsa 2048 bits/ { v = $4; sub(/s$/, "", v); printf "%.1f\n", v * 1e6 }'
}
field() {                                # field KEY LINE
	printf '%s\n' "$2" | tr ' ' '\n' | sed -n "s/^$1=//p"
}
best_cpu= best_sign= best_speed= best_per= best_locked=
i=0
while [ $i -lt 3 ]; do
	sp=$(speed_us)
	line=$("$CS" issue "$NCERT" "$KEY") || { echo "bench_cs issue failed"; exit 1; }
	cpu=$(field cpu_us "$line")
	best_speed=$(awk -v a="$best_speed" -v b="$sp" 'BEGIN { print (a == "" || b < a) ? b : a }')
	if [ -z "$best_cpu" ] || awk -v a="$cpu" -v b="$best_cpu" 'BEGIN { exit !(a < b) }'; then
		best_cpu=$cpu
		best_sign=$(field sign_us "$line")
		best_per=$(field per_s "$line")
		best_locked=$(field locked_us "$line")
	fi
	i=$((i + 1))
done
complete=$("$CS" issue 200 "$KEY" complete) || { echo "bench_cs issue complete failed"; exit 1; }
awk -v cpu="$best_cpu" -v sign="$best_sign" -v speed="$best_speed" -v per="$best_per" \
    -v locked="$best_locked" -v n="$NCERT" -v cper="$(field per_s "$complete")" \
    -v ccpu="$(field cpu_us "$complete")" 'BEGIN {
	printf "certificate server, issuance through the core (no HTTP), RSA-2048 CA key, MD5, best of 3 x %d:\n", n
	printf "  level minimum:  %7.0f certificates/s, %6.1f us CPU each (%5.1f us under the device lock)\n", per, cpu, locked
	printf "  level complete: %7.0f certificates/s, %6.1f us CPU each (two records written with fsync)\n", cper, ccpu
	printf "  one RSA-2048 signature: %6.1f us (openssl speed -seconds 2 rsa2048), %6.1f us (EVP_DigestSign in bench_cs)\n", speed, sign
	printf "  CPU per certificate / openssl speed sign: %.2f   (aim <= 1.3: %s)\n", cpu / speed, cpu / speed <= 1.3 ? "met" : "MISSED"
	printf "  CPU per certificate / in-process sign:    %.2f\n", cpu / sign
}'

# ---- 5. start-up with 100,000 certificates in the database ---------------------------
echo
NREC=${BENCH_CS_RECORDS:-100000}
DEV=$T/cadev
PORT=$((20000 + $$ % 20000))
mkdir -p "$DEV/flash"
cp tests/fixtures/ca_key.pem "$DEV/flash/CA"
"$PKISH" -d "$DEV" --http-bind 127.0.0.1 -c 'configure terminal' -c 'clock calendar-valid' \
	-c 'crypto key import rsa CA pem url flash:CA unused' -c "ip http port $PORT" \
	-c 'ip http server' -c 'crypto pki server CA' -c 'database url flash:db/' \
	-c 'database level complete' -c 'no database archive' -c 'grant auto' -c 'no shutdown' \
	-c 'end' -c 'write memory' >"$T/cadev.out" 2>&1 || { cat "$T/cadev.out"; exit 1; }
boot_ms() {                              # best of 5: boot, show crypto pki server, exit
	b=
	j=0
	while [ $j -lt 5 ]; do
		t0=$(now_ns)
		"$PKISH" -d "$DEV" --http-bind 127.0.0.1 -c 'show crypto pki server' >"$T/boot.out" 2>&1
		t1=$(now_ns)
		grep -q 'Status: enabled' "$T/boot.out" || { cat "$T/boot.out"; exit 1; }
		b=$(min "$b" $(( (t1 - t0) / 1000 )))
		j=$((j + 1))
	done
	awk -v us="$b" 'BEGIN { printf "%.1f\n", us / 1000 }'
}
boot_kb() {
	if [ -x /usr/bin/time ]; then
		/usr/bin/time -f %M -o "$T/rss" "$PKISH" -d "$DEV" --http-bind 127.0.0.1 \
			-c 'show crypto pki server' >/dev/null 2>&1
		tail -n 1 "$T/rss"
	else
		echo -
	fi
}
ms0=$(boot_ms)
kb0=$(boot_kb)
t0=$(now_ns)
"$CS" records "$DEV/flash/db" CA tests/fixtures/ca_key.pem "$NREC" >"$T/rec.out" ||
	{ cat "$T/rec.out"; exit 1; }
t1=$(now_ns)
gen_s=$(( (t1 - t0) / 1000000000 ))
msN=$(boot_ms)
kbN=$(boot_kb)
grep -q "Last certificate issued serial number (hex): $(sed -n 's/.*last=//p' "$T/rec.out")" "$T/boot.out" ||
	{ cat "$T/boot.out"; echo "the server did not see the records"; exit 1; }
t0=$(now_ns)
"$PKISH" -d "$DEV" --http-bind 127.0.0.1 -c 'show crypto pki server CA certificates | count bench' \
	>"$T/list.out" 2>&1
t1=$(now_ns)
listed=$(sed -n 's/.*= //p' "$T/list.out")
awk -v ms0="$ms0" -v msN="$msN" -v kb0="$kb0" -v kbN="$kbN" -v n="$NREC" -v g="$gen_s" \
    -v list_ms=$(( (t1 - t0) / 1000000 )) -v listed="$listed" 'BEGIN {
	printf "certificate server start-up (boot, enable, show crypto pki server, exit; best of 5):\n"
	printf "  empty database:                %8.1f ms, peak memory %s kB\n", ms0, kb0
	printf "  %d certificates (complete): %8.1f ms, peak memory %s kB   (aim < 1 s: %s)\n", n, msN, kbN, msN < 1000 ? "met" : "MISSED"
	printf "  ratio %d/empty: %.2f   (records written in %d s by bench_cs records)\n", n, msN / ms0, g
	printf "  show crypto pki server CA certificates (reads every .cnm on demand): %d ms for %s lines\n", list_ms, listed
}'

# ---- 6. the seed's rollover (issue 6) -----------------------------------------------
if [ "$ONLY" = all ]; then
	echo
	sh tests/bench/rollover.sh "$BUILD"
fi

# ---- 7. the SCEP server (issue 5) ----------------------------------------------------
if [ "$ONLY" = all ]; then
	echo
	sh tests/bench/scep.sh "$BUILD"
fi

# ---- 8. the SCEP server under attack (issue 10) -------------------------------------
if [ "$ONLY" = all ]; then
	echo
	sh tests/bench/scep-attack.sh "$BUILD"
fi

# ---- 9. the challenge password compare (issue 10) -----------------------------------
if [ "$ONLY" = all ] || [ "$ONLY" = challenge ]; then
	echo
	sh tests/bench/challenge.sh "$BUILD"
fi

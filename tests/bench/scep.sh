#!/bin/sh
# tests/bench/scep.sh BUILD_DIR — the SCEP enrollment benchmark (issue 5),
# part of `make bench` (tests/bench/run.sh calls it); POSIX sh.
#
# pkish and micromdm `scepserver` 2.1.0 (Debian package `scep`), both with
# an RSA-2048 CA key and every request granted, are driven by the same load
# generator, BUILD/tools/scepload: SCEP_BENCH_N enrollments (default 1000)
# at concurrency 1 and 2.  The client keys are generated once, here, before
# anything is measured; scepload then builds every request in advance and
# checks every answer afterwards, so the measured part is the exchanges
# alone.  Reported per run: enrollments per second, the server's CPU
# milliseconds per enrollment (utime+stime from /proc/PID/stat), its peak
# memory (VmHWM), failures and duplicate serial numbers.  The floor is three
# CA private-key operations per enrollment (decrypt the request, sign the
# certificate, sign the reply), from `openssl speed rsa2048` in the same run.
#
# scepserver has no bind option: it runs only inside a private network
# namespace with nothing but lo (scep-conformance §0.7), and so does the
# load generator that talks to it; the namespace is deleted on exit.  That
# needs root; without it the micromdm rows are skipped.
#
# SCEP_BENCH_MEM=10000 adds the memory run: that many enrollments against
# one pkish server, its VmRSS sampled every tenth.  Results and how to read
# them: docs/performance.md.
BUILD=${1:-build}
PKISH=$BUILD/pkish
LOAD=$BUILD/tools/scepload
N=${SCEP_BENCH_N:-1000}
RUNS=${SCEP_BENCH_RUNS:-3}
MEM=${SCEP_BENCH_MEM:-0}
KEYS=${SCEP_BENCH_KEYS:-8}
[ -x "$PKISH" ] && [ -x "$LOAD" ] || { echo "bench: $PKISH or $LOAD is not built" >&2; exit 2; }
BUILD=$(cd "$BUILD" && pwd)
PKISH=$BUILD/pkish
LOAD=$BUILD/tools/scepload
T=$(mktemp -d "${TMPDIR:-/tmp}/pkish-scepbench.XXXXXX") || exit 2
NS=pkish-bench-$$
PORT=$((30000 + $$ % 20000))
MDM_PID=

cleanup() {
	[ -n "$MDM_PID" ] && kill "$MDM_PID" 2>/dev/null
	[ -f "$T/dev/pkish.lock" ] && "$PKISH" -d "$T/dev" --stop >/dev/null 2>&1
	[ -f "$T/mem/pkish.lock" ] && "$PKISH" -d "$T/mem" --stop >/dev/null 2>&1
	ip netns list 2>/dev/null | grep -q "^$NS" && ip netns del "$NS"
	rm -rf "$T"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# ---- set-up, not measured ---------------------------------------------------------
i=0
KARGS=
while [ "$i" -lt "$KEYS" ]; do
	openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out "$T/k$i.pem" 2>/dev/null ||
		{ echo "bench: openssl genpkey failed" >&2; exit 2; }
	KARGS="$KARGS -k $T/k$i.pem"
	i=$((i + 1))
done
# the floor: three private-key operations at openssl speed's best rate seen
# (measured again before each server's runs: noise only ever slows it)
best_sign=0
speed() {
	s=$(openssl speed -seconds 2 rsa2048 2>/dev/null | awk '/^rsa 2048 bits/ { print $6 }')
	best_sign=$(awk -v a="$best_sign" -v b="$s" 'BEGIN { print (b > a) ? b : a }')
	floor=$(awk -v s="$best_sign" 'BEGIN { printf "%.3f", 3000 / s }')
}
speed

# pkish_ca DIR PORT: a daemon with a CA on 127.0.0.1:PORT, grant auto,
# database level minimum (the default); prints its PID
pkish_ca() {
	"$PKISH" -d "$1" --daemon --http-bind 127.0.0.1 || return 1
	"$PKISH" -d "$1" -c 'conf t' -c 'hostname CA' -c 'clock calendar-valid' \
		-c "ip http port $2" -c 'ip http server' \
		-c 'crypto key generate rsa label CA modulus 2048' -c 'crypto pki server CA' \
		-c 'no database archive' -c 'grant auto' -c 'no shutdown' -c end >"$1.setup" 2>&1
	"$PKISH" -d "$1" -c 'show crypto pki server CA' | grep -q 'Status: enabled' ||
		{ cat "$1.setup" >&2; return 1; }
	head -n 1 "$1/pkish.lock"
}

# run NAME CONC PID URL [ns]: RUNS scepload runs, one result row (the best
# rate and CPU per enrollment; failures and duplicates of all runs)
run() {
	name=$1 conc=$2 pid=$3 url=$4 ns=$5
	: >"$T/r.all"
	r=0
	while [ "$r" -lt "$RUNS" ]; do
		if [ -n "$ns" ]; then
			# shellcheck disable=SC2086
			ip netns exec "$ns" "$LOAD" $KARGS -n "$N" -c "$conc" -N "$name-$conc-$r" -P "$pid" \
				"$url" >"$T/r.out" 2>"$T/r.err"
		else
			# shellcheck disable=SC2086
			"$LOAD" $KARGS -n "$N" -c "$conc" -N "$name-$conc-$r" -P "$pid" "$url" \
				>"$T/r.out" 2>"$T/r.err"
		fi
		cat "$T/r.out" >>"$T/r.all"
		r=$((r + 1))
	done
	awk -F= -v name="$name" -v floor="$floor" '
		$1 == "concurrency" { c = $2 }
		$1 == "per_sec" && $2 > rate { rate = $2 }
		$1 == "cpu_ms_per_enrollment" && (cpu == "" || $2 < cpu) { cpu = $2 }
		$1 == "hwm_kb" { hwm = $2 }
		$1 == "failure" || $1 == "errors" { failed += $2 }
		$1 == "duplicates" { dups += $2 }
		$1 == "requests" { n += $2 }
		END {
			printf "  %-10s %4d %9.1f %11.3f %8.2f %10.1f %9d %10d   of %d\n", name, c, rate, cpu,
			       cpu / floor, hwm / 1024, failed, dups, n
			print cpu > "'"$T/cpu.$name.$conc"'"
		}' "$T/r.all"
}

echo "SCEP enrollment benchmark, $(date -u +%Y-%m-%d): best of $RUNS runs of $N enrollments, $KEYS client keys"
echo "host: $(uname -sr), $(nproc 2>/dev/null || echo '?') CPU(s): $(sed -n 's/^model name[^:]*: //p' /proc/cpuinfo 2>/dev/null | head -n 1)"
echo
echo "  server     conc  enroll/s  cpu ms/enr  x floor  peak MB    failed  duplicates"

PID=$(pkish_ca "$T/dev" "$PORT") || { echo "bench: pkish CA set-up failed" >&2; exit 1; }
speed
run pkish 1 "$PID" "http://127.0.0.1:$PORT/cgi-bin/pkiclient.exe"
run pkish 2 "$PID" "http://127.0.0.1:$PORT/cgi-bin/pkiclient.exe"
"$PKISH" -d "$T/dev" --stop >/dev/null 2>&1

if [ "$(id -u)" -ne 0 ] || ! command -v scepserver >/dev/null 2>&1 || ! command -v ip >/dev/null 2>&1; then
	echo "  micromdm   skipped (needs root for a private network namespace, and scepserver)"
else
	scepserver ca -init -depot "$T/depot" -keySize 2048 >"$T/ca.out" 2>&1 ||
		{ cat "$T/ca.out" >&2; exit 1; }
	ip netns add "$NS" && ip -n "$NS" link set lo up || exit 1
	ip netns exec "$NS" scepserver -depot "$T/depot" -port 18080 -allowrenew 0 >"$T/mdm.log" 2>&1 &
	MDM_PID=$!
	i=0
	until ip netns exec "$NS" "$BUILD/tools/scepget" 'http://127.0.0.1:18080/scep?operation=GetCACaps' \
		"$T/caps" >/dev/null 2>&1; do
		i=$((i + 1))
		[ $i -gt 100 ] && { cat "$T/mdm.log" >&2; echo "bench: scepserver did not start" >&2; exit 1; }
		sleep 0.05
	done
	speed
	run micromdm 1 "$MDM_PID" http://127.0.0.1:18080/scep "$NS"
	run micromdm 2 "$MDM_PID" http://127.0.0.1:18080/scep "$NS"
	kill "$MDM_PID"
	wait "$MDM_PID" 2>/dev/null
	MDM_PID=
	ip netns del "$NS"
	for c in 1 2; do
		awk -v p="$(cat "$T/cpu.pkish.$c")" -v m="$(cat "$T/cpu.micromdm.$c")" -v c="$c" 'BEGIN {
			if (p > 0) printf "  CPU per enrollment, micromdm / pkish, concurrency %d: %.1f   (aim >= 4: %s)\n",
				       c, m / p, (m / p >= 4) ? "met" : "MISSED" }'
	done
fi
speed
echo "  floor: openssl speed -seconds 2 rsa2048, best of 3 in this run: $best_sign private-key operations/s;"
echo "         3 per enrollment = $floor ms (the x floor column uses the best seen before that row)"
for c in 1 2; do
	awk -v p="$(cat "$T/cpu.pkish.$c")" -v f="$floor" -v c="$c" 'BEGIN {
		printf "  pkish CPU per enrollment / floor, concurrency %d: %.2f   (aim <= 1.5: %s)\n",
		       c, p / f, (p <= 1.5 * f) ? "met" : "MISSED" }'
done

if [ "$MEM" -gt 0 ]; then
	echo
	PID=$(pkish_ca "$T/mem" $((PORT + 1))) || { echo "bench: pkish CA set-up failed" >&2; exit 1; }
	# shellcheck disable=SC2086
	"$LOAD" $KARGS -n "$MEM" -c 2 -N mem -P "$PID" -m $((MEM / 10)) \
		"http://127.0.0.1:$((PORT + 1))/cgi-bin/pkiclient.exe" >"$T/m.out" 2>"$T/m.err"
	echo "memory over $MEM enrollments (pkish, concurrency 2):"
	awk -F= '
		$1 == "rss_kb_before" { b = $2 }
		$1 == "rss_kb_at" { at = $2 }
		$1 == "hwm_kb" { h = $2 }
		$1 == "success" { s = $2 }
		$1 == "duplicates" { d = $2 }
		$1 == "cpu_ms_per_enrollment" { c = $2 }
		END {
			printf "  VmRSS before: %d kB; after each tenth (kB):", b
			n = split(at, a, ",")
			for (i = 1; i <= n; i++) { split(a[i], x, ":"); printf " %s", x[2] }
			printf "\n  VmHWM: %d kB; %d granted, %d duplicate serials, %.3f CPU ms per enrollment\n",
			       h, s, d, c
		}' "$T/m.out"
fi

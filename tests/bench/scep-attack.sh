#!/bin/sh
# tests/bench/scep-attack.sh BUILD_DIR — issue 10's availability benchmark,
# part of `make bench` (tests/bench/run.sh calls it; BENCH_ONLY=attack runs
# it alone); POSIX sh.  Never part of make check: it measures, it asserts
# nothing.
#
# A pkish CA (RSA-2048, grant auto, level minimum) on 127.0.0.1.  A real
# client, BUILD/tools/scepload, makes ATTACK_N enrollments (default 300)
# at concurrency 2, ATTACK_RUNS times (default 3): first unloaded, then
# while BUILD/tools/httphold holds ATTACK_SLOW (1,000) slow connections
# (a request line and headers that never end, one byte every three
# seconds) and ATTACK_BODIES (1,000) stalled 64 KiB bodies (all but the
# last byte, then nothing), each kind from 40 addresses of its own
# (127.0.1.x and 127.0.2.x, 25 connections each, under the per-address
# limit: the server really holds them), every connection the server
# closes reopened 100 ms later.  Reported for each phase: the best run's
# enrollments per second and the median and 99th-percentile latency of one
# exchange (connect to answer), failures; for the attack, the connections
# the server held once the attack settled (`show ip http server status`), its memory (VmRSS then, VmHWM at the end;
# the bound the status computes) and its counters.  Aim (issue 10): loaded
# within 2x of unloaded, memory bounded.  Results: docs/performance.md.
BUILD=${1:-build}
N=${ATTACK_N:-300}
RUNS=${ATTACK_RUNS:-3}
SLOW=${ATTACK_SLOW:-1000}
BODIES=${ATTACK_BODIES:-1000}
BUILD=$(cd "$BUILD" && pwd) || exit 2
PKISH=$BUILD/pkish
LOAD=$BUILD/tools/scepload
HOLD=$BUILD/tools/httphold
for x in "$PKISH" "$LOAD" "$HOLD"; do
	[ -x "$x" ] || { echo "bench: $x is not built" >&2; exit 2; }
done
cd "$(dirname "$0")/../.." || exit 2
T=$(mktemp -d "${TMPDIR:-/tmp}/pkish-attack.XXXXXX") || exit 2
PORT=$((30000 + ($$ + 7) % 20000))
H1= H2=
cleanup() {
	[ -n "$H1" ] && kill "$H1" 2>/dev/null
	[ -n "$H2" ] && kill "$H2" 2>/dev/null
	if [ -f "$T/dev/pkish.lock" ]; then
		p=$(head -n 1 "$T/dev/pkish.lock")
		"$PKISH" -d "$T/dev" --stop >/dev/null 2>&1
		i=0
		while [ -n "$p" ] && kill -0 "$p" 2>/dev/null && [ $i -lt 100 ]; do
			sleep 0.05
			i=$((i + 1))
		done
	fi
	rm -rf "$T"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

"$PKISH" -d "$T/dev" --daemon --http-bind 127.0.0.1 || exit 1
"$PKISH" -d "$T/dev" -c 'conf t' -c 'hostname CA' -c 'clock calendar-valid' \
	-c "ip http port $PORT" -c 'ip http server' \
	-c 'crypto key generate rsa label CA modulus 2048' -c 'crypto pki server CA' \
	-c 'no database archive' -c 'grant auto' -c 'no shutdown' -c end >"$T/setup" 2>&1
"$PKISH" -d "$T/dev" -c 'show crypto pki server CA' | grep -q 'Status: enabled' ||
	{ cat "$T/setup" >&2; exit 1; }
PID=$(head -n 1 "$T/dev/pkish.lock")
URL=http://127.0.0.1:$PORT/cgi-bin/pkiclient.exe
i=0
KARGS=
while [ "$i" -lt 4 ]; do
	openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out "$T/k$i.pem" 2>/dev/null ||
		exit 2
	KARGS="$KARGS -k $T/k$i.pem"
	i=$((i + 1))
done
mem() { sed -n "s/^$1:[[:space:]]*\([0-9]*\) kB/\1/p" "/proc/$PID/status"; }

# phase NAME: RUNS scepload runs; one row (the best rate, its latencies)
phase() {
	: >"$T/all.$1"
	r=0
	while [ "$r" -lt "$RUNS" ]; do
		# shellcheck disable=SC2086
		"$LOAD" $KARGS -n "$N" -c 2 -N "$1-$r" "$URL" >"$T/r.out" 2>"$T/r.err"
		cat "$T/r.out" >>"$T/all.$1"
		echo "--" >>"$T/all.$1"
		r=$((r + 1))
	done
	awk -F= -v name="$1" '
		$1 == "per_sec" { rate = $2 }
		$1 == "latency_ms_p50" { p50 = $2 }
		$1 == "latency_ms_p99" { p99 = $2 }
		$1 == "failure" || $1 == "errors" { failed += $2 }
		$1 == "requests" { n += $2 }
		$1 == "--" || /^--$/ { if (rate > best) { best = rate; bp50 = p50; bp99 = p99 } }
		END {
			printf "  %-10s %9.1f %10.2f %10.2f %8d   of %d\n", name, best, bp50, bp99, failed, n
			printf "%s %s %s\n", best, bp50, bp99 > "'"$T/row.$1"'"
		}' "$T/all.$1"
}

echo "SCEP under attack (issue 10), $(date -u +%Y-%m-%d): best of $RUNS runs of $N enrollments, concurrency 2"
echo "host: $(uname -sr), $(nproc 2>/dev/null || echo '?') CPU(s): $(sed -n 's/^model name[^:]*: //p' /proc/cpuinfo 2>/dev/null | head -n 1)"
echo
echo "  phase       enroll/s    p50 ms     p99 ms   failed"
rss0=$(mem VmRSS)
phase unloaded
"$HOLD" -s "$SLOW" -a 127.0.1.1 -n 40 -r -t 3600 127.0.0.1 "$PORT" >"$T/h1" 2>&1 &
H1=$!
"$HOLD" -b "$BODIES" -B 65536 -a 127.0.2.1 -n 40 -r -t 3600 127.0.0.1 "$PORT" >"$T/h2" 2>&1 &
H2=$!
for f in "$T/h1" "$T/h2"; do
	i=0
	until grep -q '^== settled' "$f"; do
		i=$((i + 1))
		[ $i -gt 600 ] && { cat "$f" >&2; echo "bench: the attack did not settle" >&2; exit 1; }
		sleep 0.1
	done
done
"$PKISH" -d "$T/dev" -c 'show ip http server status' >"$T/st1"
rss1=$(mem VmRSS)
phase attacked
rss2=$(mem VmRSS)
"$PKISH" -d "$T/dev" -c 'show ip http server status' >"$T/st2"
kill "$H1" "$H2"
wait "$H1" "$H2" 2>/dev/null
H1= H2=
hwm=$(mem VmHWM)
budget_kb=$(sed -n 's/^Server memory for unfinished requests: \([0-9]*\) kilobytes.*/\1/p' "$T/st1")
conn_kb=$(sed -n 's/^Server memory .* kilobytes, \([0-9]*\) kilobytes.*/\1/p' "$T/st1")
conns=$(sed -n 's/^HTTP server current connections: \([0-9]*\).*/\1/p' "$T/st1")
held_kb=$(sed -n 's/^HTTP server current connections: .*holding \([0-9]*\) kilobytes/\1/p' "$T/st1")
read -r u_rate u_p50 u_p99 <"$T/row.unloaded"
read -r a_rate a_p50 a_p99 <"$T/row.attacked"
awk -v ur="$u_rate" -v up="$u_p50" -v ar="$a_rate" -v ap="$a_p50" -v hk="$held_kb" \
    -v s="$SLOW" -v b="$BODIES" -v r0="$rss0" -v r1="$rss1" -v r2="$rss2" \
    -v hwm="$hwm" -v bud="$budget_kb" -v ck="$conn_kb" -v conns="$conns" 'BEGIN {
	printf "  throughput attacked/unloaded: %.2f, median latency attacked/unloaded: %.2f   (aim: within 2x: %s)\n",
	       ar / ur, ap / up, (ar * 2 >= ur && ap <= 2 * up) ? "met" : "MISSED"
	printf "  the attack once settled (%d slow connections, %d stalled bodies asked): %d connections open at the server,\n",
	       s, b, conns
	printf "    its unfinished requests holding %d kB here\n", hk
	printf "  server memory: %d kB before, %d kB with the attack held, %d kB after the attacked runs; peak %d kB\n",
	       r0, r1, r2, hwm
	printf "  bound for unfinished requests: %d kB here + %d kB of request-line memory per open connection\n",
	       bud, ck
}'
sed -n 's/^Unfinished requests closed: /  closed by the limits while attacked: /p' "$T/st2"

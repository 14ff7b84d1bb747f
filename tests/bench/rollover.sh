#!/bin/sh
# tests/bench/rollover.sh BUILD_DIR [SPOKES...] — the cost of issue 6's
# scenario (part of `make bench`, never of check; POSIX sh).
#
# For each SPOKES count (default: 1 50): one certificate server (the
# seed's block: lifetime certificate 365, ca-certificate 730, auto-rollover
# 90, grant auto, RSA-2048 CA key) and SPOKES spoke daemons (the seed's
# trustpoint, auto-enroll 80 regenerate), all --frozen-clock, SCEP over
# HTTP on 127.0.0.1.  Spoke i authenticates (and so enrolls) at day
# (i-1)·30/SPOKES; then every clock moves in BENCH_STEP-day steps (10) to
# day 1470, the CA first, the spokes BENCH_PAR at a time (2): two full CA
# lifetimes, each spoke renewing at 80 %, fetching the rollover CA,
# enrolling a rollover certificate and switching, twice.
# Reported: wall time of the whole run (start-up and enrollment
# included), CPU time of the daemons (from /proc, before they stop) and of
# the driver (the pkish -c clients), the number of `clock set` commands,
# and the SCEP exchanges counted in the spokes' logs (debug crypto pki
# transactions, by operation) and in the CA's (debug ip http
# transactions).  Afterwards (untimed) every spoke must hold an identity
# certificate that verifies against its CA at the final instant.
# Aim (issue 6): 50 spokes, four years, under a minute on 2 cores.
BUILD=${1:-build}
shift 2>/dev/null
PKISH=$(cd "$(dirname "$BUILD/pkish")" && pwd)/pkish
[ -x "$PKISH" ] || { echo "bench: $PKISH is not built" >&2; exit 2; }
STEP=${BENCH_STEP:-10}
PAR=${BENCH_PAR:-2}
END=1470
W=$(mktemp -d "${TMPDIR:-/tmp}/pkish-roll.XXXXXX") || exit 2
DAEMONS=
cleanup() {
	for d in $DAEMONS; do
		"$PKISH" -d "$d" --stop >/dev/null 2>&1
	done
	rm -rf "$W"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
DAY0=$(date -u -d '2015-10-09 12:14:16' +%s)
TICK=$(getconf CLK_TCK)

now_ns() { date +%s%N; }
clocktext() { date -u -d "@$1" '+%H:%M:%S %b %d %Y'; }
# CPU seconds (user+system) of a daemon so far
cpu_of() {
	pid=$(head -n 1 "$1/pkish.lock" 2>/dev/null)
	[ -n "$pid" ] && awk -v t="$TICK" '{ sub(/^.*\) /, ""); print ($12 + $13) / t }' "/proc/$pid/stat"
}
# CPU seconds of this shell's children so far (the second line of `times`,
# which must run in this shell, not in a $(...) subshell)
children_cpu() {
	times >"$W/times"
	sed -n 2p "$W/times" | awk '{
		s = 0
		for (i = 1; i <= 2; i++) { split($i, a, "m"); sub(/s$/, "", a[2]); s += a[1] * 60 + a[2] }
		print s }'
}

run() {
	n=$1
	R=$W/n$n
	mkdir -p "$R"
	port=$((20000 + ($$ + n) % 20000))
	clocksets=0
	children_cpu >"$W/c0"
	t0=$(now_ns)
	DAEMONS="$DAEMONS $R/ca"
	"$PKISH" -d "$R/ca" --daemon --frozen-clock --http-bind 127.0.0.1 || { echo "CA did not start"; exit 1; }
	"$PKISH" -d "$R/ca" -c "clock set $(clocktext "$DAY0")" -c 'conf t' -c 'hostname CA' \
		-c "ip http port $port" -c 'ip http server' -c 'logging buffered 100000000 debugging' \
		-c 'crypto key generate rsa label ROOTCA modulus 2048' -c 'crypto pki server ROOTCA' \
		-c "database url unix:$R/db/" -c 'database level complete' -c 'no database archive' \
		-c 'issuer-name CN=RootCA,OU=TAC,O=Cisco' -c 'grant auto' -c 'lifetime certificate 365' \
		-c 'lifetime ca-certificate 730' -c 'auto-rollover 90' -c 'no shutdown' -c 'end' \
		-c 'debug ip http transactions' >"$R/ca.out" 2>&1 || { cat "$R/ca.out"; exit 1; }
	i=1
	while [ $i -le "$n" ]; do
		s=$R/s$i
		DAEMONS="$DAEMONS $s"
		"$PKISH" -d "$s" --daemon --frozen-clock --http-bind 127.0.0.1 || { echo "spoke $i did not start"; exit 1; }
		at=$((DAY0 + (i - 1) * 30 * 86400 / n))
		"$PKISH" -d "$R/ca" -c "clock set $(clocktext "$at")" >/dev/null
		echo yes | "$PKISH" -d "$s" -c "clock set $(clocktext "$at")" -c 'debug crypto pki transactions' \
			-c 'conf t' -c "hostname spoke-$i" \
			-c 'ip domain name cisco.com' -c 'logging buffered 10000000 debugging' \
			-c 'crypto pki trustpoint Root-CA' -c "enrollment url http://127.0.0.1:$port" \
			-c 'serial-number' -c 'ip-address none' -c 'password 0 Rev0cati0n$Passw0rd' \
			-c "subject-name CN=spoke-$i.cisco.com,OU=CVO" -c 'rsakeypair spoke-RSA' \
			-c 'auto-enroll 80 regenerate' -c 'exit' -c 'crypto pki authenticate Root-CA' \
			-c 'end' >"$R/s$i.out" 2>&1 ||
			{ cat "$R/s$i.out"; exit 1; }
		clocksets=$((clocksets + 2))
		i=$((i + 1))
	done
	d=$STEP
	while [ $d -le $END ]; do
		txt=$(clocktext $((DAY0 + d * 86400)))
		"$PKISH" -d "$R/ca" -c "clock set $txt" >/dev/null
		seq 1 "$n" | xargs -P "$PAR" -I{} "$PKISH" -d "$R/s{}" -c "clock set $txt" >/dev/null
		clocksets=$((clocksets + n + 1))
		d=$((d + STEP))
	done
	t1=$(now_ns)
	children_cpu >"$W/c1"
	c0=$(cat "$W/c0") c1=$(cat "$W/c1")
	cpu_d=$(cpu_of "$R/ca")
	ca_cpu=$cpu_d
	i=1
	while [ $i -le "$n" ]; do
		cpu_d=$(awk -v a="$cpu_d" -v b="$(cpu_of "$R/s$i")" 'BEGIN { print a + b }')
		i=$((i + 1))
	done
	# ---- counts and the final check (untimed) ----
	final=$((DAY0 + (END / STEP) * STEP * 86400))
	bad=0
	i=1
	: >"$R/ops"
	while [ $i -le "$n" ]; do
		"$PKISH" -d "$R/s$i" -c 'show logging' |
			sed -n 's/.*CRYPTO_PKI: \(GetCACert\|GetCACaps\|GetNextCACert\|PKIOperation\) .*/\1/p' >>"$R/ops"
		"$PKISH" -d "$R/s$i" -c 'conf t' -c 'crypto pki export Root-CA pem terminal' -c 'end' >"$R/exp" 2>&1
		awk -v ca="$R/ca.pem" -v id="$R/id.pem" '
			/^% CA certificate:/ { f = ca; next }
			/^% General Purpose Certificate:/ { f = id; next }
			/BEGIN CERTIFICATE/ { on = 1 }
			on && f != "" { print > f }
			/END CERTIFICATE/ { on = 0; f = "" }' "$R/exp"
		openssl verify -attime "$final" -CAfile "$R/ca.pem" "$R/id.pem" >/dev/null 2>&1 || bad=$((bad + 1))
		rm -f "$R/ca.pem" "$R/id.pem"
		i=$((i + 1))
	done
	http=$("$PKISH" -d "$R/ca" -c 'show logging' | grep -c 'HTTP: GET ')
	issued=$("$PKISH" -d "$R/ca" -c 'show crypto pki server ROOTCA certificates' | grep -c 'hostname=spoke-')
	awk -v n="$n" -v ns=$((t1 - t0)) -v cd="$cpu_d" -v ca="$ca_cpu" -v cc="$(awk -v a="$c0" -v b="$c1" 'BEGIN { print b - a }')" \
	    -v sets="$clocksets" -v http="$http" -v issued="$issued" -v bad="$bad" -v step="$STEP" '
		{ ops[$1]++; total++ }
		END {
			wall = ns / 1e9
			printf "  %2d spoke%s  %6.1f s wall  %6.1f s CPU daemons (CA %.1f)  %6.1f s CPU clients  %5d clock sets\n",
				n, n == 1 ? " " : "s", wall, cd, ca, cc, sets
			printf "            SCEP exchanges: %d (%d per spoke): GetCACert %d, GetCACaps %d, GetNextCACert %d, PKIOperation %d; CA saw %d HTTP GETs\n",
				total, total / n, ops["GetCACert"], ops["GetCACaps"], ops["GetNextCACert"], ops["PKIOperation"], http
			printf "            identity certificates issued: %d; spokes with a valid chain at the end: %d of %d\n",
				issued, n - bad, n
			if (n == 50)
				printf "            aim: 50 spokes, four years, < 60 s: %s\n", wall < 60 ? "met" : "MISSED"
		}' "$R/ops"
	for d in $DAEMONS; do
		"$PKISH" -d "$d" --stop >/dev/null 2>&1
	done
	DAEMONS=
	[ "$bad" -eq 0 ] || { echo "rollover bench: $bad spokes without a valid chain"; exit 1; }
}

echo "the seed's rollover, two CA lifetimes (day 0 to $END in $STEP-day steps, $PAR clients at a time):"
for n in ${@:-1 50}; do
	run "$n"
done

#!/bin/sh
# challenge.sh BUILD — the challenge password compare (issue 10): callgrind
# instructions per check of guesses one character shorter, of the same
# length (wrong), one longer and right, against a 15-character secret.  A
# compare that ends early on a length mismatch shows the same-length guess
# as dearer than its neighbours; pkish compares SHA-256 digests, so the
# spread stays within noise of the digest's own cost.
BUILD=${1:-build}
CS=$BUILD/bench/bench_cs
KEY=tests/fixtures/scep/ca.key
N=2000
command -v valgrind >/dev/null 2>&1 || { echo "challenge compare: valgrind is not installed"; exit 0; }
[ -x "$CS" ] || { echo "challenge compare: $CS is not built"; exit 0; }
ins() {
	valgrind --tool=callgrind --callgrind-out-file=/dev/null "$CS" challenge "$1" "$2" "$3" "$KEY" \
		2>&1 >/dev/null | sed -n 's/.*Collected : *//p' | tail -n 1
}
S=s3cret-p4ssword
out=
for g in s3cret-p4sswor s3cret-p4sswore s3cret-p4sswordx s3cret-p4ssword; do
	a=$(ins "$S" "$g" 0)
	b=$(ins "$S" "$g" "$N")
	out="$out ${#g}:$(( (b - a) / N ))"
done
echo "$out" | awk -v n="$N" '{
	split($1, s, ":"); split($2, m, ":"); split($3, l, ":"); split($4, r, ":")
	print "challenge password compare (callgrind instructions per check, secret of 15 characters):"
	printf "  wrong, 14 characters %8d\n  wrong, 15 characters %8d\n  wrong, 16 characters %8d\n  right                %8d\n", s[2], m[2], l[2], r[2]
	printf "  same-length guess / mean of the other lengths: %.3f   (1.000 = the length does not show)\n", m[2] / ((s[2] + l[2]) / 2)
}'

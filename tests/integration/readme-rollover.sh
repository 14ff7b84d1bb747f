#!/bin/sh
# readme-rollover.sh — issue 6's "done when": the README's rollover tour (a
# CA and a spoke started in two commands each, the spoke enrolled, `clock
# set` on both through a rollover, `show crypto pki certificates` telling
# the story) runs as written and prints what the README shows.  The block
# is read from README.md; only the directories (/tmp/ca, /tmp/spoke → the
# test's own) and the port (8080 → a free high one) are changed.  Where the
# README elides output with a `...` line, the lines before it must start
# the actual output and the lines after it must end it; everywhere else the
# output must be the same, line for line.
. "$(dirname "$0")/lib/common.sh"

SRCDIR=${SRCDIR:-$(pwd)}
PORT=$(free_port)
awk '/^A CA and a spoke, two commands each/ { f = 1 }
     f && /^```$/ { n++; if (n == 2) exit; next }
     f && n == 1 { print }' "$SRCDIR/README.md" >"$T/tour"
[ -s "$T/tour" ] || fail "README.md has no rollover tour"
grep -q '^\$ .*show crypto pki certificates' "$T/tour" || fail "the tour shows no certificates"

# split into commands (lines starting "$ ", continued with "\") and the
# output the README shows after each; write one script that runs them all
DAEMONS="$DAEMONS $T/ca $T/spoke"
awk -v dir="$T" -v port="$PORT" '
	function flush() { if (cmd != "") { printf "%s", want > (dir "/exp." n); close(dir "/exp." n) } }
	/^\$ / && !cont {
		flush(); n++; want = ""; cmd = substr($0, 3)
		cont = /\\$/
		printf "echo @@%d\n", n > (dir "/script")
		line = cmd
		gsub("/tmp/ca", dir "/ca", line); gsub("/tmp/spoke", dir "/spoke", line); gsub("8080", port, line)
		print line > (dir "/script")
		next
	}
	cont {
		line = $0
		gsub("/tmp/ca", dir "/ca", line); gsub("/tmp/spoke", dir "/spoke", line); gsub("8080", port, line)
		print line > (dir "/script")
		cont = /\\$/
		next
	}
	{ want = want $0 "\n" }
	END { flush(); print n > (dir "/count") }' "$T/tour"
[ "$(cat "$T/count")" -ge 8 ] || fail "the tour has too few commands"
{
	echo "pkish() { \"$PKISH\" \"\$@\"; }"
	cat "$T/script"
} >"$T/run.sh"
sh "$T/run.sh" >"$T/out" 2>&1 || { cat "$T/out"; fail "the tour did not run"; }
awk -v dir="$T" '/^@@[0-9]+$/ { f = dir "/act." substr($0, 3); printf "" > f; next } { print >> f }' "$T/out"

i=1
n=$(cat "$T/count")
while [ $i -le "$n" ]; do
	exp=$T/exp.$i act=$T/act.$i
	[ -f "$act" ] || : >"$act"
	if grep -qx '\.\.\.' "$exp"; then
		sed '/^\.\.\.$/,$d' "$exp" >"$T/head"
		sed '1,/^\.\.\.$/d' "$exp" >"$T/tail"
		hn=$(wc -l <"$T/head") tn=$(wc -l <"$T/tail")
		head -n "$hn" "$act" | cmp -s - "$T/head" && tail -n "$tn" "$act" | cmp -s - "$T/tail" ||
			{ echo "command $i:"; diff "$exp" "$act"
			  fail "the tour's output differs from the README (command $i)"; }
	else
		cmp -s "$exp" "$act" ||
			{ echo "command $i:"; diff "$exp" "$act"; fail "the tour's output differs from the README (command $i)"; }
	fi
	i=$((i + 1))
done
echo "ok: $n commands"

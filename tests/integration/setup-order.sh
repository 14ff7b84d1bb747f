#!/bin/sh
# setup-order.sh — issue 9: on a machine that has nothing but make and a
# shell, every goal that builds runs the package installer first
# (scripts/deps.sh: dpkg-query, then apt-get update and apt-get install),
# before autoreconf, configure or a compiler, and asks for the packages its
# goal needs; `make clean`, `distclean` and `help` install nothing.
#
# How it sees the order whatever the host has installed: the source tree as
# a clean clone would have it (the files git tracks or would track, with
# their work-tree contents; nothing configure or a build made) is copied to
# $T, and make runs there under `env -i` with a PATH that holds only what a
# bare Debian has (shell, coreutils, sed, grep, tar, make ...) and logging
# stand-ins:
#   dpkg-query  logs; every package is "not installed"
#   apt-get     logs; `install` fails unless `update` ran before it, as on a
#               machine whose package lists were never downloaded
#   id          uid 0 (root), or FAKE_UID for the not-root case
#   autoreconf, cc, gcc, pkg-config, clang ...  log and exit 127, as tools
#               that are not installed do
# so $T/log is the real order in which make ran them.  Each goal runs with
# and without -n on its own copy: GNU make runs the recipes that remake an
# included makefile ($(BUILD)/config.mk) even under -n.
# Needs git (to list the clean clone's files); skipped without it.
. "${SRCDIR:-.}/tests/integration/lib/common.sh"

SRCDIR=${SRCDIR:-$(pwd)}
command -v git >/dev/null 2>&1 || { echo "git not installed: cannot tell a clean clone's files"; exit 77; }
files=$(git -C "$SRCDIR" ls-files --cached --others --exclude-standard) ||
	fail "git ls-files in $SRCDIR"

# ---- the clean tree -----------------------------------------------------------
mkdir -p "$T/clean" "$T/bin" "$T/home" || fail "mkdir"
printf '%s\n' "$files" | while IFS= read -r f; do
	[ -e "$SRCDIR/$f" ] && printf '%s\n' "$f"
done >"$T/files"
(cd "$SRCDIR" && tar -cf - -T "$T/files") | (cd "$T/clean" && tar -xf -) ||
	fail "copying the clean tree"
[ -f "$T/clean/Makefile" ] || fail "no Makefile in the clean tree"
for g in configure config.h.in aclocal.m4 autom4te.cache build; do
	[ ! -e "$T/clean/$g" ] || fail "the clean tree has $g (is it tracked by git?)"
done

# ---- a bare machine's PATH ----------------------------------------------------
for tool in sh dash bash make cat cp mv rm mkdir rmdir touch ln ls chmod \
	sed grep head tail tr cut sort uniq wc dirname basename env expr \
	printf test true false sleep date uname readlink mktemp tee xargs \
	find awk mawk tar gzip cmp diff; do
	p=$(command -v "$tool" 2>/dev/null) || continue
	case $p in /*) ln -s "$p" "$T/bin/$tool" ;; esac
done
LOG=$T/log
cat >"$T/bin/dpkg-query" <<EOF
#!/bin/sh
echo "dpkg-query \$*" >>"$LOG"
echo "dpkg-query: no packages found matching \$*" >&2
exit 1
EOF
cat >"$T/bin/apt-get" <<EOF
#!/bin/sh
case " \$* " in
*" update "*)
	echo "apt-get \$*" >>"$LOG"
	: >"$T/lists" ;;
*" install "*)
	if [ -f "$T/lists" ]; then
		echo "apt-get \$* -> ok" >>"$LOG"
	else
		echo "apt-get \$* -> no package lists" >>"$LOG"
		echo "E: Unable to locate package \$*" >&2
		exit 100
	fi ;;
*)	echo "apt-get \$*" >>"$LOG" ;;
esac
exit 0
EOF
cat >"$T/bin/id" <<EOF
#!/bin/sh
u=\${FAKE_UID:-0}
case \$1 in -u) echo "\$u" ;; *) echo "uid=\$u" ;; esac
EOF
for tool in autoreconf autoconf autoheader aclocal automake m4 perl \
	cc gcc c99 c11 clang ar ld as cpp pkg-config pkgconf install \
	openssl tmux expect scepclient ip; do
	cat >"$T/bin/$tool" <<EOF
#!/bin/sh
echo "$tool \$* (not installed)" >>"$LOG"
echo "$tool: not installed" >&2
exit 127
EOF
done
chmod +x "$T/bin/"* || fail "chmod"

# ---- one run --------------------------------------------------------------------
# mk UID MAKE-ARGS...: make on a fresh copy of the clean tree as user UID;
# the log is $LOG, make's output $T/out, its status $rc.  Nothing of the
# caller's environment (BUILD, MAKEFLAGS ...) reaches it.
mk() {
	uid=$1
	shift
	rm -rf "$T/w" "$T/lists" "$LOG"
	: >"$LOG"
	cp -Rp "$T/clean" "$T/w" || fail "cp"
	(cd "$T/w" && timeout 60 env -i PATH="$T/bin" HOME="$T/home" LC_ALL=C TMPDIR="$T" \
		FAKE_UID="$uid" make "$@" >"$T/out" 2>&1 </dev/null)
	rc=$?
	what="make $*"
}

show() {
	echo "--- log of $what"
	cat "$LOG"
	echo "--- output of $what (status $rc)"
	tail -n 20 "$T/out"
}

bad() {
	show
	fail "$what: $*"
}

# as root: the first command is the installer, the installer succeeds (after
# an update) before anything else runs, and it asks for PKGS
installs_first() {
	pkgs=$1
	shift
	mk 0 "$@"
	first=$(head -n 1 "$LOG")
	case $first in
	dpkg-query*|apt-get*) ;;
	"") bad "nothing ran: the package installer never ran" ;;
	*) bad "runs \`$first\` before the package installer" ;;
	esac
	before=$(sed -n '/^apt-get .*install .*-> ok$/q;p' "$LOG")
	grep -q '^apt-get .*install .*-> ok$' "$LOG" ||
		bad "no successful apt-get install (needs an apt-get update on a machine that never ran one)"
	if printf '%s\n' "$before" | grep -qv -e '^dpkg-query ' -e '^apt-get '; then
		bad "runs $(printf '%s\n' "$before" | grep -v -e '^dpkg-query ' -e '^apt-get ' |
			head -n 1) before the packages are installed"
	fi
	line=$(grep -m1 '^apt-get .*install ' "$LOG")
	for p in $pkgs; do
		case " $line " in
		*" $p "*) ;;
		*) bad "apt-get install does not ask for $p" ;;
		esac
	done
}

BUILD_PKGS="gcc make autoconf automake pkg-config libc6-dev libssl-dev libedit-dev libmicrohttpd-dev"
for n in "" -n; do
	installs_first "$BUILD_PKGS tmux expect scep openssl" $n check
	installs_first "$BUILD_PKGS" $n run
	case $line in *" tmux "*) bad "make run installs the test packages" ;; esac
	installs_first "$BUILD_PKGS" $n
	installs_first "$BUILD_PKGS tmux" $n check-asan
	installs_first "$BUILD_PKGS" $n tests
	installs_first "$BUILD_PKGS tmux valgrind" $n bench
	installs_first "$BUILD_PKGS clang" $n fuzz
	installs_first "$BUILD_PKGS" $n BUILD=build-x tests

	# not root: the installer says what to run, fails, and nothing else runs
	for goal in check run; do
		mk 1000 $n $goal
		[ "$rc" -ne 0 ] || bad "exits 0 without its packages"
		grep -q 'apt-get install -y' "$T/out" || bad "does not print the apt-get install line"
		if grep -qv '^dpkg-query ' "$LOG"; then
			bad "runs $(grep -v '^dpkg-query ' "$LOG" | head -n 1) without its packages"
		fi
	done

	# goals that set nothing up
	for goal in clean distclean help; do
		mk 0 $n $goal
		[ "$rc" -eq 0 ] || bad "fails"
		[ ! -s "$LOG" ] || bad "runs $(head -n 1 "$LOG")"
	done
done
exit 0

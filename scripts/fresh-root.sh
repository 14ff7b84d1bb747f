#!/bin/sh
# scripts/fresh-root.sh — run the whole suite on a brand-new Debian machine.
#
#   sh scripts/fresh-root.sh [--keep] [--ref REF] [DIR]
#
# As root: debootstrap --variant=minbase (bookworm) into DIR (a new
# directory under /var/tmp by default), install `make` there and nothing
# else, delete the package lists again (a machine that never ran apt-get
# update), put a clean clone of this repository's REF (default HEAD: what is
# committed, not the work tree) in /root/pkish, and run `make check` in it as
# root, without a terminal, with an empty environment.  The root gets its
# own /proc, /sys, /dev (a tmpfs with the usual nodes, a new devpts, /dev/shm)
# and /run (the netns interop tests need /run/netns); everything runs in
# private mount and PID namespaces, so the mounts and any process left
# behind go away with the script however it ends (its exit trap unmounts and
# kills them first anyway).  The network is the host's: apt-get inside
# downloads from FRESH_MIRROR, and the tests use 127.0.0.1.
#
# Prints the time of each step and, as its last line, make check's result
# line ("N passed, N failed"); the whole output goes to DIR.log.  Exit status:
# make check's.
# --keep leaves DIR (and its clone) for a look; otherwise it is removed.
# FRESH_MIRROR (http://deb.debian.org/debian), FRESH_SUITE (bookworm).
set -eu

MIRROR=${FRESH_MIRROR:-http://deb.debian.org/debian}
SUITE=${FRESH_SUITE:-bookworm}
SRC=$(cd "$(dirname "$0")/.." && pwd)

usage() {
	echo "usage: sh scripts/fresh-root.sh [--keep] [--ref REF] [DIR]" >&2
	exit 2
}
say() {
	echo "fresh-root: $*"
}
die() {
	echo "fresh-root: $*" >&2
	exit 1
}

keep=
ref=HEAD
while [ $# -gt 0 ]; do
	case $1 in
	--keep) keep=1 ;;
	--ref) [ $# -ge 2 ] || usage; ref=$2; shift ;;
	-*) usage ;;
	*) break ;;
	esac
	shift
done
[ $# -le 1 ] || usage
[ "$(id -u)" -eq 0 ] || die "needs root (debootstrap, chroot, mounts)"

# ---- outside: tools, then the same script again in new namespaces -------------
if [ -z "${FRESH_ROOT_INSIDE-}" ]; then
	command -v git >/dev/null 2>&1 || die "needs git (to clone $SRC)"
	git -C "$SRC" rev-parse --verify -q "$ref^{commit}" >/dev/null ||
		die "$ref is not a commit of $SRC"
	if ! command -v debootstrap >/dev/null 2>&1; then
		say "installing debootstrap"
		export DEBIAN_FRONTEND=noninteractive
		apt-get update -qq || apt-get update
		apt-get install -y -qq --no-install-recommends debootstrap
	fi
	if [ $# -eq 1 ]; then
		R=$1
		[ ! -e "$R" ] || [ -z "$(ls -A "$R")" ] || die "$R exists and is not empty"
		mkdir -p "$R"
	else
		R=$(mktemp -d /var/tmp/pkish-fresh-root.XXXXXX)
	fi
	R=$(cd "$R" && pwd)
	[ "$R" != / ] || die "not into /"
	set --
	[ -z "$keep" ] || set -- --keep
	FRESH_ROOT_INSIDE=1 exec unshare --mount --pid --fork --mount-proc \
		--propagation private sh "$0" "$@" --ref "$ref" "$R"
fi

# ---- inside: PID 1 of a new PID namespace, in a private mount namespace ---------
R=$1
LOG=$R.log
: >"$LOG"
MOUNTS=
RESULT=

# mnt ARGS... TARGET: mount, and remember TARGET for the exit trap
mnt() {
	for a; do t=$a; done
	mkdir -p "$t"
	mount "$@"
	MOUNTS="$t $MOUNTS"
}

finish() {
	rc=$?
	trap - EXIT INT TERM
	# every other process of this PID namespace was started by this script
	for p in /proc/[0-9]*; do
		p=${p#/proc/}
		[ "$p" -eq $$ ] || kill -9 "$p" 2>/dev/null || true
	done
	for m in $MOUNTS; do
		umount "$m" 2>/dev/null || umount -l "$m" 2>/dev/null || true
	done
	if [ -z "$keep" ]; then
		if awk -v r="$R" '$5 == r || index($5, r "/") == 1 { f = 1 } END { exit !f }' \
			/proc/self/mountinfo; then
			echo "fresh-root: still mounted under $R; not removing it" >&2
		else
			rm -rf --one-file-system "$R"
		fi
	else
		say "kept $R"
	fi
	say "log: $LOG"
	[ -z "$RESULT" ] || echo "$RESULT"
	exit "$rc"
}
trap finish EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

now() {
	date +%s
}
step() { # step NAME COMMAND...: run, log, time; fail with the log's tail
	name=$1
	shift
	t0=$(now)
	echo "==== $name" >>"$LOG"
	if "$@" >>"$LOG" 2>&1 </dev/null; then
		say "$name: $(($(now) - t0)) s"
	else
		st=$?
		tail -n 40 "$LOG" >&2
		die "$name failed (status $st) after $(($(now) - t0)) s"
	fi
}
inroot() {
	chroot "$R" /usr/bin/env -i HOME=/root \
		PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin "$@"
}

total0=$(now)
say "debootstrap --variant=minbase $SUITE $R $MIRROR"
step debootstrap debootstrap --variant=minbase "$SUITE" "$R" "$MIRROR"

cp /etc/resolv.conf "$R/etc/resolv.conf"
[ -s "$R/etc/hosts" ] || printf '127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\n' >"$R/etc/hosts"

# the root is a mount point of its own: `ip netns exec` and `ip -n` run
# `mount --make-rslave /`, which fails on a mere directory
mnt --bind "$R" "$R"
mnt -t proc proc "$R/proc"
mnt -t sysfs sysfs "$R/sys"
mnt -t tmpfs -o mode=0755,nosuid dev "$R/dev"
for n in null:1:3 zero:1:5 full:1:7 random:1:8 urandom:1:9 tty:5:0; do
	IFS=: read -r name maj min <<EOF
$n
EOF
	mknod -m 0666 "$R/dev/$name" c "$maj" "$min"
done
ln -s pts/ptmx "$R/dev/ptmx"
ln -s /proc/self/fd "$R/dev/fd"
ln -s /proc/self/fd/0 "$R/dev/stdin"
ln -s /proc/self/fd/1 "$R/dev/stdout"
ln -s /proc/self/fd/2 "$R/dev/stderr"
mnt -t devpts -o newinstance,ptmxmode=0666,mode=0620,gid=5 devpts "$R/dev/pts"
mnt -t tmpfs -o mode=1777,nosuid,nodev shm "$R/dev/shm"
mnt -t tmpfs -o mode=0755,nosuid,nodev run "$R/run"

# a Debian machine with make and nothing else, lists never downloaded
step "install make" inroot sh -c 'export DEBIAN_FRONTEND=noninteractive &&
	apt-get update -qq && apt-get install -y -qq --no-install-recommends make &&
	apt-get clean && rm -rf /var/lib/apt/lists/*'

step "clone $(git -C "$SRC" rev-parse --short "$ref")" \
	sh -c 'git clone -q --no-hardlinks "$1" "$2" && git -C "$2" checkout -q --detach "$3"' \
	sh "$SRC" "$R/root/pkish" "$(git -C "$SRC" rev-parse "$ref")"

say "make check (output in $LOG)"
t0=$(now)
echo "==== make check" >>"$LOG"
set +e
inroot sh -c 'cd /root/pkish && make check' >>"$LOG" 2>&1 </dev/null
rc=$?
set -e
say "make check: $(($(now) - t0)) s, status $rc"
say "total: $(($(now) - total0)) s"
# make check's "N passed, N failed", printed last (by the exit trap)
RESULT=$(grep -E '^[0-9]+ passed, [0-9]+ failed$' "$LOG" | tail -n 1)
exit "$rc"

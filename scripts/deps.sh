#!/bin/sh
# Install the Debian packages pkish needs, or say which are missing.
#   deps.sh build   what `make` / `make run` need
#   deps.sh check   build + what `make check` needs (peers, pty tools)
#   deps.sh bench   check + what `make bench` needs
#   deps.sh fuzz    build + clang and libFuzzer for `make fuzz`
# Several profiles install the union (`deps.sh check fuzz`).  The Makefile
# runs this before anything else, so it may use only what a bare Debian has
# (a POSIX shell, dpkg-query, apt-get).  As root the missing packages are
# installed with apt-get, after an `apt-get update` (a fresh machine may
# never have downloaded its package lists); otherwise the one apt-get line
# that would install them is printed and the script fails.
set -e
[ $# -gt 0 ] || set -- build
pkgs="gcc make autoconf automake pkg-config libc6-dev libssl-dev libedit-dev libmicrohttpd-dev"
for profile in "$@"; do
case $profile in
  build|check|bench|fuzz) ;;
  *) echo "deps.sh: unknown profile $profile (build, check, bench, fuzz)" >&2; exit 2 ;;
esac
case $profile in
  check|bench) pkgs="$pkgs openssl tmux expect scep iproute2 procps diffutils certmonger" ;;
esac
case $profile in
  bench) pkgs="$pkgs valgrind time" ;;
  fuzz) pkgs="$pkgs clang libclang-rt-14-dev" ;;
esac
done
if ! command -v dpkg-query >/dev/null 2>&1; then
  echo "deps.sh: not a Debian system; make sure these are installed: $pkgs" >&2
  exit 0
fi
missing=
seen=" "
for p in $pkgs; do
  case $seen in *" $p "*) continue ;; esac
  seen="$seen$p "
  s=$(dpkg-query -W -f='${db:Status-Status}' "$p" 2>/dev/null || true)
  [ "$s" = installed ] || missing="$missing $p"
done
[ -z "$missing" ] && exit 0
if [ "$(id -u)" -ne 0 ]; then
  echo "pkish needs Debian packages that are not installed. Run:" >&2
  echo "  sudo apt-get install -y$missing" >&2
  exit 1
fi
echo "deps.sh: installing$missing"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq || apt-get update
apt-get install -y -qq --no-install-recommends $missing

## Must fail: the setup command fails.
## setup: echo "setup says no" >&2; exit 5
R#env
PKISH_TEST=1

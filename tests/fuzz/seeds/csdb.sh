#!/bin/sh
# seeds/csdb.sh — writes the seeds of fuzz_csdb (tests/fuzz/corpus/csdb/):
# the database directory of the target's own server after a real run at
# each database level (two requests granted, one revoked, one pending,
# a clean stop), in the target's input format.  Run from the repository
# root after a build: sh tests/fuzz/seeds/csdb.sh [BUILD]
set -e
b=${1:-build}
mkdir -p tests/fuzz/corpus/csdb
PKISH_FUZZ_MKSEED=tests/fuzz/corpus/csdb "$b/tests/test_fuzz_csdb" /dev/null

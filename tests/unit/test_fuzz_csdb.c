/*
 * test_fuzz_csdb.c — the committed inputs of the fuzz_csdb target (a
 * certificate server starting on a database directory of fuzzed files),
 * replayed in the normal build: tests/fuzz/corpus/csdb/ and
 * tests/fuzz/regress/csdb/ (tests/fuzz/replay.h).
 */
#include "tests/fuzz/fuzz_csdb.c"
#include "tests/fuzz/sandbox.c"
#include "tests/fuzz/replay.h"

FUZZ_REPLAY("csdb")

/*
 * test_fuzz_cs.c — the committed inputs of the fuzz_cs target (the
 * certificate server's SCEP decisions), replayed in the normal build:
 * tests/fuzz/corpus/cs/ and tests/fuzz/regress/cs/ (tests/fuzz/replay.h).
 */
#include "tests/fuzz/fuzz_cs.c"
#include "tests/fuzz/sandbox.c"
#include "tests/fuzz/replay.h"

FUZZ_REPLAY("cs")

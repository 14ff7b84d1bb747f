/*
 * test_fuzz_certrep.c — the committed inputs of the fuzz_certrep target (scep/
 * message layer), replayed in the normal build: tests/fuzz/corpus/certrep/
 * and tests/fuzz/regress/certrep/ (tests/fuzz/replay.h).
 */
#include "tests/fuzz/fuzz_certrep.c"
#include "tests/fuzz/sandbox.c"
#include "tests/fuzz/replay.h"

FUZZ_REPLAY("certrep")

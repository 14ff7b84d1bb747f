/*
 * test_fuzz_pkimessage.c — the committed inputs of the fuzz_pkimessage target (scep/
 * message layer), replayed in the normal build: tests/fuzz/corpus/pkimessage/
 * and tests/fuzz/regress/pkimessage/ (tests/fuzz/replay.h).
 */
#include "tests/fuzz/fuzz_pkimessage.c"
#include "tests/fuzz/sandbox.c"
#include "tests/fuzz/replay.h"

FUZZ_REPLAY("pkimessage")

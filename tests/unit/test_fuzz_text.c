/*
 * test_fuzz_text.c — the committed inputs of the fuzz_text target (scep/
 * message layer), replayed in the normal build: tests/fuzz/corpus/text/
 * and tests/fuzz/regress/text/ (tests/fuzz/replay.h).
 */
#include "tests/fuzz/fuzz_text.c"
#include "tests/fuzz/sandbox.c"
#define FUZZ_REPLAY_NO_INIT
#include "tests/fuzz/replay.h"

FUZZ_REPLAY("text")

/*
 * test_fuzz_config.c — the committed inputs of the fuzz_config target
 * (nvram:startup-config replayed at boot, saved and replayed again),
 * replayed in the normal build: tests/fuzz/corpus/config/ and
 * tests/fuzz/regress/config/ (tests/fuzz/replay.h).
 */
#include "tests/fuzz/fuzz_config.c"
#include "tests/fuzz/sandbox.c"
#include "tests/fuzz/replay.h"

FUZZ_REPLAY("config")

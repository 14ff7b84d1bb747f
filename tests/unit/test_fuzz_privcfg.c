/*
 * test_fuzz_privcfg.c — the committed inputs of the fuzz_privcfg target
 * (nvram:private-config read at boot and reload, written back by write
 * memory), replayed in the normal build: tests/fuzz/corpus/privcfg/ and
 * tests/fuzz/regress/privcfg/ (tests/fuzz/replay.h).
 */
#include "tests/fuzz/fuzz_privcfg.c"
#include "tests/fuzz/sandbox.c"
#include "tests/fuzz/replay.h"

FUZZ_REPLAY("privcfg")

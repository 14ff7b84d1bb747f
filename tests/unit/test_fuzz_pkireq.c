/*
 * test_fuzz_pkireq.c — the committed inputs of the fuzz_pkireq target
 * (nvram:pki-requests restored at boot), replayed in the normal build:
 * tests/fuzz/corpus/pkireq/ and tests/fuzz/regress/pkireq/
 * (tests/fuzz/replay.h).
 */
#include "tests/fuzz/fuzz_pkireq.c"
#include "tests/fuzz/sandbox.c"
#include "tests/fuzz/replay.h"

FUZZ_REPLAY("pkireq")

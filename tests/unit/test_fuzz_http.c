/*
 * test_fuzz_http.c — the committed inputs of the fuzz_http target (the
 * HTTP request path, scep/http_route.c), replayed in the normal build:
 * tests/fuzz/corpus/http/ and tests/fuzz/regress/http/ (tests/fuzz/replay.h).
 */
#include "tests/fuzz/fuzz_http.c"
#include "tests/fuzz/sandbox.c"
#include "tests/fuzz/replay.h"

FUZZ_REPLAY("http")

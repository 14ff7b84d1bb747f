/*
 * test_fuzz_cli.c — the committed inputs of the fuzz_cli target (the CLI
 * line parser and its handlers in every mode), replayed in the normal
 * build: tests/fuzz/corpus/cli/ and tests/fuzz/regress/cli/
 * (tests/fuzz/replay.h).
 */
#include "tests/fuzz/fuzz_cli.c"
#include "tests/fuzz/sandbox.c"
#include "tests/fuzz/replay.h"

FUZZ_REPLAY("cli")

/*
 * fuzz_config.c — libFuzzer target for the configuration the device boots
 * from: nvram:startup-config, replayed by the boot (cli_boot: the reader,
 * line ends, NUL bytes, a missing `end`, certificate hex blocks, every
 * command and its handler; the PKI's end of configuration: servers
 * enabled, keys reconciled with the certificates), on a whole device in a
 * temporary directory (tests/fuzz/cli_env.h, sandbox.c).
 *
 * Input: the startup-config, byte for byte.  After the boot the harness
 * saves the running-config (`write memory`) and reloads.
 * Invariants (abort = finding): what pkish writes is what it reads: the
 * saved configuration boots again without a single problem (no line
 * refused, nothing truncated, no open hex block:
 * pk_device_config_damaged() is 0) and gives the same running-config; no
 * crash, leak, hang or undefined behaviour.  Seeds:
 * tests/fuzz/corpus/config/ (startup-configs written by test runs).
 */
#include <stdint.h>

#include "tests/fuzz/cli_env.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	fzc_init("config");
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *first, *again;
	unsigned damaged;

	fzc_reset(CLI_S_CONSOLE, 1, (const char *)data, size);
	first = fzc_nvgen();
	pk_device_lock(fzc.d);
	FZ_CHECK(cli_save_config(fzc.s) == 0);
	pk_device_unlock(fzc.d);
	fzc_reload(CLI_S_CONSOLE);
	pk_device_lock(fzc.d);
	damaged = pk_device_config_damaged(fzc.d);
	pk_device_unlock(fzc.d);
	if (damaged && fzc.trace)
		fprintf(stderr, "saved configuration:\n%s", first);
	FZ_CHECK(damaged == 0);
	again = fzc_nvgen();
	if (strcmp(first, again) != 0 && fzc.trace)
		fprintf(stderr, "before:\n%s\nafter the reload:\n%s", first, again);
	FZ_CHECK(strcmp(first, again) == 0);
	free(first);
	free(again);
	cli_sess_free(fzc.s);
	fzc.s = NULL;
	return 0;
}

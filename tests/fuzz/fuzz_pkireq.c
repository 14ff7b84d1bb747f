/*
 * fuzz_pkireq.c — libFuzzer target for nvram:pki-requests, the requests a
 * spoke had outstanding when it stopped, read back at boot
 * (scep/client_store.c cl_store_restore: the record reader, hex and
 * base64 fields, the PKCS #10 and signer certificate, and what resumes a
 * request on its trustpoint), on a whole device in a temporary directory
 * (tests/fuzz/cli_env.h, sandbox.c): the spoke of a real run while its
 * enrollment was pending (tests/fuzz/data/pkireq/: its startup-config and
 * private-config, test keys), with the fuzzed bytes as its pki-requests.
 *
 * After the boot: `show crypto pki certificates`, `timers`, `trustpoints
 * status`; a second reload; then the clock moves ten minutes (the POLL
 * runs; the sandbox refuses its connection) and the timers are shown.
 * Invariants (abort = finding): the file the boot rewrites (what the
 * trustpoints hold) reads back as itself: a second reload leaves it byte
 * for byte the same; nothing printed holds a NUL byte; no crash, leak,
 * hang or undefined behaviour.  Seeds: tests/fuzz/corpus/pkireq/.
 */
#include <stdint.h>

#include "tests/fuzz/cli_env.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static char *startup, *privcfg;
static size_t startup_len, privcfg_len;
static char reqfile[400];

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	fzc_init("pkireq");
	startup = fz_file("tests/fuzz/data/pkireq/startup-config", &startup_len);
	privcfg = fz_file("tests/fuzz/data/pkireq/private-config", &privcfg_len);
	snprintf(reqfile, sizeof reqfile, "%s/nvram/pki-requests", fzc.dev);
	return 0;
}

static void put(const char *name, const void *data, size_t len)
{
	char path[400];

	snprintf(path, sizeof path, "%s/nvram/%s", fzc.dev, name);
	if (pk_store_write(path, data, len, 0600) < 0)
		fz_die("cannot write a device file");
}

static char *get_requests(size_t *len)
{
	char *data = NULL;

	*len = 0;
	if (pk_store_read(reqfile, &data, len) < 0) {
		pk_err_clear();
		return NULL;
	}
	return data;
}

static void show(void)
{
	cli_exec(fzc.s, "show crypto pki certificates");
	cli_exec(fzc.s, "show crypto pki timers");
	cli_exec(fzc.s, "show crypto pki trustpoints status");
	cli_flush_async(fzc.s);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *first, *again, sub[400];
	size_t n1, n2;

	fuzz_sandbox_reset();
	if (fzc.s) {
		cli_sess_free(fzc.s);
		fzc.s = NULL;
	}
	pk_device_lock(fzc.d);
	pk_device_reset(fzc.d);
	pk_device_clock_set(fzc.d, tmr_from_civil(2020, 1, 1, 12, 0, 30));
	pk_device_unlock(fzc.d);
	snprintf(sub, sizeof sub, "%s/nvram", fzc.dev);
	fz_rmtree(sub, 0);
	snprintf(sub, sizeof sub, "%s/flash", fzc.dev);
	fz_rmtree(sub, 0);
	put("startup-config", startup, startup_len);
	put("private-config", privcfg, privcfg_len);
	put("pki-requests", data, size);
	fzc.s = cli_sess_new(fzc.d, &fzc_io, &fzc, "console", CLI_S_CONSOLE);
	if (!fzc.s)
		fz_die("cannot make a session");
	fzc.in.n = 0;
	cli_set_priv(fzc.s, 1);
	pk_device_lock(fzc.d);
	pk_device_reset(fzc.d);        /* keys from this private-config */
	pk_device_unlock(fzc.d);
	cli_boot(fzc.s);
	cli_flush_async(fzc.s);
	show();
	first = get_requests(&n1);
	fzc_reload(CLI_S_CONSOLE);
	again = get_requests(&n2);
	if (fzc.trace && (n1 != n2 || (n1 && memcmp(first, again, n1) != 0)))
		fprintf(stderr, "after the boot:\n%.*s\nafter a reload:\n%.*s\n", (int)n1,
			first ? first : "", (int)n2, again ? again : "");
	FZ_CHECK((first == NULL) == (again == NULL));
	FZ_CHECK(n1 == n2 && (!n1 || memcmp(first, again, n1) == 0));
	free(first);
	free(again);
	pk_device_lock(fzc.d);
	pk_device_clock_set(fzc.d, tmr_from_civil(2020, 1, 1, 12, 10, 30));
	pk_device_unlock(fzc.d);
	show();
	cli_sess_free(fzc.s);
	fzc.s = NULL;
	return 0;
}

/*
 * fuzz_privcfg.c — libFuzzer target for nvram:private-config, the key
 * store read at boot and at every reload (core/keys.c pki_keys_load, by
 * pk_pki_open and by the device reset), on a device in a temporary
 * directory (tmpfs): the fuzzed bytes are the file, then the device
 * reloads.
 *
 * Invariants (abort = finding): the keys read are in strict label order,
 * each with a label a key may have, a private key of the size it says and
 * a public key that encodes; `write memory` (pk_pki_saved) writes a file
 * that reads back as the same keys (labels, sizes, exportable, generation
 * time, key material), all saved, nothing retired; no crash, leak or
 * undefined behaviour.  Seeds: tests/fuzz/corpus/privcfg/ (files of a test
 * run: 512-bit test keys).
 */
#include <stdint.h>

#include "core/pk.h"
#include "core/pki_int.h"
#include "tests/fuzz/env.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
void fuzz_sandbox_reset(void);

static pk_device *dev;
static pk_pki *pki;
static char keyfile[400];

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	char dir[320];

	(void)argc;
	(void)argv;
	snprintf(dir, sizeof dir, "%s/dev", fz_dir("privcfg"));
	if (pk_device_open(dir, 1, &dev) < 0 || pk_pki_open(dev, &pki) < 0)
		fz_die("cannot open the device");
	snprintf(keyfile, sizeof keyfile, "%s/nvram/private-config", dir);
	return 0;
}

struct snap {
	size_t n;
	struct pk_key_view v[64];
	EVP_PKEY *k[64];
};

static void check_keys(struct snap *s)
{
	size_t i, n = pk_key_count(pki);
	unsigned char *der;
	size_t len;

	s->n = 0;
	for (i = 0; i < n; i++) {
		pk_key *k = pk_key_at(pki, i);
		struct pk_key_view v;

		FZ_CHECK(k != NULL);
		pk_key_view(k, &v);
		FZ_CHECK(v.label[0] && memchr(v.label, '\0', sizeof v.label));
		if (s->n)
			FZ_CHECK(strcmp(s->v[s->n - 1].label, v.label) < 0);
		FZ_CHECK(pk_key_find(pki, v.label) == k);
		FZ_CHECK(pk_key_evp(k) && EVP_PKEY_get_bits(pk_key_evp(k)) == v.bits);
		FZ_CHECK(pk_key_spki(k, &der, &len) == 0 && len > 0);
		free(der);
		if (s->n < 64) {
			s->v[s->n] = v;
			s->k[s->n++] = pk_key_evp(k);
		}
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct snap before, after;
	size_t i;

	fuzz_sandbox_reset();
	if (pk_store_write(keyfile, data, size, 0600) < 0)
		fz_die("cannot write the private-config");
	pk_device_lock(dev);
	pk_device_reset(dev);               /* keys read back from the file */
	check_keys(&before);
	for (i = 0; i < before.n; i++)
		EVP_PKEY_up_ref(before.k[i]);
	pk_pki_saved(pki);                  /* write memory */
	pk_device_reset(dev);
	check_keys(&after);
	FZ_CHECK(pki->nretired == 0);
	if (before.n < 64) {
		FZ_CHECK(after.n == before.n);
		for (i = 0; i < after.n; i++) {
			FZ_CHECK(strcmp(after.v[i].label, before.v[i].label) == 0);
			FZ_CHECK(after.v[i].bits == before.v[i].bits);
			FZ_CHECK(after.v[i].exportable == before.v[i].exportable);
			FZ_CHECK(after.v[i].generated == before.v[i].generated);
			FZ_CHECK(after.v[i].saved);
			FZ_CHECK(EVP_PKEY_eq(after.k[i], before.k[i]) == 1);
		}
	}
	for (i = 0; i < before.n; i++)
		EVP_PKEY_free(before.k[i]);
	pk_device_unlock(dev);
	pk_err_clear();
	return 0;
}

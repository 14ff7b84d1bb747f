/*
 * keys.c — the RSA key store of a device (contract: pki.h "RSA keys";
 * spec §1.2, §5.8).
 *
 * Every key lives in memory (sorted by label) and in private storage,
 * DIR/nvram/private-config, mode 0600, rewritten whole and atomically on
 * every change, so keys survive reload, restart and kill -9.  The file is
 * text; per key a header then an unencrypted PKCS #8 PEM block:
 *
 *     ! pkish private-config: RSA key pairs
 *     key ROOTCA
 *     bits 1024
 *     exportable 0
 *     saved 1
 *     generated 1444392856006
 *     -----BEGIN PRIVATE KEY-----
 *     ...
 *     -----END PRIVATE KEY-----
 *
 * `saved` is what `show crypto key mypubkey rsa` calls the storage device:
 * 0 ("not specified") for a key made since the last `write memory`.
 * A storage failure leaves both memory and file as they were.
 *
 * Keys and certificates change together (issue 9): the certificates live
 * in the startup-config, written by `write memory`; keys are written at
 * once.  So a saved key that is replaced, renamed over or deleted (a
 * renewal with `regenerate` turning X# into X, a CA rollover activating
 * NAME# as NAME) is not dropped from the file: it stays as a *retired*
 * entry (`retired 1`) until the next `write memory`.  After a boot, when
 * the startup-config's certificates are in, pki_keys_reconcile() gives each
 * certificate its own key again — from the live keys or the retired ones —
 * so a reload without saving, or a kill -9 in the middle of a renewal,
 * never leaves a certificate whose key is gone or wrong.  `crypto key
 * zeroize` is the one deliberate destruction: nothing of it is retired.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/provider.h>
#include <openssl/decoder.h>

#include "core/pki_int.h"
#include "core/text.h"

#define KEYFILE_HEADER "! pkish private-config: RSA key pairs\n"

static void keyfile_path(const pk_pki *p, char *buf, size_t n)
{
	snprintf(buf, n, "%s/nvram/private-config", pk_device_dir(p->d));
}

static void key_free(pk_key *k)
{
	if (!k)
		return;
	EVP_PKEY_free(k->pkey);
	free(k);
}

/* ---- retired keys ---------------------------------------------------------------- */

static int same_key(const pk_key *a, EVP_PKEY *b)
{
	return a && b && EVP_PKEY_eq(a->pkey, b) == 1;
}

/* Is this key material live (under any label) or retired already? */
static int key_known(const pk_pki *p, EVP_PKEY *k, const pk_key *skip_live)
{
	size_t i;

	for (i = 0; i < p->nkeys; i++)
		if (p->keys[i] != skip_live && same_key(p->keys[i], k))
			return 1;
	for (i = 0; i < p->nretired; i++)
		if (same_key(p->retired[i], k))
			return 1;
	return 0;
}

/* Keep a copy of a saved key that leaves the live set (in memory; the
 * caller writes the file), unless its material stays known anyway.
 * Returns 0, or PK_ENOMEM. */
static int retire(pk_pki *p, const pk_key *k)
{
	pk_key *r, **nr;

	if (!k->saved || key_known(p, k->pkey, k))
		return 0;
	if (p->nretired == p->capretired) {
		size_t nc = p->capretired ? p->capretired * 2 : 4;
		nr = realloc(p->retired, nc * sizeof *nr);
		if (!nr)
			return pk_err_set(PK_ENOMEM, "out of memory");
		p->retired = nr;
		p->capretired = nc;
	}
	r = malloc(sizeof *r);
	if (!r)
		return pk_err_set(PK_ENOMEM, "out of memory");
	*r = *k;
	EVP_PKEY_up_ref(r->pkey);
	p->retired[p->nretired++] = r;
	return 0;
}

/* Undo the last retire() (the file write that followed it failed). */
static void unretire_last(pk_pki *p, size_t before)
{
	while (p->nretired > before)
		key_free(p->retired[--p->nretired]);
}

static void retired_free(pk_pki *p)
{
	size_t i;

	for (i = 0; i < p->nretired; i++)
		key_free(p->retired[i]);
	free(p->retired);
	p->retired = NULL;
	p->nretired = p->capretired = 0;
}

/* A label read back from private-config: what earlier versions accepted
 * (no blank, no C0 control, no DEL), so that no saved key is lost. */
static int loadable_label(const char *label)
{
	size_t i, n = strlen(label);

	if (n == 0 || n >= sizeof ((pk_key *)0)->label)
		return 0;
	for (i = 0; i < n; i++)
		if ((unsigned char)label[i] <= ' ' || label[i] == 0x7f)
			return 0;
	return 1;
}

/* A new label (generate, import, rename): also valid UTF-8 without C1
 * controls (docs/commands.md "Names"). */
static int valid_label(const char *label)
{
	return loadable_label(label) && pk_name_chars_ok(label);
}

static int label_error(const char *label)
{
	size_t n = strlen(label);

	if (n == 0 || n >= sizeof ((pk_key *)0)->label)
		return pk_err_set(PK_EINVAL, "invalid key label");
	return pk_err_set(PK_EINVAL, "Key label contains one or more illegal characters.");
}

int pk_key_label_check(const char *label)
{
	return valid_label(label) ? 0 : label_error(label);
}

/* Index of label, or -(insertion point) - 1. */
static long key_index(const pk_pki *p, const char *label)
{
	size_t lo = 0, hi = p->nkeys;

	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		int c = strcmp(p->keys[mid]->label, label);
		if (c == 0)
			return (long)mid;
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return -(long)lo - 1;
}

/* Room for one more key pointer. */
static int keys_grow(pk_pki *p)
{
	size_t nc;
	pk_key **nk;

	if (p->nkeys < p->capkeys)
		return 0;
	nc = p->capkeys ? p->capkeys * 2 : 8;
	nk = realloc(p->keys, nc * sizeof *nk);
	if (!nk)
		return pk_err_set(PK_ENOMEM, "out of memory");
	p->keys = nk;
	p->capkeys = nc;
	return 0;
}

/* ---- the private-config file ------------------------------------------------ */

static int emit_key(BIO *b, const pk_key *k, int retired)
{
	return BIO_printf(b, "key %s\nbits %d\nexportable %d\nsaved %d\ngenerated %lld\n%s",
			  k->label, k->bits, k->exportable, k->saved, (long long)k->generated,
			  retired ? "retired 1\n" : "") > 0 &&
	       PEM_write_bio_PKCS8PrivateKey(b, k->pkey, NULL, NULL, 0, NULL, NULL);
}

/* Serialise the key set, with `extra` (not yet in the set) replacing or
 * added under its label and `skip` left out; then write it atomically. */
static int keyfile_write(pk_pki *p, const pk_key *extra, const pk_key *skip)
{
	BIO *b = BIO_new(BIO_s_mem());
	char path[4096], *data;
	long len;
	size_t i;
	int rc = PK_ENOMEM, done_extra = 0;

	if (!b)
		return pk_err_set(PK_ENOMEM, "out of memory");
	if (BIO_puts(b, KEYFILE_HEADER) <= 0)
		goto out;
	for (i = 0; i < p->nkeys; i++) {
		const pk_key *k = p->keys[i];

		if (extra && !done_extra && strcmp(extra->label, k->label) <= 0) {
			done_extra = 1;
			if (!emit_key(b, extra, 0))
				goto out;
		}
		if (k == skip || (extra && strcmp(extra->label, k->label) == 0))
			continue;
		if (!emit_key(b, k, 0))
			goto out;
	}
	if (extra && !done_extra && !emit_key(b, extra, 0))
		goto out;
	for (i = 0; i < p->nretired; i++)
		if (!emit_key(b, p->retired[i], 1))
			goto out;
	len = BIO_get_mem_data(b, &data);
	keyfile_path(p, path, sizeof path);
	rc = pk_store_write(path, data, (size_t)len, 0600);
out:
	if (rc == PK_ENOMEM)
		pk_err_ossl(PK_ENOMEM, "cannot encode the key store");
	BIO_free(b);
	return rc;
}

int pki_keys_load(pk_pki *p)
{
	char path[4096], *data = NULL, *s, *line;
	pk_key *cur = NULL;
	int rc, cur_retired = 0;

	keyfile_path(p, path, sizeof path);
	rc = pk_store_read(path, &data, NULL);
	if (rc == PK_ENOENT)
		return 0;
	if (rc < 0)
		return rc;
	for (s = data; s && *s; ) {
		char *nl = strchr(s, '\n');
		line = s;
		if (nl)
			*nl = '\0';
		s = nl ? nl + 1 : NULL;
		if (strncmp(line, "key ", 4) == 0) {
			key_free(cur);
			cur = calloc(1, sizeof *cur);
			if (!cur)
				break;
			snprintf(cur->label, sizeof cur->label, "%s", line + 4);
		} else if (cur && strncmp(line, "bits ", 5) == 0) {
			cur->bits = atoi(line + 5);
		} else if (cur && strncmp(line, "exportable ", 11) == 0) {
			cur->exportable = atoi(line + 11);
		} else if (cur && strncmp(line, "saved ", 6) == 0) {
			cur->saved = atoi(line + 6);
		} else if (cur && strncmp(line, "generated ", 10) == 0) {
			cur->generated = strtoll(line + 10, NULL, 10);
		} else if (cur && strcmp(line, "retired 1") == 0) {
			cur_retired = 1;
		} else if (cur && strcmp(line, "-----BEGIN PRIVATE KEY-----") == 0) {
			/* the PEM block runs to its END line; hand it to OpenSSL whole */
			char *end = s ? strstr(s, "-----END PRIVATE KEY-----") : NULL;
			BIO *b;
			long idx;

			if (!end)
				break;
			if (nl)
				*nl = '\n';
			end += strlen("-----END PRIVATE KEY-----");
			b = BIO_new_mem_buf(line, (int)(end - line));
			cur->pkey = b ? PEM_read_bio_PrivateKey(b, NULL, NULL, NULL) : NULL;
			BIO_free(b);
			s = *end ? end + 1 : NULL;
			idx = key_index(p, cur->label);
			if (cur_retired && cur->pkey && loadable_label(cur->label)) {
				pk_key **nr = realloc(p->retired, (p->nretired + 1) * sizeof *nr);
				cur_retired = 0;
				if (!nr)
					break;
				cur->bits = EVP_PKEY_get_bits(cur->pkey);
				p->retired = nr;
				p->retired[p->nretired++] = cur;
				p->capretired = p->nretired;
				cur = NULL;
				continue;
			}
			cur_retired = 0;
			if (!cur->pkey || !loadable_label(cur->label) || idx >= 0) {
				pk_log(PK_LOG_ERR, "%%CRYPTO-3-KEYSTORE: skipping an unreadable key in %s",
				       path);
				ERR_clear_error();
				key_free(cur);
				cur = NULL;
				continue;
			}
			cur->bits = EVP_PKEY_get_bits(cur->pkey);
			if (keys_grow(p) < 0)
				break;
			idx = -idx - 1;
			memmove(p->keys + idx + 1, p->keys + idx,
				(p->nkeys - (size_t)idx) * sizeof *p->keys);
			p->keys[idx] = cur;
			p->nkeys++;
			cur = NULL;
		}
	}
	key_free(cur);
	free(data);
	return 0;
}

void pki_keys_free(pk_pki *p)
{
	size_t i;

	for (i = 0; i < p->nkeys; i++)
		key_free(p->keys[i]);
	free(p->keys);
	p->keys = NULL;
	p->nkeys = p->capkeys = 0;
	retired_free(p);
}

int pki_keys_mark_saved(pk_pki *p)
{
	size_t i;
	int *old, rc, dirty = 0;

	pk_key **retired = p->retired;
	size_t nretired = p->nretired;

	old = malloc((p->nkeys + 1) * sizeof *old);
	if (!old)
		return pk_err_set(PK_ENOMEM, "out of memory");
	for (i = 0; i < p->nkeys; i++) {
		old[i] = p->keys[i]->saved;
		dirty |= !old[i];
		p->keys[i]->saved = 1;
	}
	/* the saved configuration is the running one now: no old key is
	 * needed any more */
	dirty |= nretired > 0;
	p->nretired = 0;
	rc = dirty ? keyfile_write(p, NULL, NULL) : 0;
	p->nretired = nretired;
	if (rc < 0) {
		for (i = 0; i < p->nkeys; i++)
			p->keys[i]->saved = old[i];
	} else {
		for (i = 0; i < nretired; i++)
			key_free(retired[i]);
		p->nretired = 0;
	}
	free(old);
	return rc;
}

/* ---- API ------------------------------------------------------------------------ */

pk_key *pk_key_find(pk_pki *p, const char *label)
{
	long i = key_index(p, label);
	return i >= 0 ? p->keys[i] : NULL;
}

size_t pk_key_count(const pk_pki *p)
{
	return p->nkeys;
}

pk_key *pk_key_at(pk_pki *p, size_t i)
{
	return i < p->nkeys ? p->keys[i] : NULL;
}

void pk_key_view(const pk_key *k, struct pk_key_view *v)
{
	memset(v, 0, sizeof *v);
	snprintf(v->label, sizeof v->label, "%s", k->label);
	v->bits = k->bits;
	v->exportable = k->exportable;
	v->saved = k->saved;
	v->generated = k->generated;
}

/* Tests only (PKISH_TEST=1 in the environment, as tests/tools/trun sets
 * it): "generating" a key takes the first key of DIR/test-keys.pem (PEM
 * private keys, any number) with the modulus asked that is neither in the
 * key store nor handed out before by this process, so that transcripts
 * which generate keys (crypto key generate, the CS key, the shadow key
 * NAME#) print the same certificates on every run.  No file, or no such
 * key left: real generation.  docs/testing.md. */
static EVP_PKEY *pool_key(pk_pki *p, int bits)
{
	const char *t = getenv("PKISH_TEST");
	char path[4200];
	EVP_PKEY *k, *got = NULL;
	BIO *b;
	size_t i;
	int idx;

	if (!t || strcmp(t, "1") != 0)
		return NULL;
	snprintf(path, sizeof path, "%s/test-keys.pem", pk_device_dir(p->d));
	b = BIO_new_file(path, "r");
	if (!b) {
		ERR_clear_error();
		return NULL;
	}
	for (idx = 0; !got && idx < 64 &&
	     (k = PEM_read_bio_PrivateKey(b, NULL, NULL, NULL)) != NULL; idx++) {
		int fresh = !(p->pool_used & (1ull << idx)) && EVP_PKEY_get_bits(k) == bits;
		for (i = 0; fresh && i < p->nkeys; i++)
			fresh = EVP_PKEY_eq(k, p->keys[i]->pkey) != 1;
		if (fresh) {
			p->pool_used |= 1ull << idx;
			got = k;
		} else {
			EVP_PKEY_free(k);
		}
	}
	ERR_clear_error();
	BIO_free(b);
	return got;
}

int pki_rsa_generate(pk_pki *p, int bits, EVP_PKEY **out)
{
	*out = NULL;
	if (bits < 360 || bits > 4096)
		return pk_err_set(PK_EINVAL, "modulus must be 360 to 4096 bits");
	if (p && (*out = pool_key(p, bits)) != NULL)
		return 0;
	if (bits < 512)
		return pk_err_set(PK_ECRYPTO,
				  "OpenSSL 3 cannot generate RSA keys below 512 bits");
	*out = EVP_PKEY_Q_keygen(NULL, NULL, "RSA", (size_t)bits);
	if (!*out)
		return pk_err_ossl(PK_ECRYPTO, "RSA key generation failed");
	return 0;
}

int pki_key_put(pk_pki *p, const char *label, EVP_PKEY *pkey, int exportable)
{
	pk_key nk, *k;
	long idx;
	size_t nret;
	int rc;

	if (!valid_label(label))
		return label_error(label);
	if (!EVP_PKEY_is_a(pkey, "RSA"))
		return pk_err_set(PK_EINVAL, "only RSA keys are supported");
	memset(&nk, 0, sizeof nk);
	snprintf(nk.label, sizeof nk.label, "%s", label);
	nk.pkey = pkey;
	nk.bits = EVP_PKEY_get_bits(pkey);
	nk.exportable = exportable ? 1 : 0;
	nk.saved = 0;
	nk.generated = pk_device_now(p->d);
	idx = key_index(p, label);
	if (idx < 0 && keys_grow(p) < 0)
		return PK_ENOMEM;
	k = idx >= 0 ? p->keys[idx] : calloc(1, sizeof *k);
	if (!k)
		return pk_err_set(PK_ENOMEM, "out of memory");
	nret = p->nretired;
	rc = idx >= 0 && !same_key(k, pkey) ? retire(p, k) : 0;
	if (rc == 0)
		rc = keyfile_write(p, &nk, NULL);
	if (rc < 0) {
		unretire_last(p, nret);
		if (idx < 0)
			free(k);
		return rc;
	}
	if (idx >= 0) {
		/* replace in place, so pk_key pointers stay valid */
		EVP_PKEY_free(k->pkey);
	} else {
		idx = -idx - 1;
		memmove(p->keys + idx + 1, p->keys + idx,
			(p->nkeys - (size_t)idx) * sizeof *p->keys);
		p->keys[idx] = k;
		p->nkeys++;
	}
	EVP_PKEY_up_ref(pkey);
	*k = nk;
	pki_cs_key_added(p, label);
	return 0;
}

int pk_key_generate(pk_pki *p, const char *label, int bits, int exportable)
{
	EVP_PKEY *pk = NULL;
	int rc;

	if (!valid_label(label))
		return label_error(label);
	rc = pki_rsa_generate(p, bits, &pk);
	if (rc == 0)
		rc = pki_key_put(p, label, pk, exportable);
	EVP_PKEY_free(pk);
	return rc;
}

/* Passphrase callback: never prompts; no passphrase means failure. */
static int pass_cb(char *buf, int size, int rwflag, void *u)
{
	const char *pw = u;
	size_t n;

	(void)rwflag;
	if (!pw || !*pw)
		return 0;
	n = strlen(pw);
	if (n > (size_t)size)
		n = (size_t)size;
	memcpy(buf, pw, n);
	return (int)n;
}

/* A public key from PEM: PUBLIC KEY, RSA PUBLIC KEY or CERTIFICATE. */
static EVP_PKEY *read_public(const char *pem)
{
	EVP_PKEY *pk = NULL;
	BIO *b = BIO_new_mem_buf(pem, -1);
	OSSL_DECODER_CTX *dctx;

	if (!b)
		return NULL;
	if (strstr(pem, "CERTIFICATE-----")) {
		X509 *x = PEM_read_bio_X509(b, NULL, NULL, NULL);
		if (x)
			pk = X509_get_pubkey(x);
		X509_free(x);
	} else {
		dctx = OSSL_DECODER_CTX_new_for_pkey(&pk, "PEM", NULL, "RSA",
						     EVP_PKEY_PUBLIC_KEY, NULL, NULL);
		if (dctx)
			OSSL_DECODER_from_bio(dctx, b);
		OSSL_DECODER_CTX_free(dctx);
	}
	BIO_free(b);
	return pk;
}

int pk_key_import(pk_pki *p, const char *label, const char *pub_pem,
		  const char *priv_pem, const char *passphrase, int exportable)
{
	EVP_PKEY *priv = NULL, *pub = NULL;
	BIO *b = NULL;
	int rc;

	if (!valid_label(label))
		return label_error(label);
	if (!priv_pem || !*priv_pem)
		return pk_err_set(PK_EINVAL, "no private key");
	b = BIO_new_mem_buf(priv_pem, -1);
	if (b)
		priv = PEM_read_bio_PrivateKey(b, NULL, pass_cb, (void *)passphrase);
	if (!priv) {
		/* for the operator: without OpenSSL's error queue appended */
		ERR_clear_error();
		rc = pk_err_set(PK_EINVAL, "cannot read the private key (wrong passphrase?)");
		goto out;
	}
	if (!EVP_PKEY_is_a(priv, "RSA")) {
		rc = pk_err_set(PK_EINVAL, "only RSA keys are supported");
		goto out;
	}
	if (pub_pem && *pub_pem) {
		pub = read_public(pub_pem);
		if (!pub) {
			rc = pk_err_ossl(PK_EINVAL, "cannot read the public key");
			goto out;
		}
		if (EVP_PKEY_eq(pub, priv) != 1) {
			rc = pk_err_set(PK_EINVAL, "the public key does not match the private key");
			goto out;
		}
	}
	rc = pki_key_put(p, label, priv, exportable);
out:
	ERR_clear_error();
	BIO_free(b);
	EVP_PKEY_free(priv);
	EVP_PKEY_free(pub);
	return rc;
}

/* Single DES lives in OpenSSL's legacy provider; load it on demand (keeping
 * the default provider).  Without it, 3DES is used instead. */
static const EVP_CIPHER *export_cipher(const char *name, EVP_CIPHER **fetched)
{
	*fetched = NULL;
	if (!name || strcmp(name, "3des") == 0)
		return EVP_des_ede3_cbc();
	if (strcmp(name, "aes") == 0)
		return EVP_aes_256_cbc();
	if (strcmp(name, "des") == 0) {
		/* kept for the life of the process (and reachable, for LSan) */
		static OSSL_PROVIDER *legacy;
		*fetched = EVP_CIPHER_fetch(NULL, "DES-CBC", NULL);
		if (!*fetched) {
			ERR_clear_error();
			if (!legacy)
				legacy = OSSL_PROVIDER_try_load(NULL, "legacy", 1);
			*fetched = EVP_CIPHER_fetch(NULL, "DES-CBC", NULL);
		}
		ERR_clear_error();
		return *fetched ? *fetched : EVP_des_ede3_cbc();
	}
	return NULL;
}

int pk_key_export(pk_pki *p, const char *label, const char *cipher,
		  const char *passphrase, char **pub_pem, char **priv_pem)
{
	pk_key *k = pk_key_find(p, label);
	EVP_CIPHER *fetched = NULL;
	const EVP_CIPHER *c;
	BIO *bpub = NULL, *bpriv = NULL;
	char *data;
	long len;
	int rc = PK_ECRYPTO;

	*pub_pem = *priv_pem = NULL;
	if (!k)
		return pk_err_set(PK_ENOENT, "%s: no such key", label);
	if (!k->exportable)
		return pk_err_set(PK_EDENIED, "RSA keypair %s is not exportable", label);
	if (!passphrase || !*passphrase)
		return pk_err_set(PK_EINVAL, "a passphrase is required");
	c = export_cipher(cipher, &fetched);
	if (!c)
		return pk_err_set(PK_EINVAL, "%s: unknown cipher", cipher);
	bpub = BIO_new(BIO_s_mem());
	bpriv = BIO_new(BIO_s_mem());
	if (!bpub || !bpriv || !PEM_write_bio_PUBKEY(bpub, k->pkey) ||
	    !PEM_write_bio_PKCS8PrivateKey(bpriv, k->pkey, c, passphrase,
					   (int)strlen(passphrase), NULL, NULL)) {
		rc = pk_err_ossl(PK_ECRYPTO, "cannot export the key");
		goto out;
	}
	len = BIO_get_mem_data(bpub, &data);
	*pub_pem = strndup(data, (size_t)len);
	len = BIO_get_mem_data(bpriv, &data);
	*priv_pem = strndup(data, (size_t)len);
	if (!*pub_pem || !*priv_pem) {
		free(*pub_pem);
		free(*priv_pem);
		*pub_pem = *priv_pem = NULL;
		rc = pk_err_set(PK_ENOMEM, "out of memory");
		goto out;
	}
	rc = 0;
out:
	EVP_CIPHER_free(fetched);
	BIO_free(bpub);
	BIO_free(bpriv);
	return rc;
}

static int key_remove(pk_pki *p, const char *label, int zeroize)
{
	long idx = key_index(p, label);
	size_t nret = p->nretired, i, j;
	int rc;

	if (idx < 0)
		return pk_err_set(PK_ENOENT, "%s: no such key", label);
	if (zeroize) {
		/* nothing of it stays behind, retired copies included */
		pk_key **all = p->retired, **keep;
		size_t nall = p->nretired, nk = 0;

		keep = malloc((nall + 1) * sizeof *keep);
		if (!keep)
			return pk_err_set(PK_ENOMEM, "out of memory");
		for (i = 0; i < nall; i++)
			if (strcmp(all[i]->label, label) != 0 && !same_key(all[i], p->keys[idx]->pkey))
				keep[nk++] = all[i];
		p->retired = keep;
		p->nretired = nk;
		rc = keyfile_write(p, NULL, p->keys[idx]);
		if (rc < 0) {
			p->retired = all;
			p->nretired = nall;
			free(keep);
			return rc;
		}
		for (i = 0; i < nall; i++) {
			for (j = 0; j < nk && keep[j] != all[i]; j++)
				;
			if (j == nk)
				key_free(all[i]);
		}
		free(all);
		p->capretired = nall + 1;
	} else {
		rc = retire(p, p->keys[idx]);
		if (rc == 0)
			rc = keyfile_write(p, NULL, p->keys[idx]);
		if (rc < 0) {
			unretire_last(p, nret);
			return rc;
		}
	}
	key_free(p->keys[idx]);
	memmove(p->keys + idx, p->keys + idx + 1, (p->nkeys - (size_t)idx - 1) * sizeof *p->keys);
	p->nkeys--;
	pki_cs_key_removed(p, label);
	return 0;
}

int pk_key_delete(pk_pki *p, const char *label)
{
	return key_remove(p, label, 0);
}

int pk_key_zeroize(pk_pki *p, const char *label)
{
	return key_remove(p, label, 1);
}

int pk_key_rename(pk_pki *p, const char *from, const char *to)
{
	long fi = key_index(p, from), ti;
	pk_key renamed, *k;
	size_t nret;
	int rc;

	if (fi < 0)
		return pk_err_set(PK_ENOENT, "%s: no such key", from);
	if (!valid_label(to))
		return label_error(to);
	if (strcmp(from, to) == 0)
		return 0;
	renamed = *p->keys[fi];
	snprintf(renamed.label, sizeof renamed.label, "%s", to);
	renamed.saved = 0;       /* not under this name in a write memory yet */
	ti = key_index(p, to);
	nret = p->nretired;
	/* the key the saved configuration knows as `to` (a certificate of the
	 * startup-config may still use it); `from`'s material stays live under
	 * `to`, where the boot's reconciliation finds it if `from` is wanted */
	rc = ti >= 0 ? retire(p, p->keys[ti]) : 0;
	if (rc == 0)
		rc = keyfile_write(p, &renamed, p->keys[fi]);
	if (rc < 0) {
		unretire_last(p, nret);
		return rc;
	}
	k = p->keys[fi];
	memmove(p->keys + fi, p->keys + fi + 1, (p->nkeys - (size_t)fi - 1) * sizeof *p->keys);
	p->nkeys--;
	ti = key_index(p, to);
	if (ti >= 0) {
		key_free(p->keys[ti]);
		p->keys[ti] = k;
	} else {
		ti = -ti - 1;
		memmove(p->keys + ti + 1, p->keys + ti, (p->nkeys - (size_t)ti) * sizeof *p->keys);
		p->keys[ti] = k;
		p->nkeys++;
	}
	snprintf(k->label, sizeof k->label, "%s", to);
	k->saved = 0;
	pki_cs_key_added(p, to);
	return 0;
}

int pk_key_spki(const pk_key *k, unsigned char **der, size_t *len)
{
	unsigned char *buf = NULL;
	int n = i2d_PUBKEY(k->pkey, &buf);

	*der = NULL;
	*len = 0;
	if (n <= 0)
		return pk_err_ossl(PK_ECRYPTO, "cannot encode the public key");
	*der = malloc((size_t)n);
	if (!*der) {
		OPENSSL_free(buf);
		return pk_err_set(PK_ENOMEM, "out of memory");
	}
	memcpy(*der, buf, (size_t)n);
	OPENSSL_free(buf);
	*len = (size_t)n;
	return 0;
}

struct evp_pkey_st *pk_key_evp(const pk_key *k)
{
	return k->pkey;
}

/* ---- after a boot: every certificate gets its key back ------------------------------ */

/* Take the key with this material out of the live set or the retired
 * list (the caller owns it then); NULL if there is none.  Live keys that
 * already hold a wanted label with the right material are left alone. */
static pk_key *take_key(pk_pki *p, EVP_PKEY *pub, const struct pki_key_want *want, size_t n)
{
	size_t i, w;

	for (i = 0; i < p->nkeys; i++) {
		pk_key *k = p->keys[i];
		int needed = 0;
		if (!same_key(k, pub))
			continue;
		for (w = 0; w < n && !needed; w++)
			needed = strcmp(want[w].label, k->label) == 0 && same_key(k, want[w].pub);
		if (needed)
			continue;
		memmove(p->keys + i, p->keys + i + 1, (p->nkeys - i - 1) * sizeof *p->keys);
		p->nkeys--;
		return k;
	}
	for (i = 0; i < p->nretired; i++) {
		pk_key *k = p->retired[i];
		if (!same_key(k, pub))
			continue;
		p->retired[i] = p->retired[--p->nretired];
		return k;
	}
	return NULL;
}

/* Put k live under label (replacing nothing: the slot is free). */
static int insert_live(pk_pki *p, pk_key *k, const char *label)
{
	long idx = key_index(p, label);

	if (idx >= 0 || keys_grow(p) < 0)
		return -1;
	idx = -idx - 1;
	snprintf(k->label, sizeof k->label, "%s", label);
	memmove(p->keys + idx + 1, p->keys + idx, (p->nkeys - (size_t)idx) * sizeof *p->keys);
	p->keys[idx] = k;
	p->nkeys++;
	return 0;
}

static int push_retired(pk_pki *p, pk_key *k)
{
	pk_key **nr;

	if (p->nretired == p->capretired) {
		size_t nc = p->capretired ? p->capretired * 2 : 4;
		nr = realloc(p->retired, nc * sizeof *nr);
		if (!nr)
			return -1;
		p->retired = nr;
		p->capretired = nc;
	}
	k->saved = 1;            /* kept until a write memory decides */
	p->retired[p->nretired++] = k;
	return 0;
}

void pki_keys_reconcile(pk_pki *p, const struct pki_key_want *want, size_t n)
{
	size_t w;
	int changed = 0;

	for (w = 0; w < n; w++) {
		long idx = key_index(p, want[w].label);
		pk_key *cur = idx >= 0 ? p->keys[idx] : NULL, *k;
		char was[sizeof k->label];

		if (!want[w].pub || same_key(cur, want[w].pub))
			continue;
		k = take_key(p, want[w].pub, want, n);
		if (!k)
			continue;        /* nowhere: the owner reports its missing key */
		snprintf(was, sizeof was, "%s", k->label);
		if (cur) {
			/* the key that took its place goes aside, not away */
			idx = key_index(p, want[w].label);
			memmove(p->keys + idx, p->keys + idx + 1,
				(p->nkeys - (size_t)idx - 1) * sizeof *p->keys);
			p->nkeys--;
			if (push_retired(p, cur) < 0) {
				key_free(cur);
				pk_log(PK_LOG_ERR, "%%CRYPTO-3-KEYSTORE: out of memory");
			}
		}
		if (insert_live(p, k, want[w].label) < 0) {
			key_free(k);
			continue;
		}
		k->saved = 1;    /* it is the key of the saved configuration */
		changed = 1;
		pk_log(PK_LOG_WARN, "%%CRYPTO-4-KEY_RESTORED: Key %s of %s restored to match its "
		       "certificate (the key store was ahead of the startup-config; it was %s)",
		       want[w].label, want[w].whose, strcmp(was, want[w].label) == 0 ?
		       "replaced since the last write memory" : was);
	}
	if (changed && keyfile_write(p, NULL, NULL) < 0)
		pk_log(PK_LOG_ERR, "%%CRYPTO-3-KEYSTORE: cannot update the private-config: %s",
		       pk_err_msg());
}

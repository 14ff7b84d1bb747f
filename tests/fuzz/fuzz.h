/*
 * fuzz.h — helpers shared by the libFuzzer targets of scep/msg_*.c.
 *
 * The targets run from the repository root (make fuzz does); the fixture
 * keys are read from tests/fixtures/scep/ or $PKISH_FIXTURES.  A signed
 * format hides everything behind the signature from a mutating fuzzer, so
 * the targets can also wrap the fuzzed bytes into a correctly signed (and
 * enveloped) message themselves, with these helpers, to reach the inner
 * decoders.  Everything here aborts on a setup failure: that is a bug of
 * the harness, not a finding.
 */
#ifndef PKISH_FUZZ_H
#define PKISH_FUZZ_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/cms.h>
#include <openssl/pem.h>

#define FUZZ_OID_MSGTYPE "2.16.840.1.113733.1.9.2"
#define FUZZ_OID_STATUS  "2.16.840.1.113733.1.9.3"
#define FUZZ_OID_SNONCE  "2.16.840.1.113733.1.9.5"
#define FUZZ_OID_RNONCE  "2.16.840.1.113733.1.9.6"
#define FUZZ_OID_TID     "2.16.840.1.113733.1.9.7"

static inline __attribute__((noreturn)) void fuzz_die(const char *what)
{
	fprintf(stderr, "fuzz harness: %s\n", what);
	abort();
}

static inline FILE *fuzz_fixture(const char *name)
{
	const char *dir = getenv("PKISH_FIXTURES");
	char path[512];
	FILE *f;

	snprintf(path, sizeof path, "%s/%s", dir ? dir : "tests/fixtures/scep", name);
	f = fopen(path, "r");
	if (!f)
		fuzz_die("cannot open a fixture (run from the repository root or set PKISH_FIXTURES)");
	return f;
}

static inline EVP_PKEY *fuzz_key(const char *name)
{
	FILE *f = fuzz_fixture(name);
	EVP_PKEY *k = PEM_read_PrivateKey(f, NULL, NULL, NULL);

	fclose(f);
	if (!k)
		fuzz_die("bad key fixture");
	return k;
}

static inline X509 *fuzz_cert(const char *name)
{
	FILE *f = fuzz_fixture(name);
	X509 *x = PEM_read_X509(f, NULL, NULL, NULL);

	fclose(f);
	if (!x)
		fuzz_die("bad certificate fixture");
	return x;
}

/* EnvelopedData of data for `to` (AES-128), DER into *len; NULL when
 * OpenSSL refuses (empty input). */
static inline unsigned char *fuzz_envelope(const unsigned char *data, size_t n, X509 *to,
					   size_t *len)
{
	STACK_OF(X509) *rc = sk_X509_new_null();
	BIO *in = BIO_new_mem_buf(data, (int)n);
	CMS_ContentInfo *env;
	unsigned char *der = NULL;
	int l = -1;

	if (!rc || !in || !sk_X509_push(rc, to))
		fuzz_die("out of memory");
	env = CMS_encrypt(rc, in, EVP_aes_128_cbc(), CMS_BINARY);
	if (env)
		l = i2d_CMS_ContentInfo(env, &der);
	CMS_ContentInfo_free(env);
	BIO_free(in);
	sk_X509_free(rc);
	*len = l > 0 ? (size_t)l : 0;
	return l > 0 ? der : NULL;
}

/* One signed attribute to add (string or octets). */
struct fuzz_attr {
	const char *oid;
	int type;
	const void *data;
	size_t len;
};

/* SignedData over content by key+cert (SHA-256) with the attributes;
 * DER into *len. */
static inline unsigned char *fuzz_sign(const unsigned char *content, size_t n, X509 *cert,
				       EVP_PKEY *key, const struct fuzz_attr *a, size_t na,
				       size_t *len)
{
	unsigned int flags = CMS_BINARY | CMS_PARTIAL | CMS_NOSMIMECAP;
	CMS_ContentInfo *cms = CMS_sign(NULL, NULL, NULL, NULL, flags);
	CMS_SignerInfo *si;
	BIO *in = BIO_new_mem_buf(content, (int)n);
	unsigned char *der = NULL;
	size_t i;
	int l;

	if (!cms || !in || !(si = CMS_add1_signer(cms, cert, key, EVP_sha256(), flags)))
		fuzz_die("cannot set up the signature");
	for (i = 0; i < na; i++)
		if (!CMS_signed_add1_attr_by_txt(si, a[i].oid, a[i].type, a[i].data, (int)a[i].len))
			fuzz_die("cannot add an attribute");
	if (!CMS_final(cms, in, NULL, flags) || (l = i2d_CMS_ContentInfo(cms, &der)) <= 0)
		fuzz_die("cannot sign");
	CMS_ContentInfo_free(cms);
	BIO_free(in);
	*len = (size_t)l;
	return der;
}

#endif

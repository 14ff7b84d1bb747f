/*
 * test_scep_lazy.c — unit tests of scep/msg_core.c's fast public-key path for
 * requests (docs/scep.md §8 "Cost"): certificates and PKCS#10 in a
 * request are parsed without OpenSSL's key decoders and get their RSA key
 * set back only when they still encode to the bytes received.
 *
 * Checked: after scep_req_parse/scep_req_open the signer certificate and
 * the CSR carry their keys, and every signature over them verifies the way
 * core checks it (X509_REQ_verify with the CSR's own key, X509_verify of a
 * renewal signer against the CA).  Objects that are valid but not DER (a
 * long-form length where DER has a short one, signed over those bytes):
 * a renewal signer keeps its bytes and still verifies against the CA; a
 * CSR — which X509_REQ_set_pubkey would re-encode, breaking its
 * signature — is parsed the ordinary way: the case the encoding
 * comparison exists for.  Fixture keys only (tests/fixtures/scep/); run
 * from the repository root.
 */
#include <openssl/cms.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/x509v3.h>

#include "core/pki.h"
#include "scep/msg.h"
#include "tests/unit/t.h"

#define FIX "tests/fixtures/scep/"

static EVP_PKEY *load_key(const char *name)
{
	FILE *f = fopen(name, "r");
	EVP_PKEY *k;

	if (!f)
		T_FAIL("cannot open %s (run from the repository root)", name);
	k = PEM_read_PrivateKey(f, NULL, NULL, NULL);
	fclose(f);
	if (!k)
		T_FAIL("cannot read %s", name);
	return k;
}

static X509 *load_cert(const char *name)
{
	FILE *f = fopen(name, "r");
	X509 *x;

	if (!f)
		T_FAIL("cannot open %s", name);
	x = PEM_read_X509(f, NULL, NULL, NULL);
	fclose(f);
	if (!x)
		T_FAIL("cannot read %s", name);
	return x;
}

static X509_NAME *cn(const char *v)
{
	X509_NAME *n = X509_NAME_new();

	ASSERT(n && X509_NAME_add_entry_by_txt(n, "CN", MBSTRING_ASC, (const unsigned char *)v, -1,
					       -1, 0));
	return n;
}

static X509_REQ *make_csr(EVP_PKEY *key, const char *subject)
{
	struct scep_csr c = { 0 };
	X509_REQ *r = NULL;
	X509_NAME *n = cn(subject);

	c.key = key;
	c.subject = n;
	c.challenge = "lazy-test";
	ASSERT(scep_csr_build(&c, &r, NULL) == 0);
	X509_NAME_free(n);
	return r;
}

/* A certificate for key's public half, issued by ca/ca_key (a renewal's
 * signer). */
static X509 *issue(EVP_PKEY *key, X509 *ca, EVP_PKEY *ca_key)
{
	X509 *x = X509_new();
	X509_NAME *n = cn("lazy-renewal");

	ASSERT(x && X509_set_version(x, X509_VERSION_3));
	ASSERT(ASN1_INTEGER_set(X509_get_serialNumber(x), 4242));
	ASSERT(X509_set_issuer_name(x, X509_get_subject_name(ca)));
	ASSERT(X509_set_subject_name(x, n));
	ASSERT(X509_gmtime_adj(X509_getm_notBefore(x), -3600));
	ASSERT(X509_gmtime_adj(X509_getm_notAfter(x), 86400));
	ASSERT(X509_set_pubkey(x, key));
	ASSERT(X509_sign(x, ca_key, EVP_sha256()) > 0);
	X509_NAME_free(n);
	return x;
}

/* The same signed object (a certificate or a PKCS#10: SEQUENCE { tbs,
 * algorithm, BIT STRING }), but with the first element of its tbs given a
 * long-form length (0x81 n where DER wants n) and signed again over those
 * bytes with key: valid BER, not DER. */
static unsigned char *ber_resign(const unsigned char *der, size_t len, EVP_PKEY *key,
				 size_t *outlen)
{
	unsigned char tbs[8192], sig[1024], *out, *o;
	size_t tl, al, sl = sizeof sig, tbl, bl;
	const unsigned char *t, *alg;
	EVP_MD_CTX *md = EVP_MD_CTX_new();

	ASSERT(len > 8 && der[0] == 0x30 && der[1] == 0x82 && der[4] == 0x30 && der[5] == 0x82);
	t = der + 4;
	tl = 4 + ((size_t)t[2] << 8 | t[3]);           /* the tbs, header included */
	ASSERT(t[5] < 0x80 && tl + 1 < sizeof tbs);
	/* header, first element's tag, 0x81, its length, the rest */
	memcpy(tbs, t, 5);
	tbs[5] = 0x81;
	memcpy(tbs + 6, t + 5, tl - 5);
	tbl = tl + 1;
	tbs[2] = (unsigned char)((tbl - 4) >> 8);
	tbs[3] = (unsigned char)((tbl - 4) & 0xff);
	alg = t + tl;
	ASSERT(alg[0] == 0x30 && alg[1] < 0x80);
	al = 2 + alg[1];
	ASSERT(md && EVP_DigestSignInit(md, NULL, EVP_sha256(), NULL, key) == 1);
	ASSERT(EVP_DigestSign(md, sig, &sl, tbs, tbl) == 1 && sl == 256);
	EVP_MD_CTX_free(md);
	bl = tbl + al + 5 + sl;                        /* BIT STRING: 03 82 01 01 00 sig */
	out = o = OPENSSL_malloc(4 + bl);
	ASSERT(out);
	*o++ = 0x30;
	*o++ = 0x82;
	*o++ = (unsigned char)(bl >> 8);
	*o++ = (unsigned char)(bl & 0xff);
	memcpy(o, tbs, tbl);
	o += tbl;
	memcpy(o, alg, al);
	o += al;
	memcpy(o, "\x03\x82\x01\x01\x00", 5);
	o += 5;
	memcpy(o, sig, sl);
	*outlen = 4 + bl;
	return out;
}

static scep_req *serve(const struct scep_request *rq, X509 *ca, EVP_PKEY *ca_key)
{
	unsigned char nonce[SCEP_NONCE_LEN], *der = NULL;
	size_t len = 0;
	struct scep_err err;
	scep_req *req = NULL;

	ASSERT(scep_request_build(rq, nonce, &der, &len, &err) == 0);
	if (scep_req_parse(der, len, &req, &err) != 0)
		T_FAIL("parse: %s", err.text);
	if (scep_req_open(req, ca_key, ca, &err) != 0)
		T_FAIL("open: %s", err.text);
	OPENSSL_free(der);
	return req;
}

static int same_bytes_x509(X509 *a, const unsigned char *der, size_t len)
{
	unsigned char *b = NULL;
	int n = i2d_X509(a, &b), same = n > 0 && (size_t)n == len && memcmp(b, der, len) == 0;

	OPENSSL_free(b);
	return same;
}

/* A CertRep can be encrypted to the signer the server read. */
static void reply(scep_req *req, X509 *ca, EVP_PKEY *ca_key, X509 *issued)
{
	struct scep_reply rep = { 0 };
	struct scep_err err;
	unsigned char *out = NULL;
	size_t len = 0;

	rep.status = SCEP_SUCCESS;
	rep.cert = issued;
	if (scep_certrep_build(req, ca_key, ca, &rep, &out, &len, &err) != 0)
		T_FAIL("certrep: %s", err.text);
	OPENSSL_free(out);
}

TEST(t_keys_set)
{
	EVP_PKEY *ca_key = load_key(FIX "ca.key"), *key = load_key(FIX "client.key");
	X509 *ca = load_cert(FIX "ca.pem"), *signer = NULL;
	X509_REQ *csr = make_csr(key, "lazy");
	struct scep_request rq = { 0 };
	scep_req *req;
	unsigned char *sd = NULL;
	int sn;

	ASSERT(scep_crypto_init(NULL) == 0);
	ASSERT(scep_selfsigned(key, "lazy.example.com", SCEP_SHA256, time(NULL), &signer, NULL) == 0);
	rq.type = SCEP_PKCSREQ;
	rq.transaction_id = "LAZY-1";
	rq.recipient = ca;
	rq.signer = signer;
	rq.key = key;
	rq.csr = csr;
	req = serve(&rq, ca, ca_key);
	ASSERT(X509_get0_pubkey(scep_req_signer(req)));
	ASSERT(EVP_PKEY_eq(X509_get0_pubkey(scep_req_signer(req)), key) == 1);
	ASSERT(X509_REQ_get0_pubkey(scep_req_csr(req)));
	ASSERT(EVP_PKEY_eq(X509_REQ_get0_pubkey(scep_req_csr(req)), key) == 1);
	/* core's checks */
	ASSERT(X509_REQ_verify(scep_req_csr(req), X509_REQ_get0_pubkey(scep_req_csr(req))) == 1);
	ASSERT(X509_verify(scep_req_signer(req), key) == 1);
	/* same bytes as sent */
	sn = i2d_X509(signer, &sd);
	ASSERT(sn > 0 && same_bytes_x509(scep_req_signer(req), sd, (size_t)sn));
	reply(req, ca, ca_key, signer);
	OPENSSL_free(sd);
	scep_req_free(req);
	X509_REQ_free(csr);
	X509_free(signer);
	X509_free(ca);
	EVP_PKEY_free(key);
	EVP_PKEY_free(ca_key);
	ERR_clear_error();
}

TEST(t_ber_signer_kept)
{
	EVP_PKEY *ca_key = load_key(FIX "ca.key"), *key = load_key(FIX "client.key");
	X509 *ca = load_cert(FIX "ca.pem"), *good = NULL, *ber = NULL;
	X509_REQ *csr = make_csr(key, "lazy-renewal");
	struct scep_request rq = { 0 };
	unsigned char *der = NULL, *bd;
	const unsigned char *p;
	size_t bl;
	scep_req *req;
	int n;

	ASSERT(scep_crypto_init(NULL) == 0);
	good = issue(key, ca, ca_key);
	n = i2d_X509(good, &der);
	ASSERT(n > 0);
	bd = ber_resign(der, (size_t)n, ca_key, &bl);
	p = bd;
	ber = d2i_X509(NULL, &p, (long)bl);
	ASSERT(ber && p == bd + bl);
	ASSERT(X509_verify(ber, ca_key) == 1);           /* valid, over the BER bytes */
	ASSERT(same_bytes_x509(ber, bd, bl));            /* and kept as sent */
	rq.type = SCEP_RENEWALREQ;
	rq.transaction_id = "LAZY-BER-SIGNER";
	rq.recipient = ca;
	rq.signer = ber;
	rq.key = key;
	rq.csr = csr;
	req = serve(&rq, ca, ca_key);
	/* core's renewal check verifies the signer against the CA */
	ASSERT(X509_verify(scep_req_signer(req), X509_get0_pubkey(ca)) == 1);
	ASSERT(same_bytes_x509(scep_req_signer(req), bd, bl));
	ASSERT(EVP_PKEY_eq(X509_get0_pubkey(scep_req_signer(req)), key) == 1);
	reply(req, ca, ca_key, good);
	scep_req_free(req);
	OPENSSL_free(der);
	OPENSSL_free(bd);
	X509_free(ber);
	X509_free(good);
	X509_REQ_free(csr);
	X509_free(ca);
	EVP_PKEY_free(key);
	EVP_PKEY_free(ca_key);
	ERR_clear_error();
}

TEST(t_ber_csr_parsed_ordinarily)
{
	EVP_PKEY *ca_key = load_key(FIX "ca.key"), *key = load_key(FIX "client.key");
	X509 *ca = load_cert(FIX "ca.pem"), *signer = NULL;
	X509_REQ *csr = make_csr(key, "lazy-ber-csr"), *ber;
	struct scep_request rq = { 0 };
	unsigned char *der = NULL, *bd, *back = NULL;
	const unsigned char *p;
	size_t bl;
	scep_req *req;
	int n;

	ASSERT(scep_crypto_init(NULL) == 0);
	ASSERT(scep_selfsigned(key, "lazy.example.com", SCEP_SHA256, time(NULL), &signer, NULL) == 0);
	n = i2d_X509_REQ(csr, &der);
	ASSERT(n > 0);
	bd = ber_resign(der, (size_t)n, key, &bl);
	p = bd;
	ber = d2i_X509_REQ(NULL, &p, (long)bl);
	ASSERT(ber && p == bd + bl);
	ASSERT(X509_REQ_verify(ber, key) == 1);
	rq.type = SCEP_PKCSREQ;
	rq.transaction_id = "LAZY-BER-CSR";
	rq.recipient = ca;
	rq.signer = signer;
	rq.key = key;
	rq.csr = ber;
	req = serve(&rq, ca, ca_key);
	/* what core does with it */
	ASSERT(X509_REQ_verify(scep_req_csr(req), X509_REQ_get0_pubkey(scep_req_csr(req))) == 1);
	n = i2d_X509_REQ(scep_req_csr(req), &back);
	ASSERT(n > 0 && (size_t)n == bl && memcmp(back, bd, bl) == 0);
	scep_req_free(req);
	OPENSSL_free(back);
	OPENSSL_free(der);
	OPENSSL_free(bd);
	X509_REQ_free(ber);
	X509_REQ_free(csr);
	X509_free(signer);
	X509_free(ca);
	EVP_PKEY_free(key);
	EVP_PKEY_free(ca_key);
	ERR_clear_error();
}

TESTS(T(t_keys_set), T(t_ber_signer_kept), T(t_ber_csr_parsed_ordinarily))

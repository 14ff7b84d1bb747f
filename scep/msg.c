/*
 * msg.c — SCEP pkiMessages (RFC 8894): see msg.h for the contract and
 * docs/scep.md for the reason behind every wire-level choice.
 *
 * Which OpenSSL API where:
 *  - CMS for the outer SignedData: signing with extra signed attributes
 *    (CMS_PARTIAL + CMS_add1_signer + CMS_final) gives SignerInfo
 *    signatureAlgorithm rsaEncryption, and CMS_verify with
 *    CMS_NO_SIGNER_CERT_VERIFY checks a signature against just the
 *    signer's key, as SCEP needs for self-signed signers.
 *  - PKCS7 for EnvelopedData on input: its public structs expose the
 *    recipients and the content-encryption algorithm before decrypting,
 *    so a request can be routed to the right CA key and an unknown cipher
 *    classified as badAlg; PKCS7_decrypt also defends against the
 *    million-message attack (random key on RSA failure).
 *  - PKCS7 for degenerate certs-only SignedData: PKCS7 encodes
 *    `certificates` as a SEQUENCE OF in the order given, CMS as a DER-sorted
 *    SET OF, and scepclient takes certificate[0] as the issued one.
 *
 * Every parser bounds its input by SCEP_MAX_MSG before decoding; nothing
 * is read outside the buffers OpenSSL's decoders hand back.
 *
 * Requests are parsed without OpenSSL 3.0's key decoders (see "public keys
 * without the decoder set-up" below): the server's CPU per enrollment.
 */
#include <limits.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include <openssl/asn1t.h>
#include <openssl/bn.h>
#include <openssl/cms.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/objects.h>
#include <openssl/pkcs7.h>
#include <openssl/provider.h>
#include <openssl/rand.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include "core/pki.h"
#include "scep/msg.h"

#define MAX_TEXT 1024            /* failInfoText / challengePassword bound */

/* ---- errors ---------------------------------------------------------------------- */

/* Records an error (message only, the OpenSSL queue is dropped) and
 * returns code, for `return fail(...)` / `rc = fail(...)`. */
static int __attribute__((format(printf, 4, 5)))
fail(struct scep_err *err, int code, int fail_info, const char *fmt, ...)
{
	va_list ap;

	if (err) {
		err->code = code;
		err->fail_info = fail_info;
		va_start(ap, fmt);
		vsnprintf(err->text, sizeof err->text, fmt, ap);
		va_end(ap);
	}
	ERR_clear_error();
	return code;
}

/* Like fail(), appending the reason of OpenSSL's last error, if any. */
static int __attribute__((format(printf, 4, 5)))
fail_ossl(struct scep_err *err, int code, int fail_info, const char *fmt, ...)
{
	va_list ap;
	unsigned long e = ERR_peek_last_error();
	size_t n;

	if (err) {
		err->code = code;
		err->fail_info = fail_info;
		va_start(ap, fmt);
		vsnprintf(err->text, sizeof err->text, fmt, ap);
		va_end(ap);
		n = strlen(err->text);
		if (e && ERR_reason_error_string(e) && n < sizeof err->text)
			snprintf(err->text + n, sizeof err->text - n, " (%s)",
				 ERR_reason_error_string(e));
	}
	ERR_clear_error();
	return code;
}

static void err_ok(struct scep_err *err)
{
	if (err) {
		err->code = 0;
		err->fail_info = SCEP_FAIL_HTTP;
		err->text[0] = '\0';
	}
}

/* ---- providers and OIDs ---------------------------------------------------------- */

static pthread_once_t prov_once = PTHREAD_ONCE_INIT;
static OSSL_PROVIDER *prov_default, *prov_legacy;
static int des_ok;
static OSSL_LIB_CTX *lazy_ctx;   /* only the "null" provider: see cms_parse_lazy */

/* Loading any provider explicitly stops OpenSSL from auto-loading
 * "default", hence both. */
static void prov_load(void)
{
	EVP_CIPHER *des;

	ERR_set_mark();
	prov_default = OSSL_PROVIDER_load(NULL, "default");
	prov_legacy = OSSL_PROVIDER_load(NULL, "legacy");
	des = EVP_CIPHER_fetch(NULL, "DES-CBC", NULL);
	des_ok = des != NULL;
	EVP_CIPHER_free(des);
	lazy_ctx = OSSL_LIB_CTX_new();
	if (lazy_ctx && !OSSL_PROVIDER_load(lazy_ctx, "null")) {
		OSSL_LIB_CTX_free(lazy_ctx);
		lazy_ctx = NULL;
	}
	ERR_pop_to_mark();
}

int scep_crypto_init(struct scep_err *err)
{
	pthread_once(&prov_once, prov_load);
	if (!prov_default)
		return fail(err, SCEP_EOSSL, SCEP_FAIL_HTTP,
			    "OpenSSL's default provider could not be loaded");
	if (!prov_legacy || !des_ok)
		return fail(err, SCEP_EALG, SCEP_FAIL_HTTP,
			    "OpenSSL's legacy provider is not available: single-DES SCEP "
			    "envelopes (micromdm scepclient, old IOS) will be refused with badAlg");
	err_ok(err);
	return 0;
}

int scep_des_available(void)
{
	pthread_once(&prov_once, prov_load);
	return des_ok;
}

enum {
	OID_MSGTYPE, OID_STATUS, OID_FAILINFO, OID_SNONCE, OID_RNONCE, OID_TID, OID_FAILTEXT,
	OID_N
};
static const char *const oid_txt[OID_N] = {
	"2.16.840.1.113733.1.9.2", "2.16.840.1.113733.1.9.3", "2.16.840.1.113733.1.9.4",
	"2.16.840.1.113733.1.9.5", "2.16.840.1.113733.1.9.6", "2.16.840.1.113733.1.9.7",
	"1.3.6.1.5.5.7.24.1",
};
static ASN1_OBJECT *oids[OID_N];
static pthread_once_t oid_once = PTHREAD_ONCE_INIT;

/* Unregistered objects (OBJ_create would clash with anyone else registering
 * the same OIDs); the attribute functions compare them with OBJ_cmp. */
static void oid_init(void)
{
	int i;

	for (i = 0; i < OID_N; i++)
		oids[i] = OBJ_txt2obj(oid_txt[i], 1);
}

static const ASN1_OBJECT *oid(int which)
{
	pthread_once(&oid_once, oid_init);
	return oids[which];
}

static int oids_ready(void)
{
	int i;

	for (i = 0; i < OID_N; i++)
		if (!oid(i))
			return 0;
	return 1;
}

/* ---- algorithm tables ------------------------------------------------------------ */

static const struct { int id, nid; const char *name; } digest_tab[] = {
	{ SCEP_MD5, NID_md5, "md5" },
	{ SCEP_SHA1, NID_sha1, "sha1" },
	{ SCEP_SHA224, NID_sha224, "sha224" },
	{ SCEP_SHA256, NID_sha256, "sha256" },
	{ SCEP_SHA384, NID_sha384, "sha384" },
	{ SCEP_SHA512, NID_sha512, "sha512" },
};

static const struct { int id, nid; const char *name; } cipher_tab[] = {
	{ SCEP_DES, NID_des_cbc, "des-cbc" },
	{ SCEP_3DES, NID_des_ede3_cbc, "des-ede3-cbc" },
	{ SCEP_AES128, NID_aes_128_cbc, "aes-128-cbc" },
	{ SCEP_AES192, NID_aes_192_cbc, "aes-192-cbc" },
	{ SCEP_AES256, NID_aes_256_cbc, "aes-256-cbc" },
};

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))

static int digest_from_nid(int nid)
{
	size_t i;

	for (i = 0; i < NELEM(digest_tab); i++)
		if (digest_tab[i].nid == nid)
			return digest_tab[i].id;
	return 0;
}

static int cipher_from_nid(int nid)
{
	size_t i;

	for (i = 0; i < NELEM(cipher_tab); i++)
		if (cipher_tab[i].nid == nid)
			return cipher_tab[i].id;
	return 0;
}

static const EVP_MD *digest_md(int d)
{
	switch (d) {
	case SCEP_SHA1:   return EVP_sha1();
	case SCEP_SHA224: return EVP_sha224();
	case SCEP_SHA256: return EVP_sha256();
	case SCEP_SHA384: return EVP_sha384();
	case SCEP_SHA512: return EVP_sha512();
	default:          return NULL;   /* MD5 is never produced */
	}
}

static const EVP_CIPHER *cipher_evp(int c)
{
	switch (c) {
	case SCEP_3DES:   return EVP_des_ede3_cbc();
	case SCEP_AES128: return EVP_aes_128_cbc();
	case SCEP_AES192: return EVP_aes_192_cbc();
	case SCEP_AES256: return EVP_aes_256_cbc();
	default:          return NULL;   /* DES is never produced */
	}
}

const char *scep_digest_name(int d)
{
	size_t i;

	for (i = 0; i < NELEM(digest_tab); i++)
		if (digest_tab[i].id == d)
			return digest_tab[i].name;
	return "unknown";
}

const char *scep_cipher_name(int c)
{
	size_t i;

	for (i = 0; i < NELEM(cipher_tab); i++)
		if (cipher_tab[i].id == c)
			return cipher_tab[i].name;
	return "unknown";
}

const char *scep_type_name(int t)
{
	switch (t) {
	case SCEP_CERTREP:    return "CertRep";
	case SCEP_RENEWALREQ: return "RenewalReq";
	case SCEP_PKCSREQ:    return "PKCSReq";
	case SCEP_CERTPOLL:   return "CertPoll";
	case SCEP_GETCERT:    return "GetCert";
	case SCEP_GETCRL:     return "GetCRL";
	default:              return "unknown";
	}
}

const char *scep_failinfo_name(int f)
{
	switch (f) {
	case SCEP_BAD_ALG:           return "badAlg";
	case SCEP_BAD_MESSAGE_CHECK: return "badMessageCheck";
	case SCEP_BAD_REQUEST:       return "badRequest";
	case SCEP_BAD_TIME:          return "badTime";
	case SCEP_BAD_CERT_ID:       return "badCertId";
	default:                     return "unknown";
	}
}

/* The digest a reply uses for a request signed with d: the same, except
 * SHA-1 for MD5 and SHA-256 when unknown. */
static int reply_digest(int d)
{
	if (d == SCEP_MD5)
		return SCEP_SHA1;
	return digest_md(d) ? d : SCEP_SHA256;
}

/* The cipher a reply uses for a request encrypted with c: the same when AES
 * or 3DES, else AES-128 (DES is accepted, never produced). */
static int reply_cipher(int c)
{
	return cipher_evp(c) ? c : SCEP_AES128;
}

/* Checks a SignerInfo's algorithms: a digest we accept (MD5 only when
 * allow_md5) and an RSA signature (rsaEncryption or <digest>WithRSA). */
static int check_signer_algs(CMS_SignerInfo *si, int allow_md5, int *digest,
			     struct scep_err *err, int fail_info)
{
	X509_ALGOR *dig = NULL, *sig = NULL;
	int dnid, snid, hash_nid, pk_nid;

	CMS_SignerInfo_get0_algs(si, NULL, NULL, &dig, &sig);
	if (!dig || !sig)
		return fail(err, SCEP_EFORMAT, fail_info, "SignerInfo without algorithms");
	dnid = OBJ_obj2nid(dig->algorithm);
	*digest = digest_from_nid(dnid);
	if (!*digest || (*digest == SCEP_MD5 && !allow_md5))
		return fail(err, SCEP_EALG, SCEP_BAD_ALG, "digest algorithm %s not supported",
			    dnid != NID_undef ? OBJ_nid2sn(dnid) : "(unknown OID)");
	snid = OBJ_obj2nid(sig->algorithm);
	if (snid != NID_rsaEncryption &&
	    (!OBJ_find_sigid_algs(snid, &hash_nid, &pk_nid) || pk_nid != NID_rsaEncryption ||
	     !digest_from_nid(hash_nid)))
		return fail(err, SCEP_EALG, SCEP_BAD_ALG, "signature algorithm %s not supported",
			    snid != NID_undef ? OBJ_nid2sn(snid) : "(unknown OID)");
	return 0;
}

/* ---- signed attributes ----------------------------------------------------------- */

/* The (first) value of signed attribute `which`, or NULL when absent. */
static ASN1_TYPE *sattr(CMS_SignerInfo *si, int which)
{
	const ASN1_OBJECT *o = oid(which);
	X509_ATTRIBUTE *a;
	int i;

	if (!o)
		return NULL;
	i = CMS_signed_get_attr_by_OBJ(si, o, -1);
	if (i < 0 || !(a = CMS_signed_get_attr(si, i)) || X509_ATTRIBUTE_count(a) < 1)
		return NULL;
	return X509_ATTRIBUTE_get0_type(a, 0);
}

static int is_string_type(int t)
{
	return t == V_ASN1_PRINTABLESTRING || t == V_ASN1_UTF8STRING || t == V_ASN1_IA5STRING ||
	       t == V_ASN1_VISIBLESTRING || t == V_ASN1_T61STRING;
}

/* A string attribute read leniently (Printable, UTF8, IA5, Visible, T61)
 * whose characters must all be printable ASCII, into buf (NUL-terminated).
 * Returns the length, -1 when absent, -2 when malformed or too long. */
static int sattr_ascii(CMS_SignerInfo *si, int which, char *buf, size_t n)
{
	ASN1_TYPE *t = sattr(si, which);
	const unsigned char *d;
	int i, len;

	if (!t)
		return -1;
	if (!is_string_type(t->type) || !t->value.asn1_string)
		return -2;
	d = ASN1_STRING_get0_data(t->value.asn1_string);
	len = ASN1_STRING_length(t->value.asn1_string);
	if (len < 1 || (size_t)len >= n)
		return -2;
	for (i = 0; i < len; i++)
		if (d[i] < 0x20 || d[i] > 0x7e)
			return -2;
	memcpy(buf, d, (size_t)len);
	buf[len] = '\0';
	return len;
}

/* A small decimal number attribute (messageType, pkiStatus, failInfo):
 * the value, -1 when absent, -2 when malformed. */
static int sattr_num(CMS_SignerInfo *si, int which)
{
	char buf[8];
	int i, len = sattr_ascii(si, which, buf, 4), v = 0;

	if (len < 0)
		return len;
	for (i = 0; i < len; i++) {
		if (buf[i] < '0' || buf[i] > '9')
			return -2;
		v = v * 10 + (buf[i] - '0');
	}
	return v;
}

/* An OCTET STRING attribute (nonces) of 1..SCEP_MAX_NONCE bytes: the
 * length, -1 when absent, -2 when malformed. */
static int sattr_octets(CMS_SignerInfo *si, int which, unsigned char *buf)
{
	ASN1_TYPE *t = sattr(si, which);
	int len;

	if (!t)
		return -1;
	if (t->type != V_ASN1_OCTET_STRING || !t->value.octet_string)
		return -2;
	len = ASN1_STRING_length(t->value.octet_string);
	if (len < 1 || len > SCEP_MAX_NONCE)
		return -2;
	memcpy(buf, ASN1_STRING_get0_data(t->value.octet_string), (size_t)len);
	return len;
}

/* Any string type converted to UTF-8 (failInfoText, challengePassword):
 * a new string or NULL.  Embedded NULs are refused. */
static char *string_utf8(const ASN1_TYPE *t)
{
	unsigned char *u = NULL;
	char *s;
	int len;

	if (!t || !t->value.asn1_string)
		return NULL;
	if (!is_string_type(t->type) && t->type != V_ASN1_BMPSTRING &&
	    t->type != V_ASN1_UNIVERSALSTRING)
		return NULL;
	len = ASN1_STRING_to_UTF8(&u, t->value.asn1_string);
	if (len < 0)
		return NULL;
	if (len > MAX_TEXT || memchr(u, '\0', (size_t)len)) {
		OPENSSL_free(u);
		return NULL;
	}
	s = OPENSSL_strndup((const char *)u, (size_t)len);
	OPENSSL_free(u);
	return s;
}

/* Printable ASCII only (transactionID). */
static int ascii_printable(const char *s, size_t max)
{
	size_t i;

	for (i = 0; s[i]; i++)
		if ((unsigned char)s[i] < 0x20 || (unsigned char)s[i] > 0x7e || i >= max)
			return 0;
	return i > 0;
}

/* The PrintableString character set (X.680 §41.4). */
static int printable_string(const char *s)
{
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;
		if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
		      strchr(" '()+,-./:=?", c)))
			return 0;
	}
	return 1;
}

/* ---- building blocks ------------------------------------------------------------- */

/* SCEP attributes of a message being signed; unused fields are NULL/-1. */
struct attrs {
	int type;
	const char *tid;
	const unsigned char *snonce;
	size_t snonce_len;
	const unsigned char *rnonce;
	size_t rnonce_len;
	int status;
	int fail_info;
	const char *fail_text;
};

static int add_attr(CMS_SignerInfo *si, int which, int type, const void *data, size_t len)
{
	const ASN1_OBJECT *o = oid(which);

	return o && len <= INT_MAX &&
	       CMS_signed_add1_attr_by_OBJ(si, o, type, data, (int)len) == 1;
}

static int add_num(CMS_SignerInfo *si, int which, int v)
{
	char buf[12];

	snprintf(buf, sizeof buf, "%d", v);
	return add_attr(si, which, V_ASN1_PRINTABLESTRING, buf, strlen(buf));
}

static int add_attrs(CMS_SignerInfo *si, const struct attrs *a)
{
	if (!add_num(si, OID_MSGTYPE, a->type) ||
	    !add_attr(si, OID_TID, V_ASN1_PRINTABLESTRING, a->tid, strlen(a->tid)) ||
	    !add_attr(si, OID_SNONCE, V_ASN1_OCTET_STRING, a->snonce, a->snonce_len))
		return 0;
	if (a->rnonce &&
	    !add_attr(si, OID_RNONCE, V_ASN1_OCTET_STRING, a->rnonce, a->rnonce_len))
		return 0;
	if (a->status >= 0 && !add_num(si, OID_STATUS, a->status))
		return 0;
	if (a->fail_info >= 0 && !add_num(si, OID_FAILINFO, a->fail_info))
		return 0;
	if (a->fail_text && *a->fail_text) {
		size_t n = strnlen(a->fail_text, MAX_TEXT);
		int cut = n == MAX_TEXT;
		/* cut a too long text on a UTF-8 character boundary */
		while (cut && n > 0 && ((unsigned char)a->fail_text[n] & 0xc0) == 0x80)
			n--;
		if (!add_attr(si, OID_FAILTEXT, V_ASN1_UTF8STRING, a->fail_text, n))
			return 0;
	}
	return 1;
}

/* The DER of a CMS structure into *der (OPENSSL_malloc) / *len. */
static int cms_der(CMS_ContentInfo *cms, unsigned char **der, size_t *len)
{
	unsigned char *p = NULL;
	int n = i2d_CMS_ContentInfo(cms, &p);

	if (n <= 0)
		return 0;
	*der = p;
	*len = (size_t)n;
	return 1;
}

/* SignedData (eContentType id-data) by key+cert with one SignerInfo:
 * contentType, messageDigest, signingTime (OpenSSL's) and, when a is set,
 * the SCEP attributes.  content NULL: no eContent (FAILURE, PENDING); the
 * messageDigest is then that of the empty string, which is what verifiers
 * hash for an absent content. */
static int sign_data(EVP_PKEY *key, X509 *cert, int digest, const struct attrs *a,
		     const unsigned char *content, size_t clen, unsigned char **der,
		     size_t *len, struct scep_err *err)
{
	unsigned int flags = CMS_BINARY | CMS_PARTIAL | CMS_NOSMIMECAP;
	CMS_ContentInfo *cms = NULL;
	CMS_SignerInfo *si;
	BIO *in = NULL;
	int rc = SCEP_EOSSL;

	if (!content)
		flags |= CMS_DETACHED;
	if (clen > INT_MAX)
		return fail(err, SCEP_EINVAL, SCEP_FAIL_HTTP, "content too large");
	cms = CMS_sign(NULL, NULL, NULL, NULL, flags);
	if (!cms) {
		fail_ossl(err, rc, SCEP_FAIL_HTTP, "cannot create SignedData");
		goto out;
	}
	si = CMS_add1_signer(cms, cert, key, digest_md(digest), flags);
	if (!si) {
		fail_ossl(err, rc, SCEP_FAIL_HTTP, "cannot add the signer");
		goto out;
	}
	if (a && !add_attrs(si, a)) {
		fail_ossl(err, rc, SCEP_FAIL_HTTP, "cannot add the SCEP attributes");
		goto out;
	}
	in = BIO_new_mem_buf(content ? (const void *)content : "", (int)(content ? clen : 0));
	if (!in || !CMS_final(cms, in, NULL, flags) || !cms_der(cms, der, len)) {
		fail_ossl(err, rc, SCEP_FAIL_HTTP, "cannot sign the message");
		goto out;
	}
	rc = 0;
out:
	BIO_free(in);
	CMS_ContentInfo_free(cms);
	return rc;
}

/* EnvelopedData of data for one RSA recipient certificate (KTRI,
 * issuerAndSerialNumber, PKCS#1 v1.5) with cipher. */
static int envelope(const unsigned char *data, size_t n, X509 *to, int cipher,
		    unsigned char **der, size_t *len, struct scep_err *err)
{
	STACK_OF(X509) *rcpt = sk_X509_new_null();
	CMS_ContentInfo *env = NULL;
	BIO *in = NULL;
	int rc = SCEP_EOSSL;

	if (!cipher_evp(cipher)) {
		rc = fail(err, SCEP_EALG, SCEP_FAIL_HTTP, "cipher %s is never produced",
			  scep_cipher_name(cipher));
		goto out;
	}
	if (!X509_get0_pubkey(to) || !EVP_PKEY_is_a(X509_get0_pubkey(to), "RSA")) {
		rc = fail(err, SCEP_EALG, SCEP_FAIL_HTTP, "recipient key is not RSA");
		goto out;
	}
	if (!rcpt || !sk_X509_push(rcpt, to) || n > INT_MAX ||
	    !(in = BIO_new_mem_buf(data, (int)n)) ||
	    !(env = CMS_encrypt(rcpt, in, cipher_evp(cipher), CMS_BINARY)) ||
	    !cms_der(env, der, len)) {
		fail_ossl(err, rc, SCEP_FAIL_HTTP, "cannot build the envelope");
		goto out;
	}
	rc = 0;
out:
	BIO_free(in);
	CMS_ContentInfo_free(env);
	sk_X509_free(rcpt);
	return rc;
}

/* Degenerate certs-only SignedData: certificates [first, more...] in this
 * order, optional CRL, no signers, no eContent. */
static int degenerate(X509 *first, STACK_OF(X509) *more, X509_CRL *crl,
		      unsigned char **der, size_t *len, struct scep_err *err)
{
	PKCS7 *p7 = PKCS7_new();
	unsigned char *p = NULL;
	int i, n, rc = SCEP_EOSSL;

	if (!p7 || !PKCS7_set_type(p7, NID_pkcs7_signed) ||
	    !PKCS7_content_new(p7, NID_pkcs7_data))
		goto out;
	if (first && !PKCS7_add_certificate(p7, first))
		goto out;
	for (i = 0; i < sk_X509_num(more); i++)
		if (!PKCS7_add_certificate(p7, sk_X509_value(more, i)))
			goto out;
	if ((crl && !PKCS7_add_crl(p7, crl)) || !PKCS7_set_detached(p7, 1))
		goto out;
	n = i2d_PKCS7(p7, &p);
	if (n <= 0)
		goto out;
	*der = p;
	*len = (size_t)n;
	rc = 0;
out:
	if (rc)
		fail_ossl(err, rc, SCEP_FAIL_HTTP, "cannot build the certificates-only SignedData");
	PKCS7_free(p7);
	return rc;
}

/* Certificates (new references) and the first CRL of a degenerate
 * SignedData. */
static int degenerate_parse(const unsigned char *der, size_t len, STACK_OF(X509) **certs,
			    X509_CRL **crl, struct scep_err *err)
{
	const unsigned char *p = der;
	PKCS7 *p7 = NULL;
	STACK_OF(X509) *sk = NULL;
	int i, rc = SCEP_EFORMAT;

	*certs = NULL;
	if (crl)
		*crl = NULL;
	if (len > SCEP_MAX_MSG)
		return fail(err, SCEP_ETOOBIG, SCEP_FAIL_HTTP, "content larger than %d bytes",
			    SCEP_MAX_MSG);
	p7 = d2i_PKCS7(NULL, &p, (long)len);
	if (!p7 || !PKCS7_type_is_signed(p7) || !p7->d.sign) {
		fail(err, rc, SCEP_FAIL_HTTP, "content is not a certificates-only SignedData");
		goto out;
	}
	rc = SCEP_EOSSL;                 /* from here on only allocations fail */
	if (!(sk = sk_X509_new_null()))
		goto out;
	for (i = 0; i < sk_X509_num(p7->d.sign->cert); i++) {
		X509 *x = sk_X509_value(p7->d.sign->cert, i);
		if (!X509_up_ref(x))
			goto out;
		if (!sk_X509_push(sk, x)) {
			X509_free(x);
			goto out;
		}
	}
	if (crl && sk_X509_CRL_num(p7->d.sign->crl) > 0) {
		*crl = sk_X509_CRL_value(p7->d.sign->crl, 0);
		if (!X509_CRL_up_ref(*crl)) {
			*crl = NULL;
			goto out;
		}
	}
	*certs = sk;
	sk = NULL;
	rc = 0;
out:
	if (rc == SCEP_EOSSL)
		fail_ossl(err, rc, SCEP_FAIL_HTTP, "out of memory");
	sk_X509_pop_free(sk, X509_free);
	PKCS7_free(p7);
	return rc;
}

/* IssuerAndSubject ::= SEQUENCE { issuer Name, subject Name } (CertPoll). */
typedef struct {
	X509_NAME *issuer;
	X509_NAME *subject;
} SCEP_ISSUER_SUBJECT;

ASN1_SEQUENCE(SCEP_ISSUER_SUBJECT) = {
	ASN1_SIMPLE(SCEP_ISSUER_SUBJECT, issuer, X509_NAME),
	ASN1_SIMPLE(SCEP_ISSUER_SUBJECT, subject, X509_NAME),
} static_ASN1_SEQUENCE_END(SCEP_ISSUER_SUBJECT)

/* The signer certificate of si among the message's certificates (a new
 * reference), or NULL. */
/* ---- public keys without the decoder set-up -----------------------------------
 * OpenSSL 3.0 decodes the public key of every certificate and PKCS#10 it
 * parses through its decoder framework, whose set-up alone costs about a
 * third of an RSA-2048 private-key operation (~1.1 million instructions,
 * ~110 µs here) — twice per request (signer certificate, CSR), a quarter
 * of what the server spends besides its three private-key operations.
 * So requests are parsed in lazy_ctx, a library context with only the
 * "null" provider, where that decoding finds no decoder at once and leaves
 * the key undecoded; an RSA key is then decoded directly (d2i_PublicKey:
 * RSAPublicKey, a few µs) and set back with X509_set_pubkey /
 * X509_REQ_set_pubkey — kept only if the object then encodes to exactly
 * the bytes that were parsed, so that every signature over it still
 * verifies.  Anything else (another key type, a non-DER encoding) is
 * parsed again the ordinary way. */

/* The RSA key of spki, decoded directly; NULL for anything else. */
static EVP_PKEY *rsa_key_of(const X509_PUBKEY *spki)
{
	ASN1_OBJECT *aobj = NULL;
	const unsigned char *bits = NULL, *p;
	EVP_PKEY *k;
	int len = 0;

	if (!spki || !X509_PUBKEY_get0_param(&aobj, &bits, &len, NULL, spki) ||
	    OBJ_obj2nid(aobj) != NID_rsaEncryption || !bits || len <= 0)
		return NULL;
	p = bits;
	k = d2i_PublicKey(EVP_PKEY_RSA, NULL, &p, len);
	if (k && p != bits + len) {
		EVP_PKEY_free(k);
		k = NULL;
	}
	return k;
}

/* 1 when the two encodings are the same bytes (frees both). */
static int same_der(unsigned char *a, int na, unsigned char *b, int nb)
{
	int same = na > 0 && na == nb && memcmp(a, b, (size_t)na) == 0;

	OPENSSL_free(a);
	OPENSSL_free(b);
	return same;
}

/* Gives a certificate parsed in lazy_ctx its public key: 1, else 0. */
static int x509_set_lazy_key(X509 *x)
{
	unsigned char *a = NULL, *b = NULL;
	EVP_PKEY *k;
	int na, nb = 0, ok = 0;

	na = i2d_X509(x, &a);
	k = rsa_key_of(X509_get_X509_PUBKEY(x));
	if (na > 0 && k && X509_set_pubkey(x, k) == 1) {
		nb = i2d_X509(x, &b);
		ok = 1;
	}
	EVP_PKEY_free(k);
	return same_der(a, na, b, nb) && ok;
}

static int req_set_lazy_key(X509_REQ *r)
{
	unsigned char *a = NULL, *b = NULL;
	EVP_PKEY *k;
	int na, nb = 0, ok = 0;

	na = i2d_X509_REQ(r, &a);
	k = rsa_key_of(X509_REQ_get_X509_PUBKEY(r));
	if (na > 0 && k && X509_REQ_set_pubkey(r, k) == 1) {
		nb = i2d_X509_REQ(r, &b);
		ok = 1;
	}
	EVP_PKEY_free(k);
	return same_der(a, na, b, nb) && ok;
}

/* A SignedData whose certificates all got their keys the fast way, or
 * NULL (then parse it the ordinary way). */
static CMS_ContentInfo *cms_parse_lazy(const unsigned char *der, size_t len)
{
	const unsigned char *p = der;
	CMS_ContentInfo *cms;
	STACK_OF(X509) *certs;
	int i, ok;

	if (!lazy_ctx)
		return NULL;
	ERR_set_mark();
	cms = (CMS_ContentInfo *)ASN1_item_d2i_ex(NULL, &p, (long)len,
						  ASN1_ITEM_rptr(CMS_ContentInfo), lazy_ctx, NULL);
	ok = cms && OBJ_obj2nid(CMS_get0_type(cms)) == NID_pkcs7_signed;
	certs = ok ? CMS_get1_certs(cms) : NULL;
	for (i = 0; ok && i < sk_X509_num(certs); i++)
		ok = x509_set_lazy_key(sk_X509_value(certs, i));
	sk_X509_pop_free(certs, X509_free);
	ERR_pop_to_mark();
	if (!ok) {
		CMS_ContentInfo_free(cms);
		cms = NULL;
	}
	return cms;
}

static X509_REQ *csr_parse_lazy(const unsigned char *der, size_t len)
{
	const unsigned char *p = der;
	X509_REQ *r;

	if (!lazy_ctx)
		return NULL;
	ERR_set_mark();
	r = (X509_REQ *)ASN1_item_d2i_ex(NULL, &p, (long)len, ASN1_ITEM_rptr(X509_REQ), lazy_ctx,
					 NULL);
	if (r && (p != der + len || !req_set_lazy_key(r))) {
		X509_REQ_free(r);
		r = NULL;
	}
	ERR_pop_to_mark();
	return r;
}

static X509 *find_signer(CMS_ContentInfo *cms, CMS_SignerInfo *si)
{
	STACK_OF(X509) *certs = CMS_get1_certs(cms);
	X509 *x = NULL;
	int i;

	for (i = 0; i < sk_X509_num(certs); i++) {
		if (CMS_SignerInfo_cert_cmp(si, sk_X509_value(certs, i)) == 0) {
			x = sk_X509_value(certs, i);
			if (!X509_up_ref(x))
				x = NULL;
			break;
		}
	}
	sk_X509_pop_free(certs, X509_free);
	return x;
}

/* 1 when the message has a non-empty eContent. */
static int has_content(CMS_ContentInfo *cms)
{
	ASN1_OCTET_STRING **pos = CMS_get0_content(cms);

	return pos && *pos && ASN1_STRING_length(*pos) > 0;
}

/* CMS_verify without chain building; with `only` set, exactly that
 * certificate's key (CMS_NOINTERN), else the embedded signer certificate.
 * The eContent (may be empty) is copied into *content. */
static int verify_signed(CMS_ContentInfo *cms, X509 *only, unsigned char **content,
			 size_t *clen)
{
	unsigned int flags = CMS_NO_SIGNER_CERT_VERIFY | CMS_BINARY;
	STACK_OF(X509) *certs = NULL;
	ASN1_OCTET_STRING **pos = CMS_get0_content(cms);
	BIO *dcont = NULL, *out = BIO_new(BIO_s_mem());
	char *data;
	long n;
	int ok = 0;

	*content = NULL;
	*clen = 0;
	if (!out)
		goto out;
	if (only) {
		flags |= CMS_NOINTERN;
		if (!(certs = sk_X509_new_null()) || !sk_X509_push(certs, only))
			goto out;
	}
	/* an absent eContent is verified as the empty string */
	if ((!pos || !*pos) && !(dcont = BIO_new_mem_buf("", 0)))
		goto out;
	if (CMS_verify(cms, certs, NULL, dcont, out, flags) != 1)
		goto out;
	n = BIO_get_mem_data(out, &data);
	if (n < 0 || n > SCEP_MAX_MSG)
		goto out;
	*content = OPENSSL_malloc(n > 0 ? (size_t)n : 1);
	if (!*content)
		goto out;
	if (n > 0)
		memcpy(*content, data, (size_t)n);
	*clen = (size_t)n;
	ok = 1;
out:
	BIO_free(dcont);
	BIO_free(out);
	sk_X509_free(certs);
	return ok;
}

/* An EnvelopedData parsed with PKCS7; *cipher from its content-encryption
 * algorithm.  Errors classified: CMS-only recipient forms and unknown
 * ciphers are badAlg, anything else unreadable badRequest. */
static int envelope_parse(const unsigned char *der, size_t len, PKCS7 **env, int *cipher,
			  struct scep_err *err)
{
	const unsigned char *p = der;
	PKCS7 *p7;
	CMS_ContentInfo *cms;
	PKCS7_ENC_CONTENT *ec;
	int nid;

	*env = NULL;
	*cipher = 0;
	p7 = d2i_PKCS7(NULL, &p, (long)len);
	if (!p7) {
		p = der;
		cms = d2i_CMS_ContentInfo(NULL, &p, (long)len);
		nid = cms ? OBJ_obj2nid(CMS_get0_type(cms)) : NID_undef;
		CMS_ContentInfo_free(cms);
		if (nid == NID_pkcs7_enveloped)
			return fail(err, SCEP_EALG, SCEP_BAD_ALG, "envelope recipient form not "
				    "supported (only RSA key transport to issuerAndSerialNumber)");
		return fail(err, SCEP_EFORMAT, SCEP_BAD_REQUEST,
			    "pkcsPKIEnvelope is not an EnvelopedData");
	}
	if (!PKCS7_type_is_enveloped(p7) || !p7->d.enveloped ||
	    !(ec = p7->d.enveloped->enc_data) || !ec->algorithm || !ec->enc_data ||
	    sk_PKCS7_RECIP_INFO_num(p7->d.enveloped->recipientinfo) < 1) {
		PKCS7_free(p7);
		return fail(err, SCEP_EFORMAT, SCEP_BAD_REQUEST,
			    "pkcsPKIEnvelope is not a complete EnvelopedData");
	}
	nid = OBJ_obj2nid(ec->algorithm->algorithm);
	*cipher = cipher_from_nid(nid);
	if (!*cipher) {
		PKCS7_free(p7);
		return fail(err, SCEP_EALG, SCEP_BAD_ALG, "content encryption %s not supported",
			    nid != NID_undef ? OBJ_nid2sn(nid) : "(unknown OID)");
	}
	if (*cipher == SCEP_DES && !scep_des_available()) {
		PKCS7_free(p7);
		return fail(err, SCEP_EALG, SCEP_BAD_ALG, "single-DES envelope, but OpenSSL's "
			    "legacy provider is not available");
	}
	*env = p7;
	return 0;
}

/* Decrypts env for key+cert into *data (OPENSSL_malloc). */
static int envelope_open(PKCS7 *env, EVP_PKEY *key, X509 *cert, unsigned char **data,
			 size_t *len)
{
	BIO *out = BIO_new(BIO_s_mem());
	char *p;
	long n;
	int ok = 0;

	*data = NULL;
	*len = 0;
	if (!out || PKCS7_decrypt(env, key, cert, out, 0) != 1)
		goto out;
	n = BIO_get_mem_data(out, &p);
	if (n <= 0 || n > SCEP_MAX_MSG || !(*data = OPENSSL_malloc((size_t)n)))
		goto out;
	memcpy(*data, p, (size_t)n);
	*len = (size_t)n;
	ok = 1;
out:
	BIO_free(out);
	return ok;
}

static int recipient_is(const PKCS7_RECIP_INFO *ri, const X509 *cert)
{
	return ri && ri->issuer_and_serial && ri->issuer_and_serial->issuer &&
	       ri->issuer_and_serial->serial &&
	       X509_NAME_cmp(ri->issuer_and_serial->issuer, X509_get_issuer_name(cert)) == 0 &&
	       ASN1_INTEGER_cmp(ri->issuer_and_serial->serial, X509_get0_serialNumber(cert)) == 0;
}

/* ---- server: requests ------------------------------------------------------------ */

enum { REQ_PARSED = 1, REQ_OPEN, REQ_FAILED };

struct scep_req {
	CMS_ContentInfo *cms;
	CMS_SignerInfo *si;              /* borrowed from cms */
	X509 *signer;
	int state;
	int type;
	char tid[SCEP_MAX_TID + 1];
	unsigned char nonce[SCEP_MAX_NONCE];
	size_t nonce_len;
	int digest;
	int cipher;
	PKCS7 *env;
	unsigned char *data;             /* decrypted messageData */
	size_t data_len;
	X509_REQ *csr;
	char *challenge;
	X509_NAME *issuer;
	X509_NAME *subject;
	ASN1_INTEGER *serial;
	char *serial_hex;
};

void scep_req_free(scep_req *r)
{
	if (!r)
		return;
	CMS_ContentInfo_free(r->cms);
	X509_free(r->signer);
	PKCS7_free(r->env);
	OPENSSL_free(r->data);
	X509_REQ_free(r->csr);
	OPENSSL_free(r->challenge);
	X509_NAME_free(r->issuer);
	X509_NAME_free(r->subject);
	ASN1_INTEGER_free(r->serial);
	OPENSSL_free(r->serial_hex);
	OPENSSL_free(r);
}

/* The steps of scep_req_parse once transactionID, senderNonce and signer
 * are known, i.e. a FAILURE reply is possible. */
static int req_check(scep_req *r, struct scep_err *err)
{
	unsigned char *content = NULL;
	size_t clen = 0;
	int rc;

	rc = check_signer_algs(r->si, 1, &r->digest, err, SCEP_BAD_ALG);
	if (rc)
		return rc;
	if (!X509_get0_pubkey(r->signer) || !EVP_PKEY_is_a(X509_get0_pubkey(r->signer), "RSA"))
		return fail(err, SCEP_EALG, SCEP_BAD_ALG, "signer key is not RSA");
	if (!has_content(r->cms))
		return fail(err, SCEP_EFORMAT, SCEP_BAD_REQUEST, "message without pkcsPKIEnvelope");
	if (!verify_signed(r->cms, NULL, &content, &clen))
		return fail_ossl(err, SCEP_ESIG, SCEP_BAD_MESSAGE_CHECK,
				 "signature does not verify");
	if (OBJ_obj2nid(CMS_get0_eContentType(r->cms)) != NID_pkcs7_data) {
		rc = fail(err, SCEP_EFORMAT, SCEP_BAD_REQUEST, "eContentType is not id-data");
		goto out;
	}
	r->type = sattr_num(r->si, OID_MSGTYPE);
	switch (r->type) {
	case SCEP_PKCSREQ: case SCEP_RENEWALREQ: case SCEP_CERTPOLL:
	case SCEP_GETCERT: case SCEP_GETCRL:
		break;
	case -1:
		rc = fail(err, SCEP_EFORMAT, SCEP_BAD_REQUEST, "no messageType");
		goto out;
	case -2:
		rc = fail(err, SCEP_EFORMAT, SCEP_BAD_REQUEST, "malformed messageType");
		goto out;
	default:
		rc = fail(err, SCEP_EFORMAT, SCEP_BAD_REQUEST, "messageType %d not supported",
			  r->type);
		goto out;
	}
	rc = envelope_parse(content, clen, &r->env, &r->cipher, err);
out:
	OPENSSL_free(content);
	return rc;
}

int scep_req_parse(const unsigned char *der, size_t len, scep_req **out, struct scep_err *err)
{
	const unsigned char *p = der;
	STACK_OF(CMS_SignerInfo) *sis;
	struct scep_err local;
	scep_req *r = NULL;
	int n, rc;

	if (!err)
		err = &local;
	err_ok(err);
	if (!out)
		return fail(err, SCEP_EINVAL, SCEP_FAIL_HTTP, "no result pointer");
	*out = NULL;
	if (!der || len == 0)
		return fail(err, SCEP_EFORMAT, SCEP_FAIL_HTTP, "empty message");
	if (len > SCEP_MAX_MSG)
		return fail(err, SCEP_ETOOBIG, SCEP_FAIL_HTTP, "message larger than %d bytes",
			    SCEP_MAX_MSG);
	scep_crypto_init(NULL);
	if (!oids_ready())
		return fail(err, SCEP_EOSSL, SCEP_FAIL_HTTP, "out of memory");
	if (!(r = OPENSSL_zalloc(sizeof *r)))
		return fail(err, SCEP_EOSSL, SCEP_FAIL_HTTP, "out of memory");
	r->type = -1;
	r->cms = cms_parse_lazy(der, len);
	if (!r->cms)
		r->cms = d2i_CMS_ContentInfo(NULL, &p, (long)len);
	if (!r->cms) {
		rc = fail(err, SCEP_EFORMAT, SCEP_FAIL_HTTP, "not a CMS/PKCS#7 message");
		goto out;
	}
	if (OBJ_obj2nid(CMS_get0_type(r->cms)) != NID_pkcs7_signed) {
		rc = fail(err, SCEP_EFORMAT, SCEP_FAIL_HTTP, "not a SignedData");
		goto out;
	}
	sis = CMS_get0_SignerInfos(r->cms);
	if (sk_CMS_SignerInfo_num(sis) != 1) {
		rc = fail(err, SCEP_EFORMAT, SCEP_FAIL_HTTP, "%d SignerInfos, expected one",
			  sk_CMS_SignerInfo_num(sis));
		goto out;
	}
	r->si = sk_CMS_SignerInfo_value(sis, 0);
	n = sattr_ascii(r->si, OID_TID, r->tid, sizeof r->tid);
	if (n < 0) {
		rc = fail(err, SCEP_EFORMAT, SCEP_FAIL_HTTP, "%s transactionID",
			  n == -1 ? "no" : "malformed");
		goto out;
	}
	n = sattr_octets(r->si, OID_SNONCE, r->nonce);
	if (n < 0) {
		rc = fail(err, SCEP_EFORMAT, SCEP_FAIL_HTTP, "%s senderNonce",
			  n == -1 ? "no" : "malformed");
		goto out;
	}
	r->nonce_len = (size_t)n;
	r->signer = find_signer(r->cms, r->si);
	if (!r->signer) {
		rc = fail(err, SCEP_EFORMAT, SCEP_FAIL_HTTP, "signer certificate not in the message");
		goto out;
	}
	rc = req_check(r, err);
out:
	if (rc && (err->fail_info == SCEP_FAIL_HTTP || !r || !r->signer)) {
		scep_req_free(r);
		r = NULL;
	}
	if (r)
		r->state = rc ? REQ_FAILED : REQ_PARSED;
	*out = r;
	if (!rc)
		err_ok(err);
	ERR_clear_error();
	return rc;
}

int scep_req_for(const scep_req *r, const X509 *cert)
{
	STACK_OF(PKCS7_RECIP_INFO) *ris;
	int i;

	if (!r || !r->env || !cert)
		return 0;
	ris = r->env->d.enveloped->recipientinfo;
	for (i = 0; i < sk_PKCS7_RECIP_INFO_num(ris); i++)
		if (recipient_is(sk_PKCS7_RECIP_INFO_value(ris, i), cert))
			return 1;
	return 0;
}

int scep_req_recipient(const scep_req *r, const X509_NAME **issuer, const ASN1_INTEGER **serial)
{
	PKCS7_RECIP_INFO *ri;

	if (!r || !r->env)
		return SCEP_EINVAL;
	ri = sk_PKCS7_RECIP_INFO_value(r->env->d.enveloped->recipientinfo, 0);
	if (!ri || !ri->issuer_and_serial)
		return SCEP_EINVAL;
	if (issuer)
		*issuer = ri->issuer_and_serial->issuer;
	if (serial)
		*serial = ri->issuer_and_serial->serial;
	return 0;
}

/* The challengePassword of a CSR, any string type, into r->challenge. */
static int read_challenge(scep_req *r, struct scep_err *err)
{
	X509_ATTRIBUTE *a;
	int i = X509_REQ_get_attr_by_NID(r->csr, NID_pkcs9_challengePassword, -1);

	if (i < 0)
		return 0;
	a = X509_REQ_get_attr(r->csr, i);
	if (!a || X509_ATTRIBUTE_count(a) != 1 ||
	    !(r->challenge = string_utf8(X509_ATTRIBUTE_get0_type(a, 0))))
		return fail(err, SCEP_EFORMAT, SCEP_BAD_REQUEST, "malformed challengePassword");
	return 0;
}

/* The decoders of messageData return 1 when it does not decode (the
 * caller reports that exactly like a decryption failure), else 0 or an
 * error recorded in err. */

/* messageData of PKCSReq / RenewalReq: a PKCS#10 with a valid self-signature. */
static int decode_csr(scep_req *r, struct scep_err *err)
{
	const unsigned char *p = r->data;
	EVP_PKEY *pk;

	r->csr = csr_parse_lazy(r->data, r->data_len);
	if (!r->csr) {
		r->csr = d2i_X509_REQ(NULL, &p, (long)r->data_len);
		if (!r->csr || p != r->data + r->data_len)
			return 1;
	}
	pk = X509_REQ_get0_pubkey(r->csr);
	if (!pk || X509_REQ_verify(r->csr, pk) != 1)
		return fail_ossl(err, SCEP_ESIG, SCEP_BAD_MESSAGE_CHECK,
				 "PKCS#10 self-signature does not verify");
	return read_challenge(r, err);
}

/* messageData of CertPoll: IssuerAndSubject. */
static int decode_issuer_subject(scep_req *r, struct scep_err *err)
{
	const unsigned char *p = r->data;
	SCEP_ISSUER_SUBJECT *is;

	is = (SCEP_ISSUER_SUBJECT *)ASN1_item_d2i(NULL, &p, (long)r->data_len,
						  ASN1_ITEM_rptr(SCEP_ISSUER_SUBJECT));
	if (!is || p != r->data + r->data_len) {
		ASN1_item_free((ASN1_VALUE *)is, ASN1_ITEM_rptr(SCEP_ISSUER_SUBJECT));
		return 1;
	}
	r->issuer = is->issuer;
	r->subject = is->subject;
	is->issuer = is->subject = NULL;
	ASN1_item_free((ASN1_VALUE *)is, ASN1_ITEM_rptr(SCEP_ISSUER_SUBJECT));
	return 0;
}

/* messageData of GetCert / GetCRL: IssuerAndSerialNumber. */
static int decode_issuer_serial(scep_req *r, struct scep_err *err)
{
	const unsigned char *p = r->data;
	PKCS7_ISSUER_AND_SERIAL *ias;
	BIGNUM *bn = NULL;

	ias = d2i_PKCS7_ISSUER_AND_SERIAL(NULL, &p, (long)r->data_len);
	if (!ias || p != r->data + r->data_len) {
		PKCS7_ISSUER_AND_SERIAL_free(ias);
		return 1;
	}
	r->issuer = ias->issuer;
	r->serial = ias->serial;
	ias->issuer = NULL;
	ias->serial = NULL;
	PKCS7_ISSUER_AND_SERIAL_free(ias);
	if (!(bn = ASN1_INTEGER_to_BN(r->serial, NULL)) || !(r->serial_hex = BN_bn2hex(bn))) {
		BN_free(bn);
		return fail_ossl(err, SCEP_EFORMAT, SCEP_BAD_REQUEST, "unreadable serial number");
	}
	BN_free(bn);
	return 0;
}

int scep_req_open(scep_req *r, EVP_PKEY *key, X509 *cert, struct scep_err *err)
{
	int rc;

	err_ok(err);
	if (!r || !key || !cert || r->state != REQ_PARSED)
		return fail(err, SCEP_EINVAL, SCEP_FAIL_HTTP, "request not parsed, or opened already");
	if (!scep_req_for(r, cert)) {
		rc = fail(err, SCEP_EDECRYPT, SCEP_BAD_CERT_ID,
			  "envelope is not addressed to this CA certificate");
		goto out;
	}
	rc = envelope_open(r->env, key, cert, &r->data, &r->data_len) ? 0 : 1;
	if (rc == 0) {
		switch (r->type) {
		case SCEP_PKCSREQ:
		case SCEP_RENEWALREQ:
			rc = decode_csr(r, err);
			break;
		case SCEP_CERTPOLL:
			rc = decode_issuer_subject(r, err);
			break;
		default:
			rc = decode_issuer_serial(r, err);
			break;
		}
	}
	/* A re-signed copy of somebody else's envelope must not tell bad CBC
	 * padding from a bad plaintext (padding oracle): one answer for both. */
	if (rc == 1)
		rc = fail(err, SCEP_EDECRYPT, SCEP_BAD_MESSAGE_CHECK,
			  "cannot decrypt the envelope into a %s messageData",
			  scep_type_name(r->type));
out:
	r->state = rc ? REQ_FAILED : REQ_OPEN;
	ERR_clear_error();
	return rc;
}

int scep_req_type(const scep_req *r)
{
	return r ? r->type : -1;
}

const char *scep_req_transaction_id(const scep_req *r)
{
	return r ? r->tid : NULL;
}

const unsigned char *scep_req_sender_nonce(const scep_req *r, size_t *len)
{
	if (len)
		*len = r ? r->nonce_len : 0;
	return r ? r->nonce : NULL;
}

X509 *scep_req_signer(const scep_req *r)
{
	return r ? r->signer : NULL;
}

int scep_req_digest(const scep_req *r)
{
	return r ? r->digest : 0;
}

int scep_req_cipher(const scep_req *r)
{
	return r ? r->cipher : 0;
}

X509_REQ *scep_req_csr(const scep_req *r)
{
	return r && r->state == REQ_OPEN ? r->csr : NULL;
}

const unsigned char *scep_req_csr_der(const scep_req *r, size_t *len)
{
	int ok = r && r->state == REQ_OPEN && r->csr;

	if (len)
		*len = ok ? r->data_len : 0;
	return ok ? r->data : NULL;
}

const char *scep_req_challenge(const scep_req *r)
{
	return r && r->state == REQ_OPEN ? r->challenge : NULL;
}

const X509_NAME *scep_req_issuer(const scep_req *r)
{
	return r && r->state == REQ_OPEN ? r->issuer : NULL;
}

const X509_NAME *scep_req_subject(const scep_req *r)
{
	return r && r->state == REQ_OPEN ? r->subject : NULL;
}

const ASN1_INTEGER *scep_req_serial(const scep_req *r)
{
	return r && r->state == REQ_OPEN ? r->serial : NULL;
}

const char *scep_req_serial_hex(const scep_req *r)
{
	return r && r->state == REQ_OPEN ? r->serial_hex : NULL;
}

int scep_req_fill(const scep_req *r, int for_rollover, struct pk_scep_req *o)
{
	if (!r || !o || r->state != REQ_OPEN)
		return SCEP_EINVAL;
	memset(o, 0, sizeof *o);
	switch (r->type) {
	case SCEP_PKCSREQ:    o->kind = PK_SCEP_PKCSREQ; break;
	case SCEP_RENEWALREQ: o->kind = PK_SCEP_RENEWALREQ; break;
	case SCEP_CERTPOLL:   o->kind = PK_SCEP_CERTPOLL; break;
	case SCEP_GETCERT:    o->kind = PK_SCEP_GETCERT; break;
	case SCEP_GETCRL:     o->kind = PK_SCEP_GETCRL; break;
	default:              return SCEP_EINVAL;
	}
	o->transaction_id = r->tid;
	o->csr = r->csr;
	if (r->csr) {
		o->csr_der = r->data;
		o->csr_len = r->data_len;
	}
	o->signer = r->signer;
	o->for_rollover = for_rollover != 0;
	o->challenge = r->challenge;
	o->serial = r->serial_hex;
	return 0;
}

/* ---- server: answers ------------------------------------------------------------- */

int scep_certrep_build(const scep_req *r, EVP_PKEY *key, X509 *cert,
		       const struct scep_reply *rep, unsigned char **der, size_t *len,
		       struct scep_err *err)
{
	unsigned char snonce[SCEP_NONCE_LEN];
	unsigned char *deg = NULL, *env = NULL;
	size_t deg_len = 0, env_len = 0;
	struct attrs a;
	int rc;

	err_ok(err);
	if (!r || !key || !cert || !rep || !der || !len || !r->tid[0] || !r->nonce_len)
		return fail(err, SCEP_EINVAL, SCEP_FAIL_HTTP, "missing argument");
	*der = NULL;
	*len = 0;
	if (rep->status != SCEP_SUCCESS && rep->status != SCEP_FAILURE &&
	    rep->status != SCEP_PENDING)
		return fail(err, SCEP_EINVAL, SCEP_FAIL_HTTP, "pkiStatus %d", rep->status);
	if (rep->status == SCEP_FAILURE &&
	    (rep->fail_info < SCEP_BAD_ALG || rep->fail_info > SCEP_BAD_CERT_ID))
		return fail(err, SCEP_EINVAL, SCEP_FAIL_HTTP, "failInfo %d", rep->fail_info);
	if (rep->status == SCEP_SUCCESS && (!r->signer || (!rep->cert && !rep->crl)))
		return fail(err, SCEP_EINVAL, SCEP_FAIL_HTTP, "SUCCESS without content");
	if (!oids_ready() || RAND_bytes(snonce, sizeof snonce) != 1)
		return fail_ossl(err, SCEP_EOSSL, SCEP_FAIL_HTTP, "cannot make a nonce");
	if (rep->status == SCEP_SUCCESS) {
		rc = degenerate(rep->cert, rep->more, rep->crl, &deg, &deg_len, err);
		if (!rc)
			rc = envelope(deg, deg_len, r->signer, reply_cipher(r->cipher), &env,
				      &env_len, err);
		if (rc)
			goto out;
	}
	a = (struct attrs){
		.type = SCEP_CERTREP, .tid = r->tid,
		.snonce = snonce, .snonce_len = sizeof snonce,
		.rnonce = r->nonce, .rnonce_len = r->nonce_len,
		.status = rep->status,
		.fail_info = rep->status == SCEP_FAILURE ? rep->fail_info : -1,
		.fail_text = rep->status == SCEP_FAILURE ? rep->fail_text : NULL,
	};
	rc = sign_data(key, cert, reply_digest(r->digest), &a, env, env_len, der, len, err);
out:
	OPENSSL_free(deg);
	OPENSSL_free(env);
	return rc;
}

int scep_cacert_build(X509 *ca, STACK_OF(X509) *more, unsigned char **der, size_t *len,
		      const char **ctype, struct scep_err *err)
{
	unsigned char *p = NULL;
	int n;

	err_ok(err);
	if (!ca || !der || !len || !ctype)
		return fail(err, SCEP_EINVAL, SCEP_FAIL_HTTP, "missing argument");
	if (sk_X509_num(more) > 0) {
		*ctype = SCEP_CT_CA_RA_CERT;
		return degenerate(ca, more, NULL, der, len, err);
	}
	n = i2d_X509(ca, &p);
	if (n <= 0)
		return fail_ossl(err, SCEP_EOSSL, SCEP_FAIL_HTTP, "cannot encode the certificate");
	*der = p;
	*len = (size_t)n;
	*ctype = SCEP_CT_CA_CERT;
	return 0;
}

int scep_nextca_build(EVP_PKEY *key, X509 *cert, X509 *next, STACK_OF(X509) *more,
		      int digest, unsigned char **der, size_t *len, struct scep_err *err)
{
	unsigned char *deg = NULL;
	size_t deg_len = 0;
	int rc;

	err_ok(err);
	if (!key || !cert || !next || !der || !len)
		return fail(err, SCEP_EINVAL, SCEP_FAIL_HTTP, "missing argument");
	if (!digest)
		digest = SCEP_SHA256;
	if (!digest_md(digest))
		return fail(err, SCEP_EALG, SCEP_FAIL_HTTP, "digest %s is never produced",
			    scep_digest_name(digest));
	rc = degenerate(next, more, NULL, &deg, &deg_len, err);
	if (!rc)
		rc = sign_data(key, cert, digest, NULL, deg, deg_len, der, len, err);
	OPENSSL_free(deg);
	return rc;
}

const char *scep_cacaps(void)
{
	return "AES\nDES3\nGetNextCACert\nPOSTPKIOperation\nRenewal\nSHA-1\nSHA-256\n"
	       "SHA-384\nSHA-512\nSCEPStandard";
}

/* ---- client ---------------------------------------------------------------------- */

unsigned scep_caps_parse(const char *body, size_t len)
{
	static const struct { const char *kw; unsigned flag; } kw[] = {
		{ "AES", SCEP_CAP_AES }, { "DES3", SCEP_CAP_DES3 },
		{ "GetNextCACert", SCEP_CAP_NEXTCA }, { "POSTPKIOperation", SCEP_CAP_POST },
		{ "Renewal", SCEP_CAP_RENEWAL }, { "SHA-1", SCEP_CAP_SHA1 },
		{ "SHA-256", SCEP_CAP_SHA256 }, { "SHA-384", SCEP_CAP_SHA384 },
		{ "SHA-512", SCEP_CAP_SHA512 }, { "SCEPStandard", SCEP_CAP_STANDARD },
	};
	unsigned caps = 0;
	size_t i = 0, j, k, n;

	if (!body)
		return 0;
	while (i < len) {
		while (i < len && (body[i] == '\r' || body[i] == '\n' || body[i] == ' ' ||
				   body[i] == '\t'))
			i++;
		for (j = i; j < len && body[j] != '\r' && body[j] != '\n'; j++)
			;
		n = j - i;
		while (n > 0 && (body[i + n - 1] == ' ' || body[i + n - 1] == '\t'))
			n--;
		for (k = 0; k < NELEM(kw); k++)
			if (n == strlen(kw[k].kw) && strncasecmp(body + i, kw[k].kw, n) == 0)
				caps |= kw[k].flag;
		i = j;
	}
	return caps;
}

int scep_caps_cipher(unsigned caps)
{
	return caps & (SCEP_CAP_AES | SCEP_CAP_STANDARD) ? SCEP_AES128 : SCEP_3DES;
}

int scep_caps_digest(unsigned caps)
{
	if (caps & (SCEP_CAP_SHA256 | SCEP_CAP_STANDARD))
		return SCEP_SHA256;
	if (caps & SCEP_CAP_SHA512)
		return SCEP_SHA512;
	if (caps & SCEP_CAP_SHA384)
		return SCEP_SHA384;
	return SCEP_SHA1;
}

/* The DER messageData of a client request. */
static int request_data(const struct scep_request *rq, unsigned char **der, size_t *len,
			struct scep_err *err)
{
	SCEP_ISSUER_SUBJECT is = { NULL, NULL };
	PKCS7_ISSUER_AND_SERIAL *ias = NULL;
	unsigned char *p = NULL;
	int n = -1, rc = SCEP_EINVAL;

	switch (rq->type) {
	case SCEP_PKCSREQ:
	case SCEP_RENEWALREQ:
		if (!rq->csr)
			return fail(err, rc, SCEP_FAIL_HTTP, "%s without a CSR",
				    scep_type_name(rq->type));
		n = i2d_X509_REQ(rq->csr, &p);
		break;
	case SCEP_CERTPOLL:
		if (!rq->issuer || !rq->subject)
			return fail(err, rc, SCEP_FAIL_HTTP, "CertPoll needs issuer and subject");
		if ((is.issuer = X509_NAME_dup(rq->issuer)) &&
		    (is.subject = X509_NAME_dup(rq->subject)))
			n = ASN1_item_i2d((ASN1_VALUE *)&is, &p, ASN1_ITEM_rptr(SCEP_ISSUER_SUBJECT));
		X509_NAME_free(is.issuer);
		X509_NAME_free(is.subject);
		break;
	case SCEP_GETCERT:
	case SCEP_GETCRL:
		if (!rq->issuer || !rq->serial)
			return fail(err, rc, SCEP_FAIL_HTTP, "%s needs issuer and serial",
				    scep_type_name(rq->type));
		if ((ias = PKCS7_ISSUER_AND_SERIAL_new())) {
			X509_NAME_free(ias->issuer);
			ASN1_INTEGER_free(ias->serial);
			ias->issuer = X509_NAME_dup(rq->issuer);
			ias->serial = ASN1_INTEGER_dup(rq->serial);
			if (ias->issuer && ias->serial)
				n = i2d_PKCS7_ISSUER_AND_SERIAL(ias, &p);
			PKCS7_ISSUER_AND_SERIAL_free(ias);
		}
		break;
	default:
		return fail(err, rc, SCEP_FAIL_HTTP, "messageType %d is not a request", rq->type);
	}
	if (n <= 0) {
		OPENSSL_free(p);
		return fail_ossl(err, SCEP_EOSSL, SCEP_FAIL_HTTP, "cannot encode the messageData");
	}
	*der = p;
	*len = (size_t)n;
	return 0;
}

int scep_request_build(const struct scep_request *rq, unsigned char nonce[SCEP_NONCE_LEN],
		       unsigned char **der, size_t *len, struct scep_err *err)
{
	unsigned char *data = NULL, *env = NULL;
	size_t data_len = 0, env_len = 0;
	struct attrs a;
	int cipher, digest, rc;

	err_ok(err);
	if (!rq || !nonce || !der || !len || !rq->recipient || !rq->signer || !rq->key ||
	    !rq->transaction_id)
		return fail(err, SCEP_EINVAL, SCEP_FAIL_HTTP, "missing argument");
	*der = NULL;
	*len = 0;
	if (!ascii_printable(rq->transaction_id, SCEP_MAX_TID))
		return fail(err, SCEP_EINVAL, SCEP_FAIL_HTTP,
			    "transactionID must be 1..%d printable characters", SCEP_MAX_TID);
	cipher = rq->cipher ? rq->cipher : SCEP_AES128;
	digest = rq->digest ? rq->digest : SCEP_SHA256;
	if (!cipher_evp(cipher))
		return fail(err, SCEP_EALG, SCEP_FAIL_HTTP, "cipher %s is never produced",
			    scep_cipher_name(cipher));
	if (!digest_md(digest))
		return fail(err, SCEP_EALG, SCEP_FAIL_HTTP, "digest %s is never produced",
			    scep_digest_name(digest));
	if (!oids_ready() || RAND_bytes(nonce, SCEP_NONCE_LEN) != 1)
		return fail_ossl(err, SCEP_EOSSL, SCEP_FAIL_HTTP, "cannot make a nonce");
	rc = request_data(rq, &data, &data_len, err);
	if (!rc)
		rc = envelope(data, data_len, rq->recipient, cipher, &env, &env_len, err);
	if (rc)
		goto out;
	a = (struct attrs){
		.type = rq->type, .tid = rq->transaction_id,
		.snonce = nonce, .snonce_len = SCEP_NONCE_LEN,
		.status = -1, .fail_info = -1,
	};
	rc = sign_data(rq->key, rq->signer, digest, &a, env, env_len, der, len, err);
out:
	OPENSSL_free(data);
	OPENSSL_free(env);
	return rc;
}

struct scep_rep {
	int status;
	int fail_info;
	char *fail_text;
	unsigned char snonce[SCEP_MAX_NONCE];
	size_t snonce_len;
	int digest;
	int cipher;
	STACK_OF(X509) *certs;
	X509 *cert;                      /* borrowed from certs */
	X509_CRL *crl;
};

void scep_rep_free(scep_rep *rep)
{
	if (!rep)
		return;
	OPENSSL_free(rep->fail_text);
	sk_X509_pop_free(rep->certs, X509_free);
	X509_CRL_free(rep->crl);
	OPENSSL_free(rep);
}

/* The outer SignedData of an answer from the CA: parsed, exactly one
 * SignerInfo, made by `ca` with acceptable algorithms, signature valid;
 * the eContent into *content. */
static int signed_by(const unsigned char *der, size_t len, X509 *ca, CMS_ContentInfo **cmsp,
		     int *digest, unsigned char **content, size_t *clen, struct scep_err *err)
{
	const unsigned char *p = der;
	CMS_ContentInfo *cms;
	STACK_OF(CMS_SignerInfo) *sis;
	CMS_SignerInfo *si;
	int rc;

	*cmsp = NULL;
	if (!der || len == 0)
		return fail(err, SCEP_EFORMAT, SCEP_FAIL_HTTP, "empty answer");
	if (len > SCEP_MAX_MSG)
		return fail(err, SCEP_ETOOBIG, SCEP_FAIL_HTTP, "answer larger than %d bytes",
			    SCEP_MAX_MSG);
	cms = d2i_CMS_ContentInfo(NULL, &p, (long)len);
	if (!cms || OBJ_obj2nid(CMS_get0_type(cms)) != NID_pkcs7_signed) {
		CMS_ContentInfo_free(cms);
		return fail(err, SCEP_EFORMAT, SCEP_FAIL_HTTP, "answer is not a SignedData");
	}
	sis = CMS_get0_SignerInfos(cms);
	if (sk_CMS_SignerInfo_num(sis) != 1) {
		rc = fail(err, SCEP_EFORMAT, SCEP_FAIL_HTTP, "%d SignerInfos, expected one",
			  sk_CMS_SignerInfo_num(sis));
		goto out;
	}
	si = sk_CMS_SignerInfo_value(sis, 0);
	if (CMS_SignerInfo_cert_cmp(si, ca) != 0) {
		rc = fail(err, SCEP_ESIG, SCEP_FAIL_HTTP, "not signed by the CA certificate");
		goto out;
	}
	rc = check_signer_algs(si, 0, digest, err, SCEP_FAIL_HTTP);
	if (rc)
		goto out;
	if (OBJ_obj2nid(CMS_get0_eContentType(cms)) != NID_pkcs7_data) {
		rc = fail(err, SCEP_EFORMAT, SCEP_FAIL_HTTP, "eContentType is not id-data");
		goto out;
	}
	if (!verify_signed(cms, ca, content, clen)) {
		rc = fail_ossl(err, SCEP_ESIG, SCEP_FAIL_HTTP, "signature does not verify");
		goto out;
	}
	*cmsp = cms;
	return 0;
out:
	CMS_ContentInfo_free(cms);
	return rc;
}

/* The CertRep attributes, checked against what we sent. */
static int rep_attrs(scep_rep *rep, CMS_SignerInfo *si, const struct scep_expect *ex,
		     struct scep_err *err)
{
	char tid[SCEP_MAX_TID + 1];
	unsigned char rnonce[SCEP_MAX_NONCE];
	int n, t;

	t = sattr_num(si, OID_MSGTYPE);
	if (t != SCEP_CERTREP)
		return fail(err, SCEP_EFORMAT, SCEP_FAIL_HTTP, "messageType is not CertRep");
	n = sattr_ascii(si, OID_TID, tid, sizeof tid);
	if (n < 0 || strcmp(tid, ex->transaction_id) != 0)
		return fail(err, SCEP_EMATCH, SCEP_FAIL_HTTP, "transactionID differs from ours");
	n = sattr_octets(si, OID_RNONCE, rnonce);
	if (n != SCEP_NONCE_LEN || memcmp(rnonce, ex->nonce, SCEP_NONCE_LEN) != 0)
		return fail(err, SCEP_EMATCH, SCEP_FAIL_HTTP, "recipientNonce differs from our senderNonce");
	/* senderNonce: optional for us; micromdm copies the recipientNonce */
	n = sattr_octets(si, OID_SNONCE, rep->snonce);
	rep->snonce_len = n > 0 ? (size_t)n : 0;
	rep->status = sattr_num(si, OID_STATUS);
	if (rep->status != SCEP_SUCCESS && rep->status != SCEP_FAILURE &&
	    rep->status != SCEP_PENDING)
		return fail(err, SCEP_EFORMAT, SCEP_FAIL_HTTP, "%s pkiStatus",
			    rep->status == -1 ? "no" : "unknown");
	rep->fail_info = -1;
	if (rep->status == SCEP_FAILURE) {
		rep->fail_info = sattr_num(si, OID_FAILINFO);
		if (rep->fail_info < -1 || rep->fail_info > SCEP_BAD_CERT_ID)
			return fail(err, SCEP_EFORMAT, SCEP_FAIL_HTTP, "unknown failInfo");
		rep->fail_text = string_utf8(sattr(si, OID_FAILTEXT));
	}
	return 0;
}

/* SUCCESS: decrypts the envelope and reads its certificates and CRL. */
static int rep_content(scep_rep *rep, const unsigned char *content, size_t clen,
		       const struct scep_expect *ex, struct scep_err *err)
{
	PKCS7 *env = NULL;
	unsigned char *data = NULL;
	size_t dlen = 0;
	EVP_PKEY *want = ex->requested ? ex->requested : ex->key;
	int i, rc;

	if (clen == 0)
		return fail(err, SCEP_EFORMAT, SCEP_FAIL_HTTP, "SUCCESS without pkcsPKIEnvelope");
	rc = envelope_parse(content, clen, &env, &rep->cipher, err);
	if (rc)
		return rc;
	if (!envelope_open(env, ex->key, ex->cert, &data, &dlen)) {
		rc = fail(err, SCEP_EDECRYPT, SCEP_FAIL_HTTP,
			  "cannot decrypt the envelope with our key");
		goto out;
	}
	rc = degenerate_parse(data, dlen, &rep->certs, &rep->crl, err);
	if (rc)
		goto out;
	if (sk_X509_num(rep->certs) == 0 && !rep->crl) {
		rc = fail(err, SCEP_EFORMAT, SCEP_FAIL_HTTP, "SUCCESS with neither certificate nor CRL");
		goto out;
	}
	for (i = 0; want && i < sk_X509_num(rep->certs); i++) {
		X509 *x = sk_X509_value(rep->certs, i);
		if (EVP_PKEY_eq(X509_get0_pubkey(x), want) == 1) {
			rep->cert = x;
			break;
		}
	}
out:
	OPENSSL_free(data);
	PKCS7_free(env);
	return rc;
}

int scep_rep_parse(const unsigned char *der, size_t len, const struct scep_expect *ex,
		   scep_rep **out, struct scep_err *err)
{
	CMS_ContentInfo *cms = NULL;
	unsigned char *content = NULL;
	size_t clen = 0;
	scep_rep *rep = NULL;
	int rc;

	err_ok(err);
	if (!out || !ex || !ex->ca || !ex->transaction_id || !ex->nonce || !ex->key || !ex->cert)
		return fail(err, SCEP_EINVAL, SCEP_FAIL_HTTP, "missing argument");
	*out = NULL;
	scep_crypto_init(NULL);
	if (!oids_ready() || !(rep = OPENSSL_zalloc(sizeof *rep)))
		return fail(err, SCEP_EOSSL, SCEP_FAIL_HTTP, "out of memory");
	rep->fail_info = -1;
	rc = signed_by(der, len, ex->ca, &cms, &rep->digest, &content, &clen, err);
	if (rc)
		goto out;
	rc = rep_attrs(rep, sk_CMS_SignerInfo_value(CMS_get0_SignerInfos(cms), 0), ex, err);
	if (!rc && rep->status == SCEP_SUCCESS)
		rc = rep_content(rep, content, clen, ex, err);
out:
	OPENSSL_free(content);
	CMS_ContentInfo_free(cms);
	if (rc)
		scep_rep_free(rep);
	else
		*out = rep;
	ERR_clear_error();
	return rc;
}

int scep_rep_status(const scep_rep *rep)
{
	return rep ? rep->status : -1;
}

int scep_rep_fail_info(const scep_rep *rep)
{
	return rep ? rep->fail_info : -1;
}

const char *scep_rep_fail_text(const scep_rep *rep)
{
	return rep ? rep->fail_text : NULL;
}

X509 *scep_rep_cert(const scep_rep *rep)
{
	return rep ? rep->cert : NULL;
}

STACK_OF(X509) *scep_rep_certs(const scep_rep *rep)
{
	return rep ? rep->certs : NULL;
}

X509_CRL *scep_rep_crl(const scep_rep *rep)
{
	return rep ? rep->crl : NULL;
}

const unsigned char *scep_rep_sender_nonce(const scep_rep *rep, size_t *len)
{
	if (len)
		*len = rep ? rep->snonce_len : 0;
	return rep && rep->snonce_len ? rep->snonce : NULL;
}

int scep_rep_digest(const scep_rep *rep)
{
	return rep ? rep->digest : 0;
}

int scep_rep_cipher(const scep_rep *rep)
{
	return rep ? rep->cipher : 0;
}

int scep_cacert_parse(const unsigned char *der, size_t len, STACK_OF(X509) **certs,
		      struct scep_err *err)
{
	const unsigned char *p = der, *end = der + len;
	STACK_OF(X509) *sk = NULL;
	X509 *x;
	int rc;

	err_ok(err);
	if (!certs)
		return fail(err, SCEP_EINVAL, SCEP_FAIL_HTTP, "missing argument");
	*certs = NULL;
	if (!der || len == 0)
		return fail(err, SCEP_EFORMAT, SCEP_FAIL_HTTP, "empty answer");
	if (len > SCEP_MAX_MSG)
		return fail(err, SCEP_ETOOBIG, SCEP_FAIL_HTTP, "answer larger than %d bytes",
			    SCEP_MAX_MSG);
	x = d2i_X509(NULL, &p, (long)len);
	if (!x) {
		rc = degenerate_parse(der, len, &sk, NULL, err);
		if (rc)
			return fail(err, SCEP_EFORMAT, SCEP_FAIL_HTTP,
				    "neither a DER certificate nor a certificates-only SignedData");
		if (sk_X509_num(sk) == 0) {
			sk_X509_free(sk);
			return fail(err, SCEP_EFORMAT, SCEP_FAIL_HTTP, "no certificate in the answer");
		}
		*certs = sk;
		ERR_clear_error();          /* the failed d2i_X509 */
		return 0;
	}
	if (!(sk = sk_X509_new_null()) || !sk_X509_push(sk, x)) {
		X509_free(x);
		sk_X509_free(sk);
		return fail(err, SCEP_EOSSL, SCEP_FAIL_HTTP, "out of memory");
	}
	/* concatenated DER certificates, as micromdm parses them */
	while (p < end) {
		x = d2i_X509(NULL, &p, (long)(end - p));
		if (!x || !sk_X509_push(sk, x)) {
			X509_free(x);
			sk_X509_pop_free(sk, X509_free);
			return fail(err, SCEP_EFORMAT, SCEP_FAIL_HTTP, "trailing data after the certificate");
		}
	}
	*certs = sk;
	return 0;
}

int scep_nextca_parse(const unsigned char *der, size_t len, X509 *ca, STACK_OF(X509) **certs,
		      struct scep_err *err)
{
	CMS_ContentInfo *cms = NULL;
	unsigned char *content = NULL;
	size_t clen = 0;
	int digest, rc;

	err_ok(err);
	if (!ca || !certs)
		return fail(err, SCEP_EINVAL, SCEP_FAIL_HTTP, "missing argument");
	*certs = NULL;
	scep_crypto_init(NULL);
	rc = signed_by(der, len, ca, &cms, &digest, &content, &clen, err);
	if (!rc)
		rc = degenerate_parse(content, clen, certs, NULL, err);
	if (!rc && sk_X509_num(*certs) == 0) {
		sk_X509_free(*certs);
		*certs = NULL;
		rc = fail(err, SCEP_EFORMAT, SCEP_FAIL_HTTP, "no certificate in the answer");
	}
	OPENSSL_free(content);
	CMS_ContentInfo_free(cms);
	ERR_clear_error();
	return rc;
}

/* ---- CSR and signer certificate -------------------------------------------------- */

/* keyUsage digitalSignature + keyEncipherment. */
static ASN1_BIT_STRING *ku_sig_enc(void)
{
	ASN1_BIT_STRING *ku = ASN1_BIT_STRING_new();

	if (ku && (!ASN1_BIT_STRING_set_bit(ku, 0, 1) || !ASN1_BIT_STRING_set_bit(ku, 2, 1))) {
		ASN1_BIT_STRING_free(ku);
		ku = NULL;
	}
	return ku;
}

/* Adds one attribute to the multi-valued RDN appended last (*first: the
 * first one opens the RDN). */
static int rdn_add(X509_NAME *name, int nid, int type, const char *v, int *first)
{
	int ok = X509_NAME_add_entry_by_NID(name, nid, type, (const unsigned char *)v, -1, -1,
					    *first ? 0 : -1);

	*first = 0;
	return ok;
}

static int ia5(const char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s >= 0x80)
			return 0;
	return 1;
}

int scep_csr_build(const struct scep_csr *c, X509_REQ **out, struct scep_err *err)
{
	X509_REQ *req = NULL;
	X509_NAME *name = NULL;
	STACK_OF(X509_EXTENSION) *exts = NULL;
	X509_EXTENSION *ext = NULL;
	GENERAL_NAMES *gens = NULL;
	GENERAL_NAME *gn = NULL;
	ASN1_IA5STRING *dns = NULL;
	ASN1_BIT_STRING *ku = NULL;
	const EVP_MD *md;
	int first = 1, rc = SCEP_EOSSL;

	err_ok(err);
	if (!c || !c->key || !out)
		return fail(err, SCEP_EINVAL, SCEP_FAIL_HTTP, "missing argument");
	*out = NULL;
	md = digest_md(c->digest ? c->digest : SCEP_SHA256);
	if (!md)
		return fail(err, SCEP_EALG, SCEP_FAIL_HTTP, "digest %s is never produced",
			    scep_digest_name(c->digest));
	if ((c->serial_number && (!*c->serial_number || !printable_string(c->serial_number))) ||
	    (c->ip_address && (!*c->ip_address || !printable_string(c->ip_address))) ||
	    (c->fqdn && (!*c->fqdn || !ia5(c->fqdn))))
		return fail(err, SCEP_EINVAL, SCEP_FAIL_HTTP,
			    "serial number, IP address or FQDN not encodable");
	if (c->challenge && strlen(c->challenge) > 255)
		return fail(err, SCEP_EINVAL, SCEP_FAIL_HTTP, "challenge password too long");
	if (!(req = X509_REQ_new()) || !X509_REQ_set_version(req, X509_REQ_VERSION_1))
		goto out;
	name = c->subject ? X509_NAME_dup(c->subject) : X509_NAME_new();
	if (!name)
		goto out;
	if (c->serial_number &&
	    !rdn_add(name, NID_serialNumber, V_ASN1_PRINTABLESTRING, c->serial_number, &first))
		goto out;
	if (c->ip_address &&
	    !rdn_add(name, NID_pkcs9_unstructuredAddress, V_ASN1_PRINTABLESTRING, c->ip_address,
		     &first))
		goto out;
	if (c->fqdn &&
	    !rdn_add(name, NID_pkcs9_unstructuredName, V_ASN1_IA5STRING, c->fqdn, &first))
		goto out;
	if (!X509_REQ_set_subject_name(req, name) || !X509_REQ_set_pubkey(req, c->key))
		goto out;
	if (c->challenge &&
	    !X509_REQ_add1_attr_by_NID(req, NID_pkcs9_challengePassword,
				       printable_string(c->challenge) ? V_ASN1_PRINTABLESTRING
								      : V_ASN1_UTF8STRING,
				       (const unsigned char *)c->challenge,
				       (int)strlen(c->challenge)))
		goto out;
	if (!(exts = sk_X509_EXTENSION_new_null()))
		goto out;
	if (c->fqdn) {
		if (!(gens = GENERAL_NAMES_new()) || !(gn = GENERAL_NAME_new()) ||
		    !(dns = ASN1_IA5STRING_new()) || !ASN1_STRING_set(dns, c->fqdn, -1))
			goto out;
		GENERAL_NAME_set0_value(gn, GEN_DNS, dns);
		dns = NULL;
		if (!sk_GENERAL_NAME_push(gens, gn))
			goto out;
		gn = NULL;
		if (!(ext = X509V3_EXT_i2d(NID_subject_alt_name, 0, gens)) ||
		    !sk_X509_EXTENSION_push(exts, ext))
			goto out;
		ext = NULL;
	}
	if (!(ku = ku_sig_enc()) || !(ext = X509V3_EXT_i2d(NID_key_usage, 1, ku)) ||
	    !sk_X509_EXTENSION_push(exts, ext))
		goto out;
	ext = NULL;
	if (!X509_REQ_add_extensions(req, exts) || X509_REQ_sign(req, c->key, md) <= 0)
		goto out;
	*out = req;
	req = NULL;
	rc = 0;
out:
	if (rc)
		fail_ossl(err, rc, SCEP_FAIL_HTTP, "cannot build the certificate request");
	X509_REQ_free(req);
	X509_NAME_free(name);
	sk_X509_EXTENSION_pop_free(exts, X509_EXTENSION_free);
	X509_EXTENSION_free(ext);
	GENERAL_NAMES_free(gens);
	GENERAL_NAME_free(gn);
	ASN1_IA5STRING_free(dns);
	ASN1_BIT_STRING_free(ku);
	return rc;
}

int scep_selfsigned(EVP_PKEY *key, const char *fqdn, int digest, time_t now, X509 **out,
		    struct scep_err *err)
{
	X509 *x = NULL;
	X509_NAME *name = NULL;
	ASN1_BIT_STRING *ku = NULL;
	const EVP_MD *md;
	struct tm tm;
	time_t until;
	int first = 1, rc = SCEP_EOSSL;

	err_ok(err);
	if (!key || !fqdn || !*fqdn || !out)
		return fail(err, SCEP_EINVAL, SCEP_FAIL_HTTP, "missing argument");
	*out = NULL;
	if (!ia5(fqdn))
		return fail(err, SCEP_EINVAL, SCEP_FAIL_HTTP, "FQDN is not ASCII");
	md = digest_md(digest ? digest : SCEP_SHA256);
	if (!md)
		return fail(err, SCEP_EALG, SCEP_FAIL_HTTP, "digest %s is never produced",
			    scep_digest_name(digest));
	if (!now)
		now = time(NULL);
	if (!gmtime_r(&now, &tm))
		return fail(err, SCEP_EINVAL, SCEP_FAIL_HTTP, "bad time");
	tm.tm_year += 10;
	until = timegm(&tm);
	if (!(x = X509_new()) || !X509_set_version(x, X509_VERSION_3) ||
	    !ASN1_INTEGER_set(X509_get_serialNumber(x), 1) || !(name = X509_NAME_new()) ||
	    !rdn_add(name, NID_pkcs9_unstructuredName, V_ASN1_IA5STRING, fqdn, &first) ||
	    !X509_set_subject_name(x, name) || !X509_set_issuer_name(x, name) ||
	    !ASN1_TIME_set(X509_getm_notBefore(x), now) ||
	    !ASN1_TIME_set(X509_getm_notAfter(x), until) || !X509_set_pubkey(x, key) ||
	    !(ku = ku_sig_enc()) || !X509_add1_ext_i2d(x, NID_key_usage, ku, 1, X509V3_ADD_DEFAULT) ||
	    X509_sign(x, key, md) <= 0) {
		fail_ossl(err, rc, SCEP_FAIL_HTTP, "cannot build the self-signed certificate");
		goto out;
	}
	*out = x;
	x = NULL;
	rc = 0;
out:
	X509_free(x);
	X509_NAME_free(name);
	ASN1_BIT_STRING_free(ku);
	return rc;
}

/* ---- base64 ---------------------------------------------------------------------- */

static int hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Value of a base64 digit in either alphabet (space = '+' from a form
 * decoder), -1 if none. */
static int b64val(int c)
{
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 26;
	if (c >= '0' && c <= '9')
		return c - '0' + 52;
	if (c == '+' || c == '-' || c == ' ')
		return 62;
	if (c == '/' || c == '_')
		return 63;
	return -1;
}

int scep_b64_decode(const char *in, size_t len, unsigned char **out, size_t *outlen)
{
	unsigned char *buf;
	unsigned long acc = 0;
	size_t i, n = 0, cap;
	int bits = 0, pad = 0, c, hi, lo, v, rc = SCEP_EFORMAT;

	if (!in || !out || !outlen)
		return SCEP_EINVAL;
	*out = NULL;
	*outlen = 0;
	if (len > (size_t)SCEP_MAX_MSG * 4)
		return SCEP_ETOOBIG;
	cap = len / 4 * 3 + 3;
	if (!(buf = OPENSSL_malloc(cap)))
		return SCEP_EOSSL;
	for (i = 0; i < len; i++) {
		c = (unsigned char)in[i];
		if (c == '%') {
			if (len - i < 3 || (hi = hexval((unsigned char)in[i + 1])) < 0 ||
			    (lo = hexval((unsigned char)in[i + 2])) < 0)
				goto out;
			c = hi * 16 + lo;
			i += 2;
		}
		if (c == '\r' || c == '\n' || c == '\t')
			continue;
		if (c == '=') {
			pad = 1;
			continue;
		}
		if ((v = b64val(c)) < 0 || pad)
			goto out;
		acc = ((acc << 6) | (unsigned long)v) & 0xffffff;
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			if (n >= cap || n >= SCEP_MAX_MSG) {
				rc = SCEP_ETOOBIG;
				goto out;
			}
			buf[n++] = (unsigned char)(acc >> bits);
		}
	}
	if (bits >= 6 || n == 0)       /* a lone trailing digit, or nothing */
		goto out;
	*out = buf;
	*outlen = n;
	buf = NULL;
	rc = 0;
out:
	OPENSSL_free(buf);
	return rc;
}

char *scep_b64_encode(const unsigned char *data, size_t len, int flags)
{
	unsigned char *b64 = NULL;
	char *out = NULL, *o;
	size_t blen, i, cap;
	int n;

	if (!data || len == 0 || len > (size_t)SCEP_MAX_MSG * 16)
		return NULL;
	blen = (len + 2) / 3 * 4;
	if (!(b64 = OPENSSL_malloc(blen + 1)))
		return NULL;
	n = EVP_EncodeBlock(b64, data, (int)len);
	if (n < 0 || (size_t)n != blen)
		goto out;
	cap = (blen + blen / 64 + 1) * 3 + 1;
	if (!(out = OPENSSL_malloc(cap)))
		goto out;
	o = out;
	for (i = 0; i < blen; i++) {
		char c = (char)b64[i];
		if ((flags & SCEP_B64_LINES) && i > 0 && i % 64 == 0) {
			if (flags & SCEP_B64_URL) {
				memcpy(o, "%0A", 3);
				o += 3;
			} else {
				*o++ = '\n';
			}
		}
		if ((flags & SCEP_B64_URL) && (c == '+' || c == '/' || c == '=')) {
			snprintf(o, 4, "%%%02X", (unsigned char)c);
			o += 3;
		} else {
			*o++ = c;
		}
	}
	*o = '\0';
out:
	OPENSSL_free(b64);
	return out;
}

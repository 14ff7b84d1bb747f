/*
 * msg_core.c — the SCEP message layer's shared part: errors, providers,
 * OIDs, algorithm tables, signed attributes, and the CMS/PKCS#7 building
 * blocks that both the server (msg_server.c) and the client
 * (msg_client.c) use.  See msg.h for the contract and docs/scep.md for the
 * reason behind every wire-level choice.
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
 */
#include <limits.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/asn1t.h>
#include <openssl/cms.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/objects.h>
#include <openssl/pkcs7.h>
#include <openssl/provider.h>
#include <openssl/x509.h>

#include "scep/msg.h"
#include "scep/msg_int.h"

/* ---- errors ---------------------------------------------------------------------- */

/* Records an error (message only, the OpenSSL queue is dropped) and
 * returns code, for `return msg_fail(...)` / `rc = msg_fail(...)`. */
int msg_fail(struct scep_err *err, int code, int fail_info, const char *fmt, ...)
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

/* Like msg_fail(), appending the reason of OpenSSL's last error, if any. */
int msg_fail_ossl(struct scep_err *err, int code, int fail_info, const char *fmt, ...)
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

void msg_err_ok(struct scep_err *err)
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
static OSSL_LIB_CTX *lazy_ctx;   /* only the "null" provider: see msg_server.c */

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
		return msg_fail(err, SCEP_EOSSL, SCEP_FAIL_HTTP,
			    "OpenSSL's default provider could not be loaded");
	if (!prov_legacy || !des_ok)
		return msg_fail(err, SCEP_EALG, SCEP_FAIL_HTTP,
			    "OpenSSL's legacy provider is not available: single-DES SCEP "
			    "envelopes (micromdm scepclient, old IOS) will be refused with badAlg");
	msg_err_ok(err);
	return 0;
}

OSSL_LIB_CTX *msg_lazy_ctx(void)
{
	pthread_once(&prov_once, prov_load);
	return lazy_ctx;
}

int scep_des_available(void)
{
	pthread_once(&prov_once, prov_load);
	return des_ok;
}

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

const ASN1_OBJECT *msg_oid(int which)
{
	pthread_once(&oid_once, oid_init);
	return oids[which];
}

int msg_oids_ready(void)
{
	int i;

	for (i = 0; i < OID_N; i++)
		if (!msg_oid(i))
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

const EVP_MD *msg_digest_md(int d)
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

const EVP_CIPHER *msg_cipher_evp(int c)
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

/* Checks a SignerInfo's algorithms: a digest we accept (MD5 only when
 * allow_md5) and an RSA signature (rsaEncryption or <digest>WithRSA). */
int msg_check_signer_algs(CMS_SignerInfo *si, int allow_md5, int *digest,
			     struct scep_err *err, int fail_info)
{
	X509_ALGOR *dig = NULL, *sig = NULL;
	int dnid, snid, hash_nid, pk_nid;

	CMS_SignerInfo_get0_algs(si, NULL, NULL, &dig, &sig);
	if (!dig || !sig)
		return msg_fail(err, SCEP_EFORMAT, fail_info, "SignerInfo without algorithms");
	dnid = OBJ_obj2nid(dig->algorithm);
	*digest = digest_from_nid(dnid);
	if (!*digest || (*digest == SCEP_MD5 && !allow_md5))
		return msg_fail(err, SCEP_EALG, SCEP_BAD_ALG, "digest algorithm %s not supported",
			    dnid != NID_undef ? OBJ_nid2sn(dnid) : "(unknown OID)");
	snid = OBJ_obj2nid(sig->algorithm);
	if (snid != NID_rsaEncryption &&
	    (!OBJ_find_sigid_algs(snid, &hash_nid, &pk_nid) || pk_nid != NID_rsaEncryption ||
	     !digest_from_nid(hash_nid)))
		return msg_fail(err, SCEP_EALG, SCEP_BAD_ALG, "signature algorithm %s not supported",
			    snid != NID_undef ? OBJ_nid2sn(snid) : "(unknown OID)");
	return 0;
}

/* ---- signed attributes ----------------------------------------------------------- */

/* The (first) value of signed attribute `which`, or NULL when absent. */
ASN1_TYPE *msg_sattr(CMS_SignerInfo *si, int which)
{
	const ASN1_OBJECT *o = msg_oid(which);
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
int msg_sattr_ascii(CMS_SignerInfo *si, int which, char *buf, size_t n)
{
	ASN1_TYPE *t = msg_sattr(si, which);
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
int msg_sattr_num(CMS_SignerInfo *si, int which)
{
	char buf[8];
	int i, len = msg_sattr_ascii(si, which, buf, 4), v = 0;

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
int msg_sattr_octets(CMS_SignerInfo *si, int which, unsigned char *buf)
{
	ASN1_TYPE *t = msg_sattr(si, which);
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
char *msg_string_utf8(const ASN1_TYPE *t)
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
int msg_ascii_printable(const char *s, size_t max)
{
	size_t i;

	for (i = 0; s[i]; i++)
		if ((unsigned char)s[i] < 0x20 || (unsigned char)s[i] > 0x7e || i >= max)
			return 0;
	return i > 0;
}

/* The PrintableString character set (X.680 §41.4). */
int msg_printable_string(const char *s)
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

static int add_attr(CMS_SignerInfo *si, int which, int type, const void *data, size_t len)
{
	const ASN1_OBJECT *o = msg_oid(which);

	return o && len <= INT_MAX &&
	       CMS_signed_add1_attr_by_OBJ(si, o, type, data, (int)len) == 1;
}

static int add_num(CMS_SignerInfo *si, int which, int v)
{
	char buf[12];

	snprintf(buf, sizeof buf, "%d", v);
	return add_attr(si, which, V_ASN1_PRINTABLESTRING, buf, strlen(buf));
}

static int add_attrs(CMS_SignerInfo *si, const struct msg_attrs *a)
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
 * the SCEP attributes.  The eContent is always encapsulated: content NULL
 * (CertRep FAILURE and PENDING, which have no pkcsPKIEnvelope) gives an
 * empty OCTET STRING, never an absent eContent, because verifiers built on
 * OpenSSL's PKCS7_verify without detached data (certmonger, sscep) refuse
 * a SignedData without content ("no content"); see docs/scep.md §1. */
int msg_sign_data(EVP_PKEY *key, X509 *cert, int digest, const struct msg_attrs *a,
		     const unsigned char *content, size_t clen, unsigned char **der,
		     size_t *len, struct scep_err *err)
{
	unsigned int flags = CMS_BINARY | CMS_PARTIAL | CMS_NOSMIMECAP;
	CMS_ContentInfo *cms = NULL;
	CMS_SignerInfo *si;
	BIO *in = NULL;
	int rc = SCEP_EOSSL;

	if (clen > INT_MAX)
		return msg_fail(err, SCEP_EINVAL, SCEP_FAIL_HTTP, "content too large");
	cms = CMS_sign(NULL, NULL, NULL, NULL, flags);
	if (!cms) {
		msg_fail_ossl(err, rc, SCEP_FAIL_HTTP, "cannot create SignedData");
		goto out;
	}
	si = CMS_add1_signer(cms, cert, key, msg_digest_md(digest), flags);
	if (!si) {
		msg_fail_ossl(err, rc, SCEP_FAIL_HTTP, "cannot add the signer");
		goto out;
	}
	if (a && !add_attrs(si, a)) {
		msg_fail_ossl(err, rc, SCEP_FAIL_HTTP, "cannot add the SCEP attributes");
		goto out;
	}
	in = BIO_new_mem_buf(content ? (const void *)content : "", (int)(content ? clen : 0));
	if (!in || !CMS_final(cms, in, NULL, flags) || !cms_der(cms, der, len)) {
		msg_fail_ossl(err, rc, SCEP_FAIL_HTTP, "cannot sign the message");
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
int msg_envelope(const unsigned char *data, size_t n, X509 *to, int cipher,
		    unsigned char **der, size_t *len, struct scep_err *err)
{
	STACK_OF(X509) *rcpt = sk_X509_new_null();
	CMS_ContentInfo *env = NULL;
	BIO *in = NULL;
	int rc = SCEP_EOSSL;

	if (!msg_cipher_evp(cipher)) {
		rc = msg_fail(err, SCEP_EALG, SCEP_FAIL_HTTP, "cipher %s is never produced",
			  scep_cipher_name(cipher));
		goto out;
	}
	if (!X509_get0_pubkey(to) || !EVP_PKEY_is_a(X509_get0_pubkey(to), "RSA")) {
		rc = msg_fail(err, SCEP_EALG, SCEP_FAIL_HTTP, "recipient key is not RSA");
		goto out;
	}
	if (!rcpt || !sk_X509_push(rcpt, to) || n > INT_MAX ||
	    !(in = BIO_new_mem_buf(data, (int)n)) ||
	    !(env = CMS_encrypt(rcpt, in, msg_cipher_evp(cipher), CMS_BINARY)) ||
	    !cms_der(env, der, len)) {
		msg_fail_ossl(err, rc, SCEP_FAIL_HTTP, "cannot build the envelope");
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
int msg_degenerate(X509 *first, STACK_OF(X509) *more, X509_CRL *crl,
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
		msg_fail_ossl(err, rc, SCEP_FAIL_HTTP, "cannot build the certificates-only SignedData");
	PKCS7_free(p7);
	return rc;
}

/* Certificates (new references) and the first CRL of a degenerate
 * SignedData. */
int msg_degenerate_parse(const unsigned char *der, size_t len, STACK_OF(X509) **certs,
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
		return msg_fail(err, SCEP_ETOOBIG, SCEP_FAIL_HTTP, "content larger than %d bytes",
			    SCEP_MAX_MSG);
	p7 = d2i_PKCS7(NULL, &p, (long)len);
	if (!p7 || !PKCS7_type_is_signed(p7) || !p7->d.sign) {
		msg_fail(err, rc, SCEP_FAIL_HTTP, "content is not a certificates-only SignedData");
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
		msg_fail_ossl(err, rc, SCEP_FAIL_HTTP, "out of memory");
	sk_X509_pop_free(sk, X509_free);
	PKCS7_free(p7);
	return rc;
}

/* IssuerAndSubject (CertPoll messageData), declared in msg_int.h. */
ASN1_SEQUENCE(SCEP_ISSUER_SUBJECT) = {
	ASN1_SIMPLE(SCEP_ISSUER_SUBJECT, issuer, X509_NAME),
	ASN1_SIMPLE(SCEP_ISSUER_SUBJECT, subject, X509_NAME),
} ASN1_SEQUENCE_END(SCEP_ISSUER_SUBJECT)


/* CMS_verify without chain building; with `only` set, exactly that
 * certificate's key (CMS_NOINTERN), else the embedded signer certificate.
 * The eContent (may be empty) is copied into *content. */
int msg_verify_signed(CMS_ContentInfo *cms, X509 *only, unsigned char **content,
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
int msg_envelope_parse(const unsigned char *der, size_t len, PKCS7 **env, int *cipher,
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
			return msg_fail(err, SCEP_EALG, SCEP_BAD_ALG, "envelope recipient form not "
				    "supported (only RSA key transport to issuerAndSerialNumber)");
		return msg_fail(err, SCEP_EFORMAT, SCEP_BAD_REQUEST,
			    "pkcsPKIEnvelope is not an EnvelopedData");
	}
	if (!PKCS7_type_is_enveloped(p7) || !p7->d.enveloped ||
	    !(ec = p7->d.enveloped->enc_data) || !ec->algorithm || !ec->enc_data ||
	    sk_PKCS7_RECIP_INFO_num(p7->d.enveloped->recipientinfo) < 1) {
		PKCS7_free(p7);
		return msg_fail(err, SCEP_EFORMAT, SCEP_BAD_REQUEST,
			    "pkcsPKIEnvelope is not a complete EnvelopedData");
	}
	nid = OBJ_obj2nid(ec->algorithm->algorithm);
	*cipher = cipher_from_nid(nid);
	if (!*cipher) {
		PKCS7_free(p7);
		return msg_fail(err, SCEP_EALG, SCEP_BAD_ALG, "content encryption %s not supported",
			    nid != NID_undef ? OBJ_nid2sn(nid) : "(unknown OID)");
	}
	if (*cipher == SCEP_DES && !scep_des_available()) {
		PKCS7_free(p7);
		return msg_fail(err, SCEP_EALG, SCEP_BAD_ALG, "single-DES envelope, but OpenSSL's "
			    "legacy provider is not available");
	}
	*env = p7;
	return 0;
}

/* Decrypts env for key+cert into *data (OPENSSL_malloc). */
int msg_envelope_open(PKCS7 *env, EVP_PKEY *key, X509 *cert, unsigned char **data,
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

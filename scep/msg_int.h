/*
 * msg_int.h — what the files of the SCEP message layer share; private to
 * scep/msg_*.c (the public contract is scep/msg.h).
 *
 *   msg_core.c    errors, providers, OIDs, algorithm tables, signed
 *                 attributes, and the CMS/PKCS#7 building blocks both
 *                 sides use (sign, verify, envelope, open, degenerate)
 *   msg_server.c  server side: request parsing (with the fast public-key
 *                 path), CertRep, GetCACert and GetNextCACert building
 *   msg_client.c  client side: GetCACaps, request building, CertRep /
 *                 GetCACert / GetNextCACert parsing, PKCS#10 and the
 *                 temporary self-signed signer
 *   msg_b64.c     base64 for GET PKIOperation
 */
#ifndef PKISH_SCEP_MSG_INT_H
#define PKISH_SCEP_MSG_INT_H

#include <stddef.h>
#include <openssl/asn1t.h>
#include <openssl/cms.h>
#include <openssl/pkcs7.h>
#include <openssl/x509.h>

#include "scep/msg.h"

#define MAX_TEXT 1024            /* failInfoText / challengePassword bound */
#define NELEM(a) (sizeof(a) / sizeof((a)[0]))

/* ---- errors (msg_core.c) ---------------------------------------------------------- */

/* Records an error (message only, the OpenSSL queue is dropped) and
 * returns code, for `return msg_fail(...)` / `rc = msg_fail(...)`. */
int msg_fail(struct scep_err *err, int code, int fail_info, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
/* Like msg_fail(), appending the reason of OpenSSL's last error, if any. */
int msg_fail_ossl(struct scep_err *err, int code, int fail_info, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
/* err = "no error" (fail_info SCEP_FAIL_HTTP); err may be NULL. */
void msg_err_ok(struct scep_err *err);

/* ---- providers, OIDs, algorithms ---------------------------------------------------- */

/* The library context with only the "null" provider (msg_server.c's fast
 * public-key path), or NULL when it could not be made. */
OSSL_LIB_CTX *msg_lazy_ctx(void);

/* The SCEP attribute OIDs (RFC 8894 §3.2.1) and failInfoText (RFC 8894
 * §3.2.1.4.3). */
enum {
	OID_MSGTYPE, OID_STATUS, OID_FAILINFO, OID_SNONCE, OID_RNONCE, OID_TID, OID_FAILTEXT,
	OID_N
};
const ASN1_OBJECT *msg_oid(int which);
/* 1 when every OID object could be made. */
int msg_oids_ready(void);

/* The EVP algorithm we produce for an enum scep_digest / scep_cipher, or
 * NULL for one we never produce (MD5, DES) or do not know. */
const EVP_MD *msg_digest_md(int digest);
const EVP_CIPHER *msg_cipher_evp(int cipher);

/* Checks a SignerInfo's algorithms: a digest we accept (MD5 only when
 * allow_md5) into *digest, and an RSA signature (rsaEncryption or
 * <digest>WithRSA).  Errors: SCEP_EFORMAT with fail_info, SCEP_EALG
 * with badAlg. */
int msg_check_signer_algs(CMS_SignerInfo *si, int allow_md5, int *digest,
			  struct scep_err *err, int fail_info);

/* ---- signed attributes and strings ----------------------------------------------- */

/* The (first) value of signed attribute `which`, or NULL when absent. */
ASN1_TYPE *msg_sattr(CMS_SignerInfo *si, int which);
/* A printable-ASCII string attribute into buf: length, -1 absent, -2 bad. */
int msg_sattr_ascii(CMS_SignerInfo *si, int which, char *buf, size_t n);
/* A small decimal number attribute: the value, -1 absent, -2 malformed. */
int msg_sattr_num(CMS_SignerInfo *si, int which);
/* An OCTET STRING of 1..SCEP_MAX_NONCE bytes: length, -1 absent, -2 bad. */
int msg_sattr_octets(CMS_SignerInfo *si, int which, unsigned char *buf);
/* Any string type as a new UTF-8 string (OPENSSL_free), or NULL. */
char *msg_string_utf8(const ASN1_TYPE *t);
/* 1..max printable ASCII characters (transactionID). */
int msg_ascii_printable(const char *s, size_t max);
/* Only characters of the PrintableString set (X.680 §41.4). */
int msg_printable_string(const char *s);

/* ---- CMS / PKCS#7 building blocks ------------------------------------------------ */

/* SCEP attributes of a message being signed; unused fields are NULL/-1. */
struct msg_attrs {
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

/* SignedData (eContentType id-data) by key+cert with one SignerInfo:
 * contentType, messageDigest, signingTime and, when a is set, the SCEP
 * attributes; the eContent is content[0..clen), or an empty OCTET STRING
 * when content is NULL (FAILURE, PENDING): never absent. */
int msg_sign_data(EVP_PKEY *key, X509 *cert, int digest, const struct msg_attrs *a,
		  const unsigned char *content, size_t clen, unsigned char **der, size_t *len,
		  struct scep_err *err);
/* EnvelopedData of data for one RSA recipient certificate with cipher. */
int msg_envelope(const unsigned char *data, size_t n, X509 *to, int cipher,
		 unsigned char **der, size_t *len, struct scep_err *err);
/* Degenerate certs-only SignedData [first, more...], optional CRL. */
int msg_degenerate(X509 *first, STACK_OF(X509) *more, X509_CRL *crl, unsigned char **der,
		   size_t *len, struct scep_err *err);
/* Its certificates (a new stack of new references) and first CRL. */
int msg_degenerate_parse(const unsigned char *der, size_t len, STACK_OF(X509) **certs,
			 X509_CRL **crl, struct scep_err *err);
/* CMS_verify without chain building, by exactly `only` when set, else by
 * the embedded signer; the eContent (possibly empty) into *content. */
int msg_verify_signed(CMS_ContentInfo *cms, X509 *only, unsigned char **content,
		      size_t *clen);
/* An EnvelopedData parsed with PKCS7, its cipher classified (badAlg). */
int msg_envelope_parse(const unsigned char *der, size_t len, PKCS7 **env, int *cipher,
		       struct scep_err *err);
/* Decrypts env for key+cert into *data (OPENSSL_malloc): 1, else 0. */
int msg_envelope_open(PKCS7 *env, EVP_PKEY *key, X509 *cert, unsigned char **data,
		      size_t *len);

/* IssuerAndSubject ::= SEQUENCE { issuer Name, subject Name } (CertPoll). */
typedef struct {
	X509_NAME *issuer;
	X509_NAME *subject;
} SCEP_ISSUER_SUBJECT;
DECLARE_ASN1_ITEM(SCEP_ISSUER_SUBJECT)

#endif

/*
 * msg_server.c — the server side of the SCEP message layer: parsing and
 * verifying requests (PKCSReq, RenewalReq, CertPoll, GetCert, GetCRL) and
 * building the answers (CertRep, GetCACert, GetNextCACert, GetCACaps).
 * See msg.h for the contract, docs/scep.md for the wire-level choices.
 *
 * Requests are parsed without OpenSSL 3.0's key decoders (see "public keys
 * without the decoder set-up" below): the server's CPU per enrollment.
 */
#include <string.h>

#include <openssl/asn1t.h>
#include <openssl/bn.h>
#include <openssl/cms.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/objects.h>
#include <openssl/pkcs7.h>
#include <openssl/rand.h>
#include <openssl/x509.h>

#include "core/pki.h"
#include "scep/msg.h"
#include "scep/msg_int.h"

/* ---- public keys without the decoder set-up -----------------------------------
 * OpenSSL 3.0 decodes the public key of every certificate and PKCS#10 it
 * parses through its decoder framework, whose set-up alone costs about a
 * third of an RSA-2048 private-key operation (~1.1 million instructions,
 * ~110 µs here) — twice per request (signer certificate, CSR), a quarter
 * of what the server spends besides its three private-key operations.
 * So requests are parsed in msg_lazy_ctx(), a library context with only the
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

/* Gives a certificate parsed in the lazy context its public key: 1, else 0. */
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
	OSSL_LIB_CTX *lazy = msg_lazy_ctx();
	const unsigned char *p = der;
	CMS_ContentInfo *cms;
	STACK_OF(X509) *certs;
	int i, ok;

	if (!lazy)
		return NULL;
	ERR_set_mark();
	cms = (CMS_ContentInfo *)ASN1_item_d2i_ex(NULL, &p, (long)len,
						  ASN1_ITEM_rptr(CMS_ContentInfo), lazy, NULL);
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
	OSSL_LIB_CTX *lazy = msg_lazy_ctx();
	const unsigned char *p = der;
	X509_REQ *r;

	if (!lazy)
		return NULL;
	ERR_set_mark();
	r = (X509_REQ *)ASN1_item_d2i_ex(NULL, &p, (long)len, ASN1_ITEM_rptr(X509_REQ), lazy,
					 NULL);
	if (r && (p != der + len || !req_set_lazy_key(r))) {
		X509_REQ_free(r);
		r = NULL;
	}
	ERR_pop_to_mark();
	return r;
}

/* The signer certificate of si among the message's certificates (a new
 * reference), or NULL. */
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

static int recipient_is(const PKCS7_RECIP_INFO *ri, const X509 *cert)
{
	return ri && ri->issuer_and_serial && ri->issuer_and_serial->issuer &&
	       ri->issuer_and_serial->serial &&
	       X509_NAME_cmp(ri->issuer_and_serial->issuer, X509_get_issuer_name(cert)) == 0 &&
	       ASN1_INTEGER_cmp(ri->issuer_and_serial->serial, X509_get0_serialNumber(cert)) == 0;
}

/* The digest a reply uses for a request signed with d: the same, except
 * SHA-1 for MD5 and SHA-256 when unknown. */
static int reply_digest(int d)
{
	if (d == SCEP_MD5)
		return SCEP_SHA1;
	return msg_digest_md(d) ? d : SCEP_SHA256;
}

/* The cipher a reply uses for a request encrypted with c: the same when AES
 * or 3DES, else AES-128 (DES is accepted, never produced). */
static int reply_cipher(int c)
{
	return msg_cipher_evp(c) ? c : SCEP_AES128;
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

	rc = msg_check_signer_algs(r->si, 1, &r->digest, err, SCEP_BAD_ALG);
	if (rc)
		return rc;
	if (!X509_get0_pubkey(r->signer) || !EVP_PKEY_is_a(X509_get0_pubkey(r->signer), "RSA"))
		return msg_fail(err, SCEP_EALG, SCEP_BAD_ALG, "signer key is not RSA");
	if (!has_content(r->cms))
		return msg_fail(err, SCEP_EFORMAT, SCEP_BAD_REQUEST, "message without pkcsPKIEnvelope");
	if (!msg_verify_signed(r->cms, NULL, &content, &clen))
		return msg_fail_ossl(err, SCEP_ESIG, SCEP_BAD_MESSAGE_CHECK,
				 "signature does not verify");
	if (OBJ_obj2nid(CMS_get0_eContentType(r->cms)) != NID_pkcs7_data) {
		rc = msg_fail(err, SCEP_EFORMAT, SCEP_BAD_REQUEST, "eContentType is not id-data");
		goto out;
	}
	r->type = msg_sattr_num(r->si, OID_MSGTYPE);
	switch (r->type) {
	case SCEP_PKCSREQ: case SCEP_RENEWALREQ: case SCEP_CERTPOLL:
	case SCEP_GETCERT: case SCEP_GETCRL:
		break;
	case -1:
		rc = msg_fail(err, SCEP_EFORMAT, SCEP_BAD_REQUEST, "no messageType");
		goto out;
	case -2:
		rc = msg_fail(err, SCEP_EFORMAT, SCEP_BAD_REQUEST, "malformed messageType");
		goto out;
	default:
		rc = msg_fail(err, SCEP_EFORMAT, SCEP_BAD_REQUEST, "messageType %d not supported",
			  r->type);
		goto out;
	}
	rc = msg_envelope_parse(content, clen, &r->env, &r->cipher, err);
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
	msg_err_ok(err);
	if (!out)
		return msg_fail(err, SCEP_EINVAL, SCEP_FAIL_HTTP, "no result pointer");
	*out = NULL;
	if (!der || len == 0)
		return msg_fail(err, SCEP_EFORMAT, SCEP_FAIL_HTTP, "empty message");
	if (len > SCEP_MAX_MSG)
		return msg_fail(err, SCEP_ETOOBIG, SCEP_FAIL_HTTP, "message larger than %d bytes",
			    SCEP_MAX_MSG);
	scep_crypto_init(NULL);
	if (!msg_oids_ready())
		return msg_fail(err, SCEP_EOSSL, SCEP_FAIL_HTTP, "out of memory");
	if (!(r = OPENSSL_zalloc(sizeof *r)))
		return msg_fail(err, SCEP_EOSSL, SCEP_FAIL_HTTP, "out of memory");
	r->type = -1;
	r->cms = cms_parse_lazy(der, len);
	if (!r->cms)
		r->cms = d2i_CMS_ContentInfo(NULL, &p, (long)len);
	if (!r->cms) {
		rc = msg_fail(err, SCEP_EFORMAT, SCEP_FAIL_HTTP, "not a CMS/PKCS#7 message");
		goto out;
	}
	if (OBJ_obj2nid(CMS_get0_type(r->cms)) != NID_pkcs7_signed) {
		rc = msg_fail(err, SCEP_EFORMAT, SCEP_FAIL_HTTP, "not a SignedData");
		goto out;
	}
	sis = CMS_get0_SignerInfos(r->cms);
	if (sk_CMS_SignerInfo_num(sis) != 1) {
		rc = msg_fail(err, SCEP_EFORMAT, SCEP_FAIL_HTTP, "%d SignerInfos, expected one",
			  sk_CMS_SignerInfo_num(sis));
		goto out;
	}
	r->si = sk_CMS_SignerInfo_value(sis, 0);
	n = msg_sattr_ascii(r->si, OID_TID, r->tid, sizeof r->tid);
	if (n < 0) {
		rc = msg_fail(err, SCEP_EFORMAT, SCEP_FAIL_HTTP, "%s transactionID",
			  n == -1 ? "no" : "malformed");
		goto out;
	}
	n = msg_sattr_octets(r->si, OID_SNONCE, r->nonce);
	if (n < 0) {
		rc = msg_fail(err, SCEP_EFORMAT, SCEP_FAIL_HTTP, "%s senderNonce",
			  n == -1 ? "no" : "malformed");
		goto out;
	}
	r->nonce_len = (size_t)n;
	r->signer = find_signer(r->cms, r->si);
	if (!r->signer) {
		rc = msg_fail(err, SCEP_EFORMAT, SCEP_FAIL_HTTP, "signer certificate not in the message");
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
		msg_err_ok(err);
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
	    !(r->challenge = msg_string_utf8(X509_ATTRIBUTE_get0_type(a, 0))))
		return msg_fail(err, SCEP_EFORMAT, SCEP_BAD_REQUEST, "malformed challengePassword");
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
		return msg_fail_ossl(err, SCEP_ESIG, SCEP_BAD_MESSAGE_CHECK,
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
		return msg_fail_ossl(err, SCEP_EFORMAT, SCEP_BAD_REQUEST, "unreadable serial number");
	}
	BN_free(bn);
	return 0;
}

int scep_req_open(scep_req *r, EVP_PKEY *key, X509 *cert, struct scep_err *err)
{
	int rc;

	msg_err_ok(err);
	if (!r || !key || !cert || r->state != REQ_PARSED)
		return msg_fail(err, SCEP_EINVAL, SCEP_FAIL_HTTP, "request not parsed, or opened already");
	if (!scep_req_for(r, cert)) {
		rc = msg_fail(err, SCEP_EDECRYPT, SCEP_BAD_CERT_ID,
			  "envelope is not addressed to this CA certificate");
		goto out;
	}
	rc = msg_envelope_open(r->env, key, cert, &r->data, &r->data_len) ? 0 : 1;
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
		rc = msg_fail(err, SCEP_EDECRYPT, SCEP_BAD_MESSAGE_CHECK,
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
	o->sender_nonce = scep_req_sender_nonce(r, &o->nonce_len);
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
	struct msg_attrs a;
	int rc;

	msg_err_ok(err);
	if (!r || !key || !cert || !rep || !der || !len || !r->tid[0] || !r->nonce_len)
		return msg_fail(err, SCEP_EINVAL, SCEP_FAIL_HTTP, "missing argument");
	*der = NULL;
	*len = 0;
	if (rep->status != SCEP_SUCCESS && rep->status != SCEP_FAILURE &&
	    rep->status != SCEP_PENDING)
		return msg_fail(err, SCEP_EINVAL, SCEP_FAIL_HTTP, "pkiStatus %d", rep->status);
	if (rep->status == SCEP_FAILURE &&
	    (rep->fail_info < SCEP_BAD_ALG || rep->fail_info > SCEP_BAD_CERT_ID))
		return msg_fail(err, SCEP_EINVAL, SCEP_FAIL_HTTP, "failInfo %d", rep->fail_info);
	if (rep->status == SCEP_SUCCESS && (!r->signer || (!rep->cert && !rep->crl)))
		return msg_fail(err, SCEP_EINVAL, SCEP_FAIL_HTTP, "SUCCESS without content");
	if (!msg_oids_ready() || RAND_bytes(snonce, sizeof snonce) != 1)
		return msg_fail_ossl(err, SCEP_EOSSL, SCEP_FAIL_HTTP, "cannot make a nonce");
	if (rep->status == SCEP_SUCCESS) {
		rc = msg_degenerate(rep->cert, rep->more, rep->crl, &deg, &deg_len, err);
		if (!rc)
			rc = msg_envelope(deg, deg_len, r->signer, reply_cipher(r->cipher), &env,
				      &env_len, err);
		if (rc)
			goto out;
	}
	a = (struct msg_attrs){
		.type = SCEP_CERTREP, .tid = r->tid,
		.snonce = snonce, .snonce_len = sizeof snonce,
		.rnonce = r->nonce, .rnonce_len = r->nonce_len,
		.status = rep->status,
		.fail_info = rep->status == SCEP_FAILURE ? rep->fail_info : -1,
		.fail_text = rep->status == SCEP_FAILURE ? rep->fail_text : NULL,
	};
	rc = msg_sign_data(key, cert, reply_digest(r->digest), &a, env, env_len, der, len, err);
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

	msg_err_ok(err);
	if (!ca || !der || !len || !ctype)
		return msg_fail(err, SCEP_EINVAL, SCEP_FAIL_HTTP, "missing argument");
	if (sk_X509_num(more) > 0) {
		*ctype = SCEP_CT_CA_RA_CERT;
		return msg_degenerate(ca, more, NULL, der, len, err);
	}
	n = i2d_X509(ca, &p);
	if (n <= 0)
		return msg_fail_ossl(err, SCEP_EOSSL, SCEP_FAIL_HTTP, "cannot encode the certificate");
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

	msg_err_ok(err);
	if (!key || !cert || !next || !der || !len)
		return msg_fail(err, SCEP_EINVAL, SCEP_FAIL_HTTP, "missing argument");
	if (!digest)
		digest = SCEP_SHA256;
	if (!msg_digest_md(digest))
		return msg_fail(err, SCEP_EALG, SCEP_FAIL_HTTP, "digest %s is never produced",
			    scep_digest_name(digest));
	rc = msg_degenerate(next, more, NULL, &deg, &deg_len, err);
	if (!rc)
		rc = msg_sign_data(key, cert, digest, NULL, deg, deg_len, der, len, err);
	OPENSSL_free(deg);
	return rc;
}

const char *scep_cacaps(void)
{
	return "AES\nDES3\nGetNextCACert\nPOSTPKIOperation\nRenewal\nSHA-1\nSHA-256\n"
	       "SHA-384\nSHA-512\nSCEPStandard";
}

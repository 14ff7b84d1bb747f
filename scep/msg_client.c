/*
 * msg_client.c — the client side of the SCEP message layer: GetCACaps,
 * building requests, parsing CertRep, GetCACert and GetNextCACert
 * answers, and the PKCS#10 request and temporary self-signed signer that
 * a trustpoint enrolls with.  See msg.h for the contract, docs/scep.md for
 * the wire-level choices.
 */
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include <openssl/asn1t.h>
#include <openssl/cms.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/objects.h>
#include <openssl/pkcs7.h>
#include <openssl/rand.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include "scep/msg.h"
#include "scep/msg_int.h"

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
			return msg_fail(err, rc, SCEP_FAIL_HTTP, "%s without a CSR",
				    scep_type_name(rq->type));
		n = i2d_X509_REQ(rq->csr, &p);
		break;
	case SCEP_CERTPOLL:
		if (!rq->issuer || !rq->subject)
			return msg_fail(err, rc, SCEP_FAIL_HTTP, "CertPoll needs issuer and subject");
		if ((is.issuer = X509_NAME_dup(rq->issuer)) &&
		    (is.subject = X509_NAME_dup(rq->subject)))
			n = ASN1_item_i2d((ASN1_VALUE *)&is, &p, ASN1_ITEM_rptr(SCEP_ISSUER_SUBJECT));
		X509_NAME_free(is.issuer);
		X509_NAME_free(is.subject);
		break;
	case SCEP_GETCERT:
	case SCEP_GETCRL:
		if (!rq->issuer || !rq->serial)
			return msg_fail(err, rc, SCEP_FAIL_HTTP, "%s needs issuer and serial",
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
		return msg_fail(err, rc, SCEP_FAIL_HTTP, "messageType %d is not a request", rq->type);
	}
	if (n <= 0) {
		OPENSSL_free(p);
		return msg_fail_ossl(err, SCEP_EOSSL, SCEP_FAIL_HTTP, "cannot encode the messageData");
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
	struct msg_attrs a;
	int cipher, digest, rc;

	msg_err_ok(err);
	if (!rq || !nonce || !der || !len || !rq->recipient || !rq->signer || !rq->key ||
	    !rq->transaction_id)
		return msg_fail(err, SCEP_EINVAL, SCEP_FAIL_HTTP, "missing argument");
	*der = NULL;
	*len = 0;
	if (!msg_ascii_printable(rq->transaction_id, SCEP_MAX_TID))
		return msg_fail(err, SCEP_EINVAL, SCEP_FAIL_HTTP,
			    "transactionID must be 1..%d printable characters", SCEP_MAX_TID);
	cipher = rq->cipher ? rq->cipher : SCEP_AES128;
	digest = rq->digest ? rq->digest : SCEP_SHA256;
	if (!msg_cipher_evp(cipher))
		return msg_fail(err, SCEP_EALG, SCEP_FAIL_HTTP, "cipher %s is never produced",
			    scep_cipher_name(cipher));
	if (!msg_digest_md(digest))
		return msg_fail(err, SCEP_EALG, SCEP_FAIL_HTTP, "digest %s is never produced",
			    scep_digest_name(digest));
	if (!msg_oids_ready() || RAND_bytes(nonce, SCEP_NONCE_LEN) != 1)
		return msg_fail_ossl(err, SCEP_EOSSL, SCEP_FAIL_HTTP, "cannot make a nonce");
	rc = request_data(rq, &data, &data_len, err);
	if (!rc)
		rc = msg_envelope(data, data_len, rq->recipient, cipher, &env, &env_len, err);
	if (rc)
		goto out;
	a = (struct msg_attrs){
		.type = rq->type, .tid = rq->transaction_id,
		.snonce = nonce, .snonce_len = SCEP_NONCE_LEN,
		.status = -1, .fail_info = -1,
	};
	rc = msg_sign_data(rq->key, rq->signer, digest, &a, env, env_len, der, len, err);
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
		return msg_fail(err, SCEP_EFORMAT, SCEP_FAIL_HTTP, "empty answer");
	if (len > SCEP_MAX_MSG)
		return msg_fail(err, SCEP_ETOOBIG, SCEP_FAIL_HTTP, "answer larger than %d bytes",
			    SCEP_MAX_MSG);
	cms = d2i_CMS_ContentInfo(NULL, &p, (long)len);
	if (!cms || OBJ_obj2nid(CMS_get0_type(cms)) != NID_pkcs7_signed) {
		CMS_ContentInfo_free(cms);
		return msg_fail(err, SCEP_EFORMAT, SCEP_FAIL_HTTP, "answer is not a SignedData");
	}
	sis = CMS_get0_SignerInfos(cms);
	if (sk_CMS_SignerInfo_num(sis) != 1) {
		rc = msg_fail(err, SCEP_EFORMAT, SCEP_FAIL_HTTP, "%d SignerInfos, expected one",
			  sk_CMS_SignerInfo_num(sis));
		goto out;
	}
	si = sk_CMS_SignerInfo_value(sis, 0);
	if (CMS_SignerInfo_cert_cmp(si, ca) != 0) {
		rc = msg_fail(err, SCEP_ESIG, SCEP_FAIL_HTTP, "not signed by the CA certificate");
		goto out;
	}
	rc = msg_check_signer_algs(si, 0, digest, err, SCEP_FAIL_HTTP);
	if (rc)
		goto out;
	if (OBJ_obj2nid(CMS_get0_eContentType(cms)) != NID_pkcs7_data) {
		rc = msg_fail(err, SCEP_EFORMAT, SCEP_FAIL_HTTP, "eContentType is not id-data");
		goto out;
	}
	if (!msg_verify_signed(cms, ca, content, clen)) {
		rc = msg_fail_ossl(err, SCEP_ESIG, SCEP_FAIL_HTTP, "signature does not verify");
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

	t = msg_sattr_num(si, OID_MSGTYPE);
	if (t != SCEP_CERTREP)
		return msg_fail(err, SCEP_EFORMAT, SCEP_FAIL_HTTP, "messageType is not CertRep");
	n = msg_sattr_ascii(si, OID_TID, tid, sizeof tid);
	if (n < 0 || strcmp(tid, ex->transaction_id) != 0)
		return msg_fail(err, SCEP_EMATCH, SCEP_FAIL_HTTP, "transactionID differs from ours");
	n = msg_sattr_octets(si, OID_RNONCE, rnonce);
	if (n != SCEP_NONCE_LEN || memcmp(rnonce, ex->nonce, SCEP_NONCE_LEN) != 0)
		return msg_fail(err, SCEP_EMATCH, SCEP_FAIL_HTTP, "recipientNonce differs from our senderNonce");
	/* senderNonce: optional for us; micromdm copies the recipientNonce */
	n = msg_sattr_octets(si, OID_SNONCE, rep->snonce);
	rep->snonce_len = n > 0 ? (size_t)n : 0;
	rep->status = msg_sattr_num(si, OID_STATUS);
	if (rep->status != SCEP_SUCCESS && rep->status != SCEP_FAILURE &&
	    rep->status != SCEP_PENDING)
		return msg_fail(err, SCEP_EFORMAT, SCEP_FAIL_HTTP, "%s pkiStatus",
			    rep->status == -1 ? "no" : "unknown");
	rep->fail_info = -1;
	if (rep->status == SCEP_FAILURE) {
		rep->fail_info = msg_sattr_num(si, OID_FAILINFO);
		if (rep->fail_info < -1 || rep->fail_info > SCEP_BAD_CERT_ID)
			return msg_fail(err, SCEP_EFORMAT, SCEP_FAIL_HTTP, "unknown failInfo");
		rep->fail_text = msg_string_utf8(msg_sattr(si, OID_FAILTEXT));
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
		return msg_fail(err, SCEP_EFORMAT, SCEP_FAIL_HTTP, "SUCCESS without pkcsPKIEnvelope");
	rc = msg_envelope_parse(content, clen, &env, &rep->cipher, err);
	if (rc)
		return rc;
	if (!msg_envelope_open(env, ex->key, ex->cert, &data, &dlen)) {
		rc = msg_fail(err, SCEP_EDECRYPT, SCEP_FAIL_HTTP,
			  "cannot decrypt the envelope with our key");
		goto out;
	}
	rc = msg_degenerate_parse(data, dlen, &rep->certs, &rep->crl, err);
	if (rc)
		goto out;
	if (sk_X509_num(rep->certs) == 0 && !rep->crl) {
		rc = msg_fail(err, SCEP_EFORMAT, SCEP_FAIL_HTTP, "SUCCESS with neither certificate nor CRL");
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

	msg_err_ok(err);
	if (!out || !ex || !ex->ca || !ex->transaction_id || !ex->nonce || !ex->key || !ex->cert)
		return msg_fail(err, SCEP_EINVAL, SCEP_FAIL_HTTP, "missing argument");
	*out = NULL;
	scep_crypto_init(NULL);
	if (!msg_oids_ready() || !(rep = OPENSSL_zalloc(sizeof *rep)))
		return msg_fail(err, SCEP_EOSSL, SCEP_FAIL_HTTP, "out of memory");
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

	msg_err_ok(err);
	if (!certs)
		return msg_fail(err, SCEP_EINVAL, SCEP_FAIL_HTTP, "missing argument");
	*certs = NULL;
	if (!der || len == 0)
		return msg_fail(err, SCEP_EFORMAT, SCEP_FAIL_HTTP, "empty answer");
	if (len > SCEP_MAX_MSG)
		return msg_fail(err, SCEP_ETOOBIG, SCEP_FAIL_HTTP, "answer larger than %d bytes",
			    SCEP_MAX_MSG);
	x = d2i_X509(NULL, &p, (long)len);
	if (!x) {
		rc = msg_degenerate_parse(der, len, &sk, NULL, err);
		if (rc)
			return msg_fail(err, SCEP_EFORMAT, SCEP_FAIL_HTTP,
				    "neither a DER certificate nor a certificates-only SignedData");
		if (sk_X509_num(sk) == 0) {
			sk_X509_free(sk);
			return msg_fail(err, SCEP_EFORMAT, SCEP_FAIL_HTTP, "no certificate in the answer");
		}
		*certs = sk;
		ERR_clear_error();          /* the failed d2i_X509 */
		return 0;
	}
	if (!(sk = sk_X509_new_null()) || !sk_X509_push(sk, x)) {
		X509_free(x);
		sk_X509_free(sk);
		return msg_fail(err, SCEP_EOSSL, SCEP_FAIL_HTTP, "out of memory");
	}
	/* concatenated DER certificates, as micromdm parses them */
	while (p < end) {
		x = d2i_X509(NULL, &p, (long)(end - p));
		if (!x || !sk_X509_push(sk, x)) {
			X509_free(x);
			sk_X509_pop_free(sk, X509_free);
			return msg_fail(err, SCEP_EFORMAT, SCEP_FAIL_HTTP, "trailing data after the certificate");
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

	msg_err_ok(err);
	if (!ca || !certs)
		return msg_fail(err, SCEP_EINVAL, SCEP_FAIL_HTTP, "missing argument");
	*certs = NULL;
	scep_crypto_init(NULL);
	rc = signed_by(der, len, ca, &cms, &digest, &content, &clen, err);
	if (!rc)
		rc = msg_degenerate_parse(content, clen, certs, NULL, err);
	if (!rc && sk_X509_num(*certs) == 0) {
		sk_X509_free(*certs);
		*certs = NULL;
		rc = msg_fail(err, SCEP_EFORMAT, SCEP_FAIL_HTTP, "no certificate in the answer");
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

	msg_err_ok(err);
	if (!c || !c->key || !out)
		return msg_fail(err, SCEP_EINVAL, SCEP_FAIL_HTTP, "missing argument");
	*out = NULL;
	md = msg_digest_md(c->digest ? c->digest : SCEP_SHA256);
	if (!md)
		return msg_fail(err, SCEP_EALG, SCEP_FAIL_HTTP, "digest %s is never produced",
			    scep_digest_name(c->digest));
	if ((c->serial_number && (!*c->serial_number || !msg_printable_string(c->serial_number))) ||
	    (c->ip_address && (!*c->ip_address || !msg_printable_string(c->ip_address))) ||
	    (c->fqdn && (!*c->fqdn || !ia5(c->fqdn))))
		return msg_fail(err, SCEP_EINVAL, SCEP_FAIL_HTTP,
			    "serial number, IP address or FQDN not encodable");
	if (c->challenge && strlen(c->challenge) > 255)
		return msg_fail(err, SCEP_EINVAL, SCEP_FAIL_HTTP, "challenge password too long");
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
				       msg_printable_string(c->challenge) ? V_ASN1_PRINTABLESTRING
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
		msg_fail_ossl(err, rc, SCEP_FAIL_HTTP, "cannot build the certificate request");
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

	msg_err_ok(err);
	if (!key || !fqdn || !*fqdn || !out)
		return msg_fail(err, SCEP_EINVAL, SCEP_FAIL_HTTP, "missing argument");
	*out = NULL;
	if (!ia5(fqdn))
		return msg_fail(err, SCEP_EINVAL, SCEP_FAIL_HTTP, "FQDN is not ASCII");
	md = msg_digest_md(digest ? digest : SCEP_SHA256);
	if (!md)
		return msg_fail(err, SCEP_EALG, SCEP_FAIL_HTTP, "digest %s is never produced",
			    scep_digest_name(digest));
	if (!now)
		now = time(NULL);
	if (!gmtime_r(&now, &tm))
		return msg_fail(err, SCEP_EINVAL, SCEP_FAIL_HTTP, "bad time");
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
		msg_fail_ossl(err, rc, SCEP_FAIL_HTTP, "cannot build the self-signed certificate");
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

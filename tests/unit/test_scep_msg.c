/*
 * test_scep_msg.c — unit tests of scep/msg_*.c, the SCEP message layer.
 *
 * Round trips client builder → server parser → CertRep builder → client
 * parser for every message type, cipher, digest and status; messages built
 * independently here with CMS (DES, MD5, odd attribute encodings, missing
 * attributes) against the parser; tampering, truncation and garbage; the
 * helpers (CSR, self-signed signer, GetCACaps, base64); and messages
 * captured from micromdm scepclient and scepserver (tests/fixtures/scep/,
 * see the README there).  Keys are fixed PEM fixtures: no key generation.
 * Run from the repository root (tests/run.sh does).
 */
#include <openssl/cms.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/pkcs7.h>
#include <openssl/rand.h>
#include <openssl/x509_vfy.h>
#include <openssl/x509v3.h>

#include "core/pki.h"
#include "scep/msg.h"
#include "tests/unit/t.h"

#define FIX "tests/fixtures/scep/"
#define OID_MSGTYPE  "2.16.840.1.113733.1.9.2"
#define OID_STATUS   "2.16.840.1.113733.1.9.3"
#define OID_FAILINFO "2.16.840.1.113733.1.9.4"
#define OID_SNONCE   "2.16.840.1.113733.1.9.5"
#define OID_RNONCE   "2.16.840.1.113733.1.9.6"
#define OID_TID      "2.16.840.1.113733.1.9.7"
#define OID_FAILTEXT "1.3.6.1.5.5.7.24.1"

/* ---- fixtures -------------------------------------------------------------------- */

static EVP_PKEY *load_key(const char *name)
{
	char path[256];
	FILE *f;
	EVP_PKEY *k;

	snprintf(path, sizeof path, FIX "%s", name);
	f = fopen(path, "r");
	if (!f)
		T_FAIL("cannot open %s (run from the repository root)", path);
	k = PEM_read_PrivateKey(f, NULL, NULL, NULL);
	fclose(f);
	if (!k)
		T_FAIL("cannot read key %s", path);
	return k;
}

static X509 *load_cert(const char *name)
{
	char path[256];
	FILE *f;
	X509 *x;

	snprintf(path, sizeof path, FIX "%s", name);
	f = fopen(path, "r");
	if (!f)
		T_FAIL("cannot open %s", path);
	x = PEM_read_X509(f, NULL, NULL, NULL);
	fclose(f);
	if (!x)
		T_FAIL("cannot read certificate %s", path);
	return x;
}

static unsigned char *load_file(const char *name, size_t *len)
{
	char path[256];
	unsigned char *buf;
	FILE *f;
	long n;

	snprintf(path, sizeof path, FIX "%s", name);
	f = fopen(path, "rb");
	if (!f)
		T_FAIL("cannot open %s", path);
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	fseek(f, 0, SEEK_SET);
	buf = malloc((size_t)n + 1);
	ASSERT(buf && fread(buf, 1, (size_t)n, f) == (size_t)n);
	buf[n] = 0;
	fclose(f);
	*len = (size_t)n;
	return buf;
}

/* Reads "key: value" from a small text fixture into buf. */
static void fixture_value(const char *file, const char *key, char *buf, size_t n)
{
	size_t len, kl = strlen(key);
	char *text = (char *)load_file(file, &len), *line;

	for (line = strtok(text, "\n"); line; line = strtok(NULL, "\n")) {
		if (strncmp(line, key, kl) == 0 && line[kl] == ':') {
			snprintf(buf, n, "%s", line + kl + 1 + (line[kl + 1] == ' '));
			free(text);
			return;
		}
	}
	free(text);
	T_FAIL("%s has no %s", file, key);
}

static void hex_decode(const char *hex, unsigned char *out, size_t n)
{
	size_t i;

	ASSERT_EQ(strlen(hex), 2 * n);
	for (i = 0; i < n; i++) {
		unsigned int v;
		ASSERT(sscanf(hex + 2 * i, "%2x", &v) == 1);
		out[i] = (unsigned char)v;
	}
}

struct world {
	EVP_PKEY *ca_key, *ca2_key, *key, *key2;
	X509 *ca, *ca2;
	X509 *self;          /* self-signed signer for key */
	X509_REQ *csr;       /* CSR for key */
};

static struct world W;

static X509_NAME *dn(const char *cn)
{
	X509_NAME *n = X509_NAME_new();

	ASSERT(n);
	ASSERT(X509_NAME_add_entry_by_txt(n, "O", MBSTRING_ASC, (const unsigned char *)"pkish",
					  -1, -1, 0));
	ASSERT(X509_NAME_add_entry_by_txt(n, "CN", MBSTRING_ASC, (const unsigned char *)cn,
					  -1, -1, 0));
	return n;
}

static void world(void)
{
	struct scep_err err;
	struct scep_csr c = { 0 };
	X509_NAME *subj = dn("R1");

	ASSERT_EQ(scep_crypto_init(&err), 0);
	W.ca_key = load_key("ca.key");
	W.ca2_key = load_key("ca2.key");
	W.key = load_key("client.key");
	W.key2 = load_key("client2.key");
	W.ca = load_cert("ca.pem");
	W.ca2 = load_cert("ca2.pem");
	ASSERT_EQ(scep_selfsigned(W.key, "r1.example.com", 0, 0, &W.self, &err), 0);
	c.key = W.key;
	c.subject = subj;
	c.fqdn = "r1.example.com";
	c.challenge = "cisco123";
	ASSERT_EQ(scep_csr_build(&c, &W.csr, &err), 0);
	X509_NAME_free(subj);
}

static void world_free(void)
{
	EVP_PKEY_free(W.ca_key);
	EVP_PKEY_free(W.ca2_key);
	EVP_PKEY_free(W.key);
	EVP_PKEY_free(W.key2);
	X509_free(W.ca);
	X509_free(W.ca2);
	X509_free(W.self);
	X509_REQ_free(W.csr);
	memset(&W, 0, sizeof W);
}

/* A certificate for csr's key and subject issued by ca (the test's CA). */
static X509 *issue(X509_REQ *csr, X509 *ca, EVP_PKEY *ca_key, long serial)
{
	X509 *x = X509_new();

	ASSERT(x);
	ASSERT(X509_set_version(x, X509_VERSION_3));
	ASSERT(ASN1_INTEGER_set(X509_get_serialNumber(x), serial));
	ASSERT(X509_set_issuer_name(x, X509_get_subject_name(ca)));
	ASSERT(X509_set_subject_name(x, X509_REQ_get_subject_name(csr)));
	ASSERT(X509_gmtime_adj(X509_getm_notBefore(x), 0));
	ASSERT(X509_gmtime_adj(X509_getm_notAfter(x), 86400L * 365));
	ASSERT(X509_set_pubkey(x, X509_REQ_get0_pubkey(csr)));
	ASSERT(X509_sign(x, ca_key, EVP_sha256()) > 0);
	return x;
}

static X509_CRL *make_crl(X509 *ca, EVP_PKEY *ca_key)
{
	X509_CRL *crl = X509_CRL_new();
	ASN1_TIME *t = ASN1_TIME_new();

	ASSERT(crl && t);
	ASSERT(X509_CRL_set_version(crl, X509_CRL_VERSION_2));
	ASSERT(X509_CRL_set_issuer_name(crl, X509_get_subject_name(ca)));
	ASSERT(X509_gmtime_adj(t, 0));
	ASSERT(X509_CRL_set1_lastUpdate(crl, t));
	ASSERT(X509_gmtime_adj(t, 3600));
	ASSERT(X509_CRL_set1_nextUpdate(crl, t));
	ASSERT(X509_CRL_sign(crl, ca_key, EVP_sha256()) > 0);
	ASN1_TIME_free(t);
	return crl;
}

/* ---- DER inspection -------------------------------------------------------------- */

static CMS_ContentInfo *cms_of(const unsigned char *der, size_t len)
{
	const unsigned char *p = der;
	CMS_ContentInfo *cms = d2i_CMS_ContentInfo(NULL, &p, (long)len);

	ASSERT(cms);
	return cms;
}

/* The ASN.1 type of signed attribute oid in a pkiMessage, -1 if absent;
 * its bytes into buf when given. */
static int attr_type(const unsigned char *der, size_t len, const char *oid_txt,
		     unsigned char *buf, size_t *blen)
{
	CMS_ContentInfo *cms = cms_of(der, len);
	CMS_SignerInfo *si = sk_CMS_SignerInfo_value(CMS_get0_SignerInfos(cms), 0);
	ASN1_OBJECT *o = OBJ_txt2obj(oid_txt, 1);
	int i = CMS_signed_get_attr_by_OBJ(si, o, -1), type = -1;

	if (i >= 0) {
		ASN1_TYPE *t = X509_ATTRIBUTE_get0_type(CMS_signed_get_attr(si, i), 0);
		type = t->type;
		if (buf && t->type != V_ASN1_BOOLEAN && t->type != V_ASN1_OBJECT &&
		    t->type != V_ASN1_NULL) {
			*blen = (size_t)ASN1_STRING_length(t->value.asn1_string);
			memcpy(buf, ASN1_STRING_get0_data(t->value.asn1_string), *blen);
		}
	}
	ASN1_OBJECT_free(o);
	CMS_ContentInfo_free(cms);
	return type;
}

/* The SignerInfo's signatureAlgorithm NID. */
static int sig_alg(const unsigned char *der, size_t len)
{
	CMS_ContentInfo *cms = cms_of(der, len);
	CMS_SignerInfo *si = sk_CMS_SignerInfo_value(CMS_get0_SignerInfos(cms), 0);
	X509_ALGOR *sig = NULL;
	int nid;

	CMS_SignerInfo_get0_algs(si, NULL, NULL, NULL, &sig);
	nid = OBJ_obj2nid(sig->algorithm);
	CMS_ContentInfo_free(cms);
	return nid;
}

/* 1 when the SignedData carries an eContent. */
static int has_econtent(const unsigned char *der, size_t len)
{
	CMS_ContentInfo *cms = cms_of(der, len);
	ASN1_OCTET_STRING **pos = CMS_get0_content(cms);
	int r = pos && *pos;

	CMS_ContentInfo_free(cms);
	return r;
}

/* Where the eContent bytes are in der (their length into *n). */
static size_t econtent_at(const unsigned char *der, size_t len, size_t *n)
{
	CMS_ContentInfo *cms = cms_of(der, len);
	ASN1_OCTET_STRING **pos = CMS_get0_content(cms);
	const unsigned char *body;
	size_t i;

	ASSERT(pos && *pos);
	*n = (size_t)ASN1_STRING_length(*pos);
	body = ASN1_STRING_get0_data(*pos);
	if (*n == 0) {                  /* empty (its data may be NULL) */
		CMS_ContentInfo_free(cms);
		return 0;
	}
	for (i = 0; i + *n <= len; i++)
		if (memcmp(der + i, body, *n) == 0)
			break;
	ASSERT(i + *n <= len);
	CMS_ContentInfo_free(cms);
	return i;
}

/* ---- independent message builder (CMS directly) ---------------------------------- */

struct raw {
	const char *tid;             /* NULL: omitted */
	int tid_type;                /* 0: PrintableString */
	const char *msgtype;         /* NULL: omitted */
	const unsigned char *nonce;  /* NULL: omitted */
	size_t nonce_len;
	const EVP_CIPHER *cipher;
	const EVP_MD *md;
	X509 *recipient;
	const unsigned char *data;   /* messageData; NULL: the CSR */
	size_t data_len;
	X509 *signer;
	EVP_PKEY *key;
	int no_signer_cert;
	const unsigned char *env;    /* the eContent as is (no envelope built) */
	size_t env_len;
};

static unsigned char *raw_build(const struct raw *r, size_t *len)
{
	STACK_OF(X509) *rc = sk_X509_new_null();
	CMS_ContentInfo *env, *cms;
	CMS_SignerInfo *si;
	unsigned char *csr = NULL, *envder = NULL, *der = NULL;
	const unsigned char *data = r->data;
	size_t data_len = r->data_len;
	int n, elen;
	unsigned int flags = CMS_BINARY | CMS_PARTIAL | CMS_NOSMIMECAP;
	BIO *in;

	if (!data) {
		n = i2d_X509_REQ(W.csr, &csr);
		ASSERT(n > 0);
		data = csr;
		data_len = (size_t)n;
	}
	sk_X509_push(rc, r->recipient ? r->recipient : W.ca);
	in = BIO_new_mem_buf(data, (int)data_len);
	env = CMS_encrypt(rc, in, r->cipher ? r->cipher : EVP_aes_128_cbc(), CMS_BINARY);
	ASSERT(env);
	BIO_free(in);
	if (r->env) {
		envder = OPENSSL_memdup(r->env, r->env_len);
		elen = (int)r->env_len;
	} else {
		elen = i2d_CMS_ContentInfo(env, &envder);
	}
	ASSERT(elen > 0);
	if (r->no_signer_cert)
		flags |= CMS_NOCERTS;
	cms = CMS_sign(NULL, NULL, NULL, NULL, flags);
	ASSERT(cms);
	si = CMS_add1_signer(cms, r->signer ? r->signer : W.self, r->key ? r->key : W.key,
			     r->md ? r->md : EVP_sha256(), flags);
	ASSERT(si);
	if (r->tid)
		ASSERT(CMS_signed_add1_attr_by_txt(si, OID_TID,
						   r->tid_type ? r->tid_type : V_ASN1_PRINTABLESTRING,
						   r->tid, (int)strlen(r->tid)));
	if (r->msgtype)
		ASSERT(CMS_signed_add1_attr_by_txt(si, OID_MSGTYPE, V_ASN1_PRINTABLESTRING,
						   r->msgtype, (int)strlen(r->msgtype)));
	if (r->nonce)
		ASSERT(CMS_signed_add1_attr_by_txt(si, OID_SNONCE, V_ASN1_OCTET_STRING, r->nonce,
						   (int)r->nonce_len));
	in = BIO_new_mem_buf(envder, elen);
	ASSERT(CMS_final(cms, in, NULL, flags));
	BIO_free(in);
	n = i2d_CMS_ContentInfo(cms, &der);
	ASSERT(n > 0);
	*len = (size_t)n;
	CMS_ContentInfo_free(cms);
	CMS_ContentInfo_free(env);
	OPENSSL_free(envder);
	OPENSSL_free(csr);
	sk_X509_free(rc);
	return der;
}

static const unsigned char NONCE[16] = "0123456789abcdef";

static struct raw raw_default(void)
{
	struct raw r = { 0 };

	r.tid = "RAW-TID-1";
	r.msgtype = "19";
	r.nonce = NONCE;
	r.nonce_len = sizeof NONCE;
	return r;
}

/* ---- round trips ----------------------------------------------------------------- */

struct rt {
	int type, cipher, digest, status;
	X509 *recipient;         /* NULL: ca */
	EVP_PKEY *rkey;          /* its key */
	X509 *signer;            /* NULL: W.self */
	EVP_PKEY *skey;
	X509_REQ *csr;           /* NULL: W.csr */
	EVP_PKEY *requested;     /* key in the CSR */
};

/* One full exchange; checks everything both sides see. */
static void round_trip(const struct rt *t)
{
	struct scep_request rq = { 0 };
	struct scep_reply rep = { 0 };
	struct scep_expect ex = { 0 };
	struct scep_err err;
	unsigned char nonce[SCEP_NONCE_LEN], buf[256];
	unsigned char *der = NULL, *rder = NULL;
	size_t len = 0, rlen = 0, n, blen;
	const unsigned char *sn;
	X509 *recipient = t->recipient ? t->recipient : W.ca;
	EVP_PKEY *rkey = t->rkey ? t->rkey : W.ca_key;
	X509 *signer = t->signer ? t->signer : W.self;
	EVP_PKEY *skey = t->skey ? t->skey : W.key;
	X509_REQ *csr = t->csr ? t->csr : W.csr;
	X509 *issued = NULL;
	X509_CRL *crl = NULL;
	STACK_OF(X509) *more = sk_X509_new_null();
	X509_NAME *subj = dn("R1");
	ASN1_INTEGER *serial = ASN1_INTEGER_new();
	scep_req *req = NULL;
	scep_rep *cr = NULL;
	struct pk_scep_req pk;
	int want_digest = t->digest ? t->digest : SCEP_SHA256;
	int want_cipher = t->cipher ? t->cipher : SCEP_AES128;

	ASSERT(ASN1_INTEGER_set(serial, 0x1234));
	rq.type = t->type;
	rq.transaction_id = "6E3A9F0C2B4D11E8A1B2C3D4E5F60718";
	rq.recipient = recipient;
	rq.cipher = t->cipher;
	rq.digest = t->digest;
	rq.signer = signer;
	rq.key = skey;
	rq.csr = csr;
	rq.issuer = X509_get_subject_name(recipient);
	rq.subject = subj;
	rq.serial = serial;
	ASSERT_EQ(scep_request_build(&rq, nonce, &der, &len, &err), 0);

	/* wire: PrintableString attributes, OCTET STRING nonce, rsaEncryption */
	ASSERT_EQ(attr_type(der, len, OID_MSGTYPE, NULL, NULL), V_ASN1_PRINTABLESTRING);
	ASSERT_EQ(attr_type(der, len, OID_TID, NULL, NULL), V_ASN1_PRINTABLESTRING);
	ASSERT_EQ(attr_type(der, len, OID_SNONCE, buf, &blen), V_ASN1_OCTET_STRING);
	ASSERT_EQ(blen, 16);
	ASSERT(memcmp(buf, nonce, 16) == 0);
	ASSERT_EQ(sig_alg(der, len), NID_rsaEncryption);

	/* server */
	if (scep_req_parse(der, len, &req, &err) != 0)
		T_FAIL("parse: %s", err.text);
	ASSERT_EQ(scep_req_type(req), t->type);
	ASSERT_STREQ(scep_req_transaction_id(req), rq.transaction_id);
	sn = scep_req_sender_nonce(req, &n);
	ASSERT(n == 16 && memcmp(sn, nonce, 16) == 0);
	ASSERT_EQ(scep_req_digest(req), want_digest);
	ASSERT_EQ(scep_req_cipher(req), want_cipher);
	ASSERT(X509_cmp(scep_req_signer(req), signer) == 0);
	ASSERT_EQ(scep_req_for(req, recipient), 1);
	ASSERT_EQ(scep_req_for(req, recipient == W.ca ? W.ca2 : W.ca), 0);
	ASSERT(scep_req_csr(req) == NULL);                 /* not opened yet */
	if (scep_req_open(req, rkey, recipient, &err) != 0)
		T_FAIL("open: %s", err.text);
	ASSERT_EQ(scep_req_fill(req, recipient == W.ca2, &pk), 0);
	ASSERT_STREQ(pk.transaction_id, rq.transaction_id);
	ASSERT(pk.signer == scep_req_signer(req));
	ASSERT_EQ(pk.for_rollover, recipient == W.ca2);
	switch (t->type) {
	case SCEP_PKCSREQ:
	case SCEP_RENEWALREQ:
		ASSERT_EQ(pk.kind, t->type == SCEP_PKCSREQ ? PK_SCEP_PKCSREQ : PK_SCEP_RENEWALREQ);
		ASSERT(scep_req_csr(req) && pk.csr == scep_req_csr(req));
		ASSERT(X509_NAME_cmp(X509_REQ_get_subject_name(scep_req_csr(req)),
				     X509_REQ_get_subject_name(csr)) == 0);
		ASSERT(pk.csr_der && pk.csr_len > 0);
		ASSERT(scep_req_csr_der(req, &n) == pk.csr_der && n == pk.csr_len);
		ASSERT(scep_req_challenge(req) == pk.challenge);
		if (!t->csr)
			ASSERT_STREQ(pk.challenge, "cisco123");
		issued = issue(scep_req_csr(req), recipient, rkey, 42);
		break;
	case SCEP_CERTPOLL:
		ASSERT_EQ(pk.kind, PK_SCEP_CERTPOLL);
		ASSERT(X509_NAME_cmp(scep_req_issuer(req), X509_get_subject_name(recipient)) == 0);
		ASSERT(X509_NAME_cmp(scep_req_subject(req), subj) == 0);
		ASSERT(pk.csr == NULL && pk.serial == NULL);
		issued = issue(W.csr, recipient, rkey, 43);
		break;
	case SCEP_GETCERT:
	case SCEP_GETCRL:
		ASSERT_EQ(pk.kind, t->type == SCEP_GETCERT ? PK_SCEP_GETCERT : PK_SCEP_GETCRL);
		ASSERT(ASN1_INTEGER_cmp(scep_req_serial(req), serial) == 0);
		ASSERT_STREQ(scep_req_serial_hex(req), "1234");
		ASSERT_STREQ(pk.serial, "1234");
		ASSERT(X509_NAME_cmp(scep_req_issuer(req), X509_get_subject_name(recipient)) == 0);
		if (t->type == SCEP_GETCERT)
			issued = issue(W.csr, recipient, rkey, 0x1234);
		else
			crl = make_crl(recipient, rkey);
		break;
	}

	/* CertRep */
	rep.status = t->status;
	rep.fail_info = SCEP_BAD_REQUEST;
	rep.fail_text = "denied by policy";
	rep.cert = issued;
	rep.crl = crl;
	sk_X509_push(more, recipient);
	rep.more = more;
	if (scep_certrep_build(req, rkey, recipient, &rep, &rder, &rlen, &err) != 0)
		T_FAIL("certrep: %s", err.text);
	ASSERT_EQ(attr_type(rder, rlen, OID_MSGTYPE, buf, &blen), V_ASN1_PRINTABLESTRING);
	ASSERT(blen == 1 && buf[0] == '3');
	ASSERT_EQ(attr_type(rder, rlen, OID_STATUS, buf, &blen), V_ASN1_PRINTABLESTRING);
	ASSERT(blen == 1 && buf[0] == '0' + t->status);
	ASSERT_EQ(attr_type(rder, rlen, OID_TID, buf, &blen), V_ASN1_PRINTABLESTRING);
	ASSERT(blen == strlen(rq.transaction_id) && memcmp(buf, rq.transaction_id, blen) == 0);
	ASSERT_EQ(attr_type(rder, rlen, OID_RNONCE, buf, &blen), V_ASN1_OCTET_STRING);
	ASSERT(blen == 16 && memcmp(buf, nonce, 16) == 0);
	ASSERT_EQ(attr_type(rder, rlen, OID_SNONCE, buf, &blen), V_ASN1_OCTET_STRING);
	ASSERT(blen == 16 && memcmp(buf, nonce, 16) != 0);      /* fresh */
	ASSERT_EQ(sig_alg(rder, rlen), NID_rsaEncryption);
	if (t->status == SCEP_FAILURE) {
		ASSERT_EQ(attr_type(rder, rlen, OID_FAILINFO, buf, &blen), V_ASN1_PRINTABLESTRING);
		ASSERT(blen == 1 && buf[0] == '2');
		ASSERT_EQ(attr_type(rder, rlen, OID_FAILTEXT, NULL, NULL), V_ASN1_UTF8STRING);
	} else {
		ASSERT_EQ(attr_type(rder, rlen, OID_FAILINFO, NULL, NULL), -1);
		ASSERT_EQ(attr_type(rder, rlen, OID_FAILTEXT, NULL, NULL), -1);
	}
	/* an eContent always (PKCS7_verify clients), empty without envelope */
	ASSERT(has_econtent(rder, rlen));
	econtent_at(rder, rlen, &n);
	ASSERT_EQ(n == 0, t->status != SCEP_SUCCESS);

	/* client */
	ex.ca = recipient;
	ex.transaction_id = rq.transaction_id;
	ex.nonce = nonce;
	ex.key = skey;
	ex.cert = signer;
	ex.requested = t->requested;
	if (scep_rep_parse(rder, rlen, &ex, &cr, &err) != 0)
		T_FAIL("client parse: %s", err.text);
	ASSERT_EQ(scep_rep_status(cr), t->status);
	ASSERT_EQ(scep_rep_digest(cr), want_digest);
	sn = scep_rep_sender_nonce(cr, &n);
	ASSERT(sn && n == 16 && memcmp(sn, nonce, 16) != 0);
	if (t->status == SCEP_FAILURE) {
		ASSERT_EQ(scep_rep_fail_info(cr), SCEP_BAD_REQUEST);
		ASSERT_STREQ(scep_rep_fail_text(cr), "denied by policy");
		ASSERT(scep_rep_certs(cr) == NULL);
	} else {
		ASSERT_EQ(scep_rep_fail_info(cr), -1);
		ASSERT(scep_rep_fail_text(cr) == NULL);
	}
	if (t->status == SCEP_SUCCESS) {
		ASSERT_EQ(scep_rep_cipher(cr), want_cipher);
		if (crl) {
			ASSERT(scep_rep_crl(cr) && X509_CRL_cmp(scep_rep_crl(cr), crl) == 0);
		} else {
			ASSERT_EQ(sk_X509_num(scep_rep_certs(cr)), 2);
			ASSERT(X509_cmp(sk_X509_value(scep_rep_certs(cr), 0), issued) == 0);
			ASSERT(X509_cmp(sk_X509_value(scep_rep_certs(cr), 1), recipient) == 0);
			if (t->type == SCEP_GETCERT && t->requested == NULL && skey != W.key)
				ASSERT(scep_rep_cert(cr) == NULL);
			else
				ASSERT(scep_rep_cert(cr) && X509_cmp(scep_rep_cert(cr), issued) == 0);
		}
	} else {
		ASSERT_EQ(scep_rep_cipher(cr), 0);
		ASSERT(scep_rep_cert(cr) == NULL && scep_rep_crl(cr) == NULL);
	}

	ASSERT_EQ(ERR_peek_error(), 0);                 /* no stale OpenSSL errors */
	scep_rep_free(cr);
	scep_req_free(req);
	OPENSSL_free(der);
	OPENSSL_free(rder);
	X509_free(issued);
	X509_CRL_free(crl);
	sk_X509_free(more);
	X509_NAME_free(subj);
	ASN1_INTEGER_free(serial);
}

static const int CIPHERS[] = { SCEP_AES128, SCEP_AES192, SCEP_AES256, SCEP_3DES };
static const int DIGESTS[] = { SCEP_SHA1, SCEP_SHA256, SCEP_SHA512, SCEP_SHA384, SCEP_SHA224 };

TEST(t_crypto_init)
{
	struct scep_err err;

	ASSERT_EQ(scep_crypto_init(&err), 0);
	ASSERT_EQ(scep_crypto_init(NULL), 0);          /* idempotent */
	ASSERT_EQ(scep_des_available(), 1);
	ASSERT_STREQ(scep_cipher_name(SCEP_DES), "des-cbc");
	ASSERT_STREQ(scep_digest_name(SCEP_SHA256), "sha256");
	ASSERT_STREQ(scep_type_name(SCEP_CERTPOLL), "CertPoll");
	ASSERT_STREQ(scep_failinfo_name(SCEP_BAD_CERT_ID), "badCertId");
	ASSERT_STREQ(scep_failinfo_name(99), "unknown");
}

TEST(t_pkcsreq_every_cipher_and_digest)
{
	size_t i, j;

	world();
	for (i = 0; i < sizeof CIPHERS / sizeof CIPHERS[0]; i++)
		for (j = 0; j < sizeof DIGESTS / sizeof DIGESTS[0]; j++) {
			struct rt t = { .type = SCEP_PKCSREQ, .cipher = CIPHERS[i],
					.digest = DIGESTS[j], .status = SCEP_SUCCESS };
			round_trip(&t);
		}
	world_free();
}

TEST(t_pkcsreq_defaults)
{
	struct rt t = { .type = SCEP_PKCSREQ, .status = SCEP_SUCCESS };

	world();
	round_trip(&t);       /* AES-128 + SHA-256 */
	world_free();
}

TEST(t_every_type_and_status)
{
	static const int types[] = { SCEP_PKCSREQ, SCEP_CERTPOLL, SCEP_GETCERT, SCEP_GETCRL };
	static const int status[] = { SCEP_SUCCESS, SCEP_PENDING, SCEP_FAILURE };
	size_t i, j;

	world();
	for (i = 0; i < sizeof types / sizeof types[0]; i++)
		for (j = 0; j < sizeof status / sizeof status[0]; j++) {
			struct rt t = { .type = types[i], .status = status[j],
					.cipher = CIPHERS[(i + j) % 4],
					.digest = DIGESTS[(i + j) % 3] };
			round_trip(&t);
		}
	world_free();
}

/* RenewalReq: new key in the CSR, signed with the current identity cert;
 * the reply is enveloped for the old cert, the issued cert is the new key's. */
TEST(t_renewalreq_new_key)
{
	struct scep_err err;
	struct scep_csr c = { 0 };
	X509_NAME *subj = dn("R1");
	X509 *identity;
	X509_REQ *csr2;
	int s;

	world();
	identity = issue(W.csr, W.ca, W.ca_key, 7);
	c.key = W.key2;
	c.subject = subj;
	c.fqdn = "r1.example.com";
	ASSERT_EQ(scep_csr_build(&c, &csr2, &err), 0);
	for (s = 0; s <= 3; s++) {
		struct rt t = { .type = SCEP_RENEWALREQ, .status = s == 1 ? SCEP_FAILURE : s,
				.signer = identity, .skey = W.key, .csr = csr2,
				.requested = W.key2, .cipher = SCEP_AES256,
				.digest = SCEP_SHA512 };
		round_trip(&t);
	}
	X509_REQ_free(csr2);
	X509_free(identity);
	X509_NAME_free(subj);
	world_free();
}

/* The signer may be X.509 v1, without extensions, long expired (certmonger,
 * sscep, scepclient): only its key matters. */
TEST(t_signer_v1_expired)
{
	X509 *v1 = X509_new();
	X509_NAME *n = dn("old-router");
	struct rt t = { .type = SCEP_PKCSREQ, .status = SCEP_SUCCESS, .cipher = SCEP_3DES,
			.digest = SCEP_SHA1 };

	world();
	ASSERT(X509_set_version(v1, X509_VERSION_1));
	ASSERT(ASN1_INTEGER_set(X509_get_serialNumber(v1), 3));
	ASSERT(X509_set_subject_name(v1, n) && X509_set_issuer_name(v1, n));
	ASSERT(X509_gmtime_adj(X509_getm_notBefore(v1), -86400L * 800));
	ASSERT(X509_gmtime_adj(X509_getm_notAfter(v1), -86400L * 400));
	ASSERT(X509_set_pubkey(v1, W.key));
	ASSERT(X509_sign(v1, W.key, EVP_sha1()) > 0);
	ASSERT_EQ(X509_get_ext_count(v1), 0);
	t.signer = v1;
	t.skey = W.key;
	round_trip(&t);
	X509_free(v1);
	X509_NAME_free(n);
	world_free();
}

/* Rollover: a request enveloped for the rollover CA (same name, other
 * serial and key) is recognised and opened only with that key. */
TEST(t_rollover_recipient)
{
	struct scep_request rq = { 0 };
	struct scep_err err;
	unsigned char nonce[16], *der;
	size_t len;
	scep_req *req;
	const X509_NAME *iss;
	const ASN1_INTEGER *ser;
	struct rt t = { .type = SCEP_PKCSREQ, .status = SCEP_SUCCESS };

	world();
	rq.type = SCEP_PKCSREQ;
	rq.transaction_id = "ROLL";
	rq.recipient = W.ca2;
	rq.signer = W.self;
	rq.key = W.key;
	rq.csr = W.csr;
	ASSERT_EQ(scep_request_build(&rq, nonce, &der, &len, &err), 0);
	ASSERT_EQ(scep_req_parse(der, len, &req, &err), 0);
	ASSERT_EQ(scep_req_for(req, W.ca), 0);
	ASSERT_EQ(scep_req_for(req, W.ca2), 1);
	ASSERT_EQ(scep_req_recipient(req, &iss, &ser), 0);
	ASSERT(X509_NAME_cmp(iss, X509_get_subject_name(W.ca2)) == 0);
	ASSERT(ASN1_INTEGER_cmp(ser, X509_get0_serialNumber(W.ca2)) == 0);
	/* the active CA cannot open it: badCertId, still answerable */
	ASSERT(scep_req_open(req, W.ca_key, W.ca, &err) < 0);
	ASSERT_EQ(err.fail_info, SCEP_BAD_CERT_ID);
	ASSERT_STREQ(scep_req_transaction_id(req), "ROLL");
	scep_req_free(req);
	ASSERT_EQ(scep_req_parse(der, len, &req, &err), 0);
	ASSERT_EQ(scep_req_open(req, W.ca2_key, W.ca2, &err), 0);
	ASSERT(scep_req_csr(req) != NULL);
	scep_req_free(req);
	OPENSSL_free(der);
	/* full exchange with the rollover CA signing the CertRep */
	t.recipient = W.ca2;
	t.rkey = W.ca2_key;
	round_trip(&t);
	world_free();
}

/* A CertRep from the rollover CA does not verify against the active CA. */
TEST(t_client_rejects_other_ca)
{
	struct scep_request rq = { 0 };
	struct scep_reply rep = { .status = SCEP_PENDING };
	struct scep_expect ex = { 0 };
	struct scep_err err;
	unsigned char nonce[16], *der, *rder;
	size_t len, rlen;
	scep_req *req;
	scep_rep *cr = NULL;

	world();
	rq.type = SCEP_PKCSREQ;
	rq.transaction_id = "T";
	rq.recipient = W.ca;
	rq.signer = W.self;
	rq.key = W.key;
	rq.csr = W.csr;
	ASSERT_EQ(scep_request_build(&rq, nonce, &der, &len, &err), 0);
	ASSERT_EQ(scep_req_parse(der, len, &req, &err), 0);
	ASSERT_EQ(scep_certrep_build(req, W.ca2_key, W.ca2, &rep, &rder, &rlen, &err), 0);
	ex.ca = W.ca;
	ex.transaction_id = "T";
	ex.nonce = nonce;
	ex.key = W.key;
	ex.cert = W.self;
	ASSERT_EQ(scep_rep_parse(rder, rlen, &ex, &cr, &err), SCEP_ESIG);
	ASSERT(cr == NULL);
	ex.ca = W.ca2;
	ASSERT_EQ(scep_rep_parse(rder, rlen, &ex, &cr, &err), 0);
	ASSERT_EQ(scep_rep_status(cr), SCEP_PENDING);
	scep_rep_free(cr);
	scep_req_free(req);
	OPENSSL_free(der);
	OPENSSL_free(rder);
	world_free();
}

/* Request → CertRep helper for the negative client tests. */
static void exchange(const char *tid, unsigned char nonce[16], int status, unsigned char **rder,
		     size_t *rlen)
{
	struct scep_request rq = { 0 };
	struct scep_reply rep = { 0 };
	struct scep_err err;
	unsigned char *der;
	size_t len;
	scep_req *req;
	X509 *issued;

	rq.type = SCEP_PKCSREQ;
	rq.transaction_id = tid;
	rq.recipient = W.ca;
	rq.signer = W.self;
	rq.key = W.key;
	rq.csr = W.csr;
	ASSERT_EQ(scep_request_build(&rq, nonce, &der, &len, &err), 0);
	ASSERT_EQ(scep_req_parse(der, len, &req, &err), 0);
	ASSERT_EQ(scep_req_open(req, W.ca_key, W.ca, &err), 0);
	issued = issue(scep_req_csr(req), W.ca, W.ca_key, 9);
	rep.status = status;
	rep.cert = issued;
	rep.fail_info = SCEP_BAD_MESSAGE_CHECK;
	ASSERT_EQ(scep_certrep_build(req, W.ca_key, W.ca, &rep, rder, rlen, &err), 0);
	X509_free(issued);
	scep_req_free(req);
	OPENSSL_free(der);
}

static struct scep_expect expect(const char *tid, const unsigned char *nonce)
{
	struct scep_expect ex = { 0 };

	ex.ca = W.ca;
	ex.transaction_id = tid;
	ex.nonce = nonce;
	ex.key = W.key;
	ex.cert = W.self;
	return ex;
}

TEST(t_fresh_sender_nonce)
{
	struct scep_request rq = { 0 };
	struct scep_reply rep = { .status = SCEP_PENDING };
	struct scep_err err;
	unsigned char nonce[16], nonce2[16], a[64], b[64];
	unsigned char *der, *der2, *r1, *r2;
	size_t len, len2, l1, l2, al, bl;
	scep_req *req;

	world();
	rq.type = SCEP_PKCSREQ;
	rq.transaction_id = "T";
	rq.recipient = W.ca;
	rq.signer = W.self;
	rq.key = W.key;
	rq.csr = W.csr;
	ASSERT_EQ(scep_request_build(&rq, nonce, &der, &len, &err), 0);
	ASSERT_EQ(scep_request_build(&rq, nonce2, &der2, &len2, &err), 0);
	ASSERT(memcmp(nonce, nonce2, 16) != 0);
	ASSERT_EQ(scep_req_parse(der, len, &req, &err), 0);
	ASSERT_EQ(scep_certrep_build(req, W.ca_key, W.ca, &rep, &r1, &l1, &err), 0);
	ASSERT_EQ(scep_certrep_build(req, W.ca_key, W.ca, &rep, &r2, &l2, &err), 0);
	ASSERT_EQ(attr_type(r1, l1, OID_SNONCE, a, &al), V_ASN1_OCTET_STRING);
	ASSERT_EQ(attr_type(r2, l2, OID_SNONCE, b, &bl), V_ASN1_OCTET_STRING);
	ASSERT(al == 16 && bl == 16 && memcmp(a, b, 16) != 0);
	ASSERT(memcmp(a, nonce, 16) != 0);
	scep_req_free(req);
	OPENSSL_free(der);
	OPENSSL_free(der2);
	OPENSSL_free(r1);
	OPENSSL_free(r2);
	world_free();
}

TEST(t_client_recipient_nonce_mismatch)
{
	struct scep_expect ex;
	struct scep_err err;
	unsigned char nonce[16], other[16], *rder;
	size_t rlen;
	scep_rep *cr = NULL;

	world();
	exchange("TID-A", nonce, SCEP_SUCCESS, &rder, &rlen);
	memcpy(other, nonce, 16);
	other[15] ^= 1;
	ex = expect("TID-A", other);
	ASSERT_EQ(scep_rep_parse(rder, rlen, &ex, &cr, &err), SCEP_EMATCH);
	ASSERT(cr == NULL);
	ASSERT(strstr(err.text, "recipientNonce") != NULL);
	ex = expect("TID-A", nonce);
	ASSERT_EQ(scep_rep_parse(rder, rlen, &ex, &cr, &err), 0);
	ASSERT_EQ(scep_rep_status(cr), SCEP_SUCCESS);
	scep_rep_free(cr);
	OPENSSL_free(rder);
	world_free();
}

TEST(t_client_transaction_id_mismatch)
{
	struct scep_expect ex;
	struct scep_err err;
	unsigned char nonce[16], *rder;
	size_t rlen;
	scep_rep *cr = NULL;

	world();
	exchange("TID-A", nonce, SCEP_FAILURE, &rder, &rlen);
	ex = expect("TID-B", nonce);
	ASSERT_EQ(scep_rep_parse(rder, rlen, &ex, &cr, &err), SCEP_EMATCH);
	ASSERT(strstr(err.text, "transactionID") != NULL);
	ex = expect("TID-A", nonce);
	ASSERT_EQ(scep_rep_parse(rder, rlen, &ex, &cr, &err), 0);
	ASSERT_EQ(scep_rep_status(cr), SCEP_FAILURE);
	ASSERT_EQ(scep_rep_fail_info(cr), SCEP_BAD_MESSAGE_CHECK);
	scep_rep_free(cr);
	OPENSSL_free(rder);
	world_free();
}

/* A CertRep whose signature or content was altered, or enveloped for
 * somebody else, is refused by the client. */
TEST(t_client_tampered_certrep)
{
	struct scep_expect ex;
	struct scep_err err;
	unsigned char nonce[16], *rder;
	size_t rlen, i, at, n;
	scep_rep *cr = NULL;

	world();
	exchange("TID-A", nonce, SCEP_SUCCESS, &rder, &rlen);
	ex = expect("TID-A", nonce);
	rder[rlen - 1] ^= 0x01;                               /* signature */
	ASSERT_EQ(scep_rep_parse(rder, rlen, &ex, &cr, &err), SCEP_ESIG);
	rder[rlen - 1] ^= 0x01;
	at = econtent_at(rder, rlen, &n);
	for (i = at; i < at + n; i += n / 7) {                /* the envelope */
		rder[i] ^= 0x40;
		ASSERT_EQ(scep_rep_parse(rder, rlen, &ex, &cr, &err), SCEP_ESIG);
		ASSERT(cr == NULL);
		rder[i] ^= 0x40;
	}
	/* our certificate is not the recipient */
	ex.cert = W.ca2;
	ASSERT_EQ(scep_rep_parse(rder, rlen, &ex, &cr, &err), SCEP_EDECRYPT);
	OPENSSL_free(rder);
	world_free();
}

/* ---- server-side negative paths -------------------------------------------------- */

static unsigned char *request(int type, int cipher, int digest, size_t *len)
{
	struct scep_request rq = { 0 };
	struct scep_err err;
	unsigned char nonce[16], *der;

	rq.type = type;
	rq.transaction_id = "NEG";
	rq.recipient = W.ca;
	rq.cipher = cipher;
	rq.digest = digest;
	rq.signer = W.self;
	rq.key = W.key;
	rq.csr = W.csr;
	rq.issuer = X509_get_subject_name(W.ca);
	rq.subject = X509_get_subject_name(W.ca);
	rq.serial = X509_get0_serialNumber(W.ca);
	ASSERT_EQ(scep_request_build(&rq, nonce, &der, len, &err), 0);
	return der;
}

/* Parses and opens with the active CA; returns the rc, the classification
 * in *fi and the req (if answerable) in *reqp. */
static int server(const unsigned char *der, size_t len, int *fi, scep_req **reqp)
{
	struct scep_err err;
	scep_req *req = NULL;
	int rc = scep_req_parse(der, len, &req, &err);

	if (rc == 0)
		rc = scep_req_open(req, W.ca_key, W.ca, &err);
	*fi = rc ? err.fail_info : 99;
	if (rc)
		ASSERT_EQ(err.code, rc);
	if (rc && err.fail_info == SCEP_FAIL_HTTP)
		ASSERT(req == NULL);
	if (rc && err.fail_info != SCEP_FAIL_HTTP)
		ASSERT(req != NULL && scep_req_transaction_id(req)[0]);
	if (reqp)
		*reqp = req;
	else
		scep_req_free(req);
	return rc;
}

/* A FAILURE CertRep built from a req whose processing failed reaches the
 * client as that failInfo. */
static void failure_reply(scep_req *req, int fi, const unsigned char *nonce)
{
	struct scep_reply rep = { .status = SCEP_FAILURE, .fail_info = fi, .fail_text = "x" };
	struct scep_expect ex = expect(scep_req_transaction_id(req), nonce);
	struct scep_err err;
	unsigned char *rder;
	size_t rlen;
	scep_rep *cr;

	ASSERT_EQ(scep_certrep_build(req, W.ca_key, W.ca, &rep, &rder, &rlen, &err), 0);
	ASSERT_EQ(scep_rep_parse(rder, rlen, &ex, &cr, &err), 0);
	ASSERT_EQ(scep_rep_status(cr), SCEP_FAILURE);
	ASSERT_EQ(scep_rep_fail_info(cr), fi);
	scep_rep_free(cr);
	OPENSSL_free(rder);
}

TEST(t_bad_signature)
{
	unsigned char *der;
	size_t len;
	scep_req *req;
	int fi;

	world();
	der = request(SCEP_PKCSREQ, 0, 0, &len);
	der[len - 1] ^= 0x80;                          /* last byte of the signature */
	ASSERT_EQ(server(der, len, &fi, &req), SCEP_ESIG);
	ASSERT_EQ(fi, SCEP_BAD_MESSAGE_CHECK);
	ASSERT_EQ(ERR_peek_error(), 0);
	ASSERT_STREQ(scep_req_transaction_id(req), "NEG");
	ASSERT(scep_req_csr(req) == NULL);
	ASSERT(scep_req_open(req, W.ca_key, W.ca, NULL) == SCEP_EINVAL);
	scep_req_free(req);
	OPENSSL_free(der);
	world_free();
}

/* A byte of the encrypted content changed: messageDigest mismatch. */
TEST(t_tampered_content)
{
	unsigned char *der, nonce[16];
	size_t len, i, n;
	scep_req *req;
	int fi;

	world();
	der = request(SCEP_PKCSREQ, 0, 0, &len);
	i = econtent_at(der, len, &n);
	der[i + n - 5] ^= 0x01;
	ASSERT_EQ(server(der, len, &fi, &req), SCEP_ESIG);
	ASSERT_EQ(fi, SCEP_BAD_MESSAGE_CHECK);
	memcpy(nonce, scep_req_sender_nonce(req, NULL), 16);
	failure_reply(req, fi, nonce);
	scep_req_free(req);
	OPENSSL_free(der);
	world_free();
}

TEST(t_wrong_recipient)
{
	struct raw r = raw_default();
	unsigned char *der;
	size_t len;
	scep_req *req;
	int fi;

	world();
	r.recipient = W.self;                          /* enveloped for the client itself */
	der = raw_build(&r, &len);
	ASSERT_EQ(server(der, len, &fi, &req), SCEP_EDECRYPT);
	ASSERT_EQ(fi, SCEP_BAD_CERT_ID);
	failure_reply(req, fi, NONCE);
	scep_req_free(req);
	OPENSSL_free(der);
	world_free();
}

/* Right certificate, wrong key: cannot decrypt (no detail: no oracle). */
TEST(t_wrong_key)
{
	struct scep_err err;
	unsigned char *der;
	size_t len;
	scep_req *req;

	world();
	der = request(SCEP_PKCSREQ, 0, 0, &len);
	ASSERT_EQ(scep_req_parse(der, len, &req, &err), 0);
	ASSERT_EQ(scep_req_open(req, W.ca2_key, W.ca, &err), SCEP_EDECRYPT);
	ASSERT_EQ(err.fail_info, SCEP_BAD_MESSAGE_CHECK);
	ASSERT_STREQ(err.text, "cannot decrypt the envelope into a PKCSReq messageData");
	scep_req_free(req);
	OPENSSL_free(der);
	world_free();
}

/* Somebody else's envelope, re-signed by an attacker with its own
 * self-signed certificate and altered: bad CBC padding and a plaintext
 * that is not the expected DER must get the very same answer. */
TEST(t_no_padding_oracle)
{
	struct raw r = raw_default();
	struct scep_err e1, e2;
	unsigned char *victim, *env, *d1, *d2;
	size_t vlen, at, n, l1, l2;
	scep_req *req;

	world();
	victim = request(SCEP_PKCSREQ, SCEP_AES128, 0, &vlen);
	at = econtent_at(victim, vlen, &n);
	env = malloc(n);
	memcpy(env, victim + at, n);
	env[n - 1] ^= 0x5a;                          /* last block: padding breaks */
	r.env = env;
	r.env_len = n;
	r.signer = W.ca2;                            /* any self-signed certificate */
	r.key = W.ca2_key;
	d1 = raw_build(&r, &l1);
	ASSERT_EQ(scep_req_parse(d1, l1, &req, &e1), 0);
	ASSERT(scep_req_open(req, W.ca_key, W.ca, &e1) < 0);
	scep_req_free(req);
	/* a valid envelope whose plaintext is no CSR */
	r = raw_default();
	r.data = (const unsigned char *)"\x30\x03\x02\x01\x05 not a request";
	r.data_len = 20;
	d2 = raw_build(&r, &l2);
	ASSERT_EQ(scep_req_parse(d2, l2, &req, &e2), 0);
	ASSERT(scep_req_open(req, W.ca_key, W.ca, &e2) < 0);
	scep_req_free(req);
	ASSERT_EQ(e1.code, e2.code);
	ASSERT_EQ(e1.fail_info, e2.fail_info);
	ASSERT_EQ(e1.fail_info, SCEP_BAD_MESSAGE_CHECK);
	ASSERT_STREQ(e1.text, e2.text);
	free(env);
	OPENSSL_free(victim);
	OPENSSL_free(d1);
	OPENSSL_free(d2);
	world_free();
}

TEST(t_truncated)
{
	unsigned char *der, *cut;
	size_t len, n;
	int fi;

	world();
	der = request(SCEP_PKCSREQ, 0, 0, &len);
	for (n = 0; n < len; n++) {
		cut = malloc(n ? n : 1);          /* exact size: ASan sees any overread */
		memcpy(cut, der, n);
		ASSERT(server(cut, n, &fi, NULL) < 0);
		free(cut);
	}
	OPENSSL_free(der);
	world_free();
}

TEST(t_garbage)
{
	unsigned char buf[4096];
	int i, fi;

	world();
	for (i = 0; i < 200; i++) {
		size_t n = (size_t)(i * 19 % (int)sizeof buf) + 1;
		ASSERT(RAND_bytes(buf, (int)n) == 1);
		if (i % 2)
			buf[0] = 0x30;                     /* a SEQUENCE at least */
		ASSERT(server(buf, n, &fi, NULL) < 0);
		ASSERT_EQ(fi, SCEP_FAIL_HTTP);
	}
	ASSERT(server(NULL, 0, &fi, NULL) < 0);
	ASSERT_EQ(fi, SCEP_FAIL_HTTP);
	world_free();
}

TEST(t_oversized)
{
	unsigned char *big = calloc(1, SCEP_MAX_MSG + 1), *der;
	size_t len;
	struct scep_err err;
	scep_req *req = (scep_req *)1;
	int fi;

	world();
	der = request(SCEP_PKCSREQ, 0, 0, &len);
	memcpy(big, der, len);
	ASSERT_EQ(scep_req_parse(big, SCEP_MAX_MSG + 1, &req, &err), SCEP_ETOOBIG);
	ASSERT(req == NULL);
	ASSERT_EQ(err.fail_info, SCEP_FAIL_HTTP);
	/* trailing bytes after a valid message are ignored */
	ASSERT_EQ(server(big, SCEP_MAX_MSG, &fi, NULL), 0);
	free(big);
	OPENSSL_free(der);
	world_free();
}

TEST(t_missing_attributes)
{
	struct raw r;
	unsigned char *der;
	size_t len;
	scep_req *req;
	int fi;

	world();
	r = raw_default();
	r.tid = NULL;
	der = raw_build(&r, &len);
	ASSERT_EQ(server(der, len, &fi, NULL), SCEP_EFORMAT);
	ASSERT_EQ(fi, SCEP_FAIL_HTTP);
	OPENSSL_free(der);

	r = raw_default();
	r.nonce = NULL;
	der = raw_build(&r, &len);
	ASSERT_EQ(server(der, len, &fi, NULL), SCEP_EFORMAT);
	ASSERT_EQ(fi, SCEP_FAIL_HTTP);
	OPENSSL_free(der);

	r = raw_default();
	r.no_signer_cert = 1;
	der = raw_build(&r, &len);
	ASSERT_EQ(server(der, len, &fi, NULL), SCEP_EFORMAT);
	ASSERT_EQ(fi, SCEP_FAIL_HTTP);
	OPENSSL_free(der);

	r = raw_default();
	r.msgtype = NULL;
	der = raw_build(&r, &len);
	ASSERT_EQ(server(der, len, &fi, &req), SCEP_EFORMAT);
	ASSERT_EQ(fi, SCEP_BAD_REQUEST);
	failure_reply(req, fi, NONCE);
	scep_req_free(req);
	OPENSSL_free(der);
	world_free();
}

TEST(t_unsupported_message_types)
{
	static const char *types[] = { "3", "18", "0", "23", "x", "1000" };
	struct raw r;
	unsigned char *der;
	size_t len, i;
	int fi;

	world();
	for (i = 0; i < sizeof types / sizeof types[0]; i++) {
		r = raw_default();
		r.msgtype = types[i];
		der = raw_build(&r, &len);
		ASSERT_EQ(server(der, len, &fi, NULL), SCEP_EFORMAT);
		ASSERT_EQ(fi, SCEP_BAD_REQUEST);
		OPENSSL_free(der);
	}
	world_free();
}

/* transactionID as UTF8String / IA5String is read; messageData that does
 * not match the type is badRequest. */
TEST(t_lenient_attribute_types)
{
	struct raw r = raw_default();
	unsigned char *der;
	size_t len;
	scep_req *req;
	int fi;

	world();
	r.tid_type = V_ASN1_UTF8STRING;
	der = raw_build(&r, &len);
	ASSERT_EQ(server(der, len, &fi, &req), 0);
	ASSERT_STREQ(scep_req_transaction_id(req), "RAW-TID-1");
	scep_req_free(req);
	OPENSSL_free(der);
	r.tid_type = V_ASN1_IA5STRING;
	r.tid = "with space+slash/=";
	der = raw_build(&r, &len);
	ASSERT_EQ(server(der, len, &fi, &req), 0);
	ASSERT_STREQ(scep_req_transaction_id(req), "with space+slash/=");
	scep_req_free(req);
	OPENSSL_free(der);
	r.tid_type = V_ASN1_OCTET_STRING;               /* not a string type */
	der = raw_build(&r, &len);
	ASSERT_EQ(server(der, len, &fi, NULL), SCEP_EFORMAT);
	ASSERT_EQ(fi, SCEP_FAIL_HTTP);
	OPENSSL_free(der);
	r = raw_default();
	r.msgtype = "20";                                /* CertPoll, but a CSR inside */
	der = raw_build(&r, &len);
	ASSERT_EQ(server(der, len, &fi, NULL), SCEP_EDECRYPT);
	ASSERT_EQ(fi, SCEP_BAD_MESSAGE_CHECK);
	OPENSSL_free(der);
	world_free();
}

/* Single DES in (scepclient, old IOS): decrypted; the reply uses AES-128. */
TEST(t_des_input)
{
	struct raw r = raw_default();
	struct scep_reply rep = { .status = SCEP_SUCCESS };
	struct scep_expect ex;
	struct scep_err err;
	unsigned char *der, *rder;
	size_t len, rlen;
	scep_req *req;
	scep_rep *cr;
	int fi;

	world();
	r.cipher = EVP_des_cbc();
	r.md = EVP_sha1();
	der = raw_build(&r, &len);
	ASSERT_EQ(server(der, len, &fi, &req), 0);
	ASSERT_EQ(scep_req_cipher(req), SCEP_DES);
	ASSERT_EQ(scep_req_digest(req), SCEP_SHA1);
	rep.cert = issue(scep_req_csr(req), W.ca, W.ca_key, 5);
	ASSERT_EQ(scep_certrep_build(req, W.ca_key, W.ca, &rep, &rder, &rlen, &err), 0);
	ex = expect("RAW-TID-1", NONCE);
	ASSERT_EQ(scep_rep_parse(rder, rlen, &ex, &cr, &err), 0);
	ASSERT_EQ(scep_rep_cipher(cr), SCEP_AES128);
	ASSERT_EQ(scep_rep_digest(cr), SCEP_SHA1);
	ASSERT(X509_cmp(scep_rep_cert(cr), rep.cert) == 0);
	scep_rep_free(cr);
	X509_free(rep.cert);
	scep_req_free(req);
	OPENSSL_free(der);
	OPENSSL_free(rder);
	world_free();
}

/* MD5 from old IOS is accepted; the reply is SHA-1. */
TEST(t_md5_input)
{
	struct raw r = raw_default();
	struct scep_reply rep = { .status = SCEP_PENDING };
	struct scep_expect ex;
	struct scep_err err;
	unsigned char *der, *rder;
	size_t len, rlen;
	scep_req *req;
	scep_rep *cr;
	int fi;

	world();
	r.md = EVP_md5();
	r.cipher = EVP_des_ede3_cbc();
	der = raw_build(&r, &len);
	ASSERT_EQ(server(der, len, &fi, &req), 0);
	ASSERT_EQ(scep_req_digest(req), SCEP_MD5);
	ASSERT_EQ(scep_certrep_build(req, W.ca_key, W.ca, &rep, &rder, &rlen, &err), 0);
	ex = expect("RAW-TID-1", NONCE);
	ASSERT_EQ(scep_rep_parse(rder, rlen, &ex, &cr, &err), 0);
	ASSERT_EQ(scep_rep_digest(cr), SCEP_SHA1);
	scep_rep_free(cr);
	scep_req_free(req);
	OPENSSL_free(der);
	OPENSSL_free(rder);
	world_free();
}

/* Ciphers we do not take: badAlg, answerable. */
TEST(t_unsupported_cipher)
{
	struct raw r = raw_default();
	unsigned char *der;
	size_t len;
	scep_req *req;
	int fi;

	world();
	r.cipher = EVP_aes_128_ofb();
	der = raw_build(&r, &len);
	ASSERT_EQ(server(der, len, &fi, &req), SCEP_EALG);
	ASSERT_EQ(fi, SCEP_BAD_ALG);
	failure_reply(req, fi, NONCE);
	scep_req_free(req);
	OPENSSL_free(der);
	world_free();
}

/* The client builder never produces DES or MD5. */
TEST(t_builder_refuses_des_md5)
{
	struct scep_request rq = { 0 };
	struct scep_err err;
	unsigned char nonce[16], *der = NULL;
	size_t len;

	world();
	rq.type = SCEP_PKCSREQ;
	rq.transaction_id = "T";
	rq.recipient = W.ca;
	rq.signer = W.self;
	rq.key = W.key;
	rq.csr = W.csr;
	rq.cipher = SCEP_DES;
	ASSERT_EQ(scep_request_build(&rq, nonce, &der, &len, &err), SCEP_EALG);
	rq.cipher = 0;
	rq.digest = SCEP_MD5;
	ASSERT_EQ(scep_request_build(&rq, nonce, &der, &len, &err), SCEP_EALG);
	rq.digest = 0;
	rq.transaction_id = "bad\ttid";
	ASSERT_EQ(scep_request_build(&rq, nonce, &der, &len, &err), SCEP_EINVAL);
	rq.transaction_id = "T";
	rq.type = SCEP_CERTREP;
	ASSERT_EQ(scep_request_build(&rq, nonce, &der, &len, &err), SCEP_EINVAL);
	ASSERT(der == NULL);
	world_free();
}

/* The client refuses a request handed to it as a CertRep, and the server
 * a CertRep handed to it as a request. */
TEST(t_wrong_direction)
{
	struct scep_expect ex;
	struct scep_err err;
	unsigned char nonce[16], *der, *rder;
	size_t len, rlen;
	scep_rep *cr = NULL;
	int fi;

	world();
	der = request(SCEP_PKCSREQ, 0, 0, &len);
	ex = expect("NEG", nonce);
	ex.ca = W.self;
	ASSERT_EQ(scep_rep_parse(der, len, &ex, &cr, &err), SCEP_EFORMAT);
	exchange("X", nonce, SCEP_PENDING, &rder, &rlen);
	ASSERT_EQ(server(rder, rlen, &fi, NULL), SCEP_EFORMAT);
	ASSERT(fi == SCEP_FAIL_HTTP || fi == SCEP_BAD_REQUEST);
	OPENSSL_free(der);
	OPENSSL_free(rder);
	world_free();
}

TEST(t_certrep_arguments)
{
	struct scep_reply rep = { .status = SCEP_SUCCESS };
	struct scep_err err;
	unsigned char *der, *rder = NULL;
	size_t len, rlen;
	scep_req *req;
	int fi;

	world();
	der = request(SCEP_PKCSREQ, 0, 0, &len);
	ASSERT_EQ(server(der, len, &fi, &req), 0);
	/* SUCCESS without a certificate or CRL */
	ASSERT_EQ(scep_certrep_build(req, W.ca_key, W.ca, &rep, &rder, &rlen, &err), SCEP_EINVAL);
	rep.status = 1;
	ASSERT_EQ(scep_certrep_build(req, W.ca_key, W.ca, &rep, &rder, &rlen, &err), SCEP_EINVAL);
	rep.status = SCEP_FAILURE;
	rep.fail_info = 5;
	ASSERT_EQ(scep_certrep_build(req, W.ca_key, W.ca, &rep, &rder, &rlen, &err), SCEP_EINVAL);
	ASSERT_EQ(scep_certrep_build(NULL, W.ca_key, W.ca, &rep, &rder, &rlen, &err), SCEP_EINVAL);
	ASSERT(rder == NULL);
	scep_req_free(req);
	OPENSSL_free(der);
	world_free();
}

/* CSR challengePassword in other string types. */
TEST(t_challenge_encodings)
{
	static const unsigned char bmp[] = { 0, 'p', 0, 0xe4, 0, 's', 0, 's' };   /* "päss" */
	X509_REQ *csr;
	struct raw r;
	unsigned char *der, *data = NULL;
	size_t len;
	scep_req *req;
	int n, i, fi;
	static const int types[] = { V_ASN1_UTF8STRING, V_ASN1_IA5STRING, V_ASN1_BMPSTRING };

	world();
	for (i = 0; i < 3; i++) {
		csr = X509_REQ_new();
		ASSERT(X509_REQ_set_subject_name(csr, X509_get_subject_name(W.self)));
		ASSERT(X509_REQ_set_pubkey(csr, W.key));
		if (types[i] == V_ASN1_BMPSTRING)
			ASSERT(X509_REQ_add1_attr_by_NID(csr, NID_pkcs9_challengePassword,
							 V_ASN1_BMPSTRING, bmp, sizeof bmp));
		else
			ASSERT(X509_REQ_add1_attr_by_NID(csr, NID_pkcs9_challengePassword, types[i],
							 (const unsigned char *)"s3cr&t!", 7));
		ASSERT(X509_REQ_sign(csr, W.key, EVP_sha256()) > 0);
		n = i2d_X509_REQ(csr, &data);
		r = raw_default();
		r.data = data;
		r.data_len = (size_t)n;
		der = raw_build(&r, &len);
		ASSERT_EQ(server(der, len, &fi, &req), 0);
		ASSERT_STREQ(scep_req_challenge(req),
			     types[i] == V_ASN1_BMPSTRING ? "p\xc3\xa4ss" : "s3cr&t!");
		scep_req_free(req);
		OPENSSL_free(der);
		OPENSSL_free(data);
		data = NULL;
		X509_REQ_free(csr);
	}
	world_free();
}

/* A CSR whose self-signature is broken: badMessageCheck. */
TEST(t_csr_bad_self_signature)
{
	struct raw r = raw_default();
	unsigned char *der, *data = NULL;
	size_t len;
	scep_req *req;
	int n, fi;

	world();
	n = i2d_X509_REQ(W.csr, &data);
	data[n - 3] ^= 0x10;
	r.data = data;
	r.data_len = (size_t)n;
	der = raw_build(&r, &len);
	ASSERT_EQ(server(der, len, &fi, &req), SCEP_ESIG);
	ASSERT_EQ(fi, SCEP_BAD_MESSAGE_CHECK);
	scep_req_free(req);
	OPENSSL_free(der);
	OPENSSL_free(data);
	world_free();
}

/* ---- GetCACert, GetNextCACert, GetCACaps ----------------------------------------- */

TEST(t_getcacert)
{
	STACK_OF(X509) *more = sk_X509_new_null(), *certs;
	struct scep_err err;
	const char *ct;
	unsigned char *der, *two;
	size_t len, i;

	world();
	ASSERT_EQ(scep_cacert_build(W.ca, NULL, &der, &len, &ct, &err), 0);
	ASSERT_STREQ(ct, "application/x-x509-ca-cert");
	ASSERT_EQ(scep_cacert_parse(der, len, &certs, &err), 0);
	ASSERT_EQ(sk_X509_num(certs), 1);
	ASSERT(X509_cmp(sk_X509_value(certs, 0), W.ca) == 0);
	sk_X509_pop_free(certs, X509_free);
	/* concatenated DER certificates */
	two = malloc(2 * len);
	memcpy(two, der, len);
	memcpy(two + len, der, len);
	ASSERT_EQ(scep_cacert_parse(two, 2 * len, &certs, &err), 0);
	ASSERT_EQ(sk_X509_num(certs), 2);
	sk_X509_pop_free(certs, X509_free);
	ASSERT_EQ(scep_cacert_parse(two, 2 * len - 1, &certs, &err), SCEP_EFORMAT);
	free(two);
	OPENSSL_free(der);
	/* chain: order kept (PKCS#7 SEQUENCE OF, not a sorted SET) both ways */
	for (i = 0; i < 2; i++) {
		X509 *first = i ? W.ca2 : W.ca, *second = i ? W.ca : W.ca2;
		sk_X509_zero(more);
		sk_X509_push(more, second);
		ASSERT_EQ(scep_cacert_build(first, more, &der, &len, &ct, &err), 0);
		ASSERT_STREQ(ct, "application/x-x509-ca-ra-cert");
		ASSERT_EQ(scep_cacert_parse(der, len, &certs, &err), 0);
		ASSERT_EQ(sk_X509_num(certs), 2);
		ASSERT(X509_cmp(sk_X509_value(certs, 0), first) == 0);
		ASSERT(X509_cmp(sk_X509_value(certs, 1), second) == 0);
		ASSERT_EQ(ERR_peek_error(), 0);         /* the failed d2i_X509 is gone */
		sk_X509_pop_free(certs, X509_free);
		OPENSSL_free(der);
	}
	ASSERT_EQ(scep_cacert_parse((const unsigned char *)"\x30\x03\x02\x01\x01", 5, &certs, &err),
		  SCEP_EFORMAT);
	sk_X509_free(more);
	world_free();
}

TEST(t_getnextcacert)
{
	STACK_OF(X509) *certs = NULL;
	struct scep_err err;
	unsigned char *der;
	size_t len;
	CMS_ContentInfo *cms;
	STACK_OF(X509) *outer;

	world();
	ASSERT_EQ(scep_nextca_build(W.ca_key, W.ca, W.ca2, NULL, 0, &der, &len, &err), 0);
	/* the current CA certificate is in the outer certificates */
	cms = cms_of(der, len);
	outer = CMS_get1_certs(cms);
	ASSERT_EQ(sk_X509_num(outer), 1);
	ASSERT(X509_cmp(sk_X509_value(outer, 0), W.ca) == 0);
	sk_X509_pop_free(outer, X509_free);
	CMS_ContentInfo_free(cms);
	ASSERT_EQ(sig_alg(der, len), NID_rsaEncryption);
	ASSERT_EQ(scep_nextca_parse(der, len, W.ca, &certs, &err), 0);
	ASSERT_EQ(sk_X509_num(certs), 1);
	ASSERT(X509_cmp(sk_X509_value(certs, 0), W.ca2) == 0);
	sk_X509_pop_free(certs, X509_free);
	/* verified against exactly the current CA */
	ASSERT_EQ(scep_nextca_parse(der, len, W.ca2, &certs, &err), SCEP_ESIG);
	ASSERT(certs == NULL);
	der[len - 1] ^= 1;
	ASSERT_EQ(scep_nextca_parse(der, len, W.ca, &certs, &err), SCEP_ESIG);
	OPENSSL_free(der);
	/* a signature made by the rollover key but naming the current cert */
	ASSERT_EQ(scep_nextca_build(W.ca2_key, W.ca, W.ca2, NULL, SCEP_SHA1, &der, &len, &err),
		  SCEP_EOSSL);
	ASSERT_EQ(scep_nextca_build(W.ca_key, W.ca, W.ca2, NULL, SCEP_MD5, &der, &len, &err),
		  SCEP_EALG);
	world_free();
}

TEST(t_getcacaps)
{
	const char *caps = scep_cacaps();
	unsigned c;

	ASSERT_STREQ(caps, "AES\nDES3\nGetNextCACert\nPOSTPKIOperation\nRenewal\nSHA-1\n"
		     "SHA-256\nSHA-384\nSHA-512\nSCEPStandard");
	c = scep_caps_parse(caps, strlen(caps));
	ASSERT_EQ(c, SCEP_CAP_AES | SCEP_CAP_DES3 | SCEP_CAP_NEXTCA | SCEP_CAP_POST |
		     SCEP_CAP_RENEWAL | SCEP_CAP_SHA1 | SCEP_CAP_SHA256 | SCEP_CAP_SHA384 |
		     SCEP_CAP_SHA512 | SCEP_CAP_STANDARD);
	ASSERT_EQ(scep_caps_cipher(c), SCEP_AES128);
	ASSERT_EQ(scep_caps_digest(c), SCEP_SHA256);
	/* micromdm's list, CRLF, case, blanks, unknown keywords */
	caps = "renewal\r\nsha-1\r\n  DES3 \r\nGetCRL\r\nExample.com-Foo\r\n";
	c = scep_caps_parse(caps, strlen(caps));
	ASSERT_EQ(c, SCEP_CAP_RENEWAL | SCEP_CAP_SHA1 | SCEP_CAP_DES3);
	ASSERT_EQ(scep_caps_cipher(c), SCEP_3DES);
	ASSERT_EQ(scep_caps_digest(c), SCEP_SHA1);
	/* substrings are not keywords */
	caps = "AES256\nSHA-2560\nXSHA-1";
	ASSERT_EQ(scep_caps_parse(caps, strlen(caps)), 0);
	ASSERT_EQ(scep_caps_parse("", 0), 0);
	ASSERT_EQ(scep_caps_cipher(0), SCEP_3DES);
	ASSERT_EQ(scep_caps_digest(0), SCEP_SHA1);
	ASSERT_EQ(scep_caps_digest(SCEP_CAP_SHA512 | SCEP_CAP_SHA1), SCEP_SHA512);
	ASSERT_EQ(scep_caps_digest(SCEP_CAP_STANDARD), SCEP_SHA256);
	ASSERT_EQ(scep_caps_cipher(SCEP_CAP_STANDARD), SCEP_AES128);
}

/* ---- CSR and self-signed signer -------------------------------------------------- */

/* The ASN.1 string type of the first entry nid in name. */
static int entry_type(const X509_NAME *name, int nid)
{
	int i = X509_NAME_get_index_by_NID(name, nid, -1);

	return i < 0 ? -1 : ASN1_STRING_type(X509_NAME_ENTRY_get_data(X509_NAME_get_entry(name, i)));
}

TEST(t_csr_ios_flavour)
{
	struct scep_csr c = { 0 };
	struct scep_err err;
	X509_NAME *subj = dn("R1");
	X509_REQ *csr;
	const X509_NAME *n;
	STACK_OF(X509_EXTENSION) *exts;
	GENERAL_NAMES *san;
	ASN1_BIT_STRING *ku;
	X509_ATTRIBUTE *a;
	int i, crit;

	world();
	c.key = W.key;
	c.subject = subj;
	c.serial_number = "FTX1234A0BC";
	c.ip_address = "127.0.0.1";
	c.fqdn = "r1.example.com";
	c.challenge = "cisco123";
	ASSERT_EQ(scep_csr_build(&c, &csr, &err), 0);
	ASSERT_EQ(X509_REQ_verify(csr, X509_REQ_get0_pubkey(csr)), 1);
	n = X509_REQ_get_subject_name(csr);
	/* O, CN, then one RDN with three values, last in DER order */
	ASSERT_EQ(X509_NAME_entry_count(n), 5);
	ASSERT_EQ(X509_NAME_ENTRY_set(X509_NAME_get_entry(n, 0)), 0);
	ASSERT_EQ(X509_NAME_ENTRY_set(X509_NAME_get_entry(n, 1)), 1);
	for (i = 2; i < 5; i++)
		ASSERT_EQ(X509_NAME_ENTRY_set(X509_NAME_get_entry(n, i)), 2);
	ASSERT_EQ(entry_type(n, NID_serialNumber), V_ASN1_PRINTABLESTRING);
	ASSERT_EQ(entry_type(n, NID_pkcs9_unstructuredAddress), V_ASN1_PRINTABLESTRING);
	ASSERT_EQ(entry_type(n, NID_pkcs9_unstructuredName), V_ASN1_IA5STRING);
	i = X509_REQ_get_attr_by_NID(csr, NID_pkcs9_challengePassword, -1);
	ASSERT(i >= 0);
	a = X509_REQ_get_attr(csr, i);
	ASSERT_EQ(X509_ATTRIBUTE_get0_type(a, 0)->type, V_ASN1_PRINTABLESTRING);
	exts = X509_REQ_get_extensions(csr);
	san = X509V3_get_d2i(exts, NID_subject_alt_name, &crit, NULL);
	ASSERT(san && sk_GENERAL_NAME_num(san) == 1);
	ASSERT_EQ(sk_GENERAL_NAME_value(san, 0)->type, GEN_DNS);
	ASSERT_STREQ((const char *)ASN1_STRING_get0_data(sk_GENERAL_NAME_value(san, 0)->d.dNSName),
		     "r1.example.com");
	ku = X509V3_get_d2i(exts, NID_key_usage, &crit, NULL);
	ASSERT(ku && crit == 1);
	ASSERT(ASN1_BIT_STRING_get_bit(ku, 0) && ASN1_BIT_STRING_get_bit(ku, 2));
	ASSERT(!ASN1_BIT_STRING_get_bit(ku, 1) && !ASN1_BIT_STRING_get_bit(ku, 5));
	GENERAL_NAMES_free(san);
	ASN1_BIT_STRING_free(ku);
	sk_X509_EXTENSION_pop_free(exts, X509_EXTENSION_free);
	X509_REQ_free(csr);

	/* a challenge outside PrintableString goes as UTF8String; no RDN, no SAN */
	memset(&c, 0, sizeof c);
	c.key = W.key;
	c.subject = subj;
	c.challenge = "p@ss!";
	c.digest = SCEP_SHA1;
	ASSERT_EQ(scep_csr_build(&c, &csr, &err), 0);
	ASSERT_EQ(X509_NAME_entry_count(X509_REQ_get_subject_name(csr)), 2);
	a = X509_REQ_get_attr(csr, X509_REQ_get_attr_by_NID(csr, NID_pkcs9_challengePassword, -1));
	ASSERT_EQ(X509_ATTRIBUTE_get0_type(a, 0)->type, V_ASN1_UTF8STRING);
	exts = X509_REQ_get_extensions(csr);
	ASSERT(X509V3_get_d2i(exts, NID_subject_alt_name, &crit, NULL) == NULL);
	sk_X509_EXTENSION_pop_free(exts, X509_EXTENSION_free);
	X509_REQ_free(csr);

	c.serial_number = "bad_serial";               /* '_' is not PrintableString */
	ASSERT_EQ(scep_csr_build(&c, &csr, &err), SCEP_EINVAL);
	c.serial_number = NULL;
	c.digest = SCEP_MD5;
	ASSERT_EQ(scep_csr_build(&c, &csr, &err), SCEP_EALG);
	X509_NAME_free(subj);
	world_free();
}

TEST(t_selfsigned)
{
	struct scep_err err;
	X509 *x;
	const X509_NAME *n;
	ASN1_BIT_STRING *ku;
	time_t now = 1767225600;          /* 2026-01-01 00:00:00 UTC */
	struct tm tm;

	world();
	ASSERT_EQ(scep_selfsigned(W.key, "r1.example.com", SCEP_SHA1, now, &x, &err), 0);
	n = X509_get_subject_name(x);
	ASSERT_EQ(X509_NAME_entry_count(n), 1);
	ASSERT_EQ(entry_type(n, NID_pkcs9_unstructuredName), V_ASN1_IA5STRING);
	ASSERT(X509_NAME_cmp(n, X509_get_issuer_name(x)) == 0);
	ASSERT_EQ(ASN1_INTEGER_get(X509_get0_serialNumber(x)), 1);
	ASSERT_EQ(X509_get_version(x), X509_VERSION_3);
	ASSERT_EQ(X509_verify(x, W.key), 1);
	ASSERT(ASN1_TIME_to_tm(X509_get0_notBefore(x), &tm));
	ASSERT_EQ(tm.tm_year, 126);
	ASSERT(ASN1_TIME_to_tm(X509_get0_notAfter(x), &tm));
	ASSERT(tm.tm_year == 136 && tm.tm_mon == 0 && tm.tm_mday == 1);
	ku = X509_get_ext_d2i(x, NID_key_usage, NULL, NULL);
	ASSERT(ku && ASN1_BIT_STRING_get_bit(ku, 0) && ASN1_BIT_STRING_get_bit(ku, 2));
	ASN1_BIT_STRING_free(ku);
	X509_free(x);
	ASSERT_EQ(scep_selfsigned(W.key, "", 0, 0, &x, &err), SCEP_EINVAL);
	ASSERT_EQ(scep_selfsigned(W.key, "r\xc3\xa4.com", 0, 0, &x, &err), SCEP_EINVAL);
	world_free();
}

/* ---- base64 ---------------------------------------------------------------------- */

static void b64_is(const char *in, const char *want)
{
	unsigned char *out;
	size_t n;

	if (scep_b64_decode(in, strlen(in), &out, &n) != 0)
		T_FAIL("cannot decode \"%s\"", in);
	if (n != strlen(want) || memcmp(out, want, n) != 0)
		T_FAIL("\"%s\" decoded to %zu bytes, expected \"%s\"", in, n, want);
	OPENSSL_free(out);
}

TEST(t_b64_liberal_decode)
{
	unsigned char *out;
	size_t n;

	/* "\xfb\xff\xbf" is "+/+/" in base64: every alphabet quirk shows */
	b64_is("aGVsbG8=", "hello");
	b64_is("aGVsbG8", "hello");                       /* no padding */
	b64_is("aGVs%0AbG8%3D", "hello");                 /* IOS line break, escaped = */
	b64_is("aGVs\r\nbG8=", "hello");
	b64_is("%2B%2F%2B%2F", "\xfb\xff\xbf");
	b64_is("+/+/", "\xfb\xff\xbf");
	b64_is("-_-_", "\xfb\xff\xbf");                   /* URL-safe (scepclient) */
	b64_is(" / /", "\xfb\xff\xbf");                   /* '+' turned into ' ' */
	b64_is("%2b%2f%2B%2f", "\xfb\xff\xbf");           /* lower-case escapes */
	b64_is("aGk", "hi");
	b64_is("aGk=", "hi");
	b64_is("aGk==", "hi");
	ASSERT_EQ(scep_b64_decode("aGVsbG8=x", 9, &out, &n), SCEP_EFORMAT);   /* after padding */
	ASSERT_EQ(scep_b64_decode("aGV*", 4, &out, &n), SCEP_EFORMAT);
	ASSERT_EQ(scep_b64_decode("aGVsb", 5, &out, &n), SCEP_EFORMAT);       /* lone digit */
	ASSERT_EQ(scep_b64_decode("aGV%", 4, &out, &n), SCEP_EFORMAT);
	ASSERT_EQ(scep_b64_decode("aGV%4", 5, &out, &n), SCEP_EFORMAT);
	ASSERT_EQ(scep_b64_decode("aGV%zz", 6, &out, &n), SCEP_EFORMAT);
	ASSERT_EQ(scep_b64_decode("", 0, &out, &n), SCEP_EFORMAT);
	ASSERT_EQ(scep_b64_decode("====", 4, &out, &n), SCEP_EFORMAT);
	ASSERT(out == NULL);
}

TEST(t_b64_encode_and_oversize)
{
	unsigned char data[300], *out;
	char *enc, *p;
	size_t n, i, big = (size_t)SCEP_MAX_MSG * 4 / 3 + 8;
	char *huge;

	for (i = 0; i < sizeof data; i++)
		data[i] = (unsigned char)(i * 7 + 0xf8);
	/* one line */
	enc = scep_b64_encode(data, sizeof data, 0);
	ASSERT(enc && strlen(enc) == 400 && !strchr(enc, '\n') && !strchr(enc, '%'));
	ASSERT_EQ(scep_b64_decode(enc, strlen(enc), &out, &n), 0);
	ASSERT(n == sizeof data && memcmp(out, data, n) == 0);
	OPENSSL_free(out);
	OPENSSL_free(enc);
	/* IOS: 64-character lines joined by LF */
	enc = scep_b64_encode(data, sizeof data, SCEP_B64_LINES);
	ASSERT(enc && strlen(enc) == 400 + 6);
	for (p = enc, i = 0; (p = strchr(p, '\n')); p++, i++)
		ASSERT_EQ((p - enc) % 65, 64);
	ASSERT_EQ(i, 6);
	OPENSSL_free(enc);
	/* ...and escaped for a query string */
	enc = scep_b64_encode(data, sizeof data, SCEP_B64_LINES | SCEP_B64_URL);
	ASSERT(enc && !strchr(enc, '+') && !strchr(enc, '/') && !strchr(enc, '=') &&
	       !strchr(enc, '\n'));
	ASSERT(strstr(enc, "%0A") && strstr(enc, "%2B") && strstr(enc, "%2F"));
	ASSERT_EQ(scep_b64_decode(enc, strlen(enc), &out, &n), 0);
	ASSERT(n == sizeof data && memcmp(out, data, n) == 0);
	OPENSSL_free(out);
	OPENSSL_free(enc);
	ASSERT(scep_b64_encode(data, 0, 0) == NULL);
	/* decoded size bounded */
	huge = malloc(big + 1);
	memset(huge, 'A', big);
	ASSERT_EQ(scep_b64_decode(huge, big, &out, &n), SCEP_ETOOBIG);
	ASSERT_EQ(scep_b64_decode(huge, (size_t)SCEP_MAX_MSG * 4 + 1, &out, &n), SCEP_ETOOBIG);
	free(huge);
}

/* ---- interop fixtures ------------------------------------------------------------ */

/* A PKCSReq captured from micromdm scepclient 2.1.0 (POST, DER): single
 * DES, SHA-1, sha1WithRSAEncryption SignerInfo, O=scep-client signer. */
static void check_scepclient_req(const unsigned char *der, size_t len, int type)
{
	struct scep_reply rep = { .status = SCEP_SUCCESS };
	struct scep_expect ex = { 0 };
	struct scep_err err;
	unsigned char *rder;
	size_t rlen, n;
	scep_req *req;
	scep_rep *cr;
	EVP_PKEY *ck = load_key("scepclient.key");
	X509_NAME *cn;
	char buf[64];
	int fi;

	ASSERT_EQ(sig_alg(der, len), NID_sha1WithRSAEncryption);
	if (server(der, len, &fi, &req) != 0)
		T_FAIL("scepclient request refused: failInfo %d", fi);
	ASSERT_EQ(scep_req_type(req), type);
	ASSERT_EQ(scep_req_cipher(req), SCEP_DES);
	ASSERT_EQ(scep_req_digest(req), SCEP_SHA1);
	scep_req_sender_nonce(req, &n);
	ASSERT_EQ(n, 16);
	ASSERT_EQ(strlen(scep_req_transaction_id(req)), 28);
	ASSERT_EQ(EVP_PKEY_eq(X509_REQ_get0_pubkey(scep_req_csr(req)), ck), 1);
	cn = X509_REQ_get_subject_name(scep_req_csr(req));
	ASSERT(X509_NAME_get_text_by_NID(cn, NID_commonName, buf, sizeof buf) > 0);
	ASSERT_STREQ(buf, "pkish-scepclient");
	ASSERT_STREQ(scep_req_challenge(req), "fixture-secret");
	/* the CertRep to it decrypts with the client's key (AES-128 for DES) */
	rep.cert = issue(scep_req_csr(req), W.ca, W.ca_key, 77);
	ASSERT_EQ(scep_certrep_build(req, W.ca_key, W.ca, &rep, &rder, &rlen, &err), 0);
	ex.ca = W.ca;
	ex.transaction_id = scep_req_transaction_id(req);
	ex.nonce = scep_req_sender_nonce(req, NULL);
	ex.key = ck;
	ex.cert = scep_req_signer(req);
	ASSERT_EQ(scep_rep_parse(rder, rlen, &ex, &cr, &err), 0);
	ASSERT_EQ(scep_rep_cipher(cr), SCEP_AES128);
	ASSERT(X509_cmp(scep_rep_cert(cr), rep.cert) == 0);
	scep_rep_free(cr);
	X509_free(rep.cert);
	OPENSSL_free(rder);
	scep_req_free(req);
	EVP_PKEY_free(ck);
}

TEST(t_interop_scepclient_post)
{
	unsigned char *der;
	size_t len;

	world();
	der = load_file("scepclient-pkcsreq.der", &len);
	check_scepclient_req(der, len, SCEP_PKCSREQ);
	free(der);
	world_free();
}

/* The same client in GET mode: URL-safe base64 in message=. */
TEST(t_interop_scepclient_get)
{
	unsigned char *der;
	char *text;
	size_t len, tlen;

	world();
	text = (char *)load_file("scepclient-pkcsreq-get.txt", &tlen);
	while (tlen && (text[tlen - 1] == '\n' || text[tlen - 1] == '\r'))
		tlen--;
	ASSERT(strpbrk(text, "-_") != NULL);          /* really the URL-safe alphabet */
	ASSERT_EQ(scep_b64_decode(text, tlen, &der, &len), 0);
	check_scepclient_req(der, len, SCEP_PKCSREQ);
	OPENSSL_free(der);
	free(text);
	world_free();
}

/* scepclient renewal: RenewalReq (17) signed by the certificate we issued,
 * same key. */
TEST(t_interop_scepclient_renewal)
{
	unsigned char *der;
	size_t len;
	scep_req *req;
	X509 *id = load_cert("scepclient-cert.pem");
	int fi;

	world();
	der = load_file("scepclient-renewalreq.der", &len);
	check_scepclient_req(der, len, SCEP_RENEWALREQ);
	ASSERT_EQ(server(der, len, &fi, &req), 0);
	ASSERT(X509_cmp(scep_req_signer(req), id) == 0);
	scep_req_free(req);
	X509_free(id);
	free(der);
	world_free();
}

/* Reads a scepserver-*.txt fixture: our transactionID and senderNonce. */
static struct scep_expect scepserver_expect(const char *txt, char *tid, size_t tn,
					    unsigned char nonce[16])
{
	struct scep_expect ex = { 0 };
	char hex[40];

	fixture_value(txt, "transactionID", tid, tn);
	fixture_value(txt, "senderNonce", hex, sizeof hex);
	hex_decode(hex, nonce, 16);
	ex.ca = load_cert("scepserver-ca.pem");
	ex.cert = load_cert("scepserver-signer.pem");
	ex.key = load_key("client.key");
	ex.transaction_id = tid;
	ex.nonce = nonce;
	return ex;
}

static void scepserver_expect_free(struct scep_expect *ex)
{
	X509_free(ex->ca);
	X509_free(ex->cert);
	EVP_PKEY_free(ex->key);
}

/* A CertRep captured from micromdm scepserver 2.1.0 for a PKCSReq built
 * by pkish (AES-128, SHA-256): DES envelope, SHA-1, sha1WithRSAEncryption,
 * senderNonce equal to the recipientNonce. */
TEST(t_interop_scepserver_certrep)
{
	struct scep_expect ex;
	struct scep_err err;
	unsigned char *der, nonce[16];
	char tid[130];
	size_t len, n;
	scep_rep *cr;

	ex = scepserver_expect("scepserver-certrep.txt", tid, sizeof tid, nonce);
	der = load_file("scepserver-certrep.der", &len);
	ASSERT_EQ(sig_alg(der, len), NID_sha1WithRSAEncryption);
	if (scep_rep_parse(der, len, &ex, &cr, &err) != 0)
		T_FAIL("scepserver CertRep refused: %s", err.text);
	ASSERT_EQ(scep_rep_status(cr), SCEP_SUCCESS);
	ASSERT_EQ(scep_rep_cipher(cr), SCEP_DES);
	ASSERT_EQ(scep_rep_digest(cr), SCEP_SHA1);
	ASSERT(memcmp(scep_rep_sender_nonce(cr, &n), nonce, 16) == 0 && n == 16);
	ASSERT(scep_rep_cert(cr) != NULL);
	ASSERT_EQ(EVP_PKEY_eq(X509_get0_pubkey(scep_rep_cert(cr)), ex.key), 1);
	ASSERT(scep_rep_cert(cr) == sk_X509_value(scep_rep_certs(cr), 0));
	ASSERT(X509_NAME_cmp(X509_get_issuer_name(scep_rep_cert(cr)),
			     X509_get_subject_name(ex.ca)) == 0);
	scep_rep_free(cr);
	/* and with another nonce it is refused */
	nonce[0] ^= 1;
	ASSERT_EQ(scep_rep_parse(der, len, &ex, &cr, &err), SCEP_EMATCH);
	free(der);
	scepserver_expect_free(&ex);
}

/* ---- CertRep readable by PKCS7 verifiers (certmonger, sscep) ---------------------
 * certmonger's scep-submit reads a CertRep with OpenSSL's PKCS7 API: d2i_PKCS7,
 * then PKCS7_verify(p7, certs, store, NULL, out, 0) — no detached content, the
 * signer's chain built to its configured CA, purpose and keyUsage errors
 * ignored — and then checks that the encapsulated content type is id-data.
 * PKCS7_verify refuses a SignedData without eContent ("no content"), so every
 * CertRep must carry one, empty when there is no pkcsPKIEnvelope. */

static int ignore_purpose(int ok, X509_STORE_CTX *ctx)
{
	int e = X509_STORE_CTX_get_error(ctx);

	return e == X509_V_ERR_INVALID_PURPOSE || e == X509_V_ERR_KEYUSAGE_NO_DIGITAL_SIGNATURE
	       ? 1 : ok;
}

/* Verifies der as certmonger does; returns the eContent's length, or -1
 * when PKCS7_verify refuses it (the reason on stderr). */
static long pkcs7_verify_like_certmonger(const unsigned char *der, size_t len, X509 *ca)
{
	const unsigned char *p = der;
	PKCS7 *p7 = d2i_PKCS7(NULL, &p, (long)len);
	X509_STORE *store = X509_STORE_new();
	STACK_OF(X509) *certs = sk_X509_new_null();
	BIO *out = BIO_new(BIO_s_mem());
	char *data;
	long n = -1;

	ASSERT(p7 && p == der + len && PKCS7_type_is_signed(p7));
	ASSERT(store && certs && out && X509_STORE_add_cert(store, ca) == 1);
	X509_STORE_set_verify_cb_func(store, ignore_purpose);
	if (PKCS7_verify(p7, certs, store, NULL, out, 0) == 1) {
		ASSERT(p7->d.sign->contents && p7->d.sign->contents->type &&
		       OBJ_obj2nid(p7->d.sign->contents->type) == NID_pkcs7_data);
		n = BIO_get_mem_data(out, &data);
	} else {
		ERR_print_errors_fp(stderr);
	}
	ERR_clear_error();
	BIO_free(out);
	sk_X509_free(certs);
	X509_STORE_free(store);
	PKCS7_free(p7);
	return n;
}

TEST(t_certrep_verifies_with_pkcs7)
{
	static const int status[] = { SCEP_PENDING, SCEP_FAILURE, SCEP_SUCCESS };
	unsigned char nonce[16], *rder;
	size_t rlen, i, n;
	long clen;
	struct scep_expect ex;
	struct scep_err err;
	scep_rep *cr;

	world();
	for (i = 0; i < sizeof status / sizeof status[0]; i++) {
		exchange("TID-PKCS7", nonce, status[i], &rder, &rlen);
		clen = pkcs7_verify_like_certmonger(rder, rlen, W.ca);
		if (clen < 0)
			T_FAIL("PKCS7_verify refused the %s CertRep",
			       status[i] == SCEP_PENDING ? "PENDING" :
			       status[i] == SCEP_FAILURE ? "FAILURE" : "SUCCESS");
		/* an eContent is present; empty unless there is an envelope */
		ASSERT(has_econtent(rder, rlen));
		econtent_at(rder, rlen, &n);
		if (status[i] == SCEP_SUCCESS)
			ASSERT(clen > 0 && (size_t)clen == n);
		else
			ASSERT(clen == 0 && n == 0);
		/* and pkish's own client still reads it */
		ex = expect("TID-PKCS7", nonce);
		if (scep_rep_parse(rder, rlen, &ex, &cr, &err) != 0)
			T_FAIL("client parse: %s", err.text);
		ASSERT_EQ(scep_rep_status(cr), status[i]);
		scep_rep_free(cr);
		OPENSSL_free(rder);
	}
	world_free();
}

/* A CertRep PENDING without any eContent, as pkish sent before and other
 * servers may: the client side still accepts it. */
TEST(t_client_accepts_absent_econtent)
{
	unsigned int flags = CMS_BINARY | CMS_PARTIAL | CMS_NOSMIMECAP | CMS_DETACHED;
	unsigned char nonce[16], snonce[16] = "fedcba9876543210", *der = NULL;
	struct scep_expect ex;
	struct scep_err err;
	CMS_ContentInfo *cms;
	CMS_SignerInfo *si;
	scep_rep *cr;
	BIO *in;
	int n;

	world();
	memcpy(nonce, NONCE, sizeof nonce);
	cms = CMS_sign(NULL, NULL, NULL, NULL, flags);
	ASSERT(cms);
	si = CMS_add1_signer(cms, W.ca, W.ca_key, EVP_sha256(), flags);
	ASSERT(si);
	ASSERT(CMS_signed_add1_attr_by_txt(si, OID_MSGTYPE, V_ASN1_PRINTABLESTRING, "3", 1));
	ASSERT(CMS_signed_add1_attr_by_txt(si, OID_STATUS, V_ASN1_PRINTABLESTRING, "3", 1));
	ASSERT(CMS_signed_add1_attr_by_txt(si, OID_TID, V_ASN1_PRINTABLESTRING, "TID-ABSENT", 10));
	ASSERT(CMS_signed_add1_attr_by_txt(si, OID_SNONCE, V_ASN1_OCTET_STRING, snonce, 16));
	ASSERT(CMS_signed_add1_attr_by_txt(si, OID_RNONCE, V_ASN1_OCTET_STRING, nonce, 16));
	in = BIO_new_mem_buf("", 0);
	ASSERT(in && CMS_final(cms, in, NULL, flags));
	BIO_free(in);
	n = i2d_CMS_ContentInfo(cms, &der);
	ASSERT(n > 0);
	CMS_ContentInfo_free(cms);
	ASSERT(!has_econtent(der, (size_t)n));
	ex = expect("TID-ABSENT", nonce);
	if (scep_rep_parse(der, (size_t)n, &ex, &cr, &err) != 0)
		T_FAIL("client refused a CertRep without eContent: %s", err.text);
	ASSERT_EQ(scep_rep_status(cr), SCEP_PENDING);
	scep_rep_free(cr);
	OPENSSL_free(der);
	world_free();
}

/* scepserver's FAILURE (wrong challenge): eContent present but empty. */
TEST(t_interop_scepserver_failure)
{
	struct scep_expect ex;
	struct scep_err err;
	unsigned char *der, nonce[16];
	char tid[130];
	size_t len;
	scep_rep *cr;

	ex = scepserver_expect("scepserver-failure.txt", tid, sizeof tid, nonce);
	der = load_file("scepserver-failure.der", &len);
	if (scep_rep_parse(der, len, &ex, &cr, &err) != 0)
		T_FAIL("scepserver FAILURE refused: %s", err.text);
	ASSERT_EQ(scep_rep_status(cr), SCEP_FAILURE);
	ASSERT_EQ(scep_rep_fail_info(cr), SCEP_BAD_REQUEST);
	ASSERT(scep_rep_cert(cr) == NULL && scep_rep_certs(cr) == NULL);
	scep_rep_free(cr);
	free(der);
	scepserver_expect_free(&ex);
}

TESTS(T(t_crypto_init), T(t_pkcsreq_every_cipher_and_digest), T(t_pkcsreq_defaults),
      T(t_every_type_and_status), T(t_renewalreq_new_key), T(t_signer_v1_expired),
      T(t_rollover_recipient),
      T(t_client_rejects_other_ca), T(t_fresh_sender_nonce),
      T(t_client_recipient_nonce_mismatch), T(t_client_transaction_id_mismatch),
      T(t_client_tampered_certrep), T(t_bad_signature), T(t_tampered_content),
      T(t_wrong_recipient), T(t_wrong_key), T(t_no_padding_oracle), T(t_truncated),
      T(t_garbage), T(t_oversized), T(t_missing_attributes), T(t_unsupported_message_types),
      T(t_lenient_attribute_types), T(t_des_input), T(t_md5_input), T(t_unsupported_cipher),
      T(t_builder_refuses_des_md5), T(t_wrong_direction), T(t_certrep_arguments),
      T(t_challenge_encodings), T(t_csr_bad_self_signature), T(t_getcacert),
      T(t_getnextcacert), T(t_getcacaps), T(t_csr_ios_flavour), T(t_selfsigned),
      T(t_b64_liberal_decode), T(t_b64_encode_and_oversize), T(t_interop_scepclient_post),
      T(t_interop_scepclient_get), T(t_interop_scepclient_renewal),
      T(t_interop_scepserver_certrep), T(t_interop_scepserver_failure),
      T(t_certrep_verifies_with_pkcs7), T(t_client_accepts_absent_econtent))

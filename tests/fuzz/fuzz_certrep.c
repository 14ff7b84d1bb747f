/*
 * fuzz_certrep.c — libFuzzer target for the client half of the SCEP
 * message layer (scep/msg_client.c).
 *
 * The first input byte says what the rest is:
 *   0  a whole CertRep: the harness reads its transactionID and
 *      recipientNonce first (so that the match checks pass) and gives it to
 *      scep_rep_parse as the fixture client (self-signed, fixed date);
 *   1  the eContent of a SUCCESS CertRep that this harness signs as the CA,
 *      so mutations reach the envelope parser and decryption;
 *   2  the degenerate certs-only SignedData inside that envelope, enveloped
 *      for the client and signed here, so mutations reach its parser;
 *   3  the degenerate SignedData of a GetNextCACert answer, signed here as
 *      the CA, for scep_nextca_parse.
 * Invariant checked: success and a result object go together.  Seeds:
 * tests/fuzz/corpus/certrep/.
 */
#include <stdint.h>

#include "scep/msg.h"
#include "tests/fuzz/fuzz.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static EVP_PKEY *ca_key, *cl_key;
static X509 *ca, *cl_cert;
static const unsigned char nonce[16] = "fuzz-nonce-16byt";

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	if (scep_crypto_init(NULL) != 0)
		fuzz_die("providers");
	ca_key = fuzz_key("ca.key");
	cl_key = fuzz_key("client.key");
	ca = fuzz_cert("ca.pem");
	if (scep_selfsigned(cl_key, "fuzz.example.com", SCEP_SHA256, 1767225600, &cl_cert, NULL))
		fuzz_die("self-signed certificate");
	return 0;
}

static void parse(const unsigned char *der, size_t len, const char *tid, const unsigned char *rn)
{
	struct scep_expect ex = { 0 };
	struct scep_err err;
	scep_rep *rep = NULL;
	size_t n;
	int rc;

	ex.ca = ca;
	ex.transaction_id = tid;
	ex.nonce = rn;
	ex.key = cl_key;
	ex.cert = cl_cert;
	rc = scep_rep_parse(der, len, &ex, &rep, &err);
	if ((rc == 0) != (rep != NULL))
		fuzz_die("result and return code disagree");
	if (!rep)
		return;
	scep_rep_status(rep);
	scep_rep_fail_info(rep);
	scep_rep_fail_text(rep);
	scep_rep_cert(rep);
	sk_X509_num(scep_rep_certs(rep));
	scep_rep_crl(rep);
	scep_rep_sender_nonce(rep, &n);
	scep_rep_free(rep);
}

/* Mode 0: the expectation is taken from the message itself. */
static void whole(const unsigned char *der, size_t len)
{
	const unsigned char *p = der;
	CMS_ContentInfo *cms = d2i_CMS_ContentInfo(NULL, &p, (long)len);
	CMS_SignerInfo *si;
	ASN1_OBJECT *o;
	ASN1_TYPE *t;
	char tid[SCEP_MAX_TID + 1] = "none";
	unsigned char rn[16] = { 0 };
	int i;

	if (cms && OBJ_obj2nid(CMS_get0_type(cms)) == NID_pkcs7_signed &&
	    (si = sk_CMS_SignerInfo_value(CMS_get0_SignerInfos(cms), 0))) {
		o = OBJ_txt2obj(FUZZ_OID_TID, 1);
		i = CMS_signed_get_attr_by_OBJ(si, o, -1);
		t = i >= 0 ? X509_ATTRIBUTE_get0_type(CMS_signed_get_attr(si, i), 0) : NULL;
		if (t && t->type == V_ASN1_PRINTABLESTRING &&
		    ASN1_STRING_length(t->value.asn1_string) <= SCEP_MAX_TID) {
			memcpy(tid, ASN1_STRING_get0_data(t->value.asn1_string),
			       (size_t)ASN1_STRING_length(t->value.asn1_string));
			tid[ASN1_STRING_length(t->value.asn1_string)] = '\0';
		}
		ASN1_OBJECT_free(o);
		o = OBJ_txt2obj(FUZZ_OID_RNONCE, 1);
		i = CMS_signed_get_attr_by_OBJ(si, o, -1);
		t = i >= 0 ? X509_ATTRIBUTE_get0_type(CMS_signed_get_attr(si, i), 0) : NULL;
		if (t && t->type == V_ASN1_OCTET_STRING &&
		    ASN1_STRING_length(t->value.octet_string) == 16)
			memcpy(rn, ASN1_STRING_get0_data(t->value.octet_string), 16);
		ASN1_OBJECT_free(o);
	}
	CMS_ContentInfo_free(cms);
	parse(der, len, tid, rn);
}

/* A SUCCESS CertRep around content, signed as the CA. */
static void certrep(const unsigned char *content, size_t n)
{
	struct fuzz_attr a[5] = {
		{ FUZZ_OID_TID, V_ASN1_PRINTABLESTRING, "FUZZ", 4 },
		{ FUZZ_OID_MSGTYPE, V_ASN1_PRINTABLESTRING, "3", 1 },
		{ FUZZ_OID_STATUS, V_ASN1_PRINTABLESTRING, "0", 1 },
		{ FUZZ_OID_RNONCE, V_ASN1_OCTET_STRING, nonce, sizeof nonce },
		{ FUZZ_OID_SNONCE, V_ASN1_OCTET_STRING, nonce, sizeof nonce },
	};
	unsigned char *der;
	size_t len;

	der = fuzz_sign(content, n, ca, ca_key, a, 5, &len);
	parse(der, len, "FUZZ", nonce);
	OPENSSL_free(der);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	STACK_OF(X509) *certs = NULL;
	unsigned char *der;
	size_t len;

	if (size < 1)
		return 0;
	switch (data[0]) {
	case 0:
		whole(data + 1, size - 1);
		break;
	case 1:
		certrep(data + 1, size - 1);
		break;
	case 2:
		der = fuzz_envelope(data + 1, size - 1, cl_cert, &len);
		if (der)
			certrep(der, len);
		OPENSSL_free(der);
		break;
	case 3:
		der = fuzz_sign(data + 1, size - 1, ca, ca_key, NULL, 0, &len);
		if (scep_nextca_parse(der, len, ca, &certs, NULL) == 0 && !certs)
			fuzz_die("success without certificates");
		sk_X509_pop_free(certs, X509_free);
		OPENSSL_free(der);
		break;
	default:
		break;
	}
	return 0;
}

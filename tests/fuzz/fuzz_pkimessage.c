/*
 * fuzz_pkimessage.c — libFuzzer target for the server half of the SCEP
 * message layer (scep/msg_server.c).
 *
 * The first input byte says what the rest is:
 *   0  a whole pkiMessage: scep_req_parse, scep_req_for / scep_req_open with
 *      the fixture CA or rollover CA, the accessors and scep_req_fill, and,
 *      for one input in eight (it costs a signature), the CertRep that the
 *      server would answer;
 *   1  the eContent (pkcsPKIEnvelope) of a PKCSReq that this harness signs
 *      with the fixture client key, so mutations reach the envelope parser;
 *   2  a messageData of messageType byte[1], enveloped for the CA and signed
 *      here, so mutations reach the PKCS#10 / IssuerAndSubject /
 *      IssuerAndSerialNumber decoders.
 * Invariants checked (abort = finding): an unanswerable failure never
 * returns a request object; an answerable one always does, with a
 * transactionID and senderNonce; a FAILURE CertRep can always be built
 * from it.  Seeds: tests/fuzz/corpus/pkimessage/.
 */
#include <stdint.h>

#include "core/pki.h"
#include "scep/msg.h"
#include "tests/fuzz/fuzz.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static EVP_PKEY *ca_key, *ca2_key, *cl_key;
static X509 *ca, *ca2, *cl_cert;
static const unsigned char nonce[16] = "fuzz-nonce-16byt";

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	if (scep_crypto_init(NULL) != 0)
		fuzz_die("providers");
	ca_key = fuzz_key("ca.key");
	ca2_key = fuzz_key("ca2.key");
	cl_key = fuzz_key("client.key");
	ca = fuzz_cert("ca.pem");
	ca2 = fuzz_cert("ca2.pem");
	if (scep_selfsigned(cl_key, "fuzz.example.com", SCEP_SHA256, 1767225600, &cl_cert, NULL))
		fuzz_die("self-signed certificate");
	return 0;
}

/* The server's whole treatment of one message. */
static void serve(const unsigned char *der, size_t len, int reply)
{
	struct scep_reply rep = { 0 };
	struct scep_err err;
	struct pk_scep_req pk;
	scep_req *req = NULL;
	unsigned char *out = NULL;
	const X509_NAME *iss;
	const ASN1_INTEGER *ser;
	size_t n;
	int rc, rollover = 0;

	rc = scep_req_parse(der, len, &req, &err);
	if (rc == 0) {
		rollover = scep_req_for(req, ca2);
		scep_req_recipient(req, &iss, &ser);
		rc = rollover ? scep_req_open(req, ca2_key, ca2, &err)
			      : scep_req_open(req, ca_key, ca, &err);
	}
	if (rc && err.fail_info == SCEP_FAIL_HTTP && req)
		fuzz_die("unanswerable failure returned a request");
	if (rc && err.fail_info != SCEP_FAIL_HTTP &&
	    (!req || !scep_req_transaction_id(req)[0] || !scep_req_sender_nonce(req, &n) || !n))
		fuzz_die("answerable failure without a request");
	if (!req)
		return;
	if (rc == 0) {
		if (scep_req_fill(req, rollover, &pk) != 0)
			fuzz_die("fill refused an opened request");
		scep_req_csr(req);
		scep_req_csr_der(req, &n);
		scep_req_challenge(req);
		scep_req_issuer(req);
		scep_req_subject(req);
		scep_req_serial_hex(req);
	}
	if (reply) {
		rep.status = rc ? SCEP_FAILURE : SCEP_PENDING;
		rep.fail_info = rc ? err.fail_info : 0;
		rep.fail_text = err.text;
		if (scep_certrep_build(req, rollover ? ca2_key : ca_key, rollover ? ca2 : ca, &rep,
				       &out, &n, &err) != 0)
			fuzz_die("cannot build the answer");
		OPENSSL_free(out);
	}
	scep_req_free(req);
}

/* Signs content as a pkiMessage of type `type` from the fixture client. */
static void serve_signed(const unsigned char *content, size_t n, unsigned type)
{
	char t[8];
	struct fuzz_attr a[3] = {
		{ FUZZ_OID_TID, V_ASN1_PRINTABLESTRING, "FUZZ", 4 },
		{ FUZZ_OID_MSGTYPE, V_ASN1_PRINTABLESTRING, t, 0 },
		{ FUZZ_OID_SNONCE, V_ASN1_OCTET_STRING, nonce, sizeof nonce },
	};
	unsigned char *der;
	size_t len;

	snprintf(t, sizeof t, "%u", type);
	a[1].len = strlen(t);
	der = fuzz_sign(content, n, cl_cert, cl_key, a, 3, &len);
	serve(der, len, 0);
	OPENSSL_free(der);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	unsigned char *env;
	size_t len;

	if (size < 1)
		return 0;
	switch (data[0]) {
	case 0:
		serve(data + 1, size - 1, (data[size - 1] & 7) == 0);
		break;
	case 1:
		serve_signed(data + 1, size - 1, SCEP_PKCSREQ);
		break;
	case 2:
		if (size < 2)
			break;
		env = fuzz_envelope(data + 2, size - 2, ca, &len);
		if (env)
			serve_signed(env, len, data[1]);
		OPENSSL_free(env);
		break;
	default:
		break;
	}
	return 0;
}

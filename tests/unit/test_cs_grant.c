/*
 * test_cs_grant.c — what the certificate server grants by itself (issue
 * 10): the automatic-renewal rule and every way a renewal can ask for more
 * than it had (subjectAltNames of every kind, a subject that differs in
 * case, order or string type), revoked and expired signers; the challenge
 * password compared as a whole; a message granted by its challenge refused
 * when it comes again, also after a restart.
 */
#if defined(__SANITIZE_ADDRESS__)
#include <sanitizer/lsan_interface.h>
#include <unistd.h>
#define _exit(c) (__lsan_do_leak_check(), _exit(c))
#endif
#include "tests/unit/cs_env.h"

#include <openssl/x509v3.h>

/* One SCEP exchange with a senderNonce (scep() of cs_env.h has none). */
static int scep_n(struct env *e, int kind, const char *txid, const char *nonce, X509_REQ *csr,
		  X509 *signer, const char *challenge, struct pk_scep_result *res)
{
	struct pk_scep_req r;
	int rc;

	memset(&r, 0, sizeof r);
	r.kind = kind;
	r.transaction_id = txid;
	r.csr = csr;
	r.signer = signer;
	r.challenge = challenge;
	r.sender_nonce = (const unsigned char *)nonce;
	r.nonce_len = strlen(nonce);
	rc = pk_cs_scep(e->cs, &r, res);
	if (rc == 0 && res->status == PK_SCEP_SUCCESS && (res->tbs || res->cert) && !res->crl) {
		ASSERT_EQ(pk_cs_sign(res), 0);
		rc = pk_cs_record(e->cs, res);
	}
	return rc;
}

static void set_grant(struct env *e, int grant)
{
	struct pk_cs_config c;

	pk_cs_disable(e->cs);
	pk_cs_get_config(e->cs, &c);
	c.grant = grant;
	ASSERT_EQ(pk_cs_set_config(e->cs, &c), 0);
	ASSERT_EQ(pk_cs_enable(e->cs, NULL), 0);
}

/* A certificate issued by the server (grant auto) for key k. */
static X509 *issued_cert(struct env *e, EVP_PKEY *k, const char *dn, const char *san)
{
	X509_REQ *csr = make_csr(k, dn, san);
	struct pk_scep_result res;
	X509 *x;

	ASSERT_EQ(scep(e, PK_SCEP_PKCSREQ, NULL, csr, NULL, 0, NULL, &res), 0);
	ASSERT_EQ(res.status, PK_SCEP_SUCCESS);
	x = res.cert;
	ASSERT(X509_up_ref(x));
	pk_scep_result_free(&res);
	X509_REQ_free(csr);
	return x;
}

/* The status of a renewal signed by `signer` asking for dn/san. */
static int renewal(struct env *e, int kind, X509 *signer, EVP_PKEY *k, const char *dn,
		   const char *san)
{
	X509_REQ *csr = make_csr(k, dn, san);
	struct pk_scep_result res;
	int st;
	static int n;
	char txid[32];

	snprintf(txid, sizeof txid, "RENEW-%d", ++n);
	ASSERT_EQ(scep(e, kind, txid, csr, signer, 0, NULL, &res), 0);
	st = res.status;
	pk_scep_result_free(&res);
	X509_REQ_free(csr);
	return st;
}

/* A CSR whose subject has the same text as `dn` but its CN as a
 * UTF8String (the issued certificate's CN is a PrintableString). */
static X509_REQ *csr_utf8_cn(EVP_PKEY *k, const char *cn)
{
	X509_REQ *r = X509_REQ_new();
	X509_NAME *n = X509_NAME_new();

	ASSERT(r && n);
	ASSERT(X509_NAME_add_entry_by_txt(n, "CN", V_ASN1_UTF8STRING,
					  (const unsigned char *)cn, -1, -1, 0));
	ASSERT(X509_REQ_set_subject_name(r, n));
	ASSERT(X509_REQ_set_pubkey(r, k));
	ASSERT(X509_REQ_sign(r, k, EVP_sha256()) > 0);
	X509_NAME_free(n);
	return r;
}

TEST(renewal_rule)
{
	struct env e;
	EVP_PKEY *ck = fixture_key("client_key.pem"), *k2 = fixture_key("client2_key.pem");
	X509 *mine, *ca_signed;
	static const char *const wider[] = {
		"DNS:spoke.example.com,DNS:victim.example.com",
		"DNS:*.victim.example.com",
		"DNS:spoke.example.com,IP:127.0.0.9",
		"email:someone@victim.example.com",
		"URI:https://victim.example.com/",
	};
	size_t i;

	simple_server(&e, minimum_auto);
	mine = issued_cert(&e, ck, "CN=spoke", "DNS:spoke.example.com,IP:127.0.0.5");
	set_grant(&e, PK_GRANT_MANUAL);

	/* what it had, or less: granted by itself, both message types, new key too */
	ASSERT_EQ(renewal(&e, PK_SCEP_PKCSREQ, mine, ck, "CN=spoke", "DNS:spoke.example.com,IP:127.0.0.5"),
		  PK_SCEP_SUCCESS);
	ASSERT_EQ(renewal(&e, PK_SCEP_RENEWALREQ, mine, k2, "CN=spoke", "DNS:spoke.example.com"),
		  PK_SCEP_SUCCESS);
	ASSERT_EQ(renewal(&e, PK_SCEP_PKCSREQ, mine, ck, "CN=spoke", NULL), PK_SCEP_SUCCESS);
	/* more than it had: the grant mode (manual) decides */
	for (i = 0; i < sizeof wider / sizeof wider[0]; i++) {
		ASSERT_EQ(renewal(&e, PK_SCEP_RENEWALREQ, mine, ck, "CN=spoke", wider[i]), PK_SCEP_PENDING);
		ASSERT_EQ(renewal(&e, PK_SCEP_PKCSREQ, mine, ck, "CN=spoke", wider[i]), PK_SCEP_PENDING);
	}
	/* a subject that differs only in case, in its string type, or with an RDN more */
	ASSERT_EQ(renewal(&e, PK_SCEP_PKCSREQ, mine, ck, "CN=Spoke", NULL), PK_SCEP_PENDING);
	ASSERT_EQ(renewal(&e, PK_SCEP_PKCSREQ, mine, ck, "CN=spoke,O=victim", NULL), PK_SCEP_PENDING);
	{
		X509_REQ *csr = csr_utf8_cn(ck, "spoke");
		struct pk_scep_result res;
		ASSERT_EQ(scep(&e, PK_SCEP_PKCSREQ, "UTF8", csr, mine, 0, NULL, &res), 0);
		ASSERT_EQ(res.status, PK_SCEP_PENDING);
		pk_scep_result_free(&res);
		X509_REQ_free(csr);
	}
	/* nothing of the pending ones was issued in the new spelling */
	{
		struct pk_req_view rv[32];
		size_t n = pk_cs_requests(e.cs, rv, 32), j;
		for (j = 0; j < n; j++)
			ASSERT(rv[j].state == PK_REQ_PENDING || rv[j].state == PK_REQ_GRANTED);
	}
	/* the CA's own certificate is no signer of renewals */
	ca_signed = X509_dup((X509 *)pk_cs_ca_cert(e.cs));
	ASSERT_EQ(renewal(&e, PK_SCEP_PKCSREQ, ca_signed, ck, "CN=CA", NULL), PK_SCEP_PENDING);
	X509_free(ca_signed);
	/* grant auto still grants a wider request: the normal mode, not the renewal rule */
	set_grant(&e, PK_GRANT_AUTO);
	ASSERT_EQ(renewal(&e, PK_SCEP_PKCSREQ, mine, ck, "CN=spoke", wider[0]), PK_SCEP_SUCCESS);
	set_grant(&e, PK_GRANT_MANUAL);
	/* revoked: pending, and the debug line says why */
	log_clear();
	pk_log_sink_add(sink, NULL);
	{
		char s[24];
		snprintf(s, sizeof s, "%llX", (unsigned long long)serial_of(mine));
		ASSERT_EQ(pk_cs_revoke(e.cs, s), 0);
	}
	ASSERT_EQ(renewal(&e, PK_SCEP_PKCSREQ, mine, ck, "CN=spoke", NULL), PK_SCEP_PENDING);
	log_find("not an automatic renewal: it is revoked; the grant mode decides");
	/* expired: the same */
	X509_free(mine);
	mine = NULL;
	set_grant(&e, PK_GRANT_AUTO);
	mine = issued_cert(&e, ck, "CN=later", NULL);
	set_grant(&e, PK_GRANT_MANUAL);
	clock_at(&e, pki_time_ms(X509_get0_notAfter(mine)) + TMR_DAY);
	ASSERT_EQ(renewal(&e, PK_SCEP_PKCSREQ, mine, ck, "CN=later", NULL), PK_SCEP_PENDING);
	log_find("not an automatic renewal: it is not valid now (expired, or not yet valid)");
	/* grant none refuses renewals too (spec §6 Q18) */
	clock_at(&e, pki_time_ms(X509_get0_notBefore(mine)) + TMR_DAY);
	set_grant(&e, PK_GRANT_NONE);
	ASSERT_EQ(renewal(&e, PK_SCEP_PKCSREQ, mine, ck, "CN=later", NULL), PK_SCEP_FAILURE);
	X509_free(mine);
	env_close(&e);
	EVP_PKEY_free(ck);
	EVP_PKEY_free(k2);
	env_rm(&e);
}

static void with_password(struct env *e, const char *pw)
{
	pk_tp *t = pk_tp_find(e->p, "CA");
	struct pk_tp_config c;

	ASSERT(t);
	pk_tp_get_config(t, &c);
	snprintf(c.password, sizeof c.password, "%s", pw);
	c.password_set = 1;
	ASSERT_EQ(pk_tp_set_config(t, &c), 0);
}

static int by_challenge(struct env *e, const char *txid, const char *nonce, const char *pw,
			EVP_PKEY *k)
{
	X509_REQ *csr = make_csr(k, "CN=byc", NULL);
	struct pk_scep_result res;
	int st;

	ASSERT_EQ(scep_n(e, PK_SCEP_PKCSREQ, txid, nonce, csr, NULL, pw, &res), 0);
	st = res.status;
	pk_scep_result_free(&res);
	X509_REQ_free(csr);
	return st;
}

TEST(challenge_compared_whole)
{
	struct env e;
	EVP_PKEY *ck = fixture_key("client_key.pem");

	simple_server(&e, NULL);                     /* manual grant */
	with_password(&e, "s3cret-p4ssword");
	ASSERT_EQ(by_challenge(&e, "T1", "N1", "s3cret-p4ssword", ck), PK_SCEP_SUCCESS);
	ASSERT_EQ(by_challenge(&e, "T2", "N2", "s3cret-p4sswore", ck), PK_SCEP_FAILURE);
	ASSERT_EQ(by_challenge(&e, "T3", "N3", "s3cret", ck), PK_SCEP_FAILURE);          /* a prefix */
	ASSERT_EQ(by_challenge(&e, "T4", "N4", "s3cret-p4ssword!", ck), PK_SCEP_FAILURE);
	ASSERT_EQ(by_challenge(&e, "T5", "N5", "S3CRET-P4SSWORD", ck), PK_SCEP_FAILURE);
	{
		char big[600];
		memset(big, 'x', sizeof big - 1);
		big[sizeof big - 1] = '\0';
		ASSERT_EQ(by_challenge(&e, "T6", "N6", big, ck), PK_SCEP_FAILURE);
	}
	env_close(&e);
	EVP_PKEY_free(ck);
	env_rm(&e);
}

TEST(challenge_grant_never_replayed)
{
	struct env e;
	EVP_PKEY *ck = fixture_key("client_key.pem");
	unsigned char *der;
	size_t len;

	simple_server(&e, NULL);
	with_password(&e, "s3cret");
	ASSERT_EQ(pk_cert_der(pk_cs_ca_cert(e.cs), &der, &len), 0);
	ASSERT_EQ(by_challenge(&e, "TX", "NONCE-1", "s3cret", ck), PK_SCEP_SUCCESS);
	/* the same message again: refused (a new transaction of the same id
	 * with the same nonce is the captured message) */
	ASSERT_EQ(by_challenge(&e, "TX", "NONCE-1", "s3cret", ck), PK_SCEP_FAILURE);
	/* after a restart too */
	env_close(&e);
	reboot(&e, der, len, NULL);
	with_password(&e, "s3cret");
	ASSERT_EQ(by_challenge(&e, "TX", "NONCE-1", "s3cret", ck), PK_SCEP_FAILURE);
	/* a fresh message of the same client is fine */
	ASSERT_EQ(by_challenge(&e, "TX", "NONCE-2", "s3cret", ck), PK_SCEP_SUCCESS);
	ASSERT_EQ(by_challenge(&e, "TY", "NONCE-3", "s3cret", ck), PK_SCEP_SUCCESS);
	env_close(&e);
	free(der);
	EVP_PKEY_free(ck);
	env_rm(&e);
}

TESTS(T(renewal_rule), T(challenge_compared_whole), T(challenge_grant_never_replayed))

/*
 * client_crl.c — the trustpoint client fetches CRLs (`crypto pki crl
 * request`, the CRL UPDATE and retry timers of core/crl.h): over HTTP from
 * the `crl query` URL or the certificate's CRL distribution point, else by
 * SCEP GetCRL; the answer goes to pk_crl_install (verified and cached
 * there).  The device lock is let go during the HTTP exchange; the
 * trustpoint is looked up again after it.  docs/pki-client.md "CRLs".
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <openssl/evp.h>
#include <openssl/rand.h>
#include <openssl/rsa.h>
#include <openssl/x509.h>

#include "core/crl.h"
#include "scep/client.h"
#include "scep/client_int.h"

#define CRL_TEMP_BITS 1024       /* throwaway signer key of a GetCRL without identity */

static void tid_new(char *buf, size_t n)
{
	unsigned char r[16];
	size_t i, o = 0;

	RAND_bytes(r, sizeof r);
	for (i = 0; i < sizeof r && o + 3 < n; i++)
		o += (size_t)snprintf(buf + o, n - o, "%02X", r[i]);
}

/* HTTP GET of url (path and query as they are); the lock is let go. */
static int get_unlocked(const char *url, struct http_response *r)
{
	struct http_url u;
	int rc;

	if ((rc = http_url_parse(url, &u)) < 0)
		return rc;
	pk_debug(PK_DBG_TRANS, "CRYPTO_PKI: CRL download from %s:%d%s", u.host, u.port,
		 u.path[0] ? u.path : "/");
	pk_device_unlock(cl_dev());
	rc = http_get(&u, u.path[0] ? u.path : "/", HTTP_TIMEOUT, r);
	pk_device_lock(cl_dev());
	if (rc == 0)
		pk_debug(PK_DBG_TRANS, "CRYPTO_PKI: http response %d, %zu bytes", r->status, r->len);
	return rc;
}

/* The CRL over HTTP: a DER body (PEM accepted too). */
static int fetch_http(const char *tp, const char *url, const X509 *want_ca)
{
	struct http_response r;
	unsigned char *der = NULL;
	size_t len = 0;
	pk_tp *t;
	int rc;

	(void)want_ca;
	if ((rc = get_unlocked(url, &r)) < 0)
		return rc;
	if (!(t = pk_tp_find(cl_the_pki, tp))) {
		http_response_free(&r);
		return pk_err_set(PK_ENOENT, "trustpoint %s was deleted", tp);
	}
	if (r.status != 200) {
		rc = pk_err_set(PK_EPROTO, "%s answered HTTP %d", url, r.status);
		http_response_free(&r);
		return rc;
	}
	if (r.len > 10 && memcmp(r.body, "-----BEGIN", 10) == 0 &&
	    pk_pem_decode((const char *)r.body, &der, &len) == 0) {
		rc = pk_crl_install(t, der, len, url);
		free(der);
	} else {
		rc = pk_crl_install(t, r.body, r.len, url);
	}
	http_response_free(&r);
	return rc;
}

/* SCEP GetCRL (messageType 22) for the CA certificate of t, signed with the
 * identity certificate when its key is here, else a temporary self-signed
 * certificate of a throwaway key. */
static int fetch_scep(const char *tp)
{
	pk_tp *t = pk_tp_find(cl_the_pki, tp);
	struct tpc *c;
	struct pk_tp_config cfg;
	struct scep_request rq;
	struct scep_expect ex;
	struct scep_err err;
	struct http_url u;
	struct http_response r;
	X509 *ca, *signer = NULL, *recipient;
	EVP_PKEY *key = NULL;
	unsigned char nonce[SCEP_NONCE_LEN], *der = NULL;
	size_t len = 0;
	char tid[40], path[600], *msg = NULL, *q = NULL;
	scep_rep *rep = NULL;
	int rc;

	if (!t)
		return pk_err_set(PK_ENOENT, "trustpoint %s not found", tp);
	pk_tp_get_config(t, &cfg);
	if (!cfg.enroll_url[0])
		return pk_err_set(PK_ESTATE, "no CRL distribution point and no enrollment url "
				  "for SCEP GetCRL");
	if ((rc = http_url_parse(cfg.enroll_url, &u)) < 0)
		return rc;
	ca = X509_dup(pk_tp_cert(t, PK_TP_CA));
	if (!ca)
		return pk_err_set(PK_ESTATE, "trustpoint %s is not authenticated", tp);
	c = cl_attach(t);
	recipient = c && c->ra ? X509_dup(c->ra) : X509_dup(ca);
	{
		char label[170];
		pk_key *k;
		cl_key_label(t, 0, label, sizeof label);
		k = label[0] ? pk_key_find(cl_the_pki, label) : NULL;
		if (k && cl_cert_has_key(pk_tp_cert(t, PK_TP_ID), k)) {
			signer = X509_dup(pk_tp_cert(t, PK_TP_ID));
			key = pk_key_evp(k);
			EVP_PKEY_up_ref(key);
		}
	}
	if (!signer) {
		char fqdn[256];
		time_t start = (time_t)(cl_now() / 1000), host = time(NULL);
		key = EVP_RSA_gen(CRL_TEMP_BITS);
		pk_tp_fqdn(t, fqdn, sizeof fqdn);
		memset(&err, 0, sizeof err);
		if (!key || scep_selfsigned(key, fqdn, SCEP_SHA256, host < start ? host : start,
					    &signer, &err) < 0) {
			rc = pk_err_set(PK_ECRYPTO, "cannot make the GetCRL signer: %s", err.text);
			goto out;
		}
	}
	tid_new(tid, sizeof tid);
	memset(&rq, 0, sizeof rq);
	rq.type = SCEP_GETCRL;
	rq.transaction_id = tid;
	rq.recipient = recipient;
	rq.cipher = SCEP_3DES;
	rq.digest = SCEP_SHA256;
	rq.signer = signer;
	rq.key = key;
	rq.issuer = X509_get_issuer_name(ca);
	rq.serial = X509_get0_serialNumber(ca);
	memset(&err, 0, sizeof err);
	if (scep_request_build(&rq, nonce, &der, &len, &err) < 0) {
		rc = pk_err_set(PK_ECRYPTO, "cannot build GetCRL: %s", err.text);
		goto out;
	}
	msg = scep_b64_encode(der, len, SCEP_B64_LINES | SCEP_B64_URL);
	http_scep_path(&u, path, sizeof path);
	if (!msg || asprintf(&q, "%s?operation=PKIOperation&message=%s", path, msg) < 0) {
		q = NULL;
		rc = pk_err_set(PK_ENOMEM, "out of memory");
		goto out;
	}
	pk_debug(PK_DBG_TRANS, "CRYPTO_PKI: Sending GetCRL to %s:%d%s, transaction id %s", u.host,
		 u.port, path, tid);
	pk_device_unlock(cl_dev());
	rc = http_get(&u, q, HTTP_TIMEOUT, &r);
	pk_device_lock(cl_dev());
	if (rc < 0)
		goto out;
	if (r.status != 200) {
		rc = pk_err_set(PK_EPROTO, "the CA answered HTTP %d", r.status);
		http_response_free(&r);
		goto out;
	}
	memset(&ex, 0, sizeof ex);
	ex.ca = c && c->ra ? recipient : ca;
	ex.transaction_id = tid;
	ex.nonce = nonce;
	ex.key = key;
	ex.cert = signer;
	memset(&err, 0, sizeof err);
	rc = scep_rep_parse(r.body, r.len, &ex, &rep, &err);
	http_response_free(&r);
	if (rc < 0) {
		rc = pk_err_set(PK_EPROTO, "bad CertRep: %s", err.text);
		goto out;
	}
	if (scep_rep_status(rep) != SCEP_SUCCESS || !scep_rep_crl(rep)) {
		const char *ft = scep_rep_fail_text(rep);
		rc = pk_err_set(PK_EPROTO, "the CA refused GetCRL%s%s", ft ? ": " : "", ft ? ft : "");
		goto out;
	}
	if (!(t = pk_tp_find(cl_the_pki, tp))) {
		rc = pk_err_set(PK_ENOENT, "trustpoint %s was deleted", tp);
		goto out;
	}
	{
		unsigned char *cder = NULL;
		int cl = i2d_X509_CRL(scep_rep_crl(rep), &cder);
		rc = cl > 0 ? pk_crl_install(t, cder, (size_t)cl, "") :
			pk_err_set(PK_EPROTO, "bad CRL in the CertRep");
		OPENSSL_free(cder);
	}
out:
	scep_rep_free(rep);
	free(q);
	OPENSSL_free(msg);
	OPENSSL_free(der);
	X509_free(signer);
	EVP_PKEY_free(key);
	X509_free(recipient);
	X509_free(ca);
	return rc;
}

static int crl_fetch(const char *tp, const X509 *cert)
{
	pk_tp *t = pk_tp_find(cl_the_pki, tp);
	struct pk_tp_config cfg;
	struct pk_cert_view v;
	char url[512] = "";

	if (!t)
		return pk_err_set(PK_ENOENT, "Trustpoint %s not found", tp);
	if (!pk_tp_cert(t, PK_TP_CA) && !pk_tp_cert(t, PK_TP_CA_ROLLOVER))
		return pk_err_set(PK_ESTATE, "trustpoint %s is not authenticated", tp);
	pk_tp_get_config(t, &cfg);
	if (cfg.crl_query[0]) {
		snprintf(url, sizeof url, "%s", cfg.crl_query);
	} else {
		if (!cert)
			cert = pk_tp_cert(t, PK_TP_ID);
		if (cert && pk_cert_view(cert, &v) == 0 && v.cdp[0])
			snprintf(url, sizeof url, "%s", v.cdp);
		else if (pk_tp_cert(t, PK_TP_CA) && pk_cert_view(pk_tp_cert(t, PK_TP_CA), &v) == 0 &&
			 v.cdp[0])
			snprintf(url, sizeof url, "%s", v.cdp);
	}
	if (url[0] && strncasecmp(url, "http://", 7) != 0)
		return pk_err_set(PK_EINVAL, "%s: only http:// CRL distribution points are supported",
				  url);
	return url[0] ? fetch_http(tp, url, NULL) : fetch_scep(tp);
}

/* The fetch hook of core/crl.h (CRL UPDATE and retry timers). */
static int hook(pk_pki *p, const char *tp, void *arg)
{
	(void)p;
	(void)arg;
	return scep_client_crl_fetch(tp, NULL);
}

int scep_client_crl_fetch(const char *tp, const struct x509_st *cert)
{
	char name[128];
	int rc;

	if (!cl_the_pki)
		return pk_err_set(PK_ESTATE, "no PKI");
	pk_crl_set_fetcher(cl_the_pki, hook, NULL);
	snprintf(name, sizeof name, "%s", tp);
	rc = crl_fetch(name, cert);
	if (rc == 0) {
		/* a CRL already past its NextUpdate (a CA whose clock is behind
		 * ours) is kept but counts as a failed download: retried */
		pk_tp *t = pk_tp_find(cl_the_pki, name);
		const X509 *ca = t ? pk_tp_cert(t, PK_TP_CA) : NULL;
		const X509_CRL *crl = ca ? pk_crl_cached(cl_the_pki, X509_get_subject_name(ca)) : NULL;
		if (crl && !pk_crl_usable(cl_the_pki, crl))
			rc = pk_err_set(PK_ESTATE, "the CRL downloaded is not current (NextUpdate passed)");
	}
	if (rc == 0 || rc == PK_EEXIST) {
		/* an older CRL than the cached one is not a failure of the fetch */
		pk_crl_fetch_ok(cl_the_pki, name);
		pk_debug(PK_DBG_TRANS, "CRYPTO_PKI: CRL for trustpoint %s %s", name,
			 rc == 0 ? "downloaded" : "older than the cached one, not used");
		return 0;
	}
	if (rc == PK_ENOENT && !pk_tp_find(cl_the_pki, name))
		return rc;
	pk_log(PK_LOG_ERR, "%%PKI-3-CRL_FETCH_FAIL: CRL fetch for trustpoint %s failed\n"
	       "                      Reason : %s", name, pk_err_msg());
	{
		/* pk_log may have changed nothing, but keep the message for the caller */
		char m[512];
		snprintf(m, sizeof m, "%s", pk_err_msg());
		pk_crl_fetch_failed(cl_the_pki, name);
		pk_err_set(rc, "%s", m);
	}
	return rc;
}

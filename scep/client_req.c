/*
 * client_req.c — the trustpoint client's SCEP exchanges: GetCACaps, the
 * PKCSReq of an enrollment or renewal (key, CSR, signer), GetCertInitial
 * polls, GetNextCACert, and what their answers do to the trustpoint
 * (spec §3.3, §4; scep-conformance §14–§15).  The device lock is let go
 * during each HTTP exchange; the trustpoint is looked up again after it.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <openssl/evp.h>
#include <openssl/rand.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include "scep/client.h"
#include "scep/client_int.h"

static void hexgroups(const unsigned char *b, size_t n, char *out, size_t outn, int grouped)
{
	size_t i, o = 0;

	for (i = 0; i < n && o + 3 < outn; i++) {
		if (grouped && i && i % 4 == 0)
			out[o++] = ' ';
		o += (size_t)snprintf(out + o, outn - o, "%02X", b[i]);
	}
	out[o] = '\0';
}

static void csr_fingerprints(const X509_REQ *csr, char md5[40], char sha1[48], int grouped)
{
	unsigned char *der = NULL, d[EVP_MAX_MD_SIZE];
	unsigned dl;
	int len = i2d_X509_REQ((X509_REQ *)csr, &der);

	md5[0] = sha1[0] = '\0';
	if (len <= 0)
		return;
	if (EVP_Digest(der, (size_t)len, d, &dl, EVP_md5(), NULL))
		hexgroups(d, dl, md5, 40, grouped);
	if (EVP_Digest(der, (size_t)len, d, &dl, EVP_sha1(), NULL))
		hexgroups(d, dl, sha1, 48, grouped);
	OPENSSL_free(der);
}

void cl_csr_fingerprints(struct tpc *c)
{
	csr_fingerprints(c->csr, c->csr_md5, c->csr_sha1, 1);
}

/* GET <scep>?operation=op[&message=msg]; re-finds the trustpoint after. */
static int exchange(struct tpc *c, const char *op, const char *msg, struct http_response *r)
{
	pk_tp *t = cl_tp_of(c);
	struct pk_tp_config cfg;
	struct http_url u;
	char path[600], *q = NULL;
	int rc;

	if (!t)
		return pk_err_set(PK_ENOENT, "trustpoint %s was deleted", c->name);
	pk_tp_get_config(t, &cfg);
	if (!cfg.enroll_url[0])
		return pk_err_set(PK_ESTATE, "trustpoint %s has no enrollment URL", c->name);
	if ((rc = http_url_parse(cfg.enroll_url, &u)) < 0)
		return rc;
	http_scep_path(&u, path, sizeof path);
	if (asprintf(&q, "%s?operation=%s&message=%s", path, op, msg) < 0)
		return pk_err_set(PK_ENOMEM, "out of memory");
	pk_debug(PK_DBG_TRANS, "CRYPTO_PKI: %s %s:%d%s?operation=%s", op, u.host, u.port, path, op);
	c->busy++;
	pk_device_unlock(cl_dev());
	rc = http_get(&u, q, HTTP_TIMEOUT, r);
	pk_device_lock(cl_dev());
	c->busy--;
	free(q);
	if (rc == 0)
		pk_debug(PK_DBG_TRANS, "CRYPTO_PKI: http response %d, %zu bytes", r->status, r->len);
	if (rc == 0 && !cl_tp_of(c)) {
		http_response_free(r);
		return pk_err_set(PK_ENOENT, "trustpoint %s was deleted", c->name);
	}
	return rc;
}

/* exchange() that also wants HTTP 200: anything else is PK_EPROTO. */
int cl_exchange_ok(struct tpc *c, const char *op, const char *msg, struct http_response *r)
{
	int rc = exchange(c, op, msg, r);

	if (rc == 0 && r->status != 200) {
		rc = pk_err_set(PK_EPROTO, "the CA answered HTTP %d", r->status);
		http_response_free(r);
	}
	return rc;
}

int cl_getcacaps(struct tpc *c)
{
	struct http_response r;
	int rc = exchange(c, "GetCACaps", c->name, &r);

	if (rc < 0)
		return rc;
	c->caps = r.status == 200 ? scep_caps_parse((const char *)r.body, r.len) : 0;
	c->caps_known = 1;
	http_response_free(&r);
	pk_debug(PK_DBG_TRANS, "CRYPTO_PKI: Capabilites already obtained%s%s%s%s%s",
		 c->caps & SCEP_CAP_NEXTCA ? " CA_CAP_GET_NEXT_CA_CERT" : "",
		 c->caps & SCEP_CAP_POST ? " CA_CAP_POST_ACCEPTED" : "",
		 c->caps & SCEP_CAP_RENEWAL ? " CA_CAP_RENEWAL" : "",
		 c->caps & SCEP_CAP_SHA1 ? " CA_CAP_SHA_1" : "",
		 c->caps & SCEP_CAP_SHA256 ? " CA_CAP_SHA_256" : "");
	return 0;
}

static int digest_for(const struct tpc *c, pk_tp *t)
{
	struct pk_tp_config cfg;

	pk_tp_get_config(t, &cfg);
	if (strcmp(cfg.hash, "sha1") == 0)
		return SCEP_SHA1;
	if (strcmp(cfg.hash, "sha384") == 0)
		return SCEP_SHA384;
	if (strcmp(cfg.hash, "sha512") == 0)
		return SCEP_SHA512;
	if (strcmp(cfg.hash, "sha256") == 0)
		return SCEP_SHA256;
	return c->caps_known ? scep_caps_digest(c->caps) : SCEP_SHA256;
}

static void new_tid(char *buf)
{
	unsigned char r[16];

	RAND_bytes(r, sizeof r);
	hexgroups(r, sizeof r, buf, 40, 0);
}

/* Send one pkiMessage (already built) and parse the CertRep. */
static int send_pki(struct tpc *c, const unsigned char *der, size_t len, X509 *ca,
		    const unsigned char nonce[SCEP_NONCE_LEN], EVP_PKEY *requested,
		    scep_rep **rep)
{
	struct http_response r;
	struct scep_expect ex;
	struct scep_err err;
	char *msg = scep_b64_encode(der, len, SCEP_B64_LINES | SCEP_B64_URL);
	int rc;

	*rep = NULL;
	if (!msg)
		return pk_err_set(PK_ENOMEM, "out of memory");
	rc = cl_exchange_ok(c, "PKIOperation", msg, &r);
	OPENSSL_free(msg);
	if (rc < 0)
		return rc;
	memset(&ex, 0, sizeof ex);
	ex.ca = ca;
	ex.transaction_id = c->tid;
	ex.nonce = nonce;
	ex.key = c->signer_key;
	ex.cert = c->signer;
	ex.requested = requested;
	memset(&err, 0, sizeof err);
	rc = scep_rep_parse(r.body, r.len, &ex, rep, &err);
	http_response_free(&r);
	if (rc < 0)
		return pk_err_set(PK_EPROTO, "bad CertRep: %s", err.text);
	return 0;
}

static void log_install(pk_tp *t, const X509 *cert)
{
	struct pk_cert_view v;
	char iso[32];

	if (pk_cert_view(cert, &v) < 0)
		return;
	tmr_fmt_iso(v.not_after, iso, sizeof iso);
	pk_log(PK_LOG_INFO, "%%PKI-6-CERT_INSTALL: An ID certificate has been installed under\n"
	       "                      Trustpoint   : %s\n"
	       "                      Issuer-name  : %s\n"
	       "                      Subject-name : %s\n"
	       "                      Serial-number: %s\n"
	       "                      End-date     : %s", pk_tp_name(t), v.issuer_comma,
	       v.subject_comma, v.serial, iso);
}

/* The request for key X# came to nothing: X# goes. */
static void drop_shadow_key(struct tpc *c, pk_tp *t)
{
	char l[170];

	if (!c->shadow_key)
		return;
	cl_key_label(t, 1, l, sizeof l);
	pk_key_delete(c->p, l);
	c->shadow_key = 0;
}

/* The CertRep of a PKCSReq or CertPoll: install, fail, or keep polling. */
static void handle_reply(struct tpc *c, scep_rep *rep)
{
	pk_tp *t = cl_tp_of(c);
	int st = scep_rep_status(rep);
	struct pk_tp_config cfg;

	if (!t)
		return;
	pk_tp_get_config(t, &cfg);
	if (st == SCEP_PENDING) {
		pk_debug(PK_DBG_TRANS, "CRYPTO_PKI: status = 102: certificate request pending");
		cl_set_status(t, "Pending");
		if (c->polls == 0)
			c->poll_interval = cfg.retry_period * TMR_MIN;
		if (c->polls >= cfg.retry_count) {
			/* like a rejection: only a manual enroll starts again */
			pk_debug(PK_DBG_TRANS, "CRYPTO_PKI: %d polls without an answer: giving up", c->polls);
			drop_shadow_key(c, t);
			cl_clear_request(c);
			cl_set_status(t, "Failed");
			c->stopped = 1;
			return;
		}
		cl_arm_poll(c, cl_now() + c->poll_interval);
		return;
	}
	if (st == SCEP_FAILURE) {
		pk_debug(PK_DBG_TRANS, "CRYPTO_PKI: status = 101: certificate request is rejected");
		pk_debug(PK_DBG_TRANS, "CRYPTO_PKI: Fail Info=%d", scep_rep_fail_info(rep));
		pk_log(PK_LOG_INFO, "%%PKI-6-CERTREJECT: Certificate enrollment request was rejected "
		       "by Certificate Authority for Trustpoint %s", c->name);
		cl_set_status(t, "Rejected");
		/* Only a manual enroll recovers (spec §3.3 RENEW step 3); an
		 * initial auto-enrollment stops too, or it would ask again at once. */
		c->stopped = 1;
		drop_shadow_key(c, t);
		cl_clear_request(c);
		return;
	}
	/* SUCCESS */
	{
		X509 *cert = scep_rep_cert(rep);
		int kind = c->pending, shadow_key = c->shadow_key;
		char l[170], l2[170];

		if (!cert) {
			pk_log(PK_LOG_ERR, "%%PKI-3-CERTRETFAIL: Certificate enrollment failed: no certificate in the reply");
			drop_shadow_key(c, t);
			cl_clear_request(c);
			cl_set_status(t, "Failed");
			cl_back_off(c, 0);
			return;
		}
		pk_debug(PK_DBG_TRANS, "CRYPTO_PKI: status = 100: certificate is granted");
		pk_log(PK_LOG_INFO, "%%PKI-6-CERTRET: Certificate received from Certificate Authority");
		c->quiet++;
		if (kind == KIND_SHADOW) {
			pk_tp_set_cert(t, PK_TP_ID_ROLLOVER, cert);
			pk_debug(PK_DBG_TRANS, "CRYPTO_PKI: rollover ID certificate installed for trustpoint %s",
				 c->name);
		} else {
			if (shadow_key) {
				/* regenerate: X# becomes X (spec §3.3 step 5, §6 Q9) */
				cl_key_label(t, 1, l, sizeof l);
				cl_key_label(t, 0, l2, sizeof l2);
				pk_key_rename(c->p, l, l2);
			}
			pk_tp_set_cert(t, PK_TP_ID, cert);
			log_install(t, cert);
		}
		c->quiet--;
		cl_set_status(t, "Granted");
		c->stopped = 0;
		cl_clear_request(c);
		c->shadow_key = 0;
		if (kind != KIND_SHADOW)
			cl_guard_due(c, cert, cfg.auto_enroll);
	}
}

/* Build and send a PKCSReq.  kind: INITIAL (self-signed signer), RENEW or
 * SHADOW (signed with the identity certificate; SHADOW enveloped for the
 * rollover CA).  challenge/serial/ip as the enroll dialog decided. */
int cl_request(struct tpc *c, int kind, const char *challenge, int with_serial,
		   const char *ip)
{
	pk_tp *t = cl_tp_of(c);
	struct pk_tp_config cfg;
	struct scep_csr cs;
	struct scep_request rq;
	struct scep_err err;
	X509_NAME *subject = NULL;
	X509 *recipient;
	EVP_PKEY *reqkey;
	pk_key *k;
	char label[170], fqdn[256];
	unsigned char nonce[SCEP_NONCE_LEN], *der = NULL;
	size_t len = 0;
	scep_rep *rep = NULL;
	int rc, regen, digest;

	if (!t)
		return pk_err_set(PK_ENOENT, "trustpoint %s not found", c->name);
	pk_tp_get_config(t, &cfg);
	recipient = (X509 *)pk_tp_cert(t, kind == KIND_SHADOW ? PK_TP_CA_ROLLOVER : PK_TP_CA);
	if (!recipient)
		return pk_err_set(PK_ESTATE, "trustpoint %s is not authenticated", c->name);
	if (c->ra && kind != KIND_SHADOW)
		recipient = c->ra;
	if ((kind == KIND_RENEW || kind == KIND_SHADOW) && !pk_tp_cert(t, PK_TP_ID))
		kind = KIND_INITIAL;
	regen = kind != KIND_INITIAL && cfg.regenerate;
	/* The key of the request. */
	cl_key_label(t, 0, label, sizeof label);
	if (!label[0])
		return pk_err_set(PK_ESTATE, "no key label: configure rsakeypair or ip domain name");
	if (!pk_key_find(c->p, label)) {
		int bits = cfg.rsakey_size ? cfg.rsakey_size : AUTOGEN_BITS;
		if ((rc = pk_key_generate(c->p, label, bits, 0)) < 0)
			return rc;
		pk_log(PK_LOG_INFO, "%%CRYPTO-6-AUTOGEN: Generated new %d bit key pair", bits);
	}
	if (regen) {
		char shadow[170];
		struct pk_key_view kv;
		pk_key_view(pk_key_find(c->p, label), &kv);
		cl_key_label(t, 1, shadow, sizeof shadow);
		if ((rc = pk_key_generate(c->p, shadow, kv.bits, kv.exportable)) < 0)
			return rc;
		snprintf(label, sizeof label, "%s", shadow);
	}
	k = pk_key_find(c->p, label);
	reqkey = pk_key_evp(k);
	if (cfg.subject[0] && (rc = pk_dn_parse(cfg.subject, &subject)) < 0)
		return rc;
	pk_tp_fqdn(t, fqdn, sizeof fqdn);
	digest = digest_for(c, t);
	memset(&cs, 0, sizeof cs);
	cs.key = reqkey;
	cs.subject = subject;
	cs.serial_number = with_serial ? pk_device_board_id(cl_dev()) : NULL;
	cs.ip_address = ip && *ip ? ip : NULL;
	cs.fqdn = fqdn;
	cs.challenge = challenge && *challenge ? challenge : NULL;
	cs.digest = digest;
	cl_clear_request(c);
	memset(&err, 0, sizeof err);
	rc = scep_csr_build(&cs, &c->csr, &err);
	X509_NAME_free(subject);
	if (rc < 0)
		return pk_err_set(PK_ECRYPTO, "cannot build the request: %s", err.text);
	/* The envelope's signer: a temporary self-signed certificate the first
	 * time, the identity certificate for renewals (spec §4.5).  A renewal
	 * whose identity certificate has lost its key (a key store and a
	 * configuration that disagree) is never stuck: it is signed like a
	 * first enrollment, and the CA's grant mode decides. */
	if (kind != KIND_INITIAL) {
		char cur[170];
		pk_key *ik;
		cl_key_label(t, 0, cur, sizeof cur);
		ik = pk_key_find(c->p, cur);
		if (ik && cl_cert_has_key(pk_tp_cert(t, PK_TP_ID), ik)) {
			c->signer = X509_dup(pk_tp_cert(t, PK_TP_ID));
			c->signer_key = pk_key_evp(ik);
			if (!c->signer) {
				cl_clear_request(c);
				return pk_err_set(PK_ENOMEM, "out of memory");
			}
			EVP_PKEY_up_ref(c->signer_key);
		} else {
			pk_debug(PK_DBG_TRANS, "CRYPTO_PKI: key %s does not match the identity certificate "
				 "of trustpoint %s; signing the renewal like a first enrollment", cur,
				 c->name);
		}
	}
	if (!c->signer) {
		c->signer_key = reqkey;
		EVP_PKEY_up_ref(reqkey);
		/* OpenSSL stamps the SignedData's signingTime with the host's
		 * clock, and some CAs (micromdm) check it against the signer's
		 * validity: with a simulated clock ahead of the host's, the
		 * temporary certificate starts at the earlier of the two. */
		time_t start = (time_t)(cl_now() / 1000), host = time(NULL);
		rc = scep_selfsigned(reqkey, fqdn, digest, host < start ? host : start, &c->signer, &err);
		if (rc < 0) {
			cl_clear_request(c);
			return pk_err_set(PK_ECRYPTO, "%s", err.text);
		}
		pk_debug(PK_DBG_TRANS, "PKI: Trustpoint %s has no router cert", c->name);
		pk_debug(PK_DBG_TRANS, "PKI: Signing pkcs7 with %s trustpoint temp self-signed cert", c->name);
	}
	csr_fingerprints(c->csr, c->csr_md5, c->csr_sha1, 1);
	{
		char m[40], s1[48];
		csr_fingerprints(c->csr, m, s1, 0);
		pk_log(PK_LOG_INFO, "%%PKI-6-CSR_FINGERPRINT:\n"
		       "                      CSR Fingerprint MD5 : %s\n"
		       "                      CSR Fingerprint SHA1: %s", m, s1);
	}
	new_tid(c->tid);
	c->pending = kind;
	c->shadow_key = regen;
	c->for_rollover = kind == KIND_SHADOW;
	memset(&rq, 0, sizeof rq);
	rq.type = SCEP_PKCSREQ;           /* IOS renews with PKCSReq too (spec §4.5) */
	rq.transaction_id = c->tid;
	rq.recipient = recipient;
	rq.cipher = SCEP_3DES;            /* what IOS sends (scep-conformance §15) */
	rq.digest = digest;
	rq.signer = c->signer;
	rq.key = c->signer_key;
	rq.csr = c->csr;
	rc = scep_request_build(&rq, nonce, &der, &len, &err);
	if (rc < 0) {
		cl_clear_request(c);
		return pk_err_set(PK_ECRYPTO, "cannot build the PKCSReq: %s", err.text);
	}
	pk_debug(PK_DBG_TRANS, "CRYPTO_PKI: Sending PKCSReq, transaction id %s", c->tid);
	EVP_PKEY_up_ref(reqkey);
	rc = send_pki(c, der, len, c->ra && kind != KIND_SHADOW ? c->ra : recipient, nonce, reqkey, &rep);
	EVP_PKEY_free(reqkey);
	OPENSSL_free(der);
	if (rc < 0) {
		if (cl_tp_of(c) && rc == PK_ENET) {
			/* keep the request: CONNECT RETRY re-sends a new one later */
			cl_clear_request(c);
			return rc;
		}
		if (cl_tp_of(c))
			cl_clear_request(c);
		return rc;
	}
	handle_reply(c, rep);
	scep_rep_free(rep);
	return 0;
}

/* GetNextCACert: the rollover CA, verified against the current CA. */
int cl_fetch_next_ca(struct tpc *c)
{
	pk_tp *t = cl_tp_of(c);
	struct http_response r;
	STACK_OF(X509) *certs = NULL;
	struct scep_err err;
	X509 *ca;
	int rc;

	if (!t || !(ca = (X509 *)pk_tp_cert(t, PK_TP_CA)))
		return pk_err_set(PK_ESTATE, "not authenticated");
	rc = exchange(c, "GetNextCACert", c->name, &r);
	if (rc < 0)
		return rc;
	t = cl_tp_of(c);
	ca = t ? (X509 *)pk_tp_cert(t, PK_TP_CA) : NULL;
	if (!ca) {
		http_response_free(&r);
		return pk_err_set(PK_ESTATE, "not authenticated");
	}
	if (r.status != 200 || r.len == 0) {
		rc = pk_err_set(PK_ENOENT, "no rollover CA certificate (HTTP %d)", r.status);
		http_response_free(&r);
		return rc;
	}
	memset(&err, 0, sizeof err);
	rc = scep_nextca_parse(r.body, r.len, ca, &certs, &err);
	http_response_free(&r);
	if (rc < 0 || sk_X509_num(certs) < 1) {
		sk_X509_pop_free(certs, X509_free);
		return pk_err_set(PK_EPROTO, "bad GetNextCACert answer: %s", err.text);
	}
	c->quiet++;
	pk_tp_set_cert(t, PK_TP_CA_ROLLOVER, sk_X509_value(certs, 0));
	c->quiet--;
	sk_X509_pop_free(certs, X509_free);
	pk_debug(PK_DBG_TRANS, "CRYPTO_PKI: rollover CA certificate installed for trustpoint %s", c->name);
	return 0;
}

void cl_on_poll(tmr *t, void *arg)
{
	struct tpc *c = arg;
	pk_tp *tp = cl_tp_of(c);
	struct scep_request rq;
	struct scep_err err;
	unsigned char nonce[SCEP_NONCE_LEN], *der = NULL;
	size_t len = 0;
	scep_rep *rep = NULL;
	X509 *ca;
	EVP_PKEY *reqkey;
	int rc;

	(void)t;
	if (!tp || !c->pending || !c->csr)
		return;
	if (c->busy) {
		tmr_start(pk_device_timers(cl_dev()), &c->poll_t, cl_now() + TMR_SEC);
		return;
	}
	ca = (X509 *)pk_tp_cert(tp, c->for_rollover ? PK_TP_CA_ROLLOVER : PK_TP_CA);
	if (!ca || cl_now() >= cl_cert_na(ca)) {
		/* polling stops when the issuing CA expires (spec §3.3) */
		cl_clear_request(c);
		cl_set_status(tp, "Failed");
		cl_recompute(c);
		cl_store_sync();
		return;
	}
	c->polls++;
	c->poll_interval *= 2;
	if (c->poll_interval > POLL_CAP)
		c->poll_interval = POLL_CAP;
	memset(&rq, 0, sizeof rq);
	rq.type = SCEP_CERTPOLL;
	rq.transaction_id = c->tid;
	rq.recipient = c->ra && !c->for_rollover ? c->ra : ca;
	rq.cipher = SCEP_3DES;
	rq.digest = digest_for(c, tp);
	rq.signer = c->signer;
	rq.key = c->signer_key;
	rq.issuer = X509_get_subject_name(ca);
	rq.subject = X509_REQ_get_subject_name(c->csr);
	memset(&err, 0, sizeof err);
	if (scep_request_build(&rq, nonce, &der, &len, &err) < 0) {
		/* never stuck: the next interval tries again */
		pk_debug(PK_DBG_TRANS, "CRYPTO_PKI: cannot build GetCertInitial: %s", err.text);
		cl_arm_poll(c, cl_now() + c->poll_interval);
		cl_store_sync();
		return;
	}
	pk_debug(PK_DBG_TRANS, "CRYPTO_PKI: Sending GetCertInitial (poll %d), transaction id %s",
		 c->polls, c->tid);
	reqkey = X509_REQ_get_pubkey(c->csr);
	rc = send_pki(c, der, len, rq.recipient, nonce, reqkey, &rep);
	EVP_PKEY_free(reqkey);
	OPENSSL_free(der);
	if (!cl_tp_of(c)) {
		scep_rep_free(rep);
		return;
	}
	if (rc < 0) {
		/* try again at the next interval */
		pk_debug(PK_DBG_TRANS, "CRYPTO_PKI: poll failed: %s", pk_err_msg());
		cl_arm_poll(c, cl_now() + c->poll_interval);
		cl_store_sync();
		return;
	}
	handle_reply(c, rep);
	scep_rep_free(rep);
	cl_recompute(c);
	cl_store_sync();
}

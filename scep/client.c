/*
 * client.c — the trustpoint client: authenticate, enroll, poll, RENEW and
 * SHADOW renewal, rollover activation (spec §3.3, §3.4, §3.6, §4; SCEP
 * details in scep-conformance §14–§15).
 *
 * One `struct tpc` per trustpoint (hung on it with pk_tp_set_client) owns
 * its PKI timers, all in group "PKI Timers":
 *   job timer  "RENEW <tp>" or "SHADOW <tp>" — what to do next with the
 *              certificates (initial auto-enrollment, renewal, fetching the
 *              rollover CA, enrolling the rollover identity certificate,
 *              activating the rollover certificates at the CA's expiry);
 *   "POLL <tp>"          — while a request is pending (1, 2, 4 … minutes,
 *                          capped at 60, at most `enrollment retry count`);
 *   "CONNECT RETRY <tp>" — after the CA could not be reached.
 * Every instant is computed from certificate dates and recomputed whenever
 * certificates, configuration or the clock change (spec §3.1).
 *
 * Everything runs with the device lock held; the lock is let go only
 * around network exchanges, after which the trustpoint is looked up again
 * by name (it may have been deleted meanwhile).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <openssl/evp.h>
#include <openssl/rand.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include "core/pk.h"
#include "scep/client.h"
#include "scep/http_client.h"
#include "scep/msg.h"

#define HTTP_TIMEOUT        30      /* seconds for one exchange */
#define CONNECT_TRIES       10      /* spec §6 Q6 */
#define POLL_CAP            (60 * TMR_MIN)
#define AUTOGEN_BITS        512     /* %CRYPTO-6-AUTOGEN (spec §2.5) */

enum job { JOB_NONE, JOB_INITIAL, JOB_RENEW, JOB_SHADOW_CA, JOB_SHADOW_ID, JOB_ACTIVATE };
enum kind { KIND_INITIAL = 1, KIND_RENEW, KIND_SHADOW };

struct tpc {
	pk_pki *p;
	char name[128];
	unsigned caps;
	int caps_known;
	X509 *ra;                    /* RA certificate (enrollment mode ra), not saved */
	tmr job_t, poll_t, retry_t;
	enum job job;
	/* the outstanding request */
	int pending;                 /* enum kind, 0 = none */
	char tid[40];
	X509_REQ *csr;
	char csr_md5[40], csr_sha1[48];
	X509 *signer;                /* the envelope's signer certificate ... */
	EVP_PKEY *signer_key;        /* ... and key */
	int for_rollover;
	int shadow_key;              /* the request is for key X# */
	int polls;
	tmr_ms poll_interval;
	/* failures */
	int connect_tries;
	enum job retry_job;          /* what CONNECT RETRY re-does */
	int stopped;                 /* rejected, or polls ran out: nothing automatic */
	tmr_ms backoff;              /* automatic attempts that came to nothing */
	tmr_ms hold;                 /* RENEW/SHADOW not before this instant, */
	tmr_ms hold_from;            /* ... decided at this one */
	int busy;                    /* a network exchange is in flight */
	int quiet;                   /* our own certificate changes: no recompute */
};

static pk_pki *the_pki;

/* ---- helpers ------------------------------------------------------------------- */

static pk_device *dev(void)
{
	return pk_pki_device(the_pki);
}

static tmr_ms now(void)
{
	return pk_device_now(dev());
}

static struct tpc *state_of(pk_tp *t)
{
	return t ? pk_tp_client(t) : NULL;
}

static pk_tp *tp_of(const struct tpc *c)
{
	pk_tp *t = pk_tp_find(c->p, c->name);
	return t && pk_tp_client(t) == c ? t : NULL;
}

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

/* The key a trustpoint enrolls with, and its shadow "X#". */
static void key_label(pk_tp *t, int shadow, char *buf, size_t n)
{
	char l[160];

	pk_tp_key_label(t, l, sizeof l);
	snprintf(buf, n, "%s%s", l, shadow ? "#" : "");
}

/* The certificate is for that key (compares the public keys). */
static int cert_has_key(const X509 *x, const pk_key *k)
{
	EVP_PKEY *a = x ? X509_get0_pubkey(x) : NULL;
	struct evp_pkey_st *b = k ? pk_key_evp(k) : NULL;

	return a && b && EVP_PKEY_eq(a, b) == 1;
}

/* The rollover identity certificate is for the shadow key X#: decided from
 * the keys themselves, so it survives a reload. */
static int rollover_on_shadow_key(pk_tp *t)
{
	char l[170];

	key_label(t, 1, l, sizeof l);
	return cert_has_key(pk_tp_cert(t, PK_TP_ID_ROLLOVER), pk_key_find(the_pki, l));
}

static tmr_ms cert_nb(const X509 *x)
{
	struct pk_cert_view v;
	return pk_cert_view(x, &v) == 0 ? v.not_before : 0;
}

static tmr_ms cert_na(const X509 *x)
{
	struct pk_cert_view v;
	return pk_cert_view(x, &v) == 0 ? v.not_after : 0;
}

/* nb + pct% of the lifetime, without overflow. */
static tmr_ms at_percent(tmr_ms nb, tmr_ms na, int pct)
{
	tmr_ms life = na - nb;
	return nb + life / 100 * pct + life % 100 * pct / 100;
}

static void set_status(pk_tp *t, const char *s)
{
	pk_tp_set_status(t, s);
}

static void clear_request(struct tpc *c)
{
	X509_REQ_free(c->csr);
	X509_free(c->signer);
	EVP_PKEY_free(c->signer_key);
	c->csr = NULL;
	c->signer = NULL;
	c->signer_key = NULL;
	c->pending = 0;
	c->tid[0] = '\0';
	c->polls = 0;
	tmr_stop(pk_device_timers(dev()), &c->poll_t);
}

/* ---- timers ----------------------------------------------------------------------- */

static void on_job(tmr *t, void *arg);
static void on_poll(tmr *t, void *arg);
static void on_retry(tmr *t, void *arg);

static void arm_job(struct tpc *c, enum job job, tmr_ms when)
{
	char label[200];

	c->job = job;
	if (job != JOB_ACTIVATE && when < c->hold)
		when = c->hold;
	snprintf(label, sizeof label, "%s %s", job == JOB_RENEW || job == JOB_INITIAL ? "RENEW" : "SHADOW",
		 c->name);
	tmr_set_label(&c->job_t, label);
	tmr_start(pk_device_timers(dev()), &c->job_t, when);
	pk_device_kick(dev());
}

/* RENEW/SHADOW wait until `when` (back-offs), whatever recompute finds.
 * Forgotten if the clock goes back before the decision. */
static void hold_until(struct tpc *c, tmr_ms when)
{
	c->hold = when;
	c->hold_from = now();
}

static int ca_says_nextca(const struct tpc *c)
{
	/* Caps unknown (the CA certificate came from the configuration): an IOS
	 * CA advertises GetNextCACert; ask it when the timer fires. */
	return !c->caps_known || (c->caps & SCEP_CAP_NEXTCA);
}

/* Spec §3.4: after every change, which timer runs and when. */
static void recompute(struct tpc *c)
{
	pk_tp *t = tp_of(c);
	tmr_queue *q = pk_device_timers(dev());
	struct pk_tp_config cfg;
	const X509 *ca, *id, *rca, *rid;
	tmr_ms ca_nb, ca_na, id_nb, id_na, when;
	int capped;

	tmr_stop(q, &c->job_t);
	c->job = JOB_NONE;
	if (!t || !tmr_clock_authoritative(pk_device_clock(dev()))) {
		tmr_stop(q, &c->poll_t);
		tmr_stop(q, &c->retry_t);
		return;
	}
	if (pk_tp_is_server(t) || c->pending || tmr_armed(&c->retry_t) || c->busy)
		return;
	pk_tp_get_config(t, &cfg);
	ca = pk_tp_cert(t, PK_TP_CA);
	id = pk_tp_cert(t, PK_TP_ID);
	rca = pk_tp_cert(t, PK_TP_CA_ROLLOVER);
	rid = pk_tp_cert(t, PK_TP_ID_ROLLOVER);
	if (!ca) {
		/* Initial auto-enrollment keeps trying until authenticated. */
		if (cfg.auto_enroll >= 0 && cfg.enroll_url[0])
			arm_job(c, JOB_INITIAL, now() + cfg.retry_period * TMR_MIN);
		return;
	}
	ca_nb = cert_nb(ca);
	ca_na = cert_na(ca);
	if (!rca && now() >= ca_na)
		return;         /* expired without a rollover: re-authenticate (spec §3.6) */
	if (rca && (rid || !id || c->stopped || cfg.auto_enroll < 0 || !cfg.enroll_url[0])) {
		arm_job(c, JOB_ACTIVATE, ca_na);
		return;
	}
	/* After a rejected renewal nothing is armed: only a manual enroll
	 * recovers (spec §3.3 RENEW step 3, §3.9). */
	if (!cfg.enroll_url[0] || c->stopped)
		return;
	if (!id) {
		if (cfg.auto_enroll >= 0)
			arm_job(c, JOB_INITIAL, now());
		else if (ca_says_nextca(c))
			arm_job(c, JOB_SHADOW_CA, at_percent(ca_nb, ca_na, 90));
		return;
	}
	id_nb = cert_nb(id);
	id_na = cert_na(id);
	capped = id_na - ca_na <= TMR_SEC && ca_na - id_na <= TMR_SEC;
	if (capped) {
		if (cfg.auto_enroll >= 0)
			arm_job(c, JOB_SHADOW_ID, at_percent(id_nb, id_na, cfg.auto_enroll));
		else if (ca_says_nextca(c))
			arm_job(c, rca ? JOB_ACTIVATE : JOB_SHADOW_CA,
				rca ? ca_na : at_percent(ca_nb, ca_na, 90));
		return;
	}
	if (cfg.auto_enroll >= 0) {
		arm_job(c, JOB_RENEW, at_percent(id_nb, id_na, cfg.auto_enroll));
		return;
	}
	if (ca_says_nextca(c)) {
		when = rca ? ca_na : at_percent(ca_nb, ca_na, 90);
		arm_job(c, rca ? JOB_ACTIVATE : JOB_SHADOW_CA, when);
	}
}

/* ---- network exchanges (device lock released meanwhile) ---------------------------- */

/* GET <scep>?operation=op[&message=msg]; re-finds the trustpoint after. */
static int exchange(struct tpc *c, const char *op, const char *msg, struct http_response *r)
{
	pk_tp *t = tp_of(c);
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
	pk_device_unlock(dev());
	rc = http_get(&u, q, HTTP_TIMEOUT, r);
	pk_device_lock(dev());
	c->busy--;
	free(q);
	if (rc == 0)
		pk_debug(PK_DBG_TRANS, "CRYPTO_PKI: http response %d, %zu bytes", r->status, r->len);
	if (rc == 0 && !tp_of(c)) {
		http_response_free(r);
		return pk_err_set(PK_ENOENT, "trustpoint %s was deleted", c->name);
	}
	return rc;
}

/* exchange() that also wants HTTP 200: anything else is PK_EPROTO. */
static int exchange_ok(struct tpc *c, const char *op, const char *msg, struct http_response *r)
{
	int rc = exchange(c, op, msg, r);

	if (rc == 0 && r->status != 200) {
		rc = pk_err_set(PK_EPROTO, "the CA answered HTTP %d", r->status);
		http_response_free(r);
	}
	return rc;
}

static int scep_client_getcacaps(struct tpc *c)
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

/* ---- requests --------------------------------------------------------------------------- */

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
	rc = exchange_ok(c, "PKIOperation", msg, &r);
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

/* An automatic attempt came to nothing (GetNextCACert before the CA has a
 * rollover certificate, a reply that is not a certificate, a certificate
 * already due for renewal): the next one waits with the POLL back-off —
 * retry period, doubling, at most an hour — and not past `limit` (0: no
 * limit), so no timer can fire again at once and loop (spec §3.3 REC). */
static void back_off(struct tpc *c, tmr_ms limit)
{
	pk_tp *t = tp_of(c);
	struct pk_tp_config cfg;
	tmr_ms when;

	if (!t)
		return;
	pk_tp_get_config(t, &cfg);
	c->backoff = c->backoff ? c->backoff * 2 : cfg.retry_period * TMR_MIN;
	if (c->backoff > POLL_CAP)
		c->backoff = POLL_CAP;
	when = now() + c->backoff;
	hold_until(c, limit && when > limit ? limit : when);
	pk_debug(PK_DBG_TRANS, "CRYPTO_PKI: trustpoint %s: next automatic attempt in %lld minute%s",
		 c->name, (long long)(c->backoff / TMR_MIN), c->backoff == TMR_MIN ? "" : "s");
}

/* A CA whose clock is behind ours (or that back-dates a lot) can issue a
 * certificate whose renewal point is already past: renewing again at once
 * would loop. */
static void guard_due(struct tpc *c, const X509 *cert, int pct)
{
	if (pct < 0 || at_percent(cert_nb(cert), cert_na(cert), pct) > now()) {
		c->backoff = 0;
		return;
	}
	pk_debug(PK_DBG_TRANS, "CRYPTO_PKI: the new certificate of trustpoint %s is already due "
		 "for renewal (is the CA's clock behind?)", c->name);
	back_off(c, 0);
}

/* The request for key X# came to nothing: X# goes. */
static void drop_shadow_key(struct tpc *c, pk_tp *t)
{
	char l[170];

	if (!c->shadow_key)
		return;
	key_label(t, 1, l, sizeof l);
	pk_key_delete(c->p, l);
	c->shadow_key = 0;
}

/* The CertRep of a PKCSReq or CertPoll: install, fail, or keep polling. */
static void handle_reply(struct tpc *c, scep_rep *rep)
{
	pk_tp *t = tp_of(c);
	tmr_queue *q = pk_device_timers(dev());
	int st = scep_rep_status(rep);
	struct pk_tp_config cfg;

	if (!t)
		return;
	pk_tp_get_config(t, &cfg);
	if (st == SCEP_PENDING) {
		pk_debug(PK_DBG_TRANS, "CRYPTO_PKI: status = 102: certificate request pending");
		set_status(t, "Pending");
		if (c->polls == 0)
			c->poll_interval = cfg.retry_period * TMR_MIN;
		if (c->polls >= cfg.retry_count) {
			/* like a rejection: only a manual enroll starts again */
			pk_debug(PK_DBG_TRANS, "CRYPTO_PKI: %d polls without an answer: giving up", c->polls);
			drop_shadow_key(c, t);
			clear_request(c);
			set_status(t, "Failed");
			c->stopped = 1;
			return;
		}
		tmr_start(q, &c->poll_t, now() + c->poll_interval);
		pk_device_kick(dev());
		return;
	}
	if (st == SCEP_FAILURE) {
		pk_debug(PK_DBG_TRANS, "CRYPTO_PKI: status = 101: certificate request is rejected");
		pk_debug(PK_DBG_TRANS, "CRYPTO_PKI: Fail Info=%d", scep_rep_fail_info(rep));
		pk_log(PK_LOG_INFO, "%%PKI-6-CERTREJECT: Certificate enrollment request was rejected "
		       "by Certificate Authority for Trustpoint %s", c->name);
		set_status(t, "Rejected");
		/* Only a manual enroll recovers (spec §3.3 RENEW step 3); an
		 * initial auto-enrollment stops too, or it would ask again at once. */
		c->stopped = 1;
		drop_shadow_key(c, t);
		clear_request(c);
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
			clear_request(c);
			set_status(t, "Failed");
			back_off(c, 0);
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
				key_label(t, 1, l, sizeof l);
				key_label(t, 0, l2, sizeof l2);
				pk_key_rename(c->p, l, l2);
			}
			pk_tp_set_cert(t, PK_TP_ID, cert);
			log_install(t, cert);
		}
		c->quiet--;
		set_status(t, "Granted");
		c->stopped = 0;
		clear_request(c);
		c->shadow_key = 0;
		if (kind != KIND_SHADOW)
			guard_due(c, cert, cfg.auto_enroll);
	}
}

/* Build and send a PKCSReq.  kind: INITIAL (self-signed signer), RENEW or
 * SHADOW (signed with the identity certificate; SHADOW enveloped for the
 * rollover CA).  challenge/serial/ip as the enroll dialog decided. */
static int request(struct tpc *c, int kind, const char *challenge, int with_serial,
		   const char *ip)
{
	pk_tp *t = tp_of(c);
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
	key_label(t, 0, label, sizeof label);
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
		key_label(t, 1, shadow, sizeof shadow);
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
	cs.serial_number = with_serial ? pk_device_board_id(dev()) : NULL;
	cs.ip_address = ip && *ip ? ip : NULL;
	cs.fqdn = fqdn;
	cs.challenge = challenge && *challenge ? challenge : NULL;
	cs.digest = digest;
	clear_request(c);
	memset(&err, 0, sizeof err);
	rc = scep_csr_build(&cs, &c->csr, &err);
	X509_NAME_free(subject);
	if (rc < 0)
		return pk_err_set(PK_ECRYPTO, "cannot build the request: %s", err.text);
	/* The envelope's signer: a temporary self-signed certificate the first
	 * time, the identity certificate for renewals (spec §4.5). */
	if (kind == KIND_INITIAL) {
		c->signer_key = reqkey;
		EVP_PKEY_up_ref(reqkey);
		/* OpenSSL stamps the SignedData's signingTime with the host's
		 * clock, and some CAs (micromdm) check it against the signer's
		 * validity: with a simulated clock ahead of the host's, the
		 * temporary certificate starts at the earlier of the two. */
		time_t start = (time_t)(now() / 1000), host = time(NULL);
		rc = scep_selfsigned(reqkey, fqdn, digest, host < start ? host : start, &c->signer, &err);
		if (rc < 0) {
			clear_request(c);
			return pk_err_set(PK_ECRYPTO, "%s", err.text);
		}
		pk_debug(PK_DBG_TRANS, "PKI: Trustpoint %s has no router cert", c->name);
		pk_debug(PK_DBG_TRANS, "PKI: Signing pkcs7 with %s trustpoint temp self-signed cert", c->name);
	} else {
		char cur[170];
		key_label(t, 0, cur, sizeof cur);
		c->signer = X509_dup(pk_tp_cert(t, PK_TP_ID));
		c->signer_key = pk_key_evp(pk_key_find(c->p, cur));
		if (!c->signer || !c->signer_key) {
			clear_request(c);
			return pk_err_set(PK_ESTATE, "the identity certificate's key is missing");
		}
		EVP_PKEY_up_ref(c->signer_key);
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
		clear_request(c);
		return pk_err_set(PK_ECRYPTO, "cannot build the PKCSReq: %s", err.text);
	}
	pk_debug(PK_DBG_TRANS, "CRYPTO_PKI: Sending PKCSReq, transaction id %s", c->tid);
	EVP_PKEY_up_ref(reqkey);
	rc = send_pki(c, der, len, c->ra && kind != KIND_SHADOW ? c->ra : recipient, nonce, reqkey, &rep);
	EVP_PKEY_free(reqkey);
	OPENSSL_free(der);
	if (rc < 0) {
		if (tp_of(c) && rc == PK_ENET) {
			/* keep the request: CONNECT RETRY re-sends a new one later */
			clear_request(c);
			return rc;
		}
		if (tp_of(c))
			clear_request(c);
		return rc;
	}
	handle_reply(c, rep);
	scep_rep_free(rep);
	return 0;
}

static void connect_failed(struct tpc *c, enum job redo)
{
	pk_tp *t = tp_of(c);
	struct pk_tp_config cfg;

	if (!t)
		return;
	pk_tp_get_config(t, &cfg);
	pk_log(PK_LOG_ERR, "%%PKI-3-SOCKETSEND: Failed to send out message to CA server.");
	if (++c->connect_tries > CONNECT_TRIES) {
		/* Give up for now; renewal is not lost: the caller's recompute
		 * re-arms RENEW/SHADOW, not before one more retry period
		 * (spec §3.3, §6 Q6). */
		pk_debug(PK_DBG_TRANS, "CRYPTO_PKI: %d connection attempts failed for trustpoint %s",
			 c->connect_tries, c->name);
		c->connect_tries = 0;
		tmr_stop(pk_device_timers(dev()), &c->retry_t);
		hold_until(c, now() + cfg.retry_period * TMR_MIN);
		return;
	}
	c->retry_job = redo;
	tmr_start(pk_device_timers(dev()), &c->retry_t, now() + cfg.retry_period * TMR_MIN);
	pk_device_kick(dev());
}

/* GetNextCACert: the rollover CA, verified against the current CA. */
static int fetch_next_ca(struct tpc *c)
{
	pk_tp *t = tp_of(c);
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
	t = tp_of(c);
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

/* ---- timer callbacks ------------------------------------------------------------------ */

static void run_job(struct tpc *c, enum job job)
{
	pk_tp *t = tp_of(c);
	tmr_ms ca_na;
	int rc = 0;

	if (!t)
		return;
	ca_na = pk_tp_cert(t, PK_TP_CA) ? cert_na(pk_tp_cert(t, PK_TP_CA)) : 0;
	switch (job) {
	case JOB_NONE:
		return;
	case JOB_INITIAL:
		if (!pk_tp_cert(t, PK_TP_CA))
			break;          /* recompute re-arms the wait */
		if (!c->caps_known)
			scep_client_getcacaps(c);
		if (!(t = tp_of(c)))
			return;         /* deleted while the lock was let go */
		{
			struct pk_tp_config cfg;
			pk_tp_get_config(t, &cfg);
			rc = request(c, KIND_INITIAL, cfg.password_set ? cfg.password : NULL,
				     cfg.serial_number == PK_OPT_YES,
				     cfg.ip_mode == PK_OPT_YES ? cfg.ip : NULL);
		}
		break;
	case JOB_RENEW:
		pk_debug(PK_DBG_TRANS, "CRYPTO_PKI: RENEW timer fired for trustpoint %s", c->name);
		{
			struct pk_tp_config cfg;
			pk_tp_get_config(t, &cfg);
			rc = request(c, KIND_RENEW, cfg.password_set ? cfg.password : NULL,
				     cfg.serial_number == PK_OPT_YES,
				     cfg.ip_mode == PK_OPT_YES ? cfg.ip : NULL);
		}
		break;
	case JOB_SHADOW_CA:
	case JOB_SHADOW_ID:
		pk_debug(PK_DBG_TRANS, "CRYPTO_PKI: SHADOW timer fired for trustpoint %s", c->name);
		if (!pk_tp_cert(t, PK_TP_CA_ROLLOVER) && now() >= ca_na) {
			pk_debug(PK_DBG_TRANS, "CRYPTO_PKI: the CA certificate of trustpoint %s expired "
				 "without a rollover certificate", c->name);
			return;
		}
		if (!c->caps_known)
			scep_client_getcacaps(c);
		if (!(t = tp_of(c)))
			return;
		if (!pk_tp_cert(t, PK_TP_CA_ROLLOVER)) {
			rc = fetch_next_ca(c);
			if (rc == PK_ENOENT || rc == PK_EPROTO) {
				/* §3.8: too early; retry with back-off until CA.na (REC) */
				pk_debug(PK_DBG_TRANS, "CRYPTO_PKI: GetNextCACert failed, no rollover CA "
					 "certificate: %s", pk_err_msg());
				back_off(c, ca_na);
				rc = 0;
				break;
			}
			if (rc < 0)
				break;
			c->backoff = 0;
		}
		if (job == JOB_SHADOW_ID && (t = tp_of(c)) && !pk_tp_cert(t, PK_TP_ID_ROLLOVER)) {
			struct pk_tp_config cfg;
			pk_tp_get_config(t, &cfg);
			rc = request(c, KIND_SHADOW, cfg.password_set ? cfg.password : NULL,
				     cfg.serial_number == PK_OPT_YES,
				     cfg.ip_mode == PK_OPT_YES ? cfg.ip : NULL);
		}
		break;
	case JOB_ACTIVATE:
		c->quiet++;
		if (rollover_on_shadow_key(t)) {
			char l[170], l2[170];
			key_label(t, 1, l, sizeof l);
			key_label(t, 0, l2, sizeof l2);
			pk_key_rename(c->p, l, l2);
		}
		pk_tp_activate_rollover(t);
		c->quiet--;
		c->shadow_key = 0;
		c->stopped = 0;
		pk_debug(PK_DBG_TRANS, "CRYPTO_PKI: rollover certificates activated for trustpoint %s",
			 c->name);
		break;
	}
	if (!tp_of(c))
		return;
	if (rc == PK_ENET) {
		connect_failed(c, job);
	} else if (rc < 0) {
		pk_debug(PK_DBG_TRANS, "CRYPTO_PKI: %s", pk_err_msg());
		c->connect_tries = 0;
		back_off(c, 0);
	} else {
		c->connect_tries = 0;
	}
	recompute(c);
}

static void on_job(tmr *t, void *arg)
{
	struct tpc *c = arg;

	(void)t;
	if (c->busy) {
		tmr_start(pk_device_timers(dev()), &c->job_t, now() + TMR_SEC);
		return;
	}
	run_job(c, c->job);
}

static void on_retry(tmr *t, void *arg)
{
	struct tpc *c = arg;

	(void)t;
	if (c->busy) {
		tmr_start(pk_device_timers(dev()), &c->retry_t, now() + TMR_SEC);
		return;
	}
	run_job(c, c->retry_job == JOB_NONE ? JOB_INITIAL : c->retry_job);
}

static void on_poll(tmr *t, void *arg)
{
	struct tpc *c = arg;
	pk_tp *tp = tp_of(c);
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
		tmr_start(pk_device_timers(dev()), &c->poll_t, now() + TMR_SEC);
		return;
	}
	ca = (X509 *)pk_tp_cert(tp, c->for_rollover ? PK_TP_CA_ROLLOVER : PK_TP_CA);
	if (!ca || now() >= cert_na(ca)) {
		/* polling stops when the issuing CA expires (spec §3.3) */
		clear_request(c);
		set_status(tp, "Failed");
		recompute(c);
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
		pk_debug(PK_DBG_TRANS, "CRYPTO_PKI: cannot build GetCertInitial: %s", err.text);
		return;
	}
	pk_debug(PK_DBG_TRANS, "CRYPTO_PKI: Sending GetCertInitial (poll %d), transaction id %s",
		 c->polls, c->tid);
	reqkey = X509_REQ_get_pubkey(c->csr);
	rc = send_pki(c, der, len, rq.recipient, nonce, reqkey, &rep);
	EVP_PKEY_free(reqkey);
	OPENSSL_free(der);
	if (!tp_of(c)) {
		scep_rep_free(rep);
		return;
	}
	if (rc < 0) {
		/* try again at the next interval */
		pk_debug(PK_DBG_TRANS, "CRYPTO_PKI: poll failed: %s", pk_err_msg());
		tmr_start(pk_device_timers(dev()), &c->poll_t, now() + c->poll_interval);
		return;
	}
	handle_reply(c, rep);
	scep_rep_free(rep);
	recompute(c);
}

/* ---- lifecycle ---------------------------------------------------------------------------- */

static struct tpc *attach(pk_tp *t)
{
	struct tpc *c = state_of(t);
	char label[200];

	if (c)
		return c;
	c = calloc(1, sizeof *c);
	if (!c)
		return NULL;
	c->p = the_pki;
	snprintf(c->name, sizeof c->name, "%s", pk_tp_name(t));
	tmr_init(&c->job_t, TMR_G_PKI, "", on_job, c);
	snprintf(label, sizeof label, "POLL %s", c->name);
	tmr_init(&c->poll_t, TMR_G_PKI, label, on_poll, c);
	snprintf(label, sizeof label, "CONNECT RETRY %s", c->name);
	tmr_init(&c->retry_t, TMR_G_PKI, label, on_retry, c);
	pk_tp_set_client(t, c);
	return c;
}

static void detach(pk_tp *t)
{
	struct tpc *c = state_of(t);
	tmr_queue *q = pk_device_timers(dev());

	if (!c)
		return;
	tmr_stop(q, &c->job_t);
	tmr_stop(q, &c->poll_t);
	tmr_stop(q, &c->retry_t);
	clear_request(c);
	X509_free(c->ra);
	pk_tp_set_client(t, NULL);
	free(c);
}

static void observer(void *arg, pk_tp *t, enum pk_tp_event ev)
{
	struct tpc *c;

	(void)arg;
	if (ev == PK_TP_EV_DELETE) {
		detach(t);
		return;
	}
	c = attach(t);
	if (!c || c->quiet)
		return;
	if (ev == PK_TP_EV_CERTS && !pk_tp_cert(t, PK_TP_ID))
		c->stopped = 0;
	recompute(c);
}

static void clock_changed(pk_device *d, void *arg)
{
	size_t i;

	(void)d;
	(void)arg;
	for (i = 0; i < pk_tp_count(the_pki); i++) {
		pk_tp *t = pk_tp_at(the_pki, i);
		struct tpc *c = attach(t);
		if (c) {
			if (c->hold && now() < c->hold_from)
				c->hold = 0;
			recompute(c);
		}
	}
}

int scep_client_init(pk_pki *p)
{
	size_t i;

	the_pki = p;
	pk_tp_set_observer(p, observer, NULL);
	pk_device_on_clock_change(pk_pki_device(p), clock_changed, NULL);
	for (i = 0; i < pk_tp_count(p); i++)
		attach(pk_tp_at(p, i));
	return 0;
}

/* ---- what the CLI calls -------------------------------------------------------------------- */

static struct tpc *find(const char *name)
{
	pk_tp *t = pk_tp_find(the_pki, name);
	return t ? attach(t) : NULL;
}

int scep_client_getcacert(const char *tp, struct x509_st **ca_out, int *ncerts)
{
	struct tpc *c = find(tp);
	struct http_response r;
	STACK_OF(X509) *certs = NULL;
	struct scep_err err;
	pk_tp *t;
	int rc, i;
	X509 *ca = NULL;

	*ca_out = NULL;
	if (!c)
		return pk_err_set(PK_ENOENT, "Trustpoint %s not found", tp);
	rc = exchange_ok(c, "GetCACert", c->name, &r);
	if (rc < 0)
		return rc;
	memset(&err, 0, sizeof err);
	rc = scep_cacert_parse(r.body, r.len, &certs, &err);
	http_response_free(&r);
	if (rc < 0 || sk_X509_num(certs) < 1) {
		sk_X509_pop_free(certs, X509_free);
		return pk_err_set(PK_EPROTO, "Error in receiving Certificate Authority certificate: %s",
				  err.text);
	}
	if (ncerts)
		*ncerts = sk_X509_num(certs);
	/* The CA is the self-signed one; another one is the RA. */
	for (i = 0; i < sk_X509_num(certs); i++) {
		X509 *x = sk_X509_value(certs, i);
		if (X509_check_issued(x, x) == X509_V_OK) {
			ca = x;
			break;
		}
	}
	if (!ca)
		ca = sk_X509_value(certs, 0);
	t = tp_of(c);
	X509_free(c->ra);
	c->ra = NULL;
	for (i = 0; t && i < sk_X509_num(certs); i++) {
		X509 *x = sk_X509_value(certs, i);
		if (x != ca && !c->ra) {
			c->ra = x;
			X509_up_ref(x);
		}
	}
	X509_up_ref(ca);
	*ca_out = ca;
	sk_X509_pop_free(certs, X509_free);
	return 0;
}

int scep_client_accept_ca(const char *tp, const struct x509_st *ca)
{
	struct tpc *c = find(tp);
	pk_tp *t = c ? tp_of(c) : NULL;
	int rc;

	if (!t)
		return pk_err_set(PK_ENOENT, "Trustpoint %s not found", tp);
	c->quiet++;
	rc = pk_tp_set_cert(t, PK_TP_CA, ca);
	c->quiet--;
	if (rc < 0)
		return rc;
	c->stopped = 0;
	c->hold = 0;
	c->backoff = 0;
	c->caps_known = 0;
	if (scep_client_getcacaps(c) < 0)
		pk_debug(PK_DBG_TRANS, "CRYPTO_PKI: GetCACaps failed: %s", pk_err_msg());
	if (tp_of(c))
		recompute(c);
	return 0;
}

int scep_client_enroll(const char *tp, const char *challenge, int with_serial, const char *ip)
{
	struct tpc *c = find(tp);
	pk_tp *t = c ? tp_of(c) : NULL;
	int rc, kind;

	if (!t)
		return pk_err_set(PK_ENOENT, "Trustpoint %s not found", tp);
	if (c->busy)
		return pk_err_set(PK_EBUSY, "an enrollment of %s is in progress", tp);
	pk_log(PK_LOG_INFO, "%%PKI-6-CERT_ENROLL_MANUAL: Manual enrollment for trustpoint %s", tp);
	tmr_stop(pk_device_timers(dev()), &c->job_t);
	tmr_stop(pk_device_timers(dev()), &c->retry_t);
	c->stopped = 0;
	c->connect_tries = 0;
	if (!c->caps_known)
		scep_client_getcacaps(c);
	if (!tp_of(c))
		return pk_err_set(PK_ENOENT, "Trustpoint %s was deleted", tp);
	kind = pk_tp_cert(tp_of(c), PK_TP_ID) ? KIND_RENEW : KIND_INITIAL;
	c->hold = 0;
	c->backoff = 0;
	rc = request(c, kind, challenge, with_serial, ip);
	if (!tp_of(c))
		return rc;
	if (rc == PK_ENET)
		connect_failed(c, kind == KIND_RENEW ? JOB_RENEW : JOB_INITIAL);
	recompute(c);
	return rc;
}

tmr_ms scep_client_renew_date(pk_tp *t)
{
	struct tpc *c = state_of(t);

	if (!c || !tmr_armed(&c->job_t))
		return 0;
	if (c->job != JOB_RENEW && c->job != JOB_SHADOW_ID)
		return 0;
	return tmr_deadline(&c->job_t);
}

int scep_client_pending(pk_tp *t, struct scep_pending *out)
{
	struct tpc *c = state_of(t);

	if (!c || !c->pending || !c->csr)
		return 0;
	memset(out, 0, sizeof *out);
	snprintf(out->md5, sizeof out->md5, "%s", c->csr_md5);
	snprintf(out->sha1, sizeof out->sha1, "%s", c->csr_sha1);
	pk_tp_fqdn(t, out->name, sizeof out->name);
	out->rollover = c->pending == KIND_SHADOW;
	return 1;
}

int scep_client_uses_shadow_key(pk_tp *t)
{
	return t && rollover_on_shadow_key(t);
}

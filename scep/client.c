/*
 * client.c — the trustpoint client: its state per trustpoint, the timers
 * that drive authenticate, enroll, poll, RENEW and SHADOW renewal and
 * rollover activation, and what the CLI calls (SCEP exchanges themselves:
 * client_req.c) (spec §3.3, §3.4, §3.6, §4; SCEP
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

#include <openssl/x509v3.h>

#include "scep/client.h"
#include "scep/client_int.h"

pk_pki *cl_the_pki;

static void on_job(tmr *t, void *arg);
static void on_retry(tmr *t, void *arg);

pk_device *cl_dev(void)
{
	return pk_pki_device(cl_the_pki);
}

tmr_ms cl_now(void)
{
	return pk_device_now(cl_dev());
}

struct tpc *cl_state_of(pk_tp *t)
{
	return t ? pk_tp_client(t) : NULL;
}

pk_tp *cl_tp_of(const struct tpc *c)
{
	pk_tp *t = pk_tp_find(c->p, c->name);
	return t && pk_tp_client(t) == c ? t : NULL;
}

/* The key a trustpoint enrolls with, and its shadow "X#". */
void cl_key_label(pk_tp *t, int shadow, char *buf, size_t n)
{
	char l[160];

	pk_tp_key_label(t, l, sizeof l);
	snprintf(buf, n, "%s%s", l, shadow ? "#" : "");
}

/* The certificate is for that key (compares the public keys). */
int cl_cert_has_key(const X509 *x, const pk_key *k)
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

	cl_key_label(t, 1, l, sizeof l);
	return cl_cert_has_key(pk_tp_cert(t, PK_TP_ID_ROLLOVER), pk_key_find(cl_the_pki, l));
}

tmr_ms cl_cert_nb(const X509 *x)
{
	struct pk_cert_view v;
	return pk_cert_view(x, &v) == 0 ? v.not_before : 0;
}

tmr_ms cl_cert_na(const X509 *x)
{
	struct pk_cert_view v;
	return pk_cert_view(x, &v) == 0 ? v.not_after : 0;
}

/* nb + pct% of the lifetime, without overflow. */
tmr_ms cl_at_percent(tmr_ms nb, tmr_ms na, int pct)
{
	tmr_ms life = na - nb;
	return nb + life / 100 * pct + life % 100 * pct / 100;
}

void cl_set_status(pk_tp *t, const char *s)
{
	pk_tp_set_status(t, s);
}

void cl_clear_request(struct tpc *c)
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
	tmr_stop(pk_device_timers(cl_dev()), &c->poll_t);
}

static void arm_job(struct tpc *c, enum job job, tmr_ms when)
{
	char label[200];

	c->job = job;
	if (job != JOB_ACTIVATE && when < c->hold)
		when = c->hold;
	snprintf(label, sizeof label, "%s %s", job == JOB_RENEW || job == JOB_INITIAL ? "RENEW" : "SHADOW",
		 c->name);
	tmr_set_label(&c->job_t, label);
	tmr_start(pk_device_timers(cl_dev()), &c->job_t, when);
	pk_device_kick(cl_dev());
}

/* RENEW/SHADOW wait until `when` (back-offs), whatever recompute finds.
 * Forgotten if the clock goes back before the decision. */
static void hold_until(struct tpc *c, tmr_ms when)
{
	c->hold = when;
	c->hold_from = cl_now();
}

static int ca_says_nextca(const struct tpc *c)
{
	/* Caps unknown (the CA certificate came from the configuration): an IOS
	 * CA advertises GetNextCACert; ask it when the timer fires. */
	return !c->caps_known || (c->caps & SCEP_CAP_NEXTCA);
}

/* The next GetCertInitial at `when` (armed only on an authoritative clock;
 * kept for later otherwise, and persisted with the request). */
void cl_arm_poll(struct tpc *c, tmr_ms when)
{
	int auth = tmr_clock_authoritative(pk_device_clock(cl_dev()));

	c->poll_due = when;
	c->poll_due_auth = auth;
	if (auth) {
		tmr_start(pk_device_timers(cl_dev()), &c->poll_t, when);
		pk_device_kick(cl_dev());
	}
}

/* Spec §3.4: after every change, which timer runs and when. */
void cl_recompute(struct tpc *c)
{
	pk_tp *t = cl_tp_of(c);
	tmr_queue *q = pk_device_timers(cl_dev());
	struct pk_tp_config cfg;
	const X509 *ca, *id, *rca, *rid;
	tmr_ms ca_nb, ca_na, id_nb, id_na, when;
	int capped;

	tmr_stop(q, &c->job_t);
	c->job = JOB_NONE;
	if (!t || !tmr_clock_authoritative(pk_device_clock(cl_dev()))) {
		tmr_stop(q, &c->poll_t);
		tmr_stop(q, &c->retry_t);
		return;
	}
	if (c->pending && c->csr && !tmr_armed(&c->poll_t) && !c->busy) {
		/* a poll decided while the clock was not authoritative (or before
		 * a restart) runs once it is: the same instant if it was decided
		 * on an authoritative clock, else one interval from now */
		when = c->poll_due_auth ? c->poll_due : cl_now() + c->poll_interval;
		cl_arm_poll(c, when < cl_now() ? cl_now() : when);
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
			arm_job(c, JOB_INITIAL, cl_now() + cfg.retry_period * TMR_MIN);
		return;
	}
	ca_nb = cl_cert_nb(ca);
	ca_na = cl_cert_na(ca);
	if (!rca && cl_now() >= ca_na)
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
			arm_job(c, JOB_INITIAL, cl_now());
		else if (ca_says_nextca(c))
			arm_job(c, JOB_SHADOW_CA, cl_at_percent(ca_nb, ca_na, 90));
		return;
	}
	id_nb = cl_cert_nb(id);
	id_na = cl_cert_na(id);
	capped = id_na - ca_na <= TMR_SEC && ca_na - id_na <= TMR_SEC;
	if (capped) {
		if (cfg.auto_enroll >= 0)
			arm_job(c, JOB_SHADOW_ID, cl_at_percent(id_nb, id_na, cfg.auto_enroll));
		else if (ca_says_nextca(c))
			arm_job(c, rca ? JOB_ACTIVATE : JOB_SHADOW_CA,
				rca ? ca_na : cl_at_percent(ca_nb, ca_na, 90));
		return;
	}
	if (cfg.auto_enroll >= 0) {
		arm_job(c, JOB_RENEW, cl_at_percent(id_nb, id_na, cfg.auto_enroll));
		return;
	}
	if (ca_says_nextca(c)) {
		when = rca ? ca_na : cl_at_percent(ca_nb, ca_na, 90);
		arm_job(c, rca ? JOB_ACTIVATE : JOB_SHADOW_CA, when);
	}
}

/* An automatic attempt came to nothing (GetNextCACert before the CA has a
 * rollover certificate, a reply that is not a certificate, a certificate
 * already due for renewal): the next one waits with the POLL back-off —
 * retry period, doubling, at most an hour — and not past `limit` (0: no
 * limit), so no timer can fire again at once and loop (spec §3.3 REC). */
void cl_back_off(struct tpc *c, tmr_ms limit)
{
	pk_tp *t = cl_tp_of(c);
	struct pk_tp_config cfg;
	tmr_ms when;

	if (!t)
		return;
	pk_tp_get_config(t, &cfg);
	c->backoff = c->backoff ? c->backoff * 2 : cfg.retry_period * TMR_MIN;
	if (c->backoff > POLL_CAP)
		c->backoff = POLL_CAP;
	when = cl_now() + c->backoff;
	hold_until(c, limit && when > limit ? limit : when);
	pk_debug(PK_DBG_TRANS, "CRYPTO_PKI: trustpoint %s: next automatic attempt in %lld minute%s",
		 c->name, (long long)(c->backoff / TMR_MIN), c->backoff == TMR_MIN ? "" : "s");
}

/* A CA whose clock is behind ours (or that back-dates a lot) can issue a
 * certificate whose renewal point is already past: renewing again at once
 * would loop. */
void cl_guard_due(struct tpc *c, const X509 *cert, int pct)
{
	if (pct < 0 || cl_at_percent(cl_cert_nb(cert), cl_cert_na(cert), pct) > cl_now()) {
		c->backoff = 0;
		return;
	}
	pk_debug(PK_DBG_TRANS, "CRYPTO_PKI: the new certificate of trustpoint %s is already due "
		 "for renewal (is the CA's clock behind?)", c->name);
	cl_back_off(c, 0);
}

static void connect_failed(struct tpc *c, enum job redo)
{
	pk_tp *t = cl_tp_of(c);
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
		tmr_stop(pk_device_timers(cl_dev()), &c->retry_t);
		hold_until(c, cl_now() + cfg.retry_period * TMR_MIN);
		return;
	}
	c->retry_job = redo;
	tmr_start(pk_device_timers(cl_dev()), &c->retry_t, cl_now() + cfg.retry_period * TMR_MIN);
	pk_device_kick(cl_dev());
}

static void run_job(struct tpc *c, enum job job)
{
	pk_tp *t = cl_tp_of(c);
	tmr_ms ca_na;
	int rc = 0;

	if (!t)
		return;
	ca_na = pk_tp_cert(t, PK_TP_CA) ? cl_cert_na(pk_tp_cert(t, PK_TP_CA)) : 0;
	switch (job) {
	case JOB_NONE:
		return;
	case JOB_INITIAL:
		if (!pk_tp_cert(t, PK_TP_CA))
			break;          /* recompute re-arms the wait */
		if (!c->caps_known)
			cl_getcacaps(c);
		if (!(t = cl_tp_of(c)))
			return;         /* deleted while the lock was let go */
		{
			struct pk_tp_config cfg;
			pk_tp_get_config(t, &cfg);
			rc = cl_request(c, KIND_INITIAL, cfg.password_set ? cfg.password : NULL,
				     cfg.serial_number == PK_OPT_YES,
				     cfg.ip_mode == PK_OPT_YES ? cfg.ip : NULL);
		}
		break;
	case JOB_RENEW:
		pk_debug(PK_DBG_TRANS, "CRYPTO_PKI: RENEW timer fired for trustpoint %s", c->name);
		{
			struct pk_tp_config cfg;
			pk_tp_get_config(t, &cfg);
			rc = cl_request(c, KIND_RENEW, cfg.password_set ? cfg.password : NULL,
				     cfg.serial_number == PK_OPT_YES,
				     cfg.ip_mode == PK_OPT_YES ? cfg.ip : NULL);
		}
		break;
	case JOB_SHADOW_CA:
	case JOB_SHADOW_ID:
		pk_debug(PK_DBG_TRANS, "CRYPTO_PKI: SHADOW timer fired for trustpoint %s", c->name);
		if (!pk_tp_cert(t, PK_TP_CA_ROLLOVER) && cl_now() >= ca_na) {
			pk_debug(PK_DBG_TRANS, "CRYPTO_PKI: the CA certificate of trustpoint %s expired "
				 "without a rollover certificate", c->name);
			return;
		}
		if (!c->caps_known)
			cl_getcacaps(c);
		if (!(t = cl_tp_of(c)))
			return;
		if (!pk_tp_cert(t, PK_TP_CA_ROLLOVER)) {
			rc = cl_fetch_next_ca(c);
			if (rc == PK_ENOENT || rc == PK_EPROTO) {
				/* §3.8: too early; retry with back-off until CA.na (REC) */
				pk_debug(PK_DBG_TRANS, "CRYPTO_PKI: GetNextCACert failed, no rollover CA "
					 "certificate: %s", pk_err_msg());
				cl_back_off(c, ca_na);
				rc = 0;
				break;
			}
			if (rc < 0)
				break;
			c->backoff = 0;
		}
		if (job == JOB_SHADOW_ID && (t = cl_tp_of(c)) && !pk_tp_cert(t, PK_TP_ID_ROLLOVER)) {
			struct pk_tp_config cfg;
			pk_tp_get_config(t, &cfg);
			rc = cl_request(c, KIND_SHADOW, cfg.password_set ? cfg.password : NULL,
				     cfg.serial_number == PK_OPT_YES,
				     cfg.ip_mode == PK_OPT_YES ? cfg.ip : NULL);
		}
		break;
	case JOB_ACTIVATE:
		c->quiet++;
		if (rollover_on_shadow_key(t)) {
			char l[170], l2[170];
			cl_key_label(t, 1, l, sizeof l);
			cl_key_label(t, 0, l2, sizeof l2);
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
	if (!cl_tp_of(c))
		return;
	if (rc == PK_ENET) {
		connect_failed(c, job);
	} else if (rc < 0) {
		pk_debug(PK_DBG_TRANS, "CRYPTO_PKI: %s", pk_err_msg());
		c->connect_tries = 0;
		cl_back_off(c, 0);
	} else {
		c->connect_tries = 0;
	}
	cl_recompute(c);
}

static void on_job(tmr *t, void *arg)
{
	struct tpc *c = arg;

	(void)t;
	if (c->busy) {
		tmr_start(pk_device_timers(cl_dev()), &c->job_t, cl_now() + TMR_SEC);
		return;
	}
	run_job(c, c->job);
	cl_store_sync();
}

static void on_retry(tmr *t, void *arg)
{
	struct tpc *c = arg;

	(void)t;
	if (c->busy) {
		tmr_start(pk_device_timers(cl_dev()), &c->retry_t, cl_now() + TMR_SEC);
		return;
	}
	run_job(c, c->retry_job == JOB_NONE ? JOB_INITIAL : c->retry_job);
	cl_store_sync();
}

struct tpc *cl_attach(pk_tp *t)
{
	struct tpc *c = cl_state_of(t);
	char label[200];

	if (c)
		return c;
	c = calloc(1, sizeof *c);
	if (!c)
		return NULL;
	c->p = cl_the_pki;
	snprintf(c->name, sizeof c->name, "%s", pk_tp_name(t));
	tmr_init(&c->job_t, TMR_G_PKI, "", on_job, c);
	snprintf(label, sizeof label, "POLL %s", c->name);
	tmr_init(&c->poll_t, TMR_G_PKI, label, cl_on_poll, c);
	snprintf(label, sizeof label, "CONNECT RETRY %s", c->name);
	tmr_init(&c->retry_t, TMR_G_PKI, label, on_retry, c);
	pk_tp_set_client(t, c);
	return c;
}

static void detach(pk_tp *t)
{
	struct tpc *c = cl_state_of(t);
	tmr_queue *q = pk_device_timers(cl_dev());

	if (!c)
		return;
	tmr_stop(q, &c->job_t);
	tmr_stop(q, &c->poll_t);
	tmr_stop(q, &c->retry_t);
	cl_clear_request(c);
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
	c = cl_attach(t);
	if (!c || c->quiet)
		return;
	if (ev == PK_TP_EV_CERTS && !pk_tp_cert(t, PK_TP_ID))
		c->stopped = 0;
	cl_recompute(c);
	cl_store_sync();
}

static void clock_changed(pk_device *d, void *arg)
{
	size_t i;

	(void)d;
	(void)arg;
	for (i = 0; i < pk_tp_count(cl_the_pki); i++) {
		pk_tp *t = pk_tp_at(cl_the_pki, i);
		struct tpc *c = cl_attach(t);
		if (c) {
			if (c->hold && cl_now() < c->hold_from)
				c->hold = 0;
			cl_recompute(c);
		}
	}
	cl_store_sync();
}

/* A reload: the trustpoints go (and their requests with them, in memory);
 * the file keeps them for the boot that follows. */
static void on_reset(pk_device *d, void *arg)
{
	(void)d;
	(void)arg;
	cl_store_hold();
}

int scep_client_init(pk_pki *p)
{
	size_t i;

	cl_the_pki = p;
	pk_tp_set_observer(p, observer, NULL);
	pk_device_on_clock_change(pk_pki_device(p), clock_changed, NULL);
	pk_device_on_reset(pk_pki_device(p), on_reset, NULL);
	pk_pki_on_boot(p, cl_store_restore, NULL);
	for (i = 0; i < pk_tp_count(p); i++)
		cl_attach(pk_tp_at(p, i));
	return 0;
}

static struct tpc *find(const char *name)
{
	pk_tp *t = pk_tp_find(cl_the_pki, name);
	return t ? cl_attach(t) : NULL;
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
	rc = cl_exchange_ok(c, "GetCACert", c->name, &r);
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
	t = cl_tp_of(c);
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
	pk_tp *t = c ? cl_tp_of(c) : NULL;
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
	if (cl_getcacaps(c) < 0)
		pk_debug(PK_DBG_TRANS, "CRYPTO_PKI: GetCACaps failed: %s", pk_err_msg());
	if (cl_tp_of(c))
		cl_recompute(c);
	return 0;
}

int scep_client_enroll(const char *tp, const char *challenge, int with_serial, const char *ip)
{
	struct tpc *c = find(tp);
	pk_tp *t = c ? cl_tp_of(c) : NULL;
	int rc, kind;

	if (!t)
		return pk_err_set(PK_ENOENT, "Trustpoint %s not found", tp);
	if (c->busy)
		return pk_err_set(PK_EBUSY, "an enrollment of %s is in progress", tp);
	pk_log(PK_LOG_INFO, "%%PKI-6-CERT_ENROLL_MANUAL: Manual enrollment for trustpoint %s", tp);
	tmr_stop(pk_device_timers(cl_dev()), &c->job_t);
	tmr_stop(pk_device_timers(cl_dev()), &c->retry_t);
	c->stopped = 0;
	c->connect_tries = 0;
	if (!c->caps_known)
		cl_getcacaps(c);
	if (!cl_tp_of(c))
		return pk_err_set(PK_ENOENT, "Trustpoint %s was deleted", tp);
	kind = pk_tp_cert(cl_tp_of(c), PK_TP_ID) ? KIND_RENEW : KIND_INITIAL;
	c->hold = 0;
	c->backoff = 0;
	rc = cl_request(c, kind, challenge, with_serial, ip);
	if (!cl_tp_of(c))
		return rc;
	if (rc == PK_ENET)
		connect_failed(c, kind == KIND_RENEW ? JOB_RENEW : JOB_INITIAL);
	cl_recompute(c);
	cl_store_sync();
	return rc;
}

tmr_ms scep_client_renew_date(pk_tp *t)
{
	struct tpc *c = cl_state_of(t);

	if (!c || !tmr_armed(&c->job_t))
		return 0;
	if (c->job != JOB_RENEW && c->job != JOB_SHADOW_ID)
		return 0;
	return tmr_deadline(&c->job_t);
}

int scep_client_pending(pk_tp *t, struct scep_pending *out)
{
	struct tpc *c = cl_state_of(t);

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

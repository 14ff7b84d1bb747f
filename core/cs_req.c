/*
 * cs_req.c — the certificate server's request database, issuance and SCEP
 * decisions (contract: pki.h "request database", "SCEP decisions"; spec §1.6, §3.5,
 * scep-conformance §0.5/§0.6, §3; choices: docs/pki-server.md).
 *
 * Request entries get ids 1, 2, 3 … never reused while the server lives.
 * A pending entry carries its PKCS #10 and an `ER EXPIRE <id>` timer; a
 * granted one its certificate.  SCEP entries are also indexed by
 * transaction id (a hash of chains, newest first): a request whose id
 * belongs to an entry the requester has not collected yet gets that
 * entry's state; once collected, the id may start a new transaction.  At
 * most CS_KEEP_COLLECTED collected entries are kept (oldest dropped).
 *
 * Issuance (spec §3.5): serial from the persisted counter, notBefore = now
 * to the second (or the rollover CA's notBefore), notAfter capped at the
 * issuing CA's notAfter, subject copied from the request byte for byte,
 * KeyUsage digitalSignature+keyEncipherment, SubjectAltName copied from the
 * request, AKI, SKI, CDP when configured.
 *
 * Issued-certificate records (<serial>.cnm, <serial>.crt) are cs_rec.c's.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/err.h>

#include "core/cs_int.h"
#include "core/text.h"

/* ---- the request table ------------------------------------------------------- */

static unsigned txh(const char *s)
{
	uint32_t h = 2166136261u;

	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 16777619u;
	return h % CS_TXH;
}

static long req_index(const pk_cs *cs, long id)
{
	size_t lo = 0, hi = cs->nreqs;

	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		if (cs->reqs[mid]->id == id)
			return (long)mid;
		if (cs->reqs[mid]->id < id)
			lo = mid + 1;
		else
			hi = mid;
	}
	return -1;
}

static struct cs_req *req_find(const pk_cs *cs, long id)
{
	long i = req_index(cs, id);
	return i >= 0 ? cs->reqs[i] : NULL;
}

/* Newest entry with this transaction id (uncollected ones only if asked). */
static struct cs_req *req_by_txid(const pk_cs *cs, const char *txid, int uncollected)
{
	struct cs_req *e;

	if (!txid)
		return NULL;
	for (e = cs->txh[txh(txid)]; e; e = e->hnext)
		if (strcmp(e->txid, txid) == 0 && (!uncollected || !e->collected))
			return e;
	return NULL;
}

static void req_free(pk_cs *cs, struct cs_req *e)
{
	tmr_stop(pk_device_timers(cs->p->d), &e->timer);
	if (e->txid) {
		struct cs_req **pp = &cs->txh[txh(e->txid)];
		while (*pp && *pp != e)
			pp = &(*pp)->hnext;
		if (*pp)
			*pp = e->hnext;
	}
	if (e->collected)
		cs->ncollected--;
	free(e->subject);
	free(e->txid);
	free(e->csr);
	X509_free(e->cert);
	free(e);
}

static void req_remove_at(pk_cs *cs, size_t i)
{
	struct cs_req *e = cs->reqs[i];

	memmove(cs->reqs + i, cs->reqs + i + 1, (cs->nreqs - i - 1) * sizeof *cs->reqs);
	cs->nreqs--;
	req_free(cs, e);
}

static void req_remove(pk_cs *cs, struct cs_req *e)
{
	long i = req_index(cs, e->id);

	if (i >= 0)
		req_remove_at(cs, (size_t)i);
}

/* The requester has its answer; drop the oldest collected entries beyond
 * the cap. */
static void req_collected(pk_cs *cs, struct cs_req *e)
{
	size_t i;

	if (e->collected)
		return;
	e->collected = 1;
	cs->ncollected++;
	pki_cs_reqdb_save(cs, 0);
	for (i = 0; cs->ncollected > CS_KEEP_COLLECTED && i < cs->nreqs; ) {
		if (cs->reqs[i]->collected && cs->reqs[i] != e)
			req_remove_at(cs, i);
		else
			i++;
	}
}

void pki_cs_reqs_free(pk_cs *cs)
{
	while (cs->nreqs)
		req_remove_at(cs, cs->nreqs - 1);
	free(cs->reqs);
	cs->reqs = NULL;
	cs->capreqs = 0;
}

static void er_expire_cb(tmr *t, void *arg)
{
	struct cs_req *e = arg;

	(void)t;
	if (e->state == PK_REQ_PENDING) {
		pk_cs *cs = e->cs;
		req_remove(cs, e);
		pki_cs_reqdb_save(cs, 1);
	}
}

static int timers_live(const pk_cs *cs)
{
	return cs->enabled && tmr_clock_authoritative(pk_device_clock(cs->p->d));
}

void pki_cs_req_timers(pk_cs *cs, int arm)
{
	tmr_queue *q = pk_device_timers(cs->p->d);
	size_t i;

	for (i = 0; i < cs->nreqs; i++) {
		struct cs_req *e = cs->reqs[i];
		if (arm && e->state == PK_REQ_PENDING)
			tmr_start(q, &e->timer, e->created + cs->cfg.life_er);
		else
			tmr_stop(q, &e->timer);
	}
}

/* A new entry (state pending, or granted for an immediate grant, which the
 * reply itself collects). */
static int req_new(pk_cs *cs, const unsigned char *der, size_t len, X509_REQ *csr,
		   const char *txid, int for_rollover, int state, struct cs_req **out)
{
	struct cs_req *e;
	char subj[1024];

	*out = NULL;
	e = calloc(1, sizeof *e);
	if (!e)
		return pk_err_set(PK_ENOMEM, "out of memory");
	pki_dn_format(X509_REQ_get_subject_name(csr), PKI_DN_COMMA, subj, sizeof subj);
	e->subject = strdup(subj);
	e->txid = txid ? strdup(txid) : NULL;
	if (state == PK_REQ_PENDING && (e->csr = malloc(len)) != NULL) {
		memcpy(e->csr, der, len);
		e->csr_len = len;
	}
	e->cs = cs;
	e->id = cs->next_id + 1;
	e->state = state;
	e->for_rollover = for_rollover;
	e->created = pk_device_now(cs->p->d);
	if (!e->subject || (txid && !e->txid) || (state == PK_REQ_PENDING && !e->csr) ||
	    pki_md5_hex(der, len, e->fp) < 0 || pki_cs_req_link(cs, e) < 0) {
		free(e->subject);
		free(e->txid);
		free(e->csr);
		free(e);
		return pk_err_set(PK_ENOMEM, "out of memory");
	}
	cs->next_id = e->id;
	if (state == PK_REQ_GRANTED)
		req_collected(cs, e);
	*out = e;
	return 0;
}

int pki_cs_req_link(pk_cs *cs, struct cs_req *e)
{
	char label[40];

	if (cs->nreqs == cs->capreqs) {
		size_t nc = cs->capreqs ? cs->capreqs * 2 : 16;
		struct cs_req **nr = realloc(cs->reqs, nc * sizeof *nr);
		if (!nr)
			return pk_err_set(PK_ENOMEM, "out of memory");
		cs->reqs = nr;
		cs->capreqs = nc;
	}
	snprintf(label, sizeof label, "ER EXPIRE %ld", e->id);
	tmr_init(&e->timer, TMR_G_CS, label, er_expire_cb, e);
	cs->reqs[cs->nreqs++] = e;
	if (e->collected)
		cs->ncollected++;
	if (e->txid) {
		unsigned h = txh(e->txid);
		e->hnext = cs->txh[h];
		cs->txh[h] = e;
	}
	if (e->state == PK_REQ_PENDING && timers_live(cs))
		tmr_start(pk_device_timers(cs->p->d), &e->timer, e->created + cs->cfg.life_er);
	return 0;
}

/* ---- issuance ------------------------------------------------------------------ */

/* Build the certificate for csr (unsigned) and take a reference to the
 * key that must sign it.  The serial is allocated (and persisted) last, so
 * a refused request costs none. */
static int issue(pk_cs *cs, X509_REQ *csr, int rollover, X509 **tbs, EVP_PKEY **key)
{
	X509 *ca = rollover ? pki_cs_rca(cs) : pki_cs_ca(cs);
	STACK_OF(X509_EXTENSION) *exts = NULL;
	struct pki_certspec s;
	unsigned char aki[64];
	size_t aki_len;
	char label[80];
	pk_key *k;
	tmr_ms now = pk_device_now(cs->p->d), ca_nb, ca_na;
	int rc;

	*tbs = NULL;
	*key = NULL;
	if (!ca)
		return pk_err_set(PK_ESTATE, "no %sCA certificate", rollover ? "rollover " : "");
	snprintf(label, sizeof label, "%s%s", cs->name, rollover ? "#" : "");
	k = pk_key_find(cs->p, label);
	if (!k)
		return pk_err_set(PK_ESTATE, "Server key not found, waiting for (offline) key. Keypair label %s.",
				  label);
	ca_nb = pki_time_ms(X509_get0_notBefore(ca));
	ca_na = pki_time_ms(X509_get0_notAfter(ca));
	memset(&s, 0, sizeof s);
	s.nb = rollover ? ca_nb : pki_floor_sec(now);
	if (s.nb >= ca_na)
		return pk_err_set(PK_ESTATE, "The CA certificate has expired");
	s.na = s.nb + cs->cfg.life_cert < ca_na ? s.nb + cs->cfg.life_cert : ca_na;
	rc = pki_cs_ca_key_id(ca, aki, &aki_len);
	if (rc < 0)
		return rc;
	s.spki = X509_REQ_get_X509_PUBKEY(csr);
	if (!s.spki || !X509_REQ_get0_pubkey(csr))
		return pk_err_ossl(PK_EINVAL, "the request has no usable public key");
	exts = X509_REQ_get_extensions(csr);
	ERR_clear_error();
	s.subject = X509_REQ_get_subject_name(csr);
	s.issuer = X509_get_subject_name(ca);
	s.aki = aki;
	s.aki_len = aki_len;
	s.cdp = cs->cfg.cdp_url;
	s.req_exts = exts;
	rc = pki_cs_serial_next(cs, &s.serial);
	if (rc == 0)
		rc = pki_cert_build(&s, tbs);
	sk_X509_EXTENSION_pop_free(exts, X509_EXTENSION_free);
	if (rc < 0)
		return rc;
	EVP_PKEY_up_ref(k->pkey);
	*key = k->pkey;
	return 0;
}

static X509_REQ *csr_parse(const unsigned char *der, size_t len)
{
	const unsigned char *p = der;
	X509_REQ *r = d2i_X509_REQ(NULL, &p, (long)len);

	if (r && p != der + len) {
		X509_REQ_free(r);
		r = NULL;
	}
	return r;
}

/* Sign a pending entry's certificate now, under the lock (manual grant). */
static int grant_now(pk_cs *cs, struct cs_req *e)
{
	X509_REQ *csr = csr_parse(e->csr, e->csr_len);
	X509 *x = NULL;
	EVP_PKEY *key = NULL;
	int rc;

	if (!csr)
		return pk_err_ossl(PK_EINVAL, "request %ld: unreadable PKCS #10", e->id);
	rc = issue(cs, csr, e->for_rollover && pki_cs_rca(cs), &x, &key);
	if (rc == 0)
		rc = pki_cert_sign(x, key, cs->cfg.hash);
	if (rc == 0) {
		X509 *y = pki_cert_reparse(x);
		X509_free(x);
		x = y;
		rc = x ? 0 : PK_ECRYPTO;
	}
	if (rc == 0)
		rc = pki_cs_record_cert(cs, x);
	if (rc == 0) {
		tmr_stop(pk_device_timers(cs->p->d), &e->timer);
		e->state = PK_REQ_GRANTED;
		pki_cert_serial(x, &e->serial);
		e->cert = x;
		x = NULL;
		free(e->csr);
		e->csr = NULL;
		e->csr_len = 0;
	}
	X509_free(x);
	EVP_PKEY_free(key);
	X509_REQ_free(csr);
	return rc;
}

/* ---- the request database API ------------------------------------------------------ */

size_t pk_cs_requests(const pk_cs *cs, struct pk_req_view *out, size_t max)
{
	size_t i, n = 0;

	for (i = cs->nreqs; out && i-- > 0 && n < max; n++) {
		const struct cs_req *e = cs->reqs[i];
		struct pk_req_view *v = &out[n];

		memset(v, 0, sizeof *v);
		v->id = e->id;
		v->state = e->state;
		memcpy(v->fp, e->fp, sizeof v->fp);
		/* escaped again: an entry read back from a NAME.rdb written
		 * before subjects were escaped may hold control characters */
		pk_visible(v->subject, sizeof v->subject, e->subject, strlen(e->subject), 0);
		v->created = e->created;
	}
	return cs->nreqs;
}

static int serving(const pk_cs *cs)
{
	if (!cs->enabled)
		return pk_err_set(PK_ESTATE, "Certificate server %s is not enabled", cs->name);
	if (pki_cs_dead(cs))
		return pk_err_set(PK_ESTATE, "The CA certificate has expired");
	return 0;
}

int pk_cs_grant(pk_cs *cs, long id)
{
	struct cs_req *e;
	int rc = serving(cs), last = 0;
	size_t i;

	if (rc < 0)
		return rc;
	if (id >= 0) {
		e = req_find(cs, id);
		if (!e)
			return pk_err_set(PK_ENOENT, "Request %ld not found", id);
		if (e->state != PK_REQ_PENDING)
			return pk_err_set(PK_ESTATE, "Request %ld is not pending", id);
		last = grant_now(cs, e);
	} else {
		for (i = 0; i < cs->nreqs; i++)
			if (cs->reqs[i]->state == PK_REQ_PENDING &&
			    (rc = grant_now(cs, cs->reqs[i])) < 0)
				last = rc;
	}
	/* the certificates wait for their requesters: on disk before we say so */
	rc = pki_cs_reqdb_save(cs, 1);
	return last < 0 ? last : rc;
}

static void reject_one(pk_cs *cs, struct cs_req *e)
{
	tmr_stop(pk_device_timers(cs->p->d), &e->timer);
	e->state = PK_REQ_REJECTED;
	free(e->csr);
	e->csr = NULL;
	e->csr_len = 0;
}

int pk_cs_reject(pk_cs *cs, long id)
{
	struct cs_req *e;
	size_t i;

	if (id >= 0) {
		e = req_find(cs, id);
		if (!e)
			return pk_err_set(PK_ENOENT, "Request %ld not found", id);
		if (e->state != PK_REQ_PENDING)
			return pk_err_set(PK_ESTATE, "Request %ld is not pending", id);
		reject_one(cs, e);
	} else {
		for (i = 0; i < cs->nreqs; i++)
			if (cs->reqs[i]->state == PK_REQ_PENDING)
				reject_one(cs, cs->reqs[i]);
	}
	return pki_cs_reqdb_save(cs, 1);
}

int pk_cs_remove(pk_cs *cs, long id)
{
	long i;

	if (id < 0) {
		while (cs->nreqs)
			req_remove_at(cs, cs->nreqs - 1);
	} else {
		i = req_index(cs, id);
		if (i < 0)
			return pk_err_set(PK_ENOENT, "Request %ld not found", id);
		req_remove_at(cs, (size_t)i);
	}
	return pki_cs_reqdb_save(cs, 1);
}

int pk_cs_submit_csr(pk_cs *cs, const unsigned char *der, size_t len, long *id)
{
	X509_REQ *csr = NULL;
	struct cs_req *e;
	int rc = serving(cs);

	if (id)
		*id = 0;
	if (rc < 0)
		return rc;
	if (cs->cfg.grant == PK_GRANT_NONE)
		return pk_err_set(PK_EDENIED, "Enrollment requests are rejected (grant none)");
	/* operator-facing messages: no OpenSSL error queue appended */
	csr = csr_parse(der, len);
	if (!csr) {
		rc = pk_err_set(PK_EINVAL, "not a valid PKCS #10 request");
		goto out;
	}
	if (X509_REQ_verify(csr, X509_REQ_get0_pubkey(csr)) != 1) {
		rc = pk_err_set(PK_EINVAL, "the request's signature does not verify");
		goto out;
	}
	rc = req_new(cs, der, len, csr, NULL, 0, PK_REQ_PENDING, &e);
	if (rc < 0)
		goto out;
	if (id)
		*id = e->id;
	if (cs->cfg.grant == PK_GRANT_AUTO)
		rc = grant_now(cs, e);
	if (pki_cs_reqdb_save(cs, 1) < 0 && rc == 0)
		rc = PK_EIO;
out:
	ERR_clear_error();
	X509_REQ_free(csr);
	return rc;
}

const struct x509_st *pk_cs_request_cert(const pk_cs *cs, long id)
{
	const struct cs_req *e = req_find(cs, id);
	return e && e->state == PK_REQ_GRANTED ? e->cert : NULL;
}

/* ---- SCEP decisions ------------------------------------------------------------------------ */

__attribute__((format(printf, 3, 4)))
static int scep_fail(struct pk_scep_result *res, int info, const char *fmt, ...)
{
	va_list ap;

	res->status = PK_SCEP_FAILURE;
	res->fail_info = info;
	va_start(ap, fmt);
	vsnprintf(res->fail_text, sizeof res->fail_text, fmt, ap);
	va_end(ap);
	return 0;
}

enum { FAIL_BADALG, FAIL_BADMESSAGECHECK, FAIL_BADREQUEST, FAIL_BADTIME, FAIL_BADCERTID };

static int time_valid(X509 *c, tmr_ms now)
{
	return pki_time_ms(X509_get0_notBefore(c)) <= now && now < pki_time_ms(X509_get0_notAfter(c));
}

/* The SubjectAltName of a request (its extensionRequest) or NULL. */
static GENERAL_NAMES *req_san(X509_REQ *csr)
{
	STACK_OF(X509_EXTENSION) *exts = X509_REQ_get_extensions(csr);
	GENERAL_NAMES *g = exts ? X509V3_get_d2i(exts, NID_subject_alt_name, NULL, NULL) : NULL;

	sk_X509_EXTENSION_pop_free(exts, X509_EXTENSION_free);
	return g;
}

/* Every name of `want` is, DER for DER, one of `have`'s. */
static int names_within(const GENERAL_NAMES *want, const GENERAL_NAMES *have)
{
	int i, j;

	for (i = 0; i < sk_GENERAL_NAME_num(want); i++) {
		GENERAL_NAME *w = sk_GENERAL_NAME_value(want, i);
		int found = 0;
		for (j = 0; j < sk_GENERAL_NAME_num(have) && !found; j++)
			found = GENERAL_NAME_cmp(w, sk_GENERAL_NAME_value(have, j)) == 0;
		if (!found)
			return 0;
	}
	return 1;
}

static int same_name_der(const X509_NAME *a, const X509_NAME *b)
{
	const unsigned char *da = NULL, *db = NULL;
	size_t la = 0, lb = 0;

	return X509_NAME_get0_der((X509_NAME *)a, &da, &la) == 1 &&
	       X509_NAME_get0_der((X509_NAME *)b, &db, &lb) == 1 && la == lb &&
	       memcmp(da, db, la) == 0;
}

/* The signer was issued by this server (active or rollover CA). */
static int issued_here(const pk_cs *cs, X509 *signer)
{
	X509 *cas[2] = { pki_cs_ca(cs), pki_cs_rca(cs) };
	uint64_t s, cas_serial;
	int i, ours = 0;

	if (!signer || pki_cert_serial(signer, &s) < 0)
		return 0;
	for (i = 0; i < 2 && !ours; i++) {
		if (!cas[i] || (pki_cert_serial(cas[i], &cas_serial) == 0 && cas_serial == s))
			continue;
		ours = X509_NAME_cmp(X509_get_issuer_name(signer), X509_get_subject_name(cas[i])) == 0 &&
		       X509_verify(signer, X509_get0_pubkey(cas[i])) == 1;
	}
	ERR_clear_error();
	return ours;
}

/* A renewal that is granted by itself, whatever the grant mode (spec §3.5
 * rule 2; the rule: docs/scep.md "Renewals").  The signer is an end-entity
 * certificate this server issued, time-valid and not revoked, and the
 * request asks for nothing the signer does not already have: the same
 * subject byte for byte (no change of case, order or string type), and
 * subjectAltNames that are all among the signer's.  (Key usage and every
 * other extension of an issued certificate are the server's, not the
 * request's: they cannot widen.)  Anything else goes through the normal
 * grant mode; for a signer of ours the reason is in `debug crypto pki
 * server`.  Returns 1 for an automatic renewal. */
static int is_renewal(const pk_cs *cs, X509 *signer, X509_REQ *csr)
{
	GENERAL_NAMES *want = NULL, *have = NULL;
	uint64_t s = 0;
	const char *why = NULL;
	char serial[24];
	int ok;

	if (!issued_here(cs, signer))
		return 0;
	pki_cert_serial(signer, &s);
	snprintf(serial, sizeof serial, "%02llX", (unsigned long long)s);
	if (X509_check_ca(signer) != 0)
		why = "it is a CA certificate";
	else if (!time_valid(signer, pk_device_now(cs->p->d)))
		why = "it is not valid now (expired, or not yet valid)";
	else if (pki_cs_revoked(cs, s))
		why = "it is revoked";
	else if (!same_name_der(X509_get_subject_name(signer), X509_REQ_get_subject_name(csr)))
		why = "the request's subject is not the certificate's, byte for byte";
	else {
		want = req_san(csr);
		have = X509_get_ext_d2i(signer, NID_subject_alt_name, NULL, NULL);
		if (want && !names_within(want, have))
			why = "the request adds subjectAltNames the certificate does not have";
	}
	GENERAL_NAMES_free(want);
	GENERAL_NAMES_free(have);
	ERR_clear_error();
	ok = why == NULL;
	if (ok)
		pk_debug(PK_DBG_SERVER, "CRYPTO_CS: renewal of certificate %s: granted automatically",
			 serial);
	else
		pk_debug(PK_DBG_SERVER, "CRYPTO_CS: signed by certificate %s, not an automatic renewal: "
			 "%s; the grant mode decides", serial, why);
	return ok;
}

/* grant auto trustpoint TP: the signer is issued by TP's CA and valid. */
static int chains_to(const pk_cs *cs, X509 *signer, const char *tpname)
{
	pk_tp *t = pk_tp_find(cs->p, tpname);
	X509 *ca = t ? t->certs[PK_TP_CA] : NULL;
	int ok;

	if (!signer || !ca)
		return 0;
	ok = X509_check_issued(ca, signer) == X509_V_OK &&
	     X509_verify(signer, X509_get0_pubkey(ca)) == 1 &&
	     time_valid(signer, pk_device_now(cs->p->d));
	ERR_clear_error();
	return ok;
}

/* The state of an existing entry as a SCEP answer. */
static int answer(pk_cs *cs, struct cs_req *e, struct pk_scep_result *res)
{
	res->reqid = e->id;
	switch (e->state) {
	case PK_REQ_PENDING:
		res->status = PK_SCEP_PENDING;
		return 0;
	case PK_REQ_GRANTED:
		if (e->cert && X509_up_ref(e->cert)) {
			res->status = PK_SCEP_SUCCESS;
			res->cert = e->cert;
		} else if (e->serial) {
			/* collected before a restart: the certificate is looked up */
			res->cert = pki_cs_find_cert(cs, e->serial);
			if (!res->cert)
				return scep_fail(res, FAIL_BADCERTID, "certificate %llX of request %ld "
						 "is no longer available", (unsigned long long)e->serial,
						 e->id);
			res->status = PK_SCEP_SUCCESS;
		} else {
			res->status = PK_SCEP_PENDING;   /* being signed right now */
		}
		return 0;
	default:
		req_collected(cs, e);
		return scep_fail(res, FAIL_BADREQUEST, "request %ld was rejected", e->id);
	}
}

static int scep_enroll(pk_cs *cs, const struct pk_scep_req *req, struct pk_scep_result *res)
{
	X509_REQ *own = NULL, *csr = (X509_REQ *)req->csr;
	unsigned char *der = NULL;
	const unsigned char *cder = req->csr_der;
	size_t clen = req->csr_len;
	X509 *signer = (X509 *)req->signer, *tbs = NULL;
	EVP_PKEY *key = NULL;
	struct cs_req *e = req_by_txid(cs, req->transaction_id, 1);
	int rc = 0, grant, ch, rollover = req->for_rollover;

	if (e)
		return answer(cs, e, res);
	if (cs->cfg.grant == PK_GRANT_NONE)
		return scep_fail(res, FAIL_BADREQUEST, "all enrollment requests are rejected");
	if (!csr && cder && (csr = own = csr_parse(cder, clen)) == NULL) {
		rc = scep_fail(res, FAIL_BADREQUEST, "not a valid PKCS #10 request");
		goto out;
	}
	if (!csr) {
		rc = scep_fail(res, FAIL_BADREQUEST, "no PKCS #10 request");
		goto out;
	}
	if (!cder) {
		int n = i2d_X509_REQ(csr, &der);
		if (n <= 0) {
			rc = pk_err_ossl(PK_ECRYPTO, "cannot encode the request");
			scep_fail(res, FAIL_BADREQUEST, "internal error");
			goto out;
		}
		cder = der;
		clen = (size_t)n;
	}
	if (X509_REQ_verify(csr, X509_REQ_get0_pubkey(csr)) != 1) {
		rc = scep_fail(res, FAIL_BADREQUEST, "the request's signature does not verify");
		goto out;
	}
	if (rollover && !pki_cs_rca(cs)) {
		rc = scep_fail(res, FAIL_BADREQUEST, "no rollover CA certificate");
		goto out;
	}
	grant = is_renewal(cs, signer, csr);
	if (!grant) {
		/* no challenge at all is no mismatch: the grant mode decides */
		ch = req->challenge && *req->challenge ? pki_cs_challenge(cs, req->challenge) : -1;
		if (ch == 0) {
			rc = scep_fail(res, FAIL_BADREQUEST, "challenge password mismatch");
			goto out;
		}
		if (ch == 1) {
			/* granted by the secret it carries: never twice, not even
			 * after a restart (cs_replay.c) */
			unsigned char rk[CS_REPLAY_KEYLEN];
			if (pki_cs_replay_key(req->transaction_id, req->sender_nonce, req->nonce_len,
					      rk) == 0) {
				if (pki_cs_replay_seen(cs, rk)) {
					pk_debug(PK_DBG_SERVER, "CRYPTO_CS: replayed message: this request "
						 "was granted before by its challenge password");
					rc = scep_fail(res, FAIL_BADREQUEST, "replayed message: granted "
						       "before by its challenge password");
					goto out;
				}
				if (pki_cs_replay_add(cs, rk) < 0) {
					rc = scep_fail(res, FAIL_BADREQUEST, "the replay record cannot "
						       "be written");
					goto out;
				}
			}
		}
		grant = ch == 1 || cs->cfg.grant == PK_GRANT_AUTO ||
			(cs->cfg.grant == PK_GRANT_AUTO_TP && chains_to(cs, signer, cs->cfg.grant_tp));
	}
	if (!grant) {
		rc = req_new(cs, cder, clen, csr, req->transaction_id, rollover, PK_REQ_PENDING, &e);
		if (rc < 0) {
			scep_fail(res, FAIL_BADREQUEST, "internal error");
			goto out;
		}
		/* PENDING promises the request is kept: only once it is on disk */
		if (pki_cs_reqdb_save(cs, 1) < 0) {
			req_remove(cs, e);
			rc = scep_fail(res, FAIL_BADREQUEST, "the request database cannot be written");
			goto out;
		}
		res->status = PK_SCEP_PENDING;
		res->reqid = e->id;
		goto out;
	}
	rc = issue(cs, csr, rollover, &tbs, &key);
	if (rc == 0)
		rc = req_new(cs, cder, clen, csr, req->transaction_id, rollover, PK_REQ_GRANTED, &e);
	if (rc < 0) {
		scep_fail(res, FAIL_BADREQUEST, "%s", pk_err_msg());
		goto out;
	}
	res->status = PK_SCEP_SUCCESS;
	res->reqid = e->id;
	res->tbs = tbs;
	res->sign_key = key;
	tbs = NULL;
	key = NULL;
	snprintf(res->md, sizeof res->md, "%s", cs->cfg.hash);
	res->rollover = rollover;
out:
	ERR_clear_error();
	X509_free(tbs);
	EVP_PKEY_free(key);
	X509_REQ_free(own);
	OPENSSL_free(der);
	return rc;
}

int pk_cs_scep(pk_cs *cs, const struct pk_scep_req *req, struct pk_scep_result *res)
{
	struct cs_req *e;
	uint64_t serial;

	memset(res, 0, sizeof *res);
	if (!cs->enabled)
		return scep_fail(res, FAIL_BADREQUEST, "the certificate server is disabled");
	if (pki_cs_dead(cs))
		return scep_fail(res, FAIL_BADREQUEST, "the CA certificate has expired");
	switch (req->kind) {
	case PK_SCEP_GETCRL:
		if (!cs->crl || !X509_CRL_up_ref(cs->crl))
			return scep_fail(res, FAIL_BADCERTID, "no CRL");
		res->crl = cs->crl;
		res->status = PK_SCEP_SUCCESS;
		return 0;
	case PK_SCEP_GETCERT:
		if (!req->serial || pki_parse_serial(req->serial, &serial) < 0 ||
		    !(res->cert = pki_cs_find_cert(cs, serial)))
			return scep_fail(res, FAIL_BADCERTID, "no certificate with serial %s",
					 req->serial ? req->serial : "(none)");
		res->status = PK_SCEP_SUCCESS;
		return 0;
	case PK_SCEP_CERTPOLL:
		e = req_by_txid(cs, req->transaction_id, 0);
		if (!e)
			return scep_fail(res, FAIL_BADCERTID, "no request with this transaction id");
		return answer(cs, e, res);
	case PK_SCEP_PKCSREQ:
	case PK_SCEP_RENEWALREQ:
		return scep_enroll(cs, req, res);
	}
	return scep_fail(res, FAIL_BADREQUEST, "unsupported message type");
}

int pk_cs_sign(struct pk_scep_result *res)
{
	int rc;

	if (res->cert)
		return 0;
	if (!res->tbs || !res->sign_key)
		return pk_err_set(PK_EINVAL, "nothing to sign");
	rc = pki_cert_sign(res->tbs, res->sign_key, res->md);
	if (rc < 0)
		return rc;
	/* no parse back: decoding the key again would cost OpenSSL 3.0
	 * more than the signature did (see pki.h) */
	if (!X509_up_ref(res->tbs))
		return pk_err_set(PK_ENOMEM, "out of memory");
	res->cert = res->tbs;
	return 0;
}

int pk_cs_record(pk_cs *cs, struct pk_scep_result *res)
{
	struct cs_req *e;
	int rc;

	if (res->reqid == 0 || res->status != PK_SCEP_SUCCESS)
		return 0;
	e = req_find(cs, res->reqid);
	if (!res->tbs) {                 /* an existing certificate re-sent */
		if (e)
			req_collected(cs, e);
		return 0;
	}
	if (!res->cert) {
		if (e)
			req_remove(cs, e);
		return pk_err_set(PK_ESTATE, "the certificate was not signed");
	}
	rc = pki_cs_record_cert(cs, res->cert);
	if (rc < 0) {
		if (e)
			req_remove(cs, e);
		return rc;
	}
	/* the entry made by pk_cs_scep, unless the server changed meanwhile */
	if (e && e->state == PK_REQ_GRANTED && !e->cert) {
		char subj[1024];
		pki_dn_format(X509_get_subject_name(res->cert), PKI_DN_COMMA, subj, sizeof subj);
		if (strcmp(subj, e->subject) == 0 && X509_up_ref(res->cert)) {
			e->cert = res->cert;
			pki_cert_serial(res->cert, &e->serial);
			pki_cs_reqdb_save(cs, 0);
		}
	}
	return 0;
}

void pk_scep_result_free(struct pk_scep_result *res)
{
	if (!res)
		return;
	X509_free(res->tbs);
	X509_free(res->cert);
	EVP_PKEY_free(res->sign_key);
	X509_CRL_free(res->crl);
	memset(res, 0, sizeof *res);
}

/*
 * crl_cache.c — the client's parsed CRL cache (core/crl.h): CRLs fetched
 * for trustpoints, verified against the trustpoint's CA, one per issuer,
 * in RAM only (a reload empties it, as on IOS), with their CRL timers.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/err.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include "core/crl.h"
#include "core/pki_int.h"

struct crl_ent {
	pk_pki *p;
	X509_CRL *crl;
	char issuer[1024];       /* comma form, as show prints it */
	char tp[128];
	char source[512];
	tmr_ms downloaded;
	tmr_ms delete_at;        /* crl cache delete-after: 0 = none */
	size_t der_len;
	tmr expire_t, update_t;
};

struct crl_retry {
	pk_pki *p;
	char tp[128];
	int attempts;
	tmr t;
};

struct pki_crlc {
	struct crl_ent **e;      /* download order */
	size_t n, cap;
	struct crl_retry **r;
	size_t nr, capr;
	pk_crl_fetch_fn fn;
	void *arg;
};

static struct pki_crlc *cc(pk_pki *p, int create)
{
	if (!p->crlc && create)
		p->crlc = calloc(1, sizeof *p->crlc);
	return p->crlc;
}

static tmr_ms now_of(pk_pki *p)
{
	return pk_device_now(p->d);
}

static tmr_queue *q_of(pk_pki *p)
{
	return pk_device_timers(p->d);
}

static tmr_ms next_of(const X509_CRL *crl)
{
	const ASN1_TIME *t = X509_CRL_get0_nextUpdate(crl);
	return t ? pki_time_ms(t) : 0;
}

static void ent_free(struct crl_ent *e)
{
	if (!e)
		return;
	tmr_stop(q_of(e->p), &e->expire_t);
	tmr_stop(q_of(e->p), &e->update_t);
	X509_CRL_free(e->crl);
	free(e);
}

static void ent_remove(pk_pki *p, struct crl_ent *e)
{
	struct pki_crlc *c = cc(p, 0);
	size_t i;

	if (!c)
		return;
	for (i = 0; i < c->n; i++) {
		if (c->e[i] == e) {
			memmove(c->e + i, c->e + i + 1, (c->n - i - 1) * sizeof *c->e);
			c->n--;
			break;
		}
	}
	ent_free(e);
}

static struct crl_ent *ent_find(pk_pki *p, const X509_NAME *issuer)
{
	struct pki_crlc *c = cc(p, 0);
	size_t i;

	if (!c || !issuer)
		return NULL;
	for (i = 0; i < c->n; i++)
		if (X509_NAME_cmp(X509_CRL_get_issuer(c->e[i]->crl), issuer) == 0)
			return c->e[i];
	return NULL;
}

/* ---- retries -------------------------------------------------------------------- */

static struct crl_retry *retry_find(pk_pki *p, const char *tp, size_t *idx)
{
	struct pki_crlc *c = cc(p, 0);
	size_t i;

	if (!c)
		return NULL;
	for (i = 0; i < c->nr; i++) {
		if (strcmp(c->r[i]->tp, tp) == 0) {
			if (idx)
				*idx = i;
			return c->r[i];
		}
	}
	return NULL;
}

static void retry_drop(pk_pki *p, const char *tp)
{
	struct pki_crlc *c = cc(p, 0);
	size_t i;
	struct crl_retry *r = retry_find(p, tp, &i);

	if (!r)
		return;
	tmr_stop(q_of(p), &r->t);
	memmove(c->r + i, c->r + i + 1, (c->nr - i - 1) * sizeof *c->r);
	c->nr--;
	free(r);
}

static void fetch_now(pk_pki *p, const char *tp_in)
{
	struct pki_crlc *c = cc(p, 0);
	char tp[128];

	snprintf(tp, sizeof tp, "%s", tp_in);     /* the caller's record may go meanwhile */
	if (!c || !c->fn)
		return;
	if (!pk_tp_find(p, tp)) {
		retry_drop(p, tp);
		return;
	}
	pk_debug(PK_DBG_TRANS, "CRYPTO_PKI: CRL download for trustpoint %s", tp);
	c->fn(p, tp, c->arg);
}

static void on_retry(tmr *t, void *arg)
{
	struct crl_retry *r = arg;

	(void)t;
	fetch_now(r->p, r->tp);
}

void pk_crl_fetch_failed(pk_pki *p, const char *tp)
{
	struct pki_crlc *c = cc(p, 1);
	struct crl_retry *r;

	if (!c || !tp)
		return;
	r = retry_find(p, tp, NULL);
	if (!r) {
		if (c->nr == c->capr) {
			size_t nc = c->capr ? c->capr * 2 : 4;
			struct crl_retry **nr = realloc(c->r, nc * sizeof *nr);
			if (!nr)
				return;
			c->r = nr;
			c->capr = nc;
		}
		r = calloc(1, sizeof *r);
		if (!r)
			return;
		r->p = p;
		snprintf(r->tp, sizeof r->tp, "%s", tp);
		tmr_init(&r->t, TMR_G_CRL, "CRL auto-download retry timer", on_retry, r);
		c->r[c->nr++] = r;
	}
	if (++r->attempts > PK_CRL_RETRY_MAX) {
		pk_debug(PK_DBG_TRANS, "CRYPTO_PKI: CRL download for trustpoint %s: %d attempts failed, "
			 "giving up", tp, PK_CRL_RETRY_MAX);
		retry_drop(p, tp);
		return;
	}
	tmr_start(q_of(p), &r->t, now_of(p) + PK_CRL_RETRY_INTERVAL);
	pk_device_kick(p->d);
}

void pk_crl_fetch_ok(pk_pki *p, const char *tp)
{
	if (cc(p, 0) && tp)
		retry_drop(p, tp);
}

void pk_crl_set_fetcher(pk_pki *p, pk_crl_fetch_fn fn, void *arg)
{
	struct pki_crlc *c = cc(p, 1);

	if (!c)
		return;
	c->fn = fn;
	c->arg = arg;
}

/* ---- timers --------------------------------------------------------------------- */

/* CRL EXPIRE: NextUpdate passed (the entry stays, stale), or the
 * delete-after time came (the entry goes). */
static void on_expire(tmr *t, void *arg)
{
	struct crl_ent *e = arg;

	(void)t;
	if (e->delete_at && now_of(e->p) >= e->delete_at) {
		pk_debug(PK_DBG_TRANS, "CRYPTO_PKI: CRL of %s deleted from the cache (crl cache "
			 "delete-after)", e->issuer);
		ent_remove(e->p, e);
		return;
	}
	pk_debug(PK_DBG_TRANS, "CRYPTO_PKI: CRL of %s expired (NextUpdate passed)", e->issuer);
}

static void on_update(tmr *t, void *arg)
{
	struct crl_ent *e = arg;

	(void)t;
	fetch_now(e->p, e->tp);   /* may replace or remove e: not used after */
}

static void arm(struct crl_ent *e)
{
	tmr_queue *q = q_of(e->p);
	tmr_ms nu = next_of(e->crl), now = now_of(e->p), ex;
	char label[64];

	snprintf(label, sizeof label, "CRL EXPIRE %.40s", e->issuer);
	tmr_set_label(&e->expire_t, label);
	snprintf(label, sizeof label, "CRL UPDATE *%.40s", e->issuer);
	tmr_set_label(&e->update_t, label);
	tmr_stop(q, &e->expire_t);
	tmr_stop(q, &e->update_t);
	ex = nu > now ? nu : 0;
	if (e->delete_at && (!ex || e->delete_at < ex))
		ex = e->delete_at > now ? e->delete_at : now;
	/* EXPIRE before UPDATE: at the same instant they show (and fire) in
	 * arming order, as in the csr8kv capture. */
	if (ex)
		tmr_start(q, &e->expire_t, ex);
	/* A CRL already past NextUpdate is not refetched by its own timer (it
	 * would fire again at once): the retry timer does that. */
	if (nu > now)
		tmr_start(q, &e->update_t, nu);
	pk_device_kick(e->p->d);
}

/* ---- verification ------------------------------------------------------------------ */

static int crl_number(const X509_CRL *crl, long long *out)
{
	ASN1_INTEGER *n = X509_CRL_get_ext_d2i(crl, NID_crl_number, NULL, NULL);
	int64_t v;
	int ok;

	if (!n)
		return 0;
	ok = ASN1_INTEGER_get_int64(&v, n);
	ASN1_INTEGER_free(n);
	if (ok)
		*out = (long long)v;
	return ok;
}

/* 0 when ca issued crl (name, AKI when present, signature). */
static int verify_by(const X509_CRL *crl, const X509 *ca)
{
	EVP_PKEY *pub;
	AUTHORITY_KEYID *akid;
	int ok;

	if (!ca)
		return -1;
	if (X509_NAME_cmp(X509_CRL_get_issuer(crl), X509_get_subject_name(ca)) != 0)
		return -1;
	akid = X509_CRL_get_ext_d2i(crl, NID_authority_key_identifier, NULL, NULL);
	if (akid) {
		const ASN1_OCTET_STRING *ski = X509_get0_subject_key_id((X509 *)ca);
		ok = !akid->keyid || !ski || ASN1_OCTET_STRING_cmp(akid->keyid, ski) == 0;
		AUTHORITY_KEYID_free(akid);
		if (!ok)
			return -1;
	}
	pub = X509_get0_pubkey(ca);
	ok = pub && X509_CRL_verify((X509_CRL *)crl, pub) == 1;
	ERR_clear_error();
	return ok ? 0 : -1;
}

int pk_crl_verify(pk_tp *t, const X509_CRL *crl)
{
	const X509 *ca = pk_tp_cert(t, PK_TP_CA), *rca = pk_tp_cert(t, PK_TP_CA_ROLLOVER);

	if (!crl)
		return pk_err_set(PK_EINVAL, "no CRL");
	if (!ca && !rca)
		return pk_err_set(PK_ESTATE, "trustpoint %s is not authenticated", pk_tp_name(t));
	if (verify_by(crl, ca) == 0 || verify_by(crl, rca) == 0)
		return 0;
	{
		char iss[512];
		pki_dn_format(X509_CRL_get_issuer(crl), PKI_DN_COMMA, iss, sizeof iss);
		if ((!ca || X509_NAME_cmp(X509_CRL_get_issuer(crl), X509_get_subject_name(ca)) != 0) &&
		    (!rca || X509_NAME_cmp(X509_CRL_get_issuer(crl), X509_get_subject_name(rca)) != 0))
			return pk_err_set(PK_EDENIED, "CRL issuer %s is not the CA of trustpoint %s",
					  iss, pk_tp_name(t));
		return pk_err_set(PK_EDENIED, "CRL signature verification failed: the CRL of %s was "
				  "not signed by the CA certificate of trustpoint %s", iss, pk_tp_name(t));
	}
}

/* ---- install ---------------------------------------------------------------------- */

/* 1 when a is older than b (a lower CRL number, else an earlier thisUpdate). */
static int older(const X509_CRL *a, const X509_CRL *b)
{
	long long na, nb;

	if (crl_number(a, &na) && crl_number(b, &nb))
		return na < nb;
	return pki_time_ms(X509_CRL_get0_lastUpdate(a)) < pki_time_ms(X509_CRL_get0_lastUpdate(b));
}

int pk_crl_install2(pk_tp *t, const unsigned char *der, size_t len, const char *source,
		    X509_CRL **out)
{
	pk_pki *p;
	struct pki_crlc *c;
	struct crl_ent *e;
	const unsigned char *pp = der;
	X509_CRL *crl;
	int rc;

	if (out)
		*out = NULL;
	if (!t || !der || len == 0 || len > (size_t)1 << 24)
		return pk_err_set(PK_EPROTO, "no CRL in the answer");
	p = t->p;
	crl = d2i_X509_CRL(NULL, &pp, (long)len);
	if (!crl || pp != der + len) {
		X509_CRL_free(crl);
		ERR_clear_error();
		return pk_err_set(PK_EPROTO, "the answer is not a DER CRL");
	}
	if ((rc = pk_crl_verify(t, crl)) < 0) {
		X509_CRL_free(crl);
		return rc;
	}
	if (out) {
		X509_CRL_up_ref(crl);
		*out = crl;
	}
	if (t->cfg.crl_cache == PK_CRLC_NONE) {
		X509_CRL_free(crl);
		return 0;
	}
	e = ent_find(p, X509_CRL_get_issuer(crl));
	if (e && older(crl, e->crl)) {
		X509_CRL_free(crl);
		return pk_err_set(PK_EEXIST, "the CRL fetched is older than the cached one");
	}
	if (!e) {
		if (!(c = cc(p, 1)))
			goto nomem;
		if (c->n == c->cap) {
			size_t nc = c->cap ? c->cap * 2 : 4;
			struct crl_ent **ne = realloc(c->e, nc * sizeof *ne);
			if (!ne)
				goto nomem;
			c->e = ne;
			c->cap = nc;
		}
		if (!(e = calloc(1, sizeof *e)))
			goto nomem;
		e->p = p;
		tmr_init(&e->expire_t, TMR_G_CRL, "CRL EXPIRE", on_expire, e);
		tmr_init(&e->update_t, TMR_G_CRL, "CRL UPDATE", on_update, e);
		c->e[c->n++] = e;
	}
	X509_CRL_free(e->crl);
	e->crl = crl;
	e->der_len = len;
	pki_dn_format(X509_CRL_get_issuer(crl), PKI_DN_COMMA, e->issuer, sizeof e->issuer);
	snprintf(e->tp, sizeof e->tp, "%s", t->name);
	snprintf(e->source, sizeof e->source, "%s", source ? source : "");
	e->downloaded = now_of(p);
	e->delete_at = t->cfg.crl_cache == PK_CRLC_DELETE_AFTER && t->cfg.crl_delete_after > 0 ?
		e->downloaded + (tmr_ms)t->cfg.crl_delete_after * TMR_MIN : 0;
	arm(e);
	return 0;
nomem:
	X509_CRL_free(crl);
	return pk_err_set(PK_ENOMEM, "out of memory");
}

int pk_crl_install(pk_tp *t, const unsigned char *der, size_t len, const char *source)
{
	return pk_crl_install2(t, der, len, source, NULL);
}

/* ---- lookups and views ----------------------------------------------------------------- */

const X509_CRL *pk_crl_cached(pk_pki *p, const X509_NAME *issuer)
{
	struct crl_ent *e = ent_find(p, issuer);
	return e ? e->crl : NULL;
}

int pk_crl_usable(pk_pki *p, const X509_CRL *crl)
{
	tmr_ms now = now_of(p), nu;

	if (!crl)
		return 0;
	nu = next_of(crl);
	return pki_time_ms(X509_CRL_get0_lastUpdate(crl)) <= now && (!nu || now < nu);
}

void pk_crl_cache_clear(pk_pki *p)
{
	struct pki_crlc *c = cc(p, 0);

	if (!c)
		return;
	while (c->n)
		ent_remove(p, c->e[c->n - 1]);
}

size_t pk_crl_count(pk_pki *p)
{
	struct pki_crlc *c = cc(p, 0);
	return c ? c->n : 0;
}

const X509_CRL *pk_crl_at(pk_pki *p, size_t i)
{
	struct pki_crlc *c = cc(p, 0);
	return c && i < c->n ? c->e[i]->crl : NULL;
}

int pk_crl_view(pk_pki *p, size_t i, struct pk_crl_entry_view *v)
{
	struct pki_crlc *c = cc(p, 0);
	struct crl_ent *e;
	STACK_OF(X509_REVOKED) *r;

	memset(v, 0, sizeof *v);
	if (!c || i >= c->n)
		return pk_err_set(PK_ENOENT, "no CRL %zu", i);
	e = c->e[i];
	snprintf(v->issuer, sizeof v->issuer, "%s", e->issuer);
	snprintf(v->tp, sizeof v->tp, "%s", e->tp);
	snprintf(v->source, sizeof v->source, "%s", e->source);
	v->this_update = pki_time_ms(X509_CRL_get0_lastUpdate(e->crl));
	v->next_update = next_of(e->crl);
	v->downloaded = e->downloaded;
	v->der_len = e->der_len;
	r = X509_CRL_get_REVOKED(e->crl);
	v->nrevoked = r ? (size_t)sk_X509_REVOKED_num(r) : 0;
	v->stale = !pk_crl_usable(p, e->crl);
	return 0;
}

size_t pk_crl_cache_bytes(pk_pki *p)
{
	struct pki_crlc *c = cc(p, 0);
	size_t i, n = 0;

	for (i = 0; c && i < c->n; i++)
		n += c->e[i]->der_len;
	return n;
}

void pki_crl_reset(pk_pki *p)
{
	struct pki_crlc *c = cc(p, 0);

	if (!c)
		return;
	pk_crl_cache_clear(p);
	while (c->nr)
		retry_drop(p, c->r[c->nr - 1]->tp);
}

void pki_crl_free(pk_pki *p)
{
	struct pki_crlc *c = cc(p, 0);

	if (!c)
		return;
	pki_crl_reset(p);
	free(c->e);
	free(c->r);
	free(c);
	p->crlc = NULL;
}

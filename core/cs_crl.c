/*
 * cs_crl.c — the certificate server's revocation list and CRL: NAME.crl,
 * CS CRL UPDATE, revoke/unrevoke, the CRL view (spec §1.7, §5.4).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <openssl/err.h>
#include <openssl/x509.h>

#include "core/cs_int.h"

/* ---- revocation list ------------------------------------------------------------- */

static long rev_index(const pk_cs *cs, uint64_t serial)
{
	size_t lo = 0, hi = cs->nrev;

	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		if (cs->rev[mid].serial == serial)
			return (long)mid;
		if (cs->rev[mid].serial < serial)
			lo = mid + 1;
		else
			hi = mid;
	}
	return -(long)lo - 1;
}

int pki_cs_revoked(const pk_cs *cs, uint64_t serial)
{
	return rev_index(cs, serial) >= 0;
}

static int rev_insert(pk_cs *cs, uint64_t serial, tmr_ms when)
{
	long i = rev_index(cs, serial);

	if (i >= 0)
		return 0;
	if (cs->nrev == cs->caprev) {
		size_t nc = cs->caprev ? cs->caprev * 2 : 16;
		struct pki_revoked *nr = realloc(cs->rev, nc * sizeof *nr);
		if (!nr)
			return pk_err_set(PK_ENOMEM, "out of memory");
		cs->rev = nr;
		cs->caprev = nc;
	}
	i = -i - 1;
	memmove(cs->rev + i + 1, cs->rev + i, (cs->nrev - (size_t)i) * sizeof *cs->rev);
	cs->rev[i].serial = serial;
	cs->rev[i].when = when;
	cs->nrev++;
	return 0;
}

static void rev_remove(pk_cs *cs, uint64_t serial)
{
	long i = rev_index(cs, serial);

	if (i < 0)
		return;
	memmove(cs->rev + i, cs->rev + i + 1, (cs->nrev - (size_t)i - 1) * sizeof *cs->rev);
	cs->nrev--;
}

/* The revoked serials survive restarts in NAME.crl: read them back when
 * the CRL was issued under this server's name.  The CRL itself is returned
 * (to be used as is, so that a restart keeps CRL NextUpdate and the
 * CS CRL UPDATE timer) when it is still current: signed by this CA's key
 * with the configured hash and lifetime, not yet due, and listing exactly
 * the revoked serials known.  NULL: a new CRL must be made. */
X509_CRL *pki_cs_rev_load(pk_cs *cs, const X509 *ca)
{
	char path[4200], *data = NULL;
	const unsigned char *pp;
	X509_CRL *crl = NULL;
	const EVP_MD *md = pki_md(cs->cfg.hash);
	tmr_ms now = pki_cs_now(cs), tu, nu;
	size_t len = 0;
	int i, n = 0, md_nid = NID_undef, reuse;

	pki_cs_db_path(cs, cs->name, path, sizeof path - 8);
	strcat(path, ".crl");
	if (pk_store_read(path, &data, &len) < 0)
		return NULL;
	pp = (const unsigned char *)data;
	crl = d2i_X509_CRL(NULL, &pp, (long)len);
	reuse = crl && X509_NAME_cmp(X509_CRL_get_issuer(crl), X509_get_subject_name(ca)) == 0;
	if (reuse) {
		STACK_OF(X509_REVOKED) *r = X509_CRL_get_REVOKED(crl);
		n = sk_X509_REVOKED_num(r);
		for (i = 0; i < n; i++) {
			const X509_REVOKED *e = sk_X509_REVOKED_value(r, i);
			uint64_t s;
			if (ASN1_INTEGER_get_uint64(&s, X509_REVOKED_get0_serialNumber(e)))
				rev_insert(cs, s, pki_time_ms(X509_REVOKED_get0_revocationDate(e)));
		}
		tu = pki_time_ms(X509_CRL_get0_lastUpdate(crl));
		nu = X509_CRL_get0_nextUpdate(crl) ? pki_time_ms(X509_CRL_get0_nextUpdate(crl)) : 0;
		reuse = (n < 0 ? 0 : (size_t)n) == cs->nrev && tu <= now && now < nu &&
			nu - tu == cs->cfg.life_crl && md &&
			OBJ_find_sigid_algs(X509_CRL_get_signature_nid(crl), &md_nid, NULL) &&
			md_nid == EVP_MD_get_type(md) &&
			X509_CRL_verify(crl, X509_get0_pubkey(ca)) == 1;
	}
	ERR_clear_error();
	free(data);
	if (!reuse) {
		X509_CRL_free(crl);
		crl = NULL;
	}
	return crl;
}

/* ---- CRL --------------------------------------------------------------------------- */

/* Build and sign a CRL with the active CA key, write NAME.crl, then swap
 * it in and re-arm CS CRL UPDATE.  Nothing changes on failure. */
int pki_cs_crl_update(pk_cs *cs)
{
	X509 *ca = pki_cs_ca(cs);
	pk_key *k = pki_cs_key(cs, 0);
	X509_CRL *crl = NULL;
	unsigned char *der = NULL;
	char path[4200];
	tmr_ms now = pki_cs_now(cs), t = pki_floor_sec(now);
	int len, rc;

	if (!ca || !k)
		return pk_err_set(PK_ESTATE, "no CA certificate or key");
	rc = pki_crl_build(ca, k->pkey, cs->cfg.hash, t, t + cs->cfg.life_crl, cs->rev, cs->nrev,
			   &crl);
	if (rc < 0)
		return rc;
	len = i2d_X509_CRL(crl, &der);
	if (len <= 0) {
		X509_CRL_free(crl);
		return pk_err_ossl(PK_ECRYPTO, "cannot encode the CRL");
	}
	pki_cs_db_path(cs, cs->name, path, sizeof path - 8);
	strcat(path, ".crl");
	rc = pk_store_write(path, der, (size_t)len, 0644);
	OPENSSL_free(der);
	if (rc < 0) {
		X509_CRL_free(crl);
		return rc;
	}
	X509_CRL_free(cs->crl);
	cs->crl = crl;
	cs->crl_gen = now;
	pk_debug(PK_DBG_SERVER, "CRYPTO_CS: updated crl in memory ..");
	if (cs->enabled && tmr_clock_authoritative(pk_device_clock(cs->p->d)))
		tmr_start(pk_device_timers(cs->p->d), &cs->t_crl, now + cs->cfg.life_crl);
	return 0;
}

/* CS CRL UPDATE.  After a long jump of the clock only the last due
 * instant of the run matters: skip the ones nobody could observe. */
void pki_cs_crl_timer_cb(tmr *t, void *arg)
{
	pk_cs *cs = arg;
	tmr_queue *q = pk_device_timers(cs->p->d);
	tmr_ms now = pki_cs_now(cs), target = tmr_run_target(q), life = cs->cfg.life_crl;

	if (now + life <= target) {
		tmr_start(q, t, now + (target - now) / life * life);
		return;
	}
	/* the CA expires now and CS CERT EXPIRE will re-sign the CRL with the
	 * rollover key: no CRL from a CA at its last instant */
	if (pki_cs_rca(cs) && now >= pki_cs_cert_na(pki_cs_ca(cs)))
		return;
	if (pki_cs_crl_update(cs) < 0) {
		pk_log(PK_LOG_ERR, "%s:CRL update failed: %s", cs->name, pk_err_msg());
		tmr_start(q, t, now + life);
	}
}

int pk_cs_crl_view(const pk_cs *cs, struct pk_crl_view *v)
{
	memset(v, 0, sizeof *v);
	if (!cs->crl)
		return pk_err_set(PK_ENOENT, "No CRL");
	pki_dn_format(X509_CRL_get_issuer(cs->crl), PKI_DN_SPACE, v->issuer, sizeof v->issuer);
	v->this_update = pki_time_ms(X509_CRL_get0_lastUpdate(cs->crl));
	v->next_update = pki_time_ms(X509_CRL_get0_nextUpdate(cs->crl));
	v->der_len = (size_t)i2d_X509_CRL(cs->crl, NULL);
	if (X509_CRL_get_REVOKED(cs->crl))
		v->n = (size_t)sk_X509_REVOKED_num(X509_CRL_get_REVOKED(cs->crl));
	return 0;
}

int pk_cs_crl_entry(const pk_cs *cs, size_t i, char *serial, size_t n, tmr_ms *when)
{
	STACK_OF(X509_REVOKED) *r = cs->crl ? X509_CRL_get_REVOKED(cs->crl) : NULL;
	const X509_REVOKED *e;
	uint64_t s;
	char hex[24];

	if (!r || i >= (size_t)sk_X509_REVOKED_num(r))
		return pk_err_set(PK_ENOENT, "no such CRL entry");
	e = sk_X509_REVOKED_value(r, (int)i);
	if (!ASN1_INTEGER_get_uint64(&s, X509_REVOKED_get0_serialNumber(e))) {
		ERR_clear_error();
		return pk_err_set(PK_EINVAL, "serial number out of range");
	}
	snprintf(hex, sizeof hex, "%llX", (unsigned long long)s);
	snprintf(serial, n, "%s%s", strlen(hex) % 2 ? "0" : "", hex);
	if (when)
		*when = pki_time_ms(X509_REVOKED_get0_revocationDate(e));
	return 0;
}

const struct X509_crl_st *pk_cs_crl(const pk_cs *cs)
{
	return cs->crl;
}

static int revoke_check(pk_cs *cs, const char *text, uint64_t *serial)
{
	X509 *ca = pki_cs_ca(cs), *rca = pki_cs_rca(cs);
	uint64_t s, cas;
	int rc = pki_parse_serial(text, &s);

	if (rc < 0)
		return rc;
	if (!cs->enabled)
		return pk_err_set(PK_ESTATE, "Certificate server %s is not enabled", cs->name);
	if (s == 0 || s > cs->last_serial)
		return pk_err_set(PK_ENOENT, "Certificate %02llX was not issued by this server",
				  (unsigned long long)s);
	if ((ca && pki_cert_serial(ca, &cas) == 0 && cas == s) ||
	    (rca && pki_cert_serial(rca, &cas) == 0 && cas == s))
		return pk_err_set(PK_EINVAL, "The CA certificate cannot be revoked");
	*serial = s;
	return 0;
}

int pk_cs_revoke(pk_cs *cs, const char *serial)
{
	uint64_t s;
	int rc = revoke_check(cs, serial, &s);

	if (rc < 0)
		return rc;
	if (pki_cs_revoked(cs, s))
		return pk_err_set(PK_EEXIST, "Certificate %02llX is already revoked",
				  (unsigned long long)s);
	rc = rev_insert(cs, s, pki_floor_sec(pki_cs_now(cs)));
	if (rc == 0 && (rc = pki_cs_crl_update(cs)) < 0)
		rev_remove(cs, s);
	return rc;
}

int pk_cs_unrevoke(pk_cs *cs, const char *serial)
{
	uint64_t s;
	long i;
	struct pki_revoked old;
	int rc = revoke_check(cs, serial, &s);

	if (rc < 0)
		return rc;
	i = rev_index(cs, s);
	if (i < 0)
		return pk_err_set(PK_ENOENT, "Certificate %02llX is not revoked",
				  (unsigned long long)s);
	old = cs->rev[i];
	rev_remove(cs, s);
	rc = pki_cs_crl_update(cs);
	if (rc < 0)
		rev_insert(cs, old.serial, old.when);
	return rc;
}


/*
 * cs_rec.c — the certificate server's issued-certificate records: the
 * in-memory list of certificates issued since start, the database files
 * <serial>.cnm (levels names, complete) and <serial>.crt (level complete),
 * the listing `show crypto pki server NAME certificates` reads, and the
 * look-up GetCert uses.  Records are read only on demand, never at start-up.
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <openssl/err.h>

#include "core/cs_int.h"

/* ---- issued certificates ---------------------------------------------------------------- */

void pki_cs_issued_free(pk_cs *cs)
{
	size_t i;

	for (i = 0; i < cs->niss; i++)
		free(cs->iss[i].subject);
	free(cs->iss);
	cs->iss = NULL;
	cs->niss = cs->capiss = 0;
}

static int iss_add(pk_cs *cs, uint64_t serial, tmr_ms nb, tmr_ms na, const char *subject)
{
	struct cs_issued *r;

	if (cs->niss == cs->capiss) {
		size_t nc = cs->capiss ? cs->capiss * 2 : 64;
		struct cs_issued *ni = realloc(cs->iss, nc * sizeof *ni);
		if (!ni)
			return pk_err_set(PK_ENOMEM, "out of memory");
		cs->iss = ni;
		cs->capiss = nc;
	}
	r = &cs->iss[cs->niss];
	r->subject = strdup(subject);
	if (!r->subject)
		return pk_err_set(PK_ENOMEM, "out of memory");
	r->serial = serial;
	r->nb = nb;
	r->na = na;
	cs->niss++;
	return 0;
}

int pki_cs_write_cnm(pk_cs *cs, X509 *c)
{
	char subj[1024], path[4200], text[1400], nb[32], na[32];
	uint64_t serial;
	int rc, n;

	rc = pki_cert_serial(c, &serial);
	if (rc < 0)
		return rc;
	pki_dn_format(X509_get_subject_name(c), PKI_DN_SPACE, subj, sizeof subj);
	tmr_fmt_iso(pki_time_ms(X509_get0_notBefore(c)), nb, sizeof nb);
	tmr_fmt_iso(pki_time_ms(X509_get0_notAfter(c)), na, sizeof na);
	n = snprintf(text, sizeof text, "serial %llX\nissued %s\nexpires %s\nsubject %s\n",
		     (unsigned long long)serial, nb, na, subj);
	snprintf(path, sizeof path, "%s/%llX.cnm", cs->dbdir, (unsigned long long)serial);
	return pk_store_write_new(path, text, (size_t)n, 0644);
}

/* The records of a new certificate: <serial>.crt first (level complete),
 * then <serial>.cnm, which is what the listing reads; neither replaces an
 * existing record (a serial is never issued twice).  A failure leaves no
 * record behind, and the caller does not issue the certificate; a crash
 * between the two files leaves a .crt that the next start completes. */
int pki_cs_record_cert(pk_cs *cs, X509 *c)
{
	char subj[1024], crt[4200];
	unsigned char *der = NULL;
	uint64_t serial;
	int rc, len, have_crt = 0;

	rc = pki_cert_serial(c, &serial);
	if (rc < 0)
		return rc;
	if (cs->cfg.db_level == PK_DB_COMPLETE) {
		len = i2d_X509(c, &der);
		if (len <= 0)
			return pk_err_ossl(PK_ECRYPTO, "cannot encode the certificate");
		snprintf(crt, sizeof crt, "%s/%llX.crt", cs->dbdir, (unsigned long long)serial);
		rc = pk_store_write_new(crt, der, (size_t)len, 0644);
		OPENSSL_free(der);
		if (rc < 0)
			goto fail;
		have_crt = 1;
	}
	if (cs->cfg.db_level >= PK_DB_NAMES && (rc = pki_cs_write_cnm(cs, c)) < 0) {
		if (have_crt)
			unlink(crt);
		goto fail;
	}
	pki_dn_format(X509_get_subject_name(c), PKI_DN_SPACE, subj, sizeof subj);
	return iss_add(cs, serial, pki_time_ms(X509_get0_notBefore(c)),
		       pki_time_ms(X509_get0_notAfter(c)), subj);
fail:
	if (rc == PK_EEXIST)
		pk_log(PK_LOG_ERR, "%s:certificate %llX is already in the database; not issued again",
		       cs->name, (unsigned long long)serial);
	return rc;
}

struct rec {
	uint64_t serial;
	tmr_ms nb, na;
	char *subject;
	int prio;                /* lower wins among equal serials */
};

static int rec_cmp(const void *a, const void *b)
{
	const struct rec *x = a, *y = b;

	if (x->serial != y->serial)
		return x->serial < y->serial ? -1 : 1;
	return x->prio - y->prio;
}

struct recs {
	struct rec *r;
	size_t n, cap;
};

static int recs_add(struct recs *rs, uint64_t serial, tmr_ms nb, tmr_ms na, const char *subj, int prio)
{
	if (rs->n == rs->cap) {
		size_t nc = rs->cap ? rs->cap * 2 : 64;
		struct rec *nr = realloc(rs->r, nc * sizeof *nr);
		if (!nr)
			return -1;
		rs->r = nr;
		rs->cap = nc;
	}
	rs->r[rs->n].subject = strdup(subj);
	if (!rs->r[rs->n].subject)
		return -1;
	rs->r[rs->n].serial = serial;
	rs->r[rs->n].nb = nb;
	rs->r[rs->n].na = na;
	rs->r[rs->n].prio = prio;
	rs->n++;
	return 0;
}

static tmr_ms parse_iso(const char *s)
{
	int y, mo, d, h, mi, se;

	if (sscanf(s, "%d-%d-%dT%d:%d:%dZ", &y, &mo, &d, &h, &mi, &se) != 6)
		return 0;
	return tmr_from_civil(y, mo, d, h, mi, se);
}

/* The .cnm records of the database directory. */
static void recs_scan(const pk_cs *cs, struct recs *rs)
{
	char dir[4096], path[4400], *data;
	DIR *dh;
	struct dirent *de;

	if (pk_device_path(cs->p->d, cs->cfg.db_url, dir, sizeof dir) < 0) {
		pk_err_clear();
		return;
	}
	dh = opendir(dir);
	if (!dh)
		return;
	while ((de = readdir(dh)) != NULL) {
		size_t len = strlen(de->d_name);
		unsigned long long serial = 0;
		tmr_ms nb = 0, na = 0;
		char *line, *save = NULL, *subj = NULL;

		if (len < 5 || strcmp(de->d_name + len - 4, ".cnm") != 0 ||
		    strspn(de->d_name, "0123456789ABCDEF") != len - 4)
			continue;
		snprintf(path, sizeof path, "%s/%s", dir, de->d_name);
		if (pk_store_read(path, &data, NULL) < 0)
			continue;
		for (line = strtok_r(data, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
			if (strncmp(line, "serial ", 7) == 0)
				serial = strtoull(line + 7, NULL, 16);
			else if (strncmp(line, "issued ", 7) == 0)
				nb = parse_iso(line + 7);
			else if (strncmp(line, "expires ", 8) == 0)
				na = parse_iso(line + 8);
			else if (strncmp(line, "subject ", 8) == 0)
				subj = line + 8;
		}
		if (serial && subj && recs_add(rs, serial, nb, na, subj, 2) < 0) {
			free(data);
			break;
		}
		free(data);
	}
	closedir(dh);
	pk_err_clear();
}

static void recs_add_cert(struct recs *rs, X509 *c, int prio)
{
	char subj[1024];
	uint64_t s;

	if (!c || pki_cert_serial(c, &s) < 0)
		return;
	pki_dn_format(X509_get_subject_name(c), PKI_DN_SPACE, subj, sizeof subj);
	recs_add(rs, s, pki_time_ms(X509_get0_notBefore(c)), pki_time_ms(X509_get0_notAfter(c)),
		 subj, prio);
}

size_t pk_cs_issued(const pk_cs *cs, struct pk_issued_view *out, size_t max)
{
	struct recs rs = { NULL, 0, 0 };
	size_t i, n = 0;

	for (i = 0; i < cs->niss; i++)
		recs_add(&rs, cs->iss[i].serial, cs->iss[i].nb, cs->iss[i].na, cs->iss[i].subject, 0);
	recs_add_cert(&rs, pki_cs_ca(cs), 1);
	recs_add_cert(&rs, pki_cs_rca(cs), 1);
	if (cs->cfg.db_level >= PK_DB_NAMES)
		recs_scan(cs, &rs);
	if (rs.n)
		qsort(rs.r, rs.n, sizeof *rs.r, rec_cmp);
	for (i = 0; i < rs.n; i++) {
		if (i > 0 && rs.r[i].serial == rs.r[i - 1].serial)
			continue;
		if (out && n < max) {
			struct pk_issued_view *v = &out[n];
			memset(v, 0, sizeof *v);
			snprintf(v->serial, sizeof v->serial, "%llX", (unsigned long long)rs.r[i].serial);
			v->issued = rs.r[i].nb;
			v->expires = rs.r[i].na;
			snprintf(v->subject, sizeof v->subject, "%s", rs.r[i].subject);
			v->revoked = pki_cs_revoked(cs, rs.r[i].serial);
		}
		n++;
	}
	for (i = 0; i < rs.n; i++)
		free(rs.r[i].subject);
	free(rs.r);
	return n;
}

/* The certificate with this serial (a new reference), or NULL. */
X509 *pki_cs_find_cert(const pk_cs *cs, uint64_t serial)
{
	X509 *cands[2] = { pki_cs_ca(cs), pki_cs_rca(cs) };
	char path[4200], *data = NULL;
	X509 *x = NULL;
	size_t i, len = 0;
	uint64_t s;

	for (i = 0; i < 2; i++)
		if (cands[i] && pki_cert_serial(cands[i], &s) == 0 && s == serial &&
		    X509_up_ref(cands[i]))
			return cands[i];
	for (i = cs->nreqs; i-- > 0; ) {
		X509 *c = cs->reqs[i]->cert;
		if (c && pki_cert_serial(c, &s) == 0 && s == serial && X509_up_ref(c))
			return c;
	}
	if (cs->cfg.db_level == PK_DB_COMPLETE && cs->dbdir[0]) {
		snprintf(path, sizeof path, "%s/%llX.crt", cs->dbdir, (unsigned long long)serial);
		if (pk_store_read(path, &data, &len) == 0)
			pk_cert_parse((const unsigned char *)data, len, &x);
		free(data);
	}
	pk_err_clear();
	return x;
}


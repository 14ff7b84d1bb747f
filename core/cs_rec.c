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
#include "core/text.h"
#include "core/textrec.h"

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

/* ---- the <serial>.cnm record --------------------------------------------------------
 *
 *   serial 1A                      the serial of the file name (hex)
 *   issued 2015-10-09T13:14:16Z    notBefore
 *   expires 2016-10-08T13:14:16Z   notAfter
 *   subject cn=R1 ou=TAC           for people: only when every value is
 *                                  printable ASCII (the space form)
 *   subject-der MCQxDjAMBgNVBAMT…  the subject as the certificate has it
 *                                  (DER, base64 on one line): always
 *
 * One field per line, each once, in any order.  A subject comes from the
 * client: whatever bytes it holds read back exactly from subject-der, and
 * nothing in it can add a line (issue 10: a subject with "\nserial 99"
 * forged a record).  Records written before subject-der existed (the
 * same lines, the subject raw) are still read. */

/* The space form of a subject whose values are all printable ASCII, into
 * buf (whole); 0 when some value is not (or it does not fit). */
static int dn_plain(const X509_NAME *name, char *buf, size_t size)
{
	int i, cnt = X509_NAME_entry_count(name);

	for (i = 0; i < cnt; i++) {
		const ASN1_STRING *v = X509_NAME_ENTRY_get_data(X509_NAME_get_entry(name, i));
		unsigned char *utf = NULL;
		int len = ASN1_STRING_to_UTF8(&utf, v), j, ok = len >= 0;

		for (j = 0; ok && j < len; j++)
			ok = utf[j] >= 0x20 && utf[j] < 0x7f;
		OPENSSL_free(utf);
		if (!ok) {
			ERR_clear_error();
			return 0;
		}
	}
	pki_dn_format(name, PKI_DN_SPACE, buf, size);
	return strlen(buf) + 1 < size;
}

int pki_cs_write_cnm(pk_cs *cs, X509 *c)
{
	const X509_NAME *name = X509_get_subject_name(c);
	const unsigned char *der = NULL;
	size_t dlen = 0;
	struct pk_tb b = { NULL, 0, 0, 0 };
	char subj[1024], path[4200], nb[32], na[32];
	uint64_t serial;
	int rc;

	rc = pki_cert_serial(c, &serial);
	if (rc < 0)
		return rc;
	if (!name || X509_NAME_get0_der((X509_NAME *)name, &der, &dlen) != 1 || dlen == 0)
		return pk_err_ossl(PK_ECRYPTO, "cannot encode the certificate's subject");
	tmr_fmt_iso(pki_time_ms(X509_get0_notBefore(c)), nb, sizeof nb);
	tmr_fmt_iso(pki_time_ms(X509_get0_notAfter(c)), na, sizeof na);
	pk_tb_printf(&b, "serial %llX\nissued %s\nexpires %s\n", (unsigned long long)serial, nb, na);
	if (dn_plain(name, subj, sizeof subj)) {
		pk_tb_put(&b, "subject ", 8);
		pk_tb_put(&b, subj, strlen(subj));
		pk_tb_put(&b, "\n", 1);
	}
	pk_tb_b64(&b, "subject-der", der, dlen);
	if (b.oom) {
		free(b.p);
		return pk_err_set(PK_ENOMEM, "out of memory");
	}
	snprintf(path, sizeof path, "%s/%llX.cnm", cs->dbdir, (unsigned long long)serial);
	rc = pk_store_write_new(path, b.p, b.n, 0644);
	free(b.p);
	return rc;
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

/* "2015-10-09T13:14:16Z" exactly (as tmr_fmt_iso writes it). */
static int parse_iso(const char *s, tmr_ms *out)
{
	static const char shape[] = "dddd-dd-ddTdd:dd:ddZ";
	int y, mo, d, h, mi, se;
	size_t i;

	if (strlen(s) != sizeof shape - 1)
		return -1;
	for (i = 0; shape[i]; i++)
		if (shape[i] == 'd' ? (s[i] < '0' || s[i] > '9') : s[i] != shape[i])
			return -1;
	if (sscanf(s, "%4d-%2d-%2dT%2d:%2d:%2dZ", &y, &mo, &d, &h, &mi, &se) != 6 ||
	    mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || se > 60)
		return -1;
	*out = tmr_from_civil(y, mo, d, h, mi, se);
	return 0;
}

/* What one .cnm file says. */
struct cnm {
	tmr_ms nb, na;
	char subject[1024];      /* display form: the shown DN, or the raw old line */
	unsigned seen;           /* CNM_* fields read */
};

enum { CNM_SERIAL = 1, CNM_ISSUED = 2, CNM_EXPIRES = 4, CNM_SUBJECT = 8, CNM_DER = 16 };

/* One field: 0, or -1 when it is not a field of a record of `serial`. */
static int cnm_field(struct cnm *r, char *line, uint64_t serial)
{
	char *v = strchr(line, ' ');
	unsigned f;

	if (!v)
		return -1;
	*v++ = '\0';
	f = strcmp(line, "serial") == 0 ? CNM_SERIAL : strcmp(line, "issued") == 0 ? CNM_ISSUED :
	    strcmp(line, "expires") == 0 ? CNM_EXPIRES : strcmp(line, "subject") == 0 ? CNM_SUBJECT :
	    strcmp(line, "subject-der") == 0 ? CNM_DER : 0;
	if (!f || (r->seen & f))
		return -1;                       /* unknown, or a second one */
	if (f == CNM_SERIAL) {
		uint64_t s;
		if (strspn(v, "0123456789ABCDEF") != strlen(v) || pki_parse_serial(v, &s) < 0 ||
		    s != serial) {
			pk_err_clear();
			return -1;
		}
	} else if (f == CNM_ISSUED || f == CNM_EXPIRES) {
		if (parse_iso(v, f == CNM_ISSUED ? &r->nb : &r->na) < 0)
			return -1;
	} else if (f == CNM_DER) {
		size_t len = 0;
		unsigned char *der = pk_unb64(v, &len);
		const unsigned char *pp = der;
		X509_NAME *n = der ? d2i_X509_NAME(NULL, &pp, (long)len) : NULL;
		int ok = n && pp == der + len;

		if (ok)
			pki_dn_format(n, PKI_DN_SPACE, r->subject, sizeof r->subject);
		X509_NAME_free(n);
		free(der);
		ERR_clear_error();
		if (!ok)
			return -1;
	} else if (!(r->seen & CNM_DER)) {
		/* the text line counts only without subject-der (old records) */
		snprintf(r->subject, sizeof r->subject, "%s", v);
	}
	r->seen |= f;
	return 0;
}

/* Read a .cnm strictly: every line one known field, each field once, the
 * serial that of the file name, issued/expires/subject present.  0, or -1
 * for a damaged (or forged) record: r keeps what came before the fault. */
static int cnm_parse(struct cnm *r, char *data, size_t len, uint64_t serial)
{
	char *p = data, *end = data + len;

	memset(r, 0, sizeof *r);
	if (len == 0 || memchr(data, '\0', len) || data[len - 1] != '\n')
		return -1;
	while (p < end) {
		char *nl = memchr(p, '\n', (size_t)(end - p));
		*nl = '\0';
		if (cnm_field(r, p, serial) < 0)
			return -1;
		p = nl + 1;
	}
	if ((r->seen & (CNM_SERIAL | CNM_ISSUED | CNM_EXPIRES)) !=
	    (CNM_SERIAL | CNM_ISSUED | CNM_EXPIRES) || !(r->seen & (CNM_SUBJECT | CNM_DER)))
		return -1;
	return 0;
}

static void recs_add_cert(struct recs *rs, X509 *c, int prio);

/* The .cnm records of the database directory.  A record that does not
 * read strictly is listed from its certificate (<serial>.crt, level
 * complete) when there is one, otherwise under its serial as a damaged
 * record: never with what it claims after the fault. */
static void recs_scan(const pk_cs *cs, struct recs *rs)
{
	char dir[4096], path[4400], *data;
	DIR *dh;
	struct dirent *de;
	struct cnm *r = malloc(sizeof *r);

	if (!r)
		return;
	if (pk_device_path(cs->p->d, cs->cfg.db_url, dir, sizeof dir) < 0) {
		pk_err_clear();
		free(r);
		return;
	}
	dh = opendir(dir);
	if (!dh) {
		free(r);
		return;
	}
	while ((de = readdir(dh)) != NULL) {
		size_t len = strlen(de->d_name), dlen = 0;
		uint64_t serial = 0;
		char hex[24];
		int rc;

		if (len < 5 || len - 4 >= sizeof hex || strcmp(de->d_name + len - 4, ".cnm") != 0 ||
		    strspn(de->d_name, "0123456789ABCDEF") != len - 4)
			continue;
		memcpy(hex, de->d_name, len - 4);
		hex[len - 4] = '\0';
		if (pki_parse_serial(hex, &serial) < 0 || serial == 0) {
			pk_err_clear();
			continue;
		}
		snprintf(path, sizeof path, "%s/%s", dir, de->d_name);
		if (pk_store_read(path, &data, &dlen) < 0)
			continue;
		rc = cnm_parse(r, data, dlen, serial);
		free(data);
		if (rc < 0) {
			X509 *x = pki_cs_find_cert(cs, serial);
			if (x) {
				recs_add_cert(rs, x, 2);
				X509_free(x);
				continue;
			}
			snprintf(r->subject, sizeof r->subject, "-Damaged record-");
			if (!(r->seen & CNM_ISSUED))
				r->nb = 0;
			if (!(r->seen & CNM_EXPIRES))
				r->na = 0;
		}
		if (recs_add(rs, serial, r->nb, r->na, r->subject, 2) < 0)
			break;
	}
	closedir(dh);
	free(r);
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
			/* shown, whatever the record holds (an old record's raw
			 * subject line included): cut at a whole character */
			pk_visible(v->subject, sizeof v->subject, rs.r[i].subject,
				   strlen(rs.r[i].subject), 0);
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


/*
 * cs_env.h — what the certificate-server unit tests share (test_cs.c,
 * test_cs_store.c): fixtures, a log sink, a device + pki + server in a
 * temporary directory, CSRs and signers, one SCEP exchange as scep/ does it.
 * Everything is static inline: each test program uses what it needs.
 */
#ifndef PKISH_TEST_CS_ENV_H
#define PKISH_TEST_CS_ENV_H

#include "tests/unit/t.h"

#include <limits.h>

#include <openssl/err.h>
#include <openssl/pem.h>

#include "core/pk.h"
#include "core/pki_int.h"

#define CET 60

/* ---- fixtures and helpers ----------------------------------------------------- */

static inline char *fixture(const char *name)
{
	char path[2 * PATH_MAX], exe[PATH_MAX], *data = NULL;
	const char *src = getenv("SRCDIR");
	ssize_t n;

	snprintf(path, sizeof path, "tests/fixtures/%s", name);
	if (pk_store_read(path, &data, NULL) == 0)
		return data;
	if (src) {
		snprintf(path, sizeof path, "%s/tests/fixtures/%s", src, name);
		if (pk_store_read(path, &data, NULL) == 0)
			return data;
	}
	n = readlink("/proc/self/exe", exe, sizeof exe - 1);
	if (n > 0) {
		exe[n] = '\0';
		*strrchr(exe, '/') = '\0';
		snprintf(path, sizeof path, "%s/../../tests/fixtures/%s", exe, name);
		if (pk_store_read(path, &data, NULL) == 0)
			return data;
	}
	T_FAIL("fixture %s not found", name);
	return NULL;
}

static inline EVP_PKEY *fixture_key(const char *name)
{
	char *pem = fixture(name);
	BIO *b = BIO_new_mem_buf(pem, -1);
	EVP_PKEY *k = PEM_read_bio_PrivateKey(b, NULL, NULL, NULL);

	ASSERT(k);
	BIO_free(b);
	free(pem);
	return k;
}

/* Log lines seen by the sink (stamped), '\n' separated. */
static char *logbuf;
static size_t loglen;

static inline void sink(void *arg, int sev, const char *line)
{
	size_t n = strlen(line);

	(void)arg;
	(void)sev;
	logbuf = realloc(logbuf, loglen + n + 2);
	memcpy(logbuf + loglen, line, n);
	loglen += n;
	logbuf[loglen++] = '\n';
	logbuf[loglen] = '\0';
}

static inline void log_clear(void)
{
	loglen = 0;
	if (logbuf)
		logbuf[0] = '\0';
}

static inline int log_count(const char *s)
{
	int n = 0;
	const char *p = logbuf;

	while (p && (p = strstr(p, s)) != NULL) {
		n++;
		p += strlen(s);
	}
	return n;
}

static inline const char *log_find(const char *s)
{
	const char *p = logbuf ? strstr(logbuf, s) : NULL;
	if (!p)
		T_FAIL("log line not found: %s\nlog:\n%s", s, logbuf ? logbuf : "");
	return p;
}

struct env {
	char dir[200];           /* device */
	char db[220];            /* database directory (host path) */
	char url[240];           /* its unix: url */
	pk_device *d;
	pk_pki *p;
	pk_cs *cs;
};

static inline void env_dirs(struct env *e)
{
	const char *base = getenv("TMPDIR");

	/* mkdtemp's template: six X */
	snprintf(e->dir, sizeof e->dir, "%.150s/pkish-test-cs.%s", base && *base ? base : "/tmp",
		 "XX" "XX" "XX");
	ASSERT(mkdtemp(e->dir));
	snprintf(e->db, sizeof e->db, "%s/db", e->dir);
	snprintf(e->url, sizeof e->url, "unix:%s/", e->db);
}

/* Open device + pki on e->dir; boot replay done unless `replay`. */
static inline void env_open(struct env *e, int replay)
{
	ASSERT_EQ(pk_device_open(e->dir, 1, &e->d), 0);
	tmr_clock_set_zone(pk_device_clock(e->d), "CET", CET);
	ASSERT_EQ(pk_pki_open(e->d, &e->p), 0);
	if (replay)
		pk_pki_config_begin(e->p);
	pk_debug_set(PK_DBG__ALL, 1);      /* opening the device reset it */
	e->cs = NULL;
}

static inline void env_close(struct env *e)
{
	pk_pki_free(e->p);
	pk_device_free(e->d);
	e->p = NULL;
	e->d = NULL;
	e->cs = NULL;
}

static inline void env_rm(struct env *e)
{
	char cmd[PATH_MAX + 16];

	snprintf(cmd, sizeof cmd, "rm -rf '%s'", e->dir);
	if (system(cmd) != 0)
		fprintf(stderr, "cannot remove %s\n", e->dir);
}

static inline void import_key(struct env *e, const char *label, const char *file)
{
	char *pem = fixture(file);

	ASSERT_EQ(pk_key_import(e->p, label, NULL, pem, NULL, 0), 0);
	free(pem);
}

/* A server with the given settings (after defaults), not enabled. */
static inline void make_server(struct env *e, const char *name, void (*tweak)(struct pk_cs_config *c))
{
	struct pk_cs_config c;

	ASSERT_EQ(pk_cs_create(e->p, name, &e->cs), 0);
	pk_cs_get_config(e->cs, &c);
	snprintf(c.db_url, sizeof c.db_url, "%s", e->url);
	c.archive = PK_ARCHIVE_NONE;
	if (tweak)
		tweak(&c);
	ASSERT_EQ(pk_cs_set_config(e->cs, &c), 0);
}

static inline void clock_at(struct env *e, tmr_ms t)
{
	pk_device_clock_set(e->d, t);
}

/* A simple running server "CA" with the fixture key. */
static inline void simple_server(struct env *e, void (*tweak)(struct pk_cs_config *c))
{
	env_dirs(e);
	env_open(e, 0);
	clock_at(e, tmr_from_civil(2020, 1, 1, 0, 0, 0));
	pk_device_set_http_enabled(e->d, 1);
	import_key(e, "CA", "ca_key.pem");
	make_server(e, "CA", tweak);
	ASSERT_EQ(pk_cs_enable(e->cs, NULL), 0);
}

static inline X509_REQ *make_csr(EVP_PKEY *k, const char *dn, const char *san)
{
	X509_REQ *r = X509_REQ_new();
	X509_NAME *n = NULL;

	ASSERT(r);
	ASSERT_EQ(pki_dn_parse(dn, &n), 0);
	ASSERT(X509_REQ_set_version(r, 0));
	ASSERT(X509_REQ_set_subject_name(r, n));
	ASSERT(X509_REQ_set_pubkey(r, k));
	if (san) {
		STACK_OF(X509_EXTENSION) *exts = sk_X509_EXTENSION_new_null();
		X509_EXTENSION *ext = X509V3_EXT_conf_nid(NULL, NULL, NID_subject_alt_name, san);
		ASSERT(ext);
		sk_X509_EXTENSION_push(exts, ext);
		ASSERT(X509_REQ_add_extensions(r, exts));
		sk_X509_EXTENSION_pop_free(exts, X509_EXTENSION_free);
	}
	ASSERT(X509_REQ_sign(r, k, EVP_sha256()) > 0);
	X509_NAME_free(n);
	return r;
}

/* The temporary self-signed signer a client uses on first enrollment. */
static inline X509 *self_signed(struct env *e, EVP_PKEY *k, const char *dn, int ca)
{
	X509_NAME *n = NULL;
	X509 *x = NULL;
	struct pki_certspec s;
	tmr_ms now = pk_device_now(e->d);

	ASSERT_EQ(pki_dn_parse(dn, &n), 0);
	memset(&s, 0, sizeof s);
	s.serial = 1;
	s.subject = s.issuer = n;
	s.pubkey = k;
	s.nb = now - TMR_DAY;
	s.na = now + 365 * TMR_DAY;
	s.ca = ca;
	ASSERT_EQ(pki_cert_build(&s, &x), 0);
	ASSERT_EQ(pki_cert_sign(x, k, "sha256"), 0);
	X509_NAME_free(n);
	return x;
}

/* One SCEP exchange as scep/ does it: decide, sign, record. */
static inline int scep(struct env *e, int kind, const char *txid, X509_REQ *csr, X509 *signer,
		int rollover, const char *challenge, struct pk_scep_result *res)
{
	struct pk_scep_req r;
	int rc;

	memset(&r, 0, sizeof r);
	r.kind = kind;
	r.transaction_id = txid;
	r.csr = csr;
	r.signer = signer;
	r.for_rollover = rollover;
	r.challenge = challenge;
	rc = pk_cs_scep(e->cs, &r, res);
	if (rc == 0 && res->status == PK_SCEP_SUCCESS && (res->tbs || res->cert) && !res->crl) {
		ASSERT_EQ(pk_cs_sign(res), 0);
		rc = pk_cs_record(e->cs, res);
	}
	return rc;
}

static inline uint64_t serial_of(const X509 *c)
{
	uint64_t s = 0;
	ASSERT_EQ(pki_cert_serial(c, &s), 0);
	return s;
}

static inline tmr_ms nb_of(const X509 *c)
{
	return pki_time_ms(X509_get0_notBefore(c));
}

static inline tmr_ms na_of(const X509 *c)
{
	return pki_time_ms(X509_get0_notAfter(c));
}

static inline const char *date(struct env *e, tmr_ms t)
{
	static char buf[4][64];
	static int i;
	i = (i + 1) % 4;
	tmr_fmt_date(pk_device_clock(e->d), t, buf[i], sizeof buf[i]);
	return buf[i];
}

static inline int file_exists(struct env *e, const char *name)
{
	char path[2 * PATH_MAX];
	snprintf(path, sizeof path, "%s/%s", e->db, name);
	return pk_store_exists(path);
}

static inline void view(struct env *e, struct pk_cs_view *v)
{
	pk_cs_view(e->cs, v);
}


static inline void names_level(struct pk_cs_config *c)
{
	c->db_level = PK_DB_NAMES;
	c->grant = PK_GRANT_AUTO;
}

static inline long submit(struct env *e, EVP_PKEY *k, const char *dn)
{
	X509_REQ *csr = make_csr(k, dn, NULL);
	unsigned char *der = NULL;
	int n = i2d_X509_REQ(csr, &der);
	long id = 0;

	ASSERT_EQ(pk_cs_submit_csr(e->cs, der, (size_t)n, &id), 0);
	OPENSSL_free(der);
	X509_REQ_free(csr);
	return id;
}

static inline void minimum_auto(struct pk_cs_config *c)
{
	c->grant = PK_GRANT_AUTO;
}

/* Boot the device in e->dir like pkish does: replay with the CA. */
static inline void reboot(struct env *e, const unsigned char *der, size_t len,
		   void (*tweak)(struct pk_cs_config *c))
{
	pk_tp *t;
	X509 *ca;

	env_open(e, 1);
	pk_device_set_http_enabled(e->d, 1);
	pk_device_set_calendar_valid(e->d, 1);
	make_server(e, "CA", tweak);
	ASSERT_EQ(pk_tp_create(e->p, "CA", &t), 0);
	ASSERT_EQ(pk_cert_parse(der, len, &ca), 0);
	pk_tp_set_cert(t, PK_TP_CA, ca);
	X509_free(ca);
	pk_pki_config_done(e->p);
	ASSERT(pk_cs_first(e->p) == e->cs);
}

static inline uint64_t issue_one(struct env *e, EVP_PKEY *k, const char *txid)
{
	X509_REQ *csr = make_csr(k, "CN=crash", NULL);
	struct pk_scep_result res;
	uint64_t s = 0;
	int rc = scep(e, PK_SCEP_PKCSREQ, txid, csr, NULL, 0, NULL, &res);

	if (rc == 0 && res.status == PK_SCEP_SUCCESS && res.cert)
		s = serial_of(res.cert);
	pk_scep_result_free(&res);
	X509_REQ_free(csr);
	return s;
}

/* A full disk: nothing leaves the server unless persisted, and after the
 * disk recovers numbering continues without reuse. */
static inline void complete_auto(struct pk_cs_config *c)
{
	c->grant = PK_GRANT_AUTO;
	c->db_level = PK_DB_COMPLETE;
}

#endif

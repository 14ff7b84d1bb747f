/*
 * cs.c — the certificate server: configuration, enable/disable, serial
 * numbers, CRL, timers and CA rollover (contract: pki.h "the certificate
 * server"; spec §1.4, §1.7, §2.4, §3.1, §3.2, §3.6, §3.7, §5.1, §5.11;
 * choices: docs/pki-server.md).  Requests, issuance and SCEP decisions are
 * in cs_req.c.
 *
 * State lives in three places:
 *   - the server's trustpoint NAME: active CA certificate (and rollover CA);
 *     at boot the configuration replay restores them from the running-config;
 *   - the key store: keys NAME and NAME#;
 *   - the database url: NAME.ser (serial counter, archive counter), NAME.crl,
 *     <serial>.cnm / <serial>.crt, the archives NAME.p12 / NAME_00001.p12.
 *
 * Serial numbers are never reused: a number leaves the server only after
 * NAME.ser records a reservation that covers it.  Reservations come in
 * blocks (CS_SERIAL_BLOCK_MIN..MAX), so issuing costs one atomic write per block; a
 * clean stop writes back the exact last serial, and after a crash numbering
 * resumes above the reservation.
 *
 * Timers (group CS Timers) are armed only while the server is enabled and
 * the clock authoritative, and are recomputed from certificate dates on
 * enable, clock change, rollover and activation (spec §3.1).  CS CRL UPDATE
 * and CS SHADOW CERT GENERATION run as whole-second delays from the instant
 * they are armed, as IOS arms them, so they carry that instant's
 * milliseconds; CS CERT EXPIRE is the CA's notAfter exactly (this is what
 * reproduces the seed's 5:54:17.977 / 639d23:54:17.977 / 729d23:54:17.971).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/pkcs12.h>
#include <openssl/rand.h>

#include "core/pki_int.h"

static void cs_timers(pk_cs *cs);
static int cs_start(pk_cs *cs);
static void cs_stop(pk_cs *cs);
static void ser_clean(pk_cs *cs);

/* ---- accessors ------------------------------------------------------------- */

static pk_tp *cs_tp(const pk_cs *cs)
{
	pk_tp *t = pk_tp_find(cs->p, cs->name);
	return t && t->server ? t : NULL;
}

X509 *pki_cs_ca(const pk_cs *cs)
{
	pk_tp *t = cs_tp(cs);
	return t ? t->certs[PK_TP_CA] : NULL;
}

X509 *pki_cs_rca(const pk_cs *cs)
{
	pk_tp *t = cs_tp(cs);
	return t ? t->certs[PK_TP_CA_ROLLOVER] : NULL;
}

static void shadow_label(const pk_cs *cs, char *buf, size_t n)
{
	snprintf(buf, n, "%s#", cs->name);
}

static pk_key *cs_key(const pk_cs *cs, int rollover)
{
	char label[80];

	if (rollover) {
		shadow_label(cs, label, sizeof label);
		return pk_key_find(cs->p, label);
	}
	return pk_key_find(cs->p, cs->name);
}

static tmr_ms cert_na(const X509 *c)
{
	return c ? pki_time_ms(X509_get0_notAfter(c)) : 0;
}

static tmr_ms now_of(const pk_cs *cs)
{
	return pk_device_now(cs->p->d);
}

int pki_cs_dead(const pk_cs *cs)
{
	X509 *ca = pki_cs_ca(cs);
	return !ca || (now_of(cs) >= cert_na(ca) && !pki_cs_rca(cs));
}

int pki_cs_owns_tp_name(const pk_pki *p, const char *name)
{
	return p->cs && strcmp(p->cs->name, name) == 0;
}

void pki_cs_url_join(const pk_cs *cs, const char *file, char *buf, size_t n)
{
	const char *u = cs->cfg.db_url;
	size_t len = strlen(u);
	int sep = len && u[len - 1] != '/' && u[len - 1] != ':';

	snprintf(buf, n, "%s%s%s", u, sep ? "/" : "", file);
}

static void db_path(const pk_cs *cs, const char *file, char *buf, size_t n)
{
	snprintf(buf, n, "%s/%s", cs->dbdir, file);
}

/* ---- find / create / delete ---------------------------------------------------- */

pk_cs *pk_cs_find(pk_pki *p, const char *name)
{
	return p->cs && strcmp(p->cs->name, name) == 0 ? p->cs : NULL;
}

pk_cs *pk_cs_first(pk_pki *p)
{
	return p->cs;
}

static void crl_timer_cb(tmr *t, void *arg);
static void shadow_timer_cb(tmr *t, void *arg);
static void expire_timer_cb(tmr *t, void *arg);

static void cfg_defaults(struct pk_cs_config *c)
{
	memset(c, 0, sizeof *c);
	c->life_cert = 365 * TMR_DAY;
	c->life_ca = 1095 * TMR_DAY;
	c->life_crl = 6 * TMR_HOUR;
	c->life_er = 168 * TMR_HOUR;
	c->grant = PK_GRANT_MANUAL;
	c->db_level = PK_DB_MINIMUM;
	snprintf(c->db_url, sizeof c->db_url, "nvram:");
	c->archive = PK_ARCHIVE_PKCS12;
	snprintf(c->hash, sizeof c->hash, "md5");
	c->auto_rollover = -1;
	c->shutdown = 1;
}

int pk_cs_create(pk_pki *p, const char *name, pk_cs **out)
{
	pk_cs *cs;
	pk_tp *t;
	size_t i, n = strlen(name);

	if (out)
		*out = NULL;
	if (p->cs)
		return pk_err_set(PK_EEXIST, "Certificate server %s already exists", p->cs->name);
	if (n == 0 || n >= sizeof cs->name - 1)
		return pk_err_set(PK_EINVAL, "invalid certificate server name");
	for (i = 0; i < n; i++)
		if ((unsigned char)name[i] <= ' ' || name[i] == '/' || name[i] == '#')
			return pk_err_set(PK_EINVAL, "invalid certificate server name");
	cs = calloc(1, sizeof *cs);
	if (!cs)
		return pk_err_set(PK_ENOMEM, "out of memory");
	cs->p = p;
	snprintf(cs->name, sizeof cs->name, "%s", name);
	cfg_defaults(&cs->cfg);
	tmr_init(&cs->t_crl, TMR_G_CS, "CS CRL UPDATE", crl_timer_cb, cs);
	tmr_init(&cs->t_shadow, TMR_G_CS, "CS SHADOW CERT GENERATION", shadow_timer_cb, cs);
	tmr_init(&cs->t_expire, TMR_G_CS, "CS CERT EXPIRE", expire_timer_cb, cs);
	p->cs = cs;
	/* a replay may have made the trustpoint first: it is the server's */
	if ((t = pk_tp_find(p, name)) != NULL)
		pki_tp_for_server(p, name, &t);
	if (out)
		*out = cs;
	return 0;
}

void pki_cs_free(pk_cs *cs)
{
	if (!cs)
		return;
	if (cs->enabled)
		cs_stop(cs);
	else
		ser_clean(cs);      /* a CA made while HTTP was off reserved serials */
	tmr_stop(pk_device_timers(cs->p->d), &cs->t_crl);
	tmr_stop(pk_device_timers(cs->p->d), &cs->t_shadow);
	tmr_stop(pk_device_timers(cs->p->d), &cs->t_expire);
	pki_cs_reqs_free(cs);
	pki_cs_issued_free(cs);
	X509_CRL_free(cs->crl);
	free(cs->rev);
	OPENSSL_cleanse(cs->archive_pw, sizeof cs->archive_pw);
	OPENSSL_cleanse(cs->otp, sizeof cs->otp);
	free(cs);
}

int pk_cs_delete(pk_pki *p, const char *name)
{
	pk_cs *cs = pk_cs_find(p, name);
	pk_tp *t;

	if (!cs)
		return pk_err_set(PK_ENOENT, "Certificate server %s not found", name);
	t = cs_tp(cs);
	pki_cs_free(cs);
	p->cs = NULL;
	if (t)
		pki_tp_destroy(t);
	return 0;
}

const char *pk_cs_name(const pk_cs *cs)
{
	return cs->name;
}

/* ---- configuration ------------------------------------------------------------- */

void pk_cs_get_config(const pk_cs *cs, struct pk_cs_config *c)
{
	*c = cs->cfg;
}

static int hash_ok(const char *h)
{
	return !strcmp(h, "md5") || !strcmp(h, "sha1") || !strcmp(h, "sha256") ||
	       !strcmp(h, "sha384") || !strcmp(h, "sha512");
}

/* Everything but the admin state. */
static int cfg_same(const struct pk_cs_config *a, const struct pk_cs_config *b)
{
	return !strcmp(a->issuer, b->issuer) && a->life_cert == b->life_cert &&
	       a->life_ca == b->life_ca && a->life_crl == b->life_crl &&
	       a->life_er == b->life_er && a->grant == b->grant &&
	       !strcmp(a->grant_tp, b->grant_tp) && a->db_level == b->db_level &&
	       !strcmp(a->db_url, b->db_url) && a->archive == b->archive &&
	       !strcmp(a->archive_pw, b->archive_pw) && a->archive_pw_type == b->archive_pw_type &&
	       !strcmp(a->hash, b->hash) && !strcmp(a->cdp_url, b->cdp_url) &&
	       a->auto_rollover == b->auto_rollover && a->serial_number == b->serial_number;
}

static void cfg_terminate(struct pk_cs_config *c)
{
	c->issuer[sizeof c->issuer - 1] = '\0';
	c->grant_tp[sizeof c->grant_tp - 1] = '\0';
	c->db_url[sizeof c->db_url - 1] = '\0';
	c->archive_pw[sizeof c->archive_pw - 1] = '\0';
	c->hash[sizeof c->hash - 1] = '\0';
	c->cdp_url[sizeof c->cdp_url - 1] = '\0';
}

int pk_cs_set_config(pk_cs *cs, const struct pk_cs_config *in)
{
	struct pk_cs_config c = *in;
	int was_shut = cs->cfg.shutdown;

	cfg_terminate(&c);
	if (c.life_cert < TMR_MIN || c.life_cert > 1825 * TMR_DAY)
		return pk_err_set(PK_EINVAL, "certificate lifetime must be 1 minute to 1825 days");
	if (c.life_ca < TMR_MIN || c.life_ca > 7305 * TMR_DAY)
		return pk_err_set(PK_EINVAL, "CA certificate lifetime must be 1 minute to 7305 days");
	if (c.life_crl < TMR_HOUR || c.life_crl > 336 * TMR_HOUR)
		return pk_err_set(PK_EINVAL, "CRL lifetime must be 1 to 336 hours");
	if (c.life_er < TMR_HOUR || c.life_er > 1000 * TMR_HOUR)
		return pk_err_set(PK_EINVAL, "enrollment-request lifetime must be 1 to 1000 hours");
	if (c.grant < PK_GRANT_MANUAL || c.grant > PK_GRANT_NONE ||
	    (c.grant == PK_GRANT_AUTO_TP && !c.grant_tp[0]))
		return pk_err_set(PK_EINVAL, "invalid grant mode");
	if (c.db_level < PK_DB_MINIMUM || c.db_level > PK_DB_COMPLETE)
		return pk_err_set(PK_EINVAL, "invalid database level");
	if (c.archive < PK_ARCHIVE_PKCS12 || c.archive > PK_ARCHIVE_NONE ||
	    (c.archive_pw_type != 0 && c.archive_pw_type != 7))
		return pk_err_set(PK_EINVAL, "invalid database archive");
	if (!c.db_url[0])
		return pk_err_set(PK_EINVAL, "database url required");
	if (!hash_ok(c.hash))
		return pk_err_set(PK_EINVAL, "%s: unsupported hash", c.hash);
	if (c.auto_rollover != -1 && (c.auto_rollover < TMR_MIN || c.auto_rollover > 7305 * TMR_DAY))
		return pk_err_set(PK_EINVAL, "invalid auto-rollover period");
	if (c.issuer[0] && pk_dn_check(c.issuer) < 0)
		return PK_EINVAL;
	/* Invented text (spec §6 Q17): IOS only shows the lock in `show`. */
	if (!was_shut && !cfg_same(&c, &cs->cfg))
		return pk_err_set(PK_ELOCKED, "Server is locked; shut it down first");
	if (pki_cs_ca(cs) && (strcmp(c.issuer, cs->cfg.issuer) || c.life_ca != cs->cfg.life_ca))
		return pk_err_set(PK_ELOCKED,
				  "issuer-name and lifetime ca-certificate cannot be changed after CA certificate generation");
	if (c.grant == PK_GRANT_AUTO && cs->cfg.grant != PK_GRANT_AUTO)
		pk_log(PK_LOG_INFO,
		       "%%PKI-6-CS_GRANT_AUTO: All enrollment requests will be automatically granted.");
	cs->cfg = c;
	if (!was_shut && c.shutdown) {
		cs->cfg.shutdown = 0;
		return pk_cs_disable(cs);
	}
	return 0;
}

int pk_cs_needs_ca(const pk_cs *cs)
{
	return pki_cs_ca(cs) == NULL;
}

int pk_cs_needs_archive_password(const pk_cs *cs)
{
	return cs->cfg.archive != PK_ARCHIVE_NONE && !cs->cfg.archive_pw[0] &&
	       !cs->archive_pw[0] && pk_cs_needs_ca(cs);
}

int pk_cs_needs_key(const pk_cs *cs)
{
	return pk_cs_needs_ca(cs) && !cs_key(cs, 0);
}

/* ---- NAME.ser: the serial counter ------------------------------------------------ */

static int ser_write(pk_cs *cs, uint64_t last, uint64_t reserved)
{
	char path[4200], text[256];
	int n;

	db_path(cs, cs->name, path, sizeof path - 8);
	strcat(path, ".ser");
	n = snprintf(text, sizeof text,
		     "pkish-cs-serial 1\nlast %llX\nreserved %llX\narchive %u\n",
		     (unsigned long long)last, (unsigned long long)reserved, cs->archive_count);
	return pk_store_write(path, text, (size_t)n, 0600);
}

/* Read NAME.ser of the database url.  A reservation above `last` means the
 * server stopped without writing back: everything up to it may have been
 * issued, so numbering resumes above it. */
static int ser_load(pk_cs *cs)
{
	char path[4200], *data = NULL, *line, *save = NULL;
	unsigned long long last = 0, reserved = 0;
	unsigned archive = 0;
	uint64_t eff;
	int rc;

	db_path(cs, cs->name, path, sizeof path - 8);
	strcat(path, ".ser");
	rc = pk_store_read(path, &data, NULL);
	if (rc < 0 && rc != PK_ENOENT)
		return rc;
	for (line = data ? strtok_r(data, "\n", &save) : NULL; line;
	     line = strtok_r(NULL, "\n", &save)) {
		if (sscanf(line, "last %llX", &last) == 1 ||
		    sscanf(line, "reserved %llX", &reserved) == 1 ||
		    sscanf(line, "archive %u", &archive) == 1)
			continue;
	}
	free(data);
	eff = last > reserved ? last : reserved;
	if (eff > cs->last_serial)
		cs->last_serial = eff;
	cs->reserved = cs->last_serial;
	if (archive > cs->archive_count)
		cs->archive_count = archive;
	cs->ser_ready = 1;
	return 0;
}

static int64_t mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* The next serial.  When the reservation is used up, reserve a new block
 * first: CS_SERIAL_BLOCK_MIN when idle, twice the last one (up to
 * CS_SERIAL_BLOCK_MAX) when the last block lasted less than two seconds,
 * so a busy server writes NAME.ser rarely and a quiet one keeps its
 * numbers tidy after a crash. */
int pki_cs_serial_next(pk_cs *cs, uint64_t *out)
{
	if (!cs->ser_ready)
		return pk_err_set(PK_ESTATE, "the serial number file is not open");
	if (cs->last_serial + 1 > cs->reserved) {
		int64_t now = mono_ms();
		uint64_t block = cs->block && now - cs->reserved_at < 2000 ? cs->block * 2 :
				 CS_SERIAL_BLOCK_MIN;
		int rc;

		if (block > CS_SERIAL_BLOCK_MAX)
			block = CS_SERIAL_BLOCK_MAX;
		rc = ser_write(cs, cs->last_serial, cs->last_serial + block);
		if (rc < 0)
			return rc;
		cs->reserved = cs->last_serial + block;
		cs->block = block;
		cs->reserved_at = now;
	}
	*out = ++cs->last_serial;
	return 0;
}

/* Write back the exact last serial (a clean stop). */
static void ser_clean(pk_cs *cs)
{
	if (!cs->ser_ready)
		return;
	if (ser_write(cs, cs->last_serial, cs->last_serial) == 0)
		cs->reserved = cs->last_serial;
}

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
static X509_CRL *rev_load(pk_cs *cs, const X509 *ca)
{
	char path[4200], *data = NULL;
	const unsigned char *pp;
	X509_CRL *crl = NULL;
	const EVP_MD *md = pki_md(cs->cfg.hash);
	tmr_ms now = now_of(cs), tu, nu;
	size_t len = 0;
	int i, n = 0, md_nid = NID_undef, reuse;

	db_path(cs, cs->name, path, sizeof path - 8);
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
static int crl_update(pk_cs *cs)
{
	X509 *ca = pki_cs_ca(cs);
	pk_key *k = cs_key(cs, 0);
	X509_CRL *crl = NULL;
	unsigned char *der = NULL;
	char path[4200];
	tmr_ms now = now_of(cs), t = pki_floor_sec(now);
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
	db_path(cs, cs->name, path, sizeof path - 8);
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
static void crl_timer_cb(tmr *t, void *arg)
{
	pk_cs *cs = arg;
	tmr_queue *q = pk_device_timers(cs->p->d);
	tmr_ms now = now_of(cs), target = tmr_run_target(q), life = cs->cfg.life_crl;

	if (now + life <= target) {
		tmr_start(q, t, now + (target - now) / life * life);
		return;
	}
	/* the CA expires now and CS CERT EXPIRE will re-sign the CRL with the
	 * rollover key: no CRL from a CA at its last instant */
	if (pki_cs_rca(cs) && now >= cert_na(pki_cs_ca(cs)))
		return;
	if (crl_update(cs) < 0) {
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
	rc = rev_insert(cs, s, pki_floor_sec(now_of(cs)));
	if (rc == 0 && (rc = crl_update(cs)) < 0)
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
	rc = crl_update(cs);
	if (rc < 0)
		rev_insert(cs, old.serial, old.when);
	return rc;
}

/* ---- archives ------------------------------------------------------------------------ */

/* Export key + certificate into the database url: PKCS #12 (OpenSSL's
 * defaults: AES-256-CBC, PBKDF2, SHA-256 MAC) or PEM (PKCS #8 key under
 * 3DES, then the certificate).  Mode 0600. */
static int archive_write(pk_cs *cs, EVP_PKEY *key, X509 *cert, const char *file, const char *pw)
{
	char path[4200];
	BIO *b = BIO_new(BIO_s_mem());
	PKCS12 *p12 = NULL;
	char *data;
	long len;
	int rc = PK_ECRYPTO;

	if (!b)
		return pk_err_set(PK_ENOMEM, "out of memory");
	if (cs->cfg.archive == PK_ARCHIVE_PKCS12) {
		p12 = PKCS12_create(pw, cs->name, key, cert, NULL, 0, 0, 0, 0, 0);
		if (!p12 || i2d_PKCS12_bio(b, p12) <= 0) {
			rc = pk_err_ossl(PK_ECRYPTO, "cannot build the PKCS #12 archive");
			goto out;
		}
	} else if (!PEM_write_bio_PKCS8PrivateKey(b, key, EVP_des_ede3_cbc(), pw,
						  (int)strlen(pw), NULL, NULL) ||
		   !PEM_write_bio_X509(b, cert)) {
		rc = pk_err_ossl(PK_ECRYPTO, "cannot build the PEM archive");
		goto out;
	}
	len = BIO_get_mem_data(b, &data);
	db_path(cs, file, path, sizeof path);
	rc = pk_store_write(path, data, (size_t)len, 0600);
out:
	PKCS12_free(p12);
	BIO_free(b);
	return rc;
}

static const char *archive_pw(const pk_cs *cs)
{
	return cs->archive_pw[0] ? cs->archive_pw : cs->cfg.archive_pw;
}

/* ---- the CA certificate ------------------------------------------------------------------ */

/* Key identifier of a CA certificate: its SKI, else SHA-1 of its key
 * (buf: at least 64 bytes). */
int pki_cs_ca_key_id(X509 *ca, unsigned char *buf, size_t *len)
{
	const ASN1_OCTET_STRING *ski = X509_get0_subject_key_id(ca);
	unsigned int n = 0;

	if (ski && ASN1_STRING_length(ski) > 0 && ASN1_STRING_length(ski) <= 64) {
		*len = (size_t)ASN1_STRING_length(ski);
		memcpy(buf, ASN1_STRING_get0_data(ski), *len);
		return 0;
	}
	if (!X509_pubkey_digest(ca, EVP_sha1(), buf, &n))
		return pk_err_ossl(PK_ECRYPTO, "cannot compute the key identifier");
	*len = n;
	return 0;
}

/* Self-signed CA certificate: serial from the counter (1 on a new server),
 * validity from now (to the second) for `life_ca`. */
static int make_ca_cert(pk_cs *cs, EVP_PKEY *key, const X509_NAME *name, tmr_ms nb, X509 **out)
{
	struct pki_certspec s;
	uint64_t serial;
	int rc;

	*out = NULL;
	rc = pki_cs_serial_next(cs, &serial);
	if (rc < 0)
		return rc;
	memset(&s, 0, sizeof s);
	s.serial = serial;
	s.subject = s.issuer = name;
	s.pubkey = key;
	s.nb = nb;
	s.na = nb + cs->cfg.life_ca;
	s.ca = 1;
	rc = pki_cert_build(&s, out);
	if (rc == 0 && (rc = pki_cert_sign(*out, key, cs->cfg.hash)) < 0) {
		X509_free(*out);
		*out = NULL;
	}
	return rc;
}

/* The first enable: key NAME (1024 bits if absent), CA certificate,
 * archive, the server's trustpoint. */
static int create_ca(pk_cs *cs)
{
	pk_key *k = cs_key(cs, 0);
	EVP_PKEY *gen = NULL;
	X509_NAME *name = NULL;
	X509 *ca = NULL;
	pk_tp *t;
	char issuer[600], file[96];
	int rc;

	if (!k) {
		rc = pki_rsa_generate(cs->p, 1024, &gen);
		if (rc == 0)
			rc = pki_key_put(cs->p, cs->name, gen, 0);
		EVP_PKEY_free(gen);
		if (rc < 0)
			return rc;
		k = cs_key(cs, 0);
	}
	if (cs->cfg.issuer[0])
		snprintf(issuer, sizeof issuer, "%s", cs->cfg.issuer);
	else
		snprintf(issuer, sizeof issuer, "CN=%s", cs->name);
	rc = pki_dn_parse(issuer, &name);
	if (rc < 0)
		return rc;
	rc = make_ca_cert(cs, k->pkey, name, pki_floor_sec(now_of(cs)), &ca);
	if (rc < 0)
		goto out;
	if (cs->cfg.archive != PK_ARCHIVE_NONE) {
		snprintf(file, sizeof file, "%s.%s", cs->name,
			 cs->cfg.archive == PK_ARCHIVE_PKCS12 ? "p12" : "pem");
		rc = archive_write(cs, k->pkey, ca, file, archive_pw(cs));
		if (rc < 0)
			goto out;
	}
	rc = pki_tp_for_server(cs->p, cs->name, &t);
	if (rc < 0)
		goto out;
	snprintf(t->cfg.rsakeypair, sizeof t->cfg.rsakeypair, "%s", cs->name);
	t->cfg.revocation = PK_REV_CRL;
	pki_tp_notify(t, PK_TP_EV_CONFIG);
	rc = pk_tp_set_cert(t, PK_TP_CA, ca);
	if (rc == 0 && pki_cs_record_cert(cs, ca) < 0)
		pk_log(PK_LOG_ERR, "%s:cannot record the CA certificate: %s", cs->name, pk_err_msg());
out:
	X509_free(ca);
	X509_NAME_free(name);
	return rc;
}

/* ---- enable / disable ---------------------------------------------------------------------- */

static int check_failed(pk_cs *cs, int rc)
{
	cs->check_failed = 1;
	return rc;
}

/* The enable checks and start-up (spec §2.4); leaves "check failed"
 * behind when a check fails. */
static int cs_start(pk_cs *cs)
{
	pk_device *d = cs->p->d;
	X509 *ca, *rca;
	X509_CRL *crl;
	pk_key *k;
	char path[4096];
	uint64_t s;
	int rc;

	if (cs->enabled || cs->starting)
		return 0;
	cs->starting = 1;
	cs->check_failed = cs->http_disabled = 0;
	if (!tmr_clock_authoritative(pk_device_clock(d))) {
		rc = check_failed(cs, pk_err_set(PK_ESTATE,
						 "Please set clock calender-valid or enable NTP"));
		goto out;
	}
	if ((rc = pk_device_path(d, cs->cfg.db_url, path, sizeof path)) < 0 ||
	    (rc = pk_store_mkdirs(path, 0700)) < 0) {
		rc = check_failed(cs, rc);
		goto out;
	}
	if (pk_cs_needs_archive_password(cs)) {
		/* the operator must supply one: back to shut, no retry */
		cs->cfg.shutdown = 1;
		rc = pk_err_set(PK_ESTATE, "A password is required to archive the CA key");
		goto out;
	}
	if (strcmp(path, cs->dbdir) != 0) {
		snprintf(cs->dbdir, sizeof cs->dbdir, "%s", path);
		cs->ser_ready = 0;
	}
	/* once read, memory is ahead of the file (a reservation may be
	 * outstanding): reading it again would skip the reserved serials */
	if (!cs->ser_ready && (rc = ser_load(cs)) < 0) {
		rc = check_failed(cs, rc);
		goto out;
	}
	/* `serial-number 0x<hex>` raises the counter; it never lowers it */
	if (cs->cfg.serial_number > cs->last_serial)
		cs->last_serial = cs->reserved = cs->cfg.serial_number;
	if (pk_cs_needs_ca(cs) && (rc = create_ca(cs)) < 0) {
		rc = check_failed(cs, rc);
		goto out;
	}
	ca = pki_cs_ca(cs);
	rca = pki_cs_rca(cs);
	k = cs_key(cs, 0);
	if (!k || EVP_PKEY_eq(k->pkey, X509_get0_pubkey(ca)) != 1) {
		pk_log(PK_LOG_NOTICE, "%s:Server key not found, waiting for (offline) key. Keypair label %s.",
		       cs->name, cs->name);
		ERR_clear_error();
		rc = check_failed(cs, pk_err_set(PK_ESTATE,
						 "Server key not found, waiting for (offline) key. Keypair label %s.",
						 cs->name));
		goto out;
	}
	/* IOS makes the CA at the first `no shutdown` even without HTTP and
	 * enables the server when `ip http server` comes (docs/pki-server.md §4) */
	if (!pk_device_http_enabled(d)) {
		pk_debug(PK_DBG_SERVER, "CRYPTO_CS: HTTP server not enabled, initialization failed.");
		cs->http_disabled = 1;
		rc = check_failed(cs, pk_err_set(PK_ESTATE,
						 "HTTP server not enabled, initialization failed."));
		goto out;
	}
	/* a restored CA (or a lost NAME.ser) must not have its serial reused */
	if (pki_cert_serial(ca, &s) == 0 && s > cs->last_serial)
		cs->last_serial = cs->reserved = s;
	if (rca && pki_cert_serial(rca, &s) == 0 && s > cs->last_serial)
		cs->last_serial = cs->reserved = s;
	crl = rev_load(cs, ca);
	cs->enabled = 1;
	if (crl) {
		X509_CRL_free(cs->crl);
		cs->crl = crl;
		cs->crl_gen = pki_time_ms(X509_CRL_get0_lastUpdate(crl));
	} else if ((rc = crl_update(cs)) < 0) {
		cs->enabled = 0;
		rc = check_failed(cs, rc);
		goto out;
	}
	cs_timers(cs);
	pk_log(PK_LOG_INFO, "%%PKI-6-CS_ENABLED: Certificate server now enabled.");
	if (cs->cfg.grant == PK_GRANT_AUTO)
		pk_log(PK_LOG_INFO,
		       "%%PKI-6-CS_GRANT_AUTO: All enrollment requests will be automatically granted.");
	rc = 0;
out:
	cs->starting = 0;
	return rc;
}

static void cs_stop(pk_cs *cs)
{
	tmr_queue *q = pk_device_timers(cs->p->d);

	cs->enabled = 0;
	tmr_stop(q, &cs->t_crl);
	tmr_stop(q, &cs->t_shadow);
	tmr_stop(q, &cs->t_expire);
	pki_cs_req_timers(cs, 0);
	ser_clean(cs);
}

int pk_cs_enable(pk_cs *cs, const char *pw)
{
	if (pw && *pw)
		snprintf(cs->archive_pw, sizeof cs->archive_pw, "%s", pw);
	cs->cfg.shutdown = 0;
	if (cs->enabled)
		return 0;
	if (cs->p->configuring)
		return 0;        /* pk_pki_config_done enables it */
	return cs_start(cs);
}

int pk_cs_disable(pk_cs *cs)
{
	int was = cs->enabled;

	cs->cfg.shutdown = 1;
	cs->check_failed = cs->http_disabled = 0;
	if (!was)
		return 0;
	cs_stop(cs);
	pk_log(PK_LOG_NOTICE, "%s:Certificate Server is now disabled.", cs->name);
	return 0;
}

/* Admin up, operationally down, and nothing to ask the operator. */
static int cs_may_retry(const pk_cs *cs)
{
	return !cs->enabled && !cs->cfg.shutdown && !cs->p->configuring &&
	       !pk_cs_needs_archive_password(cs);
}

void pk_cs_http_changed(pk_pki *p)
{
	pk_cs *cs = p->cs;

	if (!cs)
		return;
	if (cs->enabled && !pk_device_http_enabled(p->d)) {
		cs_stop(cs);
		cs->http_disabled = cs->check_failed = 1;
		pk_debug(PK_DBG_SERVER, "CRYPTO_CS: HTTP server not enabled, initialization failed.");
	} else if (cs_may_retry(cs) && cs->check_failed) {
		cs_start(cs);
	}
}

void pki_cs_clock_changed(pk_pki *p)
{
	pk_cs *cs = p->cs;

	if (!cs)
		return;
	if (cs->enabled)
		cs_timers(cs);
	else if (cs_may_retry(cs) && cs->check_failed)
		cs_start(cs);
}

void pki_cs_config_done(pk_pki *p)
{
	pk_cs *cs = p->cs;

	if (!cs || cs->enabled)
		return;
	if (!cs->cfg.shutdown_explicit || !cs->cfg.shutdown) {
		cs->cfg.shutdown = 0;
		cs_start(cs);
	}
}

void pki_cs_key_added(pk_pki *p, const char *label)
{
	pk_cs *cs = p->cs;

	if (cs && strcmp(label, cs->name) == 0 && cs->check_failed && cs_may_retry(cs))
		cs_start(cs);
}

void pki_cs_key_removed(pk_pki *p, const char *label)
{
	pk_cs *cs = p->cs;

	if (!cs || !cs->enabled || strcmp(label, cs->name) != 0)
		return;
	cs_stop(cs);
	cs->check_failed = 1;
	pk_log(PK_LOG_NOTICE, "%s:Server key not found, waiting for (offline) key. Keypair label %s.",
	       cs->name, cs->name);
}

/* ---- timers ------------------------------------------------------------------------------ */

/* Recompute CS timers from the certificate dates (spec §3.1, §3.2). */
static void cs_timers(pk_cs *cs)
{
	pk_device *d = cs->p->d;
	tmr_queue *q = pk_device_timers(d);
	X509 *ca = pki_cs_ca(cs), *rca = pki_cs_rca(cs);
	tmr_ms now = now_of(cs), na = cert_na(ca), phase = now - pki_floor_sec(now);
	int dead;

	if (!cs->enabled || !ca || !tmr_clock_authoritative(pk_device_clock(d))) {
		tmr_stop(q, &cs->t_crl);
		tmr_stop(q, &cs->t_shadow);
		tmr_stop(q, &cs->t_expire);
		pki_cs_req_timers(cs, 0);
		return;
	}
	dead = now >= na && !rca;
	if (cs->crl && !dead)
		tmr_start(q, &cs->t_crl, cs->crl_gen + cs->cfg.life_crl);
	else
		tmr_stop(q, &cs->t_crl);
	if (!dead)
		tmr_start(q, &cs->t_expire, na);
	else
		tmr_stop(q, &cs->t_expire);
	if (cs->cfg.auto_rollover >= 0 && !rca && !dead) {
		tmr_ms at = na - cs->cfg.auto_rollover;
		/* keep an armed timer's milliseconds when its second is right */
		if (!tmr_armed(&cs->t_shadow) || pki_floor_sec(tmr_deadline(&cs->t_shadow)) != at)
			tmr_start(q, &cs->t_shadow, at + phase);
	} else {
		tmr_stop(q, &cs->t_shadow);
	}
	pki_cs_req_timers(cs, 1);
	pk_device_kick(d);
}

/* ---- rollover (spec §3.2, §3.6, §3.7) ---------------------------------------------------- */

static int do_rollover(pk_cs *cs)
{
	X509 *ca = pki_cs_ca(cs), *rca = NULL;
	pk_key *k = cs_key(cs, 0), *rk = cs_key(cs, 1);
	EVP_PKEY *gen = NULL;
	char label[80], file[96], url[700];
	pk_tp *t = cs_tp(cs);
	int rc;

	if (pki_cs_rca(cs))
		return pk_err_set(PK_EEXIST, "Rollover certificate already exists");
	if (!ca || !k || !t)
		return pk_err_set(PK_ESTATE, "Certificate server %s has no CA certificate", cs->name);
	shadow_label(cs, label, sizeof label);
	if (!rk) {
		rc = pki_rsa_generate(cs->p, EVP_PKEY_get_bits(k->pkey), &gen);
		if (rc == 0)
			rc = pki_key_put(cs->p, label, gen, 0);
		EVP_PKEY_free(gen);
		if (rc < 0)
			return rc;
		pk_debug(PK_DBG_SERVER, "CRYPTO_CS: key '%s' does not exist; generated automatically",
			 label);
		rk = cs_key(cs, 1);
	}
	rc = make_ca_cert(cs, rk->pkey, X509_get_subject_name(ca), cert_na(ca), &rca);
	if (rc < 0)
		return rc;
	pk_debug(PK_DBG_SERVER, "CRYPTO_CS: shadow CA successfully created.");
	rc = pk_tp_set_cert(t, PK_TP_CA_ROLLOVER, rca);
	if (rc < 0)
		goto out;
	if (pki_cs_record_cert(cs, rca) < 0)
		pk_log(PK_LOG_ERR, "%s:cannot record the rollover CA certificate: %s", cs->name,
		       pk_err_msg());
	if (cs->cfg.archive != PK_ARCHIVE_NONE) {
		if (!archive_pw(cs)[0]) {
			pk_log(PK_LOG_WARN, "%s:no archive password known; shadow CA key not exported",
			       cs->name);
		} else {
			pk_debug(PK_DBG_SERVER, "CRYPTO_CS: exporting shadow CA key and cert");
			cs->archive_count++;
			snprintf(file, sizeof file, "%s_%05u.%s", cs->name, cs->archive_count,
				 cs->cfg.archive == PK_ARCHIVE_PKCS12 ? "p12" : "pem");
			if (archive_write(cs, rk->pkey, rca, file, archive_pw(cs)) == 0 &&
			    ser_write(cs, cs->last_serial, cs->reserved) == 0) {
				pki_cs_url_join(cs, file, url, sizeof url);
				pk_debug(PK_DBG_SERVER, "CRYPTO_CS: file opened: %s", url);
			} else {
				pk_log(PK_LOG_ERR, "%s:cannot export the shadow CA: %s", cs->name,
				       pk_err_msg());
			}
		}
	}
	rc = 0;
out:
	X509_free(rca);
	cs_timers(cs);
	return rc;
}

static void shadow_timer_cb(tmr *t, void *arg)
{
	pk_cs *cs = arg;

	pk_debug(PK_DBG_SERVER, "CRYPTO_CS: shadow generation timer fired.");
	if (do_rollover(cs) < 0 && !pki_cs_rca(cs)) {
		/* invented: retry in an hour rather than spin on a past instant */
		pk_log(PK_LOG_ERR, "%s:shadow CA generation failed: %s", cs->name, pk_err_msg());
		tmr_start(pk_device_timers(cs->p->d), t, now_of(cs) + TMR_HOUR);
	}
}

/* CS CERT EXPIRE: the rollover CA becomes the CA (key NAME# → NAME), the
 * CRL is re-signed by the new key; or, without a rollover CA, the server is
 * left with an expired CA (spec §6 Q7). */
static void expire_timer_cb(tmr *t, void *arg)
{
	pk_cs *cs = arg;
	pk_tp *tp = cs_tp(cs);
	char label[80];

	if (!pki_cs_rca(cs) || !tp) {
		pk_debug(PK_DBG_SERVER, "CRYPTO_CS: CA certificate expired; no rollover CA certificate");
		cs_timers(cs);
		return;
	}
	shadow_label(cs, label, sizeof label);
	if (!cs_key(cs, 1) || pk_key_rename(cs->p, label, cs->name) < 0) {
		pk_log(PK_LOG_ERR, "%s:cannot activate the rollover CA certificate: %s", cs->name,
		       cs_key(cs, 1) ? pk_err_msg() : "no rollover key");
		if (cs_key(cs, 1))
			tmr_start(pk_device_timers(cs->p->d), t, now_of(cs) + TMR_HOUR);
		return;
	}
	pk_tp_activate_rollover(tp);
	pk_debug(PK_DBG_SERVER, "CRYPTO_CS: rollover CA certificate activated.");
	if (crl_update(cs) < 0)
		pk_log(PK_LOG_ERR, "%s:CRL update failed: %s", cs->name, pk_err_msg());
	cs_timers(cs);
}

int pk_cs_rollover(pk_cs *cs)
{
	if (pki_cs_rca(cs))
		return pk_err_set(PK_EEXIST, "Rollover certificate already exists");
	if (!cs->enabled)
		return pk_err_set(PK_ESTATE, "Certificate server %s is not enabled", cs->name);
	return do_rollover(cs);
}

int pk_cs_rollover_cancel(pk_cs *cs)
{
	pk_tp *t = cs_tp(cs);
	char label[80];
	int rc;

	if (!pki_cs_rca(cs) || !t)
		return pk_err_set(PK_ENOENT, "No rollover certificate");
	shadow_label(cs, label, sizeof label);
	if (cs_key(cs, 1) && (rc = pk_key_delete(cs->p, label)) < 0)
		return rc;
	pk_tp_set_cert(t, PK_TP_CA_ROLLOVER, NULL);
	cs_timers(cs);
	return 0;
}

const struct x509_st *pk_cs_ca_cert(const pk_cs *cs)
{
	return pki_cs_ca(cs);
}

const struct x509_st *pk_cs_rollover_cert(const pk_cs *cs)
{
	return pki_cs_rca(cs);
}

int pk_cs_scep_keys(pk_cs *cs, int rollover, struct evp_pkey_st **key, struct x509_st **cert)
{
	X509 *c = rollover ? pki_cs_rca(cs) : pki_cs_ca(cs);
	pk_key *k = cs_key(cs, rollover);

	*key = NULL;
	*cert = NULL;
	if (!c || !k)
		return pk_err_set(PK_ENOENT, "no %sCA certificate", rollover ? "rollover " : "");
	if (!EVP_PKEY_up_ref(k->pkey))
		return pk_err_set(PK_ENOMEM, "out of memory");
	if (!X509_up_ref(c)) {
		EVP_PKEY_free(k->pkey);
		return pk_err_set(PK_ENOMEM, "out of memory");
	}
	*key = k->pkey;
	*cert = c;
	return 0;
}

/* ---- one-time passwords ---------------------------------------------------------------------- */

int pk_cs_password_generate(pk_cs *cs, int minutes, char *buf, size_t n)
{
	static const char abc[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
	tmr_ms now = now_of(cs);
	struct cs_otp *slot = NULL;
	size_t i, got = 0;

	if (minutes == 0)
		minutes = 60;
	if (minutes < 1 || minutes > 1440)
		return pk_err_set(PK_EINVAL, "password lifetime must be 1 to 1440 minutes");
	if (n < sizeof cs->otp[0].pw)
		return pk_err_set(PK_EINVAL, "buffer too small");
	for (i = 0; i < CS_OTP_MAX; i++) {
		struct cs_otp *o = &cs->otp[i];
		if (o->expires && o->expires <= now)
			o->expires = 0;
		if (!o->expires && !slot)
			slot = o;
	}
	if (!slot) {            /* all alive: replace the one expiring first */
		slot = &cs->otp[0];
		for (i = 1; i < CS_OTP_MAX; i++)
			if (cs->otp[i].expires < slot->expires)
				slot = &cs->otp[i];
	}
	while (got < 16) {
		unsigned char r[32];
		size_t j;
		if (RAND_bytes(r, sizeof r) != 1)
			return pk_err_ossl(PK_ECRYPTO, "no randomness");
		for (j = 0; j < sizeof r && got < 16; j++)
			if (r[j] < 248)     /* 248 = 4 * 62: no modulo bias */
				slot->pw[got++] = abc[r[j] % 62];
	}
	slot->pw[16] = '\0';
	slot->expires = now + (tmr_ms)minutes * TMR_MIN;
	snprintf(buf, n, "%s", slot->pw);
	return 0;
}

static int ct_equal(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b);

	return la == lb && CRYPTO_memcmp(a, b, la) == 0;
}

int pki_cs_challenge(pk_cs *cs, const char *pw)
{
	pk_tp *t = cs_tp(cs);
	tmr_ms now = now_of(cs);
	int have = 0, match = 0;
	size_t i;

	if (!pw)
		pw = "";
	if (t && t->cfg.password_set && t->cfg.password[0]) {
		have = 1;
		match |= ct_equal(pw, t->cfg.password);
	}
	for (i = 0; i < CS_OTP_MAX; i++) {
		struct cs_otp *o = &cs->otp[i];
		if (!o->expires || o->expires <= now)
			continue;
		have = 1;
		if (!match && ct_equal(pw, o->pw)) {
			match = 1;
			OPENSSL_cleanse(o, sizeof *o);     /* one-time */
		}
	}
	return have ? match : -1;
}

/* ---- view ---------------------------------------------------------------------------------------- */

static void md5_grouped(X509 *c, char *buf, size_t n)
{
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int len = 0;
	char hex[3 * EVP_MAX_MD_SIZE + 1];

	buf[0] = '\0';
	if (X509_digest(c, EVP_md5(), md, &len) && len == 16 && n > 35) {
		pki_hex(md, len, 4, hex);
		memcpy(buf, hex, 36);
	}
}

void pk_cs_view(const pk_cs *cs, struct pk_cs_view *v)
{
	X509 *ca = pki_cs_ca(cs), *rca = pki_cs_rca(cs);

	memset(v, 0, sizeof *v);
	snprintf(v->name, sizeof v->name, "%s", cs->name);
	v->enabled = cs->enabled;
	v->http_disabled = cs->http_disabled;
	v->check_failed = cs->check_failed;
	v->locked = !cs->cfg.shutdown;
	v->has_ca = ca != NULL;
	if (ca) {
		md5_grouped(ca, v->ca_md5, sizeof v->ca_md5);
		v->ca_expire = cert_na(ca);
	}
	snprintf(v->grant_text, sizeof v->grant_text, "%s",
		 cs->cfg.grant == PK_GRANT_MANUAL ? "manual" :
		 cs->cfg.grant == PK_GRANT_NONE ? "none" : "auto");
	snprintf(v->last_serial, sizeof v->last_serial, "%llX",
		 (unsigned long long)cs->last_serial > cs->cfg.serial_number ?
		 (unsigned long long)cs->last_serial : cs->cfg.serial_number);
	v->crl_next = cs->crl ? pki_time_ms(X509_CRL_get0_nextUpdate(cs->crl)) : 0;
	snprintf(v->db_url, sizeof v->db_url, "%s", cs->cfg.db_url);
	v->db_level = cs->cfg.db_level;
	v->has_rollover = rca != NULL;
	if (rca) {
		md5_grouped(rca, v->rollover_md5, sizeof v->rollover_md5);
		v->rollover_expire = cert_na(rca);
	}
	v->auto_rollover = cs->cfg.auto_rollover;
	v->autorollover_timer = tmr_armed(&cs->t_shadow) && ca ?
				cert_na(ca) - cs->cfg.auto_rollover : 0;
}

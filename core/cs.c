/*
 * cs.c — the certificate server: life cycle, configuration, enable/disable
 * and its checks, one-time passwords, the view for show (contract: pki.h
 * "the certificate server"; spec §1.4, §2.4, §5.1; choices:
 * docs/pki-server.md).  Serial numbers and the database directory are in
 * cs_serial.c, revocation and the CRL in cs_crl.c, the CA certificate,
 * archives, CS timers and rollover in cs_ca.c; requests, issuance and SCEP
 * decisions in cs_req.c.
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

#include "core/cs_int.h"
#include "core/text.h"

static int cs_start(pk_cs *cs);
static void cs_stop(pk_cs *cs);

/* ---- accessors ------------------------------------------------------------- */

pk_tp *pki_cs_tp(const pk_cs *cs)
{
	pk_tp *t = pk_tp_find(cs->p, cs->name);
	return t && t->server ? t : NULL;
}

X509 *pki_cs_ca(const pk_cs *cs)
{
	pk_tp *t = pki_cs_tp(cs);
	return t ? t->certs[PK_TP_CA] : NULL;
}

X509 *pki_cs_rca(const pk_cs *cs)
{
	pk_tp *t = pki_cs_tp(cs);
	return t ? t->certs[PK_TP_CA_ROLLOVER] : NULL;
}

void pki_cs_shadow_label(const pk_cs *cs, char *buf, size_t n)
{
	snprintf(buf, n, "%s#", cs->name);
}

pk_key *pki_cs_key(const pk_cs *cs, int rollover)
{
	char label[80];

	if (rollover) {
		pki_cs_shadow_label(cs, label, sizeof label);
		return pk_key_find(cs->p, label);
	}
	return pk_key_find(cs->p, cs->name);
}

int pki_cs_dead(const pk_cs *cs)
{
	X509 *ca = pki_cs_ca(cs);
	return !ca || (pki_cs_now(cs) >= pki_cs_cert_na(ca) && !pki_cs_rca(cs));
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

void pki_cs_db_path(const pk_cs *cs, const char *file, char *buf, size_t n)
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

void pki_cs_crl_timer_cb(tmr *t, void *arg);
void pki_cs_shadow_timer_cb(tmr *t, void *arg);
void pki_cs_expire_timer_cb(tmr *t, void *arg);

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
	size_t n = strlen(name);

	if (out)
		*out = NULL;
	if (p->cs)
		return pk_err_set(PK_EEXIST, "Certificate server %s already exists", p->cs->name);
	if (n == 0 || n >= sizeof cs->name - 1)
		return pk_err_set(PK_EINVAL, "invalid certificate server name");
	/* a trustpoint's and a key's name too (docs/commands.md "Names"), and
	 * the file names of its database: no '/', no '#' (NAME# is the
	 * rollover key) */
	if (!pk_name_chars_ok(name) || strpbrk(name, "/#"))
		return pk_err_set(PK_EINVAL, "Certificate server name contains one or more illegal "
				  "characters.");
	cs = calloc(1, sizeof *cs);
	if (!cs)
		return pk_err_set(PK_ENOMEM, "out of memory");
	cs->p = p;
	cs->db_fd = -1;
	snprintf(cs->name, sizeof cs->name, "%s", name);
	cfg_defaults(&cs->cfg);
	tmr_init(&cs->t_crl, TMR_G_CS, "CS CRL UPDATE", pki_cs_crl_timer_cb, cs);
	tmr_init(&cs->t_shadow, TMR_G_CS, "CS SHADOW CERT GENERATION", pki_cs_shadow_timer_cb, cs);
	tmr_init(&cs->t_expire, TMR_G_CS, "CS CERT EXPIRE", pki_cs_expire_timer_cb, cs);
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
	if (cs->enabled) {
		cs_stop(cs);
	} else {
		pki_cs_ser_clean(cs);      /* a CA made while HTTP was off reserved serials */
		pki_cs_reqdb_flush(cs);
	}
	pki_cs_db_unlock(cs);
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
	t = pki_cs_tp(cs);
	pki_cs_ser_forget_ca(cs);
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
	return pk_cs_needs_ca(cs) && !pki_cs_key(cs, 0);
}

/* ---- enable / disable ---------------------------------------------------------------------- */

/* A check failed: remember the reason `show` gives on its Status line
 * ("Status: disabled, Time has not been set"); the full message stays in
 * pk_err_msg() for the caller. */
static int check_failed(pk_cs *cs, int rc, const char *why)
{
	cs->check_failed = 1;
	snprintf(cs->why, sizeof cs->why, "%s", why);
	pki_cs_db_unlock(cs);
	return rc;
}

/* The CA certificate is missing, but NAME.ser says one was made: never mint
 * another one in its place (a damaged or incomplete configuration). */
static int ca_missing(pk_cs *cs)
{
	char url[700], file[80];

	snprintf(file, sizeof file, "%s.ser", cs->name);
	pki_cs_url_join(cs, file, url, sizeof url);
	pk_log(PK_LOG_ERR, "%s:CA certificate not found, waiting for the certificate chain. "
	       "CA certificate serial number %llX.", cs->name, (unsigned long long)cs->ser_ca);
	if (cs->ser_ca)
		return check_failed(cs, pk_err_set(PK_ESTATE,
			"CA certificate %02llX (SHA1 %.8s...) of server %s is not in the configuration, "
			"but %s says it was issued: the certificate chain %s is missing or damaged. "
			"Restore it (crypto pki certificate chain %s), or remove the server "
			"(no crypto pki server %s) to start a new CA",
			(unsigned long long)cs->ser_ca, cs->ser_ca_fp, cs->name, url, cs->name,
			cs->name, cs->name), "CA certificate not found");
	return check_failed(cs, pk_err_set(PK_ESTATE,
		"Server %s has issued serial numbers up to %llX (%s) but its CA certificate is not "
		"in the configuration: restore the certificate chain %s, or remove the server "
		"(no crypto pki server %s) to start a new CA", cs->name,
		(unsigned long long)cs->last_serial, url, cs->name, cs->name),
		"CA certificate not found");
}

/* The enable checks and start-up (spec §2.4); leaves "check failed" and
 * its reason behind when a check fails. */
static int cs_start(pk_cs *cs)
{
	pk_device *d = cs->p->d;
	X509 *ca;
	X509_CRL *crl;
	pk_key *k;
	char path[4096];
	uint64_t s;
	int rc;

	if (cs->enabled || cs->starting)
		return 0;
	cs->starting = 1;
	cs->check_failed = cs->http_disabled = 0;
	cs->why[0] = '\0';
	if ((rc = pk_device_path(d, cs->cfg.db_url, path, sizeof path)) < 0 ||
	    (rc = pk_store_mkdirs(path, 0700)) < 0) {
		rc = check_failed(cs, rc, "Database url not usable");
		goto out;
	}
	if (strcmp(path, cs->dbdir) != 0) {
		/* another database (database url changed while shut): its own
		 * serials and requests; the old ones were written back there at
		 * the stop */
		if (cs->dbdir[0]) {
			pki_cs_reqs_free(cs);
			cs->next_id = 0;
			cs->reqdb_max = 0;
			cs->ser_ca = 0;
			cs->ser_ca_known = 0;
		}
		snprintf(cs->dbdir, sizeof cs->dbdir, "%s", path);
		cs->ser_ready = 0;
		cs->reqdb_loaded = 0;
	}
	if ((rc = pki_cs_db_lock(cs)) < 0) {
		rc = check_failed(cs, rc, "Database in use by another server");
		goto out;
	}
	/* Read NAME.ser first, whatever fails next, so that show says what was
	 * issued.  Once read, memory is ahead of the file (a reservation may
	 * be outstanding): reading it again would skip the reserved serials. */
	if (!cs->ser_ready && (rc = pki_cs_ser_load(cs)) < 0) {
		rc = check_failed(cs, rc, "Serial number file damaged");
		goto out;
	}
	/* `serial-number 0x<hex>` raises the counter; it never lowers it */
	if (cs->cfg.serial_number > cs->last_serial)
		cs->last_serial = cs->reserved = cs->cfg.serial_number;
	if (!tmr_clock_authoritative(pk_device_clock(d))) {
		rc = check_failed(cs, pk_err_set(PK_ESTATE,
				  "Time has not been set. Cannot start the Certificate server"),
				  "Time has not been set");
		goto out;
	}
	if (pk_cs_needs_archive_password(cs) && !pki_cs_had_ca(cs)) {
		/* the operator must supply one: back to shut, no retry */
		cs->cfg.shutdown = 1;
		pki_cs_db_unlock(cs);
		rc = pk_err_set(PK_ESTATE, "A password is required to archive the CA key");
		goto out;
	}
	if (pk_cs_needs_ca(cs)) {
		if (pki_cs_had_ca(cs)) {
			rc = ca_missing(cs);
			goto out;
		}
		if ((rc = pki_cs_create_ca(cs)) < 0) {
			rc = check_failed(cs, rc, "CA certificate not created");
			goto out;
		}
	}
	ca = pki_cs_ca(cs);
	k = pki_cs_key(cs, 0);
	if (!k || EVP_PKEY_eq(k->pkey, X509_get0_pubkey(ca)) != 1) {
		pk_log(PK_LOG_NOTICE, "%s:Server key not found, waiting for (offline) key. Keypair label %s.",
		       cs->name, cs->name);
		ERR_clear_error();
		rc = check_failed(cs, pk_err_set(PK_ESTATE,
						 "Server key not found, waiting for (offline) key. Keypair label %s.",
						 cs->name), "Server key not found");
		goto out;
	}
	/* IOS makes the CA at the first `no shutdown` even without HTTP and
	 * enables the server when `ip http server` comes (docs/pki-server.md §4) */
	if (!pk_device_http_enabled(d)) {
		pk_debug(PK_DBG_SERVER, "CRYPTO_CS: HTTP server not enabled, initialization failed.");
		cs->http_disabled = 1;
		rc = check_failed(cs, pk_err_set(PK_ESTATE,
						 "HTTP server not enabled, initialization failed."),
				  "HTTP Server is disabled");
		goto out;
	}
	crl = pki_cs_rev_load(cs, ca);
	if (!cs->reqdb_loaded) {
		pki_cs_reqdb_load(cs);
		pki_cs_replay_load(cs);
	}
	/* a restored CA, a revoked serial or a granted request above the
	 * counter (NAME.ser rolled back): never reuse it */
	s = pki_cs_issued_max(cs, 0);
	if (s > cs->last_serial) {
		pk_log(PK_LOG_WARN, "%s:serial number file %s.ser is behind the database; "
		       "continuing after %llX", cs->name, cs->name, (unsigned long long)s);
		cs->last_serial = cs->reserved = s;
		if ((rc = pki_cs_ser_write(cs, s, s)) < 0) {
			X509_CRL_free(crl);
			rc = check_failed(cs, rc, "Serial number file not writable");
			goto out;
		}
	}
	cs->enabled = 1;
	if (crl) {
		X509_CRL_free(cs->crl);
		cs->crl = crl;
		cs->crl_gen = pki_time_ms(X509_CRL_get0_lastUpdate(crl));
	} else if ((rc = pki_cs_crl_update(cs)) < 0) {
		cs->enabled = 0;
		rc = check_failed(cs, rc, "CRL not writable");
		goto out;
	}
	pki_cs_timers(cs);
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
	pki_cs_reqdb_flush(cs);
	pki_cs_ser_clean(cs);
	pki_cs_db_unlock(cs);
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
	cs->why[0] = '\0';
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
		snprintf(cs->why, sizeof cs->why, "HTTP Server is disabled");
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
		pki_cs_timers(cs);
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

void pki_cs_certs_changed(pk_pki *p, const pk_tp *t)
{
	pk_cs *cs = p->cs;

	/* e.g. the certificate chain pasted after a start found it missing */
	if (cs && pki_cs_tp(cs) == t && cs->check_failed && cs_may_retry(cs) && !cs->starting)
		cs_start(cs);
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
	pk_key *k = pki_cs_key(cs, rollover);

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
	tmr_ms now = pki_cs_now(cs);
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

/* Compare a typed password with a secret in constant time, whatever their
 * lengths: SHA-256 of each, then CRYPTO_memcmp over the fixed-size
 * digests (comparing the strings would return early on a length mismatch
 * and tell an attacker the secret's length). */
static int ct_equal(const char *given, const char *secret)
{
	unsigned char a[32], b[32];
	unsigned int la = 0, lb = 0;
	int eq;

	if (!EVP_Digest(given, strlen(given), a, &la, EVP_sha256(), NULL) ||
	    !EVP_Digest(secret, strlen(secret), b, &lb, EVP_sha256(), NULL) || la != 32 || lb != 32)
		return 0;
	eq = CRYPTO_memcmp(a, b, sizeof a) == 0;
	OPENSSL_cleanse(a, sizeof a);
	OPENSSL_cleanse(b, sizeof b);
	return eq;
}

int pki_cs_challenge(pk_cs *cs, const char *pw)
{
	pk_tp *t = pki_cs_tp(cs);
	tmr_ms now = pki_cs_now(cs);
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
	if (!cs->enabled && cs->check_failed)
		snprintf(v->why, sizeof v->why, "%s", cs->why);
	v->locked = !cs->cfg.shutdown;
	v->has_ca = ca != NULL;
	if (ca) {
		md5_grouped(ca, v->ca_md5, sizeof v->ca_md5);
		v->ca_expire = pki_cs_cert_na(ca);
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
		v->rollover_expire = pki_cs_cert_na(rca);
	}
	v->auto_rollover = cs->cfg.auto_rollover;
	v->autorollover_timer = tmr_armed(&cs->t_shadow) && ca ?
				pki_cs_cert_na(ca) - cs->cfg.auto_rollover : 0;
}


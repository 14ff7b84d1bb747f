/*
 * cs_ca.c — the CA certificate of a certificate server: creation at the
 * first enable, archives (NAME.p12 / NAME_00001.p12), the CS timers and CA
 * rollover with its activation (spec §3.2, §3.6, §3.7).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/pkcs12.h>

#include "core/cs_int.h"

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
	pki_cs_db_path(cs, file, path, sizeof path);
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
int pki_cs_create_ca(pk_cs *cs)
{
	pk_key *k = pki_cs_key(cs, 0);
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
		k = pki_cs_key(cs, 0);
	}
	if (cs->cfg.issuer[0])
		snprintf(issuer, sizeof issuer, "%s", cs->cfg.issuer);
	else
		snprintf(issuer, sizeof issuer, "CN=%s", cs->name);
	rc = pki_dn_parse(issuer, &name);
	if (rc < 0)
		return rc;
	rc = make_ca_cert(cs, k->pkey, name, pki_floor_sec(pki_cs_now(cs)), &ca);
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
	/* NAME.ser names the CA from now on: a configuration that loses the
	 * certificate can never make the server mint another one */
	if (rc == 0)
		rc = pki_cs_ser_write(cs, cs->last_serial, cs->reserved);
out:
	X509_free(ca);
	X509_NAME_free(name);
	return rc;
}

/* ---- timers ------------------------------------------------------------------------------ */

/* Recompute CS timers from the certificate dates (spec §3.1, §3.2). */
void pki_cs_timers(pk_cs *cs)
{
	pk_device *d = cs->p->d;
	tmr_queue *q = pk_device_timers(d);
	X509 *ca = pki_cs_ca(cs), *rca = pki_cs_rca(cs);
	tmr_ms now = pki_cs_now(cs), na = pki_cs_cert_na(ca), phase = now - pki_floor_sec(now);
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
	pk_key *k = pki_cs_key(cs, 0), *rk = pki_cs_key(cs, 1);
	EVP_PKEY *gen = NULL;
	char label[80], file[96], url[700];
	pk_tp *t = pki_cs_tp(cs);
	int rc;

	if (pki_cs_rca(cs))
		return pk_err_set(PK_EEXIST, "Rollover certificate already exists");
	if (!ca || !k || !t)
		return pk_err_set(PK_ESTATE, "Certificate server %s has no CA certificate", cs->name);
	pki_cs_shadow_label(cs, label, sizeof label);
	if (!rk) {
		rc = pki_rsa_generate(cs->p, EVP_PKEY_get_bits(k->pkey), &gen);
		if (rc == 0)
			rc = pki_key_put(cs->p, label, gen, 0);
		EVP_PKEY_free(gen);
		if (rc < 0)
			return rc;
		pk_debug(PK_DBG_SERVER, "CRYPTO_CS: key '%s' does not exist; generated automatically",
			 label);
		rk = pki_cs_key(cs, 1);
	}
	rc = make_ca_cert(cs, rk->pkey, X509_get_subject_name(ca), pki_cs_cert_na(ca), &rca);
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
			    pki_cs_ser_write(cs, cs->last_serial, cs->reserved) == 0) {
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
	pki_cs_timers(cs);
	return rc;
}

void pki_cs_shadow_timer_cb(tmr *t, void *arg)
{
	pk_cs *cs = arg;

	pk_debug(PK_DBG_SERVER, "CRYPTO_CS: shadow generation timer fired.");
	if (do_rollover(cs) < 0 && !pki_cs_rca(cs)) {
		/* invented: retry in an hour rather than spin on a past instant */
		pk_log(PK_LOG_ERR, "%s:shadow CA generation failed: %s", cs->name, pk_err_msg());
		tmr_start(pk_device_timers(cs->p->d), t, pki_cs_now(cs) + TMR_HOUR);
	}
}

/* CS CERT EXPIRE: the rollover CA becomes the CA (key NAME# → NAME), the
 * CRL is re-signed by the new key; or, without a rollover CA, the server is
 * left with an expired CA (spec §6 Q7). */
void pki_cs_expire_timer_cb(tmr *t, void *arg)
{
	pk_cs *cs = arg;
	pk_tp *tp = pki_cs_tp(cs);
	char label[80];

	if (!pki_cs_rca(cs) || !tp) {
		pk_debug(PK_DBG_SERVER, "CRYPTO_CS: CA certificate expired; no rollover CA certificate");
		pki_cs_timers(cs);
		return;
	}
	pki_cs_shadow_label(cs, label, sizeof label);
	if (!pki_cs_key(cs, 1) || pk_key_rename(cs->p, label, cs->name) < 0) {
		pk_log(PK_LOG_ERR, "%s:cannot activate the rollover CA certificate: %s", cs->name,
		       pki_cs_key(cs, 1) ? pk_err_msg() : "no rollover key");
		if (pki_cs_key(cs, 1))
			tmr_start(pk_device_timers(cs->p->d), t, pki_cs_now(cs) + TMR_HOUR);
		return;
	}
	pk_tp_activate_rollover(tp);
	pk_debug(PK_DBG_SERVER, "CRYPTO_CS: rollover CA certificate activated.");
	if (pki_cs_ser_write(cs, cs->last_serial, cs->reserved) < 0)
		pk_log(PK_LOG_ERR, "%s:cannot update %s.ser: %s", cs->name, cs->name, pk_err_msg());
	if (pki_cs_crl_update(cs) < 0)
		pk_log(PK_LOG_ERR, "%s:CRL update failed: %s", cs->name, pk_err_msg());
	pki_cs_timers(cs);
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
	pk_tp *t = pki_cs_tp(cs);
	char label[80];
	int rc;

	if (!pki_cs_rca(cs) || !t)
		return pk_err_set(PK_ENOENT, "No rollover certificate");
	pki_cs_shadow_label(cs, label, sizeof label);
	if (pki_cs_key(cs, 1) && (rc = pk_key_delete(cs->p, label)) < 0)
		return rc;
	pk_tp_set_cert(t, PK_TP_CA_ROLLOVER, NULL);
	pki_cs_timers(cs);
	return 0;
}


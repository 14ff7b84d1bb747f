/*
 * cs_int.h — what the certificate server's files share (cs.c: life cycle,
 * configuration, enable/disable, view; cs_serial.c: NAME.ser and the
 * database directory; cs_crl.c: revocation and CRL; cs_ca.c: the CA
 * certificate, archives, CS timers and rollover; cs_req.c, cs_rec.c,
 * cs_reqdb.c: requests, issued-certificate records, the persisted request
 * database).  Nothing outside those files includes this.
 */
#ifndef PKISH_CS_INT_H
#define PKISH_CS_INT_H

#include "core/pki_int.h"

static inline tmr_ms pki_cs_cert_na(const X509 *c)
{
	return c ? pki_time_ms(X509_get0_notAfter(c)) : 0;
}

static inline tmr_ms pki_cs_now(const pk_cs *cs)
{
	return pk_device_now(cs->p->d);
}

/* cs.c */
pk_tp  *pki_cs_tp(const pk_cs *cs);                 /* the server's trustpoint */
void    pki_cs_shadow_label(const pk_cs *cs, char *buf, size_t n);   /* "NAME#" */
pk_key *pki_cs_key(const pk_cs *cs, int rollover);  /* key NAME or NAME# */
void    pki_cs_db_path(const pk_cs *cs, const char *file, char *buf, size_t n);

/* cs_serial.c */
int  pki_cs_db_lock(pk_cs *cs);                     /* PK_EBUSY: another server has it */
void pki_cs_db_unlock(pk_cs *cs);
int  pki_cs_ser_write(pk_cs *cs, uint64_t last, uint64_t reserved);
/* Read NAME.ser, reconcile with the database (PK_ESTATE + reason when the
 * last serial cannot be known), clean up half-written files. */
int  pki_cs_ser_load(pk_cs *cs);
void pki_cs_ser_clean(pk_cs *cs);
/* Highest serial the database shows issued, given the records' maximum. */
uint64_t pki_cs_issued_max(const pk_cs *cs, uint64_t records_max);
/* NAME.ser names a CA certificate (or counts serials without saying which). */
int  pki_cs_had_ca(const pk_cs *cs);
void pki_cs_ser_forget_ca(pk_cs *cs);

/* cs_crl.c */
X509_CRL *pki_cs_rev_load(pk_cs *cs, const X509 *ca);
int  pki_cs_crl_update(pk_cs *cs);
void pki_cs_crl_timer_cb(tmr *t, void *arg);

/* cs_ca.c */
int  pki_cs_create_ca(pk_cs *cs);
void pki_cs_timers(pk_cs *cs);
void pki_cs_shadow_timer_cb(tmr *t, void *arg);
void pki_cs_expire_timer_cb(tmr *t, void *arg);

/* cs_rec.c */
/* The certificate with this serial (a new reference), or NULL: the CA
 * certificates, granted requests, then <serial>.crt. */
X509 *pki_cs_find_cert(const pk_cs *cs, uint64_t serial);
/* The <serial>.cnm record of a certificate (never replacing one). */
int   pki_cs_write_cnm(pk_cs *cs, X509 *c);

/* cs_req.c */
/* Put a (read back) entry into the table and the transaction-id index. */
int  pki_cs_req_link(pk_cs *cs, struct cs_req *e);

/* cs_replay.c */
int  pki_cs_replay_key(const char *tid, const unsigned char *nonce, size_t nlen,
		       unsigned char key[CS_REPLAY_KEYLEN]);
int  pki_cs_replay_seen(const pk_cs *cs, const unsigned char key[CS_REPLAY_KEYLEN]);
/* Remember a challenge-granted message for good (fsync'd). */
int  pki_cs_replay_add(pk_cs *cs, const unsigned char key[CS_REPLAY_KEYLEN]);
void pki_cs_replay_load(pk_cs *cs);

/* cs_reqdb.c */
int  pki_cs_reqdb_load(pk_cs *cs);
/* The table changed: write NAME.rdb now (durable) or at the next durable
 * write / clean stop.  A failed durable write is logged and returned. */
int  pki_cs_reqdb_save(pk_cs *cs, int durable);
void pki_cs_reqdb_flush(pk_cs *cs);

#endif

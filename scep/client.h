/*
 * client.h — the trustpoint client (client.c), for cli/.
 *
 * All calls: device lock held (released during network exchanges).
 * Trustpoints are named, not pointed to, because one may be deleted by
 * another session while the lock is let go.
 */
#ifndef PKISH_SCEP_CLIENT_H
#define PKISH_SCEP_CLIENT_H

#include "core/pk.h"

/* Registers the trustpoint observer and the clock hook (scep_init). */
int  scep_client_init(pk_pki *p);

/* `crypto pki authenticate`: fetch the CA certificate (a new reference in
 * *ca; ncerts = how many came, 2+ with an RA). */
int  scep_client_getcacert(const char *tp, struct x509_st **ca, int *ncerts);
/* The operator accepted it: install, GetCACaps, arm timers. */
int  scep_client_accept_ca(const char *tp, const struct x509_st *ca);
/* `crypto pki enroll` after its dialog: a PKCSReq now (renewal when the
 * trustpoint already has a certificate).  The outcome is logged
 * (%PKI-6-CERTRET / CERTREJECT, or polling starts). */
int  scep_client_enroll(const char *tp, const char *challenge, int with_serial, const char *ip);

/* Fetch the CRL for trustpoint tp now and install it (core/crl.h): URL =
 * the trustpoint's `crl query` URL if set, else the CDP URI of cert (NULL:
 * of the trustpoint's identity certificate, else of its CA certificate),
 * else SCEP GetCRL (PKIOperation messageType 22, issuerAndSerialNumber of
 * the CA certificate).  The device lock is released during the exchange.
 * 0 (also when the CRL fetched is older than the cached one, which stays)
 * or PK_E* with a message; a failure logs %PKI-3-CRL_FETCH_FAIL and arms
 * the CRL auto-download retry timer (scep/client_crl.c). */
int  scep_client_crl_fetch(const char *tp, const struct x509_st *cert);

/* For show: the RENEW (or auto-enroll SHADOW) instant, 0 if none. */
tmr_ms scep_client_renew_date(pk_tp *t);
struct scep_pending {
	char name[256];          /* the hostname= of the request */
	char md5[40], sha1[48];  /* CSR fingerprints, grouped */
	int rollover;
};
/* 1 and *out while a request waits for the CA. */
int  scep_client_pending(pk_tp *t, struct scep_pending *out);
/* The rollover identity certificate is for key X#. */
int  scep_client_uses_shadow_key(pk_tp *t);

#endif

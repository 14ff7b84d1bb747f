/*
 * crl.h — the device's CRL cache (the trustpoint client's side of
 * revocation; crl_cache.c).  docs/pki-client.md "CRLs".
 *
 * IOS keeps the CRLs it fetched in RAM ("parsed CRL cache", `show crypto
 * pki crls`), one per issuer; nothing of it is saved, so a reload empties
 * it.  A CRL enters only through pk_crl_install(), which verifies it
 * against the CA certificate (or the rollover CA certificate) of the
 * trustpoint it was fetched for.
 *
 * Timers (group TMR_G_CRL, shown by `show crypto pki timers`):
 *   "CRL UPDATE *<issuer>"  at the CRL's NextUpdate: fetch it again (the
 *                            fetch hook below, registered by scep/);
 *   "CRL EXPIRE <issuer>"   at NextUpdate too: from then on the entry is
 *                            stale (kept, shown, pk_crl_usable() says 0);
 *   "CRL auto-download retry timer"  after a failed fetch: try again
 *                            (PK_CRL_RETRY_INTERVAL, at most
 *                            PK_CRL_RETRY_MAX attempts).
 * With `crl cache delete-after N` an entry is also removed N minutes after
 * it was downloaded; with `crl cache none` a fetched CRL is used for the
 * validation that fetched it and not kept (pk_crl_install returns it in
 * *out, see pk_crl_install2).
 *
 * All calls: device lock held.
 */
#ifndef PKISH_CRL_H
#define PKISH_CRL_H

#include <stddef.h>
#include "core/pki.h"

#define PK_CRL_CACHE_MAX      65536          /* "Parsed CRL cache maximum size" */
#define PK_CRL_RETRY_INTERVAL (30 * TMR_MIN)  /* show crypto pki crls download */
#define PK_CRL_RETRY_MAX      5

/* The device's parsed CRL cache entry for issuer (borrowed; NULL if none
 * cached).  Stale entries (past NextUpdate) are returned too: check
 * pk_crl_usable(). */
const struct X509_crl_st *pk_crl_cached(pk_pki *p, const struct X509_name_st *issuer);
/* 1 when crl is usable now: thisUpdate <= now < nextUpdate (a CRL
 * without nextUpdate never goes stale). */
int pk_crl_usable(pk_pki *p, const struct X509_crl_st *crl);

/* Install a CRL fetched for trustpoint t from source URL ("" = via SCEP):
 * verified against t's CA or rollover CA certificate (issuer name must
 * match the CA's subject, the CRL's AKI — when present — the CA's SKI, the
 * signature must verify), else PK_EDENIED with a message; not DER of a
 * CRL: PK_EPROTO.  Replaces the cached CRL of the same issuer unless it is
 * older (lower CRL number, or without numbers an earlier thisUpdate):
 * then PK_EEXIST, the cached one stays.  An equal one refreshes the
 * download time.  Arms its CRL timers.  With `crl cache none` on t
 * nothing is cached (0 is returned all the same). */
int pk_crl_install(pk_tp *t, const unsigned char *der, size_t len, const char *source);
/* pk_crl_install, and *out (if not NULL) gets a new reference to the
 * verified CRL (the caller X509_CRL_free()s it), cached or not. */
int pk_crl_install2(pk_tp *t, const unsigned char *der, size_t len, const char *source,
		    struct X509_crl_st **out);
/* Verify only (no cache change): 0 when t's CA or rollover CA signed crl. */
int pk_crl_verify(pk_tp *t, const struct X509_crl_st *crl);

/* `clear crypto pki crl`: empty the cache (timers stopped). */
void pk_crl_cache_clear(pk_pki *p);

/* ---- for show ----------------------------------------------------------- */

struct pk_crl_entry_view {
	char issuer[1024];       /* as IOS prints it: "cn=root C=pki" */
	char tp[128];            /* the trustpoint it was fetched for */
	tmr_ms this_update;      /* "LastUpdate:" */
	tmr_ms next_update;      /* "NextUpdate:" (0: none in the CRL) */
	tmr_ms downloaded;       /* "CRL downloaded at:" */
	char source[512];        /* the CDP URL, "" = via SCEP */
	size_t der_len;          /* "CRL DER is N bytes" */
	size_t nrevoked;
	int stale;               /* past NextUpdate */
};
size_t pk_crl_count(pk_pki *p);
/* Entry i (0 .. count-1, oldest download first); PK_ENOENT past the end. */
int    pk_crl_view(pk_pki *p, size_t i, struct pk_crl_entry_view *v);
/* "Parsed CRL cache current size is N bytes": the sum of the DER sizes. */
size_t pk_crl_cache_bytes(pk_pki *p);
/* The cached CRL of entry i (borrowed), for B2's and show's use. */
const struct X509_crl_st *pk_crl_at(pk_pki *p, size_t i);

/* ---- the fetch hook (scep/client_crl.c registers it) ---------------------
 * Called from the CRL UPDATE and retry timers with the name of the
 * trustpoint the CRL was fetched for; returns 0 or PK_E*.  The hook may
 * release the device lock. */
typedef int (*pk_crl_fetch_fn)(pk_pki *p, const char *tp, void *arg);
void pk_crl_set_fetcher(pk_pki *p, pk_crl_fetch_fn fn, void *arg);
/* A fetch for trustpoint tp failed: arm the auto-download retry timer
 * (attempts counted per trustpoint; none after PK_CRL_RETRY_MAX). */
void pk_crl_fetch_failed(pk_pki *p, const char *tp);
/* A fetch for tp succeeded: its retry state is dropped. */
void pk_crl_fetch_ok(pk_pki *p, const char *tp);

/* ---- core internals (pki.c) ----------------------------------------------- */
void pki_crl_reset(pk_pki *p);  /* reload: entries and retries go, the hook stays */
void pki_crl_free(pk_pki *p);   /* pk_pki_free: everything goes */

#endif

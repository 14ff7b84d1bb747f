/*
 * client_int.h — what the trustpoint client's files share: client.c (the
 * per-trustpoint state, its timers and what the CLI calls), client_req.c
 * (SCEP exchanges: GetCACaps, PKCSReq, GetCertInitial, GetNextCACert and
 * their CertReps), client_store.c (the outstanding request on disk).
 * Everything runs with the device lock held (released only around network
 * exchanges).  Nothing outside scep/client*.c includes this.
 */
#ifndef PKISH_SCEP_CLIENT_INT_H
#define PKISH_SCEP_CLIENT_INT_H

#include <openssl/evp.h>
#include <openssl/x509.h>

#include "core/pk.h"
#include "scep/http_client.h"
#include "scep/msg.h"

#define HTTP_TIMEOUT        30      /* seconds for one exchange */
#define CONNECT_TRIES       10      /* spec §6 Q6 */
#define POLL_CAP            (60 * TMR_MIN)
#define AUTOGEN_BITS        512     /* %CRYPTO-6-AUTOGEN (spec §2.5) */

enum job { JOB_NONE, JOB_INITIAL, JOB_RENEW, JOB_SHADOW_CA, JOB_SHADOW_ID, JOB_ACTIVATE };
enum kind { KIND_INITIAL = 1, KIND_RENEW, KIND_SHADOW };

struct tpc {
	pk_pki *p;
	char name[128];
	unsigned caps;
	int caps_known;
	X509 *ra;                    /* RA certificate (enrollment mode ra), not saved */
	tmr job_t, poll_t, retry_t;
	enum job job;
	/* the outstanding request */
	int pending;                 /* enum kind, 0 = none */
	char tid[40];
	X509_REQ *csr;
	char csr_md5[40], csr_sha1[48];
	X509 *signer;                /* the envelope's signer certificate ... */
	EVP_PKEY *signer_key;        /* ... and key */
	int for_rollover;
	int shadow_key;              /* the request is for key X# */
	int polls;
	tmr_ms poll_interval;
	tmr_ms poll_due;             /* next GetCertInitial (also while not armed) */
	int poll_due_auth;           /* ... decided on an authoritative clock */
	/* failures */
	int connect_tries;
	enum job retry_job;          /* what CONNECT RETRY re-does */
	int stopped;                 /* rejected, or polls ran out: nothing automatic */
	tmr_ms backoff;              /* automatic attempts that came to nothing */
	tmr_ms hold;                 /* RENEW/SHADOW not before this instant, */
	tmr_ms hold_from;            /* ... decided at this one */
	int busy;                    /* a network exchange is in flight */
	int quiet;                   /* our own certificate changes: no recompute */
};

extern pk_pki *cl_the_pki;

/* client.c */
pk_device *cl_dev(void);
tmr_ms cl_now(void);
struct tpc *cl_state_of(pk_tp *t);
pk_tp *cl_tp_of(const struct tpc *c);
void   cl_key_label(pk_tp *t, int shadow, char *buf, size_t n);   /* X or X# */
int    cl_cert_has_key(const X509 *x, const pk_key *k);
tmr_ms cl_cert_nb(const X509 *x);
tmr_ms cl_cert_na(const X509 *x);
tmr_ms cl_at_percent(tmr_ms nb, tmr_ms na, int pct);
void   cl_set_status(pk_tp *t, const char *s);
void   cl_clear_request(struct tpc *c);
void   cl_recompute(struct tpc *c);
void   cl_back_off(struct tpc *c, tmr_ms limit);
void   cl_guard_due(struct tpc *c, const X509 *cert, int pct);
void   cl_arm_poll(struct tpc *c, tmr_ms when);
struct tpc *cl_attach(pk_tp *t);

/* client_store.c: nvram:pki-requests, every outstanding request */
/* Write the file if what it would hold changed (no-op before the boot's
 * restore). */
void cl_store_sync(void);
/* The boot: read the file back into the trustpoints (pk_pki_on_boot). */
void cl_store_restore(pk_pki *p, void *arg);
/* A reload starts: nothing is written until the next boot's restore. */
void cl_store_hold(void);

/* client_req.c */
int  cl_exchange_ok(struct tpc *c, const char *op, const char *msg, struct http_response *r);
int  cl_getcacaps(struct tpc *c);
int  cl_request(struct tpc *c, int kind, const char *challenge, int with_serial, const char *ip);
int  cl_fetch_next_ca(struct tpc *c);
void cl_on_poll(tmr *t, void *arg);
/* c->csr_md5 / c->csr_sha1 from c->csr (grouped, for show). */
void cl_csr_fingerprints(struct tpc *c);

#endif

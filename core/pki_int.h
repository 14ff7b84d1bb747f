/*
 * pki_int.h — internals shared by the PKI engine's files (pki.c, keys.c,
 * x509.c, tp.c, cs*.c).  Nothing outside core/ includes this.
 *
 * Ownership: a pk_pki owns its keys, trustpoints and (at most one) server.
 * Everything runs with the device lock held, except the pure helpers of
 * x509.c, which touch no shared state.
 */
#ifndef PKISH_PKI_INT_H
#define PKISH_PKI_INT_H

#include <stdint.h>
#include <openssl/evp.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include "core/pki.h"
#include "core/err.h"
#include "core/log.h"
#include "core/store.h"

/* ---- objects ------------------------------------------------------------- */

struct pk_key {
	char label[128];
	EVP_PKEY *pkey;
	int bits;
	int exportable;
	int saved;
	tmr_ms generated;
};

struct pk_tp {
	pk_pki *p;
	char name[128];
	struct pk_tp_config cfg;
	X509 *certs[PK_TP__SLOTS];
	tmr_ms installed[PK_TP__SLOTS];
	char status[64];
	int server;              /* the trustpoint of the certificate server */
	void *client;
};

struct pk_pki {
	pk_device *d;
	uintptr_t token;         /* identifies this pki to the device hooks */
	struct pk_pki *next_live;
	pk_key **keys;           /* sorted by label */
	size_t nkeys, capkeys;
	pk_key **retired;        /* saved keys replaced since the last write
				  * memory (keys.c), any order */
	size_t nretired, capretired;
	int booted;              /* the boot's configuration replay is over */
	void (*boot_fn)(pk_pki *p, void *arg);   /* then: pk_pki_on_boot */
	void *boot_arg;
	pk_tp **tps;             /* creation order */
	size_t ntps, captps;
	pk_cs *cs;               /* the one server, or NULL */
	pk_tp_observer obs;
	void *obs_arg;
	int configuring;         /* a configuration replay is running */
	uint64_t pool_used;      /* keys of DIR/test-keys.pem handed out (tests) */
	struct pki_crlc *crlc;   /* the parsed CRL cache (crl_cache.c), NULL until used */
};

/* ---- keys.c ---------------------------------------------------------------- */

int  pki_keys_load(pk_pki *p);
void pki_keys_free(pk_pki *p);
int  pki_keys_mark_saved(pk_pki *p);
/* Generate an RSA key (e = 65537) without storing it (p may be NULL;
 * with PKISH_TEST=1 a key of DIR/test-keys.pem may be taken instead). */
int  pki_rsa_generate(pk_pki *p, int bits, EVP_PKEY **out);
/* Add or replace key `label` with pkey (reference taken), persisted at
 * once; on a storage failure nothing changes. */
int  pki_key_put(pk_pki *p, const char *label, EVP_PKEY *pkey, int exportable);
/* After a boot: give every certificate of the configuration its key again
 * (keys.c's header).  want[i].label must hold a key matching want[i].pub. */
struct pki_key_want {
	char label[170];
	EVP_PKEY *pub;           /* borrowed */
	const char *whose;       /* for the log: "trustpoint TP", "server NAME" */
};
void pki_keys_reconcile(pk_pki *p, const struct pki_key_want *want, size_t n);

/* ---- x509.c ---------------------------------------------------------------- */

/* Hex of bytes: upper case, groups of `group` bytes separated by a space
 * (group 0 = no spaces).  out needs 3 * len + 1 bytes. */
void pki_hex(const unsigned char *b, size_t len, size_t group, char *out);
/* MD5 of bytes as 32 upper-case hex digits. */
int  pki_md5_hex(const unsigned char *b, size_t len, char out[33]);
/* tmr_ms of an ASN1_TIME (0 when unparsable), and the reverse. */
tmr_ms pki_time_ms(const ASN1_TIME *t);
ASN1_TIME *pki_time_asn1(tmr_ms t);
/* The digest for a `hash` keyword ("md5", "sha1", "sha256", ...); NULL if unknown. */
const EVP_MD *pki_md(const char *name);
/* Serial of a certificate as a number (PK_EINVAL when it does not fit). */
int  pki_cert_serial(const X509 *c, uint64_t *out);
/* Parse a serial typed in hex ("04", "0x4"); PK_EINVAL when bad. */
int  pki_parse_serial(const char *s, uint64_t *out);
/* Parse an IOS DN into an X509_NAME in DER order (see pk_dn_check). */
int  pki_dn_parse(const char *dn, X509_NAME **out);
/* DN text forms (display order): lines ('\n'), comma (','), space (' '). */
enum { PKI_DN_LINES, PKI_DN_COMMA, PKI_DN_SPACE };
void pki_dn_format(const X509_NAME *n, int form, char *buf, size_t size);
/* Certificate to be signed (everything but the signature). */
struct pki_certspec {
	uint64_t serial;
	const X509_NAME *subject, *issuer;
	EVP_PKEY *pubkey;
	const X509_PUBKEY *spki;         /* instead of pubkey: copied as is (a
					  * request's key; OpenSSL 3.0 re-encodes an
					  * EVP_PKEY slowly, ~0.5 ms) */
	tmr_ms nb, na;
	int ca;                          /* CA extensions, else end entity */
	const unsigned char *aki;        /* issuer's key identifier; NULL = own */
	size_t aki_len;
	const char *cdp;                 /* CRL distribution point URI or NULL */
	const STACK_OF(X509_EXTENSION) *req_exts;   /* CSR extensions: SAN copied */
};
int  pki_cert_build(const struct pki_certspec *s, X509 **out);
int  pki_cert_sign(X509 *x, EVP_PKEY *key, const char *md);
/* A signed certificate parsed back from its DER (a new object whose
 * public key is decoded), or NULL. */
X509 *pki_cert_reparse(X509 *x);
struct pki_revoked {
	uint64_t serial;
	tmr_ms when;
};
/* A v1 CRL issued by `ca`, signed with key and md. */
int  pki_crl_build(const X509 *ca, EVP_PKEY *key, const char *md, tmr_ms this_upd,
		   tmr_ms next_upd, const struct pki_revoked *rev, size_t n, X509_CRL **out);

/* ---- tp.c ------------------------------------------------------------------ */

void pki_tp_notify(pk_tp *t, enum pk_tp_event ev);
/* Remove every trustpoint (observer hears PK_TP_EV_DELETE). */
void pki_tps_free(pk_pki *p);
/* Delete one trustpoint even if it belongs to a server. */
void pki_tp_destroy(pk_tp *t);
/* Find or create the trustpoint of server `name` and mark it. */
int  pki_tp_for_server(pk_pki *p, const char *name, pk_tp **out);

/* ---- the certificate server (cs.c, cs_req.c) --------------------------------- */

#define CS_TXH 1024              /* transaction-id hash buckets */
#define CS_OTP_MAX 32            /* one-time passwords alive at once */
#define CS_SERIAL_BLOCK_MIN 16   /* serials reserved per NAME.ser write: */
#define CS_SERIAL_BLOCK_MAX 4096 /* doubling while issuing fast */
#define CS_KEEP_COLLECTED 1000   /* collected entries kept in the request database */
#define CS_REPLAY_KEEP 4096      /* challenge-granted messages remembered (cs_replay.c) */
#define CS_REPLAY_KEYLEN 16

/* A request-database entry. */
struct cs_req {
	pk_cs *cs;
	long id;
	int state;               /* enum pk_req_state */
	int collected;           /* the requester got its answer: a new
				  * request may reuse the transaction id */
	int for_rollover;        /* to be issued by the rollover CA */
	char fp[33];
	char *subject;           /* comma form */
	char *txid;              /* SCEP transaction id, NULL for manual requests */
	tmr_ms created;
	unsigned char *csr;      /* DER, while pending */
	size_t csr_len;
	X509 *cert;              /* granted; NULL while being signed (or, for a
				  * collected entry read back from NAME.rdb,
				  * looked up by serial when asked again) */
	uint64_t serial;         /* granted: the certificate's serial (0 unknown) */
	tmr timer;               /* ER EXPIRE <id> */
	struct cs_req *hnext;    /* transaction-id hash chain */
};

/* A certificate issued since start (for `show ... certificates`). */
struct cs_issued {
	uint64_t serial;
	tmr_ms nb, na;
	char *subject;           /* space form */
};

struct cs_otp {
	char pw[17];
	tmr_ms expires;          /* 0 = free slot */
};

struct pk_cs {
	pk_pki *p;
	char name[64];
	struct pk_cs_config cfg;
	int enabled;             /* operational state */
	int http_disabled, check_failed;
	int starting;            /* cs_start is running (no re-entry) */
	int ser_ready;           /* NAME.ser was read in dbdir */
	char dbdir[4096];        /* host path of the database url */
	int db_fd;               /* flock on dbdir/.pkish-cs.lock while started, or -1 */
	char why[256];           /* why the last start failed ("Status: disabled, <why>") */
	uint64_t ser_ca;         /* the CA certificate NAME.ser names (0: none) ... */
	char ser_ca_fp[41];      /* ... and its SHA-1 */
	int ser_ca_known;        /* NAME.ser had a "ca" line */
	int ca_forgotten;        /* deleted on purpose: NAME.ser says "ca none" */
	uint64_t reqdb_max;      /* highest serial in the persisted request database */
	int reqdb_loaded;        /* NAME.rdb of dbdir was read (cs_reqdb.c) */
	int reqdb_dirty;         /* bookkeeping changed since the last write */
	/* messages granted by their challenge password (cs_replay.c) */
	unsigned char rpl[CS_REPLAY_KEEP][CS_REPLAY_KEYLEN];
	size_t nrpl, rpl_lines;
	/* serial numbers, persisted in NAME.ser */
	uint64_t last_serial, reserved;
	uint64_t block;          /* size of the last reservation */
	int64_t reserved_at;     /* host monotonic ms of the last reservation */
	unsigned archive_count;
	char archive_pw[128];    /* typed at the first enable (never stored) */
	/* CRL */
	X509_CRL *crl;
	tmr_ms crl_gen;          /* instant it was made (ms) */
	struct pki_revoked *rev; /* ascending serial */
	size_t nrev, caprev;
	/* request database */
	struct cs_req **reqs;    /* ascending id */
	size_t nreqs, capreqs, ncollected;
	long next_id;
	struct cs_req *txh[CS_TXH];
	/* issued since start */
	struct cs_issued *iss;
	size_t niss, capiss;
	struct cs_otp otp[CS_OTP_MAX];
	tmr t_crl, t_shadow, t_expire;
};

/* cs.c */
X509 *pki_cs_ca(const pk_cs *cs);
X509 *pki_cs_rca(const pk_cs *cs);
/* The CA expired and there is no rollover certificate (spec §6 Q7). */
int  pki_cs_dead(const pk_cs *cs);
int  pki_cs_serial_next(pk_cs *cs, uint64_t *out);
int  pki_cs_revoked(const pk_cs *cs, uint64_t serial);
/* Challenge password: 1 match (a one-time password is consumed), 0
 * mismatch, -1 nothing to check against. */
int  pki_cs_challenge(pk_cs *cs, const char *pw);
/* Key identifier of a CA certificate (its SKI, else SHA-1 of its key). */
int  pki_cs_ca_key_id(X509 *ca, unsigned char *buf, size_t *len);
/* "<url>/<file>" as IOS prints database files. */
void pki_cs_url_join(const pk_cs *cs, const char *file, char *buf, size_t n);

/* cs_req.c */
void pki_cs_reqs_free(pk_cs *cs);
void pki_cs_req_timers(pk_cs *cs, int arm);
void pki_cs_issued_free(pk_cs *cs);
/* Database records (.cnm, .crt) and the in-memory list of a new certificate. */
int  pki_cs_record_cert(pk_cs *cs, X509 *c);

/* Free the server: timers stopped, serial state written back (clean). */
void pki_cs_free(pk_cs *cs);
/* Clock moved or became authoritative: recompute timers, retry checks. */
void pki_cs_clock_changed(pk_pki *p);
/* Enable the servers waiting for the end of a configuration replay. */
void pki_cs_config_done(pk_pki *p);
/* A certificate of the server's trustpoint changed: a server waiting for
 * its CA certificate retries. */
void pki_cs_certs_changed(pk_pki *p, const pk_tp *t);
/* A key appeared (generated, imported, renamed): a server waiting for its
 * key retries. */
void pki_cs_key_added(pk_pki *p, const char *label);
/* Key NAME of an enabled server was deleted (zeroize): the server stops
 * and waits for its key, as after a start without it. */
void pki_cs_key_removed(pk_pki *p, const char *label);
/* Mark a trustpoint as the server's if names match (called by tp.c). */
int  pki_cs_owns_tp_name(const pk_pki *p, const char *name);

/* Small helpers. */
static inline tmr_ms pki_floor_sec(tmr_ms t)
{
	tmr_ms r = t % TMR_SEC;
	return r < 0 ? t - r - TMR_SEC : t - r;
}

#endif

/*
 * pki.h — the PKI engine: RSA keys, certificates, trustpoints and the
 * certificate server (spec: ../shared/spec/ios-pki-behaviour.md).
 *
 * Everything here runs with the device lock held, except where a comment
 * says otherwise.  Functions return 0 or a negative PK_E* code with a
 * message (pk_err_msg()); only cli/ turns that into IOS text.  No function
 * here prints or asks anything: dialogs are the caller's.
 *
 * OpenSSL types appear only as incomplete struct pointers, so cli/ can use
 * this header without including OpenSSL.
 *
 * Time: every instant is device time (tmr_ms, UTC).  Certificates carry
 * seconds; a certificate instant is a multiple of 1000.
 */
#ifndef PKISH_PKI_H
#define PKISH_PKI_H

#include <stddef.h>
#include "core/device.h"

struct x509_st;          /* X509 */
struct evp_pkey_st;      /* EVP_PKEY */
struct X509_req_st;      /* X509_REQ */
struct X509_crl_st;      /* X509_CRL */

typedef struct pk_pki pk_pki;
typedef struct pk_key pk_key;
typedef struct pk_tp pk_tp;
typedef struct pk_cs pk_cs;

/* ---- the engine ------------------------------------------------------------ */

/* Create the PKI state of a device: loads the keys from private storage,
 * registers the device's clock and reset hooks (reload empties trustpoints
 * and servers and reloads keys; clock changes recompute timers). */
int  pk_pki_open(pk_device *d, pk_pki **out);
void pk_pki_free(pk_pki *p);
pk_device *pk_pki_device(const pk_pki *p);
/* Optional: a configuration replay starts; until pk_pki_config_done,
 * pk_cs_enable only records the admin state (for callers that replay
 * `no shutdown` by calling it). */
void pk_pki_config_begin(pk_pki *p);
/* Called once a configuration replay (boot, copy to running-config) has
 * finished: servers whose block did not say shutdown are enabled now, as
 * IOS does after parsing its startup-config.  The first call after open or
 * reload is the boot's: keys are reconciled with the certificates first
 * (keys.c), then the boot hook runs. */
void pk_pki_config_done(pk_pki *p);
/* Called once per boot, at the end of the first pk_pki_config_done after
 * open or reload, once the keys match the configuration's certificates
 * (scep/'s client resumes its outstanding requests there). */
void pk_pki_on_boot(pk_pki *p, void (*fn)(pk_pki *p, void *arg), void *arg);
/* `write memory` happened: keys and certificates now count as saved. */
void pk_pki_saved(pk_pki *p);

/* ---- RSA keys (keys.c) ----------------------------------------------------------
 * Stored at once in private storage (DIR/nvram/private-config, mode 0600)
 * so they survive reload and kill -9; `Storage Device:` still reads
 * "not specified" until the next write memory, as on IOS. */

struct pk_key_view {
	char label[128];
	int bits;
	int exportable;
	int saved;               /* "private-config" vs "not specified" */
	tmr_ms generated;        /* "% Key pair was generated at:" */
};

pk_key *pk_key_find(pk_pki *p, const char *label);
size_t  pk_key_count(const pk_pki *p);
pk_key *pk_key_at(pk_pki *p, size_t i);            /* in label order */
void    pk_key_view(const pk_key *k, struct pk_key_view *v);
/* 0 when label may name a new key, else PK_EINVAL with the reason. */
int  pk_key_label_check(const char *label);
/* Generate (or replace) a key pair; bits 360..4096. */
int  pk_key_generate(pk_pki *p, const char *label, int bits, int exportable);
/* Import from PEM text: pub (PUBLIC KEY or CERTIFICATE, may be NULL) and
 * priv (encrypted or plain PRIVATE KEY / RSA PRIVATE KEY) with passphrase. */
int  pk_key_import(pk_pki *p, const char *label, const char *pub_pem,
		   const char *priv_pem, const char *passphrase, int exportable);
/* Export as PEM (public; private encrypted with cipher "3des", "des" or
 * "aes" (AES-256-CBC) and passphrase).  PK_EDENIED if not exportable. */
int  pk_key_export(pk_pki *p, const char *label, const char *cipher,
		   const char *passphrase, char **pub_pem, char **priv_pem);
/* Delete a key; a saved one stays on disk (retired, invisible) until the
 * next write memory, so the saved configuration keeps its key. */
int  pk_key_delete(pk_pki *p, const char *label);
/* `crypto key zeroize rsa`: destroy it, nothing kept. */
int  pk_key_zeroize(pk_pki *p, const char *label);
int  pk_key_rename(pk_pki *p, const char *from, const char *to);   /* replaces `to` */
/* SubjectPublicKeyInfo DER (malloc'd), for show crypto key mypubkey rsa. */
int  pk_key_spki(const pk_key *k, unsigned char **der, size_t *len);
struct evp_pkey_st *pk_key_evp(const pk_key *k);                  /* borrowed */

/* ---- certificates (x509.c) --------------------------------------------------- */

/* Everything `show` needs from a certificate, computed from its DER. */
struct pk_cert_view {
	char serial[84];         /* "01": upper-case hex, even digits, at least 2 */
	char serial_plain[84];   /* "1": unpadded */
	tmr_ms not_before, not_after;
	char md5[40];            /* "CC748544 A0AB7832 935D8CD0 214A152E" */
	char sha1[48];           /* 5 groups */
	char md5_plain[33], sha1_plain[41];
	char subject_lines[2048];/* display order, '\n'-separated: "cn=RootCA\nou=TAC\no=Cisco" */
	char issuer_lines[2048];
	char subject_comma[1024];/* "hostname=R15,cn=R15,ou=VPN" */
	char issuer_comma[1024];
	char subject_space[1024];/* "cn=R14 o=Otus c=ru" */
	char issuer_space[1024];
	char cn[256];            /* first CN value ("" if none) */
	char hostname[256];      /* unstructuredName ("Name:" line) */
	char ipaddr[64];         /* unstructuredAddress */
	char serialnumber[128];  /* serialNumber attribute */
	int is_ca;               /* BasicConstraints CA:TRUE */
	int bits;                /* RSA modulus */
	char sig_alg[64];        /* "MD5 with RSA Encryption", "SHA256 with RSA Encryption" */
	unsigned key_usage;      /* the KeyUsage bit string as 32 bits, "86000000" */
	int has_key_usage;
	char ski[64], aki[64];   /* grouped hex, "" if absent */
	char cdp[512];           /* first CRL distribution point URI */
	int self_signed;
};
int  pk_cert_view(const struct x509_st *c, struct pk_cert_view *v);
/* DER of a certificate (malloc'd). */
int  pk_cert_der(const struct x509_st *c, unsigned char **der, size_t *len);
/* Parse DER (or PEM when it starts with "-----BEGIN"); *out is owned. */
int  pk_cert_parse(const unsigned char *buf, size_t len, struct x509_st **out);
/* "Storage:" file name: first ≤12 chars of the CN, '#', serial (plain
 * hex), "CA" for CA certificates, ".cer": "RootCA#1CA.cer". */
void pk_cert_storage_name(const struct x509_st *c, char *buf, size_t n);
/* Hex blocks as IOS prints key data and certificate chains: 4-byte
 * upper-case groups, 8 per line, each line `indent` + groups + "\n". */
char *pk_hex_lines(const unsigned char *der, size_t len, const char *indent);
/* PEM text (any label) or bare base64 → DER (malloc'd).  pem.c */
int  pk_pem_decode(const char *text, unsigned char **der, size_t *len);
/* A certificate as PEM text (malloc'd, NULL on failure).  pem.c */
char *pk_cert_pem(const struct x509_st *c);
/* Release a certificate the caller owns (from pk_cert_parse).  pem.c */
void pk_cert_free(struct x509_st *c);
/* Parse an IOS DN into a new X509_NAME (DER order); see pk_dn_check.  pem.c */
struct X509_name_st;
int  pk_dn_parse(const char *dn, struct X509_name_st **out);
/* Parse an IOS DN ("CN=RootCA,OU=TAC,O=Cisco", spaces after commas
 * allowed) into DER order (reversed: O, OU, CN); checks syntax only. */
int  pk_dn_check(const char *dn);

/* ---- trustpoints (tp.c) ----------------------------------------------------------
 * A trustpoint is a container of certificates (CA, its rollover, the
 * router's identity certificate, its rollover) plus its configuration.
 * Enrollment itself (SCEP, timers RENEW/SHADOW/POLL) lives in scep/'s
 * client, which observes trustpoints through pk_tp_set_observer(). */

enum pk_tp_slot { PK_TP_CA, PK_TP_CA_ROLLOVER, PK_TP_ID, PK_TP_ID_ROLLOVER, PK_TP__SLOTS };
enum { PK_OPT_UNSET = 0, PK_OPT_YES, PK_OPT_NONE };   /* serial-number, ip-address */
enum { PK_REV_CRL, PK_REV_NONE, PK_REV_OCSP };

struct pk_tp_config {
	char enroll_url[512];    /* "" = none */
	int  mode_ra;
	int  retry_period;       /* minutes, 1..60, default 1 */
	int  retry_count;        /* default 999999 (spec §6 Q4); CLI range 1..100 */
	int  auto_enroll;        /* -1 off, else 1..100 (bare keyword: 100) */
	int  regenerate;
	char subject[512];       /* subject-name, "" = none */
	int  serial_number;      /* PK_OPT_*: unset ⇒ prompt at enroll */
	int  ip_mode;            /* PK_OPT_*: YES uses ip[] */
	char ip[64];
	char fqdn[256];          /* "" = hostname.domain */
	char password[128];      /* challenge password, "" = none */
	int  password_set;
	int  password_type;      /* 0 or 7: how the running-config shows it */
	int  revocation;         /* PK_REV_*, default CRL */
	char rsakeypair[128];    /* "" = hostname.domain */
	int  rsakey_size;        /* 0 = default */
	char fingerprint[128];   /* expected CA fingerprint (hex, any grouping) */
	char hash[16];           /* "" = by CA caps */
	int  crl_cache;          /* PK_CRLC_*: `crl cache none` / `crl cache delete-after N` */
	int  crl_delete_after;   /* minutes, 1..43200, with PK_CRLC_DELETE_AFTER */
	char crl_query[512];     /* `crl query URL`, "" = none (core/crl.h) */
};
enum { PK_CRLC_DEFAULT = 0, PK_CRLC_NONE, PK_CRLC_DELETE_AFTER };

pk_tp  *pk_tp_find(pk_pki *p, const char *name);
size_t  pk_tp_count(const pk_pki *p);
pk_tp  *pk_tp_at(pk_pki *p, size_t i);        /* in creation order */
/* Create (PK_EEXIST if present); a new trustpoint has the defaults. */
int  pk_tp_create(pk_pki *p, const char *name, pk_tp **out);
int  pk_tp_delete(pk_pki *p, const char *name);
const char *pk_tp_name(const pk_tp *t);
void pk_tp_get_config(const pk_tp *t, struct pk_tp_config *c);
int  pk_tp_set_config(pk_tp *t, const struct pk_tp_config *c);
/* The trustpoint of a certificate server (created by the server). */
int  pk_tp_is_server(const pk_tp *t);
/* Certificates: borrowed; NULL when the slot is empty. */
const struct x509_st *pk_tp_cert(const pk_tp *t, enum pk_tp_slot slot);
tmr_ms pk_tp_cert_installed(const pk_tp *t, enum pk_tp_slot slot);
/* Install (takes its own reference) or clear (c == NULL) a slot. */
int  pk_tp_set_cert(pk_tp *t, enum pk_tp_slot slot, const struct x509_st *c);
/* Rollover activation: CA_ROLLOVER → CA, ID_ROLLOVER → ID. */
int  pk_tp_activate_rollover(pk_tp *t);
/* Key label in use ("" if none yet): rsakeypair, else hostname.domain. */
void pk_tp_key_label(const pk_tp *t, char *buf, size_t n);
/* The name a certificate request carries (hostname=): fqdn if configured,
 * else hostname.domain, else the hostname. */
void pk_tp_fqdn(const pk_tp *t, char *buf, size_t n);
/* Last enrollment status text for `show crypto pki trustpoints status`. */
void pk_tp_set_status(pk_tp *t, const char *status);
const char *pk_tp_status(const pk_tp *t);
/* Observer: scep/'s client hears about config and certificate changes
 * (to re-arm RENEW/SHADOW) and deletions.  One per pki. */
enum pk_tp_event { PK_TP_EV_CONFIG, PK_TP_EV_CERTS, PK_TP_EV_DELETE };
typedef void (*pk_tp_observer)(void *arg, pk_tp *t, enum pk_tp_event ev);
void pk_tp_set_observer(pk_pki *p, pk_tp_observer fn, void *arg);
/* A client-side state pointer the observer owns (NULL by default). */
void  pk_tp_set_client(pk_tp *t, void *state);
void *pk_tp_client(const pk_tp *t);

/* ---- the certificate server (cs.c) ------------------------------------------------ */

enum pk_grant { PK_GRANT_MANUAL, PK_GRANT_AUTO, PK_GRANT_AUTO_TP, PK_GRANT_NONE };
enum pk_dblevel { PK_DB_MINIMUM, PK_DB_NAMES, PK_DB_COMPLETE };
enum pk_archive { PK_ARCHIVE_PKCS12, PK_ARCHIVE_PEM, PK_ARCHIVE_NONE };

struct pk_cs_config {
	char issuer[512];            /* "" = CN=<name> */
	tmr_ms life_cert;            /* default 365 d; 1 min .. 1825 d */
	tmr_ms life_ca;              /* default 1095 d; .. 7305 d */
	tmr_ms life_crl;             /* default 6 h (spec §6 Q1); 1 h .. 336 h */
	tmr_ms life_er;              /* enrollment-request, default 168 h; 1 .. 1000 h */
	int grant;                   /* enum pk_grant */
	char grant_tp[128];          /* for PK_GRANT_AUTO_TP */
	int db_level;                /* enum pk_dblevel, default minimum */
	char db_url[512];            /* default "nvram:" */
	int archive;                 /* enum pk_archive, default pkcs12 */
	char archive_pw[128];        /* "" = none (ask at first enable) */
	int archive_pw_type;         /* 0 or 7: how it is shown in running-config */
	char hash[16];               /* "md5" (default), sha1, sha256, sha384, sha512 */
	char cdp_url[512];           /* "" = none */
	tmr_ms auto_rollover;        /* -1 = not configured; bare keyword 30 d */
	int shutdown;                /* admin state; 1 after create */
	int shutdown_explicit;       /* a shutdown / no shutdown line was seen */
	unsigned long long serial_number;   /* `serial-number 0x<hex>`: the last
					     * serial is at least this (0 = unset) */
};

/* Operational state for show (spec §5.1). */
struct pk_cs_view {
	char name[64];
	int enabled;                 /* "Status: enabled" */
	int http_disabled;           /* "Status: disabled, HTTP Server is disabled" */
	int check_failed;            /* "State: check failed" */
	char why[256];               /* "Status: disabled, <why>" ("" = none) */
	int locked;                  /* admin no shutdown: "locked  (enter \"shut\" to unlock it)" */
	int has_ca;
	char ca_md5[40];
	char grant_text[16];         /* "manual", "auto", "none" */
	char last_serial[84];        /* unpadded hex */
	tmr_ms ca_expire;            /* 0 if no CA certificate */
	tmr_ms crl_next;             /* 0 if none */
	char db_url[512];
	int db_level;
	int has_rollover;
	char rollover_md5[40];
	tmr_ms rollover_expire;
	tmr_ms auto_rollover;        /* -1 if not configured */
	tmr_ms autorollover_timer;   /* CA.na − R while armed, else 0 */
};

enum pk_req_state { PK_REQ_PENDING, PK_REQ_GRANTED, PK_REQ_REJECTED };
struct pk_req_view {
	long id;
	int state;                   /* enum pk_req_state */
	char fp[33];                 /* MD5 of the PKCS#10 DER, 32 upper-case hex */
	char subject[1024];          /* comma form */
	tmr_ms created;
};

struct pk_issued_view {
	char serial[84];             /* unpadded hex */
	tmr_ms issued, expires;
	char subject[1024];          /* space form */
	int revoked;
};

struct pk_crl_view {
	char issuer[1024];           /* "cn=RCA1 C=pki" form as show prints it */
	tmr_ms this_update, next_update;
	size_t der_len;
	size_t n;                    /* entries */
};

pk_cs *pk_cs_find(pk_pki *p, const char *name);
pk_cs *pk_cs_first(pk_pki *p);               /* the (only) server, or NULL */
/* Create a server (shut).  Only one per device: PK_EEXIST names the other. */
int  pk_cs_create(pk_pki *p, const char *name, pk_cs **out);
/* Delete the server and its trustpoint (database files stay). */
int  pk_cs_delete(pk_pki *p, const char *name);
const char *pk_cs_name(const pk_cs *cs);
void pk_cs_get_config(const pk_cs *cs, struct pk_cs_config *c);
/* Change settings.  PK_ELOCKED when the server is enabled and the
 * setting may not change then (spec §2.4, §6 Q17). */
int  pk_cs_set_config(pk_cs *cs, const struct pk_cs_config *c);
/* The first enable creates the CA: true while no CA certificate exists. */
int  pk_cs_needs_ca(const pk_cs *cs);
/* True when enabling would need the archive password (archive on, no
 * password configured, CA not yet created). */
int  pk_cs_needs_archive_password(const pk_cs *cs);
/* No key NAME yet: enabling generates one (bits: 1024, as IOS). */
int  pk_cs_needs_key(const pk_cs *cs);
/* `no shutdown`.  Checks (authoritative clock, ip http server, database
 * url usable, key); on the first enable generates the key if absent,
 * self-signs the CA certificate (serial 1, spec §1.3), creates the
 * server's trustpoint, writes the archive with archive_pw (NULL = the
 * configured one).  PK_ESTATE with a message when a check fails (the
 * server then shows "check failed"). Logs %PKI-6-CS_ENABLED. */
int  pk_cs_enable(pk_cs *cs, const char *archive_pw);
/* `shutdown`. Logs rootca:Certificate Server is now disabled. */
int  pk_cs_disable(pk_cs *cs);
/* The HTTP server came or went: re-run the checks (enable when they now
 * pass and no dialog is needed). */
void pk_cs_http_changed(pk_pki *p);
void pk_cs_view(const pk_cs *cs, struct pk_cs_view *v);

/* Request database.  id < 0 means all. */
/* Newest first; returns the count, fills at most max (out may be NULL). */
size_t pk_cs_requests(const pk_cs *cs, struct pk_req_view *out, size_t max);
int  pk_cs_grant(pk_cs *cs, long id);
int  pk_cs_reject(pk_cs *cs, long id);
int  pk_cs_remove(pk_cs *cs, long id);
/* Manual PKCS#10 submission (`request pkcs10 terminal`): a pending (or,
 * under grant auto, granted) entry; *id gets its number. */
int  pk_cs_submit_csr(pk_cs *cs, const unsigned char *der, size_t len, long *id);
/* The certificate of a granted request (borrowed), NULL otherwise. */
const struct x509_st *pk_cs_request_cert(const pk_cs *cs, long id);

/* Issued certificates (from the database at levels names/complete, and
 * those issued since start).  Ascending serial. Returns the count; fills
 * at most max (out may be NULL to count). */
size_t pk_cs_issued(const pk_cs *cs, struct pk_issued_view *out, size_t max);
/* Revocation; serial as typed (hex, 0x prefix allowed). */
int  pk_cs_revoke(pk_cs *cs, const char *serial);
int  pk_cs_unrevoke(pk_cs *cs, const char *serial);
int  pk_cs_crl_view(const pk_cs *cs, struct pk_crl_view *v);
/* Entry i of the CRL: serial (padded hex) and revocation date. */
int  pk_cs_crl_entry(const pk_cs *cs, size_t i, char *serial, size_t n, tmr_ms *when);
/* DER of the current CRL (borrowed). */
const struct X509_crl_st *pk_cs_crl(const pk_cs *cs);

/* One-time enrollment passwords (`password generate [minutes]`, 1..1440,
 * default 60): the new password (printable, 16 chars) into buf. */
int  pk_cs_password_generate(pk_cs *cs, int minutes, char *buf, size_t n);

/* Rollover (spec §3.2, §3.7). */
int  pk_cs_rollover(pk_cs *cs);          /* PK_EEXIST if one exists */
int  pk_cs_rollover_cancel(pk_cs *cs);

/* Certificates of the server: active CA and rollover CA (borrowed). */
const struct x509_st *pk_cs_ca_cert(const pk_cs *cs);
const struct x509_st *pk_cs_rollover_cert(const pk_cs *cs);

/* ---- SCEP decisions (the server half of scep/, issue 5) ---------------------------
 * scep/ decrypts and verifies outside the device lock; the decision and
 * the bookkeeping happen under it; the CA's signature on the certificate
 * is made outside it again, so enrollments scale with cores:
 *
 *   lock;   pk_cs_scep(cs, &req, &res);    decide; on a grant allocate the
 *           unlock                          serial (persisted) and build res.tbs
 *           pk_cs_sign(&res);              sign res.tbs → res.cert (pure crypto)
 *   lock;   pk_cs_record(cs, &res); unlock  database, request entry
 *           ... reply (only after pk_cs_record succeeded) ...
 *   pk_scep_result_free(&res);
 *
 * Decision rules (spec §3.5, scep-conformance §0.5/§0.6; docs/pki-server.md):
 *  - server disabled, or its CA expired without rollover ⇒ FAILURE badRequest;
 *  - grant none ⇒ FAILURE badRequest;
 *  - a renewal (RenewalReq, or PKCSReq whose signer is a time-valid,
 *    unrevoked certificate this server issued, same subject) ⇒ grant;
 *  - a challenge password is checked when the server has one to check
 *    against (the `password` of the server's own trustpoint, or unexpired
 *    `password generate` one-time passwords): a match grants (a one-time
 *    password is consumed), a mismatch is FAILURE badRequest; when there
 *    is nothing to check against it is ignored, as IOS does (it is the
 *    revocation password);
 *  - else grant auto ⇒ grant; grant auto trustpoint TP ⇒ grant if the
 *    signer chains to TP's CA; else PENDING (a request-database entry).
 *  - transactionID: a PKCSReq/RenewalReq whose ID belongs to a pending
 *    entry gets that entry's state (PENDING, or SUCCESS once granted —
 *    then the entry counts as collected; FAILURE once rejected); an ID of a
 *    collected entry starts a new transaction.  CertPoll finds the entry
 *    by ID (collected entries included: a lost reply is re-sent);
 *    no entry ⇒ FAILURE badCertId.
 *  - GetCert: the issued certificate with that serial (FAILURE badCertId);
 *    GetCRL: the current CRL. */

enum pk_scep_kind { PK_SCEP_PKCSREQ, PK_SCEP_RENEWALREQ, PK_SCEP_CERTPOLL, PK_SCEP_GETCERT,
		    PK_SCEP_GETCRL };
enum pk_scep_status { PK_SCEP_SUCCESS, PK_SCEP_FAILURE, PK_SCEP_PENDING };

struct pk_scep_req {
	int kind;                               /* enum pk_scep_kind */
	const char *transaction_id;
	const struct X509_req_st *csr;          /* PKCSReq / RenewalReq (verified) */
	const unsigned char *csr_der;
	size_t csr_len;
	const struct x509_st *signer;           /* the pkiMessage signer certificate */
	int for_rollover;                       /* enveloped for the rollover CA */
	const char *challenge;                  /* challengePassword or NULL */
	const unsigned char *sender_nonce;      /* with transaction_id: the message's */
	size_t nonce_len;                       /* identity, for replays (cs_replay.c) */
	const char *serial;                     /* GetCert: hex serial */
};

struct pk_scep_result {
	int status;                             /* enum pk_scep_status */
	int fail_info;                          /* 0 badAlg .. 4 badCertId */
	char fail_text[128];
	long reqid;
	/* a grant: the certificate to sign, the key and digest to sign with */
	struct x509_st *tbs;
	struct evp_pkey_st *sign_key;           /* a reference of its own */
	char md[16];
	int rollover;                           /* issued by the rollover CA */
	struct x509_st *cert;                   /* SUCCESS: signed certificate */
	struct X509_crl_st *crl;                /* GetCRL */
};

int  pk_cs_scep(pk_cs *cs, const struct pk_scep_req *req, struct pk_scep_result *res);
/* No lock needed: signs res->tbs into res->cert (no-op when res->cert is
 * already set, as for a re-sent certificate).  A freshly signed res->cert
 * is for encoding (i2d): its public key is not decoded back, which would
 * cost OpenSSL 3.0 more than the signature; X509_get0_pubkey() on it is
 * NULL (pk_cert_view copes). */
int  pk_cs_sign(struct pk_scep_result *res);
int  pk_cs_record(pk_cs *cs, struct pk_scep_result *res);
void pk_scep_result_free(struct pk_scep_result *res);
/* The key SCEP decrypts and signs with: the active CA's or the rollover
 * CA's (a new reference the caller frees; NULL if none), and the matching
 * certificate (a new reference too). */
int  pk_cs_scep_keys(pk_cs *cs, int rollover, struct evp_pkey_st **key, struct x509_st **cert);

#endif

/*
 * msg.h — SCEP pkiMessages (RFC 8894) on OpenSSL 3: building and parsing
 * the CMS SignedData-around-EnvelopedData messages of both sides.
 *
 * Contract
 *  - Pure message layer: no I/O, no locks, no device state.  The only global
 *    state is the providers scep_crypto_init() loads once and a few constant
 *    OIDs; every function is thread-safe on distinct objects, so the HTTP
 *    threads of the server parse and build outside the device lock.
 *  - Inputs are bounded: a DER pkiMessage (or GetCACert/GetNextCACert
 *    answer) larger than SCEP_MAX_MSG is refused before it is parsed.
 *  - Ownership: objects passed in (X509, EVP_PKEY, X509_NAME, ...) are
 *    borrowed; objects returned by scep_req_ and scep_rep_ accessors belong to
 *    the scep_req/scep_rep and live until its _free(); everything returned
 *    through an out-pointer (DER buffers, X509_REQ, X509, STACK_OF(X509))
 *    belongs to the caller: DER and strings are freed with OPENSSL_free(),
 *    stacks with sk_X509_pop_free(s, X509_free).
 *  - Errors: functions return 0 or a negative SCEP_E* code and, when the
 *    caller passes a struct scep_err, describe the error there (OpenSSL's
 *    reason appended where it helps); OpenSSL's thread-local error queue
 *    is left empty either way.  On the server side err->fail_info says how
 *    to answer (see scep_req_parse).
 *  - Algorithms: pkish accepts single DES on input only (OpenSSL's legacy
 *    provider) and MD5 signatures from old IOS; it never produces either
 *    (docs/scep.md has the reasons for every wire-level choice).
 */
#ifndef PKISH_SCEP_MSG_H
#define PKISH_SCEP_MSG_H

#include <stddef.h>
#include <time.h>
#include <openssl/evp.h>
#include <openssl/x509.h>

#define SCEP_MAX_MSG     (64 * 1024)   /* largest DER message accepted */
#define SCEP_NONCE_LEN   16            /* senderNonce we generate */
#define SCEP_MAX_NONCE   64            /* longest senderNonce we accept */
#define SCEP_MAX_TID     128           /* longest transactionID */

/* messageType (RFC 8894 §3.2.1.2) */
enum scep_type {
	SCEP_CERTREP = 3, SCEP_RENEWALREQ = 17, SCEP_PKCSREQ = 19,
	SCEP_CERTPOLL = 20, SCEP_GETCERT = 21, SCEP_GETCRL = 22
};
/* pkiStatus */
enum scep_status { SCEP_SUCCESS = 0, SCEP_FAILURE = 2, SCEP_PENDING = 3 };
/* failInfo; SCEP_FAIL_HTTP means "too unreadable to answer: HTTP 400" */
enum scep_failinfo {
	SCEP_FAIL_HTTP = -1, SCEP_BAD_ALG = 0, SCEP_BAD_MESSAGE_CHECK = 1,
	SCEP_BAD_REQUEST = 2, SCEP_BAD_TIME = 3, SCEP_BAD_CERT_ID = 4
};
/* Content-encryption algorithms (0 = none/unknown). */
enum scep_cipher { SCEP_DES = 1, SCEP_3DES, SCEP_AES128, SCEP_AES192, SCEP_AES256 };
/* Message digests (0 = unknown; 0 as a parameter means the default). */
enum scep_digest { SCEP_MD5 = 1, SCEP_SHA1, SCEP_SHA224, SCEP_SHA256, SCEP_SHA384,
		   SCEP_SHA512 };

/* Return codes. */
enum {
	SCEP_OK       =  0,
	SCEP_EINVAL   = -1,   /* bad argument from the caller */
	SCEP_EFORMAT  = -2,   /* input is not the expected (SCEP) structure */
	SCEP_ETOOBIG  = -3,   /* input larger than SCEP_MAX_MSG */
	SCEP_EALG     = -4,   /* algorithm not supported (or provider missing) */
	SCEP_ESIG     = -5,   /* signature invalid or by an unexpected signer */
	SCEP_EDECRYPT = -6,   /* envelope not for us, or decryption failed */
	SCEP_EMATCH   = -7,   /* reply does not answer our request (nonce, ID) */
	SCEP_EOSSL    = -8,   /* OpenSSL failed while building */
};

struct scep_err {
	int code;             /* SCEP_E*, 0 when no error */
	int fail_info;        /* server parse: enum scep_failinfo to answer with */
	char text[256];       /* human-readable, for logs and failInfoText */
};

/* HTTP Content-Types of the answers (scep-conformance §1). */
#define SCEP_CT_CA_CERT     "application/x-x509-ca-cert"
#define SCEP_CT_CA_RA_CERT  "application/x-x509-ca-ra-cert"
#define SCEP_CT_NEXT_CA     "application/x-x509-next-ca-cert"
#define SCEP_CT_PKI_MESSAGE "application/x-pki-message"
#define SCEP_CT_CAPS        "text/plain"

/* Load OpenSSL's "default" and "legacy" providers, once per process
 * (thread-safe; the parsers call it too).  Returns 0, or SCEP_EALG when
 * the legacy provider is unavailable — single-DES envelopes are then
 * refused with badAlg — or SCEP_EOSSL when even "default" failed. */
int scep_crypto_init(struct scep_err *err);
/* 1 when single-DES envelopes can be decrypted. */
int scep_des_available(void);

/* Names for logs: "PKCSReq", "des-ede3-cbc", "sha256", "badRequest";
 * "unknown" for values out of range. */
const char *scep_type_name(int type);
const char *scep_cipher_name(int cipher);
const char *scep_digest_name(int digest);
const char *scep_failinfo_name(int fail_info);

/* ---- server: requests ----------------------------------------------------------
 * Three steps, so that the caller can pick the CA key from the envelope's
 * recipient (active CA or rollover CA):
 *
 *   rc = scep_req_parse(der, len, &req, &err);   outer SignedData, verified
 *   if (rc == 0) {
 *       rollover = scep_req_for(req, rollover_cert);
 *       rc = scep_req_open(req, key, cert, &err);   decrypt + decode
 *   }
 *   if (rc < 0 && !req)      → HTTP 400 (err.fail_info == SCEP_FAIL_HTTP)
 *   else if (rc < 0)         → CertRep FAILURE err.fail_info, text err.text
 *   else                     → decide (scep_req_fill), then CertRep
 */
typedef struct scep_req scep_req;

/* Parses and verifies the outer pkiMessage: the SignerInfo signature
 * against the embedded signer certificate (its key only: no chain, no
 * validity, no extensions required), the SCEP attributes, the envelope's
 * form.  On failure *req is still set when transactionID, senderNonce and
 * the signer certificate were readable, so a CertRep FAILURE can be built
 * (err->fail_info = badAlg/badMessageCheck/badRequest); otherwise *req is
 * NULL and err->fail_info = SCEP_FAIL_HTTP. */
int scep_req_parse(const unsigned char *der, size_t len, scep_req **req, struct scep_err *err);
/* 1 when the envelope is addressed to cert (issuerAndSerialNumber). */
int scep_req_for(const scep_req *req, const X509 *cert);
/* The first recipient of the envelope (for logs); 0 or SCEP_EINVAL. */
int scep_req_recipient(const scep_req *req, const X509_NAME **issuer,
		       const ASN1_INTEGER **serial);
/* Decrypts the envelope with the CA key+certificate it is addressed to and
 * decodes the messageData by type (PKCS#10 with its self-signature checked
 * and its challengePassword read; IssuerAndSubject; IssuerAndSerialNumber).
 * Failures are classified like scep_req_parse's (badCertId when the
 * envelope is not for cert); req stays usable for the FAILURE reply. */
int scep_req_open(scep_req *req, EVP_PKEY *key, X509 *cert, struct scep_err *err);
void scep_req_free(scep_req *req);

int scep_req_type(const scep_req *req);               /* messageType, -1 unknown */
const char *scep_req_transaction_id(const scep_req *req);
const unsigned char *scep_req_sender_nonce(const scep_req *req, size_t *len);
X509 *scep_req_signer(const scep_req *req);
int scep_req_digest(const scep_req *req);             /* enum scep_digest, 0 */
int scep_req_cipher(const scep_req *req);             /* enum scep_cipher, 0 */
/* After scep_req_open: */
X509_REQ *scep_req_csr(const scep_req *req);          /* PKCSReq/RenewalReq */
const unsigned char *scep_req_csr_der(const scep_req *req, size_t *len);
const char *scep_req_challenge(const scep_req *req);  /* UTF-8, or NULL */
const X509_NAME *scep_req_issuer(const scep_req *req);   /* CertPoll/GetCert/GetCRL */
const X509_NAME *scep_req_subject(const scep_req *req);  /* CertPoll */
const ASN1_INTEGER *scep_req_serial(const scep_req *req); /* GetCert/GetCRL */
const char *scep_req_serial_hex(const scep_req *req);    /* upper-case hex */

/* Fills core's struct pk_scep_req (core/pki.h) with pointers borrowed from
 * req (valid until scep_req_free); for_rollover is the caller's knowledge
 * of which CA key opened it.  SCEP_EINVAL before scep_req_open. */
struct pk_scep_req;
int scep_req_fill(const scep_req *req, int for_rollover, struct pk_scep_req *out);

/* ---- server: answers ------------------------------------------------------------- */
struct scep_reply {
	int status;              /* enum scep_status */
	int fail_info;           /* FAILURE: enum scep_failinfo (0..4) */
	const char *fail_text;   /* FAILURE: failInfoText (UTF8String), or NULL */
	X509 *cert;              /* SUCCESS: the issued/requested certificate */
	STACK_OF(X509) *more;    /* SUCCESS: certificates after it (CA), or NULL */
	X509_CRL *crl;           /* SUCCESS to GetCRL */
};
/* CertRep to req, signed with key+cert (the CA or rollover CA that
 * received it): recipientNonce = the request's senderNonce, a fresh
 * senderNonce, transactionID echoed, digest = the request's (SHA-1 for
 * MD5, SHA-256 when unknown).  SUCCESS envelopes the degenerate SignedData
 * (cert first) for the request's signer with the request's cipher (AES-128
 * when it was DES or unknown); FAILURE and PENDING carry no envelope:
 * their eContent is an empty OCTET STRING (present, so that PKCS7_verify
 * clients such as certmonger can verify them).  Works on a req whose parse or open failed, for FAILURE. */
int scep_certrep_build(const scep_req *req, EVP_PKEY *key, X509 *cert,
		       const struct scep_reply *rep, unsigned char **der, size_t *len,
		       struct scep_err *err);
/* GetCACert: the bare DER certificate (SCEP_CT_CA_CERT) when more is NULL
 * or empty, else a degenerate certs-only SignedData [ca, more...]
 * (SCEP_CT_CA_RA_CERT).  *ctype is a static string. */
int scep_cacert_build(X509 *ca, STACK_OF(X509) *more, unsigned char **der, size_t *len,
		      const char **ctype, struct scep_err *err);
/* GetNextCACert: SignedData signed by the current CA (key, cert; cert in
 * `certificates`) whose content is a degenerate SignedData [next, more...].
 * digest 0 = SHA-256. */
int scep_nextca_build(EVP_PKEY *key, X509 *cert, X509 *next, STACK_OF(X509) *more,
		      int digest, unsigned char **der, size_t *len, struct scep_err *err);
/* The GetCACaps body (scep-conformance §0.2), LF-separated, static. */
const char *scep_cacaps(void);

/* ---- client ---------------------------------------------------------------------- */
/* GetCACaps keywords we act on, case-insensitive, unknown ones ignored. */
enum {
	SCEP_CAP_AES = 1 << 0, SCEP_CAP_DES3 = 1 << 1, SCEP_CAP_NEXTCA = 1 << 2,
	SCEP_CAP_POST = 1 << 3, SCEP_CAP_RENEWAL = 1 << 4, SCEP_CAP_SHA1 = 1 << 5,
	SCEP_CAP_SHA256 = 1 << 6, SCEP_CAP_SHA384 = 1 << 7, SCEP_CAP_SHA512 = 1 << 8,
	SCEP_CAP_STANDARD = 1 << 9
};
unsigned scep_caps_parse(const char *body, size_t len);
/* RFC 8894 §3.5.2 preferences: AES-128 when offered (SCEPStandard implies
 * it), else 3DES; SHA-256 when offered (or SCEPStandard), else SHA-512,
 * SHA-384, else SHA-1 (also for a CA that lists nothing: old CAs); never
 * DES or MD5. */
int scep_caps_cipher(unsigned caps);
int scep_caps_digest(unsigned caps);

struct scep_request {
	int type;                     /* PKCSReq, RenewalReq, CertPoll, GetCert, GetCRL */
	const char *transaction_id;   /* printable, 1..SCEP_MAX_TID characters */
	X509 *recipient;              /* CA (or RA) certificate to envelope for */
	int cipher;                   /* 0 = AES-128; 3DES, AES-*; never DES */
	int digest;                   /* 0 = SHA-256; never MD5 */
	X509 *signer;                 /* self-signed (first enrolment) or identity */
	EVP_PKEY *key;                /* its private key */
	X509_REQ *csr;                /* PKCSReq / RenewalReq */
	const X509_NAME *issuer;      /* CertPoll: CA name; GetCert/GetCRL: issuer */
	const X509_NAME *subject;     /* CertPoll: the requested subject */
	const ASN1_INTEGER *serial;   /* GetCert / GetCRL */
};
/* Builds the request and returns the fresh senderNonce it carries. */
int scep_request_build(const struct scep_request *rq, unsigned char nonce[SCEP_NONCE_LEN],
		       unsigned char **der, size_t *len, struct scep_err *err);

typedef struct scep_rep scep_rep;
struct scep_expect {
	X509 *ca;                     /* exactly this certificate must have signed */
	const char *transaction_id;   /* what we sent */
	const unsigned char *nonce;   /* our senderNonce, SCEP_NONCE_LEN bytes */
	EVP_PKEY *key;                /* our signer key ... */
	X509 *cert;                   /* ... and certificate: the envelope's recipient */
	EVP_PKEY *requested;          /* key in the CSR (NULL = key), for scep_rep_cert */
};
/* Parses a CertRep: signature by ex->ca (SHA-1..512, rsaEncryption or
 * sha*WithRSAEncryption SignerInfo), messageType 3, transactionID and
 * recipientNonce equal to ours (a senderNonce equal to the recipientNonce
 * is tolerated), pkiStatus/failInfo/failInfoText; on SUCCESS decrypts the
 * envelope (DES too) and reads the certificates and CRLs.  *rep is set
 * only on success; SCEP_ESIG, SCEP_EMATCH, SCEP_EDECRYPT, SCEP_EALG and
 * SCEP_EFORMAT say why not. */
int scep_rep_parse(const unsigned char *der, size_t len, const struct scep_expect *ex,
		   scep_rep **rep, struct scep_err *err);
void scep_rep_free(scep_rep *rep);
int scep_rep_status(const scep_rep *rep);
int scep_rep_fail_info(const scep_rep *rep);          /* -1 unless FAILURE */
const char *scep_rep_fail_text(const scep_rep *rep);  /* or NULL */
/* SUCCESS: the certificate for the requested key (ex->requested, else
 * ex->key), or NULL when none is (then look at scep_rep_certs: GetCert
 * asks for somebody else's certificate). */
X509 *scep_rep_cert(const scep_rep *rep);
STACK_OF(X509) *scep_rep_certs(const scep_rep *rep);  /* all, in wire order */
X509_CRL *scep_rep_crl(const scep_rep *rep);          /* GetCRL, or NULL */
const unsigned char *scep_rep_sender_nonce(const scep_rep *rep, size_t *len);
int scep_rep_digest(const scep_rep *rep);
int scep_rep_cipher(const scep_rep *rep);             /* 0 without envelope */

/* GetCACert answer: one DER certificate, several concatenated, or a
 * degenerate SignedData (the Content-Type is only a hint; not needed). */
int scep_cacert_parse(const unsigned char *der, size_t len, STACK_OF(X509) **certs,
		      struct scep_err *err);
/* GetNextCACert answer: verified against exactly ca; the certificates of
 * the inner degenerate SignedData (the rollover CA first). */
int scep_nextca_parse(const unsigned char *der, size_t len, X509 *ca,
		      STACK_OF(X509) **certs, struct scep_err *err);

/* PKCS#10 as IOS builds it: subject = a copy of `subject` (may be NULL)
 * plus, when any of serial_number/ip_address/fqdn is set, one multi-valued
 * RDN appended last (most specific) holding serialNumber (PrintableString),
 * unstructuredAddress (PrintableString), unstructuredName (IA5String);
 * challengePassword (PrintableString, UTF8String if it has characters
 * outside that set); extensionRequest with SAN dNSName=fqdn and keyUsage
 * digitalSignature+keyEncipherment; signed by key with digest (0 SHA-256). */
struct scep_csr {
	EVP_PKEY *key;
	const X509_NAME *subject;
	const char *serial_number;
	const char *ip_address;
	const char *fqdn;
	const char *challenge;
	int digest;
};
int scep_csr_build(const struct scep_csr *p, X509_REQ **out, struct scep_err *err);
/* The temporary self-signed signer of a first enrolment (spec §4.5/§15):
 * subject = issuer = unstructuredName=<fqdn> (IA5String), serial 1,
 * valid from now for 10 years, keyUsage digitalSignature+keyEncipherment. */
int scep_selfsigned(EVP_PKEY *key, const char *fqdn, int digest, time_t now, X509 **out,
		    struct scep_err *err);

/* ---- base64 for GET PKIOperation -------------------------------------------------
 * Liberal decoder for message= values: percent-escapes decoded, space read
 * as '+' (form decoders), '-' '_' as '+' '/', CR/LF/TAB ignored, padding
 * optional.  *out is OPENSSL_malloc'd; at most SCEP_MAX_MSG bytes. */
int scep_b64_decode(const char *in, size_t len, unsigned char **out, size_t *outlen);
/* Encoder: standard base64; SCEP_B64_LINES breaks it into 64-character
 * lines joined by "\n" (IOS), SCEP_B64_URL percent-escapes + / = and LF for
 * a query string.  NUL-terminated, OPENSSL_free; NULL on failure. */
#define SCEP_B64_LINES 1
#define SCEP_B64_URL   2
char *scep_b64_encode(const unsigned char *data, size_t len, int flags);

#endif

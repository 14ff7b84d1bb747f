/*
 * server.c — the SCEP operations in front of the certificate server
 * (scep-conformance §1–§11, decisions in §0), as the callbacks of the HTTP
 * request path (http_route.h); the listener that calls them is
 * http_server.c.
 *
 * For each request the HTTP thread parses, verifies and decrypts outside
 * the device lock, takes the lock only for the certificate server's
 * decision (core/pki.h: pk_cs_scep), signs the certificate outside it,
 * takes it again to record the issuance, and answers only after the record
 * is durable.
 *
 * Replays (docs/scep.md "Replays"): a verified pkiMessage whose senderNonce
 * (with its transactionID) already got a final answer — SUCCESS or FAILURE
 * — gets FAILURE badRequest and changes nothing.  The last REPLAY_SLOTS
 * answered messages are remembered; a PENDING answer is not final (the
 * same message may ask again), so it is not remembered.
 */
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/x509.h>

#include "core/pk.h"
#include "scep/msg.h"
#include "scep/client.h"
#include "scep/http_route.h"
#include "scep/scep.h"
#include "scep/server_int.h"

#define REPLAY_SLOTS   8192               /* answered messages remembered */
#define REPLAY_BUCKETS 4096

static pk_pki *the_pki;

/* ---- replays ------------------------------------------------------------------------------
 * A ring of the last REPLAY_SLOTS answered messages, keyed by the first
 * 16 bytes of SHA-256(transactionID NUL senderNonce), with hash chains for
 * the lookup.  Fixed size: memory does not grow with the enrollments. */
struct seen {
	unsigned char d[16];
	int used;
	int next;                /* slot index + 1 in the bucket's chain, 0 = end */
};

static struct {
	pthread_mutex_t mu;
	struct seen slot[REPLAY_SLOTS];
	int head[REPLAY_BUCKETS];   /* slot index + 1, 0 = empty */
	unsigned long n;
} rp = { .mu = PTHREAD_MUTEX_INITIALIZER };

static int replay_key(const scep_req *req, unsigned char d[16])
{
	const char *tid = scep_req_transaction_id(req);
	const unsigned char *nonce;
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int mdlen = 0;
	size_t nlen = 0;
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();
	int ok;

	nonce = scep_req_sender_nonce(req, &nlen);
	ok = ctx && tid && nonce && EVP_DigestInit_ex(ctx, EVP_sha256(), NULL) == 1 &&
	     EVP_DigestUpdate(ctx, tid, strlen(tid) + 1) == 1 &&
	     EVP_DigestUpdate(ctx, nonce, nlen) == 1 && EVP_DigestFinal_ex(ctx, md, &mdlen) == 1 &&
	     mdlen >= 16;
	EVP_MD_CTX_free(ctx);
	if (ok)
		memcpy(d, md, 16);
	return ok ? 0 : -1;
}

static unsigned replay_bucket(const unsigned char d[16])
{
	return ((unsigned)d[0] | (unsigned)d[1] << 8) % REPLAY_BUCKETS;
}

/* Unlinks slot i from its chain (lock held). */
static void replay_unlink(int i)
{
	int *pp = &rp.head[replay_bucket(rp.slot[i].d)];

	while (*pp && *pp != i + 1)
		pp = &rp.slot[*pp - 1].next;
	if (*pp)
		*pp = rp.slot[i].next;
	rp.slot[i].used = 0;
	rp.slot[i].next = 0;
}

/* 1 when the message was answered before; else it is remembered from now
 * on (0), so that an identical message arriving meanwhile is a replay. */
static int replay_claim(const unsigned char d[16])
{
	unsigned b = replay_bucket(d);
	int i, found = 0;

	pthread_mutex_lock(&rp.mu);
	for (i = rp.head[b]; i && !found; i = rp.slot[i - 1].next)
		found = memcmp(rp.slot[i - 1].d, d, 16) == 0;
	if (!found) {
		i = (int)(rp.n++ % REPLAY_SLOTS);
		if (rp.slot[i].used)
			replay_unlink(i);
		memcpy(rp.slot[i].d, d, 16);
		rp.slot[i].used = 1;
		rp.slot[i].next = rp.head[b];
		rp.head[b] = i + 1;
	}
	pthread_mutex_unlock(&rp.mu);
	return found;
}

/* Forgets a claimed message whose answer was not final. */
static void replay_release(const unsigned char d[16])
{
	int i;

	pthread_mutex_lock(&rp.mu);
	for (i = rp.head[replay_bucket(d)]; i; i = rp.slot[i - 1].next)
		if (memcmp(rp.slot[i - 1].d, d, 16) == 0) {
			replay_unlink(i - 1);
			break;
		}
	pthread_mutex_unlock(&rp.mu);
}

/* ---- the certificate server's keys -------------------------------------------------- */

/* The enabled server's CA (and rollover CA) key and certificate, as new
 * references usable outside the lock.  0, or -1 when no server is enabled. */
struct ca_keys {
	EVP_PKEY *key, *rkey;
	X509 *cert, *rcert;
};

static int get_keys(struct ca_keys *k)
{
	pk_device *d = pk_pki_device(the_pki);
	pk_cs *cs;
	struct pk_cs_view v;
	int rc = -1;

	memset(k, 0, sizeof *k);
	pk_device_lock(d);
	cs = pk_cs_first(the_pki);
	if (cs) {
		pk_cs_view(cs, &v);
		if (v.enabled && pk_cs_scep_keys(cs, 0, &k->key, &k->cert) == 0) {
			rc = 0;
			if (pk_cs_scep_keys(cs, 1, &k->rkey, &k->rcert) < 0) {
				k->rkey = NULL;
				k->rcert = NULL;
			}
		}
	}
	pk_device_unlock(d);
	return rc;
}

static void put_keys(struct ca_keys *k)
{
	EVP_PKEY_free(k->key);
	EVP_PKEY_free(k->rkey);
	X509_free(k->cert);
	X509_free(k->rcert);
}

/* ---- operations ------------------------------------------------------------------------- */

static void op_caps(void *cls, struct http_answer *a)
{
	const char *caps = scep_cacaps();
	struct ca_keys k;

	(void)cls;
	if (get_keys(&k) < 0) {
		http_answer_text(a, 503, "certificate server disabled\n");
		return;
	}
	put_keys(&k);
	pk_debug(PK_DBG_SERVER, "CRYPTO_CS: Sending CA capabilities");
	http_answer_data(a, 200, SCEP_CT_CAPS, caps, strlen(caps), NULL);
}

static void op_getcacert(void *cls, struct http_answer *a)
{
	struct ca_keys k;
	unsigned char *der = NULL;
	size_t len = 0;
	const char *ct = NULL;
	struct scep_err err;

	(void)cls;
	if (get_keys(&k) < 0) {
		http_answer_text(a, 503, "certificate server disabled\n");
		return;
	}
	if (scep_cacert_build(k.cert, NULL, &der, &len, &ct, &err) < 0) {
		put_keys(&k);
		http_answer_text(a, 500, "cannot build the answer\n");
		return;
	}
	pk_debug(PK_DBG_SERVER, "CRYPTO_CS: Sending CA certificate");
	http_answer_data(a, 200, ct, der, len, der);
	put_keys(&k);
}

static void op_getnextcacert(void *cls, struct http_answer *a)
{
	struct ca_keys k;
	unsigned char *der = NULL;
	size_t len = 0;
	struct scep_err err;

	(void)cls;
	if (get_keys(&k) < 0) {
		http_answer_text(a, 503, "certificate server disabled\n");
		return;
	}
	if (!k.rcert) {
		/* scep-conformance §0.3: no rollover CA yet ⇒ 404, empty body */
		put_keys(&k);
		pk_debug(PK_DBG_SERVER, "CRYPTO_CS: GetNextCACert: no rollover CA certificate");
		http_answer_data(a, 404, NULL, "", 0, NULL);
		return;
	}
	if (scep_nextca_build(k.key, k.cert, k.rcert, NULL, 0, &der, &len, &err) < 0) {
		put_keys(&k);
		http_answer_text(a, 500, "cannot build the answer\n");
		return;
	}
	pk_debug(PK_DBG_SERVER, "CRYPTO_CS: Sending rollover CA certificate");
	http_answer_data(a, 200, SCEP_CT_NEXT_CA, der, len, der);
	put_keys(&k);
}

static const char *status_name(int st)
{
	return st == PK_SCEP_SUCCESS ? "GRANTED" : st == PK_SCEP_PENDING ? "PENDING" : "REJECTED";
}

static void internal_failure(struct pk_scep_result *res, const char *text)
{
	pk_scep_result_free(res);
	memset(res, 0, sizeof *res);
	res->status = PK_SCEP_FAILURE;
	res->fail_info = SCEP_BAD_REQUEST;
	snprintf(res->fail_text, sizeof res->fail_text, "%s", text);
}

/* The decision, with the device lock held only around core calls.
 * Returns 1 when the FAILURE in res is the server's own trouble rather
 * than an answer on the merits (the same message may be tried again). */
static int decide(scep_req *req, int rollover, struct pk_scep_result *res)
{
	pk_device *d = pk_pki_device(the_pki);
	struct pk_scep_req preq;
	pk_cs *cs;
	int rc;

	memset(res, 0, sizeof *res);
	if (scep_req_fill(req, rollover, &preq) < 0) {
		internal_failure(res, "malformed request");
		return 0;
	}
	pk_device_lock(d);
	cs = pk_cs_first(the_pki);
	rc = cs ? pk_cs_scep(cs, &preq, res) : pk_err_set(PK_ESTATE, "no certificate server");
	pk_device_unlock(d);
	if (rc < 0) {
		internal_failure(res, pk_err_msg());
		return 1;
	}
	if (res->status != PK_SCEP_SUCCESS || !res->tbs || res->cert)
		return 0;
	/* The CA's signature: outside the lock, so issuance scales with cores. */
	if (pk_cs_sign(res) < 0) {
		internal_failure(res, "signing failed");
		return 1;
	}
	pk_device_lock(d);
	cs = pk_cs_first(the_pki);
	rc = cs ? pk_cs_record(cs, res) : pk_err_set(PK_ESTATE, "no certificate server");
	pk_device_unlock(d);
	if (rc < 0) {
		/* Not durable ⇒ not issued: the client will retry. */
		internal_failure(res, "the certificate could not be stored");
		return 1;
	}
	return 0;
}

static const char *kind_text(int type)
{
	switch (type) {
	case SCEP_PKCSREQ:
	case SCEP_RENEWALREQ:
		return "enrollment request";
	case SCEP_CERTPOLL:
		return "poll request";
	case SCEP_GETCERT:
		return "certificate request";
	case SCEP_GETCRL:
		return "CRL request";
	}
	return "request";
}

static void debug_issued(const struct pk_scep_result *res)
{
	BIGNUM *bn;
	char *hex;

	if (!res->tbs || !res->cert || !pk_debug_on(PK_DBG_SERVER))
		return;
	bn = ASN1_INTEGER_to_BN(X509_get0_serialNumber(res->cert), NULL);
	hex = bn ? BN_bn2hex(bn) : NULL;
	pk_debug(PK_DBG_SERVER, "CRYPTO_CS: certificate issued for request %ld, serial number 0x%s",
		 res->reqid, hex ? hex : "?");
	OPENSSL_free(hex);
	BN_free(bn);
}

static void op_pkioperation(void *cls, const unsigned char *der, size_t len,
			    struct http_answer *a)
{
	struct ca_keys k;
	scep_req *req = NULL;
	struct scep_err err, berr;
	struct scep_reply rep;
	struct pk_scep_result res;
	unsigned char *out = NULL, key[16];
	size_t outlen = 0;
	int rc, rollover = 0, decided = 0, claimed = 0;

	(void)cls;

	memset(&err, 0, sizeof err);
	memset(&res, 0, sizeof res);
	memset(&rep, 0, sizeof rep);
	if (get_keys(&k) < 0) {
		pk_debug(PK_DBG_SERVER, "CRYPTO_CS: Error: invalid server state.");
		http_answer_text(a, 503, "certificate server disabled\n");
		return;
	}
	rc = scep_req_parse(der, len, &req, &err);
	if (rc < 0 && !req) {
		pk_debug(PK_DBG_SERVER, "CRYPTO_CS: unreadable SCEP message: %s", err.text);
		put_keys(&k);
		http_answer_text(a, 400, "malformed pkiMessage\n");
		return;
	}
	if (rc == 0) {
		rollover = k.rcert && scep_req_for(req, k.rcert);
		rc = scep_req_open(req, rollover ? k.rkey : k.key, rollover ? k.rcert : k.cert, &err);
		if (rc == 0)
			pk_debug(PK_DBG_SERVER, "CRYPTO_CS_OPENSSL: open envelope: Decrypted PKCS7");
	}
	if (scep_req_type(req) > 0)
		pk_debug(PK_DBG_SERVER, "CRYPTO_CS: scep msg type - %d", scep_req_type(req));
	pk_debug(PK_DBG_SERVER, "CRYPTO_CS: trans id - %s", scep_req_transaction_id(req));
	if (rollover)
		pk_debug(PK_DBG_SERVER, "CRYPTO_CS: enveloped for the rollover CA certificate");
	if (rc == 0 && replay_key(req, key) == 0) {
		if (replay_claim(key)) {
			rc = -1;
			err.fail_info = SCEP_BAD_REQUEST;
			snprintf(err.text, sizeof err.text,
				 "replayed message: this senderNonce was answered before");
		} else {
			claimed = 1;
		}
	}
	if (rc < 0) {
		rep.status = SCEP_FAILURE;
		rep.fail_info = err.fail_info >= 0 ? err.fail_info : SCEP_BAD_REQUEST;
		rep.fail_text = err.text;
		pk_debug(PK_DBG_SERVER, "CRYPTO_CS: SCEP message rejected, failInfo %s (%d): %s",
			 scep_failinfo_name(rep.fail_info), rep.fail_info, err.text);
	} else {
		pk_debug(PK_DBG_SERVER, "CRYPTO_CS: received a%s %s",
			 scep_req_type(req) == SCEP_PKCSREQ || scep_req_type(req) == SCEP_RENEWALREQ ?
			 "n" : "", kind_text(scep_req_type(req)));
		if (decide(req, rollover, &res) && claimed) {
			replay_release(key);
			claimed = 0;
		}
		decided = 1;
		rep.status = res.status == PK_SCEP_SUCCESS ? SCEP_SUCCESS :
			     res.status == PK_SCEP_PENDING ? SCEP_PENDING : SCEP_FAILURE;
		rep.fail_info = res.fail_info;
		rep.fail_text = res.fail_text[0] ? res.fail_text : NULL;
		rep.cert = res.cert;
		rep.crl = res.crl;
		if (res.reqid > 0)
			pk_debug(PK_DBG_SERVER, "CRYPTO_CS: enrollment request %ld %s%s%s", res.reqid,
				 status_name(res.status), res.fail_text[0] ? ": " : "", res.fail_text);
		else
			pk_debug(PK_DBG_SERVER, "CRYPTO_CS: %s %s%s%s", kind_text(scep_req_type(req)),
				 status_name(res.status), res.fail_text[0] ? ": " : "", res.fail_text);
		debug_issued(&res);
		/* PENDING is not an answer yet: the same message may ask again */
		if (res.status == PK_SCEP_PENDING && claimed)
			replay_release(key);
	}
	/* its own error record: rep.fail_text may point into err */
	rc = scep_certrep_build(req, rollover ? k.rkey : k.key, rollover ? k.rcert : k.cert, &rep,
				&out, &outlen, &berr);
	if (rc < 0) {
		pk_debug(PK_DBG_SERVER, "CRYPTO_CS: cannot build the CertRep: %s", berr.text);
		http_answer_text(a, 500, "cannot build the answer\n");
	} else {
		pk_debug(PK_DBG_SERVER, "CRYPTO_CS: Sending CertRep %s, transaction id %s",
			 rep.status == SCEP_SUCCESS ? "SUCCESS" :
			 rep.status == SCEP_PENDING ? "PENDING" : "FAILURE",
			 scep_req_transaction_id(req));
		http_answer_data(a, 200, SCEP_CT_PKI_MESSAGE, out, outlen, out);
		out = NULL;   /* the answer's now */
	}
	OPENSSL_free(out);
	if (decided)
		pk_scep_result_free(&res);
	scep_req_free(req);
	put_keys(&k);
}

/* ---- the callbacks of the request path -------------------------------------------------- */

static unsigned family(int f)
{
	return f == HTTP_LOG_SERVER ? PK_DBG_SERVER : PK_DBG_HTTP;
}

static int op_debug_on(void *cls, int f)
{
	(void)cls;
	return pk_debug_on(family(f));
}

static void op_debug(void *cls, int f, const char *fmt, ...)
{
	char buf[512];
	va_list ap;

	(void)cls;
	if (!pk_debug_on(family(f)))
		return;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof buf, fmt, ap);
	va_end(ap);
	pk_debug(family(f), "%s", buf);
}

void scep_server_ops(pk_pki *p, struct http_ops *ops)
{
	the_pki = p;
	memset(ops, 0, sizeof *ops);
	ops->caps = op_caps;
	ops->cacert = op_getcacert;
	ops->nextcacert = op_getnextcacert;
	ops->pkioperation = op_pkioperation;
	ops->debug_on = op_debug_on;
	ops->debug = op_debug;
}

int scep_init(pk_pki *p)
{
	struct scep_err err;

	the_pki = p;
	memset(&err, 0, sizeof err);
	if (scep_crypto_init(&err) < 0 && err.code != SCEP_EALG)
		return pk_err_set(PK_ECRYPTO, "%s", err.text);
	return scep_client_init(p);
}

/*
 * server.c — SCEP over HTTP in front of the certificate server
 * (scep-conformance §1–§11, decisions in §0).
 *
 * libmicrohttpd runs a small thread pool (one thread per core, epoll); a
 * slow or stalled client holds a connection, never a thread, and is cut off
 * after CONN_TIMEOUT seconds.  For each request the HTTP thread parses,
 * verifies and decrypts outside the device lock, takes the lock only for
 * the certificate server's decision (core/pki.h: pk_cs_scep), signs the
 * certificate outside it, takes it again to record the issuance, and
 * answers only after the record is durable.
 *
 * SCEP is answered on any path ending in "pkiclient.exe" and on "/scep".
 * Bounds: a POST body of at most SCEP_MAX_MSG bytes (413 as soon as the
 * headers announce more, and the connection is closed), a GET message= of
 * at most MAX_QUERY characters or SCEP_MAX_MSG decoded bytes (414; past
 * CONN_MEMORY libmicrohttpd answers 414 itself).
 *
 * Replays (docs/scep.md "Replays"): a verified pkiMessage whose senderNonce
 * (with its transactionID) already got a final answer — SUCCESS or FAILURE
 * — gets FAILURE badRequest and changes nothing.  The last REPLAY_SLOTS
 * answered messages are remembered; a PENDING answer is not final (the
 * same message may ask again), so it is not remembered.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/x509.h>

#include "core/pk.h"
#include "scep/msg.h"
#include "scep/client.h"
#include "scep/scep.h"

#define CONN_TIMEOUT   10                 /* seconds */
#define CONN_MEMORY    (128 * 1024)       /* per connection: headers + URI */
#define MAX_BODY       SCEP_MAX_MSG
#define MAX_QUERY      (96 * 1024)
#define REPLAY_SLOTS   8192               /* answered messages remembered */
#define REPLAY_BUCKETS 4096

static struct MHD_Daemon *daemon_;
static int http_port;
static pk_pki *the_pki;
static char http_bind_addr[64];

struct req_state {
	unsigned char *body;
	size_t len, cap;
	int too_big;
};

/* ---- responses ------------------------------------------------------------------ */

static enum MHD_Result reply(struct MHD_Connection *c, unsigned status, const char *ctype,
			     const void *data, size_t len)
{
	struct MHD_Response *r;
	enum MHD_Result ret;

	r = MHD_create_response_from_buffer(len, (void *)data, MHD_RESPMEM_MUST_COPY);
	if (!r)
		return MHD_NO;
	if (ctype)
		MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, ctype);
	ret = MHD_queue_response(c, status, r);
	MHD_destroy_response(r);
	return ret;
}

static enum MHD_Result reply_text(struct MHD_Connection *c, unsigned status, const char *text)
{
	return reply(c, status, "text/plain", text, strlen(text));
}

/* An error after which the rest of the request is not read: the
 * connection is closed once the answer is out. */
static enum MHD_Result reply_close(struct MHD_Connection *c, unsigned status, const char *text)
{
	struct MHD_Response *r;
	enum MHD_Result ret;

	r = MHD_create_response_from_buffer(strlen(text), (void *)text, MHD_RESPMEM_MUST_COPY);
	if (!r)
		return MHD_NO;
	MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, "text/plain");
	MHD_add_response_header(r, MHD_HTTP_HEADER_CONNECTION, "close");
	ret = MHD_queue_response(c, status, r);
	MHD_destroy_response(r);
	return ret;
}

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

static void peer(struct MHD_Connection *c, char *buf, size_t n)
{
	const union MHD_ConnectionInfo *ci =
		MHD_get_connection_info(c, MHD_CONNECTION_INFO_CLIENT_ADDRESS);

	snprintf(buf, n, "?");
	if (ci && ci->client_addr && ci->client_addr->sa_family == AF_INET)
		inet_ntop(AF_INET, &((const struct sockaddr_in *)ci->client_addr)->sin_addr, buf,
			  (socklen_t)n);
}

/* A client-supplied string for a log line: at most n-1 bytes, anything
 * but printable ASCII shown as '?' (a decoded %0A must not start a line). */
static const char *loggable(const char *s, char *buf, size_t n)
{
	size_t i;

	for (i = 0; s && s[i] && i + 1 < n; i++)
		buf[i] = s[i] >= 0x20 && s[i] < 0x7f ? s[i] : '?';
	buf[i] = '\0';
	return buf;
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

static enum MHD_Result op_getcacert(struct MHD_Connection *c)
{
	struct ca_keys k;
	unsigned char *der = NULL;
	size_t len = 0;
	const char *ct = NULL;
	struct scep_err err;
	enum MHD_Result ret;

	if (get_keys(&k) < 0)
		return reply_text(c, MHD_HTTP_SERVICE_UNAVAILABLE, "certificate server disabled\n");
	if (scep_cacert_build(k.cert, NULL, &der, &len, &ct, &err) < 0) {
		put_keys(&k);
		return reply_text(c, MHD_HTTP_INTERNAL_SERVER_ERROR, "cannot build the answer\n");
	}
	pk_debug(PK_DBG_SERVER, "CRYPTO_CS: Sending CA certificate");
	ret = reply(c, MHD_HTTP_OK, ct, der, len);
	OPENSSL_free(der);
	put_keys(&k);
	return ret;
}

static enum MHD_Result op_getnextcacert(struct MHD_Connection *c)
{
	struct ca_keys k;
	unsigned char *der = NULL;
	size_t len = 0;
	struct scep_err err;
	enum MHD_Result ret;

	if (get_keys(&k) < 0)
		return reply_text(c, MHD_HTTP_SERVICE_UNAVAILABLE, "certificate server disabled\n");
	if (!k.rcert) {
		/* scep-conformance §0.3: no rollover CA yet ⇒ 404, empty body */
		put_keys(&k);
		pk_debug(PK_DBG_SERVER, "CRYPTO_CS: GetNextCACert: no rollover CA certificate");
		return reply(c, MHD_HTTP_NOT_FOUND, NULL, "", 0);
	}
	if (scep_nextca_build(k.key, k.cert, k.rcert, NULL, 0, &der, &len, &err) < 0) {
		put_keys(&k);
		return reply_text(c, MHD_HTTP_INTERNAL_SERVER_ERROR, "cannot build the answer\n");
	}
	pk_debug(PK_DBG_SERVER, "CRYPTO_CS: Sending rollover CA certificate");
	ret = reply(c, MHD_HTTP_OK, SCEP_CT_NEXT_CA, der, len);
	OPENSSL_free(der);
	put_keys(&k);
	return ret;
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

static enum MHD_Result op_pkioperation(struct MHD_Connection *c, const unsigned char *der,
				       size_t len)
{
	struct ca_keys k;
	scep_req *req = NULL;
	struct scep_err err, berr;
	struct scep_reply rep;
	struct pk_scep_result res;
	unsigned char *out = NULL, key[16];
	size_t outlen = 0;
	int rc, rollover = 0, decided = 0, claimed = 0;
	enum MHD_Result ret;

	memset(&err, 0, sizeof err);
	memset(&res, 0, sizeof res);
	memset(&rep, 0, sizeof rep);
	if (get_keys(&k) < 0) {
		pk_debug(PK_DBG_SERVER, "CRYPTO_CS: Error: invalid server state.");
		return reply_text(c, MHD_HTTP_SERVICE_UNAVAILABLE, "certificate server disabled\n");
	}
	rc = scep_req_parse(der, len, &req, &err);
	if (rc < 0 && !req) {
		pk_debug(PK_DBG_SERVER, "CRYPTO_CS: unreadable SCEP message: %s", err.text);
		put_keys(&k);
		return reply_text(c, MHD_HTTP_BAD_REQUEST, "malformed pkiMessage\n");
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
		ret = reply_text(c, MHD_HTTP_INTERNAL_SERVER_ERROR, "cannot build the answer\n");
	} else {
		pk_debug(PK_DBG_SERVER, "CRYPTO_CS: Sending CertRep %s, transaction id %s",
			 rep.status == SCEP_SUCCESS ? "SUCCESS" :
			 rep.status == SCEP_PENDING ? "PENDING" : "FAILURE",
			 scep_req_transaction_id(req));
		ret = reply(c, MHD_HTTP_OK, SCEP_CT_PKI_MESSAGE, out, outlen);
	}
	OPENSSL_free(out);
	if (decided)
		pk_scep_result_free(&res);
	scep_req_free(req);
	put_keys(&k);
	return ret;
}

/* ---- the handler ------------------------------------------------------------------------ */

static int scep_path(const char *url)
{
	size_t n = strlen(url);

	return strcmp(url, "/scep") == 0 || strcmp(url, "/scep/") == 0 ||
	       (n >= 13 && strcmp(url + n - 13, "pkiclient.exe") == 0);
}

/* First call of a request, headers read: what the body cannot change is
 * answered now (a body is then never read). */
static enum MHD_Result early(struct MHD_Connection *c, const char *url, const char *method,
			     int *answered)
{
	const char *cl = MHD_lookup_connection_value(c, MHD_HEADER_KIND,
						     MHD_HTTP_HEADER_CONTENT_LENGTH);
	char from[64], m[16], u[200];

	*answered = 1;
	if (pk_debug_on(PK_DBG_HTTP)) {
		peer(c, from, sizeof from);
		pk_debug(PK_DBG_HTTP, "HTTP: %s %s from %s", loggable(method, m, sizeof m),
			 loggable(url, u, sizeof u), from);
	}
	if (strcmp(method, MHD_HTTP_METHOD_POST) != 0 && strcmp(method, MHD_HTTP_METHOD_GET) != 0 &&
	    strcmp(method, MHD_HTTP_METHOD_HEAD) != 0)
		return reply_close(c, MHD_HTTP_METHOD_NOT_ALLOWED, "method not allowed\n");
	if (!scep_path(url))
		return reply_close(c, MHD_HTTP_NOT_FOUND, "not found\n");
	if (cl) {
		char *end;
		unsigned long long n;
		errno = 0;
		n = strtoull(cl, &end, 10);
		if (errno || end == cl || n > MAX_BODY) {
			pk_debug(PK_DBG_HTTP, "HTTP: request body of %s bytes refused",
				 loggable(cl, u, 24));
			return reply_close(c, MHD_HTTP_CONTENT_TOO_LARGE, "request body too large\n");
		}
	}
	*answered = 0;
	return MHD_YES;
}

static enum MHD_Result handler(void *cls, struct MHD_Connection *c, const char *url,
			       const char *method, const char *version, const char *upload,
			       size_t *upload_size, void **con_cls)
{
	struct req_state *st = *con_cls;
	const char *op, *msg;
	int post = strcmp(method, MHD_HTTP_METHOD_POST) == 0;

	(void)cls;
	(void)version;
	if (!st) {
		int answered;
		enum MHD_Result r = early(c, url, method, &answered);
		if (answered)
			return r;
		st = calloc(1, sizeof *st);
		if (!st)
			return MHD_NO;
		*con_cls = st;
		return MHD_YES;
	}
	if (*upload_size) {
		if (!st->too_big) {
			if (st->len + *upload_size > MAX_BODY) {
				st->too_big = 1;
			} else {
				if (st->len + *upload_size > st->cap) {
					size_t cap = st->cap ? st->cap * 2 : 8192;
					unsigned char *nb;
					while (cap < st->len + *upload_size)
						cap *= 2;
					nb = realloc(st->body, cap);
					if (!nb)
						return MHD_NO;
					st->body = nb;
					st->cap = cap;
				}
				memcpy(st->body + st->len, upload, *upload_size);
				st->len += *upload_size;
			}
		}
		*upload_size = 0;
		return MHD_YES;
	}
	if (st->too_big)
		return reply_close(c, MHD_HTTP_CONTENT_TOO_LARGE, "request body too large\n");
	op = MHD_lookup_connection_value(c, MHD_GET_ARGUMENT_KIND, "operation");
	if (!op)
		return reply_text(c, MHD_HTTP_BAD_REQUEST, "missing operation\n");
	if (pk_debug_on(PK_DBG_SERVER)) {
		char o[40];
		pk_debug(PK_DBG_SERVER, "CRYPTO_CS: received a SCEP %s request",
			 loggable(op, o, sizeof o));
	}
	if (strcasecmp(op, "GetCACaps") == 0) {
		const char *caps = scep_cacaps();
		struct ca_keys k;
		if (get_keys(&k) < 0)
			return reply_text(c, MHD_HTTP_SERVICE_UNAVAILABLE, "certificate server disabled\n");
		put_keys(&k);
		pk_debug(PK_DBG_SERVER, "CRYPTO_CS: Sending CA capabilities");
		return reply(c, MHD_HTTP_OK, SCEP_CT_CAPS, caps, strlen(caps));
	}
	if (strcasecmp(op, "GetCACert") == 0)
		return op_getcacert(c);
	if (strcasecmp(op, "GetNextCACert") == 0)
		return op_getnextcacert(c);
	if (strcasecmp(op, "PKIOperation") != 0)
		return reply_text(c, MHD_HTTP_BAD_REQUEST, "unknown operation\n");
	if (post)
		return op_pkioperation(c, st->body, st->len);
	msg = MHD_lookup_connection_value(c, MHD_GET_ARGUMENT_KIND, "message");
	if (!msg || !*msg)
		return reply_text(c, MHD_HTTP_BAD_REQUEST, "missing message\n");
	if (strlen(msg) > MAX_QUERY)
		return reply_text(c, MHD_HTTP_URI_TOO_LONG, "message too long\n");
	{
		unsigned char *der = NULL;
		size_t len = 0;
		enum MHD_Result ret;
		int rc = scep_b64_decode(msg, strlen(msg), &der, &len);
		if (rc == SCEP_ETOOBIG)
			return reply_text(c, MHD_HTTP_URI_TOO_LONG, "message too long\n");
		if (rc < 0)
			return reply_text(c, MHD_HTTP_BAD_REQUEST, "message is not base64\n");
		ret = op_pkioperation(c, der, len);
		OPENSSL_free(der);
		return ret;
	}
}

static void completed(void *cls, struct MHD_Connection *c, void **con_cls,
		      enum MHD_RequestTerminationCode toe)
{
	struct req_state *st = *con_cls;

	(void)cls;
	(void)c;
	(void)toe;
	if (st) {
		free(st->body);
		free(st);
		*con_cls = NULL;
	}
}

/* ---- listener --------------------------------------------------------------------------- */

static void log_mhd(void *cls, const char *fmt, va_list ap)
{
	char buf[256];

	(void)cls;
	vsnprintf(buf, sizeof buf, fmt, ap);
	buf[strcspn(buf, "\n")] = '\0';
	pk_debug(PK_DBG_HTTP, "HTTP: %s", buf);
}

static int start(int port, const char *bind)
{
	struct sockaddr_in sa;
	sigset_t all, old;
	long ncpu = sysconf(_SC_NPROCESSORS_ONLN);
	unsigned threads = ncpu < 1 ? 1 : ncpu > 16 ? 16 : (unsigned)ncpu;

	memset(&sa, 0, sizeof sa);
	sa.sin_family = AF_INET;
	sa.sin_port = htons((uint16_t)port);
	if (bind && *bind) {
		if (inet_pton(AF_INET, bind, &sa.sin_addr) != 1)
			return pk_err_set(PK_EINVAL, "invalid HTTP bind address %s", bind);
	} else {
		sa.sin_addr.s_addr = htonl(INADDR_ANY);
	}
	/* The pool's threads must never take the process's stop signals. */
	sigfillset(&all);
	pthread_sigmask(SIG_BLOCK, &all, &old);
	daemon_ = MHD_start_daemon(MHD_USE_AUTO_INTERNAL_THREAD | MHD_USE_ERROR_LOG,
				   (uint16_t)port, NULL, NULL, handler, NULL,
				   MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&sa,
				   MHD_OPTION_THREAD_POOL_SIZE, threads,
				   MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)CONN_TIMEOUT,
				   MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)CONN_MEMORY,
				   MHD_OPTION_CONNECTION_LIMIT, (unsigned)1000,
				   MHD_OPTION_NOTIFY_COMPLETED, completed, NULL,
				   MHD_OPTION_EXTERNAL_LOGGER, log_mhd, NULL,
				   MHD_OPTION_END);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (!daemon_)
		return pk_err_set(PK_EIO, "cannot listen on %s port %d: %s",
				  bind && *bind ? bind : "all addresses", port,
				  errno ? strerror(errno) : "error");
	http_port = port;
	snprintf(http_bind_addr, sizeof http_bind_addr, "%s", bind ? bind : "");
	return 0;
}

void scep_http_stop(void)
{
	if (daemon_) {
		MHD_stop_daemon(daemon_);
		daemon_ = NULL;
	}
	http_port = 0;
}

int scep_http_port(void)
{
	return http_port;
}

int scep_http_apply(pk_pki *p, const char *bind)
{
	pk_device *d = pk_pki_device(p);
	int want = pk_device_http_enabled(d), port = pk_device_http_port(d);

	the_pki = p;
	if (daemon_ && (!want || port != http_port ||
			strcmp(http_bind_addr, bind ? bind : "") != 0)) {
		/* MHD_stop_daemon joins threads that may wait for the device
		 * lock: let go of it meanwhile. */
		pk_device_unlock(d);
		scep_http_stop();
		pk_device_lock(d);
	}
	if (want && !daemon_)
		return start(port, bind);
	return 0;
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

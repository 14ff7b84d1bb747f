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
#include <openssl/x509.h>

#include "core/pk.h"
#include "scep/msg.h"
#include "scep/client.h"
#include "scep/scep.h"

#define CONN_TIMEOUT   10                 /* seconds */
#define CONN_MEMORY    (128 * 1024)       /* per connection: headers + URI */
#define MAX_BODY       SCEP_MAX_MSG
#define MAX_QUERY      (96 * 1024)

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

static void peer(struct MHD_Connection *c, char *buf, size_t n)
{
	const union MHD_ConnectionInfo *ci =
		MHD_get_connection_info(c, MHD_CONNECTION_INFO_CLIENT_ADDRESS);

	snprintf(buf, n, "?");
	if (ci && ci->client_addr && ci->client_addr->sa_family == AF_INET)
		inet_ntop(AF_INET, &((const struct sockaddr_in *)ci->client_addr)->sin_addr, buf,
			  (socklen_t)n);
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

/* The decision, with the device lock held only around core calls. */
static void decide(scep_req *req, int rollover, struct pk_scep_result *res)
{
	pk_device *d = pk_pki_device(the_pki);
	struct pk_scep_req preq;
	pk_cs *cs;
	int rc;

	memset(res, 0, sizeof *res);
	if (scep_req_fill(req, rollover, &preq) < 0) {
		res->status = PK_SCEP_FAILURE;
		res->fail_info = SCEP_BAD_REQUEST;
		snprintf(res->fail_text, sizeof res->fail_text, "malformed request");
		return;
	}
	pk_device_lock(d);
	cs = pk_cs_first(the_pki);
	rc = cs ? pk_cs_scep(cs, &preq, res) : pk_err_set(PK_ESTATE, "no certificate server");
	pk_device_unlock(d);
	if (rc < 0) {
		pk_scep_result_free(res);
		memset(res, 0, sizeof *res);
		res->status = PK_SCEP_FAILURE;
		res->fail_info = SCEP_BAD_REQUEST;
		snprintf(res->fail_text, sizeof res->fail_text, "%s", pk_err_msg());
		return;
	}
	if (res->status != PK_SCEP_SUCCESS || !res->tbs || res->cert)
		return;
	/* The CA's signature: outside the lock, so issuance scales with cores. */
	if (pk_cs_sign(res) < 0) {
		res->status = PK_SCEP_FAILURE;
		res->fail_info = SCEP_BAD_REQUEST;
		snprintf(res->fail_text, sizeof res->fail_text, "signing failed");
		return;
	}
	pk_device_lock(d);
	cs = pk_cs_first(the_pki);
	rc = cs ? pk_cs_record(cs, res) : pk_err_set(PK_ESTATE, "no certificate server");
	pk_device_unlock(d);
	if (rc < 0) {
		/* Not durable ⇒ not issued: the client will retry. */
		pk_scep_result_free(res);
		memset(res, 0, sizeof *res);
		res->status = PK_SCEP_FAILURE;
		res->fail_info = SCEP_BAD_REQUEST;
		snprintf(res->fail_text, sizeof res->fail_text, "the certificate could not be stored");
	}
}

static enum MHD_Result op_pkioperation(struct MHD_Connection *c, const unsigned char *der,
				       size_t len, const char *from)
{
	struct ca_keys k;
	scep_req *req = NULL;
	struct scep_err err;
	struct scep_reply rep;
	struct pk_scep_result res;
	unsigned char *out = NULL;
	size_t outlen = 0;
	int rc, rollover = 0, decided = 0;
	enum MHD_Result ret;

	memset(&err, 0, sizeof err);
	memset(&res, 0, sizeof res);
	memset(&rep, 0, sizeof rep);
	if (get_keys(&k) < 0)
		return reply_text(c, MHD_HTTP_SERVICE_UNAVAILABLE, "certificate server disabled\n");
	rc = scep_req_parse(der, len, &req, &err);
	if (rc < 0 && !req) {
		pk_debug(PK_DBG_SERVER, "CRYPTO_CS: unreadable SCEP message from %s: %s", from, err.text);
		put_keys(&k);
		return reply_text(c, MHD_HTTP_BAD_REQUEST, "malformed pkiMessage\n");
	}
	if (rc == 0) {
		rollover = k.rcert && scep_req_for(req, k.rcert);
		rc = scep_req_open(req, rollover ? k.rkey : k.key, rollover ? k.rcert : k.cert, &err);
		if (rc == 0)
			pk_debug(PK_DBG_SERVER, "CRYPTO_CS_OPENSSL: open envelope: Decrypted PKCS7");
	}
	pk_debug(PK_DBG_SERVER, "CRYPTO_CS: read SCEP: %s, transaction id %s, from %s%s",
		 scep_type_name(scep_req_type(req)), scep_req_transaction_id(req), from,
		 rollover ? ", for the rollover CA" : "");
	if (rc < 0) {
		rep.status = SCEP_FAILURE;
		rep.fail_info = err.fail_info >= 0 ? err.fail_info : SCEP_BAD_REQUEST;
		rep.fail_text = err.text;
		pk_debug(PK_DBG_SERVER, "CRYPTO_CS: request rejected: %s", err.text);
	} else {
		decide(req, rollover, &res);
		decided = 1;
		rep.status = res.status == PK_SCEP_SUCCESS ? SCEP_SUCCESS :
			     res.status == PK_SCEP_PENDING ? SCEP_PENDING : SCEP_FAILURE;
		rep.fail_info = res.fail_info;
		rep.fail_text = res.fail_text[0] ? res.fail_text : NULL;
		rep.cert = res.cert;
		rep.crl = res.crl;
		pk_debug(PK_DBG_SERVER, "CRYPTO_CS: request %ld %s%s%s", res.reqid,
			 status_name(res.status), res.fail_text[0] ? ": " : "", res.fail_text);
	}
	rc = scep_certrep_build(req, rollover ? k.rkey : k.key, rollover ? k.rcert : k.cert, &rep,
				&out, &outlen, &err);
	if (rc < 0) {
		ret = reply_text(c, MHD_HTTP_INTERNAL_SERVER_ERROR, "cannot build the answer\n");
	} else {
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

static enum MHD_Result handler(void *cls, struct MHD_Connection *c, const char *url,
			       const char *method, const char *version, const char *upload,
			       size_t *upload_size, void **con_cls)
{
	struct req_state *st = *con_cls;
	const char *op, *msg;
	char from[64];
	int post = strcmp(method, MHD_HTTP_METHOD_POST) == 0;

	(void)cls;
	(void)version;
	if (!st) {
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
	peer(c, from, sizeof from);
	pk_debug(PK_DBG_HTTP, "HTTP: %s %s from %s", method, url, from);
	if (!post && strcmp(method, MHD_HTTP_METHOD_GET) != 0 &&
	    strcmp(method, MHD_HTTP_METHOD_HEAD) != 0)
		return reply_text(c, MHD_HTTP_METHOD_NOT_ALLOWED, "method not allowed\n");
	if (!scep_path(url))
		return reply_text(c, MHD_HTTP_NOT_FOUND, "not found\n");
	if (st->too_big)
		return reply_text(c, MHD_HTTP_CONTENT_TOO_LARGE, "request body too large\n");
	op = MHD_lookup_connection_value(c, MHD_GET_ARGUMENT_KIND, "operation");
	if (!op)
		return reply_text(c, MHD_HTTP_BAD_REQUEST, "missing operation\n");
	pk_debug(PK_DBG_SERVER, "CRYPTO_CS: received a SCEP %s request from %s", op, from);
	if (strcasecmp(op, "GetCACaps") == 0) {
		const char *caps = scep_cacaps();
		struct ca_keys k;
		if (get_keys(&k) < 0)
			return reply_text(c, MHD_HTTP_SERVICE_UNAVAILABLE, "certificate server disabled\n");
		put_keys(&k);
		return reply(c, MHD_HTTP_OK, SCEP_CT_CAPS, caps, strlen(caps));
	}
	if (strcasecmp(op, "GetCACert") == 0)
		return op_getcacert(c);
	if (strcasecmp(op, "GetNextCACert") == 0)
		return op_getnextcacert(c);
	if (strcasecmp(op, "PKIOperation") != 0)
		return reply_text(c, MHD_HTTP_BAD_REQUEST, "unknown operation\n");
	if (post)
		return op_pkioperation(c, st->body, st->len, from);
	msg = MHD_lookup_connection_value(c, MHD_GET_ARGUMENT_KIND, "message");
	if (!msg || !*msg)
		return reply_text(c, MHD_HTTP_BAD_REQUEST, "missing message\n");
	if (strlen(msg) > MAX_QUERY)
		return reply_text(c, MHD_HTTP_URI_TOO_LONG, "message too long\n");
	{
		unsigned char *der = NULL;
		size_t len = 0;
		enum MHD_Result ret;
		if (scep_b64_decode(msg, strlen(msg), &der, &len) < 0)
			return reply_text(c, MHD_HTTP_BAD_REQUEST, "message is not base64\n");
		ret = op_pkioperation(c, der, len, from);
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

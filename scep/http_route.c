/*
 * http_route.c — the HTTP request path in front of the SCEP operations
 * (http_route.h; docs/scep.md §8 "HTTP").  Pure: no libmicrohttpd, no
 * certificate server, no global state, so that the fuzz target
 * (tests/fuzz/fuzz_http.c) runs exactly what the listener runs.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <openssl/crypto.h>

#include "scep/http_route.h"
#include "scep/msg.h"

_Static_assert(HTTP_MAX_BODY == SCEP_MAX_MSG, "a POST body is one SCEP message");

void http_answer_data(struct http_answer *a, unsigned status, const char *ctype,
		      const void *data, size_t len, void *owned)
{
	a->status = status;
	a->ctype = ctype;
	a->body = data;
	a->len = len;
	a->owned = owned;
}

void http_answer_text(struct http_answer *a, unsigned status, const char *text)
{
	http_answer_data(a, status, "text/plain", text, strlen(text), NULL);
}

void http_answer_free(struct http_answer *a)
{
	OPENSSL_free(a->owned);
	a->owned = NULL;
	a->body = NULL;
	a->len = 0;
}

/* An error after which the rest of the request is not read: the
 * connection is closed once the answer is out. */
static int answer_close(struct http_answer *a, unsigned status, const char *text)
{
	http_answer_text(a, status, text);
	a->close = 1;
	return 1;
}

const char *http_loggable(const char *s, char *buf, size_t n)
{
	size_t i;

	for (i = 0; s && s[i] && i + 1 < n; i++)
		buf[i] = s[i] >= 0x20 && s[i] < 0x7f ? s[i] : '?';
	buf[i] = '\0';
	return buf;
}

static int debug_on(const struct http_ops *ops, int family)
{
	return ops->debug_on && ops->debug && ops->debug_on(ops->cls, family);
}

/* ---- the query ------------------------------------------------------------------------ */

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* In place: '+' is a blank, %XX the byte XX (a '%' without two hex digits
 * stays), as libmicrohttpd's MHD_unescape_plus + MHD_http_unescape; a
 * decoded NUL ends the string, as it does for MHD's lookups. */
static void unescape(char *s)
{
	char *w = s;

	for (; *s; s++) {
		if (*s == '+') {
			*w++ = ' ';
		} else if (*s == '%' && hexval(s[1]) >= 0 && hexval(s[2]) >= 0) {
			*w++ = (char)(hexval(s[1]) << 4 | hexval(s[2]));
			s += 2;
		} else {
			*w++ = *s;
		}
	}
	*w = '\0';
}

int http_query_parse(char *q, struct http_arg *args, size_t max, size_t *n)
{
	*n = 0;
	while (q && *q) {
		char *amp = strchr(q, '&'), *eq;
		if (amp)
			*amp = '\0';
		if (*n == max)
			return -1;
		eq = strchr(q, '=');
		if (eq)
			*eq = '\0';
		unescape(q);
		if (eq)
			unescape(eq + 1);
		args[*n].key = q;
		args[*n].value = eq ? eq + 1 : NULL;
		(*n)++;
		q = amp ? amp + 1 : NULL;
	}
	return 0;
}

/* The first parameter named key (case-insensitive, as MHD's lookup). */
static const char *arg(const struct http_request *r, const char *key)
{
	size_t i;

	for (i = 0; i < r->nargs; i++)
		if (strcasecmp(r->args[i].key, key) == 0)
			return r->args[i].value;
	return NULL;
}

/* ---- routing -------------------------------------------------------------------------- */

static int scep_path(const char *url)
{
	size_t n = strlen(url);

	return strcmp(url, "/scep") == 0 || strcmp(url, "/scep/") == 0 ||
	       (n >= 13 && strcmp(url + n - 13, "pkiclient.exe") == 0);
}

int http_route_begin(const struct http_ops *ops, struct http_request *r, struct http_answer *a)
{
	const char *cl = r->content_length;
	char m[16], u[200];

	memset(a, 0, sizeof *a);
	if (debug_on(ops, HTTP_LOG_HTTP))
		ops->debug(ops->cls, HTTP_LOG_HTTP, "HTTP: %s %s from %s",
			   http_loggable(r->method, m, sizeof m), http_loggable(r->url, u, sizeof u),
			   r->peer ? r->peer : "?");
	if (strcmp(r->method, "POST") != 0 && strcmp(r->method, "GET") != 0 &&
	    strcmp(r->method, "HEAD") != 0)
		return answer_close(a, 405, "method not allowed\n");
	if (!scep_path(r->url))
		return answer_close(a, 404, "not found\n");
	if (r->query_too_long) {
		if (debug_on(ops, HTTP_LOG_HTTP))
			ops->debug(ops->cls, HTTP_LOG_HTTP, "HTTP: query over %d bytes refused",
				   HTTP_MAX_QUERY);
		return answer_close(a, 414, "query too long\n");
	}
	r->nargs = 0;
	r->too_many_args = http_query_parse(r->query, r->args, HTTP_MAX_ARGS, &r->nargs) < 0;
	if (r->too_many_args) {
		if (debug_on(ops, HTTP_LOG_HTTP))
			ops->debug(ops->cls, HTTP_LOG_HTTP, "HTTP: more than %d query parameters refused",
				   HTTP_MAX_ARGS);
		return answer_close(a, 414, "too many query parameters\n");
	}
	if (cl) {
		char *end;
		unsigned long long n;
		errno = 0;
		n = strtoull(cl, &end, 10);
		if (errno || end == cl || n > HTTP_MAX_BODY) {
			if (debug_on(ops, HTTP_LOG_HTTP))
				ops->debug(ops->cls, HTTP_LOG_HTTP, "HTTP: request body of %s bytes refused",
					   http_loggable(cl, u, 24));
			return answer_close(a, 413, "request body too large\n");
		}
	}
	return 0;
}

void http_route_end(const struct http_ops *ops, struct http_request *r, struct http_answer *a)
{
	const char *op, *msg;
	unsigned char *der = NULL;
	size_t len = 0;
	int rc;

	memset(a, 0, sizeof *a);
	if (r->body_too_big) {
		answer_close(a, 413, "request body too large\n");
		return;
	}
	op = arg(r, "operation");
	if (!op) {
		http_answer_text(a, 400, "missing operation\n");
		return;
	}
	if (debug_on(ops, HTTP_LOG_SERVER)) {
		char o[40];
		ops->debug(ops->cls, HTTP_LOG_SERVER, "CRYPTO_CS: received a SCEP %s request",
			   http_loggable(op, o, sizeof o));
	}
	if (strcasecmp(op, "GetCACaps") == 0) {
		ops->caps(ops->cls, a);
		return;
	}
	if (strcasecmp(op, "GetCACert") == 0) {
		ops->cacert(ops->cls, a);
		return;
	}
	if (strcasecmp(op, "GetNextCACert") == 0) {
		ops->nextcacert(ops->cls, a);
		return;
	}
	if (strcasecmp(op, "PKIOperation") != 0) {
		http_answer_text(a, 400, "unknown operation\n");
		return;
	}
	if (strcmp(r->method, "POST") == 0) {
		ops->pkioperation(ops->cls, r->body, r->body_len, a);
		return;
	}
	msg = arg(r, "message");
	if (!msg || !*msg) {
		http_answer_text(a, 400, "missing message\n");
		return;
	}
	rc = scep_b64_decode(msg, strlen(msg), &der, &len);
	if (rc == SCEP_ETOOBIG) {
		http_answer_text(a, 414, "message too long\n");
		return;
	}
	if (rc < 0) {
		http_answer_text(a, 400, "message is not base64\n");
		return;
	}
	ops->pkioperation(ops->cls, der, len, a);
	OPENSSL_free(der);
}

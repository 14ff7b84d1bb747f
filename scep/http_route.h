/*
 * http_route.h — the HTTP request path in front of the SCEP operations,
 * without libmicrohttpd and without the certificate server: what the
 * listener (http_server.c) received for one request goes in, the answer
 * (status, Content-Type, body, whether to close) comes out.  The SCEP
 * operations themselves are callbacks (struct http_ops): server.c's answer
 * from the certificate server, the fuzz target's (tests/fuzz/fuzz_http.c)
 * from fixtures.  Internal to scep/.
 *
 * A request is routed in two steps, as libmicrohttpd hands it over:
 * http_route_begin() once the request line and headers are in (what the
 * body cannot change is answered here, and then the body is never read),
 * http_route_end() once the body is in.
 */
#ifndef PKISH_HTTP_ROUTE_H
#define PKISH_HTTP_ROUTE_H

#include <stddef.h>

#define HTTP_MAX_BODY  (64 * 1024)   /* = SCEP_MAX_MSG */
#define HTTP_MAX_QUERY (96 * 1024)   /* the raw query string, message= included */
#define HTTP_MAX_ARGS  32            /* query parameters */

enum { HTTP_LOG_HTTP, HTTP_LOG_SERVER };   /* debug ip http / debug crypto pki server */

struct http_arg {
	const char *key;         /* decoded, NUL-terminated */
	const char *value;       /* decoded; NULL for "key" without '=' */
};

struct http_request {
	const char *method;
	const char *url;             /* the path, without the query */
	const char *peer;            /* the client's address, for debug lines */
	const char *content_length;  /* the header, NULL when absent */
	/* The raw query (after '?', NUL-terminated), parsed in place by
	 * http_route_begin; NULL when the target had none. */
	char *query;
	int query_too_long;          /* the query was over HTTP_MAX_QUERY */
	struct http_arg args[HTTP_MAX_ARGS];
	size_t nargs;
	int too_many_args;
	/* for http_route_end */
	const unsigned char *body;
	size_t body_len;
	int body_too_big;            /* more than HTTP_MAX_BODY arrived */
};

struct http_answer {
	unsigned status;
	const char *ctype;           /* NULL: no Content-Type */
	const void *body;
	size_t len;
	void *owned;                 /* freed by http_answer_free (OPENSSL_free) */
	int close;                   /* close the connection after the answer */
};

/* The SCEP operations.  Each fills *a (http_answer_text / _data) and
 * returns nothing: every outcome is an answer. */
struct http_ops {
	void *cls;
	void (*caps)(void *cls, struct http_answer *a);
	void (*cacert)(void *cls, struct http_answer *a);
	void (*nextcacert)(void *cls, struct http_answer *a);
	void (*pkioperation)(void *cls, const unsigned char *der, size_t len,
			     struct http_answer *a);
	/* debug lines (family HTTP_LOG_*); debug_on may be NULL (always off) */
	int  (*debug_on)(void *cls, int family);
	void (*debug)(void *cls, int family, const char *fmt, ...)
		__attribute__((format(printf, 3, 4)));
};

/* The request line and headers are in: 1 when *a holds the answer (the
 * body is not read), 0 when the body is to be read, then http_route_end. */
int  http_route_begin(const struct http_ops *ops, struct http_request *r,
		      struct http_answer *a);
/* The whole request is in: *a is the answer. */
void http_route_end(const struct http_ops *ops, struct http_request *r, struct http_answer *a);

/* Splits a raw query in place into at most max decoded parameters, as
 * libmicrohttpd does ('&' between parameters, the first '=' between key
 * and value, '+' is a blank, %XX a byte).  -1 when there are more. */
int  http_query_parse(char *q, struct http_arg *args, size_t max, size_t *n);

void http_answer_text(struct http_answer *a, unsigned status, const char *text);
/* data stays the caller's unless owned (then it is data, OPENSSL_malloc'd) */
void http_answer_data(struct http_answer *a, unsigned status, const char *ctype,
		      const void *data, size_t len, void *owned);
void http_answer_free(struct http_answer *a);

/* A client-supplied string for a log line: at most n-1 bytes, anything
 * but printable ASCII shown as '?' (a decoded %0A must not start a line). */
const char *http_loggable(const char *s, char *buf, size_t n);

#endif

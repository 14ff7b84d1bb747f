/*
 * test_http_route.c — the HTTP request path (scep/http_route.c) without a
 * socket: the query parser against libmicrohttpd's rules, the answers
 * before the body (405, 404, 413, 414 — each closing the connection), the
 * dispatch to the operations, and the bounds issue 10 asked for (a
 * request with 5,000 query parameters gets 414).
 */
#include <stdarg.h>

#include "scep/http_route.h"
#include "tests/unit/t.h"

struct calls {
	int caps, cacert, next, pki;
	size_t der_len;
	char last_debug[600];
};

static void caps(void *cls, struct http_answer *a)
{
	((struct calls *)cls)->caps++;
	http_answer_data(a, 200, "text/plain", "caps", 4, NULL);
}

static void cacert(void *cls, struct http_answer *a)
{
	((struct calls *)cls)->cacert++;
	http_answer_data(a, 200, "application/x-x509-ca-cert", "x", 1, NULL);
}

static void next(void *cls, struct http_answer *a)
{
	((struct calls *)cls)->next++;
	http_answer_data(a, 404, NULL, "", 0, NULL);
}

static void pki(void *cls, const unsigned char *der, size_t len, struct http_answer *a)
{
	(void)der;
	((struct calls *)cls)->pki++;
	((struct calls *)cls)->der_len = len;
	http_answer_data(a, 200, "application/x-pki-message", "r", 1, NULL);
}

static int dbg_on(void *cls, int f)
{
	(void)cls;
	(void)f;
	return 1;
}

static void dbg(void *cls, int f, const char *fmt, ...)
{
	va_list ap;

	(void)f;
	va_start(ap, fmt);
	vsnprintf(((struct calls *)cls)->last_debug, sizeof ((struct calls *)cls)->last_debug, fmt, ap);
	va_end(ap);
}

static struct calls C;
static const struct http_ops OPS = { &C, caps, cacert, next, pki, dbg_on, dbg };

/* begin (and, if it lets the request through, end) for one request;
 * returns the status, *early whether it came before the body */
static unsigned route(const char *method, const char *url, const char *query, const char *cl,
		      const char *body, int *early, struct http_answer *a)
{
	struct http_request r;
	char *q = query ? strdup(query) : NULL;
	unsigned st;

	memset(&r, 0, sizeof r);
	memset(&C, 0, sizeof C);
	r.method = method;
	r.url = url;
	r.peer = "127.0.0.1";
	r.content_length = cl;
	r.query = q;
	r.query_too_long = query && strlen(query) > HTTP_MAX_QUERY;
	*early = http_route_begin(&OPS, &r, a);
	if (!*early) {
		r.body = (const unsigned char *)body;
		r.body_len = body ? strlen(body) : 0;
		http_route_end(&OPS, &r, a);
	}
	st = a->status;
	http_answer_free(a);
	free(q);
	return st;
}

static char *many_args(int n)
{
	char *s = malloc((size_t)n * 12 + 32);
	size_t len;
	int i;

	ASSERT(s);
	len = (size_t)sprintf(s, "operation=GetCACaps");
	for (i = 1; i < n; i++)
		len += (size_t)sprintf(s + len, "&p%d=1", i);
	return s;
}

TEST(query_as_libmicrohttpd)
{
	char q[] = "a+b=c%20d&e&&f=%zz&%41=%00x&g=1=2&";
	struct http_arg args[8];
	size_t n = 99;

	ASSERT_EQ(http_query_parse(q, args, 8, &n), 0);
	ASSERT_EQ(n, 6);
	ASSERT_STREQ(args[0].key, "a b");
	ASSERT_STREQ(args[0].value, "c d");
	ASSERT_STREQ(args[1].key, "e");
	ASSERT(args[1].value == NULL);
	ASSERT_STREQ(args[2].key, "");
	ASSERT(args[2].value == NULL);
	ASSERT_STREQ(args[3].key, "f");
	ASSERT_STREQ(args[3].value, "%zz");     /* not two hex digits: kept */
	ASSERT_STREQ(args[4].key, "A");
	ASSERT_STREQ(args[4].value, "");        /* a decoded NUL ends it */
	ASSERT_STREQ(args[5].key, "g");
	ASSERT_STREQ(args[5].value, "1=2");     /* the first '=' splits */
}

TEST(query_bound)
{
	char *q = many_args(HTTP_MAX_ARGS), *q2 = many_args(HTTP_MAX_ARGS + 1);
	struct http_arg args[HTTP_MAX_ARGS];
	size_t n;

	ASSERT_EQ(http_query_parse(q, args, HTTP_MAX_ARGS, &n), 0);
	ASSERT_EQ(n, HTTP_MAX_ARGS);
	ASSERT_EQ(http_query_parse(q2, args, HTTP_MAX_ARGS, &n), -1);
	ASSERT_EQ(http_query_parse(NULL, args, HTTP_MAX_ARGS, &n), 0);
	ASSERT_EQ(n, 0);
	free(q);
	free(q2);
}

/* issue 10: 5,000 query parameters got no answer at all */
TEST(five_thousand_parameters)
{
	struct http_answer a;
	char *q = many_args(5000);
	int early;

	ASSERT_EQ(route("GET", "/cgi-bin/pkiclient.exe", q, NULL, NULL, &early, &a), 414);
	ASSERT(early);
	ASSERT(a.close);
	ASSERT_EQ(C.caps, 0);
	free(q);
	q = many_args(HTTP_MAX_ARGS);
	ASSERT_EQ(route("GET", "/cgi-bin/pkiclient.exe", q, NULL, NULL, &early, &a), 200);
	ASSERT_EQ(C.caps, 1);
	free(q);
}

TEST(query_too_long)
{
	struct http_answer a;
	char *q = malloc(HTTP_MAX_QUERY + 2);
	int early;

	ASSERT(q);
	memset(q, 'A', HTTP_MAX_QUERY + 1);
	q[HTTP_MAX_QUERY + 1] = '\0';
	ASSERT_EQ(route("GET", "/scep", q, NULL, NULL, &early, &a), 414);
	ASSERT(early && a.close);
	free(q);
}

TEST(before_the_body)
{
	struct http_answer a;
	int early;

	ASSERT_EQ(route("DELETE", "/scep", "operation=GetCACaps", NULL, NULL, &early, &a), 405);
	ASSERT(early && a.close);
	ASSERT_EQ(route("GET", "/SCEP", "operation=GetCACaps", NULL, NULL, &early, &a), 404);
	ASSERT(early && a.close);
	ASSERT_EQ(route("GET", "/cgi-bin/pkiclient.exe.bak", "operation=GetCACaps", NULL, NULL,
			&early, &a), 404);
	ASSERT_EQ(route("POST", "/scep", "operation=PKIOperation", "65537", NULL, &early, &a), 413);
	ASSERT(early && a.close);
	ASSERT_EQ(route("POST", "/scep", "operation=PKIOperation", "x1", NULL, &early, &a), 413);
	ASSERT_EQ(route("POST", "/scep", "operation=PKIOperation", "99999999999999999999999", NULL,
			&early, &a), 413);
	ASSERT_EQ(route("POST", "/scep", "operation=PKIOperation", "65536", "abc", &early, &a), 200);
	ASSERT(!early && !a.close);
}

TEST(dispatch)
{
	struct http_answer a;
	int early;

	ASSERT_EQ(route("GET", "/a/b/pkiclient.exe", "OPERATION=getcacaps", NULL, NULL, &early, &a),
		  200);
	ASSERT_EQ(C.caps, 1);
	ASSERT_EQ(route("HEAD", "/scep/", "message=CA&operation=GetCACert", NULL, NULL, &early, &a),
		  200);
	ASSERT_EQ(C.cacert, 1);
	ASSERT_EQ(route("GET", "/scep", "operation=GetNextCACert", NULL, NULL, &early, &a), 404);
	ASSERT_EQ(C.next, 1);
	ASSERT_EQ(route("GET", "/scep", NULL, NULL, NULL, &early, &a), 400);
	ASSERT_EQ(route("GET", "/scep", "operation=GetCRLs", NULL, NULL, &early, &a), 400);
	ASSERT_EQ(route("GET", "/scep", "operation=PKIOperation", NULL, NULL, &early, &a), 400);
	ASSERT_EQ(route("GET", "/scep", "operation=PKIOperation&message=", NULL, NULL, &early, &a),
		  400);
	ASSERT_EQ(route("GET", "/scep", "operation=PKIOperation&message=not*base64", NULL, NULL,
			&early, &a), 400);
	ASSERT_EQ(C.pki, 0);
	/* "+" is a blank, and the decoder takes it back (docs/scep.md §6) */
	ASSERT_EQ(route("GET", "/scep", "operation=PKIOperation&message=QUJD+A%3D%3D", NULL, NULL,
			&early, &a), 200);
	ASSERT_EQ(C.pki, 1);
	ASSERT_EQ(C.der_len, 4);
	ASSERT_EQ(route("POST", "/scep", "operation=PKIOperation", NULL, "0123456789", &early, &a),
		  200);
	ASSERT_EQ(C.pki, 1);
	ASSERT_EQ(C.der_len, 10);
}

TEST(body_too_big)
{
	struct http_request r;
	struct http_answer a;
	char q[] = "operation=PKIOperation";

	memset(&r, 0, sizeof r);
	memset(&C, 0, sizeof C);
	r.method = "POST";
	r.url = "/scep";
	r.query = q;
	ASSERT_EQ(http_route_begin(&OPS, &r, &a), 0);
	r.body_too_big = 1;
	http_route_end(&OPS, &r, &a);
	ASSERT_EQ(a.status, 413);
	ASSERT(a.close);
	ASSERT_EQ(C.pki, 0);
	http_answer_free(&a);
}

TEST(debug_lines_stay_one_line)
{
	struct http_answer a;
	int early;

	route("GET", "/scep\r\nforged", "operation=Get%0ACACaps", NULL, NULL, &early, &a);
	ASSERT(!strchr(C.last_debug, '\n') && !strchr(C.last_debug, '\r'));
	route("GET", "/scep", "operation=Get%0ACACaps", NULL, NULL, &early, &a);
	ASSERT(strstr(C.last_debug, "received a SCEP Get?CACaps request"));
}

TESTS(T(query_as_libmicrohttpd), T(query_bound), T(five_thousand_parameters), T(query_too_long),
      T(before_the_body), T(dispatch), T(body_too_big), T(debug_lines_stay_one_line))

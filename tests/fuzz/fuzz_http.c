/*
 * fuzz_http.c — libFuzzer target for the HTTP request path in front of
 * the SCEP message layer (scep/http_route.c): method, path, raw query,
 * Content-Length and body as the listener (scep/http_server.c) hands them
 * over from libmicrohttpd, through http_route_begin / http_route_end, to
 * operations that answer as server.c's do, from the fixture CA (the
 * PKIOperation ones with scep_req_parse / scep_req_open, and for one input
 * in eight the FAILURE CertRep).
 *
 * Input: three lines and the rest —
 *   METHOD \n  TARGET (path?query) \n  CONTENT-LENGTH (empty: none) \n  BODY
 * Each line ends at its first NUL, as libmicrohttpd's strings do; the
 * query is copied into a buffer of its exact size (ASan sees a read or
 * write past it); a query over HTTP_MAX_QUERY or a body over HTTP_MAX_BODY
 * is flagged as the listener flags them.  Then http_query_parse alone on
 * the raw query.
 *
 * Invariants checked (abort = finding): every answer has a known status, a
 * Content-Type when it has a body, and closes the connection when it came
 * before the body; a request with more than HTTP_MAX_ARGS parameters or a
 * too long query never reaches an operation, one with fewer is never
 * refused for them; 413 only for a body the bound refuses; an operation
 * runs only for its own `operation=` (case-insensitive) and PKIOperation
 * by GET only with a decoded message of at most SCEP_MAX_MSG bytes;
 * parsed parameters are no longer than the query and never more than
 * asked.  Seeds: tests/fuzz/corpus/http/.
 */
#include <stdarg.h>
#include <stdint.h>
#include <strings.h>

#include "scep/http_route.h"
#include "scep/msg.h"
#include "tests/fuzz/fuzz.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static EVP_PKEY *ca_key;
static X509 *ca;

enum { OP_NONE, OP_CAPS, OP_CACERT, OP_NEXT, OP_PKI };

struct run {
	int op;                  /* the operation that ran */
	size_t der_len;
	int reply;               /* build the CertRep */
};

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	if (scep_crypto_init(NULL) != 0)
		fuzz_die("providers");
	ca_key = fuzz_key("ca.key");
	ca = fuzz_cert("ca.pem");
	return 0;
}

static void caps(void *cls, struct http_answer *a)
{
	const char *c = scep_cacaps();

	((struct run *)cls)->op = OP_CAPS;
	http_answer_data(a, 200, SCEP_CT_CAPS, c, strlen(c), NULL);
}

static void cacert(void *cls, struct http_answer *a)
{
	unsigned char *der = NULL;
	size_t len = 0;
	const char *ct = NULL;
	struct scep_err err;

	((struct run *)cls)->op = OP_CACERT;
	if (scep_cacert_build(ca, NULL, &der, &len, &ct, &err) < 0)
		fuzz_die("GetCACert answer");
	http_answer_data(a, 200, ct, der, len, der);
}

static void nextcacert(void *cls, struct http_answer *a)
{
	((struct run *)cls)->op = OP_NEXT;
	http_answer_data(a, 404, NULL, "", 0, NULL);
}

static void pkioperation(void *cls, const unsigned char *der, size_t len, struct http_answer *a)
{
	struct run *run = cls;
	struct scep_reply rep = { 0 };
	struct scep_err err;
	scep_req *req = NULL;
	unsigned char *out = NULL;
	size_t n = 0;
	int rc;

	run->op = OP_PKI;
	run->der_len = len;
	rc = scep_req_parse(der, len, &req, &err);
	if (rc < 0 && !req) {
		http_answer_text(a, 400, "malformed pkiMessage\n");
		return;
	}
	if (rc == 0)
		rc = scep_req_open(req, ca_key, ca, &err);
	if (run->reply) {
		rep.status = SCEP_FAILURE;
		rep.fail_info = rc && err.fail_info >= 0 ? err.fail_info : SCEP_BAD_REQUEST;
		rep.fail_text = err.text;
		if (scep_certrep_build(req, ca_key, ca, &rep, &out, &n, &err) < 0)
			fuzz_die("cannot build the answer");
		http_answer_data(a, 200, SCEP_CT_PKI_MESSAGE, out, n, out);
	} else {
		http_answer_data(a, 200, SCEP_CT_PKI_MESSAGE, "", 0, NULL);
	}
	scep_req_free(req);
}

static int dbg_on(void *cls, int family)
{
	(void)cls;
	(void)family;
	return 1;                /* format every debug line */
}

static void dbg(void *cls, int family, const char *fmt, ...)
{
	char buf[512];
	va_list ap;

	(void)cls;
	(void)family;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof buf, fmt, ap);
	va_end(ap);
	if (strchr(buf, '\n') || strchr(buf, '\r'))
		fuzz_die("a client-supplied line break in a debug line");
}

/* The next line of the input as a NUL-terminated copy (ends at '\n', at a
 * NUL, or at the end); *p moves past the '\n'. */
static char *line(const uint8_t **p, const uint8_t *end)
{
	const uint8_t *s = *p, *e = s;
	char *c;

	while (e < end && *e != '\n')
		e++;
	*p = e < end ? e + 1 : e;
	c = malloc((size_t)(e - s) + 1);
	if (!c)
		fuzz_die("out of memory");
	memcpy(c, s, (size_t)(e - s));
	c[e - s] = '\0';
	return c;
}

static const char *arg_of(const struct http_request *r, const char *key)
{
	size_t i;

	for (i = 0; i < r->nargs; i++)
		if (strcasecmp(r->args[i].key, key) == 0)
			return r->args[i].value;
	return NULL;
}

static void check_answer(const struct http_answer *a)
{
	static const unsigned ok[] = { 200, 400, 404, 405, 413, 414, 500, 503 };
	size_t i;

	for (i = 0; i < sizeof ok / sizeof ok[0] && ok[i] != a->status; i++)
		;
	if (i == sizeof ok / sizeof ok[0])
		fuzz_die("unknown status");
	if (a->len && (!a->body || !a->ctype))
		fuzz_die("a body without data or Content-Type");
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const uint8_t *p = data, *end = data + size;
	char *method = line(&p, end), *target = line(&p, end), *cl = line(&p, end);
	char *q = strchr(target, '?'), *query = NULL, *again;
	struct run run = { OP_NONE, 0, size > 0 && (data[size - 1] & 7) == 0 };
	struct http_ops ops = { &run, caps, cacert, nextcacert, pkioperation, dbg_on, dbg };
	struct http_request r;
	struct http_answer a;
	struct http_arg args[8];
	size_t raw_args = 0, n, i, qlen = 0;
	const char *op;
	int early;

	memset(&r, 0, sizeof r);
	if (q) {
		*q++ = '\0';
		qlen = strlen(q);
		if (qlen > HTTP_MAX_QUERY) {
			r.query_too_long = 1;
		} else if (qlen) {
			query = malloc(qlen + 1);
			if (!query)
				fuzz_die("out of memory");
			memcpy(query, q, qlen + 1);
			/* libmicrohttpd's count: one per '&'-separated piece,
			 * empty ones too, but none after a final '&' */
			raw_args = 1;
			for (i = 0; i < qlen; i++)
				raw_args += query[i] == '&';
			if (query[qlen - 1] == '&')
				raw_args--;
		}
	}
	r.method = method;
	r.url = target;
	r.peer = "127.0.0.1";
	r.content_length = *cl ? cl : NULL;
	r.query = query;
	early = http_route_begin(&ops, &r, &a);
	if (early) {
		check_answer(&a);
		if (!a.close)
			fuzz_die("an answer before the body that keeps the connection");
		if (run.op != OP_NONE)
			fuzz_die("an operation ran before the body");
		if (a.status == 414 && !r.query_too_long && raw_args <= HTTP_MAX_ARGS)
			fuzz_die("414 for a query within the bounds");
		if (a.status == 413 && r.content_length &&
		    strtoull(r.content_length, NULL, 10) <= HTTP_MAX_BODY &&
		    strspn(r.content_length, "0123456789") == strlen(r.content_length) &&
		    strlen(r.content_length) < 6)
			fuzz_die("413 for a Content-Length within the bound");
		http_answer_free(&a);
	} else {
		if (r.query_too_long || raw_args > HTTP_MAX_ARGS || r.nargs > HTTP_MAX_ARGS)
			fuzz_die("a query over the bounds was let through");
		for (i = 0; i < r.nargs; i++)
			if (strlen(r.args[i].key) > qlen ||
			    (r.args[i].value && strlen(r.args[i].value) > qlen))
				fuzz_die("a parameter longer than the query");
		r.body = p;
		r.body_len = (size_t)(end - p);
		if (r.body_len > HTTP_MAX_BODY) {
			r.body_too_big = 1;
			r.body_len = HTTP_MAX_BODY;
		}
		http_route_end(&ops, &r, &a);
		check_answer(&a);
		op = arg_of(&r, "operation");
		if (r.body_too_big ? a.status != 413 : a.status == 413)
			fuzz_die("413 and the body bound disagree");
		if (run.op != OP_NONE && !op)
			fuzz_die("an operation without operation=");
		if ((run.op == OP_CAPS && strcasecmp(op, "GetCACaps")) ||
		    (run.op == OP_CACERT && strcasecmp(op, "GetCACert")) ||
		    (run.op == OP_NEXT && strcasecmp(op, "GetNextCACert")) ||
		    (run.op == OP_PKI && strcasecmp(op, "PKIOperation")))
			fuzz_die("the wrong operation ran");
		if (run.op == OP_PKI && strcmp(method, "POST") != 0 && run.der_len > SCEP_MAX_MSG)
			fuzz_die("a GET message over SCEP_MAX_MSG reached the message layer");
		http_answer_free(&a);
	}
	/* the parser alone, with a small array */
	if (q && qlen <= HTTP_MAX_QUERY) {
		again = malloc(qlen + 1);
		if (!again)
			fuzz_die("out of memory");
		memcpy(again, q, qlen + 1);
		if (http_query_parse(again, args, 8, &n) == 0 ? n > 8 || (qlen && n != raw_args) :
		    raw_args <= 8)
			fuzz_die("http_query_parse miscounted");
		free(again);
	}
	free(query);
	free(method);
	free(target);
	free(cl);
	return 0;
}

/*
 * http_client.h — minimal HTTP/1.0 client for SCEP (see http_client.c).
 */
#ifndef PKISH_HTTP_CLIENT_H
#define PKISH_HTTP_CLIENT_H

#include <stddef.h>

struct http_url {
	char host[256];
	int port;
	char path[512];        /* without a trailing '/', "" when none */
};

struct http_response {
	int status;
	char ctype[128];
	unsigned char *body;   /* NUL-terminated for convenience */
	size_t len;
};

/* "http://host[:port][/path]" (scheme optional). */
int  http_url_parse(const char *url, struct http_url *u);
/* The SCEP program path for a URL (spec §4.1; fixed paths kept). */
void http_scep_path(const struct http_url *u, char *buf, size_t n);
/* GET path_query (already escaped) with IOS's headers; the whole exchange
 * within timeout_s seconds.  PK_ENET when the server cannot be reached. */
int  http_get(const struct http_url *u, const char *path_query, int timeout_s,
	      struct http_response *r);
void http_response_free(struct http_response *r);

#endif

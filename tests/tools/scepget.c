/*
 * scepget.c — test helper: one HTTP/1.0 GET, body to a file.
 *
 *   scepget URL OUTFILE      prints "<status> <content-type>" on stdout
 *
 * Binary-safe (GetCACert, GetNextCACert answers), loopback only by intent.
 * Uses pkish's own HTTP client (scep/http_client.c).
 */
#include <stdio.h>
#include <string.h>

#include "scep/http_client.h"

int main(int argc, char **argv)
{
	struct http_url u;
	struct http_response r;
	const char *url, *q;
	char path[2048];
	FILE *f;

	if (argc != 3) {
		fprintf(stderr, "usage: scepget URL OUTFILE\n");
		return 2;
	}
	url = argv[1];
	q = strchr(url, '?');
	if (http_url_parse(url, &u) < 0) {
		fprintf(stderr, "scepget: bad URL\n");
		return 2;
	}
	/* http_url_parse keeps the path without the query: put it back. */
	{
		char *qq = strchr(u.path, '?');
		if (qq)
			*qq = '\0';
	}
	snprintf(path, sizeof path, "%s%s", u.path[0] ? u.path : "/", q ? q : "");
	if (http_get(&u, path, 20, &r) < 0) {
		fprintf(stderr, "scepget: no answer\n");
		return 1;
	}
	f = fopen(argv[2], "wb");
	if (!f || fwrite(r.body, 1, r.len, f) != r.len) {
		fprintf(stderr, "scepget: cannot write %s\n", argv[2]);
		http_response_free(&r);
		return 1;
	}
	fclose(f);
	printf("%d %s\n", r.status, r.ctype);
	http_response_free(&r);
	return 0;
}

/*
 * tool.h — shared by the SCEP test tools (scepreq, scepload, httpraw):
 * a loopback HTTP/1.0 client that keeps every byte of the answer (status,
 * headers, whether Content-Length was there), URL splitting, PEM loading
 * and GetCACert.  Header-only (static inline), so each tool stays one file
 * for the Makefile's tests/tools/%.c → build/tools/% rule.
 */
#ifndef PKISH_TOOL_H
#define PKISH_TOOL_H

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include "scep/msg.h"

#define TOOL_MAX_RESPONSE (1024 * 1024)

struct turl {
	char host[64];           /* dotted IPv4: the tools talk to loopback */
	int port;
	char path[512];          /* "/..." without the query */
};

struct tresp {
	int status;
	char ctype[128];
	long clen;               /* Content-Length, -1 when absent */
	unsigned char *body;     /* NUL-terminated */
	size_t len;
	size_t raw_len;          /* bytes received in all */
};

static inline long t_ms_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* "http://A.B.C.D:PORT/path" */
static inline int t_url(const char *url, struct turl *u)
{
	const char *p = url, *colon, *slash;
	size_t hl;

	memset(u, 0, sizeof *u);
	if (strncmp(p, "http://", 7) == 0)
		p += 7;
	slash = strchr(p, '/');
	if (!slash)
		slash = p + strlen(p);
	colon = memchr(p, ':', (size_t)(slash - p));
	u->port = colon ? atoi(colon + 1) : 80;
	hl = (size_t)((colon ? colon : slash) - p);
	if (hl == 0 || hl >= sizeof u->host || u->port <= 0 || u->port > 65535)
		return -1;
	memcpy(u->host, p, hl);
	snprintf(u->path, sizeof u->path, "%s", *slash ? slash : "/");
	return 0;
}

/* src: the local IPv4 address to connect from (127.0.0.N: Linux routes
 * all of 127.0.0.0/8 to lo), NULL for the kernel's choice. */
static inline int t_connect_from(const struct turl *u, const char *src)
{
	struct sockaddr_in sa;
	int fd, one = 1;

	memset(&sa, 0, sizeof sa);
	sa.sin_family = AF_INET;
	sa.sin_port = htons((uint16_t)u->port);
	if (inet_pton(AF_INET, u->host, &sa.sin_addr) != 1)
		return -1;
	fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -1;
	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
	if (src) {
		struct sockaddr_in la;
		memset(&la, 0, sizeof la);
		la.sin_family = AF_INET;
		if (inet_pton(AF_INET, src, &la.sin_addr) != 1 ||
		    bind(fd, (struct sockaddr *)&la, sizeof la) < 0) {
			close(fd);
			return -1;
		}
	}
	if (connect(fd, (struct sockaddr *)&sa, sizeof sa) < 0) {
		close(fd);
		return -1;
	}
	return fd;
}

static inline int t_connect(const struct turl *u)
{
	return t_connect_from(u, NULL);
}

static inline int t_send_all(int fd, const void *buf, size_t n)
{
	const char *p = buf;

	while (n > 0) {
		ssize_t w = send(fd, p, n, MSG_NOSIGNAL);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return -1;
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

/* Reads until the peer closes: 0; or timeout_ms passes: -2, with what
 * came so far in *out.  *out is malloc'd and NUL-terminated (free it
 * whatever the result); -1 on errors, *out NULL. */
static inline int t_recv_all(int fd, int timeout_ms, unsigned char **out, size_t *outlen)
{
	unsigned char *buf = NULL;
	size_t n = 0, cap = 0;
	long deadline = t_ms_now() + timeout_ms;

	*out = NULL;
	*outlen = 0;
	for (;;) {
		struct pollfd p = { fd, POLLIN, 0 };
		long left = deadline - t_ms_now();
		ssize_t got;
		int pr;

		if (n + 4097 > cap) {
			unsigned char *nb;
			cap = cap ? cap * 2 : 16384;
			if (cap > TOOL_MAX_RESPONSE) {
				free(buf);
				return -1;
			}
			nb = realloc(buf, cap);
			if (!nb) {
				free(buf);
				return -1;
			}
			buf = nb;
		}
		if (left <= 0 || (pr = poll(&p, 1, (int)left)) == 0) {
			buf[n] = '\0';
			*out = buf;
			*outlen = n;
			return -2;
		}
		if (pr < 0 && errno == EINTR)
			continue;
		if (pr < 0) {
			free(buf);
			return -1;
		}
		got = recv(fd, buf + n, cap - n - 1, 0);
		if (got < 0 && errno == EINTR)
			continue;
		if (got < 0) {
			if (errno == ECONNRESET && n > 0)
				break;
			free(buf);
			return -1;
		}
		if (got == 0)
			break;
		n += (size_t)got;
	}
	buf[n] = '\0';
	*out = buf;
	*outlen = n;
	return 0;
}

static inline void t_resp_free(struct tresp *r)
{
	free(r->body);
	memset(r, 0, sizeof *r);
}

/* One response out of raw bytes; the rest (pipelined answers) is ignored. */
static inline int t_parse(const unsigned char *raw, size_t n, struct tresp *r)
{
	const unsigned char *hend = NULL;
	char line[512];
	size_t i, hl, start, blen;

	memset(r, 0, sizeof *r);
	r->clen = -1;
	r->raw_len = n;
	for (i = 0; i + 3 < n; i++)
		if (memcmp(raw + i, "\r\n\r\n", 4) == 0) {
			hend = raw + i;
			break;
		}
	if (!hend || sscanf((const char *)raw, "HTTP/%*d.%*d %d", &r->status) != 1)
		return -1;
	hl = (size_t)(hend - raw) + 4;
	for (start = 0, i = 0; i < hl; i++) {
		if (raw[i] != '\r')
			continue;
		blen = i - start < sizeof line - 1 ? i - start : sizeof line - 1;
		memcpy(line, raw + start, blen);
		line[blen] = '\0';
		if (strncasecmp(line, "Content-Type:", 13) == 0)
			snprintf(r->ctype, sizeof r->ctype, "%s", line + 13 + strspn(line + 13, " \t"));
		else if (strncasecmp(line, "Content-Length:", 15) == 0)
			r->clen = strtol(line + 15, NULL, 10);
		start = i + 2;
	}
	blen = n - hl;
	if (r->clen >= 0 && (size_t)r->clen < blen)
		blen = (size_t)r->clen;
	r->body = malloc(blen + 1);
	if (!r->body)
		return -1;
	memcpy(r->body, raw + hl, blen);
	r->body[blen] = '\0';
	r->len = blen;
	return 0;
}

/* One HTTP/1.0 exchange: METHOD target, optional body; the server closes. */
static inline int t_http(const struct turl *u, const char *method, const char *target,
			 const void *body, size_t blen, int timeout_ms, struct tresp *r)
{
	char head[1024];
	unsigned char *raw = NULL;
	size_t rawlen = 0;
	int fd, hn, rc;

	memset(r, 0, sizeof *r);
	fd = t_connect(u);
	if (fd < 0)
		return -1;
	if (body)
		hn = snprintf(head, sizeof head,
			      "%s %s HTTP/1.0\r\nHost: %s\r\nContent-Type: application/x-pki-message\r\n"
			      "Content-Length: %zu\r\n\r\n", method, target, u->host, blen);
	else
		hn = snprintf(head, sizeof head, "%s %s HTTP/1.0\r\nHost: %s\r\n\r\n", method, target,
			      u->host);
	if (hn < 0 || (size_t)hn >= sizeof head) {
		/* a long GET target: send it in pieces */
		if (t_send_all(fd, method, strlen(method)) < 0 || t_send_all(fd, " ", 1) < 0 ||
		    t_send_all(fd, target, strlen(target)) < 0) {
			close(fd);
			return -1;
		}
		hn = snprintf(head, sizeof head, " HTTP/1.0\r\nHost: %s\r\n\r\n", u->host);
	}
	rc = t_send_all(fd, head, (size_t)hn);
	if (rc == 0 && body && blen)
		rc = t_send_all(fd, body, blen);
	if (rc == 0)
		rc = t_recv_all(fd, timeout_ms, &raw, &rawlen);
	close(fd);
	if (rc < 0) {
		free(raw);
		return rc;
	}
	rc = t_parse(raw, rawlen, r);
	free(raw);
	return rc;
}

static inline EVP_PKEY *t_load_key(const char *path)
{
	FILE *f = fopen(path, "r");
	EVP_PKEY *k;

	if (!f)
		return NULL;
	k = PEM_read_PrivateKey(f, NULL, NULL, NULL);
	fclose(f);
	return k;
}

static inline X509 *t_load_cert(const char *path)
{
	FILE *f = fopen(path, "r");
	X509 *x;

	if (!f)
		return NULL;
	x = PEM_read_X509(f, NULL, NULL, NULL);
	fclose(f);
	return x;
}

/* GetCACert: the self-signed certificate of the answer (a new reference). */
static inline X509 *t_getcacert(const struct turl *u)
{
	char target[600];
	struct tresp r;
	struct scep_err err;
	STACK_OF(X509) *certs = NULL;
	X509 *ca = NULL;
	int i;

	snprintf(target, sizeof target, "%s?operation=GetCACert&message=tool", u->path);
	if (t_http(u, "GET", target, NULL, 0, 20000, &r) < 0)
		return NULL;
	if (r.status == 200 && scep_cacert_parse(r.body, r.len, &certs, &err) == 0) {
		for (i = 0; i < sk_X509_num(certs) && !ca; i++) {
			X509 *x = sk_X509_value(certs, i);
			if (X509_check_issued(x, x) == X509_V_OK && X509_up_ref(x))
				ca = x;
		}
		if (!ca && sk_X509_num(certs) > 0 && X509_up_ref(sk_X509_value(certs, 0)))
			ca = sk_X509_value(certs, 0);
	}
	sk_X509_pop_free(certs, X509_free);
	t_resp_free(&r);
	ERR_clear_error();
	return ca;
}

#endif

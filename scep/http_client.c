/*
 * http_client.c — the trustpoint side of SCEP's transport: one HTTP/1.0
 * request per connection, as IOS sends them (spec §4.1, scep-conformance
 * §15), with bounded sizes and timeouts.  No libcurl: a few hundred lines
 * of socket code keep the dependency list short and the behaviour exact.
 */
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "core/err.h"
#include "scep/http_client.h"

#define MAX_RESPONSE (256 * 1024)
#define USER_AGENT "Mozilla/4.0 (compatible; MSIE 5.0; Cisco PKI)"

int http_url_parse(const char *url, struct http_url *u)
{
	const char *p = url, *host, *hend, *path;
	size_t hl;

	memset(u, 0, sizeof *u);
	if (strncasecmp(p, "http://", 7) == 0)
		p += 7;
	else if (strstr(p, "://"))
		return pk_err_set(PK_EINVAL, "%s: only http:// enrollment URLs are supported", url);
	host = p;
	path = strchr(host, '/');
	hend = path ? path : host + strlen(host);
	u->port = 80;
	{
		const char *colon = memchr(host, ':', (size_t)(hend - host));
		if (colon) {
			char *end;
			long port = strtol(colon + 1, &end, 10);
			if (end != hend || port < 1 || port > 65535)
				return pk_err_set(PK_EINVAL, "%s: bad port", url);
			u->port = (int)port;
			hend = colon;
		}
	}
	hl = (size_t)(hend - host);
	if (hl == 0 || hl >= sizeof u->host)
		return pk_err_set(PK_EINVAL, "%s: bad host", url);
	memcpy(u->host, host, hl);
	u->host[hl] = '\0';
	snprintf(u->path, sizeof u->path, "%s", path && path[1] ? path : "");
	{
		size_t pl = strlen(u->path);
		while (pl > 0 && u->path[pl - 1] == '/')
			u->path[--pl] = '\0';
	}
	return 0;
}

/* IOS appends /pkiclient.exe to the URL's path, /cgi-bin when it has none;
 * servers with a fixed endpoint (micromdm's /scep, or a path that already
 * names the program) are used as they are. */
void http_scep_path(const struct http_url *u, char *buf, size_t n)
{
	size_t pl = strlen(u->path);

	if (pl == 0)
		snprintf(buf, n, "/cgi-bin/pkiclient.exe");
	else if ((pl >= 5 && strcmp(u->path + pl - 5, "/scep") == 0) ||
		 (pl >= 4 && strcasecmp(u->path + pl - 4, ".exe") == 0))
		snprintf(buf, n, "%s", u->path);
	else
		snprintf(buf, n, "%s/pkiclient.exe", u->path);
}

static long ms_left(const struct timespec *deadline)
{
	struct timespec now;
	clock_gettime(CLOCK_MONOTONIC, &now);
	return (long)(deadline->tv_sec - now.tv_sec) * 1000 +
	       (deadline->tv_nsec - now.tv_nsec) / 1000000;
}

static int wait_fd(int fd, short ev, const struct timespec *deadline)
{
	for (;;) {
		struct pollfd p = { fd, ev, 0 };
		long left = ms_left(deadline);
		int n;
		if (left <= 0)
			return -1;
		n = poll(&p, 1, (int)left);
		if (n > 0)
			return 0;
		if (n == 0 || errno != EINTR)
			return -1;
	}
}

static int connect_to(const struct http_url *u, const struct timespec *deadline)
{
	struct addrinfo hints, *res = NULL, *ai;
	char port[16];
	int fd = -1, rc;

	memset(&hints, 0, sizeof hints);
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_STREAM;
	snprintf(port, sizeof port, "%d", u->port);
	rc = getaddrinfo(u->host, port, &hints, &res);
	if (rc != 0)
		return pk_err_set(PK_ENET, "%s: %s", u->host, gai_strerror(rc));
	for (ai = res; ai; ai = ai->ai_next) {
		int err = 0;
		socklen_t el = sizeof err;

		fd = socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC | SOCK_NONBLOCK,
			    ai->ai_protocol);
		if (fd < 0)
			continue;
		if (connect(fd, ai->ai_addr, ai->ai_addrlen) == 0)
			break;
		if (errno == EINPROGRESS && wait_fd(fd, POLLOUT, deadline) == 0 &&
		    getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &el) == 0 && err == 0)
			break;
		close(fd);
		fd = -1;
	}
	freeaddrinfo(res);
	if (fd < 0)
		return pk_err_set(PK_ENET, "cannot connect to %s port %d", u->host, u->port);
	return fd;
}

static int send_all(int fd, const char *buf, size_t n, const struct timespec *deadline)
{
	while (n > 0) {
		ssize_t w = send(fd, buf, n, MSG_NOSIGNAL);
		if (w < 0) {
			if (errno == EINTR)
				continue;
			if ((errno == EAGAIN || errno == EWOULDBLOCK) &&
			    wait_fd(fd, POLLOUT, deadline) == 0)
				continue;
			return -1;
		}
		buf += w;
		n -= (size_t)w;
	}
	return 0;
}

void http_response_free(struct http_response *r)
{
	free(r->body);
	memset(r, 0, sizeof *r);
}

/* Split a received response into status, Content-Type and body. */
static int parse_response(char *buf, size_t n, struct http_response *r)
{
	char *hend = NULL, *line, *save = NULL;
	size_t i, hlen, clen = (size_t)-1;

	for (i = 0; i + 3 < n; i++)
		if (memcmp(buf + i, "\r\n\r\n", 4) == 0) {
			hend = buf + i;
			break;
		}
	if (!hend) {
		for (i = 0; i + 1 < n; i++)
			if (memcmp(buf + i, "\n\n", 2) == 0) {
				hend = buf + i;
				break;
			}
		if (!hend)
			return pk_err_set(PK_EPROTO, "malformed HTTP response");
		hlen = (size_t)(hend - buf) + 2;
	} else {
		hlen = (size_t)(hend - buf) + 4;
	}
	*hend = '\0';
	line = strtok_r(buf, "\r\n", &save);
	if (!line || sscanf(line, "HTTP/%*d.%*d %d", &r->status) != 1)
		return pk_err_set(PK_EPROTO, "malformed HTTP status line");
	while ((line = strtok_r(NULL, "\r\n", &save)) != NULL) {
		if (strncasecmp(line, "Content-Type:", 13) == 0) {
			char *v = line + 13;
			while (*v == ' ' || *v == '\t')
				v++;
			snprintf(r->ctype, sizeof r->ctype, "%s", v);
		} else if (strncasecmp(line, "Content-Length:", 15) == 0) {
			clen = (size_t)strtoul(line + 15, NULL, 10);
		}
	}
	if (clen != (size_t)-1 && clen < n - hlen)
		n = hlen + clen;
	r->len = n - hlen;
	r->body = malloc(r->len + 1);
	if (!r->body)
		return pk_err_set(PK_ENOMEM, "out of memory");
	memcpy(r->body, buf + hlen, r->len);
	r->body[r->len] = '\0';
	return 0;
}

int http_get(const struct http_url *u, const char *path_query, int timeout_s,
	     struct http_response *r)
{
	struct timespec deadline;
	char *req = NULL, *buf = NULL;
	size_t n = 0, cap = 0;
	int fd, rc, len;

	memset(r, 0, sizeof *r);
	clock_gettime(CLOCK_MONOTONIC, &deadline);
	deadline.tv_sec += timeout_s;
	fd = connect_to(u, &deadline);
	if (fd < 0)
		return fd;
	len = asprintf(&req, "GET %s HTTP/1.0\r\nUser-Agent: " USER_AGENT "\r\nHost: %s\r\n\r\n",
		       path_query, u->host);
	if (len < 0) {
		close(fd);
		return pk_err_set(PK_ENOMEM, "out of memory");
	}
	rc = send_all(fd, req, (size_t)len, &deadline);
	free(req);
	if (rc < 0) {
		close(fd);
		return pk_err_set(PK_ENET, "%s: send failed", u->host);
	}
	for (;;) {
		ssize_t got;
		if (n + 4096 > cap) {
			char *nb;
			cap = cap ? cap * 2 : 16384;
			if (cap > MAX_RESPONSE + 4096) {
				rc = pk_err_set(PK_EPROTO, "%s: response too large", u->host);
				goto out;
			}
			nb = realloc(buf, cap);
			if (!nb) {
				rc = pk_err_set(PK_ENOMEM, "out of memory");
				goto out;
			}
			buf = nb;
		}
		got = recv(fd, buf + n, cap - n - 1, 0);
		if (got > 0) {
			n += (size_t)got;
			continue;
		}
		if (got == 0)
			break;
		if (errno == EINTR)
			continue;
		if ((errno == EAGAIN || errno == EWOULDBLOCK) && wait_fd(fd, POLLIN, &deadline) == 0)
			continue;
		rc = pk_err_set(PK_ENET, "%s: no answer", u->host);
		goto out;
	}
	rc = n ? parse_response(buf, n, r) : pk_err_set(PK_ENET, "%s: connection closed", u->host);
out:
	free(buf);
	close(fd);
	if (rc < 0)
		http_response_free(r);
	return rc;
}

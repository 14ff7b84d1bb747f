/*
 * httpraw.c — test helper: raw HTTP exchanges with a server on loopback.
 *
 *   httpraw [-S SRC] [-t MS] HOST PORT
 *       Sends stdin byte for byte on one connection (\n is sent as is: write
 *       \r\n yourself), then prints everything the server sends until it
 *       closes the connection or MS milliseconds (default 3000) pass, and
 *       a last line "== closed after N ms" or "== still open after N ms".
 *
 *   httpraw -s N [-S SRC] [-t MS] HOST PORT
 *       Stalls: opens N connections; even ones send half a request line,
 *       odd ones a POST whose headers promise 4000 bytes and only 100
 *       follow; then it sends nothing more.  Prints "== N stalled" (and
 *       flushes) once all are open, then waits up to MS milliseconds
 *       (default 30000) for the server to close them and prints
 *       "== K of N closed by the server, the last after N ms".
 *
 *   -S SRC connects from the local address SRC (127.0.0.N), so that a
 *   test's stalled clients do not count against its real client's
 *   per-address connection limit.
 */
#include <getopt.h>

#include "tests/tools/tool.h"

static int stall(const struct turl *u, const char *src, int n, int timeout_ms)
{
	static const char half_line[] = "GET /cgi-bin/pkiclient.exe?operation=GetCA";
	static const char post_head[] = "POST /scep?operation=PKIOperation HTTP/1.1\r\n"
					"Host: 127.0.0.1\r\nContent-Length: 4000\r\n\r\n";
	char body[100];
	int *fd = calloc((size_t)n, sizeof *fd), i, open_n, closed = 0;
	long t0, last = 0;

	if (!fd)
		return 2;
	memset(body, 'x', sizeof body);
	for (i = 0; i < n; i++) {
		fd[i] = t_connect_from(u, src);
		if (fd[i] < 0) {
			fprintf(stderr, "httpraw: connection %d refused\n", i);
			return 1;
		}
		if (i % 2 == 0 ? t_send_all(fd[i], half_line, sizeof half_line - 1) < 0 :
		    t_send_all(fd[i], post_head, sizeof post_head - 1) < 0 ||
		    t_send_all(fd[i], body, sizeof body) < 0) {
			fprintf(stderr, "httpraw: send failed on connection %d\n", i);
			return 1;
		}
	}
	printf("== %d stalled\n", n);
	fflush(stdout);
	t0 = t_ms_now();
	open_n = n;
	while (open_n > 0 && t_ms_now() - t0 < timeout_ms) {
		struct pollfd *p = calloc((size_t)n, sizeof *p);
		int k = 0, r;
		if (!p)
			return 2;
		for (i = 0; i < n; i++)
			if (fd[i] >= 0) {
				p[k].fd = fd[i];
				p[k].events = POLLIN;
				k++;
			}
		r = poll(p, (nfds_t)k, 200);
		for (i = 0; r > 0 && i < k; i++) {
			char buf[4096];
			ssize_t got;
			int j;
			if (!(p[i].revents & (POLLIN | POLLHUP | POLLERR)))
				continue;
			got = recv(p[i].fd, buf, sizeof buf, MSG_DONTWAIT);
			if (got > 0)
				continue;          /* an error page before the close */
			if (got < 0 && (errno == EAGAIN || errno == EINTR))
				continue;
			for (j = 0; j < n; j++)
				if (fd[j] == p[i].fd) {
					close(fd[j]);
					fd[j] = -1;
				}
			open_n--;
			closed++;
			last = t_ms_now() - t0;
		}
		free(p);
	}
	printf("== %d of %d closed by the server, the last after %ld ms\n", closed, n, last);
	for (i = 0; i < n; i++)
		if (fd[i] >= 0)
			close(fd[i]);
	free(fd);
	return 0;
}

int main(int argc, char **argv)
{
	struct turl u;
	char url[128];
	unsigned char *in = NULL, *out = NULL;
	size_t n = 0, cap = 0, outlen = 0;
	int o, fd, rc, nstall = 0, timeout_ms = -1;
	const char *src = NULL;
	long t0;

	while ((o = getopt(argc, argv, "s:S:t:")) != -1) {
		switch (o) {
		case 's': nstall = atoi(optarg); break;
		case 'S': src = optarg; break;
		case 't': timeout_ms = atoi(optarg); break;
		default:
			fprintf(stderr, "usage: httpraw [-s N] [-S SRC] [-t MS] HOST PORT\n");
			return 2;
		}
	}
	if (optind != argc - 2) {
		fprintf(stderr, "usage: httpraw [-s N] [-S SRC] [-t MS] HOST PORT\n");
		return 2;
	}
	snprintf(url, sizeof url, "http://%s:%s/", argv[optind], argv[optind + 1]);
	if (t_url(url, &u) < 0) {
		fprintf(stderr, "httpraw: bad address\n");
		return 2;
	}
	if (nstall > 0)
		return stall(&u, src, nstall, timeout_ms < 0 ? 30000 : timeout_ms);
	for (;;) {
		size_t got;
		if (n + 4096 > cap) {
			unsigned char *nb;
			cap = cap ? cap * 2 : 65536;
			if (!(nb = realloc(in, cap)))
				return 2;
			in = nb;
		}
		got = fread(in + n, 1, cap - n, stdin);
		if (got == 0)
			break;
		n += got;
	}
	fd = t_connect_from(&u, src);
	if (fd < 0) {
		printf("== connection refused\n");
		free(in);
		return 1;
	}
	t0 = t_ms_now();
	if (n && t_send_all(fd, in, n) < 0) {
		printf("== send failed\n");
		close(fd);
		free(in);
		return 1;
	}
	rc = t_recv_all(fd, timeout_ms < 0 ? 3000 : timeout_ms, &out, &outlen);
	if (rc == -2) {
		fwrite(out, 1, outlen, stdout);
		printf("\n== still open after %ld ms\n", t_ms_now() - t0);
	} else if (rc == 0) {
		fwrite(out, 1, outlen, stdout);
		printf("\n== closed after %ld ms\n", t_ms_now() - t0);
	} else {
		printf("\n== error\n");
	}
	close(fd);
	free(in);
	free(out);
	return 0;
}

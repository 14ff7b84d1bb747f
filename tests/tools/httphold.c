/*
 * httphold.c — test and benchmark helper: holds many slow or stalled HTTP
 * connections to a server on loopback, as an attacker would.
 *
 *   httphold [options] HOST PORT
 *     -s N       slow connections: a request line, then headers that never
 *                end, one byte every -i MS
 *     -d N       dribbling bodies: a POST whose headers announce -B bytes,
 *                then one body byte every -i MS
 *     -b N       stalled bodies: a POST whose headers announce -B bytes, all
 *                but the last byte sent at once, then nothing
 *     -B BYTES   the announced body size (default 65536)
 *     -i MS      the slow and dribbling connections' interval (default 3000)
 *     -a ADDR    the first local address to connect from (default
 *                127.0.0.2; Linux routes all of 127.0.0.0/8 to lo)
 *     -n K       spread the connections over K addresses from ADDR up
 *                (connection j of each kind uses ADDR + j mod K)
 *     -r         reopen a connection the server closed (after 100 ms), so
 *                that the attack is held as long as the tool runs
 *     -t SEC     hold for SEC seconds (default 30); SIGTERM or SIGINT end
 *                it earlier
 *     -w         end as soon as the server closed every slow and dribbling
 *                connection (or -t passed)
 *
 * Prints "== ready" (flushed) once every connection was opened and sent
 * its first bytes, then "== settled slow=N dribble=N body=N" (the
 * connections of each kind still open) once no connection was closed by
 * the server for one second (at most ten seconds after ready): what the
 * server keeps at that point is what its limits let through.  At the end, one
 * key=value per line, for each kind K in slow, dribble, body: K (asked),
 * K_refused (connect failed), K_settled (open when settled), K_closed
 * (closed by the server, all told), K_open (open at the end), K_max_ms (the
 * longest a connection of that kind lived before the server closed it),
 * then reopened.  Exit status 0, 2 on usage errors.
 */
#include <fcntl.h>
#include <getopt.h>
#include <signal.h>
#include <sys/resource.h>

#include "tests/tools/tool.h"

enum { SLOW, DRIBBLE, BODY, NKIND };
static const char *kind_name[NKIND] = { "slow", "dribble", "body" };

struct hconn {
	int fd;                  /* -1: closed */
	int kind;
	int addr;                /* index from the first address */
	long opened, next_byte, reopen_at;
	size_t sent;             /* of the endless stream (slow) */
};

static struct {
	struct turl u;
	struct in_addr first;
	int naddr, interval, body, reopen;
	struct hconn *c;
	int n;
	long n_asked[NKIND], n_refused[NKIND], n_closed[NKIND], n_settled[NKIND], max_ms[NKIND];
	long reopened;
} G;

static volatile sig_atomic_t stop;

static void on_sig(int sig)
{
	(void)sig;
	stop = 1;
}

static void src_of(int addr, char *buf, size_t n)
{
	struct in_addr a;

	a.s_addr = htonl(ntohl(G.first.s_addr) + (uint32_t)addr);
	inet_ntop(AF_INET, &a, buf, (socklen_t)n);
}

/* the slow connections' endless request: a line, then one header after
 * another */
static char slow_byte(size_t i)
{
	static const char line[] = "GET /cgi-bin/pkiclient.exe?operation=GetCACaps HTTP/1.1\r\n"
				   "Host: 127.0.0.1\r\n";
	static const char hdr[] = "X-Slow: 0123456789\r\n";

	if (i < sizeof line - 1)
		return line[i];
	return hdr[(i - (sizeof line - 1)) % (sizeof hdr - 1)];
}

static int open_one(struct hconn *h, long now)
{
	char src[INET_ADDRSTRLEN], head[256];
	int hn;

	src_of(h->addr, src, sizeof src);
	h->fd = t_connect_from(&G.u, src);
	h->opened = now;
	h->sent = 0;
	h->next_byte = now + G.interval;
	if (h->fd < 0) {
		G.n_refused[h->kind]++;
		return -1;
	}
	hn = snprintf(head, sizeof head, "POST /cgi-bin/pkiclient.exe?operation=PKIOperation "
		      "HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/x-pki-message\r\n"
		      "Content-Length: %d\r\n\r\n", G.body);
	if (h->kind == SLOW) {
		char b = slow_byte(h->sent++);
		(void)!send(h->fd, &b, 1, MSG_NOSIGNAL);
	} else if (t_send_all(h->fd, head, (size_t)hn) < 0) {
		/* closed at once: seen by the poll loop */
	} else if (h->kind == BODY && G.body > 1) {
		char *body = malloc((size_t)G.body - 1);
		if (body) {
			memset(body, 'x', (size_t)G.body - 1);
			(void)t_send_all(h->fd, body, (size_t)G.body - 1);
			free(body);
		}
	}
	fcntl(h->fd, F_SETFL, fcntl(h->fd, F_GETFL) | O_NONBLOCK);
	return 0;
}

static void closed_by_server(struct hconn *h, long now)
{
	long lived = now - h->opened;

	close(h->fd);
	h->fd = -1;
	G.n_closed[h->kind]++;
	if (lived > G.max_ms[h->kind])
		G.max_ms[h->kind] = lived;
	h->reopen_at = G.reopen ? now + 100 : -1;
}

static int count_open(int kind)
{
	int i, k = 0;

	for (i = 0; i < G.n; i++)
		if (G.c[i].fd >= 0 && G.c[i].kind == kind)
			k++;
	return k;
}

/* One round: reads what the server sent (an error page, or its close),
 * sends the slow bytes due, reopens.  1 when the server closed one. */
static int round_trip(struct pollfd *p, long now)
{
	int i, r, any = 0;

	for (i = 0; i < G.n; i++) {
		p[i].fd = G.c[i].fd;
		p[i].events = POLLIN;
		p[i].revents = 0;
	}
	r = poll(p, (nfds_t)G.n, 100);
	now = t_ms_now();
	for (i = 0; r > 0 && i < G.n; i++) {
		char buf[4096];
		ssize_t got;
		if (G.c[i].fd < 0 || !(p[i].revents & (POLLIN | POLLHUP | POLLERR)))
			continue;
		while ((got = recv(G.c[i].fd, buf, sizeof buf, MSG_DONTWAIT)) > 0)
			;
		if (got == 0 || (errno != EAGAIN && errno != EINTR)) {
			closed_by_server(&G.c[i], now);
			any = 1;
		}
	}
	for (i = 0; i < G.n; i++) {
		struct hconn *h = &G.c[i];
		if (h->fd >= 0 && h->kind != BODY && now >= h->next_byte) {
			char b = h->kind == SLOW ? slow_byte(h->sent++) : 'x';
			(void)!send(h->fd, &b, 1, MSG_NOSIGNAL | MSG_DONTWAIT);
			h->next_byte = now + G.interval;
		} else if (h->fd < 0 && h->reopen_at >= 0 && now >= h->reopen_at) {
			h->reopen_at = -1;
			if (open_one(h, now) == 0)
				G.reopened++;
		}
	}
	return any;
}

static void usage(void)
{
	fprintf(stderr, "usage: httphold [-s N] [-d N] [-b N] [-B BYTES] [-i MS] [-a ADDR] [-n K] "
		"[-r] [-t SEC] [-w] HOST PORT\n");
	exit(2);
}

int main(int argc, char **argv)
{
	int o, i, kind, wait_all = 0, nk[NKIND] = { 0, 0, 0 }, j;
	long t_end, ready, last_close, settled = 0, now;
	const char *first = "127.0.0.2";
	char url[128];
	struct pollfd *p;
	struct rlimit rl;
	struct sigaction sa;
	int secs = 30;

	G.naddr = 1;
	G.interval = 3000;
	G.body = 65536;
	while ((o = getopt(argc, argv, "s:d:b:B:i:a:n:rt:w")) != -1) {
		switch (o) {
		case 's': nk[SLOW] = atoi(optarg); break;
		case 'd': nk[DRIBBLE] = atoi(optarg); break;
		case 'b': nk[BODY] = atoi(optarg); break;
		case 'B': G.body = atoi(optarg); break;
		case 'i': G.interval = atoi(optarg); break;
		case 'a': first = optarg; break;
		case 'n': G.naddr = atoi(optarg); break;
		case 'r': G.reopen = 1; break;
		case 't': secs = atoi(optarg); break;
		case 'w': wait_all = 1; break;
		default: usage();
		}
	}
	if (optind != argc - 2 || G.naddr < 1 || G.interval < 1 || G.body < 1 ||
	    inet_pton(AF_INET, first, &G.first) != 1)
		usage();
	snprintf(url, sizeof url, "http://%s:%s/", argv[optind], argv[optind + 1]);
	if (t_url(url, &G.u) < 0)
		usage();
	G.n = nk[SLOW] + nk[DRIBBLE] + nk[BODY];
	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < (rlim_t)G.n + 64) {
		rl.rlim_cur = rl.rlim_max < (rlim_t)G.n + 64 ? rl.rlim_max : (rlim_t)G.n + 64;
		setrlimit(RLIMIT_NOFILE, &rl);
	}
	G.c = calloc((size_t)G.n + 1, sizeof *G.c);
	p = calloc((size_t)G.n + 1, sizeof *p);
	if (!G.c || !p)
		return 2;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_sig;
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
	for (kind = 0, i = 0; kind < NKIND; kind++)
		for (j = 0; j < nk[kind]; j++, i++) {
			G.c[i].kind = kind;
			G.c[i].addr = j % G.naddr;
			G.c[i].reopen_at = -1;
			G.n_asked[kind]++;
			open_one(&G.c[i], t_ms_now());
		}
	printf("== ready\n");
	fflush(stdout);
	ready = last_close = t_ms_now();
	t_end = ready + secs * 1000L;
	while (!stop && (now = t_ms_now()) < t_end) {
		if (round_trip(p, now))
			last_close = t_ms_now();
		now = t_ms_now();
		if (!settled && (now - last_close >= 1000 || now - ready >= 10000)) {
			settled = now;
			for (kind = 0; kind < NKIND; kind++)
				G.n_settled[kind] = count_open(kind);
			printf("== settled slow=%ld dribble=%ld body=%ld\n", G.n_settled[SLOW],
			       G.n_settled[DRIBBLE], G.n_settled[BODY]);
			fflush(stdout);
		}
		if (wait_all && settled && count_open(SLOW) == 0 && count_open(DRIBBLE) == 0 &&
		    !G.reopen)
			break;
	}
	if (!settled)
		for (kind = 0; kind < NKIND; kind++)
			G.n_settled[kind] = count_open(kind);
	for (kind = 0; kind < NKIND; kind++) {
		const char *k = kind_name[kind];
		printf("%s=%ld\n%s_refused=%ld\n%s_settled=%ld\n%s_closed=%ld\n%s_open=%d\n"
		       "%s_max_ms=%ld\n", k, G.n_asked[kind], k, G.n_refused[kind], k,
		       G.n_settled[kind], k, G.n_closed[kind], k, count_open(kind), k,
		       G.max_ms[kind]);
	}
	printf("reopened=%ld\n", G.reopened);
	for (i = 0; i < G.n; i++)
		if (G.c[i].fd >= 0)
			close(G.c[i].fd);
	free(G.c);
	free(p);
	return 0;
}

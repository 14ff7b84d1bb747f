/*
 * vty.c — sessions on a running device over DIR/console.sock.
 *
 * The device listens on a Unix socket (mode 0600, owner only) and runs each
 * connection as its own session (own mode and prompt) in its own thread.
 * The client side (-c, -f, --attach, --stop) is a thin terminal: lines go
 * to the device, output, questions and the --More-- prompt come back.
 *
 * Each session takes a vty line: the lowest number free among the lines
 * that `line vty 0 N` makes (0-4 by default), named "vty0 (127.0.0.1)" in
 * log lines as IOS names a session by its line and address.  When every
 * line is busy the connection is refused (IOS refuses the telnet).
 *
 * Frames: type (1 byte), length (4 bytes, big-endian), payload.
 *   client → device  I init  [flags]            flags: 1 interactive, 2 echo, 4 privileged,
 *                                                      8 control (--stop: takes no line)
 *                    L line  [u32 lineno][name NUL][line]
 *                    H help  [line]             C complete [line]
 *                    F config replay [name NUL][text]
 *                    A answer [text]            K key [c]   (^C: 3, the output stops)
 *                    N no answer [why]          why: 'c' ^C cancelled it, 'e' end of input
 *                    P prompt?                  S stop the device
 *   device → client  O output [bytes]           Q question [hidden][text]
 *                    M --More--                 R completion [ok][text]
 *                    D done [status][prompt]    X session over [why, when refused]
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "cli/cli.h"
#include "cli/cli_int.h"
#include "cli/cmds.h"
#include "cli/console.h"
#include "cli/pkish.h"
#include "core/text.h"

/* A line of our input echoed as the device's output shows text: control
 * characters escaped (core/text.h). */
static void echo_visible(const char *s, size_t n)
{
	char buf[8192];

	pk_visible(buf, sizeof buf, s, n, PK_VIS_LINES);
	fputs(buf, stdout);
}

#define MAX_FRAME (8u << 20)

enum { VF_INTERACTIVE = 1, VF_ECHO = 2, VF_PRIV = 4, VF_CONTROL = 8 };

/* What a client sees when every vty line is busy. */
#define VTY_REFUSED "% Connection refused by remote host"
/* How long a new session waits for a line that a closing session frees. */
#define VTY_WAIT_MS 1000

/* ---- framing ------------------------------------------------------------------ */

static int write_all(int fd, const void *buf, size_t n)
{
	const char *p = buf;

	while (n > 0) {
		ssize_t w = send(fd, p, n, MSG_NOSIGNAL);
		if (w < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

static int read_all(int fd, void *buf, size_t n)
{
	char *p = buf;

	while (n > 0) {
		ssize_t r = read(fd, p, n);
		if (r < 0) {
			/* SIGTERM/SIGINT (timeout, ^C on a -c client) ends the wait */
			if (errno == EINTR && !pkish_stopping())
				continue;
			return -1;
		}
		if (r == 0)
			return -1;
		p += r;
		n -= (size_t)r;
	}
	return 0;
}

static int send_frame(int fd, char type, const void *a, size_t na, const void *b, size_t nb)
{
	unsigned char h[5];
	uint32_t len = (uint32_t)(na + nb);

	h[0] = (unsigned char)type;
	h[1] = (unsigned char)(len >> 24);
	h[2] = (unsigned char)(len >> 16);
	h[3] = (unsigned char)(len >> 8);
	h[4] = (unsigned char)len;
	if (write_all(fd, h, 5) < 0)
		return -1;
	if (na && write_all(fd, a, na) < 0)
		return -1;
	if (nb && write_all(fd, b, nb) < 0)
		return -1;
	return 0;
}

/* Read one frame; *data is malloc'd and NUL-terminated. */
static int recv_frame(int fd, char *type, char **data, size_t *len)
{
	unsigned char h[5];
	uint32_t n;
	char *d;

	*data = NULL;
	if (read_all(fd, h, 5) < 0)
		return -1;
	n = (uint32_t)h[1] << 24 | (uint32_t)h[2] << 16 | (uint32_t)h[3] << 8 | h[4];
	if (n > MAX_FRAME)
		return -1;
	d = malloc((size_t)n + 1);
	if (!d)
		return -1;
	if (n && read_all(fd, d, n) < 0) {
		free(d);
		return -1;
	}
	d[n] = '\0';
	*type = (char)h[0];
	*data = d;
	*len = n;
	return 0;
}

/* ---- device side ------------------------------------------------------------- */

struct conn {
	struct conn *next;
	int fd;
	int wake[2];
	pthread_t th;
	pk_device *dev;
	cli_sess *s;
	int dead;          /* the connection failed: stop writing */
	int finished;      /* the thread is done; join it */
	int num;           /* its vty line, -1 while it has none */
};

static pthread_mutex_t conns_mu = PTHREAD_MUTEX_INITIALIZER;
static struct conn *conns;
static int listen_fd = -1;
static pthread_t accept_th;
static int accepting;
static volatile int stop_requested;
static pk_device *vty_dev;

int vty_stop_requested(void)
{
	return stop_requested;
}

static void c_write(void *arg, const char *buf, size_t n)
{
	struct conn *c = arg;

	if (!c->dead && send_frame(c->fd, 'O', buf, n, NULL, 0) < 0)
		c->dead = 1;
}

/* Wait for one frame of the expected type, or of the second one (0: none);
 * returns the type. */
static int await(struct conn *c, char want, char or_else, char **data, size_t *len)
{
	char t;

	while (!c->dead) {
		if (recv_frame(c->fd, &t, data, len) < 0) {
			c->dead = 1;
			return -1;
		}
		if (t == want || (or_else && t == or_else))
			return t;
		free(*data);
		*data = NULL;
	}
	return -1;
}

static int c_ask(void *arg, const char *q, int hidden, char *buf, size_t n)
{
	struct conn *c = arg;
	unsigned char h = hidden ? 1 : 0;
	char *ans;
	size_t len;
	int t;

	buf[0] = '\0';
	if (c->dead || send_frame(c->fd, 'Q', &h, 1, q, strlen(q)) < 0) {
		c->dead = 1;
		return -1;
	}
	if ((t = await(c, 'A', 'N', &ans, &len)) < 0)
		return -1;
	if (t == 'N') {
		/* no answer: cancelled with ^C, or the client's input ended */
		int why = len > 0 ? ans[0] : 'e';
		free(ans);
		return why == 'c' ? CLI_INTR : -1;
	}
	snprintf(buf, n, "%s", ans);
	free(ans);
	return 0;
}

static int c_more(void *arg)
{
	struct conn *c = arg;
	char *k;
	size_t len;
	int key;

	if (c->dead || send_frame(c->fd, 'M', NULL, 0, NULL, 0) < 0) {
		c->dead = 1;
		return 'q';
	}
	if (await(c, 'K', 0, &k, &len) < 0)
		return 'q';
	key = len ? k[0] : 'q';
	free(k);
	return key;
}

static void c_wake(void *arg)
{
	struct conn *c = arg;
	char b = 1;

	(void)!write(c->wake[1], &b, 1);
}

static void c_drop(void *arg)
{
	struct conn *c = arg;

	shutdown(c->fd, SHUT_RDWR);
}

static const struct cli_io vty_io = {
	.write = c_write, .ask = c_ask, .more = c_more, .wake = c_wake, .drop = c_drop,
};

static void send_done(struct conn *c, int status)
{
	unsigned char st = status ? 1 : 0;
	const char *p = cli_prompt(c->s);

	if (!c->dead && send_frame(c->fd, 'D', &st, 1, p, strlen(p)) < 0)
		c->dead = 1;
}

/* The lowest vty line that no live session holds, or -1 when every line
 * of `line vty` is busy. */
static int free_line(struct conn *c)
{
	int lines, n, num = -1;

	pk_device_lock(c->dev);
	lines = cli_vty_lines();
	pk_device_unlock(c->dev);
	pthread_mutex_lock(&conns_mu);
	for (n = 0; n < lines && num < 0; n++) {
		struct conn *o;
		for (o = conns; o; o = o->next)
			if (o != c && !o->finished && o->num == n)
				break;
		if (!o)
			num = n;
	}
	c->num = num;
	pthread_mutex_unlock(&conns_mu);
	return num;
}

/* A line for this connection; a session that is closing right now (its
 * client gone, its thread not yet done) frees its line within moments. */
static int take_line(struct conn *c)
{
	int waited;

	for (waited = 0; free_line(c) < 0; waited += 10) {
		struct timespec ts = { 0, 10 * 1000000L };
		if (waited >= VTY_WAIT_MS || pkish_stopping())
			return -1;
		nanosleep(&ts, NULL);
	}
	return c->num;
}

/* Every line is busy: say so, then wait (briefly) for the client to hang up,
 * so that what it already sent never meets a closed socket. */
static void refuse(struct conn *c)
{
	int i;

	if (send_frame(c->fd, 'X', VTY_REFUSED, strlen(VTY_REFUSED), NULL, 0) < 0)
		return;
	shutdown(c->fd, SHUT_WR);
	for (i = 0; i < 100; i++) {
		struct pollfd p = { c->fd, POLLIN, 0 };
		char junk[512];
		if (poll(&p, 1, 20) > 0 && read(c->fd, junk, sizeof junk) <= 0)
			return;
	}
}

static void serve(struct conn *c)
{
	char t, *d = NULL, name[32];
	size_t len;
	unsigned flags;

	if (recv_frame(c->fd, &t, &d, &len) < 0 || t != 'I' || len < 1) {
		free(d);
		return;
	}
	flags = (unsigned char)d[0];
	free(d);
	if (flags & VF_CONTROL) {
		snprintf(name, sizeof name, "vty (control)");
	} else if (take_line(c) < 0) {
		refuse(c);
		c->dead = 1;
		return;
	} else {
		snprintf(name, sizeof name, "vty%d (127.0.0.1)", c->num);
	}
	c->s = cli_sess_new(c->dev, &vty_io, c, name,
			    ((flags & VF_INTERACTIVE) ? CLI_S_INTERACTIVE : 0) |
			    ((flags & VF_ECHO) ? CLI_S_ECHO : 0));
	if (!c->s)
		return;
	cli_set_term_len(c->s, cli_line_length(1));
	if (flags & VF_PRIV)
		cli_set_priv(c->s, 1);
	while (!c->dead && !cli_done(c->s)) {
		struct pollfd p[2] = { { c->fd, POLLIN, 0 }, { c->wake[0], POLLIN, 0 } };
		if (poll(p, 2, -1) < 0) {
			if (errno == EINTR)
				continue;
			break;
		}
		if (p[1].revents & POLLIN) {
			char junk[64];
			while (read(c->wake[0], junk, sizeof junk) > 0)
				;
			cli_flush_async(c->s);
		}
		if (!(p[0].revents & (POLLIN | POLLHUP | POLLERR)))
			continue;
		if (recv_frame(c->fd, &t, &d, &len) < 0)
			break;
		switch (t) {
		case 'L': {
			uint32_t lineno;
			const char *nm, *line;
			int rc;
			if (len < 5) {
				c->dead = 1;
				break;
			}
			lineno = (uint32_t)(unsigned char)d[0] << 24 | (uint32_t)(unsigned char)d[1] << 16 |
				 (uint32_t)(unsigned char)d[2] << 8 | (unsigned char)d[3];
			nm = d + 4;
			line = nm + strnlen(nm, len - 4);
			if (line < d + len)
				line++;
			if (lineno && *nm)
				cli_set_replay(c->s, nm, (int)lineno);
			rc = cli_exec(c->s, line);
			cli_set_replay(c->s, NULL, 0);
			cli_flush_async(c->s);
			send_done(c, rc);
			break;
		}
		case 'H':
			cli_help(c->s, d);
			send_done(c, 0);
			break;
		case 'C': {
			char *add = cli_complete(c->s, d);
			unsigned char ok = add ? 1 : 0;
			if (send_frame(c->fd, 'R', &ok, 1, add ? add : "", add ? strlen(add) : 0) < 0)
				c->dead = 1;
			free(add);
			break;
		}
		case 'F': {
			const char *nm = d, *text = d + strnlen(d, len);
			int failed;
			if (text < d + len)
				text++;
			failed = cli_replay_config(c->s, nm, text);
			cli_flush_async(c->s);
			send_done(c, failed);
			break;
		}
		case 'P':
			send_done(c, 0);
			break;
		case 'S':
			stop_requested = 1;
			send_done(c, 0);
			pkish_request_stop();
			break;
		default:
			c->dead = 1;
		}
		free(d);
		d = NULL;
	}
	if (!c->dead)
		send_frame(c->fd, 'X', NULL, 0, NULL, 0);
}

static void *conn_main(void *arg)
{
	struct conn *c = arg;

	serve(c);
	pthread_mutex_lock(&conns_mu);
	cli_sess_free(c->s);
	c->s = NULL;
	c->finished = 1;
	pthread_mutex_unlock(&conns_mu);
	shutdown(c->fd, SHUT_RDWR);
	return NULL;
}

/* Join and free finished connections (called by the accept thread). */
static void reap(int all)
{
	struct conn **pp, *c;

	for (;;) {
		struct conn *done = NULL;
		pthread_mutex_lock(&conns_mu);
		for (pp = &conns; (c = *pp); pp = &c->next) {
			if (c->finished || all) {
				*pp = c->next;
				done = c;
				break;
			}
		}
		pthread_mutex_unlock(&conns_mu);
		if (!done)
			return;
		if (all && !done->finished)
			shutdown(done->fd, SHUT_RDWR);
		pthread_join(done->th, NULL);
		close(done->fd);
		close(done->wake[0]);
		close(done->wake[1]);
		free(done);
	}
}

static void *accept_main(void *arg)
{
	(void)arg;
	while (accepting) {
		int fd = accept4(listen_fd, NULL, NULL, SOCK_CLOEXEC);
		struct conn *c;

		reap(0);
		if (fd < 0) {
			if (errno == EINTR || errno == ECONNABORTED)
				continue;
			if (!accepting)
				break;
			struct timespec ts = { 0, 10 * 1000000L };
			nanosleep(&ts, NULL);
			continue;
		}
		c = calloc(1, sizeof *c);
		if (!c || pipe2(c->wake, O_CLOEXEC | O_NONBLOCK) < 0) {
			free(c);
			close(fd);
			continue;
		}
		c->fd = fd;
		c->dev = vty_dev;
		c->num = -1;
		pthread_mutex_lock(&conns_mu);
		c->next = conns;
		conns = c;
		if (pthread_create(&c->th, NULL, conn_main, c) != 0) {
			conns = c->next;
			pthread_mutex_unlock(&conns_mu);
			close(fd);
			close(c->wake[0]);
			close(c->wake[1]);
			free(c);
			continue;
		}
		pthread_mutex_unlock(&conns_mu);
	}
	return NULL;
}

int vty_listen(pk_device *dev, const char *sockpath)
{
	struct sockaddr_un sa;
	mode_t old;

	if (strlen(sockpath) >= sizeof sa.sun_path)
		return pk_err_set(PK_EINVAL, "socket path too long (use a shorter device directory)");
	memset(&sa, 0, sizeof sa);
	sa.sun_family = AF_UNIX;
	strcpy(sa.sun_path, sockpath);
	listen_fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (listen_fd < 0)
		return pk_err_set(PK_EIO, "socket: %s", strerror(errno));
	old = umask(0077);
	if (bind(listen_fd, (struct sockaddr *)&sa, sizeof sa) < 0) {
		int e = errno;
		umask(old);
		close(listen_fd);
		listen_fd = -1;
		return pk_err_set(PK_EIO, "bind: %s", strerror(e));
	}
	umask(old);
	chmod(sockpath, 0600);
	if (listen(listen_fd, 16) < 0) {
		close(listen_fd);
		listen_fd = -1;
		return pk_err_set(PK_EIO, "listen: %s", strerror(errno));
	}
	vty_dev = dev;
	accepting = 1;
	if (pthread_create(&accept_th, NULL, accept_main, NULL) != 0) {
		accepting = 0;
		close(listen_fd);
		listen_fd = -1;
		return pk_err_set(PK_ENOMEM, "cannot start the vty thread");
	}
	return 0;
}

void vty_shutdown(void)
{
	if (listen_fd < 0)
		return;
	accepting = 0;
	shutdown(listen_fd, SHUT_RDWR);
	pthread_join(accept_th, NULL);
	close(listen_fd);
	listen_fd = -1;
	reap(1);
}

/* ---- client side ------------------------------------------------------------- */

int vty_connect(const char *sockpath)
{
	struct sockaddr_un sa;
	int fd;

	if (strlen(sockpath) >= sizeof sa.sun_path)
		return -1;
	memset(&sa, 0, sizeof sa);
	sa.sun_family = AF_UNIX;
	strcpy(sa.sun_path, sockpath);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -1;
	if (connect(fd, (struct sockaddr *)&sa, sizeof sa) < 0) {
		close(fd);
		return -1;
	}
	return fd;
}

static int send_init(int fd, unsigned flags)
{
	unsigned char f = (unsigned char)flags;
	return send_frame(fd, 'I', &f, 1, NULL, 0);
}

static int send_line(int fd, uint32_t lineno, const char *name, const char *line)
{
	char hdr[4 + 256];
	size_t nl = name ? strlen(name) : 0;

	if (nl > 250)
		nl = 250;
	hdr[0] = (char)(lineno >> 24);
	hdr[1] = (char)(lineno >> 16);
	hdr[2] = (char)(lineno >> 8);
	hdr[3] = (char)lineno;
	if (nl)
		memcpy(hdr + 4, name, nl);
	hdr[4 + nl] = '\0';
	return send_frame(fd, 'L', hdr, 5 + nl, line, strlen(line));
}

/* Where a non-interactive client's answers come from. */
struct answers {
	FILE *in;
	int echo;
	int *lineno;
};

/* Process frames until 'D' (returns its status) or the end (-1).  Output
 * goes to stdout; questions are answered from `ans`. */
static int run_until_done(int fd, struct answers *ans, char *prompt, size_t plen)
{
	for (;;) {
		char t, *d;
		size_t len;

		if (recv_frame(fd, &t, &d, &len) < 0)
			return -1;
		switch (t) {
		case 'O':
			fwrite(d, 1, len, stdout);
			break;
		case 'Q': {
			char *line = NULL;
			size_t cap = 0;
			ssize_t n;
			int hidden = len > 0 && d[0];
			fputs(len > 0 ? d + 1 : "", stdout);
			fflush(stdout);
			n = ans && ans->in ? getline(&line, &cap, ans->in) : -1;
			if (n < 0) {
				fputc('\n', stdout);
				send_frame(fd, 'A', "", 0, NULL, 0);
			} else {
				while (n > 0 && (line[n - 1] == '\n' || line[n - 1] == '\r'))
					line[--n] = '\0';
				if (ans->lineno)
					(*ans->lineno)++;
				if (ans->echo && !hidden)
					echo_visible(line, (size_t)n);
				fputc('\n', stdout);
				send_frame(fd, 'A', line, (size_t)n, NULL, 0);
			}
			free(line);
			fflush(stdout);
			break;
		}
		case 'M':
			send_frame(fd, 'K', " ", 1, NULL, 0);
			break;
		case 'D': {
			int st = len > 0 && d[0];
			if (prompt && plen)
				snprintf(prompt, plen, "%s", len > 1 ? d + 1 : "");
			free(d);
			fflush(stdout);
			return st;
		}
		case 'X':
			/* refused (every vty line busy): the reason, once */
			if (len > 0)
				fprintf(stderr, "%s\n", d);
			free(d);
			return len > 0 ? -2 : -1;
		}
		free(d);
	}
}

int vty_client_commands(int fd, char **lines, int n, int echo)
{
	struct answers ans = { stdin, echo, NULL };
	int i, failed = 0;

	if (send_init(fd, VF_PRIV | (echo ? VF_ECHO : 0)) < 0)
		return -1;
	for (i = 0; i < n; i++) {
		int st;
		if (send_line(fd, 0, NULL, lines[i]) < 0)
			return 1;
		st = run_until_done(fd, &ans, NULL, 0);
		if (st < 0) {
			if (st == -1)
				fprintf(stderr, "%% Connection to the device closed\n");
			return 1;
		}
		failed |= st;
	}
	return failed ? 1 : 0;
}

int vty_client_file(int fd, FILE *in, const char *name, int echo, int config)
{
	int lineno = 0, failed = 0, st;
	struct answers ans = { in, echo, &lineno };

	if (send_init(fd, VF_PRIV | (echo ? VF_ECHO : 0)) < 0)
		return -1;
	if (config) {
		char *text = NULL;
		size_t cap = 0;
		ssize_t n = getdelim(&text, &cap, '\0', in);
		if (n < 0)
			n = 0;
		if (send_frame(fd, 'F', name, strlen(name) + 1, text ? text : "", (size_t)n) < 0) {
			free(text);
			return 1;
		}
		free(text);
		st = run_until_done(fd, &ans, NULL, 0);
		return st != 0 ? 1 : 0;
	}
	for (;;) {
		char *line = NULL;
		size_t cap = 0;
		ssize_t n = getline(&line, &cap, in);
		if (n < 0) {
			free(line);
			break;
		}
		lineno++;
		while (n > 0 && (line[n - 1] == '\n' || line[n - 1] == '\r'))
			line[--n] = '\0';
		if (send_line(fd, (uint32_t)lineno, name, line) < 0) {
			free(line);
			return 1;
		}
		free(line);
		st = run_until_done(fd, &ans, NULL, 0);
		if (st < 0)
			return 1;
		failed |= st;
	}
	return failed ? 1 : 0;
}

int vty_client_stop(int fd)
{
	char t, *d;
	size_t len;
	int i;

	/* a control connection: it stops the device even when every vty
	 * line is busy */
	if (send_init(fd, VF_PRIV | VF_CONTROL) < 0 || send_frame(fd, 'S', NULL, 0, NULL, 0) < 0)
		return 1;
	/* Wait until the device closes the connection: it has stopped. */
	for (i = 0; i < 1000; i++) {
		if (recv_frame(fd, &t, &d, &len) < 0)
			return 0;
		free(d);
	}
	return 0;
}

/* ---- --attach: the terminal drives a remote session -------------------------------- */

struct remote {
	int fd;
	int done;
	char prompt[256];
};

static const char *r_prompt(void *arg)
{
	struct remote *r = arg;
	return r->prompt;
}

/* Frames while a request is outstanding, with the user at the terminal. */
static int r_until_done(struct remote *r)
{
	for (;;) {
		char t, *d;
		size_t len;

		if (recv_frame(r->fd, &t, &d, &len) < 0) {
			r->done = 1;
			return -1;
		}
		switch (t) {
		case 'O':
			term_write(d, len);
			break;
		case 'Q': {
			char buf[1024];
			int rc = term_ask(len > 0 ? d + 1 : "", len > 0 && d[0], buf, sizeof buf);
			/* ^C or ^D: no answer at all (an empty one would confirm
			 * a [confirm]); the command does what it does at the end
			 * of input and the session goes on */
			if (rc < 0)
				send_frame(r->fd, 'N', rc == TERM_INTR ? "c" : "e", 1, NULL, 0);
			else
				send_frame(r->fd, 'A', buf, strlen(buf), NULL, 0);
			explicit_bzero(buf, sizeof buf);
			break;
		}
		case 'M': {
			char k = (char)term_more();
			send_frame(r->fd, 'K', &k, 1, NULL, 0);
			break;
		}
		case 'D':
			snprintf(r->prompt, sizeof r->prompt, "%s", len > 1 ? d + 1 : "");
			free(d);
			return 0;
		case 'X':
			r->done = 1;
			if (len > 0)
				fprintf(stderr, "%s\n", d);
			free(d);
			return -1;
		}
		free(d);
	}
}

static void r_exec(void *arg, const char *line)
{
	struct remote *r = arg;
	char buf[4096];
	size_t n = strlen(line);

	if (n >= sizeof buf)
		n = sizeof buf - 1;
	memcpy(buf, line, n);
	buf[n] = '\0';
	while (n > 0 && (buf[n - 1] == '\n' || buf[n - 1] == '\r'))
		buf[--n] = '\0';
	if (send_line(r->fd, 0, NULL, buf) < 0) {
		r->done = 1;
		return;
	}
	r_until_done(r);
}

static void r_help(void *arg, const char *line)
{
	struct remote *r = arg;

	if (send_frame(r->fd, 'H', line, strlen(line), NULL, 0) < 0) {
		r->done = 1;
		return;
	}
	r_until_done(r);
}

static char *r_complete(void *arg, const char *line)
{
	struct remote *r = arg;
	char t, *d, *out = NULL;
	size_t len;

	if (send_frame(r->fd, 'C', line, strlen(line), NULL, 0) < 0)
		return NULL;
	while (recv_frame(r->fd, &t, &d, &len) == 0) {
		if (t == 'R') {
			if (len >= 1 && d[0])
				out = strdup(d + 1);
			free(d);
			return out;
		}
		if (t == 'O')
			term_write(d, len);
		free(d);
	}
	r->done = 1;
	return NULL;
}

static int r_done(void *arg)
{
	struct remote *r = arg;
	return r->done || pkish_stopping();
}

static int r_async_fd(void *arg)
{
	struct remote *r = arg;
	return r->fd;
}

/* Monitor output between commands. */
static void r_async(void *arg)
{
	struct remote *r = arg;
	struct pollfd p = { r->fd, POLLIN, 0 };

	while (!r->done && poll(&p, 1, 0) > 0) {
		char t, *d;
		size_t len;
		if (recv_frame(r->fd, &t, &d, &len) < 0) {
			r->done = 1;
			break;
		}
		if (t == 'O')
			term_write(d, len);
		else if (t == 'X')
			r->done = 1;
		free(d);
	}
}

/* ^C while a command runs on the device: nothing (as on the console); at
 * a question or --More-- the terminal reads it as a key. */
static void on_interrupt(int sig)
{
	(void)sig;
}

int vty_client_attach(int fd)
{
	struct remote r;
	struct term_backend be = {
		.prompt = r_prompt, .exec = r_exec, .help = r_help, .complete = r_complete,
		.done = r_done, .async_fd = r_async_fd, .async = r_async, .arg = &r,
	};

	memset(&r, 0, sizeof r);
	r.fd = fd;
	if (send_init(fd, VF_INTERACTIVE) < 0 || send_frame(fd, 'P', NULL, 0, NULL, 0) < 0)
		return 1;
	if (r_until_done(&r) < 0)
		return 1;
	if (!isatty(STDIN_FILENO)) {
		/* Not a terminal: behave like a batch client with echo. */
		struct answers ans = { stdin, 1, NULL };
		char *line = NULL;
		size_t cap = 0;
		ssize_t n;
		while (!r.done && (n = getline(&line, &cap, stdin)) >= 0) {
			while (n > 0 && (line[n - 1] == '\n' || line[n - 1] == '\r'))
				line[--n] = '\0';
			fputs(r.prompt, stdout);
			echo_visible(line, (size_t)n);
			fputc('\n', stdout);
			if (send_line(fd, 0, NULL, line) < 0 ||
			    run_until_done(fd, &ans, r.prompt, sizeof r.prompt) < 0)
				break;
		}
		free(line);
		return 0;
	}
	{
		struct sigaction sa;
		memset(&sa, 0, sizeof sa);
		sa.sa_handler = on_interrupt;
		sigemptyset(&sa.sa_mask);
		sigaction(SIGINT, &sa, NULL);
	}
	term_run(&be);
	return 0;
}

/*
 * http_server.c — the HTTP listener: libmicrohttpd, the bounds that keep
 * it serving under slow or stalled clients, and the hand-over of each
 * request to the request path (http_route.c) and the SCEP operations
 * (server.c).  docs/scep.md §8 "Listener" and "Limits".
 *
 * libmicrohttpd runs a small thread pool (one thread per core, epoll): a
 * connection costs a socket and its buffer, never a thread.  Bounds:
 *
 *   where     127.0.0.1 unless `pkish --http-bind ADDR` says otherwise;
 *   how many  CONN_LIMIT connections at once (fewer when the process may
 *             not open that many files), CONN_PER_ADDR from one address
 *             (libmicrohttpd closes the next one at once);
 *   how long  CONN_IDLE seconds without a byte (libmicrohttpd), and
 *             REQ_TIME seconds to receive a whole request, counted from
 *             the connection's opening or from the previous answer on it:
 *             a byte now and then does not keep a connection (the reaper
 *             thread below closes it);
 *   memory    CONN_MEMORY per connection for the request line and headers
 *             (libmicrohttpd's pool, touched only as far as the client
 *             sent), and HELD_BUDGET in all for what unfinished requests
 *             hold here (query copies, bodies): a request that needs more
 *             first closes the unfinished requests that have been arriving
 *             longest (at least EVICT_AGE_MS), else it gets 503.
 *
 * The query string is not left to libmicrohttpd: 0.9.75 parses every
 * parameter into the connection's pool before the request reaches us, and
 * with a few thousand of them the pool runs out and the request is never
 * answered.  uri_seen() copies the raw query and ends it for
 * libmicrohttpd; http_route.c parses the copy (at most HTTP_MAX_ARGS).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "core/pk.h"
#include "scep/http_route.h"
#include "scep/scep.h"
#include "scep/server_int.h"

#define CONN_IDLE      10                 /* seconds without a byte */
#define REQ_TIME       15                 /* seconds to receive a request */
/* libmicrohttpd's, per connection: the longest query and its headers fit,
 * so that a request just over HTTP_MAX_QUERY or SCEP's bound is read whole
 * and answered 414 (answering before its end and closing makes the
 * kernel reset the connection, and the client loses the answer) */
#define CONN_MEMORY    (128 * 1024)
#define CONN_LIMIT     4096               /* connections at once */
#define CONN_PER_ADDR  32                 /* from one client address */
#define HELD_BUDGET    (16u * 1024 * 1024)   /* held by unfinished requests */
#define EVICT_AGE_MS   1000               /* only older ones are closed for memory */
#define FD_RESERVE     256                /* files kept for everything else */

_Static_assert(HTTP_MAX_QUERY + 8 * 1024 <= CONN_MEMORY,
	       "the request line with the longest query fits the connection's memory");

/* ---- connections ------------------------------------------------------------------------
 * One slot per open connection (libmicrohttpd's socket context), from
 * NOTIFY_CONNECTION STARTED to CLOSED.  libmicrohttpd calls CLOSED before
 * it closes the socket, and both run under L.mu here, so a socket found in
 * a slot is still open when the reaper shuts it down. */
struct conn {
	int used;
	int fd;
	int receiving;           /* a request is arriving (or awaited) */
	long t0;                 /* ms: since when */
	size_t held;             /* charged to HELD_BUDGET by its request */
	int cut;                 /* shut down by us: nothing more is processed */
	char addr[INET_ADDRSTRLEN];
	int next_free;           /* slot index + 1, 0 = end */
};

static struct {
	pthread_mutex_t mu;
	pthread_cond_t cv;
	struct conn *slot;
	unsigned nslots;
	int free_head;
	unsigned open;
	size_t held;
	unsigned long cut_time, cut_memory, refused_memory;
	pthread_t reaper;
	int reaper_on, stop;
} L = { .mu = PTHREAD_MUTEX_INITIALIZER };

static struct MHD_Daemon *daemon_;
static int http_port;
static unsigned conn_limit;
static char http_bind_addr[64];
static struct http_ops ops;

static long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Shuts c down (L.mu held): its worker sees the connection closed, frees
 * what it holds and calls CLOSED; what it held leaves the budget now. */
static void cut(struct conn *c, const char *why)
{
	shutdown(c->fd, SHUT_RDWR);
	L.held -= c->held;
	c->held = 0;
	c->cut = 1;
	pk_debug(PK_DBG_HTTP, "HTTP: unfinished request from %s closed: %s", c->addr, why);
}

static void conn_notify(void *cls, struct MHD_Connection *mc, void **socket_context,
			enum MHD_ConnectionNotificationCode code)
{
	struct conn *c;

	(void)cls;
	pthread_mutex_lock(&L.mu);
	if (code == MHD_CONNECTION_NOTIFY_STARTED) {
		const union MHD_ConnectionInfo *fi =
			MHD_get_connection_info(mc, MHD_CONNECTION_INFO_CONNECTION_FD);
		const union MHD_ConnectionInfo *ai =
			MHD_get_connection_info(mc, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
		*socket_context = NULL;
		if (L.free_head && fi) {
			c = &L.slot[L.free_head - 1];
			L.free_head = c->next_free;
			memset(c, 0, sizeof *c);
			c->used = 1;
			c->fd = fi->connect_fd;
			c->receiving = 1;
			c->t0 = now_ms();
			snprintf(c->addr, sizeof c->addr, "?");
			if (ai && ai->client_addr && ai->client_addr->sa_family == AF_INET)
				inet_ntop(AF_INET,
					  &((const struct sockaddr_in *)ai->client_addr)->sin_addr,
					  c->addr, sizeof c->addr);
			*socket_context = c;
			L.open++;
		}
	} else if ((c = *socket_context) != NULL) {
		L.held -= c->held;
		c->used = 0;
		c->held = 0;
		c->next_free = L.free_head;
		L.free_head = (int)(c - L.slot) + 1;
		L.open--;
		*socket_context = NULL;
	}
	pthread_mutex_unlock(&L.mu);
}

static struct conn *conn_of(struct MHD_Connection *mc)
{
	const union MHD_ConnectionInfo *ci =
		MHD_get_connection_info(mc, MHD_CONNECTION_INFO_SOCKET_CONTEXT);

	return ci ? ci->socket_context : NULL;
}

/* n more bytes for c's request: 0, or -1 when HELD_BUDGET cannot take
 * them even after closing the unfinished requests that have been arriving
 * longest (and at least EVICT_AGE_MS). */
static int charge(struct conn *c, size_t n)
{
	long now = now_ms();
	int rc = 0;

	if (!c)
		return -1;
	pthread_mutex_lock(&L.mu);
	while (!c->cut && L.held + n > HELD_BUDGET) {
		struct conn *v = NULL;
		unsigned i;
		for (i = 0; i < L.nslots; i++) {
			struct conn *s = &L.slot[i];
			if (s->used && s != c && !s->cut && s->receiving && s->held &&
			    now - s->t0 >= EVICT_AGE_MS && (!v || s->t0 < v->t0))
				v = s;
		}
		if (!v)
			break;
		cut(v, "memory for unfinished requests is full");
		L.cut_memory++;
	}
	if (c->cut || L.held + n > HELD_BUDGET) {
		if (!c->cut)
			L.refused_memory++;
		rc = -1;
	} else {
		c->held += n;
		L.held += n;
	}
	pthread_mutex_unlock(&L.mu);
	return rc;
}

static void set_receiving(struct conn *c, int on)
{
	if (!c)
		return;
	pthread_mutex_lock(&L.mu);
	c->receiving = on;
	c->t0 = now_ms();
	pthread_mutex_unlock(&L.mu);
}

/* Releases what c's finished request held (its memory is freed now). */
static void release(struct conn *c)
{
	if (!c)
		return;
	pthread_mutex_lock(&L.mu);
	L.held -= c->held;
	c->held = 0;
	c->receiving = 1;        /* the next request on the connection */
	c->t0 = now_ms();
	pthread_mutex_unlock(&L.mu);
}

/* The reaper: every half second, requests not received within REQ_TIME. */
static void *reaper(void *arg)
{
	struct timespec ts;

	(void)arg;
	pthread_mutex_lock(&L.mu);
	while (!L.stop) {
		long now = now_ms();
		unsigned i;
		for (i = 0; i < L.nslots; i++) {
			struct conn *c = &L.slot[i];
			if (c->used && !c->cut && c->receiving && now - c->t0 > REQ_TIME * 1000L) {
				cut(c, "not received within the request time-out");
				L.cut_time++;
			}
		}
		clock_gettime(CLOCK_MONOTONIC, &ts);
		ts.tv_nsec += 500 * 1000000L;
		if (ts.tv_nsec >= 1000000000L) {
			ts.tv_sec++;
			ts.tv_nsec -= 1000000000L;
		}
		pthread_cond_timedwait(&L.cv, &L.mu, &ts);
	}
	pthread_mutex_unlock(&L.mu);
	return NULL;
}

/* ---- requests ---------------------------------------------------------------------------- */

struct req_state {
	struct conn *conn;
	int started;             /* http_route_begin ran */
	int refused;             /* no memory for the query: 503 */
	char *query;
	unsigned char *body;
	size_t len, cap;
	size_t reserved;         /* charged at the headers, not allocated yet */
	int too_big;
	struct http_request r;
};

/* libmicrohttpd's URI log callback: the request line is in, nothing of it
 * parsed yet.  The raw query is copied here and ended for libmicrohttpd
 * (its parser would fill the connection's pool with the parameters: see
 * the top of the file); uri points into its read buffer, where the query
 * begins after the first '?', as in MHD's own search for it. */
static void *uri_seen(void *cls, const char *uri, struct MHD_Connection *mc)
{
	struct req_state *st = calloc(1, sizeof *st);
	char *q = strchr(uri, '?');

	(void)cls;
	if (!st)
		return NULL;
	st->conn = conn_of(mc);
	if (q && q[1]) {
		size_t n = strlen(q + 1);
		if (n > HTTP_MAX_QUERY) {
			st->r.query_too_long = 1;
		} else if (charge(st->conn, n + 1) < 0 || !(st->query = malloc(n + 1))) {
			st->refused = 1;
		} else {
			memcpy(st->query, q + 1, n + 1);
		}
		q[1] = '\0';
	}
	return st;
}

static enum MHD_Result queue(struct MHD_Connection *mc, struct http_answer *a)
{
	struct MHD_Response *r;
	enum MHD_Result ret;

	r = MHD_create_response_from_buffer(a->len, (void *)a->body, MHD_RESPMEM_MUST_COPY);
	http_answer_free(a);
	if (!r)
		return MHD_NO;
	if (a->ctype)
		MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, a->ctype);
	if (a->close)
		MHD_add_response_header(r, MHD_HTTP_HEADER_CONNECTION, "close");
	ret = MHD_queue_response(mc, a->status, r);
	MHD_destroy_response(r);
	return ret;
}

static enum MHD_Result busy(struct MHD_Connection *mc)
{
	struct http_answer a;

	memset(&a, 0, sizeof a);
	http_answer_text(&a, MHD_HTTP_SERVICE_UNAVAILABLE, "server busy\n");
	a.close = 1;
	return queue(mc, &a);
}

static enum MHD_Result handler(void *cls, struct MHD_Connection *mc, const char *url,
			       const char *method, const char *version, const char *upload,
			       size_t *upload_size, void **con_cls)
{
	struct req_state *st = *con_cls;
	struct http_answer a;
	char from[INET_ADDRSTRLEN];

	(void)cls;
	(void)version;
	if (!st)
		return busy(mc);     /* no memory for its state */
	if (!st->started) {
		st->started = 1;
		if (st->refused)
			return busy(mc);
		snprintf(from, sizeof from, "%s", st->conn ? st->conn->addr : "?");
		st->r.method = method;
		st->r.url = url;
		st->r.peer = from;
		st->r.content_length = MHD_lookup_connection_value(mc, MHD_HEADER_KIND,
								   MHD_HTTP_HEADER_CONTENT_LENGTH);
		st->r.query = st->query;
		if (http_route_begin(&ops, &st->r, &a)) {
			set_receiving(st->conn, 0);
			return queue(mc, &a);
		}
		st->r.peer = NULL;
		/* the body's memory is charged before any of it is read: a
		 * request that cannot have it is refused without reading it */
		if (st->r.content_length) {
			size_t n = (size_t)strtoull(st->r.content_length, NULL, 10);
			if (n && charge(st->conn, n) < 0)
				return busy(mc);
			st->reserved = n;
		}
		return MHD_YES;
	}
	if (*upload_size) {
		if (st->conn && st->conn->cut)
			return MHD_NO;       /* closed by the reaper or for memory */
		if (!st->too_big) {
			if (st->len + *upload_size > HTTP_MAX_BODY) {
				st->too_big = 1;
			} else if (st->len + *upload_size > st->cap) {
				/* exactly what Content-Length announced, else doubling */
				const char *cl = st->r.content_length;
				size_t cap = cl ? (size_t)strtoull(cl, NULL, 10) : 0, grow;
				unsigned char *nb;
				if (cap < st->len + *upload_size) {
					cap = st->cap ? st->cap * 2 : 8192;
					while (cap < st->len + *upload_size)
						cap *= 2;
					if (cap > HTTP_MAX_BODY)
						cap = HTTP_MAX_BODY;
				}
				grow = cap - st->cap;
				if (grow <= st->reserved)
					st->reserved -= grow;
				else if (charge(st->conn, grow - st->reserved) < 0)
					return busy(mc);
				else
					st->reserved = 0;
				nb = realloc(st->body, cap);
				if (!nb)
					return MHD_NO;
				st->body = nb;
				st->cap = cap;
			}
			if (!st->too_big) {
				memcpy(st->body + st->len, upload, *upload_size);
				st->len += *upload_size;
			}
		}
		*upload_size = 0;
		return MHD_YES;
	}
	set_receiving(st->conn, 0);
	st->r.body = st->body;
	st->r.body_len = st->len;
	st->r.body_too_big = st->too_big;
	http_route_end(&ops, &st->r, &a);
	return queue(mc, &a);
}

static void completed(void *cls, struct MHD_Connection *mc, void **con_cls,
		      enum MHD_RequestTerminationCode toe)
{
	struct req_state *st = *con_cls;

	(void)cls;
	(void)mc;
	(void)toe;
	if (st) {
		free(st->query);
		free(st->body);
		release(st->conn);
		free(st);
		*con_cls = NULL;
	}
}

/* ---- listener ---------------------------------------------------------------------------- */

static void log_mhd(void *cls, const char *fmt, va_list ap)
{
	char buf[256];

	(void)cls;
	vsnprintf(buf, sizeof buf, fmt, ap);
	buf[strcspn(buf, "\n")] = '\0';
	pk_debug(PK_DBG_HTTP, "HTTP: %s", buf);
}

/* Connections the process can hold: CONN_LIMIT, or fewer when it may not
 * open that many files (the soft limit is raised to the hard one first). */
static unsigned fd_room(void)
{
	struct rlimit rl;
	rlim_t want = CONN_LIMIT + FD_RESERVE;

	if (getrlimit(RLIMIT_NOFILE, &rl) < 0)
		return 1024 - FD_RESERVE;
	if (rl.rlim_cur != RLIM_INFINITY && rl.rlim_cur < want) {
		rl.rlim_cur = rl.rlim_max == RLIM_INFINITY || rl.rlim_max > want ? want : rl.rlim_max;
		setrlimit(RLIMIT_NOFILE, &rl);
		getrlimit(RLIMIT_NOFILE, &rl);
	}
	if (rl.rlim_cur == RLIM_INFINITY || rl.rlim_cur >= want)
		return CONN_LIMIT;
	return rl.rlim_cur > FD_RESERVE + 64 ? (unsigned)(rl.rlim_cur - FD_RESERVE) : 64;
}

static int bind_parse(const char *bind, struct in_addr *out)
{
	struct in_addr a;

	if (!bind || !*bind)
		bind = SCEP_HTTP_DEFAULT_BIND;
	if (inet_pton(AF_INET, bind, &a) != 1)
		return pk_err_set(PK_EINVAL, "invalid HTTP bind address %s (an IPv4 address: "
				  "127.0.0.1, 0.0.0.0 for every address)", bind);
	if (out)
		*out = a;
	return 0;
}

int scep_http_bind_check(const char *bind)
{
	if (!bind || !*bind)
		return pk_err_set(PK_EINVAL, "invalid HTTP bind address '' (an IPv4 address: "
				  "127.0.0.1, 0.0.0.0 for every address)");
	return bind_parse(bind, NULL);
}

static void slots_free(void)
{
	free(L.slot);
	L.slot = NULL;
	L.nslots = 0;
	L.free_head = 0;
}

static int slots_init(unsigned n)
{
	unsigned i;

	L.slot = calloc(n, sizeof *L.slot);
	if (!L.slot)
		return -1;
	L.nslots = n;
	for (i = 0; i < n; i++)
		L.slot[i].next_free = i + 1 < n ? (int)i + 2 : 0;
	L.free_head = 1;
	L.open = 0;
	L.held = 0;
	L.cut_time = L.cut_memory = L.refused_memory = 0;
	return 0;
}

static int start(int port, const char *bind)
{
	struct sockaddr_in sa;
	pthread_condattr_t ca;
	sigset_t all, old;
	long ncpu = sysconf(_SC_NPROCESSORS_ONLN);
	unsigned threads = ncpu < 1 ? 1 : ncpu > 16 ? 16 : (unsigned)ncpu;
	const char *shown = bind && *bind ? bind : SCEP_HTTP_DEFAULT_BIND;

	memset(&sa, 0, sizeof sa);
	sa.sin_family = AF_INET;
	sa.sin_port = htons((uint16_t)port);
	if (bind_parse(bind, &sa.sin_addr) < 0)
		return -1;
	conn_limit = fd_room();
	/* slots: libmicrohttpd splits conn_limit over its threads, and a slot
	 * is free again (CLOSED) before its count goes down */
	if (slots_init(conn_limit + threads) < 0)
		return pk_err_set(PK_ENOMEM, "out of memory");
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&L.cv, &ca);
	pthread_condattr_destroy(&ca);
	L.stop = 0;
	/* The pool's threads and the reaper never take the process's stop
	 * signals. */
	sigfillset(&all);
	pthread_sigmask(SIG_BLOCK, &all, &old);
	errno = 0;
	daemon_ = MHD_start_daemon(MHD_USE_AUTO_INTERNAL_THREAD | MHD_USE_ERROR_LOG,
				   (uint16_t)port, NULL, NULL, handler, NULL,
				   MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&sa,
				   MHD_OPTION_THREAD_POOL_SIZE, threads,
				   MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)CONN_IDLE,
				   MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)CONN_MEMORY,
				   MHD_OPTION_CONNECTION_LIMIT, conn_limit,
				   MHD_OPTION_PER_IP_CONNECTION_LIMIT, (unsigned)CONN_PER_ADDR,
				   MHD_OPTION_URI_LOG_CALLBACK, uri_seen, NULL,
				   MHD_OPTION_NOTIFY_CONNECTION, conn_notify, NULL,
				   MHD_OPTION_NOTIFY_COMPLETED, completed, NULL,
				   MHD_OPTION_EXTERNAL_LOGGER, log_mhd, NULL,
				   MHD_OPTION_END);
	if (daemon_)
		L.reaper_on = pthread_create(&L.reaper, NULL, reaper, NULL) == 0;
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (!daemon_) {
		int e = errno;
		pthread_cond_destroy(&L.cv);
		slots_free();
		return pk_err_set(PK_EIO, "cannot listen on %s port %d: %s", shown, port,
				  e ? strerror(e) : "error");
	}
	http_port = port;
	snprintf(http_bind_addr, sizeof http_bind_addr, "%s", bind ? bind : "");
	return 0;
}

void scep_http_stop(void)
{
	if (!daemon_)
		return;
	if (L.reaper_on) {
		pthread_mutex_lock(&L.mu);
		L.stop = 1;
		pthread_cond_signal(&L.cv);
		pthread_mutex_unlock(&L.mu);
		pthread_join(L.reaper, NULL);
		L.reaper_on = 0;
	}
	MHD_stop_daemon(daemon_);
	daemon_ = NULL;
	pthread_cond_destroy(&L.cv);
	slots_free();
	http_port = 0;
}

int scep_http_port(void)
{
	return http_port;
}

int scep_http_apply(pk_pki *p, const char *bind)
{
	pk_device *d = pk_pki_device(p);
	int want = pk_device_http_enabled(d), port = pk_device_http_port(d);

	if (daemon_ && (!want || port != http_port ||
			strcmp(http_bind_addr, bind ? bind : "") != 0)) {
		/* MHD_stop_daemon joins threads that may wait for the device
		 * lock: let go of it meanwhile. */
		pk_device_unlock(d);
		scep_http_stop();
		pk_device_lock(d);
	}
	if (want && !daemon_) {
		/* filled while no HTTP thread runs: they read it unlocked */
		scep_server_ops(p, &ops);
		return start(port, bind);
	}
	return 0;
}

void scep_http_status(const char *bind, struct scep_http_status *st)
{
	memset(st, 0, sizeof *st);
	snprintf(st->addr, sizeof st->addr, "%s", bind && *bind ? bind : SCEP_HTTP_DEFAULT_BIND);
	st->max_conns = daemon_ ? conn_limit : CONN_LIMIT;
	st->max_per_addr = CONN_PER_ADDR;
	st->idle_timeout = CONN_IDLE;
	st->request_timeout = REQ_TIME;
	st->held_budget = HELD_BUDGET;
	st->conn_memory = CONN_MEMORY;
	if (!daemon_)
		return;
	{
		const union MHD_DaemonInfo *di = MHD_get_daemon_info(daemon_, MHD_DAEMON_INFO_LISTEN_FD);
		struct sockaddr_in sa;
		socklen_t sl = sizeof sa;
		if (di && getsockname(di->listen_fd, (struct sockaddr *)&sa, &sl) == 0 &&
		    sa.sin_family == AF_INET) {
			inet_ntop(AF_INET, &sa.sin_addr, st->addr, sizeof st->addr);
			st->port = ntohs(sa.sin_port);
			st->listening = 1;
		}
	}
	pthread_mutex_lock(&L.mu);
	st->open = L.open;
	st->held = L.held;
	st->cut_time = L.cut_time;
	st->cut_memory = L.cut_memory;
	st->refused_memory = L.refused_memory;
	pthread_mutex_unlock(&L.mu);
}

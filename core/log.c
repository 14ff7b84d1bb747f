/*
 * log.c — the device log sink (see log.h).  One device per process, so the
 * state is process-wide, guarded by one mutex.
 */
#include <pthread.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/log.h"
#include "core/text.h"

#define MAX_SINKS 64

struct sink {
	int id;
	pk_log_sink_fn fn;
	void *arg;
};

static pthread_mutex_t log_mu = PTHREAD_MUTEX_INITIALIZER;
static tmr_clock *log_clock;
static struct sink sinks[MAX_SINKS];
static int nsinks, next_id = 1;
static atomic_uint debug_mask;
static unsigned long nlogged, nbuffered;

/* The buffer is a ring of whole lines, bounded by bytes like IOS's. */
static char *ring;            /* lines separated by '\n' */
static size_t ring_len, ring_cap;
static int ring_level = PK_LOG_DEBUG;
static atomic_int console_level = PK_LOG_DEBUG, monitor_level = PK_LOG_DEBUG;

/* pk_log_keep's lines (see log.h): whole lines, the first ones that fit. */
static char kept[PK_LOG_KEEP_MAX];
static size_t kept_len;
static unsigned long nkept, nkept_total;

static const char *const sev_names[] = {
	"emergencies", "alerts", "critical", "errors",
	"warnings", "notifications", "informational", "debugging"
};

const char *pk_sev_name(int sev)
{
	if (sev < 0 || sev > PK_LOG_DEBUG)
		return "debugging";
	return sev_names[sev];
}

int pk_sev_parse(const char *s)
{
	int i;
	size_t n = strlen(s);

	if (n == 1 && s[0] >= '0' && s[0] <= '7')
		return s[0] - '0';
	for (i = 0; i <= PK_LOG_DEBUG; i++)
		if (n > 0 && strncmp(sev_names[i], s, n) == 0)
			return i;
	return -1;
}

void pk_log_set_clock(tmr_clock *c)
{
	pthread_mutex_lock(&log_mu);
	log_clock = c;
	pthread_mutex_unlock(&log_mu);
}

/* Drop whole lines from the front until `need` more bytes fit. */
static void ring_make_room(size_t need)
{
	size_t drop = 0;

	while (ring_len - drop + need > ring_cap && drop < ring_len) {
		char *nl = memchr(ring + drop, '\n', ring_len - drop);
		drop = nl ? (size_t)(nl - ring) + 1 : ring_len;
	}
	if (drop) {
		memmove(ring, ring + drop, ring_len - drop);
		ring_len -= drop;
	}
}

static void ring_add(const char *line)
{
	size_t n = strlen(line);

	if (!ring || n + 1 > ring_cap)
		return;
	ring_make_room(n + 1);
	memcpy(ring + ring_len, line, n);
	ring[ring_len + n] = '\n';
	ring_len += n + 1;
	nbuffered++;
}

static void kept_add(const char *line)
{
	size_t n = strlen(line);

	nkept_total++;
	if (kept_len + n + 1 > sizeof kept)
		return;
	memcpy(kept + kept_len, line, n);
	kept[kept_len + n] = '\n';
	kept_len += n + 1;
	nkept++;
}

/* A message as it may be shown (core/text.h): control characters and
 * bytes that are not UTF-8 escaped.  A message whose format has no line
 * break is one line: a break in its arguments (a client's subject or
 * error text) is escaped too, so it cannot forge a second log line.  The
 * multi-line messages (CERT_INSTALL, CSR_FINGERPRINT) keep the breaks of
 * their format. */
static void visible_msg(char *line, size_t size, size_t off, const char *fmt)
{
	char tmp[2048];
	unsigned flags = strchr(fmt, '\n') ? PK_VIS_LINES : 0;
	size_t n = strlen(line + off);

	if (pk_visible_plain(line + off, n, flags) || size - off > sizeof tmp)
		return;
	pk_visible(tmp, size - off, line + off, n, flags);
	memcpy(line + off, tmp, strlen(tmp) + 1);
}

static void vlog(int sev, int keep, const char *fmt, va_list ap)
{
	char line[2048];
	size_t off = 0;
	int i;

	pthread_mutex_lock(&log_mu);
	if (log_clock)
		off = tmr_fmt_log(log_clock, tmr_clock_now(log_clock), line, sizeof line);
	vsnprintf(line + off, sizeof line - off, fmt, ap);
	visible_msg(line, sizeof line, off, fmt);
	nlogged++;
	if (keep)
		kept_add(line);
	else if (sev <= ring_level)
		ring_add(line);
	for (i = 0; i < nsinks; i++)
		sinks[i].fn(sinks[i].arg, sev, line);
	pthread_mutex_unlock(&log_mu);
}

void pk_log(int sev, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vlog(sev, 0, fmt, ap);
	va_end(ap);
}

void pk_log_keep(int sev, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vlog(sev, 1, fmt, ap);
	va_end(ap);
}

void pk_log_kept_clear(void)
{
	pthread_mutex_lock(&log_mu);
	kept_len = 0;
	nkept = nkept_total = 0;
	pthread_mutex_unlock(&log_mu);
}

char *pk_log_kept_dump(void)
{
	char *out;

	pthread_mutex_lock(&log_mu);
	out = malloc(kept_len + 1);
	if (out) {
		memcpy(out, kept, kept_len);
		out[kept_len] = '\0';
	}
	pthread_mutex_unlock(&log_mu);
	return out;
}

unsigned long pk_log_kept_count(void)
{
	unsigned long n;

	pthread_mutex_lock(&log_mu);
	n = nkept;
	pthread_mutex_unlock(&log_mu);
	return n;
}

unsigned long pk_log_kept_total(void)
{
	unsigned long n;

	pthread_mutex_lock(&log_mu);
	n = nkept_total;
	pthread_mutex_unlock(&log_mu);
	return n;
}

void pk_debug(unsigned family, const char *fmt, ...)
{
	va_list ap;

	if (!(atomic_load(&debug_mask) & family))
		return;
	va_start(ap, fmt);
	vlog(PK_LOG_DEBUG, 0, fmt, ap);
	va_end(ap);
}

int pk_debug_on(unsigned family)
{
	return (atomic_load(&debug_mask) & family) != 0;
}

void pk_debug_set(unsigned families, int on)
{
	if (on)
		atomic_fetch_or(&debug_mask, families);
	else
		atomic_fetch_and(&debug_mask, ~families);
}

unsigned pk_debug_mask(void)
{
	return atomic_load(&debug_mask);
}

int pk_log_sink_add(pk_log_sink_fn fn, void *arg)
{
	int id = -1;

	pthread_mutex_lock(&log_mu);
	if (nsinks < MAX_SINKS) {
		id = next_id++;
		sinks[nsinks].id = id;
		sinks[nsinks].fn = fn;
		sinks[nsinks].arg = arg;
		nsinks++;
	}
	pthread_mutex_unlock(&log_mu);
	return id;
}

void pk_log_sink_remove(int id)
{
	int i;

	pthread_mutex_lock(&log_mu);
	for (i = 0; i < nsinks; i++) {
		if (sinks[i].id == id) {
			memmove(&sinks[i], &sinks[i + 1], (size_t)(nsinks - i - 1) * sizeof sinks[0]);
			nsinks--;
			break;
		}
	}
	pthread_mutex_unlock(&log_mu);
}

void pk_log_buffer_set(size_t size, int level)
{
	pthread_mutex_lock(&log_mu);
	if (size == 0) {
		free(ring);
		ring = NULL;
		ring_len = ring_cap = 0;
	} else if (size != ring_cap) {
		char *nr = malloc(size);
		if (nr) {
			size_t keep = 0;
			if (ring) {
				ring_cap = size;
				ring_make_room(0);
				/* (a buffer filled exactly to the new size is kept too) */
				keep = ring_len <= size ? ring_len : 0;
				memcpy(nr, ring, keep);
			}
			free(ring);
			ring = nr;
			ring_len = keep;
			ring_cap = size;
		}
	}
	if (level >= 0 && level <= PK_LOG_DEBUG)
		ring_level = level;
	pthread_mutex_unlock(&log_mu);
}

size_t pk_log_buffer_size(void)
{
	return ring_cap;
}

int pk_log_buffer_level(void)
{
	return ring_level;
}

void pk_log_buffer_clear(void)
{
	pthread_mutex_lock(&log_mu);
	ring_len = 0;
	pthread_mutex_unlock(&log_mu);
}

char *pk_log_buffer_dump(void)
{
	char *out;

	pthread_mutex_lock(&log_mu);
	out = malloc(ring_len + 1);
	if (out) {
		if (ring_len)
			memcpy(out, ring, ring_len);
		out[ring_len] = '\0';
	}
	pthread_mutex_unlock(&log_mu);
	return out;
}

unsigned long pk_log_count(void)
{
	return nlogged;
}

unsigned long pk_log_buffer_count(void)
{
	return nbuffered;
}

void pk_log_set_console(int level)
{
	atomic_store(&console_level, level);
}

int pk_log_console(void)
{
	return atomic_load(&console_level);
}

void pk_log_set_monitor(int level)
{
	atomic_store(&monitor_level, level);
}

int pk_log_monitor(void)
{
	return atomic_load(&monitor_level);
}

void pk_log_reset(void)
{
	pk_log_set_console(PK_LOG_DEBUG);
	pk_log_set_monitor(PK_LOG_DEBUG);
	pk_log_buffer_set(0, PK_LOG_DEBUG);
	pk_debug_set(PK_DBG__ALL, 0);
}

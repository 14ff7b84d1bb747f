/*
 * device.c — the device object (see device.h).
 */
#include <errno.h>
#include <limits.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "core/device.h"
#include "core/err.h"
#include "core/log.h"
#include "core/store.h"

#define MAX_HOOKS 16
#define DEFAULT_HOSTNAME "Router"

struct hook {
	pk_device_hook fn;
	void *arg;
};

struct pk_device {
	char *dir;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	pthread_t timer_thread;
	int timer_running, stopping;
	tmr_clock *clock;
	tmr_queue *timers;
	tmr_ms boot;
	int calendar_valid;
	char hostname[64];
	char board_id[16];
	char domain[256];
	int modified;
	unsigned config_damaged;
	int http_enabled, http_port;
	struct hook clock_hooks[MAX_HOOKS];
	int nclock_hooks;
	struct hook reset_hooks[MAX_HOOKS];
	int nreset_hooks;
};

static tmr_ms host_now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	return (tmr_ms)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* The "hardware calendar": device time and host time when it was saved. */
static void calendar_path(const pk_device *d, char *buf, size_t n)
{
	snprintf(buf, n, "%s/calendar", d->dir);
}

/* durable: fsync'd (pk_store_write), at exit; otherwise (every `clock set`)
 * a temporary file renamed over the old one without fsync: a killed
 * process loses nothing, a power cut at worst the last clock set, and
 * stepping the clocks of fifty devices is not paced by the disk. */
static void calendar_save(pk_device *d, int durable)
{
	char path[4096], tmp[4200], line[64];
	int n, fd, ok;

	calendar_path(d, path, sizeof path);
	n = snprintf(line, sizeof line, "%lld %lld\n",
		     (long long)tmr_clock_now(d->clock), (long long)host_now());
	if (durable) {
		if (pk_store_write(path, line, (size_t)n, 0600) < 0)
			pk_log(PK_LOG_ERR, "%%SYS-3-CALENDAR: cannot save the calendar: %s", pk_err_msg());
		return;
	}
	snprintf(tmp, sizeof tmp, "%s.tmp", path);
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	ok = fd >= 0 && write(fd, line, (size_t)n) == n;
	if (fd >= 0 && close(fd) < 0)
		ok = 0;
	if (!ok || rename(tmp, path) < 0) {
		pk_log(PK_LOG_ERR, "%%SYS-3-CALENDAR: cannot save the calendar: %s", strerror(errno));
		unlink(tmp);
	}
}

static void calendar_load(pk_device *d)
{
	char path[4096], *data;
	long long dev, host;

	calendar_path(d, path, sizeof path);
	if (pk_store_read(path, &data, NULL) < 0)
		return;
	if (sscanf(data, "%lld %lld", &dev, &host) == 2) {
		/* A running calendar kept time while the device was off; a frozen
		 * one stopped with it (deterministic restarts for tests). */
		if (tmr_clock_frozen(d->clock))
			tmr_clock_set(d->clock, dev);
		else
			tmr_clock_set(d->clock, dev + (host_now() - host));
	}
	free(data);
}

/* A stable "board ID" per device directory (the serialNumber IOS puts in
 * certificate requests): made once from the directory's inode and the
 * time, kept in DIR/board-id. */
static void board_id_load(pk_device *d)
{
	char path[4096], *data = NULL;
	struct timespec ts;
	unsigned long v;

	snprintf(path, sizeof path, "%s/board-id", d->dir);
	if (pk_store_read(path, &data, NULL) == 0 && strlen(data) >= 8) {
		snprintf(d->board_id, sizeof d->board_id, "%.8s", data);
		free(data);
		return;
	}
	free(data);
	clock_gettime(CLOCK_REALTIME, &ts);
	v = (unsigned long)ts.tv_nsec ^ ((unsigned long)ts.tv_sec * 2654435761u) ^ (unsigned long)getpid();
	snprintf(d->board_id, sizeof d->board_id, "%08lu", 10000000ul + v % 90000000ul);
	snprintf(path, sizeof path, "%s/board-id", d->dir);
	if (pk_store_write(path, d->board_id, strlen(d->board_id), 0600) < 0)
		pk_err_clear();
}

const char *pk_device_board_id(const pk_device *d)
{
	return d->board_id;
}

int pk_device_open(const char *dir, int frozen_clock, pk_device **out)
{
	pk_device *d;
	char sub[4096];
	int rc;

	*out = NULL;
	if (strlen(dir) > 3000)
		return pk_err_set(PK_EINVAL, "device directory name too long");
	d = calloc(1, sizeof *d);
	if (!d)
		return pk_err_set(PK_ENOMEM, "out of memory");
	d->dir = strdup(dir);
	pthread_mutex_init(&d->mu, NULL);
	pthread_cond_init(&d->cv, NULL);
	d->clock = tmr_clock_new(frozen_clock);
	d->timers = d->clock ? tmr_queue_new(d->clock) : NULL;
	if (!d->dir || !d->clock || !d->timers) {
		pk_device_free(d);
		return pk_err_set(PK_ENOMEM, "out of memory");
	}
	rc = pk_store_mkdirs(dir, 0700);
	snprintf(sub, sizeof sub, "%s/nvram", dir);
	if (rc == 0)
		rc = pk_store_mkdirs(sub, 0700);
	snprintf(sub, sizeof sub, "%s/flash", dir);
	if (rc == 0)
		rc = pk_store_mkdirs(sub, 0700);
	if (rc < 0) {
		pk_device_free(d);
		return rc;
	}
	/* interrupted atomic writes of an earlier life (kill -9, power cut):
	 * the device is ours now (the caller holds its lock) */
	pk_store_clean_tmp(dir);
	snprintf(sub, sizeof sub, "%s/nvram", dir);
	pk_store_clean_tmp(sub);
	snprintf(sub, sizeof sub, "%s/flash", dir);
	pk_store_clean_tmp(sub);
	calendar_load(d);
	board_id_load(d);
	pk_device_reset(d);
	d->boot = tmr_clock_now(d->clock);
	pk_log_set_clock(d->clock);
	*out = d;
	return 0;
}

void pk_device_free(pk_device *d)
{
	if (!d)
		return;
	if (d->timer_running) {
		pthread_mutex_lock(&d->mu);
		d->stopping = 1;
		pthread_cond_broadcast(&d->cv);
		pthread_mutex_unlock(&d->mu);
		pthread_join(d->timer_thread, NULL);
	}
	if (d->clock && d->dir && d->timers)
		calendar_save(d, 1);
	pk_log_set_clock(NULL);
	tmr_queue_free(d->timers);
	tmr_clock_free(d->clock);
	pthread_cond_destroy(&d->cv);
	pthread_mutex_destroy(&d->mu);
	free(d->dir);
	free(d);
}

const char *pk_device_dir(const pk_device *d)
{
	return d->dir;
}

int pk_device_path(const pk_device *d, const char *url, char *buf, size_t n)
{
	const char *rest, *sub;
	int w;

	if (strncmp(url, "nvram:", 6) == 0) {
		sub = "nvram";
		rest = url + 6;
	} else if (strncmp(url, "flash:", 6) == 0) {
		sub = "flash";
		rest = url + 6;
	} else if (strncmp(url, "unix:", 5) == 0) {
		rest = url + 5;
		if (rest[0] != '/')
			return pk_err_set(PK_EINVAL, "unix: paths must be absolute");
		w = snprintf(buf, n, "%s", rest);
		return w < 0 || (size_t)w >= n ? pk_err_set(PK_EINVAL, "path too long") : 0;
	} else {
		return pk_err_set(PK_EINVAL, "%s: only nvram:, flash: and unix: storage are supported",
				  url);
	}
	while (*rest == '/')
		rest++;
	if (strstr(rest, "..") &&
	    (strncmp(rest, "..", 2) == 0 || strstr(rest, "/..")))
		return pk_err_set(PK_EINVAL, "%s: invalid path", url);
	w = snprintf(buf, n, "%s/%s%s%s", d->dir, sub, *rest ? "/" : "", rest);
	if (w < 0 || (size_t)w >= n)
		return pk_err_set(PK_EINVAL, "path too long");
	return 0;
}

/* A host path's canonical form: realpath of the file, or of its directory
 * plus its name when the file does not exist yet. */
static int canonical(const char *path, char *out)
{
	char dir[4096], rdir[PATH_MAX];
	const char *base;

	if (realpath(path, out))
		return 0;
	pk_store_dirname(path, dir, sizeof dir);
	base = strrchr(path, '/');
	base = base ? base + 1 : path;
	if (!realpath(dir, rdir))
		return -1;
	if (snprintf(out, PATH_MAX, "%s/%s", rdir, base) >= PATH_MAX)
		return -1;
	return 0;
}

int pk_device_secret_path(const pk_device *d, const char *path)
{
	char a[PATH_MAX], b[PATH_MAX], pc[4200];

	snprintf(pc, sizeof pc, "%s/nvram/private-config", d->dir);
	if (canonical(path, a) < 0 || canonical(pc, b) < 0)
		return strstr(path, "private-config") != NULL;   /* when unsure: refuse */
	return strcmp(a, b) == 0;
}

void pk_device_lock(pk_device *d)
{
	pthread_mutex_lock(&d->mu);
}

void pk_device_unlock(pk_device *d)
{
	pthread_mutex_unlock(&d->mu);
}

tmr_clock *pk_device_clock(pk_device *d)
{
	return d->clock;
}

tmr_queue *pk_device_timers(pk_device *d)
{
	return d->timers;
}

tmr_ms pk_device_now(pk_device *d)
{
	return tmr_clock_now(d->clock);
}

static void run_hooks(pk_device *d, struct hook *h, int n)
{
	int i;
	for (i = 0; i < n; i++)
		h[i].fn(d, h[i].arg);
}

void pk_device_run_timers(pk_device *d)
{
	tmr_run(d->timers, tmr_clock_now(d->clock));
}

int pk_device_clock_set(pk_device *d, tmr_ms t)
{
	/* Catch up first, so every timer that became due fires with the clock
	 * reading its own deadline; then move, and let owners recompute. */
	if (tmr_clock_authoritative(d->clock))
		tmr_run(d->timers, t);
	tmr_clock_set(d->clock, t);
	tmr_clock_set_authoritative(d->clock, 1);
	calendar_save(d, 0);
	run_hooks(d, d->clock_hooks, d->nclock_hooks);
	pk_device_run_timers(d);
	pk_device_kick(d);
	return 0;
}

void pk_device_set_calendar_valid(pk_device *d, int on)
{
	int was = tmr_clock_authoritative(d->clock);

	d->calendar_valid = on;
	if (on && !was) {
		tmr_clock_set_authoritative(d->clock, 1);
		run_hooks(d, d->clock_hooks, d->nclock_hooks);
		pk_device_run_timers(d);
		pk_device_kick(d);
	}
}

int pk_device_calendar_valid(const pk_device *d)
{
	return d->calendar_valid;
}

void pk_device_on_clock_change(pk_device *d, pk_device_hook fn, void *arg)
{
	if (d->nclock_hooks < MAX_HOOKS)
		d->clock_hooks[d->nclock_hooks++] = (struct hook){ fn, arg };
}

void pk_device_on_reset(pk_device *d, pk_device_hook fn, void *arg)
{
	if (d->nreset_hooks < MAX_HOOKS)
		d->reset_hooks[d->nreset_hooks++] = (struct hook){ fn, arg };
}

/* The timer thread of a running clock: sleep until the next deadline (at
 * most a second, so a missed kick costs little), fire what is due. */
static void *timer_main(void *arg)
{
	pk_device *d = arg;

	pthread_mutex_lock(&d->mu);
	while (!d->stopping) {
		tmr_ms now = tmr_clock_now(d->clock), next, wait;
		struct timespec ts;

		if (tmr_next(d->timers) <= now)
			tmr_run(d->timers, now);
		next = tmr_next(d->timers);
		now = tmr_clock_now(d->clock);
		wait = next == TMR_NEVER || next - now > 1000 ? 1000 : next - now;
		if (wait < 1)
			wait = 1;
		clock_gettime(CLOCK_REALTIME, &ts);
		ts.tv_nsec += (long)(wait % 1000) * 1000000L;
		ts.tv_sec += (time_t)(wait / 1000) + ts.tv_nsec / 1000000000L;
		ts.tv_nsec %= 1000000000L;
		pthread_cond_timedwait(&d->cv, &d->mu, &ts);
	}
	pthread_mutex_unlock(&d->mu);
	return NULL;
}

int pk_device_start_timer_thread(pk_device *d)
{
	if (d->timer_running || tmr_clock_frozen(d->clock))
		return 0;
	if (pthread_create(&d->timer_thread, NULL, timer_main, d) != 0)
		return pk_err_set(PK_ENOMEM, "cannot start the timer thread");
	d->timer_running = 1;
	return 0;
}

void pk_device_kick(pk_device *d)
{
	pthread_cond_broadcast(&d->cv);
}

const char *pk_device_hostname(const pk_device *d)
{
	return d->hostname;
}

int pk_device_set_hostname(pk_device *d, const char *name)
{
	if (!name)
		name = DEFAULT_HOSTNAME;
	if (strlen(name) >= sizeof d->hostname)
		return pk_err_set(PK_EINVAL, "hostname too long");
	snprintf(d->hostname, sizeof d->hostname, "%s", name);
	return 0;
}

const char *pk_device_domain(const pk_device *d)
{
	return d->domain;
}

void pk_device_set_domain(pk_device *d, const char *name)
{
	snprintf(d->domain, sizeof d->domain, "%s", name ? name : "");
}

int pk_device_http_enabled(const pk_device *d)
{
	return d->http_enabled;
}

void pk_device_set_http_enabled(pk_device *d, int on)
{
	d->http_enabled = on;
}

int pk_device_http_port(const pk_device *d)
{
	return d->http_port;
}

void pk_device_set_http_port(pk_device *d, int port)
{
	d->http_port = port;
}

void pk_device_set_modified(pk_device *d, int yes)
{
	d->modified = yes;
}

int pk_device_modified(const pk_device *d)
{
	return d->modified;
}

void pk_device_set_config_damaged(pk_device *d, unsigned flags)
{
	d->config_damaged = flags;
}

unsigned pk_device_config_damaged(const pk_device *d)
{
	return d->config_damaged;
}

void pk_device_reset(pk_device *d)
{
	snprintf(d->hostname, sizeof d->hostname, "%s", DEFAULT_HOSTNAME);
	d->domain[0] = '\0';
	d->modified = 0;
	d->config_damaged = 0;
	d->calendar_valid = 0;
	d->http_enabled = 0;
	d->http_port = 80;
	tmr_clock_set_zone(d->clock, "UTC", 0);
	tmr_clock_set_authoritative(d->clock, 0);
	pk_log_reset();
	run_hooks(d, d->reset_hooks, d->nreset_hooks);
}

tmr_ms pk_device_boot_time(const pk_device *d)
{
	return d->boot;
}

/*
 * clock.c — the device clock, calendar arithmetic, time formatting and the
 * `clock set` argument parser (contract: timers.h, spec §1.1, §5.0, §5.7).
 *
 * Device time = base + offset, where base is the host clock (CLOCK_REALTIME
 * or the injected host function) for a running clock, and the constant
 * TMR_FROZEN_EPOCH for a frozen one.  So for a frozen clock the "offset" is
 * device time − TMR_FROZEN_EPOCH, and tmr_clock_offset()/set_offset()
 * round-trip for both kinds.  A virtual now (≠ TMR_NEVER) overrides both
 * while set; tmr_clock_set() still moves the underlying clock.
 *
 * Every field is guarded by one mutex, so any thread may read the clock.
 * tmr_clock_zone_name() returns a pointer into the clock: it is stable until
 * the next tmr_clock_set_zone(); the formatters copy the name under the lock.
 *
 * No libc time-zone code is used: civil <-> day conversions are Howard
 * Hinnant's days_from_civil / civil_from_days (exact for the proleptic
 * Gregorian calendar, any year), and the display zone is a fixed offset.
 */
#include "timers/timers.h"

#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define ZONE_MAX 7

struct tmr_clock {
	pthread_mutex_t mu;
	int frozen;
	tmr_ms (*host_now)(void);
	tmr_ms offset;          /* device − base */
	tmr_ms virt;            /* TMR_NEVER when not set */
	int authoritative;
	char zone[ZONE_MAX + 1];
	int zone_off;           /* minutes east of UTC */
};

static const char *const month_names[12] = {
	"January", "February", "March", "April", "May", "June", "July",
	"August", "September", "October", "November", "December",
};
static const char *const wday_abbr[7] = {
	"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat",
};

static tmr_ms host_realtime(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (tmr_ms)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* The lock is taken on const clocks too: the mutex is not part of the
 * clock's logical value, and every clock is allocated non-const. */
static void lock(const tmr_clock *c)
{
	pthread_mutex_lock(&((tmr_clock *)c)->mu);
}

static void unlock(const tmr_clock *c)
{
	pthread_mutex_unlock(&((tmr_clock *)c)->mu);
}

/* Caller holds the lock. */
static tmr_ms base_locked(const tmr_clock *c)
{
	return c->frozen ? TMR_FROZEN_EPOCH : c->host_now();
}

tmr_clock *tmr_clock_new(int frozen)
{
	tmr_clock *c = calloc(1, sizeof *c);

	if (!c)
		return NULL;
	if (pthread_mutex_init(&c->mu, NULL) != 0) {
		free(c);
		return NULL;
	}
	c->frozen = frozen != 0;
	c->host_now = host_realtime;
	c->virt = TMR_NEVER;
	strcpy(c->zone, "UTC");
	return c;
}

void tmr_clock_free(tmr_clock *c)
{
	if (!c)
		return;
	pthread_mutex_destroy(&c->mu);
	free(c);
}

void tmr_clock_set_host_fn(tmr_clock *c, tmr_ms (*host_now)(void))
{
	lock(c);
	c->host_now = host_now ? host_now : host_realtime;
	unlock(c);
}

int tmr_clock_frozen(const tmr_clock *c)
{
	return c->frozen;       /* immutable after tmr_clock_new */
}

tmr_ms tmr_clock_now(const tmr_clock *c)
{
	tmr_ms t;

	lock(c);
	t = c->virt != TMR_NEVER ? c->virt : base_locked(c) + c->offset;
	unlock(c);
	return t;
}

void tmr_clock_set(tmr_clock *c, tmr_ms t)
{
	lock(c);
	c->offset = t - base_locked(c);
	unlock(c);
}

tmr_ms tmr_clock_offset(const tmr_clock *c)
{
	tmr_ms off;

	lock(c);
	off = c->offset;
	unlock(c);
	return off;
}

void tmr_clock_set_offset(tmr_clock *c, tmr_ms off)
{
	lock(c);
	c->offset = off;
	unlock(c);
}

int tmr_clock_authoritative(const tmr_clock *c)
{
	int a;

	lock(c);
	a = c->authoritative;
	unlock(c);
	return a;
}

void tmr_clock_set_authoritative(tmr_clock *c, int yes)
{
	lock(c);
	c->authoritative = yes != 0;
	unlock(c);
}

/* A NULL name means "UTC"; longer names are cut to 7 characters. */
void tmr_clock_set_zone(tmr_clock *c, const char *name, int offset_min)
{
	size_t len;

	if (!name)
		name = "UTC";
	len = strnlen(name, ZONE_MAX);
	lock(c);
	memcpy(c->zone, name, len);
	c->zone[len] = '\0';
	c->zone_off = offset_min;
	unlock(c);
}

const char *tmr_clock_zone_name(const tmr_clock *c)
{
	return c->zone;
}

int tmr_clock_zone_offset(const tmr_clock *c)
{
	int off;

	lock(c);
	off = c->zone_off;
	unlock(c);
	return off;
}

void tmr_clock_set_virtual(tmr_clock *c, tmr_ms t)
{
	lock(c);
	c->virt = t;
	unlock(c);
}

tmr_ms tmr_clock_get_virtual(const tmr_clock *c)
{
	tmr_ms v;

	lock(c);
	v = c->virt;
	unlock(c);
	return v;
}

/* ---- calendar ------------------------------------------------------------ */

static int64_t floor_div(int64_t a, int64_t b)
{
	int64_t q = a / b;

	return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q;
}

/* Days since 1970-01-01 of y-m-d (proleptic Gregorian). */
static int64_t days_from_civil(int64_t y, int m, int d)
{
	int64_t era, yoe, doy, doe;

	y -= m <= 2;
	era = floor_div(y, 400);
	yoe = y - era * 400;
	doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

static void civil_from_days(int64_t z, int64_t *y, int *m, int *d)
{
	int64_t era, doe, yoe, doy, mp;

	z += 719468;
	era = floor_div(z, 146097);
	doe = z - era * 146097;
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	*d = (int)(doy - (153 * mp + 2) / 5 + 1);
	*m = (int)(mp < 10 ? mp + 3 : mp - 9);
	*y = yoe + era * 400 + (*m <= 2);
}

/* Fields out of range are not rejected: they carry arithmetically
 * (h = 24 is the next day, mi = -1 the previous minute). */
tmr_ms tmr_from_civil(int y, int mon, int d, int h, int mi, int s)
{
	int64_t ym = (int64_t)y * 12 + (mon - 1);
	int64_t yy = floor_div(ym, 12);
	int64_t days = days_from_civil(yy, (int)(ym - yy * 12) + 1, 1) + d - 1;

	return days * TMR_DAY + (tmr_ms)h * TMR_HOUR + (tmr_ms)mi * TMR_MIN +
	       (tmr_ms)s * TMR_SEC;
}

/* Any out pointer may be NULL.  wday: 0 = Sunday. */
void tmr_to_civil(tmr_ms t, int *y, int *mon, int *d, int *h, int *mi, int *s,
                  int *msec, int *wday)
{
	int64_t days = t / TMR_DAY - (t % TMR_DAY < 0);
	int64_t rem = t % TMR_DAY + (t % TMR_DAY < 0 ? TMR_DAY : 0);
	int64_t yy;
	int mm, dd;

	civil_from_days(days, &yy, &mm, &dd);
	if (y)
		*y = (int)yy;
	if (mon)
		*mon = mm;
	if (d)
		*d = dd;
	if (h)
		*h = (int)(rem / TMR_HOUR);
	if (mi)
		*mi = (int)(rem / TMR_MIN % 60);
	if (s)
		*s = (int)(rem / TMR_SEC % 60);
	if (msec)
		*msec = (int)(rem % TMR_SEC);
	if (wday)
		*wday = (int)(days + 4 - floor_div(days + 4, 7) * 7);  /* 1970-01-01: Thu */
}

/* ---- formatting ---------------------------------------------------------- */

/* snprintf that returns the length actually stored (0 when n == 0). */
__attribute__((format(printf, 3, 4)))
static size_t put(char *buf, size_t n, const char *fmt, ...)
{
	va_list ap;
	int r;

	if (!buf || n == 0)
		return 0;
	va_start(ap, fmt);
	r = vsnprintf(buf, n, fmt, ap);
	va_end(ap);
	if (r < 0) {
		buf[0] = '\0';
		return 0;
	}
	return (size_t)r < n ? (size_t)r : n - 1;
}

struct local {
	int y, mon, d, h, mi, s, ms, wday;
	char zone[ZONE_MAX + 1];
	int star;               /* not authoritative */
};

/* Break t into local (display-zone) fields, snapshotting the zone. */
static void to_local(const tmr_clock *c, tmr_ms t, struct local *l)
{
	int off;

	lock(c);
	off = c->zone_off;
	memcpy(l->zone, c->zone, sizeof l->zone);
	l->star = !c->authoritative;
	unlock(c);
	if (t > INT64_MAX / 2)          /* keep TMR_NEVER printable, no overflow */
		t = INT64_MAX / 2;
	else if (t < INT64_MIN / 2)
		t = INT64_MIN / 2;
	tmr_to_civil(t + (tmr_ms)off * TMR_MIN, &l->y, &l->mon, &l->d, &l->h,
	             &l->mi, &l->s, &l->ms, &l->wday);
}

static const char *mon_abbr(int mon)
{
	static const char tab[12][4] = {
		"Jan", "Feb", "Mar", "Apr", "May", "Jun",
		"Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
	};

	return tab[mon - 1];
}

size_t tmr_fmt_date(const tmr_clock *c, tmr_ms t, char *buf, size_t n)
{
	struct local l;

	to_local(c, t, &l);
	return put(buf, n, "%02d:%02d:%02d %s %s %d %d", l.h, l.mi, l.s,
	           l.zone, mon_abbr(l.mon), l.d, l.y);
}

size_t tmr_fmt_show_clock(const tmr_clock *c, tmr_ms t, char *buf, size_t n)
{
	struct local l;

	to_local(c, t, &l);
	return put(buf, n, "%s%02d:%02d:%02d.%03d %s %s %s %d %d",
	           l.star ? "*" : "", l.h, l.mi, l.s, l.ms, l.zone,
	           wday_abbr[l.wday], mon_abbr(l.mon), l.d, l.y);
}

size_t tmr_fmt_log(const tmr_clock *c, tmr_ms t, char *buf, size_t n)
{
	struct local l;

	to_local(c, t, &l);
	return put(buf, n, "%s%s %2d %02d:%02d:%02d.%03d: ", l.star ? "*" : "",
	           mon_abbr(l.mon), l.d, l.h, l.mi, l.s, l.ms);
}

size_t tmr_fmt_iso(tmr_ms t, char *buf, size_t n)
{
	int y, mon, d, h, mi, s;

	tmr_to_civil(t, &y, &mon, &d, &h, &mi, &s, NULL, NULL);
	return put(buf, n, "%04d-%02d-%02dT%02d:%02d:%02dZ", y, mon, d, h, mi, s);
}

size_t tmr_fmt_duration(tmr_ms ms, char *buf, size_t n)
{
	unsigned long long v = ms > 0 ? (unsigned long long)ms : 0;
	unsigned long long d = v / TMR_DAY;
	unsigned h = (unsigned)(v / TMR_HOUR % 24);
	unsigned m = (unsigned)(v / TMR_MIN % 60);
	unsigned s = (unsigned)(v / TMR_SEC % 60);
	unsigned f = (unsigned)(v % TMR_SEC);

	if (d > 0)
		return put(buf, n, "%llud%2u:%02u:%02u.%03u", d, h, m, s, f);
	if (h > 0)
		return put(buf, n, "%u:%02u:%02u.%03u", h, m, s, f);
	if (m > 0)
		return put(buf, n, "%u:%02u.%03u", m, s, f);
	return put(buf, n, "%u.%03u", s, f);
}

/* ---- `clock set` --------------------------------------------------------- */

/* 1-2 decimal digits, whole string; -1 otherwise. */
static int small_num(const char *p, size_t maxdig)
{
	size_t i;
	int v = 0;

	if (!p || !*p)
		return -1;
	for (i = 0; p[i]; i++) {
		if (i >= maxdig || p[i] < '0' || p[i] > '9')
			return -1;
		v = v * 10 + (p[i] - '0');
	}
	return v;
}

/* "h:m:s", each field 1-2 digits; seconds since midnight or -1. */
static long parse_hms(const char *p)
{
	char f[3][3];
	int v[3], i;

	if (!p)
		return -1;
	for (i = 0; i < 3; i++) {
		size_t k = 0;

		while (*p >= '0' && *p <= '9') {
			if (k == 2)
				return -1;
			f[i][k++] = *p++;
		}
		if (k == 0 || *p != (i < 2 ? ':' : '\0'))
			return -1;
		f[i][k] = '\0';
		if (i < 2)
			p++;
		v[i] = small_num(f[i], 2);
	}
	if (v[0] > 23 || v[1] > 59 || v[2] > 59)
		return -1;
	return (long)v[0] * 3600 + v[1] * 60 + v[2];
}

/* Month 1-12 from a case-insensitive prefix (≥ 3 letters) of its name. */
static int parse_month(const char *p)
{
	size_t len, i;
	int m;

	if (!p)
		return -1;
	len = strlen(p);
	if (len < 3)
		return -1;
	for (m = 0; m < 12; m++) {
		const char *name = month_names[m];

		if (len > strlen(name))
			continue;
		for (i = 0; i < len; i++) {
			char ch = p[i];

			if (ch >= 'A' && ch <= 'Z')
				ch = (char)(ch - 'A' + 'a');
			if (ch != (name[i] | 0x20))
				break;
		}
		if (i == len)
			return m + 1;   /* 3 letters already make the prefix unique */
	}
	return -1;
}

static int is_leap(int y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static int days_in_month(int y, int m)
{
	static const int dim[12] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };

	return m == 2 && is_leap(y) ? 29 : dim[m - 1];
}

/* Arguments are checked in order; a day that does not exist in its month
 * (Apr 31, Feb 29 of a common year) is reported at the day's index. */
int tmr_parse_clock_set(const tmr_clock *c, const char *hms, const char *a,
                        const char *b, const char *year, tmr_ms *out, int *bad)
{
	long secs;
	int day, mon, y, day_idx, dummy;

	if (!bad)
		bad = &dummy;
	secs = parse_hms(hms);
	if (secs < 0) {
		*bad = 0;
		return -1;
	}
	day = small_num(a, 2);
	if (day >= 0) {
		day_idx = 1;
		mon = parse_month(b);
		if (day < 1 || day > 31) {
			*bad = 1;
			return -1;
		}
		if (mon < 0) {
			*bad = 2;
			return -1;
		}
	} else {
		mon = parse_month(a);
		if (mon < 0) {
			*bad = 1;
			return -1;
		}
		day_idx = 2;
		day = small_num(b, 2);
		if (day < 1 || day > 31) {
			*bad = 2;
			return -1;
		}
	}
	y = small_num(year, 4);
	if (y < 1993 || y > 2035) {
		*bad = 3;
		return -1;
	}
	if (day > days_in_month(y, mon)) {
		*bad = day_idx;
		return -1;
	}
	if (out)
		*out = tmr_from_civil(y, mon, day, 0, 0, 0) + (tmr_ms)secs * TMR_SEC -
		       (tmr_ms)tmr_clock_zone_offset(c) * TMR_MIN;
	return 0;
}

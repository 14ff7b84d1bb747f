/*
 * timers.h — the device clock and the timer queue (libc only; the bottom of
 * the dependency order cli → scep → core → timers).
 *
 * Time is an absolute instant, tmr_ms = milliseconds since the Unix epoch,
 * UTC.  The device clock is the host clock plus an offset that `clock set`
 * moves; with a frozen clock it moves only when set.  A display zone
 * (`clock timezone CET 1`) changes what is printed, never what is stored.
 *
 * The queue is a binary min-heap of timers embedded in their owners (libuv
 * style), ordered by deadline and, for equal deadlines, by arming order.
 * tmr_run() fires every timer due up to an instant, in order; while a
 * callback runs, the clock reads the timer's deadline ("virtual now"), so a
 * forward jump of two years replays as if the device had lived through it.
 *
 * Thread safety: the clock is safe to read from any thread.  The queue is
 * not locked; its owner (the device) serialises access.
 */
#ifndef PKISH_TIMERS_H
#define PKISH_TIMERS_H

#include <stddef.h>
#include <stdint.h>

typedef int64_t tmr_ms;
#define TMR_NEVER INT64_MAX
#define TMR_SEC  ((tmr_ms)1000)
#define TMR_MIN  (60 * TMR_SEC)
#define TMR_HOUR (60 * TMR_MIN)
#define TMR_DAY  (24 * TMR_HOUR)

/* ---- clock ---------------------------------------------------------------- */

typedef struct tmr_clock tmr_clock;

/* The boot time of a frozen clock: 00:00:00.000 UTC Mon Mar 1 1993, what an
 * IOS router without a calendar shows. */
#define TMR_FROZEN_EPOCH ((tmr_ms)730944000000LL)

tmr_clock *tmr_clock_new(int frozen);
void   tmr_clock_free(tmr_clock *c);
/* Host time source (default: CLOCK_REALTIME); for unit tests. */
void   tmr_clock_set_host_fn(tmr_clock *c, tmr_ms (*host_now)(void));
int    tmr_clock_frozen(const tmr_clock *c);
tmr_ms tmr_clock_now(const tmr_clock *c);
/* Move the clock to t (does not fire timers: see tmr_run). */
void   tmr_clock_set(tmr_clock *c, tmr_ms t);
/* device − host, for persisting the "hardware calendar" across restarts;
 * for a frozen clock: device time − TMR_FROZEN_EPOCH. */
tmr_ms tmr_clock_offset(const tmr_clock *c);
void   tmr_clock_set_offset(tmr_clock *c, tmr_ms off);
int    tmr_clock_authoritative(const tmr_clock *c);
void   tmr_clock_set_authoritative(tmr_clock *c, int yes);
/* Display zone: name ("CET", at most 7 chars) and offset east of UTC in
 * minutes.  Default "UTC", 0. */
void   tmr_clock_set_zone(tmr_clock *c, const char *name, int offset_min);
const char *tmr_clock_zone_name(const tmr_clock *c);
int    tmr_clock_zone_offset(const tmr_clock *c);
/* Virtual now: while set (≠ TMR_NEVER), tmr_clock_now() returns it.  Used
 * by tmr_run(); exposed for tests. */
void   tmr_clock_set_virtual(tmr_clock *c, tmr_ms t);
tmr_ms tmr_clock_get_virtual(const tmr_clock *c);   /* TMR_NEVER if unset */

/* ---- formatting (all write a NUL-terminated string, return its length) --- */

/* "13:14:16 CET Oct 8 2017": certificate and server times, local zone. */
size_t tmr_fmt_date(const tmr_clock *c, tmr_ms t, char *buf, size_t n);
/* "*13:19:58.946 CET Fri Oct 9 2015": show clock ('*' unless authoritative). */
size_t tmr_fmt_show_clock(const tmr_clock *c, tmr_ms t, char *buf, size_t n);
/* "*Mar  1 18:38:57.288: ": syslog prefix ('*' unless authoritative). */
size_t tmr_fmt_log(const tmr_clock *c, tmr_ms t, char *buf, size_t n);
/* "2025-10-31T16:32:07Z": always UTC. */
size_t tmr_fmt_iso(tmr_ms t, char *buf, size_t n);
/* Remaining time as IOS prints it (spec §5.7); negative is printed as 0:
 * "639d23:54:17.977", "3d 7:05:24.003", "5:54:17.977", "7:49.003", "57.782". */
size_t tmr_fmt_duration(tmr_ms ms, char *buf, size_t n);

/* Parse `clock set` arguments: "hh:mm:ss" then day and month in either
 * order ("9 Oct" or "Oct 9"; month names case-insensitive, any unique
 * prefix of at least 3 letters), then year 1993–2035.  The time is local
 * (the clock's zone).  Returns 0 and *out, or -1 with the index (0..3) of
 * the first bad argument in *bad. */
int    tmr_parse_clock_set(const tmr_clock *c, const char *hms, const char *a,
                           const char *b, const char *year, tmr_ms *out, int *bad);

/* Calendar helpers (UTC): y, mon 1-12, d 1-31, h, m, s → tmr_ms; and back. */
tmr_ms tmr_from_civil(int y, int mon, int d, int h, int mi, int s);
void   tmr_to_civil(tmr_ms t, int *y, int *mon, int *d, int *h, int *mi, int *s,
                    int *msec, int *wday);

/* ---- timer queue --------------------------------------------------------- */

/* Groups, in the order `show crypto pki timers` prints them. */
enum tmr_group {
	TMR_G_PKI,       /* "PKI Timers": RENEW, SHADOW, POLL, CONNECT RETRY, SESSION CLEANUP */
	TMR_G_EXPIRY,    /* "Expiry Alert Timers" */
	TMR_G_CRL,       /* "CRL Timers" */
	TMR_G_TRUSTPOOL, /* "Trustpool Timers" */
	TMR_G_CS,        /* "CS Timers" */
	TMR_G__MAX
};

typedef struct tmr tmr;
typedef void (*tmr_cb)(tmr *t, void *arg);

/* Embedded in its owner.  Fields are private to timers.c; use the calls. */
struct tmr {
	tmr_ms deadline;
	uint64_t seq;
	long idx;            /* heap slot, -1 while not armed */
	enum tmr_group group;
	char label[64];      /* "CS CRL UPDATE", "RENEW client" */
	tmr_cb cb;
	void *arg;
};

typedef struct tmr_queue tmr_queue;

tmr_queue *tmr_queue_new(tmr_clock *c);
void   tmr_queue_free(tmr_queue *q);     /* timers are not freed (owners own them) */
tmr_clock *tmr_queue_clock(const tmr_queue *q);

void   tmr_init(tmr *t, enum tmr_group g, const char *label, tmr_cb cb, void *arg);
void   tmr_set_label(tmr *t, const char *label);
/* (Re)arm at an absolute deadline; a timer armed twice moves. */
void   tmr_start(tmr_queue *q, tmr *t, tmr_ms deadline);
void   tmr_stop(tmr_queue *q, tmr *t);   /* no-op when not armed */
int    tmr_armed(const tmr *t);
tmr_ms tmr_deadline(const tmr *t);       /* TMR_NEVER when not armed */
tmr_ms tmr_next(const tmr_queue *q);     /* earliest deadline, TMR_NEVER if none */
size_t tmr_count(const tmr_queue *q);

/* Fire, in (deadline, arming order), every timer whose deadline ≤ until,
 * including timers armed by callbacks during the run.  A timer is disarmed
 * before its callback runs.  While the callback runs, the clock's virtual
 * now is max(deadline, clock time when tmr_run was called).  Returns the
 * number fired.  Stops after 10 000 000 firings (a runaway re-arm loop). */
size_t tmr_run(tmr_queue *q, tmr_ms until);
/* Inside a callback: the `until` of the run in progress (else the clock's
 * now), so periodic owners can skip firings that nobody will observe. */
tmr_ms tmr_run_target(const tmr_queue *q);

/* `show crypto pki timers` (detail = 0) and `show crypto pki timer detail`
 * (detail = 1), exactly as spec §5.7.  Returns a malloc'd string ("" when
 * no timer is armed); the caller frees it. */
char  *tmr_render(const tmr_queue *q, tmr_ms now, int detail);

#endif

/*
 * log.h — the device's log sink.
 *
 * Every module logs through here; nothing writes to a terminal directly.
 * A message is stamped with the device clock the IOS way
 * ("*Mar  1 18:38:57.288: %PKI-6-CS_ENABLED: ...", '*' while the clock is
 * not authoritative), kept in the buffer when `logging buffered` is on, and
 * handed to every registered sink (the console, monitor sessions), which
 * decide themselves whether the severity passes their level.
 *
 * Debug messages belong to families switched by `debug crypto pki ...`;
 * pk_debug() drops them cheaply while their family is off.
 */
#ifndef PKISH_LOG_H
#define PKISH_LOG_H

#include <stddef.h>
#include "timers/timers.h"

enum pk_sev {
	PK_LOG_EMERG, PK_LOG_ALERT, PK_LOG_CRIT, PK_LOG_ERR,
	PK_LOG_WARN, PK_LOG_NOTICE, PK_LOG_INFO, PK_LOG_DEBUG
};

/* Debug families (spec §5.11). */
enum {
	PK_DBG_SERVER   = 1u << 0,   /* debug crypto pki server        CRYPTO_CS: */
	PK_DBG_TRANS    = 1u << 1,   /* debug crypto pki transactions  CRYPTO_PKI: */
	PK_DBG_MSGS     = 1u << 2,   /* debug crypto pki messages      CRYPTO_PKI: */
	PK_DBG_HTTP     = 1u << 3,   /* debug ip http transactions */
	PK_DBG__ALL     = 0xfu
};

/* The clock used for timestamps (may be NULL: then no timestamp). */
void pk_log_set_clock(tmr_clock *c);

void pk_log(int sev, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void pk_debug(unsigned family, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
int  pk_debug_on(unsigned family);
void pk_debug_set(unsigned families, int on);
unsigned pk_debug_mask(void);

/* Sinks get the whole stamped line without a newline; called with the log
 * lock held, so a sink must not log. */
typedef void (*pk_log_sink_fn)(void *arg, int sev, const char *line);
int  pk_log_sink_add(pk_log_sink_fn fn, void *arg);
void pk_log_sink_remove(int id);

/* `logging buffered [size] [level]`; size 0 turns the buffer off. */
void   pk_log_buffer_set(size_t size, int level);
size_t pk_log_buffer_size(void);
int    pk_log_buffer_level(void);
void   pk_log_buffer_clear(void);
/* The buffer's lines, oldest first, each ending in '\n' (malloc'd). */
char  *pk_log_buffer_dump(void);
/* Counters for `show logging`. */
unsigned long pk_log_count(void);
unsigned long pk_log_buffer_count(void);

/* Messages that must stay visible whatever `logging buffered` says: the
 * errors of the last boot's startup-config.  pk_log_keep() logs like
 * pk_log() (sinks, counters) but keeps the line apart from the buffer, in
 * a small list that `show logging` prints and the next boot clears.  The
 * first lines are kept (up to PK_LOG_KEEP_MAX bytes); later ones are only
 * counted. */
#define PK_LOG_KEEP_MAX 16384
void pk_log_keep(int sev, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void pk_log_kept_clear(void);
/* The kept lines, each ending in '\n' ("" if none; malloc'd). */
char *pk_log_kept_dump(void);
/* How many were kept / logged with pk_log_keep since the last clear. */
unsigned long pk_log_kept_count(void);
unsigned long pk_log_kept_total(void);

/* `logging console [level]` / `logging monitor [level]`: the most severe
 * level that still passes, or -1 when off (`no logging console`). */
void pk_log_set_console(int level);
int  pk_log_console(void);
void pk_log_set_monitor(int level);
int  pk_log_monitor(void);
/* Back to the defaults (reload): console and monitor at debugging,
 * buffer off. */
void pk_log_reset(void);

const char *pk_sev_name(int sev);        /* "debugging", "informational", ... */
int pk_sev_parse(const char *s);         /* name or 0-7; -1 if bad */

#endif

/*
 * device.h — one process is one device: its directory (nvram:, flash:),
 * clock and timers, the device lock, and the settings that are not PKI.
 *
 * Concurrency: one device lock guards all device state (settings, timers,
 * PKI).  Console and vty sessions hold it while a command runs (and drop it
 * while they wait for an answer to a dialog); the timer thread holds it
 * while timers fire; HTTP threads take it only around decisions.
 */
#ifndef PKISH_DEVICE_H
#define PKISH_DEVICE_H

#include <stddef.h>
#include "timers/timers.h"

typedef struct pk_device pk_device;

/* Open (and on first use create) the device directory: DIR/nvram, DIR/flash
 * (mode 0700).  The calendar (device time at the last stop) is restored;
 * the clock is not authoritative until `clock set` or calendar-valid. */
int  pk_device_open(const char *dir, int frozen_clock, pk_device **out);
void pk_device_free(pk_device *d);

const char *pk_device_dir(const pk_device *d);
/* Map a device URL to a host path: "nvram:x" → DIR/nvram/x, "flash:x" or
 * "flash:/x" → DIR/flash/x, "unix:/p" → /p.  Other schemes (ftp:, tftp:,
 * http:) are PK_EINVAL with a message.  ".." components are refused. */
int  pk_device_path(const pk_device *d, const char *url, char *buf, size_t n);

/* The host path is the device's private key store (nvram:private-config,
 * however it is reached: nvram:, unix:, a symbolic link): no command reads
 * or writes it as a file (IOS refuses to open private-config). */
int  pk_device_secret_path(const pk_device *d, const char *path);

void pk_device_lock(pk_device *d);
void pk_device_unlock(pk_device *d);

tmr_clock *pk_device_clock(pk_device *d);
tmr_queue *pk_device_timers(pk_device *d);
tmr_ms     pk_device_now(pk_device *d);

/* `clock set`: move the clock, make it authoritative, save the calendar,
 * fire every timer that became due (in deadline order), then let the
 * owners recompute their timers from certificate dates. */
int  pk_device_clock_set(pk_device *d, tmr_ms t);
/* `clock calendar-valid`. */
void pk_device_set_calendar_valid(pk_device *d, int on);
int  pk_device_calendar_valid(const pk_device *d);
/* Fire the timers due now (the timer thread and tests call this). */
void pk_device_run_timers(pk_device *d);

/* Owners of timers register a hook called after the clock moved or became
 * authoritative (device lock held). */
typedef void (*pk_device_hook)(pk_device *d, void *arg);
void pk_device_on_clock_change(pk_device *d, pk_device_hook fn, void *arg);
/* Called by pk_device_reset (reload) so owners drop their state. */
void pk_device_on_reset(pk_device *d, pk_device_hook fn, void *arg);

/* Background timer thread (real-time clocks); stopped by pk_device_free. */
int  pk_device_start_timer_thread(pk_device *d);
/* Wake the timer thread: a timer was (re)armed or the clock moved. */
void pk_device_kick(pk_device *d);

/* Settings of the running-config that are not PKI. */
const char *pk_device_hostname(const pk_device *d);
int  pk_device_set_hostname(pk_device *d, const char *name);   /* NULL = default */
const char *pk_device_domain(const pk_device *d);              /* "" if none */
void pk_device_set_domain(pk_device *d, const char *name);     /* NULL = none */

/* `ip http server` / `ip http port N`; the listener itself is scep/'s.
 * Where it listens (all addresses by default) is a start option of the
 * process, not configuration: see scep/. */
int  pk_device_http_enabled(const pk_device *d);
void pk_device_set_http_enabled(pk_device *d, int on);
int  pk_device_http_port(const pk_device *d);          /* default 80 */
void pk_device_set_http_port(pk_device *d, int port);

/* Running-config differs from startup-config (for `reload`). */
void pk_device_set_modified(pk_device *d, int yes);
int  pk_device_modified(const pk_device *d);

/* The configuration the device booted from was damaged (0: it replayed
 * cleanly).  The CLI's boot sets it after replaying nvram:startup-config and
 * before the PKI completes its configuration (pk_pki_config_done), so that
 * the PKI can refuse to replace state the damaged text failed to restore
 * (a CA certificate).  Each boot sets it again; reset clears it. */
enum {
	PK_CFG_DMG_LINE  = 1u << 0,   /* a line failed (unknown, invalid, rejected) */
	PK_CFG_DMG_NUL   = 1u << 1,   /* a line held a NUL byte (not applied) */
	PK_CFG_DMG_TRUNC = 1u << 2,   /* no `end`: the file lost its tail */
	PK_CFG_DMG_BLOCK = 1u << 3,   /* certificate hex never reached `quit` */
	PK_CFG_DMG_READ  = 1u << 4,   /* the file exists but could not be read */
};
void     pk_device_set_config_damaged(pk_device *d, unsigned flags);
unsigned pk_device_config_damaged(const pk_device *d);

/* Back to factory defaults in memory (reload); storage is untouched. */
void pk_device_reset(pk_device *d);

/* The router's serial number ("Processor board ID"): 8 digits made once
 * per device directory and kept in DIR/board-id. */
const char *pk_device_board_id(const pk_device *d);

/* When the device started (device time), for show version. */
tmr_ms pk_device_boot_time(const pk_device *d);

#endif

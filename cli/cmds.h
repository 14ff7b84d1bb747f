/*
 * cmds.h — command tables and handlers shared between the nodes_*.c files.
 */
#ifndef PKISH_CMDS_H
#define PKISH_CMDS_H

#include <sys/types.h>

#include "cli/cli.h"

/* nodes_device.c: clock, storage, logging, debug, reload */
extern const struct cli_node n_clock_exec[], n_show_clock[], n_copy[], n_dir[],
	n_erase[], n_more[], n_write[], n_debug[], n_undebug[], n_clock_config[],
	n_logging[];
int h_show_clock(cli_sess *s, const cli_args *a);
int h_show_debugging(cli_sess *s, const cli_args *a);
int h_show_logging(cli_sess *s, const cli_args *a);
int h_show_startup(cli_sess *s, const cli_args *a);
int h_dir(cli_sess *s, const cli_args *a);
int h_reload(cli_sess *s, const cli_args *a);
int h_write(cli_sess *s, const cli_args *a);
/* Whole files behind device URLs (nvram:, flash:, unix:). */
int cli_read_url(cli_sess *s, const char *url, char **data, size_t *len);
int cli_write_url(cli_sess *s, const char *url, const char *data, size_t len, mode_t mode);
int cli_configure_memory(cli_sess *s);
/* Boot: replay nvram:startup-config into the session (quietly). */
void cli_boot(cli_sess *s);
/* Save the running-config to nvram:startup-config. */
int cli_save_config(cli_sess *s);
/* The running-config differs from what the next boot replays (the
 * startup-config, or the factory configuration without one). */
int cli_config_differs(cli_sess *s);
/* `write memory` with its output. */
int cli_write_memory(cli_sess *s);
/* The local console is about to end pkish: ask about unsaved changes;
 * 1 = ^C, stay. */
int cli_console_leaving(cli_sess *s);

/* nodes_pki.c: crypto commands */
extern const struct cli_node n_show_crypto[], n_crypto_exec[], n_crypto_config[];
/* The PKI part of the running-config. */
void cli_nvgen_pki(pk_device *d, char **buf, size_t *len, size_t *cap);
/* Bring the HTTP listener in line with `ip http server` / `ip http port`. */
int  cli_http_apply(cli_sess *s);

/* nodes_config.c */
extern const struct cli_node n_show_ip[];
void cli_nvgen_general(pk_device *d, char **buf, size_t *len, size_t *cap);
int  cli_line_length(int vty);     /* `length` of line con 0 / line vty */

/* session.c: reload ends every other session (vty connections close). */
void cli_drop_other_sessions(cli_sess *keep);

/* misc */
void cli_uptime_start(void);
void cli_buf_printf(char **buf, size_t *len, size_t *cap, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

#endif

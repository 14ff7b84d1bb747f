/*
 * cli_int.h — what engine.c and session.c share (not for command tables).
 */
#ifndef PKISH_CLI_INT_H
#define PKISH_CLI_INT_H

#include "cli/cli.h"

enum { PIPE_NONE, PIPE_INCLUDE, PIPE_EXCLUDE, PIPE_BEGIN, PIPE_SECTION, PIPE_COUNT };

int  cli_sess_priv(const cli_sess *s);
/* Print the prompt and line when the session echoes. */
void cli_echo(cli_sess *s, const char *line);
/* Before an error message: print the context a reader needs (the line when
 * it was not echoed, the replay position) and return the caret indent. */
int  cli_error_indent(cli_sess *s, const char *line);
/* Unfiltered output (engine messages, help). */
void cli_raw_printf(cli_sess *s, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void cli_mark_failed(cli_sess *s);
int  cli_run_raw(cli_sess *s, const char *line);
void cli_history_add(cli_sess *s, const char *line);
/* Walkup: leave sub-modes until `to` is the current mode. */
void cli_walkup(cli_sess *s, const struct cli_mode *to);
/* Run a handler with the device lock held and the pipe filter set up. */
int  cli_run_handler(cli_sess *s, const struct cli_node *n, const cli_args *a,
		     long pipe, const char *pipe_re, int in_do);
int  cli_parse_ipv4(const char *s, unsigned char out[4]);
/* History lines, oldest first (for show history). */
int  cli_history(const cli_sess *s, const char **out, int max);
void cli_set_term_len(cli_sess *s, int len);
void cli_set_monitor(cli_sess *s, int on);
int  cli_monitor(const cli_sess *s);
void cli_set_exec_timestamp(cli_sess *s, int on);
void cli_set_history_size(cli_sess *s, int n);
int  cli_history_size(const cli_sess *s);

/* Each command starts with no cancelled question (cli_interrupted). */
void cli_set_interrupted(cli_sess *s, int on);
/* nodes_config.c: how many vty lines exist (`line vty 0 N`: N + 1). */
int  cli_vty_lines(void);

#endif

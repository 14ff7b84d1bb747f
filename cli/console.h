/*
 * console.h — the ways a session meets a person or a script: batch input
 * (stdin that is not a terminal, -c, -f), the libedit terminal, and vty
 * connections over the device's Unix socket.
 */
#ifndef PKISH_CONSOLE_H
#define PKISH_CONSOLE_H

#include <stdio.h>
#include "cli/cli.h"

/* ---- batch (batch.c) ------------------------------------------------------ */

struct batch {
	FILE *in;          /* commands and dialog answers */
	FILE *out;
	int echo;          /* answers are echoed after their question */
	const char *name;  /* non-NULL: errors carry "NAME line N: " */
	int lineno;
	int wake_fd[2];
};
extern const struct cli_io batch_io;
/* Run lines from b->in until end of input or the session ends. */
void batch_run(cli_sess *s, struct batch *b);
/* Run one line given on the command line (-c). */
int  batch_run_line(cli_sess *s, struct batch *b, const char *line);

/* ---- terminal (term.c: the only file that includes histedit.h) ---------- */

/* What the terminal drives: a local session or a remote one (--attach). */
struct term_backend {
	const char *(*prompt)(void *arg);
	void  (*exec)(void *arg, const char *line);
	void  (*help)(void *arg, const char *line);
	char *(*complete)(void *arg, const char *line);
	int   (*done)(void *arg);
	/* Readable when output waits that did not come from a command. */
	int   (*async_fd)(void *arg);
	void  (*async)(void *arg);
	void *arg;
};

/* The interactive loop; returns when the backend is done or at EOF. */
void term_run(const struct term_backend *be);
/* I/O of a session whose user sits at this terminal. */
extern const struct cli_io term_io;
struct term_local {
	cli_sess *sess;
	int wake_fd[2];
};
/* Run a local session on this terminal. */
void term_run_local(cli_sess *s, struct term_local *tl);
/* Terminal helpers shared with the attach client.  ^C is a key there, not
 * a signal: term_ask returns TERM_INTR (the question is cancelled) and
 * term_more TERM_KEY_INTR (the output stops); both print "^C". */
#define TERM_INTR     CLI_INTR
#define TERM_KEY_INTR 3
int  term_ask(const char *question, int hidden, char *buf, size_t n);
int  term_more(void);
void term_write(const char *buf, size_t n);
int  term_rows(void);

/* ---- vty (vty.c) ---------------------------------------------------------- */

/* Listen on DIR/console.sock (mode 0600) and serve sessions in threads. */
int  vty_listen(pk_device *dev, const char *sockpath);
void vty_shutdown(void);
/* Set by `--stop` arriving over the socket, or by SIGTERM. */
int  vty_stop_requested(void);
/* Client side: run -c lines / -f file on a running device; attach. */
int  vty_connect(const char *sockpath);
int  vty_client_commands(int fd, char **lines, int n, int echo);
int  vty_client_file(int fd, FILE *in, const char *name, int echo, int config);
int  vty_client_attach(int fd);
int  vty_client_stop(int fd);

#endif

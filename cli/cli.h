/*
 * cli.h — the IOS command-tree engine (internal to cli/).
 *
 * Commands are data: every mode has a table of nodes (static const arrays
 * ending with an all-zero entry).  A node is a keyword or a typed value; it
 * points to the table of the words that may follow it, and carries a
 * handler when the command may end there (<cr>).  Adding a command is adding
 * entries and a handler; the matcher never changes.
 *
 * Matching, per token: an exact keyword beats a typed value (integer in
 * range, hex, IPv4), which beats a keyword prefix, which beats a free word
 * (WORD, URL, LINE); two prefixes at the best level are ambiguous.  Values
 * never match partially.  `no` / `default` are stripped in config modes and
 * passed to the handler; `do` runs the rest as privileged EXEC; a command
 * that fails in a sub-mode is retried in the parent modes (walkup) and, if
 * it matches there, the session moves to that mode, as IOS does.
 *
 * Handlers run with the device lock held and write only through
 * cli_printf()/cli_write(), which apply the `| include|exclude|begin|section|
 * count` filter and the --More-- pager.  They return 0, or CLI_ERR after
 * printing their own "% ..." message.
 */
#ifndef PKISH_CLI_H
#define PKISH_CLI_H

#include <pthread.h>
#include <regex.h>
#include <stddef.h>

#include "core/pk.h"

typedef struct cli_sess cli_sess;
typedef struct cli_args cli_args;
typedef int (*cli_fn)(cli_sess *s, const cli_args *a);

#define CLI_ERR (-1)
/* cli_io.ask: the question was cancelled (^C); callers of cli_ask see -1. */
#define CLI_INTR (-2)

enum cli_kind {
	CLI_KW = 1,     /* keyword, matched by any unique prefix */
	CLI_WORD,       /* any single word */
	CLI_INT,        /* decimal integer in [lo, hi] */
	CLI_HEX,        /* hex number, optional 0x prefix */
	CLI_IPV4,       /* A.B.C.D */
	CLI_URL,        /* scheme:rest (nvram:, flash:, unix:/, http://) */
	CLI_LINE,       /* the rest of the line, spaces included */
};

enum {
	CLI_F_HIDDEN  = 1 << 0,   /* matches, but ? and TAB never list it */
	CLI_F_PRIV    = 1 << 1,   /* privileged EXEC only */
	CLI_F_ONCE    = 1 << 2,   /* an option: at most once per line */
	CLI_F_NEG_END = 1 << 3,   /* may end here in the no/default form only */
	CLI_F_NONEG   = 1 << 4,   /* config modes: not valid after no/default */
	CLI_F_NEG     = 1 << 5,   /* exec modes: valid after no */
	CLI_F_DO      = 1 << 6,   /* `do`: the rest is privileged EXEC */
	CLI_F_NOPIPE  = 1 << 7,   /* LINE that may contain " | " (no pipe split) */
};

struct cli_node {
	const char *tok;          /* keyword, or the placeholder shown by ? */
	const char *help;
	unsigned char kind;       /* enum cli_kind */
	unsigned short flags;
	const char *key;          /* name for cli_arg_*(); default: tok */
	long long lo, hi;         /* CLI_INT range */
	const struct cli_node *next;
	cli_fn fn;                /* non-NULL: the command may end here */
	long data;                /* for handlers shared by several nodes */
};

/* Table-writing shorthands. */
#define KW(t, h, nx, f)        { .tok = (t), .help = (h), .kind = CLI_KW, .next = (nx), .fn = (f) }
#define KWF(t, h, fl, nx, f)   { .tok = (t), .help = (h), .kind = CLI_KW, .flags = (fl), .next = (nx), .fn = (f) }
#define KWD(t, h, nx, f, d)    { .tok = (t), .help = (h), .kind = CLI_KW, .next = (nx), .fn = (f), .data = (d) }
#define WORD(k, h, nx, f)      { .tok = "WORD", .help = (h), .kind = CLI_WORD, .key = (k), .next = (nx), .fn = (f) }
#define LINE(k, h, f)          { .tok = "LINE", .help = (h), .kind = CLI_LINE, .key = (k), .fn = (f) }
#define INT(k, l, u, h, nx, f) { .tok = NULL, .help = (h), .kind = CLI_INT, .key = (k), .lo = (l), .hi = (u), .next = (nx), .fn = (f) }
#define HEX(k, h, nx, f)       { .tok = "WORD", .help = (h), .kind = CLI_HEX, .key = (k), .next = (nx), .fn = (f) }
#define IPV4(k, h, nx, f)      { .tok = "A.B.C.D", .help = (h), .kind = CLI_IPV4, .key = (k), .next = (nx), .fn = (f) }
#define URL(k, h, nx, f)       { .tok = "WORD", .help = (h), .kind = CLI_URL, .key = (k), .next = (nx), .fn = (f) }
#define END_TABLE              { 0 }

/* ---- modes ---------------------------------------------------------------- */

enum {
	CLI_M_EXEC   = 1 << 0,    /* user/privileged EXEC */
	CLI_M_CONFIG = 1 << 1,    /* a configuration mode: no/default/do/end/exit */
};

struct cli_mode {
	const char *name;                 /* "config", "cs-server" */
	const char *prompt;               /* "(config)" — appended to the hostname */
	const struct cli_mode *parent;
	const struct cli_node *table;
	unsigned flags;
	/* Raw-line modes (certificate hex input): every line goes here. */
	int (*raw)(cli_sess *s, const char *line);
	/* Leaving the mode by exit, end or walkup. */
	void (*on_exit)(cli_sess *s);
};

extern const struct cli_mode cli_mode_exec;     /* Router> and Router# */
extern const struct cli_mode cli_mode_config;   /* Router(config)# */

/* Enter a sub-mode of the current mode; ctx names the object edited. */
void cli_enter(cli_sess *s, const struct cli_mode *m, const char *ctx);
/* Leave the current mode (exit). */
void cli_exit_mode(cli_sess *s);
/* The object name of the current sub-mode ("" in exec/config). */
const char *cli_ctx(const cli_sess *s);
const struct cli_mode *cli_mode(const cli_sess *s);

/* ---- arguments ------------------------------------------------------------ */

enum { CLI_NEG_NONE, CLI_NEG_NO, CLI_NEG_DEFAULT };

#define CLI_MAX_ARGS 48

struct cli_arg {
	const struct cli_node *node;
	const char *text;                 /* as typed (LINE: rest of line) */
	long long num;                    /* CLI_INT / CLI_HEX value */
	int col;                          /* offset in the line */
};

struct cli_args {
	int neg;                          /* CLI_NEG_* */
	int n;
	struct cli_arg v[CLI_MAX_ARGS];
	const char *line;                 /* the whole line as typed */
	long data;                        /* data of the node whose handler runs */
};

const char *cli_arg_str(const cli_args *a, const char *key);      /* NULL if absent */
long long   cli_arg_int(const cli_args *a, const char *key, long long dflt);
int         cli_arg_has(const cli_args *a, const char *key);
/* Position of a key among the args (-1 if absent), for order-sensitive forms. */
int         cli_arg_index(const cli_args *a, const char *key);

/* Once per process, after the device is open: registers cli/'s reset hooks. */
void cli_init(pk_device *dev);

/* ---- sessions ------------------------------------------------------------- */

/* How a session reaches its user (console, batch, vty socket). */
struct cli_io {
	void (*write)(void *arg, const char *buf, size_t n);
	/* Print the question, read one answer line (no newline) into buf.
	 * hidden: do not echo (passwords).  0, -1 at end of input, or
	 * CLI_INTR when the user cancelled the question (^C). */
	int  (*ask)(void *arg, const char *question, int hidden, char *buf, size_t n);
	/* The --More-- prompt: returns ' ' (next page), '\n' (next line); any
	 * other key ('q', ^C) drops the rest of the output. */
	int  (*more)(void *arg);
	/* Asynchronous output waits (another thread logged): wake the reader. */
	void (*wake)(void *arg);
	/* The device reloads: end this session (close the connection). */
	void (*drop)(void *arg);
};

enum {
	CLI_S_ECHO        = 1 << 0,   /* print prompt + line before running it */
	CLI_S_INTERACTIVE = 1 << 1,   /* a terminal: --More--, caret after prompt */
	CLI_S_CONSOLE     = 1 << 2,   /* the console line (logging console) */
	CLI_S_QUIET_LOGS  = 1 << 3,   /* replaying startup-config: no CONFIG_I */
	CLI_S_REPLAY      = 1 << 4,   /* inside cli_replay_config */
};

cli_sess *cli_sess_new(pk_device *dev, const struct cli_io *io, void *io_arg,
		       const char *name, unsigned opts);
void cli_sess_free(cli_sess *s);

/* Run one line as typed.  Returns 0, or CLI_ERR if the line failed. */
int  cli_exec(cli_sess *s, const char *line);
/* `?` on a line (the text before the '?', exactly as typed). */
void cli_help(cli_sess *s, const char *line);
/* TAB: the text to insert after `line` to complete its last word (malloc'd),
 * or NULL when there is no unique completion. */
char *cli_complete(cli_sess *s, const char *line);
/* The prompt: "Router>", "R1(config)#". */
const char *cli_prompt(cli_sess *s);
/* Ctrl-Z: like `end` in config modes. */
void cli_ctrl_z(cli_sess *s);
/* Print queued asynchronous output (logs from other threads). */
void cli_flush_async(cli_sess *s);
/* Non-zero once the session asked to end (exit from EXEC, reload drop). */
int  cli_done(const cli_sess *s);
void cli_set_done(cli_sess *s);
void cli_clear_done(cli_sess *s);        /* the session goes on after all */
/* Any line failed since the session began. */
int  cli_failed(const cli_sess *s);
void cli_set_priv(cli_sess *s, int priv);
unsigned cli_opts(const cli_sess *s);
void cli_set_opts(cli_sess *s, unsigned opts);
/* Prefix used for errors while replaying a file ("startup-config line 3: "). */
void cli_set_replay(cli_sess *s, const char *name, int line);
pk_device *cli_dev(const cli_sess *s);
const char *cli_sess_name(const cli_sess *s);
int  cli_term_len(const cli_sess *s);

/* Replay a configuration text in config mode, line by line, reporting
 * failures with their line numbers and going on.  Returns the number of
 * failed lines. */
int  cli_replay_config(cli_sess *s, const char *name, const char *text);

/* The same for bytes as read from a file, and what went wrong.  Lines end
 * in "\n", "\r\n" or a lone "\r".  A line holding a NUL byte, or longer
 * than a command line may be, is reported with its number and not applied;
 * the lines after it still are.  A certificate hex block (a raw mode) still
 * open at the end is reported.  With CLI_RP_NEED_END (nvram:startup-config,
 * which pkish always ends with `end`) a text without `end` is reported as
 * truncated, with the line where it stops.  CLI_RP_BOOT: the device boots
 * from this text — every problem is also logged with pk_log_keep() as a
 * %PARSER-4-BADCFG message (show logging keeps it), and the device's
 * pk_device_set_config_damaged() flags are set before the PKI completes
 * its configuration.  Returns r->problems. */
enum { CLI_RP_NEED_END = 1u << 0, CLI_RP_BOOT = 1u << 1 };
struct cli_replay {
	unsigned flags;       /* in: CLI_RP_* */
	int lines;            /* out: lines read */
	int failed;           /* lines that failed or were not applied */
	int first_failed;     /* the number of the first of them (0: none) */
	int nul_lines;        /* lines holding a NUL byte */
	int truncated;        /* CLI_RP_NEED_END and no `end` */
	int open_block;       /* line where an unfinished hex block began (0: none) */
	int problems;         /* failed + truncated + (open_block != 0) */
	unsigned damage;      /* PK_CFG_DMG_* bits of the above */
};
int  cli_replay_buf(cli_sess *s, const char *name, const char *data, size_t len,
		    struct cli_replay *r);
/* Line splitting shared by the readers: the next line of data[*pos, len)
 * (not terminated; *n bytes, without its line end).  0 at the end. */
int  cli_next_line(const char *data, size_t len, size_t *pos, const char **line, size_t *n);

/* ---- output --------------------------------------------------------------- */

void cli_write(cli_sess *s, const char *buf, size_t n);
void cli_puts(cli_sess *s, const char *str);
void cli_printf(cli_sess *s, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* IOS's caret error for a value the matcher accepted but the handler
 * rejects (a month name, a time): "^" under argument `idx`. */
int  cli_invalid_arg(cli_sess *s, const cli_args *a, int idx);
/* Error helper: "% " + message + "\n". */
int  cli_error(cli_sess *s, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* "% <pk_err_msg()>" for a failed core call; returns CLI_ERR. */
int  cli_core_error(cli_sess *s, int rc);

/* Dialogs (the device lock is released while waiting for the answer). */
int  cli_ask(cli_sess *s, const char *question, char *buf, size_t n);
int  cli_ask_secret(cli_sess *s, const char *question, char *buf, size_t n);
/* "[yes/no]: " questions: 1 yes, 0 no, -1 end of input or cancelled (^C).
 * Re-asks on junk. */
int  cli_confirm(cli_sess *s, const char *question);
/* A question of the running command was cancelled with ^C: whatever the
 * command collected must not be applied (the -1 of cli_ask says the same). */
int  cli_interrupted(const cli_sess *s);

/* ---- running-config ------------------------------------------------------- */

/* Generate the running-config body (what follows "Current configuration").
 * Returns a malloc'd string. */
char *cli_nvgen(pk_device *dev);
/* Full `show running-config` text incl. header; malloc'd. */
char *cli_running_config(pk_device *dev);

/* ---- tables defined in nodes_*.c ----------------------------------------- */

extern const struct cli_node n_exec[];
extern const struct cli_node n_config[];
extern const struct cli_node n_pipe[];

#endif

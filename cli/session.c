/*
 * session.c — a CLI session: its mode stack and prompt, the output path
 * (pipe filters, then the --More-- pager, then the session's I/O), dialogs,
 * history, and log messages that arrive from other threads.
 */
#include <pthread.h>
#include <regex.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/cli_int.h"
#include "cli/cmds.h"
#include "cli/pkish.h"
#include "core/text.h"

#define MAX_DEPTH 8
#define HIST_MAX 256

struct frame {
	const struct cli_mode *mode;
	char ctx[128];
};

struct cli_sess {
	struct cli_sess *next_sess;   /* registry of live sessions */
	pk_device *dev;
	const struct cli_io *io;
	void *io_arg;
	char name[32];
	unsigned opts;
	int priv;
	struct frame fr[MAX_DEPTH];
	int depth;
	char prompt[160];
	int done, failed;
	int term_len;
	int monitor;
	int exec_ts;
	int configured;           /* in config mode since the last CONFIG_I */
	int indent;               /* prompt length when the current line was read */
	/* history */
	char *hist[HIST_MAX];
	int hist_n, hist_size;
	/* replay position for error messages */
	char replay_name[256];
	int replay_line;
	char replay_text[512];    /* the line being replayed (for cli_error) */
	int replay_shown;         /* its "NAME line N:" context was printed */
	int rp_capture;           /* keep the first "% ..." message in rp_msg */
	char rp_msg[256];         /* (cli_replay_buf logs it with the line) */
	/* output */
	char *lb;                 /* partial line */
	size_t lb_len, lb_cap;
	long filter;
	regex_t re;
	int begun;
	long count;
	char *sec;                /* PIPE_SECTION: the section being collected */
	size_t sec_len, sec_cap;
	int sec_match;
	int lines;                /* lines since the last --More-- */
	int discard;              /* q at --More--: drop the rest */
	int interrupted;          /* ^C cancelled a question of this command */
	/* locking and async output */
	pthread_t thread;
	int locked;               /* this session holds the device lock */
	int sink;
	pthread_mutex_t qmu;
	char *q;
	size_t q_len, q_cap;
};

static void term_write(cli_sess *s, const char *buf, size_t n);

/* ---- basic accessors ------------------------------------------------------ */

pk_device *cli_dev(const cli_sess *s) { return s->dev; }
const char *cli_sess_name(const cli_sess *s) { return s->name; }
int cli_sess_priv(const cli_sess *s) { return s->priv; }
int cli_done(const cli_sess *s) { return s->done; }
void cli_set_done(cli_sess *s) { s->done = 1; }
void cli_clear_done(cli_sess *s) { s->done = 0; }
int cli_failed(const cli_sess *s) { return s->failed; }
void cli_mark_failed(cli_sess *s) { s->failed = 1; }
unsigned cli_opts(const cli_sess *s) { return s->opts; }
void cli_set_opts(cli_sess *s, unsigned opts) { s->opts = opts; }
int cli_term_len(const cli_sess *s) { return s->term_len; }
void cli_set_term_len(cli_sess *s, int len) { s->term_len = len; }
void cli_set_monitor(cli_sess *s, int on) { s->monitor = on; }
int cli_monitor(const cli_sess *s) { return s->monitor; }
void cli_set_exec_timestamp(cli_sess *s, int on) { s->exec_ts = on; }
int cli_history_size(const cli_sess *s) { return s->hist_size; }

void cli_set_priv(cli_sess *s, int priv)
{
	s->priv = priv;
}

const struct cli_mode *cli_mode(const cli_sess *s)
{
	return s->fr[s->depth].mode;
}

const char *cli_ctx(const cli_sess *s)
{
	return s->fr[s->depth].ctx;
}

void cli_set_replay(cli_sess *s, const char *name, int line)
{
	snprintf(s->replay_name, sizeof s->replay_name, "%s", name ? name : "");
	s->replay_line = line;
}

/* ---- logs ------------------------------------------------------------------ */

static void q_append(cli_sess *s, const char *line)
{
	size_t n = strlen(line) + 1;

	if (s->q_len + n + 1 > s->q_cap) {
		size_t cap = s->q_cap ? s->q_cap * 2 : 4096;
		char *nq;
		while (cap < s->q_len + n + 1)
			cap *= 2;
		if (cap > (1u << 24))
			return;       /* nobody reads: drop rather than grow forever */
		nq = realloc(s->q, cap);
		if (!nq)
			return;
		s->q = nq;
		s->q_cap = cap;
	}
	memcpy(s->q + s->q_len, line, n - 1);
	s->q[s->q_len + n - 1] = '\n';
	s->q_len += n;
}

static void log_sink(void *arg, int sev, const char *line)
{
	cli_sess *s = arg;
	int level = (s->opts & CLI_S_CONSOLE) ? pk_log_console()
		    : s->monitor ? pk_log_monitor() : -1;

	if (sev > level)
		return;
	pthread_mutex_lock(&s->qmu);
	q_append(s, line);
	pthread_mutex_unlock(&s->qmu);
	/* Logged by this session's own command: printed when the command's
	 * output is complete (or before its next question), as IOS's
	 * asynchronous console logging shows it.  Otherwise wake the reader. */
	if (s->locked && pthread_equal(pthread_self(), s->thread))
		return;
	if (s->io->wake)
		s->io->wake(s->io_arg);
}

void cli_flush_async(cli_sess *s)
{
	char *q;
	size_t n;

	pthread_mutex_lock(&s->qmu);
	q = s->q;
	n = s->q_len;
	s->q = NULL;
	s->q_len = s->q_cap = 0;
	pthread_mutex_unlock(&s->qmu);
	if (q && n)
		term_write(s, q, n);
	free(q);
}

/* ---- lifecycle ---------------------------------------------------------------- */

static pthread_mutex_t reg_mu = PTHREAD_MUTEX_INITIALIZER;
static cli_sess *sessions;

void cli_drop_other_sessions(cli_sess *keep)
{
	cli_sess *s;

	pthread_mutex_lock(&reg_mu);
	for (s = sessions; s; s = s->next_sess) {
		if (s == keep)
			continue;
		s->done = 1;
		if (s->io->drop)
			s->io->drop(s->io_arg);
	}
	pthread_mutex_unlock(&reg_mu);
}

cli_sess *cli_sess_new(pk_device *dev, const struct cli_io *io, void *io_arg,
		       const char *name, unsigned opts)
{
	cli_sess *s = calloc(1, sizeof *s);

	if (!s)
		return NULL;
	s->dev = dev;
	s->io = io;
	s->io_arg = io_arg;
	snprintf(s->name, sizeof s->name, "%s", name);
	s->opts = opts;
	s->fr[0].mode = &cli_mode_exec;
	s->term_len = 24;
	s->hist_size = 10;
	s->thread = pthread_self();
	pthread_mutex_init(&s->qmu, NULL);
	s->sink = pk_log_sink_add(log_sink, s);
	pthread_mutex_lock(&reg_mu);
	s->next_sess = sessions;
	sessions = s;
	pthread_mutex_unlock(&reg_mu);
	return s;
}

void cli_sess_free(cli_sess *s)
{
	int i;

	cli_sess **pp;

	if (!s)
		return;
	pthread_mutex_lock(&reg_mu);
	for (pp = &sessions; *pp; pp = &(*pp)->next_sess)
		if (*pp == s) {
			*pp = s->next_sess;
			break;
		}
	pthread_mutex_unlock(&reg_mu);
	pk_log_sink_remove(s->sink);
	if (s->filter)
		regfree(&s->re);
	for (i = 0; i < s->hist_n; i++)
		free(s->hist[i]);
	free(s->lb);
	free(s->sec);
	free(s->q);
	pthread_mutex_destroy(&s->qmu);
	free(s);
}

/* ---- modes ---------------------------------------------------------------------- */

const char *cli_prompt(cli_sess *s)
{
	const struct cli_mode *m = cli_mode(s);
	int cfg = (m->flags & CLI_M_CONFIG) || m->raw;

	pk_device_lock(s->dev);
	snprintf(s->prompt, sizeof s->prompt, "%s%s%c", pk_device_hostname(s->dev),
		 m->prompt ? m->prompt : "", cfg || s->priv ? '#' : '>');
	pk_device_unlock(s->dev);
	return s->prompt;
}

void cli_enter(cli_sess *s, const struct cli_mode *m, const char *ctx)
{
	if (s->depth + 1 >= MAX_DEPTH)
		return;
	s->depth++;
	s->fr[s->depth].mode = m;
	snprintf(s->fr[s->depth].ctx, sizeof s->fr[s->depth].ctx, "%s", ctx ? ctx : "");
	if (m == &cli_mode_config)
		s->configured = 1;
}

static void pop(cli_sess *s)
{
	const struct cli_mode *m = cli_mode(s);

	if (s->depth == 0)
		return;
	if (m->on_exit)
		m->on_exit(s);
	s->depth--;
}

/* Leaving configuration: IOS logs who configured the device. */
static void left_config(cli_sess *s)
{
	if (!s->configured)
		return;
	s->configured = 0;
	if (!(s->opts & CLI_S_QUIET_LOGS))
		pk_log(PK_LOG_NOTICE, "%%SYS-5-CONFIG_I: Configured from console by %s", s->name);
}

void cli_exit_mode(cli_sess *s)
{
	if (s->depth == 0) {
		s->done = 1;
		return;
	}
	pop(s);
	if (s->depth == 0)
		left_config(s);
}

void cli_ctrl_z(cli_sess *s)
{
	if (s->depth == 0)
		return;
	while (s->depth > 0)
		pop(s);
	left_config(s);
}

void cli_walkup(cli_sess *s, const struct cli_mode *to)
{
	while (s->depth > 0 && cli_mode(s) != to)
		pop(s);
}

/* ---- history ------------------------------------------------------------------- */

void cli_history_add(cli_sess *s, const char *line)
{
	char *c;

	if (s->replay_name[0])
		return;
	c = strdup(line);
	if (!c)
		return;
	if (s->hist_n == HIST_MAX) {
		free(s->hist[0]);
		memmove(s->hist, s->hist + 1, (HIST_MAX - 1) * sizeof s->hist[0]);
		s->hist_n--;
	}
	s->hist[s->hist_n++] = c;
}

int cli_history(const cli_sess *s, const char **out, int max)
{
	int from = s->hist_n > s->hist_size ? s->hist_n - s->hist_size : 0, n = 0, i;

	for (i = from; i < s->hist_n && n < max; i++)
		out[n++] = s->hist[i];
	return n;
}

void cli_set_history_size(cli_sess *s, int n)
{
	s->hist_size = n < 0 ? 0 : n > HIST_MAX ? HIST_MAX : n;
}

/* ---- output: session I/O, pager, filters ---------------------------------------- */

/* Every byte a session writes to its terminal passes here: show output,
 * log and debug lines, the echo of a replayed line, `more` of a file,
 * dialogs.  Control characters and bytes that are not UTF-8 are shown
 * escaped (core/text.h: ^[ for ESC, \xFF for a stray byte); line ends and
 * tabs stay.  This is the one place that sees everything a terminal gets,
 * whatever its source — a client's subject, a certificate's text, a line
 * of a file — so no printer can forget it.  (A value that must stay on
 * one line is escaped where it is formatted, by the same function: DN
 * values in core/x509.c, log messages in core/log.c.) */
static void term_write(cli_sess *s, const char *buf, size_t n)
{
	char small[1024], *out = small;
	size_t need;

	if (pk_visible_plain(buf, n, PK_VIS_LINES)) {
		s->io->write(s->io_arg, buf, n);
		return;
	}
	need = pk_visible(NULL, 0, buf, n, PK_VIS_LINES);
	if (need >= sizeof small && (out = malloc(need + 1)) == NULL)
		return;
	pk_visible(out, need + 1, buf, n, PK_VIS_LINES);
	s->io->write(s->io_arg, out, need);
	if (out != small)
		free(out);
}

static void emit(cli_sess *s, const char *buf, size_t n)
{
	if (s->discard)
		return;
	term_write(s, buf, n);
	if ((s->opts & CLI_S_INTERACTIVE) && s->term_len > 1 && s->io->more) {
		if (++s->lines >= s->term_len - 1) {
			int k = s->io->more(s->io_arg);
			if (k == ' ')
				s->lines = 0;
			else if (k == '\n' || k == '\r')
				s->lines = s->term_len - 2;
			else
				s->discard = 1;
		}
	}
}

static int line_matches(cli_sess *s, const char *line)
{
	return regexec(&s->re, line, 0, NULL, 0) == 0;
}

static void sec_flush(cli_sess *s)
{
	if (s->sec_len && s->sec_match)
		emit(s, s->sec, s->sec_len);
	s->sec_len = 0;
	s->sec_match = 0;
}

static void sec_add(cli_sess *s, const char *line, size_t n)
{
	if (s->sec_len + n > s->sec_cap) {
		size_t cap = s->sec_cap ? s->sec_cap * 2 : 4096;
		char *ns;
		while (cap < s->sec_len + n)
			cap *= 2;
		ns = realloc(s->sec, cap);
		if (!ns)
			return;
		s->sec = ns;
		s->sec_cap = cap;
	}
	memcpy(s->sec + s->sec_len, line, n);
	s->sec_len += n;
}

/* One complete line (with its '\n') through the filter. */
static void filter_line(cli_sess *s, char *line, size_t n)
{
	int m;

	if (s->filter == PIPE_NONE) {
		emit(s, line, n);
		return;
	}
	line[n - 1] = '\0';
	m = line_matches(s, line);
	line[n - 1] = '\n';
	switch (s->filter) {
	case PIPE_INCLUDE:
		if (m)
			emit(s, line, n);
		break;
	case PIPE_EXCLUDE:
		if (!m)
			emit(s, line, n);
		break;
	case PIPE_BEGIN:
		if (m)
			s->begun = 1;
		if (s->begun)
			emit(s, line, n);
		break;
	case PIPE_COUNT:
		if (m)
			s->count++;
		break;
	case PIPE_SECTION:
		/* A section is a line at column 0 and the indented lines under
		 * it; it is shown whole when any of its lines matches. */
		if (line[0] != ' ' && line[0] != '\t')
			sec_flush(s);
		sec_add(s, line, n);
		if (m)
			s->sec_match = 1;
		break;
	}
}

void cli_write(cli_sess *s, const char *buf, size_t n)
{
	while (n > 0) {
		const char *nl = memchr(buf, '\n', n);
		size_t take = nl ? (size_t)(nl - buf) + 1 : n;

		if (s->lb_len + take + 1 > s->lb_cap) {
			size_t cap = s->lb_cap ? s->lb_cap * 2 : 256;
			char *nb;
			while (cap < s->lb_len + take + 1)
				cap *= 2;
			nb = realloc(s->lb, cap);
			if (!nb)
				return;
			s->lb = nb;
			s->lb_cap = cap;
		}
		memcpy(s->lb + s->lb_len, buf, take);
		s->lb_len += take;
		if (nl) {
			filter_line(s, s->lb, s->lb_len);
			s->lb_len = 0;
		}
		buf += take;
		n -= take;
	}
}

static void out_flush(cli_sess *s)
{
	if (s->lb_len) {
		cli_write(s, "\n", 1);
	}
	if (s->filter == PIPE_SECTION)
		sec_flush(s);
	if (s->filter == PIPE_COUNT) {
		char buf[80];
		int n = snprintf(buf, sizeof buf, "Number of lines which match regexp = %ld\n",
				 s->count);
		emit(s, buf, (size_t)n);
	}
}

void cli_puts(cli_sess *s, const char *str)
{
	cli_write(s, str, strlen(str));
}

/* While a replayed line runs: the first error message it prints ("% ..."
 * at the start of a line), for the log. */
static void capture_msg(cli_sess *s, const char *text)
{
	const char *p = text;

	if (s->rp_msg[0])
		return;
	while (p) {
		if (p[0] == '%' && p[1] == ' ') {
			size_t n = strcspn(p + 2, "\n");
			snprintf(s->rp_msg, sizeof s->rp_msg, "%.*s", (int)n, p + 2);
			return;
		}
		p = strchr(p, '\n');
		if (p)
			p++;
	}
}

static void vprint(cli_sess *s, int raw, const char *fmt, va_list ap)
{
	char small[1024], *big = NULL;
	va_list ap2;
	int n;

	va_copy(ap2, ap);
	n = vsnprintf(small, sizeof small, fmt, ap);
	if (n < 0) {
		va_end(ap2);
		return;
	}
	if ((size_t)n >= sizeof small) {
		big = malloc((size_t)n + 1);
		if (!big) {
			va_end(ap2);
			return;
		}
		vsnprintf(big, (size_t)n + 1, fmt, ap2);
	}
	va_end(ap2);
	if (s->rp_capture)
		capture_msg(s, big ? big : small);
	if (raw)
		term_write(s, big ? big : small, (size_t)n);
	else
		cli_write(s, big ? big : small, (size_t)n);
	free(big);
}

void cli_printf(cli_sess *s, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vprint(s, 0, fmt, ap);
	va_end(ap);
}

void cli_raw_printf(cli_sess *s, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vprint(s, 1, fmt, ap);
	va_end(ap);
}

static int replay_context(cli_sess *s, const char *line);

int cli_error(cli_sess *s, const char *fmt, ...)
{
	va_list ap;

	if (s->replay_name[0] && !s->replay_shown) {
		if (s->lb_len)
			cli_write(s, "\n", 1);
		replay_context(s, s->replay_text);
	}
	cli_write(s, "% ", 2);
	if (s->rp_capture && !s->rp_msg[0]) {
		va_start(ap, fmt);
		vsnprintf(s->rp_msg, sizeof s->rp_msg, fmt, ap);
		va_end(ap);
	}
	va_start(ap, fmt);
	vprint(s, 0, fmt, ap);
	va_end(ap);
	cli_write(s, "\n", 1);
	return CLI_ERR;
}

int cli_core_error(cli_sess *s, int rc)
{
	const char *m = pk_err_msg();
	return cli_error(s, "%s", m && *m ? m : pk_strerror(rc));
}

void cli_echo(cli_sess *s, const char *line)
{
	const char *p = cli_prompt(s);

	s->indent = (int)strlen(p);
	if (s->replay_name[0]) {
		snprintf(s->replay_text, sizeof s->replay_text, "%s", line);
		s->replay_shown = 0;
	}
	if (s->opts & CLI_S_ECHO)
		cli_raw_printf(s, "%s%s\n", p, line);
}

/* Every error while replaying a file names its line, once per line. */
static int replay_context(cli_sess *s, const char *line)
{
	char pre[300];
	int n = snprintf(pre, sizeof pre, "%s line %d: ", s->replay_name, s->replay_line);

	if (!s->replay_shown)
		cli_raw_printf(s, "%s%s\n", pre, line);
	s->replay_shown = 1;
	return n;
}

int cli_error_indent(cli_sess *s, const char *line)
{
	if (s->replay_name[0])
		return replay_context(s, line);
	if (s->opts & (CLI_S_ECHO | CLI_S_INTERACTIVE))
		return s->indent;
	cli_raw_printf(s, "%s\n", line);
	return 0;
}

/* ---- running handlers ------------------------------------------------------------- */

static void exec_timestamp(cli_sess *s)
{
	char buf[96];
	tmr_clock *c = pk_device_clock(s->dev);

	tmr_fmt_show_clock(c, tmr_clock_now(c), buf, sizeof buf);
	cli_printf(s, "Load for five secs: 0%%/0%%; one minute: 0%%; five minutes: 0%%\n");
	if (!tmr_clock_authoritative(c))
		cli_printf(s, "No time source, %s\n", buf);
	else if (pk_device_calendar_valid(s->dev))
		cli_printf(s, "Time source is hardware calendar, %s\n", buf);
	else
		cli_printf(s, "Time source is user configuration, %s\n", buf);
}

/* `terminal exec prompt timestamp` stamps show commands only. */
static int is_show(const cli_args *a)
{
	int i = a->n > 0 && (a->v[0].node->flags & CLI_F_DO) ? 1 : 0;

	return a->n > i && a->v[i].node->kind == CLI_KW &&
	       strcmp(a->v[i].node->tok, "show") == 0;
}

int cli_run_handler(cli_sess *s, const struct cli_node *n, const cli_args *a,
		    long pipe, const char *pipe_re, int in_do)
{
	int rc;
	const struct cli_mode *m = cli_mode(s);

	s->lines = 0;
	s->discard = 0;
	s->begun = 0;
	s->count = 0;
	s->sec_len = 0;
	s->sec_match = 0;
	if (pipe != PIPE_NONE) {
		if (regcomp(&s->re, pipe_re ? pipe_re : "", REG_EXTENDED | REG_NOSUB) != 0) {
			cli_raw_printf(s, "%% Invalid regular expression\n");
			return CLI_ERR;
		}
		s->filter = pipe;
	}
	pk_device_lock(s->dev);
	s->locked = 1;
	s->thread = pthread_self();
	if (s->exec_ts && ((m->flags & CLI_M_EXEC) || in_do) && is_show(a))
		exec_timestamp(s);
	rc = n->fn(s, a);
	/* Timers that became due while the command ran (a frozen clock moves
	 * only here and in `clock set`). */
	pk_device_run_timers(s->dev);
	if (rc == 0 && (m->flags & CLI_M_CONFIG) && !in_do)
		pk_device_set_modified(s->dev, 1);
	out_flush(s);
	s->locked = 0;
	pk_device_unlock(s->dev);
	cli_flush_async(s);
	if (s->filter != PIPE_NONE) {
		regfree(&s->re);
		s->filter = PIPE_NONE;
	}
	s->discard = 0;
	return rc;
}

int cli_run_raw(cli_sess *s, const char *line)
{
	int rc;

	pk_device_lock(s->dev);
	s->locked = 1;
	s->thread = pthread_self();
	rc = cli_mode(s)->raw(s, line);
	out_flush(s);
	s->locked = 0;
	pk_device_unlock(s->dev);
	cli_flush_async(s);
	if (rc < 0)
		s->failed = 1;
	return rc < 0 ? CLI_ERR : 0;
}

/* ---- dialogs ------------------------------------------------------------------------ */

int cli_interrupted(const cli_sess *s)
{
	return s->interrupted;
}

void cli_set_interrupted(cli_sess *s, int on)
{
	s->interrupted = on;
}

/* A question cancelled with ^C is the end of the command's dialog: it
 * answers -1 (as at the end of input), and so does every later question
 * of the same command, which asks nothing more. */
static int ask(cli_sess *s, const char *question, int hidden, char *buf, size_t n)
{
	char shown[1024];
	int rc, was = s->locked;

	if (s->interrupted) {
		buf[0] = '\0';
		return -1;
	}
	/* Pending output and logs first: the question follows them. */
	if (s->lb_len)
		cli_write(s, "\n", 1);
	cli_flush_async(s);
	if (was) {
		s->locked = 0;
		pk_device_unlock(s->dev);
	}
	pk_visible(shown, sizeof shown, question, strlen(question), PK_VIS_LINES);
	rc = s->io->ask(s->io_arg, shown, hidden, buf, n);
	if (was) {
		pk_device_lock(s->dev);
		s->locked = 1;
	}
	if (rc == CLI_INTR) {
		s->interrupted = 1;
		rc = -1;
	}
	if (rc < 0)
		buf[0] = '\0';
	return rc;
}

int cli_ask(cli_sess *s, const char *question, char *buf, size_t n)
{
	return ask(s, question, 0, buf, n);
}

int cli_ask_secret(cli_sess *s, const char *question, char *buf, size_t n)
{
	return ask(s, question, 1, buf, n);
}

int cli_confirm(cli_sess *s, const char *question)
{
	char ans[64];
	int tries;

	for (tries = 0; tries < 5; tries++) {
		size_t L;
		char *p = ans;
		if (ask(s, question, 0, ans, sizeof ans) < 0)
			return -1;
		while (*p == ' ')
			p++;
		L = strlen(p);
		while (L > 0 && p[L - 1] == ' ')
			p[--L] = '\0';
		if (L > 0 && strncasecmp("yes", p, L) == 0)
			return 1;
		if (L > 0 && strncasecmp("no", p, L) == 0)
			return 0;
		cli_raw_printf(s, "%% Please answer 'yes' or 'no'.\n");
	}
	return 0;
}

/* ---- configuration replay ------------------------------------------------------------ */

int cli_next_line(const char *data, size_t len, size_t *pos, const char **line, size_t *n)
{
	size_t i = *pos;

	if (i >= len)
		return 0;
	*line = data + i;
	while (i < len && data[i] != '\n' && data[i] != '\r')
		i++;
	*n = i - *pos;
	if (i < len && data[i] == '\r' && i + 1 < len && data[i + 1] == '\n')
		i++;
	*pos = i < len ? i + 1 : i;
	return 1;
}

/* The line as a reader sees it (NUL bytes as ^@, other control characters
 * escaped the same way: core/text.h), cut to fit with "...". */
static void visible_line(char *out, size_t cap, const char *line, size_t n)
{
	if (pk_visible(out, cap - 3, line, n, PK_VIS_LINES) >= cap - 3)
		strcat(out, "...");
}

/* A line of the replay that failed: counted, and at boot logged with its
 * number, its text and the first message it printed. */
static void replay_failed(cli_sess *s, struct cli_replay *r, const char *name, int lineno,
			  const char *text, const char *msg)
{
	char shown[96];

	r->failed++;
	if (!r->first_failed)
		r->first_failed = lineno;
	if (!(r->flags & CLI_RP_BOOT))
		return;
	visible_line(shown, sizeof shown, text, strlen(text));
	pk_log_keep(PK_LOG_WARN, "%%PARSER-4-BADCFG: %s line %d: %s%s%s", name, lineno, shown,
		    msg && *msg ? ": " : "", msg ? msg : "");
}

/* A line that is not run (NUL byte, too long): reported like a failed
 * command, "NAME line N: text" then the message. */
static void replay_reject(cli_sess *s, struct cli_replay *r, const char *name, int lineno,
			  const char *line, size_t n, const char *msg)
{
	visible_line(s->replay_text, sizeof s->replay_text, line, n);
	s->replay_shown = 0;
	cli_set_replay(s, name, lineno);
	cli_error(s, "%s", msg);
	cli_set_replay(s, NULL, 0);
	replay_failed(s, r, name, lineno, s->replay_text, msg);
}

static int is_header(const char *q)
{
	/* show running-config / show startup-config decoration is not configuration */
	return strncmp(q, "Building configuration", 22) == 0 ||
	       strncmp(q, "Current configuration", 21) == 0 ||
	       strncmp(q, "Using ", 6) == 0;
}

static int is_end(const char *q)
{
	size_t n = strlen(q);

	while (n > 0 && (q[n - 1] == ' ' || q[n - 1] == '\t'))
		n--;
	return n == 3 && strncmp(q, "end", 3) == 0;
}

int cli_replay_buf(cli_sess *s, const char *name, const char *data, size_t len,
		   struct cli_replay *res)
{
	struct cli_replay local = { 0 };
	struct cli_replay *r = res ? res : &local;
	unsigned flags = r->flags;
	size_t pos = 0, n;
	const char *ln;
	int lineno = 0, ended = 0, block = 0;
	char block_text[128] = "";
	int depth = s->depth;
	unsigned opts = s->opts;

	memset(r, 0, sizeof *r);
	r->flags = flags;
	s->opts &= ~(unsigned)(CLI_S_ECHO | CLI_S_INTERACTIVE);
	s->opts |= CLI_S_REPLAY;
	if (cli_mode(s) == &cli_mode_exec)
		cli_enter(s, &cli_mode_config, NULL);
	while (!ended && cli_next_line(data, len, &pos, &ln, &n)) {
		char line[4096];
		const char *q;
		int was_raw = cli_mode(s)->raw != NULL, now_raw;

		lineno++;
		if (memchr(ln, '\0', n)) {
			r->nul_lines++;
			replay_reject(s, r, name, lineno, ln, n,
				      "NUL character in the line: line not applied");
			continue;
		}
		if (n >= sizeof line) {
			char msg[80];
			snprintf(msg, sizeof msg, "Line too long (%zu characters): line not applied", n);
			replay_reject(s, r, name, lineno, ln, 60, msg);
			continue;
		}
		memcpy(line, ln, n);
		line[n] = '\0';
		for (q = line; *q == ' ' || *q == '\t'; q++)
			;
		if (!was_raw && is_header(q))
			continue;
		if (!was_raw && is_end(q)) {
			ended = lineno;
			break;
		}
		cli_set_replay(s, name, lineno);
		s->rp_msg[0] = '\0';
		s->rp_capture = 1;
		if (cli_exec(s, line) < 0)
			replay_failed(s, r, name, lineno, line, s->rp_msg);
		s->rp_capture = 0;
		cli_set_replay(s, NULL, 0);
		now_raw = cli_mode(s)->raw != NULL;
		if (now_raw && !was_raw) {
			block = lineno;
			snprintf(block_text, sizeof block_text, "%.120s", line);
		}
		if (cli_mode(s) == &cli_mode_exec)
			cli_enter(s, &cli_mode_config, NULL);
	}
	r->lines = lineno;
	if (r->failed)
		r->damage |= PK_CFG_DMG_LINE;
	if (r->nul_lines)
		r->damage |= PK_CFG_DMG_NUL;
	if (cli_mode(s)->raw) {
		/* the hex data is dropped: leaving the mode does not install it */
		r->open_block = block ? block : lineno;
		r->damage |= PK_CFG_DMG_BLOCK;
		cli_raw_printf(s, "%s line %d: %s\n%% Certificate data without \"quit\": "
			       "the file ends at line %d\n", name, r->open_block, block_text, lineno);
		if (flags & CLI_RP_BOOT)
			pk_log_keep(PK_LOG_WARN, "%%PARSER-4-BADCFG: %s line %d: certificate data "
				    "without \"quit\" (the file ends at line %d)", name, r->open_block,
				    lineno);
	}
	if ((flags & CLI_RP_NEED_END) && !ended) {
		r->truncated = 1;
		r->damage |= PK_CFG_DMG_TRUNC;
		cli_raw_printf(s, "%% Unexpected end of configuration file: %s stops at line %d "
			       "without \"end\" (truncated)\n", name, lineno);
		if (flags & CLI_RP_BOOT)
			pk_log_keep(PK_LOG_WARN, "%%PARSER-4-BADCFG: Unexpected end of configuration "
				    "file: %s stops at line %d without \"end\"", name, lineno);
	}
	r->problems = r->failed + r->truncated + (r->open_block != 0);
	if (r->problems)
		s->failed = 1;
	while (s->depth > depth)
		pop(s);
	s->configured = 0;
	s->opts = opts;
	pk_device_lock(s->dev);
	s->locked = 1;
	if (flags & CLI_RP_BOOT)
		pk_device_set_config_damaged(s->dev, r->damage);
	/* Servers enable once the whole configuration is in (their CA
	 * certificate comes later in the file than their block). */
	if (cli_pki()) {
		pk_pki_config_done(cli_pki());
		cli_http_apply(s);
		pk_device_run_timers(s->dev);
	}
	s->locked = 0;
	pk_device_unlock(s->dev);
	cli_flush_async(s);
	return r->problems;
}

int cli_replay_config(cli_sess *s, const char *name, const char *text)
{
	return cli_replay_buf(s, name, text, strlen(text), NULL);
}

/*
 * term.c — the interactive terminal, on libedit's native API (the only file
 * that includes histedit.h).
 *
 * Emacs keys and history; '?' lists what may come next without touching the
 * line; TAB completes a unique keyword; ^Z is `end`; ^C discards the line.
 * Output that arrives while the user types (logs from other threads, or a
 * remote device's monitor output) is printed above the line, which is then
 * redrawn: libedit calls our read function, which waits on the keyboard and
 * on the backend's "async" descriptor at once.
 */
#include <errno.h>
#include <fcntl.h>
#include <histedit.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <termios.h>
#include <unistd.h>

#include "cli/cli.h"
#include "cli/console.h"
#include "cli/pkish.h"

static EditLine *el;
static const struct term_backend *cur;

void term_write(const char *buf, size_t n)
{
	while (n > 0) {
		ssize_t w = write(STDOUT_FILENO, buf, n);
		if (w < 0) {
			if (errno == EINTR)
				continue;
			return;
		}
		buf += w;
		n -= (size_t)w;
	}
}

static void term_puts(const char *s)
{
	term_write(s, strlen(s));
}

int term_rows(void)
{
	struct winsize ws;
	if (ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_row > 0)
		return ws.ws_row;
	return 24;
}

/* The terminal for one key or one answer: no canonical editing, no echo
 * and no signals, so that ^C arrives as a key (it cancels, it never kills
 * the session).  Returns 1 when the mode was changed (*old to restore). */
static int raw_mode(struct termios *old)
{
	struct termios t;

	if (tcgetattr(STDIN_FILENO, old) != 0)
		return 0;
	t = *old;
	t.c_lflag &= ~(tcflag_t)(ICANON | ECHO | ISIG | IEXTEN);
	t.c_cc[VMIN] = 1;
	t.c_cc[VTIME] = 0;
	tcsetattr(STDIN_FILENO, TCSANOW, &t);
	return 1;
}

/* One byte; -1 at end of input. */
static int read_byte(void)
{
	unsigned char c;

	for (;;) {
		ssize_t r = read(STDIN_FILENO, &c, 1);
		if (r == 1)
			return c;
		if (r < 0 && errno == EINTR)
			continue;
		return -1;
	}
}

int term_more(void)
{
	struct termios old;
	int tty, k;

	term_puts(" --More-- ");
	tty = raw_mode(&old);
	k = read_byte();
	if (tty)
		tcsetattr(STDIN_FILENO, TCSANOW, &old);
	term_puts("\r          \r");
	if (k == ' ')
		return ' ';
	if (k == '\r' || k == '\n')
		return '\n';
	if (k == TERM_KEY_INTR) {
		term_puts("^C\n");
		return TERM_KEY_INTR;
	}
	return 'q';
}

/* An answer line, edited here (the terminal is raw so that ^C is a key):
 * backspace, ^U, return; ^C cancels (TERM_INTR); ^D on an empty answer is
 * the end of input (-1). */
int term_ask(const char *question, int hidden, char *buf, size_t n)
{
	struct termios old;
	size_t len = 0;
	int rc = 0, tty;

	term_puts(question);
	tty = raw_mode(&old);
	for (;;) {
		int c = read_byte();
		char ch;

		if (c < 0) {
			rc = -1;
			break;
		}
		if (c == '\r' || c == '\n')
			break;
		if (tty && c == TERM_KEY_INTR) {
			term_puts("^C");
			rc = TERM_INTR;
			break;
		}
		if (tty && c == 4 && len == 0) {
			rc = -1;
			break;
		}
		if (tty && (c == 0x7f || c == '\b')) {
			if (len > 0) {
				len--;
				if (!hidden)
					term_puts("\b \b");
			}
			continue;
		}
		if (tty && c == 0x15) {          /* ^U: the whole answer */
			for (; len > 0; len--)
				if (!hidden)
					term_puts("\b \b");
			continue;
		}
		if (tty && c < 0x20 && c != '\t')
			continue;                 /* other control keys: nothing */
		if (len + 1 < n) {
			buf[len++] = (char)c;
			ch = (char)c;
			if (tty && !hidden)
				term_write(&ch, 1);
		}
	}
	buf[len] = '\0';
	if (tty)
		tcsetattr(STDIN_FILENO, TCSANOW, &old);
	/* the terminal echoed nothing: the answer's newline is ours */
	if (tty || hidden || rc < 0)
		term_puts("\n");
	return rc;
}

/* ---- libedit ---------------------------------------------------------------- */

static char *prompt_fn(EditLine *e)
{
	(void)e;
	return (char *)cur->prompt(cur->arg);
}

/* The line up to the cursor (IOS describes what precedes it). */
static char *line_to_cursor(EditLine *e)
{
	const LineInfo *li = el_line(e);
	size_t n = (size_t)(li->cursor - li->buffer);
	char *s = malloc(n + 1);

	if (s) {
		memcpy(s, li->buffer, n);
		s[n] = '\0';
	}
	return s;
}

static void clear_line(EditLine *e)
{
	const LineInfo *li = el_line(e);

	el_cursor(e, (int)(li->lastchar - li->cursor));
	li = el_line(e);
	el_deletestr(e, (int)(li->cursor - li->buffer));
}

static unsigned char fn_help(EditLine *e, int ch)
{
	char *s = line_to_cursor(e);

	(void)ch;
	if (!s)
		return CC_ERROR;
	term_puts("?\n");
	cur->help(cur->arg, s);
	free(s);
	return CC_REDISPLAY;
}

static unsigned char fn_complete(EditLine *e, int ch)
{
	char *s = line_to_cursor(e), *add;

	(void)ch;
	if (!s)
		return CC_ERROR;
	add = cur->complete(cur->arg, s);
	free(s);
	if (!add)
		return CC_REFRESH_BEEP;
	if (*add)
		el_insertstr(e, add);
	free(add);
	return CC_REFRESH;
}

/* ^Z: the line as typed runs, then configuration mode ends (IOS).  The
 * line goes out with a 0x1A at its end; cli_exec splits it. */
static unsigned char fn_ctrl_z(EditLine *e, int ch)
{
	const LineInfo *li = el_line(e);

	(void)ch;
	el_cursor(e, (int)(li->lastchar - li->cursor));
	el_insertstr(e, "\x1a");
	return CC_NEWLINE;
}

static unsigned char fn_interrupt(EditLine *e, int ch)
{
	(void)ch;
	clear_line(e);
	term_puts("\n");
	return CC_REDISPLAY;
}

static int getc_fn(EditLine *e, wchar_t *wc)
{
	for (;;) {
		struct pollfd p[2];
		int afd = cur->async_fd ? cur->async_fd(cur->arg) : -1, n;

		p[0].fd = STDIN_FILENO;
		p[0].events = POLLIN;
		p[1].fd = afd;
		p[1].events = POLLIN;
		n = poll(p, afd >= 0 ? 2 : 1, -1);
		if (n < 0) {
			if (errno == EINTR) {
				if (cur->done(cur->arg))
					return 0;
				continue;
			}
			return -1;
		}
		if (afd >= 0 && (p[1].revents & (POLLIN | POLLHUP))) {
			term_puts("\r\033[K");
			cur->async(cur->arg);
			if (cur->done(cur->arg))
				return 0;
			el_set(e, EL_REFRESH);
			continue;
		}
		if (p[0].revents & (POLLIN | POLLHUP | POLLERR)) {
			unsigned char c;
			ssize_t r = read(STDIN_FILENO, &c, 1);
			if (r == 1) {
				*wc = c;
				return 1;
			}
			if (r == 0)
				return 0;
			if (errno == EINTR)
				continue;
			return -1;
		}
	}
}

void term_run(const struct term_backend *be)
{
	History *hist;
	HistEvent ev;

	cur = be;
	el = el_init("pkish", stdin, stdout, stderr);
	hist = history_init();
	if (!el || !hist) {
		fprintf(stderr, "pkish: cannot initialise the terminal\n");
		return;
	}
	history(hist, &ev, H_SETSIZE, 256);
	el_set(el, EL_EDITOR, "emacs");
	el_set(el, EL_PROMPT, prompt_fn);
	el_set(el, EL_HIST, history, hist);
	el_set(el, EL_SIGNAL, 1);
	/* ^C and ^Z reach us as keys while a line is edited. */
	el_set(el, EL_SETTY, "-d", "-isig", NULL);
	el_set(el, EL_ADDFN, "ios-help", "List what may come next", fn_help);
	el_set(el, EL_ADDFN, "ios-complete", "Complete the keyword", fn_complete);
	el_set(el, EL_ADDFN, "ios-end", "Leave configuration mode", fn_ctrl_z);
	el_set(el, EL_ADDFN, "ios-interrupt", "Discard the line", fn_interrupt);
	el_set(el, EL_BIND, "?", "ios-help", NULL);
	el_set(el, EL_BIND, "^I", "ios-complete", NULL);
	el_set(el, EL_BIND, "^Z", "ios-end", NULL);
	el_set(el, EL_BIND, "^C", "ios-interrupt", NULL);
	el_set(el, EL_GETCFN, getc_fn);

	while (!be->done(be->arg)) {
		int count = 0;
		const char *line = el_gets(el, &count);
		char *copy;

		if (!line || count <= 0)
			break;
		/* ^Z ends the line without a newline of its own; IOS shows
		 * the key after the line */
		if (line[count - 1] != '\n')
			term_puts(line[count - 1] == 0x1a ? "^Z\n" : "\n");
		/* el_gets's buffer ends at count, not always at a NUL (after
		 * ios-end, the rest of the previous line follows the ^Z) */
		copy = strndup(line, (size_t)count);
		if (!copy)
			break;
		if (copy[0] && copy[0] != '\n' && copy[0] != 0x1a) {
			size_t L = strlen(copy);
			if (copy[L - 1] == 0x1a) {      /* the line without its ^Z */
				copy[L - 1] = '\0';
				history(hist, &ev, H_ENTER, copy);
				copy[L - 1] = 0x1a;
			} else {
				history(hist, &ev, H_ENTER, copy);
			}
		}
		be->exec(be->arg, copy);
		free(copy);
		be->async(be->arg);
	}
	el_end(el);
	history_end(hist);
	el = NULL;
	cur = NULL;
}

/* ---- a local session on this terminal ------------------------------------------ */

static void t_write(void *arg, const char *buf, size_t n)
{
	(void)arg;
	term_write(buf, n);
}

static int t_ask(void *arg, const char *q, int hidden, char *buf, size_t n)
{
	(void)arg;
	return term_ask(q, hidden, buf, n);
}

static int t_more(void *arg)
{
	(void)arg;
	return term_more();
}

static void t_wake(void *arg)
{
	struct term_local *tl = arg;
	char c = 1;
	ssize_t r = write(tl->wake_fd[1], &c, 1);
	(void)r;
}

const struct cli_io term_io = {
	.write = t_write, .ask = t_ask, .more = t_more, .wake = t_wake, .drop = NULL,
};

static const char *l_prompt(void *arg)
{
	struct term_local *tl = arg;
	return cli_prompt(tl->sess);
}

static void l_exec(void *arg, const char *line)
{
	struct term_local *tl = arg;
	cli_exec(tl->sess, line);
}

static void l_help(void *arg, const char *line)
{
	struct term_local *tl = arg;
	cli_help(tl->sess, line);
}

static char *l_complete(void *arg, const char *line)
{
	struct term_local *tl = arg;
	return cli_complete(tl->sess, line);
}

static int l_done(void *arg)
{
	struct term_local *tl = arg;
	return cli_done(tl->sess) || pkish_stopping();
}

static int l_async_fd(void *arg)
{
	struct term_local *tl = arg;
	return tl->wake_fd[0];
}

static void l_async(void *arg)
{
	struct term_local *tl = arg;
	char buf[64];

	while (read(tl->wake_fd[0], buf, sizeof buf) > 0)
		;
	cli_flush_async(tl->sess);
}

void term_run_local(cli_sess *s, struct term_local *tl)
{
	struct term_backend be = {
		.prompt = l_prompt, .exec = l_exec, .help = l_help,
		.complete = l_complete, .done = l_done, .async_fd = l_async_fd,
		.async = l_async, .arg = tl,
	};

	tl->sess = s;
	term_run(&be);
}

/*
 * trun.c — the transcript runner: replays tests/transcripts/NAME.t against
 * pkish and compares the console session.
 *
 *   trun [--update] [-v] [--keep] PKISH FILE.t [FILE.t ...]
 *
 * Contract
 *   A .t file IS the expected console session of pkish in batch mode with
 *   echo.  Each line is, by the first rule that applies:
 *     "##" or "## ..."   runner directive or comment, never expected output:
 *                          ## args: ARGS      extra pkish arguments (split on
 *                                             blanks; several lines append)
 *                          ## input: TEXT     hidden input line fed here
 *                          ## setup: CMD      /bin/sh -c CMD before pkish,
 *                                             env DEV and SRCDIR; must succeed
 *                          ## exit: N         pkish must exit with status N
 *                          ## timeout: SECS   default 60
 *                        anything else is a comment.
 *     "... (re)"         regex line: the ERE before " (re)" must match the
 *                        whole (trailing-blank-stripped) actual line.
 *     prompt line        ^[A-Za-z0-9._-]+(\([A-Za-z0-9-]+\))?[>#] — the
 *                        rest of the line is fed to pkish verbatim.
 *     dialog line        not starting with '[' and matching
 *                        ^(.* \[[A-Za-z0-9/_.-]*\](: |\? ?|$))(.*)$ — group 3
 *                        (the answer, maybe empty) is fed to pkish.
 *     anything else      plain expected output.
 *   Every non-## line is expected output, in order (pkish echoes prompt +
 *   command and question + answer itself).
 *
 *   Per file: a fresh mkdtemp directory $TMPDIR/pkish-t.XXXXXX holding the
 *   device directory "dev"; setup commands run (cwd unchanged, stdin
 *   /dev/null); then `PKISH --echo --frozen-clock -d TMP/dev ARGS...` runs
 *   with stdin = the input lines, stdout+stderr = one file, env + PKISH_TEST=1,
 *   in its own process group (a timeout sends SIGTERM, then SIGKILL 2 s
 *   later, to the group).  Lines compare after stripping trailing blanks
 *   (space, tab, CR); trailing blank lines at the end of both sides are
 *   ignored; a mismatch prints `diff -u` of expected (matched regex lines
 *   replaced by their actual text) against actual.  The status fails on a
 *   signal, on status >= 128 unless "## exit:" asks for it, and on any
 *   status other than the "## exit:" one.
 *
 *   Output: one "ok - FILE" / "not ok - FILE" line per file (diagnostics
 *   before it start with "# " or are the diff).  With --update each file
 *   whose run is healthy (setup, status, no timeout) is rewritten from the
 *   actual output (written atomically), keeping regex lines that still
 *   match (paired by longest common subsequence) and carrying every ## line
 *   over before the same ordinal prompt/dialog line (see struct anchor);
 *   it prints "updated - FILE", or "ok - FILE" if nothing changed.  -v
 *   prints the command and keeps the temp directory (as does --keep).
 *   SRCDIR is taken from the environment, else the current directory.
 *   A NUL byte in pkish's output is compared as '?'.
 *
 *   Exit status: 0 all passed, 1 some test failed, 2 usage error.
 */
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <math.h>
#include <regex.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define DEFAULT_TIMEOUT 60.0
#define TERM_GRACE 2.0

static const char PROMPT_ERE[] = "^[A-Za-z0-9._-]+(\\([A-Za-z0-9-]+\\))?[>#]";
/* Group 1 of the dialog grammar; POSIX leftmost-longest makes the overall
 * match end exactly where group 3 (the answer) starts. */
static const char DIALOG_ERE[] = "^.* \\[[A-Za-z0-9/_.-]*\\](: |\\? ?|$)";

enum kind { K_DIRECTIVE, K_REGEX, K_PROMPT, K_DIALOG, K_PLAIN };

struct strv {
	char **v;
	size_t n, cap;
};

struct line {
	char *text;       /* as in the file, without the line terminator */
	enum kind kind;
	size_t feed;      /* K_PROMPT, K_DIALOG: offset of the fed text */
	int re_state;     /* K_REGEX: 0 not compiled, 1 compiled, -1 bad */
	regex_t re;
};

struct test {
	struct line *lines;
	size_t n, cap;
	struct strv input, args, setup;
	long exit_want;   /* -1: not checked */
	double timeout;
};

struct output {
	struct strv raw;  /* actual lines without "\n" */
	struct strv strip; /* the same, trailing blanks stripped */
	size_t ntrim;     /* count without trailing empty lines */
};

struct opts {
	bool update, verbose, keep;
	const char *pkish;
};

enum { W_DONE, W_TIMEOUT, W_INTERRUPTED, W_ERROR };

static regex_t g_prompt_re, g_dialog_re;
static char *g_srcdir;
static volatile sig_atomic_t g_interrupt;

/* ---- small helpers -------------------------------------------------------- */

static void *xrealloc(void *p, size_t n)
{
	void *q = realloc(p, n ? n : 1);
	if (!q) {
		fputs("trun: out of memory\n", stderr);
		exit(2);
	}
	return q;
}

static char *xstrndup(const char *s, size_t n)
{
	char *d = xrealloc(NULL, n + 1);
	memcpy(d, s, n);
	d[n] = '\0';
	return d;
}

static char *xstrdup(const char *s)
{
	return xstrndup(s, strlen(s));
}

static char *path_join(const char *dir, const char *name)
{
	size_t a = strlen(dir), b = strlen(name);
	char *p = xrealloc(NULL, a + b + 2);
	memcpy(p, dir, a);
	p[a] = '/';
	memcpy(p + a + 1, name, b + 1);
	return p;
}

static void strv_push(struct strv *sv, char *s)
{
	if (sv->n + 1 >= sv->cap) {
		sv->cap = sv->cap ? sv->cap * 2 : 16;
		sv->v = xrealloc(sv->v, sv->cap * sizeof *sv->v);
	}
	sv->v[sv->n++] = s;
	sv->v[sv->n] = NULL;
}

static void strv_free(struct strv *sv)
{
	size_t i;
	for (i = 0; i < sv->n; i++)
		free(sv->v[i]);
	free(sv->v);
	memset(sv, 0, sizeof *sv);
}

static size_t stripped_len(const char *s)
{
	size_t n = strlen(s);
	while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\r'))
		n--;
	return n;
}

static bool stripped_eq(const char *a, const char *b)
{
	size_t n = stripped_len(a);
	return n == stripped_len(b) && memcmp(a, b, n) == 0;
}

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void on_signal(int sig)
{
	g_interrupt = sig;
}

/* Print a file to stdout, each line prefixed with "# ". */
static void show_file(const char *path)
{
	FILE *f = fopen(path, "r");
	char *buf = NULL;
	size_t cap = 0;
	ssize_t r;
	if (!f)
		return;
	while ((r = getline(&buf, &cap, f)) >= 0) {
		if (r > 0 && buf[r - 1] == '\n')
			buf[r - 1] = '\0';
		printf("#   %s\n", buf);
	}
	free(buf);
	fclose(f);
}

/* ---- parsing ---------------------------------------------------------------- */

static enum kind classify(const char *s, size_t *feed)
{
	size_t n;
	regmatch_t m;

	if (strncmp(s, "## ", 3) == 0 || strcmp(s, "##") == 0)
		return K_DIRECTIVE;
	n = stripped_len(s);
	if (n >= 5 && memcmp(s + n - 5, " (re)", 5) == 0)
		return K_REGEX;
	if (regexec(&g_prompt_re, s, 1, &m, 0) == 0) {
		*feed = (size_t)m.rm_eo;
		return K_PROMPT;
	}
	if (s[0] != '[' && regexec(&g_dialog_re, s, 1, &m, 0) == 0) {
		*feed = (size_t)m.rm_eo;
		return K_DIALOG;
	}
	return K_PLAIN;
}

static const char *skip_blanks(const char *p)
{
	return p + strspn(p, " \t");
}

static int directive(struct test *t, const char *s, const char *path, size_t lineno)
{
	const char *p, *v;
	char *end;

	if (s[2] == '\0')
		return 0;
	p = s + 3;
	if (strncmp(p, "input:", 6) == 0) {
		v = p + 6;
		if (*v == ' ')
			v++;
		strv_push(&t->input, xstrdup(v));
	} else if (strncmp(p, "args:", 5) == 0) {
		v = p + 5;
		for (;;) {
			size_t n;
			v = skip_blanks(v);
			if (*v == '\0')
				break;
			n = strcspn(v, " \t");
			strv_push(&t->args, xstrndup(v, n));
			v += n;
		}
	} else if (strncmp(p, "setup:", 6) == 0) {
		v = skip_blanks(p + 6);
		if (*v == '\0') {
			printf("# %s:%zu: empty setup command\n", path, lineno);
			return -1;
		}
		strv_push(&t->setup, xstrdup(v));
	} else if (strncmp(p, "exit:", 5) == 0) {
		long x;
		errno = 0;
		x = strtol(p + 5, &end, 10);
		if (end == p + 5 || *skip_blanks(end) != '\0' || errno || x < 0 || x > 255) {
			printf("# %s:%zu: bad exit status: %s\n", path, lineno, p + 5);
			return -1;
		}
		t->exit_want = x;
	} else if (strncmp(p, "timeout:", 8) == 0) {
		double x;
		errno = 0;
		x = strtod(p + 8, &end);
		if (end == p + 8 || *skip_blanks(end) != '\0' || errno || !isfinite(x) || x <= 0) {
			printf("# %s:%zu: bad timeout: %s\n", path, lineno, p + 8);
			return -1;
		}
		t->timeout = x;
	}
	return 0;	/* anything else is a comment */
}

static void test_free(struct test *t)
{
	size_t i;
	for (i = 0; i < t->n; i++) {
		if (t->lines[i].re_state == 1)
			regfree(&t->lines[i].re);
		free(t->lines[i].text);
	}
	free(t->lines);
	strv_free(&t->input);
	strv_free(&t->args);
	strv_free(&t->setup);
}

static int test_load(struct test *t, const char *path)
{
	FILE *f = fopen(path, "r");
	char *buf = NULL;
	size_t cap = 0, lineno = 0;
	ssize_t r;
	int rc = 0;

	if (!f) {
		printf("# %s: %s\n", path, strerror(errno));
		return -1;
	}
	while ((r = getline(&buf, &cap, f)) >= 0) {
		size_t len = (size_t)r;
		struct line *l;
		lineno++;
		if (len > 0 && buf[len - 1] == '\n')
			len--;
		if (len > 0 && buf[len - 1] == '\r')
			len--;
		buf[len] = '\0';
		if (t->n == t->cap) {
			t->cap = t->cap ? t->cap * 2 : 64;
			t->lines = xrealloc(t->lines, t->cap * sizeof *t->lines);
		}
		l = &t->lines[t->n++];
		memset(l, 0, sizeof *l);
		l->text = xstrdup(buf);
		l->kind = classify(l->text, &l->feed);
		if (l->kind == K_DIRECTIVE) {
			if (directive(t, l->text, path, lineno) < 0)
				rc = -1;
		} else if (l->kind == K_PROMPT || l->kind == K_DIALOG) {
			strv_push(&t->input, xstrdup(l->text + l->feed));
		}
	}
	if (ferror(f)) {
		printf("# %s: read error: %s\n", path, strerror(errno));
		rc = -1;
	}
	free(buf);
	fclose(f);
	return rc;
}

/* Does regex line l match the (stripped) actual line s? */
static bool line_matches(struct line *l, const char *s)
{
	if (l->re_state == 0) {
		size_t n = stripped_len(l->text) - 5;
		char *pat = xrealloc(NULL, n + 5);
		int e;
		memcpy(pat, "^(", 2);
		memcpy(pat + 2, l->text, n);
		memcpy(pat + 2 + n, ")$", 3);
		e = regcomp(&l->re, pat, REG_EXTENDED | REG_NOSUB);
		if (e != 0) {
			char msg[200];
			regerror(e, &l->re, msg, sizeof msg);
			printf("# bad regex %s: %s\n", pat, msg);
			l->re_state = -1;
		} else {
			l->re_state = 1;
		}
		free(pat);
	}
	return l->re_state == 1 && regexec(&l->re, s, 0, NULL, 0) == 0;
}

/* ---- processes ---------------------------------------------------------------- */

static void kill_group(pid_t pid, int sig)
{
	if (kill(-pid, sig) < 0)
		kill(pid, sig);
}

/* fork + exec argv in a new process group; stdin from in (NULL: /dev/null),
 * stdout and stderr to out.  With dev, DEV and SRCDIR are exported. */
static pid_t spawn(char *const argv[], const char *in, const char *out, const char *dev)
{
	pid_t pid;

	fflush(NULL);
	pid = fork();
	if (pid < 0) {
		printf("# fork: %s\n", strerror(errno));
		return -1;
	}
	if (pid == 0) {
		int fd;
		setpgid(0, 0);
		fd = open(in ? in : "/dev/null", O_RDONLY);
		if (fd < 0 || dup2(fd, 0) < 0)
			_exit(126);
		if (fd != 0)
			close(fd);
		fd = open(out, O_WRONLY | O_CREAT | O_TRUNC, 0644);
		if (fd < 0 || dup2(fd, 1) < 0 || dup2(fd, 2) < 0)
			_exit(126);
		if (fd > 2)
			close(fd);
		setenv("PKISH_TEST", "1", 1);
		if (dev) {
			setenv("DEV", dev, 1);
			setenv("SRCDIR", g_srcdir, 1);
		}
		execvp(argv[0], argv);
		dprintf(2, "trun: cannot run %s: %s\n", argv[0], strerror(errno));
		_exit(127);
	}
	setpgid(pid, pid);
	return pid;
}

/* Wait for pid; past timeout seconds (or on SIGINT/SIGTERM/SIGHUP to trun)
 * send SIGTERM to its group, then SIGKILL TERM_GRACE seconds later. */
static int wait_child(pid_t pid, double timeout, int *status)
{
	double deadline = now() + timeout;
	long nap = 1000000;
	int why = W_DONE, phase = 0;

	for (;;) {
		struct timespec ts;
		double t;
		pid_t r = waitpid(pid, status, WNOHANG);
		if (r == pid)
			return why;
		if (r < 0 && errno != EINTR) {
			kill_group(pid, SIGKILL);
			return W_ERROR;
		}
		t = now();
		if (phase == 0 && (g_interrupt || t >= deadline)) {
			why = g_interrupt ? W_INTERRUPTED : W_TIMEOUT;
			kill_group(pid, SIGTERM);
			phase = 1;
			deadline = t + TERM_GRACE;
		} else if (phase == 1 && t >= deadline) {
			kill_group(pid, SIGKILL);
			phase = 2;
		}
		ts.tv_sec = 0;
		ts.tv_nsec = nap;
		nanosleep(&ts, NULL);
		if (nap < 20000000)
			nap *= 2;
	}
}

static void run_diff(const char *a, const char *b)
{
	pid_t pid;
	int st;

	fflush(NULL);
	pid = fork();
	if (pid < 0) {
		printf("# fork: %s\n", strerror(errno));
		return;
	}
	if (pid == 0) {
		execlp("diff", "diff", "-u", "--label", "expected", "--label", "actual",
		       a, b, (char *)NULL);
		dprintf(1, "# cannot run diff: %s\n", strerror(errno));
		_exit(2);
	}
	while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
		;
}

static int rm_entry(const char *p, const struct stat *sb, int flag, struct FTW *ftw)
{
	(void)sb;
	(void)flag;
	(void)ftw;
	if (remove(p) != 0)
		printf("# cannot remove %s: %s\n", p, strerror(errno));
	return 0;
}

/* ---- comparing and updating ------------------------------------------------ */

static int read_output(const char *path, struct output *o)
{
	FILE *f = fopen(path, "r");
	char *buf = NULL;
	size_t cap = 0;
	ssize_t r;

	if (!f) {
		printf("# %s: %s\n", path, strerror(errno));
		return -1;
	}
	while ((r = getline(&buf, &cap, f)) >= 0) {
		size_t len = (size_t)r, i;
		if (len > 0 && buf[len - 1] == '\n')
			len--;
		for (i = 0; i < len; i++)	/* keep NUL bytes visible */
			if (buf[i] == '\0')
				buf[i] = '?';
		strv_push(&o->raw, xstrndup(buf, len));
		strv_push(&o->strip, xstrndup(buf, stripped_len(o->raw.v[o->raw.n - 1])));
	}
	free(buf);
	fclose(f);
	o->ntrim = o->strip.n;
	while (o->ntrim > 0 && o->strip.v[o->ntrim - 1][0] == '\0')
		o->ntrim--;
	return 0;
}

/* The expected (non-##) lines of t, and their count without trailing blanks. */
static struct line **expected_lines(struct test *t, size_t *n, size_t *ntrim)
{
	struct line **e = xrealloc(NULL, (t->n + 1) * sizeof *e);
	size_t i;
	*n = 0;
	for (i = 0; i < t->n; i++)
		if (t->lines[i].kind != K_DIRECTIVE)
			e[(*n)++] = &t->lines[i];
	*ntrim = *n;
	while (*ntrim > 0 && e[*ntrim - 1]->kind != K_REGEX &&
	       stripped_len(e[*ntrim - 1]->text) == 0)
		(*ntrim)--;
	return e;
}

static void put_line(FILE *f, const char *s, size_t n)
{
	fwrite(s, 1, n, f);
	fputc('\n', f);
}

/* Returns true if the output matches; otherwise prints the diff. */
static bool compare(struct test *t, struct output *o, const char *exp_path, const char *act_path)
{
	size_t ne, ne_all, na = o->ntrim, i;
	struct line **e = expected_lines(t, &ne_all, &ne);
	FILE *fe = fopen(exp_path, "w"), *fa = fopen(act_path, "w");
	bool same = ne == na;

	if (!fe || !fa) {
		printf("# cannot write %s: %s\n", fe ? act_path : exp_path, strerror(errno));
		same = false;
		goto out;
	}
	for (i = 0; i < ne || i < na; i++) {
		if (i < ne) {
			if (i < na && e[i]->kind == K_REGEX && line_matches(e[i], o->strip.v[i])) {
				fputs(o->strip.v[i], fe);
				fputc('\n', fe);
			} else {
				put_line(fe, e[i]->text, stripped_len(e[i]->text));
				if (i >= na || !stripped_eq(e[i]->text, o->strip.v[i]))
					same = false;
			}
		}
		if (i < na) {
			fputs(o->strip.v[i], fa);
			fputc('\n', fa);
		}
	}
out:
	if (fe && fclose(fe) != 0)
		same = false;
	if (fa && fclose(fa) != 0)
		same = false;
	if (!same)
		run_diff(exp_path, act_path);
	free(e);
	return same;
}

static char *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *buf = NULL;
	size_t cap = 0, n;
	*len = 0;
	if (!f)
		return NULL;
	do {
		if (cap - *len < 4096) {
			cap = cap ? cap * 2 : 8192;
			buf = xrealloc(buf, cap);
		}
		n = fread(buf + *len, 1, cap - *len, f);
		*len += n;
	} while (n > 0);
	fclose(f);
	return buf;
}

static int write_atomic(const char *path, const char *data, size_t len)
{
	size_t n = strlen(path);
	char *tmp = xrealloc(NULL, n + 8);
	struct stat st;
	int fd, rc = -1;

	memcpy(tmp, path, n);
	memcpy(tmp + n, ".XXXXXX", 8);
	fd = mkstemp(tmp);
	if (fd < 0) {
		printf("# cannot create %s: %s\n", tmp, strerror(errno));
		free(tmp);
		return -1;
	}
	if (stat(path, &st) == 0)
		fchmod(fd, st.st_mode & 07777);
	else
		fchmod(fd, 0644);
	if (write(fd, data, len) == (ssize_t)len && close(fd) == 0) {
		fd = -1;
		if (rename(tmp, path) == 0)
			rc = 0;
	}
	if (rc != 0) {
		printf("# cannot write %s: %s\n", path, strerror(errno));
		if (fd >= 0)
			close(fd);
		unlink(tmp);
	}
	free(tmp);
	return rc;
}

/* Is old expected line e the same as actual line s (stripped)? */
static bool line_same(struct line *e, const char *s)
{
	return e->kind == K_REGEX ? line_matches(e, s) : stripped_eq(e->text, s);
}

#define LCS_MAX_CELLS (8u << 20)

/* For --update: keep[i] = the old regex line that actual line i is paired
 * with and matched by, else NULL.  Lines are paired by a longest common
 * subsequence (regex lines equal to what they match), so regex lines
 * survive output added or removed elsewhere; for huge files, by position
 * from the start, else from the end. */
static void keep_regexes(struct line **e, size_t ne, size_t ne_trim, struct output *o,
			 struct line **keep)
{
	size_t na = o->raw.n, i, j, w = na + 1;
	uint32_t *L;

	for (j = 0; j < na; j++)
		keep[j] = NULL;
	if (ne + 1 > LCS_MAX_CELLS / w) {
		for (j = 0; j < na; j++) {
			if (j < ne && e[j]->kind == K_REGEX && line_matches(e[j], o->strip.v[j])) {
				keep[j] = e[j];
			} else if (j < o->ntrim && ne_trim + j >= o->ntrim) {
				i = ne_trim + j - o->ntrim;
				if (e[i]->kind == K_REGEX && line_matches(e[i], o->strip.v[j]))
					keep[j] = e[i];
			}
		}
		return;
	}
	/* L[i * w + j] = LCS length of e[i..] and actual[j..] */
	L = xrealloc(NULL, (ne + 1) * w * sizeof *L);
	for (i = ne + 1; i-- > 0;) {
		for (j = na + 1; j-- > 0;) {
			uint32_t *c = &L[i * w + j];
			if (i == ne || j == na)
				*c = 0;
			else if (line_same(e[i], o->strip.v[j]))
				*c = L[(i + 1) * w + j + 1] + 1;
			else
				*c = L[(i + 1) * w + j] > L[i * w + j + 1] ?
				     L[(i + 1) * w + j] : L[i * w + j + 1];
		}
	}
	for (i = 0, j = 0; i < ne && j < na;) {
		if (L[i * w + j] == L[(i + 1) * w + j + 1] + 1 && line_same(e[i], o->strip.v[j])) {
			if (e[i]->kind == K_REGEX)
				keep[j] = e[i];
			i++;
			j++;
		} else if (L[(i + 1) * w + j] >= L[i * w + j + 1]) {
			i++;
		} else {
			j++;
		}
	}
	free(L);
}

static bool input_kind(enum kind k)
{
	return k == K_PROMPT || k == K_DIALOG;
}

/* Where an old ## line goes in the new file.  Every ## line stays in the
 * same segment (between the same two input-bearing lines, by ordinal), so
 * the input stream never changes: seg = the number of input-bearing lines
 * before it.  Within the segment, a ## line that the old file puts just
 * before an input-bearing line (or at the top) stays just before it (off =
 * SIZE_MAX); one that follows output (e.g. "## input:" after "Password:")
 * keeps its offset from the segment start (off = non-## lines since the
 * segment's input line, inclusive), or goes to the segment end if the new
 * segment is shorter.  Header ## lines (no output above them) stay at the
 * top and trailing ones at the end (seg = SIZE_MAX). */
struct anchor {
	size_t seg, off;
};

static void anchor_directives(const struct test *t, struct anchor *a)
{
	size_t i, j, seg = 0, pos = 0;
	for (i = 0; i < t->n; i++) {
		enum kind k = t->lines[i].kind;
		if (k != K_DIRECTIVE) {
			if (input_kind(k)) {
				seg++;
				pos = 0;
			}
			pos++;
			continue;
		}
		for (j = i + 1; j < t->n && t->lines[j].kind == K_DIRECTIVE; j++)
			;
		a[i].seg = j == t->n ? (size_t)-1 : seg;
		if (j == t->n || (input_kind(t->lines[j].kind) && pos > 0))
			a[i].off = (size_t)-1;
		else
			a[i].off = pos;
	}
}

/* Emit the old ## lines from *d on that belong before a new line at
 * position pos of segment seg. */
static void emit_directives(FILE *f, const struct test *t, const struct anchor *a,
			    size_t *d, size_t seg, size_t pos)
{
	for (; *d < t->n; (*d)++) {
		if (t->lines[*d].kind != K_DIRECTIVE)
			continue;
		if (a[*d].seg > seg || (a[*d].seg == seg && a[*d].off > pos))
			break;
		fputs(t->lines[*d].text, f);
		fputc('\n', f);
	}
}

/* Rewrite path from the actual output; returns 1 if changed, 0 if the
 * same, -1 on error. */
static int update(const char *path, struct test *t, struct output *o)
{
	size_t ne_all, ne, na = o->raw.n, i, seg = 0, pos = 0, d = 0, len = 0, oldlen;
	struct line **e = expected_lines(t, &ne_all, &ne);
	struct anchor *a = xrealloc(NULL, (t->n + 1) * sizeof *a);
	struct line **keep = xrealloc(NULL, (na + 1) * sizeof *keep);
	char *buf = NULL, *old;
	FILE *m;
	int rc = -1;

	anchor_directives(t, a);
	m = open_memstream(&buf, &len);
	if (!m) {
		printf("# open_memstream: %s\n", strerror(errno));
		goto out;
	}
	keep_regexes(e, ne_all, ne, o, keep);
	for (i = 0; i < na; i++) {
		const char *text = keep[i] ? keep[i]->text : o->raw.v[i];
		size_t feed;
		if (input_kind(classify(text, &feed))) {
			emit_directives(m, t, a, &d, seg, (size_t)-1);
			seg++;
			pos = 0;
		}
		emit_directives(m, t, a, &d, seg, pos);
		fputs(text, m);
		fputc('\n', m);
		pos++;
	}
	emit_directives(m, t, a, &d, (size_t)-1, (size_t)-1);
	if (fclose(m) != 0) {
		printf("# open_memstream: %s\n", strerror(errno));
		goto out;
	}
	old = slurp(path, &oldlen);
	if (old && oldlen == len && memcmp(old, buf, len) == 0)
		rc = 0;
	else
		rc = write_atomic(path, buf, len) == 0 ? 1 : -1;
	free(old);
out:
	free(buf);
	free(keep);
	free(a);
	free(e);
	return rc;
}

/* ---- one test --------------------------------------------------------------- */

static bool status_ok(const struct test *t, int st)
{
	if (WIFSIGNALED(st)) {
		printf("# pkish killed by signal %d (%s)\n", WTERMSIG(st), strsignal(WTERMSIG(st)));
		return false;
	}
	if (!WIFEXITED(st)) {
		printf("# pkish: unexpected wait status %#x\n", (unsigned)st);
		return false;
	}
	if (t->exit_want >= 0) {
		if (WEXITSTATUS(st) != t->exit_want) {
			printf("# pkish exit status %d, expected %ld\n", WEXITSTATUS(st), t->exit_want);
			return false;
		}
	} else if (WEXITSTATUS(st) >= 128) {
		printf("# pkish exit status %d\n", WEXITSTATUS(st));
		return false;
	}
	return true;
}

static bool write_input(const char *path, const struct strv *in)
{
	FILE *f = fopen(path, "w");
	size_t i;
	if (!f) {
		printf("# cannot write %s: %s\n", path, strerror(errno));
		return false;
	}
	for (i = 0; i < in->n; i++) {
		fputs(in->v[i], f);
		fputc('\n', f);
	}
	return fclose(f) == 0;
}

static bool run_setup(const struct test *t, const char *dev, const char *out)
{
	size_t i;
	for (i = 0; i < t->setup.n; i++) {
		char *argv[] = { "/bin/sh", "-c", t->setup.v[i], NULL };
		int st = 0, w;
		pid_t pid = spawn(argv, NULL, out, dev);
		if (pid < 0)
			return false;
		w = wait_child(pid, t->timeout, &st);
		if (w != W_DONE || !WIFEXITED(st) || WEXITSTATUS(st) != 0) {
			if (w == W_TIMEOUT)
				printf("# setup timed out after %g s: %s\n", t->timeout, t->setup.v[i]);
			else if (w == W_DONE && WIFEXITED(st))
				printf("# setup failed (exit %d): %s\n", WEXITSTATUS(st), t->setup.v[i]);
			else
				printf("# setup failed: %s\n", t->setup.v[i]);
			show_file(out);
			return false;
		}
	}
	return true;
}

static bool run_test(const char *path, const struct opts *op)
{
	struct test t;
	struct output o;
	const char *tmpdir = getenv("TMPDIR");
	char *dir = NULL, *dev = NULL, *in = NULL, *out = NULL, *aux = NULL;
	char *exp_path = NULL, *act_path = NULL;
	char **argv = NULL;
	bool pass = false, healthy;
	int st = 0, w, rc;
	size_t i, argc;
	pid_t pid;

	memset(&t, 0, sizeof t);
	memset(&o, 0, sizeof o);
	t.exit_want = -1;
	t.timeout = DEFAULT_TIMEOUT;
	if (test_load(&t, path) < 0)
		goto done;

	dir = path_join(tmpdir && *tmpdir ? tmpdir : "/tmp", "pkish-t.XXXXXX");
	if (!mkdtemp(dir)) {
		printf("# mkdtemp %s: %s\n", dir, strerror(errno));
		free(dir);
		dir = NULL;
		goto done;
	}
	dev = path_join(dir, "dev");
	in = path_join(dir, "input");
	out = path_join(dir, "output");
	aux = path_join(dir, "setup.out");
	exp_path = path_join(dir, "expected");
	act_path = path_join(dir, "actual");
	if (op->verbose)
		printf("# tmp: %s\n", dir);
	if (mkdir(dev, 0755) != 0) {
		printf("# mkdir %s: %s\n", dev, strerror(errno));
		goto done;
	}
	if (!write_input(in, &t.input) || !run_setup(&t, dev, aux))
		goto done;

	argc = 0;
	argv = xrealloc(NULL, (t.args.n + 6) * sizeof *argv);
	argv[argc++] = (char *)op->pkish;
	argv[argc++] = "--echo";
	argv[argc++] = "--frozen-clock";
	argv[argc++] = "-d";
	argv[argc++] = dev;
	for (i = 0; i < t.args.n; i++)
		argv[argc++] = t.args.v[i];
	argv[argc] = NULL;
	if (op->verbose) {
		printf("# run:");
		for (i = 0; i < argc; i++)
			printf(" %s", argv[i]);
		printf(" <%s >%s 2>&1\n", in, out);
	}
	pid = spawn(argv, in, out, NULL);
	if (pid < 0)
		goto done;
	w = wait_child(pid, t.timeout, &st);
	if (w == W_TIMEOUT)
		printf("# timeout: pkish still running after %g s, killed\n", t.timeout);
	else if (w == W_INTERRUPTED)
		printf("# interrupted\n");
	else if (w == W_ERROR)
		printf("# waitpid: %s\n", strerror(errno));
	healthy = w == W_DONE && status_ok(&t, st);
	if (read_output(out, &o) < 0)
		goto done;

	if (op->update && healthy) {
		rc = update(path, &t, &o);
		if (rc >= 0) {
			printf("%s - %s\n", rc ? "updated" : "ok", path);
			pass = true;
			goto cleanup;
		}
		goto done;
	}
	pass = compare(&t, &o, exp_path, act_path) && healthy;
done:
	printf("%s - %s\n", pass ? "ok" : "not ok", path);
cleanup:
	if (dir) {
		if (op->keep || op->verbose)
			printf("# kept %s\n", dir);
		else
			nftw(dir, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
	}
	fflush(stdout);
	free(argv);
	free(dir);
	free(dev);
	free(in);
	free(out);
	free(aux);
	free(exp_path);
	free(act_path);
	strv_free(&o.raw);
	strv_free(&o.strip);
	test_free(&t);
	return pass;
}

/* ---- main --------------------------------------------------------------------- */

static void usage(void)
{
	fputs("usage: trun [--update] [-v] [--keep] PKISH FILE.t [FILE.t ...]\n", stderr);
}

int main(int argc, char **argv)
{
	struct opts op;
	struct sigaction sa;
	const char *env;
	int i, failed = 0;

	memset(&op, 0, sizeof op);
	for (i = 1; i < argc && argv[i][0] == '-'; i++) {
		if (strcmp(argv[i], "--update") == 0) {
			op.update = true;
		} else if (strcmp(argv[i], "-v") == 0 || strcmp(argv[i], "--verbose") == 0) {
			op.verbose = true;
		} else if (strcmp(argv[i], "--keep") == 0) {
			op.keep = true;
		} else if (strcmp(argv[i], "--") == 0) {
			i++;
			break;
		} else {
			usage();
			return 2;
		}
	}
	if (argc - i < 2) {
		usage();
		return 2;
	}
	op.pkish = argv[i++];

	env = getenv("SRCDIR");
	g_srcdir = env && *env ? xstrdup(env) : getcwd(NULL, 0);
	if (!g_srcdir) {
		perror("trun: getcwd");
		return 2;
	}
	if (regcomp(&g_prompt_re, PROMPT_ERE, REG_EXTENDED) != 0 ||
	    regcomp(&g_dialog_re, DIALOG_ERE, REG_EXTENDED) != 0) {
		fputs("trun: regcomp failed\n", stderr);
		return 2;
	}
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);

	for (; i < argc && !g_interrupt; i++)
		if (!run_test(argv[i], &op))
			failed++;

	regfree(&g_prompt_re);
	regfree(&g_dialog_re);
	free(g_srcdir);
	if (g_interrupt) {
		signal(g_interrupt, SIG_DFL);
		raise(g_interrupt);
	}
	return failed ? 1 : 0;
}

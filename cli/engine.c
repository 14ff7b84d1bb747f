/*
 * engine.c — tokenizer, matcher, walkup, errors, help and completion (see
 * cli.h for the matching rules).  Output and dialogs are in session.c.
 */
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/cli_int.h"
#include "core/text.h"

/* ---- modes every session has ------------------------------------------- */

const struct cli_mode cli_mode_exec = {
	.name = "exec", .prompt = "", .parent = NULL, .table = n_exec,
	.flags = CLI_M_EXEC,
};

const struct cli_mode cli_mode_config = {
	.name = "config", .prompt = "(config)", .parent = &cli_mode_exec,
	.table = n_config, .flags = CLI_M_CONFIG,
};

/* Generic words: `no`/`default` are recognised by data, the others run. */
enum { D_NEG_NO = 1, D_NEG_DEFAULT = 2 };

static int h_end(cli_sess *s, const cli_args *a);
static int h_exit(cli_sess *s, const cli_args *a);

static const struct cli_node n_config_common[] = {
	KWD("default", "Set a command to its defaults", NULL, NULL, D_NEG_DEFAULT),
	KWF("do", "To run exec commands in config mode", CLI_F_DO | CLI_F_NONEG, NULL, NULL),
	KWF("end", "Exit from configure mode", CLI_F_NONEG, NULL, h_end),
	KWF("exit", "Exit from the current mode", CLI_F_NONEG, NULL, h_exit),
	KWD("no", "Negate a command or set its defaults", NULL, NULL, D_NEG_NO),
	END_TABLE
};

static const struct cli_node n_exec_common[] = {
	KWD("no", "Disable debugging functions", NULL, NULL, D_NEG_NO),
	END_TABLE
};

/* ---- tokens ------------------------------------------------------------- */

#define MAX_TOK 128

struct tok {
	int col;    /* offset in the line */
	int len;
	char *s;    /* NUL-terminated copy */
};

struct toks {
	int n;
	struct tok t[MAX_TOK];
	char buf[4096];
	int trailing_space;  /* the line ends in blanks (help: "show ?") */
};

static int tokenize(const char *line, struct toks *tk)
{
	const char *p = line;
	size_t used = 0;

	tk->n = 0;
	tk->trailing_space = 0;
	while (*p) {
		const char *start;
		size_t len;

		while (*p == ' ' || *p == '\t')
			p++;
		if (!*p)
			break;
		start = p;
		while (*p && *p != ' ' && *p != '\t')
			p++;
		len = (size_t)(p - start);
		if (tk->n >= MAX_TOK || used + len + 1 > sizeof tk->buf)
			return -1;
		tk->t[tk->n].col = (int)(start - line);
		tk->t[tk->n].len = (int)len;
		tk->t[tk->n].s = tk->buf + used;
		memcpy(tk->buf + used, start, len);
		tk->buf[used + len] = '\0';
		used += len + 1;
		tk->n++;
	}
	{
		size_t L = strlen(line);
		tk->trailing_space = L > 0 && (line[L - 1] == ' ' || line[L - 1] == '\t');
	}
	return 0;
}

/* ---- value parsing ------------------------------------------------------ */

static int parse_int(const char *s, long long *out)
{
	char *end;
	long long v;

	if (!*s || !(isdigit((unsigned char)s[0]) || (s[0] == '-' && isdigit((unsigned char)s[1]))))
		return -1;
	errno = 0;
	v = strtoll(s, &end, 10);
	if (errno || *end)
		return -1;
	*out = v;
	return 0;
}

static int parse_hex(const char *s, long long *out)
{
	const char *p = s;
	unsigned long long v = 0;
	int n = 0, big = 0;

	if (p[0] == '0' && (p[1] == 'x' || p[1] == 'X'))
		p += 2;
	if (!*p)
		return -1;
	for (; *p; p++, n++) {
		int d;
		if (!isxdigit((unsigned char)*p))
			return -1;
		d = isdigit((unsigned char)*p) ? *p - '0' : (tolower((unsigned char)*p) - 'a' + 10);
		if (v >> 59)
			big = 1;
		v = v * 16 + (unsigned)d;
	}
	if (n > 40)
		return -1;
	*out = big ? -1 : (long long)v;
	return 0;
}

int cli_parse_ipv4(const char *s, unsigned char out[4])
{
	int i;
	const char *p = s;

	for (i = 0; i < 4; i++) {
		int v = 0, digits = 0;
		while (isdigit((unsigned char)*p) && digits < 4) {
			v = v * 10 + (*p - '0');
			p++;
			digits++;
		}
		if (digits == 0 || digits > 3 || v > 255)
			return -1;
		if (out)
			out[i] = (unsigned char)v;
		if (i < 3) {
			if (*p != '.')
				return -1;
			p++;
		}
	}
	return *p ? -1 : 0;
}

/* ---- matching ----------------------------------------------------------- */

enum { SC_EXACT = 0, SC_VALUE = 1, SC_PREFIX = 2, SC_FREE = 3, SC_NONE = 99 };

struct mstate {
	const cli_sess *s;
	const struct cli_mode *mode;
	unsigned mflags;              /* CLI_M_* of the table in use */
	const struct cli_node *table; /* NULL at the root of the mode */
	int at_root;
	int neg;
	int priv;
	int in_do;
	int in_pipe;
	const struct cli_node *last;  /* last matched node */
	const struct cli_node *used[CLI_MAX_ARGS];
	int nused;
};

#define MAX_CAND 256

static int node_used(const struct mstate *m, const struct cli_node *n)
{
	int i;
	for (i = 0; i < m->nused; i++)
		if (m->used[i] == n)
			return 1;
	return 0;
}

static int node_allowed(const struct mstate *m, const struct cli_node *n)
{
	if ((n->flags & CLI_F_PRIV) && !m->priv)
		return 0;
	if ((n->flags & CLI_F_ONCE) && node_used(m, n))
		return 0;
	if (m->neg && m->at_root) {
		if (m->mflags & CLI_M_CONFIG)
			return !(n->flags & CLI_F_NONEG);
		return (n->flags & CLI_F_NEG) != 0;
	}
	return 1;
}

static int add_table(const struct mstate *m, const struct cli_node *t,
		     const struct cli_node **out, int n)
{
	for (; t && (t->tok || t->kind); t++) {
		if (n >= MAX_CAND)
			break;
		if (m->neg && m->at_root && t->data >= D_NEG_NO && t->data <= D_NEG_DEFAULT &&
		    (t->kind == CLI_KW) && !t->fn && !t->next)
			continue;   /* no "no no" */
		if (node_allowed(m, t))
			out[n++] = t;
	}
	return n;
}

/* The nodes that may come next. */
static int candidates(const struct mstate *m, const struct cli_node **out)
{
	int n = 0;

	if (m->in_pipe)
		return add_table(m, m->table, out, 0);
	if (!m->at_root)
		return add_table(m, m->table, out, 0);
	n = add_table(m, m->table, out, n);
	if (m->mflags & CLI_M_CONFIG)
		n = add_table(m, n_config_common, out, n);
	else if ((m->mflags & CLI_M_EXEC) && m->priv && !m->in_do)
		n = add_table(m, n_exec_common, out, n);
	return n;
}

static int is_neg_node(const struct cli_node *n)
{
	return n->kind == CLI_KW && !n->fn && !n->next &&
	       (n->data == D_NEG_NO || n->data == D_NEG_DEFAULT) &&
	       (n == &n_config_common[0] || n == &n_config_common[4] || n == &n_exec_common[0]);
}

static int score(const struct cli_node *n, const char *tok, long long *num)
{
	size_t len = strlen(tok);

	switch (n->kind) {
	case CLI_KW:
		/* most siblings differ in the first letter: cheap rejection */
		if (tolower((unsigned char)n->tok[0]) != tolower((unsigned char)tok[0]))
			return SC_NONE;
		if (strcasecmp(n->tok, tok) == 0)
			return SC_EXACT;
		if (n->flags & CLI_F_HIDDEN)
			return SC_NONE;
		if (len > 0 && len < strlen(n->tok) && strncasecmp(n->tok, tok, len) == 0)
			return SC_PREFIX;
		return SC_NONE;
	case CLI_INT:
		if (parse_int(tok, num) == 0 && *num >= n->lo && *num <= n->hi)
			return SC_VALUE;
		return SC_NONE;
	case CLI_HEX:
		return parse_hex(tok, num) == 0 ? SC_VALUE : SC_NONE;
	case CLI_IPV4:
		return cli_parse_ipv4(tok, NULL) == 0 ? SC_VALUE : SC_NONE;
	case CLI_URL:
		return strchr(tok, ':') ? SC_FREE : SC_NONE;
	case CLI_WORD:
	case CLI_LINE:
		return SC_FREE;
	}
	return SC_NONE;
}

/* User EXEC: does the word name a command of privileged EXEC only? */
static int privileged_word(const struct mstate *m, const char *tok)
{
	const struct cli_node *n;
	long long num;

	if (m->priv || !m->at_root)
		return 0;
	for (n = m->table; n && (n->tok || n->kind); n++)
		if ((n->flags & CLI_F_PRIV) && n->kind == CLI_KW && score(n, tok, &num) != SC_NONE)
			return 1;
	return 0;
}

static int can_end(const struct mstate *m)
{
	const struct cli_node *n = m->last;

	if (!n)
		return 0;
	if (!n->fn)
		return 0;
	if ((n->flags & CLI_F_NEG_END) && !m->neg)
		return 0;
	return 1;
}

/* A node that can only end in the no form still needs its handler. */
static void advance(struct mstate *m, const struct cli_node *n)
{
	m->last = n;
	if ((n->flags & CLI_F_ONCE) && m->nused < CLI_MAX_ARGS)
		m->used[m->nused++] = n;
	if (n->flags & CLI_F_DO) {
		m->in_do = 1;
		m->priv = 1;
		m->mflags = CLI_M_EXEC;
		m->table = n_exec;
		m->at_root = 1;
		m->neg = 0;
		m->last = NULL;
		return;
	}
	m->table = n->next;
	m->at_root = 0;
}

enum {
	MR_OK, MR_EMPTY, MR_INVALID, MR_INCOMPLETE, MR_AMBIGUOUS, MR_UNKNOWN
};

struct mres {
	int res;
	int col;                      /* error column (offset in the line) */
	int tokend;                   /* ambiguous: end of the token */
	const struct cli_node *node;  /* handler node */
	int neg;
	int in_do;
	int ntok_cmd;                 /* tokens used by the command (not the pipe) */
	int nargs_cmd;                /* args of the command (the pipe's are not its) */
	cli_args args;
	long pipe;                    /* PIPE_* */
	const char *pipe_re;
};

static void mstate_init(struct mstate *m, const cli_sess *s, const struct cli_mode *mode)
{
	memset(m, 0, sizeof *m);
	m->s = s;
	m->mode = mode;
	m->mflags = mode->flags;
	m->table = mode->table;
	m->at_root = 1;
	m->priv = cli_sess_priv(s) || (mode->flags & CLI_M_CONFIG);
}

/* Find where a LINE value ends: at the first "|" token (unless NOPIPE). */
static int line_end_tok(const struct toks *tk, int i, const struct cli_node *n)
{
	int j;
	if (n->flags & CLI_F_NOPIPE)
		return tk->n;
	for (j = i; j < tk->n; j++)
		if (strcmp(tk->t[j].s, "|") == 0 && j > i)
			return j;
	return tk->n;
}

/* Match tokens [0, upto) of a line in a mode.  With for_help the match stops
 * there and leaves the state for candidate listing. */
static void match(const cli_sess *s, const struct cli_mode *mode, const char *line,
		  const struct toks *tk, int upto, struct mres *r, struct mstate *m)
{
	int i;
	char *argbuf;
	size_t argused = 0;
	static _Thread_local char argstore[4096];

	memset(r, 0, sizeof *r);
	mstate_init(m, s, mode);
	r->args.line = line;
	argbuf = argstore;
	if (upto == 0) {
		r->res = MR_EMPTY;
		return;
	}
	for (i = 0; i < upto; i++) {
		const struct cli_node *cand[MAX_CAND];
		const struct cli_node *best = NULL;
		int nc, j, bestsc = SC_NONE, nbest = 0;
		long long num = 0, bestnum = 0;
		const char *tok = tk->t[i].s;

		/* A pipe once the command may end. */
		if (!m->in_pipe && strcmp(tok, "|") == 0 && i > 0) {
			if (!can_end(m)) {
				r->res = MR_INCOMPLETE;
				r->col = tk->t[i].col;
				return;
			}
			r->node = m->last;
			r->neg = m->neg;
			r->ntok_cmd = i;
			r->nargs_cmd = r->args.n;
			m->in_pipe = 1;
			m->table = n_pipe;
			m->at_root = 0;
			m->last = NULL;
			continue;
		}
		nc = candidates(m, cand);
		for (j = 0; j < nc; j++) {
			int sc = score(cand[j], tok, &num);
			if (sc < bestsc) {
				bestsc = sc;
				best = cand[j];
				bestnum = num;
				nbest = 1;
			} else if (sc == bestsc && sc != SC_NONE) {
				nbest++;
			}
		}
		if (!best) {
			r->res = MR_INVALID;
			/* EXEC: a first word that is no command is taken for a
			 * host name (IOS); a privileged command typed in user
			 * EXEC is one too when it stands alone, and the caret
			 * error when words follow it. */
			if (i == 0 && (m->mflags & CLI_M_EXEC) && !m->in_do &&
			    (tk->n == 1 || !privileged_word(m, tok)))
				r->res = MR_UNKNOWN;
			r->col = tk->t[i].col;
			return;
		}
		if (bestsc == SC_PREFIX && nbest > 1) {
			r->res = MR_AMBIGUOUS;
			r->col = tk->t[i].col;
			r->tokend = tk->t[i].col + tk->t[i].len;
			return;
		}
		if (m->at_root && !m->in_do && !m->in_pipe && is_neg_node(best)) {
			m->neg = best->data == D_NEG_NO ? CLI_NEG_NO : CLI_NEG_DEFAULT;
			continue;
		}
		/* Record the argument. */
		if (r->args.n < CLI_MAX_ARGS) {
			struct cli_arg *a = &r->args.v[r->args.n++];
			const char *text = tok;
			if (best->kind == CLI_LINE) {
				int e = line_end_tok(tk, i, best);
				int from = tk->t[i].col;
				int to = tk->t[e - 1].col + tk->t[e - 1].len;
				size_t L = (size_t)(to - from);
				if (argused + L + 1 <= sizeof argstore) {
					memcpy(argbuf + argused, line + from, L);
					argbuf[argused + L] = '\0';
					text = argbuf + argused;
					argused += L + 1;
				}
				i = e - 1;
			}
			a->node = best;
			a->text = text;
			a->num = bestnum;
			a->col = tk->t[i].col;
		}
		advance(m, best);
		if (m->in_do && !m->last && m->at_root && best->flags & CLI_F_DO)
			r->in_do = 1;
	}
	if (m->in_pipe) {
		if (!m->last || !m->last->fn) {
			r->res = MR_INCOMPLETE;
			r->col = tk->t[upto - 1].col;
			return;
		}
		r->pipe = m->last->data;
		r->pipe_re = r->args.v[r->args.n - 1].text;
		/* the handler sees its own words only ("| include x" could
		 * otherwise answer its cli_arg_has("include")) */
		r->args.n = r->nargs_cmd;
		r->res = MR_OK;
		r->in_do = m->in_do;
		return;
	}
	if (!can_end(m)) {
		r->res = MR_INCOMPLETE;
		r->col = tk->t[upto - 1].col;
		return;
	}
	r->res = MR_OK;
	r->node = m->last;
	r->neg = m->neg;
	r->in_do = m->in_do;
	r->ntok_cmd = upto;
}

/* ---- exec ---------------------------------------------------------------- */

/* The column at which byte `col` of the line shows once the output layer
 * has escaped it (core/text.h: a control character takes two columns or
 * four, a UTF-8 character one), so that the caret stays under the word. */
static int shown_col(const char *line, int col)
{
	char buf[2048];
	size_t n, i;
	int w = 0;

	if (col <= 0)
		return col;
	n = pk_visible(buf, sizeof buf, line, (size_t)col, PK_VIS_LINES);
	if (n >= sizeof buf)
		return col;
	for (i = 0; i < n; i++)
		if (((unsigned char)buf[i] & 0xC0) != 0x80)
			w++;
	return w;
}

static void print_error(cli_sess *s, const char *line, const struct mres *r,
			const struct toks *tk)
{
	char sp[512];
	int col;

	switch (r->res) {
	case MR_INVALID:
		col = shown_col(line, r->col) + cli_error_indent(s, line);
		if (col < 0)
			col = 0;
		if (col >= (int)sizeof sp - 1)
			col = (int)sizeof sp - 2;
		memset(sp, ' ', (size_t)col);
		sp[col] = '^';
		sp[col + 1] = '\0';
		cli_raw_printf(s, "%s\n%% Invalid input detected at '^' marker.\n\n", sp);
		break;
	case MR_INCOMPLETE:
		(void)cli_error_indent(s, line);
		if (tk->n == 1 && (cli_mode(s)->flags & CLI_M_EXEC)) {
			/* IOS names the command in full: "sh" → "show ?". */
			const char *w = tk->t[0].s;
			if (r->args.n > 0 && r->args.v[0].node->kind == CLI_KW)
				w = r->args.v[0].node->tok;
			cli_raw_printf(s, "%% Type \"%s ?\" for a list of subcommands\n", w);
		} else {
			cli_raw_printf(s, "%% Incomplete command.\n\n");
		}
		break;
	case MR_AMBIGUOUS:
		(void)cli_error_indent(s, line);
		cli_raw_printf(s, "%% Ambiguous command:  \"%.*s\"\n", r->tokend, line);
		break;
	case MR_UNKNOWN:
		(void)cli_error_indent(s, line);
		cli_raw_printf(s, "%% Unknown command or computer name, or unable to find computer address\n");
		break;
	}
}

int cli_invalid_arg(cli_sess *s, const cli_args *a, int idx)
{
	struct mres r;
	struct toks tk;

	memset(&r, 0, sizeof r);
	r.res = MR_INVALID;
	r.col = idx >= 0 && idx < a->n ? a->v[idx].col : 0;
	tk.n = 0;
	print_error(s, a->line, &r, &tk);
	return CLI_ERR;
}

static int better_error(const struct mres *a, const struct mres *b)
{
	/* Prefer the attempt that got furthest into the line. */
	return a->col > b->col;
}

static int strip_line(const char *in, char *out, size_t n)
{
	size_t len = strlen(in);

	while (len > 0 && (in[len - 1] == '\n' || in[len - 1] == '\r'))
		len--;
	if (len >= n)
		return -1;
	memcpy(out, in, len);
	out[len] = '\0';
	return 0;
}

int cli_exec(cli_sess *s, const char *raw)
{
	char line[4096];
	const char *p;
	struct toks tk;
	struct mres r, best;
	struct mstate m;
	const struct cli_mode *mode, *found = NULL;
	int rc;

	if (strip_line(raw, line, sizeof line) < 0) {
		cli_echo(s, "");
		cli_raw_printf(s, "%% Line too long\n");
		cli_mark_failed(s);
		return CLI_ERR;
	}
	cli_set_interrupted(s, 0);
	mode = cli_mode(s);
	for (p = line; *p == ' ' || *p == '\t'; p++)
		;
	/* A typed line ended by ^Z: the line runs, then ^Z ends configuration
	 * (IOS), whatever the line did. */
	if (!mode->raw && *p && *p != 0x1a && line[strlen(line) - 1] == 0x1a) {
		line[strlen(line) - 1] = '\0';
		rc = cli_exec(s, line);
		cli_ctrl_z(s);
		return rc;
	}
	cli_echo(s, line);
	if (mode->raw)
		return cli_run_raw(s, line);
	if (*p == '\0' || *p == '!')
		return 0;
	if (*p == 0x1a && p[1] == '\0') {
		cli_ctrl_z(s);
		return 0;
	}
	{
		size_t L = strlen(line);
		if (L > 0 && line[L - 1] == '?') {
			line[L - 1] = '\0';
			cli_help(s, line);
			return 0;
		}
	}
	cli_history_add(s, p);
	if (tokenize(line, &tk) < 0) {
		cli_raw_printf(s, "%% Line too long\n");
		cli_mark_failed(s);
		return CLI_ERR;
	}
	/* Try the current mode, then walk up through the parents. */
	match(s, mode, line, &tk, tk.n, &r, &m);
	best = r;
	if (r.res == MR_OK) {
		found = mode;
	} else if (mode->flags & CLI_M_CONFIG) {
		const struct cli_mode *pm;
		for (pm = mode->parent; pm && (pm->flags & CLI_M_CONFIG); pm = pm->parent) {
			struct mres r2;
			match(s, pm, line, &tk, tk.n, &r2, &m);
			if (r2.res == MR_OK) {
				found = pm;
				r = r2;
				break;
			}
			if (better_error(&r2, &best))
				best = r2;
		}
	}
	if (!found) {
		print_error(s, line, &best, &tk);
		cli_mark_failed(s);
		return CLI_ERR;
	}
	if (found != mode)
		cli_walkup(s, found);
	r.args.neg = r.neg;
	r.args.data = r.node->data;
	rc = cli_run_handler(s, r.node, &r.args, r.pipe, r.pipe_re, r.in_do);
	if (rc < 0)
		cli_mark_failed(s);
	return rc < 0 ? CLI_ERR : 0;
}

/* ---- end, exit ------------------------------------------------------------ */

static int h_end(cli_sess *s, const cli_args *a)
{
	cli_ctrl_z(s);
	return 0;
}

static int h_exit(cli_sess *s, const cli_args *a)
{
	cli_exit_mode(s);
	return 0;
}

/* ---- help and completion --------------------------------------------------- */

static const char *disp(const struct cli_node *n, char *buf, size_t len)
{
	if (n->kind == CLI_INT && !n->tok) {
		/* IOS: "<0-59>", but "<-23 - 23>" when the range goes negative */
		snprintf(buf, len, n->lo < 0 ? "<%lld - %lld>" : "<%lld-%lld>", n->lo, n->hi);
		return buf;
	}
	return n->tok;
}

static int cmp_nodes(const void *a, const void *b)
{
	const struct cli_node *x = *(const struct cli_node *const *)a;
	const struct cli_node *y = *(const struct cli_node *const *)b;
	int xv = x->kind != CLI_KW, yv = y->kind != CLI_KW;

	if (xv != yv)
		return yv - xv;          /* values first */
	if (xv)
		return 0;
	return strcasecmp(x->tok, y->tok);
}

/* Stable insertion sort (qsort is not stable; values keep table order). */
static void sort_nodes(const struct cli_node **v, int n)
{
	int i, j;
	for (i = 1; i < n; i++) {
		const struct cli_node *x = v[i];
		for (j = i; j > 0 && cmp_nodes(&v[j - 1], &x) > 0; j--)
			v[j] = v[j - 1];
		v[j] = x;
	}
}

/* The command (after `do`) is show: its help offers "| Output modifiers". */
static int first_is_show(const struct toks *tk, const struct mstate *m)
{
	int i = m->in_do ? 1 : 0;

	return tk->n > i && strncasecmp(tk->t[i].s, "sh", 2) == 0 &&
	       strncasecmp("show", tk->t[i].s, strlen(tk->t[i].s)) == 0;
}

/* Help in one mode.  Returns 1 when it printed the help; 0 when this mode
 * has none for the line, with the failure in *err (MR_INVALID/AMBIGUOUS at
 * a column, or HELP_NONE: the words parse but nothing matches the rest). */
#define HELP_NONE (-1)

static int help_in(cli_sess *s, const struct cli_mode *mode, const char *line,
		   const struct toks *tk, struct mres *err)
{
	struct mres r;
	struct mstate m;
	const struct cli_node *cand[MAX_CAND], *list[MAX_CAND];
	int nc, n = 0, i, complete_words, width = 0, cr;
	char b[64];

	complete_words = tk->trailing_space || tk->n == 0 ? tk->n : tk->n - 1;
	match(s, mode, line, tk, complete_words, &r, &m);
	if (r.res != MR_OK && r.res != MR_EMPTY && r.res != MR_INCOMPLETE) {
		/* IOS: the words before the '?' do not parse. */
		*err = r;
		if (r.res != MR_AMBIGUOUS)
			err->res = MR_INVALID;
		return 0;
	}
	memset(err, 0, sizeof *err);
	err->res = HELP_NONE;
	err->col = tk->n > 0 ? tk->t[tk->n - 1].col : 0;
	nc = candidates(&m, cand);
	if (complete_words < tk->n) {
		/* "sh?": the words that start with the partial one. */
		const char *part = tk->t[tk->n - 1].s;
		size_t pl = strlen(part);
		int col = 0;
		for (i = 0; i < nc; i++) {
			const struct cli_node *c = cand[i];
			if (c->flags & CLI_F_HIDDEN)
				continue;
			if (c->kind == CLI_KW && strncasecmp(c->tok, part, pl) == 0)
				list[n++] = c;
		}
		if (n == 0) {
			long long num;
			for (i = 0; i < nc; i++)
				if (cand[i]->kind != CLI_KW && !(cand[i]->flags & CLI_F_HIDDEN) &&
				    score(cand[i], part, &num) != SC_NONE)
					list[n++] = cand[i];
		}
		if (n == 0)
			return 0;
		sort_nodes(list, n);
		for (i = 0; i < n; i++) {
			const char *d = disp(list[i], b, sizeof b);
			if (col > 0 && col + (int)strlen(d) + 2 > 79) {
				cli_raw_printf(s, "\n");
				col = 0;
			}
			cli_raw_printf(s, "%s  ", d);
			col += (int)strlen(d) + 2;
		}
		cli_raw_printf(s, "\n\n");
		return 1;
	}
	for (i = 0; i < nc; i++)
		if (!(cand[i]->flags & CLI_F_HIDDEN))
			list[n++] = cand[i];
	sort_nodes(list, n);
	cr = r.res == MR_OK && can_end(&m);
	if (m.in_pipe)
		cr = m.last && m.last->fn;
	for (i = 0; i < n; i++) {
		int w = (int)strlen(disp(list[i], b, sizeof b));
		if (w > width)
			width = w;
	}
	if (cr && !m.in_pipe && first_is_show(tk, &m) && width < 1)
		width = 1;
	if (n == 0 && !cr) {
		err->col = (int)strlen(line);
		return 0;
	}
	for (i = 0; i < n; i++) {
		const char *d = disp(list[i], b, sizeof b);
		if (list[i]->help && *list[i]->help)
			cli_raw_printf(s, "  %-*s  %s\n", width, d, list[i]->help);
		else
			cli_raw_printf(s, "  %s\n", d);
	}
	if (cr) {
		if (!m.in_pipe && ((mode->flags & CLI_M_EXEC) || m.in_do) && first_is_show(tk, &m))
			cli_raw_printf(s, "  %-*s  %s\n", width, "|", "Output modifiers");
		cli_raw_printf(s, "  <cr>\n");
	}
	cli_raw_printf(s, "\n");
	return 1;
}

/* Help walks up like commands do: "hostname ?" in a sub-mode describes the
 * global command (a bare "?" lists the current mode only). */
void cli_help(cli_sess *s, const char *line)
{
	struct toks tk;
	struct mres best, r;
	const struct cli_mode *mode = cli_mode(s), *pm;

	if (tokenize(line, &tk) < 0)
		return;
	if (help_in(s, mode, line, &tk, &best))
		return;
	if (tk.n > 0 && (mode->flags & CLI_M_CONFIG)) {
		for (pm = mode->parent; pm && (pm->flags & CLI_M_CONFIG); pm = pm->parent) {
			if (help_in(s, pm, line, &tk, &r))
				return;
			if (better_error(&r, &best))
				best = r;
		}
	}
	if (best.res == HELP_NONE)
		cli_raw_printf(s, "%% Unrecognized command\n");
	else
		print_error(s, line, &best, &tk);
}

static char *complete_in(cli_sess *s, const struct cli_mode *mode, const char *line)
{
	struct toks tk;
	struct mres r;
	struct mstate m;
	const struct cli_node *cand[MAX_CAND];
	const char *part, *first = NULL;
	size_t pl, common = 0;
	int nc, i, n = 0;
	char *out;

	if (tokenize(line, &tk) < 0 || tk.n == 0 || tk.trailing_space)
		return NULL;
	match(s, mode, line, &tk, tk.n - 1, &r, &m);
	if (r.res != MR_OK && r.res != MR_EMPTY && r.res != MR_INCOMPLETE)
		return NULL;
	part = tk.t[tk.n - 1].s;
	pl = strlen(part);
	nc = candidates(&m, cand);
	for (i = 0; i < nc; i++) {
		const struct cli_node *c = cand[i];
		if (c->kind != CLI_KW || (c->flags & CLI_F_HIDDEN))
			continue;
		if (strcasecmp(c->tok, part) == 0) {   /* exact beats prefixes */
			first = c->tok;
			n = 1;
			common = strlen(c->tok);
			break;
		}
		if (strncasecmp(c->tok, part, pl) != 0)
			continue;
		if (!first) {
			first = c->tok;
			common = strlen(first);
		} else {
			size_t k = 0;
			while (k < common && c->tok[k] && tolower((unsigned char)c->tok[k]) ==
			       tolower((unsigned char)first[k]))
				k++;
			common = k;
		}
		n++;
	}
	if (n == 0 || common < pl)
		return NULL;
	if (n > 1 && common == pl)
		return NULL;
	out = malloc(common - pl + 2);
	if (!out)
		return NULL;
	memcpy(out, first + pl, common - pl);
	out[common - pl] = n == 1 ? ' ' : '\0';
	out[common - pl + 1] = '\0';
	return out;
}

/* TAB walks up as well: "hostn<TAB>" in a sub-mode completes "hostname". */
char *cli_complete(cli_sess *s, const char *line)
{
	const struct cli_mode *mode = cli_mode(s), *pm;
	char *out = complete_in(s, mode, line);

	if (out || !(mode->flags & CLI_M_CONFIG))
		return out;
	for (pm = mode->parent; pm && (pm->flags & CLI_M_CONFIG); pm = pm->parent)
		if ((out = complete_in(s, pm, line)) != NULL)
			return out;
	return NULL;
}

/* ---- arguments -------------------------------------------------------------- */

static const char *arg_key(const struct cli_node *n)
{
	return n->key ? n->key : n->tok;
}

/* A typed value wins over a keyword of the same name ("hostname WORD"). */
int cli_arg_index(const cli_args *a, const char *key)
{
	int i, kw = -1;
	for (i = 0; i < a->n; i++) {
		if (!arg_key(a->v[i].node) || strcmp(arg_key(a->v[i].node), key) != 0)
			continue;
		if (a->v[i].node->kind != CLI_KW)
			return i;
		if (kw < 0)
			kw = i;
	}
	return kw;
}

const char *cli_arg_str(const cli_args *a, const char *key)
{
	int i = cli_arg_index(a, key);
	return i < 0 ? NULL : a->v[i].text;
}

long long cli_arg_int(const cli_args *a, const char *key, long long dflt)
{
	int i = cli_arg_index(a, key);
	return i < 0 ? dflt : a->v[i].num;
}

int cli_arg_has(const cli_args *a, const char *key)
{
	return cli_arg_index(a, key) >= 0;
}

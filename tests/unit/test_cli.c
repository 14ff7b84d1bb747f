/*
 * test_cli.c — the command-tree engine driven in-process: a session over a
 * real device in a temporary directory, with a capture cli_io instead of a
 * console.
 *
 * Covered: matcher precedence (exact keyword > typed value > keyword prefix
 * > free word), ambiguity, LINE arguments, ONCE options, NEG_END, no and
 * default, walkup and do, the pipe grammar and filters, the --More-- pager,
 * help, TAB completion (unique, common prefix, none, walkup), caret columns
 * for each console style, replay errors with line numbers, and that `?`
 * never executes.  A private test mode (its own node table) holds the
 * precedence cases; the rest uses the real tables.
 */
#include <ftw.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"
#include "cli/cli_int.h"
#include "tests/unit/t.h"

/* ---- fixture: a device in a temp dir, a session writing into a buffer ---- */

struct cap {
	char *buf;
	size_t len, cap;
	const char *answers[8];   /* for dialogs, in order */
	int nans, asked;
	int more_calls;
	int more_key;             /* what --More-- answers */
	int intr_at;              /* 1-based: this question is cancelled (^C) */
};

static char tmpdir[256];
static pk_device *dev;
static struct cap cap;

static void cap_write(void *arg, const char *b, size_t n)
{
	struct cap *c = arg;

	if (c->len + n + 1 > c->cap) {
		c->cap = (c->len + n + 1) * 2;
		c->buf = realloc(c->buf, c->cap);
		if (!c->buf)
			abort();
	}
	memcpy(c->buf + c->len, b, n);
	c->len += n;
	c->buf[c->len] = '\0';
}

static int cap_ask(void *arg, const char *q, int hidden, char *buf, size_t n)
{
	struct cap *c = arg;

	cap_write(c, q, strlen(q));
	if (c->intr_at && c->asked + 1 == c->intr_at) {
		c->asked++;
		buf[0] = '\0';
		return CLI_INTR;
	}
	if (c->asked >= c->nans) {
		buf[0] = '\0';
		return -1;
	}
	snprintf(buf, n, "%s", c->answers[c->asked++]);
	cap_write(c, buf, strlen(buf));
	cap_write(c, "\n", 1);
	return 0;
}

static int cap_more(void *arg)
{
	struct cap *c = arg;

	c->more_calls++;
	return c->more_key;
}

static const struct cli_io cap_io = {
	.write = cap_write, .ask = cap_ask, .more = cap_more,
};

static int rm_one(const char *p, const struct stat *st, int flag, struct FTW *f)
{
	(void)st; (void)flag; (void)f;
	return remove(p);
}

static void cleanup(void)
{
	if (dev) {
		pk_device_free(dev);
		dev = NULL;
	}
	if (tmpdir[0])
		nftw(tmpdir, rm_one, 16, FTW_DEPTH | FTW_PHYS);
	free(cap.buf);
}

static void open_device(void)
{
	snprintf(tmpdir, sizeof tmpdir, "%s/pkish-test-cli.XXXXXX",
		 getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
	ASSERT(mkdtemp(tmpdir) != NULL);
	atexit(cleanup);
	ASSERT_EQ(pk_device_open(tmpdir, 1, &dev), 0);
	cli_init(dev);
	memset(&cap, 0, sizeof cap);
	cap.more_key = ' ';
}

/* A privileged session (opts: CLI_S_*). */
static cli_sess *sess(unsigned opts)
{
	cli_sess *s;

	if (!dev)
		open_device();
	s = cli_sess_new(dev, &cap_io, &cap, "test", opts);
	ASSERT(s != NULL);
	cli_set_priv(s, 1);
	return s;
}

static void clear(void)
{
	cap.len = 0;
	if (cap.buf)
		cap.buf[0] = '\0';
}

/* Run a line and return what it printed. */
static const char *run(cli_sess *s, const char *line)
{
	clear();
	cli_exec(s, line);
	return cap.buf ? cap.buf : "";
}

static const char *help(cli_sess *s, const char *line)
{
	clear();
	cli_help(s, line);
	return cap.buf ? cap.buf : "";
}

#define ASSERT_HAS(hay, needle) do { const char *h_ = (hay), *n_ = (needle); \
	if (!strstr(h_, n_)) T_FAIL("expected \"%s\" in:\n%s", n_, h_); } while (0)
#define ASSERT_HASNT(hay, needle) do { const char *h_ = (hay), *n_ = (needle); \
	if (strstr(h_, n_)) T_FAIL("did not expect \"%s\" in:\n%s", n_, h_); } while (0)

/* ---- a private mode whose table holds the precedence cases -------------- */

static long ran = -1;          /* data of the handler that ran */
static int ran_neg;
static char ran_text[256];     /* text of the last argument */

static int h_rec(cli_sess *s, const cli_args *a)
{
	ran = a->data;
	ran_neg = a->neg;
	snprintf(ran_text, sizeof ran_text, "%s", a->n ? a->v[a->n - 1].text : "");
	cli_printf(s, "ran %ld [%s]\n", a->data, ran_text);
	return 0;
}

/* Two questions in one command; what the answers were. */
static int asked_rc[2];
static int h_two_questions(cli_sess *s, const cli_args *a)
{
	char b[64];

	asked_rc[0] = cli_ask(s, "first? ", b, sizeof b);
	asked_rc[1] = cli_confirm(s, "second? [yes/no]: ");
	cli_printf(s, "interrupted=%d\n", cli_interrupted(s));
	return 0;
}

#define REC(kind_, tok_, key_, lo_, hi_, d_) { .tok = (tok_), .help = "h", .kind = (kind_), \
	.key = (key_), .lo = (lo_), .hi = (hi_), .fn = h_rec, .data = (d_) }

extern const struct cli_node t_opts[];
const struct cli_node t_opts[] = {
	{ .tok = "fast", .help = "opt", .kind = CLI_KW, .flags = CLI_F_ONCE, .next = t_opts,
	  .fn = h_rec, .data = 20 },
	{ .tok = "slow", .help = "opt", .kind = CLI_KW, .flags = CLI_F_ONCE, .next = t_opts,
	  .fn = h_rec, .data = 21 },
	END_TABLE
};
static const struct cli_node t_line[] = {
	REC(CLI_LINE, "LINE", "text", 0, 0, 8),
	END_TABLE
};
static const struct cli_node t_hex[] = {
	REC(CLI_HEX, "WORD", "hex", 0, 0, 7),
	END_TABLE
};
static const struct cli_node t_negend_val[] = {
	REC(CLI_WORD, "WORD", "v", 0, 0, 31),
	END_TABLE
};
static const struct cli_node t_table[] = {
	REC(CLI_KW, "100", NULL, 0, 0, 1),
	REC(CLI_INT, NULL, "num", 1, 1000, 2),
	REC(CLI_KW, "alpha", NULL, 0, 0, 3),
	REC(CLI_KW, "alphabet", NULL, 0, 0, 4),
	REC(CLI_WORD, "WORD", "word", 0, 0, 5),
	REC(CLI_IPV4, "A.B.C.D", "ip", 0, 0, 6),
	{ .tok = "hexval", .help = "h", .kind = CLI_KW, .next = t_hex },
	{ .tok = "line", .help = "h", .kind = CLI_KW, .next = t_line },
	{ .tok = "opts", .help = "h", .kind = CLI_KW, .next = t_opts },
	{ .tok = "negend", .help = "h", .kind = CLI_KW, .flags = CLI_F_NEG_END,
	  .next = t_negend_val, .fn = h_rec, .data = 30 },
	{ .tok = "secret", .help = "h", .kind = CLI_KW, .flags = CLI_F_HIDDEN, .fn = h_rec,
	  .data = 40 },
	{ .tok = "zeta", .help = "h", .kind = CLI_KW, .flags = CLI_F_NONEG, .fn = h_rec,
	  .data = 50 },
	{ .tok = "twoq", .help = "h", .kind = CLI_KW, .fn = h_two_questions },
	END_TABLE
};
static const struct cli_mode t_mode = {
	.name = "test", .prompt = "(test)", .parent = &cli_mode_config,
	.table = t_table, .flags = CLI_M_CONFIG,
};

/* A session in (test), under (config). */
static cli_sess *test_sess(unsigned opts)
{
	cli_sess *s = sess(opts);

	run(s, "configure terminal");
	cli_enter(s, &t_mode, "t");
	ASSERT(cli_mode(s) == &t_mode);
	return s;
}

static long ran_by(cli_sess *s, const char *line)
{
	ran = -1;
	run(s, line);
	return ran;
}

/* ---- matcher precedence --------------------------------------------------- */

TEST(exact_keyword_beats_value)
{
	cli_sess *s = test_sess(0);

	ASSERT_EQ(ran_by(s, "100"), 1);        /* keyword "100", not the integer */
	cli_sess_free(s);
}

TEST(value_beats_keyword_prefix)
{
	cli_sess *s = test_sess(0);

	ASSERT_EQ(ran_by(s, "10"), 2);         /* <1-1000>, not a prefix of "100" */
	ASSERT_STREQ(ran_text, "10");
	ASSERT_EQ(ran_by(s, "1.2.3.4"), 6);    /* IPv4 over a free word */
	cli_sess_free(s);
}

TEST(prefix_beats_free_word)
{
	cli_sess *s = test_sess(0);

	ASSERT_EQ(ran_by(s, "alphab"), 4);     /* unique prefix over WORD */
	ASSERT_EQ(ran_by(s, "ALPHABET"), 4);   /* case-insensitive */
	ASSERT_EQ(ran_by(s, "alpha"), 3);      /* exact beats a longer keyword */
	ASSERT_EQ(ran_by(s, "zzz"), 5);        /* nothing else: the free word */
	ASSERT_STREQ(ran_text, "zzz");
	cli_sess_free(s);
}

TEST(values_never_match_partially)
{
	cli_sess *s = test_sess(0);

	ASSERT_EQ(ran_by(s, "2000"), 5);       /* out of range: a word, not <1-1000> */
	ASSERT_EQ(ran_by(s, "1.2.3"), 5);      /* not an address */
	ASSERT_EQ(ran_by(s, "1.2.3.256"), 5);
	ASSERT_EQ(ran_by(s, "hexval 0x1F"), 7);
	ASSERT_HAS(run(s, "hexval 0xZZ"), "% Invalid input detected at '^' marker.");
	cli_sess_free(s);
}

TEST(ambiguous_prefixes)
{
	cli_sess *s = test_sess(0);

	/* "alp" is a prefix of alpha and alphabet: a tie at the best level */
	ASSERT_EQ(ran_by(s, "alp"), -1);
	/* (without echo, every error repeats the line it is about) */
	ASSERT_STREQ(run(s, "alp"), "alp\n% Ambiguous command:  \"alp\"\n");
	/* the common words of config modes take part: do, default */
	ASSERT_STREQ(run(s, "d"), "d\n% Ambiguous command:  \"d\"\n");
	/* the quote stops after the ambiguous word */
	ASSERT_STREQ(run(s, "   e  x"), "   e  x\n% Ambiguous command:  \"   e\"\n");
	ASSERT(cli_failed(s));
	cli_sess_free(s);
}

TEST(hidden_keywords)
{
	cli_sess *s = test_sess(0);

	ASSERT_EQ(ran_by(s, "secret"), 40);    /* exact only */
	ASSERT_EQ(ran_by(s, "secr"), 5);       /* a prefix is just a word */
	ASSERT_HASNT(help(s, ""), "secret");
	ASSERT_HASNT(help(s, "se"), "secret");
	cli_sess_free(s);
}

TEST(line_argument)
{
	cli_sess *s = test_sess(0);

	ASSERT_EQ(ran_by(s, "line hello   big  world"), 8);
	ASSERT_STREQ(ran_text, "hello   big  world");   /* inner blanks kept */
	/* a LINE stops at a "|" word: the rest is an output modifier */
	ASSERT_STREQ(run(s, "line a b | include zzz"), "");
	ASSERT_EQ(ran, 8);
	ASSERT_STREQ(ran_text, "a b");       /* the modifier's words are not args */
	ASSERT_STREQ(run(s, "line a b | include ran"), "ran 8 [a b]\n");
	/* "|" inside a word is part of the word */
	ASSERT_EQ(ran_by(s, "line a|b"), 8);
	ASSERT_STREQ(ran_text, "a|b");
	cli_sess_free(s);
}

TEST(once_options)
{
	cli_sess *s = test_sess(0);

	ASSERT_EQ(ran_by(s, "opts fast"), 20);
	ASSERT_EQ(ran_by(s, "opts fast slow"), 21);
	ASSERT_EQ(ran_by(s, "opts slow fast"), 20);
	ASSERT_STREQ(run(s, "opts fast fast"),
		     "opts fast fast\n          ^\n% Invalid input detected at '^' marker.\n\n");
	ASSERT_EQ(ran_by(s, "opts slow fast slow"), -1);
	cli_sess_free(s);
}

TEST(neg_end_and_no_forms)
{
	cli_sess *s = test_sess(0);

	ASSERT_EQ(ran_by(s, "negend"), -1);
	ASSERT_STREQ(run(s, "negend"), "negend\n% Incomplete command.\n\n");
	ASSERT_EQ(ran_by(s, "no negend"), 30);
	ASSERT_EQ(ran_neg, CLI_NEG_NO);
	ASSERT_EQ(ran_by(s, "default negend"), 30);
	ASSERT_EQ(ran_neg, CLI_NEG_DEFAULT);
	ASSERT_EQ(ran_by(s, "negend x"), 31);
	ASSERT_EQ(ran_neg, CLI_NEG_NONE);
	ASSERT_EQ(ran_by(s, "no negend x"), 31);
	ASSERT_EQ(ran_neg, CLI_NEG_NO);
	/* NONEG nodes refuse the prefix, and "no no" is not a thing */
	ASSERT_EQ(ran_by(s, "zeta"), 50);
	ASSERT(ran_by(s, "no zeta") != 50);      /* (the free word takes it) */
	ASSERT_HAS(run(s, "no no negend"), "% Invalid input");
	ASSERT_HAS(run(s, "no"), "% Incomplete command.");
	cli_sess_free(s);
}

/* ---- walkup and do ---------------------------------------------------------- */

TEST(walkup_to_config)
{
	cli_sess *s = test_sess(0);

	ASSERT_STREQ(cli_prompt(s), "Router(test)#");
	ASSERT_STREQ(run(s, "hostname R9"), "");
	ASSERT(cli_mode(s) == &cli_mode_config);   /* the session moved */
	ASSERT_STREQ(cli_prompt(s), "R9(config)#");
	/* a line that fails everywhere leaves the mode alone */
	cli_enter(s, &t_mode, "t");
	ASSERT_HAS(run(s, "hostname a b"), "% Invalid input");
	ASSERT(cli_mode(s) == &t_mode);
	cli_sess_free(s);
}

TEST(walkup_error_is_the_furthest)
{
	cli_sess *s = test_sess(0);

	/* (test) takes "clock" as its free word and fails at "timezone";
	 * (config) gets further, to the "9": the caret goes there */
	ASSERT_STREQ(run(s, "clock timezone CET 1 0 9"),
		     "clock timezone CET 1 0 9\n                       ^\n"
		     "% Invalid input detected at '^' marker.\n\n");
	cli_sess_free(s);
}

TEST(do_runs_privileged_exec)
{
	cli_sess *s = test_sess(0);

	ASSERT_HAS(run(s, "do show clock"), "UTC Mon Mar 1 1993");
	ASSERT(cli_mode(s) == &t_mode);
	ASSERT_HAS(run(s, "do show running-config | include ^hostname"), "hostname Router\n");
	ASSERT_STREQ(run(s, "do"), "do\n% Incomplete command.\n\n");
	/* no "no" in do */
	ASSERT_HAS(run(s, "do no show clock"), "% Invalid input");
	cli_sess_free(s);
}

TEST(exit_end_ctrl_z)
{
	cli_sess *s = test_sess(0);

	run(s, "exit");
	ASSERT(cli_mode(s) == &cli_mode_config);
	cli_enter(s, &t_mode, "t");
	run(s, "end");
	ASSERT(cli_mode(s) == &cli_mode_exec);
	ASSERT_STREQ(cli_prompt(s), "Router#");
	run(s, "configure terminal");
	cli_enter(s, &t_mode, "t");
	run(s, "\x1a");
	ASSERT(cli_mode(s) == &cli_mode_exec);
	run(s, "disable");
	ASSERT_STREQ(cli_prompt(s), "Router>");
	ASSERT(!cli_done(s));
	run(s, "exit");
	ASSERT(cli_done(s));
	cli_sess_free(s);
}

TEST(ctrl_z_runs_the_typed_line)
{
	cli_sess *s = test_sess(0);

	/* the line runs, then ^Z ends configuration */
	ASSERT_EQ(ran_by(s, "alpha\x1a"), 3);
	ASSERT(cli_mode(s) == &cli_mode_exec);
	run(s, "configure terminal");
	run(s, "hostname Z1\x1a");
	ASSERT_STREQ(cli_prompt(s), "Z1#");
	/* a line that fails still ends configuration */
	run(s, "configure terminal");
	ASSERT_HAS(run(s, "nosuch\x1a"), "% Invalid input");
	ASSERT(cli_mode(s) == &cli_mode_exec);
	/* with echo the prompt shows the line without the ^Z byte */
	cli_set_opts(s, CLI_S_ECHO);
	run(s, "configure terminal");
	ASSERT_STREQ(run(s, "hostname Z2\x1a"), "Z1(config)#hostname Z2\n");
	ASSERT_STREQ(cli_prompt(s), "Z2#");
	cli_sess_free(s);
}

TEST(interrupted_question_ends_the_dialog)
{
	cli_sess *s = test_sess(0);

	/* ^C at the first question: it and every later one answer -1, the
	 * second is never asked; the next command starts afresh */
	cap.answers[0] = "a";
	cap.answers[1] = "yes";
	cap.nans = 2;
	cap.intr_at = 1;
	ASSERT_HAS(run(s, "twoq"), "interrupted=1");
	ASSERT_EQ(asked_rc[0], -1);
	ASSERT_EQ(asked_rc[1], -1);
	ASSERT_EQ(cap.asked, 1);
	ASSERT_HASNT(cap.buf, "second?");
	cap.asked = 0;
	cap.intr_at = 0;
	ASSERT_HAS(run(s, "twoq"), "interrupted=0");
	ASSERT_EQ(asked_rc[0], 0);
	ASSERT_EQ(asked_rc[1], 1);
	/* ^C at a [yes/no] question: no re-asking, no answer */
	cap.asked = 0;
	cap.intr_at = 2;
	ASSERT_HAS(run(s, "twoq"), "interrupted=1");
	ASSERT_EQ(asked_rc[0], 0);
	ASSERT_EQ(asked_rc[1], -1);
	ASSERT_EQ(cap.asked, 2);
	ASSERT_HASNT(cap.buf, "Please answer");
	cli_sess_free(s);
}

TEST(line_vty_range)
{
	cli_sess *s = sess(0);

	ASSERT_EQ(cli_vty_lines(), 5);
	run(s, "configure terminal");
	run(s, "line vty 0 4");
	ASSERT_EQ(cli_vty_lines(), 5);
	run(s, "line vty 0 15");
	ASSERT_EQ(cli_vty_lines(), 16);
	ASSERT_HAS(run(s, "do show running-config"), "line vty 0 4\nline vty 5 15\n");
	run(s, "no line vty 8 15");
	ASSERT_EQ(cli_vty_lines(), 8);
	ASSERT_HAS(run(s, "do show running-config"), "line vty 5 7\n");
	ASSERT_HAS(run(s, "no line vty 0 4"), "% Line cannot be removed");
	ASSERT_EQ(cli_vty_lines(), 8);
	ASSERT_HAS(run(s, "line vty 4 2"), "% Invalid input");
	cli_sess_free(s);
}

TEST(user_exec_visibility)
{
	cli_sess *s = sess(0);

	cli_set_priv(s, 0);
	ASSERT_STREQ(run(s, "show running-config"),
		     "show running-config\n     ^\n% Invalid input detected at '^' marker.\n\n");
	/* a privileged command with words after it: the caret under its
	 * first letter (the user EXEC parser does not know the word) */
	ASSERT_STREQ(run(s, "configure terminal"),
		     "configure terminal\n^\n% Invalid input detected at '^' marker.\n\n");
	ASSERT_STREQ(run(s, "  conf t"), "  conf t\n  ^\n% Invalid input detected at '^' marker.\n\n");
	ASSERT_STREQ(run(s, "write memory"),
		     "write memory\n^\n% Invalid input detected at '^' marker.\n\n");
	/* alone, it is a host name to IOS, like any unknown word */
	ASSERT_STREQ(run(s, "reload"), "reload\n"
		     "% Unknown command or computer name, or unable to find computer address\n");
	ASSERT_STREQ(run(s, "nosuch thing"), "nosuch thing\n"
		     "% Unknown command or computer name, or unable to find computer address\n");
	ASSERT(cli_prompt(s)[strlen(cli_prompt(s)) - 1] == '>');
	ASSERT_HASNT(help(s, "show "), "running-config");
	ASSERT_HAS(help(s, "show "), "clock");
	cli_set_priv(s, 1);
	ASSERT_HAS(help(s, "show "), "running-config");
	cli_sess_free(s);
}

/* ---- errors and caret columns ------------------------------------------------ */

TEST(caret_batch_without_echo)
{
	cli_sess *s = sess(0);

	/* no prompt on screen: the line is repeated, the caret counts from 0 */
	ASSERT_STREQ(run(s, "show foo"),
		     "show foo\n     ^\n% Invalid input detected at '^' marker.\n\n");
	ASSERT_STREQ(run(s, "  show   clock  bar"),
		     "  show   clock  bar\n                ^\n"
		     "% Invalid input detected at '^' marker.\n\n");
	cli_sess_free(s);
}

TEST(caret_with_echo_counts_the_prompt)
{
	cli_sess *s = sess(CLI_S_ECHO);

	ASSERT_STREQ(run(s, "show foo"),
		     "Router#show foo\n            ^\n% Invalid input detected at '^' marker.\n\n");
	run(s, "configure terminal");
	run(s, "line vty 0 4");
	ASSERT_STREQ(run(s, "length 999"),
		     "Router(config-line)#length 999\n"
		     "                           ^\n% Invalid input detected at '^' marker.\n\n");
	cli_sess_free(s);
}

TEST(caret_interactive_counts_the_prompt)
{
	cli_sess *s = sess(CLI_S_INTERACTIVE);

	/* the terminal shows prompt + line already: only the caret line */
	ASSERT_STREQ(run(s, "show foo"),
		     "            ^\n% Invalid input detected at '^' marker.\n\n");
	run(s, "configure terminal");
	ASSERT_STREQ(run(s, "hostname a b"),
		     "                          ^\n% Invalid input detected at '^' marker.\n\n");
	cli_sess_free(s);
}

TEST(error_texts)
{
	cli_sess *s = sess(CLI_S_ECHO);

	ASSERT_STREQ(run(s, "foo"), "Router#foo\n"
		     "% Unknown command or computer name, or unable to find computer address\n");
	ASSERT_STREQ(run(s, "sh"), "Router#sh\n% Type \"show ?\" for a list of subcommands\n");
	ASSERT_STREQ(run(s, "show c"), "Router#show c\n% Ambiguous command:  \"show c\"\n");
	ASSERT_STREQ(run(s, "clock set"), "Router#clock set\n% Incomplete command.\n\n");
	run(s, "configure terminal");
	ASSERT_STREQ(run(s, "logging"), "Router(config)#logging\n% Incomplete command.\n\n");
	ASSERT_STREQ(run(s, "l"), "Router(config)#l\n% Ambiguous command:  \"l\"\n");
	/* not "Unknown command" outside EXEC */
	ASSERT_STREQ(run(s, "foo"), "Router(config)#foo\n"
		     "               ^\n% Invalid input detected at '^' marker.\n\n");
	ASSERT(cli_failed(s));
	cli_sess_free(s);
}

TEST(invalid_arg_from_handler)
{
	cli_sess *s = sess(CLI_S_ECHO);

	/* the matcher accepts the words; the handler puts the caret */
	ASSERT_STREQ(run(s, "clock set 10:00:00 31 Feb 2020"),
		     "Router#clock set 10:00:00 31 Feb 2020\n"
		     "                          ^\n% Invalid input detected at '^' marker.\n\n");
	cli_sess_free(s);
}

TEST(replay_reports_line_numbers)
{
	cli_sess *s = sess(CLI_S_ECHO);
	int failed;

	clear();
	failed = cli_replay_config(s, "cfg", "!\nhostname R5\nbogus\n l\n"
				   "hostname bad!\nline con 0\n length 7\n!\nend\nhostname AFTER\n");
	ASSERT_EQ(failed, 3);
	ASSERT_STREQ(cap.buf,
		     "cfg line 3: bogus\n            ^\n% Invalid input detected at '^' marker.\n\n"
		     "cfg line 4:  l\n% Ambiguous command:  \" l\"\n"
		     "cfg line 5: hostname bad!\n% Hostname contains one or more illegal characters.\n");
	ASSERT_STREQ(cli_prompt(s), "R5#");     /* back where it started */
	ASSERT_HAS(run(s, "show running-config | include length"), " length 7");
	cli_sess_free(s);
}

/* ---- output modifiers ---------------------------------------------------------- */

TEST(pipes)
{
	cli_sess *s = sess(0);

	run(s, "configure terminal");
	run(s, "hostname P1");
	run(s, "ip domain name example.com");
	run(s, "end");
	ASSERT_STREQ(run(s, "show running-config | include ^(hostname|ip)"),
		     "hostname P1\nip domain name example.com\n");
	ASSERT_STREQ(run(s, "sh run | i host|domain"),
		     "hostname P1\nip domain name example.com\n");
	ASSERT_STREQ(run(s, "sh run | c line"), "Number of lines which match regexp = 2\n");
	ASSERT_STREQ(run(s, "sh run | b ^line vty"), "line vty 0 4\n!\nend\n");
	ASSERT_HASNT(run(s, "sh run | exclude !"), "!");
	ASSERT_STREQ(run(s, "sh run | sec ^ip"), "ip domain name example.com\n");
	/* " | " inside the regex is regex */
	ASSERT_STREQ(run(s, "sh run | include name | domain"),
		     "hostname P1\nip domain name example.com\n");
	ASSERT_STREQ(run(s, "sh run | include ("), "% Invalid regular expression\n");
	ASSERT_STREQ(run(s, "sh run |"), "sh run |\n% Incomplete command.\n\n");
	ASSERT_STREQ(run(s, "sh run | include"), "sh run | include\n% Incomplete command.\n\n");
	ASSERT_HAS(run(s, "sh run | grep x"), "% Invalid input");
	/* a pipe needs a complete command before it */
	ASSERT_STREQ(run(s, "show | include x"), "show | include x\n% Incomplete command.\n\n");
	/* the filter ends with the command */
	ASSERT_HAS(run(s, "show clock"), "1993");
	cli_sess_free(s);
}

TEST(section_keeps_children)
{
	cli_sess *s = sess(0);

	run(s, "configure terminal");
	run(s, "line con 0");
	run(s, "length 0");
	run(s, "logging synchronous");
	run(s, "end");
	ASSERT_STREQ(run(s, "sh run | section synchronous"),
		     "line con 0\n length 0\n logging synchronous\n");
	ASSERT_STREQ(run(s, "sh run | section ^line con"),
		     "line con 0\n length 0\n logging synchronous\n");
	cli_sess_free(s);
}

TEST(more_pager)
{
	cli_sess *s = sess(CLI_S_INTERACTIVE);
	const char *out;
	int nl = 0;

	run(s, "terminal length 5");
	cap.more_key = 'q';
	out = run(s, "show running-config");
	for (; *out; out++)
		nl += *out == '\n';
	ASSERT_EQ(cap.more_calls, 1);
	ASSERT_EQ(nl, 4);                      /* a page of term_len - 1, then q */
	cap.more_key = ' ';
	cap.more_calls = 0;
	run(s, "show running-config");
	ASSERT(cap.more_calls >= 2);
	ASSERT_HAS(cap.buf, "end\n");
	/* terminal length 0: no pager */
	run(s, "terminal length 0");
	cap.more_calls = 0;
	run(s, "show running-config");
	ASSERT_EQ(cap.more_calls, 0);
	cli_sess_free(s);
}

TEST(no_pager_in_batch)
{
	cli_sess *s = sess(0);

	run(s, "terminal length 2");
	run(s, "show running-config");
	ASSERT_EQ(cap.more_calls, 0);
	cli_sess_free(s);
}

/* ---- help -------------------------------------------------------------------------- */

TEST(help_lists_next_words)
{
	cli_sess *s = sess(0);

	ASSERT_STREQ(help(s, "show clock "),
		     "  detail  Display detailed information\n"
		     "  |       Output modifiers\n"
		     "  <cr>\n\n");
	ASSERT_STREQ(help(s, "sh"), "show  \n\n");
	ASSERT_STREQ(help(s, "di"), "dir  disable  \n\n");
	ASSERT_STREQ(help(s, "xyz"), "% Unrecognized command\n");
	ASSERT_STREQ(help(s, "show foo "),
		     "show foo \n     ^\n% Invalid input detected at '^' marker.\n\n");
	ASSERT_STREQ(help(s, "show run | "),
		     "  begin    Begin with the line that matches\n"
		     "  count    Count number of lines which match regexp\n"
		     "  exclude  Exclude lines that match\n"
		     "  include  Include lines that match\n"
		     "  section  Filter a section of output\n\n");
	ASSERT_STREQ(help(s, "show run | i "), "  LINE  Regular Expression\n\n");
	ASSERT_STREQ(help(s, "terminal length "),
		     "  <0-512>  Number of lines on screen (0 for no pausing)\n\n");
	cli_sess_free(s);
}

TEST(help_in_config_modes)
{
	cli_sess *s = sess(0);

	run(s, "configure terminal");
	ASSERT_STREQ(help(s, "clock timezone X "), "  <-23 - 23>  Hours offset from UTC\n\n");
	ASSERT_STREQ(help(s, "no hostname "),
		     "  WORD  This system's network name\n  <cr>\n\n");
	ASSERT_STREQ(help(s, "do sh"), "show  \n\n");
	ASSERT_HAS(help(s, "do show clock "), "|       Output modifiers");
	run(s, "line vty 0 4");
	/* a bare ? lists the sub-mode; words walk up */
	ASSERT_HASNT(help(s, ""), "hostname");
	ASSERT_STREQ(help(s, "hostname "), "  WORD  This system's network name\n\n");
	ASSERT_STREQ(help(s, "host"), "hostname  \n\n");
	ASSERT_STREQ(cli_prompt(s), "Router(config-line)#");
	cli_sess_free(s);
}

TEST(help_never_executes)
{
	cli_sess *s = sess(0);

	run(s, "clock set 10:00:00 1 Jan 2020 ?");
	ASSERT_HAS(cap.buf, "<cr>");
	ASSERT_HAS(run(s, "show clock"), "*00:00:00.000 UTC Mon Mar 1 1993");
	run(s, "configure terminal ?");
	ASSERT(cli_mode(s) == &cli_mode_exec);
	cli_sess_free(s);
}

/* ---- completion ----------------------------------------------------------------------- */

static int completes(cli_sess *s, const char *line, const char *want)
{
	char *c = cli_complete(s, line);
	int ok = want ? (c && strcmp(c, want) == 0) : c == NULL;

	if (!ok)
		fprintf(stderr, "  complete(\"%s\") = \"%s\", want \"%s\"\n", line,
			c ? c : "(null)", want ? want : "(null)");
	free(c);
	return ok;
}

TEST(completion)
{
	cli_sess *s = sess(0);

	ASSERT(completes(s, "conf", "igure "));      /* unique: the rest + a space */
	ASSERT(completes(s, "sh", "ow "));
	ASSERT(completes(s, "show ru", "nning-config "));
	ASSERT(completes(s, "SH", "ow "));
	ASSERT(completes(s, "show", " "));           /* exact: just the space */
	ASSERT(completes(s, "di", NULL));            /* dir, disable: nothing to add */
	ASSERT(completes(s, "d", NULL));
	ASSERT(completes(s, "xyz", NULL));           /* none */
	ASSERT(completes(s, "show ", NULL));         /* no partial word */
	ASSERT(completes(s, "", NULL));
	ASSERT(completes(s, "show foo cl", NULL));   /* words before do not parse */
	ASSERT(completes(s, "clock set 1", NULL));   /* values are not completed */
	cli_set_priv(s, 0);
	ASSERT(completes(s, "conf", NULL));          /* privileged only */
	cli_sess_free(s);
}

TEST(completion_common_prefix_and_walkup)
{
	cli_sess *s = test_sess(0);

	ASSERT(completes(s, "alp", "ha"));           /* alpha, alphabet: the common part */
	ASSERT(completes(s, "alpha", " "));
	ASSERT(completes(s, "hostn", "ame "));       /* from (config), by walkup */
	ASSERT(completes(s, "secr", NULL));          /* hidden */
	cli_sess_free(s);
}

TESTS(T(exact_keyword_beats_value), T(value_beats_keyword_prefix),
      T(prefix_beats_free_word), T(values_never_match_partially), T(ambiguous_prefixes),
      T(hidden_keywords), T(line_argument), T(once_options), T(neg_end_and_no_forms),
      T(walkup_to_config), T(walkup_error_is_the_furthest), T(do_runs_privileged_exec),
      T(exit_end_ctrl_z), T(ctrl_z_runs_the_typed_line), T(interrupted_question_ends_the_dialog),
      T(line_vty_range), T(user_exec_visibility), T(caret_batch_without_echo),
      T(caret_with_echo_counts_the_prompt), T(caret_interactive_counts_the_prompt),
      T(error_texts), T(invalid_arg_from_handler), T(replay_reports_line_numbers),
      T(pipes), T(section_keeps_children), T(more_pager), T(no_pager_in_batch),
      T(help_lists_next_words), T(help_in_config_modes), T(help_never_executes),
      T(completion), T(completion_common_prefix_and_walkup))

/*
 * bench_match.c — does the matcher's cost grow with the commands installed?
 *
 *   build/bench/bench_match [LINES]
 *
 * Runs the same global-configuration lines (hostname, ip domain name,
 * logging, clock timezone, and their no forms) through cli_exec() in a
 * configuration mode whose table is the real global table plus synthetic
 * commands:
 *   deep K   one extra keyword with K commands below it (commands installed
 *            elsewhere in the tree, as every later issue adds them);
 *   wide K   K extra keywords at the top level (siblings of the words typed).
 * Prints ns per line for each ("real again" repeats the first, to show the
 * noise); each variant runs several times, interleaved,
 * and the fastest run counts (the machine is shared and noisy).  Expected:
 * flat for deep K (a token is only compared with the words that may follow
 * the previous one), linear in K for wide K (those are the words it is
 * compared with).
 */
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli/cli.h"

static void discard(void *arg, const char *b, size_t n)
{
	(void)arg; (void)b; (void)n;
}

static int no_answer(void *arg, const char *q, int hidden, char *buf, size_t n)
{
	(void)arg; (void)q; (void)hidden;
	buf[0] = '\0';
	return -1;
}

static const struct cli_io io = { .write = discard, .ask = no_answer };

static int h_nop(cli_sess *s, const cli_args *a)
{
	(void)s; (void)a;
	return 0;
}

static const char *const lines[] = {
	"hostname R1",
	"ip domain name example.com",
	"logging buffered 8192 informational",
	"clock timezone CET 1 0",
	"no logging console",
	"logging console debugging",
	"no ip domain name",
	"hostname Router",
};
#define NLINES (sizeof lines / sizeof lines[0])

/* The real global table plus `extra` keywords; `deep`: below one keyword. */
static struct cli_node *make_table(int extra, int deep)
{
	size_t base = 0, i, n;
	struct cli_node *t, *sub = NULL;
	char name[32];

	while (n_config[base].tok || n_config[base].kind)
		base++;
	n = base + (deep ? 1 : (size_t)extra) + 1;
	t = calloc(n, sizeof *t);
	if (!t)
		exit(1);
	memcpy(t, n_config, base * sizeof *t);
	if (deep) {
		sub = calloc((size_t)extra + 1, sizeof *sub);
		if (!sub)
			exit(1);
		for (i = 0; i < (size_t)extra; i++) {
			snprintf(name, sizeof name, "cmd%06zu", i);
			sub[i] = (struct cli_node){ .tok = strdup(name), .help = "synthetic",
						    .kind = CLI_KW, .fn = h_nop };
		}
		t[base] = (struct cli_node){ .tok = "zz-installed", .help = "synthetic",
					     .kind = CLI_KW, .next = sub };
	} else {
		for (i = 0; i < (size_t)extra; i++) {
			snprintf(name, sizeof name, "zz%04zu", i);
			t[base + i] = (struct cli_node){ .tok = strdup(name), .help = "synthetic",
							 .kind = CLI_KW, .fn = h_nop };
		}
	}
	return t;
}

static double now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

/* ns per line for `count` lines in a mode with table t */
static double run(pk_device *dev, const struct cli_node *t, long count)
{
	struct cli_mode mode = {
		.name = "bench", .prompt = "(config)", .parent = &cli_mode_config,
		.table = t, .flags = CLI_M_CONFIG,
	};
	cli_sess *s = cli_sess_new(dev, &io, NULL, "bench", CLI_S_QUIET_LOGS);
	double t0, t1;
	long i;

	cli_set_priv(s, 1);
	cli_exec(s, "configure terminal");
	cli_enter(s, &mode, NULL);
	cli_set_replay(s, "bench", 1);        /* as -f: no history */
	t0 = now_ns();
	for (i = 0; i < count; i++)
		if (cli_exec(s, lines[i % NLINES]) < 0) {
			fprintf(stderr, "bench_match: \"%s\" failed\n", lines[i % NLINES]);
			exit(1);
		}
	t1 = now_ns();
	if (cli_mode(s) != &mode) {
		fprintf(stderr, "bench_match: left the bench mode\n");
		exit(1);
	}
	cli_sess_free(s);
	return (t1 - t0) / (double)count;
}

static int rm_one(const char *p, const struct stat *st, int flag, struct FTW *f)
{
	(void)st; (void)flag; (void)f;
	return remove(p);
}

int main(int argc, char **argv)
{
	static const struct { const char *name; int extra, deep; } v[] = {
		{ "real table", 0, 0 },
		{ "deep 1000", 1000, 1 },
		{ "deep 100000", 100000, 1 },
		{ "wide 50", 50, 0 },
		{ "wide 200", 200, 0 },
		{ "real again", 0, 0 },
	};
	enum { NV = sizeof v / sizeof v[0], ROUNDS = 5 };
	long count = argc > 1 ? atol(argv[1]) : 50000;
	char dir[] = "/tmp/pkish-bench.XXXXXX";
	struct cli_node *tables[NV];
	double best[NV];
	pk_device *dev;
	int i, r;

	if (count <= 0 || !mkdtemp(dir))
		return 2;
	if (pk_device_open(dir, 1, &dev) < 0) {
		fprintf(stderr, "bench_match: %s\n", pk_err_msg());
		return 1;
	}
	cli_init(dev);
	for (i = 0; i < NV; i++) {
		tables[i] = make_table(v[i].extra, v[i].deep);
		best[i] = 1e30;
	}
	for (i = 0; i < NV; i++)                 /* warm-up, not counted */
		run(dev, tables[i], count / 10 + 1);
	for (r = 0; r < ROUNDS; r++)
		for (i = 0; i < NV; i++) {
			double ns = run(dev, tables[i], count);
			if (ns < best[i])
				best[i] = ns;
		}
	printf("%-14s %10s %12s %8s\n", "table", "ns/line", "lines/s", "ratio");
	for (i = 0; i < NV; i++)
		printf("%-14s %10.0f %12.0f %8.2f\n", v[i].name, best[i], 1e9 / best[i],
		       best[i] / best[0]);
	pk_device_free(dev);
	nftw(dir, rm_one, 8, FTW_DEPTH | FTW_PHYS);
	return 0;
}

/*
 * cli_env.h — a whole device for fuzz_cli and fuzz_config: the CLI with
 * its services (the PKI engine and scep/'s client: pkish_services_init)
 * on a device directory of the process's temporary directory (tmpfs),
 * back to factory state before every input, and a session whose console
 * is the harness.  The handlers run for real; sandbox.c keeps them inside
 * the device (no network, no listener, unix: mapped into flash:) and makes
 * key generation cheap.
 *
 * The console: output is counted and checked (never a NUL byte: a line
 * typed cannot hold one, so one printed is garbage); a question the
 * session asks (a dialog, a password) is answered with the next line of
 * the input, as batch input does ("\003" alone is ^C, end of input is
 * end of input); --More-- always gets a space.
 */
#ifndef PKISH_FUZZ_CLI_ENV_H
#define PKISH_FUZZ_CLI_ENV_H

#include "cli/cli.h"
#include "cli/cmds.h"
#include "cli/pkish.h"
#include "core/device.h"
#include "core/log.h"
#include "tests/fuzz/env.h"

void fuzz_sandbox_reset(void);

#define FZC_LINE_MAX 4096

struct fzc {
	pk_device *d;
	char dev[300];
	cli_sess *s;
	struct fz_in in;          /* the rest of the input: lines, answers */
	size_t out;               /* bytes printed */
	int asked;
	int trace;                /* PKISH_FUZZ_TRACE=1: the console on stderr */
};

static struct fzc fzc;

static inline void fzc_write(void *arg, const char *b, size_t n)
{
	struct fzc *c = arg;

	FZ_CHECK(memchr(b, '\0', n) == NULL);
	c->out += n;
	if (c->trace)
		fwrite(b, 1, n, stderr);
}

/* The next line of the input, at most n - 1 bytes, cut at a NUL byte. */
static inline int fzc_next_line(struct fzc *c, char *buf, size_t n)
{
	const uint8_t *l;
	size_t len;

	if (!fz_more(&c->in))
		return -1;
	len = fz_line(&c->in, &l);
	if (len > n - 1)
		len = n - 1;
	memcpy(buf, l, len);
	buf[len] = '\0';
	return 0;
}

static inline int fzc_ask(void *arg, const char *q, int hidden, char *buf, size_t n)
{
	struct fzc *c = arg;

	FZ_CHECK(q != NULL);
	fzc_write(c, q, strlen(q));
	if (++c->asked > 64 || fzc_next_line(c, buf, n) < 0) {
		buf[0] = '\0';
		return -1;
	}
	if (c->trace)
		fprintf(stderr, "%s\n", hidden ? "(hidden)" : buf);
	if (strcmp(buf, "\003") == 0) {
		buf[0] = '\0';
		return CLI_INTR;
	}
	return 0;
}

static inline int fzc_more(void *arg)
{
	(void)arg;
	return ' ';
}

static const struct cli_io fzc_io = {
	.write = fzc_write, .ask = fzc_ask, .more = fzc_more,
};

/* Once per process: the device and its services. */
static inline void fzc_init(const char *what)
{
	snprintf(fzc.dev, sizeof fzc.dev, "%s/dev", fz_dir(what));
	fzc.trace = getenv("PKISH_FUZZ_TRACE") != NULL;
	if (pk_device_open(fzc.dev, 1, &fzc.d) < 0)
		fz_die("cannot open the device");
	cli_init(fzc.d);
	if (pkish_services_init(fzc.d, NULL) < 0)
		fz_die("cannot start the services");
}

/* Factory state: nothing in nvram: or flash:, no keys, the clock at a
 * fixed instant (not authoritative, as after a boot), a new session
 * (console, opts) booted without a startup-config (or with `config`,
 * written to nvram:startup-config first). */
static inline void fzc_reset(unsigned opts, int priv, const char *config, size_t len)
{
	char sub[400];
	int pass;

	fuzz_sandbox_reset();
	if (fzc.s) {
		cli_sess_free(fzc.s);
		fzc.s = NULL;
	}
	for (pass = 0; pass < 2; pass++) {
		pk_device_lock(fzc.d);
		pk_device_clock_set(fzc.d, tmr_from_civil(2020, 1, 1, 0, 0, 0));
		pk_device_reset(fzc.d);       /* servers, trustpoints gone; keys read back */
		pk_debug_set(PK_DBG__ALL, 0);
		pk_device_unlock(fzc.d);
		snprintf(sub, sizeof sub, "%s/nvram", fzc.dev);
		fz_rmtree(sub, 0);
		snprintf(sub, sizeof sub, "%s/flash", fzc.dev);
		fz_rmtree(sub, 0);
	}
	if (config) {
		snprintf(sub, sizeof sub, "%s/nvram/startup-config", fzc.dev);
		if (pk_store_write(sub, config, len, 0600) < 0)
			fz_die("cannot write the startup-config");
	}
	fzc.out = 0;
	fzc.asked = 0;
	fzc.s = cli_sess_new(fzc.d, &fzc_io, &fzc, "console", opts);
	if (!fzc.s)
		fz_die("cannot make a session");
	cli_set_priv(fzc.s, 1);
	cli_boot(fzc.s);
	cli_flush_async(fzc.s);
	cli_set_priv(fzc.s, priv);
}

/* `reload` without touching storage: a new session boots from what
 * nvram: holds. */
static inline void fzc_reload(unsigned opts)
{
	cli_sess_free(fzc.s);
	pk_device_lock(fzc.d);
	pk_device_reset(fzc.d);
	pk_device_unlock(fzc.d);
	fzc.s = cli_sess_new(fzc.d, &fzc_io, &fzc, "console", opts);
	if (!fzc.s)
		fz_die("cannot make a session");
	cli_set_priv(fzc.s, 1);
	cli_boot(fzc.s);
	cli_flush_async(fzc.s);
}

/* The running-config text (malloc'd). */
static inline char *fzc_nvgen(void)
{
	char *t;

	pk_device_lock(fzc.d);
	t = cli_nvgen(fzc.d);
	pk_device_unlock(fzc.d);
	if (!t)
		fz_die("out of memory");
	return t;
}

/* "Router>", "R1(config-cs-server)#": a hostname, an optional mode in
 * parentheses, '>' or '#', nothing else. */
static inline void fzc_check_prompt(void)
{
	const char *p = cli_prompt(fzc.s), *q;
	size_t n;

	FZ_CHECK(p && *p);
	n = strlen(p);
	FZ_CHECK(p[n - 1] == '>' || p[n - 1] == '#');
	q = strchr(p, '(');
	if (q)
		FZ_CHECK(q > p && p[n - 2] == ')');
}

#endif

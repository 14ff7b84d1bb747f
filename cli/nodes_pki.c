/*
 * nodes_pki.c — crypto commands: keys, the certificate server, trustpoints
 * and the PKI show commands.
 */
#include <stdlib.h>

#include "cli/cli.h"
#include "cli/cmds.h"

static int h_show_timers(cli_sess *s, const cli_args *a)
{
	pk_device *d = cli_dev(s);
	char *t = tmr_render(pk_device_timers(d), pk_device_now(d), (int)a->data);

	if (!t)
		return cli_error(s, "Out of memory");
	cli_puts(s, t);
	free(t);
	return 0;
}

static const struct cli_node n_show_timer[] = {
	KWD("detail", "Show detailed timer information", NULL, h_show_timers, 1),
	END_TABLE
};

static const struct cli_node n_show_pki[] = {
	KWF("timer", "Show PKI timers", CLI_F_HIDDEN, n_show_timer, NULL),
	KWD("timers", "Show PKI Timers", n_show_timer, h_show_timers, 0),
	END_TABLE
};

const struct cli_node n_show_crypto[] = {
	KW("pki", "Public Key components", n_show_pki, NULL),
	END_TABLE
};

void cli_nvgen_pki(pk_device *d, char **buf, size_t *len, size_t *cap)
{
	(void)d; (void)buf; (void)len; (void)cap;
}

int cli_http_apply(cli_sess *s)
{
	/* Only the configuration exists until scep/ provides the listener. */
	(void)s;
	return 0;
}

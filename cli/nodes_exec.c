/*
 * nodes_exec.c — user and privileged EXEC: the node tables and handlers of
 * the general commands (enable, configure, terminal, show ...).  PKI
 * commands live in their own files and hang off these tables.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "config.h"
#include "cli/cli.h"
#include "cli/cli_int.h"
#include "cli/cmds.h"

/* ---- enable, disable, exit ------------------------------------------------ */

static int h_enable(cli_sess *s, const cli_args *a)
{
	cli_set_priv(s, 1);
	return 0;
}

static int h_disable(cli_sess *s, const cli_args *a)
{
	cli_set_priv(s, 0);
	return 0;
}

static int h_exec_exit(cli_sess *s, const cli_args *a)
{
	cli_set_done(s);
	return 0;
}

/* ---- configure -------------------------------------------------------------- */

static int configure_terminal(cli_sess *s)
{
	if (!(cli_opts(s) & CLI_S_QUIET_LOGS))
		cli_printf(s, "Enter configuration commands, one per line.  End with CNTL/Z.\n");
	cli_enter(s, &cli_mode_config, NULL);
	return 0;
}

static int h_configure(cli_sess *s, const cli_args *a)
{
	char ans[64];
	size_t L;

	if (cli_arg_has(a, "terminal"))
		return configure_terminal(s);
	if (cli_arg_has(a, "memory"))
		return cli_configure_memory(s);
	if (cli_ask(s, "Configuring from terminal, memory, or network [terminal]? ",
		    ans, sizeof ans) < 0)
		return CLI_ERR;
	L = strlen(ans);
	if (L == 0 || strncasecmp("terminal", ans, L) == 0)
		return configure_terminal(s);
	if (strncasecmp("memory", ans, L) == 0)
		return cli_configure_memory(s);
	if (strncasecmp("network", ans, L) == 0)
		return cli_error(s, "Configuration from the network is not supported by pkish");
	return cli_error(s, "Bad configuration source: %s", ans);
}

/* ---- terminal ----------------------------------------------------------------- */

static int h_term_length(cli_sess *s, const cli_args *a)
{
	cli_set_term_len(s, (int)cli_arg_int(a, "length-value", 24));
	return 0;
}

static int h_term_monitor(cli_sess *s, const cli_args *a)
{
	cli_set_monitor(s, a->data == 0);
	return 0;
}

static int h_term_timestamp(cli_sess *s, const cli_args *a)
{
	cli_set_exec_timestamp(s, a->data == 0);
	return 0;
}

static int h_term_history(cli_sess *s, const cli_args *a)
{
	cli_set_history_size(s, (int)cli_arg_int(a, "history-size", 10));
	return 0;
}

static const struct cli_node n_term_ts[] = {
	KWD("timestamp", "Print a timestamp before each show command output", NULL, h_term_timestamp, 0),
	END_TABLE
};
static const struct cli_node n_term_no_ts[] = {
	KWD("timestamp", "Print a timestamp before each show command output", NULL, h_term_timestamp, 1),
	END_TABLE
};
static const struct cli_node n_term_no_exec[] = {
	KW("prompt", "EXEC prompt", n_term_no_ts, NULL),
	END_TABLE
};
static const struct cli_node n_term_len[] = {
	INT("length-value", 0, 512, "Number of lines on screen (0 for no pausing)", NULL, h_term_length),
	END_TABLE
};
static const struct cli_node n_term_hist_size[] = {
	INT("history-size", 0, 256, "Size of history buffer", NULL, h_term_history),
	END_TABLE
};
static const struct cli_node n_term_hist[] = {
	KW("size", "Set history buffer size", n_term_hist_size, NULL),
	END_TABLE
};
static const struct cli_node n_term_no[] = {
	KW("exec", "Configure EXEC", n_term_no_exec, NULL),
	KWD("monitor", "Copy debug output to the current terminal line", NULL, h_term_monitor, 1),
	END_TABLE
};
static const struct cli_node n_term_exec[] = {
	KW("prompt", "EXEC prompt", n_term_ts, NULL),
	END_TABLE
};
static const struct cli_node n_terminal[] = {
	KW("exec", "Configure EXEC", n_term_exec, NULL),
	KW("history", "Enable and control the command history function", n_term_hist, NULL),
	KW("length", "Set number of lines on a screen", n_term_len, NULL),
	KWD("monitor", "Copy debug output to the current terminal line", NULL, h_term_monitor, 0),
	KW("no", "Negate a command or set its defaults", n_term_no, NULL),
	END_TABLE
};

/* ---- show ---------------------------------------------------------------------- */

static int h_show_run(cli_sess *s, const cli_args *a)
{
	char *t = cli_running_config(cli_dev(s));

	if (!t)
		return cli_error(s, "Out of memory");
	cli_puts(s, t);
	free(t);
	return 0;
}

static int h_show_history(cli_sess *s, const cli_args *a)
{
	const char *h[256];
	int i, n = cli_history(s, h, 256);

	for (i = 0; i < n; i++)
		cli_printf(s, "  %s\n", h[i]);
	return 0;
}

static void uptime_text(char *buf, size_t n)
{
	static struct timespec start;
	struct timespec now;
	long secs, w, d, h, m;

	if (!start.tv_sec)
		clock_gettime(CLOCK_MONOTONIC, &start);
	clock_gettime(CLOCK_MONOTONIC, &now);
	secs = (long)(now.tv_sec - start.tv_sec);
	w = secs / (7 * 86400);
	d = secs / 86400 % 7;
	h = secs / 3600 % 24;
	m = secs / 60 % 60;
	buf[0] = '\0';
	if (w)
		snprintf(buf + strlen(buf), n - strlen(buf), "%ld week%s, ", w, w == 1 ? "" : "s");
	if (w || d)
		snprintf(buf + strlen(buf), n - strlen(buf), "%ld day%s, ", d, d == 1 ? "" : "s");
	if (w || d || h)
		snprintf(buf + strlen(buf), n - strlen(buf), "%ld hour%s, ", h, h == 1 ? "" : "s");
	snprintf(buf + strlen(buf), n - strlen(buf), "%ld minute%s", m, m == 1 ? "" : "s");
}

void cli_uptime_start(void)
{
	char b[8];
	uptime_text(b, sizeof b);
}

static int h_show_version(cli_sess *s, const cli_args *a)
{
	pk_device *d = cli_dev(s);
	char up[128];

	uptime_text(up, sizeof up);
	cli_printf(s, "pkish IOS PKI simulator, Version %s\n", PACKAGE_VERSION);
	cli_printf(s, "Technical Support: see README.md and docs/ in the pkish sources\n\n");
	cli_printf(s, "%s uptime is %s\n", pk_device_hostname(d), up);
	cli_printf(s, "System image file is \"pkish\"\n\n");
	cli_printf(s, "Built with %s\n", PKISH_CC_VERSION);
	cli_printf(s, "  OpenSSL %s (running %s)\n", PKISH_OPENSSL_VERSION, pk_openssl_version());
	cli_printf(s, "  libmicrohttpd %s, libedit %s\n", PKISH_MHD_VERSION, PKISH_EDIT_VERSION);
	cli_printf(s, "Device directory: %s\n", pk_device_dir(d));
	cli_printf(s, "Clock: %s\n", tmr_clock_frozen(pk_device_clock(d))
		   ? "frozen (moves only with clock set)" : "running");
	cli_printf(s, "\nConfiguration register is 0x2102\n");
	return 0;
}

static const struct cli_node n_show[] = {
	KW("clock", "Display the system clock", n_show_clock, h_show_clock),
	KWF("debugging", "State of each debugging option", CLI_F_PRIV, NULL, h_show_debugging),
	KW("crypto", "Encryption module", n_show_crypto, NULL),
	KW("history", "Display the session command history", NULL, h_show_history),
	KW("ip", "IP information", n_show_ip, NULL),
	KWF("logging", "Show the contents of logging buffers", CLI_F_PRIV, NULL, h_show_logging),
	KWF("running-config", "Current operating configuration", CLI_F_PRIV, NULL, h_show_run),
	KWF("startup-config", "Contents of startup configuration", CLI_F_PRIV, NULL, h_show_startup),
	KW("version", "System hardware and software status", NULL, h_show_version),
	END_TABLE
};

static const struct cli_node n_configure[] = {
	KWF("memory", "Configure from NV memory", CLI_F_ONCE, NULL, h_configure),
	KWF("terminal", "Configure from the terminal", CLI_F_ONCE, NULL, h_configure),
	END_TABLE
};

const struct cli_node n_exec[] = {
	KWF("clock", "Manage the system clock", CLI_F_PRIV, n_clock_exec, NULL),
	KWF("configure", "Enter configuration mode", CLI_F_PRIV, n_configure, h_configure),
	KWF("copy", "Copy from one file to another", CLI_F_PRIV, n_copy, NULL),
	KWF("crypto", "Encryption related commands.", CLI_F_PRIV, n_crypto_exec, NULL),
	KWF("debug", "Debugging functions (see also 'undebug')", CLI_F_PRIV | CLI_F_NEG, n_debug, NULL),
	KWF("dir", "List files on a filesystem", CLI_F_PRIV, n_dir, h_dir),
	KW("disable", "Turn off privileged commands", NULL, h_disable),
	KW("enable", "Turn on privileged commands", NULL, h_enable),
	KWF("erase", "Erase a filesystem", CLI_F_PRIV, n_erase, NULL),
	KW("exit", "Exit from the EXEC", NULL, h_exec_exit),
	KW("logout", "Exit from the EXEC", NULL, h_exec_exit),
	KWF("more", "Display the contents of a file", CLI_F_PRIV, n_more, NULL),
	KWF("quit", "Exit from the EXEC", CLI_F_HIDDEN, NULL, h_exec_exit),
	KWF("reload", "Halt and perform a cold restart", CLI_F_PRIV, NULL, h_reload),
	KW("show", "Show running system information", n_show, NULL),
	KW("terminal", "Set terminal line parameters", n_terminal, NULL),
	KWF("undebug", "Disable debugging functions (see also 'debug')", CLI_F_PRIV, n_undebug, NULL),
	KWF("write", "Write running configuration to memory, network, or terminal", CLI_F_PRIV, n_write, h_write),
	END_TABLE
};

/* Output modifiers after "|". */
static int pipe_marker(cli_sess *s, const cli_args *a)
{
	return 0;
}

#define PIPE_RE(k) { .tok = "LINE", .help = "Regular Expression", .kind = CLI_LINE, \
		      .flags = CLI_F_NOPIPE, .key = "regex", .fn = pipe_marker, .data = (k) }
static const struct cli_node n_pipe_inc[] = { PIPE_RE(PIPE_INCLUDE), END_TABLE };
static const struct cli_node n_pipe_exc[] = { PIPE_RE(PIPE_EXCLUDE), END_TABLE };
static const struct cli_node n_pipe_beg[] = { PIPE_RE(PIPE_BEGIN), END_TABLE };
static const struct cli_node n_pipe_sec[] = { PIPE_RE(PIPE_SECTION), END_TABLE };
static const struct cli_node n_pipe_cnt[] = { PIPE_RE(PIPE_COUNT), END_TABLE };

const struct cli_node n_pipe[] = {
	KW("begin", "Begin with the line that matches", n_pipe_beg, NULL),
	KW("count", "Count number of lines which match regexp", n_pipe_cnt, NULL),
	KW("exclude", "Exclude lines that match", n_pipe_exc, NULL),
	KW("include", "Include lines that match", n_pipe_inc, NULL),
	KW("section", "Filter a section of output", n_pipe_sec, NULL),
	END_TABLE
};

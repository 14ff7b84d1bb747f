/*
 * nodes_config.c — global configuration mode: its table, the general
 * commands (hostname, ip domain name, ip http, line), and the generation of
 * the running-config from state (NVGEN).
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/cli_int.h"
#include "cli/cmds.h"
#include "cli/pkish.h"
#include "scep/scep.h"

/* ---- hostname, domain --------------------------------------------------------- */

static int h_hostname(cli_sess *s, const cli_args *a)
{
	const char *name = cli_arg_str(a, "hostname");
	const char *p;

	if (a->neg || !name)
		return pk_device_set_hostname(cli_dev(s), NULL);
	for (p = name; *p; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		      (*p >= '0' && *p <= '9') || *p == '-' || *p == '.' || *p == '_'))
			return cli_error(s, "Hostname contains one or more illegal characters.");
	if (strlen(name) > 63)
		return cli_error(s, "Hostname is too long (63 characters at most).");
	if (pk_device_set_hostname(cli_dev(s), name) < 0)
		return cli_core_error(s, PK_EINVAL);
	return 0;
}

static int h_domain(cli_sess *s, const cli_args *a)
{
	const char *name = cli_arg_str(a, "domain");

	pk_device_set_domain(cli_dev(s), a->neg ? NULL : name);
	return 0;
}

/* ---- ip http -------------------------------------------------------------------- */

static int h_http_server(cli_sess *s, const cli_args *a)
{
	pk_device *d = cli_dev(s);
	long long port = cli_arg_int(a, "port", -1);

	if (a->neg) {
		pk_device_set_http_enabled(d, 0);
	} else {
		/* S1's "ip http server <1024-65535>" sets the port as well. */
		if (port > 0)
			pk_device_set_http_port(d, (int)port);
		pk_device_set_http_enabled(d, 1);
	}
	return cli_http_apply(s);
}

static int h_http_port(cli_sess *s, const cli_args *a)
{
	long long port = cli_arg_int(a, "port", 80);

	/* (the no form has only the keyword "port", whose value reads as 0) */
	if (!a->neg && port != 80 && port < 1024)
		return cli_invalid_arg(s, a, cli_arg_index(a, "port"));
	pk_device_set_http_port(cli_dev(s), a->neg ? 80 : (int)port);
	return cli_http_apply(s);
}

static const struct cli_node n_http_server_port[] = {
	INT("port", 1024, 65535, "Port number", NULL, h_http_server),
	END_TABLE
};
static const struct cli_node n_http_port[] = {
	INT("port", 80, 65535, "Port number", NULL, h_http_port),
	END_TABLE
};
static const struct cli_node n_ip_http[] = {
	KWF("port", "HTTP server port", CLI_F_NEG_END, n_http_port, h_http_port),
	KW("server", "Enable HTTP server", n_http_server_port, h_http_server),
	END_TABLE
};

/* show ip http server status: IOS's layout (genieparser's captures of
 * `show ip http server all`, docs/commands.md) for the lines pkish can
 * fill, and pkish's own lines, in the same style, for what IOS does not
 * show: the address it listens on, the per-address and request time
 * limits, the memory bound and what the limits closed. */
static int h_show_http_status(cli_sess *s, const cli_args *a)
{
	pk_device *d = cli_dev(s);
	struct scep_http_status st;
	int on = pk_device_http_enabled(d);

	(void)a;
	scep_http_status(pkish_http_bind(), &st);
	cli_printf(s, "HTTP server status: %s\n", on ? "Enabled" : "Disabled");
	cli_printf(s, "HTTP server port: %d\n", st.listening ? st.port : pk_device_http_port(d));
	cli_printf(s, "HTTP server listening address: %s%s\n", st.addr,
		   on && !st.listening ? " (not listening)" : "");
	cli_printf(s, "HTTP server active supplementary listener ports:\n");
	cli_printf(s, "Maximum number of concurrent server connections allowed: %u\n", st.max_conns);
	cli_printf(s, "Maximum number of concurrent server connections allowed per client address: "
		   "%u\n", st.max_per_addr);
	cli_printf(s, "Server idle time-out: %u seconds\n", st.idle_timeout);
	cli_printf(s, "Server request receive time-out: %u seconds\n", st.request_timeout);
	cli_printf(s, "Server memory for unfinished requests: %zu kilobytes, %zu kilobytes "
		   "for request line and headers per connection\n", st.held_budget / 1024,
		   st.conn_memory / 1024);
	if (st.listening) {
		cli_printf(s, "HTTP server current connections: %u, holding %zu kilobytes\n", st.open,
			   (st.held + 1023) / 1024);
		cli_printf(s, "Unfinished requests closed: %lu at the receive time-out, %lu for "
			   "memory; %lu refused for memory\n", st.cut_time, st.cut_memory,
			   st.refused_memory);
	}
	return 0;
}

static const struct cli_node n_show_ip_http_server[] = {
	KW("status", "HTTP server status", NULL, h_show_http_status),
	END_TABLE
};
static const struct cli_node n_show_ip_http[] = {
	KW("server", "HTTP server", n_show_ip_http_server, NULL),
	END_TABLE
};
const struct cli_node n_show_ip[] = {
	KW("http", "HTTP information", n_show_ip_http, NULL),
	END_TABLE
};

static const struct cli_node n_domain_name[] = {
	{ .tok = "WORD", .help = "Default domain name", .kind = CLI_WORD, .key = "domain",
	  .fn = h_domain },
	END_TABLE
};
static const struct cli_node n_ip_domain[] = {
	KWF("name", "Define the default domain name", CLI_F_NEG_END, n_domain_name, h_domain),
	END_TABLE
};
static const struct cli_node n_ip[] = {
	KW("domain", "IP DNS Resolver", n_ip_domain, NULL),
	KWF("domain-name", "Define the default domain name", CLI_F_HIDDEN | CLI_F_NEG_END,
	    n_domain_name, h_domain),
	KW("http", "HTTP server configuration", n_ip_http, NULL),
	END_TABLE
};

/* ---- line console 0 / line vty ------------------------------------------------- */

struct line_cfg {
	int length;        /* 24 default */
	int sync;          /* logging synchronous */
	int history;       /* 10 default */
};
static struct line_cfg lines[2];   /* [0] console, [1] vty (one setting for all) */

/* vty lines 0 .. vty_lines - 1 exist: 0-4 always (IOS), `line vty A B`
 * adds up to B, `no line vty A B` (A >= 5) removes A and above. */
#define VTY_BASE 5
static int vty_lines = VTY_BASE;

static void lines_reset(pk_device *d, void *arg)
{
	int i;
	for (i = 0; i < 2; i++)
		lines[i] = (struct line_cfg){ 24, 0, 10 };
	vty_lines = VTY_BASE;
}

int cli_vty_lines(void)
{
	return vty_lines;
}

int cli_line_length(int vty)
{
	return lines[vty ? 1 : 0].length;
}

static struct line_cfg *cur_line(cli_sess *s)
{
	return &lines[strcmp(cli_ctx(s), "vty") == 0 ? 1 : 0];
}

static int h_line_length(cli_sess *s, const cli_args *a)
{
	cur_line(s)->length = a->neg ? 24 : (int)cli_arg_int(a, "lines", 24);
	return 0;
}

static int h_line_sync(cli_sess *s, const cli_args *a)
{
	cur_line(s)->sync = !a->neg;
	return 0;
}

static int h_line_history(cli_sess *s, const cli_args *a)
{
	cur_line(s)->history = a->neg ? 10 : (int)cli_arg_int(a, "size", 10);
	/* The session's own history follows its own line only. */
	if ((strcmp(cli_ctx(s), "vty") == 0) == !(cli_opts(s) & CLI_S_CONSOLE))
		cli_set_history_size(s, cur_line(s)->history);
	return 0;
}

static const struct cli_node n_line_len[] = {
	INT("lines", 0, 512, "Number of lines on screen (0 for no pausing)", NULL, h_line_length),
	END_TABLE
};
static const struct cli_node n_line_sync[] = {
	KW("synchronous", "Synchronized message output", NULL, h_line_sync),
	END_TABLE
};
static const struct cli_node n_line_hsize[] = {
	INT("size", 0, 256, "Size of history buffer", NULL, h_line_history),
	END_TABLE
};
static const struct cli_node n_line_hist[] = {
	KWF("size", "Set history buffer size", CLI_F_NEG_END, n_line_hsize, h_line_history),
	END_TABLE
};
static const struct cli_node n_line_mode[] = {
	KW("history", "Enable and control the command history function", n_line_hist, NULL),
	KWF("length", "Set number of lines on a screen", CLI_F_NEG_END, n_line_len, h_line_length),
	KW("logging", "Modify message logging facilities", n_line_sync, NULL),
	END_TABLE
};

static const struct cli_mode mode_line = {
	.name = "config-line", .prompt = "(config-line)", .parent = &cli_mode_config,
	.table = n_line_mode, .flags = CLI_M_CONFIG,
};

static int h_line(cli_sess *s, const cli_args *a)
{
	int vty = cli_arg_has(a, "vty");
	int first = (int)cli_arg_int(a, "first", 0);
	int last = (int)cli_arg_int(a, "last", first);

	if (vty && last < first)
		return cli_invalid_arg(s, a, cli_arg_index(a, "last"));
	if (a->neg) {
		if (!vty || first < VTY_BASE)
			return cli_error(s, "Line cannot be removed");
		if (first < vty_lines)
			vty_lines = first;
		return 0;
	}
	if (vty && last + 1 > vty_lines)
		vty_lines = last + 1;
	cli_enter(s, &mode_line, vty ? "vty" : "console");
	return 0;
}

static const struct cli_node n_vty_last[] = {
	INT("last", 0, 15, "Last Line number", NULL, h_line),
	END_TABLE
};
static const struct cli_node n_vty_first[] = {
	INT("first", 0, 15, "First Line number", n_vty_last, h_line),
	END_TABLE
};
static const struct cli_node n_con_num[] = {
	INT("first", 0, 0, "First Line number", NULL, h_line),
	END_TABLE
};
static const struct cli_node n_line[] = {
	KW("console", "Primary terminal line", n_con_num, NULL),
	KW("vty", "Virtual terminal", n_vty_first, NULL),
	END_TABLE
};

static int h_version(cli_sess *s, const cli_args *a)
{
	return 0;   /* the IOS release of a pasted config: nothing to set */
}

static const struct cli_node n_version[] = {
	LINE("version", "Version number", h_version),
	END_TABLE
};

static const struct cli_node n_hostname[] = {
	WORD("hostname", "This system's network name", NULL, h_hostname),
	END_TABLE
};

const struct cli_node n_config[] = {
	KW("clock", "Configure time-of-day clock", n_clock_config, NULL),
	KW("crypto", "Encryption module", n_crypto_config, NULL),
	KWF("hostname", "Set system's network name", CLI_F_NEG_END, n_hostname, h_hostname),
	KW("ip", "Global IP configuration subcommands", n_ip, NULL),
	KW("line", "Configure a terminal line", n_line, NULL),
	KW("logging", "Modify message logging facilities", n_logging, NULL),
	KWF("version", "Version of the configuration", CLI_F_HIDDEN | CLI_F_NONEG, n_version, NULL),
	END_TABLE
};

void cli_init(pk_device *d)
{
	lines_reset(d, NULL);
	pk_device_on_reset(d, lines_reset, NULL);
	cli_uptime_start();
}

/* ---- NVGEN ------------------------------------------------------------------------ */

void cli_buf_printf(char **buf, size_t *len, size_t *cap, const char *fmt, ...)
{
	va_list ap;
	int n;

	for (;;) {
		size_t room = *cap - *len;
		va_start(ap, fmt);
		n = vsnprintf(*buf ? *buf + *len : NULL, *buf ? room : 0, fmt, ap);
		va_end(ap);
		if (n < 0)
			return;
		if (*buf && (size_t)n < room) {
			*len += (size_t)n;
			return;
		}
		{
			size_t ncap = *cap ? *cap * 2 : 4096;
			char *nb;
			while (ncap < *len + (size_t)n + 1)
				ncap *= 2;
			nb = realloc(*buf, ncap);
			if (!nb)
				return;
			*buf = nb;
			*cap = ncap;
		}
	}
}

static void nvgen_level(char **b, size_t *l, size_t *c, const char *what, int lvl)
{
	if (lvl < 0)
		cli_buf_printf(b, l, c, "no logging %s\n", what);
	else if (lvl != PK_LOG_DEBUG)
		cli_buf_printf(b, l, c, "logging %s %s\n", what, pk_sev_name(lvl));
}

char *cli_nvgen(pk_device *d)
{
	char *b = NULL;
	size_t l = 0, c = 0;
	tmr_clock *clk = pk_device_clock(d);
	int i, any;

	cli_buf_printf(&b, &l, &c, "!\nhostname %s\n!\n", pk_device_hostname(d));
	if (*pk_device_domain(d))
		cli_buf_printf(&b, &l, &c, "ip domain name %s\n!\n", pk_device_domain(d));
	any = 0;
	if (strcmp(tmr_clock_zone_name(clk), "UTC") != 0 || tmr_clock_zone_offset(clk) != 0) {
		int off = tmr_clock_zone_offset(clk);
		int h = off / 60, m = (off < 0 ? -off : off) % 60;
		cli_buf_printf(&b, &l, &c, "clock timezone %s %d %d\n", tmr_clock_zone_name(clk), h, m);
		any = 1;
	}
	if (pk_device_calendar_valid(d)) {
		cli_buf_printf(&b, &l, &c, "clock calendar-valid\n");
		any = 1;
	}
	if (any)
		cli_buf_printf(&b, &l, &c, "!\n");
	any = 0;
	if (pk_log_buffer_size()) {
		if (pk_log_buffer_level() != PK_LOG_DEBUG)
			cli_buf_printf(&b, &l, &c, "logging buffered %zu %s\n", pk_log_buffer_size(),
				       pk_sev_name(pk_log_buffer_level()));
		else
			cli_buf_printf(&b, &l, &c, "logging buffered %zu\n", pk_log_buffer_size());
		any = 1;
	}
	if (pk_log_console() != PK_LOG_DEBUG || pk_log_monitor() != PK_LOG_DEBUG) {
		nvgen_level(&b, &l, &c, "console", pk_log_console());
		nvgen_level(&b, &l, &c, "monitor", pk_log_monitor());
		any = 1;
	}
	if (any)
		cli_buf_printf(&b, &l, &c, "!\n");
	cli_nvgen_pki(d, &b, &l, &c);
	if (pk_device_http_enabled(d) || pk_device_http_port(d) != 80) {
		cli_buf_printf(&b, &l, &c, "%sip http server\n", pk_device_http_enabled(d) ? "" : "no ");
		if (pk_device_http_port(d) != 80)
			cli_buf_printf(&b, &l, &c, "ip http port %d\n", pk_device_http_port(d));
		cli_buf_printf(&b, &l, &c, "!\n");
	}
	/* IOS keeps the vty lines past 4 in a block of their own */
	for (i = 0; i < 3; i++) {
		const struct line_cfg *lc = &lines[i ? 1 : 0];
		if (i == 0)
			cli_buf_printf(&b, &l, &c, "line con 0\n");
		else if (i == 1)
			cli_buf_printf(&b, &l, &c, "line vty 0 %d\n", VTY_BASE - 1);
		else if (vty_lines > VTY_BASE + 1)
			cli_buf_printf(&b, &l, &c, "line vty %d %d\n", VTY_BASE, vty_lines - 1);
		else if (vty_lines == VTY_BASE + 1)
			cli_buf_printf(&b, &l, &c, "line vty %d\n", VTY_BASE);
		else
			break;
		if (lc->length != 24)
			cli_buf_printf(&b, &l, &c, " length %d\n", lc->length);
		if (lc->history != 10)
			cli_buf_printf(&b, &l, &c, " history size %d\n", lc->history);
		if (lc->sync)
			cli_buf_printf(&b, &l, &c, " logging synchronous\n");
	}
	cli_buf_printf(&b, &l, &c, "!\nend\n");
	return b;
}

char *cli_running_config(pk_device *d)
{
	char *body = cli_nvgen(d), *out = NULL;
	size_t l = 0, c = 0;

	if (!body)
		return NULL;
	cli_buf_printf(&out, &l, &c, "Building configuration...\n\nCurrent configuration : %zu bytes\n%s",
		       strlen(body), body);
	free(body);
	return out;
}

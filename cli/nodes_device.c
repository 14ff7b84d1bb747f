/*
 * nodes_device.c — the device's own commands: clock, storage (write, copy,
 * erase, dir, more, show startup-config), reload, logging and debug.
 */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <time.h>

#include "cli/cli.h"
#include "cli/cli_int.h"
#include "cli/cmds.h"
#include "cli/pkish.h"
#include "cli/show_pki.h"

#define NVRAM_SIZE 262136L
#define STARTUP_URL "nvram:startup-config"

/* ---- clock ------------------------------------------------------------------ */

/* "13:14:16 CET Fri Oct 9 2015": show clock without '*' and milliseconds. */
static void clock_words(tmr_clock *c, tmr_ms t, char *buf, size_t n)
{
	char tmp[96], *p = tmp, *dot;

	tmr_fmt_show_clock(c, t, tmp, sizeof tmp);
	if (*p == '*')
		p++;
	dot = strchr(p, '.');
	if (dot && dot[1] && dot[4] == ' ')
		memmove(dot, dot + 4, strlen(dot + 4) + 1);
	snprintf(buf, n, "%s", p);
}

static int h_clock_set(cli_sess *s, const cli_args *a)
{
	pk_device *d = cli_dev(s);
	tmr_clock *c = pk_device_clock(d);
	int ti = cli_arg_index(a, "time"), bad = 0;
	tmr_ms t, before = tmr_clock_now(c);
	char from[96], to[96];

	if (ti < 0 || a->n < ti + 4)
		return cli_invalid_arg(s, a, a->n - 1);
	if (tmr_parse_clock_set(c, a->v[ti].text, a->v[ti + 1].text, a->v[ti + 2].text,
				a->v[ti + 3].text, &t, &bad) < 0)
		return cli_invalid_arg(s, a, ti + bad);
	clock_words(c, before, from, sizeof from);
	pk_device_clock_set(d, t);
	clock_words(c, tmr_clock_now(c), to, sizeof to);
	pk_log(PK_LOG_INFO, "%%SYS-6-CLOCKUPDATE: System clock has been updated from %s to %s, "
	       "configured from console by %s.", from, to, cli_sess_name(s));
	return 0;
}

static const struct cli_node n_year[] = {
	INT("year", 1993, 2035, "Year", NULL, h_clock_set),
	END_TABLE
};
static const struct cli_node n_month_after_day[] = {
	{ .tok = "MONTH", .help = "Month of the year", .kind = CLI_WORD, .key = "month",
	  .next = n_year },
	END_TABLE
};
static const struct cli_node n_day_after_month[] = {
	INT("day", 1, 31, "Day of the month", n_year, NULL),
	END_TABLE
};
static const struct cli_node n_clock_set_date[] = {
	INT("day", 1, 31, "Day of the month", n_month_after_day, NULL),
	{ .tok = "MONTH", .help = "Month of the year", .kind = CLI_WORD, .key = "month",
	  .next = n_day_after_month },
	END_TABLE
};
static const struct cli_node n_clock_set[] = {
	{ .tok = "hh:mm:ss", .help = "Current Time", .kind = CLI_WORD, .key = "time",
	  .next = n_clock_set_date },
	END_TABLE
};
const struct cli_node n_clock_exec[] = {
	KW("set", "Set the time and date", n_clock_set, NULL),
	END_TABLE
};

int h_show_clock(cli_sess *s, const cli_args *a)
{
	pk_device *d = cli_dev(s);
	tmr_clock *c = pk_device_clock(d);
	char buf[96];

	tmr_fmt_show_clock(c, tmr_clock_now(c), buf, sizeof buf);
	cli_printf(s, "%s\n", buf);
	if (cli_arg_has(a, "detail")) {
		if (!tmr_clock_authoritative(c))
			cli_printf(s, "No time source\n");
		else if (pk_device_calendar_valid(d))
			cli_printf(s, "Time source is hardware calendar\n");
		else
			cli_printf(s, "Time source is user configuration\n");
	}
	return 0;
}

const struct cli_node n_show_clock[] = {
	KW("detail", "Display detailed information", NULL, h_show_clock),
	END_TABLE
};

static int h_clock_timezone(cli_sess *s, const cli_args *a)
{
	tmr_clock *c = pk_device_clock(cli_dev(s));
	long long h, m;
	const char *name;

	if (a->neg) {
		tmr_clock_set_zone(c, "UTC", 0);
		return 0;
	}
	name = cli_arg_str(a, "zone");
	h = cli_arg_int(a, "hours", 0);
	m = cli_arg_int(a, "minutes", 0);
	if (strlen(name) > 7)
		return cli_invalid_arg(s, a, cli_arg_index(a, "zone"));
	tmr_clock_set_zone(c, name, (int)(h < 0 ? h * 60 - m : h * 60 + m));
	return 0;
}

static int h_calendar_valid(cli_sess *s, const cli_args *a)
{
	pk_device_set_calendar_valid(cli_dev(s), !a->neg);
	return 0;
}

static const struct cli_node n_tz_min[] = {
	INT("minutes", 0, 59, "Minutes offset from UTC", NULL, h_clock_timezone),
	END_TABLE
};
static const struct cli_node n_tz_hours[] = {
	INT("hours", -23, 23, "Hours offset from UTC", n_tz_min, h_clock_timezone),
	END_TABLE
};
static const struct cli_node n_tz_name[] = {
	{ .tok = "WORD", .help = "name of time zone", .kind = CLI_WORD, .key = "zone",
	  .next = n_tz_hours, .fn = h_clock_timezone, .flags = CLI_F_NEG_END },
	END_TABLE
};
const struct cli_node n_clock_config[] = {
	KW("calendar-valid", "Calendar time is authoritative", NULL, h_calendar_valid),
	KWF("timezone", "Configure time zone", CLI_F_NEG_END, n_tz_name, h_clock_timezone),
	END_TABLE
};

/* ---- storage ----------------------------------------------------------------- */

static char *saved_nvgen;        /* the running-config at the boot / the last save */

/* What the configuration is now counts as saved. */
static void mark_saved(pk_device *d, char *nvgen)
{
	free(saved_nvgen);
	saved_nvgen = nvgen ? nvgen : cli_nvgen(d);
}

int cli_read_url(cli_sess *s, const char *url, char **data, size_t *len)
{
	char path[4200];
	int rc = pk_device_path(cli_dev(s), url, path, sizeof path);

	if (rc < 0)
		return rc;
	if (pk_device_secret_path(cli_dev(s), path))
		return pk_err_set(PK_EDENIED, "Permission denied");
	return pk_store_read(path, data, len);
}

int cli_write_url(cli_sess *s, const char *url, const char *data, size_t len, mode_t mode)
{
	char path[4200], dir[4200];
	int rc = pk_device_path(cli_dev(s), url, path, sizeof path);

	if (rc < 0)
		return rc;
	if (pk_device_secret_path(cli_dev(s), path))
		return pk_err_set(PK_EDENIED, "Permission denied");
	pk_store_dirname(path, dir, sizeof dir);
	if ((rc = pk_store_mkdirs(dir, 0700)) < 0)
		return rc;
	return pk_store_write(path, data, len, mode);
}

int cli_save_config(cli_sess *s)
{
	char *body = cli_nvgen(cli_dev(s));
	int rc;

	if (!body)
		return pk_err_set(PK_ENOMEM, "out of memory");
	rc = cli_write_url(s, STARTUP_URL, body, strlen(body), 0600);
	if (rc < 0)
		free(body);
	if (rc == 0) {
		mark_saved(cli_dev(s), body);
		pk_device_set_modified(cli_dev(s), 0);
		if (cli_pki())
			pk_pki_saved(cli_pki());
		show_mark_saved(pk_device_now(cli_dev(s)));
	}
	return rc;
}

int cli_write_memory(cli_sess *s)
{
	int rc;

	cli_printf(s, "Building configuration...\n");
	rc = cli_save_config(s);
	if (rc < 0) {
		cli_printf(s, "[FAILED]\n");
		return cli_core_error(s, rc);
	}
	cli_printf(s, "[OK]\n");
	return 0;
}

static int erase_startup(cli_sess *s)
{
	char path[4200], ans[16];
	int rc;

	if (cli_ask(s, "Erasing the nvram filesystem will remove all configuration files! "
		    "Continue? [confirm]", ans, sizeof ans) < 0 ||
	    (ans[0] == 'n' || ans[0] == 'N'))
		return 0;
	pk_device_path(cli_dev(s), STARTUP_URL, path, sizeof path);
	rc = pk_store_remove(path);
	if (rc < 0)
		return cli_core_error(s, rc);
	cli_printf(s, "[OK]\nErase of nvram: complete\n");
	pk_log(PK_LOG_DEBUG, "%%SYS-7-NV_BLOCK_INIT: Initialized the geometry of nvram");
	return 0;
}

int h_write(cli_sess *s, const cli_args *a)
{
	if (cli_arg_has(a, "terminal")) {
		char *t = cli_running_config(cli_dev(s));
		if (t)
			cli_puts(s, t);
		free(t);
		return 0;
	}
	if (cli_arg_has(a, "erase"))
		return erase_startup(s);
	return cli_write_memory(s);
}

const struct cli_node n_write[] = {
	KW("erase", "Erase NV memory", NULL, h_write),
	KW("memory", "Write to NV memory", NULL, h_write),
	KW("terminal", "Write to terminal", NULL, h_write),
	END_TABLE
};

static int h_erase(cli_sess *s, const cli_args *a)
{
	return erase_startup(s);
}

const struct cli_node n_erase[] = {
	KW("startup-config", "Erase contents of configuration memory", NULL, h_erase),
	END_TABLE
};

int h_show_startup(cli_sess *s, const cli_args *a)
{
	char *data;
	size_t len;
	int rc = cli_read_url(s, STARTUP_URL, &data, &len);

	if (rc == PK_ENOENT) {
		cli_printf(s, "startup-config is not present\n");
		return 0;
	}
	if (rc < 0)
		return cli_core_error(s, rc);
	cli_printf(s, "Using %zu out of %ld bytes\n", len, NVRAM_SIZE);
	cli_write(s, data, len);
	free(data);
	return 0;
}

static const char *base_name(const char *url)
{
	const char *p = strrchr(url, '/');
	if (!p)
		p = strchr(url, ':');
	return p ? p + 1 : url;
}

/* copy SRC DST: running-config, startup-config, or device URLs. */
static int h_copy(cli_sess *s, const cli_args *a)
{
	const char *src, *dst;
	int src_run, dst_run, dst_start, rc;
	char ans[256], q[300], *data = NULL;
	size_t len = 0;

	if (a->n < 3)
		return cli_invalid_arg(s, a, a->n - 1);
	src = a->v[1].text;
	dst = a->v[2].text;
	src_run = a->v[1].node->kind == CLI_KW && strcmp(a->v[1].node->tok, "running-config") == 0;
	dst_run = a->v[2].node->kind == CLI_KW && strcmp(a->v[2].node->tok, "running-config") == 0;
	dst_start = a->v[2].node->kind == CLI_KW && strcmp(a->v[2].node->tok, "startup-config") == 0;
	if (a->v[1].node->kind == CLI_KW && !src_run)
		src = STARTUP_URL;
	snprintf(q, sizeof q, "Destination filename [%s]? ",
		 dst_run ? "running-config" : dst_start ? "startup-config" : base_name(dst));
	if (cli_ask(s, q, ans, sizeof ans) < 0)
		return CLI_ERR;
	if (src_run && dst_start)
		return cli_write_memory(s);
	if (src_run) {
		data = cli_nvgen(cli_dev(s));
		len = data ? strlen(data) : 0;
		if (!data)
			return cli_error(s, "Out of memory");
	} else if ((rc = cli_read_url(s, src, &data, &len)) < 0) {
		/* like more: no host path in the message */
		return cli_error(s, "Error opening %s (%s)", src,
				 rc == PK_ENOENT ? "No such file or directory" : pk_err_msg());
	}
	if (dst_run) {
		int failed;
		pk_device *d = cli_dev(s);
		pk_device_unlock(d);   /* replay runs whole commands */
		failed = cli_replay_buf(s, src, data, len, NULL);
		pk_device_lock(d);
		cli_printf(s, "%zu bytes copied\n", len);
		free(data);
		return failed ? CLI_ERR : 0;
	}
	rc = cli_write_url(s, dst_start ? STARTUP_URL : dst, data, len, 0600);
	free(data);
	if (rc < 0)
		return cli_error(s, "Error writing %s (%s)", dst, pk_err_msg());
	if (dst_start) {
		cli_printf(s, "[OK]\n");
		mark_saved(cli_dev(s), NULL);
		pk_device_set_modified(cli_dev(s), 0);
	} else {
		cli_printf(s, "%zu bytes copied\n", len);
	}
	return 0;
}

static const struct cli_node n_copy_dst[] = {
	URL("dst-url", "Destination URL (nvram:, flash:, unix:/path)", NULL, h_copy),
	KW("running-config", "Update (merge with) current system configuration", NULL, h_copy),
	KW("startup-config", "Copy to startup configuration", NULL, h_copy),
	END_TABLE
};
const struct cli_node n_copy[] = {
	URL("src-url", "Source URL (nvram:, flash:, unix:/path)", n_copy_dst, NULL),
	KW("running-config", "Copy from current system configuration", n_copy_dst, NULL),
	KW("startup-config", "Copy from startup configuration", n_copy_dst, NULL),
	END_TABLE
};

int cli_configure_memory(cli_sess *s)
{
	char *data;
	size_t len;
	int rc = cli_read_url(s, STARTUP_URL, &data, &len), failed;
	pk_device *d = cli_dev(s);
	struct cli_replay r = { .flags = CLI_RP_NEED_END };

	if (rc == PK_ENOENT)
		return cli_error(s, "startup-config is not present");
	if (rc < 0)
		return cli_core_error(s, rc);
	pk_device_unlock(d);
	failed = cli_replay_buf(s, "startup-config", data, len, &r);
	pk_device_lock(d);
	free(data);
	return failed ? CLI_ERR : 0;
}

/* Files of a directory, sorted, without our temporary files. */
static int name_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

int h_dir(cli_sess *s, const cli_args *a)
{
	const char *url = cli_arg_str(a, "dir-url");
	char path[4200], fp[4400];
	char *names[4096];
	int n = 0, i, nvram;
	DIR *dir;
	struct dirent *de;
	long long used = 0;

	if (!url)
		url = "flash:";
	nvram = strncmp(url, "nvram:", 6) == 0;
	if (pk_device_path(cli_dev(s), url, path, sizeof path) < 0)
		return cli_core_error(s, PK_EINVAL);
	dir = opendir(path);
	if (!dir)
		return cli_error(s, "Error opening %s (%s)", url, strerror(errno));
	while ((de = readdir(dir)) && n < 4096) {
		if (de->d_name[0] == '.' || strstr(de->d_name, ".tmp."))
			continue;
		names[n] = strdup(de->d_name);
		if (names[n])
			n++;
	}
	closedir(dir);
	qsort(names, (size_t)n, sizeof names[0], name_cmp);
	cli_printf(s, "Directory of %s%s\n\n", url, url[strlen(url) - 1] == '/' ? "" : "/");
	for (i = 0; i < n; i++) {
		struct stat st;
		char date[64] = "<no date>";
		snprintf(fp, sizeof fp, "%s/%s", path, names[i]);
		if (stat(fp, &st) == 0) {
			used += st.st_size;
			if (!nvram) {
				struct tm tm;
				localtime_r(&st.st_mtime, &tm);
				strftime(date, sizeof date, "%b %e %Y %H:%M:%S %z", &tm);
			}
			cli_printf(s, "%5d  %s  %10lld  %28s  %s\n", i + 1,
				   S_ISDIR(st.st_mode) ? "drw-" : "-rw-",
				   (long long)st.st_size, date, names[i]);
		}
		free(names[i]);
	}
	if (nvram) {
		cli_printf(s, "\n%ld bytes total (%lld bytes free)\n", NVRAM_SIZE,
			   used > NVRAM_SIZE ? 0LL : NVRAM_SIZE - used);
	} else {
		struct statvfs vs;
		if (statvfs(path, &vs) == 0)
			cli_printf(s, "\n%llu bytes total (%llu bytes free)\n",
				   (unsigned long long)vs.f_blocks * vs.f_frsize,
				   (unsigned long long)vs.f_bavail * vs.f_frsize);
	}
	return 0;
}

const struct cli_node n_dir[] = {
	URL("dir-url", "Directory or file name (nvram:, flash:)", NULL, h_dir),
	END_TABLE
};

static int h_more(cli_sess *s, const cli_args *a)
{
	const char *url = cli_arg_str(a, "file-url");
	char *data;
	size_t len, i;
	int rc = cli_read_url(s, url, &data, &len), binary = 0;

	if (rc < 0)
		return cli_error(s, "Error opening %s (%s)", url,
				 rc == PK_ENOENT ? "No such file or directory" : pk_err_msg());
	for (i = 0; i < len; i++)
		if (data[i] == '\0' || ((unsigned char)data[i] < 32 && !strchr("\r\n\t", data[i])))
			binary = 1;
	if (!binary) {
		cli_write(s, data, len);
		if (len && data[len - 1] != '\n')
			cli_write(s, "\n", 1);
	} else {
		/* IOS shows binary files as a hex dump. */
		for (i = 0; i < len; i += 16) {
			size_t j;
			cli_printf(s, "%08zX:", i);
			for (j = i; j < i + 16 && j < len; j++)
				cli_printf(s, "%s%02X", (j - i) % 4 == 0 ? " " : "", (unsigned char)data[j]);
			cli_printf(s, "\n");
		}
	}
	free(data);
	return 0;
}

const struct cli_node n_more[] = {
	URL("file-url", "File to display (nvram:FILE, flash:FILE)", NULL, h_more),
	END_TABLE
};

/* ---- boot and reload ------------------------------------------------------------ */

/* The error text of a failed read without the host path pk_err_msg()
 * starts with: the device's own name for the file is printed instead. */
static const char *err_text(const char *path)
{
	const char *m = pk_err_msg();
	size_t n = strlen(path);

	if (m && strncmp(m, path, n) == 0 && m[n] == ':' && m[n + 1] == ' ')
		return m + n + 2;
	return m && *m ? m : "read error";
}

/* Boot: replay nvram:startup-config.  What goes wrong is printed on this
 * session (the console), kept for show logging as %PARSER-4-BADCFG
 * messages, and flagged on the device (pk_device_config_damaged), so that
 * nothing is applied silently and callers can refuse to overwrite it. */
/* A boot without a startup-config to replay still ends like one: the PKI
 * hears that the configuration is complete (keys reconciled, outstanding
 * requests resumed: pk_pki_config_done's first call is the boot's). */
static void boot_without_config(cli_sess *s)
{
	pk_device *d = cli_dev(s);

	if (cli_pki()) {
		pk_device_lock(d);
		pk_pki_config_done(cli_pki());
		pk_device_unlock(d);
		cli_flush_async(s);
	}
	mark_saved(d, NULL);
}

void cli_boot(cli_sess *s)
{
	char *data, path[4200];
	size_t len;
	unsigned opts = cli_opts(s);
	pk_device *d = cli_dev(s);
	struct cli_replay r = { .flags = CLI_RP_BOOT | CLI_RP_NEED_END };
	struct stat st;
	int rc;

	pk_log_kept_clear();
	pk_device_lock(d);
	pk_device_set_config_damaged(d, 0);
	pk_device_unlock(d);
	if (pk_device_path(d, STARTUP_URL, path, sizeof path) < 0) {
		boot_without_config(s);
		return;
	}
	if (stat(path, &st) < 0) {
		if (errno == ENOENT) {
			boot_without_config(s);
			return;   /* no startup-config: factory defaults */
		}
		rc = pk_err_set(PK_EIO, "%s: %s", path, strerror(errno));
	} else if (!S_ISREG(st.st_mode)) {
		rc = pk_err_set(PK_EIO, "%s: not a file", path);
	} else {
		rc = pk_store_read(path, &data, &len);
	}
	if (rc < 0) {
		const char *why = err_text(path);
		cli_raw_printf(s, "%% Cannot read %s: %s\n", STARTUP_URL, why);
		pk_log_keep(PK_LOG_WARN, "%%PARSER-4-BADCFG: Cannot read %s: %s; the device "
			    "boots without it", STARTUP_URL, why);
		cli_mark_failed(s);
		pk_device_lock(d);
		pk_device_set_config_damaged(d, PK_CFG_DMG_READ);
		pk_device_unlock(d);
		pk_err_clear();
		cli_flush_async(s);
		boot_without_config(s);
		return;
	}
	cli_set_opts(s, opts | CLI_S_QUIET_LOGS);
	cli_replay_buf(s, "startup-config", data, len, &r);
	cli_set_opts(s, opts);
	pk_device_set_modified(d, 0);
	mark_saved(d, NULL);
	show_mark_saved(pk_device_now(d));
	free(data);
}

/* show logging: the errors of the last boot, whatever logging buffered says. */
static void show_boot_errors(cli_sess *s)
{
	unsigned long n = pk_log_kept_total(), k = pk_log_kept_count();
	char *t;

	if (!n)
		return;
	cli_printf(s, "\nStartup-config errors at the last boot (%lu message%s, kept until reload):\n\n",
		   n, n == 1 ? "" : "s");
	t = pk_log_kept_dump();
	if (t)
		cli_puts(s, t);
	free(t);
	if (n > k)
		cli_printf(s, "(%lu more not kept)\n", n - k);
}

/* The configuration changed since the boot or the last save: a command
 * changed it (IOS's "modified" flag), or the running-config generated now
 * differs from the one generated then (saved_nvgen) — so that what the PKI
 * does by itself (a certificate installed by an enrollment, a CA rollover,
 * the activation of rollover certificates) counts as much as what is
 * typed.  Generated text against generated text: a startup-config written
 * by hand, or one with lines the boot refused, is not "modified" by that. */
int cli_config_differs(cli_sess *s)
{
	pk_device *d = cli_dev(s);
	char *run;
	int differs;

	if (pk_device_modified(d) || !saved_nvgen)
		return 1;
	run = cli_nvgen(d);
	differs = !run || strcmp(saved_nvgen, run) != 0;
	free(run);
	return differs;
}


/* The local console ends pkish: the device powers off.  Unsaved changes
 * are asked about as reload asks (`Save? [yes/no]`); ^C at the question
 * cancels the exit.  Returns 1 when the console should go on. */
int cli_console_leaving(cli_sess *s)
{
	pk_device *d = cli_dev(s);
	int differs, yes;

	pk_device_lock(d);
	differs = cli_config_differs(s);
	pk_device_unlock(d);
	if (!differs)
		return 0;
	cli_set_interrupted(s, 0);
	yes = cli_confirm(s, "System configuration has been modified. Save? [yes/no]: ");
	if (yes < 0 && cli_interrupted(s)) {
		cli_set_interrupted(s, 0);
		cli_clear_done(s);
		return 1;
	}
	if (yes == 1) {
		pk_device_lock(d);
		cli_write_memory(s);
		pk_device_unlock(d);
	}
	return 0;
}

int h_reload(cli_sess *s, const cli_args *a)
{
	pk_device *d = cli_dev(s);
	char ans[16];

	if (cli_config_differs(s)) {
		int yes = cli_confirm(s, "System configuration has been modified. Save? [yes/no]: ");
		if (yes < 0)
			return CLI_ERR;
		if (yes && cli_write_memory(s) < 0)
			return CLI_ERR;
	}
	if (cli_ask(s, "Proceed with reload? [confirm]", ans, sizeof ans) < 0 ||
	    ans[0] == 'n' || ans[0] == 'N')
		return 0;
	pk_log(PK_LOG_NOTICE, "%%SYS-5-RELOAD: Reload requested by %s. Reload Reason: Reload Command.",
	       cli_sess_name(s));
	cli_flush_async(s);     /* the message goes out before the device restarts */
	cli_walkup(s, &cli_mode_exec);
	cli_drop_other_sessions(s);
	pk_device_reset(d);
	pk_device_unlock(d);
	cli_boot(s);
	pk_device_lock(d);
	cli_set_priv(s, 0);
	cli_printf(s, "\n\nPress RETURN to get started!\n\n");
	return 0;
}

/* ---- logging ---------------------------------------------------------------------- */

static int level_arg(const cli_args *a, int dflt)
{
	int i;
	for (i = 0; i < a->n; i++) {
		const struct cli_node *n = a->v[i].node;
		if (n->key && strcmp(n->key, "level") == 0)
			return n->kind == CLI_INT ? (int)a->v[i].num : pk_sev_parse(n->tok);
	}
	return dflt;
}

static int h_logging(cli_sess *s, const cli_args *a)
{
	const char *what = a->v[1].node->tok;
	int lvl = level_arg(a, PK_LOG_DEBUG);

	if (strcmp(what, "console") == 0) {
		pk_log_set_console(a->neg == CLI_NEG_NO ? -1 : lvl);
	} else if (strcmp(what, "monitor") == 0) {
		pk_log_set_monitor(a->neg == CLI_NEG_NO ? -1 : lvl);
	} else if (strcmp(what, "buffered") == 0) {
		if (a->neg)
			pk_log_buffer_set(0, PK_LOG_DEBUG);
		else	/* a new level alone keeps the buffer (and its size) */
			pk_log_buffer_set((size_t)cli_arg_int(a, "size", pk_log_buffer_size()
					  ? (long long)pk_log_buffer_size() : 8192), lvl);
	}
	return 0;
}

#define LEVELS(nx) \
	{ .tok = NULL, .help = "Logging severity level", .kind = CLI_INT, .key = "level", .lo = 0, .hi = 7, .fn = h_logging }, \
	{ .tok = "alerts", .help = "Immediate action needed           (severity=1)", .kind = CLI_KW, .key = "level", .fn = h_logging }, \
	{ .tok = "critical", .help = "Critical conditions               (severity=2)", .kind = CLI_KW, .key = "level", .fn = h_logging }, \
	{ .tok = "debugging", .help = "Debugging messages                (severity=7)", .kind = CLI_KW, .key = "level", .fn = h_logging }, \
	{ .tok = "emergencies", .help = "System is unusable                (severity=0)", .kind = CLI_KW, .key = "level", .fn = h_logging }, \
	{ .tok = "errors", .help = "Error conditions                  (severity=3)", .kind = CLI_KW, .key = "level", .fn = h_logging }, \
	{ .tok = "informational", .help = "Informational messages            (severity=6)", .kind = CLI_KW, .key = "level", .fn = h_logging }, \
	{ .tok = "notifications", .help = "Normal but significant conditions (severity=5)", .kind = CLI_KW, .key = "level", .fn = h_logging }, \
	{ .tok = "warnings", .help = "Warning conditions                (severity=4)", .kind = CLI_KW, .key = "level", .fn = h_logging }

static const struct cli_node n_log_level[] = { LEVELS(NULL), END_TABLE };
static const struct cli_node n_log_buf_size[] = {
	INT("size", 4096, 2147483647, "Logging buffer size", n_log_level, h_logging),
	LEVELS(NULL),
	END_TABLE
};
/* The buffer size must come first: "4096" is a size, "7" a level. */
const struct cli_node n_logging[] = {
	KW("buffered", "Set buffered logging parameters", n_log_buf_size, h_logging),
	KW("console", "Set console logging parameters", n_log_level, h_logging),
	KW("monitor", "Set terminal line (monitor) logging parameters", n_log_level, h_logging),
	END_TABLE
};

int h_show_logging(cli_sess *s, const cli_args *a)
{
	int con = pk_log_console(), mon = pk_log_monitor();
	size_t bsz = pk_log_buffer_size();
	unsigned long n = pk_log_count();
	char *buf;

	cli_printf(s, "Syslog logging: enabled (0 messages dropped, 0 messages rate-limited, "
		   "0 flushes, 0 overruns, xml disabled, filtering disabled)\n\n");
	if (con < 0)
		cli_printf(s, "    Console logging: disabled\n");
	else
		cli_printf(s, "    Console logging: level %s, %lu messages logged, xml disabled,\n"
			   "                     filtering disabled\n", pk_sev_name(con), n);
	if (mon < 0)
		cli_printf(s, "    Monitor logging: disabled\n");
	else
		cli_printf(s, "    Monitor logging: level %s, %lu messages logged, xml disabled,\n"
			   "                     filtering disabled\n", pk_sev_name(mon), n);
	if (bsz == 0) {
		cli_printf(s, "    Buffer logging:  disabled\n");
		show_boot_errors(s);
		return 0;
	}
	cli_printf(s, "    Buffer logging:  level %s, %lu messages logged, xml disabled,\n"
		   "                    filtering disabled\n", pk_sev_name(pk_log_buffer_level()),
		   pk_log_buffer_count());
	show_boot_errors(s);
	cli_printf(s, "\nLog Buffer (%zu bytes):\n\n", bsz);
	buf = pk_log_buffer_dump();
	if (buf)
		cli_puts(s, buf);
	free(buf);
	return 0;
}

/* ---- debug -------------------------------------------------------------------------- */

static const struct {
	unsigned fam;
	const char *name;
} dbg_names[] = {
	{ PK_DBG_SERVER, "Crypto PKI Certificate Server" },
	{ PK_DBG_TRANS, "Crypto PKI Trans" },
	{ PK_DBG_MSGS, "Crypto PKI Msg" },
	{ PK_DBG_HTTP, "HTTP Server transactions" },
};

static int h_debug(cli_sess *s, const cli_args *a)
{
	unsigned fam = (unsigned)a->data;
	int on = a->neg == CLI_NEG_NONE && strcmp(a->v[0].node->tok, "undebug") != 0;
	size_t i;

	if (fam == PK_DBG__ALL && !on) {
		pk_debug_set(PK_DBG__ALL, 0);
		cli_printf(s, "All possible debugging has been turned off\n");
		return 0;
	}
	pk_debug_set(fam, on);
	for (i = 0; i < sizeof dbg_names / sizeof dbg_names[0]; i++)
		if (dbg_names[i].fam & fam)
			cli_printf(s, "%s debugging is %s\n", dbg_names[i].name, on ? "on" : "off");
	return 0;
}

int h_show_debugging(cli_sess *s, const cli_args *a)
{
	unsigned m = pk_debug_mask();
	size_t i;

	if (m & (PK_DBG_SERVER | PK_DBG_TRANS | PK_DBG_MSGS))
		cli_printf(s, "Crypto PKI:\n");
	for (i = 0; i < sizeof dbg_names / sizeof dbg_names[0]; i++)
		if (m & dbg_names[i].fam)
			cli_printf(s, "  %s debugging is on\n", dbg_names[i].name);
	return 0;
}

static const struct cli_node n_debug_pki[] = {
	KWD("messages", "Crypto PKI messages", NULL, h_debug, PK_DBG_MSGS),
	KWD("server", "Crypto PKI Certificate Server", NULL, h_debug, PK_DBG_SERVER),
	KWD("transactions", "Crypto PKI transactions", NULL, h_debug, PK_DBG_TRANS),
	END_TABLE
};
static const struct cli_node n_debug_crypto[] = {
	KW("pki", "Crypto PKI", n_debug_pki, NULL),
	END_TABLE
};
static const struct cli_node n_debug_http[] = {
	KWD("transactions", "HTTP transactions", NULL, h_debug, PK_DBG_HTTP),
	END_TABLE
};
static const struct cli_node n_debug_ip_http[] = {
	KW("http", "HTTP server", n_debug_http, NULL),
	END_TABLE
};
const struct cli_node n_debug[] = {
	KWD("all", "Enable all debugging", NULL, h_debug, PK_DBG__ALL),
	KW("crypto", "Cryptographic subsystem", n_debug_crypto, NULL),
	KW("ip", "IP information", n_debug_ip_http, NULL),
	END_TABLE
};
const struct cli_node n_undebug[] = {
	KWD("all", "Disable all debugging", NULL, h_debug, PK_DBG__ALL),
	KW("crypto", "Cryptographic subsystem", n_debug_crypto, NULL),
	KW("ip", "IP information", n_debug_ip_http, NULL),
	END_TABLE
};

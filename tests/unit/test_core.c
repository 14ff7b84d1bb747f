/*
 * test_core.c — core/ below the CLI: store (atomic writes, modes, the
 * PKISH_FAIL_WRITES full-disk hook), log (the buffer ring, levels, sinks,
 * timestamps, debug families) and device (URL mapping, the calendar across
 * restarts, clock set firing timers in order, reset).
 *
 * Every test runs in its own process (t.h) with its own temp directory.
 */
#include <dirent.h>
#include <errno.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "core/pk.h"
#include "tests/unit/t.h"

static char tmpdir[256];

static int rm_one(const char *p, const struct stat *st, int flag, struct FTW *f)
{
	(void)st; (void)flag; (void)f;
	return remove(p);
}

static void cleanup(void)
{
	if (tmpdir[0])
		nftw(tmpdir, rm_one, 16, FTW_DEPTH | FTW_PHYS);
}

static const char *mktmp(void)
{
	snprintf(tmpdir, sizeof tmpdir, "%s/pkish-test-core.XXXXXX",
		 getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
	ASSERT(mkdtemp(tmpdir) != NULL);
	atexit(cleanup);
	return tmpdir;
}

static char *path(const char *name)
{
	static char buf[4][512];
	static int i;

	i = (i + 1) % 4;
	snprintf(buf[i], sizeof buf[i], "%s/%s", tmpdir, name);
	return buf[i];
}

/* Number of entries of a directory whose name contains `part`. */
static int count_entries(const char *dir, const char *part)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	int n = 0;

	ASSERT(d != NULL);
	while ((e = readdir(d)))
		if (e->d_name[0] != '.' && strstr(e->d_name, part))
			n++;
	closedir(d);
	return n;
}

static char *slurp(const char *p)
{
	char *data;

	if (pk_store_read(p, &data, NULL) < 0)
		return NULL;
	return data;
}

/* ---- store --------------------------------------------------------------- */

TEST(store_write_read)
{
	char *data;
	size_t len;

	mktmp();
	ASSERT_EQ(pk_store_write(path("f"), "hello\n", 6, 0600), 0);
	ASSERT_EQ(pk_store_read(path("f"), &data, &len), 0);
	ASSERT_EQ(len, 6);
	ASSERT_STREQ(data, "hello\n");
	free(data);
	/* overwrite with something shorter: nothing of the old file remains */
	ASSERT_EQ(pk_store_write(path("f"), "hi", 2, 0600), 0);
	ASSERT_STREQ((data = slurp(path("f"))), "hi");
	free(data);
	/* empty files and binary data */
	ASSERT_EQ(pk_store_write(path("e"), "", 0, 0600), 0);
	ASSERT_EQ(pk_store_read(path("e"), &data, &len), 0);
	ASSERT_EQ(len, 0);
	ASSERT_STREQ(data, "");
	free(data);
	ASSERT_EQ(pk_store_write(path("b"), "a\0b", 3, 0600), 0);
	ASSERT_EQ(pk_store_read(path("b"), &data, &len), 0);
	ASSERT_EQ(len, 3);
	ASSERT(memcmp(data, "a\0b", 4) == 0);   /* NUL after the last byte too */
	free(data);
	/* no temporary file left behind */
	ASSERT_EQ(count_entries(tmpdir, ".tmp"), 0);
}

TEST(store_big_file)
{
	size_t n = 3 * 1024 * 1024 + 17, len, i;
	char *big = malloc(n), *data;

	mktmp();
	ASSERT(big != NULL);
	for (i = 0; i < n; i++)
		big[i] = (char)('a' + i % 26);
	ASSERT_EQ(pk_store_write(path("big"), big, n, 0600), 0);
	ASSERT_EQ(pk_store_read(path("big"), &data, &len), 0);
	ASSERT_EQ(len, n);
	ASSERT(memcmp(data, big, n) == 0);
	free(data);
	free(big);
}

TEST(store_mode_despite_umask)
{
	struct stat st;

	mktmp();
	umask(0);
	ASSERT_EQ(pk_store_write(path("secret"), "k", 1, 0600), 0);
	ASSERT_EQ(stat(path("secret"), &st), 0);
	ASSERT_EQ(st.st_mode & 07777, 0600);       /* not 0666 & ~0 */
	umask(077);
	ASSERT_EQ(pk_store_write(path("public"), "p", 1, 0644), 0);
	ASSERT_EQ(stat(path("public"), &st), 0);
	ASSERT_EQ(st.st_mode & 07777, 0644);       /* not 0644 & ~077 */
	/* rewriting a 0644 file as a secret tightens it */
	ASSERT_EQ(pk_store_write(path("public"), "s", 1, 0600), 0);
	ASSERT_EQ(stat(path("public"), &st), 0);
	ASSERT_EQ(st.st_mode & 07777, 0600);
}

TEST(store_fail_writes_keeps_old_file)
{
	char *data;

	mktmp();
	/* the 2nd write and every later one fail, as on a full disk */
	setenv("PKISH_FAIL_WRITES", "2", 1);
	ASSERT_EQ(pk_store_write(path("cfg"), "old\n", 4, 0600), 0);
	ASSERT(pk_store_write(path("cfg"), "new\n", 4, 0600) < 0);
	ASSERT(strstr(pk_err_msg(), "No space left") != NULL);
	ASSERT(pk_store_write(path("cfg"), "newer\n", 6, 0600) < 0);
	ASSERT_STREQ((data = slurp(path("cfg"))), "old\n");
	free(data);
	ASSERT(pk_store_write(path("other"), "x", 1, 0600) < 0);
	ASSERT(!pk_store_exists(path("other")));
	ASSERT_EQ(count_entries(tmpdir, ".tmp"), 0);
}

TEST(store_failed_rename_cleans_up)
{
	char *data;

	mktmp();
	/* the target is a non-empty directory: rename fails after the data
	 * was written; the temporary file must not stay */
	ASSERT_EQ(mkdir(path("dir"), 0700), 0);
	ASSERT_EQ(pk_store_write(path("dir/inner"), "x", 1, 0600), 0);
	ASSERT(pk_store_write(path("dir"), "data", 4, 0600) < 0);
	ASSERT_EQ(count_entries(tmpdir, ".tmp"), 0);
	ASSERT_STREQ((data = slurp(path("dir/inner"))), "x");
	free(data);
	/* a missing directory fails cleanly */
	ASSERT(pk_store_write(path("nodir/f"), "x", 1, 0600) < 0);
}

TEST(store_read_errors)
{
	char *data = (char *)1;
	size_t len = 99;

	mktmp();
	ASSERT_EQ(pk_store_read(path("missing"), &data, &len), PK_ENOENT);
	ASSERT(data == NULL);
	ASSERT_EQ(len, 0);
	ASSERT(pk_store_read(tmpdir, &data, &len) < 0);   /* a directory */
	free(data);
}

TEST(store_remove_and_mkdirs)
{
	struct stat st;

	mktmp();
	ASSERT_EQ(pk_store_remove(path("missing")), 0);     /* not an error */
	ASSERT_EQ(pk_store_write(path("f"), "x", 1, 0600), 0);
	ASSERT(pk_store_exists(path("f")));
	ASSERT_EQ(pk_store_remove(path("f")), 0);
	ASSERT(!pk_store_exists(path("f")));
	ASSERT_EQ(pk_store_mkdirs(path("a/b/c"), 0700), 0);
	ASSERT_EQ(stat(path("a/b/c"), &st), 0);
	ASSERT(S_ISDIR(st.st_mode));
	ASSERT_EQ(pk_store_mkdirs(path("a/b/c"), 0700), 0);  /* exists: fine */
	ASSERT_EQ(pk_store_write(path("file"), "x", 1, 0600), 0);
	ASSERT(pk_store_mkdirs(path("file/sub"), 0700) < 0);
}

TEST(store_dirname)
{
	char b[64];

	pk_store_dirname("/a/b/c", b, sizeof b);
	ASSERT_STREQ(b, "/a/b");
	pk_store_dirname("/c", b, sizeof b);
	ASSERT_STREQ(b, "/");
	pk_store_dirname("c", b, sizeof b);
	ASSERT_STREQ(b, ".");
	pk_store_dirname("dir/c", b, sizeof b);
	ASSERT_STREQ(b, "dir");
}

/* ---- log ------------------------------------------------------------------- */

struct seen {
	int n;
	int sev[64];
	char line[64][256];
};

static void sink(void *arg, int sev, const char *line)
{
	struct seen *s = arg;

	if (s->n < 64) {
		s->sev[s->n] = sev;
		snprintf(s->line[s->n], sizeof s->line[0], "%s", line);
		s->n++;
	}
}

TEST(log_buffer_off_by_default)
{
	char *d;

	pk_log_reset();
	ASSERT_EQ(pk_log_buffer_size(), 0);
	pk_log(PK_LOG_ERR, "nobody keeps this");
	ASSERT_STREQ((d = pk_log_buffer_dump()), "");
	free(d);
}

TEST(log_buffer_ring_bounds)
{
	char *d, *p;
	int i, lines = 0;

	pk_log_set_clock(NULL);
	pk_log_buffer_set(100, PK_LOG_DEBUG);
	for (i = 0; i < 50; i++)
		pk_log(PK_LOG_INFO, "message %02d", i);     /* 10 bytes + '\n' */
	d = pk_log_buffer_dump();
	ASSERT(strlen(d) <= 100);
	/* whole lines only, oldest first, the newest kept */
	ASSERT(strncmp(d, "message ", 8) == 0);
	ASSERT(strstr(d, "message 49\n") != NULL);
	ASSERT(strstr(d, "message 40\n") == NULL);
	for (p = d; *p; p++)
		lines += *p == '\n';
	ASSERT_EQ(lines, 9);                 /* 9 * 11 = 99 <= 100 */
	ASSERT_EQ(d[strlen(d) - 1], '\n');
	free(d);
	/* a line longer than the whole buffer is not kept (nor does it
	 * wipe what is there) */
	{
		char big[200];
		memset(big, 'x', sizeof big - 1);
		big[sizeof big - 1] = '\0';
		pk_log(PK_LOG_INFO, "%s", big);
	}
	d = pk_log_buffer_dump();
	ASSERT(strstr(d, "xxxx") == NULL);
	ASSERT(strstr(d, "message 49\n") != NULL);
	free(d);
	/* clearing */
	pk_log_buffer_clear();
	ASSERT_STREQ((d = pk_log_buffer_dump()), "");
	free(d);
}

TEST(log_buffer_resize_keeps_newest)
{
	char *d;
	int i;

	pk_log_set_clock(NULL);
	pk_log_buffer_set(4096, PK_LOG_DEBUG);
	for (i = 0; i < 20; i++)
		pk_log(PK_LOG_INFO, "line %02d", i);        /* 8 bytes each */
	pk_log_buffer_set(40, PK_LOG_DEBUG);              /* room for 5 */
	ASSERT_EQ(pk_log_buffer_size(), 40);
	d = pk_log_buffer_dump();
	ASSERT_STREQ(d, "line 15\nline 16\nline 17\nline 18\nline 19\n");
	free(d);
	/* the same size again changes nothing */
	pk_log_buffer_set(40, PK_LOG_WARN);
	d = pk_log_buffer_dump();
	ASSERT_STREQ(d, "line 15\nline 16\nline 17\nline 18\nline 19\n");
	free(d);
	pk_log_buffer_set(0, PK_LOG_DEBUG);
	ASSERT_EQ(pk_log_buffer_size(), 0);
}

TEST(log_buffer_level)
{
	char *d;

	pk_log_set_clock(NULL);
	pk_log_buffer_set(4096, PK_LOG_WARN);
	ASSERT_EQ(pk_log_buffer_level(), PK_LOG_WARN);
	pk_log(PK_LOG_INFO, "info");
	pk_log(PK_LOG_WARN, "warn");
	pk_log(PK_LOG_ERR, "err");
	d = pk_log_buffer_dump();
	ASSERT_STREQ(d, "warn\nerr\n");
	free(d);
}

TEST(log_sinks_get_everything)
{
	struct seen a = { 0 }, b = { 0 };
	int ia = pk_log_sink_add(sink, &a), ib = pk_log_sink_add(sink, &b);

	pk_log_set_clock(NULL);
	ASSERT(ia > 0 && ib > 0 && ia != ib);
	/* sinks decide about levels themselves: they see every message */
	pk_log_set_console(PK_LOG_ERR);
	pk_log(PK_LOG_DEBUG, "dbg %d", 1);
	pk_log(PK_LOG_EMERG, "emerg");
	ASSERT_EQ(a.n, 2);
	ASSERT_EQ(a.sev[0], PK_LOG_DEBUG);
	ASSERT_STREQ(a.line[0], "dbg 1");
	ASSERT_EQ(a.sev[1], PK_LOG_EMERG);
	pk_log_sink_remove(ia);
	pk_log(PK_LOG_INFO, "later");
	ASSERT_EQ(a.n, 2);
	ASSERT_EQ(b.n, 3);
	ASSERT_STREQ(b.line[2], "later");
	pk_log_sink_remove(ib);
	pk_log_sink_remove(12345);      /* unknown id: nothing happens */
}

TEST(log_levels_and_names)
{
	pk_log_reset();
	ASSERT_EQ(pk_log_console(), PK_LOG_DEBUG);
	ASSERT_EQ(pk_log_monitor(), PK_LOG_DEBUG);
	pk_log_set_console(-1);
	ASSERT_EQ(pk_log_console(), -1);
	pk_log_set_monitor(PK_LOG_NOTICE);
	ASSERT_EQ(pk_log_monitor(), PK_LOG_NOTICE);
	pk_log_reset();
	ASSERT_EQ(pk_log_console(), PK_LOG_DEBUG);
	ASSERT_STREQ(pk_sev_name(PK_LOG_EMERG), "emergencies");
	ASSERT_STREQ(pk_sev_name(PK_LOG_NOTICE), "notifications");
	ASSERT_STREQ(pk_sev_name(PK_LOG_DEBUG), "debugging");
	ASSERT_EQ(pk_sev_parse("informational"), PK_LOG_INFO);
	ASSERT_EQ(pk_sev_parse("inf"), PK_LOG_INFO);
	ASSERT_EQ(pk_sev_parse("3"), PK_LOG_ERR);
	ASSERT_EQ(pk_sev_parse("8"), -1);
	ASSERT_EQ(pk_sev_parse("bogus"), -1);
}

TEST(log_timestamps)
{
	tmr_clock *c = tmr_clock_new(1);
	struct seen a = { 0 };
	int id = pk_log_sink_add(sink, &a);

	pk_log_set_clock(c);
	pk_log(PK_LOG_NOTICE, "%%SYS-5-X: one");
	tmr_clock_set(c, tmr_from_civil(2015, 10, 9, 13, 14, 16) + 7);
	tmr_clock_set_authoritative(c, 1);
	pk_log(PK_LOG_NOTICE, "%%SYS-5-X: two");
	ASSERT_STREQ(a.line[0], "*Mar  1 00:00:00.000: %SYS-5-X: one");
	ASSERT_STREQ(a.line[1], "Oct  9 13:14:16.007: %SYS-5-X: two");
	pk_log_set_clock(NULL);
	pk_log_sink_remove(id);
	tmr_clock_free(c);
}

TEST(log_debug_families)
{
	struct seen a = { 0 };
	int id = pk_log_sink_add(sink, &a);

	pk_log_set_clock(NULL);
	pk_log_reset();
	ASSERT_EQ(pk_debug_mask(), 0);
	pk_debug(PK_DBG_SERVER, "CRYPTO_CS: off");
	ASSERT_EQ(a.n, 0);
	pk_debug_set(PK_DBG_SERVER | PK_DBG_MSGS, 1);
	ASSERT(pk_debug_on(PK_DBG_SERVER));
	ASSERT(!pk_debug_on(PK_DBG_TRANS));
	pk_debug(PK_DBG_SERVER, "CRYPTO_CS: on");
	pk_debug(PK_DBG_TRANS, "CRYPTO_PKI: off");
	ASSERT_EQ(a.n, 1);
	ASSERT_EQ(a.sev[0], PK_LOG_DEBUG);
	ASSERT_STREQ(a.line[0], "CRYPTO_CS: on");
	pk_debug_set(PK_DBG_SERVER, 0);
	ASSERT_EQ(pk_debug_mask(), PK_DBG_MSGS);
	pk_log_reset();                       /* undebug all on reload */
	ASSERT_EQ(pk_debug_mask(), 0);
	pk_log_sink_remove(id);
}

/* ---- device ---------------------------------------------------------------- */

static pk_device *open_dev(int frozen)
{
	pk_device *d;

	ASSERT_EQ(pk_device_open(tmpdir, frozen, &d), 0);
	return d;
}

TEST(device_layout)
{
	pk_device *d;
	struct stat st;

	mktmp();
	d = open_dev(1);
	ASSERT_EQ(stat(path("nvram"), &st), 0);
	ASSERT(S_ISDIR(st.st_mode));
	ASSERT_EQ(st.st_mode & 0777, 0700);
	ASSERT_EQ(stat(path("flash"), &st), 0);
	ASSERT_EQ(st.st_mode & 0777, 0700);
	ASSERT_STREQ(pk_device_dir(d), tmpdir);
	ASSERT_STREQ(pk_device_hostname(d), "Router");
	pk_device_free(d);
}

TEST(device_path_mapping)
{
	pk_device *d;
	char b[1024], want[1024];

	mktmp();
	d = open_dev(1);
#define MAPS(url, rel) do { snprintf(want, sizeof want, "%s/%s", tmpdir, rel); \
	ASSERT_EQ(pk_device_path(d, url, b, sizeof b), 0); ASSERT_STREQ(b, want); } while (0)
	MAPS("nvram:startup-config", "nvram/startup-config");
	MAPS("nvram:", "nvram");
	MAPS("flash:x.cfg", "flash/x.cfg");
	MAPS("flash:/x.cfg", "flash/x.cfg");
	MAPS("flash:dir/x.cfg", "flash/dir/x.cfg");
	MAPS("flash:a..b", "flash/a..b");          /* dots in a name are fine */
#undef MAPS
	ASSERT_EQ(pk_device_path(d, "unix:/etc/hosts", b, sizeof b), 0);
	ASSERT_STREQ(b, "/etc/hosts");
	ASSERT_EQ(pk_device_path(d, "unix:relative", b, sizeof b), PK_EINVAL);
	ASSERT_EQ(pk_device_path(d, "tftp://127.0.0.1/x", b, sizeof b), PK_EINVAL);
	ASSERT_EQ(pk_device_path(d, "http://x/y", b, sizeof b), PK_EINVAL);
	ASSERT_EQ(pk_device_path(d, "bogus", b, sizeof b), PK_EINVAL);
	/* ".." never leaves the device directory */
	ASSERT_EQ(pk_device_path(d, "nvram:../calendar", b, sizeof b), PK_EINVAL);
	ASSERT_EQ(pk_device_path(d, "flash:/../x", b, sizeof b), PK_EINVAL);
	ASSERT_EQ(pk_device_path(d, "flash:a/../../x", b, sizeof b), PK_EINVAL);
	ASSERT_EQ(pk_device_path(d, "flash:a/..", b, sizeof b), PK_EINVAL);
	ASSERT_EQ(pk_device_path(d, "flash:..", b, sizeof b), PK_EINVAL);
	/* too long for the buffer */
	ASSERT_EQ(pk_device_path(d, "flash:x", b, 8), PK_EINVAL);
	pk_device_free(d);
}

TEST(device_calendar_frozen)
{
	pk_device *d;
	tmr_ms t = tmr_from_civil(2015, 10, 9, 13, 14, 16);

	mktmp();
	d = open_dev(1);
	ASSERT_EQ(pk_device_now(d), TMR_FROZEN_EPOCH);
	ASSERT(!tmr_clock_authoritative(pk_device_clock(d)));
	pk_device_lock(d);
	pk_device_clock_set(d, t);
	pk_device_unlock(d);
	ASSERT(tmr_clock_authoritative(pk_device_clock(d)));
	pk_device_free(d);
	/* a frozen calendar stopped with the device */
	d = open_dev(1);
	ASSERT_EQ(pk_device_now(d), t);
	/* calendar time after a boot is not authoritative (spec §6 Q12) */
	ASSERT(!tmr_clock_authoritative(pk_device_clock(d)));
	pk_device_free(d);
	/* a torn calendar file is ignored, not misread */
	ASSERT_EQ(pk_store_write(path("calendar"), "12", 2, 0600), 0);
	d = open_dev(1);
	ASSERT_EQ(pk_device_now(d), TMR_FROZEN_EPOCH);
	pk_device_free(d);
}

TEST(device_calendar_running)
{
	pk_device *d;
	tmr_ms t = tmr_from_civil(2015, 10, 9, 13, 14, 16), now;
	struct timespec pause = { 0, 300 * 1000000L };

	mktmp();
	d = open_dev(0);
	pk_device_lock(d);
	pk_device_clock_set(d, t);
	pk_device_unlock(d);
	pk_device_free(d);
	nanosleep(&pause, NULL);
	/* a running calendar kept time while the device was off */
	d = open_dev(0);
	now = pk_device_now(d);
	ASSERT(now >= t + 300);
	ASSERT(now < t + 300 + 5000);
	pk_device_free(d);
}

struct fired {
	int n;
	char order[16];
	tmr_ms at[16];
	pk_device *d;
};

static void on_fire(tmr *t, void *arg)
{
	struct fired *f = arg;

	if (f->n < 16) {
		f->order[f->n] = t->label[0];
		f->at[f->n] = pk_device_now(f->d);   /* the virtual now */
		f->n++;
	}
}

TEST(device_clock_set_fires_in_order)
{
	pk_device *d;
	tmr a, b, c, e;
	struct fired f = { 0 };
	tmr_ms t0 = tmr_from_civil(2020, 1, 1, 0, 0, 0);

	mktmp();
	d = open_dev(1);
	f.d = d;
	pk_device_lock(d);
	pk_device_clock_set(d, t0);                 /* authoritative from here */
	tmr_init(&a, TMR_G_PKI, "a", on_fire, &f);
	tmr_init(&b, TMR_G_PKI, "b", on_fire, &f);
	tmr_init(&c, TMR_G_CS, "c", on_fire, &f);
	tmr_init(&e, TMR_G_CS, "e", on_fire, &f);
	/* armed out of order; b and c share a deadline: arming order */
	tmr_start(pk_device_timers(d), &e, t0 + 10 * TMR_DAY);
	tmr_start(pk_device_timers(d), &c, t0 + 2 * TMR_DAY);
	tmr_start(pk_device_timers(d), &b, t0 + 2 * TMR_DAY);
	tmr_start(pk_device_timers(d), &a, t0 + TMR_DAY);
	pk_device_clock_set(d, t0 + 5 * TMR_DAY);
	ASSERT_EQ(f.n, 3);
	ASSERT(memcmp(f.order, "acb", 3) == 0);
	/* each callback saw the clock at its own deadline */
	ASSERT_EQ(f.at[0], t0 + TMR_DAY);
	ASSERT_EQ(f.at[1], t0 + 2 * TMR_DAY);
	ASSERT_EQ(f.at[2], t0 + 2 * TMR_DAY);
	ASSERT_EQ(pk_device_now(d), t0 + 5 * TMR_DAY);
	ASSERT(tmr_armed(&e));
	/* backward re-arms nothing and fires nothing */
	pk_device_clock_set(d, t0);
	ASSERT_EQ(f.n, 3);
	ASSERT(tmr_armed(&e));
	pk_device_clock_set(d, t0 + 20 * TMR_DAY);
	ASSERT_EQ(f.n, 4);
	ASSERT_EQ(f.order[3], 'e');
	ASSERT_EQ(f.at[3], t0 + 10 * TMR_DAY);
	pk_device_unlock(d);
	pk_device_free(d);
}

static int hook_calls;

static void count_hook(pk_device *d, void *arg)
{
	(void)d;
	hook_calls += (int)(long)arg;
}

TEST(device_clock_hooks_and_calendar_valid)
{
	pk_device *d;

	mktmp();
	d = open_dev(1);
	pk_device_on_clock_change(d, count_hook, (void *)1L);
	pk_device_lock(d);
	pk_device_set_calendar_valid(d, 1);        /* becomes authoritative */
	ASSERT_EQ(hook_calls, 1);
	ASSERT(tmr_clock_authoritative(pk_device_clock(d)));
	ASSERT(pk_device_calendar_valid(d));
	pk_device_set_calendar_valid(d, 1);        /* already: no recompute */
	ASSERT_EQ(hook_calls, 1);
	pk_device_clock_set(d, TMR_FROZEN_EPOCH + TMR_HOUR);
	ASSERT_EQ(hook_calls, 2);
	pk_device_unlock(d);
	pk_device_free(d);
}

TEST(device_reset)
{
	pk_device *d;
	tmr_clock *c;

	mktmp();
	d = open_dev(1);
	c = pk_device_clock(d);
	pk_device_on_reset(d, count_hook, (void *)10L);
	pk_device_lock(d);
	ASSERT_EQ(pk_device_set_hostname(d, "R1"), 0);
	pk_device_set_domain(d, "example.com");
	pk_device_set_http_enabled(d, 1);
	pk_device_set_http_port(d, 8080);
	pk_device_set_calendar_valid(d, 1);
	pk_device_set_modified(d, 1);
	tmr_clock_set_zone(c, "CET", 60);
	pk_log_buffer_set(4096, PK_LOG_DEBUG);
	pk_debug_set(PK_DBG__ALL, 1);
	pk_device_clock_set(d, TMR_FROZEN_EPOCH + TMR_DAY);
	hook_calls = 0;
	pk_device_reset(d);
	pk_device_unlock(d);
	ASSERT_EQ(hook_calls, 10);
	ASSERT_STREQ(pk_device_hostname(d), "Router");
	ASSERT_STREQ(pk_device_domain(d), "");
	ASSERT(!pk_device_http_enabled(d));
	ASSERT_EQ(pk_device_http_port(d), 80);
	ASSERT(!pk_device_calendar_valid(d));
	ASSERT(!pk_device_modified(d));
	ASSERT_STREQ(tmr_clock_zone_name(c), "UTC");
	ASSERT_EQ(tmr_clock_zone_offset(c), 0);
	ASSERT(!tmr_clock_authoritative(c));
	ASSERT_EQ(pk_log_buffer_size(), 0);
	ASSERT_EQ(pk_debug_mask(), 0);
	/* the time itself survives a reload */
	ASSERT_EQ(pk_device_now(d), TMR_FROZEN_EPOCH + TMR_DAY);
	pk_device_free(d);
}

TEST(device_hostname_limits)
{
	pk_device *d;
	char longname[80];

	mktmp();
	d = open_dev(1);
	memset(longname, 'a', sizeof longname - 1);
	longname[sizeof longname - 1] = '\0';
	ASSERT(pk_device_set_hostname(d, longname) < 0);
	ASSERT_STREQ(pk_device_hostname(d), "Router");
	ASSERT_EQ(pk_device_set_hostname(d, "R1"), 0);
	ASSERT_EQ(pk_device_set_hostname(d, NULL), 0);
	ASSERT_STREQ(pk_device_hostname(d), "Router");
	pk_device_free(d);
}

/* ---- never replace a record; leftovers of a killed write ------------------------- */

TEST(store_write_new_never_replaces)
{
	char *d;

	mktmp();
	ASSERT_EQ(pk_store_write_new(path("r"), "one", 3, 0644), 0);
	ASSERT_EQ(pk_store_write_new(path("r"), "two", 3, 0644), PK_EEXIST);
	d = slurp(path("r"));
	ASSERT_STREQ(d, "one");
	free(d);
	ASSERT_EQ(count_entries(tmpdir, ".tmp."), 0);      /* no temporary file left */
	cleanup();
}

TEST(device_open_removes_torn_writes)
{
	pk_device *d;
	FILE *f;
	const char *names[] = { "nvram/startup-config.tmp.4242.0", "flash/x.tmp.1.2",
				"keep.tmp.1.2", "flash/notes.tmp", "flash/a.tmp.x.1" };
	size_t i;

	mktmp();
	d = open_dev(1);                      /* makes nvram/ and flash/ */
	pk_device_free(d);
	for (i = 0; i < sizeof names / sizeof names[0]; i++) {
		f = fopen(path(names[i]), "w");
		ASSERT(f);
		fclose(f);
	}
	ASSERT(pk_store_is_tmp("x.tmp.1.2") && !pk_store_is_tmp("notes.tmp") &&
	       !pk_store_is_tmp("a.tmp.x.1"));
	d = open_dev(1);
	ASSERT(!pk_store_exists(path(names[0])));
	ASSERT(!pk_store_exists(path(names[1])));
	ASSERT(!pk_store_exists(path(names[2])));
	ASSERT(pk_store_exists(path(names[3])));           /* not ours: kept */
	ASSERT(pk_store_exists(path(names[4])));
	pk_device_free(d);
	cleanup();
}

TESTS(T(store_write_new_never_replaces), T(device_open_removes_torn_writes), T(store_write_read), T(store_big_file), T(store_mode_despite_umask),
      T(store_fail_writes_keeps_old_file), T(store_failed_rename_cleans_up),
      T(store_read_errors), T(store_remove_and_mkdirs), T(store_dirname),
      T(log_buffer_off_by_default), T(log_buffer_ring_bounds),
      T(log_buffer_resize_keeps_newest), T(log_buffer_level), T(log_sinks_get_everything),
      T(log_levels_and_names), T(log_timestamps), T(log_debug_families),
      T(device_layout), T(device_path_mapping), T(device_calendar_frozen),
      T(device_calendar_running), T(device_clock_set_fires_in_order),
      T(device_clock_hooks_and_calendar_valid), T(device_reset), T(device_hostname_limits))

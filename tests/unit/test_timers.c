/*
 * test_timers.c — unit tests for timers/: the clock, calendar arithmetic,
 * formats (spec §5.0, §5.7), `clock set` parsing, the heap and tmr_run, and
 * `show crypto pki timers` rendering.
 */
#include "timers/timers.h"
#include "tests/unit/t.h"

#include <pthread.h>
#include <time.h>

#define D(d, h, m, s, ms) ((tmr_ms)(d) * TMR_DAY + (tmr_ms)(h) * TMR_HOUR + \
	(tmr_ms)(m) * TMR_MIN + (tmr_ms)(s) * TMR_SEC + (ms))

static char *dur(tmr_ms ms)
{
	static char buf[64];

	tmr_fmt_duration(ms, buf, sizeof buf);
	return buf;
}

/* ---- durations ----------------------------------------------------------- */

TEST(duration_spec_samples)
{
	ASSERT_STREQ(dur(D(639, 23, 54, 17, 977)), "639d23:54:17.977");
	ASSERT_STREQ(dur(D(3, 7, 5, 24, 3)), "3d 7:05:24.003");
	ASSERT_STREQ(dur(D(1094, 23, 34, 30, 810)), "1094d23:34:30.810");
	ASSERT_STREQ(dur(D(0, 5, 54, 17, 977)), "5:54:17.977");
	ASSERT_STREQ(dur(D(0, 0, 7, 49, 3)), "7:49.003");
	ASSERT_STREQ(dur(D(0, 0, 0, 57, 782)), "57.782");
	ASSERT_STREQ(dur(D(729, 23, 54, 17, 971)), "729d23:54:17.971");
	ASSERT_STREQ(dur(D(1283, 11, 50, 32, 327)), "1283d11:50:32.327");
	ASSERT_STREQ(dur(D(0, 0, 2, 44, 780)), "2:44.780");
	ASSERT_STREQ(dur(D(0, 0, 14, 19, 287)), "14:19.287");
	ASSERT_STREQ(dur(D(303, 23, 59, 25, 387)), "303d23:59:25.387");
	ASSERT_STREQ(dur(D(985, 11, 54, 30, 614)), "985d11:54:30.614");
	ASSERT_STREQ(dur(D(0, 5, 54, 30, 810)), "5:54:30.810");
	ASSERT_STREQ(dur(D(1094, 23, 54, 30, 569)), "1094d23:54:30.569");
}

TEST(duration_edges)
{
	char small[5];

	ASSERT_STREQ(dur(0), "0.000");
	ASSERT_STREQ(dur(-1), "0.000");
	ASSERT_STREQ(dur(-D(3, 0, 0, 0, 0)), "0.000");
	ASSERT_STREQ(dur(999), "0.999");
	ASSERT_STREQ(dur(59999), "59.999");
	ASSERT_STREQ(dur(TMR_MIN), "1:00.000");
	ASSERT_STREQ(dur(TMR_HOUR - 1), "59:59.999");
	ASSERT_STREQ(dur(TMR_HOUR), "1:00:00.000");
	ASSERT_STREQ(dur(TMR_DAY - 1), "23:59:59.999");
	ASSERT_STREQ(dur(TMR_DAY), "1d 0:00:00.000");
	ASSERT_STREQ(dur(D(10, 10, 0, 0, 0)), "10d10:00:00.000");
	ASSERT(strlen(dur(TMR_NEVER)) > 0);
	/* truncation: NUL-terminated, returns what was stored */
	ASSERT_EQ(tmr_fmt_duration(D(0, 0, 0, 57, 782), small, sizeof small), 4);
	ASSERT_STREQ(small, "57.7");
	ASSERT_EQ(tmr_fmt_duration(1, small, 0), 0);
}

/* ---- calendar ------------------------------------------------------------ */

TEST(civil_known_instants)
{
	int y, mon, d, h, mi, s, ms, wd;

	ASSERT_EQ(tmr_from_civil(1970, 1, 1, 0, 0, 0), 0);
	ASSERT_EQ(tmr_from_civil(1993, 3, 1, 0, 0, 0), TMR_FROZEN_EPOCH);
	tmr_to_civil(TMR_FROZEN_EPOCH, &y, &mon, &d, &h, &mi, &s, &ms, &wd);
	ASSERT_EQ(y, 1993); ASSERT_EQ(mon, 3); ASSERT_EQ(d, 1);
	ASSERT_EQ(h, 0); ASSERT_EQ(mi, 0); ASSERT_EQ(s, 0); ASSERT_EQ(ms, 0);
	ASSERT_EQ(wd, 1);                                 /* Monday */
	ASSERT_EQ(tmr_from_civil(2000, 1, 1, 0, 0, 0), 946684800000LL);
	ASSERT_EQ(tmr_from_civil(2038, 1, 19, 3, 14, 8), 2147483648000LL);
	tmr_to_civil(tmr_from_civil(2015, 10, 9, 12, 19, 58) + 946,
	             &y, &mon, &d, &h, &mi, &s, &ms, &wd);
	ASSERT_EQ(y, 2015); ASSERT_EQ(mon, 10); ASSERT_EQ(d, 9);
	ASSERT_EQ(h, 12); ASSERT_EQ(mi, 19); ASSERT_EQ(s, 58); ASSERT_EQ(ms, 946);
	ASSERT_EQ(wd, 5);                                 /* Friday */
	/* before the epoch: floor, not truncation */
	tmr_to_civil(-1, &y, &mon, &d, &h, &mi, &s, &ms, &wd);
	ASSERT_EQ(y, 1969); ASSERT_EQ(mon, 12); ASSERT_EQ(d, 31);
	ASSERT_EQ(h, 23); ASSERT_EQ(mi, 59); ASSERT_EQ(s, 59); ASSERT_EQ(ms, 999);
	ASSERT_EQ(wd, 3);                                 /* Wednesday */
	/* out-of-range fields carry; NULL outputs are allowed */
	ASSERT_EQ(tmr_from_civil(2015, 13, 1, 0, 0, 0), tmr_from_civil(2016, 1, 1, 0, 0, 0));
	ASSERT_EQ(tmr_from_civil(2016, 2, 30, 24, 0, 0), tmr_from_civil(2016, 3, 2, 0, 0, 0));
	ASSERT_EQ(tmr_from_civil(2016, 0, 1, 0, 0, 0), tmr_from_civil(2015, 12, 1, 0, 0, 0));
	tmr_to_civil(0, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL);
	/* extremes must not overflow (UBSan build) */
	tmr_to_civil(TMR_NEVER, &y, &mon, &d, &h, &mi, &s, &ms, &wd);
	tmr_to_civil(INT64_MIN, &y, &mon, &d, &h, &mi, &s, &ms, &wd);
	ASSERT(wd >= 0 && wd < 7);
}

/* Every day from 1970 to 2100: from/to round trip, consecutive days,
 * weekdays advance, February has 29 days exactly in leap years. */
TEST(civil_round_trip_1970_2100)
{
	static const int dim[12] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	tmr_ms expect = 0;
	int y, mon, d, wd_expect = 4;                     /* Thu Jan 1 1970 */

	for (y = 1970; y <= 2100; y++) {
		int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;

		for (mon = 1; mon <= 12; mon++) {
			int n = dim[mon - 1] + (mon == 2 && leap);

			for (d = 1; d <= n; d++) {
				int yy, mm, dd, h, mi, s, ms, wd;
				tmr_ms t = tmr_from_civil(y, mon, d, 13, 14, 16);

				ASSERT_EQ(tmr_from_civil(y, mon, d, 0, 0, 0), expect);
				tmr_to_civil(t + 123, &yy, &mm, &dd, &h, &mi, &s, &ms, &wd);
				if (yy != y || mm != mon || dd != d || h != 13 || mi != 14 ||
				    s != 16 || ms != 123 || wd != wd_expect)
					T_FAIL("round trip %d-%d-%d", y, mon, d);
				expect += TMR_DAY;
				wd_expect = (wd_expect + 1) % 7;
			}
		}
	}
	ASSERT_EQ(tmr_from_civil(2000, 2, 29, 0, 0, 0) + TMR_DAY,
	          tmr_from_civil(2000, 3, 1, 0, 0, 0));
	ASSERT_EQ(tmr_from_civil(2100, 2, 28, 0, 0, 0) + TMR_DAY,
	          tmr_from_civil(2100, 3, 1, 0, 0, 0));
	ASSERT_EQ(tmr_from_civil(2017, 10, 8, 0, 0, 0) - tmr_from_civil(2015, 10, 9, 0, 0, 0),
	          730 * TMR_DAY);
}

/* ---- formats ------------------------------------------------------------- */

TEST(fmt_date_zones)
{
	tmr_clock *c = tmr_clock_new(1);
	char buf[64];

	ASSERT_EQ(tmr_fmt_date(c, tmr_from_civil(2026, 4, 2, 16, 57, 14), buf, sizeof buf),
	          strlen("16:57:14 UTC Apr 2 2026"));
	ASSERT_STREQ(buf, "16:57:14 UTC Apr 2 2026");
	tmr_clock_set_zone(c, "CET", 60);
	tmr_fmt_date(c, tmr_from_civil(2017, 10, 8, 12, 14, 16) + 999, buf, sizeof buf);
	ASSERT_STREQ(buf, "13:14:16 CET Oct 8 2017");
	tmr_fmt_date(c, tmr_from_civil(2015, 12, 31, 23, 30, 0), buf, sizeof buf);
	ASSERT_STREQ(buf, "00:30:00 CET Jan 1 2016");
	tmr_clock_set_zone(c, "PST", -480);
	tmr_fmt_date(c, tmr_from_civil(2016, 3, 1, 7, 59, 59), buf, sizeof buf);
	ASSERT_STREQ(buf, "23:59:59 PST Feb 29 2016");
	tmr_fmt_date(c, TMR_NEVER, buf, sizeof buf);       /* no overflow */
	tmr_clock_set_zone(c, "IST", 330);
	tmr_fmt_date(c, tmr_from_civil(2020, 1, 10, 0, 0, 0), buf, sizeof buf);
	ASSERT_STREQ(buf, "05:30:00 IST Jan 10 2020");
	tmr_clock_free(c);
}

TEST(fmt_show_clock_star)
{
	tmr_clock *c = tmr_clock_new(1);
	tmr_ms t = tmr_from_civil(2015, 10, 9, 12, 19, 58) + 946;
	char buf[64];

	tmr_clock_set_zone(c, "CET", 60);
	tmr_fmt_show_clock(c, t, buf, sizeof buf);
	ASSERT_STREQ(buf, "*13:19:58.946 CET Fri Oct 9 2015");
	tmr_clock_set_authoritative(c, 1);
	ASSERT_EQ(tmr_fmt_show_clock(c, t, buf, sizeof buf),
	          strlen("13:19:58.946 CET Fri Oct 9 2015"));
	ASSERT_STREQ(buf, "13:19:58.946 CET Fri Oct 9 2015");
	tmr_clock_set_authoritative(c, 0);
	tmr_clock_set_zone(c, "UTC", 0);
	tmr_fmt_show_clock(c, TMR_FROZEN_EPOCH, buf, sizeof buf);
	ASSERT_STREQ(buf, "*00:00:00.000 UTC Mon Mar 1 1993");
	tmr_clock_free(c);
}

TEST(fmt_log_prefix)
{
	tmr_clock *c = tmr_clock_new(1);
	char buf[64];

	tmr_fmt_log(c, tmr_from_civil(1993, 3, 1, 18, 38, 57) + 288, buf, sizeof buf);
	ASSERT_STREQ(buf, "*Mar  1 18:38:57.288: ");
	tmr_fmt_log(c, tmr_from_civil(2020, 3, 11, 8, 54, 47) + 970, buf, sizeof buf);
	ASSERT_STREQ(buf, "*Mar 11 08:54:47.970: ");
	tmr_clock_set_authoritative(c, 1);
	ASSERT_EQ(tmr_fmt_log(c, tmr_from_civil(1993, 3, 1, 18, 38, 57) + 288, buf, sizeof buf),
	          strlen("Mar  1 18:38:57.288: "));
	ASSERT_STREQ(buf, "Mar  1 18:38:57.288: ");
	tmr_clock_set_zone(c, "CET", 60);
	tmr_fmt_log(c, tmr_from_civil(2017, 7, 10, 12, 14, 16) + 510, buf, sizeof buf);
	ASSERT_STREQ(buf, "Jul 10 13:14:16.510: ");
	tmr_clock_free(c);
}

TEST(fmt_iso_utc)
{
	char buf[32];

	ASSERT_EQ(tmr_fmt_iso(tmr_from_civil(2025, 10, 31, 16, 32, 7) + 999, buf, sizeof buf), 20);
	ASSERT_STREQ(buf, "2025-10-31T16:32:07Z");
	tmr_fmt_iso(0, buf, sizeof buf);
	ASSERT_STREQ(buf, "1970-01-01T00:00:00Z");
	tmr_fmt_iso(tmr_from_civil(2024, 2, 29, 23, 59, 59), buf, sizeof buf);
	ASSERT_STREQ(buf, "2024-02-29T23:59:59Z");
}

/* ---- clock set ----------------------------------------------------------- */

static int parse(const tmr_clock *c, const char *hms, const char *a, const char *b,
                 const char *y, tmr_ms *out)
{
	int bad = -7;

	if (tmr_parse_clock_set(c, hms, a, b, y, out, &bad) == 0)
		return -1;                  /* no error */
	return bad;
}

TEST(parse_clock_set_orders)
{
	tmr_clock *c = tmr_clock_new(1);
	tmr_ms out = 0;
	int bad = -7;

	ASSERT_EQ(tmr_parse_clock_set(c, "13:14:16", "9", "Oct", "2015", &out, &bad), 0);
	ASSERT_EQ(out, tmr_from_civil(2015, 10, 9, 13, 14, 16));
	ASSERT_EQ(bad, -7);
	out = 0;
	ASSERT_EQ(tmr_parse_clock_set(c, "13:14:16", "Oct", "9", "2015", &out, &bad), 0);
	ASSERT_EQ(out, tmr_from_civil(2015, 10, 9, 13, 14, 16));
	/* local time: UTC = local − zone */
	tmr_clock_set_zone(c, "CET", 60);
	ASSERT_EQ(tmr_parse_clock_set(c, "13:14:16", "Oct", "9", "2015", &out, &bad), 0);
	ASSERT_EQ(out, tmr_from_civil(2015, 10, 9, 12, 14, 16));
	ASSERT_EQ(tmr_parse_clock_set(c, "0:5:1", "1", "jan", "1993", &out, &bad), 0);
	ASSERT_EQ(out, tmr_from_civil(1992, 12, 31, 23, 5, 1));
	ASSERT_EQ(tmr_parse_clock_set(c, "23:59:59", "31", "December", "2035", &out, &bad), 0);
	ASSERT_EQ(out, tmr_from_civil(2035, 12, 31, 22, 59, 59));
	ASSERT_EQ(tmr_parse_clock_set(c, "09:05:00", "09", "mar", "2020", &out, &bad), 0);
	ASSERT_EQ(out, tmr_from_civil(2020, 3, 9, 8, 5, 0));
	ASSERT_EQ(tmr_parse_clock_set(c, "10:00:00", "Feb", "29", "2016", &out, NULL), 0);
	ASSERT_EQ(out, tmr_from_civil(2016, 2, 29, 9, 0, 0));
	ASSERT_EQ(tmr_parse_clock_set(c, "10:00:00", "29", "Feb", "2000", NULL, NULL), 0);
	tmr_clock_free(c);
}

TEST(parse_clock_set_months)
{
	static const char *const ok[][2] = {
		{ "oct", "10" }, { "Octo", "10" }, { "OCTOBER", "10" }, { "October", "10" },
		{ "jan", "1" }, { "FEBR", "2" }, { "Mar", "3" }, { "apr", "4" },
		{ "may", "5" }, { "jun", "6" }, { "JUL", "7" }, { "july", "7" },
		{ "aug", "8" }, { "sept", "9" }, { "september", "9" }, { "nov", "11" },
		{ "dec", "12" }, { "decem", "12" },
	};
	static const char *const bad[] = {
		"oc", "o", "ju", "", "octob3r", "Octobers", "octx", "123", "mai", "junee",
	};
	tmr_clock *c = tmr_clock_new(1);
	size_t i;

	for (i = 0; i < sizeof ok / sizeof ok[0]; i++) {
		tmr_ms want = tmr_from_civil(2015, atoi(ok[i][1]), 1, 0, 0, 0), out = 0;

		if (parse(c, "00:00:00", ok[i][0], "1", "2015", &out) != -1 || out != want)
			T_FAIL("month %s", ok[i][0]);
		out = 0;
		if (parse(c, "00:00:00", "1", ok[i][0], "2015", &out) != -1 || out != want)
			T_FAIL("month %s (day first)", ok[i][0]);
	}
	for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		if (parse(c, "00:00:00", bad[i], "1", "2015", NULL) != 1)
			T_FAIL("month %s accepted (a)", bad[i]);
		if (parse(c, "00:00:00", "1", bad[i], "2015", NULL) != 2)
			T_FAIL("month %s accepted (b)", bad[i]);
	}
	tmr_clock_free(c);
}

TEST(parse_clock_set_errors)
{
	tmr_clock *c = tmr_clock_new(1);
	tmr_ms out = 42;

	/* the spec's example */
	ASSERT_EQ(parse(c, "13:14:16", "Oct", "32", "2015", &out), 2);
	ASSERT_EQ(out, 42);
	ASSERT_EQ(parse(c, "13:14:16", "32", "Oct", "2015", NULL), 1);
	/* hh:mm:ss */
	ASSERT_EQ(parse(c, "24:00:00", "9", "Oct", "2015", NULL), 0);
	ASSERT_EQ(parse(c, "12:60:00", "9", "Oct", "2015", NULL), 0);
	ASSERT_EQ(parse(c, "12:00:60", "9", "Oct", "2015", NULL), 0);
	ASSERT_EQ(parse(c, "12:00", "9", "Oct", "2015", NULL), 0);
	ASSERT_EQ(parse(c, "123:00:00", "9", "Oct", "2015", NULL), 0);
	ASSERT_EQ(parse(c, "12:00:00x", "9", "Oct", "2015", NULL), 0);
	ASSERT_EQ(parse(c, "12::00", "9", "Oct", "2015", NULL), 0);
	ASSERT_EQ(parse(c, "a:b:c", "9", "Oct", "2015", NULL), 0);
	ASSERT_EQ(parse(c, "12:00:00:00", "9", "Oct", "2015", NULL), 0);
	ASSERT_EQ(parse(c, " 1:00:00", "9", "Oct", "2015", NULL), 0);
	ASSERT_EQ(parse(c, "", "9", "Oct", "2015", NULL), 0);
	ASSERT_EQ(parse(c, NULL, "9", "Oct", "2015", NULL), 0);
	/* first bad argument wins */
	ASSERT_EQ(parse(c, "25:00:00", "99", "Foo", "1800", NULL), 0);
	ASSERT_EQ(parse(c, "12:00:00", "Foo", "99", "1800", NULL), 1);
	ASSERT_EQ(parse(c, "12:00:00", "Oct", "99", "1800", NULL), 2);
	/* day / month */
	ASSERT_EQ(parse(c, "12:00:00", "0", "Oct", "2015", NULL), 1);
	ASSERT_EQ(parse(c, "12:00:00", "Oct", "0", "2015", NULL), 2);
	ASSERT_EQ(parse(c, "12:00:00", "9", "9", "2015", NULL), 2);
	ASSERT_EQ(parse(c, "12:00:00", "Oct", "Oct", "2015", NULL), 2);
	ASSERT_EQ(parse(c, "12:00:00", "Oct", "9x", "2015", NULL), 2);
	ASSERT_EQ(parse(c, "12:00:00", "Oct", "-9", "2015", NULL), 2);
	ASSERT_EQ(parse(c, "12:00:00", "Oct", "", "2015", NULL), 2);
	ASSERT_EQ(parse(c, "12:00:00", NULL, "Oct", "2015", NULL), 1);
	ASSERT_EQ(parse(c, "12:00:00", "Oct", NULL, "2015", NULL), 2);
	ASSERT_EQ(parse(c, "12:00:00", "31", "Apr", "2015", NULL), 1);
	ASSERT_EQ(parse(c, "12:00:00", "Apr", "31", "2015", NULL), 2);
	ASSERT_EQ(parse(c, "12:00:00", "Feb", "29", "2015", NULL), 2);
	ASSERT_EQ(parse(c, "12:00:00", "29", "Feb", "2100", NULL), 3);  /* out of range first */
	ASSERT_EQ(parse(c, "12:00:00", "30", "Feb", "2016", NULL), 1);
	/* year */
	ASSERT_EQ(parse(c, "12:00:00", "9", "Oct", "1992", NULL), 3);
	ASSERT_EQ(parse(c, "12:00:00", "9", "Oct", "2036", NULL), 3);
	ASSERT_EQ(parse(c, "12:00:00", "9", "Oct", "20x5", NULL), 3);
	ASSERT_EQ(parse(c, "12:00:00", "9", "Oct", "02015", NULL), 3);
	ASSERT_EQ(parse(c, "12:00:00", "9", "Oct", "", NULL), 3);
	ASSERT_EQ(parse(c, "12:00:00", "9", "Oct", NULL, NULL), 3);
	ASSERT_EQ(parse(c, "12:00:00", "9", "Oct", "1993", NULL), -1);
	ASSERT_EQ(parse(c, "12:00:00", "9", "Oct", "2035", NULL), -1);
	tmr_clock_free(c);
}

/* ---- clock --------------------------------------------------------------- */

static tmr_ms fake_host;
static tmr_ms host_fn(void)
{
	return fake_host;
}

TEST(clock_defaults)
{
	tmr_clock *c = tmr_clock_new(0);

	ASSERT_EQ(tmr_clock_frozen(c), 0);
	ASSERT_EQ(tmr_clock_authoritative(c), 0);
	ASSERT_STREQ(tmr_clock_zone_name(c), "UTC");
	ASSERT_EQ(tmr_clock_zone_offset(c), 0);
	ASSERT_EQ(tmr_clock_offset(c), 0);
	tmr_clock_set_zone(c, "LONGZONENAME", -90);
	ASSERT_STREQ(tmr_clock_zone_name(c), "LONGZON");
	ASSERT_EQ(tmr_clock_zone_offset(c), -90);
	tmr_clock_set_authoritative(c, 5);
	ASSERT_EQ(tmr_clock_authoritative(c), 1);
	tmr_clock_free(c);
	tmr_clock_free(NULL);
}

TEST(clock_realtime_default)
{
	tmr_clock *c = tmr_clock_new(0);
	tmr_ms host = (tmr_ms)time(NULL) * 1000, now = tmr_clock_now(c);

	ASSERT(now >= host - 2000 && now <= host + 2000);
	tmr_clock_set_offset(c, 10 * TMR_DAY);
	now = tmr_clock_now(c);
	ASSERT(now >= host + 10 * TMR_DAY - 2000 && now <= host + 10 * TMR_DAY + 2000);
	/* back to CLOCK_REALTIME after an injected source */
	tmr_clock_set_host_fn(c, host_fn);
	tmr_clock_set_host_fn(c, NULL);
	now = tmr_clock_now(c);
	ASSERT(now >= host + 10 * TMR_DAY - 2000 && now <= host + 10 * TMR_DAY + 2000);
	tmr_clock_free(c);
}

TEST(clock_host_offset)
{
	tmr_clock *c = tmr_clock_new(0);
	tmr_ms t = tmr_from_civil(2015, 10, 9, 12, 19, 58);

	fake_host = tmr_from_civil(2024, 1, 1, 0, 0, 0);
	tmr_clock_set_host_fn(c, host_fn);
	ASSERT_EQ(tmr_clock_now(c), fake_host);
	fake_host += 1234;
	ASSERT_EQ(tmr_clock_now(c), fake_host);
	tmr_clock_set(c, t);
	ASSERT_EQ(tmr_clock_now(c), t);
	ASSERT_EQ(tmr_clock_offset(c), t - fake_host);
	fake_host += TMR_HOUR;
	ASSERT_EQ(tmr_clock_now(c), t + TMR_HOUR);
	/* persist and restore the "hardware calendar" */
	{
		tmr_ms off = tmr_clock_offset(c);
		tmr_clock *c2 = tmr_clock_new(0);

		tmr_clock_set_host_fn(c2, host_fn);
		tmr_clock_set_offset(c2, off);
		ASSERT_EQ(tmr_clock_offset(c2), off);
		ASSERT_EQ(tmr_clock_now(c2), tmr_clock_now(c));
		tmr_clock_free(c2);
	}
	tmr_clock_free(c);
}

TEST(clock_frozen_does_not_move)
{
	tmr_clock *c = tmr_clock_new(1);
	tmr_ms t = tmr_from_civil(2015, 10, 9, 12, 19, 58) + 23;

	fake_host = tmr_from_civil(2024, 1, 1, 0, 0, 0);
	tmr_clock_set_host_fn(c, host_fn);
	ASSERT_EQ(tmr_clock_frozen(c), 1);
	ASSERT_EQ(tmr_clock_now(c), TMR_FROZEN_EPOCH);
	ASSERT_EQ(tmr_clock_offset(c), 0);
	fake_host += TMR_DAY;
	ASSERT_EQ(tmr_clock_now(c), TMR_FROZEN_EPOCH);
	usleep(20000);
	tmr_clock_set_host_fn(c, NULL);
	ASSERT_EQ(tmr_clock_now(c), TMR_FROZEN_EPOCH);
	tmr_clock_set(c, t);
	ASSERT_EQ(tmr_clock_now(c), t);
	usleep(20000);
	ASSERT_EQ(tmr_clock_now(c), t);
	ASSERT_EQ(tmr_clock_offset(c), t - TMR_FROZEN_EPOCH);
	/* offset round trip */
	tmr_clock_set_offset(c, 5 * TMR_DAY + 7);
	ASSERT_EQ(tmr_clock_offset(c), 5 * TMR_DAY + 7);
	ASSERT_EQ(tmr_clock_now(c), TMR_FROZEN_EPOCH + 5 * TMR_DAY + 7);
	{
		tmr_clock *c2 = tmr_clock_new(1);

		tmr_clock_set_offset(c2, tmr_clock_offset(c));
		ASSERT_EQ(tmr_clock_now(c2), tmr_clock_now(c));
		tmr_clock_free(c2);
	}
	tmr_clock_free(c);
}

TEST(clock_virtual_now)
{
	tmr_clock *c = tmr_clock_new(1);
	tmr_ms v = tmr_from_civil(2017, 7, 10, 11, 14, 16) + 510;

	tmr_clock_set_virtual(c, v);
	ASSERT_EQ(tmr_clock_now(c), v);
	tmr_clock_set(c, TMR_FROZEN_EPOCH + TMR_HOUR);     /* moves the base only */
	ASSERT_EQ(tmr_clock_now(c), v);
	tmr_clock_set_virtual(c, TMR_NEVER);
	ASSERT_EQ(tmr_clock_now(c), TMR_FROZEN_EPOCH + TMR_HOUR);
	tmr_clock_free(c);
}

struct reader {
	tmr_clock *c;
	int bad;
};

static void *reader_main(void *p)
{
	struct reader *r = p;
	int i;

	for (i = 0; i < 20000; i++) {
		tmr_ms t = tmr_clock_now(r->c);
		char buf[64];

		if (t != TMR_FROZEN_EPOCH && t != TMR_FROZEN_EPOCH + TMR_DAY)
			r->bad++;
		tmr_fmt_show_clock(r->c, t, buf, sizeof buf);
	}
	return NULL;
}

TEST(clock_thread_safe_reads)
{
	tmr_clock *c = tmr_clock_new(1);
	struct reader r[4];
	pthread_t th[4];
	int i;

	for (i = 0; i < 4; i++) {
		r[i].c = c;
		r[i].bad = 0;
		ASSERT_EQ(pthread_create(&th[i], NULL, reader_main, &r[i]), 0);
	}
	for (i = 0; i < 20000; i++) {
		tmr_clock_set_offset(c, (i & 1) ? TMR_DAY : 0);
		tmr_clock_set_zone(c, (i & 1) ? "CET" : "UTC", (i & 1) ? 60 : 0);
		tmr_clock_set_authoritative(c, i & 1);
	}
	for (i = 0; i < 4; i++) {
		pthread_join(th[i], NULL);
		ASSERT_EQ(r[i].bad, 0);
	}
	tmr_clock_free(c);
}

/* ---- heap and run -------------------------------------------------------- */

struct rec {
	tmr_clock *c;
	tmr_queue *q;
	tmr *fired[4096];
	tmr_ms seen[4096];
	size_t n;
};

static void rec_cb(tmr *t, void *arg)
{
	struct rec *r = arg;

	if (r->n < 4096) {
		r->fired[r->n] = t;
		r->seen[r->n] = tmr_clock_now(r->c);
	}
	r->n++;
	if (tmr_armed(t))
		T_FAIL("timer still armed in its callback");
}

static uint32_t lcg = 12345;
static uint32_t rnd(void)
{
	lcg = lcg * 1103515245u + 12345u;
	return lcg >> 8;
}

TEST(heap_basics)
{
	tmr_clock *c = tmr_clock_new(1);
	tmr_queue *q = tmr_queue_new(c);
	tmr a, b;

	ASSERT(tmr_queue_clock(q) == c);
	tmr_init(&a, TMR_G_CS, "CS CRL UPDATE", NULL, NULL);
	tmr_init(&b, TMR_G_PKI, NULL, NULL, NULL);
	ASSERT_STREQ(a.label, "CS CRL UPDATE");
	ASSERT_STREQ(b.label, "");
	ASSERT(!tmr_armed(&a));
	ASSERT_EQ(tmr_deadline(&a), TMR_NEVER);
	ASSERT_EQ(tmr_next(q), TMR_NEVER);
	ASSERT_EQ(tmr_count(q), 0);
	tmr_stop(q, &a);                                    /* no-op */
	ASSERT_EQ(tmr_count(q), 0);
	tmr_start(q, &a, 500);
	tmr_start(q, &b, 300);
	ASSERT(tmr_armed(&a));
	ASSERT_EQ(tmr_deadline(&a), 500);
	ASSERT_EQ(tmr_next(q), 300);
	ASSERT_EQ(tmr_count(q), 2);
	tmr_start(q, &a, 100);                              /* moves */
	ASSERT_EQ(tmr_count(q), 2);
	ASSERT_EQ(tmr_next(q), 100);
	tmr_stop(q, &a);
	ASSERT(!tmr_armed(&a));
	ASSERT_EQ(tmr_deadline(&a), TMR_NEVER);
	ASSERT_EQ(tmr_next(q), 300);
	tmr_stop(q, &a);
	ASSERT_EQ(tmr_count(q), 1);
	tmr_set_label(&b, "0123456789012345678901234567890123456789012345678901234567890123456789");
	ASSERT_EQ(strlen(b.label), 63);
	tmr_set_label(&b, "RENEW client");
	ASSERT_STREQ(b.label, "RENEW client");
	tmr_queue_free(q);
	ASSERT(!tmr_armed(&b));
	tmr_clock_free(c);
}

/* Many timers, random arm / re-arm / stop, then one run: exactly the armed
 * ones fire, in (deadline, last arming) order. */
TEST(heap_random_order)
{
	enum { N = 3000 };
	static tmr ts[N];
	static uint64_t order[N];   /* arming stamp of the last tmr_start */
	static struct rec r;
	tmr_clock *c = tmr_clock_new(1);
	tmr_queue *q = tmr_queue_new(c);
	uint64_t stamp = 0;
	size_t i, armed = 0;
	int round;

	r.c = c;
	r.q = q;
	for (i = 0; i < N; i++)
		tmr_init(&ts[i], TMR_G_PKI, "x", rec_cb, &r);
	for (round = 0; round < 20000; round++) {
		size_t k = rnd() % N;

		if (rnd() % 4 == 0) {
			tmr_stop(q, &ts[k]);
		} else {
			tmr_start(q, &ts[k], TMR_FROZEN_EPOCH + (tmr_ms)(rnd() % 200) * TMR_SEC);
			order[k] = ++stamp;
		}
		if (round % 1000 == 0) {    /* heap top is always the minimum */
			tmr_ms min = TMR_NEVER;

			for (i = 0; i < N; i++)
				if (tmr_armed(&ts[i]) && ts[i].deadline < min)
					min = ts[i].deadline;
			ASSERT_EQ(tmr_next(q), min);
		}
	}
	for (i = 0; i < N; i++)
		armed += tmr_armed(&ts[i]) != 0;
	ASSERT_EQ(tmr_count(q), armed);
	ASSERT_EQ(tmr_run(q, TMR_FROZEN_EPOCH + 1000 * TMR_SEC), armed);
	ASSERT_EQ(r.n, armed);
	ASSERT_EQ(tmr_count(q), 0);
	for (i = 1; i < r.n; i++) {
		tmr *p = r.fired[i - 1], *t = r.fired[i];
		size_t pi = (size_t)(p - ts), ti = (size_t)(t - ts);

		if (p->deadline > t->deadline ||
		    (p->deadline == t->deadline && order[pi] >= order[ti]))
			T_FAIL("fired out of order at %zu", i);
		ASSERT_EQ(r.seen[i], t->deadline);
	}
	tmr_queue_free(q);
	tmr_clock_free(c);
}

TEST(heap_stable_ties)
{
	tmr_clock *c = tmr_clock_new(1);
	tmr_queue *q = tmr_queue_new(c);
	static struct rec r;
	tmr ts[6];
	int i;

	r.c = c;
	for (i = 0; i < 6; i++) {
		tmr_init(&ts[i], TMR_G_CS, "t", rec_cb, &r);
		tmr_start(q, &ts[i], TMR_FROZEN_EPOCH + TMR_HOUR);
	}
	tmr_start(q, &ts[1], TMR_FROZEN_EPOCH + TMR_HOUR);  /* re-arm: goes last */
	tmr_stop(q, &ts[3]);
	ASSERT_EQ(tmr_run(q, TMR_FROZEN_EPOCH + TMR_HOUR), 5);
	ASSERT(r.fired[0] == &ts[0]);
	ASSERT(r.fired[1] == &ts[2]);
	ASSERT(r.fired[2] == &ts[4]);
	ASSERT(r.fired[3] == &ts[5]);
	ASSERT(r.fired[4] == &ts[1]);
	tmr_queue_free(q);
	tmr_clock_free(c);
}

struct periodic {
	tmr_queue *q;
	tmr_ms period;
	int count;
	tmr_ms seen[64];
	tmr_ms target[64];
};

static void periodic_cb(tmr *t, void *arg)
{
	struct periodic *p = arg;

	if (p->count < 64) {
		p->seen[p->count] = tmr_clock_now(tmr_queue_clock(p->q));
		p->target[p->count] = tmr_run_target(p->q);
	}
	p->count++;
	tmr_start(p->q, t, tmr_clock_now(tmr_queue_clock(p->q)) + p->period);
}

TEST(run_periodic_rearm)
{
	tmr_clock *c = tmr_clock_new(1);
	tmr_queue *q = tmr_queue_new(c);
	tmr_ms t0 = tmr_clock_now(c), until = t0 + 10 * TMR_HOUR;
	struct periodic p = { .q = q, .period = TMR_HOUR };
	tmr t;
	int i;

	tmr_init(&t, TMR_G_CRL, "CRL UPDATE *ca", periodic_cb, &p);
	tmr_start(q, &t, t0 + TMR_HOUR);
	ASSERT_EQ(tmr_run(q, until), 10);
	ASSERT_EQ(p.count, 10);
	for (i = 0; i < 10; i++) {
		ASSERT_EQ(p.seen[i], t0 + (i + 1) * TMR_HOUR);
		ASSERT_EQ(p.target[i], until);
	}
	ASSERT(tmr_armed(&t));
	ASSERT_EQ(tmr_deadline(&t), t0 + 11 * TMR_HOUR);
	/* after the run: virtual now cleared, run target is the clock */
	ASSERT_EQ(tmr_clock_now(c), t0);
	ASSERT_EQ(tmr_run_target(q), t0);
	ASSERT_EQ(tmr_run(q, until), 0);
	tmr_queue_free(q);
	tmr_clock_free(c);
}

struct chain {
	tmr_queue *q;
	tmr *other;
	tmr_ms delta;
	tmr *victim;
	int fired;
	tmr_ms seen;
};

static void chain_cb(tmr *t, void *arg)
{
	struct chain *ch = arg;
	tmr_ms now = tmr_clock_now(tmr_queue_clock(ch->q));

	ch->fired++;
	ch->seen = now;
	if (ch->other)
		tmr_start(ch->q, ch->other, now + ch->delta);
	if (ch->victim)
		tmr_stop(ch->q, ch->victim);
	tmr_stop(ch->q, t);                         /* already disarmed: no-op */
}

TEST(run_callbacks_arm_and_stop)
{
	tmr_clock *c = tmr_clock_new(1);
	tmr_queue *q = tmr_queue_new(c);
	tmr_ms t0 = tmr_clock_now(c);
	struct chain ca = { .q = q }, cb2 = { .q = q }, cc = { .q = q }, cd = { .q = q };
	tmr a, b, cc_t, d;

	tmr_init(&a, TMR_G_PKI, "a", chain_cb, &ca);
	tmr_init(&b, TMR_G_PKI, "b", chain_cb, &cb2);
	tmr_init(&cc_t, TMR_G_PKI, "c", chain_cb, &cc);
	tmr_init(&d, TMR_G_PKI, "d", chain_cb, &cd);
	ca.other = &b;
	ca.delta = 5 * TMR_MIN;                     /* due within the run */
	cb2.other = &cc_t;
	cb2.delta = 0;                              /* due "now": fires too */
	cc.other = &d;
	cc.delta = TMR_DAY;                         /* beyond until: stays armed */
	cc.victim = NULL;
	tmr_start(q, &a, t0 + TMR_MIN);
	ASSERT_EQ(tmr_run(q, t0 + TMR_HOUR), 3);
	ASSERT_EQ(ca.seen, t0 + TMR_MIN);
	ASSERT_EQ(cb2.seen, t0 + 6 * TMR_MIN);
	ASSERT_EQ(cc.seen, t0 + 6 * TMR_MIN);
	ASSERT_EQ(cd.fired, 0);
	ASSERT(tmr_armed(&d));
	ASSERT_EQ(tmr_deadline(&d), t0 + 6 * TMR_MIN + TMR_DAY);
	/* a callback stopping a timer that is also due */
	ca.other = NULL;
	ca.victim = &b;
	tmr_start(q, &a, t0 + 2 * TMR_DAY);
	tmr_start(q, &b, t0 + 2 * TMR_DAY);
	ASSERT_EQ(tmr_run(q, t0 + 3 * TMR_DAY), 2);        /* d, then a */
	ASSERT_EQ(cb2.fired, 1);
	ASSERT(!tmr_armed(&b));
	ASSERT_EQ(tmr_count(q), 0);
	tmr_queue_free(q);
	tmr_clock_free(c);
}

TEST(run_virtual_now_overdue)
{
	tmr_clock *c = tmr_clock_new(1);
	tmr_queue *q = tmr_queue_new(c);
	static struct rec r;
	tmr_ms t0 = tmr_from_civil(2015, 10, 9, 12, 19, 58) + 23;
	tmr late, soon;

	r.c = c;
	tmr_clock_set(c, t0);
	tmr_init(&late, TMR_G_CS, "late", rec_cb, &r);
	tmr_init(&soon, TMR_G_CS, "soon", rec_cb, &r);
	tmr_start(q, &late, t0 - TMR_DAY);          /* already overdue */
	tmr_start(q, &soon, t0 + 2 * TMR_DAY);
	ASSERT_EQ(tmr_run(q, t0 + 730 * TMR_DAY), 2);
	ASSERT_EQ(r.seen[0], t0);                   /* max(deadline, t0) */
	ASSERT_EQ(r.seen[1], t0 + 2 * TMR_DAY);
	ASSERT_EQ(tmr_clock_now(c), t0);
	/* a virtual now set by the caller survives the run */
	tmr_clock_set_virtual(c, t0 + 5);
	tmr_start(q, &soon, t0 + 3 * TMR_DAY);
	ASSERT_EQ(tmr_run(q, t0 + 730 * TMR_DAY), 1);
	ASSERT_EQ(r.seen[2], t0 + 3 * TMR_DAY);
	ASSERT_EQ(tmr_clock_now(c), t0 + 5);
	tmr_queue_free(q);
	tmr_clock_free(c);
}

struct nest {
	tmr_queue *q;
	tmr *inner;
	size_t inner_fired;
	tmr_ms before, after, inner_seen, inner_target, outer_target;
};

static void inner_cb(tmr *t, void *arg)
{
	struct nest *n = arg;

	(void)t;
	n->inner_seen = tmr_clock_now(tmr_queue_clock(n->q));
	n->inner_target = tmr_run_target(n->q);
}

static void outer_cb(tmr *t, void *arg)
{
	struct nest *n = arg;
	tmr_clock *c = tmr_queue_clock(n->q);

	(void)t;
	n->before = tmr_clock_now(c);
	tmr_start(n->q, n->inner, n->before + TMR_MIN);
	n->inner_fired = tmr_run(n->q, n->before + TMR_HOUR);
	n->after = tmr_clock_now(c);
	n->outer_target = tmr_run_target(n->q);
}

TEST(run_nested)
{
	tmr_clock *c = tmr_clock_new(1);
	tmr_queue *q = tmr_queue_new(c);
	tmr_ms t0 = tmr_clock_now(c);
	struct nest n = { .q = q };
	tmr outer, inner;

	n.inner = &inner;
	tmr_init(&outer, TMR_G_PKI, "outer", outer_cb, &n);
	tmr_init(&inner, TMR_G_PKI, "inner", inner_cb, &n);
	tmr_start(q, &outer, t0 + TMR_DAY);
	ASSERT_EQ(tmr_run(q, t0 + 2 * TMR_DAY), 1);
	ASSERT_EQ(n.inner_fired, 1);
	ASSERT_EQ(n.before, t0 + TMR_DAY);
	ASSERT_EQ(n.inner_seen, t0 + TMR_DAY + TMR_MIN);
	ASSERT_EQ(n.inner_target, t0 + TMR_DAY + TMR_HOUR);
	ASSERT_EQ(n.after, t0 + TMR_DAY);           /* restored, not cleared */
	ASSERT_EQ(n.outer_target, t0 + 2 * TMR_DAY);
	ASSERT_EQ(tmr_clock_now(c), t0);
	tmr_queue_free(q);
	tmr_clock_free(c);
}

static void runaway_cb(tmr *t, void *arg)
{
	tmr_start(arg, t, 0);
}

TEST(run_cap)
{
	tmr_clock *c = tmr_clock_new(1);
	tmr_queue *q = tmr_queue_new(c);
	tmr t;

	tmr_init(&t, TMR_G_PKI, "loop", runaway_cb, q);
	tmr_start(q, &t, 0);
	ASSERT_EQ(tmr_run(q, 0), 10000000);
	ASSERT(tmr_armed(&t));
	tmr_queue_free(q);
	tmr_clock_free(c);
}

/* ---- rendering ----------------------------------------------------------- */

/* Spec §3.2 worked example: CA valid 13:14:16 CET Oct 9 2015 → Oct 8 2017,
 * `show crypto pki timers` at 13:19:58.023 CET Oct 9 2015. */
TEST(render_cs_worked_example)
{
	tmr_clock *c = tmr_clock_new(1);
	tmr_queue *q = tmr_queue_new(c);
	tmr crl, shadow, expire;
	tmr_ms nb, na, now;
	char buf[64], *s;
	int bad;

	tmr_clock_set_zone(c, "CET", 60);
	ASSERT_EQ(tmr_parse_clock_set(c, "13:14:16", "9", "Oct", "2015", &nb, &bad), 0);
	ASSERT_EQ(tmr_parse_clock_set(c, "13:14:16", "Oct", "8", "2017", &na, &bad), 0);
	ASSERT_EQ(tmr_parse_clock_set(c, "13:19:58", "Oct", "9", "2015", &now, &bad), 0);
	tmr_clock_set(c, now + 23);
	now = tmr_clock_now(c);
	tmr_fmt_date(c, nb, buf, sizeof buf);
	ASSERT_STREQ(buf, "13:14:16 CET Oct 9 2015");
	tmr_fmt_date(c, na, buf, sizeof buf);
	ASSERT_STREQ(buf, "13:14:16 CET Oct 8 2017");
	tmr_fmt_show_clock(c, now, buf, sizeof buf);
	ASSERT_STREQ(buf, "*13:19:58.023 CET Fri Oct 9 2015");

	tmr_init(&expire, TMR_G_CS, "CS CERT EXPIRE", NULL, NULL);
	tmr_init(&shadow, TMR_G_CS, "CS SHADOW CERT GENERATION", NULL, NULL);
	tmr_init(&crl, TMR_G_CS, "CS CRL UPDATE", NULL, NULL);
	tmr_start(q, &expire, na);
	tmr_start(q, &shadow, na - 90 * TMR_DAY);
	tmr_start(q, &crl, nb + 6 * TMR_HOUR);
	tmr_fmt_date(c, tmr_deadline(&shadow), buf, sizeof buf);
	ASSERT_STREQ(buf, "13:14:16 CET Jul 10 2017");
	s = tmr_render(q, now, 0);
	ASSERT_STREQ(s,
		"CS Timers\n"
		"|     5:54:17.977\n"
		"|     5:54:17.977  CS CRL UPDATE\n"
		"|639d23:54:17.977  CS SHADOW CERT GENERATION\n"
		"|729d23:54:17.977  CS CERT EXPIRE\n");
	free(s);
	tmr_queue_free(q);
	tmr_clock_free(c);
}

/* §5.7 basic sample, whole: two groups, timers armed in a shuffled order. */
TEST(render_basic_sample)
{
	tmr_clock *c = tmr_clock_new(1);
	tmr_queue *q = tmr_queue_new(c);
	tmr_ms now = tmr_clock_now(c);
	tmr t[5];
	char *s;

	tmr_init(&t[0], TMR_G_CS, "CS CERT EXPIRE", NULL, NULL);
	tmr_init(&t[1], TMR_G_PKI, "TRUSTPOOL", NULL, NULL);
	tmr_init(&t[2], TMR_G_CS, "CS SHADOW CERT GENERATION", NULL, NULL);
	tmr_init(&t[3], TMR_G_CS, "CS CRL UPDATE", NULL, NULL);
	tmr_init(&t[4], TMR_G_PKI, "SESSION CLEANUP", NULL, NULL);
	tmr_start(q, &t[0], now + D(729, 23, 54, 17, 971));
	tmr_start(q, &t[1], now + D(3, 7, 5, 24, 3));
	tmr_start(q, &t[2], now + D(639, 23, 54, 17, 977));
	tmr_start(q, &t[3], now + D(0, 5, 54, 17, 977));
	tmr_start(q, &t[4], now + D(0, 0, 7, 49, 3));
	s = tmr_render(q, now, 0);
	ASSERT_STREQ(s,
		"PKI Timers\n"
		"|        7:49.003\n"
		"|        7:49.003  SESSION CLEANUP\n"
		"|  3d 7:05:24.003  TRUSTPOOL\n"
		"CS Timers\n"
		"|     5:54:17.977\n"
		"|     5:54:17.977  CS CRL UPDATE\n"
		"|639d23:54:17.977  CS SHADOW CERT GENERATION\n"
		"|729d23:54:17.971  CS CERT EXPIRE\n");
	free(s);
	tmr_queue_free(q);
	tmr_clock_free(c);
}

/* §5.7 detail sample; now = 2025-10-19 14:05:11.720 UTC makes every
 * duration and ISO instant of the sample agree. */
TEST(render_detail_sample)
{
	tmr_clock *c = tmr_clock_new(1);
	tmr_queue *q = tmr_queue_new(c);
	tmr_ms now = tmr_from_civil(2025, 10, 19, 14, 5, 11) + 720;
	tmr tp, renew, alert, session;
	char *s;

	tmr_clock_set(c, now);
	tmr_init(&tp, TMR_G_TRUSTPOOL, "TRUSTPOOL", NULL, NULL);
	tmr_init(&session, TMR_G_PKI, "SESSION CLEANUP", NULL, NULL);
	tmr_init(&alert, TMR_G_EXPIRY, "CA(client)", NULL, NULL);
	tmr_init(&renew, TMR_G_PKI, "RENEW client", NULL, NULL);
	tmr_start(q, &tp, now + D(1283, 11, 50, 32, 327));
	tmr_start(q, &session, now + D(0, 0, 14, 19, 287));
	tmr_start(q, &alert, now + D(303, 23, 59, 25, 387));
	tmr_start(q, &renew, now + D(0, 0, 2, 44, 780));
	s = tmr_render(q, now, 1);
	ASSERT_STREQ(s,
		"PKI Timers\n"
		"|        2:44.780  (2025-10-19T14:07:56Z)\n"
		"  |        2:44.780  (2025-10-19T14:07:56Z) RENEW client\n"
		"  |       14:19.287  (2025-10-19T14:19:31Z) SESSION CLEANUP\n"
		"Expiry Alert Timers\n"
		"|303d23:59:25.387  (2026-08-19T14:04:37Z)\n"
		"  |303d23:59:25.387  (2026-08-19T14:04:37Z) CA(client)\n"
		"Trustpool Timers\n"
		"|1283d11:50:32.327  (2029-04-25T01:55:44Z)\n"
		"  |1283d11:50:32.327  (2029-04-25T01:55:44Z) TRUSTPOOL\n");
	free(s);
	/* the same queue, basic form */
	s = tmr_render(q, now, 0);
	ASSERT_STREQ(s,
		"PKI Timers\n"
		"|        2:44.780\n"
		"|        2:44.780  RENEW client\n"
		"|       14:19.287  SESSION CLEANUP\n"
		"Expiry Alert Timers\n"
		"|303d23:59:25.387\n"
		"|303d23:59:25.387  CA(client)\n"
		"Trustpool Timers\n"
		"|1283d11:50:32.327\n"
		"|1283d11:50:32.327  TRUSTPOOL\n");
	free(s);
	tmr_queue_free(q);
	tmr_clock_free(c);
}

/* All five groups in enum order whatever the arming order; empty groups
 * disappear; an empty queue renders "". */
TEST(render_group_order_and_empty)
{
	tmr_clock *c = tmr_clock_new(1);
	tmr_queue *q = tmr_queue_new(c);
	tmr_ms now = tmr_clock_now(c);
	tmr t[5];
	char *s;
	int g;

	s = tmr_render(q, now, 0);
	ASSERT_STREQ(s, "");
	free(s);
	s = tmr_render(q, now, 1);
	ASSERT_STREQ(s, "");
	free(s);
	tmr_init(&t[TMR_G_PKI], TMR_G_PKI, "POLL client", NULL, NULL);
	tmr_init(&t[TMR_G_EXPIRY], TMR_G_EXPIRY, "ID(client)", NULL, NULL);
	tmr_init(&t[TMR_G_CRL], TMR_G_CRL, "CRL UPDATE *ca", NULL, NULL);
	tmr_init(&t[TMR_G_TRUSTPOOL], TMR_G_TRUSTPOOL, "TRUSTPOOL", NULL, NULL);
	tmr_init(&t[TMR_G_CS], TMR_G_CS, "ER EXPIRE 1", NULL, NULL);
	for (g = TMR_G__MAX - 1; g >= 0; g--)        /* later groups due sooner */
		tmr_start(q, &t[g], now + (tmr_ms)(g + 1) * TMR_SEC);
	s = tmr_render(q, now, 0);
	ASSERT_STREQ(s,
		"PKI Timers\n"
		"|           1.000\n"
		"|           1.000  POLL client\n"
		"Expiry Alert Timers\n"
		"|           2.000\n"
		"|           2.000  ID(client)\n"
		"CRL Timers\n"
		"|           3.000\n"
		"|           3.000  CRL UPDATE *ca\n"
		"Trustpool Timers\n"
		"|           4.000\n"
		"|           4.000  TRUSTPOOL\n"
		"CS Timers\n"
		"|           5.000\n"
		"|           5.000  ER EXPIRE 1\n");
	free(s);
	tmr_stop(q, &t[TMR_G_PKI]);
	tmr_stop(q, &t[TMR_G_CRL]);
	tmr_stop(q, &t[TMR_G_CS]);
	s = tmr_render(q, now, 0);
	ASSERT_STREQ(s,
		"Expiry Alert Timers\n"
		"|           2.000\n"
		"|           2.000  ID(client)\n"
		"Trustpool Timers\n"
		"|           4.000\n"
		"|           4.000  TRUSTPOOL\n");
	free(s);
	tmr_stop(q, &t[TMR_G_EXPIRY]);
	tmr_stop(q, &t[TMR_G_TRUSTPOOL]);
	s = tmr_render(q, now, 1);
	ASSERT_STREQ(s, "");
	free(s);
	tmr_queue_free(q);
	tmr_clock_free(c);
}

/* Overdue timers print 0.000 and keep arming order among themselves. */
TEST(render_overdue_and_ties)
{
	tmr_clock *c = tmr_clock_new(1);
	tmr_queue *q = tmr_queue_new(c);
	tmr_ms now = tmr_from_civil(2022, 1, 15, 8, 53, 46) + 190;
	tmr a, b, d, e;
	char *s;

	tmr_init(&a, TMR_G_PKI, "POLL a", NULL, NULL);
	tmr_init(&b, TMR_G_PKI, "POLL b", NULL, NULL);
	tmr_init(&d, TMR_G_PKI, "RENEW d", NULL, NULL);
	tmr_init(&e, TMR_G_PKI, "RENEW e", NULL, NULL);
	tmr_start(q, &a, now - TMR_MIN);           /* earlier deadline, armed first */
	tmr_start(q, &b, now - TMR_HOUR);
	tmr_start(q, &e, now + 57782);
	tmr_start(q, &d, now + 57782);
	s = tmr_render(q, now, 1);
	ASSERT_STREQ(s,
		"PKI Timers\n"
		"|           0.000  (2022-01-15T08:52:46Z)\n"
		"  |           0.000  (2022-01-15T08:52:46Z) POLL a\n"
		"  |           0.000  (2022-01-15T07:53:46Z) POLL b\n"
		"  |          57.782  (2022-01-15T08:54:43Z) RENEW e\n"
		"  |          57.782  (2022-01-15T08:54:43Z) RENEW d\n");
	free(s);
	tmr_queue_free(q);
	tmr_clock_free(c);
}

TESTS(T(duration_spec_samples), T(duration_edges),
      T(civil_known_instants), T(civil_round_trip_1970_2100),
      T(fmt_date_zones), T(fmt_show_clock_star), T(fmt_log_prefix), T(fmt_iso_utc),
      T(parse_clock_set_orders), T(parse_clock_set_months), T(parse_clock_set_errors),
      T(clock_defaults), T(clock_realtime_default), T(clock_host_offset),
      T(clock_frozen_does_not_move), T(clock_virtual_now), T(clock_thread_safe_reads),
      T(heap_basics), T(heap_random_order), T(heap_stable_ties),
      T(run_periodic_rearm), T(run_callbacks_arm_and_stop), T(run_virtual_now_overdue),
      T(run_nested), T(run_cap),
      T(render_cs_worked_example), T(render_basic_sample), T(render_detail_sample),
      T(render_group_order_and_empty), T(render_overdue_and_ties))

/*
 * test_text.c — core/text.c: UTF-8 validity, how unprintable characters
 * are shown (caret notation for C0 and DEL, \xHH for C1 controls and bytes
 * that are not UTF-8), cutting to fit, and the characters of a name.
 */
#if defined(__SANITIZE_ADDRESS__)
#include <sanitizer/lsan_interface.h>
#include <unistd.h>
#define _exit(c) (__lsan_do_leak_check(), _exit(c))
#endif
#include "tests/unit/t.h"

#include "core/text.h"

static const char *shown(const char *s, size_t n, unsigned flags)
{
	static char buf[512];
	size_t need = pk_visible(buf, sizeof buf, s, n, flags);

	ASSERT(need < sizeof buf);
	ASSERT_EQ(strlen(buf), need);
	ASSERT_EQ(pk_visible(NULL, 0, s, n, flags), need);     /* the size it needs */
	ASSERT_EQ(pk_visible_plain(s, n, flags), need == n && memcmp(buf, s, n) == 0);
	return buf;
}

#define SHOWN(lit, flags) shown(lit, sizeof lit - 1, flags)

TEST(utf8_sequences)
{
	ASSERT_EQ(pk_utf8_len("a", 1), 1);
	ASSERT_EQ(pk_utf8_len("\xc3\xa9", 2), 2);
	ASSERT_EQ(pk_utf8_len("\xe2\x82\xac", 3), 3);
	ASSERT_EQ(pk_utf8_len("\xf0\x9f\x98\x80", 4), 4);
	ASSERT_EQ(pk_utf8_len("\xc3\xa9", 1), 0);          /* cut short */
	ASSERT_EQ(pk_utf8_len("\x80", 1), 0);              /* continuation byte */
	ASSERT_EQ(pk_utf8_len("\xc0\xaf", 2), 0);          /* overlong '/' */
	ASSERT_EQ(pk_utf8_len("\xe0\x80\xaf", 3), 0);      /* overlong */
	ASSERT_EQ(pk_utf8_len("\xed\xa0\x80", 3), 0);      /* surrogate */
	ASSERT_EQ(pk_utf8_len("\xf4\x90\x80\x80", 4), 0);  /* beyond U+10FFFF */
	ASSERT_EQ(pk_utf8_len("\xff", 1), 0);
	ASSERT(pk_utf8_valid("Tok\xc3\xa9", 5));
	ASSERT(!pk_utf8_valid("a\0b", 3));
	ASSERT(!pk_utf8_valid("a\xff", 2));
}

TEST(controls_in_caret_notation)
{
	ASSERT_STREQ(SHOWN("a\033[2Jb", 0), "a^[[2Jb");
	ASSERT_STREQ(SHOWN("\007\r\n\t\0\x7f\x1f", 0), "^G^M^J^I^@^?^_");
	/* printable ASCII, '^' and '\' themselves and valid UTF-8: as they are */
	ASSERT_STREQ(SHOWN("cn=R1 ^[ \\x1B Tok\xc3\xa9 \xe2\x82\xac", 0),
		     "cn=R1 ^[ \\x1B Tok\xc3\xa9 \xe2\x82\xac");
}

TEST(bytes_not_utf8_and_c1_as_hex)
{
	ASSERT_STREQ(SHOWN("a\xff" "b", 0), "a\\xFFb");
	ASSERT_STREQ(SHOWN("\xc2\x9b" "2J", 0), "\\xC2\\x9B2J");        /* C1 CSI */
	ASSERT_STREQ(SHOWN("\xc2\xa0", 0), "\xc2\xa0");                 /* U+00A0 is not C1 */
	ASSERT_STREQ(SHOWN("\xed\xa0\x80", 0), "\\xED\\xA0\\x80");
	ASSERT_STREQ(SHOWN("\xc3", 0), "\\xC3");                         /* cut short */
}

TEST(lines_keep_line_ends_and_tabs)
{
	ASSERT_STREQ(SHOWN("a\tb\nc\r\nd\re\033\n", PK_VIS_LINES), "a\tb\nc\nd^Me^[\n");
	ASSERT_STREQ(SHOWN("end\r", PK_VIS_LINES), "end^M");
	ASSERT(pk_visible_plain("plain\n\ttext\n", 12, PK_VIS_LINES));
	ASSERT(!pk_visible_plain("plain\n", 6, 0));
}

TEST(cut_at_whole_pieces)
{
	char buf[6];

	/* "ab^[" fits in 5 + NUL, the next piece does not: nothing after it */
	ASSERT_EQ(pk_visible(buf, sizeof buf, "ab\033\xc3\xa9z", 6, 0), 7);
	ASSERT_STREQ(buf, "ab^[");
	ASSERT_EQ(pk_visible(buf, 4, "ab\033", 3, 0), 4);
	ASSERT_STREQ(buf, "ab");                 /* never half an escape */
	ASSERT_EQ(pk_visible(buf, 1, "x", 1, 0), 1);
	ASSERT_STREQ(buf, "");
	ASSERT_EQ(pk_visible(buf, sizeof buf, "", 0, 0), 0);
	ASSERT_STREQ(buf, "");
}

TEST(name_characters)
{
	ASSERT(pk_name_chars_ok("VPN-CA_1.lab"));
	ASSERT(pk_name_chars_ok("Tok\xc3\xa9\xe2\x82\xac"));
	ASSERT(pk_name_chars_ok("CA#"));
	ASSERT(!pk_name_chars_ok(""));
	ASSERT(!pk_name_chars_ok("a b"));
	ASSERT(!pk_name_chars_ok("a\tb"));
	ASSERT(!pk_name_chars_ok("a\033"));
	ASSERT(!pk_name_chars_ok("a\x7f"));
	ASSERT(!pk_name_chars_ok("a\xc2\x85"));  /* NEL, a C1 control */
	ASSERT(!pk_name_chars_ok("a\xff"));
	ASSERT(!pk_name_chars_ok("a\xc3"));
}

TESTS(T(utf8_sequences), T(controls_in_caret_notation), T(bytes_not_utf8_and_c1_as_hex),
      T(lines_keep_line_ends_and_tabs), T(cut_at_whole_pieces), T(name_characters))

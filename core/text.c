/*
 * text.c — unprintable characters and names (see text.h).
 */
#include <string.h>

#include "core/text.h"

size_t pk_utf8_len(const char *str, size_t n)
{
	const unsigned char *s = (const unsigned char *)str;
	unsigned char lo = 0x80, hi = 0xBF;
	size_t len, i;

	if (n == 0)
		return 0;
	if (s[0] < 0x80)
		return 1;
	if (s[0] >= 0xC2 && s[0] <= 0xDF)
		len = 2;
	else if (s[0] >= 0xE0 && s[0] <= 0xEF)
		len = 3;
	else if (s[0] >= 0xF0 && s[0] <= 0xF4)
		len = 4;
	else
		return 0;                    /* continuation byte, C0/C1 lead, F5.. */
	if (len > n)
		return 0;
	/* the second byte's range excludes overlong forms, surrogates and
	 * code points beyond U+10FFFF (RFC 3629 §4) */
	if (s[0] == 0xE0)
		lo = 0xA0;
	else if (s[0] == 0xED)
		hi = 0x9F;
	else if (s[0] == 0xF0)
		lo = 0x90;
	else if (s[0] == 0xF4)
		hi = 0x8F;
	if (s[1] < lo || s[1] > hi)
		return 0;
	for (i = 2; i < len; i++)
		if (s[i] < 0x80 || s[i] > 0xBF)
			return 0;
	return len;
}

int pk_utf8_valid(const char *s, size_t n)
{
	size_t i = 0, k;

	while (i < n) {
		if (s[i] == '\0' || (k = pk_utf8_len(s + i, n - i)) == 0)
			return 0;
		i += k;
	}
	return 1;
}

/* One unit of s at i: how it shows.  Returns the number of input bytes it
 * takes and sets *esc: 0 shown as is, 1 caret, 2 \xHH of the first byte,
 * 3 a line end written as "\n" (a CR before LF). */
static size_t unit(const char *s, size_t n, size_t i, unsigned flags, int *esc)
{
	unsigned char c = (unsigned char)s[i];
	size_t k;

	if (c < 0x20 || c == 0x7f) {
		*esc = 1;
		if (flags & PK_VIS_LINES) {
			if (c == '\n' || c == '\t')
				*esc = 0;
			else if (c == '\r' && i + 1 < n && s[i + 1] == '\n') {
				*esc = 3;
				return 2;
			}
		}
		return 1;
	}
	if (c < 0x80) {
		*esc = 0;
		return 1;
	}
	k = pk_utf8_len(s + i, n - i);
	if (k == 0 || (k == 2 && c == 0xC2 && (unsigned char)s[i + 1] < 0xA0)) {
		/* not UTF-8, or a C1 control (U+0080..U+009F): byte by byte */
		*esc = 2;
		return 1;
	}
	*esc = 0;
	return k;
}

int pk_visible_plain(const char *s, size_t n, unsigned flags)
{
	size_t i = 0;
	int esc;

	while (i < n) {
		unsigned char c = (unsigned char)s[i];
		if (c >= 0x20 && c < 0x7f) {      /* the common case, quickly */
			i++;
			continue;
		}
		i += unit(s, n, i, flags, &esc);
		if (esc)
			return 0;
	}
	return 1;
}

size_t pk_visible(char *out, size_t size, const char *s, size_t n, unsigned flags)
{
	static const char hx[] = "0123456789ABCDEF";
	size_t i = 0, o = 0, k, w;
	int esc, full = 0;
	char tmp[4];

	if (size)
		out[0] = '\0';
	while (i < n) {
		const char *piece = s + i;
		unsigned char c = (unsigned char)s[i];

		k = unit(s, n, i, flags, &esc);
		w = k;
		if (esc == 1) {
			tmp[0] = '^';
			tmp[1] = (char)(c == 0x7f ? '?' : c ^ 0x40);
			piece = tmp;
			w = 2;
		} else if (esc == 2) {
			tmp[0] = '\\';
			tmp[1] = 'x';
			tmp[2] = hx[c >> 4];
			tmp[3] = hx[c & 15];
			piece = tmp;
			w = 4;
		} else if (esc == 3) {
			piece = "\n";
			w = 1;
		}
		/* whole pieces only, and nothing after one that did not fit */
		if (!full && o + w < size) {
			memcpy(out + o, piece, w);
			out[o + w] = '\0';
		} else {
			full = 1;
		}
		o += w;
		i += k;
	}
	return o;
}

int pk_name_chars_ok(const char *name)
{
	size_t i = 0, n = strlen(name);

	if (n == 0 || !pk_utf8_valid(name, n))
		return 0;
	while (i < n) {
		unsigned char c = (unsigned char)name[i];
		if (c <= ' ' || c == 0x7f || (c == 0xC2 && (unsigned char)name[i + 1] < 0xA0))
			return 0;
		i += pk_utf8_len(name + i, n - i);
	}
	return 1;
}

/*
 * text.h — text that comes from outside (SCEP clients, certificates,
 * files, lines typed at the CLI) on its way to a terminal or into a name.
 *
 * How pkish shows a character that is not printable (docs/commands.md,
 * "Unprintable characters"): a C0 control character or DEL in caret
 * notation (ESC is ^[, BEL ^G, CR ^M, LF ^J, NUL ^@, DEL ^?), as IOS shows
 * the ETX it keeps as a banner delimiter (^C); a byte that is not part of
 * valid UTF-8, and each byte of a C1 control character (U+0080..U+009F),
 * as \xHH.  Everything else — printable ASCII and valid UTF-8 — is shown
 * as it is.  Pure functions, no state.
 */
#ifndef PKISH_TEXT_H
#define PKISH_TEXT_H

#include <stddef.h>

/* Flags of pk_visible(). */
enum {
	/* Output made of lines: '\n' and '\t' stay as they are and "\r\n" is
	 * a line end ("\n").  Without it every control character is escaped,
	 * so the text stays one field on one line. */
	PK_VIS_LINES = 1u << 0,
};

/* The length of the valid UTF-8 sequence at s (1..4 bytes, at most n), 0
 * when s does not start one (a stray continuation byte, an overlong form,
 * a surrogate, beyond U+10FFFF, or cut short by n). */
size_t pk_utf8_len(const char *s, size_t n);

/* s[0..n) is valid UTF-8 (NUL bytes count as invalid). */
int pk_utf8_valid(const char *s, size_t n);

/* s[0..n) shows as it is: nothing pk_visible() would change. */
int pk_visible_plain(const char *s, size_t n, unsigned flags);

/* The visible form of s[0..n) into out (NUL-terminated, cut before an
 * escape or a character that does not fit whole); returns the length it
 * needs in full (without the NUL), like snprintf. */
size_t pk_visible(char *out, size_t size, const char *s, size_t n, unsigned flags);

/* A name typed at the CLI (trustpoint, key label, certificate server):
 * non-empty, valid UTF-8, no space and no control character (C0, DEL,
 * C1).  The callers add their own rules (length, '/' and '#'). */
int pk_name_chars_ok(const char *name);

#endif

/*
 * textrec.h — the small text records pkish keeps on disk (the request
 * database NAME.rdb, nvram:pki-requests): a growing buffer of "key value"
 * lines, with values that must read back byte for byte stored as hex or
 * base64.  Pure helpers, no state.
 */
#ifndef PKISH_TEXTREC_H
#define PKISH_TEXTREC_H

#include <stddef.h>

struct pk_tb {
	char *p;                 /* NUL-terminated text, malloc'd */
	size_t n, cap;
	int oom;                 /* an allocation failed: the text is incomplete */
};

void pk_tb_put(struct pk_tb *b, const char *s, size_t n);
void pk_tb_printf(struct pk_tb *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* "key HEX\n" of n bytes (upper-case hex). */
void pk_tb_hex(struct pk_tb *b, const char *key, const void *s, size_t n);
/* "key BASE64\n" of n bytes (one line, no breaks). */
void pk_tb_b64(struct pk_tb *b, const char *key, const unsigned char *der, size_t n);

/* The bytes of a hex value as a C string (malloc'd); NULL when the text is
 * not even-length hex or holds a zero byte. */
char *pk_unhex(const char *s);
/* The bytes of a one-line base64 value (malloc'd, *len set); NULL if bad. */
unsigned char *pk_unb64(const char *s, size_t *len);

#endif

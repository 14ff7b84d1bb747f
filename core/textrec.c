/*
 * textrec.c — text records on disk (see textrec.h).
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>

#include "core/textrec.h"

void pk_tb_put(struct pk_tb *b, const char *s, size_t n)
{
	if (b->oom)
		return;
	if (b->n + n + 1 > b->cap) {
		size_t nc = b->cap ? b->cap : 4096;
		char *np;
		while (nc < b->n + n + 1)
			nc *= 2;
		np = realloc(b->p, nc);
		if (!np) {
			b->oom = 1;
			return;
		}
		b->p = np;
		b->cap = nc;
	}
	memcpy(b->p + b->n, s, n);
	b->n += n;
	b->p[b->n] = '\0';
}

void pk_tb_printf(struct pk_tb *b, const char *fmt, ...)
{
	char tmp[512];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(tmp, sizeof tmp, fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= sizeof tmp) {
		b->oom = 1;            /* callers format short lines only */
		return;
	}
	pk_tb_put(b, tmp, (size_t)n);
}

void pk_tb_hex(struct pk_tb *b, const char *key, const void *s, size_t n)
{
	static const char hx[] = "0123456789ABCDEF";
	const unsigned char *u = s;
	size_t i;

	pk_tb_put(b, key, strlen(key));
	pk_tb_put(b, " ", 1);
	for (i = 0; i < n; i++) {
		char two[2] = { hx[u[i] >> 4], hx[u[i] & 15] };
		pk_tb_put(b, two, 2);
	}
	pk_tb_put(b, "\n", 1);
}

void pk_tb_b64(struct pk_tb *b, const char *key, const unsigned char *der, size_t n)
{
	char *enc;

	if (n == 0 || n > (1u << 20)) {
		b->oom = 1;
		return;
	}
	enc = malloc(4 * ((n + 2) / 3) + 1);
	if (!enc) {
		b->oom = 1;
		return;
	}
	EVP_EncodeBlock((unsigned char *)enc, der, (int)n);
	pk_tb_put(b, key, strlen(key));
	pk_tb_put(b, " ", 1);
	pk_tb_put(b, enc, strlen(enc));
	pk_tb_put(b, "\n", 1);
	free(enc);
}

static int hexval(int c)
{
	return c >= '0' && c <= '9' ? c - '0' : c >= 'A' && c <= 'F' ? c - 'A' + 10 :
	       c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

char *pk_unhex(const char *s)
{
	size_t n = strlen(s), i;
	char *o;

	if (n % 2)
		return NULL;
	o = malloc(n / 2 + 1);
	if (!o)
		return NULL;
	for (i = 0; i < n / 2; i++) {
		int hi = hexval((unsigned char)s[2 * i]), lo = hexval((unsigned char)s[2 * i + 1]);
		if (hi < 0 || lo < 0 || (hi == 0 && lo == 0)) {
			free(o);
			return NULL;
		}
		o[i] = (char)(hi << 4 | lo);
	}
	o[n / 2] = '\0';
	return o;
}

unsigned char *pk_unb64(const char *s, size_t *len)
{
	size_t n = strlen(s);
	unsigned char *o;
	int r;

	if (n == 0 || n % 4 || n > (4u << 20))
		return NULL;
	o = malloc(n / 4 * 3 + 1);
	if (!o)
		return NULL;
	r = EVP_DecodeBlock(o, (const unsigned char *)s, (int)n);
	if (r < 0) {
		free(o);
		return NULL;
	}
	*len = (size_t)r - (s[n - 1] == '=') - (s[n - 2] == '=');
	return o;
}

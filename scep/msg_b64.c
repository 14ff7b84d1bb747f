/*
 * msg_b64.c — base64 for GET PKIOperation (msg.h): a liberal decoder for
 * message= values and an encoder with IOS line breaks or URL escapes.
 */
#include <stdio.h>
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>

#include "scep/msg.h"

/* ---- base64 ---------------------------------------------------------------------- */

static int hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Value of a base64 digit in either alphabet (space = '+' from a form
 * decoder), -1 if none. */
static int b64val(int c)
{
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 26;
	if (c >= '0' && c <= '9')
		return c - '0' + 52;
	if (c == '+' || c == '-' || c == ' ')
		return 62;
	if (c == '/' || c == '_')
		return 63;
	return -1;
}

int scep_b64_decode(const char *in, size_t len, unsigned char **out, size_t *outlen)
{
	unsigned char *buf;
	unsigned long acc = 0;
	size_t i, n = 0, cap;
	int bits = 0, pad = 0, c, hi, lo, v, rc = SCEP_EFORMAT;

	if (!in || !out || !outlen)
		return SCEP_EINVAL;
	*out = NULL;
	*outlen = 0;
	if (len > (size_t)SCEP_MAX_MSG * 4)
		return SCEP_ETOOBIG;
	cap = len / 4 * 3 + 3;
	if (!(buf = OPENSSL_malloc(cap)))
		return SCEP_EOSSL;
	for (i = 0; i < len; i++) {
		c = (unsigned char)in[i];
		if (c == '%') {
			if (len - i < 3 || (hi = hexval((unsigned char)in[i + 1])) < 0 ||
			    (lo = hexval((unsigned char)in[i + 2])) < 0)
				goto out;
			c = hi * 16 + lo;
			i += 2;
		}
		if (c == '\r' || c == '\n' || c == '\t')
			continue;
		if (c == '=') {
			pad = 1;
			continue;
		}
		if ((v = b64val(c)) < 0 || pad)
			goto out;
		acc = ((acc << 6) | (unsigned long)v) & 0xffffff;
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			if (n >= cap || n >= SCEP_MAX_MSG) {
				rc = SCEP_ETOOBIG;
				goto out;
			}
			buf[n++] = (unsigned char)(acc >> bits);
		}
	}
	if (bits >= 6 || n == 0)       /* a lone trailing digit, or nothing */
		goto out;
	*out = buf;
	*outlen = n;
	buf = NULL;
	rc = 0;
out:
	OPENSSL_free(buf);
	return rc;
}

char *scep_b64_encode(const unsigned char *data, size_t len, int flags)
{
	unsigned char *b64 = NULL;
	char *out = NULL, *o;
	size_t blen, i, cap;
	int n;

	if (!data || len == 0 || len > (size_t)SCEP_MAX_MSG * 16)
		return NULL;
	blen = (len + 2) / 3 * 4;
	if (!(b64 = OPENSSL_malloc(blen + 1)))
		return NULL;
	n = EVP_EncodeBlock(b64, data, (int)len);
	if (n < 0 || (size_t)n != blen)
		goto out;
	cap = (blen + blen / 64 + 1) * 3 + 1;
	if (!(out = OPENSSL_malloc(cap)))
		goto out;
	o = out;
	for (i = 0; i < blen; i++) {
		char c = (char)b64[i];
		if ((flags & SCEP_B64_LINES) && i > 0 && i % 64 == 0) {
			if (flags & SCEP_B64_URL) {
				memcpy(o, "%0A", 3);
				o += 3;
			} else {
				*o++ = '\n';
			}
		}
		if ((flags & SCEP_B64_URL) && (c == '+' || c == '/' || c == '=')) {
			snprintf(o, 4, "%%%02X", (unsigned char)c);
			o += 3;
		} else {
			*o++ = c;
		}
	}
	*o = '\0';
out:
	OPENSSL_free(b64);
	return out;
}

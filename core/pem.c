/*
 * pem.c — PEM and base64 text for the CLI (which sees no OpenSSL).
 */
#include <stdlib.h>
#include <string.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include "core/err.h"
#include "core/pki.h"
#include "core/pki_int.h"

/* Base64 between the -----BEGIN/END----- lines (or the whole text). */
int pk_pem_decode(const char *text, unsigned char **der, size_t *len)
{
	const char *p = strstr(text, "-----BEGIN"), *end;
	char *b64 = NULL;
	size_t n = 0, i;
	unsigned char *out = NULL;
	int dl, rc = PK_EINVAL;

	*der = NULL;
	*len = 0;
	if (p) {
		p = strchr(p + 10, '\n');
		end = p ? strstr(p, "-----END") : NULL;
		if (!p || !end)
			return pk_err_set(PK_EINVAL, "malformed PEM");
	} else {
		p = text;
		end = text + strlen(text);
	}
	b64 = malloc((size_t)(end - p) + 1);
	if (!b64)
		return pk_err_set(PK_ENOMEM, "out of memory");
	for (; p < end; p++)
		if (!strchr(" \t\r\n", *p))
			b64[n++] = *p;
	b64[n] = '\0';
	if (n == 0 || n % 4 != 0)
		goto out;
	out = malloc(n / 4 * 3 + 1);
	if (!out)
		goto out;
	dl = EVP_DecodeBlock(out, (const unsigned char *)b64, (int)n);
	if (dl < 0)
		goto out;
	for (i = n; i > 0 && b64[i - 1] == '='; i--)
		dl--;
	*der = out;
	*len = (size_t)dl;
	out = NULL;
	rc = 0;
out:
	free(out);
	free(b64);
	return rc == 0 ? 0 : pk_err_set(PK_EINVAL, "not valid base64");
}

char *pk_cert_pem(const struct x509_st *c)
{
	BIO *b = BIO_new(BIO_s_mem());
	char *data, *out = NULL;
	long n;

	if (!b)
		return NULL;
	if (PEM_write_bio_X509(b, (X509 *)c) == 1) {
		n = BIO_get_mem_data(b, &data);
		out = malloc((size_t)n + 1);
		if (out) {
			memcpy(out, data, (size_t)n);
			out[n] = '\0';
		}
	}
	BIO_free(b);
	return out;
}

void pk_cert_free(struct x509_st *c)
{
	X509_free(c);
}

int pk_dn_parse(const char *dn, struct X509_name_st **out)
{
	return pki_dn_parse(dn, out);
}

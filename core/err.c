/*
 * err.c — per-thread last-error message (see err.h).
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <openssl/crypto.h>
#include <openssl/err.h>

#include "core/err.h"

static _Thread_local char err_msg[512];

static void vset(const char *fmt, va_list ap)
{
	vsnprintf(err_msg, sizeof err_msg, fmt, ap);
}

int pk_err_set(int code, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vset(fmt, ap);
	va_end(ap);
	return code;
}

int pk_err_ossl(int code, const char *fmt, ...)
{
	va_list ap;
	unsigned long e;
	size_t len;

	va_start(ap, fmt);
	vset(fmt, ap);
	va_end(ap);
	while ((e = ERR_get_error()) != 0) {
		char buf[256];
		ERR_error_string_n(e, buf, sizeof buf);
		len = strlen(err_msg);
		if (len + 3 < sizeof err_msg)
			snprintf(err_msg + len, sizeof err_msg - len, " (%s)", buf);
	}
	return code;
}

const char *pk_err_msg(void)
{
	return err_msg;
}

void pk_err_clear(void)
{
	err_msg[0] = '\0';
	ERR_clear_error();
}

const char *pk_strerror(int code)
{
	switch (code) {
	case PK_OK:      return "success";
	case PK_EINVAL:  return "invalid argument";
	case PK_ENOENT:  return "not found";
	case PK_EEXIST:  return "already exists";
	case PK_ENOMEM:  return "out of memory";
	case PK_EIO:     return "storage error";
	case PK_ESTATE:  return "invalid state";
	case PK_ECRYPTO: return "cryptographic failure";
	case PK_ELOCKED: return "configuration locked";
	case PK_EBUSY:   return "busy";
	case PK_ENET:    return "network failure";
	case PK_EPROTO:  return "protocol error";
	case PK_EDENIED: return "denied";
	case PK_ECANCEL: return "cancelled";
	}
	return "error";
}

const char *pk_openssl_version(void)
{
	return OpenSSL_version(OPENSSL_VERSION);
}

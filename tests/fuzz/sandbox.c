/*
 * sandbox.c — what keeps a fuzz target inside its own temporary device.
 *
 * Linked into every libFuzzer target (build-fuzz/fuzz_*) and included by
 * every unit test that replays a target's committed inputs
 * (tests/unit/test_fuzz_*.c), both linked with -Wl,--wrap= for the
 * functions below (Makefile: FUZZ_WRAP), so that calls from the project's
 * code reach these instead:
 *
 *   getaddrinfo, socket   refused (EAI_FAIL, EACCES; AF_UNIX excepted): a
 *                         fuzzed `enrollment url http://HOST`, then
 *                         `crypto pki authenticate`, reaches no network;
 *   MHD_start_daemon      starts nothing (NULL, EACCES): a fuzzed
 *                         `ip http server` binds no port (other suites use
 *                         the loopback at the same time);
 *   pk_device_path        `unix:/PATH` is the device's flash:/unix/PATH (and
 *                         so refuses `..` as flash: does); nvram: and flash:
 *                         are the device directory as always.  A fuzzed
 *                         `copy`, `delete`, `database url` or `export`
 *                         touches nothing outside the device;
 *   EVP_PKEY_Q_keygen     a key from a pool generated once per process:
 *                         four keys each of 512, 1024 and 2048 bits, the
 *                         class nearest the size asked (so a fuzzed
 *                         `crypto key generate rsa modulus 4096` costs
 *                         nothing; the key's size may differ from the one
 *                         asked).  fuzz_sandbox_reset() restarts the
 *                         rotation, so an input always gets the same keys.
 *
 * Nothing else of the project is changed: every other function is the
 * real one.
 */
#include <errno.h>
#include <netdb.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include <openssl/evp.h>

#include "core/device.h"
#include "core/err.h"

int __real_pk_device_path(const pk_device *d, const char *url, char *buf, size_t n);
int __wrap_pk_device_path(const pk_device *d, const char *url, char *buf, size_t n);
int __wrap_getaddrinfo(const char *node, const char *service, const struct addrinfo *hints,
		       struct addrinfo **res);
int __wrap_socket(int domain, int type, int protocol);
struct MHD_Daemon;
struct MHD_Daemon *__wrap_MHD_start_daemon(unsigned int flags, uint16_t port, ...);
EVP_PKEY *__real_EVP_PKEY_Q_keygen(OSSL_LIB_CTX *libctx, const char *propq, const char *type, ...);
EVP_PKEY *__wrap_EVP_PKEY_Q_keygen(OSSL_LIB_CTX *libctx, const char *propq, const char *type, ...);
void fuzz_sandbox_reset(void);

int __wrap_pk_device_path(const pk_device *d, const char *url, char *buf, size_t n)
{
	char mapped[4200];

	if (url && strncmp(url, "unix:", 5) == 0 && url[5] == '/') {
		if (snprintf(mapped, sizeof mapped, "flash:/unix%s", url + 5) >= (int)sizeof mapped)
			return pk_err_set(PK_EINVAL, "path too long");
		return __real_pk_device_path(d, mapped, buf, n);
	}
	return __real_pk_device_path(d, url, buf, n);
}

int __wrap_getaddrinfo(const char *node, const char *service, const struct addrinfo *hints,
		       struct addrinfo **res)
{
	(void)node;
	(void)service;
	(void)hints;
	if (res)
		*res = NULL;
	return EAI_FAIL;
}

int __wrap_socket(int domain, int type, int protocol)
{
	(void)domain;
	(void)type;
	(void)protocol;
	errno = EACCES;
	return -1;
}

struct MHD_Daemon *__wrap_MHD_start_daemon(unsigned int flags, uint16_t port, ...)
{
	(void)flags;
	(void)port;
	errno = EACCES;
	return NULL;
}

#define POOL_PER_CLASS 4

static EVP_PKEY *pool[3][POOL_PER_CLASS];
static unsigned pool_next[3];

void fuzz_sandbox_reset(void)
{
	memset(pool_next, 0, sizeof pool_next);
}

EVP_PKEY *__wrap_EVP_PKEY_Q_keygen(OSSL_LIB_CTX *libctx, const char *propq, const char *type, ...)
{
	static const size_t class_bits[3] = { 512, 1024, 2048 };
	va_list ap;
	size_t bits;
	unsigned c, i;

	va_start(ap, type);
	bits = va_arg(ap, size_t);
	va_end(ap);
	if (!type || strcmp(type, "RSA") != 0)
		return NULL;
	c = bits < 768 ? 0 : bits < 1536 ? 1 : 2;
	i = pool_next[c]++ % POOL_PER_CLASS;
	if (!pool[c][i])
		pool[c][i] = __real_EVP_PKEY_Q_keygen(libctx, propq, "RSA", class_bits[c]);
	if (!pool[c][i] || !EVP_PKEY_up_ref(pool[c][i]))
		return NULL;
	return pool[c][i];
}

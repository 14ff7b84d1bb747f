/*
 * env.h — what the device-level fuzz targets share (fuzz_cs, fuzz_cli,
 * fuzz_config, fuzz_privcfg, fuzz_csdb, fuzz_pkireq): a temporary
 * directory on tmpfs, fixture files, and a little reader of the fuzzed
 * bytes.  Everything is static inline; a setup failure aborts (a bug of
 * the harness, not a finding).  The targets run from the repository root
 * (make fuzz and tests/run.sh do).
 */
#ifndef PKISH_FUZZ_ENV_H
#define PKISH_FUZZ_ENV_H

#include <dirent.h>
#include <errno.h>
#include <ftw.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/pem.h>

#include "core/store.h"

static inline __attribute__((noreturn)) void fz_die(const char *what)
{
	fprintf(stderr, "fuzz harness: %s\n", what);
	abort();
}

/* A finding: the invariant that broke. */
#define FZ_CHECK(c) do { if (!(c)) { \
	fprintf(stderr, "fuzz invariant broken at %s:%d: %s\n", __FILE__, __LINE__, #c); \
	abort(); } } while (0)

/* ---- a directory of our own (tmpfs when there is one) ------------------ */

static char fz_dir_path[256];
static pid_t fz_dir_owner;

static int fz_rm_one(const char *p, const struct stat *st, int flag, struct FTW *f)
{
	(void)st;
	(void)flag;
	(void)f;
	remove(p);
	return 0;
}

/* Empty dir (its contents go, the directory stays unless top). */
static inline void fz_rmtree(const char *dir, int top)
{
	struct stat st;

	if (top) {
		nftw(dir, fz_rm_one, 16, FTW_DEPTH | FTW_PHYS);
		return;
	}
	if (stat(dir, &st) == 0) {
		nftw(dir, fz_rm_one, 16, FTW_DEPTH | FTW_PHYS);
		mkdir(dir, 0700);
	}
}

static void fz_dir_cleanup(void)
{
	if (fz_dir_path[0] && getpid() == fz_dir_owner)
		fz_rmtree(fz_dir_path, 1);
}

/* Directories of fuzz processes that are gone (a crash leaves its own). */
static inline void fz_dir_sweep(const char *base)
{
	DIR *dh = opendir(base);
	struct dirent *de;
	char path[512];
	long pid;

	while (dh && (de = readdir(dh)) != NULL) {
		const char *dot = strchr(de->d_name, '.');
		if (strncmp(de->d_name, "pkish-fuzz-", 11) != 0 || !dot ||
		    sscanf(dot + 1, "%ld.", &pid) != 1 || pid <= 0 ||
		    (kill((pid_t)pid, 0) == 0 || errno != ESRCH))
			continue;
		snprintf(path, sizeof path, "%s/%s", base, de->d_name);
		fz_rmtree(path, 1);
	}
	if (dh)
		closedir(dh);
}

/* The process's temporary directory (removed at exit):
 * /dev/shm/pkish-fuzz-WHAT.PID.XXXXXX when /dev/shm is writable, else
 * under $TMPDIR or /tmp. */
static inline const char *fz_dir(const char *what)
{
	const char *base = access("/dev/shm", W_OK) == 0 ? "/dev/shm" : getenv("TMPDIR");

	if (fz_dir_path[0])
		return fz_dir_path;
	base = base && *base ? base : "/tmp";
	fz_dir_sweep(base);
	snprintf(fz_dir_path, sizeof fz_dir_path, "%s/pkish-fuzz-%s.%ld.XXXXXX", base, what,
		 (long)getpid());
	if (!mkdtemp(fz_dir_path))
		fz_die("cannot make a temporary directory");
	fz_dir_owner = getpid();
	atexit(fz_dir_cleanup);
	return fz_dir_path;
}

/* ---- fixtures -------------------------------------------------------------- */

/* A file of the source tree, whole (NUL-terminated; *len without it). */
static inline char *fz_file(const char *path, size_t *len)
{
	char *data = NULL;

	if (pk_store_read(path, &data, len) < 0)
		fz_die("cannot read a file of the source tree (run from the repository root)");
	return data;
}

/* tests/fixtures/NAME. */
static inline char *fz_fixture(const char *name, size_t *len)
{
	char path[512];

	snprintf(path, sizeof path, "tests/fixtures/%s", name);
	return fz_file(path, len);
}

/* The idx-th private key of a PEM fixture. */
static inline EVP_PKEY *fz_fixture_key(const char *name, int idx)
{
	char *pem = fz_fixture(name, NULL);
	BIO *b = BIO_new_mem_buf(pem, -1);
	EVP_PKEY *k = NULL;
	int i;

	for (i = 0; b && i <= idx; i++) {
		EVP_PKEY_free(k);
		k = PEM_read_bio_PrivateKey(b, NULL, NULL, NULL);
	}
	BIO_free(b);
	free(pem);
	if (!k)
		fz_die("bad key fixture");
	return k;
}

/* ---- reading the fuzzed bytes ----------------------------------------------------- */

struct fz_in {
	const uint8_t *p;
	size_t n;
};

static inline int fz_more(const struct fz_in *in)
{
	return in->n > 0;
}

static inline unsigned fz_u8(struct fz_in *in)
{
	unsigned v = 0;

	if (in->n) {
		v = *in->p++;
		in->n--;
	}
	return v;
}

static inline unsigned fz_u16(struct fz_in *in)
{
	unsigned hi = fz_u8(in);
	return hi << 8 | fz_u8(in);
}

/* The next up to `max` bytes, length-prefixed by one byte. */
static inline size_t fz_bytes(struct fz_in *in, size_t max, const uint8_t **out)
{
	size_t len = fz_u8(in);

	if (len > max)
		len = max;
	if (len > in->n)
		len = in->n;
	*out = in->p;
	in->p += len;
	in->n -= len;
	return len;
}

/* The same as a NUL-terminated string into buf (stops at a NUL byte, as C
 * strings from the wire do). */
static inline const char *fz_str(struct fz_in *in, char *buf, size_t size)
{
	const uint8_t *b;
	size_t len = fz_bytes(in, size - 1, &b);

	memcpy(buf, b, len);
	buf[len] = '\0';
	return buf;
}

/* A line of text: up to '\n' (not included) or the end. */
static inline size_t fz_line(struct fz_in *in, const uint8_t **out)
{
	const uint8_t *nl = memchr(in->p, '\n', in->n);
	size_t len = nl ? (size_t)(nl - in->p) : in->n;

	*out = in->p;
	in->p += len + (nl != NULL);
	in->n -= len + (nl != NULL);
	return len;
}

#endif

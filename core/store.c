/*
 * store.c — atomic file writes and whole-file reads (see store.h).
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/err.h"
#include "core/store.h"

void pk_store_dirname(const char *path, char *buf, size_t n)
{
	const char *slash = strrchr(path, '/');
	size_t len;

	if (!slash) {
		snprintf(buf, n, ".");
		return;
	}
	len = (size_t)(slash - path);
	if (len == 0)
		len = 1;
	if (len >= n)
		len = n - 1;
	memcpy(buf, path, len);
	buf[len] = '\0';
}

static int fsync_dir(const char *path)
{
	char dir[4096];
	int fd, rc = 0;

	pk_store_dirname(path, dir, sizeof dir);
	fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	if (fsync(fd) < 0 && errno != EINVAL)
		rc = -1;
	close(fd);
	return rc;
}

/* PKISH_FAIL_WRITES=N: the N-th write and all later ones fail (ENOSPC). */
static int injected_failure(void)
{
	static atomic_long count;
	const char *s = getenv("PKISH_FAIL_WRITES");
	long n;

	if (!s || !*s)
		return 0;
	n = atol(s);
	return n > 0 && atomic_fetch_add(&count, 1) + 1 >= n;
}

/* Write data atomically; excl: never replace an existing file (the new
 * file is linked in, which fails when the name exists). */
static int store_write(const char *path, const void *data, size_t len, mode_t mode, int excl)
{
	char tmp[4200];
	const char *p = data;
	int fd, saved;

	static atomic_ulong seq;

	if (snprintf(tmp, sizeof tmp, "%s.tmp.%ld.%lu", path, (long)getpid(),
		     atomic_fetch_add(&seq, 1)) >= (int)sizeof tmp)
		return pk_err_set(PK_EINVAL, "path too long: %s", path);
	if (injected_failure())
		return pk_err_set(PK_EIO, "%s: %s", path, strerror(ENOSPC));
	if (excl && access(path, F_OK) == 0)
		return pk_err_set(PK_EEXIST, "%s: %s", path, strerror(EEXIST));
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode);
	if (fd < 0)
		return pk_err_set(PK_EIO, "%s: %s", path, strerror(errno));
	/* open() honours the umask; secrets must end up exactly at `mode`. */
	if (fchmod(fd, mode) < 0)
		goto fail;
	while (len > 0) {
		ssize_t w = write(fd, p, len);
		if (w < 0) {
			if (errno == EINTR)
				continue;
			goto fail;
		}
		p += w;
		len -= (size_t)w;
	}
	if (fsync(fd) < 0)
		goto fail;
	if (close(fd) < 0) {
		fd = -1;
		goto fail;
	}
	fd = -1;
	if (excl) {
		if (link(tmp, path) < 0)
			goto fail;
		unlink(tmp);
	} else if (rename(tmp, path) < 0) {
		goto fail;
	}
	if (fsync_dir(path) < 0)
		return pk_err_set(PK_EIO, "%s: directory sync: %s", path, strerror(errno));
	return 0;
fail:
	saved = errno;
	if (fd >= 0)
		close(fd);
	unlink(tmp);
	return pk_err_set(saved == EEXIST ? PK_EEXIST : PK_EIO, "%s: %s", path, strerror(saved));
}

int pk_store_write(const char *path, const void *data, size_t len, mode_t mode)
{
	return store_write(path, data, len, mode, 0);
}

int pk_store_write_new(const char *path, const void *data, size_t len, mode_t mode)
{
	return store_write(path, data, len, mode, 1);
}

int pk_store_is_tmp(const char *name)
{
	const char *t = strstr(name, ".tmp.");
	size_t d;

	if (!t)
		return 0;
	t += 5;
	d = strspn(t, "0123456789");
	if (d == 0 || t[d] != '.')
		return 0;
	t += d + 1;
	d = strspn(t, "0123456789");
	return d > 0 && t[d] == '\0';
}

int pk_store_clean_tmp(const char *dir)
{
	DIR *dh = opendir(dir);
	struct dirent *de;
	char path[4400];
	int n = 0;

	if (!dh)
		return 0;
	while ((de = readdir(dh)) != NULL) {
		if (!pk_store_is_tmp(de->d_name))
			continue;
		snprintf(path, sizeof path, "%s/%s", dir, de->d_name);
		if (unlink(path) == 0)
			n++;
	}
	closedir(dh);
	if (n)
		fsync_dir(path);
	return n;
}

int pk_store_read(const char *path, char **data, size_t *len)
{
	FILE *f;
	char *buf = NULL;
	size_t cap = 0, n = 0;

	*data = NULL;
	if (len)
		*len = 0;
	f = fopen(path, "rbe");
	if (!f)
		return pk_err_set(errno == ENOENT ? PK_ENOENT : PK_EIO, "%s: %s",
				  path, strerror(errno));
	for (;;) {
		size_t r;
		if (cap - n < 4096) {
			char *nb;
			cap = cap ? cap * 2 : 8192;
			nb = realloc(buf, cap + 1);
			if (!nb) {
				free(buf);
				fclose(f);
				return pk_err_set(PK_ENOMEM, "out of memory");
			}
			buf = nb;
		}
		r = fread(buf + n, 1, cap - n, f);
		n += r;
		if (r == 0)
			break;
	}
	if (ferror(f)) {
		free(buf);
		fclose(f);
		return pk_err_set(PK_EIO, "%s: read error", path);
	}
	fclose(f);
	buf[n] = '\0';
	*data = buf;
	if (len)
		*len = n;
	return 0;
}

int pk_store_remove(const char *path)
{
	if (unlink(path) < 0) {
		if (errno == ENOENT)
			return 0;
		return pk_err_set(PK_EIO, "%s: %s", path, strerror(errno));
	}
	fsync_dir(path);
	return 0;
}

int pk_store_mkdirs(const char *path, mode_t mode)
{
	char buf[4096];
	size_t i, len = strlen(path);

	if (len == 0 || len >= sizeof buf)
		return pk_err_set(PK_EINVAL, "bad directory name");
	memcpy(buf, path, len + 1);
	for (i = 1; i <= len; i++) {
		if (buf[i] == '/' || buf[i] == '\0') {
			char c = buf[i];
			buf[i] = '\0';
			if (mkdir(buf, mode) < 0 && errno != EEXIST)
				return pk_err_set(PK_EIO, "%s: %s", buf, strerror(errno));
			buf[i] = c;
		}
	}
	return 0;
}

int pk_store_exists(const char *path)
{
	struct stat st;
	return stat(path, &st) == 0;
}

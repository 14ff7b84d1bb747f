/*
 * store.h — files that record state.
 *
 * Every write is atomic: a temporary file in the same directory, write,
 * fsync, rename over the target, fsync of the directory.  A reader therefore
 * sees the old file or the new one, never a torn one; a full disk fails the
 * write and leaves the old file in place.
 */
#ifndef PKISH_STORE_H
#define PKISH_STORE_H

#include <stddef.h>
#include <sys/types.h>

/* Write data atomically with the given mode (0600 for secrets). */
int pk_store_write(const char *path, const void *data, size_t len, mode_t mode);
/* The same, but never replacing an existing file: PK_EEXIST if path exists
 * (records that must never be overwritten, such as an issued certificate). */
int pk_store_write_new(const char *path, const void *data, size_t len, mode_t mode);
/* A temporary file a killed pk_store_write left behind ("x.tmp.PID.SEQ"). */
int pk_store_is_tmp(const char *name);
/* Remove such files from a directory (the caller owns it: no writer runs);
 * returns how many went. */
int pk_store_clean_tmp(const char *dir);
/* Read a whole file: *data is malloc'd with a NUL after the last byte. */
int pk_store_read(const char *path, char **data, size_t *len);
/* Remove a file and fsync its directory; a missing file is not an error. */
int pk_store_remove(const char *path);
/* mkdir -p with the given mode. */
int pk_store_mkdirs(const char *path, mode_t mode);
int pk_store_exists(const char *path);
/* Directory of a path (into buf). */
void pk_store_dirname(const char *path, char *buf, size_t n);

/* Test hook: when the environment variable PKISH_FAIL_WRITES is set to a
 * number N, the N-th and later pk_store_write calls fail with ENOSPC (a full
 * disk), so tests can show that nothing is lost. */

#endif

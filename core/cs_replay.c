/*
 * cs_replay.c — requests granted because of their challenge password are
 * never granted again, across restarts (issue 10).
 *
 * A challenge password authorizes whoever holds the message that carries
 * it, so a captured PKCSReq granted by its challenge could be sent again.
 * scep/'s replay ring refuses a repeated (transactionID, senderNonce) while
 * the process lives; this record makes the refusal survive a reload, a
 * stop and a kill -9: the key of every challenge-granted message is
 * appended, with fsync, to <database url>/NAME.rpl before the grant is
 * answered, and read back when the server starts.
 *
 * Bounded: the newest CS_REPLAY_KEEP keys are kept (the file is compacted
 * when it holds twice that).  A replay older than the last CS_REPLAY_KEEP
 * challenge grants is not recognised — it then meets the normal rules
 * again (a one-time password is spent already; the trustpoint's `password`
 * is reusable by design, as on IOS, where any holder of it may enroll).
 * Replays of requests granted otherwise gain nothing: under grant auto
 * anyone is granted anyway, and a renewal is bound to its signer.
 *
 * File: text, one key per line, 32 hex digits (the first 16 bytes of
 * SHA-256(transactionID NUL senderNonce), as scep/'s ring keys them).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <openssl/evp.h>

#include "core/cs_int.h"

static void rpl_path(const pk_cs *cs, char *buf, size_t n)
{
	char file[80];

	snprintf(file, sizeof file, "%s.rpl", cs->name);
	pki_cs_db_path(cs, file, buf, n);
}

int pki_cs_replay_key(const char *tid, const unsigned char *nonce, size_t nlen,
		      unsigned char key[CS_REPLAY_KEYLEN])
{
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int mdlen = 0;
	EVP_MD_CTX *ctx;
	int ok;

	if (!tid || !nonce || !nlen)
		return -1;
	ctx = EVP_MD_CTX_new();
	ok = ctx && EVP_DigestInit_ex(ctx, EVP_sha256(), NULL) == 1 &&
	     EVP_DigestUpdate(ctx, tid, strlen(tid) + 1) == 1 &&
	     EVP_DigestUpdate(ctx, nonce, nlen) == 1 && EVP_DigestFinal_ex(ctx, md, &mdlen) == 1 &&
	     mdlen >= CS_REPLAY_KEYLEN;
	EVP_MD_CTX_free(ctx);
	if (ok)
		memcpy(key, md, CS_REPLAY_KEYLEN);
	return ok ? 0 : -1;
}

static void remember(pk_cs *cs, const unsigned char key[CS_REPLAY_KEYLEN])
{
	memcpy(cs->rpl[cs->nrpl % CS_REPLAY_KEEP], key, CS_REPLAY_KEYLEN);
	cs->nrpl++;
}

int pki_cs_replay_seen(const pk_cs *cs, const unsigned char key[CS_REPLAY_KEYLEN])
{
	size_t i, n = cs->nrpl < CS_REPLAY_KEEP ? cs->nrpl : CS_REPLAY_KEEP;

	for (i = 0; i < n; i++)
		if (memcmp(cs->rpl[i], key, CS_REPLAY_KEYLEN) == 0)
			return 1;
	return 0;
}

static void hex_of(const unsigned char key[CS_REPLAY_KEYLEN], char out[2 * CS_REPLAY_KEYLEN + 2])
{
	pki_hex(key, CS_REPLAY_KEYLEN, 0, out);
	strcat(out, "\n");
}

/* Rewrite the file with the keys in memory (oldest first). */
static int compact(pk_cs *cs)
{
	char path[4200], line[2 * CS_REPLAY_KEYLEN + 2], *text;
	size_t i, n = cs->nrpl < CS_REPLAY_KEEP ? cs->nrpl : CS_REPLAY_KEEP, start;
	int rc;

	text = malloc(n * sizeof line + 1);
	if (!text)
		return pk_err_set(PK_ENOMEM, "out of memory");
	text[0] = '\0';
	start = cs->nrpl < CS_REPLAY_KEEP ? 0 : cs->nrpl % CS_REPLAY_KEEP;
	for (i = 0; i < n; i++) {
		hex_of(cs->rpl[(start + i) % CS_REPLAY_KEEP], line);
		strcat(text, line);
	}
	rpl_path(cs, path, sizeof path);
	rc = pk_store_write(path, text, strlen(text), 0600);
	free(text);
	if (rc == 0)
		cs->rpl_lines = n;
	return rc;
}

int pki_cs_replay_add(pk_cs *cs, const unsigned char key[CS_REPLAY_KEYLEN])
{
	char path[4200], line[2 * CS_REPLAY_KEYLEN + 2];
	ssize_t w;
	int fd, rc = 0;

	remember(cs, key);
	if (cs->rpl_lines + 1 >= 2 * CS_REPLAY_KEEP)
		return compact(cs);
	rpl_path(cs, path, sizeof path);
	hex_of(key, line);
	fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
	if (fd < 0)
		return pk_err_set(PK_EIO, "%s: %s", path, strerror(errno));
	w = write(fd, line, strlen(line));
	if (w != (ssize_t)strlen(line) || fsync(fd) < 0)
		rc = pk_err_set(PK_EIO, "%s: %s", path, strerror(errno ? errno : ENOSPC));
	close(fd);
	if (rc == 0)
		cs->rpl_lines++;
	return rc;
}

void pki_cs_replay_load(pk_cs *cs)
{
	char path[4200], *data = NULL, *line, *save = NULL;
	size_t bad = 0;

	cs->nrpl = 0;
	cs->rpl_lines = 0;
	rpl_path(cs, path, sizeof path);
	if (pk_store_read(path, &data, NULL) < 0) {
		pk_err_clear();
		return;
	}
	for (line = strtok_r(data, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		unsigned char key[CS_REPLAY_KEYLEN];
		size_t i;
		int ok = strlen(line) == 2 * CS_REPLAY_KEYLEN;

		for (i = 0; ok && i < CS_REPLAY_KEYLEN; i++) {
			unsigned v;
			ok = sscanf(line + 2 * i, "%2X", &v) == 1;
			key[i] = (unsigned char)v;
		}
		cs->rpl_lines++;
		if (ok)
			remember(cs, key);
		else
			bad++;
	}
	free(data);
	if (bad)
		pk_log(PK_LOG_ERR, "%s:replay record %s.rpl has %zu damaged line%s (ignored)", cs->name,
		       cs->name, bad, bad == 1 ? "" : "s");
}

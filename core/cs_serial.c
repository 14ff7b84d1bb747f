/*
 * cs_serial.c — the serial counter NAME.ser (reservations in blocks, written
 * back at a clean stop; see cs.c's header for the whole picture).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <openssl/crypto.h>

#include "core/cs_int.h"

/* ---- NAME.ser: the serial counter ------------------------------------------------ */

int pki_cs_ser_write(pk_cs *cs, uint64_t last, uint64_t reserved)
{
	char path[4200], text[256];
	int n;

	pki_cs_db_path(cs, cs->name, path, sizeof path - 8);
	strcat(path, ".ser");
	n = snprintf(text, sizeof text,
		     "pkish-cs-serial 1\nlast %llX\nreserved %llX\narchive %u\n",
		     (unsigned long long)last, (unsigned long long)reserved, cs->archive_count);
	return pk_store_write(path, text, (size_t)n, 0600);
}

/* Read NAME.ser of the database url.  A reservation above `last` means the
 * server stopped without writing back: everything up to it may have been
 * issued, so numbering resumes above it. */
int pki_cs_ser_load(pk_cs *cs)
{
	char path[4200], *data = NULL, *line, *save = NULL;
	unsigned long long last = 0, reserved = 0;
	unsigned archive = 0;
	uint64_t eff;
	int rc;

	pki_cs_db_path(cs, cs->name, path, sizeof path - 8);
	strcat(path, ".ser");
	rc = pk_store_read(path, &data, NULL);
	if (rc < 0 && rc != PK_ENOENT)
		return rc;
	for (line = data ? strtok_r(data, "\n", &save) : NULL; line;
	     line = strtok_r(NULL, "\n", &save)) {
		if (sscanf(line, "last %llX", &last) == 1 ||
		    sscanf(line, "reserved %llX", &reserved) == 1 ||
		    sscanf(line, "archive %u", &archive) == 1)
			continue;
	}
	free(data);
	eff = last > reserved ? last : reserved;
	if (eff > cs->last_serial)
		cs->last_serial = eff;
	cs->reserved = cs->last_serial;
	if (archive > cs->archive_count)
		cs->archive_count = archive;
	cs->ser_ready = 1;
	return 0;
}

static int64_t mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* The next serial.  When the reservation is used up, reserve a new block
 * first: CS_SERIAL_BLOCK_MIN when idle, twice the last one (up to
 * CS_SERIAL_BLOCK_MAX) when the last block lasted less than two seconds,
 * so a busy server writes NAME.ser rarely and a quiet one keeps its
 * numbers tidy after a crash. */
int pki_cs_serial_next(pk_cs *cs, uint64_t *out)
{
	if (!cs->ser_ready)
		return pk_err_set(PK_ESTATE, "the serial number file is not open");
	if (cs->last_serial + 1 > cs->reserved) {
		int64_t now = mono_ms();
		uint64_t block = cs->block && now - cs->reserved_at < 2000 ? cs->block * 2 :
				 CS_SERIAL_BLOCK_MIN;
		int rc;

		if (block > CS_SERIAL_BLOCK_MAX)
			block = CS_SERIAL_BLOCK_MAX;
		rc = pki_cs_ser_write(cs, cs->last_serial, cs->last_serial + block);
		if (rc < 0)
			return rc;
		cs->reserved = cs->last_serial + block;
		cs->block = block;
		cs->reserved_at = now;
	}
	*out = ++cs->last_serial;
	return 0;
}

/* Write back the exact last serial (a clean stop). */
void pki_cs_ser_clean(pk_cs *cs)
{
	if (!cs->ser_ready)
		return;
	if (pki_cs_ser_write(cs, cs->last_serial, cs->last_serial) == 0)
		cs->reserved = cs->last_serial;
}


/*
 * cs_serial.c — the certificate server's hold on its database directory:
 * the directory lock, the serial counter NAME.ser and what a start does
 * before the first serial is handed out (see cs.c's header for the whole
 * picture; choices: docs/pki-server.md §3 "Serial numbers").
 *
 * NAME.ser (mode 0600), text:
 *
 *     pkish-cs-serial 1
 *     last 6              last serial issued (hex)
 *     reserved 16         numbers handed out up to here may have been used
 *     archive 1           archives of rollover CAs written (NAME_00001.p12)
 *     ca 1 <sha1>         the active CA certificate ("ca none": no CA)
 *
 * A number leaves the server only after NAME.ser records a reservation
 * that covers it; reservations come in blocks (CS_SERIAL_BLOCK_MIN..MAX),
 * and a clean stop writes back the exact last serial.
 *
 * A start never trusts NAME.ser alone.  It reconciles the counter with
 * what the database shows was issued — the <serial>.cnm / <serial>.crt
 * records (levels names, complete), the CA certificates, the revoked
 * serials of NAME.crl and the persisted request database — and resumes
 * above the highest of them.  When NAME.ser is missing or damaged and the
 * database keeps no records (level minimum), the last serial issued cannot
 * be known: the server does not start (`check failed`) until the operator
 * says where to resume (`serial-number 0x<hex>`).  The counter never
 * wraps: at FFFFFFFFFFFFFFFF the server issues nothing more.
 *
 * The start also finishes what a crash left half done in the directory:
 * temporary files of interrupted atomic writes go, and a <serial>.crt
 * whose <serial>.cnm was never written (level complete) gets its .cnm.
 *
 * The directory lock: <dir>/.pkish-cs.lock is flock()ed while the server
 * runs, so two servers (two devices, or one device's server and another's
 * pointing at the same unix: folder) never share a database directory.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <time.h>
#include <unistd.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>

#include "core/cs_int.h"

#define SER_MAGIC "pkish-cs-serial 1"
#define LOCK_FILE ".pkish-cs.lock"

/* ---- the directory lock -------------------------------------------------------- */

int pki_cs_db_lock(pk_cs *cs)
{
	char path[4200], who[512], line[256];
	ssize_t n;
	int fd;

	if (cs->db_fd >= 0)
		return 0;
	pki_cs_db_path(cs, LOCK_FILE, path, sizeof path);
	fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
	if (fd < 0)
		return pk_err_set(PK_EIO, "%s: %s", cs->cfg.db_url, strerror(errno));
	if (flock(fd, LOCK_EX | LOCK_NB) < 0) {
		n = pread(fd, who, sizeof who - 1, 0);
		who[n > 0 ? n : 0] = '\0';
		who[strcspn(who, "\n")] = '\0';
		close(fd);
		return pk_err_set(PK_EBUSY, "Database %s is in use by another certificate server%s%s",
				  cs->cfg.db_url, who[0] ? " (" : "", who[0] ? who : "");
	}
	n = snprintf(line, sizeof line, "server %s, device %.160s, pid %ld\n", cs->name,
		     pk_device_dir(cs->p->d), (long)getpid());
	if (ftruncate(fd, 0) < 0 || pwrite(fd, line, (size_t)n, 0) != n)
		(void)0;        /* the lock is the flock; the text only helps people */
	cs->db_fd = fd;
	return 0;
}

void pki_cs_db_unlock(pk_cs *cs)
{
	if (cs->db_fd >= 0) {
		close(cs->db_fd);
		cs->db_fd = -1;
	}
}

/* ---- NAME.ser ------------------------------------------------------------------ */

static void ser_path(const pk_cs *cs, char *buf, size_t n)
{
	char file[80];

	snprintf(file, sizeof file, "%s.ser", cs->name);
	pki_cs_db_path(cs, file, buf, n);
}

/* The "ca" line: the active CA certificate, else what NAME.ser said. */
static void ca_line(pk_cs *cs, char *buf, size_t n)
{
	X509 *ca = pki_cs_ca(cs);
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int len = 0;
	uint64_t s;

	if (cs->ca_forgotten) {
		snprintf(buf, n, "ca none\n");
		return;
	}
	if (ca && pki_cert_serial(ca, &s) == 0 && X509_digest(ca, EVP_sha1(), md, &len)) {
		cs->ser_ca = s;
		pki_hex(md, len, 0, cs->ser_ca_fp);
	}
	if (cs->ser_ca)
		snprintf(buf, n, "ca %llX %s\n", (unsigned long long)cs->ser_ca, cs->ser_ca_fp);
	else
		snprintf(buf, n, "ca none\n");
}

int pki_cs_ser_write(pk_cs *cs, uint64_t last, uint64_t reserved)
{
	char path[4200], text[512], ca[128];
	int n;

	ser_path(cs, path, sizeof path);
	ca_line(cs, ca, sizeof ca);
	n = snprintf(text, sizeof text, SER_MAGIC "\nlast %llX\nreserved %llX\narchive %u\n%s",
		     (unsigned long long)last, (unsigned long long)reserved, cs->archive_count, ca);
	return pk_store_write(path, text, (size_t)n, 0600);
}

/* 1..16 hex digits and nothing else: no sign, no 0x, no wrap. */
static int hex64(const char *s, uint64_t *out)
{
	uint64_t v = 0;
	size_t i;

	for (i = 0; s[i]; i++) {
		int c = (unsigned char)s[i], d;
		if (c >= '0' && c <= '9')
			d = c - '0';
		else if (c >= 'A' && c <= 'F')
			d = c - 'A' + 10;
		else if (c >= 'a' && c <= 'f')
			d = c - 'a' + 10;
		else
			return -1;
		if (i >= 16)
			return -1;
		v = v << 4 | (uint64_t)d;
	}
	if (i == 0)
		return -1;
	*out = v;
	return 0;
}

enum { SER_OK, SER_MISSING, SER_DAMAGED };

/* Parse NAME.ser strictly.  Returns SER_OK, SER_MISSING or SER_DAMAGED
 * (with a reason), or a negative code when the file cannot be read. */
static int ser_parse(pk_cs *cs, uint64_t *last, uint64_t *reserved, unsigned *archive,
		     char *why, size_t whyn)
{
	char path[4200], *data = NULL, *line, *save = NULL;
	int rc, have_magic = 0, have_last = 0, have_res = 0, bad = 0;
	size_t len = 0;

	*last = *reserved = 0;
	*archive = 0;
	ser_path(cs, path, sizeof path);
	rc = pk_store_read(path, &data, &len);
	if (rc == PK_ENOENT) {
		pk_err_clear();
		return SER_MISSING;
	}
	if (rc < 0)
		return rc;
	if (memchr(data, '\0', len))
		bad = 1;
	for (line = strtok_r(data, "\n", &save); line && !bad; line = strtok_r(NULL, "\n", &save)) {
		char *sp = strchr(line, ' ');
		unsigned long a;
		char *end;

		if (strcmp(line, SER_MAGIC) == 0) {
			have_magic = 1;
			continue;
		}
		if (!sp) {
			bad = 1;
			break;
		}
		*sp++ = '\0';
		if (strcmp(line, "last") == 0)
			bad = hex64(sp, last) < 0 || have_last++;
		else if (strcmp(line, "reserved") == 0)
			bad = hex64(sp, reserved) < 0 || have_res++;
		else if (strcmp(line, "archive") == 0) {
			errno = 0;
			a = strtoul(sp, &end, 10);
			bad = errno || *end || end == sp || a > 99999 || *sp == '-';
			*archive = (unsigned)a;
		} else if (strcmp(line, "ca") == 0) {
			char *fp = strchr(sp, ' ');
			uint64_t s = 0;
			if (strcmp(sp, "none") == 0) {
				cs->ser_ca = 0;
			} else if (fp && (*fp++ = '\0', hex64(sp, &s) == 0) && s &&
				   strlen(fp) == 40 && strspn(fp, "0123456789ABCDEF") == 40) {
				cs->ser_ca = s;
				memcpy(cs->ser_ca_fp, fp, 41);
			} else {
				bad = 1;
			}
			cs->ser_ca_known = !bad;
		} else {
			bad = 1;
		}
	}
	free(data);
	if (bad || !have_magic || !have_last || !have_res) {
		snprintf(why, whyn, "%s", len == 0 ? "is empty" : "is damaged");
		return SER_DAMAGED;
	}
	return SER_OK;
}

/* ---- what the database shows was issued ---------------------------------------- */

/* <hex>.cnm / <hex>.crt: the serial, and 1 (cnm) or 2 (crt); 0 otherwise. */
static int record_name(const char *name, uint64_t *serial)
{
	size_t n = strlen(name);
	char hex[20];

	if (n < 5 || n - 4 > 16 || name[n - 4] != '.' ||
	    strspn(name, "0123456789ABCDEF") != n - 4)
		return 0;
	memcpy(hex, name, n - 4);
	hex[n - 4] = '\0';
	if (hex64(hex, serial) < 0)
		return 0;
	if (strcmp(name + n - 3, "cnm") == 0)
		return 1;
	if (strcmp(name + n - 3, "crt") == 0)
		return 2;
	return 0;
}

struct scan {
	uint64_t max;            /* highest serial with a record */
	size_t records;
	uint64_t *orphans;       /* .crt without .cnm */
	size_t norphans, cap;
};

static int u64_cmp(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
	return x < y ? -1 : x > y;
}

/* One pass over the directory: remove temporary files, find the highest
 * record, and the .crt files whose .cnm is missing. */
static void scan_dir(pk_cs *cs, struct scan *sc)
{
	DIR *dh = opendir(cs->dbdir);
	struct dirent *de;
	uint64_t *cnm = NULL, *crt = NULL;
	size_t ncnm = 0, ncrt = 0, capcnm = 0, capcrt = 0, i, j;
	char path[4400];

	memset(sc, 0, sizeof *sc);
	if (!dh)
		return;
	while ((de = readdir(dh)) != NULL) {
		uint64_t s;
		int kind;

		if (pk_store_is_tmp(de->d_name)) {
			snprintf(path, sizeof path, "%s/%s", cs->dbdir, de->d_name);
			if (unlink(path) == 0)
				pk_debug(PK_DBG_SERVER, "CRYPTO_CS: removed %s, left by an interrupted write",
					 de->d_name);
			continue;
		}
		kind = record_name(de->d_name, &s);
		if (!kind)
			continue;
		sc->records++;
		if (s > sc->max)
			sc->max = s;
		if (kind == 1) {
			if (ncnm == capcnm) {
				uint64_t *nv = realloc(cnm, (capcnm = capcnm ? 2 * capcnm : 256) * sizeof *nv);
				if (!nv)
					break;
				cnm = nv;
			}
			cnm[ncnm++] = s;
		} else {
			if (ncrt == capcrt) {
				uint64_t *nv = realloc(crt, (capcrt = capcrt ? 2 * capcrt : 256) * sizeof *nv);
				if (!nv)
					break;
				crt = nv;
			}
			crt[ncrt++] = s;
		}
	}
	closedir(dh);
	if (ncrt) {
		qsort(cnm, ncnm, sizeof *cnm, u64_cmp);
		qsort(crt, ncrt, sizeof *crt, u64_cmp);
		for (i = j = 0; i < ncrt; i++) {
			while (j < ncnm && cnm[j] < crt[i])
				j++;
			if (j < ncnm && cnm[j] == crt[i])
				continue;
			if (sc->norphans == sc->cap) {
				uint64_t *nv = realloc(sc->orphans,
						       (sc->cap = sc->cap ? 2 * sc->cap : 16) * sizeof *nv);
				if (!nv)
					break;
				sc->orphans = nv;
			}
			sc->orphans[sc->norphans++] = crt[i];
		}
	}
	free(cnm);
	free(crt);
}

/* A .crt without its .cnm: the write of the record stopped half way (a
 * crash between the two files).  Complete it from the certificate. */
static void complete_orphans(pk_cs *cs, const struct scan *sc)
{
	size_t i;

	for (i = 0; i < sc->norphans; i++) {
		char path[4400], *data = NULL;
		size_t len = 0;
		X509 *x = NULL;

		snprintf(path, sizeof path, "%s/%llX.crt", cs->dbdir, (unsigned long long)sc->orphans[i]);
		if (pk_store_read(path, &data, &len) < 0 ||
		    pk_cert_parse((const unsigned char *)data, len, &x) < 0 ||
		    pki_cs_write_cnm(cs, x) < 0)
			pk_log(PK_LOG_ERR, "%s:cannot complete the record of certificate %llX: %s",
			       cs->name, (unsigned long long)sc->orphans[i], pk_err_msg());
		else
			pk_debug(PK_DBG_SERVER, "CRYPTO_CS: completed the record of certificate %llX",
				 (unsigned long long)sc->orphans[i]);
		X509_free(x);
		free(data);
	}
}

static void raise_to(uint64_t *m, const X509 *c)
{
	uint64_t s;

	if (c && pki_cert_serial(c, &s) == 0 && s > *m)
		*m = s;
}

/* The highest serial the database shows was issued (records, CA
 * certificates, revoked serials, the request database). */
uint64_t pki_cs_issued_max(const pk_cs *cs, uint64_t records_max)
{
	uint64_t m = records_max;

	raise_to(&m, pki_cs_ca(cs));
	raise_to(&m, pki_cs_rca(cs));
	if (cs->nrev && cs->rev[cs->nrev - 1].serial > m)
		m = cs->rev[cs->nrev - 1].serial;
	if (cs->reqdb_max > m)
		m = cs->reqdb_max;
	return m;
}

/* Read NAME.ser and reconcile it with the database directory (see the
 * header).  PK_ESTATE with the reason when the last serial issued cannot
 * be known. */
int pki_cs_ser_load(pk_cs *cs)
{
	uint64_t last = 0, reserved = 0, from_file, evidence;
	unsigned archive = 0;
	char why[64] = "";
	struct scan sc;
	int st, rc;

	st = ser_parse(cs, &last, &reserved, &archive, why, sizeof why);
	if (st < 0)
		return st;
	scan_dir(cs, &sc);
	if (cs->cfg.db_level == PK_DB_COMPLETE)
		complete_orphans(cs, &sc);
	free(sc.orphans);
	evidence = pki_cs_issued_max(cs, sc.max);
	from_file = last > reserved ? last : reserved;
	if (st == SER_OK) {
		if (evidence > from_file)
			pk_log(PK_LOG_WARN, "%s:serial number file %s.ser is behind the database "
			       "(it says %llX, certificate %llX was issued); continuing after %llX",
			       cs->name, cs->name, (unsigned long long)from_file,
			       (unsigned long long)evidence, (unsigned long long)evidence);
	} else {
		int fresh = st == SER_MISSING && evidence == 0 && sc.records == 0;

		if (!fresh && cs->cfg.db_level == PK_DB_MINIMUM && !cs->cfg.serial_number) {
			return pk_err_set(PK_ESTATE,
					  "Serial number file %s.ser %s and database level minimum keeps no "
					  "certificate records: the last serial number issued is unknown. "
					  "Restore %s.ser, or configure serial-number 0x<last serial issued>",
					  cs->name, st == SER_MISSING ? "is missing" : why, cs->name);
		}
		if (!fresh)
			pk_log(PK_LOG_WARN, "%s:serial number file %s.ser %s; continuing after serial "
			       "%llX, the highest %s", cs->name, cs->name,
			       st == SER_MISSING ? "is missing" : why,
			       (unsigned long long)(evidence > cs->cfg.serial_number ? evidence :
						    cs->cfg.serial_number),
			       evidence >= cs->cfg.serial_number ? "in the database" :
			       "configured with serial-number");
		from_file = 0;
	}
	if (evidence > from_file)
		from_file = evidence;
	if (from_file > cs->last_serial)
		cs->last_serial = from_file;
	cs->reserved = cs->last_serial;
	if (archive > cs->archive_count)
		cs->archive_count = archive;
	cs->ser_ready = 1;
	/* what was recovered is written at once */
	if (st != SER_OK || evidence > last) {
		rc = pki_cs_ser_write(cs, cs->last_serial, cs->reserved);
		if (rc < 0)
			return rc;
	}
	return 0;
}

/* A CA certificate was issued under this name before (NAME.ser names it),
 * or NAME.ser counts serials without saying which CA: the CA may not be
 * minted again while its certificate is missing. */
int pki_cs_had_ca(const pk_cs *cs)
{
	return cs->ser_ca != 0 || (!cs->ser_ca_known && cs->last_serial > 0);
}

/* `no crypto pki server NAME`: the server is deleted on purpose, so a new
 * server of that name on this database may make a new CA (continuing the
 * serial numbers): NAME.ser says "ca none" from now on. */
void pki_cs_ser_forget_ca(pk_cs *cs)
{
	uint64_t last, reserved;
	unsigned archive;
	char why[64], path[4096];

	cs->ca_forgotten = 1;
	if (cs->ser_ready)
		return;          /* pki_cs_free writes it back */
	if (!cs->dbdir[0]) {
		if (pk_device_path(cs->p->d, cs->cfg.db_url, path, sizeof path) < 0) {
			pk_err_clear();
			return;
		}
		snprintf(cs->dbdir, sizeof cs->dbdir, "%s", path);
	}
	if (ser_parse(cs, &last, &reserved, &archive, why, sizeof why) != SER_OK) {
		pk_err_clear();
		return;
	}
	cs->archive_count = archive;
	if (pki_cs_ser_write(cs, last > reserved ? last : reserved,
			     last > reserved ? last : reserved) < 0)
		pk_log(PK_LOG_ERR, "%s:cannot update %s.ser: %s", cs->name, cs->name, pk_err_msg());
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
	if (cs->last_serial == UINT64_MAX)
		return pk_err_set(PK_ESTATE, "Serial numbers are exhausted (last issued %llX)",
				  (unsigned long long)cs->last_serial);
	if (cs->last_serial + 1 > cs->reserved) {
		int64_t now = mono_ms();
		uint64_t block = cs->block && now - cs->reserved_at < 2000 ? cs->block * 2 :
				 CS_SERIAL_BLOCK_MIN, upto;
		int rc;

		if (block > CS_SERIAL_BLOCK_MAX)
			block = CS_SERIAL_BLOCK_MAX;
		upto = UINT64_MAX - cs->last_serial < block ? UINT64_MAX : cs->last_serial + block;
		rc = pki_cs_ser_write(cs, cs->last_serial, upto);
		if (rc < 0)
			return rc;
		cs->reserved = upto;
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

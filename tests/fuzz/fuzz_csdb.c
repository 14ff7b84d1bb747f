/*
 * fuzz_csdb.c — libFuzzer target for the certificate server's database
 * directory as a start reads it (core/cs_serial.c NAME.ser and the
 * reconciliation of the counter with the records, cs_rec.c <serial>.cnm
 * and <serial>.crt, cs_reqdb.c NAME.rdb, cs_crl.c NAME.crl, cs_replay.c
 * NAME.rpl, leftover temporary files): a server ROOTCA of a device in a
 * temporary directory (tmpfs), its CA made once per process from the
 * fixture key at a fixed date, starts (no shutdown) on a database
 * directory that holds the fuzzed files.
 *
 * Input: a header byte (bits 0-1 database level minimum / names /
 * complete; bit 2 grant manual, else auto), then files:
 *   u8 name length, name, u16 content length (big-endian), content
 * A name is 1..64 of [A-Za-z0-9._#-] and not "." or ".." (others are
 * skipped); the directory is emptied before each input.
 * After the start: everything `show crypto pki server` and its
 * `requests`, `certificates` and `crl` read is read; then one request is
 * submitted, the server restarts (shutdown, no shutdown) and one more is
 * submitted.
 * Invariants (abort = finding): a serial number is never issued twice:
 * every certificate issued after the start has a serial above every
 * serial the database lists as issued or revoked (and above the last
 * serial the server says it issued), and the one after the restart is
 * above that; no crash, leak or undefined behaviour.
 *
 * PKISH_FUZZ_MKSEED=DIR: instead of fuzzing, run the server for real
 * (requests granted and pending, a revocation, a restart) at each
 * database level and write its database directory as seed files of this
 * format into DIR (tests/fuzz/seeds/csdb.sh).  Seeds:
 * tests/fuzz/corpus/csdb/.
 */
#include <dirent.h>
#include <stdint.h>

#include <openssl/err.h>
#include <openssl/pem.h>

#include "core/pk.h"
#include "core/pki_int.h"
#include "tests/fuzz/env.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
void fuzz_sandbox_reset(void);

static pk_device *dev;
static pk_pki *pki;
static pk_cs *cs;
static char dbdir[400];          /* DEV/flash/db */
static unsigned char *csr_der[3];
static size_t csr_len[3];

static void mkseeds(const char *out);

/* The DER of a request for CN=<cn>, key idx of the test keys. */
static void make_csr(int idx, const char *cn)
{
	EVP_PKEY *k = fz_fixture_key("cs/test-keys.pem", idx);
	X509_REQ *r = X509_REQ_new();
	X509_NAME *n = X509_NAME_new();
	int len;

	if (!r || !n ||
	    !X509_NAME_add_entry_by_txt(n, "CN", MBSTRING_ASC, (const unsigned char *)cn, -1, -1, 0) ||
	    !X509_REQ_set_subject_name(r, n) || !X509_REQ_set_pubkey(r, k) ||
	    X509_REQ_sign(r, k, EVP_sha256()) <= 0 || (len = i2d_X509_REQ(r, &csr_der[idx])) <= 0)
		fz_die("cannot make a request");
	csr_len[idx] = (size_t)len;
	X509_NAME_free(n);
	X509_REQ_free(r);
	EVP_PKEY_free(k);
}

static void set_mode(int level, int manual)
{
	struct pk_cs_config c;

	pk_cs_get_config(cs, &c);
	c.db_level = level;
	c.grant = manual ? PK_GRANT_MANUAL : PK_GRANT_AUTO;
	if (pk_cs_set_config(cs, &c) < 0)
		fz_die("cannot configure the server");
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	char dir[320], *pem;
	struct pk_cs_config c;
	const char *mk = getenv("PKISH_FUZZ_MKSEED");
	int i;

	(void)argc;
	(void)argv;
	snprintf(dir, sizeof dir, "%s/dev", fz_dir("csdb"));
	snprintf(dbdir, sizeof dbdir, "%s/flash/db", dir);
	if (pk_device_open(dir, 1, &dev) < 0 || pk_pki_open(dev, &pki) < 0)
		fz_die("cannot open the device");
	pk_device_lock(dev);
	pk_device_clock_set(dev, tmr_from_civil(2020, 1, 1, 0, 0, 0));
	pk_device_set_http_enabled(dev, 1);
	pem = fz_fixture("ca_key.pem", NULL);
	if (pk_key_import(pki, "ROOTCA", NULL, pem, NULL, 0) < 0)
		fz_die("cannot import the CA key");
	free(pem);
	if (pk_store_mkdirs(dbdir, 0700) < 0 || pk_cs_create(pki, "ROOTCA", &cs) < 0)
		fz_die("cannot create the server");
	pk_cs_get_config(cs, &c);
	snprintf(c.db_url, sizeof c.db_url, "flash:/db/");
	snprintf(c.issuer, sizeof c.issuer, "CN=RootCA,O=Fuzz");
	c.archive = PK_ARCHIVE_NONE;
	c.db_level = PK_DB_COMPLETE;
	c.grant = PK_GRANT_AUTO;
	if (pk_cs_set_config(cs, &c) < 0 || pk_cs_enable(cs, NULL) < 0 || !pk_cs_ca_cert(cs))
		fz_die("cannot make the CA");
	pk_cs_disable(cs);
	for (i = 0; i < 3; i++) {
		char cn[16];
		snprintf(cn, sizeof cn, "R%d", i + 1);
		make_csr(i, cn);
	}
	pk_debug_set(PK_DBG__ALL, 1);
	pk_device_unlock(dev);
	if (mk) {
		mkseeds(mk);
		exit(0);
	}
	return 0;
}

static int name_ok(const char *n, size_t len)
{
	size_t i;

	if (len == 0 || len > 64 || (len == 1 && n[0] == '.') || (len == 2 && !memcmp(n, "..", 2)))
		return 0;
	for (i = 0; i < len; i++)
		if (!strchr("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._#-", n[i]) ||
		    n[i] == '\0')
			return 0;
	return 1;
}

/* The highest serial the database lists (issued, revoked) and the server
 * says it issued. */
static uint64_t listed_max(void)
{
	size_t i, n = pk_cs_issued(cs, NULL, 0);
	struct pk_issued_view *v = calloc(n ? n : 1, sizeof *v);
	struct pk_cs_view cv;
	struct pk_crl_view crl;
	char serial[84];
	tmr_ms when;
	uint64_t max = 0, s;

	if (!v)
		fz_die("out of memory");
	n = pk_cs_issued(cs, v, n);
	for (i = 0; i < n; i++) {
		FZ_CHECK(pki_parse_serial(v[i].serial, &s) == 0);
		if (s > max)
			max = s;
	}
	free(v);
	if (pk_cs_crl_view(cs, &crl) == 0)
		for (i = 0; i < crl.n; i++)
			if (pk_cs_crl_entry(cs, i, serial, sizeof serial, &when) == 0 &&
			    pki_parse_serial(serial, &s) == 0 && s > max)
				max = s;
	pk_cs_view(cs, &cv);
	if (cv.last_serial[0] && pki_parse_serial(cv.last_serial, &s) == 0 && s > max)
		max = s;
	return max;
}

/* What the show commands read. */
static void read_all(void)
{
	size_t i, n = pk_cs_requests(cs, NULL, 0);
	struct pk_req_view *r = calloc(n ? n : 1, sizeof *r);
	struct pk_cs_view v;

	if (!r)
		fz_die("out of memory");
	n = pk_cs_requests(cs, r, n);
	for (i = 0; i < n; i++) {
		FZ_CHECK(r[i].state >= PK_REQ_PENDING && r[i].state <= PK_REQ_REJECTED);
		FZ_CHECK(memchr(r[i].subject, '\0', sizeof r[i].subject) != NULL);
		pk_cs_request_cert(cs, r[i].id);
	}
	free(r);
	pk_cs_view(cs, &v);
	FZ_CHECK(memchr(v.why, '\0', sizeof v.why) != NULL);
}

/* One request, granted at once (grant auto) or pending: a new serial is
 * above max. */
static uint64_t issue_one(int idx, uint64_t max)
{
	long id = 0;
	const X509 *c;
	uint64_t s = 0;

	if (pk_cs_submit_csr(cs, csr_der[idx], csr_len[idx], &id) != 0 || id <= 0)
		return max;
	c = pk_cs_request_cert(cs, id);
	if (c) {
		FZ_CHECK(pki_cert_serial(c, &s) == 0);
		FZ_CHECK(s > max);
		return s;
	}
	return max;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fz_in in = { data, size };
	unsigned hdr;
	uint64_t max;

	if (size < 1)
		return 0;
	fuzz_sandbox_reset();
	hdr = fz_u8(&in);
	fz_rmtree(dbdir, 0);
	while (fz_more(&in)) {
		const uint8_t *name;
		size_t nlen = fz_bytes(&in, 255, &name), clen = fz_u16(&in);
		char path[600];

		if (clen > in.n)
			clen = in.n;
		if (name_ok((const char *)name, nlen)) {
			snprintf(path, sizeof path, "%s/%.*s", dbdir, (int)nlen, (const char *)name);
			if (pk_store_write(path, in.p, clen, 0600) < 0)
				fz_die("cannot write a database file");
		}
		in.p += clen;
		in.n -= clen;
	}
	pk_device_lock(dev);
	set_mode((int)(hdr & 3) % 3, (hdr >> 2) & 1);
	pk_cs_enable(cs, NULL);
	read_all();
	if (cs->enabled) {
		max = listed_max();
		max = issue_one(0, max);
		pk_cs_disable(cs);
		pk_cs_enable(cs, NULL);
		read_all();
		if (cs->enabled) {
			uint64_t again = listed_max();
			FZ_CHECK(again >= max);
			issue_one(1, again);
		}
	}
	pk_cs_disable(cs);
	pk_err_clear();
	ERR_clear_error();
	pk_device_unlock(dev);
	return 0;
}

/* ---- seeds ------------------------------------------------------------------------------ */

static void put_u8(FILE *f, unsigned v)
{
	fputc((int)(v & 0xff), f);
}

/* The database directory as one input of this target. */
static void dump(const char *out, const char *name, unsigned hdr)
{
	char path[700];
	struct dirent **list = NULL;
	FILE *f;
	int i, n;

	snprintf(path, sizeof path, "%s/%s", out, name);
	f = fopen(path, "wb");
	if (!f)
		fz_die("cannot write a seed");
	put_u8(f, hdr);
	n = scandir(dbdir, &list, NULL, alphasort);
	for (i = 0; i < n; i++) {
		char file[700], *data = NULL;
		size_t len = 0, nl = strlen(list[i]->d_name);

		snprintf(file, sizeof file, "%s/%s", dbdir, list[i]->d_name);
		if (name_ok(list[i]->d_name, nl) && strcmp(list[i]->d_name, ".pkish-cs.lock") != 0 &&
		    pk_store_read(file, &data, &len) == 0 && len < 65536) {
			put_u8(f, (unsigned)nl);
			fwrite(list[i]->d_name, 1, nl, f);
			put_u8(f, (unsigned)(len >> 8));
			put_u8(f, (unsigned)len);
			fwrite(data, 1, len, f);
		}
		free(data);
		free(list[i]);
	}
	free(list);
	if (fclose(f) != 0)
		fz_die("cannot write a seed");
}

static void mkseeds(const char *out)
{
	static const char *names[3] = { "minimum", "names", "complete" };
	int level;

	pk_device_lock(dev);
	for (level = 0; level < 3; level++) {
		char name[64];
		fz_rmtree(dbdir, 0);
		set_mode(level, 0);
		if (pk_cs_enable(cs, NULL) < 0)
			fz_die("cannot start the server");
		char hex[24];
		uint64_t first = issue_one(0, 0);
		issue_one(1, 0);
		snprintf(hex, sizeof hex, "%llX", (unsigned long long)first);
		if (!first || pk_cs_revoke(cs, hex) < 0)
			fz_die("cannot revoke");
		pk_cs_disable(cs);
		set_mode(level, 1);
		pk_cs_enable(cs, NULL);
		issue_one(2, 0);             /* pending */
		pk_cs_disable(cs);
		snprintf(name, sizeof name, "level-%s", names[level]);
		dump(out, name, (unsigned)level | 4);
	}
	pk_device_unlock(dev);
}

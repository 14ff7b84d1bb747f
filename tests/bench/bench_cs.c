/*
 * bench_cs.c — the certificate server's benchmarks (issue 4), run by
 * tests/bench/run.sh; results in docs/performance.md.
 *
 *   build/bench/bench_cs issue N KEY.pem [complete]
 *       Issues N certificates through the core, as the SCEP server does but
 *       without HTTP: pk_cs_scep (decision, serial, certificate to sign)
 *       and pk_cs_record under the device lock, pk_cs_sign outside it.  The
 *       CA key is KEY.pem (RSA-2048 in run.sh), `grant auto`, database level
 *       minimum (or complete: two records written with fsync per
 *       certificate).  The requests (1,024-bit client key, one subject each)
 *       are made before the clock starts.  Prints one line of key=value:
 *       certs, wall_s, per_s, cpu_us (process CPU per certificate),
 *       sign_us (one EVP_DigestSign with the same key and hash, measured
 *       here too), locked_us (time under the lock per certificate).
 *
 *   build/bench/bench_cs challenge SECRET GUESS N KEY.pem
 *       Sets the server trustpoint's challenge password to SECRET and
 *       checks GUESS against it N times (pki_cs_challenge); run.sh counts
 *       the instructions under callgrind for guesses of several lengths, to
 *       show that the cost does not tell a guess of the secret's length
 *       from another (issue 10).
 *
 *   build/bench/bench_cs records DBDIR NAME KEY.pem N
 *       Fills the database folder of server NAME with N more issued
 *       certificates at level complete, in the documented format
 *       (docs/pki-server.md §1): <serial>.cnm and <serial>.crt, serials
 *       after the last one of NAME.ser, which is then rewritten.  Each
 *       certificate is real (subject CN=bench-<serial>, issued by the CA of
 *       1.crt, signed with KEY.pem), built with plain OpenSSL on every CPU
 *       and written without fsync: this is set-up, not the measurement.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <openssl/err.h>
#include <openssl/objects.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>
#include <openssl/x509.h>

#include "core/device.h"
#include "core/err.h"
#include "core/pki.h"
#include "core/pki_int.h"
#include "core/store.h"

static void die(const char *what)
{
	fprintf(stderr, "bench_cs: %s: %s\n", what, pk_err_msg());
	ERR_print_errors_fp(stderr);
	exit(1);
}

static double now_s(clockid_t id)
{
	struct timespec ts;

	clock_gettime(id, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static char *slurp(const char *path)
{
	char *data = NULL;

	if (pk_store_read(path, &data, NULL) < 0)
		die(path);
	return data;
}

/* ---- issue ------------------------------------------------------------------- */

static int issue(int n, const char *keyfile, int complete)
{
	char dir[] = "/tmp/pkish-bench-cs.XXXXXX", *pem = slurp(keyfile), txid[32], cn[64];
	pk_device *d = NULL;
	pk_pki *p = NULL;
	pk_cs *cs = NULL;
	struct pk_cs_config c;
	EVP_PKEY *ck = EVP_PKEY_Q_keygen(NULL, NULL, "RSA", (size_t)1024), *cak;
	X509_REQ **csr = calloc((size_t)n, sizeof *csr);
	unsigned char **der = calloc((size_t)n, sizeof *der), sig[1024];
	int *len = calloc((size_t)n, sizeof *len), i;
	double w0, w1, c0, c1, locked = 0, s0, s1;
	size_t siglen;

	if (!mkdtemp(dir) || !ck || !csr || !der || !len)
		die("set-up");
	for (i = 0; i < n; i++) {
		X509_NAME *name = X509_NAME_new();
		snprintf(cn, sizeof cn, "bench-%d", i);
		csr[i] = X509_REQ_new();
		X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC, (unsigned char *)cn, -1, -1, 0);
		X509_REQ_set_subject_name(csr[i], name);
		X509_NAME_free(name);
		X509_REQ_set_pubkey(csr[i], ck);
		if (!X509_REQ_sign(csr[i], ck, EVP_sha256()))
			die("request");
		der[i] = NULL;
		len[i] = i2d_X509_REQ(csr[i], &der[i]);
	}
	if (pk_device_open(dir, 1, &d) < 0 || pk_pki_open(d, &p) < 0)
		die("device");
	pk_device_lock(d);
	pk_device_clock_set(d, (tmr_ms)1444392856000LL);          /* the seed's instant */
	pk_device_set_http_enabled(d, 1);
	if (pk_key_import(p, "CA", NULL, pem, NULL, 0) < 0 || pk_cs_create(p, "CA", &cs) < 0)
		die("CA key");
	pk_cs_get_config(cs, &c);
	snprintf(c.db_url, sizeof c.db_url, "flash:db/");
	c.db_level = complete ? PK_DB_COMPLETE : PK_DB_MINIMUM;
	c.archive = PK_ARCHIVE_NONE;
	c.grant = PK_GRANT_AUTO;
	if (pk_cs_set_config(cs, &c) < 0 || pk_cs_enable(cs, NULL) < 0)
		die("enable");
	cak = pk_key_evp(pk_key_find(p, "CA"));
	pk_device_unlock(d);

	w0 = now_s(CLOCK_MONOTONIC);
	c0 = now_s(CLOCK_PROCESS_CPUTIME_ID);
	for (i = 0; i < n; i++) {
		struct pk_scep_req r;
		struct pk_scep_result res;
		double a, b;

		memset(&r, 0, sizeof r);
		snprintf(txid, sizeof txid, "bench-%d", i);
		r.kind = PK_SCEP_PKCSREQ;
		r.transaction_id = txid;
		r.csr = csr[i];
		r.csr_der = der[i];
		r.csr_len = (size_t)len[i];
		a = now_s(CLOCK_MONOTONIC);
		pk_device_lock(d);
		if (pk_cs_scep(cs, &r, &res) < 0 || res.status != PK_SCEP_SUCCESS)
			die("pk_cs_scep");
		pk_device_unlock(d);
		b = now_s(CLOCK_MONOTONIC);
		locked += b - a;
		if (pk_cs_sign(&res) < 0)
			die("pk_cs_sign");
		a = now_s(CLOCK_MONOTONIC);
		pk_device_lock(d);
		if (pk_cs_record(cs, &res) < 0)
			die("pk_cs_record");
		pk_device_unlock(d);
		locked += now_s(CLOCK_MONOTONIC) - a;
		pk_scep_result_free(&res);
	}
	c1 = now_s(CLOCK_PROCESS_CPUTIME_ID);
	w1 = now_s(CLOCK_MONOTONIC);

	/* the floor, in the same process: one signature with the CA key */
	s0 = now_s(CLOCK_PROCESS_CPUTIME_ID);
	for (i = 0; i < n; i++) {
		EVP_MD_CTX *ctx = EVP_MD_CTX_new();
		siglen = sizeof sig;
		if (!ctx || EVP_DigestSignInit(ctx, NULL, EVP_md5(), NULL, cak) != 1 ||
		    EVP_DigestSign(ctx, sig, &siglen, der[i], (size_t)len[i]) != 1)
			die("sign");
		EVP_MD_CTX_free(ctx);
	}
	s1 = now_s(CLOCK_PROCESS_CPUTIME_ID);
	printf("certs=%d wall_s=%.3f per_s=%.1f cpu_us=%.1f sign_us=%.1f locked_us=%.1f bits=%d\n",
	       n, w1 - w0, n / (w1 - w0), (c1 - c0) / n * 1e6, (s1 - s0) / n * 1e6,
	       locked / n * 1e6, EVP_PKEY_get_bits(cak));

	pk_device_lock(d);
	pk_pki_free(p);
	pk_device_unlock(d);
	pk_device_free(d);
	for (i = 0; i < n; i++) {
		X509_REQ_free(csr[i]);
		OPENSSL_free(der[i]);
	}
	free(csr);
	free(der);
	free(len);
	free(pem);
	EVP_PKEY_free(ck);
	{
		char cmd[128];
		snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
		if (system(cmd) != 0)
			fprintf(stderr, "bench_cs: could not remove %s\n", dir);
	}
	return 0;
}

/* ---- records ----------------------------------------------------------------- */

struct job {
	const char *dir;
	X509 *ca;
	EVP_PKEY *key;
	X509_PUBKEY *spki;
	unsigned long long first, last;
	int failed;
};

/* The subject key as encoded once: X509_set_pubkey would re-encode the key
 * through OpenSSL 3.0's encoders for every certificate (~0.5 ms). */
static int set_spki(X509 *x, X509_PUBKEY *spki)
{
	const unsigned char *bits;
	unsigned char *copy;
	int len;

	if (!X509_PUBKEY_get0_param(NULL, &bits, &len, NULL, spki) ||
	    !(copy = OPENSSL_memdup(bits, (size_t)len)))
		return 0;
	if (!X509_PUBKEY_set0_param(X509_get_X509_PUBKEY(x), OBJ_nid2obj(NID_rsaEncryption),
				    V_ASN1_NULL, NULL, copy, len)) {
		OPENSSL_free(copy);
		return 0;
	}
	return 1;
}

static void iso(time_t t, char *buf, size_t n)
{
	struct tm tm;

	gmtime_r(&t, &tm);
	strftime(buf, n, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

static int put(const char *path, const void *data, size_t len)
{
	FILE *f = fopen(path, "wb");
	int ok = f && fwrite(data, 1, len, f) == len;

	if (f && fclose(f) != 0)
		ok = 0;
	return ok ? 0 : -1;
}

static void *records_range(void *arg)
{
	struct job *j = arg;
	struct tm tm;
	time_t nb;
	unsigned long long s;
	char path[4200], text[512], a[32], b[32], cn[64];

	/* issued a minute after the CA was made */
	if (!ASN1_TIME_to_tm(X509_get0_notBefore(j->ca), &tm)) {
		j->failed = 1;
		return NULL;
	}
	nb = timegm(&tm) + 60;
	iso(nb, a, sizeof a);
	iso(nb + 365 * 86400, b, sizeof b);
	for (s = j->first; s <= j->last && !j->failed; s++) {
		X509 *x = X509_new();
		X509_NAME *name = X509_NAME_new();
		unsigned char *der = NULL;
		int len, n;

		snprintf(cn, sizeof cn, "bench-%llX", s);
		X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC, (unsigned char *)cn, -1, -1, 0);
		if (!x || !X509_set_version(x, 2) ||
		    !ASN1_INTEGER_set_uint64(X509_get_serialNumber(x), s) ||
		    !X509_set_issuer_name(x, X509_get_subject_name(j->ca)) ||
		    !X509_set_subject_name(x, name) || !set_spki(x, j->spki) ||
		    !ASN1_TIME_set(X509_getm_notBefore(x), nb) ||
		    !ASN1_TIME_set(X509_getm_notAfter(x), nb + 365 * 86400) ||
		    !X509_sign(x, j->key, EVP_md5()) || (len = i2d_X509(x, &der)) <= 0) {
			j->failed = 1;
		} else {
			snprintf(path, sizeof path, "%s/%llX.crt", j->dir, s);
			n = snprintf(text, sizeof text, "serial %llX\nissued %s\nexpires %s\nsubject cn=%s\n",
				     s, a, b, cn);
			if (put(path, der, (size_t)len) < 0)
				j->failed = 1;
			snprintf(path, sizeof path, "%s/%llX.cnm", j->dir, s);
			if (put(path, text, (size_t)n) < 0)
				j->failed = 1;
		}
		OPENSSL_free(der);
		X509_NAME_free(name);
		X509_free(x);
	}
	return NULL;
}

static int records(const char *dir, const char *name, const char *keyfile, long n)
{
	char path[4200], *data, *pem = slurp(keyfile), text[256];
	unsigned long long last = 0, reserved = 0, first;
	unsigned archive = 0;
	const unsigned char *pp;
	long ncpu = sysconf(_SC_NPROCESSORS_ONLN), i, per;
	struct job *jobs;
	pthread_t *th;
	X509 *ca;
	EVP_PKEY *key, *subject_key = EVP_PKEY_Q_keygen(NULL, NULL, "RSA", (size_t)1024);
	X509_PUBKEY *spki = NULL;
	BIO *b = BIO_new_mem_buf(pem, -1);
	size_t len = 0;
	int failed = 0, tl;

	key = PEM_read_bio_PrivateKey(b, NULL, NULL, NULL);
	BIO_free(b);
	snprintf(path, sizeof path, "%s/1.crt", dir);
	if (pk_store_read(path, &data, &len) < 0)
		die(path);
	pp = (const unsigned char *)data;
	ca = d2i_X509(NULL, &pp, (long)len);
	free(data);
	if (!key || !ca || !subject_key || !X509_PUBKEY_set(&spki, subject_key))
		die("CA key or certificate");
	snprintf(path, sizeof path, "%s/%s.ser", dir, name);
	data = slurp(path);
	{
		char *line, *save = NULL;
		for (line = strtok_r(data, "\n", &save); line; line = strtok_r(NULL, "\n", &save))
			if (sscanf(line, "last %llX", &last) != 1 &&
			    sscanf(line, "reserved %llX", &reserved) != 1)
				sscanf(line, "archive %u", &archive);
	}
	free(data);
	first = (last > reserved ? last : reserved) + 1;
	if (ncpu < 1)
		ncpu = 1;
	per = (n + ncpu - 1) / ncpu;
	jobs = calloc((size_t)ncpu, sizeof *jobs);
	th = calloc((size_t)ncpu, sizeof *th);
	for (i = 0; i < ncpu; i++) {
		jobs[i].dir = dir;
		jobs[i].ca = ca;
		jobs[i].key = key;
		jobs[i].spki = spki;
		jobs[i].first = first + (unsigned long long)(i * per);
		jobs[i].last = first + (unsigned long long)((i + 1) * per) - 1;
		if (jobs[i].last > first + (unsigned long long)n - 1)
			jobs[i].last = first + (unsigned long long)n - 1;
		pthread_create(&th[i], NULL, records_range, &jobs[i]);
	}
	for (i = 0; i < ncpu; i++) {
		pthread_join(th[i], NULL);
		failed |= jobs[i].failed;
	}
	if (failed)
		die("writing records");
	last = first + (unsigned long long)n - 1;
	tl = snprintf(text, sizeof text, "pkish-cs-serial 1\nlast %llX\nreserved %llX\narchive %u\n",
		      last, last, archive);
	snprintf(path, sizeof path, "%s/%s.ser", dir, name);
	if (pk_store_write(path, text, (size_t)tl, 0600) < 0)
		die(path);
	printf("records=%ld first=%llX last=%llX\n", n, first, last);
	free(jobs);
	free(th);
	free(pem);
	X509_free(ca);
	EVP_PKEY_free(key);
	EVP_PKEY_free(subject_key);
	X509_PUBKEY_free(spki);
	return 0;
}

static int challenge(const char *secret, const char *guess, long n, const char *keyfile)
{
	char dir[] = "/tmp/pkish-bench-ch.XXXXXX", *pem = slurp(keyfile), cmd[64];
	pk_device *d = NULL;
	pk_pki *p = NULL;
	pk_cs *cs = NULL;
	pk_tp *t;
	struct pk_cs_config c;
	struct pk_tp_config tc;
	long i, hits = 0;

	if (!mkdtemp(dir) || pk_device_open(dir, 1, &d) < 0 || pk_pki_open(d, &p) < 0)
		die("device");
	pk_device_lock(d);
	pk_device_clock_set(d, (tmr_ms)1444392856000LL);
	pk_device_set_http_enabled(d, 1);
	if (pk_key_import(p, "CA", NULL, pem, NULL, 0) < 0 || pk_cs_create(p, "CA", &cs) < 0)
		die("CA key");
	pk_cs_get_config(cs, &c);
	c.archive = PK_ARCHIVE_NONE;
	if (pk_cs_set_config(cs, &c) < 0 || pk_cs_enable(cs, NULL) < 0 || !(t = pk_tp_find(p, "CA")))
		die("enable");
	pk_tp_get_config(t, &tc);
	snprintf(tc.password, sizeof tc.password, "%s", secret);
	tc.password_set = 1;
	if (pk_tp_set_config(t, &tc) < 0)
		die("password");
	for (i = 0; i < n; i++)
		hits += pki_cs_challenge(cs, guess) == 1;
	pk_device_unlock(d);
	printf("checks=%ld matches=%ld\n", n, hits);
	pk_pki_free(p);
	pk_device_free(d);
	free(pem);
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
	return system(cmd) == 0 ? 0 : 1;
}

int main(int argc, char **argv)
{
	if (argc == 6 && strcmp(argv[1], "challenge") == 0)
		return challenge(argv[2], argv[3], atol(argv[4]), argv[5]);
	if (argc >= 4 && strcmp(argv[1], "issue") == 0)
		return issue(atoi(argv[2]), argv[3], argc > 4 && strcmp(argv[4], "complete") == 0);
	if (argc == 6 && strcmp(argv[1], "records") == 0)
		return records(argv[2], argv[3], argv[4], atol(argv[5]));
	fprintf(stderr, "usage: bench_cs issue N KEY.pem [complete]\n"
		"       bench_cs challenge SECRET GUESS N KEY.pem\n"
		"       bench_cs records DBDIR NAME KEY.pem N\n");
	return 2;
}

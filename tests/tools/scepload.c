/*
 * scepload.c — SCEP enrollment load generator (make check's concurrency
 * test, make bench's enrollment benchmark).
 *
 *   scepload [options] URL
 *     -k KEY     a client key (PEM); repeat it: request i uses key i mod K
 *     -n N       enrollments (default 100)
 *     -c C       concurrent clients (default 1)
 *     -p PW      challengePassword in every CSR
 *     -N PREFIX  subject CN prefix (default "load"); request i is PREFIX-i
 *     -P PID     the server process: its CPU time (utime+stime) and memory
 *                (VmRSS, VmHWM) are read from /proc around the measured part
 *     -m STEP    with -P: sample VmRSS after every STEP enrollments
 *     -g         PKIOperation by GET (IOS style) instead of POST
 *     -s FILE    write the issued serial numbers (hex), one per line
 *
 * Three phases.  Preparation, not measured: GetCACert, then every request
 * is built in advance on all CPUs (a temporary self-signed signer per key,
 * a CSR with CN PREFIX-i, the SCEP PKCSReq enveloped for the CA, a unique
 * transactionID).  Measured: C threads each take the next request, POST it
 * on a new HTTP/1.0 connection and keep the raw answer.  Checking, not
 * measured: every answer is parsed as a CertRep for its request (CA
 * signature, transactionID, recipientNonce), decrypted, and the serial
 * numbers of the issued certificates are compared for duplicates.
 *
 * Output, one key=value per line: requests, success, pending, failure,
 * errors (no HTTP answer or not a CertRep for the request), wall_ms,
 * per_sec, latency_ms_p50, _p99 and _max (each exchange, connect to
 * answer), then with -P server_cpu_ms (server_sys_ms of it in the kernel),
 * cpu_ms_per_enrollment, rss_kb_before,
 * rss_kb_after, hwm_kb and (with -m) rss_kb_at=N:KB,...; always unique_serials
 * and duplicates.  Exit status 0 when every request got SUCCESS and no
 * serial repeats, 1 otherwise, 2 on usage errors.
 */
#include <getopt.h>
#include <pthread.h>
#include <stdatomic.h>

#include <openssl/rand.h>

#include "tests/tools/tool.h"

#define MAX_KEYS 256

struct job {
	unsigned char *der;          /* the request */
	size_t len;
	unsigned char nonce[SCEP_NONCE_LEN];
	char tid[40];
	int key;                     /* index into keys */
	int http;                    /* answer: HTTP status, 0 none */
	unsigned char *rep;          /* answer body */
	size_t replen;
	int status;                  /* after checking: SCEP status, -1 error */
	long us;                     /* the exchange's latency, microseconds */
	char serial[80];
};

static struct {
	struct turl u;
	X509 *ca;
	EVP_PKEY *keys[MAX_KEYS];
	X509 *signers[MAX_KEYS];
	int nkeys;
	struct job *jobs;
	long n;
	const char *prefix, *pw;
	int get;
	int pid;
	long step;
	atomic_long next, done;
	long *rss_at;                /* VmRSS after k*step enrollments */
	int failed_build;
} G;

static void die(const char *msg)
{
	fprintf(stderr, "scepload: %s\n", msg);
	ERR_print_errors_fp(stderr);
	exit(2);
}

static int ncpu(void)
{
	long n = sysconf(_SC_NPROCESSORS_ONLN);
	return n < 1 ? 1 : n > 64 ? 64 : (int)n;
}

/* utime+stime of PID in milliseconds (*sys_ms: stime alone), -1 when
 * unreadable. */
static long cpu_ms(int pid, long *sys_ms)
{
	char path[64], buf[1024], *p;
	unsigned long ut, st;
	FILE *f;
	size_t n;

	snprintf(path, sizeof path, "/proc/%d/stat", pid);
	if (!(f = fopen(path, "r")))
		return -1;
	n = fread(buf, 1, sizeof buf - 1, f);
	fclose(f);
	buf[n] = '\0';
	p = strrchr(buf, ')');        /* the command name may hold blanks */
	if (!p || sscanf(p + 2, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %lu %lu", &ut, &st) != 2)
		return -1;
	*sys_ms = (long)(st * 1000 / (unsigned long)sysconf(_SC_CLK_TCK));
	return (long)((ut + st) * 1000 / (unsigned long)sysconf(_SC_CLK_TCK));
}

/* A "VmRSS:" / "VmHWM:" value of PID in kB, -1 when unreadable. */
static long status_kb(int pid, const char *field)
{
	char path[64], line[256];
	size_t fl = strlen(field);
	long v = -1;
	FILE *f;

	snprintf(path, sizeof path, "/proc/%d/status", pid);
	if (!(f = fopen(path, "r")))
		return -1;
	while (fgets(line, sizeof line, f))
		if (strncmp(line, field, fl) == 0 && line[fl] == ':') {
			v = strtol(line + fl + 1, NULL, 10);
			break;
		}
	fclose(f);
	return v;
}

/* ---- preparation ------------------------------------------------------------------ */

static int build_one(long i)
{
	struct job *j = &G.jobs[i];
	struct scep_csr cs;
	struct scep_request rq;
	struct scep_err err;
	X509_NAME *subj = X509_NAME_new();
	X509_REQ *csr = NULL;
	unsigned char r[12];
	char cn[128];
	int rc = -1, k;

	j->key = k = (int)(i % G.nkeys);
	snprintf(cn, sizeof cn, "%s-%ld", G.prefix, i);
	if (RAND_bytes(r, sizeof r) != 1)
		goto out;
	snprintf(j->tid, sizeof j->tid, "%08lX", (unsigned long)i);
	for (k = 0; k < (int)sizeof r; k++)
		sprintf(j->tid + 8 + 2 * k, "%02X", r[k]);
	if (!subj || !X509_NAME_add_entry_by_txt(subj, "CN", MBSTRING_ASC, (const unsigned char *)cn,
						 -1, -1, 0))
		goto out;
	memset(&cs, 0, sizeof cs);
	cs.key = G.keys[j->key];
	cs.subject = subj;
	cs.challenge = G.pw;
	if (scep_csr_build(&cs, &csr, &err) < 0)
		goto out;
	memset(&rq, 0, sizeof rq);
	rq.type = SCEP_PKCSREQ;
	rq.transaction_id = j->tid;
	rq.recipient = G.ca;
	rq.signer = G.signers[j->key];
	rq.key = G.keys[j->key];
	rq.csr = csr;
	if (scep_request_build(&rq, j->nonce, &j->der, &j->len, &err) < 0)
		goto out;
	rc = 0;
out:
	X509_REQ_free(csr);
	X509_NAME_free(subj);
	return rc;
}

static void *builder(void *arg)
{
	long i;

	for (i = (long)(intptr_t)arg; i < G.n; i += ncpu())
		if (build_one(i) < 0)
			G.failed_build = 1;
	return NULL;
}

static int cmp_long(const void *a, const void *b)
{
	long x = *(const long *)a, y = *(const long *)b;

	return x < y ? -1 : x > y;
}

/* ---- the measured part ----------------------------------------------------------- */

static void send_one(struct job *j)
{
	struct tresp r;
	char *target;
	size_t tl;
	int rc;
	struct timespec t0, t1;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	if (G.get) {
		char *b = scep_b64_encode(j->der, j->len, SCEP_B64_LINES | SCEP_B64_URL);
		tl = strlen(G.u.path) + (b ? strlen(b) : 0) + 64;
		target = malloc(tl);
		if (!b || !target)
			die("out of memory");
		snprintf(target, tl, "%s?operation=PKIOperation&message=%s", G.u.path, b);
		OPENSSL_free(b);
		rc = t_http(&G.u, "GET", target, NULL, 0, 60000, &r);
	} else {
		tl = strlen(G.u.path) + 64;
		target = malloc(tl);
		if (!target)
			die("out of memory");
		snprintf(target, tl, "%s?operation=PKIOperation", G.u.path);
		rc = t_http(&G.u, "POST", target, j->der, j->len, 60000, &r);
	}
	free(target);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	j->us = (t1.tv_sec - t0.tv_sec) * 1000000L + (t1.tv_nsec - t0.tv_nsec) / 1000;
	if (rc < 0)
		return;
	j->http = r.status;
	j->rep = r.body;
	j->replen = r.len;
	r.body = NULL;
}

static void *client(void *arg)
{
	long i, d;

	(void)arg;
	while ((i = atomic_fetch_add(&G.next, 1)) < G.n) {
		send_one(&G.jobs[i]);
		d = atomic_fetch_add(&G.done, 1) + 1;
		if (G.pid > 0 && G.step > 0 && d % G.step == 0)
			G.rss_at[d / G.step] = status_kb(G.pid, "VmRSS");
	}
	return NULL;
}

/* ---- checking ---------------------------------------------------------------------- */

static void check_one(struct job *j)
{
	struct scep_expect ex;
	struct scep_err err;
	scep_rep *rep = NULL;
	X509 *x;

	j->status = -1;
	if (j->http != 200 || !j->rep)
		return;
	memset(&ex, 0, sizeof ex);
	ex.ca = G.ca;
	ex.transaction_id = j->tid;
	ex.nonce = j->nonce;
	ex.key = G.keys[j->key];
	ex.cert = G.signers[j->key];
	if (scep_rep_parse(j->rep, j->replen, &ex, &rep, &err) < 0) {
		fprintf(stderr, "scepload: request %s: %s\n", j->tid, err.text);
		return;
	}
	j->status = scep_rep_status(rep);
	if (j->status == SCEP_SUCCESS && (x = scep_rep_cert(rep)) != NULL) {
		BIGNUM *bn = ASN1_INTEGER_to_BN(X509_get0_serialNumber(x), NULL);
		char *hex = bn ? BN_bn2hex(bn) : NULL;
		snprintf(j->serial, sizeof j->serial, "%s", hex ? hex : "");
		OPENSSL_free(hex);
		BN_free(bn);
	}
	scep_rep_free(rep);
}

static void *checker(void *arg)
{
	long i;

	for (i = (long)(intptr_t)arg; i < G.n; i += ncpu())
		check_one(&G.jobs[i]);
	return NULL;
}

static void run_threads(void *(*fn)(void *), int n, int stride_arg)
{
	pthread_t *th = calloc((size_t)n, sizeof *th);
	int i;

	if (!th)
		die("out of memory");
	for (i = 0; i < n; i++)
		if (pthread_create(&th[i], NULL, fn, stride_arg ? (void *)(intptr_t)i : NULL) != 0)
			die("cannot start a thread");
	for (i = 0; i < n; i++)
		pthread_join(th[i], NULL);
	free(th);
}

static int serial_cmp(const void *a, const void *b)
{
	const char *x = *(const char *const *)a, *y = *(const char *const *)b;
	size_t lx = strlen(x), ly = strlen(y);

	return lx != ly ? (lx < ly ? -1 : 1) : strcmp(x, y);
}

int main(int argc, char **argv)
{
	struct scep_err err;
	const char *serials_file = NULL;
	long i, t0, t1, cpu0 = -1, cpu1 = -1, sys0 = 0, sys1 = 0, rss0 = -1, nsucc = 0, npend = 0;
	long nfail = 0, nerr = 0;
	long dups = 0, nser = 0;
	const char **ser;
	int o, conc = 1;

	G.n = 100;
	G.prefix = "load";
	while ((o = getopt(argc, argv, "k:n:c:p:N:P:m:gs:")) != -1) {
		switch (o) {
		case 'k':
			if (G.nkeys == MAX_KEYS)
				die("too many keys");
			if (!(G.keys[G.nkeys++] = t_load_key(optarg)))
				die("cannot read a key");
			break;
		case 'n': G.n = atol(optarg); break;
		case 'c': conc = atoi(optarg); break;
		case 'p': G.pw = optarg; break;
		case 'N': G.prefix = optarg; break;
		case 'P': G.pid = atoi(optarg); break;
		case 'm': G.step = atol(optarg); break;
		case 'g': G.get = 1; break;
		case 's': serials_file = optarg; break;
		default:
			fprintf(stderr, "usage: scepload -k KEY [-k KEY...] [-n N] [-c C] [-p PW] "
				"[-N PREFIX] [-P PID [-m STEP]] [-g] [-s FILE] URL\n");
			return 2;
		}
	}
	if (optind != argc - 1 || G.nkeys == 0 || G.n < 1 || conc < 1 || conc > 1024 ||
	    t_url(argv[optind], &G.u) < 0)
		die("usage: scepload -k KEY [options] URL");
	if (scep_crypto_init(&err) < 0 && err.code != SCEP_EALG)
		die(err.text);
	if (!(G.ca = t_getcacert(&G.u)))
		die("GetCACert failed");
	for (i = 0; i < G.nkeys; i++)
		if (scep_selfsigned(G.keys[i], "scepload.test", SCEP_SHA256, time(NULL),
				    &G.signers[i], &err) < 0)
			die(err.text);
	G.jobs = calloc((size_t)G.n, sizeof *G.jobs);
	G.rss_at = calloc((size_t)(G.step > 0 ? G.n / G.step + 2 : 1), sizeof *G.rss_at);
	if (!G.jobs || !G.rss_at)
		die("out of memory");
	run_threads(builder, ncpu(), 1);
	if (G.failed_build)
		die("cannot build the requests");

	if (G.pid > 0) {
		cpu0 = cpu_ms(G.pid, &sys0);
		rss0 = status_kb(G.pid, "VmRSS");
	}
	t0 = t_ms_now();
	run_threads(client, conc, 0);
	t1 = t_ms_now();
	if (G.pid > 0)
		cpu1 = cpu_ms(G.pid, &sys1);

	run_threads(checker, ncpu(), 1);
	ser = calloc((size_t)G.n, sizeof *ser);
	if (!ser)
		die("out of memory");
	for (i = 0; i < G.n; i++) {
		struct job *j = &G.jobs[i];
		if (j->status == SCEP_SUCCESS)
			nsucc++;
		else if (j->status == SCEP_PENDING)
			npend++;
		else if (j->status == SCEP_FAILURE)
			nfail++;
		else
			nerr++;
		if (j->serial[0])
			ser[nser++] = j->serial;
	}
	qsort(ser, (size_t)nser, sizeof *ser, serial_cmp);
	for (i = 1; i < nser; i++)
		dups += strcmp(ser[i], ser[i - 1]) == 0;
	if (serials_file) {
		FILE *f = fopen(serials_file, "w");
		if (!f)
			die("cannot write the serials");
		for (i = 0; i < nser; i++)
			fprintf(f, "%s\n", ser[i]);
		fclose(f);
	}
	printf("requests=%ld\nsuccess=%ld\npending=%ld\nfailure=%ld\nerrors=%ld\n", G.n, nsucc,
	       npend, nfail, nerr);
	printf("concurrency=%d\nwall_ms=%ld\nper_sec=%.1f\n", conc, t1 - t0,
	       t1 > t0 ? G.n * 1000.0 / (double)(t1 - t0) : 0.0);
	{
		long *us = malloc((size_t)G.n * sizeof *us);
		if (!us)
			die("out of memory");
		for (i = 0; i < G.n; i++)
			us[i] = G.jobs[i].us;
		qsort(us, (size_t)G.n, sizeof *us, cmp_long);
		printf("latency_ms_p50=%.2f\nlatency_ms_p99=%.2f\nlatency_ms_max=%.2f\n",
		       us[G.n / 2] / 1000.0, us[(G.n * 99) / 100 < G.n ? (G.n * 99) / 100 : G.n - 1] / 1000.0,
		       us[G.n - 1] / 1000.0);
		free(us);
	}
	if (G.pid > 0) {
		printf("server_cpu_ms=%ld\nserver_sys_ms=%ld\ncpu_ms_per_enrollment=%.3f\n",
		       cpu1 - cpu0, sys1 - sys0, (double)(cpu1 - cpu0) / (double)G.n);
		printf("rss_kb_before=%ld\nrss_kb_after=%ld\nhwm_kb=%ld\n", rss0,
		       status_kb(G.pid, "VmRSS"), status_kb(G.pid, "VmHWM"));
		if (G.step > 0) {
			printf("rss_kb_at=");
			for (i = 1; i <= G.n / G.step; i++)
				printf("%s%ld:%ld", i > 1 ? "," : "", i * G.step, G.rss_at[i]);
			printf("\n");
		}
	}
	printf("unique_serials=%ld\nduplicates=%ld\n", nser - dups, dups);
	for (i = 0; i < G.n; i++) {
		OPENSSL_free(G.jobs[i].der);
		free(G.jobs[i].rep);
	}
	for (i = 0; i < G.nkeys; i++) {
		EVP_PKEY_free(G.keys[i]);
		X509_free(G.signers[i]);
	}
	X509_free(G.ca);
	free(ser);
	free(G.jobs);
	free(G.rss_at);
	return nsucc == G.n && dups == 0 ? 0 : 1;
}

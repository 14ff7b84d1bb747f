/*
 * test_cs_store.c — the certificate server's storage across restarts
 * (issue 9): the serial counter reconciled with the database (missing,
 * empty, damaged, rolled back NAME.ser; no wrap), records never
 * overwritten and completed after a crash, temporary files cleaned up, the
 * database directory locked against a second server, a CA whose
 * certificate went missing never replaced, and the request database
 * (pending, granted-not-collected, rejected) persisted in NAME.rdb.
 */
#if defined(__SANITIZE_ADDRESS__)
#include <sanitizer/lsan_interface.h>
#include <unistd.h>
#define _exit(c) (__lsan_do_leak_check(), _exit(c))
#endif
#include "tests/unit/cs_env.h"

#include <dirent.h>
#include <errno.h>
#include <signal.h>
#include <sys/wait.h>

static void write_file(struct env *e, const char *name, const char *text)
{
	char path[2 * PATH_MAX];

	snprintf(path, sizeof path, "%s/%s", e->db, name);
	ASSERT_EQ(pk_store_write(path, text, strlen(text), 0600), 0);
}

static char *read_file(struct env *e, const char *name)
{
	char path[2 * PATH_MAX], *data = NULL;

	snprintf(path, sizeof path, "%s/%s", e->db, name);
	return pk_store_read(path, &data, NULL) == 0 ? data : NULL;
}

static void remove_file(struct env *e, const char *name)
{
	char path[2 * PATH_MAX];

	snprintf(path, sizeof path, "%s/%s", e->db, name);
	ASSERT_EQ(pk_store_remove(path), 0);
}

/* A running server at level complete with CA + certificates 2..n+1;
 * *der gets the CA certificate for the reboots. */
static void issued(struct env *e, EVP_PKEY *ck, int n, void (*tweak)(struct pk_cs_config *c),
		   unsigned char **der, size_t *len)
{
	int i;

	simple_server(e, tweak);
	for (i = 0; i < n; i++)
		ASSERT_EQ(issue_one(e, ck, "T"), (uint64_t)i + 2);
	ASSERT_EQ(pk_cert_der(pk_cs_ca_cert(e->cs), der, len), 0);
}

/* The server of a reboot failed its start: check failed with this reason. */
static void failed_with(struct env *e, const char *why)
{
	struct pk_cs_view v;

	view(e, &v);
	ASSERT(!v.enabled && v.check_failed);
	ASSERT_STREQ(v.why, why);
}

/* ---- NAME.ser missing, empty, damaged, rolled back -------------------------------- */

TEST(missing_ser_reconciled_from_records)
{
	struct env e;
	EVP_PKEY *ck = fixture_key("client_key.pem");
	unsigned char *der;
	size_t len;
	char *c2;
	struct pk_cs_view v;

	issued(&e, ck, 4, complete_auto, &der, &len);    /* serials 2..5 */
	c2 = read_file(&e, "2.crt");
	ASSERT(c2);
	env_close(&e);
	remove_file(&e, "CA.ser");
	log_clear();
	pk_log_sink_add(sink, NULL);
	reboot(&e, der, len, complete_auto);
	view(&e, &v);
	ASSERT(v.enabled);
	ASSERT_STREQ(v.last_serial, "5");
	log_find("CA:serial number file CA.ser is missing; continuing after serial 5");
	ASSERT_EQ(issue_one(&e, ck, "T"), 6);             /* not 2 again */
	{
		char *again = read_file(&e, "2.crt");    /* the old record is intact */
		ASSERT(again && memcmp(again, c2, 100) == 0);
		free(again);
	}
	env_close(&e);
	free(c2);
	free(der);
	EVP_PKEY_free(ck);
	env_rm(&e);
}

TEST(empty_or_damaged_ser_at_level_minimum_refuses)
{
	static const char *const bad[] = {
		"",                                               /* empty */
		"pkish-cs-serial 1\nlast -5\nreserved 0\n",       /* a sign */
		"pkish-cs-serial 1\nlast 1FFFFFFFFFFFFFFFF\nreserved 0\n",   /* > 64 bits */
		"pkish-cs-serial 1\nlast 7\n",                     /* truncated */
		"garbage\n",
	};
	struct env e;
	EVP_PKEY *ck = fixture_key("client_key.pem");
	unsigned char *der;
	size_t len;
	size_t i;

	issued(&e, ck, 3, minimum_auto, &der, &len);
	env_close(&e);
	for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		write_file(&e, "CA.ser", bad[i]);
		reboot(&e, der, len, minimum_auto);
		failed_with(&e, "Serial number file damaged");
		ASSERT_EQ(issue_one(&e, ck, "T"), 0);          /* nothing issued */
		env_close(&e);
	}
	/* missing too: level minimum has no records to tell */
	remove_file(&e, "CA.ser");
	reboot(&e, der, len, minimum_auto);
	failed_with(&e, "Serial number file damaged");
	ASSERT(strstr(pk_err_msg(), "") != NULL);
	env_close(&e);
	free(der);
	EVP_PKEY_free(ck);
	env_rm(&e);
}

static void minimum_at_100(struct pk_cs_config *c)
{
	minimum_auto(c);
	c->serial_number = 0x100;
}

TEST(damaged_ser_resumes_where_the_operator_says)
{
	struct env e;
	EVP_PKEY *ck = fixture_key("client_key.pem");
	unsigned char *der;
	size_t len;

	issued(&e, ck, 3, minimum_auto, &der, &len);
	env_close(&e);
	write_file(&e, "CA.ser", "");
	reboot(&e, der, len, minimum_at_100);             /* serial-number 0x100 */
	ASSERT_EQ(issue_one(&e, ck, "T"), 0x101);
	env_close(&e);
	free(der);
	EVP_PKEY_free(ck);
	env_rm(&e);
}

TEST(rolled_back_ser_never_reuses)
{
	struct env e;
	EVP_PKEY *ck = fixture_key("client_key.pem");
	unsigned char *der;
	size_t len;
	char *old;

	issued(&e, ck, 1, complete_auto, &der, &len);     /* serial 2 */
	env_close(&e);
	old = read_file(&e, "CA.ser");                      /* says last 2 */
	ASSERT(old);
	reboot(&e, der, len, complete_auto);
	ASSERT_EQ(issue_one(&e, ck, "T"), 3);
	ASSERT_EQ(issue_one(&e, ck, "T"), 4);
	env_close(&e);
	write_file(&e, "CA.ser", old);                      /* a restored backup */
	log_clear();
	pk_log_sink_add(sink, NULL);
	reboot(&e, der, len, complete_auto);
	log_find("CA:serial number file CA.ser is behind the database");
	ASSERT_EQ(issue_one(&e, ck, "T"), 5);
	env_close(&e);

	/* level minimum: the request database is the second witness */
	write_file(&e, "CA.ser", old);
	reboot(&e, der, len, minimum_auto);
	ASSERT_EQ(issue_one(&e, ck, "T"), 6);
	env_close(&e);
	free(old);
	free(der);
	EVP_PKEY_free(ck);
	env_rm(&e);
}

TEST(serial_never_wraps)
{
	struct env e;
	EVP_PKEY *ck = fixture_key("client_key.pem");
	unsigned char *der;
	size_t len;
	struct pk_cs_view v;

	issued(&e, ck, 1, minimum_auto, &der, &len);
	env_close(&e);
	write_file(&e, "CA.ser", "pkish-cs-serial 1\nlast FFFFFFFFFFFFFFFE\n"
		   "reserved FFFFFFFFFFFFFFFE\narchive 0\n");
	reboot(&e, der, len, minimum_auto);
	view(&e, &v);
	ASSERT(v.enabled);
	ASSERT_EQ(issue_one(&e, ck, "T"), 0xFFFFFFFFFFFFFFFFull);
	ASSERT_EQ(issue_one(&e, ck, "T"), 0);             /* exhausted, not 0 or 1 */
	view(&e, &v);
	ASSERT_STREQ(v.last_serial, "FFFFFFFFFFFFFFFF");
	env_close(&e);
	free(der);
	EVP_PKEY_free(ck);
	env_rm(&e);
}

/* ---- records: never overwritten; half-written ones completed ------------------------ */

TEST(records_never_overwritten)
{
	struct env e;
	EVP_PKEY *ck = fixture_key("client_key.pem");
	unsigned char *der;
	size_t len;
	char *cnm;

	issued(&e, ck, 1, complete_auto, &der, &len);     /* 2 */
	/* something else wrote 3.cnm (another tool, a copied database) */
	write_file(&e, "3.cnm", "serial 3\nsubject cn=someone-else\n");
	ASSERT_EQ(issue_one(&e, ck, "T"), 0);             /* refused, not overwritten */
	cnm = read_file(&e, "3.cnm");
	ASSERT(cnm && strstr(cnm, "someone-else"));
	ASSERT(!file_exists(&e, "3.crt"));                /* no half record left */
	free(cnm);
	ASSERT_EQ(issue_one(&e, ck, "T"), 4);
	env_close(&e);
	free(der);
	EVP_PKEY_free(ck);
	env_rm(&e);
}

TEST(full_disk_leaves_no_half_record)
{
	struct env e;
	EVP_PKEY *ck = fixture_key("client_key.pem");
	unsigned char *der;
	size_t len;
	int n;

	issued(&e, ck, 1, complete_auto, &der, &len);
	/* writes: NAME.ser is reserved already; .crt succeeds, .cnm fails */
	for (n = 1; n <= 2; n++) {
		char env[16];
		snprintf(env, sizeof env, "%d", n);
		setenv("PKISH_FAIL_WRITES", env, 1);
		ASSERT_EQ(issue_one(&e, ck, "T"), 0);
		unsetenv("PKISH_FAIL_WRITES");
	}
	ASSERT(!file_exists(&e, "3.cnm") && !file_exists(&e, "3.crt"));
	ASSERT(!file_exists(&e, "4.cnm") && !file_exists(&e, "4.crt"));
	ASSERT_EQ(pk_cs_issued(e.cs, NULL, 0), 2);        /* the CA and 2 */
	env_close(&e);
	free(der);
	EVP_PKEY_free(ck);
	env_rm(&e);
}

TEST(crash_leftovers_cleaned_and_completed)
{
	struct env e;
	EVP_PKEY *ck = fixture_key("client_key.pem");
	unsigned char *der;
	size_t len;
	char *crt;
	struct pk_issued_view iv[8];
	DIR *dh;
	struct dirent *de;
	int tmp = 0;

	issued(&e, ck, 2, complete_auto, &der, &len);     /* 2, 3 */
	env_close(&e);
	/* a crash between the .crt and the .cnm of 3; and a torn atomic write */
	remove_file(&e, "3.cnm");
	write_file(&e, "CA.ser.tmp.4242.7", "pkish-cs-ser");
	crt = read_file(&e, "3.crt");
	ASSERT(crt);
	free(crt);
	reboot(&e, der, len, complete_auto);
	ASSERT(file_exists(&e, "3.cnm"));                  /* completed from 3.crt */
	ASSERT_EQ(pk_cs_issued(e.cs, iv, 8), 3);
	ASSERT_STREQ(iv[2].serial, "3");
	ASSERT_STREQ(iv[2].subject, "cn=crash");
	dh = opendir(e.db);
	ASSERT(dh);
	while ((de = readdir(dh)) != NULL)
		tmp += strstr(de->d_name, ".tmp.") != NULL;
	closedir(dh);
	ASSERT_EQ(tmp, 0);
	ASSERT_EQ(issue_one(&e, ck, "T"), 4);
	env_close(&e);
	free(der);
	EVP_PKEY_free(ck);
	env_rm(&e);
}

/* ---- one database, one server ------------------------------------------------------- */

TEST(second_server_on_the_same_database_refused)
{
	struct env a, b;
	char *p12;
	struct pk_cs_view v;

	simple_server(&a, NULL);
	/* another device whose server points at the same folder */
	env_dirs(&b);
	env_open(&b, 0);
	clock_at(&b, tmr_from_civil(2020, 1, 1, 0, 0, 0));
	pk_device_set_http_enabled(b.d, 1);
	import_key(&b, "CA", "ca2_key.pem");
	snprintf(b.db, sizeof b.db, "%s", a.db);
	snprintf(b.url, sizeof b.url, "%s", a.url);
	ASSERT_EQ(pk_cs_create(b.p, "CA", &b.cs), 0);
	{
		struct pk_cs_config c;
		pk_cs_get_config(b.cs, &c);
		snprintf(c.db_url, sizeof c.db_url, "%s", b.url);
		c.archive = PK_ARCHIVE_PKCS12;
		snprintf(c.archive_pw, sizeof c.archive_pw, "secret");
		ASSERT_EQ(pk_cs_set_config(b.cs, &c), 0);
	}
	ASSERT_EQ(pk_cs_enable(b.cs, NULL), PK_EBUSY);
	ASSERT(strstr(pk_err_msg(), "is in use by another certificate server (server CA, device "));
	view(&b, &v);
	ASSERT(!v.enabled && !v.has_ca);
	ASSERT_STREQ(v.why, "Database in use by another server");
	ASSERT(!file_exists(&a, "CA.p12"));                /* nothing of b's written */
	/* a stops: the folder is free, but it holds a's CA (its CA.ser names
	 * it), so b, without that certificate, still makes no CA of its own */
	pk_cs_disable(a.cs);
	ASSERT_EQ(pk_cs_enable(b.cs, NULL), PK_ESTATE);
	view(&b, &v);
	ASSERT_STREQ(v.why, "CA certificate not found");
	ASSERT(!file_exists(&a, "CA.p12"));
	pk_cs_disable(b.cs);
	ASSERT_EQ(pk_cs_enable(a.cs, NULL), 0);           /* a carries on */
	(void)p12;
	env_close(&b);
	env_close(&a);
	env_rm(&b);
	env_rm(&a);
}

/* ---- the CA certificate went missing: never a new CA ------------------------------- */

TEST(missing_ca_certificate_is_not_replaced)
{
	struct env e;
	EVP_PKEY *ck = fixture_key("client_key.pem");
	unsigned char *der;
	size_t len;
	pk_tp *t;
	X509 *ca;
	struct pk_cs_view v;

	issued(&e, ck, 1, complete_auto, &der, &len);
	env_close(&e);
	/* boot with the server block but a damaged chain: no CA certificate */
	env_open(&e, 1);
	pk_device_set_http_enabled(e.d, 1);
	pk_device_set_calendar_valid(e.d, 1);
	make_server(&e, "CA", complete_auto);
	pk_pki_config_done(e.p);
	failed_with(&e, "CA certificate not found");
	view(&e, &v);
	ASSERT(!v.has_ca);
	ASSERT_STREQ(v.last_serial, "2");
	ASSERT(!file_exists(&e, "3.crt"));                 /* no CA minted */
	/* the chain comes back (pasted, or a restored configuration) */
	ASSERT_EQ(pk_tp_create(e.p, "CA", &t), 0);
	ASSERT_EQ(pk_cert_parse(der, len, &ca), 0);
	ASSERT_EQ(pk_tp_set_cert(t, PK_TP_CA, ca), 0);
	X509_free(ca);
	view(&e, &v);
	ASSERT(v.enabled);
	ASSERT_EQ(issue_one(&e, ck, "T"), 3);
	/* deleting the server on purpose lets a new one make a new CA */
	ASSERT_EQ(pk_cs_delete(e.p, "CA"), 0);
	make_server(&e, "CA", complete_auto);
	ASSERT_EQ(pk_cs_enable(e.cs, NULL), 0);
	ASSERT_EQ(serial_of(pk_cs_ca_cert(e.cs)), 4);
	env_close(&e);
	free(der);
	EVP_PKEY_free(ck);
	env_rm(&e);
}

/* ---- the request database survives restarts ------------------------------------------ */

static void manual_complete(struct pk_cs_config *c)
{
	c->grant = PK_GRANT_MANUAL;
	c->db_level = PK_DB_COMPLETE;
}

static void manual_minimum(struct pk_cs_config *c)
{
	c->grant = PK_GRANT_MANUAL;
}

static int poll_status(struct env *e, const char *txid, X509_REQ *csr, uint64_t *serial)
{
	struct pk_scep_result res;
	int st;

	ASSERT_EQ(scep(e, PK_SCEP_CERTPOLL, txid, csr, NULL, 0, NULL, &res), 0);
	st = res.status;
	if (serial)
		*serial = st == PK_SCEP_SUCCESS && res.cert ? serial_of(res.cert) : 0;
	pk_scep_result_free(&res);
	return st;
}

static void request_database_survives(void (*tweak)(struct pk_cs_config *c))
{
	struct env e;
	EVP_PKEY *ck = fixture_key("client_key.pem"), *k2 = fixture_key("client2_key.pem");
	X509_REQ *r1 = make_csr(ck, "CN=one", NULL), *r2 = make_csr(k2, "CN=two", NULL),
		 *r3 = make_csr(ck, "CN=three", NULL);
	struct pk_scep_result res;
	struct pk_req_view rv[8];
	unsigned char *der;
	size_t len;
	uint64_t s;
	pid_t pid;
	int st;

	env_dirs(&e);
	fflush(NULL);
	pid = fork();
	ASSERT(pid >= 0);
	if (pid == 0) {
		/* the first life of the device, ended by SIGKILL: no clean stop */
		env_open(&e, 0);
		clock_at(&e, tmr_from_civil(2020, 1, 1, 0, 0, 0));
		pk_device_set_http_enabled(e.d, 1);
		import_key(&e, "CA", "ca_key.pem");
		make_server(&e, "CA", tweak);
		ASSERT_EQ(pk_cs_enable(e.cs, NULL), 0);
		ASSERT_EQ(pk_cert_der(pk_cs_ca_cert(e.cs), &der, &len), 0);
		{
			char path[2 * PATH_MAX];
			snprintf(path, sizeof path, "%s/ca.der", e.dir);
			ASSERT_EQ(pk_store_write(path, der, len, 0600), 0);
		}
		ASSERT_EQ(scep(&e, PK_SCEP_PKCSREQ, "TX-ONE", r1, NULL, 0, NULL, &res), 0);
		ASSERT_EQ(res.status, PK_SCEP_PENDING);
		pk_scep_result_free(&res);
		ASSERT_EQ(scep(&e, PK_SCEP_PKCSREQ, "TX-TWO", r2, NULL, 0, NULL, &res), 0);
		pk_scep_result_free(&res);
		ASSERT_EQ(scep(&e, PK_SCEP_PKCSREQ, "TX\nTHREE", r3, NULL, 0, NULL, &res), 0);
		pk_scep_result_free(&res);
		ASSERT_EQ(pk_cs_grant(e.cs, 1), 0);     /* granted, not yet fetched */
		ASSERT_EQ(pk_cs_reject(e.cs, 2), 0);    /* rejected, not yet told */
		raise(SIGKILL);
	}
	ASSERT_EQ(waitpid(pid, &st, 0), pid);
	ASSERT(WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL);
	{
		char path[2 * PATH_MAX], *data = NULL;
		snprintf(path, sizeof path, "%s/ca.der", e.dir);
		ASSERT_EQ(pk_store_read(path, &data, &len), 0);
		der = (unsigned char *)data;
	}
	reboot(&e, der, len, tweak);
	ASSERT_EQ(pk_cs_requests(e.cs, rv, 8), 3);
	ASSERT_EQ(rv[0].id, 3);
	ASSERT_EQ(rv[0].state, PK_REQ_PENDING);
	ASSERT_STREQ(rv[0].subject, "cn=three");
	ASSERT_EQ(rv[1].state, PK_REQ_REJECTED);
	ASSERT_EQ(rv[2].state, PK_REQ_GRANTED);
	/* the requesters' next polls end as they would have */
	ASSERT_EQ(poll_status(&e, "TX-ONE", r1, &s), PK_SCEP_SUCCESS);
	ASSERT_EQ(s, 2);
	ASSERT_EQ(poll_status(&e, "TX-TWO", r2, NULL), PK_SCEP_FAILURE);
	ASSERT_EQ(poll_status(&e, "TX\nTHREE", r3, NULL), PK_SCEP_PENDING);
	ASSERT_EQ(pk_cs_grant(e.cs, 3), 0);
	ASSERT_EQ(poll_status(&e, "TX\nTHREE", r3, &s), PK_SCEP_SUCCESS);
	ASSERT(s > 2);            /* above the crashed life's reservation */
	/* a clean stop keeps collected answers: a lost reply is answered again */
	env_close(&e);
	reboot(&e, der, len, tweak);
	ASSERT_EQ(poll_status(&e, "TX-ONE", r1, &s), PK_SCEP_SUCCESS);
	ASSERT_EQ(s, 2);
	/* a new request continues the numbering */
	ASSERT_EQ(scep(&e, PK_SCEP_PKCSREQ, "TX-FOUR", r2, NULL, 0, NULL, &res), 0);
	ASSERT_EQ(res.reqid, 4);
	pk_scep_result_free(&res);
	env_close(&e);
	X509_REQ_free(r1);
	X509_REQ_free(r2);
	X509_REQ_free(r3);
	free(der);
	EVP_PKEY_free(ck);
	EVP_PKEY_free(k2);
	env_rm(&e);
}

TEST(request_database_survives_kill9_complete)
{
	request_database_survives(manual_complete);
}

TEST(request_database_survives_kill9_minimum)
{
	request_database_survives(manual_minimum);
}

static void manual_er_hour(struct pk_cs_config *c)
{
	c->grant = PK_GRANT_MANUAL;
	c->life_er = TMR_HOUR;
}

TEST(request_expiry_survives_restart)
{
	struct env e;
	EVP_PKEY *ck = fixture_key("client_key.pem");
	X509_REQ *r1 = make_csr(ck, "CN=one", NULL);
	struct pk_scep_result res;
	unsigned char *der;
	size_t len;
	tmr_ms t0;

	simple_server(&e, manual_er_hour);
	t0 = pk_device_now(e.d);
	ASSERT_EQ(pk_cert_der(pk_cs_ca_cert(e.cs), &der, &len), 0);
	ASSERT_EQ(scep(&e, PK_SCEP_PKCSREQ, "TX-ONE", r1, NULL, 0, NULL, &res), 0);
	pk_scep_result_free(&res);
	env_close(&e);
	reboot(&e, der, len, manual_er_hour);
	ASSERT_EQ(pk_cs_requests(e.cs, NULL, 0), 1);
	/* ER EXPIRE keeps its instant: creation + 1 h, not restart + 1 h */
	clock_at(&e, t0 + TMR_HOUR - TMR_SEC);
	ASSERT_EQ(pk_cs_requests(e.cs, NULL, 0), 1);
	clock_at(&e, t0 + TMR_HOUR);
	ASSERT_EQ(pk_cs_requests(e.cs, NULL, 0), 0);
	env_close(&e);
	reboot(&e, der, len, manual_er_hour);          /* and it stays gone */
	ASSERT_EQ(pk_cs_requests(e.cs, NULL, 0), 0);
	env_close(&e);
	X509_REQ_free(r1);
	free(der);
	EVP_PKEY_free(ck);
	env_rm(&e);
}

TEST(pending_refused_when_it_cannot_be_kept)
{
	struct env e;
	EVP_PKEY *ck = fixture_key("client_key.pem");
	X509_REQ *r1 = make_csr(ck, "CN=one", NULL);
	struct pk_scep_result res;

	simple_server(&e, manual_minimum);
	setenv("PKISH_FAIL_WRITES", "1", 1);            /* the disk is full */
	ASSERT_EQ(scep(&e, PK_SCEP_PKCSREQ, "TX-ONE", r1, NULL, 0, NULL, &res), 0);
	unsetenv("PKISH_FAIL_WRITES");
	ASSERT_EQ(res.status, PK_SCEP_FAILURE);          /* no PENDING it could lose */
	pk_scep_result_free(&res);
	ASSERT_EQ(pk_cs_requests(e.cs, NULL, 0), 0);
	env_close(&e);
	X509_REQ_free(r1);
	EVP_PKEY_free(ck);
	env_rm(&e);
}

TESTS(T(missing_ser_reconciled_from_records), T(empty_or_damaged_ser_at_level_minimum_refuses),
      T(damaged_ser_resumes_where_the_operator_says), T(rolled_back_ser_never_reuses),
      T(serial_never_wraps), T(records_never_overwritten), T(full_disk_leaves_no_half_record),
      T(crash_leftovers_cleaned_and_completed), T(second_server_on_the_same_database_refused),
      T(missing_ca_certificate_is_not_replaced), T(request_database_survives_kill9_complete),
      T(request_database_survives_kill9_minimum), T(request_expiry_survives_restart),
      T(pending_refused_when_it_cannot_be_kept))

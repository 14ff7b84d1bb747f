/*
 * test_cs.c — unit tests for the certificate server (cs.c, cs_req.c),
 * driven through the pki.h API with a frozen clock: the seed's server life
 * (spec §3.2 worked example, shadow generation, activation), enable checks,
 * configuration replay at boot, serial numbers across reopen, crash and
 * full disk, the SCEP decision rules, request database, CRL, rollover,
 * database levels, one-time passwords.
 */
/* Under AddressSanitizer every test checks for leaks when its process
 * ends: the harness leaves with _exit, which skips LeakSanitizer. */
#if defined(__SANITIZE_ADDRESS__)
#include <sanitizer/lsan_interface.h>
#include <unistd.h>
#define _exit(c) (__lsan_do_leak_check(), _exit(c))
#endif
#include "tests/unit/t.h"

#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <sys/stat.h>
#include <time.h>

#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/pkcs12.h>

#include "tests/unit/cs_env.h"

/* ---- the seed's server, start to activation ----------------------------------- */

static void seed_config(struct pk_cs_config *c)
{
	snprintf(c->issuer, sizeof c->issuer, "CN=RootCA,OU=TAC,O=Cisco");
	c->life_cert = 365 * TMR_DAY;
	c->life_ca = 730 * TMR_DAY;
	c->auto_rollover = 90 * TMR_DAY;
	c->db_level = PK_DB_COMPLETE;
	c->archive = PK_ARCHIVE_PKCS12;
	snprintf(c->archive_pw, sizeof c->archive_pw, "cisco123");
	c->archive_pw_type = 7;
	c->grant = PK_GRANT_MANUAL;
}

static X509 *p12_cert(struct env *e, const char *file, const char *pw)
{
	char path[2 * PATH_MAX], *data = NULL;
	size_t len;
	const unsigned char *pp;
	PKCS12 *p12;
	EVP_PKEY *k = NULL;
	X509 *c = NULL;

	snprintf(path, sizeof path, "%s/%s", e->db, file);
	ASSERT_EQ(pk_store_read(path, &data, &len), 0);
	pp = (const unsigned char *)data;
	p12 = d2i_PKCS12(NULL, &pp, (long)len);
	ASSERT(p12);
	ASSERT(PKCS12_parse(p12, pw, &k, &c, NULL) == 1);
	ASSERT(k && c);
	ASSERT_EQ(X509_check_private_key(c, k), 1);
	EVP_PKEY_free(k);
	PKCS12_free(p12);
	free(data);
	return c;
}

TEST(seed_server_lifecycle)
{
	struct env e;
	struct pk_cs_view v;
	struct pk_cert_view cv;
	struct pk_req_view rq[8];
	struct pk_crl_view crlv;
	struct pk_scep_result res;
	struct pk_key_view kv;
	struct pk_issued_view iv[16];
	EVP_PKEY *ck = fixture_key("client_key.pem"), *ck2 = fixture_key("client2_key.pem");
	X509_REQ *csr;
	X509 *signer, *ca, *rca, *c2, *capped, *rolled, *x;
	pk_tp *tp;
	struct pk_tp_config tc;
	char *timers, url[2 * PATH_MAX], serial[16];
	tmr_ms t0 = tmr_from_civil(2015, 10, 9, 12, 14, 16), when;
	tmr_ms ca_na = tmr_from_civil(2017, 10, 8, 12, 14, 16);
	tmr_ms rca_na = tmr_from_civil(2019, 10, 8, 12, 14, 16);
	const char *a, *b;
	long id;

	pk_log_sink_add(sink, NULL);
	pk_debug_set(PK_DBG__ALL, 1);
	env_dirs(&e);
	env_open(&e, 0);
	clock_at(&e, t0 + 6);
	pk_device_set_http_enabled(e.d, 1);
	import_key(&e, "ROOTCA", "ca_key.pem");
	make_server(&e, "ROOTCA", seed_config);
	ASSERT(pk_cs_needs_ca(e.cs));
	ASSERT(!pk_cs_needs_key(e.cs));
	ASSERT(!pk_cs_needs_archive_password(e.cs));
	view(&e, &v);
	ASSERT(!v.enabled && !v.locked && !v.has_ca);

	ASSERT_EQ(pk_cs_enable(e.cs, NULL), 0);
	log_find("%PKI-6-CS_ENABLED: Certificate server now enabled.");
	ASSERT_EQ(log_count("CS_GRANT_AUTO"), 0);
	view(&e, &v);
	ASSERT(v.enabled && v.locked && v.has_ca && !v.check_failed);
	ASSERT_STREQ(v.last_serial, "1");
	ASSERT_STREQ(v.grant_text, "manual");
	ASSERT_STREQ(date(&e, v.ca_expire), "13:14:16 CET Oct 8 2017");
	ASSERT_STREQ(date(&e, v.crl_next), "19:14:16 CET Oct 9 2015");
	ASSERT_STREQ(date(&e, v.autorollover_timer), "13:14:16 CET Jul 10 2017");
	ASSERT_EQ(v.auto_rollover, 90 * TMR_DAY);
	ASSERT(!v.has_rollover);

	/* the CA certificate: the seed's form with our key */
	ca = (X509 *)pk_cs_ca_cert(e.cs);
	ASSERT_EQ(pk_cert_view(ca, &cv), 0);
	ASSERT_STREQ(cv.serial, "01");
	ASSERT_STREQ(cv.subject_lines, "cn=RootCA\nou=TAC\no=Cisco");
	ASSERT_STREQ(cv.issuer_lines, cv.subject_lines);
	ASSERT_STREQ(date(&e, cv.not_before), "13:14:16 CET Oct 9 2015");
	ASSERT_STREQ(date(&e, cv.not_after), "13:14:16 CET Oct 8 2017");
	ASSERT_EQ(cv.key_usage, 0x86000000u);
	ASSERT(cv.is_ca && cv.self_signed);
	ASSERT_STREQ(cv.sig_alg, "MD5 with RSA Encryption");
	ASSERT_STREQ(cv.ski, cv.aki);
	ASSERT_STREQ(v.ca_md5, cv.md5);
	ASSERT_EQ(X509_verify(ca, pk_key_evp(pk_key_find(e.p, "ROOTCA"))), 1);
	pk_cert_storage_name(ca, url, sizeof url);
	ASSERT_STREQ(url, "RootCA#1CA.cer");
	/* its trustpoint */
	tp = pk_tp_find(e.p, "ROOTCA");
	ASSERT(tp && pk_tp_is_server(tp));
	ASSERT(pk_tp_cert(tp, PK_TP_CA) == ca);
	pk_tp_get_config(tp, &tc);
	ASSERT_STREQ(tc.rsakeypair, "ROOTCA");
	ASSERT_EQ(tc.revocation, PK_REV_CRL);
	/* database and archive */
	ASSERT(file_exists(&e, "ROOTCA.ser"));
	ASSERT(file_exists(&e, "ROOTCA.crl"));
	ASSERT(file_exists(&e, "1.cnm"));
	ASSERT(file_exists(&e, "1.crt"));
	x = p12_cert(&e, "ROOTCA.p12", "cisco123");
	ASSERT_EQ(X509_cmp(x, ca), 0);
	X509_free(x);
	/* locked while enabled */
	{
		struct pk_cs_config c;
		pk_cs_get_config(e.cs, &c);
		c.life_cert = 30 * TMR_DAY;
		ASSERT_EQ(pk_cs_set_config(e.cs, &c), PK_ELOCKED);
		ASSERT_STREQ(pk_err_msg(), "Server is locked; shut it down first");
	}

	/* spec §3.2 worked example: the timers at 13:19:58 CET */
	clock_at(&e, tmr_from_civil(2015, 10, 9, 12, 19, 58) + 29);
	timers = tmr_render(pk_device_timers(e.d), pk_device_now(e.d), 0);
	ASSERT_STREQ(timers,
		     "CS Timers\n"
		     "|     5:54:17.977\n"
		     "|     5:54:17.977  CS CRL UPDATE\n"
		     "|639d23:54:17.977  CS SHADOW CERT GENERATION\n"
		     "|729d23:54:17.971  CS CERT EXPIRE\n");
	free(timers);

	/* a PKCSReq under manual grant: pending, then granted */
	csr = make_csr(ck, "hostname=R15,CN=R15,OU=VPN,O=MSK,C=RU", "DNS:r15.example.com");
	signer = self_signed(&e, ck, "hostname=R15,CN=R15,OU=VPN,O=MSK,C=RU", 0);
	ASSERT_EQ(scep(&e, PK_SCEP_PKCSREQ, "TX1", csr, signer, 0, NULL, &res), 0);
	ASSERT_EQ(res.status, PK_SCEP_PENDING);
	ASSERT_EQ(res.reqid, 1);
	pk_scep_result_free(&res);
	ASSERT_EQ(pk_cs_requests(e.cs, rq, 8), 1);
	ASSERT_EQ(rq[0].id, 1);
	ASSERT_EQ(rq[0].state, PK_REQ_PENDING);
	ASSERT_STREQ(rq[0].subject, "hostname=R15,cn=R15,ou=VPN,o=MSK,c=RU");
	{
		unsigned char *der = NULL;
		int n = i2d_X509_REQ(csr, &der);
		char fp[33];
		pki_md5_hex(der, (size_t)n, fp);
		ASSERT_STREQ(rq[0].fp, fp);
		OPENSSL_free(der);
	}
	timers = tmr_render(pk_device_timers(e.d), pk_device_now(e.d), 0);
	ASSERT(strstr(timers, "|  7d 0:00:00.000  ER EXPIRE 1\n"));
	free(timers);
	ASSERT_EQ(scep(&e, PK_SCEP_CERTPOLL, "TX1", NULL, signer, 0, NULL, &res), 0);
	ASSERT_EQ(res.status, PK_SCEP_PENDING);
	pk_scep_result_free(&res);
	/* the same PKCSReq re-sent while pending: the same entry */
	ASSERT_EQ(scep(&e, PK_SCEP_PKCSREQ, "TX1", csr, signer, 0, NULL, &res), 0);
	ASSERT_EQ(res.status, PK_SCEP_PENDING);
	ASSERT_EQ(res.reqid, 1);
	pk_scep_result_free(&res);

	ASSERT_EQ(pk_cs_grant(e.cs, 1), 0);
	ASSERT_EQ(pk_cs_grant(e.cs, 1), PK_ESTATE);
	ASSERT_EQ(pk_cs_grant(e.cs, 7), PK_ENOENT);
	c2 = (X509 *)pk_cs_request_cert(e.cs, 1);
	ASSERT(c2);
	ASSERT_EQ(serial_of(c2), 2);
	ASSERT_EQ(nb_of(c2), pki_floor_sec(pk_device_now(e.d)));
	ASSERT_EQ(na_of(c2), nb_of(c2) + 365 * TMR_DAY);
	ASSERT_EQ(X509_NAME_cmp(X509_get_subject_name(c2), X509_REQ_get_subject_name(csr)), 0);
	ASSERT_EQ(X509_NAME_cmp(X509_get_issuer_name(c2), X509_get_subject_name(ca)), 0);
	ASSERT_EQ(X509_verify(c2, X509_get0_pubkey(ca)), 1);
	ASSERT_EQ(pk_cert_view(c2, &cv), 0);
	ASSERT_EQ(cv.key_usage, 0xA0000000u);
	ASSERT(!cv.is_ca);
	ASSERT_STREQ(cv.sig_alg, "MD5 with RSA Encryption");
	ASSERT_STREQ(cv.hostname, "R15");
	{
		struct pk_cert_view cav;
		pk_cert_view(ca, &cav);
		ASSERT_STREQ(cv.aki, cav.ski);
	}
	{
		GENERAL_NAMES *san = X509_get_ext_d2i(c2, NID_subject_alt_name, NULL, NULL);
		ASSERT(san && sk_GENERAL_NAME_num(san) == 1);
		GENERAL_NAMES_free(san);
	}
	ASSERT(file_exists(&e, "2.cnm") && file_exists(&e, "2.crt"));
	/* the client collects it */
	ASSERT_EQ(scep(&e, PK_SCEP_CERTPOLL, "TX1", NULL, signer, 0, NULL, &res), 0);
	ASSERT_EQ(res.status, PK_SCEP_SUCCESS);
	ASSERT_EQ(X509_cmp(res.cert, c2), 0);
	pk_scep_result_free(&res);
	/* a lost reply: CertPoll still finds it */
	ASSERT_EQ(scep(&e, PK_SCEP_CERTPOLL, "TX1", NULL, signer, 0, NULL, &res), 0);
	ASSERT_EQ(res.status, PK_SCEP_SUCCESS);
	pk_scep_result_free(&res);
	/* the id is free again: a new transaction, then rejected */
	ASSERT_EQ(scep(&e, PK_SCEP_PKCSREQ, "TX1", csr, signer, 0, NULL, &res), 0);
	ASSERT_EQ(res.status, PK_SCEP_PENDING);
	ASSERT_EQ(res.reqid, 2);
	pk_scep_result_free(&res);
	ASSERT_EQ(pk_cs_reject(e.cs, 2), 0);
	ASSERT_EQ(scep(&e, PK_SCEP_CERTPOLL, "TX1", NULL, signer, 0, NULL, &res), 0);
	ASSERT_EQ(res.status, PK_SCEP_FAILURE);
	ASSERT_EQ(res.fail_info, 2);
	pk_scep_result_free(&res);
	ASSERT_EQ(pk_cs_requests(e.cs, rq, 8), 2);
	ASSERT_EQ(rq[0].id, 2);                  /* newest first */
	ASSERT_EQ(rq[0].state, PK_REQ_REJECTED);
	ASSERT_EQ(rq[1].state, PK_REQ_GRANTED);
	view(&e, &v);
	ASSERT_STREQ(v.last_serial, "2");

	/* revoke: CRL regenerated, v1, signed by the CA */
	ASSERT_EQ(pk_cs_revoke(e.cs, "02"), 0);
	ASSERT_EQ(pk_cs_revoke(e.cs, "0x2"), PK_EEXIST);
	ASSERT(pk_cs_revoke(e.cs, "1") < 0);
	ASSERT_EQ(pk_cs_revoke(e.cs, "FF"), PK_ENOENT);
	ASSERT_EQ(pk_cs_revoke(e.cs, "zz"), PK_EINVAL);
	ASSERT_EQ(pk_cs_crl_view(e.cs, &crlv), 0);
	ASSERT_STREQ(crlv.issuer, "cn=RootCA ou=TAC o=Cisco");
	ASSERT_EQ(crlv.n, 1);
	ASSERT_EQ(crlv.this_update, pki_floor_sec(pk_device_now(e.d)));
	ASSERT_EQ(crlv.next_update, crlv.this_update + 6 * TMR_HOUR);
	ASSERT(crlv.der_len > 200);
	ASSERT_EQ(pk_cs_crl_entry(e.cs, 0, serial, sizeof serial, &when), 0);
	ASSERT_STREQ(serial, "02");
	ASSERT_EQ(when, pki_floor_sec(pk_device_now(e.d)));
	ASSERT_EQ(pk_cs_crl_entry(e.cs, 1, serial, sizeof serial, &when), PK_ENOENT);
	ASSERT_EQ(X509_CRL_get_version(pk_cs_crl(e.cs)), 0);
	ASSERT_EQ(X509_CRL_verify((X509_CRL *)pk_cs_crl(e.cs), X509_get0_pubkey(ca)), 1);
	ASSERT_EQ(pk_cs_issued(e.cs, iv, 16), 2);
	ASSERT_STREQ(iv[0].serial, "1");
	ASSERT_STREQ(iv[0].subject, "cn=RootCA ou=TAC o=Cisco");
	ASSERT(!iv[0].revoked);
	ASSERT_STREQ(iv[1].serial, "2");
	ASSERT_STREQ(iv[1].subject, "hostname=R15 cn=R15 ou=VPN o=MSK c=RU");
	ASSERT(iv[1].revoked);
	ASSERT_EQ(pk_cs_unrevoke(e.cs, "2"), 0);
	ASSERT_EQ(pk_cs_unrevoke(e.cs, "2"), PK_ENOENT);
	pk_cs_crl_view(e.cs, &crlv);
	ASSERT_EQ(crlv.n, 0);
	ASSERT_EQ(pk_cs_revoke(e.cs, "2"), 0);

	/* Jul 10 2017: the shadow timer fires during the catch-up */
	log_clear();
	clock_at(&e, tmr_from_civil(2017, 7, 10, 12, 14, 16) + 500);
	a = log_find("CRYPTO_CS: shadow generation timer fired.");
	b = log_find("CRYPTO_CS: key 'ROOTCA#' does not exist; generated automatically");
	ASSERT(a < b);
	a = log_find("CRYPTO_CS: shadow CA successfully created.");
	ASSERT(b < a);
	b = log_find("CRYPTO_CS: exporting shadow CA key and cert");
	ASSERT(a < b);
	snprintf(url, sizeof url, "CRYPTO_CS: file opened: %sROOTCA_00001.p12", e.url);
	a = log_find(url);
	ASSERT(b < a);
	/* 640 days of 6-hour CRLs were not all made: one, at the last instant */
	ASSERT_EQ(log_count("CRYPTO_CS: updated crl in memory .."), 1);
	ASSERT(strstr(logbuf, "Jul 10 13:14:16.006: CRYPTO_CS: shadow generation timer fired."));
	pk_key_view(pk_key_find(e.p, "ROOTCA#"), &kv);
	ASSERT_EQ(kv.bits, 1024);
	ASSERT_EQ(kv.saved, 0);
	ASSERT_STREQ(date(&e, kv.generated), "13:14:16 CET Jul 10 2017");
	rca = (X509 *)pk_cs_rollover_cert(e.cs);
	ASSERT(rca && pk_tp_cert(tp, PK_TP_CA_ROLLOVER) == rca);
	ASSERT_EQ(serial_of(rca), 3);
	ASSERT_STREQ(date(&e, nb_of(rca)), "13:14:16 CET Oct 8 2017");
	ASSERT_EQ(nb_of(rca), ca_na);
	ASSERT_EQ(na_of(rca), rca_na);
	ASSERT_EQ(X509_NAME_cmp(X509_get_subject_name(rca), X509_get_subject_name(ca)), 0);
	ASSERT_EQ(X509_verify(rca, pk_key_evp(pk_key_find(e.p, "ROOTCA#"))), 1);
	ASSERT_EQ(pk_cert_view(rca, &cv), 0);
	ASSERT_STREQ(cv.ski, cv.aki);
	ASSERT_EQ(cv.key_usage, 0x86000000u);
	x = p12_cert(&e, "ROOTCA_00001.p12", "cisco123");
	ASSERT_EQ(X509_cmp(x, rca), 0);
	X509_free(x);
	ASSERT(file_exists(&e, "3.crt"));
	view(&e, &v);
	ASSERT(v.has_rollover);
	ASSERT_STREQ(v.rollover_md5, cv.md5);
	ASSERT_STREQ(date(&e, v.rollover_expire), "13:14:16 CET Oct 8 2019");
	ASSERT_EQ(v.autorollover_timer, 0);
	ASSERT_STREQ(v.last_serial, "3");
	timers = tmr_render(pk_device_timers(e.d), pk_device_now(e.d), 0);
	ASSERT(!strstr(timers, "SHADOW"));
	ASSERT(strstr(timers, "CS CERT EXPIRE"));
	free(timers);
	ASSERT_EQ(pk_cs_rollover(e.cs), PK_EEXIST);
	{
		EVP_PKEY *rk = NULL;
		X509 *rc = NULL;
		ASSERT_EQ(pk_cs_scep_keys(e.cs, 1, &rk, &rc), 0);
		ASSERT(rc == rca);
		ASSERT_EQ(EVP_PKEY_eq(rk, pk_key_evp(pk_key_find(e.p, "ROOTCA#"))), 1);
		EVP_PKEY_free(rk);
		X509_free(rc);
	}

	/* issuance now is capped at the CA's expiry */
	X509_REQ_free(csr);
	csr = make_csr(ck2, "CN=R18,OU=VPN,O=SPB,C=RU", NULL);
	ASSERT_EQ(pk_cs_submit_csr(e.cs, (unsigned char *)"junk", 4, &id), PK_EINVAL);
	{
		unsigned char *der = NULL;
		int n = i2d_X509_REQ(csr, &der);
		ASSERT_EQ(pk_cs_submit_csr(e.cs, der, (size_t)n, &id), 0);
		OPENSSL_free(der);
	}
	ASSERT_EQ(id, 3);
	ASSERT(pk_cs_request_cert(e.cs, 3) == NULL);
	ASSERT_EQ(pk_cs_grant(e.cs, -1), 0);
	capped = (X509 *)pk_cs_request_cert(e.cs, 3);
	ASSERT(capped);
	ASSERT_EQ(serial_of(capped), 4);
	ASSERT_EQ(na_of(capped), ca_na);

	/* a request enveloped for the rollover CA is issued by it */
	ASSERT_EQ(scep(&e, PK_SCEP_PKCSREQ, "TX4", csr, signer, 1, NULL, &res), 0);
	ASSERT_EQ(res.status, PK_SCEP_PENDING);
	id = res.reqid;
	pk_scep_result_free(&res);
	ASSERT_EQ(pk_cs_grant(e.cs, id), 0);
	rolled = (X509 *)pk_cs_request_cert(e.cs, id);
	ASSERT_EQ(X509_verify(rolled, X509_get0_pubkey(rca)), 1);
	ASSERT_EQ(nb_of(rolled), nb_of(rca));
	ASSERT_EQ(na_of(rolled), nb_of(rca) + 365 * TMR_DAY);
	{
		struct pk_cert_view rv, cav;
		pk_cert_view(rolled, &rv);
		pk_cert_view(rca, &cav);
		ASSERT_STREQ(rv.aki, cav.ski);
	}
	/* a renewal signed by the current certificate, for the rollover CA:
	 * granted although the server grants manually */
	X509_REQ_free(csr);
	csr = make_csr(ck, "CN=R18,OU=VPN,O=SPB,C=RU", NULL);
	ASSERT_EQ(scep(&e, PK_SCEP_PKCSREQ, "TX5", csr, capped, 1, NULL, &res), 0);
	ASSERT_EQ(res.status, PK_SCEP_SUCCESS);
	ASSERT(res.rollover);
	ASSERT_EQ(X509_verify(res.cert, X509_get0_pubkey(rca)), 1);
	ASSERT_EQ(pk_cert_view(res.cert, &cv), 0);   /* the unparsed key is handled */
	ASSERT_EQ(cv.bits, 1024);
	{
		/* the DER handed to the client parses and carries the request's key */
		unsigned char *der = NULL;
		size_t dlen;
		ASSERT_EQ(pk_cert_der(res.cert, &der, &dlen), 0);
		ASSERT_EQ(pk_cert_parse(der, dlen, &x), 0);
		ASSERT_EQ(EVP_PKEY_eq(X509_get0_pubkey(x), ck), 1);
		X509_free(x);
		free(der);
	}
	pk_scep_result_free(&res);

	/* Oct 8 2017: CS CERT EXPIRE activates the rollover CA */
	log_clear();
	{
		EVP_PKEY *newkey = pk_key_evp(pk_key_find(e.p, "ROOTCA#"));
		X509 *keep = rca;
		EVP_PKEY_up_ref(newkey);
		X509_up_ref(keep);
		clock_at(&e, ca_na + 1000);
		log_find("CRYPTO_CS: rollover CA certificate activated.");
		ASSERT(pk_key_find(e.p, "ROOTCA#") == NULL);
		ASSERT_EQ(EVP_PKEY_eq(pk_key_evp(pk_key_find(e.p, "ROOTCA")), newkey), 1);
		ASSERT(pk_cs_ca_cert(e.cs) == keep);
		ASSERT(pk_cs_rollover_cert(e.cs) == NULL);
		ASSERT(pk_tp_cert(tp, PK_TP_CA_ROLLOVER) == NULL);
		ASSERT_EQ(X509_CRL_verify((X509_CRL *)pk_cs_crl(e.cs), newkey), 1);
		pk_cs_crl_view(e.cs, &crlv);
		ASSERT_EQ(crlv.n, 1);             /* revocations carry over */
		ASSERT_EQ(crlv.this_update, ca_na);
		EVP_PKEY_free(newkey);
		X509_free(keep);
	}
	view(&e, &v);
	ASSERT(!v.has_rollover);
	ASSERT_STREQ(date(&e, v.ca_expire), "13:14:16 CET Oct 8 2019");
	ASSERT_STREQ(date(&e, v.autorollover_timer), "13:14:16 CET Jul 10 2019");
	timers = tmr_render(pk_device_timers(e.d), pk_device_now(e.d), 0);
	ASSERT(strstr(timers, "|729d23:59:59.000  CS CERT EXPIRE\n"));
	ASSERT(strstr(timers, "|639d23:59:59.000  CS SHADOW CERT GENERATION\n"));
	ASSERT(strstr(timers, "|     5:59:59.000  CS CRL UPDATE\n"));
	free(timers);
	/* the new CA issues */
	X509_REQ_free(csr);
	csr = make_csr(ck2, "CN=R20", NULL);
	{
		unsigned char *der = NULL;
		int n = i2d_X509_REQ(csr, &der);
		ASSERT_EQ(pk_cs_submit_csr(e.cs, der, (size_t)n, &id), 0);
		OPENSSL_free(der);
	}
	ASSERT_EQ(pk_cs_grant(e.cs, id), 0);
	x = (X509 *)pk_cs_request_cert(e.cs, id);
	ASSERT_EQ(X509_verify(x, X509_get0_pubkey(pk_cs_ca_cert(e.cs))), 1);
	ASSERT_EQ(serial_of(x), 7);

	/* shut: the exact last serial goes back to NAME.ser */
	log_clear();
	ASSERT_EQ(pk_cs_disable(e.cs), 0);
	log_find("ROOTCA:Certificate Server is now disabled.");
	{
		char path[2 * PATH_MAX], *data = NULL;
		snprintf(path, sizeof path, "%s/ROOTCA.ser", e.db);
		ASSERT_EQ(pk_store_read(path, &data, NULL), 0);
		ASSERT(strstr(data, "last 7\nreserved 7\narchive 1\n"));
		free(data);
	}
	timers = tmr_render(pk_device_timers(e.d), pk_device_now(e.d), 0);
	ASSERT_STREQ(timers, "");
	free(timers);

	X509_REQ_free(csr);
	X509_free(signer);
	EVP_PKEY_free(ck);
	EVP_PKEY_free(ck2);
	env_close(&e);
	env_rm(&e);
}

/* Same key, same clock: the same CA certificate, byte for byte. */
TEST(ca_certificate_deterministic)
{
	unsigned char *der[2] = { NULL, NULL };
	size_t len[2];
	int i;

	for (i = 0; i < 2; i++) {
		struct env e;
		env_dirs(&e);
		env_open(&e, 0);
		clock_at(&e, tmr_from_civil(2015, 10, 9, 12, 14, 16) + 6);
		pk_device_set_http_enabled(e.d, 1);
		import_key(&e, "ROOTCA", "ca_key.pem");
		make_server(&e, "ROOTCA", seed_config);
		ASSERT_EQ(pk_cs_enable(e.cs, NULL), 0);
		ASSERT_EQ(pk_cert_der(pk_cs_ca_cert(e.cs), &der[i], &len[i]), 0);
		env_close(&e);
		env_rm(&e);
	}
	ASSERT_EQ(len[0], len[1]);
	ASSERT(memcmp(der[0], der[1], len[0]) == 0);
	free(der[0]);
	free(der[1]);
}

/* ---- enable checks -------------------------------------------------------------- */

static void with_pkcs12(struct pk_cs_config *c)
{
	c->archive = PK_ARCHIVE_PKCS12;
}

TEST(enable_checks)
{
	struct env e;
	struct pk_cs_view v;
	struct pk_cs_config c;
	pk_cs *other = NULL;
	char md5[40];

	pk_log_sink_add(sink, NULL);
	pk_debug_set(PK_DBG_SERVER, 1);
	env_dirs(&e);
	env_open(&e, 0);
	make_server(&e, "CA", NULL);
	ASSERT_EQ(pk_cs_create(e.p, "B", &other), PK_EEXIST);
	ASSERT(strstr(pk_err_msg(), "CA"));
	ASSERT(pk_cs_needs_key(e.cs));
	/* no authoritative clock */
	ASSERT_EQ(pk_cs_enable(e.cs, NULL), PK_ESTATE);
	ASSERT_STREQ(pk_err_msg(), "Time has not been set. Cannot start the Certificate server");
	view(&e, &v);
	ASSERT(!v.enabled && v.check_failed && v.locked && !v.http_disabled);
	pk_cs_get_config(e.cs, &c);
	c.grant = PK_GRANT_AUTO;
	ASSERT_EQ(pk_cs_set_config(e.cs, &c), PK_ELOCKED);
	/* the clock becomes authoritative: checks run again, HTTP is missing */
	pk_device_set_calendar_valid(e.d, 1);
	log_find("CRYPTO_CS: HTTP server not enabled, initialization failed.");
	view(&e, &v);
	ASSERT(!v.enabled && v.check_failed && v.http_disabled);
	/* ip http server: the server comes up by itself, key generated */
	pk_device_set_http_enabled(e.d, 1);
	pk_cs_http_changed(e.p);
	view(&e, &v);
	ASSERT(v.enabled && !v.check_failed && !v.http_disabled && v.has_ca);
	ASSERT_EQ(EVP_PKEY_get_bits(pk_key_evp(pk_key_find(e.p, "CA"))), 1024);
	snprintf(md5, sizeof md5, "%s", v.ca_md5);
	pk_device_set_http_enabled(e.d, 0);
	pk_cs_http_changed(e.p);
	view(&e, &v);
	ASSERT(!v.enabled && v.check_failed && v.http_disabled && v.locked);
	pk_device_set_http_enabled(e.d, 1);
	pk_cs_http_changed(e.p);
	view(&e, &v);
	ASSERT(v.enabled);
	ASSERT_STREQ(v.ca_md5, md5);                 /* the same CA */
	/* shut: unlocked, but issuer-name and CA lifetime stay frozen */
	ASSERT_EQ(pk_cs_disable(e.cs), 0);
	view(&e, &v);
	ASSERT(!v.enabled && !v.locked && !v.check_failed);
	pk_cs_get_config(e.cs, &c);
	ASSERT_EQ(c.shutdown, 1);
	c.life_cert = 30 * TMR_DAY;
	c.grant = PK_GRANT_AUTO;
	ASSERT_EQ(pk_cs_set_config(e.cs, &c), 0);
	snprintf(c.issuer, sizeof c.issuer, "CN=Other");
	ASSERT_EQ(pk_cs_set_config(e.cs, &c), PK_ELOCKED);
	c.issuer[0] = '\0';
	c.life_ca = 10 * TMR_DAY;
	ASSERT_EQ(pk_cs_set_config(e.cs, &c), PK_ELOCKED);
	/* ranges */
	pk_cs_get_config(e.cs, &c);
	c.life_crl = 337 * TMR_HOUR;
	ASSERT_EQ(pk_cs_set_config(e.cs, &c), PK_EINVAL);
	pk_cs_get_config(e.cs, &c);
	snprintf(c.hash, sizeof c.hash, "md4");
	ASSERT_EQ(pk_cs_set_config(e.cs, &c), PK_EINVAL);
	pk_cs_get_config(e.cs, &c);
	c.grant = PK_GRANT_AUTO_TP;
	ASSERT_EQ(pk_cs_set_config(e.cs, &c), PK_EINVAL);
	/* enabling logs grant auto too; shutting down through set_config */
	log_clear();
	ASSERT_EQ(pk_cs_enable(e.cs, NULL), 0);
	log_find("%PKI-6-CS_ENABLED: Certificate server now enabled.");
	log_find("%PKI-6-CS_GRANT_AUTO: All enrollment requests will be automatically granted.");
	pk_cs_get_config(e.cs, &c);
	c.shutdown = 1;
	ASSERT_EQ(pk_cs_set_config(e.cs, &c), 0);
	view(&e, &v);
	ASSERT(!v.enabled);

	/* an unsupported database url */
	ASSERT_EQ(pk_cs_delete(e.p, "CA"), 0);
	ASSERT(pk_tp_find(e.p, "CA") == NULL);
	ASSERT_EQ(pk_cs_create(e.p, "B", &e.cs), 0);
	pk_cs_get_config(e.cs, &c);
	snprintf(c.db_url, sizeof c.db_url, "ftp://127.0.0.1/DB/ROOTCA/");
	ASSERT_EQ(pk_cs_set_config(e.cs, &c), 0);
	ASSERT_EQ(pk_cs_enable(e.cs, NULL), PK_EINVAL);
	ASSERT(strstr(pk_err_msg(), "only nvram:, flash: and unix: storage are supported"));
	view(&e, &v);
	ASSERT(v.check_failed && !v.enabled);
	ASSERT_EQ(pk_cs_delete(e.p, "B"), 0);

	/* archive on, no password: the CLI must ask first */
	make_server(&e, "C", with_pkcs12);
	ASSERT(pk_cs_needs_archive_password(e.cs));
	ASSERT_EQ(pk_cs_enable(e.cs, NULL), PK_ESTATE);
	pk_cs_get_config(e.cs, &c);
	ASSERT_EQ(c.shutdown, 1);
	ASSERT_EQ(pk_cs_enable(e.cs, "typed-pw"), 0);
	ASSERT(!pk_cs_needs_archive_password(e.cs));
	{
		char path[2 * PATH_MAX];
		struct stat st;
		snprintf(path, sizeof path, "%s/C.p12", e.db);
		ASSERT_EQ(stat(path, &st), 0);
		ASSERT_EQ(st.st_mode & 0777, 0600);
	}
	env_close(&e);
	env_rm(&e);
}

/* ---- boot: configuration replay restores the CA ----------------------------------- */

TEST(boot_replay_restores_ca)
{
	struct env e;
	struct pk_cs_view v;
	struct pk_cs_config c;
	struct pk_crl_view crlv;
	struct pk_issued_view iv[16];
	EVP_PKEY *ck = fixture_key("client_key.pem");
	unsigned char *der;
	size_t len;
	X509 *ca;
	pk_tp *t;
	char md5[40];
	long id;

	simple_server(&e, names_level);
	id = submit(&e, ck, "CN=a");
	ASSERT(pk_cs_request_cert(e.cs, id));
	submit(&e, ck, "CN=b");
	submit(&e, ck, "CN=c");
	ASSERT_EQ(pk_cs_revoke(e.cs, "3"), 0);
	view(&e, &v);
	ASSERT_STREQ(v.last_serial, "4");
	snprintf(md5, sizeof md5, "%s", v.ca_md5);
	ASSERT_EQ(pk_cert_der(pk_cs_ca_cert(e.cs), &der, &len), 0);
	pk_pki_free(e.p);

	/* boot: server block (no shutdown line), trustpoint, certificate chain */
	ASSERT_EQ(pk_pki_open(e.d, &e.p), 0);
	pk_pki_config_begin(e.p);
	make_server(&e, "CA", names_level);
	ASSERT_EQ(pk_cs_enable(e.cs, NULL), 0);      /* a `no shutdown` line: deferred */
	view(&e, &v);
	ASSERT(!v.enabled && !v.has_ca);
	ASSERT_EQ(pk_tp_create(e.p, "CA", &t), 0);
	ASSERT(pk_tp_is_server(t));
	ASSERT_EQ(pk_cert_parse(der, len, &ca), 0);
	ASSERT_EQ(pk_tp_set_cert(t, PK_TP_CA, ca), 0);
	X509_free(ca);
	ASSERT_EQ(pk_tp_delete(e.p, "CA"), PK_ESTATE);
	pk_pki_config_done(e.p);
	view(&e, &v);
	ASSERT(v.enabled);
	ASSERT_STREQ(v.ca_md5, md5);                 /* reused, no new CA */
	ASSERT_STREQ(v.last_serial, "4");
	pk_cs_crl_view(e.cs, &crlv);
	ASSERT_EQ(crlv.n, 1);                        /* from NAME.crl */
	id = submit(&e, ck, "CN=d");
	ASSERT_EQ(serial_of(pk_cs_request_cert(e.cs, id)), 5);
	ASSERT_EQ(id, 4);                            /* the request database survived */
	ASSERT_EQ(pk_cs_issued(e.cs, NULL, 0), 5);   /* .cnm records read on demand */
	ASSERT_EQ(pk_cs_issued(e.cs, iv, 16), 5);
	ASSERT_STREQ(iv[2].serial, "3");
	ASSERT_STREQ(iv[2].subject, "cn=b");
	ASSERT(iv[2].revoked);
	ASSERT_STREQ(iv[4].subject, "cn=d");

	/* reload: running-config gone, keys stay; a block that says shutdown
	 * stays shut */
	pk_device_reset(e.d);
	ASSERT(pk_cs_first(e.p) == NULL);
	ASSERT_EQ(pk_tp_count(e.p), 0);
	ASSERT(pk_key_find(e.p, "CA"));
	pk_device_clock_set(e.d, tmr_from_civil(2020, 1, 2, 0, 0, 0));
	pk_device_set_http_enabled(e.d, 1);
	make_server(&e, "CA", names_level);
	pk_cs_get_config(e.cs, &c);
	c.shutdown_explicit = 1;
	ASSERT_EQ(pk_cs_set_config(e.cs, &c), 0);
	pk_pki_config_done(e.p);
	view(&e, &v);
	ASSERT(!v.enabled && !v.locked);
	/* a later replay (copy to running-config) defers too */
	pk_pki_config_begin(e.p);
	ASSERT_EQ(pk_cs_enable(e.cs, NULL), 0);
	view(&e, &v);
	ASSERT(!v.enabled);
	ASSERT_EQ(pk_tp_create(e.p, "CA", &t), 0);
	ASSERT_EQ(pk_cert_parse(der, len, &ca), 0);
	pk_tp_set_cert(t, PK_TP_CA, ca);
	X509_free(ca);
	pk_pki_config_done(e.p);
	view(&e, &v);
	ASSERT(v.enabled);
	ASSERT_STREQ(v.ca_md5, md5);
	ASSERT_STREQ(v.last_serial, "5");

	/* the CLI's replay: `no shutdown` is only configuration, `ip http
	 * server` comes later in the file, the chain last */
	pk_device_reset(e.d);
	pk_device_clock_set(e.d, tmr_from_civil(2020, 1, 3, 0, 0, 0));
	make_server(&e, "CA", names_level);
	pk_cs_get_config(e.cs, &c);
	c.shutdown = 0;
	c.shutdown_explicit = 1;
	ASSERT_EQ(pk_cs_set_config(e.cs, &c), 0);
	pk_device_set_http_enabled(e.d, 1);
	pk_cs_http_changed(e.p);
	view(&e, &v);
	ASSERT(!v.enabled && !v.has_ca);             /* no CA made before the chain */
	ASSERT_EQ(pk_tp_create(e.p, "CA", &t), 0);
	ASSERT_EQ(pk_cert_parse(der, len, &ca), 0);
	pk_tp_set_cert(t, PK_TP_CA, ca);
	X509_free(ca);
	pk_pki_config_done(e.p);
	view(&e, &v);
	ASSERT(v.enabled);
	ASSERT_STREQ(v.ca_md5, md5);
	free(der);
	EVP_PKEY_free(ck);
	env_close(&e);
	env_rm(&e);
}

/* A restored CA whose key is missing: "waiting for (offline) key", and the
 * key's arrival enables the server. */
TEST(waiting_for_offline_key)
{
	struct env e;
	struct pk_cs_view v;
	unsigned char *der;
	size_t len;
	X509 *ca;
	pk_tp *t;

	pk_log_sink_add(sink, NULL);
	simple_server(&e, NULL);
	ASSERT_EQ(pk_cert_der(pk_cs_ca_cert(e.cs), &der, &len), 0);
	pk_pki_free(e.p);
	ASSERT_EQ(pk_pki_open(e.d, &e.p), 0);
	ASSERT_EQ(pk_key_delete(e.p, "CA"), 0);
	make_server(&e, "CA", NULL);
	ASSERT_EQ(pk_tp_create(e.p, "CA", &t), 0);
	ASSERT_EQ(pk_cert_parse(der, len, &ca), 0);
	pk_tp_set_cert(t, PK_TP_CA, ca);
	X509_free(ca);
	log_clear();
	pk_pki_config_done(e.p);
	log_find("CA:Server key not found, waiting for (offline) key. Keypair label CA.");
	view(&e, &v);
	ASSERT(!v.enabled && v.check_failed);
	ASSERT(!pk_cs_needs_key(e.cs));              /* no key generation: the CA exists */
	import_key(&e, "CA", "client_key.pem");      /* the wrong key */
	view(&e, &v);
	ASSERT(!v.enabled);
	import_key(&e, "CA", "ca_key.pem");
	view(&e, &v);
	ASSERT(v.enabled);
	free(der);
	env_close(&e);
	env_rm(&e);
}

/* ---- serial numbers: never reused ------------------------------------------------ */

TEST(serial_survives_reopen)
{
	struct env e;
	struct pk_cs_view v;
	EVP_PKEY *ck = fixture_key("client_key.pem");
	unsigned char *der;
	size_t len;
	uint64_t s;
	int i;

	simple_server(&e, minimum_auto);
	for (i = 0; i < 70; i++)
		ASSERT_EQ(issue_one(&e, ck, "T"), (uint64_t)i + 2);
	ASSERT_EQ(pk_cert_der(pk_cs_ca_cert(e.cs), &der, &len), 0);
	env_close(&e);
	reboot(&e, der, len, minimum_auto);
	view(&e, &v);
	ASSERT(v.enabled);
	ASSERT_STREQ(v.last_serial, "47");           /* 71: exact after a clean stop */
	s = issue_one(&e, ck, "T");
	ASSERT_EQ(s, 72);
	env_close(&e);
	free(der);
	EVP_PKEY_free(ck);
	env_rm(&e);
}

/* kill -9 at arbitrary instants while issuing: after the restart the next
 * serial is above everything any client may have received. */
TEST(serial_survives_kill9)
{
	struct env e;
	EVP_PKEY *ck = fixture_key("client_key.pem");
	unsigned char *der;
	size_t len;
	uint64_t max = 0, s;
	static const int after[] = { 0, 1, 14, 15, 16, 17, 47, 48, 49, 130, 7, 500 };
	size_t round;

	simple_server(&e, minimum_auto);
	ASSERT_EQ(pk_cert_der(pk_cs_ca_cert(e.cs), &der, &len), 0);
	env_close(&e);
	srand((unsigned)time(NULL));
	for (round = 0; round < sizeof after / sizeof after[0] + 3; round++) {
		int fds[2], st;
		pid_t pid;
		int want = round < sizeof after / sizeof after[0] ? after[round] : rand() % 200;
		int mode = (int)(round % 3);       /* 0 SIGKILL, 1 _exit, 2 SIGKILL mid-write */
		int got = 0;

		ASSERT_EQ(pipe(fds), 0);
		fflush(NULL);
		pid = fork();
		ASSERT(pid >= 0);
		if (pid == 0) {
			struct env c = e;
			int k;
			close(fds[0]);
			reboot(&c, der, len, minimum_auto);
			for (k = 0; ; k++) {
				uint64_t cs = issue_one(&c, ck, "T");
				if (!cs)
					(_exit)(3);
				if (write(fds[1], &cs, sizeof cs) != sizeof cs)
					(_exit)(4);
				if (mode == 1 && k + 1 >= want)
					(_exit)(0);       /* a crash: no clean stop */
			}
		}
		close(fds[1]);
		for (;;) {
			ssize_t n = read(fds[0], &s, sizeof s);
			if (n != sizeof s)
				break;
			ASSERT(s > max);          /* strictly increasing, never reused */
			max = s;
			if (mode != 1 && ++got >= want) {
				if (mode == 2)
					usleep((useconds_t)(rand() % 3000));
				kill(pid, SIGKILL);
			}
		}
		close(fds[0]);
		if (mode != 1)
			kill(pid, SIGKILL);
		ASSERT_EQ(waitpid(pid, &st, 0), pid);
		ASSERT((WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL) ||
		       (WIFEXITED(st) && WEXITSTATUS(st) == 0));
		if (mode == 1 && want == 0)
			continue;
		/* reboot in the parent: the next serial is above the maximum */
		reboot(&e, der, len, minimum_auto);
		s = issue_one(&e, ck, "T");
		ASSERT(s > max);
		max = s;
		pk_pki_free(e.p);           /* clean stop */
		pk_device_free(e.d);
		reboot(&e, der, len, minimum_auto);
		s = issue_one(&e, ck, "T");
		ASSERT_EQ(s, max + 1);       /* clean: no gap */
		max = s;
		env_close(&e);
	}
	free(der);
	EVP_PKEY_free(ck);
	env_rm(&e);
}

TEST(full_disk)
{
	struct env e;
	struct pk_cs_view v;
	struct pk_crl_view crlv;
	struct pk_scep_result res;
	EVP_PKEY *ck = fixture_key("client_key.pem");
	X509_REQ *csr = make_csr(ck, "CN=disk", NULL);
	unsigned char *der;
	size_t len;
	uint64_t s, last, expect;
	struct pk_cs_config c;
	int i, failed = 0;

	simple_server(&e, complete_auto);
	ASSERT_EQ(issue_one(&e, ck, "A"), 2);
	ASSERT_EQ(pk_cert_der(pk_cs_ca_cert(e.cs), &der, &len), 0);
	setenv("PKISH_FAIL_WRITES", "1", 1);
	/* level complete: the record write fails, the reply must not go out */
	ASSERT_EQ(scep(&e, PK_SCEP_PKCSREQ, "B", csr, NULL, 0, NULL, &res), PK_EIO);
	pk_scep_result_free(&res);
	ASSERT_EQ(pk_cs_requests(e.cs, NULL, 0), 1);   /* the failed entry is gone */
	ASSERT_EQ(pk_cs_revoke(e.cs, "2"), PK_EIO);
	pk_cs_crl_view(e.cs, &crlv);
	ASSERT_EQ(crlv.n, 0);
	ASSERT_EQ(pk_key_generate(e.p, "K", 512, 0), PK_EIO);
	ASSERT(pk_key_find(e.p, "K") == NULL);
	ASSERT(!file_exists(&e, "3.crt"));
	/* the reservation runs out: no serial without a write */
	pk_cs_disable(e.cs);
	pk_cs_get_config(e.cs, &c);
	c.db_level = PK_DB_MINIMUM;
	ASSERT_EQ(pk_cs_set_config(e.cs, &c), 0);
	unsetenv("PKISH_FAIL_WRITES");
	ASSERT_EQ(pk_cs_enable(e.cs, NULL), 0);
	s = issue_one(&e, ck, "R");     /* from the block still reserved */
	expect = e.cs->reserved - s;                 /* what is left of it */
	ASSERT(expect >= 1 && expect < CS_SERIAL_BLOCK_MIN);
	setenv("PKISH_FAIL_WRITES", "1", 1);
	for (i = 0; i < 200; i++) {
		struct pk_scep_result r;
		int rc = scep(&e, PK_SCEP_PKCSREQ, "C", csr, NULL, 0, NULL, &r);
		if (rc < 0) {
			ASSERT_EQ(rc, PK_EIO);
			ASSERT(r.tbs == NULL && r.cert == NULL);
			ASSERT_EQ(r.status, PK_SCEP_FAILURE);
			failed++;
		}
		pk_scep_result_free(&r);
	}
	/* the rest of the reserved block was issued, then nothing */
	ASSERT_EQ(200 - failed, expect);
	view(&e, &v);
	last = strtoull(v.last_serial, NULL, 16);
	ASSERT_EQ(last, s + expect);
	/* crash now (the clean stop cannot write either) and come back */
	pk_pki_free(e.p);
	pk_device_free(e.d);
	unsetenv("PKISH_FAIL_WRITES");
	reboot(&e, der, len, minimum_auto);
	s = issue_one(&e, ck, "D");
	ASSERT(s > last);
	env_close(&e);
	free(der);
	X509_REQ_free(csr);
	EVP_PKEY_free(ck);
	env_rm(&e);
}

/* ---- SCEP decision rules -------------------------------------------------------- */

TEST(scep_decisions)
{
	struct env e;
	struct pk_scep_result res;
	struct pk_cs_config c;
	struct pk_tp_config tc;
	EVP_PKEY *ck = fixture_key("client_key.pem"), *ck2 = fixture_key("client2_key.pem");
	EVP_PKEY *sk = fixture_key("sub_key.pem");
	X509_REQ *csr = make_csr(ck, "CN=R1", NULL), *csr2;
	X509 *signer, *issued, *ext_ca, *ext_cert;
	pk_tp *tp, *ext;
	char otp[32];

	simple_server(&e, NULL);                /* grant manual */
	signer = self_signed(&e, ck, "CN=R1", 0);
	/* GetCRL, GetCert, unknown CertPoll */
	ASSERT_EQ(scep(&e, PK_SCEP_GETCRL, NULL, NULL, NULL, 0, NULL, &res), 0);
	ASSERT_EQ(res.status, PK_SCEP_SUCCESS);
	ASSERT(res.crl == pk_cs_crl(e.cs));
	pk_scep_result_free(&res);
	{
		struct pk_scep_req r;
		memset(&r, 0, sizeof r);
		r.kind = PK_SCEP_GETCERT;
		r.serial = "01";
		ASSERT_EQ(pk_cs_scep(e.cs, &r, &res), 0);
		ASSERT_EQ(res.status, PK_SCEP_SUCCESS);
		ASSERT(res.cert == pk_cs_ca_cert(e.cs));
		ASSERT_EQ(pk_cs_sign(&res), 0);          /* no-op: already a certificate */
		ASSERT_EQ(pk_cs_record(e.cs, &res), 0);
		pk_scep_result_free(&res);
		r.serial = "99";
		ASSERT_EQ(pk_cs_scep(e.cs, &r, &res), 0);
		ASSERT_EQ(res.status, PK_SCEP_FAILURE);
		ASSERT_EQ(res.fail_info, 4);
		pk_scep_result_free(&res);
	}
	ASSERT_EQ(scep(&e, PK_SCEP_CERTPOLL, "nope", NULL, signer, 0, NULL, &res), 0);
	ASSERT_EQ(res.status, PK_SCEP_FAILURE);
	ASSERT_EQ(res.fail_info, 4);
	pk_scep_result_free(&res);
	/* no password anywhere: a challenge is ignored */
	ASSERT_EQ(scep(&e, PK_SCEP_PKCSREQ, "t1", csr, signer, 0, "anything", &res), 0);
	ASSERT_EQ(res.status, PK_SCEP_PENDING);
	pk_scep_result_free(&res);
	/* the server trustpoint's password: match grants, mismatch fails */
	tp = pk_tp_find(e.p, "CA");
	pk_tp_get_config(tp, &tc);
	snprintf(tc.password, sizeof tc.password, "sesame");
	tc.password_set = 1;
	ASSERT_EQ(pk_tp_set_config(tp, &tc), 0);
	ASSERT_EQ(scep(&e, PK_SCEP_PKCSREQ, "t2", csr, signer, 0, "wrong", &res), 0);
	ASSERT_EQ(res.status, PK_SCEP_FAILURE);
	ASSERT_EQ(res.fail_info, 2);
	pk_scep_result_free(&res);
	/* no challenge at all: the grant mode decides (manual: pending) */
	ASSERT_EQ(scep(&e, PK_SCEP_PKCSREQ, "t3", csr, signer, 0, NULL, &res), 0);
	ASSERT_EQ(res.status, PK_SCEP_PENDING);
	pk_scep_result_free(&res);
	ASSERT_EQ(scep(&e, PK_SCEP_PKCSREQ, "t4", csr, signer, 0, "sesame", &res), 0);
	ASSERT_EQ(res.status, PK_SCEP_SUCCESS);
	issued = res.cert;
	X509_up_ref(issued);
	pk_scep_result_free(&res);
	/* one-time passwords */
	tc.password_set = 0;
	tc.password[0] = '\0';
	ASSERT_EQ(pk_tp_set_config(tp, &tc), 0);
	ASSERT_EQ(pk_cs_password_generate(e.cs, 0, otp, sizeof otp), 0);
	ASSERT_EQ(strlen(otp), 16);
	ASSERT_EQ(strspn(otp, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"), 16);
	ASSERT_EQ(scep(&e, PK_SCEP_PKCSREQ, "t5", csr, signer, 0, otp, &res), 0);
	ASSERT_EQ(res.status, PK_SCEP_SUCCESS);
	pk_scep_result_free(&res);
	ASSERT_EQ(scep(&e, PK_SCEP_PKCSREQ, "t6", csr, signer, 0, otp, &res), 0);
	ASSERT_EQ(res.status, PK_SCEP_PENDING);      /* consumed; nothing left to check */
	pk_scep_result_free(&res);
	ASSERT_EQ(pk_cs_password_generate(e.cs, 1, otp, sizeof otp), 0);
	ASSERT_EQ(pk_cs_password_generate(e.cs, 1441, otp, sizeof otp), PK_EINVAL);
	ASSERT_EQ(pk_cs_password_generate(e.cs, 1, otp, 8), PK_EINVAL);
	pk_device_clock_set(e.d, pk_device_now(e.d) + 61 * TMR_SEC);
	{
		char pw[32];
		ASSERT_EQ(pk_cs_password_generate(e.cs, 0, pw, sizeof pw), 0);
		ASSERT_EQ(scep(&e, PK_SCEP_PKCSREQ, "t7", csr, signer, 0, otp, &res), 0);
		ASSERT_EQ(res.status, PK_SCEP_FAILURE);  /* expired */
		pk_scep_result_free(&res);
		ASSERT(strcmp(pw, otp) != 0);
	}

	/* renewal: signed by a certificate we issued, same subject */
	csr2 = make_csr(ck2, "CN=R1", NULL);
	ASSERT_EQ(scep(&e, PK_SCEP_PKCSREQ, "r1", csr2, issued, 0, NULL, &res), 0);
	ASSERT_EQ(res.status, PK_SCEP_SUCCESS);
	pk_scep_result_free(&res);
	ASSERT_EQ(scep(&e, PK_SCEP_RENEWALREQ, "r2", csr2, issued, 0, NULL, &res), 0);
	ASSERT_EQ(res.status, PK_SCEP_SUCCESS);
	pk_scep_result_free(&res);
	/* another subject (spec §6 Q19): the normal rules (manual: pending) */
	X509_REQ_free(csr2);
	csr2 = make_csr(ck2, "CN=other", NULL);
	ASSERT_EQ(scep(&e, PK_SCEP_PKCSREQ, "r3", csr2, issued, 0, NULL, &res), 0);
	ASSERT(res.status != PK_SCEP_SUCCESS);
	pk_scep_result_free(&res);
	X509_REQ_free(csr2);
	csr2 = make_csr(ck2, "CN=R1", NULL);
	/* a revoked signer is no renewal */
	{
		char hex[24];
		snprintf(hex, sizeof hex, "%llX", (unsigned long long)serial_of(issued));
		ASSERT_EQ(pk_cs_revoke(e.cs, hex), 0);
	}
	ASSERT_EQ(scep(&e, PK_SCEP_PKCSREQ, "r4", csr2, issued, 0, NULL, &res), 0);
	ASSERT(res.status != PK_SCEP_SUCCESS);
	pk_scep_result_free(&res);
	/* a forged signer (right names, wrong key) is no renewal */
	{
		X509 *forged = X509_dup(issued);
		ASSERT(ASN1_INTEGER_set(X509_get_serialNumber(forged), 0x777));
		ASSERT_EQ(pki_cert_sign(forged, ck2, "sha256"), 0);
		ASSERT_EQ(scep(&e, PK_SCEP_PKCSREQ, "r5", csr2, forged, 0, NULL, &res), 0);
		ASSERT(res.status != PK_SCEP_SUCCESS);
		pk_scep_result_free(&res);
		X509_free(forged);
	}

	/* a CSR whose self-signature does not verify */
	{
		X509_REQ *bad = make_csr(ck, "CN=R1", NULL);
		X509_NAME *n = NULL;
		pki_dn_parse("CN=Mallory", &n);
		X509_REQ_set_subject_name(bad, n);
		X509_NAME_free(n);
		ASSERT_EQ(scep(&e, PK_SCEP_PKCSREQ, "bad", bad, signer, 0, NULL, &res), 0);
		ASSERT_EQ(res.status, PK_SCEP_FAILURE);
		ASSERT_EQ(res.fail_info, 2);
		pk_scep_result_free(&res);
		X509_REQ_free(bad);
	}
	/* for the rollover CA while there is none */
	ASSERT_EQ(scep(&e, PK_SCEP_PKCSREQ, "ro", csr, signer, 1, NULL, &res), 0);
	ASSERT_EQ(res.status, PK_SCEP_FAILURE);
	pk_scep_result_free(&res);

	/* grant auto trustpoint EXT: only signers issued by EXT's CA */
	pk_device_clock_set(e.d, pk_device_now(e.d) + 61 * TMR_MIN);
	ASSERT_EQ(pk_tp_create(e.p, "EXT", &ext), 0);
	ext_ca = self_signed(&e, sk, "CN=ExtCA", 1);
	ASSERT_EQ(pk_tp_set_cert(ext, PK_TP_CA, ext_ca), 0);
	{
		X509_NAME *subj = NULL;
		struct pki_certspec s;
		unsigned char kid[64];
		size_t kidlen;
		pki_dn_parse("CN=R9", &subj);
		memset(&s, 0, sizeof s);
		ASSERT_EQ(pki_cs_ca_key_id(ext_ca, kid, &kidlen), 0);
		s.aki = kid;
		s.aki_len = kidlen;
		s.serial = 77;
		s.subject = subj;
		s.issuer = X509_get_subject_name(ext_ca);
		s.pubkey = ck2;
		s.nb = pk_device_now(e.d) - TMR_HOUR;
		s.na = pk_device_now(e.d) + TMR_DAY;
		ASSERT_EQ(pki_cert_build(&s, &ext_cert), 0);
		ASSERT_EQ(pki_cert_sign(ext_cert, sk, "sha256"), 0);
		X509_NAME_free(subj);
	}
	pk_cs_disable(e.cs);
	pk_cs_get_config(e.cs, &c);
	c.grant = PK_GRANT_AUTO_TP;
	snprintf(c.grant_tp, sizeof c.grant_tp, "EXT");
	ASSERT_EQ(pk_cs_set_config(e.cs, &c), 0);
	ASSERT_EQ(pk_cs_enable(e.cs, NULL), 0);
	X509_REQ_free(csr2);
	csr2 = make_csr(ck2, "CN=R9", NULL);
	ASSERT_EQ(scep(&e, PK_SCEP_PKCSREQ, "x1", csr2, ext_cert, 0, NULL, &res), 0);
	ASSERT_EQ(res.status, PK_SCEP_SUCCESS);
	pk_scep_result_free(&res);
	ASSERT_EQ(scep(&e, PK_SCEP_PKCSREQ, "x2", csr2, signer, 0, NULL, &res), 0);
	ASSERT_EQ(res.status, PK_SCEP_PENDING);
	pk_scep_result_free(&res);

	/* grant none: everything fails, renewals included (spec §6 Q18) */
	pk_cs_disable(e.cs);
	pk_cs_get_config(e.cs, &c);
	c.grant = PK_GRANT_NONE;
	ASSERT_EQ(pk_cs_set_config(e.cs, &c), 0);
	ASSERT_EQ(pk_cs_enable(e.cs, NULL), 0);
	{
		struct pk_cs_view v;
		pk_cs_view(e.cs, &v);
		ASSERT_STREQ(v.grant_text, "none");
	}
	ASSERT_EQ(scep(&e, PK_SCEP_PKCSREQ, "n1", csr2, ext_cert, 0, NULL, &res), 0);
	ASSERT_EQ(res.status, PK_SCEP_FAILURE);
	ASSERT_EQ(res.fail_info, 2);
	pk_scep_result_free(&res);
	{
		unsigned char *der = NULL;
		long id;
		int n = i2d_X509_REQ(csr2, &der);
		ASSERT_EQ(pk_cs_submit_csr(e.cs, der, (size_t)n, &id), PK_EDENIED);
		OPENSSL_free(der);
	}
	/* disabled: everything fails */
	pk_cs_disable(e.cs);
	ASSERT_EQ(scep(&e, PK_SCEP_GETCRL, NULL, NULL, NULL, 0, NULL, &res), 0);
	ASSERT_EQ(res.status, PK_SCEP_FAILURE);
	pk_scep_result_free(&res);

	X509_free(issued);
	X509_free(ext_ca);
	X509_free(ext_cert);
	X509_free(signer);
	X509_REQ_free(csr);
	X509_REQ_free(csr2);
	EVP_PKEY_free(ck);
	EVP_PKEY_free(ck2);
	EVP_PKEY_free(sk);
	env_close(&e);
	env_rm(&e);
}

/* ---- request database -------------------------------------------------------------- */

static void er_one_hour(struct pk_cs_config *c)
{
	c->life_er = TMR_HOUR;
}

TEST(request_database)
{
	struct env e;
	struct pk_req_view rq[8];
	EVP_PKEY *ck = fixture_key("client_key.pem");
	char *timers;
	long a, b, c;

	simple_server(&e, er_one_hour);
	a = submit(&e, ck, "CN=a");
	b = submit(&e, ck, "CN=b");
	ASSERT_EQ(a, 1);
	ASSERT_EQ(b, 2);
	timers = tmr_render(pk_device_timers(e.d), pk_device_now(e.d), 0);
	ASSERT(strstr(timers, "|     1:00:00.000  ER EXPIRE 1\n"));
	free(timers);
	ASSERT_EQ(pk_cs_reject(e.cs, a), 0);
	ASSERT_EQ(pk_cs_reject(e.cs, a), PK_ESTATE);
	/* the pending one expires, the rejected one stays */
	pk_device_clock_set(e.d, pk_device_now(e.d) + TMR_HOUR);
	ASSERT_EQ(pk_cs_requests(e.cs, rq, 8), 1);
	ASSERT_EQ(rq[0].id, 1);
	c = submit(&e, ck, "CN=c");
	ASSERT_EQ(c, 3);                             /* never reused */
	submit(&e, ck, "CN=d");
	ASSERT_EQ(pk_cs_grant(e.cs, -1), 0);
	ASSERT_EQ(pk_cs_requests(e.cs, rq, 8), 3);
	ASSERT_EQ(rq[0].state, PK_REQ_GRANTED);
	ASSERT_EQ(rq[1].state, PK_REQ_GRANTED);
	ASSERT_EQ(pk_cs_requests(e.cs, rq, 1), 3);   /* the count, at most max filled */
	ASSERT_EQ(pk_cs_remove(e.cs, 3), 0);
	ASSERT_EQ(pk_cs_remove(e.cs, 3), PK_ENOENT);
	ASSERT_EQ(pk_cs_remove(e.cs, -1), 0);
	ASSERT_EQ(pk_cs_requests(e.cs, NULL, 0), 0);
	ASSERT_EQ(submit(&e, ck, "CN=e"), 5);
	EVP_PKEY_free(ck);
	env_close(&e);
	env_rm(&e);
}

/* ---- CRL over long jumps; CA expiry without rollover (spec §6 Q7) ---------------- */

static void short_ca(struct pk_cs_config *c)
{
	c->life_ca = 30 * TMR_DAY;
	c->grant = PK_GRANT_AUTO;
}

TEST(crl_catch_up_and_ca_expiry)
{
	struct env e;
	struct pk_cs_view v;
	struct pk_scep_result res;
	EVP_PKEY *ck = fixture_key("client_key.pem");
	char *timers;
	tmr_ms na;
	clock_t t;

	pk_log_sink_add(sink, NULL);
	pk_debug_set(PK_DBG_SERVER, 1);
	/* a three-year CA, two years ahead: one CRL, at the end */
	simple_server(&e, minimum_auto);
	log_clear();
	t = clock();
	pk_device_clock_set(e.d, pk_device_now(e.d) + 730 * TMR_DAY + 5 * TMR_HOUR);
	ASSERT_EQ(log_count("updated crl in memory"), 1);
	ASSERT((double)(clock() - t) / CLOCKS_PER_SEC < 1.0);
	env_close(&e);
	env_rm(&e);

	/* a 30-day CA without rollover: expired, the server refuses */
	simple_server(&e, short_ca);
	view(&e, &v);
	na = v.ca_expire;
	log_clear();
	pk_device_clock_set(e.d, pk_device_now(e.d) + 40 * TMR_DAY);
	log_find("CRYPTO_CS: CA certificate expired; no rollover CA certificate");
	ASSERT(log_count("updated crl in memory") <= 1);
	view(&e, &v);
	ASSERT(v.enabled);
	ASSERT_EQ(v.ca_expire, na);
	timers = tmr_render(pk_device_timers(e.d), pk_device_now(e.d), 0);
	ASSERT_STREQ(timers, "");
	free(timers);
	ASSERT_EQ(issue_one(&e, ck, "late"), 0);
	{
		X509_REQ *csr = make_csr(ck, "CN=late", NULL);
		ASSERT_EQ(scep(&e, PK_SCEP_PKCSREQ, "late2", csr, NULL, 0, NULL, &res), 0);
		ASSERT_EQ(res.status, PK_SCEP_FAILURE);
		pk_scep_result_free(&res);
		X509_REQ_free(csr);
	}
	/* a manual rollover rescues it: activated at once (its start is past) */
	ASSERT_EQ(pk_cs_rollover(e.cs), 0);
	pk_device_run_timers(e.d);
	ASSERT(pk_cs_rollover_cert(e.cs) == NULL);
	view(&e, &v);
	ASSERT_EQ(v.ca_expire, na + 30 * TMR_DAY);
	ASSERT(issue_one(&e, ck, "again") > 0);
	EVP_PKEY_free(ck);
	env_close(&e);
	env_rm(&e);
}

/* ---- manual rollover and cancel ----------------------------------------------------- */

static void archived(struct pk_cs_config *c)
{
	c->archive = PK_ARCHIVE_PEM;
	snprintf(c->archive_pw, sizeof c->archive_pw, "pempass");
}

TEST(rollover_and_cancel)
{
	struct env e;
	struct pk_cs_view v;
	struct pk_cs_config c;
	uint64_t s1, s2;

	simple_server(&e, archived);
	ASSERT(file_exists(&e, "CA.pem"));
	ASSERT_EQ(pk_cs_rollover_cancel(e.cs), PK_ENOENT);
	ASSERT_EQ(pk_cs_rollover(e.cs), 0);
	ASSERT(pk_key_find(e.p, "CA#"));
	s1 = serial_of(pk_cs_rollover_cert(e.cs));
	ASSERT_EQ(s1, 2);
	ASSERT(file_exists(&e, "CA_00001.pem"));
	ASSERT_EQ(pk_cs_rollover(e.cs), PK_EEXIST);
	ASSERT_EQ(pk_cs_rollover_cancel(e.cs), 0);
	ASSERT(pk_key_find(e.p, "CA#") == NULL);
	ASSERT(pk_cs_rollover_cert(e.cs) == NULL);
	view(&e, &v);
	ASSERT(!v.has_rollover);
	/* with auto-rollover inside its window, cancel re-arms the shadow timer,
	 * which fires at once (spec §3.7) */
	pk_cs_disable(e.cs);
	pk_cs_get_config(e.cs, &c);
	c.auto_rollover = 2000 * TMR_DAY;
	ASSERT_EQ(pk_cs_set_config(e.cs, &c), 0);
	ASSERT_EQ(pk_cs_enable(e.cs, NULL), 0);
	pk_device_run_timers(e.d);
	ASSERT(pk_cs_rollover_cert(e.cs));
	s2 = serial_of(pk_cs_rollover_cert(e.cs));
	ASSERT(s2 > s1);
	ASSERT(file_exists(&e, "CA_00002.pem"));
	ASSERT_EQ(pk_cs_rollover_cancel(e.cs), 0);
	pk_device_run_timers(e.d);
	ASSERT(serial_of(pk_cs_rollover_cert(e.cs)) > s2);
	ASSERT(file_exists(&e, "CA_00003.pem"));
	/* not enabled: no manual rollover */
	ASSERT_EQ(pk_cs_rollover_cancel(e.cs), 0);
	pk_cs_disable(e.cs);
	ASSERT_EQ(pk_cs_rollover(e.cs), PK_ESTATE);
	env_close(&e);
	env_rm(&e);
}

/* ---- database levels; a big database does not slow the start ------------------------ */

TEST(database_levels)
{
	struct env e;
	struct pk_scep_result res;
	struct pk_cs_config c;
	struct pk_issued_view *iv;
	EVP_PKEY *ck = fixture_key("client_key.pem");
	unsigned char *der;
	size_t len, n;
	struct timespec t0, t1;
	double ms;
	int i;

	simple_server(&e, minimum_auto);
	ASSERT_EQ(issue_one(&e, ck, "a"), 2);
	ASSERT(!file_exists(&e, "2.cnm") && !file_exists(&e, "1.cnm"));
	pk_cs_disable(e.cs);
	pk_cs_get_config(e.cs, &c);
	c.db_level = PK_DB_NAMES;
	pk_cs_set_config(e.cs, &c);
	pk_cs_enable(e.cs, NULL);
	ASSERT_EQ(issue_one(&e, ck, "b"), 3);
	ASSERT(file_exists(&e, "3.cnm") && !file_exists(&e, "3.crt"));
	pk_cs_disable(e.cs);
	c.db_level = PK_DB_COMPLETE;
	pk_cs_set_config(e.cs, &c);
	pk_cs_enable(e.cs, NULL);
	ASSERT_EQ(issue_one(&e, ck, "c"), 4);
	ASSERT(file_exists(&e, "4.cnm") && file_exists(&e, "4.crt"));
	ASSERT_EQ(pk_cert_der(pk_cs_ca_cert(e.cs), &der, &len), 0);
	env_close(&e);

	/* 10,000 records in the database: start-up does not read them */
	{
		char path[2 * PATH_MAX], text[200];
		for (i = 0x100; i < 0x100 + 10000; i++) {
			FILE *f;
			snprintf(path, sizeof path, "%s/%X.cnm", e.db, i);
			f = fopen(path, "w");
			ASSERT(f);
			snprintf(text, sizeof text, "serial %X\nissued 2020-01-01T00:00:00Z\n"
				 "expires 2021-01-01T00:00:00Z\nsubject cn=bulk%d\n", i, i);
			fputs(text, f);
			fclose(f);
		}
	}
	clock_gettime(CLOCK_MONOTONIC, &t0);
	reboot(&e, der, len, complete_auto);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	ms = (double)(t1.tv_sec - t0.tv_sec) * 1e3 + (double)(t1.tv_nsec - t0.tv_nsec) / 1e6;
	fprintf(stderr, "  start with 10000 database records: %.1f ms\n", ms);
	ASSERT(ms < 500);
	/* GetCert after the restart reads <serial>.crt */
	{
		struct pk_scep_req r;
		memset(&r, 0, sizeof r);
		r.kind = PK_SCEP_GETCERT;
		r.serial = "4";
		ASSERT_EQ(pk_cs_scep(e.cs, &r, &res), 0);
		ASSERT_EQ(res.status, PK_SCEP_SUCCESS);
		ASSERT_EQ(serial_of(res.cert), 4);
		pk_scep_result_free(&res);
	}
	/* on demand: every record, ascending */
	n = pk_cs_issued(e.cs, NULL, 0);
	ASSERT_EQ(n, 10000 + 3);                    /* 1 (CA), 3, 4 and the bulk */
	iv = calloc(n, sizeof *iv);
	ASSERT_EQ(pk_cs_issued(e.cs, iv, n), n);
	ASSERT_STREQ(iv[0].serial, "1");
	ASSERT_STREQ(iv[1].serial, "3");
	ASSERT_STREQ(iv[3].serial, "100");
	ASSERT_STREQ(iv[3].subject, "cn=bulk256");
	ASSERT_EQ(iv[3].issued, tmr_from_civil(2020, 1, 1, 0, 0, 0));
	free(iv);
	/* deleting the server leaves the database */
	ASSERT_EQ(pk_cs_delete(e.p, "CA"), 0);
	ASSERT(file_exists(&e, "CA.ser") && file_exists(&e, "4.crt") && file_exists(&e, "CA.crl"));
	/* a new server on the same database: numbering continues above every
	 * record the database holds (the bulk ones end at 0x100 + 9999) */
	make_server(&e, "CA", minimum_auto);
	ASSERT_EQ(pk_cs_enable(e.cs, NULL), 0);
	ASSERT_EQ(serial_of(pk_cs_ca_cert(e.cs)), 0x100 + 10000);
	env_close(&e);
	free(der);
	EVP_PKEY_free(ck);
	env_rm(&e);
}

/* ---- cost of issuing ----------------------------------------------------------------- */

TEST(issuance_cost)
{
	struct env e;
	EVP_PKEY *ck = fixture_key("client_key.pem");
	EVP_PKEY *cak;
	X509_REQ *csr = make_csr(ck, "CN=bench", NULL);
	unsigned char *csr_der = NULL;
	int csr_len = i2d_X509_REQ(csr, &csr_der);
	struct timespec t0, t1;
	double locked_us = 0, sign_us = 0, ref_us, total_us;
	unsigned char sig[512];
	size_t siglen;
	int i, n = 2000;

#define US(a, b) ((double)((b).tv_sec - (a).tv_sec) * 1e6 + (double)((b).tv_nsec - (a).tv_nsec) / 1e3)
	simple_server(&e, minimum_auto);
	cak = pk_key_evp(pk_key_find(e.p, "CA"));
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (i = 0; i < n; i++) {
		struct pk_scep_req r;
		struct pk_scep_result res;
		struct timespec a, b, c, d;
		memset(&r, 0, sizeof r);
		r.kind = PK_SCEP_PKCSREQ;
		r.transaction_id = "bench";
		r.csr = csr;
		r.csr_der = csr_der;
		r.csr_len = (size_t)csr_len;
		clock_gettime(CLOCK_MONOTONIC, &a);
		ASSERT_EQ(pk_cs_scep(e.cs, &r, &res), 0);
		clock_gettime(CLOCK_MONOTONIC, &b);
		ASSERT_EQ(pk_cs_sign(&res), 0);
		clock_gettime(CLOCK_MONOTONIC, &c);
		ASSERT_EQ(pk_cs_record(e.cs, &res), 0);
		clock_gettime(CLOCK_MONOTONIC, &d);
		locked_us += US(a, b) + US(c, d);
		sign_us += US(b, c);
		pk_scep_result_free(&res);
	}
	clock_gettime(CLOCK_MONOTONIC, &t1);
	total_us = US(t0, t1) / n;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (i = 0; i < n; i++) {
		EVP_MD_CTX *ctx = EVP_MD_CTX_new();
		siglen = sizeof sig;
		ASSERT(EVP_DigestSignInit(ctx, NULL, EVP_md5(), NULL, cak) == 1);
		ASSERT(EVP_DigestSign(ctx, sig, &siglen, (const unsigned char *)"x", 1) == 1);
		EVP_MD_CTX_free(ctx);
	}
	clock_gettime(CLOCK_MONOTONIC, &t1);
	ref_us = US(t0, t1) / n;
	fprintf(stderr, "  issuing %d (level minimum, RSA-1024/MD5): %.1f us each: %.1f us under"
		" the lock (decision + record), %.1f us pk_cs_sign outside it;"
		" one RSA-1024 signature: %.1f us\n", n, total_us, locked_us / n, sign_us / n, ref_us);
	ASSERT(e.cs->block > CS_SERIAL_BLOCK_MIN);  /* reservations grew under load */
#undef US
	OPENSSL_free(csr_der);
	X509_REQ_free(csr);
	EVP_PKEY_free(ck);
	env_close(&e);
	env_rm(&e);
}

TESTS(T(seed_server_lifecycle), T(ca_certificate_deterministic), T(enable_checks),
      T(boot_replay_restores_ca), T(waiting_for_offline_key), T(serial_survives_reopen),
      T(serial_survives_kill9), T(full_disk), T(scep_decisions), T(request_database),
      T(crl_catch_up_and_ca_expiry), T(rollover_and_cancel), T(database_levels),
      T(issuance_cost))

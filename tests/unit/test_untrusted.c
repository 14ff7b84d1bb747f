/*
 * test_untrusted.c — issue 10, "What reaches disk and terminals", through
 * the core's own interfaces: the <serial>.cnm records (any subject reads
 * back exactly, nothing in it adds a field, records of earlier versions
 * still read, forged ones never list what they claim), the DN formatter
 * and the log (control characters escaped: docs/commands.md "Unprintable
 * characters"), and the names the CLI creates (trustpoints, key labels,
 * certificate servers: valid UTF-8, no control character).
 *
 * Only interfaces that existed before the fix are used, so that this file
 * also builds against the old code and shows what it got wrong.
 */
#if defined(__SANITIZE_ADDRESS__)
#include <sanitizer/lsan_interface.h>
#include <unistd.h>
#define _exit(c) (__lsan_do_leak_check(), _exit(c))
#endif
#include "tests/unit/cs_env.h"

#include <openssl/evp.h>

/* No byte of s is a C0 control, DEL, a C1 control in UTF-8 or a byte
 * that is not UTF-8 (checked here independently of core/text.c). */
static int shown_safe(const char *str)
{
	const unsigned char *s = (const unsigned char *)str;

	while (*s) {
		if (*s < 0x20 || *s == 0x7f)
			return 0;
		if (*s < 0x80) {
			s++;
			continue;
		}
		if (*s == 0xC2 && s[1] >= 0x80 && s[1] < 0xA0)
			return 0;
		if (*s >= 0xC2 && *s <= 0xDF && (s[1] & 0xC0) == 0x80) {
			s += 2;
			continue;
		}
		if (*s >= 0xE0 && *s <= 0xEF && (s[1] & 0xC0) == 0x80 && (s[2] & 0xC0) == 0x80) {
			s += 3;
			continue;
		}
		if (*s >= 0xF0 && *s <= 0xF4 && (s[1] & 0xC0) == 0x80 && (s[2] & 0xC0) == 0x80 &&
		    (s[3] & 0xC0) == 0x80) {
			s += 4;
			continue;
		}
		return 0;
	}
	return 1;
}

/* A subject whose CN holds these bytes (a TeletexString: any byte is a
 * character), and an O that tries to write record lines. */
static X509_NAME *raw_name(const unsigned char *cn, int cnlen)
{
	static const char forge[] = "x\nserial 99\nissued 2001-01-01T00:00:00Z\n"
				    "expires 2099-01-01T00:00:00Z";
	X509_NAME *n = X509_NAME_new();

	ASSERT(n);
	ASSERT(X509_NAME_add_entry_by_NID(n, NID_organizationName, V_ASN1_UTF8STRING,
					  (const unsigned char *)forge, (int)strlen(forge), -1, 0));
	ASSERT(X509_NAME_add_entry_by_NID(n, NID_commonName, V_ASN1_T61STRING, cn, cnlen, -1, 0));
	return n;
}

static X509_REQ *csr_with(EVP_PKEY *k, X509_NAME *n)
{
	X509_REQ *r = X509_REQ_new();

	ASSERT(r);
	ASSERT(X509_REQ_set_version(r, 0));
	ASSERT(X509_REQ_set_subject_name(r, n));
	ASSERT(X509_REQ_set_pubkey(r, k));
	ASSERT(X509_REQ_sign(r, k, EVP_sha256()) > 0);
	return r;
}

static char *db_file(struct env *e, const char *name, size_t *len)
{
	char path[2 * PATH_MAX], *data = NULL;

	snprintf(path, sizeof path, "%s/%s", e->db, name);
	return pk_store_read(path, &data, len) == 0 ? data : NULL;
}

static void db_write(struct env *e, const char *name, const char *text)
{
	char path[2 * PATH_MAX];

	snprintf(path, sizeof path, "%s/%s", e->db, name);
	ASSERT_EQ(pk_store_write(path, text, strlen(text), 0644), 0);
}

/* The listing's entry for serial s (hex), or NULL. */
static const struct pk_issued_view *listed(struct env *e, const char *s)
{
	static struct pk_issued_view v[64];
	size_t n = pk_cs_issued(e->cs, v, 64), i;

	ASSERT(n <= 64);
	for (i = 0; i < n; i++)
		if (strcmp(v[i].serial, s) == 0)
			return &v[i];
	return NULL;
}

static int lines_starting(const char *text, const char *key)
{
	const char *p = text;
	size_t k = strlen(key);
	int n = 0;

	while (p && *p) {
		if (strncmp(p, key, k) == 0)
			n++;
		p = strchr(p, '\n');
		if (p)
			p++;
	}
	return n;
}

static void names_auto(struct pk_cs_config *c)
{
	c->db_level = PK_DB_NAMES;
	c->grant = PK_GRANT_AUTO;
}

static void complete_grant_auto(struct pk_cs_config *c)
{
	c->db_level = PK_DB_COMPLETE;
	c->grant = PK_GRANT_AUTO;
}

/* A certificate for this subject, issued and recorded; its serial. */
static X509 *issue_name(struct env *e, EVP_PKEY *k, X509_NAME *n)
{
	X509_REQ *csr = csr_with(k, n);
	struct pk_scep_result res;
	X509 *c;

	ASSERT_EQ(scep(e, PK_SCEP_PKCSREQ, "TXID", csr, NULL, 0, NULL, &res), 0);
	ASSERT_EQ(res.status, PK_SCEP_SUCCESS);
	ASSERT(res.cert);
	c = X509_dup(res.cert);
	pk_scep_result_free(&res);
	X509_REQ_free(csr);
	return c;
}

/* ---- <serial>.cnm ------------------------------------------------------------------ */

/* Every byte value in a subject: the record has one line per field, the
 * subject reads back exactly (its DER), the listing after a restart shows
 * the real serial and dates and the subject escaped — and no serial 99. */
TEST(cnm_any_subject_reads_back_and_forges_nothing)
{
	struct env e;
	EVP_PKEY *k = fixture_key("client_key.pem");
	unsigned char bytes[255], *der = NULL;
	X509_NAME *n;
	X509 *c;
	char serial[32], file[48], *cnm, want[1024];
	size_t i, len = 0;
	const struct pk_issued_view *v;
	int clen;

	for (i = 0; i < sizeof bytes; i++)
		bytes[i] = (unsigned char)(i + 1);
	simple_server(&e, names_auto);
	n = raw_name(bytes, (int)sizeof bytes);
	c = issue_name(&e, k, n);
	snprintf(serial, sizeof serial, "%llX", (unsigned long long)serial_of(c));
	snprintf(file, sizeof file, "%s.cnm", serial);
	cnm = db_file(&e, file, &len);
	ASSERT(cnm);
	ASSERT_EQ(lines_starting(cnm, "serial "), 1);
	ASSERT_EQ(lines_starting(cnm, "issued "), 1);
	ASSERT_EQ(lines_starting(cnm, "expires "), 1);
	/* one line per field: as many lines as fields, none of the subject's */
	ASSERT(strstr(cnm, "\nserial 99") == NULL);
	{
		/* the subject's DER is in the record, byte for byte */
		const unsigned char *nd = NULL;
		size_t nl = 0;
		BIO *b64 = BIO_new(BIO_f_base64()), *mem;
		char enc[4096];
		const char *p = strstr(cnm, "subject-der ");
		size_t el;

		ASSERT(p);
		p += strlen("subject-der ");
		el = strcspn(p, "\n");
		ASSERT(el < sizeof enc - 2);
		memcpy(enc, p, el);
		enc[el] = '\n';
		enc[el + 1] = '\0';
		mem = BIO_new_mem_buf(enc, -1);
		BIO_push(b64, mem);
		der = malloc(el);
		clen = BIO_read(b64, der, (int)el);
		BIO_free_all(b64);
		ASSERT(X509_NAME_get0_der(X509_get_subject_name(c), &nd, &nl) == 1);
		ASSERT_EQ(clen, (long long)nl);
		ASSERT(memcmp(der, nd, nl) == 0);
		free(der);
	}
	free(cnm);

	/* after a restart the listing reads the record */
	{
		unsigned char *cader;
		size_t calen;
		ASSERT_EQ(pk_cert_der(pk_cs_ca_cert(e.cs), &cader, &calen), 0);
		env_close(&e);
		reboot(&e, cader, calen, names_auto);
		free(cader);
	}
	ASSERT(listed(&e, "99") == NULL);
	v = listed(&e, serial);
	ASSERT(v);
	ASSERT_EQ(v->issued, nb_of(c));
	ASSERT_EQ(v->expires, na_of(c));
	ASSERT(shown_safe(v->subject));
	/* the same text as the certificate's own subject shown */
	pki_dn_format(X509_get_subject_name(c), PKI_DN_SPACE, want, sizeof want);
	ASSERT_STREQ(v->subject, want);
	ASSERT(strstr(v->subject, "o=x^Jserial 99^Jissued 2001-01-01T00:00:00Z^J") != NULL);
	X509_free(c);
	X509_NAME_free(n);
	env_close(&e);
	EVP_PKEY_free(k);
	env_rm(&e);
}

/* A printable subject keeps a `subject` line people can read. */
TEST(cnm_plain_subject_is_readable)
{
	struct env e;
	EVP_PKEY *k = fixture_key("client_key.pem");
	X509_NAME *n = NULL;
	X509 *c;
	char file[48], *cnm;

	simple_server(&e, names_auto);
	ASSERT_EQ(pki_dn_parse("CN=r1.lab,OU=TAC", &n), 0);
	c = issue_name(&e, k, n);
	snprintf(file, sizeof file, "%llX.cnm", (unsigned long long)serial_of(c));
	cnm = db_file(&e, file, NULL);
	ASSERT(cnm && strstr(cnm, "\nsubject cn=r1.lab ou=TAC\n"));
	free(cnm);
	X509_free(c);
	X509_NAME_free(n);
	env_close(&e);
	EVP_PKEY_free(k);
	env_rm(&e);
}

/* Records of earlier versions (no subject-der): a plain one reads; one
 * whose subject carried record lines, one with a serial that is not its
 * file's, one with an unknown or a malformed field are listed under their
 * own serial as damaged — never with the serial or dates they claim. */
TEST(cnm_old_and_forged_records)
{
	struct env e;
	const struct pk_issued_view *v;

	simple_server(&e, names_auto);
	db_write(&e, "20.cnm", "serial 20\nissued 2020-01-01T00:00:00Z\n"
		 "expires 2021-01-01T00:00:00Z\nsubject cn=old ou=lab\n");
	db_write(&e, "21.cnm", "serial 21\nissued 2020-01-01T00:00:00Z\n"
		 "expires 2021-01-01T00:00:00Z\nsubject cn=e\nserial 99\n"
		 "issued 2001-01-01T00:00:00Z\nexpires 2099-01-01T00:00:00Z\n");
	db_write(&e, "22.cnm", "serial 98\nissued 2001-01-01T00:00:00Z\n"
		 "expires 2099-01-01T00:00:00Z\nsubject cn=f\n");
	db_write(&e, "23.cnm", "serial 23\nissued 2020-01-01T00:00:00Z\n"
		 "expires 2021-01-01T00:00:00Z\nsubject cn=g\nhello world\n");
	db_write(&e, "24.cnm", "serial 24\nissued 2020-1-1T0:0:0Z\n"
		 "expires 2021-01-01T00:00:00Z\nsubject cn=h\n");
	db_write(&e, "25.cnm", "serial 25\nissued 2020-01-01T00:00:00Z\n"
		 "expires 2021-01-01T00:00:00Z\nsubject-der !!!!\n");
	db_write(&e, "26.cnm", "serial 26\nissued 2020-01-01T00:00:00Z\n"
		 "expires 2021-01-01T00:00:00Z\nsubject cn=\033]0;t\007\xff\n");

	v = listed(&e, "20");
	ASSERT(v);
	ASSERT_STREQ(v->subject, "cn=old ou=lab");
	ASSERT_EQ(v->issued, tmr_from_civil(2020, 1, 1, 0, 0, 0));
	ASSERT(listed(&e, "99") == NULL && listed(&e, "98") == NULL);
	v = listed(&e, "21");
	ASSERT(v);
	ASSERT_EQ(v->issued, tmr_from_civil(2020, 1, 1, 0, 0, 0));
	ASSERT_EQ(v->expires, tmr_from_civil(2021, 1, 1, 0, 0, 0));
	ASSERT(strcmp(v->subject, "cn=e") != 0);
	ASSERT(strstr(v->subject, "amaged"));
	v = listed(&e, "22");
	ASSERT(v && strstr(v->subject, "amaged"));
	ASSERT(v->expires != tmr_from_civil(2099, 1, 1, 0, 0, 0));
	v = listed(&e, "23");
	ASSERT(v && strstr(v->subject, "amaged"));
	v = listed(&e, "24");
	ASSERT(v && strstr(v->subject, "amaged"));
	v = listed(&e, "25");
	ASSERT(v && strstr(v->subject, "amaged"));
	/* an old record's raw subject line is shown escaped */
	v = listed(&e, "26");
	ASSERT(v && shown_safe(v->subject));
	ASSERT_STREQ(v->subject, "cn=^[]0;t^G\\xFF");
	env_close(&e);
	env_rm(&e);
}

/* At level complete a damaged record is listed from its certificate. */
TEST(cnm_damaged_record_listed_from_its_certificate)
{
	struct env e;
	EVP_PKEY *k = fixture_key("client_key.pem");
	X509_NAME *n = NULL;
	X509 *c;
	char serial[32], file[48], text[256];
	const struct pk_issued_view *v;

	simple_server(&e, complete_grant_auto);
	ASSERT_EQ(pki_dn_parse("CN=real", &n), 0);
	c = issue_name(&e, k, n);
	snprintf(serial, sizeof serial, "%llX", (unsigned long long)serial_of(c));
	snprintf(file, sizeof file, "%s.cnm", serial);
	{
		char path[2 * PATH_MAX];
		snprintf(path, sizeof path, "%s/%s", e.db, file);
		ASSERT_EQ(pk_store_remove(path), 0);
	}
	snprintf(text, sizeof text, "serial %s\nissued 2020-01-01T00:00:00Z\n"
		 "expires 2021-01-01T00:00:00Z\nsubject cn=e\nserial 99\n", serial);
	db_write(&e, file, text);
	{
		unsigned char *cader;
		size_t calen;
		ASSERT_EQ(pk_cert_der(pk_cs_ca_cert(e.cs), &cader, &calen), 0);
		env_close(&e);
		reboot(&e, cader, calen, complete_grant_auto);
		free(cader);
	}
	ASSERT(listed(&e, "99") == NULL);
	v = listed(&e, serial);
	ASSERT(v);
	ASSERT_STREQ(v->subject, "cn=real");
	ASSERT_EQ(v->issued, nb_of(c));
	X509_free(c);
	X509_NAME_free(n);
	env_close(&e);
	EVP_PKEY_free(k);
	env_rm(&e);
}

/* ---- the DN formatter and the log ----------------------------------------------------- */

TEST(dn_values_shown_escaped)
{
	static const unsigned char cn[] = "a\033[2J\007\r\nb\xc2\x9b\x7f" "c\xc3\xa9";
	X509_NAME *n = X509_NAME_new();
	X509 *x = NULL;
	EVP_PKEY *k = fixture_key("client_key.pem");
	struct pki_certspec spec;
	struct pk_cert_view v;
	char buf[512];

	ASSERT(X509_NAME_add_entry_by_NID(n, NID_commonName, V_ASN1_UTF8STRING, cn,
					  (int)sizeof cn - 1, -1, 0));
	pki_dn_format(n, PKI_DN_COMMA, buf, sizeof buf);
	ASSERT_STREQ(buf, "cn=a^[[2J^G^M^Jb\\xC2\\x9B^?c\xc3\xa9");
	pki_dn_format(n, PKI_DN_LINES, buf, sizeof buf);
	ASSERT(strchr(buf, '\n') == NULL);        /* one value, one line */
	/* the view's CN too (show crypto pki certificates: "Name:") */
	memset(&spec, 0, sizeof spec);
	spec.serial = 5;
	spec.subject = spec.issuer = n;
	spec.pubkey = k;
	spec.nb = tmr_from_civil(2020, 1, 1, 0, 0, 0);
	spec.na = tmr_from_civil(2021, 1, 1, 0, 0, 0);
	ASSERT_EQ(pki_cert_build(&spec, &x), 0);
	ASSERT_EQ(pki_cert_sign(x, k, "sha256"), 0);
	ASSERT_EQ(pk_cert_view(x, &v), 0);
	ASSERT(shown_safe(v.cn) && shown_safe(v.subject_lines) && shown_safe(v.issuer_comma));
	ASSERT_STREQ(v.cn, "a^[[2J^G^M^Jb\\xC2\\x9B^?c\xc3\xa9");
	X509_free(x);
	X509_NAME_free(n);
	EVP_PKEY_free(k);
}

TEST(log_lines_escaped)
{
	int id = pk_log_sink_add(sink, NULL);

	log_clear();
	pk_log(PK_LOG_INFO, "%%TEST-6-X: subject %s", "a\nb\033[2J\007");
	ASSERT(log_count("%TEST-6-X: subject a^Jb^[[2J^G") == 1);
	ASSERT_EQ(log_count("\n"), 1);             /* one line */
	/* a message whose own format has lines keeps them */
	log_clear();
	pk_log(PK_LOG_INFO, "%%TEST-6-Y:\n  one %s", "\033x");
	ASSERT(log_count("%TEST-6-Y:\n  one ^[x") == 1);
	pk_log_sink_remove(id);
}

/* ---- names typed at the CLI --------------------------------------------------------- */

TEST(names_valid_utf8_without_controls)
{
	struct env e;
	pk_tp *t = NULL;
	pk_cs *cs = NULL;
	static const char *const bad[] = {
		"T\033[31m", "T\xff", "T\xc2\x9b", "T\x7f", "T\xc3", "T\xe0\x80\x80", "T\xed\xa0\x80",
	};
	size_t i;

	env_dirs(&e);
	env_open(&e, 0);
	for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		ASSERT_EQ(pk_tp_create(e.p, bad[i], &t), PK_EINVAL);
		ASSERT_EQ(pk_key_generate(e.p, bad[i], 512, 0), PK_EINVAL);
		ASSERT_EQ(pk_cs_create(e.p, bad[i], &cs), PK_EINVAL);
	}
	ASSERT_EQ(pk_tp_count(e.p), 0);
	ASSERT_EQ(pk_key_count(e.p), 0);
	ASSERT(pk_cs_first(e.p) == NULL);
	/* valid UTF-8 is a name like any other */
	ASSERT_EQ(pk_tp_create(e.p, "Tok\xc3\xa9\xe2\x82\xac", &t), 0);
	ASSERT_EQ(pk_key_generate(e.p, "K\xc3\xa9", 512, 0), 0);
	ASSERT_EQ(pk_key_rename(e.p, "K\xc3\xa9", "K\xc2\x85"), PK_EINVAL);
	ASSERT_EQ(pk_cs_create(e.p, "S\xc3\xa9", &cs), 0);
	env_close(&e);
	env_rm(&e);
}

TESTS(T(cnm_any_subject_reads_back_and_forges_nothing), T(cnm_plain_subject_is_readable),
      T(cnm_old_and_forged_records), T(cnm_damaged_record_listed_from_its_certificate),
      T(dn_values_shown_escaped), T(log_lines_escaped), T(names_valid_utf8_without_controls))

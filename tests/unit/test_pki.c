/*
 * test_pki.c — unit tests for keys.c, x509.c and tp.c: the seed's CA
 * certificates (spec seed "certificate ca 01" / "certificate ca rollover
 * 03") parsed, shown and rebuilt byte for byte; DN parsing and display
 * (spec §1.3); the key store (private-config, passphrases, 0600, reopen,
 * rename); trustpoints.
 */
/* Under AddressSanitizer every test checks for leaks when its process
 * ends: the harness leaves with _exit, which skips LeakSanitizer. */
#if defined(__SANITIZE_ADDRESS__)
#include <sanitizer/lsan_interface.h>
#include <unistd.h>
#define _exit(c) (__lsan_do_leak_check(), _exit(c))
#endif
#include "tests/unit/t.h"

#include <limits.h>
#include <sys/stat.h>

#include <openssl/err.h>
#include <openssl/pem.h>

#include "core/pk.h"
#include "core/pki_int.h"

/* The seed's two CA certificates, exactly as `show run` printed them. */
static const char seed_ca01_hex[] =
	"30820237 308201A0 A0030201 02020101 300D0609 2A864886 F70D0101 04050030\n"
	"2F310E30 0C060355 040A1305 43697363 6F310C30 0A060355 040B1303 54414331\n"
	"0F300D06 03550403 1306526F 6F744341 301E170D 31353130 30393132 31343136\n"
	"5A170D31 37313030 38313231 3431365A 302F310E 300C0603 55040A13 05436973\n"
	"636F310C 300A0603 55040B13 03544143 310F300D 06035504 03130652 6F6F7443\n"
	"4130819F 300D0609 2A864886 F70D0101 01050003 818D0030 81890281 8100B071\n"
	"27360CF0 0613B259 CE7BB815 8DE6BC8A A48A763F 7350CE64 B071AC5D 93ED59C9\n"
	"36F751D8 1070CEA8 C8B0023B 4B0FB9A5 38A1C118 D35530D4 6DC4B4DC 143BD1D2\n"
	"3148B0C0 53A781D0 C786DEE9 DECCA58C 18B5804B 29911D1D 5776B3EC 3F42D38C\n"
	"3A1E0F8D D91DE228 B995AC3C 1087C132 FC759563 38258727 F61A1F08 18830203\n"
	"010001A3 63306130 0F060355 1D130101 FF040530 030101FF 300E0603 551D0F01\n"
	"01FF0404 03020186 301F0603 551D2304 18301680 148D421A BED6DCAD B8CFE4B4\n"
	"1B2C7E41 C73428AC 9A301D06 03551D0E 04160414 8D421ABE D6DCADB8 CFE4B41B\n"
	"2C7E41C7 3428AC9A 300D0609 2A864886 F70D0101 04050003 8181008C 3495278E\n"
	"DA6C14B0 533E746D 8DA743AF 06BE4088 913BF9BC A94576FA BC86EFD1 1DFE6B9F\n"
	"0D244144 473C67AD 24414A20 84E9B083 D1720766 0A698C29 115482C6 2FB57E86\n"
	"95CDECF2 29662362 866CDC91 730ADBB3 BDBBDC3C EA5301B0 150658E7 AF722BD7\n"
	"6B5C2D6A 661A4FED CDA32DE5 D6C2CE7A 544086DC F957A87C 2C07FF\n";

static const char seed_ca03_hex[] =
	"30820237 308201A0 A0030201 02020103 300D0609 2A864886 F70D0101 04050030\n"
	"2F310E30 0C060355 040A1305 43697363 6F310C30 0A060355 040B1303 54414331\n"
	"0F300D06 03550403 1306526F 6F744341 301E170D 31373130 30383132 31343136\n"
	"5A170D31 39313030 38313231 3431365A 302F310E 300C0603 55040A13 05436973\n"
	"636F310C 300A0603 55040B13 03544143 310F300D 06035504 03130652 6F6F7443\n"
	"4130819F 300D0609 2A864886 F70D0101 01050003 818D0030 81890281 8100BF2A\n"
	"52687F11 2BC92635 41BB4029 399C66D2 708D3EAC ED4F63AA 509FB340 E838C8AC\n"
	"381818EA 4393C17C A1C4917F 43C9199C 9EF9F9C0 59FDE11D A9C79918 2643736F\n"
	"CEA80D0C EE2378F2 3B6AC5FC 3B4A7A01 20D391BE 8FA9AFD2 12E05A28 64661023\n"
	"3CE0E58D 9323AA0E D2A5B1C1 40122E6E 3D98A7D9 74E23639 0270A89C E3BF0203\n"
	"010001A3 63306130 0F060355 1D130101 FF040530 030101FF 300E0603 551D0F01\n"
	"01FF0404 03020186 301F0603 551D2304 18301680 1419FCA4 DDE84233 F79C066F\n"
	"93CCF6B3 E14F8355 31301D06 03551D0E 04160414 19FCA4DD E84233F7 9C066F93\n"
	"CCF6B3E1 4F835531 300D0609 2A864886 F70D0101 04050003 81810065 AC780BB4\n"
	"2398D765 BE4C4C0A 0D0F16C0 82530D85 99933BDC 8388C46D 926145D8 B0BA275A\n"
	"93AAB497 FC876F6A E951C138 F5D652AE C0C25E2A FDD80BAA C6BD5A78 E439158F\n"
	"5544F30F 33C59E22 1994A8D3 AADC1287 BD15A104 55CB5DC3 49A9401A 8DB3940A\n"
	"5054EA21 99CCE4F3 40B471FE DEB4BB38 AC3ACD48 4CDDCBC9 9829D3\n";

#define CET (60)          /* minutes east of UTC */

/* ---- helpers --------------------------------------------------------------- */

static unsigned char *unhex(const char *s, size_t *len)
{
	unsigned char *b = malloc(strlen(s) / 2 + 1);
	size_t n = 0;
	int hi = -1;

	ASSERT(b);
	for (; *s; s++) {
		int v;
		if (*s >= '0' && *s <= '9')
			v = *s - '0';
		else if (*s >= 'A' && *s <= 'F')
			v = *s - 'A' + 10;
		else
			continue;
		if (hi < 0) {
			hi = v;
		} else {
			b[n++] = (unsigned char)(hi << 4 | v);
			hi = -1;
		}
	}
	*len = n;
	return b;
}

static X509 *seed_cert(const char *hex)
{
	size_t len;
	unsigned char *der = unhex(hex, &len);
	X509 *x = NULL;

	ASSERT_EQ(pk_cert_parse(der, len, &x), 0);
	free(der);
	return x;
}

/* Read a fixture from tests/fixtures, wherever the binary runs from. */
static char *fixture(const char *name)
{
	char path[2 * PATH_MAX], exe[PATH_MAX], *data = NULL;
	const char *src = getenv("SRCDIR");
	ssize_t n;

	snprintf(path, sizeof path, "tests/fixtures/%s", name);
	if (pk_store_read(path, &data, NULL) == 0)
		return data;
	if (src) {
		snprintf(path, sizeof path, "%s/tests/fixtures/%s", src, name);
		if (pk_store_read(path, &data, NULL) == 0)
			return data;
	}
	n = readlink("/proc/self/exe", exe, sizeof exe - 1);
	if (n > 0) {
		exe[n] = '\0';
		*strrchr(exe, '/') = '\0';
		snprintf(path, sizeof path, "%s/../../tests/fixtures/%s", exe, name);
		if (pk_store_read(path, &data, NULL) == 0)
			return data;
	}
	T_FAIL("fixture %s not found", name);
	return NULL;
}

static EVP_PKEY *fixture_key(const char *name)
{
	char *pem = fixture(name);
	BIO *b = BIO_new_mem_buf(pem, -1);
	EVP_PKEY *k = PEM_read_bio_PrivateKey(b, NULL, NULL, NULL);

	ASSERT(k);
	BIO_free(b);
	free(pem);
	return k;
}

static char tmpdir[PATH_MAX];

static pk_device *new_device(void)
{
	pk_device *d = NULL;

	if (!tmpdir[0]) {
		const char *base = getenv("TMPDIR");
		/* mkdtemp's template: six X */
		snprintf(tmpdir, sizeof tmpdir, "%s/pkish-test-pki.%s", base && *base ? base : "/tmp",
			 "XX" "XX" "XX");
		ASSERT(mkdtemp(tmpdir));
	}
	ASSERT_EQ(pk_device_open(tmpdir, 1, &d), 0);
	tmr_clock_set_zone(pk_device_clock(d), "CET", CET);
	return d;
}

static void rm_tmpdir(void)
{
	char cmd[PATH_MAX + 16];

	if (tmpdir[0]) {
		snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmpdir);
		if (system(cmd) != 0)
			fprintf(stderr, "cannot remove %s\n", tmpdir);
	}
}

static const char *fmt_date(pk_device *d, tmr_ms t)
{
	static char buf[64];
	tmr_fmt_date(pk_device_clock(d), t, buf, sizeof buf);
	return buf;
}

/* The TBSCertificate bytes as they are in a DER certificate: the first
 * element of the outer SEQUENCE (both lengths are long form, 2 bytes). */
static void tbs_of(const X509 *x, unsigned char **tbs, size_t *len)
{
	unsigned char *der = NULL;
	int n = i2d_X509((X509 *)x, &der);

	ASSERT(n > 8 && der[0] == 0x30 && der[1] == 0x82 && der[4] == 0x30 && der[5] == 0x82);
	*len = 4 + ((size_t)der[6] << 8 | der[7]);
	*tbs = malloc(*len);
	memcpy(*tbs, der + 4, *len);
	OPENSSL_free(der);
}

/* ---- the seed's certificates ---------------------------------------------- */

TEST(seed_ca_view)
{
	pk_device *d = new_device();
	X509 *x = seed_cert(seed_ca01_hex);
	struct pk_cert_view v;
	char name[64];

	ASSERT_EQ(pk_cert_view(x, &v), 0);
	ASSERT_STREQ(v.md5, "CC748544 A0AB7832 935D8CD0 214A152E");
	ASSERT_STREQ(v.md5_plain, "CC748544A0AB7832935D8CD0214A152E");
	ASSERT_EQ(strlen(v.sha1), 44);
	ASSERT_STREQ(v.serial, "01");
	ASSERT_STREQ(v.serial_plain, "1");
	ASSERT_STREQ(v.subject_lines, "cn=RootCA\nou=TAC\no=Cisco");
	ASSERT_STREQ(v.issuer_lines, "cn=RootCA\nou=TAC\no=Cisco");
	ASSERT_STREQ(v.subject_comma, "cn=RootCA,ou=TAC,o=Cisco");
	ASSERT_STREQ(v.subject_space, "cn=RootCA ou=TAC o=Cisco");
	ASSERT_STREQ(v.cn, "RootCA");
	ASSERT_STREQ(v.hostname, "");
	ASSERT_STREQ(fmt_date(d, v.not_before), "13:14:16 CET Oct 9 2015");
	ASSERT_STREQ(fmt_date(d, v.not_after), "13:14:16 CET Oct 8 2017");
	ASSERT_EQ(v.not_before, tmr_from_civil(2015, 10, 9, 12, 14, 16));
	ASSERT(v.has_key_usage);
	ASSERT_EQ(v.key_usage, 0x86000000u);
	ASSERT(v.is_ca);
	ASSERT_EQ(v.bits, 1024);
	ASSERT_STREQ(v.sig_alg, "MD5 with RSA Encryption");
	ASSERT_STREQ(v.ski, "8D421ABE D6DCADB8 CFE4B41B 2C7E41C7 3428AC9A");
	ASSERT_STREQ(v.aki, v.ski);
	ASSERT_STREQ(v.cdp, "");
	ASSERT(v.self_signed);
	pk_cert_storage_name(x, name, sizeof name);
	ASSERT_STREQ(name, "RootCA#1CA.cer");
	X509_free(x);
	pk_device_free(d);
	rm_tmpdir();
}

TEST(seed_rollover_view)
{
	pk_device *d = new_device();
	X509 *x = seed_cert(seed_ca03_hex);
	struct pk_cert_view v;
	char name[64];

	ASSERT_EQ(pk_cert_view(x, &v), 0);
	ASSERT_STREQ(v.md5, "031904DC F4FAD1FD 8A866373 C63CE20F");
	ASSERT_STREQ(v.serial, "03");
	ASSERT_STREQ(v.subject_lines, "cn=RootCA\nou=TAC\no=Cisco");
	ASSERT_STREQ(fmt_date(d, v.not_before), "13:14:16 CET Oct 8 2017");
	ASSERT_STREQ(fmt_date(d, v.not_after), "13:14:16 CET Oct 8 2019");
	ASSERT_EQ(v.key_usage, 0x86000000u);
	ASSERT(v.is_ca);
	ASSERT_EQ(v.bits, 1024);
	ASSERT_STREQ(v.sig_alg, "MD5 with RSA Encryption");
	ASSERT_STREQ(v.ski, "19FCA4DD E84233F7 9C066F93 CCF6B3E1 4F835531");
	pk_cert_storage_name(x, name, sizeof name);
	ASSERT_STREQ(name, "RootCA#3CA.cer");
	X509_free(x);
	pk_device_free(d);
	rm_tmpdir();
}

/* pk_hex_lines prints a certificate exactly as `show run` printed it. */
TEST(seed_hex_lines)
{
	size_t len;
	unsigned char *der = unhex(seed_ca01_hex, &len);
	char *s = pk_hex_lines(der, len, "");
	char *ind = pk_hex_lines(der, 8, "  ");

	ASSERT_EQ(len, 571);
	ASSERT_STREQ(s, seed_ca01_hex);
	ASSERT_STREQ(ind, "  30820237 308201A0\n");
	free(s);
	free(ind);
	free(der);
	der = unhex(seed_ca03_hex, &len);
	s = pk_hex_lines(der, len, "");
	ASSERT_STREQ(s, seed_ca03_hex);
	free(s);
	s = pk_hex_lines(der, 0, "  ");
	ASSERT_STREQ(s, "");
	free(s);
	free(der);
}

/* Our certificate builder, given the seed's public key, serial, issuer-name
 * and validity, produces the seed's TBSCertificate byte for byte. */
static void rebuild(const char *hex, uint64_t serial, tmr_ms nb, tmr_ms na)
{
	X509 *seed = seed_cert(hex), *ours = NULL;
	EVP_PKEY *signer = fixture_key("ca_key.pem");
	X509_NAME *name = NULL;
	struct pki_certspec s;
	unsigned char *a, *b;
	size_t alen, blen, i;

	ASSERT_EQ(pki_dn_parse("CN=RootCA,OU=TAC,O=Cisco", &name), 0);
	memset(&s, 0, sizeof s);
	s.serial = serial;
	s.subject = s.issuer = name;
	s.pubkey = X509_get0_pubkey(seed);
	s.nb = nb;
	s.na = na;
	s.ca = 1;
	ASSERT_EQ(pki_cert_build(&s, &ours), 0);
	/* the private key is the seed's secret: sign with ours, compare TBS */
	ASSERT_EQ(pki_cert_sign(ours, signer, "md5"), 0);
	tbs_of(seed, &a, &alen);
	tbs_of(ours, &b, &blen);
	for (i = 0; i < alen && i < blen; i++)
		if (a[i] != b[i])
			T_FAIL("TBS differs at byte %zu: seed %02X ours %02X", i, a[i], b[i]);
	ASSERT_EQ(alen, blen);
	free(a);
	free(b);
	X509_NAME_free(name);
	X509_free(seed);
	X509_free(ours);
	EVP_PKEY_free(signer);
}

TEST(seed_ca_tbs_rebuilt)
{
	rebuild(seed_ca01_hex, 1, tmr_from_civil(2015, 10, 9, 12, 14, 16),
		tmr_from_civil(2017, 10, 8, 12, 14, 16));
}

TEST(seed_rollover_tbs_rebuilt)
{
	rebuild(seed_ca03_hex, 3, tmr_from_civil(2017, 10, 8, 12, 14, 16),
		tmr_from_civil(2019, 10, 8, 12, 14, 16));
}

/* The lifetimes the seed's server used give the seed's dates: 730 days
 * from Oct 9 2015 is Oct 8 2017, and from there Oct 8 2019. */
TEST(seed_lifetimes)
{
	tmr_ms nb = tmr_from_civil(2015, 10, 9, 12, 14, 16);

	ASSERT_EQ(nb + 730 * TMR_DAY, tmr_from_civil(2017, 10, 8, 12, 14, 16));
	ASSERT_EQ(nb + 2 * 730 * TMR_DAY, tmr_from_civil(2019, 10, 8, 12, 14, 16));
}

TEST(cert_parse_forms)
{
	X509 *x = seed_cert(seed_ca01_hex), *y = NULL;
	unsigned char *der = NULL;
	size_t len;
	BIO *b = BIO_new(BIO_s_mem());
	char *pem;
	long n;

	ASSERT_EQ(pk_cert_der(x, &der, &len), 0);
	ASSERT_EQ(len, 571);
	/* trailing garbage is refused */
	ASSERT(pk_cert_parse(der, len - 1, &y) < 0);
	ASSERT(y == NULL);
	ASSERT(pk_cert_parse((const unsigned char *)"hello", 5, &y) < 0);
	PEM_write_bio_X509(b, x);
	n = BIO_get_mem_data(b, &pem);
	ASSERT_EQ(pk_cert_parse((unsigned char *)pem, (size_t)n, &y), 0);
	ASSERT_EQ(X509_cmp(x, y), 0);
	free(der);
	X509_free(x);
	X509_free(y);
	BIO_free(b);
}

/* ---- distinguished names --------------------------------------------------- */

static void dn_forms(const char *dn, const char *lines, const char *comma, const char *space)
{
	X509_NAME *n = NULL;
	char buf[1024];

	ASSERT_EQ(pki_dn_parse(dn, &n), 0);
	pki_dn_format(n, PKI_DN_LINES, buf, sizeof buf);
	ASSERT_STREQ(buf, lines);
	pki_dn_format(n, PKI_DN_COMMA, buf, sizeof buf);
	ASSERT_STREQ(buf, comma);
	pki_dn_format(n, PKI_DN_SPACE, buf, sizeof buf);
	ASSERT_STREQ(buf, space);
	X509_NAME_free(n);
}

TEST(dn_display_rules)
{
	dn_forms("CN=RootCA,OU=TAC,O=Cisco", "cn=RootCA\nou=TAC\no=Cisco",
		 "cn=RootCA,ou=TAC,o=Cisco", "cn=RootCA ou=TAC o=Cisco");
	dn_forms("CN=R14, O=laba, C=ru", "cn=R14\no=laba\nc=ru", "cn=R14,o=laba,c=ru",
		 "cn=R14 o=laba c=ru");
	dn_forms("cn=x,l=Moscow,st=MSK", "cn=x\nl=Moscow\nst=MSK", "cn=x,l=Moscow,st=MSK",
		 "cn=x l=Moscow st=MSK");
	/* multi-valued RDN, joined in DER SET order (shortest encoding first) */
	dn_forms("serialNumber=67109296+hostname=R27+ipaddress=127.0.20.3,CN=R27",
		 "serialNumber=67109296+hostname=R27+ipaddress=127.0.20.3\ncn=R27",
		 "serialNumber=67109296+hostname=R27+ipaddress=127.0.20.3,cn=R27",
		 "serialNumber=67109296+hostname=R27+ipaddress=127.0.20.3 cn=R27");
	dn_forms("hostname=c8kv1.qytang.com+ipaddress=202.100.1.1,CN=c8kv1.qytang.com,OU=qytang",
		 "ipaddress=202.100.1.1+hostname=c8kv1.qytang.com\ncn=c8kv1.qytang.com\nou=qytang",
		 "ipaddress=202.100.1.1+hostname=c8kv1.qytang.com,cn=c8kv1.qytang.com,ou=qytang",
		 "ipaddress=202.100.1.1+hostname=c8kv1.qytang.com cn=c8kv1.qytang.com ou=qytang");
	dn_forms("unstructuredName=R1,unstructuredAddress=1.2.3.4,E=a@b.c,EA=x@y.z",
		 "hostname=R1\nipaddress=1.2.3.4\nea=a@b.c\nea=x@y.z",
		 "hostname=R1,ipaddress=1.2.3.4,ea=a@b.c,ea=x@y.z",
		 "hostname=R1 ipaddress=1.2.3.4 ea=a@b.c ea=x@y.z");
	/* escapes and quotes keep ',' and '+' inside a value */
	dn_forms("CN=a\\,b,O=\"x, y+z\",OU=1+2", "cn=a,b\no=x, y+z\nou=1+2",
		 "cn=a,b,o=x, y+z,ou=1+2", "cn=a,b o=x, y+z ou=1+2");
}

/* DER order is the reverse of the text order; value types as the IOS CA
 * writes them. */
TEST(dn_der_order_and_types)
{
	X509_NAME *n = NULL;
	const X509_NAME_ENTRY *e;

	ASSERT_EQ(pki_dn_parse("CN=RootCA,OU=TAC,O=Cisco", &n), 0);
	ASSERT_EQ(X509_NAME_entry_count(n), 3);
	e = X509_NAME_get_entry(n, 0);
	ASSERT_EQ(OBJ_obj2nid(X509_NAME_ENTRY_get_object(e)), NID_organizationName);
	ASSERT_EQ(ASN1_STRING_type(X509_NAME_ENTRY_get_data(e)), V_ASN1_PRINTABLESTRING);
	e = X509_NAME_get_entry(n, 2);
	ASSERT_EQ(OBJ_obj2nid(X509_NAME_ENTRY_get_object(e)), NID_commonName);
	X509_NAME_free(n);

	ASSERT_EQ(pki_dn_parse("CN=caf\xc3\xa9_1,E=a@b.c,hostname=r1.example.com", &n), 0);
	e = X509_NAME_get_entry(n, 2);
	ASSERT_EQ(ASN1_STRING_type(X509_NAME_ENTRY_get_data(e)), V_ASN1_UTF8STRING);
	e = X509_NAME_get_entry(n, 1);
	ASSERT_EQ(ASN1_STRING_type(X509_NAME_ENTRY_get_data(e)), V_ASN1_IA5STRING);
	e = X509_NAME_get_entry(n, 0);
	ASSERT_EQ(OBJ_obj2nid(X509_NAME_ENTRY_get_object(e)), NID_pkcs9_unstructuredName);
	X509_NAME_free(n);
}

TEST(dn_errors)
{
	ASSERT_EQ(pk_dn_check("CN=RootCA,OU=TAC,O=Cisco"), 0);
	ASSERT_EQ(pk_dn_check("  CN = spaced ,  O = x "), 0);
	ASSERT_EQ(pk_dn_check("2.5.4.3=byoid"), 0);
	ASSERT(pk_dn_check("") < 0);
	ASSERT(pk_dn_check("CN") < 0);
	ASSERT(pk_dn_check("CN=") < 0);
	ASSERT(pk_dn_check("XYZ=1") < 0);
	ASSERT(pk_dn_check("CN=a,") < 0);
	ASSERT(pk_dn_check("CN=a,,O=b") < 0);
	ASSERT(strlen(pk_err_msg()) > 0);
}

/* ---- keys ---------------------------------------------------------------------- */

static char *pem_of(EVP_PKEY *k)
{
	BIO *b = BIO_new(BIO_s_mem());
	char *data, *s;
	long n;

	ASSERT(PEM_write_bio_PrivateKey(b, k, NULL, NULL, 0, NULL, NULL));
	n = BIO_get_mem_data(b, &data);
	s = strndup(data, (size_t)n);
	BIO_free(b);
	return s;
}

TEST(keys_import_export_roundtrip)
{
	pk_device *d = new_device();
	pk_pki *p = NULL;
	EVP_PKEY *k = fixture_key("client_key.pem");
	char *priv = pem_of(k), *pub = NULL, *epriv = NULL;
	static const char *ciphers[] = { "3des", "des", "aes" };
	size_t i;

	ASSERT_EQ(pk_pki_open(d, &p), 0);
	ASSERT_EQ(pk_key_import(p, "R1", NULL, priv, NULL, 1), 0);
	ASSERT_EQ(pk_key_count(p), 1);
	for (i = 0; i < 3; i++) {
		char label[16];
		ASSERT_EQ(pk_key_export(p, "R1", ciphers[i], "s3cret!", &pub, &epriv), 0);
		ASSERT(strstr(pub, "-----BEGIN PUBLIC KEY-----"));
		ASSERT(strstr(epriv, "-----BEGIN ENCRYPTED PRIVATE KEY-----"));
		/* wrong or missing passphrase fails, the right one works */
		ASSERT(pk_key_import(p, "X", pub, epriv, "wrong", 1) < 0);
		ASSERT(pk_key_import(p, "X", pub, epriv, NULL, 1) < 0);
		snprintf(label, sizeof label, "copy-%s", ciphers[i]);
		ASSERT_EQ(pk_key_import(p, label, pub, epriv, "s3cret!", 0), 0);
		ASSERT_EQ(EVP_PKEY_eq(pk_key_evp(pk_key_find(p, label)), k), 1);
		/* not exportable */
		free(pub);
		free(epriv);
		ASSERT_EQ(pk_key_export(p, label, "aes", "pw", &pub, &epriv), PK_EDENIED);
		ASSERT(pub == NULL && epriv == NULL);
	}
	ASSERT(pk_key_export(p, "R1", "rc4", "pw", &pub, &epriv) < 0);
	ASSERT(pk_key_export(p, "R1", "aes", "", &pub, &epriv) < 0);
	ASSERT(pk_key_export(p, "nope", "aes", "pw", &pub, &epriv) == PK_ENOENT);
	/* a public key that does not match */
	{
		EVP_PKEY *other = fixture_key("ca_key.pem");
		BIO *b = BIO_new(BIO_s_mem());
		char *opub;
		long n;
		PEM_write_bio_PUBKEY(b, other);
		n = BIO_get_mem_data(b, &opub);
		opub = strndup(opub, (size_t)n);
		ASSERT(pk_key_import(p, "Y", opub, priv, NULL, 0) < 0);
		ASSERT(pk_key_find(p, "Y") == NULL);
		free(opub);
		BIO_free(b);
		EVP_PKEY_free(other);
	}
	ASSERT_EQ(pk_key_count(p), 4);
	/* label order */
	ASSERT_STREQ(pk_key_at(p, 0)->label, "R1");
	ASSERT_STREQ(pk_key_at(p, 1)->label, "copy-3des");
	pk_pki_free(p);
	pk_device_free(d);
	EVP_PKEY_free(k);
	free(priv);
	rm_tmpdir();
}

TEST(keys_persist_0600_and_saved)
{
	pk_device *d = new_device();
	pk_pki *p = NULL;
	EVP_PKEY *k = fixture_key("ca_key.pem");
	char *priv = pem_of(k), path[PATH_MAX + 32];
	struct pk_key_view v;
	struct stat st;
	unsigned char *spki = NULL;
	size_t spki_len;

	ASSERT_EQ(pk_pki_open(d, &p), 0);
	pk_device_clock_set(d, tmr_from_civil(2015, 10, 9, 12, 14, 16));
	ASSERT_EQ(pk_key_import(p, "ROOTCA", NULL, priv, NULL, 0), 0);
	ASSERT_EQ(pk_key_generate(p, "small", 512, 1), 0);
	pk_key_view(pk_key_find(p, "ROOTCA"), &v);
	ASSERT_STREQ(v.label, "ROOTCA");
	ASSERT_EQ(v.bits, 1024);
	ASSERT_EQ(v.exportable, 0);
	ASSERT_EQ(v.saved, 0);
	ASSERT_EQ(v.generated, tmr_from_civil(2015, 10, 9, 12, 14, 16));
	snprintf(path, sizeof path, "%s/nvram/private-config", tmpdir);
	ASSERT_EQ(stat(path, &st), 0);
	ASSERT_EQ(st.st_mode & 0777, 0600);
	ASSERT_EQ(pk_key_spki(pk_key_find(p, "ROOTCA"), &spki, &spki_len), 0);
	ASSERT_EQ(spki_len, 162);          /* 30819F30 ... for 1024 bits */
	ASSERT_EQ(spki[0], 0x30);
	ASSERT_EQ(spki[1], 0x81);
	ASSERT_EQ(spki[2], 0x9F);
	free(spki);
	pk_pki_saved(p);
	pk_key_view(pk_key_find(p, "ROOTCA"), &v);
	ASSERT_EQ(v.saved, 1);
	ASSERT_EQ(pk_key_generate(p, "ROOTCA#", 512, 0), 0);
	pk_pki_free(p);
	pk_device_free(d);

	/* reopen: same keys, saved flags and times kept */
	d = new_device();
	ASSERT_EQ(pk_pki_open(d, &p), 0);
	ASSERT_EQ(pk_key_count(p), 3);
	pk_key_view(pk_key_find(p, "ROOTCA"), &v);
	ASSERT_EQ(v.saved, 1);
	ASSERT_EQ(v.generated, tmr_from_civil(2015, 10, 9, 12, 14, 16));
	ASSERT_EQ(EVP_PKEY_eq(pk_key_evp(pk_key_find(p, "ROOTCA")), k), 1);
	pk_key_view(pk_key_find(p, "ROOTCA#"), &v);
	ASSERT_EQ(v.saved, 0);
	ASSERT_EQ(v.bits, 512);
	pk_key_view(pk_key_find(p, "small"), &v);
	ASSERT_EQ(v.exportable, 1);

	/* rename X# -> X replaces X */
	{
		EVP_PKEY *shadow = pk_key_evp(pk_key_find(p, "ROOTCA#"));
		EVP_PKEY_up_ref(shadow);
		ASSERT_EQ(pk_key_rename(p, "ROOTCA#", "ROOTCA"), 0);
		ASSERT(pk_key_find(p, "ROOTCA#") == NULL);
		ASSERT_EQ(EVP_PKEY_eq(pk_key_evp(pk_key_find(p, "ROOTCA")), shadow), 1);
		ASSERT_EQ(pk_key_count(p), 2);
		EVP_PKEY_free(shadow);
	}
	ASSERT_EQ(pk_key_delete(p, "small"), 0);
	ASSERT_EQ(pk_key_delete(p, "small"), PK_ENOENT);
	ASSERT_EQ(pk_key_rename(p, "nope", "x"), PK_ENOENT);
	pk_pki_free(p);
	pk_device_free(d);

	d = new_device();
	ASSERT_EQ(pk_pki_open(d, &p), 0);
	ASSERT_EQ(pk_key_count(p), 1);
	pk_key_view(pk_key_at(p, 0), &v);
	ASSERT_STREQ(v.label, "ROOTCA");
	ASSERT_EQ(v.bits, 512);
	pk_pki_free(p);
	pk_device_free(d);
	EVP_PKEY_free(k);
	free(priv);
	rm_tmpdir();
}

TEST(keys_limits_and_reset)
{
	pk_device *d = new_device();
	pk_pki *p = NULL;

	ASSERT_EQ(pk_pki_open(d, &p), 0);
	ASSERT_EQ(pk_key_generate(p, "a", 359, 0), PK_EINVAL);
	ASSERT_EQ(pk_key_generate(p, "a", 4097, 0), PK_EINVAL);
	ASSERT_EQ(pk_key_generate(p, "a", 360, 0), PK_ECRYPTO);     /* OpenSSL 3's floor is 512 */
	ASSERT(strstr(pk_err_msg(), "512"));
	ASSERT_EQ(pk_key_generate(p, "bad label", 512, 0), PK_EINVAL);
	ASSERT_EQ(pk_key_generate(p, "", 512, 0), PK_EINVAL);
	ASSERT_EQ(pk_key_import(p, "a", NULL, "garbage", NULL, 0), PK_EINVAL);
	ASSERT_EQ(pk_key_generate(p, "kept", 512, 0), 0);
	/* reload keeps keys (they are in private storage) */
	pk_device_reset(d);
	ASSERT_EQ(pk_key_count(p), 1);
	ASSERT(pk_key_find(p, "kept"));
	/* a full disk changes nothing */
	setenv("PKISH_FAIL_WRITES", "1", 1);
	ASSERT_EQ(pk_key_generate(p, "lost", 512, 0), PK_EIO);
	ASSERT(pk_key_find(p, "lost") == NULL);
	ASSERT_EQ(pk_key_delete(p, "kept"), PK_EIO);
	ASSERT(pk_key_find(p, "kept"));
	unsetenv("PKISH_FAIL_WRITES");
	pk_pki_free(p);
	pk_device_free(d);
	rm_tmpdir();
}

/* ---- trustpoints -------------------------------------------------------------- */

struct obs_log {
	int config, certs, del;
};

static void observer(void *arg, pk_tp *t, enum pk_tp_event ev)
{
	struct obs_log *l = arg;

	(void)t;
	if (ev == PK_TP_EV_CONFIG)
		l->config++;
	else if (ev == PK_TP_EV_CERTS)
		l->certs++;
	else
		l->del++;
}

TEST(trustpoint_container)
{
	pk_device *d = new_device();
	pk_pki *p = NULL;
	pk_tp *t = NULL, *t2 = NULL;
	struct pk_tp_config c;
	struct obs_log log = { 0, 0, 0 };
	X509 *ca = seed_cert(seed_ca01_hex), *rca = seed_cert(seed_ca03_hex);
	char label[128];

	ASSERT_EQ(pk_pki_open(d, &p), 0);
	pk_tp_set_observer(p, observer, &log);
	ASSERT_EQ(pk_tp_create(p, "VPN", &t), 0);
	ASSERT_EQ(pk_tp_create(p, "VPN", &t2), PK_EEXIST);
	ASSERT_EQ(pk_tp_create(p, "CA", &t2), 0);
	ASSERT_EQ(pk_tp_count(p), 2);
	ASSERT(pk_tp_at(p, 0) == t);
	ASSERT(pk_tp_find(p, "CA") == t2);
	ASSERT_STREQ(pk_tp_name(t), "VPN");
	ASSERT(!pk_tp_is_server(t));
	pk_tp_get_config(t, &c);
	ASSERT_EQ(c.retry_period, 1);
	ASSERT_EQ(c.retry_count, 999999);
	ASSERT_EQ(c.auto_enroll, -1);
	ASSERT_EQ(c.revocation, PK_REV_CRL);
	ASSERT_EQ(c.serial_number, PK_OPT_UNSET);
	ASSERT_EQ(c.ip_mode, PK_OPT_UNSET);
	ASSERT_STREQ(c.enroll_url, "");
	/* key label: hostname.domain unless rsakeypair */
	pk_tp_key_label(t, label, sizeof label);
	ASSERT_STREQ(label, "Router");
	pk_device_set_hostname(d, "R15");
	pk_device_set_domain(d, "lab.local");
	pk_tp_key_label(t, label, sizeof label);
	ASSERT_STREQ(label, "R15.lab.local");
	c.auto_enroll = 80;
	snprintf(c.rsakeypair, sizeof c.rsakeypair, "spoke-1-RSA");
	snprintf(c.subject, sizeof c.subject, "CN=spoke-1.cisco.com,OU=CVO");
	ASSERT_EQ(pk_tp_set_config(t, &c), 0);
	ASSERT_EQ(log.config, 1);
	pk_tp_key_label(t, label, sizeof label);
	ASSERT_STREQ(label, "spoke-1-RSA");
	c.retry_period = 61;
	ASSERT_EQ(pk_tp_set_config(t, &c), PK_EINVAL);
	c.retry_period = 1;
	c.auto_enroll = 0;
	ASSERT_EQ(pk_tp_set_config(t, &c), PK_EINVAL);
	c.auto_enroll = 100;
	snprintf(c.subject, sizeof c.subject, "bogus");
	ASSERT_EQ(pk_tp_set_config(t, &c), PK_EINVAL);
	ASSERT_EQ(log.config, 1);

	/* certificates: own reference, install time, rollover activation */
	pk_device_clock_set(d, tmr_from_civil(2016, 1, 1, 0, 0, 0));
	ASSERT_EQ(pk_tp_set_cert(t, PK_TP_CA, ca), 0);
	ASSERT_EQ(pk_tp_set_cert(t, PK_TP_CA_ROLLOVER, rca), 0);
	ASSERT_EQ(log.certs, 2);
	ASSERT(pk_tp_cert(t, PK_TP_CA) == ca);
	ASSERT_EQ(pk_tp_cert_installed(t, PK_TP_CA), tmr_from_civil(2016, 1, 1, 0, 0, 0));
	ASSERT(pk_tp_cert(t, PK_TP_ID) == NULL);
	ASSERT_EQ(pk_tp_cert_installed(t, PK_TP_ID), 0);
	X509_free(ca);
	X509_free(rca);
	pk_device_clock_set(d, tmr_from_civil(2017, 10, 8, 12, 14, 16));
	ASSERT_EQ(pk_tp_activate_rollover(t), 0);
	ASSERT_EQ(log.certs, 3);
	ASSERT(pk_tp_cert(t, PK_TP_CA_ROLLOVER) == NULL);
	{
		struct pk_cert_view v;
		ASSERT_EQ(pk_cert_view(pk_tp_cert(t, PK_TP_CA), &v), 0);
		ASSERT_STREQ(v.serial, "03");
	}
	ASSERT_EQ(pk_tp_activate_rollover(t), PK_ENOENT);
	ASSERT_EQ(pk_tp_set_cert(t, PK_TP_CA, NULL), 0);
	ASSERT(pk_tp_cert(t, PK_TP_CA) == NULL);
	ASSERT_EQ(pk_tp_set_cert(t, (enum pk_tp_slot)9, NULL), PK_EINVAL);

	pk_tp_set_status(t, "Granted");
	ASSERT_STREQ(pk_tp_status(t), "Granted");
	pk_tp_set_client(t, &log);
	ASSERT(pk_tp_client(t) == &log);

	ASSERT_EQ(pk_tp_delete(p, "VPN"), 0);
	ASSERT_EQ(log.del, 1);
	ASSERT_EQ(pk_tp_delete(p, "VPN"), PK_ENOENT);
	/* reload empties trustpoints (observer hears it) */
	pk_device_reset(d);
	ASSERT_EQ(pk_tp_count(p), 0);
	ASSERT_EQ(log.del, 2);
	pk_pki_free(p);
	pk_device_free(d);
	rm_tmpdir();
}

/* pk_pki_free then pk_pki_open on the same device: the old pki's hooks
 * must not fire any more (no use after free under ASan). */
TEST(pki_reopen_hooks)
{
	pk_device *d = new_device();
	pk_pki *p = NULL, *q = NULL;

	ASSERT_EQ(pk_pki_open(d, &p), 0);
	pk_pki_free(p);
	ASSERT_EQ(pk_pki_open(d, &q), 0);
	pk_device_clock_set(d, tmr_from_civil(2020, 1, 1, 0, 0, 0));
	pk_device_reset(d);
	ASSERT(pk_pki_device(q) == d);
	pk_pki_free(q);
	pk_device_clock_set(d, tmr_from_civil(2021, 1, 1, 0, 0, 0));
	pk_device_reset(d);
	pk_device_free(d);
	rm_tmpdir();
}

/* ---- keys follow the saved certificates (issue 9) ------------------------------- */

/* A certificate for key k (self-signed by it), as an enrollment installs. */
static X509 *cert_for(EVP_PKEY *k, const char *cn, int ca)
{
	X509_NAME *n = NULL;
	X509 *x = NULL;
	struct pki_certspec s;

	ASSERT_EQ(pki_dn_parse(cn, &n), 0);
	memset(&s, 0, sizeof s);
	s.serial = 2;
	s.subject = s.issuer = n;
	s.pubkey = k;
	s.nb = tmr_from_civil(2020, 1, 1, 0, 0, 0);
	s.na = tmr_from_civil(2021, 1, 1, 0, 0, 0);
	s.ca = ca;
	ASSERT_EQ(pki_cert_build(&s, &x), 0);
	ASSERT_EQ(pki_cert_sign(x, k, "sha256"), 0);
	X509_NAME_free(n);
	return x;
}

static EVP_PKEY *key_of(pk_pki *p, const char *label)
{
	pk_key *k = pk_key_find(p, label);
	return k ? pk_key_evp(k) : NULL;
}

/* A trustpoint TP on key X whose identity certificate is `id`. */
static void tp_with(pk_pki *p, const char *name, X509 *id, X509 *rid)
{
	struct pk_tp_config c;
	pk_tp *t;

	ASSERT_EQ(pk_tp_create(p, name, &t), 0);
	pk_tp_get_config(t, &c);
	snprintf(c.rsakeypair, sizeof c.rsakeypair, "X");
	ASSERT_EQ(pk_tp_set_config(t, &c), 0);
	if (id)
		ASSERT_EQ(pk_tp_set_cert(t, PK_TP_ID, id), 0);
	if (rid)
		ASSERT_EQ(pk_tp_set_cert(t, PK_TP_ID_ROLLOVER, rid), 0);
}

TEST(keys_follow_saved_certificates)
{
	pk_device *d = new_device();
	pk_pki *p = NULL;
	EVP_PKEY *old, *fresh;
	X509 *id;

	ASSERT_EQ(pk_pki_open(d, &p), 0);
	pk_pki_config_done(p);                        /* the (empty) boot */
	ASSERT_EQ(pk_key_generate(p, "X", 512, 0), 0);
	old = key_of(p, "X");
	EVP_PKEY_up_ref(old);
	id = cert_for(old, "CN=spoke", 0);
	tp_with(p, "TP", id, NULL);
	pk_pki_saved(p);                              /* write memory */
	/* a renewal with regenerate: X# made, granted, X# becomes X — and
	 * nobody saves */
	ASSERT_EQ(pk_key_generate(p, "X#", 512, 0), 0);
	fresh = key_of(p, "X#");
	EVP_PKEY_up_ref(fresh);
	ASSERT_EQ(pk_key_rename(p, "X#", "X"), 0);
	ASSERT_EQ(EVP_PKEY_eq(key_of(p, "X"), fresh), 1);
	ASSERT_EQ(pk_key_count(p), 1);                /* the old one is not visible */
	/* reload: the startup-config brings the old certificate back */
	pk_device_reset(d);
	ASSERT_EQ(EVP_PKEY_eq(key_of(p, "X"), fresh), 1);   /* before the replay ends */
	tp_with(p, "TP", id, NULL);
	pk_pki_config_done(p);
	ASSERT_EQ(EVP_PKEY_eq(key_of(p, "X"), old), 1);     /* key and certificate match */
	ASSERT_EQ(pk_key_count(p), 1);
	/* a kill -9 instead (same files, new process): the same */
	pk_pki_free(p);
	pk_device_free(d);
	d = new_device();
	ASSERT_EQ(pk_pki_open(d, &p), 0);
	tp_with(p, "TP", id, NULL);
	pk_pki_config_done(p);
	ASSERT_EQ(EVP_PKEY_eq(key_of(p, "X"), old), 1);
	/* once saved, the other key is gone for good */
	pk_pki_saved(p);
	pk_pki_free(p);
	pk_device_free(d);
	d = new_device();
	ASSERT_EQ(pk_pki_open(d, &p), 0);
	{
		X509 *other = cert_for(fresh, "CN=spoke", 0);
		tp_with(p, "TP", other, NULL);
		X509_free(other);
	}
	pk_pki_config_done(p);
	ASSERT_EQ(EVP_PKEY_eq(key_of(p, "X"), old), 1);     /* nothing to restore from */
	/* zeroize leaves nothing behind either */
	ASSERT_EQ(pk_key_zeroize(p, "X"), 0);
	pk_device_reset(d);
	{
		pk_tp *t;
		ASSERT_EQ(pk_tp_create(p, "TP", &t), 0);
		ASSERT_EQ(pk_tp_set_cert(t, PK_TP_ID, id), 0);
	}
	pk_pki_config_done(p);
	ASSERT_EQ(pk_key_count(p), 0);
	pk_pki_free(p);
	pk_device_free(d);
	X509_free(id);
	EVP_PKEY_free(old);
	EVP_PKEY_free(fresh);
	rm_tmpdir();
}

/* A CA rollover activated (NAME# became NAME) and not saved: after the
 * reload the startup-config has certificate ca 01 + ca rollover 03; NAME
 * and NAME# are given back to them. */
TEST(ca_keys_follow_saved_chain)
{
	pk_device *d = new_device();
	pk_pki *p = NULL;
	pk_cs *cs;
	pk_tp *t;
	EVP_PKEY *k1, *k2;
	X509 *ca1, *ca2;

	ASSERT_EQ(pk_pki_open(d, &p), 0);
	pk_pki_config_done(p);
	ASSERT_EQ(pk_key_generate(p, "CA", 512, 0), 0);
	ASSERT_EQ(pk_key_generate(p, "CA#", 512, 0), 0);
	k1 = key_of(p, "CA");
	k2 = key_of(p, "CA#");
	EVP_PKEY_up_ref(k1);
	EVP_PKEY_up_ref(k2);
	ca1 = cert_for(k1, "CN=CA", 1);
	ca2 = cert_for(k2, "CN=CA", 1);
	pk_pki_saved(p);
	ASSERT_EQ(pk_key_rename(p, "CA#", "CA"), 0);  /* the activation */
	pk_device_reset(d);
	pk_pki_config_begin(p);
	ASSERT_EQ(pk_cs_create(p, "CA", &cs), 0);
	ASSERT_EQ(pk_tp_create(p, "CA", &t), 0);
	ASSERT(pk_tp_is_server(t));
	ASSERT_EQ(pk_tp_set_cert(t, PK_TP_CA, ca1), 0);
	ASSERT_EQ(pk_tp_set_cert(t, PK_TP_CA_ROLLOVER, ca2), 0);
	pk_pki_config_done(p);
	ASSERT_EQ(EVP_PKEY_eq(key_of(p, "CA"), k1), 1);
	ASSERT_EQ(EVP_PKEY_eq(key_of(p, "CA#"), k2), 1);
	pk_pki_free(p);
	pk_device_free(d);
	X509_free(ca1);
	X509_free(ca2);
	EVP_PKEY_free(k1);
	EVP_PKEY_free(k2);
	rm_tmpdir();
}

TESTS(T(seed_ca_view), T(seed_rollover_view), T(seed_hex_lines), T(seed_ca_tbs_rebuilt),
      T(seed_rollover_tbs_rebuilt), T(seed_lifetimes), T(cert_parse_forms), T(dn_display_rules),
      T(dn_der_order_and_types), T(dn_errors), T(keys_import_export_roundtrip),
      T(keys_persist_0600_and_saved), T(keys_limits_and_reset), T(trustpoint_container),
      T(pki_reopen_hooks), T(keys_follow_saved_certificates), T(ca_keys_follow_saved_chain))

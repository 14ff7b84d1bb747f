/*
 * fuzz_cs.c — libFuzzer target for the certificate server's decision on a
 * parsed SCEP request (core/cs_req.c: pk_cs_scep, pk_cs_sign,
 * pk_cs_record), as scep/server.c drives it, on a running server of a
 * device in a temporary directory (tmpfs), made afresh for every input.
 *
 * Input: a header byte, then operations until the input ends (at most 48):
 *   header  bits 0-1 grant mode (manual, auto, auto trustpoint SUB, none),
 *           bit 2 the server's trustpoint has the password "sesame",
 *           bits 3-4 database level (minimum, names, complete),
 *           bit 5 a rollover CA exists, bits 6-7 the hash
 *   ops     ENROLL: kind (PKCSReq/RenewalReq), for the rollover CA or not,
 *           how the request is handed over (parsed and DER, DER only,
 *           parsed only), transaction id, senderNonce, the PKCS #10 (raw
 *           fuzzed DER, or built here: subject from fuzzed bytes or the
 *           signer's, one of four keys, subjectAltNames none / the
 *           signer's / fuzzed / the signer's plus one, signature valid,
 *           corrupted or by another key), the signer certificate (none,
 *           self-signed, a certificate this input was issued, the CA
 *           itself, one issued by the CA of trustpoint SUB, a forgery:
 *           the CA's name, another key) and the challenge (none, empty,
 *           the password, the last one-time password, fuzzed);
 *           POLL, GETCERT (fuzzed serial text or an issued serial),
 *           GETCRL, operator grant / reject / remove / revoke / unrevoke,
 *           `password generate`, a manual PKCS #10 submission, the clock
 *           moved (timers fire), a restart of the server (shutdown, no
 *           shutdown: everything read back from its database), and a
 *           signature that fails (pk_cs_record without pk_cs_sign).
 *
 * Invariants (abort = finding):
 *   - nothing is issued for a request whose signature does not verify;
 *     what is issued carries the request's subject (byte for byte) and key;
 *   - grant none never issues anything and keeps no request;
 *   - grant manual issues only on a matching challenge password or for a
 *     renewal (a signer this server issued, unrevoked, time-valid, same
 *     subject, no subjectAltName it does not have); grant auto trustpoint
 *     also for a signer SUB's CA issued; a wrong challenge never issues
 *     (except for such a renewal);
 *   - a message granted by its challenge is never granted again (same
 *     transaction id and nonce), not even after a restart;
 *   - serial numbers strictly increase, across restarts too; an issued
 *     serial is listed (pk_cs_issued) once recorded;
 *   - PENDING names a pending request; FAILURE has a failInfo 0..4;
 *     GetCert answers the certificate with the serial asked;
 *   - no crash, leak or undefined behaviour.
 * Seeds: tests/fuzz/corpus/cs/.
 */
#include <stdint.h>

#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/x509v3.h>

#include "core/pk.h"
#include "core/pki_int.h"
#include "tests/fuzz/env.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
void fuzz_sandbox_reset(void);

#define NKEYS 4
#define MAX_OPS 48
#define MAX_ISSUED 16
#define MAX_GRANTS 64
#define PASSWORD "sesame"

static EVP_PKEY *ca_key, *sub_key, *keys[NKEYS];
static int trace;                  /* PKISH_FUZZ_TRACE=1: each answer on stderr */
static X509 *sub_ca;
static char base[300];

/* What one input has seen so far. */
struct run {
	pk_device *d;
	pk_pki *p;
	pk_cs *cs;
	int grant, has_pw;
	X509 *issued[MAX_ISSUED];          /* parsed back, as a client sends them */
	size_t nissued;
	int revoked[MAX_ISSUED];
	uint64_t max_serial;               /* highest serial seen issued */
	uint64_t known[256];               /* serials seen issued */
	size_t nknown;
	char otp[32];                      /* last one-time password */
	unsigned char granted[MAX_GRANTS][CS_REPLAY_KEYLEN + 1];
	size_t ngranted;                   /* messages granted by a challenge */
	int sign_fails;                    /* the next grant is not signed */
};

static void sink(void *arg, int sev, const char *line)
{
	(void)arg;
	(void)sev;
	FZ_CHECK(line && strlen(line) < 65536);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	int i;

	(void)argc;
	(void)argv;
	ca_key = fz_fixture_key("ca_key.pem", 0);
	sub_key = fz_fixture_key("ca2_key.pem", 0);
	for (i = 0; i < NKEYS; i++)
		keys[i] = fz_fixture_key("cs/test-keys.pem", i);
	snprintf(base, sizeof base, "%s", fz_dir("cs"));
	trace = getenv("PKISH_FUZZ_TRACE") != NULL;
	pk_log_sink_add(sink, NULL);
	return 0;
}

/* ---- certificates and requests built here ------------------------------------------ */

/* A certificate for pub, issued by `by` (NULL: self-issued, by name iss)
 * and signed with `signer`. */
static X509 *make_cert(const X509_NAME *subj, const X509_NAME *iss, const X509 *by,
		       EVP_PKEY *pub, EVP_PKEY *signer, uint64_t serial, tmr_ms now, int ca,
		       const STACK_OF(X509_EXTENSION) *exts)
{
	struct pki_certspec s;
	const ASN1_OCTET_STRING *ski = by ? X509_get0_subject_key_id((X509 *)by) : NULL;
	X509 *x = NULL, *y;

	memset(&s, 0, sizeof s);
	s.serial = serial;
	s.subject = subj;
	s.issuer = by ? X509_get_subject_name(by) : iss;
	if (ski) {
		s.aki = ASN1_STRING_get0_data(ski);
		s.aki_len = (size_t)ASN1_STRING_length(ski);
	}
	s.pubkey = pub;
	s.nb = now - TMR_DAY;
	s.na = now + 365 * TMR_DAY;
	s.ca = ca;
	s.req_exts = exts;
	if (pki_cert_build(&s, &x) < 0 || pki_cert_sign(x, signer, "sha256") < 0)
		fz_die("cannot build a certificate");
	y = pki_cert_reparse(x);
	X509_free(x);
	if (!y)
		fz_die("cannot parse a certificate back");
	return y;
}

static X509 *reparse(const X509 *c)
{
	unsigned char *der = NULL;
	const unsigned char *q;
	int n = i2d_X509(c, &der);
	X509 *y;

	if (n <= 0)
		fz_die("cannot encode a certificate");
	q = der;
	y = d2i_X509(NULL, &q, n);
	OPENSSL_free(der);
	if (!y)
		fz_die("cannot parse a certificate back");
	return y;
}

/* A subject from fuzzed bytes: an IOS DN when it parses as one, else one
 * CN holding the bytes as they are (a TeletexString takes any bytes:
 * newlines, ESC, NUL). */
static X509_NAME *fuzzed_name(const uint8_t *b, size_t n)
{
	char text[256];
	X509_NAME *name = NULL;

	memcpy(text, b, n);
	text[n] = '\0';
	if (n && memchr(b, '\0', n) == NULL && pki_dn_parse(text, &name) == 0) {
		/* what the DN parser accepts can be encoded (`subject-name`) */
		FZ_CHECK(i2d_X509_NAME(name, NULL) > 0);
		ERR_clear_error();
		return name;
	}
	ERR_clear_error();
	name = X509_NAME_new();
	if (!name || !X509_NAME_add_entry_by_NID(name, NID_commonName, V_ASN1_T61STRING,
						 b, (int)n, -1, 0) || i2d_X509_NAME(name, NULL) <= 0) {
		X509_NAME_free(name);
		name = X509_NAME_new();
		if (!name || !X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC,
							 (const unsigned char *)"x", 1, -1, 0))
			fz_die("cannot make a name");
	}
	ERR_clear_error();
	return name;
}

static STACK_OF(X509_EXTENSION) *san_exts(GENERAL_NAMES *g)
{
	STACK_OF(X509_EXTENSION) *exts;
	X509_EXTENSION *ext;

	if (!g)
		return NULL;
	exts = sk_X509_EXTENSION_new_null();
	ext = X509V3_EXT_i2d(NID_subject_alt_name, 0, g);
	if (!exts || !ext || !sk_X509_EXTENSION_push(exts, ext))
		fz_die("out of memory");
	return exts;
}

static GENERAL_NAME *dns_name(const uint8_t *b, size_t n)
{
	GENERAL_NAME *gn = GENERAL_NAME_new();
	ASN1_IA5STRING *s = ASN1_IA5STRING_new();

	if (!gn || !s || !ASN1_STRING_set(s, b, (int)n))
		fz_die("out of memory");
	GENERAL_NAME_set0_value(gn, GEN_DNS, s);
	return gn;
}

/* The PKCS #10 of an ENROLL or SUBMIT: its DER (malloc'd) and parsed form. */
struct csr {
	unsigned char *der;
	size_t len;
	X509_REQ *req;          /* NULL when the DER does not parse */
	int verifies;           /* its signature verifies with its own key */
};

static void csr_free(struct csr *c)
{
	OPENSSL_free(c->der);
	X509_REQ_free(c->req);
	memset(c, 0, sizeof *c);
}

static void csr_make(struct fz_in *in, const X509 *signer, struct csr *out)
{
	unsigned sel = fz_u8(in);
	const uint8_t *b;
	size_t n;
	X509_REQ *r;
	X509_NAME *name;
	GENERAL_NAMES *g = NULL, *have;
	STACK_OF(X509_EXTENSION) *exts;
	EVP_PKEY *k = keys[(sel >> 2) & 3];
	int i;

	memset(out, 0, sizeof *out);
	if ((sel & 3) == 0) {                       /* raw DER, up to 1 KB */
		const unsigned char *q;
		n = fz_u16(in) % 1024;
		if (n > in->n)
			n = in->n;
		out->der = OPENSSL_malloc(n ? n : 1);
		if (!out->der)
			fz_die("out of memory");
		memcpy(out->der, in->p, n);
		out->len = n;
		in->p += n;
		in->n -= n;
		q = out->der;
		out->req = d2i_X509_REQ(NULL, &q, (long)n);
		if (out->req && q != out->der + n) {   /* trailing bytes: not a request */
			X509_REQ_free(out->req);
			out->req = NULL;
		}
		out->verifies = out->req &&
				X509_REQ_verify(out->req, X509_REQ_get0_pubkey(out->req)) == 1;
		ERR_clear_error();
		return;
	}
	n = fz_bytes(in, 200, &b);
	if ((sel & 3) == 2 && signer)
		name = X509_NAME_dup(X509_get_subject_name(signer));
	else
		name = fuzzed_name(b, n);
	r = X509_REQ_new();
	if (!name || !r || !X509_REQ_set_version(r, 0) || !X509_REQ_set_subject_name(r, name) ||
	    !X509_REQ_set_pubkey(r, k))
		fz_die("cannot build a request");
	X509_NAME_free(name);
	have = signer ? X509_get_ext_d2i(signer, NID_subject_alt_name, NULL, NULL) : NULL;
	switch ((sel >> 4) & 3) {
	case 1:
		g = have;
		have = NULL;
		break;
	case 2:
		n = fz_bytes(in, 64, &b);
		g = GENERAL_NAMES_new();
		if (!g || !sk_GENERAL_NAME_push(g, dns_name(b, n)))
			fz_die("out of memory");
		break;
	case 3:
		n = fz_bytes(in, 64, &b);
		g = have ? have : GENERAL_NAMES_new();
		have = NULL;
		if (!g || !sk_GENERAL_NAME_push(g, dns_name(b, n)))
			fz_die("out of memory");
		break;
	}
	GENERAL_NAMES_free(have);
	exts = san_exts(g);
	GENERAL_NAMES_free(g);
	if (exts && !X509_REQ_add_extensions(r, exts))
		fz_die("cannot add extensions");
	sk_X509_EXTENSION_pop_free(exts, X509_EXTENSION_free);
	if (X509_REQ_sign(r, ((sel >> 6) & 3) == 2 ? keys[((sel >> 2) + 1) & 3] : k,
			  ((sel >> 6) & 3) == 3 ? EVP_sha1() : EVP_sha256()) <= 0)
		fz_die("cannot sign a request");
	i = i2d_X509_REQ(r, &out->der);
	if (i <= 0)
		fz_die("cannot encode a request");
	out->len = (size_t)i;
	if (((sel >> 6) & 3) == 1) {                /* a corrupted signature */
		out->der[out->len - 1 - fz_u8(in) % 16] ^= 0x5a;
		X509_REQ_free(r);
		r = NULL;
		{
			const unsigned char *q = out->der;
			r = d2i_X509_REQ(NULL, &q, (long)out->len);
		}
	}
	out->req = r;
	out->verifies = r && X509_REQ_verify(r, X509_REQ_get0_pubkey(r)) == 1;
	ERR_clear_error();
}

/* ---- the server ------------------------------------------------------------------------ */

static void open_server(struct run *rn, unsigned hdr)
{
	static const char *hashes[4] = { "md5", "sha1", "sha256", "sha512" };
	struct pk_cs_config c;
	struct pk_tp_config tc;
	pk_tp *t;
	char *pem;

	fz_rmtree(base, 0);
	if (pk_device_open(base, 1, &rn->d) < 0 || pk_pki_open(rn->d, &rn->p) < 0)
		fz_die("cannot open the device");
	pk_device_clock_set(rn->d, tmr_from_civil(2020, 1, 1, 0, 0, 0));
	pk_device_set_http_enabled(rn->d, 1);
	pk_debug_set(PK_DBG__ALL, 1);
	pem = NULL;
	{
		BIO *b = BIO_new(BIO_s_mem());
		long len;
		char *p;
		if (!b || !PEM_write_bio_PrivateKey(b, ca_key, NULL, NULL, 0, NULL, NULL))
			fz_die("cannot encode the CA key");
		len = BIO_get_mem_data(b, &p);
		pem = malloc((size_t)len + 1);
		if (!pem)
			fz_die("out of memory");
		memcpy(pem, p, (size_t)len);
		pem[len] = '\0';
		BIO_free(b);
	}
	if (pk_key_import(rn->p, "CA", NULL, pem, NULL, 0) < 0)
		fz_die("cannot import the CA key");
	free(pem);
	/* trustpoint SUB: the CA of `grant auto trustpoint SUB` */
	if (pk_tp_create(rn->p, "SUB", &t) < 0 || pk_tp_set_cert(t, PK_TP_CA, sub_ca) < 0)
		fz_die("cannot make trustpoint SUB");
	if (pk_cs_create(rn->p, "CA", &rn->cs) < 0)
		fz_die("cannot create the server");
	pk_cs_get_config(rn->cs, &c);
	snprintf(c.db_url, sizeof c.db_url, "nvram:");
	c.archive = PK_ARCHIVE_NONE;
	rn->grant = (int)(hdr & 3);
	c.grant = rn->grant == 0 ? PK_GRANT_MANUAL : rn->grant == 1 ? PK_GRANT_AUTO :
		  rn->grant == 2 ? PK_GRANT_AUTO_TP : PK_GRANT_NONE;
	snprintf(c.grant_tp, sizeof c.grant_tp, "SUB");
	c.db_level = (int)((hdr >> 3) & 3) % 3;
	snprintf(c.hash, sizeof c.hash, "%s", hashes[hdr >> 6 & 3]);
	if (pk_cs_set_config(rn->cs, &c) < 0 || pk_cs_enable(rn->cs, NULL) < 0)
		fz_die("cannot start the server");
	rn->has_pw = (hdr >> 2) & 1;
	if (rn->has_pw) {
		t = pk_tp_find(rn->p, "CA");
		pk_tp_get_config(t, &tc);
		snprintf(tc.password, sizeof tc.password, PASSWORD);
		tc.password_set = 1;
		if (pk_tp_set_config(t, &tc) < 0)
			fz_die("cannot set the password");
	}
	if ((hdr >> 5) & 1)
		pk_cs_rollover(rn->cs);
}

static void close_server(struct run *rn)
{
	size_t i;

	for (i = 0; i < rn->nissued; i++)
		X509_free(rn->issued[i]);
	pk_pki_free(rn->p);
	pk_device_free(rn->d);
}

static int known(struct run *rn, uint64_t s)
{
	size_t i;

	for (i = 0; i < rn->nknown; i++)
		if (rn->known[i] == s)
			return 1;
	return 0;
}

/* A serial issued now: above every serial issued before (and never seen
 * again as a new one). */
static void new_serial(struct run *rn, uint64_t s)
{
	FZ_CHECK(s > rn->max_serial);
	rn->max_serial = s;
	if (rn->nknown < sizeof rn->known / sizeof rn->known[0])
		rn->known[rn->nknown++] = s;
}

/* Everything the server lists as issued: a serial not seen before is a
 * new one (an operator's grant, a rollover certificate). */
static void check_issued(struct run *rn)
{
	size_t i, n = pk_cs_issued(rn->cs, NULL, 0);
	struct pk_issued_view *v;
	uint64_t s;

	if (!n)
		return;
	v = calloc(n, sizeof *v);
	if (!v)
		fz_die("out of memory");
	n = pk_cs_issued(rn->cs, v, n);
	for (i = 0; i < n; i++) {
		FZ_CHECK(pki_parse_serial(v[i].serial, &s) == 0);
		if (!known(rn, s) && rn->nknown < sizeof rn->known / sizeof rn->known[0])
			new_serial(rn, s);
	}
	free(v);
}

static int listed(struct run *rn, uint64_t serial)
{
	size_t i, n = pk_cs_issued(rn->cs, NULL, 0);
	struct pk_issued_view *v = calloc(n ? n : 1, sizeof *v);
	uint64_t s;
	int found = 0;

	if (!v)
		fz_die("out of memory");
	n = pk_cs_issued(rn->cs, v, n);
	for (i = 0; i < n && !found; i++)
		found = pki_parse_serial(v[i].serial, &s) == 0 && s == serial;
	free(v);
	return found;
}

static void check_requests(struct run *rn)
{
	size_t n = pk_cs_requests(rn->cs, NULL, 0);

	if (rn->grant == 3)
		FZ_CHECK(n == 0);
}

static int request_pending(struct run *rn, long id)
{
	size_t i, n = pk_cs_requests(rn->cs, NULL, 0);
	struct pk_req_view *v = calloc(n ? n : 1, sizeof *v);
	int found = 0;

	if (!v)
		fz_die("out of memory");
	n = pk_cs_requests(rn->cs, v, n);
	for (i = 0; i < n; i++)
		if (v[i].id == id)
			found = v[i].state == PK_REQ_PENDING;
	free(v);
	return found;
}

static long issued_index(struct run *rn, const X509 *c)
{
	size_t i;

	for (i = 0; c && i < rn->nissued; i++)
		if (X509_cmp(rn->issued[i], c) == 0)
			return (long)i;
	return -1;
}

static int time_valid(const X509 *c, tmr_ms now)
{
	return pki_time_ms(X509_get0_notBefore(c)) <= now &&
	       now < pki_time_ms(X509_get0_notAfter(c));
}

/* Every name of want is one of have's. */
static int sans_within(X509_REQ *req, const X509 *signer)
{
	STACK_OF(X509_EXTENSION) *exts = X509_REQ_get_extensions(req);
	GENERAL_NAMES *want = exts ? X509V3_get_d2i(exts, NID_subject_alt_name, NULL, NULL) : NULL;
	GENERAL_NAMES *have = X509_get_ext_d2i(signer, NID_subject_alt_name, NULL, NULL);
	int i, j, ok = 1;

	for (i = 0; ok && i < sk_GENERAL_NAME_num(want); i++) {
		int found = 0;
		for (j = 0; !found && j < sk_GENERAL_NAME_num(have); j++)
			found = GENERAL_NAME_cmp(sk_GENERAL_NAME_value(want, i),
						 sk_GENERAL_NAME_value(have, j)) == 0;
		ok = found;
	}
	sk_X509_EXTENSION_pop_free(exts, X509_EXTENSION_free);
	GENERAL_NAMES_free(want);
	GENERAL_NAMES_free(have);
	ERR_clear_error();
	return ok;
}

static int same_name(const X509_NAME *a, const X509_NAME *b)
{
	const unsigned char *da, *db;
	size_t la, lb;

	return X509_NAME_get0_der((X509_NAME *)a, &da, &la) == 1 &&
	       X509_NAME_get0_der((X509_NAME *)b, &db, &lb) == 1 && la == lb &&
	       memcmp(da, db, la) == 0;
}

/* The same SubjectPublicKeyInfo, DER for DER (a certificate made for
 * signing keeps the request's key undecoded: pki.h). */
static int same_key(const X509_PUBKEY *a, const X509_PUBKEY *b)
{
	unsigned char *da = NULL, *db = NULL;
	int la = i2d_X509_PUBKEY(a, &da), lb = i2d_X509_PUBKEY(b, &db);
	int same = la > 0 && la == lb && memcmp(da, db, (size_t)la) == 0;

	OPENSSL_free(da);
	OPENSSL_free(db);
	return same;
}

/* Could this request be an automatic renewal by the rule of issue 10? */
static int renewal_possible(struct run *rn, X509_REQ *req, const X509 *signer)
{
	long i = issued_index(rn, signer);

	return i >= 0 && !rn->revoked[i] && time_valid(signer, pk_device_now(rn->d)) &&
	       same_name(X509_get_subject_name(signer), X509_REQ_get_subject_name(req)) &&
	       sans_within(req, signer);
}

static int chains_to_sub(const X509 *signer, tmr_ms now)
{
	int ok = signer && X509_check_issued(sub_ca, (X509 *)signer) == X509_V_OK &&
		 X509_verify((X509 *)signer, X509_get0_pubkey(sub_ca)) == 1 && time_valid(signer, now);

	ERR_clear_error();
	return ok;
}

static void remember_issued(struct run *rn, const X509 *c)
{
	if (rn->nissued < MAX_ISSUED)
		rn->issued[rn->nissued++] = reparse(c);
}

/* The signer of an ENROLL (a reference the caller frees, or NULL). */
static X509 *pick_signer(struct run *rn, struct fz_in *in, const X509 *ca)
{
	unsigned sel = fz_u8(in);
	const uint8_t *b;
	size_t n;
	X509_NAME *name;
	X509 *x;
	tmr_ms now = pk_device_now(rn->d);

	switch (sel & 7) {
	case 1:
	case 2:
		n = fz_bytes(in, 64, &b);
		name = fuzzed_name(b, n);
		x = make_cert(name, name, NULL, keys[sel >> 3 & 3], keys[sel >> 3 & 3], 1, now,
			      (sel & 7) == 2, NULL);
		X509_NAME_free(name);
		return x;
	case 3:
		if (!rn->nissued)
			return NULL;
		x = rn->issued[(sel >> 3) % rn->nissued];
		X509_up_ref(x);
		return x;
	case 4:
		return ca ? reparse(ca) : NULL;
	case 5:
	case 6:
		n = fz_bytes(in, 64, &b);
		name = fuzzed_name(b, n);
		/* 5: issued by SUB's CA; 6: a forgery with this CA's names */
		x = make_cert(name, name, (sel & 7) == 5 ? sub_ca : ca, keys[sel >> 3 & 3],
			      (sel & 7) == 5 ? sub_key : keys[((sel >> 3) + 1) & 3], 2 + (sel >> 5), now,
			      0, NULL);
		X509_NAME_free(name);
		return x;
	}
	return NULL;
}

static void check_failure(const struct pk_scep_result *res)
{
	FZ_CHECK(res->status == PK_SCEP_SUCCESS || res->status == PK_SCEP_FAILURE ||
		 res->status == PK_SCEP_PENDING);
	if (res->status == PK_SCEP_FAILURE)
		FZ_CHECK(res->fail_info >= 0 && res->fail_info <= 4 && !res->tbs && !res->cert);
	FZ_CHECK(memchr(res->fail_text, '\0', sizeof res->fail_text) != NULL);
}

/* The same message identity the server keys replays by. */
static void message_key(const char *tid, const unsigned char *nonce, size_t nlen,
			unsigned char out[CS_REPLAY_KEYLEN + 1])
{
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int len = 0;
	EVP_MD_CTX *c = EVP_MD_CTX_new();

	if (!c || !EVP_DigestInit_ex(c, EVP_sha256(), NULL) ||
	    !EVP_DigestUpdate(c, tid ? tid : "", tid ? strlen(tid) + 1 : 1) ||
	    !EVP_DigestUpdate(c, nonce, nlen) || !EVP_DigestFinal_ex(c, md, &len))
		fz_die("digest");
	EVP_MD_CTX_free(c);
	memcpy(out, md, CS_REPLAY_KEYLEN);
	out[CS_REPLAY_KEYLEN] = 1;
}

static void op_enroll(struct run *rn, struct fz_in *in)
{
	unsigned how = fz_u8(in), ch = fz_u8(in);
	char tid[80], chal[80];
	const uint8_t *nonce;
	size_t nlen, i;
	const X509 *ca = pk_cs_ca_cert(rn->cs);
	X509 *signer;
	struct csr c;
	struct pk_scep_req r;
	struct pk_scep_result res;
	int rc, pw_match, renewal, by_challenge = 0;
	unsigned char key[CS_REPLAY_KEYLEN + 1];
	uint64_t serial = 0;

	memset(&r, 0, sizeof r);
	fz_str(in, tid, sizeof tid);
	nlen = fz_bytes(in, 16, &nonce);
	signer = pick_signer(rn, in, ca);
	csr_make(in, signer, &c);
	r.kind = how & 1 ? PK_SCEP_RENEWALREQ : PK_SCEP_PKCSREQ;
	r.for_rollover = (how >> 1) & 1;
	r.transaction_id = (tid[0] || (how & 0x80)) ? tid : NULL;
	r.sender_nonce = nlen ? nonce : NULL;
	r.nonce_len = nlen;
	switch ((how >> 2) & 3) {
	case 1:                       /* DER only: the server parses it */
		r.csr_der = c.der;
		r.csr_len = c.len;
		break;
	case 2:                       /* parsed only */
		r.csr = c.req;
		break;
	default:
		r.csr = c.req;
		r.csr_der = c.req ? c.der : NULL;
		r.csr_len = c.req ? c.len : 0;
		if (!c.req) {
			r.csr_der = c.der;
			r.csr_len = c.len;
		}
	}
	r.signer = signer;
	switch (ch % 5) {
	case 0:
		r.challenge = NULL;
		break;
	case 1:
		r.challenge = "";
		break;
	case 2:
		r.challenge = PASSWORD;
		break;
	case 3:
		r.challenge = rn->otp;
		break;
	default:
		r.challenge = fz_str(in, chal, sizeof chal);
	}
	pw_match = r.challenge && *r.challenge &&
		   ((rn->has_pw && strcmp(r.challenge, PASSWORD) == 0) ||
		    (rn->otp[0] && strcmp(r.challenge, rn->otp) == 0));
	renewal = c.req && signer && renewal_possible(rn, c.req, signer);

	rc = pk_cs_scep(rn->cs, &r, &res);
	if (trace)
		fprintf(stderr, "enroll %s tid=%s: status %d%s reqid %ld %s (csr %s, renewal %d, "
			"password %d)\n", r.kind == PK_SCEP_RENEWALREQ ? "RenewalReq" : "PKCSReq",
			r.transaction_id ? r.transaction_id : "(none)", res.status,
			res.tbs ? " issued" : "", res.reqid, res.fail_text,
			c.verifies ? "verifies" : "bad", renewal, pw_match);
	if (trace && signer)
		fprintf(stderr, "  signer issued by SUB's CA: %d\n",
			chains_to_sub(signer, pk_device_now(rn->d)));
	FZ_CHECK(rc <= 0);
	check_failure(&res);
	if (res.status == PK_SCEP_PENDING)
		FZ_CHECK(res.reqid > 0 && request_pending(rn, res.reqid));
	if (res.status == PK_SCEP_SUCCESS && res.tbs) {
		/* a new certificate: who may have it */
		FZ_CHECK(rn->grant != 3);
		FZ_CHECK(c.req && c.verifies);
		if (rn->grant == 0)
			FZ_CHECK(pw_match || renewal);
		if (rn->grant == 2)
			FZ_CHECK(pw_match || renewal || chains_to_sub(signer, pk_device_now(rn->d)));
		if (r.challenge && *r.challenge && !pw_match && rn->has_pw)
			FZ_CHECK(renewal);
		FZ_CHECK(same_name(X509_get_subject_name(res.tbs), X509_REQ_get_subject_name(c.req)));
		FZ_CHECK(same_key(X509_get_X509_PUBKEY(res.tbs), X509_REQ_get_X509_PUBKEY(c.req)));
		by_challenge = !renewal && rn->grant != 1 &&
			       !(rn->grant == 2 && chains_to_sub(signer, pk_device_now(rn->d)));
		if (by_challenge && nlen && r.transaction_id) {
			message_key(r.transaction_id, nonce, nlen, key);
			for (i = 0; i < rn->ngranted; i++)
				FZ_CHECK(memcmp(rn->granted[i], key, sizeof key) != 0);
			if (rn->ngranted < MAX_GRANTS)
				memcpy(rn->granted[rn->ngranted++], key, sizeof key);
		}
		/* its serial is spent whether or not it is signed and recorded */
		FZ_CHECK(pki_cert_serial(res.tbs, &serial) == 0);
		new_serial(rn, serial);
		if (rn->sign_fails) {
			rn->sign_fails = 0;
			FZ_CHECK(pk_cs_record(rn->cs, &res) < 0);
		} else {
			FZ_CHECK(pk_cs_sign(&res) == 0 && res.cert);
			if (pk_cs_record(rn->cs, &res) == 0) {
				remember_issued(rn, res.cert);
				FZ_CHECK(listed(rn, serial));
			}
		}
	} else if (res.status == PK_SCEP_SUCCESS) {
		/* an answer already made: a certificate issued before */
		FZ_CHECK(res.cert && !res.crl);
		FZ_CHECK(rn->grant != 3);
		FZ_CHECK(pk_cs_sign(&res) == 0 && pk_cs_record(rn->cs, &res) == 0);
	}
	pk_scep_result_free(&res);
	X509_free(signer);
	csr_free(&c);
}

static void op_simple(struct run *rn, struct fz_in *in, int kind)
{
	char text[80];
	struct pk_scep_req r;
	struct pk_scep_result res;
	uint64_t want = 0, got = 0;
	unsigned sel;

	memset(&r, 0, sizeof r);
	r.kind = kind;
	if (kind == PK_SCEP_CERTPOLL) {
		r.transaction_id = fz_str(in, text, sizeof text);
	} else if (kind == PK_SCEP_GETCERT) {
		sel = fz_u8(in);
		if (sel & 1 && rn->nissued) {
			FZ_CHECK(pki_cert_serial(rn->issued[(sel >> 1) % rn->nissued], &want) == 0);
			snprintf(text, sizeof text, "%llX", (unsigned long long)want);
			r.serial = text;
		} else if (sel & 2) {
			r.serial = fz_str(in, text, sizeof text);
		}
	}
	FZ_CHECK(pk_cs_scep(rn->cs, &r, &res) <= 0);
	if (trace)
		fprintf(stderr, "kind %d %s: status %d %s\n", kind, r.serial ? r.serial :
			r.transaction_id ? r.transaction_id : "", res.status, res.fail_text);
	check_failure(&res);
	FZ_CHECK(!res.tbs);
	if (kind == PK_SCEP_GETCERT && res.status == PK_SCEP_SUCCESS) {
		FZ_CHECK(res.cert && pki_cert_serial(res.cert, &got) == 0);
		FZ_CHECK(pki_parse_serial(r.serial, &want) == 0 && got == want);
	}
	if (kind == PK_SCEP_GETCRL && res.status == PK_SCEP_SUCCESS)
		FZ_CHECK(res.crl);
	if (res.status == PK_SCEP_SUCCESS && kind == PK_SCEP_CERTPOLL)
		FZ_CHECK(res.cert && rn->grant != 3);
	if (res.status == PK_SCEP_SUCCESS && !res.crl)
		FZ_CHECK(pk_cs_sign(&res) == 0 && pk_cs_record(rn->cs, &res) == 0);
	pk_scep_result_free(&res);
}

static void op_submit(struct run *rn, struct fz_in *in)
{
	struct csr c;
	long id = 0;
	int rc;

	csr_make(in, NULL, &c);
	rc = pk_cs_submit_csr(rn->cs, c.der, c.len, &id);
	if (rc == 0)
		FZ_CHECK(rn->grant != 3 && c.verifies && id > 0);
	csr_free(&c);
}

static void op_revoke(struct run *rn, struct fz_in *in, int unrevoke)
{
	unsigned sel = fz_u8(in);
	char text[80];
	uint64_t s;
	size_t i;

	if (sel & 1 && rn->nissued) {
		i = (sel >> 1) % rn->nissued;
		FZ_CHECK(pki_cert_serial(rn->issued[i], &s) == 0);
		snprintf(text, sizeof text, "%llx", (unsigned long long)s);
		if (unrevoke ? pk_cs_unrevoke(rn->cs, text) == 0 : pk_cs_revoke(rn->cs, text) == 0)
			rn->revoked[i] = !unrevoke;
	} else {
		fz_str(in, text, sizeof text);
		if (unrevoke) {
			pk_cs_unrevoke(rn->cs, text);
		} else if (pk_cs_revoke(rn->cs, text) == 0 && pki_parse_serial(text, &s) == 0) {
			for (i = 0; i < rn->nissued; i++) {
				uint64_t t;
				if (pki_cert_serial(rn->issued[i], &t) == 0 && t == s)
					rn->revoked[i] = 1;
			}
		}
	}
}

static void op_clock(struct run *rn, struct fz_in *in)
{
	static const tmr_ms unit[4] = { TMR_SEC, TMR_MIN, TMR_HOUR, TMR_DAY };
	unsigned u = fz_u8(in);
	tmr_ms step = (tmr_ms)fz_u16(in) * unit[u & 3];

	pk_device_clock_set(rn->d, pk_device_now(rn->d) + (step > 4000 * TMR_DAY ? 4000 * TMR_DAY : step));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fz_in in = { data, size };
	struct run rn;
	int ops;

	if (size < 1)
		return 0;
	if (!sub_ca) {
		/* made once per process: SUB's CA certificate, at a fixed date */
		X509_NAME *n = NULL;
		if (pki_dn_parse("CN=SubCA,O=Fuzz", &n) < 0)
			fz_die("name");
		sub_ca = make_cert(n, n, NULL, sub_key, sub_key, 7, tmr_from_civil(2020, 1, 1, 0, 0, 0), 1,
				   NULL);
		X509_NAME_free(n);
	}
	fuzz_sandbox_reset();
	memset(&rn, 0, sizeof rn);
	open_server(&rn, fz_u8(&in));
	check_issued(&rn);
	for (ops = 0; ops < MAX_OPS && fz_more(&in); ops++) {
		unsigned op = fz_u8(&in) % 16;
		long id;

		switch (op) {
		case 0:
		case 1:
		case 2:
			op_enroll(&rn, &in);
			break;
		case 3:
			op_simple(&rn, &in, PK_SCEP_CERTPOLL);
			break;
		case 4:
			op_simple(&rn, &in, PK_SCEP_GETCERT);
			break;
		case 5:
			op_simple(&rn, &in, PK_SCEP_GETCRL);
			break;
		case 6:
			id = (long)fz_u8(&in);
			pk_cs_grant(rn.cs, id == 255 ? -1 : id);
			break;
		case 7:
			id = (long)fz_u8(&in);
			pk_cs_reject(rn.cs, id == 255 ? -1 : id);
			break;
		case 8:
			id = (long)fz_u8(&in);
			pk_cs_remove(rn.cs, id == 255 ? -1 : id);
			break;
		case 9:
			op_revoke(&rn, &in, 0);
			break;
		case 10:
			op_revoke(&rn, &in, 1);
			break;
		case 11:
			if (pk_cs_password_generate(rn.cs, fz_u8(&in) % 61, rn.otp, sizeof rn.otp) < 0)
				rn.otp[0] = '\0';
			break;
		case 12:
			op_submit(&rn, &in);
			break;
		case 13:
			op_clock(&rn, &in);
			break;
		case 14:
			pk_cs_disable(rn.cs);
			pk_cs_enable(rn.cs, NULL);
			break;
		case 15:
			rn.sign_fails = 1;
			break;
		}
		pk_err_clear();
		ERR_clear_error();
		check_issued(&rn);
		check_requests(&rn);
	}
	close_server(&rn);
	return 0;
}

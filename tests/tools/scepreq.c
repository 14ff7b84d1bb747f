/*
 * scepreq.c — test helper: sends one SCEP pkiMessage (valid, or broken on
 * purpose) to a server on loopback and reports what came back, reading the
 * CertRep with the client side of scep/msg.h.
 *
 *   scepreq [options] URL
 *     -k KEY       the key to certify (PEM; also the signer's key unless -K)
 *     -s CERT      signer certificate (default: a temporary self-signed one)
 *     -K KEY       the signer's key (with -s, for a renewal)
 *     -c CA        the CA certificate (default: asked with GetCACert)
 *     -R CERT      envelope for this certificate instead of the CA
 *     -n CN        subject CN (default scepreq)
 *     -p PASSWORD  challengePassword
 *     -t TYPE      pkcsreq (default), renewalreq, certpoll, getcert, getcrl
 *     -S SERIAL    GetCert/GetCRL serial (hex)
 *     -T TID       transactionID (default: random hex)
 *     -g           GET (base64 in 64-character lines, percent-escaped) not POST
 *     -b STYLE     with -g: ios (default), url (URL-safe alphabet, no
 *                  padding, no escapes: scepclient), plus (raw '+', '/'
 *                  and '=') or space ('+' sent as %20, what a form decoder
 *                  makes of a raw '+')
 *     -m MUT       what to break:
 *                    none            a valid request
 *                    truncate        the first half of the DER
 *                    garbage         random bytes of the same length
 *                    bad-signature   one bit of the SignerInfo signature flipped
 *                    bad-content     validly signed, envelope holds random bytes
 *                    wrong-type      validly signed, messageType -M (default 3)
 *                    long-tid        validly signed, a 300-character transactionID
 *                    oversized       a valid request padded past 64 KiB
 *                    replay          a valid request sent twice, byte for byte
 *     -M TYPE      the messageType string for wrong-type
 *     -o FILE      write the issued certificate (PEM) here
 *     -w FILE      write the request's DER here
 *     -i FILE      send this DER request (written by -w) instead of a new
 *                  one: a replay by another process; -k must be its key
 *     -r FILE      write the (last) reply body here
 *
 * Prints one line per message sent:
 *   http=200 ctype=application/x-pki-message status=SUCCESS serial=0A
 *   http=200 ctype=... status=FAILURE failInfo=2 text="..."
 *   http=400 ctype=text/plain
 * A reply that is not a well-formed CertRep for this request (signature by
 * the CA, messageType 3, transactionID and recipientNonce echoed) prints
 * status=MALFORMED with the reason.  Exit status 0 when every exchange got
 * an HTTP answer, 1 otherwise, 2 on usage errors.
 */
#include <getopt.h>

#include <openssl/cms.h>
#include <openssl/rand.h>

#include "tests/tools/tool.h"

#define OID_MSGTYPE "2.16.840.1.113733.1.9.2"
#define OID_SNONCE  "2.16.840.1.113733.1.9.5"
#define OID_TID     "2.16.840.1.113733.1.9.7"

static void die(const char *msg)
{
	fprintf(stderr, "scepreq: %s\n", msg);
	ERR_print_errors_fp(stderr);
	exit(2);
}

static int type_of(const char *s)
{
	static const struct { const char *n; int t; } tab[] = {
		{ "pkcsreq", SCEP_PKCSREQ }, { "renewalreq", SCEP_RENEWALREQ },
		{ "certpoll", SCEP_CERTPOLL }, { "getcert", SCEP_GETCERT }, { "getcrl", SCEP_GETCRL },
	};
	size_t i;

	for (i = 0; i < sizeof tab / sizeof tab[0]; i++)
		if (strcasecmp(s, tab[i].n) == 0)
			return tab[i].t;
	die("unknown message type");
	return 0;
}

/* A pkiMessage built with CMS directly, so that any attribute can be wrong:
 * envelope of `data` for `recipient`, signed by signer/key with SHA-256. */
static unsigned char *raw_build(X509 *recipient, X509 *signer, EVP_PKEY *key,
				const unsigned char *data, size_t dlen, const char *tid,
				const char *msgtype, const unsigned char *nonce, size_t *len)
{
	STACK_OF(X509) *rc = sk_X509_new_null();
	CMS_ContentInfo *env, *cms;
	CMS_SignerInfo *si;
	unsigned char *envder = NULL, *der = NULL;
	unsigned int flags = CMS_BINARY | CMS_PARTIAL | CMS_NOSMIMECAP;
	BIO *in;
	int n, elen;

	if (!rc || !sk_X509_push(rc, recipient))
		die("out of memory");
	in = BIO_new_mem_buf(data, (int)dlen);
	env = CMS_encrypt(rc, in, EVP_aes_128_cbc(), CMS_BINARY);
	BIO_free(in);
	if (!env || (elen = i2d_CMS_ContentInfo(env, &envder)) <= 0)
		die("cannot build the envelope");
	cms = CMS_sign(NULL, NULL, NULL, NULL, flags);
	si = cms ? CMS_add1_signer(cms, signer, key, EVP_sha256(), flags) : NULL;
	if (!si ||
	    !CMS_signed_add1_attr_by_txt(si, OID_TID, V_ASN1_PRINTABLESTRING, tid, (int)strlen(tid)) ||
	    !CMS_signed_add1_attr_by_txt(si, OID_MSGTYPE, V_ASN1_PRINTABLESTRING, msgtype,
					 (int)strlen(msgtype)) ||
	    !CMS_signed_add1_attr_by_txt(si, OID_SNONCE, V_ASN1_OCTET_STRING, nonce, SCEP_NONCE_LEN))
		die("cannot sign");
	in = BIO_new_mem_buf(envder, elen);
	if (!CMS_final(cms, in, NULL, flags) || (n = i2d_CMS_ContentInfo(cms, &der)) <= 0)
		die("cannot sign");
	BIO_free(in);
	*len = (size_t)n;
	CMS_ContentInfo_free(cms);
	CMS_ContentInfo_free(env);
	OPENSSL_free(envder);
	sk_X509_free(rc);
	return der;
}

/* Flip a bit in the middle of the SignerInfo's signature value. */
static void break_signature(unsigned char *der, size_t len)
{
	const unsigned char *p = der;
	CMS_ContentInfo *cms = d2i_CMS_ContentInfo(NULL, &p, (long)len);
	STACK_OF(CMS_SignerInfo) *sis = cms ? CMS_get0_SignerInfos(cms) : NULL;
	ASN1_OCTET_STRING *sig;
	const unsigned char *s;
	size_t i, sl;

	if (!sis || sk_CMS_SignerInfo_num(sis) < 1)
		die("cannot find the signature");
	sig = CMS_SignerInfo_get0_signature(sk_CMS_SignerInfo_value(sis, 0));
	s = ASN1_STRING_get0_data(sig);
	sl = (size_t)ASN1_STRING_length(sig);
	for (i = 0; i + sl <= len; i++)
		if (memcmp(der + i, s, sl) == 0) {
			der[i + sl / 2] ^= 0x10;
			break;
		}
	if (i + sl > len)
		die("cannot find the signature");
	CMS_ContentInfo_free(cms);
}

/* base64 for a GET query in one of three client styles. */
static char *query_b64(const unsigned char *der, size_t len, const char *style)
{
	char *b, *o;
	size_t i;

	if (strcmp(style, "ios") == 0)
		return scep_b64_encode(der, len, SCEP_B64_LINES | SCEP_B64_URL);
	b = scep_b64_encode(der, len, 0);
	if (!b)
		return NULL;
	if (strcmp(style, "url") == 0) {
		for (o = b, i = 0; b[i]; i++) {
			if (b[i] == '=')
				continue;
			*o++ = b[i] == '+' ? '-' : b[i] == '/' ? '_' : b[i];
		}
		*o = '\0';
	} else if (strcmp(style, "space") == 0) {
		size_t plus = 0;
		char *s;
		for (i = 0; b[i]; i++)
			plus += b[i] == '+';
		s = OPENSSL_malloc(i + 2 * plus + 1);
		if (!s)
			die("out of memory");
		for (o = s, i = 0; b[i]; i++) {
			if (b[i] == '+') {
				memcpy(o, "%20", 3);
				o += 3;
			} else {
				*o++ = b[i];
			}
		}
		*o = '\0';
		OPENSSL_free(b);
		b = s;
	} else if (strcmp(style, "plus") != 0) {
		die("unknown base64 style");
	}
	return b;
}

struct ctx {
	struct turl u;
	X509 *ca;
	EVP_PKEY *skey;          /* signer key */
	X509 *signer;
	EVP_PKEY *key;           /* the requested key */
	const char *tid;
	int get;
	const char *style;
	const char *certout;
	const char *repout;
};

static int exchange(struct ctx *c, const unsigned char *der, size_t len,
		    const unsigned char nonce[SCEP_NONCE_LEN])
{
	struct tresp r;
	struct scep_expect ex;
	struct scep_err err;
	scep_rep *rep = NULL;
	char *target;
	int rc;

	if (c->get) {
		char *b = query_b64(der, len, c->style);
		size_t tl = strlen(c->u.path) + strlen(b) + 64;
		target = malloc(tl);
		if (!b || !target)
			die("out of memory");
		snprintf(target, tl, "%s?operation=PKIOperation&message=%s", c->u.path, b);
		OPENSSL_free(b);
		rc = t_http(&c->u, "GET", target, NULL, 0, 30000, &r);
	} else {
		size_t tl = strlen(c->u.path) + 64;
		target = malloc(tl);
		if (!target)
			die("out of memory");
		snprintf(target, tl, "%s?operation=PKIOperation", c->u.path);
		rc = t_http(&c->u, "POST", target, der, len, 30000, &r);
	}
	free(target);
	if (rc < 0) {
		printf("http=none (%s)\n", rc == -2 ? "timeout" : "no answer");
		return -1;
	}
	if (c->repout) {
		FILE *f = fopen(c->repout, "wb");
		if (!f || fwrite(r.body, 1, r.len, f) != r.len)
			die("cannot write the reply");
		fclose(f);
	}
	printf("http=%d ctype=%s", r.status, r.ctype[0] ? r.ctype : "-");
	if (r.clen < 0)
		printf(" no-content-length");
	if (r.status != 200 || strcmp(r.ctype, SCEP_CT_PKI_MESSAGE) != 0) {
		printf("\n");
		t_resp_free(&r);
		return 0;
	}
	memset(&ex, 0, sizeof ex);
	ex.ca = c->ca;
	ex.transaction_id = c->tid;
	ex.nonce = nonce;
	ex.key = c->skey;
	ex.cert = c->signer;
	ex.requested = c->key;
	rc = scep_rep_parse(r.body, r.len, &ex, &rep, &err);
	t_resp_free(&r);
	if (rc < 0) {
		printf(" status=MALFORMED reason=\"%s\"\n", err.text);
		return 0;
	}
	switch (scep_rep_status(rep)) {
	case SCEP_SUCCESS: {
		X509 *x = scep_rep_cert(rep);
		X509_CRL *crl = scep_rep_crl(rep);
		printf(" status=SUCCESS");
		if (x) {
			BIGNUM *bn = ASN1_INTEGER_to_BN(X509_get0_serialNumber(x), NULL);
			char *hex = bn ? BN_bn2hex(bn) : NULL;
			printf(" serial=%s", hex ? hex : "?");
			OPENSSL_free(hex);
			BN_free(bn);
			if (c->certout) {
				FILE *f = fopen(c->certout, "w");
				if (!f || !PEM_write_X509(f, x))
					die("cannot write the certificate");
				fclose(f);
			}
		} else if (sk_X509_num(scep_rep_certs(rep)) > 0) {
			printf(" certs=%d", sk_X509_num(scep_rep_certs(rep)));
		}
		if (crl)
			printf(" crl=yes");
		printf("\n");
		break;
	}
	case SCEP_PENDING:
		printf(" status=PENDING\n");
		break;
	default:
		printf(" status=FAILURE failInfo=%d text=\"%s\"\n", scep_rep_fail_info(rep),
		       scep_rep_fail_text(rep) ? scep_rep_fail_text(rep) : "");
	}
	scep_rep_free(rep);
	return 0;
}

int main(int argc, char **argv)
{
	struct ctx c;
	struct scep_request rq;
	struct scep_csr cs;
	struct scep_err err;
	const char *keyf = NULL, *signerf = NULL, *skeyf = NULL, *caf = NULL, *recipf = NULL;
	const char *cn = "scepreq", *pw = NULL, *mut = "none", *mtype = "3", *serial = NULL;
	const char *derout = NULL, *derin = NULL;
	char tidbuf[40];
	unsigned char nonce[SCEP_NONCE_LEN], *der = NULL, *csrder = NULL;
	size_t len = 0;
	X509_REQ *csr = NULL;
	X509_NAME *subj;
	X509 *recipient = NULL;
	ASN1_INTEGER *sn = NULL;
	BIGNUM *bn = NULL;
	int o, type = SCEP_PKCSREQ, rc = 0, n;

	memset(&c, 0, sizeof c);
	c.style = "ios";
	while ((o = getopt(argc, argv, "k:s:K:c:R:n:p:t:S:T:gb:m:M:o:w:r:i:")) != -1) {
		switch (o) {
		case 'k': keyf = optarg; break;
		case 's': signerf = optarg; break;
		case 'K': skeyf = optarg; break;
		case 'c': caf = optarg; break;
		case 'R': recipf = optarg; break;
		case 'n': cn = optarg; break;
		case 'p': pw = optarg; break;
		case 't': type = type_of(optarg); break;
		case 'S': serial = optarg; break;
		case 'T': c.tid = optarg; break;
		case 'g': c.get = 1; break;
		case 'b': c.style = optarg; break;
		case 'm': mut = optarg; break;
		case 'M': mtype = optarg; break;
		case 'o': c.certout = optarg; break;
		case 'w': derout = optarg; break;
		case 'r': c.repout = optarg; break;
		case 'i': derin = optarg; break;
		default:
			fprintf(stderr, "usage: scepreq [-k KEY] [-s CERT -K KEY] [-c CA] [-R CERT] "
				"[-n CN] [-p PW] [-t TYPE] [-S SERIAL] [-T TID] [-g [-b STYLE]] "
				"[-m MUTATION [-M TYPE]] [-o CERT] [-w DER] [-i DER] [-r REPLY] URL\n");
			return 2;
		}
	}
	if (optind != argc - 1 || !keyf || t_url(argv[optind], &c.u) < 0)
		die("usage: scepreq -k KEY [options] URL (see the source)");
	if (scep_crypto_init(&err) < 0 && err.code != SCEP_EALG)
		die(err.text);
	if (!(c.key = t_load_key(keyf)))
		die("cannot read the key");
	c.ca = caf ? t_load_cert(caf) : t_getcacert(&c.u);
	if (!c.ca)
		die("no CA certificate (GetCACert failed?)");
	if (derin) {
		static unsigned char buf[SCEP_MAX_MSG + 1];
		static char tid[SCEP_MAX_TID + 1];
		FILE *f = fopen(derin, "rb");
		scep_req *req = NULL;
		const unsigned char *nn;
		size_t nl = 0;
		len = f ? fread(buf, 1, sizeof buf, f) : 0;
		if (f)
			fclose(f);
		if (len == 0 || scep_req_parse(buf, len, &req, &err) < 0)
			die("cannot read the request to re-send");
		snprintf(tid, sizeof tid, "%s", scep_req_transaction_id(req));
		nn = scep_req_sender_nonce(req, &nl);
		if (nl != SCEP_NONCE_LEN)
			die("the request's senderNonce is not 16 bytes");
		memcpy(nonce, nn, SCEP_NONCE_LEN);
		c.tid = tid;
		c.signer = X509_dup(scep_req_signer(req));
		c.skey = c.key;
		EVP_PKEY_up_ref(c.key);
		scep_req_free(req);
		rc = exchange(&c, buf, len, nonce);
		X509_free(c.ca);
		X509_free(c.signer);
		EVP_PKEY_free(c.skey);
		EVP_PKEY_free(c.key);
		return rc < 0 ? 1 : 0;
	}
	if (signerf) {
		c.signer = t_load_cert(signerf);
		c.skey = t_load_key(skeyf ? skeyf : keyf);
		if (!c.signer || !c.skey)
			die("cannot read the signer");
	} else {
		c.skey = c.key;
		EVP_PKEY_up_ref(c.key);
		if (scep_selfsigned(c.key, "scepreq.test", SCEP_SHA256, time(NULL), &c.signer, &err) < 0)
			die(err.text);
	}
	recipient = recipf ? t_load_cert(recipf) : c.ca;
	if (!recipient)
		die("cannot read the recipient certificate");
	if (!c.tid) {
		unsigned char r[16];
		int i;
		if (RAND_bytes(r, sizeof r) != 1)
			die("no randomness");
		for (i = 0; i < 16; i++)
			sprintf(tidbuf + 2 * i, "%02X", r[i]);
		c.tid = tidbuf;
	}
	subj = X509_NAME_new();
	if (!subj || !X509_NAME_add_entry_by_txt(subj, "CN", MBSTRING_ASC, (const unsigned char *)cn,
						 -1, -1, 0))
		die("bad CN");
	memset(&cs, 0, sizeof cs);
	cs.key = c.key;
	cs.subject = subj;
	cs.challenge = pw;
	if (scep_csr_build(&cs, &csr, &err) < 0)
		die(err.text);
	memset(&rq, 0, sizeof rq);
	rq.type = type;
	rq.transaction_id = c.tid;
	rq.recipient = recipient;
	rq.signer = c.signer;
	rq.key = c.skey;
	rq.csr = csr;
	rq.issuer = X509_get_subject_name(c.ca);
	rq.subject = subj;
	if (serial) {
		if (!BN_hex2bn(&bn, serial) || !(sn = BN_to_ASN1_INTEGER(bn, NULL)))
			die("bad serial");
		rq.serial = sn;
	}

	if (strcmp(mut, "wrong-type") == 0 || strcmp(mut, "bad-content") == 0 ||
	    strcmp(mut, "long-tid") == 0) {
		unsigned char junk[512];
		const unsigned char *data = junk;
		size_t dlen = sizeof junk;
		char longtid[301];
		if (RAND_bytes(nonce, sizeof nonce) != 1 || RAND_bytes(junk, sizeof junk) != 1)
			die("no randomness");
		if (strcmp(mut, "bad-content") != 0) {
			if ((n = i2d_X509_REQ(csr, &csrder)) <= 0)
				die("cannot encode the CSR");
			data = csrder;
			dlen = (size_t)n;
		}
		if (strcmp(mut, "long-tid") == 0) {
			memset(longtid, 'A', 300);
			longtid[300] = '\0';
			c.tid = longtid;
		}
		der = raw_build(recipient, c.signer, c.skey, data, dlen, c.tid,
				strcmp(mut, "wrong-type") == 0 ? mtype : "19", nonce, &len);
		if (strcmp(mut, "long-tid") == 0)
			c.tid = tidbuf;
	} else if (scep_request_build(&rq, nonce, &der, &len, &err) < 0) {
		die(err.text);
	}
	if (derout) {
		FILE *f = fopen(derout, "wb");
		if (!f || fwrite(der, 1, len, f) != len)
			die("cannot write the request");
		fclose(f);
	}

	if (strcmp(mut, "none") == 0 || strcmp(mut, "wrong-type") == 0 ||
	    strcmp(mut, "bad-content") == 0 || strcmp(mut, "long-tid") == 0) {
		rc = exchange(&c, der, len, nonce);
	} else if (strcmp(mut, "replay") == 0) {
		rc = exchange(&c, der, len, nonce);
		if (rc == 0)
			rc = exchange(&c, der, len, nonce);
	} else if (strcmp(mut, "truncate") == 0) {
		rc = exchange(&c, der, len / 2, nonce);
	} else if (strcmp(mut, "garbage") == 0) {
		if (RAND_bytes(der, (int)len) != 1)
			die("no randomness");
		rc = exchange(&c, der, len, nonce);
	} else if (strcmp(mut, "bad-signature") == 0) {
		break_signature(der, len);
		rc = exchange(&c, der, len, nonce);
	} else if (strcmp(mut, "oversized") == 0) {
		unsigned char *big = OPENSSL_zalloc(SCEP_MAX_MSG + 1024);
		if (!big)
			die("out of memory");
		memcpy(big, der, len);
		rc = exchange(&c, big, SCEP_MAX_MSG + 1024, nonce);
		OPENSSL_free(big);
	} else {
		die("unknown mutation");
	}
	OPENSSL_free(der);
	OPENSSL_free(csrder);
	X509_REQ_free(csr);
	X509_NAME_free(subj);
	ASN1_INTEGER_free(sn);
	BN_free(bn);
	if (recipient != c.ca)
		X509_free(recipient);
	X509_free(c.ca);
	X509_free(c.signer);
	EVP_PKEY_free(c.skey);
	EVP_PKEY_free(c.key);
	return rc < 0 ? 1 : 0;
}

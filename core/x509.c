/*
 * x509.c — certificates as pkish shows and builds them (contract: pki.h
 * "certificates", pki_int.h "x509.c"; spec §1.3, §5.0, §5.5).
 *
 * Views are computed from the DER (fingerprints over the whole encoding).
 * Distinguished names follow the IOS display rules: display order is the
 * reverse of the DER order, keys print lower case (cn, ou, o, c, l, st)
 * except serialNumber, unstructuredName prints as "hostname" and
 * unstructuredAddress as "ipaddress", and the attributes of a multi-valued
 * RDN are joined with '+' in DER SET order.  Values are shown escaped
 * (text.h): a DN comes from a client or a certificate, and every text
 * form here is for display, so no value can break a line of `show` or
 * reach the terminal as a control sequence (records on disk keep the DER:
 * cs_rec.c).  IOS DN strings are parsed the
 * other way round (text order reversed into DER order); values go into a
 * PrintableString when their characters allow it, as the IOS CA does.
 *
 * The builders make the certificates of the certificate server: the CA
 * certificate (BasicConstraints, KeyUsage 86, AKI, SKI — in that order, as
 * the seed's CA certificate) and end-entity certificates (KeyUsage A0,
 * SubjectAltName copied from the request, AKI, SKI, optional CDP).  All
 * helpers here are pure: no device state, safe without the lock.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <openssl/bn.h>
#include <openssl/err.h>
#include <openssl/pem.h>

#include "core/pki_int.h"
#include "core/text.h"

/* ---- small helpers ------------------------------------------------------- */

void pki_hex(const unsigned char *b, size_t len, size_t group, char *out)
{
	static const char hx[] = "0123456789ABCDEF";
	size_t i, o = 0;

	for (i = 0; i < len; i++) {
		if (group && i && i % group == 0)
			out[o++] = ' ';
		out[o++] = hx[b[i] >> 4];
		out[o++] = hx[b[i] & 15];
	}
	out[o] = '\0';
}

int pki_md5_hex(const unsigned char *b, size_t len, char out[33])
{
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int mdlen = 0;

	if (!EVP_Digest(b, len, md, &mdlen, EVP_md5(), NULL) || mdlen != 16) {
		out[0] = '\0';
		return pk_err_ossl(PK_ECRYPTO, "MD5 failed");
	}
	pki_hex(md, 16, 0, out);
	return 0;
}

tmr_ms pki_time_ms(const ASN1_TIME *t)
{
	struct tm tm;

	if (!t || !ASN1_TIME_to_tm(t, &tm))
		return 0;
	return tmr_from_civil(tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday,
			      tm.tm_hour, tm.tm_min, tm.tm_sec);
}

/* UTCTime through 2049, GeneralizedTime after (RFC 5280 §4.1.2.5). */
ASN1_TIME *pki_time_asn1(tmr_ms t)
{
	return ASN1_TIME_set(NULL, (time_t)(pki_floor_sec(t) / TMR_SEC));
}

const EVP_MD *pki_md(const char *name)
{
	if (!name || !*name || strcmp(name, "md5") == 0)
		return EVP_md5();
	if (strcmp(name, "sha1") == 0)
		return EVP_sha1();
	if (strcmp(name, "sha256") == 0)
		return EVP_sha256();
	if (strcmp(name, "sha384") == 0)
		return EVP_sha384();
	if (strcmp(name, "sha512") == 0)
		return EVP_sha512();
	return NULL;
}

int pki_cert_serial(const X509 *c, uint64_t *out)
{
	const ASN1_INTEGER *s = X509_get0_serialNumber(c);

	if (!s || !ASN1_INTEGER_get_uint64(out, s)) {
		ERR_clear_error();
		return pk_err_set(PK_EINVAL, "serial number out of range");
	}
	return 0;
}

int pki_parse_serial(const char *s, uint64_t *out)
{
	uint64_t v = 0;
	int digits = 0;

	while (*s == ' ')
		s++;
	if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X'))
		s += 2;
	for (; *s; s++, digits++) {
		int d;
		if (*s >= '0' && *s <= '9')
			d = *s - '0';
		else if (*s >= 'a' && *s <= 'f')
			d = *s - 'a' + 10;
		else if (*s >= 'A' && *s <= 'F')
			d = *s - 'A' + 10;
		else
			return pk_err_set(PK_EINVAL, "invalid serial number");
		if (v >> 60)
			return pk_err_set(PK_EINVAL, "serial number too large");
		v = v << 4 | (uint64_t)d;
	}
	if (!digits)
		return pk_err_set(PK_EINVAL, "invalid serial number");
	*out = v;
	return 0;
}

/* ---- distinguished names: display ------------------------------------------ */

/* The key as IOS prints it. */
static const char *dn_key(int nid, char *buf, size_t n)
{
	size_t i;

	switch (nid) {
	case NID_commonName:                return "cn";
	case NID_organizationalUnitName:    return "ou";
	case NID_organizationName:          return "o";
	case NID_countryName:               return "c";
	case NID_localityName:              return "l";
	case NID_stateOrProvinceName:       return "st";
	case NID_serialNumber:              return "serialNumber";
	case NID_pkcs9_unstructuredName:    return "hostname";
	case NID_pkcs9_unstructuredAddress: return "ipaddress";
	case NID_pkcs9_emailAddress:        return "ea";
	case NID_domainComponent:           return "dc";
	case NID_streetAddress:             return "street";
	case NID_title:                     return "t";
	}
	if (nid != NID_undef && OBJ_nid2sn(nid)) {
		snprintf(buf, n, "%s", OBJ_nid2sn(nid));
		for (i = 0; buf[i]; i++)
			buf[i] = (char)tolower((unsigned char)buf[i]);
		return buf;
	}
	return NULL;
}

struct sb {
	char *p;
	size_t n, len;
};

static void sb_add(struct sb *b, const char *s, size_t len)
{
	size_t room;

	if (b->n == 0)
		return;
	room = b->n - 1 - b->len;
	if (len > room)
		len = room;
	memcpy(b->p + b->len, s, len);
	b->len += len;
	b->p[b->len] = '\0';
}

/* A value from a certificate or a request, as it may be shown: control
 * characters and bytes that are not UTF-8 escaped (text.h), so that one
 * value stays one field on one line — whatever a client put in it, it
 * cannot start a line of `show` output, move the cursor or ring the bell.
 * Cut before an escape or a character that does not fit whole. */
static void sb_visible(struct sb *b, const char *s, size_t len)
{
	if (b->n == 0)
		return;
	pk_visible(b->p + b->len, b->n - b->len, s, len, 0);
	b->len += strlen(b->p + b->len);
}

/* The text of a DN value (UTF-8), shown: a string whose type does not
 * convert (a UTF8String that is not UTF-8) shows its bytes escaped. */
static void sb_value(struct sb *b, const ASN1_STRING *v)
{
	unsigned char *utf = NULL;
	int len = ASN1_STRING_to_UTF8(&utf, v);

	if (len >= 0) {
		sb_visible(b, (const char *)utf, (size_t)len);
	} else {
		ERR_clear_error();
		sb_visible(b, (const char *)ASN1_STRING_get0_data(v), (size_t)ASN1_STRING_length(v));
	}
	OPENSSL_free(utf);
}

static void sb_str(struct sb *b, const char *s)
{
	sb_add(b, s, strlen(s));
}

/* "key=value" of one attribute. */
static void dn_ava(struct sb *b, const X509_NAME_ENTRY *e)
{
	const ASN1_OBJECT *obj = X509_NAME_ENTRY_get_object(e);
	char kbuf[80];
	const char *k = dn_key(OBJ_obj2nid(obj), kbuf, sizeof kbuf);

	if (!k) {
		OBJ_obj2txt(kbuf, sizeof kbuf, obj, 1);
		k = kbuf;
	}
	sb_str(b, k);
	sb_str(b, "=");
	sb_value(b, X509_NAME_ENTRY_get_data(e));
}

void pki_dn_format(const X509_NAME *n, int form, char *buf, size_t size)
{
	struct sb b = { buf, size, 0 };
	const char *sep = form == PKI_DN_LINES ? "\n" : form == PKI_DN_COMMA ? "," : " ";
	int cnt, i, first = 1;

	if (size)
		buf[0] = '\0';
	if (!n)
		return;
	cnt = X509_NAME_entry_count(n);
	/* RDNs from the last (most specific) to the first; inside an RDN the
	 * attributes in their DER SET order. */
	i = cnt - 1;
	while (i >= 0) {
		int set = X509_NAME_ENTRY_set(X509_NAME_get_entry(n, i));
		int start = i, j;

		while (start > 0 && X509_NAME_ENTRY_set(X509_NAME_get_entry(n, start - 1)) == set)
			start--;
		if (!first)
			sb_str(&b, sep);
		first = 0;
		for (j = start; j <= i; j++) {
			if (j > start)
				sb_str(&b, "+");
			dn_ava(&b, X509_NAME_get_entry(n, j));
		}
		i = start - 1;
	}
}

/* The value of the first attribute `nid` in display order. */
static void dn_value(const X509_NAME *n, int nid, char *buf, size_t size)
{
	int i;

	struct sb b = { buf, size, 0 };

	buf[0] = '\0';
	for (i = X509_NAME_entry_count(n) - 1; i >= 0; i--) {
		const X509_NAME_ENTRY *e = X509_NAME_get_entry(n, i);

		if (OBJ_obj2nid(X509_NAME_ENTRY_get_object(e)) != nid)
			continue;
		sb_value(&b, X509_NAME_ENTRY_get_data(e));
		return;
	}
}

/* ---- distinguished names: parsing ------------------------------------------ */

struct dn_attr {
	const char *key;
	int nid;
};

static const struct dn_attr dn_attrs[] = {
	{ "cn", NID_commonName }, { "ou", NID_organizationalUnitName },
	{ "o", NID_organizationName }, { "c", NID_countryName },
	{ "l", NID_localityName }, { "st", NID_stateOrProvinceName },
	{ "sp", NID_stateOrProvinceName },
	{ "serialnumber", NID_serialNumber },
	{ "e", NID_pkcs9_emailAddress }, { "ea", NID_pkcs9_emailAddress },
	{ "email", NID_pkcs9_emailAddress }, { "emailaddress", NID_pkcs9_emailAddress },
	{ "hostname", NID_pkcs9_unstructuredName },
	{ "unstructuredname", NID_pkcs9_unstructuredName },
	{ "ipaddress", NID_pkcs9_unstructuredAddress },
	{ "unstructuredaddress", NID_pkcs9_unstructuredAddress },
	{ "dc", NID_domainComponent }, { "street", NID_streetAddress },
	{ "t", NID_title }, { "title", NID_title },
	{ "gn", NID_givenName }, { "givenname", NID_givenName },
	{ "surname", NID_surname }, { "dnqualifier", NID_dnQualifier },
	{ "uid", NID_userId }, { "pseudonym", NID_pseudonym },
};

/* The NID of an attribute key, NID_undef if unknown. */
static int dn_nid(const char *key, size_t len)
{
	char k[64];
	size_t i;

	if (len == 0 || len >= sizeof k)
		return NID_undef;
	for (i = 0; i < len; i++)
		k[i] = (char)tolower((unsigned char)key[i]);
	k[len] = '\0';
	for (i = 0; i < sizeof dn_attrs / sizeof dn_attrs[0]; i++)
		if (strcmp(dn_attrs[i].key, k) == 0)
			return dn_attrs[i].nid;
	memcpy(k, key, len);            /* OpenSSL names and dotted OIDs, as typed */
	return OBJ_txt2nid(k);
}

static int printable(const char *s, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];
		if (!isalnum(c) && !strchr(" '()+,-./:=?", c))
			return 0;
		if (c >= 0x80)
			return 0;
	}
	return 1;
}

static int ascii(const char *s, size_t len)
{
	size_t i;
	for (i = 0; i < len; i++)
		if ((unsigned char)s[i] >= 0x80)
			return 0;
	return 1;
}

/* Value type: IA5String for e-mail, domain components and unstructuredName
 * (PKCS #9's own string type), PrintableString when the characters allow,
 * else UTF8String. */
static int dn_type(int nid, const char *v, size_t len)
{
	if (nid == NID_pkcs9_emailAddress || nid == NID_domainComponent ||
	    nid == NID_pkcs9_unstructuredName)
		return ascii(v, len) ? V_ASN1_IA5STRING : V_ASN1_UTF8STRING;
	return printable(v, len) ? V_ASN1_PRINTABLESTRING : V_ASN1_UTF8STRING;
}

/* Does `s` start an attribute ("key=")? */
static int starts_ava(const char *s)
{
	const char *e;

	while (*s == ' ')
		s++;
	e = s;
	while (*e && (isalnum((unsigned char)*e) || *e == '.' || *e == '-'))
		e++;
	while (*e == ' ')
		e++;
	if (*e != '=')
		return 0;
	e = s;
	while (*e && (isalnum((unsigned char)*e) || *e == '.' || *e == '-'))
		e++;
	return dn_nid(s, (size_t)(e - s)) != NID_undef;
}

/* One attribute "key=value" (value unescaped into val). */
struct ava {
	int nid;
	char val[512];
	size_t len;
};

/* Split the DN text into RDNs (',' separated) of AVAs ('+' separated, only
 * when another "key=" follows).  Backslash escapes the next character;
 * double quotes protect ',' and '+'. */
static int dn_split(const char *dn, struct ava **avas, int **rdn_of, int *navas)
{
	struct ava *a = NULL;
	int *r = NULL;
	int n = 0, cap = 0, rdn = 0, rc = PK_EINVAL;
	const char *s = dn;

	while (*s == ' ')
		s++;
	if (!*s)
		return pk_err_set(PK_EINVAL, "empty distinguished name");
	for (;;) {
		const char *k, *ke;
		struct ava *cur;
		int quoted = 0;

		while (*s == ' ')
			s++;
		k = s;
		while (*s && *s != '=' && *s != ',' && *s != '+')
			s++;
		if (*s != '=') {
			pk_err_set(PK_EINVAL, "%s: missing '=' in the distinguished name", dn);
			goto out;
		}
		ke = s;
		while (ke > k && ke[-1] == ' ')
			ke--;
		if (n == cap) {
			int nc = cap ? cap * 2 : 8;
			struct ava *na = realloc(a, (size_t)nc * sizeof *a);
			int *nr = na ? realloc(r, (size_t)nc * sizeof *r) : NULL;
			if (na)
				a = na;
			if (!na || !nr) {
				rc = pk_err_set(PK_ENOMEM, "out of memory");
				goto out;
			}
			r = nr;
			cap = nc;
		}
		cur = &a[n];
		cur->nid = dn_nid(k, (size_t)(ke - k));
		if (cur->nid == NID_undef) {
			pk_err_set(PK_EINVAL, "%.*s: unknown attribute in the distinguished name",
				   (int)(ke - k), k);
			goto out;
		}
		cur->len = 0;
		s++;
		while (*s == ' ')
			s++;
		for (; *s; s++) {
			char c = *s;
			if (c == '"') {
				quoted = !quoted;
				continue;
			}
			if (c == '\\' && s[1]) {
				c = *++s;
			} else if (!quoted && c == ',') {
				break;
			} else if (!quoted && c == '+' && starts_ava(s + 1)) {
				break;
			}
			if (cur->len + 1 >= sizeof cur->val) {
				pk_err_set(PK_EINVAL, "distinguished name value too long");
				goto out;
			}
			cur->val[cur->len++] = c;
		}
		while (cur->len && cur->val[cur->len - 1] == ' ')
			cur->len--;
		cur->val[cur->len] = '\0';
		if (cur->len == 0) {
			pk_err_set(PK_EINVAL, "%s: empty value in the distinguished name", dn);
			goto out;
		}
		r[n++] = rdn;
		if (!*s)
			break;
		if (*s == ',')
			rdn++;
		s++;
	}
	*avas = a;
	*rdn_of = r;
	*navas = n;
	return 0;
out:
	free(a);
	free(r);
	return rc;
}

int pki_dn_parse(const char *dn, X509_NAME **out)
{
	struct ava *a = NULL;
	int *rdn = NULL, n = 0, i, rc;
	X509_NAME *name = NULL, *norm = NULL;
	unsigned char *der = NULL;
	const unsigned char *pp;
	int derlen;

	*out = NULL;
	rc = dn_split(dn, &a, &rdn, &n);
	if (rc < 0)
		return rc;
	name = X509_NAME_new();
	if (!name) {
		rc = pk_err_set(PK_ENOMEM, "out of memory");
		goto out;
	}
	/* DER order is the reverse of the text order: walk the RDNs backwards;
	 * the attributes of one RDN go into one SET (set -1 = the previous). */
	i = n - 1;
	while (i >= 0) {
		int start = i, j;

		while (start > 0 && rdn[start - 1] == rdn[i])
			start--;
		for (j = start; j <= i; j++) {
			if (!X509_NAME_add_entry_by_NID(name, a[j].nid,
							dn_type(a[j].nid, a[j].val, a[j].len),
							(const unsigned char *)a[j].val, (int)a[j].len,
							-1, j == start ? 0 : -1)) {
				rc = pk_err_ossl(PK_EINVAL, "%s: invalid distinguished name", dn);
				goto out;
			}
		}
		i = start - 1;
	}
	/* Round trip through DER so a multi-valued RDN is held in DER SET
	 * order, the order show prints it in. */
	derlen = i2d_X509_NAME(name, &der);
	pp = der;
	if (derlen <= 0 || !(norm = d2i_X509_NAME(NULL, &pp, derlen))) {
		rc = pk_err_ossl(PK_ECRYPTO, "cannot encode the distinguished name");
		goto out;
	}
	*out = norm;
	norm = NULL;
	rc = 0;
out:
	OPENSSL_free(der);
	X509_NAME_free(name);
	X509_NAME_free(norm);
	free(a);
	free(rdn);
	return rc;
}

int pk_dn_check(const char *dn)
{
	X509_NAME *n = NULL;
	int rc = pki_dn_parse(dn, &n);

	X509_NAME_free(n);
	return rc;
}

/* ---- certificate view -------------------------------------------------------- */

static void hex_serial(const ASN1_INTEGER *ai, char *padded, size_t pn, char *plain, size_t qn)
{
	BIGNUM *bn = ai ? ASN1_INTEGER_to_BN(ai, NULL) : NULL;
	char *h = bn ? BN_bn2hex(bn) : NULL;
	const char *s = h ? h : "0";
	int neg = s[0] == '-';

	if (neg)
		s++;
	while (s[0] == '0' && s[1])
		s++;
	snprintf(plain, qn, "%s%s", neg ? "-" : "", s);
	snprintf(padded, pn, "%s%s%s", neg ? "-" : "", strlen(s) % 2 ? "0" : "", s);
	OPENSSL_free(h);
	BN_free(bn);
	ERR_clear_error();
}

static const char *sig_name(int nid, char *buf, size_t n)
{
	switch (nid) {
	case NID_md5WithRSAEncryption:    return "MD5 with RSA Encryption";
	case NID_sha1WithRSAEncryption:   return "SHA1 with RSA Encryption";
	case NID_sha224WithRSAEncryption: return "SHA224 with RSA Encryption";
	case NID_sha256WithRSAEncryption: return "SHA256 with RSA Encryption";
	case NID_sha384WithRSAEncryption: return "SHA384 with RSA Encryption";
	case NID_sha512WithRSAEncryption: return "SHA512 with RSA Encryption";
	}
	snprintf(buf, n, "%s", nid != NID_undef ? OBJ_nid2ln(nid) : "unknown");
	return buf;
}

static void grouped(const ASN1_OCTET_STRING *os, char *buf, size_t n)
{
	char tmp[3 * 64 + 1];
	size_t len = os ? (size_t)ASN1_STRING_length(os) : 0;

	buf[0] = '\0';
	if (!os || len == 0)
		return;
	if (len > 64)
		len = 64;
	pki_hex(ASN1_STRING_get0_data(os), len, 4, tmp);
	if (strlen(tmp) < n)
		memcpy(buf, tmp, strlen(tmp) + 1);
}

int pk_cert_view(const struct x509_st *c, struct pk_cert_view *v)
{
	X509 *x = (X509 *)c;
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int mdlen;
	const X509_ALGOR *alg;
	const ASN1_OBJECT *aobj;
	BASIC_CONSTRAINTS *bc;
	ASN1_BIT_STRING *ku;
	ASN1_OCTET_STRING *ski;
	AUTHORITY_KEYID *akid;
	CRL_DIST_POINTS *cdps;
	EVP_PKEY *pub;
	char buf[128];
	int i, crit;

	memset(v, 0, sizeof *v);
	if (!x)
		return pk_err_set(PK_EINVAL, "no certificate");
	hex_serial(X509_get0_serialNumber(x), v->serial, sizeof v->serial,
		   v->serial_plain, sizeof v->serial_plain);
	v->not_before = pki_time_ms(X509_get0_notBefore(x));
	v->not_after = pki_time_ms(X509_get0_notAfter(x));
	if (!X509_digest(x, EVP_md5(), md, &mdlen))
		return pk_err_ossl(PK_ECRYPTO, "cannot compute the fingerprint");
	pki_hex(md, mdlen, 4, v->md5);
	pki_hex(md, mdlen, 0, v->md5_plain);
	if (!X509_digest(x, EVP_sha1(), md, &mdlen))
		return pk_err_ossl(PK_ECRYPTO, "cannot compute the fingerprint");
	pki_hex(md, mdlen, 4, v->sha1);
	pki_hex(md, mdlen, 0, v->sha1_plain);

	pki_dn_format(X509_get_subject_name(x), PKI_DN_LINES, v->subject_lines, sizeof v->subject_lines);
	pki_dn_format(X509_get_issuer_name(x), PKI_DN_LINES, v->issuer_lines, sizeof v->issuer_lines);
	pki_dn_format(X509_get_subject_name(x), PKI_DN_COMMA, v->subject_comma, sizeof v->subject_comma);
	pki_dn_format(X509_get_issuer_name(x), PKI_DN_COMMA, v->issuer_comma, sizeof v->issuer_comma);
	pki_dn_format(X509_get_subject_name(x), PKI_DN_SPACE, v->subject_space, sizeof v->subject_space);
	pki_dn_format(X509_get_issuer_name(x), PKI_DN_SPACE, v->issuer_space, sizeof v->issuer_space);
	dn_value(X509_get_subject_name(x), NID_commonName, v->cn, sizeof v->cn);
	dn_value(X509_get_subject_name(x), NID_pkcs9_unstructuredName, v->hostname, sizeof v->hostname);
	dn_value(X509_get_subject_name(x), NID_pkcs9_unstructuredAddress, v->ipaddr, sizeof v->ipaddr);
	dn_value(X509_get_subject_name(x), NID_serialNumber, v->serialnumber, sizeof v->serialnumber);

	bc = X509_get_ext_d2i(x, NID_basic_constraints, &crit, NULL);
	v->is_ca = bc && bc->ca;
	BASIC_CONSTRAINTS_free(bc);
	pub = X509_get0_pubkey(x);
	if (pub) {
		v->bits = EVP_PKEY_get_bits(pub);
	} else {
		/* a certificate signed here and not parsed back: decode its key */
		unsigned char *der = NULL;
		const unsigned char *pp;
		int n = i2d_X509_PUBKEY(X509_get_X509_PUBKEY(x), &der);
		EVP_PKEY *k = NULL;

		pp = der;
		if (n > 0)
			k = d2i_PUBKEY(NULL, &pp, n);
		v->bits = k ? EVP_PKEY_get_bits(k) : 0;
		EVP_PKEY_free(k);
		OPENSSL_free(der);
	}
	X509_get0_signature(NULL, &alg, x);
	X509_ALGOR_get0(&aobj, NULL, NULL, alg);
	snprintf(v->sig_alg, sizeof v->sig_alg, "%.63s", sig_name(OBJ_obj2nid(aobj), buf, sizeof buf));

	ku = X509_get_ext_d2i(x, NID_key_usage, &crit, NULL);
	if (ku) {
		int n = ASN1_STRING_length(ku);
		const unsigned char *d = ASN1_STRING_get0_data(ku);
		v->has_key_usage = 1;
		for (i = 0; i < 4; i++)
			v->key_usage = v->key_usage << 8 | (i < n ? d[i] : 0u);
		ASN1_BIT_STRING_free(ku);
	}
	ski = X509_get_ext_d2i(x, NID_subject_key_identifier, &crit, NULL);
	grouped(ski, v->ski, sizeof v->ski);
	ASN1_OCTET_STRING_free(ski);
	akid = X509_get_ext_d2i(x, NID_authority_key_identifier, &crit, NULL);
	if (akid)
		grouped(akid->keyid, v->aki, sizeof v->aki);
	AUTHORITY_KEYID_free(akid);
	cdps = X509_get_ext_d2i(x, NID_crl_distribution_points, &crit, NULL);
	for (i = 0; cdps && i < sk_DIST_POINT_num(cdps) && !v->cdp[0]; i++) {
		DIST_POINT *dp = sk_DIST_POINT_value(cdps, i);
		int j;
		if (!dp->distpoint || dp->distpoint->type != 0)
			continue;
		for (j = 0; j < sk_GENERAL_NAME_num(dp->distpoint->name.fullname); j++) {
			GENERAL_NAME *gn = sk_GENERAL_NAME_value(dp->distpoint->name.fullname, j);
			if (gn->type == GEN_URI) {
				/* the certificate's text, shown like a DN value */
				pk_visible(v->cdp, sizeof v->cdp,
					   (const char *)ASN1_STRING_get0_data(gn->d.uniformResourceIdentifier),
					   (size_t)ASN1_STRING_length(gn->d.uniformResourceIdentifier), 0);
				break;
			}
		}
	}
	CRL_DIST_POINTS_free(cdps);
	v->self_signed = X509_self_signed(x, 0) == 1;
	ERR_clear_error();
	return 0;
}

int pk_cert_der(const struct x509_st *c, unsigned char **der, size_t *len)
{
	unsigned char *buf = NULL;
	int n = i2d_X509((X509 *)c, &buf);

	*der = NULL;
	*len = 0;
	if (n <= 0)
		return pk_err_ossl(PK_ECRYPTO, "cannot encode the certificate");
	/* hand out malloc'd memory, as the contract says */
	*der = malloc((size_t)n);
	if (!*der) {
		OPENSSL_free(buf);
		return pk_err_set(PK_ENOMEM, "out of memory");
	}
	memcpy(*der, buf, (size_t)n);
	OPENSSL_free(buf);
	*len = (size_t)n;
	return 0;
}

int pk_cert_parse(const unsigned char *buf, size_t len, struct x509_st **out)
{
	X509 *x = NULL;

	*out = NULL;
	if (len >= 10 && memcmp(buf, "-----BEGIN", 10) == 0) {
		BIO *b = BIO_new_mem_buf(buf, (int)len);
		if (b)
			x = PEM_read_bio_X509(b, NULL, NULL, NULL);
		BIO_free(b);
	} else {
		const unsigned char *p = buf;
		x = d2i_X509(NULL, &p, (long)len);
		if (x && p != buf + len) {
			X509_free(x);
			x = NULL;
		}
	}
	if (!x)
		return pk_err_ossl(PK_EINVAL, "not a valid certificate");
	*out = x;
	return 0;
}

void pk_cert_storage_name(const struct x509_st *c, char *buf, size_t n)
{
	struct pk_cert_view *v = malloc(sizeof *v);
	const char *cn;

	if (!v || pk_cert_view(c, v) < 0) {
		snprintf(buf, n, "cert.cer");
		free(v);
		return;
	}
	cn = v->cn[0] ? v->cn : v->hostname[0] ? v->hostname : "cert";
	snprintf(buf, n, "%.12s#%s%s.cer", cn, v->serial_plain, v->is_ca ? "CA" : "");
	free(v);
}

char *pk_hex_lines(const unsigned char *der, size_t len, const char *indent)
{
	size_t ind = strlen(indent), lines = (len + 31) / 32;
	size_t cap = lines * (ind + 8 * 9 + 1) + 1, o = 0, i;
	char *s = malloc(cap);

	if (!s)
		return NULL;
	for (i = 0; i < len; i += 32) {
		size_t j, end = i + 32 < len ? i + 32 : len;
		memcpy(s + o, indent, ind);
		o += ind;
		for (j = i; j < end; j += 4) {
			size_t g = end - j < 4 ? end - j : 4;
			if (j > i)
				s[o++] = ' ';
			pki_hex(der + j, g, 0, s + o);
			o += 2 * g;
		}
		s[o++] = '\n';
	}
	s[o] = '\0';
	return s;
}

/* ---- building certificates and CRLs ------------------------------------------ */

static int add_ext(X509 *x, int nid, void *value, int crit)
{
	if (X509_add1_ext_i2d(x, nid, value, crit, X509V3_ADD_APPEND) != 1)
		return pk_err_ossl(PK_ECRYPTO, "cannot add the %s extension", OBJ_nid2sn(nid));
	return 0;
}

static int add_key_usage(X509 *x, int ca)
{
	ASN1_BIT_STRING *ku = ASN1_BIT_STRING_new();
	int rc;

	if (!ku)
		return pk_err_set(PK_ENOMEM, "out of memory");
	/* bit 0 digitalSignature, 2 keyEncipherment, 5 keyCertSign, 6 cRLSign */
	if (!ASN1_BIT_STRING_set_bit(ku, 0, 1) ||
	    (ca && (!ASN1_BIT_STRING_set_bit(ku, 5, 1) || !ASN1_BIT_STRING_set_bit(ku, 6, 1))) ||
	    (!ca && !ASN1_BIT_STRING_set_bit(ku, 2, 1)))
		rc = pk_err_ossl(PK_ECRYPTO, "cannot build the key usage");
	else
		rc = add_ext(x, NID_key_usage, ku, 1);
	ASN1_BIT_STRING_free(ku);
	return rc;
}

/* AKI (the issuer's key id, or our own for a self-signed certificate) and
 * SKI: SHA-1 of the subject public key bit string (RFC 5280 method 1). */
static int add_key_ids(X509 *x, const unsigned char *aki, size_t aki_len)
{
	unsigned char id[EVP_MAX_MD_SIZE];
	unsigned int idlen = 0;
	AUTHORITY_KEYID *akid = AUTHORITY_KEYID_new();
	ASN1_OCTET_STRING *ski = ASN1_OCTET_STRING_new();
	int rc;

	if (!akid || !ski || !(akid->keyid = ASN1_OCTET_STRING_new())) {
		rc = pk_err_set(PK_ENOMEM, "out of memory");
		goto out;
	}
	if (!X509_pubkey_digest(x, EVP_sha1(), id, &idlen) ||
	    !ASN1_OCTET_STRING_set(akid->keyid, aki ? aki : id, aki ? (int)aki_len : (int)idlen) ||
	    !ASN1_OCTET_STRING_set(ski, id, (int)idlen)) {
		rc = pk_err_ossl(PK_ECRYPTO, "cannot build the key identifiers");
		goto out;
	}
	rc = add_ext(x, NID_authority_key_identifier, akid, 0);
	if (rc == 0)
		rc = add_ext(x, NID_subject_key_identifier, ski, 0);
out:
	AUTHORITY_KEYID_free(akid);
	ASN1_OCTET_STRING_free(ski);
	return rc;
}

/* Put a copy of an existing SubjectPublicKeyInfo into the certificate,
 * without the decode/encode round trip X509_set_pubkey makes. */
static int copy_spki(X509 *x, const X509_PUBKEY *src)
{
	ASN1_OBJECT *obj = NULL;
	const ASN1_OBJECT *aobj;
	const unsigned char *bits;
	const void *pval;
	void *pv = NULL;
	unsigned char *b = NULL;
	X509_ALGOR *alg;
	int len, ptype;

	if (!X509_PUBKEY_get0_param(NULL, &bits, &len, &alg, (X509_PUBKEY *)src))
		return pk_err_ossl(PK_EINVAL, "the request has no usable public key");
	X509_ALGOR_get0(&aobj, &ptype, &pval, alg);
	obj = OBJ_dup(aobj);
	if (ptype == V_ASN1_OBJECT)
		pv = OBJ_dup(pval);
	else if (ptype != V_ASN1_NULL && ptype != V_ASN1_UNDEF && pval)
		pv = ASN1_STRING_dup(pval);
	b = len > 0 ? OPENSSL_memdup(bits, (size_t)len) : NULL;
	if (!obj || (pval && ptype != V_ASN1_NULL && ptype != V_ASN1_UNDEF && !pv) ||
	    (len > 0 && !b) ||
	    !X509_PUBKEY_set0_param(X509_get_X509_PUBKEY(x), obj, ptype, pv, b, len)) {
		ASN1_OBJECT_free(obj);
		if (ptype == V_ASN1_OBJECT)
			ASN1_OBJECT_free(pv);
		else
			ASN1_STRING_free(pv);
		OPENSSL_free(b);
		return pk_err_ossl(PK_ECRYPTO, "cannot copy the public key");
	}
	return 0;
}

static int add_cdp(X509 *x, const char *uri)
{
	CRL_DIST_POINTS *cdps = CRL_DIST_POINTS_new();
	DIST_POINT *dp = DIST_POINT_new();
	GENERAL_NAME *gn = GENERAL_NAME_new();
	ASN1_IA5STRING *ia5 = ASN1_IA5STRING_new();
	int rc = PK_ENOMEM;

	if (!cdps || !dp || !gn || !ia5 || !(dp->distpoint = DIST_POINT_NAME_new()) ||
	    !(dp->distpoint->name.fullname = GENERAL_NAMES_new()) ||
	    !ASN1_STRING_set(ia5, uri, (int)strlen(uri))) {
		rc = pk_err_set(PK_ENOMEM, "out of memory");
		goto out;
	}
	dp->distpoint->type = 0;
	GENERAL_NAME_set0_value(gn, GEN_URI, ia5);
	ia5 = NULL;
	if (!sk_GENERAL_NAME_push(dp->distpoint->name.fullname, gn)) {
		rc = pk_err_set(PK_ENOMEM, "out of memory");
		goto out;
	}
	gn = NULL;
	if (!sk_DIST_POINT_push(cdps, dp)) {
		rc = pk_err_set(PK_ENOMEM, "out of memory");
		goto out;
	}
	dp = NULL;
	rc = add_ext(x, NID_crl_distribution_points, cdps, 0);
out:
	ASN1_IA5STRING_free(ia5);
	GENERAL_NAME_free(gn);
	DIST_POINT_free(dp);
	CRL_DIST_POINTS_free(cdps);
	return rc;
}

int pki_cert_build(const struct pki_certspec *s, X509 **out)
{
	X509 *x = X509_new();
	ASN1_INTEGER *serial = ASN1_INTEGER_new();
	ASN1_TIME *nb = pki_time_asn1(s->nb), *na = pki_time_asn1(s->na);
	BASIC_CONSTRAINTS *bc = NULL;
	int rc = PK_ECRYPTO, i;

	*out = NULL;
	if (!x || !serial || !nb || !na) {
		rc = pk_err_set(PK_ENOMEM, "out of memory");
		goto out;
	}
	if (!X509_set_version(x, X509_VERSION_3) || !ASN1_INTEGER_set_uint64(serial, s->serial) ||
	    !X509_set_serialNumber(x, serial) ||
	    !X509_set_issuer_name(x, s->issuer) || !X509_set1_notBefore(x, nb) ||
	    !X509_set1_notAfter(x, na) || !X509_set_subject_name(x, s->subject) ||
	    (!s->spki && !X509_set_pubkey(x, s->pubkey))) {
		rc = pk_err_ossl(PK_ECRYPTO, "cannot build the certificate");
		goto out;
	}
	if (s->spki && (rc = copy_spki(x, s->spki)) < 0)
		goto out;
	if (s->ca) {
		if (!(bc = BASIC_CONSTRAINTS_new())) {
			rc = pk_err_set(PK_ENOMEM, "out of memory");
			goto out;
		}
		bc->ca = 0xFF;
		if ((rc = add_ext(x, NID_basic_constraints, bc, 1)) < 0 ||
		    (rc = add_key_usage(x, 1)) < 0 ||
		    (rc = add_key_ids(x, s->aki, s->aki_len)) < 0)
			goto out;
	} else {
		if ((rc = add_key_usage(x, 0)) < 0)
			goto out;
		for (i = 0; s->req_exts && i < sk_X509_EXTENSION_num(s->req_exts); i++) {
			X509_EXTENSION *e = sk_X509_EXTENSION_value(s->req_exts, i);
			if (OBJ_obj2nid(X509_EXTENSION_get_object(e)) == NID_subject_alt_name &&
			    !X509_add_ext(x, e, -1)) {
				rc = pk_err_ossl(PK_ECRYPTO, "cannot copy the subject alternative name");
				goto out;
			}
		}
		if ((rc = add_key_ids(x, s->aki, s->aki_len)) < 0)
			goto out;
		if (s->cdp && *s->cdp && (rc = add_cdp(x, s->cdp)) < 0)
			goto out;
	}
	*out = x;
	x = NULL;
	rc = 0;
out:
	BASIC_CONSTRAINTS_free(bc);
	ASN1_INTEGER_free(serial);
	ASN1_TIME_free(nb);
	ASN1_TIME_free(na);
	X509_free(x);
	return rc;
}

int pki_cert_sign(X509 *x, EVP_PKEY *key, const char *md)
{
	const EVP_MD *m = pki_md(md);

	if (!m)
		return pk_err_set(PK_EINVAL, "%s: unsupported hash", md);
	if (X509_sign(x, key, m) <= 0)
		return pk_err_ossl(PK_ECRYPTO, "cannot sign the certificate");
	return 0;
}

X509 *pki_cert_reparse(X509 *x)
{
	unsigned char *der = NULL;
	const unsigned char *p;
	int n = i2d_X509(x, &der);
	X509 *y = NULL;

	if (n > 0) {
		p = der;
		y = d2i_X509(NULL, &p, n);
	}
	OPENSSL_free(der);
	if (!y)
		pk_err_ossl(PK_ECRYPTO, "cannot encode the certificate");
	return y;
}

int pki_crl_build(const X509 *ca, EVP_PKEY *key, const char *md, tmr_ms this_upd,
		  tmr_ms next_upd, const struct pki_revoked *rev, size_t n, X509_CRL **out)
{
	X509_CRL *crl = X509_CRL_new();
	ASN1_TIME *t1 = pki_time_asn1(this_upd), *t2 = pki_time_asn1(next_upd);
	const EVP_MD *m = pki_md(md);
	int rc = PK_ECRYPTO;
	size_t i;

	*out = NULL;
	if (!m) {
		rc = pk_err_set(PK_EINVAL, "%s: unsupported hash", md);
		goto out;
	}
	if (!crl || !t1 || !t2) {
		rc = pk_err_set(PK_ENOMEM, "out of memory");
		goto out;
	}
	if (!X509_CRL_set_issuer_name(crl, X509_get_subject_name(ca)) ||
	    !X509_CRL_set1_lastUpdate(crl, t1) || !X509_CRL_set1_nextUpdate(crl, t2)) {
		rc = pk_err_ossl(PK_ECRYPTO, "cannot build the CRL");
		goto out;
	}
	for (i = 0; i < n; i++) {
		X509_REVOKED *r = X509_REVOKED_new();
		ASN1_INTEGER *s = ASN1_INTEGER_new();
		ASN1_TIME *w = pki_time_asn1(rev[i].when);
		int ok = r && s && w && ASN1_INTEGER_set_uint64(s, rev[i].serial) &&
			 X509_REVOKED_set_serialNumber(r, s) &&
			 X509_REVOKED_set_revocationDate(r, w) && X509_CRL_add0_revoked(crl, r);
		ASN1_INTEGER_free(s);
		ASN1_TIME_free(w);
		if (!ok) {
			X509_REVOKED_free(r);
			rc = pk_err_ossl(PK_ECRYPTO, "cannot build the CRL");
			goto out;
		}
	}
	if (!X509_CRL_sort(crl) || X509_CRL_sign(crl, key, m) <= 0) {
		rc = pk_err_ossl(PK_ECRYPTO, "cannot sign the CRL");
		goto out;
	}
	*out = crl;
	crl = NULL;
	rc = 0;
out:
	ASN1_TIME_free(t1);
	ASN1_TIME_free(t2);
	X509_CRL_free(crl);
	return rc;
}

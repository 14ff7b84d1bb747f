/*
 * nodes_cs.c — the certificate server commands: the `crypto pki server
 * NAME` config sub-mode (cs-server) with its first `no shutdown` dialog
 * (spec §5.10), and the EXEC operations `crypto pki server NAME grant |
 * reject | remove | revoke | unrevoke | info | request | password |
 * rollover`.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/cmds.h"
#include "cli/nodes_pki.h"
#include "cli/show_pki.h"

/* ---- crypto pki server NAME (config) ---------------------------------------------- */

static pk_cs *cur_cs(cli_sess *s)
{
	return pk_cs_find(P(), cli_ctx(s));
}

/* Apply a changed configuration; the core refuses changes while locked. */
static int cs_apply(cli_sess *s, pk_cs *cs, const struct pk_cs_config *c)
{
	int rc = pk_cs_set_config(cs, c);
	return rc < 0 ? cli_core_error(s, rc) : 0;
}

/* days [hours [minutes]] as typed → milliseconds */
static tmr_ms dhm(const cli_args *a, const char *d, const char *h, const char *m)
{
	return cli_arg_int(a, d, 0) * TMR_DAY + cli_arg_int(a, h, 0) * TMR_HOUR +
	       cli_arg_int(a, m, 0) * TMR_MIN;
}

static int h_cs_issuer(cli_sess *s, const cli_args *a)
{
	pk_cs *cs = cur_cs(s);
	struct pk_cs_config c;
	const char *dn = cli_arg_str(a, "dn");

	pk_cs_get_config(cs, &c);
	if (a->neg) {
		c.issuer[0] = '\0';
	} else {
		if (pk_dn_check(dn) < 0)
			return cli_invalid_arg(s, a, cli_arg_index(a, "dn"));
		snprintf(c.issuer, sizeof c.issuer, "%s", dn);
	}
	return cs_apply(s, cs, &c);
}

enum { LT_CERT, LT_CA, LT_CRL, LT_ER };

static int h_cs_lifetime(cli_sess *s, const cli_args *a)
{
	pk_cs *cs = cur_cs(s);
	struct pk_cs_config c;
	tmr_ms v;

	pk_cs_get_config(cs, &c);
	switch (a->data) {
	case LT_CERT:
		v = a->neg ? 365 * TMR_DAY : dhm(a, "days", "hours", "minutes");
		if (v <= 0)
			return cli_invalid_arg(s, a, a->n - 1);
		c.life_cert = v;
		break;
	case LT_CA:
		v = a->neg ? 1095 * TMR_DAY : dhm(a, "days", "hours", "minutes");
		if (v <= 0)
			return cli_invalid_arg(s, a, a->n - 1);
		c.life_ca = v;
		break;
	case LT_CRL:
		c.life_crl = a->neg ? 6 * TMR_HOUR : cli_arg_int(a, "hours", 6) * TMR_HOUR +
			     cli_arg_int(a, "minutes", 0) * TMR_MIN;
		break;
	case LT_ER:
		c.life_er = a->neg ? 168 * TMR_HOUR : cli_arg_int(a, "hours", 168) * TMR_HOUR;
		break;
	}
	return cs_apply(s, cs, &c);
}

static int h_cs_grant(cli_sess *s, const cli_args *a)
{
	pk_cs *cs = cur_cs(s);
	struct pk_cs_config c;
	int rc;

	pk_cs_get_config(cs, &c);
	if (a->neg) {
		c.grant = PK_GRANT_MANUAL;
	} else if (cli_arg_has(a, "none")) {
		c.grant = PK_GRANT_NONE;
	} else if (cli_arg_has(a, "tp-name")) {
		c.grant = PK_GRANT_AUTO_TP;
		snprintf(c.grant_tp, sizeof c.grant_tp, "%s", cli_arg_str(a, "tp-name"));
	} else {
		c.grant = PK_GRANT_AUTO;
	}
	/* core logs %PKI-6-CS_GRANT_AUTO when grant auto is set */
	rc = cs_apply(s, cs, &c);
	return rc;
}

static int h_cs_level(cli_sess *s, const cli_args *a)
{
	pk_cs *cs = cur_cs(s);
	struct pk_cs_config c;

	pk_cs_get_config(cs, &c);
	c.db_level = a->neg ? PK_DB_MINIMUM : (int)a->data;
	return cs_apply(s, cs, &c);
}

static int h_cs_url(cli_sess *s, const cli_args *a)
{
	pk_cs *cs = cur_cs(s);
	struct pk_cs_config c;

	pk_cs_get_config(cs, &c);
	snprintf(c.db_url, sizeof c.db_url, "%s", a->neg ? "nvram:" : cli_arg_str(a, "db-url"));
	return cs_apply(s, cs, &c);
}

/* Passwords as IOS shows them: "7 <type-7 text>" keeps the text given. */
char cli_cs_archive_enc[512];

static int h_cs_archive(cli_sess *s, const cli_args *a)
{
	pk_cs *cs = cur_cs(s);
	struct pk_cs_config c;
	int rc;

	pk_cs_get_config(cs, &c);
	if (a->neg) {
		c.archive = PK_ARCHIVE_NONE;
		c.archive_pw[0] = '\0';
		return cs_apply(s, cs, &c);
	}
	c.archive = cli_arg_has(a, "pem") ? PK_ARCHIVE_PEM : PK_ARCHIVE_PKCS12;
	c.archive_pw[0] = '\0';
	c.archive_pw_type = 7;
	cli_cs_archive_enc[0] = '\0';
	if (cli_arg_has(a, "password-text")) {
		rc = cli_password_arg(s, a, c.archive_pw, sizeof c.archive_pw, &c.archive_pw_type);
		if (rc < 0)
			return rc;
		if (rc == 1)
			snprintf(cli_cs_archive_enc, sizeof cli_cs_archive_enc, "%s",
				 cli_arg_str(a, "password-text"));
	}
	return cs_apply(s, cs, &c);
}

static int h_cs_hash(cli_sess *s, const cli_args *a)
{
	pk_cs *cs = cur_cs(s);
	struct pk_cs_config c;

	pk_cs_get_config(cs, &c);
	snprintf(c.hash, sizeof c.hash, "%s", a->neg ? "md5" : a->v[a->n - 1].node->tok);
	return cs_apply(s, cs, &c);
}

static int h_cs_cdp(cli_sess *s, const cli_args *a)
{
	pk_cs *cs = cur_cs(s);
	struct pk_cs_config c;

	pk_cs_get_config(cs, &c);
	snprintf(c.cdp_url, sizeof c.cdp_url, "%s", a->neg ? "" : cli_arg_str(a, "cdp"));
	return cs_apply(s, cs, &c);
}

static int h_cs_autoroll(cli_sess *s, const cli_args *a)
{
	pk_cs *cs = cur_cs(s);
	struct pk_cs_config c;

	pk_cs_get_config(cs, &c);
	if (a->neg)
		c.auto_rollover = -1;
	else if (!cli_arg_has(a, "days"))
		c.auto_rollover = 30 * TMR_DAY;      /* bare auto-rollover: 30 days [DOC S3] */
	else
		c.auto_rollover = dhm(a, "days", "hours", "minutes");
	return cs_apply(s, cs, &c);
}

/* Checks that come before the first `no shutdown` dialog: without an
 * authoritative clock or a usable database url nothing is asked or
 * generated (the core records "check failed").  HTTP is not one of them:
 * IOS makes the CA first and enables the server when `ip http server`
 * comes (docs/pki-server.md §4). */
static int cs_precheck(cli_sess *s, pk_cs *cs)
{
	pk_device *d = cli_dev(s);
	struct pk_cs_config c;
	char path[4096];

	pk_cs_get_config(cs, &c);
	if (tmr_clock_authoritative(pk_device_clock(d)) &&
	    pk_device_path(d, c.db_url, path, sizeof path) == 0)
		return 0;
	pk_err_clear();
	return pk_cs_enable(cs, NULL);
}

/* serial-number 0x<hex>: the last serial issued is at least this; it
 * never lowers the counter (serial numbers are never reused). */
static int h_cs_serial(cli_sess *s, const cli_args *a)
{
	pk_cs *cs = cur_cs(s);
	struct pk_cs_config c;

	pk_cs_get_config(cs, &c);
	c.serial_number = a->neg ? 0 : (unsigned long long)cli_arg_int(a, "serial", 0);
	return cs_apply(s, cs, &c);
}

/* The first `no shutdown`: create the CA with IOS's dialog (spec §5.10). */
static int cs_first_enable(cli_sess *s, pk_cs *cs)
{
	char pw[128] = "", pw2[128] = "";
	const char *use = NULL;
	int gen, rc, from_config;
	long long t0 = 0;
	struct pk_cs_config c;
	struct pk_cs_view v;

	pk_cs_get_config(cs, &c);
	cli_printf(s, "%%Some server settings cannot be changed after CA certificate generation.\n");
	if ((rc = cs_precheck(s, cs)) < 0)
		return cli_core_error(s, rc);
	from_config = c.archive != PK_ARCHIVE_NONE && c.archive_pw[0];
	if (pk_cs_needs_archive_password(cs)) {
		cli_printf(s, "%% Please enter a passphrase to protect the private key\n"
			   "%% or type Return to exit\n");
		if (cli_ask_secret(s, "Password: ", pw, sizeof pw) < 0 || !pw[0])
			goto abort;
		cli_printf(s, "\n");
		if (cli_ask_secret(s, "Re-enter password: ", pw2, sizeof pw2) < 0)
			goto abort;
		if (strcmp(pw, pw2) != 0) {
			cli_printf(s, "%% Password mismatch.\n");
			goto abort;
		}
		use = pw;
	}
	gen = pk_cs_needs_key(cs);
	if (gen) {
		cli_printf(s, "%% Generating 1024 bit RSA keys, keys will be non-exportable...\n");
		t0 = host_ms();
	}
	rc = pk_cs_enable(cs, use);
	memset(pw, 0, sizeof pw);
	memset(pw2, 0, sizeof pw2);
	if (gen && pk_key_find(P(), pk_cs_name(cs)))
		cli_printf(s, "[OK] (elapsed time was %lld seconds)\n", (host_ms() - t0) / 1000);
	pk_cs_view(cs, &v);
	if (rc < 0 && v.http_disabled && v.has_ca) {
		/* the CA exists; the server starts with `ip http server` and
		 * says nothing more now, as the R14 capture shows */
		cli_printf(s, "\n");
		return 0;
	}
	if (rc < 0)
		return cli_core_error(s, rc);
	if (from_config)
		cli_printf(s, "%% Exporting Certificate Server signing certificate and keys...\n");
	cli_printf(s, "\n%% Certificate Server enabled.\n");
	return 0;
abort:
	memset(pw, 0, sizeof pw);
	memset(pw2, 0, sizeof pw2);
	c.shutdown = 1;
	pk_cs_set_config(cs, &c);
	cli_printf(s, "%% Certificate Server not enabled.\n");
	return CLI_ERR;
}

static int h_cs_shutdown(cli_sess *s, const cli_args *a)
{
	pk_cs *cs = cur_cs(s);
	struct pk_cs_config c;
	struct pk_cs_view v;
	int rc, was;

	pk_cs_get_config(cs, &c);
	pk_cs_view(cs, &v);
	was = !c.shutdown;
	c.shutdown = !a->neg;
	c.shutdown_explicit = 1;
	if ((rc = pk_cs_set_config(cs, &c)) < 0)
		return cli_core_error(s, rc);
	if (cli_opts(s) & CLI_S_REPLAY)
		return 0;        /* enabled once the whole configuration is in */
	if (!a->neg) {
		if (v.enabled || v.check_failed || was) {
			if (v.has_ca)
				cli_printf(s, "Certificate server 'shut' event has been queued for processing.\n");
			rc = pk_cs_disable(cs);
			return rc < 0 ? cli_core_error(s, rc) : 0;
		}
		return 0;
	}
	if (v.enabled)
		return 0;
	if (pk_cs_needs_ca(cs))
		return cs_first_enable(s, cs);
	cli_printf(s, "Certificate server 'no shut' event has been queued for processing.\n");
	rc = pk_cs_enable(cs, NULL);
	return rc < 0 ? cli_core_error(s, rc) : 0;
}

static int h_cs_show(cli_sess *s, const cli_args *a)
{
	char *b = NULL;
	size_t l = 0, c = 0;

	cli_nvgen_cs_block(&b, &l, &c, cur_cs(s), 1);
	if (b)
		cli_puts(s, b);
	free(b);
	return 0;
}

/* cs-server sub-mode tables */
static const struct cli_node n_lt_min[] = {
	INT("minutes", 0, 59, "Minutes (0-59)", NULL, h_cs_lifetime),
	END_TABLE
};
static const struct cli_node n_lt_hours[] = {
	INT("hours", 0, 23, "Hours (0-23)", n_lt_min, h_cs_lifetime),
	END_TABLE
};
#define LT_DAYS(d, max) \
	{ .tok = NULL, .help = "Lifetime in days", .kind = CLI_INT, .key = "days", .lo = 0, \
	  .hi = (max), .next = n_lt_hours, .fn = h_cs_lifetime, .data = (d) }
static const struct cli_node n_lt_cert[] = { LT_DAYS(LT_CERT, 1825), END_TABLE };
static const struct cli_node n_lt_ca[] = { LT_DAYS(LT_CA, 7305), END_TABLE };
static const struct cli_node n_lt_crl_min[] = {
	{ .tok = NULL, .help = "Minutes (0-59)", .kind = CLI_INT, .key = "minutes", .lo = 0, .hi = 59,
	  .fn = h_cs_lifetime, .data = LT_CRL },
	END_TABLE
};
static const struct cli_node n_lt_crl[] = {
	{ .tok = NULL, .help = "Lifetime in hours", .kind = CLI_INT, .key = "hours", .lo = 1, .hi = 336,
	  .next = n_lt_crl_min, .fn = h_cs_lifetime, .data = LT_CRL },
	END_TABLE
};
static const struct cli_node n_lt_er[] = {
	{ .tok = NULL, .help = "Lifetime in hours", .kind = CLI_INT, .key = "hours", .lo = 1, .hi = 1000,
	  .fn = h_cs_lifetime, .data = LT_ER },
	END_TABLE
};
static const struct cli_node n_cs_lifetime[] = {
	{ .tok = "ca-certificate", .help = "Lifetime of the CA certificate", .kind = CLI_KW,
	  .flags = CLI_F_NEG_END, .next = n_lt_ca, .fn = h_cs_lifetime, .data = LT_CA },
	{ .tok = "certificate", .help = "Lifetime of issued certificates", .kind = CLI_KW,
	  .flags = CLI_F_NEG_END, .next = n_lt_cert, .fn = h_cs_lifetime, .data = LT_CERT },
	{ .tok = "crl", .help = "Lifetime of the certificate revocation list", .kind = CLI_KW,
	  .flags = CLI_F_NEG_END, .next = n_lt_crl, .fn = h_cs_lifetime, .data = LT_CRL },
	{ .tok = "enrollment-request", .help = "Lifetime of enrollment requests", .kind = CLI_KW,
	  .flags = CLI_F_NEG_END, .next = n_lt_er, .fn = h_cs_lifetime, .data = LT_ER },
	END_TABLE
};
static const struct cli_node n_grant_tp[] = {
	WORD("tp-name", "Trustpoint whose CA signs the certificates of requests to grant", NULL,
	     h_cs_grant),
	END_TABLE
};
static const struct cli_node n_grant_auto[] = {
	KW("trustpoint", "Grant requests signed by a certificate of this trustpoint's CA",
	   n_grant_tp, NULL),
	END_TABLE
};
static const struct cli_node n_cs_grant[] = {
	KW("auto", "Automatically grant incoming SCEP enrollment requests", n_grant_auto, h_cs_grant),
	KW("none", "Automatically reject any enrollment request", NULL, h_cs_grant),
	END_TABLE
};
static const struct cli_node n_db_level[] = {
	KWD("complete", "Each issued certificate is saved to the database", NULL, h_cs_level,
	    PK_DB_COMPLETE),
	KWD("minimum", "Minimum of information saved to the database", NULL, h_cs_level,
	    PK_DB_MINIMUM),
	KWD("names", "Certificate serial number and subject name saved to the database", NULL,
	    h_cs_level, PK_DB_NAMES),
	END_TABLE
};
static const struct cli_node n_db_url[] = {
	URL("db-url", "Location of the database (nvram:, flash:/dir/, unix:/dir/)", NULL, h_cs_url),
	END_TABLE
};
static const struct cli_node n_pw_text[] = {
	WORD("password-text", "The password", NULL, h_cs_archive),
	END_TABLE
};
static const struct cli_node n_pw[] = {
	INT("password-type", 0, 7, "Encryption type (0 = not encrypted, 7 = hidden)", n_pw_text, NULL),
	WORD("password-text", "The password", NULL, h_cs_archive),
	END_TABLE
};
static const struct cli_node n_archive_opts[] = {
	KW("password", "Password to protect the archive", n_pw, NULL),
	END_TABLE
};
static const struct cli_node n_db_archive[] = {
	KW("pem", "Archive in PEM format", n_archive_opts, h_cs_archive),
	KW("pkcs12", "Archive in PKCS12 format", n_archive_opts, h_cs_archive),
	END_TABLE
};
static const struct cli_node n_cs_db[] = {
	KWF("archive", "Archive the CA key and certificate", CLI_F_NEG_END, n_db_archive, h_cs_archive),
	KWF("level", "Level of database information stored", CLI_F_NEG_END, n_db_level, h_cs_level),
	KWF("url", "URL of the certificate server database", CLI_F_NEG_END, n_db_url, h_cs_url),
	END_TABLE
};
static const struct cli_node n_cs_hash[] = {
	KW("md5", "MD5 (the IOS default)", NULL, h_cs_hash),
	KW("sha1", "SHA-1", NULL, h_cs_hash),
	KW("sha256", "SHA-256", NULL, h_cs_hash),
	KW("sha384", "SHA-384", NULL, h_cs_hash),
	KW("sha512", "SHA-512", NULL, h_cs_hash),
	END_TABLE
};
static const struct cli_node n_cs_issuer[] = {
	LINE("dn", "Issuer name, e.g. CN=RootCA,OU=TAC,O=Cisco", h_cs_issuer),
	END_TABLE
};
static const struct cli_node n_cs_cdp[] = {
	URL("cdp", "CRL distribution point URL", NULL, h_cs_cdp),
	END_TABLE
};
static const struct cli_node n_ar_min[] = {
	INT("minutes", 0, 59, "Minutes (0-59)", NULL, h_cs_autoroll),
	END_TABLE
};
static const struct cli_node n_ar_hours[] = {
	INT("hours", 0, 23, "Hours (0-23)", n_ar_min, h_cs_autoroll),
	END_TABLE
};
static const struct cli_node n_cs_autoroll[] = {
	INT("days", 0, 1825, "Overlap period in days before the CA certificate expires", n_ar_hours,
	    h_cs_autoroll),
	END_TABLE
};
static const struct cli_node n_cs_serial[] = {
	{ .tok = "WORD", .help = "Serial number, e.g. 0x1F", .kind = CLI_HEX, .key = "serial",
	  .fn = h_cs_serial },
	END_TABLE
};
static const struct cli_node n_cs_mode[] = {
	KW("auto-rollover", "Automatic rollover of the CA certificate", n_cs_autoroll, h_cs_autoroll),
	KWF("cdp-url", "CRL distribution point in issued certificates", CLI_F_NEG_END, n_cs_cdp,
	    h_cs_cdp),
	KW("database", "Certificate server database", n_cs_db, NULL),
	KWF("grant", "Granting mode of enrollment requests", CLI_F_NEG_END, n_cs_grant, h_cs_grant),
	KWF("hash", "Hash of the signatures of certificates and CRLs", CLI_F_NEG_END, n_cs_hash,
	    h_cs_hash),
	KWF("issuer-name", "Issuer name of the CA", CLI_F_NEG_END, n_cs_issuer, h_cs_issuer),
	KW("lifetime", "Lifetimes", n_cs_lifetime, NULL),
	KWF("serial-number", "Last serial number issued (hex)", CLI_F_NEG_END, n_cs_serial,
	    h_cs_serial),
	KWF("show", "Show the certificate server settings", CLI_F_NONEG, NULL, h_cs_show),
	KW("shutdown", "Disable the certificate server", NULL, h_cs_shutdown),
	END_TABLE
};

static const struct cli_mode mode_cs = {
	.name = "cs-server", .prompt = "(cs-server)", .parent = &cli_mode_config,
	.table = n_cs_mode, .flags = CLI_M_CONFIG,
};

static int h_pki_server(cli_sess *s, const cli_args *a)
{
	const char *name = cli_arg_str(a, "server-name");
	pk_cs *cs = pk_cs_find(P(), name);
	int rc;

	if (a->neg) {
		if (!cs)
			return cli_error(s, "Certificate server %s not found", name);
		rc = pk_cs_delete(P(), name);
		return rc < 0 ? cli_core_error(s, rc) : 0;
	}
	if (!cs && (rc = pk_cs_create(P(), name, &cs)) < 0)
		return cli_core_error(s, rc);
	cli_enter(s, &mode_cs, name);
	return 0;
}

const struct cli_node n_pki_server_name[] = {
	WORD("server-name", "Certificate server name", NULL, h_pki_server),
	END_TABLE
};

/* ---- crypto pki server NAME ... (EXEC) ------------------------------------------- */

static pk_cs *exec_cs(cli_sess *s, const cli_args *a)
{
	const char *name = cli_arg_str(a, "server-name");
	pk_cs *cs = pk_cs_find(P(), name);

	if (!cs)
		cli_error(s, "Certificate server %s not found", name);
	return cs;
}

static long req_id(const cli_args *a)
{
	return cli_arg_has(a, "all") ? -1 : (long)cli_arg_int(a, "req-id", -1);
}

enum { OP_GRANT, OP_REJECT, OP_REMOVE };

static int h_cs_reqop(cli_sess *s, const cli_args *a)
{
	pk_cs *cs = exec_cs(s, a);
	long id = req_id(a);
	int rc;

	if (!cs)
		return CLI_ERR;
	rc = a->data == OP_GRANT ? pk_cs_grant(cs, id) : a->data == OP_REJECT ?
	     pk_cs_reject(cs, id) : pk_cs_remove(cs, id);
	return rc < 0 ? cli_core_error(s, rc) : 0;
}

static int h_cs_revoke(cli_sess *s, const cli_args *a)
{
	pk_cs *cs = exec_cs(s, a);
	const char *serial = cli_arg_str(a, "serial");
	int rc, un = (int)a->data;
	unsigned long long v = strtoull(serial, NULL, 16);

	if (!cs)
		return CLI_ERR;
	rc = un ? pk_cs_unrevoke(cs, serial) : pk_cs_revoke(cs, serial);
	if (rc < 0)
		return cli_core_error(s, rc);
	cli_printf(s, "%% Certificate %02llX succesfully %srevoked.\n", v, un ? "un" : "");
	return 0;
}

static int h_cs_info(cli_sess *s, const cli_args *a)
{
	pk_cs *cs = exec_cs(s, a);

	if (!cs)
		return CLI_ERR;
	if (a->data)
		show_cs_crl(s, cs);
	else
		show_cs_requests(s, cs);
	return 0;
}

/* Where `request pkcs10 URL` posts a granted certificate: the URL with
 * the extension of its file name replaced by ".crt" (flash:r1.req →
 * flash:r1.crt; no extension: ".crt" appended). */
static void crt_url(const char *url, char *buf, size_t n)
{
	const char *slash = strrchr(url, '/'), *colon = strchr(url, ':');
	const char *base = slash ? slash + 1 : colon ? colon + 1 : url;
	const char *dot = strrchr(base, '.');
	int keep = dot && dot != base ? (int)(dot - url) : (int)strlen(url);

	snprintf(buf, n, "%.*s.crt", keep, url);
}

/* crypto pki server NAME request pkcs10 {terminal | URL} [base64 | pem] */
static int h_cs_pkcs10(cli_sess *s, const cli_args *a)
{
	pk_cs *cs = exec_cs(s, a);
	const char *url = cli_arg_str(a, "request-url");
	char *text = NULL, out[700];
	unsigned char *der = NULL;
	size_t len = 0;
	long id = 0;
	int rc;

	if (!cs)
		return CLI_ERR;
	if (url) {
		rc = cli_read_url(s, url, &text, NULL);
		if (rc < 0)
			return cli_error(s, "Error opening %s (%s)", url,
					 rc == PK_ENOENT ? "No such file or directory" : pk_err_msg());
	} else {
		cli_printf(s, "%% Enter Base64 encoded or PEM formatted PKCS10 enrollment request.\n"
			   "%% End with a blank line or \"quit\" on a line by itself.\n");
		text = cli_read_paste(s, 1);
	}
	if (!text)
		return cli_interrupted(s) ? CLI_ERR : cli_error(s, "No request given");
	rc = pk_pem_decode(text, &der, &len);
	free(text);
	if (rc < 0)
		return cli_error(s, "Could not decode the request");
	rc = pk_cs_submit_csr(cs, der, len, &id);
	free(der);
	if (rc < 0)
		return cli_core_error(s, rc);
	if (pk_cs_request_cert(cs, id)) {
		char *pem = pk_cert_pem(pk_cs_request_cert(cs, id));
		if (!url) {
			cli_printf(s, "%% Granted certificate:\n%s", pem ? pem : "");
		} else {
			crt_url(url, out, sizeof out);
			rc = pem ? cli_write_url(s, out, pem, strlen(pem), 0644) : PK_ENOMEM;
			if (rc < 0)
				cli_error(s, "Error writing %s (%s)", out, pk_err_msg());
			else
				cli_printf(s, "%% Granted certificate written to %s\n", out);
		}
		free(pem);
		return rc < 0 ? CLI_ERR : 0;
	}
	cli_printf(s, "%% Enrollment request pending, reqId=%ld\n", id);
	return 0;
}

static int h_cs_password(cli_sess *s, const cli_args *a)
{
	pk_cs *cs = exec_cs(s, a);
	char pw[64];
	int mins = (int)cli_arg_int(a, "minutes", 60), rc;

	if (!cs)
		return CLI_ERR;
	rc = pk_cs_password_generate(cs, mins, pw, sizeof pw);
	if (rc < 0)
		return cli_core_error(s, rc);
	cli_printf(s, "%% New password: %s\n%% It can be used once, for %d minute%s.\n", pw, mins,
		   mins == 1 ? "" : "s");
	memset(pw, 0, sizeof pw);
	return 0;
}

static int h_cs_rollover(cli_sess *s, const cli_args *a)
{
	pk_cs *cs = exec_cs(s, a);
	int rc;

	if (!cs)
		return CLI_ERR;
	if (cli_arg_has(a, "cancel"))
		rc = pk_cs_rollover_cancel(cs);
	else
		rc = pk_cs_rollover(cs);
	if (rc == PK_EEXIST)
		return cli_error(s, "Rollover certificate already exists");
	return rc < 0 ? cli_core_error(s, rc) : 0;
}

#define REQ_OP(t, h, d) { .tok = (t), .help = (h), .kind = CLI_KW, .next = n_reqid_##d }
static const struct cli_node n_reqid_grant[] = {
	{ .tok = "all", .help = "All pending requests", .kind = CLI_KW, .fn = h_cs_reqop, .data = OP_GRANT },
	{ .tok = NULL, .help = "Request ID", .kind = CLI_INT, .key = "req-id", .lo = 1, .hi = 2147483647,
	  .fn = h_cs_reqop, .data = OP_GRANT },
	END_TABLE
};
static const struct cli_node n_reqid_reject[] = {
	{ .tok = "all", .help = "All pending requests", .kind = CLI_KW, .fn = h_cs_reqop, .data = OP_REJECT },
	{ .tok = NULL, .help = "Request ID", .kind = CLI_INT, .key = "req-id", .lo = 1, .hi = 2147483647,
	  .fn = h_cs_reqop, .data = OP_REJECT },
	END_TABLE
};
static const struct cli_node n_reqid_remove[] = {
	{ .tok = "all", .help = "All requests", .kind = CLI_KW, .fn = h_cs_reqop, .data = OP_REMOVE },
	{ .tok = NULL, .help = "Request ID", .kind = CLI_INT, .key = "req-id", .lo = 1, .hi = 2147483647,
	  .fn = h_cs_reqop, .data = OP_REMOVE },
	END_TABLE
};
static const struct cli_node n_revoke[] = {
	{ .tok = "WORD", .help = "Serial number of the certificate (hex)", .kind = CLI_HEX,
	  .key = "serial", .fn = h_cs_revoke, .data = 0 },
	END_TABLE
};
static const struct cli_node n_unrevoke[] = {
	{ .tok = "WORD", .help = "Serial number of the certificate (hex)", .kind = CLI_HEX,
	  .key = "serial", .fn = h_cs_revoke, .data = 1 },
	END_TABLE
};
static const struct cli_node n_info[] = {
	KWD("crl", "Certificate revocation list", NULL, h_cs_info, 1),
	KWD("requests", "Enrollment request database", NULL, h_cs_info, 0),
	END_TABLE
};
static const struct cli_node n_pkcs10_fmt[] = {
	KW("base64", "Base64 encoded (the default)", NULL, h_cs_pkcs10),
	KW("pem", "PEM formatted", NULL, h_cs_pkcs10),
	END_TABLE
};
static const struct cli_node n_pkcs10_src[] = {
	KW("terminal", "Paste the request at the terminal", n_pkcs10_fmt, h_cs_pkcs10),
	URL("request-url", "File holding the request (nvram:, flash:, unix:/...); a granted "
	    "certificate is written next to it as .crt", n_pkcs10_fmt, h_cs_pkcs10),
	END_TABLE
};
static const struct cli_node n_request[] = {
	KW("pkcs10", "PKCS#10 enrollment request", n_pkcs10_src, NULL),
	END_TABLE
};
static const struct cli_node n_pw_minutes[] = {
	INT("minutes", 1, 1440, "Validity in minutes (default 60)", NULL, h_cs_password),
	END_TABLE
};
static const struct cli_node n_password[] = {
	KW("generate", "Generate a one-time enrollment password", n_pw_minutes, h_cs_password),
	END_TABLE
};
static const struct cli_node n_rollover[] = {
	KW("cancel", "Delete the rollover CA key and certificate", NULL, h_cs_rollover),
	END_TABLE
};
static const struct cli_node n_cs_exec_ops[] = {
	REQ_OP("grant", "Grant enrollment requests", grant),
	KW("info", "Show certificate server information", n_info, NULL),
	KW("password", "One-time enrollment passwords", n_password, NULL),
	REQ_OP("reject", "Reject enrollment requests", reject),
	REQ_OP("remove", "Remove enrollment requests", remove),
	KW("request", "Submit an enrollment request", n_request, NULL),
	KW("revoke", "Revoke a certificate", n_revoke, NULL),
	KW("rollover", "Create the rollover CA certificate now", n_rollover, h_cs_rollover),
	KW("unrevoke", "Unrevoke a certificate", n_unrevoke, NULL),
	END_TABLE
};
const struct cli_node n_cs_exec_name[] = {
	WORD("server-name", "Certificate server name", n_cs_exec_ops, NULL),
	END_TABLE
};

/*
 * nodes_pki.c — crypto commands: RSA keys, the certificate server
 * (`crypto pki server`, its sub-mode and EXEC operations), trustpoint
 * configuration, certificate chains, the PKI show commands and the PKI
 * part of the running-config.  Dialog texts follow spec §5.10.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli/cli.h"
#include "cli/cli_int.h"
#include "cli/cmds.h"
#include "cli/pkish.h"
#include "cli/show_pki.h"
#include "cli/type7.h"
#include "scep/client.h"
#include "scep/scep.h"

#define TYPE7_SEED 2

static pk_pki *P(void)
{
	return cli_pki();
}

/* Host milliseconds, for "[OK] (elapsed time was N seconds)": whole
 * seconds of the interval, not a difference of whole-second readings
 * (which says 1 for a millisecond that crosses a second). */
static long long host_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Read lines (a paste) until "quit" or, when blank_ends, a blank line. */
static char *read_paste(cli_sess *s, int blank_ends)
{
	char *buf = NULL, line[1024];
	size_t l = 0, c = 0;

	for (;;) {
		char *p;
		size_t n;
		if (cli_ask(s, "", line, sizeof line) < 0)
			break;
		for (p = line; *p == ' ' || *p == '\t'; p++)
			;
		n = strlen(p);
		while (n && (p[n - 1] == ' ' || p[n - 1] == '\t' || p[n - 1] == '\r'))
			p[--n] = '\0';
		if (strcmp(p, "quit") == 0 || (blank_ends && n == 0 && l > 0))
			break;
		cli_buf_printf(&buf, &l, &c, "%s\n", p);
	}
	return buf;
}

/* The default key label: hostname.domain ("" when there is no domain). */
static void default_label(cli_sess *s, char *buf, size_t n)
{
	pk_device *d = cli_dev(s);

	if (*pk_device_domain(d))
		snprintf(buf, n, "%s.%s", pk_device_hostname(d), pk_device_domain(d));
	else
		buf[0] = '\0';
}

/* ---- crypto key ---------------------------------------------------------------- */

static int h_keygen(cli_sess *s, const cli_args *a)
{
	const char *given = cli_arg_str(a, "label-name");
	char label[160], ans[32];
	long long bits = cli_arg_int(a, "modulus-bits", 0);
	int exportable = cli_arg_has(a, "exportable"), rc;
	long long t0;

	if (given) {
		snprintf(label, sizeof label, "%s", given);
	} else {
		default_label(s, label, sizeof label);
		if (!label[0])
			return cli_error(s, "Please define a domain-name first.");
	}
	cli_printf(s, "The name for the keys will be: %s\n", label);
	if (pk_key_find(P(), label)) {
		cli_printf(s, "%% You already have RSA keys defined named %s.\n", label);
		if (cli_confirm(s, "% Do you really want to replace them? [yes/no]: ") != 1)
			return 0;
	}
	if (bits) {
		cli_printf(s, "\n%% The key modulus size is %lld bits\n", bits);
	} else {
		cli_printf(s, "Choose the size of the key modulus in the range of 360 to 4096 for your\n"
			   "  General Purpose Keys. Choosing a key modulus greater than 512 may take\n"
			   "  a few minutes.\n\n");
		if (cli_ask(s, "How many bits in the modulus [1024]: ", ans, sizeof ans) < 0)
			return CLI_ERR;
		bits = ans[0] ? atoll(ans) : 1024;
		if (bits < 360 || bits > 4096)
			return cli_error(s, "You must choose a modulus between 360 and 4096 bits.");
	}
	cli_printf(s, "%% Generating %lld bit RSA keys, keys will be %sexportable...\n", bits,
		   exportable ? "" : "non-");
	t0 = host_ms();
	rc = pk_key_generate(P(), label, (int)bits, exportable);
	if (rc < 0)
		return cli_core_error(s, rc);
	cli_printf(s, "[OK] (elapsed time was %lld seconds)\n", (host_ms() - t0) / 1000);
	pk_log(PK_LOG_NOTICE, "%%CRYPTO_ENGINE-5-KEY_ADDITION: A key named %s has been generated "
	       "or imported by crypto-engine", label);
	return 0;
}

/* The router certificates issued for a key go with it (spec §2.3). */
static void drop_certs_of_key(const char *label)
{
	size_t i;

	for (i = 0; i < pk_tp_count(P()); i++) {
		pk_tp *t = pk_tp_at(P(), i);
		char l[160];
		pk_tp_key_label(t, l, sizeof l);
		if (pk_tp_is_server(t) || (label && strcmp(l, label) != 0))
			continue;
		pk_tp_set_cert(t, PK_TP_ID, NULL);
		pk_tp_set_cert(t, PK_TP_ID_ROLLOVER, NULL);
	}
}

static int h_zeroize(cli_sess *s, const cli_args *a)
{
	const char *label = cli_arg_str(a, "label-name");
	int rc;

	if (label) {
		if (!pk_key_find(P(), label))
			return cli_error(s, "No Signature RSA Keys found in configuration.");
		cli_printf(s, "%% Keys to be removed are named '%s'.\n", label);
	} else {
		if (pk_key_count(P()) == 0)
			return cli_error(s, "No Signature RSA Keys found in configuration.");
		cli_printf(s, "%% All keys will be removed.\n");
	}
	cli_printf(s, "%% All router certs issued using these keys will also be removed.\n");
	if (cli_confirm(s, "Do you really want to remove these keys? [yes/no]: ") != 1)
		return 0;
	while (!label && pk_key_count(P()) > 0) {
		struct pk_key_view v;
		pk_key_view(pk_key_at(P(), 0), &v);
		drop_certs_of_key(v.label);
		if ((rc = pk_key_delete(P(), v.label)) < 0)
			return cli_core_error(s, rc);
	}
	if (label) {
		drop_certs_of_key(label);
		if ((rc = pk_key_delete(P(), label)) < 0)
			return cli_core_error(s, rc);
	}
	return 0;
}

/* crypto key import rsa LABEL [general-purpose] [exportable] pem {terminal | url URL} PASS */
static int h_key_import(cli_sess *s, const cli_args *a)
{
	const char *label = cli_arg_str(a, "label-name"), *url = cli_arg_str(a, "import-url");
	const char *pass = cli_arg_str(a, "passphrase");
	char *pub = NULL, *priv = NULL, u[600];
	int rc;

	if (url) {
		snprintf(u, sizeof u, "%s.pub", url);
		cli_read_url(s, u, &pub, NULL);           /* optional */
		snprintf(u, sizeof u, "%s.prv", url);
		rc = cli_read_url(s, u, &priv, NULL);
		if (rc == PK_ENOENT)
			rc = cli_read_url(s, url, &priv, NULL);
		if (rc < 0) {
			free(pub);
			return cli_error(s, "Error opening %s (%s)", url,
					 rc == PK_ENOENT ? "No such file or directory" : pk_err_msg());
		}
	} else {
		cli_printf(s, "%% Enter PEM-formatted public General Purpose key or certificate.\n"
			   "%% End with a blank line or \"quit\" on a line by itself.\n");
		pub = read_paste(s, 1);
		cli_printf(s, "%% Enter PEM-formatted encrypted private General Purpose key.\n"
			   "%% End with \"quit\" on a line by itself.\n");
		priv = read_paste(s, 0);
	}
	rc = priv ? pk_key_import(P(), label, pub, priv, pass, cli_arg_has(a, "exportable"))
		  : pk_err_set(PK_EINVAL, "no private key given");
	free(pub);
	free(priv);
	if (rc < 0)
		return cli_error(s, "Key pair import failed: %s", pk_err_msg());
	cli_printf(s, "%% Key pair import succeeded.\n\n");
	pk_log(PK_LOG_NOTICE, "%%CRYPTO_ENGINE-5-KEY_ADDITION: A key named %s has been generated "
	       "or imported by crypto-engine", label);
	return 0;
}

/* crypto key export rsa LABEL pem {terminal | url URL} {3des|des|aes} PASS */
static int h_key_export(cli_sess *s, const cli_args *a)
{
	const char *label = cli_arg_str(a, "label-name"), *url = cli_arg_str(a, "export-url");
	const char *pass = cli_arg_str(a, "passphrase"), *cipher = "3des";
	char *pub = NULL, *priv = NULL, u[600];
	int rc;

	if (cli_arg_has(a, "des"))
		cipher = "des";
	else if (cli_arg_has(a, "aes"))
		cipher = "aes";
	if (!pk_key_find(P(), label))
		return cli_error(s, "Key %s not found", label);
	rc = pk_key_export(P(), label, cipher, pass, &pub, &priv);
	if (rc < 0)
		return cli_error(s, "Key %s export failed: %s", label, pk_err_msg());
	if (url) {
		snprintf(u, sizeof u, "%s.pub", url);
		rc = cli_write_url(s, u, pub, strlen(pub), 0644);
		snprintf(u, sizeof u, "%s.prv", url);
		if (rc == 0)
			rc = cli_write_url(s, u, priv, strlen(priv), 0600);
		if (rc < 0)
			cli_error(s, "Error writing %s (%s)", url, pk_err_msg());
		else
			cli_printf(s, "%% Key name: %s\n   Usage: General Purpose Key\n"
				   "Exporting public key...\nDestination filename [%s.pub]? \n"
				   "Exporting private key...\nDestination filename [%s.prv]? \n",
				   label, url, url);
	} else {
		cli_printf(s, "%% Key name: %s\n   Usage: General Purpose Key\n", label);
		cli_printf(s, "Key data:\n%s\n%s", pub, priv);
	}
	free(pub);
	free(priv);
	return rc < 0 ? CLI_ERR : 0;
}

static const struct cli_node n_key_pass[] = {
	WORD("passphrase", "Passphrase", NULL, h_key_export),
	END_TABLE
};
static const struct cli_node n_key_cipher[] = {
	KW("3des", "Encrypt the private key with 3DES", n_key_pass, NULL),
	KW("aes", "Encrypt the private key with AES", n_key_pass, NULL),
	KW("des", "Encrypt the private key with DES", n_key_pass, NULL),
	END_TABLE
};
static const struct cli_node n_key_export_url[] = {
	URL("export-url", "Output URL (nvram:, flash:, unix:/...); .pub and .prv are appended",
	    n_key_cipher, NULL),
	END_TABLE
};
static const struct cli_node n_key_export_dest[] = {
	KW("terminal", "Export to the terminal", n_key_cipher, NULL),
	KW("url", "Export to a file", n_key_export_url, NULL),
	END_TABLE
};
static const struct cli_node n_key_export_pem[] = {
	KW("pem", "File type to export", n_key_export_dest, NULL),
	END_TABLE
};
static const struct cli_node n_key_export_label[] = {
	WORD("label-name", "RSA keypair label", n_key_export_pem, NULL),
	END_TABLE
};
static const struct cli_node n_key_export[] = {
	KW("rsa", "Export RSA keys", n_key_export_label, NULL),
	END_TABLE
};

static const struct cli_node n_imp_pass[] = {
	WORD("passphrase", "Passphrase", NULL, h_key_import),
	END_TABLE
};
static const struct cli_node n_imp_url[] = {
	URL("import-url", "Input URL (nvram:, flash:, unix:/...); .pub and .prv are appended",
	    n_imp_pass, NULL),
	END_TABLE
};
static const struct cli_node n_imp_src[] = {
	KW("terminal", "Import from the terminal", n_imp_pass, NULL),
	KW("url", "Import from a file", n_imp_url, NULL),
	END_TABLE
};
extern const struct cli_node n_imp_opts[];
const struct cli_node n_imp_opts[] = {
	KWF("exportable", "Allow the key to be exported", CLI_F_ONCE, n_imp_opts, NULL),
	KWF("general-purpose", "General Purpose key", CLI_F_ONCE, n_imp_opts, NULL),
	KW("pem", "File type to import", n_imp_src, NULL),
	END_TABLE
};
static const struct cli_node n_imp_label[] = {
	WORD("label-name", "RSA keypair label", n_imp_opts, NULL),
	END_TABLE
};
static const struct cli_node n_key_import[] = {
	KW("rsa", "Import RSA keys", n_imp_label, NULL),
	END_TABLE
};

extern const struct cli_node n_keygen_opts[];
static const struct cli_node n_keygen_label[] = {
	WORD("label-name", "RSA keypair label", n_keygen_opts, h_keygen),
	END_TABLE
};
static const struct cli_node n_keygen_mod[] = {
	INT("modulus-bits", 360, 4096, "size of the key modulus [360-4096]", n_keygen_opts, h_keygen),
	END_TABLE
};
const struct cli_node n_keygen_opts[] = {
	KWF("exportable", "Allow the key to be exported", CLI_F_ONCE, n_keygen_opts, h_keygen),
	KWF("general-keys", "Generate a general purpose RSA key pair for signing and encryption",
	    CLI_F_ONCE, n_keygen_opts, h_keygen),
	KWF("label", "Provide a label", CLI_F_ONCE, n_keygen_label, NULL),
	KWF("modulus", "Provide number of modulus bits on the command line", CLI_F_ONCE,
	    n_keygen_mod, NULL),
	END_TABLE
};
static const struct cli_node n_keygen[] = {
	KW("rsa", "Generate RSA keys", n_keygen_opts, h_keygen),
	END_TABLE
};
static const struct cli_node n_zeroize_label[] = {
	WORD("label-name", "RSA keypair label", NULL, h_zeroize),
	END_TABLE
};
static const struct cli_node n_zeroize[] = {
	KW("rsa", "Remove RSA keys", n_zeroize_label, h_zeroize),
	END_TABLE
};
static const struct cli_node n_key_config[] = {
	KW("export", "Export keys", n_key_export, NULL),
	KW("generate", "Generate new keys", n_keygen, NULL),
	KW("import", "Import keys", n_key_import, NULL),
	KW("zeroize", "Remove keys", n_zeroize, NULL),
	END_TABLE
};

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
static char archive_enc[512];

static int password_arg(cli_sess *s, const cli_args *a, char *pw, size_t n, int *type)
{
	const char *given = cli_arg_str(a, "password-text");
	long long t = cli_arg_int(a, "password-type", -1);

	*type = t == 0 ? 0 : 7;
	if (t == 7) {
		if (type7_decode(given, pw, n) < 0)
			return cli_error(s, "Invalid encrypted password");
		return 1;
	}
	if (t > 0)
		return cli_error(s, "Only encryption types 0 and 7 are supported");
	snprintf(pw, n, "%s", given);
	return 0;
}

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
	archive_enc[0] = '\0';
	if (cli_arg_has(a, "password-text")) {
		rc = password_arg(s, a, c.archive_pw, sizeof c.archive_pw, &c.archive_pw_type);
		if (rc < 0)
			return rc;
		if (rc == 1)
			snprintf(archive_enc, sizeof archive_enc, "%s", cli_arg_str(a, "password-text"));
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

static void nvgen_cs_block(char **b, size_t *l, size_t *c, pk_cs *cs, int show_mode);

static int h_cs_show(cli_sess *s, const cli_args *a)
{
	char *b = NULL;
	size_t l = 0, c = 0;

	nvgen_cs_block(&b, &l, &c, cur_cs(s), 1);
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
		text = read_paste(s, 1);
	}
	if (!text)
		return cli_error(s, "No request given");
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
static const struct cli_node n_cs_exec_name[] = {
	WORD("server-name", "Certificate server name", n_cs_exec_ops, NULL),
	END_TABLE
};
static const struct cli_node n_pki_exec[] = {
	KW("server", "Certificate server operations", n_cs_exec_name, NULL),
	END_TABLE
};
const struct cli_node n_crypto_exec[] = {
	KW("pki", "Public Key components", n_pki_exec, NULL),
	END_TABLE
};

/* ---- crypto pki trustpoint NAME ------------------------------------------------------ */

static pk_tp *cur_tp(cli_sess *s)
{
	return pk_tp_find(P(), cli_ctx(s));
}

static int tp_apply(cli_sess *s, pk_tp *t, const struct pk_tp_config *c)
{
	int rc = pk_tp_set_config(t, c);
	return rc < 0 ? cli_core_error(s, rc) : 0;
}

enum {
	TP_URL, TP_MODE_RA, TP_RETRY_COUNT, TP_RETRY_PERIOD, TP_AUTO_ENROLL, TP_SUBJECT,
	TP_SERIAL, TP_IP, TP_FQDN, TP_PASSWORD, TP_REVOCATION, TP_RSAKEY, TP_FINGERPRINT,
	TP_HASH
};

static int h_tp_set(cli_sess *s, const cli_args *a)
{
	pk_tp *t = cur_tp(s);
	struct pk_tp_config c;
	int neg = a->neg != CLI_NEG_NONE, i;

	if (!t)
		return cli_error(s, "Trustpoint %s not found", cli_ctx(s));
	pk_tp_get_config(t, &c);
	switch (a->data) {
	case TP_URL:
		snprintf(c.enroll_url, sizeof c.enroll_url, "%s", neg ? "" : cli_arg_str(a, "url"));
		break;
	case TP_MODE_RA:
		c.mode_ra = !neg;
		break;
	case TP_RETRY_COUNT:
		c.retry_count = neg ? 999999 : (int)cli_arg_int(a, "count", 999999);
		break;
	case TP_RETRY_PERIOD:
		c.retry_period = neg ? 1 : (int)cli_arg_int(a, "minutes", 1);
		break;
	case TP_AUTO_ENROLL:
		c.auto_enroll = neg ? -1 : (int)cli_arg_int(a, "percent", 100);
		c.regenerate = !neg && cli_arg_has(a, "regenerate");
		break;
	case TP_SUBJECT:
		if (!neg && pk_dn_check(cli_arg_str(a, "dn")) < 0)
			return cli_invalid_arg(s, a, cli_arg_index(a, "dn"));
		snprintf(c.subject, sizeof c.subject, "%s", neg ? "" : cli_arg_str(a, "dn"));
		break;
	case TP_SERIAL:
		c.serial_number = neg ? PK_OPT_UNSET : cli_arg_has(a, "none") ? PK_OPT_NONE : PK_OPT_YES;
		break;
	case TP_IP:
		c.ip[0] = '\0';
		if (neg) {
			c.ip_mode = PK_OPT_UNSET;
		} else if (cli_arg_has(a, "none")) {
			c.ip_mode = PK_OPT_NONE;
		} else {
			c.ip_mode = PK_OPT_YES;
			snprintf(c.ip, sizeof c.ip, "%s", cli_arg_has(a, "ip") ? cli_arg_str(a, "ip")
				 : cli_arg_str(a, "interface"));
		}
		break;
	case TP_FQDN:
		snprintf(c.fqdn, sizeof c.fqdn, "%s", neg ? "" : cli_arg_str(a, "fqdn-name"));
		break;
	case TP_PASSWORD:
		c.password[0] = '\0';
		c.password_set = 0;
		c.password_type = 7;
		if (!neg) {
			int rc = password_arg(s, a, c.password, sizeof c.password, &c.password_type);
			if (rc < 0)
				return rc;
			c.password_set = 1;
		}
		break;
	case TP_REVOCATION:
		c.revocation = PK_REV_CRL;
		for (i = 0; !neg && i < a->n; i++) {
			const char *tok = a->v[i].node->tok;
			if (a->v[i].node->kind != CLI_KW || i < 1)
				continue;
			if (strcmp(tok, "none") == 0 && c.revocation == PK_REV_CRL && i == 1)
				c.revocation = PK_REV_NONE;
			else if (strcmp(tok, "ocsp") == 0 && i == 1)
				c.revocation = PK_REV_OCSP;
		}
		break;
	case TP_RSAKEY:
		snprintf(c.rsakeypair, sizeof c.rsakeypair, "%s", neg ? "" : cli_arg_str(a, "key-label"));
		c.rsakey_size = neg ? 0 : (int)cli_arg_int(a, "key-size", 0);
		break;
	case TP_FINGERPRINT:
		snprintf(c.fingerprint, sizeof c.fingerprint, "%s", neg ? "" : cli_arg_str(a, "fp"));
		break;
	case TP_HASH:
		snprintf(c.hash, sizeof c.hash, "%s", neg ? "" : a->v[a->n - 1].node->tok);
		break;
	}
	return tp_apply(s, t, &c);
}

#define TPD(t, h, nx, fl, d) { .tok = (t), .help = (h), .kind = CLI_KW, .flags = (fl), \
			       .next = (nx), .fn = h_tp_set, .data = (d) }
#define TPV(k, kind_, t, h, lo_, hi_, nx, d) { .tok = (t), .help = (h), .kind = (kind_), .key = (k), \
			       .lo = (lo_), .hi = (hi_), .next = (nx), .fn = h_tp_set, .data = (d) }

static const struct cli_node n_tp_url[] = {
	TPV("url", CLI_URL, "WORD", "Enrollment URL, e.g. http://127.0.0.1:80", 0, 0, NULL, TP_URL),
	END_TABLE
};
static const struct cli_node n_tp_mode[] = {
	TPD("ra", "The CA uses a registration authority", NULL, 0, TP_MODE_RA),
	END_TABLE
};
static const struct cli_node n_tp_count[] = {
	TPV("count", CLI_INT, NULL, "Number of polls", 1, 100, NULL, TP_RETRY_COUNT),
	END_TABLE
};
static const struct cli_node n_tp_period[] = {
	TPV("minutes", CLI_INT, NULL, "First poll interval in minutes", 1, 60, NULL, TP_RETRY_PERIOD),
	END_TABLE
};
static const struct cli_node n_tp_retry[] = {
	TPD("count", "Number of times to poll the CA", n_tp_count, CLI_F_NEG_END, TP_RETRY_COUNT),
	TPD("period", "First interval between polls", n_tp_period, CLI_F_NEG_END, TP_RETRY_PERIOD),
	END_TABLE
};
static const struct cli_node n_tp_enrollment[] = {
	{ .tok = "mode", .help = "Mode supported by the Certificate Authority", .kind = CLI_KW,
	  .next = n_tp_mode },
	{ .tok = "retry", .help = "Polling parameters", .kind = CLI_KW, .next = n_tp_retry },
	TPD("url", "CA server enrollment URL", n_tp_url, CLI_F_NEG_END, TP_URL),
	END_TABLE
};
static const struct cli_node n_tp_regen[] = {
	TPD("regenerate", "Generate a new key pair for every renewal", NULL, 0, TP_AUTO_ENROLL),
	END_TABLE
};
static const struct cli_node n_tp_autoenroll[] = {
	TPV("percent", CLI_INT, NULL, "Renew at this percentage of the certificate lifetime", 1, 100,
	    n_tp_regen, TP_AUTO_ENROLL),
	TPD("regenerate", "Generate a new key pair for every renewal", NULL, 0, TP_AUTO_ENROLL),
	END_TABLE
};
static const struct cli_node n_tp_subject[] = {
	{ .tok = "LINE", .help = "Subject name, e.g. CN=spoke-1.cisco.com,OU=CVO", .kind = CLI_LINE,
	  .key = "dn", .fn = h_tp_set, .data = TP_SUBJECT },
	END_TABLE
};
static const struct cli_node n_tp_serial[] = {
	TPD("none", "Do not include the serial number", NULL, 0, TP_SERIAL),
	END_TABLE
};
static const struct cli_node n_tp_ip[] = {
	TPV("ip", CLI_IPV4, "A.B.C.D", "IP address to include", 0, 0, NULL, TP_IP),
	TPD("none", "Do not include an IP address", NULL, 0, TP_IP),
	TPV("interface", CLI_WORD, "WORD", "Interface whose address to include", 0, 0, NULL, TP_IP),
	END_TABLE
};
static const struct cli_node n_tp_fqdn[] = {
	TPV("fqdn-name", CLI_WORD, "WORD", "Fully qualified domain name", 0, 0, NULL, TP_FQDN),
	END_TABLE
};
static const struct cli_node n_tp_pw_text[] = {
	TPV("password-text", CLI_WORD, "WORD", "The challenge password", 0, 0, NULL, TP_PASSWORD),
	END_TABLE
};
static const struct cli_node n_tp_pw[] = {
	{ .tok = NULL, .help = "Encryption type (0 = not encrypted, 7 = hidden)", .kind = CLI_INT,
	  .key = "password-type", .lo = 0, .hi = 7, .next = n_tp_pw_text },
	TPV("password-text", CLI_WORD, "WORD", "The challenge password", 0, 0, NULL, TP_PASSWORD),
	END_TABLE
};
extern const struct cli_node n_tp_rev[];
const struct cli_node n_tp_rev[] = {
	{ .tok = "crl", .help = "Revocation check by CRL", .kind = CLI_KW, .flags = CLI_F_ONCE,
	  .next = n_tp_rev, .fn = h_tp_set, .data = TP_REVOCATION },
	{ .tok = "none", .help = "Ignore revocation check", .kind = CLI_KW, .flags = CLI_F_ONCE,
	  .next = n_tp_rev, .fn = h_tp_set, .data = TP_REVOCATION },
	{ .tok = "ocsp", .help = "Revocation check by OCSP", .kind = CLI_KW, .flags = CLI_F_ONCE,
	  .next = n_tp_rev, .fn = h_tp_set, .data = TP_REVOCATION },
	END_TABLE
};
static const struct cli_node n_tp_rsa_enc[] = {
	TPV("enc-size", CLI_INT, NULL, "Encryption key size", 360, 4096, NULL, TP_RSAKEY),
	END_TABLE
};
static const struct cli_node n_tp_rsa_size[] = {
	TPV("key-size", CLI_INT, NULL, "Key size", 360, 4096, n_tp_rsa_enc, TP_RSAKEY),
	END_TABLE
};
static const struct cli_node n_tp_rsa[] = {
	TPV("key-label", CLI_WORD, "WORD", "Key pair label", 0, 0, n_tp_rsa_size, TP_RSAKEY),
	END_TABLE
};
static const struct cli_node n_tp_fp[] = {
	TPV("fp", CLI_WORD, "WORD", "Expected CA certificate fingerprint (hex)", 0, 0, NULL,
	    TP_FINGERPRINT),
	END_TABLE
};
static const struct cli_node n_tp_hash[] = {
	TPD("md5", "MD5", NULL, 0, TP_HASH),
	TPD("sha1", "SHA-1", NULL, 0, TP_HASH),
	TPD("sha256", "SHA-256", NULL, 0, TP_HASH),
	TPD("sha384", "SHA-384", NULL, 0, TP_HASH),
	TPD("sha512", "SHA-512", NULL, 0, TP_HASH),
	END_TABLE
};
static const struct cli_node n_tp_mode_table[] = {
	TPD("auto-enroll", "Automatically enroll and renew", n_tp_autoenroll, 0, TP_AUTO_ENROLL),
	{ .tok = "enrollment", .help = "Enrollment parameters", .kind = CLI_KW, .next = n_tp_enrollment },
	TPD("fingerprint", "Expected CA certificate fingerprint", n_tp_fp, CLI_F_NEG_END, TP_FINGERPRINT),
	TPD("fqdn", "Fully qualified domain name in the certificate", n_tp_fqdn, CLI_F_NEG_END, TP_FQDN),
	TPD("hash", "Hash algorithm of the SCEP messages", n_tp_hash, CLI_F_NEG_END, TP_HASH),
	TPD("ip-address", "IP address in the certificate", n_tp_ip, CLI_F_NEG_END, TP_IP),
	TPD("password", "Challenge password", n_tp_pw, CLI_F_NEG_END, TP_PASSWORD),
	TPD("revocation-check", "Revocation checking method", n_tp_rev, CLI_F_NEG_END, TP_REVOCATION),
	TPD("rsakeypair", "Key pair to enroll with", n_tp_rsa, CLI_F_NEG_END, TP_RSAKEY),
	TPD("serial-number", "Include the router serial number", n_tp_serial, 0, TP_SERIAL),
	TPD("subject-name", "Subject name in the certificate", n_tp_subject, CLI_F_NEG_END, TP_SUBJECT),
	END_TABLE
};

static const struct cli_mode mode_tp = {
	.name = "ca-trustpoint", .prompt = "(ca-trustpoint)", .parent = &cli_mode_config,
	.table = n_tp_mode_table, .flags = CLI_M_CONFIG,
};

static int h_pki_trustpoint(cli_sess *s, const cli_args *a)
{
	const char *name = cli_arg_str(a, "tp-name");
	pk_tp *t = pk_tp_find(P(), name);
	int rc;

	if (a->neg) {
		if (!t)
			return cli_error(s, "Trustpoint %s not found", name);
		if (pk_tp_is_server(t) && pk_cs_find(P(), name))
			return cli_error(s, "Trustpoint %s is used by certificate server %s", name, name);
		if (pk_tp_cert(t, PK_TP_ID) && !(cli_opts(s) & CLI_S_REPLAY)) {
			cli_printf(s, "%% Removing an enrolled trustpoint will destroy all certificates\n"
				   " received from the related Certificate Authority.\n\n");
			if (cli_confirm(s, "Are you sure you want to do this? [yes/no]: ") != 1)
				return 0;
		}
		rc = pk_tp_delete(P(), name);
		if (rc < 0)
			return cli_core_error(s, rc);
		pk_log(PK_LOG_INFO, "%%PKI-6-TRUSTPOINT_DELETE: Trustpoint: %s deleted succesfully", name);
		return 0;
	}
	if (!t) {
		if ((rc = pk_tp_create(P(), name, &t)) < 0)
			return cli_core_error(s, rc);
		pk_log(PK_LOG_INFO, "%%PKI-6-TRUSTPOINT_CREATE: Trustpoint: %s created succesfully", name);
	}
	cli_enter(s, &mode_tp, name);
	return 0;
}

/* ---- crypto pki authenticate / enroll ------------------------------------------------------ */

/* A configured fingerprint matches when it equals the MD5 or SHA-1
 * fingerprint, ignoring spaces, colons and case. */
static int fingerprint_matches(const char *want, const struct pk_cert_view *v)
{
	char a[128];
	size_t i, n = 0;

	for (i = 0; want[i] && n + 1 < sizeof a; i++)
		if (want[i] != ' ' && want[i] != ':')
			a[n++] = (char)toupper((unsigned char)want[i]);
	a[n] = '\0';
	return strcmp(a, v->md5_plain) == 0 || strcmp(a, v->sha1_plain) == 0;
}

static int h_authenticate(cli_sess *s, const cli_args *a)
{
	const char *name = cli_arg_str(a, "tp-name");
	pk_tp *t = pk_tp_find(P(), name);
	struct pk_tp_config cfg;
	struct pk_cert_view v;
	struct x509_st *ca = NULL;
	int rc, n = 1, yes;

	if (!t)
		return cli_error(s, "Trustpoint %s not found", name);
	pk_tp_get_config(t, &cfg);
	if (pk_tp_is_server(t))
		return cli_error(s, "Trustpoint %s belongs to the certificate server", name);
	if (!cfg.enroll_url[0])
		return cli_error(s, "Trustpoint %s: enrollment url not configured", name);
	rc = scep_client_getcacert(name, &ca, &n);
	if (rc < 0)
		return cli_error(s, "Error in receiving Certificate Authority certificate: %s", pk_err_msg());
	if (pk_cert_view(ca, &v) < 0) {
		pk_cert_free(ca);
		return cli_error(s, "Failed to authenticate the Certificate Authority");
	}
	cli_printf(s, "Certificate has the following attributes:\n"
		   "       Fingerprint MD5: %s\n      Fingerprint SHA1: %s\n", v.md5, v.sha1);
	if (cfg.fingerprint[0]) {
		if (!fingerprint_matches(cfg.fingerprint, &v)) {
			pk_cert_free(ca);
			return cli_error(s, "Certificate fingerprint does not match the configured "
					 "fingerprint; certificate rejected");
		}
		cli_printf(s, "\nCertificate validated - fingerprints matched.\n");
	} else {
		cli_printf(s, "\n");
		yes = cli_confirm(s, "% Do you accept this certificate? [yes/no]: ");
		if (yes != 1) {
			pk_cert_free(ca);
			if (yes == 0)
				cli_printf(s, "%% Certificate rejected.\n");
			return yes < 0 ? CLI_ERR : 0;
		}
	}
	rc = scep_client_accept_ca(name, ca);
	pk_cert_free(ca);
	if (rc < 0)
		return cli_core_error(s, rc);
	cli_printf(s, "Trustpoint CA certificate accepted.\n");
	return 0;
}

static void wipe(char *a, size_t na, char *b, size_t nb)
{
	memset(a, 0, na);
	memset(b, 0, nb);
}

static int h_enroll(cli_sess *s, const cli_args *a)
{
	const char *name = cli_arg_str(a, "tp-name");
	pk_tp *t = pk_tp_find(P(), name);
	pk_device *d = cli_dev(s);
	struct pk_tp_config cfg;
	char pw[128] = "", pw2[128] = "", ip[64] = "", ans[64], fqdn[300];
	int with_serial = 0, rc;

	if (!t)
		return cli_error(s, "Trustpoint %s not found", name);
	if (pk_tp_is_server(t))
		return cli_error(s, "Trustpoint %s belongs to the certificate server", name);
	if (!pk_tp_cert(t, PK_TP_CA))
		return cli_error(s, "You must authenticate the Certificate Authority before you can "
				 "enroll with it.");
	pk_tp_get_config(t, &cfg);
	if (!cfg.enroll_url[0])
		return cli_error(s, "Trustpoint %s: enrollment url not configured", name);
	if (pk_tp_cert(t, PK_TP_ID)) {
		cli_printf(s, "Trustpoint %s has already enrolled and has a router cert issued to it.\n"
			   "If you successfully re-enroll this trustpoint,the existing certificate will "
			   "be replaced.\n\n", name);
		if (cli_confirm(s, "Do you want to continue with re-enrollment? [yes/no]: ") != 1)
			return 0;
	}
	cli_printf(s, "%%\n%% Start certificate enrollment .. \n");
	if (cfg.password_set) {
		snprintf(pw, sizeof pw, "%s", cfg.password);
	} else {
		cli_printf(s, "%% Create a challenge password. You will need to verbally provide this\n"
			   "   password to the CA Administrator in order to revoke your certificate.\n"
			   "   For security reasons your password will not be saved in the configuration.\n"
			   "   Please make a note of it.\n\n");
		if (cli_ask_secret(s, "Password: ", pw, sizeof pw) < 0 ||
		    cli_ask_secret(s, "Re-enter password: ", pw2, sizeof pw2) < 0) {
			wipe(pw, sizeof pw, pw2, sizeof pw2);
			return CLI_ERR;
		}
		if (strcmp(pw, pw2) != 0) {
			wipe(pw, sizeof pw, pw2, sizeof pw2);
			return cli_error(s, "Passwords do not match.");
		}
		cli_printf(s, "\n");
	}
	if (cfg.subject[0])
		cli_printf(s, "%% The subject name in the certificate will include: %s\n", cfg.subject);
	pk_tp_fqdn(t, fqdn, sizeof fqdn);
	cli_printf(s, "%% The subject name in the certificate will include: %s\n", fqdn);
	if (cfg.serial_number == PK_OPT_YES) {
		cli_printf(s, "%% The serial number in the certificate will be: %s\n",
			   pk_device_board_id(d));
		with_serial = 1;
	} else if (cfg.serial_number == PK_OPT_UNSET) {
		with_serial = cli_confirm(s, "% Include the router serial number in the subject name? "
					  "[yes/no]: ");
		if (with_serial < 0)
			goto out;
	}
	if (cfg.ip_mode == PK_OPT_YES) {
		cli_printf(s, "%% The IP address in the certificate is %s\n", cfg.ip);
		snprintf(ip, sizeof ip, "%s", cfg.ip);
	} else if (cfg.ip_mode == PK_OPT_UNSET) {
		if (cli_ask(s, "% Include an IP address in the subject name? [no]: ", ans, sizeof ans) < 0)
			goto out;
		if (ans[0] == 'y' || ans[0] == 'Y') {
			if (cli_ask(s, "Enter Interface name or IP Address[]: ", ip, sizeof ip) < 0)
				goto out;
			if (cli_parse_ipv4(ip, NULL) < 0) {
				cli_error(s, "Interface %s not found; give an IP address", ip);
				goto out;
			}
		}
	}
	if (cli_confirm(s, "Request certificate from CA? [yes/no]: ") != 1)
		goto out;
	cli_printf(s, "%% Certificate request sent to Certificate Authority\n"
		   "%% The 'show crypto pki certificate verbose %s' commandwill show the fingerprint.\n",
		   name);
	rc = scep_client_enroll(name, pw, with_serial, ip);
	wipe(pw, sizeof pw, pw2, sizeof pw2);
	if (rc < 0 && rc != PK_ENET)
		return cli_core_error(s, rc);
	return 0;
out:
	wipe(pw, sizeof pw, pw2, sizeof pw2);
	return 0;
}

/* ---- crypto pki export TP pem terminal ---------------------------------------------------- */

/* IOS exports the CA certificate, the key (encrypted with the passphrase)
 * and the router certificate.  Without a passphrase pkish exports the
 * certificates only (docs/pki-client.md). */
static int h_pki_export(cli_sess *s, const cli_args *a)
{
	const char *name = cli_arg_str(a, "tp-name"), *pass = cli_arg_str(a, "passphrase");
	pk_tp *t = pk_tp_find(P(), name);
	const struct x509_st *ca, *id;
	char *pem;

	if (!t)
		return cli_error(s, "Trustpoint %s not found", name);
	ca = pk_tp_cert(t, PK_TP_CA);
	id = pk_tp_cert(t, PK_TP_ID);
	if (!ca && !id)
		return cli_error(s, "Trustpoint %s has no certificates", name);
	if (ca && (pem = pk_cert_pem(ca)) != NULL) {
		cli_printf(s, "%% CA certificate:\n%s\n", pem);
		free(pem);
	}
	if (pass) {
		char label[160], *pub = NULL, *priv = NULL;
		const char *cipher = cli_arg_has(a, "des") ? "des" : cli_arg_has(a, "aes") ? "aes" : "3des";
		pk_tp_key_label(t, label, sizeof label);
		if (!pk_key_find(P(), label))
			return cli_error(s, "Key %s not found", label);
		if (pk_key_export(P(), label, cipher, pass, &pub, &priv) < 0)
			return cli_error(s, "Key %s export failed: %s", label, pk_err_msg());
		cli_printf(s, "%% Key name: %s\n   Usage: General Purpose Key\n%% Key:\n%s\n", label, priv);
		free(pub);
		free(priv);
	}
	if (id && (pem = pk_cert_pem(id)) != NULL) {
		cli_printf(s, "%% General Purpose Certificate:\n%s\n", pem);
		free(pem);
	}
	return 0;
}

static const struct cli_node n_exp_pw_text[] = {
	WORD("passphrase", "Passphrase that protects the private key", NULL, h_pki_export),
	END_TABLE
};
static const struct cli_node n_exp_pw[] = {
	KW("password", "Passphrase that protects the private key", n_exp_pw_text, NULL),
	END_TABLE
};
static const struct cli_node n_exp_cipher[] = {
	KW("3des", "Encrypt the private key with 3DES", n_exp_pw, NULL),
	KW("aes", "Encrypt the private key with AES", n_exp_pw, NULL),
	KW("des", "Encrypt the private key with DES", n_exp_pw, NULL),
	END_TABLE
};
static const struct cli_node n_exp_dest[] = {
	KW("terminal", "Display on the terminal", n_exp_cipher, h_pki_export),
	END_TABLE
};
static const struct cli_node n_exp_fmt[] = {
	KW("pem", "PEM format", n_exp_dest, NULL),
	END_TABLE
};
static const struct cli_node n_exp_name[] = {
	WORD("tp-name", "Trustpoint name", n_exp_fmt, NULL),
	END_TABLE
};

/* ---- crypto pki certificate chain NAME -------------------------------------------------- */

struct hexbuf {
	cli_sess *s;
	char tp[128];
	int slot;
	char serial[84];
	char *hex;
	size_t len, cap;
};
static struct hexbuf hexbufs[32];

static struct hexbuf *hexbuf_of(cli_sess *s, int create)
{
	size_t i;
	struct hexbuf *free_slot = NULL;

	for (i = 0; i < sizeof hexbufs / sizeof hexbufs[0]; i++) {
		if (hexbufs[i].s == s)
			return &hexbufs[i];
		if (!hexbufs[i].s && !free_slot)
			free_slot = &hexbufs[i];
	}
	if (create && free_slot) {
		memset(free_slot, 0, sizeof *free_slot);
		free_slot->s = s;
	}
	return create ? free_slot : NULL;
}

static void hexbuf_done(struct hexbuf *h)
{
	free(h->hex);
	memset(h, 0, sizeof *h);
}

static int hex_val(int c)
{
	return isdigit(c) ? c - '0' : tolower(c) - 'a' + 10;
}

/* Serial numbers compare without leading zeros, case-insensitively. */
static int same_serial(const char *a, const char *b)
{
	while (*a == '0' && a[1])
		a++;
	while (*b == '0' && b[1])
		b++;
	return strcasecmp(a, b) == 0;
}

static int pubkey_raw(cli_sess *s, const char *line)
{
	struct hexbuf *h = hexbuf_of(s, 0);
	const char *p;
	unsigned char *der;
	struct x509_st *cert = NULL;
	struct pk_cert_view v;
	pk_tp *t;
	size_t i, n;
	int rc = 0;

	if (!h) {
		cli_exit_mode(s);
		return CLI_ERR;
	}
	for (p = line; *p == ' ' || *p == '\t'; p++)
		;
	if (strncmp(p, "quit", 4) != 0) {
		for (; *p; p++) {
			if (*p == ' ' || *p == '\t' || *p == '\r')
				continue;
			if (!isxdigit((unsigned char)*p)) {
				cli_raw_printf(s, "%% Invalid hex data: %s\n", line);
				return CLI_ERR;
			}
			if (h->len + 2 > h->cap) {
				size_t cap = h->cap ? h->cap * 2 : 4096;
				char *nh = realloc(h->hex, cap);
				if (!nh)
					return CLI_ERR;
				h->hex = nh;
				h->cap = cap;
			}
			h->hex[h->len++] = *p;
		}
		return 0;
	}
	/* quit: the certificate is complete */
	cli_exit_mode(s);
	n = h->len / 2;
	der = n && h->len % 2 == 0 ? malloc(n) : NULL;
	if (!der) {
		cli_raw_printf(s, "%% Certificate data is incomplete\n");
		hexbuf_done(h);
		return CLI_ERR;
	}
	for (i = 0; i < n; i++)
		der[i] = (unsigned char)(hex_val((unsigned char)h->hex[2 * i]) * 16 +
					 hex_val((unsigned char)h->hex[2 * i + 1]));
	if (pk_cert_parse(der, n, &cert) < 0 || pk_cert_view(cert, &v) < 0) {
		cli_raw_printf(s, "%% Invalid certificate data: %s\n", pk_err_msg());
		rc = CLI_ERR;
	} else if (!same_serial(v.serial_plain, h->serial)) {
		cli_raw_printf(s, "%% Certificate serial number %s does not match %s\n", v.serial, h->serial);
		rc = CLI_ERR;
	} else if (!(t = pk_tp_find(P(), h->tp))) {
		cli_raw_printf(s, "%% Trustpoint %s not found\n", h->tp);
		rc = CLI_ERR;
	} else if (pk_tp_set_cert(t, h->slot, cert) < 0) {
		cli_raw_printf(s, "%% %s\n", pk_err_msg());
		rc = CLI_ERR;
	}
	pk_cert_free(cert);
	free(der);
	hexbuf_done(h);
	return rc;
}

static void pubkey_exit(cli_sess *s)
{
	struct hexbuf *h = hexbuf_of(s, 0);
	if (h && !h->s)
		hexbuf_done(h);
}

static const struct cli_mode mode_chain;
static const struct cli_mode mode_pubkey = {
	.name = "config-pubkey", .prompt = "(config-pubkey)", .parent = &mode_chain,
	.table = NULL, .flags = 0, .raw = pubkey_raw, .on_exit = pubkey_exit,
};

static int chain_slot(const cli_args *a)
{
	int ca = cli_arg_has(a, "ca"), roll = cli_arg_has(a, "rollover");
	return ca ? (roll ? PK_TP_CA_ROLLOVER : PK_TP_CA) : (roll ? PK_TP_ID_ROLLOVER : PK_TP_ID);
}

static int h_chain_cert(cli_sess *s, const cli_args *a)
{
	pk_tp *t = cur_tp(s);
	struct hexbuf *h;
	const char *serial = cli_arg_str(a, "cert-serial");
	int slot = chain_slot(a);

	if (!t)
		return cli_error(s, "Trustpoint %s not found", cli_ctx(s));
	if (a->neg) {
		struct pk_cert_view v;
		const struct x509_st *c = pk_tp_cert(t, slot);
		if (!c || pk_cert_view(c, &v) < 0 || !same_serial(v.serial_plain, serial))
			return cli_error(s, "Certificate %s not found", serial);
		if (!(cli_opts(s) & CLI_S_REPLAY) &&
		    cli_confirm(s, "% Are you sure you want to remove the certificate [yes/no]: ") != 1)
			return 0;
		return pk_tp_set_cert(t, slot, NULL) < 0 ? cli_core_error(s, PK_EINVAL) : 0;
	}
	h = hexbuf_of(s, 1);
	if (!h)
		return cli_error(s, "Too many certificates being entered at once");
	snprintf(h->tp, sizeof h->tp, "%s", pk_tp_name(t));
	snprintf(h->serial, sizeof h->serial, "%s", serial);
	h->slot = slot;
	if (!(cli_opts(s) & CLI_S_REPLAY))
		cli_printf(s, "Enter the certificate in hexidecimal representation....\n");
	cli_enter(s, &mode_pubkey, pk_tp_name(t));
	return 0;
}

static const struct cli_node n_chain_serial[] = {
	{ .tok = "WORD", .help = "Certificate serial number (hex)", .kind = CLI_HEX,
	  .key = "cert-serial", .fn = h_chain_cert },
	END_TABLE
};
static const struct cli_node n_chain_roll[] = {
	KW("rollover", "Rollover certificate", n_chain_serial, NULL),
	{ .tok = "WORD", .help = "Certificate serial number (hex)", .kind = CLI_HEX,
	  .key = "cert-serial", .fn = h_chain_cert },
	END_TABLE
};
static const struct cli_node n_chain_cert[] = {
	KW("ca", "CA certificate", n_chain_roll, NULL),
	KW("rollover", "Rollover certificate", n_chain_serial, NULL),
	{ .tok = "WORD", .help = "Certificate serial number (hex)", .kind = CLI_HEX,
	  .key = "cert-serial", .fn = h_chain_cert },
	END_TABLE
};
static const struct cli_node n_chain_mode[] = {
	KW("certificate", "Enter a certificate", n_chain_cert, NULL),
	END_TABLE
};
static const struct cli_mode mode_chain = {
	.name = "config-cert-chain", .prompt = "(config-cert-chain)", .parent = &cli_mode_config,
	.table = n_chain_mode, .flags = CLI_M_CONFIG,
};

static int h_pki_chain(cli_sess *s, const cli_args *a)
{
	const char *name = cli_arg_str(a, "tp-name");
	pk_tp *t = pk_tp_find(P(), name);
	int i;

	if (!t)
		return cli_error(s, "Trustpoint %s not found", name);
	if (a->neg) {
		for (i = 0; i < PK_TP__SLOTS; i++)
			pk_tp_set_cert(t, i, NULL);
		return 0;
	}
	cli_enter(s, &mode_chain, name);
	return 0;
}

static const struct cli_node n_chain_name[] = {
	WORD("tp-name", "Trustpoint name", NULL, h_pki_chain),
	END_TABLE
};
static const struct cli_node n_pki_cert[] = {
	KW("chain", "Certificate chain of a trustpoint", n_chain_name, NULL),
	END_TABLE
};
static const struct cli_node n_pki_tp_name[] = {
	WORD("tp-name", "Trustpoint name", NULL, h_pki_trustpoint),
	END_TABLE
};
static const struct cli_node n_pki_server_name[] = {
	WORD("server-name", "Certificate server name", NULL, h_pki_server),
	END_TABLE
};
static const struct cli_node n_pki_auth_name[] = {
	WORD("tp-name", "Trustpoint name", NULL, h_authenticate),
	END_TABLE
};
static const struct cli_node n_pki_enroll_name[] = {
	WORD("tp-name", "Trustpoint name", NULL, h_enroll),
	END_TABLE
};
static const struct cli_node n_pki_config[] = {
	KWF("authenticate", "Get the certification authority certificate", CLI_F_NONEG,
	    n_pki_auth_name, NULL),
	KW("certificate", "Certificates", n_pki_cert, NULL),
	KWF("enroll", "Request a certificate from a certification authority", CLI_F_NONEG,
	    n_pki_enroll_name, NULL),
	KWF("export", "Export certificates (and the key)", CLI_F_NONEG, n_exp_name, NULL),
	KW("server", "Enable and configure the certificate server", n_pki_server_name, NULL),
	KW("trustpoint", "Define a CA trustpoint", n_pki_tp_name, NULL),
	END_TABLE
};
const struct cli_node n_crypto_config[] = {
	KW("key", "Long term key operations", n_key_config, NULL),
	KW("pki", "Public Key components", n_pki_config, NULL),
	END_TABLE
};

/* ---- show ---------------------------------------------------------------------------------- */

static int h_show_timers(cli_sess *s, const cli_args *a)
{
	pk_device *d = cli_dev(s);
	char *t = tmr_render(pk_device_timers(d), pk_device_now(d), cli_arg_has(a, "detail"));

	if (!t)
		return cli_error(s, "Out of memory");
	cli_puts(s, t);
	free(t);
	return 0;
}

static int h_show_certs(cli_sess *s, const cli_args *a)
{
	show_certificates(s, cli_arg_str(a, "tp-name"), cli_arg_has(a, "verbose"));
	return 0;
}

static int h_show_tps(cli_sess *s, const cli_args *a)
{
	show_trustpoints(s, cli_arg_str(a, "tp-name"), cli_arg_has(a, "status"));
	return 0;
}

static int h_show_server(cli_sess *s, const cli_args *a)
{
	const char *name = cli_arg_str(a, "server-name");
	pk_cs *cs = name ? pk_cs_find(P(), name) : pk_cs_first(P());

	if (!cs) {
		if (name)
			return cli_error(s, "Certificate server %s not found", name);
		return 0;
	}
	if (cli_arg_has(a, "requests"))
		show_cs_requests(s, cs);
	else if (cli_arg_has(a, "certificates"))
		show_cs_certificates(s, cs);
	else if (cli_arg_has(a, "crl"))
		show_cs_crl(s, cs);
	else
		show_cs(s, cs);
	return 0;
}

static int h_show_mypubkey(cli_sess *s, const cli_args *a)
{
	show_mypubkey(s, cli_arg_str(a, "label-name"));
	return 0;
}

static const struct cli_node n_show_timer[] = {
	KW("detail", "Show detailed timer information", NULL, h_show_timers),
	END_TABLE
};
static const struct cli_node n_show_cert_verbose[] = {
	KW("verbose", "Display in verbose", NULL, h_show_certs),
	END_TABLE
};
static const struct cli_node n_show_cert_tp[] = {
	WORD("tp-name", "Trustpoint name", NULL, h_show_certs),
	END_TABLE
};
static const struct cli_node n_show_certs[] = {
	WORD("tp-name", "Trustpoint name", n_show_cert_verbose, h_show_certs),
	KW("verbose", "Display in verbose", n_show_cert_tp, h_show_certs),
	END_TABLE
};
static const struct cli_node n_show_tp_status[] = {
	KW("status", "Show trustpoint status", NULL, h_show_tps),
	END_TABLE
};
static const struct cli_node n_show_tps[] = {
	WORD("tp-name", "Trustpoint name", n_show_tp_status, h_show_tps),
	KW("status", "Show trustpoint status", NULL, h_show_tps),
	END_TABLE
};
static const struct cli_node n_show_server_what[] = {
	KW("certificates", "Issued certificates", NULL, h_show_server),
	KW("crl", "Certificate revocation list", NULL, h_show_server),
	KW("requests", "Enrollment request database", NULL, h_show_server),
	END_TABLE
};
static const struct cli_node n_show_server[] = {
	WORD("server-name", "Certificate server name", n_show_server_what, h_show_server),
	END_TABLE
};
static const struct cli_node n_show_pki[] = {
	KW("certificates", "Show certificates", n_show_certs, h_show_certs),
	KW("server", "Show certificate server status", n_show_server, h_show_server),
	KWF("timer", "Show PKI timers", CLI_F_HIDDEN, n_show_timer, NULL),
	KW("timers", "Show PKI Timers", n_show_timer, h_show_timers),
	KW("trustpoints", "Show trustpoints", n_show_tps, h_show_tps),
	END_TABLE
};
static const struct cli_node n_show_mypub_label[] = {
	WORD("label-name", "RSA keypair label", NULL, h_show_mypubkey),
	END_TABLE
};
static const struct cli_node n_show_mypub_rsa[] = {
	KW("rsa", "Show RSA public keys", n_show_mypub_label, h_show_mypubkey),
	END_TABLE
};
static const struct cli_node n_show_mypub[] = {
	KW("mypubkey", "Show public keys associated with this router", n_show_mypub_rsa, NULL),
	END_TABLE
};
const struct cli_node n_show_crypto[] = {
	KW("key", "Show long term public keys", n_show_mypub, NULL),
	KW("pki", "Public Key components", n_show_pki, NULL),
	END_TABLE
};

/* ---- running-config ------------------------------------------------------------------------- */

static void lifetime_line(char **b, size_t *l, size_t *c, const char *pre, const char *what,
			  tmr_ms v)
{
	long long d = v / TMR_DAY, h = v % TMR_DAY / TMR_HOUR, m = v % TMR_HOUR / TMR_MIN;

	if (m)
		cli_buf_printf(b, l, c, "%slifetime %s %lld %lld %lld\n", pre, what, d, h, m);
	else if (h)
		cli_buf_printf(b, l, c, "%slifetime %s %lld %lld\n", pre, what, d, h);
	else
		cli_buf_printf(b, l, c, "%slifetime %s %lld\n", pre, what, d);
}

static void password_text(const char *pw, int type, const char *given_enc, char *out, size_t n)
{
	char dec[256];

	if (type == 0) {
		snprintf(out, n, "0 %s", pw);
		return;
	}
	/* keep the type 7 text the password came in with, if it still matches */
	if (given_enc && *given_enc && type7_decode(given_enc, dec, sizeof dec) == 0 &&
	    strcmp(dec, pw) == 0) {
		snprintf(out, n, "7 %s", given_enc);
		return;
	}
	out[0] = '7';
	out[1] = ' ';
	type7_encode(pw, TYPE7_SEED, out + 2, n - 2);
}

/* The server block: running-config (show_mode 0) or the sub-mode's `show`
 * (show_mode 1), both with a one-space indent as in the captures.  `show`
 * starts with the serial counter and adds the defaults of the level,
 * archive, issuer and lifetimes (not the url or the admin state); the
 * running-config has only what differs from the defaults, and `shutdown`
 * only for a shut server (an enabled one is written without a line, as
 * IOS does). */
static void nvgen_cs_block(char **b, size_t *l, size_t *c, pk_cs *cs, int show_mode)
{
	struct pk_cs_config k;
	const char *pre = " ";
	static const char *const levels[] = { "minimum", "names", "complete" };
	char pw[800];

	pk_cs_get_config(cs, &k);
	if (!show_mode) {
		cli_buf_printf(b, l, c, "crypto pki server %s\n", pk_cs_name(cs));
		if (k.serial_number)
			cli_buf_printf(b, l, c, "%sserial-number 0x%llX\n", pre, k.serial_number);
	} else {
		struct pk_cs_view v;
		pk_cs_view(cs, &v);
		cli_buf_printf(b, l, c, "%sserial-number 0x%s\n", pre, v.last_serial);
	}
	if (k.db_level != PK_DB_MINIMUM || show_mode)
		cli_buf_printf(b, l, c, "%sdatabase level %s\n", pre, levels[k.db_level % 3]);
	if (k.archive == PK_ARCHIVE_NONE) {
		cli_buf_printf(b, l, c, "%sno database archive\n", pre);
	} else if (k.archive_pw[0]) {
		password_text(k.archive_pw, k.archive_pw_type, archive_enc, pw, sizeof pw);
		cli_buf_printf(b, l, c, "%sdatabase archive %s password %s\n", pre,
			       k.archive == PK_ARCHIVE_PEM ? "pem" : "pkcs12", pw);
	} else if (k.archive == PK_ARCHIVE_PEM || show_mode) {
		cli_buf_printf(b, l, c, "%sdatabase archive %s\n", pre,
			       k.archive == PK_ARCHIVE_PEM ? "pem" : "pkcs12");
	}
	if (k.issuer[0])
		cli_buf_printf(b, l, c, "%sissuer-name %s\n", pre, k.issuer);
	else if (show_mode)
		cli_buf_printf(b, l, c, "%sissuer-name CN=%s\n", pre, pk_cs_name(cs));
	if (k.grant == PK_GRANT_AUTO)
		cli_buf_printf(b, l, c, "%sgrant auto\n", pre);
	else if (k.grant == PK_GRANT_AUTO_TP)
		cli_buf_printf(b, l, c, "%sgrant auto trustpoint %s\n", pre, k.grant_tp);
	else if (k.grant == PK_GRANT_NONE)
		cli_buf_printf(b, l, c, "%sgrant none\n", pre);
	if (k.hash[0] && strcmp(k.hash, "md5") != 0)
		cli_buf_printf(b, l, c, "%shash %s\n", pre, k.hash);
	if (k.cdp_url[0])
		cli_buf_printf(b, l, c, "%scdp-url %s\n", pre, k.cdp_url);
	if (k.life_crl != 6 * TMR_HOUR || show_mode) {
		long long h = k.life_crl / TMR_HOUR, m = k.life_crl % TMR_HOUR / TMR_MIN;
		if (m)
			cli_buf_printf(b, l, c, "%slifetime crl %lld %lld\n", pre, h, m);
		else
			cli_buf_printf(b, l, c, "%slifetime crl %lld\n", pre, h);
	}
	if (k.life_cert != 365 * TMR_DAY || show_mode)
		lifetime_line(b, l, c, pre, "certificate", k.life_cert);
	if (k.life_ca != 1095 * TMR_DAY || show_mode)
		lifetime_line(b, l, c, pre, "ca-certificate", k.life_ca);
	if (k.life_er != 168 * TMR_HOUR || show_mode)
		cli_buf_printf(b, l, c, "%slifetime enrollment-request %lld\n", pre,
			       (long long)(k.life_er / TMR_HOUR));
	if (strcmp(k.db_url, "nvram:") != 0)
		cli_buf_printf(b, l, c, "%sdatabase url %s\n", pre, k.db_url);
	if (k.auto_rollover >= 0) {
		long long d = k.auto_rollover / TMR_DAY, h = k.auto_rollover % TMR_DAY / TMR_HOUR;
		long long m = k.auto_rollover % TMR_HOUR / TMR_MIN;
		if (m)
			cli_buf_printf(b, l, c, "%sauto-rollover %lld %lld %lld\n", pre, d, h, m);
		else if (h)
			cli_buf_printf(b, l, c, "%sauto-rollover %lld %lld\n", pre, d, h);
		else
			cli_buf_printf(b, l, c, "%sauto-rollover %lld\n", pre, d);
	}
	if (k.shutdown && !show_mode)
		cli_buf_printf(b, l, c, "%sshutdown\n", pre);
}

static void nvgen_tp(char **b, size_t *l, size_t *c, pk_tp *t)
{
	struct pk_tp_config k;
	char pw[800];

	pk_tp_get_config(t, &k);
	cli_buf_printf(b, l, c, "crypto pki trustpoint %s\n", pk_tp_name(t));
	if (k.mode_ra)
		cli_buf_printf(b, l, c, " enrollment mode ra\n");
	if (k.enroll_url[0])
		cli_buf_printf(b, l, c, " enrollment url %s\n", k.enroll_url);
	if (k.retry_period != 1)
		cli_buf_printf(b, l, c, " enrollment retry period %d\n", k.retry_period);
	if (k.retry_count != 999999)
		cli_buf_printf(b, l, c, " enrollment retry count %d\n", k.retry_count);
	if (k.serial_number == PK_OPT_YES)
		cli_buf_printf(b, l, c, " serial-number\n");
	else if (k.serial_number == PK_OPT_NONE)
		cli_buf_printf(b, l, c, " serial-number none\n");
	if (k.fqdn[0])
		cli_buf_printf(b, l, c, " fqdn %s\n", k.fqdn);
	if (k.ip_mode == PK_OPT_YES)
		cli_buf_printf(b, l, c, " ip-address %s\n", k.ip);
	else if (k.ip_mode == PK_OPT_NONE)
		cli_buf_printf(b, l, c, " ip-address none\n");
	if (k.password_set) {
		password_text(k.password, k.password_type, NULL, pw, sizeof pw);
		cli_buf_printf(b, l, c, " password %s\n", pw);
	}
	if (k.subject[0])
		cli_buf_printf(b, l, c, " subject-name %s\n", k.subject);
	cli_buf_printf(b, l, c, " revocation-check %s\n", k.revocation == PK_REV_NONE ? "none" :
		       k.revocation == PK_REV_OCSP ? "ocsp" : "crl");
	if (k.rsakeypair[0]) {
		if (k.rsakey_size)
			cli_buf_printf(b, l, c, " rsakeypair %s %d\n", k.rsakeypair, k.rsakey_size);
		else
			cli_buf_printf(b, l, c, " rsakeypair %s\n", k.rsakeypair);
	}
	if (k.fingerprint[0])
		cli_buf_printf(b, l, c, " fingerprint %s\n", k.fingerprint);
	if (k.hash[0])
		cli_buf_printf(b, l, c, " hash %s\n", k.hash);
	if (k.auto_enroll >= 0) {
		if (k.auto_enroll == 100 && !k.regenerate)
			cli_buf_printf(b, l, c, " auto-enroll\n");
		else
			cli_buf_printf(b, l, c, " auto-enroll %d%s\n", k.auto_enroll,
				       k.regenerate ? " regenerate" : "");
	}
	cli_buf_printf(b, l, c, "!\n");
}

static void nvgen_chain(char **b, size_t *l, size_t *c, pk_tp *t)
{
	static const struct { int slot; const char *kw; } order[] = {
		{ PK_TP_ID_ROLLOVER, "rollover " }, { PK_TP_ID, "" },
		{ PK_TP_CA_ROLLOVER, "ca rollover " }, { PK_TP_CA, "ca " },
	};
	size_t i;
	int any = 0;

	for (i = 0; i < 4; i++) {
		const struct x509_st *cert = pk_tp_cert(t, order[i].slot);
		struct pk_cert_view v;
		unsigned char *der = NULL;
		size_t len = 0;
		char *hex;

		if (!cert || pk_cert_view(cert, &v) < 0 || pk_cert_der(cert, &der, &len) < 0)
			continue;
		if (!any)
			cli_buf_printf(b, l, c, "crypto pki certificate chain %s\n", pk_tp_name(t));
		any = 1;
		cli_buf_printf(b, l, c, " certificate %s%s\n", order[i].kw, v.serial);
		hex = pk_hex_lines(der, len, "  ");
		if (hex)
			cli_buf_printf(b, l, c, "%s", hex);
		cli_buf_printf(b, l, c, "  \tquit\n");
		free(hex);
		free(der);
	}
	if (any)
		cli_buf_printf(b, l, c, "!\n");
}

void cli_nvgen_pki(pk_device *d, char **b, size_t *l, size_t *c)
{
	pk_pki *p = P();
	pk_cs *cs;
	size_t i;

	(void)d;
	if (!p)
		return;
	if ((cs = pk_cs_first(p)) != NULL) {
		nvgen_cs_block(b, l, c, cs, 0);
		cli_buf_printf(b, l, c, "!\n");
	}
	for (i = 0; i < pk_tp_count(p); i++)
		nvgen_tp(b, l, c, pk_tp_at(p, i));
	for (i = 0; i < pk_tp_count(p); i++)
		nvgen_chain(b, l, c, pk_tp_at(p, i));
}

int cli_http_apply(cli_sess *s)
{
	int rc = 0;

	if (!P())
		return 0;
	/* Replaying a configuration: the listener starts once it is all in
	 * (cli_replay_config), so `ip http server` + `ip http port N` never
	 * binds port 80 on the way. */
	if (cli_opts(s) & CLI_S_REPLAY)
		return 0;
	if (scep_http_apply(P(), pkish_http_bind()) < 0) {
		cli_error(s, "HTTP server not started: %s", pk_err_msg());
		rc = CLI_ERR;
	}
	pk_cs_http_changed(P());
	return rc;
}

/*
 * nodes_tp.c — the trustpoint commands: the `crypto pki trustpoint NAME`
 * config sub-mode (ca-trustpoint), `crypto pki authenticate` and `crypto
 * pki enroll` (the SCEP client dialogs) and `crypto pki export TP pem
 * terminal`.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/cli_int.h"
#include "cli/cmds.h"
#include "cli/nodes_pki.h"
#include "scep/client.h"

/* ---- crypto pki trustpoint NAME ------------------------------------------------------ */

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
			int rc = cli_password_arg(s, a, c.password, sizeof c.password, &c.password_type);
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

const struct cli_node n_pki_tp_name[] = {
	WORD("tp-name", "Trustpoint name", NULL, h_pki_trustpoint),
	END_TABLE
};

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

const struct cli_node n_pki_auth_name[] = {
	WORD("tp-name", "Trustpoint name", NULL, h_authenticate),
	END_TABLE
};
const struct cli_node n_pki_enroll_name[] = {
	WORD("tp-name", "Trustpoint name", NULL, h_enroll),
	END_TABLE
};

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
const struct cli_node n_exp_name[] = {
	WORD("tp-name", "Trustpoint name", n_exp_fmt, NULL),
	END_TABLE
};

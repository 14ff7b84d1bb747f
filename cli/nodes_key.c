/*
 * nodes_key.c — `crypto key`: generate, zeroize, import and export of RSA
 * key pairs (config mode), and the tables under `crypto key`.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/cmds.h"
#include "cli/nodes_pki.h"

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
	if ((rc = pk_key_label_check(label)) < 0)
		return cli_core_error(s, rc);        /* before anything is said or asked */
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
		if ((rc = pk_key_zeroize(P(), v.label)) < 0)
			return cli_core_error(s, rc);
	}
	if (label) {
		drop_certs_of_key(label);
		if ((rc = pk_key_zeroize(P(), label)) < 0)
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
		pub = cli_read_paste(s, 1);
		if (!cli_interrupted(s)) {
			cli_printf(s, "%% Enter PEM-formatted encrypted private General Purpose key.\n"
				   "%% End with \"quit\" on a line by itself.\n");
			priv = cli_read_paste(s, 0);
		}
	}
	if (cli_interrupted(s)) {         /* ^C while pasting: nothing imported */
		free(pub);
		free(priv);
		return CLI_ERR;
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
const struct cli_node n_key_config[] = {
	KW("export", "Export keys", n_key_export, NULL),
	KW("generate", "Generate new keys", n_keygen, NULL),
	KW("import", "Import keys", n_key_import, NULL),
	KW("zeroize", "Remove keys", n_zeroize, NULL),
	END_TABLE
};


/*
 * nodes_pki.c — the top of the crypto command tree (`crypto key`,
 * `crypto pki` in config and EXEC mode, `show crypto ...`), the PKI show
 * handlers, the PKI part of the running-config (and the cs-server `show`,
 * which prints the same block) and cli_http_apply.  The helpers that the
 * nodes_*.c crypto files share are here too (declared in nodes_pki.h).
 * The commands themselves: nodes_key.c, nodes_cs.c, nodes_tp.c and
 * nodes_chain.c.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/cmds.h"
#include "cli/nodes_pki.h"
#include "cli/pkish.h"
#include "cli/show_pki.h"
#include "cli/type7.h"
#include "scep/scep.h"

#define TYPE7_SEED 2

/* ---- shared helpers ---------------------------------------------------------- */

/* Read lines (a paste) until "quit" or, when blank_ends, a blank line. */
char *cli_read_paste(cli_sess *s, int blank_ends)
{
	char *buf = NULL, line[1024];
	size_t l = 0, c = 0;

	for (;;) {
		char *p;
		size_t n;
		if (cli_ask(s, "", line, sizeof line) < 0) {
			if (cli_interrupted(s)) {
				/* ^C: nothing of what was pasted is used */
				free(buf);
				return NULL;
			}
			break;
		}
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

int cli_password_arg(cli_sess *s, const cli_args *a, char *pw, size_t n, int *type)
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

/* ---- top-level crypto tables --------------------------------------------------- */

static const struct cli_node n_pki_exec[] = {
	KW("server", "Certificate server operations", n_cs_exec_name, NULL),
	END_TABLE
};
const struct cli_node n_crypto_exec[] = {
	KW("pki", "Public Key components", n_pki_exec, NULL),
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
void cli_nvgen_cs_block(char **b, size_t *l, size_t *c, pk_cs *cs, int show_mode)
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
		password_text(k.archive_pw, k.archive_pw_type, cli_cs_archive_enc, pw, sizeof pw);
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
		cli_nvgen_cs_block(b, l, c, cs, 0);
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

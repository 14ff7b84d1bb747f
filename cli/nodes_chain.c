/*
 * nodes_chain.c — `crypto pki certificate chain NAME` (config-cert-chain)
 * and its raw hex sub-mode (config-pubkey): the certificates of a
 * trustpoint as the running-config carries them.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "cli/cli.h"
#include "cli/cli_int.h"
#include "cli/cmds.h"
#include "cli/nodes_pki.h"

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
	/* quit: the certificate is complete (the mode is left last: leaving
	 * it any other way drops the buffer) */
	n = h->len / 2;
	der = n && h->len % 2 == 0 ? malloc(n) : NULL;
	if (!der) {
		cli_raw_printf(s, "%% Certificate data is incomplete\n");
		hexbuf_done(h);
		cli_exit_mode(s);
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
	cli_exit_mode(s);
	return rc;
}

/* Left without `quit` (exit, end, a walkup, the end of a replay): the
 * unfinished certificate is dropped, and so is its buffer. */
static void pubkey_exit(cli_sess *s)
{
	struct hexbuf *h = hexbuf_of(s, 0);
	if (h)
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
const struct cli_node n_pki_cert[] = {
	KW("chain", "Certificate chain of a trustpoint", n_chain_name, NULL),
	END_TABLE
};

/*
 * show_pki.c — the PKI show commands, in the exact formats of spec §5:
 * show crypto pki server [NAME] [requests|certificates|crl] (§5.1–5.4),
 * show crypto pki certificates [verbose] [TP] (§5.5),
 * show crypto pki trustpoints [TP] [status] (§5.6),
 * show crypto key mypubkey rsa [LABEL] (§5.8).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/cmds.h"
#include "cli/pkish.h"
#include "cli/show_pki.h"
#include "scep/client.h"

static void date(cli_sess *s, tmr_ms t, char *buf, size_t n)
{
	tmr_fmt_date(pk_device_clock(cli_dev(s)), t, buf, n);
}

/* Print '\n'-separated DN lines, each with the given indent. */
static void dn_lines(cli_sess *s, const char *indent, const char *lines)
{
	const char *p = lines;

	while (*p) {
		const char *nl = strchr(p, '\n');
		size_t n = nl ? (size_t)(nl - p) : strlen(p);
		cli_printf(s, "%s%.*s\n", indent, (int)n, p);
		p += n;
		if (*p == '\n')
			p++;
	}
}

/* ---- show crypto pki server ------------------------------------------------- */

static const char *level_text(int level)
{
	switch (level) {
	case PK_DB_NAMES:
		return "Names - all issued certs written as <serialnum>.cnm";
	case PK_DB_COMPLETE:
		return "Complete - all issued certs written as <serialnum>.cer";
	}
	return "Minimum - no cert data written to storage";
}

void show_cs(cli_sess *s, pk_cs *cs)
{
	struct pk_cs_view v;
	char d[64];

	pk_cs_view(cs, &v);
	cli_printf(s, "Certificate Server %s:\n", v.name);
	if (v.why[0])
		cli_printf(s, "    Status: disabled, %s\n", v.why);
	else
		cli_printf(s, "    Status: %s\n", v.enabled ? "enabled" : "disabled");
	cli_printf(s, "    State: %s\n", v.check_failed ? "check failed" :
		   v.enabled ? "enabled" : "disabled");
	/* locked = admin up, also while a check fails (docs/pki-server.md §4) */
	if (v.locked)
		cli_printf(s, "    Server's configuration is locked  (enter \"shut\" to unlock it)\n");
	else
		cli_printf(s, "    Server's configuration is unlocked  (enter \"no shut\" to lock it)\n");
	{
		struct pk_cs_config c;
		pk_cs_get_config(cs, &c);
		if (c.issuer[0])
			cli_printf(s, "    Issuer name: %s\n", c.issuer);
		else
			cli_printf(s, "    Issuer name: CN=%s\n", v.name);
	}
	cli_printf(s, "    CA cert fingerprint: %s\n", v.has_ca ? v.ca_md5 : "-Not found-");
	cli_printf(s, "    Granting mode is: %s\n", v.grant_text);
	cli_printf(s, "    Last certificate issued serial number (hex): %s\n",
		   v.last_serial[0] ? v.last_serial : "0");
	if (v.ca_expire) {
		date(s, v.ca_expire, d, sizeof d);
		cli_printf(s, "    CA certificate expiration timer: %s\n", d);
	}
	if (v.crl_next) {
		date(s, v.crl_next, d, sizeof d);
		cli_printf(s, "    CRL NextUpdate timer: %s\n", d);
	}
	cli_printf(s, "    Current primary storage dir: %s\n", v.db_url);
	cli_printf(s, "    Database Level: %s\n", level_text(v.db_level));
	if (v.has_rollover) {
		cli_printf(s, "    Rollover status: available for rollover\n");
		cli_printf(s, "    Rollover CA certificate fingerprint: %s\n", v.rollover_md5);
		date(s, v.rollover_expire, d, sizeof d);
		cli_printf(s, "    Rollover CA certificate expiration time: %s\n", d);
	}
	if (v.auto_rollover >= 0)
		cli_printf(s, "    Auto-Rollover configured, overlap period %lld days\n",
			   (long long)(v.auto_rollover / TMR_DAY));
	if (v.autorollover_timer) {
		date(s, v.autorollover_timer, d, sizeof d);
		cli_printf(s, "    Autorollover timer: %s\n", d);
	}
}

void show_cs_requests(cli_sess *s, pk_cs *cs)
{
	struct pk_req_view *v;
	size_t n, i;
	static const char *const st[] = { "pending", "granted", "rejected" };
	static const char *const sections[] = {
		"Subordinate CA certificate requests:", "RA certificate requests:",
		"Router certificates requests:"
	};
	int k;

	n = pk_cs_requests(cs, NULL, 0);
	v = n ? calloc(n, sizeof *v) : NULL;
	if (n && !v) {
		cli_error(s, "Out of memory");
		return;
	}
	n = pk_cs_requests(cs, v, n);
	cli_printf(s, "Enrollment Request Database:\n");
	for (k = 0; k < 3; k++) {
		cli_printf(s, "\n%s\n", sections[k]);
		cli_printf(s, "ReqID  State      Fingerprint                      SubjectName\n");
		cli_printf(s, "--------------------------------------------------------------\n");
		if (k != 2)
			continue;
		for (i = 0; i < n; i++)
			cli_printf(s, "%-7ld%-11s%-33s%s\n", v[i].id,
				   v[i].state >= 0 && v[i].state <= 2 ? st[v[i].state] : "?",
				   v[i].fp, v[i].subject);
	}
	free(v);
}

void show_cs_certificates(cli_sess *s, pk_cs *cs)
{
	struct pk_issued_view *v;
	size_t n, i;
	char a[64], b[64];

	n = pk_cs_issued(cs, NULL, 0);
	v = n ? calloc(n, sizeof *v) : NULL;
	if (n && !v) {
		cli_error(s, "Out of memory");
		return;
	}
	n = pk_cs_issued(cs, v, n);
	cli_printf(s, "%-7s%-25s%-26s%s\n", "Serial", "Issued date", "Expire date", "Subject Name");
	for (i = 0; i < n; i++) {
		date(s, v[i].issued, a, sizeof a);
		date(s, v[i].expires, b, sizeof b);
		cli_printf(s, "%-8s%-25s%-26s%s\n", v[i].serial, a, b, v[i].subject);
	}
	free(v);
}

void show_cs_crl(cli_sess *s, pk_cs *cs)
{
	struct pk_crl_view v;
	char d[64], serial[96];
	size_t i;
	tmr_ms when;

	if (pk_cs_crl_view(cs, &v) < 0) {
		cli_printf(s, "%% CRL not present.\n");
		return;
	}
	cli_printf(s, "Certificate Revocation List:\n");
	cli_printf(s, "    Issuer: %s\n", v.issuer);
	date(s, v.this_update, d, sizeof d);
	cli_printf(s, "    This Update: %s\n", d);
	date(s, v.next_update, d, sizeof d);
	cli_printf(s, "    Next Update: %s\n", d);
	cli_printf(s, "    Number of CRL entries: %zu\n", v.n);
	cli_printf(s, "    CRL size: %zu bytes\n", v.der_len);
	for (i = 0; i < v.n; i++) {
		if (pk_cs_crl_entry(cs, i, serial, sizeof serial, &when) < 0)
			break;
		date(s, when, d, sizeof d);
		cli_printf(s, "    Serial Number (hex): %s\n", serial);
		cli_printf(s, "    Revocation Date: %s\n", d);
	}
}

/* ---- show crypto pki certificates ---------------------------------------------- */

/* A certificate and the trustpoints that hold it (newest trustpoint first). */
struct held {
	const struct x509_st *cert;
	int slot;
	char tps[1024];
	pk_tp *tp;            /* the first holder, for install time and key label */
};

static int same_cert(const struct x509_st *a, const struct x509_st *b)
{
	struct pk_cert_view va, vb;

	if (a == b)
		return 1;
	if (pk_cert_view(a, &va) < 0 || pk_cert_view(b, &vb) < 0)
		return 0;
	return strcmp(va.sha1, vb.sha1) == 0;
}

static size_t collect(pk_pki *p, const char *only, struct held *h, size_t max)
{
	static const int order[] = { PK_TP_ID_ROLLOVER, PK_TP_ID, PK_TP_CA_ROLLOVER, PK_TP_CA };
	size_t n = 0, k, i, j, ntp = pk_tp_count(p);

	for (k = 0; k < 4; k++) {
		for (i = ntp; i-- > 0;) {
			pk_tp *t = pk_tp_at(p, i);
			const struct x509_st *c = pk_tp_cert(t, order[k]);
			if (!c || (only && strcmp(pk_tp_name(t), only) != 0))
				continue;
			for (j = 0; j < n; j++)
				if (h[j].slot == order[k] && same_cert(h[j].cert, c))
					break;
			if (j == n) {
				if (n == max)
					continue;
				h[n].cert = c;
				h[n].slot = order[k];
				h[n].tps[0] = '\0';
				h[n].tp = t;
				n++;
			}
			if (h[j].tps[0])
				strncat(h[j].tps, " ", sizeof h[j].tps - strlen(h[j].tps) - 1);
			strncat(h[j].tps, pk_tp_name(t), sizeof h[j].tps - strlen(h[j].tps) - 1);
		}
	}
	return n;
}

static void key_usage_names(cli_sess *s, unsigned ku)
{
	static const struct { unsigned bit; const char *name; } names[] = {
		{ 0x80000000u, "Digital Signature" }, { 0x40000000u, "Non Repudiation" },
		{ 0x20000000u, "Key Encipherment" }, { 0x10000000u, "Data Encipherment" },
		{ 0x08000000u, "Key Agreement" }, { 0x04000000u, "Key Cert Sign" },
		{ 0x02000000u, "CRL Signature" },
	};
	size_t i;
	for (i = 0; i < sizeof names / sizeof names[0]; i++)
		if (ku & names[i].bit)
			cli_printf(s, "      %s\n", names[i].name);
}

static void show_one_cert(cli_sess *s, const struct held *h, int verbose)
{
	struct pk_cert_view v;
	char d[64];
	int ca = h->slot == PK_TP_CA || h->slot == PK_TP_CA_ROLLOVER;
	int roll = h->slot == PK_TP_CA_ROLLOVER || h->slot == PK_TP_ID_ROLLOVER;
	tmr_ms renew = 0;

	if (pk_cert_view(h->cert, &v) < 0)
		return;
	cli_printf(s, "%s%s\n", ca ? "CA Certificate" : "Certificate", roll ? " (Rollover)" : "");
	cli_printf(s, "  Status: Available\n");
	if (verbose)
		cli_printf(s, "  Version: 3\n");
	cli_printf(s, "  Certificate Serial Number (hex): %s\n", v.serial);
	cli_printf(s, "  Certificate Usage: %s\n", ca ? "Signature" : "General Purpose");
	cli_printf(s, "  Issuer:\n");
	dn_lines(s, "    ", v.issuer_lines);
	cli_printf(s, "  Subject:\n");
	if (!ca || h->slot == PK_TP_CA_ROLLOVER) {
		const char *name = v.hostname[0] ? v.hostname : v.cn;
		if (*name)
			cli_printf(s, "    Name: %s\n", name);
		if (!ca && v.ipaddr[0])
			cli_printf(s, "    IP Address: %s\n", v.ipaddr);
		if (!ca && v.serialnumber[0])
			cli_printf(s, "    Serial Number: %s\n", v.serialnumber);
	}
	dn_lines(s, "    ", v.subject_lines);
	if (v.cdp[0] && !ca)
		cli_printf(s, "  CRL Distribution Points: \n    %s\n", v.cdp);
	cli_printf(s, "  Validity Date:\n");
	date(s, v.not_before, d, sizeof d);
	cli_printf(s, "    start date: %s\n", d);
	date(s, v.not_after, d, sizeof d);
	cli_printf(s, "    end   date: %s\n", d);
	if (!ca && h->slot == PK_TP_ID && (renew = show_renew_date(h->tp)) != 0) {
		date(s, renew, d, sizeof d);
		cli_printf(s, "    renew date: %s\n", d);
	}
	if (verbose) {
		cli_printf(s, "  Subject Key Info:\n");
		cli_printf(s, "    Public Key Algorithm: rsaEncryption\n");
		cli_printf(s, "    RSA Public Key: (%d bit)\n", v.bits);
		cli_printf(s, "  Signature Algorithm: %s\n", v.sig_alg);
		cli_printf(s, "  Fingerprint MD5: %s\n", v.md5);
		cli_printf(s, "  Fingerprint SHA1: %s\n", v.sha1);
		cli_printf(s, "  X509v3 extensions:\n");
		if (v.has_key_usage) {
			cli_printf(s, "    X509v3 Key Usage: %08X\n", v.key_usage);
			key_usage_names(s, v.key_usage);
		}
		if (v.ski[0])
			cli_printf(s, "    X509v3 Subject Key ID: %s\n", v.ski);
		if (v.is_ca)
			cli_printf(s, "    X509v3 Basic Constraints:\n        CA: TRUE\n");
		if (v.aki[0])
			cli_printf(s, "    X509v3 Authority Key ID: %s\n", v.aki);
		cli_printf(s, "    Authority Info Access:\n");
		if (h->tp) {
			date(s, pk_tp_cert_installed(h->tp, h->slot), d, sizeof d);
			cli_printf(s, "  Cert install time: %s\n", d);
		}
	}
	cli_printf(s, "  Associated Trustpoints: %s\n", h->tps);
	if (verbose && !ca && h->tp) {
		char label[160];
		pk_tp_key_label(h->tp, label, sizeof label);
		if (h->slot == PK_TP_ID_ROLLOVER && show_rollover_key(h->tp))
			strncat(label, "#", sizeof label - strlen(label) - 1);
		cli_printf(s, "  Key Label: %s\n", label);
	}
	if (show_cert_saved(h->tp, h->slot)) {
		char st[128];
		pk_cert_storage_name(h->cert, st, sizeof st);
		cli_printf(s, "  Storage: nvram:%s\n", st);
	}
}

void show_certificates(cli_sess *s, const char *tp, int verbose)
{
	pk_pki *p = cli_pki();
	struct held h[64];
	size_t n, i;
	int first = 1;

	if (tp && !pk_tp_find(p, tp)) {
		cli_printf(s, "%% Trustpoint %s not found\n", tp);
		return;
	}
	/* Requests still pending (client side) come first, as IOS shows them. */
	for (i = 0; i < pk_tp_count(p); i++) {
		pk_tp *t = pk_tp_at(p, i);
		if (tp && strcmp(pk_tp_name(t), tp) != 0)
			continue;
		if (show_pending_request(s, t, first))
			first = 0;
	}
	n = collect(p, tp, h, sizeof h / sizeof h[0]);
	for (i = 0; i < n; i++) {
		if (!first)
			cli_printf(s, "\n");
		first = 0;
		show_one_cert(s, &h[i], verbose);
	}
}

/* ---- show crypto pki trustpoints ------------------------------------------------ */

static void fp_block(cli_sess *s, const char *what, const struct x509_st *c)
{
	struct pk_cert_view v;

	if (!c || pk_cert_view(c, &v) < 0)
		return;
	cli_printf(s, "  %s configured:\n", what);
	cli_printf(s, "    Subject Name:\n     %s\n", v.subject_comma);
	cli_printf(s, "    Fingerprint MD5: %s \n", v.md5);
	cli_printf(s, "    Fingerprint SHA1: %s \n", v.sha1);
}

void show_trustpoints(cli_sess *s, const char *only, int status)
{
	pk_pki *p = cli_pki();
	size_t i;
	int first = 1;

	if (only && !pk_tp_find(p, only)) {
		cli_printf(s, "%% Trustpoint %s not found\n", only);
		return;
	}
	for (i = 0; i < pk_tp_count(p); i++) {
		pk_tp *t = pk_tp_at(p, i);
		const struct x509_st *ca = pk_tp_cert(t, PK_TP_CA);
		struct pk_tp_config cfg;

		if (only && strcmp(pk_tp_name(t), only) != 0)
			continue;
		pk_tp_get_config(t, &cfg);
		if (!first)
			cli_printf(s, "\n");
		first = 0;
		cli_printf(s, "Trustpoint %s:\n", pk_tp_name(t));
		if (status) {
			char label[160];
			pk_key *k;
			fp_block(s, "Issuing CA certificate", ca);
			fp_block(s, "Rollover Issuing CA certificate", pk_tp_cert(t, PK_TP_CA_ROLLOVER));
			fp_block(s, "Router General Purpose certificate", pk_tp_cert(t, PK_TP_ID));
			fp_block(s, "Rollover Router General Purpose certificate",
				 pk_tp_cert(t, PK_TP_ID_ROLLOVER));
			if (pk_tp_status(t)[0])
				cli_printf(s, "  Last enrollment status: %s\n", pk_tp_status(t));
			cli_printf(s, "  State:\n");
			pk_tp_key_label(t, label, sizeof label);
			k = label[0] ? pk_key_find(p, label) : NULL;
			if (k) {
				struct pk_key_view kv;
				pk_key_view(k, &kv);
				cli_printf(s, "    Keys generated ............. Yes (General Purpose, %s)\n",
					   kv.exportable ? "exportable" : "non-exportable");
			} else {
				cli_printf(s, "    Keys generated ............. No\n");
			}
			cli_printf(s, "    Issuing CA authenticated ....... %s\n", ca ? "Yes" : "No");
			cli_printf(s, "    Certificate request(s) ..... %s\n",
				   pk_tp_cert(t, PK_TP_ID) || show_has_pending(t) ? "Yes" : "None");
			continue;
		}
		if (ca) {
			struct pk_cert_view v;
			if (pk_cert_view(ca, &v) == 0) {
				cli_printf(s, "    Subject Name:\n");
				dn_lines(s, "    ", v.subject_lines);
				cli_printf(s, "          Serial Number (hex): %s\n", v.serial);
				cli_printf(s, "    Certificate configured.\n");
			}
		}
		if (cfg.enroll_url[0]) {
			char url[600];
			show_scep_url(&cfg, url, sizeof url);
			cli_printf(s, "    SCEP URL: %s\n", url);
		}
	}
}

/* ---- show crypto key mypubkey rsa ------------------------------------------------- */

void show_mypubkey(cli_sess *s, const char *only)
{
	pk_pki *p = cli_pki();
	size_t i, n = pk_key_count(p);
	int found = 0;

	for (i = 0; i < n; i++) {
		pk_key *k = pk_key_at(p, i);
		struct pk_key_view v;
		unsigned char *der = NULL;
		size_t len = 0;
		char d[64], *hex;

		pk_key_view(k, &v);
		if (only && strcmp(v.label, only) != 0)
			continue;
		found = 1;
		date(s, v.generated, d, sizeof d);
		cli_printf(s, "%% Key pair was generated at: %s\n", d);
		cli_printf(s, "Key name: %s\n", v.label);
		cli_printf(s, "Key type: RSA KEYS\n");
		cli_printf(s, " Storage Device: %s\n", v.saved ? "private-config" : "not specified");
		cli_printf(s, " Usage: General Purpose Key\n");
		cli_printf(s, " Key is %sexportable.\n", v.exportable ? "" : "not ");
		cli_printf(s, " Key Data:\n");
		if (pk_key_spki(k, &der, &len) == 0 && (hex = pk_hex_lines(der, len, "  ")) != NULL) {
			cli_puts(s, hex);
			free(hex);
		}
		free(der);
	}
	if (only && !found)
		cli_printf(s, "%% Key %s not found\n", only);
}

/* ---- client-side state the renderers consult ----------------------------------------- */

static tmr_ms saved_at = -1;

void show_mark_saved(tmr_ms when)
{
	saved_at = when;
}

int show_cert_saved(pk_tp *t, int slot)
{
	return t && saved_at >= 0 && pk_tp_cert_installed(t, slot) <= saved_at;
}

void show_scep_url(const struct pk_tp_config *c, char *buf, size_t n)
{
	const char *u = c->enroll_url, *host, *path;
	size_t hl;
	int has_port;

	host = strstr(u, "://");
	host = host ? host + 3 : u;
	path = strchr(host, '/');
	hl = path ? (size_t)(path - host) : strlen(host);
	has_port = memchr(host, ':', hl) != NULL;
	snprintf(buf, n, "%.*s%.*s%s%s", (int)(host - u), u, (int)hl, host,
		 has_port ? "" : ":80", path && path[1] ? path : "/cgi-bin");
}

/* The renew date is the RENEW (or auto-enroll SHADOW) instant the SCEP
 * client armed for the trustpoint (spec §3.3, §5.5). */
tmr_ms show_renew_date(pk_tp *t)
{
	return scep_client_renew_date(t);
}

int show_rollover_key(pk_tp *t)
{
	return scep_client_uses_shadow_key(t);
}

int show_pending_request(cli_sess *s, pk_tp *t, int first)
{
	struct scep_pending pr;

	if (!scep_client_pending(t, &pr))
		return 0;
	if (!first)
		cli_printf(s, "\n");
	cli_printf(s, "Certificate%s\n", pr.rollover ? " (Rollover)" : "");
	cli_printf(s, "  Subject:\n    Name: %s\n", pr.name);
	cli_printf(s, "   Status: Pending\n   Key Usage: General Purpose\n");
	cli_printf(s, "   Certificate Request Fingerprint MD5: %s\n", pr.md5);
	cli_printf(s, "   Certificate Request Fingerprint SHA1: %s\n", pr.sha1);
	cli_printf(s, "   Associated Trustpoint: %s\n", pk_tp_name(t));
	return 1;
}

int show_has_pending(pk_tp *t)
{
	struct scep_pending pr;
	return scep_client_pending(t, &pr);
}

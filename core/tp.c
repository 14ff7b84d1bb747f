/*
 * tp.c — trustpoints: containers of certificates plus their configuration
 * (contract: pki.h "trustpoints"; spec §1.5, §2.5).
 *
 * A trustpoint holds up to four certificates (CA, CA rollover, identity,
 * identity rollover), each with the instant it was installed.  scep/'s
 * client observes changes through one observer per pki: PK_TP_EV_CONFIG
 * after pk_tp_set_config, PK_TP_EV_CERTS after a certificate slot changed,
 * PK_TP_EV_DELETE just before a trustpoint is freed (the observer releases
 * its client state then).
 *
 * The trustpoint named like the certificate server is the server's own
 * (pk_tp_is_server): made by the server at its first enable, or adopted when
 * a configuration replay creates it first.  It cannot be deleted while the
 * server exists.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/err.h>

#include "core/pki_int.h"
#include "core/text.h"

static void tp_defaults(struct pk_tp_config *c)
{
	memset(c, 0, sizeof *c);
	c->retry_period = 1;
	c->retry_count = 999999;
	c->auto_enroll = -1;
	c->serial_number = PK_OPT_UNSET;
	c->ip_mode = PK_OPT_UNSET;
	c->revocation = PK_REV_CRL;
}

void pki_tp_notify(pk_tp *t, enum pk_tp_event ev)
{
	if (t->p->obs)
		t->p->obs(t->p->obs_arg, t, ev);
}

pk_tp *pk_tp_find(pk_pki *p, const char *name)
{
	size_t i;

	for (i = 0; i < p->ntps; i++)
		if (strcmp(p->tps[i]->name, name) == 0)
			return p->tps[i];
	return NULL;
}

size_t pk_tp_count(const pk_pki *p)
{
	return p->ntps;
}

pk_tp *pk_tp_at(pk_pki *p, size_t i)
{
	return i < p->ntps ? p->tps[i] : NULL;
}

static int tp_new(pk_pki *p, const char *name, pk_tp **out)
{
	pk_tp *t;
	size_t n = strlen(name);

	*out = NULL;
	if (n == 0 || n >= sizeof t->name)
		return pk_err_set(PK_EINVAL, "invalid trustpoint name");
	/* a name is shown, saved in the configuration and typed again:
	 * valid UTF-8, no blank, no control character (docs/commands.md
	 * "Names") */
	if (!pk_name_chars_ok(name))
		return pk_err_set(PK_EINVAL, "Trustpoint name contains one or more illegal characters.");
	if (pk_tp_find(p, name))
		return pk_err_set(PK_EEXIST, "Trustpoint %s already exists", name);
	if (p->ntps == p->captps) {
		size_t nc = p->captps ? p->captps * 2 : 8;
		pk_tp **nt = realloc(p->tps, nc * sizeof *nt);
		if (!nt)
			return pk_err_set(PK_ENOMEM, "out of memory");
		p->tps = nt;
		p->captps = nc;
	}
	t = calloc(1, sizeof *t);
	if (!t)
		return pk_err_set(PK_ENOMEM, "out of memory");
	t->p = p;
	snprintf(t->name, sizeof t->name, "%s", name);
	tp_defaults(&t->cfg);
	t->server = pki_cs_owns_tp_name(p, name);
	if (t->server) {
		snprintf(t->cfg.rsakeypair, sizeof t->cfg.rsakeypair, "%s", name);
		t->cfg.revocation = PK_REV_CRL;
	}
	p->tps[p->ntps++] = t;
	*out = t;
	return 0;
}

int pk_tp_create(pk_pki *p, const char *name, pk_tp **out)
{
	pk_tp *t;
	int rc = tp_new(p, name, &t);

	if (out)
		*out = rc == 0 ? t : NULL;
	return rc;
}

int pki_tp_for_server(pk_pki *p, const char *name, pk_tp **out)
{
	pk_tp *t = pk_tp_find(p, name);
	int rc = 0;

	if (!t)
		rc = tp_new(p, name, &t);
	if (rc < 0)
		return rc;
	if (!t->server) {
		t->server = 1;
		if (!t->cfg.rsakeypair[0])
			snprintf(t->cfg.rsakeypair, sizeof t->cfg.rsakeypair, "%s", name);
	}
	*out = t;
	return 0;
}

static void tp_free(pk_tp *t)
{
	int i;

	for (i = 0; i < PK_TP__SLOTS; i++)
		X509_free(t->certs[i]);
	free(t);
}

void pki_tp_destroy(pk_tp *t)
{
	pk_pki *p = t->p;
	size_t i;

	pki_tp_notify(t, PK_TP_EV_DELETE);
	for (i = 0; i < p->ntps; i++) {
		if (p->tps[i] == t) {
			memmove(p->tps + i, p->tps + i + 1, (p->ntps - i - 1) * sizeof *p->tps);
			p->ntps--;
			break;
		}
	}
	tp_free(t);
}

int pk_tp_delete(pk_pki *p, const char *name)
{
	pk_tp *t = pk_tp_find(p, name);

	if (!t)
		return pk_err_set(PK_ENOENT, "Trustpoint %s not found", name);
	if (t->server && pki_cs_owns_tp_name(p, name))
		return pk_err_set(PK_ESTATE,
				  "Trustpoint %s belongs to certificate server %s; remove the server first",
				  name, name);
	pki_tp_destroy(t);
	return 0;
}

void pki_tps_free(pk_pki *p)
{
	while (p->ntps)
		pki_tp_destroy(p->tps[p->ntps - 1]);
	free(p->tps);
	p->tps = NULL;
	p->captps = 0;
}

const char *pk_tp_name(const pk_tp *t)
{
	return t->name;
}

void pk_tp_get_config(const pk_tp *t, struct pk_tp_config *c)
{
	*c = t->cfg;
}

int pk_tp_set_config(pk_tp *t, const struct pk_tp_config *c)
{
	if (c->retry_period < 1 || c->retry_period > 60)
		return pk_err_set(PK_EINVAL, "enrollment retry period must be 1 to 60 minutes");
	if (c->retry_count < 1)
		return pk_err_set(PK_EINVAL, "enrollment retry count must be positive");
	if (c->auto_enroll != -1 && (c->auto_enroll < 1 || c->auto_enroll > 100))
		return pk_err_set(PK_EINVAL, "auto-enroll percentage must be 1 to 100");
	if (c->revocation < PK_REV_CRL || c->revocation > PK_REV_OCSP)
		return pk_err_set(PK_EINVAL, "invalid revocation check");
	if (c->serial_number < PK_OPT_UNSET || c->serial_number > PK_OPT_NONE ||
	    c->ip_mode < PK_OPT_UNSET || c->ip_mode > PK_OPT_NONE)
		return pk_err_set(PK_EINVAL, "invalid option");
	if (c->subject[0] && pk_dn_check(c->subject) < 0)
		return PK_EINVAL;
	t->cfg = *c;
	/* NUL-terminate every string whatever the caller passed */
	t->cfg.enroll_url[sizeof t->cfg.enroll_url - 1] = '\0';
	t->cfg.subject[sizeof t->cfg.subject - 1] = '\0';
	t->cfg.ip[sizeof t->cfg.ip - 1] = '\0';
	t->cfg.fqdn[sizeof t->cfg.fqdn - 1] = '\0';
	t->cfg.password[sizeof t->cfg.password - 1] = '\0';
	t->cfg.rsakeypair[sizeof t->cfg.rsakeypair - 1] = '\0';
	t->cfg.fingerprint[sizeof t->cfg.fingerprint - 1] = '\0';
	t->cfg.hash[sizeof t->cfg.hash - 1] = '\0';
	pki_tp_notify(t, PK_TP_EV_CONFIG);
	return 0;
}

int pk_tp_is_server(const pk_tp *t)
{
	return t->server;
}

const struct x509_st *pk_tp_cert(const pk_tp *t, enum pk_tp_slot slot)
{
	return (unsigned)slot < PK_TP__SLOTS ? t->certs[slot] : NULL;
}

tmr_ms pk_tp_cert_installed(const pk_tp *t, enum pk_tp_slot slot)
{
	return (unsigned)slot < PK_TP__SLOTS && t->certs[slot] ? t->installed[slot] : 0;
}

int pk_tp_set_cert(pk_tp *t, enum pk_tp_slot slot, const struct x509_st *c)
{
	X509 *x = (X509 *)c;

	if ((unsigned)slot >= PK_TP__SLOTS)
		return pk_err_set(PK_EINVAL, "invalid certificate slot");
	/* a self-issued CA certificate proves itself: a damaged one (a changed
	 * byte in a configuration's hex block) is refused, not trusted */
	if (x && (slot == PK_TP_CA || slot == PK_TP_CA_ROLLOVER) &&
	    X509_check_issued(x, x) == X509_V_OK) {
		EVP_PKEY *pub = X509_get0_pubkey(x);
		int ok = pub && X509_verify(x, pub) == 1;
		ERR_clear_error();
		if (!ok)
			return pk_err_set(PK_EINVAL, "the CA certificate's signature does not verify "
					  "(damaged?)");
	}
	if (x && !X509_up_ref(x))
		return pk_err_set(PK_ENOMEM, "out of memory");
	X509_free(t->certs[slot]);
	t->certs[slot] = x;
	t->installed[slot] = x ? pk_device_now(t->p->d) : 0;
	pki_tp_notify(t, PK_TP_EV_CERTS);
	if (t->server && x)
		pki_cs_certs_changed(t->p, t);
	return 0;
}

int pk_tp_activate_rollover(pk_tp *t)
{
	tmr_ms now = pk_device_now(t->p->d);
	int changed = 0;

	if (t->certs[PK_TP_CA_ROLLOVER]) {
		X509_free(t->certs[PK_TP_CA]);
		t->certs[PK_TP_CA] = t->certs[PK_TP_CA_ROLLOVER];
		t->certs[PK_TP_CA_ROLLOVER] = NULL;
		t->installed[PK_TP_CA] = now;
		t->installed[PK_TP_CA_ROLLOVER] = 0;
		changed = 1;
	}
	if (t->certs[PK_TP_ID_ROLLOVER]) {
		X509_free(t->certs[PK_TP_ID]);
		t->certs[PK_TP_ID] = t->certs[PK_TP_ID_ROLLOVER];
		t->certs[PK_TP_ID_ROLLOVER] = NULL;
		t->installed[PK_TP_ID] = now;
		t->installed[PK_TP_ID_ROLLOVER] = 0;
		changed = 1;
	}
	if (!changed)
		return pk_err_set(PK_ENOENT, "no rollover certificate");
	pki_tp_notify(t, PK_TP_EV_CERTS);
	return 0;
}

void pk_tp_key_label(const pk_tp *t, char *buf, size_t n)
{
	const char *dom;

	if (t->cfg.rsakeypair[0]) {
		snprintf(buf, n, "%s", t->cfg.rsakeypair);
		return;
	}
	dom = pk_device_domain(t->p->d);
	snprintf(buf, n, "%s%s%s", pk_device_hostname(t->p->d), dom[0] ? "." : "", dom);
}

void pk_tp_fqdn(const pk_tp *t, char *buf, size_t n)
{
	const char *dom;

	if (t->cfg.fqdn[0]) {
		snprintf(buf, n, "%s", t->cfg.fqdn);
		return;
	}
	dom = pk_device_domain(t->p->d);
	snprintf(buf, n, "%s%s%s", pk_device_hostname(t->p->d), dom[0] ? "." : "", dom);
}

void pk_tp_set_status(pk_tp *t, const char *status)
{
	snprintf(t->status, sizeof t->status, "%s", status ? status : "");
}

const char *pk_tp_status(const pk_tp *t)
{
	return t->status;
}

void pk_tp_set_observer(pk_pki *p, pk_tp_observer fn, void *arg)
{
	p->obs = fn;
	p->obs_arg = arg;
}

void pk_tp_set_client(pk_tp *t, void *state)
{
	t->client = state;
}

void *pk_tp_client(const pk_tp *t)
{
	return t->client;
}

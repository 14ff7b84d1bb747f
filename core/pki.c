/*
 * pki.c — the PKI engine of a device: life cycle and device hooks
 * (contract: pki.h "the engine").
 *
 * The device keeps its hooks for its whole life and cannot forget one, while
 * a pk_pki may be freed and opened again on the same device.  So the hooks
 * carry a token, not a pointer: a process-wide list maps live tokens to
 * their pki, and a hook whose pki is gone finds nothing and does nothing.
 *
 * Configuration replay: the server block comes before its certificate
 * chain (spec §5.12 order), so servers are enabled only when the replay is
 * over: pk_pki_config_done enables those whose block did not say shutdown.
 * Between pk_pki_config_begin and pk_pki_config_done, pk_cs_enable only
 * records the admin state.  Automatic retries (HTTP server, clock, key
 * arriving) only concern a server whose enable already failed a check, so a
 * replayed `ip http server` line cannot create a CA before the chain is in.
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/err.h>

#include "core/crl.h"
#include "core/pki_int.h"

static pthread_mutex_t live_mu = PTHREAD_MUTEX_INITIALIZER;
static pk_pki *live;
static uintptr_t next_token = 1;

static pk_pki *live_find(uintptr_t token)
{
	pk_pki *p;

	pthread_mutex_lock(&live_mu);
	for (p = live; p && p->token != token; p = p->next_live)
		;
	pthread_mutex_unlock(&live_mu);
	return p;
}

static void on_clock(pk_device *d, void *arg)
{
	pk_pki *p = live_find((uintptr_t)arg);

	(void)d;
	if (p)
		pki_cs_clock_changed(p);
}

/* Reload: the running-config is gone (servers, trustpoints); keys are
 * read back from private storage; a new configuration replay begins. */
static void on_reset(pk_device *d, void *arg)
{
	pk_pki *p = live_find((uintptr_t)arg);

	(void)d;
	if (!p)
		return;
	if (p->cs) {
		pki_cs_free(p->cs);
		p->cs = NULL;
	}
	pki_crl_reset(p);
	pki_tps_free(p);
	pki_keys_free(p);
	if (pki_keys_load(p) < 0)
		pk_log(PK_LOG_ERR, "%%CRYPTO-3-KEYSTORE: cannot read the private-config: %s",
		       pk_err_msg());
	p->configuring = 0;
	p->booted = 0;
}

int pk_pki_open(pk_device *d, pk_pki **out)
{
	pk_pki *p;
	int rc;

	*out = NULL;
	p = calloc(1, sizeof *p);
	if (!p)
		return pk_err_set(PK_ENOMEM, "out of memory");
	p->d = d;
	rc = pki_keys_load(p);
	if (rc < 0) {
		free(p);
		return rc;
	}
	pthread_mutex_lock(&live_mu);
	p->token = next_token++;
	p->next_live = live;
	live = p;
	pthread_mutex_unlock(&live_mu);
	pk_device_on_clock_change(d, on_clock, (void *)p->token);
	pk_device_on_reset(d, on_reset, (void *)p->token);
	*out = p;
	return 0;
}

void pk_pki_free(pk_pki *p)
{
	pk_pki **pp;

	if (!p)
		return;
	pthread_mutex_lock(&live_mu);
	for (pp = &live; *pp; pp = &(*pp)->next_live) {
		if (*pp == p) {
			*pp = p->next_live;
			break;
		}
	}
	pthread_mutex_unlock(&live_mu);
	if (p->cs) {
		pki_cs_free(p->cs);
		p->cs = NULL;
	}
	pki_crl_free(p);
	pki_tps_free(p);
	pki_keys_free(p);
	free(p);
}

pk_device *pk_pki_device(const pk_pki *p)
{
	return p->d;
}

void pk_pki_config_begin(pk_pki *p)
{
	p->configuring = 1;
}

/* What each certificate of the configuration needs: the server's CA
 * certificates keys NAME and NAME#, a trustpoint's identity certificates
 * its key X (and X# for a rollover identity certificate on a new key). */
static size_t key_wants(pk_pki *p, struct pki_key_want *w, size_t max)
{
	size_t i, n = 0;

	for (i = 0; i < p->ntps && n + 2 <= max; i++) {
		pk_tp *t = p->tps[i];
		X509 *id = t->certs[t->server ? PK_TP_CA : PK_TP_ID];
		X509 *rid = t->certs[t->server ? PK_TP_CA_ROLLOVER : PK_TP_ID_ROLLOVER];
		char label[160];

		if (t->server && !pki_cs_owns_tp_name(p, t->name))
			continue;
		pk_tp_key_label(t, label, sizeof label);
		if (!label[0])
			continue;
		if (id) {
			snprintf(w[n].label, sizeof w[n].label, "%s", label);
			w[n].pub = X509_get0_pubkey(id);
			w[n].whose = t->name;
			n += w[n].pub != NULL;
		}
		if (rid && (!id || EVP_PKEY_eq(X509_get0_pubkey(rid), X509_get0_pubkey(id)) != 1)) {
			snprintf(w[n].label, sizeof w[n].label, "%s#", label);
			w[n].pub = X509_get0_pubkey(rid);
			w[n].whose = t->name;
			n += w[n].pub != NULL;
		}
	}
	ERR_clear_error();
	return n;
}

void pk_pki_on_boot(pk_pki *p, void (*fn)(pk_pki *p, void *arg), void *arg)
{
	p->boot_fn = fn;
	p->boot_arg = arg;
}

void pk_pki_config_done(pk_pki *p)
{
	p->configuring = 0;
	if (!p->booted) {
		/* the boot's replay: the startup-config's certificates are in */
		size_t max = 2 * p->ntps + 2, n;
		struct pki_key_want *w = calloc(max, sizeof *w);

		p->booted = 1;
		if (w) {
			n = key_wants(p, w, max);
			pki_keys_reconcile(p, w, n);
			free(w);
		}
		if (p->boot_fn)
			p->boot_fn(p, p->boot_arg);
	}
	pki_cs_config_done(p);
}

void pk_pki_saved(pk_pki *p)
{
	if (pki_keys_mark_saved(p) < 0)
		pk_log(PK_LOG_ERR, "%%CRYPTO-3-KEYSTORE: cannot update the private-config: %s",
		       pk_err_msg());
}

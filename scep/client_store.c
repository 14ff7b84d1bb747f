/*
 * client_store.c — a trustpoint's outstanding request on disk
 * (DIR/nvram/pki-requests, mode 0600), so that a spoke that reloads, is
 * stopped or is killed while its request waits for the CA goes on polling
 * with the same transaction, key and signer after the restart (IOS forgets
 * it; why pkish does not: docs/pki-client.md §"Pending requests").
 *
 * The file holds every outstanding request, rewritten whole and atomically
 * whenever what it would hold changes (a new request, each poll, an
 * answer), never during a reload's teardown (cl_store_hold) and only after
 * the boot has read it back (cl_store_restore):
 *
 *     pkish-pki-requests 1
 *     tp <hex of the trustpoint name>
 *     kind 1                      1 enrollment, 2 renewal, 3 rollover (SHADOW)
 *     tid <hex of the transaction id>
 *     signer-key <hex of the label>   the key that signs the polls
 *     rollover 0                  enveloped for the rollover CA
 *     shadow-key 0                the request is for key X#
 *     polls 3
 *     interval 480000             the next poll's interval (ms)
 *     due 1444392856006           when the next poll runs (device ms)
 *     due-auth 1                  ... decided on an authoritative clock
 *     csr <base64 DER>
 *     signer <base64 DER>         the envelope's signer certificate
 *     end
 *
 * Keys are named, not copied: they are in private-config already.  A
 * request whose trustpoint, signer key or certificates no longer fit is
 * dropped at restore, with a log line, and the trustpoint's timers decide
 * again (a renewal is re-armed, never lost).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>
#include <openssl/x509.h>

#include "scep/client.h"
#include "scep/client_int.h"
#include "core/textrec.h"

#define STORE_MAGIC "pkish-pki-requests 1"

static int ready;                /* the boot's restore ran: writes allowed */
static char *last;               /* what the file holds (NULL: unknown) */

static void store_path(char *buf, size_t n)
{
	snprintf(buf, n, "%s/nvram/pki-requests", pk_device_dir(cl_dev()));
}

/* ---- writing ------------------------------------------------------------------------- */

static void tb_num(struct pk_tb *b, const char *key, long long v)
{
	pk_tb_printf(b, "%s %lld\n", key, v);
}

static void tb_der(struct pk_tb *b, const char *key, const unsigned char *der, int n)
{
	if (n <= 0)
		b->oom = 1;
	else
		pk_tb_b64(b, key, der, (size_t)n);
}

/* The label of the key that signs this request's messages. */
static int signer_label(struct tpc *c, pk_tp *t, char *buf, size_t n)
{
	char l[170];
	int shadow;

	for (shadow = 0; shadow <= 1; shadow++) {
		pk_key *k;
		cl_key_label(t, shadow, l, sizeof l);
		k = pk_key_find(c->p, l);
		if (k && EVP_PKEY_eq(pk_key_evp(k), c->signer_key) == 1) {
			snprintf(buf, n, "%s", l);
			return 0;
		}
	}
	return -1;
}

static void emit(struct pk_tb *b, struct tpc *c, pk_tp *t)
{
	unsigned char *der = NULL;
	char label[170];
	int n;

	if (signer_label(c, t, label, sizeof label) < 0)
		return;              /* not a key of the store: cannot be resumed */
	pk_tb_hex(b, "tp", c->name, strlen(c->name));
	tb_num(b, "kind", c->pending);
	pk_tb_hex(b, "tid", c->tid, strlen(c->tid));
	pk_tb_hex(b, "signer-key", label, strlen(label));
	tb_num(b, "rollover", c->for_rollover);
	tb_num(b, "shadow-key", c->shadow_key);
	tb_num(b, "polls", c->polls);
	tb_num(b, "interval", c->poll_interval);
	tb_num(b, "due", c->poll_due);
	tb_num(b, "due-auth", c->poll_due_auth);
	n = i2d_X509_REQ(c->csr, &der);
	tb_der(b, "csr", der, n);
	OPENSSL_free(der);
	der = NULL;
	n = i2d_X509(c->signer, &der);
	tb_der(b, "signer", der, n);
	OPENSSL_free(der);
	pk_tb_put(b, "end\n", 4);
}

void cl_store_sync(void)
{
	struct pk_tb b = { NULL, 0, 0, 0 };
	char path[4200];
	size_t i, head;

	if (!ready || !cl_the_pki)
		return;
	pk_tb_put(&b, STORE_MAGIC "\n", strlen(STORE_MAGIC) + 1);
	head = b.n;
	for (i = 0; i < pk_tp_count(cl_the_pki); i++) {
		pk_tp *t = pk_tp_at(cl_the_pki, i);
		struct tpc *c = cl_state_of(t);
		if (c && c->pending && c->csr && c->signer && c->signer_key)
			emit(&b, c, t);
	}
	if (b.oom || (last && strcmp(last, b.n == head ? "" : b.p) == 0)) {
		free(b.p);
		return;
	}
	store_path(path, sizeof path);
	if (b.n == head) {
		/* nothing outstanding: no file */
		free(b.p);
		if (pk_store_remove(path) < 0) {
			pk_log(PK_LOG_ERR, "%%PKI-3-STORE: cannot remove %s: %s", path, pk_err_msg());
			return;
		}
		free(last);
		last = strdup("");
		return;
	}
	if (pk_store_write(path, b.p, b.n, 0600) < 0) {
		pk_log(PK_LOG_ERR, "%%PKI-3-STORE: cannot save the outstanding certificate requests: %s",
		       pk_err_msg());
		free(b.p);
		return;
	}
	free(last);
	last = b.p;
}

void cl_store_hold(void)
{
	ready = 0;
}

/* ---- reading back ------------------------------------------------------------------- */

struct entry {
	char *tp, *tid, *key;
	int kind, rollover, shadow, polls, due_auth;
	long long interval, due;
	X509_REQ *csr;
	X509 *signer;
};

static void entry_clear(struct entry *e)
{
	free(e->tp);
	free(e->tid);
	free(e->key);
	X509_REQ_free(e->csr);
	X509_free(e->signer);
	memset(e, 0, sizeof *e);
}

/* Give the request back to its trustpoint, if everything still fits. */
static void resume(struct entry *e)
{
	pk_tp *t = e->tp ? pk_tp_find(cl_the_pki, e->tp) : NULL;
	struct tpc *c = t ? cl_attach(t) : NULL;
	pk_key *k = e->key ? pk_key_find(cl_the_pki, e->key) : NULL;
	const char *why = NULL;

	if (!c)
		why = "its trustpoint is gone";
	else if (!e->csr || !e->signer || !e->tid || strlen(e->tid) >= sizeof c->tid ||
		 e->kind < KIND_INITIAL || e->kind > KIND_SHADOW)
		why = "the record is damaged";
	else if (!k || EVP_PKEY_eq(pk_key_evp(k), X509_get0_pubkey(e->signer)) != 1)
		why = "its key is gone";
	else if (!pk_tp_cert(t, e->rollover ? PK_TP_CA_ROLLOVER : PK_TP_CA))
		why = "its CA certificate is gone";
	else if (c->pending)
		why = "another request is outstanding";
	if (why) {
		pk_log(PK_LOG_NOTICE, "%%PKI-5-REQUEST_DROPPED: The certificate request of trustpoint "
		       "%s saved before the restart is dropped: %s", e->tp ? e->tp : "?", why);
		return;
	}
	cl_clear_request(c);
	c->csr = e->csr;
	c->signer = e->signer;
	e->csr = NULL;
	e->signer = NULL;
	c->signer_key = pk_key_evp(k);
	EVP_PKEY_up_ref(c->signer_key);
	snprintf(c->tid, sizeof c->tid, "%s", e->tid);
	c->pending = e->kind;
	c->for_rollover = e->rollover;
	c->shadow_key = e->shadow;
	c->polls = e->polls;
	c->poll_interval = e->interval > 0 ? e->interval : TMR_MIN;
	c->poll_due = e->due;
	c->poll_due_auth = e->due_auth;
	cl_csr_fingerprints(c);
	cl_set_status(t, "Pending");
	pk_debug(PK_DBG_TRANS, "CRYPTO_PKI: trustpoint %s: certificate request %s resumed after "
		 "the restart (%d poll%s so far)", c->name, c->tid, c->polls, c->polls == 1 ? "" : "s");
	cl_recompute(c);
}

void cl_store_restore(pk_pki *p, void *arg)
{
	char path[4200], *data = NULL, *line, *save = NULL;
	struct entry e;
	int magic = 0;

	(void)p;
	(void)arg;
	free(last);
	last = NULL;
	ready = 1;
	store_path(path, sizeof path);
	if (pk_store_read(path, &data, NULL) < 0) {
		pk_err_clear();
		cl_store_sync();
		return;
	}
	memset(&e, 0, sizeof e);
	for (line = strtok_r(data, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		char *v = strchr(line, ' ');
		unsigned char *der;
		const unsigned char *q;
		size_t len = 0;

		if (!magic) {
			magic = strcmp(line, STORE_MAGIC) == 0;
			if (!magic)
				break;
			continue;
		}
		if (strcmp(line, "end") == 0) {
			resume(&e);
			entry_clear(&e);
			continue;
		}
		if (!v)
			continue;
		*v++ = '\0';
		if (!strcmp(line, "tp")) {
			entry_clear(&e);
			e.tp = pk_unhex(v);
		} else if (!strcmp(line, "tid")) {
			free(e.tid);
			e.tid = pk_unhex(v);
		} else if (!strcmp(line, "signer-key")) {
			free(e.key);
			e.key = pk_unhex(v);
		} else if (!strcmp(line, "kind")) {
			e.kind = atoi(v);
		} else if (!strcmp(line, "rollover")) {
			e.rollover = atoi(v) != 0;
		} else if (!strcmp(line, "shadow-key")) {
			e.shadow = atoi(v) != 0;
		} else if (!strcmp(line, "polls")) {
			e.polls = atoi(v);
		} else if (!strcmp(line, "interval")) {
			e.interval = strtoll(v, NULL, 10);
		} else if (!strcmp(line, "due")) {
			e.due = strtoll(v, NULL, 10);
		} else if (!strcmp(line, "due-auth")) {
			e.due_auth = atoi(v) != 0;
		} else if (!strcmp(line, "csr") && (der = pk_unb64(v, &len)) != NULL) {
			q = der;
			X509_REQ_free(e.csr);
			e.csr = d2i_X509_REQ(NULL, &q, (long)len);
			free(der);
		} else if (!strcmp(line, "signer") && (der = pk_unb64(v, &len)) != NULL) {
			q = der;
			X509_free(e.signer);
			e.signer = d2i_X509(NULL, &q, (long)len);
			free(der);
		}
	}
	entry_clear(&e);
	free(data);
	if (!magic)
		pk_log(PK_LOG_ERR, "%%PKI-3-STORE: %s is damaged; outstanding certificate requests "
		       "are not resumed", path);
	/* what the file says now is what the trustpoints hold */
	cl_store_sync();
}

/*
 * cs_reqdb.c — the certificate server's request database on disk:
 * <database url>/NAME.rdb, so that pending requests, granted certificates
 * not yet fetched and rejections not yet told survive a reload, a stop and
 * a kill -9 (IOS keeps this table in memory only; why pkish does not:
 * docs/pki-server.md §6).
 *
 * The file is text, rewritten whole and atomically (pk_store_write):
 *
 *     pkish-cs-requests 1
 *     next 7                   the next request number is above this
 *     last-serial 6            the server's counter when written (a second
 *                              witness, see cs_serial.c)
 *     entry 3
 *     state pending            pending | granted | rejected
 *     collected 0              the requester has its answer
 *     rollover 0               to be issued by the rollover CA
 *     created 1444392856006    device time (ms), for ER EXPIRE
 *     fp 47D549D4D89F94C4229177DB8ED8F692
 *     serial 5                 granted: the certificate's serial
 *     txid <hex>               bytes as hex: any transaction id reads back
 *     subject <hex>            likewise (UTF-8 as sent)
 *     csr <base64 DER>         pending entries
 *     cert <base64 DER>        granted entries (collected ones only below
 *                              level complete, where <serial>.crt has it)
 *     end
 *
 * When it is written: at once (durable) whenever the state a requester
 * depends on changes — a new pending entry, a grant, a rejection, a
 * removal, an expiry; lazily (at the next durable write or a clean stop)
 * when only bookkeeping changes — an answer collected, an immediate grant.
 * A kill -9 can therefore forget that an answer was collected (the entry
 * then answers again, harmlessly) or an immediately granted entry (it only
 * leaves `show ... requests`); never a pending request or an uncollected
 * certificate.  A durable write that fails (full disk) is reported to the
 * caller, which refuses the change that needed it.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/cs_int.h"
#include "core/textrec.h"

#define RDB_MAGIC "pkish-cs-requests 1"

static void rdb_path(const pk_cs *cs, char *buf, size_t n)
{
	char file[80];

	snprintf(file, sizeof file, "%s.rdb", cs->name);
	pki_cs_db_path(cs, file, buf, n);
}

/* ---- write ------------------------------------------------------------------------ */

static const char *const state_name[] = { "pending", "granted", "rejected" };

static int rdb_write(pk_cs *cs)
{
	struct pk_tb b = { NULL, 0, 0, 0 };
	char path[4200];
	size_t i;
	int rc;

	pk_tb_printf(&b, RDB_MAGIC "\nnext %ld\nlast-serial %llX\n", cs->next_id,
	     (unsigned long long)cs->last_serial);
	for (i = 0; i < cs->nreqs; i++) {
		const struct cs_req *e = cs->reqs[i];

		pk_tb_printf(&b, "entry %ld\nstate %s\ncollected %d\nrollover %d\ncreated %lld\nfp %s\n",
		     e->id, state_name[e->state], e->collected, e->for_rollover,
		     (long long)e->created, e->fp);
		if (e->serial)
			pk_tb_printf(&b, "serial %llX\n", (unsigned long long)e->serial);
		if (e->txid)
			pk_tb_hex(&b, "txid", (const unsigned char *)e->txid, strlen(e->txid));
		pk_tb_hex(&b, "subject", (const unsigned char *)e->subject, strlen(e->subject));
		if (e->csr)
			pk_tb_b64(&b, "csr", e->csr, e->csr_len);
		/* a collected certificate is kept for a requester whose reply
		 * was lost, unless <serial>.crt has it (level complete) */
		if (e->cert && (!e->collected || cs->cfg.db_level != PK_DB_COMPLETE)) {
			unsigned char *der = NULL;
			int n = i2d_X509(e->cert, &der);
			if (n > 0)
				pk_tb_b64(&b, "cert", der, (size_t)n);
			OPENSSL_free(der);
		}
		pk_tb_put(&b, "end\n", 4);
	}
	if (b.oom) {
		free(b.p);
		return pk_err_set(PK_ENOMEM, "out of memory");
	}
	rdb_path(cs, path, sizeof path);
	rc = pk_store_write(path, b.p, b.n, 0600);
	free(b.p);
	if (rc == 0)
		cs->reqdb_dirty = 0;
	return rc;
}

int pki_cs_reqdb_save(pk_cs *cs, int durable)
{
	int rc;

	if (!cs->reqdb_loaded || !cs->dbdir[0])
		return 0;          /* nothing was ever read here: nothing to keep */
	if (!durable) {
		cs->reqdb_dirty = 1;
		return 0;
	}
	rc = rdb_write(cs);
	if (rc < 0)
		pk_log(PK_LOG_ERR, "%s:cannot write the request database %s.rdb: %s", cs->name,
		       cs->name, pk_err_msg());
	return rc;
}

void pki_cs_reqdb_flush(pk_cs *cs)
{
	if (cs->reqdb_dirty)
		pki_cs_reqdb_save(cs, 1);
}

/* ---- read ------------------------------------------------------------------------- */

static void entry_free(struct cs_req *e)
{
	if (!e)
		return;
	free(e->subject);
	free(e->txid);
	free(e->csr);
	X509_free(e->cert);
	free(e);
}

/* Check a parsed entry before it joins the table. */
static int entry_ok(const pk_cs *cs, struct cs_req *e, long last_id)
{
	if (e->id <= last_id || e->id > cs->next_id || !e->subject || strlen(e->fp) != 32)
		return 0;
	if (e->state == PK_REQ_PENDING)
		return e->csr != NULL;
	if (e->state == PK_REQ_GRANTED && !e->collected)
		return e->cert != NULL;
	return 1;
}

int pki_cs_reqdb_load(pk_cs *cs)
{
	char path[4200], *data = NULL, *line, *save = NULL;
	struct cs_req *e = NULL;
	long last_id = 0, bad_line = 0, lineno = 0;
	size_t len = 0, kept = 0, dropped = 0;
	int rc, magic = 0;

	cs->reqdb_loaded = 1;
	rdb_path(cs, path, sizeof path);
	rc = pk_store_read(path, &data, &len);
	if (rc == PK_ENOENT) {
		pk_err_clear();
		return 0;
	}
	if (rc < 0) {
		pk_log(PK_LOG_ERR, "%s:cannot read the request database: %s", cs->name, pk_err_msg());
		return rc;
	}
	for (line = strtok_r(data, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		char *v = strchr(line, ' ');
		lineno++;
		if (!magic) {
			if (strcmp(line, RDB_MAGIC) != 0) {
				bad_line = lineno;
				break;
			}
			magic = 1;
			continue;
		}
		if (strcmp(line, "end") == 0) {
			if (e && entry_ok(cs, e, last_id)) {
				last_id = e->id;
				if (e->serial > cs->reqdb_max)
					cs->reqdb_max = e->serial;
				if (pki_cs_req_link(cs, e) < 0) {
					entry_free(e);
					dropped++;
				} else {
					kept++;
				}
			} else {
				entry_free(e);
				dropped++;
			}
			e = NULL;
			continue;
		}
		if (!v) {
			bad_line = lineno;
			break;
		}
		*v++ = '\0';
		if (strcmp(line, "next") == 0) {
			long n = strtol(v, NULL, 10);
			if (n > cs->next_id)
				cs->next_id = n;
		} else if (strcmp(line, "last-serial") == 0) {
			unsigned long long s = strtoull(v, NULL, 16);
			if (s > cs->reqdb_max)
				cs->reqdb_max = s;
		} else if (strcmp(line, "entry") == 0) {
			entry_free(e);
			e = calloc(1, sizeof *e);
			if (!e)
				break;
			e->cs = cs;
			e->id = strtol(v, NULL, 10);
		} else if (!e) {
			bad_line = lineno;
			break;
		} else if (strcmp(line, "state") == 0) {
			e->state = !strcmp(v, "granted") ? PK_REQ_GRANTED :
				   !strcmp(v, "rejected") ? PK_REQ_REJECTED : PK_REQ_PENDING;
		} else if (strcmp(line, "collected") == 0) {
			e->collected = *v == '1';
		} else if (strcmp(line, "rollover") == 0) {
			e->for_rollover = *v == '1';
		} else if (strcmp(line, "created") == 0) {
			e->created = strtoll(v, NULL, 10);
		} else if (strcmp(line, "fp") == 0) {
			snprintf(e->fp, sizeof e->fp, "%s", v);
		} else if (strcmp(line, "serial") == 0) {
			e->serial = strtoull(v, NULL, 16);
		} else if (strcmp(line, "txid") == 0) {
			free(e->txid);
			e->txid = pk_unhex(v);
		} else if (strcmp(line, "subject") == 0) {
			free(e->subject);
			e->subject = pk_unhex(v);
		} else if (strcmp(line, "csr") == 0) {
			free(e->csr);
			e->csr = pk_unb64(v, &e->csr_len);
		} else if (strcmp(line, "cert") == 0) {
			unsigned char *der;
			size_t n;
			if ((der = pk_unb64(v, &n)) != NULL) {
				pk_cert_parse(der, n, &e->cert);
				free(der);
			}
		}
	}
	entry_free(e);
	free(data);
	pk_err_clear();
	if (bad_line)
		pk_log(PK_LOG_ERR, "%s:request database %s.rdb is damaged at line %ld; %zu entr%s "
		       "kept, %zu dropped", cs->name, cs->name, bad_line, kept,
		       kept == 1 ? "y" : "ies", dropped);
	else if (dropped)
		pk_log(PK_LOG_ERR, "%s:request database %s.rdb is damaged; %zu entr%s kept, "
		       "%zu dropped", cs->name, cs->name, kept, kept == 1 ? "y" : "ies", dropped);
	if (kept)
		pk_debug(PK_DBG_SERVER, "CRYPTO_CS: %zu enrollment request%s restored from %s.rdb",
			 kept, kept == 1 ? "" : "s", cs->name);
	return 0;
}

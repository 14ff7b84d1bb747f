/*
 * show_pki.h — PKI show renderers (show_pki.c) and what they need to know
 * about client-side enrollment state.
 */
#ifndef PKISH_SHOW_PKI_H
#define PKISH_SHOW_PKI_H

#include "cli/cli.h"

void show_cs(cli_sess *s, pk_cs *cs);
void show_cs_requests(cli_sess *s, pk_cs *cs);
void show_cs_certificates(cli_sess *s, pk_cs *cs);
void show_cs_crl(cli_sess *s, pk_cs *cs);
void show_certificates(cli_sess *s, const char *tp, int verbose);
void show_trustpoints(cli_sess *s, const char *tp, int status);
void show_mypubkey(cli_sess *s, const char *label);

/* The SCEP URL as `show crypto pki trustpoints` prints it (spec §4.1):
 * "http://10.1.255.12:80/cgi-bin" — port 80 and /cgi-bin filled in. */
void show_scep_url(const struct pk_tp_config *c, char *buf, size_t n);
/* `renew date:` of a trustpoint's identity certificate (0: none). */
tmr_ms show_renew_date(pk_tp *t);
/* The rollover identity certificate uses the shadow key X#. */
int  show_rollover_key(pk_tp *t);
/* Has the certificate been saved (write memory) since it was installed? */
int  show_cert_saved(pk_tp *t, int slot);
/* Client-side pending request block; returns 1 if it printed one. */
int  show_pending_request(cli_sess *s, pk_tp *t, int first);
int  show_has_pending(pk_tp *t);
/* Remember when the configuration was saved or loaded (Storage: lines). */
void show_mark_saved(tmr_ms when);

#endif

/*
 * nodes_pki.h — what the crypto command files share (nodes_pki.c,
 * nodes_key.c, nodes_cs.c, nodes_tp.c, nodes_chain.c): the sub-tables the
 * top-level crypto tables in nodes_pki.c point to, and a few helpers.
 * Not for other parts of cli/ (they use cmds.h).
 */
#ifndef PKISH_NODES_PKI_H
#define PKISH_NODES_PKI_H

#include <stddef.h>
#include <time.h>

#include "cli/cli.h"
#include "cli/pkish.h"

static inline pk_pki *P(void)
{
	return cli_pki();
}

/* Host milliseconds, for "[OK] (elapsed time was N seconds)": whole
 * seconds of the interval, not a difference of whole-second readings
 * (which says 1 for a millisecond that crosses a second). */
static inline long long host_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* The trustpoint of the current sub-mode (ca-trustpoint, config-cert-chain). */
static inline pk_tp *cur_tp(cli_sess *s)
{
	return pk_tp_find(P(), cli_ctx(s));
}

/* nodes_pki.c: read lines (a paste) until "quit" or, when blank_ends, a
 * blank line. */
char *cli_read_paste(cli_sess *s, int blank_ends);
/* nodes_pki.c: the password-type / password-text arguments; 1 when the
 * text given was type 7 (decoded into pw), 0 for a plain one, < 0 on error. */
int  cli_password_arg(cli_sess *s, const cli_args *a, char *pw, size_t n, int *type);
/* nodes_pki.c: the `crypto pki server` block of the running-config
 * (show_mode 0) or of the cs-server `show` (show_mode 1). */
void cli_nvgen_cs_block(char **b, size_t *l, size_t *c, pk_cs *cs, int show_mode);

/* nodes_cs.c: passwords as IOS shows them: "7 <type-7 text>" keeps the
 * text given to `database archive ... password 7 TEXT`. */
extern char cli_cs_archive_enc[512];

/* nodes_key.c: under `crypto key` */
extern const struct cli_node n_key_config[];
/* nodes_cs.c: `crypto pki server NAME` (config) and its EXEC operations */
extern const struct cli_node n_pki_server_name[], n_cs_exec_name[];
/* nodes_tp.c: `crypto pki trustpoint | authenticate | enroll | export` */
extern const struct cli_node n_pki_tp_name[], n_pki_auth_name[], n_pki_enroll_name[],
	n_exp_name[];
/* nodes_chain.c: `crypto pki certificate` */
extern const struct cli_node n_pki_cert[];

#endif

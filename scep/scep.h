/*
 * scep.h — the public face of scep/ for cli/: the HTTP server that puts
 * SCEP in front of the certificate server, and (client.c) the trustpoint
 * client that enrolls against a SCEP server.
 */
#ifndef PKISH_SCEP_H
#define PKISH_SCEP_H

#include "core/pk.h"

/* Once per process, before anything else here (loads OpenSSL's default
 * and legacy providers). */
int  scep_init(pk_pki *p);

/* Bring the HTTP listener in line with `ip http server` / `ip http port`
 * (device lock held).  bind: the address to listen on, NULL = all.
 * PK_EIO with a message when the port cannot be bound. */
int  scep_http_apply(pk_pki *p, const char *bind);
/* Stop the listener (process exit); safe without the device lock. */
void scep_http_stop(void);
/* The port the listener is bound to, 0 when stopped. */
int  scep_http_port(void);

#endif

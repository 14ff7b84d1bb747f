/*
 * pkish.h — process-level services main.c offers to the rest of cli/.
 */
#ifndef PKISH_PKISH_H
#define PKISH_PKISH_H

#include "core/pk.h"

/* Stop requested (SIGTERM, --stop over the socket). */
int  pkish_stopping(void);
void pkish_request_stop(void);
int  pkish_looks_like_config(const char *text);

/* services.c: bring up / tear down what lives beside the CLI (PKI core,
 * HTTP server).  http_bind: address for `ip http server` (NULL = all). */
int  pkish_services_init(pk_device *dev, const char *http_bind);
void pkish_services_stop(pk_device *dev);
const char *pkish_http_bind(void);
/* The device's PKI engine (NULL before services start). */
pk_pki *cli_pki(void);

#endif

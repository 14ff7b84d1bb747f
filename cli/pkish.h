/*
 * pkish.h — process-level services main.c offers to the rest of cli/.
 */
#ifndef PKISH_PKISH_H
#define PKISH_PKISH_H

#include <stdio.h>

#include "core/pk.h"

/* Stop requested (SIGTERM, --stop over the socket). */
int  pkish_stopping(void);
void pkish_request_stop(void);

/* -f FILE (batch.c).  pkish_read_file: the whole file, or -1 after printing
 * why not on stderr ("pkish: FILE: Is a directory"; missing, unreadable,
 * empty, or nothing but blank lines and comments).  */
int  pkish_read_file(const char *path, char **data, size_t *len);
/* In place: line ends to "\n" (from "\r\n" and a lone "\r"); a line holding
 * a NUL byte is reported on `out` ("FILE line N: ...") and emptied, so the
 * lines after it keep their numbers.  Returns the number of such lines. */
int  pkish_prepare_text(char *data, size_t *len, const char *name, FILE *out);
/* The configuration-or-script rule (docs/console.md): a script when the
 * first command line is a complete privileged EXEC command that global
 * configuration does not know (show ..., configure terminal, clock set,
 * enable); a configuration otherwise. */
int  pkish_looks_like_config(const char *text);

/* services.c: bring up / tear down what lives beside the CLI (PKI core,
 * HTTP server).  http_bind: address for `ip http server` (NULL = all). */
int  pkish_services_init(pk_device *dev, const char *http_bind);
void pkish_services_stop(pk_device *dev);
const char *pkish_http_bind(void);
/* The device's PKI engine (NULL before services start). */
pk_pki *cli_pki(void);

#endif

/*
 * server_int.h — between server.c (the SCEP operations in front of the
 * certificate server) and http_server.c (the listener).  Internal to scep/.
 */
#ifndef PKISH_SERVER_INT_H
#define PKISH_SERVER_INT_H

#include "core/pk.h"
#include "scep/http_route.h"

/* The operations of the request path, answering from p's certificate
 * server. */
void scep_server_ops(pk_pki *p, struct http_ops *ops);

#endif

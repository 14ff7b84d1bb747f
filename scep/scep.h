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

/* Where the HTTP listener listens unless `pkish --http-bind ADDR` says
 * otherwise (docs/howto-lab-network.md opens it on purpose). */
#define SCEP_HTTP_DEFAULT_BIND "127.0.0.1"

/* Bring the HTTP listener in line with `ip http server` / `ip http port`
 * (device lock held).  bind: the IPv4 address to listen on ("0.0.0.0":
 * every address), NULL = SCEP_HTTP_DEFAULT_BIND.  PK_EIO with a message
 * when the port cannot be bound. */
int  scep_http_apply(pk_pki *p, const char *bind);
/* 0 when bind is an address scep_http_apply takes, else PK_EINVAL with a
 * message (for --http-bind, before anything starts). */
int  scep_http_bind_check(const char *bind);
/* Stop the listener (process exit); safe without the device lock. */
void scep_http_stop(void);
/* The port the listener is bound to, 0 when stopped. */
int  scep_http_port(void);

/* `show ip http server status`: where the listener listens and its limits
 * (device lock held; bind as for scep_http_apply). */
struct scep_http_status {
	int listening;                 /* a socket is bound: addr and port are its own */
	char addr[64];                 /* else the address it would listen on */
	int port;
	unsigned max_conns;            /* connections at once */
	unsigned max_per_addr;         /* from one client address */
	unsigned idle_timeout;         /* seconds without a byte */
	unsigned request_timeout;      /* seconds to receive a whole request */
	size_t held_budget;            /* bytes unfinished requests may hold */
	size_t conn_memory;            /* bytes for one request line + headers */
	/* since the listener started */
	unsigned open;
	size_t held;
	unsigned long cut_time, cut_memory, refused_memory;
};
void scep_http_status(const char *bind, struct scep_http_status *st);

#endif

/*
 * err.h — error codes and the per-thread last-error message.
 *
 * Core functions return 0 or a negative PK_E* code and leave a human
 * message behind with pk_err_set(); only cli/ turns it into IOS text
 * ("% <message>").  OpenSSL's error queue is drained into the message by
 * pk_err_ossl().
 */
#ifndef PKISH_ERR_H
#define PKISH_ERR_H

enum {
	PK_OK       =  0,
	PK_EINVAL   = -1,   /* bad argument or input */
	PK_ENOENT   = -2,   /* no such object/file */
	PK_EEXIST   = -3,   /* already exists */
	PK_ENOMEM   = -4,
	PK_EIO      = -5,   /* storage error (incl. full disk) */
	PK_ESTATE   = -6,   /* not allowed in the current state */
	PK_ECRYPTO  = -7,   /* OpenSSL failure */
	PK_ELOCKED  = -8,   /* configuration locked */
	PK_EBUSY    = -9,   /* resource in use (device already running) */
	PK_ENET     = -10,  /* network failure */
	PK_EPROTO   = -11,  /* protocol violation by a peer */
	PK_EDENIED  = -12,  /* refused by policy */
	PK_ECANCEL  = -13,  /* the operator said no */
};

/* Set the message (printf format) and return code, for `return pk_err_set(...)`. */
int pk_err_set(int code, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Like pk_err_set, appending the drained OpenSSL error queue (if any). */
int pk_err_ossl(int code, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
const char *pk_err_msg(void);       /* "" when none */
void pk_err_clear(void);
const char *pk_strerror(int code);  /* generic text for a code */
const char *pk_openssl_version(void);  /* the running libcrypto's version */

#endif

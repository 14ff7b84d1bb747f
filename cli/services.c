/*
 * services.c — what runs beside the CLI in a device process: the PKI
 * engine (and, from scep/, the HTTP server and the SCEP client).
 */
#include <stdlib.h>
#include <string.h>

#include "cli/pkish.h"
#include "scep/scep.h"

static char *http_bind;
static pk_pki *pki;

int pkish_services_init(pk_device *dev, const char *bind)
{
	int rc;

	free(http_bind);
	http_bind = bind ? strdup(bind) : NULL;
	pk_device_lock(dev);
	rc = pk_pki_open(dev, &pki);
	if (rc == 0)
		rc = scep_init(pki);
	pk_device_unlock(dev);
	return rc;
}

void pkish_services_stop(pk_device *dev)
{
	scep_http_stop();
	if (dev && pki) {
		pk_device_lock(dev);
		pk_pki_free(pki);
		pki = NULL;
		pk_device_unlock(dev);
	}
	free(http_bind);
	http_bind = NULL;
}

const char *pkish_http_bind(void)
{
	return http_bind;
}

pk_pki *cli_pki(void)
{
	return pki;
}

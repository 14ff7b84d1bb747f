/*
 * services.c — what runs beside the CLI in a device process.
 */
#include <stdlib.h>
#include <string.h>

#include "cli/pkish.h"

static char *http_bind;

int pkish_services_init(pk_device *dev, const char *bind)
{
	(void)dev;
	free(http_bind);
	http_bind = bind ? strdup(bind) : NULL;
	return 0;
}

void pkish_services_stop(pk_device *dev)
{
	(void)dev;
	free(http_bind);
	http_bind = NULL;
}

const char *pkish_http_bind(void)
{
	return http_bind;
}

/*
 * pk.h — the public face of core/: include this from scep/ and cli/.
 */
#ifndef PKISH_PK_H
#define PKISH_PK_H

#include "timers/timers.h"
#include "core/err.h"
#include "core/log.h"
#include "core/store.h"
#include "core/device.h"
#include "core/pki.h"

#endif

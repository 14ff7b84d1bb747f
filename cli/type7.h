/*
 * type7.h — Cisco type 7 password text (see type7.c).
 */
#ifndef PKISH_TYPE7_H
#define PKISH_TYPE7_H

#include <stddef.h>

int  type7_decode(const char *enc, char *out, size_t n);
void type7_encode(const char *pw, int seed, char *out, size_t n);

#endif

/*
 * type7.c — Cisco "type 7" password obfuscation, as IOS shows passwords in
 * the running-config (`database archive pkcs12 password 7 01100F17...`).
 * Not encryption: a fixed XOR table with a two-digit starting offset.
 */
#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "cli/type7.h"

static const char xlat[] = "dsfd;kfoA,.iyewrkldJKDHSUBsgvca69834ncxv9873254k;fg87";
#define XLAT_LEN 53

int type7_decode(const char *enc, char *out, size_t n)
{
	size_t len = strlen(enc), i, o = 0;
	int seed;

	if (len < 4 || len % 2 != 0 || !isdigit((unsigned char)enc[0]) ||
	    !isdigit((unsigned char)enc[1]))
		return -1;
	seed = (enc[0] - '0') * 10 + (enc[1] - '0');
	if (seed > 15)
		return -1;
	for (i = 2; i < len; i += 2) {
		unsigned v;
		if (!isxdigit((unsigned char)enc[i]) || !isxdigit((unsigned char)enc[i + 1]) ||
		    sscanf(enc + i, "%2x", &v) != 1 || o + 1 >= n)
			return -1;
		out[o++] = (char)(v ^ (unsigned char)xlat[(seed + (int)(i / 2) - 1) % XLAT_LEN]);
	}
	out[o] = '\0';
	return 0;
}

void type7_encode(const char *pw, int seed, char *out, size_t n)
{
	size_t i, o;

	seed %= 16;
	o = (size_t)snprintf(out, n, "%02d", seed);
	for (i = 0; pw[i] && o + 3 <= n; i++, o += 2)
		snprintf(out + o, n - o, "%02X",
			 (unsigned char)pw[i] ^ (unsigned char)xlat[(seed + (int)i) % XLAT_LEN]);
}

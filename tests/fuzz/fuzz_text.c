/*
 * fuzz_text.c — libFuzzer target for the unsigned inputs of scep/msg_*.c:
 * the liberal base64 decoder (GET message=), the GetCACaps parser and the
 * GetCACert answer parser (DER certificate(s) or degenerate SignedData).
 * The whole input goes to each.  Invariants checked (abort = finding):
 * decoded output never exceeds the input's capacity nor SCEP_MAX_MSG, and
 * re-encoding decoded bytes decodes to the same bytes.  Seeds:
 * tests/fuzz/corpus/text/.
 */
#include <stdint.h>

#include "scep/msg.h"
#include "tests/fuzz/fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	STACK_OF(X509) *certs = NULL;
	unsigned char *out = NULL, *again = NULL;
	size_t n = 0, n2 = 0;
	char *enc;

	if (scep_b64_decode((const char *)data, size, &out, &n) == 0) {
		if (!out || n == 0 || n > SCEP_MAX_MSG || n > size)
			fuzz_die("decoder output out of bounds");
		enc = scep_b64_encode(out, n, SCEP_B64_LINES | SCEP_B64_URL);
		if (!enc || scep_b64_decode(enc, strlen(enc), &again, &n2) != 0 || n2 != n ||
		    memcmp(again, out, n) != 0)
			fuzz_die("base64 round trip differs");
		OPENSSL_free(enc);
		OPENSSL_free(again);
	} else if (out) {
		fuzz_die("failed decode left output");
	}
	OPENSSL_free(out);
	scep_caps_parse((const char *)data, size);
	if (scep_cacert_parse(data, size, &certs, NULL) == 0 && sk_X509_num(certs) < 1)
		fuzz_die("GetCACert success without certificates");
	sk_X509_pop_free(certs, X509_free);
	return 0;
}

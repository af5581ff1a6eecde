/* Percent-encoding: decode(encode(x)) == x for any bytes, and decoding
 * arbitrary input never overruns. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "uri.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct buf enc = BUF_INIT, dec = BUF_INIT, any = BUF_INIT;

	if (uri_encode(&enc, (const char *)data, size, size & 1) == 0 &&
	    uri_decode(&dec, enc.p ? enc.p : "", enc.len, 0) == 0) {
		if (dec.len != size || (size && memcmp(dec.p, data, size) != 0))
			abort();
	}
	uri_decode(&any, (const char *)data, size, 1);
	buf_free(&enc);
	buf_free(&dec);
	buf_free(&any);
	return 0;
}

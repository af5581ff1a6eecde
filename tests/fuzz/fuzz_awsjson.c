/* JSON 1.0 error parsing on arbitrary bodies and query-error headers. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "awsjson.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char code[64], msg[256];
	char *hdr = NULL;
	const uint8_t *nl = memchr(data, '\n', size);

	/* Bytes before a first newline are the x-amzn-query-error header. */
	if (nl) {
		hdr = malloc((size_t)(nl - data) + 1);
		if (hdr == NULL)
			return 0;
		memcpy(hdr, data, (size_t)(nl - data));
		hdr[nl - data] = '\0';
		size -= (size_t)(nl - data) + 1;
		data = nl + 1;
	}
	awsjson_error((const char *)data, size, hdr, code, sizeof(code), msg, sizeof(msg));
	free(hdr);
	return 0;
}

/* Query bodies: for any names and values (NUL-separated in the input), the
 * body splits back on '&' and '=' into exactly the pairs that went in. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "query.h"
#include "uri.h"

#define MAXPAIRS 64

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *in, *part[2 * MAXPAIRS], *p, *amp, *eq;
	struct buf body = BUF_INIT, dec = BUF_INIT;
	size_t nparts = 0, i, added = 0;

	in = malloc(size + 1);
	if (in == NULL)
		return 0;
	memcpy(in, data, size);
	in[size] = '\0';
	/* Alternate names and values, cut at each NUL. */
	for (p = in; nparts < 2 * MAXPAIRS; p += strlen(p) + 1) {
		part[nparts++] = p;
		if (p + strlen(p) >= in + size)
			break;
	}
	for (i = 0; i + 1 < nparts; i += 2) {
		int rc = query_add(&body, part[i], part[i + 1]);

		if ((rc == 0) != (part[i][0] != '\0'))
			abort(); /* refused exactly when the name is empty */
		if (rc == 0) {
			part[added++] = part[i];
			part[added++] = part[i + 1];
		}
	}
	/* Encoded parts hold no '&' or '=', so the split is unambiguous. */
	p = body.p ? body.p : "";
	for (i = 0; i < added; i += 2) {
		amp = strchr(p, '&');
		if (amp == NULL)
			amp = p + strlen(p);
		eq = memchr(p, '=', (size_t)(amp - p));
		if (eq == NULL || strspn(p, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~%=") <
		    (size_t)(amp - p))
			abort();
		buf_reset(&dec);
		if (uri_decode(&dec, p, (size_t)(eq - p), 0) || strcmp(dec.p ? dec.p : "", part[i]) != 0)
			abort();
		buf_reset(&dec);
		if (uri_decode(&dec, eq + 1, (size_t)(amp - eq - 1), 0) ||
		    strcmp(dec.p ? dec.p : "", part[i + 1]) != 0)
			abort();
		p = *amp ? amp + 1 : amp;
	}
	if (*p != '\0')
		abort(); /* nothing more than what was added */
	buf_free(&body);
	buf_free(&dec);
	free(in);
	return 0;
}

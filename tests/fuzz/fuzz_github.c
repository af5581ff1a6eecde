/* GitHub's Link and rate-limit headers on arbitrary bytes: a next URL is
 * always one that stood between '<' and '>' in the header; a wait is -1 or
 * a non-negative number of seconds. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "github.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct buf next = BUF_INIT, quoted = BUF_INIT;
	char *h = malloc(size + 1);
	long w;

	if (h == NULL)
		return 0;
	memcpy(h, data, size);
	h[size] = '\0';
	if (github_link_next(h, &next) == 0 && next.len) {
		buf_addc(&quoted, '<');
		buf_add(&quoted, next.p, next.len);
		buf_addc(&quoted, '>');
		if (memchr(next.p, '>', next.len) || strstr(h, quoted.p) == NULL)
			abort();
	}
	w = github_rate_wait(size & 1 ? 429 : 403, h, h, "0", h, 1700000000, (int)(size % 40));
	if (w < -1 || (size & 1 && w < 0))
		abort(); /* a 429 always waits */
	w = github_rate_wait(403, "", "", "0", h, 1700000000, 1);
	if (w < 0)
		abort(); /* a spent limit always waits */
	w = github_rate_wait(403, h, "", "", "", 1700000000, (int)size);
	if (w > 3600 || (w >= 0 && !strstr(h, "secondary rate limit") && !strstr(h, "abuse detection")))
		abort(); /* a hintless 403 waits only when it names a limit, at most an hour */
	if (github_same_api("https://api.github.com", h) &&
	    strncmp(h, "https://api.github.com", 22) != 0)
		abort();
	if (github_same_api("https://api.github.com", h) && h[22] != '\0' && h[22] != '/' && h[22] != '?')
		abort();
	buf_free(&next);
	buf_free(&quoted);
	free(h);
	return 0;
}

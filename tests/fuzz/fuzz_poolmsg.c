/* Pool messages come from a queue anyone with access can write to: parsing
 * arbitrary bodies, and glob matching with arbitrary patterns.
 * Properties checked, not just "does not crash":
 * - a body that parses encodes again, and that encoding parses to the same;
 * - poolmsg_glob agrees with fnmatch(3) on patterns without [ and \. */
#include <fnmatch.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "poolmsg.h"

static void
round_trip(const char *s)
{
	struct poolmsg m, again;
	struct buf b = BUF_INIT;

	if (poolmsg_parse(s, &m) != 0)
		return;
	if (poolmsg_encode(&m, m.pushed_at, &b) != 0)
		abort(); /* everything parse accepts, encode must write */
	if (poolmsg_parse(b.p, &again) != 0 || memcmp(&m, &again, sizeof(m)) != 0)
		abort();
	poolmsg_matches(&m, "spot", "m5.*,c?i.*", "octo/app");
	buf_free(&b);
}

static void
globs(const char *g, const char *s)
{
	int ours = poolmsg_glob(g, s);

	if (strpbrk(g, "[\\") == NULL && ours != (fnmatch(g, s, 0) == 0))
		abort();
	/* A list of one glob means the glob; '*' matches everything. */
	if (strchr(g, ',') == NULL && *g && poolmsg_types_match(g, s) != ours)
		abort();
	if (!poolmsg_glob("*", s))
		abort();
	if (poolmsg_valid_globs(g))
		poolmsg_types_match(g, s);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = malloc(size + 1);
	char *nl;

	if (s == NULL)
		return 0;
	memcpy(s, data, size);
	s[size] = '\0';
	round_trip(s);
	nl = strchr(s, '\n');
	if (nl) {
		*nl = '\0';
		globs(s, nl + 1);
	}
	free(s);
	return 0;
}

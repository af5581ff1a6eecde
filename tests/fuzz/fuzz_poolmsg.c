/* Pool messages come from a queue anyone with access can write to: parsing
 * arbitrary bodies, and glob matching with arbitrary patterns. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "poolmsg.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = malloc(size + 1);
	struct poolmsg m;
	char *nl;

	if (s == NULL)
		return 0;
	memcpy(s, data, size);
	s[size] = '\0';
	if (poolmsg_parse(s, &m) == 0)
		poolmsg_matches(&m, "spot", "m5.*,c?i.*");
	nl = strchr(s, '\n');
	if (nl) {
		*nl = '\0';
		poolmsg_glob(s, nl + 1);
		poolmsg_valid_globs(s);
	}
	free(s);
	return 0;
}

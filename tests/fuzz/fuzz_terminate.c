/* TerminateInstances answers: whatever XML comes, terminate_parse leaves
 * each state one printable field that fits, and touches only the ids the
 * answer names. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "terminate.h"
#include "text.h"

static void
fits(const char *s, size_t size)
{
	if (strnlen(s, size) == size || text_has_control(s))
		abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static char *const ids[] = { "i-0123456789abcdef0", "i-01234567", "i-89abcdef" };
	struct terminate_state out[3];
	struct xml *doc = NULL;
	struct err e;
	int i;

	if (xml_parse((const char *)data, size, &doc, &e))
		return 0;
	for (i = 0; i < 3; i++)
		memset(&out[i], 0xff, sizeof(out[i])); /* unterminated: an id the answer names must be set */
	terminate_set(&out[2], "error", "not-attempted");
	terminate_parse(doc, ids, 2, out);
	for (i = 0; i < 2; i++)
		if ((unsigned char)out[i].prev[0] != 0xff) {
			fits(out[i].prev, sizeof(out[i].prev));
			fits(out[i].cur, sizeof(out[i].cur));
		}
	if (strcmp(out[2].prev, "error") || strcmp(out[2].cur, "not-attempted"))
		abort(); /* not asked about: untouched */
	xml_free(doc);
	return 0;
}

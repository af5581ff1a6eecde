/* DescribeSubnets answers: whatever XML comes, subnets_parse keeps at most
 * the room it is given, every field a terminated string that fits, and
 * subnets_check gives a terminated one-line reason or none. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "subnets.h"

static void
fits(const char *s, size_t size)
{
	if (strnlen(s, size) == size)
		abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static char *const ids[] = { "subnet-0123456789abcdef0", "subnet-01234567" };
	struct subnets_row rows[3];
	struct xml *doc = NULL;
	struct err e;
	char why[256];
	int i, n;

	if (xml_parse((const char *)data, size, &doc, &e))
		return 0;
	memset(rows, 0xff, sizeof(rows));
	n = subnets_parse(doc, rows, 2);
	if (n < 0 || n > 2 || (unsigned char)rows[2].id[0] != 0xff)
		abort(); /* no more than the room given */
	for (i = 0; i < n; i++) {
		fits(rows[i].id, sizeof(rows[i].id));
		fits(rows[i].vpc, sizeof(rows[i].vpc));
		fits(rows[i].zone, sizeof(rows[i].zone));
	}
	why[0] = '\0';
	if (subnets_check(ids, 2, rows, n, why, sizeof(why)) && (why[0] == '\0' || strchr(why, '\n')))
		abort();
	xml_free(doc);
	return 0;
}

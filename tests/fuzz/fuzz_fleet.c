/* CreateFleet answers: whatever XML comes, fleet_parse keeps only
 * well-formed ids, at most FLEET_MAX, and one-line printable fields. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fleet.h"
#include "names.h"

static void
printable(const char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s < ' ' || *s == 0x7f)
			abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct fleet_result r;
	struct xml *doc = NULL;
	struct err e;
	int i;

	if (xml_parse((const char *)data, size, &doc, &e))
		return 0;
	fleet_parse(doc, &r);
	if (r.n < 0 || r.n > FLEET_MAX || r.dropped < 0 || (r.errors == 0 && (r.temporary || r.code[0])))
		abort();
	for (i = 0; i < r.n; i++) {
		if (!names_instance_id(r.in[i].id) || strchr(r.in[i].type, ' ') || strchr(r.in[i].subnet, '\t'))
			abort();
		printable(r.in[i].type);
		printable(r.in[i].subnet);
	}
	printable(r.code);
	printable(r.msg);
	xml_free(doc);
	return 0;
}

/* The XML reader on arbitrary bytes: no crash, no leak; a parsed tree can be
 * walked and searched for an AWS error; every node of it has a non-empty
 * name without ':' and text without control bytes but tab, LF, CR; an
 * error found is one line. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "xml.h"

static void
check(const struct xml *x, int depth)
{
	const char *p;

	if (depth > XML_MAX_DEPTH)
		abort();
	for (; x; x = x->next) {
		if (x->name == NULL || x->name[0] == '\0' || strchr(x->name, ':') || x->text == NULL)
			abort();
		for (p = x->text; *p; p++)
			if ((unsigned char)*p < 0x20 && *p != '\t' && *p != '\n' && *p != '\r')
				abort();
		check(x->child, depth + 1);
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct xml *doc, *x;
	struct err e;
	char code[64], msg[128];

	if (xml_parse((const char *)data, size, &doc, &e) == 0) {
		check(doc, 1);
		if (doc->next)
			abort(); /* one root */
		if (xml_aws_error(doc, code, sizeof(code), msg, sizeof(msg)) &&
		    (code[0] == '\0' || strpbrk(code, "\r\n") || strpbrk(msg, "\r\n")))
			abort();
		for (x = xml_find(doc, "reservationSet/item"); x; x = xml_next(x))
			(void)xml_text(x, "instancesSet/item/instanceId");
		xml_free(doc);
	}
	return 0;
}

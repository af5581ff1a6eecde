/* The XML reader on arbitrary bytes: no crash, no leak; a parsed tree can be
 * walked and searched for an AWS error. */
#include <stddef.h>
#include <stdint.h>

#include "xml.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct xml *doc, *x;
	struct err e;
	char code[64], msg[128];

	if (xml_parse((const char *)data, size, &doc, &e) == 0) {
		xml_aws_error(doc, code, sizeof(code), msg, sizeof(msg));
		for (x = xml_find(doc, "reservationSet/item"); x; x = xml_next(x))
			(void)xml_text(x, "instancesSet/item/instanceId");
		xml_free(doc);
	}
	return 0;
}

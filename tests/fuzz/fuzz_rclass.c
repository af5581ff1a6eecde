/* Resource class configs: any text either loads into valid classes (at
 * least one: a config replaces the built-ins, which only an empty text
 * keeps) or is refused with a message. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "names.h"
#include "rclass.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct rclass_set s;
	struct err e;
	char *text = malloc(size + 1);
	size_t i;

	if (text == NULL)
		return 0;
	memcpy(text, data, size);
	text[size] = '\0';
	if (rclass_load(&s, text, &e) == 0) {
		if (s.n < 1 || s.n > RCLASS_MAX || (size == 0 && rclass_find(&s, "2xlarge") == NULL))
			abort();
		for (i = 0; i < s.n; i++)
			if (!names_class(s.c[i].name) || s.c[i].cpu < 1 || s.c[i].cpu > 448 || s.c[i].mem < 512 ||
			    rclass_find(&s, s.c[i].name) != &s.c[i]) /* each name once */
				abort();
	} else if (e.cls != ERR_INPUT || e.msg[0] == '\0' || strchr(e.msg, '\n')) {
		abort();
	}
	free(text);
	return 0;
}

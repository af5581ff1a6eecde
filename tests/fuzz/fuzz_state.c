/* DynamoDB items come from a table anyone with access can write to: any
 * JSON as an item must give a line (one line, no newline) or a refusal. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "state.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = malloc(size + 1);
	struct buf line = BUF_INIT;
	cJSON *item;

	if (s == NULL)
		return 0;
	memcpy(s, data, size);
	s[size] = '\0';
	item = cJSON_Parse(s);
	if (state_line(item, 0, &line) == 0 && (strchr(line.p, '\n') || strchr(line.p, '\r')))
		abort(); /* a record broke out of its line */
	buf_reset(&line);
	if (state_line(item, 1, &line) == 0 && strchr(line.p, '\n'))
		abort();
	cJSON_Delete(item);
	buf_free(&line);
	free(s);
	return 0;
}

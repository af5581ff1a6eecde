/* Date and ini parsing on arbitrary text. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ini.h"
#include "isotime.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = malloc(size + 1);
	struct buf b = BUF_INIT;
	long long t;

	if (s == NULL)
		return 0;
	memcpy(s, data, size);
	s[size] = '\0';
	isotime_parse(s, &t);
	isotime_parse_http(s, &t);
	ini_get(s, "default", "region", &b);
	ini_get(s, "profile dev", "aws_access_key_id", &b);
	buf_free(&b);
	free(s);
	return 0;
}

/* DynamoDB numbers: whatever item_valid_number accepts is a whole decimal
 * number (strtod reads all of it) within DynamoDB's range; ddb_n and ddb_s
 * on arbitrary JSON items never crash. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "ddb.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = malloc(size + 1), *end;
	cJSON *item;
	long long n;
	double v;

	if (s == NULL)
		return 0;
	memcpy(s, data, size);
	s[size] = '\0';
	if (item_valid_number(s)) {
		if (strspn(s, "-0123456789.eE+") != strlen(s))
			abort();
		v = strtod(s, &end);
		if (*end != '\0' || v != v)
			abort();
		if (v < 0)
			v = -v;
		/* Precision limits of double: a little slack on both bounds. */
		if (v != 0 && (v >= 1.0000001e126 || v < 0.9999999e-130))
			abort();
	}
	item = cJSON_ParseWithLength((const char *)data, size);
	if (item) {
		(void)item_s(item, "pk");
		if (item_n(item, "n", &n) == 0 && !item_valid_number(
		    cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(item, "n"), "N")->valuestring))
			abort(); /* an integer ddb_n takes is a valid number */
		cJSON_Delete(item);
	}
	free(s);
	return 0;
}

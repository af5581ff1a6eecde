#include <limits.h>
#include <stdio.h>

#include "item.h"
#include "num.h"

const char *
item_s(const cJSON *item, const char *name)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(item, name), "S");

	return cJSON_IsString(v) ? v->valuestring : NULL;
}

int
item_n(const cJSON *item, const char *name, long long *out)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(item, name), "N");

	if (!cJSON_IsString(v))
		return -1;
	return num_parse(v->valuestring, LLONG_MIN, LLONG_MAX, out);
}

/* {"<type>": v}, or NULL out of memory. */
static cJSON *
attr(const char *type, const char *v)
{
	cJSON *o = cJSON_CreateObject();

	if (o && !cJSON_AddStringToObject(o, type, v)) {
		cJSON_Delete(o);
		return NULL;
	}
	return o;
}

cJSON *
item_attr_s(const char *v)
{
	return attr("S", v);
}

cJSON *
item_attr_n(long long v)
{
	char s[32];

	snprintf(s, sizeof(s), "%lld", v);
	return attr("N", s);
}

cJSON *
item_attr_bool(int v)
{
	cJSON *o = cJSON_CreateObject();

	if (o && !cJSON_AddBoolToObject(o, "BOOL", v)) {
		cJSON_Delete(o);
		return NULL;
	}
	return o;
}

int
item_add(cJSON *obj, const char *name, cJSON *value)
{
	if (obj == NULL || value == NULL || !cJSON_AddItemToObject(obj, name, value)) {
		cJSON_Delete(value);
		return -1;
	}
	return 0;
}

int
item_add_s(cJSON *obj, const char *name, const char *v)
{
	return item_add(obj, name, item_attr_s(v));
}

int
item_add_n(cJSON *obj, const char *name, long long v)
{
	return item_add(obj, name, item_attr_n(v));
}

int
item_add_bool(cJSON *obj, const char *name, int v)
{
	return item_add(obj, name, item_attr_bool(v));
}

int
item_valid_number(const char *s)
{
	long long exp = 0, lead = -1;
	size_t i = 0, digits = 0, sig = 0, zeros = 0, ndig, point = 0;
	int seen_point = 0, expsign = 1;

	/* -? (d+ (. d*)? | . d+) ([eE] [+-]? d+)?, counting significant digits
	 * and where the first one is relative to the point. */
	if (s == NULL)
		return 0;
	if (s[i] == '-')
		i++;
	for (; (s[i] >= '0' && s[i] <= '9') || (s[i] == '.' && !seen_point); i++) {
		if (s[i] == '.') {
			seen_point = 1;
			point = digits;
			continue;
		}
		digits++;
		if (s[i] == '0' && lead < 0)
			continue; /* a leading zero */
		if (lead < 0)
			lead = (long long)digits; /* 1-based position of the first non-zero digit */
		/* Trailing zeros are not significant: count them apart. */
		if (s[i] == '0') {
			zeros++;
		} else {
			sig += zeros + 1;
			zeros = 0;
		}
	}
	if (digits == 0)
		return 0;
	if (!seen_point)
		point = digits;
	if (s[i] == 'e' || s[i] == 'E') {
		i++;
		if (s[i] == '+' || s[i] == '-')
			expsign = s[i++] == '-' ? -1 : 1;
		for (ndig = 0; s[i] >= '0' && s[i] <= '9'; i++, ndig++) {
			exp = exp * 10 + (s[i] - '0');
			if (exp > 100000)
				return 0; /* far outside the range, whatever the digits */
		}
		if (ndig == 0)
			return 0;
		exp *= expsign;
	}
	if (s[i] != '\0')
		return 0;
	if (lead < 0)
		return 1; /* zero, in any spelling */
	if (sig > 38)
		return 0;
	/* The decimal exponent of the first significant digit: DynamoDB takes
	 * magnitudes from 1E-130 to 9.99...E+125. */
	exp += (long long)point - lead;
	return exp >= -130 && exp <= 125;
}

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ddb.h"
#include "num.h"

int
ddb_call(struct aws *a, const char *op, const cJSON *body, cJSON **out, struct err *e)
{
	char target[64];

	snprintf(target, sizeof(target), "DynamoDB_20120810.%s", op);
	return aws_json_doc(a, target, body, out, e);
}

int
ddb_condition_failed(const struct err *e)
{
	return strcmp(e->code, "ConditionalCheckFailedException") == 0;
}

static cJSON *
key(const char *pk)
{
	cJSON *k = cJSON_CreateObject(), *s = cJSON_CreateObject();

	if (k == NULL || s == NULL || !cJSON_AddStringToObject(s, "S", pk)) {
		cJSON_Delete(k);
		cJSON_Delete(s);
		return NULL;
	}
	cJSON_AddItemToObject(k, "pk", s);
	return k;
}

/* Moves every element of from's array into to. */
static void
take_all(cJSON *to, cJSON *from)
{
	cJSON *it;

	while (from && (it = cJSON_DetachItemFromArray(from, 0)) != NULL)
		cJSON_AddItemToArray(to, it);
}

int
ddb_batch_get(struct aws *a, const char *table, const char *const *pks, size_t n,
    int consistent, cJSON **items, struct err *e)
{
	size_t at = 0, i;
	cJSON *pending = NULL;
	int rounds = 0;

	*items = cJSON_CreateArray();
	if (*items == NULL)
		goto nomem;
	while (at < n || pending) {
		cJSON *body = cJSON_CreateObject(), *req, *tab, *keys, *resp = NULL, *un;

		if (body == NULL)
			goto nomem;
		req = cJSON_AddObjectToObject(body, "RequestItems");
		tab = req ? cJSON_AddObjectToObject(req, table) : NULL;
		if (tab == NULL) {
			cJSON_Delete(body);
			goto nomem;
		}
		if (pending) {
			keys = pending;
			pending = NULL;
		} else {
			keys = cJSON_CreateArray();
			for (i = 0; i < 100 && at < n; i++, at++) {
				cJSON *k = key(pks[at]);

				/* A key lost to memory would read as "not found". */
				if (k == NULL || !cJSON_AddItemToArray(keys, k)) {
					cJSON_Delete(k);
					cJSON_Delete(keys);
					cJSON_Delete(body);
					goto nomem;
				}
			}
		}
		cJSON_AddItemToObject(tab, "Keys", keys);
		cJSON_AddBoolToObject(tab, "ConsistentRead", consistent);
		if (ddb_call(a, "BatchGetItem", body, &resp, e)) {
			cJSON_Delete(body);
			goto fail;
		}
		cJSON_Delete(body);
		take_all(*items, cJSON_GetObjectItem(cJSON_GetObjectItem(resp, "Responses"), table));
		un = cJSON_GetObjectItem(cJSON_GetObjectItem(cJSON_GetObjectItem(resp, "UnprocessedKeys"), table), "Keys");
		if (cJSON_GetArraySize(un) > 0) {
			/* Throttled keys come back unprocessed: try them again, a bounded number of times. */
			if (++rounds > 10) {
				cJSON_Delete(resp);
				err_set(e, ERR_TEMPORARY, "BatchGetItem kept returning unprocessed keys");
				goto fail;
			}
			pending = cJSON_DetachItemFromObject(cJSON_GetObjectItem(cJSON_GetObjectItem(resp, "UnprocessedKeys"), table), "Keys");
		}
		cJSON_Delete(resp);
	}
	return 0;
nomem:
	err_set(e, ERR_LOCAL, "out of memory");
fail:
	cJSON_Delete(*items);
	*items = NULL;
	return -1;
}

int
ddb_scan(struct aws *a, const char *table, const char *filter, const cJSON *names,
    const cJSON *values, cJSON **items, struct err *e)
{
	cJSON *start = NULL;

	*items = cJSON_CreateArray();
	do {
		cJSON *body = cJSON_CreateObject(), *resp = NULL;

		if (body == NULL || *items == NULL) {
			cJSON_Delete(body);
			cJSON_Delete(start);
			err_set(e, ERR_LOCAL, "out of memory");
			goto fail;
		}
		cJSON_AddStringToObject(body, "TableName", table);
		cJSON_AddBoolToObject(body, "ConsistentRead", 1);
		if (filter) {
			cJSON_AddStringToObject(body, "FilterExpression", filter);
			if (names)
				cJSON_AddItemToObject(body, "ExpressionAttributeNames", cJSON_Duplicate(names, 1));
			if (values)
				cJSON_AddItemToObject(body, "ExpressionAttributeValues", cJSON_Duplicate(values, 1));
		}
		if (start)
			cJSON_AddItemToObject(body, "ExclusiveStartKey", start);
		start = NULL;
		if (ddb_call(a, "Scan", body, &resp, e)) {
			cJSON_Delete(body);
			goto fail;
		}
		cJSON_Delete(body);
		take_all(*items, cJSON_GetObjectItem(resp, "Items"));
		start = cJSON_DetachItemFromObject(resp, "LastEvaluatedKey");
		cJSON_Delete(resp);
	} while (start);
	return 0;
fail:
	cJSON_Delete(*items);
	*items = NULL;
	return -1;
}

const char *
ddb_s(const cJSON *item, const char *name)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(item, name), "S");

	return cJSON_IsString(v) ? v->valuestring : NULL;
}

int
ddb_n(const cJSON *item, const char *name, long long *out)
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
ddb_attr_s(const char *v)
{
	return attr("S", v);
}

cJSON *
ddb_attr_n(long long v)
{
	char s[32];

	snprintf(s, sizeof(s), "%lld", v);
	return attr("N", s);
}

cJSON *
ddb_attr_bool(int v)
{
	cJSON *o = cJSON_CreateObject();

	if (o && !cJSON_AddBoolToObject(o, "BOOL", v)) {
		cJSON_Delete(o);
		return NULL;
	}
	return o;
}

/* Adds name -> value to obj; value is freed when it cannot be added. */
static int
add(cJSON *obj, const char *name, cJSON *value)
{
	if (obj == NULL || value == NULL || !cJSON_AddItemToObject(obj, name, value)) {
		cJSON_Delete(value);
		return -1;
	}
	return 0;
}

int
ddb_add_s(cJSON *obj, const char *name, const char *v)
{
	return add(obj, name, ddb_attr_s(v));
}

int
ddb_add_n(cJSON *obj, const char *name, long long v)
{
	return add(obj, name, ddb_attr_n(v));
}

int
ddb_add_bool(cJSON *obj, const char *name, int v)
{
	return add(obj, name, ddb_attr_bool(v));
}

int
ddb_valid_number(const char *s)
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

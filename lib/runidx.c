#include <string.h>

#include "item.h"
#include "names.h"
#include "runidx.h"

#define PREFIX "run#"

int
runidx_pk(struct buf *out, const char *run)
{
	buf_reset(out);
	return buf_addf(out, PREFIX "%s", run);
}

cJSON *
runidx_add_body(const char *table, const char *run, char *const *ids, size_t n, long long now, long long ttl)
{
	cJSON *b = cJSON_CreateObject(), *key = cJSON_CreateObject(), *names = cJSON_CreateObject();
	cJSON *vals = cJSON_CreateObject(), *set = NULL, *ss;
	struct buf pk = BUF_INIT;
	int bad = 0;
	size_t i, j;

	bad |= runidx_pk(&pk, run);
	bad |= item_add(b, "TableName", cJSON_CreateString(table));
	bad |= item_add_s(key, "pk", pk.p ? pk.p : "");
	bad |= item_add(b, "Key", key);
	bad |= item_add(names, "#ttl", cJSON_CreateString("ttl"));
	bad |= item_add(names, "#up", cJSON_CreateString("updatedAt"));
	bad |= item_add_n(vals, ":ttl", ttl);
	bad |= item_add_n(vals, ":now", now);
	if (n) {
		/* {"SS": [...]}: DynamoDB refuses an empty set, so n 0 adds none. */
		set = cJSON_CreateObject();
		ss = cJSON_AddArrayToObject(set, "SS");
		for (i = 0; ss && i < n; i++) {
			/* Each id once: DynamoDB refuses a set with duplicates. */
			for (j = 0; j < i && strcmp(ids[j], ids[i]) != 0; j++)
				;
			if (j == i)
				bad |= !cJSON_AddItemToArray(ss, cJSON_CreateString(ids[i]));
		}
		bad |= ss == NULL;
		bad |= item_add(names, "#ids", cJSON_CreateString("ids"));
		bad |= item_add(vals, ":ids", set);
	}
	bad |= item_add(b, "UpdateExpression",
	    cJSON_CreateString(n ? "SET #ttl = :ttl, #up = :now ADD #ids :ids" : "SET #ttl = :ttl, #up = :now"));
	bad |= item_add(b, "ExpressionAttributeNames", names);
	bad |= item_add(b, "ExpressionAttributeValues", vals);
	buf_free(&pk);
	if (bad || b == NULL) {
		cJSON_Delete(b);
		return NULL;
	}
	return b;
}

int
runidx_lines(const cJSON *item, struct buf *out)
{
	const char *pk = item_s(item, "pk");
	const cJSON *ss = cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(item, "ids"), "SS"), *v;
	int n = 0;

	if (pk == NULL || strncmp(pk, PREFIX, strlen(PREFIX)) != 0 || !names_run_id(pk + strlen(PREFIX)))
		return -1;
	cJSON_ArrayForEach(v, ss) {
		if (!cJSON_IsString(v) || !names_instance_id(v->valuestring))
			continue;
		if (buf_addf(out, "%s\t%s\n", pk + strlen(PREFIX), v->valuestring))
			return -1;
		n++;
	}
	return n;
}

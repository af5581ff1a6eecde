#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ddb.h"
#include "retry.h"

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
			/* Keys come back unprocessed when the table is over its
			 * throughput: sent again after an exponential backoff, as
			 * the BatchGetItem reference asks, a bounded number of times. */
			if (++rounds > DDB_BATCH_ROUNDS) {
				cJSON_Delete(resp);
				err_set(e, ERR_TEMPORARY, "BatchGetItem kept returning unprocessed keys");
				goto fail;
			}
			pending = cJSON_DetachItemFromObject(cJSON_GetObjectItem(cJSON_GetObjectItem(resp, "UnprocessedKeys"), table), "Keys");
			cJSON_Delete(resp);
			a->sleep_ms(retry_delay_ms(rounds, RETRY_THROTTLE, retry_jitter(&a->rng)));
			continue;
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

/* BatchWriteItem of the write requests made by req(ctx, i) for i in
 * [0..n), 25 a call, unprocessed ones sent again after a backoff. */
static int
batch_write(struct aws *a, const char *table, cJSON *(*req)(const void *, size_t), const void *ctx, size_t n,
    struct err *e)
{
	size_t at = 0, i;
	cJSON *pending = NULL;
	int rounds = 0;

	while (at < n || pending) {
		cJSON *body = cJSON_CreateObject(), *ri, *reqs, *resp = NULL, *un;

		ri = body ? cJSON_AddObjectToObject(body, "RequestItems") : NULL;
		if (pending) {
			reqs = pending;
			pending = NULL;
		} else {
			reqs = cJSON_CreateArray();
			for (i = 0; reqs && i < DDB_BATCH_PUTS && at < n; i++, at++) {
				cJSON *w = req(ctx, at);

				if (w == NULL || !cJSON_AddItemToArray(reqs, w)) {
					cJSON_Delete(w);
					cJSON_Delete(reqs);
					reqs = NULL;
				}
			}
		}
		if (ri == NULL || reqs == NULL || !cJSON_AddItemToObject(ri, table, reqs)) {
			cJSON_Delete(reqs);
			cJSON_Delete(body);
			return err_nomem(e);
		}
		if (ddb_call(a, "BatchWriteItem", body, &resp, e)) {
			cJSON_Delete(body);
			return -1;
		}
		cJSON_Delete(body);
		un = cJSON_GetObjectItem(cJSON_GetObjectItem(resp, "UnprocessedItems"), table);
		if (cJSON_GetArraySize(un) > 0) {
			/* As for BatchGetItem: over throughput, sent again after a
			 * backoff, a bounded number of times. */
			if (++rounds > DDB_BATCH_ROUNDS) {
				cJSON_Delete(resp);
				err_set(e, ERR_TEMPORARY, "BatchWriteItem kept returning unprocessed items");
				return -1;
			}
			pending = cJSON_DetachItemFromObject(cJSON_GetObjectItem(resp, "UnprocessedItems"), table);
			cJSON_Delete(resp);
			a->sleep_ms(retry_delay_ms(rounds, RETRY_THROTTLE, retry_jitter(&a->rng)));
			continue;
		}
		cJSON_Delete(resp);
	}
	return 0;
}

/* {"PutRequest": {"Item": items[i]}}, the item copied. */
static cJSON *
put_req(const void *ctx, size_t i)
{
	cJSON *const *items = ctx;
	cJSON *w = cJSON_CreateObject(), *pr = cJSON_AddObjectToObject(w, "PutRequest");
	cJSON *it = cJSON_Duplicate(items[i], 1);

	if (pr == NULL || it == NULL || !cJSON_AddItemToObject(pr, "Item", it)) {
		cJSON_Delete(it);
		cJSON_Delete(w);
		return NULL;
	}
	return w;
}

/* {"DeleteRequest": {"Key": {"pk": {"S": pks[i]}}}}. */
static cJSON *
delete_req(const void *ctx, size_t i)
{
	const char *const *pks = ctx;
	cJSON *w = cJSON_CreateObject(), *dr = cJSON_AddObjectToObject(w, "DeleteRequest");
	cJSON *k = key(pks[i]);

	if (dr == NULL || k == NULL || !cJSON_AddItemToObject(dr, "Key", k)) {
		cJSON_Delete(k);
		cJSON_Delete(w);
		return NULL;
	}
	return w;
}

int
ddb_batch_put(struct aws *a, const char *table, cJSON *const *items, size_t n, struct err *e)
{
	return batch_write(a, table, put_req, items, n, e);
}

int
ddb_batch_delete(struct aws *a, const char *table, const char *const *pks, size_t n, struct err *e)
{
	return batch_write(a, table, delete_req, pks, n, e);
}

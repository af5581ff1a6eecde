/* ddb: DynamoDB calls as cJSON in, cJSON out, over the AWS client. The
 * items' attributes are item.h's (pure). */
#ifndef EC2RP_DDB_H
#define EC2RP_DDB_H

#include <stddef.h>

#include <cjson/cJSON.h>

#include "aws.h"
#include "item.h"

/* Sends op ("GetItem", ...) with body; *out (may be NULL) gets the parsed
 * response. 0, or -1 with e set; e->code is the service's error code. */
int ddb_call(struct aws *a, const char *op, const cJSON *body, cJSON **out, struct err *e);
/* 1 if e is a failed condition (a lost race, not an error). */
int ddb_condition_failed(const struct err *e);
/* BatchGetItem of the records with partition keys pks, 100 a call, until no
 * key is left unprocessed. Unprocessed keys are sent again after a
 * full-jitter backoff (lib/retry.c's, as for throttling: below 0.5 s, 1 s,
 * 2 s, ... 20 s; through a->sleep_ms), at most DDB_BATCH_ROUNDS times, then
 * ERR_TEMPORARY. *items gets an array of the items found. */
#define DDB_BATCH_ROUNDS 10
int ddb_batch_get(struct aws *a, const char *table, const char *const *pks, size_t n,
    int consistent, cJSON **items, struct err *e);
/* BatchWriteItem of PutRequests for items[0..n) (each an item's attributes,
 * copied), 25 a call (the API's limit), unprocessed ones sent again as
 * ddb_batch_get does. A batch write has no condition: for items whose put
 * needs none (an instance's token, keyed by its own ARN). 0, or -1. */
#define DDB_BATCH_PUTS 25
int ddb_batch_put(struct aws *a, const char *table, cJSON *const *items, size_t n, struct err *e);
/* BatchWriteItem of DeleteRequests for the records with partition keys
 * pks[0..n), 25 a call, as ddb_batch_put. Unconditional as every batch
 * write is: for records whose delete needs no condition (an instance's
 * signal, heartbeat and token once it is gone). Keys must not repeat
 * within a call (DynamoDB refuses the call). 0, or -1: the keys of the
 * calls before the failed one are deleted, the rest may not be. */
int ddb_batch_delete(struct aws *a, const char *table, const char *const *pks, size_t n, struct err *e);
/* Scan with an optional filter (expression, names and values may be NULL),
 * all pages, strongly consistent. *items gets an array. */
int ddb_scan(struct aws *a, const char *table, const char *filter, const cJSON *names,
    const cJSON *values, cJSON **items, struct err *e);

#endif

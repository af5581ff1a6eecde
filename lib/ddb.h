/* ddb: DynamoDB calls as cJSON in, cJSON out, over the AWS client. */
#ifndef EC2RP_DDB_H
#define EC2RP_DDB_H

#include <stddef.h>

#include <cjson/cJSON.h>

#include "aws.h"

/* Sends op ("GetItem", ...) with body; *out (may be NULL) gets the parsed
 * response. 0, or -1 with e set; e->code is the service's error code. */
int ddb_call(struct aws *a, const char *op, const cJSON *body, cJSON **out, struct err *e);
/* 1 if e is a failed condition (a lost race, not an error). */
int ddb_condition_failed(const struct err *e);
/* BatchGetItem of the records with partition keys pks, 100 a call, until no
 * key is left unprocessed. *items gets an array of the items found. */
int ddb_batch_get(struct aws *a, const char *table, const char *const *pks, size_t n,
    int consistent, cJSON **items, struct err *e);
/* Scan with an optional filter (expression, names and values may be NULL),
 * all pages, strongly consistent. *items gets an array. */
int ddb_scan(struct aws *a, const char *table, const char *filter, const cJSON *names,
    const cJSON *values, cJSON **items, struct err *e);
/* The pure helpers below do no I/O. */
/* A string attribute of item, or NULL. */
const char *ddb_s(const cJSON *item, const char *name);
/* A number attribute of item into *out: 0, or -1 if absent, not an
 * integer ("-"? digits), or out of range (*out is then untouched). */
int ddb_n(const cJSON *item, const char *name, long long *out);
/* Attribute values {"S": v}, {"N": "v"}, {"BOOL": v}; NULL out of memory. */
cJSON *ddb_attr_s(const char *v);
cJSON *ddb_attr_n(long long v);
cJSON *ddb_attr_bool(int v);
/* Adds name -> attribute value to obj: an item, a key, or the
 * ExpressionAttributeValues (name ":state"). 0, or -1 out of memory (or
 * obj NULL). */
int ddb_add_s(cJSON *obj, const char *name, const char *v);
int ddb_add_n(cJSON *obj, const char *name, long long v);
int ddb_add_bool(cJSON *obj, const char *name, int v);
/* 1 if s is a number DynamoDB accepts: decimal, optional '-', fraction and
 * exponent; at most 38 significant digits; magnitude 1E-130 to below 1E+126
 * (or zero). Else 0. */
int ddb_valid_number(const char *s);

#endif

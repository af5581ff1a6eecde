/* item: DynamoDB items and attribute values as cJSON, read and built.
 * Pure: no I/O (the client is ddb.h). */
#ifndef EC2RP_ITEM_H
#define EC2RP_ITEM_H

#include <cjson/cJSON.h>

/* A string attribute of item, or NULL. */
const char *item_s(const cJSON *item, const char *name);
/* A number attribute of item into *out: 0, or -1 if absent, not an
 * integer ("-"? digits), or out of range (*out is then untouched). */
int item_n(const cJSON *item, const char *name, long long *out);
/* Attribute values {"S": v}, {"N": "v"}, {"BOOL": v}; NULL out of memory. */
cJSON *item_attr_s(const char *v);
cJSON *item_attr_n(long long v);
cJSON *item_attr_bool(int v);
/* Adds name -> value (any JSON) to obj; value is freed when it cannot be
 * added. 0, or -1 (out of memory, or obj or value NULL). */
int item_add(cJSON *obj, const char *name, cJSON *value);
/* Adds name -> attribute value to obj: an item, a key, or the
 * ExpressionAttributeValues (name ":state"). 0, or -1 out of memory (or
 * obj NULL). */
int item_add_s(cJSON *obj, const char *name, const char *v);
int item_add_n(cJSON *obj, const char *name, long long v);
int item_add_bool(cJSON *obj, const char *name, int v);
/* 1 if s is a number DynamoDB accepts: decimal, optional '-', fraction and
 * exponent; at most 38 significant digits; magnitude 1E-130 to below 1E+126
 * (or zero). Else 0. */
int item_valid_number(const char *s);

#endif

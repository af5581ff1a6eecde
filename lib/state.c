#include <stdio.h>
#include <string.h>

#include "ddb.h"
#include "state.h"

static const char *const states[] = { "none", "created", "running", "idle", "claimed", "terminated" };
static const char *const kinds[] = { "instance", "signal", "heartbeat", "config" };
static const char *const prefixes[] = { "i#", "sig#", "hb#", "cfg#" };

int
state_parse(const char *s)
{
	int i;

	for (i = 0; i <= ST_TERMINATED; i++)
		if (strcmp(s, states[i]) == 0)
			return i;
	return -1;
}

const char *
state_name(int st)
{
	return st >= 0 && st <= ST_TERMINATED ? states[st] : "?";
}

int
state_kind(const char *s)
{
	int i;

	for (i = 0; i <= KIND_CONFIG; i++)
		if (strcmp(s, kinds[i]) == 0)
			return i;
	return -1;
}

int
state_allowed(int from, int to)
{
	switch (to) {
	case ST_CREATED:
		return from == ST_NONE;
	case ST_RUNNING:
		return from == ST_CREATED || from == ST_CLAIMED;
	case ST_IDLE:
		return from == ST_RUNNING || from == ST_CLAIMED;
	case ST_CLAIMED:
		return from == ST_IDLE;
	case ST_TERMINATED:
		return from >= ST_CREATED && from <= ST_CLAIMED;
	default:
		return 0;
	}
}

int
state_pk(struct buf *out, int kind, const char *name)
{
	buf_reset(out);
	return buf_addf(out, "%s%s", prefixes[kind], name);
}

int
state_arn_pk(struct buf *out, int kind, const char *partition, const char *region, const char *account,
    const char *id)
{
	if (kind != KIND_SIGNAL && kind != KIND_HEARTBEAT)
		return -1;
	buf_reset(out);
	return buf_addf(out, "%sarn:%s:ec2:%s:%s:instance/%s", prefixes[kind], partition, region, account, id);
}

int
state_parse_identity(const char *arn, const char *account, char *partition)
{
	size_t n;

	if (strlen(account) != 12 || strspn(account, "0123456789") != 12 || strncmp(arn, "arn:", 4) != 0)
		return -1;
	n = strcspn(arn + 4, ":");
	if (n == 0 || n > 15 || strspn(arn + 4, "abcdefghijklmnopqrstuvwxyz-") < n || arn[4 + n] != ':')
		return -1;
	memcpy(partition, arn + 4, n);
	partition[n] = '\0';
	return 0;
}

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

static cJSON *
num(long long v)
{
	char s[32];

	snprintf(s, sizeof(s), "%lld", v);
	return attr("N", s);
}

/* Adds name -> value to obj; returns 0, or -1 (value is freed). */
static int
put(cJSON *obj, const char *name, cJSON *value)
{
	if (obj == NULL || value == NULL) {
		cJSON_Delete(value);
		return -1;
	}
	cJSON_AddItemToObject(obj, name, value);
	return 0;
}

cJSON *
state_cas_body(const struct state_cas *c, const char **op)
{
	cJSON *b = cJSON_CreateObject(), *names = cJSON_CreateObject(), *vals = cJSON_CreateObject();
	char pk[64];
	const char *cond, *update;
	int bad = 0;

	/* Only the table's transitions, and never an empty run id in a condition. */
	if (!state_allowed(c->from, c->to) || (c->run_id == NULL && c->to != ST_CREATED && c->to != ST_TERMINATED) ||
	    b == NULL || names == NULL || vals == NULL) {
		cJSON_Delete(b);
		cJSON_Delete(names);
		cJSON_Delete(vals);
		return NULL;
	}
	snprintf(pk, sizeof(pk), "i#%s", c->id);
	bad |= put(b, "TableName", cJSON_CreateString(c->table));
	if (c->to == ST_CREATED) {
		cJSON *item = cJSON_CreateObject();

		*op = "PutItem";
		bad |= put(item, "pk", attr("S", pk));
		bad |= put(item, "state", attr("S", "created"));
		if (c->run_id)
			bad |= put(item, "runId", attr("S", c->run_id));
		bad |= put(item, "threshold", num(c->threshold));
		bad |= put(item, "updatedAt", num(c->now));
		if (c->resource_class)
			bad |= put(item, "resourceClass", attr("S", c->resource_class));
		if (c->instance_type)
			bad |= put(item, "instanceType", attr("S", c->instance_type));
		if (c->usage_class)
			bad |= put(item, "usageClass", attr("S", c->usage_class));
		bad |= put(b, "Item", item);
		bad |= put(b, "ConditionExpression", cJSON_CreateString("attribute_not_exists(pk)"));
		cJSON_Delete(names);
		cJSON_Delete(vals);
		if (bad) {
			cJSON_Delete(b);
			return NULL;
		}
		return b;
	}
	*op = "UpdateItem";
	bad |= put(b, "Key", cJSON_CreateObject());
	bad |= put(cJSON_GetObjectItem(b, "Key"), "pk", attr("S", pk));
	bad |= put(names, "#st", cJSON_CreateString("state"));
	bad |= put(names, "#up", cJSON_CreateString("updatedAt"));
	bad |= put(vals, ":from", attr("S", state_name(c->from)));
	bad |= put(vals, ":to", attr("S", state_name(c->to)));
	bad |= put(vals, ":now", num(c->now));
	if (c->to == ST_TERMINATED) {
		/* Terminated records go away by themselves a week later. */
		bad |= put(names, "#ttl", cJSON_CreateString("ttl"));
		bad |= put(names, "#run", cJSON_CreateString("runId"));
		bad |= put(vals, ":ttl", num(c->now + 7 * 86400));
		update = "SET #st = :to, #up = :now, #ttl = :ttl REMOVE #run";
		cond = c->run_id ? "#st = :from AND #run = :run" : "#st = :from";
		if (c->run_id)
			bad |= put(vals, ":run", attr("S", c->run_id));
	} else {
		bad |= put(names, "#th", cJSON_CreateString("threshold"));
		bad |= put(names, "#run", cJSON_CreateString("runId"));
		bad |= put(vals, ":th", num(c->threshold));
		bad |= put(vals, ":run", attr("S", c->run_id));
		if (c->to == ST_CLAIMED) {
			/* The claim: idle, unowned and not expired; exclusive by condition. */
			update = "SET #st = :to, #run = :run, #th = :th, #up = :now";
			cond = "#st = :from AND attribute_not_exists(#run) AND #th > :now";
		} else if (c->to == ST_IDLE) {
			/* The repository goes with it: the agent tags its pool message. */
			update = "SET #st = :to, #th = :th, #up = :now REMOVE #run";
			if (c->repository) {
				update = "SET #st = :to, #th = :th, #up = :now, #repo = :repo REMOVE #run";
				bad |= put(names, "#repo", cJSON_CreateString("repository"));
				bad |= put(vals, ":repo", attr("S", c->repository));
			}
			cond = "#st = :from AND #run = :run";
		} else {
			/* -> running: only while the claim or creation has not expired;
			 * past it the agent ends itself and refresh may terminate it. */
			update = "SET #st = :to, #th = :th, #up = :now";
			cond = "#st = :from AND #run = :run AND #th > :now";
		}
	}
	bad |= put(b, "UpdateExpression", cJSON_CreateString(update));
	bad |= put(b, "ConditionExpression", cJSON_CreateString(cond));
	bad |= put(b, "ExpressionAttributeNames", names);
	bad |= put(b, "ExpressionAttributeValues", vals);
	if (bad) {
		cJSON_Delete(b);
		return NULL;
	}
	return b;
}

int
state_cas_applied(const struct state_cas *c, const cJSON *item)
{
	const char *st = ddb_s(item, "state"), *run = ddb_s(item, "runId");
	long long up, th;
	int keeps_run = c->to != ST_IDLE && c->to != ST_TERMINATED && c->run_id != NULL;

	if (st == NULL || strcmp(st, state_name(c->to)) != 0)
		return 0;
	if (ddb_n(item, "updatedAt", &up) || up != c->now)
		return 0;
	if (keeps_run ? run == NULL || strcmp(run, c->run_id) != 0 : run != NULL)
		return 0;
	if (c->to == ST_TERMINATED)
		return 1;
	return ddb_n(item, "threshold", &th) == 0 && th == c->threshold;
}

/* The string or number of attribute name, or "-". */
static const char *
field(const cJSON *item, const char *name)
{
	const cJSON *a = cJSON_GetObjectItemCaseSensitive(item, name), *v;

	v = cJSON_GetObjectItemCaseSensitive(a, "S");
	if (!cJSON_IsString(v))
		v = cJSON_GetObjectItemCaseSensitive(a, "N");
	return cJSON_IsString(v) && v->valuestring[0] ? v->valuestring : "-";
}

/* Appends s with control characters (tab, newline) as spaces, so that a
 * record stays one line of tab-separated fields. */
static int
text(struct buf *out, const char *s)
{
	for (; *s; s++)
		if (buf_addc(out, (unsigned char)*s < 0x20 || *s == 0x7f ? ' ' : *s))
			return -1;
	return 0;
}

int
state_line(const cJSON *item, int json, struct buf *out)
{
	static const char *const fields[4][8] = {
		{ "state", "runId", "threshold", "resourceClass", "instanceType", "usageClass", "repository", NULL },
		{ "signal", "runId", "at", "message", NULL },
		{ "at", NULL },
		{ "value", NULL },
	};
	const char *pk = field(item, "pk");
	int kind, i;
	size_t plen = 0;
	cJSON *o;
	char *s;

	for (kind = 0; kind <= KIND_CONFIG; kind++) {
		plen = strlen(prefixes[kind]);
		if (strncmp(pk, prefixes[kind], plen) == 0)
			break;
	}
	if (kind > KIND_CONFIG)
		return -1;
	/* Signals and heartbeats are keyed by the instance's ARN: the id is
	 * what follows its last '/'. */
	if ((kind == KIND_SIGNAL || kind == KIND_HEARTBEAT) && strncmp(pk + plen, "arn:", 4) == 0 &&
	    strrchr(pk, '/'))
		plen = (size_t)(strrchr(pk, '/') + 1 - pk);
	if (!json) {
		if (text(out, pk + plen))
			return -1;
		for (i = 0; fields[kind][i]; i++)
			if (buf_addc(out, '\t') || text(out, field(item, fields[kind][i])))
				return -1;
		return 0;
	}
	o = cJSON_CreateObject();
	if (o == NULL || !cJSON_AddStringToObject(o, "kind", kinds[kind]) ||
	    !cJSON_AddStringToObject(o, kind == KIND_CONFIG ? "name" : "id", pk + plen)) {
		cJSON_Delete(o);
		return -1;
	}
	for (i = 0; fields[kind][i]; i++) {
		const char *v = field(item, fields[kind][i]);

		if (strcmp(v, "-") != 0 && !cJSON_AddStringToObject(o, fields[kind][i], v)) {
			cJSON_Delete(o);
			return -1;
		}
	}
	s = cJSON_PrintUnformatted(o);
	cJSON_Delete(o);
	if (s == NULL || buf_adds(out, s)) {
		cJSON_free(s);
		return -1;
	}
	cJSON_free(s);
	return 0;
}

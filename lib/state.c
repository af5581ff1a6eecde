#include <stdio.h>
#include <string.h>

#include "item.h"
#include "state.h"
#include "text.h"

static const char *const states[] = { "none", "created", "running", "idle", "claimed", "terminated" };
static const char *const kinds[] = { "instance", "signal", "heartbeat", "config", "token" };
static const char *const prefixes[] = { "i#", "sig#", "hb#", "cfg#", "tok#" };

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

	for (i = 0; i <= KIND_TOKEN; i++)
		if (strcmp(s, kinds[i]) == 0)
			return i;
	return -1;
}

int
state_kind_by_arn(int kind)
{
	return kind == KIND_SIGNAL || kind == KIND_HEARTBEAT || kind == KIND_TOKEN;
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
		/* From none: a warm instance, made by refresh ahead of demand. */
		return from == ST_RUNNING || from == ST_CLAIMED || from == ST_NONE;
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
	if (!state_kind_by_arn(kind))
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

cJSON *
state_cas_body(const struct state_cas *c, const char **op)
{
	cJSON *b = cJSON_CreateObject(), *names = cJSON_CreateObject(), *vals = cJSON_CreateObject();
	char pk[64];
	const char *cond, *update;
	int bad = 0;

	/* Only the table's transitions, and never an empty run id in a condition. */
	if (!state_allowed(c->from, c->to) ||
	    (c->run_id == NULL && c->to != ST_CREATED && c->to != ST_TERMINATED && c->from != ST_NONE) ||
	    (c->from == ST_NONE && c->to == ST_IDLE && (c->run_id != NULL || c->repository != NULL)) ||
	    (c->to == ST_RUNNING && c->repository != NULL) ||
	    (c->same_repository && (c->to != ST_CLAIMED || c->repository == NULL)) ||
	    b == NULL || names == NULL || vals == NULL) {
		cJSON_Delete(b);
		cJSON_Delete(names);
		cJSON_Delete(vals);
		return NULL;
	}
	snprintf(pk, sizeof(pk), "i#%s", c->id);
	bad |= item_add(b, "TableName", cJSON_CreateString(c->table));
	if (c->from == ST_NONE) {
		cJSON *item = cJSON_CreateObject();

		/* created, for a run; or idle, a warm instance: no run, and no
		 * repository (no run has used it). */
		*op = "PutItem";
		bad |= item_add(item, "pk", item_attr_s(pk));
		bad |= item_add(item, "state", item_attr_s(state_name(c->to)));
		if (c->run_id)
			bad |= item_add(item, "runId", item_attr_s(c->run_id));
		bad |= item_add(item, "threshold", item_attr_n(c->threshold));
		bad |= item_add(item, "updatedAt", item_attr_n(c->now));
		if (c->resource_class)
			bad |= item_add(item, "resourceClass", item_attr_s(c->resource_class));
		if (c->instance_type)
			bad |= item_add(item, "instanceType", item_attr_s(c->instance_type));
		if (c->usage_class)
			bad |= item_add(item, "usageClass", item_attr_s(c->usage_class));
		if (c->repository)
			bad |= item_add(item, "repository", item_attr_s(c->repository));
		bad |= item_add(b, "Item", item);
		bad |= item_add(b, "ConditionExpression", cJSON_CreateString("attribute_not_exists(pk)"));
		cJSON_Delete(names);
		cJSON_Delete(vals);
		if (bad) {
			cJSON_Delete(b);
			return NULL;
		}
		return b;
	}
	*op = "UpdateItem";
	bad |= item_add(b, "Key", cJSON_CreateObject());
	bad |= item_add(cJSON_GetObjectItem(b, "Key"), "pk", item_attr_s(pk));
	bad |= item_add(names, "#st", cJSON_CreateString("state"));
	bad |= item_add(names, "#up", cJSON_CreateString("updatedAt"));
	bad |= item_add(vals, ":from", item_attr_s(state_name(c->from)));
	bad |= item_add(vals, ":to", item_attr_s(state_name(c->to)));
	bad |= item_add(vals, ":now", item_attr_n(c->now));
	if (c->to == ST_TERMINATED) {
		/* Terminated records go away by themselves a week later. */
		bad |= item_add(names, "#ttl", cJSON_CreateString("ttl"));
		bad |= item_add(names, "#run", cJSON_CreateString("runId"));
		bad |= item_add(vals, ":ttl", item_attr_n(c->now + 7 * 86400));
		update = "SET #st = :to, #up = :now, #ttl = :ttl REMOVE #run";
		/* With a repository: only the run's own repository ends it. */
		if (c->run_id && c->repository)
			cond = "#st = :from AND #run = :run AND #repo = :repo";
		else if (c->repository)
			cond = "#st = :from AND #repo = :repo";
		else
			cond = c->run_id ? "#st = :from AND #run = :run" : "#st = :from";
		if (c->run_id)
			bad |= item_add(vals, ":run", item_attr_s(c->run_id));
	} else {
		bad |= item_add(names, "#th", cJSON_CreateString("threshold"));
		bad |= item_add(names, "#run", cJSON_CreateString("runId"));
		bad |= item_add(vals, ":th", item_attr_n(c->threshold));
		bad |= item_add(vals, ":run", item_attr_s(c->run_id));
		if (c->to == ST_CLAIMED) {
			/* The claim: idle, unowned and not expired; exclusive by
			 * condition. The class and the repository are checked against
			 * the record, which only the controlplane writes: a pool
			 * message says the same, but whoever can send to a queue can
			 * say anything. No repository: no run has used it yet. The
			 * claiming run's repository is stored: it owns the record now. */
			update = c->repository ? "SET #st = :to, #run = :run, #th = :th, #up = :now, #repo = :repo"
			                       : "SET #st = :to, #run = :run, #th = :th, #up = :now";
			if (c->resource_class && c->same_repository)
				cond = "#st = :from AND attribute_not_exists(#run) AND #th > :now AND #rc = :rc AND "
				       "(attribute_not_exists(#repo) OR #repo = :repo)";
			else if (c->resource_class)
				cond = "#st = :from AND attribute_not_exists(#run) AND #th > :now AND #rc = :rc";
			else if (c->same_repository)
				cond = "#st = :from AND attribute_not_exists(#run) AND #th > :now AND "
				       "(attribute_not_exists(#repo) OR #repo = :repo)";
			else
				cond = "#st = :from AND attribute_not_exists(#run) AND #th > :now";
			if (c->resource_class) {
				bad |= item_add(names, "#rc", cJSON_CreateString("resourceClass"));
				bad |= item_add(vals, ":rc", item_attr_s(c->resource_class));
			}
		} else if (c->to == ST_IDLE) {
			/* The repository it last served, for same-repository reuse.
			 * Unknown is recorded as such ("unknown" is no OWNER/NAME):
			 * only a record without one is an instance no run has used.
			 * Given, it must be the record's: a run id names any run, and
			 * only the run's own repository may release it. */
			update = "SET #st = :to, #th = :th, #up = :now, #repo = :repo REMOVE #run";
			cond = c->repository ? "#st = :from AND #run = :run AND #repo = :repo" : "#st = :from AND #run = :run";
			bad |= item_add(names, "#repo", cJSON_CreateString("repository"));
			bad |= item_add(vals, ":repo", item_attr_s(c->repository ? c->repository : "unknown"));
		} else {
			/* -> running: only while the claim or creation has not expired;
			 * past it the agent ends itself and refresh may terminate it. */
			update = "SET #st = :to, #th = :th, #up = :now";
			cond = "#st = :from AND #run = :run AND #th > :now";
		}
	}
	if (c->repository && (c->to == ST_CLAIMED || c->to == ST_TERMINATED)) {
		bad |= item_add(names, "#repo", cJSON_CreateString("repository"));
		bad |= item_add(vals, ":repo", item_attr_s(c->repository));
	}
	bad |= item_add(b, "UpdateExpression", cJSON_CreateString(update));
	bad |= item_add(b, "ConditionExpression", cJSON_CreateString(cond));
	bad |= item_add(b, "ExpressionAttributeNames", names);
	bad |= item_add(b, "ExpressionAttributeValues", vals);
	if (bad) {
		cJSON_Delete(b);
		return NULL;
	}
	return b;
}

int
state_cas_applied(const struct state_cas *c, const cJSON *item)
{
	const char *st = item_s(item, "state"), *run = item_s(item, "runId");
	long long up, th;
	int keeps_run = c->to != ST_IDLE && c->to != ST_TERMINATED && c->run_id != NULL;

	if (st == NULL || strcmp(st, state_name(c->to)) != 0)
		return 0;
	if (item_n(item, "updatedAt", &up) || up != c->now)
		return 0;
	if (keeps_run ? run == NULL || strcmp(run, c->run_id) != 0 : run != NULL)
		return 0;
	if (c->to == ST_TERMINATED)
		return 1;
	return item_n(item, "threshold", &th) == 0 && th == c->threshold;
}

cJSON *
state_key_body(const char *table, const char *pk)
{
	cJSON *b = cJSON_CreateObject(), *key = cJSON_CreateObject();

	if (item_add(b, "TableName", cJSON_CreateString(table)) | item_add_s(key, "pk", pk) |
	    item_add(b, "Key", key)) {
		cJSON_Delete(b);
		return NULL;
	}
	return b;
}

cJSON *
state_token_delete_body(const char *table, const char *pk, const char *run_id)
{
	cJSON *b = state_key_body(table, pk), *names = cJSON_CreateObject(), *vals = cJSON_CreateObject();

	if (b == NULL) {
		cJSON_Delete(names);
		cJSON_Delete(vals);
		return NULL;
	}
	if (item_add(names, "#run", cJSON_CreateString("runId")) |
	    item_add(vals, ":run", item_attr_s(run_id)) |
	    item_add(b, "ConditionExpression", cJSON_CreateString("#run = :run")) |
	    item_add(b, "ExpressionAttributeNames", names) | item_add(b, "ExpressionAttributeValues", vals)) {
		cJSON_Delete(b);
		return NULL;
	}
	return b;
}

cJSON *
state_put_body(const struct state_put *p)
{
	cJSON *b, *item;
	int bad = 0;

	if (p->table == NULL || p->pk == NULL || (p->kind == KIND_SIGNAL && p->signal == NULL) ||
	    (p->kind == KIND_CONFIG && p->value == NULL) ||
	    (p->kind == KIND_TOKEN && (p->signal == NULL || p->run_id == NULL || p->value == NULL)) ||
	    p->kind < KIND_SIGNAL || p->kind > KIND_TOKEN)
		return NULL;
	b = cJSON_CreateObject();
	item = cJSON_CreateObject();
	bad |= item_add(b, "TableName", cJSON_CreateString(p->table));
	bad |= item_add_s(item, "pk", p->pk);
	if (p->kind == KIND_CONFIG) {
		bad |= item_add_s(item, "value", p->value);
		bad |= item_add_n(item, "updatedAt", p->now);
	} else if (p->kind == KIND_TOKEN) {
		bad |= item_add_s(item, "purpose", p->signal);
		bad |= item_add_s(item, "runId", p->run_id);
		bad |= item_add_s(item, "token", p->value);
		bad |= item_add_n(item, "at", p->now);
		bad |= item_add_n(item, "ttl", p->now + STATE_TOKEN_TTL);
	} else {
		if (p->kind == KIND_SIGNAL)
			bad |= item_add_s(item, "signal", p->signal);
		if (p->run_id)
			bad |= item_add_s(item, "runId", p->run_id);
		if (p->kind == KIND_SIGNAL && p->message && p->message[0])
			bad |= item_add_s(item, "message", p->message);
		bad |= item_add_n(item, "at", p->now);
		bad |= item_add_n(item, "ttl", p->now + STATE_RECORD_TTL);
	}
	bad |= item_add(b, "Item", item);
	if (bad) {
		cJSON_Delete(b);
		return NULL;
	}
	return b;
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


int
state_line(const cJSON *item, int json, struct buf *out)
{
	static const char *const fields[5][9] = {
		{ "state", "runId", "threshold", "resourceClass", "instanceType", "usageClass", "repository", "updatedAt",
		    NULL },
		{ "signal", "runId", "at", "message", NULL },
		{ "at", NULL },
		{ "value", NULL },
		{ "purpose", "runId", "at", "token", NULL },
	};
	const char *pk = field(item, "pk");
	int kind, i;
	size_t plen = 0;
	cJSON *o;
	char *s;

	for (kind = 0; kind <= KIND_TOKEN; kind++) {
		plen = strlen(prefixes[kind]);
		if (strncmp(pk, prefixes[kind], plen) == 0)
			break;
	}
	if (kind > KIND_TOKEN)
		return -1;
	/* Signals, heartbeats and tokens are keyed by the instance's ARN: the
	 * id is what follows its last '/'. */
	if (state_kind_by_arn(kind) && strncmp(pk + plen, "arn:", 4) == 0 &&
	    strrchr(pk, '/'))
		plen = (size_t)(strrchr(pk, '/') + 1 - pk);
	if (!json) {
		if (text_clean(out, pk + plen))
			return -1;
		for (i = 0; fields[kind][i]; i++)
			if (buf_addc(out, '\t') || text_clean(out, field(item, fields[kind][i])))
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

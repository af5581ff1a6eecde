#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "item.h"
#include "names.h"
#include "poolstatus.h"

/* The permission an agent's refusal signal names (sh/ec2rp-agent writes
 * them when AWS refuses its call), or NULL for any other signal. */
const char *
poolstatus_missing(const char *signal)
{
	if (strcmp(signal, "repool-denied") == 0)
		return "sqs:SendMessage";
	if (strcmp(signal, "terminate-denied") == 0)
		return "ec2:TerminateInstances";
	return NULL;
}

#define MAX_TIME 1000000000000LL /* epoch seconds beyond this are not times of ours */

/* Copies s into out[sz] when it is 1..sz-1 bytes of set, else "?"; "-"
 * when s is NULL or empty (the attribute is absent). */
static void
pick(char *out, size_t sz, const char *s, const char *set)
{
	size_t n = s ? strlen(s) : 0;

	if (n == 0)
		snprintf(out, sz, "-");
	else if (n < sz && strspn(s, set) == n)
		snprintf(out, sz, "%s", s);
	else
		snprintf(out, sz, "?");
}

/* A time attribute, or UNKNOWN when absent or out of range. */
static long long
when(const cJSON *item, const char *name)
{
	long long v;

	if (item_n(item, name, &v) || v < 0 || v > MAX_TIME)
		return POOLSTATUS_UNKNOWN;
	return v;
}

/* The instance id an item's key names after prefix: "i#ID", or
 * "hb#arn:...:instance/ID" (also "hb#ID"), likewise "sig#". NULL when it
 * names none. */
static const char *
key_id(const cJSON *item, const char *prefix)
{
	const char *pk = item_s(item, "pk"), *id, *slash;
	size_t n = strlen(prefix);

	if (pk == NULL || strncmp(pk, prefix, n) != 0)
		return NULL;
	id = pk + n;
	if (strncmp(prefix, "i#", 2) != 0 && (slash = strrchr(id, '/')) != NULL)
		id = slash + 1;
	return names_instance_id(id) ? id : NULL;
}

/* Reads one instance record into r: 1 a live record, 0 a terminated one
 * (ignored), -1 not a record of ours. */
static int
record(const cJSON *item, const char *id, long long now, struct poolstatus_inst *r)
{
	const char *st = item_s(item, "state"), *run = item_s(item, "runId"), *rc = item_s(item, "resourceClass");
	int s = st ? state_parse(st) : -1;

	if (s == ST_TERMINATED)
		return 0;
	if (s < ST_CREATED)
		return -1;
	memset(r, 0, sizeof(*r));
	snprintf(r->id, sizeof(r->id), "%s", id);
	r->state = s;
	if (rc && names_class(rc))
		snprintf(r->rclass, sizeof(r->rclass), "%s", rc);
	else
		snprintf(r->rclass, sizeof(r->rclass), "-");
	if (run == NULL || *run == '\0')
		r->run[0] = '\0';
	else
		snprintf(r->run, sizeof(r->run), "%s", names_run_id(run) ? run : "?");
	pick(r->type, sizeof(r->type), item_s(item, "instanceType"), "abcdefghijklmnopqrstuvwxyz0123456789.-");
	pick(r->usage, sizeof(r->usage), item_s(item, "usageClass"), "abcdefghijklmnopqrstuvwxyz-");
	r->updated = when(item, "updatedAt");
	r->threshold = when(item, "threshold");
	r->heartbeat = POOLSTATUS_UNKNOWN;
	/* refresh's rule: its Scan takes threshold < now and not terminated;
	 * a record without a threshold never matches it. */
	r->expired = r->threshold != POOLSTATUS_UNKNOWN && r->threshold < now;
	return 1;
}

static int
by_id(const void *a, const void *b)
{
	return strcmp(((const struct poolstatus_inst *)a)->id, ((const struct poolstatus_inst *)b)->id);
}

static int
by_run_id(const void *a, const void *b)
{
	const struct poolstatus_inst *x = a, *y = b;
	int c = strcmp(x->run, y->run);

	return c ? c : strcmp(x->id, y->id);
}

static int
by_name(const void *a, const void *b)
{
	return strcmp(((const struct poolstatus_class *)a)->name, ((const struct poolstatus_class *)b)->name);
}

static struct poolstatus_class *
find_class(const struct poolstatus *ps, const char *name)
{
	struct poolstatus_class key;

	if (ps->ncls == 0)
		return NULL;
	snprintf(key.name, sizeof(key.name), "%s", name);
	return bsearch(&key, ps->cls, ps->ncls, sizeof(key), by_name);
}

/* Adds class name unless it is there already (ps->cls unsorted while
 * building; at most cap entries). */
static void
add_class(struct poolstatus *ps, const char *name)
{
	size_t i;

	for (i = 0; i < ps->ncls; i++)
		if (strcmp(ps->cls[i].name, name) == 0)
			return;
	memset(&ps->cls[ps->ncls], 0, sizeof(ps->cls[0]));
	snprintf(ps->cls[ps->ncls].name, sizeof(ps->cls[0].name), "%s", name);
	ps->cls[ps->ncls].queued = POOLSTATUS_UNKNOWN;
	ps->cls[ps->ncls].oldest_idle = -1;
	ps->ncls++;
}

/* 1 if idle record a has been idle longer than b (unknown times first). */
static int
older(const struct poolstatus_inst *a, const struct poolstatus_inst *b)
{
	if (a->updated != b->updated)
		return a->updated < b->updated;
	return strcmp(a->id, b->id) < 0;
}

int
poolstatus_build(struct poolstatus *ps, const cJSON *items, const char *const *classes, size_t nclasses,
    long long now)
{
	const cJSON *it;
	size_t n = (size_t)cJSON_GetArraySize(items), i;

	memset(ps, 0, sizeof(*ps));
	ps->now = now;
	ps->in = calloc(n ? n : 1, sizeof(ps->in[0]));
	ps->cls = calloc(n + nclasses + 1, sizeof(ps->cls[0]));
	if (ps->in == NULL || ps->cls == NULL) {
		poolstatus_free(ps);
		return -1;
	}
	/* The records first, then their heartbeats by id. */
	cJSON_ArrayForEach(it, items) {
		const char *id = key_id(it, "i#");
		int r = id ? record(it, id, now, &ps->in[ps->nin]) : -1;

		if (r == 1)
			ps->nin++;
		else if (r < 0 && key_id(it, "hb#") == NULL && key_id(it, "sig#") == NULL)
			ps->skipped++;
	}
	if (ps->nin > 1)
		qsort(ps->in, ps->nin, sizeof(ps->in[0]), by_id);
	cJSON_ArrayForEach(it, items) {
		const char *id = key_id(it, "hb#");
		struct poolstatus_inst key, *r;
		long long at = when(it, "at");

		if (id == NULL || ps->nin == 0)
			continue;
		snprintf(key.id, sizeof(key.id), "%s", id);
		r = bsearch(&key, ps->in, ps->nin, sizeof(key), by_id);
		if (r && at > r->heartbeat)
			r->heartbeat = at;
	}
	/* The signals that say an instance cannot serve. */
	cJSON_ArrayForEach(it, items) {
		const char *id = key_id(it, "sig#"), *sg = item_s(it, "signal"), *run = item_s(it, "runId"), *msg;
		struct poolstatus_inst key, *r;

		if (id == NULL || ps->nin == 0 || sg == NULL ||
		    (strcmp(sg, "runner-exited") != 0 && strcmp(sg, "spot-interrupted") != 0 &&
		        poolstatus_missing(sg) == NULL))
			continue;
		snprintf(key.id, sizeof(key.id), "%s", id);
		if ((r = bsearch(&key, ps->in, ps->nin, sizeof(key), by_id)) == NULL)
			continue;
		snprintf(r->signal, sizeof(r->signal), "%s", sg);
		snprintf(r->signal_run, sizeof(r->signal_run), "%s", run && names_run_id(run) ? run : "-");
		msg = item_s(it, "message");
		if (strcmp(sg, "terminate-denied") == 0 && msg && strstr(msg, "sqs:SendMessage"))
			snprintf(r->missing, sizeof(r->missing), "sqs:SendMessage,%s", poolstatus_missing(sg));
		else
			snprintf(r->missing, sizeof(r->missing), "%s", poolstatus_missing(sg) ? poolstatus_missing(sg) : "");
	}
	if (ps->nin > 1)
		qsort(ps->in, ps->nin, sizeof(ps->in[0]), by_run_id);
	/* The classes: those named, and every one a record carries. */
	for (i = 0; i < nclasses; i++)
		if (classes[i] && names_class(classes[i]))
			add_class(ps, classes[i]);
	for (i = 0; i < ps->nin; i++)
		add_class(ps, ps->in[i].rclass);
	if (ps->ncls > 1)
		qsort(ps->cls, ps->ncls, sizeof(ps->cls[0]), by_name);
	for (i = 0; i < ps->nin; i++) {
		struct poolstatus_inst *r = &ps->in[i];
		struct poolstatus_class *c = find_class(ps, r->rclass);

		if (c == NULL)
			continue; /* cannot be: every record's class was added */
		if (r->expired) {
			c->expired++;
			continue;
		}
		c->count[r->state]++;
		if (r->state == ST_IDLE && (c->oldest_idle < 0 || older(r, &ps->in[c->oldest_idle])))
			c->oldest_idle = (long)i;
	}
	return 0;
}

int
poolstatus_set_queued(struct poolstatus *ps, const char *rclass, long long n)
{
	struct poolstatus_class *c = find_class(ps, rclass);

	if (c == NULL)
		return -1;
	c->queued = n;
	return 0;
}

int
poolstatus_queue_count(const cJSON *resp, long long *n)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(resp, "Attributes"),
	    "ApproximateNumberOfMessages");
	const char *s;
	long long x = 0;

	/* SQS gives attribute values as strings of digits. */
	if (!cJSON_IsString(v) || *(s = v->valuestring) == '\0' || strlen(s) > 13)
		return -1;
	for (; *s; s++) {
		if (*s < '0' || *s > '9')
			return -1;
		x = x * 10 + (*s - '0');
	}
	if (x > 1000000000000LL)
		return -1;
	*n = x;
	return 0;
}

/* --- rendering */

static long long
since(long long now, long long t)
{
	return t == POOLSTATUS_UNKNOWN ? POOLSTATUS_UNKNOWN : now - t;
}

/* A number of seconds, or "-" when unknown. */
static int
add_secs(struct buf *b, long long v)
{
	return v == POOLSTATUS_UNKNOWN ? buf_adds(b, "-") : buf_addf(b, "%lld", v);
}

/* A duration for people: "45s", "12m 05s", "3h 20m", "2d 4h"; negative
 * ones (a clock ahead of ours) as "-" and the same. */
static int
add_human(struct buf *b, long long v)
{
	const char *sign = "";

	if (v == POOLSTATUS_UNKNOWN)
		return buf_adds(b, "-");
	if (v < 0) {
		sign = "-";
		v = -v;
	}
	if (v < 60)
		return buf_addf(b, "%s%llds", sign, v);
	if (v < 3600)
		return buf_addf(b, "%s%lldm %02llds", sign, v / 60, v % 60);
	if (v < 86400)
		return buf_addf(b, "%s%lldh %02lldm", sign, v / 3600, v % 3600 / 60);
	return buf_addf(b, "%s%lldd %lldh", sign, v / 86400, v % 86400 / 3600);
}

/* The fields of each line, in order, for the tab-separated form; the header
 * comment lines print them. */
static const char tsv_head[] =
    "# pool\tNAME\tNOW\tINSTANCES\n"
    "# class\tCLASS\tCREATED\tCLAIMED\tRUNNING\tIDLE\tEXPIRED\tQUEUED\tOLDEST-IDLE-ID\tOLDEST-IDLE-AGE\n"
    "# instance\tRUN-ID\tID\tCLASS\tSTATE\tAGE\tHEARTBEAT-AGE\tTHRESHOLD-IN\tTYPE\tUSAGE\n"
    "# expired\tID\tCLASS\tSTATE\tRUN-ID\tEXPIRED-FOR\tACTION\n"
    "# stopped\tID\tCLASS\tSTATE\tSIGNAL\tSIGNAL-RUN-ID\n";

/* What refresh does with an expired record. */
#define ACTION "terminate"

static int
tsv(const struct poolstatus *ps, const char *pool, struct buf *b)
{
	size_t i;
	int bad = 0;

	bad |= buf_adds(b, tsv_head);
	bad |= buf_addf(b, "pool\t%s\t%lld\t%zu\n", pool, ps->now, ps->nin);
	for (i = 0; i < ps->ncls; i++) {
		const struct poolstatus_class *c = &ps->cls[i];

		bad |= buf_addf(b, "class\t%s\t%d\t%d\t%d\t%d\t%d\t", c->name, c->count[ST_CREATED], c->count[ST_CLAIMED],
		    c->count[ST_RUNNING], c->count[ST_IDLE], c->expired);
		bad |= add_secs(b, c->queued);
		if (c->oldest_idle >= 0) {
			bad |= buf_addf(b, "\t%s\t", ps->in[c->oldest_idle].id);
			bad |= add_secs(b, since(ps->now, ps->in[c->oldest_idle].updated));
		} else {
			bad |= buf_adds(b, "\t-\t-");
		}
		bad |= buf_addc(b, '\n');
	}
	for (i = 0; i < ps->nin; i++) {
		const struct poolstatus_inst *r = &ps->in[i];

		if (r->run[0] == '\0')
			continue;
		bad |= buf_addf(b, "instance\t%s\t%s\t%s\t%s\t", r->run, r->id, r->rclass, state_name(r->state));
		bad |= add_secs(b, since(ps->now, r->updated));
		bad |= buf_addc(b, '\t');
		bad |= add_secs(b, since(ps->now, r->heartbeat));
		bad |= buf_addc(b, '\t');
		bad |= add_secs(b, r->threshold == POOLSTATUS_UNKNOWN ? r->threshold : r->threshold - ps->now);
		bad |= buf_addf(b, "\t%s\t%s\n", r->type, r->usage);
	}
	for (i = 0; i < ps->nin; i++) {
		const struct poolstatus_inst *r = &ps->in[i];

		if (!r->expired)
			continue;
		bad |= buf_addf(b, "expired\t%s\t%s\t%s\t%s\t%lld\t" ACTION "\n", r->id, r->rclass, state_name(r->state),
		    r->run[0] ? r->run : "-", ps->now - r->threshold);
	}
	for (i = 0; i < ps->nin; i++) {
		const struct poolstatus_inst *r = &ps->in[i];

		if (r->signal[0])
			bad |= buf_addf(b, "stopped\t%s\t%s\t%s\t%s\t%s%s%s\n", r->id, r->rclass, state_name(r->state),
			    r->signal, r->signal_run, r->missing[0] ? "\t" : "", r->missing);
	}
	return bad ? -1 : 0;
}

/* Adds name: seconds, or null when unknown. */
static void
json_secs(cJSON *o, const char *name, long long v)
{
	if (v == POOLSTATUS_UNKNOWN)
		cJSON_AddNullToObject(o, name);
	else
		cJSON_AddNumberToObject(o, name, (double)v);
}

/* Appends o as one line and frees it. */
static int
json_line(struct buf *b, cJSON *o)
{
	char *s = o ? cJSON_PrintUnformatted(o) : NULL;
	int r = s == NULL || buf_adds(b, s) || buf_addc(b, '\n') ? -1 : 0;

	cJSON_free(s);
	cJSON_Delete(o);
	return r;
}

static int
json(const struct poolstatus *ps, const char *pool, struct buf *b)
{
	static const int order[] = { ST_CREATED, ST_CLAIMED, ST_RUNNING, ST_IDLE };
	cJSON *o;
	size_t i, k;
	int bad = 0;

	o = cJSON_CreateObject();
	cJSON_AddStringToObject(o, "kind", "pool");
	cJSON_AddStringToObject(o, "pool", pool);
	cJSON_AddNumberToObject(o, "now", (double)ps->now);
	cJSON_AddNumberToObject(o, "instances", (double)ps->nin);
	bad |= json_line(b, o);
	for (i = 0; i < ps->ncls; i++) {
		const struct poolstatus_class *c = &ps->cls[i];

		o = cJSON_CreateObject();
		cJSON_AddStringToObject(o, "kind", "class");
		cJSON_AddStringToObject(o, "resourceClass", c->name);
		for (k = 0; k < sizeof(order) / sizeof(order[0]); k++)
			cJSON_AddNumberToObject(o, state_name(order[k]), c->count[order[k]]);
		cJSON_AddNumberToObject(o, "expired", c->expired);
		json_secs(o, "queued", c->queued);
		if (c->oldest_idle >= 0) {
			cJSON_AddStringToObject(o, "oldestIdleId", ps->in[c->oldest_idle].id);
			json_secs(o, "oldestIdleAgeSec", since(ps->now, ps->in[c->oldest_idle].updated));
		} else {
			cJSON_AddNullToObject(o, "oldestIdleId");
			cJSON_AddNullToObject(o, "oldestIdleAgeSec");
		}
		bad |= json_line(b, o);
	}
	for (i = 0; i < ps->nin; i++) {
		const struct poolstatus_inst *r = &ps->in[i];

		if (r->run[0] == '\0')
			continue;
		o = cJSON_CreateObject();
		cJSON_AddStringToObject(o, "kind", "instance");
		cJSON_AddStringToObject(o, "runId", r->run);
		cJSON_AddStringToObject(o, "instanceId", r->id);
		cJSON_AddStringToObject(o, "resourceClass", r->rclass);
		cJSON_AddStringToObject(o, "state", state_name(r->state));
		json_secs(o, "ageSec", since(ps->now, r->updated));
		json_secs(o, "heartbeatAgeSec", since(ps->now, r->heartbeat));
		json_secs(o, "thresholdInSec", r->threshold == POOLSTATUS_UNKNOWN ? r->threshold : r->threshold - ps->now);
		cJSON_AddStringToObject(o, "instanceType", r->type);
		cJSON_AddStringToObject(o, "usageClass", r->usage);
		bad |= json_line(b, o);
	}
	for (i = 0; i < ps->nin; i++) {
		const struct poolstatus_inst *r = &ps->in[i];

		if (!r->expired)
			continue;
		o = cJSON_CreateObject();
		cJSON_AddStringToObject(o, "kind", "expired");
		cJSON_AddStringToObject(o, "instanceId", r->id);
		cJSON_AddStringToObject(o, "resourceClass", r->rclass);
		cJSON_AddStringToObject(o, "state", state_name(r->state));
		if (r->run[0])
			cJSON_AddStringToObject(o, "runId", r->run);
		else
			cJSON_AddNullToObject(o, "runId");
		cJSON_AddNumberToObject(o, "expiredForSec", (double)(ps->now - r->threshold));
		cJSON_AddStringToObject(o, "action", ACTION);
		bad |= json_line(b, o);
	}
	for (i = 0; i < ps->nin; i++) {
		const struct poolstatus_inst *r = &ps->in[i];

		if (!r->signal[0])
			continue;
		o = cJSON_CreateObject();
		cJSON_AddStringToObject(o, "kind", "stopped");
		cJSON_AddStringToObject(o, "instanceId", r->id);
		cJSON_AddStringToObject(o, "resourceClass", r->rclass);
		cJSON_AddStringToObject(o, "state", state_name(r->state));
		cJSON_AddStringToObject(o, "signal", r->signal);
		cJSON_AddStringToObject(o, "signalRunId", r->signal_run);
		if (r->missing[0])
			cJSON_AddStringToObject(o, "missingPermission", r->missing);
		bad |= json_line(b, o);
	}
	return bad ? -1 : 0;
}

static int
markdown(const struct poolstatus *ps, const char *pool, struct buf *b)
{
	struct tm tm;
	time_t t = (time_t)ps->now;
	char at[32] = "?";
	size_t i, owned = 0, expired = 0, stopped = 0;
	int bad = 0;

	if (gmtime_r(&t, &tm))
		strftime(at, sizeof(at), "%Y-%m-%d %H:%M:%S UTC", &tm);
	for (i = 0; i < ps->nin; i++) {
		owned += ps->in[i].run[0] != '\0';
		expired += ps->in[i].expired;
	}
	bad |= buf_addf(b, "#### Pool %s at %s: %zu instance%s\n\n", pool, at, ps->nin, ps->nin == 1 ? "" : "s");
	if (ps->ncls) {
		bad |= buf_adds(b, "| class | created | claimed | running | idle | expired | queued | oldest idle |\n"
		                   "|---|--:|--:|--:|--:|--:|--:|---|\n");
		for (i = 0; i < ps->ncls; i++) {
			const struct poolstatus_class *c = &ps->cls[i];

			bad |= buf_addf(b, "| %s | %d | %d | %d | %d | %d | ", c->name, c->count[ST_CREATED],
			    c->count[ST_CLAIMED], c->count[ST_RUNNING], c->count[ST_IDLE], c->expired);
			bad |= c->queued == POOLSTATUS_UNKNOWN ? buf_adds(b, "no queue") : buf_addf(b, "%lld", c->queued);
			if (c->oldest_idle >= 0) {
				bad |= buf_addf(b, " | %s, ", ps->in[c->oldest_idle].id);
				bad |= add_human(b, since(ps->now, ps->in[c->oldest_idle].updated));
				bad |= buf_adds(b, " |\n");
			} else {
				bad |= buf_adds(b, " | - |\n");
			}
		}
		bad |= buf_addc(b, '\n');
	}
	if (owned) {
		bad |= buf_adds(b, "| run id | instance | class | state | for | heartbeat | threshold in |\n"
		                   "|---|---|---|---|--:|--:|--:|\n");
		for (i = 0; i < ps->nin; i++) {
			const struct poolstatus_inst *r = &ps->in[i];

			if (r->run[0] == '\0')
				continue;
			bad |= buf_addf(b, "| %s | %s | %s | %s | ", r->run, r->id, r->rclass, state_name(r->state));
			bad |= add_human(b, since(ps->now, r->updated));
			bad |= buf_adds(b, " | ");
			bad |= add_human(b, since(ps->now, r->heartbeat));
			bad |= buf_adds(b, " | ");
			if (r->expired) /* by how long: the table below */
				bad |= buf_adds(b, "expired");
			else
				bad |= add_human(b, r->threshold == POOLSTATUS_UNKNOWN ? r->threshold : r->threshold - ps->now);
			bad |= buf_adds(b, " |\n");
		}
		bad |= buf_addc(b, '\n');
	}
	if (expired) {
		bad |= buf_addf(b, "The next refresh terminates %zu expired instance%s (threshold passed, "
		                   "not terminated):\n\n", expired, expired == 1 ? "" : "s");
		bad |= buf_adds(b, "| instance | class | state | run id | expired for |\n|---|---|---|---|--:|\n");
		for (i = 0; i < ps->nin; i++) {
			const struct poolstatus_inst *r = &ps->in[i];

			if (!r->expired)
				continue;
			bad |= buf_addf(b, "| %s | %s | %s | %s | ", r->id, r->rclass, state_name(r->state),
			    r->run[0] ? r->run : "-");
			bad |= add_human(b, ps->now - r->threshold);
			bad |= buf_adds(b, " |\n");
		}
		bad |= buf_addc(b, '\n');
	} else {
		bad |= buf_adds(b, "Nothing has expired: the next refresh terminates no recorded instance.\n\n");
	}
	for (i = 0; i < ps->nin; i++) {
		const struct poolstatus_inst *r = &ps->in[i];

		if (!r->signal[0])
			continue;
		if (!stopped++)
			bad |= buf_adds(b, "Instances that cannot serve (never returned to the pool; runner-exited ones "
			                   "the next refresh terminates):\n\n| instance | class | state | signal | run id |\n"
			                   "|---|---|---|---|---|\n");
		if (r->missing[0])
			bad |= buf_addf(b, "| %s | %s | %s | %s: the instance role lacks %s (docs/iam/instance.json) | %s |\n",
			    r->id, r->rclass, state_name(r->state), r->signal, r->missing, r->signal_run);
		else
			bad |= buf_addf(b, "| %s | %s | %s | %s | %s |\n", r->id, r->rclass, state_name(r->state),
			    r->signal, r->signal_run);
	}
	if (stopped)
		bad |= buf_addc(b, '\n');
	return bad ? -1 : 0;
}

int
poolstatus_render(const struct poolstatus *ps, const char *pool, int format, struct buf *out)
{
	if (format == POOLSTATUS_JSON)
		return json(ps, pool, out);
	if (format == POOLSTATUS_MARKDOWN)
		return markdown(ps, pool, out);
	return tsv(ps, pool, out);
}

void
poolstatus_free(struct poolstatus *ps)
{
	if (ps == NULL)
		return;
	free(ps->in);
	free(ps->cls);
	memset(ps, 0, sizeof(*ps));
}

/* poolstatus: counts per class, the oldest idle, expired detection (refresh's
 * rule), ages at a fixed clock, and the three renderings. */
#include <stdio.h>
#include <string.h>

#include "poolstatus.h"
#include "t.h"

#define NOW 1700000000LL

/* One instance record as a DynamoDB item; NULL fields are left out, times
 * are offsets from NOW (a huge offset leaves the attribute out). */
#define NONE 999999999LL
static void
add_record(cJSON *items, const char *id, const char *state, const char *run, const char *rclass, long long th,
    long long up)
{
	cJSON *it = cJSON_CreateObject();
	char pk[40], n[32];

	snprintf(pk, sizeof(pk), "i#%s", id);
	cJSON_AddStringToObject(cJSON_AddObjectToObject(it, "pk"), "S", pk);
	cJSON_AddStringToObject(cJSON_AddObjectToObject(it, "state"), "S", state);
	if (run)
		cJSON_AddStringToObject(cJSON_AddObjectToObject(it, "runId"), "S", run);
	if (rclass)
		cJSON_AddStringToObject(cJSON_AddObjectToObject(it, "resourceClass"), "S", rclass);
	if (th != NONE) {
		snprintf(n, sizeof(n), "%lld", NOW + th);
		cJSON_AddStringToObject(cJSON_AddObjectToObject(it, "threshold"), "N", n);
	}
	if (up != NONE) {
		snprintf(n, sizeof(n), "%lld", NOW + up);
		cJSON_AddStringToObject(cJSON_AddObjectToObject(it, "updatedAt"), "N", n);
	}
	cJSON_AddStringToObject(cJSON_AddObjectToObject(it, "instanceType"), "S", "m5.xlarge");
	cJSON_AddStringToObject(cJSON_AddObjectToObject(it, "usageClass"), "S", "spot");
	cJSON_AddItemToArray(items, it);
}

static void
add_raw(cJSON *items, const char *json)
{
	cJSON_AddItemToArray(items, cJSON_Parse(json));
}

/* The pool of most tests. */
static cJSON *
fixture(void)
{
	cJSON *items = cJSON_CreateArray();

	add_record(items, "i-00000001", "idle", NULL, "large", 1000, -600);
	add_record(items, "i-00000002", "idle", NULL, "large", 1000, -3600);   /* the oldest idle */
	add_record(items, "i-00000003", "idle", NULL, "large", -60, -7200);    /* older, but expired */
	add_record(items, "i-00000004", "claimed", "42-1", "large", 300, -30);
	add_record(items, "i-00000005", "running", "42-1", "large", 3000, -120);
	add_record(items, "i-00000006", "created", "7-1", "small", -1, -901);  /* expired a second ago */
	add_record(items, "i-00000007", "terminated", NULL, "small", -5000, -5000);
	add_record(items, "i-00000008", "idle", NULL, "small", 0, -10);        /* threshold now: not expired */
	add_record(items, "i-00000009", "running", "9-1", NULL, NONE, NONE);   /* no class, no times */
	/* The heartbeat of i-00000005, keyed by its ARN; one of no record. */
	add_raw(items, "{\"pk\":{\"S\":\"hb#arn:aws:ec2:us-east-1:123456789012:instance/i-00000005\"},"
	               "\"at\":{\"N\":\"1699999996\"}}");
	add_raw(items, "{\"pk\":{\"S\":\"hb#arn:aws:ec2:us-east-1:123456789012:instance/i-0000000f\"},"
	               "\"at\":{\"N\":\"1699999990\"}}");
	/* Signals: runner-exited on i-00000005 is shown; registered is not;
	 * one of no record is left out. Neither is "not ours". */
	add_raw(items, "{\"pk\":{\"S\":\"sig#arn:aws:ec2:us-east-1:123456789012:instance/i-00000005\"},"
	               "\"signal\":{\"S\":\"runner-exited\"},\"runId\":{\"S\":\"42-1\"}}");
	add_raw(items, "{\"pk\":{\"S\":\"sig#arn:aws:ec2:us-east-1:123456789012:instance/i-00000004\"},"
	               "\"signal\":{\"S\":\"registered\"},\"runId\":{\"S\":\"42-1\"}}");
	add_raw(items, "{\"pk\":{\"S\":\"sig#arn:aws:ec2:us-east-1:123456789012:instance/i-0000000f\"},"
	               "\"signal\":{\"S\":\"runner-exited\"}}");
	/* Not ours: skipped and counted. */
	add_raw(items, "{\"pk\":{\"S\":\"i#nope\"},\"state\":{\"S\":\"idle\"}}");
	add_raw(items, "{\"pk\":{\"S\":\"i#i-0000000a\"},\"state\":{\"S\":\"sleeping\"}}");
	add_raw(items, "{\"pk\":{\"S\":\"cfg#idle-time-sec\"},\"value\":{\"S\":\"1800\"}}");
	add_raw(items, "42");
	return items;
}

static const char *const named[] = { "large", "xlarge", "Bad!" };

static const struct poolstatus_class *
cls(const struct poolstatus *ps, const char *name)
{
	size_t i;

	for (i = 0; i < ps->ncls; i++)
		if (strcmp(ps->cls[i].name, name) == 0)
			return &ps->cls[i];
	return NULL;
}

static void
test_counts(void)
{
	cJSON *items = fixture();
	struct poolstatus ps = POOLSTATUS_INIT;
	const struct poolstatus_class *c;

	t_inteq(poolstatus_build(&ps, items, named, 3, NOW), 0, "built");
	t_inteq((long long)ps.nin, 8, "8 live records (the terminated one left out)");
	t_inteq((long long)ps.skipped, 4, "4 items not ours skipped (the stray heartbeat is not one)");
	t_inteq((long long)ps.ncls, 4, "classes: the named valid ones and those of the records");
	t_streq(ps.ncls == 4 ? ps.cls[0].name : NULL, "-", "records without a class first, as '-'");
	t_streq(ps.ncls == 4 ? ps.cls[3].name : NULL, "xlarge", "sorted by name");
	t_ok(cls(&ps, "Bad!") == NULL, "a named class that is not a class name is ignored");
	c = cls(&ps, "large");
	t_ok(c && c->count[ST_IDLE] == 2 && c->count[ST_CLAIMED] == 1 && c->count[ST_RUNNING] == 1 &&
	    c->count[ST_CREATED] == 0 && c->expired == 1, "large: 2 idle, 1 claimed, 1 running, 1 expired");
	t_streq(c && c->oldest_idle >= 0 ? ps.in[c->oldest_idle].id : NULL, "i-00000002",
	    "the oldest idle is the oldest not expired");
	c = cls(&ps, "small");
	t_ok(c && c->count[ST_IDLE] == 1 && c->count[ST_CREATED] == 0 && c->expired == 1,
	    "small: threshold == now is not expired, threshold now - 1 is");
	t_streq(c && c->oldest_idle >= 0 ? ps.in[c->oldest_idle].id : NULL, "i-00000008", "small's oldest idle");
	c = cls(&ps, "xlarge");
	t_ok(c && c->count[ST_IDLE] + c->count[ST_RUNNING] + c->expired == 0 && c->oldest_idle == -1 &&
	    c->queued == POOLSTATUS_UNKNOWN, "a named class without records: zeros, no oldest, queued unknown");
	c = cls(&ps, "-");
	t_ok(c && c->count[ST_RUNNING] == 1 && c->expired == 0, "no threshold: never expired (refresh's Scan)");
	t_inteq(poolstatus_set_queued(&ps, "large", 3), 0, "queued set");
	t_inteq(cls(&ps, "large")->queued, 3, "large has 3 queued");
	t_inteq(poolstatus_set_queued(&ps, "nosuch", 1), -1, "no such class");
	poolstatus_free(&ps);
	t_ok(ps.in == NULL && ps.ncls == 0, "freed and reset");
	poolstatus_free(NULL);
	cJSON_Delete(items);
}

static const char tsv_want[] =
    "# pool\tNAME\tNOW\tINSTANCES\n"
    "# class\tCLASS\tCREATED\tCLAIMED\tRUNNING\tIDLE\tEXPIRED\tQUEUED\tOLDEST-IDLE-ID\tOLDEST-IDLE-AGE\n"
    "# instance\tRUN-ID\tID\tCLASS\tSTATE\tAGE\tHEARTBEAT-AGE\tTHRESHOLD-IN\tTYPE\tUSAGE\n"
    "# expired\tID\tCLASS\tSTATE\tRUN-ID\tEXPIRED-FOR\tACTION\n"
    "# stopped\tID\tCLASS\tSTATE\tSIGNAL\tSIGNAL-RUN-ID\n"
    "pool\tci\t1700000000\t8\n"
    "class\t-\t0\t0\t1\t0\t0\t-\t-\t-\n"
    "class\tlarge\t0\t1\t1\t2\t1\t3\ti-00000002\t3600\n"
    "class\tsmall\t0\t0\t0\t1\t1\t-\ti-00000008\t10\n"
    "class\txlarge\t0\t0\t0\t0\t0\t0\t-\t-\n"
    "instance\t42-1\ti-00000004\tlarge\tclaimed\t30\t-\t300\tm5.xlarge\tspot\n"
    "instance\t42-1\ti-00000005\tlarge\trunning\t120\t4\t3000\tm5.xlarge\tspot\n"
    "instance\t7-1\ti-00000006\tsmall\tcreated\t901\t-\t-1\tm5.xlarge\tspot\n"
    "instance\t9-1\ti-00000009\t-\trunning\t-\t-\t-\tm5.xlarge\tspot\n"
    "expired\ti-00000003\tlarge\tidle\t-\t60\tterminate\n"
    "expired\ti-00000006\tsmall\tcreated\t7-1\t1\tterminate\n"
    "stopped\ti-00000005\tlarge\trunning\trunner-exited\t42-1\n";

static void
test_tsv(void)
{
	cJSON *items = fixture();
	struct poolstatus ps = POOLSTATUS_INIT;
	struct buf b = BUF_INIT;

	poolstatus_build(&ps, items, named, 3, NOW);
	poolstatus_set_queued(&ps, "large", 3);
	poolstatus_set_queued(&ps, "xlarge", 0);
	t_inteq(poolstatus_render(&ps, "ci", POOLSTATUS_TSV, &b), 0, "rendered");
	t_streq(b.p, tsv_want, "the tab-separated lines, field by field");
	poolstatus_free(&ps);
	buf_free(&b);
	cJSON_Delete(items);
}

/* The line of out whose text starts with prefix, parsed; NULL if none. */
static cJSON *
json_line(const char *out, const char *prefix)
{
	const char *p = strstr(out, prefix);
	char line[1024];
	size_t n;

	if (p == NULL || (n = strcspn(p, "\n")) >= sizeof(line))
		return NULL;
	memcpy(line, p, n);
	line[n] = '\0';
	return cJSON_Parse(line);
}

static const char pool_line[] = "{\"kind\":\"pool\",\"pool\":\"ci\",\"now\":1700000000,\"instances\":8}\n";

static void
test_json(void)
{
	cJSON *items = fixture(), *o;
	struct poolstatus ps = POOLSTATUS_INIT;
	struct buf b = BUF_INIT;
	const char *p;
	int lines = 0, parsed = 0;

	poolstatus_build(&ps, items, named, 3, NOW);
	poolstatus_set_queued(&ps, "large", 3);
	t_inteq(poolstatus_render(&ps, "ci", POOLSTATUS_JSON, &b), 0, "rendered");
	for (p = b.p; *p; p = strchr(p, '\n') + 1) {
		char line[1024];
		size_t n = strcspn(p, "\n");

		lines++;
		if (n < sizeof(line)) {
			memcpy(line, p, n);
			line[n] = '\0';
			o = cJSON_Parse(line);
			parsed += o != NULL;
			cJSON_Delete(o);
		}
	}
	t_ok(lines == 12 && parsed == 12, "12 lines, each a JSON object (got %d, %d)", lines, parsed);
	t_ok(strncmp(b.p, pool_line, strlen(pool_line)) == 0, "the pool line first");
	o = json_line(b.p, "{\"kind\":\"class\",\"resourceClass\":\"large\"");
	t_ok(o && cJSON_GetObjectItem(o, "idle")->valueint == 2 && cJSON_GetObjectItem(o, "expired")->valueint == 1 &&
	    cJSON_GetObjectItem(o, "queued")->valueint == 3 &&
	    strcmp(cJSON_GetObjectItem(o, "oldestIdleId")->valuestring, "i-00000002") == 0 &&
	    cJSON_GetObjectItem(o, "oldestIdleAgeSec")->valueint == 3600, "large's counts, queue and oldest idle");
	cJSON_Delete(o);
	o = json_line(b.p, "{\"kind\":\"class\",\"resourceClass\":\"small\"");
	t_ok(o && cJSON_IsNull(cJSON_GetObjectItem(o, "queued")), "unknown queued is null");
	cJSON_Delete(o);
	o = json_line(b.p, "{\"kind\":\"instance\",\"runId\":\"42-1\",\"instanceId\":\"i-00000005\"");
	t_ok(o && cJSON_GetObjectItem(o, "ageSec")->valueint == 120 &&
	    cJSON_GetObjectItem(o, "heartbeatAgeSec")->valueint == 4 &&
	    cJSON_GetObjectItem(o, "thresholdInSec")->valueint == 3000 &&
	    strcmp(cJSON_GetObjectItem(o, "state")->valuestring, "running") == 0, "an instance of run 42-1 and its ages");
	cJSON_Delete(o);
	o = json_line(b.p, "{\"kind\":\"instance\",\"runId\":\"9-1\"");
	t_ok(o && cJSON_IsNull(cJSON_GetObjectItem(o, "ageSec")) && cJSON_IsNull(cJSON_GetObjectItem(o, "thresholdInSec")),
	    "unknown times are null");
	cJSON_Delete(o);
	o = json_line(b.p, "{\"kind\":\"expired\",\"instanceId\":\"i-00000003\"");
	t_ok(o && cJSON_IsNull(cJSON_GetObjectItem(o, "runId")) && cJSON_GetObjectItem(o, "expiredForSec")->valueint == 60 &&
	    strcmp(cJSON_GetObjectItem(o, "action")->valuestring, "terminate") == 0, "an expired record and its action");
	cJSON_Delete(o);
	o = json_line(b.p, "{\"kind\":\"stopped\",\"instanceId\":\"i-00000005\"");
	t_ok(o && strcmp(cJSON_GetObjectItem(o, "signal")->valuestring, "runner-exited") == 0 &&
	    strcmp(cJSON_GetObjectItem(o, "signalRunId")->valuestring, "42-1") == 0, "an instance that cannot serve");
	cJSON_Delete(o);
	poolstatus_free(&ps);
	buf_free(&b);
	cJSON_Delete(items);
}

static void
test_markdown(void)
{
	cJSON *items = fixture();
	struct poolstatus ps = POOLSTATUS_INIT;
	struct buf b = BUF_INIT;

	poolstatus_build(&ps, items, named, 3, NOW);
	poolstatus_set_queued(&ps, "large", 3);
	t_inteq(poolstatus_render(&ps, "ci", POOLSTATUS_MARKDOWN, &b), 0, "rendered");
	t_ok(strncmp(b.p, "#### Pool ci at 2023-11-14 22:13:20 UTC: 8 instances\n\n", 54) == 0, "heading with the time in UTC");
	t_ok(strstr(b.p, "| class | created | claimed | running | idle | expired | queued | oldest idle |\n") != NULL,
	    "the class table");
	t_ok(strstr(b.p, "| large | 0 | 1 | 1 | 2 | 1 | 3 | i-00000002, 1h 00m |\n") != NULL, "large's row");
	t_ok(strstr(b.p, "| small | 0 | 0 | 0 | 1 | 1 | no queue | i-00000008, 10s |\n") != NULL, "small's row");
	t_ok(strstr(b.p, "| 42-1 | i-00000005 | large | running | 2m 00s | 4s | 50m 00s |\n") != NULL, "a run's instance");
	t_ok(strstr(b.p, "| 7-1 | i-00000006 | small | created | 15m 01s | - | expired |\n") != NULL,
	    "a passed threshold says expired");
	t_ok(strstr(b.p, "The next refresh terminates 2 expired instances") != NULL, "what refresh would clean up");
	t_ok(strstr(b.p, "| i-00000005 | large | running | runner-exited | 42-1 |\n") != NULL, "the instance that cannot serve");
	t_ok(strstr(b.p, "| i-00000003 | large | idle | - | 1m 00s |\n") != NULL, "an expired row");
	poolstatus_free(&ps);
	buf_free(&b);
	cJSON_Delete(items);
}

static void
test_empty(void)
{
	cJSON *items = cJSON_CreateArray();
	struct poolstatus ps = POOLSTATUS_INIT;
	struct buf b = BUF_INIT;

	t_inteq(poolstatus_build(&ps, items, NULL, 0, NOW), 0, "an empty pool builds");
	t_ok(ps.nin == 0 && ps.ncls == 0 && ps.skipped == 0, "nothing in it");
	poolstatus_render(&ps, "ci", POOLSTATUS_TSV, &b);
	t_ok(strstr(b.p, "pool\tci\t1700000000\t0\n") != NULL && strstr(b.p, "\nclass\t") == NULL &&
	    strstr(b.p, "\ninstance\t") == NULL && strstr(b.p, "\nexpired\t") == NULL, "tab-separated: the pool line only");
	buf_reset(&b);
	poolstatus_render(&ps, "ci", POOLSTATUS_JSON, &b);
	t_streq(b.p, "{\"kind\":\"pool\",\"pool\":\"ci\",\"now\":1700000000,\"instances\":0}\n", "JSON: one line");
	buf_reset(&b);
	poolstatus_render(&ps, "ci", POOLSTATUS_MARKDOWN, &b);
	t_ok(strstr(b.p, ": 0 instances\n") && strstr(b.p, "Nothing has expired") && !strstr(b.p, "| class |"),
	    "Markdown: says so, no empty table");
	poolstatus_free(&ps);
	t_inteq(poolstatus_build(&ps, NULL, named, 1, NOW), 0, "no items at all, one class named");
	t_ok(ps.ncls == 1 && ps.nin == 0, "the named class is shown");
	poolstatus_free(&ps);
	buf_free(&b);
	cJSON_Delete(items);
}

/* What the table holds is not trusted: odd values stay on their line. */
static void
test_hostile(void)
{
	cJSON *items = cJSON_CreateArray();
	struct poolstatus ps = POOLSTATUS_INIT;
	struct buf b = BUF_INIT;

	add_record(items, "i-0000000b", "running", "run\tid|x", "Large|x", 100, -5);
	add_raw(items, "{\"pk\":{\"S\":\"i#i-0000000c\"},\"state\":{\"S\":\"idle\"},\"threshold\":{\"N\":\"-5\"},"
	               "\"updatedAt\":{\"N\":\"99999999999999999999\"},\"instanceType\":{\"S\":\"m5|x\\n\"}}");
	poolstatus_build(&ps, items, NULL, 0, NOW);
	t_streq(ps.nin == 2 ? ps.in[0].run : NULL, "", "unowned first");
	t_streq(ps.nin == 2 ? ps.in[1].run : NULL, "?", "a run id of other characters shows as ?");
	t_streq(ps.nin == 2 ? ps.in[1].rclass : NULL, "-", "a class that is not a class name shows as -");
	t_ok(ps.nin == 2 && ps.in[0].threshold == POOLSTATUS_UNKNOWN && ps.in[0].updated == POOLSTATUS_UNKNOWN &&
	    !ps.in[0].expired, "negative or huge times are unknown, and unknown is not expired");
	t_streq(ps.nin == 2 ? ps.in[0].type : NULL, "?", "a malformed instance type shows as ?");
	poolstatus_render(&ps, "ci", POOLSTATUS_MARKDOWN, &b);
	t_ok(strstr(b.p, "x|") == NULL && strchr(b.p, '\t') == NULL, "no stray | or tab in the Markdown");
	poolstatus_free(&ps);
	buf_free(&b);
	cJSON_Delete(items);
}

/* The agent's refusal signals name the permission; a terminate-denied
 * after a refused sqs:SendMessage (its message says so) names both. */
static void
test_denied(void)
{
	cJSON *items = cJSON_CreateArray();
	struct poolstatus ps = POOLSTATUS_INIT;
	struct buf b = BUF_INIT;

	add_record(items, "i-0000000d", "idle", NULL, "large", 100, -5);
	add_record(items, "i-0000000e", "idle", NULL, "large", 100, -5);
	add_raw(items, "{\"pk\":{\"S\":\"sig#arn:aws:ec2:us-east-1:123456789012:instance/i-0000000d\"},"
	               "\"signal\":{\"S\":\"terminate-denied\"},\"message\":{\"S\":\"ec2:TerminateInstances refused "
	               "(after sqs:SendMessage refused on the large queue)\"}}");
	add_raw(items, "{\"pk\":{\"S\":\"sig#arn:aws:ec2:us-east-1:123456789012:instance/i-0000000e\"},"
	               "\"signal\":{\"S\":\"terminate-denied\"},\"message\":{\"S\":\"ec2:TerminateInstances refused\"}}");
	poolstatus_build(&ps, items, NULL, 0, NOW);
	poolstatus_render(&ps, "ci", POOLSTATUS_TSV, &b);
	t_ok(strstr(b.p, "stopped\ti-0000000d\tlarge\tidle\tterminate-denied\t-\tsqs:SendMessage,ec2:TerminateInstances\n") != NULL,
	    "both refusals named");
	t_ok(strstr(b.p, "stopped\ti-0000000e\tlarge\tidle\tterminate-denied\t-\tec2:TerminateInstances\n") != NULL,
	    "one refusal named");
	poolstatus_free(&ps);
	buf_free(&b);
	cJSON_Delete(items);
}

static void
test_queue_count(void)
{
	static const struct {
		const char *json;
		long long want; /* -1: refused */
	} cases[] = {
		{ "{\"Attributes\":{\"ApproximateNumberOfMessages\":\"5\"}}", 5 },
		{ "{\"Attributes\":{\"ApproximateNumberOfMessages\":\"0\"}}", 0 },
		{ "{\"Attributes\":{\"ApproximateNumberOfMessages\":\"1000000000000\"}}", 1000000000000LL },
		{ "{\"Attributes\":{\"ApproximateNumberOfMessages\":\"1000000000001\"}}", -1 },
		{ "{\"Attributes\":{\"ApproximateNumberOfMessages\":\"99999999999999\"}}", -1 },
		{ "{\"Attributes\":{\"ApproximateNumberOfMessages\":\"\"}}", -1 },
		{ "{\"Attributes\":{\"ApproximateNumberOfMessages\":\"-1\"}}", -1 },
		{ "{\"Attributes\":{\"ApproximateNumberOfMessages\":\"5x\"}}", -1 },
		{ "{\"Attributes\":{\"ApproximateNumberOfMessages\":5}}", -1 },
		{ "{\"Attributes\":{}}", -1 },
		{ "{}", -1 },
	};
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		cJSON *o = cJSON_Parse(cases[i].json);
		long long n = -7;
		int r = poolstatus_queue_count(o, &n);

		t_inteq(r ? -1 : n, cases[i].want, "queue count of %s", cases[i].json);
		cJSON_Delete(o);
	}
}

int
main(void)
{
	test_counts();
	test_tsv();
	test_json();
	test_markdown();
	test_empty();
	test_hostile();
	test_denied();
	test_queue_count();
	return t_done();
}

/* lib/state: the transitions of docs/state-model.md as exact request bodies,
 * record keys, and records as output lines. */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "ddb.h"
#include "state.h"
#include "t.h"

#define ID "i-0123456789abcdef0"

/* A string member of a body, or "" when absent. */
static const char *
str(const cJSON *o, const char *name)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, name);

	return cJSON_IsString(v) ? v->valuestring : "";
}

/* The S or N of placeholder name in ExpressionAttributeValues, or "". */
static const char *
val(const cJSON *b, const char *name)
{
	const cJSON *a = cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(b,
	    "ExpressionAttributeValues"), name);
	const char *s = str(a, "S");

	return *s ? s : str(a, "N");
}

/* 1 if every #name and :value in the expressions is defined and every
 * defined one is used: DynamoDB refuses a body that breaks either rule. */
static int
placeholders_match(const cJSON *b)
{
	const char *exprs[2] = { str(b, "UpdateExpression"), str(b, "ConditionExpression") };
	const char *maps[2] = { "ExpressionAttributeNames", "ExpressionAttributeValues" };
	char all[512], tok[32];
	const cJSON *it;
	size_t i, n;
	int m;

	snprintf(all, sizeof(all), "%s %s ", exprs[0], exprs[1]);
	/* Defined and unused? */
	for (m = 0; m < 2; m++)
		cJSON_ArrayForEach(it, cJSON_GetObjectItemCaseSensitive(b, maps[m])) {
			const char *p = all;

			snprintf(tok, sizeof(tok), "%s", it->string);
			n = strlen(tok);
			while ((p = strstr(p, tok)) != NULL && (isalnum((unsigned char)p[n]) || p[n] == '_'))
				p += n;
			if (p == NULL)
				return 0;
		}
	/* Used and undefined? */
	for (i = 0; all[i]; i++) {
		if (all[i] != '#' && all[i] != ':')
			continue;
		for (n = 0; n + 1 < sizeof(tok) && (all[i + n] == all[i] || isalnum((unsigned char)all[i + n])); n++)
			tok[n] = all[i + n];
		tok[n] = '\0';
		if (!cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(b, maps[tok[0] == ':']), tok))
			return 0;
		i += n - 1;
	}
	return 1;
}

static cJSON *
cas(int from, int to, const char *run, const char **op)
{
	struct state_cas c = { "pool", ID, from, to, run, 2000, 1000, NULL, NULL, NULL, NULL, 0 };

	*op = "?";
	return state_cas_body(&c, op);
}

static void
test_names(void)
{
	int i;

	for (i = ST_NONE; i <= ST_TERMINATED; i++)
		t_inteq(state_parse(state_name(i)), i, "state %s round trip", state_name(i));
	t_inteq(state_parse("Idle"), -1, "states are lower case");
	t_inteq(state_parse(""), -1, "empty state");
	t_inteq(state_parse("idle "), -1, "no trailing space");
	t_streq(state_name(-1), "?", "name of a bad state");
	t_streq(state_name(6), "?", "name past the end");
	t_inteq(state_kind("instance"), KIND_INSTANCE, "kind instance");
	t_inteq(state_kind("config"), KIND_CONFIG, "kind config");
	t_inteq(state_kind("token"), KIND_TOKEN, "kind token");
	t_ok(state_kind_by_arn(KIND_TOKEN) && state_kind_by_arn(KIND_SIGNAL) && state_kind_by_arn(KIND_HEARTBEAT),
	    "signals, heartbeats and tokens are keyed by the instance's ARN");
	t_ok(!state_kind_by_arn(KIND_INSTANCE) && !state_kind_by_arn(KIND_CONFIG),
	    "instance records and config are not");
	t_inteq(state_kind("signals"), -1, "unknown kind");
}

static void
test_pk(void)
{
	struct buf b = BUF_INIT;

	state_pk(&b, KIND_INSTANCE, ID);
	t_streq(b.p, "i#" ID, "instance key");
	state_pk(&b, KIND_SIGNAL, ID);
	t_streq(b.p, "sig#" ID, "signal key replaces the previous one");
	state_pk(&b, KIND_HEARTBEAT, ID);
	t_streq(b.p, "hb#" ID, "heartbeat key");
	state_pk(&b, KIND_CONFIG, "idle-time-sec");
	t_streq(b.p, "cfg#idle-time-sec", "config key");
	buf_free(&b);
}

/* The whole table, both ways: what is allowed and what is not. */
static void
test_allowed(void)
{
	static const char *const table[] = { "none created", "created running", "claimed running",
		"running idle", "idle claimed", "claimed idle", "created terminated", "running terminated",
		"idle terminated", "claimed terminated", "none idle" };
	char pair[32];
	int from, to, want, count = 0;
	size_t i;

	for (from = ST_NONE; from <= ST_TERMINATED; from++)
		for (to = ST_NONE; to <= ST_TERMINATED; to++) {
			snprintf(pair, sizeof(pair), "%s %s", state_name(from), state_name(to));
			want = 0;
			for (i = 0; i < sizeof(table) / sizeof(table[0]); i++)
				want |= strcmp(pair, table[i]) == 0;
			if (state_allowed(from, to) != want)
				t_ok(0, "%s -> %s allowed is %d, want %d", state_name(from), state_name(to),
				    state_allowed(from, to), want);
			count += state_allowed(from, to);
		}
	t_inteq(count, 11, "exactly the 11 transitions of the table are allowed");
	t_ok(!state_allowed(-1, ST_CREATED) && !state_allowed(ST_IDLE, 9), "out-of-range states refused");
}

static void
test_create(void)
{
	struct state_cas c = { "pool", ID, ST_NONE, ST_CREATED, "77", 1600, 1000, "large", "m5.xlarge", "spot", NULL, 0 };
	const char *op = "?";
	cJSON *b = state_cas_body(&c, &op);
	char *s = cJSON_PrintUnformatted(b);

	t_streq(op, "PutItem", "creation is a PutItem");
	t_streq(s, "{\"TableName\":\"pool\",\"Item\":{\"pk\":{\"S\":\"i#" ID "\"},\"state\":{\"S\":\"created\"},"
	    "\"runId\":{\"S\":\"77\"},\"threshold\":{\"N\":\"1600\"},\"updatedAt\":{\"N\":\"1000\"},"
	    "\"resourceClass\":{\"S\":\"large\"},\"instanceType\":{\"S\":\"m5.xlarge\"},\"usageClass\":{\"S\":\"spot\"}},"
	    "\"ConditionExpression\":\"attribute_not_exists(pk)\"}", "creation body, exactly");
	cJSON_free(s);
	cJSON_Delete(b);

	/* Without a run id or the optional attributes: they are absent, never "". */
	c.run_id = NULL;
	c.resource_class = c.instance_type = c.usage_class = NULL;
	b = state_cas_body(&c, &op);
	s = cJSON_PrintUnformatted(b);
	t_ok(b != NULL && strstr(s, "runId") == NULL && strstr(s, "resourceClass") == NULL &&
	    strstr(s, "\"\"") == NULL, "creation without run id: no runId attribute, no empty strings");
	cJSON_free(s);
	cJSON_Delete(b);
}

/* Each update transition: its condition and update, exactly. */
static void
test_updates(void)
{
	static const struct {
		int from, to;
		const char *cond, *update;
	} cases[] = {
		{ ST_CREATED, ST_RUNNING, "#st = :from AND #run = :run AND #th > :now", "SET #st = :to, #th = :th, #up = :now" },
		{ ST_CLAIMED, ST_RUNNING, "#st = :from AND #run = :run AND #th > :now", "SET #st = :to, #th = :th, #up = :now" },
		{ ST_RUNNING, ST_IDLE, "#st = :from AND #run = :run", "SET #st = :to, #th = :th, #up = :now, #repo = :repo REMOVE #run" },
		{ ST_CLAIMED, ST_IDLE, "#st = :from AND #run = :run", "SET #st = :to, #th = :th, #up = :now, #repo = :repo REMOVE #run" },
		{ ST_IDLE, ST_CLAIMED, "#st = :from AND attribute_not_exists(#run) AND #th > :now",
		    "SET #st = :to, #run = :run, #th = :th, #up = :now" },
	};
	const char *op;
	size_t i;
	cJSON *b;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const char *f = state_name(cases[i].from), *to = state_name(cases[i].to);

		b = cas(cases[i].from, cases[i].to, "r-1", &op);
		t_streq(op, "UpdateItem", "%s -> %s is an UpdateItem", f, to);
		t_streq(str(cJSON_GetObjectItem(cJSON_GetObjectItem(b, "Key"), "pk"), "S"), "i#" ID,
		    "%s -> %s keyed i#ID", f, to);
		t_streq(str(b, "TableName"), "pool", "%s -> %s table", f, to);
		t_streq(str(b, "ConditionExpression"), cases[i].cond, "%s -> %s condition", f, to);
		t_streq(str(b, "UpdateExpression"), cases[i].update, "%s -> %s update", f, to);
		t_ok(strcmp(val(b, ":from"), f) == 0 && strcmp(val(b, ":to"), to) == 0 &&
		    strcmp(val(b, ":run"), "r-1") == 0 && strcmp(val(b, ":th"), "2000") == 0 &&
		    strcmp(val(b, ":now"), "1000") == 0, "%s -> %s values", f, to);
		t_streq(str(cJSON_GetObjectItem(b, "ExpressionAttributeNames"), "#run"), "runId",
		    "%s -> %s #run is runId", f, to);
		t_ok(placeholders_match(b), "%s -> %s: every placeholder defined and used", f, to);
		cJSON_Delete(b);
		b = cas(cases[i].from, cases[i].to, NULL, &op);
		t_ok(b == NULL, "%s -> %s without a run id is refused", f, to);
	}
}

/* The claim checks the class and the repository against the record (a
 * pool message is not to be trusted); -> idle stores the repository. */
static void
test_claim_conditions(void)
{
	struct state_cas c = { "pool", ID, ST_IDLE, ST_CLAIMED, "r-1", 2000, 1000, "large", NULL, NULL, "octo/a", 1 };
	const char *op;
	cJSON *b;

	b = state_cas_body(&c, &op);
	t_streq(str(b, "ConditionExpression"),
	    "#st = :from AND attribute_not_exists(#run) AND #th > :now AND #rc = :rc AND "
	    "(attribute_not_exists(#repo) OR #repo = :repo)",
	    "claim: class and repository (or none: never used) are conditions");
	t_ok(strcmp(val(b, ":rc"), "large") == 0 && strcmp(val(b, ":repo"), "octo/a") == 0 &&
	    strcmp(str(cJSON_GetObjectItem(b, "ExpressionAttributeNames"), "#repo"), "repository") == 0 &&
	    strcmp(str(cJSON_GetObjectItem(b, "ExpressionAttributeNames"), "#rc"), "resourceClass") == 0,
	    "claim: their values and names");
	t_ok(placeholders_match(b), "claim with class and repository: placeholders");
	cJSON_Delete(b);
	c.repository = NULL;
	c.same_repository = 0;
	b = state_cas_body(&c, &op);
	t_streq(str(b, "ConditionExpression"), "#st = :from AND attribute_not_exists(#run) AND #th > :now AND #rc = :rc",
	    "claim: the class alone");
	t_ok(placeholders_match(b), "claim with a class: placeholders");
	cJSON_Delete(b);
	c.resource_class = NULL;
	c.repository = "octo/b";
	c.same_repository = 1;
	b = state_cas_body(&c, &op);
	t_streq(str(b, "ConditionExpression"),
	    "#st = :from AND attribute_not_exists(#run) AND #th > :now AND (attribute_not_exists(#repo) OR #repo = :repo)",
	    "claim: the repository alone");
	t_ok(placeholders_match(b), "claim with a repository: placeholders");
	cJSON_Delete(b);
	c.same_repository = 0;
	c.from = ST_RUNNING;
	c.to = ST_IDLE;
	b = state_cas_body(&c, &op);
	t_streq(str(b, "UpdateExpression"), "SET #st = :to, #th = :th, #up = :now, #repo = :repo REMOVE #run",
	    "-> idle stores the repository");
	t_ok(strcmp(val(b, ":repo"), "octo/b") == 0 && placeholders_match(b), "-> idle: its value, placeholders");
	cJSON_Delete(b);
	c.repository = NULL;
	b = state_cas_body(&c, &op);
	t_streq(val(b, ":repo"), "unknown", "-> idle without a repository records it as unknown (never as unused)");
	cJSON_Delete(b);
}

/* The record names the repository of the run that holds it: stored when
 * the run takes the instance, and a condition of its release and its end,
 * so that a run id of another repository's run releases nothing. */
static void
test_owner(void)
{
	struct state_cas c = { "pool", ID, ST_NONE, ST_CREATED, "r-1", 2000, 1000, "large", NULL, NULL, "octo/a", 0 };
	const char *op;
	cJSON *b;

	b = state_cas_body(&c, &op);
	t_streq(str(cJSON_GetObjectItem(cJSON_GetObjectItem(b, "Item"), "repository"), "S"), "octo/a",
	    "creation stores the run's repository");
	cJSON_Delete(b);
	c.from = ST_IDLE;
	c.to = ST_CLAIMED;
	b = state_cas_body(&c, &op);
	t_streq(str(b, "UpdateExpression"), "SET #st = :to, #run = :run, #th = :th, #up = :now, #repo = :repo",
	    "a claim stores the run's repository");
	t_streq(str(b, "ConditionExpression"), "#st = :from AND attribute_not_exists(#run) AND #th > :now AND #rc = :rc",
	    "a claim without same_repository takes any repository's instance");
	t_ok(strcmp(val(b, ":repo"), "octo/a") == 0 && placeholders_match(b), "claim storing: value, placeholders");
	cJSON_Delete(b);
	c.from = ST_RUNNING;
	c.to = ST_IDLE;
	b = state_cas_body(&c, &op);
	t_streq(str(b, "ConditionExpression"), "#st = :from AND #run = :run AND #repo = :repo",
	    "release: the record must name the releasing repository");
	t_ok(placeholders_match(b), "release with a repository: placeholders");
	cJSON_Delete(b);
	c.from = ST_CLAIMED;
	b = state_cas_body(&c, &op);
	t_streq(str(b, "ConditionExpression"), "#st = :from AND #run = :run AND #repo = :repo",
	    "a rollback (claimed -> idle) likewise");
	cJSON_Delete(b);
	c.from = ST_RUNNING;
	c.to = ST_TERMINATED;
	b = state_cas_body(&c, &op);
	t_streq(str(b, "ConditionExpression"), "#st = :from AND #run = :run AND #repo = :repo",
	    "-> terminated with run and repository: both are conditions");
	t_ok(strcmp(val(b, ":repo"), "octo/a") == 0 && placeholders_match(b), "-> terminated: value, placeholders");
	cJSON_Delete(b);
	c.run_id = NULL;
	b = state_cas_body(&c, &op);
	t_streq(str(b, "ConditionExpression"), "#st = :from AND #repo = :repo", "-> terminated with a repository alone");
	t_ok(placeholders_match(b), "-> terminated with a repository alone: placeholders");
	cJSON_Delete(b);
	c.run_id = "r-1";
	c.from = ST_CLAIMED;
	c.to = ST_RUNNING;
	t_ok(state_cas_body(&c, &op) == NULL, "-> running takes no repository");
	c.from = ST_NONE;
	c.to = ST_IDLE;
	c.run_id = NULL;
	t_ok(state_cas_body(&c, &op) == NULL, "a warm instance has no repository");
	c.from = ST_RUNNING;
	c.run_id = "r-1";
	c.same_repository = 1;
	t_ok(state_cas_body(&c, &op) == NULL, "same_repository only with a claim");
	c.from = ST_IDLE;
	c.to = ST_CLAIMED;
	c.repository = NULL;
	t_ok(state_cas_body(&c, &op) == NULL, "same_repository needs a repository");
}

/* none -> idle: a warm instance, created idle with no run and no repository. */
static void
test_warm(void)
{
	struct state_cas c = { "pool", ID, ST_NONE, ST_IDLE, NULL, 1420, 1000, "large", "m5.large", "spot", NULL, 0 };
	const char *op;
	cJSON *b, *item;

	b = state_cas_body(&c, &op);
	t_streq(op, "PutItem", "none -> idle is a PutItem");
	item = cJSON_GetObjectItem(b, "Item");
	t_ok(strcmp(str(cJSON_GetObjectItem(item, "state"), "S"), "idle") == 0 &&
	    strcmp(str(cJSON_GetObjectItem(item, "threshold"), "N"), "1420") == 0 &&
	    strcmp(str(cJSON_GetObjectItem(item, "resourceClass"), "S"), "large") == 0,
	    "an idle record with its threshold and class");
	t_ok(cJSON_GetObjectItem(item, "runId") == NULL && cJSON_GetObjectItem(item, "repository") == NULL,
	    "no run id, no repository: no run has used it");
	t_streq(str(b, "ConditionExpression"), "attribute_not_exists(pk)", "only where there is no record");
	cJSON_Delete(b);
	c.run_id = "r-1";
	t_ok(state_cas_body(&c, &op) == NULL, "none -> idle with a run id is refused");
	t_ok(state_allowed(ST_NONE, ST_IDLE) && !state_allowed(ST_NONE, ST_CLAIMED) && !state_allowed(ST_NONE, ST_RUNNING),
	    "from none: created or idle only");
}

static void
test_terminate(void)
{
	const char *op;
	cJSON *b;
	int from;

	for (from = ST_CREATED; from <= ST_CLAIMED; from++) {
		b = cas(from, ST_TERMINATED, NULL, &op);
		t_streq(str(b, "ConditionExpression"), "#st = :from", "%s -> terminated: state only", state_name(from));
		t_streq(str(b, "UpdateExpression"), "SET #st = :to, #up = :now, #ttl = :ttl REMOVE #run",
		    "%s -> terminated: ttl set, run id removed", state_name(from));
		t_streq(val(b, ":ttl"), "605800", "ttl is now + 7 days");
		t_streq(val(b, ":from"), state_name(from), "expected state %s", state_name(from));
		t_ok(placeholders_match(b), "%s -> terminated: placeholders", state_name(from));
		cJSON_Delete(b);
	}
	b = cas(ST_RUNNING, ST_TERMINATED, "r-1", &op);
	t_streq(str(b, "ConditionExpression"), "#st = :from AND #run = :run", "terminate with a run id checks it");
	t_streq(val(b, ":run"), "r-1", "the run id checked");
	t_ok(placeholders_match(b), "terminate with a run id: placeholders");
	cJSON_Delete(b);
}

static void
test_refused(void)
{
	const char *op = "unset";

	t_ok(cas(ST_IDLE, ST_RUNNING, "r", &op) == NULL, "idle -> running refused");
	t_ok(cas(ST_TERMINATED, ST_IDLE, "r", &op) == NULL, "terminated -> idle refused");
	t_ok(cas(ST_TERMINATED, ST_TERMINATED, NULL, &op) == NULL, "terminated -> terminated refused");
	t_ok(cas(ST_NONE, ST_RUNNING, "r", &op) == NULL, "none -> running refused");
	t_ok(cas(ST_IDLE, ST_IDLE, "r", &op) == NULL, "idle -> idle refused");
}

static void
line_is(const char *json, int as_json, const char *want, const char *name)
{
	cJSON *item = cJSON_Parse(json);
	struct buf b = BUF_INIT;

	t_ok(item != NULL, "%s: test item parses", name);
	if (want == NULL)
		t_inteq(state_line(item, as_json, &b), -1, "%s", name);
	else if (t_inteq(state_line(item, as_json, &b), 0, "%s: formatted", name))
		t_streq(b.p, want, "%s", name);
	cJSON_Delete(item);
	buf_free(&b);
}

static void
test_lines(void)
{
	const char *inst = "{\"pk\":{\"S\":\"i#" ID "\"},\"state\":{\"S\":\"running\"},\"runId\":{\"S\":\"42-2\"},"
	    "\"threshold\":{\"N\":\"1700000000\"},\"resourceClass\":{\"S\":\"large\"},"
	    "\"instanceType\":{\"S\":\"m5.xlarge\"},\"usageClass\":{\"S\":\"on-demand\"},\"updatedAt\":{\"N\":\"1\"}}";

	line_is(inst, 0, ID "\trunning\t42-2\t1700000000\tlarge\tm5.xlarge\ton-demand\t-\t1", "instance line");
	line_is("{\"pk\":{\"S\":\"i#" ID "\"},\"state\":{\"S\":\"idle\"},\"repository\":{\"S\":\"octo/a\"}}", 0,
	    ID "\tidle\t-\t-\t-\t-\t-\tocto/a\t-", "the repository it last served, then the time of the last change");
	line_is(inst, 1, "{\"kind\":\"instance\",\"id\":\"" ID "\",\"state\":\"running\",\"runId\":\"42-2\","
	    "\"threshold\":\"1700000000\",\"resourceClass\":\"large\",\"instanceType\":\"m5.xlarge\","
	    "\"usageClass\":\"on-demand\",\"updatedAt\":\"1\"}", "instance JSON line");
	line_is("{\"pk\":{\"S\":\"i#" ID "\"},\"state\":{\"S\":\"idle\"}}", 0, ID "\tidle\t-\t-\t-\t-\t-\t-\t-",
	    "missing fields are '-'");
	line_is("{\"pk\":{\"S\":\"i#" ID "\"},\"state\":{\"S\":\"idle\"},\"runId\":{\"S\":\"\"}}", 0,
	    ID "\tidle\t-\t-\t-\t-\t-\t-\t-", "an empty run id is '-'");
	line_is("{\"pk\":{\"S\":\"sig#" ID "\"},\"signal\":{\"S\":\"registered\"},\"runId\":{\"S\":\"9\"},"
	    "\"at\":{\"N\":\"12\"},\"ttl\":{\"N\":\"99\"}}", 0, ID "\tregistered\t9\t12\t-", "signal line (no message: '-')");
	line_is("{\"pk\":{\"S\":\"sig#" ID "\"},\"signal\":{\"S\":\"registration-failed\"},\"runId\":{\"S\":\"9\"},"
	    "\"at\":{\"N\":\"12\"},\"message\":{\"S\":\"config.sh: Must not run with sudo\"}}", 0,
	    ID "\tregistration-failed\t9\t12\tconfig.sh: Must not run with sudo", "a failure signal's message");
	line_is("{\"pk\":{\"S\":\"sig#" ID "\"},\"signal\":{\"S\":\"bootstrap-failed\"},\"at\":{\"N\":\"12\"}}", 1,
	    "{\"kind\":\"signal\",\"id\":\"" ID "\",\"signal\":\"bootstrap-failed\",\"at\":\"12\"}",
	    "signal JSON line without run id");
	line_is("{\"pk\":{\"S\":\"hb#" ID "\"},\"at\":{\"N\":\"1234\"},\"ttl\":{\"N\":\"99\"}}", 0, ID "\t1234",
	    "heartbeat line");
	line_is("{\"pk\":{\"S\":\"cfg#registration-token\"},\"value\":{\"S\":\"AB\\tC\\nD\"}}", 0,
	    "registration-token\tAB C D", "text line: tab and newline in a value become spaces");
	line_is("{\"pk\":{\"S\":\"cfg#registration-token\"},\"value\":{\"S\":\"AB\\tC\\nD\"}}", 1,
	    "{\"kind\":\"config\",\"name\":\"registration-token\",\"value\":\"AB\\tC\\nD\"}",
	    "JSON line keeps the exact value");
	line_is("{\"pk\":{\"S\":\"job#x\"},\"value\":{\"S\":\"v\"}}", 0, NULL, "foreign key refused");
	line_is("{\"state\":{\"S\":\"idle\"}}", 0, NULL, "item without a key refused");
	line_is("{\"pk\":{\"N\":\"5\"}}", 0, NULL, "numeric key refused");
	line_is("{\"pk\":{\"S\":\"i#" ID "\"},\"state\":{\"BOOL\":true},\"threshold\":\"5\"}", 0,
	    ID "\t-\t-\t-\t-\t-\t-\t-\t-", "attributes of the wrong shape are '-'");
}

/* The record after a write: state, runId (or NULL), threshold, updatedAt. */
static cJSON *
rec(const char *st, const char *run, long long th, long long up)
{
	cJSON *it = cJSON_CreateObject();

	item_add_s(it, "state", st);
	if (run)
		item_add_s(it, "runId", run);
	item_add_n(it, "threshold", th);
	item_add_n(it, "updatedAt", up);
	return it;
}

static void
test_applied(void)
{
	struct state_cas claim = { "pool", ID, ST_IDLE, ST_CLAIMED, "r-1", 2000, 1000, NULL, NULL, NULL, NULL, 0 };
	struct state_cas idle = { "pool", ID, ST_RUNNING, ST_IDLE, "r-1", 3000, 1000, NULL, NULL, NULL, NULL, 0 };
	struct state_cas term = { "pool", ID, ST_CLAIMED, ST_TERMINATED, "r-1", 0, 1000, NULL, NULL, NULL, NULL, 0 };
	struct { struct state_cas *c; cJSON *item; int want; const char *what; } cases[] = {
		{ &claim, rec("claimed", "r-1", 2000, 1000), 1, "our claim" },
		{ &claim, rec("claimed", "r-2", 2000, 1000), 0, "another run's claim" },
		{ &claim, rec("claimed", "r-1", 2001, 1000), 0, "our run, another threshold" },
		{ &claim, rec("claimed", "r-1", 2000, 999), 0, "our run, another write's time" },
		{ &claim, rec("idle", NULL, 2000, 1000), 0, "still idle" },
		{ &idle, rec("idle", NULL, 3000, 1000), 1, "our release (run id removed)" },
		{ &idle, rec("idle", "r-1", 3000, 1000), 0, "idle that still names a run" },
		{ &term, rec("terminated", NULL, 0, 1000), 1, "our termination" },
		{ &term, rec("terminated", NULL, 0, 1001), 0, "someone else's termination" },
		{ &term, NULL, 0, "no record" },
	};
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		t_ok(state_cas_applied(cases[i].c, cases[i].item) == cases[i].want, "applied: %s", cases[i].what);
		cJSON_Delete(cases[i].item);
	}
}

static void
test_arn_keys(void)
{
	struct buf b = BUF_INIT;
	char part[16];
	cJSON *it;

	t_inteq(state_arn_pk(&b, KIND_SIGNAL, "aws", "eu-west-1", "123456789012", ID), 0, "signal key built");
	t_streq(b.p, "sig#arn:aws:ec2:eu-west-1:123456789012:instance/" ID, "signal key: the instance's ARN");
	t_inteq(state_arn_pk(&b, KIND_HEARTBEAT, "aws-cn", "cn-north-1", "123456789012", ID), 0, "heartbeat key built");
	t_streq(b.p, "hb#arn:aws-cn:ec2:cn-north-1:123456789012:instance/" ID, "heartbeat key in another partition");
	t_inteq(state_arn_pk(&b, KIND_TOKEN, "aws", "eu-west-1", "123456789012", ID), 0, "token key built");
	t_streq(b.p, "tok#arn:aws:ec2:eu-west-1:123456789012:instance/" ID,
	    "token key: the instance's ARN (IAM lets only that instance read it)");
	t_ok(state_arn_pk(&b, KIND_INSTANCE, "aws", "r", "1", ID) == -1, "instance records keep their id key");
	t_ok(state_arn_pk(&b, KIND_CONFIG, "aws", "r", "1", "x") == -1, "config records keep their name key");
	t_ok(state_parse_identity("arn:aws:sts::123456789012:assumed-role/r/" ID, "123456789012", part) == 0 &&
	    strcmp(part, "aws") == 0, "identity: partition aws");
	t_ok(state_parse_identity("arn:aws-us-gov:iam::123456789012:user/x", "123456789012", part) == 0 &&
	    strcmp(part, "aws-us-gov") == 0, "identity: partition aws-us-gov");
	t_ok(state_parse_identity("arn:aws:iam::1:user/x", "1", part) == -1, "identity: a short account refused");
	t_ok(state_parse_identity("urn:aws:iam::123456789012:user/x", "123456789012", part) == -1, "identity: not an ARN");
	t_ok(state_parse_identity("arn::iam::123456789012:user/x", "123456789012", part) == -1, "identity: no partition");
	/* A line names the instance id, not the key. */
	it = cJSON_CreateObject();
	item_add_s(it, "pk", "sig#arn:aws:ec2:eu-west-1:123456789012:instance/" ID);
	item_add_s(it, "signal", "registered");
	buf_reset(&b);
	t_inteq(state_line(it, 0, &b), 0, "signal line");
	t_ok(strncmp(b.p, ID "\tregistered\t", strlen(ID) + 12) == 0, "signal line starts with the instance id");
	cJSON_Delete(it);
	it = cJSON_CreateObject();
	item_add_s(it, "pk", "tok#arn:aws:ec2:eu-west-1:123456789012:instance/" ID);
	item_add_s(it, "purpose", "registration");
	item_add_s(it, "runId", "42");
	item_add_n(it, "at", 1700000000);
	item_add_s(it, "token", "AABBCC");
	buf_reset(&b);
	t_inteq(state_line(it, 0, &b), 0, "token line");
	t_streq(b.p, ID "\tregistration\t42\t1700000000\tAABBCC", "token line: id, purpose, run, time, token last");
	cJSON_Delete(it);
	buf_free(&b);
}

/* The records state-put and state-watch write: one builder, one TTL. */
static void
check_body(cJSON *b, const char *want, const char *name)
{
	char *s = b ? cJSON_PrintUnformatted(b) : NULL;

	t_streq(s, want, "%s", name);
	cJSON_free(s);
	cJSON_Delete(b);
}

static void
test_put_bodies(void)
{
	struct state_put sig = { "pool", "sig#arn:aws:ec2:r:1:instance/i-1", KIND_SIGNAL, "registered", "42", "disk\tfull",
		NULL, 1700000000 };
	struct state_put hb = { "pool", "hb#x", KIND_HEARTBEAT, NULL, NULL, NULL, NULL, 1700000000 };
	struct state_put cfg = { "pool", "cfg#ami", KIND_CONFIG, NULL, NULL, NULL, "ami-1", 1700000000 };
	struct state_put tok = { "pool", "tok#arn:aws:ec2:r:1:instance/i-1", KIND_TOKEN, "registration", "42", NULL,
		"AABB", 1700000000 };
	struct state_put bad = hb;

	check_body(state_put_body(&sig), "{\"TableName\":\"pool\",\"Item\":{\"pk\":{\"S\":\"sig#arn:aws:ec2:r:1:instance/i-1\"},"
	    "\"signal\":{\"S\":\"registered\"},\"runId\":{\"S\":\"42\"},\"message\":{\"S\":\"disk\\tfull\"},"
	    "\"at\":{\"N\":\"1700000000\"},\"ttl\":{\"N\":\"1700086400\"}}}", "a signal: run id, message, a day's TTL");
	sig.run_id = NULL;
	sig.message = "";
	check_body(state_put_body(&sig), "{\"TableName\":\"pool\",\"Item\":{\"pk\":{\"S\":\"sig#arn:aws:ec2:r:1:instance/i-1\"},"
	    "\"signal\":{\"S\":\"registered\"},\"at\":{\"N\":\"1700000000\"},\"ttl\":{\"N\":\"1700086400\"}}}",
	    "a signal without run id or message");
	check_body(state_put_body(&hb), "{\"TableName\":\"pool\",\"Item\":{\"pk\":{\"S\":\"hb#x\"},"
	    "\"at\":{\"N\":\"1700000000\"},\"ttl\":{\"N\":\"1700086400\"}}}", "a heartbeat");
	check_body(state_put_body(&cfg), "{\"TableName\":\"pool\",\"Item\":{\"pk\":{\"S\":\"cfg#ami\"},"
	    "\"value\":{\"S\":\"ami-1\"},\"updatedAt\":{\"N\":\"1700000000\"}}}", "a config value: no TTL");
	cfg.value = NULL;
	t_ok(state_put_body(&cfg) == NULL, "a config without a value: refused");
	check_body(state_put_body(&tok), "{\"TableName\":\"pool\",\"Item\":{\"pk\":{\"S\":\"tok#arn:aws:ec2:r:1:instance/i-1\"},"
	    "\"purpose\":{\"S\":\"registration\"},\"runId\":{\"S\":\"42\"},\"token\":{\"S\":\"AABB\"},"
	    "\"at\":{\"N\":\"1700000000\"},\"ttl\":{\"N\":\"1700003600\"}}}", "a token: purpose, run, an hour's TTL");
	tok.run_id = NULL;
	t_ok(state_put_body(&tok) == NULL, "a token without a run: refused");
	tok.run_id = "42";
	tok.signal = NULL;
	t_ok(state_put_body(&tok) == NULL, "a token without a purpose: refused");
	tok.signal = "remove";
	tok.value = NULL;
	t_ok(state_put_body(&tok) == NULL, "a token without its value: refused");
	bad.kind = KIND_INSTANCE;
	t_ok(state_put_body(&bad) == NULL, "an instance record is state_cas_body's");
	bad.kind = KIND_TOKEN + 1;
	t_ok(state_put_body(&bad) == NULL, "a kind past the end: refused");
	check_body(state_token_delete_body("pool", "tok#x", "42"), "{\"TableName\":\"pool\",\"Key\":{\"pk\":{\"S\":\"tok#x\"}},"
	    "\"ConditionExpression\":\"#run = :run\",\"ExpressionAttributeNames\":{\"#run\":\"runId\"},"
	    "\"ExpressionAttributeValues\":{\":run\":{\"S\":\"42\"}}}", "a token's delete: only while it is that run's");
	check_body(state_key_body("pool", "i#i-1"), "{\"TableName\":\"pool\",\"Key\":{\"pk\":{\"S\":\"i#i-1\"}}}",
	    "a key body");
}

int
main(void)
{
	test_names();
	test_pk();
	test_allowed();
	test_create();
	test_updates();
	test_claim_conditions();
	test_owner();
	test_warm();
	test_terminate();
	test_refused();
	test_lines();
	test_applied();
	test_arn_keys();
	test_put_bodies();
	return t_done();
}

/* The pure modules under the tools: names, state bodies and lines, the pool
 * message and its filters, resource classes, Query bodies, base64, and the
 * GitHub Link and rate-limit rules. */
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "base64.h"
#include "ec2.h"
#include "github.h"
#include "names.h"
#include "poolmsg.h"
#include "query.h"
#include "rclass.h"
#include "state.h"
#include "t.h"

static void
test_names(void)
{
	t_ok(names_instance_id("i-0123456789abcdef0") && names_instance_id("i-01234567"), "instance ids");
	t_ok(!names_instance_id("i-0123456789ABCDEF0") && !names_instance_id("i-012345678") &&
	    !names_instance_id("0123456789abcdef0") && !names_instance_id(""), "bad instance ids");
	t_ok(names_run_id("12345-2") && names_run_id("a.b_c"), "run ids");
	t_ok(!names_run_id("a b") && !names_run_id("a;b") && !names_run_id("") &&
	    !names_run_id("x\n"), "bad run ids");
	t_ok(names_class("2xlarge") && !names_class("Large") && !names_class(""), "classes");
	t_ok(names_pool("ec2-runner-pool") && !names_pool("a/b"), "pools");
	t_ok(names_pool("abc") && !names_pool("ab") && !names_pool(""), "pools of 3 or more (DynamoDB, launch templates)");
	t_ok(names_ec2_id("ami-0123456789abcdef0", "ami-") && names_ec2_id("sg-01234567", "sg-"), "EC2 ids");
	t_ok(!names_ec2_id("ami-01234567,ami-01234568", "ami-") && !names_ec2_id("ami-0123456", "ami-") &&
	    !names_ec2_id("ami-0123456789ABCDEF0", "ami-") && !names_ec2_id("sg-01234567", "ami-") &&
	    !names_ec2_id("ami-", "ami-") && !names_ec2_id("", "ami-"), "bad EC2 ids");
	t_ok(names_ec2_ids("sg-01234567,sg-0123456789abcdef0", "sg-") && names_ec2_ids("", "sg-"), "EC2 id lists");
	t_ok(!names_ec2_ids("sg-01234567,", "sg-") && !names_ec2_ids(",sg-01234567", "sg-") &&
	    !names_ec2_ids("sg-01234567,,sg-01234568", "sg-") && !names_ec2_ids("sg-1", "sg-"), "bad EC2 id lists");
	t_ok(names_instance_profile("runner+=,.@_-X9") && !names_instance_profile("a b") &&
	    !names_instance_profile(""), "instance profiles");
	t_ok(names_key_pair("my key") && !names_key_pair("a\nb") && !names_key_pair("") && !names_key_pair("\x7f"),
	    "key pairs");
	unsetenv("EC2RP_POOL");
	t_streq(names_pool_of(NULL), "ec2-runner-pool", "default pool");
	setenv("EC2RP_POOL", "ci1", 1);
	t_streq(names_pool_of(NULL), "ci1", "EC2RP_POOL");
	t_streq(names_pool_of("opt"), "opt", "option wins");
	setenv("EC2RP_POOL", "bad pool", 1);
	t_ok(names_pool_of(NULL) == NULL, "malformed pool refused");
	unsetenv("EC2RP_POOL");
}

static char *
body(const struct state_cas *c, const char **op)
{
	cJSON *b = state_cas_body(c, op);
	char *s = cJSON_PrintUnformatted(b);

	cJSON_Delete(b);
	return s;
}

static void
test_state(void)
{
	struct state_cas c = { "t", "i-0123456789abcdef0", ST_IDLE, ST_CLAIMED, "42", 2000, 1000, 0, 0, 0, 0, 0 };
	const char *op;
	char *s;
	cJSON *item;
	struct buf line = BUF_INIT;

	t_ok(state_allowed(ST_NONE, ST_CREATED) && state_allowed(ST_IDLE, ST_CLAIMED) &&
	    state_allowed(ST_CLAIMED, ST_IDLE) && state_allowed(ST_RUNNING, ST_TERMINATED), "table transitions allowed");
	t_ok(!state_allowed(ST_IDLE, ST_RUNNING) && !state_allowed(ST_TERMINATED, ST_IDLE) &&
	    !state_allowed(ST_NONE, ST_RUNNING) && !state_allowed(ST_TERMINATED, ST_TERMINATED), "others refused");
	s = body(&c, &op);
	t_streq(op, "UpdateItem", "claim is an update");
	t_ok(strstr(s, "\"ConditionExpression\":\"#st = :from AND attribute_not_exists(#run) AND #th > :now\"") != NULL,
	    "claim condition: idle, unowned, not expired");
	t_ok(strstr(s, "\":now\":{\"N\":\"1000\"}") && strstr(s, "\":th\":{\"N\":\"2000\"}"), "times as numbers");
	free(s);
	c.from = ST_RUNNING;
	c.to = ST_IDLE;
	s = body(&c, &op);
	t_ok(strstr(s, "REMOVE #run") && strstr(s, "#st = :from AND #run = :run"), "release removes the run id, checks it");
	free(s);
	c.from = ST_NONE;
	c.to = ST_CREATED;
	s = body(&c, &op);
	t_streq(op, "PutItem", "creation is a put");
	t_ok(strstr(s, "attribute_not_exists(pk)") && strstr(s, "\"pk\":{\"S\":\"i#i-0123456789abcdef0\"}"),
	    "put only if absent, keyed i#ID");
	free(s);
	c.from = ST_IDLE;
	c.to = ST_TERMINATED;
	c.run_id = NULL;
	s = body(&c, &op);
	t_ok(strstr(s, "\"ConditionExpression\":\"#st = :from\"") && strstr(s, "#ttl = :ttl"), "terminate sets ttl");
	t_ok(strstr(s, "\":ttl\":{\"N\":\"605800\"}") != NULL, "ttl a week after now");
	free(s);
	item = cJSON_Parse("{\"pk\":{\"S\":\"i#i-0123456789abcdef0\"},\"state\":{\"S\":\"idle\"},"
	    "\"threshold\":{\"N\":\"5\"},\"resourceClass\":{\"S\":\"large\"}}");
	state_line(item, 0, &line);
	t_streq(line.p, "i-0123456789abcdef0\tidle\t-\t5\tlarge\t-\t-\t-\t-", "instance line, '-' for empty fields");
	buf_reset(&line);
	state_line(item, 1, &line);
	t_streq(line.p, "{\"kind\":\"instance\",\"id\":\"i-0123456789abcdef0\",\"state\":\"idle\",\"threshold\":\"5\","
	    "\"resourceClass\":\"large\"}", "instance JSON line");
	cJSON_Delete(item);
	item = cJSON_Parse("{\"pk\":{\"S\":\"other\"}}");
	t_ok(state_line(item, 0, &line) == -1, "foreign item refused");
	cJSON_Delete(item);
	buf_free(&line);
}

static void
test_poolmsg(void)
{
	struct poolmsg m = { "i-0123456789abcdef0", "m5.xlarge", "spot", "large", 0, "" }, p;
	struct buf b = BUF_INIT;

	poolmsg_encode(&m, 7, &b);
	t_ok(poolmsg_parse(b.p, &p) == 0 && strcmp(p.id, m.id) == 0 && strcmp(p.type, "m5.xlarge") == 0 &&
	    strcmp(p.usage, "spot") == 0, "message round trip");
	t_ok(poolmsg_parse("{\"instanceId\":\"i-zz\"}", &p) == -1, "bad id refused");
	t_ok(poolmsg_parse("[]", &p) == -1 && poolmsg_parse("", &p) == -1, "non-object refused");
	t_ok(poolmsg_parse("{\"instanceId\":\"i-01234567\",\"usageClass\":\"cheap\"}", &p) == -1, "bad usage refused");
	t_ok(poolmsg_glob("m5.*", "m5.xlarge") && poolmsg_glob("*.large", "c6i.large") &&
	    poolmsg_glob("c?i.*", "c6i.xlarge") && poolmsg_glob("*", "x"), "globs match");
	t_ok(!poolmsg_glob("m5.*", "m5a") && !poolmsg_glob("m5", "m5.large") && !poolmsg_glob("*.large", "c6i.xlarge"),
	    "globs do not over-match");
	t_ok(poolmsg_types_match("c6i.*,m5.*", "m5.large") && !poolmsg_types_match("c6i.*", "m5.large") &&
	    poolmsg_types_match("", "anything"), "lists");
	t_ok(poolmsg_matches(&m, "spot", "m5.*", NULL) && !poolmsg_matches(&m, "on-demand", "", NULL) &&
	    !poolmsg_matches(&m, "", "c5.*", NULL), "filters");
	t_ok(poolmsg_valid_globs("m5.*,c6i.large") && !poolmsg_valid_globs("m5.*;x") && !poolmsg_valid_globs(",m5") &&
	    !poolmsg_valid_globs("a,,b") && !poolmsg_valid_globs("M5.*"), "glob lists validated");
	buf_free(&b);
}

static void
test_rclass(void)
{
	struct rclass_set s;
	struct err e;
	const struct rclass *c;

	t_ok(rclass_load(&s, NULL, &e) == 0 && (c = rclass_find(&s, "large")) && c->cpu == 2 && c->mem == 4096,
	    "built-in large is 2 vCPU, 4 GiB (the original action's)");
	t_ok(rclass_load(&s, "{\"large\":{\"cpu\":8,\"mem\":32768},\"gpu\":{\"cpu\":16,\"mem\":65536}}", &e) == 0 &&
	    rclass_find(&s, "large")->cpu == 8 && rclass_find(&s, "gpu") != NULL && rclass_find(&s, "xlarge") == NULL,
	    "config replaces the built-ins");
	t_ok(rclass_load(&s, "{\"x\":", &e) == -1 && e.cls == ERR_INPUT, "malformed JSON refused");
	t_ok(rclass_load(&s, "{\"x\":{\"cpu\":1.5,\"mem\":1024}}", &e) == -1, "fractional cpu refused");
	t_ok(rclass_load(&s, "{\"Bad Name\":{\"cpu\":1,\"mem\":1024}}", &e) == -1 && strstr(e.msg, "Bad Name"),
	    "bad class name named");
	t_ok(rclass_load(&s, "{\"x\":{\"cpu\":1}}", &e) == -1, "missing mem refused");
}

static void
test_query_b64_ec2(void)
{
	struct buf b = BUF_INIT;

	query_add(&b, "Action", "CreateFleet");
	query_addf(&b, "a b/c", "Tag.%d.Value", 1);
	t_streq(b.p, "Action=CreateFleet&Tag.1.Value=a%20b%2Fc", "query body encoded");
	buf_reset(&b);
	base64_encode(&b, "", 0);
	t_streq(b.p ? b.p : "", "", "base64 of nothing");
	base64_encode(&b, "f", 1);
	base64_encode(&b, "fo", 2);
	base64_encode(&b, "foo", 3);
	base64_encode(&b, "foobar", 6);
	t_streq(b.p, "Zg==Zm8=Zm9vZm9vYmFy", "base64 known answers (RFC 4648)");
	t_ok(names_ec2_ids("subnet-0123456789abcdef0,subnet-01234567", "subnet-"), "subnet list");
	t_ok(!names_ec2_ids("subnet-0123456789abcdef0,", "subnet-") && !names_ec2_ids("sg-1", "sg-") &&
	    !names_ec2_ids("subnet-XYZ45678", "subnet-"), "bad id lists");
	buf_free(&b);
}

static void
test_github(void)
{
	struct buf b = BUF_INIT;

	github_link_next("<https://api.github.com/x?page=2>; rel=\"next\", <https://api.github.com/x?page=5>; rel=\"last\"", &b);
	t_streq(b.p, "https://api.github.com/x?page=2", "Link next");
	github_link_next("<https://a/x?page=1>; rel=\"prev\", <https://a/x?page=3>; rel=\"next\"", &b);
	t_streq(b.p, "https://a/x?page=3", "next after prev");
	github_link_next("<https://a/x?page=1>; rel=\"prev\"", &b);
	t_ok(b.len == 0, "no next");
	github_link_next("garbage <", &b);
	t_ok(b.len == 0, "garbage");
	t_inteq(github_rate_wait(429, "", "7", "", "", 0, 1), 7, "retry-after");
	t_inteq(github_rate_wait(403, "", "", "0", "1060", 1000, 1), 60, "reset time");
	t_inteq(github_rate_wait(403, "", "", "12", "", 0, 1), -1, "a plain 403 is not a limit");
	t_inteq(github_rate_wait(200, "", "5", "0", "", 0, 1), -1, "not an error");
	t_ok(github_runners_path(&b, "octo/app") == 0, "repo scope");
	t_streq(b.p, "/repos/octo/app/actions/runners", "repo path");
	github_runners_path(&b, "octo");
	t_streq(b.p, "/orgs/octo/actions/runners", "org path");
	t_ok(github_runners_path(&b, "a/b/c") == -1 && github_runners_path(&b, "a/..") == -1 &&
	    github_runners_path(&b, "/x") == -1 && github_runners_path(&b, "a b") == -1, "bad scopes");
	buf_free(&b);
}

int
main(void)
{
	test_names();
	test_state();
	test_poolmsg();
	test_rclass();
	test_query_b64_ec2();
	test_github();
	return t_done();
}

/* poolmsg: the pool message's body, its validation, and pool-pop's filters. */
#include <stdlib.h>
#include <string.h>

#include "poolmsg.h"
#include "t.h"

static const struct poolmsg full = { "i-0123456789abcdef0", "m5.xlarge", "spot", "large", 0, "" };

static void
test_encode(void)
{
	struct buf b = BUF_INIT;
	struct poolmsg m;

	t_ok(poolmsg_encode(&full, 1700000000, &b) == 0, "encode");
	t_streq(b.p, "{\"instanceId\":\"i-0123456789abcdef0\",\"instanceType\":\"m5.xlarge\","
	    "\"usageClass\":\"spot\",\"resourceClass\":\"large\",\"pushedAt\":1700000000}", "exact body");
	t_ok(poolmsg_parse(b.p, &m) == 0, "its own body parses");
	t_streq(m.id, full.id, "round trip: id");
	t_streq(m.type, "m5.xlarge", "round trip: type");
	t_streq(m.usage, "spot", "round trip: usage");
	t_streq(m.rclass, "large", "round trip: class");
	t_inteq(m.pushed_at, 1700000000, "round trip: pushedAt");

	/* Unknown optional fields are written as "". */
	memset(&m, 0, sizeof(m));
	memcpy(m.id, "i-01234567", 11);
	buf_reset(&b);
	t_ok(poolmsg_encode(&m, 5, &b) == 0, "encode with only an id");
	t_streq(b.p, "{\"instanceId\":\"i-01234567\",\"instanceType\":\"\",\"usageClass\":\"\","
	    "\"resourceClass\":\"\",\"pushedAt\":5}", "empty optional fields");

	/* encode refuses what parse would refuse: never push garbage. */
	buf_reset(&b);
	m = full;
	memcpy(m.id, "i-zzzzzzzz", 11);
	t_ok(poolmsg_encode(&m, 1, &b) == -1 && b.len == 0, "encode refuses a bad id, writes nothing");
	m = full;
	memcpy(m.usage, "cheap", 6);
	t_ok(poolmsg_encode(&m, 1, &b) == -1, "encode refuses a bad usage class");
	m = full;
	memcpy(m.type, "M5.XL", 6);
	t_ok(poolmsg_encode(&m, 1, &b) == -1, "encode refuses an upper-case type");
	m = full;
	memcpy(m.rclass, "Large", 6);
	t_ok(poolmsg_encode(&m, 1, &b) == -1, "encode refuses a bad class");
	t_ok(poolmsg_encode(&full, -1, &b) == -1, "encode refuses a negative time");
	m = full;
	memset(m.type, 'a', sizeof(m.type));
	t_ok(poolmsg_encode(&m, 1, &b) == -1, "encode refuses an unterminated field");
	buf_free(&b);
}

static void
test_parse(void)
{
	static const struct {
		const char *body;
		const char *why;
	} bad[] = {
		{ "", "empty" },
		{ "[]", "an array" },
		{ "\"i-01234567\"", "a string" },
		{ "null", "null" },
		{ "{\"instanceId\":\"i-01234567\"", "truncated" },
		{ "{}", "no instanceId" },
		{ "{\"instanceId\":1234}", "numeric instanceId" },
		{ "{\"instanceId\":\"i-zz\"}", "bad instanceId" },
		{ "{\"instanceId\":\"i-0123456789ABCDEF0\"}", "upper-case instanceId" },
		{ "{\"instanceId\":\"i-0123456789abcdef00\"}", "18 hex digits" },
		{ "{\"instanceId\":\"i-01234567\",\"usageClass\":\"cheap\"}", "bad usage class" },
		{ "{\"instanceId\":\"i-01234567\",\"usageClass\":null}", "null usage class" },
		{ "{\"instanceId\":\"i-01234567\",\"instanceType\":\"m5.x large\"}", "space in type" },
		{ "{\"instanceId\":\"i-01234567\",\"instanceType\":\"m5.*\"}", "a glob as type" },
		{ "{\"instanceId\":\"i-01234567\",\"instanceType\":\"abcdefghijklmnopqrstuvwxyz0123456\"}", "33-char type" },
		{ "{\"instanceId\":\"i-01234567\",\"instanceType\":7}", "numeric type" },
		{ "{\"instanceId\":\"i-01234567\",\"resourceClass\":\"Large\"}", "bad class" },
		{ "{\"instanceId\":\"i-01234567\",\"pushedAt\":-1}", "negative pushedAt" },
		{ "{\"instanceId\":\"i-01234567\",\"pushedAt\":1e300}", "huge pushedAt" },
		{ "{\"instanceId\":\"i-01234567\",\"pushedAt\":\"5\"}", "string pushedAt" },
		{ "{\"instanceId\":\"i-01234567\\u0000x\"}", "NUL inside the id" },
	};
	const char *small = "{\"instanceId\":\"i-01234567\"}";
	struct poolmsg m;
	char *big;
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		memset(&m, 'x', sizeof(m));
		t_ok(poolmsg_parse(bad[i].body, &m) == -1 && m.id[0] == '\0' && m.type[0] == '\0',
		    "refused and zeroed: %s", bad[i].why);
	}
	t_ok(poolmsg_parse("{\"instanceId\":\"i-01234567\"}", &m) == 0 && strcmp(m.id, "i-01234567") == 0 &&
	    m.type[0] == '\0' && m.usage[0] == '\0' && m.rclass[0] == '\0' && m.pushed_at == 0,
	    "only an id: the rest empty");
	t_ok(poolmsg_parse(" {\"usageClass\":\"on-demand\", \"instanceId\":\"i-01234567\", \"extra\":[1,2]} ", &m) == 0 &&
	    strcmp(m.usage, "on-demand") == 0, "any order, spaces, unknown fields");
	t_ok(poolmsg_parse("{\"instanceId\":\"i-01234567\",\"instanceType\":\"abcdefghijklmnopqrstuvwxyz012345\"}", &m) == 0,
	    "32-char type accepted");

	/* A body much larger than a message is refused before it is parsed. */
	big = malloc(10000);
	if (big) {
		memset(big, ' ', 9999);
		big[9999] = '\0';
		memcpy(big, small, strlen(small));
		t_ok(poolmsg_parse(big, &m) == -1, "oversized body refused");
		big[4000] = '\0';
		t_ok(poolmsg_parse(big, &m) == 0, "body with trailing spaces under the limit accepted");
		free(big);
	}
}

static void
test_glob(void)
{
	static const struct {
		const char *g, *s;
		int want;
	} cases[] = {
		{ "m5.*", "m5.xlarge", 1 },
		{ "m5.*", "m5.", 1 },
		{ "m5.*", "m5a.large", 0 },
		{ "m5", "m5.large", 0 },
		{ "m5.large", "m5.large", 1 },
		{ "m5.large", "m5.larg", 0 },
		{ "*.large", "c6i.large", 1 },
		{ "*.large", "c6i.xlarge", 0 },
		{ "c?i.*", "c6i.xlarge", 1 },
		{ "c?i.*", "ci.xlarge", 0 },
		{ "*", "", 1 },
		{ "*", "x", 1 },
		{ "", "", 1 },
		{ "", "x", 0 },
		{ "?", "", 0 },
		{ "**", "abc", 1 },
		{ "*a*b*c*", "xxaxxbxxcxx", 1 },
		{ "*a*b*c*", "xxaxxcxxbxx", 0 },
		{ "a*a*a*a*b", "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", 0 },
		{ "*.*large", "r6g.16xlarge", 1 },
		{ "*large", "large", 1 },
		{ "m*.*", "m7i-flex.large", 1 },
	};
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		t_inteq(poolmsg_glob(cases[i].g, cases[i].s), cases[i].want, "glob '%s' on '%s'", cases[i].g, cases[i].s);
}

static void
test_lists(void)
{
	char longglob[80], many[2 * POOLMSG_MAX_GLOBS + 2];
	int i;

	t_ok(poolmsg_types_match("c6i.*,m5.*", "m5.large"), "second glob of a list");
	t_ok(poolmsg_types_match("c6i.*,m5.*", "c6i.large"), "first glob of a list");
	t_ok(!poolmsg_types_match("c6i.*,m5.*", "r5.large"), "none of a list");
	t_ok(poolmsg_types_match("", "anything") && poolmsg_types_match(NULL, "anything"), "empty list allows all");
	t_ok(!poolmsg_types_match("m5.*", ""), "an unknown type matches no glob");
	t_ok(!poolmsg_types_match("m5.la", "m5.large") && !poolmsg_types_match("m5.large,", "m5.larg"),
	    "a glob matches the whole type, not a prefix");
	/* A glob longer than any copy buffer still counts. */
	memset(longglob, '*', 60);
	memcpy(longglob + 60, "m5.large", 9);
	t_ok(poolmsg_types_match(longglob, "m5.large"), "a 68-char glob matches");

	t_ok(poolmsg_valid_globs("m5.*,c6i.large") && poolmsg_valid_globs("?") && poolmsg_valid_globs("*"),
	    "valid lists");
	t_ok(!poolmsg_valid_globs("") && !poolmsg_valid_globs(","), "empty lists refused");
	t_ok(!poolmsg_valid_globs(",m5") && !poolmsg_valid_globs("m5,") && !poolmsg_valid_globs("a,,b"),
	    "empty items refused");
	t_ok(!poolmsg_valid_globs("m5.*;x") && !poolmsg_valid_globs("M5.*") && !poolmsg_valid_globs("m5 .*") &&
	    !poolmsg_valid_globs("m5.*\n"), "bad characters refused");
	memset(longglob, 'a', 64);
	longglob[64] = '\0';
	t_ok(poolmsg_valid_globs(longglob), "a 64-char glob is valid");
	longglob[64] = 'a';
	longglob[65] = '\0';
	t_ok(!poolmsg_valid_globs(longglob), "a 65-char glob is not");
	/* As many as EC2 takes, and no more. */
	for (i = 0; i < POOLMSG_MAX_GLOBS; i++)
		memcpy(many + 2 * i, "c,", 2);
	many[2 * POOLMSG_MAX_GLOBS - 1] = '\0';
	t_ok(poolmsg_valid_globs(many), "400 globs are valid");
	many[2 * POOLMSG_MAX_GLOBS - 1] = ',';
	many[2 * POOLMSG_MAX_GLOBS] = 'c';
	many[2 * POOLMSG_MAX_GLOBS + 1] = '\0';
	t_ok(!poolmsg_valid_globs(many), "401 are not");
}

static void
test_filters(void)
{
	struct poolmsg unknown = { "i-01234567", "", "", "", 0, "" };

	t_ok(poolmsg_matches(&full, "spot", "m5.*", NULL), "usage and type match");
	t_ok(poolmsg_matches(&full, "", "", NULL) && poolmsg_matches(&full, NULL, NULL, NULL), "no filters: all match");
	t_ok(!poolmsg_matches(&full, "on-demand", "", NULL), "other usage class");
	t_ok(!poolmsg_matches(&full, "", "c5.*", NULL), "other type");
	t_ok(!poolmsg_matches(&unknown, "spot", "", NULL), "unknown usage fails a usage filter");
	t_ok(poolmsg_matches(&unknown, "", "", NULL), "unknown usage passes no filter");
	{
		struct poolmsg r = { "i-01234567", "", "", "", 0, "octo/app" }, back;
		struct buf b = BUF_INIT;

		t_ok(poolmsg_matches(&r, "", "", "octo/app") && poolmsg_matches(&r, "", "", NULL),
		    "same repository, or no repository filter, matches");
		t_ok(!poolmsg_matches(&r, "", "", "octo/other") && !poolmsg_matches(&r, "", "", "octo/ap"),
		    "another repository (or a prefix of it) does not");
		t_ok(poolmsg_matches(&unknown, "", "", "octo/app"),
		    "a message without a repository (an instance never used) passes a repository filter");
		t_ok(poolmsg_encode(&r, 5, &b) == 0 && strstr(b.p, "\"repository\":\"octo/app\"") != NULL,
		    "the repository is encoded");
		t_ok(poolmsg_parse(b.p, &back) == 0 && strcmp(back.repo, "octo/app") == 0, "and parsed back");
		buf_free(&b);
		t_ok(poolmsg_parse("{\"instanceId\":\"i-01234567\",\"repository\":\"a/b/c\"}", &back) == -1 &&
		    poolmsg_parse("{\"instanceId\":\"i-01234567\",\"repository\":\"noslash\"}", &back) == -1 &&
		    poolmsg_parse("{\"instanceId\":\"i-01234567\",\"repository\":\"o/r;x\"}", &back) == -1 &&
		    poolmsg_parse("{\"instanceId\":\"i-01234567\",\"repository\":7}", &back) == -1,
		    "malformed repositories refused");
		t_ok(poolmsg_valid_repo("octo/app") && poolmsg_valid_repo("a/b") && !poolmsg_valid_repo("/ab") &&
		    !poolmsg_valid_repo("ab/") && !poolmsg_valid_repo("") && !poolmsg_valid_repo("a b/c"), "repository names");
	}
	t_ok(poolmsg_valid_usage("spot") && poolmsg_valid_usage("on-demand") && !poolmsg_valid_usage("") &&
	    !poolmsg_valid_usage("Spot") && !poolmsg_valid_usage("ondemand"), "usage classes");
	t_ok(poolmsg_valid_type("m5.xlarge") && poolmsg_valid_type("u-6tb1.metal") && !poolmsg_valid_type("") &&
	    !poolmsg_valid_type("m5.*") && !poolmsg_valid_type("abcdefghijklmnopqrstuvwxyz0123456"),
	    "instance types");
}

int
main(void)
{
	test_encode();
	test_parse();
	test_glob();
	test_lists();
	test_filters();
	return t_done();
}

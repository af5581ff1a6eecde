/* GitHub's runner list read page by page: records, filters, what is
 * skipped, the caps; and the shapes of runner ids and labels. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "github.h"
#include "runnerlist.h"
#include "t.h"

#define R1 "{\"id\":11,\"name\":\"r1\",\"os\":\"Linux\",\"status\":\"online\",\"busy\":true,\"labels\":" \
	"[{\"id\":1,\"name\":\"self-hosted\",\"type\":\"read-only\"},{\"id\":2,\"name\":\"42\",\"type\":\"custom\"}]}"
#define R2 "{\"id\":12,\"name\":\"r2\",\"status\":\"offline\",\"busy\":false,\"labels\":[{\"name\":\"42\"}]}"
#define R3 "{\"id\":13,\"name\":\"r3\",\"status\":\"offline\",\"busy\":true,\"labels\":[{\"name\":\"43\"}]}"

static int
page(struct runnerlist *l, const char *json, const struct runner_filter *f, struct err *e)
{
	cJSON *doc = cJSON_Parse(json);
	int r = runnerlist_page(l, doc, f, e);

	cJSON_Delete(doc);
	return r;
}

static void
test_page(void)
{
	struct runnerlist l = RUNNERLIST_INIT;
	struct err e;

	t_ok(page(&l, "{\"total_count\":3,\"runners\":[" R1 "," R2 "," R3 "]}", NULL, &e) == 0, "a page");
	t_inteq(l.n, 3, "three runners");
	t_inteq(l.pages, 1, "one page read");
	t_inteq(l.r[0].id, 11, "id");
	t_streq(l.r[0].name, "r1", "name");
	t_streq(l.r[0].status, "online", "status");
	t_ok(l.r[0].busy && !l.r[1].busy, "busy");
	t_inteq(l.r[0].nlabels, 2, "two labels");
	t_streq(l.r[0].labels[1], "42", "label names in order");
	t_ok(page(&l, "{\"total_count\":3,\"runners\":[]}", NULL, &e) == 0 && l.n == 3 && l.pages == 2,
	    "an empty page adds none, counts a page");
	runnerlist_free(&l);
	t_ok(l.n == 0 && l.r == NULL, "freed");
	runnerlist_free(NULL);
}

static void
test_filters(void)
{
	static const char all[] = "{\"runners\":[" R1 "," R2 "," R3 "]}";
	struct runnerlist l = RUNNERLIST_INIT;
	struct runner_filter f = { "42", NULL, 0 };
	struct err e;

	page(&l, all, &f, &e);
	t_ok(l.n == 2 && l.r[0].id == 11 && l.r[1].id == 12, "--label 42");
	runnerlist_free(&l);
	f.label = "4";
	page(&l, all, &f, &e);
	t_inteq(l.n, 0, "a label matches whole, not a prefix");
	runnerlist_free(&l);
	f.label = NULL;
	f.status = "offline";
	page(&l, all, &f, &e);
	t_ok(l.n == 2 && l.r[0].id == 12, "--status offline");
	runnerlist_free(&l);
	f.status = NULL;
	f.deletable = 1;
	page(&l, all, &f, &e);
	t_ok(l.n == 1 && l.r[0].id == 12, "deletable: offline and idle only (a busy offline runner stays)");
	runnerlist_free(&l);
	f.label = "43";
	page(&l, all, &f, &e);
	t_inteq(l.n, 0, "deletable with a label: none");
	runnerlist_free(&l);
}

static void
test_odd(void)
{
	struct runnerlist l = RUNNERLIST_INIT;
	struct err e;

	t_ok(page(&l, "{\"runners\":[{\"id\":-1},{\"id\":1.5},{\"id\":\"7\"},{\"id\":9007199254740992},{}]}", NULL, &e) == 0 &&
	    l.n == 0, "ids that are negative, fractional, strings, too large or missing: skipped");
	t_ok(page(&l, "{\"runners\":[{\"id\":9007199254740991,\"name\":7,\"labels\":[{\"name\":1},\"x\",{\"name\":\"ok\"}]}]}",
	    NULL, &e) == 0 && l.n == 1, "the largest id (2^53 - 1)");
	t_ok(l.n == 1 && l.r[0].id == 9007199254740991LL && strcmp(l.r[0].name, "?") == 0 &&
	    strcmp(l.r[0].status, "?") == 0 && l.r[0].nlabels == 1 && strcmp(l.r[0].labels[0], "ok") == 0,
	    "a name that is no string and no status: '?'; labels without a string name skipped");
	runnerlist_free(&l);
	t_ok(page(&l, "{\"total_count\":0}", NULL, &e) == -1 && e.cls == ERR_PERMANENT, "no runners array: refused");
	t_ok(page(&l, "[1,2]", NULL, &e) == -1, "not an object: refused");
	t_ok(runnerlist_page(&l, NULL, NULL, &e) == -1, "no document: refused");
	t_inteq(l.pages, 0, "a refused page is not counted");
	runnerlist_free(&l);
}

static void
test_caps(void)
{
	struct runnerlist l = RUNNERLIST_INIT;
	struct buf b = BUF_INIT;
	struct err e;
	int i, r = 0;

	t_inteq(runnerlist_more(&l, "", &e), 0, "no next page: done");
	t_inteq(runnerlist_more(&l, NULL, &e), 0, "no Link header: done");
	t_inteq(runnerlist_more(&l, "https://api.github.com/x?page=2", &e), 1, "a next page: read it");
	/* A page of 100 runners, 100 times: the largest list; one runner more is refused. */
	buf_adds(&b, "{\"runners\":[");
	for (i = 0; i < RUNNERLIST_PER_PAGE; i++)
		buf_addf(&b, "%s{\"id\":%d,\"name\":\"n\",\"status\":\"offline\",\"labels\":[]}", i ? "," : "", i);
	buf_adds(&b, "]}");
	for (i = 0; i < RUNNERLIST_MAX_PAGES && r == 0; i++) {
		r = page(&l, b.p, NULL, &e);
		if (i + 1 < RUNNERLIST_MAX_PAGES && runnerlist_more(&l, "https://a/next", &e) != 1)
			r = -1;
	}
	t_ok(r == 0 && l.n == RUNNERLIST_MAX, "%d pages of %d: all kept", RUNNERLIST_MAX_PAGES, RUNNERLIST_PER_PAGE);
	t_ok(runnerlist_more(&l, "https://a/next", &e) == -1 && e.cls == ERR_PERMANENT && strstr(e.msg, "100 pages"),
	    "a page past the cap: refused, one line");
	t_inteq(runnerlist_more(&l, "", &e), 0, "at the cap with no next page: done");
	t_ok(page(&l, "{\"runners\":[{\"id\":1}]}", NULL, &e) == -1 && e.cls == ERR_PERMANENT, "one runner past the cap: refused");
	t_inteq(l.n, RUNNERLIST_MAX, "nothing past the cap kept");
	runnerlist_free(&l);
	buf_free(&b);
}

static void
test_shapes(void)
{
	t_ok(runnerlist_id_ok("1") && runnerlist_id_ok("123456789012345678"), "ids: 1-18 digits");
	t_ok(!runnerlist_id_ok("") && !runnerlist_id_ok("1234567890123456789") && !runnerlist_id_ok("12a") &&
	    !runnerlist_id_ok("-1"), "not ids");
	t_ok(runnerlist_label_ok("ec2-runner-pool") && runnerlist_label_ok("42"), "labels");
	t_ok(!runnerlist_label_ok("") && !runnerlist_label_ok("a,b") && !runnerlist_label_ok("a\tb"), "not labels");
}

static void
test_token(void)
{
	cJSON *doc;
	char *tok;
	long long exp;
	struct err e;

	doc = cJSON_Parse("{\"token\":\"ghs_16C7e42F292c6912E7710c838347Ae178B4a\",\"expires_at\":\"2016-07-11T22:14:10Z\","
	    "\"permissions\":{\"administration\":\"write\"},\"repository_selection\":\"all\"}");
	t_ok(github_token_parse(doc, &tok, &exp, &e) == 0, "an installation token answer");
	t_streq(tok, "ghs_16C7e42F292c6912E7710c838347Ae178B4a", "its token");
	t_inteq(exp, 1468275250, "its expires_at in epoch seconds");
	free(tok);
	cJSON_Delete(doc);
	doc = cJSON_Parse("{\"token\":\"a b\",\"expires_at\":\"2016-07-11T22:14:10Z\"}");
	t_ok(github_token_parse(doc, &tok, &exp, &e) == -1 && tok == NULL && e.cls == ERR_PERMANENT, "a token with a space");
	cJSON_Delete(doc);
	doc = cJSON_Parse("{\"token\":\"abc\",\"expires_at\":\"soon\"}");
	t_ok(github_token_parse(doc, &tok, &exp, &e) == -1, "an expiry that is no time");
	t_ok(strstr(e.msg, "abc") == NULL, "the token is not in the message");
	cJSON_Delete(doc);
	t_ok(github_token_parse(NULL, &tok, &exp, &e) == -1, "no answer");
}

int
main(void)
{
	test_page();
	test_filters();
	test_odd();
	test_caps();
	test_shapes();
	test_token();
	return t_done();
}

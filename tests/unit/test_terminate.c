/* terminate: TerminateInstances bodies (the same bytes ec2_terminate sent
 * before they moved here), the states read from an answer, and what a
 * refused call for one id means for it. */
#include <stdio.h>
#include <string.h>

#include "terminate.h"
#include "t.h"

static void
test_query(void)
{
	static char *const ids[] = { "i-0123456789abcdef0", "i-01234567" };
	static char *many[TERMINATE_BATCH + 1];
	char want[32];
	struct buf b = BUF_INIT;
	struct err e;
	int i;

	t_inteq(terminate_query(&b, ids, 2, &e), 0, "two ids");
	t_streq(b.p, "Action=TerminateInstances&Version=2016-11-15"
	    "&InstanceId.1=i-0123456789abcdef0&InstanceId.2=i-01234567", "numbered from 1, in order");
	buf_free(&b);

	for (i = 0; i <= TERMINATE_BATCH; i++)
		many[i] = "i-01234567";
	t_inteq(terminate_query(&b, many, TERMINATE_BATCH, &e), 0, "%d ids in one call", TERMINATE_BATCH);
	snprintf(want, sizeof(want), "&InstanceId.%d=i-01234567", TERMINATE_BATCH);
	t_ok(b.len > strlen(want) && strcmp(b.p + b.len - strlen(want), want) == 0, "the last is InstanceId.%d",
	    TERMINATE_BATCH);
	buf_free(&b);
	t_ok(terminate_query(&b, many, TERMINATE_BATCH + 1, &e) == -1 && e.cls == ERR_INPUT && b.len == 0,
	    "%d ids refused, nothing written", TERMINATE_BATCH + 1);
	t_ok(terminate_query(&b, many, 0, &e) == -1 && e.cls == ERR_INPUT && b.len == 0, "no ids refused");
	many[1] = "i-1&Action=RunInstances";
	t_ok(terminate_query(&b, many, 2, &e) == -1 && e.cls == ERR_INPUT && b.len == 0 &&
	    strstr(e.msg, "instance id") != NULL, "a bad id among good refused: %s", e.msg);
	buf_free(&b);
}

#define ANSWER                                                                                        \
	"<TerminateInstancesResponse xmlns=\"http://ec2.amazonaws.com/doc/2016-11-15/\">"                 \
	"<requestId>r</requestId><instancesSet>"                                                          \
	"<item><instanceId>i-01234567</instanceId><currentState><code>32</code><name>shutting-down</name>" \
	"</currentState><previousState><code>16</code><name>running</name></previousState></item>"        \
	"<item><instanceId>i-0123456789abcdef0</instanceId><currentState><name>terminated</name>"         \
	"</currentState><previousState><name>termi&#9;nated</name></previousState></item>"                \
	"<item><instanceId>i-0000000000000000f</instanceId><currentState><name>terminated</name>"         \
	"</currentState></item>"                                                                          \
	"</instancesSet></TerminateInstancesResponse>"

static void
test_parse(void)
{
	static char *const ids[] = { "i-0123456789abcdef0", "i-01234567", "i-89abcdef" };
	struct terminate_state out[3];
	struct xml *x = t_xml(ANSWER), *y;
	char big[400];
	int i;

	t_ok(x != NULL, "answer parsed");
	for (i = 0; i < 3; i++)
		terminate_set(&out[i], "error", "not-attempted");
	terminate_parse(x, ids, 3, out);
	t_streq(out[1].prev, "running", "matched by id, not by order: previous state");
	t_streq(out[1].cur, "shutting-down", "current state");
	t_streq(out[0].prev, "termi nated", "a control character is a space: one field of one line");
	t_streq(out[0].cur, "terminated", "the other one");
	t_streq(out[2].prev, "error", "an id the answer does not name keeps what it had");
	t_streq(out[2].cur, "not-attempted", "both fields");
	xml_free(x);

	snprintf(big, sizeof(big), "<TerminateInstancesResponse><instancesSet><item>"
	    "<instanceId>i-01234567</instanceId><currentState><name>%0100d</name></currentState>"
	    "</item></instancesSet></TerminateInstancesResponse>", 0);
	y = t_xml(big);
	terminate_parse(y, ids, 3, out);
	t_inteq((long long)strlen(out[1].cur), (long long)sizeof(out[1].cur) - 1, "a long state name is cut to fit");
	t_streq(out[1].prev, "", "a missing one is empty");
	xml_free(y);
	y = t_xml("<TerminateInstancesResponse/>");
	terminate_parse(y, ids, 3, out);
	t_streq(out[0].cur, "terminated", "an answer with no items changes nothing");
	xml_free(y);
}

static void
test_refused(void)
{
	struct terminate_state t;
	struct err e;

	err_set(&e, ERR_PERMANENT, "The instance ID 'i-01234567' does not exist");
	err_code(&e, "InvalidInstanceID.NotFound");
	t_inteq(terminate_refused(&t, &e, 0), 0, "an id EC2 does not know is not an error");
	t_ok(strcmp(t.prev, "gone") == 0 && strcmp(t.cur, "gone") == 0, "it is gone");
	t_inteq(terminate_refused(&t, &e, 1), 1, "unless it is fresh: worth another try");
	t_ok(strcmp(t.prev, "error") == 0 && strcmp(t.cur, "InvalidInstanceID.NotFound") == 0,
	    "and not gone meanwhile: %s %s", t.prev, t.cur);
	err_code(&e, "UnauthorizedOperation");
	t_inteq(terminate_refused(&t, &e, 0), -1, "any other refusal is an error");
	t_ok(strcmp(t.prev, "error") == 0 && strcmp(t.cur, "UnauthorizedOperation") == 0, "naming EC2's code");
	t_inteq(terminate_refused(&t, &e, 1), -1, "fresh or not");
	err_set(&e, ERR_PERMANENT, "no code");
	t_inteq(terminate_refused(&t, &e, 0), -1, "a refusal without a code");
	t_streq(t.cur, "-", "is '-'");
}

/* AWS: "starting with a couple of seconds ... up to five minutes". */
static void
test_fresh_wait(void)
{
	long left = TERMINATE_FRESH_BUDGET_MS, w, sum = 0;
	int round = 0;

	t_inteq(terminate_fresh_wait_ms(0, left), TERMINATE_FRESH_FIRST_MS, "the first wait is 2 s");
	t_inteq(terminate_fresh_wait_ms(1, left), 2 * TERMINATE_FRESH_FIRST_MS, "then doubles");
	t_inteq(terminate_fresh_wait_ms(3, left), 8 * TERMINATE_FRESH_FIRST_MS, "and doubles");
	t_inteq(terminate_fresh_wait_ms(0, 500), 500, "cut to what is left");
	t_inteq(terminate_fresh_wait_ms(60, 1000000), 1000000, "a late round cannot overflow");
	t_inteq(terminate_fresh_wait_ms(0, 0), -1, "nothing left: no more waits");
	t_inteq(terminate_fresh_wait_ms(0, -5), -1, "less than nothing neither");
	while ((w = terminate_fresh_wait_ms(round++, left)) > 0) {
		sum += w;
		left -= w;
	}
	t_inteq(sum, TERMINATE_FRESH_BUDGET_MS, "the waits add up to the budget exactly");
	t_inteq(round, 9, "in 8 waits: 2 4 8 16 32 64 128 s and the 46 s left");
}

int
main(void)
{
	test_query();
	test_parse();
	test_refused();
	test_fresh_wait();
	return t_done();
}

/* instances: DescribeInstances bodies (the same bytes ec2-list and the pool
 * guard sent before they moved here), the rows and token read from each
 * page, the launch-time bound and the page cap. */
#include <stdio.h>
#include <string.h>

#include "instances.h"
#include "t.h"

static void
test_states(void)
{
	static const char *const good[] = { "running", "pending,running",
		"pending,running,shutting-down,terminated,stopping,stopped", NULL };
	static const char *const bad[] = { "", "running,", ",running", "flying", "running,,stopped", "Running",
		"runnin", "running ", NULL };
	int i;

	for (i = 0; good[i]; i++)
		t_ok(instances_valid_states(good[i]), "states '%s'", good[i]);
	for (i = 0; bad[i]; i++)
		t_ok(!instances_valid_states(bad[i]), "states '%s' refused", bad[i]);
}

static void
test_query(void)
{
	static char *const ids[] = { "i-0123456789abcdef0", "i-01234567" };
	struct instances_filter f = { "ci1", NULL, NULL, NULL, 0, 0 };
	struct buf b = BUF_INIT;
	struct err e;

	t_inteq(instances_query(&b, &f, NULL, &e), 0, "by pool");
	t_streq(b.p, "Action=DescribeInstances&Version=2016-11-15&MaxResults=1000"
	    "&Filter.1.Name=tag%3Aec2-runner-pool%3Apool&Filter.1.Value.1=ci1", "the pool's tag filter");
	buf_free(&b);
	f.run_id = "42-1";
	f.states = "pending,running";
	t_inteq(instances_query(&b, &f, "tok/2+=", &e), 0, "by pool, run id and states, a later page");
	t_streq(b.p, "Action=DescribeInstances&Version=2016-11-15&MaxResults=1000"
	    "&Filter.1.Name=tag%3Aec2-runner-pool%3Apool&Filter.1.Value.1=ci1"
	    "&Filter.2.Name=tag%3Aec2-runner-pool%3Arun-id&Filter.2.Value.1=42-1"
	    "&Filter.3.Name=instance-state-name&Filter.3.Value.1=pending&Filter.3.Value.2=running"
	    "&NextToken=tok%2F2%2B%3D", "filters numbered in order, the token encoded");
	buf_free(&b);
	f.run_id = NULL;
	f.states = "";
	t_inteq(instances_query(&b, &f, "", &e), 0, "empty states and token: none sent");
	t_ok(strstr(b.p, "Filter.2") == NULL && strstr(b.p, "NextToken") == NULL, "no state filter, no token");
	buf_free(&b);

	f.pool = NULL;
	f.ids = ids;
	f.nids = 2;
	t_inteq(instances_query(&b, &f, NULL, &e), 0, "by ids");
	t_streq(b.p, "Action=DescribeInstances&Version=2016-11-15&MaxResults=1000"
	    "&Filter.1.Name=instance-id&Filter.1.Value.1=i-0123456789abcdef0&Filter.1.Value.2=i-01234567",
	    "the pool guard's look-up");
	buf_free(&b);
}

static void
test_query_refused(void)
{
	static char *const bad_id[] = { "i-0123456789abcdef0", "i-1" };
	static char *many[INSTANCES_MAX_IDS + 1];
	struct instances_filter f;
	struct buf b = BUF_INIT;
	struct err e;
	int i;

	for (i = 0; i <= INSTANCES_MAX_IDS; i++)
		many[i] = "i-01234567";
	memset(&f, 0, sizeof(f));
	f.pool = "ab";
	t_ok(instances_query(&b, &f, NULL, &e) == -1 && e.cls == ERR_INPUT && b.len == 0, "short pool refused");
	f.pool = "ci1";
	f.run_id = "a b";
	t_ok(instances_query(&b, &f, NULL, &e) == -1 && strstr(e.msg, "run id"), "bad run id refused");
	f.run_id = NULL;
	f.states = "running,";
	t_ok(instances_query(&b, &f, NULL, &e) == -1 && strstr(e.msg, "states"), "bad states refused");
	f.states = NULL;
	f.ids = bad_id;
	f.nids = 2;
	t_ok(instances_query(&b, &f, NULL, &e) == -1 && strstr(e.msg, "instance id"), "a bad id among good refused");
	f.ids = many;
	f.nids = 0;
	t_ok(instances_query(&b, &f, NULL, &e) == -1, "no ids refused");
	f.nids = INSTANCES_MAX_IDS + 1;
	t_ok(instances_query(&b, &f, NULL, &e) == -1 && b.len == 0, "%d ids refused, nothing written",
	    INSTANCES_MAX_IDS + 1);
	f.nids = INSTANCES_MAX_IDS;
	t_inteq(instances_query(&b, &f, NULL, &e), 0, "%d ids taken", INSTANCES_MAX_IDS);
	buf_free(&b);
}

#define PAGE1                                                                                            \
	"<DescribeInstancesResponse xmlns=\"http://ec2.amazonaws.com/doc/2016-11-15/\"><requestId>r</requestId>" \
	"<reservationSet><item><instancesSet>"                                                               \
	"<item><instanceId>i-0123456789abcdef0</instanceId><instanceState><code>16</code><name>running</name>" \
	"</instanceState><instanceType>m6i.large</instanceType><launchTime>2024-05-01T10:00:00.000Z</launchTime>" \
	"<tagSet><item><key>ec2-runner-pool:pool</key><value>ci1</value></item>"                            \
	"<item><key>ec2-runner-pool:run-id</key><value>7</value></item>"                                    \
	"<item><key>ec2-runner-pool:run-id</key><value>second</value></item></tagSet></item>"               \
	"<item><instanceId>i-01234567</instanceId><instanceState><name>pending</name></instanceState>"       \
	"<instanceType>c7g.xlarge</instanceType><launchTime>yesterday</launchTime></item>"                   \
	"</instancesSet></item><item><instancesSet>"                                                         \
	"<item><instanceId>i-0123456789abcdef1</instanceId><instanceState><name>stopped</name></instanceState>" \
	"<launchTime>2024-05-01T11:00:00Z</launchTime><tagSet><item><key>ec2-runner-pool:run-id</key>"       \
	"<value>a\tb</value></item></tagSet></item>"                                                         \
	"</instancesSet></item></reservationSet><nextToken>page2</nextToken></DescribeInstancesResponse>"

static void
test_pages(void)
{
	struct instances_filter f = { "ci1", NULL, NULL, NULL, 0, 0 };
	struct instances_list l = INSTANCES_LIST_INIT;
	struct xml *x = t_xml(PAGE1), *y;
	struct err e;
	char big[600];

	t_ok(x != NULL, "page parsed");
	t_inteq(instances_add_page(&l, x, &f, &e), 0, "page read");
	t_inteq(l.n, 3, "three instances over two reservations");
	t_streq(l.row[0].id, "i-0123456789abcdef0", "id");
	t_streq(l.row[0].state, "running", "state");
	t_streq(l.row[0].type, "m6i.large", "type");
	t_streq(l.row[0].run_id, "7", "run id: the first tag with the key");
	t_streq(l.row[0].pool, "ci1", "pool tag");
	t_inteq(l.row[0].launched, 1714557600, "launch time in epoch seconds");
	t_inteq(l.row[1].launched, 0, "an undated instance is kept, at 0, when no bound is asked");
	t_streq(l.row[1].run_id, "", "no tag: empty");
	t_streq(l.row[2].type, "", "no type: empty");
	t_streq(l.row[2].run_id, "a\tb", "values kept as sent (the tool decides how to print them)");
	t_streq(l.next.p, "page2", "next token");
	t_inteq(l.pages, 1, "one page");

	/* The second page: appended; no token ends it. */
	snprintf(big, sizeof(big), "<DescribeInstancesResponse><reservationSet><item><instancesSet><item>"
	    "<instanceId>i-0123456789abcdef2</instanceId><tagSet><item><key>ec2-runner-pool:pool</key>"
	    "<value>%0300d</value></item></tagSet></item></instancesSet></item></reservationSet>"
	    "</DescribeInstancesResponse>", 0);
	y = t_xml(big);
	t_inteq(instances_add_page(&l, y, &f, &e), 0, "second page read");
	t_inteq(l.n, 4, "its instance appended");
	t_streq(l.row[3].id, "i-0123456789abcdef2", "after the first page's");
	t_streq(l.row[3].pool, "", "a value longer than any EC2 value is kept as empty, never cut");
	t_ok(l.next.len == 0 && l.next.p && l.next.p[0] == '\0', "no token: the last page");
	xml_free(y);
	instances_free(&l);
	instances_free(&l);
	instances_free(NULL);

	/* The launch-time bound: undated and later ones left out. */
	f.before = 1714557600 + 1;
	t_inteq(instances_add_page(&l, x, &f, &e), 0, "page read with a bound");
	t_inteq(l.n, 1, "only the one launched before");
	t_streq(l.row[0].id, "i-0123456789abcdef0", "the one at 10:00");
	instances_free(&l);
	f.before = 1714557600;
	t_inteq(instances_add_page(&l, x, &f, &e), 0, "bound at its launch second");
	t_inteq(l.n, 0, "launched at the bound is not before it");
	instances_free(&l);
	xml_free(x);
}

static void
test_page_cap(void)
{
	struct instances_filter f = { "ci1", NULL, NULL, NULL, 0, 0 };
	struct instances_list l = INSTANCES_LIST_INIT;
	struct xml *more = t_xml("<DescribeInstancesResponse><reservationSet/><nextToken>again</nextToken>"
	    "</DescribeInstancesResponse>");
	struct xml *last = t_xml("<DescribeInstancesResponse><reservationSet/></DescribeInstancesResponse>");
	struct err e;
	int i, r = 0;

	for (i = 1; i < INSTANCES_MAX_PAGES && r == 0; i++)
		r = instances_add_page(&l, more, &f, &e);
	t_inteq(r, 0, "%d pages that name another are read", INSTANCES_MAX_PAGES - 1);
	t_inteq(instances_add_page(&l, last, &f, &e), 0, "a last page at %d is fine", INSTANCES_MAX_PAGES);
	instances_free(&l);
	for (i = 1, r = 0; i <= INSTANCES_MAX_PAGES && r == 0; i++)
		r = instances_add_page(&l, more, &f, &e);
	t_ok(r == -1 && i == INSTANCES_MAX_PAGES + 1, "the %dth that still names another fails", INSTANCES_MAX_PAGES);
	t_ok(e.cls == ERR_PERMANENT && strstr(e.msg, "pages") != NULL, "as a broken service: %s", e.msg);
	instances_free(&l);
	xml_free(more);
	xml_free(last);
}

int
main(void)
{
	test_states();
	test_query();
	test_query_refused();
	test_pages();
	test_page_cap();
	return t_done();
}

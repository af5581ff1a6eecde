/* runidx: the run index's UpdateItem and the lines of its item. */
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "runidx.h"
#include "t.h"

static void
body_is(char **ids, size_t n, const char *want, const char *name)
{
	cJSON *b = runidx_add_body("ci", "42-2", ids, n, 1000, 90000);
	char *s = cJSON_PrintUnformatted(b);

	t_streq(s, want, "%s", name);
	free(s);
	cJSON_Delete(b);
}

static void
lines_are(const char *item, int n, const char *want, const char *name)
{
	cJSON *it = cJSON_Parse(item);
	struct buf out = BUF_INIT;

	t_inteq(runidx_lines(it, &out), n, "%s: count", name);
	t_streq(out.p ? out.p : "", want, "%s: lines", name);
	buf_free(&out);
	cJSON_Delete(it);
}

int
main(void)
{
	char *ids[] = { "i-0123456789abcdef0", "i-01234567", "i-0123456789abcdef0" };
	struct buf pk = BUF_INIT;

	t_inteq(runidx_pk(&pk, "42-2"), 0, "the key");
	t_streq(pk.p, "run#42-2", "run# and the run id");
	buf_free(&pk);

	body_is(ids, 2,
	    "{\"TableName\":\"ci\",\"Key\":{\"pk\":{\"S\":\"run#42-2\"}},\"UpdateExpression\":"
	    "\"SET #ttl = :ttl, #up = :now ADD #ids :ids\",\"ExpressionAttributeNames\":{\"#ttl\":\"ttl\","
	    "\"#up\":\"updatedAt\",\"#ids\":\"ids\"},\"ExpressionAttributeValues\":{\":ttl\":{\"N\":\"90000\"},"
	    "\":now\":{\"N\":\"1000\"},\":ids\":{\"SS\":[\"i-0123456789abcdef0\",\"i-01234567\"]}}}",
	    "two ids: ADD to the set, the ttl and updatedAt set");
	body_is(ids, 3,
	    "{\"TableName\":\"ci\",\"Key\":{\"pk\":{\"S\":\"run#42-2\"}},\"UpdateExpression\":"
	    "\"SET #ttl = :ttl, #up = :now ADD #ids :ids\",\"ExpressionAttributeNames\":{\"#ttl\":\"ttl\","
	    "\"#up\":\"updatedAt\",\"#ids\":\"ids\"},\"ExpressionAttributeValues\":{\":ttl\":{\"N\":\"90000\"},"
	    "\":now\":{\"N\":\"1000\"},\":ids\":{\"SS\":[\"i-0123456789abcdef0\",\"i-01234567\"]}}}",
	    "an id given twice is sent once (DynamoDB refuses a set with duplicates)");
	body_is(ids, 0,
	    "{\"TableName\":\"ci\",\"Key\":{\"pk\":{\"S\":\"run#42-2\"}},\"UpdateExpression\":"
	    "\"SET #ttl = :ttl, #up = :now\",\"ExpressionAttributeNames\":{\"#ttl\":\"ttl\",\"#up\":\"updatedAt\"},"
	    "\"ExpressionAttributeValues\":{\":ttl\":{\"N\":\"90000\"},\":now\":{\"N\":\"1000\"}}}",
	    "no id: the item without a set (an empty set is refused)");

	lines_are("{\"pk\":{\"S\":\"run#42\"},\"ids\":{\"SS\":[\"i-01234567\",\"i-0123456789abcdef0\"]},"
		  "\"ttl\":{\"N\":\"9\"}}",
	    2, "42\ti-01234567\n42\ti-0123456789abcdef0\n", "an item with two ids");
	lines_are("{\"pk\":{\"S\":\"run#42\"},\"ttl\":{\"N\":\"9\"}}", 0, "", "an item without ids: a run that holds none");
	lines_are("{\"pk\":{\"S\":\"run#42\"},\"ids\":{\"SS\":[\"i-01234567\",\"x\\tI\",\"i-0123456789ABCDEF0\"]}}", 1,
	    "42\ti-01234567\n", "what is not an instance id is left out");
	lines_are("{\"pk\":{\"S\":\"run#42\"},\"ids\":{\"S\":\"i-01234567\"}}", 0, "", "ids not a set: nothing");
	lines_are("{\"pk\":{\"S\":\"i#i-01234567\"},\"state\":{\"S\":\"running\"}}", -1, "", "an instance record is no run item");
	lines_are("{\"pk\":{\"S\":\"run#a\\tb\"},\"ids\":{\"SS\":[\"i-01234567\"]}}", -1, "", "a malformed run id");
	lines_are("{\"ids\":{\"SS\":[\"i-01234567\"]}}", -1, "", "no key");
	return t_done();
}

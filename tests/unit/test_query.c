/* AWS Query-protocol request bodies. */
#include <string.h>

#include "query.h"
#include "t.h"

static void
test_add(void)
{
	struct buf b = BUF_INIT;
	char longname[300];

	t_ok(query_add(&b, "Action", "DescribeInstances") == 0, "first pair");
	t_streq(b.p, "Action=DescribeInstances", "no '&' before the first pair");
	query_add(&b, "Version", "2016-11-15");
	t_streq(b.p, "Action=DescribeInstances&Version=2016-11-15", "'&' between pairs");
	buf_reset(&b);
	query_add(&b, "Filter.1.Value.1", "a b+c&d=e/f~g_h.i-j%");
	t_streq(b.p, "Filter.1.Value.1=a%20b%2Bc%26d%3De%2Ff~g_h.i-j%25",
	    "reserved characters encoded, unreserved kept, space is %%20");
	buf_reset(&b);
	query_add(&b, "Tag.1.Value", "caf\xc3\xa9");
	t_streq(b.p, "Tag.1.Value=caf%C3%A9", "UTF-8 bytes, upper-case hex");
	buf_reset(&b);
	query_add(&b, "UserData", "");
	query_add(&b, "a=b", "c");
	t_streq(b.p, "UserData=&a%3Db=c", "empty value; '=' in a name encoded");
	t_ok(query_add(&b, "", "x") == -1 && query_add(&b, NULL, "x") == -1 && query_add(&b, "x", NULL) == -1,
	    "empty or NULL name, NULL value refused");
	t_streq(b.p, "UserData=&a%3Db=c", "refusals append nothing");
	buf_reset(&b);
	t_ok(query_addf(&b, "i-0123456789abcdef0", "InstanceId.%d", 1) == 0 &&
	    query_addf(&b, "i-01234567", "InstanceId.%d", 2) == 0, "indexed names");
	t_streq(b.p, "InstanceId.1=i-0123456789abcdef0&InstanceId.2=i-01234567", "indexed body");
	memset(longname, 'n', sizeof(longname) - 1);
	longname[sizeof(longname) - 1] = '\0';
	t_ok(query_addf(&b, "v", "%s", longname) == -1, "a name past 255 bytes refused, not truncated");
	longname[255] = '\0';
	t_ok(query_addf(&b, "v", "%s", longname) == 0, "a name of 255 bytes taken");
	buf_free(&b);
}

int
main(void)
{
	test_add();
	return t_done();
}

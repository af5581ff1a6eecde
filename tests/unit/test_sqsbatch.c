/* sqsbatch: which entries of an SQS batch answer went through. */
#include <string.h>

#include <cjson/cJSON.h>

#include "sqsbatch.h"
#include "t.h"

int
main(void)
{
	cJSON *r = cJSON_Parse("{\"Successful\":[{\"Id\":\"m0\",\"MessageId\":\"abc-1\",\"MD5OfMessageBody\":\"x\"},"
	    "{\"Id\":\"m2\"}],"
	    "\"Failed\":[{\"Id\":\"m1\",\"SenderFault\":true,\"Code\":\"InvalidMessageContents\",\"Message\":\"bad\\nbody\"},"
	    "{\"Id\":\"m3\",\"SenderFault\":false,\"Code\":\"InternalError\"},{\"Id\":\"m4\"}]}");
	const char *mid = "unset";
	struct err e;

	t_ok(r != NULL, "test answer parses");
	t_inteq(sqsbatch_result(r, "m0", &mid, &e), 0, "successful entry");
	t_streq(mid, "abc-1", "its message id");
	t_inteq(sqsbatch_result(r, "m2", &mid, &e), 0, "successful entry without a message id (delete)");
	t_streq(mid, "", "empty message id");
	t_inteq(sqsbatch_result(r, "m0", NULL, &e), 0, "message_id may be NULL");

	memset(&e, 0, sizeof(e));
	t_inteq(sqsbatch_result(r, "m1", &mid, &e), 1, "failed entry");
	t_inteq(e.cls, ERR_PERMANENT, "sender fault: permanent");
	t_streq(e.code, "InvalidMessageContents", "its code");
	t_ok(strstr(e.msg, "m1") && strstr(e.msg, "InvalidMessageContents") && !strchr(e.msg, '\n'),
	    "message names the entry and the code, on one line: %s", e.msg);
	t_streq(mid, "", "no message id for a failed entry");
	t_inteq(sqsbatch_result(r, "m3", NULL, &e), 1, "server-side failure");
	t_inteq(e.cls, ERR_TEMPORARY, "not a sender fault: temporary");
	t_inteq(sqsbatch_result(r, "m4", NULL, &e), 1, "failed entry without details");
	t_inteq(e.cls, ERR_TEMPORARY, "SenderFault missing: temporary");
	t_streq(e.code, "", "no code");

	t_inteq(sqsbatch_result(r, "m9", NULL, &e), 1, "entry not in the answer: failed");
	t_inteq(e.cls, ERR_PERMANENT, "and permanent");
	t_inteq(sqsbatch_result(r, "m", NULL, &e), 1, "ids match whole, not by prefix");
	t_inteq(sqsbatch_result(NULL, "m0", NULL, &e), 1, "no answer: failed");
	cJSON_Delete(r);

	r = cJSON_Parse("{\"Successful\":{\"Id\":\"m0\"},\"Failed\":\"m0\"}");
	t_inteq(sqsbatch_result(r, "m0", NULL, &e), 1, "malformed lists: not a success");
	cJSON_Delete(r);
	return t_done();
}

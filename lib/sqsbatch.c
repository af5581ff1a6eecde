#include <string.h>

#include "sqsbatch.h"

/* The entry of list whose "Id" is id, or NULL. */
static const cJSON *
find(const cJSON *list, const char *id)
{
	const cJSON *en;

	cJSON_ArrayForEach(en, list) {
		const cJSON *v = cJSON_GetObjectItemCaseSensitive(en, "Id");

		if (cJSON_IsString(v) && strcmp(v->valuestring, id) == 0)
			return en;
	}
	return NULL;
}

int
sqsbatch_result(const cJSON *resp, const char *id, const char **message_id, struct err *e)
{
	const cJSON *ok, *bad, *code, *msg, *fault;

	if (message_id)
		*message_id = "";
	ok = find(cJSON_GetObjectItemCaseSensitive(resp, "Successful"), id);
	if (ok) {
		const cJSON *mid = cJSON_GetObjectItemCaseSensitive(ok, "MessageId");

		if (message_id && cJSON_IsString(mid))
			*message_id = mid->valuestring;
		return 0;
	}
	bad = find(cJSON_GetObjectItemCaseSensitive(resp, "Failed"), id);
	if (bad == NULL) {
		err_set(e, ERR_PERMANENT, "entry %.40s: not in SQS's answer", id);
		return 1;
	}
	code = cJSON_GetObjectItemCaseSensitive(bad, "Code");
	msg = cJSON_GetObjectItemCaseSensitive(bad, "Message");
	fault = cJSON_GetObjectItemCaseSensitive(bad, "SenderFault");
	err_set(e, cJSON_IsTrue(fault) ? ERR_PERMANENT : ERR_TEMPORARY, "entry %.40s: %.64s: %.200s", id,
	    cJSON_IsString(code) ? code->valuestring : "no code", cJSON_IsString(msg) ? msg->valuestring : "no message");
	err_code(e, cJSON_IsString(code) ? code->valuestring : "");
	return 1;
}

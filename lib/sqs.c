#include <stdio.h>

#include "sqs.h"

int
sqs_call(struct aws *a, const char *op, const cJSON *body, cJSON **out, struct err *e)
{
	char target[64];

	snprintf(target, sizeof(target), "AmazonSQS.%s", op);
	return aws_json_doc(a, target, body, out, e);
}

int
sqs_queue_name(struct buf *out, const char *pool, const char *rclass)
{
	buf_reset(out);
	return buf_addf(out, "%s-%s", pool, rclass);
}

int
sqs_queue_url(struct aws *a, const char *pool, const char *rclass, struct buf *url, struct err *e)
{
	struct buf name = BUF_INIT;
	cJSON *b = cJSON_CreateObject(), *resp = NULL;
	const cJSON *u;
	int r = -1;

	if (b == NULL || sqs_queue_name(&name, pool, rclass) ||
	    !cJSON_AddStringToObject(b, "QueueName", name.p)) {
		err_set(e, ERR_LOCAL, "out of memory");
		goto done;
	}
	if (sqs_call(a, "GetQueueUrl", b, &resp, e))
		goto done;
	u = cJSON_GetObjectItem(resp, "QueueUrl");
	if (!cJSON_IsString(u)) {
		err_set(e, ERR_PERMANENT, "GetQueueUrl answered without a QueueUrl");
		goto done;
	}
	buf_reset(url);
	r = buf_adds(url, u->valuestring);
done:
	cJSON_Delete(b);
	cJSON_Delete(resp);
	buf_free(&name);
	return r;
}

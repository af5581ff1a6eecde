#include <stdio.h>
#include <string.h>

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
sqs_queue_op(struct aws *a, const char *op, const char *pool, const char *rclass, cJSON *attrs, struct buf *url,
    struct err *e)
{
	struct buf name = BUF_INIT;
	cJSON *b = cJSON_CreateObject(), *resp = NULL;
	const cJSON *u;
	int r = -1;

	if (b == NULL || sqs_queue_name(&name, pool, rclass) || !cJSON_AddStringToObject(b, "QueueName", name.p) ||
	    (attrs && !cJSON_AddItemToObject(b, "Attributes", attrs))) {
		cJSON_Delete(attrs); /* not added: still ours */
		err_nomem(e);
		goto done;
	}
	if (sqs_call(a, op, b, &resp, e))
		goto done;
	u = cJSON_GetObjectItem(resp, "QueueUrl");
	if (!cJSON_IsString(u)) {
		err_set(e, ERR_PERMANENT, "%s answered without a QueueUrl", op);
		goto done;
	}
	buf_reset(url);
	if (buf_adds(url, u->valuestring)) {
		err_nomem(e);
		goto done;
	}
	r = 0;
done:
	cJSON_Delete(b);
	cJSON_Delete(resp);
	buf_free(&name);
	return r;
}

int
sqs_queue_url(struct aws *a, const char *pool, const char *rclass, struct buf *url, struct err *e)
{
	return sqs_queue_op(a, "GetQueueUrl", pool, rclass, NULL, url, e);
}

int
sqs_no_queue(const struct err *e)
{
	return strcmp(e->code, "AWS.SimpleQueueService.NonExistentQueue") == 0 ||
	    strcmp(e->code, "QueueDoesNotExist") == 0;
}

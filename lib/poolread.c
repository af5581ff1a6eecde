#include <string.h>

#include "ddb.h"
#include "item.h"
#include "names.h"
#include "poolread.h"
#include "sqs.h"
#include "state.h"

/* The table's items pool-status needs: live instance records, the
 * heartbeats, and the signals that say an instance cannot serve (not the
 * other signals, not the parameters and tokens). */
static int
scan(struct aws *a, const char *pool, cJSON **items, struct err *e)
{
	cJSON *names = cJSON_CreateObject(), *vals = cJSON_CreateObject();
	struct buf inst = BUF_INIT, hb = BUF_INIT, sig = BUF_INIT;
	int r = -1;

	/* The key prefixes are the model's (state_pk with no name). */
	if (names == NULL || vals == NULL || !cJSON_AddStringToObject(names, "#st", "state") ||
	    !cJSON_AddStringToObject(names, "#sg", "signal") || state_pk(&inst, KIND_INSTANCE, "") ||
	    state_pk(&hb, KIND_HEARTBEAT, "") || state_pk(&sig, KIND_SIGNAL, "") || item_add_s(vals, ":i", inst.p) ||
	    item_add_s(vals, ":hb", hb.p) || item_add_s(vals, ":sig", sig.p) || item_add_s(vals, ":term", "terminated") ||
	    item_add_s(vals, ":rx", "runner-exited") || item_add_s(vals, ":spot", "spot-interrupted") ||
	    item_add_s(vals, ":rd", "repool-denied") || item_add_s(vals, ":td", "terminate-denied")) {
		err_set(e, ERR_LOCAL, "out of memory");
		goto done;
	}
	r = ddb_scan(a, pool, "(begins_with(pk, :i) AND #st <> :term) OR begins_with(pk, :hb) OR "
	    "(begins_with(pk, :sig) AND #sg IN (:rx, :spot, :rd, :td))", names, vals, items, e);
done:
	buf_free(&inst);
	buf_free(&hb);
	buf_free(&sig);
	cJSON_Delete(names);
	cJSON_Delete(vals);
	return r;
}

/* The queue's message count into *n; 1 when there is no such queue. */
static int
count(struct aws *a, const char *pool, const char *rclass, long long *n, struct err *e)
{
	struct buf url = BUF_INIT;
	cJSON *b = NULL, *names, *resp = NULL;
	int r = -1;

	if (sqs_queue_url(a, pool, rclass, &url, e)) {
		if (sqs_no_queue(e))
			r = 1;
		goto done;
	}
	b = cJSON_CreateObject();
	names = cJSON_AddArrayToObject(b, "AttributeNames");
	if (names == NULL || !cJSON_AddStringToObject(b, "QueueUrl", url.p)) {
		err_set(e, ERR_LOCAL, "out of memory");
		goto done;
	}
	cJSON_AddItemToArray(names, cJSON_CreateString("ApproximateNumberOfMessages"));
	if (sqs_call(a, "GetQueueAttributes", b, &resp, e)) {
		if (sqs_no_queue(e))
			r = 1; /* deleted between the two calls */
		goto done;
	}
	if (poolstatus_queue_count(resp, n)) {
		err_set(e, ERR_PERMANENT, "GetQueueAttributes of %s-%s answered without a message count", pool, rclass);
		goto done;
	}
	r = 0;
done:
	cJSON_Delete(b);
	cJSON_Delete(resp);
	buf_free(&url);
	return r;
}

int
poolread_status(struct aws *a, const char *pool, const char *const *classes, size_t nclasses,
    long long now, struct poolstatus *ps, struct err *e)
{
	cJSON *items = NULL;
	size_t i;
	int sqs = 0;

	if (scan(a, pool, &items, e))
		goto fail;
	if (poolstatus_build(ps, items, classes, nclasses, now)) {
		err_set(e, ERR_LOCAL, "out of memory");
		goto fail;
	}
	cJSON_Delete(items);
	items = NULL;
	for (i = 0; i < ps->ncls; i++) {
		long long n;
		int r;

		if (!names_class(ps->cls[i].name))
			continue; /* records without a class: no queue to count */
		if (!sqs && aws_service(a, "sqs", e))
			goto fail;
		sqs = 1;
		if ((r = count(a, pool, ps->cls[i].name, &n, e)) < 0)
			goto fail;
		if (r == 0)
			poolstatus_set_queued(ps, ps->cls[i].name, n);
	}
	return 0;
fail:
	cJSON_Delete(items);
	poolstatus_free(ps);
	return -1;
}

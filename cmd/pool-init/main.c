/* pool-init: ensure one queue per resource class, with the pool's settings. */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "ec2api.h"
#include "names.h"
#include "sqs.h"
#include "tools.h"
#include "whoami.h"

/* The tag that names an instance's wake queue's owner (its ARN). */
#define TAG_INSTANCE "ec2-runner-pool:instance"

static const char help[] =
    "usage: pool-init [--pool NAME] [--json] CLASS...\n"
    "Ensures the pool's SQS queue of each resource class: a standard queue named\n"
    "POOL-CLASS that keeps messages 14 days (the most SQS allows) and short-polls\n"
    "by default (pool-pop chooses its wait per call). Creates a missing queue,\n"
    "corrects the settings of an existing one, and leaves the rest alone.\n"
    "Tags each queue with its pool (ec2-runner-pool:pool), and a wake queue\n"
    "(class wake-ID) with its instance's ARN too (ec2-runner-pool:instance):\n"
    "the IAM policies let only that pool, and only that instance, use them.\n"
    "Prints class<TAB>queue-url<TAB>created|updated|unchanged, one class a line.\n"
    "Options:\n"
    "  --json                JSON Lines: {\"resourceClass\",\"queueUrl\",\"result\"}\n"
    "  --pool NAME           the pool (default EC2RP_POOL, else ec2-runner-pool)\n"
    "Exit codes:\n"
    "  0 every queue is there, 2 bad usage (nothing changed), 3 refused,\n"
    "  4 retries exhausted, 5 local failure. Classes before a failure are done\n"
    "  and printed.\n";

/* The settings every pool queue has; SQS takes attribute values as strings. */
static const char *const attrs[][2] = {
	{ "MessageRetentionPeriod", "1209600" },
	{ "ReceiveMessageWaitTimeSeconds", "0" },
};
#define NATTRS (sizeof(attrs) / sizeof(attrs[0]))

static int
has_code(const struct err *e, const char *a, const char *b)
{
	return strcmp(e->code, a) == 0 || strcmp(e->code, b) == 0;
}

static cJSON *
attributes(void)
{
	cJSON *o = cJSON_CreateObject();
	size_t i;

	for (i = 0; i < NATTRS; i++)
		cJSON_AddStringToObject(o, attrs[i][0], attrs[i][1]);
	return o;
}

/* The queue's tags: its pool; for wake-ID, the instance's ARN (from STS:
 * IAM compares it with ${ec2:SourceInstanceARN}). NULL with e set. */
static cJSON *
tags(struct aws *a, struct whoami *me, const char *pool, const char *rclass, struct err *e)
{
	cJSON *t = cJSON_CreateObject();
	struct buf arn = BUF_INIT;

	if (t == NULL || !cJSON_AddStringToObject(t, EC2_TAG_POOL, pool)) {
		cJSON_Delete(t);
		err_nomem(e);
		return NULL;
	}
	if (strncmp(rclass, "wake-", 5) != 0 || !names_instance_id(rclass + 5))
		return t;
	if (whoami(a, me, e) ||
	    buf_addf(&arn, "arn:%s:ec2:%s:%s:instance/%s", me->partition, a->region.p, me->account, rclass + 5) ||
	    !cJSON_AddStringToObject(t, TAG_INSTANCE, arn.p)) {
		if (arn.failed)
			err_nomem(e);
		cJSON_Delete(t);
		t = NULL;
	}
	buf_free(&arn);
	return t;
}

/* Creates the queue with the settings and tags in one call (no attribute
 * change after). 0 created, 1 it exists already with other settings (*url
 * not set), -1 error. */
static int
create(struct aws *a, const char *pool, const char *rclass, cJSON *tg, struct buf *url, struct err *e)
{
	struct buf name = BUF_INIT;
	cJSON *b = cJSON_CreateObject(), *resp = NULL;
	const cJSON *u;
	int r = -1;

	if (b == NULL || sqs_queue_name(&name, pool, rclass) || !cJSON_AddStringToObject(b, "QueueName", name.p) ||
	    !cJSON_AddItemToObject(b, "Attributes", attributes()) ||
	    !cJSON_AddItemReferenceToObject(b, "tags", tg)) {
		err_nomem(e);
		goto done;
	}
	if (sqs_call(a, "CreateQueue", b, &resp, e)) {
		/* Someone created it meanwhile, differently: correct it instead. */
		r = has_code(e, "QueueNameExists", "QueueAlreadyExists") ? 1 : -1;
		goto done;
	}
	u = cJSON_GetObjectItem(resp, "QueueUrl");
	if (!cJSON_IsString(u)) {
		err_set(e, ERR_PERMANENT, "CreateQueue answered without a QueueUrl");
		goto done;
	}
	buf_reset(url);
	r = buf_adds(url, u->valuestring) ? err_nomem(e) : 0;
done:
	cJSON_Delete(b);
	cJSON_Delete(resp);
	buf_free(&name);
	return r;
}

/* Tags an existing queue (a queue made before queues were tagged; the
 * same tags again change nothing). 0, or -1 with e set. */
static int
tag(struct aws *a, const char *url, cJSON *tg, struct err *e)
{
	cJSON *b = cJSON_CreateObject();
	int r;

	if (b == NULL || !cJSON_AddStringToObject(b, "QueueUrl", url) || !cJSON_AddItemReferenceToObject(b, "Tags", tg)) {
		cJSON_Delete(b);
		return err_nomem(e);
	}
	r = sqs_call(a, "TagQueue", b, NULL, e);
	cJSON_Delete(b);
	return r ? -1 : 0;
}

/* Sets the settings that differ. 0 unchanged, 1 updated, -1 error. */
static int
correct(struct aws *a, const char *url, struct err *e)
{
	cJSON *b = cJSON_CreateObject(), *names, *resp = NULL, *set = NULL;
	const cJSON *have;
	size_t i;
	int r = -1, differ = 0;

	cJSON_AddStringToObject(b, "QueueUrl", url);
	names = cJSON_AddArrayToObject(b, "AttributeNames");
	for (i = 0; i < NATTRS; i++)
		cJSON_AddItemToArray(names, cJSON_CreateString(attrs[i][0]));
	if (sqs_call(a, "GetQueueAttributes", b, &resp, e))
		goto done;
	have = cJSON_GetObjectItem(resp, "Attributes");
	for (i = 0; i < NATTRS; i++) {
		const cJSON *v = cJSON_GetObjectItem(have, attrs[i][0]);

		differ |= !cJSON_IsString(v) || strcmp(v->valuestring, attrs[i][1]) != 0;
	}
	r = 0;
	if (differ) {
		set = cJSON_CreateObject();
		cJSON_AddStringToObject(set, "QueueUrl", url);
		cJSON_AddItemToObject(set, "Attributes", attributes());
		r = sqs_call(a, "SetQueueAttributes", set, NULL, e) ? -1 : 1;
	}
done:
	cJSON_Delete(b);
	cJSON_Delete(resp);
	cJSON_Delete(set);
	return r;
}

static void
print(const char *rclass, const char *url, const char *result, int json)
{
	if (json) {
		cJSON *o = cJSON_CreateObject();

		cJSON_AddStringToObject(o, "resourceClass", rclass);
		cJSON_AddStringToObject(o, "queueUrl", url);
		cJSON_AddStringToObject(o, "result", result);
		cli_json_line(o);
	} else {
		printf("%s\t%s\t%s\n", rclass, url, result);
	}
	fflush(stdout);
}

int
pool_init_main(int argc, char **argv)
{
	static const struct option opts[] = { { "pool", required_argument, 0, 'p' }, { "json", no_argument, 0, 'j' },
		{ 0, 0, 0, 0 } };
	const char *pool_opt = NULL, *pool;
	struct buf url = BUF_INIT;
	struct whoami me = WHOAMI_INIT;
	cJSON *tg = NULL;
	struct aws a;
	struct err e;
	char what[80];
	int c, i, json = 0;

	if (cli_start("pool-init", argc, argv, help))
		return 0;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if (cli_option(c, argv, opts, &pool_opt, &json))
			return ERR_INPUT;
	}
	if (optind == argc)
		return cli_usage("expected at least one resource class");
	for (i = optind; i < argc; i++)
		if (!names_class(argv[i]))
			return cli_usage("invalid resource class '%.40s': use 1-32 of a-z 0-9 -", argv[i]);
	if ((pool = cli_pool(pool_opt)) == NULL)
		return ERR_INPUT;
	if (aws_init(&a, "sqs", &e))
		return cli_fail(&e, "set up SQS");
	for (i = optind; i < argc; i++) {
		const char *result = "created";

		cJSON_Delete(tg);
		if ((tg = tags(&a, &me, pool, argv[i], &e)) == NULL)
			goto fail;
		if (sqs_queue_url(&a, pool, argv[i], &url, &e)) {
			if (!sqs_no_queue(&e))
				goto fail;
			c = create(&a, pool, argv[i], tg, &url, &e);
			if (c < 0 || (c == 1 && sqs_queue_url(&a, pool, argv[i], &url, &e)))
				goto fail;
			if (c == 0) {
				print(argv[i], url.p, result, json);
				continue;
			}
		}
		if (tag(&a, url.p, tg, &e) || (c = correct(&a, url.p, &e)) < 0)
			goto fail;
		print(argv[i], url.p, c ? "updated" : "unchanged", json);
	}
	cJSON_Delete(tg);
	aws_free(&a);
	buf_free(&url);
	return 0;
fail:
	cJSON_Delete(tg);
	aws_free(&a);
	buf_free(&url);
	snprintf(what, sizeof(what), "ensure the queue of class %s", argv[i]);
	return cli_fail(&e, what);
}

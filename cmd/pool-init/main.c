/* pool-init: ensure one queue per resource class, with the pool's settings. */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "names.h"
#include "sqs.h"
#include "tools.h"

static const char help[] =
    "usage: pool-init [--pool NAME] [--json] CLASS...\n"
    "Ensures the pool's SQS queue of each resource class: a standard queue named\n"
    "POOL-CLASS that keeps messages 14 days (the most SQS allows) and short-polls\n"
    "by default (pool-pop chooses its wait per call). Creates a missing queue,\n"
    "corrects the settings of an existing one, and leaves the rest alone.\n"
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

/* Creates the queue with the settings. 0 created, 1 it exists already with
 * other settings (*url not set), -1 error. */
static int
create(struct aws *a, const char *pool, const char *rclass, struct buf *url, struct err *e)
{
	cJSON *at = attributes();

	if (at == NULL)
		return err_nomem(e);
	if (sqs_queue_op(a, "CreateQueue", pool, rclass, at, url, e) == 0)
		return 0;
	/* Someone created it meanwhile, differently: correct it instead. */
	return has_code(e, "QueueNameExists", "QueueAlreadyExists") ? 1 : -1;
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

		if (sqs_queue_url(&a, pool, argv[i], &url, &e)) {
			if (!sqs_no_queue(&e))
				goto fail;
			c = create(&a, pool, argv[i], &url, &e);
			if (c < 0 || (c == 1 && sqs_queue_url(&a, pool, argv[i], &url, &e)))
				goto fail;
			if (c == 0) {
				print(argv[i], url.p, result, json);
				continue;
			}
		}
		if ((c = correct(&a, url.p, &e)) < 0)
			goto fail;
		print(argv[i], url.p, c ? "updated" : "unchanged", json);
	}
	aws_free(&a);
	buf_free(&url);
	return 0;
fail:
	aws_free(&a);
	buf_free(&url);
	snprintf(what, sizeof(what), "ensure the queue of class %s", argv[i]);
	return cli_fail(&e, what);
}

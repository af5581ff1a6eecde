/* pool-init: ensure one queue per resource class. */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "names.h"
#include "sqs.h"

static const char help[] =
    "usage: pool-init [--pool NAME] CLASS...\n"
    "Ensures the pool's SQS queue of each resource class exists (named\n"
    "POOL-CLASS; 14 days retention). Prints 'class<TAB>queue-url<TAB>created|unchanged'.\n"
    "Exit: 0 done, 2 bad usage, 3 refused, 4 retries exhausted, 5 local failure.\n";

static int
missing_queue(const struct err *e)
{
	return strcmp(e->code, "AWS.SimpleQueueService.NonExistentQueue") == 0 ||
	    strcmp(e->code, "QueueDoesNotExist") == 0;
}

int
pool_init_main(int argc, char **argv)
{
	static const struct option opts[] = { { "pool", required_argument, 0, 'p' }, { 0, 0, 0, 0 } };
	const char *pool_opt = NULL, *pool;
	struct buf url = BUF_INIT, name = BUF_INIT;
	struct aws a;
	struct err e;
	int c, i;

	if (cli_start("pool-init", argc, argv, help))
		return 0;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if (c != 'p')
			return cli_usage("unknown option or missing value: %.40s", argv[optind - 1]);
		pool_opt = optarg;
	}
	if (optind == argc)
		return cli_usage("expected at least one resource class");
	for (i = optind; i < argc; i++)
		if (!names_class(argv[i]))
			return cli_usage("invalid resource class '%.40s': use 1-32 of a-z 0-9 -", argv[i]);
	if ((pool = names_pool_of(pool_opt)) == NULL)
		return cli_usage("invalid pool name: use 1-40 of A-Z a-z 0-9 _ -");
	if (aws_init(&a, "sqs", &e))
		return cli_fail(&e, "set up SQS");
	for (i = optind; i < argc; i++) {
		const char *result = "unchanged";

		if (sqs_queue_url(&a, pool, argv[i], &url, &e)) {
			cJSON *b, *resp = NULL;
			const cJSON *u;

			if (!missing_queue(&e))
				goto fail;
			sqs_queue_name(&name, pool, argv[i]);
			b = cJSON_CreateObject();
			cJSON_AddStringToObject(b, "QueueName", name.p);
			cJSON_AddStringToObject(cJSON_AddObjectToObject(b, "Attributes"), "MessageRetentionPeriod", "1209600");
			c = sqs_call(&a, "CreateQueue", b, &resp, &e);
			cJSON_Delete(b);
			if (c)
				goto fail;
			u = cJSON_GetObjectItem(resp, "QueueUrl");
			buf_reset(&url);
			buf_adds(&url, cJSON_IsString(u) ? u->valuestring : "?");
			cJSON_Delete(resp);
			result = "created";
		}
		printf("%s\t%s\t%s\n", argv[i], url.p, result);
	}
	aws_free(&a);
	buf_free(&url);
	buf_free(&name);
	return 0;
fail:
	aws_free(&a);
	return cli_fail(&e, "ensure the queue");
}

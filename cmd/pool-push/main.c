/* pool-push: put idle instances' messages into their class queue. */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "names.h"
#include "poolmsg.h"
#include "sqs.h"

static const char help[] =
    "usage: pool-push --resource-class CLASS [options] INSTANCE-ID...\n"
    "Sends one message per instance into the class's queue (SendMessageBatch,\n"
    "10 a call).\n"
    "  --instance-type T   the instances' type (used by pool-pop's filters)\n"
    "  --usage-class U     spot or on-demand\n"
    "  --delay SEC         invisible for SEC seconds first (0-900)\n"
    "  --pool NAME         the pool (default EC2RP_POOL, else ec2-runner-pool)\n"
    "Exit: 0 all sent, 2 bad usage, 3 refused (or some entries failed),\n"
    "4 retries exhausted, 5 local failure.\n";

int
pool_push_main(int argc, char **argv)
{
	static const struct option opts[] = { { "resource-class", required_argument, 0, 'c' },
		{ "instance-type", required_argument, 0, 't' }, { "usage-class", required_argument, 0, 'u' },
		{ "delay", required_argument, 0, 'd' }, { "pool", required_argument, 0, 'p' }, { 0, 0, 0, 0 } };
	const char *pool_opt = NULL, *pool, *rclass = NULL, *type = "", *usage = "";
	long long delay = 0;
	struct buf url = BUF_INIT, body = BUF_INIT;
	struct poolmsg m;
	struct aws a;
	struct err e;
	int c, i, j;

	if (cli_start("pool-push", argc, argv, help))
		return 0;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if (c == 'c')
			rclass = optarg;
		else if (c == 't')
			type = optarg;
		else if (c == 'u')
			usage = optarg;
		else if (c == 'd' && cli_int(optarg, 0, 900, &delay))
			return cli_usage("invalid --delay: seconds from 0 to 900");
		else if (c == 'p')
			pool_opt = optarg;
		else if (c == '?')
			return cli_usage("unknown option or missing value: %.40s", argv[optind - 1]);
	}
	if (rclass == NULL || !names_class(rclass))
		return cli_usage("--resource-class is required: 1-32 of a-z 0-9 -");
	if (strlen(type) > 32 || strspn(type, "abcdefghijklmnopqrstuvwxyz0123456789.-") != strlen(type))
		return cli_usage("invalid --instance-type");
	if (*usage && strcmp(usage, "spot") && strcmp(usage, "on-demand"))
		return cli_usage("invalid --usage-class: spot or on-demand");
	if (optind == argc)
		return cli_usage("expected at least one instance id");
	for (i = optind; i < argc; i++)
		if (!names_instance_id(argv[i]))
			return cli_usage("invalid instance id '%.40s'", argv[i]);
	if ((pool = names_pool_of(pool_opt)) == NULL)
		return cli_usage("invalid pool name: use 1-40 of A-Z a-z 0-9 _ -");
	if (aws_init(&a, "sqs", &e))
		return cli_fail(&e, "set up SQS");
	if (sqs_queue_url(&a, pool, rclass, &url, &e))
		goto fail;
	memset(&m, 0, sizeof(m));
	snprintf(m.type, sizeof(m.type), "%s", type);
	snprintf(m.usage, sizeof(m.usage), "%s", usage);
	snprintf(m.rclass, sizeof(m.rclass), "%s", rclass);
	for (i = optind; i < argc; i += 10) {
		cJSON *b = cJSON_CreateObject(), *entries, *resp = NULL, *failed;
		char idx[16];

		cJSON_AddStringToObject(b, "QueueUrl", url.p);
		entries = cJSON_AddArrayToObject(b, "Entries");
		for (j = i; j < argc && j < i + 10; j++) {
			cJSON *en = cJSON_CreateObject();

			snprintf(m.id, sizeof(m.id), "%s", argv[j]);
			buf_reset(&body);
			poolmsg_encode(&m, cli_now(), &body);
			snprintf(idx, sizeof(idx), "m%d", j - i);
			cJSON_AddStringToObject(en, "Id", idx);
			cJSON_AddStringToObject(en, "MessageBody", body.p);
			if (delay)
				cJSON_AddNumberToObject(en, "DelaySeconds", (double)delay);
			cJSON_AddItemToArray(entries, en);
		}
		c = sqs_call(&a, "SendMessageBatch", b, &resp, &e);
		cJSON_Delete(b);
		if (c)
			goto fail;
		failed = cJSON_GetObjectItem(resp, "Failed");
		if (cJSON_GetArraySize(failed) > 0) {
			const cJSON *f = cJSON_GetArrayItem(failed, 0);
			const cJSON *code = cJSON_GetObjectItem(f, "Code");

			err_set(&e, ERR_PERMANENT, "%d of the messages were refused (%s)", cJSON_GetArraySize(failed),
			    cJSON_IsString(code) ? code->valuestring : "?");
			cJSON_Delete(resp);
			goto fail;
		}
		cJSON_Delete(resp);
	}
	aws_free(&a);
	buf_free(&url);
	buf_free(&body);
	return 0;
fail:
	aws_free(&a);
	return cli_fail(&e, "push to the pool");
}

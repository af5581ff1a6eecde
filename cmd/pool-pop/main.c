/* pool-pop: take candidate instances out of a class queue. */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "log.h"
#include "names.h"
#include "poolmsg.h"
#include "sqs.h"

static const char help[] =
    "usage: pool-pop --resource-class CLASS [options]\n"
    "Receives messages from the class's queue (up to 10 at a time, never more than\n"
    "still needed), deletes what it\n"
    "takes, and prints the candidates one a line: id<TAB>type<TAB>usage-class.\n"
    "Messages that do not match the filters are put back with a delay;\n"
    "malformed ones are dropped with a log line. Stops when --max candidates are\n"
    "found, the queue is empty, or only already-seen instances come back.\n"
    "A candidate is only a candidate: claim it with state-cas idle claimed.\n"
    "  --max N               how many (1-100, default 1)\n"
    "  --usage-class U       only spot or only on-demand\n"
    "  --instance-types G    comma-separated globs, e.g. 'm5.*,c6i.large'\n"
    "  --requeue-delay SEC   delay for put-back messages (default 5)\n"
    "  --json                JSON Lines\n"
    "  --pool NAME           the pool (default EC2RP_POOL, else ec2-runner-pool)\n"
    "Exit: 0 found some, 1 none (queue empty), 2 bad usage, 3 refused,\n"
    "4 retries exhausted, 5 local failure.\n";

#define MAX_SEEN 1000

int
pool_pop_main(int argc, char **argv)
{
	static const struct option opts[] = { { "resource-class", required_argument, 0, 'c' },
		{ "max", required_argument, 0, 'n' }, { "usage-class", required_argument, 0, 'u' },
		{ "instance-types", required_argument, 0, 't' }, { "requeue-delay", required_argument, 0, 'd' },
		{ "json", no_argument, 0, 'j' }, { "pool", required_argument, 0, 'p' }, { 0, 0, 0, 0 } };
	const char *pool_opt = NULL, *pool, *rclass = NULL, *usage = "", *globs = "";
	long long max = 1, delay = 5;
	static char seen[MAX_SEEN][20];
	struct buf url = BUF_INIT;
	int c, i, found = 0, nseen = 0, json = 0, stop = 0;
	struct aws a;
	struct err e;

	if (cli_start("pool-pop", argc, argv, help))
		return 0;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if (c == 'c')
			rclass = optarg;
		else if (c == 'n' && cli_int(optarg, 1, 100, &max))
			return cli_usage("invalid --max: 1 to 100");
		else if (c == 'u')
			usage = optarg;
		else if (c == 't')
			globs = optarg;
		else if (c == 'd' && cli_int(optarg, 0, 900, &delay))
			return cli_usage("invalid --requeue-delay: seconds from 0 to 900");
		else if (c == 'j')
			json = 1;
		else if (c == 'p')
			pool_opt = optarg;
		else if (c == '?')
			return cli_usage("unknown option or missing value: %.40s", argv[optind - 1]);
	}
	if (optind != argc)
		return cli_usage("unexpected argument: %.40s", argv[optind]);
	if (rclass == NULL || !names_class(rclass))
		return cli_usage("--resource-class is required: 1-32 of a-z 0-9 -");
	if (*usage && strcmp(usage, "spot") && strcmp(usage, "on-demand"))
		return cli_usage("invalid --usage-class: spot or on-demand");
	if (*globs && !poolmsg_valid_globs(globs))
		return cli_usage("invalid --instance-types: comma-separated globs of a-z 0-9 . - * ?");
	if ((pool = names_pool_of(pool_opt)) == NULL)
		return cli_usage("invalid pool name: use 1-40 of A-Z a-z 0-9 _ -");
	if (aws_init(&a, "sqs", &e))
		return cli_fail(&e, "set up SQS");
	if (sqs_queue_url(&a, pool, rclass, &url, &e))
		goto fail;
	while (found < max && !stop) {
		cJSON *b = cJSON_CreateObject(), *resp = NULL, *msgs, *m, *del, *req;
		int fresh = 0, n = 0;

		cJSON_AddStringToObject(b, "QueueUrl", url.p);
		/* Take no more than still needed: under contention, a message held
		 * invisible by one caller is one the others cannot have. */
		cJSON_AddNumberToObject(b, "MaxNumberOfMessages", (double)(max - found < 10 ? max - found : 10));
		cJSON_AddNumberToObject(b, "WaitTimeSeconds", 0);
		cJSON_AddNumberToObject(b, "VisibilityTimeout", 30);
		c = sqs_call(&a, "ReceiveMessage", b, &resp, &e);
		cJSON_Delete(b);
		if (c)
			goto fail;
		msgs = cJSON_GetObjectItem(resp, "Messages");
		if (cJSON_GetArraySize(msgs) == 0) {
			cJSON_Delete(resp);
			break;
		}
		del = cJSON_CreateObject();
		cJSON_AddStringToObject(del, "QueueUrl", url.p);
		req = cJSON_CreateObject();
		cJSON_AddStringToObject(req, "QueueUrl", url.p);
		cJSON_ArrayForEach(m, msgs) {
			const cJSON *body = cJSON_GetObjectItem(m, "Body"), *rh = cJSON_GetObjectItem(m, "ReceiptHandle");
			struct poolmsg pm;
			cJSON *en;
			char idx[16];
			int dup = 0;

			if (!cJSON_IsString(rh))
				continue;
			snprintf(idx, sizeof(idx), "d%d", n++);
			en = cJSON_CreateObject();
			cJSON_AddStringToObject(en, "Id", idx);
			cJSON_AddStringToObject(en, "ReceiptHandle", rh->valuestring);
			cJSON_AddItemToArray(cJSON_GetObjectItem(del, "Entries") ? cJSON_GetObjectItem(del, "Entries")
			    : cJSON_AddArrayToObject(del, "Entries"), en);
			if (!cJSON_IsString(body) || poolmsg_parse(body->valuestring, &pm)) {
				log_msg(LOG_WARN, "dropped a malformed pool message");
				continue;
			}
			for (i = 0; i < nseen; i++)
				dup |= strcmp(seen[i], pm.id) == 0;
			if (dup)
				continue; /* at-least-once: a second copy of one we saw */
			fresh = 1;
			if (nseen < MAX_SEEN)
				snprintf(seen[nseen++], sizeof(seen[0]), "%s", pm.id);
			if (found < max && poolmsg_matches(&pm, usage, globs)) {
				if (json)
					printf("{\"instanceId\":\"%s\",\"instanceType\":\"%s\",\"usageClass\":\"%s\"}\n",
					    pm.id, pm.type, pm.usage);
				else
					printf("%s\t%s\t%s\n", pm.id, pm.type[0] ? pm.type : "-", pm.usage[0] ? pm.usage : "-");
				found++;
			} else {
				/* Not for us (or more than asked): back into the queue, later. */
				cJSON *entries = cJSON_GetObjectItem(req, "Entries"), *r2 = cJSON_CreateObject();

				if (entries == NULL)
					entries = cJSON_AddArrayToObject(req, "Entries");
				cJSON_AddStringToObject(r2, "Id", idx);
				cJSON_AddStringToObject(r2, "MessageBody", body->valuestring);
				cJSON_AddNumberToObject(r2, "DelaySeconds", (double)delay);
				cJSON_AddItemToArray(entries, r2);
			}
		}
		fflush(stdout);
		/* Requeue first, then delete: a crash in between duplicates, never loses. */
		c = 0;
		if (cJSON_GetObjectItem(req, "Entries"))
			c = sqs_call(&a, "SendMessageBatch", req, NULL, &e);
		if (c == 0 && cJSON_GetObjectItem(del, "Entries"))
			c = sqs_call(&a, "DeleteMessageBatch", del, NULL, &e);
		cJSON_Delete(req);
		cJSON_Delete(del);
		cJSON_Delete(resp);
		if (c)
			goto fail;
		stop = !fresh; /* only instances we already saw came back */
	}
	aws_free(&a);
	buf_free(&url);
	return found ? 0 : 1;
fail:
	aws_free(&a);
	return cli_fail(&e, "pop from the pool");
}

/* pool-wake: list or delete the pool's wake queues (POOL-wake-ID). */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "names.h"
#include "num.h"
#include "sqs.h"
#include "tools.h"
#include "wakeq.h"

static const char help[] =
    "usage: pool-wake [--pool NAME] [--page N] list\n"
    "       pool-wake [--pool NAME] delete INSTANCE-ID...\n"
    "The wake queues of the pool's instances, POOL-wake-ID: each agent makes its\n"
    "own, provision sends to it after a claim.\n"
    "  list     every page of ListQueues with the prefix POOL-wake-: prints\n"
    "           instance-id<TAB>queue-url for each queue named POOL-wake- and an\n"
    "           instance id (other names with that prefix are skipped)\n"
    "  delete   deletes each instance's wake queue: prints\n"
    "           instance-id<TAB>deleted|absent. It does not check that the\n"
    "           instance is gone: that is the caller's to prove (refresh does).\n"
    "           One GetQueueUrl: the other URLs are that answer's with the\n"
    "           name changed; a URL SQS refuses is asked for after all\n"
    "Options:\n"
    "  --page N      queue URLs asked for a page (1-1000, default 1000)\n"
    "  --pool NAME   the pool (default EC2RP_POOL, else ec2-runner-pool)\n"
    "Exit codes:\n"
    "  0 done, 2 bad usage (nothing changed), 3 refused, 4 retries exhausted,\n"
    "  5 local failure. What was done before a failure is printed.\n";

/* Pages at most: a million queues, against a NextToken that never ends. */
#define MAX_PAGES 1000

static int
list(struct aws *a, const char *pool, int page, struct err *e)
{
	cJSON *b = wakeq_list_body(pool, page, NULL), *resp = NULL;
	const cJSON *u;
	const char *next;
	char id[20];
	int n;

	for (n = 0;; n++) {
		if (b == NULL)
			return err_nomem(e);
		if (n == MAX_PAGES) {
			cJSON_Delete(b);
			err_set(e, ERR_TEMPORARY, "ListQueues gave more than %d pages", MAX_PAGES);
			return -1;
		}
		if (sqs_call(a, "ListQueues", b, &resp, e)) {
			cJSON_Delete(b);
			return -1;
		}
		cJSON_Delete(b);
		cJSON_ArrayForEach(u, cJSON_GetObjectItem(resp, "QueueUrls")) {
			if (cJSON_IsString(u) && wakeq_id_of(u->valuestring, pool, id))
				printf("%s\t%s\n", id, u->valuestring);
		}
		fflush(stdout);
		if ((next = wakeq_next(resp)) == NULL)
			break;
		b = wakeq_list_body(pool, page, next);
		cJSON_Delete(resp);
		resp = NULL;
	}
	cJSON_Delete(resp);
	return 0;
}

/* Deletes one instance's wake queue. 0 deleted, 1 there was none, -1 error.
 * known: another wake queue's URL (or empty): this one's is derived from it
 * (only the name differs) and asked for with GetQueueUrl only when SQS
 * refuses the derived one; known is set to each URL asked for. */
static int
delete(struct aws *a, const char *pool, const char *id, struct buf *known, struct err *e)
{
	struct buf cls = BUF_INIT, url = BUF_INIT;
	cJSON *b = NULL;
	int r = -1;

	if (known->len && wakeq_url(&url, known->p, pool, id) == 0 && (b = wakeq_delete_body(url.p)) != NULL &&
	    sqs_call(a, "DeleteQueue", b, NULL, e) == 0) {
		r = 0;
		goto done;
	}
	cJSON_Delete(b);
	b = NULL;
	buf_reset(&url);
	if (buf_addf(&cls, "wake-%s", id)) {
		err_nomem(e);
		goto done;
	}
	if (sqs_queue_url(a, pool, cls.p, &url, e)) {
		r = sqs_no_queue(e) ? 1 : -1;
		goto done;
	}
	buf_reset(known);
	if (buf_adds(known, url.p)) {
		err_nomem(e);
		goto done;
	}
	if ((b = wakeq_delete_body(url.p)) == NULL) {
		err_nomem(e);
		goto done;
	}
	/* Gone between the two calls (another refresh): gone all the same. */
	if (sqs_call(a, "DeleteQueue", b, NULL, e))
		r = sqs_no_queue(e) ? 1 : -1;
	else
		r = 0;
done:
	cJSON_Delete(b);
	buf_free(&cls);
	buf_free(&url);
	return r;
}

int
pool_wake_main(int argc, char **argv)
{
	static const struct option opts[] = { { "pool", required_argument, 0, 'p' }, { "page", required_argument, 0, 'n' },
		{ 0, 0, 0, 0 } };
	const char *pool_opt = NULL, *pool, *cmd;
	long long page = WAKEQ_PAGE_MAX;
	struct aws a;
	struct buf known = BUF_INIT; /* a wake queue URL SQS gave: the others derived from it */
	struct err e;
	char what[80];
	int c, i, r = 0;

	if (cli_start("pool-wake", argc, argv, help))
		return 0;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if (c == 'n' && num_parse(optarg, 1, WAKEQ_PAGE_MAX, &page) == 0)
			continue;
		else if (c == 'n')
			return cli_usage("invalid --page: a number from 1 to %d", WAKEQ_PAGE_MAX);
		else if (cli_option(c, argv, opts, &pool_opt, NULL))
			return ERR_INPUT;
	}
	if (optind == argc)
		return cli_usage("expected list or delete");
	cmd = argv[optind++];
	if (strcmp(cmd, "list") == 0 && optind != argc)
		return cli_usage("list takes no arguments");
	if (strcmp(cmd, "delete") == 0) {
		if (optind == argc)
			return cli_usage("delete: expected at least one instance id");
		for (i = optind; i < argc; i++)
			if (!names_instance_id(argv[i]))
				return cli_usage("invalid instance id '%.40s'", argv[i]);
	} else if (strcmp(cmd, "list") != 0) {
		return cli_usage("unknown command '%.40s': expected list or delete", cmd);
	}
	if ((pool = cli_pool(pool_opt)) == NULL)
		return ERR_INPUT;
	if (aws_init(&a, "sqs", &e))
		return cli_fail(&e, "set up SQS");
	if (strcmp(cmd, "list") == 0) {
		r = list(&a, pool, (int)page, &e);
		snprintf(what, sizeof(what), "list the wake queues");
	}
	for (i = optind; r == 0 && i < argc; i++) {
		c = delete(&a, pool, argv[i], &known, &e);
		if (c < 0) {
			snprintf(what, sizeof(what), "delete the wake queue of %s", argv[i]);
			r = -1;
		} else {
			printf("%s\t%s\n", argv[i], c ? "absent" : "deleted");
			fflush(stdout);
		}
	}
	aws_free(&a);
	buf_free(&known);
	return r ? cli_fail(&e, what) : 0;
}

/* pool-push: put idle instances' messages into their class queue, or wake
 * their agents through their own queues. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "log.h"
#include "names.h"
#include "num.h"
#include "par.h"
#include "poolmsg.h"
#include "sqs.h"
#include "sqsbatch.h"
#include "tools.h"
#include "wakeq.h"

static const char help[] =
    "usage: pool-push --resource-class CLASS [options] INSTANCE-ID...\n"
    "       pool-push --wake [options] INSTANCE-ID...\n"
    "Puts idle instances into the pool: one message per instance into the\n"
    "class's queue (POOL-CLASS), 10 a call (SendMessageBatch). The body is JSON:\n"
    "{\"instanceId\",\"instanceType\",\"usageClass\",\"resourceClass\",\"repository\",\"pushedAt\"}.\n"
    "Prints instance-id<TAB>message-id for each message sent; an instance whose\n"
    "message was refused is named in a log line, and the others are still sent.\n"
    "Options:\n"
    "  --resource-class C    the class (1-32 of a-z 0-9 -), required without --wake\n"
    "  --wake                one message to each instance's own wake queue\n"
    "                        (POOL-wake-ID, which its agent long-polls), over up\n"
    "                        to 8 connections at once; the class is wake-ID.\n"
    "                        One GetQueueUrl: the other queues' URLs are that\n"
    "                        answer's with the queue name changed; a URL SQS\n"
    "                        refuses is asked for (GetQueueUrl) after all\n"
    "  --instance-type T     the instances' type, e.g. m5.xlarge (pool-pop filters on it)\n"
    "  --usage-class U       spot or on-demand (pool-pop filters on it)\n"
    "  --repository R        OWNER/NAME of the run that had them (pool-pop filters on it)\n"
    "  --delay SEC           keep the messages invisible for SEC seconds first (0-900)\n"
    "  --json                JSON Lines: {\"instanceId\",\"messageId\"}\n"
    "  --pool NAME           the pool (default EC2RP_POOL, else ec2-runner-pool)\n"
    "Exit codes:\n"
    "  0 all sent, 2 bad usage (nothing sent), 3 refused (some or all; e.g. no\n"
    "  such queue), 4 retries exhausted or some entries failed on SQS's side,\n"
    "  5 local failure. After a failure the lines printed say what was sent.\n";

/* --wake: one message to each instance's own queue. */
struct wake {
	const struct poolmsg *m;
	const char *pool;
	char **ids;
	long long delay;
	int json;
	int *rc, *sent;    /* per id */
	struct aws *aws;   /* per worker */
	int *ready;        /* per worker: 1 set up, -1 could not be */
	const char *known; /* a wake queue's URL as SQS gave it, or NULL */
	int *done;         /* per id: settled while the URL was learnt */
};

/* One JSON line; the message id is SQS's, so it is escaped. */
static void
print_json(const char *id, const char *mid)
{
	cJSON *o = cJSON_CreateObject();

	cJSON_AddStringToObject(o, "instanceId", id);
	cJSON_AddStringToObject(o, "messageId", mid);
	cli_json_line(o);
}

/* One SendMessageBatch of ids[0..n) (n <= 10); counts what went in *sent.
 * Returns the exit class of the worst entry (0 when all went), or -1 when
 * the call itself failed. */
static int
send_batch(struct aws *a, const char *url, struct poolmsg *m, char **ids, int n, long long delay, int json,
    int *sent, struct err *e)
{
	cJSON *b = cJSON_CreateObject(), *entries, *resp = NULL;
	struct buf body = BUF_INIT;
	long long now = cli_now();
	int j, worst = 0, r = -1;
	char id[8];

	cJSON_AddStringToObject(b, "QueueUrl", url);
	entries = cJSON_AddArrayToObject(b, "Entries");
	for (j = 0; j < n; j++) {
		cJSON *en = cJSON_CreateObject();

		snprintf(m->id, sizeof(m->id), "%s", ids[j]);
		buf_reset(&body);
		if (en == NULL || poolmsg_encode(m, now, &body)) {
			cJSON_Delete(en);
			err_set(e, ERR_LOCAL, "out of memory");
			goto done;
		}
		snprintf(id, sizeof(id), "m%d", j);
		cJSON_AddStringToObject(en, "Id", id);
		cJSON_AddStringToObject(en, "MessageBody", body.p);
		if (delay)
			cJSON_AddNumberToObject(en, "DelaySeconds", (double)delay);
		cJSON_AddItemToArray(entries, en);
	}
	if (sqs_call(a, "SendMessageBatch", b, &resp, e))
		goto done;
	for (j = 0; j < n; j++) {
		const char *mid;
		struct err fe;

		snprintf(id, sizeof(id), "m%d", j);
		if (sqsbatch_result(resp, id, &mid, &fe)) {
			log_msg(LOG_ERROR, "%s was not sent: %s", ids[j], fe.msg);
			/* Permanent beats temporary: retrying the whole will not help. */
			if (worst != ERR_PERMANENT)
				worst = fe.cls;
			continue;
		}
		++*sent;
		if (json)
			print_json(ids[j], mid);
		else
			printf("%s\t%s\n", ids[j], *mid ? mid : "-");
	}
	fflush(stdout);
	r = worst;
done:
	cJSON_Delete(b);
	cJSON_Delete(resp);
	buf_free(&body);
	return r;
}

static void
wake_one(void *ctx, size_t i, int w)
{
	struct wake *k = ctx;
	struct poolmsg m = *k->m;
	struct buf url = BUF_INIT;
	struct err e;
	int r;

	if (k->ready[w] == 0)
		k->ready[w] = aws_init(&k->aws[w], "sqs", &e) ? -1 : 1;
	if (k->ready[w] < 0) {
		k->rc[i] = ERR_LOCAL;
		return;
	}
	if (k->done[i])
		return;
	snprintf(m.rclass, sizeof(m.rclass), "wake-%s", k->ids[i]);
	/* The URL from the one SQS gave for another wake queue; refused, the
	 * queue's own GetQueueUrl after all (the guide's way to a URL). */
	r = k->known ? wakeq_url(&url, k->known, k->pool, k->ids[i]) : -1;
	if (r == 0) {
		r = send_batch(&k->aws[w], url.p, &m, k->ids + i, 1, k->delay, k->json, &k->sent[i], &e);
		if (r < 0 && e.cls == ERR_PERMANENT) {
			log_msg(LOG_DEBUG, "%s: its wake queue's URL was refused (%s): asking SQS for it", k->ids[i], e.msg);
			r = -1;
		} else {
			r = r < 0 ? -2 : r;
		}
	}
	if (r == -1) {
		r = sqs_queue_url(&k->aws[w], k->pool, m.rclass, &url, &e);
		if (r == 0)
			r = send_batch(&k->aws[w], url.p, &m, k->ids + i, 1, k->delay, k->json, &k->sent[i], &e);
	}
	if (r < 0) {
		log_msg(LOG_ERROR, "%s: unable to wake it: %s", k->ids[i], e.msg);
		r = e.cls >= ERR_INPUT && e.cls <= ERR_LOCAL ? (int)e.cls : ERR_LOCAL;
	}
	k->rc[i] = r;
	buf_free(&url);
}

/* Wakes ids[0..n); the exit code as for the class queue. */
static int
wake_all(const struct poolmsg *m, const char *pool, char **ids, int n, long long delay, int json)
{
	struct aws aws[PAR_MAX];
	int ready[PAR_MAX] = { 0 };
	struct wake k = { m, pool, ids, delay, json, NULL, NULL, aws, ready, NULL, NULL };
	struct buf known = BUF_INIT, name = BUF_INIT;
	int i, worst = 0, sent = 0;
	struct err e;

	k.rc = calloc((size_t)n, sizeof(*k.rc));
	k.sent = calloc((size_t)n, sizeof(*k.sent));
	k.done = calloc((size_t)n, sizeof(*k.done));
	if (k.rc == NULL || k.sent == NULL || k.done == NULL) {
		free(k.rc);
		free(k.sent);
		free(k.done);
		log_msg(LOG_ERROR, "out of memory");
		return ERR_LOCAL;
	}
	/* One GetQueueUrl, not one per instance: the first wake queue SQS
	 * knows gives the URL the others are derived from. One it does not
	 * know is settled here as it would be by its own call. */
	if (n > 1 && aws_init(&aws[0], "sqs", &e) == 0) {
		ready[0] = 1;
		for (i = 0; i < n && k.known == NULL; i++) {
			buf_reset(&name);
			if (buf_addf(&name, "wake-%s", ids[i]))
				break;
			if (sqs_queue_url(&aws[0], pool, name.p, &known, &e) == 0) {
				k.known = known.p;
			} else if (sqs_no_queue(&e)) {
				log_msg(LOG_ERROR, "%s: unable to wake it: %s", ids[i], e.msg);
				k.rc[i] = e.cls;
				k.done[i] = 1;
			} else {
				break;
			}
		}
	}
	par_run((size_t)n, PAR_MAX, wake_one, &k);
	for (i = 0; i < PAR_MAX; i++)
		if (ready[i] > 0)
			aws_free(&aws[i]);
	for (i = 0; i < n; i++) {
		sent += k.sent[i];
		/* Permanent beats temporary: retrying the whole will not help. */
		if (k.rc[i] && worst != ERR_PERMANENT)
			worst = k.rc[i];
	}
	if (worst)
		log_msg(LOG_ERROR, "%d of %d instance(s) were not woken (see above)", n - sent, n);
	free(k.rc);
	free(k.sent);
	free(k.done);
	buf_free(&known);
	buf_free(&name);
	return worst;
}

int
pool_push_main(int argc, char **argv)
{
	static const struct option opts[] = { { "resource-class", required_argument, 0, 'c' },
		{ "instance-type", required_argument, 0, 't' }, { "usage-class", required_argument, 0, 'u' },
		{ "delay", required_argument, 0, 'd' }, { "json", no_argument, 0, 'j' },
		{ "pool", required_argument, 0, 'p' }, { "repository", required_argument, 0, 'r' },
		{ "wake", no_argument, 0, 'w' }, { 0, 0, 0, 0 } };
	const char *pool_opt = NULL, *pool, *rclass = NULL, *type = "", *usage = "", *repo = "";
	long long delay = 0;
	struct buf url = BUF_INIT;
	struct poolmsg m;
	struct aws a;
	struct err e;
	int c, i, json = 0, worst = 0, sent = 0, wake = 0;

	if (cli_start("pool-push", argc, argv, help))
		return 0;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if (c == 'c')
			rclass = optarg;
		else if (c == 't')
			type = optarg;
		else if (c == 'u')
			usage = optarg;
		else if (c == 'r')
			repo = optarg;
		else if (c == 'w')
			wake = 1;
		else if (c == 'd' && num_parse(optarg, 0, 900, &delay))
			return cli_usage("invalid --delay '%.20s': seconds from 0 to 900", optarg);
		else if (cli_option(c, argv, opts, &pool_opt, &json))
			return ERR_INPUT;
	}
	if (wake && rclass)
		return cli_usage("--wake names each instance's own queue: no --resource-class");
	if (wake)
		rclass = "wake";
	if (rclass == NULL)
		return cli_usage("--resource-class is required");
	if (!names_class(rclass))
		return cli_usage("invalid --resource-class '%.40s': use 1-32 of a-z 0-9 -", rclass);
	if (*type && !poolmsg_valid_type(type))
		return cli_usage("invalid --instance-type '%.40s': use 1-32 of a-z 0-9 . -", type);
	if (*usage && !poolmsg_valid_usage(usage))
		return cli_usage("invalid --usage-class '%.20s': spot or on-demand", usage);
	if (*repo && !poolmsg_valid_repo(repo))
		return cli_usage("invalid --repository '%.40s': OWNER/NAME of A-Z a-z 0-9 _ . -", repo);
	if (optind == argc)
		return cli_usage("expected at least one instance id");
	for (i = optind; i < argc; i++)
		if (!names_instance_id(argv[i]))
			return cli_usage("invalid instance id '%.40s': i- and 8 or 17 of 0-9 a-f", argv[i]);
	if ((pool = cli_pool(pool_opt)) == NULL)
		return ERR_INPUT;
	memset(&m, 0, sizeof(m));
	snprintf(m.type, sizeof(m.type), "%s", type);
	snprintf(m.usage, sizeof(m.usage), "%s", usage);
	snprintf(m.rclass, sizeof(m.rclass), "%s", rclass);
	snprintf(m.repo, sizeof(m.repo), "%s", repo);
	if (wake)
		return wake_all(&m, pool, argv + optind, argc - optind, delay, json);
	if (aws_init(&a, "sqs", &e))
		return cli_fail(&e, "set up SQS");
	if (sqs_queue_url(&a, pool, rclass, &url, &e)) {
		aws_free(&a);
		return cli_fail(&e, "find the pool's queue");
	}
	for (i = optind; i < argc; i += 10) {
		int n = argc - i < 10 ? argc - i : 10;
		int r = send_batch(&a, url.p, &m, argv + i, n, delay, json, &sent, &e);

		if (r < 0) {
			aws_free(&a);
			buf_free(&url);
			if (sent)
				log_msg(LOG_ERROR, "%d of %d instance(s) were sent before this", sent, argc - optind);
			return cli_fail(&e, "push to the pool");
		}
		if (r && worst != ERR_PERMANENT)
			worst = r;
	}
	aws_free(&a);
	buf_free(&url);
	if (worst)
		log_msg(LOG_ERROR, "%d of %d instance(s) were not sent (see above)", argc - optind - sent, argc - optind);
	return worst;
}

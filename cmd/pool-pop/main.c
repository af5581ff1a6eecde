/* pool-pop: take candidate instances out of a class queue. */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "log.h"
#include "names.h"
#include "num.h"
#include "poolmsg.h"
#include "sqs.h"
#include "sqsbatch.h"
#include "tools.h"

static const char help[] =
    "usage: pool-pop --resource-class CLASS [options]\n"
    "Takes idle instances out of the pool: receives messages from the class's\n"
    "queue (POOL-CLASS, up to 10 a call), deletes what it takes, and prints the\n"
    "candidates one a line: instance-id<TAB>instance-type<TAB>usage-class<TAB>\n"
    "repository ('-' for a field the message did not carry).\n"
    "Messages that do not match the filters are sent again with a delay (then\n"
    "deleted); malformed ones, and ones of another class, are deleted with a\n"
    "log line; a second copy of a taken instance is deleted (copies of one not\n"
    "taken go back: the record, not the message, is the truth). Stops when --max\n"
    "candidates are found, the queue is empty, or only instances already seen\n"
    "come back. The pool is at-least-once: a candidate is only a candidate,\n"
    "claim it with state-cas ID idle claimed.\n"
    "Options:\n"
    "  --resource-class C    the class (1-32 of a-z 0-9 -), required\n"
    "  --max N               how many candidates at most (1-100, default 1)\n"
    "  --usage-class U       only spot or only on-demand instances\n"
    "  --instance-types G    only types matching one of the comma-separated globs\n"
    "                        ('*' any run, '?' one character), e.g. 'm5.*,c6i.large'\n"
    "  --repository R        only instances last used by repository R (OWNER/NAME);\n"
    "                        a message without a repository (an instance no run\n"
    "                        has used yet) matches any\n"
    "  --requeue-delay SEC   delay of the messages sent back (0-900, default 5)\n"
    "  --wait SEC            long-poll each receive up to SEC seconds (0-20,\n"
    "                        default 1; 0 short-polls, which on SQS may miss\n"
    "                        messages of a small queue)\n"
    "  --json                JSON Lines: the messages taken, as pool-push wrote them\n"
    "  --pool NAME           the pool (default EC2RP_POOL, else ec2-runner-pool)\n"
    "Exit codes:\n"
    "  0 found at least one (also when a later call failed: the candidates\n"
    "    taken are printed, the failure logged), 1 none (queue empty or no\n"
    "    match), 2 bad usage, 3 refused (e.g. no such queue), 4 retries\n"
    "    exhausted, 5 local failure.\n";

#define MAX_SEEN 1000
#define VISIBILITY_SEC 30

struct seen {
	char id[20];
	int taken;  /* printed as a candidate (else sent back) */
	int round;  /* the round it was first seen in */
};

struct pop {
	struct aws a;
	const char *url, *rclass, *usage, *globs, *repo;
	long long max, delay, wait;
	int json, found, printed, round;
	struct seen seen[MAX_SEEN];
	int nseen;
};

static struct seen *
seen_find(struct pop *p, const char *id)
{
	int i;

	for (i = 0; i < p->nseen; i++)
		if (strcmp(p->seen[i].id, id) == 0)
			return &p->seen[i];
	return NULL;
}

/* Adds an entry {Id, key: value} to the batch body's Entries. */
static cJSON *
add_entry(cJSON *batch, const char *id, const char *key, const char *value)
{
	cJSON *list = cJSON_GetObjectItem(batch, "Entries"), *en = cJSON_CreateObject();

	if (list == NULL)
		list = cJSON_AddArrayToObject(batch, "Entries");
	cJSON_AddStringToObject(en, "Id", id);
	cJSON_AddStringToObject(en, key, value);
	cJSON_AddItemToArray(list, en);
	return en;
}

/* Removes entry id from the batch body (its requeue failed: keep the original). */
static void
drop_entry(cJSON *batch, const char *id)
{
	cJSON *list = cJSON_GetObjectItem(batch, "Entries"), *en;
	int i = 0;

	cJSON_ArrayForEach(en, list) {
		const cJSON *v = cJSON_GetObjectItem(en, "Id");

		if (cJSON_IsString(v) && strcmp(v->valuestring, id) == 0) {
			cJSON_DeleteItemFromArray(list, i);
			return;
		}
		i++;
	}
}

static void
print_candidate(const struct pop *p, const struct poolmsg *m)
{
	struct buf line = BUF_INIT;

	if (p->json && poolmsg_encode(m, m->pushed_at, &line) == 0)
		printf("%s\n", line.p);
	else if (!p->json)
		printf("%s\t%s\t%s\t%s\n", m->id, m->type[0] ? m->type : "-", m->usage[0] ? m->usage : "-",
		    m->repo[0] ? m->repo : "-");
	buf_free(&line);
}

/* Decides what to do with one received message: take it (1), send it back
 * (0, *delay set), or delete it (-1). *fresh is set to 0 only for an
 * instance seen before: a queue that gives nothing else is done. */
static int
judge(struct pop *p, const char *body, const char *mid, struct poolmsg *m, long long *delay, int *fresh)
{
	struct seen *s;

	*delay = p->delay;
	*fresh = 1; /* a malformed message deleted is progress too */
	if (body == NULL || poolmsg_parse(body, m)) {
		log_msg(LOG_WARN, "deleted a malformed pool message (MessageId %.80s)", mid);
		return -1;
	}
	if (m->rclass[0] && strcmp(m->rclass, p->rclass) != 0) {
		log_msg(LOG_WARN, "deleted the message of %s: it is of class %s, not %s", m->id, m->rclass, p->rclass);
		return -1;
	}
	if ((s = seen_find(p, m->id)) != NULL) {
		*fresh = 0;
		/* A second copy: at-least-once delivery, our own message sent
		 * back earlier, or one that says something else. Which copy is
		 * true is the record's to say (the claim checks it), so a copy
		 * that matches is taken, and none of an instance not taken is
		 * deleted: a false copy must not push the true one out. */
		if (s->taken)
			return -1;
		if (p->found < p->max && poolmsg_matches(m, p->usage, p->globs, p->repo)) {
			s->taken = 1;
			return 1;
		}
		return 0;
	}
	if (p->nseen < MAX_SEEN) {
		s = &p->seen[p->nseen++];
		snprintf(s->id, sizeof(s->id), "%s", m->id);
		s->round = p->round;
		s->taken = 0;
	}
	if (p->found < p->max && poolmsg_matches(m, p->usage, p->globs, p->repo)) {
		if (s)
			s->taken = 1;
		return 1;
	}
	if (p->found >= p->max)
		*delay = 0; /* a match we do not need: straight back for others */
	return 0;
}

/* One receive and what follows. 1: something new came, go on; 0: stop
 * (queue empty, or only seen ones came back); -1: a call failed. */
static int
round_trip(struct pop *p, struct err *e)
{
	cJSON *rq = cJSON_CreateObject(), *resp = NULL, *msg, *back = cJSON_CreateObject(),
	    *del = cJSON_CreateObject();
	struct poolmsg taken[10];
	int ntaken = 0, fresh = 0, k = 0, i, r = -1;
	long long want = p->max - p->found;

	/* Without filters take no more than still needed: under contention a
	 * message held invisible by one caller is one the others cannot have.
	 * With filters mismatches are likely: look at 10 at a time. */
	if (*p->usage || *p->globs || want > 10)
		want = 10;
	p->round++;
	cJSON_AddStringToObject(rq, "QueueUrl", p->url);
	cJSON_AddNumberToObject(rq, "MaxNumberOfMessages", (double)want);
	cJSON_AddNumberToObject(rq, "WaitTimeSeconds", (double)p->wait);
	cJSON_AddNumberToObject(rq, "VisibilityTimeout", VISIBILITY_SEC);
	cJSON_AddStringToObject(back, "QueueUrl", p->url);
	cJSON_AddStringToObject(del, "QueueUrl", p->url);
	if (sqs_call(&p->a, "ReceiveMessage", rq, &resp, e))
		goto done;
	cJSON_ArrayForEach(msg, cJSON_GetObjectItem(resp, "Messages")) {
		const cJSON *body = cJSON_GetObjectItem(msg, "Body"), *rh = cJSON_GetObjectItem(msg, "ReceiptHandle");
		const cJSON *mid = cJSON_GetObjectItem(msg, "MessageId");
		struct poolmsg m;
		long long delay;
		char id[16];
		int verdict, is_new;

		if (!cJSON_IsString(rh) || k >= 10)
			continue;
		snprintf(id, sizeof(id), "e%d", k++);
		verdict = judge(p, cJSON_IsString(body) ? body->valuestring : NULL,
		    cJSON_IsString(mid) ? mid->valuestring : "?", &m, &delay, &is_new);
		fresh |= is_new;
		if (verdict == 1) {
			taken[ntaken++] = m;
			p->found++;
		} else if (verdict == 0) {
			cJSON *en = add_entry(back, id, "MessageBody", body->valuestring);

			cJSON_AddNumberToObject(en, "DelaySeconds", (double)delay);
		}
		add_entry(del, id, "ReceiptHandle", rh->valuestring);
	}
	if (k == 0) {
		r = 0; /* empty */
		goto done;
	}
	/* Send back first, then delete: a crash in between duplicates a
	 * message, never loses one. An original whose copy was not sent stays. */
	if (cJSON_GetObjectItem(back, "Entries")) {
		cJSON *sent = NULL, *en;

		if (sqs_call(&p->a, "SendMessageBatch", back, &sent, e))
			goto done;
		cJSON_ArrayForEach(en, cJSON_GetObjectItem(back, "Entries")) {
			const char *id = cJSON_GetObjectItem(en, "Id")->valuestring;
			struct err fe;

			if (sqsbatch_result(sent, id, NULL, &fe)) {
				log_msg(LOG_WARN, "could not send a message back (%s); it returns in %d s", fe.msg,
				    VISIBILITY_SEC);
				drop_entry(del, id);
			}
		}
		cJSON_Delete(sent);
	}
	if (cJSON_GetArraySize(cJSON_GetObjectItem(del, "Entries")) > 0) {
		cJSON *gone = NULL, *en;

		if (sqs_call(&p->a, "DeleteMessageBatch", del, &gone, e))
			goto done;
		cJSON_ArrayForEach(en, cJSON_GetObjectItem(del, "Entries")) {
			struct err fe;

			/* Not fatal: the message comes back, and a claim decides. */
			if (sqsbatch_result(gone, cJSON_GetObjectItem(en, "Id")->valuestring, NULL, &fe))
				log_msg(LOG_WARN, "could not delete a message (%s); it may be seen again", fe.msg);
		}
		cJSON_Delete(gone);
	}
	for (i = 0; i < ntaken; i++)
		print_candidate(p, &taken[i]);
	p->printed += ntaken;
	fflush(stdout);
	r = fresh;
done:
	if (r < 0)
		p->found -= ntaken; /* not printed: their messages come back */
	cJSON_Delete(rq);
	cJSON_Delete(resp);
	cJSON_Delete(back);
	cJSON_Delete(del);
	return r;
}

int
pool_pop_main(int argc, char **argv)
{
	static const struct option opts[] = { { "resource-class", required_argument, 0, 'c' },
		{ "max", required_argument, 0, 'n' }, { "usage-class", required_argument, 0, 'u' },
		{ "instance-types", required_argument, 0, 't' }, { "requeue-delay", required_argument, 0, 'd' },
		{ "wait", required_argument, 0, 'w' }, { "json", no_argument, 0, 'j' },
		{ "pool", required_argument, 0, 'p' }, { "repository", required_argument, 0, 'r' }, { 0, 0, 0, 0 } };
	static struct pop p; /* the seen list is large: not on the stack */
	const char *pool_opt = NULL, *pool;
	struct buf url = BUF_INIT;
	struct err e;
	int c, r = 0;

	if (cli_start("pool-pop", argc, argv, help))
		return 0;
	p.max = 1;
	p.delay = 5;
	p.wait = 1;
	p.usage = p.globs = p.repo = "";
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if (c == 'c')
			p.rclass = optarg;
		else if (c == 'n' && num_parse(optarg, 1, 100, &p.max))
			return cli_usage("invalid --max '%.20s': a whole number from 1 to 100", optarg);
		else if (c == 'u')
			p.usage = optarg;
		else if (c == 't')
			p.globs = optarg;
		else if (c == 'r')
			p.repo = optarg;
		else if (c == 'd' && num_parse(optarg, 0, 900, &p.delay))
			return cli_usage("invalid --requeue-delay '%.20s': seconds from 0 to 900", optarg);
		else if (c == 'w' && num_parse(optarg, 0, 20, &p.wait))
			return cli_usage("invalid --wait '%.20s': seconds from 0 to 20", optarg);
		else if (cli_option(c, argv, opts, &pool_opt, &p.json))
			return ERR_INPUT;
	}
	if (optind != argc)
		return cli_usage("unexpected argument: %.40s", argv[optind]);
	if (p.rclass == NULL)
		return cli_usage("--resource-class is required");
	if (!names_class(p.rclass))
		return cli_usage("invalid --resource-class '%.40s': use 1-32 of a-z 0-9 -", p.rclass);
	if (*p.usage && !poolmsg_valid_usage(p.usage))
		return cli_usage("invalid --usage-class '%.20s': spot or on-demand", p.usage);
	if (*p.globs && !poolmsg_valid_globs(p.globs))
		return cli_usage("invalid --instance-types: at most 400 comma-separated globs of a-z 0-9 . - * ?, each 1-64 long");
	if (*p.repo && !poolmsg_valid_repo(p.repo))
		return cli_usage("invalid --repository '%.40s': OWNER/NAME of A-Z a-z 0-9 _ . -", p.repo);
	if ((pool = cli_pool(pool_opt)) == NULL)
		return ERR_INPUT;
	if (aws_init(&p.a, "sqs", &e))
		return cli_fail(&e, "set up SQS");
	if (sqs_queue_url(&p.a, pool, p.rclass, &url, &e)) {
		aws_free(&p.a);
		return cli_fail(&e, "find the pool's queue");
	}
	p.url = url.p;
	while (p.found < p.max && (r = round_trip(&p, &e)) == 1)
		;
	aws_free(&p.a);
	buf_free(&url);
	if (r < 0) {
		if (p.printed == 0)
			return cli_fail(&e, "pop from the pool");
		/* Their messages are gone: the caller must get what was taken. */
		log_msg(LOG_WARN, "stopped early, %d candidate(s) taken: %s", p.printed, e.msg);
	}
	return p.printed ? 0 : 1;
}

/* state-watch: the agent's long wait, in one process with one connection:
 * heartbeats, and polls its own record until the run id appears (or goes). */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "clock.h"
#include "ddb.h"
#include "log.h"
#include "names.h"
#include "num.h"
#include "sqs.h"
#include "state.h"
#include "tools.h"
#include "whoami.h"

static const char help[] =
    "usage: state-watch INSTANCE-ID --for run-id|no-run-id [options]\n"
    "Waits until the instance's record has a run id (printed) or has none, writing\n"
    "the instance's heartbeat on the way. Polls with eventually consistent reads,\n"
    "backing off from --poll-min to --poll-max while nothing changes. Gives up\n"
    "when the record's threshold passes (read on every poll) or it is terminated.\n"
    "  --heartbeat SEC    heartbeat interval (default 5)\n"
    "  --poll-min MS      first poll interval (default 250)\n"
    "  --poll-max MS      longest poll interval (default 2000)\n"
    "  --deadline EPOCH   give up at this time (default: never)\n"
    "  --run-id RUN       with --for no-run-id: also holds when the record has\n"
    "                     another run id than RUN (cleared and claimed again\n"
    "                     between two polls is the end of RUN too)\n"
    "  --wake-queue URL   between polls, long-poll this SQS queue (up to 20 s a\n"
    "                     call) instead of sleeping; any message there wakes the\n"
    "                     watch: a heartbeat and a poll at once (the messages are\n"
    "                     deleted; they carry nothing else). A queue that cannot\n"
    "                     be read is dropped with a warning, and the watch sleeps.\n"
    "  --pool NAME        the pool (default EC2RP_POOL, else ec2-runner-pool)\n"
    "Exit: 0 condition holds, 1 deadline or threshold passed, or terminated,\n"
    "2 bad usage, 3 refused, 5 local failure. Temporary errors are retried.\n";

static int
heartbeat(struct aws *a, const char *table, const char *hb, struct err *e)
{
	struct state_put p = { table, hb, KIND_HEARTBEAT, NULL, NULL, NULL, NULL, cli_now() };
	cJSON *b = state_put_body(&p);
	int r = b ? ddb_call(a, "PutItem", b, NULL, e) : err_nomem(e);

	cJSON_Delete(b);
	return r;
}

/* Long-polls the wake queue for up to sec seconds and deletes what came.
 * 1 woken, 0 nothing came, -1 error. */
static int
wake_wait(struct aws *q, const char *url, long long sec, struct err *e)
{
	cJSON *rq = cJSON_CreateObject(), *resp = NULL, *msg;
	int woken = 0;

	cJSON_AddStringToObject(rq, "QueueUrl", url);
	cJSON_AddNumberToObject(rq, "MaxNumberOfMessages", 10);
	cJSON_AddNumberToObject(rq, "WaitTimeSeconds", (double)sec);
	if (sqs_call(q, "ReceiveMessage", rq, &resp, e)) {
		cJSON_Delete(rq);
		return -1;
	}
	cJSON_ArrayForEach(msg, cJSON_GetObjectItem(resp, "Messages")) {
		const cJSON *rh = cJSON_GetObjectItem(msg, "ReceiptHandle");
		cJSON *del;
		struct err de;

		woken = 1;
		if (!cJSON_IsString(rh))
			continue;
		/* Not fatal: an undeleted wake comes back once and costs a poll. */
		del = cJSON_CreateObject();
		cJSON_AddStringToObject(del, "QueueUrl", url);
		cJSON_AddStringToObject(del, "ReceiptHandle", rh->valuestring);
		if (sqs_call(q, "DeleteMessage", del, NULL, &de))
			log_msg(LOG_WARN, "could not delete a wake message: %s", de.msg);
		cJSON_Delete(del);
	}
	cJSON_Delete(resp);
	cJSON_Delete(rq);
	return woken;
}

int
state_watch_main(int argc, char **argv)
{
	static const struct option opts[] = { { "for", required_argument, 0, 'f' },
		{ "heartbeat", required_argument, 0, 'h' }, { "poll-min", required_argument, 0, 'm' },
		{ "poll-max", required_argument, 0, 'M' }, { "deadline", required_argument, 0, 'd' },
		{ "pool", required_argument, 0, 'p' }, { "wake-queue", required_argument, 0, 'w' },
		{ "run-id", required_argument, 0, 'r' }, { 0, 0, 0, 0 } };
	const char *pool_opt = NULL, *table, *id, *mode = NULL, *wake = NULL, *serving = NULL;
	long long hb_sec = 5, pmin = 250, pmax = 2000, deadline = 0, next_hb = 0, next_poll = 0, interval, th_at = 0;
	struct buf pk = BUF_INIT, hbk = BUF_INIT;
	cJSON *get = NULL, *resp;
	const char *what = "watch the record";
	struct whoami me = WHOAMI_INIT; /* the identity the keys name: asked once */
	struct aws a, q;
	struct err e;
	int c, want_run, rc = 1;
	char last[80] = "";

	if (cli_start("state-watch", argc, argv, help))
		return 0;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'f':
			mode = optarg;
			break;
		case 'h':
			if (num_parse(optarg, 1, 3600, &hb_sec))
				return cli_usage("invalid --heartbeat: seconds from 1 to 3600");
			break;
		case 'm':
			if (num_parse(optarg, 10, 60000, &pmin))
				return cli_usage("invalid --poll-min: milliseconds from 10 to 60000");
			break;
		case 'M':
			if (num_parse(optarg, 10, 600000, &pmax))
				return cli_usage("invalid --poll-max: milliseconds from 10 to 600000");
			break;
		case 'd':
			if (num_parse(optarg, 0, 253402300799LL, &deadline))
				return cli_usage("invalid --deadline: epoch seconds");
			break;
		case 'r':
			if (!names_run_id(optarg))
				return cli_usage("invalid --run-id: 1-64 of A-Z a-z 0-9 _ . -");
			serving = optarg;
			break;
		case 'w':
			if (strncmp(optarg, "https://", 8) && strncmp(optarg, "http://", 7))
				return cli_usage("invalid --wake-queue: an SQS queue URL");
			wake = optarg;
			break;
		default:
			if (cli_option(c, argv, opts, &pool_opt, NULL))
				return ERR_INPUT;
		}
	}
	if (argc - optind != 1 || !names_instance_id(argv[optind]))
		return cli_usage("expected one instance id");
	if (mode == NULL || (strcmp(mode, "run-id") && strcmp(mode, "no-run-id")))
		return cli_usage("--for must be run-id or no-run-id");
	if (serving && strcmp(mode, "no-run-id"))
		return cli_usage("--run-id goes with --for no-run-id");
	if (pmax < pmin)
		return cli_usage("--poll-max is below --poll-min");
	if ((table = cli_pool(pool_opt)) == NULL)
		return ERR_INPUT;
	id = argv[optind];
	want_run = strcmp(mode, "run-id") == 0;
	if (state_pk(&pk, KIND_INSTANCE, id)) {
		err_nomem(&e);
		return cli_fail(&e, "watch the record");
	}
	if (aws_init(&a, "dynamodb", &e))
		return cli_fail(&e, "set up DynamoDB");
	if (wake && aws_init(&q, "sqs", &e)) {
		aws_free(&a);
		return cli_fail(&e, "set up SQS");
	}
	/* The heartbeat's key names the instance's ARN; STS may be briefly
	 * unreachable at boot: retried like any failed poll. */
	while (whoami_pk(&a, &me, &hbk, KIND_HEARTBEAT, id, &e)) {
		if (e.cls != ERR_TEMPORARY) {
			what = "find the instance's account";
			goto fail;
		}
		log_msg(LOG_WARN, "%s; retrying", e.msg);
		clock_sleep_ms(pmin);
	}
	if ((get = state_key_body(table, pk.p)) == NULL) {
		err_nomem(&e);
		goto fail;
	}
	interval = pmin;
	for (;;) {
		long long t = clock_now_ms(), wait;
		const cJSON *item;
		const char *run, *st;
		char seen[80];

		if (deadline && t / 1000 >= deadline)
			break;
		if (t >= next_hb) {
			if (heartbeat(&a, table, hbk.p, &e)) {
				if (e.cls != ERR_TEMPORARY)
					goto fail;
				log_msg(LOG_WARN, "heartbeat: %s; retrying", e.msg);
			}
			next_hb = t + hb_sec * 1000;
			/* With a wake queue, a poll goes with each heartbeat: one
			 * moment a minute instead of two, so the long polls between
			 * them run their full 20 s (fewer requests). */
			if (wake)
				next_poll = t;
		}
		if (t < next_poll) {
			/* Woken for the heartbeat only. */
		} else if (ddb_call(&a, "GetItem", get, &resp, &e)) {
			if (e.cls != ERR_TEMPORARY)
				goto fail;
			log_msg(LOG_WARN, "reading the record: %s; retrying", e.msg);
		} else {
			long long th;

			item = cJSON_GetObjectItem(resp, "Item");
			run = item_s(item, "runId");
			st = item_s(item, "state");
			/* The record's own threshold is a deadline too: it moves as the
			 * state changes (claimed, running, idle), so it is read each poll. */
			if (item_n(item, "threshold", &th))
				th = 0;
			th_at = th * 1000;
			if ((st && strcmp(st, "terminated") == 0) || (th && t / 1000 >= th)) {
				cJSON_Delete(resp);
				break;
			}
			/* The serving run is over when its id is gone, whatever replaced it. */
			if (item && (want_run ? run != NULL && *run
					      : run == NULL || !*run || (serving && strcmp(run, serving)))) {
				if (want_run)
					printf("%s\n", run);
				cJSON_Delete(resp);
				rc = 0;
				break;
			}
			/* Back off while nothing changes; start over after a change. */
			snprintf(seen, sizeof(seen), "%s/%s", st ? st : "", run ? run : "");
			interval = strcmp(seen, last) ? pmin : (interval * 2 > pmax ? pmax : interval * 2);
			snprintf(last, sizeof(last), "%s", seen);
			cJSON_Delete(resp);
		}
		/* Sleep to the next poll, but wake for a heartbeat or the deadline. */
		t = clock_now_ms();
		if (t >= next_poll)
			next_poll = t + interval;
		/* However long the backoff, look again when the threshold passes. */
		if (th_at > t && th_at < next_poll)
			next_poll = th_at;
		wait = next_poll - t;
		if (next_hb - t < wait)
			wait = next_hb - t;
		if (deadline && deadline * 1000 - t < wait)
			wait = deadline * 1000 - t;
		/* A second or more to wait: long-poll the wake queue instead. */
		if (wake && wait >= 1000) {
			int w = wake_wait(&q, wake, wait / 1000 > 20 ? 20 : wait / 1000, &e);

			if (w == 1) {
				/* Woken: the record changed; a heartbeat too, as the one
				 * who woke us is about to check it. */
				next_poll = next_hb = 0;
				interval = pmin;
			} else if (w < 0 && e.cls != ERR_TEMPORARY) {
				log_msg(LOG_WARN, "wake queue: %s; sleeping between polls instead", e.msg);
				aws_free(&q);
				wake = NULL;
			} else if (w < 0) {
				log_msg(LOG_WARN, "wake queue: %s; retrying", e.msg);
				clock_sleep_ms(1000);
			}
		} else if (wait > 0) {
			clock_sleep_ms((long)wait);
		}
	}
	goto done;
fail:
	rc = cli_fail(&e, what);
done:
	cJSON_Delete(get);
	aws_free(&a);
	if (wake)
		aws_free(&q);
	buf_free(&pk);
	buf_free(&hbk);
	return rc;
}

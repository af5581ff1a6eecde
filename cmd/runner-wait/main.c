/* runner-wait: wait until every instance shows a signal for a run id and a
 * fresh heartbeat. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "clock.h"
#include "ddb.h"
#include "log.h"
#include "names.h"
#include "text.h"
#include "num.h"
#include "state.h"
#include "tools.h"
#include "whoami.h"

static const char help[] =
    "usage: runner-wait --run-id RUN --signal SIGNAL [options] INSTANCE-ID...\n"
    "Polls, with one strongly consistent BatchGetItem a round, until every\n"
    "instance has SIGNAL for RUN and a heartbeat younger than --heartbeat-age.\n"
    "Prints one line per instance: id, then ok / no-signal / wrong-run /\n"
    "stale-heartbeat / no-heartbeat / future-heartbeat (more than 60 s ahead of\n"
    "this clock: not taken as alive) (--json: JSON Lines {\"id\",\"result\",\"message\"}).\n"
    "Waiting for 'registered', an instance that signals its failure\n"
    "(registration-failed or runner-exited for RUN, bootstrap-failed,\n"
    "pre-runner-failed, spot-interrupted) is\n"
    "settled at once with that signal as its result, and the signal's message\n"
    "as a third field: the wait ends when every instance is ok or failed.\n"
    "Temporary errors are logged and retried in the next round until the timeout.\n"
    "  --timeout SEC        give up after SEC (default 300)\n"
    "  --interval MS        between rounds (default 250)\n"
    "  --heartbeat-age SEC  (default 30)\n"
    "  --fail-fast          end the wait at the first failure signal\n"
    "  --json               JSON Lines\n"
    "  --pool NAME          the pool (default EC2RP_POOL, else ec2-runner-pool)\n"
    "Exit: 0 all ok, 1 timed out or some failed (see the lines), 2 bad usage, 3 refused,\n"
    "4 retries exhausted (still failing at the timeout), 5 local failure.\n";

static const cJSON *
find(const cJSON *items, const char *pk)
{
	const cJSON *it;

	cJSON_ArrayForEach(it, items) {
		const char *p = item_s(it, "pk");

		if (p && strcmp(p, pk) == 0)
			return it;
	}
	return NULL;
}

/* One JSON line; the message is the instance's words, so cJSON escapes it. */
static void
print_json(const char *id, const char *result, const char *msg)
{
	cJSON *o = cJSON_CreateObject();

	cJSON_AddStringToObject(o, "id", id);
	cJSON_AddStringToObject(o, "result", result);
	if (*msg)
		cJSON_AddStringToObject(o, "message", msg);
	cli_json_line(o);
}

/* 1 if an instance's signal says it will never register for run: the
 * agent's registration for this run failed, or its bootstrap did. */
static int
failed_for(const char *sig, const char *got, const char *grun, const char *run)
{
	if (strcmp(sig, "registered") != 0 || got == NULL)
		return 0;
	/* A spot instance EC2 is taking back will not serve, whatever run. */
	if (strcmp(got, "bootstrap-failed") == 0 || strcmp(got, "pre-runner-failed") == 0 ||
	    strcmp(got, "spot-interrupted") == 0)
		return 1;
	/* The listener ended (a version GitHub refuses, a revoked registration). */
	return (strcmp(got, "registration-failed") == 0 || strcmp(got, "runner-exited") == 0) && grun &&
	    strcmp(grun, run) == 0;
}

/* 1 if a result says the instance will not come: a failure signal. */
static int
gave_up(const char *r)
{
	return strstr(r, "-failed") != NULL || strcmp(r, "spot-interrupted") == 0 || strcmp(r, "runner-exited") == 0;
}

/* The result of one instance in one round; *msg is the message a failure
 * signal carries ("" if none). */
static const char *
judge(const cJSON *items, const char *sigpk, const char *hbpk, const char *sig, const char *run,
    long long now, long long age, const char **msg)
{
	const cJSON *s = find(items, sigpk), *h = find(items, hbpk);
	const char *got = item_s(s, "signal"), *grun = item_s(s, "runId");
	long long at;

	*msg = "";
	if (failed_for(sig, got, grun, run)) {
		*msg = item_s(s, "message") ? item_s(s, "message") : "";
		return got;
	}
	if (got == NULL || strcmp(got, sig) != 0)
		return "no-signal";
	if (grun == NULL || strcmp(grun, run) != 0)
		return "wrong-run";
	if (item_n(h, "at", &at))
		return "no-heartbeat";
	/* The instance's own word against the clock: a heartbeat from more
	 * than a minute ahead (forged, or a clock far off) proves nothing. */
	if (at > now + 60)
		return "future-heartbeat";
	if (now - at > age)
		return "stale-heartbeat";
	return "ok";
}

int
runner_wait_main(int argc, char **argv)
{
	static const struct option opts[] = { { "run-id", required_argument, 0, 'r' },
		{ "signal", required_argument, 0, 's' }, { "timeout", required_argument, 0, 't' },
		{ "interval", required_argument, 0, 'i' }, { "heartbeat-age", required_argument, 0, 'a' },
		{ "json", no_argument, 0, 'j' }, { "pool", required_argument, 0, 'p' },
		{ "fail-fast", no_argument, 0, 'f' }, { 0, 0, 0, 0 } };
	const char *pool_opt = NULL, *run = NULL, *sig = NULL, *table;
	long long timeout = 300, interval = 250, age = 30, end;
	const char **keys, **result;
	char (*why)[40], (*msgs)[513];
	struct buf *pks;
	size_t nkeys = 0, k;
	int c, n, i, all = 0, json = 0, failed = 0, fast = 0, any_failed;
	struct whoami me = WHOAMI_INIT; /* the identity the keys name: asked once */
	struct aws a;
	struct err e;

	if (cli_start("runner-wait", argc, argv, help))
		return 0;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if (c == 'r' && names_run_id(optarg))
			run = optarg;
		else if (c == 'r')
			return cli_usage("invalid --run-id: use 1-64 of A-Z a-z 0-9 _ . -");
		else if (c == 's' && names_signal(optarg))
			sig = optarg;
		else if (c == 's')
			return cli_usage("invalid --signal: use 1-32 of a-z 0-9 -");
		else if (c == 't' && num_parse(optarg, 0, 86400, &timeout))
			return cli_usage("invalid --timeout: seconds from 0 to 86400");
		else if (c == 'i' && num_parse(optarg, 10, 60000, &interval))
			return cli_usage("invalid --interval: milliseconds from 10 to 60000");
		else if (c == 'a' && num_parse(optarg, 1, 86400, &age))
			return cli_usage("invalid --heartbeat-age: seconds from 1 to 86400");
		else if (c == 'f')
			fast = 1;
		else if (cli_option(c, argv, opts, &pool_opt, &json))
			return ERR_INPUT;
	}
	n = argc - optind;
	if (run == NULL || sig == NULL || n < 1)
		return cli_usage("expected --run-id, --signal and at least one instance id");
	for (i = optind; i < argc; i++)
		if (!names_instance_id(argv[i]))
			return cli_usage("invalid instance id '%.40s'", argv[i]);
	if ((table = cli_pool(pool_opt)) == NULL)
		return ERR_INPUT;
	pks = calloc(2 * (size_t)n, sizeof(*pks));
	keys = calloc(2 * (size_t)n, sizeof(*keys));
	result = calloc((size_t)n, sizeof(*result));
	why = calloc((size_t)n, sizeof(*why));
	msgs = calloc((size_t)n, sizeof(*msgs));
	if (pks == NULL || keys == NULL || result == NULL || why == NULL || msgs == NULL) {
		err_set(&e, ERR_LOCAL, "out of memory");
		return cli_fail(&e, "wait");
	}
	/* pks[2i], pks[2i+1]: the signal and heartbeat keys of argv id i; keys
	 * holds each once (BatchGetItem refuses a duplicate key). */
	if (aws_init(&a, "dynamodb", &e))
		return cli_fail(&e, "set up DynamoDB");
	for (i = 0; i < n; i++) {
		if (whoami_pk(&a, &me, &pks[2 * i], KIND_SIGNAL, argv[optind + i], &e) ||
		    whoami_pk(&a, &me, &pks[2 * i + 1], KIND_HEARTBEAT, argv[optind + i], &e))
			return cli_fail(&e, "read the signals (their keys need the account, from STS)");
		for (k = 0; k < nkeys && strcmp(keys[k], pks[2 * i].p) != 0; k++)
			;
		if (k == nkeys) {
			keys[nkeys++] = pks[2 * i].p;
			keys[nkeys++] = pks[2 * i + 1].p;
		}
	}
	end = clock_now_ms() + timeout * 1000;
	for (;;) {
		long long left;
		cJSON *items;

		if (ddb_batch_get(&a, table, keys, nkeys, 1, &items, &e)) {
			/* Throttling or a blip mid-wait costs a round, not the provision. */
			failed = 1;
			if (e.cls != ERR_TEMPORARY)
				break;
			log_msg(LOG_WARN, "reading the signals: %s; retrying", e.msg);
		} else {
			long long now = clock_now();

			int settled = 1;

			any_failed = 0;
			failed = 0;
			all = 1;
			for (i = 0; i < n; i++) {
				const char *m, *r = judge(items, pks[2 * i].p, pks[2 * i + 1].p, sig, run, now, age, &m);

				/* The item is freed below: keep a copy of a failure's name and
				 * message, the message one printable line. */
				snprintf(why[i], sizeof(why[i]), "%s", r);
				snprintf(msgs[i], sizeof(msgs[i]), "%s", m);
				text_clean_inplace(msgs[i]);
				result[i] = why[i];
				all &= strcmp(r, "ok") == 0;
				settled &= strcmp(r, "ok") == 0 || gave_up(r);
				any_failed |= gave_up(r);
			}
			cJSON_Delete(items);
			if (settled || (fast && any_failed))
				break;
		}
		left = end - clock_now_ms();
		if (left <= 0)
			break;
		clock_sleep_ms((long)(left < interval ? left : interval));
	}
	aws_free(&a);
	/* Refused, or still failing at the timeout: the error, not a timeout. */
	if (failed) {
		c = cli_fail(&e, "read the signals");
		goto out;
	}
	for (i = 0; i < n; i++) {
		if (json)
			print_json(argv[optind + i], result[i], msgs[i]);
		else
			printf("%s\t%s%s%s\n", argv[optind + i], result[i], msgs[i][0] ? "\t" : "", msgs[i]);
	}
	c = all ? 0 : 1;
out:
	for (i = 0; i < 2 * n; i++)
		buf_free(&pks[i]);
	free(pks);
	free(keys);
	free(result);
	free(why);
	free(msgs);
	return c;
}

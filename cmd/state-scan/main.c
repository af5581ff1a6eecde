/* state-scan: list records by run id, by state, or expired. */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "ddb.h"
#include "names.h"
#include "state.h"
#include "tools.h"

static const char help[] =
    "usage: state-scan [--kind instance|signal|heartbeat|config|token] [--run-id RUN]\n"
    "                  [--state STATE] [--expired] [--json] [--pool NAME]\n"
    "Lists records with a strongly consistent, paginated Scan, one line each\n"
    "(the fields of state-get). --expired: instance records whose threshold has\n"
    "passed and that are not terminated.\n"
    "Exit: 0 something listed, 1 nothing matched, 2 bad usage, 3 refused,\n"
    "4 retries exhausted, 5 local failure.\n";

int
state_scan_main(int argc, char **argv)
{
	static const struct option opts[] = { { "kind", required_argument, 0, 'k' },
		{ "run-id", required_argument, 0, 'r' }, { "state", required_argument, 0, 's' },
		{ "expired", no_argument, 0, 'x' }, { "json", no_argument, 0, 'j' },
		{ "pool", required_argument, 0, 'p' }, { 0, 0, 0, 0 } };
	const char *pool_opt = NULL, *run = NULL, *st = NULL, *table;
	int kind = KIND_INSTANCE, expired = 0, json = 0, c, r, n = 0;
	struct buf filter = BUF_INIT, line = BUF_INIT, prefix = BUF_INIT;
	cJSON *names = cJSON_CreateObject(), *vals = cJSON_CreateObject(), *items, *it;
	char now[32];
	struct aws a;
	struct err e;

	if (cli_start("state-scan", argc, argv, help))
		return 0;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'k':
			if ((kind = state_kind(optarg)) < 0)
				return cli_usage("invalid --kind: instance, signal, heartbeat, config or token");
			break;
		case 'r':
			if (!names_run_id(optarg))
				return cli_usage("invalid --run-id: use 1-64 of A-Z a-z 0-9 _ . -");
			run = optarg;
			break;
		case 's':
			if (state_parse(optarg) <= 0)
				return cli_usage("invalid --state: created, running, idle, claimed or terminated");
			st = optarg;
			break;
		case 'x':
			expired = 1;
			break;
		default:
			if (cli_option(c, argv, opts, &pool_opt, &json))
				return ERR_INPUT;
		}
	}
	if (optind != argc)
		return cli_usage("unexpected argument: %.40s", argv[optind]);
	if ((table = cli_pool(pool_opt)) == NULL)
		return ERR_INPUT;
	if ((st || expired) && kind != KIND_INSTANCE)
		return cli_usage("--state and --expired apply to instance records");
	/* The filter: the kind's key prefix, then each condition asked for. */
	buf_adds(&filter, "begins_with(pk, :kind)");
	/* The kind's key prefix is its key with an empty name. */
	state_pk(&prefix, kind, "");
	item_add_s(vals, ":kind", prefix.p ? prefix.p : "");
	if (run) {
		buf_adds(&filter, " AND #run = :run");
		cJSON_AddStringToObject(names, "#run", "runId");
		cJSON_AddStringToObject(cJSON_AddObjectToObject(vals, ":run"), "S", run);
	}
	if (st || expired)
		cJSON_AddStringToObject(names, "#st", "state");
	if (st) {
		buf_adds(&filter, " AND #st = :st");
		cJSON_AddStringToObject(cJSON_AddObjectToObject(vals, ":st"), "S", st);
	}
	if (expired) {
		snprintf(now, sizeof(now), "%lld", cli_now());
		buf_adds(&filter, " AND #th < :now AND #st <> :term");
		cJSON_AddStringToObject(names, "#th", "threshold");
		cJSON_AddStringToObject(cJSON_AddObjectToObject(vals, ":now"), "N", now);
		cJSON_AddStringToObject(cJSON_AddObjectToObject(vals, ":term"), "S", "terminated");
	}
	if (filter.failed || prefix.failed) {
		err_set(&e, ERR_LOCAL, "out of memory");
		return cli_fail(&e, "list the records");
	}
	if (aws_init(&a, "dynamodb", &e))
		return cli_fail(&e, "set up DynamoDB");
	r = ddb_scan(&a, table, filter.p, cJSON_GetArraySize(names) ? names : NULL, vals, &items, &e);
	aws_free(&a);
	cJSON_Delete(names);
	cJSON_Delete(vals);
	buf_free(&filter);
	buf_free(&prefix);
	if (r)
		return cli_fail(&e, "list the records");
	cJSON_ArrayForEach(it, items) {
		buf_reset(&line);
		if (state_line(it, json, &line) == 0) {
			printf("%s\n", line.p);
			n++;
		}
	}
	cJSON_Delete(items);
	buf_free(&line);
	return n ? 0 : 1;
}

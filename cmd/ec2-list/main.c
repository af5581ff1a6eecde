/* ec2-list: the pool's instances as EC2 sees them. */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "cli.h"
#include "ec2.h"
#include "names.h"
#include "num.h"
#include "text.h"
#include "tools.h"

static const char help[] =
    "usage: ec2-list [--state S1,S2] [--run-id RUN] [--launched-before EPOCH] [--json] [--pool NAME]\n"
    "Lists the instances tagged with the pool (DescribeInstances, all pages):\n"
    "id<TAB>state<TAB>type<TAB>run-id<TAB>launch-time (epoch seconds); '-' for\n"
    "an empty or unprintable field.\n"
    "  --state S1,S2          only these states: pending, running, shutting-down,\n"
    "                         terminated, stopping, stopped\n"
    "  --run-id RUN           only the instances tagged with this run id\n"
    "  --launched-before T    only those launched before epoch second T (an\n"
    "                         instance without a readable launch time is left out)\n"
    "  --json                 JSON Lines: instanceId, state, instanceType, runId,\n"
    "                         launchTime\n"
    "  --pool NAME            the pool (default EC2RP_POOL, else ec2-runner-pool)\n"
    "Exit: 0 something listed, 1 none, 2 bad usage, 3 refused,\n"
    "4 retries exhausted, 5 local failure.\n";

/* A field of a tab-separated line: "-" for empty, or for a value (a tag
 * anyone could set) with a tab or line break that would split the record. */
static const char *
cell(const char *v)
{
	return *v && !text_has_control(v) ? v : "-";
}

/* One JSON line; cJSON escapes what EC2 (or whoever tagged) put in the values. */
static void
print_json(const struct instances_row *i)
{
	cJSON *o = cJSON_CreateObject();

	cJSON_AddStringToObject(o, "instanceId", i->id);
	cJSON_AddStringToObject(o, "state", i->state);
	cJSON_AddStringToObject(o, "instanceType", i->type);
	cJSON_AddStringToObject(o, "runId", i->run_id);
	cJSON_AddNumberToObject(o, "launchTime", (double)i->launched);
	cli_json_line(o);
}

int
ec2_list_main(int argc, char **argv)
{
	static const struct option opts[] = { { "state", required_argument, 0, 's' },
		{ "run-id", required_argument, 0, 'r' }, { "launched-before", required_argument, 0, 'b' },
		{ "json", no_argument, 0, 'j' }, { "pool", required_argument, 0, 'p' }, { 0, 0, 0, 0 } };
	struct instances_filter f = { NULL, NULL, NULL, NULL, 0, 0 };
	struct instances_list l = INSTANCES_LIST_INIT;
	const char *pool_opt = NULL;
	int c, i, json = 0;
	struct aws a;
	struct err e;

	if (cli_start("ec2-list", argc, argv, help))
		return 0;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if (c == 's')
			f.states = optarg;
		else if (c == 'r')
			f.run_id = optarg;
		else if (c == 'b' && num_parse(optarg, 0, 253402300799LL, &f.before))
			return cli_usage("invalid --launched-before: epoch seconds");
		else if (cli_option(c, argv, opts, &pool_opt, &json))
			return ERR_INPUT;
	}
	if (optind != argc)
		return cli_usage("unexpected argument: %.40s", argv[optind]);
	if (f.run_id && !names_run_id(f.run_id))
		return cli_usage("invalid --run-id: use 1-64 of A-Z a-z 0-9 _ . -");
	if (f.states && !instances_valid_states(f.states))
		return cli_usage("invalid --state: comma-separated EC2 states (pending, running, ...)");
	if ((f.pool = cli_pool(pool_opt)) == NULL)
		return ERR_INPUT;
	if (aws_init(&a, "ec2", &e))
		return cli_fail(&e, "set up EC2");
	c = ec2_describe(&a, &f, &l, &e);
	aws_free(&a);
	if (c) {
		instances_free(&l);
		return cli_fail(&e, "list the instances");
	}
	for (i = 0; i < l.n; i++)
		if (json)
			print_json(&l.row[i]);
		else
			printf("%s\t%s\t%s\t%s\t%lld\n", cell(l.row[i].id), cell(l.row[i].state), cell(l.row[i].type),
			    cell(l.row[i].run_id), l.row[i].launched);
	c = l.n ? 0 : 1;
	instances_free(&l);
	return c;
}

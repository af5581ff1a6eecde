/* ec2-list: the pool's instances as EC2 sees them. */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "cli.h"
#include "ec2.h"
#include "isotime.h"
#include "names.h"
#include "num.h"
#include "query.h"
#include "text.h"
#include "tools.h"

#define MAX_PAGES 1000 /* of 1000 instances each */

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

static const char *
tag(const struct xml *inst, const char *key)
{
	const struct xml *t;

	for (t = xml_find(inst, "tagSet/item"); t; t = xml_next(t))
		if (strcmp(xml_text(t, "key"), key) == 0)
			return xml_text(t, "value");
	return "";
}

/* A field of a tab-separated line: "-" for empty, or for a value (a tag
 * anyone could set) with a tab or line break that would split the record. */
static const char *
cell(const char *v)
{
	return *v && !text_has_control(v) ? v : "-";
}

/* One JSON line; cJSON escapes what EC2 (or whoever tagged) put in the values. */
static void
print_json(const struct xml *i, long long t)
{
	cJSON *o = cJSON_CreateObject();
	char *s;

	cJSON_AddStringToObject(o, "instanceId", xml_text(i, "instanceId"));
	cJSON_AddStringToObject(o, "state", xml_text(i, "instanceState/name"));
	cJSON_AddStringToObject(o, "instanceType", xml_text(i, "instanceType"));
	cJSON_AddStringToObject(o, "runId", tag(i, EC2_TAG_RUN));
	cJSON_AddNumberToObject(o, "launchTime", (double)t);
	if ((s = cJSON_PrintUnformatted(o)) != NULL)
		printf("%s\n", s);
	cJSON_free(s);
	cJSON_Delete(o);
}

int
ec2_list_main(int argc, char **argv)
{
	static const struct option opts[] = { { "state", required_argument, 0, 's' },
		{ "run-id", required_argument, 0, 'r' }, { "launched-before", required_argument, 0, 'b' },
		{ "json", no_argument, 0, 'j' }, { "pool", required_argument, 0, 'p' }, { 0, 0, 0, 0 } };
	static const char *const valid[] = { "pending", "running", "shutting-down", "terminated", "stopping", "stopped", 0 };
	const char *pool_opt = NULL, *pool, *states = "", *run = NULL;
	long long before = 0;
	struct buf next = BUF_INIT;
	int c, n = 0, json = 0, f, states_set = 0, pages = 0;
	struct aws a;
	struct err e;

	if (cli_start("ec2-list", argc, argv, help))
		return 0;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if (c == 's') {
			states = optarg;
			states_set = 1;
		}
		else if (c == 'r')
			run = optarg;
		else if (c == 'b' && num_parse(optarg, 0, 253402300799LL, &before))
			return cli_usage("invalid --launched-before: epoch seconds");
		else if (c == 'j')
			json = 1;
		else if (c == 'p')
			pool_opt = optarg;
		else if (c == '?')
			return cli_bad_option(argv[optind - 1], opts);
	}
	if (optind != argc)
		return cli_usage("unexpected argument: %.40s", argv[optind]);
	if (run && !names_run_id(run))
		return cli_usage("invalid --run-id: use 1-64 of A-Z a-z 0-9 _ . -");
	{
		const char *s = states;

		if (states_set && (*s == '\0' || s[strlen(s) - 1] == ','))
			return cli_usage("invalid --state: comma-separated EC2 states (pending, running, ...)");
		while (*s) {
			size_t len = strcspn(s, ","), i;
			int ok = 0;

			for (i = 0; valid[i]; i++)
				ok |= strlen(valid[i]) == len && strncmp(s, valid[i], len) == 0;
			if (!ok)
				return cli_usage("invalid --state: comma-separated EC2 states (pending, running, ...)");
			s += len + (s[len] == ',');
		}
	}
	if ((pool = cli_pool(pool_opt)) == NULL)
		return ERR_INPUT;
	if (aws_init(&a, "ec2", &e))
		return cli_fail(&e, "set up EC2");
	do {
		struct buf b = BUF_INIT;
		struct xml *doc, *r, *i;
		const char *s = states;
		int j = 1;

		query_add(&b, "Action", "DescribeInstances");
		query_add(&b, "Version", EC2_VERSION);
		query_add(&b, "MaxResults", "1000");
		query_add(&b, "Filter.1.Name", "tag:" EC2_TAG_POOL);
		query_add(&b, "Filter.1.Value.1", pool);
		f = 2;
		if (run) {
			query_addf(&b, "tag:" EC2_TAG_RUN, "Filter.%d.Name", f);
			query_addf(&b, run, "Filter.%d.Value.1", f++);
		}
		if (*s)
			query_addf(&b, "instance-state-name", "Filter.%d.Name", f);
		while (*s) {
			size_t len = strcspn(s, ",");
			char one[32];

			snprintf(one, sizeof(one), "%.*s", (int)len, s);
			query_addf(&b, one, "Filter.%d.Value.%d", f, j++);
			s += len + (s[len] == ',');
		}
		if (next.len)
			query_add(&b, "NextToken", next.p);
		if (b.failed || next.failed) {
			buf_free(&b);
			aws_free(&a);
			err_set(&e, ERR_LOCAL, "out of memory");
			return cli_fail(&e, "list the instances");
		}
		c = aws_query(&a, b.p, &doc, &e);
		buf_free(&b);
		if (c) {
			aws_free(&a);
			return cli_fail(&e, "list the instances");
		}
		for (r = xml_find(doc, "reservationSet/item"); r; r = xml_next(r))
			for (i = xml_find(r, "instancesSet/item"); i; i = xml_next(i)) {
				long long t = 0;

				/* Undated is never "launched before": callers terminate what is. */
				if (isotime_parse(xml_text(i, "launchTime"), &t) && before)
					continue;
				if (before && t >= before)
					continue;
				if (json)
					print_json(i, t);
				else
					printf("%s\t%s\t%s\t%s\t%lld\n", cell(xml_text(i, "instanceId")),
					    cell(xml_text(i, "instanceState/name")), cell(xml_text(i, "instanceType")),
					    cell(tag(i, EC2_TAG_RUN)), t);
				n++;
			}
		buf_reset(&next);
		buf_adds(&next, xml_text(doc, "nextToken"));
		xml_free(doc);
		if (next.failed) {
			aws_free(&a);
			buf_free(&next);
			err_set(&e, ERR_LOCAL, "out of memory");
			return cli_fail(&e, "list the instances");
		}
		if (next.len && ++pages == MAX_PAGES) {
			/* A service that never stops paging (same token again) must not loop us forever. */
			aws_free(&a);
			buf_free(&next);
			err_set(&e, ERR_PERMANENT, "more than %d pages of instances", MAX_PAGES);
			return cli_fail(&e, "list the instances");
		}
	} while (next.len);
	aws_free(&a);
	buf_free(&next);
	return n ? 0 : 1;
}

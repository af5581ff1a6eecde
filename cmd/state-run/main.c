/* state-run: the run index: name the instances a run holds, or read them. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "ddb.h"
#include "names.h"
#include "num.h"
#include "runidx.h"
#include "tools.h"

static const char help[] =
    "usage: state-run add [--ttl-in SEC] [--pool NAME] RUN [INSTANCE-ID...]\n"
    "       state-run get [--pool NAME] RUN...\n"
    "The run index: one item per run id naming the instances its provisions\n"
    "claimed or created, so that release reads them by key (docs/state-model.md).\n"
    "add names the ids under RUN with one UpdateItem (a string set: naming an\n"
    "id twice, or from two provisions of one run, changes nothing) and sets the\n"
    "item's ttl to now + SEC (default 86400, 60-34560000); with no id it writes\n"
    "the item without ids (a run that holds nothing yet) or renews its ttl.\n"
    "get reads the runs' items (strongly consistent, 100 a BatchGetItem) and\n"
    "prints RUN<TAB>INSTANCE-ID for each id named; a run whose item has no id\n"
    "prints nothing.\n"
    "Exit: 0 done (get: every run has an item), 1 get: some run has none (an\n"
    "older provision's run: the others are printed), 2 bad usage (nothing\n"
    "sent), 3 refused, 4 retries exhausted, 5 local failure.\n";

static int
add(struct aws *a, const char *table, char **argv, int n, long long ttl_in)
{
	long long now = cli_now();
	cJSON *b = runidx_add_body(table, argv[0], argv + 1, (size_t)(n - 1), now, now + ttl_in);
	struct err e;
	int r;

	if (b == NULL) {
		err_set(&e, ERR_LOCAL, "out of memory");
		return cli_fail(&e, "name the run's instances");
	}
	r = ddb_call(a, "UpdateItem", b, NULL, &e);
	cJSON_Delete(b);
	return r ? cli_fail(&e, "name the run's instances") : 0;
}

static int
get(struct aws *a, const char *table, char **argv, int n)
{
	struct buf *pks = calloc((size_t)n, sizeof(*pks)), out = BUF_INIT;
	const char **keys = calloc((size_t)n, sizeof(*keys));
	size_t nkeys = 0, k;
	cJSON *items = NULL, *it;
	struct err e;
	int i, found = 0, r;

	if (pks == NULL || keys == NULL) {
		free(pks);
		free(keys);
		err_set(&e, ERR_LOCAL, "out of memory");
		return cli_fail(&e, "read the run index");
	}
	/* Each key once: BatchGetItem refuses a request with a duplicate key. */
	for (i = 0; i < n; i++) {
		if (runidx_pk(&pks[i], argv[i])) {
			err_set(&e, ERR_LOCAL, "out of memory");
			r = cli_fail(&e, "read the run index");
			goto done;
		}
		for (k = 0; k < nkeys && strcmp(keys[k], pks[i].p) != 0; k++)
			;
		if (k == nkeys)
			keys[nkeys++] = pks[i].p;
	}
	if (ddb_batch_get(a, table, keys, nkeys, 1, &items, &e)) {
		r = cli_fail(&e, "read the run index");
		goto done;
	}
	cJSON_ArrayForEach(it, items) {
		if (runidx_lines(it, &out) >= 0)
			found++;
	}
	if (out.failed) {
		err_set(&e, ERR_LOCAL, "out of memory");
		r = cli_fail(&e, "read the run index");
		goto done;
	}
	fputs(out.p ? out.p : "", stdout);
	r = (size_t)found < nkeys;
done:
	cJSON_Delete(items);
	for (i = 0; i < n; i++)
		buf_free(&pks[i]);
	free(pks);
	free(keys);
	buf_free(&out);
	return r;
}

int
state_run_main(int argc, char **argv)
{
	static const struct option opts[] = { { "ttl-in", required_argument, 0, 't' },
		{ "pool", required_argument, 0, 'p' }, { 0, 0, 0, 0 } };
	const char *pool_opt = NULL, *table, *what;
	long long ttl_in = -1;
	struct aws a;
	struct err e;
	int c, i, n, r;

	if (cli_start("state-run", argc, argv, help))
		return 0;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if (c == 't') {
			if (num_parse(optarg, 60, 400LL * 86400, &ttl_in))
				return cli_usage("invalid --ttl-in '%.20s': seconds from 60 to 34560000", optarg);
		} else if (cli_option(c, argv, opts, &pool_opt, NULL)) {
			return ERR_INPUT;
		}
	}
	n = argc - optind;
	if (n < 2)
		return cli_usage("expected: add RUN [INSTANCE-ID...] | get RUN...");
	what = argv[optind];
	if (strcmp(what, "add") && strcmp(what, "get"))
		return cli_usage("unknown command '%.20s': add or get", what);
	if (what[0] == 'g' && ttl_in >= 0)
		return cli_usage("--ttl-in goes with add");
	for (i = optind + 1; i < argc; i++) {
		if ((what[0] == 'g' || i == optind + 1) && !names_run_id(argv[i]))
			return cli_usage("invalid run id '%.40s': use 1-64 of A-Z a-z 0-9 _ . -", argv[i]);
		if (what[0] == 'a' && i > optind + 1 && !names_instance_id(argv[i]))
			return cli_usage("invalid instance id '%.40s': i- and 8 or 17 of 0-9 a-f", argv[i]);
	}
	if ((table = cli_pool(pool_opt)) == NULL)
		return ERR_INPUT;
	if (aws_init(&a, "dynamodb", &e))
		return cli_fail(&e, "set up DynamoDB");
	if (what[0] == 'a')
		r = add(&a, table, argv + optind + 1, n - 1, ttl_in >= 0 ? ttl_in : 86400);
	else
		r = get(&a, table, argv + optind + 1, n - 1);
	aws_free(&a);
	return r;
}

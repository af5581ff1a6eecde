/* state-get: read records by key, one line each. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "ddb.h"
#include "names.h"
#include "state.h"
#include "tools.h"
#include "whoami.h"

static const char help[] =
    "usage: state-get [--kind instance|signal|heartbeat|config|token] [--consistent] [--json] KEY...\n"
    "Reads records (instance ids, or config names with --kind config) with one\n"
    "BatchGetItem per 100 keys, and prints one line per record found:\n"
    "  instance:  id state run-id threshold resource-class instance-type usage-class\n"
    "             repository (the one it last served, after a release) updated-at\n"
    "             (epoch seconds of its last transition)\n"
    "  signal:    id signal run-id at\n"
    "  heartbeat: id at\n"
    "  config:    name value\n"
    "  token:     id purpose run-id at token (an instance's own copy, for one run)\n"
    "Tab-separated, '-' for an empty field, in the order asked; --json prints\n"
    "JSON Lines (exact values; text lines show control characters as spaces).\n"
    "  --consistent  strongly consistent reads (default: eventually consistent)\n"
    "  --pool NAME   the pool (default EC2RP_POOL, else ec2-runner-pool)\n"
    "Exit: 0 all found, 1 some not found (the rest printed), 2 bad usage,\n"
    "3 refused, 4 retries exhausted, 5 local failure.\n";

int
state_get_main(int argc, char **argv)
{
	static const struct option opts[] = { { "kind", required_argument, 0, 'k' },
		{ "consistent", no_argument, 0, 'c' }, { "json", no_argument, 0, 'j' },
		{ "pool", required_argument, 0, 'p' }, { 0, 0, 0, 0 } };
	const char *pool_opt = NULL, *table;
	int kind = KIND_INSTANCE, consistent = 0, json = 0, c, i, n, r;
	struct buf *pks, line = BUF_INIT;
	const char **keys;
	size_t nkeys = 0, k;
	struct whoami me = WHOAMI_INIT; /* the identity the keys name: asked once */
	struct aws a;
	struct err e;
	cJSON *items, *it;

	if (cli_start("state-get", argc, argv, help))
		return 0;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if (c == 'k' && (kind = state_kind(optarg)) < 0)
			return cli_usage("invalid --kind: instance, signal, heartbeat, config or token");
		else if (c == 'c')
			consistent = 1;
		else if (cli_option(c, argv, opts, &pool_opt, &json))
			return ERR_INPUT;
	}
	n = argc - optind;
	if (n < 1)
		return cli_usage("expected at least one key");
	if ((table = cli_pool(pool_opt)) == NULL)
		return ERR_INPUT;
	for (i = optind; i < argc; i++)
		if (kind == KIND_CONFIG ? !names_config(argv[i]) : !names_instance_id(argv[i]))
			return cli_usage("invalid key '%.40s': expected %s", argv[i],
			    kind == KIND_CONFIG ? "a config name (a-z 0-9 -)" : "an instance id");
	pks = calloc((size_t)n, sizeof(*pks));
	keys = calloc((size_t)n, sizeof(*keys));
	if (pks == NULL || keys == NULL) {
		err_set(&e, ERR_LOCAL, "out of memory");
		return cli_fail(&e, "read");
	}
	if (aws_init(&a, "dynamodb", &e))
		return cli_fail(&e, "set up DynamoDB");
	/* Each key once: BatchGetItem refuses a request with a duplicate key. */
	for (i = 0; i < n; i++) {
		if (whoami_pk(&a, &me, &pks[i], kind, argv[optind + i], &e))
			return cli_fail(&e, "read");
		for (k = 0; k < nkeys && strcmp(keys[k], pks[i].p) != 0; k++)
			;
		if (k == nkeys)
			keys[nkeys++] = pks[i].p;
	}
	r = ddb_batch_get(&a, table, keys, nkeys, consistent, &items, &e);
	aws_free(&a);
	if (r)
		return cli_fail(&e, "read the records");
	/* Print in the order asked, so a shell can pair answers with keys. */
	r = 0;
	for (i = 0; i < n; i++) {
		int found = 0;

		cJSON_ArrayForEach(it, items) {
			const char *pk = item_s(it, "pk");

			if (pk && strcmp(pk, pks[i].p) == 0 && state_line(it, json, &line) == 0) {
				printf("%s\n", line.p);
				buf_reset(&line);
				found = 1;
				break;
			}
		}
		if (!found)
			r = 1;
	}
	cJSON_Delete(items);
	for (i = 0; i < n; i++)
		buf_free(&pks[i]);
	free(pks);
	free(keys);
	buf_free(&line);
	return r;
}

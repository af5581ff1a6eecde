/* state-init: ensure the pool's state table exists, is active, and expires
 * records by their ttl attribute. Idempotent. */
#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "cli.h"
#include "ddb.h"
#include "names.h"
#include "tools.h"

static const char help[] =
    "usage: state-init [--pool NAME]\n"
    "Creates the pool's DynamoDB table (key pk, on demand) if it is missing,\n"
    "waits until it is ACTIVE, and enables TTL on the attribute ttl. A role\n"
    "that may not DescribeTimeToLive is refused before the table is created.\n"
    "Prints 'created' or 'unchanged'.\n"
    "  --pool NAME  the pool (default EC2RP_POOL, else ec2-runner-pool)\n"
    "Exit: 0 done, 2 bad usage, 3 refused, 4 retries exhausted, 5 local failure.\n";

static int
describe(struct aws *a, const char *table, const char **status, cJSON **resp, struct err *e)
{
	cJSON *b = cJSON_CreateObject();
	int r;

	cJSON_AddStringToObject(b, "TableName", table);
	r = ddb_call(a, "DescribeTable", b, resp, e);
	cJSON_Delete(b);
	if (r == 0) {
		const cJSON *s = cJSON_GetObjectItem(cJSON_GetObjectItem(*resp, "Table"), "TableStatus");

		*status = cJSON_IsString(s) ? s->valuestring : "";
	}
	return r;
}

int
state_init_main(int argc, char **argv)
{
	static const struct option opts[] = { { "pool", required_argument, 0, 'p' }, { 0, 0, 0, 0 } };
	const char *pool_opt = NULL, *table, *status = "";
	struct timespec pause = { 0, 200000000L };
	struct aws a;
	struct err e;
	cJSON *resp = NULL, *b;
	int c, created = 0, i, changed = 0;

	if (cli_start("state-init", argc, argv, help))
		return 0;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if (cli_option(c, argv, opts, &pool_opt, NULL))
			return ERR_INPUT;
	}
	if (optind != argc)
		return cli_usage("unexpected argument: %s", argv[optind]);
	if ((table = cli_pool(pool_opt)) == NULL)
		return ERR_INPUT;
	if (aws_init(&a, "dynamodb", &e))
		return cli_fail(&e, "set up DynamoDB");
	if (describe(&a, table, &status, &resp, &e)) {
		if (strcmp(e.code, "ResourceNotFoundException") != 0)
			goto fail;
		/* Before creating, ask what the step after it needs: a role that
		 * may not (the original action's policy lacks DescribeTimeToLive)
		 * is refused here and no table is left behind. One that may gets
		 * ResourceNotFoundException for a table not there yet. */
		b = cJSON_CreateObject();
		cJSON_AddStringToObject(b, "TableName", table);
		c = ddb_call(&a, "DescribeTimeToLive", b, NULL, &e);
		cJSON_Delete(b);
		if (c && strcmp(e.code, "ResourceNotFoundException") != 0)
			goto fail;
		b = cJSON_Parse("{\"AttributeDefinitions\":[{\"AttributeName\":\"pk\",\"AttributeType\":\"S\"}],"
		    "\"KeySchema\":[{\"AttributeName\":\"pk\",\"KeyType\":\"HASH\"}],\"BillingMode\":\"PAY_PER_REQUEST\"}");
		cJSON_AddStringToObject(b, "TableName", table);
		c = ddb_call(&a, "CreateTable", b, NULL, &e);
		cJSON_Delete(b);
		/* Another refresh may have created it a moment ago: that is fine. */
		if (c && strcmp(e.code, "ResourceInUseException") != 0)
			goto fail;
		created = c == 0;
		changed = created;
	}
	for (i = 0; strcmp(status, "ACTIVE") != 0; i++) {
		if (i == 300) {
			err_set(&e, ERR_TEMPORARY, "table %s did not become ACTIVE in 60 s", table);
			goto fail;
		}
		nanosleep(&pause, NULL);
		cJSON_Delete(resp);
		resp = NULL;
		if (describe(&a, table, &status, &resp, &e))
			goto fail;
	}
	cJSON_Delete(resp);
	resp = NULL;
	b = cJSON_CreateObject();
	cJSON_AddStringToObject(b, "TableName", table);
	if (ddb_call(&a, "DescribeTimeToLive", b, &resp, &e)) {
		cJSON_Delete(b);
		goto fail;
	}
	{
		const cJSON *s = cJSON_GetObjectItem(cJSON_GetObjectItem(resp, "TimeToLiveDescription"), "TimeToLiveStatus");

		if (!cJSON_IsString(s) || (strcmp(s->valuestring, "ENABLED") && strcmp(s->valuestring, "ENABLING"))) {
			cJSON_AddItemToObject(b, "TimeToLiveSpecification",
			    cJSON_Parse("{\"AttributeName\":\"ttl\",\"Enabled\":true}"));
			if (ddb_call(&a, "UpdateTimeToLive", b, NULL, &e)) {
				cJSON_Delete(b);
				goto fail;
			}
			changed = 1;
		}
	}
	cJSON_Delete(b);
	cJSON_Delete(resp);
	printf("%s\n", created ? "created" : changed ? "updated" : "unchanged");
	aws_free(&a);
	return 0;
fail:
	cJSON_Delete(resp);
	aws_free(&a);
	return cli_fail(&e, "ensure the state table");
}

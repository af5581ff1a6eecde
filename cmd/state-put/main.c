/* state-put: write a signal, a heartbeat or a configuration value, or
 * delete an instance's signal and heartbeat. */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "ddb.h"
#include "log.h"
#include "names.h"
#include "state.h"
#include "tools.h"
#include "whoami.h"

static const char help[] =
    "usage: state-put [--pool NAME] signal INSTANCE-ID SIGNAL [--run-id RUN] [--message TEXT]\n"
    "       state-put [--pool NAME] heartbeat INSTANCE-ID\n"
    "       state-put [--pool NAME] config NAME      (the value is read from stdin)\n"
    "       state-put [--pool NAME] delete INSTANCE-ID\n"
    "Writes one record: a signal (e.g. registered, deregistered) with its run id\n"
    "and time, a heartbeat, or a configuration value (secrets such as tokens come\n"
    "on stdin, never on the command line); delete removes an instance's signal\n"
    "and heartbeat. A signal may carry --message: what the instance says about a\n"
    "failure, one line of at most 512 bytes (control characters become spaces).\n"
    "Signals and heartbeats expire by TTL after a day. A config\n"
    "value is one line of text (a final newline is dropped), at most 64 KiB.\n"
    "Exit: 0 done, 2 bad usage, 3 refused, 4 retries exhausted, 5 local failure.\n";

static cJSON *
s_attr(const char *v)
{
	cJSON *o = cJSON_CreateObject();

	cJSON_AddStringToObject(o, "S", v);
	return o;
}

static cJSON *
n_attr(long long v)
{
	char s[32];
	cJSON *o = cJSON_CreateObject();

	snprintf(s, sizeof(s), "%lld", v);
	cJSON_AddStringToObject(o, "N", s);
	return o;
}

int
state_put_main(int argc, char **argv)
{
	static const struct option opts[] = { { "run-id", required_argument, 0, 'r' },
		{ "pool", required_argument, 0, 'p' }, { "message", required_argument, 0, 'm' }, { 0, 0, 0, 0 } };
	const char *pool_opt = NULL, *run = NULL, *table, *what, *op = "PutItem";
	char message[513] = "";
	struct buf pk = BUF_INIT, value = BUF_INIT;
	long long now = cli_now();
	cJSON *body, *item;
	struct aws a;
	struct err e;
	int c, n, r, kind;
	char chunk[4096];
	size_t got;

	if (cli_start("state-put", argc, argv, help))
		return 0;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if (c == 'r') {
			if (!names_run_id(optarg))
				return cli_usage("invalid --run-id: use 1-64 of A-Z a-z 0-9 _ . -");
			run = optarg;
		} else if (c == 'p') {
			pool_opt = optarg;
		} else if (c == 'm') {
			/* What the instance says about a failure: one line, cut to 512
			 * bytes; control characters become spaces. */
			size_t k;

			snprintf(message, sizeof(message), "%s", optarg);
			for (k = 0; message[k]; k++)
				if ((unsigned char)message[k] < 0x20 || message[k] == 0x7f)
					message[k] = ' ';
		} else {
			return cli_usage("unknown option or missing value: %.40s", argv[optind - 1]);
		}
	}
	{
		char **ops = argv + optind;

		n = argc - optind;
		if (n < 2)
			return cli_usage("expected: signal ID SIGNAL | heartbeat ID | config NAME | delete ID");
		what = ops[0];
		if ((table = names_pool_of(pool_opt)) == NULL)
			return cli_usage("invalid pool name: use 3-40 of A-Z a-z 0-9 _ -");
		if (strcmp(what, "config") == 0) {
			if (n != 2 || !names_config(ops[1]))
				return cli_usage("config takes one NAME of a-z 0-9 - (the value comes on stdin)");
			while ((got = fread(chunk, 1, sizeof(chunk), stdin)) > 0)
				if (value.len + got > 65536 || buf_add(&value, chunk, got))
					return cli_usage("the value on stdin is over 64 KiB");
			/* One line of text, so that state-get | cut -f2 gives it back:
			 * a final newline (echo) is dropped, other control characters refused. */
			if (value.len && value.p[value.len - 1] == '\n')
				value.p[--value.len] = '\0';
			if (value.len && value.p[value.len - 1] == '\r')
				value.p[--value.len] = '\0';
			if (value.len == 0)
				return cli_usage("config needs a non-empty value on stdin");
			for (got = 0; got < value.len; got++)
				if ((unsigned char)value.p[got] < 0x20 || value.p[got] == 0x7f)
					return cli_usage("the value on stdin has a control character (tab, newline, ...): "
					    "it must be one line of text");
			kind = KIND_CONFIG;
			/* registration-token, remove-token: secrets; their expiry is not. */
			if (strlen(ops[1]) > 6 && strcmp(ops[1] + strlen(ops[1]) - 6, "-token") == 0)
				log_secret(value.p);
		} else if (strcmp(what, "signal") == 0) {
			if (n != 3 || !names_instance_id(ops[1]) || !names_signal(ops[2]))
				return cli_usage("signal takes an instance id and a SIGNAL of a-z 0-9 -");
			kind = KIND_SIGNAL;
		} else if (strcmp(what, "heartbeat") == 0 || strcmp(what, "delete") == 0) {
			if (n != 2 || !names_instance_id(ops[1]))
				return cli_usage("%s takes one instance id", what);
			kind = what[0] == 'h' ? KIND_HEARTBEAT : KIND_SIGNAL;
		} else {
			return cli_usage("unknown record kind '%.20s': signal, heartbeat, config or delete", what);
		}
		if (aws_init(&a, "dynamodb", &e))
			return cli_fail(&e, "set up DynamoDB");
		if (whoami_pk(&a, &pk, kind, ops[1], &e)) {
			aws_free(&a);
			return cli_fail(&e, "write the record");
		}
		body = cJSON_CreateObject();
		cJSON_AddStringToObject(body, "TableName", table);
		if (strcmp(what, "delete") == 0) {
			/* Two deletes: the signal, then the heartbeat. */
			cJSON *key = cJSON_AddObjectToObject(body, "Key");

			op = "DeleteItem";
			cJSON_AddItemToObject(key, "pk", s_attr(pk.p));
			r = ddb_call(&a, op, body, NULL, &e);
			if (r == 0 && (r = whoami_pk(&a, &pk, KIND_HEARTBEAT, ops[1], &e)) == 0) {
				cJSON_ReplaceItemInObject(key, "pk", s_attr(pk.p));
				r = ddb_call(&a, op, body, NULL, &e);
			}
		} else {
			item = cJSON_AddObjectToObject(body, "Item");
			cJSON_AddItemToObject(item, "pk", s_attr(pk.p));
			if (kind == KIND_CONFIG) {
				cJSON_AddItemToObject(item, "value", s_attr(value.p));
				cJSON_AddItemToObject(item, "updatedAt", n_attr(now));
			} else {
				if (kind == KIND_SIGNAL)
					cJSON_AddItemToObject(item, "signal", s_attr(ops[2]));
				if (run)
					cJSON_AddItemToObject(item, "runId", s_attr(run));
				if (kind == KIND_SIGNAL && message[0])
					cJSON_AddItemToObject(item, "message", s_attr(message));
				cJSON_AddItemToObject(item, "at", n_attr(now));
				cJSON_AddItemToObject(item, "ttl", n_attr(now + 86400));
			}
			r = ddb_call(&a, op, body, NULL, &e);
		}
		cJSON_Delete(body);
		aws_free(&a);
		buf_free(&pk);
		if (value.p)
			memset(value.p, 0, value.len);
		buf_free(&value);
		return r ? cli_fail(&e, "write the record") : 0;
	}
}

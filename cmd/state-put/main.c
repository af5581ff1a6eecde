/* state-put: write a signal, a heartbeat, a configuration value or an
 * instance's token, or delete an instance's signal, heartbeat and token. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "file.h"
#include "ddb.h"
#include "log.h"
#include "names.h"
#include "state.h"
#include "text.h"
#include "tools.h"
#include "whoami.h"

static const char help[] =
    "usage: state-put [--pool NAME] signal INSTANCE-ID SIGNAL [--run-id RUN] [--message TEXT]\n"
    "       state-put [--pool NAME] heartbeat INSTANCE-ID\n"
    "       state-put [--pool NAME] config NAME      (the value is read from stdin)\n"
    "       state-put [--pool NAME] token registration --run-id RUN INSTANCE-ID...\n"
    "                                                (the token is read from stdin)\n"
    "       state-put [--pool NAME] delete INSTANCE-ID...\n"
    "       state-put [--pool NAME] delete-token INSTANCE-ID [--run-id RUN]\n"
    "Writes one record: a signal (e.g. registered, deregistered) with its run id\n"
    "and time, a heartbeat, or a configuration value (secrets such as tokens come\n"
    "on stdin, never on the command line). token gives each instance named its\n"
    "own copy of a GitHub registration token for one run, in an item\n"
    "only that instance's role can read (docs/security.md); it expires by TTL\n"
    "after an hour. The copies go 25 a call (BatchWriteItem: unconditional,\n"
    "as each is the instance's own item). delete removes an instance's signal, heartbeat and token;\n"
    "for several ids, 8 ids (24 items) a BatchWriteItem, printing INSTANCE-ID<TAB>CODE\n"
    "for each in the order given (the exit code of its call; one id: three DeleteItem);\n"
    "delete-token only its token (with --run-id, only if it is that run's).\n"
    "A signal may carry --message: what the instance says about a failure, one\n"
    "line of at most 512 bytes (control characters become spaces). Signals and\n"
    "heartbeats expire by TTL after a day. A config value or a token is one\n"
    "line of text (a final newline is dropped), at most 64 KiB.\n"
    "Exit: 0 done, 2 bad usage, 3 refused, 4 retries exhausted, 5 local failure.\n";

/* Instances a delete of several sends in one BatchWriteItem: their three
 * items each stay within the API's 25, so a call's result is theirs. */
#define DELETE_IDS (DDB_BATCH_PUTS / 3)

/* Deletes the signal, heartbeat and token of ids[0..n), DELETE_IDS a call;
 * prints each id's code. The exit code: 0, or the worst failure. */
static int
delete_all(struct aws *a, struct whoami *me, const char *table, char **ids, int n)
{
	static const int kinds[3] = { KIND_SIGNAL, KIND_HEARTBEAT, KIND_TOKEN };
	char **pks = calloc((size_t)n * 3, sizeof(*pks));
	struct buf pk = BUF_INIT;
	struct err e;
	int i, k, at, rc, worst = 0;

	for (i = 0; pks && i < n * 3; i++) {
		if (whoami_pk(a, me, &pk, kinds[i % 3], ids[i / 3], &e))
			break;
		if ((pks[i] = strdup(pk.p)) == NULL) {
			err_nomem(&e);
			break;
		}
	}
	buf_free(&pk);
	if (pks == NULL || i < n * 3) {
		if (pks == NULL)
			err_nomem(&e);
		for (k = 0; pks && k < i; k++)
			free(pks[k]);
		free(pks);
		return cli_fail(&e, "delete the records");
	}
	for (at = 0; at < n; at += DELETE_IDS) {
		int m = n - at < DELETE_IDS ? n - at : DELETE_IDS;

		rc = 0;
		if (ddb_batch_delete(a, table, (const char *const *)pks + at * 3, (size_t)m * 3, &e)) {
			log_msg(LOG_ERROR, "unable to delete the records of %s and %d more: %s", ids[at], m - 1, e.msg);
			rc = e.cls >= ERR_INPUT && e.cls <= ERR_LOCAL ? (int)e.cls : ERR_LOCAL;
		}
		for (k = at; k < at + m; k++)
			printf("%s\t%d\n", ids[k], rc);
		if (rc > worst)
			worst = rc;
	}
	for (i = 0; i < n * 3; i++)
		free(pks[i]);
	free(pks);
	return worst;
}

/* DeleteItem of the record pk. */
static int
del(struct aws *a, const char *table, const char *pk, struct err *e)
{
	cJSON *b = state_key_body(table, pk);
	int r = b ? ddb_call(a, "DeleteItem", b, NULL, e) : err_nomem(e);

	cJSON_Delete(b);
	return r;
}

int
state_put_main(int argc, char **argv)
{
	static const struct option opts[] = { { "run-id", required_argument, 0, 'r' },
		{ "pool", required_argument, 0, 'p' }, { "message", required_argument, 0, 'm' }, { 0, 0, 0, 0 } };
	const char *pool_opt = NULL, *run = NULL, *table, *what, *purpose = NULL;
	char message[513] = "";
	struct buf pk = BUF_INIT, value = BUF_INIT;
	long long now = cli_now();
	cJSON *body;
	struct whoami me = WHOAMI_INIT; /* the identity the keys name: asked once */
	struct aws a;
	struct err e;
	int c, n, r, kind;

	if (cli_start("state-put", argc, argv, help))
		return 0;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if (c == 'r') {
			if (!names_run_id(optarg))
				return cli_usage("invalid --run-id: use 1-64 of A-Z a-z 0-9 _ . -");
			run = optarg;
		} else if (c == 'm') {
			/* What the instance says about a failure: one line, cut to 512
			 * bytes; control characters become spaces. */
			snprintf(message, sizeof(message), "%s", optarg);
			text_clean_inplace(message);
		} else if (cli_option(c, argv, opts, &pool_opt, NULL)) {
			return ERR_INPUT;
		}
	}
	{
		char **ops = argv + optind;

		n = argc - optind;
		if (n < 2)
			return cli_usage("expected: signal ID SIGNAL | heartbeat ID | config NAME | token PURPOSE ID... | "
					 "delete ID... | delete-token ID");
		what = ops[0];
		if ((table = cli_pool(pool_opt)) == NULL)
			return ERR_INPUT;
		if (strcmp(what, "config") == 0 || strcmp(what, "token") == 0) {
			if (what[0] == 'c' && (n != 2 || !names_config(ops[1])))
				return cli_usage("config takes one NAME of a-z 0-9 - (the value comes on stdin)");
			if (what[0] == 't') {
				/* No remove token reaches an instance (docs/state-model.md). */
				if (strcmp(ops[1], "registration"))
					return cli_usage("token takes a PURPOSE, registration, then instance ids");
				if (n < 3)
					return cli_usage("token takes at least one instance id");
				for (c = 2; c < n; c++)
					if (!names_instance_id(ops[c]))
						return cli_usage("invalid instance id '%.40s'", ops[c]);
				if (run == NULL)
					return cli_usage("token needs --run-id: the run the instance registers for");
				purpose = ops[1];
			}
			if (file_read_stream(stdin, 65536, "the value on stdin", &value, &e))
				return e.cls == ERR_INPUT ? cli_usage("%s", e.msg) : cli_fail(&e, "read the value");
			/* One line of text, so that state-get | cut -f2 gives it back:
			 * a final newline (echo) is dropped, other control characters refused. */
			if (value.len && value.p[value.len - 1] == '\n')
				value.p[--value.len] = '\0';
			if (value.len && value.p[value.len - 1] == '\r')
				value.p[--value.len] = '\0';
			if (value.len == 0)
				return cli_usage("config needs a non-empty value on stdin");
			if (text_has_control(value.p) || strlen(value.p) != value.len)
				return cli_usage("the value on stdin has a control character (tab, newline, ...): "
					    "it must be one line of text");
			kind = purpose ? KIND_TOKEN : KIND_CONFIG;
			/* registration-token, remove-token: secrets; their expiry is not. */
			if (purpose || (strlen(ops[1]) > 6 && strcmp(ops[1] + strlen(ops[1]) - 6, "-token") == 0))
				log_secret(value.p);
		} else if (strcmp(what, "signal") == 0) {
			if (n != 3 || !names_instance_id(ops[1]) || !names_signal(ops[2]))
				return cli_usage("signal takes an instance id and a SIGNAL of a-z 0-9 -");
			kind = KIND_SIGNAL;
		} else if (strcmp(what, "delete") == 0 && n > 2) {
			/* A BatchWriteItem refuses a key twice in one call. */
			for (c = 1; c < n; c++) {
				if (!names_instance_id(ops[c]))
					return cli_usage("invalid instance id '%.40s'", ops[c]);
				for (r = 1; r < c; r++)
					if (strcmp(ops[r], ops[c]) == 0)
						return cli_usage("instance id %s given twice", ops[c]);
			}
			if (aws_init(&a, "dynamodb", &e))
				return cli_fail(&e, "set up DynamoDB");
			r = delete_all(&a, &me, table, ops + 1, n - 1);
			aws_free(&a);
			return r;
		} else if (strcmp(what, "heartbeat") == 0 || strcmp(what, "delete") == 0 ||
		    strcmp(what, "delete-token") == 0) {
			if (n != 2 || !names_instance_id(ops[1]))
				return cli_usage("%s takes one instance id", what);
			kind = what[0] == 'h' ? KIND_HEARTBEAT : strcmp(what, "delete") ? KIND_TOKEN : KIND_SIGNAL;
		} else {
			return cli_usage("unknown record kind '%.20s': signal, heartbeat, config, token, delete or "
					 "delete-token", what);
		}
		if (aws_init(&a, "dynamodb", &e))
			return cli_fail(&e, "set up DynamoDB");
		if (whoami_pk(&a, &me, &pk, kind, ops[purpose ? 2 : 1], &e)) {
			aws_free(&a);
			return cli_fail(&e, "write the record");
		}
		if (strcmp(what, "delete") == 0) {
			/* Three deletes: the signal, the heartbeat, the token. */
			r = del(&a, table, pk.p, &e);
			if (r == 0 && (r = whoami_pk(&a, &me, &pk, KIND_HEARTBEAT, ops[1], &e)) == 0)
				r = del(&a, table, pk.p, &e);
			if (r == 0 && (r = whoami_pk(&a, &me, &pk, KIND_TOKEN, ops[1], &e)) == 0)
				r = del(&a, table, pk.p, &e);
		} else if (strcmp(what, "delete-token") == 0 && run == NULL) {
			r = del(&a, table, pk.p, &e);
		} else if (strcmp(what, "delete-token") == 0) {
			/* Only that run's token: one already replaced by the next
			 * run's stays, and that is not a failure. */
			if ((body = state_token_delete_body(table, pk.p, run)) == NULL)
				r = err_nomem(&e);
			else if ((r = ddb_call(&a, "DeleteItem", body, NULL, &e)) != 0 && ddb_condition_failed(&e))
				r = 0;
			cJSON_Delete(body);
		} else if (purpose) {
			/* Each item keyed by its own instance's ARN, with no condition:
			 * one BatchWriteItem for every 25. */
			cJSON **items = calloc((size_t)n, sizeof(*items));

			r = items ? 0 : err_nomem(&e);
			for (c = 2; c < n && r == 0; c++) {
				struct state_put p = { table, pk.p, KIND_TOKEN, purpose, run, NULL, value.p, now };

				if (c > 2 && (r = whoami_pk(&a, &me, &pk, KIND_TOKEN, ops[c], &e)) != 0)
					break;
				p.pk = pk.p;
				if ((body = state_put_body(&p)) == NULL ||
				    (items[c - 2] = cJSON_DetachItemFromObject(body, "Item")) == NULL)
					r = err_nomem(&e);
				cJSON_Delete(body);
			}
			if (r == 0)
				r = ddb_batch_put(&a, table, items, (size_t)(n - 2), &e);
			for (c = 0; items && c < n - 2; c++)
				cJSON_Delete(items[c]);
			free(items);
		} else {
			struct state_put p = { table, pk.p, kind, kind == KIND_SIGNAL ? ops[2] : NULL, run, message,
				value.p, now };

			if ((body = state_put_body(&p)) == NULL)
				r = err_nomem(&e);
			else
				r = ddb_call(&a, "PutItem", body, NULL, &e);
			cJSON_Delete(body);
		}
		aws_free(&a);
		buf_free(&pk);
		if (value.p)
			memset(value.p, 0, value.len);
		buf_free(&value);
		return r ? cli_fail(&e, "write the record") : 0;
	}
}

/* state-cas: one conditional state transition of instance records. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "caslist.h"
#include "cli.h"
#include "ddb.h"
#include "file.h"
#include "log.h"
#include "names.h"
#include "poolmsg.h"
#include "num.h"
#include "par.h"
#include "state.h"
#include "tools.h"

static const char help[] =
    "usage: state-cas [options] INSTANCE-ID... FROM TO\n"
    "       state-cas [options] --each FILE TO\n"
    "Moves the instance's record from state FROM to TO with one conditional\n"
    "write (docs/state-model.md). FROM 'none' creates the record. Transitions:\n"
    "  none->created  created->running  claimed->running  running->idle\n"
    "  idle->claimed  claimed->idle  created|running|idle|claimed->terminated\n"
    "  none->idle (a warm instance: no run id, no repository)\n"
    "Options:\n"
    "  --run-id RUN          the run id the condition checks (or the claim sets)\n"
    "  --threshold-in SEC    new threshold: now + SEC\n"
    "  --threshold EPOCH     new threshold, absolute\n"
    "  (one of the two is required, except for ->terminated, which sets none)\n"
    "  --resource-class C, --instance-type T, --usage-class U   (creation; the\n"
    "                        class is also a condition of idle -> claimed)\n"
    "  --repository R        the run's repository (OWNER/NAME): stored by none ->\n"
    "                        created, idle -> claimed and -> idle; -> idle and\n"
    "                        -> terminated then need the record to name R\n"
    "  --same-repository     idle -> claimed only if no run has used the instance\n"
    "                        or the last one was of --repository R\n"
    "  --pool NAME           the pool (default EC2RP_POOL, else ec2-runner-pool)\n"
    "A condition that fails after a retry is checked against the record: a first\n"
    "attempt carried out though its answer was lost counts as moved.\n"
    "Several ids: the same move for each, each its own conditional write (one\n"
    "lost race takes nothing from the others), sent over up to 8 connections\n"
    "at once; prints INSTANCE-ID<TAB>CODE for each, in the order given: the\n"
    "exit code a call for that id alone would have had (a failure's reason goes\n"
    "to stderr).\n"
    "--each FILE: a move a line of FILE ('-': stdin), ID<TAB>FROM<TAB>RUN (RUN '-'\n"
    "for none), each the write 'state-cas --run-id RUN ID FROM TO' sends, over the\n"
    "same connections, with the same output; one bad line: exit 2, nothing sent.\n"
    "Exit: 0 moved (all of them), 1 the condition failed (lost the race; with\n"
    "several ids: some lost, none failed), 2 bad usage (nothing sent), 3 refused,\n"
    "4 retries exhausted, 5 local failure (with several ids: the worst failure).\n";

/* 1 if a strongly consistent read of the record shows the write c made. */
static int
applied(struct aws *a, const struct state_cas *c)
{
	struct buf pk = BUF_INIT;
	cJSON *items = NULL;
	struct err e;
	int yes = 0;

	if (state_pk(&pk, KIND_INSTANCE, c->id) == 0) {
		const char *key = pk.p;

		if (ddb_batch_get(a, c->table, &key, 1, 1, &items, &e) == 0)
			yes = state_cas_applied(c, cJSON_GetArrayItem(items, 0));
	}
	cJSON_Delete(items);
	buf_free(&pk);
	return yes;
}

/* Many ids: one move each, over a few connections at once. */
struct batch {
	const struct state_cas *cas; /* each item's move */
	int *rc;                     /* per id: 0 moved, 1 lost, else the exit code */
	struct aws *aws;             /* per worker */
	int *ready;                  /* per worker: 1 set up, -1 could not be */
};

/* One id's move on a's connection: 0 moved, 1 lost, -1 failed (e set). */
static int
move(struct aws *a, const struct state_cas *cas, struct err *e)
{
	const char *op;
	cJSON *body = state_cas_body(cas, &op);
	long retries = a->retries;
	int r;

	if (body == NULL)
		return err_nomem(e);
	r = ddb_call(a, op, body, NULL, e);
	cJSON_Delete(body);
	/* After a retry the failed condition may be our own first attempt,
	 * carried out though its answer was lost: the record tells. */
	if (r && ddb_condition_failed(e) && a->retries > retries && applied(a, cas))
		r = 0;
	if (r == 0)
		return 0;
	return ddb_condition_failed(e) ? 1 : -1;
}

static void
move_one(void *ctx, size_t i, int w)
{
	struct batch *b = ctx;
	struct state_cas cas = b->cas[i];
	struct err e;
	int r;

	if (b->ready[w] == 0)
		b->ready[w] = aws_init(&b->aws[w], "dynamodb", &e) ? -1 : 1;
	if (b->ready[w] < 0) {
		b->rc[i] = ERR_LOCAL;
		return;
	}
	r = move(&b->aws[w], &cas, &e);
	if (r < 0) {
		log_msg(LOG_ERROR, "%s: unable to change the state: %s", cas.id, e.msg);
		r = e.cls >= ERR_INPUT && e.cls <= ERR_LOCAL ? (int)e.cls : ERR_LOCAL;
	}
	b->rc[i] = r;
}

/* Makes the moves cas[0..n); prints each one's result. The exit code: 0
 * all moved, 1 some lost and none failed, else the worst failure. */
static int
move_all(const struct state_cas *cas, int n)
{
	struct aws aws[PAR_MAX];
	int ready[PAR_MAX] = { 0 };
	struct batch b = { cas, NULL, aws, ready };
	int i, worst = 0;

	if ((b.rc = calloc((size_t)n, sizeof(*b.rc))) == NULL) {
		log_msg(LOG_ERROR, "out of memory");
		return ERR_LOCAL;
	}
	par_run((size_t)n, PAR_MAX, move_one, &b);
	for (i = 0; i < PAR_MAX; i++)
		if (ready[i] > 0)
			aws_free(&aws[i]);
	for (i = 0; i < n; i++) {
		printf("%s\t%d\n", cas[i].id, b.rc[i]);
		if (b.rc[i] > worst)
			worst = b.rc[i];
	}
	free(b.rc);
	return worst;
}

/* The same move for ids[0..n). */
static int
move_ids(const struct state_cas *cas, char **ids, int n)
{
	struct state_cas *each = calloc((size_t)n, sizeof(*each));
	int i, r;

	if (each == NULL) {
		log_msg(LOG_ERROR, "out of memory");
		return ERR_LOCAL;
	}
	for (i = 0; i < n; i++) {
		each[i] = *cas;
		each[i].id = ids[i];
	}
	r = move_all(each, n);
	free(each);
	return r;
}

/* The moves of the list in path ('-': stdin), each with its own id,
 * from-state and run id and cas's other fields; every line is checked
 * before the first is sent. */
static int
move_each(const struct state_cas *cas, const char *path)
{
	struct buf text = BUF_INIT;
	struct caslist_move *m = NULL;
	struct state_cas *each = NULL;
	struct err e;
	size_t n = 0, i;
	int r;

	/* A line is at most 96 bytes (an id of 19, a state, a run id of 64). */
	r = strcmp(path, "-") ? file_read(path, CASLIST_MAX * 100, "--each", &text, &e)
	                      : file_read_stream(stdin, CASLIST_MAX * 100, "--each", &text, &e);
	if (r == 0)
		r = caslist_parse(text.p, cas->to, &m, &n, &e);
	for (i = 0; r == 0 && i < n; i++)
		if (m[i].from == ST_NONE && cas->to == ST_IDLE && cas->repository) {
			r = -1;
			err_set(&e, ERR_INPUT, "line %zu: none -> idle is a warm instance: no --repository", i + 1);
		}
	if (r == 0 && n > 0 && (each = calloc(n, sizeof(*each))) == NULL)
		r = err_nomem(&e);
	if (r) {
		buf_free(&text);
		free(m);
		return e.cls == ERR_INPUT ? cli_usage("--each %.200s: %s", path, e.msg) : cli_fail(&e, "read --each");
	}
	for (i = 0; i < n; i++) {
		each[i] = *cas;
		each[i].id = m[i].id;
		each[i].from = m[i].from;
		each[i].run_id = m[i].run_id;
	}
	r = n ? move_all(each, (int)n) : 0;
	free(each);
	free(m);
	buf_free(&text);
	return r;
}

int
state_cas_main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "run-id", required_argument, 0, 'r' }, { "threshold-in", required_argument, 0, 'i' },
		{ "threshold", required_argument, 0, 't' }, { "resource-class", required_argument, 0, 'c' },
		{ "instance-type", required_argument, 0, 'y' }, { "usage-class", required_argument, 0, 'u' },
		{ "pool", required_argument, 0, 'p' }, { "repository", required_argument, 0, 'R' },
		{ "same-repository", no_argument, 0, 'S' }, { "each", required_argument, 0, 'e' }, { 0, 0, 0, 0 } };
	struct state_cas cas;
	const char *pool_opt = NULL, *each = NULL, *from_s = "FROM", *to_s;
	long long v, in_sec = -1, at = -1;
	struct aws a;
	struct err e;
	int c, r, nids;

	if (cli_start("state-cas", argc, argv, help))
		return 0;
	memset(&cas, 0, sizeof(cas));
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'r':
			if (!names_run_id(optarg))
				return cli_usage("invalid --run-id: use 1-64 of A-Z a-z 0-9 _ . -");
			cas.run_id = optarg;
			break;
		case 'i':
			if (num_parse(optarg, 0, 400LL * 86400, &in_sec))
				return cli_usage("invalid --threshold-in: seconds from 0 to 34560000");
			break;
		case 't':
			if (num_parse(optarg, 0, 253402300799LL, &v))
				return cli_usage("invalid --threshold: epoch seconds");
			at = v;
			break;
		case 'c':
			if (!names_class(optarg))
				return cli_usage("invalid --resource-class: use 1-32 of a-z 0-9 -");
			cas.resource_class = optarg;
			break;
		case 'y':
			if (strlen(optarg) > 32 || strspn(optarg, "abcdefghijklmnopqrstuvwxyz0123456789.-") != strlen(optarg))
				return cli_usage("invalid --instance-type");
			cas.instance_type = optarg;
			break;
		case 'u':
			if (strcmp(optarg, "spot") && strcmp(optarg, "on-demand"))
				return cli_usage("invalid --usage-class: spot or on-demand");
			cas.usage_class = optarg;
			break;
		case 'R':
			if (!poolmsg_valid_repo(optarg))
				return cli_usage("invalid --repository: OWNER/NAME");
			cas.repository = optarg;
			break;
		case 'S':
			cas.same_repository = 1;
			break;
		case 'e':
			each = optarg;
			break;
		default:
			if (cli_option(c, argv, opts, &pool_opt, NULL))
				return ERR_INPUT;
		}
	}
	if (each && argc - optind != 1)
		return cli_usage("expected --each FILE TO (FILE gives the ids, their from-states and run ids)");
	if (each && cas.run_id)
		return cli_usage("--each takes each id's run id from FILE: no --run-id");
	if (!each && argc - optind < 3)
		return cli_usage("expected INSTANCE-ID... FROM TO");
	to_s = argv[argc - 1];
	cas.to = state_parse(to_s);
	nids = argc - optind - 2;
	if (!each) {
		from_s = argv[argc - 2];
		cas.id = argv[optind];
		cas.from = state_parse(from_s);
		for (c = optind; c < argc - 2; c++)
			if (!names_instance_id(argv[c]))
				return cli_usage("invalid instance id: expected i- and 8 or 17 hex digits");
	}
	if (cas.from < 0 || cas.to < 0)
		return cli_usage("unknown state: use none, created, running, idle, claimed, terminated");
	/* With --each, these three are each line's (lib/caslist.h). */
	if (!each && !state_allowed(cas.from, cas.to))
		return cli_usage("no such transition: %s -> %s", from_s, to_s);
	if (!each && cas.from == ST_NONE && cas.to == ST_IDLE && (cas.run_id || cas.repository))
		return cli_usage("none -> idle is a warm instance: no --run-id, no --repository");
	if (!each && cas.run_id == NULL && cas.to != ST_TERMINATED && cas.to != ST_CREATED && cas.from != ST_NONE)
		return cli_usage("--run-id is required for %s -> %s", from_s, to_s);
	/* A forgotten threshold would default to now: a record expired at birth. */
	if (in_sec >= 0 && at >= 0)
		return cli_usage("give --threshold-in or --threshold, not both");
	if (in_sec < 0 && at < 0 && cas.to != ST_TERMINATED)
		return cli_usage("--threshold-in or --threshold is required for %s -> %s", from_s, to_s);
	if (cas.repository && cas.to == ST_RUNNING)
		return cli_usage("--repository goes with none -> created, idle -> claimed, -> idle or -> terminated");
	if (cas.same_repository && (cas.to != ST_CLAIMED || cas.repository == NULL))
		return cli_usage("--same-repository goes with idle -> claimed and --repository");
	if ((in_sec >= 0 || at >= 0) && cas.to == ST_TERMINATED)
		return cli_usage("-> terminated sets no threshold");
	if ((cas.table = cli_pool(pool_opt)) == NULL)
		return ERR_INPUT;
	cas.now = cli_now();
	cas.threshold = at >= 0 ? at : cas.now + (in_sec > 0 ? in_sec : 0);
	if (each)
		return move_each(&cas, each);
	if (nids > 1)
		return move_ids(&cas, argv + optind, nids);
	if (aws_init(&a, "dynamodb", &e))
		return cli_fail(&e, "set up DynamoDB");
	r = move(&a, &cas, &e);
	aws_free(&a);
	if (r >= 0)
		return r;
	return cli_fail(&e, "change the state");
}

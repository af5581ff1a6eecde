/* pool-status: the pool at a glance. Reads only. */
#include <getopt.h>
#include <stdio.h>

#include "cli.h"
#include "names.h"
#include "poolread.h"
#include "rclass.h"
#include "tools.h"

static const char help[] =
    "usage: pool-status [--json | --markdown] [--pool NAME] [CLASS...]\n"
    "Shows the pool at a glance: per resource class the instances created,\n"
    "claimed, running and idle (not expired), the expired ones, the messages\n"
    "queued (the class queue's ApproximateNumberOfMessages) and the idle\n"
    "instance longest idle; the instances of each run id; and the records the\n"
    "next refresh terminates. Reads only: one strongly consistent Scan of the\n"
    "table (live instance records, heartbeats, the signals runner-exited,\n"
    "spot-interrupted, repool-denied and terminate-denied), then each queue's\n"
    "count.\n"
    "Shows the classes named and every class a record carries ('-' for records\n"
    "without one); a class without a queue shows queued '-'.\n"
    "Expired is refresh's rule: a record not terminated whose threshold is\n"
    "before now (state-scan --expired). refresh marks it terminated and\n"
    "terminates the instance, or retires the record if EC2 no longer runs it.\n"
    "Orphans (instances EC2 runs without a live record) need EC2: ec2-list.\n"
    "Output, one record a line, tab-separated, after '#' lines naming the\n"
    "fields (times in seconds, '-' when unknown):\n"
    "  pool      NAME NOW(epoch) INSTANCES\n"
    "  class     CLASS CREATED CLAIMED RUNNING IDLE EXPIRED QUEUED\n"
    "            OLDEST-IDLE-ID OLDEST-IDLE-AGE      (one per class, by name)\n"
    "  instance  RUN-ID ID CLASS STATE AGE HEARTBEAT-AGE THRESHOLD-IN TYPE USAGE\n"
    "            (each instance with a run id, by run id; AGE: time in its state)\n"
    "  expired   ID CLASS STATE RUN-ID EXPIRED-FOR terminate\n"
    "  stopped   ID CLASS STATE SIGNAL SIGNAL-RUN-ID [MISSING-PERMISSION]\n"
    "            (an instance that cannot serve: its agent signalled\n"
    "            runner-exited, its runner's listener ended, or\n"
    "            spot-interrupted; or its role was refused what it needs:\n"
    "            repool-denied sqs:SendMessage, terminate-denied\n"
    "            ec2:TerminateInstances; never returned to the pool)\n"
    "Options:\n"
    "  --json                JSON Lines: the same records as objects, \"kind\"\n"
    "                        first; unknown numbers are null\n"
    "  --markdown            tables for a GitHub step summary\n"
    "  --pool NAME           the pool (default EC2RP_POOL, else ec2-runner-pool)\n"
    "Exit codes:\n"
    "  0 shown (an empty pool too), 2 bad usage (no request made), 3 refused\n"
    "  (e.g. no such table), 4 retries exhausted, 5 local failure. Nothing is\n"
    "  printed unless every read succeeded.\n";

int
pool_status_main(int argc, char **argv)
{
	static const struct option opts[] = { { "json", no_argument, 0, 'j' }, { "markdown", no_argument, 0, 'm' },
		{ "pool", required_argument, 0, 'p' }, { 0, 0, 0, 0 } };
	const char *pool_opt = NULL, *pool;
	struct poolstatus ps = POOLSTATUS_INIT;
	struct buf out = BUF_INIT;
	int c, i, format = POOLSTATUS_TSV;
	struct aws a;
	struct err e;

	if (cli_start("pool-status", argc, argv, help))
		return 0;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if (c == 'j' || c == 'm') {
			if (format != POOLSTATUS_TSV)
				return cli_usage("--json and --markdown are one or the other");
			format = c == 'j' ? POOLSTATUS_JSON : POOLSTATUS_MARKDOWN;
		} else if (cli_option(c, argv, opts, &pool_opt, NULL)) {
			return ERR_INPUT;
		}
	}
	if (argc - optind > RCLASS_MAX)
		return cli_usage("at most %d resource classes", RCLASS_MAX);
	for (i = optind; i < argc; i++)
		if (!names_class(argv[i]))
			return cli_usage("invalid resource class '%.40s': use 1-32 of a-z 0-9 -", argv[i]);
	if ((pool = cli_pool(pool_opt)) == NULL)
		return 2;
	if (aws_init(&a, "dynamodb", &e))
		return cli_fail(&e, "set up DynamoDB");
	c = poolread_status(&a, pool, (const char *const *)argv + optind, (size_t)(argc - optind), cli_now(), &ps, &e);
	aws_free(&a);
	if (c)
		return cli_fail(&e, "read the pool's status");
	c = poolstatus_render(&ps, pool, format, &out);
	poolstatus_free(&ps);
	if (c) {
		buf_free(&out);
		err_set(&e, ERR_LOCAL, "out of memory");
		return cli_fail(&e, "show the pool's status");
	}
	fputs(out.p, stdout);
	buf_free(&out);
	return 0;
}

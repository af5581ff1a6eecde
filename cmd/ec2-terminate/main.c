/* ec2-terminate: terminate instances, in one call, else one by one; with
 * --pool, only those EC2 shows under the pool's tag. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>

#include "cli.h"
#include "ec2.h"
#include "names.h"
#include "tools.h"

static const char help[] =
    "usage: ec2-terminate [--pool NAME] [--fresh] INSTANCE-ID...\n"
    "Terminates the instances with one TerminateInstances call (per 1000 ids);\n"
    "if EC2 refuses the batch (an unknown id, a forbidden one), one call per\n"
    "instance. Prints id<TAB>previous-state<TAB>current-state; an instance EC2\n"
    "no longer knows is 'gone<TAB>gone', which is not an error; one EC2 refused\n"
    "is 'error<TAB>CODE'.\n"
    "  --pool NAME   the guard: first looks the ids up (DescribeInstances) and\n"
    "                terminates only those EC2 shows tagged with pool NAME; the\n"
    "                others are 'refused<TAB>not-in-pool' and left alone (all\n"
    "                are 'refused<TAB>pool-lookup-failed' if the look-up fails)\n"
    "  --fresh       the ids were launched moments ago: EC2 may not know them\n"
    "                yet (eventual consistency), so that is never 'gone'; each\n"
    "                is looked up (with --pool) and terminated again after\n"
    "                waits of 2 s doubling, up to EC2RP_FRESH_WAIT_SEC (300) in\n"
    "                all, until EC2 answers a state for it; one it never knows\n"
    "                is 'error<TAB>InvalidInstanceID.NotFound' (exit 4)\n"
    "Exit: 0 all terminating or gone, 2 bad usage (nothing sent), 3 refused\n"
    "(by EC2, or by the guard), 4 retries exhausted, 5 local failure.\n";

int
ec2_terminate_main(int argc, char **argv)
{
	static const struct option opts[] = { { "pool", required_argument, 0, 'p' }, { "fresh", no_argument, 0, 'f' },
		{ 0, 0, 0, 0 } };
	const char *pool_opt = NULL, *pool = NULL;
	struct terminate_state *out;
	struct aws a;
	struct err e;
	long fresh_ms = 0;
	int c, i, n, r;

	if (cli_start("ec2-terminate", argc, argv, help))
		return 0;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if (c == 'f') {
			if (cli_fresh_ms(&fresh_ms))
				return ERR_INPUT;
		} else if (cli_option(c, argv, opts, &pool_opt, NULL)) {
			return ERR_INPUT;
		}
	}
	/* Without --pool no guard: EC2RP_POOL does not turn it on. */
	if (pool_opt && (pool = cli_pool(pool_opt)) == NULL)
		return ERR_INPUT;
	n = argc - optind;
	if (n < 1)
		return cli_usage("expected at least one instance id");
	for (i = optind; i < argc; i++)
		if (!names_instance_id(argv[i]))
			return cli_usage("invalid instance id '%.40s'", argv[i]);
	if ((out = calloc((size_t)n, sizeof(*out))) == NULL) {
		err_set(&e, ERR_LOCAL, "out of memory");
		return cli_fail(&e, "terminate");
	}
	if (aws_init(&a, "ec2", &e)) {
		free(out);
		return cli_fail(&e, "set up EC2");
	}
	r = ec2_terminate(&a, argv + optind, n, pool, fresh_ms, out, &e);
	aws_free(&a);
	for (i = 0; i < n; i++)
		printf("%s\t%s\t%s\n", argv[optind + i], out[i].prev, out[i].cur);
	free(out);
	return r ? cli_fail(&e, "terminate") : 0;
}

/* ec2-terminate: terminate instances, in one call, else one by one. */
#include <stdio.h>

#include "cli.h"
#include "ec2.h"
#include "names.h"

static const char help[] =
    "usage: ec2-terminate INSTANCE-ID...\n"
    "Terminates the instances with one TerminateInstances call (per 1000 ids);\n"
    "if EC2 refuses the batch (an unknown id, a forbidden one), one call per\n"
    "instance. Prints id<TAB>previous-state<TAB>current-state; an instance EC2\n"
    "no longer knows is 'gone<TAB>gone', which is not an error; one EC2 refused\n"
    "is 'error<TAB>CODE'.\n"
    "Exit: 0 all terminating or gone, 2 bad usage (nothing sent), 3 refused,\n"
    "4 retries exhausted, 5 local failure.\n";

int
ec2_terminate_main(int argc, char **argv)
{
	struct aws a;
	struct err e;
	int i, r;

	if (cli_start("ec2-terminate", argc, argv, help))
		return 0;
	if (argc < 2)
		return cli_usage("expected at least one instance id");
	for (i = 1; i < argc; i++)
		if (!names_instance_id(argv[i]))
			return cli_usage("invalid instance id '%.40s'", argv[i]);
	if (aws_init(&a, "ec2", &e))
		return cli_fail(&e, "set up EC2");
	r = ec2_terminate(&a, argv + 1, argc - 1, 1, &e);
	aws_free(&a);
	return r ? cli_fail(&e, "terminate") : 0;
}

/* iam-get-role: whether the account has a role, by IAM's GetRole. */
#include <getopt.h>
#include <stdio.h>

#include "cli.h"
#include "iamrole.h"
#include "tools.h"

static const char help[] =
    "usage: iam-get-role ROLE-NAME\n"
    "Looks the role up (IAM GetRole) and prints its ARN. For spot pools:\n"
    "iam-get-role " IAMROLE_SPOT ", the service-linked role EC2 needs\n"
    "to launch Spot Instances.\n"
    "Exit: 0 the role exists, 1 the account has no such role (NoSuchEntity),\n"
    "2 bad usage (nothing sent), 3 refused (e.g. no iam:GetRole), 4 retries\n"
    "exhausted, 5 local failure.\n";

int
iam_get_role_main(int argc, char **argv)
{
	static const struct option opts[] = { { 0, 0, 0, 0 } };
	char arn[2048];
	struct aws a;
	struct err e;
	int c;

	if (cli_start("iam-get-role", argc, argv, help))
		return 0;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1)
		if (cli_option(c, argv, opts, NULL, NULL))
			return ERR_INPUT;
	if (argc - optind != 1)
		return cli_usage("expected one role name");
	if (!iamrole_valid_name(argv[optind]))
		return cli_usage("invalid role name '%.70s': 1-64 of A-Z a-z 0-9 + = , . @ _ -", argv[optind]);
	if (aws_init(&a, "iam", &e))
		return cli_fail(&e, "set up IAM");
	c = iamrole_get(&a, argv[optind], arn, sizeof(arn), &e);
	aws_free(&a);
	if (c < 0)
		return cli_fail(&e, "get the role");
	if (c == 0)
		return 1;
	printf("%s\n", arn);
	return 0;
}

/* ec2-subnets: the subnets a pool launches into, as EC2 shows them, and
 * whether they can serve one fleet. */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "ec2.h"
#include "names.h"
#include "tools.h"

static const char help[] =
    "usage: ec2-subnets [--check] SUBNET-ID...\n"
    "Looks up 1-20 subnets (DescribeSubnets) and prints\n"
    "id<TAB>vpc-id<TAB>availability-zone for each.\n"
    "  --check   print nothing when they can serve one EC2 Fleet: EC2 knows\n"
    "            each, all in one VPC, at most one per Availability Zone (a\n"
    "            fleet cannot span two subnets of one zone), none given twice;\n"
    "            else one line saying why, naming the subnet or the pair, and\n"
    "            exit 1 (an unknown subnet is EC2's InvalidSubnetID.NotFound)\n"
    "Exit: 0 listed (or usable), 1 not usable together (--check), 2 bad usage\n"
    "(nothing sent), 3 refused (an unknown subnet without --check), 4 retries\n"
    "exhausted, 5 local failure.\n";

int
ec2_subnets_main(int argc, char **argv)
{
	static const struct option opts[] = { { "check", no_argument, 0, 'c' }, { 0, 0, 0, 0 } };
	struct subnets_row rows[SUBNETS_MAX];
	char why[256];
	int c, i, n, check = 0;
	struct aws a;
	struct err e;

	if (cli_start("ec2-subnets", argc, argv, help))
		return 0;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if (c == 'c')
			check = 1;
		else if (cli_option(c, argv, opts, NULL, NULL))
			return ERR_INPUT;
	}
	n = argc - optind;
	if (n < 1 || n > SUBNETS_MAX)
		return cli_usage("expected 1 to %d subnet ids", SUBNETS_MAX);
	for (i = optind; i < argc; i++)
		if (!names_ec2_id(argv[i], "subnet-"))
			return cli_usage("invalid subnet id '%.40s'", argv[i]);
	/* Twice is no question for EC2: answered before any call. */
	if (check && subnets_check(argv + optind, n, NULL, 0, why, sizeof(why))) {
		printf("%s\n", why);
		return 1;
	}
	if (aws_init(&a, "ec2", &e))
		return cli_fail(&e, "set up EC2");
	c = ec2_subnets(&a, argv + optind, n, rows, &e);
	aws_free(&a);
	if (c < 0 && check && strcmp(e.code, "InvalidSubnetID.NotFound") == 0) {
		printf("%s\n", e.msg); /* EC2's words, with its code */
		return 1;
	}
	if (c < 0)
		return cli_fail(&e, "describe the subnets");
	if (check) {
		if (subnets_check(argv + optind, n, rows, c, why, sizeof(why)) == 0)
			return 0;
		printf("%s\n", why);
		return 1;
	}
	for (i = 0; i < c; i++)
		printf("%s\t%s\t%s\n", rows[i].id, rows[i].vpc[0] ? rows[i].vpc : "-", rows[i].zone[0] ? rows[i].zone : "-");
	return 0;
}

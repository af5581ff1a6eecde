/* ec2-launch: N instances in one CreateFleet (instant), all or nothing. */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "ec2.h"
#include "names.h"
#include "poolmsg.h"
#include "query.h"
#include "rclass.h"

static const char help[] =
    "usage: ec2-launch --count N --resource-class CLASS --run-id RUN [options]\n"
    "       ec2-launch --list-classes [--class-config JSON]\n"
    "Launches N instances with one CreateFleet (type instant) from the pool's\n"
    "launch template: the class gives the vCPU count and the least memory, the\n"
    "globs the allowed types, one override per subnet. Tags: pool, run id, class.\n"
    "All or nothing: if fewer than N come back, those are terminated.\n"
    "Prints id<TAB>instance-type<TAB>subnet per instance.\n"
    "  --class-config JSON  {\"CLASS\": {\"cpu\": N, \"mem\": MiB}, ...} on top of the\n"
    "                       built-in small, medium, large, xlarge, 2xlarge\n"
    "  --subnet-ids a,b     subnets, one override each\n"
    "  --usage-class U      spot or on-demand (default on-demand)\n"
    "  --allowed-types G    comma-separated instance-type globs\n"
    "  --template NAME      launch template (default: the pool's name)\n"
    "  --pool NAME          the pool (default EC2RP_POOL, else ec2-runner-pool)\n"
    "Exit: 0 all launched, 2 bad usage, 3 refused, 4 no capacity or retries\n"
    "exhausted (nothing left running), 5 local failure.\n";

static int
capacity_code(const char *c)
{
	return strstr(c, "InsufficientInstanceCapacity") || strstr(c, "InsufficientCapacity") ||
	    strcmp(c, "MaxSpotInstanceCountExceeded") == 0 || strcmp(c, "SpotMaxPriceTooLow") == 0 ||
	    strcmp(c, "UnfulfillableCapacity") == 0;
}

int
ec2_launch_main(int argc, char **argv)
{
	static const struct option opts[] = { { "count", required_argument, 0, 'n' },
		{ "resource-class", required_argument, 0, 'c' }, { "run-id", required_argument, 0, 'r' },
		{ "class-config", required_argument, 0, 'C' }, { "subnet-ids", required_argument, 0, 's' },
		{ "usage-class", required_argument, 0, 'u' }, { "allowed-types", required_argument, 0, 't' },
		{ "template", required_argument, 0, 'T' }, { "pool", required_argument, 0, 'p' },
		{ "list-classes", no_argument, 0, 'L' }, { 0, 0, 0, 0 } };
	const char *pool_opt = NULL, *pool, *cname = NULL, *run = NULL, *config = NULL, *subnets = "";
	const char *usage = "on-demand", *globs = "", *template = NULL;
	char *ids[100];
	char code[128] = "";
	long long count = 0;
	int c, list = 0, n = 0, sub;
	const struct rclass *rc;
	struct rclass_set set;
	struct buf b = BUF_INIT, out = BUF_INIT;
	struct xml *doc = NULL, *it, *id;
	struct aws a;
	struct err e;
	char num[32];

	if (cli_start("ec2-launch", argc, argv, help))
		return 0;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if (c == 'n' && cli_int(optarg, 1, 100, &count))
			return cli_usage("invalid --count: 1 to 100");
		else if (c == 'c')
			cname = optarg;
		else if (c == 'r')
			run = optarg;
		else if (c == 'C')
			config = optarg;
		else if (c == 's')
			subnets = optarg;
		else if (c == 'u')
			usage = optarg;
		else if (c == 't')
			globs = optarg;
		else if (c == 'T')
			template = optarg;
		else if (c == 'p')
			pool_opt = optarg;
		else if (c == 'L')
			list = 1;
		else if (c == '?')
			return cli_usage("unknown option or missing value: %.40s", argv[optind - 1]);
	}
	if (optind != argc)
		return cli_usage("unexpected argument: %.40s", argv[optind]);
	if (rclass_load(&set, config, &e))
		return cli_usage("invalid --class-config: %s", e.msg);
	if (list) {
		size_t i;

		for (i = 0; i < set.n; i++)
			printf("%s\n", set.c[i].name);
		return 0;
	}
	if (count == 0)
		return cli_usage("--count is required");
	if (cname == NULL || (rc = rclass_find(&set, cname)) == NULL)
		return cli_usage("--resource-class must name a known class (see --list-classes)");
	if (run == NULL || !names_run_id(run))
		return cli_usage("--run-id is required: 1-64 of A-Z a-z 0-9 _ . -");
	if (*subnets && !ec2_valid_ids(subnets, "subnet-"))
		return cli_usage("invalid --subnet-ids: comma-separated subnet-<hex> ids");
	if (strcmp(usage, "spot") && strcmp(usage, "on-demand"))
		return cli_usage("invalid --usage-class: spot or on-demand");
	if (*globs && !poolmsg_valid_globs(globs))
		return cli_usage("invalid --allowed-types: comma-separated globs of a-z 0-9 . - * ?");
	if ((pool = names_pool_of(pool_opt)) == NULL)
		return cli_usage("invalid pool name: use 1-40 of A-Z a-z 0-9 _ -");
	if (template && !names_pool(template))
		return cli_usage("invalid --template name");

	query_add(&b, "Action", "CreateFleet");
	query_add(&b, "Version", EC2_VERSION);
	query_add(&b, "Type", "instant");
	snprintf(num, sizeof(num), "%lld", count);
	query_add(&b, "TargetCapacitySpecification.TotalTargetCapacity", num);
	query_add(&b, "TargetCapacitySpecification.DefaultTargetCapacityType", usage);
	if (strcmp(usage, "spot") == 0)
		query_add(&b, "SpotOptions.AllocationStrategy", "price-capacity-optimized");
	query_add(&b, "LaunchTemplateConfigs.1.LaunchTemplateSpecification.LaunchTemplateName", template ? template : pool);
	query_add(&b, "LaunchTemplateConfigs.1.LaunchTemplateSpecification.Version", "$Default");
	/* One override per subnet (or one without a subnet), each with the requirements. */
	for (sub = 1; sub == 1 || *subnets; sub++) {
		const char *pre = "LaunchTemplateConfigs.1.Overrides";
		const char *g = globs;
		int j = 1;

		if (*subnets) {
			size_t len = strcspn(subnets, ",");
			char s[32];

			snprintf(s, sizeof(s), "%.*s", (int)len, subnets);
			query_addf(&b, s, "%s.%d.SubnetId", pre, sub);
			subnets += len + (subnets[len] == ',');
		}
		snprintf(num, sizeof(num), "%d", rc->cpu);
		query_addf(&b, num, "%s.%d.InstanceRequirements.VCpuCount.Min", pre, sub);
		query_addf(&b, num, "%s.%d.InstanceRequirements.VCpuCount.Max", pre, sub);
		snprintf(num, sizeof(num), "%d", rc->mem);
		query_addf(&b, num, "%s.%d.InstanceRequirements.MemoryMiB.Min", pre, sub);
		while (*g) {
			size_t len = strcspn(g, ",");
			char one[64];

			snprintf(one, sizeof(one), "%.*s", (int)len, g);
			query_addf(&b, one, "%s.%d.InstanceRequirements.AllowedInstanceTypes.%d", pre, sub, j++);
			g += len + (g[len] == ',');
		}
	}
	query_add(&b, "TagSpecification.1.ResourceType", "instance");
	query_add(&b, "TagSpecification.1.Tag.1.Key", EC2_TAG_POOL);
	query_add(&b, "TagSpecification.1.Tag.1.Value", pool);
	query_add(&b, "TagSpecification.1.Tag.2.Key", EC2_TAG_RUN);
	query_add(&b, "TagSpecification.1.Tag.2.Value", run);
	query_add(&b, "TagSpecification.1.Tag.3.Key", EC2_TAG_CLASS);
	query_add(&b, "TagSpecification.1.Tag.3.Value", rc->name);

	if (aws_init(&a, "ec2", &e))
		return cli_fail(&e, "set up EC2");
	if (aws_query(&a, b.p, &doc, &e)) {
		aws_free(&a);
		return cli_fail(&e, "create the fleet");
	}
	for (it = xml_find(doc, "fleetInstanceSet/item"); it; it = xml_next(it))
		for (id = xml_find(it, "instanceIds/item"); id && n < 100; id = xml_next(id)) {
			ids[n++] = id->text;
			buf_addf(&out, "%s\t%s\t%s\n", id->text, xml_text(it, "instanceType"),
			    xml_text(it, "launchTemplateAndOverrides/overrides/subnetId")[0]
			    ? xml_text(it, "launchTemplateAndOverrides/overrides/subnetId") : "-");
		}
	it = xml_find(doc, "errorSet/item");
	if (it)
		snprintf(code, sizeof(code), "%s", xml_text(it, "errorCode"));
	if (n < count) {
		struct err te;

		/* All or nothing: give back what did come. */
		if (n && ec2_terminate(&a, ids, n, 0, &te))
			fprintf(stderr, "ec2-launch: warning: could not terminate the partial fleet: %s\n", te.msg);
		err_set(&e, capacity_code(code) ? ERR_TEMPORARY : ERR_PERMANENT,
		    "got %d of %lld instances (%s: %s); terminated the %d that came", n, count,
		    code[0] ? code : "no error given", it ? xml_text(it, "errorMessage") : "", n);
		err_code(&e, code);
		xml_free(doc);
		aws_free(&a);
		return cli_fail(&e, "launch");
	}
	fputs(out.p ? out.p : "", stdout);
	xml_free(doc);
	aws_free(&a);
	buf_free(&b);
	buf_free(&out);
	return 0;
}

/* ec2-launch: N instances in one CreateFleet (instant), all or nothing. */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "cli.h"
#include "ec2.h"
#include "fleet.h"
#include "log.h"
#include "names.h"
#include "poolmsg.h"
#include "rclass.h"
#include "tools.h"

static const char help[] =
    "usage: ec2-launch --count N --resource-class CLASS --run-id RUN [options]\n"
    "       ec2-launch --list-classes [--class-config JSON|@FILE]\n"
    "Launches N (1-100) instances with one CreateFleet (type instant) from the\n"
    "launch template's default version: the class gives the exact vCPU count and\n"
    "the least memory, the globs the allowed types, one override per subnet.\n"
    "Tags: pool, run id, class. All or nothing: if fewer than N come back, those\n"
    "are terminated. Prints id<TAB>instance-type<TAB>subnet per instance.\n"
    "  --class-config JSON  {\"CLASS\": {\"cpu\": N, \"mem\": MiB, \"arch\": A}, ...} (or @FILE\n"
    "                       holding it) on top of the built-in classes: small 2\n"
    "                       vCPU 4096 MiB, medium 2/8192, large 4/16384, xlarge\n"
    "                       8/32768, 2xlarge 16/65536; cpu 1-448, mem 512 up;\n"
    "                       arch x86_64 (default) or arm64 (launched from\n"
    "                       --image-arm64: EC2 then picks Graviton types)\n"
    "  --image-arm64 AMI    the AMI for an arm64 class (the template's is x86-64)\n"
    "  --list-classes       print the class names, one a line, and stop\n"
    "  --subnet-ids a,b     up to 20 subnets, one override each\n"
    "  --usage-class U      spot or on-demand (default on-demand)\n"
    "  --allowed-types G    up to 20 comma-separated instance-type globs (m6i.*)\n"
    "  --template NAME      launch template (default: the pool's name)\n"
    "  --pool NAME          the pool (default EC2RP_POOL, else ec2-runner-pool)\n"
    "  --json               JSON Lines: instanceId, instanceType, subnetId\n"
    "  --client-token T     CreateFleet's idempotency token (1-64 printable ASCII);\n"
    "                       default: a new random one per launch, so a retry\n"
    "                       after a lost answer gets the same fleet back\n"
    "Exit: 0 all launched, 2 bad usage, 3 refused (no type matches, bad\n"
    "template), 4 no capacity or retries exhausted (what came is terminated),\n"
    "5 local failure.\n";

/* --class-config's value: the JSON itself, or @FILE to read it from. */
static int
class_config(const char *opt, struct buf *out)
{
	char chunk[4096];
	size_t got;
	FILE *f;
	int bad;

	if (opt == NULL || opt[0] != '@')
		return buf_adds(out, opt ? opt : "");
	if ((f = fopen(opt + 1, "rb")) == NULL)
		return -1;
	while ((got = fread(chunk, 1, sizeof(chunk), f)) > 0 && out->len <= 65536)
		buf_add(out, chunk, got);
	/* A directory opens but does not read: not an empty config. */
	bad = ferror(f) || out->len > 65536;
	fclose(f);
	return bad ? -1 : buf_adds(out, "");
}

static void
print_instance(const struct fleet_instance *in, int json)
{
	cJSON *o;
	char *s;

	if (!json) {
		printf("%s\t%s\t%s\n", in->id, in->type, in->subnet);
		return;
	}
	o = cJSON_CreateObject();
	cJSON_AddStringToObject(o, "instanceId", in->id);
	cJSON_AddStringToObject(o, "instanceType", in->type);
	cJSON_AddStringToObject(o, "subnetId", in->subnet);
	if ((s = cJSON_PrintUnformatted(o)) != NULL)
		printf("%s\n", s);
	cJSON_free(s);
	cJSON_Delete(o);
}

int
ec2_launch_main(int argc, char **argv)
{
	static const struct option opts[] = { { "count", required_argument, 0, 'n' },
		{ "resource-class", required_argument, 0, 'c' }, { "run-id", required_argument, 0, 'r' },
		{ "class-config", required_argument, 0, 'C' }, { "subnet-ids", required_argument, 0, 's' },
		{ "usage-class", required_argument, 0, 'u' }, { "allowed-types", required_argument, 0, 't' },
		{ "template", required_argument, 0, 'T' }, { "pool", required_argument, 0, 'p' },
		{ "list-classes", no_argument, 0, 'L' }, { "json", no_argument, 0, 'j' },
		{ "client-token", required_argument, 0, 'k' }, { "image-arm64", required_argument, 0, 'A' },
		{ 0, 0, 0, 0 } };
	const char *pool_opt = NULL, *cname = NULL, *config = NULL;
	char *ids[FLEET_MAX];
	struct ec2_term res_term[FLEET_MAX];
	long long count = 0;
	int c, list = 0, json = 0, i;
	struct fleet_req req = { NULL, 0, "on-demand", "", "", NULL, NULL, NULL, NULL, NULL };
	const char *image_arm64 = NULL;
	char token[FLEET_MAX_TOKEN + 1];
	static struct fleet_result result; /* 8 KB: not on the stack */
	struct fleet_result *res = &result;
	struct rclass_set set;
	struct buf b = BUF_INIT, cfg = BUF_INIT;
	struct xml *doc = NULL;
	struct aws a;
	struct err e;

	if (cli_start("ec2-launch", argc, argv, help))
		return 0;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if (c == 'n' && cli_int(optarg, 1, FLEET_MAX, &count))
			return cli_usage("invalid --count: 1 to %d", FLEET_MAX);
		else if (c == 'c')
			cname = optarg;
		else if (c == 'r')
			req.run_id = optarg;
		else if (c == 'C')
			config = optarg;
		else if (c == 's')
			req.subnets = optarg;
		else if (c == 'u')
			req.usage = optarg;
		else if (c == 't')
			req.globs = optarg;
		else if (c == 'T')
			req.template = optarg;
		else if (c == 'p')
			pool_opt = optarg;
		else if (c == 'L')
			list = 1;
		else if (c == 'j')
			json = 1;
		else if (c == 'k')
			req.client_token = optarg;
		else if (c == 'A')
			image_arm64 = optarg;
		else if (c == '?')
			return cli_usage("unknown option or missing value: %.40s", argv[optind - 1]);
	}
	if (optind != argc)
		return cli_usage("unexpected argument: %.40s", argv[optind]);
	if (class_config(config, &cfg) || strlen(cfg.p ? cfg.p : "") != cfg.len)
		return cli_usage("invalid --class-config: cannot read %.100s (at most 64 KB of text)", config);
	if (rclass_load(&set, cfg.p, &e))
		return cli_usage("invalid --class-config: %s", e.msg);
	buf_free(&cfg);
	if (list) {
		for (i = 0; i < (int)set.n; i++)
			printf("%s\n", set.c[i].name);
		return 0;
	}
	if (count == 0)
		return cli_usage("--count is required");
	if (cname == NULL || (req.rc = rclass_find(&set, cname)) == NULL)
		return cli_usage("--resource-class must name a known class (see --list-classes)");
	if (image_arm64 && (!ec2_valid_ids(image_arm64, "ami-") || strchr(image_arm64, ',')))
		return cli_usage("invalid --image-arm64: ami- and 8 or 17 hex digits");
	/* The template's AMI is x86-64: an arm64 class needs its own. */
	if (req.rc->arm64 && image_arm64 == NULL)
		return cli_usage("class %s is arm64: --image-arm64 is required (refresh's ami-arm64)", req.rc->name);
	if (req.rc->arm64)
		req.image = image_arm64;
	if (req.run_id == NULL || !names_run_id(req.run_id))
		return cli_usage("--run-id is required: 1-64 of A-Z a-z 0-9 _ . -");
	if (*req.subnets && !ec2_valid_ids(req.subnets, "subnet-"))
		return cli_usage("invalid --subnet-ids: comma-separated subnet-<hex> ids");
	if (strcmp(req.usage, "spot") && strcmp(req.usage, "on-demand"))
		return cli_usage("invalid --usage-class: spot or on-demand");
	if (*req.globs && !poolmsg_valid_globs(req.globs))
		return cli_usage("invalid --allowed-types: comma-separated globs of a-z 0-9 . - * ?");
	if ((req.pool = names_pool_of(pool_opt)) == NULL)
		return cli_usage("invalid pool name: use 3-40 of A-Z a-z 0-9 _ -");
	if (req.template && !names_pool(req.template))
		return cli_usage("invalid --template name");
	if (req.template == NULL)
		req.template = req.pool;
	req.count = (int)count;
	if (req.client_token == NULL) {
		/* Its own for this launch: every retry of the request carries it (EC2
		 * then answers with the same fleet), another launch gets another. */
		char prefix[48];

		snprintf(prefix, sizeof(prefix), "ec2rp-%.40s", req.run_id);
		if (cli_token(token, sizeof(token), prefix)) {
			err_set(&e, ERR_LOCAL, "no randomness for a client token");
			return cli_fail(&e, "launch");
		}
		req.client_token = token;
	}
	if (fleet_query(&b, &req, &e)) /* the limits the checks above do not cover */
		return e.cls == ERR_INPUT ? cli_usage("invalid request: %s", e.msg) : cli_fail(&e, "build the request");

	if (aws_init(&a, "ec2", &e)) {
		buf_free(&b);
		return cli_fail(&e, "set up EC2");
	}
	c = aws_query(&a, b.p, &doc, &e);
	buf_free(&b);
	if (c) {
		aws_free(&a);
		return cli_fail(&e, "create the fleet");
	}
	fleet_parse(doc, res);
	xml_free(doc);
	if (res->n != count || res->dropped) {
		const char *left = "terminated";
		struct err te;

		/* All or nothing: give back what did come. */
		for (i = 0; i < res->n; i++)
			ids[i] = res->in[i].id;
		if (res->n && ec2_terminate(&a, ids, res->n, NULL, res_term, &te)) {
			left = "could not terminate (the pool's refresh will)";
			for (i = 0; i < res->n; i++)
				log_msg(LOG_WARN, "left running: %s (%s)", ids[i], te.msg);
		}
		if (res->dropped)
			err_set(&e, ERR_PERMANENT, "EC2 answered %d instance ids that are malformed or too many; "
			    "%s the %d good ones", res->dropped, left, res->n);
		else
			err_set(&e, res->temporary ? ERR_TEMPORARY : ERR_PERMANENT,
			    "got %d of %lld instances (%s: %s); %s the %d that came", res->n, count,
			    res->code[0] ? res->code : "no error given", res->msg, left, res->n);
		err_code(&e, res->code);
		aws_free(&a);
		return cli_fail(&e, "launch");
	}
	for (i = 0; i < res->n; i++)
		print_instance(&res->in[i], json);
	aws_free(&a);
	return 0;
}

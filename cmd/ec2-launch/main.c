/* ec2-launch: N instances in one CreateFleet (instant), all or nothing. */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "cli.h"
#include "file.h"
#include "ec2.h"
#include "fleet.h"
#include "log.h"
#include "names.h"
#include "num.h"
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
    "are terminated as ec2-terminate --fresh does (EC2RP_FRESH_WAIT_SEC). Prints\n"
    "id<TAB>instance-type<TAB>subnet<TAB>usage-class per instance. A short\n"
    "fleet's error names the types and zones that failed.\n"
    "  --class-config JSON  {\"CLASS\": {\"cpu\": N, \"mem\": MiB, \"arch\": A}, ...} (or @FILE\n"
    "                       holding it) instead of the built-in classes: large 2\n"
    "                       vCPU 4096 MiB, xlarge 4/8192, 2xlarge 8/16384, 4xlarge\n"
    "                       16/32768, 8xlarge 32/65536, 12xlarge 48/98304, 16xlarge\n"
    "                       64/131072; cpu 1-448, mem (or mmem) 512 up, numbers\n"
    "                       may be quoted; arch x86_64 (default) or arm64\n"
    "                       (launched from --image-arm64: EC2 picks Graviton types)\n"
    "  --image-arm64 AMI    the AMI for an arm64 class (the template's is x86-64)\n"
    "  --list-classes       print the class names, one a line, and stop\n"
    "  --subnet-ids a,b     up to 20 subnets, one override each\n"
    "  --usage-class U      spot, on-demand (default), or spot-or-on-demand: spot,\n"
    "                       and what spot lacks the capacity for on-demand, in a\n"
    "                       second CreateFleet of the same launch\n"
    "  --allowed-types G    up to 400 comma-separated instance-type globs (m6i.*)\n"
    "  --template NAME      launch template (default: the pool's name)\n"
    "  --pool NAME          the pool (default EC2RP_POOL, else ec2-runner-pool)\n"
    "  --json               JSON Lines: instanceId, instanceType, subnetId, usageClass\n"
    "  --client-token T     CreateFleet's idempotency token (1-64 printable ASCII);\n"
    "                       default: a new random one per launch, so a retry\n"
    "                       after a lost answer gets the same fleet back\n"
    "Exit: 0 all launched, 2 bad usage, 3 refused (no type matches, bad\n"
    "template), 4 no capacity or retries exhausted (what came is terminated),\n"
    "5 local failure.\n";

/* --class-config's value: the JSON itself, or @FILE to read it from. */
static int
class_config(const char *opt, struct buf *out, struct err *e)
{
	if (opt && opt[0] == '@')
		return file_read(opt + 1, 65536, "--class-config", out, e);
	return buf_adds(out, opt ? opt : "") ? err_nomem(e) : 0;
}

/* One CreateFleet with the body in b; its answer in res. */
static int
create(struct aws *a, const struct buf *b, struct fleet_result *res, struct err *e)
{
	struct xml *doc = NULL;

	if (aws_query(a, b->p, &doc, e))
		return -1;
	fleet_parse(doc, res);
	xml_free(doc);
	return 0;
}

/* Adds the on-demand answer to spot's: its instances, and its error when
 * it has one (the launch is short either way, so the reason must show). */
static void
merge(struct fleet_result *res, const struct fleet_result *more)
{
	size_t len = strlen(res->where);
	int i;

	for (i = 0; i < more->n && res->n < FLEET_MAX; i++) {
		res->in[res->n] = more->in[i];
		if (res->in[res->n].usage[0] == '\0')
			snprintf(res->in[res->n].usage, sizeof(res->in[res->n].usage), "on-demand");
		res->n++;
	}
	res->dropped += more->dropped;
	res->errors += more->errors;
	if (more->errors || more->code[0]) {
		res->temporary = more->temporary;
		memcpy(res->code, more->code, sizeof(res->code));
		memcpy(res->msg, more->msg, sizeof(res->msg));
	}
	if (more->where[0] && len + 3 < sizeof(res->where))
		snprintf(res->where + len, sizeof(res->where) - len, "%s%.*s", len ? ", " : "",
		    (int)(sizeof(res->where) - len - 3), more->where);
}

static void
print_instance(const struct fleet_instance *in, int json)
{
	cJSON *o;

	if (!json) {
		printf("%s\t%s\t%s\t%s\n", in->id, in->type, in->subnet, in->usage);
		return;
	}
	o = cJSON_CreateObject();
	cJSON_AddStringToObject(o, "instanceId", in->id);
	cJSON_AddStringToObject(o, "instanceType", in->type);
	cJSON_AddStringToObject(o, "subnetId", in->subnet);
	cJSON_AddStringToObject(o, "usageClass", in->usage);
	cli_json_line(o);
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
	struct terminate_state res_term[FLEET_MAX];
	long long count = 0;
	int c, list = 0, json = 0, i;
	struct fleet_req req = { NULL, 0, "on-demand", "", "", NULL, NULL, NULL, NULL, NULL };
	const char *image_arm64 = NULL;
	char token[FLEET_MAX_TOKEN + 1];
	static struct fleet_result result, more; /* 8 KB each: not on the stack */
	struct fleet_result *res = &result;
	int fallback = 0;
	long fresh_ms;
	struct rclass_set set;
	struct buf b = BUF_INIT, cfg = BUF_INIT;
	struct aws a;
	struct err e;

	if (cli_start("ec2-launch", argc, argv, help))
		return 0;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if (c == 'n' && num_parse(optarg, 1, FLEET_MAX, &count))
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
		else if (c == 'L')
			list = 1;
		else if (c == 'k')
			req.client_token = optarg;
		else if (c == 'A')
			image_arm64 = optarg;
		else if (cli_option(c, argv, opts, &pool_opt, &json))
			return ERR_INPUT;
	}
	if (optind != argc)
		return cli_usage("unexpected argument: %.40s", argv[optind]);
	if (cli_fresh_ms(&fresh_ms))
		return ERR_INPUT;
	if (class_config(config, &cfg, &e))
		return e.cls == ERR_INPUT ? cli_usage("invalid %s", e.msg) : cli_fail(&e, "read the class config");
	if (strlen(cfg.p) != cfg.len)
		return cli_usage("invalid --class-config: not text (a NUL byte)");
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
	if (image_arm64 && !names_ec2_id(image_arm64, "ami-"))
		return cli_usage("invalid --image-arm64: ami- and 8 or 17 hex digits");
	/* The template's AMI is x86-64: an arm64 class needs its own. */
	if (req.rc->arm64 && image_arm64 == NULL)
		return cli_usage("class %s is arm64: --image-arm64 is required (refresh's ami-arm64)", req.rc->name);
	if (req.rc->arm64)
		req.image = image_arm64;
	if (req.run_id == NULL || !names_run_id(req.run_id))
		return cli_usage("--run-id is required: 1-64 of A-Z a-z 0-9 _ . -");
	if (*req.subnets && !names_ec2_ids(req.subnets, "subnet-"))
		return cli_usage("invalid --subnet-ids: comma-separated subnet-<hex> ids");
	if (strcmp(req.usage, "spot-or-on-demand") == 0) {
		fallback = 1;
		req.usage = "spot";
	} else if (strcmp(req.usage, "spot") && strcmp(req.usage, "on-demand")) {
		return cli_usage("invalid --usage-class: spot, on-demand or spot-or-on-demand");
	}
	if (*req.globs && !poolmsg_valid_globs(req.globs))
		return cli_usage("invalid --allowed-types: at most 400 comma-separated globs of a-z 0-9 . - * ?");
	if ((req.pool = cli_pool(pool_opt)) == NULL)
		return ERR_INPUT;
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
	c = create(&a, &b, res, &e);
	buf_free(&b);
	if (c) {
		aws_free(&a);
		return cli_fail(&e, "create the fleet");
	}
	/* spot-or-on-demand: what spot could not give for lack of capacity is
	 * asked for on-demand, in the same launch, with its own token. */
	if (fallback && res->n < count && res->n < FLEET_MAX && !res->dropped && res->temporary) {
		char prefix[48];

		log_msg(LOG_INFO, "spot gave %d of %lld (%s%s%s): asking for %lld on-demand", res->n, count, res->code,
		    res->where[0] ? " at " : "", res->where, count - res->n);
		snprintf(prefix, sizeof(prefix), "ec2rp-od-%.37s", req.run_id);
		req.usage = "on-demand";
		req.count = (int)count - res->n;
		if (cli_token(token, sizeof(token), prefix)) {
			err_set(&e, ERR_LOCAL, "no randomness for a client token");
			c = -1;
		} else {
			req.client_token = token;
			c = fleet_query(&b, &req, &e) || create(&a, &b, &more, &e);
		}
		buf_free(&b);
		if (c) {
			/* What spot gave goes back: all or nothing. */
			more.n = 0;
			more.temporary = e.cls == ERR_TEMPORARY;
			snprintf(more.code, sizeof(more.code), "%.*s", (int)sizeof(more.code) - 1, e.code[0] ? e.code : "error");
			snprintf(more.msg, sizeof(more.msg), "%.*s", (int)sizeof(more.msg) - 1, e.msg);
		}
		merge(res, &more);
	}
	for (i = 0; i < res->n; i++)
		if (res->in[i].usage[0] == '\0')
			snprintf(res->in[i].usage, sizeof(res->in[i].usage), "%s", fallback ? "spot" : req.usage);
	if (res->n != count || res->dropped) {
		const char *left = "terminated";
		struct err te;

		/* All or nothing: give back what did come, launched moments ago. */
		for (i = 0; i < res->n; i++)
			ids[i] = res->in[i].id;
		if (res->n && ec2_terminate(&a, ids, res->n, NULL, fresh_ms, res_term, &te)) {
			left = "could not terminate (the pool's refresh will)";
			for (i = 0; i < res->n; i++)
				log_msg(LOG_WARN, "left running: %s (%s)", ids[i], te.msg);
		}
		if (res->dropped)
			err_set(&e, ERR_PERMANENT, "EC2 answered %d instance ids that are malformed or too many; "
			    "%s the %d good ones", res->dropped, left, res->n);
		else
			err_set(&e, res->temporary ? ERR_TEMPORARY : ERR_PERMANENT,
			    "got %d of %lld instances (%s: %s%s%s); %s the %d that came", res->n, count,
			    res->code[0] ? res->code : "no error given", res->msg, res->where[0] ? "; failed: " : "",
			    res->where, left, res->n);
		err_code(&e, res->code);
		aws_free(&a);
		return cli_fail(&e, "launch");
	}
	for (i = 0; i < res->n; i++)
		print_instance(&res->in[i], json);
	aws_free(&a);
	return 0;
}

/* ec2-template: ensure the pool's launch template has the wanted content. */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "base64.h"
#include "cli.h"
#include "ec2.h"
#include "file.h"
#include "names.h"
#include "num.h"
#include "tools.h"

static const char help[] =
    "usage: ec2-template --ami AMI [options]\n"
    "Ensures the launch template named after the pool: creates it when missing;\n"
    "when the default version differs from the wanted content (compared field\n"
    "by field), creates a new version and makes it the default; else changes\n"
    "nothing. Instance metadata: IMDSv2 required, endpoint enabled, tags in\n"
    "metadata, a PUT response hop limit (2 by default, so that jobs in containers\n"
    "reach the instance's credentials); shutdown terminates. Prints created|updated|unchanged<TAB>the\n"
    "template id<TAB>the default version.\n"
    "  --ami AMI                 image: ami- and 8 or 17 hex digits\n"
    "  --instance-profile NAME   IAM instance profile of the instances\n"
    "  --security-group-ids a,b  security groups (sg- ids)\n"
    "  --user-data-file F        user data (at most 16384 bytes; base64-encoded here)\n"
    "  --key-name K              SSH key pair\n"
    "  --hop-limit N             IMDS PUT response hop limit, 1-64 (default 2; 1 keeps\n"
    "                            containers away from the instance's credentials)\n"
    "  --pool NAME               the pool (default EC2RP_POOL, else ec2-runner-pool)\n"
    "  --json                    one JSON line: result, launchTemplateId, version\n"
    "Exit: 0 done, 2 bad usage, 3 refused, 4 retries exhausted, 5 local failure.\n";

int
ec2_template_main(int argc, char **argv)
{
	static const struct option opts[] = { { "ami", required_argument, 0, 'a' },
		{ "instance-profile", required_argument, 0, 'i' }, { "security-group-ids", required_argument, 0, 's' },
		{ "user-data-file", required_argument, 0, 'u' }, { "key-name", required_argument, 0, 'k' },
		{ "pool", required_argument, 0, 'p' }, { "json", no_argument, 0, 'j' },
		{ "hop-limit", required_argument, 0, 'h' }, { 0, 0, 0, 0 } };
	struct ltemplate w = { NULL, NULL, NULL, NULL, NULL, "2", NULL, NULL };
	struct ltemplate_run run = LTEMPLATE_RUN_INIT;
	const char *pool_opt = NULL, *file = NULL;
	struct buf raw = BUF_INIT, user_data = BUF_INIT;
	char token[24];
	struct aws a;
	struct err e;
	long long hops;
	int c, json = 0, r;

	if (cli_start("ec2-template", argc, argv, help))
		return 0;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if (c == 'a')
			w.ami = optarg;
		else if (c == 'i')
			w.profile = optarg;
		else if (c == 's')
			w.sgs = optarg;
		else if (c == 'u')
			file = optarg;
		else if (c == 'k')
			w.key = optarg;
		else if (c == 'h')
			w.hops = optarg;
		else if (cli_option(c, argv, opts, &pool_opt, &json))
			return ERR_INPUT;
	}
	if (optind != argc)
		return cli_usage("unexpected argument: %.40s", argv[optind]);
	if (w.ami == NULL || !names_ec2_id(w.ami, "ami-"))
		return cli_usage("--ami is required: ami- and 8 or 17 hex digits");
	if (w.sgs && (!*w.sgs || !names_ec2_ids(w.sgs, "sg-")))
		return cli_usage("invalid --security-group-ids: comma-separated sg-<hex> ids");
	if (w.profile && !names_instance_profile(w.profile))
		return cli_usage("invalid --instance-profile name: 1-128 of A-Z a-z 0-9 + = , . @ _ -");
	/* EC2 takes 1-64; compared as written, as EC2 describes it (no leading zeros). */
	if (num_parse(w.hops, 1, 64, &hops))
		return cli_usage("invalid --hop-limit: a number from 1 to 64");
	if (w.key && !names_key_pair(w.key))
		return cli_usage("invalid --key-name: 1-255 printable ASCII characters");
	if ((w.name = cli_pool(pool_opt)) == NULL)
		return ERR_INPUT;
	if (file) {
		if (file_read(file, LTEMPLATE_USER_DATA_MAX, "--user-data-file", &raw, &e))
			return e.cls == ERR_INPUT ? cli_usage("%s (EC2's limit)", e.msg) : cli_fail(&e, "read the user data");
		c = base64_encode(&user_data, raw.p, raw.len);
		buf_free(&raw);
		if (c) {
			err_nomem(&e);
			return cli_fail(&e, "encode the user data");
		}
		w.user_data = user_data.p;
	}
	if (cli_token(token, sizeof(token), "ec2rp")) {
		err_set(&e, ERR_LOCAL, "no randomness for a client token");
		return cli_fail(&e, "ensure the launch template");
	}
	w.token = token;
	if (aws_init(&a, "ec2", &e)) {
		buf_free(&user_data);
		return cli_fail(&e, "set up EC2");
	}
	r = ec2_template(&a, &w, &run, &e);
	aws_free(&a);
	buf_free(&user_data);
	if (r)
		return cli_fail(&e, "ensure the launch template");
	if (json)
		printf("{\"result\":\"%s\",\"launchTemplateId\":\"%s\",\"version\":%s}\n", run.result, run.id,
		    run.version);
	else
		printf("%s\t%s\t%s\n", run.result, run.id, run.version);
	return 0;
}

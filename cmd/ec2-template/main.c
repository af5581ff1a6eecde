/* ec2-template: ensure the pool's launch template has the wanted content. */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "base64.h"
#include "cli.h"
#include "ec2.h"
#include "names.h"
#include "query.h"

static const char help[] =
    "usage: ec2-template --ami AMI [options]\n"
    "Ensures the launch template named after the pool: creates it when missing;\n"
    "when the default version differs from the wanted content, creates a new\n"
    "version and makes it the default; else changes nothing. Instance metadata:\n"
    "IMDSv2 required, tags in metadata. Prints created|updated|unchanged,\n"
    "the template id and the default version.\n"
    "  --instance-profile NAME   IAM instance profile of the instances\n"
    "  --security-group-ids a,b  security groups\n"
    "  --user-data-file F        user data (at most 16 KB; base64-encoded here)\n"
    "  --key-name K              SSH key pair\n"
    "  --pool NAME               the pool (default EC2RP_POOL, else ec2-runner-pool)\n"
    "Exit: 0 done, 2 bad usage, 3 refused, 4 retries exhausted, 5 local failure.\n";

struct want {
	const char *ami, *profile, *sgs, *key;
	struct buf user_data; /* base64 */
};

/* The template data as Query parameters under prefix. */
static void
add_data(struct buf *b, const struct want *w)
{
	const char *s = w->sgs;
	int i = 1;

	query_add(b, "LaunchTemplateData.ImageId", w->ami);
	query_add(b, "LaunchTemplateData.MetadataOptions.HttpTokens", "required");
	query_add(b, "LaunchTemplateData.MetadataOptions.HttpEndpoint", "enabled");
	query_add(b, "LaunchTemplateData.MetadataOptions.InstanceMetadataTags", "enabled");
	query_add(b, "LaunchTemplateData.InstanceInitiatedShutdownBehavior", "terminate");
	if (w->user_data.len)
		query_add(b, "LaunchTemplateData.UserData", w->user_data.p);
	if (w->profile)
		query_add(b, "LaunchTemplateData.IamInstanceProfile.Name", w->profile);
	if (w->key)
		query_add(b, "LaunchTemplateData.KeyName", w->key);
	while (s && *s) {
		size_t len = strcspn(s, ",");
		char one[32];

		snprintf(one, sizeof(one), "%.*s", (int)len, s);
		query_addf(b, one, "LaunchTemplateData.SecurityGroupId.%d", i++);
		s += len + (s[len] == ',');
	}
}

/* 1 if the described data d equals w. */
static int
same(const struct xml *d, const struct want *w)
{
	struct buf sgs = BUF_INIT;
	const struct xml *g;
	int r;

	for (g = xml_find(d, "securityGroupIdSet/item"); g; g = xml_next(g))
		buf_addf(&sgs, "%s%s", sgs.len ? "," : "", g->text);
	r = strcmp(xml_text(d, "imageId"), w->ami) == 0 &&
	    strcmp(xml_text(d, "userData"), w->user_data.p ? w->user_data.p : "") == 0 &&
	    strcmp(xml_text(d, "iamInstanceProfile/name"), w->profile ? w->profile : "") == 0 &&
	    strcmp(xml_text(d, "keyName"), w->key ? w->key : "") == 0 &&
	    strcmp(sgs.p ? sgs.p : "", w->sgs ? w->sgs : "") == 0 &&
	    strcmp(xml_text(d, "metadataOptions/httpTokens"), "required") == 0 &&
	    strcmp(xml_text(d, "metadataOptions/instanceMetadataTags"), "enabled") == 0;
	buf_free(&sgs);
	return r;
}

int
ec2_template_main(int argc, char **argv)
{
	static const struct option opts[] = { { "ami", required_argument, 0, 'a' },
		{ "instance-profile", required_argument, 0, 'i' }, { "security-group-ids", required_argument, 0, 's' },
		{ "user-data-file", required_argument, 0, 'u' }, { "key-name", required_argument, 0, 'k' },
		{ "pool", required_argument, 0, 'p' }, { 0, 0, 0, 0 } };
	const char *pool_opt = NULL, *pool, *file = NULL, *result;
	struct want w = { NULL, NULL, NULL, NULL, BUF_INIT };
	struct buf b = BUF_INIT, raw = BUF_INIT;
	struct xml *doc = NULL, *v;
	char id[64] = "", ver[16] = "";
	struct aws a;
	struct err e;
	int c;

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
		else if (c == 'p')
			pool_opt = optarg;
		else
			return cli_usage("unknown option or missing value: %.40s", argv[optind - 1]);
	}
	if (optind != argc)
		return cli_usage("unexpected argument: %.40s", argv[optind]);
	if (w.ami == NULL || !ec2_valid_ids(w.ami, "ami-") || strchr(w.ami, ','))
		return cli_usage("--ami is required: ami- and 8 or 17 hex digits");
	if (w.sgs && !ec2_valid_ids(w.sgs, "sg-"))
		return cli_usage("invalid --security-group-ids: comma-separated sg-<hex> ids");
	if (w.profile && (strlen(w.profile) > 128 || strspn(w.profile,
	    "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789+=,.@_-") != strlen(w.profile)))
		return cli_usage("invalid --instance-profile name");
	if (w.key && (strlen(w.key) > 255 || strchr(w.key, '\n')))
		return cli_usage("invalid --key-name");
	if ((pool = names_pool_of(pool_opt)) == NULL || strlen(pool) < 3)
		return cli_usage("invalid pool name: use 3-40 of A-Z a-z 0-9 _ - (launch template names need 3)");
	if (file) {
		FILE *f = fopen(file, "rb");
		char chunk[4096];
		size_t got;

		if (f == NULL)
			return cli_usage("cannot read --user-data-file %.100s", file);
		while ((got = fread(chunk, 1, sizeof(chunk), f)) > 0 && raw.len <= 16384)
			buf_add(&raw, chunk, got);
		fclose(f);
		if (raw.len > 16384)
			return cli_usage("--user-data-file is over EC2's 16384-byte limit");
		base64_encode(&w.user_data, raw.p ? raw.p : "", raw.len);
	}
	if (aws_init(&a, "ec2", &e))
		return cli_fail(&e, "set up EC2");
	query_add(&b, "Action", "DescribeLaunchTemplateVersions");
	query_add(&b, "Version", EC2_VERSION);
	query_add(&b, "LaunchTemplateName", pool);
	query_add(&b, "LaunchTemplateVersion.1", "$Default");
	if (aws_query(&a, b.p, &doc, &e) == 0) {
		v = xml_find(doc, "launchTemplateVersionSet/item");
		snprintf(id, sizeof(id), "%s", xml_text(v, "launchTemplateId"));
		snprintf(ver, sizeof(ver), "%s", xml_text(v, "versionNumber"));
		if (v && same(xml_child(v, "launchTemplateData"), &w)) {
			result = "unchanged";
		} else {
			/* A new version, then make it the default. */
			buf_reset(&b);
			query_add(&b, "Action", "CreateLaunchTemplateVersion");
			query_add(&b, "Version", EC2_VERSION);
			query_add(&b, "LaunchTemplateName", pool);
			add_data(&b, &w);
			xml_free(doc);
			if (aws_query(&a, b.p, &doc, &e))
				goto fail;
			snprintf(ver, sizeof(ver), "%s", xml_text(doc, "launchTemplateVersion/versionNumber"));
			xml_free(doc);
			buf_reset(&b);
			query_add(&b, "Action", "ModifyLaunchTemplate");
			query_add(&b, "Version", EC2_VERSION);
			query_add(&b, "LaunchTemplateName", pool);
			query_add(&b, "SetDefaultVersion", ver);
			if (aws_query(&a, b.p, &doc, &e))
				goto fail;
			result = "updated";
		}
	} else if (strcmp(e.code, "InvalidLaunchTemplateName.NotFoundException") == 0) {
		buf_reset(&b);
		query_add(&b, "Action", "CreateLaunchTemplate");
		query_add(&b, "Version", EC2_VERSION);
		query_add(&b, "LaunchTemplateName", pool);
		add_data(&b, &w);
		if (aws_query(&a, b.p, &doc, &e))
			goto fail;
		snprintf(id, sizeof(id), "%s", xml_text(doc, "launchTemplate/launchTemplateId"));
		snprintf(ver, sizeof(ver), "1");
		result = "created";
	} else {
		goto fail;
	}
	printf("%s\t%s\t%s\n", result, id, ver);
	xml_free(doc);
	aws_free(&a);
	buf_free(&b);
	buf_free(&raw);
	buf_free(&w.user_data);
	return 0;
fail:
	aws_free(&a);
	return cli_fail(&e, "ensure the launch template");
}

/* ec2-template: ensure the pool's launch template has the wanted content. */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "base64.h"
#include "cli.h"
#include "file.h"
#include "ec2.h"
#include "names.h"
#include "num.h"
#include "query.h"
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

#define USER_DATA_MAX 16384 /* EC2's limit on the raw bytes */

struct want {
	const char *ami, *profile, *sgs, *key;
	const char *hops; /* IMDS hop limit, digits */
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
	query_add(b, "LaunchTemplateData.MetadataOptions.HttpPutResponseHopLimit", w->hops);
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

/* 1 if two base64 texts are the same bytes (EC2 may wrap lines). */
static int
same_b64(const char *x, const char *y)
{
	for (;;) {
		while (*x == '\n' || *x == '\r' || *x == ' ' || *x == '\t')
			x++;
		while (*y == '\n' || *y == '\r' || *y == ' ' || *y == '\t')
			y++;
		if (*x != *y)
			return 0;
		if (*x == '\0')
			return 1;
		x++;
		y++;
	}
}

/* 1 if the described groups are the wanted ones, in any order. */
static int
same_groups(const struct xml *d, const char *want)
{
	const struct xml *g;
	int n = 0, m = 0;
	const char *s;

	for (s = want; s && *s; s += strcspn(s, ",") + (s[strcspn(s, ",")] == ','))
		m++;
	for (g = xml_find(d, "securityGroupIdSet/item"); g; g = xml_next(g)) {
		size_t len = strlen(g->text);
		int found = 0;

		for (s = want; s && *s && !found; s += strcspn(s, ",") + (s[strcspn(s, ",")] == ','))
			found = strcspn(s, ",") == len && strncmp(s, g->text, len) == 0;
		if (!found)
			return 0;
		n++;
	}
	return n == m;
}

/* 1 if the described data d equals w, field by field. */
static int
same(const struct xml *d, const struct want *w)
{
	return d && strcmp(xml_text(d, "imageId"), w->ami) == 0 &&
	    same_b64(xml_text(d, "userData"), w->user_data.p ? w->user_data.p : "") &&
	    strcmp(xml_text(d, "iamInstanceProfile/name"), w->profile ? w->profile : "") == 0 &&
	    strcmp(xml_text(d, "keyName"), w->key ? w->key : "") == 0 && same_groups(d, w->sgs) &&
	    strcmp(xml_text(d, "metadataOptions/httpTokens"), "required") == 0 &&
	    strcmp(xml_text(d, "metadataOptions/httpEndpoint"), "enabled") == 0 &&
	    strcmp(xml_text(d, "metadataOptions/instanceMetadataTags"), "enabled") == 0 &&
	    strcmp(xml_text(d, "metadataOptions/httpPutResponseHopLimit"), w->hops) == 0 &&
	    strcmp(xml_text(d, "instanceInitiatedShutdownBehavior"), "terminate") == 0;
}

/* 1 if s is 1 to max printable ASCII characters. */
static int
printable(const char *s, size_t max)
{
	size_t n = strlen(s), i;

	for (i = 0; i < n; i++)
		if (s[i] < ' ' || s[i] > '~')
			return 0;
	return n > 0 && n <= max;
}

/* An id from the answer, printed only if it has an id's shape. */
static const char *
cell(const char *id)
{
	return strncmp(id, "lt-", 3) == 0 && strspn(id + 3, "0123456789abcdef") == strlen(id + 3) && id[3] ? id : "-";
}

/* Random per run of the tool (main sets it); see call(). */
static char run_token[24];

/* One call: Action on the pool's template, with the data when w is set. */
static int
call(struct aws *a, const char *action, const char *pool, const struct want *w, const char *extra,
    const char *value, struct xml **doc, struct err *e)
{
	struct buf b = BUF_INIT;
	int r;

	query_add(&b, "Action", action);
	query_add(&b, "Version", EC2_VERSION);
	query_add(&b, "LaunchTemplateName", pool);
	/* A write retried after a lost answer must not make a second version:
	 * a token of this run and action, the same on every retry. */
	if (strncmp(action, "Describe", 8) != 0) {
		char tok[65];

		snprintf(tok, sizeof(tok), "%s-%s", run_token, action);
		query_add(&b, "ClientToken", tok);
	}
	if (extra)
		query_add(&b, extra, value);
	if (w)
		add_data(&b, w);
	if (b.failed) {
		buf_free(&b);
		err_set(e, ERR_LOCAL, "out of memory");
		return -1;
	}
	r = aws_query(a, b.p, doc, e);
	buf_free(&b);
	return r;
}

/* Makes the template right; fills the result word, id and default version. */
static int
ensure(struct aws *a, const char *pool, const struct want *w, const char **result, char *id, char *ver,
    struct err *e)
{
	struct xml *doc = NULL, *v;

	if (call(a, "DescribeLaunchTemplateVersions", pool, NULL, "LaunchTemplateVersion.1", "$Default", &doc, e)) {
		if (strcmp(e->code, "InvalidLaunchTemplateName.NotFoundException") != 0)
			return -1;
		if (call(a, "CreateLaunchTemplate", pool, w, NULL, NULL, &doc, e))
			return -1;
		snprintf(id, 64, "%s", xml_text(doc, "launchTemplate/launchTemplateId"));
		snprintf(ver, 16, "%s", xml_text(doc, "launchTemplate/latestVersionNumber"));
		if (ver[0] == '\0')
			snprintf(ver, 16, "1");
		xml_free(doc);
		*result = "created";
		return 0;
	}
	v = xml_find(doc, "launchTemplateVersionSet/item");
	snprintf(id, 64, "%s", xml_text(v, "launchTemplateId"));
	snprintf(ver, 16, "%s", xml_text(v, "versionNumber"));
	if (v && same(xml_child(v, "launchTemplateData"), w)) {
		xml_free(doc);
		*result = "unchanged";
		return 0;
	}
	/* A new version, then make it the default. */
	xml_free(doc);
	if (call(a, "CreateLaunchTemplateVersion", pool, w, NULL, NULL, &doc, e))
		return -1;
	snprintf(ver, 16, "%s", xml_text(doc, "launchTemplateVersion/versionNumber"));
	if (id[0] == '\0')
		snprintf(id, 64, "%s", xml_text(doc, "launchTemplateVersion/launchTemplateId"));
	xml_free(doc);
	if (ver[0] == '\0' || strspn(ver, "0123456789") != strlen(ver)) {
		err_set(e, ERR_PERMANENT, "EC2 answered no version number for the new version");
		return -1;
	}
	if (call(a, "ModifyLaunchTemplate", pool, NULL, "SetDefaultVersion", ver, &doc, e))
		return -1;
	xml_free(doc);
	*result = "updated";
	return 0;
}

int
ec2_template_main(int argc, char **argv)
{
	static const struct option opts[] = { { "ami", required_argument, 0, 'a' },
		{ "instance-profile", required_argument, 0, 'i' }, { "security-group-ids", required_argument, 0, 's' },
		{ "user-data-file", required_argument, 0, 'u' }, { "key-name", required_argument, 0, 'k' },
		{ "pool", required_argument, 0, 'p' }, { "json", no_argument, 0, 'j' },
		{ "hop-limit", required_argument, 0, 'h' }, { 0, 0, 0, 0 } };
	const char *pool_opt = NULL, *pool, *file = NULL, *result = "";
	struct want w = { NULL, NULL, NULL, NULL, "2", BUF_INIT };
	struct buf raw = BUF_INIT;
	char id[64] = "", ver[16] = "";
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
		else if (c == 'p')
			pool_opt = optarg;
		else if (c == 'j')
			json = 1;
		else if (c == 'h')
			w.hops = optarg;
		else
			return cli_bad_option(argv[optind - 1], opts);
	}
	if (optind != argc)
		return cli_usage("unexpected argument: %.40s", argv[optind]);
	if (w.ami == NULL || !ec2_valid_ids(w.ami, "ami-") || strchr(w.ami, ','))
		return cli_usage("--ami is required: ami- and 8 or 17 hex digits");
	if (w.sgs && (!*w.sgs || !ec2_valid_ids(w.sgs, "sg-")))
		return cli_usage("invalid --security-group-ids: comma-separated sg-<hex> ids");
	if (w.profile && (!*w.profile || strlen(w.profile) > 128 || strspn(w.profile,
	    "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789+=,.@_-") != strlen(w.profile)))
		return cli_usage("invalid --instance-profile name: 1-128 of A-Z a-z 0-9 + = , . @ _ -");
	/* EC2 takes 1-64; compared as written, as EC2 describes it (no leading zeros). */
	if (num_parse(w.hops, 1, 64, &hops))
		return cli_usage("invalid --hop-limit: a number from 1 to 64");
	if (w.key && !printable(w.key, 255))
		return cli_usage("invalid --key-name: 1-255 printable ASCII characters");
	if ((pool = cli_pool(pool_opt)) == NULL)
		return ERR_INPUT;
	if (file) {
		if (file_read(file, USER_DATA_MAX, "--user-data-file", &raw, &e))
			return e.cls == ERR_INPUT ? cli_usage("%s (EC2's limit)", e.msg) : cli_fail(&e, "read the user data");
		if (base64_encode(&w.user_data, raw.p, raw.len)) {
			err_nomem(&e);
			return cli_fail(&e, "encode the user data");
		}
		buf_free(&raw);
	}
	if (cli_token(run_token, sizeof(run_token), "ec2rp")) {
		err_set(&e, ERR_LOCAL, "no randomness for a client token");
		return cli_fail(&e, "ensure the launch template");
	}
	if (aws_init(&a, "ec2", &e))
		return cli_fail(&e, "set up EC2");
	r = ensure(&a, pool, &w, &result, id, ver, &e);
	/* Another run created it between our look and our create: look again. */
	if (r && strcmp(e.code, "InvalidLaunchTemplateName.AlreadyExistsException") == 0)
		r = ensure(&a, pool, &w, &result, id, ver, &e);
	aws_free(&a);
	buf_free(&w.user_data);
	if (r == 0 && (ver[0] == '\0' || strlen(ver) > 9 || strspn(ver, "0123456789") != strlen(ver))) {
		err_set(&e, ERR_PERMANENT, "EC2 answered a malformed version number");
		r = -1;
	}
	if (r)
		return cli_fail(&e, "ensure the launch template");
	if (json)
		printf("{\"result\":\"%s\",\"launchTemplateId\":\"%s\",\"version\":%s}\n", result, cell(id), ver);
	else
		printf("%s\t%s\t%s\n", result, cell(id), ver);
	return 0;
}

#include <stdio.h>
#include <string.h>

#include "ec2api.h"
#include "ltemplate.h"
#include "names.h"
#include "num.h"
#include "query.h"

/* The longest action a token is sent with, and the room that leaves the
 * run's part of a ClientToken (EC2 takes 64 characters). */
#define LONGEST_WRITE "CreateLaunchTemplateVersion"
#define TOKEN_MAX (64 - 1 - (int)sizeof(LONGEST_WRITE) + 1)

static const char *const action[] = { "DescribeLaunchTemplateVersions", "CreateLaunchTemplate",
	"CreateLaunchTemplateVersion", "ModifyLaunchTemplate" };

static int
b64(const char *s)
{
	size_t n = strlen(s);

	return n <= (LTEMPLATE_USER_DATA_MAX + 2) / 3 * 4 &&
	    strspn(s, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/=") == n;
}

static int
check(const struct ltemplate *w, struct err *e)
{
	long long hops;
	size_t tn = w->token ? strlen(w->token) : 0;

	if (w->name == NULL || !names_pool(w->name))
		err_set(e, ERR_INPUT, "template name: 3-40 of A-Z a-z 0-9 _ -");
	else if (w->ami == NULL || !names_ec2_id(w->ami, "ami-"))
		err_set(e, ERR_INPUT, "image: ami- and 8 or 17 hex digits");
	else if (w->sgs && (!*w->sgs || !names_ec2_ids(w->sgs, "sg-")))
		err_set(e, ERR_INPUT, "security groups: comma-separated sg-<hex> ids");
	else if (w->profile && !names_instance_profile(w->profile))
		err_set(e, ERR_INPUT, "instance profile: 1-128 of A-Z a-z 0-9 + = , . @ _ -");
	else if (w->key && !names_key_pair(w->key))
		err_set(e, ERR_INPUT, "key name: 1-255 printable ASCII characters");
	else if (w->hops == NULL || num_parse(w->hops, 1, 64, &hops))
		err_set(e, ERR_INPUT, "hop limit: a number from 1 to 64");
	else if (w->user_data && !b64(w->user_data))
		err_set(e, ERR_INPUT, "user data: base64 of at most %d bytes", LTEMPLATE_USER_DATA_MAX);
	else if (tn < 1 || tn > TOKEN_MAX || strspn(w->token, "abcdefghijklmnopqrstuvwxyz0123456789-") != tn)
		err_set(e, ERR_INPUT, "token: 1-%d of a-z 0-9 -", TOKEN_MAX);
	else
		return 0;
	return -1;
}

/* The template data as Query parameters. */
static int
add_data(struct buf *b, const struct ltemplate *w)
{
	const char *s = w->sgs;
	int i = 1, rc = 0;

	rc |= query_add(b, "LaunchTemplateData.ImageId", w->ami);
	rc |= query_add(b, "LaunchTemplateData.MetadataOptions.HttpTokens", "required");
	rc |= query_add(b, "LaunchTemplateData.MetadataOptions.HttpEndpoint", "enabled");
	rc |= query_add(b, "LaunchTemplateData.MetadataOptions.InstanceMetadataTags", "enabled");
	rc |= query_add(b, "LaunchTemplateData.MetadataOptions.HttpPutResponseHopLimit", w->hops);
	rc |= query_add(b, "LaunchTemplateData.InstanceInitiatedShutdownBehavior", "terminate");
	if (w->user_data && *w->user_data)
		rc |= query_add(b, "LaunchTemplateData.UserData", w->user_data);
	if (w->profile)
		rc |= query_add(b, "LaunchTemplateData.IamInstanceProfile.Name", w->profile);
	if (w->key)
		rc |= query_add(b, "LaunchTemplateData.KeyName", w->key);
	while (s && *s) {
		size_t len = strcspn(s, ",");
		char one[32];

		snprintf(one, sizeof(one), "%.*s", (int)len, s);
		rc |= query_addf(b, one, "LaunchTemplateData.SecurityGroupId.%d", i++);
		s += len + (s[len] == ',');
	}
	return rc;
}

int
ltemplate_query(struct buf *b, const struct ltemplate_run *run, const struct ltemplate *w, struct err *e)
{
	const char *act;
	int rc = 0;

	if (run->step >= LTEMPLATE_DONE) {
		err_set(e, ERR_INPUT, "no call left to make");
		return -1;
	}
	if (check(w, e))
		return -1;
	act = action[run->step];
	rc |= query_add(b, "Action", act);
	rc |= query_add(b, "Version", EC2_VERSION);
	rc |= query_add(b, "LaunchTemplateName", w->name);
	/* A write retried after a lost answer must not make a second version:
	 * a token of this run and action, the same on every retry. */
	if (run->step != LTEMPLATE_DESCRIBE) {
		char tok[65];

		snprintf(tok, sizeof(tok), "%s-%s", w->token, act);
		rc |= query_add(b, "ClientToken", tok);
	}
	if (run->step == LTEMPLATE_DESCRIBE)
		rc |= query_add(b, "LaunchTemplateVersion.1", "$Default");
	else if (run->step == LTEMPLATE_SET_DEFAULT)
		rc |= query_add(b, "SetDefaultVersion", run->version);
	else
		rc |= add_data(b, w);
	/* Tagged with its pool at birth: the controlplane's policy lets it
	 * change and launch only the templates tagged so (docs/iam). */
	if (run->step == LTEMPLATE_CREATE) {
		rc |= query_add(b, "TagSpecification.1.ResourceType", "launch-template");
		rc |= query_add(b, "TagSpecification.1.Tag.1.Key", EC2_TAG_POOL);
		rc |= query_add(b, "TagSpecification.1.Tag.1.Value", w->name);
	}
	if (rc || b->failed)
		return err_nomem(e);
	return 0;
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

int
ltemplate_same(const struct xml *d, const struct ltemplate *w)
{
	return d && strcmp(xml_text(d, "imageId"), w->ami) == 0 &&
	    same_b64(xml_text(d, "userData"), w->user_data ? w->user_data : "") &&
	    strcmp(xml_text(d, "iamInstanceProfile/name"), w->profile ? w->profile : "") == 0 &&
	    strcmp(xml_text(d, "keyName"), w->key ? w->key : "") == 0 && same_groups(d, w->sgs) &&
	    strcmp(xml_text(d, "metadataOptions/httpTokens"), "required") == 0 &&
	    strcmp(xml_text(d, "metadataOptions/httpEndpoint"), "enabled") == 0 &&
	    strcmp(xml_text(d, "metadataOptions/instanceMetadataTags"), "enabled") == 0 &&
	    strcmp(xml_text(d, "metadataOptions/httpPutResponseHopLimit"), w->hops) == 0 &&
	    strcmp(xml_text(d, "instanceInitiatedShutdownBehavior"), "terminate") == 0;
}

static int
digits(const char *s, size_t max)
{
	size_t n = strlen(s);

	return n > 0 && n <= max && strspn(s, "0123456789") == n;
}

/* The end: the version checked, the id shown only if it has an id's shape. */
static int
done(struct ltemplate_run *run, const char *result, struct err *e)
{
	const char *id = run->id;

	if (!digits(run->version, 9)) {
		err_set(e, ERR_PERMANENT, "EC2 answered a malformed version number");
		return -1;
	}
	if (strncmp(id, "lt-", 3) != 0 || id[3] == '\0' || strspn(id + 3, "0123456789abcdef") != strlen(id + 3))
		snprintf(run->id, sizeof(run->id), "-");
	run->result = result;
	run->step = LTEMPLATE_DONE;
	return 0;
}

int
ltemplate_answer(struct ltemplate_run *run, const struct ltemplate *w, const struct xml *doc,
    const struct err *failed, struct err *e)
{
	const struct xml *v;

	if (run->step == LTEMPLATE_DESCRIBE)
		run->looks++;
	if (failed) {
		/* Another run created it between our look and our create: look again. */
		if (strcmp(failed->code, "InvalidLaunchTemplateName.AlreadyExistsException") == 0 && run->looks == 1) {
			run->step = LTEMPLATE_DESCRIBE;
			return 0;
		}
		if (run->step == LTEMPLATE_DESCRIBE &&
		    strcmp(failed->code, "InvalidLaunchTemplateName.NotFoundException") == 0) {
			run->step = LTEMPLATE_CREATE;
			return 0;
		}
		*e = *failed;
		return -1;
	}
	switch (run->step) {
	case LTEMPLATE_DESCRIBE:
		v = xml_find(doc, "launchTemplateVersionSet/item");
		snprintf(run->id, sizeof(run->id), "%s", xml_text(v, "launchTemplateId"));
		snprintf(run->version, sizeof(run->version), "%s", xml_text(v, "versionNumber"));
		if (v && ltemplate_same(xml_child(v, "launchTemplateData"), w))
			return done(run, "unchanged", e);
		run->step = LTEMPLATE_CREATE_VERSION;
		return 0;
	case LTEMPLATE_CREATE:
		snprintf(run->id, sizeof(run->id), "%s", xml_text(doc, "launchTemplate/launchTemplateId"));
		snprintf(run->version, sizeof(run->version), "%s", xml_text(doc, "launchTemplate/latestVersionNumber"));
		if (run->version[0] == '\0')
			snprintf(run->version, sizeof(run->version), "1");
		return done(run, "created", e);
	case LTEMPLATE_CREATE_VERSION:
		snprintf(run->version, sizeof(run->version), "%s", xml_text(doc, "launchTemplateVersion/versionNumber"));
		if (run->id[0] == '\0')
			snprintf(run->id, sizeof(run->id), "%s", xml_text(doc, "launchTemplateVersion/launchTemplateId"));
		if (!digits(run->version, sizeof(run->version))) {
			err_set(e, ERR_PERMANENT, "EC2 answered no version number for the new version");
			return -1;
		}
		run->step = LTEMPLATE_SET_DEFAULT;
		return 0;
	case LTEMPLATE_SET_DEFAULT:
		return done(run, "updated", e);
	default:
		err_set(e, ERR_INPUT, "no call was made");
		return -1;
	}
}

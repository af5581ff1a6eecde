/* ltemplate: the launch template's bodies (the same bytes ec2-template sent
 * before they moved here), the field-by-field comparison, and every path
 * of the steps: unchanged, created, updated, a create race, refusals and
 * answers without a usable version. */
#include <stdio.h>
#include <string.h>

#include "ltemplate.h"
#include "t.h"

static struct ltemplate
want(void)
{
	struct ltemplate w;

	memset(&w, 0, sizeof(w));
	w.name = "ci1";
	w.ami = "ami-0123456789abcdef0";
	w.hops = "2";
	w.token = "ec2rp-0123456789abcdef";
	return w;
}

/* The data EC2 describes for want() with two groups, a profile, a key and
 * wrapped user data. */
#define DATA                                                                                          \
	"<launchTemplateData><imageId>ami-0123456789abcdef0</imageId><userData>IyEvYmlu\nL3No</userData>" \
	"<iamInstanceProfile><name>runner</name></iamInstanceProfile><keyName>my key</keyName>"          \
	"<securityGroupIdSet><item>sg-01234567</item><item>sg-0123456789abcdef0</item></securityGroupIdSet>" \
	"<metadataOptions><httpTokens>required</httpTokens><httpEndpoint>enabled</httpEndpoint>"         \
	"<instanceMetadataTags>enabled</instanceMetadataTags><httpPutResponseHopLimit>2</httpPutResponseHopLimit>" \
	"</metadataOptions><instanceInitiatedShutdownBehavior>terminate</instanceInitiatedShutdownBehavior>" \
	"</launchTemplateData>"

static struct ltemplate
full(void)
{
	struct ltemplate w = want();

	w.user_data = "IyEvYmluL3No";
	w.profile = "runner";
	w.key = "my key";
	w.sgs = "sg-0123456789abcdef0,sg-01234567";
	return w;
}

static void
test_query(void)
{
	struct ltemplate_run run = LTEMPLATE_RUN_INIT;
	struct ltemplate w = full();
	struct buf b = BUF_INIT;
	struct err e;

	t_inteq(ltemplate_query(&b, &run, &w, &e), 0, "the look");
	t_streq(b.p, "Action=DescribeLaunchTemplateVersions&Version=2016-11-15&LaunchTemplateName=ci1"
	    "&LaunchTemplateVersion.1=%24Default", "the default version, no token on a read");
	buf_free(&b);
	run.step = LTEMPLATE_CREATE;
	t_inteq(ltemplate_query(&b, &run, &w, &e), 0, "the create");
	t_streq(b.p, "Action=CreateLaunchTemplate&Version=2016-11-15&LaunchTemplateName=ci1"
	    "&ClientToken=ec2rp-0123456789abcdef-CreateLaunchTemplate"
	    "&LaunchTemplateData.ImageId=ami-0123456789abcdef0"
	    "&LaunchTemplateData.MetadataOptions.HttpTokens=required"
	    "&LaunchTemplateData.MetadataOptions.HttpEndpoint=enabled"
	    "&LaunchTemplateData.MetadataOptions.InstanceMetadataTags=enabled"
	    "&LaunchTemplateData.MetadataOptions.HttpPutResponseHopLimit=2"
	    "&LaunchTemplateData.InstanceInitiatedShutdownBehavior=terminate"
	    "&LaunchTemplateData.UserData=IyEvYmluL3No"
	    "&LaunchTemplateData.IamInstanceProfile.Name=runner"
	    "&LaunchTemplateData.KeyName=my%20key"
	    "&LaunchTemplateData.SecurityGroupId.1=sg-0123456789abcdef0"
	    "&LaunchTemplateData.SecurityGroupId.2=sg-01234567"
	    "&TagSpecification.1.ResourceType=launch-template"
	    "&TagSpecification.1.Tag.1.Key=ec2-runner-pool%3Apool&TagSpecification.1.Tag.1.Value=ci1",
	    "every field, in order, and the pool's tag");
	buf_free(&b);
	run.step = LTEMPLATE_CREATE_VERSION;
	w = want();
	t_inteq(ltemplate_query(&b, &run, &w, &e), 0, "a new version, the fields left out");
	t_ok(strstr(b.p, "Action=CreateLaunchTemplateVersion&") == b.p &&
	    strstr(b.p, "&ClientToken=ec2rp-0123456789abcdef-CreateLaunchTemplateVersion&") != NULL,
	    "its own token");
	t_ok(!strstr(b.p, "UserData") && !strstr(b.p, "IamInstanceProfile") && !strstr(b.p, "KeyName") &&
	    !strstr(b.p, "SecurityGroupId"), "no user data, profile, key or groups unless wanted");
	buf_free(&b);
	run.step = LTEMPLATE_SET_DEFAULT;
	snprintf(run.version, sizeof(run.version), "6");
	t_inteq(ltemplate_query(&b, &run, &w, &e), 0, "make it the default");
	t_streq(b.p, "Action=ModifyLaunchTemplate&Version=2016-11-15&LaunchTemplateName=ci1"
	    "&ClientToken=ec2rp-0123456789abcdef-ModifyLaunchTemplate&SetDefaultVersion=6", "the version set");
	buf_free(&b);
	run.step = LTEMPLATE_DONE;
	t_ok(ltemplate_query(&b, &run, &w, &e) == -1 && b.len == 0, "no call once done");
}

static void
test_query_refused(void)
{
	static const char *const hops[] = { "0", "65", "02", "x", "", NULL };
	struct ltemplate_run run = LTEMPLATE_RUN_INIT;
	struct ltemplate w;
	struct buf b = BUF_INIT;
	struct err e;
	char token[40];
	int i;

#define REFUSED(field, value, what)                                                              \
	do {                                                                                         \
		w = want();                                                                          \
		w.field = value;                                                                     \
		t_ok(ltemplate_query(&b, &run, &w, &e) == -1 && e.cls == ERR_INPUT && b.len == 0 && \
		    strstr(e.msg, what) != NULL, what " '%s' refused", w.field ? w.field : "(null)"); \
	} while (0)
	REFUSED(name, "ab", "template name");
	REFUSED(name, NULL, "template name");
	REFUSED(ami, NULL, "image");
	REFUSED(ami, "ami-01234567,ami-01234568", "image");
	REFUSED(ami, "ami-XYZ", "image");
	REFUSED(sgs, "", "security groups");
	REFUSED(sgs, "sg-1", "security groups");
	REFUSED(sgs, "sg-01234567,", "security groups");
	REFUSED(profile, "a b", "instance profile");
	REFUSED(profile, "", "instance profile");
	REFUSED(key, "a\001b", "key name");
	REFUSED(user_data, "not base64!", "user data");
	REFUSED(token, NULL, "token");
	REFUSED(token, "has space", "token");
	for (i = 0; hops[i]; i++)
		REFUSED(hops, hops[i], "hop limit");
	memset(token, 'a', 37);
	token[37] = '\0';
	REFUSED(token, token, "token");
	token[36] = '\0';
	w.token = token;
	t_inteq(ltemplate_query(&b, &run, &w, &e), 0, "a token of 36 fits");
	buf_free(&b);
	w = want();
	w.hops = "64";
	t_inteq(ltemplate_query(&b, &run, &w, &e), 0, "hop limit 64");
	buf_free(&b);
#undef REFUSED
}

static void
test_same(void)
{
	struct xml *x = t_xml("<r>" DATA "</r>");
	const struct xml *d = xml_child(x, "launchTemplateData");
	struct ltemplate w = full();

	t_ok(d != NULL, "data parsed");
	t_ok(ltemplate_same(d, &w), "the same: groups in another order, user data wrapped");
	t_ok(!ltemplate_same(NULL, &w), "no data is never the same");
#define DIFFERS(field, value, what)    \
	do {                           \
		w = full();            \
		w.field = value;       \
		t_ok(!ltemplate_same(d, &w), "another " what); \
	} while (0)
	DIFFERS(ami, "ami-0123456789abcdef1", "image");
	DIFFERS(user_data, "IyEvYmluL3Ni", "user data");
	DIFFERS(user_data, NULL, "user data (none)");
	DIFFERS(profile, NULL, "profile (none)");
	DIFFERS(profile, "other", "profile");
	DIFFERS(key, NULL, "key (none)");
	DIFFERS(sgs, "sg-01234567", "group list (one fewer)");
	DIFFERS(sgs, "sg-01234567,sg-0123456789abcdef0,sg-01234568", "group list (one more)");
	DIFFERS(sgs, NULL, "group list (none)");
	DIFFERS(hops, "1", "hop limit");
#undef DIFFERS
	xml_free(x);
	x = t_xml("<r><launchTemplateData><imageId>ami-0123456789abcdef0</imageId><metadataOptions>"
	    "<httpTokens>optional</httpTokens><httpEndpoint>enabled</httpEndpoint><instanceMetadataTags>enabled"
	    "</instanceMetadataTags><httpPutResponseHopLimit>2</httpPutResponseHopLimit></metadataOptions>"
	    "<instanceInitiatedShutdownBehavior>terminate</instanceInitiatedShutdownBehavior></launchTemplateData></r>");
	w = want();
	t_ok(!ltemplate_same(xml_child(x, "launchTemplateData"), &w), "IMDSv1 allowed: not the same");
	xml_free(x);
}

/* Feeds one step's answer (an XML text, or a failure with code). */
static int
step(struct ltemplate_run *run, const struct ltemplate *w, const char *answer, const char *code, struct err *e)
{
	struct xml *doc = answer ? t_xml(answer) : NULL;
	struct err failed;
	int r;

	err_set(&failed, ERR_PERMANENT, "refused");
	err_code(&failed, code ? code : "");
	r = ltemplate_answer(run, w, doc, answer ? NULL : &failed, e);
	xml_free(doc);
	return r;
}

#define DESCRIBED(ver, data)                                                                          \
	"<DescribeLaunchTemplateVersionsResponse><launchTemplateVersionSet><item>"                         \
	"<launchTemplateId>lt-0123456789abcdef0</launchTemplateId><versionNumber>" ver "</versionNumber>" \
	data "</item></launchTemplateVersionSet></DescribeLaunchTemplateVersionsResponse>"
#define NOT_FOUND "InvalidLaunchTemplateName.NotFoundException"
#define EXISTS "InvalidLaunchTemplateName.AlreadyExistsException"

static void
test_steps(void)
{
	struct ltemplate_run run = LTEMPLATE_RUN_INIT;
	struct ltemplate w = full();
	struct err e;

	t_inteq(step(&run, &w, DESCRIBED("4", DATA), NULL, &e), 0, "the same content");
	t_ok(run.step == LTEMPLATE_DONE && strcmp(run.result, "unchanged") == 0, "unchanged, after one call");
	t_streq(run.id, "lt-0123456789abcdef0", "its id");
	t_streq(run.version, "4", "its default version");

	run = (struct ltemplate_run)LTEMPLATE_RUN_INIT;
	t_inteq(step(&run, &w, NULL, NOT_FOUND, &e), 0, "no template yet");
	t_inteq(run.step, LTEMPLATE_CREATE, "then create it");
	t_inteq(step(&run, &w, "<CreateLaunchTemplateResponse><launchTemplate><launchTemplateId>lt-0abc</launchTemplateId>"
	    "</launchTemplate></CreateLaunchTemplateResponse>", NULL, &e), 0, "created");
	t_ok(run.step == LTEMPLATE_DONE && strcmp(run.result, "created") == 0, "done: created");
	t_streq(run.id, "lt-0abc", "the new id");
	t_streq(run.version, "1", "version 1 when the answer does not say");

	run = (struct ltemplate_run)LTEMPLATE_RUN_INIT;
	w.ami = "ami-0123456789abcdef1";
	t_inteq(step(&run, &w, DESCRIBED("4", DATA), NULL, &e), 0, "another content");
	t_inteq(run.step, LTEMPLATE_CREATE_VERSION, "then a new version");
	t_inteq(step(&run, &w, "<r><launchTemplateVersion><versionNumber>5</versionNumber></launchTemplateVersion></r>",
	    NULL, &e), 0, "version 5 made");
	t_inteq(run.step, LTEMPLATE_SET_DEFAULT, "then made the default");
	t_inteq(step(&run, &w, "<ModifyLaunchTemplateResponse/>", NULL, &e), 0, "default set");
	t_ok(run.step == LTEMPLATE_DONE && strcmp(run.result, "updated") == 0, "done: updated");
	t_streq(run.version, "5", "at the new version");
	t_streq(run.id, "lt-0123456789abcdef0", "the id from the look");

	/* Another run created it between our look and our create. */
	run = (struct ltemplate_run)LTEMPLATE_RUN_INIT;
	w = full();
	t_inteq(step(&run, &w, NULL, NOT_FOUND, &e), 0, "none at the first look");
	t_inteq(step(&run, &w, NULL, EXISTS, &e), 0, "the create lost a race");
	t_inteq(run.step, LTEMPLATE_DESCRIBE, "look again");
	t_inteq(step(&run, &w, DESCRIBED("1", DATA), NULL, &e), 0, "the other run's template");
	t_ok(strcmp(run.result, "unchanged") == 0, "has our content: unchanged");
	run = (struct ltemplate_run)LTEMPLATE_RUN_INIT;
	step(&run, &w, NULL, NOT_FOUND, &e);
	step(&run, &w, NULL, EXISTS, &e);
	t_inteq(step(&run, &w, NULL, NOT_FOUND, &e), 0, "gone again at the second look");
	t_ok(step(&run, &w, NULL, EXISTS, &e) == -1 && strcmp(e.code, EXISTS) == 0, "a second race: no third look");

	run = (struct ltemplate_run)LTEMPLATE_RUN_INIT;
	t_ok(step(&run, &w, NULL, "UnauthorizedOperation", &e) == -1, "a refused look fails");
	t_ok(e.cls == ERR_PERMANENT && strcmp(e.code, "UnauthorizedOperation") == 0 && strcmp(e.msg, "refused") == 0,
	    "with the call's error");
	run.step = LTEMPLATE_CREATE_VERSION;
	t_ok(step(&run, &w, NULL, NOT_FOUND, &e) == -1, "not found after the look is not a create");
}

static void
test_bad_answers(void)
{
	struct ltemplate_run run = LTEMPLATE_RUN_INIT;
	struct ltemplate w = full();
	struct err e;

	w.ami = "ami-0123456789abcdef1";
	step(&run, &w, DESCRIBED("4", DATA), NULL, &e);
	t_ok(step(&run, &w, "<r><launchTemplateVersion/></r>", NULL, &e) == -1, "a new version without a number");
	t_ok(e.cls == ERR_PERMANENT && strstr(e.msg, "no version number"), "fails: %s", e.msg);
	run = (struct ltemplate_run)LTEMPLATE_RUN_INIT;
	step(&run, &w, DESCRIBED("4", DATA), NULL, &e);
	t_ok(step(&run, &w, "<r><launchTemplateVersion><versionNumber>5; x</versionNumber></launchTemplateVersion></r>",
	    NULL, &e) == -1, "a version that is not a number");

	w = full();
	run = (struct ltemplate_run)LTEMPLATE_RUN_INIT;
	t_ok(step(&run, &w, DESCRIBED("1234567890", DATA), NULL, &e) == -1, "a version of ten digits");
	t_ok(e.cls == ERR_PERMANENT && strstr(e.msg, "malformed version"), "is malformed: %s", e.msg);
	run = (struct ltemplate_run)LTEMPLATE_RUN_INIT;
	t_inteq(step(&run, &w, "<r><launchTemplateVersionSet><item><launchTemplateId>lt-\tx</launchTemplateId>"
	    "<versionNumber>3</versionNumber>" DATA "</item></launchTemplateVersionSet></r>", NULL, &e), 0,
	    "an id of another shape");
	t_streq(run.id, "-", "shown as '-'");
	run = (struct ltemplate_run)LTEMPLATE_RUN_INIT;
	t_inteq(step(&run, &w, "<r/>", NULL, &e), 0, "a look that shows nothing");
	t_inteq(run.step, LTEMPLATE_CREATE_VERSION, "makes a version");
	t_ok(step(&run, &w, "<r><launchTemplateVersion><versionNumber>2</versionNumber>"
	    "<launchTemplateId>lt-01</launchTemplateId></launchTemplateVersion></r>", NULL, &e) == 0 &&
	    strcmp(run.id, "lt-01") == 0, "whose answer gives the id");
	run.step = LTEMPLATE_DONE;
	t_ok(step(&run, &w, "<r/>", NULL, &e) == -1, "no answer is read once done");
}

int
main(void)
{
	test_query();
	test_query_refused();
	test_same();
	test_steps();
	test_bad_answers();
	return t_done();
}

/* The credential chain's local links: environment, shared files and
 * profiles, the order between them, refusals, and the 5-minute refresh
 * window. The links that talk HTTP are in test_http.c. Nothing here may
 * reach the network, so instance metadata is always disabled. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "creds.h"
#include "ini.h"
#include "t.h"

static char dir[64];

static void
put(const char *name, const char *text)
{
	char path[128];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "w");
	if (f == NULL) {
		perror(path);
		exit(1);
	}
	fputs(text, f);
	fclose(f);
}

static void
point(const char *var, const char *name)
{
	char path[128];

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	setenv(var, path, 1);
}

/* A clean environment: no credentials anywhere, no metadata service. */
static void
reset(void)
{
	static const char *const vars[] = { "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN",
		"AWS_WEB_IDENTITY_TOKEN_FILE", "AWS_ROLE_ARN", "AWS_ROLE_SESSION_NAME", "AWS_PROFILE",
		"AWS_SHARED_CREDENTIALS_FILE", "AWS_CONFIG_FILE", "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI",
		"AWS_CONTAINER_CREDENTIALS_FULL_URI", "AWS_REGION", "AWS_DEFAULT_REGION", NULL };
	int i;

	for (i = 0; vars[i]; i++)
		unsetenv(vars[i]);
	setenv("AWS_EC2_METADATA_DISABLED", "true", 1);
	setenv("HOME", dir, 1);
}

static int
load(struct creds *c, struct http *h, struct err *e)
{
	creds_free(c);
	memset(c, 0, sizeof(*c));
	err_clear(e);
	return creds_load(c, h, NULL, 1700000000, e);
}

static void
test_environment(struct http *h)
{
	struct creds c = { 0 };
	struct err e;

	reset();
	setenv("AWS_ACCESS_KEY_ID", "AKIDENV", 1);
	setenv("AWS_SECRET_ACCESS_KEY", "secretenv", 1);
	setenv("AWS_SESSION_TOKEN", "tokenenv", 1);
	put("credentials", "[default]\naws_access_key_id=AKIDFILE\naws_secret_access_key=secretfile\n");
	point("AWS_SHARED_CREDENTIALS_FILE", "credentials");
	t_ok(load(&c, h, &e) == 0, "environment keys load");
	t_streq(c.source, "environment", "environment comes before the files");
	t_streq(c.access_key.p, "AKIDENV", "access key");
	t_streq(c.secret_key.p, "secretenv", "secret key");
	t_streq(c.session_token.p, "tokenenv", "session token");
	t_inteq(c.expires, 0, "environment keys do not expire");

	unsetenv("AWS_SESSION_TOKEN");
	load(&c, h, &e);
	t_inteq((long long)c.session_token.len, 0, "no session token when none is set");

	unsetenv("AWS_SECRET_ACCESS_KEY");
	t_ok(load(&c, h, &e) == -1 && e.cls == ERR_INPUT, "access key without secret refused");
	t_ok(strstr(e.msg, "AKIDENV") == NULL, "the key is not in the message");
	unsetenv("AWS_ACCESS_KEY_ID");
	setenv("AWS_SECRET_ACCESS_KEY", "secretenv", 1);
	t_ok(load(&c, h, &e) == -1 && e.cls == ERR_INPUT, "secret without access key refused");
	t_ok(strstr(e.msg, "secretenv") == NULL, "the secret is not in the message");

	/* An empty variable counts as unset, as the SDKs do. */
	setenv("AWS_ACCESS_KEY_ID", "", 1);
	setenv("AWS_SECRET_ACCESS_KEY", "", 1);
	t_ok(load(&c, h, &e) == 0 && strcmp(c.source, "profile") == 0, "empty variables fall through to files");
	creds_free(&c);
}

static void
test_files(struct http *h)
{
	struct creds c = { 0 };
	struct err e;

	reset();
	put("credentials", "# keys\n[default]\naws_access_key_id = AKIDDEF\naws_secret_access_key = secretdef\n"
	    "\n[dev]\n  aws_access_key_id=AKIDDEV\r\n  aws_secret_access_key=secretdev\r\n"
	    "aws_session_token=tokendev\r\n");
	put("config", "[default]\nregion = eu-west-1\n; comment\n[profile dev]\nregion=ap-south-1\n"
	    "[profile ci]\naws_access_key_id=AKIDCI\naws_secret_access_key=secretci\nregion=us-west-2\n"
	    "[profile half]\naws_access_key_id=AKIDHALF\n");
	point("AWS_SHARED_CREDENTIALS_FILE", "credentials");
	point("AWS_CONFIG_FILE", "config");

	t_ok(load(&c, h, &e) == 0, "default profile loads");
	t_streq(c.source, "profile", "source is the profile");
	t_streq(c.access_key.p, "AKIDDEF", "default access key (spaces trimmed)");
	t_streq(c.secret_key.p, "secretdef", "default secret key");
	t_streq(c.profile_region.p, "eu-west-1", "region of [default] in config");

	setenv("AWS_PROFILE", "dev", 1);
	t_ok(load(&c, h, &e) == 0, "AWS_PROFILE=dev loads");
	t_streq(c.access_key.p, "AKIDDEV", "dev access key (indented, CRLF)");
	t_streq(c.session_token.p, "tokendev", "dev session token");
	t_streq(c.profile_region.p, "ap-south-1", "region from [profile dev] in config");

	setenv("AWS_PROFILE", "ci", 1);
	t_ok(load(&c, h, &e) == 0, "keys only in the config file");
	t_streq(c.access_key.p, "AKIDCI", "access key from [profile ci]");
	t_streq(c.profile_region.p, "us-west-2", "region next to them");

	setenv("AWS_PROFILE", "nosuch", 1);
	t_ok(load(&c, h, &e) == -1 && e.cls == ERR_INPUT, "unknown profile refused");
	t_ok(strstr(e.msg, "AWS_PROFILE") != NULL, "the message names AWS_PROFILE");
	/* A profile exists by its section header, not by its name appearing
	 * somewhere in a file ("d" is in "default", "dev", "aws_..."). */
	setenv("AWS_PROFILE", "d", 1);
	t_ok(load(&c, h, &e) == -1 && e.cls == ERR_INPUT, "a name found only inside other names is unknown");
	setenv("AWS_PROFILE", "region", 1);
	t_ok(load(&c, h, &e) == -1 && e.cls == ERR_INPUT, "a key's name is not a profile");
	setenv("AWS_PROFILE", "profile dev", 1);
	t_ok(load(&c, h, &e) == -1 && e.cls == ERR_INPUT, "nor is the config file's header text");

	/* A profile with half a key pair has no keys: the chain goes on and,
	 * with metadata disabled, finds nothing. */
	setenv("AWS_PROFILE", "half", 1);
	t_ok(load(&c, h, &e) == -1 && e.cls == ERR_LOCAL, "half a key pair in a profile is not credentials");
	t_ok(strstr(e.msg, "AKIDHALF") == NULL, "and the key is not in the message");

	/* Without the variables the files are found under $HOME/.aws. */
	reset();
	{
		char path[128];

		snprintf(path, sizeof(path), "%s/.aws", dir);
		t_ok(mkdir(path, 0700) == 0, "made %s", path);
	}
	put(".aws/credentials", "[default]\naws_access_key_id=AKIDHOME\naws_secret_access_key=secrethome\n");
	put(".aws/config", "[default]\nregion=sa-east-1\n");
	t_ok(load(&c, h, &e) == 0 && strcmp(c.access_key.p, "AKIDHOME") == 0, "~/.aws/credentials");
	t_streq(c.profile_region.p, "sa-east-1", "~/.aws/config region");
	creds_free(&c);
}

static void
test_nothing(struct http *h)
{
	struct creds c = { 0 };
	struct err e;
	char path[128];

	reset();
	setenv("HOME", "/nonexistent-ec2rp", 1);
	t_ok(load(&c, h, &e) == -1, "no credentials anywhere");
	t_inteq(e.cls, ERR_LOCAL, "no credentials is a local error");
	t_ok(strstr(e.msg, "no AWS credentials") != NULL, "message says so: %s", e.msg);

	/* Web identity is chosen by its token file, and needs a role. */
	put("token", "eyJ.web.identity\n");
	point("AWS_WEB_IDENTITY_TOKEN_FILE", "token");
	t_ok(load(&c, h, &e) == -1 && e.cls == ERR_INPUT, "token file without AWS_ROLE_ARN refused");
	t_ok(strstr(e.msg, "AWS_ROLE_ARN") != NULL, "message names AWS_ROLE_ARN");
	t_ok(strstr(e.msg, "eyJ") == NULL, "the token is not in the message");
	setenv("AWS_ROLE_ARN", "arn:aws:iam::123456789012:role/ci", 1);
	snprintf(path, sizeof(path), "%s/no-such-token", dir);
	setenv("AWS_WEB_IDENTITY_TOKEN_FILE", path, 1);
	t_ok(load(&c, h, &e) == -1 && e.cls == ERR_LOCAL, "unreadable token file refused before any request");

	reset();
	setenv("AWS_ACCESS_KEY_ID", "AKIDX", 1);
	setenv("AWS_SECRET_ACCESS_KEY", "secretx", 1);
	load(&c, h, &e);
	creds_free(&c);
	t_ok(c.access_key.p == NULL && c.secret_key.p == NULL && c.session_token.p == NULL,
	    "creds_free releases the secrets");
	creds_free(&c);
	t_ok(1, "creds_free twice is harmless");
}

/* Out of memory is a local failure with its message, never -1 with the
 * error left as it was (the tool would exit with whatever class it held). */
static void
test_nomem(struct http *h)
{
	struct creds c = { 0 };
	struct err e;
	size_t big = 64 * 1024 * 1024;
	char *huge = malloc(big + 1);

	reset();
	if (!t_ok(huge != NULL, "a 64 MiB key to copy"))
		return;
	memset(huge, 'A', big);
	huge[big] = '\0';
	setenv("AWS_ACCESS_KEY_ID", huge, 1);
	setenv("AWS_SECRET_ACCESS_KEY", "secret", 1);
	free(huge);
	memset(&e, 0, sizeof(e));
	if (t_lowmem(1)) {
		t_ok(creds_load(&c, h, NULL, 1700000000, &e) == -1, "no memory for the key: refused");
		t_lowmem(0);
		t_inteq(e.cls, ERR_LOCAL, "a local failure (5), with the class set");
		t_streq(e.msg, "out of memory", "and says why");
	} else {
		t_ok(1, "no memory for the key # SKIP the address-space cap does not hold here");
		t_ok(1, "a local failure # SKIP");
		t_ok(1, "and says why # SKIP");
	}
	creds_free(&c);
	unsetenv("AWS_ACCESS_KEY_ID");
	unsetenv("AWS_SECRET_ACCESS_KEY");
}

static void
test_ini(void)
{
	const char *text = "[default]\nregion=x\n  [ profile a b ]  \n[broken\n# [c]\n";

	t_ok(ini_has_section(text, "default"), "a section");
	t_ok(ini_has_section(text, "profile a b"), "a section, trimmed inside and out");
	t_ok(!ini_has_section(text, "def") && !ini_has_section(text, "region") && !ini_has_section(text, "a"),
	    "parts of names and keys are not sections");
	t_ok(!ini_has_section(text, "broken") && !ini_has_section(text, "c"), "nor an unclosed header or a comment");
}

static void
test_fresh(void)
{
	struct creds c = { 0 };
	long long now = 1700000000;

	t_ok(!creds_fresh(&c, now), "no key is never fresh");
	buf_adds(&c.access_key, "AKID");
	t_ok(creds_fresh(&c, now), "no expiry: always fresh");
	c.expires = now + 3600;
	t_ok(creds_fresh(&c, now), "an hour left: fresh");
	c.expires = now + 301;
	t_ok(creds_fresh(&c, now), "5 min 1 s left: fresh");
	c.expires = now + 300;
	t_ok(!creds_fresh(&c, now), "5 min left: refresh");
	c.expires = now - 10;
	t_ok(!creds_fresh(&c, now), "expired: refresh");
	creds_free(&c);
}

/* The mode's shared file: taken only while fresh by the margin, only a
 * private regular file, and what creds_shared_json writes reads back. */
static void
test_shared(struct http *h)
{
	struct creds c, back;
	struct buf text = BUF_INIT;
	struct err e;
	char path[128];
	long long now = 1800000000;

	reset();
	memset(&c, 0, sizeof(c));
	memset(&back, 0, sizeof(back));
	snprintf(path, sizeof(path), "%s/shared", dir);
	put("shared", "{\"Version\":1,\"AccessKeyId\":\"AKIDSHARED\",\"SecretAccessKey\":\"s3cr3t\","
	    "\"SessionToken\":\"tok\",\"Expiration\":\"2027-01-15T09:20:00Z\","
	    "\"AccountId\":\"123456789012\",\"Partition\":\"aws\"}");
	chmod(path, 0600);
	/* 2027-01-15T09:20:00Z is 1800000000 + 4800 s. */
	t_inteq(creds_shared_read(&c, path, now, CREDS_SHARED_MIN_SEC), 1, "80 minutes left: taken");
	t_streq(c.access_key.p, "AKIDSHARED", "its key");
	t_streq(c.session_token.p, "tok", "its SessionToken (credential_process's name)");
	t_streq(c.account, "123456789012", "its account");
	t_streq(c.partition, "aws", "its partition");
	t_inteq(creds_shared_read(&c, path, now + 4800 - 600, CREDS_SHARED_MIN_SEC), 0, "10 minutes left: not taken");
	t_ok(c.access_key.len == 0 && c.account[0] == '\0', "and nothing kept of it");
	t_inteq(creds_shared_read(&c, path, now + 4800 - 900, CREDS_SHARED_RENEW_SEC), 0,
	    "15 minutes left: due for renewal");
	chmod(path, 0640);
	t_inteq(creds_shared_read(&c, path, now, CREDS_SHARED_MIN_SEC), 0, "readable by the group: not taken");
	chmod(path, 0600);
	snprintf(path, sizeof(path), "%s/link", dir);
	if (symlink("shared", path) == 0)
		t_inteq(creds_shared_read(&c, path, now, CREDS_SHARED_MIN_SEC), 0, "a symbolic link: not taken");
	snprintf(path, sizeof(path), "%s/none", dir);
	t_inteq(creds_shared_read(&c, path, now, CREDS_SHARED_MIN_SEC), 0, "no file: not taken");
	put("bad", "{\"Version\":2,\"AccessKeyId\":\"A\",\"SecretAccessKey\":\"B\"}");
	snprintf(path, sizeof(path), "%s/bad", dir);
	chmod(path, 0600);
	t_inteq(creds_shared_read(&c, path, now, CREDS_SHARED_MIN_SEC), 0, "another version: not taken");
	/* The chain takes the file first, while it is fresh. */
	snprintf(path, sizeof(path), "%s/shared", dir);
	setenv("AWS_ACCESS_KEY_ID", "AKIDENV", 1);
	setenv("AWS_SECRET_ACCESS_KEY", "envsecret", 1);
	setenv("EC2RP_CREDENTIALS_FILE", path, 1);
	t_inteq(creds_load(&c, h, NULL, now, &e), 0, "the chain with a shared file");
	t_streq(c.source, "shared", "takes the file first");
	t_inteq(creds_load(&c, h, NULL, now + 4500, &e), 0, "the chain with a stale shared file");
	t_streq(c.source, "environment", "goes on to the environment");
	unsetenv("EC2RP_CREDENTIALS_FILE");
	/* What aws-creds writes reads back the same. */
	t_inteq(creds_shared_read(&c, path, now, CREDS_SHARED_MIN_SEC), 1, "read again");
	t_inteq(creds_shared_json(&c, &text, &e), 0, "written as JSON");
	put("again", text.p);
	snprintf(path, sizeof(path), "%s/again", dir);
	chmod(path, 0600);
	t_inteq(creds_shared_read(&back, path, now, CREDS_SHARED_MIN_SEC), 1, "and read back");
	t_streq(back.secret_key.p, "s3cr3t", "the same secret");
	t_inteq(back.expires, c.expires, "the same expiry");
	t_streq(back.account, "123456789012", "the same account");
	buf_free(&text);
	creds_free(&c);
	creds_free(&back);
	reset();
}

int
main(void)
{
	struct http h;
	struct err e;
	char cmd[160];

	snprintf(dir, sizeof(dir), "/tmp/test_creds.XXXXXX");
	if (mkdtemp(dir) == NULL || http_init(&h, &e)) {
		perror("setup");
		return 1;
	}
	test_environment(&h);
	test_files(&h);
	test_nothing(&h);
	test_fresh();
	test_shared(&h);
	test_ini();
	test_nomem(&h);
	http_free(&h);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	if (system(cmd) != 0)
		t_ok(0, "removed %s", dir);
	return t_done();
}

/* actions/runner's release list as the pool reads it: versions, dates,
 * drafts and pre-releases, the checksum markers of the release text, and
 * the version order. */
#include <stdio.h>
#include <string.h>

#include "ghrelease.h"
#include "t.h"

#define X64 "af5c33fa94f3cc33b8e97937939136a6b04197e6dadfcfb3b6e33ae1bf41e79a"
#define ARM "9CB43527912086C7C8FB4119CB06409FCBCBD6F93A2D8507F30B07C495620F5C"
#define BODY "## SHA-256 Checksums\\n- actions-runner-osx-x64-2.330.0.tar.gz <!-- BEGIN SHA osx-x64 -->" \
	"1111111111111111111111111111111111111111111111111111111111111111<!-- END SHA osx-x64 -->\\n" \
	"- actions-runner-linux-x64-2.330.0.tar.gz <!-- BEGIN SHA linux-x64 -->" X64 "<!-- END SHA linux-x64 -->\\n" \
	"- actions-runner-linux-arm64-2.330.0.tar.gz <!-- BEGIN SHA linux-arm64 -->" ARM "<!-- END SHA linux-arm64 -->\\n"

static int
parse(const char *json, struct ghrelease *r, int max, struct err *e)
{
	cJSON *doc = cJSON_Parse(json);
	int n = ghrelease_parse(doc, r, max, e);

	cJSON_Delete(doc);
	return n;
}

static void
test_parse(void)
{
	struct ghrelease r[4];
	struct err e;
	int n = parse("[{\"tag_name\":\"v2.331.0\",\"draft\":true,\"published_at\":\"2026-01-02T00:00:00Z\"},"
	    "{\"tag_name\":\"v2.330.0\",\"draft\":false,\"prerelease\":false,\"published_at\":\"2025-11-14T17:03:05Z\",\"body\":\"" BODY "\"},"
	    "{\"tag_name\":\"v2.330.1-beta\",\"published_at\":\"2025-11-15T00:00:00Z\"},"
	    "{\"tag_name\":\"v2.329.0\",\"prerelease\":true,\"published_at\":\"2025-10-01T00:00:00Z\"},"
	    "{\"tag_name\":\"v2.328.0\",\"published_at\":null},"
	    "{\"tag_name\":\"2.327.0\",\"published_at\":\"2025-09-01T00:00:00Z\"}]", r, 4, &e);

	t_inteq(n, 2, "a draft, a non-numeric tag, no date, no v: skipped (2 kept)");
	t_streq(r[0].version, "2.330.0", "the version is the tag without its v");
	t_inteq(r[0].published, 1763139785, "published_at as epoch seconds");
	t_inteq(r[0].prerelease, 0, "a release");
	t_streq(r[0].x64, X64, "linux-x64's checksum from the text (not osx-x64's)");
	t_streq(r[0].arm64, "9cb43527912086c7c8fb4119cb06409fcbcbd6f93a2d8507f30b07c495620f5c", "linux-arm64's, lowercased");
	t_streq(r[1].version, "2.329.0", "the pre-release is kept");
	t_inteq(r[1].prerelease, 1, "and marked");
	t_streq(r[1].x64, "", "no text: no checksum");
	t_inteq(parse("{\"message\":\"Not Found\"}", r, 4, &e), -1, "an object is not a release list");
	t_inteq(e.cls, ERR_PERMANENT, "a permanent error");
	t_inteq(parse("[]", r, 4, &e), 0, "an empty list: none");
	t_inteq(parse("[{\"tag_name\":\"v1.2.3\",\"published_at\":\"2025-01-01T00:00:00Z\"},"
	    "{\"tag_name\":\"v1.2.4\",\"published_at\":\"2025-01-01T00:00:00Z\"}]", r, 1, &e), 1, "at most max");
}

static void
test_sha(void)
{
	char out[65];

	t_inteq(ghrelease_sha("<!-- BEGIN SHA linux-x64 -->" X64 "<!-- END SHA linux-x64 -->", "linux-x64", out), 0, "markers found");
	t_inteq(ghrelease_sha("<!-- BEGIN SHA linux-x64 -->abc<!-- END SHA linux-x64 -->", "linux-x64", out), -1, "too short");
	t_inteq(ghrelease_sha("<!-- BEGIN SHA linux-x64 --><LINUX_X64_SHA><!-- END SHA linux-x64 -->", "linux-x64", out), -1,
	    "the template's placeholder is no checksum");
	t_inteq(ghrelease_sha("<!-- BEGIN SHA linux-x64 -->" X64, "linux-x64", out), -1, "no end marker");
	t_inteq(ghrelease_sha("<!-- BEGIN SHA linux-x64 -->g" X64 "<!-- END SHA linux-x64 -->", "linux-x64", out), -1,
	    "65 characters");
	t_inteq(ghrelease_sha("<!-- BEGIN SHA linux-x64 -->" "zz" X64 "<!-- END SHA linux-x64 -->", "linux-x64", out), -1,
	    "not hex");
	t_inteq(ghrelease_sha(NULL, "linux-x64", out), -1, "no text");
}

static void
test_versions(void)
{
	t_ok(ghrelease_cmp("2.330.0", "2.329.9") > 0, "2.330.0 > 2.329.9");
	t_ok(ghrelease_cmp("2.10.0", "2.9.0") > 0, "numeric, not text: 2.10.0 > 2.9.0");
	t_ok(ghrelease_cmp("2.330.0", "2.330.0") == 0, "equal");
	t_ok(ghrelease_cmp("3.0.0", "2.999.999") > 0, "major first");
	t_ok(ghrelease_cmp("x", "1.0.0") < 0, "malformed sorts first");
	t_ok(ghrelease_version_ok("2.330.0"), "2.330.0 is a version");
	t_ok(!ghrelease_version_ok("2.330"), "two parts: no");
	t_ok(!ghrelease_version_ok("2.330.0.1"), "four parts: no");
	t_ok(!ghrelease_version_ok("2.330.0-beta"), "a suffix: no");
	t_ok(!ghrelease_version_ok("1234567.0.0"), "7 digits: no");
	t_ok(!ghrelease_version_ok(""), "empty: no");
}

int
main(void)
{
	test_parse();
	test_sha();
	test_versions();
	return t_done();
}

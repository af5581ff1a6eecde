/* ghrelease: actions/runner's releases as the pool reads them. Pure. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ghrelease.h"
#include "isotime.h"

int
ghrelease_version_ok(const char *s)
{
	int part, digits;

	for (part = 0; part < 3; part++) {
		for (digits = 0; s[digits] >= '0' && s[digits] <= '9'; digits++)
			;
		if (digits < 1 || digits > 6)
			return 0;
		s += digits;
		if (part < 2 && *s++ != '.')
			return 0;
	}
	return *s == '\0';
}

int
ghrelease_cmp(const char *a, const char *b)
{
	int oka = ghrelease_version_ok(a), okb = ghrelease_version_ok(b), i;

	if (!oka || !okb)
		return oka - okb;
	for (i = 0; i < 3; i++) {
		long x = strtol(a, (char **)&a, 10), y = strtol(b, (char **)&b, 10);

		if (x != y)
			return x < y ? -1 : 1;
		a += *a == '.';
		b += *b == '.';
	}
	return 0;
}

int
ghrelease_sha(const char *body, const char *platform, char out[65])
{
	char begin[64], end[64];
	const char *p, *q;
	size_t n = 0;

	if (body == NULL || strlen(platform) > 32)
		return -1;
	snprintf(begin, sizeof(begin), "<!-- BEGIN SHA %s -->", platform);
	snprintf(end, sizeof(end), "<!-- END SHA %s -->", platform);
	if ((p = strstr(body, begin)) == NULL)
		return -1;
	p += strlen(begin);
	if ((q = strstr(p, end)) == NULL || q - p != 64)
		return -1;
	for (n = 0; n < 64; n++) {
		char c = p[n];

		if (c >= 'A' && c <= 'F')
			c = (char)(c - 'A' + 'a');
		if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f')))
			return -1;
		out[n] = c;
	}
	out[64] = '\0';
	return 0;
}

/* One release into r. 0, or -1 when it is not one the pool can use. */
static int
one(const cJSON *o, struct ghrelease *r)
{
	const cJSON *tag = cJSON_GetObjectItemCaseSensitive(o, "tag_name");
	const cJSON *pub = cJSON_GetObjectItemCaseSensitive(o, "published_at");
	const cJSON *body = cJSON_GetObjectItemCaseSensitive(o, "body");

	memset(r, 0, sizeof(*r));
	if (cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(o, "draft")))
		return -1;
	if (!cJSON_IsString(tag) || tag->valuestring[0] != 'v' || strlen(tag->valuestring) >= sizeof(r->version) + 1 ||
	    !ghrelease_version_ok(tag->valuestring + 1))
		return -1;
	if (!cJSON_IsString(pub) || isotime_parse(pub->valuestring, &r->published))
		return -1;
	snprintf(r->version, sizeof(r->version), "%s", tag->valuestring + 1);
	r->prerelease = cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(o, "prerelease"));
	if (cJSON_IsString(body)) {
		if (ghrelease_sha(body->valuestring, "linux-x64", r->x64))
			r->x64[0] = '\0';
		if (ghrelease_sha(body->valuestring, "linux-arm64", r->arm64))
			r->arm64[0] = '\0';
	}
	return 0;
}

int
ghrelease_parse(const cJSON *doc, struct ghrelease *r, int max, struct err *e)
{
	const cJSON *o;
	int n = 0;

	if (!cJSON_IsArray(doc)) {
		err_set(e, ERR_PERMANENT, "the release list is not a JSON array");
		return -1;
	}
	cJSON_ArrayForEach(o, doc) {
		if (n < max && one(o, &r[n]) == 0)
			n++;
	}
	return n;
}

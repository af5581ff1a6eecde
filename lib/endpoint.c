#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "endpoint.h"

int
endpoint_valid_region(const char *s)
{
	size_t n = strlen(s), i;
	int dashes = 0;

	if (n < 4 || n > 32)
		return 0;
	for (i = 0; i < n; i++) {
		char c = s[i];

		if (c == '-')
			dashes++;
		else if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')))
			return 0;
	}
	return dashes >= 1 && s[0] != '-' && s[n - 1] != '-';
}

int
endpoint_region(struct buf *out, const char *profile_region, struct err *e)
{
	const char *r = getenv("AWS_REGION");

	if (r == NULL || *r == '\0')
		r = getenv("AWS_DEFAULT_REGION");
	if (r == NULL || *r == '\0')
		r = profile_region;
	if (r == NULL || *r == '\0') {
		err_set(e, ERR_INPUT, "no region: set AWS_REGION");
		return -1;
	}
	if (!endpoint_valid_region(r)) {
		err_set(e, ERR_INPUT, "AWS_REGION is not a region name");
		return -1;
	}
	buf_reset(out);
	return buf_adds(out, r) ? err_nomem(e) : 0;
}

int
endpoint_split(const char *url, struct buf *host, struct buf *path)
{
	const char *p, *slash;
	size_t n;
	int https;

	if (strncmp(url, "https://", 8) == 0)
		https = 1;
	else if (strncmp(url, "http://", 7) == 0)
		https = 0;
	else
		return -1;
	p = url + (https ? 8 : 7);
	slash = strchr(p, '/');
	n = slash ? (size_t)(slash - p) : strlen(p);
	if (n == 0 || memchr(p, '@', n) || memchr(p, '?', n) || memchr(p, '#', n))
		return -1;
	buf_reset(host);
	/* curl leaves a default port out of Host; so must the signature. */
	if (https && n > 4 && memcmp(p + n - 4, ":443", 4) == 0)
		n -= 4;
	else if (!https && n > 3 && memcmp(p + n - 3, ":80", 3) == 0)
		n -= 3;
	if (buf_add(host, p, n))
		return -1;
	buf_reset(path);
	return buf_adds(path, slash ? slash : "/");
}

int
endpoint_url(struct buf *out, const char *service, const char *region, struct err *e)
{
	char name[64];
	const char *v;
	struct buf h = BUF_INIT, p = BUF_INIT;
	size_t i;
	int bad;

	snprintf(name, sizeof(name), "AWS_ENDPOINT_URL_%s", service);
	for (i = 17; name[i]; i++)
		if (name[i] >= 'a' && name[i] <= 'z')
			name[i] = (char)(name[i] - 'a' + 'A');
	v = getenv(name);
	if (v == NULL || *v == '\0') {
		snprintf(name, sizeof(name), "AWS_ENDPOINT_URL");
		v = getenv(name);
	}
	buf_reset(out);
	if (v && *v) {
		bad = endpoint_split(v, &h, &p);
		buf_free(&h);
		buf_free(&p);
		if (bad) {
			err_set(e, ERR_INPUT, "%s is not an http(s) URL", name);
			return -1;
		}
		return buf_adds(out, v) ? err_nomem(e) : 0;
	}
	/* IAM is global: one endpoint per partition (see endpoint_sign_region). */
	if (strcmp(service, "iam") == 0 && strncmp(region, "cn-", 3) != 0)
		return buf_adds(out, "https://iam.amazonaws.com/") ? err_nomem(e) : 0;
	if (strcmp(service, "iam") == 0)
		return buf_adds(out, "https://iam.cn-north-1.amazonaws.com.cn/") ? err_nomem(e) : 0;
	if (buf_addf(out, "https://%s.%s.amazonaws.com%s/", service, region,
	    strncmp(region, "cn-", 3) == 0 ? ".cn" : ""))
		return err_nomem(e);
	return 0;
}

const char *
endpoint_sign_region(const char *service, const char *region)
{
	if (strcmp(service, "iam") != 0)
		return region;
	return strncmp(region, "cn-", 3) == 0 ? "cn-north-1" : "us-east-1";
}

#include <string.h>

#include <cjson/cJSON.h>

#include "names.h"
#include "poolmsg.h"

int
poolmsg_encode(const struct poolmsg *m, long long pushed_at, struct buf *out)
{
	cJSON *o = cJSON_CreateObject();
	char *s;
	int r = -1;

	if (o && cJSON_AddStringToObject(o, "instanceId", m->id) &&
	    cJSON_AddStringToObject(o, "instanceType", m->type) &&
	    cJSON_AddStringToObject(o, "usageClass", m->usage) &&
	    cJSON_AddStringToObject(o, "resourceClass", m->rclass) &&
	    cJSON_AddNumberToObject(o, "pushedAt", (double)pushed_at) &&
	    (s = cJSON_PrintUnformatted(o)) != NULL) {
		r = buf_adds(out, s);
		cJSON_free(s);
	}
	cJSON_Delete(o);
	return r;
}

static int
copy(char *dst, size_t sz, const cJSON *v, int required)
{
	if (!cJSON_IsString(v))
		return required ? -1 : (dst[0] = '\0', 0);
	if (strlen(v->valuestring) >= sz)
		return -1;
	memcpy(dst, v->valuestring, strlen(v->valuestring) + 1);
	return 0;
}

int
poolmsg_parse(const char *body, struct poolmsg *m)
{
	cJSON *o = cJSON_Parse(body);
	int r = -1;

	memset(m, 0, sizeof(*m));
	if (cJSON_IsObject(o) &&
	    copy(m->id, sizeof(m->id), cJSON_GetObjectItemCaseSensitive(o, "instanceId"), 1) == 0 &&
	    copy(m->type, sizeof(m->type), cJSON_GetObjectItemCaseSensitive(o, "instanceType"), 0) == 0 &&
	    copy(m->usage, sizeof(m->usage), cJSON_GetObjectItemCaseSensitive(o, "usageClass"), 0) == 0 &&
	    copy(m->rclass, sizeof(m->rclass), cJSON_GetObjectItemCaseSensitive(o, "resourceClass"), 0) == 0 &&
	    names_instance_id(m->id) &&
	    strspn(m->type, "abcdefghijklmnopqrstuvwxyz0123456789.-") == strlen(m->type) &&
	    (m->usage[0] == '\0' || strcmp(m->usage, "spot") == 0 || strcmp(m->usage, "on-demand") == 0) &&
	    (m->rclass[0] == '\0' || names_class(m->rclass)))
		r = 0;
	cJSON_Delete(o);
	return r;
}

int
poolmsg_glob(const char *g, const char *s)
{
	const char *star = NULL, *back = NULL;

	/* Iterative matcher: remembers the last '*' to backtrack to. */
	while (*s) {
		if (*g == '*') {
			star = g++;
			back = s;
		} else if (*g == '?' || *g == *s) {
			g++;
			s++;
		} else if (star) {
			g = star + 1;
			s = ++back;
		} else {
			return 0;
		}
	}
	while (*g == '*')
		g++;
	return *g == '\0';
}

int
poolmsg_types_match(const char *globs, const char *type)
{
	char one[64];

	if (globs == NULL || *globs == '\0')
		return 1;
	while (*globs) {
		size_t n = strcspn(globs, ",");

		if (n < sizeof(one)) {
			memcpy(one, globs, n);
			one[n] = '\0';
			if (poolmsg_glob(one, type))
				return 1;
		}
		globs += n;
		if (*globs == ',')
			globs++;
	}
	return 0;
}

int
poolmsg_valid_globs(const char *globs)
{
	size_t n = strlen(globs), i;

	if (n == 0 || n > 512 || strspn(globs, "abcdefghijklmnopqrstuvwxyz0123456789.-*?,") != n)
		return 0;
	if (globs[0] == ',' || globs[n - 1] == ',')
		return 0;
	for (i = 1; i < n; i++)
		if (globs[i] == ',' && globs[i - 1] == ',')
			return 0;
	return 1;
}

int
poolmsg_matches(const struct poolmsg *m, const char *usage, const char *globs)
{
	if (usage && *usage && strcmp(usage, m->usage) != 0)
		return 0;
	return poolmsg_types_match(globs, m->type);
}

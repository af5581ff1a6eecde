#include <string.h>

#include <cjson/cJSON.h>

#include "names.h"
#include "poolmsg.h"

/* A real message is about 150 bytes; anything far larger is not ours. */
#define POOLMSG_MAX_BODY 4096
/* pushedAt beyond the year 9999 is not a time. */
#define POOLMSG_MAX_TIME 253402300799.0

#define TYPE_CHARS "abcdefghijklmnopqrstuvwxyz0123456789.-"
#define GLOB_CHARS TYPE_CHARS "*?"

int
poolmsg_valid_type(const char *s)
{
	size_t n = strlen(s);

	return n >= 1 && n <= 32 && strspn(s, TYPE_CHARS) == n;
}

int
poolmsg_valid_usage(const char *s)
{
	return strcmp(s, "spot") == 0 || strcmp(s, "on-demand") == 0;
}

int
poolmsg_valid_repo(const char *s)
{
	const char *slash = strchr(s, '/');
	size_t n = strlen(s);

	return n >= 3 && n <= 140 && slash && slash != s && slash[1] != '\0' && strchr(slash + 1, '/') == NULL &&
	    strspn(s, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_.-/") == n;
}

/* The optional fields may be empty; when set they must have their shape. */
static int
valid(const struct poolmsg *m)
{
	return names_instance_id(m->id) &&
	    (m->type[0] == '\0' || poolmsg_valid_type(m->type)) &&
	    (m->usage[0] == '\0' || poolmsg_valid_usage(m->usage)) &&
	    (m->rclass[0] == '\0' || names_class(m->rclass)) &&
	    (m->repo[0] == '\0' || poolmsg_valid_repo(m->repo)) &&
	    m->pushed_at >= 0 && (double)m->pushed_at <= POOLMSG_MAX_TIME;
}

int
poolmsg_encode(const struct poolmsg *m, long long pushed_at, struct buf *out)
{
	struct poolmsg c = *m;
	cJSON *o;
	char *s = NULL;
	int r = -1;

	c.pushed_at = pushed_at;
	/* Unterminated fields would be read past their end: check first. */
	if (memchr(c.id, 0, sizeof(c.id)) == NULL || memchr(c.type, 0, sizeof(c.type)) == NULL ||
	    memchr(c.usage, 0, sizeof(c.usage)) == NULL || memchr(c.rclass, 0, sizeof(c.rclass)) == NULL ||
	    memchr(c.repo, 0, sizeof(c.repo)) == NULL || !valid(&c))
		return -1;
	o = cJSON_CreateObject();
	if (o && cJSON_AddStringToObject(o, "instanceId", c.id) &&
	    cJSON_AddStringToObject(o, "instanceType", c.type) &&
	    cJSON_AddStringToObject(o, "usageClass", c.usage) &&
	    cJSON_AddStringToObject(o, "resourceClass", c.rclass) &&
	    (c.repo[0] == '\0' || cJSON_AddStringToObject(o, "repository", c.repo)) &&
	    cJSON_AddNumberToObject(o, "pushedAt", (double)c.pushed_at))
		s = cJSON_PrintUnformatted(o);
	if (s)
		r = buf_adds(out, s);
	cJSON_free(s);
	cJSON_Delete(o);
	return r;
}

/* Copies string v into dst (size sz). Missing: "" unless required. */
static int
copy(char *dst, size_t sz, const cJSON *v, int required)
{
	size_t n;

	if (v == NULL && !required)
		return 0;
	if (!cJSON_IsString(v))
		return -1;
	n = strlen(v->valuestring);
	if (n >= sz)
		return -1;
	memcpy(dst, v->valuestring, n + 1);
	return 0;
}

int
poolmsg_parse(const char *body, struct poolmsg *m)
{
	cJSON *o;
	const cJSON *at;
	int r = -1;

	memset(m, 0, sizeof(*m));
	if (strnlen(body, POOLMSG_MAX_BODY + 1) > POOLMSG_MAX_BODY)
		return -1;
	/* cJSON would cut a string at an escaped NUL: "i-01234567\u0000junk"
	 * must not read as a valid id. No field of ours has one. */
	if (strstr(body, "\\u0000"))
		return -1;
	o = cJSON_Parse(body);
	if (!cJSON_IsObject(o))
		goto done;
	if (copy(m->id, sizeof(m->id), cJSON_GetObjectItemCaseSensitive(o, "instanceId"), 1) ||
	    copy(m->type, sizeof(m->type), cJSON_GetObjectItemCaseSensitive(o, "instanceType"), 0) ||
	    copy(m->usage, sizeof(m->usage), cJSON_GetObjectItemCaseSensitive(o, "usageClass"), 0) ||
	    copy(m->rclass, sizeof(m->rclass), cJSON_GetObjectItemCaseSensitive(o, "resourceClass"), 0) ||
	    copy(m->repo, sizeof(m->repo), cJSON_GetObjectItemCaseSensitive(o, "repository"), 0))
		goto done;
	at = cJSON_GetObjectItemCaseSensitive(o, "pushedAt");
	if (at != NULL) {
		/* Compare as a double first: a huge value must not overflow the cast. */
		if (!cJSON_IsNumber(at) || !(at->valuedouble >= 0 && at->valuedouble <= POOLMSG_MAX_TIME))
			goto done;
		m->pushed_at = (long long)at->valuedouble;
	}
	if (valid(m))
		r = 0;
done:
	cJSON_Delete(o);
	if (r)
		memset(m, 0, sizeof(*m));
	return r;
}

/* Glob match of g[0..gn) against the whole of s. Iterative: on a mismatch
 * it backtracks to the last '*' and lets it take one more character, so the
 * cost is at most gn * strlen(s) steps whatever the pattern. */
static int
glob_n(const char *g, size_t gn, const char *s)
{
	size_t i = 0, star = gn;
	const char *mark = s;

	while (*s) {
		if (i < gn && g[i] == '*') {
			star = i++;
			mark = s;
		} else if (i < gn && (g[i] == '?' || g[i] == *s)) {
			i++;
			s++;
		} else if (star < gn) {
			i = star + 1;
			s = ++mark;
		} else {
			return 0;
		}
	}
	while (i < gn && g[i] == '*')
		i++;
	return i == gn;
}

int
poolmsg_glob(const char *g, const char *s)
{
	return glob_n(g, strlen(g), s);
}

int
poolmsg_types_match(const char *globs, const char *type)
{
	if (globs == NULL || *globs == '\0')
		return 1;
	for (;;) {
		size_t n = strcspn(globs, ",");

		if (n > 0 && glob_n(globs, n, type))
			return 1;
		if (globs[n] == '\0')
			return 0;
		globs += n + 1;
	}
}

int
poolmsg_valid_globs(const char *globs)
{
	size_t n = strlen(globs), item = 0, count = 0, i;

	if (n == 0 || strspn(globs, GLOB_CHARS ",") != n)
		return 0;
	for (i = 0; i <= n; i++) {
		if (globs[i] == ',' || globs[i] == '\0') {
			if (item == 0 || item > 64 || ++count > POOLMSG_MAX_GLOBS)
				return 0;
			item = 0;
		} else {
			item++;
		}
	}
	return 1;
}

int
poolmsg_matches(const struct poolmsg *m, const char *usage, const char *globs, const char *repo)
{
	if (usage && *usage && strcmp(usage, m->usage) != 0)
		return 0;
	/* No repository: an instance no run has used yet (a warm one). */
	if (repo && *repo && m->repo[0] && strcmp(repo, m->repo) != 0)
		return 0;
	return poolmsg_types_match(globs, m->type);
}

#include <stdio.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "names.h"
#include "rclass.h"

/* EC2's size names with the c-family's ratio (2 GiB per vCPU, at least),
 * as the original action defined them: a workflow moving from it keeps
 * its runners' sizes. */
static const struct rclass builtin[] = {
	{ "large", 2, 4096, 0 }, { "xlarge", 4, 8192, 0 }, { "2xlarge", 8, 16384, 0 },
	{ "4xlarge", 16, 32768, 0 }, { "8xlarge", 32, 65536, 0 }, { "12xlarge", 48, 98304, 0 },
	{ "16xlarge", 64, 131072, 0 },
};

const struct rclass *
rclass_find(const struct rclass_set *s, const char *name)
{
	size_t i;

	for (i = 0; i < s->n; i++)
		if (strcmp(s->c[i].name, name) == 0)
			return &s->c[i];
	return NULL;
}

/* A whole number from min to max: a JSON number, or a string of 1-9
 * digits (the original action's configs quote their numbers). */
static int
whole(const cJSON *v, int min, int max, int *out)
{
	if (cJSON_IsString(v)) {
		const char *d = v->valuestring;
		long n = 0;

		if (*d == '\0' || strlen(d) > 9 || strspn(d, "0123456789") != strlen(d))
			return -1;
		for (; *d; d++)
			n = n * 10 + (*d - '0');
		if (n < min || n > max)
			return -1;
		*out = (int)n;
		return 0;
	}
	/* Range first: casting a huge double to int is undefined. */
	if (!cJSON_IsNumber(v) || v->valuedouble < min || v->valuedouble > max ||
	    v->valuedouble != (double)(int)v->valuedouble)
		return -1;
	*out = (int)v->valuedouble;
	return 0;
}

/* The memory member: "mem", or the original action's "mmem" (MiB). */
static const cJSON *
mem_of(const cJSON *c)
{
	const cJSON *m = cJSON_GetObjectItemCaseSensitive(c, "mem");

	return m ? m : cJSON_GetObjectItemCaseSensitive(c, "mmem");
}

/* "arch": absent or "x86_64" (0), "arm64" (1); -1 for anything else. */
static int
arch(const cJSON *v, int *arm64)
{
	*arm64 = 0;
	if (v == NULL)
		return 0;
	if (!cJSON_IsString(v))
		return -1;
	if (strcmp(v->valuestring, "arm64") == 0)
		*arm64 = 1;
	else if (strcmp(v->valuestring, "x86_64") != 0)
		return -1;
	return 0;
}

/* How many members of obj are named name. cJSON keeps every member of a
 * repeated key, and readers differ on which one counts (cJSON the first,
 * most others the last): a config that says two things is refused. */
static int
members(const cJSON *obj, const char *name)
{
	const cJSON *m;
	int n = 0;

	for (m = obj->child; m; m = m->next)
		n += strcmp(m->string, name) == 0;
	return n;
}

int
rclass_load(struct rclass_set *s, const char *config, struct err *e)
{
	cJSON *doc, *it;
	size_t i;

	s->n = 0;
	if (config == NULL || *config == '\0') {
		for (i = 0; i < sizeof(builtin) / sizeof(builtin[0]); i++)
			s->c[s->n++] = builtin[i];
		return 0;
	}
	doc = cJSON_ParseWithOpts(config, NULL, 1); /* nothing may follow the object */
	if (!cJSON_IsObject(doc)) {
		cJSON_Delete(doc);
		err_set(e, ERR_INPUT, "resource class config is not a JSON object");
		return -1;
	}
	cJSON_ArrayForEach(it, doc) {
		static const char *const keys[] = { "cpu", "mem", "mmem", "arch", NULL };
		struct rclass c;

		memset(&c, 0, sizeof(c));
		if (!names_class(it->string)) {
			err_set(e, ERR_INPUT, "resource class config: class name '%.40s' is not 1-32 of a-z 0-9 -", it->string);
			goto fail;
		}
		/* wake-*: the idle agents' wake queues share the class queues' names. */
		if (strncmp(it->string, "wake-", 5) == 0) {
			err_set(e, ERR_INPUT, "resource class config: class names starting with wake- are reserved");
			goto fail;
		}
		snprintf(c.name, sizeof(c.name), "%s", it->string);
		if (members(doc, c.name) > 1) {
			err_set(e, ERR_INPUT, "resource class config: class %s is given twice", c.name);
			goto fail;
		}
		for (i = 0; cJSON_IsObject(it) && keys[i]; i++) {
			if (members(it, keys[i]) > 1) {
				err_set(e, ERR_INPUT, "resource class config: %s gives %s twice", c.name, keys[i]);
				goto fail;
			}
		}
		if (!cJSON_IsObject(it) || whole(cJSON_GetObjectItemCaseSensitive(it, "cpu"), 1, 448, &c.cpu) ||
		    whole(mem_of(it), 512, 24576 * 1024, &c.mem) ||
		    (cJSON_GetObjectItemCaseSensitive(it, "mem") && cJSON_GetObjectItemCaseSensitive(it, "mmem"))) {
			err_set(e, ERR_INPUT, "resource class config: %s needs whole numbers cpu (1-448) and mem (MiB, 512-25165824; or mmem, not both)",
			    c.name);
			goto fail;
		}
		if (arch(cJSON_GetObjectItemCaseSensitive(it, "arch"), &c.arm64)) {
			err_set(e, ERR_INPUT, "resource class config: %s: arch must be \"x86_64\" or \"arm64\"", c.name);
			goto fail;
		}
		if (s->n == RCLASS_MAX) {
			err_set(e, ERR_INPUT, "resource class config: more than %d classes", RCLASS_MAX);
			goto fail;
		}
		s->c[s->n++] = c;
	}
	cJSON_Delete(doc);
	if (s->n == 0) {
		err_set(e, ERR_INPUT, "resource class config names no class");
		return -1;
	}
	return 0;
fail:
	cJSON_Delete(doc);
	return -1;
}

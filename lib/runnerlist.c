#include <stdlib.h>
#include <string.h>

#include "runnerlist.h"
#include "text.h"

/* A string member's copy, "?" when missing or not a string; NULL out of memory. */
static char *
field(const cJSON *o, const char *name)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, name);

	return strdup(cJSON_IsString(v) && v->valuestring ? v->valuestring : "?");
}

static int
has_label(const cJSON *rn, const char *label)
{
	const cJSON *l;

	cJSON_ArrayForEach(l, cJSON_GetObjectItemCaseSensitive(rn, "labels")) {
		const cJSON *n = cJSON_GetObjectItemCaseSensitive(l, "name");

		if (cJSON_IsString(n) && n->valuestring && strcmp(n->valuestring, label) == 0)
			return 1;
	}
	return 0;
}

static void
runner_free(struct runner *r)
{
	int i;

	for (i = 0; i < r->nlabels; i++)
		free(r->labels[i]);
	free(r->labels);
	free(r->name);
	free(r->status);
	memset(r, 0, sizeof(*r));
}

/* Fills r from rn. 0, or -1 out of memory (r then freed). */
static int
runner_read(struct runner *r, const cJSON *rn, long long id)
{
	const cJSON *labels = cJSON_GetObjectItemCaseSensitive(rn, "labels"), *l;
	int n = 0;

	memset(r, 0, sizeof(*r));
	r->id = id;
	r->busy = cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(rn, "busy"));
	if ((r->name = field(rn, "name")) == NULL || (r->status = field(rn, "status")) == NULL)
		goto fail;
	cJSON_ArrayForEach(l, labels)
		n++;
	if (n && (r->labels = calloc((size_t)n, sizeof(*r->labels))) == NULL)
		goto fail;
	cJSON_ArrayForEach(l, labels) {
		const cJSON *ln = cJSON_GetObjectItemCaseSensitive(l, "name");

		if (!cJSON_IsString(ln) || ln->valuestring == NULL)
			continue;
		if ((r->labels[r->nlabels] = strdup(ln->valuestring)) == NULL)
			goto fail;
		r->nlabels++;
	}
	return 0;
fail:
	runner_free(r);
	return -1;
}

int
runnerlist_page(struct runnerlist *l, const cJSON *doc, const struct runner_filter *f, struct err *e)
{
	const cJSON *runners = cJSON_GetObjectItemCaseSensitive(doc, "runners"), *rn;

	if (!cJSON_IsArray(runners)) {
		err_set(e, ERR_PERMANENT, "GitHub's list of runners has no runners array");
		return -1;
	}
	l->pages++;
	cJSON_ArrayForEach(rn, runners) {
		const cJSON *id = cJSON_GetObjectItemCaseSensitive(rn, "id"), *st = cJSON_GetObjectItemCaseSensitive(rn, "status");
		const char *sts = cJSON_IsString(st) && st->valuestring ? st->valuestring : "?";
		int busy = cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(rn, "busy"));

		/* Ids are integers that a double holds exactly (cJSON reads
		 * numbers as doubles); anything else is no runner this tool
		 * could name. */
		if (!cJSON_IsNumber(id) || id->valuedouble < 0 || id->valuedouble > RUNNERLIST_ID_MAX ||
		    id->valuedouble != (double)(long long)id->valuedouble)
			continue;
		if (f && ((f->label && !has_label(rn, f->label)) || (f->status && strcmp(sts, f->status)) ||
		    (f->deletable && (strcmp(sts, "offline") || busy))))
			continue;
		if (l->n >= RUNNERLIST_MAX) {
			err_set(e, ERR_PERMANENT, "more than %d runners listed: stopped", RUNNERLIST_MAX);
			return -1;
		}
		if (l->n == l->cap) {
			int cap = l->cap ? l->cap * 2 : 16;
			struct runner *more = realloc(l->r, (size_t)cap * sizeof(*more));

			if (more == NULL)
				return err_nomem(e);
			l->r = more;
			l->cap = cap;
		}
		if (runner_read(&l->r[l->n], rn, (long long)id->valuedouble))
			return err_nomem(e);
		l->n++;
	}
	return 0;
}

int
runnerlist_more(const struct runnerlist *l, const char *next, struct err *e)
{
	if (next == NULL || *next == '\0')
		return 0;
	if (l->pages >= RUNNERLIST_MAX_PAGES) {
		err_set(e, ERR_PERMANENT, "GitHub offers more than %d pages of runners: stopped", RUNNERLIST_MAX_PAGES);
		return -1;
	}
	return 1;
}

void
runnerlist_free(struct runnerlist *l)
{
	int i;

	if (l == NULL)
		return;
	for (i = 0; i < l->n; i++)
		runner_free(&l->r[i]);
	free(l->r);
	memset(l, 0, sizeof(*l));
}

int
runnerlist_id_ok(const char *s)
{
	size_t n = strlen(s);

	return n >= 1 && n <= 18 && strspn(s, "0123456789") == n;
}

int
runnerlist_label_ok(const char *s)
{
	size_t n = strlen(s);

	return n > 0 && n <= 128 && !strchr(s, ',') && !text_has_control(s);
}

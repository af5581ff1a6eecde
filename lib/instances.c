#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ec2api.h"
#include "instances.h"
#include "isotime.h"
#include "names.h"
#include "query.h"

int
instances_valid_states(const char *s)
{
	static const char *const valid[] = { "pending", "running", "shutting-down", "terminated", "stopping",
		"stopped", NULL };

	if (*s == '\0' || s[strlen(s) - 1] == ',')
		return 0;
	while (*s) {
		size_t len = strcspn(s, ","), i;
		int ok = 0;

		for (i = 0; valid[i]; i++)
			ok |= strlen(valid[i]) == len && strncmp(s, valid[i], len) == 0;
		if (!ok)
			return 0;
		s += len + (s[len] == ',');
	}
	return 1;
}

static int
check(const struct instances_filter *f, struct err *e)
{
	int i;

	if (f->pool && !names_pool(f->pool)) {
		err_set(e, ERR_INPUT, "malformed pool name");
		return -1;
	}
	if (f->run_id && !names_run_id(f->run_id)) {
		err_set(e, ERR_INPUT, "malformed run id");
		return -1;
	}
	if (f->states && *f->states && !instances_valid_states(f->states)) {
		err_set(e, ERR_INPUT, "states: comma-separated EC2 instance states");
		return -1;
	}
	if (f->ids && (f->nids < 1 || f->nids > INSTANCES_MAX_IDS)) {
		err_set(e, ERR_INPUT, "1 to %d instance ids a look-up", INSTANCES_MAX_IDS);
		return -1;
	}
	for (i = 0; f->ids && i < f->nids; i++)
		if (!names_instance_id(f->ids[i])) {
			err_set(e, ERR_INPUT, "malformed instance id");
			return -1;
		}
	return 0;
}

int
instances_query(struct buf *b, const struct instances_filter *f, const char *next, struct err *e)
{
	const char *s = f->states;
	int n = 1, i, rc = 0;

	if (check(f, e))
		return -1;
	rc |= query_add(b, "Action", "DescribeInstances");
	rc |= query_add(b, "Version", EC2_VERSION);
	rc |= query_add(b, "MaxResults", "1000");
	if (f->pool) {
		rc |= query_addf(b, "tag:" EC2_TAG_POOL, "Filter.%d.Name", n);
		rc |= query_addf(b, f->pool, "Filter.%d.Value.1", n++);
	}
	if (f->run_id) {
		rc |= query_addf(b, "tag:" EC2_TAG_RUN, "Filter.%d.Name", n);
		rc |= query_addf(b, f->run_id, "Filter.%d.Value.1", n++);
	}
	if (s && *s) {
		rc |= query_addf(b, "instance-state-name", "Filter.%d.Name", n);
		for (i = 1; *s; i++) {
			size_t len = strcspn(s, ",");
			char one[16]; /* the longest, shutting-down, has 13 */

			snprintf(one, sizeof(one), "%.*s", (int)len, s);
			rc |= query_addf(b, one, "Filter.%d.Value.%d", n, i);
			s += len + (s[len] == ',');
		}
		n++;
	}
	if (f->ids) {
		rc |= query_addf(b, "instance-id", "Filter.%d.Name", n);
		for (i = 0; i < f->nids; i++)
			rc |= query_addf(b, f->ids[i], "Filter.%d.Value.%d", n, i + 1);
	}
	if (next && *next)
		rc |= query_add(b, "NextToken", next);
	if (rc || b->failed)
		return err_nomem(e);
	return 0;
}

/* Copies src if it fits, else "" (see struct instances_row). */
static void
keep(char *dst, size_t n, const char *src)
{
	size_t len = strlen(src);

	if (len >= n)
		len = 0;
	memcpy(dst, src, len);
	dst[len] = '\0';
}

/* The value of the instance's first tag named key, or "". */
static const char *
tag(const struct xml *inst, const char *key)
{
	const struct xml *t;

	for (t = xml_find(inst, "tagSet/item"); t; t = xml_next(t))
		if (strcmp(xml_text(t, "key"), key) == 0)
			return xml_text(t, "value");
	return "";
}

static struct instances_row *
grow(struct instances_list *l)
{
	struct instances_row *p;
	int cap;

	if (l->n < l->cap)
		return &l->row[l->n];
	cap = l->cap ? l->cap * 2 : 64;
	if (cap > INSTANCES_MAX_PAGES * 1000 || (p = realloc(l->row, (size_t)cap * sizeof(*p))) == NULL)
		return NULL;
	l->row = p;
	l->cap = cap;
	return &l->row[l->n];
}

int
instances_add_page(struct instances_list *l, const struct xml *doc, const struct instances_filter *f,
    struct err *e)
{
	const struct xml *r, *i;

	for (r = xml_find(doc, "reservationSet/item"); r; r = xml_next(r))
		for (i = xml_find(r, "instancesSet/item"); i; i = xml_next(i)) {
			struct instances_row *row;
			long long t = 0;

			/* Undated is never "launched before": callers terminate what is. */
			if (isotime_parse(xml_text(i, "launchTime"), &t)) {
				if (f->before)
					continue;
				t = 0;
			}
			if (f->before && t >= f->before)
				continue;
			if ((row = grow(l)) == NULL)
				return err_nomem(e);
			keep(row->id, sizeof(row->id), xml_text(i, "instanceId"));
			keep(row->state, sizeof(row->state), xml_text(i, "instanceState/name"));
			keep(row->type, sizeof(row->type), xml_text(i, "instanceType"));
			keep(row->run_id, sizeof(row->run_id), tag(i, EC2_TAG_RUN));
			keep(row->pool, sizeof(row->pool), tag(i, EC2_TAG_POOL));
			row->launched = t;
			l->n++;
		}
	buf_reset(&l->next);
	if (buf_adds(&l->next, xml_text(doc, "nextToken")))
		return err_nomem(e);
	l->pages++;
	if (l->next.len && l->pages >= INSTANCES_MAX_PAGES) {
		err_set(e, ERR_PERMANENT, "DescribeInstances kept paging: more than %d pages", INSTANCES_MAX_PAGES);
		return -1;
	}
	return 0;
}

void
instances_free(struct instances_list *l)
{
	if (l == NULL)
		return;
	free(l->row);
	buf_free(&l->next);
	l->row = NULL;
	l->n = l->cap = l->pages = 0;
}

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ec2.h"

int
ec2_describe(struct aws *a, const struct instances_filter *f, struct instances_list *out, struct err *e)
{
	struct buf b = BUF_INIT;
	struct xml *doc;
	int r;

	do {
		buf_reset(&b);
		if ((r = instances_query(&b, f, out->next.p, e)) != 0 || (r = aws_query(a, b.p, &doc, e)) != 0)
			break;
		r = instances_add_page(out, doc, f, e);
		xml_free(doc);
	} while (r == 0 && out->next.len);
	buf_free(&b);
	return r;
}

int
ec2_template(struct aws *a, const struct ltemplate *w, struct ltemplate_run *run, struct err *e)
{
	struct buf b = BUF_INIT;
	struct xml *doc = NULL;
	struct err failed;
	int r;

	do {
		buf_reset(&b);
		if ((r = ltemplate_query(&b, run, w, e)) != 0)
			break;
		doc = NULL;
		failed.cls = ERR_NONE;
		if (aws_query(a, b.p, &doc, &failed) == 0)
			r = ltemplate_answer(run, w, doc, NULL, e);
		else
			r = ltemplate_answer(run, w, NULL, &failed, e);
		xml_free(doc);
	} while (r == 0 && run->step != LTEMPLATE_DONE);
	buf_free(&b);
	return r;
}

/* One look-up of up to INSTANCES_MAX_IDS ids. */
static int
members_some(struct aws *a, const char *pool, char *const *ids, int n, char *where, struct err *e)
{
	struct instances_filter f = { NULL, NULL, NULL, ids, n, 0 };
	struct instances_list l = INSTANCES_LIST_INIT;
	int i, j, r;

	r = ec2_describe(a, &f, &l, e);
	for (j = 0; r == 0 && j < l.n; j++)
		for (i = 0; i < n; i++)
			if (strcmp(l.row[j].id, ids[i]) == 0)
				where[i] = strcmp(l.row[j].pool, pool) == 0 ? EC2_IN_POOL : EC2_OTHER;
	instances_free(&l);
	return r;
}

int
ec2_pool_members(struct aws *a, const char *pool, char *const *ids, int n, char *where, struct err *e)
{
	int at, k;

	memset(where, EC2_GONE, (size_t)n);
	for (at = 0; at < n; at += k) {
		k = n - at < INSTANCES_MAX_IDS ? n - at : INSTANCES_MAX_IDS;
		if (members_some(a, pool, ids + at, k, where + at, e))
			return -1;
	}
	return 0;
}

/* One TerminateInstances call for ids (at most TERMINATE_BATCH). */
static int
call_some(struct aws *a, char *const *ids, int n, struct terminate_state *out, struct err *e)
{
	struct buf b = BUF_INIT;
	struct xml *doc = NULL;
	int r;

	r = terminate_query(&b, ids, n, e);
	if (r == 0)
		r = aws_query(a, b.p, &doc, e);
	buf_free(&b);
	if (r)
		return -1;
	terminate_parse(doc, ids, n, out);
	xml_free(doc);
	return 0;
}

/* After a refused batch: one call per id, so one bad id spoils only itself. */
static int
one_by_one(struct aws *a, char *const *ids, int n, struct terminate_state *out, struct err *e)
{
	struct err one;
	int i, r = 0;

	for (i = 0; i < n; i++) {
		if (n > 1 && call_some(a, &ids[i], 1, &out[i], &one) == 0)
			continue;
		if (n == 1)
			one = *e; /* the batch was this id alone: its answer stands */
		if (terminate_refused(&out[i], &one)) {
			*e = one;
			r = -1;
		}
	}
	return r;
}

/* Terminates the ids (all of them, no guard), in batches. */
static int
terminate_all(struct aws *a, char *const *ids, int n, struct terminate_state *out, struct err *e)
{
	int at, k, r = 0;

	for (at = 0; at < n; at += k) {
		k = n - at < TERMINATE_BATCH ? n - at : TERMINATE_BATCH;
		if (call_some(a, ids + at, k, out + at, e) == 0)
			continue;
		/* Retries exhausted: one by one would only make it worse. */
		if (e->cls != ERR_PERMANENT)
			return -1;
		if (one_by_one(a, ids + at, k, out + at, e))
			r = -1;
	}
	return r;
}

int
ec2_terminate(struct aws *a, char *const *ids, int n, const char *pool, struct terminate_state *out, struct err *e)
{
	char **mine = NULL, *where = NULL;
	struct terminate_state *res = NULL;
	int i, m = 0, refused = 0, r = -1;

	for (i = 0; i < n; i++)
		terminate_set(&out[i], "error", "not-attempted");
	if (pool == NULL)
		return terminate_all(a, ids, n, out, e);
	/* The guard: what EC2 does not show under the pool's tag is never touched. */
	mine = calloc((size_t)n, sizeof(*mine));
	where = malloc((size_t)n);
	res = calloc((size_t)n, sizeof(*res));
	if (mine == NULL || where == NULL || res == NULL) {
		err_set(e, ERR_LOCAL, "out of memory");
		goto out;
	}
	for (i = 0; i < n; i++)
		res[i] = out[i]; /* a batch cut short leaves its ids not-attempted, not blank */
	if (ec2_pool_members(a, pool, ids, n, where, e)) {
		for (i = 0; i < n; i++)
			terminate_set(&out[i], "refused", "pool-lookup-failed");
		goto out;
	}
	for (i = 0; i < n; i++) {
		if (where[i] == EC2_IN_POOL)
			mine[m++] = ids[i];
		else if (where[i] == EC2_GONE)
			terminate_set(&out[i], "gone", "gone");
		else {
			terminate_set(&out[i], "refused", "not-in-pool");
			refused++;
		}
	}
	r = m ? terminate_all(a, mine, m, res, e) : 0;
	for (i = 0, m = 0; i < n; i++)
		if (where[i] == EC2_IN_POOL)
			out[i] = res[m++];
	if (refused && r == 0) {
		err_set(e, ERR_PERMANENT, "%d instance(s) not in pool %s were left alone", refused, pool);
		r = -1;
	}
out:
	free(mine);
	free(where);
	free(res);
	return r;
}

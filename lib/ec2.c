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

int
ec2_subnets(struct aws *a, char *const *ids, int n, struct subnets_row *out, struct err *e)
{
	struct buf b = BUF_INIT;
	struct xml *doc = NULL;
	int r;

	r = subnets_query(&b, ids, n, e);
	if (r == 0)
		r = aws_query(a, b.p, &doc, e);
	buf_free(&b);
	if (r)
		return -1;
	r = subnets_parse(doc, out, SUBNETS_MAX);
	xml_free(doc);
	return r;
}

/* Sleeps before the next look at fresh ids: 0, or -1 when *left_ms (what is
 * left of the caller's budget) is spent. */
static int
fresh_wait(struct aws *a, int *round, long *left_ms)
{
	long w = terminate_fresh_wait_ms((*round)++, *left_ms);

	if (w < 0)
		return -1;
	*left_ms -= w;
	a->sleep_ms(w);
	return 0;
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

/* Every id, INSTANCES_MAX_IDS a look-up; only[i] 0 skips ids[i] (only NULL:
 * none skipped). */
static int
members_all(struct aws *a, const char *pool, char *const *ids, int n, const char *only, char *where, struct err *e)
{
	char **sub, *w;
	int at, i, k, m = 0, r = 0;

	sub = calloc((size_t)n, sizeof(*sub));
	w = malloc((size_t)n);
	if (sub == NULL || w == NULL) {
		free(sub);
		free(w);
		return err_nomem(e);
	}
	for (i = 0; i < n; i++)
		if (only == NULL || only[i])
			sub[m++] = ids[i];
	memset(w, EC2_GONE, (size_t)m);
	for (at = 0; r == 0 && at < m; at += k) {
		k = m - at < INSTANCES_MAX_IDS ? m - at : INSTANCES_MAX_IDS;
		r = members_some(a, pool, sub + at, k, w + at, e);
	}
	for (i = 0, m = 0; r == 0 && i < n; i++)
		if (only == NULL || only[i])
			where[i] = w[m++];
	free(sub);
	free(w);
	return r;
}

/* ec2_pool_members with the budget shared with the caller's other waits. */
static int
members(struct aws *a, const char *pool, char *const *ids, int n, long *left_ms, char *where, struct err *e)
{
	char *missing;
	int i, m, round = 0, r;

	memset(where, EC2_GONE, (size_t)n);
	if ((r = members_all(a, pool, ids, n, NULL, where, e)) != 0 || left_ms == NULL)
		return r;
	if ((missing = malloc((size_t)n)) == NULL)
		return err_nomem(e);
	for (;;) {
		for (i = 0, m = 0; i < n; i++) {
			missing[i] = where[i] == EC2_GONE;
			m += missing[i];
		}
		if (m == 0)
			break;
		/* Fresh: not shown yet proves nothing (terminate.h). */
		if (fresh_wait(a, &round, left_ms)) {
			for (i = 0; i < n; i++)
				if (missing[i])
					where[i] = EC2_UNSEEN;
			break;
		}
		if ((r = members_all(a, pool, ids, n, missing, where, e)) != 0)
			break;
	}
	free(missing);
	return r;
}

int
ec2_pool_members(struct aws *a, const char *pool, char *const *ids, int n, long fresh_ms, char *where,
    struct err *e)
{
	return members(a, pool, ids, n, fresh_ms > 0 ? &fresh_ms : NULL, where, e);
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

/* One call per id, for the ids with todo[i] set (after a refused batch, so
 * one bad id spoils only itself; or a fresh id's next try). todo[i] is left
 * set for a fresh id EC2 does not know yet, cleared for the rest. */
static int
one_by_one(struct aws *a, char *const *ids, int n, int fresh, char *todo, struct terminate_state *out, struct err *e)
{
	struct err one;
	int i, k, r = 0;

	for (i = 0; i < n; i++) {
		if (!todo[i])
			continue;
		todo[i] = 0;
		if (call_some(a, &ids[i], 1, &out[i], &one) == 0)
			continue;
		if ((k = terminate_refused(&out[i], &one, fresh)) > 0) {
			todo[i] = 1;
		} else if (k < 0) {
			*e = one;
			r = -1;
		}
	}
	return r;
}

/* Terminates the ids (all of them, no guard), in batches; a fresh id EC2
 * does not know yet is tried again after waits while *left_ms lasts (left_ms
 * NULL: the ids are not fresh). */
static int
terminate_all(struct aws *a, char *const *ids, int n, long *left_ms, struct terminate_state *out, struct err *e)
{
	char *todo;
	int at, i, k, m, v, round = 0, r = 0;

	if ((todo = calloc((size_t)n, 1)) == NULL)
		return err_nomem(e);
	for (at = 0; at < n; at += k) {
		k = n - at < TERMINATE_BATCH ? n - at : TERMINATE_BATCH;
		if (call_some(a, ids + at, k, out + at, e) == 0)
			continue;
		/* Retries exhausted: one by one would only make it worse. */
		if (e->cls != ERR_PERMANENT) {
			free(todo);
			return -1;
		}
		memset(todo + at, 1, (size_t)k);
		if (k == 1) {
			/* The batch was this id alone: its answer stands. */
			v = terminate_refused(&out[at], e, left_ms != NULL);
			todo[at] = v > 0;
			if (v < 0)
				r = -1;
		} else if (one_by_one(a, ids + at, k, left_ms != NULL, todo + at, out + at, e)) {
			r = -1;
		}
	}
	for (;;) {
		for (i = 0, m = 0; i < n; i++)
			m += todo[i];
		if (m == 0)
			break;
		if (fresh_wait(a, &round, left_ms)) {
			err_set(e, ERR_TEMPORARY, "%d instance(s) launched moments ago still unknown to EC2 "
			    "(InvalidInstanceID.NotFound): not proven terminated", m);
			r = -1;
			break;
		}
		if (one_by_one(a, ids, n, 1, todo, out, e))
			r = -1;
	}
	free(todo);
	return r;
}

int
ec2_terminate(struct aws *a, char *const *ids, int n, const char *pool, long fresh_ms,
    struct terminate_state *out, struct err *e)
{
	char **mine = NULL, *where = NULL;
	struct terminate_state *res = NULL;
	long *left = fresh_ms > 0 ? &fresh_ms : NULL;
	int i, m = 0, refused = 0, unseen = 0, r = -1;

	for (i = 0; i < n; i++)
		terminate_set(&out[i], "error", "not-attempted");
	if (pool == NULL)
		return terminate_all(a, ids, n, left, out, e);
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
	if (members(a, pool, ids, n, left, where, e)) {
		for (i = 0; i < n; i++)
			terminate_set(&out[i], "refused", "pool-lookup-failed");
		goto out;
	}
	for (i = 0; i < n; i++) {
		if (where[i] == EC2_IN_POOL) {
			mine[m++] = ids[i];
		} else if (where[i] == EC2_GONE) {
			terminate_set(&out[i], "gone", "gone");
		} else if (where[i] == EC2_UNSEEN) {
			terminate_set(&out[i], "error", "InvalidInstanceID.NotFound");
			unseen++;
		} else {
			terminate_set(&out[i], "refused", "not-in-pool");
			refused++;
		}
	}
	r = m ? terminate_all(a, mine, m, left, res, e) : 0;
	for (i = 0, m = 0; i < n; i++)
		if (where[i] == EC2_IN_POOL)
			out[i] = res[m++];
	if (unseen && r == 0) {
		err_set(e, ERR_TEMPORARY, "%d instance(s) launched moments ago not shown by EC2 in time: "
		    "not proven terminated", unseen);
		r = -1;
	}
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

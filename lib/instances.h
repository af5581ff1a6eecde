/* instances: DescribeInstances a page at a time: the Query body of a look-up
 * by the pool's tags, states or instance ids, and the instances and the next
 * page's token read from each answer. Pure: the caller makes the calls (see
 * ec2_describe for the loop). */
#ifndef EC2RP_INSTANCES_H
#define EC2RP_INSTANCES_H

#include "buf.h"
#include "err.h"
#include "xml.h"

#define INSTANCES_MAX_IDS 200    /* values of one instance-id filter */
#define INSTANCES_MAX_PAGES 1000 /* of 1000 instances each: a service still
                                  * paging after that is broken */

/* What to look up; every field set narrows it. */
struct instances_filter {
	const char *pool;   /* the pool tag's value, or NULL */
	const char *run_id; /* the run id tag's value, or NULL */
	const char *states; /* comma-separated instance-state-name values, or NULL or "" for any */
	char *const *ids;   /* nids instance ids (1..INSTANCES_MAX_IDS), or NULL */
	int nids;
	long long before;   /* keep only instances launched before this epoch
	                     * second (an undated one is left out); 0 keeps all */
};

/* 1 if states is a comma-separated list (none empty) of EC2 instance state
 * names: pending, running, shutting-down, terminated, stopping, stopped. */
int instances_valid_states(const char *states);

/* Appends one page's DescribeInstances body (Action and Version included) to
 * b; next is the token the last answer gave, or NULL or "" for the first
 * page. 0, or -1 with e: ERR_INPUT when a field has the wrong shape (nothing
 * is written then), ERR_LOCAL when memory runs out. */
int instances_query(struct buf *b, const struct instances_filter *f, const char *next, struct err *e);

/* One instance as the answer shows it. A value that does not fit its field
 * (no EC2 value is that long) is kept as "". */
struct instances_row {
	char id[20];
	char state[16];
	char type[40];
	char run_id[257]; /* the run id tag's value (a tag value has at most 256) */
	char pool[257];   /* the pool tag's value */
	long long launched; /* epoch seconds; 0 when launchTime is not a date */
};

/* What the pages have shown so far; INSTANCES_LIST_INIT before the first. */
struct instances_list {
	struct instances_row *row; /* n rows, in the answers' order */
	int n;
	int cap;
	int pages;        /* answers read */
	struct buf next;  /* the next page's token; empty after the last page */
};
#define INSTANCES_LIST_INIT { NULL, 0, 0, 0, BUF_INIT }

/* Reads one answer: appends the instances that pass f's launch-time bound
 * (the request applied the rest) and sets l->next. 0, or -1 with e:
 * ERR_LOCAL when memory runs out, ERR_PERMANENT when the answer still
 * names a next page after INSTANCES_MAX_PAGES. */
int instances_add_page(struct instances_list *l, const struct xml *doc, const struct instances_filter *f,
    struct err *e);

/* Frees the rows and the token; instances_free(NULL) does nothing. */
void instances_free(struct instances_list *l);

#endif

/* runnerlist: GitHub's list of self-hosted runners read page by page: the
 * runners of one answer that pass a filter, kept as records, and when to
 * stop reading. Pure: the pages come from the caller (github_runner_list). */
#ifndef EC2RP_RUNNERLIST_H
#define EC2RP_RUNNERLIST_H

#include <cjson/cJSON.h>

#include "err.h"

#define RUNNERLIST_PER_PAGE 100 /* GitHub's largest page */
#define RUNNERLIST_MAX_PAGES 100 /* pages read at most */
#define RUNNERLIST_MAX (RUNNERLIST_PER_PAGE * RUNNERLIST_MAX_PAGES) /* runners kept at most */
#define RUNNERLIST_ID_MAX 9007199254740991.0 /* 2^53 - 1: larger ids lose digits in JSON's doubles */

struct runner {
	long long id;     /* 0 to RUNNERLIST_ID_MAX */
	char *name;       /* as GitHub sent it ("?" when missing): may hold any byte but NUL */
	char *status;     /* "online", "offline", or what GitHub sent ("?" when missing) */
	int busy;
	char **labels;    /* the label names, nlabels of them */
	int nlabels;
};

struct runner_filter {
	const char *label;  /* only runners with this label (exact match), or NULL */
	const char *status; /* only runners in this status, or NULL */
	int deletable;      /* only offline runners that are not busy */
};

struct runnerlist {
	struct runner *r;   /* n records, in GitHub's order */
	int n, cap;
	int pages;          /* answers read */
};

#define RUNNERLIST_INIT { NULL, 0, 0, 0 }

/* Adds the runners of one answer ({"total_count": N, "runners": [...]})
 * that pass f (NULL: all); a runner without an integral id in range is
 * skipped. 0, or -1 with e: ERR_PERMANENT when the answer has no runners
 * array or the list would grow past RUNNERLIST_MAX, ERR_LOCAL out of memory
 * (what was added stays, for runnerlist_free). */
int runnerlist_page(struct runnerlist *l, const cJSON *doc, const struct runner_filter *f, struct err *e);

/* After a page, with next the Link rel="next" URL ("" or NULL if none):
 * 1 to read it, 0 when done, -1 with e (ERR_PERMANENT) when GitHub offers
 * a page past RUNNERLIST_MAX_PAGES (a list that large, or pages that loop). */
int runnerlist_more(const struct runnerlist *l, const char *next, struct err *e);

void runnerlist_free(struct runnerlist *l);

/* 1 if s can be a runner id on a command line: 1-18 digits. */
int runnerlist_id_ok(const char *s);
/* 1 if s can be a label to filter on: 1-128 bytes, no commas or control
 * characters (labels are given to the runner comma-separated). */
int runnerlist_label_ok(const char *s);

#endif

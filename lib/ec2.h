/* ec2: the EC2 calls: DescribeInstances over every page, the launch
 * template's steps, the pool guard and TerminateInstances in batches. Each
 * is a thin loop of calls around the pure request modules (instances,
 * ltemplate, terminate); the tools print what they return. */
#ifndef EC2RP_EC2_H
#define EC2RP_EC2_H

#include "aws.h"
#include "ec2api.h"
#include "instances.h"
#include "ltemplate.h"
#include "subnets.h"
#include "terminate.h"

/* Where an instance stands for ec2_pool_members. */
enum { EC2_GONE = 'g', EC2_IN_POOL = 'p', EC2_OTHER = 'o', EC2_UNSEEN = 'u' };

/* DescribeInstances, every page (instances.h): appends to out (INSTANCES_LIST_INIT,
 * or the rows of an earlier look-up) the instances f selects. 0, or -1 with
 * e filled (out then holds the pages read so far; instances_free it either
 * way). */
int ec2_describe(struct aws *a, const struct instances_filter *f, struct instances_list *out, struct err *e);

/* Makes the pool's launch template w (ltemplate.h), each step one call,
 * from run (LTEMPLATE_RUN_INIT) to LTEMPLATE_DONE. 0 with run's result, id
 * and version set, or -1 with e filled. */
int ec2_template(struct aws *a, const struct ltemplate *w, struct ltemplate_run *run, struct err *e);

/* DescribeSubnets for ids (n of them, 1..SUBNETS_MAX): the subnets EC2
 * shows, into out (room for SUBNETS_MAX). Their number, or -1 with e filled
 * (an unknown id: EC2's InvalidSubnetID.NotFound, ERR_PERMANENT). */
int ec2_subnets(struct aws *a, char *const *ids, int n, struct subnets_row *out, struct err *e);

/* Looks ids up in EC2 (DescribeInstances, instance-id filter, all pages) and
 * sets where[i] for each: EC2_IN_POOL when EC2 shows it tagged with pool,
 * EC2_OTHER when it shows it without that tag, EC2_GONE when it does not show
 * it. fresh_ms > 0 says the ids were launched moments ago (terminate.h): the
 * ones EC2 does not show are looked up again after growing waits, at most
 * fresh_ms in all, and those it never shows are EC2_UNSEEN, not gone.
 * 0, or -1 with e filled (where is then undefined). */
int ec2_pool_members(struct aws *a, const char *pool, char *const *ids, int n, long fresh_ms, char *where,
    struct err *e);

/* Terminates ids (n of them; out has room for n, each set as terminate.h
 * says): one call per TERMINATE_BATCH; if EC2 refuses a call, one call per
 * id of it. With pool set, only the ids EC2 shows tagged with that pool are
 * terminated (the rest are "refused", and so is every id if the look-up
 * fails); pool NULL terminates what it is given. fresh_ms > 0: the ids were
 * launched moments ago, so EC2 not knowing one is never "gone": it is
 * looked up (with pool) and terminated again after growing waits, at most
 * fresh_ms in all, and one EC2 never answered for stays
 * "error"/"InvalidInstanceID.NotFound" (ERR_TEMPORARY).
 * 0 when every id is terminating or gone, else -1 with e of the last failure
 * (ERR_PERMANENT when the guard refused an id). */
int ec2_terminate(struct aws *a, char *const *ids, int n, const char *pool, long fresh_ms,
    struct terminate_state *out, struct err *e);

#endif

/* ec2: shared pieces of the EC2 tools. */
#ifndef EC2RP_EC2_H
#define EC2RP_EC2_H

#include "aws.h"

#define EC2_VERSION "2016-11-15"
#define EC2_TAG_POOL "ec2-runner-pool:pool"
#define EC2_TAG_RUN "ec2-runner-pool:run-id"
#define EC2_TAG_CLASS "ec2-runner-pool:resource-class"

#define EC2_TERMINATE_BATCH 1000 /* ids per TerminateInstances call */
#define EC2_FILTER_VALUES 200    /* values per DescribeInstances filter */

/* What became of one id in ec2_terminate: prev and cur are EC2's previous and
 * current state names; "gone"/"gone" for an id EC2 does not know;
 * "refused"/"not-in-pool" for one the pool guard kept back; "error"/CODE for
 * one EC2 refused. */
struct ec2_term {
	char prev[24];
	char cur[64];
};

/* Where an instance stands for ec2_pool_members. */
enum { EC2_GONE = 'g', EC2_IN_POOL = 'p', EC2_OTHER = 'o' };

/* Looks ids up in EC2 (DescribeInstances, instance-id filter, all pages) and
 * sets where[i] for each: EC2_IN_POOL when EC2 shows it tagged with pool,
 * EC2_OTHER when it shows it without that tag, EC2_GONE when it does not show
 * it. 0, or -1 with e filled (where is then undefined). */
int ec2_pool_members(struct aws *a, const char *pool, char *const *ids, int n, char *where, struct err *e);

/* Terminates ids (n of them; out has room for n): one call per 1000; if EC2
 * refuses a call, one call per id of it. With pool set, only the ids EC2 shows
 * tagged with that pool are terminated (the rest are "refused", and so is
 * every id if the look-up fails); pool NULL terminates what it is given.
 * 0 when every id is terminating or gone, else -1 with e of the last failure
 * (ERR_PERMANENT when the guard refused an id). */
int ec2_terminate(struct aws *a, char *const *ids, int n, const char *pool, struct ec2_term *out, struct err *e);
/* 1 if a value of comma-separated list has shape check (subnet-, sg- ids). */
int ec2_valid_ids(const char *list, const char *prefix);

#endif

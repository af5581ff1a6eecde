/* ec2: shared pieces of the EC2 tools. */
#ifndef EC2RP_EC2_H
#define EC2RP_EC2_H

#include "aws.h"

#define EC2_VERSION "2016-11-15"
#define EC2_TAG_POOL "ec2-runner-pool:pool"
#define EC2_TAG_RUN "ec2-runner-pool:run-id"
#define EC2_TAG_CLASS "ec2-runner-pool:resource-class"

#define EC2_TERMINATE_BATCH 1000 /* ids per TerminateInstances call */

/* Terminates ids: one call per 1000; if EC2 refuses a call, one call per id
 * of it. Prints "id<TAB>previous<TAB>current" per id when print is set: an
 * id EC2 does not know is "gone<TAB>gone", one it refused "error<TAB>CODE".
 * 0 when every id is terminating or gone, else -1 with e of the last failure. */
int ec2_terminate(struct aws *a, char *const *ids, int n, int print, struct err *e);
/* 1 if a value of comma-separated list has shape check (subnet-, sg- ids). */
int ec2_valid_ids(const char *list, const char *prefix);

#endif

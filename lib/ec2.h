/* ec2: shared pieces of the EC2 tools. */
#ifndef EC2RP_EC2_H
#define EC2RP_EC2_H

#include "aws.h"

#define EC2_VERSION "2016-11-15"
#define EC2_TAG_POOL "ec2-runner-pool:pool"
#define EC2_TAG_RUN "ec2-runner-pool:run-id"
#define EC2_TAG_CLASS "ec2-runner-pool:resource-class"

/* Terminates ids: one call for all; if that is refused, one call each. An
 * id EC2 does not know is reported as "gone". Prints
 * "id<TAB>previous<TAB>current" per id when out is set. 0 when every id is
 * terminating or gone, else -1 with e of the last failure. */
int ec2_terminate(struct aws *a, char *const *ids, int n, int print, struct err *e);
/* 1 if a value of comma-separated list has shape check (subnet-, sg- ids). */
int ec2_valid_ids(const char *list, const char *prefix);

#endif

/* poolread: what pool-status shows, read from AWS: one strongly consistent,
 * paginated Scan of the pool's table (instance records not terminated, and
 * heartbeats), then the ApproximateNumberOfMessages of each class's queue.
 * Reads only: no call it makes changes anything. */
#ifndef EC2RP_POOLREAD_H
#define EC2RP_POOLREAD_H

#include <stddef.h>

#include "aws.h"
#include "poolstatus.h"

/* Fills ps (POOLSTATUS_INIT or freed) for pool at time now, with the
 * classes named shown even without records (see poolstatus_build). a is a
 * client set up for dynamodb; it is pointed at sqs when a class has a
 * queue to count. A class whose queue does not exist keeps queued UNKNOWN.
 * 0, or -1 with e set and ps freed. */
int poolread_status(struct aws *a, const char *pool, const char *const *classes, size_t nclasses,
    long long now, struct poolstatus *ps, struct err *e);

#endif

/* whoami: the account and partition of the caller's credentials
 * (STS GetCallerIdentity, which needs no permission), once per process.
 * Signal, heartbeat and token items are keyed by the instance's ARN, which IAM
 * can bind to an instance's own role (${ec2:SourceInstanceARN}). */
#ifndef EC2RP_WHOAMI_H
#define EC2RP_WHOAMI_H

#include "aws.h"
#include "buf.h"
#include "err.h"

/* Fills partition ("aws", "aws-cn", ...) and account (12 digits), asking STS
 * with a's credentials and connection the first time (a is left pointed at
 * its own service). 0, or -1 with e set. */
int whoami(struct aws *a, char partition[16], char account[13], struct err *e);

/* The key of a record of kind for name: for signals, heartbeats and tokens the
 * instance's ARN in a's region after the prefix, else state_pk's. 0, or -1
 * with e set. */
int whoami_pk(struct aws *a, struct buf *out, int kind, const char *name, struct err *e);

#endif

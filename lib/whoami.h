/* whoami: the account and partition of the caller's credentials
 * (STS GetCallerIdentity, which needs no permission), asked once per
 * identity the caller keeps. Signal, heartbeat and token items are keyed by
 * the instance's ARN, which IAM can bind to an instance's own role
 * (${ec2:SourceInstanceARN}). */
#ifndef EC2RP_WHOAMI_H
#define EC2RP_WHOAMI_H

#include "aws.h"
#include "buf.h"
#include "err.h"

/* Who the credentials are. The caller owns it (WHOAMI_INIT to start, one per
 * set of credentials); whoami fills it, and once filled nobody is asked
 * again: no identity is kept behind the caller's back. */
struct whoami {
	char partition[16]; /* "aws", "aws-cn", ... */
	char account[13];   /* 12 digits; "" until known */
};
#define WHOAMI_INIT { "", "" }

/* Fills w, unless it is filled already: from a's credentials when they
 * name their account (the mode's shared file, creds.h), else asking STS
 * with a's credentials and connection (a is left pointed at its own
 * service). 0, or -1 with e set (w is left empty). */
int whoami(struct aws *a, struct whoami *w, struct err *e);

/* The key of a record of kind for name: for signals, heartbeats and tokens the
 * instance's ARN in a's region and w's account (whoami fills w if need be)
 * after the prefix, else state_pk's. 0, or -1 with e set. */
int whoami_pk(struct aws *a, struct whoami *w, struct buf *out, int kind, const char *name, struct err *e);

#endif

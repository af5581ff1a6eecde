/* iamrole: IAM's GetRole, to learn whether the account has a role (such as
 * the service-linked role spot launches need). Pure: the body and the
 * answer; iamrole_get makes the call. */
#ifndef EC2RP_IAMROLE_H
#define EC2RP_IAMROLE_H

#include "aws.h"
#include "buf.h"
#include "err.h"
#include "xml.h"

#define IAM_VERSION "2010-05-08"

/* The service-linked role EC2 uses for Spot Instances ("Service-linked role
 * for Spot Instances", EC2 User Guide). */
#define IAMROLE_SPOT "AWSServiceRoleForEC2Spot"

/* 1 if name is a role name IAM accepts: 1-64 of A-Z a-z 0-9 + = , . @ _ -. */
int iamrole_valid_name(const char *name);

/* Appends the GetRole body (Action and Version included) for name to b. 0,
 * or -1 with e: ERR_INPUT for a name iamrole_valid_name refuses (nothing
 * written), ERR_LOCAL when memory runs out. */
int iamrole_query(struct buf *b, const char *name, struct err *e);

/* The role's ARN in a GetRole answer, or "" when it names none. */
const char *iamrole_arn(const struct xml *doc);

/* GetRole for name (a client set up for "iam"): 1 with the ARN in arn (cut
 * to sz), 0 when IAM has no such role (NoSuchEntity), -1 with e filled. */
int iamrole_get(struct aws *a, const char *name, char *arn, size_t sz, struct err *e);

#endif

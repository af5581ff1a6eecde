/* endpoint: where a service's requests go and which region they sign for,
 * from the standard AWS environment. */
#ifndef EC2RP_ENDPOINT_H
#define EC2RP_ENDPOINT_H

#include "buf.h"
#include "err.h"

/* The region: AWS_REGION, else AWS_DEFAULT_REGION, else profile_region
 * (may be NULL). Checked to look like a region ("us-east-1"). */
int endpoint_region(struct buf *out, const char *profile_region, struct err *e);
/* 1 if s looks like a region name. */
int endpoint_valid_region(const char *s);
/* The URL for service ("dynamodb", "sqs", "ec2", "sts", "iam"):
 * AWS_ENDPOINT_URL_<SERVICE>, else AWS_ENDPOINT_URL, else the regional
 * default (IAM's: the partition's one, iam.amazonaws.com). Checked to be an
 * http(s) URL. */
int endpoint_url(struct buf *out, const char *service, const char *region, struct err *e);
/* The region requests to service are signed for: region, but for IAM, a
 * global service, its partition's signing region: us-east-1 (cn-north-1 in
 * China), as AWS's General Reference lists IAM's endpoints. */
const char *endpoint_sign_region(const char *service, const char *region);
/* Splits url into the Host header value (port kept unless default) and the
 * path ("/" if none). 0, or -1 if it is not an http(s) URL. */
int endpoint_split(const char *url, struct buf *host, struct buf *path);

#endif

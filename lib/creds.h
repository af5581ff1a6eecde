/* creds: the AWS credential chain in the standard order, and IMDSv2.
 * environment -> web identity (STS AssumeRoleWithWebIdentity) -> shared
 * credentials/config files (AWS_PROFILE) -> container credentials -> EC2
 * instance metadata (IMDSv2 only). Secrets stay in memory and are wiped on
 * free; they are never put in an error message. */
#ifndef EC2RP_CREDS_H
#define EC2RP_CREDS_H

#include "buf.h"
#include "err.h"
#include "http.h"

struct creds {
	struct buf access_key, secret_key, session_token;
	long long expires;   /* epoch seconds; 0 = does not expire */
	const char *source;  /* "environment", "web-identity", "profile", "container", "imds" */
	struct buf profile_region; /* region from the config file, if any */
};

/* Loads the first credentials the chain finds. now is the caller's clock.
 * 0, or -1 with e set (ERR_LOCAL when nothing in the chain has any). */
int creds_load(struct creds *c, struct http *h, long long now, struct err *e);
/* 1 while the credentials are good for at least 5 more minutes. */
int creds_fresh(const struct creds *c, long long now);
void creds_free(struct creds *c);

/* IMDSv2: GET path below /latest/ (e.g. "meta-data/instance-id") with a
 * session token. AWS_EC2_METADATA_SERVICE_ENDPOINT overrides the address;
 * AWS_EC2_METADATA_DISABLED=true refuses. 0 with the body in out, or -1
 * (ERR_LOCAL: no metadata service; ERR_PERMANENT: it refused). */
int imds_get(struct http *h, const char *path, struct buf *out, struct err *e);

#endif

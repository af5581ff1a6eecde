/* creds: the AWS credential chain in the standard order, and IMDSv2.
 * the mode's shared file (EC2RP_CREDENTIALS_FILE, while fresh) ->
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
	/* Who they are, when the shared file says (aws-creds asked STS once
	 * for the whole mode run); "" otherwise. */
	char account[13], partition[16];
};

/* The shared file: a mode resolves the chain once (aws-creds) and its tools
 * read the result instead of each asking STS or IMDS again. JSON with
 * credential_process's field names (Version, AccessKeyId, SecretAccessKey,
 * SessionToken, Expiration, AccountId) and Partition. The margins are
 * botocore's (credentials.py, RefreshableCredentials): aws-creds renews the
 * file when 15 minutes or less are left (its advisory refresh), and a tool
 * takes it only while more than 10 minutes are left (its mandatory
 * refresh); after that each tool walks the chain itself, as before. */
#define CREDS_SHARED_RENEW_SEC 900
#define CREDS_SHARED_MIN_SEC 600

/* An IMDSv2 session: the token and when it runs out, by the caller's clock.
 * The caller owns it (zeroed to start; imds_free wipes it); one a process
 * is enough, and none is shared behind the caller's back. */
struct imds {
	char token[256];
	long long expires; /* epoch seconds; 0 = no token yet */
};

/* Loads the first credentials the chain finds. now is the caller's clock:
 * credentials that have expired by then are refused (ERR_TEMPORARY: the
 * source may have fresh ones later, or the clock is wrong). md is the IMDS
 * session for the last link (NULL: a session of this call only).
 * 0, or -1 with e set (ERR_LOCAL when nothing in the chain has any). */
int creds_load(struct creds *c, struct http *h, struct imds *md, long long now, struct err *e);
/* 1 while the credentials are good for at least 5 more minutes. */
int creds_fresh(const struct creds *c, long long now);
/* Reads the shared file at path: 1 with c filled when it holds credentials
 * with more than margin seconds left by now (or no expiry); 0 (c emptied)
 * when it is missing, malformed, too close to its expiry, or not a regular
 * file of this user's that only this user may read: the chain goes on, as
 * the SDKs go past a file they cannot use. */
int creds_shared_read(struct creds *c, const char *path, long long now, long long margin);
/* The shared file's text for c (its account and partition included);
 * 0, or -1 out of memory. The caller wipes and frees out. */
int creds_shared_json(const struct creds *c, struct buf *out, struct err *e);
void creds_free(struct creds *c);

/* IMDSv2: GET path below /latest/ (e.g. "meta-data/instance-id") with the
 * session's token, asking for a new one when there is none, when it has
 * run out by now, or when the service refused it. AWS_EC2_METADATA_SERVICE_
 * ENDPOINT overrides the address; AWS_EC2_METADATA_DISABLED=true refuses.
 * 0 with the body in out, or -1 (ERR_LOCAL: no metadata service;
 * ERR_PERMANENT: it refused). */
int imds_get(struct imds *md, struct http *h, const char *path, long long now, struct buf *out,
    struct err *e);
/* Wipes the session's token; imds_free(NULL) does nothing. */
void imds_free(struct imds *md);

#endif

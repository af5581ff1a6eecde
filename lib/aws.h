/* aws: the client the tools use. Resolves region, endpoint and credentials
 * from the standard environment, signs every request (SigV4), retries in
 * the AWS standard mode with full-jitter backoff, corrects clock skew, and
 * maps failures to one error class. One connection for the process. */
#ifndef EC2RP_AWS_H
#define EC2RP_AWS_H

#include "buf.h"
#include "creds.h"
#include "err.h"
#include "http.h"
#include "xml.h"

struct aws {
	struct http http;
	struct creds creds;
	struct imds imds;      /* the instance metadata session, for the credentials */
	int have_creds;
	char service[16];      /* signing name: dynamodb, sqs, ec2, sts */
	struct buf region, url, host, path;
	int max_attempts;
	long long skew;        /* server time minus ours, learnt from responses */
	long long (*clock)(void);       /* the time; tests may replace it */
	void (*sleep_ms)(long ms);      /* the backoff sleep; tests may replace it */
	unsigned long rng;     /* jitter state */
	long attempts;         /* attempts made (requests sent) */
	long retries;          /* of which retries */
};

/* Sets up a client for service from the environment: checks AWS_REGION,
 * the endpoint URL and AWS_MAX_ATTEMPTS (ERR_INPUT when malformed); loads no
 * credentials yet (the first call does). 0, or -1. */
int aws_init(struct aws *a, const char *service, struct err *e);
/* Points the client at another service (signing name and endpoint), keeping
 * its credentials and connection: one credential lookup for a process that
 * calls two services. 0, or -1 (ERR_INPUT: a malformed endpoint URL). */
int aws_service(struct aws *a, const char *service, struct err *e);
/* Loads the credentials (the chain) unless the client holds fresh ones;
 * every call does this first. 0, or -1 with e set. */
int aws_creds(struct aws *a, struct err *e);
/* AWS JSON 1.0 (DynamoDB; SQS's JSON protocol): POST body with
 * X-Amz-Target: target (e.g. "DynamoDB_20120810.GetItem"). On success the
 * response body is in resp. On a refusal e->code names the error
 * (ConditionalCheckFailedException etc.) and e->cls is ERR_PERMANENT; after
 * retries run out it is ERR_TEMPORARY. */
int aws_json(struct aws *a, const char *target, const char *body, struct buf *resp, struct err *e);
/* AWS Query protocol (EC2, STS): POST form body ("Action=...&Version=...");
 * on success *doc is the parsed XML response (free with xml_free). */
int aws_query(struct aws *a, const char *body, struct xml **doc, struct err *e);
/* aws_json with cJSON in and out: *out (may be NULL) gets the parsed
 * response (ERR_PERMANENT if it is not JSON). */
struct cJSON;
int aws_json_doc(struct aws *a, const char *target, const struct cJSON *body, struct cJSON **out,
    struct err *e);
void aws_free(struct aws *a);

#endif

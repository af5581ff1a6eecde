/* http: one attempt of one HTTP request over libcurl. The easy handle lives
 * as long as the struct, so connections are kept alive between requests.
 * No retries here (see aws.c); errors never carry URLs or headers. */
#ifndef EC2RP_HTTP_H
#define EC2RP_HTTP_H

#include <stddef.h>

#include "buf.h"
#include "err.h"

struct http_response {
	long status;
	struct buf body;
	/* The headers that matter to us, "" when absent. */
	char date[64];
	char retry_after[32];
	char request_id[96];
	char query_error[128];
	char content_type[96];
	char link[1024];
	char ratelimit_remaining[24];
	char ratelimit_reset[24];
	char accepted_permissions[128]; /* GitHub's X-Accepted-GitHub-Permissions */
};

struct http {
	void *curl;              /* CURL * */
	void *multi;             /* CURLM *: drives the transfer, keeps the connections */
	char errbuf[256];        /* CURL_ERROR_SIZE */
	long connect_timeout_ms; /* default 3000 */
	long timeout_ms;         /* whole request; default 30000 */
	long requests;           /* requests sent, for the benchmarks */
	long connects;           /* new connections made */
};

/* Sets up the handle: CA bundle from AWS_CA_BUNDLE, else EC2RP_CA_BUNDLE,
 * else the system's. 0, or -1 (ERR_LOCAL). */
int http_init(struct http *h, struct err *e);
/* Sends one request. headers is a NULL-terminated list of "Name: value".
 * Returns 0 when a response arrived (any status), -1 on a transport error
 * (ERR_TEMPORARY, e->status 0). resp is reset first. */
int http_request(struct http *h, const char *method, const char *url,
    const char *const *headers, const void *body, size_t body_len,
    struct http_response *resp, struct err *e);
void http_response_free(struct http_response *r);
void http_free(struct http *h);

#endif

/* sigv4: AWS Signature Version 4, header signing. Pure: no I/O, and the time
 * is an argument (the signer never reads the clock). SHA-256 and HMAC come
 * from BearSSL. */
#ifndef EC2RP_SIGV4_H
#define EC2RP_SIGV4_H

#include <stddef.h>

#include "buf.h"
#include "err.h"

struct sigv4_header {
	const char *name;
	const char *value;
};

struct sigv4_input {
	const char *method;     /* "GET", "POST" */
	const char *path;       /* as sent, not yet canonicalised, e.g. "/" */
	const char *query;      /* raw query without '?', or NULL */
	const struct sigv4_header *headers; /* must include host; not x-amz-date */
	size_t nheaders;
	const void *body;
	size_t body_len;
	const char *region, *service;
	const char *access_key, *secret_key, *session_token; /* token may be NULL */
	long long now;          /* seconds since the epoch, UTC */
	int normalize_path;     /* 1 for every service except S3 */
	int sign_body_header;   /* also sign (and send) x-amz-content-sha256 */
	int omit_session_token; /* send the token but leave it out of the signature */
};

struct sigv4_output {
	char amz_date[17];     /* "20150830T123600Z": send as X-Amz-Date */
	char payload_hash[65]; /* send as x-amz-content-sha256 when sign_body_header */
	char signature[65];
	struct buf canonical_request, string_to_sign, authorization;
};

/* Signs in. Returns 0, or -1 with e set (ERR_INPUT for a malformed path or
 * query escape or a time out of range, ERR_LOCAL when out of memory). The caller
 * sends X-Amz-Date, Authorization and, when session_token is set,
 * X-Amz-Security-Token. out must be zeroed before the first use. */
int sigv4_sign(const struct sigv4_input *in, struct sigv4_output *out, struct err *e);
void sigv4_output_free(struct sigv4_output *out);

/* The steps, exported for tests. */
void sigv4_hex_sha256(const void *data, size_t n, char out[65]);
/* "20150830T123600Z" for t; -1 if t is out of range. */
int sigv4_amz_date(long long t, char out[17]);
/* 1 if every '%' in path starts a %XX escape, else 0. */
int sigv4_path_ok(const char *path);
/* Appends the canonical URI of path (RFC 3986 dot segments removed and
 * slashes collapsed when normalize is set; each byte outside the unreserved
 * set percent-encoded). */
int sigv4_canonical_path(struct buf *out, const char *path, int normalize);
/* Appends the canonical query: names and values decoded, re-encoded, sorted. */
int sigv4_canonical_query(struct buf *out, const char *query);
/* kSigning for date ("20150830"), region, service into key. 0, or -1
 * when memory runs out (key is then all zeros: never sign with it). */
int sigv4_signing_key(const char *secret, const char *date, const char *region,
    const char *service, unsigned char key[32]);

#endif

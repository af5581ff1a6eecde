/* github: a small GitHub REST client: token auth, API version headers,
 * GITHUB_API_URL (Enterprise Server), pagination, rate-limit waits. */
#ifndef EC2RP_GITHUB_H
#define EC2RP_GITHUB_H

#include <cjson/cJSON.h>

#include "err.h"
#include "http.h"

struct github {
	struct http http;
	struct buf base;  /* API base URL without a trailing slash */
	struct buf auth;  /* "Authorization: Bearer ..." (a secret) */
	void (*sleep_ms)(long ms);
	long long (*clock)(void);
	long max_wait_s;  /* longest rate-limit wait (default 60) */
	int max_attempts; /* per call, rate-limit waits included (default 3) */
	unsigned long rng; /* backoff jitter (retry.c) */
};

/* token is the caller's (from the environment or a file, never argv). */
int github_init(struct github *g, const char *token, struct err *e);
/* One call of method on path ("/repos/o/r/actions/runners"), following
 * rate-limit waits, and retrying transport errors and 5xx as lib/retry.c
 * decides (full-jitter backoff); *out gets the JSON (NULL for 204).
 * When next is given, it receives the Link rel="next" URL ("" if none) and
 * path may be such a full URL. */
int github_call(struct github *g, const char *method, const char *path, cJSON **out,
    struct buf *next, struct err *e);
/* The runners path of a scope: "owner/repo" -> /repos/owner/repo/actions/runners,
 * "org" -> /orgs/org/actions/runners. -1 if scope is malformed. */
int github_runners_path(struct buf *out, const char *scope);
/* Pure: the URL of rel="next" in a Link header (RFC 8288) into out ("" if
 * none or malformed). 0, or -1 out of memory. */
int github_link_next(const char *link, struct buf *out);
/* Pure: seconds to wait before retrying a 403/429 that is a rate limit;
 * -1 if it is not one. Retry-After (seconds or an HTTP date) first, then an
 * x-ratelimit-remaining of 0 until x-ratelimit-reset (epoch seconds), then
 * 60 for a 429 without hints. now is epoch seconds. */
long github_rate_wait(long status, const char *retry_after, const char *remaining,
    const char *reset, long long now);
/* Pure: 1 if url is on the API at base (base itself, or base followed by
 * '/' or '?'), so the token may be sent to it; else 0. */
int github_same_api(const char *base, const char *url);
void github_free(struct github *g);

#endif

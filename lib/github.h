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
};

/* token is the caller's (from the environment or a file, never argv). */
int github_init(struct github *g, const char *token, struct err *e);
/* One call of method on path ("/repos/o/r/actions/runners"), following
 * rate-limit waits and retrying 5xx; *out gets the JSON (NULL for 204).
 * When next is given, it receives the Link rel="next" URL ("" if none) and
 * path may be such a full URL. */
int github_call(struct github *g, const char *method, const char *path, cJSON **out,
    struct buf *next, struct err *e);
/* The runners path of a scope: "owner/repo" -> /repos/owner/repo/actions/runners,
 * "org" -> /orgs/org/actions/runners. -1 if scope is malformed. */
int github_runners_path(struct buf *out, const char *scope);
/* Pure: the URL of rel="next" in a Link header into out ("" if none). */
int github_link_next(const char *link, struct buf *out);
/* Pure: seconds to wait before retrying a rate-limited answer; -1 if it is not one. */
long github_rate_wait(long status, const char *retry_after, const char *remaining,
    const char *reset, long long now);
void github_free(struct github *g);

#endif

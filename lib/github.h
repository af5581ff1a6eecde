/* github: a small GitHub REST client: token or GitHub App auth, API version
 * headers, GITHUB_API_URL (Enterprise Server: https://HOST/api/v3),
 * pagination, rate-limit waits; and the self-hosted runner calls. */
#ifndef EC2RP_GITHUB_H
#define EC2RP_GITHUB_H

#include <cjson/cJSON.h>

#include "err.h"
#include "http.h"
#include "jwt.h"
#include "runnerlist.h"

struct github {
	struct http http;
	struct buf base;  /* API base URL without a trailing slash */
	struct buf auth;  /* "Authorization: Bearer ..." (a secret) */
	void (*sleep_ms)(long ms);
	long long (*clock)(void);
	long max_wait_s;  /* rate-limit waits of one call, in all (default 300) */
	int max_attempts; /* per call, rate-limit waits included (default 3) */
	int mutated;      /* a POST/DELETE was sent: the next one waits a second */
	unsigned long rng; /* backoff jitter (retry.c) */
};

/* token is the caller's (from the environment or a file, never argv).
 * GITHUB_API_URL (default https://api.github.com) must be https, or http
 * to this machine (localhost, 127.x, [::1]: a local stack): else ERR_INPUT,
 * before any request. */
int github_init(struct github *g, const char *token, struct err *e);
/* As a GitHub App installation: signs a JWT for app_id (its client id or
 * numeric id) with k at now (epoch seconds), asks for a token of the
 * installation (POST /app/installations/ID/access_tokens) and sends that
 * token from then on. *expires gets its expires_at. The JWT is wiped once
 * used. 0, or -1 with e: ERR_INPUT for a malformed id (before any request),
 * ERR_PERMANENT when GitHub refuses (a wrong key, an expired JWT, an
 * unknown installation), else as github_call. */
int github_init_app(struct github *g, const char *app_id, const char *installation_id,
    const struct jwt_key *k, long long now, long long *expires, struct err *e);
/* The token the client sends (to register it as a secret), or "". */
const char *github_token(const struct github *g);
/* One call of method on path ("/repos/o/r/actions/runners"), following
 * rate-limit waits (github_rate_wait; at most max_attempts attempts and
 * max_wait_s seconds of waiting, else ERR_TEMPORARY), and retrying
 * transport errors and 5xx as lib/retry.c decides (full-jitter backoff);
 * a POST or DELETE after another waits a second first, as GitHub asks of
 * mutating requests. *out gets the JSON (NULL for 204).
 * When next is given, it receives the Link rel="next" URL ("" if none) and
 * path may be such a full URL. */
int github_call(struct github *g, const char *method, const char *path, cJSON **out,
    struct buf *next, struct err *e);
/* The runners path of a scope: "owner/repo" -> /repos/owner/repo/actions/runners,
 * "org" -> /orgs/org/actions/runners. -1 if scope is malformed. */
int github_runners_path(struct buf *out, const char *scope);
/* Pure: the token and expiry of a token answer ({"token": ...,
 * "expires_at": "2024-01-01T00:00:00Z"}): a malloc'd copy in *token, and
 * epoch seconds in *expires. 0, or -1 with e (ERR_PERMANENT when either is
 * missing or the token is empty or holds whitespace). */
int github_token_parse(const cJSON *doc, char **token, long long *expires, struct err *e);

/* The runner calls take path as github_runners_path makes it.
 * A registration or remove token (kind "registration-token" or
 * "remove-token"), as github_token_parse gives it. 0 or -1 with e. */
int github_runner_token(struct github *g, const char *path, const char *kind, char **token,
    long long *expires, struct err *e);
/* Every page of the runners into l, those that pass f (NULL: all), at most
 * RUNNERLIST_MAX_PAGES pages. 0, or -1 with e (l keeps what was read, for
 * runnerlist_free). */
int github_runner_list(struct github *g, const char *path, const struct runner_filter *f,
    struct runnerlist *l, struct err *e);
/* Deletes runner id (digits). 0 deleted, 1 not found, -1 with e (a busy
 * runner: ERR_PERMANENT with GitHub's reason). */
int github_runner_delete(struct github *g, const char *path, const char *id, struct err *e);

/* Pure: the URL of rel="next" in a Link header (RFC 8288) into out ("" if
 * none or malformed). 0, or -1 out of memory. */
int github_link_next(const char *link, struct buf *out);
/* Pure: seconds to wait before retrying a 403/429 that is a rate limit;
 * -1 if it is not one. As GitHub's "Rate limits for the REST API" says:
 * Retry-After (seconds or an HTTP date) first, then an
 * x-ratelimit-remaining of 0 until x-ratelimit-reset (epoch seconds); a 429,
 * or a 403 whose message names a secondary rate limit, without either: a
 * minute, doubled for each limited answer before it (limited counts this
 * one: 1, 2, ...; at most an hour). Any other 403 is a refusal. message is
 * GitHub's "message" ("" if none); now is epoch seconds. */
long github_rate_wait(long status, const char *message, const char *retry_after,
    const char *remaining, const char *reset, long long now, int limited);
/* Pure: 1 if url is on the API at base (base itself, or base followed by
 * '/' or '?'), so the token may be sent to it; else 0. */
int github_same_api(const char *base, const char *url);
void github_free(struct github *g);

#endif

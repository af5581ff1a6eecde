#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "clock.h"
#include "github.h"
#include "isotime.h"
#include "num.h"
#include "retry.h"

/* 1 if base may carry the token: https, or http to this machine only (the
 * local stack). No user part: "http://127.0.0.1@host/" goes to host. */
static int
github_base_safe(const char *base)
{
	const char *h;
	size_t n, hn;

	if (strncmp(base, "https://", 8) == 0)
		return 1;
	if (strncmp(base, "http://", 7))
		return 0;
	h = base + 7;
	n = strcspn(h, "/?#");
	hn = strcspn(h, ":/?#");
	if (memchr(h, '@', n))
		return 0;
	if (hn == 9 && strncasecmp(h, "localhost", 9) == 0)
		return 1;
	if (strncmp(h, "[::1]", 5) == 0)
		return n == 5 || h[5] == ':';
	return strncmp(h, "127.", 4) == 0 && strspn(h, "0123456789.") == hn;
}

int
github_init(struct github *g, const char *token, struct err *e)
{
	const char *base = getenv("GITHUB_API_URL");
	size_t n;

	memset(g, 0, sizeof(*g));
	g->sleep_ms = clock_sleep_ms;
	g->clock = clock_now;
	g->max_wait_s = 300;
	g->max_attempts = 3;
	g->rng = clock_seed();
	if (token == NULL || *token == '\0' || strpbrk(token, "\r\n ")) {
		err_set(e, ERR_INPUT, "no usable GitHub token (GITHUB_TOKEN or --token-file)");
		return -1;
	}
	if (base == NULL || *base == '\0')
		base = "https://api.github.com";
	if (strncmp(base, "https://", 8) && strncmp(base, "http://", 7)) {
		err_set(e, ERR_INPUT, "GITHUB_API_URL is not an http(s) URL");
		return -1;
	}
	if (!github_base_safe(base)) {
		err_set(e, ERR_INPUT, "GITHUB_API_URL must be https (http only to this machine): the token would travel in clear");
		return -1;
	}
	n = strlen(base);
	while (n && base[n - 1] == '/')
		n--;
	if (buf_add(&g->base, base, n) || buf_addf(&g->auth, "Authorization: Bearer %s", token)) {
		err_set(e, ERR_LOCAL, "out of memory");
		return -1;
	}
	return http_init(&g->http, e);
}

int
github_init_app(struct github *g, const char *app_id, const char *installation_id,
    const struct jwt_key *k, long long now, long long *expires, struct err *e)
{
	struct buf jwt = BUF_INIT, url = BUF_INIT;
	cJSON *doc = NULL;
	char *tok = NULL;
	long long inst;
	int r = -1;

	memset(g, 0, sizeof(*g));
	if (num_parse(installation_id, 1, 999999999999999999LL, &inst)) {
		err_set(e, ERR_INPUT, "the installation id must be a number (1-18 digits)");
		return -1;
	}
	if (jwt_sign(&jwt, app_id, now, k, e) || github_init(g, jwt.p, e))
		goto done;
	if (buf_addf(&url, "/app/installations/%lld/access_tokens", inst)) {
		err_nomem(e);
		goto done;
	}
	if (github_call(g, "POST", url.p, &doc, NULL, e)) {
		/* GitHub's 404 says only "Not Found": say which. */
		if (e->status == 404) {
			err_set(e, ERR_PERMANENT, "GitHub App %s has no installation %lld (GitHub answered HTTP 404)", app_id, inst);
			e->status = 404;
		}
		goto done;
	}
	if (github_token_parse(doc, &tok, expires, e))
		goto done;
	/* From now on the installation's token, never the JWT. */
	memset(g->auth.p, 0, g->auth.len);
	buf_reset(&g->auth);
	if (buf_addf(&g->auth, "Authorization: Bearer %s", tok)) {
		err_nomem(e);
		goto done;
	}
	r = 0;
done:
	if (jwt.p)
		memset(jwt.p, 0, jwt.len);
	if (tok)
		memset(tok, 0, strlen(tok));
	free(tok);
	buf_free(&jwt);
	buf_free(&url);
	cJSON_Delete(doc);
	return r;
}

const char *
github_token(const struct github *g)
{
	static const char pre[] = "Authorization: Bearer ";

	return g->auth.len > sizeof(pre) - 1 ? g->auth.p + sizeof(pre) - 1 : "";
}

int
github_token_parse(const cJSON *doc, char **token, long long *expires, struct err *e)
{
	const cJSON *t = cJSON_GetObjectItemCaseSensitive(doc, "token"), *x = cJSON_GetObjectItemCaseSensitive(doc, "expires_at");

	*token = NULL;
	if (!cJSON_IsString(t) || t->valuestring == NULL || t->valuestring[0] == '\0' ||
	    strpbrk(t->valuestring, " \t\r\n") || !cJSON_IsString(x) || x->valuestring == NULL ||
	    isotime_parse(x->valuestring, expires)) {
		err_set(e, ERR_PERMANENT, "GitHub's answer lacks a token or its expires_at");
		return -1;
	}
	if ((*token = strdup(t->valuestring)) == NULL)
		return err_nomem(e);
	return 0;
}

int
github_runner_token(struct github *g, const char *path, const char *kind, char **token,
    long long *expires, struct err *e)
{
	struct buf url = BUF_INIT;
	cJSON *doc = NULL;
	int r = -1;

	*token = NULL;
	if (buf_addf(&url, "%s/%s", path, kind))
		err_nomem(e);
	else if (github_call(g, "POST", url.p, &doc, NULL, e) == 0)
		r = github_token_parse(doc, token, expires, e);
	cJSON_Delete(doc);
	buf_free(&url);
	return r;
}

int
github_runner_list(struct github *g, const char *path, const struct runner_filter *f,
    struct runnerlist *l, struct err *e)
{
	struct buf url = BUF_INIT, next = BUF_INIT;
	cJSON *doc = NULL;
	int r = -1, more;

	buf_addf(&url, "%s?per_page=%d", path, RUNNERLIST_PER_PAGE);
	for (;;) {
		if (url.failed) {
			err_nomem(e);
			goto done;
		}
		if (github_call(g, "GET", url.p, &doc, &next, e) || runnerlist_page(l, doc, f, e))
			goto done;
		cJSON_Delete(doc);
		doc = NULL;
		if ((more = runnerlist_more(l, next.p, e)) < 0)
			goto done;
		if (more == 0)
			break;
		buf_reset(&url);
		buf_adds(&url, next.p);
	}
	r = 0;
done:
	cJSON_Delete(doc);
	buf_free(&url);
	buf_free(&next);
	return r;
}

int
github_runner_delete(struct github *g, const char *path, const char *id, struct err *e)
{
	struct buf url = BUF_INIT;
	int r;

	if (buf_addf(&url, "%s/%s", path, id))
		return err_nomem(e);
	r = github_call(g, "DELETE", url.p, NULL, NULL, e);
	buf_free(&url);
	if (r && e->status == 404)
		return 1;
	return r ? -1 : 0;
}

int
github_runners_path(struct buf *out, const char *scope)
{
	const char *slash = strchr(scope, '/');
	size_t n = strlen(scope);

	if (n == 0 || n > 200 || strspn(scope, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_./") != n ||
	    (slash && (slash == scope || slash[1] == '\0' || strchr(slash + 1, '/'))) || strstr(scope, ".."))
		return -1;
	buf_reset(out);
	return buf_addf(out, slash ? "/repos/%s/actions/runners" : "/orgs/%s/actions/runners", scope);
}

/* Skips spaces and tabs. */
static const char *
skip_ws(const char *p)
{
	while (*p == ' ' || *p == '\t')
		p++;
	return p;
}

/* 1 if the rel value of n bytes at v holds the token "next" (rel may list
 * several space-separated relations, RFC 8288 3.3). */
static int
rel_has_next(const char *v, size_t n)
{
	size_t i = 0;

	while (i < n) {
		size_t w;

		while (i < n && v[i] == ' ')
			i++;
		for (w = 0; i + w < n && v[i + w] != ' '; w++)
			;
		if (w == 4 && strncasecmp(v + i, "next", 4) == 0)
			return 1;
		i += w;
	}
	return 0;
}

int
github_link_next(const char *link, struct buf *out)
{
	const char *p = link ? link : "";

	buf_reset(out);
	/* Links are "<URL>; param=value; ..." separated by commas. A URL may
	 * hold commas and a quoted value may too, so both are read whole. */
	for (;;) {
		const char *url, *gt;
		int next = 0;

		while (*p == ' ' || *p == '\t' || *p == ',')
			p++;
		if (*p != '<')
			return 0; /* the end, or malformed: no next page */
		url = p + 1;
		gt = strchr(url, '>');
		if (gt == NULL)
			return 0;
		p = skip_ws(gt + 1);
		while (*p == ';') {
			const char *name = skip_ws(p + 1), *v;
			size_t nlen = strcspn(name, "=;, \t"), vlen;

			p = skip_ws(name + nlen);
			if (*p != '=')
				continue; /* a parameter without a value */
			p = skip_ws(p + 1);
			if (*p == '"') {
				v = p + 1;
				vlen = strcspn(v, "\"");
				if (v[vlen] != '"')
					return 0;
				p = v + vlen + 1;
			} else {
				v = p;
				vlen = strcspn(v, ";, \t");
				p = v + vlen;
			}
			if (nlen == 3 && strncasecmp(name, "rel", 3) == 0 && rel_has_next(v, vlen))
				next = 1;
			p = skip_ws(p);
		}
		if (*p != ',' && *p != '\0')
			return 0;
		if (next)
			return buf_add(out, url, (size_t)(gt - url));
	}
}

/* A header's number from 0 to max; -1 if it is not one. */
static long long
digits(const char *s, long long max)
{
	long long v;

	return num_parse(s, 0, max, &v) ? -1 : v;
}

long
github_rate_wait(long status, const char *message, const char *retry_after,
    const char *remaining, const char *reset, long long now, int limited)
{
	long long v, at;
	long wait = 60;

	if (status != 403 && status != 429)
		return -1;
	if (retry_after && *retry_after) {
		/* Retry-After is delay-seconds or an HTTP date (RFC 9110 10.2.3). */
		if ((v = digits(retry_after, 999999999LL)) >= 0)
			return (long)v;
		if (isotime_parse_http(retry_after, &at) == 0)
			return at > now ? (long)(at - now) : 0;
		return 60;
	}
	if (remaining && strcmp(remaining, "0") == 0) {
		/* The primary limit is spent: wait until it resets. */
		if ((at = digits(reset, 999999999999LL)) < 0)
			return 60;
		return at > now ? (long)(at - now) : 0;
	}
	/* A secondary limit without a hint: a minute, then exponentially
	 * longer, as GitHub advises. Only its message tells a 403 of that
	 * kind from a refusal (GitHub words it "You have exceeded a secondary
	 * rate limit", formerly "abuse detection"). */
	if (status == 403 && !strstr(message, "secondary rate limit") && !strstr(message, "abuse detection"))
		return -1;
	while (--limited > 0 && wait < 3600)
		wait *= 2;
	return wait < 3600 ? wait : 3600;
}

int
github_same_api(const char *base, const char *url)
{
	size_t n = strlen(base);

	/* The prefix alone is not enough: "https://api.github.com.evil" starts
	 * with "https://api.github.com" too. */
	return n > 0 && strncmp(url, base, n) == 0 &&
	    (url[n] == '\0' || url[n] == '/' || url[n] == '?');
}

int
github_call(struct github *g, const char *method, const char *path, cJSON **out,
    struct buf *next, struct err *e)
{
	struct http_response r = { 0 };
	struct buf url = BUF_INIT;
	const char *hdrs[] = { g->auth.p, "Accept: application/vnd.github+json",
		"X-GitHub-Api-Version: 2022-11-28", "Content-Type: application/json", NULL };
	int attempt, limited = 0, mutating = strcmp(method, "GET") != 0, rc = -1;
	long waited = 0;

	if (out)
		*out = NULL;
	if (strncmp(path, "http", 4) == 0) {
		/* A Link URL must stay on our API host: never send the token elsewhere. */
		if (!github_same_api(g->base.p, path)) {
			err_set(e, ERR_PERMANENT, "GitHub pagination pointed to another host");
			return -1;
		}
		buf_adds(&url, path);
	} else {
		buf_addf(&url, "%s%s", g->base.p, path);
	}
	if (url.failed) {
		err_set(e, ERR_LOCAL, "out of memory");
		buf_free(&url);
		return -1;
	}
	for (attempt = 1;; attempt++) {
		const cJSON *m;
		const char *msg;
		cJSON *d;
		long wait;

		/* "wait at least one second between each request" that mutates
		 * (GitHub, Best practices for using the REST API). */
		if (mutating && g->mutated)
			g->sleep_ms(1000);
		g->mutated |= mutating;
		if (http_request(&g->http, method, url.p, hdrs, strcmp(method, "POST") == 0 ? "{}" : NULL,
		    strcmp(method, "POST") == 0 ? 2 : 0, &r, e)) {
			if (attempt < g->max_attempts && e->cls == ERR_TEMPORARY) {
				g->sleep_ms(retry_delay_ms(attempt, RETRY_TRANSIENT, retry_jitter(&g->rng)));
				continue;
			}
			goto done;
		}
		if (r.status >= 200 && r.status < 300)
			break;
		d = cJSON_Parse(r.body.p ? r.body.p : "");
		m = cJSON_GetObjectItem(d, "message");
		msg = cJSON_IsString(m) ? m->valuestring : "";
		/* GitHub's rate limits say how long to wait, within a budget;
		 * other answers are retried as the AWS standard mode would. */
		limited += r.status == 403 || r.status == 429;
		wait = github_rate_wait(r.status, msg, r.retry_after, r.ratelimit_remaining, r.ratelimit_reset,
		    g->clock(), limited);
		if (wait >= 0 && waited + wait <= g->max_wait_s && attempt < g->max_attempts) {
			cJSON_Delete(d);
			waited += wait;
			g->sleep_ms(wait * 1000 + 100);
			continue;
		}
		if (wait < 0 && retry_classify(r.status, "") != RETRY_NO && attempt < g->max_attempts) {
			cJSON_Delete(d);
			g->sleep_ms(retry_delay_ms(attempt, RETRY_TRANSIENT, retry_jitter(&g->rng)));
			continue;
		}
		/* A fine-grained token or an App without the permission: GitHub
		 * names the one the endpoint needs in a header. A rate limit that
		 * outlasts the budget is temporary: the next run may pass. */
		err_set(e, wait >= 0 || r.status >= 500 ? ERR_TEMPORARY : ERR_PERMANENT, "GitHub answered HTTP %ld: %s%s%s%s%s",
		    r.status, *msg ? msg : "no message",
		    r.status == 403 && r.accepted_permissions[0] ? " (the token needs the permission " : "",
		    r.status == 403 ? r.accepted_permissions : "", r.status == 403 && r.accepted_permissions[0] ? ")" : "",
		    wait >= 0 ? " (rate limited beyond the waits the client allows, docs/reliability.md)" : "");
		e->status = r.status;
		cJSON_Delete(d);
		goto done;
	}
	if (next && github_link_next(r.link, next)) {
		err_set(e, ERR_LOCAL, "out of memory");
		goto done;
	}
	if (out && r.body.len && (*out = cJSON_Parse(r.body.p)) == NULL) {
		err_set(e, ERR_PERMANENT, "GitHub answered with malformed JSON");
		goto done;
	}
	rc = 0;
done:
	buf_free(&url);
	http_response_free(&r);
	return rc;
}

void
github_free(struct github *g)
{
	if (g == NULL)
		return;
	if (g->auth.p)
		memset(g->auth.p, 0, g->auth.len);
	buf_free(&g->auth);
	buf_free(&g->base);
	http_free(&g->http);
}

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "clock.h"
#include "github.h"

int
github_init(struct github *g, const char *token, struct err *e)
{
	const char *base = getenv("GITHUB_API_URL");
	size_t n;

	memset(g, 0, sizeof(*g));
	g->sleep_ms = clock_sleep_ms;
	g->clock = clock_now;
	g->max_wait_s = 60;
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

int
github_link_next(const char *link, struct buf *out)
{
	const char *p = link ? link : "";

	buf_reset(out);
	/* Parts are "<URL>; rel=\"next\"", separated by commas. */
	while (*p) {
		size_t n = strcspn(p, ",");
		const char *lt = memchr(p, '<', n), *gt = lt ? memchr(lt, '>', n - (size_t)(lt - p)) : NULL;
		char part[2048];

		if (lt && gt && n < sizeof(part)) {
			memcpy(part, p, n);
			part[n] = '\0';
			if (strstr(part + (gt - p), "rel=\"next\""))
				return buf_add(out, lt + 1, (size_t)(gt - lt - 1));
		}
		p += n + (p[n] == ',');
	}
	return 0;
}

long
github_rate_wait(long status, const char *retry_after, const char *remaining,
    const char *reset, long long now)
{
	if (status != 403 && status != 429)
		return -1;
	if (retry_after && *retry_after)
		return strtol(retry_after, NULL, 10);
	if (remaining && strcmp(remaining, "0") == 0 && reset && *reset) {
		long long r = strtoll(reset, NULL, 10) - now;

		return r < 0 ? 0 : (long)r;
	}
	/* A secondary limit without a hint: wait a minute, as GitHub advises. */
	return status == 429 ? 60 : -1;
}

int
github_call(struct github *g, const char *method, const char *path, cJSON **out,
    struct buf *next, struct err *e)
{
	struct http_response r = { 0 };
	struct buf url = BUF_INIT;
	const char *hdrs[] = { g->auth.p, "Accept: application/vnd.github+json",
		"X-GitHub-Api-Version: 2022-11-28", "Content-Type: application/json", NULL };
	int attempt, rc = -1;

	if (out)
		*out = NULL;
	if (strncmp(path, "http", 4) == 0) {
		/* A Link URL must stay on our API host: never send the token elsewhere. */
		if (strncmp(path, g->base.p, g->base.len) != 0) {
			err_set(e, ERR_PERMANENT, "GitHub pagination pointed to another host");
			return -1;
		}
		buf_adds(&url, path);
	} else {
		buf_addf(&url, "%s%s", g->base.p, path);
	}
	for (attempt = 1;; attempt++) {
		long wait;

		if (http_request(&g->http, method, url.p, hdrs, strcmp(method, "POST") == 0 ? "{}" : NULL,
		    strcmp(method, "POST") == 0 ? 2 : 0, &r, e)) {
			if (attempt < 3 && e->cls == ERR_TEMPORARY) {
				g->sleep_ms(500L * attempt);
				continue;
			}
			goto done;
		}
		if (r.status >= 200 && r.status < 300)
			break;
		wait = github_rate_wait(r.status, r.retry_after, r.ratelimit_remaining, r.ratelimit_reset, g->clock());
		if (wait >= 0 && wait <= g->max_wait_s && attempt < 3) {
			g->sleep_ms(wait * 1000 + 100);
			continue;
		}
		if (r.status >= 500 && attempt < 3) {
			g->sleep_ms(500L * attempt);
			continue;
		}
		{
			cJSON *d = cJSON_Parse(r.body.p ? r.body.p : "");
			const cJSON *m = cJSON_GetObjectItem(d, "message");

			err_set(e, wait >= 0 || r.status >= 500 ? ERR_TEMPORARY : ERR_PERMANENT, "GitHub answered HTTP %ld: %s",
			    r.status, cJSON_IsString(m) ? m->valuestring : "no message");
			e->status = r.status;
			cJSON_Delete(d);
		}
		goto done;
	}
	if (next)
		github_link_next(r.link, next);
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

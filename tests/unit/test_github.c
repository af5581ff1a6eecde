/* The pure parts of the GitHub client: Link pagination, rate-limit waits,
 * which URLs may see the token, runner paths by scope. */
#include <stdlib.h>
#include <string.h>

#include "github.h"
#include "t.h"

static void
next_is(const char *link, const char *want, const char *name)
{
	struct buf b = BUF_INIT;

	t_ok(github_link_next(link, &b) == 0, "%s: no failure", name);
	t_streq(b.p ? b.p : "", want, "%s", name);
	buf_free(&b);
}

static void
test_link(void)
{
	struct buf b = BUF_INIT;

	next_is("<https://api.github.com/repositories/1/actions/runners?per_page=100&page=2>; rel=\"next\", "
	    "<https://api.github.com/repositories/1/actions/runners?per_page=100&page=4>; rel=\"last\"",
	    "https://api.github.com/repositories/1/actions/runners?per_page=100&page=2", "GitHub's shape");
	next_is("<https://a/x?page=1>; rel=\"prev\", <https://a/x?page=3>; rel=\"next\"",
	    "https://a/x?page=3", "next after prev");
	next_is("<https://a/x?labels=a,b&page=2>; rel=\"next\"", "https://a/x?labels=a,b&page=2",
	    "a comma inside the URL");
	next_is("<https://a/x?p=1>; title=\"a, b\"; rel=\"next\"", "https://a/x?p=1",
	    "a comma inside a quoted parameter");
	next_is("<https://a/x?p=2>;rel=next", "https://a/x?p=2", "unquoted rel, no spaces");
	next_is("<https://a/x?p=2>; REL=\"Next\"", "https://a/x?p=2", "names and values case-insensitive");
	next_is("<https://a/x?p=9>; rel=\"last next\"", "https://a/x?p=9", "next among several relations");
	next_is("<https://a/x?p=9>; rel=\"nextpage\", <https://a/y>; rel=\"next-ish\"", "",
	    "a relation that only starts with next");
	next_is("<https://a/x?p=1>; rel=\"prev\"", "", "no next");
	next_is("<https://a/x?p=1>; foo; rel=\"next\"", "https://a/x?p=1", "a parameter without a value");
	next_is("", "", "empty header");
	next_is(NULL, "", "no header");
	next_is("garbage <", "", "garbage");
	next_is("<https://a/x?p=1; rel=\"next\"", "", "unterminated URL");
	next_is("<https://a/x?p=1>; rel=\"next", "", "unterminated quote");
	next_is("<https://a/x?p=1>; rel=\"prev\" junk, <https://a/y>; rel=\"next\"", "",
	    "junk after a link stops the parse");
	/* The buffer is reset: a stale next page would loop forever. */
	github_link_next("<https://a/x?p=2>; rel=\"next\"", &b);
	github_link_next("<https://a/x?p=2>; rel=\"last\"", &b);
	t_ok(b.len == 0, "previous next page cleared");
	buf_free(&b);
}

#define SECONDARY "You have exceeded a secondary rate limit. Please wait a few minutes before you try again."

static void
test_rate(void)
{
	const long long now = 1700000000;

	t_inteq(github_rate_wait(429, "", "7", "", "", now, 1), 7, "Retry-After seconds");
	t_inteq(github_rate_wait(403, "", "30", "", "", now, 1), 30, "secondary limit as 403 with Retry-After");
	t_inteq(github_rate_wait(429, "", "0", "", "", now, 1), 0, "Retry-After 0");
	t_inteq(github_rate_wait(429, "", "Tue, 14 Nov 2023 22:13:40 GMT", "", "", now, 1), 20,
	    "Retry-After as an HTTP date");
	t_inteq(github_rate_wait(429, "", "Tue, 14 Nov 2023 22:13:00 GMT", "", "", now, 1), 0,
	    "an HTTP date in the past waits nothing");
	t_inteq(github_rate_wait(429, "", "-5", "", "", now, 1), 60, "negative Retry-After: the default minute");
	t_inteq(github_rate_wait(429, "", "soon", "", "", now, 1), 60, "garbage Retry-After: the default minute");
	t_inteq(github_rate_wait(429, "", "99999999999", "", "", now, 1), 60, "overlong Retry-After refused");
	t_inteq(github_rate_wait(403, "", "", "0", "1700000060", now, 1), 60, "primary limit until reset");
	t_inteq(github_rate_wait(403, "", "", "0", "1699999990", now, 1), 0, "reset in the past");
	t_inteq(github_rate_wait(403, "", "", "0", "", now, 1), 60, "spent limit without reset");
	t_inteq(github_rate_wait(403, "", "", "0", "12x", now, 1), 60, "malformed reset");
	t_inteq(github_rate_wait(403, "", "", "12", "1700000060", now, 1), -1, "a 403 with quota left is a refusal");
	t_inteq(github_rate_wait(403, "", "", "", "", now, 1), -1, "a plain 403 is a refusal");
	t_inteq(github_rate_wait(429, "", "", "", "", now, 1), 60, "a bare 429 waits a minute");
	t_inteq(github_rate_wait(401, "", "5", "0", "1700000060", now, 1), -1, "401 is never a limit");
	t_inteq(github_rate_wait(500, "", "5", "", "", now, 1), -1, "5xx is not a limit");
	t_inteq(github_rate_wait(200, "", "5", "0", "", now, 1), -1, "success is not a limit");
	/* A secondary limit without retry-after: a 403 says so only in its message. */
	t_inteq(github_rate_wait(403, SECONDARY, "", "4990", "1700000060", now, 1), 60,
	    "a secondary 403 without retry-after waits a minute");
	t_inteq(github_rate_wait(403, SECONDARY, "", "", "", now, 2), 120, "twice as long the second time");
	t_inteq(github_rate_wait(429, "", "", "", "", now, 3), 240, "and so on");
	t_inteq(github_rate_wait(429, "", "", "", "", now, 30), 3600, "at most an hour");
	t_inteq(github_rate_wait(403, "You have triggered an abuse detection mechanism.", "", "", "", now, 1), 60,
	    "the older wording too");
	t_inteq(github_rate_wait(403, SECONDARY, "5", "", "", now, 2), 5, "retry-after still decides");
	t_inteq(github_rate_wait(403, "Resource not accessible by integration", "", "4990", "", now, 1), -1,
	    "a permission refusal is not a limit");
}

static void
test_same_api(void)
{
	t_ok(github_same_api("https://api.github.com", "https://api.github.com/repos/o/r?page=2"),
	    "a path on the API");
	t_ok(github_same_api("https://api.github.com", "https://api.github.com"), "the base itself");
	t_ok(github_same_api("https://ghe.example/api/v3", "https://ghe.example/api/v3/orgs/o?page=2"),
	    "Enterprise Server path prefix");
	t_ok(!github_same_api("https://api.github.com", "https://api.github.com.evil.example/x"),
	    "a longer host that starts like ours");
	t_ok(!github_same_api("http://127.0.0.1:8080", "http://127.0.0.1:80801/x"), "a longer port");
	t_ok(!github_same_api("https://api.github.com", "https://api.github.com@evil.example/x"),
	    "userinfo trick");
	t_ok(!github_same_api("https://ghe.example/api/v3", "https://ghe.example/api/v30/x"),
	    "a longer path segment");
	t_ok(!github_same_api("https://api.github.com", "http://api.github.com/x"), "a downgrade to http");
	t_ok(!github_same_api("https://api.github.com", "https://evil.example/x"), "another host");
	t_ok(!github_same_api("", "https://evil.example/x"), "an empty base matches nothing");
}

static void
test_paths(void)
{
	struct buf b = BUF_INIT;

	t_ok(github_runners_path(&b, "octo-org/app.js") == 0, "repo scope");
	t_streq(b.p, "/repos/octo-org/app.js/actions/runners", "repo path");
	t_ok(github_runners_path(&b, "octo") == 0, "org scope");
	t_streq(b.p, "/orgs/octo/actions/runners", "org path, buffer reset");
	t_ok(github_runners_path(&b, "") == -1, "empty scope");
	t_ok(github_runners_path(&b, "a/") == -1 && github_runners_path(&b, "/a") == -1, "half a repo");
	t_ok(github_runners_path(&b, "a/b/c") == -1, "three parts");
	t_ok(github_runners_path(&b, "a/..") == -1 && github_runners_path(&b, "..") == -1, "dot-dot");
	t_ok(github_runners_path(&b, "a b") == -1 && github_runners_path(&b, "a?b") == -1 &&
	    github_runners_path(&b, "a%2fb") == -1, "characters that would change the URL");
	buf_free(&b);
}

/* The token goes only where it cannot be read on the way: https, or http
 * to this machine (the local stack). Checked before any request. */
static void
test_api_base(void)
{
	static const struct {
		const char *url;
		int ok;
	} cases[] = {
		{ "https://api.github.com", 1 },
		{ "https://ghe.example.com/api/v3", 1 },
		{ "http://127.0.0.1:8080", 1 },
		{ "http://127.1.2.3/api/v3", 1 },
		{ "http://localhost:9/x", 1 },
		{ "http://LOCALHOST", 1 },
		{ "http://[::1]:8080/", 1 },
		{ "http://api.github.com", 0 },
		{ "http://ghe.example.com/api/v3", 0 },
		{ "http://127.0.0.1.evil.example/", 0 },
		{ "http://127.0.0.1@evil.example/", 0 },
		{ "http://localhost.evil.example/", 0 },
		{ "http://[::1].evil/", 0 },
		{ "ftp://127.0.0.1/", 0 },
	};
	struct github g;
	struct err e;
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		int r;

		setenv("GITHUB_API_URL", cases[i].url, 1);
		r = github_init(&g, "ghp_test", &e);
		if (cases[i].ok)
			t_ok(r == 0, "GITHUB_API_URL %s is accepted", cases[i].url);
		else
			t_ok(r == -1 && e.cls == ERR_INPUT, "GITHUB_API_URL %s is refused (exit 2)", cases[i].url);
		if (r == 0)
			github_free(&g);
	}
	unsetenv("GITHUB_API_URL");
}

int
main(void)
{
	test_link();
	test_rate();
	test_same_api();
	test_paths();
	test_api_base();
	return t_done();
}

#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "t.h"

static char *
fmt(int level, const char *msg)
{
	struct buf b = BUF_INIT;

	log_format(&b, level, msg);
	return buf_take(&b);
}

static void
check(int level, const char *msg, const char *want, const char *name)
{
	char *got = fmt(level, msg);

	t_streq(got, want, "%s", name);
	free(got);
}

int
main(void)
{
	const char *list[] = { "abc", "abcdef", "xyz1" };
	struct buf b = BUF_INIT;

	log_mask(&b, "1abcdefg abc xyz1xyz1", list, 3);
	t_streq(b.p, "1***g *** ******", "mask takes the longest secret at each place");
	buf_free(&b);
	log_mask(&b, "nothing here", list, 0);
	t_streq(b.p, "nothing here", "mask with no secrets is the identity");
	buf_free(&b);

	log_init("state-cas", 0, 0);
	check(LOG_ERROR, "unable to put: x", "state-cas: fatal: unable to put: x", "plain fatal line");
	check(LOG_WARN, "w", "state-cas: warning: w", "plain warning line");
	t_ok(log_secret("ghp_SECRETTOKEN123") == 0, "secret registered");
	t_ok(log_secret("abc") == 0, "short value accepted but not registered");
	check(LOG_INFO, "token ghp_SECRETTOKEN123 used, abc kept", "state-cas: info: token *** used, abc kept",
	    "secret masked in plain mode");

	log_init("provision", 1, 0);
	check(LOG_ERROR, "50% failed\nsecond ghp_SECRETTOKEN123", "::error::provision: 50%25 failed%0Asecond ***",
	    "actions error escaped and masked");
	check(LOG_WARN, "slow", "::warning::provision: slow", "actions warning");
	check(LOG_INFO, "hello", "provision: info: hello", "actions info is a plain line");
	return t_done();
}

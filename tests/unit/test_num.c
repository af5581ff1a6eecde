/* num_parse: the one integer parser; every tool option, header and
 * environment number goes through it. */
#include <limits.h>

#include "num.h"
#include "t.h"

static void
ok(const char *s, long long min, long long max, long long want)
{
	long long v = -12345;

	t_ok(num_parse(s, min, max, &v) == 0 && v == want, "'%s' in [%lld, %lld] is %lld", s, min, max, want);
}

static void
bad(const char *s, long long min, long long max)
{
	long long v = -12345;

	t_ok(num_parse(s, min, max, &v) == -1 && v == -12345, "'%s' in [%lld, %lld] refused, out untouched",
	    s ? s : "(null)", min, max);
}

int
main(void)
{
	ok("0", 0, 10, 0);
	ok("7", 1, 64, 7);
	ok("64", 1, 64, 64);
	ok("-5", -10, 10, -5);
	ok("9223372036854775807", LLONG_MIN, LLONG_MAX, LLONG_MAX);
	ok("-9223372036854775808", LLONG_MIN, LLONG_MAX, LLONG_MIN);
	bad("65", 1, 64);
	bad("0", 1, 64);
	bad("-1", 0, 10);
	bad("02", 1, 64);     /* leading zeros: not how anyone writes a number */
	bad("-0", -5, 5);
	bad("+5", 0, 10);
	bad(" 5", 0, 10);
	bad("5 ", 0, 10);
	bad("5x", 0, 10);
	bad("x", 0, 10);
	bad("", 0, 10);
	bad("-", -10, 10);
	bad("1.5", 0, 10);
	bad("1e3", 0, 10000);
	bad(NULL, 0, 10);
	bad("9223372036854775808", LLONG_MIN, LLONG_MAX);   /* overflow: refused, not clamped */
	bad("-9223372036854775809", LLONG_MIN, LLONG_MAX);
	bad("99999999999999999999", 1, 10000);
	return t_done();
}

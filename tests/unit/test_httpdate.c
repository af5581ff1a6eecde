/* HTTP dates in all three forms RFC 9110 says a recipient must accept, and
 * the calendar checks shared with ISO 8601. */
#include <stdlib.h>

#include "isotime.h"
#include "t.h"

int
main(void)
{
	long long t = -1;

	/* TZ must not matter: the parser does its own calendar. */
	setenv("TZ", "Asia/Kolkata", 1);
	t_ok(isotime_parse_http("Sun, 06 Nov 1994 08:49:37 GMT", &t) == 0, "RFC 1123");
	t_inteq(t, 784111777, "RFC 1123 value");
	t = -1;
	t_ok(isotime_parse_http("Sunday, 06-Nov-94 08:49:37 GMT", &t) == 0, "RFC 850");
	t_inteq(t, 784111777, "RFC 850 value (94 is 1994)");
	t_ok(isotime_parse_http("Thursday, 01-Jan-26 00:00:00 GMT", &t) == 0 && t == 1767225600,
	    "RFC 850 two-digit year below 70 is 20xx");
	t = -1;
	t_ok(isotime_parse_http("Sun Nov  6 08:49:37 1994", &t) == 0, "asctime, space-padded day");
	t_inteq(t, 784111777, "asctime value");
	t_ok(isotime_parse_http("Thu Jan 15 10:00:00 2026", &t) == 0 && t == 1768471200, "asctime two-digit day");
	t_ok(isotime_parse_http("Thu, 29 Feb 2024 12:00:00 GMT", &t) == 0 && t == 1709208000, "leap day");
	t_ok(isotime_parse_http("Fri, 01 Jan 2100 00:00:00 GMT", &t) == 0 && t == 4102444800LL,
	    "beyond 2038 (no 32-bit time_t)");

	t_ok(isotime_parse_http("Sat, 29 Feb 2025 12:00:00 GMT", &t) == -1, "29 Feb of a common year refused");
	t_ok(isotime_parse_http("Mon, 29 Feb 2100 12:00:00 GMT", &t) == -1, "2100 is not a leap year");
	t_ok(isotime_parse("2015-02-29T00:00:00Z", &t) == -1, "ISO 8601 shares the check");
	t_ok(isotime_parse_http("Sun, 06 Nov 1994 08:49:37 UTC", &t) == -1, "zone other than GMT refused");
	t_ok(isotime_parse_http("Sun, 06 Nov 1994 08:49:37 GMT ", &t) == -1, "trailing space refused");
	t_ok(isotime_parse_http("Sun, 06 Nov 1994 24:00:00 GMT", &t) == -1, "hour 24 refused");
	t_ok(isotime_parse_http("Sun, 6 Nov 1994 08:49:37 GMT", &t) == -1, "one-digit day in RFC 1123 refused");
	t_ok(isotime_parse_http("Sunday, 06-Nov-1994 08:49:37 GMT", &t) == -1, "four-digit year in RFC 850 refused");
	t_ok(isotime_parse_http("Sun Nov  6 08:49:37 94", &t) == -1, "two-digit asctime year refused");
	t_ok(isotime_parse_http("Sun Nov  6 08:49:37 1994 GMT", &t) == -1, "asctime with zone refused");
	t_ok(isotime_parse_http("Sunday Nov  6 08:49:37 1994", &t) == -1, "asctime with long day name refused");
	t_ok(isotime_parse_http("Sun Nov 06", &t) == -1, "truncated asctime refused");
	t_ok(isotime_parse_http("Sun, 06 Nov 1994 08:49", &t) == -1, "truncated RFC 1123 refused");
	t_ok(isotime_parse_http("", &t) == -1, "empty refused");
	t_ok(isotime_parse_http(",", &t) == -1, "comma alone refused");
	return t_done();
}

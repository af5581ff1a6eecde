#include <string.h>

#include "isotime.h"

long long
isotime_days(long long y, unsigned m, unsigned d)
{
	long long era;
	unsigned yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = (unsigned)(y - era * 400);
	doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + (long long)doe - 719468;
}

/* Reads exactly n digits. */
static int
digits(const char **p, int n, unsigned *out)
{
	unsigned v = 0;
	int i;

	for (i = 0; i < n; i++) {
		char c = (*p)[i];

		if (c < '0' || c > '9')
			return -1;
		v = v * 10 + (unsigned)(c - '0');
	}
	*p += n;
	*out = v;
	return 0;
}

static int
valid(unsigned y, unsigned mo, unsigned d, unsigned h, unsigned mi, unsigned s)
{
	static const unsigned mdays[] = { 31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };

	int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;

	return mo >= 1 && mo <= 12 && d >= 1 && d <= mdays[mo - 1] && (mo != 2 || d < 29 || leap) &&
	    h < 24 && mi < 60 && s < 61;
}

int
isotime_parse(const char *s, long long *out)
{
	unsigned y, mo, d, h, mi, sec, oh, om;
	long long off = 0;

	if (digits(&s, 4, &y) || *s++ != '-' || digits(&s, 2, &mo) || *s++ != '-' ||
	    digits(&s, 2, &d) || (*s != 'T' && *s != 't' && *s != ' '))
		return -1;
	s++;
	if (digits(&s, 2, &h) || *s++ != ':' || digits(&s, 2, &mi) || *s++ != ':' ||
	    digits(&s, 2, &sec) || !valid(y, mo, d, h, mi, sec))
		return -1;
	if (*s == '.') {
		s++;
		if (*s < '0' || *s > '9')
			return -1;
		while (*s >= '0' && *s <= '9')
			s++;
	}
	if (*s == 'Z' || *s == 'z') {
		s++;
	} else if (*s == '+' || *s == '-') {
		int sign = *s++ == '-' ? -1 : 1;

		if (digits(&s, 2, &oh) || *s++ != ':' || digits(&s, 2, &om) || oh > 23 || om > 59)
			return -1;
		off = sign * (long long)(oh * 3600 + om * 60);
	} else {
		return -1;
	}
	if (*s != '\0')
		return -1;
	*out = isotime_days(y, mo, d) * 86400 + h * 3600 + mi * 60 + sec - off;
	return 0;
}

/* Reads a three-letter English month name: 1..12, or 0. */
static unsigned
month(const char **s)
{
	static const char months[] = "JanFebMarAprMayJunJulAugSepOctNovDec";
	unsigned mo;

	for (mo = 0; mo < 12; mo++)
		if (strncmp(*s, months + 3 * mo, 3) == 0) {
			*s += 3;
			return mo + 1;
		}
	return 0;
}

/* Reads "hh:mm:ss". */
static int
hms(const char **s, unsigned *h, unsigned *mi, unsigned *sec)
{
	return digits(s, 2, h) || *(*s)++ != ':' || digits(s, 2, mi) || *(*s)++ != ':' ||
	    digits(s, 2, sec) ? -1 : 0;
}

int
isotime_parse_http(const char *s, long long *out)
{
	unsigned d, y, h, mi, sec, mo;
	const char *comma = strchr(s, ',');

	if (comma == NULL) {
		/* asctime: "Sun Nov  6 08:49:37 1994"; the day is space-padded. */
		const char *sp = strchr(s, ' ');

		if (sp == NULL || sp - s != 3)
			return -1;
		s = sp + 1;
		if ((mo = month(&s)) == 0 || *s++ != ' ')
			return -1;
		if (*s == ' ')
			s++;
		if (*s < '0' || *s > '9')
			return -1;
		d = (unsigned)(*s++ - '0');
		if (*s >= '0' && *s <= '9')
			d = d * 10 + (unsigned)(*s++ - '0');
		if (*s++ != ' ' || hms(&s, &h, &mi, &sec) || *s++ != ' ' || digits(&s, 4, &y) || *s != '\0')
			return -1;
	} else {
		/* RFC 1123 "Sun, 06 Nov 1994 08:49:37 GMT" or RFC 850
		 * "Sunday, 06-Nov-94 08:49:37 GMT". */
		s = comma + 1;
		if (*s++ != ' ' || digits(&s, 2, &d))
			return -1;
		if (*s == '-') {
			s++;
			if ((mo = month(&s)) == 0 || *s++ != '-' || digits(&s, 2, &y))
				return -1;
			/* Two-digit years: the nearer century, as RFC 9110 asks. */
			y += y < 70 ? 2000 : 1900;
		} else if (*s++ != ' ' || (mo = month(&s)) == 0 || *s++ != ' ' || digits(&s, 4, &y)) {
			return -1;
		}
		if (*s++ != ' ' || hms(&s, &h, &mi, &sec) || strcmp(s, " GMT") != 0)
			return -1;
	}
	if (!valid(y, mo, d, h, mi, sec))
		return -1;
	*out = isotime_days(y, mo, d) * 86400 + h * 3600 + mi * 60 + sec;
	return 0;
}

#include <limits.h>
#include <stddef.h>

#include "num.h"

int
num_parse(const char *s, long long min, long long max, long long *out)
{
	unsigned long long v = 0, limit;
	int neg = 0;

	if (s == NULL)
		return -1;
	if (*s == '-') {
		neg = 1;
		s++;
	}
	if (*s < '0' || *s > '9' || (s[0] == '0' && (s[1] != '\0' || neg)))
		return -1;
	/* The magnitude a long long can hold: one more below zero. */
	limit = neg ? (unsigned long long)LLONG_MAX + 1 : (unsigned long long)LLONG_MAX;
	for (; *s; s++) {
		unsigned d = (unsigned)(*s - '0');

		if (*s < '0' || *s > '9' || v > (limit - d) / 10)
			return -1;
		v = v * 10 + d;
	}
	if (neg) {
		long long n = v == (unsigned long long)LLONG_MAX + 1 ? LLONG_MIN : -(long long)v;

		if (n < min || n > max)
			return -1;
		*out = n;
		return 0;
	}
	if ((long long)v < min || (long long)v > max)
		return -1;
	*out = (long long)v;
	return 0;
}

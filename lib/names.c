#include <stdlib.h>
#include <string.h>

#include "names.h"

/* Every byte of s is in set and its length is within [min, max]. */
static int
made_of(const char *s, const char *set, size_t min, size_t max)
{
	size_t n = strlen(s);

	return n >= min && n <= max && strspn(s, set) == n;
}

#define LOWER "abcdefghijklmnopqrstuvwxyz"
#define UPPER "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
#define DIGIT "0123456789"

int
names_pool(const char *s)
{
	/* 3: DynamoDB table and launch template names need at least 3. */
	return made_of(s, LOWER UPPER DIGIT "_-", 3, 40);
}

int
names_class(const char *s)
{
	return made_of(s, LOWER DIGIT "-", 1, 32);
}

int
names_run_id(const char *s)
{
	return made_of(s, LOWER UPPER DIGIT "_.-", 1, 64);
}

int
names_instance_id(const char *s)
{
	return names_ec2_id(s, "i-");
}

int
names_config(const char *s)
{
	return made_of(s, LOWER DIGIT "-", 1, 64);
}

int
names_signal(const char *s)
{
	return made_of(s, LOWER DIGIT "-", 1, 32);
}

int
names_instance_profile(const char *s)
{
	return made_of(s, LOWER UPPER DIGIT "+=,.@_-", 1, 128);
}

int
names_key_pair(const char *s)
{
	size_t n = strlen(s), i;

	for (i = 0; i < n; i++)
		if (s[i] < ' ' || s[i] > '~')
			return 0;
	return n > 0 && n <= 255;
}

/* The first n bytes of s are prefix and 8 or 17 lower-case hex digits. */
static int
ec2_id(const char *s, size_t n, const char *prefix)
{
	size_t pl = strlen(prefix), h = n - pl;

	return n > pl && strncmp(s, prefix, pl) == 0 && (h == 8 || h == 17) &&
	    strspn(s + pl, DIGIT "abcdef") >= h;
}

int
names_ec2_id(const char *s, const char *prefix)
{
	return ec2_id(s, strlen(s), prefix);
}

int
names_ec2_ids(const char *list, const char *prefix)
{
	while (*list) {
		size_t n = strcspn(list, ",");

		if (!ec2_id(list, n, prefix))
			return 0;
		list += n;
		if (*list == ',' && *++list == '\0')
			return 0;
	}
	return 1;
}

const char *
names_pool_of(const char *opt)
{
	const char *p = opt;

	if (p == NULL || *p == '\0')
		p = getenv("EC2RP_POOL");
	if (p == NULL || *p == '\0')
		p = NAMES_DEFAULT_POOL;
	return names_pool(p) ? p : NULL;
}

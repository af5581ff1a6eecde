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
	size_t n = strlen(s);

	return strncmp(s, "i-", 2) == 0 && (n == 10 || n == 19) &&
	    strspn(s + 2, DIGIT "abcdef") == n - 2;
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

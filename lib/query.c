#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "query.h"
#include "uri.h"

int
query_add(struct buf *b, const char *name, const char *value)
{
	if (name == NULL || value == NULL || *name == '\0')
		return -1;
	if ((b->len && buf_addc(b, '&')) || uri_encode(b, name, strlen(name), 0) || buf_addc(b, '='))
		return -1;
	return uri_encode(b, value, strlen(value), 0);
}

int
query_addf(struct buf *b, const char *value, const char *namefmt, ...)
{
	char name[256];
	va_list ap;
	int n;

	va_start(ap, namefmt);
	n = vsnprintf(name, sizeof(name), namefmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= sizeof(name))
		return -1;
	return query_add(b, name, value);
}

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "err.h"

void
err_set(struct err *e, int cls, const char *fmt, ...)
{
	va_list ap;
	char *p;

	if (e == NULL)
		return;
	e->cls = cls;
	e->status = 0;
	e->code[0] = '\0';
	va_start(ap, fmt);
	vsnprintf(e->msg, sizeof(e->msg), fmt, ap);
	va_end(ap);
	/* Messages are one line: a newline from a service would break log parsing. */
	for (p = e->msg; *p; p++)
		if (*p == '\n' || *p == '\r')
			*p = ' ';
}

int
err_nomem(struct err *e)
{
	err_set(e, ERR_LOCAL, "out of memory");
	return -1;
}

void
err_code(struct err *e, const char *code)
{
	if (e == NULL)
		return;
	snprintf(e->code, sizeof(e->code), "%s", code ? code : "");
}

void
err_clear(struct err *e)
{
	if (e == NULL)
		return;
	memset(e, 0, sizeof(*e));
}

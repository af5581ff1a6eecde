#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"

#define MAX_SECRETS 32

static const char *prog_name = "ec2rp";
static int actions_mode;
static int debug_mode;
static char *secrets[MAX_SECRETS];
static int nsecrets;

void
log_init(const char *prog, int actions, int debug)
{
	prog_name = prog;
	actions_mode = actions;
	debug_mode = debug;
}

int
log_mask(struct buf *out, const char *s, const char *const *list, int n)
{
	while (*s) {
		size_t best = 0;
		int i;

		for (i = 0; i < n; i++) {
			size_t len = strlen(list[i]);

			if (len > best && strncmp(s, list[i], len) == 0)
				best = len;
		}
		if (best) {
			if (buf_adds(out, "***"))
				return -1;
			s += best;
		} else if (buf_addc(out, *s++)) {
			return -1;
		}
	}
	return 0;
}

/* Workflow command data escapes: a stray newline would end the command. */
static int
add_escaped(struct buf *out, const char *s)
{
	for (; *s; s++) {
		int r;

		if (*s == '%')
			r = buf_adds(out, "%25");
		else if (*s == '\r')
			r = buf_adds(out, "%0D");
		else if (*s == '\n')
			r = buf_adds(out, "%0A");
		else
			r = buf_addc(out, *s);
		if (r)
			return -1;
	}
	return 0;
}

int
log_format(struct buf *out, int level, const char *msg)
{
	static const char *const words[] = { "debug", "info", "warning", "fatal" };
	static const char *const cmds[] = { "::debug::", "", "::warning::", "::error::" };
	struct buf masked = BUF_INIT;
	int r;

	if (level < LOG_DEBUG || level > LOG_ERROR)
		level = LOG_ERROR;
	if (log_mask(&masked, msg, (const char *const *)secrets, nsecrets)) {
		buf_free(&masked);
		return -1;
	}
	if (actions_mode && level != LOG_INFO)
		r = buf_addf(out, "%s%s: ", cmds[level], prog_name) ||
		    add_escaped(out, masked.p ? masked.p : "");
	else
		r = buf_addf(out, "%s: %s: %s", prog_name, words[level], masked.p ? masked.p : "");
	buf_free(&masked);
	return r ? -1 : 0;
}

int
log_secret(const char *s)
{
	struct buf line = BUF_INIT;
	int i;

	if (s == NULL || strlen(s) < 4)
		return 0;
	for (i = 0; i < nsecrets; i++)
		if (strcmp(secrets[i], s) == 0)
			return 0;
	if (nsecrets == MAX_SECRETS)
		return -1;
	secrets[nsecrets] = strdup(s);
	if (secrets[nsecrets] == NULL)
		return -1;
	nsecrets++;
	if (actions_mode) {
		/* The runner reads this from our stderr and masks it in its own logs. */
		if (buf_adds(&line, "::add-mask::") || add_escaped(&line, s)) {
			buf_free(&line);
			return -1;
		}
		fprintf(stderr, "%s\n", line.p);
		buf_free(&line);
	}
	return 0;
}

void
log_msg(int level, const char *fmt, ...)
{
	struct buf msg = BUF_INIT, line = BUF_INIT;
	va_list ap;
	int n;

	if (level == LOG_DEBUG && !debug_mode)
		return;
	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n >= 0) {
		char *tmp = malloc((size_t)n + 1);

		if (tmp) {
			va_start(ap, fmt);
			vsnprintf(tmp, (size_t)n + 1, fmt, ap);
			va_end(ap);
			buf_adds(&msg, tmp);
			free(tmp);
		}
	}
	if (log_format(&line, level, msg.p ? msg.p : "") == 0)
		fprintf(stderr, "%s\n", line.p);
	buf_free(&msg);
	buf_free(&line);
}

void
log_group(const char *title)
{
	if (actions_mode)
		fprintf(stderr, "::group::%s\n", title);
	else
		log_msg(LOG_INFO, "== %s", title);
}

void
log_endgroup(void)
{
	if (actions_mode)
		fprintf(stderr, "::endgroup::\n");
}

void
log_out(const char *text)
{
	fputs(text, stdout);
}

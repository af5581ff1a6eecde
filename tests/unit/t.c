#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>

#include "t.h"
#include "xml.h"

/* Under ASan a failed allocation must return NULL, as libc's does, for the
 * out-of-memory paths to be testable at all. */
const char *__asan_default_options(void);
const char *
__asan_default_options(void)
{
	return "allocator_may_return_null=1";
}

static int n_run;
static int n_failed;

static void
report(int cond, const char *fmt, va_list ap)
{
	n_run++;
	if (!cond)
		n_failed++;
	printf("%sok %d - ", cond ? "" : "not ", n_run);
	vprintf(fmt, ap);
	putchar('\n');
}

int
t_ok(int cond, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	report(cond, fmt, ap);
	va_end(ap);
	return cond;
}

int
t_streq(const char *got, const char *want, const char *fmt, ...)
{
	va_list ap;
	int cond = got && want ? strcmp(got, want) == 0 : got == want;

	va_start(ap, fmt);
	report(cond, fmt, ap);
	va_end(ap);
	if (!cond)
		printf("#   got:  [%s]\n#   want: [%s]\n", got ? got : "(null)", want ? want : "(null)");
	return cond;
}

int
t_inteq(long long got, long long want, const char *fmt, ...)
{
	va_list ap;
	int cond = got == want;

	va_start(ap, fmt);
	report(cond, fmt, ap);
	va_end(ap);
	if (!cond)
		printf("#   got:  %lld\n#   want: %lld\n", got, want);
	return cond;
}

char *
t_slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *p = NULL;
	size_t n = 0, cap = 0, r;

	if (f == NULL)
		return NULL;
	for (;;) {
		if (cap - n < 4096) {
			char *q = realloc(p, cap + 65536);
			if (q == NULL) {
				free(p);
				fclose(f);
				return NULL;
			}
			p = q;
			cap += 65536;
		}
		r = fread(p + n, 1, cap - n - 1, f);
		n += r;
		if (r == 0)
			break;
	}
	fclose(f);
	p[n] = '\0';
	if (len)
		*len = n;
	return p;
}

int
t_done(void)
{
	printf("1..%d\n", n_run);
	fflush(stdout);
	return n_failed ? 1 : 0;
}

int
t_lowmem(int on)
{
	void *probe;
	static struct rlimit saved;
	static int have;
	unsigned long long pages = 0;
	struct rlimit r;
	FILE *f;

	if (!on) {
		if (have)
			setrlimit(RLIMIT_AS, &saved);
		have = 0;
		return 0;
	}
	if (getrlimit(RLIMIT_AS, &saved))
		return 0;
	f = fopen("/proc/self/statm", "r");
	if (f == NULL)
		return 0;
	if (fscanf(f, "%llu", &pages) != 1)
		pages = 0;
	fclose(f);
	have = 1;
	r = saved;
	r.rlim_cur = (rlim_t)(pages * 4096 + 16ULL * 1024 * 1024);
	setrlimit(RLIMIT_AS, &r);
	/* Where the cap does not hold (qemu's user mode ignores it), 32 MiB
	 * still come: say so, and the caller skips its checks. */
	probe = malloc(32U * 1024 * 1024);
	if (probe != NULL) {
		free(probe);
		setrlimit(RLIMIT_AS, &saved);
		have = 0;
		return 0;
	}
	return 1;
}

struct xml *
t_xml(const char *s)
{
	struct xml *x = NULL;
	struct err e;

	if (xml_parse(s, strlen(s), &x, &e))
		return NULL;
	return x;
}

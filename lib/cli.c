#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>

#include <cjson/cJSON.h>

#include "cli.h"
#include "clock.h"
#include "log.h"
#include "names.h"
#include "num.h"
#include "terminate.h"

#ifndef VERSION
#define VERSION "0.0.0"
#endif

static const char *prog_name = "ec2rp";

static int
env_true(const char *name)
{
	const char *v = getenv(name);

	return v && (strcmp(v, "true") == 0 || strcmp(v, "1") == 0);
}

int
cli_start(const char *prog, int argc, char **argv, const char *help)
{
	prog_name = prog;
	opterr = 0; /* one message per error: ours, which names the option */
	log_init(prog, env_true("GITHUB_ACTIONS"), env_true("EC2RP_DEBUG"));
	if (argc == 2 && strcmp(argv[1], "--help") == 0) {
		log_out(help);
		return 1;
	}
	if (argc == 2 && strcmp(argv[1], "--version") == 0) {
		char v[128];

		snprintf(v, sizeof(v), "%s (ec2-runner-pool) %s\n", prog, VERSION);
		log_out(v);
		return 1;
	}
	return 0;
}

int
cli_usage(const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	log_msg(LOG_ERROR, "%s (try %s --help)", msg, prog_name);
	return ERR_INPUT;
}

int
cli_bad_option(const char *arg, const struct option *opts)
{
	size_t n = strcspn(arg, "=");

	for (; opts && opts->name; opts++)
		if (strncmp(arg, "--", 2) == 0 && n - 2 == strlen(opts->name) &&
		    strncmp(arg + 2, opts->name, n - 2) == 0 && opts->has_arg == required_argument)
			return cli_usage("option --%s needs a value", opts->name);
	return cli_usage("unknown option %.40s", arg);
}

int
cli_option(int c, char **argv, const struct option *opts, const char **pool, int *json)
{
	if (c == 'p' && pool)
		*pool = optarg;
	else if (c == 'j' && json)
		*json = 1;
	else if (c == '?')
		return cli_bad_option(argv[optind - 1], opts);
	return 0;
}

void
cli_json_line(cJSON *o)
{
	char *s = o ? cJSON_PrintUnformatted(o) : NULL;

	if (s) {
		log_out(s);
		log_out("\n");
	}
	cJSON_free(s);
	cJSON_Delete(o);
}

const char *
cli_pool(const char *opt)
{
	const char *pool = names_pool_of(opt);

	if (pool == NULL)
		cli_usage("invalid pool name (%s): use 3-40 of A-Z a-z 0-9 _ -", opt ? "--pool" : "EC2RP_POOL");
	return pool;
}

int
cli_fresh_ms(long *out)
{
	const char *v = getenv("EC2RP_FRESH_WAIT_SEC");
	long long sec = TERMINATE_FRESH_BUDGET_MS / 1000;

	if (v && *v && num_parse(v, 1, 3600, &sec))
		return cli_usage("invalid EC2RP_FRESH_WAIT_SEC: seconds, 1 to 3600");
	*out = (long)sec * 1000;
	return 0;
}

int
cli_fail(const struct err *e, const char *what)
{
	/* A class outside the table (never set) is a local failure, not a
	 * random exit code. */
	int code = e->cls >= ERR_INPUT && e->cls <= ERR_LOCAL ? e->cls : ERR_LOCAL;

	if (e->code[0] && strstr(e->msg, e->code) == NULL)
		log_msg(LOG_ERROR, "unable to %s: %s: %s", what, e->code, e->msg);
	else
		log_msg(LOG_ERROR, "unable to %s: %s", what, e->msg);
	return code;
}

int
cli_token(char *out, size_t sz, const char *prefix)
{
	unsigned char r[8];

	/* The system call: the action's image has no /dev. */
	if (getrandom(r, sizeof(r), 0) != (ssize_t)sizeof(r))
		return -1;
	snprintf(out, sz, "%s-%02x%02x%02x%02x%02x%02x%02x%02x", prefix, r[0], r[1], r[2], r[3], r[4], r[5], r[6], r[7]);
	return 0;
}

long long
cli_now(void)
{
	return clock_now();
}

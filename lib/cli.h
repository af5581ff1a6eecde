/* cli: what every tool's main() does the same way: --help and --version,
 * logging set up from the environment, usage errors, and turning a struct err
 * into one message and one exit code. */
#ifndef EC2RP_CLI_H
#define EC2RP_CLI_H

#include <stddef.h>

#include "err.h"

/* Sets up logging for prog from GITHUB_ACTIONS and EC2RP_DEBUG; prints help
 * (to stdout) for a lone --help, or the version for --version. Returns 1 when
 * it answered (main then returns 0), else 0. help is the whole help text:
 * synopsis, options, exit codes. */
int cli_start(const char *prog, int argc, char **argv, const char *help);

/* Prints "PROG: fatal: <message>" and "try --help", returns 2 (bad usage). */
int cli_usage(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* The tail of every tool's getopt_long loop: arg (argv[optind - 1]) is the
 * word getopt_long refused. Prints "unknown option ARG", or "option --NAME
 * needs a value" when opts has it; returns 2. opts may be NULL. */
struct option;
int cli_bad_option(const char *arg, const struct option *opts);

/* The end of a tool's getopt_long chain, for the c its own options did not
 * take: the options every tool spells alike, --pool ('p') into *pool and
 * --json ('j') into *json (NULL for a tool without it), and getopt_long's
 * refusal ('?'), answered as cli_bad_option does. Any other c is the
 * tool's and is left alone. 0, or 2 after the one usage message. */
int cli_option(int c, char **argv, const struct option *opts, const char **pool, int *json);

/* The pool: --pool's value opt, else EC2RP_POOL, else the default. NULL
 * after printing the one usage error for a malformed name (main then
 * returns 2, before any request). */
const char *cli_pool(const char *opt);

/* How long to wait for EC2 to know instances launched moments ago
 * (terminate.h): EC2RP_FRESH_WAIT_SEC (1-3600) in ms into *out, else
 * TERMINATE_FRESH_BUDGET_MS. 0, or 2 after the one usage message. */
int cli_fresh_ms(long *out);

/* Prints "PROG: fatal: unable to <what>: <e->msg>" and returns the exit code
 * of e's class (5 when the class is not one of ERR_INPUT..ERR_LOCAL). */
int cli_fail(const struct err *e, const char *what);

/* A fresh idempotency token: prefix, '-', 16 random hex digits from the
 * kernel (getrandom), cut to sz - 1 characters. 0, or -1 when there is no
 * randomness to be had. */
int cli_token(char *out, size_t sz, const char *prefix);

/* Prints o as one line of JSON Lines on stdout (cJSON escapes every value)
 * and frees it. o NULL, or no memory to print it: nothing is printed. */
struct cJSON;
void cli_json_line(struct cJSON *o);

/* Reads the clock: the programs do, the library does not. */
long long cli_now(void);

#endif

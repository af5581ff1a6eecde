/* log: the programs' messages to stderr, one line each, secrets masked.
 * With GitHub Actions workflow commands (::error:: etc.) when enabled.
 * The only lib module that prints (program support, with cli.c, which
 * prints through it); the rest of lib returns data and never prints. */
#ifndef EC2RP_LOG_H
#define EC2RP_LOG_H

#include "buf.h"

enum log_level { LOG_DEBUG, LOG_INFO, LOG_WARN, LOG_ERROR };

/* prog names the program in every line; actions selects workflow commands;
 * debug enables LOG_DEBUG lines. Programs pass getenv("GITHUB_ACTIONS") etc. */
void log_init(const char *prog, int actions, int debug);
/* Registers a secret: it is replaced by *** in every later line, and in
 * Actions mode an ::add-mask:: command is printed first. Values shorter than
 * 4 bytes are not registered (they would mask ordinary text). Returns 0 or -1. */
int log_secret(const char *s);
void log_msg(int level, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void log_group(const char *title);
/* Writes text as it is to stdout: the answer to --help and --version. */
void log_out(const char *text);
void log_endgroup(void);

/* Pure: formats one line for level into out (no newline), masking the
 * registered secrets. Exposed for tests. */
int log_format(struct buf *out, int level, const char *msg);
/* Pure: replaces every occurrence of each secret in s with ***. */
int log_mask(struct buf *out, const char *s, const char *const *secrets, int nsecrets);

#endif

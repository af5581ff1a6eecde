/* err: what went wrong in library code, for main() to turn into one message and one exit code. */
#ifndef EC2RP_ERR_H
#define EC2RP_ERR_H

/* Error classes double as the tools' exit codes (docs/exit-codes.md). */
enum err_class {
	ERR_NONE = 0,
	ERR_INPUT = 2,     /* bad usage or input; nothing was sent */
	ERR_PERMANENT = 3, /* the service refused; retrying will not help */
	ERR_TEMPORARY = 4, /* throttled, 5xx, network: retries exhausted */
	ERR_LOCAL = 5      /* no credentials, unreadable file, no memory */
};

struct err {
	int cls;        /* enum err_class */
	long status;    /* HTTP status when a service answered, else 0 */
	char code[64];  /* service error code (e.g. ConditionalCheckFailedException), or "" */
	char msg[512];  /* one line, no secrets */
};

/* Sets class and message (printf-style); clears status and code. */
void err_set(struct err *e, int cls, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* Sets ERR_LOCAL "out of memory"; returns -1, for "return err_nomem(e);". */
int err_nomem(struct err *e);
/* Sets the service error code. */
void err_code(struct err *e, const char *code);
void err_clear(struct err *e);

#endif

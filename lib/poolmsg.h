/* poolmsg: the pool's SQS message (one idle instance) and the filters
 * pool-pop applies. Pure. */
#ifndef EC2RP_POOLMSG_H
#define EC2RP_POOLMSG_H

#include "buf.h"

struct poolmsg {
	char id[20];
	char type[33];
	char usage[10];  /* spot, on-demand, or "" when unknown */
	char rclass[33];
};

/* The message body, JSON. 0, or -1 out of memory. */
int poolmsg_encode(const struct poolmsg *m, long long pushed_at, struct buf *out);
/* Parses and validates a body. 0, or -1 when malformed. */
int poolmsg_parse(const char *body, struct poolmsg *m);
/* 1 if s matches the glob g ('*' any run of characters, '?' one). */
int poolmsg_glob(const char *g, const char *s);
/* 1 if type matches one of the comma-separated globs ("" allows all). */
int poolmsg_types_match(const char *globs, const char *type);
/* 1 if globs is a valid comma-separated list of type globs (a-z 0-9 . - * ?). */
int poolmsg_valid_globs(const char *globs);
/* 1 if m passes the filters (usage "" and globs "" allow all). */
int poolmsg_matches(const struct poolmsg *m, const char *usage, const char *globs);

#endif

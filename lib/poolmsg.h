/* poolmsg: the pool's SQS message (one idle instance) and the filters
 * pool-pop applies. Pure: no I/O, no clock.
 *
 * The body is JSON: {"instanceId","instanceType","usageClass",
 * "resourceClass","repository","pushedAt"}. Only instanceId is required; the
 * others may be missing (older or hand-made messages) and then read as "" and
 * 0. repository is the repository whose run last had the instance. */
#ifndef EC2RP_POOLMSG_H
#define EC2RP_POOLMSG_H

#include "buf.h"

struct poolmsg {
	char id[20];     /* i- and 8 or 17 lower-case hex */
	char type[33];   /* e.g. m5.xlarge, or "" when unknown */
	char usage[10];  /* spot, on-demand, or "" when unknown */
	char rclass[33]; /* the resource class, or "" when unknown */
	long long pushed_at; /* epoch seconds, 0 when unknown */
	char repo[141];  /* OWNER/NAME of the last run's repository, or "" */
};

/* Appends m's body (JSON, one line) to out, with pushedAt = pushed_at.
 * 0, or -1 when a field of m is not valid or out of memory. */
int poolmsg_encode(const struct poolmsg *m, long long pushed_at, struct buf *out);
/* Parses and validates a body into m. 0, or -1 when malformed (m is then
 * zeroed). body shall not be NULL. */
int poolmsg_parse(const char *body, struct poolmsg *m);

/* 1 when s is an instance type as messages carry it: 1-32 of a-z 0-9 . - */
int poolmsg_valid_type(const char *s);
/* 1 when s is "spot" or "on-demand". */
int poolmsg_valid_usage(const char *s);
/* 1 when s is a repository as GitHub names it: OWNER/NAME, 3-140 of
 * A-Z a-z 0-9 _ . - with one '/' that is neither first nor last. */
int poolmsg_valid_repo(const char *s);
/* 1 if globs is a valid comma-separated list of type globs: 1 to
 * POOLMSG_MAX_GLOBS, each 1-64 of a-z 0-9 . - * ?, no empty item. */
#define POOLMSG_MAX_GLOBS 400 /* as many as EC2 takes (FLEET_MAX_GLOBS) */
int poolmsg_valid_globs(const char *globs);

/* 1 if s matches the glob g ('*' any run of characters, '?' one), else 0. */
int poolmsg_glob(const char *g, const char *s);
/* 1 if type matches one of the comma-separated globs (NULL or "" allows all). */
int poolmsg_types_match(const char *globs, const char *type);
/* 1 if m passes the filters: usage (NULL or "" allows all, else it must
 * equal m's usage class), globs as in poolmsg_types_match, and repo (NULL or
 * "" allows all, else it must equal m's repository; a message without one,
 * an instance no run has used yet, matches any). */
int poolmsg_matches(const struct poolmsg *m, const char *usage, const char *globs, const char *repo);

#endif

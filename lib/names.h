/* names: the shapes of the names the tools take, and the pool's resource
 * names derived from them. Pure. */
#ifndef EC2RP_NAMES_H
#define EC2RP_NAMES_H

#define NAMES_DEFAULT_POOL "ec2-runner-pool"

/* 1 when s has the shape, else 0. */
int names_pool(const char *s);        /* 3-40 of A-Z a-z 0-9 _ - */
int names_class(const char *s);       /* 1-32 of a-z 0-9 - */
int names_run_id(const char *s);      /* 1-64 of A-Z a-z 0-9 _ . - */
int names_instance_id(const char *s); /* i- and 8 or 17 lower-case hex digits */
int names_config(const char *s);      /* 1-64 of a-z 0-9 - */
int names_signal(const char *s);      /* 1-32 of a-z 0-9 - */
int names_instance_profile(const char *s); /* 1-128 of A-Z a-z 0-9 + = , . @ _ - */
int names_key_pair(const char *s);    /* 1-255 printable ASCII characters */
/* EC2 resource ids: one id, prefix ("ami-", "sg-", "subnet-") and 8 or 17
 * lower-case hex digits; or a comma-separated list of them, none empty ("",
 * with no item, passes: the caller decides whether one is needed). */
int names_ec2_id(const char *s, const char *prefix);
int names_ec2_ids(const char *list, const char *prefix);
/* The pool: opt if given, else EC2RP_POOL, else the default. NULL if the
 * chosen one is malformed. */
const char *names_pool_of(const char *opt);

#endif

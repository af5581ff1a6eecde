/* rclass: resource classes -> instance requirements. The built-in classes
 * (EC2's sizes, large to 16xlarge), or instead of them the classes of a
 * JSON object {"CLASS": {"cpu": N, "mem": MiB, "arch": "x86_64" | "arm64"}}
 * (the original action's semantics: a config replaces the built-ins). Pure. */
#ifndef EC2RP_RCLASS_H
#define EC2RP_RCLASS_H

#include <stddef.h>

#include "err.h"

#define RCLASS_MAX 64

struct rclass {
	char name[33];
	int cpu;  /* exact vCPU count */
	int mem;  /* memory at least, MiB */
	int arm64; /* 1: launched from the arm64 AMI (Graviton types), else x86-64 */
};

struct rclass_set {
	struct rclass c[RCLASS_MAX];
	size_t n;
};

/* The built-in classes, or config's (NULL or "" for none: the built-ins).
 * 0, or -1 with e naming what is wrong (ERR_INPUT). */
int rclass_load(struct rclass_set *s, const char *config, struct err *e);
const struct rclass *rclass_find(const struct rclass_set *s, const char *name);

#endif

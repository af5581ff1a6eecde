/* ltemplate: the pool's launch template made right in at most four EC2
 * calls: look at the default version; create the template when it is
 * missing; when the default differs from the wanted content (field by
 * field), create a version and make it the default. A small machine:
 * ltemplate_query builds the body of the current step's call and
 * ltemplate_answer reads what came back and moves to the next step. Pure:
 * the caller makes the calls (see ec2_template for the loop). */
#ifndef EC2RP_LTEMPLATE_H
#define EC2RP_LTEMPLATE_H

#include "buf.h"
#include "err.h"
#include "xml.h"

#define LTEMPLATE_USER_DATA_MAX 16384 /* EC2's limit on the raw bytes */

/* The wanted content. Instance metadata is always IMDSv2 only, endpoint
 * and tags enabled; shutdown always terminates. */
struct ltemplate {
	const char *name;      /* the template's name (the pool's) */
	const char *ami;       /* ami- and 8 or 17 hex digits */
	const char *profile;   /* IAM instance profile name, or NULL */
	const char *sgs;       /* comma-separated sg- ids, or NULL */
	const char *key;       /* key pair name, or NULL */
	const char *hops;      /* IMDS PUT response hop limit, 1-64 as EC2 writes it */
	const char *user_data; /* base64, or NULL or "" for none */
	const char *token;     /* this run's idempotency token: each write sends
	                        * TOKEN-ACTION, the same on every retry */
};

/* 0, or -1 with e (ERR_INPUT) naming the first field with the wrong shape. */
int ltemplate_check(const struct ltemplate *w, struct err *e);

/* 1 if data (a launchTemplateData element, or NULL) describes w, field by
 * field: security groups in any order, user data ignoring line breaks. */
int ltemplate_same(const struct xml *data, const struct ltemplate *w);

enum ltemplate_step {
	LTEMPLATE_DESCRIBE,       /* DescribeLaunchTemplateVersions $Default */
	LTEMPLATE_CREATE,         /* CreateLaunchTemplate */
	LTEMPLATE_CREATE_VERSION, /* CreateLaunchTemplateVersion */
	LTEMPLATE_SET_DEFAULT,    /* ModifyLaunchTemplate SetDefaultVersion */
	LTEMPLATE_DONE
};

struct ltemplate_run {
	enum ltemplate_step step;
	int looks;          /* describes so far: another run's create between our
	                     * look and ours earns one more look, not two */
	const char *result; /* once done: "created", "updated" or "unchanged" */
	char id[64];        /* once done: lt- and hex, or "-" when EC2 answered
	                     * another shape */
	char version[16];   /* once done: the default version, 1-9 digits */
};
#define LTEMPLATE_RUN_INIT { LTEMPLATE_DESCRIBE, 0, "", "", "" }

/* Appends the body of run's current step (not LTEMPLATE_DONE) to b. 0, or
 * -1 with e: ERR_INPUT when w fails ltemplate_check (nothing is written),
 * ERR_LOCAL when memory runs out. */
int ltemplate_query(struct buf *b, const struct ltemplate_run *run, const struct ltemplate *w, struct err *e);

/* Moves run on from the current step's outcome: the answer doc, or, when
 * the call failed, its error failed (doc is then ignored). 0, or -1 with e:
 * the call's error when no step follows from it, ERR_PERMANENT when an
 * answer lacks a usable version number. */
int ltemplate_answer(struct ltemplate_run *run, const struct ltemplate *w, const struct xml *doc,
    const struct err *failed, struct err *e);

#endif

/* state: the DynamoDB state model of docs/state-model.md as request bodies
 * and output lines. Pure: builds and reads JSON, sends nothing. */
#ifndef EC2RP_STATE_H
#define EC2RP_STATE_H

#include <cjson/cJSON.h>

#include "buf.h"

enum state { ST_NONE, ST_CREATED, ST_RUNNING, ST_IDLE, ST_CLAIMED, ST_TERMINATED };
enum kind { KIND_INSTANCE, KIND_SIGNAL, KIND_HEARTBEAT, KIND_CONFIG, KIND_TOKEN };
/* 1 for the kinds keyed by the instance's ARN (signal, heartbeat, token). */
int state_kind_by_arn(int kind);

/* "none", "created", ... to enum state; -1 if unknown. */
int state_parse(const char *s);
const char *state_name(int st);
/* "instance", "signal", ... to enum kind; -1 if unknown. */
int state_kind(const char *s);
/* 1 if from -> to is a transition of the table. */
int state_allowed(int from, int to);

/* The partition key of a record: "i#ID", "sig#ID", "hb#ID", "cfg#NAME",
 * "tok#ID". */
int state_pk(struct buf *out, int kind, const char *name);

/* The key of an instance's signal, heartbeat or token item: the prefix,
 * then the instance's ARN (arn:PARTITION:ec2:REGION:ACCOUNT:instance/ID), so
 * that IAM can bind it to the instance's own role. 0, or -1 (memory, or a
 * kind other than those three). */
int state_arn_pk(struct buf *out, int kind, const char *partition, const char *region, const char *account,
    const char *id);
/* From an STS identity: checks account is 12 digits and copies the
 * partition (the ARN's second field, 1-15 of a-z -) into partition[16].
 * 0, or -1 when either is malformed. */
int state_parse_identity(const char *arn, const char *account, char *partition);
struct state_cas {
	const char *table, *id;
	int from, to;
	const char *run_id;     /* the run id the condition checks or sets; NULL if none */
	long long threshold;    /* new threshold (epoch seconds) */
	long long now;
	const char *resource_class, *instance_type, *usage_class; /* for creation; the
	                             * class is also a condition of a claim */
	const char *repository;     /* the repository (OWNER/NAME) of the run: stored
	                             * at creation, claim and -> idle; a condition of
	                             * -> idle and -> terminated, so that only the run's
	                             * own repository releases or ends it. NULL: none
	                             * (-> idle then stores "unknown") */
	int same_repository;        /* idle -> claimed: only an instance no run has
	                             * used or last used by repository (needs it) */
};
/* The PutItem (creation) or UpdateItem body of one transition; *op is
 * "PutItem" or "UpdateItem". NULL when from -> to is not a transition of
 * the table, when it needs a run id (all but creation and termination) and
 * run_id is NULL, for a repository on a warm creation or -> running, for
 * same_repository without a repository or on another transition than the
 * claim, or when out of memory. */
cJSON *state_cas_body(const struct state_cas *c, const char **op);

/* 1 if item, the record as read after the write, shows the transition c
 * made: its state, its updatedAt, its run id (none after idle and
 * terminated) and, but for termination, its threshold. A write retried after
 * an answer that never came fails its condition on its own first success;
 * this tells that apart from a lost race. */
int state_cas_applied(const struct state_cas *c, const cJSON *item);
/* Signals and heartbeats go away by TTL a day after they are written. */
#define STATE_RECORD_TTL 86400
/* A token item outlives no token: GitHub's registration and remove tokens
 * are valid for an hour. */
#define STATE_TOKEN_TTL 3600

/* A signal, heartbeat, config or token record to write (state-put,
 * state-watch). */
struct state_put {
	const char *table, *pk;  /* pk from state_arn_pk (signal, heartbeat, token) or state_pk (config) */
	int kind;                /* KIND_SIGNAL, KIND_HEARTBEAT, KIND_CONFIG or KIND_TOKEN */
	const char *signal;      /* KIND_SIGNAL: its name; KIND_TOKEN: its purpose
	                          * ("registration" or "remove") */
	const char *run_id;      /* signal, heartbeat: the run id, or NULL; token: the run id */
	const char *message;     /* signal: what the instance says, or NULL / "" */
	const char *value;       /* KIND_CONFIG: the value; KIND_TOKEN: the token */
	long long now;
};
/* The PutItem body of p: a signal (signal, runId, message, at, ttl), a
 * heartbeat (runId, at, ttl), a config value (value, updatedAt) or a token
 * for one instance (purpose, runId, token, at, ttl an hour on). NULL when a
 * field the kind needs is NULL, for another kind, or out of memory. */
cJSON *state_put_body(const struct state_put *p);
/* {"TableName": table, "Key": {"pk": {"S": pk}}}: a GetItem or DeleteItem
 * body. NULL out of memory. */
cJSON *state_key_body(const char *table, const char *pk);

/* The DeleteItem body of an instance's token item (pk from state_arn_pk)
 * that deletes it only while it is the token for run_id: an agent that
 * has used its token must not delete the next run's. NULL out of memory. */
cJSON *state_token_delete_body(const char *table, const char *pk, const char *run_id);

/* One record as a line: tab-separated fields (empty values as "-", control
 * characters as spaces so a record stays one line), or a JSON object (exact
 * values) when json is set. kind is taken from the item's key.
 * 0, or -1 if the item is not a record of ours. */
int state_line(const cJSON *item, int json, struct buf *out);

#endif

/* state: the DynamoDB state model of docs/state-model.md as request bodies
 * and output lines. Pure: builds and reads JSON, sends nothing. */
#ifndef EC2RP_STATE_H
#define EC2RP_STATE_H

#include <cjson/cJSON.h>

#include "buf.h"

enum state { ST_NONE, ST_CREATED, ST_RUNNING, ST_IDLE, ST_CLAIMED, ST_TERMINATED };
enum kind { KIND_INSTANCE, KIND_SIGNAL, KIND_HEARTBEAT, KIND_CONFIG };

/* "none", "created", ... to enum state; -1 if unknown. */
int state_parse(const char *s);
const char *state_name(int st);
/* "instance", "signal", ... to enum kind; -1 if unknown. */
int state_kind(const char *s);
/* 1 if from -> to is a transition of the table. */
int state_allowed(int from, int to);

/* The partition key of a record: "i#ID", "sig#ID", "hb#ID", "cfg#NAME". */
int state_pk(struct buf *out, int kind, const char *name);

/* The key of an instance's signal or heartbeat item: the prefix, then the
 * instance's ARN (arn:PARTITION:ec2:REGION:ACCOUNT:instance/ID), so that IAM
 * can bind it to the instance's own role. 0, or -1 (memory, or a kind
 * other than those two). */
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
	const char *resource_class, *instance_type, *usage_class; /* for creation */
	const char *repository; /* -> idle: OWNER/NAME of the run handing it back; NULL keeps the last */
};
/* The PutItem (creation) or UpdateItem body of one transition; *op is
 * "PutItem" or "UpdateItem". NULL when from -> to is not a transition of
 * the table, when it needs a run id (all but creation and termination) and
 * run_id is NULL, or when out of memory. */
cJSON *state_cas_body(const struct state_cas *c, const char **op);

/* 1 if item, the record as read after the write, shows the transition c
 * made: its state, its updatedAt, its run id (none after idle and
 * terminated) and, but for termination, its threshold. A write retried after
 * an answer that never came fails its condition on its own first success;
 * this tells that apart from a lost race. */
int state_cas_applied(const struct state_cas *c, const cJSON *item);
/* One record as a line: tab-separated fields (empty values as "-", control
 * characters as spaces so a record stays one line; an instance's fields are
 * state, run id, threshold, class, type, usage class, repository), or a JSON object (exact
 * values) when json is set. kind is taken from the item's key.
 * 0, or -1 if the item is not a record of ours. */
int state_line(const cJSON *item, int json, struct buf *out);

#endif

/* poolstatus: the pool at a glance, from the table's instance records and
 * heartbeats and the class queues' message counts: counts per resource
 * class, the instances of each run id, and the records refresh would clean
 * up. Pure: the caller reads the items and the clock; this computes the view
 * and renders it as tab-separated lines, JSON Lines or Markdown. */
#ifndef EC2RP_POOLSTATUS_H
#define EC2RP_POOLSTATUS_H

#include <limits.h>
#include <stddef.h>

#include <cjson/cJSON.h>

#include "buf.h"
#include "state.h"

/* A time, age or count the items do not give (not -1: a threshold a second
 * ago is -1 s away). */
#define POOLSTATUS_UNKNOWN LLONG_MIN

struct poolstatus_inst {
	char id[20];       /* i- and 8 or 17 hex */
	char rclass[33];   /* "-" when absent or not a class name */
	char run[65];      /* "" when unowned; "?" when not a run id */
	char type[32];     /* "-" when absent, "?" when malformed */
	char usage[16];    /* the same */
	int state;         /* ST_CREATED .. ST_CLAIMED */
	long long updated; /* updatedAt: when it entered its state, or UNKNOWN */
	long long threshold; /* or UNKNOWN (then it never expires: refresh's Scan compares it) */
	long long heartbeat; /* the heartbeat's "at", or UNKNOWN */
	int expired;       /* threshold < now: refresh's rule (state-scan --expired) */
	char signal[24];   /* "runner-exited", "spot-interrupted", "repool-denied" or "terminate-denied": it cannot serve; else "" */
	char signal_run[65]; /* the run that signal names, "-" when none */
	char missing[48];  /* the permissions the refusal signal names (its message too: a
	                    * terminate-denied after a refused sqs:SendMessage names both,
	                    * comma-separated), else "" */
};

struct poolstatus_class {
	char name[33];
	int count[ST_TERMINATED]; /* by state, records not expired (ST_CREATED .. ST_CLAIMED) */
	int expired;       /* records past their threshold, any state */
	long long queued;  /* the queue's ApproximateNumberOfMessages, or UNKNOWN */
	long oldest_idle;  /* index into in[] of the idle record longest in its
	                    * state (unknown updatedAt first), or -1 */
};

struct poolstatus {
	long long now;
	struct poolstatus_inst *in;  /* sorted by run id ("" first), then id */
	size_t nin;
	struct poolstatus_class *cls; /* sorted by name */
	size_t ncls;
	size_t skipped;  /* items that are not records or heartbeats of ours */
};

#define POOLSTATUS_INIT { 0, NULL, 0, NULL, 0, 0 }

/* Builds the view at time now from items (an array of DynamoDB items:
 * instance records "i#ID", heartbeats "hb#...instance/ID" and the signals
 * "sig#...instance/ID" runner-exited and spot-interrupted; terminated
 * records and heartbeats of no live record are left out, anything else is
 * skipped and counted) and the classes
 * named (shown even with no record; each must be a class name, else it is
 * ignored). Every class starts with queued UNKNOWN. ps must be
 * POOLSTATUS_INIT or freed. 0, or -1 out of memory (ps is then freed). */
int poolstatus_build(struct poolstatus *ps, const cJSON *items, const char *const *classes, size_t nclasses,
    long long now);
/* Sets the queued count of class rclass. 0, or -1 if ps has no such class. */
int poolstatus_set_queued(struct poolstatus *ps, const char *rclass, long long n);
/* Reads ApproximateNumberOfMessages from a GetQueueAttributes answer. 0, or
 * -1 when absent or not a whole number from 0 to 10^12. */
int poolstatus_queue_count(const cJSON *resp, long long *n);

enum { POOLSTATUS_TSV, POOLSTATUS_JSON, POOLSTATUS_MARKDOWN };
/* Appends the view as format (docs/tools/pool-status.md documents each;
 * every line ends in '\n'). pool is a pool name (names_pool). 0, or -1 out
 * of memory. */
int poolstatus_render(const struct poolstatus *ps, const char *pool, int format, struct buf *out);
/* The AWS permission the instance role lacked, by the agent's signal
 * (repool-denied: sqs:SendMessage; terminate-denied: ec2:TerminateInstances),
 * or NULL for any other signal; signal shall not be NULL. */
const char *poolstatus_missing(const char *signal);
/* Frees what build allocated and resets ps to POOLSTATUS_INIT; NULL is fine. */
void poolstatus_free(struct poolstatus *ps);

#endif

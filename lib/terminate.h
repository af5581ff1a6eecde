/* terminate: one TerminateInstances request and its answer: the Query body
 * for a batch of ids, what the answer says became of each id, and what a
 * refused call for one id means for it. Pure: the caller makes the calls
 * (see ec2_terminate for the batches and the pool guard). */
#ifndef EC2RP_TERMINATE_H
#define EC2RP_TERMINATE_H

#include "buf.h"
#include "err.h"
#include "xml.h"

#define TERMINATE_BATCH 1000 /* ids per call: EC2's limit */

/* EC2's eventual consistency ("Eventual consistency in the Amazon EC2 API",
 * EC2 Developer Guide): right after a launch, InvalidInstanceID.NotFound
 * "does not mean the instance does not exist", from DescribeInstances or
 * TerminateInstances; AWS asks to look again with exponential backoff,
 * "starting with a couple of seconds ... up to five minutes". An id the
 * caller launched moments ago is "fresh": EC2 not knowing it proves
 * nothing, only a state EC2 answers for it does. */
#define TERMINATE_FRESH_FIRST_MS 2000     /* the first wait */
#define TERMINATE_FRESH_BUDGET_MS 300000  /* all the waits together, by default */

/* What became of one id: prev and cur are EC2's previous and current state
 * names; "gone"/"gone" for an id EC2 does not know; "refused"/"not-in-pool"
 * for one the pool guard kept back; "error"/CODE for one EC2 refused. One
 * field of one line each: no control character. */
struct terminate_state {
	char prev[24];
	char cur[64];
};

/* Sets t to prev and cur, cut to fit, control characters as spaces. */
void terminate_set(struct terminate_state *t, const char *prev, const char *cur);

/* Appends the TerminateInstances body (Action and Version included) for ids
 * (n of them, 1..TERMINATE_BATCH) to b. 0, or -1 with e: ERR_INPUT when n or
 * an id has the wrong shape (nothing is written then), ERR_LOCAL when memory
 * runs out. */
int terminate_query(struct buf *b, char *const *ids, int n, struct err *e);

/* Reads the answer to the call for ids (n of them): out[i] gets the states
 * the answer gives for ids[i]; an id it does not name keeps its out[i].
 * Never fails. */
void terminate_parse(const struct xml *doc, char *const *ids, int n, struct terminate_state *out);

/* What failed, EC2's refusal of a call for one id alone, means for it:
 * when EC2 does not know the id, "gone"/"gone" and 0 (not an error), or,
 * for a fresh id, "error"/"InvalidInstanceID.NotFound" and 1 (not proven:
 * worth another call after a wait); else "error"/failed's code ("-" when
 * it has none) and -1. */
int terminate_refused(struct terminate_state *t, const struct err *failed, int fresh);

/* The wait before the next look at fresh ids, after round earlier waits
 * (0 for the first): TERMINATE_FRESH_FIRST_MS doubling, cut to left_ms, what
 * is left of the budget; -1 when left_ms is spent (0 or less). */
long terminate_fresh_wait_ms(int round, long left_ms);

#endif

/* runidx: the run index, one item per run id ("run#RUN") holding the ids
 * of the instances the run's provisions claimed or created (a string set
 * "ids"), so that release reads its run's records by key instead of
 * scanning the table (docs/state-model.md, "The run index"). Pure: builds
 * the UpdateItem and reads the item, sends nothing. */
#ifndef EC2RP_RUNIDX_H
#define EC2RP_RUNIDX_H

#include <stddef.h>

#include <cjson/cJSON.h>

#include "buf.h"

/* The item's partition key: "run#" and the run id (state_pk's shape). 0, or
 * -1 out of memory. */
int runidx_pk(struct buf *out, const char *run);

/* The UpdateItem body that names ids[0..n) under run: "ADD ids :set" (a
 * string set: adding what is there already changes nothing, so a retry or
 * two provisions of one run agree; a duplicate in ids is sent once) and "SET ttl, updatedAt". n 0: the item
 * without ids (a run that holds nothing yet), or its ttl renewed. ttl is
 * the table's TTL attribute, epoch seconds. NULL out of memory. */
cJSON *runidx_add_body(const char *table, const char *run, char *const *ids, size_t n, long long now,
    long long ttl);

/* Appends "RUN<TAB>ID\n" to out for each id of the run item (as
 * BatchGetItem returns it), skipping what is not an instance id. The run
 * id comes from the item's key. Returns the number of lines, or -1 when
 * item is not a run item (or out of memory). */
int runidx_lines(const cJSON *item, struct buf *out);

#endif

/* wakeq: the wake queues of a pool's instances (POOL-wake-ID, one per
 * instance) as ListQueues sees them: the request of one page and what an
 * answer holds. Pure. */
#ifndef EC2RP_WAKEQ_H
#define EC2RP_WAKEQ_H

#include <cjson/cJSON.h>

#include "buf.h"

/* The most queue URLs one ListQueues answer carries (SQS's MaxResults cap). */
#define WAKEQ_PAGE_MAX 1000

/* A ListQueues body for the pool's wake queues: QueueNamePrefix
 * "POOL-wake-", MaxResults max (1 to WAKEQ_PAGE_MAX; SQS sends a NextToken
 * only when MaxResults is given), and next (a NextToken, or NULL for the
 * first page). The caller owns the result; NULL when out of memory. */
cJSON *wakeq_list_body(const char *pool, int max, const char *next);

/* The instance id of a wake queue's URL (its last path segment is exactly
 * "POOL-wake-" and an instance id), copied into id (at least 20 bytes).
 * 1 it is one, 0 it is not (a URL of another queue whose name only starts
 * the same way: nothing is written). */
int wakeq_id_of(const char *url, const char *pool, char *id);

/* The answer's NextToken, pointing into resp; NULL on the last page. */
const char *wakeq_next(const cJSON *resp);

/* A DeleteQueue body for the queue at url. NULL when out of memory. */
cJSON *wakeq_delete_body(const char *url);

#endif

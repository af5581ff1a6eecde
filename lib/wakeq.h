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

/* The URL of id's wake queue from known, the URL SQS gave for another wake
 * queue of the pool: the same scheme, host and account path, the last
 * segment "POOL-wake-ID". The SQS Developer Guide ("Amazon SQS queue and
 * message identifiers") shows a URL as https://sqs.REGION.amazonaws.com/
 * ACCOUNT/NAME and names a queue by the segment after the account; known is
 * taken from SQS's answer, never built from the region or account, so the
 * parts SQS chooses are SQS's own. A caller sends to it and asks
 * GetQueueUrl after all when SQS refuses it. 0, or -1 when known is no
 * wake queue URL of pool (nothing written) or out of memory. */
int wakeq_url(struct buf *out, const char *known, const char *pool, const char *id);

/* The answer's NextToken, pointing into resp; NULL on the last page. */
const char *wakeq_next(const cJSON *resp);

/* A DeleteQueue body for the queue at url. NULL when out of memory. */
cJSON *wakeq_delete_body(const char *url);

#endif

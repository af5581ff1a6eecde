/* sqs: the pool's queues over SQS's JSON protocol. */
#ifndef EC2RP_SQS_H
#define EC2RP_SQS_H

#include <cjson/cJSON.h>

#include "aws.h"

/* Sends op ("SendMessageBatch", ...); *out (may be NULL) gets the response. */
int sqs_call(struct aws *a, const char *op, const cJSON *body, cJSON **out, struct err *e);
/* The queue name of a class: "<pool>-<class>". */
int sqs_queue_name(struct buf *out, const char *pool, const char *rclass);
/* Sends op ("GetQueueUrl", "CreateQueue") for the class's queue, with attrs
 * (queue attributes, owned by the call from then on; NULL for none), and
 * sets url to the answer's QueueUrl. 0, or -1 with e (e->code names a
 * missing or an existing queue). */
int sqs_queue_op(struct aws *a, const char *op, const char *pool, const char *rclass, cJSON *attrs, struct buf *url,
    struct err *e);
/* 1 if e says the queue does not exist, in the JSON protocol's code or the
 * Query protocol's older one. */
int sqs_no_queue(const struct err *e);
/* The URL of the class's queue: sqs_queue_op's GetQueueUrl. */
int sqs_queue_url(struct aws *a, const char *pool, const char *rclass, struct buf *url, struct err *e);

#endif

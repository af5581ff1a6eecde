/* sqs: the pool's queues over SQS's JSON protocol. */
#ifndef EC2RP_SQS_H
#define EC2RP_SQS_H

#include <cjson/cJSON.h>

#include "aws.h"

/* Sends op ("SendMessageBatch", ...); *out (may be NULL) gets the response. */
int sqs_call(struct aws *a, const char *op, const cJSON *body, cJSON **out, struct err *e);
/* The queue name of a class: "<pool>-<class>". */
int sqs_queue_name(struct buf *out, const char *pool, const char *rclass);
/* The URL of the class's queue. 0, or -1 (e->code names a missing queue). */
int sqs_queue_url(struct aws *a, const char *pool, const char *rclass, struct buf *url, struct err *e);

#endif

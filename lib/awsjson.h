/* awsjson: the error document of the AWS JSON 1.0 protocol (DynamoDB, SQS). Pure. */
#ifndef EC2RP_AWSJSON_H
#define EC2RP_AWSJSON_H

#include <stddef.h>

/* Fills code (the part of __type after '#', e.g.
 * "ConditionalCheckFailedException") and msg from an error body; for SQS,
 * query_error (the x-amzn-query-error header, may be NULL) gives the legacy
 * code when the body has none. Returns 0 if a code was found, else -1 (code
 * and msg then describe the raw body). */
int awsjson_error(const char *body, size_t n, const char *query_error,
    char *code, size_t codesz, char *msg, size_t msgsz);

#endif

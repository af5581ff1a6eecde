/* sqsbatch: reading the answer of an SQS batch call (SendMessageBatch,
 * DeleteMessageBatch): which entries went through and why the others did
 * not. A batch call can succeed as a whole while some entries fail. Pure. */
#ifndef EC2RP_SQSBATCH_H
#define EC2RP_SQSBATCH_H

#include <cjson/cJSON.h>

#include "err.h"

/* The result of entry id in the answer resp (the parsed JSON; may be NULL).
 * 0: the entry is in "Successful"; *message_id (when message_id is not NULL)
 * is its MessageId or "" (DeleteMessageBatch has none), pointing into resp.
 * 1: the entry failed; e gets the class (ERR_PERMANENT when the answer says
 * SenderFault, else ERR_TEMPORARY: a fault on SQS's side may pass), the
 * service's code and one line naming the entry. An entry the answer does not
 * mention at all counts as failed too (ERR_PERMANENT). */
int sqsbatch_result(const cJSON *resp, const char *id, const char **message_id, struct err *e);

#endif

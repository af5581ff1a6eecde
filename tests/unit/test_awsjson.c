/* AWS JSON 1.0 error bodies (DynamoDB, SQS) and the retry mode's code lists. */
#include <string.h>

#include "awsjson.h"
#include "retry.h"
#include "t.h"

static void
check(const char *body, const char *hdr, int want_rc, const char *want_code, const char *want_msg,
    const char *name)
{
	char code[48] = "stale", msg[64] = "stale";

	t_inteq(awsjson_error(body, body ? strlen(body) : 0, hdr, code, sizeof(code), msg, sizeof(msg)),
	    want_rc, "%s: result", name);
	t_streq(code, want_code, "%s: code", name);
	t_streq(msg, want_msg, "%s: message", name);
}

static void
test_bodies(void)
{
	check("{\"__type\":\"com.amazonaws.dynamodb.v20120810#ResourceNotFoundException\","
	    "\"message\":\"Requested resource not found\"}", NULL, 0, "ResourceNotFoundException",
	    "Requested resource not found", "DynamoDB");
	check("{\"__type\":\"com.amazon.coral.validate#ValidationException\",\"Message\":\"bad key\"}", NULL, 0,
	    "ValidationException", "bad key", "capital Message");
	check("{\"__type\":\"ThrottlingException\",\"message\":\"slow\"}", NULL, 0, "ThrottlingException", "slow",
	    "no '#' at all");
	check("{\"__type\":\"a#b#SlowDown\"}", NULL, 0, "SlowDown", "", "the last '#' counts; no message");
	check("{\"__type\":\"InvalidSignatureException:http://internal.amazon.com/coral/x/\"}", NULL, 0,
	    "InvalidSignatureException", "", "':' suffix dropped");
	check("{\"code\":\"AccessDeniedException\",\"message\":\"no\"}", NULL, 0, "AccessDeniedException", "no",
	    "'code' when there is no __type");
	check("{\"__type\":\"com.amazonaws.sqs#QueueDoesNotExist\",\"message\":\"gone\"}",
	    "AWS.SimpleQueueService.NonExistentQueue;Sender", 0, "AWS.SimpleQueueService.NonExistentQueue",
	    "gone", "SQS header code wins");
	check("{\"__type\":\"com.amazonaws.sqs#QueueDoesNotExist\"}", ";Sender", 0, "QueueDoesNotExist", "",
	    "an empty header code falls back to __type");
	check("{\"__type\":\"com.amazonaws.sqs#QueueDoesNotExist\"}", "", 0, "QueueDoesNotExist", "",
	    "an empty header is ignored");
	check("{\"__type\":\"x#\"}", NULL, -1, "", "", "nothing after '#'");
	check("{\"__type\":17,\"message\":[1]}", NULL, -1, "", "", "wrong JSON types ignored");
	check("{}", NULL, -1, "", "", "empty object");
	check("[\"__type\"]", NULL, -1, "", "", "an array");
	check("", NULL, -1, "", "", "empty body");
	check(NULL, NULL, -1, "", "", "no body");
	check("Service Unavailable\r\n", NULL, -1, "", "Service Unavailable  ", "plain text kept, one line");
	check("{\"__type\":\"com.amazonaws.dynamodb.v20120810#ConditionalCheckFailedException\","
	    "\"message\":\"The conditional request failed and this message is longer than the buffer\"}",
	    NULL, 0, "ConditionalCheckFailedException",
	    "The conditional request failed and this message is longer than ", "message truncated");
	check("{\"__type\":\"com.amazonaws.dynamodb.v20120810#AVeryLongExceptionNameThatGoesOnAndOnAndOn\"}", NULL,
	    0, "AVeryLongExceptionNameThatGoesOnAndOnAndOn", "", "code that fits exactly");
}

static void
test_codes(void)
{
	/* The standard retry mode's throttling list, as the brief gives it. */
	static const char *const throttling[] = { "Throttling", "ThrottlingException", "ThrottledException",
		"RequestThrottledException", "TooManyRequestsException", "ProvisionedThroughputExceededException",
		"TransactionInProgressException", "RequestLimitExceeded", "BandwidthLimitExceeded",
		"LimitExceededException", "RequestThrottled", "SlowDown", "PriorRequestNotComplete",
		"EC2ThrottledException", NULL };
	static const char *const transient[] = { "RequestTimeout", "RequestTimeoutException", "InternalError",
		"ServiceUnavailable", NULL };
	static const char *const neither[] = { "", "ConditionalCheckFailedException", "ValidationException",
		"AccessDeniedException", "UnauthorizedOperation", "InvalidInstanceID.NotFound",
		"throttling", "ThrottlingExceptionX", "Throttl", NULL };
	int i;

	for (i = 0; throttling[i]; i++)
		t_ok(retry_throttling_code(throttling[i]), "throttling: %s", throttling[i]);
	for (i = 0; transient[i]; i++)
		t_ok(retry_transient_code(transient[i]) && !retry_throttling_code(transient[i]),
		    "transient: %s", transient[i]);
	for (i = 0; neither[i]; i++)
		t_ok(!retry_throttling_code(neither[i]) && !retry_transient_code(neither[i]),
		    "neither: '%s'", neither[i]);
}

int
main(void)
{
	test_bodies();
	test_codes();
	return t_done();
}

/* The small pure modules: retry decisions, JSON 1.0 errors, dates, ini
 * files, endpoints. */
#include <stdlib.h>
#include <string.h>

#include "awsjson.h"
#include "endpoint.h"
#include "ini.h"
#include "isotime.h"
#include "retry.h"
#include "t.h"

static void
test_retry(void)
{
	int n = 0;
	long d, max = 0;
	int i;

	t_ok(retry_max_attempts(NULL, &n) == 0 && n == 3, "default 3 attempts");
	t_ok(retry_max_attempts("5", &n) == 0 && n == 5, "AWS_MAX_ATTEMPTS=5");
	t_ok(retry_max_attempts("0", &n) == -1, "0 attempts refused");
	t_ok(retry_max_attempts("21", &n) == -1, "21 attempts refused");
	t_ok(retry_max_attempts("3x", &n) == -1, "non-number refused");
	t_ok(retry_max_attempts("-1", &n) == -1, "negative refused");
	t_inteq(retry_classify(400, "ThrottlingException"), RETRY_THROTTLE, "DynamoDB throttling");
	t_inteq(retry_classify(400, "ProvisionedThroughputExceededException"), RETRY_THROTTLE, "throughput");
	t_inteq(retry_classify(503, "RequestLimitExceeded"), RETRY_THROTTLE, "EC2 throttling");
	t_inteq(retry_classify(429, ""), RETRY_THROTTLE, "HTTP 429");
	t_inteq(retry_classify(500, "InternalError"), RETRY_TRANSIENT, "500");
	t_inteq(retry_classify(503, ""), RETRY_TRANSIENT, "503");
	t_inteq(retry_classify(0, ""), RETRY_TRANSIENT, "transport error");
	t_inteq(retry_classify(400, "ConditionalCheckFailedException"), RETRY_NO, "failed condition never retried");
	t_inteq(retry_classify(400, "ValidationException"), RETRY_NO, "validation never retried");
	t_inteq(retry_classify(403, "AccessDeniedException"), RETRY_NO, "access denied never retried");
	t_ok(retry_skew_code("RequestTimeTooSkewed") && retry_skew_code("InvalidSignatureException"),
	    "skew codes known");
	t_ok(!retry_skew_code("ThrottlingException"), "throttling is not skew");
	for (i = 1; i < 20; i++) {
		d = retry_delay_ms(i, RETRY_TRANSIENT, 0.999);
		if (d > max)
			max = d;
	}
	t_ok(max <= 20000 && max > 10000, "delay capped at 20 s (max %ld)", max);
	t_inteq(retry_delay_ms(1, RETRY_TRANSIENT, 0.5), 50, "first transient delay is jitter of 100 ms");
	t_inteq(retry_delay_ms(1, RETRY_THROTTLE, 0.5), 250, "first throttle delay is jitter of 500 ms");
	t_inteq(retry_delay_ms(3, RETRY_TRANSIENT, 0.5), 200, "grows exponentially");
	t_inteq(retry_delay_ms(3, RETRY_TRANSIENT, 0.0), 0, "full jitter reaches zero");
}

static void
test_awsjson(void)
{
	char code[64], msg[128];
	const char *ddb = "{\"__type\":\"com.amazonaws.dynamodb.v20120810#ConditionalCheckFailedException\","
	    "\"message\":\"The conditional request failed\"}";
	const char *sqs = "{\"__type\":\"com.amazonaws.sqs#QueueDoesNotExist\",\"message\":\"no queue\"}";

	t_ok(awsjson_error(ddb, strlen(ddb), NULL, code, sizeof(code), msg, sizeof(msg)) == 0, "DynamoDB error");
	t_streq(code, "ConditionalCheckFailedException", "code after '#'");
	t_streq(msg, "The conditional request failed", "message");
	awsjson_error(sqs, strlen(sqs), NULL, code, sizeof(code), msg, sizeof(msg));
	t_streq(code, "QueueDoesNotExist", "SQS JSON code");
	awsjson_error(sqs, strlen(sqs), "AWS.SimpleQueueService.NonExistentQueue;Sender", code, sizeof(code),
	    msg, sizeof(msg));
	t_streq(code, "AWS.SimpleQueueService.NonExistentQueue", "query-compatible header wins");
	t_ok(awsjson_error("<html>oops</html>", 17, NULL, code, sizeof(code), msg, sizeof(msg)) == -1,
	    "non-JSON body: no code");
	t_streq(msg, "<html>oops</html>", "non-JSON body kept as message");
	t_ok(awsjson_error("{\"Message\":\"a\\nb\"}", 18, NULL, code, sizeof(code), msg, sizeof(msg)) == -1 &&
	    strcmp(msg, "a b") == 0, "message kept on one line");
	t_ok(awsjson_error(NULL, 0, NULL, code, sizeof(code), msg, sizeof(msg)) == -1, "no body");
}

static void
test_isotime(void)
{
	long long t;

	t_ok(isotime_parse("2015-08-30T12:36:00Z", &t) == 0 && t == 1440938160, "ISO 8601 Z");
	t_ok(isotime_parse("2015-08-30T12:36:00.123Z", &t) == 0 && t == 1440938160, "fraction ignored");
	t_ok(isotime_parse("2015-08-30T14:36:00+02:00", &t) == 0 && t == 1440938160, "offset applied");
	t_ok(isotime_parse("2000-02-29T00:00:00Z", &t) == 0 && t == 951782400, "leap day");
	t_ok(isotime_parse("2015-13-30T12:36:00Z", &t) == -1, "month 13 refused");
	t_ok(isotime_parse("2015-08-30T12:36:00", &t) == -1, "no zone refused");
	t_ok(isotime_parse("2015-08-30T12:36:00Zjunk", &t) == -1, "trailing junk refused");
	t_ok(isotime_parse("", &t) == -1, "empty refused");
	t_ok(isotime_parse_http("Sun, 06 Nov 1994 08:49:37 GMT", &t) == 0 && t == 784111777, "HTTP date");
	t_ok(isotime_parse_http("Sun, 06 Foo 1994 08:49:37 GMT", &t) == -1, "bad month refused");
	t_ok(isotime_parse_http("06 Nov 1994 08:49:37 GMT", &t) == -1, "no day name refused");
}

static void
test_ini(void)
{
	const char *text = "# comment\n[default]\naws_access_key_id = AKID1\n; x = y\n"
	    "[profile dev]\r\nregion=eu-west-1 \r\n  aws_access_key_id=AKID2\n[default]\naws_access_key_id=AKID3\n";
	struct buf b = BUF_INIT;

	t_ok(ini_get(text, "default", "aws_access_key_id", &b) == 1, "key found");
	t_streq(b.p, "AKID3", "later duplicate wins");
	t_ok(ini_get(text, "profile dev", "region", &b) == 1, "profile section");
	t_streq(b.p, "eu-west-1", "value trimmed (CRLF too)");
	t_ok(ini_get(text, "profile dev", "aws_access_key_id", &b) == 1 && strcmp(b.p, "AKID2") == 0,
	    "indented key");
	t_ok(ini_get(text, "profile none", "region", &b) == 0, "missing section");
	t_ok(ini_get(text, "default", "x", &b) == 0, "commented key ignored");
	buf_free(&b);
}

static void
test_endpoint(void)
{
	struct buf u = BUF_INIT, h = BUF_INIT, p = BUF_INIT;
	struct err e;

	unsetenv("AWS_ENDPOINT_URL");
	unsetenv("AWS_ENDPOINT_URL_DYNAMODB");
	t_ok(endpoint_url(&u, "dynamodb", "eu-west-1", &e) == 0, "regional default");
	t_streq(u.p, "https://dynamodb.eu-west-1.amazonaws.com/", "regional URL");
	endpoint_url(&u, "ec2", "cn-north-1", &e);
	t_streq(u.p, "https://ec2.cn-north-1.amazonaws.com.cn/", "China partition");
	endpoint_url(&u, "iam", "eu-west-1", &e);
	t_streq(u.p, "https://iam.amazonaws.com/", "IAM: one global endpoint");
	endpoint_url(&u, "iam", "cn-northwest-1", &e);
	t_streq(u.p, "https://iam.cn-north-1.amazonaws.com.cn/", "IAM in China: its partition's");
	t_streq(endpoint_sign_region("iam", "eu-west-1"), "us-east-1", "IAM signs for us-east-1");
	t_streq(endpoint_sign_region("iam", "cn-northwest-1"), "cn-north-1", "in China for cn-north-1");
	t_streq(endpoint_sign_region("ec2", "eu-west-1"), "eu-west-1", "others for their region");
	setenv("AWS_ENDPOINT_URL", "https://127.0.0.1:4566", 1);
	endpoint_url(&u, "sqs", "us-east-1", &e);
	t_streq(u.p, "https://127.0.0.1:4566", "AWS_ENDPOINT_URL");
	setenv("AWS_ENDPOINT_URL_DYNAMODB", "http://localhost:8000/ddb", 1);
	endpoint_url(&u, "dynamodb", "us-east-1", &e);
	t_streq(u.p, "http://localhost:8000/ddb", "service-specific endpoint wins");
	setenv("AWS_ENDPOINT_URL_DYNAMODB", "ftp://x", 1);
	t_ok(endpoint_url(&u, "dynamodb", "us-east-1", &e) == -1 && e.cls == ERR_INPUT &&
	    strstr(e.msg, "AWS_ENDPOINT_URL_DYNAMODB") != NULL, "bad endpoint named in the error");
	unsetenv("AWS_ENDPOINT_URL_DYNAMODB");
	t_ok(endpoint_split("https://127.0.0.1:4566/a/b", &h, &p) == 0, "split");
	t_streq(h.p, "127.0.0.1:4566", "host keeps a non-default port");
	t_streq(p.p, "/a/b", "path");
	endpoint_split("https://sqs.us-east-1.amazonaws.com:443", &h, &p);
	t_streq(h.p, "sqs.us-east-1.amazonaws.com", "default port left out");
	t_streq(p.p, "/", "path defaults to /");
	t_ok(endpoint_split("https://user@host/", &h, &p) == -1, "userinfo refused");
	t_ok(endpoint_valid_region("us-east-1") && endpoint_valid_region("cn-northwest-1"), "regions valid");
	t_ok(!endpoint_valid_region("us east 1") && !endpoint_valid_region("x") &&
	    !endpoint_valid_region("US-EAST-1") && !endpoint_valid_region("us-east-1;rm"), "bad regions refused");
	setenv("AWS_REGION", "not a region", 1);
	t_ok(endpoint_region(&u, NULL, &e) == -1 && e.cls == ERR_INPUT, "bad AWS_REGION refused");
	unsetenv("AWS_REGION");
	unsetenv("AWS_DEFAULT_REGION");
	t_ok(endpoint_region(&u, "eu-central-1", &e) == 0 && strcmp(u.p, "eu-central-1") == 0,
	    "profile region as last resort");
	t_ok(endpoint_region(&u, NULL, &e) == -1, "no region at all refused");
	buf_free(&u);
	buf_free(&h);
	buf_free(&p);
}

int
main(void)
{
	test_retry();
	test_awsjson();
	test_isotime();
	test_ini();
	test_endpoint();
	return t_done();
}

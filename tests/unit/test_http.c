/* The HTTP layer and everything that sits on it, against a scripted server
 * forked from this test on 127.0.0.1: one connection for many requests,
 * the headers we keep, timeouts, the retry loop of aws.c (503 retried, 400
 * not, throttling, attempts, transport errors), clock-skew correction,
 * credentials refreshed before they expire, IMDSv2 tokens, container and
 * web-identity credentials. */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "aws.h"
#include "clock.h"
#include "creds.h"
#include "ddb.h"
#include "ec2.h"
#include "github.h"
#include "http.h"
#include "state.h"
#include "t.h"
#include "whoami.h"

/* One scripted answer. */
struct reply {
	const char *status;  /* "200 OK" */
	const char *headers; /* extra header lines, each ending in \r\n */
	const char *body;
	int delay_ms;        /* wait before answering */
};

static char logpath[64];
/* The metadata session of test_imds, still good in test_remote_creds. */
static struct imds md;
static char base[64];   /* http://127.0.0.1:PORT */
static pid_t server = -1;

/* Reads one request head and body; 0, or -1 when the client closed. */
static int
read_request(int c, int log)
{
	char head[16384], *cl;
	size_t n = 0;
	long len = 0;

	while (n + 1 < sizeof(head)) {
		if (read(c, head + n, 1) != 1)
			return -1;
		n++;
		if (n >= 4 && memcmp(head + n - 4, "\r\n\r\n", 4) == 0)
			break;
	}
	head[n] = '\0';
	for (cl = head; (cl = strchr(cl, '\n')) != NULL; cl++)
		if (strncasecmp(cl + 1, "content-length:", 15) == 0)
			len = strtol(cl + 16, NULL, 10);
	if (write(log, head, n) < 0)
		return -1;
	while (len > 0) {
		char chunk[4096];
		ssize_t got = read(c, chunk, len < (long)sizeof(chunk) ? (size_t)len : sizeof(chunk));

		if (got <= 0)
			return -1;
		if (write(log, chunk, (size_t)got) < 0)
			return -1;
		len -= got;
	}
	return write(log, "\n--\n", 4) < 0 ? -1 : 0;
}

/* The child: answers requests from the script in order, on any connection;
 * logs "CONN" for each connection and every request in full. */
static void
serve(int ls, const struct reply *script, int n)
{
	int log = -1, i = 0;
	FILE *f = fopen(logpath, "w");

	signal(SIGPIPE, SIG_IGN);
	if (f)
		log = dup(fileno(f));
	for (;;) {
		int c = accept(ls, NULL, NULL);

		if (c < 0)
			_exit(1);
		if (write(log, "CONN\n", 5) < 0)
			_exit(1);
		while (read_request(c, log) == 0) {
			struct reply r = { "500 Internal Server Error", "", "script exhausted", 0 };
			char out[8192];
			int len;

			if (i < n)
				r = script[i++];
			if (r.delay_ms)
				usleep((useconds_t)r.delay_ms * 1000);
			len = snprintf(out, sizeof(out), "HTTP/1.1 %s\r\n%sContent-Length: %zu\r\n\r\n%s", r.status,
			    r.headers, strlen(r.body), r.body);
			if (write(c, out, (size_t)len) != len)
				break;
		}
		close(c);
	}
}

static void
start(const struct reply *script, int n)
{
	struct sockaddr_in sa;
	socklen_t sl = sizeof(sa);
	int ls = socket(AF_INET, SOCK_STREAM, 0);

	memset(&sa, 0, sizeof(sa));
	sa.sin_family = AF_INET;
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (ls < 0 || bind(ls, (struct sockaddr *)&sa, sizeof(sa)) || listen(ls, 8) ||
	    getsockname(ls, (struct sockaddr *)&sa, &sl)) {
		perror("listen");
		exit(1);
	}
	snprintf(base, sizeof(base), "http://127.0.0.1:%d", ntohs(sa.sin_port));
	fflush(stdout);
	server = fork();
	if (server == 0)
		serve(ls, script, n);
	close(ls);
}

/* Stops the server and returns what it logged (free it). */
static char *
stop(void)
{
	char *log;

	if (server > 0) {
		kill(server, SIGTERM);
		waitpid(server, NULL, 0);
		server = -1;
	}
	log = t_slurp(logpath, NULL);
	return log ? log : calloc(1, 1);
}

static int
count(const char *hay, const char *needle)
{
	int n = 0;

	for (; (hay = strstr(hay, needle)) != NULL; hay += strlen(needle))
		n++;
	return n;
}

/* A port nothing listens on. */
static int
closed_port(void)
{
	struct sockaddr_in sa;
	socklen_t sl = sizeof(sa);
	int s = socket(AF_INET, SOCK_STREAM, 0), port;

	memset(&sa, 0, sizeof(sa));
	sa.sin_family = AF_INET;
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	bind(s, (struct sockaddr *)&sa, sizeof(sa));
	getsockname(s, (struct sockaddr *)&sa, &sl);
	port = ntohs(sa.sin_port);
	close(s);
	return port;
}

static void
test_keepalive(void)
{
	static const struct reply script[] = {
		{ "200 OK",
		    "Date: Tue, 14 Nov 2023 22:13:20 GMT\r\nx-amzn-RequestId: req-1\r\n"
		    "X-Amzn-Query-Error: AWS.SimpleQueueService.NonExistentQueue;Sender\r\n"
		    "Content-Type: application/x-amz-json-1.0\r\nX-Other: ignored\r\n",
		    "{\"a\":1}", 0 },
		{ "503 Service Unavailable", "Retry-After: 7\r\nLink: <https://x/?page=2>; rel=\"next\"\r\n"
		    "x-ratelimit-remaining: 4999\r\nX-RateLimit-Reset: 1700000000\r\n", "busy", 0 },
		{ "200 OK", "x-amz-request-id: req-3\r\n", "", 0 },
	};
	const char *hdrs[] = { "X-Test: one", NULL };
	struct http_response r = { 0 };
	struct http h;
	struct err e;
	char url[128], *log;
	int ok;

	start(script, 3);
	http_init(&h, &e);
	snprintf(url, sizeof(url), "%s/first", base);
	ok = http_request(&h, "POST", url, hdrs, "hello", 5, &r, &e) == 0;
	t_ok(ok && r.status == 200, "POST answered 200");
	t_streq(r.body.p, "{\"a\":1}", "body");
	t_streq(r.date, "Tue, 14 Nov 2023 22:13:20 GMT", "Date kept");
	t_streq(r.request_id, "req-1", "x-amzn-RequestId kept (any case)");
	t_streq(r.query_error, "AWS.SimpleQueueService.NonExistentQueue;Sender", "x-amzn-query-error kept");
	t_streq(r.content_type, "application/x-amz-json-1.0", "content-type kept");

	snprintf(url, sizeof(url), "%s/second", base);
	t_ok(http_request(&h, "GET", url, NULL, NULL, 0, &r, &e) == 0 && r.status == 503,
	    "a 503 is a response, not an error: no retry in this layer");
	t_streq(r.retry_after, "7", "Retry-After kept");
	t_streq(r.link, "<https://x/?page=2>; rel=\"next\"", "Link kept");
	t_streq(r.ratelimit_remaining, "4999", "x-ratelimit-remaining kept");
	t_streq(r.ratelimit_reset, "1700000000", "x-ratelimit-reset kept");
	t_streq(r.date, "", "headers of the previous response are cleared");
	t_streq(r.body.p, "busy", "body replaced, not appended");

	snprintf(url, sizeof(url), "%s/third", base);
	http_request(&h, "PUT", url, NULL, "", 0, &r, &e);
	t_streq(r.request_id, "req-3", "x-amz-request-id kept");
	t_inteq(h.requests, 3, "three requests counted");
	t_inteq(h.connects, 1, "one connection made for three requests");
	log = stop();
	t_inteq(count(log, "CONN\n"), 1, "the server saw one connection");
	t_ok(strstr(log, "POST /first HTTP/1.1\r\n") && strstr(log, "GET /second HTTP/1.1\r\n") &&
	    strstr(log, "PUT /third HTTP/1.1\r\n"), "methods and paths as asked");
	t_ok(strstr(log, "X-Test: one\r\n") != NULL, "caller's header sent");
	t_ok(strstr(log, "\r\n\r\nhello\n--") != NULL, "POST body sent");
	t_ok(strstr(log, "Expect:") == NULL, "no Expect: 100-continue round trip");
	t_ok(strstr(log, "User-Agent: ec2-runner-pool/") != NULL, "our User-Agent");
	free(log);
	http_response_free(&r);
	http_free(&h);
}

static void
test_failures(void)
{
	static const struct reply slow[] = { { "200 OK", "", "late", 1500 } };
	struct http_response r = { 0 };
	struct http h;
	struct err e;
	char url[160];
	long long t0;

	http_init(&h, &e);
	h.timeout_ms = 200;
	start(slow, 1);
	snprintf(url, sizeof(url), "%s/path?X-Amz-Security-Token=SECRETTOKEN", base);
	t0 = clock_now_ms();
	t_ok(http_request(&h, "GET", url, NULL, NULL, 0, &r, &e) == -1, "a slow answer times out");
	t_ok(clock_now_ms() - t0 < 1200, "within the total timeout (%lld ms)", clock_now_ms() - t0);
	t_inteq(e.cls, ERR_TEMPORARY, "a timeout is temporary");
	t_inteq(r.status, 0, "no status");
	t_ok(strstr(e.msg, "SECRETTOKEN") == NULL && strstr(e.msg, "/path") == NULL,
	    "the message has no URL path or query: %s", e.msg);
	free(stop());

	snprintf(url, sizeof(url), "http://127.0.0.1:%d/p?token=SECRETTOKEN", closed_port());
	t_ok(http_request(&h, "GET", url, NULL, NULL, 0, &r, &e) == -1 && e.cls == ERR_TEMPORARY,
	    "connection refused is temporary");
	t_ok(strstr(e.msg, "SECRETTOKEN") == NULL, "no secret in: %s", e.msg);
	t_ok(http_request(&h, "GET", "ftp://127.0.0.1/x", NULL, NULL, 0, &r, &e) == -1 && e.cls == ERR_PERMANENT,
	    "a protocol other than http(s) is refused for good");
	http_response_free(&r);
	http_free(&h);
}

/* aws.c with a controlled clock and a recorded sleep. */
static long long fake_now = 1700000000;
static long slept[16];
static int nslept;

static long long
fake_clock(void)
{
	return fake_now;
}

static void
fake_sleep(long ms)
{
	if (nslept < 16)
		slept[nslept] = ms;
	nslept++;
}

static int
client(struct aws *a, const char *service, struct err *e)
{
	setenv("AWS_ENDPOINT_URL", base, 1);
	nslept = 0;
	if (aws_init(a, service, e))
		return -1;
	a->clock = fake_clock;
	a->sleep_ms = fake_sleep;
	return 0;
}

static void
aws_env(void)
{
	static const char *const vars[] = { "AWS_ENDPOINT_URL_DYNAMODB", "AWS_ENDPOINT_URL_SQS",
		"AWS_ENDPOINT_URL_EC2", "AWS_ENDPOINT_URL_STS", "AWS_SESSION_TOKEN", "AWS_PROFILE",
		"AWS_WEB_IDENTITY_TOKEN_FILE", "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI",
		"AWS_CONTAINER_CREDENTIALS_FULL_URI", "AWS_MAX_ATTEMPTS", NULL };
	int i;

	for (i = 0; vars[i]; i++)
		unsetenv(vars[i]);
	setenv("AWS_REGION", "us-east-1", 1);
	setenv("AWS_ACCESS_KEY_ID", "AKIDTEST", 1);
	setenv("AWS_SECRET_ACCESS_KEY", "secrettest", 1);
	setenv("AWS_EC2_METADATA_DISABLED", "true", 1);
	setenv("AWS_SHARED_CREDENTIALS_FILE", "/nonexistent", 1);
	setenv("AWS_CONFIG_FILE", "/nonexistent", 1);
}

#define UNAVAILABLE { "503 Service Unavailable", "", "{\"__type\":\"ServiceUnavailable\",\"message\":\"busy\"}", 0 }

static void
test_aws_retries(void)
{
	static const struct reply three503[] = { UNAVAILABLE, UNAVAILABLE, UNAVAILABLE };
	static const struct reply then_ok[] = { UNAVAILABLE, { "200 OK", "", "{\"TableNames\":[]}", 0 } };
	static const struct reply refused[] = { { "400 Bad Request", "",
		"{\"__type\":\"com.amazonaws.dynamodb.v20120810#ConditionalCheckFailedException\","
		"\"message\":\"The conditional request failed\"}", 0 } };
	static const struct reply throttled[] = {
		{ "400 Bad Request", "", "{\"__type\":\"com.amazonaws.dynamodb.v20120810#ThrottlingException\"}", 0 },
		{ "200 OK", "", "{}", 0 } };
	static const struct reply validation[] = { { "400 Bad Request", "",
		"{\"__type\":\"com.amazon.coral.validate#ValidationException\",\"message\":\"bad key\"}", 0 } };
	struct buf resp = BUF_INIT;
	struct aws a;
	struct err e;
	char *log;

	aws_env();
	start(three503, 3);
	client(&a, "dynamodb", &e);
	t_ok(aws_json(&a, "DynamoDB_20120810.ListTables", "{}", &resp, &e) == -1, "503 three times fails");
	t_inteq(e.cls, ERR_TEMPORARY, "temporary after retries");
	t_inteq(e.status, 503, "status kept");
	t_ok(strstr(e.msg, "retries exhausted") != NULL, "message says retries ran out: %s", e.msg);
	t_inteq(a.attempts, 3, "three attempts (AWS_MAX_ATTEMPTS default)");
	t_inteq(a.retries, 2, "two retries");
	t_inteq(nslept, 2, "slept between attempts, not after the last");
	t_ok(slept[0] >= 0 && slept[0] < 100 && slept[1] >= 0 && slept[1] < 200,
	    "full jitter below 100 ms then 200 ms (%ld, %ld)", slept[0], slept[1]);
	t_inteq(a.http.connects, 1, "retries reuse the connection");
	aws_free(&a);
	log = stop();
	t_inteq(count(log, "POST / HTTP/1.1"), 3, "server saw three requests");
	t_inteq(count(log, "X-Amz-Target: DynamoDB_20120810.ListTables\r\n"), 3, "X-Amz-Target sent");
	t_inteq(count(log, "Content-Type: application/x-amz-json-1.0\r\n"), 3, "JSON 1.0 content type");
	t_ok(strstr(log, "Authorization: AWS4-HMAC-SHA256 Credential=AKIDTEST/20231114/us-east-1/dynamodb/"
	    "aws4_request, SignedHeaders=content-type;host;x-amz-date;x-amz-target, Signature=") != NULL,
	    "signed for the region and service");
	t_ok(strstr(log, "X-Amz-Date: 20231114T221320Z\r\n") != NULL, "signed with the client's clock");
	t_ok(strstr(log, "secrettest") == NULL, "the secret key never travels");
	free(log);

	start(then_ok, 2);
	client(&a, "dynamodb", &e);
	t_ok(aws_json(&a, "DynamoDB_20120810.ListTables", "{}", &resp, &e) == 0, "503 then 200 succeeds");
	t_streq(resp.p, "{\"TableNames\":[]}", "body of the good answer");
	t_inteq(a.attempts, 2, "two attempts");
	aws_free(&a);
	free(stop());

	start(refused, 1);
	client(&a, "dynamodb", &e);
	t_ok(aws_json(&a, "DynamoDB_20120810.PutItem", "{}", &resp, &e) == -1, "failed condition fails");
	t_inteq(e.cls, ERR_PERMANENT, "a refusal is permanent");
	t_streq(e.code, "ConditionalCheckFailedException", "code without the namespace");
	t_inteq(e.status, 400, "status 400");
	t_ok(strstr(e.msg, "The conditional request failed") != NULL, "message kept: %s", e.msg);
	t_inteq(a.attempts, 1, "never retried");
	t_inteq(nslept, 0, "no sleep");
	aws_free(&a);
	free(stop());

	start(validation, 1);
	client(&a, "dynamodb", &e);
	t_ok(aws_json(&a, "DynamoDB_20120810.GetItem", "{}", &resp, &e) == -1 && e.cls == ERR_PERMANENT &&
	    strcmp(e.code, "ValidationException") == 0 && a.attempts == 1, "validation error: one attempt");
	aws_free(&a);
	free(stop());

	start(throttled, 2);
	client(&a, "dynamodb", &e);
	t_ok(aws_json(&a, "DynamoDB_20120810.GetItem", "{}", &resp, &e) == 0, "throttled then served");
	t_ok(nslept == 1 && slept[0] >= 0 && slept[0] < 500, "throttling backs off from 500 ms (%ld)", slept[0]);
	aws_free(&a);
	free(stop());

	setenv("AWS_MAX_ATTEMPTS", "1", 1);
	start(three503, 3);
	client(&a, "sqs", &e);
	t_ok(aws_json(&a, "AmazonSQS.ListQueues", "{}", &resp, &e) == -1 && e.cls == ERR_TEMPORARY &&
	    a.attempts == 1 && nslept == 0, "AWS_MAX_ATTEMPTS=1: no retry");
	aws_free(&a);
	log = stop();
	t_ok(strstr(log, "X-Amz-Target: AmazonSQS.ListQueues\r\n") && strstr(log, "/sqs/aws4_request"),
	    "SQS JSON protocol: target and signing name");
	free(log);

	setenv("AWS_MAX_ATTEMPTS", "many", 1);
	t_ok(aws_init(&a, "sqs", &e) == -1 && e.cls == ERR_INPUT, "malformed AWS_MAX_ATTEMPTS refused");
	aws_free(&a);
	unsetenv("AWS_MAX_ATTEMPTS");

	/* Nothing listens: transport errors are retried, then temporary. */
	snprintf(base, sizeof(base), "http://127.0.0.1:%d", closed_port());
	client(&a, "dynamodb", &e);
	t_ok(aws_json(&a, "DynamoDB_20120810.GetItem", "{}", &resp, &e) == -1 && e.cls == ERR_TEMPORARY,
	    "unreachable endpoint: temporary");
	t_ok(a.attempts == 3 && nslept == 2, "transport errors retried (%ld attempts)", a.attempts);
	t_ok(strstr(e.msg, "after 3 attempts") != NULL, "message counts attempts: %s", e.msg);
	aws_free(&a);
	buf_free(&resp);
}

static void
test_aws_query(void)
{
	static const struct reply script[] = {
		{ "503 Service Unavailable", "", "<Response><Errors><Error><Code>RequestLimitExceeded</Code>"
		    "<Message>slow down</Message></Error></Errors><RequestID>r1</RequestID></Response>", 0 },
		{ "200 OK", "", "<DescribeInstancesResponse xmlns=\"http://ec2.amazonaws.com/doc/2016-11-15/\">"
		    "<requestId>r2</requestId><reservationSet/></DescribeInstancesResponse>", 0 },
		{ "400 Bad Request", "", "<Response><Errors><Error><Code>InvalidParameterValue</Code>"
		    "<Message>bad &amp; worse</Message></Error></Errors><RequestID>r3</RequestID></Response>", 0 },
		{ "500 Internal Server Error", "", "<html>not xml", 0 },
		{ "500 Internal Server Error", "", "<html>not xml", 0 },
		{ "500 Internal Server Error", "", "<html>not xml", 0 },
	};
	struct xml *doc = NULL;
	struct aws a;
	struct err e;
	char *log;

	aws_env();
	start(script, 6);
	client(&a, "ec2", &e);
	t_ok(aws_query(&a, "Action=DescribeInstances&Version=2016-11-15", &doc, &e) == 0,
	    "EC2 throttling (RequestLimitExceeded) retried, then parsed");
	t_ok(nslept == 1 && slept[0] < 500, "with the throttling backoff (%ld)", slept[0]);
	t_streq(xml_text(doc, "requestId"), "r2", "XML document returned");
	xml_free(doc);
	t_ok(aws_query(&a, "Action=RunInstances&Version=2016-11-15", &doc, &e) == -1 && doc == NULL,
	    "EC2 refusal fails");
	t_ok(e.cls == ERR_PERMANENT && strcmp(e.code, "InvalidParameterValue") == 0, "code from Response/Errors");
	t_ok(strstr(e.msg, "bad & worse") != NULL, "message decoded: %s", e.msg);
	t_ok(aws_query(&a, "Action=DescribeInstances&Version=2016-11-15", &doc, &e) == -1 &&
	    e.cls == ERR_TEMPORARY, "500 with garbage: retried, then temporary");
	aws_free(&a);
	log = stop();
	t_ok(strstr(log, "Content-Type: application/x-www-form-urlencoded; charset=utf-8\r\n") != NULL,
	    "form-encoded body");
	t_ok(strstr(log, "/ec2/aws4_request") != NULL && strstr(log, "X-Amz-Target") == NULL,
	    "signed for ec2, no X-Amz-Target");
	t_ok(strstr(log, "\r\n\r\nAction=RunInstances&Version=2016-11-15\n") != NULL, "body sent as given");
	free(log);
}

static void
test_skew(void)
{
	/* Our clock says 22:13:20; the service says 23:13:20. */
	static const struct reply script[] = {
		{ "400 Bad Request", "Date: Tue, 14 Nov 2023 23:13:20 GMT\r\n",
		    "{\"__type\":\"com.amazon.coral.service#InvalidSignatureException\","
		    "\"message\":\"Signature expired: 20231114T221320Z is now earlier than 20231114T230820Z\"}", 0 },
		{ "200 OK", "Date: Tue, 14 Nov 2023 23:13:21 GMT\r\n", "{}", 0 },
		{ "200 OK", "", "{}", 0 },
	};
	static const struct reply twice[] = {
		{ "400 Bad Request", "Date: Tue, 14 Nov 2023 23:13:20 GMT\r\n",
		    "{\"__type\":\"InvalidSignatureException\",\"message\":\"Signature expired\"}", 0 },
		{ "400 Bad Request", "Date: Tue, 14 Nov 2023 23:13:20 GMT\r\n",
		    "{\"__type\":\"InvalidSignatureException\",\"message\":\"Signature expired\"}", 0 },
	};
	struct buf resp = BUF_INIT;
	struct aws a;
	struct err e;
	char *log, *second;

	aws_env();
	start(script, 3);
	client(&a, "dynamodb", &e);
	t_ok(aws_json(&a, "DynamoDB_20120810.GetItem", "{}", &resp, &e) == 0, "skewed clock corrected");
	t_inteq(a.attempts, 2, "one extra attempt");
	t_inteq(a.skew, 3601, "offset learnt from Date");
	aws_json(&a, "DynamoDB_20120810.GetItem", "{}", &resp, &e);
	aws_free(&a);
	log = stop();
	second = strstr(log, "--\n");
	t_ok(strstr(log, "X-Amz-Date: 20231114T221320Z\r\n") != NULL, "first signed with our clock");
	t_ok(second && strstr(second, "X-Amz-Date: 20231114T231320Z\r\n") != NULL,
	    "retry re-signed with the service's time");
	t_ok(strstr(log, "X-Amz-Date: 20231114T231321Z\r\n") != NULL, "later calls keep the correction");
	free(log);

	start(twice, 2);
	client(&a, "dynamodb", &e);
	t_ok(aws_json(&a, "DynamoDB_20120810.GetItem", "{}", &resp, &e) == -1 && e.cls == ERR_PERMANENT &&
	    a.attempts == 2, "a second skew error is not retried again");
	t_streq(e.code, "InvalidSignatureException", "code kept");
	aws_free(&a);
	free(stop());
	buf_free(&resp);
}

static void
test_imds(void)
{
	static const struct reply script[] = {
		{ "200 OK", "", "TOKEN-ONE", 0 },
		{ "200 OK", "", "i-0123456789abcdef0", 0 },
		{ "200 OK", "", "eu-west-1a", 0 },
		{ "401 Unauthorized", "", "", 0 },
		{ "200 OK", "", "TOKEN-TWO", 0 },
		{ "200 OK", "", "i-0123456789abcdef0", 0 },
		{ "404 Not Found", "", "", 0 },
	};
	struct buf out = BUF_INIT;
	struct http h;
	struct err e;
	char *log, url[96];

	http_init(&h, &e);
	setenv("AWS_EC2_METADATA_DISABLED", "true", 1);
	t_ok(imds_get(&md, &h, "meta-data/instance-id", fake_now, &out, &e) == -1 && e.cls == ERR_LOCAL && h.requests == 0,
	    "AWS_EC2_METADATA_DISABLED=true: refused, nothing sent");
	unsetenv("AWS_EC2_METADATA_DISABLED");
	start(script, 7);
	snprintf(url, sizeof(url), "%s/", base);
	setenv("AWS_EC2_METADATA_SERVICE_ENDPOINT", url, 1);
	t_ok(imds_get(&md, &h, "meta-data/instance-id", fake_now, &out, &e) == 0, "instance-id");
	t_streq(out.p, "i-0123456789abcdef0", "its value");
	t_ok(imds_get(&md, &h, "meta-data/placement/availability-zone", fake_now, &out, &e) == 0 &&
	    strcmp(out.p, "eu-west-1a") == 0, "second path, token reused");
	t_ok(imds_get(&md, &h, "meta-data/instance-id", fake_now, &out, &e) == 0, "a refused token is replaced");
	t_ok(imds_get(&md, &h, "meta-data/nothing", fake_now, &out, &e) == -1 && e.cls == ERR_PERMANENT, "404 is permanent");
	t_inteq(h.connect_timeout_ms, 3000, "short timeouts only for metadata");
	log = stop();
	t_inteq(count(log, "PUT /latest/api/token HTTP/1.1\r\n"), 2, "two tokens asked for");
	t_ok(strstr(log, "X-aws-ec2-metadata-token-ttl-seconds: 21600\r\n") != NULL, "token TTL asked");
	t_inteq(count(log, "X-aws-ec2-metadata-token: TOKEN-ONE\r\n"), 3, "first token used until refused");
	t_inteq(count(log, "X-aws-ec2-metadata-token: TOKEN-TWO\r\n"), 2, "then the new one");
	t_ok(strstr(log, "GET /latest/meta-data/instance-id HTTP/1.1\r\n") != NULL, "path below /latest/");
	free(log);

	snprintf(url, sizeof(url), "http://127.0.0.1:%d", closed_port());
	setenv("AWS_EC2_METADATA_SERVICE_ENDPOINT", url, 1);
	t_ok(imds_get(&md, &h, "meta-data/instance-id", fake_now, &out, &e) == -1, "no metadata service");
	unsetenv("AWS_EC2_METADATA_SERVICE_ENDPOINT");
	buf_free(&out);
	http_free(&h);
}

/* Each caller owns its session: a second session asks for its own token,
 * and a token is renewed once the caller's clock passes its six hours. */
static void
test_imds_sessions(void)
{
	static const struct reply script[] = {
		{ "200 OK", "", "TOKEN-A", 0 },
		{ "200 OK", "", "one", 0 },
		{ "200 OK", "", "TOKEN-B", 0 },
		{ "200 OK", "", "two", 0 },
		{ "200 OK", "", "three", 0 },
		{ "200 OK", "", "TOKEN-C", 0 },
		{ "200 OK", "", "four", 0 },
	};
	struct imds s1 = { { 0 }, 0 }, s2 = { { 0 }, 0 };
	struct buf out = BUF_INIT;
	long long t = 1700000000;
	long sent;
	struct http h;
	struct err e;
	char *log;

	http_init(&h, &e);
	start(script, 7);
	unsetenv("AWS_EC2_METADATA_DISABLED");
	setenv("AWS_EC2_METADATA_SERVICE_ENDPOINT", base, 1);
	t_ok(imds_get(&s1, &h, "meta-data/a", t, &out, &e) == 0 && strcmp(out.p, "one") == 0, "session 1");
	t_ok(imds_get(&s2, &h, "meta-data/b", t, &out, &e) == 0 && strcmp(out.p, "two") == 0,
	    "session 2 asks for its own token");
	t_ok(imds_get(&s1, &h, "meta-data/c", t + 21000, &out, &e) == 0 && strcmp(out.p, "three") == 0,
	    "session 1's token, within its six hours");
	t_ok(imds_get(&s1, &h, "meta-data/d", t + 21600, &out, &e) == 0 && strcmp(out.p, "four") == 0,
	    "after six hours by the caller's clock: a new token");
	log = stop();
	t_inteq(count(log, "PUT /latest/api/token HTTP/1.1\r\n"), 3, "three tokens asked for");
	t_inteq(count(log, "X-aws-ec2-metadata-token: TOKEN-A\r\n"), 2, "session 1 used its own token");
	t_inteq(count(log, "X-aws-ec2-metadata-token: TOKEN-B\r\n"), 1, "session 2 its own");
	t_inteq(count(log, "X-aws-ec2-metadata-token: TOKEN-C\r\n"), 1, "and the renewed one");
	free(log);
	imds_free(&s1);
	t_ok(s1.token[0] == '\0' && s1.expires == 0, "imds_free wipes the token");
	imds_free(NULL);
	unsetenv("AWS_EC2_METADATA_SERVICE_ENDPOINT");
	setenv("AWS_EC2_METADATA_DISABLED", "true", 1);
	sent = h.requests;
	t_ok(http_request(&h, "GET", NULL, NULL, NULL, 0, &(struct http_response){ 0 }, &e) == -1 &&
	    e.cls == ERR_LOCAL && h.requests == sent, "a NULL URL is refused before libcurl sees it");
	imds_free(&s2);
	buf_free(&out);
	http_free(&h);
}

/* BatchGetItem's unprocessed keys (DynamoDB API reference): sent again
 * after an exponential backoff, not at once; bounded. */
static void
test_batch_backoff(void)
{
#define PART "{\"Responses\":{\"t\":[{\"pk\":{\"S\":\"a\"}}]},\"UnprocessedKeys\":{\"t\":{\"Keys\":[{\"pk\":{\"S\":\"b\"}}]}}}"
	static const struct reply part[] = { { "200 OK", "", PART, 0 },
		{ "200 OK", "", "{\"Responses\":{\"t\":[]},\"UnprocessedKeys\":{\"t\":{\"Keys\":[{\"pk\":{\"S\":\"b\"}}]}}}", 0 },
		{ "200 OK", "", "{\"Responses\":{\"t\":[{\"pk\":{\"S\":\"b\"}}]},\"UnprocessedKeys\":{}}", 0 } };
	static const struct reply never[] = { { "200 OK", "", PART, 0 }, { "200 OK", "", PART, 0 },
		{ "200 OK", "", PART, 0 }, { "200 OK", "", PART, 0 }, { "200 OK", "", PART, 0 }, { "200 OK", "", PART, 0 },
		{ "200 OK", "", PART, 0 }, { "200 OK", "", PART, 0 }, { "200 OK", "", PART, 0 }, { "200 OK", "", PART, 0 },
		{ "200 OK", "", PART, 0 } };
	const char *const pks[] = { "a", "b" };
	struct aws a;
	struct err e;
	cJSON *items = NULL;
	char *log;

	aws_env();
	start(part, 3);
	client(&a, "dynamodb", &e);
	t_ok(ddb_batch_get(&a, "t", pks, 2, 0, &items, &e) == 0 && cJSON_GetArraySize(items) == 2,
	    "unprocessed twice, then both items");
	t_ok(nslept == 2 && slept[0] >= 0 && slept[0] < 500 && slept[1] >= 0 && slept[1] < 1000,
	    "backed off before each resend: below 500 ms, then 1 s (%d: %ld, %ld)", nslept, slept[0], slept[1]);
	cJSON_Delete(items);
	aws_free(&a);
	log = stop();
	t_inteq(count(log, "X-Amz-Target: DynamoDB_20120810.BatchGetItem\r\n"), 3, "three calls");
	t_inteq(count(log, "{\"pk\":{\"S\":\"a\"}}"), 1, "the processed key asked once");
	free(log);

	start(never, 11);
	client(&a, "dynamodb", &e);
	t_ok(ddb_batch_get(&a, "t", pks, 2, 0, &items, &e) == -1 && e.cls == ERR_TEMPORARY && items == NULL,
	    "always unprocessed: temporary (%s)", e.msg);
	t_ok(nslept == DDB_BATCH_ROUNDS && slept[9] < 20000, "%d backoffs, none over 20 s", DDB_BATCH_ROUNDS);
	aws_free(&a);
	free(stop());
#undef PART
}

/* GitHub's secondary rate limits ("Rate limits for the REST API"): a 403
 * that says so, without retry-after, waits a minute, then two, within the
 * call's budget; a permission refusal is not retried; a second mutating
 * request waits a second. */
static void
test_github_limits(void)
{
#define SECONDARY_403 { "403 Forbidden", "X-RateLimit-Remaining: 4990\r\n", \
	"{\"message\":\"You have exceeded a secondary rate limit. Please wait a few minutes before you try again.\"}", 0 }
	static const struct reply script[] = { SECONDARY_403,
		{ "200 OK", "Content-Type: application/json\r\n", "{\"runners\":[]}", 0 },
		SECONDARY_403, SECONDARY_403, SECONDARY_403,
		{ "403 Forbidden", "X-RateLimit-Remaining: 4990\r\n", "{\"message\":\"Resource not accessible by integration\"}", 0 },
		{ "201 Created", "", "{}", 0 }, { "201 Created", "", "{}", 0 } };
	struct github g;
	struct err e;
	cJSON *doc = NULL;

	start(script, 8);
	setenv("GITHUB_API_URL", base, 1);
	t_ok(github_init(&g, "ghp_test", &e) == 0, "GitHub client");
	g.sleep_ms = fake_sleep;
	g.clock = fake_clock;
	nslept = 0;
	t_ok(github_call(&g, "GET", "/orgs/o/actions/runners", &doc, NULL, &e) == 0, "a secondary limit, then served");
	t_ok(nslept == 1 && slept[0] >= 60000, "waited at least a minute (%ld ms)", slept[0]);
	cJSON_Delete(doc);
	nslept = 0;
	t_ok(github_call(&g, "GET", "/orgs/o/actions/runners", &doc, NULL, &e) == -1 && e.cls == ERR_TEMPORARY &&
	    e.status == 403, "limited on every attempt: temporary, not a refusal (%s)", e.msg);
	t_ok(nslept == 2 && slept[0] >= 60000 && slept[1] >= 120000, "a minute, then two (%ld, %ld ms)", slept[0], slept[1]);
	nslept = 0;
	t_ok(github_call(&g, "GET", "/orgs/o/actions/runners", &doc, NULL, &e) == -1 && e.cls == ERR_PERMANENT &&
	    nslept == 0, "a permission refusal is not retried");
	t_ok(github_call(&g, "POST", "/orgs/o/actions/runners/registration-token", &doc, NULL, &e) == 0 && nslept == 0,
	    "a first POST goes at once");
	cJSON_Delete(doc);
	t_ok(github_call(&g, "POST", "/orgs/o/actions/runners/remove-token", &doc, NULL, &e) == 0 && nslept == 1 &&
	    slept[0] == 1000, "the next waits a second");
	cJSON_Delete(doc);
	github_free(&g);
	free(stop());
	unsetenv("GITHUB_API_URL");
#undef SECONDARY_403
}

/* github.c retries with lib/retry.c's policy: a 5xx is retried after a
 * full-jitter backoff (below 100 ms, then 200 ms), not after its own fixed
 * half-second steps; a 4xx is not retried. */
static void
test_github_retries(void)
{
	static const struct reply script[] = {
		{ "503 Service Unavailable", "", "{}", 0 },
		{ "502 Bad Gateway", "", "{}", 0 },
		{ "200 OK", "Content-Type: application/json\r\n", "{\"runners\":[]}", 0 },
		{ "404 Not Found", "", "{\"message\":\"Not Found\"}", 0 },
	};
	struct github g;
	struct err e;
	cJSON *doc = NULL;

	start(script, 4);
	setenv("GITHUB_API_URL", base, 1);
	t_ok(github_init(&g, "ghp_test", &e) == 0, "GitHub client");
	g.sleep_ms = fake_sleep;
	nslept = 0;
	t_ok(github_call(&g, "GET", "/orgs/o/actions/runners", &doc, NULL, &e) == 0, "503, 502, then 200: done");
	t_inteq(nslept, 2, "two waits");
	t_ok(slept[0] >= 0 && slept[0] < 100 && slept[1] >= 0 && slept[1] < 200,
	    "full jitter below 100 ms then 200 ms, as aws.c (%ld, %ld)", slept[0], slept[1]);
	cJSON_Delete(doc);
	nslept = 0;
	t_ok(github_call(&g, "GET", "/orgs/o/actions/runners", &doc, NULL, &e) == -1 && e.status == 404 &&
	    e.cls == ERR_PERMANENT && nslept == 0, "a 404 is not retried");
	github_free(&g);
	free(stop());
	unsetenv("GITHUB_API_URL");
}

/* EC2RP_HTTP_TIMEOUT_SEC goes through the one strict parser: a bad value
 * is refused, not quietly replaced by the default. */
static void
test_timeout_env(void)
{
	static const char *const bad[] = { "abc", "0", "601", "5s", " 5", "05", NULL };
	struct http h;
	struct err e;
	int i;

	for (i = 0; bad[i]; i++) {
		setenv("EC2RP_HTTP_TIMEOUT_SEC", bad[i], 1);
		memset(&e, 0, sizeof(e));
		t_ok(http_init(&h, &e) == -1 && e.cls == ERR_INPUT, "EC2RP_HTTP_TIMEOUT_SEC='%s' refused", bad[i]);
		http_free(&h);
	}
	setenv("EC2RP_HTTP_TIMEOUT_SEC", "7", 1);
	t_ok(http_init(&h, &e) == 0 && h.timeout_ms == 7000, "EC2RP_HTTP_TIMEOUT_SEC=7 taken");
	http_free(&h);
	setenv("EC2RP_HTTP_TIMEOUT_SEC", "", 1);
	t_ok(http_init(&h, &e) == 0 && h.timeout_ms == 30000, "empty: the default");
	http_free(&h);
	unsetenv("EC2RP_HTTP_TIMEOUT_SEC");
}

/* Credentials that expired by the caller's clock are refused, not used to
 * sign requests AWS would refuse as ExpiredToken. */
static void
test_expired_creds(void)
{
	static const struct reply container[] = {
		{ "200 OK", "", "{\"AccessKeyId\":\"ASIAOLD\",\"SecretAccessKey\":\"secretold\",\"Token\":\"tokold\","
		    "\"Expiration\":\"2023-11-14T22:00:00Z\"}", 0 },
		{ "200 OK", "", "{\"AccessKeyId\":\"ASIAOLD\",\"SecretAccessKey\":\"secretold\",\"Token\":\"tokold\","
		    "\"Expiration\":\"2023-11-14T22:00:00Z\"}", 0 },
	};
	struct creds c = { 0 };
	struct http h;
	struct err e;
	char url[96];

	http_init(&h, &e);
	start(container, 2);
	snprintf(url, sizeof(url), "%s/creds", base);
	setenv("AWS_CONTAINER_CREDENTIALS_FULL_URI", url, 1);
	/* 2023-11-14T22:00:00Z is 1699999200. */
	t_ok(creds_load(&c, &h, NULL, 1699999000, &e) == 0, "good until 22:00: taken at 21:56");
	memset(&e, 0, sizeof(e));
	t_ok(creds_load(&c, &h, NULL, 1700000000, &e) == -1, "expired by the caller's clock: refused");
	t_inteq(e.cls, ERR_TEMPORARY, "a temporary failure");
	t_ok(strstr(e.msg, "expired") != NULL && strstr(e.msg, "secretold") == NULL, "says so: %s", e.msg);
	free(stop());
	unsetenv("AWS_CONTAINER_CREDENTIALS_FULL_URI");
	creds_free(&c);
	http_free(&h);
}

static void
test_remote_creds(void)
{
	static const struct reply container[] = {
		{ "200 OK", "", "{\"AccessKeyId\":\"ASIACONT\",\"SecretAccessKey\":\"secretcont\",\"Token\":\"tokcont\","
		    "\"Expiration\":\"2023-11-14T22:23:20Z\"}", 0 },
		{ "200 OK", "", "{\"TableNames\":[]}", 0 },
		{ "200 OK", "", "{\"TableNames\":[]}", 0 },
		{ "200 OK", "", "{\"AccessKeyId\":\"ASIACON2\",\"SecretAccessKey\":\"secretcon2\",\"Token\":\"tokcon2\","
		    "\"Expiration\":\"2023-11-14T23:13:20Z\"}", 0 },
		{ "200 OK", "", "{\"TableNames\":[]}", 0 },
	};
	static const struct reply sts[] = {
		{ "200 OK", "", "<AssumeRoleWithWebIdentityResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\">"
		    "<AssumeRoleWithWebIdentityResult><Credentials><AccessKeyId>ASIAWEB</AccessKeyId>"
		    "<SecretAccessKey>secretweb</SecretAccessKey><SessionToken>tokweb</SessionToken>"
		    "<Expiration>2023-11-14T23:13:20Z</Expiration></Credentials></AssumeRoleWithWebIdentityResult>"
		    "</AssumeRoleWithWebIdentityResponse>", 0 },
		{ "403 Forbidden", "", "<ErrorResponse><Error><Type>Sender</Type><Code>InvalidIdentityToken</Code>"
		    "<Message>expired</Message></Error></ErrorResponse>", 0 },
		{ "200 OK", "", "<AssumeRoleWithWebIdentityResponse/>", 0 },
	};
	/* The IMDS session token of test_imds is still good: no PUT here. */
	static const struct reply imds[] = {
		{ "200 OK", "", "ci-role\n", 0 },
		{ "200 OK", "", "{\"Code\":\"Success\",\"AccessKeyId\":\"ASIAIMDS\",\"SecretAccessKey\":\"secretimds\","
		    "\"Token\":\"tokimds\",\"Expiration\":\"2023-11-14T23:13:20Z\"}", 0 },
		{ "200 OK", "", "", 0 },
	};
	struct buf resp = BUF_INIT;
	struct creds c = { 0 };
	struct http h;
	struct aws a;
	struct err e;
	char url[96], tokfile[64], *log;
	FILE *f;
	int fd;

	/* Container credentials that expire in 10 minutes: kept while more
	 * than 5 are left, reloaded after. */
	aws_env();
	unsetenv("AWS_ACCESS_KEY_ID");
	unsetenv("AWS_SECRET_ACCESS_KEY");
	start(container, 5);
	snprintf(url, sizeof(url), "%s/v2/credentials/abc", base);
	setenv("AWS_CONTAINER_CREDENTIALS_FULL_URI", url, 1);
	setenv("AWS_CONTAINER_AUTHORIZATION_TOKEN", "Bearer container-secret", 1);
	client(&a, "dynamodb", &e);
	t_ok(aws_json(&a, "DynamoDB_20120810.ListTables", "{}", &resp, &e) == 0, "container credentials used");
	t_streq(a.creds.source, "container", "source");
	t_inteq(a.creds.expires, 1700000600, "Expiration parsed");
	fake_now += 299;
	t_ok(aws_json(&a, "DynamoDB_20120810.ListTables", "{}", &resp, &e) == 0 &&
	    strcmp(a.creds.access_key.p, "ASIACONT") == 0, "5 min 1 s left: kept");
	fake_now += 2;
	t_ok(aws_json(&a, "DynamoDB_20120810.ListTables", "{}", &resp, &e) == 0 &&
	    strcmp(a.creds.access_key.p, "ASIACON2") == 0, "under 5 min left: reloaded");
	fake_now = 1700000000;
	aws_free(&a);
	log = stop();
	t_inteq(count(log, "GET /v2/credentials/abc HTTP/1.1\r\n"), 2, "credentials fetched twice");
	t_ok(strstr(log, "Authorization: Bearer container-secret\r\n") != NULL, "authorization token sent");
	t_ok(strstr(log, "X-Amz-Security-Token: tokcont\r\n") && strstr(log, "X-Amz-Security-Token: tokcon2\r\n"),
	    "each session token sent with its requests");
	t_ok(strstr(log, "Credential=ASIACON2/") != NULL, "and signed with the new keys");
	free(log);
	unsetenv("AWS_CONTAINER_CREDENTIALS_FULL_URI");
	unsetenv("AWS_CONTAINER_AUTHORIZATION_TOKEN");

	/* Web identity: an unsigned, form-encoded POST to STS. */
	http_init(&h, &e);
	/* A name no one can guess ahead (mkstemp), not one made from the pid. */
	snprintf(tokfile, sizeof(tokfile), "/tmp/test_http.token.XXXXXX");
	fd = mkstemp(tokfile);
	f = fd >= 0 ? fdopen(fd, "w") : NULL;
	if (f) {
		fputs("eyJ.web+token/=\n", f);
		fclose(f);
	}
	start(sts, 3);
	setenv("AWS_ENDPOINT_URL_STS", base, 1);
	setenv("AWS_WEB_IDENTITY_TOKEN_FILE", tokfile, 1);
	setenv("AWS_ROLE_ARN", "arn:aws:iam::123456789012:role/ci", 1);
	setenv("AWS_ROLE_SESSION_NAME", "run 42", 1);
	t_ok(creds_load(&c, &h, &md, fake_now, &e) == 0, "web identity credentials");
	t_streq(c.source, "web-identity", "source");
	t_ok(strcmp(c.access_key.p, "ASIAWEB") == 0 && strcmp(c.secret_key.p, "secretweb") == 0 &&
	    strcmp(c.session_token.p, "tokweb") == 0, "keys and token from the XML");
	t_inteq(c.expires, 1700003600, "Expiration parsed");
	t_ok(creds_load(&c, &h, &md, fake_now, &e) == -1 && e.cls == ERR_PERMANENT, "STS refusal is permanent");
	t_streq(e.code, "InvalidIdentityToken", "STS code kept");
	t_ok(strstr(e.msg, "eyJ") == NULL, "the token is not in the message");
	t_ok(creds_load(&c, &h, &md, fake_now, &e) == -1 && e.cls == ERR_PERMANENT,
	    "an answer without credentials is refused");
	log = stop();
	t_ok(strstr(log, "POST / HTTP/1.1\r\n") != NULL && strstr(log, "Authorization") == NULL,
	    "unsigned POST");
	t_ok(strstr(log, "Action=AssumeRoleWithWebIdentity&Version=2011-06-15&"
	    "RoleArn=arn%3Aaws%3Aiam%3A%3A123456789012%3Arole%2Fci&RoleSessionName=run%2042&"
	    "WebIdentityToken=eyJ.web%2Btoken%2F%3D\n") != NULL, "form fields encoded, token line ended");
	free(log);
	unsetenv("AWS_WEB_IDENTITY_TOKEN_FILE");
	unsetenv("AWS_ROLE_ARN");
	unsetenv("AWS_ROLE_SESSION_NAME");
	unsetenv("AWS_ENDPOINT_URL_STS");
	unlink(tokfile);

	/* Instance metadata is the last link. */
	unsetenv("AWS_EC2_METADATA_DISABLED");
	start(imds, 3);
	setenv("AWS_EC2_METADATA_SERVICE_ENDPOINT", base, 1);
	t_ok(creds_load(&c, &h, &md, fake_now, &e) == 0, "instance role credentials");
	t_ok(strcmp(c.source, "imds") == 0 && strcmp(c.access_key.p, "ASIAIMDS") == 0 &&
	    strcmp(c.session_token.p, "tokimds") == 0 && c.expires == 1700003600, "keys, token, expiry");
	t_ok(creds_load(&c, &h, &md, fake_now, &e) == -1 && e.cls == ERR_LOCAL, "an instance without a role");
	log = stop();
	t_ok(strstr(log, "GET /latest/meta-data/iam/security-credentials/ HTTP/1.1\r\n") &&
	    strstr(log, "GET /latest/meta-data/iam/security-credentials/ci-role HTTP/1.1\r\n"),
	    "role listed, then its credentials (newline trimmed)");
	free(log);
	unsetenv("AWS_EC2_METADATA_SERVICE_ENDPOINT");
	setenv("AWS_EC2_METADATA_DISABLED", "true", 1);
	creds_free(&c);
	http_free(&h);
	buf_free(&resp);
}

/* ec2.c's loops: DescribeInstances follows nextToken to the last page;
 * the launch template's steps go from a look that finds none to a create. */
static void
test_ec2_loops(void)
{
	static const struct reply script[] = {
		{ "200 OK", "", "<DescribeInstancesResponse><reservationSet><item><instancesSet><item>"
		    "<instanceId>i-01234567</instanceId></item></instancesSet></item></reservationSet>"
		    "<nextToken>p/2</nextToken></DescribeInstancesResponse>", 0 },
		{ "200 OK", "", "<DescribeInstancesResponse><reservationSet><item><instancesSet><item>"
		    "<instanceId>i-01234568</instanceId></item></instancesSet></item></reservationSet>"
		    "</DescribeInstancesResponse>", 0 },
		{ "400 Bad Request", "", "<Response><Errors><Error><Code>InvalidLaunchTemplateName.NotFoundException"
		    "</Code><Message>none</Message></Error></Errors></Response>", 0 },
		{ "200 OK", "", "<CreateLaunchTemplateResponse><launchTemplate><launchTemplateId>lt-0abc"
		    "</launchTemplateId><latestVersionNumber>1</latestVersionNumber></launchTemplate>"
		    "</CreateLaunchTemplateResponse>", 0 },
	};
	struct instances_filter f = { "ci1", NULL, NULL, NULL, 0, 0 };
	struct instances_list l = INSTANCES_LIST_INIT;
	struct ltemplate w = { "ci1", "ami-01234567", NULL, NULL, NULL, "2", NULL, "ec2rp-t" };
	struct ltemplate_run run = LTEMPLATE_RUN_INIT;
	struct aws a;
	struct err e;
	char *log;

	aws_env();
	start(script, 4);
	client(&a, "ec2", &e);
	t_inteq(ec2_describe(&a, &f, &l, &e), 0, "DescribeInstances over two pages");
	t_ok(l.n == 2 && strcmp(l.row[1].id, "i-01234568") == 0 && l.pages == 2, "both pages' instances");
	instances_free(&l);
	t_inteq(ec2_template(&a, &w, &run, &e), 0, "a template that did not exist");
	t_ok(strcmp(run.result, "created") == 0 && strcmp(run.id, "lt-0abc") == 0, "created: %s %s", run.result, run.id);
	aws_free(&a);
	log = stop();
	t_inteq(count(log, "Action=DescribeInstances&"), 2, "two look-ups");
	t_ok(strstr(log, "&NextToken=p%2F2\n") != NULL, "the second with the first page's token");
	t_ok(strstr(log, "Action=CreateLaunchTemplate&") != NULL &&
	    strstr(log, "ClientToken=ec2rp-t-CreateLaunchTemplate") != NULL, "then the create, with its token");
	free(log);
}

#define IDENTITY(ACCOUNT, PARTITION)                                                                  \
	{ "200 OK", "", "<GetCallerIdentityResponse><GetCallerIdentityResult><Arn>arn:" PARTITION ":sts::" \
	    ACCOUNT ":assumed-role/r/s</Arn><Account>" ACCOUNT "</Account></GetCallerIdentityResult>"        \
	    "</GetCallerIdentityResponse>", 0 }

/* whoami: the identity lives in the caller's struct whoami: one STS call
 * however many keys it makes, and a second identity (another client, other
 * credentials) asks STS for its own, as a process-global cache did not. */
static void
test_whoami(void)
{
	static const struct reply script[] = {
		IDENTITY("111111111111", "aws"),
		IDENTITY("222222222222", "aws-cn"),
	};
	struct whoami me = WHOAMI_INIT, other = WHOAMI_INIT;
	struct aws a, b;
	struct err e;
	struct buf pk = BUF_INIT;
	char *log;

	aws_env();
	start(script, 2);
	client(&a, "dynamodb", &e);
	client(&b, "dynamodb", &e);
	t_inteq(whoami_pk(&a, &me, &pk, KIND_HEARTBEAT, "i-01234567", &e), 0, "first key: STS asked");
	t_ok(strstr(pk.p, ":111111111111:instance/i-01234567") != NULL, "the first account's ARN: %s", pk.p);
	buf_reset(&pk);
	t_inteq(whoami_pk(&a, &me, &pk, KIND_SIGNAL, "i-01234568", &e), 0, "second key of the same identity");
	t_ok(strstr(pk.p, ":111111111111:instance/i-01234568") != NULL, "the same account: %s", pk.p);
	t_streq(a.service, "dynamodb", "the client is left pointed at its own service");
	aws_free(&a); /* the server answers one connection at a time */
	t_inteq(whoami(&b, &other, &e), 0, "another identity");
	t_streq(other.account, "222222222222", "asks STS for its own account");
	t_streq(other.partition, "aws-cn", "and partition");
	t_streq(me.account, "111111111111", "the first is kept by its owner");
	aws_free(&b);
	log = stop();
	t_inteq(count(log, "Action=GetCallerIdentity&"), 2, "one STS call per identity");
	free(log);
	buf_free(&pk);
}

int
main(void)
{
	int lfd;

	snprintf(logpath, sizeof(logpath), "/tmp/test_http.log.XXXXXX");
	if ((lfd = mkstemp(logpath)) < 0)
		return 1;
	close(lfd);
	signal(SIGPIPE, SIG_IGN);
	/* The server is local: a proxy from the environment must not get in the way. */
	unsetenv("http_proxy");
	unsetenv("https_proxy");
	unsetenv("all_proxy");
	unsetenv("ALL_PROXY");
	unsetenv("HTTPS_PROXY");
	test_keepalive();
	test_failures();
	test_aws_retries();
	test_aws_query();
	test_skew();
	test_imds();
	test_remote_creds();
	test_imds_sessions();
	test_expired_creds();
	test_timeout_env();
	test_batch_backoff();
	test_github_retries();
	test_github_limits();
	test_ec2_loops();
	test_whoami();
	imds_free(&md);
	unlink(logpath);
	return t_done();
}

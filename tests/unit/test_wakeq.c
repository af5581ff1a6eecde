/* wakeq: the ListQueues page of a pool's wake queues and its answer. */
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "t.h"
#include "wakeq.h"

int
main(void)
{
	cJSON *b = wakeq_list_body("ci", 1000, NULL), *r;
	char id[20] = "unset", *s;

	s = cJSON_PrintUnformatted(b);
	t_streq(s, "{\"QueueNamePrefix\":\"ci-wake-\",\"MaxResults\":1000}", "first page: prefix and MaxResults");
	free(s);
	cJSON_Delete(b);
	b = wakeq_list_body("ci", 2, "tok/+=");
	s = cJSON_PrintUnformatted(b);
	t_streq(s, "{\"QueueNamePrefix\":\"ci-wake-\",\"MaxResults\":2,\"NextToken\":\"tok/+=\"}", "next page: the token");
	free(s);
	cJSON_Delete(b);

	t_inteq(wakeq_id_of("https://sqs.us-east-1.amazonaws.com/123456789012/ci-wake-i-0123456789abcdef0", "ci", id), 1,
	    "a wake queue's URL");
	t_streq(id, "i-0123456789abcdef0", "its instance id");
	t_inteq(wakeq_id_of("http://127.0.0.1:9/123/ci-wake-i-01234567", "ci", id), 1, "a short id");
	t_streq(id, "i-01234567", "its instance id");
	memcpy(id, "unset", 6);
	/* Names that only start the same way: another pool's queues, a class. */
	t_inteq(wakeq_id_of("https://q/1/ci-wake-x-large", "ci", id), 0, "pool ci-wake-x's class queue");
	t_inteq(wakeq_id_of("https://q/1/ci-wake-x-wake-i-0123456789abcdef0", "ci", id), 0, "pool ci-wake-x's wake queue");
	t_inteq(wakeq_id_of("https://q/1/ci-wake-i-0123456789abcdef0-large", "ci", id), 0, "an id with a tail");
	t_inteq(wakeq_id_of("https://q/1/ci-wake-i-0123456789ABCDEF0", "ci", id), 0, "upper-case hex");
	t_inteq(wakeq_id_of("https://q/1/ci-wake-i-0123456789abcdef01234", "ci", id), 0, "too long");
	t_inteq(wakeq_id_of("https://q/1/cix-wake-i-01234567", "ci", id), 0, "another pool's prefix");
	t_inteq(wakeq_id_of("https://q/1/ci-large", "ci", id), 0, "a class queue");
	t_inteq(wakeq_id_of("", "ci", id), 0, "empty");
	t_streq(id, "unset", "nothing written for a non-match");

	r = cJSON_Parse("{\"QueueUrls\":[],\"NextToken\":\"abc\"}");
	t_streq(wakeq_next(r), "abc", "NextToken");
	cJSON_Delete(r);
	r = cJSON_Parse("{\"QueueUrls\":[],\"NextToken\":\"\"}");
	t_ok(wakeq_next(r) == NULL, "an empty token is the last page");
	cJSON_Delete(r);
	r = cJSON_Parse("{\"NextToken\":5}");
	t_ok(wakeq_next(r) == NULL, "a token that is not a string is none");
	cJSON_Delete(r);
	t_ok(wakeq_next(NULL) == NULL, "no answer, no token");

	r = wakeq_delete_body("https://q/1/ci-wake-i-0123456789abcdef0");
	s = r ? cJSON_PrintUnformatted(r) : NULL;
	t_streq(s, "{\"QueueUrl\":\"https://q/1/ci-wake-i-0123456789abcdef0\"}", "DeleteQueue body");
	cJSON_free(s);
	cJSON_Delete(r);
	{
		struct buf u = BUF_INIT;

		t_inteq(wakeq_url(&u, "https://sqs.us-east-1.amazonaws.com/123456789012/ci-wake-i-0123456789abcdef0", "ci",
		    "i-01234567"), 0, "a wake queue's URL from another's");
		t_streq(u.p, "https://sqs.us-east-1.amazonaws.com/123456789012/ci-wake-i-01234567", "host and account kept");
		t_inteq(wakeq_url(&u, "http://127.0.0.1:9/000000000000/ci-wake-i-01234567", "ci", "i-0123456789abcdef0"), 0,
		    "the stack's URL");
		t_streq(u.p, "http://127.0.0.1:9/000000000000/ci-wake-i-0123456789abcdef0", "its prefix kept");
		t_inteq(wakeq_url(&u, "https://q/1/ci-large", "ci", "i-01234567"), -1, "a class queue's URL: none");
		t_inteq(wakeq_url(&u, "https://q/1/ci-wake-x-wake-i-01234567", "ci", "i-01234567"), -1, "another pool's");
		t_inteq(wakeq_url(&u, "ci-wake-i-01234567", "ci", "i-01234567"), -1, "no path");
		t_inteq(wakeq_url(&u, "https://q/1/ci-wake-i-01234567", "ci", "i-x/../y"), -1, "a malformed id");
		t_streq(u.p, "http://127.0.0.1:9/000000000000/ci-wake-i-0123456789abcdef0", "nothing written on refusal");
		buf_free(&u);
	}
	return t_done();
}

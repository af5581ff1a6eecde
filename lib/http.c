#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <curl/curl.h>

#include "http.h"
#include "num.h"

static size_t
on_body(char *data, size_t size, size_t n, void *arg)
{
	struct http_response *r = arg;
	size_t len = size * n;

	/* A response this large is not one of ours: stop reading. */
	if (r->body.len + len > 16u * 1024 * 1024)
		return 0;
	if (buf_add(&r->body, data, len))
		return 0;
	return len;
}

/* Copies the value of header line "Name: value\r\n" into dst if it is name. */
static void
take(const char *line, size_t n, const char *name, char *dst, size_t sz)
{
	size_t nl = strlen(name), i, o = 0;

	if (n <= nl || strncasecmp(line, name, nl) != 0 || line[nl] != ':')
		return;
	for (i = nl + 1; i < n && (line[i] == ' ' || line[i] == '\t'); i++)
		;
	for (; i < n && line[i] != '\r' && line[i] != '\n' && o + 1 < sz; i++)
		dst[o++] = line[i];
	dst[o] = '\0';
}

static size_t
on_header(char *data, size_t size, size_t n, void *arg)
{
	struct http_response *r = arg;
	size_t len = size * n;

	take(data, len, "date", r->date, sizeof(r->date));
	take(data, len, "retry-after", r->retry_after, sizeof(r->retry_after));
	take(data, len, "x-amzn-requestid", r->request_id, sizeof(r->request_id));
	take(data, len, "x-amz-request-id", r->request_id, sizeof(r->request_id));
	take(data, len, "x-amzn-query-error", r->query_error, sizeof(r->query_error));
	take(data, len, "content-type", r->content_type, sizeof(r->content_type));
	take(data, len, "link", r->link, sizeof(r->link));
	take(data, len, "x-ratelimit-remaining", r->ratelimit_remaining, sizeof(r->ratelimit_remaining));
	take(data, len, "x-ratelimit-reset", r->ratelimit_reset, sizeof(r->ratelimit_reset));
	take(data, len, "x-accepted-github-permissions", r->accepted_permissions, sizeof(r->accepted_permissions));
	return len;
}

/* Runs the transfer on the multi handle. curl 7.88's BearSSL backend does
 * not tell curl which way the socket must be polled during the TLS
 * handshake, so curl would sleep up to a second there: until the transfer
 * proper starts (pretransfer time set: connected, handshake done, or a
 * reused connection) we wake up every 2 ms to let it carry on. Not after:
 * a 20 s long poll would wake 10,000 times (the handshake time stays 0 on
 * a reused connection, so it cannot be the test). */
static CURLcode
perform(struct http *h)
{
	CURLM *m = h->multi;
	CURLMsg *msg;
	CURLcode rc = CURLE_OK;
	int running = 1, left;

	if (curl_multi_add_handle(m, h->curl) != CURLM_OK)
		return CURLE_FAILED_INIT;
	while (running) {
		curl_off_t started = 0;

		if (curl_multi_perform(m, &running) != CURLM_OK) {
			rc = CURLE_SEND_ERROR;
			break;
		}
		if (!running)
			break;
		curl_easy_getinfo(h->curl, CURLINFO_PRETRANSFER_TIME_T, &started);
		if (curl_multi_poll(m, NULL, 0, started > 0 ? 1000 : 2, NULL) != CURLM_OK) {
			rc = CURLE_RECV_ERROR;
			break;
		}
	}
	while ((msg = curl_multi_info_read(m, &left)) != NULL)
		if (msg->msg == CURLMSG_DONE && msg->easy_handle == h->curl)
			rc = msg->data.result;
	curl_multi_remove_handle(m, h->curl);
	return rc;
}

int
http_init(struct http *h, struct err *e)
{
	const char *ca = getenv("AWS_CA_BUNDLE");
	static const char *const system_bundles[] = { "/etc/ssl/certs/ca-certificates.crt",
		"/etc/pki/tls/certs/ca-bundle.crt", "/etc/ssl/cert.pem", NULL };
	const char *const *p;
	CURL *c;

	memset(h, 0, sizeof(*h));
	if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK || (c = curl_easy_init()) == NULL) {
		err_set(e, ERR_LOCAL, "cannot initialise libcurl");
		return -1;
	}
	h->curl = c;
	if ((h->multi = curl_multi_init()) == NULL) {
		err_set(e, ERR_LOCAL, "cannot initialise libcurl");
		return -1;
	}
	h->connect_timeout_ms = 3000;
	h->timeout_ms = 30000;
	/* A whole request's limit; a service that drips bytes is cut off here. */
	{
		const char *t = getenv("EC2RP_HTTP_TIMEOUT_SEC");
		long long v;

		/* A malformed value is refused, not quietly replaced by the default. */
		if (t && *t && num_parse(t, 1, 600, &v)) {
			err_set(e, ERR_INPUT, "EC2RP_HTTP_TIMEOUT_SEC must be seconds from 1 to 600");
			http_free(h);
			return -1;
		}
		if (t && *t)
			h->timeout_ms = (long)v * 1000;
	}
	if (ca == NULL || *ca == '\0')
		ca = getenv("EC2RP_CA_BUNDLE");
	/* BearSSL has no default store: curl needs a file. */
	for (p = system_bundles; (ca == NULL || *ca == '\0') && *p; p++) {
		FILE *f = fopen(*p, "r");

		if (f) {
			fclose(f);
			ca = *p;
		}
	}
	if (ca && *ca)
		curl_easy_setopt(c, CURLOPT_CAINFO, ca);
	curl_easy_setopt(c, CURLOPT_ERRORBUFFER, h->errbuf);
	curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(c, CURLOPT_TCP_KEEPALIVE, 1L);
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_body);
	curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, on_header);
	curl_easy_setopt(c, CURLOPT_USERAGENT, "ec2-runner-pool/" VERSION);
	return 0;
}

int
http_request(struct http *h, const char *method, const char *url,
    const char *const *headers, const void *body, size_t body_len,
    struct http_response *resp, struct err *e)
{
	struct curl_slist *list = NULL, *tmp;
	CURL *c = h->curl;
	CURLcode rc;
	long connects = 0;

	if (url == NULL || method == NULL) {
		err_set(e, ERR_LOCAL, "no URL to request (out of memory?)");
		return -1;
	}
	buf_reset(&resp->body);
	memset((char *)resp + sizeof(resp->status) + sizeof(resp->body), 0,
	    sizeof(*resp) - sizeof(resp->status) - sizeof(resp->body));
	resp->status = 0;
	for (; headers && *headers; headers++) {
		tmp = curl_slist_append(list, *headers);
		if (tmp == NULL) {
			curl_slist_free_all(list);
			err_set(e, ERR_LOCAL, "out of memory");
			return -1;
		}
		list = tmp;
	}
	/* No "Expect: 100-continue" round trip for our small bodies. */
	tmp = curl_slist_append(list, "Expect:");
	list = tmp ? tmp : list;
	h->errbuf[0] = '\0';
	curl_easy_setopt(c, CURLOPT_URL, url);
	curl_easy_setopt(c, CURLOPT_HTTPHEADER, list);
	curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS, h->connect_timeout_ms);
	curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, h->timeout_ms);
	curl_easy_setopt(c, CURLOPT_WRITEDATA, resp);
	curl_easy_setopt(c, CURLOPT_HEADERDATA, resp);
	if (strcmp(method, "GET") == 0) {
		curl_easy_setopt(c, CURLOPT_HTTPGET, 1L);
		curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, NULL);
	} else {
		curl_easy_setopt(c, CURLOPT_POST, 1L);
		curl_easy_setopt(c, CURLOPT_POSTFIELDS, body ? (const char *)body : "");
		curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)(body ? body_len : 0));
		curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, strcmp(method, "POST") ? method : NULL);
	}
	rc = perform(h);
	curl_slist_free_all(list);
	h->requests++;
	if (curl_easy_getinfo(c, CURLINFO_NUM_CONNECTS, &connects) == CURLE_OK)
		h->connects += connects;
	if (rc != CURLE_OK) {
		/* curl's own message names the host, never the path or headers.
		 * A certificate or URL problem stays the same on a retry. */
		int permanent = rc == CURLE_PEER_FAILED_VERIFICATION || rc == CURLE_SSL_CACERT_BADFILE ||
		    rc == CURLE_SSL_CERTPROBLEM || rc == CURLE_URL_MALFORMAT || rc == CURLE_UNSUPPORTED_PROTOCOL;

		if (rc == CURLE_WRITE_ERROR)
			err_set(e, ERR_TEMPORARY, "response larger than 16 MiB: refused");
		else
			err_set(e, permanent ? ERR_PERMANENT : ERR_TEMPORARY, "%s",
			    h->errbuf[0] ? h->errbuf : curl_easy_strerror(rc));
		return -1;
	}
	curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &resp->status);
	return 0;
}

void
http_response_free(struct http_response *r)
{
	if (r == NULL)
		return;
	buf_free(&r->body);
}

void
http_free(struct http *h)
{
	if (h == NULL || h->curl == NULL)
		return;
	curl_easy_cleanup(h->curl);
	curl_multi_cleanup(h->multi);
	h->curl = NULL;
	h->multi = NULL;
}

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cjson/cJSON.h>

#include "aws.h"
#include "awsjson.h"
#include "clock.h"
#include "endpoint.h"
#include "isotime.h"
#include "retry.h"
#include "sigv4.h"

int
aws_init(struct aws *a, const char *service, struct err *e)
{
	memset(a, 0, sizeof(*a));
	a->clock = clock_now;
	a->sleep_ms = clock_sleep_ms;
	a->rng = clock_seed();
	if (retry_max_attempts(getenv("AWS_MAX_ATTEMPTS"), &a->max_attempts)) {
		err_set(e, ERR_INPUT, "AWS_MAX_ATTEMPTS must be a whole number from 1 to 20");
		return -1;
	}
	if (http_init(&a->http, e))
		return -1;
	/* The profile's region only counts when the environment names none. */
	if (endpoint_region(&a->region, NULL, e))
		return -1;
	return aws_service(a, service, e);
}

int
aws_service(struct aws *a, const char *service, struct err *e)
{
	snprintf(a->service, sizeof(a->service), "%s", service);
	if (endpoint_url(&a->url, service, a->region.p, e))
		return -1;
	if (endpoint_split(a->url.p, &a->host, &a->path)) {
		err_set(e, ERR_INPUT, "endpoint for %s is not an http(s) URL", service);
		return -1;
	}
	return 0;
}

int
aws_creds(struct aws *a, struct err *e)
{
	long long now = a->clock() + a->skew;

	if (a->have_creds && creds_fresh(&a->creds, now))
		return 0;
	if (creds_load(&a->creds, &a->http, &a->imds, now, e))
		return -1;
	a->have_creds = 1;
	return 0;
}

/* Learns the server's clock from its Date header. */
static void
learn_skew(struct aws *a, const struct http_response *r, long long local)
{
	long long server;

	if (r->date[0] && isotime_parse_http(r->date, &server) == 0)
		a->skew = server - local;
}

/* One signed POST with retries. On success the response is in resp. */
static int
call(struct aws *a, const char *content_type, const char *target, const char *body,
    struct http_response *resp, int is_json, struct err *e)
{
	struct sigv4_header sh[3];
	struct sigv4_input in;
	struct sigv4_output out;
	struct buf hdr[6];
	const char *hdrs[7];
	char code[128], msg[400];
	int attempt, i, n, kind, r = -1;
	long long now;

	memset(&out, 0, sizeof(out));
	memset(hdr, 0, sizeof(hdr));
	for (attempt = 1;; attempt++) {
		now = a->clock();
		if (aws_creds(a, e))
			goto done;
		n = 0;
		sh[n].name = "host";
		sh[n++].value = a->host.p;
		sh[n].name = "content-type";
		sh[n++].value = content_type;
		if (target) {
			sh[n].name = "x-amz-target";
			sh[n++].value = target;
		}
		memset(&in, 0, sizeof(in));
		in.method = "POST";
		in.path = a->path.p;
		in.headers = sh;
		in.nheaders = (size_t)n;
		in.body = body;
		in.body_len = strlen(body);
		in.region = endpoint_sign_region(a->service, a->region.p);
		in.service = a->service;
		in.access_key = a->creds.access_key.p;
		in.secret_key = a->creds.secret_key.p;
		in.session_token = a->creds.session_token.len ? a->creds.session_token.p : NULL;
		in.now = now + a->skew;
		in.normalize_path = 1;
		if (sigv4_sign(&in, &out, e))
			goto done;
		for (i = 0; i < 6; i++)
			buf_reset(&hdr[i]);
		n = 0;
		buf_addf(&hdr[n], "Host: %s", a->host.p);
		hdrs[n] = hdr[n].p, n++;
		buf_addf(&hdr[n], "Content-Type: %s", content_type);
		hdrs[n] = hdr[n].p, n++;
		buf_addf(&hdr[n], "X-Amz-Date: %s", out.amz_date);
		hdrs[n] = hdr[n].p, n++;
		buf_addf(&hdr[n], "Authorization: %s", out.authorization.p);
		hdrs[n] = hdr[n].p, n++;
		if (target) {
			buf_addf(&hdr[n], "X-Amz-Target: %s", target);
			hdrs[n] = hdr[n].p, n++;
		}
		if (in.session_token) {
			buf_addf(&hdr[n], "X-Amz-Security-Token: %s", in.session_token);
			hdrs[n] = hdr[n].p, n++;
		}
		hdrs[n] = NULL;
		for (i = 0; i < n; i++)
			if (hdr[i].failed) {
				err_set(e, ERR_LOCAL, "out of memory");
				goto done;
			}
		a->attempts++;
		code[0] = msg[0] = '\0';
		if (http_request(&a->http, "POST", a->url.p, hdrs, body, strlen(body), resp, e) == 0) {
			learn_skew(a, resp, now);
			if (resp->status >= 200 && resp->status < 300) {
				r = 0;
				goto done;
			}
			if (is_json) {
				awsjson_error(resp->body.p, resp->body.len, resp->query_error,
				    code, sizeof(code), msg, sizeof(msg));
			} else {
				struct xml *doc = NULL;
				struct err ignored;

				if (xml_parse(resp->body.p ? resp->body.p : "", resp->body.len, &doc, &ignored) ||
				    !xml_aws_error(doc, code, sizeof(code), msg, sizeof(msg)))
					snprintf(msg, sizeof(msg), "unparsable error response");
				xml_free(doc);
			}
			kind = retry_classify(resp->status, code);
			/* A skew error is worth one more try with the learnt time. */
			if (kind == RETRY_NO && retry_skew_code(code) && a->skew != 0 && attempt == 1)
				kind = RETRY_TRANSIENT;
			if (kind == RETRY_NO || attempt >= a->max_attempts) {
				err_set(e, kind == RETRY_NO ? ERR_PERMANENT : ERR_TEMPORARY, "%s%s%s (HTTP %ld%s)",
				    code[0] ? code : "error", msg[0] ? ": " : "", msg, resp->status,
				    kind == RETRY_NO ? "" : ", retries exhausted");
				e->status = resp->status;
				err_code(e, code);
				goto done;
			}
		} else {
			kind = RETRY_TRANSIENT;
			if (e->cls == ERR_PERMANENT)
				goto done;
			if (attempt >= a->max_attempts) {
				char why[sizeof(e->msg)];

				snprintf(why, sizeof(why), "%s", e->msg);
				err_set(e, ERR_TEMPORARY, "%s (after %d attempts)", why, attempt);
				goto done;
			}
		}
		a->retries++;
		a->sleep_ms(retry_delay_ms(attempt, kind, retry_jitter(&a->rng)));
	}
done:
	for (i = 0; i < 6; i++)
		buf_free(&hdr[i]);
	sigv4_output_free(&out);
	return r;
}

int
aws_json(struct aws *a, const char *target, const char *body, struct buf *resp, struct err *e)
{
	struct http_response r = { 0 };
	int rc = call(a, "application/x-amz-json-1.0", target, body, &r, 1, e);

	if (rc == 0) {
		buf_free(resp);
		*resp = r.body;
		r.body.p = NULL;
		r.body.len = r.body.cap = 0;
	}
	http_response_free(&r);
	return rc;
}

int
aws_json_doc(struct aws *a, const char *target, const cJSON *body, cJSON **out, struct err *e)
{
	struct buf resp = BUF_INIT;
	char *json = cJSON_PrintUnformatted(body);
	int r = -1;

	if (out)
		*out = NULL;
	if (json == NULL) {
		err_set(e, ERR_LOCAL, "out of memory");
		return -1;
	}
	if (aws_json(a, target, json, &resp, e) == 0) {
		r = 0;
		if (out && (*out = cJSON_Parse(resp.p ? resp.p : "{}")) == NULL) {
			err_set(e, ERR_PERMANENT, "%s: malformed JSON response", target);
			r = -1;
		}
	}
	cJSON_free(json);
	buf_free(&resp);
	return r;
}

int
aws_query(struct aws *a, const char *body, struct xml **doc, struct err *e)
{
	struct http_response r = { 0 };
	int rc = call(a, "application/x-www-form-urlencoded; charset=utf-8", NULL, body, &r, 0, e);

	*doc = NULL;
	if (rc == 0)
		rc = xml_parse(r.body.p ? r.body.p : "", r.body.len, doc, e);
	http_response_free(&r);
	return rc;
}

void
aws_free(struct aws *a)
{
	if (a == NULL)
		return;
	creds_free(&a->creds);
	imds_free(&a->imds);
	http_free(&a->http);
	buf_free(&a->region);
	buf_free(&a->url);
	buf_free(&a->host);
	buf_free(&a->path);
}

#include <stdio.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "awsjson.h"
#include "text.h"

/* Keeps messages one printable line. */
static void
copy(char *dst, size_t sz, const char *s, size_t n)
{
	if (sz == 0)
		return;
	snprintf(dst, sz, "%.*s", (int)(n < sz ? n : sz - 1), s);
	text_clean_inplace(dst);
}

int
awsjson_error(const char *body, size_t n, const char *query_error,
    char *code, size_t codesz, char *msg, size_t msgsz)
{
	cJSON *doc = cJSON_ParseWithLength(body ? body : "", body ? n : 0);
	const cJSON *t, *m;
	const char *type = NULL, *hash;
	int r = -1;

	copy(code, codesz, "", 0);
	copy(msg, msgsz, "", 0);
	t = cJSON_GetObjectItemCaseSensitive(doc, "__type");
	if (t == NULL)
		t = cJSON_GetObjectItemCaseSensitive(doc, "code");
	m = cJSON_GetObjectItemCaseSensitive(doc, "message");
	if (m == NULL)
		m = cJSON_GetObjectItemCaseSensitive(doc, "Message");
	if (cJSON_IsString(m))
		copy(msg, msgsz, m->valuestring, strlen(m->valuestring));
	if (cJSON_IsString(t))
		type = t->valuestring;
	if (query_error && strcspn(query_error, ";") > 0) {
		/* "AWS.SimpleQueueService.NonExistentQueue;Sender": the code is before ';'. */
		copy(code, codesz, query_error, strcspn(query_error, ";"));
		r = 0;
	} else if (type && *type) {
		hash = strrchr(type, '#');
		type = hash ? hash + 1 : type;
		/* Some services append ":http://internal.amazon.com/..." */
		copy(code, codesz, type, strcspn(type, ":"));
		r = code[0] ? 0 : -1;
	}
	if (msg[0] == '\0' && doc == NULL)
		copy(msg, msgsz, body ? body : "", body ? (n > 200 ? 200 : n) : 0);
	cJSON_Delete(doc);
	return r;
}

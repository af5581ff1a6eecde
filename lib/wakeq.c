#include <string.h>

#include "names.h"
#include "wakeq.h"

cJSON *
wakeq_list_body(const char *pool, int max, const char *next)
{
	struct buf prefix = BUF_INIT;
	cJSON *b = cJSON_CreateObject();

	if (b == NULL || buf_addf(&prefix, "%s-wake-", pool) || !cJSON_AddStringToObject(b, "QueueNamePrefix", prefix.p) ||
	    !cJSON_AddNumberToObject(b, "MaxResults", max) || (next && !cJSON_AddStringToObject(b, "NextToken", next))) {
		cJSON_Delete(b);
		b = NULL;
	}
	buf_free(&prefix);
	return b;
}

int
wakeq_id_of(const char *url, const char *pool, char *id)
{
	const char *name = strrchr(url, '/');
	size_t n = strlen(pool);

	name = name ? name + 1 : url;
	if (strncmp(name, pool, n) != 0 || strncmp(name + n, "-wake-", 6) != 0)
		return 0;
	name += n + 6;
	/* Another pool may be named POOL-wake-...: only an exact id counts. */
	if (strlen(name) > 19 || !names_instance_id(name))
		return 0;
	memcpy(id, name, strlen(name) + 1);
	return 1;
}

const char *
wakeq_next(const cJSON *resp)
{
	const cJSON *t = cJSON_GetObjectItem(resp, "NextToken");

	return cJSON_IsString(t) && *t->valuestring ? t->valuestring : NULL;
}

cJSON *
wakeq_delete_body(const char *url)
{
	cJSON *b = cJSON_CreateObject();

	if (b == NULL || !cJSON_AddStringToObject(b, "QueueUrl", url)) {
		cJSON_Delete(b);
		return NULL;
	}
	return b;
}

int
wakeq_url(struct buf *out, const char *known, const char *pool, const char *id)
{
	const char *name = strrchr(known, '/');
	char was[20];

	if (name == NULL || !wakeq_id_of(known, pool, was) || !names_instance_id(id))
		return -1;
	buf_reset(out);
	return buf_addf(out, "%.*s%s-wake-%s", (int)(name + 1 - known), known, pool, id);
}

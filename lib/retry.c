#include <string.h>

#include "num.h"
#include "retry.h"

static int
in_list(const char *code, const char *const *list)
{
	if (code == NULL || *code == '\0')
		return 0;
	for (; *list; list++)
		if (strcmp(code, *list) == 0)
			return 1;
	return 0;
}

int
retry_throttling_code(const char *code)
{
	static const char *const list[] = { "Throttling", "ThrottlingException", "ThrottledException",
		"RequestThrottledException", "TooManyRequestsException",
		"ProvisionedThroughputExceededException", "TransactionInProgressException",
		"RequestLimitExceeded", "BandwidthLimitExceeded", "LimitExceededException",
		"RequestThrottled", "SlowDown", "PriorRequestNotComplete", "EC2ThrottledException",
		"AWS.SimpleQueueService.RequestThrottled", NULL };

	return in_list(code, list);
}

int
retry_transient_code(const char *code)
{
	static const char *const list[] = { "RequestTimeout", "RequestTimeoutException",
		"InternalError", "InternalFailure", "InternalServerError", "ServiceUnavailable",
		"Unavailable", "IDPCommunicationError", "InsufficientInstanceCapacity_Transient", NULL };

	return in_list(code, list);
}

int
retry_skew_code(const char *code)
{
	static const char *const list[] = { "RequestTimeTooSkewed", "RequestExpired",
		"RequestInTheFuture", "InvalidSignatureException", "SignatureDoesNotMatch",
		"AuthFailure", NULL };

	return in_list(code, list);
}

int
retry_max_attempts(const char *value, int *out)
{
	long long v;

	if (value == NULL || *value == '\0') {
		*out = 3;
		return 0;
	}
	if (num_parse(value, 1, 20, &v))
		return -1;
	*out = (int)v;
	return 0;
}

int
retry_classify(long status, const char *code)
{
	if (retry_throttling_code(code) || status == 429)
		return RETRY_THROTTLE;
	if (status == 0 || status == 500 || status == 502 || status == 503 || status == 504 ||
	    retry_transient_code(code))
		return RETRY_TRANSIENT;
	return RETRY_NO;
}

long
retry_delay_ms(int failures, int kind, double rnd)
{
	double base = kind == RETRY_THROTTLE ? 500.0 : 100.0, cap = 20000.0, ceiling = base;
	int i;

	for (i = 1; i < failures && ceiling < cap; i++)
		ceiling *= 2;
	if (ceiling > cap)
		ceiling = cap;
	if (rnd < 0)
		rnd = 0;
	if (rnd >= 1)
		rnd = 0.999999;
	return (long)(rnd * ceiling);
}

double
retry_jitter(unsigned long *state)
{
	unsigned long x = *state ? *state : 0x9e3779b9UL;

	x ^= x << 13;
	x ^= x >> 7;
	x ^= x << 17;
	*state = x;
	return (double)(x % 1000000UL) / 1000000.0;
}

/* retry: the AWS standard retry mode's decisions, pure. What is worth
 * retrying, how long to wait, and which errors mean our clock is off. */
#ifndef EC2RP_RETRY_H
#define EC2RP_RETRY_H

enum retry_kind {
	RETRY_NO = 0,        /* a refusal: the same request fails again */
	RETRY_TRANSIENT = 1, /* transport error, 5xx, transient code */
	RETRY_THROTTLE = 2   /* throttling code or 429 */
};

/* Parses AWS_MAX_ATTEMPTS (NULL or "" gives the default 3): 1..20.
 * 0, or -1 if malformed. */
int retry_max_attempts(const char *value, int *out);
/* status 0 means no response (transport error). */
int retry_classify(long status, const char *code);
int retry_throttling_code(const char *code);
int retry_transient_code(const char *code);
/* Clock-skew errors: re-signing with a corrected time fixes them. */
int retry_skew_code(const char *code);
/* Full jitter: random(0, min(20 s, base * 2^(failures-1))), base 500 ms
 * for throttling and 100 ms otherwise; rnd in [0, 1). */
long retry_delay_ms(int failures, int kind, double rnd);
/* The next number in [0, 1) of a xorshift sequence kept in *state (seed it
 * non-zero): jitter needs spread, not secrecy. */
double retry_jitter(unsigned long *state);

#endif

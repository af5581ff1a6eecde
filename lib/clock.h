/* clock: the two things programs need from time: now, and sleeping. Library
 * modules take these as function pointers so tests can replace them. */
#ifndef EC2RP_CLOCK_H
#define EC2RP_CLOCK_H

long long clock_now(void);     /* epoch seconds */
long long clock_now_ms(void);  /* epoch milliseconds */
void clock_sleep_ms(long ms);  /* sleeps the whole time, even if interrupted */
unsigned long clock_seed(void); /* a non-zero seed for backoff jitter, from the nanoseconds */

#endif

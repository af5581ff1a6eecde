#include <time.h>

#include "clock.h"

long long
clock_now(void)
{
	return (long long)time(NULL);
}

long long
clock_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

void
clock_sleep_ms(long ms)
{
	struct timespec ts;

	ts.tv_sec = ms / 1000;
	ts.tv_nsec = (ms % 1000) * 1000000L;
	while (nanosleep(&ts, &ts) != 0)
		;
}

unsigned long
clock_seed(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (unsigned long)ts.tv_nsec ^ ((unsigned long)ts.tv_sec << 20) ^ 0x9e3779b9UL;
}

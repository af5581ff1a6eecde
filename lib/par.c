#include <pthread.h>

#include "par.h"

struct par {
	pthread_mutex_t lock;
	size_t next, n;
	par_fn fn;
	void *ctx;
};

struct slot {
	struct par *p;
	int worker;
};

/* Takes the next item until none is left. */
static void *
work(void *arg)
{
	struct slot *s = arg;
	struct par *p = s->p;
	size_t i;

	for (;;) {
		pthread_mutex_lock(&p->lock);
		i = p->next < p->n ? p->next++ : p->n;
		pthread_mutex_unlock(&p->lock);
		if (i == p->n)
			return NULL;
		p->fn(p->ctx, i, s->worker);
	}
}

void
par_run(size_t n, int workers, par_fn fn, void *ctx)
{
	struct par p;
	struct slot s[PAR_MAX];
	pthread_t t[PAR_MAX];
	int started[PAR_MAX] = { 0 };
	int w;

	if (workers > PAR_MAX)
		workers = PAR_MAX;
	if ((size_t)workers > n)
		workers = (int)n;
	if (workers < 1)
		workers = 1;
	p.next = 0;
	p.n = n;
	p.fn = fn;
	p.ctx = ctx;
	pthread_mutex_init(&p.lock, NULL);
	for (w = 0; w < workers; w++) {
		s[w].p = &p;
		s[w].worker = w;
		if (w > 0)
			started[w] = pthread_create(&t[w], NULL, work, &s[w]) == 0;
	}
	work(&s[0]);
	for (w = 1; w < workers; w++)
		if (started[w])
			pthread_join(t[w], NULL);
	pthread_mutex_destroy(&p.lock);
}

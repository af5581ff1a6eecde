/* par: one job over many items on a few threads, for a tool that takes many
 * ids and sends one request (or two) for each: the requests go out over a
 * few connections at once instead of one process per id. */
#ifndef EC2RP_PAR_H
#define EC2RP_PAR_H

#include <stddef.h>

/* At most this many threads (and so connections) per tool: enough to hide
 * the round trips of a batch of 50-100, few enough not to look like a
 * flood to a service's per-client limits. */
#define PAR_MAX 8

/* Called once for each item; worker is the caller's slot in [0, workers):
 * fn may use item's and worker's parts of ctx, nothing else shared. */
typedef void (*par_fn)(void *ctx, size_t item, int worker);

/* Calls fn(ctx, i, w) for every i in [0, n), the items taken in order, on
 * up to workers threads (the calling thread is worker 0), and returns when
 * all have run. A thread that cannot be started leaves its share to the
 * others: every item runs whatever happens. */
void par_run(size_t n, int workers, par_fn fn, void *ctx);

#endif

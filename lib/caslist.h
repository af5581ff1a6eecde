/* caslist: the list `state-cas --each` reads, one move a line:
 * ID<TAB>FROM<TAB>RUN, RUN '-' for none. Each line is the move
 * `state-cas --run-id RUN ID FROM TO` makes. Pure: parses text, sends nothing. */
#ifndef EC2RP_CASLIST_H
#define EC2RP_CASLIST_H

#include <stddef.h>

#include "err.h"

struct caslist_move {
	const char *id;     /* an instance id */
	int from;           /* enum state */
	const char *run_id; /* NULL for '-' */
};

/* At most this many lines: ten times the largest pool refresh is measured
 * with (docs/scale.md), and a bound on what one process holds. */
#define CASLIST_MAX 10000

/* Parses text (NUL-terminated; cut in place, the moves point into it) into
 * *moves (malloc'd, the caller frees it; NULL when *n is 0), one per line,
 * for moves to the state to. Every line must hold an instance id, a state
 * from which to is a transition of the table (state_allowed), and a run id
 * or '-', separated by one tab; a run id is required as state_cas_body
 * requires one (all but creation and termination), and refused for a warm
 * creation (none -> idle). The last line's newline is optional; an empty
 * text is no move. 0, or -1 with e (ERR_INPUT, naming the first bad line;
 * ERR_LOCAL out of memory) and *moves NULL. */
int caslist_parse(char *text, int to, struct caslist_move **moves, size_t *n, struct err *e);

#endif

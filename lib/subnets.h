/* subnets: DescribeSubnets for the subnets a pool launches into, and
 * whether they can serve one EC2 Fleet: every one known, all in one VPC
 * (the launch template's security groups belong to one), at most one per
 * Availability Zone ("An EC2 Fleet request can't span different subnets
 * from the same Availability Zone", EC2 User Guide, EC2 Fleet
 * limitations), none given twice. Pure: the caller makes the call (see
 * ec2_subnets). */
#ifndef EC2RP_SUBNETS_H
#define EC2RP_SUBNETS_H

#include "buf.h"
#include "err.h"
#include "fleet.h"
#include "xml.h"

#define SUBNETS_MAX FLEET_MAX_SUBNETS /* one override each */

/* One subnet as DescribeSubnets shows it; "" for a field it leaves out or
 * one too long to be EC2's. */
struct subnets_row {
	char id[32];
	char vpc[32];
	char zone[32];
};

/* Appends the DescribeSubnets body (Action and Version included) for ids (n
 * of them, 1..SUBNETS_MAX) to b. 0, or -1 with e: ERR_INPUT when n or an id
 * has the wrong shape (nothing is written then), ERR_LOCAL when memory runs
 * out. */
int subnets_query(struct buf *b, char *const *ids, int n, struct err *e);

/* Reads the answer into out (room for max rows): the number of subnets it
 * shows (those past max are not kept). Never fails. */
int subnets_parse(const struct xml *doc, struct subnets_row *out, int max);

/* Whether ids (n of them), as rows (nrows) show them, can serve one fleet:
 * 0, or -1 with why (one line naming the id, or the pair, at fault) in msg
 * (sz bytes). rows NULL: only whether an id is given twice. */
int subnets_check(char *const *ids, int n, const struct subnets_row *rows, int nrows, char *msg, size_t sz);

#endif

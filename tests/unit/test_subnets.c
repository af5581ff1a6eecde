/* subnets: the DescribeSubnets body, the rows read from an answer, and
 * whether subnets can serve one fleet, naming the one or the pair at fault. */
#include <stdio.h>
#include <string.h>

#include "subnets.h"
#include "t.h"

static void
test_query(void)
{
	static char *const ids[] = { "subnet-0123456789abcdef0", "subnet-01234567" };
	static char *many[SUBNETS_MAX + 1];
	struct buf b = BUF_INIT;
	struct err e;
	int i;

	t_inteq(subnets_query(&b, ids, 2, &e), 0, "two ids");
	t_streq(b.p, "Action=DescribeSubnets&Version=2016-11-15"
	    "&SubnetId.1=subnet-0123456789abcdef0&SubnetId.2=subnet-01234567", "numbered from 1, in order");
	buf_free(&b);
	for (i = 0; i <= SUBNETS_MAX; i++)
		many[i] = "subnet-01234567";
	t_inteq(subnets_query(&b, many, SUBNETS_MAX, &e), 0, "%d ids", SUBNETS_MAX);
	buf_free(&b);
	t_ok(subnets_query(&b, many, SUBNETS_MAX + 1, &e) == -1 && e.cls == ERR_INPUT && b.len == 0,
	    "%d refused, nothing written", SUBNETS_MAX + 1);
	t_ok(subnets_query(&b, many, 0, &e) == -1 && e.cls == ERR_INPUT && b.len == 0, "none refused");
	many[1] = "subnet-1&Action=RunInstances";
	t_ok(subnets_query(&b, many, 2, &e) == -1 && e.cls == ERR_INPUT && b.len == 0 && strstr(e.msg, "subnet id"),
	    "a bad id among good refused: %s", e.msg);
	buf_free(&b);
}

#define ITEM(id, vpc, az)                                                                              \
	"<item><subnetId>" id "</subnetId><vpcId>" vpc "</vpcId><availabilityZone>" az "</availabilityZone>" \
	"<cidrBlock>172.31.0.0/20</cidrBlock><state>available</state></item>"
#define ANSWER(items) "<DescribeSubnetsResponse xmlns=\"http://ec2.amazonaws.com/doc/2016-11-15/\">" \
	"<requestId>r</requestId><subnetSet>" items "</subnetSet></DescribeSubnetsResponse>"

static void
test_parse(void)
{
	struct xml *x = t_xml(ANSWER(ITEM("subnet-0a", "vpc-1", "us-east-1a") ITEM("subnet-0b", "vpc-1", "us-east-1b")
	    "<item><subnetId>subnet-0c</subnetId></item>"
	    "<item><subnetId>subnet-0123456789abcdef0123456789abcdef</subnetId><vpcId>v&#10;x</vpcId></item>"));
	struct subnets_row r[4];

	t_inteq(subnets_parse(x, r, 4), 4, "four items");
	t_ok(strcmp(r[0].id, "subnet-0a") == 0 && strcmp(r[0].vpc, "vpc-1") == 0 && strcmp(r[0].zone, "us-east-1a") == 0,
	    "id, VPC and zone");
	t_ok(strcmp(r[2].vpc, "") == 0 && strcmp(r[2].zone, "") == 0, "what an item leaves out is empty");
	t_streq(r[3].id, "", "a value too long to be EC2's is empty");
	t_streq(r[3].vpc, "", "and so is one that would break the line");
	t_inteq(subnets_parse(x, r, 1), 1, "no more than the room given");
	xml_free(x);
	x = t_xml(ANSWER(""));
	t_inteq(subnets_parse(x, r, 4), 0, "an empty set");
	xml_free(x);
}

static void
test_check(void)
{
	static const struct subnets_row rows[] = { { "subnet-0a", "vpc-1", "us-east-1a" },
		{ "subnet-0b", "vpc-1", "us-east-1b" }, { "subnet-0c", "vpc-1", "us-east-1b" },
		{ "subnet-0d", "vpc-2", "us-east-1c" }, { "subnet-0e", "", "us-east-1d" } };
	char *ids[3];
	char msg[256];

	ids[0] = "subnet-0a", ids[1] = "subnet-0b";
	t_inteq(subnets_check(ids, 2, rows, 5, msg, sizeof(msg)), 0, "two zones, one VPC: fine");
	t_inteq(subnets_check(ids, 1, rows, 5, msg, sizeof(msg)), 0, "one subnet: fine");
	ids[1] = "subnet-0a";
	t_inteq(subnets_check(ids, 2, NULL, 0, msg, sizeof(msg)), -1, "twice, without asking EC2");
	t_streq(msg, "subnet-0a is given twice", "names it");
	ids[0] = "subnet-0b", ids[1] = "subnet-0a", ids[2] = "subnet-0c";
	t_inteq(subnets_check(ids, 3, NULL, 0, msg, sizeof(msg)), 0, "no rows: only twice is checked");
	t_inteq(subnets_check(ids, 3, rows, 5, msg, sizeof(msg)), -1, "two in one zone");
	t_streq(msg, "subnet-0b and subnet-0c are both in us-east-1b: an EC2 Fleet cannot span two subnets "
	    "of one Availability Zone", "names the pair and the zone");
	ids[0] = "subnet-0a", ids[1] = "subnet-0d";
	t_inteq(subnets_check(ids, 2, rows, 5, msg, sizeof(msg)), -1, "two VPCs");
	t_streq(msg, "subnet-0a (vpc-1) and subnet-0d (vpc-2) are in different VPCs: a pool's subnets share one",
	    "names the pair and their VPCs");
	ids[1] = "subnet-0f";
	t_inteq(subnets_check(ids, 2, rows, 5, msg, sizeof(msg)), -1, "one EC2 did not show");
	t_streq(msg, "EC2 does not show subnet subnet-0f with its VPC and zone", "names it");
	ids[1] = "subnet-0e";
	t_inteq(subnets_check(ids, 2, rows, 5, msg, sizeof(msg)), -1, "one shown without its VPC");
	t_inteq(subnets_check(ids, 1, rows, 0, msg, sizeof(msg)), -1, "an empty answer shows none");
}

int
main(void)
{
	test_query();
	test_parse();
	test_check();
	return t_done();
}

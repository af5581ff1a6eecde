/* fleet: the CreateFleet body from a launch request, and the instances and
 * errors read back from its answer. */
#include <stdio.h>
#include <string.h>

#include "fleet.h"
#include "t.h"

static const struct rclass large = { "large", 4, 16384, 0 };
static const struct rclass graviton = { "arm", 4, 8192, 1 };

static struct fleet_req
req(void)
{
	struct fleet_req r;

	memset(&r, 0, sizeof(r));
	r.template = "ci1";
	r.count = 3;
	r.usage = "on-demand";
	r.subnets = "";
	r.globs = "";
	r.rc = &large;
	r.pool = "ci1";
	r.run_id = "42-2";
	return r;
}

/* 1 if body has "&name=value" (or starts with "name=value"). */
static int
has(const char *body, const char *pair)
{
	size_t n = strlen(pair);
	const char *p = body;

	while ((p = strstr(p, pair)) != NULL) {
		if ((p == body || p[-1] == '&') && (p[n] == '&' || p[n] == '\0'))
			return 1;
		p++;
	}
	return 0;
}

static void
test_query(void)
{
	struct fleet_req r = req();
	struct buf b = BUF_INIT;
	struct err e;

	t_inteq(fleet_query(&b, &r, &e), 0, "plain request built");
	t_ok(strncmp(b.p, "Action=CreateFleet&Version=2016-11-15&Type=instant&", 51) == 0, "action, version, instant");
	t_ok(has(b.p, "TargetCapacitySpecification.TotalTargetCapacity=3") &&
	    has(b.p, "TargetCapacitySpecification.DefaultTargetCapacityType=on-demand"), "capacity 3 on-demand");
	t_ok(!strstr(b.p, "SpotOptions"), "no spot options on demand");
	t_ok(has(b.p, "LaunchTemplateConfigs.1.LaunchTemplateSpecification.LaunchTemplateName=ci1") &&
	    has(b.p, "LaunchTemplateConfigs.1.LaunchTemplateSpecification.Version=%24Default"), "template $Default, encoded");
	t_ok(has(b.p, "LaunchTemplateConfigs.1.Overrides.1.InstanceRequirements.VCpuCount.Min=4") &&
	    has(b.p, "LaunchTemplateConfigs.1.Overrides.1.InstanceRequirements.VCpuCount.Max=4") &&
	    has(b.p, "LaunchTemplateConfigs.1.Overrides.1.InstanceRequirements.MemoryMiB.Min=16384"),
	    "one override: exact vCPU, least memory");
	t_ok(!strstr(b.p, "ImageId") && !strstr(b.p, "CpuManufacturer"), "x86-64: the template's AMI decides");
	buf_free(&b);
	r.rc = &graviton;
	r.image = "ami-0123456789abcdef1";
	t_inteq(fleet_query(&b, &r, &e), 0, "arm64 request built");
	t_ok(has(b.p, "LaunchTemplateConfigs.1.Overrides.1.ImageId=ami-0123456789abcdef1"), "arm64: its own AMI in the override");
	buf_free(&b);
	r = req();
	t_inteq(fleet_query(&b, &r, &e), 0, "plain request again");
	t_ok(!strstr(b.p, "MemoryMiB.Max") && !strstr(b.p, "SubnetId") && !strstr(b.p, "Overrides.2") &&
	    !strstr(b.p, "AllowedInstanceType"), "no memory cap, subnet, second override or types");
	t_ok(!strstr(b.p, "ClientToken"), "no client token unless given");
	t_ok(has(b.p, "TagSpecification.1.ResourceType=instance") &&
	    has(b.p, "TagSpecification.1.Tag.1.Key=ec2-runner-pool%3Apool") && has(b.p, "TagSpecification.1.Tag.1.Value=ci1") &&
	    has(b.p, "TagSpecification.1.Tag.2.Key=ec2-runner-pool%3Arun-id") &&
	    has(b.p, "TagSpecification.1.Tag.2.Value=42-2") &&
	    has(b.p, "TagSpecification.1.Tag.3.Key=ec2-runner-pool%3Aresource-class") &&
	    has(b.p, "TagSpecification.1.Tag.3.Value=large"), "the three tags");
	buf_free(&b);

	r.usage = "spot";
	r.subnets = "subnet-0123456789abcdef0,subnet-01234567";
	r.globs = "m6i.*,c7?.xlarge";
	t_inteq(fleet_query(&b, &r, &e), 0, "spot, two subnets, two globs");
	t_ok(has(b.p, "TargetCapacitySpecification.DefaultTargetCapacityType=spot") &&
	    has(b.p, "SpotOptions.AllocationStrategy=price-capacity-optimized"), "spot with a strategy");
	t_ok(has(b.p, "LaunchTemplateConfigs.1.Overrides.1.SubnetId=subnet-0123456789abcdef0") &&
	    has(b.p, "LaunchTemplateConfigs.1.Overrides.2.SubnetId=subnet-01234567") && !strstr(b.p, "Overrides.3"),
	    "one override per subnet");
	t_ok(has(b.p, "LaunchTemplateConfigs.1.Overrides.2.InstanceRequirements.VCpuCount.Min=4") &&
	    has(b.p, "LaunchTemplateConfigs.1.Overrides.2.InstanceRequirements.MemoryMiB.Min=16384"),
	    "each override has the requirements");
	t_ok(has(b.p, "LaunchTemplateConfigs.1.Overrides.1.InstanceRequirements.AllowedInstanceType.1=m6i.%2A") &&
	    has(b.p, "LaunchTemplateConfigs.1.Overrides.2.InstanceRequirements.AllowedInstanceType.2=c7%3F.xlarge"),
	    "globs in each override, numbered from 1, under the model's wire name");
	/* EC2's model: the list's locationName is AllowedInstanceType; the
	 * member name, plural, is an UnknownParameter on the wire. */
	t_ok(!strstr(b.p, "AllowedInstanceTypes"), "never the member name AllowedInstanceTypes");
	buf_free(&b);

	r.client_token = "ec2rp-42-2-0123456789abcdef";
	t_inteq(fleet_query(&b, &r, &e), 0, "with a client token");
	t_ok(has(b.p, "ClientToken=ec2rp-42-2-0123456789abcdef"), "ClientToken sent");
	buf_free(&b);
	r.client_token = "has space";
	t_inteq(fleet_query(&b, &r, &e), -1, "a token with a space is refused");
	t_inteq(e.cls, ERR_INPUT, "as bad input");
	t_ok(b.len == 0, "and nothing was written");
	r.client_token = "0123456789012345678901234567890123456789012345678901234567890123x";
	t_inteq(fleet_query(&b, &r, &e), -1, "a 65-character token is refused");
	r.client_token = "0123456789012345678901234567890123456789012345678901234567890123";
	t_inteq(fleet_query(&b, &r, &e), 0, "a 64-character token is fine");
	buf_free(&b);
	r.client_token = NULL;
}

static void
test_query_refused(void)
{
	static const char *const bad_subnets[] = { "subnet-1", "subnet-0123456789ABCDEF0", "subnet-01234567,",
		",subnet-01234567", "subnet-01234567,,subnet-01234568", "sg-01234567", "subnet-01234567;x", NULL };
	static const char *const bad_globs[] = { "M5.*", "m5,", "m5 .large", "abcdefghijklmnopqrstuvwxyz01234", NULL };
	struct rclass odd = { "Bad", 2, 4096, 0 };
	struct fleet_req r;
	struct buf b = BUF_INIT;
	struct err e;
	char many[512], big[FLEET_MAX_GLOBS * 5];
	int i;

	r = req();
	r.count = 0;
	t_ok(fleet_query(&b, &r, &e) == -1 && e.cls == ERR_INPUT && b.len == 0, "count 0 refused, nothing built");
	r.count = FLEET_MAX + 1;
	t_ok(fleet_query(&b, &r, &e) == -1 && strstr(e.msg, "count"), "count 101 refused, named");
	r = req();
	r.usage = "reserved";
	t_ok(fleet_query(&b, &r, &e) == -1 && strstr(e.msg, "usage"), "unknown usage class refused");
	for (i = 0; bad_subnets[i]; i++) {
		r = req();
		r.subnets = bad_subnets[i];
		t_ok(fleet_query(&b, &r, &e) == -1 && strstr(e.msg, "subnet"), "subnets '%s' refused", bad_subnets[i]);
	}
	for (i = 0; bad_globs[i]; i++) {
		r = req();
		r.globs = bad_globs[i];
		t_ok(fleet_query(&b, &r, &e) == -1 && strstr(e.msg, "types"), "globs '%s' refused", bad_globs[i]);
	}
	/* 21 subnets: one past the limit. */
	many[0] = '\0';
	for (i = 0; i < FLEET_MAX_SUBNETS + 1; i++)
		snprintf(many + strlen(many), sizeof(many) - strlen(many), "%ssubnet-%08x", i ? "," : "", i);
	r = req();
	r.subnets = many;
	t_ok(fleet_query(&b, &r, &e) == -1, "%d subnets refused", FLEET_MAX_SUBNETS + 1);
	many[strlen(many) - strlen(",subnet-00000014")] = '\0';
	t_inteq(fleet_query(&b, &r, &e), 0, "%d subnets taken", FLEET_MAX_SUBNETS);
	t_ok(strstr(b.p, "Overrides.20.SubnetId=subnet-00000013") != NULL, "the last one is override 20");
	buf_free(&b);
	r = req();
	r.run_id = "a b";
	t_ok(fleet_query(&b, &r, &e) == -1 && b.len == 0, "malformed run id refused");
	/* EC2's model takes at most 400 AllowedInstanceTypes: 401 globs are
	 * refused before anything is built, 400 are sent. */
	big[0] = '\0';
	for (i = 0; i < FLEET_MAX_GLOBS + 1; i++)
		snprintf(big + strlen(big), sizeof(big) - strlen(big), "%sc%d", i ? "," : "", i);
	r = req();
	r.globs = big;
	t_ok(fleet_query(&b, &r, &e) == -1 && b.len == 0 && strstr(e.msg, "at most 400"), "401 globs refused (%s)", e.msg);
	*strrchr(big, ',') = '\0';
	t_inteq(fleet_query(&b, &r, &e), 0, "400 globs taken");
	t_ok(strstr(b.p, "AllowedInstanceType.400=c399") != NULL, "the last one is AllowedInstanceType.400");
	buf_free(&b);

	r = req();
	r.rc = &odd;
	t_ok(fleet_query(&b, &r, &e) == -1, "malformed class name refused");
	r = req();
	r.template = "";
	t_ok(fleet_query(&b, &r, &e) == -1, "empty template refused");
}

static void
test_parse(void)
{
	struct fleet_result r;
	struct xml *x;

	x = t_xml("<CreateFleetResponse xmlns=\"http://ec2.amazonaws.com/doc/2016-11-15/\"><requestId>r</requestId>"
	    "<fleetId>fleet-1</fleetId><errorSet/><fleetInstanceSet>"
	    "<item><instanceIds><item>i-0123456789abcdef0</item><item>i-0123456789abcdef1</item></instanceIds>"
	    "<instanceType>m6i.xlarge</instanceType><launchTemplateAndOverrides><overrides>"
	    "<subnetId>subnet-01234567</subnetId></overrides></launchTemplateAndOverrides></item>"
	    "<item><instanceIds><item>i-01234567</item></instanceIds><instanceType>c6i.xlarge</instanceType></item>"
	    "</fleetInstanceSet></CreateFleetResponse>");
	t_ok(x != NULL, "answer parsed");
	fleet_parse(x, &r);
	t_inteq(r.n, 3, "three instances over two items");
	t_streq(r.in[0].id, "i-0123456789abcdef0", "first id");
	t_streq(r.in[1].type, "m6i.xlarge", "type of the item");
	t_streq(r.in[1].subnet, "subnet-01234567", "subnet of the override");
	t_streq(r.in[2].id, "i-01234567", "short id");
	t_streq(r.in[2].subnet, "-", "no subnet given: -");
	t_ok(r.errors == 0 && r.dropped == 0 && r.code[0] == '\0' && !r.temporary, "no errors");
	xml_free(x);

	x = t_xml("<CreateFleetResponse><errorSet>"
	    "<item><errorCode>InsufficientInstanceCapacity</errorCode><errorMessage>none in 1a</errorMessage></item>"
	    "<item><errorCode>InsufficientInstanceCapacity</errorCode><errorMessage>none in 1b</errorMessage></item>"
	    "</errorSet><fleetInstanceSet><item><instanceIds><item>i-01234567</item></instanceIds>"
	    "<instanceType>t3.small</instanceType></item></fleetInstanceSet></CreateFleetResponse>");
	fleet_parse(x, &r);
	t_ok(r.n == 1 && r.errors == 2 && r.temporary, "only capacity errors: temporary");
	t_streq(r.code, "InsufficientInstanceCapacity", "capacity code");
	t_streq(r.msg, "none in 1a", "the first message");
	t_streq(r.where, "", "errors without overrides name no place");
	xml_free(x);

	/* The overrides of the errors: each type and zone (else subnet) once. */
#define ERR_AT(type, zone, subnet) "<item><launchTemplateAndOverrides><overrides><instanceType>" type \
	"</instanceType><subnetId>" subnet "</subnetId>" zone "</overrides></launchTemplateAndOverrides>" \
	"<lifecycle>spot</lifecycle><errorCode>InsufficientInstanceCapacity</errorCode><errorMessage>m</errorMessage></item>"
	x = t_xml("<CreateFleetResponse><errorSet>"
	    ERR_AT("m6i.large", "<availabilityZone>us-east-1a</availabilityZone>", "subnet-0123456a")
	    ERR_AT("m6i.large", "<availabilityZone>us-east-1a</availabilityZone>", "subnet-0123456a")
	    ERR_AT("c6i.large", "", "subnet-0123456b")
	    "</errorSet><fleetInstanceSet/></CreateFleetResponse>");
	fleet_parse(x, &r);
	t_streq(r.where, "m6i.large in us-east-1a, c6i.large in subnet-0123456b", "where they failed, each once (%s)", r.where);
	xml_free(x);
	{
		struct buf many = BUF_INIT;
		int k;

		buf_adds(&many, "<CreateFleetResponse><errorSet>");
		for (k = 0; k < 40; k++)
			buf_addf(&many, ERR_AT("m%d.large", "<availabilityZone>us-east-1a</availabilityZone>", "subnet-0123456a"), k);
		buf_adds(&many, "</errorSet><fleetInstanceSet/></CreateFleetResponse>");
		x = t_xml(many.p);
		fleet_parse(x, &r);
		t_ok(strlen(r.where) < sizeof(r.where) && strcmp(r.where + strlen(r.where) - 3, "...") == 0 &&
		    strstr(r.where, "m0.large in us-east-1a") == r.where, "40 places: the first ones, then '...' (%zu bytes)",
		    strlen(r.where));
		t_ok(r.errors == 40, "all 40 errors counted");
		xml_free(x);
		buf_free(&many);
	}
#undef ERR_AT

	x = t_xml("<CreateFleetResponse><errorSet>"
	    "<item><errorCode>InsufficientInstanceCapacity</errorCode><errorMessage>none</errorMessage></item>"
	    "<item><errorCode>InvalidSubnetID.NotFound</errorCode><errorMessage>no\nsuch subnet</errorMessage></item>"
	    "<item><errorCode>InvalidFleetConfiguration</errorCode><errorMessage>later</errorMessage></item>"
	    "</errorSet><fleetInstanceSet/></CreateFleetResponse>");
	fleet_parse(x, &r);
	t_ok(r.n == 0 && r.errors == 3 && !r.temporary, "a configuration error: permanent");
	t_streq(r.code, "InvalidSubnetID.NotFound", "the first error that waiting will not fix");
	t_streq(r.msg, "no such subnet", "message made one line");
	xml_free(x);

	x = t_xml("<CreateFleetResponse><fleetInstanceSet><item><instanceIds>"
	    "<item>i-XYZ</item><item></item><item>i-0123456789abcdef0\t</item><item>i-89abcdef</item>"
	    "</instanceIds><instanceType>a b</instanceType><launchTemplateAndOverrides><overrides>"
	    "<subnetId>subnet-0123456789abcdef0123456789abcdef0</subnetId></overrides></launchTemplateAndOverrides>"
	    "</item></fleetInstanceSet></CreateFleetResponse>");
	fleet_parse(x, &r);
	t_ok(r.n == 1 && r.dropped == 3, "malformed ids dropped and counted");
	t_streq(r.in[0].id, "i-89abcdef", "the good one kept");
	t_streq(r.in[0].type, "-", "odd type replaced");
	t_streq(r.in[0].subnet, "-", "overlong subnet replaced");
	xml_free(x);

	x = t_xml("<CreateFleetResponse/>");
	fleet_parse(x, &r);
	t_ok(r.n == 0 && r.errors == 0 && r.dropped == 0 && !r.temporary, "empty answer: nothing, not temporary");
	xml_free(x);
	fleet_parse(NULL, &r);
	t_ok(r.n == 0 && r.errors == 0, "no document: nothing");
}

static void
test_parse_many(void)
{
	struct fleet_result r;
	struct buf b = BUF_INIT;
	struct xml *x;
	int i;

	buf_adds(&b, "<CreateFleetResponse><fleetInstanceSet><item><instanceIds>");
	for (i = 0; i < FLEET_MAX + 5; i++)
		buf_addf(&b, "<item>i-%08x</item>", i);
	buf_adds(&b, "</instanceIds><instanceType>t3.small</instanceType></item></fleetInstanceSet></CreateFleetResponse>");
	x = t_xml(b.p);
	fleet_parse(x, &r);
	t_ok(r.n == FLEET_MAX && r.dropped == 5, "ids past %d counted, not kept", FLEET_MAX);
	t_streq(r.in[FLEET_MAX - 1].id, "i-00000063", "the 100th kept");
	xml_free(x);
	buf_free(&b);
}

static void
test_capacity(void)
{
	t_ok(fleet_capacity_code("InsufficientInstanceCapacity") && fleet_capacity_code("MaxSpotInstanceCountExceeded") &&
	    fleet_capacity_code("UnfulfillableCapacity"), "capacity codes");
	t_ok(!fleet_capacity_code("InvalidFleetConfiguration") && !fleet_capacity_code("") &&
	    !fleet_capacity_code("InsufficientInstanceCapacityX") && !fleet_capacity_code("UnauthorizedOperation"),
	    "other codes are not capacity");
}

int
main(void)
{
	test_query();
	test_query_refused();
	test_parse();
	test_parse_many();
	test_capacity();
	return t_done();
}

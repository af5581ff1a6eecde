#include <stdio.h>
#include <string.h>

#include "ec2api.h"
#include "fleet.h"
#include "names.h"
#include "poolmsg.h"
#include "query.h"
#include "text.h"

/* Copies the next comma-separated item of *list into one (at most max
 * characters) and moves past it. 0, or -1 when it is empty or too long. */
static int
next_item(const char **list, char *one, size_t max)
{
	size_t len = strcspn(*list, ",");

	if (len == 0 || len > max)
		return -1;
	memcpy(one, *list, len);
	one[len] = '\0';
	*list += len + ((*list)[len] == ',');
	return 0;
}

static int
valid_subnet(const char *s)
{
	return names_ec2_id(s, "subnet-");
}

/* Counts the items of a comma-separated list, each checked; -1 if one is bad. */
static int
count_items(const char *list, size_t max, int (*ok)(const char *))
{
	char one[64];
	int n = 0;

	if (*list && list[strlen(list) - 1] == ',')
		return -1;
	while (*list) {
		if (next_item(&list, one, max) || (ok && !ok(one)))
			return -1;
		n++;
	}
	return n;
}

/* EC2 takes up to 64 ASCII characters; ours are printable, no spaces. */
static int
valid_token(const char *t)
{
	size_t n = strlen(t), i;

	if (n < 1 || n > FLEET_MAX_TOKEN)
		return 0;
	for (i = 0; i < n; i++)
		if (t[i] <= ' ' || t[i] > '~')
			return 0;
	return 1;
}

static int
overrides(struct buf *b, const struct fleet_req *r, int sub, const char *subnet)
{
	const char *pre = "LaunchTemplateConfigs.1.Overrides";
	const char *g = r->globs;
	char num[16], one[64];
	int j = 1, rc = 0;

	if (subnet)
		rc |= query_addf(b, subnet, "%s.%d.SubnetId", pre, sub);
	/* vCPU exact, memory at least: the class says what a job needs. */
	snprintf(num, sizeof(num), "%d", r->rc->cpu);
	rc |= query_addf(b, num, "%s.%d.InstanceRequirements.VCpuCount.Min", pre, sub);
	rc |= query_addf(b, num, "%s.%d.InstanceRequirements.VCpuCount.Max", pre, sub);
	snprintf(num, sizeof(num), "%d", r->rc->mem);
	rc |= query_addf(b, num, "%s.%d.InstanceRequirements.MemoryMiB.Min", pre, sub);
	while (*g && next_item(&g, one, 30) == 0)
		/* The list's wire name is its locationName in EC2's model, singular. */
		rc |= query_addf(b, one, "%s.%d.InstanceRequirements.AllowedInstanceType.%d", pre, sub, j++);
	/* The AMI decides the architecture: EC2 picks only the types it can
	 * boot (InstanceRequirements, EC2 API reference), so an arm64 class
	 * needs only its own AMI. */
	if (r->image)
		rc |= query_addf(b, r->image, "%s.%d.ImageId", pre, sub);
	return rc;
}

int
fleet_query(struct buf *b, const struct fleet_req *r, struct err *e)
{
	const char *s = r->subnets;
	char num[16], one[64];
	int nsub, nglob, i, rc = 0;

	if (r->count < 1 || r->count > FLEET_MAX) {
		err_set(e, ERR_INPUT, "count must be 1 to %d", FLEET_MAX);
		return -1;
	}
	if (strcmp(r->usage, "spot") != 0 && strcmp(r->usage, "on-demand") != 0) {
		err_set(e, ERR_INPUT, "usage class must be spot or on-demand");
		return -1;
	}
	if ((nsub = count_items(r->subnets, 24, valid_subnet)) < 0 || nsub > FLEET_MAX_SUBNETS) {
		err_set(e, ERR_INPUT, "subnets: at most %d comma-separated subnet-<hex> ids", FLEET_MAX_SUBNETS);
		return -1;
	}
	if (*r->globs && !poolmsg_valid_globs(r->globs)) {
		nglob = -1;
	} else {
		nglob = count_items(r->globs, 30, NULL);
	}
	if (nglob < 0 || nglob > FLEET_MAX_GLOBS) {
		err_set(e, ERR_INPUT, "allowed types: at most %d comma-separated globs of a-z 0-9 . - * ?, each at most 30",
		    FLEET_MAX_GLOBS);
		return -1;
	}
	if (!names_pool(r->template) || !names_pool(r->pool) || !names_run_id(r->run_id) ||
	    !names_class(r->rc->name)) {
		err_set(e, ERR_INPUT, "template, pool, run id or class name is malformed");
		return -1;
	}
	if (r->client_token && *r->client_token && !valid_token(r->client_token)) {
		err_set(e, ERR_INPUT, "client token: 1-%d printable ASCII characters", FLEET_MAX_TOKEN);
		return -1;
	}
	rc |= query_add(b, "Action", "CreateFleet");
	rc |= query_add(b, "Version", EC2_VERSION);
	rc |= query_add(b, "Type", "instant");
	/* A retry after a lost answer must not launch a second fleet. */
	if (r->client_token && *r->client_token)
		rc |= query_add(b, "ClientToken", r->client_token);
	snprintf(num, sizeof(num), "%d", r->count);
	rc |= query_add(b, "TargetCapacitySpecification.TotalTargetCapacity", num);
	rc |= query_add(b, "TargetCapacitySpecification.DefaultTargetCapacityType", r->usage);
	if (strcmp(r->usage, "spot") == 0)
		rc |= query_add(b, "SpotOptions.AllocationStrategy", "price-capacity-optimized");
	rc |= query_add(b, "LaunchTemplateConfigs.1.LaunchTemplateSpecification.LaunchTemplateName", r->template);
	rc |= query_add(b, "LaunchTemplateConfigs.1.LaunchTemplateSpecification.Version", "$Default");
	/* One override per subnet, or one without a subnet: each carries the requirements. */
	if (nsub == 0)
		rc |= overrides(b, r, 1, NULL);
	for (i = 1; i <= nsub && next_item(&s, one, 24) == 0; i++)
		rc |= overrides(b, r, i, one);
	rc |= query_add(b, "TagSpecification.1.ResourceType", "instance");
	rc |= query_add(b, "TagSpecification.1.Tag.1.Key", EC2_TAG_POOL);
	rc |= query_add(b, "TagSpecification.1.Tag.1.Value", r->pool);
	rc |= query_add(b, "TagSpecification.1.Tag.2.Key", EC2_TAG_RUN);
	rc |= query_add(b, "TagSpecification.1.Tag.2.Value", r->run_id);
	rc |= query_add(b, "TagSpecification.1.Tag.3.Key", EC2_TAG_CLASS);
	rc |= query_add(b, "TagSpecification.1.Tag.3.Value", r->rc->name);
	if (rc) {
		err_set(e, ERR_LOCAL, "out of memory");
		return -1;
	}
	return 0;
}

int
fleet_capacity_code(const char *code)
{
	static const char *const cap[] = { "InsufficientInstanceCapacity", "InsufficientHostCapacity",
		"InsufficientCapacity", "InsufficientCapacityOnHost", "MaxSpotInstanceCountExceeded",
		"SpotMaxPriceTooLow", "UnfulfillableCapacity", "capacity-not-available", NULL };
	int i;

	for (i = 0; cap[i]; i++)
		if (strcmp(code, cap[i]) == 0)
			return 1;
	return 0;
}

/* Copies an answer's value if it is short and printable, else "-". */
static void
field(char *dst, size_t n, const char *src)
{
	size_t len = strlen(src), i;

	for (i = 0; i < len; i++)
		if ((unsigned char)src[i] <= ' ' || (unsigned char)src[i] >= 0x7f)
			break;
	if (len == 0 || len >= n || i < len)
		snprintf(dst, n, "-");
	else
		memcpy(dst, src, len + 1);
}


/* Adds "TYPE in PLACE" for an error's override to r->where, once. */
static void
add_where(struct fleet_result *r, const struct xml *item)
{
	char type[32], place[32], one[80];
	size_t len = strlen(r->where);
	const char *zone = xml_text(item, "launchTemplateAndOverrides/overrides/availabilityZone");

	field(type, sizeof(type), xml_text(item, "launchTemplateAndOverrides/overrides/instanceType"));
	field(place, sizeof(place), *zone ? zone : xml_text(item, "launchTemplateAndOverrides/overrides/subnetId"));
	if (strcmp(type, "-") == 0 && strcmp(place, "-") == 0)
		return;
	snprintf(one, sizeof(one), "%s in %s", type, place);
	if (strstr(r->where, one) != NULL)
		return;
	if (len + strlen(one) + 3 >= sizeof(r->where)) {
		if (len + 4 < sizeof(r->where) && (len < 3 || strcmp(r->where + len - 3, "...") != 0))
			snprintf(r->where + len, sizeof(r->where) - len, "%s...", len ? ", " : "");
		return;
	}
	snprintf(r->where + len, sizeof(r->where) - len, "%s%s", len ? ", " : "", one);
}

void
fleet_parse(const struct xml *doc, struct fleet_result *r)
{
	const struct xml *it, *id;
	int first_other = 1;

	memset(r, 0, sizeof(*r));
	r->temporary = 1;
	for (it = xml_find(doc, "fleetInstanceSet/item"); it; it = xml_next(it))
		for (id = xml_find(it, "instanceIds/item"); id; id = xml_next(id)) {
			struct fleet_instance *in = &r->in[r->n];

			if (r->n == FLEET_MAX || !names_instance_id(id->text)) {
				r->dropped++;
				continue;
			}
			memcpy(in->id, id->text, strlen(id->text) + 1);
			field(in->type, sizeof(in->type), xml_text(it, "instanceType"));
			field(in->subnet, sizeof(in->subnet), xml_text(it, "launchTemplateAndOverrides/overrides/subnetId"));
			if (strcmp(xml_text(it, "lifecycle"), "spot") == 0 || strcmp(xml_text(it, "lifecycle"), "on-demand") == 0)
				snprintf(in->usage, sizeof(in->usage), "%s", xml_text(it, "lifecycle"));
			r->n++;
		}
	for (it = xml_find(doc, "errorSet/item"); it; it = xml_next(it)) {
		const char *code = xml_text(it, "errorCode");
		int cap = fleet_capacity_code(code);

		/* Report the first error that waiting will not fix, if any. */
		if (r->errors == 0 || (!cap && first_other)) {
			snprintf(r->code, sizeof(r->code), "%s", code);
			snprintf(r->msg, sizeof(r->msg), "%s", xml_text(it, "errorMessage"));
			text_clean_inplace(r->code);
			text_clean_inplace(r->msg);
		}
		if (!cap) {
			first_other = 0;
			r->temporary = 0;
		}
		add_where(r, it);
		r->errors++;
	}
	if (r->errors == 0)
		r->temporary = 0;
}

/* fleet: one CreateFleet (Type=instant) request and its answer: the Query
 * parameters from a launch request, and the instances and errors from the
 * response. Pure. */
#ifndef EC2RP_FLEET_H
#define EC2RP_FLEET_H

#include "buf.h"
#include "err.h"
#include "rclass.h"
#include "xml.h"

#define FLEET_MAX 100        /* instances one launch may ask for */
#define FLEET_MAX_SUBNETS 20 /* overrides per request; EC2 allows more, the pool needs fewer */
/* AllowedInstanceTypes per override: at most 400 globs of 1-30 characters
 * (EC2 API reference, InstanceRequirementsRequest; its service model). */
#define FLEET_MAX_GLOBS 400
#define FLEET_MAX_TOKEN 64   /* ClientToken: 1-64 ASCII characters */

struct fleet_req {
	const char *template; /* launch template name; version $Default */
	int count;            /* 1..FLEET_MAX */
	const char *usage;    /* "spot" or "on-demand" */
	const char *subnets;  /* comma-separated subnet ids, "" for the template's */
	const char *globs;    /* comma-separated instance-type globs, "" for any */
	const struct rclass *rc;
	const char *image;    /* AMI for every override (a class of another
	                       * architecture than the template's), or NULL */
	const char *pool, *run_id; /* tag values */
	const char *client_token;  /* idempotency: the same on every retry of one
	                            * launch, another for another launch; NULL or ""
	                            * for none */
};

/* Appends the whole CreateFleet body (Action and Version included) to b.
 * 0, or -1 with e (ERR_INPUT) when the request is outside what it allows. */
int fleet_query(struct buf *b, const struct fleet_req *r, struct err *e);

struct fleet_instance {
	char id[20];     /* i- and 8 or 17 hex */
	char type[32];
	char subnet[32]; /* "-" when the answer does not say */
	char usage[12];  /* the item's lifecycle: "spot" or "on-demand"; "" when
	                  * the answer does not say */
};

struct fleet_result {
	struct fleet_instance in[FLEET_MAX];
	int n;          /* instances with a valid id, at most FLEET_MAX */
	int dropped;    /* ids past FLEET_MAX or malformed: counted, not kept */
	int errors;     /* items of errorSet */
	int temporary;  /* 1 when every error is a lack of capacity */
	char code[64];  /* the first error not about capacity, else the first; "" if none */
	char msg[256];
	char where[256]; /* the overrides the errors name, "TYPE in ZONE" (or subnet),
	                  * comma-separated, each once, cut short at the end; "" if none */
};

/* Reads a CreateFleetResponse (the document aws_query returns). Never fails:
 * what cannot be used is counted in dropped. */
void fleet_parse(const struct xml *doc, struct fleet_result *r);

/* 1 if code says EC2 lacks capacity now (worth trying again later). */
int fleet_capacity_code(const char *code);

#endif

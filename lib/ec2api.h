/* ec2api: the names every EC2 request of the pool uses: the Query API
 * version and the tag keys on the pool's instances. Constants only, so that
 * the pure request modules (fleet, instances, ltemplate) and the client
 * (ec2) share them without the pure ones including the client. */
#ifndef EC2RP_EC2API_H
#define EC2RP_EC2API_H

#define EC2_VERSION "2016-11-15"
#define EC2_TAG_POOL "ec2-runner-pool:pool"
#define EC2_TAG_RUN "ec2-runner-pool:run-id"
#define EC2_TAG_CLASS "ec2-runner-pool:resource-class"

#endif

/* iamrole: the GetRole body, its refusal of bad names, and the ARN read
 * from an answer. */
#include <string.h>

#include "iamrole.h"
#include "t.h"

int
main(void)
{
	struct buf b = BUF_INIT;
	struct err e;
	struct xml *x;
	char long_name[66];

	t_inteq(iamrole_query(&b, IAMROLE_SPOT, &e), 0, "the spot role");
	t_streq(b.p, "Action=GetRole&Version=2010-05-08&RoleName=AWSServiceRoleForEC2Spot", "its body");
	buf_free(&b);
	t_ok(iamrole_valid_name("a+b=c,d.e@f_g-h") && iamrole_valid_name("x"), "IAM's characters");
	memset(long_name, 'r', 65);
	long_name[65] = '\0';
	t_ok(!iamrole_valid_name(long_name) && !iamrole_valid_name("") && !iamrole_valid_name("a b") &&
	    !iamrole_valid_name("a/b") && !iamrole_valid_name("a&Action=x"), "others refused");
	t_ok(iamrole_query(&b, "a&Action=DeleteRole", &e) == -1 && e.cls == ERR_INPUT && b.len == 0,
	    "a bad name: nothing written (%s)", e.msg);
	long_name[64] = '\0';
	t_inteq(iamrole_query(&b, long_name, &e), 0, "64 characters");
	buf_free(&b);
	x = t_xml("<GetRoleResponse xmlns=\"https://iam.amazonaws.com/doc/2010-05-08/\"><GetRoleResult><Role>"
	    "<Path>/aws-service-role/spot.amazonaws.com/</Path><RoleName>AWSServiceRoleForEC2Spot</RoleName>"
	    "<Arn>arn:aws:iam::123456789012:role/aws-service-role/spot.amazonaws.com/AWSServiceRoleForEC2Spot</Arn>"
	    "</Role></GetRoleResult></GetRoleResponse>");
	t_streq(iamrole_arn(x), "arn:aws:iam::123456789012:role/aws-service-role/spot.amazonaws.com/AWSServiceRoleForEC2Spot",
	    "the ARN");
	xml_free(x);
	x = t_xml("<GetRoleResponse><GetRoleResult/></GetRoleResponse>");
	t_streq(iamrole_arn(x), "", "none: empty");
	xml_free(x);
	return t_done();
}

#include <stdlib.h>
#include <string.h>

#include "t.h"
#include "xml.h"

static const char describe[] =
    "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
    "<DescribeInstancesResponse xmlns=\"http://ec2.amazonaws.com/doc/2016-11-15/\">\n"
    "  <requestId>8f7724cf-496f-496e-8fe3-example</requestId>\n"
    "  <reservationSet><item><reservationId>r-1</reservationId>\n"
    "    <instancesSet>\n"
    "      <item><instanceId>i-0123456789abcdef0</instanceId><instanceState><code>16</code><name>running</name></instanceState>\n"
    "        <tagSet><item><key>ec2-runner-pool:pool</key><value>a &amp; b &lt;c&gt; &#x41;&#66;</value></item></tagSet></item>\n"
    "      <item><instanceId>i-0123456789abcdef1</instanceId><instanceState><code>0</code><name>pending</name></instanceState></item>\n"
    "    </instancesSet></item></reservationSet>\n"
    "  <!-- comment --><nextToken/>\n"
    "</DescribeInstancesResponse>\n";

static void
test_document(void)
{
	struct xml *doc, *it;
	struct err e;
	int n = 0;

	if (!t_ok(xml_parse(describe, strlen(describe), &doc, &e) == 0, "EC2 document parses"))
		return;
	t_streq(doc->name, "DescribeInstancesResponse", "root name");
	t_streq(xml_text(doc, "requestId"), "8f7724cf-496f-496e-8fe3-example", "text by path");
	it = xml_find(doc, "reservationSet/item/instancesSet/item");
	for (; it; it = xml_next(it))
		n++;
	t_inteq(n, 2, "sibling items walked");
	it = xml_find(doc, "reservationSet/item/instancesSet/item");
	t_streq(xml_text(it, "instanceState/name"), "running", "nested text");
	t_streq(xml_text(it, "tagSet/item/value"), "a & b <c> AB", "entities and character references decoded");
	t_streq(xml_text(doc, "nextToken"), "", "empty element has empty text");
	t_streq(xml_text(doc, "missing/path"), "", "missing path gives empty text");
	t_ok(xml_find(doc, "missing") == NULL, "missing child is NULL");
	xml_free(doc);
	xml_free(NULL);
}

static void
test_errors(void)
{
	const char *ec2 = "<Response><Errors><Error><Code>InvalidInstanceID.NotFound</Code>"
	    "<Message>The instance ID 'i-1' does not exist</Message></Error></Errors>"
	    "<RequestID>r</RequestID></Response>";
	const char *sts = "<ErrorResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\"><Error>"
	    "<Type>Sender</Type><Code>InvalidIdentityToken</Code><Message>bad</Message></Error></ErrorResponse>";
	struct xml *doc;
	struct err e;
	char code[64], msg[128];

	xml_parse(ec2, strlen(ec2), &doc, &e);
	t_ok(xml_aws_error(doc, code, sizeof(code), msg, sizeof(msg)) == 1, "EC2 error found");
	t_streq(code, "InvalidInstanceID.NotFound", "EC2 error code");
	t_streq(msg, "The instance ID 'i-1' does not exist", "EC2 error message");
	xml_free(doc);
	xml_parse(sts, strlen(sts), &doc, &e);
	t_ok(xml_aws_error(doc, code, sizeof(code), msg, sizeof(msg)) == 1, "STS error found");
	t_streq(code, "InvalidIdentityToken", "STS error code");
	xml_free(doc);
	xml_parse(describe, strlen(describe), &doc, &e);
	t_ok(xml_aws_error(doc, code, sizeof(code), msg, sizeof(msg)) == 0, "a result is not an error");
	xml_free(doc);
}

static void
bad(const char *s, const char *name)
{
	struct xml *doc = (struct xml *)1;
	struct err e;

	e.cls = 0;
	t_ok(xml_parse(s, strlen(s), &doc, &e) == -1 && doc == NULL && e.cls == ERR_PERMANENT,
	    "rejects %s", name);
}

static void
test_malformed(void)
{
	char deep[64 * 3 + 200] = "";
	char nul[] = "<a>x\0y</a>";
	struct xml *doc;
	struct err e;
	const char *s;
	int i;

	bad("", "empty input");
	bad("<a>", "truncated");
	bad("<a></b>", "mismatched end tag");
	bad("<a></ab>", "end tag with a longer name");
	bad("<a>&bogus;</a>", "unknown entity");
	bad("<a>&#0;</a>", "NUL character reference");
	bad("<a>&#xD800;</a>", "surrogate character reference");
	bad("<a>&#12345678901;</a>", "huge character reference");
	bad("<a b=c></a>", "unquoted attribute");
	bad("<a></a><b></b>", "two roots");
	bad("<a><!-- x </a>", "unterminated comment");
	bad("<a><![CDATA[x</a>", "unterminated CDATA");
	bad("just text", "no element");
	t_ok(xml_parse(nul, sizeof(nul) - 1, &doc, &e) == -1, "rejects a NUL byte");
	for (i = 0; i < 70; i++)
		strcat(deep, "<a>");
	bad(deep, "nesting past the limit");
	s = "<a x='1' y=\"2\"><![CDATA[<raw>&]]></a>";
	t_ok(xml_parse(s, strlen(s), &doc, &e) == 0 &&
	    strcmp(doc->text, "<raw>&") == 0, "attributes skipped, CDATA kept raw");
	xml_free(doc);
	s = "<p:a xmlns:p='u'><p:b>v</p:b></p:a>";
	t_ok(xml_parse(s, strlen(s), &doc, &e) == 0 &&
	    strcmp(xml_text(doc, "b"), "v") == 0, "namespace prefixes stripped");
	xml_free(doc);
}

int
main(void)
{
	test_document();
	test_errors();
	test_malformed();
	return t_done();
}

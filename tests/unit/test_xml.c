#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
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

static const char fleet[] =
    "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
    "<CreateFleetResponse xmlns=\"http://ec2.amazonaws.com/doc/2016-11-15/\">\n"
    "    <requestId>b6f3cd6d-example</requestId>\n"
    "    <fleetId>fleet-12a34b55-67cd-8ef9-ba9b-9208dEXAMPLE</fleetId>\n"
    "    <errorSet>\n"
    "        <item>\n"
    "            <errorCode>InsufficientInstanceCapacity</errorCode>\n"
    "            <errorMessage>We currently do not have sufficient m5.large capacity in the "
    "Availability Zone you requested (us-east-1a).</errorMessage>\n"
    "            <launchTemplateAndOverrides><overrides><subnetId>subnet-0123456789abcdef0</subnetId>"
    "</overrides></launchTemplateAndOverrides>\n"
    "            <lifecycle>spot</lifecycle>\n"
    "        </item>\n"
    "    </errorSet>\n"
    "    <fleetInstanceSet>\n"
    "        <item>\n"
    "            <instanceIds>\n"
    "                <item>i-0123456789abcdef0</item>\n"
    "                <item>i-0123456789abcdef1</item>\n"
    "            </instanceIds>\n"
    "            <instanceType>m5.large</instanceType>\n"
    "            <lifecycle>spot</lifecycle>\n"
    "        </item>\n"
    "        <item>\n"
    "            <instanceIds><item>i-01234567</item></instanceIds>\n"
    "            <instanceType>c5.large</instanceType>\n"
    "        </item>\n"
    "    </fleetInstanceSet>\n"
    "</CreateFleetResponse>\n";

static void
test_fleet(void)
{
	struct xml *doc, *set, *id;
	struct err e;
	char ids[128] = "", code[64] = "x", msg[64] = "y";
	size_t n = 0;

	if (!t_ok(xml_parse(fleet, strlen(fleet), &doc, &e) == 0, "CreateFleet document parses"))
		return;
	/* Every instance id of every fleetInstanceSet item, in order. */
	for (set = xml_find(doc, "fleetInstanceSet/item"); set; set = xml_next(set))
		for (id = xml_find(set, "instanceIds/item"); id; id = xml_next(id))
			n += (size_t)snprintf(ids + n, sizeof(ids) - n, "%s ", id->text);
	t_streq(ids, "i-0123456789abcdef0 i-0123456789abcdef1 i-01234567 ", "instance ids across items");
	t_streq(xml_text(doc, "errorSet/item/errorCode"), "InsufficientInstanceCapacity", "errorSet code");
	t_streq(xml_text(doc, "errorSet/item/launchTemplateAndOverrides/overrides/subnetId"),
	    "subnet-0123456789abcdef0", "the override that failed");
	t_ok(xml_next(xml_find(doc, "errorSet/item")) == NULL, "one error item");
	t_ok(xml_next(xml_find(doc, "fleetInstanceSet")) == NULL, "xml_next skips differently named siblings");
	t_ok(xml_aws_error(doc, code, sizeof(code), msg, sizeof(msg)) == 0 && strcmp(code, "x") == 0 &&
	    strcmp(msg, "y") == 0, "a partial fleet is not a request error; buffers untouched");
	t_streq(xml_text(doc, "fleetInstanceSet/item/instanceType"), "m5.large", "the first match wins");
	t_streq(xml_text(doc, ""), doc->text, "empty path is the node itself");
	t_ok(xml_child(NULL, "a") == NULL && xml_next(NULL) == NULL && xml_find(NULL, "a") == NULL &&
	    strcmp(xml_text(NULL, "a"), "") == 0, "NULL nodes are safe");
	xml_free(doc);
}

static void
test_error_shapes(void)
{
	const char *nl = "<Response><Errors><Error><Code>Unsupported</Code>"
	    "<Message>line one&#10;line two\r\nthree\tfour</Message></Error></Errors></Response>";
	const char *nocode = "<ErrorResponse><Error><Message>m</Message></Error></ErrorResponse>";
	const char *other = "<Other><Errors><Error><Code>X</Code></Error></Errors></Other>";
	const char *nomsg = "<ErrorResponse><Error><Code>AccessDenied</Code></Error></ErrorResponse>";
	struct xml *doc;
	struct err e;
	char code[8], msg[16];

	xml_parse(nl, strlen(nl), &doc, &e);
	t_ok(xml_aws_error(doc, code, sizeof(code), msg, sizeof(msg)) == 1, "error with a long message");
	t_streq(code, "Unsuppo", "code truncated to its buffer");
	t_streq(msg, "line one line t", "message on one line, truncated");
	xml_free(doc);
	xml_parse(nocode, strlen(nocode), &doc, &e);
	t_ok(xml_aws_error(doc, code, sizeof(code), msg, sizeof(msg)) == 0, "an error without a code is none");
	xml_free(doc);
	xml_parse(other, strlen(other), &doc, &e);
	t_ok(xml_aws_error(doc, code, sizeof(code), msg, sizeof(msg)) == 0, "only the two known roots");
	xml_free(doc);
	xml_parse(nomsg, strlen(nomsg), &doc, &e);
	t_ok(xml_aws_error(doc, code, sizeof(code), msg, sizeof(msg)) == 1 && msg[0] == '\0',
	    "missing message is empty");
	xml_free(doc);
	t_ok(xml_aws_error(NULL, code, sizeof(code), msg, sizeof(msg)) == 0, "no document, no error");
}

static void
test_text(void)
{
	const char *s = "<a>caf&#233; &#x1F600; &#x20AC;&quot;&apos;<![CDATA[]]>&#9;</a>";
	struct xml *doc;
	struct err e;

	t_ok(xml_parse(s, strlen(s), &doc, &e) == 0, "character references parse");
	t_streq(doc ? doc->text : NULL, "caf\xc3\xa9 \xf0\x9f\x98\x80 \xe2\x82\xac\"'\t",
	    "2-, 3- and 4-byte UTF-8, quotes, empty CDATA, tab");
	xml_free(doc);
	s = "<a>1<b>x</b>2<!-- c -->3<?pi?>4</a>";
	t_ok(xml_parse(s, strlen(s), &doc, &e) == 0 && strcmp(doc->text, "1234") == 0 &&
	    strcmp(xml_text(doc, "b"), "x") == 0, "text around a child, comment and PI");
	xml_free(doc);
	s = "\xef\xbb\xbf<a/>";
	t_ok(xml_parse(s, strlen(s), &doc, &e) == -1, "a byte-order mark is refused (AWS sends none)");
	s = "<?xml version=\"1.0\"?>\r\n<!-- lead -->\n<a >v</a >\n<!-- tail -->\n";
	t_ok(xml_parse(s, strlen(s), &doc, &e) == 0 && strcmp(doc->text, "v") == 0,
	    "prolog, comments after the root, spaces in tags");
	xml_free(doc);
	t_ok(xml_parse(NULL, 0, &doc, &e) == -1 && doc == NULL, "NULL input is an error");
}

static void
test_limits(void)
{
	struct buf b = BUF_INIT;
	struct xml *doc;
	struct err e;
	long i;

	/* Depth 64 is allowed, 65 is not. */
	for (i = 0; i < XML_MAX_DEPTH; i++)
		buf_adds(&b, "<a>");
	for (i = 0; i < XML_MAX_DEPTH; i++)
		buf_adds(&b, "</a>");
	t_ok(xml_parse(b.p, b.len, &doc, &e) == 0, "nesting at the limit parses");
	xml_free(doc);
	buf_reset(&b);
	for (i = 0; i <= XML_MAX_DEPTH; i++)
		buf_adds(&b, "<a>");
	for (i = 0; i <= XML_MAX_DEPTH; i++)
		buf_adds(&b, "</a>");
	t_ok(xml_parse(b.p, b.len, &doc, &e) == -1 && strstr(e.msg, "deep") != NULL,
	    "one level past the limit is refused");
	buf_reset(&b);
	buf_adds(&b, "<r>");
	for (i = 0; i < XML_MAX_NODES; i++)
		buf_adds(&b, "<a/>");
	buf_adds(&b, "</r>");
	t_ok(xml_parse(b.p, b.len, &doc, &e) == -1 && strstr(e.msg, "too many elements") != NULL,
	    "element count limit");
	t_ok(xml_parse(b.p, XML_MAX_SIZE + 1, &doc, &e) == -1 && strstr(e.msg, "too large") != NULL &&
	    e.cls == ERR_PERMANENT, "size limit");
	buf_free(&b);
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
	bad("<a>&#1;</a>", "reference to a control character");
	bad("<a>&#xFFFE;</a>", "reference to a non-character");
	bad("<a>&#x110000;</a>", "reference past Unicode");
	bad("<a>&#;</a>", "empty character reference");
	bad("<a>&#x;</a>", "empty hex reference");
	bad("<a>&#12a;</a>", "letter in a decimal reference");
	bad("<a>&amp</a>", "entity without ';'");
	bad("<a>&", "truncated in an entity");
	bad("<a>&#x4", "truncated in a reference");
	bad("<a>\x01</a>", "raw control byte in text");
	bad("<a><![CDATA[\x1b]]></a>", "raw control byte in CDATA");
	bad("<a b='\x7'/>", "raw control byte in an attribute");
	bad("<a b='<'/>", "'<' in an attribute");
	bad("<a b='1'", "truncated in a start tag");
	bad("<a b='1", "truncated in an attribute");
	bad("<a></a", "truncated in an end tag");
	bad("<a></a x>", "junk in an end tag");
	bad("<a/ >", "space inside '/>'");
	bad("<!DOCTYPE a [<!ENTITY x 'y'>]><a>&x;</a>", "a DOCTYPE (no entity expansion)");
	bad("<a>< b/></a>", "space after '<'");
	bad("<a/>x", "content after the root");
	bad("<a>]]></a><", "trailing '<'");
	bad("<a:b:c/>", "two colons in a name");
	bad("<:a/>", "empty prefix");
	bad("<a:/>", "empty local name");
	bad("<1a/>", "name starting with a digit");
	bad("<-a/>", "name starting with '-'");
	t_ok(xml_parse(nul, sizeof(nul) - 1, &doc, &e) == -1, "rejects a NUL byte");
	for (i = 0; i < 70; i++)
		memcpy(deep + 3 * i, "<a>", 4);
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
	test_fleet();
	test_error_shapes();
	test_text();
	test_limits();
	test_malformed();
	return t_done();
}

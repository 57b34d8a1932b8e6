/* The XML parser and generator of the component library, run hosted. */
#include "check.h"

/* The freestanding declarations must agree with glibc's. */
#include <string.h>
#include <base/string.h>

#include "../../components/lib/base/xml.c"

#include <stdlib.h>

static const char init_config[] =
    "<config>\n"
    "\t<parent-provides> <service name=\"LOG\"/> <service name=\"ROM\"/> </parent-provides>\n"
    "\t<default-route> <any-service> <parent/> </any-service> </default-route>\n"
    "\t<default caps=\"100\"/>\n"
    "\t<start name=\"test-printf\" caps=\"100\">\n"
    "\t\t<binary name=\"test-printf\"/>\n"
    "\t\t<resource name=\"RAM\" quantum=\"1M\"/>\n"
    "\t\t<config> <arg value=\"x\"/> </config>\n"
    "\t</start>\n"
    "</config>\n";

/*
 * Documents are copied into heap blocks of exactly their length, without a
 * terminating NUL, so that a sanitizer build catches any read past the end.
 */
#define KEEP 8
static char *kept[KEEP];
static unsigned kept_next;

static const char *exact_copy(const char *s, size_t len)
{
	char *p = malloc(len ? len : 1);
	memcpy(p, s, len);
	free(kept[kept_next % KEEP]);
	kept[kept_next++ % KEEP] = p;
	return p;
}

static bool parse_n(const char *s, size_t len, struct xml_node *root, struct xml_error *err)
{
	return xml_parse(exact_copy(s, len), len, root, err);
}

static bool parse(const char *s, struct xml_node *root, struct xml_error *err)
{
	return parse_n(s, strlen(s), root, err);
}

/* The decoded value of the attribute, or "(absent)". */
static const char *attr(const struct xml_node *n, const char *name)
{
	static char buf[256];
	if (!xml_attr_string(n, name, buf, sizeof buf))
		return "(absent)";
	return buf;
}

static bool content_is(const struct xml_node *n, const char *expect)
{
	const char *start;
	size_t len;
	xml_content(n, &start, &len);
	return len == strlen(expect) && memcmp(start, expect, len) == 0;
}

static void xml_genode_init_config(void)
{
	struct xml_node root, n, sub, sub2;
	struct xml_error err;
	unsigned long ul;
	CHECK(parse(init_config, &root, &err));
	CHECK(xml_has_type(&root, "config"));
	CHECK(!xml_has_type(&root, "confi"));
	CHECK(xml_count_subs(&root, NULL) == 4);
	CHECK(xml_count_subs(&root, "start") == 1);

	CHECK(xml_first_sub(&root, "parent-provides", &n));
	CHECK(xml_count_subs(&n, "service") == 2);
	CHECK(xml_first_sub(&n, "service", &sub));
	CHECK(xml_attr_equals(&sub, "name", "LOG"));
	CHECK(xml_next_sub(&n, "service", &sub));
	CHECK(xml_attr_equals(&sub, "name", "ROM"));
	CHECK(!xml_next_sub(&n, "service", &sub));

	CHECK(xml_first_sub(&root, "default-route", &n));
	CHECK(xml_first_sub(&n, NULL, &sub));
	CHECK(xml_has_type(&sub, "any-service"));
	CHECK(xml_first_sub(&sub, "parent", &sub2));
	CHECK(sub2.len == strlen("<parent/>"));

	CHECK(xml_first_sub(&root, "default", &n));
	CHECK(xml_attr_ulong(&n, "caps", &ul) && ul == 100);

	CHECK(xml_first_sub(&root, "start", &n));
	CHECK(!strcmp(attr(&n, "name"), "test-printf"));
	CHECK(xml_attr_ulong(&n, "caps", &ul) && ul == 100);
	CHECK(xml_first_sub(&n, "binary", &sub));
	CHECK(xml_attr_equals(&sub, "name", "test-printf"));
	CHECK(xml_first_sub(&n, "resource", &sub));
	CHECK(xml_attr_equals(&sub, "name", "RAM"));
	CHECK(xml_attr_ulong(&sub, "quantum", &ul) && ul == 1024 * 1024);

	/* The nested <config> is handed on as a document of its own. */
	CHECK(xml_first_sub(&n, "config", &sub));
	CHECK(content_is(&sub, " <arg value=\"x\"/> "));
	const char *text;
	size_t len;
	xml_text(&sub, &text, &len);
	CHECK(len == strlen("<config> <arg value=\"x\"/> </config>"));
	CHECK(!memcmp(text, "<config>", 8));
	struct xml_node child;
	CHECK(xml_parse(text, len, &child, &err));
	CHECK(xml_has_type(&child, "config"));
	CHECK(xml_first_sub(&child, "arg", &sub2));
	CHECK(!strcmp(attr(&sub2, "value"), "x"));

	/* Positions of nodes and attributes in the original document. */
	unsigned line, column;
	xml_position(&sub, sub.base, &line, &column);
	CHECK(line == 8 && column == 3);
	struct xml_attr a;
	CHECK(xml_attr(&n, "caps", &a));
	xml_position(&n, a.pos, &line, &column);
	CHECK(line == 5 && column == 28);
}

static void xml_empty_and_closed_elements(void)
{
	struct xml_node root, sub;
	struct xml_error err;
	const char *start;
	size_t len;
	CHECK(parse("<a></a>", &root, &err));
	CHECK(xml_has_type(&root, "a") && root.len == 7);
	CHECK(content_is(&root, ""));
	CHECK(!xml_first_sub(&root, NULL, &sub));
	CHECK(parse("<a/>", &root, &err));
	CHECK(xml_has_type(&root, "a") && root.len == 4);
	xml_content(&root, &start, &len);
	CHECK(len == 0 && start == root.base + 4);
	CHECK(xml_count_subs(&root, NULL) == 0);
	CHECK(parse("<a\n/>", &root, &err));
	CHECK(parse("<a ></a\t>", &root, &err));
	CHECK(content_is(&root, ""));
	CHECK(parse("<a><b></b><c/></a>", &root, &err));
	CHECK(xml_count_subs(&root, NULL) == 2);
	CHECK(xml_first_sub(&root, "b", &sub) && sub.len == 7 && content_is(&sub, ""));
	CHECK(xml_first_sub(&root, "c", &sub) && sub.len == 4);
}

static void xml_attributes(void)
{
	struct xml_node root;
	struct xml_error err;
	struct xml_attr a;
	char buf[8];
	CHECK(parse(
	    "<a one=\"1\" two='2'\n\t three = \"it's\"\r\n four='say \"hi\"' five=\"a>b/>c\" "
	    "six=\"&lt;&gt;&amp;&quot;&apos;\" seven=\"&#65;&#x42;&#xe9;&#x20AC;\" eight=\"\"/>",
	    &root, &err));
	CHECK(!strcmp(attr(&root, "one"), "1"));
	CHECK(!strcmp(attr(&root, "two"), "2"));
	CHECK(!strcmp(attr(&root, "three"), "it's"));
	CHECK(!strcmp(attr(&root, "four"), "say \"hi\""));
	CHECK(!strcmp(attr(&root, "five"), "a>b/>c"));
	CHECK(!strcmp(attr(&root, "six"), "<>&\"'"));
	CHECK(!strcmp(attr(&root, "seven"), "AB\xc3\xa9\xe2\x82\xac"));
	CHECK(!strcmp(attr(&root, "eight"), ""));
	CHECK(!strcmp(attr(&root, "nine"), "(absent)"));
	CHECK(!strcmp(attr(&root, "on"), "(absent)"));
	CHECK(xml_attr_equals(&root, "six", "<>&\"'"));
	CHECK(!xml_attr_equals(&root, "six", "<>&\""));
	CHECK(!xml_attr_equals(&root, "six", "<>&\"''"));
	CHECK(xml_attr_equals(&root, "eight", ""));
	CHECK(!xml_attr_equals(&root, "nine", ""));

	/* Values that do not fit are refused, not truncated. */
	CHECK(xml_attr_string(&root, "four", buf, 8) == false && buf[0] == 0);
	CHECK(xml_attr_string(&root, "two", buf, 2) && !strcmp(buf, "2"));
	CHECK(!xml_attr_string(&root, "two", buf, 1));
	CHECK(!xml_attr_string(&root, "two", buf, 0));

	/* Iteration in document order, raw values. */
	static const char *const names[] = {"one",  "two", "three", "four",
					    "five", "six", "seven", "eight"};
	unsigned i = 0;
	for (bool ok = xml_attr_first(&root, &a); ok; ok = xml_attr_next(&root, &a), i++) {
		CHECK(i < 8);
		CHECK(a.name_len == strlen(names[i]) && !memcmp(a.name, names[i], a.name_len));
	}
	CHECK(i == 8);
	CHECK(xml_attr(&root, "six", &a));
	CHECK(a.value_len == strlen("&lt;&gt;&amp;&quot;&apos;"));

	/* Attributes of an element are not confused with those of its children. */
	CHECK(parse("<a x=\"1\"><b y=\"2\"/></a>", &root, &err));
	CHECK(!xml_attr(&root, "y", &a));
	CHECK(xml_attr_first(&root, &a) && !xml_attr_next(&root, &a));
	CHECK(parse("<a><b y=\"2\"/></a>", &root, &err));
	CHECK(!xml_attr_first(&root, &a));
}

static void xml_comments_text_and_prolog(void)
{
	struct xml_node root, sub;
	struct xml_error err;
	CHECK(parse("\xef\xbb\xbf<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
		    "<!-- a <comment> before -->\n"
		    "<?stylesheet whatever?>\n"
		    "<a>\n"
		    "  some text &amp; more > text\n"
		    "  <!-- <b></b> inside -->\n"
		    "  <b/><![CDATA[ <c> ]]> text <?pi <d/> ?>\n"
		    "  <!---->\n"
		    "  <e>text</e>\n"
		    "</a>\n"
		    "<!-- after -->  \n\n",
		    &root, &err));
	CHECK(xml_has_type(&root, "a"));
	CHECK(xml_count_subs(&root, NULL) == 2);
	CHECK(xml_count_subs(&root, "c") == 0 && xml_count_subs(&root, "d") == 0);
	CHECK(xml_first_sub(&root, NULL, &sub) && xml_has_type(&sub, "b"));
	CHECK(xml_next_sub(&root, NULL, &sub) && xml_has_type(&sub, "e"));
	CHECK(content_is(&sub, "text"));
	CHECK(!xml_next_sub(&root, NULL, &sub));
	CHECK(parse("  <a/>  ", &root, &err));
	CHECK(parse("<?xml version='1.0'?><a/>", &root, &err));
	CHECK(parse("\n <?xml version='1.0'?><a/>", &root, &err));
}

struct bad {
	const char *doc;
	unsigned line, column;
	const char *message;
};

static const struct bad bad_docs[] = {
    {"<a><b></a>", 1, 7, "mismatched end tag </a> for <b>"},
    {"<a></b>", 1, 4, "mismatched end tag </b> for <a>"},
    {"<a>", 1, 4, "unexpected end of document, <a> not closed"},
    {"<a><b></b>", 1, 11, "unexpected end of document, <a> not closed"},
    {"<a", 1, 3, "unexpected end of document"},
    {"<", 1, 2, "unexpected end of document"},
    {"<a x='1", 1, 8, "unexpected end of document"},
    {"", 1, 1, "unexpected end of document, no root element"},
    {"  <!-- only -->  ", 1, 18, "unexpected end of document, no root element"},
    {"<a/>x", 1, 5, "unexpected text after the root element"},
    {"<a/>\n<!-- c -->\n  garbage", 3, 3, "unexpected text after the root element"},
    {"x<a/>", 1, 1, "unexpected text before the root element"},
    {"<a/><b/>", 1, 5, "unexpected element after the root element"},
    {"<a></a></a>", 1, 8, "unexpected end tag </a>"},
    {"</a>", 1, 1, "unexpected end tag </a>"},
    {"<a x=1/>", 1, 6, "attribute value must be quoted"},
    {"<a x='1' x='2'/>", 1, 10, "duplicate attribute 'x'"},
    {"<a b='1' c=\"2\" b='3'/>", 1, 16, "duplicate attribute 'b'"},
    {"<a x='1'y='2'/>", 1, 9, "missing whitespace before attribute"},
    {"<a x/>", 1, 5, "expected '=' after attribute name 'x', found '/'"},
    {"<a x='<'/>", 1, 7, "'<' not allowed in attribute value"},
    {"<a x='a & b'/>", 1, 9, "invalid entity reference (use &amp; for '&')"},
    {"<a x='&#0;'/>", 1, 7, "invalid entity reference (use &amp; for '&')"},
    {"<a x='&#x110000;'/>", 1, 7, "invalid entity reference (use &amp; for '&')"},
    {"<a>&foo;</a>", 1, 4, "invalid entity reference (use &amp; for '&')"},
    {"<a>\x01</a>", 1, 4, "control character '\\x01' in text"},
    {"<a x='\x7f\x02'/>", 1, 8, "control character '\\x02' in attribute value"},
    {"< a/>", 1, 2, "expected element name, found ' '"},
    {"<a></ a>", 1, 6, "expected element name, found ' '"},
    {"<a></a x>", 1, 8, "expected '>', found 'x'"},
    {"<a/ >", 1, 4, "expected '>' after '/', found ' '"},
    {"<a =''/>", 1, 4, "unexpected character '=' in tag"},
    {"<a><!-- x </a>", 1, 15, "unexpected end of document in comment"},
    {"<a><![CDATA[ x </a>", 1, 20, "unexpected end of document in CDATA section"},
    {"<a><? x?></a>", 1, 6, "expected name after '<?', found ' '"},
    {"<a><?pi</a>", 1, 8, "expected '?>', found '<'"},
    {"<a/><?xml version='1.0'?>", 1, 5,
     "XML declaration only allowed at the start of the document"},
    {"<!-- c --><?xml version='1.0'?><a/>", 1, 11,
     "XML declaration only allowed at the start of the document"},
    {"<!DOCTYPE a><a/>", 1, 1, "DOCTYPE declarations are not supported"},
    {"<a><!x></a>", 1, 4, "unexpected '<!'"},
    {"<![CDATA[x]]><a/>", 1, 1, "CDATA section outside the root element"},
    {"<config>\n\t<start name=\"x\">\n\t</stop>\n</config>", 3, 2,
     "mismatched end tag </stop> for <start>"},
    {"<config>\n\t<start name=\"x\"\n\t\tcaps=100/>\n</config>", 3, 8,
     "attribute value must be quoted"},
    {"<a-very-long-element-name-indeed-yes></a-very-long-element-name-indeed-no>", 1, 38,
     "mismatched end tag </a-very-long-element-n...> for <a-very-long-element-n...>"},
};

static void xml_rejects_malformed(void)
{
	for (size_t i = 0; i < sizeof bad_docs / sizeof bad_docs[0]; i++) {
		const struct bad *b = &bad_docs[i];
		struct xml_node root = {0};
		struct xml_error err;
		bool ok = parse(b->doc, &root, &err);
		if (ok || err.line != b->line || err.column != b->column ||
		    strcmp(err.message, b->message)) {
			printf("  %s -> %s %u:%u %s\n", b->doc, ok ? "accepted" : "rejected",
			       err.line, err.column, err.message);
		}
		CHECK(!ok);
		CHECK(err.line == b->line && err.column == b->column);
		CHECK(!strcmp(err.message, b->message));
		/* Without an error record, the answer is the same. */
		CHECK(!parse(b->doc, &root, NULL));
	}
	struct xml_node root;
	CHECK(!xml_parse(NULL, 0, &root, NULL));
}

static void xml_truncated_documents_fail(void)
{
	size_t len = strlen(init_config), root_len = len - 1; /* without the last newline */
	struct xml_node root;
	struct xml_error err;
	for (size_t n = 0; n < len; n++) {
		bool ok = parse_n(init_config, n, &root, &err);
		CHECK(ok == (n >= root_len));
		if (!ok) {
			CHECK(err.line >= 1 && err.column >= 1 && err.message[0]);
			CHECK(!strncmp(err.message, "unexpected end of document", 26));
		}
	}
}

/* "<e>" nested n deep, closed in order, into a malloc'ed document. */
static char *nested(size_t depth, size_t *len)
{
	char *s = malloc(depth * 7 + 1), *p = s;
	for (size_t i = 0; i < depth; i++)
		p += sprintf(p, "<e>");
	for (size_t i = 0; i < depth; i++)
		p += sprintf(p, "</e>");
	*len = (size_t)(p - s);
	return s;
}

static void xml_deep_nesting(void)
{
	const size_t depth = 5000;
	struct xml_node root, n;
	struct xml_error err;
	size_t len;
	char *s = nested(depth, &len);
	CHECK(parse_n(s, len, &root, &err));
	size_t levels = 1;
	for (n = root; xml_first_sub(&n, "e", &n);)
		levels++;
	CHECK(levels == depth);

	/* A wrong end tag deep inside, found where the cache of open tags was evicted. */
	s[depth * 3 + 4 * 2000 + 2] = 'f';
	CHECK(!parse_n(s, len, &root, &err));
	CHECK(err.line == 1 && err.column == depth * 3 + 4 * 2000 + 1);
	CHECK(!strcmp(err.message, "mismatched end tag </f> for <e>"));

	/* Unclosed at the end. */
	CHECK(!parse_n(s, len - 4 * 1000, &root, &err));
	CHECK(!strcmp(err.message, "mismatched end tag </f> for <e>"));
	s[depth * 3 + 4 * 2000 + 2] = 'e';
	CHECK(!parse_n(s, len - 4, &root, &err));
	CHECK(!strcmp(err.message, "unexpected end of document, <e> not closed"));
	free(s);
}

/* Names that differ at every level, deep side branches, so the cache of open tags is refilled. */
static void xml_deep_mixed_nesting(void)
{
	static char doc[1 << 20];
	char *p = doc;
	struct xml_node root, n;
	struct xml_error err;
	for (int i = 0; i < 300; i++) {
		p += sprintf(p, "<n%d a=\"%d\">", i, i);
		for (int j = 0; j < 40; j++)
			p += sprintf(p, "<s%d>", j);
		for (int j = 39; j >= 0; j--)
			p += sprintf(p, "</s%d>", j);
	}
	for (int i = 299; i >= 0; i--)
		p += sprintf(p, "<!-- %d --></n%d>", i, i);
	CHECK(parse_n(doc, (size_t)(p - doc), &root, &err));
	n = root;
	for (int i = 1; i < 300; i++) {
		char type[16];
		unsigned long v;
		sprintf(type, "n%d", i);
		CHECK(xml_count_subs(&n, NULL) == 2);
		CHECK(xml_first_sub(&n, type, &n));
		CHECK(xml_attr_ulong(&n, "a", &v) && v == (unsigned long)i);
	}

	/* Swap two end tags far from the innermost element. */
	char *at = strstr(doc, "</n150>");
	CHECK(at);
	at[4] = '4';
	CHECK(!parse_n(doc, (size_t)(p - doc), &root, &err));
	CHECK(!strcmp(err.message, "mismatched end tag </n140> for <n150>"));
}

static void xml_numbers(void)
{
	struct xml_node root;
	struct xml_error err;
	unsigned long u;
	long l;
	CHECK(parse("<a dec=\"4096\" hex=\"0x1000\" HEX=\"0XfF\" k=\"4K\" m=\"1M\" g=\"2G\" "
		    "hk=\"0x10K\" neg=\"-1\" negk=\"-2K\" zero=\"0\" max=\"18446744073709551615\" "
		    "over=\"18446744073709551616\" overk=\"18014398509481984K\" "
		    "lmax=\"9223372036854775807\" lmin=\"-9223372036854775808\" "
		    "lover=\"9223372036854775808\" lunder=\"-9223372036854775809\" "
		    "empty=\"\" x=\"0x\" junk=\"12a\" kk=\"1KK\" lower=\"1k\" space=\" 1\" "
		    "plus=\"+1\" minus=\"-\" yes=\"yes\" no=\"no\" t=\"true\" f=\"false\" "
		    "one=\"1\" maybe=\"maybe\"/>",
		    &root, &err));
	CHECK(xml_attr_ulong(&root, "dec", &u) && u == 4096);
	CHECK(xml_attr_ulong(&root, "hex", &u) && u == 0x1000);
	CHECK(xml_attr_ulong(&root, "HEX", &u) && u == 0xff);
	CHECK(xml_attr_ulong(&root, "k", &u) && u == 4096);
	CHECK(xml_attr_ulong(&root, "m", &u) && u == 1UL << 20);
	CHECK(xml_attr_ulong(&root, "g", &u) && u == 2UL << 30);
	CHECK(xml_attr_ulong(&root, "hk", &u) && u == 16 * 1024);
	CHECK(xml_attr_ulong(&root, "zero", &u) && u == 0);
	CHECK(xml_attr_ulong(&root, "max", &u) && u == ~0UL);
	CHECK(xml_attr_long(&root, "neg", &l) && l == -1);
	CHECK(xml_attr_long(&root, "negk", &l) && l == -2048);
	CHECK(xml_attr_long(&root, "dec", &l) && l == 4096);
	CHECK(xml_attr_long(&root, "lmax", &l) && l == LONG_MAX_);
	CHECK(xml_attr_long(&root, "lmin", &l) && l == LONG_MIN_);

	static const char *const malformed_ulong[] = {
	    "over", "overk", "neg", "empty", "x", "junk", "kk", "lower", "space", "plus", "minus",
	};
	for (size_t i = 0; i < sizeof malformed_ulong / sizeof malformed_ulong[0]; i++) {
		u = 12345;
		CHECK(!xml_attr_ulong(&root, malformed_ulong[i], &u) && u == 12345);
		CHECK(xml_check_number(&root, malformed_ulong[i], false) == XML_NUMBER_MALFORMED);
	}
	static const char *const malformed_long[] = {"lover", "lunder", "max", "minus", "empty"};
	for (size_t i = 0; i < sizeof malformed_long / sizeof malformed_long[0]; i++) {
		CHECK(!xml_attr_long(&root, malformed_long[i], &l));
		CHECK(xml_check_number(&root, malformed_long[i], true) == XML_NUMBER_MALFORMED);
	}
	CHECK(!xml_attr_ulong(&root, "absent", &u) && !xml_attr_long(&root, "absent", &l));
	CHECK(xml_check_number(&root, "absent", false) == XML_NUMBER_ABSENT);
	CHECK(xml_check_number(&root, "absent", true) == XML_NUMBER_ABSENT);
	CHECK(xml_check_number(&root, "m", false) == XML_NUMBER_OK);
	CHECK(xml_check_number(&root, "neg", true) == XML_NUMBER_OK);

	CHECK(xml_attr_bool(&root, "yes", false) && xml_attr_bool(&root, "t", false));
	CHECK(xml_attr_bool(&root, "one", false));
	CHECK(!xml_attr_bool(&root, "no", true) && !xml_attr_bool(&root, "f", true));
	CHECK(!xml_attr_bool(&root, "zero", true));
	CHECK(xml_attr_bool(&root, "maybe", true) && !xml_attr_bool(&root, "maybe", false));
	CHECK(xml_attr_bool(&root, "absent", true) && !xml_attr_bool(&root, "absent", false));
}

static void xml_types_and_iteration(void)
{
	struct xml_node root, sub;
	struct xml_error err;
	char buf[8];
	CHECK(
	    parse("<routes><a/><b><a/></b><long-name/><a x=\"1\"></a><c/></routes>", &root, &err));
	CHECK(xml_type(&root, buf, sizeof buf) == 6 && !strcmp(buf, "routes"));
	CHECK(xml_type(&root, buf, 4) == 6 && !strcmp(buf, "rou"));
	CHECK(xml_count_subs(&root, NULL) == 5);
	CHECK(xml_count_subs(&root, "a") == 2); /* not the one inside <b> */
	CHECK(xml_count_subs(&root, "missing") == 0);
	CHECK(xml_first_sub(&root, "a", &sub) && sub.len == 4);
	CHECK(xml_next_sub(&root, "a", &sub) && xml_attr_equals(&sub, "x", "1"));
	CHECK(!xml_next_sub(&root, "a", &sub));
	CHECK(xml_first_sub(&root, "long-name", &sub));
	CHECK(xml_type(&sub, buf, sizeof buf) == 9 && !strcmp(buf, "long-na"));
	CHECK(xml_next_sub(&root, NULL, &sub) && xml_has_type(&sub, "a"));
	CHECK(xml_next_sub(&root, NULL, &sub) && xml_has_type(&sub, "c"));
	CHECK(!xml_next_sub(&root, NULL, &sub));
	/* A node that is not a sub-node of n is refused. */
	CHECK(!xml_next_sub(&sub, NULL, &root));
}

static void xml_generator(void)
{
	char buf[512];
	struct xml_gen g;
	xml_gen_init(&g, buf, sizeof buf);
	xml_gen_open(&g, "state");
	xml_gen_open(&g, "child");
	xml_gen_attr(&g, "name", "a");
	xml_gen_attr_ulong(&g, "ram", 4096);
	xml_gen_close(&g);
	xml_gen_close(&g);
	CHECK(xml_gen_done(&g));
	CHECK(!strcmp(buf, "<state>\n\t<child name=\"a\" ram=\"4096\"/>\n</state>"));
	CHECK(g.used == strlen(buf));

	xml_gen_init(&g, buf, sizeof buf);
	xml_gen_open(&g, "report");
	xml_gen_attr_long(&g, "priority", -1);
	xml_gen_attr_long(&g, "min", LONG_MIN_);
	xml_gen_attr_bool(&g, "ok", true);
	xml_gen_attr(&g, "label", "a<b>&\"c\"'d\te\n");
	xml_gen_open(&g, "pd");
	xml_gen_open(&g, "ram");
	xml_gen_attr_ulong(&g, "max", ~0UL);
	xml_gen_close(&g);
	xml_gen_open(&g, "caps");
	xml_gen_close(&g);
	xml_gen_close(&g);
	xml_gen_open(&g, "empty");
	xml_gen_close(&g);
	xml_gen_close(&g);
	CHECK(xml_gen_done(&g));
	CHECK(!strcmp(buf, "<report priority=\"-1\" min=\"-9223372036854775808\" ok=\"yes\" "
			   "label=\"a&lt;b&gt;&amp;&quot;c&quot;'d&#9;e&#10;\">\n"
			   "\t<pd>\n"
			   "\t\t<ram max=\"18446744073709551615\"/>\n"
			   "\t\t<caps/>\n"
			   "\t</pd>\n"
			   "\t<empty/>\n"
			   "</report>"));

	/* The output parses, and the values come back. */
	struct xml_node root, sub;
	struct xml_error err;
	long l;
	CHECK(parse(buf, &root, &err));
	CHECK(!strcmp(attr(&root, "label"), "a<b>&\"c\"'d\te\n"));
	CHECK(xml_attr_long(&root, "min", &l) && l == LONG_MIN_);
	CHECK(xml_attr_bool(&root, "ok", false));
	CHECK(xml_first_sub(&root, "pd", &sub) && xml_count_subs(&sub, NULL) == 2);
}

static void xml_generator_misuse_and_overflow(void)
{
	char buf[64];
	struct xml_gen g;

	/* Attributes only right after open. */
	xml_gen_init(&g, buf, sizeof buf);
	xml_gen_open(&g, "a");
	xml_gen_open(&g, "b");
	xml_gen_close(&g);
	xml_gen_attr(&g, "late", "x");
	xml_gen_close(&g);
	CHECK(g.misuse && !xml_gen_done(&g));
	CHECK(!strstr(buf, "late"));

	/* Closing what was not opened, a second root, invalid names. */
	xml_gen_init(&g, buf, sizeof buf);
	xml_gen_close(&g);
	CHECK(g.misuse);
	xml_gen_init(&g, buf, sizeof buf);
	xml_gen_open(&g, "a");
	xml_gen_close(&g);
	CHECK(xml_gen_done(&g));
	xml_gen_open(&g, "b");
	CHECK(g.misuse && !xml_gen_done(&g));
	xml_gen_init(&g, buf, sizeof buf);
	xml_gen_open(&g, "a b");
	CHECK(g.misuse);
	xml_gen_init(&g, buf, sizeof buf);
	xml_gen_open(&g, "a");
	xml_gen_attr(&g, "1x", "v");
	CHECK(g.misuse);
	xml_gen_init(&g, buf, sizeof buf);
	xml_gen_open(&g, "a");
	CHECK(!xml_gen_done(&g)); /* not closed */

	/* Too deep. */
	xml_gen_init(&g, buf, sizeof buf);
	for (int i = 0; i <= XML_GEN_MAX_DEPTH; i++)
		xml_gen_open(&g, "d");
	CHECK(g.misuse);

	/* Overflow at every buffer size: never written past, always terminated. */
	for (size_t size = 0; size < 48; size++) {
		char small[56];
		memset(small, '#', sizeof small);
		xml_gen_init(&g, small, size);
		xml_gen_open(&g, "state");
		xml_gen_open(&g, "child");
		xml_gen_attr(&g, "name", "a&b");
		xml_gen_close(&g);
		xml_gen_close(&g);
		const char *full = "<state>\n\t<child name=\"a&amp;b\"/>\n</state>";
		CHECK(xml_gen_done(&g) == (size > strlen(full)));
		CHECK(g.overflow == (size <= strlen(full)));
		for (size_t i = size; i < sizeof small; i++)
			CHECK(small[i] == '#');
		if (size) {
			CHECK(small[g.used] == 0 && g.used < size);
			CHECK(!strncmp(small, full, g.used));
		}
	}
}

/* Call every accessor on n and its subtree. */
static void walk(const struct xml_node *n, unsigned depth)
{
	char buf[64];
	struct xml_attr a;
	struct xml_node sub;
	const char *start;
	size_t len;
	unsigned long u;
	unsigned line, column;
	xml_type(n, buf, sizeof buf);
	xml_content(n, &start, &len);
	xml_position(n, n->base, &line, &column);
	for (bool ok = xml_attr_first(n, &a); ok; ok = xml_attr_next(n, &a)) {
		char name[64];
		size_t k = a.name_len < 63 ? a.name_len : 63;
		memcpy(name, a.name, k);
		name[k] = 0;
		xml_attr_string(n, name, buf, sizeof buf);
		xml_attr_ulong(n, name, &u);
		xml_attr_bool(n, name, true);
	}
	if (depth < 16)
		for (bool ok = xml_first_sub(n, NULL, &sub); ok; ok = xml_next_sub(n, NULL, &sub))
			walk(&sub, depth + 1);
}

/* Every single-byte change of the init config is either rejected or fully readable. */
static void xml_mutations_are_safe(void)
{
	static const char replacements[] = "<>/=\"' a-!?&;\n\x01";
	size_t len = strlen(init_config);
	unsigned accepted = 0, rejected = 0;
	char *copy = malloc(len);
	for (size_t i = 0; i < len; i++) {
		for (size_t r = 0; r < sizeof replacements; r++) {
			memcpy(copy, init_config, len);
			copy[i] = replacements[r];
			struct xml_node root;
			struct xml_error err;
			if (parse_n(copy, len, &root, &err)) {
				accepted++;
				walk(&root, 0);
			} else {
				rejected++;
				CHECK(err.line >= 1 && err.line <= 12 && err.column >= 1);
				CHECK(err.message[0]);
			}
		}
	}
	free(copy);
	CHECK(accepted > 0 && rejected > 0);
}

int main(void)
{
	RUN(xml_genode_init_config);
	RUN(xml_empty_and_closed_elements);
	RUN(xml_attributes);
	RUN(xml_comments_text_and_prolog);
	RUN(xml_rejects_malformed);
	RUN(xml_truncated_documents_fail);
	RUN(xml_deep_nesting);
	RUN(xml_deep_mixed_nesting);
	RUN(xml_numbers);
	RUN(xml_types_and_iteration);
	RUN(xml_generator);
	RUN(xml_generator_misuse_and_overflow);
	RUN(xml_mutations_are_safe);
	for (unsigned i = 0; i < KEEP; i++)
		free(kept[i]);
	return check_failures != 0;
}

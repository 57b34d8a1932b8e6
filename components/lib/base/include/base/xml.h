/*
 * Genode-style XML configuration: a validating parser whose nodes are views
 * into the caller's text (no copies, no heap), and a small generator for reports.
 *
 * xml_parse() checks the whole document once; every other function takes a
 * node that came from it (or from xml_first_sub/xml_next_sub) and never reads
 * outside that node's text.
 *
 * Supported: elements, attributes in "..." or '...', the entities &lt; &gt;
 * &amp; &quot; &apos; and &#N; / &#xH;, comments, processing instructions,
 * an <?xml ...?> declaration at the start, CDATA sections and text inside
 * elements (both ignored). Not supported: DOCTYPE declarations.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>

/* One element: its whole text "<a ...>...</a>" or "<a .../>" inside the document. */
struct xml_node {
	const char *base;
	size_t len;
	const char *doc; /* start of the document, for positions */
};

/* Where and why a document was rejected; line and column are 1-based. */
struct xml_error {
	unsigned line, column;
	char message[96];
};

/* One attribute, raw: value is still entity-encoded and excludes the quotes. */
struct xml_attr {
	const char *name;
	size_t name_len;
	const char *value;
	size_t value_len;
	const char *pos; /* where the attribute starts, for xml_position */
};

/*
 * Validate the whole document: exactly one root element, optionally preceded
 * and followed by whitespace, comments and processing instructions (an <?xml ...?>
 * declaration only at the start). On success *root is that element. On failure
 * (and err != NULL) err holds the position of the offending character and a
 * message such as "mismatched end tag </foo> for <bar>".
 */
bool xml_parse(const char *text, size_t len, struct xml_node *root, struct xml_error *err);

/* Whether the element's name is type. */
bool xml_has_type(const struct xml_node *n, const char *type);

/* Copy the element's name into out (truncated, NUL-terminated); returns its full length. */
size_t xml_type(const struct xml_node *n, char *out, size_t size);

/* The first sub-element of n, of the given type or of any type if type is NULL. */
bool xml_first_sub(const struct xml_node *n, const char *type, struct xml_node *sub);

/* Advance *sub, a sub-element of n, to the following sibling of the type (NULL = any). */
bool xml_next_sub(const struct xml_node *n, const char *type, struct xml_node *sub);

/* The number of sub-elements of n of the type (NULL = any). */
unsigned xml_count_subs(const struct xml_node *n, const char *type);

/* Look up the attribute called name. */
bool xml_attr(const struct xml_node *n, const char *name, struct xml_attr *a);

/* The element's first attribute, in document order. */
bool xml_attr_first(const struct xml_node *n, struct xml_attr *a);

/* Advance *a to the element's next attribute. */
bool xml_attr_next(const struct xml_node *n, struct xml_attr *a);

/*
 * Copy the attribute's value with entities decoded into out, NUL-terminated.
 * False, with out empty, if the attribute is absent or the value does not fit.
 */
bool xml_attr_string(const struct xml_node *n, const char *name, char *out, size_t size);

/* Whether the attribute is present and its decoded value is value. */
bool xml_attr_equals(const struct xml_node *n, const char *name, const char *value);

/*
 * Numbers are decimal or 0x hex, optionally followed by one of Genode's size
 * suffixes K, M, G (1K = 1024), e.g. quantum="1M"; the signed variant also
 * takes a leading '-' (priority="-1"). A value out of range is malformed.
 */
enum xml_number {
	XML_NUMBER_OK,
	XML_NUMBER_ABSENT,
	XML_NUMBER_MALFORMED,
};

/* Read an unsigned number; false if the attribute is absent or malformed. */
bool xml_attr_ulong(const struct xml_node *n, const char *name, unsigned long *out);

/* Read a signed number; false if the attribute is absent or malformed. */
bool xml_attr_long(const struct xml_node *n, const char *name, long *out);

/* Tell why xml_attr_ulong (is_signed false) or xml_attr_long (true) would fail. */
enum xml_number xml_check_number(const struct xml_node *n, const char *name, bool is_signed);

/* "yes", "true", "1" are true; "no", "false", "0" false; absent or anything else is def. */
bool xml_attr_bool(const struct xml_node *n, const char *name, bool def);

/* The 1-based line and column (in bytes, a tab is one) of p, a pointer into n's document. */
void xml_position(const struct xml_node *n, const char *p, unsigned *line, unsigned *column);

/* The text between the start and the end tag, e.g. to hand a nested <config> on; empty for <a/>. */
void xml_content(const struct xml_node *n, const char **start, size_t *len);

/* The whole element text, start tag to end tag, which xml_parse accepts as a document. */
void xml_text(const struct xml_node *n, const char **start, size_t *len);

/*
 * The generator writes indented XML into a fixed buffer, like Genode's
 * Xml_generator:
 *
 *	<state>
 *		<child name="a" ram="4096"/>
 *	</state>
 *
 * Attributes can only be added right after xml_gen_open. The buffer is always
 * NUL-terminated; a too small buffer sets overflow, calls out of order or
 * invalid names set misuse, and further output stops at the first of either.
 */
#define XML_GEN_MAX_DEPTH 16

struct xml_gen {
	char *buf;
	size_t size, used; /* used excludes the terminating NUL */
	int depth;
	bool overflow;
	bool misuse;
	bool in_start_tag; /* the innermost start tag is not closed yet: attributes may follow */
	bool has_root;
	size_t open[XML_GEN_MAX_DEPTH]; /* offset of each open element's '<' in buf */
};

/* Start generating into buf. */
void xml_gen_init(struct xml_gen *g, char *buf, size_t size);

/* Open an element of the type, as a child of the innermost open element. */
void xml_gen_open(struct xml_gen *g, const char *type);

/* Add an attribute to the element just opened; the value is escaped. */
void xml_gen_attr(struct xml_gen *g, const char *name, const char *value);

/* Add a decimal attribute to the element just opened. */
void xml_gen_attr_ulong(struct xml_gen *g, const char *name, unsigned long value);

/* Add a signed decimal attribute to the element just opened. */
void xml_gen_attr_long(struct xml_gen *g, const char *name, long value);

/* Add a "yes"/"no" attribute to the element just opened. */
void xml_gen_attr_bool(struct xml_gen *g, const char *name, bool value);

/* Close the innermost open element. */
void xml_gen_close(struct xml_gen *g);

/* Whether the output is one complete, well-formed element that fit the buffer. */
bool xml_gen_done(const struct xml_gen *g);

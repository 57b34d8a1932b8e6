/*
 * Genode-style XML: a validating parser whose nodes are views into the
 * caller's text, and a generator for reports. Both are freestanding.
 *
 * One tokenizer serves everything. xml_parse runs it strictly over the whole
 * document; the accessors run it again, without the checks, over text that
 * xml_parse has accepted, so they stay inside a node's bounds and never fail
 * on valid input.
 */
#include <base/string.h>
#include <base/xml.h>

#include <stdarg.h>
#include <stdint.h>

#define ULONG_MAX_ (~0UL)
#define LONG_MAX_  ((long)(ULONG_MAX_ >> 1))
#define LONG_MIN_  (-LONG_MAX_ - 1)

/* ---- characters ------------------------------------------------------------ */

static bool is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

/* Control characters are not allowed in XML text, except for whitespace. */
static bool is_control(char c)
{
	return (unsigned char)c < 0x20 && !is_space(c);
}

static bool is_name_start(char c)
{
	unsigned char u = (unsigned char)c;
	return (u >= 'a' && u <= 'z') || (u >= 'A' && u <= 'Z') || u == '_' || u == ':' ||
	       u >= 0x80;
}

static bool is_name_char(char c)
{
	return is_name_start(c) || (c >= '0' && c <= '9') || c == '-' || c == '.';
}

/* The value of digit c in base 10 or 16, or -1. */
static int digit_value(char c, unsigned base)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (base == 16 && c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (base == 16 && c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* The length of the name starting at p, 0 if there is none. */
static size_t name_len(const char *p, const char *end)
{
	const char *q = p;
	if (q >= end || !is_name_start(*q))
		return 0;
	while (q < end && is_name_char(*q))
		q++;
	return (size_t)(q - p);
}

static bool name_is(const char *name, size_t len, const char *s)
{
	return strlen(s) == len && memcmp(name, s, len) == 0;
}

static const char *skip_space(const char *p, const char *end)
{
	while (p < end && is_space(*p))
		p++;
	return p;
}

static bool has_prefix(const char *p, const char *end, const char *prefix)
{
	size_t n = strlen(prefix);
	return (size_t)(end - p) >= n && memcmp(p, prefix, n) == 0;
}

/* The first occurrence of needle in [p, end), or NULL. */
static const char *find(const char *p, const char *end, const char *needle)
{
	size_t n = strlen(needle);
	for (; (size_t)(end - p) >= n; p++)
		if (memcmp(p, needle, n) == 0)
			return p;
	return NULL;
}

static size_t utf8_encode(uint32_t cp, char *out)
{
	if (cp < 0x80) {
		out[0] = (char)cp;
		return 1;
	}
	if (cp < 0x800) {
		out[0] = (char)(0xc0 | cp >> 6);
		out[1] = (char)(0x80 | (cp & 0x3f));
		return 2;
	}
	if (cp < 0x10000) {
		out[0] = (char)(0xe0 | cp >> 12);
		out[1] = (char)(0x80 | (cp >> 6 & 0x3f));
		out[2] = (char)(0x80 | (cp & 0x3f));
		return 3;
	}
	out[0] = (char)(0xf0 | cp >> 18);
	out[1] = (char)(0x80 | (cp >> 12 & 0x3f));
	out[2] = (char)(0x80 | (cp >> 6 & 0x3f));
	out[3] = (char)(0x80 | (cp & 0x3f));
	return 4;
}

/*
 * The entity or character reference at p (an '&'): returns its length up to
 * and including the ';' and puts the character it stands for into out (UTF-8,
 * *out_len bytes); 0 if p does not start a valid reference.
 */
static size_t reference(const char *p, const char *end, char out[4], size_t *out_len)
{
	static const struct {
		const char *name;
		char c;
	} named[] = {
	    {"&lt;", '<'}, {"&gt;", '>'}, {"&amp;", '&'}, {"&quot;", '"'}, {"&apos;", '\''},
	};
	for (size_t i = 0; i < sizeof named / sizeof named[0]; i++) {
		if (has_prefix(p, end, named[i].name)) {
			out[0] = named[i].c;
			*out_len = 1;
			return strlen(named[i].name);
		}
	}
	if (!has_prefix(p, end, "&#"))
		return 0;
	const char *q = p + 2;
	unsigned base = 10;
	if (q < end && *q == 'x') {
		base = 16;
		q++;
	}
	const char *digits = q;
	uint32_t cp = 0;
	for (; q < end && *q != ';'; q++) {
		int d = digit_value(*q, base);
		if (d < 0)
			return 0;
		cp = cp * base + (uint32_t)d;
		if (cp > 0x10ffff)
			return 0;
	}
	if (q == end || q == digits || (cp < 0x20 && !is_space((char)cp)) ||
	    (cp >= 0xd800 && cp <= 0xdfff))
		return 0;
	*out_len = utf8_encode(cp, out);
	return (size_t)(q + 1 - p);
}

/* Decode the character at *p of an attribute value into out; returns its length in bytes. */
static size_t decode_next(const char **p, const char *end, char out[4])
{
	size_t n;
	if (**p == '&') {
		size_t len = reference(*p, end, out, &n);
		if (len) {
			*p += len;
			return n;
		}
	}
	out[0] = *(*p)++;
	return 1;
}

static void position(const char *doc, const char *p, unsigned *line, unsigned *column)
{
	unsigned l = 1, c = 1;
	for (const char *q = doc; q < p; q++) {
		if (*q == '\n') {
			l++;
			c = 1;
		} else {
			c++;
		}
	}
	*line = l;
	*column = c;
}

/* ---- the tokenizer --------------------------------------------------------- */

struct scan {
	const char *doc; /* for error positions */
	const char *p, *end;
	bool strict; /* check everything; otherwise the text is known to be valid */
	struct xml_error *err;
};

enum tok_kind {
	TOK_EOF,
	TOK_TEXT,
	TOK_START, /* <a ...> */
	TOK_EMPTY, /* <a .../> */
	TOK_END,   /* </a> */
	TOK_COMMENT,
	TOK_PI,
	TOK_CDATA,
};

struct tok {
	enum tok_kind kind;
	const char *start, *end;
	const char *name; /* of the element, or the target of a processing instruction */
	size_t name_len;
};

static void append(char *buf, size_t size, size_t *len, const char *s, size_t n)
{
	while (n-- && *len + 1 < size)
		buf[(*len)++] = *s++;
}

/*
 * Record an error at `at` and return false. The message is fmt with %s for a
 * string, %N for a name (pointer and length, shortened if long) and %c for a
 * quoted character.
 */
static bool fail(struct scan *s, const char *at, const char *fmt, ...)
{
	struct xml_error *e = s->err;
	if (!e)
		return false;
	position(s->doc, at, &e->line, &e->column);
	size_t len = 0, size = sizeof e->message;
	va_list ap;
	va_start(ap, fmt);
	for (const char *f = fmt; *f; f++) {
		if (f[0] == '%' && f[1] == 's') {
			const char *str = va_arg(ap, const char *);
			append(e->message, size, &len, str, strlen(str));
			f++;
		} else if (f[0] == '%' && f[1] == 'N') {
			const char *name = va_arg(ap, const char *);
			size_t n = va_arg(ap, size_t);
			append(e->message, size, &len, name, n > 24 ? 21 : n);
			if (n > 24)
				append(e->message, size, &len, "...", 3);
			f++;
		} else if (f[0] == '%' && f[1] == 'c') {
			unsigned char c = (unsigned char)va_arg(ap, int);
			char q[6] = {'\'', (char)c, '\''};
			size_t n = 3;
			if (c < 0x20 || c >= 0x7f) {
				static const char hex[] = "0123456789abcdef";
				q[1] = '\\';
				q[2] = 'x';
				q[3] = hex[c >> 4];
				q[4] = hex[c & 15];
				q[5] = '\'';
				n = 6;
			}
			append(e->message, size, &len, q, n);
			f++;
		} else {
			append(e->message, size, &len, f, 1);
		}
	}
	va_end(ap);
	e->message[len] = 0;
	return false;
}

/* The text at p is not the expected what. */
static bool expected(struct scan *s, const char *p, const char *what)
{
	if (p >= s->end)
		return fail(s, s->end, "unexpected end of document");
	return fail(s, p, "expected %s, found %c", what, *p);
}

/* Check character data: references and control characters. */
static bool check_chars(struct scan *s, const char *p, const char *end, const char *where)
{
	char c[4];
	size_t n;
	for (; p < end; p++) {
		if (*p == '&' && !reference(p, end, c, &n))
			return fail(s, p, "invalid entity reference (use &amp; for '&')");
		if (is_control(*p))
			return fail(s, p, "control character %c in %s", *p, where);
	}
	return true;
}

/* Parse one attribute at p of a valid start tag that ends before end. */
static bool attr_at(const char *p, const char *end, struct xml_attr *a)
{
	p = skip_space(p, end);
	size_t n = name_len(p, end);
	if (!n)
		return false;
	a->pos = a->name = p;
	a->name_len = n;
	p = skip_space(p + n, end);
	if (p == end || *p != '=')
		return false;
	p = skip_space(p + 1, end);
	if (p == end || (*p != '"' && *p != '\''))
		return false;
	char quote = *p++;
	const char *value = p;
	while (p < end && *p != quote)
		p++;
	if (p == end)
		return false;
	a->value = value;
	a->value_len = (size_t)(p - value);
	return true;
}

/* Whether an attribute of this name occurs in [p, end), a run of valid attributes. */
static bool has_attr(const char *p, const char *end, const char *name, size_t n)
{
	struct xml_attr a;
	while (p < end && attr_at(p, end, &a)) {
		if (a.name_len == n && memcmp(a.name, name, n) == 0)
			return true;
		p = a.value + a.value_len + 1;
	}
	return false;
}

/* One attribute of the start tag t, at *pp. */
static bool scan_attr(struct scan *s, const struct tok *t, const char **pp)
{
	const char *end = s->end, *name = *pp;
	size_t n = name_len(name, end);
	const char *p = skip_space(name + n, end);
	if (p == end)
		return fail(s, end, "unexpected end of document");
	if (*p != '=')
		return fail(s, p, "expected '=' after attribute name '%N', found %c", name, n, *p);
	p = skip_space(p + 1, end);
	if (p == end)
		return fail(s, end, "unexpected end of document");
	if (*p != '"' && *p != '\'')
		return fail(s, p, "attribute value must be quoted");
	char quote = *p++;
	const char *value = p;
	while (p < end && *p != quote)
		p++;
	if (p == end)
		return fail(s, end, "unexpected end of document");
	if (s->strict) {
		const char *lt = value;
		while (lt < p && *lt != '<')
			lt++;
		if (lt < p)
			return fail(s, lt, "'<' not allowed in attribute value");
		if (!check_chars(s, value, p, "attribute value"))
			return false;
		if (has_attr(t->name + t->name_len, name, name, n))
			return fail(s, name, "duplicate attribute '%N'", name, n);
	}
	*pp = p + 1;
	return true;
}

static bool scan_start_tag(struct scan *s, struct tok *t)
{
	const char *p = t->start + 1, *end = s->end;
	t->name = p;
	t->name_len = name_len(p, end);
	if (!t->name_len)
		return expected(s, p, "element name");
	p += t->name_len;
	for (;;) {
		const char *q = skip_space(p, end);
		bool space = q > p;
		p = q;
		if (p == end)
			return fail(s, end, "unexpected end of document");
		if (*p == '>') {
			t->kind = TOK_START;
			t->end = p + 1;
			return true;
		}
		if (*p == '/') {
			if (p + 1 == end || p[1] != '>')
				return expected(s, p + 1, "'>' after '/'");
			t->kind = TOK_EMPTY;
			t->end = p + 2;
			return true;
		}
		if (!is_name_start(*p))
			return fail(s, p, "unexpected character %c in tag", *p);
		if (!space)
			return fail(s, p, "missing whitespace before attribute");
		if (!scan_attr(s, t, &p))
			return false;
	}
}

static bool scan_end_tag(struct scan *s, struct tok *t)
{
	const char *p = t->start + 2;
	t->name = p;
	t->name_len = name_len(p, s->end);
	if (!t->name_len)
		return expected(s, p, "element name");
	p = skip_space(p + t->name_len, s->end);
	if (p == s->end || *p != '>')
		return expected(s, p, "'>'");
	t->kind = TOK_END;
	t->end = p + 1;
	return true;
}

/* A processing instruction <?target ...?>, such as the XML declaration. */
static bool scan_pi(struct scan *s, struct tok *t)
{
	const char *p = t->start + 2;
	t->name = p;
	t->name_len = name_len(p, s->end);
	if (!t->name_len)
		return expected(s, p, "name after '<?'");
	p += t->name_len;
	if (!has_prefix(p, s->end, "?>") && (p == s->end || !is_space(*p)))
		return expected(s, p, "'?>'");
	const char *close = find(p, s->end, "?>");
	if (!close)
		return fail(s, s->end, "unexpected end of document in processing instruction");
	t->kind = TOK_PI;
	t->end = close + 2;
	return true;
}

/* Everything in <...> that starts with "<!". */
static bool scan_bang(struct scan *s, struct tok *t)
{
	const char *p = t->start;
	const char *close;
	if (has_prefix(p, s->end, "<!--")) {
		close = find(p + 4, s->end, "-->");
		if (!close)
			return fail(s, s->end, "unexpected end of document in comment");
		t->kind = TOK_COMMENT;
		t->end = close + 3;
		return true;
	}
	if (has_prefix(p, s->end, "<![CDATA[")) {
		close = find(p + 9, s->end, "]]>");
		if (!close)
			return fail(s, s->end, "unexpected end of document in CDATA section");
		t->kind = TOK_CDATA;
		t->end = close + 3;
		return true;
	}
	if (has_prefix(p, s->end, "<!DOCTYPE"))
		return fail(s, p, "DOCTYPE declarations are not supported");
	return fail(s, p, "unexpected '<!'");
}

/* The next token at s->p; false (with the error recorded) if it is malformed. */
static bool next_token(struct scan *s, struct tok *t)
{
	const char *p = s->p;
	bool ok = true;
	t->start = p;
	t->name = NULL;
	t->name_len = 0;
	if (p == s->end) {
		t->kind = TOK_EOF;
		t->end = p;
	} else if (*p != '<') {
		while (p < s->end && *p != '<')
			p++;
		t->kind = TOK_TEXT;
		t->end = p;
	} else if (p + 1 == s->end) {
		ok = fail(s, s->end, "unexpected end of document");
	} else if (p[1] == '!') {
		ok = scan_bang(s, t);
	} else if (p[1] == '?') {
		ok = scan_pi(s, t);
	} else if (p[1] == '/') {
		ok = scan_end_tag(s, t);
	} else {
		ok = scan_start_tag(s, t);
	}
	if (ok)
		s->p = t->end;
	return ok;
}

/* ---- validating the document ------------------------------------------------ */

/*
 * The start tags of the innermost open elements, indexed by depth modulo
 * OPEN_CACHE, so that end tags can be matched without a stack as deep as
 * the document. An entry overwritten by a deeper element is found again by
 * scanning from the root, so documents nested thousands deep parse in time
 * proportional to their size times their depth / OPEN_CACHE.
 */
#define OPEN_CACHE 32

struct open_cache {
	const char *tag[OPEN_CACHE];
	size_t depth[OPEN_CACHE];
};

static void open_cache_put(struct open_cache *c, size_t depth, const char *tag)
{
	c->tag[depth % OPEN_CACHE] = tag;
	c->depth[depth % OPEN_CACHE] = depth;
}

/* The start tag of the open element at depth d, in valid text from root to p. */
static const char *open_element(struct open_cache *c, const char *doc, const char *root,
				const char *p, size_t d)
{
	if (c->depth[d % OPEN_CACHE] == d)
		return c->tag[d % OPEN_CACHE];
	size_t low = d + 1 >= OPEN_CACHE ? d + 1 - OPEN_CACHE : 0, depth = 0;
	struct scan s = {.doc = doc, .p = root, .end = p};
	struct tok t;
	while (next_token(&s, &t) && t.kind != TOK_EOF) {
		if (t.kind == TOK_START) {
			if (depth >= low && depth <= d)
				open_cache_put(c, depth, t.start);
			depth++;
		} else if (t.kind == TOK_END && depth) {
			depth--;
		}
	}
	return c->tag[d % OPEN_CACHE];
}

static bool is_xml_declaration(const struct tok *t)
{
	return t->name_len == 3 && (t->name[0] | 0x20) == 'x' && (t->name[1] | 0x20) == 'm' &&
	       (t->name[2] | 0x20) == 'l';
}

bool xml_parse(const char *text, size_t len, struct xml_node *root, struct xml_error *err)
{
	static const char empty[1];
	if (!text) {
		text = empty;
		len = 0;
	}
	struct scan s = {.doc = text, .p = text, .end = text + len, .strict = true, .err = err};
	if (err) {
		err->line = err->column = 0;
		err->message[0] = 0;
	}
	if (has_prefix(s.p, s.end, "\xef\xbb\xbf"))
		s.p += 3; /* UTF-8 byte order mark */

	struct open_cache cache;
	for (size_t i = 0; i < OPEN_CACHE; i++)
		cache.depth[i] = SIZE_MAX;
	const char *root_start = NULL, *root_end = NULL, *open, *q;
	size_t depth = 0, n;
	bool first = true; /* nothing but whitespace so far */
	struct tok t;
	for (;;) {
		if (!next_token(&s, &t))
			return false;
		switch (t.kind) {
		case TOK_EOF:
			if (depth) {
				open = open_element(&cache, text, root_start, t.start, depth - 1);
				n = name_len(open + 1, t.start);
				return fail(&s, s.end,
					    "unexpected end of document, <%N> not closed", open + 1,
					    n);
			}
			if (!root_end)
				return fail(&s, s.end,
					    "unexpected end of document, no root element");
			root->base = root_start;
			root->len = (size_t)(root_end - root_start);
			root->doc = text;
			return true;
		case TOK_TEXT:
			if (depth) {
				if (!check_chars(&s, t.start, t.end, "text"))
					return false;
				break;
			}
			q = skip_space(t.start, t.end);
			if (q < t.end)
				return fail(&s, q,
					    root_end ? "unexpected text after the root element"
						     : "unexpected text before the root element");
			continue;
		case TOK_COMMENT:
			break;
		case TOK_PI:
			if (is_xml_declaration(&t) && !first)
				return fail(
				    &s, t.start,
				    "XML declaration only allowed at the start of the document");
			break;
		case TOK_CDATA:
			if (!depth)
				return fail(&s, t.start, "CDATA section outside the root element");
			break;
		case TOK_START:
		case TOK_EMPTY:
			if (!depth) {
				if (root_start)
					return fail(&s, t.start,
						    "unexpected element after the root element");
				root_start = t.start;
			}
			if (t.kind == TOK_EMPTY) {
				if (!depth)
					root_end = t.end;
				break;
			}
			open_cache_put(&cache, depth, t.start);
			depth++;
			break;
		case TOK_END:
			if (!depth)
				return fail(&s, t.start, "unexpected end tag </%N>", t.name,
					    t.name_len);
			open = open_element(&cache, text, root_start, t.start, depth - 1);
			n = name_len(open + 1, t.start);
			if (n != t.name_len || memcmp(open + 1, t.name, n) != 0)
				return fail(&s, t.start, "mismatched end tag </%N> for <%N>",
					    t.name, t.name_len, open + 1, n);
			if (!--depth)
				root_end = t.end;
			break;
		}
		first = false;
	}
}

/* ---- accessors ------------------------------------------------------------- */

/* The end of the element whose start tag t was just read from s, or NULL. */
static const char *element_end(struct scan *s, const struct tok *t)
{
	if (t->kind == TOK_EMPTY)
		return t->end;
	size_t depth = 1;
	struct tok u;
	while (depth) {
		if (!next_token(s, &u) || u.kind == TOK_EOF)
			return NULL;
		if (u.kind == TOK_START)
			depth++;
		else if (u.kind == TOK_END)
			depth--;
	}
	return u.end;
}

static bool is_element(const struct xml_node *n)
{
	return n->base && n->len > 1 && n->base[0] == '<';
}

/* The bounds of n's content, between its start and end tag. */
static bool content_bounds(const struct xml_node *n, const char **start, const char **end)
{
	if (!is_element(n))
		return false;
	const char *e = n->base + n->len;
	struct scan s = {.doc = n->doc, .p = n->base, .end = e};
	struct tok t;
	if (!next_token(&s, &t))
		return false;
	if (t.kind == TOK_EMPTY) {
		*start = *end = t.end;
		return true;
	}
	if (t.kind != TOK_START)
		return false;
	/* The end tag is the last '<': there is none inside it. */
	const char *q = e;
	do {
		if (q == t.end)
			return false;
		q--;
	} while (*q != '<');
	if (q + 1 == e || q[1] != '/')
		return false;
	*start = t.end;
	*end = q;
	return true;
}

/* The first element of the type (NULL = any) in the content [from, end) of n. */
static bool find_sub(const struct xml_node *n, const char *from, const char *end, const char *type,
		     struct xml_node *sub)
{
	struct scan s = {.doc = n->doc, .p = from, .end = end};
	struct tok t;
	while (next_token(&s, &t)) {
		if (t.kind == TOK_EOF || t.kind == TOK_END)
			return false;
		if (t.kind != TOK_START && t.kind != TOK_EMPTY)
			continue;
		const char *e = element_end(&s, &t);
		if (!e)
			return false;
		if (!type || name_is(t.name, t.name_len, type)) {
			sub->base = t.start;
			sub->len = (size_t)(e - t.start);
			sub->doc = n->doc;
			return true;
		}
	}
	return false;
}

bool xml_has_type(const struct xml_node *n, const char *type)
{
	if (!is_element(n))
		return false;
	return name_is(n->base + 1, name_len(n->base + 1, n->base + n->len), type);
}

size_t xml_type(const struct xml_node *n, char *out, size_t size)
{
	size_t len = is_element(n) ? name_len(n->base + 1, n->base + n->len) : 0;
	if (size && !len) {
		out[0] = 0;
	} else if (size) {
		size_t copy = len < size - 1 ? len : size - 1;
		memcpy(out, n->base + 1, copy);
		out[copy] = 0;
	}
	return len;
}

bool xml_first_sub(const struct xml_node *n, const char *type, struct xml_node *sub)
{
	const char *start, *end;
	return content_bounds(n, &start, &end) && find_sub(n, start, end, type, sub);
}

bool xml_next_sub(const struct xml_node *n, const char *type, struct xml_node *sub)
{
	const char *start, *end;
	if (!content_bounds(n, &start, &end))
		return false;
	if (sub->base < start || sub->base + sub->len > end)
		return false;
	return find_sub(n, sub->base + sub->len, end, type, sub);
}

unsigned xml_count_subs(const struct xml_node *n, const char *type)
{
	struct xml_node sub;
	unsigned count = 0;
	for (bool ok = xml_first_sub(n, type, &sub); ok; ok = xml_next_sub(n, type, &sub))
		count++;
	return count;
}

bool xml_attr_first(const struct xml_node *n, struct xml_attr *a)
{
	if (!is_element(n))
		return false;
	const char *end = n->base + n->len;
	return attr_at(n->base + 1 + name_len(n->base + 1, end), end, a);
}

bool xml_attr_next(const struct xml_node *n, struct xml_attr *a)
{
	if (!is_element(n))
		return false;
	const char *end = n->base + n->len;
	if (a->value < n->base || a->value + a->value_len >= end)
		return false;
	return attr_at(a->value + a->value_len + 1, end, a);
}

bool xml_attr(const struct xml_node *n, const char *name, struct xml_attr *a)
{
	for (bool ok = xml_attr_first(n, a); ok; ok = xml_attr_next(n, a))
		if (name_is(a->name, a->name_len, name))
			return true;
	return false;
}

bool xml_attr_string(const struct xml_node *n, const char *name, char *out, size_t size)
{
	struct xml_attr a;
	if (!size)
		return false;
	out[0] = 0;
	if (!xml_attr(n, name, &a))
		return false;
	const char *p = a.value, *end = a.value + a.value_len;
	size_t used = 0;
	while (p < end) {
		char c[4];
		size_t k = decode_next(&p, end, c);
		if (k >= size - used) {
			out[0] = 0;
			return false;
		}
		memcpy(out + used, c, k);
		used += k;
	}
	out[used] = 0;
	return true;
}

bool xml_attr_equals(const struct xml_node *n, const char *name, const char *value)
{
	struct xml_attr a;
	if (!xml_attr(n, name, &a))
		return false;
	const char *p = a.value, *end = a.value + a.value_len;
	size_t len = strlen(value), used = 0;
	while (p < end) {
		char c[4];
		size_t k = decode_next(&p, end, c);
		if (k > len - used || memcmp(value + used, c, k) != 0)
			return false;
		used += k;
	}
	return used == len;
}

/* An unsigned number with an optional size suffix, filling all of [p, end). */
static bool parse_number(const char *p, const char *end, unsigned long *out)
{
	unsigned base = 10;
	if (end - p > 2 && p[0] == '0' && (p[1] == 'x' || p[1] == 'X')) {
		base = 16;
		p += 2;
	}
	const char *digits = p;
	unsigned long v = 0;
	for (; p < end; p++) {
		int d = digit_value(*p, base);
		if (d < 0)
			break;
		if (v > (ULONG_MAX_ - (unsigned long)d) / base)
			return false;
		v = v * base + (unsigned long)d;
	}
	if (p == digits)
		return false;
	if (p < end) {
		unsigned shift = *p == 'K' ? 10 : *p == 'M' ? 20 : *p == 'G' ? 30 : 0;
		if (!shift || p + 1 != end || v > ULONG_MAX_ >> shift)
			return false;
		v <<= shift;
	}
	*out = v;
	return true;
}

static enum xml_number read_number(const struct xml_node *n, const char *name, bool is_signed,
				   unsigned long *u, long *l)
{
	struct xml_attr a;
	if (!xml_attr(n, name, &a))
		return XML_NUMBER_ABSENT;
	const char *p = a.value, *end = a.value + a.value_len;
	bool negative = is_signed && p < end && *p == '-';
	unsigned long v;
	if (!parse_number(p + negative, end, &v))
		return XML_NUMBER_MALFORMED;
	if (!is_signed) {
		*u = v;
		return XML_NUMBER_OK;
	}
	unsigned long max = (unsigned long)LONG_MAX_;
	if (negative ? v > max + 1 : v > max)
		return XML_NUMBER_MALFORMED;
	if (!negative)
		*l = (long)v;
	else
		*l = v == max + 1 ? LONG_MIN_ : -(long)v;
	return XML_NUMBER_OK;
}

bool xml_attr_ulong(const struct xml_node *n, const char *name, unsigned long *out)
{
	return read_number(n, name, false, out, NULL) == XML_NUMBER_OK;
}

bool xml_attr_long(const struct xml_node *n, const char *name, long *out)
{
	return read_number(n, name, true, NULL, out) == XML_NUMBER_OK;
}

enum xml_number xml_check_number(const struct xml_node *n, const char *name, bool is_signed)
{
	unsigned long u;
	long l;
	return read_number(n, name, is_signed, &u, &l);
}

bool xml_attr_bool(const struct xml_node *n, const char *name, bool def)
{
	static const char *const yes[] = {"yes", "true", "1"}, *const no[] = {"no", "false", "0"};
	struct xml_attr a;
	if (!xml_attr(n, name, &a))
		return def;
	for (size_t i = 0; i < 3; i++) {
		if (name_is(a.value, a.value_len, yes[i]))
			return true;
		if (name_is(a.value, a.value_len, no[i]))
			return false;
	}
	return def;
}

void xml_position(const struct xml_node *n, const char *p, unsigned *line, unsigned *column)
{
	position(n->doc, p, line, column);
}

void xml_content(const struct xml_node *n, const char **start, size_t *len)
{
	const char *s, *e;
	if (!content_bounds(n, &s, &e))
		s = e = n->base;
	*start = s;
	*len = (size_t)(e - s);
}

void xml_text(const struct xml_node *n, const char **start, size_t *len)
{
	*start = n->base;
	*len = n->len;
}

/* ---- the generator --------------------------------------------------------- */

static void gen_put(struct xml_gen *g, const char *s, size_t n)
{
	if (g->overflow || g->misuse)
		return;
	if (n >= g->size - g->used) {
		g->overflow = true;
		return;
	}
	memcpy(g->buf + g->used, s, n);
	g->used += n;
	g->buf[g->used] = 0;
}

static void gen_str(struct xml_gen *g, const char *s)
{
	gen_put(g, s, strlen(s));
}

static void gen_newline(struct xml_gen *g)
{
	gen_put(g, "\n", 1);
	for (int i = 0; i < g->depth; i++)
		gen_put(g, "\t", 1);
}

static bool valid_name(const char *s)
{
	size_t n = strlen(s);
	return n && name_len(s, s + n) == n;
}

void xml_gen_init(struct xml_gen *g, char *buf, size_t size)
{
	memset(g, 0, sizeof *g);
	g->buf = buf;
	g->size = size;
	if (size)
		buf[0] = 0;
}

void xml_gen_open(struct xml_gen *g, const char *type)
{
	if (!valid_name(type) || g->depth >= XML_GEN_MAX_DEPTH || (!g->depth && g->has_root)) {
		g->misuse = true;
		return;
	}
	if (g->in_start_tag)
		gen_put(g, ">", 1);
	if (g->depth)
		gen_newline(g);
	g->open[g->depth++] = g->used;
	gen_put(g, "<", 1);
	gen_str(g, type);
	g->in_start_tag = true;
	g->has_root = true;
}

void xml_gen_attr(struct xml_gen *g, const char *name, const char *value)
{
	if (!g->in_start_tag || !valid_name(name)) {
		g->misuse = true;
		return;
	}
	gen_put(g, " ", 1);
	gen_str(g, name);
	gen_put(g, "=\"", 2);
	for (const char *p = value; *p; p++) {
		switch (*p) {
		case '&':
			gen_str(g, "&amp;");
			break;
		case '<':
			gen_str(g, "&lt;");
			break;
		case '>':
			gen_str(g, "&gt;");
			break;
		case '"':
			gen_str(g, "&quot;");
			break;
		case '\t':
			gen_str(g, "&#9;");
			break;
		case '\n':
			gen_str(g, "&#10;");
			break;
		case '\r':
			gen_str(g, "&#13;");
			break;
		default:
			gen_put(g, is_control(*p) ? "?" : p, 1);
		}
	}
	gen_put(g, "\"", 1);
}

/* The decimal digits of v, at the end of buf[24]. */
static const char *decimal(unsigned long v, char *buf, bool negative)
{
	char *p = buf + 23;
	*p = 0;
	do {
		*--p = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	if (negative)
		*--p = '-';
	return p;
}

void xml_gen_attr_ulong(struct xml_gen *g, const char *name, unsigned long value)
{
	char buf[24];
	xml_gen_attr(g, name, decimal(value, buf, false));
}

void xml_gen_attr_long(struct xml_gen *g, const char *name, long value)
{
	char buf[24];
	unsigned long magnitude = value < 0 ? 0UL - (unsigned long)value : (unsigned long)value;
	xml_gen_attr(g, name, decimal(magnitude, buf, value < 0));
}

void xml_gen_attr_bool(struct xml_gen *g, const char *name, bool value)
{
	xml_gen_attr(g, name, value ? "yes" : "no");
}

void xml_gen_close(struct xml_gen *g)
{
	if (!g->depth) {
		g->misuse = true;
		return;
	}
	g->depth--;
	if (g->in_start_tag) {
		gen_put(g, "/>", 2);
		g->in_start_tag = false;
		return;
	}
	gen_newline(g);
	if (g->overflow || g->misuse)
		return;
	const char *name = g->buf + g->open[g->depth] + 1;
	size_t len = name_len(name, g->buf + g->used);
	gen_put(g, "</", 2);
	gen_put(g, name, len);
	gen_put(g, ">", 1);
}

bool xml_gen_done(const struct xml_gen *g)
{
	return g->has_root && !g->depth && !g->overflow && !g->misuse;
}

/* Genode session-argument strings: comma-separated key=value, values optionally quoted. */
#include <base/format.h>
#include <base/session_args.h>
#include <base/string.h>

/* Find key; returns the start of its "key=value" entry and the value's position. */
static const char *find(const char *args, const char *key, const char **val, size_t *vlen,
			const char **end)
{
	size_t klen = strlen(key);
	const char *p = args;
	while (*p) {
		while (*p == ' ' || *p == ',')
			p++;
		const char *entry = p, *name = p;
		while (*p && *p != '=' && *p != ',')
			p++;
		size_t nlen = (size_t)(p - name);
		while (nlen && name[nlen - 1] == ' ')
			nlen--;
		if (*p != '=')
			continue;
		p++;
		while (*p == ' ')
			p++;
		const char *v = p;
		if (*p == '"') {
			p++;
			while (*p && *p != '"')
				p++;
			if (*p == '"')
				p++;
		} else {
			while (*p && *p != ',')
				p++;
		}
		if (nlen == klen && !strncmp(name, key, klen)) {
			*val = v;
			*vlen = (size_t)(p - v);
			*end = p;
			return entry;
		}
	}
	return 0;
}

bool session_arg_string(const char *args, const char *key, char *out, size_t size)
{
	const char *v, *end;
	size_t len;
	if (!find(args, key, &v, &len, &end) || !size)
		return false;
	while (len && v[len - 1] == ' ')
		len--;
	if (len >= 2 && v[0] == '"' && v[len - 1] == '"')
		v++, len -= 2;
	if (len >= size)
		return false;
	memcpy(out, v, len);
	out[len] = 0;
	return true;
}

unsigned long session_arg_ulong(const char *args, const char *key, unsigned long def)
{
	char buf[32];
	unsigned long v;
	if (!session_arg_string(args, key, buf, sizeof(buf)))
		return def;
	size_t n = parse_ulong(buf, &v);
	if (!n)
		return def;
	unsigned shift = buf[n] == 'K' ? 10 : buf[n] == 'M' ? 20 : buf[n] == 'G' ? 30 : 0;
	return v << shift;
}

void session_arg_remove(char *args, const char *key)
{
	const char *v, *end;
	size_t len;
	char *entry = (char *)find(args, key, &v, &len, &end);
	if (!entry)
		return;
	while (*end == ' ' || *end == ',')
		end++;
	memmove(entry, end, strlen(end) + 1);
	/* no dangling separator at the end */
	size_t n = strlen(args);
	while (n && (args[n - 1] == ' ' || args[n - 1] == ','))
		args[--n] = 0;
}

static bool append(char *args, size_t size, const char *entry)
{
	size_t n = strlen(args), e = strlen(entry);
	size_t sep = n ? 2 : 0;
	if (n + sep + e + 1 > size)
		return false;
	if (sep)
		memcpy(args + n, ", ", 2);
	memcpy(args + n + sep, entry, e + 1);
	return true;
}

bool session_arg_set_ulong(char *args, size_t size, const char *key, unsigned long v)
{
	char entry[64];
	session_arg_remove(args, key);
	snprintf(entry, sizeof(entry), "%s=%lu", key, v);
	return append(args, size, entry);
}

bool session_arg_set_label(char *args, size_t size, const char *label)
{
	char entry[256];
	session_arg_remove(args, "label");
	if ((size_t)snprintf(entry, sizeof(entry), "label=\"%s\"", label) >= sizeof(entry))
		return false;
	/* the label goes first, as Genode writes it */
	size_t n = strlen(args), e = strlen(entry);
	if (n + e + 3 > size)
		return false;
	memmove(args + e + (n ? 2 : 0), args, n + 1);
	memcpy(args, entry, e);
	if (n)
		memcpy(args + e, ", ", 2);
	return true;
}

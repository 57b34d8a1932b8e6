#include "trace_json.h"

#include <string.h>

static bool first;

/* A JSON string: quotes, backslashes and control characters escaped. */
static void string(FILE *f, const char *s, size_t n)
{
	fputc('"', f);
	for (size_t i = 0; i < n && s[i]; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c == '"' || c == '\\')
			fprintf(f, "\\%c", c);
		else if (c < 0x20 || c == 0x7f)
			fprintf(f, "\\u%04x", c);
		else
			fputc(c, f);
	}
	fputc('"', f);
}

static void str(FILE *f, const char *s)
{
	string(f, s, strlen(s));
}

/* ts in ns as the format's microseconds. */
static void us(FILE *f, const char *key, uint64_t ns)
{
	fprintf(f, ",\"%s\":%lu.%03lu", key, (unsigned long)(ns / 1000),
		(unsigned long)(ns % 1000));
}

static void head(FILE *f, char ph, int pid, uint32_t tid)
{
	fputs(first ? "\n" : ",\n", f);
	first = false;
	fprintf(f, "{\"ph\":\"%c\",\"pid\":%d,\"tid\":%u", ph, pid, tid);
}

/* "key=value key=value" as the members of the args object. */
static void args(FILE *f, const char *detail, const char *text)
{
	fputs(",\"args\":{", f);
	bool any = false;
	for (const char *p = detail; p && *p;) {
		while (*p == ' ')
			p++;
		const char *end = p + strcspn(p, " "), *eq = memchr(p, '=', (size_t)(end - p));
		if (eq && eq > p) {
			fputs(any ? "," : "", f);
			string(f, p, (size_t)(eq - p));
			fputc(':', f);
			string(f, eq + 1, (size_t)(end - eq - 1));
			any = true;
		}
		p = end;
	}
	if (text) {
		fputs(any ? ",\"text\":" : "\"text\":", f);
		str(f, text);
	}
	fputc('}', f);
}

void json_begin(FILE *f)
{
	first = true;
	fputc('[', f);
}

void json_end(FILE *f)
{
	fputs("\n]\n", f);
}

void json_names(FILE *f, int pid, uint32_t tid, const char *process, const char *thread)
{
	head(f, 'M', pid, tid);
	fputs(",\"name\":\"process_name\",\"args\":{\"name\":", f);
	str(f, process);
	fputs("}}", f);
	head(f, 'M', pid, tid);
	fputs(",\"name\":\"thread_name\",\"args\":{\"name\":", f);
	str(f, thread);
	fputs("}}", f);
}

void json_slice(FILE *f, int pid, uint32_t tid, uint64_t ts, uint64_t dur, const char *name,
		const char *cat, const char *detail, const char *text, uint32_t flow_out,
		uint32_t flow_in)
{
	head(f, 'X', pid, tid);
	us(f, "ts", ts);
	us(f, "dur", dur);
	fputs(",\"name\":", f);
	str(f, name);
	fprintf(f, ",\"cat\":\"%s\"", cat);
	args(f, detail, text);
	/* one bind id per slice: a slice both sending and receiving is a step */
	if (flow_out || flow_in)
		fprintf(f, ",\"bind_id\":\"%#x\"%s%s", flow_out ? flow_out : flow_in,
			flow_out ? ",\"flow_out\":true" : "", flow_in ? ",\"flow_in\":true" : "");
	fputc('}', f);
}

void json_instant(FILE *f, int pid, uint32_t tid, uint64_t ts, const char *name, const char *cat,
		  const char *detail, const char *text, bool process)
{
	head(f, 'i', pid, tid);
	us(f, "ts", ts);
	fputs(",\"name\":", f);
	str(f, name);
	fprintf(f, ",\"cat\":\"%s\",\"s\":\"%c\"", cat, process ? 'p' : 't');
	args(f, detail, text);
	fputc('}', f);
}

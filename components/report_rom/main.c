/*
 * report_rom: Genode's report-ROM server, a Report service and a ROM
 * service. Each report session writes the module named by its label; a ROM
 * session reads the module its policy names:
 *
 *   <config verbose="no">
 *       <policy label="decorator -> pointer" report="nitpicker -> pointer"/>
 *   </config>
 *
 * The ROM session's label is matched against the <policy> nodes (Genode's
 * scoring of label, label_prefix, label_suffix; else <default-policy>);
 * without a match the session is refused. A module has one writer at a
 * time (a second report session of that label is refused); its content is
 * cleared when the writer goes, and it lives as long as anyone refers to
 * it. Each report signals the module's readers, whose next dataspace (or
 * update) shows it. With verbose="yes" every report is logged.
 */
#include <base/session_args.h>
#include <base/string.h>
#include <base/xml.h>
#include <component/clients.h>
#include <component/connection.h>
#include <component/log.h>
#include <component/root.h>

#define LABEL_MAX 160

struct rom_session;

struct module {
	char name[LABEL_MAX];
	char *content;	    /* NUL-terminated copy of the last report */
	unsigned long size; /* 0: none (or its writer went) */
	unsigned writers, readers;
	void *last_writer;
	struct module *next;
};

struct report_session {
	struct rpc_object obj;
	seL4_Word id;
	struct module *module;
	seL4_CPtr ds;
	char *buf;
	unsigned long size;
	struct report_session *next;
};

struct rom_session {
	struct rpc_object obj;
	seL4_Word id;
	struct module *module;
	seL4_CPtr sigh;
	seL4_CPtr ds, prev_ds;	  /* the content handed out, and the one before */
	unsigned current, client; /* versions: the newest, and what the client has */
	struct rom_session *next;
};

static struct env *env;
static struct rom_connection config;
static bool verbose;
static struct module *modules;
static struct report_session *reports;
static struct rom_session *roms;
static struct root report_root, rom_root;

RPC_SERVER(report_session_interface, REPORT_SESSION_RPC);
RPC_SERVER(rom_session_interface, ROM_SESSION_RPC);

/* --- modules --------------------------------------------------------------- */

static struct module *module(const char *name)
{
	for (struct module *m = modules; m; m = m->next)
		if (!strcmp(m->name, name))
			return m;
	struct module *m = calloc(1, sizeof(*m));
	if (!m)
		return 0;
	strlcpy(m->name, name, sizeof(m->name));
	m->next = modules;
	modules = m;
	return m;
}

static void release(struct module *m)
{
	if (m->writers || m->readers)
		return;
	for (struct module **p = &modules; *p; p = &(*p)->next)
		if (*p == m) {
			*p = m->next;
			break;
		}
	free(m->content);
	free(m);
}

static void notify(struct rom_session *r)
{
	if (r->sigh && r->current != r->client)
		signal_submit(r->sigh, 1);
}

static void write_content(struct module *m, void *writer, const char *src, unsigned long len)
{
	char *copy = malloc(len + 1);
	if (!copy) {
		error("no memory for a report of %lu bytes to \"%s\"", len, m->name);
		return;
	}
	memcpy(copy, src, len);
	copy[len] = 0;
	free(m->content);
	m->content = copy;
	m->size = len;
	m->last_writer = writer;
	for (struct rom_session *r = roms; r; r = r->next)
		if (r->module == m) {
			r->current++;
			notify(r);
		}
}

/* --- Report sessions ------------------------------------------------------------ */

static void log_lines(const char *text, unsigned long len)
{
	char line[200];
	for (unsigned long i = 0; i < len;) {
		unsigned long n = 0;
		while (i < len && text[i] != '\n' && n < sizeof(line) - 1)
			line[n++] = text[i++];
		line[n] = 0;
		if (i < len && text[i] == '\n')
			i++;
		log("  %s", line);
	}
}

int serve_report_session_dataspace(void *obj, const struct rpc_none *in, struct rpc_none *out,
				   struct rpc_cap_arg *cap_in, seL4_CPtr *cap_out)
{
	(void)in, (void)out, (void)cap_in;
	*cap_out = ((struct report_session *)obj)->ds;
	return RPC_OK;
}

int serve_report_session_submit(void *obj, const struct report_length *in, struct rpc_none *out,
				struct rpc_cap_arg *cap_in, seL4_CPtr *cap_out)
{
	(void)out, (void)cap_in, (void)cap_out;
	struct report_session *s = obj;
	unsigned long len = in->length < s->size ? in->length : s->size;
	if (verbose) {
		log("report '%s'", s->module->name);
		log_lines(s->buf, len);
	}
	write_content(s->module, s, s->buf, len);
	return RPC_OK;
}

int serve_report_session_response_sigh(void *obj, const struct rpc_none *in, struct rpc_none *out,
				       struct rpc_cap_arg *cap_in, seL4_CPtr *cap_out)
{
	(void)obj, (void)in, (void)out, (void)cap_in, (void)cap_out;
	return RPC_OK; /* report_rom never responds */
}

int serve_report_session_obtain_response(void *obj, const struct rpc_none *in,
					 struct report_length *out, struct rpc_cap_arg *cap_in,
					 seL4_CPtr *cap_out)
{
	(void)obj, (void)in, (void)cap_in, (void)cap_out;
	out->length = 0;
	return RPC_OK;
}

static void report_free(struct report_session *s)
{
	if (s->obj.cap)
		ep_dissolve(env, &s->obj);
	if (s->buf)
		env_detach(env, s->buf);
	if (s->ds)
		env_free_ram(env, s->ds);
	if (s->module) {
		s->module->writers--;
		/* its origin is gone: the content goes, its readers keep what they have */
		if (s->module->last_writer == s) {
			free(s->module->content);
			s->module->content = 0;
			s->module->size = 0;
			s->module->last_writer = 0;
		}
		release(s->module);
	}
	free(s);
}

static int report_create(struct root *r, seL4_Word id, const char *args, seL4_CPtr *cap)
{
	(void)r;
	char label[LABEL_MAX] = "";
	session_arg_string(args, "label", label, sizeof(label));
	unsigned long ram = session_arg_ulong(args, "ram_quota", 0);
	unsigned long size = (session_arg_ulong(args, "buffer_size", 0) + 4095) & ~4095ul;
	if (ram < size) {
		error("insufficient ram donation from %s", label);
		return RPC_INSUFFICIENT_RAM_QUOTA;
	}
	if (!size) {
		error("zero-length report requested by %s", label);
		return RPC_DENIED;
	}
	struct report_session *s = calloc(1, sizeof(*s));
	if (!s)
		return RPC_OUT_OF_METADATA;
	s->id = id;
	s->size = size;
	int err = RPC_OUT_OF_METADATA;
	s->module = module(label);
	if (s->module && ++s->module->writers > 1)
		err = RPC_DENIED; /* one writer per module */
	else if (s->module && !(err = env_alloc_ram(env, size, &s->ds)) &&
		 !(err = env_attach(env, s->ds, 0, 0, true, (void **)&s->buf)))
		err = ep_manage(env, &s->obj, &report_session_interface, s);
	if (err) {
		report_free(s);
		return err;
	}
	s->next = reports;
	reports = s;
	*cap = s->obj.cap;
	return RPC_OK;
}

static int report_destroy(struct root *r, seL4_Word id)
{
	(void)r;
	for (struct report_session **p = &reports; *p; p = &(*p)->next)
		if ((*p)->id == id) {
			struct report_session *s = *p;
			*p = s->next;
			report_free(s);
			break;
		}
	return RPC_OK;
}

/* --- ROM sessions ----------------------------------------------------------------- */

/* The report a ROM label reads, by the best-matching policy; false: none. */
static bool report_name(const char *label, char *out, size_t size)
{
	struct xml_node cfg, p, best;
	int best_score = 0;
	rom_refresh(env, &config); /* the policies as they are now */
	if (!xml_parse(config.text, config.size, &cfg, 0))
		return false;
	size_t len = strlen(label);
	for (bool ok = xml_first_sub(&cfg, "policy", &p); ok;
	     ok = xml_next_sub(&cfg, "policy", &p)) {
		char v[LABEL_MAX];
		int score = 0;
		bool conflict = false;
		if (xml_attr_string(&p, "label", v, sizeof(v)))
			conflict |= strcmp(v, label) != 0, score += 1 << 20;
		if (xml_attr_string(&p, "label_prefix", v, sizeof(v)))
			conflict |= strncmp(label, v, strlen(v)) != 0, score += (int)(strlen(v) + 1)
										<< 10;
		if (xml_attr_string(&p, "label_suffix", v, sizeof(v)))
			conflict |= strlen(v) > len || strcmp(label + len - strlen(v), v),
			    score += (int)strlen(v) + 1;
		if (!conflict && score > best_score)
			best = p, best_score = score;
	}
	if (!best_score && !xml_first_sub(&cfg, "default-policy", &best))
		return false;
	return xml_attr_string(&best, "report", out, size);
}

int serve_rom_session_dataspace(void *obj, const struct rpc_none *in,
				struct rom_dataspace_result *out, struct rpc_cap_arg *cap_in,
				seL4_CPtr *cap_out)
{
	(void)in, (void)cap_in;
	struct rom_session *r = obj;
	struct module *m = r->module;
	seL4_CPtr ds;
	char *local;
	int err = env_alloc_ram(env, m->size + 1, &ds);
	if (err)
		return err;
	if ((err = env_attach(env, ds, 0, 0, true, (void **)&local))) {
		env_free_ram(env, ds);
		return err;
	}
	if (m->size)
		memcpy(local, m->content, m->size);
	env_detach(env, local);
	/* the version before stays valid until the next one */
	if (r->prev_ds)
		env_free_ram(env, r->prev_ds);
	r->prev_ds = r->ds;
	r->ds = ds;
	r->client = r->current;
	out->size = m->size;
	*cap_out = ds;
	return RPC_OK;
}

int serve_rom_session_sigh(void *obj, const struct rpc_none *in, struct rpc_none *out,
			   struct rpc_cap_arg *cap_in, seL4_CPtr *cap_out)
{
	(void)in, (void)out, (void)cap_out;
	struct rom_session *r = obj;
	if (cap_in->present && cap_in->local)
		return RPC_INVALID_ARGS;
	rpc_cap_release(r->sigh);
	r->sigh = cap_in->present ? cap_in->sel : 0;
	cap_in->taken = cap_in->present;
	/* a report between the session's start and now is not to go unnoticed */
	notify(r);
	return RPC_OK;
}

int serve_rom_session_update(void *obj, const struct rpc_none *in, struct rpc_none *out,
			     struct rpc_cap_arg *cap_in, seL4_CPtr *cap_out)
{
	(void)obj, (void)in, (void)out, (void)cap_in, (void)cap_out;
	return RPC_OK; /* dataspace hands out the newest content */
}

static void rom_free(struct rom_session *r)
{
	if (r->obj.cap)
		ep_dissolve(env, &r->obj);
	rpc_cap_release(r->sigh);
	if (r->ds)
		env_free_ram(env, r->ds);
	if (r->prev_ds)
		env_free_ram(env, r->prev_ds);
	if (r->module) {
		r->module->readers--;
		release(r->module);
	}
	free(r);
}

static int rom_create(struct root *root, seL4_Word id, const char *args, seL4_CPtr *cap)
{
	(void)root;
	char label[LABEL_MAX] = "", name[LABEL_MAX];
	session_arg_string(args, "label", label, sizeof(label));
	if (!report_name(label, name, sizeof(name))) {
		warning("no valid policy for ROM request '%s'", label);
		return RPC_DENIED;
	}
	struct rom_session *r = calloc(1, sizeof(*r));
	if (!r)
		return RPC_OUT_OF_METADATA;
	r->id = id;
	int err = RPC_OUT_OF_METADATA;
	if ((r->module = module(name))) {
		r->module->readers++;
		err = ep_manage(env, &r->obj, &rom_session_interface, r);
	}
	if (err) {
		rom_free(r);
		return err;
	}
	r->next = roms;
	roms = r;
	*cap = r->obj.cap;
	return RPC_OK;
}

static int rom_destroy(struct root *root, seL4_Word id)
{
	(void)root;
	for (struct rom_session **p = &roms; *p; p = &(*p)->next)
		if ((*p)->id == id) {
			struct rom_session *r = *p;
			*p = r->next;
			rom_free(r);
			break;
		}
	return RPC_OK;
}

void component_construct(struct env *e)
{
	env = e;
	struct xml_node cfg;
	if (rom_connect(env, "config", &config) || !xml_parse(config.text, config.size, &cfg, 0)) {
		error("no config");
		return;
	}
	verbose = xml_attr_bool(&cfg, "verbose", false);
	report_root = (struct root){.create = report_create, .destroy = report_destroy};
	rom_root = (struct root){.create = rom_create, .destroy = rom_destroy};
	int err;
	if ((err = root_announce(env, "Report", &report_root)) ||
	    (err = root_announce(env, "ROM", &rom_root)))
		error("cannot announce: %s", rpc_error_name(err));
}

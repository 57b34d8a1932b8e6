/* The ROM service: boot modules as read-only dataspaces. */
#include "rom.h"
#include "core.h"
#include "dataspace.h"
#include "session.h"
#include "signal.h"
#include <base/roottask.h>
#include <base/string.h>
#include <genode/rom_session.h>

static const sim_BootModules *modules;

/* The newest version of each module, by module index; the array is made on first use. */
static struct rom_version **latest;

void rom_init(const seL4_BootInfo *bi)
{
	const seL4_BootInfoHeader *h = sim_boot_info_chunk(bi, SEL4_BOOTINFO_HEADER_SIM_MODULES);
	modules = (const sim_BootModules *)h;
}

/* Where the newest version of module i is kept; 0 without memory for the array. */
static struct rom_version **latest_of(int i)
{
	if (!latest && modules && modules->count)
		latest = core_zalloc(modules->count * sizeof(*latest));
	return latest ? &latest[i] : 0;
}

const struct rom_module *rom_lookup(const char *name)
{
	static struct rom_module m;
	const sim_BootModule *b = 0;
	for (seL4_Word i = 0; modules && i < modules->count; i++)
		if (!strcmp(modules->module[i].name, name))
			b = &modules->module[i];
	if (!b)
		return 0;
	m = (struct rom_module){b->name, (const void *)b->vaddr, b->size, b->frames};
	return &m;
}

/*
 * A module's content in one version. Version 0 is the boot module's frames;
 * each update from the host (the ROM-update device) makes a new version in
 * RAM of core's own. A session keeps the version it last fetched and the
 * one before, so a client can switch over without losing what it reads.
 */
struct rom_version {
	struct dataspace *ds;
	unsigned long size;
	unsigned refs;
};

/* The synthetic ROM "sim_control": the host's requests for the PD that asks. */
#define SIM_CONTROL  (-2)
#define CONTROL_KEEP 16
static char control_requests[CONTROL_KEEP][256]; /* the last requests, by id % CONTROL_KEEP */
static unsigned long control_id;

struct rom_session {
	struct core_session s;
	int module; /* or SIM_CONTROL */
	struct rom_version *cur, *prev;
	seL4_Word sigh;
	struct rom_session *next;
};

static struct rom_session *sessions;

static void release(struct rom_version *v)
{
	if (v && --v->refs == 0) {
		ds_destroy(v->ds);
		core_free(v);
	}
}

static int module_index(const char *name)
{
	for (seL4_Word i = 0; modules && i < modules->count; i++)
		if (!strcmp(modules->module[i].name, name))
			return (int)i;
	return -1;
}

/* The newest version of module i, made from the boot frames on first use. */
static struct rom_version *newest(int i)
{
	struct rom_version **slot = latest_of(i);
	if (!slot)
		return 0;
	if (*slot)
		return *slot;
	const sim_BootModule *b = &modules->module[i];
	unsigned long count = b->frames.end - b->frames.start;
	seL4_CPtr *frames = core_alloc((count + 1) * sizeof(seL4_CPtr));
	struct rom_version *v = core_zalloc(sizeof(*v));
	if (!frames || !v) {
		core_free(frames);
		core_free(v);
		return 0;
	}
	for (unsigned long k = 0; k < count; k++)
		frames[k] = b->frames.start + k;
	v->ds = ds_from_frames(DS_ROM, frames, count, count * seL4_PageSize, false);
	core_free(frames);
	if (!v->ds) {
		core_free(v);
		return 0;
	}
	v->size = b->size;
	v->refs = 1; /* the module table's */
	return *slot = v;
}

struct dataspace *rom_session_ds(struct core_session *s)
{
	return ((struct rom_session *)s)->cur->ds;
}

/*
 * The content of a session's sim_control ROM: the last host requests that
 * name a direct child of the PD that opened the session (whose label is the
 * session label without its last element), relative to it, and the
 * requests for every init's state report:
 * <requests last="N"> <request id="K" restart="CHILD"/> <request id="L"
 * state="yes"/> ... </requests>
 */
static bool rom_control_refresh(struct rom_session *r)
{
	char prefix[SESSION_LABEL_MAX], text[4096];
	strlcpy(prefix, r->s.label, sizeof(prefix));
	char *last = prefix, *p;
	while ((p = strstr(last, " -> ")))
		last = p + 4;
	if (last > prefix)
		last[-4] = 0;
	else
		prefix[0] = 0;
	size_t plen = strlen(prefix);
	int n = snprintf(text, sizeof(text), "<requests last=\"%lu\">", control_id);
	unsigned long first = control_id > CONTROL_KEEP ? control_id - CONTROL_KEEP + 1 : 1;
	for (unsigned long id = first; id <= control_id && n < (int)sizeof(text) - 400; id++) {
		const char *req = control_requests[id % CONTROL_KEEP];
		if (!strcmp(req, "state")) {
			n += snprintf(text + n, sizeof(text) - (size_t)n,
				      " <request id=\"%lu\" state=\"yes\"/>", id);
			continue;
		}
		if (strncmp(req, "restart ", 8) || strncmp(req + 8, prefix, plen) ||
		    strncmp(req + 8 + plen, " -> ", 4) || strstr(req + 8 + plen + 4, " -> "))
			continue;
		n += snprintf(text + n, sizeof(text) - (size_t)n,
			      " <request id=\"%lu\" restart=\"%s\"/>", id, req + 8 + plen + 4);
	}
	n += snprintf(text + n, sizeof(text) - (size_t)n, " </requests>");
	static struct account control_account = {.ram_quota = ~0ul / 2, .cap_quota = ~0ul / 2};
	int err;
	struct dataspace *ds = ds_alloc_ram(sizeof(text), &control_account, &err);
	struct rom_version *v = ds ? core_zalloc(sizeof(*v)) : 0;
	if (!v || !ds_write(ds, 0, text, (unsigned long)n)) {
		ds_destroy(ds);
		core_free(v);
		return false;
	}
	v->ds = ds;
	v->size = (unsigned long)n;
	v->refs = 1;
	release(r->prev);
	r->prev = r->cur;
	r->cur = v;
	return true;
}

void rom_control_request(const char *text)
{
	control_id++;
	strlcpy(control_requests[control_id % CONTROL_KEEP], text, sizeof(control_requests[0]));
	if (core_verbose)
		core_log("core: host request: %s\n", text);
	for (struct rom_session *r = sessions; r; r = r->next)
		if (r->module == SIM_CONTROL)
			signal_submit_badge(r->sigh, 1);
}

static int rom_create(struct core_session *s, const char *args)
{
	(void)args;
	struct rom_session *r = (struct rom_session *)s;
	/* the module is named by the last element of the label */
	const char *name = s->label, *p;
	while ((p = strstr(name, " -> ")))
		name = p + 4;
	r->module = strcmp(name, "sim_control") ? module_index(name) : SIM_CONTROL;
	if (r->module == SIM_CONTROL) {
		r->next = sessions;
		sessions = r;
		return rom_control_refresh(r) ? RPC_OK : RPC_OUT_OF_METADATA;
	}
	if (r->module < 0) {
		core_log("core: ROM module \"%s\" not found (label \"%s\")\n", name, s->label);
		return RPC_DENIED;
	}
	r->cur = newest(r->module);
	if (!r->cur)
		return RPC_OUT_OF_METADATA;
	r->cur->refs++;
	r->next = sessions;
	sessions = r;
	return RPC_OK;
}

static void rom_destroy(struct core_session *s)
{
	struct rom_session *r = (struct rom_session *)s;
	for (struct rom_session **p = &sessions; *p; p = &(*p)->next)
		if (*p == r) {
			*p = r->next;
			break;
		}
	release(r->cur);
	release(r->prev);
}

RPC_SERVER(rom_session_interface, ROM_SESSION_RPC);

const struct core_service rom_service = {
    .name = "ROM",
    .ram_cost = 0,
    .cap_cost = 0,
    .create = rom_create,
    .destroy = rom_destroy,
    .iface = &rom_session_interface,
    .size = sizeof(struct rom_session),
};

int serve_rom_session_dataspace(void *obj, const struct rpc_none *in,
				struct rom_dataspace_result *out, struct rpc_cap_arg *cap_in,
				seL4_CPtr *cap_out)
{
	(void)in, (void)cap_in;
	struct rom_session *r = obj;
	out->size = r->cur->size;
	*cap_out = r->cur->ds->obj.cap;
	return RPC_OK;
}

int serve_rom_session_sigh(void *obj, const struct rpc_none *in, struct rpc_none *out,
			   struct rpc_cap_arg *cap_in, seL4_CPtr *cap_out)
{
	(void)in, (void)out, (void)cap_out;
	((struct rom_session *)obj)->sigh = signal_badge_arg(cap_in);
	return RPC_OK;
}

/* Switch to the newest version; the one before stays valid until the next switch. */
int serve_rom_session_update(void *obj, const struct rpc_none *in, struct rpc_none *out,
			     struct rpc_cap_arg *cap_in, seL4_CPtr *cap_out)
{
	(void)in, (void)out, (void)cap_in, (void)cap_out;
	struct rom_session *r = obj;
	if (r->module == SIM_CONTROL)
		return rom_control_refresh(r) ? RPC_OK : RPC_OUT_OF_METADATA;
	struct rom_version **slot = latest_of(r->module);
	struct rom_version *v = slot ? *slot : 0;
	if (v && v != r->cur) {
		release(r->prev);
		r->prev = r->cur;
		r->cur = v;
		v->refs++;
	}
	return RPC_OK;
}

/* New content for module i from the host: a new version, and a signal to every session. */
void rom_module_updated(int i, const void *data, unsigned long size)
{
	if (i < 0 || !modules || (seL4_Word)i >= modules->count || !latest_of(i))
		return;
	static struct account core_rom_account = {.ram_quota = ~0ul / 2, .cap_quota = ~0ul / 2};
	int err;
	struct dataspace *ds = ds_alloc_ram(size ? size : 1, &core_rom_account, &err);
	struct rom_version *v = ds ? core_zalloc(sizeof(*v)) : 0;
	if (!v || !ds_write(ds, 0, data, size)) {
		core_log("core: no memory for the new version of ROM \"%s\"\n",
			 modules->module[i].name);
		ds_destroy(ds);
		core_free(v);
		return;
	}
	v->ds = ds;
	v->size = size;
	v->refs = 1;
	release(*latest_of(i));
	*latest_of(i) = v;
	if (core_verbose)
		core_log("core: ROM \"%s\" updated (%lu bytes)\n", modules->module[i].name, size);
	for (struct rom_session *r = sessions; r; r = r->next)
		if (r->module == i)
			signal_submit_badge(r->sigh, 1);
}

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

void rom_init(const seL4_BootInfo *bi)
{
	const seL4_BootInfoHeader *h = sim_boot_info_chunk(bi, SEL4_BOOTINFO_HEADER_SIM_MODULES);
	modules = (const sim_BootModules *)h;
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

struct rom_session {
	struct core_session s;
	struct dataspace *ds;
	seL4_Word sigh;
};

struct dataspace *rom_session_ds(struct core_session *s)
{
	return ((struct rom_session *)s)->ds;
}

static int rom_create(struct core_session *s, const char *args)
{
	(void)args;
	struct rom_session *r = (struct rom_session *)s;
	/* the module is named by the last element of the label */
	const char *name = s->label, *p;
	while ((p = strchr(name, '>')) && p > name && p[-1] == '-' && p[1] == ' ')
		name = p + 2;
	const struct rom_module *m = rom_lookup(name);
	if (!m) {
		core_log("core: ROM module \"%s\" not found (label \"%s\")\n", name, s->label);
		return RPC_DENIED;
	}
	seL4_CPtr frames[1024];
	unsigned long count = m->frames.end - m->frames.start;
	const seL4_CPtr *list = frames;
	seL4_CPtr *many = 0;
	if (count > 1024) {
		many = core_alloc(count * sizeof(seL4_CPtr));
		if (!many)
			return RPC_OUT_OF_METADATA;
		list = many;
	}
	for (unsigned long i = 0; i < count; i++)
		(many ? many : frames)[i] = m->frames.start + i;
	r->ds = ds_from_frames(DS_ROM, list, count, count * seL4_PageSize, false);
	core_free(many);
	return r->ds ? RPC_OK : RPC_OUT_OF_METADATA;
}

static void rom_destroy(struct core_session *s)
{
	ds_destroy(((struct rom_session *)s)->ds);
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
	const char *name = r->s.label, *p;
	while ((p = strchr(name, '>')) && p > name && p[-1] == '-' && p[1] == ' ')
		name = p + 2;
	const struct rom_module *m = rom_lookup(name);
	out->size = m ? m->size : r->ds->size;
	*cap_out = r->ds->obj.cap;
	return RPC_OK;
}

int serve_rom_session_sigh(void *obj, const struct rpc_none *in, struct rpc_none *out,
			   struct rpc_cap_arg *cap_in, seL4_CPtr *cap_out)
{
	(void)in, (void)out, (void)cap_out;
	((struct rom_session *)obj)->sigh = signal_badge_arg(cap_in);
	return RPC_OK;
}

int serve_rom_session_update(void *obj, const struct rpc_none *in, struct rpc_none *out,
			     struct rpc_cap_arg *cap_in, seL4_CPtr *cap_out)
{
	(void)obj, (void)in, (void)out, (void)cap_in, (void)cap_out;
	return RPC_OK;
}

/* Session creation, quota donation and closing for core's services. */
#include "session.h"
#include "core.h"
#include "cspace.h"
#include "untyped.h"
#include <base/session_args.h>
#include <base/string.h>
#include <genode/parent.h>

extern const struct core_service pd_service, cpu_service, rm_service, rom_service, log_service,
    io_port_service, irq_service, io_mem_service;

static const struct core_service *const services[] = {
    &pd_service,  &cpu_service,	    &rm_service,  &rom_service,
    &log_service, &io_port_service, &irq_service, &io_mem_service};

const struct core_service *service_lookup(const char *name)
{
	for (unsigned i = 0; i < sizeof(services) / sizeof(services[0]); i++)
		if (!strcmp(services[i]->name, name))
			return services[i];
	return 0;
}

struct core_session *session_create(const char *service, const char *args,
				    const struct genode_affinity *affinity, struct account *payer,
				    int *err)
{
	const struct core_service *svc = service_lookup(service);
	*err = RPC_DENIED;
	if (!svc)
		return 0;
	unsigned long ram = session_arg_ulong(args, "ram_quota", 0),
		      caps = session_arg_ulong(args, "cap_quota", 0);
	if (ram < svc->ram_cost) {
		*err = RPC_INSUFFICIENT_RAM_QUOTA;
		return 0;
	}
	if (caps < svc->cap_cost) {
		*err = RPC_INSUFFICIENT_CAP_QUOTA;
		return 0;
	}
	char label[GENODE_SESSION_ARGS_MAX] = "";
	session_arg_string(args, "label", label, sizeof(label));
	if (strlen(label) >= SESSION_LABEL_MAX) {
		/* a label cut short would name something else (a ROM module, a PD) */
		core_log("core: %s session label of %zu characters is longer than %d: denied\n",
			 svc->name, strlen(label), SESSION_LABEL_MAX - 1);
		*err = RPC_DENIED;
		return 0;
	}
	struct account donation = {0};
	if (!account_transfer(payer, &donation, ram, caps)) {
		*err = ram > payer->ram_quota - payer->ram_used ? RPC_OUT_OF_RAM : RPC_OUT_OF_CAPS;
		return 0;
	}
	struct core_session *s = core_zalloc(svc->size);
	if (!s) {
		account_transfer(&donation, payer, ram, caps);
		*err = RPC_OUT_OF_METADATA;
		return 0;
	}
	s->service = svc;
	s->account = donation;
	s->payer = payer;
	s->donated_ram = ram;
	s->donated_caps = caps;
	s->affinity = *affinity;
	/* the session's own bookkeeping is paid from its donation */
	account_charge(&s->account, svc->ram_cost, svc->cap_cost);
	strlcpy(s->label, label, sizeof(s->label));
	str_sanitize(s->label); /* labels go to logs and process names */
	if (core_verbose)
		core_log(
		    "core: opening %s session '%s': %lu KiB RAM free, %lu objects, %lu slots\n",
		    svc->name, s->label, untyped_avail() >> 10, obj_count(), cspace_used());
	*err = obj_register(&s->obj, svc->iface, s) ? svc->create(s, args) : RPC_OUT_OF_METADATA;
	if (*err != RPC_OK) {
		obj_unregister(&s->obj);
		account_transfer(&s->account, payer, s->account.ram_quota, s->account.cap_quota);
		core_free(s);
		return 0;
	}
	return s;
}

void session_close(struct core_session *s)
{
	if (!s)
		return;
	s->service->destroy(s);
	obj_unregister(&s->obj);
	account_release(&s->account, s->service->ram_cost, s->service->cap_cost);
	/* everything the session spent is freed now; what it holds goes back */
	s->payer->ram_quota += s->account.ram_quota;
	s->payer->cap_quota += s->account.cap_quota;
	if (core_verbose)
		core_log("core: closed %s session '%s': %lu KiB RAM free, %lu objects, %lu slots\n",
			 s->service->name, s->label, untyped_avail() >> 10, obj_count(),
			 cspace_used());
	if (s->account.ram_used || s->account.cap_used)
		core_log("core: session \"%s\" of %s closed with %lu bytes and %lu caps in use\n",
			 s->label, s->service->name, s->account.ram_used, s->account.cap_used);
	core_free(s);
}

int session_upgrade(struct core_session *s, const char *args, struct account *payer)
{
	unsigned long ram = session_arg_ulong(args, "ram_quota", 0),
		      caps = session_arg_ulong(args, "cap_quota", 0);
	if (!account_transfer(payer, &s->account, ram, caps))
		return ram > payer->ram_quota - payer->ram_used ? RPC_OUT_OF_RAM : RPC_OUT_OF_CAPS;
	s->donated_ram += ram;
	s->donated_caps += caps;
	return RPC_OK;
}

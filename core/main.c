/*
 * core: the root task. It builds its allocators and CSpace from the boot
 * info, offers the core services, starts init from the ROM module "init"
 * and then serves RPCs and page faults on one endpoint, forever.
 */
#include "child.h"
#include "core.h"
#include "cpu_session.h"
#include "io_port.h"
#include "irq.h"
#include "rom_update.h"
#include "object.h"
#include "pager.h"
#include "rom.h"
#include "untyped.h"
#include <base/roottask.h>
#include <base/string.h>
#include <genode/layout.h>

static void print_boot(const seL4_BootInfo *bi)
{
	unsigned long ram = 0, devices = 0, n = bi->untyped.end - bi->untyped.start;
	for (unsigned long i = 0; i < n; i++)
		if (bi->untypedList[i].isDevice)
			devices++;
		else
			ram += 1ul << bi->untypedList[i].sizeBits;
	core_log("core: %lu KiB of RAM in %lu untypeds, %lu device untypeds\n", ram >> 10,
		 n - devices, devices);
	const seL4_BootInfoHeader *h = sim_boot_info_chunk(bi, SEL4_BOOTINFO_HEADER_SIM_MODULES);
	const sim_BootModules *m = (const sim_BootModules *)h;
	for (seL4_Word i = 0; m && i < m->count; i++)
		core_log("core: boot module '%s' (%lu bytes)\n", m->module[i].name,
			 (unsigned long)m->module[i].size);
}

/* Make the endpoint core serves and the notification interrupts arrive on. */
static bool create_entrypoint(void)
{
	struct ut_block *ep_ut, *nt_ut;
	core_ep = kobj_create(seL4_EndpointObject, 0, seL4_PageBits, &ep_ut);
	core_irq_ntfn = kobj_create(seL4_NotificationObject, 0, seL4_PageBits, &nt_ut);
	return core_ep && core_irq_ntfn &&
	       !seL4_TCB_BindNotification(seL4_CapInitThreadTCB, core_irq_ntfn);
}

/* The core option module "core.config" may say <config verbose="yes"/>. */
static void read_options(void)
{
	const struct rom_module *m = rom_lookup("core.config");
	if (m && m->size < 4096) {
		char text[4096];
		memcpy(text, m->data, m->size);
		text[m->size] = 0;
		if (strstr(text, "verbose=\"yes\""))
			core_verbose = true;
	}
}

static seL4_CPtr recv_slot;

static void arm_receive(void)
{
	if (!recv_slot)
		recv_slot = cspace_alloc();
	seL4_SetCapReceivePath(core_cspace, recv_slot, CORE_DEPTH);
}

/* Serve one message; returns whether to reply. */
static bool handle(seL4_MessageInfo_t info, seL4_Word badge, seL4_MessageInfo_t *reply)
{
	if (badge & GENODE_SIGNAL_BADGE) {
		irq_dispatch(badge & ~GENODE_SIGNAL_BADGE);
		return false;
	}
	struct core_obj *o = obj_lookup(badge);
	bool received =
	    seL4_MessageInfo_get_extraCaps(info) && !(seL4_MessageInfo_get_capsUnwrapped(info) & 1);
	if (!o) {
		*reply = rpc_error_reply(RPC_INVALID_OBJECT);
	} else if (!o->iface) {
		if (received)
			seL4_CNode_Delete(core_cspace, recv_slot, CORE_DEPTH);
		return pager_fault(o->impl, info);
	} else {
		bool used;
		*reply = rpc_dispatch(o->iface, o->impl, info, recv_slot, &used);
		if (used)
			recv_slot = 0;
		else if (received)
			seL4_CNode_Delete(core_cspace, recv_slot, CORE_DEPTH);
		/* a changed region map may resolve blocked faults */
		if (o->iface == &region_map_interface)
			pager_retry();
		return true;
	}
	if (received)
		seL4_CNode_Delete(core_cspace, recv_slot, CORE_DEPTH);
	return true;
}

/* Core's entrypoint, on its own stack: start init, then serve forever. */
static __attribute__((noreturn, used)) void serve(void)
{
	if (!child_start_init())
		for (;;)
			sim_DebugHalt(1);
	seL4_Word badge;
	arm_receive();
	seL4_MessageInfo_t info = seL4_Recv(core_ep, &badge), reply;
	for (;;) {
		bool answer = handle(info, badge, &reply);
		arm_receive();
		if (answer)
			info = seL4_ReplyRecv(core_ep, reply, &badge);
		else
			info = seL4_Recv(core_ep, &badge);
	}
}

int root_main(const seL4_BootInfo *bi)
{
	seL4_DebugNameThread(seL4_CapInitThreadTCB, "core");
	print_boot(bi);
	rom_init(bi);
	read_options();
	unsigned long sp = 0;
	if (!platform_init(bi) || !create_entrypoint() || !(sp = core_stack(CORE_STACK_SIZE))) {
		core_log("core: initialization failed\n");
		return 1;
	}
	io_port_init();
	rom_update_init();
	core_log("core: %lu KiB free after core's setup\n", untyped_avail() >> 10);
	/* leave the boot stack in bss, next to core's allocators, for a stack with a guard */
	__asm__ volatile("mov %0, %%rsp\n"
			 "xor %%ebp, %%ebp\n"
			 "call serve\n"
			 "ud2"
			 :
			 : "r"(sp)
			 : "memory");
	__builtin_unreachable();
}

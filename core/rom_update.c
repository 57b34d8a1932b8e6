/* The ROM-update device: its ports and its IRQ are core's, never handed out. */
#include "rom_update.h"
#include "core.h"
#include "cpu_session.h"
#include "io_port.h"
#include "irq.h"
#include "pd_session.h"
#include "rom.h"
#include "untyped.h"
#include <sim/rom_update.h>

/* The host asked (kill -USR2 on kernel-sim): core's totals and every PD's accounts. */
static void report_totals(void)
{
	/* paging structures: a live address space keeps them until it goes */
	unsigned long pds = 0, tables = core_vm.table_count;
	for (struct pd_session *pd = all_pds; pd; pd = pd->next) {
		pds++;
		tables += pd->pf.vs.table_count;
	}
	unsigned long heap_tables, heap = core_heap_size(&heap_tables);
	core_log("core: totals: %lu KiB RAM free, %lu KiB in use, %lu objects, %lu slots, %lu PDs, "
		 "heap %lu KiB and %lu tables, %lu paging structures in all\n",
		 untyped_avail() >> 10, untyped_in_use() >> 10, obj_count(), cspace_used(), pds,
		 heap >> 10, heap_tables, tables);
	for (struct pd_session *pd = all_pds; pd; pd = pd->next) {
		unsigned long threads = 0;
		for (struct cpu_thread *t = pd->threads; t; t = t->next_in_pd)
			threads++;
		core_log(
		    "core:   PD '%s': RAM %lu of %lu used, caps %lu of %lu used, %lu threads%s\n",
		    pd->s.label, pd->s.account.ram_used, pd->s.account.ram_quota,
		    pd->s.account.cap_used, pd->s.account.cap_quota, threads,
		    pd->dead ? ", dead" : "");
	}
}

static seL4_CPtr rom_ports, rom_irq;

/* Read every changed module from the device and hand it to the ROM service. */
static void rom_update_irq(void)
{
	if (seL4_X86_IOPort_In8(rom_ports, SIM_ROM_UPDATE_REPORT).result)
		report_totals();
	while (seL4_X86_IOPort_In8(rom_ports, SIM_ROM_UPDATE_PENDING).result) {
		seL4_X86_IOPort_Out8(rom_ports, SIM_ROM_UPDATE_CMD, SIM_ROM_UPDATE_NEXT);
		uint32_t index = seL4_X86_IOPort_In32(rom_ports, SIM_ROM_UPDATE_INDEX).result;
		uint32_t size = seL4_X86_IOPort_In32(rom_ports, SIM_ROM_UPDATE_SIZE).result;
		if (index == ~0u)
			continue;
		uint32_t *buf = core_alloc(((size_t)size + 4) & ~3ul);
		if (!buf) {
			core_log("core: no memory to read a ROM update of %u bytes\n", size);
			continue;
		}
		for (uint32_t i = 0; i < (size + 3) / 4; i++)
			buf[i] = seL4_X86_IOPort_In32(rom_ports, SIM_ROM_UPDATE_DATA).result;
		if (index == SIM_ROM_UPDATE_REQUEST) {
			((char *)buf)[size < 255 ? size : 255] = 0;
			rom_control_request((const char *)buf);
		} else {
			rom_module_updated((int)index, buf, size);
		}
		core_free(buf);
	}
	seL4_IRQHandler_Ack(rom_irq);
}

void rom_update_init(void)
{
	rom_ports = io_port_claim(SIM_ROM_UPDATE_BASE, SIM_ROM_UPDATE_PORTS);
	if (!irq_claim_core(SIM_ROM_UPDATE_IRQ, rom_update_irq, &rom_irq) || !rom_ports)
		core_log("core: no ROM updates from the host\n");
}

/*
 * Device services: IO_PORT (core performs the port accesses of a session's
 * range), IRQ (an interrupt becomes a signal to the session's handler) and
 * IO_MEM. Each port and each interrupt is handed out once.
 */
#include "core.h"
#include "cpu_session.h"
#include "pd_session.h"
#include "rom.h"
#include "untyped.h"
#include <sim/pit.h>
#include <sim/rom_update.h>
#include "dataspace.h"
#include "untyped.h"
#include "io.h"
#include "session.h"
#include "signal.h"
#include <base/range_alloc.h>
#include <genode/io_session.h>
#include <genode/layout.h>

static struct range port_ranges[64];
static struct range_alloc ports;
static struct irq_session *irqs[CORE_IRQS];
static unsigned long irq_reserved; /* IRQs core keeps for itself */
seL4_CPtr core_irq_ntfn;

/*
 * The handler of a legacy (ISA) interrupt line, as Genode's core on seL4
 * gets it: through the I/O APIC, on the pin the line reaches (the PC's
 * source override: line 0 is pin 2, others pin = line), vector = line,
 * edge triggered, active high; or from the PIC when the kernel is
 * configured for it.
 */
static seL4_Error irq_control_get(unsigned long irq, seL4_CPtr handler)
{
	unsigned long pin = irq == PIT_IRQ ? PIT_IOAPIC_PIN : irq;
	seL4_Error e = seL4_IRQControl_GetIOAPIC(seL4_CapIRQControl, core_cspace, handler,
						 CORE_DEPTH, 0, pin, 0, 0, irq);
	if (e == seL4_IllegalOperation)
		e = seL4_IRQControl_Get(seL4_CapIRQControl, irq, core_cspace, handler, CORE_DEPTH);
	return e;
}

/*
 * An interrupt: its handler capability and a copy of core's interrupt
 * notification badged with the IRQ's bit; false (nothing kept) if it fails.
 */
static bool irq_claim(unsigned long irq, seL4_CPtr *handler, seL4_CPtr *ntfn)
{
	*handler = cspace_alloc();
	*ntfn = cspace_alloc();
	if (*handler && *ntfn && !irq_control_get(irq, *handler) &&
	    !seL4_CNode_Mint(core_cspace, *ntfn, CORE_DEPTH, core_cspace, core_irq_ntfn, CORE_DEPTH,
			     seL4_AllRights, GENODE_SIGNAL_BADGE | 1ul << irq) &&
	    !seL4_IRQHandler_SetNotification(*handler, *ntfn))
		return true;
	cspace_release(*handler);
	cspace_release(*ntfn);
	*handler = *ntfn = 0;
	return false;
}

/* I/O ports [first, first + count) for core itself, taken off the allocator; 0 on failure. */
static seL4_CPtr ports_claim(unsigned long first, unsigned long count)
{
	seL4_CPtr cap = cspace_alloc();
	range_alloc_alloc_addr(&ports, first, count);
	if (cap && !seL4_X86_IOPortControl_Issue(seL4_CapIOPortControl, first, first + count - 1,
						 core_cspace, cap, CORE_DEPTH))
		return cap;
	cspace_free(cap);
	return 0;
}

/* --- the ROM-update device: core's own, never handed out ------------------ */

/* The host asked (kill -USR2 on kernel-sim): core's totals and every PD's accounts. */
static void report_totals(void)
{
	unsigned long pds = 0;
	for (struct pd_session *pd = all_pds; pd; pd = pd->next)
		pds++;
	unsigned long heap_tables, heap = core_heap_size(&heap_tables);
	core_log("core: totals: %lu KiB RAM free, %lu KiB in use, %lu objects, %lu slots, %lu PDs, "
		 "heap %lu KiB and %lu tables\n",
		 untyped_avail() >> 10, untyped_in_use() >> 10, obj_count(), cspace_used(), pds,
		 heap >> 10, heap_tables);
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

static void rom_update_init(void)
{
	seL4_CPtr ntfn;
	rom_ports = ports_claim(SIM_ROM_UPDATE_BASE, SIM_ROM_UPDATE_PORTS);
	if (!rom_ports || !irq_claim(SIM_ROM_UPDATE_IRQ, &rom_irq, &ntfn))
		core_log("core: no ROM updates from the host\n");
	irq_reserved |= 1ul << SIM_ROM_UPDATE_IRQ;
}

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

void io_init(void)
{
	range_alloc_init(&ports, port_ranges, sizeof(port_ranges) / sizeof(port_ranges[0]));
	range_alloc_add(&ports, 0, 0x10000);
	rom_update_init();
}

/* --- IO_PORT ------------------------------------------------------------ */

struct io_port_session {
	struct core_session s;
	unsigned long base, size;
	seL4_CPtr cap;
};

static int io_port_create(struct core_session *s, const char *args)
{
	struct io_port_session *io = (struct io_port_session *)s;
	io->base = session_arg_ulong(args, "io_port_base", 0);
	io->size = session_arg_ulong(args, "io_port_size", 0);
	if (!io->size || io->base + io->size > 0x10000 ||
	    !range_alloc_alloc_addr(&ports, io->base, io->size)) {
		core_log("core: I/O ports [%#lx, %#lx) are not available\n", io->base,
			 io->base + io->size);
		io->size = 0;
		return RPC_DENIED;
	}
	io->cap = cspace_alloc();
	if (!io->cap ||
	    seL4_X86_IOPortControl_Issue(seL4_CapIOPortControl, io->base, io->base + io->size - 1,
					 core_cspace, io->cap, CORE_DEPTH) != seL4_NoError) {
		cspace_free(io->cap);
		io->cap = 0;
		range_alloc_free(&ports, io->base, io->size);
		io->size = 0;
		return RPC_DENIED;
	}
	return RPC_OK;
}

static void io_port_destroy(struct core_session *s)
{
	struct io_port_session *io = (struct io_port_session *)s;
	cspace_release(io->cap);
	if (io->size)
		range_alloc_free(&ports, io->base, io->size);
}

RPC_SERVER(io_port_session_interface, IO_PORT_SESSION_RPC);

const struct core_service io_port_service = {
    .name = "IO_PORT",
    .create = io_port_create,
    .destroy = io_port_destroy,
    .iface = &io_port_session_interface,
    .size = sizeof(struct io_port_session),
};

static bool port_ok(const struct io_port_session *io, const struct io_port_args *in)
{
	return (in->width == 1 || in->width == 2 || in->width == 4) && in->port >= io->base &&
	       in->port + in->width <= io->base + io->size;
}

int serve_io_port_session_in(void *obj, const struct io_port_args *in, struct io_port_value *out,
			     struct rpc_cap_arg *cap_in, seL4_CPtr *cap_out)
{
	(void)cap_in, (void)cap_out;
	struct io_port_session *io = obj;
	if (!port_ok(io, in))
		return RPC_INVALID_ARGS;
	seL4_Uint16 port = (seL4_Uint16)in->port;
	if (in->width == 1)
		out->value = seL4_X86_IOPort_In8(io->cap, port).result;
	else if (in->width == 2)
		out->value = seL4_X86_IOPort_In16(io->cap, port).result;
	else
		out->value = seL4_X86_IOPort_In32(io->cap, port).result;
	return RPC_OK;
}

int serve_io_port_session_out(void *obj, const struct io_port_args *in, struct rpc_none *out,
			      struct rpc_cap_arg *cap_in, seL4_CPtr *cap_out)
{
	(void)out, (void)cap_in, (void)cap_out;
	struct io_port_session *io = obj;
	if (!port_ok(io, in))
		return RPC_INVALID_ARGS;
	if (in->width == 1)
		seL4_X86_IOPort_Out8(io->cap, in->port, in->value);
	else if (in->width == 2)
		seL4_X86_IOPort_Out16(io->cap, in->port, in->value);
	else
		seL4_X86_IOPort_Out32(io->cap, in->port, in->value);
	return RPC_OK;
}

/* --- IRQ ---------------------------------------------------------------- */

struct irq_session {
	struct core_session s;
	unsigned long irq;
	seL4_CPtr handler, ntfn;
	seL4_Word sigh;
};

static int irq_create(struct core_session *s, const char *args)
{
	struct irq_session *q = (struct irq_session *)s;
	q->irq = session_arg_ulong(args, "irq_number", ~0ul);
	if (q->irq >= CORE_IRQS || irqs[q->irq] || irq_reserved >> q->irq & 1) {
		core_log("core: IRQ %ld is not available\n", (long)q->irq);
		q->irq = ~0ul;
		return RPC_DENIED;
	}
	if (!irq_claim(q->irq, &q->handler, &q->ntfn)) {
		q->irq = ~0ul;
		return RPC_DENIED;
	}
	irqs[q->irq] = q;
	return RPC_OK;
}

static void irq_destroy(struct core_session *s)
{
	struct irq_session *q = (struct irq_session *)s;
	if (q->irq < CORE_IRQS)
		irqs[q->irq] = 0;
	if (q->handler)
		seL4_IRQHandler_Clear(q->handler);
	cspace_release(q->handler);
	cspace_release(q->ntfn);
}

RPC_SERVER(irq_session_interface, IRQ_SESSION_RPC);

const struct core_service irq_service = {
    .name = "IRQ",
    .create = irq_create,
    .destroy = irq_destroy,
    .iface = &irq_session_interface,
    .size = sizeof(struct irq_session),
};

void irq_dispatch(seL4_Word bits)
{
	if (bits & 1ul << SIM_ROM_UPDATE_IRQ)
		rom_update_irq();
	bits &= ~irq_reserved;
	for (unsigned i = 0; i < CORE_IRQS; i++)
		if (bits & (1ul << i) && irqs[i])
			signal_submit_badge(irqs[i]->sigh, 1);
}

int serve_irq_session_ack(void *obj, const struct rpc_none *in, struct rpc_none *out,
			  struct rpc_cap_arg *cap_in, seL4_CPtr *cap_out)
{
	(void)in, (void)out, (void)cap_in, (void)cap_out;
	seL4_IRQHandler_Ack(((struct irq_session *)obj)->handler);
	return RPC_OK;
}

int serve_irq_session_sigh(void *obj, const struct rpc_none *in, struct rpc_none *out,
			   struct rpc_cap_arg *cap_in, seL4_CPtr *cap_out)
{
	(void)in, (void)out, (void)cap_out;
	((struct irq_session *)obj)->sigh = signal_badge_arg(cap_in);
	return RPC_OK;
}

/* --- IO_MEM ------------------------------------------------------------ */

/* Device memory as a dataspace: naturally aligned device blocks retyped into frames. */
struct io_mem_session {
	struct core_session s;
	struct ut_block *blocks[64];
	unsigned block_count;
	seL4_CPtr *frames;
	unsigned long frame_count;
	struct dataspace *ds;
};

#define IO_MEM_MAX_ORDER 20 /* 256 frames: one retype */

static void io_mem_destroy(struct core_session *s)
{
	struct io_mem_session *io = (struct io_mem_session *)s;
	ds_destroy(io->ds);
	for (unsigned i = 0; i < io->block_count; i++)
		untyped_free(io->blocks[i]); /* revokes the frames and their mappings */
	for (unsigned long i = 0; i < io->frame_count; i++)
		if (io->frames[i])
			cspace_free(io->frames[i]);
	core_free(io->frames);
}

static int io_mem_create(struct core_session *s, const char *args)
{
	struct io_mem_session *io = (struct io_mem_session *)s;
	unsigned long base = session_arg_ulong(args, "base", 0);
	unsigned long size = session_arg_ulong(args, "size", 0);
	unsigned long end = (base + size + seL4_PageSize - 1) & ~(seL4_PageSize - 1);
	base &= ~(seL4_PageSize - 1);
	if (!size || end <= base || end - base > (64ul << 20)) {
		core_log("core: IO_MEM [%#lx, %#lx) is not a valid range\n", base, base + size);
		return RPC_DENIED;
	}
	io->frames = core_zalloc((end - base) / seL4_PageSize * sizeof(seL4_CPtr));
	if (!io->frames)
		return RPC_OUT_OF_METADATA;
	for (unsigned long a = base; a < end;) {
		unsigned order = a ? (unsigned)__builtin_ctzl(a) : IO_MEM_MAX_ORDER;
		while (order > seL4_PageBits &&
		       (order > IO_MEM_MAX_ORDER || a + (1ul << order) > end))
			order--;
		unsigned long count = 1ul << (order - seL4_PageBits);
		struct ut_block *b = io->block_count < 64 ? untyped_alloc_device(a, order) : 0;
		seL4_CPtr first = b ? cspace_alloc_range((unsigned)count) : 0;
		if (b)
			io->blocks[io->block_count++] = b;
		if (!first || untyped_retype(b, seL4_X86_4K, 0, first, (unsigned)count)) {
			if (first)
				cspace_free_range(first, (unsigned)count);
			core_log("core: IO_MEM [%#lx, %#lx) is not available\n", base, end);
			io_mem_destroy(s);
			io->block_count = 0, io->frame_count = 0, io->frames = 0, io->ds = 0;
			return RPC_DENIED;
		}
		for (unsigned long i = 0; i < count; i++)
			io->frames[io->frame_count++] = first + i;
		a += 1ul << order;
	}
	io->ds = ds_from_frames(DS_IO, io->frames, io->frame_count, end - base, true);
	return io->ds ? RPC_OK : RPC_OUT_OF_METADATA;
}

RPC_SERVER(io_mem_session_interface, IO_MEM_SESSION_RPC);

const struct core_service io_mem_service = {
    .name = "IO_MEM",
    .create = io_mem_create,
    .destroy = io_mem_destroy,
    .iface = &io_mem_session_interface,
    .size = sizeof(struct io_mem_session),
};

int serve_io_mem_session_dataspace(void *obj, const struct rpc_none *in, struct rpc_none *out,
				   struct rpc_cap_arg *cap_in, seL4_CPtr *cap_out)
{
	(void)in, (void)out, (void)cap_in;
	*cap_out = ((struct io_mem_session *)obj)->ds->obj.cap;
	return RPC_OK;
}

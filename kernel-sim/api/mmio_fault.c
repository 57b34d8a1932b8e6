#include "mmio_fault.h"
#include "x86_decode.h"
#include "../devices/mmio.h"
#include "../host/access_time.h"
#include "../kernel/log.h"
#include "../kernel/thread.h"
#include "../object/frame.h"
#include "../object/vspace.h"

#define X86_MAX_INSN 15

/* The x86 register numbered n (rax, rcx, rdx, rbx, rsp, rbp, rsi, rdi, r8-r15). */
static seL4_Word *gpr(seL4_UserContext *r, int n)
{
	seL4_Word *const regs[16] = {&r->rax, &r->rcx, &r->rdx, &r->rbx, &r->rsp, &r->rbp,
				     &r->rsi, &r->rdi, &r->r8,	&r->r9,	 &r->r10, &r->r11,
				     &r->r12, &r->r13, &r->r14, &r->r15};
	return regs[n & 15];
}

static uint64_t mask_of(unsigned size)
{
	return size >= 8 ? ~0ul : (1ul << (8 * size)) - 1;
}

static uint64_t read_reg(seL4_UserContext *r, const struct x86_insn *in)
{
	uint64_t v = *gpr(r, in->reg);
	return (in->high_byte ? v >> 8 : v) & mask_of(in->size);
}

/* A register write as x86 does it: 32-bit results clear the upper half, 8 and 16 merge. */
static void write_reg(seL4_UserContext *r, const struct x86_insn *in, uint64_t v)
{
	seL4_Word *p = gpr(r, in->reg);
	if (in->high_byte)
		*p = (*p & ~0xff00ul) | ((v & 0xff) << 8);
	else if (in->reg_size >= 4)
		*p = v & mask_of(in->reg_size);
	else
		*p = (*p & ~mask_of(in->reg_size)) | (v & mask_of(in->reg_size));
}

static uint64_t extend(const struct x86_insn *in, uint64_t v)
{
	if (!in->sign_extend || in->size >= 8)
		return v;
	unsigned shift = 64 - 8 * in->size;
	return (uint64_t)((int64_t)(v << shift) >> shift);
}

static uint64_t dev_read(struct mmio_device *d, uint64_t paddr, unsigned size)
{
	return d ? d->read(d, paddr - d->paddr, size) & mask_of(size) : mask_of(size);
}

static void dev_write(struct mmio_device *d, uint64_t paddr, unsigned size, uint64_t v)
{
	if (d)
		d->write(d, paddr - d->paddr, size, v & mask_of(size));
}

static void emulate(seL4_UserContext *r, const struct x86_insn *in, struct mmio_device *d,
		    uint64_t paddr)
{
	uint64_t operand = in->reg >= 0 ? read_reg(r, in) : in->imm, result;
	switch (in->op) {
	case X86_LOAD:
		write_reg(r, in, extend(in, dev_read(d, paddr, in->size)));
		break;
	case X86_STORE:
		dev_write(d, paddr, in->size, operand);
		break;
	case X86_XCHG: {
		uint64_t old = dev_read(d, paddr, in->size);
		dev_write(d, paddr, in->size, operand);
		write_reg(r, in, old);
		break;
	}
	case X86_ALU: {
		uint64_t mem = dev_read(d, paddr, in->size);
		uint64_t a = in->mem_is_dest ? mem : operand, b = in->mem_is_dest ? operand : mem;
		r->rflags = x86_alu(in->alu, in->size, a, b, r->rflags, &result);
		if (in->alu == ALU_CMP || in->alu == ALU_TEST)
			break;
		if (in->mem_is_dest)
			dev_write(d, paddr, in->size, result);
		else
			write_reg(r, in, result);
		break;
	}
	}
}

/* The instruction bytes at rip, as far as they are mapped. */
static size_t fetch(struct vspace *vs, uint64_t rip, uint8_t *code)
{
	size_t first = seL4_PageSize - (rip & (seL4_PageSize - 1));
	if (first > X86_MAX_INSN)
		first = X86_MAX_INSN;
	if (vspace_read(vs, rip, code, first) != 0)
		return 0;
	if (first < X86_MAX_INSN &&
	    vspace_read(vs, rip + first, code + first, X86_MAX_INSN - first) == 0)
		return X86_MAX_INSN;
	return first;
}

bool mmio_fault(struct tcb *t, const struct sim_trap *trap)
{
	struct vspace *vs = thread_vspace(t);
	uint64_t off;
	uint8_t rights;
	struct frame *f = vs ? vspace_lookup_frame(vs, trap->addr, &off, &rights) : NULL;
	bool write = trap->err & 2;
	if (!f || !f->mmio || (rights != VM_READ_WRITE && (rights != VM_READ_ONLY || write)))
		return false;
	uint8_t code[X86_MAX_INSN];
	size_t n = fetch(vs, t->regs.rip, code);
	struct x86_insn in;
	if (!x86_decode(code, n, &in)) {
		if (kernel_verbose)
			kprintf(
			    "kernel-sim: thread \"%s\": cannot emulate the instruction at 0x%lx "
			    "on device memory (bytes %02x %02x %02x %02x)\n",
			    t->name, (unsigned long)t->regs.rip, code[0], code[1], code[2],
			    code[3]);
		return false;
	}
	bool writes =
	    in.op == X86_STORE || in.op == X86_XCHG ||
	    (in.op == X86_ALU && in.mem_is_dest && in.alu != ALU_CMP && in.alu != ALU_TEST);
	if (writes && rights != VM_READ_WRITE)
		return false;
	uint64_t paddr = f->obj.paddr + off;
	struct mmio_device *d = mmio_device_at(paddr);
	/* Before the access: a read gives the device's time at its start. */
	if (d)
		access_time_begin(t, d, trap, writes);
	emulate(&t->regs, &in, d, paddr);
	t->regs.rip += in.length;
	t->next_ip = t->regs.rip;
	return true;
}

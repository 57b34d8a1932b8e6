/* The decoder of device-register accesses (api/x86_decode.c) against encodings from gcc and the
 * SDM. */
#include "check.h"
#include "api/x86_decode.h"

#include <string.h>

#define RAX 0
#define RCX 1
#define RDX 2
#define RBX 3
#define R8  8
#define R10 10

static struct x86_insn in;

/* Decode the bytes; true if they form one instruction of exactly that length. */
static bool decode(const uint8_t *code, size_t len)
{
	uint8_t buf[15];
	memset(buf, 0x90, sizeof(buf)); /* what follows must not count */
	memcpy(buf, code, len);
	return x86_decode(buf, sizeof(buf), &in) && in.length == len;
}

#define DECODE(...)                                                                                \
	({                                                                                         \
		static const uint8_t c_[] = {__VA_ARGS__};                                         \
		decode(c_, sizeof(c_));                                                            \
	})

static void loads(void)
{
	CHECK(DECODE(0x48, 0x8b, 0x00)); /* mov (%rax),%rax */
	CHECK(in.op == X86_LOAD && in.size == 8 && in.reg == RAX);
	CHECK(DECODE(0x8b, 0x50, 0x10)); /* mov 0x10(%rax),%edx */
	CHECK(in.op == X86_LOAD && in.size == 4 && in.reg_size == 4 && in.reg == RDX);
	CHECK(DECODE(0x4c, 0x8b, 0x84, 0x24, 0x00, 0x01, 0x00, 0x00)); /* mov 0x100(%rsp),%r8 */
	CHECK(in.reg == R8 && in.size == 8);
	CHECK(DECODE(0x8b, 0x05, 0x10, 0x00, 0x00, 0x00));	       /* mov 0x10(%rip),%eax */
	CHECK(DECODE(0x0f, 0xb6, 0x04, 0x25, 0x00, 0x00, 0xe0, 0xfe)); /* movzbl 0xfee00000,%eax */
	CHECK(in.size == 1 && in.reg_size == 4 && !in.sign_extend);
	CHECK(DECODE(0x48, 0x0f, 0xbf, 0x08)); /* movswq (%rax),%rcx */
	CHECK(in.size == 2 && in.reg_size == 8 && in.sign_extend && in.reg == RCX);
	CHECK(DECODE(0x48, 0x63, 0x10)); /* movslq (%rax),%rdx */
	CHECK(in.size == 4 && in.reg_size == 8 && in.sign_extend);
	CHECK(DECODE(0x8a, 0x20)); /* mov (%rax),%ah */
	CHECK(in.size == 1 && in.reg == RAX && in.high_byte);
	CHECK(DECODE(0x48, 0xa1, 1, 2, 3, 4, 5, 6, 7, 8)); /* movabs 0x0807060504030201,%rax */
	CHECK(in.op == X86_LOAD && in.size == 8 && in.reg == RAX);
}

static void stores(void)
{
	CHECK(DECODE(0x48, 0x89, 0x50, 0x08)); /* mov %rdx,0x8(%rax) */
	CHECK(in.op == X86_STORE && in.size == 8 && in.reg == RDX);
	CHECK(DECODE(0x48, 0xc7, 0x40, 0x08, 0x00, 0x00, 0x00, 0x80)); /* movq $-2^31,0x8(%rax) */
	CHECK(in.op == X86_STORE && in.reg == -1 && in.imm == 0xffffffff80000000ul);
	CHECK(DECODE(0x66, 0x89, 0x08)); /* mov %cx,(%rax) */
	CHECK(in.size == 2 && in.reg == RCX);
	CHECK(DECODE(0x66, 0xc7, 0x00, 0x34, 0x12)); /* movw $0x1234,(%rax) */
	CHECK(in.size == 2 && in.imm == 0x1234);
	CHECK(DECODE(0x40, 0x88, 0x20)); /* mov %spl,(%rax): REX, not %ah */
	CHECK(in.reg == 4 && !in.high_byte);
	CHECK(DECODE(0xc6, 0x00, 0xff)); /* movb $0xff,(%rax) */
	CHECK(in.size == 1 && (in.imm & 0xff) == 0xff);
	CHECK(DECODE(0x48, 0x87, 0x18)); /* xchg %rbx,(%rax) */
	CHECK(in.op == X86_XCHG && in.reg == RBX);
	CHECK(DECODE(0x4c, 0x89, 0x14, 0x88)); /* mov %r10,(%rax,%rcx,4) */
	CHECK(in.reg == R10);
}

static void read_modify_write(void)
{
	CHECK(DECODE(0x48, 0x81, 0x08, 0x00, 0x01, 0x00, 0x00)); /* orq $0x100,(%rax) */
	CHECK(in.op == X86_ALU && in.alu == ALU_OR && in.mem_is_dest && in.imm == 0x100);
	CHECK(DECODE(0x83, 0x20, 0xfe)); /* andl $-2,(%rax) */
	CHECK(in.alu == ALU_AND && in.size == 4 && in.imm == ~1ul);
	CHECK(DECODE(0x48, 0x09, 0x10)); /* or %rdx,(%rax) */
	CHECK(in.alu == ALU_OR && in.mem_is_dest && in.reg == RDX);
	CHECK(DECODE(0x48, 0x03, 0x10)); /* add (%rax),%rdx */
	CHECK(in.alu == ALU_ADD && !in.mem_is_dest);
	CHECK(DECODE(0xf7, 0x00, 0x01, 0x00, 0x00, 0x00)); /* testl $1,(%rax) */
	CHECK(in.alu == ALU_TEST && in.imm == 1);
	CHECK(DECODE(0x48, 0x39, 0x08)); /* cmp %rcx,(%rax) */
	CHECK(in.alu == ALU_CMP && in.mem_is_dest);
	CHECK(DECODE(0xf0, 0x48, 0x83, 0x00, 0x01)); /* lock addq $1,(%rax) */
	CHECK(in.alu == ALU_ADD && in.imm == 1);
}

static void refused(void)
{
	static const uint8_t movups[] = {0x0f, 0x10, 0x00}, reg_to_reg[] = {0x48, 0x89, 0xc0},
			     div[] = {0xf7, 0x30};
	CHECK(!x86_decode(movups, sizeof(movups), &in));
	CHECK(!x86_decode(reg_to_reg, sizeof(reg_to_reg), &in)); /* no memory operand */
	CHECK(!x86_decode(div, sizeof(div), &in));
	static const uint8_t cut[] = {0x48, 0xc7, 0x40, 0x08, 0x00};
	CHECK(!x86_decode(cut, sizeof(cut), &in)); /* immediate missing */
}

static void flags(void)
{
	uint64_t r;
	uint64_t f = x86_alu(ALU_SUB, 8, 1, 2, 0, &r);
	CHECK(r == ~0ul && (f & 0x1) && (f & 0x80) && !(f & 0x40)); /* CF, SF, not ZF */
	f = x86_alu(ALU_ADD, 1, 0xff, 1, 0, &r);
	CHECK(r == 0 && (f & 0x1) && (f & 0x40)); /* CF, ZF */
	f = x86_alu(ALU_ADD, 4, 0x7fffffff, 1, 0, &r);
	CHECK(r == 0x80000000 && (f & 0x800) && !(f & 0x1)); /* OF, not CF */
	f = x86_alu(ALU_TEST, 4, 0xf0, 0x0f, 0x1 | 0x800, &r);
	CHECK((f & 0x40) && !(f & 0x1) && !(f & 0x800) && (f & 0x4)); /* ZF, PF; CF, OF cleared */
	f = x86_alu(ALU_CMP, 8, 5, 5, 0, &r);
	CHECK(f & 0x40);
}

int main(void)
{
	RUN(loads);
	RUN(stores);
	RUN(read_modify_write);
	RUN(refused);
	RUN(flags);
	return check_failures != 0;
}

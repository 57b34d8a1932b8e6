#include "x86_decode.h"

#include <string.h>

#define FLAG_CF 0x001ul
#define FLAG_PF 0x004ul
#define FLAG_AF 0x010ul
#define FLAG_ZF 0x040ul
#define FLAG_SF 0x080ul
#define FLAG_OF 0x800ul

struct cursor {
	const uint8_t *p;
	size_t left, used;
};

static bool take(struct cursor *c, size_t n, uint64_t *v)
{
	if (c->left < n)
		return false;
	uint64_t x = 0;
	for (size_t i = 0; i < n; i++)
		x |= (uint64_t)c->p[c->used + i] << (8 * i);
	c->used += n;
	c->left -= n;
	*v = x;
	return true;
}

static uint64_t sign_extend(uint64_t v, unsigned bytes)
{
	unsigned shift = 64 - 8 * bytes;
	return bytes >= 8 ? v : (uint64_t)((int64_t)(v << shift) >> shift);
}

/* Skip the ModRM addressing bytes (SIB, displacement); false if it names a register. */
static bool skip_modrm_memory(struct cursor *c, uint8_t modrm)
{
	unsigned mod = modrm >> 6, rm = modrm & 7;
	uint64_t v;
	if (mod == 3)
		return false;
	if (rm == 4) {
		uint64_t sib;
		if (!take(c, 1, &sib))
			return false;
		if (mod == 0 && (sib & 7) == 5 && !take(c, 4, &v))
			return false;
	}
	if (mod == 0 && rm == 5)
		return take(c, 4, &v); /* rip-relative */
	if (mod == 1)
		return take(c, 1, &v);
	if (mod == 2)
		return take(c, 4, &v);
	return true;
}

static const enum x86_alu group1[8] = {ALU_ADD, ALU_OR,	 ALU_ADC, ALU_SBB,
				       ALU_AND, ALU_SUB, ALU_XOR, ALU_CMP};

bool x86_decode(const uint8_t *code, size_t len, struct x86_insn *out)
{
	/* No x86 instruction is longer than 15 bytes (the CPU raises #GP instead). */
	struct cursor c = {code, len < 15 ? len : 15, 0};
	memset(out, 0, sizeof(*out));
	bool opsize16 = false, rex = false, rex_w = false, rex_r = false;
	uint64_t b;
	for (;;) {
		if (!take(&c, 1, &b))
			return false;
		if (b == 0x66)
			opsize16 = true;
		else if (b == 0xf0 || b == 0x2e || b == 0x3e || b == 0x26 || b == 0x36 ||
			 b == 0x64 || b == 0x65 || b == 0x67)
			continue; /* lock, segment overrides, address size */
		else
			break;
	}
	if ((b & 0xf0) == 0x40) {
		rex = true;
		rex_w = b & 8;
		rex_r = b & 4;
		if (!take(&c, 1, &b))
			return false;
	}
	unsigned wsize = rex_w ? 8 : opsize16 ? 2 : 4;
	uint8_t opcode = (uint8_t)b;
	uint64_t modrm = 0, v;
	bool two_byte = opcode == 0x0f;
	if (two_byte) {
		if (!take(&c, 1, &b))
			return false;
		opcode = (uint8_t)b;
	}
	out->reg = -1;

	if (!two_byte && opcode >= 0xa0 && opcode <= 0xa3) {
		/* MOV between rAX and a 64-bit absolute address */
		if (!take(&c, 8, &v))
			return false;
		out->op = opcode < 0xa2 ? X86_LOAD : X86_STORE;
		out->size = out->reg_size = opcode & 1 ? wsize : 1;
		out->reg = 0;
		out->length = (unsigned)c.used;
		return true;
	}

	if (!take(&c, 1, &modrm))
		return false;
	int reg = (int)((modrm >> 3) & 7) + (rex_r ? 8 : 0);
	if (!skip_modrm_memory(&c, (uint8_t)modrm))
		return false;
	bool byte_op = false;

	if (two_byte) {
		switch (opcode) {
		case 0xb6: /* MOVZX r, r/m8 */
		case 0xb7: /* MOVZX r, r/m16 */
		case 0xbe: /* MOVSX r, r/m8 */
		case 0xbf: /* MOVSX r, r/m16 */
			out->op = X86_LOAD;
			out->size = opcode & 1 ? 2 : 1;
			out->reg_size = wsize;
			out->sign_extend = opcode >= 0xbe;
			out->reg = reg;
			break;
		default:
			return false;
		}
		out->length = (unsigned)c.used;
		return true;
	}

	unsigned imm_size = 0;
	switch (opcode) {
	case 0x88: /* MOV r/m8, r8 */
	case 0x89: /* MOV r/m, r */
		out->op = X86_STORE;
		out->reg = reg;
		byte_op = opcode == 0x88;
		break;
	case 0x8a: /* MOV r8, r/m8 */
	case 0x8b: /* MOV r, r/m */
		out->op = X86_LOAD;
		out->reg = reg;
		byte_op = opcode == 0x8a;
		break;
	case 0x63: /* MOVSXD r, r/m32 */
		out->op = X86_LOAD;
		out->reg = reg;
		out->size = 4;
		out->reg_size = wsize;
		out->sign_extend = true;
		break;
	case 0xc6: /* MOV r/m8, imm8 */
	case 0xc7: /* MOV r/m, imm32 */
		if ((modrm >> 3) & 7)
			return false;
		out->op = X86_STORE;
		byte_op = opcode == 0xc6;
		imm_size = byte_op ? 1 : wsize == 2 ? 2 : 4;
		break;
	case 0x80: /* group 1: op r/m8, imm8 */
	case 0x81: /* op r/m, imm32 */
	case 0x83: /* op r/m, imm8 */
		out->op = X86_ALU;
		out->alu = group1[(modrm >> 3) & 7];
		out->mem_is_dest = true;
		byte_op = opcode == 0x80;
		imm_size = opcode == 0x81 ? (wsize == 2 ? 2 : 4) : 1;
		break;
	case 0x84: /* TEST r/m8, r8 */
	case 0x85: /* TEST r/m, r */
		out->op = X86_ALU;
		out->alu = ALU_TEST;
		out->reg = reg;
		out->mem_is_dest = true;
		byte_op = opcode == 0x84;
		break;
	case 0x86: /* XCHG r/m8, r8 */
	case 0x87: /* XCHG r/m, r */
		out->op = X86_XCHG;
		out->reg = reg;
		byte_op = opcode == 0x86;
		break;
	case 0xf6: /* TEST r/m8, imm8 */
	case 0xf7: /* TEST r/m, imm32 */
		if ((modrm >> 3) & 6)
			return false;
		out->op = X86_ALU;
		out->alu = ALU_TEST;
		out->mem_is_dest = true;
		byte_op = opcode == 0xf6;
		imm_size = byte_op ? 1 : wsize == 2 ? 2 : 4;
		break;
	default:
		/* ADD, OR, ADC, SBB, AND, SUB, XOR, CMP: 00-3f, r/m forms 0-3 */
		if (opcode > 0x3f || (opcode & 7) > 3)
			return false;
		out->op = X86_ALU;
		out->alu = group1[opcode >> 3];
		out->reg = reg;
		out->mem_is_dest = !(opcode & 2);
		byte_op = !(opcode & 1);
		break;
	}
	if (!out->size)
		out->size = out->reg_size = byte_op ? 1 : wsize;
	if (byte_op && !rex && out->reg >= 4 && out->reg < 8) {
		out->high_byte = true; /* AH, CH, DH, BH */
		out->reg -= 4;
	}
	if (imm_size) {
		if (!take(&c, imm_size, &v))
			return false;
		out->imm = sign_extend(v, imm_size);
	}
	out->length = (unsigned)c.used;
	return true;
}

static uint64_t mask_of(unsigned size)
{
	return size >= 8 ? ~0ul : (1ul << (8 * size)) - 1;
}

static bool parity_even(uint64_t v)
{
	return !__builtin_parity((unsigned)(v & 0xff));
}

uint64_t x86_alu(enum x86_alu alu, unsigned size, uint64_t a, uint64_t b, uint64_t rflags,
		 uint64_t *result)
{
	uint64_t m = mask_of(size), sign = 1ul << (8 * size - 1);
	a &= m;
	b &= m;
	uint64_t carry_in = rflags & FLAG_CF ? 1 : 0, r;
	uint64_t flags = rflags & ~(FLAG_CF | FLAG_PF | FLAG_AF | FLAG_ZF | FLAG_SF | FLAG_OF);
	switch (alu) {
	case ALU_ADD:
	case ALU_ADC: {
		uint64_t cin = alu == ALU_ADC ? carry_in : 0;
		r = (a + b + cin) & m;
		bool cf = size >= 8 ? (r < a || (cin && r == a)) : a + b + cin > m;
		if (cf)
			flags |= FLAG_CF;
		if (~(a ^ b) & (a ^ r) & sign)
			flags |= FLAG_OF;
		if ((a ^ b ^ r) & 0x10)
			flags |= FLAG_AF;
		break;
	}
	case ALU_SUB:
	case ALU_SBB:
	case ALU_CMP: {
		uint64_t bin = alu == ALU_SBB ? carry_in : 0;
		r = (a - b - bin) & m;
		if (a < b || (bin && a == b))
			flags |= FLAG_CF;
		if ((a ^ b) & (a ^ r) & sign)
			flags |= FLAG_OF;
		if ((a ^ b ^ r) & 0x10)
			flags |= FLAG_AF;
		break;
	}
	case ALU_OR:
		r = a | b;
		break;
	case ALU_XOR:
		r = a ^ b;
		break;
	default: /* AND, TEST */
		r = a & b;
		break;
	}
	if (r == 0)
		flags |= FLAG_ZF;
	if (r & sign)
		flags |= FLAG_SF;
	if (parity_even(r))
		flags |= FLAG_PF;
	*result = r;
	return flags;
}

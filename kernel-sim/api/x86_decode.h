/*
 * A decoder for the x86_64 instructions that touch memory the way device
 * drivers touch registers: MOV in every form (including immediates,
 * MOVZX, MOVSX, MOVSXD and the moffs forms), the ALU operations on memory
 * (ADD, OR, ADC, SBB, AND, SUB, XOR, CMP with register or immediate), TEST
 * and XCHG. kernel-sim emulates such an instruction when it faults on an
 * emulated device's page (api/mmio_fault.c).
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum x86_op {
	X86_LOAD,  /* reg = mem (zero- or sign-extended) */
	X86_STORE, /* mem = reg or imm */
	X86_ALU,   /* mem op= reg/imm, or reg op= mem; CMP and TEST only set flags */
	X86_XCHG,  /* reg <-> mem */
};

enum x86_alu { ALU_ADD, ALU_OR, ALU_ADC, ALU_SBB, ALU_AND, ALU_SUB, ALU_XOR, ALU_CMP, ALU_TEST };

struct x86_insn {
	unsigned length;
	enum x86_op op;
	enum x86_alu alu;
	unsigned size;	   /* bytes of the memory access: 1, 2, 4 or 8 */
	unsigned reg_size; /* bytes of the register operand (MOVZX/MOVSX: wider than size) */
	int reg;	   /* register number 0-15, or -1 for an immediate operand */
	bool high_byte;	   /* AH, CH, DH or BH (no REX prefix) */
	bool sign_extend;  /* MOVSX, MOVSXD */
	bool mem_is_dest;  /* ALU: memory is the destination (else the register) */
	uint64_t imm;
};

/* Decode the instruction in code[0..len); false if it is not one of the above. */
bool x86_decode(const uint8_t *code, size_t len, struct x86_insn *out);

/* rflags after an ALU operation of size bytes: result, and CF/OF for arithmetic. */
uint64_t x86_alu(enum x86_alu alu, unsigned size, uint64_t a, uint64_t b, uint64_t rflags,
		 uint64_t *result);

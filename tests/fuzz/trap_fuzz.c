/*
 * A coverage-guided harness (libFuzzer) over kernel-sim's decoding of what
 * a PD sends and does: each input is a trap message as a thread's channel
 * would carry it (api/trap_check.c decides whether it is one the host can
 * raise), followed by the bytes of an instruction that faulted on a device
 * page (api/x86_decode.c decodes it and computes its flags). Built with
 * clang -fsanitize=fuzzer,address,undefined by make fuzz.
 */
#include "../../kernel-sim/api/trap_check.h"
#include "../../kernel-sim/api/x86_decode.h"

#include <stdint.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct sim_trap t;
	memset(&t, 0, sizeof(t));
	size_t n = size < sizeof(t) ? size : sizeof(t);
	memcpy(&t, data, n);
	const char *why = trap_malformed(&t);
	if (why && !*why)
		__builtin_trap(); /* a refusal always says why */

	struct x86_insn insn;
	const uint8_t *code = data + n;
	size_t len = size - n;
	if (len && x86_decode(code, len, &insn)) {
		if (insn.length == 0 || insn.length > 15 || insn.length > len)
			__builtin_trap(); /* an x86 instruction is 1 to 15 bytes, all of them read
					   */
		if (insn.size != 1 && insn.size != 2 && insn.size != 4 && insn.size != 8)
			__builtin_trap();
		uint64_t result;
		if (insn.op == X86_ALU)
			x86_alu(insn.alu, insn.size, t.regs.rax, insn.imm, t.regs.rflags, &result);
	}
	return 0;
}

/*
 * Entry of a root task. seL4 starts the initial thread at the ELF entry
 * with the boot-info address in rdi and no stack; this gives it one.
 */
	.text
	.globl _start
	.type _start, @function
_start:
	lea	__sim_root_stack_top(%rip), %rsp
	xor	%ebp, %ebp
	call	__sim_root_start
	ud2
	.size _start, . - _start

	.bss
	.balign 16
__sim_root_stack:
	.space 65536
__sim_root_stack_top:

	.section .note.GNU-stack, "", @progbits

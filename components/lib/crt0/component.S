/*
 * Entry of a Genode-style component. Its parent starts the main thread at
 * the ELF entry with no stack; this gives it one in bss.
 */
	.text
	.globl _start
	.type _start, @function
_start:
	lea	__component_stack_top(%rip), %rsp
	xor	%ebp, %ebp
	call	__component_start
	ud2
	.size _start, . - _start

	.bss
	.balign 16
	.globl __component_stack, __component_stack_top
__component_stack:
	.space 131072
__component_stack_top:

	.section .note.GNU-stack, "", @progbits

/*
 * Entry of a Genode-style component. Its parent starts the main thread at
 * the ELF entry with no stack; this gives it a small initial one in bss,
 * enough for the startup code to set up the main thread's stack in the
 * stack area and switch to it (Genode's init_main_thread). rdi, the
 * kernel's node count (genode/layout.h), goes on as the first argument.
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
	.globl __initial_stack_base
__initial_stack_base:
	.space 16384
__component_stack_top:

	.section .note.GNU-stack, "", @progbits

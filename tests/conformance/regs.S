/*
 * REGRESSIONS0001: a thread started by seL4_TCB_WriteRegisters checks that
 * every register holds the value written (register N holds N) and reports
 * the result with a bare seL4_Send on the endpoint in regs_test_ep: one
 * message register, no IPC buffer, no stack.
 */
	.text
	.globl regs_test_entry
	.type regs_test_entry, @function
regs_test_entry:
	cmp	$1, %rax
	jne	bad
	cmp	$2, %rbx
	jne	bad
	cmp	$3, %rcx
	jne	bad
	cmp	$4, %rdx
	jne	bad
	cmp	$5, %rsi
	jne	bad
	cmp	$6, %rdi
	jne	bad
	cmp	$7, %rbp
	jne	bad
	cmp	$8, %r8
	jne	bad
	cmp	$9, %r9
	jne	bad
	cmp	$10, %r10
	jne	bad
	cmp	$11, %r11
	jne	bad
	cmp	$12, %r12
	jne	bad
	cmp	$13, %r13
	jne	bad
	cmp	$14, %r14
	jne	bad
	cmp	$15, %r15
	jne	bad
	cmp	$16, %rsp
	jne	bad
	mov	$1, %r10		/* MR0: success */
	jmp	report
bad:
	mov	$0, %r10
report:
	mov	regs_test_ep(%rip), %rdi
	mov	$1, %rsi		/* message info: length 1 */
	mov	$-3, %rdx		/* seL4_SysSend */
	mov	$-1, %rax
	syscall
1:	mov	$-7, %rdx		/* seL4_SysYield, for ever */
	syscall
	jmp	1b
	.size regs_test_entry, . - regs_test_entry

	.section .note.GNU-stack, "", @progbits

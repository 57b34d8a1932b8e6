/*
 * Entry points of pd-host, the PD runtime. Every Linux system call of the
 * runtime goes through the single syscall instruction at rt_syscall_insn:
 * the seccomp filter allows calls from that address only, so a syscall
 * instruction anywhere in component code traps.
 */
	.text

/*
 * The control thread leaves the host's initial stack at once for one of its
 * own: rt_main removes every host mapping outside the runtime.
 */
	.globl _start
_start:
	xor	%ebp, %ebp
	mov	%rsp, %rdi		/* argc, argv, envp, auxv */
	lea	rt_boot_stack_top(%rip), %rsp
	call	rt_main
	ud2

	.bss
	.balign	16
	.space	0x4000
	.globl	rt_boot_stack_top
rt_boot_stack_top:
	.text

/* long rt_syscall(long nr, long a1, long a2, long a3, long a4, long a5, long a6) */
	.globl rt_syscall
	.type rt_syscall, @function
rt_syscall:
	mov	%rdi, %rax
	mov	%rsi, %rdi
	mov	%rdx, %rsi
	mov	%rcx, %rdx
	mov	%r8, %r10
	mov	%r9, %r8
	mov	8(%rsp), %r9
	.globl rt_syscall_insn
rt_syscall_insn:
	syscall
	.globl rt_syscall_return
rt_syscall_return:
	ret
	.size rt_syscall, . - rt_syscall

/*
 * Signal trampoline: rt_sigreturn from the permitted site, stack untouched.
 * Named as glibc names it so that gdb unwinds through signal frames.
 */
	.globl __restore_rt
	.type __restore_rt, @function
__restore_rt:
	mov	$15, %eax
	jmp	rt_syscall_insn
	.size __restore_rt, . - __restore_rt

/* rt_enter_user(ucontext): load a whole register set through rt_sigreturn. */
	.globl rt_enter_user
	.type rt_enter_user, @function
rt_enter_user:
	mov	%rdi, %rsp
	mov	$15, %eax
	jmp	rt_syscall_insn
	.size rt_enter_user, . - rt_enter_user

/*
 * A new thread returns from clone on its start stack, whose top word holds
 * this address; it hands its stack pointer to rt_thread_main.
 */
	.globl rt_thread_entry
	.type rt_thread_entry, @function
rt_thread_entry:
	mov	%rsp, %rdi
	and	$-16, %rsp
	call	rt_thread_main
	ud2
	.size rt_thread_entry, . - rt_thread_entry

	.section .note.GNU-stack, "", @progbits

/*
 * Entry points of pd-host, the PD runtime. Every Linux system call of the
 * runtime goes through the single syscall instruction at rt_syscall_insn:
 * the seccomp filter allows calls from that address only, so a syscall
 * instruction anywhere in component code traps.
 */
#include "entry_asm.h"

	.text

/*
 * The system-call entry of the project's own libsel4 (SIM_SEL4_ENTRY: the
 * first code of the text, which the link puts at its first page). The
 * stub in component code leaves the red zone alone, pushes rflags and rdx,
 * calls here, and is followed by "jmp 1f; syscall; 1:". Registers are as
 * at that syscall instruction (rcx and r11 are free, rax holds -1), and
 * kernel-sim is told just that: NextIP after the syscall, which is where
 * a restarted system call goes, trapped. The thread's block comes from the
 * runtime's table of thread ids; a thread not in it yet (its first call)
 * takes the stub's syscall. This path makes no host call but through the
 * runtime's site, and gives component code nothing it lacks: it can run
 * any of the runtime's code with any registers anyway.
 */
	.balign	4096
	.globl	rt_sel4_entry
	.type	rt_sel4_entry, @function
rt_sel4_entry:
	mov	%rsp, %rdx			/* the stub's frame (its rdx is saved there) */
	lea	rt_entry_after_tid_ptr(%rip), %rsp /* what the site's ret takes */
	mov	$RT_ASM_NR_GETTID, %eax
	jmp	rt_syscall_insn
rt_entry_after_tid:
	mov	%eax, %ecx
	and	$(RT_ASM_MAX_THREADS - 1), %ecx
	lea	rt_tid_blocks(%rip), %r11
	movzwl	(%r11,%rcx,2), %ecx		/* block index + 1, 0 for none */
	sub	$1, %ecx
	jb	rt_entry_trapped
	shl	$RT_ASM_BLOCK_SHIFT, %rcx
	movabs	$RT_ASM_BLOCKS, %r11
	add	%r11, %rcx
	cmp	%eax, RT_ASM_BLOCK_TID(%rcx)
	jne	rt_entry_trapped
	movl	$RT_ENTRY_ENTERED, RT_ASM_BLOCK_STATE(%rcx)
	.globl	rt_entry_known
rt_entry_known:
	/* The frame (struct rt_entry_frame) at the top of the block's alternate stack. */
	lea	(1 << RT_ASM_BLOCK_SHIFT)(%rcx), %rsp
	pushq	$RT_ASM_USER_DS			/* ss */
	lea	(RT_ASM_STUB_FRAME + RT_ASM_RED_ZONE)(%rdx), %rax
	push	%rax				/* rsp as before the stub */
	pushq	16(%rdx)			/* rflags */
	pushq	$RT_ASM_USER_CS			/* cs */
	mov	(%rdx), %rax
	add	$RT_ASM_STUB_TO_NEXT_IP, %rax
	push	%rax				/* rip: NextIP */
	push	%r15
	push	%r14
	push	%r13
	push	%r12
	pushq	16(%rdx)			/* r11: rflags, as syscall leaves it */
	push	%r10
	push	%r9
	push	%r8
	push	%rbp
	push	%rdi
	push	%rsi
	pushq	8(%rdx)				/* rdx */
	push	%rax				/* rcx: NextIP, as syscall leaves it */
	push	%rbx
	pushq	$-1				/* rax, as the stub sets it */
	mov	%rcx, %rdi
	mov	%rsp, %rsi
	cld
	call	rt_direct_syscall
	.globl	rt_entry_tail
rt_entry_tail:
	pop	%rax
	pop	%rbx
	pop	%rcx
	pop	%rdx
	pop	%rsi
	pop	%rdi
	pop	%rbp
	pop	%r8
	pop	%r9
	pop	%r10
	pop	%r11
	pop	%r12
	pop	%r13
	pop	%r14
	pop	%r15
	iretq					/* rip, cs, rflags, rsp, ss at once */
	.globl	rt_entry_trapped
rt_entry_trapped:
	mov	%rdx, %rsp
	pop	%rcx				/* the stub's return address */
	add	$2, %rcx			/* its syscall */
	pop	%rdx
	popfq
	lea	RT_ASM_RED_ZONE(%rsp), %rsp
	mov	$-1, %rax			/* as the stub left it */
	jmp	*%rcx
	.size	rt_sel4_entry, . - rt_sel4_entry

	.section .rodata
	.balign	8
	.globl	rt_entry_after_tid_ptr
rt_entry_after_tid_ptr:
	.quad	rt_entry_after_tid
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

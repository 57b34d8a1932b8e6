/*
 * test-halt: seL4_DebugHalt as real libsel4 issues it, with rdi and rax
 * left as they happen to be (here: 42 and a host system call number).
 * kernel-sim must end with exit status 0, not with whatever rdi held.
 */
#include <base/roottask.h>

int root_main(const seL4_BootInfo *bi)
{
	(void)bi;
	seL4_DebugNameThread(seL4_CapInitThreadTCB, "test-halt");
	seL4_DebugPutString("test-halt: halting\n");
	seL4_Word rdi = 42, rax = 60;
	__asm__ volatile("syscall"
			 : "+D"(rdi), "+a"(rax)
			 : "d"((seL4_Word)seL4_SysDebugHalt)
			 : "rcx", "rsi", "r11", "memory");
	seL4_DebugPutString("test-halt: still running after seL4_DebugHalt\n");
	return 3;
}

/*
 * test-hello: the smallest root task. It prints one line through
 * seL4_DebugPutChar, names its thread and then suspends itself, which
 * blocks it for good without using the CPU.
 */
#include <base/roottask.h>

int root_main(const seL4_BootInfo *bi)
{
	(void)bi;
	seL4_DebugNameThread(seL4_CapInitThreadTCB, "test-hello");
	seL4_DebugPutString("hello from the root task\n");
	seL4_TCB_Suspend(seL4_CapInitThreadTCB);
	seL4_DebugPutString("test-hello: still running after suspending itself\n");
	return 1;
}

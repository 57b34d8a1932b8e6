/*
 * System calls. On x86_64 the syscall instruction takes the number in rdx,
 * the capability or badge in rdi, the message info in rsi and the first
 * four message registers in r10, r8, r9 and r15; rcx and r11 are clobbered.
 *
 * seL4 ignores rax; these stubs load it with -1, which is no host system
 * call. Linux hands a few numbers (uretprobe, uprobe) to the host kernel
 * before any seccomp filter sees them, so rax must not be left to chance.
 *
 * Under kernel-sim a syscall instruction traps (a host signal and its
 * return, the dearest part of a kernel entry), so these stubs enter the PD
 * runtime directly: below the red zone they push rflags and rdx and call
 * SIM_SEL4_ENTRY, which hands kernel-sim the same trap a syscall there
 * would raise. What follows the call is what the registers then describe:
 * a syscall instruction (FaultIP, where a restarted system call runs,
 * trapped) and after it NextIP; the call returns to a jump over the
 * syscall. Other libsel4s keep their syscall instruction and its trap.
 */
#include <sim/layout.h>

#define SEL4_SYSCALL_RAX ((seL4_Word)-1)

#define SEL4_SYSCALL                                                                               \
	"lea -128(%%rsp), %%rsp\n\t"                                                               \
	"pushfq\n\t"                                                                               \
	"push %%rdx\n\t"                                                                           \
	"mov %[sel4_entry], %%r11\n\t"                                                             \
	"call *%%r11\n\t"                                                                          \
	"jmp 1f\n\t"                                                                               \
	"syscall\n"                                                                                \
	"1:"
#define SEL4_ENTRY [sel4_entry] "i"(SIM_SEL4_ENTRY)
#pragma once

#ifdef SIM_COMPONENT
/*
 * A Genode-style component finds its thread's IPC buffer from the stack
 * pointer: every thread but the main one runs on a stack in its own
 * stack-area slot, whose last page is the IPC buffer; the main thread's is
 * slot 0's (protocol/genode/layout.h).
 */
#include <genode/layout.h>

static inline seL4_IPCBuffer *seL4_GetIPCBuffer(void)
{
	seL4_Word sp;
	__asm__("mov %%rsp, %0" : "=r"(sp));
	seL4_Word off = sp - GENODE_STACK_AREA_BASE;
	if (off < GENODE_STACK_AREA_SIZE)
		return (seL4_IPCBuffer *)GENODE_UTCB_OF(off / GENODE_STACK_SLOT_SIZE);
	return (seL4_IPCBuffer *)GENODE_MAIN_UTCB;
}

#define __sel4_ipc_buffer (seL4_GetIPCBuffer())
#else
/* Every thread's IPC buffer, a thread-local variable as in libsel4. */
extern __thread seL4_IPCBuffer *__sel4_ipc_buffer;

static inline seL4_IPCBuffer *seL4_GetIPCBuffer(void)
{
	return __sel4_ipc_buffer;
}

static inline void seL4_SetIPCBuffer(seL4_IPCBuffer *b)
{
	__sel4_ipc_buffer = b;
}
#endif

static inline seL4_Word seL4_GetMR(int i)
{
	return __sel4_ipc_buffer->msg[i];
}

static inline void seL4_SetMR(int i, seL4_Word v)
{
	__sel4_ipc_buffer->msg[i] = v;
}

static inline seL4_Word seL4_GetUserData(void)
{
	return __sel4_ipc_buffer->userData;
}

static inline void seL4_SetUserData(seL4_Word v)
{
	__sel4_ipc_buffer->userData = v;
}

static inline seL4_Word seL4_GetBadge(int i)
{
	return __sel4_ipc_buffer->caps_or_badges[i];
}

static inline seL4_CPtr seL4_GetCap(int i)
{
	return __sel4_ipc_buffer->caps_or_badges[i];
}

static inline void seL4_SetCap(int i, seL4_CPtr cptr)
{
	__sel4_ipc_buffer->caps_or_badges[i] = cptr;
}

static inline void seL4_GetCapReceivePath(seL4_CPtr *root, seL4_CPtr *index, seL4_Word *depth)
{
	if (root)
		*root = __sel4_ipc_buffer->receiveCNode;
	if (index)
		*index = __sel4_ipc_buffer->receiveIndex;
	if (depth)
		*depth = __sel4_ipc_buffer->receiveDepth;
}

static inline void seL4_SetCapReceivePath(seL4_CPtr root, seL4_CPtr index, seL4_Word depth)
{
	__sel4_ipc_buffer->receiveCNode = root;
	__sel4_ipc_buffer->receiveIndex = index;
	__sel4_ipc_buffer->receiveDepth = depth;
}

/* The raw traps, one per register pattern. */

static inline void sel4_sys_send(seL4_Word sys, seL4_Word dest, seL4_Word info, seL4_Word m0,
				 seL4_Word m1, seL4_Word m2, seL4_Word m3)
{
	register seL4_Word r10 __asm__("r10") = m0;
	register seL4_Word r8 __asm__("r8") = m1;
	register seL4_Word r9 __asm__("r9") = m2;
	register seL4_Word r15 __asm__("r15") = m3;
	__asm__ volatile(SEL4_SYSCALL
			 : "+D"(dest), "+S"(info), "+r"(r10), "+r"(r8), "+r"(r9), "+r"(r15)
			 : "d"(sys), "a"(SEL4_SYSCALL_RAX), SEL4_ENTRY
			 : "rcx", "r11", "memory");
}

static inline void sel4_sys_recv(seL4_Word sys, seL4_Word src, seL4_Word *badge, seL4_Word *info,
				 seL4_Word *m0, seL4_Word *m1, seL4_Word *m2, seL4_Word *m3)
{
	register seL4_Word r10 __asm__("r10");
	register seL4_Word r8 __asm__("r8");
	register seL4_Word r9 __asm__("r9");
	register seL4_Word r15 __asm__("r15");
	seL4_Word rsi;
	__asm__ volatile(SEL4_SYSCALL
			 : "+D"(src), "=S"(rsi), "=r"(r10), "=r"(r8), "=r"(r9), "=r"(r15)
			 : "d"(sys), "a"(SEL4_SYSCALL_RAX), SEL4_ENTRY
			 : "rcx", "r11", "memory");
	*badge = src;
	*info = rsi;
	*m0 = r10;
	*m1 = r8;
	*m2 = r9;
	*m3 = r15;
}

static inline void sel4_sys_send_recv(seL4_Word sys, seL4_Word dest, seL4_Word *badge,
				      seL4_Word info, seL4_Word *out_info, seL4_Word *m0,
				      seL4_Word *m1, seL4_Word *m2, seL4_Word *m3)
{
	register seL4_Word r10 __asm__("r10") = *m0;
	register seL4_Word r8 __asm__("r8") = *m1;
	register seL4_Word r9 __asm__("r9") = *m2;
	register seL4_Word r15 __asm__("r15") = *m3;
	__asm__ volatile(SEL4_SYSCALL
			 : "+D"(dest), "+S"(info), "+r"(r10), "+r"(r8), "+r"(r9), "+r"(r15)
			 : "d"(sys), "a"(SEL4_SYSCALL_RAX), SEL4_ENTRY
			 : "rcx", "r11", "memory");
	*badge = dest;
	*out_info = info;
	*m0 = r10;
	*m1 = r8;
	*m2 = r9;
	*m3 = r15;
}

static inline void sel4_sys_null(seL4_Word sys, seL4_Word arg)
{
	__asm__ volatile(SEL4_SYSCALL
			 : "+D"(arg)
			 : "d"(sys), "a"(SEL4_SYSCALL_RAX), SEL4_ENTRY
			 : "rcx", "rsi", "r11", "memory");
}

/* The system calls of the non-MCS API. */

static inline void seL4_Send(seL4_CPtr dest, seL4_MessageInfo_t info)
{
	sel4_sys_send((seL4_Word)seL4_SysSend, dest, info.words[0], seL4_GetMR(0), seL4_GetMR(1),
		      seL4_GetMR(2), seL4_GetMR(3));
}

static inline void seL4_NBSend(seL4_CPtr dest, seL4_MessageInfo_t info)
{
	sel4_sys_send((seL4_Word)seL4_SysNBSend, dest, info.words[0], seL4_GetMR(0), seL4_GetMR(1),
		      seL4_GetMR(2), seL4_GetMR(3));
}

static inline void sel4_store_mrs(seL4_Word m0, seL4_Word m1, seL4_Word m2, seL4_Word m3)
{
	seL4_SetMR(0, m0);
	seL4_SetMR(1, m1);
	seL4_SetMR(2, m2);
	seL4_SetMR(3, m3);
}

static inline seL4_MessageInfo_t sel4_recv_common(seL4_Word sys, seL4_CPtr src, seL4_Word *sender)
{
	seL4_Word badge, info, m0, m1, m2, m3;
	sel4_sys_recv(sys, src, &badge, &info, &m0, &m1, &m2, &m3);
	sel4_store_mrs(m0, m1, m2, m3);
	if (sender)
		*sender = badge;
	return (seL4_MessageInfo_t){{info}};
}

static inline seL4_MessageInfo_t seL4_Recv(seL4_CPtr src, seL4_Word *sender)
{
	return sel4_recv_common((seL4_Word)seL4_SysRecv, src, sender);
}

static inline seL4_MessageInfo_t seL4_NBRecv(seL4_CPtr src, seL4_Word *sender)
{
	return sel4_recv_common((seL4_Word)seL4_SysNBRecv, src, sender);
}

static inline seL4_MessageInfo_t sel4_send_recv_common(seL4_Word sys, seL4_CPtr dest,
						       seL4_MessageInfo_t info, seL4_Word *sender)
{
	seL4_Word badge, out, m0 = seL4_GetMR(0), m1 = seL4_GetMR(1), m2 = seL4_GetMR(2),
			      m3 = seL4_GetMR(3);
	sel4_sys_send_recv(sys, dest, &badge, info.words[0], &out, &m0, &m1, &m2, &m3);
	sel4_store_mrs(m0, m1, m2, m3);
	if (sender)
		*sender = badge;
	return (seL4_MessageInfo_t){{out}};
}

static inline seL4_MessageInfo_t seL4_Call(seL4_CPtr dest, seL4_MessageInfo_t info)
{
	return sel4_send_recv_common((seL4_Word)seL4_SysCall, dest, info, 0);
}

static inline seL4_MessageInfo_t seL4_ReplyRecv(seL4_CPtr src, seL4_MessageInfo_t info,
						seL4_Word *sender)
{
	return sel4_send_recv_common((seL4_Word)seL4_SysReplyRecv, src, info, sender);
}

/* The first four message registers in registers, not the IPC buffer (libsel4's ...WithMRs). */
static inline seL4_MessageInfo_t seL4_CallWithMRs(seL4_CPtr dest, seL4_MessageInfo_t info,
						  seL4_Word *mr0, seL4_Word *mr1, seL4_Word *mr2,
						  seL4_Word *mr3)
{
	seL4_Word badge, out, m0 = mr0 ? *mr0 : 0, m1 = mr1 ? *mr1 : 0, m2 = mr2 ? *mr2 : 0,
			      m3 = mr3 ? *mr3 : 0;
	sel4_sys_send_recv((seL4_Word)seL4_SysCall, dest, &badge, info.words[0], &out, &m0, &m1,
			   &m2, &m3);
	if (mr0)
		*mr0 = m0;
	if (mr1)
		*mr1 = m1;
	if (mr2)
		*mr2 = m2;
	if (mr3)
		*mr3 = m3;
	return (seL4_MessageInfo_t){{out}};
}

static inline void seL4_SendWithMRs(seL4_CPtr dest, seL4_MessageInfo_t info, seL4_Word *mr0,
				    seL4_Word *mr1, seL4_Word *mr2, seL4_Word *mr3)
{
	sel4_sys_send((seL4_Word)seL4_SysSend, dest, info.words[0], mr0 ? *mr0 : 0, mr1 ? *mr1 : 0,
		      mr2 ? *mr2 : 0, mr3 ? *mr3 : 0);
}

static inline seL4_MessageInfo_t seL4_RecvWithMRs(seL4_CPtr src, seL4_Word *sender, seL4_Word *mr0,
						  seL4_Word *mr1, seL4_Word *mr2, seL4_Word *mr3)
{
	seL4_Word badge, info, m0, m1, m2, m3;
	sel4_sys_recv((seL4_Word)seL4_SysRecv, src, &badge, &info, &m0, &m1, &m2, &m3);
	if (mr0)
		*mr0 = m0;
	if (mr1)
		*mr1 = m1;
	if (mr2)
		*mr2 = m2;
	if (mr3)
		*mr3 = m3;
	if (sender)
		*sender = badge;
	return (seL4_MessageInfo_t){{info}};
}

static inline void seL4_Reply(seL4_MessageInfo_t info)
{
	sel4_sys_send((seL4_Word)seL4_SysReply, 0, info.words[0], seL4_GetMR(0), seL4_GetMR(1),
		      seL4_GetMR(2), seL4_GetMR(3));
}

static inline void seL4_Signal(seL4_CPtr dest)
{
	sel4_sys_send((seL4_Word)seL4_SysSend, dest, seL4_MessageInfo_new(0, 0, 0, 0).words[0], 0,
		      0, 0, 0);
}

static inline void seL4_Wait(seL4_CPtr src, seL4_Word *sender)
{
	seL4_Recv(src, sender);
}

static inline seL4_MessageInfo_t seL4_Poll(seL4_CPtr src, seL4_Word *sender)
{
	return seL4_NBRecv(src, sender);
}

static inline void seL4_Yield(void)
{
	sel4_sys_null((seL4_Word)seL4_SysYield, 0);
}

/* Debug calls. */

static inline void seL4_DebugPutChar(char c)
{
	sel4_sys_null((seL4_Word)seL4_SysDebugPutChar, (seL4_Word)(unsigned char)c);
}

static inline void seL4_DebugPutString(const char *s)
{
	while (*s)
		seL4_DebugPutChar(*s++);
}

static inline void seL4_DebugDumpScheduler(void)
{
	sel4_sys_null((seL4_Word)seL4_SysDebugDumpScheduler, 0);
}

static inline void seL4_DebugSnapshot(void)
{
	sel4_sys_null((seL4_Word)seL4_SysDebugSnapshot, 0);
}

/* sel4-sim extension: halt the system with an exit status for kernel-sim. */
static inline void sim_DebugHalt(int status)
{
	sel4_sys_null((seL4_Word)SIM_SysDebugHaltStatus, (seL4_Word)(unsigned)status);
}

static inline void seL4_DebugHalt(void)
{
	sel4_sys_null((seL4_Word)seL4_SysDebugHalt, 0);
}

/* The calling thread's TLS base (CONFIG_SET_TLS_BASE_SELF). */
static inline void seL4_SetTLSBase(seL4_Word tls_base)
{
	sel4_sys_null((seL4_Word)seL4_SysSetTLSBase, tls_base);
}

static inline seL4_Word seL4_DebugCapIdentify(seL4_CPtr cap)
{
	__asm__ volatile(SEL4_SYSCALL
			 : "+D"(cap)
			 : "d"((seL4_Word)seL4_SysDebugCapIdentify), "a"(SEL4_SYSCALL_RAX),
			   SEL4_ENTRY
			 : "rcx", "rsi", "r11", "memory");
	return cap;
}

static inline void seL4_DebugNameThread(seL4_CPtr tcb, const char *name)
{
	char *dst = (char *)__sel4_ipc_buffer->msg;
	seL4_Word i = 0;
	for (; name[i] && i < sizeof(__sel4_ipc_buffer->msg) - 1; i++)
		dst[i] = name[i];
	dst[i] = 0;
	sel4_sys_null((seL4_Word)seL4_SysDebugNameThread, tcb);
}

/* sel4-sim extension (protocol/sim/debug.h): the seL4 thread state of a TCB. */
static inline seL4_Word sim_DebugThreadState(seL4_CPtr tcb)
{
	__asm__ volatile(SEL4_SYSCALL
			 : "+D"(tcb)
			 : "d"((seL4_Word)SIM_SysDebugThreadState), "a"(SEL4_SYSCALL_RAX),
			   SEL4_ENTRY
			 : "rcx", "rsi", "r11", "memory");
	return tcb;
}

/* sel4-sim extension (protocol/sim/debug.h): kill a VSpace's PD process. */
static inline seL4_Word sim_DebugKillPD(seL4_CPtr vspace)
{
	__asm__ volatile(SEL4_SYSCALL
			 : "+D"(vspace)
			 : "d"((seL4_Word)SIM_SysDebugKillPD), "a"(SEL4_SYSCALL_RAX), SEL4_ENTRY
			 : "rcx", "rsi", "r11", "memory");
	return vspace;
}

/* sel4-sim extension (protocol/sim/debug.h): n bytes to the console in one entry. */
static inline void sim_DebugPutString(const char *s, seL4_Word n)
{
	char *dst = (char *)__sel4_ipc_buffer->msg;
	if (n > sizeof(__sel4_ipc_buffer->msg))
		n = sizeof(__sel4_ipc_buffer->msg);
	for (seL4_Word i = 0; i < n; i++)
		dst[i] = s[i];
	sel4_sys_null((seL4_Word)SIM_SysDebugPutString, n);
}

/*
 * sel4-sim extension (protocol/sim/debug.h): pulse ISA line `line` once the
 * kernel has done `units` more units of preemptible work; 0 if done.
 */
static inline seL4_Word sim_DebugInterruptAfterWork(seL4_Word line, seL4_Word units)
{
	__asm__ volatile(SEL4_SYSCALL
			 : "+D"(line), "+S"(units)
			 : "d"((seL4_Word)SIM_SysDebugInterruptAfterWork), "a"(SEL4_SYSCALL_RAX),
			   SEL4_ENTRY
			 : "rcx", "r11", "memory");
	return line;
}

/* sel4-sim extension: kernel-sim's open fds and unreaped PD processes. */
static inline void sim_DebugHostResources(seL4_Word *fds, seL4_Word *processes)
{
	seL4_Word rdi = 0, rsi = 0;
	__asm__ volatile(SEL4_SYSCALL
			 : "+D"(rdi), "+S"(rsi)
			 : "d"((seL4_Word)SIM_SysDebugHostResources), "a"(SEL4_SYSCALL_RAX),
			   SEL4_ENTRY
			 : "rcx", "r11", "memory");
	*fds = rdi;
	*processes = rsi;
}

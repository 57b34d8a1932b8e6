/*
 * first-roottask: the root task of the guide docs/guides/first_roottask.md.
 * It makes kernel objects from untyped memory, starts a second thread that
 * talks to it through an endpoint, and builds a child VSpace whose thread
 * faults: the root task is its pager.
 */
#include <base/format.h>
#include <base/roottask.h>

extern char __executable_start[]; /* the first byte of this program's image */

static const seL4_BootInfo *bi;
static seL4_CPtr untyped, next_slot;

/* A new object of type (size_bits for variable-size ones) in the next free slot. */
static seL4_CPtr make(seL4_Word type, seL4_Word size_bits)
{
	seL4_CPtr slot = next_slot++;
	seL4_Error err =
	    seL4_Untyped_Retype(untyped, type, size_bits, seL4_CapInitThreadCNode, 0, 0, slot, 1);
	if (err)
		printf("first-roottask: Untyped_Retype of type %lu failed: %d\n",
		       (unsigned long)type, err);
	return slot;
}

/* --- a second thread and an endpoint ------------------------------------- */

static seL4_CPtr ep;
static char worker_stack[4096] __attribute__((aligned(16)));

/* The second thread: three calls to the root task, then a last message. */
static void worker(void)
{
	for (seL4_Word i = 1; i <= 3; i++) {
		seL4_Word mr0 = i;
		seL4_CallWithMRs(ep, seL4_MessageInfo_new(0, 0, 0, 1), &mr0, 0, 0, 0);
		/* mr0 now holds the root task's answer: i * i */
	}
	seL4_Word done = 0;
	seL4_SendWithMRs(ep, seL4_MessageInfo_new(1, 0, 0, 1), &done, 0, 0, 0);
	seL4_RecvWithMRs(ep, 0, 0, 0, 0, 0); /* nothing comes: it waits for good */
}

static void threads_and_endpoints(void)
{
	ep = make(seL4_EndpointObject, 0);
	seL4_CPtr tcb = make(seL4_TCBObject, 0);
	/* same CSpace and VSpace as the root task; no IPC buffer: it uses registers only */
	seL4_TCB_Configure(tcb, 0, seL4_CapInitThreadCNode, 0, seL4_CapInitThreadVSpace, 0, 0, 0);
	seL4_TCB_SetPriority(tcb, seL4_CapInitThreadTCB, 254);
	seL4_DebugNameThread(tcb, "worker");
	seL4_UserContext regs = {0};
	regs.rip = (seL4_Word)worker;
	regs.rsp = (seL4_Word)(worker_stack + sizeof(worker_stack));
	seL4_TCB_WriteRegisters(tcb, 1, 0, sizeof(regs) / sizeof(seL4_Word), &regs);

	for (;;) {
		seL4_Word n;
		seL4_MessageInfo_t m = seL4_RecvWithMRs(ep, 0, &n, 0, 0, 0);
		if (seL4_MessageInfo_get_label(m) == 1)
			break;
		printf("first-roottask: the worker called with %lu\n", (unsigned long)n);
		seL4_SetMR(0, n * n);
		seL4_Reply(seL4_MessageInfo_new(0, 0, 0, 1));
	}
	printf("first-roottask: the worker is done\n");
}

/* --- a child VSpace and its faults ----------------------------------------- */

#define CHILD_DATA 0x1100000ul /* an address the child writes to: nothing there yet */

/*
 * The child's code: this program's own code page, mapped into the child.
 * It uses no stack (none is mapped), writes where nothing is mapped, then
 * executes ud2.
 */
static void child_code(void)
{
	*(volatile seL4_Word *)CHILD_DATA = 42;
	__builtin_trap();
}

static seL4_CPtr child_vspace;

/* Map a frame at vaddr into the child: a copy of an image frame cap, or a fresh frame. */
static void child_map(seL4_Word vaddr)
{
	seL4_Word page = vaddr & ~(seL4_Word)(seL4_PageSize - 1),
		  image = (seL4_Word)__executable_start;
	seL4_CPtr frame;
	if (page >= image &&
	    page < image + (bi->userImageFrames.end - bi->userImageFrames.start) * seL4_PageSize) {
		/* a frame cap maps once: the child gets a copy of the image frame's cap */
		frame = next_slot++;
		seL4_CNode_Copy(seL4_CapInitThreadCNode, frame, 64, seL4_CapInitThreadCNode,
				bi->userImageFrames.start + (page - image) / seL4_PageSize, 64,
				seL4_AllRights);
	} else {
		frame = make(seL4_X86_4K, 0);
	}
	seL4_Error err = seL4_X86_Page_Map(frame, child_vspace, page, seL4_AllRights,
					   seL4_X86_Default_VMAttributes);
	if (err)
		printf("first-roottask: Page_Map at %#lx failed: %d\n", (unsigned long)page, err);
}

static void child_vspace_and_faults(void)
{
	/* a VSpace: a PML4 with an ASID, and the tables down to one page table */
	child_vspace = make(seL4_X64_PML4Object, 0);
	seL4_X86_ASIDPool_Assign(seL4_CapInitThreadASIDPool, child_vspace);
	seL4_Word at = (seL4_Word)__executable_start;
	seL4_X86_PDPT_Map(make(seL4_X86_PDPTObject, 0), child_vspace, at,
			  seL4_X86_Default_VMAttributes);
	seL4_X86_PageDirectory_Map(make(seL4_X86_PageDirectoryObject, 0), child_vspace, at,
				   seL4_X86_Default_VMAttributes);
	seL4_X86_PageTable_Map(make(seL4_X86_PageTableObject, 0), child_vspace, at,
			       seL4_X86_Default_VMAttributes);

	/* a thread in it whose faults come to us as messages on fault_ep */
	seL4_CPtr fault_ep = make(seL4_EndpointObject, 0);
	seL4_CPtr tcb = make(seL4_TCBObject, 0);
	seL4_TCB_Configure(tcb, fault_ep, seL4_CapInitThreadCNode, 0, child_vspace, 0, 0, 0);
	seL4_TCB_SetPriority(tcb, seL4_CapInitThreadTCB, 254);
	seL4_DebugNameThread(tcb, "child");
	seL4_UserContext regs = {0};
	regs.rip = (seL4_Word)child_code;
	seL4_TCB_WriteRegisters(tcb, 1, 0, sizeof(regs) / sizeof(seL4_Word), &regs);

	/* the pager: map what it touches, until it raises an exception */
	for (;;) {
		seL4_MessageInfo_t m = seL4_Recv(fault_ep, 0);
		if (seL4_MessageInfo_get_label(m) == seL4_Fault_VMFault) {
			seL4_Word addr = seL4_GetMR(seL4_VMFault_Addr);
			printf("first-roottask: the child faulted at %#lx (%s, ip %#lx)\n",
			       (unsigned long)addr,
			       seL4_GetMR(seL4_VMFault_PrefetchFault) ? "instruction fetch"
								      : "data",
			       (unsigned long)seL4_GetMR(seL4_VMFault_IP));
			child_map(addr);
			seL4_Reply(
			    seL4_MessageInfo_new(0, 0, 0, 0)); /* it runs the instruction again */
			continue;
		}
		if (seL4_MessageInfo_get_label(m) == seL4_Fault_UserException)
			printf("first-roottask: the child raised exception %lu at ip %#lx\n",
			       (unsigned long)seL4_GetMR(seL4_UserException_Number),
			       (unsigned long)seL4_GetMR(seL4_UserException_FaultIP));
		break; /* no reply: it stays stopped */
	}
}

int root_main(const seL4_BootInfo *boot_info)
{
	bi = boot_info;
	seL4_DebugNameThread(seL4_CapInitThreadTCB, "first-roottask");
	/* the first untyped of at least 1 MiB of RAM pays for every object */
	for (seL4_Word i = 0; i < bi->untyped.end - bi->untyped.start && !untyped; i++)
		if (!bi->untypedList[i].isDevice && bi->untypedList[i].sizeBits >= 20)
			untyped = bi->untyped.start + i;
	next_slot = bi->empty.start;

	threads_and_endpoints();
	child_vspace_and_faults();
	printf("first-roottask: done\n");
	return 0;
}

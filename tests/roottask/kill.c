/*
 * test-kill: a child PD for the host to kill. The root task builds a PD
 * (its own VSpace, CSpace and process) whose thread spins, says so, and
 * waits on the thread's fault endpoint. When the PD's process is killed from
 * a shell, the PD-lost fault arrives; the root task checks it, deletes every
 * object of the PD, compares kernel-sim's host resources with those before
 * the PD existed, and then blocks for the host to look at the system.
 */
#include "../conformance/test.h"
#include <sim/faults.h>

void env_init(const seL4_BootInfo *bi);

const char *env_program = "test-kill";

/* What the spinning threads count (shared with child PDs: the image is). */
static seL4_Word spins;

int root_main(const seL4_BootInfo *bi)
{
	seL4_DebugNameThread(ROOT_TCB, "test-kill");
	env_init(bi);
	seL4_Word fds0, procs0;
	sim_DebugHostResources(&fds0, &procs0);

	struct child_pd *pd = child_pd_create(seL4_CapInitThreadASIDPool);
	if (!pd)
		return 1;
	seL4_CPtr fault_ep = alloc_endpoint();
	struct helper h;
	helper_create_in(&h, pd);
	seL4_DebugNameThread(h.tcb, "victim");
	if (helper_set_fault_ep(&h, fault_ep) != seL4_NoError)
		return 1;
	helper_start(&h, count_forever, (seL4_Word)&spins, 0, 0, 0);
	if (!wait_for_state(h.tcb, 1 /* Running */))
		return 1;
	printf("test-kill: victim running\n");

	seL4_MessageInfo_t info = seL4_Recv(fault_ep, NULL);
	printf("test-kill: victim lost: label %lu number %#lx code %lu\n",
	       (unsigned long)seL4_MessageInfo_get_label(info),
	       (unsigned long)seL4_GetMR(seL4_UserException_Number),
	       (unsigned long)seL4_GetMR(seL4_UserException_Code));

	helper_cleanup(&h);
	child_pd_destroy(pd);
	release_slot(fault_ep);
	seL4_Word fds1, procs1;
	sim_DebugHostResources(&fds1, &procs1);
	printf("test-kill: kernel-sim fds %lu -> %lu, PD processes %lu -> %lu\n",
	       (unsigned long)fds0, (unsigned long)fds1, (unsigned long)procs0,
	       (unsigned long)procs1);
	if (fds1 == fds0 && procs1 == procs0 && !env_failures)
		printf("test-kill: clean\n");
	/* Stay for the host's checks; kernel-sim ends on SIGTERM. */
	seL4_Wait(alloc_notification(), NULL);
	return 0;
}

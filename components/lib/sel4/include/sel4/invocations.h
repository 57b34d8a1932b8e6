/*
 * Object invocations with libsel4's names and argument order. Each is a Call
 * on the object's capability: the label selects the method, arguments go in
 * message registers (the first four in registers), capability arguments in
 * the extra-cap slots of the IPC buffer. The reply's label is the
 * seL4_Error; on an error its message registers land in the IPC buffer.
 */
#pragma once

/*
 * The kernel's node count (seL4_BootInfo.numNodes): an SMP kernel numbers
 * its invocation labels differently (sel4/invocation.h), so every
 * invocation's label goes through sel4_label(). A root task's start sets it
 * from its boot info, a component's from its start register (genode/layout.h).
 */
extern seL4_Word __sel4_num_nodes;

/* The label the kernel knows the method by, named by its uniprocessor label. */
static inline seL4_Word sel4_label(seL4_Word label)
{
	return __sel4_num_nodes > 1 ? sel4_smp_label(label) : label;
}

/*
 * A call with the kernel's own label, up to four argument words in
 * registers; longer messages set MR 4.. first.
 */
static inline seL4_Error sel4_call4(seL4_CPtr service, seL4_Word kernel_label, seL4_Word length,
				    seL4_Word extra_caps, seL4_Word m0, seL4_Word m1, seL4_Word m2,
				    seL4_Word m3)
{
	seL4_MessageInfo_t out = seL4_CallWithMRs(
	    service, seL4_MessageInfo_new(kernel_label, 0, extra_caps, length), &m0, &m1, &m2, &m3);
	seL4_Error result = (seL4_Error)seL4_MessageInfo_get_label(out);
	if (result != seL4_NoError)
		sel4_store_mrs(m0, m1, m2, m3);
	return result;
}

/* The same, the method named by its uniprocessor label. */
static inline seL4_Error sel4_invoke4(seL4_CPtr service, seL4_Word label, seL4_Word length,
				      seL4_Word extra_caps, seL4_Word m0, seL4_Word m1,
				      seL4_Word m2, seL4_Word m3)
{
	return sel4_call4(service, sel4_label(label), length, extra_caps, m0, m1, m2, m3);
}

/* --- Untyped ----------------------------------------------------------- */

static inline seL4_Error seL4_Untyped_Retype(seL4_Untyped service, seL4_Word type,
					     seL4_Word size_bits, seL4_CNode root,
					     seL4_Word node_index, seL4_Word node_depth,
					     seL4_Word node_offset, seL4_Word num_objects)
{
	seL4_SetCap(0, root);
	seL4_SetMR(4, node_offset);
	seL4_SetMR(5, num_objects);
	return sel4_invoke4(service, UntypedRetype, 6, 1, type, size_bits, node_index, node_depth);
}

/* --- CNode ------------------------------------------------------------- */

static inline seL4_Error seL4_CNode_Revoke(seL4_CNode service, seL4_Word index, seL4_Uint8 depth)
{
	return sel4_invoke4(service, CNodeRevoke, 2, 0, index, depth, 0, 0);
}

static inline seL4_Error seL4_CNode_Delete(seL4_CNode service, seL4_Word index, seL4_Uint8 depth)
{
	return sel4_invoke4(service, CNodeDelete, 2, 0, index, depth, 0, 0);
}

static inline seL4_Error seL4_CNode_CancelBadgedSends(seL4_CNode service, seL4_Word index,
						      seL4_Uint8 depth)
{
	return sel4_invoke4(service, CNodeCancelBadgedSends, 2, 0, index, depth, 0, 0);
}

static inline seL4_Error seL4_CNode_Copy(seL4_CNode service, seL4_Word dest_index,
					 seL4_Uint8 dest_depth, seL4_CNode src_root,
					 seL4_Word src_index, seL4_Uint8 src_depth,
					 seL4_CapRights_t rights)
{
	seL4_SetCap(0, src_root);
	seL4_SetMR(4, rights.words[0]);
	return sel4_invoke4(service, CNodeCopy, 5, 1, dest_index, dest_depth, src_index, src_depth);
}

static inline seL4_Error seL4_CNode_Mint(seL4_CNode service, seL4_Word dest_index,
					 seL4_Uint8 dest_depth, seL4_CNode src_root,
					 seL4_Word src_index, seL4_Uint8 src_depth,
					 seL4_CapRights_t rights, seL4_Word badge)
{
	seL4_SetCap(0, src_root);
	seL4_SetMR(4, rights.words[0]);
	seL4_SetMR(5, badge);
	return sel4_invoke4(service, CNodeMint, 6, 1, dest_index, dest_depth, src_index, src_depth);
}

static inline seL4_Error seL4_CNode_Move(seL4_CNode service, seL4_Word dest_index,
					 seL4_Uint8 dest_depth, seL4_CNode src_root,
					 seL4_Word src_index, seL4_Uint8 src_depth)
{
	seL4_SetCap(0, src_root);
	return sel4_invoke4(service, CNodeMove, 4, 1, dest_index, dest_depth, src_index, src_depth);
}

static inline seL4_Error seL4_CNode_Mutate(seL4_CNode service, seL4_Word dest_index,
					   seL4_Uint8 dest_depth, seL4_CNode src_root,
					   seL4_Word src_index, seL4_Uint8 src_depth,
					   seL4_Word badge)
{
	seL4_SetCap(0, src_root);
	seL4_SetMR(4, badge);
	return sel4_invoke4(service, CNodeMutate, 5, 1, dest_index, dest_depth, src_index,
			    src_depth);
}

static inline seL4_Error seL4_CNode_Rotate(seL4_CNode service, seL4_Word dest_index,
					   seL4_Uint8 dest_depth, seL4_CNode pivot_root,
					   seL4_Word pivot_index, seL4_Uint8 pivot_depth,
					   seL4_Word pivot_badge, seL4_CNode src_root,
					   seL4_Word src_index, seL4_Uint8 src_depth,
					   seL4_Word src_badge)
{
	seL4_SetCap(0, pivot_root);
	seL4_SetCap(1, src_root);
	seL4_SetMR(4, pivot_depth);
	seL4_SetMR(5, src_badge);
	seL4_SetMR(6, src_index);
	seL4_SetMR(7, src_depth);
	return sel4_invoke4(service, CNodeRotate, 8, 2, dest_index, dest_depth, pivot_badge,
			    pivot_index);
}

static inline seL4_Error seL4_CNode_SaveCaller(seL4_CNode service, seL4_Word index,
					       seL4_Uint8 depth)
{
	return sel4_invoke4(service, CNodeSaveCaller, 2, 0, index, depth, 0, 0);
}

/* --- TCB --------------------------------------------------------------- */

static inline seL4_Error seL4_TCB_ReadRegisters(seL4_TCB service, seL4_Bool suspend_source,
						seL4_Uint8 arch_flags, seL4_Word count,
						seL4_UserContext *regs)
{
	seL4_Word m0 = (suspend_source & 1) | ((seL4_Word)arch_flags << 8), m1 = count, m2 = 0,
		  m3 = 0;
	seL4_MessageInfo_t out =
	    seL4_CallWithMRs(service, seL4_MessageInfo_new(sel4_label(TCBReadRegisters), 0, 0, 2),
			     &m0, &m1, &m2, &m3);
	seL4_Error result = (seL4_Error)seL4_MessageInfo_get_label(out);
	if (result != seL4_NoError) {
		sel4_store_mrs(m0, m1, m2, m3);
		return result;
	}
	seL4_Word *w = (seL4_Word *)regs;
	seL4_Word in[4] = {m0, m1, m2, m3};
	for (seL4_Word i = 0; i < count && i < seL4_UserContext_Words; i++)
		w[i] = i < 4 ? in[i] : seL4_GetMR((int)i);
	return result;
}

static inline seL4_Error seL4_TCB_WriteRegisters(seL4_TCB service, seL4_Bool resume_target,
						 seL4_Uint8 arch_flags, seL4_Word count,
						 seL4_UserContext *regs)
{
	seL4_Word *w = (seL4_Word *)regs;
	for (seL4_Word i = 2; i < count + 2 && i < seL4_MsgMaxLength; i++)
		seL4_SetMR((int)i, w[i - 2]);
	return sel4_invoke4(service, TCBWriteRegisters, count + 2, 0,
			    (resume_target & 1) | ((seL4_Word)arch_flags << 8), count,
			    count > 0 ? w[0] : 0, count > 1 ? w[1] : 0);
}

static inline seL4_Error seL4_TCB_CopyRegisters(seL4_TCB service, seL4_TCB source,
						seL4_Bool suspend_source, seL4_Bool resume_target,
						seL4_Bool transfer_frame,
						seL4_Bool transfer_integer, seL4_Uint8 arch_flags)
{
	seL4_SetCap(0, source);
	seL4_Word flags = (suspend_source & 1) | ((resume_target & 1) << 1) |
			  ((transfer_frame & 1) << 2) | ((transfer_integer & 1) << 3) |
			  ((seL4_Word)arch_flags << 8);
	return sel4_invoke4(service, TCBCopyRegisters, 1, 1, flags, 0, 0, 0);
}

static inline seL4_Error seL4_TCB_Configure(seL4_TCB service, seL4_Word fault_ep,
					    seL4_CNode cspace_root, seL4_Word cspace_root_data,
					    seL4_CPtr vspace_root, seL4_Word vspace_root_data,
					    seL4_Word buffer, seL4_CPtr buffer_frame)
{
	seL4_SetCap(0, cspace_root);
	seL4_SetCap(1, vspace_root);
	seL4_SetCap(2, buffer_frame);
	return sel4_invoke4(service, TCBConfigure, 4, 3, fault_ep, cspace_root_data,
			    vspace_root_data, buffer);
}

static inline seL4_Error seL4_TCB_SetPriority(seL4_TCB service, seL4_TCB authority,
					      seL4_Word priority)
{
	seL4_SetCap(0, authority);
	return sel4_invoke4(service, TCBSetPriority, 1, 1, priority, 0, 0, 0);
}

static inline seL4_Error seL4_TCB_SetMCPriority(seL4_TCB service, seL4_TCB authority, seL4_Word mcp)
{
	seL4_SetCap(0, authority);
	return sel4_invoke4(service, TCBSetMCPriority, 1, 1, mcp, 0, 0, 0);
}

static inline seL4_Error seL4_TCB_SetSchedParams(seL4_TCB service, seL4_TCB authority,
						 seL4_Word mcp, seL4_Word priority)
{
	seL4_SetCap(0, authority);
	return sel4_invoke4(service, TCBSetSchedParams, 2, 1, mcp, priority, 0, 0);
}

static inline seL4_Error seL4_TCB_SetIPCBuffer(seL4_TCB service, seL4_Word buffer,
					       seL4_CPtr buffer_frame)
{
	seL4_SetCap(0, buffer_frame);
	return sel4_invoke4(service, TCBSetIPCBuffer, 1, 1, buffer, 0, 0, 0);
}

static inline seL4_Error seL4_TCB_SetSpace(seL4_TCB service, seL4_Word fault_ep,
					   seL4_CNode cspace_root, seL4_Word cspace_root_data,
					   seL4_CPtr vspace_root, seL4_Word vspace_root_data)
{
	seL4_SetCap(0, cspace_root);
	seL4_SetCap(1, vspace_root);
	return sel4_invoke4(service, TCBSetSpace, 3, 2, fault_ep, cspace_root_data,
			    vspace_root_data, 0);
}

static inline seL4_Error seL4_TCB_Suspend(seL4_TCB service)
{
	return sel4_invoke4(service, TCBSuspend, 0, 0, 0, 0, 0, 0);
}

static inline seL4_Error seL4_TCB_Resume(seL4_TCB service)
{
	return sel4_invoke4(service, TCBResume, 0, 0, 0, 0, 0, 0);
}

static inline seL4_Error seL4_TCB_BindNotification(seL4_TCB service, seL4_CPtr notification)
{
	seL4_SetCap(0, notification);
	return sel4_invoke4(service, TCBBindNotification, 0, 1, 0, 0, 0, 0);
}

static inline seL4_Error seL4_TCB_UnbindNotification(seL4_TCB service)
{
	return sel4_invoke4(service, TCBUnbindNotification, 0, 0, 0, 0, 0, 0);
}

/* Touches no IPC buffer on success: usable before a thread has its TLS. */
/*
 * Only an SMP kernel has this method; a uniprocessor one is sent a label it
 * does not know, and answers seL4_IllegalOperation.
 */
static inline seL4_Error seL4_TCB_SetAffinity(seL4_TCB service, seL4_Word affinity)
{
	return sel4_call4(service,
			  __sel4_num_nodes > 1 ? SEL4_SMP_TCBSetAffinity : InvalidInvocation, 1, 0,
			  affinity, 0, 0, 0);
}

static inline seL4_Error seL4_TCB_SetTLSBase(seL4_TCB service, seL4_Word tls_base)
{
	seL4_Word m0 = tls_base, m1 = 0, m2 = 0, m3 = 0;
	seL4_MessageInfo_t out = seL4_CallWithMRs(
	    service, seL4_MessageInfo_new(sel4_label(TCBSetTLSBase), 0, 0, 1), &m0, &m1, &m2, &m3);
	return (seL4_Error)seL4_MessageInfo_get_label(out);
}

typedef struct seL4_TCB_SetFlags {
	int error;
	seL4_Word flags;
} seL4_TCB_SetFlags_t;

static inline seL4_TCB_SetFlags_t seL4_TCB_SetFlags(seL4_TCB service, seL4_Word clear,
						    seL4_Word set)
{
	seL4_Word m0 = clear, m1 = set, m2 = 0, m3 = 0;
	seL4_MessageInfo_t out = seL4_CallWithMRs(
	    service, seL4_MessageInfo_new(sel4_label(TCBSetFlags), 0, 0, 2), &m0, &m1, &m2, &m3);
	seL4_TCB_SetFlags_t r = {(int)seL4_MessageInfo_get_label(out), m0};
	if (r.error != seL4_NoError)
		sel4_store_mrs(m0, m1, m2, m3);
	return r;
}

/* --- Domains ----------------------------------------------------------- */

static inline seL4_Error seL4_DomainSet_Set(seL4_DomainSet service, seL4_Uint8 domain,
					    seL4_TCB thread)
{
	seL4_SetCap(0, thread);
	return sel4_invoke4(service, DomainSetSet, 1, 1, domain, 0, 0, 0);
}

static inline seL4_Error seL4_DomainSet_ScheduleConfigure(seL4_DomainSet service, seL4_Word index,
							  seL4_Uint8 domain, seL4_Time duration)
{
	return sel4_invoke4(service, DomainScheduleConfigure, 3, 0, index, domain, duration, 0);
}

static inline seL4_Error seL4_DomainSet_ScheduleSetStart(seL4_DomainSet service, seL4_Word index)
{
	return sel4_invoke4(service, DomainScheduleSetStart, 1, 0, index, 0, 0, 0);
}

#include "transfer.h"
#include "cdt.h"
#include "cspace.h"
#include "delete.h"
#include "schedule.h"
#include "thread.h"
#include "trace.h"
#include "../api/faults.h"
#include "../object/objecttype.h"
#include <sel4/message_info.h>

struct extra_caps current_extra_caps;

/* Word indices in the IPC buffer (seL4_IPCBuffer as an array of words). */
#define IPCBUF_CAPS_OR_BADGES (seL4_MsgMaxLength + 2)
#define IPCBUF_RECEIVE_CNODE  (IPCBUF_CAPS_OR_BADGES + seL4_MsgMaxExtraCaps)
#define IPCBUF_RECEIVE_INDEX  (IPCBUF_RECEIVE_CNODE + 1)
#define IPCBUF_RECEIVE_DEPTH  (IPCBUF_RECEIVE_CNODE + 2)

enum exception lookup_extra_caps(struct tcb *t, seL4_Word *buffer, seL4_MessageInfo_t info)
{
	current_extra_caps = (struct extra_caps){0};
	if (!buffer)
		return EXCEPTION_NONE;
	seL4_Word n = seL4_MessageInfo_get_extraCaps(info);
	for (seL4_Word i = 0; i < n; i++) {
		seL4_CPtr cptr = buffer[IPCBUF_CAPS_OR_BADGES + i];
		struct lookup_slot_ret r = lookup_slot(t, cptr);
		if (r.status != EXCEPTION_NONE) {
			current_fault =
			    (struct fault){.type = seL4_Fault_CapFault, .cap = {.address = cptr}};
			current_extra_caps = (struct extra_caps){0};
			return r.status;
		}
		current_extra_caps.excaprefs[i] = r.slot;
	}
	return EXCEPTION_NONE;
}

seL4_Word copy_mrs(struct tcb *sender, seL4_Word *send_buf, struct tcb *receiver,
		   seL4_Word *recv_buf, seL4_Word n)
{
	seL4_Word i;
	for (i = 0; i < n && i < n_msgRegisters; i++)
		set_msg_register(receiver, (unsigned)i, get_msg_register(sender, (unsigned)i));
	if (!recv_buf || !send_buf)
		return i;
	for (; i < n && i < seL4_MsgMaxLength; i++)
		recv_buf[i + 1] = send_buf[i + 1];
	return i;
}

/* The one slot a receiver accepts a capability into, if it names an empty one. */
static struct cte *get_receive_slots(struct tcb *t, seL4_Word *buffer)
{
	if (!buffer)
		return NULL;
	struct lookup_cap_and_slot_ret root = lookup_cap_and_slot(t, buffer[IPCBUF_RECEIVE_CNODE]);
	if (root.status != EXCEPTION_NONE)
		return NULL;
	struct lookup_slot_ret r = lookup_slot_for_cnode_op(
	    false, root.cap, buffer[IPCBUF_RECEIVE_INDEX], buffer[IPCBUF_RECEIVE_DEPTH]);
	if (r.status != EXCEPTION_NONE || r.slot->cap.type != cap_null_cap)
		return NULL;
	return r.slot;
}

static seL4_MessageInfo_t transfer_caps(seL4_MessageInfo_t info, struct endpoint *ep,
					struct tcb *receiver, seL4_Word *receive_buffer)
{
	info = seL4_MessageInfo_set_extraCaps(info, 0);
	info = seL4_MessageInfo_set_capsUnwrapped(info, 0);
	if (!current_extra_caps.excaprefs[0] || !receive_buffer)
		return info;

	struct cte *dest = get_receive_slots(receiver, receive_buffer);
	unsigned i;
	for (i = 0; i < seL4_MsgMaxExtraCaps && current_extra_caps.excaprefs[i]; i++) {
		struct cte *slot = current_extra_caps.excaprefs[i];
		struct cap cap = slot->cap;
		if (cap.type == cap_endpoint_cap && cap.endpoint.ep == ep) {
			/* A cap to the endpoint the message came through: just its badge. */
			receive_buffer[IPCBUF_CAPS_OR_BADGES + i] = cap.endpoint.badge;
			info = seL4_MessageInfo_set_capsUnwrapped(
			    info, seL4_MessageInfo_get_capsUnwrapped(info) | (1u << i));
			continue;
		}
		if (!dest)
			break;
		struct derive_ret d = derive_cap(slot, cap);
		if (d.status != EXCEPTION_NONE || d.cap.type == cap_null_cap)
			break;
		cte_insert(d.cap, slot, dest);
		dest = NULL;
	}
	return seL4_MessageInfo_set_extraCaps(info, i);
}

static void do_normal_transfer(struct tcb *sender, seL4_Word *send_buffer, struct endpoint *ep,
			       seL4_Word badge, bool can_grant, struct tcb *receiver,
			       seL4_Word *receive_buffer)
{
	seL4_MessageInfo_t tag = {{sender->regs.msgInfoRegister}};
	if (!can_grant || lookup_extra_caps(sender, send_buffer, tag) != EXCEPTION_NONE)
		current_extra_caps = (struct extra_caps){0};
	seL4_Word sent = copy_mrs(sender, send_buffer, receiver, receive_buffer,
				  seL4_MessageInfo_get_length(tag));
	tag = transfer_caps(tag, ep, receiver, receive_buffer);
	tag = seL4_MessageInfo_set_length(tag, sent);
	receiver->regs.msgInfoRegister = tag.words[0];
	receiver->regs.badgeRegister = badge;
}

static void do_fault_transfer(seL4_Word badge, struct tcb *sender, struct tcb *receiver,
			      seL4_Word *receive_buffer)
{
	unsigned sent = set_mrs_fault(sender, receiver, receive_buffer);
	receiver->regs.msgInfoRegister =
	    seL4_MessageInfo_new(sender->fault.type, 0, 0, sent).words[0];
	receiver->regs.badgeRegister = badge;
}

void do_ipc_transfer(struct tcb *sender, struct endpoint *ep, seL4_Word badge, bool grant,
		     struct tcb *receiver)
{
	seL4_Word *receive_buffer = lookup_ipc_buffer(true, receiver);
	if (sender->fault.type == seL4_Fault_NullFault)
		do_normal_transfer(sender, lookup_ipc_buffer(false, sender), ep, badge, grant,
				   receiver, receive_buffer);
	else
		do_fault_transfer(badge, sender, receiver, receive_buffer);
	trace_ipc(sender, receiver, badge,
		  sender->fault.type ? TRACE_IPC_FAULT
		  : ep		     ? TRACE_IPC_SEND
				     : TRACE_IPC_REPLY);
}

void do_reply_transfer(struct tcb *sender, struct tcb *receiver, struct cte *slot, bool grant)
{
	if (receiver->state != ThreadState_BlockedOnReply) {
		/* A reply cap outlives its call only if something broke: drop it. */
		cte_delete_one(slot);
		return;
	}
	if (receiver->fault.type == seL4_Fault_NullFault) {
		do_ipc_transfer(sender, NULL, 0, grant, receiver);
		cte_delete_one(slot);
		set_thread_state(receiver, ThreadState_Running);
		possible_switch_to(receiver);
		return;
	}
	cte_delete_one(slot);
	bool restart = handle_fault_reply(receiver, sender);
	receiver->fault.type = seL4_Fault_NullFault;
	trace_ipc(sender, receiver, restart, TRACE_IPC_FAULT_REPLY);
	if (restart) {
		set_thread_state(receiver, ThreadState_Restart);
		possible_switch_to(receiver);
	} else {
		set_thread_state(receiver, ThreadState_Inactive);
	}
}

void do_nb_recv_failed_transfer(struct tcb *t)
{
	t->regs.badgeRegister = 0;
}

/* Marshalling of the RPC convention: structs in message registers, one capability each way. */
#include <base/rpc.h>
#include <base/string.h>

struct rpc_cspace rpc_cspace;

void rpc_cap_release(seL4_CPtr sel)
{
	if (!sel)
		return;
	seL4_CNode_Delete(rpc_cspace.cnode, sel, (seL4_Uint8)rpc_cspace.depth);
	if (rpc_cspace.free)
		rpc_cspace.free(sel);
}

static size_t words(size_t bytes)
{
	return (bytes + sizeof(seL4_Word) - 1) / sizeof(seL4_Word);
}

int rpc_call(seL4_CPtr obj, seL4_Word op, const void *in, size_t in_len, void *out, size_t out_len,
	     seL4_CPtr cap_in, seL4_CPtr *cap_out)
{
	seL4_IPCBuffer *b = seL4_GetIPCBuffer();
	if (in_len > RPC_MAX_MSG_BYTES || out_len > RPC_MAX_MSG_BYTES || !obj)
		return RPC_INVALID_ARGS;
	seL4_CPtr slot = 0;
	if (cap_out) {
		*cap_out = 0;
		slot = rpc_cspace.alloc ? rpc_cspace.alloc() : 0;
		if (!slot)
			return RPC_OUT_OF_CAPS;
		seL4_SetCapReceivePath(rpc_cspace.cnode, slot, rpc_cspace.depth);
	} else {
		seL4_SetCapReceivePath(0, 0, 0);
	}
	if (in_len)
		memcpy(b->msg, in, in_len);
	if (cap_in)
		seL4_SetCap(0, cap_in);
	seL4_MessageInfo_t info =
	    seL4_MessageInfo_new(op, 0, cap_in ? 1 : 0, (seL4_Word)words(in_len));
	seL4_MessageInfo_t r = seL4_Call(obj, info);
	seL4_Word label = seL4_MessageInfo_get_label(r);
	/* no mark: the kernel answered, the object is gone */
	int err = label & RPC_REPLY_MARK ? (int)(label & ~RPC_REPLY_MARK) : RPC_IPC_ERROR;
	/* A call that never reached a server comes back as a kernel error, not as a reply. */
	if (err == RPC_OK &&
	    seL4_MessageInfo_get_length(r) * sizeof(seL4_Word) <
		words(out_len) * sizeof(seL4_Word) &&
	    out_len)
		err = RPC_IPC_ERROR;
	if (err == RPC_OK && out_len)
		memcpy(out, b->msg, out_len);
	bool got_cap =
	    seL4_MessageInfo_get_extraCaps(r) == 1 && !(seL4_MessageInfo_get_capsUnwrapped(r) & 1);
	if (cap_out) {
		if (err == RPC_OK && got_cap)
			*cap_out = slot;
		else if (got_cap)
			rpc_cap_release(slot);
		else if (rpc_cspace.free)
			rpc_cspace.free(slot);
	}
	return err >= RPC_ERROR_COUNT ? RPC_IPC_ERROR : err;
}

seL4_MessageInfo_t rpc_error_reply(int error)
{
	return seL4_MessageInfo_new((seL4_Word)error | RPC_REPLY_MARK, 0, 0, 0);
}

seL4_MessageInfo_t rpc_dispatch(const struct rpc_interface *iface, void *obj,
				seL4_MessageInfo_t info, seL4_CPtr cap_slot, bool *cap_slot_used)
{
	seL4_IPCBuffer *b = seL4_GetIPCBuffer();
	seL4_Word op = seL4_MessageInfo_get_label(info);
	*cap_slot_used = false;
	struct rpc_cap_arg ci = {0};
	if (seL4_MessageInfo_get_extraCaps(info) >= 1) {
		ci.present = true;
		if (seL4_MessageInfo_get_capsUnwrapped(info) & 1) {
			ci.local = true;
			ci.badge = b->caps_or_badges[0];
		} else {
			ci.sel = cap_slot;
		}
	}
	int err;
	seL4_CPtr cap_out = 0;
	_Alignas(16) char in[RPC_MAX_MSG_BYTES], out[RPC_MAX_MSG_BYTES];
	const struct rpc_op *o = op < iface->count ? &iface->ops[op] : 0;
	if (!o || !o->fn) {
		err = RPC_INVALID_OPCODE;
	} else {
		/* A short message reads as zeros: hostile clients cannot make us read stale data.
		 */
		size_t got = seL4_MessageInfo_get_length(info) * sizeof(seL4_Word);
		memset(in, 0, o->in_len);
		memcpy(in, b->msg, got < o->in_len ? got : o->in_len);
		memset(out, 0, o->out_len);
		err = o->fn(obj, in, out, &ci, &cap_out);
	}
	*cap_slot_used = ci.present && !ci.local && ci.taken;
	if (err != RPC_OK)
		return rpc_error_reply(err);
	memcpy(b->msg, out, o->out_len);
	if (cap_out)
		seL4_SetCap(0, cap_out);
	return seL4_MessageInfo_new(RPC_OK | RPC_REPLY_MARK, 0, cap_out ? 1 : 0,
				    (seL4_Word)words(o->out_len));
}

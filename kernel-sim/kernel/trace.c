/*
 * The kernel trace. kernel-sim serves one event at a time, so there is one
 * open record: the kernel entry of the thread being served. Events that
 * happen while it is served (messages, objects, mappings) are nested in it;
 * its own line is written when the kernel is done with it, with its result.
 *
 * Both forms come from the same events: a text line each (for a .txt file
 * and for live readers on the control socket, filtered there by PD label),
 * or trace-event JSON for Perfetto (trace_json.c).
 */
#include "trace.h"
#include "digest.h"
#include "log.h"
#include "names.h"
#include "smp.h"
#include "thread.h"
#include "trace_json.h"
#include "../host/control.h"
#include "../host/loop.h"
#include "../host/pd.h"
#include "../host/thread.h"
#include <sel4/message_info.h>
#include <sel4/syscall.h>
#include <sim/debug.h>
#include <sim/faults.h>
#include <sim/trap.h>

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/timerfd.h>
#include <time.h>
#include <unistd.h>

bool trace_on;

static FILE *out;
static bool out_json, live;
static uint64_t start_ns, last_ns;
static uint32_t next_tid, next_flow, irq_flow;
static int kernel_pid;

/* Is anyone reading the trace, or does only the digest want the events? */
static bool tracing(void)
{
	return out || live;
}

/* JSON threads of kernel-sim itself: the interrupt lines and the CPUs. */
#define TID_INTERRUPTS 1
#define TID_CPU0       2

/* Synthetic thread ids start above any host pid (pid_max is at most 2^22). */
#define FIRST_TID ((1u << 22) + 64)

/* The kernel entry being served. */
static struct record {
	struct tcb *t;
	uint64_t ts;
	const char *name;
	char detail[192];
	char text[SIM_NAME_MAX];
	bool kernel_object; /* an invocation of a kernel object, answered by the kernel */
	bool receives;	    /* a receive phase: its result is the message that arrived */
	bool faulted;
	bool quiet;  /* a page fault filled from the shadow tables: not a seL4 event */
	int putchar; /* the character of a DebugPutChar, or -1 */
	uint32_t flow_out;
} cur;

/* Text lines of events nested in the open record, written after its own. */
static char *nested;
static size_t nested_len, nested_size;

/* --- time, names, ids ------------------------------------------------------ */

static uint64_t clock_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

/* Strictly increasing, 10 ns apart at least: slices nest without ties. */
static uint64_t tick(void)
{
	uint64_t n = clock_ns() - start_ns;
	if (n < last_ns + 10)
		n = last_ns + 10;
	return last_ns = n;
}

/* A name from a PD, fit to print: no control characters, bounded. */
static void clean(char *dst, size_t size, const char *src)
{
	size_t i = 0;
	for (; i + 1 < size && src[i]; i++)
		dst[i] = (unsigned char)src[i] < 0x20 || src[i] == 0x7f ? '?' : src[i];
	dst[i] = 0;
}

/* Who a thread is: its PD's label, its own name, its host pid and a thread id. */
struct who {
	char pd[SIM_NAME_MAX];
	char thread[TCB_NAME_MAX];
	int pid;
	uint32_t tid;
};

static void who_is(struct tcb *t, struct who *w)
{
	struct vspace *vs = thread_vspace(t);
	struct pd_proc *p = host_thread_proc(t) ? host_thread_proc(t) : vs ? vs->proc : NULL;
	if (vs && vs->name[0])
		clean(w->pd, sizeof(w->pd), vs->name);
	else if (p)
		clean(w->pd, sizeof(w->pd), p->name + (strncmp(p->name, "[sim] ", 6) ? 0 : 6));
	else
		snprintf(w->pd, sizeof(w->pd), "-");
	if (t->name[0])
		clean(w->thread, sizeof(w->thread), t->name);
	else
		snprintf(w->thread, sizeof(w->thread), "tcb 0x%lx", kernel_pointer(t->obj.paddr));
	if (p)
		t->trace.pid = p->pid;
	w->pid = t->trace.pid ? t->trace.pid : kernel_pid;
	if (!t->trace.id)
		t->trace.id = next_tid++;
	w->tid = t->trace.id;
}

static uint32_t hash(const char *s, uint32_t h)
{
	while (*s)
		h = (h ^ (unsigned char)*s++) * 16777619u;
	return h;
}

/* Who t is, with its track named in the JSON file whenever its names change. */
static void who(struct tcb *t, struct who *w)
{
	who_is(t, w);
	if (!out_json)
		return;
	uint32_t h = hash(w->thread, hash(w->pd, 2166136261u ^ (uint32_t)w->pid));
	if (h != t->trace.names)
		json_names(out, w->pid, w->tid, w->pd, w->thread);
	t->trace.names = h;
}

/* "[pd] thread" or "[pd]" for a PD's main thread, which carries its label. */
static void prefix(char *buf, size_t size, const struct who *w)
{
	if (!strcmp(w->pd, w->thread))
		snprintf(buf, size, "[%s]", w->pd);
	else
		snprintf(buf, size, "[%s] %s", w->pd, w->thread);
}

/* --- text output ------------------------------------------------------------ */

/*
 * A root task printing with DebugPutChar enters the kernel once per
 * character: the text form shows one line per printed line.
 */
static struct {
	struct tcb *t;
	uint64_t ts;
	char pre[SIM_NAME_MAX + TCB_NAME_MAX + 4], pd[SIM_NAME_MAX], text[160];
	size_t len;
} chars;

static void emit_text(const char *line, size_t len, const char *label, const char *peer);

static void flush_chars(void)
{
	if (!chars.t)
		return;
	char line[512];
	int n = snprintf(line, sizeof(line), "%6lu.%06lu %s DebugPutChar \"%.*s\" (%zu calls)\n",
			 (unsigned long)(chars.ts / 1000000000),
			 (unsigned long)(chars.ts / 1000 % 1000000), chars.pre, (int)chars.len,
			 chars.text, chars.len);
	chars.t = NULL;
	emit_text(line, (size_t)n < sizeof(line) ? (size_t)n : sizeof(line) - 1, chars.pd, "");
}

static void put_char(struct tcb *t, const struct who *w, char c)
{
	if (chars.t != t)
		flush_chars();
	if (!chars.t) {
		chars.t = t;
		chars.ts = cur.ts;
		chars.len = 0;
		prefix(chars.pre, sizeof(chars.pre), w);
		snprintf(chars.pd, sizeof(chars.pd), "%s", w->pd);
	}
	if (c != '\n')
		clean(chars.text + chars.len++, 2, (char[]){c, 0});
	if (c == '\n' || chars.len == sizeof(chars.text) - 1)
		flush_chars();
}

static void emit_text(const char *line, size_t len, const char *label, const char *peer)
{
	flush_chars();
	if (out && !out_json)
		fwrite(line, 1, len, out);
	if (live)
		control_trace(line, len, label, peer);
}

/* One text line at ts; nested in the open record, it waits for the record's line. */
static void text(uint64_t ts, bool in_record, const char *label, const char *peer, const char *fmt,
		 ...) __attribute__((format(printf, 5, 6)));
static void text(uint64_t ts, bool in_record, const char *label, const char *peer, const char *fmt,
		 ...)
{
	if (out_json && !live)
		return;
	char line[1024];
	int n = snprintf(line, sizeof(line), "%6lu.%06lu %s", (unsigned long)(ts / 1000000000),
			 (unsigned long)(ts / 1000 % 1000000), in_record ? "  " : "");
	va_list ap;
	va_start(ap, fmt);
	n += vsnprintf(line + n, sizeof(line) - (size_t)n - 1, fmt, ap);
	va_end(ap);
	if (n > (int)sizeof(line) - 2)
		n = (int)sizeof(line) - 2;
	line[n++] = '\n';
	if (!in_record) {
		emit_text(line, (size_t)n, label, peer);
		return;
	}
	/* label and peer travel with the line: NUL-separated, before it */
	size_t need = strlen(label) + strlen(peer) + 2 + (size_t)n + 1;
	if (nested_len + need > nested_size) {
		size_t size = nested_size ? nested_size * 2 : 16384;
		char *p = size < (1u << 24) ? realloc(nested, size) : NULL;
		if (!p) {
			emit_text(line, (size_t)n, label, peer);
			return;
		}
		nested = p;
		nested_size = size;
	}
	char *at = nested + nested_len;
	at += sprintf(at, "%s", label) + 1;
	at += sprintf(at, "%s", peer) + 1;
	memcpy(at, line, (size_t)n);
	at[n] = 0;
	nested_len = (size_t)(at + n + 1 - nested);
}

static void flush_nested(void)
{
	for (size_t off = 0; off < nested_len;) {
		const char *label = nested + off, *peer = label + strlen(label) + 1,
			   *line = peer + strlen(peer) + 1;
		size_t len = strlen(line);
		emit_text(line, len, label, peer);
		off = (size_t)(line + len + 1 - nested);
	}
	nested_len = 0;
}

/* Is an event of thread t part of the open record? */
static bool in_record(void)
{
	return cur.t != NULL;
}

/* The track an event of the kernel itself goes to: the open record's thread's, if any. */
static void kernel_track(struct who *w)
{
	if (cur.t) {
		who(cur.t, w);
		return;
	}
	snprintf(w->pd, sizeof(w->pd), "kernel-sim");
	snprintf(w->thread, sizeof(w->thread), "interrupts");
	w->pid = kernel_pid;
	w->tid = TID_INTERRUPTS;
}

/* --- kernel entries ------------------------------------------------------------ */

static void detail(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void detail(const char *fmt, ...)
{
	size_t n = strlen(cur.detail);
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(cur.detail + n, sizeof(cur.detail) - n, fmt, ap);
	va_end(ap);
}

static void put_string_text(struct tcb *t)
{
	seL4_Word *buffer = lookup_ipc_buffer(false, t);
	size_t n = t->regs.capRegister;
	if (!buffer)
		return;
	if (n > sizeof(cur.text) - 1)
		n = sizeof(cur.text) - 1;
	if (n > (seL4_MsgMaxLength) * sizeof(seL4_Word))
		n = seL4_MsgMaxLength * sizeof(seL4_Word);
	char s[sizeof(cur.text)];
	memcpy(s, buffer + 1, n);
	s[n] = 0;
	while (n && s[n - 1] == '\n')
		s[--n] = 0;
	clean(cur.text, sizeof(cur.text), s);
}

static void syscall_record(struct tcb *t)
{
	seL4_SWord sysno = (seL4_SWord)t->regs.rdx;
	cur.name = syscall_name(sysno);
	if (!cur.name) {
		cur.name = "UnknownSyscall";
		detail("rdx=0x%lx rax=%lu", (unsigned long)sysno, (unsigned long)t->regs.rax);
		return;
	}
	cur.receives =
	    sysno == seL4_SysRecv || sysno == seL4_SysNBRecv || sysno == seL4_SysReplyRecv;
	if (sysno == seL4_SysDebugPutChar)
		cur.putchar = (unsigned char)t->regs.capRegister;
	else if (sysno == SIM_SysDebugPutString) {
		put_string_text(t);
	} else if (sysno == seL4_SysReply || sysno == seL4_SysReplyRecv) {
		seL4_MessageInfo_t info = {{t->regs.msgInfoRegister}};
		detail("reply_label=0x%lx reply_len=%lu ",
		       (unsigned long)seL4_MessageInfo_get_label(info),
		       (unsigned long)seL4_MessageInfo_get_length(info));
	}
}

/*
 * The digest's kernel entries: a page fault the shadow tables fill is not
 * a seL4 event (it depends on when the host carried out a map), the rest is
 * the thread, what it asked and how it came out.
 */
static struct {
	struct tcb *t;
	bool quiet;
} digest_entry;

static void digest_trap_begin(struct tcb *t, const struct sim_trap *trap)
{
	digest_entry.t = t;
	digest_entry.quiet = trap->kind == SIM_TRAP_VM_FAULT;
	if (!digest_entry.quiet)
		digest_event("entry", t->obj.paddr, trap->kind,
			     trap->kind == SIM_TRAP_SYSCALL ? t->regs.rdx : trap->trapno);
}

static void digest_trap_end(struct tcb *t)
{
	if (t != digest_entry.t || digest_entry.quiet)
		return;
	digest_event("exit", t->obj.paddr, t->state, t->regs.msgInfoRegister);
	digest_entry.t = NULL;
}

void trace_trap_begin_(struct tcb *t, const struct sim_trap *trap)
{
	if (digest_on)
		digest_trap_begin(t, trap);
	if (!tracing())
		return;
	cur = (struct record){.t = t, .ts = tick(), .putchar = -1};
	switch (trap->kind) {
	case SIM_TRAP_SYSCALL:
		syscall_record(t);
		break;
	case SIM_TRAP_VM_FAULT:
		cur.name = "PageFault";
		cur.quiet = true; /* unless it becomes a VMFault */
		detail("addr=0x%lx ip=0x%lx", (unsigned long)trap->addr,
		       (unsigned long)t->regs.rip);
		break;
	default:
		cur.name = "Exception";
		detail("vector=%lu ip=0x%lx", (unsigned long)trap->trapno,
		       (unsigned long)t->regs.rip);
		break;
	}
}

void trace_invoke_(struct tcb *t, const struct cap *cap)
{
	if (digest_on)
		digest_event("invoke", t->obj.paddr, cap->type, t->regs.msgInfoRegister);
	if (!tracing())
		return;
	if (t != cur.t)
		return;
	seL4_MessageInfo_t info = {{t->regs.msgInfoRegister}};
	seL4_Word label = seL4_MessageInfo_get_label(info);
	const char *type = cap_type_name(cap->type);
	detail("cap=0x%lx type=%s", (unsigned long)t->regs.capRegister, type ? type : "?");
	if (cap->type == cap_endpoint_cap)
		detail(" badge=0x%lx", (unsigned long)cap->endpoint.badge);
	else if (cap->type == cap_notification_cap)
		detail(" badge=0x%lx", (unsigned long)cap->notification.badge);
	if (cur.receives)
		return;
	cur.kernel_object = cap->type != cap_endpoint_cap && cap->type != cap_notification_cap &&
			    cap->type != cap_reply_cap;
	const char *op = cur.kernel_object ? invocation_name(kernel_label(label)) : NULL;
	if (op)
		detail(" op=%s", op);
	else
		detail(" label=0x%lx", (unsigned long)label);
	detail(" len=%lu caps=%lu", (unsigned long)seL4_MessageInfo_get_length(info),
	       (unsigned long)seL4_MessageInfo_get_extraCaps(info));
}

static bool is_blocked(enum thread_state s)
{
	return s >= ThreadState_BlockedOnReceive && s <= ThreadState_BlockedOnNotification;
}

/* The outcome of the entry, as the thread sees it. */
static void result(struct tcb *t, char *buf, size_t size)
{
	seL4_MessageInfo_t info = {{t->regs.msgInfoRegister}};
	if (cur.faulted)
		snprintf(buf, size, "-> fault");
	else if (t->state == ThreadState_Inactive || t->state == ThreadState_Restart ||
		 is_blocked(t->state))
		snprintf(buf, size, "-> %s", tcb_state_name(t->state)); /* Restart: preempted */
	else if (cur.kernel_object) {
		const char *e = error_name(seL4_MessageInfo_get_label(info));
		snprintf(buf, size, "= %s", e ? e : "?");
	} else if (cur.receives)
		snprintf(buf, size, "= badge=0x%lx label=0x%lx len=%lu",
			 (unsigned long)t->regs.badgeRegister,
			 (unsigned long)seL4_MessageInfo_get_label(info),
			 (unsigned long)seL4_MessageInfo_get_length(info));
	else
		buf[0] = 0;
}

void trace_trap_end_(struct tcb *t)
{
	if (digest_on)
		digest_trap_end(t);
	if (!tracing())
		return;
	if (t != cur.t)
		return;
	uint64_t end = tick();
	if (cur.quiet && !cur.faulted) {
		cur.t = NULL;
		flush_nested();
		return;
	}
	if (is_blocked(t->state) && !t->trace.since)
		t->trace.since = end;
	if (t->state == ThreadState_BlockedOnSend && !t->trace.flow) {
		/* the message leaves when a receiver comes: it starts here */
		if (!cur.flow_out)
			cur.flow_out = ++next_flow;
		t->trace.flow = cur.flow_out;
	}
	struct who w;
	who(t, &w);
	char res[160];
	result(t, res, sizeof(res));
	if (out_json)
		json_slice(out, w.pid, w.tid, cur.ts, end - cur.ts, cur.name, "syscall", cur.detail,
			   cur.text[0] ? cur.text : NULL, cur.flow_out, 0);
	char pre[SIM_NAME_MAX + TCB_NAME_MAX + 4];
	prefix(pre, sizeof(pre), &w);
	bool has_text = cur.text[0] != 0;
	cur.t = NULL;
	if (cur.putchar >= 0 && !nested_len && (!out_json || live)) {
		put_char(t, &w, (char)cur.putchar);
		return;
	}
	text(cur.ts, false, w.pd, "", "%s %s%s%s%s%s%s%s%s", pre, cur.name,
	     cur.detail[0] ? " " : "", cur.detail, has_text ? " \"" : "", cur.text,
	     has_text ? "\"" : "", res[0] ? " " : "", res);
	flush_nested();
}

/* --- messages, signals, faults, states ------------------------------------------ */

/* The flow a message from sender starts: the open record's, or the one it waited with. */
static uint32_t flow_from(struct tcb *sender)
{
	uint32_t flow = 0;
	if (sender && sender == cur.t && !cur.flow_out)
		flow = cur.flow_out = ++next_flow;
	else if (sender && sender->trace.flow)
		flow = sender->trace.flow;
	if (sender)
		sender->trace.flow = 0;
	return flow;
}

/* The arriving end of a flow on the receiver's track (and its start, if it has none). */
static void arrive(const struct who *from, const struct who *to, const char *name, const char *cat,
		   const char *detail, uint32_t flow)
{
	if (!out_json)
		return;
	if (!flow) {
		flow = ++next_flow;
		json_slice(out, from->pid, from->tid, tick(), 10, "send", cat, NULL, NULL, flow, 0);
	}
	json_slice(out, to->pid, to->tid, tick(), 10, name, cat, detail, NULL, 0, flow);
	tick();
}

void trace_ipc_(struct tcb *sender, struct tcb *receiver, seL4_Word badge, enum trace_ipc_kind kind)
{
	if (digest_on)
		digest_event("ipc", sender ? sender->obj.paddr : 0, receiver->obj.paddr,
			     badge ^ (uint64_t)kind << 60);
	if (!tracing())
		return;
	static const char *const names[] = {"IPC", "Reply", "Fault", "FaultReply"};
	static const char *const arrivals[] = {"IPC in", "Reply in", "Fault in", "FaultReply in"};
	uint32_t flow = flow_from(sender);
	struct who s, r;
	who(sender, &s);
	who(receiver, &r);
	char d[160], ps[SIM_NAME_MAX + TCB_NAME_MAX + 4], pr[sizeof(ps)];
	seL4_MessageInfo_t info = {{receiver->regs.msgInfoRegister}};
	if (kind == TRACE_IPC_FAULT_REPLY) {
		snprintf(d, sizeof(d), "%s", badge ? "restart" : "stop");
	} else if (kind == TRACE_IPC_FAULT) {
		const char *f = fault_name(seL4_MessageInfo_get_label(info));
		snprintf(d, sizeof(d), "badge=0x%lx fault=%s len=%lu", (unsigned long)badge,
			 f ? f : "?", (unsigned long)seL4_MessageInfo_get_length(info));
	} else {
		snprintf(d, sizeof(d), "badge=0x%lx label=0x%lx len=%lu caps=%lu",
			 (unsigned long)badge, (unsigned long)seL4_MessageInfo_get_label(info),
			 (unsigned long)seL4_MessageInfo_get_length(info),
			 (unsigned long)seL4_MessageInfo_get_extraCaps(info));
	}
	arrive(&s, &r, arrivals[kind], "ipc", d, flow);
	prefix(ps, sizeof(ps), &s);
	prefix(pr, sizeof(pr), &r);
	text(last_ns, in_record(), s.pd, r.pd, "%s %s -> %s %s", names[kind], ps, pr, d);
}

void trace_signal_(struct notification *n, seL4_Word badge)
{
	if (digest_on)
		digest_event("signal", n->obj.paddr, badge, n->state);
	if (!tracing())
		return;
	struct tcb *woken = NULL;
	if (n->state == NtfnState_Waiting)
		woken = n->queue.head;
	else if (n->state == NtfnState_Idle && n->bound_tcb &&
		 n->bound_tcb->state == ThreadState_BlockedOnReceive)
		woken = n->bound_tcb;
	uint32_t flow = irq_flow ? irq_flow : flow_from(cur.t);
	irq_flow = 0;
	struct who from, to;
	kernel_track(&from);
	char d[96], pto[SIM_NAME_MAX + TCB_NAME_MAX + 4];
	snprintf(d, sizeof(d), "ntfn=0x%lx badge=0x%lx", kernel_pointer(n->obj.paddr),
		 (unsigned long)badge);
	if (!woken) {
		text(tick(), in_record(), from.pd, "", "Signal %s (pending)", d);
		return;
	}
	who(woken, &to);
	arrive(&from, &to, "Signal in", "ipc", d, flow);
	prefix(pto, sizeof(pto), &to);
	text(last_ns, in_record(), from.pd, to.pd, "Signal %s -> %s", d, pto);
}

static void fault_detail(char *d, size_t size, struct tcb *t, const struct fault *f)
{
	switch (f->type) {
	case seL4_Fault_CapFault:
		snprintf(d, size, "cap=0x%lx phase=%s ip=0x%lx", (unsigned long)f->cap.address,
			 f->cap.in_receive_phase ? "receive" : "send", (unsigned long)t->regs.rip);
		break;
	case seL4_Fault_UnknownSyscall:
		snprintf(d, size, "number=0x%lx ip=0x%lx",
			 (unsigned long)f->unknown_syscall.syscall_number,
			 (unsigned long)t->regs.rip);
		break;
	case seL4_Fault_UserException:
		if (f->user_exception.number == SIM_EXCEPTION_PD_LOST)
			snprintf(d, size, "PD_lost status=0x%lx",
				 (unsigned long)f->user_exception.code);
		else
			snprintf(d, size, "number=%lu code=0x%lx ip=0x%lx",
				 (unsigned long)f->user_exception.number,
				 (unsigned long)f->user_exception.code, (unsigned long)t->regs.rip);
		break;
	case seL4_Fault_VMFault:
		snprintf(d, size, "addr=0x%lx ip=0x%lx fsr=0x%lx %s", (unsigned long)f->vm.address,
			 (unsigned long)t->regs.rip, (unsigned long)f->vm.fsr,
			 f->vm.instruction_fault ? "instruction" : "data");
		break;
	default:
		snprintf(d, size, "type=%lu", (unsigned long)f->type);
	}
}

void trace_fault_(struct tcb *t, const struct fault *f)
{
	if (digest_on)
		digest_event("fault", t->obj.paddr, f->type, 0);
	if (!tracing())
		return;
	if (t == cur.t)
		cur.faulted = true;
	struct who w;
	who(t, &w);
	char d[160], pre[SIM_NAME_MAX + TCB_NAME_MAX + 4];
	fault_detail(d, sizeof(d), t, f);
	const char *name = fault_name(f->type);
	uint64_t ts = tick();
	if (out_json)
		json_instant(out, w.pid, w.tid, ts, name ? name : "Fault", "fault", d, NULL, false);
	prefix(pre, sizeof(pre), &w);
	text(ts, in_record(), w.pd, "", "Fault %s %s %s", pre, name ? name : "?", d);
}

void trace_thread_state_(struct tcb *t, enum thread_state s)
{
	if (digest_on)
		digest_event("state", t->obj.paddr, t->state, s);
	enum thread_state old = t->state;
	if (!out_json || old == s)
		return;
	if (is_blocked(old) && t->trace.since) {
		struct who w;
		who(t, &w);
		uint64_t now = tick();
		json_slice(out, w.pid, w.tid, t->trace.since, now - t->trace.since,
			   tcb_state_name(old), "state", NULL, NULL, 0, 0);
		t->trace.since = 0;
	}
	if (is_blocked(s))
		t->trace.since = t == cur.t ? 0 : tick();
}

/* --- interrupts, objects, mappings, processes, scheduling -------------------------- */

void trace_irq_(unsigned irq, enum trace_irq_event e)
{
	if (digest_on)
		digest_event("irq", irq, e, 0);
	if (!tracing())
		return;
	static const char *const what[] = {"raised (masked: pending)", "delivered",
					   "raised (no handler)"};
	uint64_t ts = tick();
	if (out_json) {
		char name[16];
		snprintf(name, sizeof(name), "IRQ %u", irq);
		irq_flow = e == TRACE_IRQ_DELIVERED ? ++next_flow : 0;
		json_slice(out, kernel_pid, TID_INTERRUPTS, ts, 10, name, "irq", NULL, NULL,
			   irq_flow, 0);
		tick();
	}
	text(ts, in_record(), "", "", "IRQ %u %s", irq, what[e]);
}

void trace_object_(seL4_Word type, uint64_t paddr, bool created)
{
	if (digest_on)
		digest_event("object", type, paddr, created);
	if (!tracing())
		return;
	struct who w;
	kernel_track(&w);
	const char *name = object_type_name(type);
	char d[64];
	snprintf(d, sizeof(d), "type=%s at=0x%lx", name ? name : "?", kernel_pointer(paddr));
	uint64_t ts = tick();
	if (out_json)
		json_instant(out, w.pid, w.tid, ts, created ? "Create" : "Delete", "object", d,
			     NULL, false);
	text(ts, in_record(), w.pd, "", "%s %s", created ? "Create" : "Delete", d);
}

void trace_map_(struct vspace *vs, uint64_t vaddr, const struct frame *f, uint8_t vm_rights)
{
	if (digest_on)
		digest_event("map", vaddr, f->obj.paddr, vm_rights);
	if (!tracing())
		return;
	struct who w;
	kernel_track(&w);
	char label[SIM_NAME_MAX], d[128];
	clean(label, sizeof(label), vs->name[0] ? vs->name : "-");
	unsigned long kib = (1ul << f->obj.size_bits) >> 10;
	snprintf(d, sizeof(d), "vaddr=0x%lx frame=0x%lx size=%lu%s%s", (unsigned long)vaddr,
		 (unsigned long)f->obj.paddr, kib >= 1024 ? kib >> 10 : kib,
		 kib >= 1024 ? "M" : "K",
		 vm_rights == VM_READ_WRITE  ? " rights=RW"
		 : vm_rights == VM_READ_ONLY ? " rights=R"
		 : vm_rights		     ? " rights=none"
					     : "");
	uint64_t ts = tick();
	if (out_json)
		json_instant(out, w.pid, w.tid, ts, vm_rights ? "Map" : "Unmap", "vm", d, label,
			     false);
	text(ts, in_record(), w.pd, label, "%s [%s] %s", vm_rights ? "Map" : "Unmap", label, d);
}

void trace_pd_(struct pd_proc *p, enum trace_pd_event e, int status)
{
	if (digest_on)
		digest_event("pd", e, (uint64_t)status, 0);
	if (!tracing())
		return;
	char label[SIM_NAME_MAX], d[64], kv[32];
	clean(label, sizeof(label), p->name + (strncmp(p->name, "[sim] ", 6) ? 0 : 6));
	snprintf(kv, sizeof(kv), "status=0x%x", (unsigned)status);
	static const char *const what[] = {"started", "lost", "ended"};
	if (e == TRACE_PD_LOST)
		snprintf(d, sizeof(d), " (%s %d)",
			 (status & 0x7f) ? "killed by signal" : "exit status",
			 (status & 0x7f) ? status & 0x7f : (status >> 8) & 0xff);
	else
		d[0] = 0;
	uint64_t ts = tick();
	if (out_json) {
		json_names(out, p->pid, (uint32_t)p->pid, label, "process");
		json_instant(out, p->pid, (uint32_t)p->pid, ts, what[e], "pd", kv, NULL, true);
	}
	text(ts, in_record(), label, "", "PD [%s] process %d %s%s", label, (int)p->pid, what[e], d);
}

/* What each simulated CPU runs since when, for its track. */
#define TRACE_CPUS 64
static struct {
	char name[SIM_NAME_MAX + TCB_NAME_MAX + 4];
	uint64_t since;
	bool named;
} cpu_runs[TRACE_CPUS];

void trace_schedule_(unsigned cpu, struct tcb *next, const char *reason)
{
	if (digest_on)
		digest_event(reason ? reason : "schedule", cpu, next ? next->obj.paddr : 0, 0);
	if (!tracing())
		return;
	if (cpu >= TRACE_CPUS)
		return;
	uint64_t ts = tick();
	char pre[sizeof(cpu_runs[0].name)] = "idle", label[SIM_NAME_MAX] = "";
	if (next) {
		struct who w;
		who(next, &w);
		prefix(pre, sizeof(pre), &w);
		snprintf(label, sizeof(label), "%s", w.pd);
	}
	if (out_json) {
		if (!cpu_runs[cpu].named) {
			char name[16];
			snprintf(name, sizeof(name), "CPU %u", cpu);
			json_names(out, kernel_pid, TID_CPU0 + cpu, "kernel-sim", name);
			cpu_runs[cpu].named = true;
		}
		if (cpu_runs[cpu].since)
			json_slice(out, kernel_pid, TID_CPU0 + cpu, cpu_runs[cpu].since,
				   ts - cpu_runs[cpu].since, cpu_runs[cpu].name, "sched", NULL,
				   reason, 0, 0);
	}
	snprintf(cpu_runs[cpu].name, sizeof(cpu_runs[cpu].name), "%s", pre);
	cpu_runs[cpu].since = ts;
	text(ts, in_record(), label, "", "Schedule CPU %u -> %s%s%s", cpu, pre, reason ? ": " : "",
	     reason ? reason : "");
}

void trace_domain_(unsigned dom, uint64_t ticks)
{
	if (digest_on)
		digest_event("domain", dom, ticks, 0);
	if (!tracing())
		return;
	text(tick(), in_record(), "", "", "Domain -> %u for %lu ticks", dom, (unsigned long)ticks);
}

/* --- consumers ------------------------------------------------------------------- */

/*
 * Written out at most ten times a second (a write per kernel event would
 * cost more than the event); a timer writes out what is left when the
 * system goes quiet, so that a text trace can be followed with tail -f.
 */
#define FLUSH_NS 100000000ull

static struct event_source flush_timer = {.fd = -1};
static bool flush_armed;

static void on_flush_timer(struct event_source *s, uint32_t events)
{
	(void)events;
	uint64_t expirations;
	(void)!read(s->fd, &expirations, sizeof(expirations));
	flush_armed = false;
	if (out)
		fflush(out);
}

void trace_flush(void)
{
	static uint64_t last_flush;
	uint64_t now = clock_ns();
	if (!out)
		return;
	if (now - last_flush >= FLUSH_NS) {
		fflush(out);
		last_flush = now;
		return;
	}
	if (flush_armed || flush_timer.fd < 0)
		return;
	struct itimerspec its = {.it_value.tv_nsec = (long)FLUSH_NS};
	flush_armed = timerfd_settime(flush_timer.fd, 0, &its, NULL) == 0;
}

static void enable(void)
{
	if (!start_ns) {
		start_ns = clock_ns();
		kernel_pid = getpid();
		next_tid = FIRST_TID;
	}
	trace_on = out || live || digest_on;
}

void trace_digest(void)
{
	digest_on = true;
	enable();
}

int trace_open(const char *path)
{
	size_t n = strlen(path);
	out = fopen(path, "we");
	if (!out)
		return -1;
	setvbuf(out, NULL, _IOFBF, 1 << 20);
	flush_timer = (struct event_source){
	    timerfd_create(CLOCK_MONOTONIC, TFD_CLOEXEC | TFD_NONBLOCK), on_flush_timer};
	if (flush_timer.fd >= 0 && loop_add(&flush_timer, EPOLLIN) != 0) {
		close(flush_timer.fd);
		flush_timer.fd = -1;
	}
	out_json = n > 5 && !strcmp(path + n - 5, ".json");
	enable();
	if (out_json) {
		json_begin(out);
		json_names(out, kernel_pid, TID_INTERRUPTS, "kernel-sim", "interrupts");
	}
	return 0;
}

void trace_live(bool on)
{
	live = on;
	enable();
}

void trace_close(void)
{
	flush_chars();
	if (!out)
		return;
	if (out_json)
		json_end(out);
	fclose(out);
	out = NULL;
	trace_on = live || digest_on;
}

/*
 * Kernel objects and capabilities of kernel-sim, named as in seL4.
 *
 * A capability lives in a slot (cte) of a CNode or a TCB. Kernel objects
 * are host heap structures; their place in simulated physical memory is
 * recorded so that untyped accounting and diagnostics match seL4.
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>
#include <sel4/constants.h>
#include <sel4/cap_type.h>
#include <sel4/user_context.h>
#include <sel4/faults.h>
#include <sel4/message_info.h>
#include "../host/frame_store.h"
#include <sim/layout.h>

struct cte;
struct tcb;
struct endpoint;
struct notification;
struct asid_pool;
struct cnode;
struct frame;
struct vspace;
struct paging;
struct pd_proc;

enum cap_type {
	cap_null_cap = seL4_CapType_Null,
	cap_untyped_cap = seL4_CapType_Untyped,
	cap_endpoint_cap = seL4_CapType_Endpoint,
	cap_notification_cap = seL4_CapType_Notification,
	cap_reply_cap = seL4_CapType_Reply,
	cap_cnode_cap = seL4_CapType_CNode,
	cap_thread_cap = seL4_CapType_Thread,
	cap_irq_control_cap = seL4_CapType_IRQControl,
	cap_irq_handler_cap = seL4_CapType_IRQHandler,
	cap_zombie_cap = seL4_CapType_Zombie,
	cap_domain_cap = seL4_CapType_Domain,
	cap_frame_cap = seL4_CapType_Frame,
	cap_page_table_cap = seL4_CapType_PageTable,
	cap_page_directory_cap = seL4_CapType_PageDirectory,
	cap_pdpt_cap = seL4_CapType_PDPT,
	cap_pml4_cap = seL4_CapType_PML4,
	cap_asid_control_cap = seL4_CapType_ASIDControl,
	cap_asid_pool_cap = seL4_CapType_ASIDPool,
	cap_io_port_cap = seL4_CapType_IOPort,
	cap_io_port_control_cap = seL4_CapType_IOPortControl,
};

/* Endpoint and notification rights, as seL4_CapRights bits. */
enum cap_rights {
	RIGHT_WRITE = 1 << 0,
	RIGHT_READ = 1 << 1,
	RIGHT_GRANT = 1 << 2,
	RIGHT_GRANT_REPLY = 1 << 3,
	RIGHTS_ALL = 0xf,
};

/* Frame mapping rights (seL4 vm_rights). */
enum vm_rights {
	VM_KERNEL_ONLY = 1,
	VM_READ_ONLY = 2,
	VM_READ_WRITE = 3,
};

struct cap {
	enum cap_type type;
	union {
		struct {
			uint64_t paddr;
			uint8_t size_bits;
			bool is_device;
			uint64_t free_index; /* bytes used from the start */
		} untyped;
		struct {
			struct endpoint *ep;
			uint64_t badge;
			uint8_t rights;
		} endpoint;
		struct {
			struct notification *ntfn;
			uint64_t badge;
			uint8_t rights;
		} notification;
		struct {
			struct tcb *tcb;
			bool master;
			bool can_grant;
		} reply;
		struct {
			struct cnode *cnode;
			uint8_t radix;
			uint8_t guard_size;
			uint64_t guard;
		} cnode;
		struct {
			struct tcb *tcb;
		} thread;
		/*
		 * seL4's Zombie: what is left of a CNode or a TCB (the
		 * other is NULL) while its last capability is deleted. Its
		 * slots from number on are empty, the rest still to be
		 * deleted.
		 */
		struct {
			struct cnode *cnode;
			struct tcb *tcb; /* ZombieType_ZombieTCB */
			seL4_Word number;
		} zombie;
		struct {
			uint16_t irq;
		} irq_handler;
		/*
		 * Mapped objects name their VSpace by ASID, as seL4 does, so
		 * that a VSpace can go away before the caps of what was
		 * mapped in it (ASID 0: not mapped).
		 */
		struct {
			struct frame *frame;
			uint8_t vm_rights;
			uint16_t mapped_asid;
			uint64_t mapped_addr;
		} frame;
		struct {
			struct paging *table;
			uint16_t mapped_asid;
			uint64_t mapped_addr;
		} paging; /* page table, page directory, PDPT */
		struct {
			struct vspace *vspace;
			uint16_t mapped_asid; /* assigned ASID */
		} pml4;
		struct {
			struct asid_pool *pool;
			uint16_t asid_base;
		} asid_pool;
		struct {
			uint16_t first_port;
			uint16_t last_port;
		} io_port;
	};
};

/* seL4's mapping database: a list in derivation order with two flags. */
struct mdb_node {
	struct cte *prev;
	struct cte *next;
	bool revocable;
	bool first_badged;
};

/*
 * A capability slot. home places a CNode's slot in its chunk of slots
 * (object/cnode.c): its index there plus one; 0 for a TCB's slots.
 */
struct cte {
	struct cap cap;
	struct mdb_node mdb;
	uint8_t home;
};

/* Every kernel object carries its place in simulated physical memory. */
struct kobj {
	uint64_t paddr;
	uint8_t size_bits;
};

/*
 * A CNode of 2^radix slots, kept in chunks made on first use and freed when
 * they are empty again (object/cnode.c): kernel-sim's memory follows the
 * capabilities a CNode holds, not its size.
 */
struct cnode_chunk;

struct cnode {
	struct kobj obj;
	uint8_t radix;
	struct cnode_chunk *chunk[];
};

/* Endpoint: a queue of senders or of receivers. */
enum endpoint_state {
	EPState_Idle = 0,
	EPState_Send,
	EPState_Recv,
};

struct tcb_queue {
	struct tcb *head;
	struct tcb *end;
};

struct endpoint {
	struct kobj obj;
	enum endpoint_state state;
	struct tcb_queue queue;
};

/* Notification: a word of signals, waiters, and an optional bound TCB. */
enum notification_state {
	NtfnState_Idle = 0,
	NtfnState_Waiting,
	NtfnState_Active,
};

struct notification {
	struct kobj obj;
	enum notification_state state;
	seL4_Word msg_identifier;
	struct tcb_queue queue;
	struct tcb *bound_tcb;
};

/* Thread states of seL4's TCB. */
enum thread_state {
	ThreadState_Inactive = 0,
	ThreadState_Running,
	ThreadState_Restart,
	ThreadState_BlockedOnReceive,
	ThreadState_BlockedOnSend,
	ThreadState_BlockedOnReply,
	ThreadState_BlockedOnNotification,
	ThreadState_IdleThreadState,
};

/* The slots seL4 keeps inside a TCB. */
enum tcb_cnode_index {
	tcbCTable = 0,
	tcbVTable = 1,
	tcbReply = 2,
	tcbCaller = 3,
	tcbBuffer = 4,
	tcbCNodeEntries
};

#define TCB_NAME_MAX (seL4_MsgMaxLength * sizeof(seL4_Word))

/* What a blocked thread waits on and with which IPC parameters (seL4 thread_state). */
struct blocking {
	void *object; /* endpoint or notification */
	seL4_Word badge;
	bool can_grant;
	bool can_grant_reply;
	bool is_call;
};

enum lookup_fault_type {
	lookup_fault_invalid_root = 0,
	lookup_fault_missing_capability = 1,
	lookup_fault_depth_mismatch = 2,
	lookup_fault_guard_mismatch = 3,
};

struct lookup_fault {
	enum lookup_fault_type type;
	seL4_Word bits_left;
	seL4_Word bits_found;
	seL4_Word guard_found;
};

/* The faults a thread can take (seL4_Fault), with their payloads. */
struct fault {
	seL4_Word type; /* seL4_FaultType; 0 (NullFault) when none */
	union {
		struct {
			seL4_Word address;
			bool in_receive_phase;
		} cap;
		struct {
			seL4_Word syscall_number;
		} unknown_syscall;
		struct {
			seL4_Word number;
			seL4_Word code;
		} user_exception;
		struct {
			seL4_Word address;
			seL4_Word fsr;
			bool instruction_fault;
		} vm;
	};
};

/* What the kernel trace keeps of a thread (kernel/trace.c). */
struct trace_thread {
	uint32_t id;	/* its track */
	uint32_t flow;	/* the flow of the message it waits to send */
	uint32_t names; /* a hash of the names its track was given */
	int pid;	/* the host process it last ran in */
	uint64_t since; /* blocked since (ns), for its state slice */
};

struct host_thread;

struct tcb {
	struct kobj obj;
	struct cte ctes[tcbCNodeEntries];
	enum thread_state state;
	struct blocking blocking;
	struct tcb *ep_next; /* endpoint or notification queue */
	struct tcb *ep_prev;
	struct tcb *sched_next; /* ready queue (tcbSchedNext) */
	struct tcb *sched_prev;
	bool sched_queued;  /* in a ready queue (tcbQueued) */
	uint8_t time_slice; /* ticks left (tcbTimeSlice) */
	unsigned affinity;  /* the CPU whose queues it joins (tcbAffinity) */
	uint8_t domain;	    /* tcbDomain */
	/*
	 * regs.rip is FaultIP, what seL4_TCB_ReadRegisters calls rip: the
	 * instruction that trapped. next_ip is where the thread continues
	 * when it returns to user mode while Running.
	 */
	seL4_UserContext regs;
	seL4_Word next_ip;
	seL4_Word ipc_buffer; /* user address of the IPC buffer */
	seL4_CPtr fault_handler;
	uint8_t priority;
	uint8_t mcp;
	struct notification *bound_notification;
	seL4_Word flags;		    /* seL4_TCBFlag bits */
	struct fault fault;		    /* the fault being handled, if any */
	struct lookup_fault lookup_failure; /* behind a cap fault */
	bool dead;			    /* finalised; memory freed at the end of the event */
	struct host_thread *host; /* the host side, owned by host/thread.c (as seL4's tcbArch) */
	struct trace_thread trace;
	struct tcb *all_next; /* every TCB, for debug dumps and accounting */
	struct tcb *all_prev;
	char name[TCB_NAME_MAX];
};

/*
 * A frame's memory is a file of the frame store (host/frame_store.h),
 * created when first needed. kaddr is kernel-sim's own mapping, made when
 * kernel-sim must read or write the frame. mapped_caps counts the frame's
 * capabilities that hold a mapping; exposed says that the file went to a
 * PD process (see frame_recall in object/frame.h).
 */
struct frame {
	struct kobj obj;
	bool is_device;
	bool mmio; /* device memory of an emulated device: never host memory, accesses trap */
	bool exposed;
	bool dying;
	bool recall_queued;
	unsigned mapped_caps;
	struct backing backing;
	void *kaddr;
	struct frame *recall_next;
};

/* Shadow paging structure: one level of x86_64 page tables. */
enum paging_level {
	PAGING_PT = 1,	 /* entries map 4 KiB frames */
	PAGING_PD = 2,	 /* entries map page tables or 2 MiB frames */
	PAGING_PDPT = 3, /* entries map page directories or 1 GiB frames */
	PAGING_PML4 = 4, /* entries map PDPTs */
};

#define PAGING_ENTRIES	     512
#define PAGING_CHUNK_ENTRIES 64
#define PAGING_CHUNKS	     (PAGING_ENTRIES / PAGING_CHUNK_ENTRIES)

/*
 * One entry in one word: 0, a next-level table, or a frame (bit 0 set)
 * with its vm_rights in bits 1-2 (object/vspace.h reads and writes it).
 */
struct paging_entry {
	uintptr_t word;
};

/* The entries, in chunks made when an entry in them is first set. */
struct paging {
	struct kobj obj;
	enum paging_level level;
	struct paging_entry *chunk[PAGING_CHUNKS];
};

/* A VSpace root (PML4) and the PD process that embodies it. */
struct vspace {
	struct paging root;
	uint16_t asid;	       /* 0 until assigned */
	struct pd_proc *proc;  /* started when it gets its ASID */
	bool start_traced;     /* the trace showed its process start (when a thread first ran) */
	bool lost;	       /* its process died: its threads cannot run */
	int lost_status;       /* the host wait status of that death */
	bool named;	       /* the process is named after its first named thread */
	uint64_t mapped_bytes; /* frames its tables reach, the bound of its process's memory */
	unsigned long mapped_count;
	bool root_task; /* the root task's initial VSpace: its threads may debug */
	char name[SIM_NAME_MAX];
};

/* x86_64 ASIDs: 3 bits select a pool, 9 bits a VSpace in it. */
#define ASID_LOW_BITS  seL4_ASIDPoolIndexBits
#define ASID_HIGH_BITS seL4_NumASIDPoolsBits
#define ASID_COUNT     (1u << (ASID_LOW_BITS + ASID_HIGH_BITS))

/* An ASID pool: 512 VSpaces by ASID low bits. */
struct asid_pool {
	struct kobj obj;
	struct vspace *entry[1 << seL4_ASIDPoolIndexBits];
};

/*
 * Wire format of a PD process's control channel (fd SIM_CTRL_FD).
 *
 * kernel-sim commands the PD runtime to change the process (map and unmap
 * frames, start threads, rename it); the runtime carries each command out
 * and answers with SIM_CTRL_ACK. The runtime speaks first, once: HELLO,
 * answered by FILTER, the seccomp program it installs before any component
 * code runs (a runtime that cannot install it ends itself, so commands may
 * follow FILTER at once). Commands are pipelined: kernel-sim never waits for
 * an answer, it matches the answers in order as they come. A frame's file or
 * a thread's channel travels as SCM_RIGHTS.
 */
#pragma once

#include <stdint.h>
#include "layout.h"

#define SIM_CTRL_VERSION 2

enum sim_ctrl_op {
	SIM_CTRL_HELLO = 1, /* runtime -> kernel-sim: runtime facts */
	SIM_CTRL_FILTER,    /* kernel-sim -> runtime: seccomp program follows */
	SIM_CTRL_MAP,	    /* map fd at vaddr: size, offset, prot */
	SIM_CTRL_UNMAP,	    /* remove [vaddr, vaddr + size) */
	SIM_CTRL_THREAD,    /* start runtime thread index with the channel fd */
	SIM_CTRL_NAME,	    /* process name */
	SIM_CTRL_TRACER,    /* PR_SET_PTRACER vaddr: the pid of a debugger the host user started */
	SIM_CTRL_ACK,	    /* runtime -> kernel-sim: status of the last command */
};

struct sim_ctrl_msg {
	uint32_t op;
	int32_t status;		 /* ACK: 0 or a negative errno */
	uint64_t seq;		 /* the command's number; its ACK carries it back */
	uint64_t vaddr;		 /* MAP, UNMAP; HELLO: the runtime's syscall return address */
	uint64_t size;		 /* MAP, UNMAP; FILTER: number of instructions */
	uint64_t offset;	 /* MAP */
	uint32_t prot;		 /* MAP: PROT_* bits; HELLO: SIM_CTRL_VERSION */
	uint32_t index;		 /* THREAD */
	char name[SIM_NAME_MAX]; /* NAME */
};

/* One classic-BPF instruction, as struct sock_filter. */
struct sim_bpf_insn {
	uint16_t code;
	uint8_t jt;
	uint8_t jf;
	uint32_t k;
};

#define SIM_FILTER_MAX 1024

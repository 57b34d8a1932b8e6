/*
 * test-rogue: a component that misbehaves towards kernel-sim the way
 * hostile code in a PD can, through the PD runtime it shares its address
 * space with. With <config mode="..."/>:
 *
 *   steal_control  a thread reads the PD's control channel itself, so the
 *                  runtime never answers kernel-sim's commands (with the
 *                  park signal blocked, so that nothing interrupts it)
 *   block_park     the main thread blocks the park signal (a forged
 *                  rt_sigreturn) and spins, so it cannot be stopped
 *
 * Either way kernel-sim must end the PD ("PD lost") and nobody else may
 * wait for it meanwhile.
 */
#include <base/string.h>
#include <component/connection.h>
#include <component/log.h>
#include <component/thread.h>
#include <sim/layout.h>

#include <base/xml.h>
#include "../../tests/hostile/attempts.h"

/*
 * The runtime's rt_syscall(nr, a1..a6): the one function whose syscall
 * instruction the seccomp filter lets through. Found by its code.
 */
static const unsigned char rt_syscall_code[] = {
    0x48, 0x89, 0xf8,		  /* mov %rdi, %rax */
    0x48, 0x89, 0xf7,		  /* mov %rsi, %rdi */
    0x48, 0x89, 0xd6,		  /* mov %rdx, %rsi */
    0x48, 0x89, 0xca,		  /* mov %rcx, %rdx */
    0x4d, 0x89, 0xc2,		  /* mov %r8, %r10 */
    0x4d, 0x89, 0xc8,		  /* mov %r9, %r8 */
    0x4c, 0x8b, 0x4c, 0x24, 0x08, /* mov 8(%rsp), %r9 */
    0x0f, 0x05,			  /* syscall */
    0xc3,			  /* ret */
};

typedef long (*rt_syscall_fn)(long nr, long a1, long a2, long a3, long a4, long a5, long a6);

static const unsigned char *find_rt_syscall(void)
{
	const unsigned char *p = (const unsigned char *)SIM_RUNTIME_BASE;
	for (unsigned long i = 0; i < 0x20000; i++)
		if (!memcmp(p + i, rt_syscall_code, sizeof(rt_syscall_code)))
			return p + i;
	return 0;
}

static rt_syscall_fn sys;

/* Read the control channel forever: kernel-sim's commands go nowhere. */
static __attribute__((noreturn, used)) void steal_forever(void)
{
	static char buf[4096];
	struct {
		void *base;
		unsigned long len;
	} iov = {buf, sizeof(buf)};
	struct {
		void *name;
		int namelen;
		void *iov;
		unsigned long iovlen;
		void *control;
		unsigned long controllen;
		int flags;
	} msg = {0, 0, &iov, 1, 0, 0, 0};
	/* Without waiting: a message is taken the moment it arrives, before the runtime wakes. */
	for (;;)
		sys(LX_RECVMSG, SIM_CTRL_FD, (long)&msg, LX_MSG_DONTWAIT, 0, 0, 0);
}

static volatile unsigned long spins;

static __attribute__((noreturn, used)) void spin_forever(void)
{
	for (;;)
		spins++;
}

static struct thread thief;
static char spin_stack[4096] __attribute__((aligned(16)));
static char steal_stack[8192] __attribute__((aligned(16)));

static volatile int stealing;

static void steal(void *arg)
{
	stealing = 1;
	(void)arg;
	hostile_block_park(steal_forever, steal_stack, sizeof(steal_stack));
}

void component_construct(struct env *env)
{
	char mode[32] = "";
	struct rom_connection rom;
	struct xml_node config;
	if (!rom_connect(env, "config", &rom) && xml_parse(rom.text, rom.size, &config, 0))
		xml_attr_string(&config, "mode", mode, sizeof(mode));
	const unsigned char *rt_syscall = find_rt_syscall();
	if (!rt_syscall) {
		error("rogue: the runtime's system-call site not found");
		env_exit(env, 1);
	}
	sys = (rt_syscall_fn)rt_syscall;
	if (!strcmp(mode, "steal_control")) {
		log("rogue: stealing the control channel");
		thread_start(env, &thief, "thief", 16 * 1024, steal, (void *)rt_syscall);
		while (!stealing)
			seL4_Yield();
		/* commands for the runtime, until one goes astray and kernel-sim ends us */
		for (;;) {
			seL4_CPtr ds;
			char *fresh;
			if (env_alloc_ram(env, 16 * 4096, &ds))
				continue;
			if (!env_attach(env, ds, 0, 0, true, (void **)&fresh)) {
				for (unsigned i = 0; i < 16 * 4096; i += 4096)
					fresh[i] = 1;
				env_detach(env, fresh);
			}
			env_free_ram(env, ds);
		}
	} else if (!strcmp(mode, "block_park")) {
		log("rogue: blocking parks");
		hostile_block_park(spin_forever, spin_stack, sizeof(spin_stack));
	} else {
		error("rogue: unknown mode \"%s\"", mode);
		env_exit(env, 1);
	}
}

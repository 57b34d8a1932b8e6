/*
 * test-rm_fault: Genode's region-manager fault test, written for this
 * framework from the test's documented behaviour (repos/base/src/test/
 * rm_fault). The program starts itself as its child (the Child API); each
 * knows its role by its RAM (the child has 1 MiB). The child touches an
 * address nothing is attached at; the parent, the fault handler of the
 * child's address space, resolves each fault:
 *
 *  - 4 read faults: it attaches a dataspace shared with the child, waits
 *    until the child incremented the value in it, and detaches it again;
 *  - write faults: it attaches a ROM (the child's write to it faults), then
 *    the shared dataspace read-only (faults again), then writeable, with a
 *    stop mark next to the value, so the child leaves its loop;
 *  - the executable-fault part (execution of data, on the stack) is left
 *    out with <config executable_fault_test="false"/>, as Genode does on
 *    kernels without non-executable mappings (seL4 on x86: frames are
 *    mapped executable).
 *
 * The child ends its role, the parent sees it and exits with 0. Genode's
 * runtime: <succeed exit="0"/>, <fail>*Error: could modify ROM</fail>.
 */
#include <base/string.h>
#include <base/xml.h>
#include <component/child.h>
#include <component/clients.h>
#include <component/connection.h>
#include <component/log.h>
#include <component/thread.h>

#define MANAGED_ADDR 0x18000000ul
#define STOP_TEST    0xdeadul
#define READ_TEST    0x12345ul
#define WRITE_TEST   (READ_TEST - 1)
#define EXEC_TEST    (WRITE_TEST - 1)
#define SHUTDOWN     (EXEC_TEST - 1)
#define RAM_QUOTA    (1024 * 1024ul)
/* Genode gives 20 caps; this framework's child needs a few more for itself */
#define CAP_QUOTA 60

#define FAULT_CNT_READ	4
#define FAULT_CNT_WRITE 6

static struct env *env;
static bool executable_fault_test = true;

static const char *fault_name(seL4_Word type)
{
	return type == RM_FAULT_READ	? "READ_FAULT"
	       : type == RM_FAULT_WRITE ? "WRITE_FAULT"
	       : type == RM_FAULT_EXEC	? "EXEC_FAULT"
					: "READY";
}

/* Wait for another thread or PD to change memory: give the CPU away meanwhile. */
#define WAIT_WHILE(cond)                                                                           \
	while (cond)                                                                               \
	seL4_Yield()

/* --- child role ------------------------------------------------------------- */

static void read_at(unsigned long addr)
{
	log("perform read operation at %#lx", addr);
	int value = *(volatile int *)addr;
	log("read value %x", value);
}

static bool modify_at(unsigned long addr)
{
	volatile unsigned long *p = (volatile unsigned long *)addr;
	unsigned long value = *p;
	if (value == STOP_TEST)
		return false;
	if (value != READ_TEST + 1) {
		*p = *p + 1;
		unsigned long value_mod = *p;
		/* if we are told to stop, do so */
		if (p[1] == STOP_TEST)
			return false;
		log("modify memory at %#lx from %#lx to %#lx", addr, value, value_mod);
	}
	if (value != READ_TEST && value != READ_TEST + 1) {
		error("could modify ROM !!! %#lx", value);
		return false;
	}
	return true;
}

static void main_child(void)
{
	log("child role started");
	/* perform illegal read access */
	read_at(MANAGED_ADDR);
	/* perform illegal write access */
	while (modify_at(MANAGED_ADDR))
		;
	if (executable_fault_test)
		warning("the executable-fault part needs non-executable mappings: left out");
	log("\n--- child role of region-manager fault test finished ---");
	/* sync shutdown with the parent */
	*(volatile unsigned long *)MANAGED_ADDR = SHUTDOWN;
}

/* --- parent role ------------------------------------------------------------ */

static struct child child;
static struct signal_handler fault_handler, fault_handler_stack;
static seL4_CPtr address_space;
static struct rom_connection binary;
static seL4_CPtr ds;
static volatile unsigned long *shared; /* the shared dataspace, here */
static unsigned fault_cnt;

static bool route(struct child *c, const char *service, const char *label, struct route *r)
{
	(void)c;
	return child_route_parent(service, label, "PD CPU ROM LOG", r);
}

static void init_pd(struct child *c)
{
	seL4_CPtr stack_area;
	pd_session_address_space(c->pd, 0, 0, 0, &address_space);
	region_map_fault_handler(address_space, 0, 0, fault_handler.cap, 0);
	if (!pd_session_stack_area(c->pd, 0, 0, 0, &stack_area)) {
		region_map_fault_handler(stack_area, 0, 0, fault_handler_stack.cap, 0);
		rpc_cap_release(stack_area);
	}
}

static void child_exit(struct child *c, long value)
{
	(void)c;
	log("child exited with exit value %ld", value);
}

static const struct child_policy policy = {.route = route, .init_pd = init_pd, .exit = child_exit};

static void attach_at(seL4_CPtr dataspace, unsigned long at, bool writeable)
{
	if (env_attach_at(env, address_space, dataspace, 0, 0, at, false, writeable))
		error("attach at %#lx unexpectedly failed", at);
}

static void detach(unsigned long at)
{
	struct region_map_addr a = {at};
	region_map_detach(address_space, &a, 0, 0, 0);
}

static void test_read_fault(unsigned long at)
{
	/* attach the dataspace to resolve the fault */
	log("attach dataspace to the child at %#lx", at);
	shared[0] = READ_TEST;
	attach_at(ds, at, true);
	/* wait until our child modifies the dataspace content */
	WAIT_WHILE(shared[0] == READ_TEST);
	log("child modified dataspace content, new value is %#lx", shared[0]);
	log("revoke dataspace from child");
	detach(at);
}

static void test_write_fault(unsigned long at, unsigned round)
{
	if (shared[0] != WRITE_TEST) {
		log("test WRITE faults on read-only binary and read-only attached RAM");
		shared[0] = WRITE_TEST;
		attach_at(binary.ds, at, true);
		return;
	}
	enum { ROUND_FAULT_ON_ROM_BINARY = 1, ROUND_FAULT_ON_RO_RAM = 2 };
	if (round == ROUND_FAULT_ON_RO_RAM)
		shared[1] = STOP_TEST;
	log("got write fault on %#lx%s", at,
	    round == ROUND_FAULT_ON_ROM_BINARY ? " ROM (binary)"
	    : round == ROUND_FAULT_ON_RO_RAM   ? " read-only attached RAM"
					       : " unknown");
	/* detach the region where the fault happened */
	detach(at);
	if (round == ROUND_FAULT_ON_ROM_BINARY)
		attach_at(ds, at, false); /* RAM, read-only */
	else if (round == ROUND_FAULT_ON_RO_RAM)
		attach_at(ds, at, true); /* let the child go on */
}

static void handle_fault_stack(struct signal_handler *h, unsigned long n)
{
	(void)h, (void)n;
	/* sync shutdown with the child */
	WAIT_WHILE(shared[0] != SHUTDOWN);
	log("--- parent role of region-manager fault test finished --- ");
	env_exit(env, 0);
}

static void handle_fault(struct signal_handler *h, unsigned long n)
{
	(void)h, (void)n;
	log("received region-map fault signal, request fault state");
	struct region_map_state st = {0};
	region_map_state(address_space, 0, &st, 0, 0);
	log("rm session state is %s, pf_addr=%#lx", fault_name(st.type), st.addr);
	/* ignore spurious fault signal */
	if (st.type == RM_FAULT_NONE) {
		log("ignoring spurious fault signal");
		return;
	}
	unsigned long at = st.addr & ~0xffful;
	if (fault_cnt < FAULT_CNT_READ)
		test_read_fault(at);
	if (fault_cnt <= FAULT_CNT_WRITE && fault_cnt >= FAULT_CNT_READ)
		test_write_fault(at, fault_cnt - FAULT_CNT_READ);
	if (!executable_fault_test && fault_cnt >= FAULT_CNT_WRITE)
		handle_fault_stack(0, 0);
	fault_cnt++;
}

static void main_parent(void)
{
	struct connection rm;
	if (rm_connect(env, &rm) || signal_handler_init(env, &fault_handler, handle_fault) ||
	    signal_handler_init(env, &fault_handler_stack, handle_fault_stack) ||
	    rom_connect(env, "test-rm_fault", &binary) || env_alloc_ram(env, 4096, &ds) ||
	    env_attach(env, ds, 0, 0, true, (void **)&shared)) {
		error("cannot set up the parent role");
		env_exit(env, 1);
	}
	if (child_create(env, &child, &policy, 0, "rmchild", "test-rm_fault", RAM_QUOTA,
			 CAP_QUOTA)) {
		error("cannot start the child");
		env_exit(env, 1);
	}
	log("-- parent role started --");
}

void component_construct(struct env *e)
{
	env = e;
	struct rom_connection config;
	struct xml_node cfg;
	if (!rom_connect(env, "config", &config) && xml_parse(config.text, config.size, &cfg, 0))
		executable_fault_test = xml_attr_bool(&cfg, "executable_fault_test", true);
	log("--- region-manager fault test ---");
	struct pd_quota_result q = {0};
	pd_session_quota(env->pd, 0, &q, 0, 0);
	if (q.ram_quota - q.ram_used > RAM_QUOTA)
		main_parent();
	else
		main_child();
}

/* C start of a root task: TLS and IPC buffer for the initial thread, then root_main. */
#include <base/roottask.h>
#include <base/tls.h>
#include <sel4/sel4.h>

__thread seL4_IPCBuffer *__sel4_ipc_buffer;
seL4_Word __sel4_num_nodes = 1;

static char initial_tls[4096] __attribute__((aligned(64)));

__attribute__((noreturn)) void __sim_root_start(const seL4_BootInfo *bi)
{
	__sel4_num_nodes = bi->numNodes;
	uintptr_t tp = sim_tls_init(initial_tls, sizeof(initial_tls));
	if (!tp || seL4_TCB_SetTLSBase(seL4_CapInitThreadTCB, tp) != seL4_NoError) {
		seL4_DebugPutString("root task: cannot set up thread-local storage\n");
		for (;;)
			sim_DebugHalt(1);
	}
	__sel4_ipc_buffer = bi->ipcBuffer;
	int status = root_main(bi);
	for (;;)
		sim_DebugHalt(status);
}

const seL4_BootInfoHeader *sim_boot_info_chunk(const seL4_BootInfo *bi, seL4_Word id)
{
	const char *p = (const char *)bi + seL4_BootInfoFrameSize;
	const char *end = p + bi->extraLen;
	while (p + sizeof(seL4_BootInfoHeader) <= end) {
		const seL4_BootInfoHeader *h = (const seL4_BootInfoHeader *)p;
		if (h->len < sizeof(*h) || h->len > (seL4_Word)(end - p))
			break;
		if (h->id == id)
			return h;
		p += h->len;
	}
	return 0;
}

const sim_BootModule *sim_boot_module(const seL4_BootInfo *bi, const char *name)
{
	const seL4_BootInfoHeader *h = sim_boot_info_chunk(bi, SEL4_BOOTINFO_HEADER_SIM_MODULES);
	if (!h)
		return 0;
	const sim_BootModules *m = (const sim_BootModules *)h;
	if (m->count > (h->len - sizeof(*m)) / sizeof(m->module[0]))
		return 0;
	for (seL4_Word i = 0; i < m->count; i++) {
		const char *a = m->module[i].name, *b = name;
		while (*a && *a == *b)
			a++, b++;
		if (*a == *b)
			return &m->module[i];
	}
	return 0;
}

seL4_Word sim_tsc_mhz(const seL4_BootInfo *bi)
{
	const seL4_BootInfoHeader *h = sim_boot_info_chunk(bi, SEL4_BOOTINFO_HEADER_X86_TSC_FREQ);
	if (!h || h->len < sizeof(*h) + sizeof(uint32_t))
		return 0;
	return *(const uint32_t *)(h + 1);
}

#include "fault_cost.h"

#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <ucontext.h>

#define SAMPLES	   301
#define LOAD_BYTES 3 /* mov (%rax), %rax */

static uint64_t delivery, back;
static volatile uint64_t handler_in, handler_out;

static void on_fault(int sig, siginfo_t *si, void *ucv)
{
	handler_in = __builtin_ia32_rdtsc();
	(void)sig, (void)si;
	((ucontext_t *)ucv)->uc_mcontext.gregs[REG_RIP] += LOAD_BYTES;
	handler_out = __builtin_ia32_rdtsc();
}

static int by_value(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
	return x < y ? -1 : x > y;
}

/* One load from page, which faults; the handler skips it. */
static void fault_once(void *page, uint64_t *in, uint64_t *out)
{
	uint64_t v;
	uint64_t t0 = __builtin_ia32_rdtsc();
	__asm__ volatile("mov (%1), %0" : "=a"(v) : "a"(page) : "memory");
	uint64_t t1 = __builtin_ia32_rdtsc();
	*in = handler_in > t0 ? handler_in - t0 : 0;
	*out = t1 > handler_out ? t1 - handler_out : 0;
}

static void measure(void *page)
{
	static uint64_t in[SAMPLES], out[SAMPLES];
	for (int i = 0; i < SAMPLES; i++)
		fault_once(page, &in[i], &out[i]);
	qsort(in, SAMPLES, sizeof(in[0]), by_value);
	qsort(out, SAMPLES, sizeof(out[0]), by_value);
	delivery = in[SAMPLES / 2];
	back = out[SAMPLES / 2];
}

void fault_cost_measure(void)
{
	static char stack[64 * 1024];
	stack_t ss = {.ss_sp = stack, .ss_size = sizeof(stack)}, old_ss;
	struct sigaction sa, old_sa;
	memset(&sa, 0, sizeof(sa));
	sa.sa_sigaction = on_fault;
	sa.sa_flags = SA_SIGINFO | SA_ONSTACK; /* as the runtime's handler */
	sigfillset(&sa.sa_mask);
	void *page = mmap(NULL, 4096, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (page == MAP_FAILED)
		return;
	if (sigaltstack(&ss, &old_ss) == 0) {
		if (sigaction(SIGSEGV, &sa, &old_sa) == 0) {
			measure(page);
			sigaction(SIGSEGV, &old_sa, NULL);
		}
		sigaltstack(&old_ss, NULL);
	}
	munmap(page, 4096);
}

uint64_t fault_cost_delivery(void)
{
	return delivery;
}

uint64_t fault_cost_return(void)
{
	return back;
}

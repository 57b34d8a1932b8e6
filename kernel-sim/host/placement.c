#include "placement.h"
#include "../kernel/log.h"

#include <errno.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { PIN_AUTO = -1, PIN_OFF = -2 };

static int pin = PIN_AUTO;

int placement_parse(const char *arg)
{
	if (!strcmp(arg, "auto")) {
		pin = PIN_AUTO;
		return 0;
	}
	if (!strcmp(arg, "off")) {
		pin = PIN_OFF;
		return 0;
	}
	char *end;
	errno = 0;
	long core = strtol(arg, &end, 10);
	if (errno || end == arg || *end || core < 0 || core >= CPU_SETSIZE)
		return -1;
	pin = (int)core;
	return 0;
}

int placement_apply(const struct sched_config *sc)
{
	/* Automatic only where one thread runs at a time: --cpus 1, seL4's scheduling. */
	if (pin == PIN_OFF || (pin == PIN_AUTO && (sc->mode != SCHED_SEL4 || sc->cpus != 1)))
		return 0;
	cpu_set_t allowed;
	if (sched_getaffinity(0, sizeof(allowed), &allowed) != 0)
		return 0;
	int core = pin;
	if (pin == PIN_AUTO) {
		core = sched_getcpu();
		/* Placed on one core already (taskset), or nowhere to tell: leave it. */
		if (CPU_COUNT(&allowed) <= 1 || core < 0 || !CPU_ISSET(core, &allowed))
			return 0;
	}
	cpu_set_t one;
	CPU_ZERO(&one);
	CPU_SET(core, &one);
	if (sched_setaffinity(0, sizeof(one), &one) != 0) {
		if (pin == PIN_AUTO)
			return 0;
		fprintf(stderr, "kernel-sim: cannot run on host core %d: %s\n", core,
			strerror(errno));
		return -1;
	}
	if (kernel_verbose)
		kprintf("kernel-sim: on host core %d with every PD process (--pin off: "
			"anywhere)\n",
			core);
	return 0;
}

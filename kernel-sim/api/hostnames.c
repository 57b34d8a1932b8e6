#include "hostnames.h"

/* Generated from the host's <asm/unistd_64.h> by the Makefile. */
static const char *const names[] = {
#include "hostnames_table.h"
};

const char *host_syscall_name(long nr)
{
	if (nr < 0 || (unsigned long)nr >= sizeof(names) / sizeof(names[0]) || !names[nr])
		return "unknown";
	return names[nr];
}

#include "sel4_config.h"
#include "../api/debug.h"
#include "boot.h"
#include "../devices/irq_lines.h"
#include "../kernel/log.h"
#include "../kernel/schedule.h"
#include <sel4/constants.h>

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/*
 * The value of "KEY": in a flat JSON object, as text (without quotes);
 * false if the key is missing. gen_config.json holds strings, true, false.
 */
static bool lookup(const char *json, const char *key, char *out, size_t len)
{
	char pattern[80];
	snprintf(pattern, sizeof(pattern), "\"%s\"", key);
	const char *p = strstr(json, pattern);
	if (!p)
		return false;
	p += strlen(pattern);
	while (*p == ' ' || *p == '\t' || *p == ':')
		p++;
	bool quoted = *p == '"';
	if (quoted)
		p++;
	size_t n = 0;
	while (p[n] && n + 1 < len &&
	       (quoted ? p[n] != '"' : p[n] != ',' && p[n] != '\n' && p[n] != '}'))
		n++;
	memcpy(out, p, n);
	out[n] = 0;
	while (n && (out[n - 1] == ' ' || out[n - 1] == '\r'))
		out[--n] = 0;
	return true;
}

static bool is_true(const char *json, const char *key)
{
	char v[32];
	return lookup(json, key, v, sizeof(v)) && strcmp(v, "true") == 0;
}

static long number(const char *json, const char *key, long fallback)
{
	char v[32];
	return lookup(json, key, v, sizeof(v)) && *v ? strtol(v, NULL, 10) : fallback;
}

/* What kernel-sim cannot be; the name of the first such setting, or 0. */
static const char *unsupported(const char *json)
{
	if (!is_true(json, "ARCH_X86_64"))
		return "an architecture other than x86_64 (ARCH_X86_64)";
	if (is_true(json, "KERNEL_MCS"))
		return "the MCS kernel (KERNEL_MCS)";
	if (number(json, "MAX_NUM_NODES", 1) < 1 || number(json, "MAX_NUM_NODES", 1) > MAX_CPUS)
		return "a number of nodes out of range (MAX_NUM_NODES)";
	if (number(json, "MAX_NUM_BOOTINFO_UNTYPED_CAPS", CONFIG_MAX_NUM_BOOTINFO_UNTYPED_CAPS) !=
	    CONFIG_MAX_NUM_BOOTINFO_UNTYPED_CAPS)
		return "another boot-info untyped list size (MAX_NUM_BOOTINFO_UNTYPED_CAPS)";
	if (number(json, "NUM_PRIORITIES", seL4_NumPriorities) != seL4_NumPriorities)
		return "another number of priorities (NUM_PRIORITIES)";
	if (number(json, "RETYPE_FAN_OUT_LIMIT", seL4_RetypeFanOutLimit) != seL4_RetypeFanOutLimit)
		return "another retype fan-out limit (RETYPE_FAN_OUT_LIMIT)";
	if (is_true(json, "IOMMU"))
		return "an IOMMU (IOMMU)";
	if (is_true(json, "VTX"))
		return "VT-x guests (VTX)";
	if (is_true(json, "ENABLE_BENCHMARKS"))
		return "the benchmark system calls (ENABLE_BENCHMARKS)";
	if (is_true(json, "KERNEL_X86_DANGEROUS_MSR"))
		return "the MSR system calls (KERNEL_X86_DANGEROUS_MSR)";
	if (is_true(json, "DANGEROUS_CODE_INJECTION"))
		return "code injection (DANGEROUS_CODE_INJECTION)";
	if (number(json, "NUM_DOMAINS", 1) < 1 || number(json, "NUM_DOMAINS", 1) > MAX_DOMAINS)
		return "a number of domains out of range (NUM_DOMAINS)";
	if (number(json, "NUM_DOMAIN_SCHEDULES", DEFAULT_DOMAIN_SCHEDULES) < 2 ||
	    number(json, "NUM_DOMAIN_SCHEDULES", DEFAULT_DOMAIN_SCHEDULES) > 65536)
		return "a domain schedule size out of range (NUM_DOMAIN_SCHEDULES)";
	return 0;
}

int sel4_config_load(const char *path, struct boot_args *args)
{
	FILE *f = fopen(path, "re");
	if (!f) {
		kprintf("kernel-sim: cannot read the seL4 configuration %s: %s\n", path,
			strerror(errno));
		return -1;
	}
	static char json[1 << 20];
	size_t n = fread(json, 1, sizeof(json) - 1, f);
	fclose(f);
	json[n] = 0;
	char v[32];
	if (!lookup(json, "ROOT_CNODE_SIZE_BITS", v, sizeof(v))) {
		kprintf("kernel-sim: %s is not an seL4 gen_config.json\n", path);
		return -1;
	}
	const char *no = unsupported(json);
	if (no) {
		kprintf("kernel-sim: %s configures %s, which kernel-sim does not simulate\n", path,
			no);
		return -1;
	}
	long bits = strtol(v, NULL, 10);
	if (bits < 4 || bits > 20) {
		kprintf("kernel-sim: ROOT_CNODE_SIZE_BITS %ld is out of range\n", bits);
		return -1;
	}
	args->root_cnode_bits = (unsigned)bits;
	irq_controller = is_true(json, "IRQ_PIC") ? IRQ_CONTROLLER_PIC : IRQ_CONTROLLER_IOAPIC;
	args->boot_messages = is_true(json, "PRINTING");
	args->max_num_nodes = (unsigned)number(json, "MAX_NUM_NODES", 1);
	args->num_domains = (unsigned)number(json, "NUM_DOMAINS", 1);
	args->num_domain_schedules =
	    (unsigned)number(json, "NUM_DOMAIN_SCHEDULES", DEFAULT_DOMAIN_SCHEDULES);
	debug_calls_of_kernel(is_true(json, "PRINTING") || is_true(json, "DEBUG_BUILD"));
	return 0;
}

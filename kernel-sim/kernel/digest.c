#include "digest.h"
#include "log.h"

bool digest_on;

/* FNV-1a over the event's words. */
#define FNV_OFFSET 0xcbf29ce484222325ull
#define FNV_PRIME  0x100000001b3ull

static uint64_t digest = FNV_OFFSET;
static unsigned long events;

static void fold(uint64_t v)
{
	for (int i = 0; i < 8; i++, v >>= 8)
		digest = (digest ^ (v & 0xff)) * FNV_PRIME;
}

void digest_event(const char *kind, uint64_t a, uint64_t b, uint64_t c)
{
	while (*kind)
		digest = (digest ^ (unsigned char)*kind++) * FNV_PRIME;
	fold(a);
	fold(b);
	fold(c);
	events++;
}

void digest_print(void)
{
	kprintf("kernel-sim: event digest %016llx (%lu events)\n", (unsigned long long)digest,
		events);
}

/*
 * test-rm_stress: Genode's region-map attachment stress test, written for
 * this framework from the test's documented behaviour
 * (repos/base/src/test/rm_stress).
 *
 * Two pages of RAM, one filled with 0xaa and one with 0x55 (each stays
 * attached where it was filled), are attached once more anywhere in the
 * address space, read and detached again, one after the other, 10000
 * rounds (20000 attachments). Every attachment must show the
 * page's colour; success is exit value 0, a wrong value exit value -1.
 *
 * <config rounds="10000"/> sets the rounds (Genode's value is the default).
 */
#include <base/string.h>
#include <base/xml.h>
#include <component/connection.h>
#include <component/log.h>

#define PAGE 0x1000

struct page {
	seL4_CPtr ds;
	unsigned char color;
};

static void page_init(struct env *env, struct page *p, unsigned char color)
{
	unsigned char *at;
	int err = env_alloc_ram(env, PAGE, &p->ds);
	if (!err && (err = env_attach(env, p->ds, 0, 0, true, (void **)&at)))
		env_free_ram(env, p->ds);
	if (err) {
		error("cannot allocate a page: %s", rpc_error_name(err));
		env_exit(env, -1);
	}
	p->color = color;
	memset(at, color, PAGE);
	log("new page @ %p with color %02x", (void *)at, *at);
}

void component_construct(struct env *env)
{
	unsigned long rounds = 10000;
	struct rom_connection rom;
	struct xml_node config;
	if (!rom_connect(env, "config", &rom) && xml_parse(rom.text, rom.size, &config, 0))
		xml_attr_ulong(&config, "rounds", &rounds);
	log("--- region-map attachment stress test ---");
	struct page page[2];
	page_init(env, &page[0], 0xaa);
	page_init(env, &page[1], 0x55);
	for (unsigned long r = 0; r < rounds; r++)
		for (unsigned i = 0; i < 2; i++) {
			volatile unsigned char *v;
			int err = env_attach(env, page[i].ds, PAGE, 0, true, (void **)&v);
			if (err) {
				error("attach failed in round %lu: %s", r, rpc_error_name(err));
				env_exit(env, -1);
			}
			if (*v != page[i].color) {
				error("value @ %p  %02x != %02x in round %lu", (void *)v, *v,
				      page[i].color, r);
				env_exit(env, -1);
			}
			env_detach(env, (void *)v);
		}
	env_exit(env, 0);
}

/*
 * test-sub_rm: Genode's test of a manually managed region map, written for
 * this framework from the test's documented behaviour (repos/base/src/
 * test/sub_rm). A region map of 1 MiB from the RM service is created and
 * destroyed, then created again and populated with a RAM dataspace of four
 * pages holding two patterns (at its first and second page):
 *
 *  - attached read-only at 4 KiB; the region map's dataspace attached in
 *    our address space (at local_attach_addr, or anywhere if 0) shows the
 *    first pattern there;
 *  - attached again at 0x40000 while the map is in use: shows through too;
 *  - an attachment crossing the map's end, and one overlapping the first,
 *    fail with a region conflict;
 *  - with attach_twice_forbidden, attaching anywhere fails as a conflict
 *    (Genode's Linux, which has no managed dataspaces);
 *  - without support_attach_sub_any, attaching anywhere fails (Linux);
 *  - attached with an offset of a page at 0x80000, and with offset and a
 *    size of two pages at 0xc0000: the second pattern is at their start;
 *  - the first attachment is detached.
 *
 * Then "--- end of sub-rm test ---", and the component sleeps (Genode's
 * run script inspects the mappings on Linux). Failures log "Error: FAIL:".
 * <config local_attach_addr="0x70000000" attach_twice_forbidden="false"
 * support_attach_sub_any="true"/> as Genode's run script sets them for
 * kernels other than Linux.
 */
#include <base/string.h>
#include <base/xml.h>
#include <component/clients.h>
#include <component/connection.h>
#include <component/log.h>

#define SUB_RM_SIZE	(1024 * 1024ul)
#define DS_SIZE		(4 * 4096ul)
#define DS_SUB_OFFSET	4096ul
#define DS_SUB_OFFSET_2 0x40000ul
#define DS_SUB_OFFSET_3 0x80000ul
#define DS_SUB_OFFSET_4 0xc0000ul

static const char *const pattern_1 = "Pattern to verify dataspace content";
static const char *const pattern_2 = "A second pattern to verify dataspace content";

static struct env *env;

__attribute__((noreturn)) static void fail(const char *message)
{
	error("FAIL: %s", message);
	env_exit(env, 1);
}

static void fill_ds_with_test_pattern(const char *pattern, seL4_CPtr ds, unsigned long offset)
{
	log("fill dataspace with information");
	char *local;
	if (env_attach(env, ds, 0, 0, true, (void **)&local))
		fail("cannot attach the dataspace");
	strlcpy(local + offset, pattern, DS_SIZE - offset);
	env_detach(env, local);
}

static void validate_pattern_at(const char *pattern, const char *ptr)
{
	if (strcmp(ptr, pattern) != 0)
		fail("test pattern not found");
}

/* Attach ds to the sub region map; at == ~0: anywhere. The address or an rpc_error. */
static int sub_attach(seL4_CPtr rm, seL4_CPtr ds, unsigned long size, unsigned long offset,
		      unsigned long at, bool writeable, unsigned long *addr)
{
	struct region_map_attach_args a = {.size = size,
					   .offset = offset,
					   .use_at = at != ~0ul,
					   .at = at != ~0ul ? at : 0,
					   .writeable = writeable};
	struct region_map_addr r = {0};
	int err = region_map_attach(rm, &a, &r, ds, 0);
	if (addr)
		*addr = r.addr;
	return err;
}

void component_construct(struct env *e)
{
	env = e;
	unsigned long local_attach_addr = 0;
	bool attach_twice_forbidden = false, support_attach_sub_any = true;
	struct rom_connection config;
	struct xml_node node;
	if (!rom_connect(env, "config", &config) && xml_parse(config.text, config.size, &node, 0)) {
		xml_attr_ulong(&node, "local_attach_addr", &local_attach_addr);
		attach_twice_forbidden = xml_attr_bool(&node, "attach_twice_forbidden", false);
		support_attach_sub_any = xml_attr_bool(&node, "support_attach_sub_any", true);
	}

	log("--- sub-rm test ---");

	log("create RM connection");
	struct connection rm;
	if (rm_connect(env, &rm))
		fail("no RM session");

	/* free and re-allocate the region map to exercise the 'destroy' operation */
	log("create and destroy region map");
	struct rm_create_args create = {SUB_RM_SIZE};
	seL4_CPtr sub_rm;
	if (rm_session_create(rm.cap, &create, 0, 0, &sub_rm))
		fail("cannot create a region map");
	if (rm_session_destroy(rm.cap, 0, 0, sub_rm, 0))
		fail("cannot destroy the region map");
	rpc_cap_release(sub_rm);

	/* the region map for the actual test */
	log("create managed dataspace");
	if (rm_session_create(rm.cap, &create, 0, 0, &sub_rm))
		fail("cannot create a region map");
	seL4_CPtr ds;
	if (env_alloc_ram(env, DS_SIZE, &ds))
		fail("cannot allocate RAM");

	/* write test patterns to the start and the second page of the RAM dataspace */
	fill_ds_with_test_pattern(pattern_1, ds, 0);
	fill_ds_with_test_pattern(pattern_2, ds, 4096);

	if (!support_attach_sub_any) {
		log("attach RAM ds to any position at sub rm - this should fail");
		int err = sub_attach(sub_rm, ds, 0, 0, ~0ul, true, 0);
		if (!err)
			fail("sub rm attach_any unexpectedly did not fail");
		if (err == RPC_REGION_CONFLICT)
			log("attach failed as expected");
	}

	log("attach RAM ds to a fixed position at sub rm");
	unsigned long addr;
	if (!sub_attach(sub_rm, ds, 0, 0, DS_SUB_OFFSET, false, &addr) && addr != DS_SUB_OFFSET)
		fail("attach-at return-value mismatch");

	/*
	 * A fixed local address makes the address-space layout predictable
	 * (Genode's run script reads /proc/pid/maps on Linux).
	 */
	log("attach sub rm at local address space");
	seL4_CPtr sub_rm_ds;
	if (region_map_dataspace(sub_rm, 0, 0, 0, &sub_rm_ds))
		fail("no dataspace of the region map");
	char *sub_rm_base = 0;
	if (local_attach_addr) {
		if (!env_attach_at(env, env->rm, sub_rm_ds, 0, 0, local_attach_addr, false, true))
			sub_rm_base = (char *)local_attach_addr;
	} else if (env_attach(env, sub_rm_ds, 0, 0, true, (void **)&sub_rm_base)) {
		sub_rm_base = 0;
	}
	if (!sub_rm_base)
		fail("cannot attach the sub rm");

	log("validate pattern in sub rm");
	validate_pattern_at(pattern_1, sub_rm_base + DS_SUB_OFFSET);

	/* the sub rm appeared in our address space: populate it further */
	log("attach RAM ds at another fixed position at sub rm");
	if (!sub_attach(sub_rm, ds, 0, 0, DS_SUB_OFFSET_2, false, &addr) && addr != DS_SUB_OFFSET_2)
		fail("attach-at return-value mismatch");

	log("validate pattern in second mapping in sub rm");
	validate_pattern_at(pattern_1, sub_rm_base + DS_SUB_OFFSET_2);

	/* crossing the boundaries of the sub rm is an error */
	int err = sub_attach(sub_rm, ds, 0, 0, SUB_RM_SIZE - 4096, true, 0);
	if (!err)
		fail("undetected boundary conflict\n");
	if (err == RPC_REGION_CONFLICT)
		log("attaching beyond sub RM boundary failed as expected");

	/* region-conflict detection */
	log("attaching RAM ds to a conflicting region");
	err = sub_attach(sub_rm, ds, 0, 0, DS_SUB_OFFSET + 4096, true, 0);
	if (!err)
		fail("region conflict went undetected");
	if (err == RPC_REGION_CONFLICT)
		log("attaching conflicting region failed as expected");

	if (attach_twice_forbidden) {
		log("attach sub rm again at local address space");
		err = sub_attach(sub_rm, ds, 0, 0, ~0ul, true, 0);
		if (!err)
			fail("double attachment of sub RM session went undetected");
		if (err == RPC_REGION_CONFLICT)
			log("doubly attaching sub RM session failed as expected");
	}

	/*
	 * The RAM dataspace with an offset of a page: the second pattern is at
	 * the start of the region, which is a page smaller.
	 */
	log("attach RAM ds with offset");
	if (sub_attach(sub_rm, ds, 0, 4096, DS_SUB_OFFSET_3, true, 0))
		fail("RAM attachment with offset");
	validate_pattern_at(pattern_2, sub_rm_base + DS_SUB_OFFSET_3);

	/* and a window of two pages from the second page */
	log("attach RAM ds with offset and size");
	if (sub_attach(sub_rm, ds, 2 * 4096, 4096, DS_SUB_OFFSET_4, true, 0))
		fail("RAM attachment with offset and size");
	validate_pattern_at(pattern_2, sub_rm_base + DS_SUB_OFFSET_4);

	/* Genode's run script checks on Linux that this mapping is gone */
	struct region_map_addr first = {DS_SUB_OFFSET};
	region_map_detach(sub_rm, &first, 0, 0, 0);

	log("--- end of sub-rm test ---");
	/* no return: Genode's run script inspects the mappings afterwards */
}
